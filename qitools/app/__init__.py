"""The workshop app: a team drops its own export into a web page and gets its chart, explained.

``qitools app`` serves the page with Voilà (which runs a notebook and shows only its widgets) on
this computer (localhost). The page is :class:`qitools.app.ui.WorkshopApp`; the notebook
``workshop.ipynb`` beside this file only displays it. Everything the page does goes through the
library's public API (:func:`qitools.read_measure`, :func:`qitools.suggest_chart`,
:func:`qitools.control_chart`, :func:`qitools.chart_report`).

Nothing here is imported by ``import qitools``; ipywidgets loads with :mod:`qitools.app.ui`.
"""

from __future__ import annotations

__all__: list[str] = []
