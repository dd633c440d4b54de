"""Small multiples: one small chart per facet on one figure, readable at 100+ facets."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..spc.errors import QIValueError
from ._axis import set_x_ticks, x_margin
from .annotations import normalise_annotations
from .chart import (
    Options,
    _nice,
    default_axis_labels,
    draw_panel,
    make_context,
    make_panel,
    measure_label,
    rules_text,
    wrap,
    y_limits,
    y_range,
)
from .style import COLOURS, FONT_SIZES, base_rc

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..results import ControlChart

__all__ = ["plot_facets", "MAX_FACETS", "too_many_facets_message"]

_PANEL_W = 2.5  # inches per small chart
_PANEL_H = 1.75
#: the most small multiples drawn on one figure: beyond this no one can read them (a 100-facet
#: figure is 25 x 18 inches and takes a few seconds); more facets go to a multi-page PDF
MAX_FACETS = 100


def too_many_facets_message(cc: ControlChart, n: int) -> str:
    """What to do instead of drawing ``n`` facets on one figure."""
    labels = list(dict.fromkeys(cc.summary["facet"]))[:3]
    names = list(cc.params.get("facet") or [])
    by_column = ""
    if len(names) == 2 and names[0] in cc.summary.columns:
        first = cc.summary[names[0]].iloc[0]
        by_column = f", or facet={first!r} for every chart of that {names[0]}"
    table = (
        "cc.icons (one row per facet: its variation and assurance icons)"
        if cc.icons_table is not None
        else "cc.summary[cc.summary['special_causes'] > 0] (the parts where a rule fired)"
    )
    return (
        f"This chart has {n:,} facets: one figure of small multiples is readable up to {MAX_FACETS}, and drawing "
        f"them all would take a long time. Instead: draw a few with cc.plot(facet={labels!r}){by_column}; write "
        f"them all to a PDF, 20 to a page, with cc.save('all_facets.pdf'); or find the ones worth a look in "
        f"{table}."
    )


def _split(d: pd.DataFrame) -> tuple[list[Any], list[np.ndarray]]:
    """Facet labels in order of first appearance, and the row positions of each (in time order)."""
    codes, uniques = pd.factorize(d["facet"], sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return list(uniques), np.split(order, bounds)


def default_cols(n: int) -> int:
    """Columns of the grid: about 1.5 times as many columns as rows."""
    return max(1, min(n, round(math.sqrt(n * 1.5))))


def plot_facets(
    cc: ControlChart,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    caption: str | None = None,
    percent: bool = False,
    two_sigma: bool = False,
    show_icons: bool = True,
    annotations: Any = None,
    label_signals: bool = True,
    y_label: str | None = None,
    x_label: str | None = None,
    decimals: int | None = None,
    facet_cols: int | None = None,
    sharey: bool = True,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Small multiples of a faceted chart: one small run or control chart per facet, on one figure.

    Each small chart has the data line and points (signals as orange diamonds, or the Making Data
    Count colours), its centre line (dashed orange where the runs analysis signals) and limits, the
    target and annotations as in :func:`plot_chart`, and the Making Data Count icons beside its
    title. Only the outer charts carry tick labels, titles are shortened to fit, and the figure
    grows with the number of facets (2.5 x 1.75 inches each), so 100+ facets stay readable when
    saved (:func:`qitools.plot.save`) and zoomed. For one facet in full, use
    ``cc.plot(facet=..., ax=ax)``.

    Parameters
    ----------
    cc : ControlChart
        A chart computed with ``facet=``.
    title, subtitle, caption : str, optional
        Figure title (default: the measure), subtitle (default: the chart type and a key to the
        signals) and a caption at the bottom; ``""`` for none.
    percent, two_sigma, show_icons, annotations, decimals
        As in :func:`plot_chart`. Annotation labels are not written on small multiples (only the
        markers and spans are drawn); an annotation with a ``facet`` key is drawn on that facet only.
    label_signals : bool, default True
        Accepted for symmetry with :func:`plot_chart`; small multiples show signals by colour and
        marker shape only.
    y_label, x_label : str, optional
        Labels shared by the whole figure (default from the column names).
    facet_cols : int, optional
        Number of columns (default: about 1.5 times as many columns as rows).
    sharey : bool, default True
        One y scale for all facets (compare levels); False gives each its own (compare shapes).
    figsize : (float, float), optional
        Figure size in inches (default grows with the grid).

    Returns
    -------
    matplotlib.figure.Figure
        The figure; ``fig.axes`` holds one Axes per facet, in the order of ``cc.summary``, each
        with ``ax.qi_facet`` set to its facet.

    Raises
    ------
    QIValueError
        The chart has no facets, or more than :data:`MAX_FACETS` (100: the message says what to do
        instead: a subset with ``cc.plot(facet=[...])``, all of them in a PDF with
        ``cc.save("all.pdf")``, or the ``cc.icons`` table); bad options (see :func:`plot_chart`).

    See Also
    --------
    plot_chart : one chart (or one facet) in full.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> import qitools as qi
    >>> from qitools.plot import plot_facets
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"ward": np.repeat(list("ABCDEF"), 24), "week": np.tile(np.arange(1, 25), 6),
    ...                    "y": rng.normal(10, 2, 144)})
    >>> cc = qi.control_chart(df, x="week", y="y", chart="i", facet="ward")
    >>> fig = plot_facets(cc)
    >>> len(fig.axes), fig.axes[0].qi_facet
    (6, 'A')
    """
    if "facet" not in cc.data.columns:
        raise QIValueError(
            "plot_facets() needs a faceted chart (control_chart(..., facet='ward')); draw this one with cc.plot()."
        )
    n_facets = cc.summary["facet"].nunique()
    if n_facets > MAX_FACETS:
        raise QIValueError(too_many_facets_message(cc, n_facets))
    opts = Options(
        title=title,
        subtitle=subtitle,
        caption=caption,
        percent=percent,
        two_sigma=two_sigma,
        show_icons=show_icons,
        annotations=annotations,
        label_signals=label_signals,
        y_label=y_label,
        x_label=x_label,
        decimals=decimals,
        facet_cols=facet_cols,
        sharey=sharey,
        figsize=figsize,
    )
    opts.check(cc)
    items = normalise_annotations(annotations)
    ctx = make_context(cc, opts, items, small=True)
    d = cc.data
    labels, rows_of = _split(d)
    n = len(labels)
    ncols = int(opts.facet_cols or default_cols(n))
    ncols = min(ncols, n)
    nrows = -(-n // ncols)

    # the figure: header (title, subtitle), grid, footer (x label, caption)
    ttl = opts.title
    if ttl is None:
        m = measure_label(cc, opts.percent)
        ttl = m or cc.params.get("chart_description", "")
        ttl = ttl[:1].upper() + ttl[1:]
        ttl += f" by {', '.join(map(_nice, cc.params['facet']))}" if cc.params.get("facet") else ""
    sub = rules_text(cc, ctx.use_point_type) if opts.subtitle is None else opts.subtitle
    W, H = opts.figsize or (ncols * _PANEL_W + 1.0, nrows * _PANEL_H + 0.6)
    width_pt = W * 72.0
    header_pt = 8.0
    if ttl:
        ttl = wrap(ttl, width_pt - 20, FONT_SIZES["title"], bold=True)
        header_pt += (ttl.count("\n") + 1) * FONT_SIZES["title"] * 1.25 + 4
    if sub:
        sub = wrap(sub, width_pt - 20, FONT_SIZES["subtitle"])
        header_pt += (sub.count("\n") + 1) * FONT_SIZES["subtitle"] * 1.25 + 4
    cap = wrap(opts.caption, width_pt - 20, FONT_SIZES["caption"]) if opts.caption else ""
    ylab, xlab = default_axis_labels(cc, ctx, opts)
    tick_lines = 2 if ctx.xaxis.kind == "datetime" else 1
    footer_pt = tick_lines * FONT_SIZES["facet_tick_label"] * 1.2 + 10
    if xlab:
        footer_pt += FONT_SIZES["axis_label"] * 1.3 + 4
    if cap:
        footer_pt += (cap.count("\n") + 1) * FONT_SIZES["caption"] * 1.25 + 6
    if opts.figsize is None:
        H += (header_pt + footer_pt) / 72.0
    import matplotlib
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(W, H))
    # no matplotlib axis sharing: with many facets its limit propagation costs O(facets^2); the same
    # limits and ticks are set on each Axes instead
    with matplotlib.rc_context(base_rc(small=True)):  # styled as made: cheaper than restyling 100+ Axes
        axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.ravel():
        ax.qi_styled = True
    left_pt = 8 + (FONT_SIZES["axis_label"] * 1.4 if ylab else 0) + 6 * 0.62 * FONT_SIZES["facet_tick_label"]
    title_pt = FONT_SIZES["facet_title"] * 1.45 + 6
    panel_h_pt = (H * 72.0 - header_pt - footer_pt) / nrows
    panel_w_pt = (W * 72.0 - left_pt - 12) / ncols
    wspace_pt = 8 if opts.sharey else 6 * 0.62 * FONT_SIZES["facet_tick_label"] + 10
    hspace_pt = title_pt + 2
    ax_h = max(panel_h_pt - hspace_pt, 10.0)
    ax_w = max(panel_w_pt - wspace_pt, 10.0)
    fig.subplots_adjust(
        left=left_pt / (W * 72.0),
        right=1.0 - 12 / (W * 72.0),
        top=1.0 - (header_pt + title_pt) / (H * 72.0),
        bottom=footer_pt / (H * 72.0),
        wspace=wspace_pt / ax_w,
        hspace=hspace_pt / ax_h,
    )

    summaries = {lab: grp for lab, grp in cc.summary.groupby("facet", sort=False)}
    panels = [
        make_panel(d.iloc[idx], summaries[lab], ctx.xaxis, facet=lab) for lab, idx in zip(labels, rows_of, strict=True)
    ]
    shared_ylim = None
    if opts.sharey:
        lo, hi = y_range(panels, opts.two_sigma)
        shared_ylim = y_limits(lo, hi, 0.0)
    icons = cc.icons_table
    icon_rows = _icon_rows(icons, labels) if icons is not None else {}
    flat = axes.ravel()
    chars = max(int((ax_w - (46 if icon_rows else 0)) / (0.6 * FONT_SIZES["facet_title"])), 6)
    for k, (p, lab) in enumerate(zip(panels, labels, strict=True)):
        ax = flat[k]
        draw_panel(ax, p, ctx, icon_rows.get(lab), ylim=shared_ylim)
        ax.set_title(
            textwrap.shorten(str(lab), chars, placeholder="…") if len(str(lab)) > chars else str(lab),
            loc="left",
            fontsize=FONT_SIZES["facet_title"],
            color=COLOURS["text"],
            pad=3,
            y=1.0,  # a fixed position: automatic title placement measures every Axes at each draw
        )
        ax.qi_facet = lab  # type: ignore[attr-defined]
    for ax in flat[n:]:
        ax.set_visible(False)
        fig.delaxes(ax)
    # one x range and one set of ticks for all
    allx = np.concatenate([p.x for p in panels])
    finite = allx[np.isfinite(allx)]
    xlim = None
    if finite.size:
        xm = x_margin(finite)
        xlim = (float(finite.min()) - xm, float(finite.max()) + xm)
    # tick labels on the outer charts only: the bottom chart of each column, the first column
    for k in range(n):
        ax = flat[k]
        if xlim is not None:
            ax.set_xlim(*xlim)
        set_x_ticks(ax, ctx.xaxis, allx, max_ticks=4)
        c = k % ncols
        below_empty = k + ncols >= n
        ax.tick_params(labelbottom=below_empty, labelleft=(c == 0) or not opts.sharey)
    # figure text
    y_top = 1.0 - 8 / (H * 72.0)
    if ttl:
        t = fig.text(8 / (W * 72.0), y_top, ttl, ha="left", va="top", fontsize=FONT_SIZES["title"], fontweight="bold")
        t.set_gid("qi-title")
        y_top -= ((ttl.count("\n") + 1) * FONT_SIZES["title"] * 1.25 + 4) / (H * 72.0)
    if sub:
        t = fig.text(
            8 / (W * 72.0), y_top, sub, ha="left", va="top", fontsize=FONT_SIZES["subtitle"], color=COLOURS["muted"]
        )
        t.set_gid("qi-subtitle")
    if ylab:
        fig.supylabel(ylab, x=4 / (W * 72.0), ha="left", fontsize=FONT_SIZES["axis_label"])
    y_bottom = (footer_pt - tick_lines * FONT_SIZES["facet_tick_label"] * 1.2 - 10) / (H * 72.0)
    if xlab:
        fig.supxlabel(xlab, y=y_bottom, va="top", fontsize=FONT_SIZES["axis_label"])
        y_bottom -= (FONT_SIZES["axis_label"] * 1.3 + 4) / (H * 72.0)
    if cap:
        t = fig.text(
            8 / (W * 72.0),
            y_bottom - 4 / (H * 72.0),
            cap,
            ha="left",
            va="top",
            fontsize=FONT_SIZES["caption"],
            color=COLOURS["muted"],
        )
        t.set_gid("qi-caption")
    fig.qi_result = cc  # type: ignore[attr-defined]
    return fig


def _icon_rows(icons: pd.DataFrame, labels: list[Any]) -> dict[Any, pd.DataFrame]:
    by = {lab: grp for lab, grp in icons.groupby("facet", sort=False)}
    return {lab: by[lab] for lab in labels if lab in by}
