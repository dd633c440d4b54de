"""Drawing funnel plots and league tables with rank intervals (matplotlib only).

Functions take a result (:class:`qitools.funnel.FunnelPlot`, :class:`qitools.funnel.LeagueTable`)
and an optional ``ax``, draw on it and return it. Colours, markers and line styles come from
:mod:`qitools.plot.style`, so funnels look like the control charts: the widest limits solid,
inner limits dotted, the target dash-dot; units inside the funnel are grey circles, units beyond
the widest limits orange triangles pointing the way they differ, units beyond only the inner
limits purple triangles. Nothing here computes a limit: the funnel lines come from
:meth:`FunnelPlot.limits_at`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from . import style as st
from .style import as_typed, plain_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..funnel import FunnelPlot, LeagueTable

__all__ = ["plot_funnel", "plot_funnel_facets", "plot_league_table", "funnel_grid"]

#: points along each funnel line
GRID_POINTS = 240

_Y_LABELS = {"proportion": "Proportion", "rate": "Rate", "ratio": "Standardised ratio"}
_X_LABELS = {"proportion": "n (denominator)", "rate": "n (exposure)", "ratio": "Expected count"}


def funnel_grid(n: np.ndarray, logx: bool = False) -> np.ndarray:
    """Sizes at which to draw the funnel lines: from half the smallest unit to past the largest."""
    n = np.asarray(n, dtype=float)
    n = n[np.isfinite(n) & (n > 0)]
    lo = max(float(n.min()) * 0.75, 1e-9)
    hi = float(n.max()) * 1.08
    grid = np.geomspace(lo, hi, GRID_POINTS) if logx or hi / lo > 20 else np.linspace(lo, hi, GRID_POINTS)
    return np.unique(np.concatenate([grid, n]))


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = (8.0, 5.0)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


@plain_text
def plot_funnel(
    fp: FunnelPlot,
    ax: Axes | None = None,
    *,
    facet: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    label_outside: bool = True,
    logx: bool = False,
    legend: bool = True,
    small: bool = False,
) -> Axes:
    """Draw one funnel: units (value against n), the target, and the limits of every level.

    Parameters
    ----------
    fp : FunnelPlot
        The result of :func:`qitools.funnel_plot`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    facet : optional
        Which facet to draw (required when the result is faceted).
    title, xlabel, ylabel : str, optional
        Texts; sensible defaults from the column names.
    label_outside : bool, default True
        Write the names of the units beyond a limit next to them.
    logx : bool, default False
        Logarithmic n axis (useful when units differ in size a thousandfold).
    legend : bool, default True
    small : bool, default False
        Small-multiple styling (used by :func:`plot_funnel_facets`).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    QIValueError
        A faceted result without ``facet=`` (use :func:`plot_funnel_facets`), or an unknown facet.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> fp = qi.funnel_plot(unit=list("ABCDE"), y=[5, 9, 20, 31, 2], n=[50, 60, 150, 180, 40])
    >>> ax = fp.plot()
    >>> ax.get_xlabel()
    'n (denominator)'
    """
    from ..spc.errors import QIValueError

    p = fp.params
    if p.get("facet") and facet is None:
        raise QIValueError(
            f"This funnel plot has {len(fp.summary)} facets; pass facet= (one of "
            f"{list(fp.summary['facet'][:6])}) to draw one, or call .plot_facets() to draw them all."
        )
    row = fp._facet_row(facet)
    d = fp.data if not p.get("facet") else fp.data[fp.data["facet"] == row["facet"]]
    ax = _new_ax(ax)
    st.apply_base_style(ax, small=small)

    grid = fp.limits_at(funnel_grid(d["n"].to_numpy(), logx), facet=facet)
    labels = p["limit_labels"]
    levels = p["limits"]
    for i, (lv, lab) in enumerate(zip(levels, labels, strict=True)):
        role = "limits" if i == len(levels) - 1 else "two_sigma"
        kw = st.line_style(role)
        if small:
            kw["linewidth"] = st.LINEWIDTHS["facet_lines"]
        pct = f"{100 * lv:.2f}".rstrip("0").rstrip(".")
        ax.plot(grid["n"], grid[f"ucl{lab}"], label=f"{pct}% limits", zorder=2, **kw)
        ax.plot(grid["n"], grid[f"lcl{lab}"], zorder=2, **kw)
    target_kw = st.line_style("target")
    if small:
        target_kw["linewidth"] = st.LINEWIDTHS["facet_lines"]
    ax.axhline(float(row["target"]), label=f"target {float(row['target']):.4g}", zorder=2, **target_kw)

    widest = p["limits"][-1]
    pct_w = f"{100 * widest:.2f}".rstrip("0").rstrip(".") + "%"
    outside = d["outside"]
    is_out = outside.notna().to_numpy()
    is_wide = outside.isin([f"above {pct_w}", f"below {pct_w}"]).to_numpy()
    above = outside.fillna("").str.startswith("above").to_numpy()
    inner_text = (
        f"beyond {100 * levels[0]:.2f}".rstrip("0").rstrip(".") + "%" if len(levels) == 2 else "beyond inner limits"
    )
    size_key = "facet" if small else "common"
    sig_key = "facet_signal" if small else "signal"
    x, yv = d["n"].to_numpy(dtype=float), d["value"].to_numpy(dtype=float)
    ax.plot(
        x[~is_out],
        yv[~is_out],
        linestyle="none",
        marker=st.MARKERS["common"],
        markersize=st.MARKER_SIZES[size_key],
        color=st.COLOURS["common"],
        markeredgecolor="#6F6F6F",
        markeredgewidth=0.5,
        label="inside the limits",
        zorder=3,
    )
    for mask, colour, text in (
        (is_wide, st.COLOURS["signal"], f"beyond {pct_w}"),
        (is_out & ~is_wide, st.COLOURS["neutral"], inner_text),
    ):
        for side, marker in ((above, st.MARKERS["neutral_high"]), (~above, st.MARKERS["neutral_low"])):
            m = mask & side
            if m.any():
                ax.plot(
                    x[m],
                    yv[m],
                    linestyle="none",
                    marker=marker,
                    markersize=st.MARKER_SIZES[sig_key] + (0 if small else 1.0),
                    color=colour,
                    label=text if (side is above or not (mask & above).any()) else None,
                    zorder=4,
                )
    if logx:
        ax.set_xscale("log")
    else:
        _compact_x_ticks(ax, small)
    _fit_y(ax, d, labels, yv)
    if label_outside and is_out.any():
        size = st.FONT_SIZES["facet_tick_label"] if small else st.FONT_SIZES["annotation"]
        names = d["unit"].to_numpy()
        # the units beyond the widest limits first, then the farthest from the target
        order = sorted(np.flatnonzero(is_out), key=lambda i: (not is_wide[i], -abs(yv[i] - float(row["target"]))))
        texts = [
            ax.annotate(str(names[i]), (x[i], yv[i]), xytext=(4, 5 if above[i] else -5), textcoords="offset points",
                        va="bottom" if above[i] else "top", fontsize=size, color=st.COLOURS["text"], zorder=5)
            for i in order
        ]  # fmt: skip
        ax.add_artist(_NamePlacer(texts, [bool(above[i]) for i in order]))
    kind = p["kind"]
    default_y = _Y_LABELS[kind] + (f" (x {p['multiply']:g})" if p["multiply"] != 1 else "")
    if p.get("y") and p.get("n"):
        default_y = f"{p['y']} / {p['n']}" + (f" x {p['multiply']:g}" if p["multiply"] != 1 else "")
    ax.set_xlabel(
        as_typed(xlabel if xlabel is not None else (p["n"] if p.get("n") and kind != "ratio" else _X_LABELS[kind])),
        parse_math=True,
    )
    ax.set_ylabel(as_typed(ylabel if ylabel is not None else default_y), parse_math=True)
    if title is None and not small:
        title = "Funnel plot" + (f": {row['facet']}" if p.get("facet") else "")
    elif title is None:
        title = str(row["facet"]) if p.get("facet") else None
    if title:
        ax.set_title(as_typed(title), fontsize=st.FONT_SIZES["facet_title" if small else "title"], loc="left", parse_math=True)
    if legend and not small:
        # outside the plot, on the right: inside it, the legend covered units and their names
        ax.legend(frameon=False, fontsize=st.FONT_SIZES["caption"], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


class _NamePlacer:
    """Places the names of the units beyond the limits when the figure is drawn (its final size known):
    each beside its point (above right, above left, below right, below left: the first clear of the
    names already placed), in priority order; a name that fits nowhere is hidden, since overlapping
    names cannot be read (``explain()`` and ``.data`` still list every unit)."""

    def __new__(cls, texts: list[Any], up: list[bool]) -> Any:
        from matplotlib.artist import Artist

        class Placer(Artist):
            def __init__(self) -> None:
                super().__init__()
                self.set_zorder(4.9)  # drawn just before the names (zorder 5)

            def draw(self, renderer: Any) -> None:
                placed: list[Any] = []
                for t, above in zip(texts, up, strict=True):
                    t.set_visible(True)
                    for dx, dy, ha in ((4, 5, "left"), (-4, 5, "right"), (4, -5, "left"), (-4, -5, "right")):
                        dy = dy if above else -dy
                        t.xyann = (dx, dy)
                        t.set_horizontalalignment(ha)
                        t.set_verticalalignment("bottom" if dy > 0 else "top")
                        box = t.get_window_extent(renderer).expanded(1.08, 1.1)
                        if not any(box.overlaps(b) for b in placed):
                            placed.append(box)
                            break
                    else:
                        t.set_visible(False)

        return Placer()


def _compact_x_ticks(ax: Axes, small: bool) -> None:
    """Few x ticks, large numbers as 25k / 1.5M so that small panels stay readable."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def fmt(x: float, _pos: Any = None) -> str:
        a = abs(x)
        if a >= 1e6:
            return f"{x / 1e6:g}M"
        if a >= 1e3 and ax.get_xlim()[1] >= 1e4:  # "4k 6k 8k 10k", not "4000 6000 8000 10k" run together
            return f"{x / 1e3:g}k"
        return f"{x:g}"

    ax.xaxis.set_major_locator(MaxNLocator(4 if small else 7, min_n_ticks=3))
    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def _fit_y(ax: Axes, d: Any, labels: tuple[str, ...], values: np.ndarray) -> None:
    """y range: every unit and every limit at the units' own sizes, plus a margin (the funnel's
    mouth at tiny n may run off the top rather than squash the units)."""
    cols = [d[f"{side}{lab}"].to_numpy(dtype=float) for lab in labels for side in ("lcl", "ucl")]
    everything = np.concatenate([values, *cols, d["target"].to_numpy(dtype=float)])
    everything = everything[np.isfinite(everything)]
    if everything.size == 0:
        return
    lo, hi = float(everything.min()), float(everything.max())
    pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-9)
    ax.set_ylim(lo - pad, hi + pad)


