"""Saving charts as PNG or SVG, with the chart's plain-English explanation as the image description."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_path
from ..spc.errors import QITypeError, QIValueError
from .chart import gc_paused

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["save", "save_pdf", "alt_text_of", "FORMATS", "FACETS_PER_PAGE"]

#: small multiples on each page of a PDF of a faceted chart (a 5 x 4 grid on a landscape page)
FACETS_PER_PAGE = 20

#: file suffix -> format; PNG for documents and slides, SVG for the web (text stays text)
FORMATS = {".png": "png", ".svg": "svg"}

#: fixed salt for SVG ids, so the same chart gives the same file (diffs, notebooks, tests)
SVG_HASHSALT = "qitools"


def _figure_of(obj: Any) -> Figure:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(obj, Axes):
        obj = obj.figure
    while isinstance(obj, SubFigure):
        obj = obj.figure
    if isinstance(obj, Figure):
        return obj
    raise QITypeError(f"save() needs a matplotlib Figure or Axes (what cc.plot() returns); got {type(obj).__name__}.")


def alt_text_of(obj: Any) -> str:
    """The explanation of the chart drawn on ``obj`` (a Figure or Axes from ``cc.plot()``), or ``""``.

    Parameters
    ----------
    obj : matplotlib Figure or Axes

    Returns
    -------
    str
        ``cc.explain()`` of the chart (of its facet, for one facet on an Axes).
    """
    from matplotlib.axes import Axes

    candidates = [obj]
    if isinstance(obj, Axes):
        candidates.append(obj.figure)
    else:
        candidates += list(getattr(obj, "axes", []))
    for c in candidates:
        cc = getattr(c, "qi_result", None)
        if cc is not None:
            facet = getattr(c, "qi_facet", None) if isinstance(c, Axes) else None
            return str(cc.explain(facet=facet))
    return ""


def _title_of(fig: Figure) -> str:
    for t in fig.texts:
        if t.get_gid() == "qi-title" and t.get_text():
            return t.get_text().replace("\n", " ")
    for ax in fig.axes:
        if ax.get_title(loc="left"):
            return ax.get_title(loc="left").replace("\n", " ")
        if ax.get_title():
            return ax.get_title().replace("\n", " ")
    return ""


def _svg_accessible(svg: str, title: str, desc: str) -> str:
    """Add ``role="img"``, ``<title>`` and ``<desc>`` as the first children of the root ``<svg>``."""
    m = re.search(r"<svg\b[^>]*>", svg)
    if m is None:  # pragma: no cover - matplotlib always writes one
        return svg
    tag = m.group(0)
    new_tag = tag[:-1].rstrip("/") + ' role="img" aria-labelledby="qi-title qi-desc">'
    inner = f'\n <title id="qi-title">{html.escape(title)}</title>\n <desc id="qi-desc">{html.escape(desc)}</desc>'
    return svg[: m.start()] + new_tag + inner + svg[m.end() :]


def save(
    fig_or_ax: Figure | Axes,
    path: str | os.PathLike[str],
    *,
    alt_text: str | None = None,
    title: str | None = None,
    dpi: float = 150,
    **savefig_kwargs: Any,
) -> Path:
    """Save a chart as PNG or SVG with a description (alt text) that screen readers and catalogues read.

    The description is the chart's plain-English explanation (``cc.explain()``) unless
    ``alt_text`` is given. PNG files get it as the ``Description`` text chunk (and ``Title``);
    SVG files as ``<title>`` and ``<desc>`` elements (with ``role="img"``) and as Dublin Core
    metadata. The file is written to a temporary file in the same folder and then moved into
    place, so an existing file is never lost if saving fails. Output is deterministic: no date or
    software version stamps, fixed SVG ids.

    Parameters
    ----------
    fig_or_ax : matplotlib Figure or Axes
        What ``cc.plot()`` returned (the whole figure is saved).
    path : str or path-like
        Ends in ``.png`` or ``.svg``.
    alt_text : str, optional
        The description; default: the explanation of the chart drawn by ``cc.plot()``.
    title : str, optional
        The image title; default: the chart's title.
    dpi : float, default 150
        Resolution of a PNG.
    **savefig_kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig` (e.g. ``bbox_inches="tight"``).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    QIValueError
        The path does not end in ``.png`` or ``.svg``, or its folder does not exist.
    QITypeError
        ``fig_or_ax`` is not a matplotlib Figure or Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tempfile, pathlib
    >>> import qitools as qi
    >>> from qitools.plot import save
    >>> cc = qi.run_chart(y=[3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = save(cc.plot(), pathlib.Path(folder) / "chart.png")
    ...     from PIL import Image
    ...     Image.open(out).text["Description"] == str(cc.explain())
    True
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise QIValueError(
            f"Cannot save a chart as {p.name!r}: the file name must end in .png (for documents and slides) or "
            ".svg (for web pages). For example cc.save('chart.png')."
        )
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise QIValueError(f"Cannot save {p.name!r}: the folder {str(folder)!r} does not exist. Create it first.")
    fig = _figure_of(fig_or_ax)
    desc = alt_text_of(fig_or_ax) if alt_text is None else str(alt_text)
    ttl = _title_of(fig) if title is None else str(title)
    import matplotlib

    kwargs = dict(savefig_kwargs)
    kwargs.setdefault("facecolor", "white")
    if fmt == "png":
        meta = {"Software": None, "Title": ttl or None, "Description": desc or None}
        kwargs["dpi"] = dpi
    else:
        # the title goes into <title> below (matplotlib would write a second one from "Title")
        meta = {"Date": None, "Creator": None, "Description": desc or None}
    meta = {k: v for k, v in meta.items() if v is not None or k in ("Software", "Date", "Creator")}
    with atomic_path(p) as tmp:
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}), gc_paused():
            fig.savefig(tmp, format=fmt, metadata=meta, **kwargs)
        if fmt == "svg":
            text = tmp.read_text(encoding="utf-8")
            tmp.write_text(_svg_accessible(text, ttl, desc), encoding="utf-8")
    return p


def _facet_pages(cc: Any, labels: list[Any], per_page: int) -> Any:
    """The chart restricted to each page's facets, without searching all rows for each page."""
    import dataclasses

    import numpy as np
    import pandas as pd

    d, s, icons = cc.data, cc.summary, cc.icons_table

    def positions(col: pd.Series) -> tuple[dict[Any, int], np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(col, sort=False)
        order = np.argsort(codes, kind="stable")
        starts = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(uniques)))]
        return {lab: k for k, lab in enumerate(uniques)}, order, starts

    d_idx, d_order, d_starts = positions(d["facet"])
    s_idx, s_order, s_starts = positions(s["facet"])
    i_idx = {lab: k for k, lab in enumerate(icons["facet"])} if icons is not None else {}

    def rows(index: dict[Any, int], order: np.ndarray, starts: np.ndarray, page: list[Any]) -> np.ndarray:
        ks = [index[lab] for lab in page if lab in index]
        return np.concatenate([order[starts[k] : starts[k + 1]] for k in ks]) if ks else np.zeros(0, dtype=np.int64)

    for first in range(0, len(labels), per_page):
        page = labels[first : first + per_page]
        yield dataclasses.replace(
            cc,
            data=d.iloc[rows(d_idx, d_order, d_starts, page)],
            summary=s.iloc[rows(s_idx, s_order, s_starts, page)],
            icons_table=icons.iloc[[i_idx[lab] for lab in page if lab in i_idx]] if icons is not None else None,
        )


def save_pdf(
    cc: Any, path: str | os.PathLike[str], *, facet: Any = None, per_page: int = FACETS_PER_PAGE, **style: Any
) -> Path:
    """Write a chart to a PDF: one page for an unfaceted chart (or one facet), and for a faceted chart
    pages of small multiples, ``per_page`` facets to a page, however many facets there are.

    The document's subject is the chart's plain-English explanation (``cc.explain()``). The file is
    written to a temporary file first and moved into place, so an existing file survives a failure.

    Parameters
    ----------
    cc : ControlChart
        The chart.
    path : str or path-like
        Ends in ``.pdf``.
    facet : optional
        Only these facets (as in :meth:`qitools.ControlChart.plot`).
    per_page : int, default 20
        Small multiples per page (at most :data:`qitools.plot.facets.MAX_FACETS`).
    **style
        Options of :meth:`qitools.ControlChart.plot` (``title=``, ``percent=`` ...).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    QIValueError
        The path does not end in .pdf or its folder does not exist; ``per_page`` out of range.

    Warns
    -----
    QIToolsWarning
        Many pages (more than 50): how long writing them will take, and how to choose fewer facets.
    """
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from ..spc.errors import QIToolsWarning
    from .chart import plot, select_facets
    from .facets import MAX_FACETS, plot_facets

    p = Path(path)
    if p.suffix.lower() != ".pdf":
        raise QIValueError(f"save_pdf() writes a .pdf file; got {p.name!r}. For example cc.save('all_facets.pdf').")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise QIValueError(f"Cannot save {p.name!r}: the folder {str(folder)!r} does not exist. Create it first.")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_FACETS:
        raise QIValueError(f"per_page must be a whole number from 1 to {MAX_FACETS}; got {per_page!r}.")
    faceted = "facet" in cc.data.columns
    labels = (select_facets(cc, facet) if facet is not None else list(dict.fromkeys(cc.summary["facet"]))) if faceted else []
    n_pages = -(-len(labels) // per_page) if len(labels) > 1 else 1
    if n_pages > 50:
        warnings.warn(
            f"Writing {len(labels):,} facets to {n_pages:,} pages takes about a second a page "
            f"(~{n_pages / 60:,.0f} minutes). To be quicker, choose the facets worth a look first, e.g. "
            f"cc.save('some.pdf', facet=[...]), or raise per_page (up to {MAX_FACETS}).",
            QIToolsWarning,
            stacklevel=3,
        )
    desc = str(cc.explain()) if not faceted or len(labels) != 1 else str(cc.explain(facet=labels[0]))
    meta = {"Title": style.get("title") or None, "Subject": desc or None, "CreationDate": None, "Creator": None}
    meta = {k: v for k, v in meta.items() if v is not None or k in ("CreationDate", "Creator")}
    with atomic_path(p) as tmp, gc_paused():
        with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(tmp, metadata=meta) as pdf:
            if not faceted or len(labels) == 1:
                drawn = plot(cc, facet=labels[0] if labels else None, **style)
                fig = drawn if hasattr(drawn, "savefig") else drawn.figure
                pdf.savefig(fig, facecolor="white")
                plt.close(fig)
            else:
                for page in _facet_pages(cc, labels, per_page):
                    fig = plot_facets(page, **style)
                    pdf.savefig(fig, facecolor="white")
                    plt.close(fig)
    return p
