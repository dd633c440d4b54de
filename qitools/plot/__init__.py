"""Drawing charts with matplotlib: run and control charts, small multiples, and saving with alt text.

Loaded on first use (``cc.plot()``), never by ``import qitools``.

- :func:`plot_chart` draws one chart (or one facet) on an Axes and returns the Axes;
- :func:`plot_facets` draws a faceted chart as small multiples and returns the Figure;
- :func:`plot` chooses between them (what :meth:`qitools.ControlChart.plot` calls);
- :func:`save` writes a PNG or SVG with the chart's explanation as its description (alt text);
- :func:`save_pdf` writes a PDF, pages of small multiples for any number of facets;
- :mod:`qitools.plot.style` holds the colours, markers, line styles and font sizes.
"""

from __future__ import annotations

from . import style
from .annotations import AnnotationOutsideWarning
from .chart import plot, plot_chart
from .facets import plot_facets
from .save import save, save_pdf

__all__ = ["plot", "plot_chart", "plot_facets", "save", "save_pdf", "style", "AnnotationOutsideWarning"]