@plain_text
def plot_funnel_facets(fp: FunnelPlot, ncols: int | None = None, **style: Any) -> Figure:
    """One small funnel per facet, in a grid; returns the figure.

    Parameters
    ----------
    fp : FunnelPlot
        A faceted result (an unfaceted one gives a single panel).
    ncols : int, optional
        Panels per row (default: up to 3).
    **style
        Passed to :func:`plot_funnel` (``label_outside``, ``logx`` ...).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    facets = list(fp.summary["facet"]) if fp.params.get("facet") else [None]
    ncols = ncols or min(3, len(facets))
    nrows = math.ceil(len(facets) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
    for ax, fac in zip(axes.ravel(), facets, strict=False):
        plot_funnel(fp, ax=ax, facet=fac, small=True, legend=False, **style)
    for ax in axes.ravel()[len(facets) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


@plain_text
def plot_league_table(
    lt: LeagueTable,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    max_units: int = 40,
) -> Axes:
    """Draw a league table as ranks with their intervals, rank 1 at the top.

    Each unit is a row: a dot at its observed rank and a line over its rank interval. Long,
    overlapping lines are the point: most ranks are not known.

    Parameters
    ----------
    lt : LeagueTable
        The result of :func:`qitools.league_table`.
    ax : matplotlib.axes.Axes, optional
    title, xlabel : str, optional
    max_units : int, default 40
        Draw only the top ``max_units`` rows (a note says so).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> lt = qi.league_table(unit=list("ABCDE"), y=[5, 9, 20, 31, 2], n=[50, 60, 150, 180, 40], n_sims=200)
    >>> ax = lt.plot()
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['D', 'B', 'C', 'A', 'E']
    """
    d = lt.data.head(max_units)
    k = len(d)
    ax = _new_ax(ax, figsize=(6.5, max(3.0, 0.28 * k + 1.2)))
    st.apply_base_style(ax)
    ax.yaxis.grid(False)
    ax.xaxis.grid(True, color=st.COLOURS["grid"], linewidth=0.8)
    pos = np.arange(k)
    ax.hlines(
        pos,
        d["rank_lower"].to_numpy(dtype=float),
        d["rank_upper"].to_numpy(dtype=float),
        color=st.COLOURS["limits"],
        linewidth=2.2,
        label=f"{100 * lt.params['level']:g}% rank interval",
        zorder=2,
    )
    ax.plot(
        d["rank"].to_numpy(dtype=float),
        pos,
        linestyle="none",
        marker=st.MARKERS["data"],
        markersize=st.MARKER_SIZES["data"] + 1,
        color=st.COLOURS["data"],
        label="observed rank",
        zorder=3,
    )
    ax.set_yticks(pos)
    ax.set_yticklabels([str(u) for u in d["unit"]])
    ax.set_ylim(k - 0.5, -0.5)
    n_total = len(lt.data)
    ax.set_xlim(0.5, n_total + 0.5)
    ax.set_xlabel(as_typed(xlabel or f"Rank (1 = {'lowest' if lt.params['ascending'] else 'highest'} value)"), parse_math=True)
    ax.set_title(
        as_typed(title or "League table: how sure is each rank?"), fontsize=st.FONT_SIZES["title"], loc="left",
        parse_math=True,
    )
    if n_total > k:
        ax.annotate(
            f"top {k} of {n_total} units shown",
            (1.0, -0.08),
            xycoords="axes fraction",
            ha="right",
            fontsize=st.FONT_SIZES["caption"],
            color=st.COLOURS["muted"],
        )
    ax.legend(frameon=False, fontsize=st.FONT_SIZES["caption"], loc="lower right")
    return ax
