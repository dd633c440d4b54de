"""Drawing one run chart or control chart on a matplotlib Axes (qicharts2 and Making Data Count styles)."""

from __future__ import annotations

import contextlib
import functools
import gc
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..spc.errors import QITypeError, QIValueError
from ..spc.validate import _safe_repr, require_label
from ..spc.rulesets import RULE_COLUMNS
from ._axis import XAxis, make_xaxis, set_x_ticks, x_margin
from .annotations import (
    KIND_COLOURS,
    _note_label_class,
    add_note,
    annotation_label_layout,
    draw_annotation_marks,
    normalise_annotations,
    place_annotations,
)
from .icons import draw_icons, icons_text, icons_width_pt
from .style import as_typed, plain_text
from .style import (
    COLOURS,
    FONT_SIZES,
    LINESTYLES,
    LINEWIDTHS,
    MARKER_SIZES,
    MARKERS,
    POINT_TYPE_ROLE,
    apply_base_style,
    base_rc,
    line_style,
    point_style,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..results import ControlChart

__all__ = ["plot", "plot_chart", "RULE_SHORT", "GIDS"]

#: rule column -> the short label written beside the first point of a signal
RULE_SHORT: dict[str, str] = {
    "sigma_signal": "beyond limit",
    "long_run": "long run",
    "ihi_shift": "shift",
    "ihi_trend": "trend",
    "ihi_runs": "runs",
    "we_1": "beyond 3σ",
    "we_2": "2 of 3 beyond 2σ",
    "we_3": "4 of 5 beyond 1σ",
    "we_4": "8 on one side",
    "nelson_1": "beyond 3σ",
    "nelson_2": "9 on one side",
    "nelson_3": "6-point trend",
    "nelson_4": "14 alternating",
    "nelson_5": "2 of 3 beyond 2σ",
    "nelson_6": "4 of 5 beyond 1σ",
    "nelson_7": "15 within 1σ",
    "nelson_8": "8 beyond 1σ",
    "mdc_outside": "outside limit",
    "mdc_trend": "trend",
    "mdc_two_of_three": "2 of 3 near limit",
    "mdc_shift": "shift",
}

#: artist ids (``artist.get_gid()``) of the parts of a chart, for tests and for restyling
GIDS: dict[str, str] = {
    "data": "qi-data",
    "centre": "qi-centre",
    "centre_runs": "qi-centre-runs",
    "limits": "qi-limits",
    "two_sigma": "qi-two-sigma",
    "target": "qi-target",
    "baseline_end": "qi-baseline-end",
    "points": "qi-points-<role>  (role: data, signal, common, improvement, concern, neutral_high, neutral_low; "
    "'-excluded' appended for hollow excluded points)",
    "signal_label": "qi-signal-label",
    "runs_label": "qi-runs-label",
    "part_label": "qi-part-label",
    "value_label": "qi-value-label",
    "note": "qi-note",
    "annotation": "qi-annotation-line-<kind> / qi-annotation-span-<kind> / qi-annotation-label-<kind>",
    "icons": "qi-icons",
    "title": "qi-title (the Axes title), qi-subtitle, qi-caption",
}

_RULES_NAME = {
    "anhoej": "Anhøj rules",
    "ihi": "IHI rules",
    "western_electric": "Western Electric rules",
    "nelson": "Nelson rules",
    "mdc": "Making Data Count rules",
}

_PERCENT_CHARTS = {"run", "i", "mr", "xbar", "s", "p", "pp"}

_DEFAULT_FIGSIZE = (8.0, 4.5)


# -- options --------------------------------------------------------------------------------------
@dataclass
class Options:
    """The cosmetic options of ``cc.plot()``, checked."""

    title: str | None = None
    subtitle: str | None = None
    caption: str | None = None
    percent: bool = False
    two_sigma: bool = False
    show_icons: bool = True
    annotations: Any = None
    label_signals: bool = True
    y_label: str | None = None
    x_label: str | None = None
    decimals: int | None = None
    facet_cols: int | None = None
    sharey: bool = True
    figsize: tuple[float, float] | None = None

    def check(self, cc: ControlChart) -> None:
        for name in ("title", "subtitle", "caption", "y_label", "x_label"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, str):
                raise QITypeError(f"{name} must be text (a str) or None; got {type(v).__name__} {v!r}.")
        for name in ("percent", "two_sigma", "show_icons", "label_signals", "sharey"):
            v = getattr(self, name)
            if not isinstance(v, (bool, np.bool_)):
                raise QITypeError(f"{name} must be True or False; got {v!r}.")
        if self.decimals is not None and (
            not isinstance(self.decimals, (int, np.integer)) or isinstance(self.decimals, bool) or self.decimals < 0
        ):
            raise QIValueError(f"decimals must be a whole number >= 0 (e.g. decimals=1); got {self.decimals!r}.")
        if self.facet_cols is not None and (
            not isinstance(self.facet_cols, (int, np.integer))
            or isinstance(self.facet_cols, bool)
            or self.facet_cols < 1
        ):
            raise QIValueError(f"facet_cols must be a whole number >= 1 (e.g. facet_cols=4); got {self.facet_cols!r}.")
        if self.figsize is not None:
            try:
                w, h = (float(v) for v in self.figsize)
            except (TypeError, ValueError):
                raise QIValueError(
                    f"figsize must be (width, height) in inches, e.g. (8, 4.5); got {self.figsize!r}."
                ) from None
            if not (w > 0 and h > 0):
                raise QIValueError(f"figsize must be (width, height) in inches, both > 0; got {self.figsize!r}.")
            self.figsize = (w, h)
        if self.percent and cc.chart not in _PERCENT_CHARTS:
            raise QIValueError(
                f"percent=True shows proportions as percentages, but a {cc.chart} chart plots "
                f"{'counts' if cc.chart in ('c', 'np', 'g') else 'rates or times'}, not proportions. "
                "Leave percent=False (use multiply= for 'per 1000')."
            )


# -- small helpers ------------------------------------------------------------------------------------
def _nice(s: str) -> str:
    return str(s).replace("_", " ")


def measure_label(cc: ControlChart, percent: bool = False) -> str | None:
    """'falls per 1,000 bed days' from the chart's column names and ``multiply`` (None without names)."""
    p = cc.params
    y, n, mult = p.get("y"), p.get("n"), float(p.get("multiply", 1) or 1)
    if not isinstance(y, str):
        return None
    y = _nice(y)
    if isinstance(n, str):
        n = _nice(n)
        if percent:
            return f"{y} (% of {n})"
        return f"{y} per {n}" if mult == 1 else f"{y} per {mult:,g} {n}"
    return y if mult == 1 or percent else f"{y} (× {mult:,g})"


def rules_text(cc: ControlChart, use_point_type: bool, with_chart: bool = True) -> str:
    """The default subtitle: chart type and rule set ('U chart (rates) · Anhøj rules').

    With Making Data Count colours it adds the key to the point colours and shapes. Other
    signals explain themselves on the chart (the rule's name beside the points, the reason for a
    runs signal above the part), so no further key is needed.
    """
    p = cc.params
    rules = p.get("rules", "anhoej")
    bits = [p.get("chart_description", cc.chart)] if with_chart else []
    bits.append(_RULES_NAME.get(rules, rules))
    if use_point_type and p.get("improvement") in ("increase", "decrease"):
        bits.append("■\u00a0improvement ◆\u00a0concern")  # no-break spaces: a symbol stays with its word
    elif use_point_type:
        bits.append("▲▼\u00a0special\u00a0cause")
    text = " · ".join(bits)
    return text[:1].upper() + text[1:]


def fmt_value(v: float, decimals: int | None, percent_xmax: float | None = None) -> str:
    """A number for a label: thousands separators; 3 significant figures unless ``decimals``."""
    if not np.isfinite(v):
        return "–"
    if percent_xmax is not None:
        pct = v / percent_xmax * 100.0
        d = decimals if decimals is not None else (0 if abs(pct) >= 100 else 1)
        return f"{pct:,.{d}f}%"
    if decimals is not None:
        return f"{v:,.{decimals}f}"
    a = abs(v)
    if a >= 100 or a == 0:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def percent_scale(cc: ControlChart, y: np.ndarray) -> float:
    """What 100% is on the chart's y scale: ``multiply`` for y/n charts, else 1 or 100 by the data."""
    if cc.params.get("n") is not None or cc.chart in ("p", "pp"):
        return float(cc.params.get("multiply", 1) or 1)
    finite = np.abs(y[np.isfinite(y)])
    return 1.0 if finite.size == 0 or finite.max() <= 1.0 else 100.0


def step_path(x: np.ndarray, y: np.ndarray, new_segment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a stepped line: each point's value spans half-way to its neighbours in its segment.

    ``new_segment[i]`` is True where a segment (facet or part) starts; segments are separated by
    NaN so the line breaks between parts. Constant values give a straight line.
    """
    n = x.shape[0]
    if n == 0:
        return np.empty(0), np.empty(0)
    same_next = ~new_segment[1:]
    mid = (x[1:] + x[:-1]) / 2.0
    left = x.copy()
    right = x.copy()
    right[:-1] = np.where(same_next, mid, x[:-1])
    left[1:] = np.where(same_next, mid, x[1:])
    xs = np.empty(2 * n)
    ys = np.empty(2 * n)
    xs[0::2], xs[1::2] = left, right
    ys[0::2], ys[1::2] = y, y
    cut = np.flatnonzero(new_segment[1:]) + 1  # first point of each later segment
    if cut.size:
        xs = np.insert(xs, 2 * cut, np.nan)
        ys = np.insert(ys, 2 * cut, np.nan)
    return xs, ys


def signal_rules(d: pd.DataFrame, rules: str) -> list[str]:
    """The rule columns whose signals are labelled at points (long runs show on the centre line)."""
    cols = [c for c in RULE_COLUMNS.get(rules, ()) if c in d.columns]
    if rules == "anhoej":
        cols = [c for c in cols if c == "sigma_signal"]
    return cols


def signal_stretches(
    d: pd.DataFrame, rules: str, part: np.ndarray, kind: np.ndarray | None = None
) -> list[tuple[int, int, str]]:
    """(first row, last row, label) for each run of consecutive signal points.

    A run ends at a part boundary and where ``kind`` changes (the point type, or the side of the
    centre line). The label names every rule that fired in the run, in the rule set's order (e.g.
    ``"shift, 2 of 3 near limit"``), so the chart says why without a legend.
    """
    cols = signal_rules(d, rules)
    if not cols:
        return []
    flags = np.column_stack([d[c].to_numpy(dtype=bool) for c in cols])
    any_flag = flags.any(axis=1)
    idx = np.flatnonzero(any_flag)
    if idx.size == 0:
        return []
    brk = (np.diff(idx) > 1) | (part[idx[1:]] != part[idx[:-1]])
    if kind is not None:
        brk |= kind[idx[1:]] != kind[idx[:-1]]
    starts = np.r_[idx[0], idx[1:][brk]]
    ends = np.r_[idx[:-1][brk], idx[-1]]
    out = []
    for a, b in zip(starts, ends, strict=True):
        fired = flags[a : b + 1].any(axis=0)
        names = list(dict.fromkeys(RULE_SHORT.get(c, c) for c, f in zip(cols, fired, strict=True) if f))
        out.append((int(a), int(b), ", ".join(names)))
    return out


# -- the panel ---------------------------------------------------------------------------------------
@dataclass
class Panel:
    """Numbers of one facet, ready to draw."""

    d: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    part: np.ndarray
    new_segment: np.ndarray
    summary: pd.DataFrame
    facet: Any = None


def make_panel(d: pd.DataFrame, summary: pd.DataFrame, xaxis: XAxis, facet: Any = None) -> Panel:
    x = xaxis.to_num(d["x"].to_numpy())
    part = d["part"].to_numpy()
    new = np.ones(len(d), dtype=bool)
    new[1:] = part[1:] != part[:-1]
    return Panel(
        d=d,
        x=x,
        y=d["y"].to_numpy(dtype=float),
        cl=d["cl"].to_numpy(dtype=float),
        lcl=d["lcl"].to_numpy(dtype=float),
        ucl=d["ucl"].to_numpy(dtype=float),
        part=part,
        new_segment=new,
        summary=summary,
        facet=facet,
    )


def two_sigma_lines(p: Panel) -> tuple[np.ndarray, np.ndarray]:
    """cl -/+ 2 sigma with sigma = (ucl - cl) / 3 (the zones the rule sets use), not below the lcl."""
    with np.errstate(invalid="ignore"):
        s = (p.ucl - p.cl) / 3.0
        lo = p.cl - 2 * s
        lo = np.where(np.isfinite(p.lcl) & (lo < p.lcl), p.lcl, lo)
        hi = p.cl + 2 * s
    return lo, hi


def y_range(panels: list[Panel], two_sigma: bool) -> tuple[float, float]:
    """Smallest and largest value drawn (points, lines, targets)."""
    vals = []
    for p in panels:
        vals += [p.y, p.cl, p.lcl, p.ucl]
        if "target" in p.d.columns:
            vals.append(p.d["target"].to_numpy(dtype=float))
    allv = np.concatenate(vals) if vals else np.empty(0)
    allv = allv[np.isfinite(allv)]
    if allv.size == 0:
        return 0.0, 1.0
    return float(allv.min()), float(allv.max())


def y_limits(lo: float, hi: float, header_frac: float) -> tuple[float, float]:
    """View limits with a margin, and ``header_frac`` of the height kept free at the top for labels."""
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.2 or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    pad = 0.06 * span
    ymin = lo - pad
    ymax = ymin + (hi + pad - ymin) / max(1.0 - header_frac, 0.3)
    return ymin, ymax


@dataclass
class Context:
    """What every panel of one chart shares."""

    cc: ControlChart
    opts: Options
    xaxis: XAxis
    rules: str
    use_point_type: bool
    runs_on_centre: bool
    percent_xmax: float | None
    annotations: list
    small: bool = False


def make_context(cc: ControlChart, opts: Options, annotations: list, small: bool) -> Context:
    d = cc.data
    rules = cc.params.get("rules", "anhoej")
    use_pt = "point_type" in d.columns
    percent_xmax = percent_scale(cc, d["y"].to_numpy(dtype=float)) if opts.percent else None
    return Context(
        cc=cc,
        opts=opts,
        xaxis=make_xaxis(d["x"]),
        rules=rules,
        use_point_type=use_pt,
        runs_on_centre=rules == "anhoej",
        percent_xmax=percent_xmax,
        annotations=annotations,
        small=small,
    )


def _points(ax: Axes, x: np.ndarray, y: np.ndarray, include: np.ndarray, role: str, ctx: Context) -> None:
    if role in POINT_TYPE_ROLE.values():
        st = point_style({v: k for k, v in POINT_TYPE_ROLE.items()}[role])
    else:
        st = {"color": COLOURS[role], "marker": MARKERS[role], "markersize": MARKER_SIZES[role]}
    if ctx.small:
        st["markersize"] = MARKER_SIZES["facet_signal"] if role not in ("data", "common") else MARKER_SIZES["facet"]
    z = 3.0 if role in ("data", "common") else 3.5
    for filled, suffix in ((True, ""), (False, "-excluded")):
        m = include if filled else ~include
        if not m.any():
            continue
        (ln,) = ax.plot(
            x[m],
            y[m],
            linestyle="none",
            marker=st["marker"],
            markersize=st["markersize"],
            markerfacecolor=st["color"] if filled else "white",
            markeredgecolor=st["color"] if role not in ("data", "common") or not filled else "white",
            markeredgewidth=0.6 if filled else 1.2,
            zorder=z,
        )
        ln.set_gid(f"qi-points-{role}{suffix}")


def draw_points(ax: Axes, p: Panel, ctx: Context) -> None:
    """Markers: by ``point_type`` (MDC colours) or signal / ordinary; excluded points hollow."""
    d = p.d
    ok = np.isfinite(p.y) & np.isfinite(p.x)
    include = d["include"].to_numpy(dtype=bool)
    if ctx.use_point_type:
        pt = d["point_type"].to_numpy(dtype=object)
        for ptype, role in POINT_TYPE_ROLE.items():
            m = ok & (pt == ptype)
            if m.any():
                _points(ax, p.x[m], p.y[m], include[m], role, ctx)
        return
    col = "sigma_signal" if ctx.rules == "anhoej" or "special_cause" not in d.columns else "special_cause"
    sig = d[col].to_numpy(dtype=bool) & ok
    normal = ok & ~sig
    if normal.any():
        _points(ax, p.x[normal], p.y[normal], include[normal], "data", ctx)
    if sig.any():
        _points(ax, p.x[sig], p.y[sig], include[sig], "signal", ctx)


def draw_lines(ax: Axes, p: Panel, ctx: Context) -> None:
    """Data line, centre line (dashed where the runs analysis signals), limits, 2-sigma, target."""
    small = ctx.small
    lw_scale = 0.8 if small else 1.0
    data_colour = COLOURS["data_line_mdc"] if ctx.use_point_type else COLOURS["data"]
    (ln,) = ax.plot(
        p.x,
        p.y,
        color=data_colour,
        linewidth=(LINEWIDTHS["facet_data"] if small else LINEWIDTHS["data"]),
        zorder=2.0,
    )
    ln.set_gid("qi-data")
    runs = p.d["runs_signal"].to_numpy(dtype=bool) if ctx.runs_on_centre else np.zeros(len(p.d), dtype=bool)
    for flag, role in ((False, "centre"), (True, "centre_runs")):
        m = runs == flag
        if not m.any():
            continue
        xs, ys = step_path(p.x, np.where(m, p.cl, np.nan), p.new_segment)
        st = line_style(role)
        (ln,) = ax.plot(xs, ys, color=st["color"], linestyle=st["linestyle"], linewidth=st["linewidth"] * lw_scale)
        ln.set_zorder(1.8)
        ln.set_gid(f"qi-{role.replace('_', '-')}")
    if np.isfinite(p.lcl).any() or np.isfinite(p.ucl).any():
        x1, y1 = step_path(p.x, p.lcl, p.new_segment)
        x2, y2 = step_path(p.x, p.ucl, p.new_segment)
        st = line_style("limits")
        (ln,) = ax.plot(
            np.r_[x1, np.nan, x2],
            np.r_[y1, np.nan, y2],
            color=st["color"],
            linestyle=st["linestyle"],
            linewidth=st["linewidth"] * lw_scale,
            zorder=1.5,
        )
        ln.set_gid("qi-limits")
        if ctx.opts.two_sigma:
            lo, hi = two_sigma_lines(p)
            x1, y1 = step_path(p.x, lo, p.new_segment)
            x2, y2 = step_path(p.x, hi, p.new_segment)
            st = line_style("two_sigma")
            (ln,) = ax.plot(np.r_[x1, np.nan, x2], np.r_[y1, np.nan, y2], zorder=1.4, **st)
            ln.set_gid("qi-two-sigma")
    if "target" in p.d.columns:
        t = p.d["target"].to_numpy(dtype=float)
        t = t[np.isfinite(t)]
        if t.size:
            st = line_style("target")
            ln = ax.axhline(t[0], zorder=1.6, **st)
            ln.set_gid("qi-target")
    # end of the baseline (freeze): a dotted vertical line between the last baseline point and the next
    base = p.d["baseline"].to_numpy(dtype=bool)
    ends = np.flatnonzero(base[:-1] & ~base[1:] & ~p.new_segment[1:])
    for i in ends:
        xv = (p.x[i] + p.x[i + 1]) / 2.0
        ln = ax.axvline(xv, color=COLOURS["muted"], linestyle=LINESTYLES["baseline_end"], linewidth=1.0, zorder=1.2)
        ln.set_gid("qi-baseline-end")


# -- text on the chart -----------------------------------------------------------------------------
def root_figure(ax: Axes) -> Any:
    """The top-level Figure of an Axes (also when it sits in a SubFigure)."""
    fig: Any = ax.figure
    while getattr(fig, "figure", fig) is not fig and fig is not None:
        fig = fig.figure
    return fig


def _axes_size_pt(ax: Axes) -> tuple[float, float]:
    fig = root_figure(ax)
    pos = ax.get_position()
    return pos.width * fig.get_figwidth() * 72.0, pos.height * fig.get_figheight() * 72.0


def header_items(p: Panel, ctx: Context) -> list[tuple[float, str, str, str]]:
    """Row-0 texts at the top of the chart: (x, text, colour, gid) for part labels and runs signals."""
    cached = getattr(p, "_header", None)
    if cached is not None:
        return cached
    items: list[tuple[float, str, str, str]] = []
    d = p.d
    starts = np.flatnonzero(p.new_segment)
    has_label = "part_label" in d.columns
    several = starts.size > 1
    summ = p.summary
    for i in starts:
        parts = []
        if has_label or several:
            lab = d["part_label"].iloc[i] if has_label else f"Part {int(p.part[i])}"
            parts.append((str(lab), COLOURS["muted"], "qi-part-label"))
        if ctx.runs_on_centre and ctx.opts.label_signals and bool(d["runs_signal"].iloc[i]):
            row = summ[summ["part"] == p.part[i]]
            why = []
            if len(row):
                r = row.iloc[0]
                if r["longest_run"] > r["longest_run_max"]:
                    why.append(f"longest run {int(r['longest_run'])} > {r['longest_run_max']:g}")
                if r["n_crossings"] < r["n_crossings_min"]:
                    why.append(f"{int(r['n_crossings'])} crossings < {r['n_crossings_min']:g}")
            parts.append(("runs signal" + (f": {', '.join(why)}" if why else ""), COLOURS["signal"], "qi-runs-label"))
        for text, colour, gid in parts:
            items.append((float(p.x[i]), text, colour, gid))
    p._header = items  # type: ignore[attr-defined]
    return items


def draw_header(ax: Axes, p: Panel, ctx: Context, row_h: float) -> int:
    """Part labels and runs signals in row 0 (runs signals of a labelled part in row 1); rows used."""
    items = header_items(p, ctx)
    if not items:
        return 0
    trans = ax.get_xaxis_transform()
    rows_used = 0
    last_x = None
    row = 0
    for x, text, colour, gid in items:
        row = row + 1 if last_x == x else 0
        last_x = x
        t = ax.text(
            x,
            1.0 - (row + 0.5) * row_h,
            " " + text,
            transform=trans,
            ha="left",
            va="center",
            fontsize=FONT_SIZES["annotation"],
            color=colour,
            zorder=5,
            clip_on=False,
        )
        t.set_gid(gid)
        rows_used = max(rows_used, row + 1)
    return rows_used


def count_header_rows(p: Panel, ctx: Context) -> int:
    items = header_items(p, ctx)
    if not items:
        return 0
    xs = [it[0] for it in items]
    return 2 if len(xs) != len(set(xs)) else 1


def _edge_align(ax: Axes, x: float) -> str:
    """'left' near the left edge, 'right' near the right edge, else 'center' (labels stay inside)."""
    lo, hi = ax.get_xlim()
    frac = (x - lo) / (hi - lo) if hi > lo else 0.5
    return "left" if frac < 0.1 else "right" if frac > 0.9 else "center"


def _signal_label_anchor(p: Panel, i: int, b: int, above: bool) -> float:
    """The y a signal label is written above (or below): the highest (lowest) of the stretch's first
    few points, so that the label clears them all."""
    near = p.y[i : min(b, i + 3) + 1]
    return float(np.nanmax(near) if above else np.nanmin(near))


def draw_signal_labels(ax: Axes, p: Panel, ctx: Context, top: float = 1.0) -> set[int]:
    """The rules that fired, each written once per part beside its first point.

    Labels that would sit on top of the previous one (close in x, same side) are stacked further out.
    A label never reaches above ``top`` (axes fraction: the bottom of the part labels at the top of
    the chart, and so never into the title and subtitle above it): one that would is written below
    its points instead. Returns the rows that got a label.
    """
    labelled: set[int] = set()
    kind = _stretch_kind(p, ctx)
    lo, hi = ax.get_xlim()
    ylo, yhi = ax.get_ylim()
    w_pt, h_pt = _axes_size_pt(ax)
    char = 0.6 * FONT_SIZES["annotation"] / max(w_pt, 1.0) * (hi - lo)
    last: dict[bool, tuple[float, int, float]] = {}
    seen: set[tuple[Any, str]] = set()  # (kind, rule text) already labelled in this part
    for a, b, text in signal_stretches(p.d, ctx.rules, p.part, kind):
        i = a
        while i <= b and not np.isfinite(p.y[i]):
            i += 1
        if i > b:
            continue
        if (kind[a], text) in seen:
            continue  # the same rule (same marker) was named already in this part: once is enough
        seen.add((kind[a], text))
        above = not (np.isfinite(p.cl[i]) and p.y[i] < p.cl[i])
        frac = (p.y[i] - ylo) / (yhi - ylo) if yhi > ylo else 0.5
        if not above and frac < 0.2:
            above = True  # no room below a point near the bottom of the chart
        ha = _edge_align(ax, p.x[i])
        half = len(text) * char / 2
        level = 0
        prev = last.get(above)
        if prev is not None and abs(p.x[i] - prev[0]) < half + prev[2]:
            level = prev[1] + 1
        last[above] = (p.x[i], level, half)
        dy = 9 + 14 * level
        # clear the first few points of the run, not only the first
        y_at = _signal_label_anchor(p, i, b, above)
        if above and yhi > ylo:
            text_h = FONT_SIZES["annotation"] * 1.3 + 2
            reach = (y_at - ylo) / (yhi - ylo) + (dy + text_h) / max(h_pt, 1.0)
            if reach > top:  # it would run into the header: write it below the points
                above = False
                y_at = _signal_label_anchor(p, i, b, above)
        # A label that finds free space when the chart is drawn (as notes do: never over a data point,
        # another label or off the figure), starting from the place worked out here, beside its first
        # point; a thin leader line joins it to that point when it has to move away.
        scale = h_pt / (yhi - ylo) if yhi > ylo else 0.0  # points per unit of y
        lift = dy + abs(y_at - p.y[i]) * scale  # from the point itself, clearing the run's first few points
        t = _note_label_class()(
            text,
            (p.x[i], p.y[i]),
            above=above,
            start=(float({"left": -4, "right": 4}.get(ha, 0)), float(lift if above else -lift), ha),
            fontsize=FONT_SIZES["annotation"],
            color=COLOURS["text"],
            arrowprops={"arrowstyle": "-", "color": COLOURS["limits"], "linewidth": 0.6, "shrinkA": 1, "shrinkB": 4},
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
            zorder=6,
            annotation_clip=False,
        )
        ax._add_text(t)
        t.set_gid("qi-signal-label")
        labelled.add(i)
    return labelled


def draw_notes(ax: Axes, p: Panel, busy: set[int] | None = None) -> None:
    """Each note at its point, on a thin leader line, in free space (:func:`qitools.plot.annotations.add_note`).

    The label finds its place when the chart is drawn: never over a data point or another label.
    ``busy`` (points with a signal label) is no longer needed for that and is kept for callers.
    """
    if "notes" not in p.d.columns:
        return
    notes = p.d["notes"].to_numpy(dtype=object)
    for i, note in enumerate(notes):
        if note is None or (isinstance(note, float) and np.isnan(note)) or str(note) == "":
            continue
        yv = p.y[i] if np.isfinite(p.y[i]) else p.cl[i]
        if not (np.isfinite(yv) and np.isfinite(p.x[i])):
            continue
        above = not (np.isfinite(p.cl[i]) and yv < p.cl[i])
        t = add_note(
            ax,
            p.x[i],
            yv,
            textwrap.shorten(str(note), 40, placeholder="…"),
            above=above,
            colour=COLOURS["note"],
            fontsize=FONT_SIZES["annotation"],
        )
        t.set_gid("qi-note")


def draw_annotation_labels(ax: Axes, layout: list, first_row: int, row_h: float) -> None:
    trans = ax.get_xaxis_transform()
    for a, row, align in layout:
        colour = KIND_COLOURS.get(a.kind, COLOURS["annotation"])
        t = ax.text(
            a.x0,
            1.0 - (first_row + row + 0.5) * row_h,
            (" " + a.label) if align == "left" else (a.label + " "),
            transform=trans,
            ha=align,
            va="center",
            fontsize=FONT_SIZES["annotation"],
            color=colour,
            zorder=5,
            clip_on=False,
        )
        t.set_gid(f"qi-annotation-label-{a.kind}")


def value_labels(p: Panel, ctx: Context) -> list[tuple[float, str, str]]:
    """(value, text, colour) for the right edge: last part's UCL, CL, LCL, and the target."""
    out: list[tuple[float, str, str]] = []
    ok = np.flatnonzero(np.isfinite(p.cl))
    dec, px = ctx.opts.decimals, ctx.percent_xmax
    if ok.size:
        i = ok[-1]
        cl_name = "Median" if ctx.cc.chart == "run" else "CL"
        if np.isfinite(p.ucl[i]):
            out.append((p.ucl[i], f"UCL {fmt_value(p.ucl[i], dec, px)}", COLOURS["muted"]))
        out.append((p.cl[i], f"{cl_name} {fmt_value(p.cl[i], dec, px)}", COLOURS["text"]))
        if np.isfinite(p.lcl[i]):
            out.append((p.lcl[i], f"LCL {fmt_value(p.lcl[i], dec, px)}", COLOURS["muted"]))
    if "target" in p.d.columns:
        t = p.d["target"].to_numpy(dtype=float)
        t = t[np.isfinite(t)]
        if t.size:
            out.append((float(t[0]), f"Target {fmt_value(float(t[0]), dec, px)}", COLOURS["target"]))
    return out


def value_label_positions(values: list[float], ylim: tuple[float, float], height_pt: float) -> np.ndarray:
    """Where (axes fraction) the right-edge labels of these values go: at their values, moved apart
    just enough that no two overlap (a line of text each), and kept within the plot's height."""
    lo, hi = ylim
    frac = np.array([(v - lo) / (hi - lo) if hi != lo else 0.5 for v in values], dtype=float)
    order = np.argsort(frac, kind="stable")
    gap = FONT_SIZES["value_label"] * 1.25 / max(height_pt, 1.0)
    pos = frac[order].copy()
    for k in range(1, pos.size):
        pos[k] = max(pos[k], pos[k - 1] + gap)
    if pos.size and pos[-1] > 1.0:
        pos -= pos[-1] - 1.0
        for k in range(pos.size - 2, -1, -1):
            pos[k] = min(pos[k], pos[k + 1] - gap)
    out = np.empty_like(pos)
    out[order] = pos
    return out


_VALUE_LABEL: type | None = None


def _value_label_class() -> type:
    """A right-edge label that places itself and its siblings when drawn, from the plot's height
    then (a layout engine such as ``fig.tight_layout()`` may shrink the axes after plotting)."""
    global _VALUE_LABEL
    if _VALUE_LABEL is not None:
        return _VALUE_LABEL
    from matplotlib.text import Text

    class _ValueLabel(Text):
        qi_value_label = True

        def __init__(self, value: float, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.qi_value = value

        def draw(self, renderer: Any) -> None:
            ax = self.axes
            if self.get_visible() and ax is not None:
                labels = [t for t in ax.texts if getattr(t, "qi_value_label", False)]
                if labels and labels[0] is self:  # the first one places them all
                    try:
                        height_pt = ax.bbox.height * 72.0 / root_figure(ax).dpi
                        ys = value_label_positions([t.qi_value for t in labels], ax.get_ylim(), height_pt)
                        for t, y in zip(labels, ys):
                            t.set_y(float(y))
                    except Exception:  # noqa: BLE001 - a label must never stop a chart being drawn
                        pass
            super().draw(renderer)

    _VALUE_LABEL = _ValueLabel
    return _ValueLabel


def draw_value_labels(ax: Axes, labels: list, ylim: tuple[float, float], height_pt: float) -> None:
    if not labels:
        return
    cls = _value_label_class()
    ys = value_label_positions([v for v, _, _ in labels], ylim, height_pt)
    for j in np.argsort(ys, kind="stable"):  # bottom to top, as they read
        (value, text, colour), y = labels[j], ys[j]
        t = cls(
            float(value),
            1.0,
            float(y),
            " " + text,
            transform=ax.transAxes,
            ha="left",
            va="center",
            fontsize=FONT_SIZES["value_label"],
            color=colour,
            clip_on=False,
        )
        t.set_gid("qi-value-label")
        ax._add_text(t)


def set_y_format(ax: Axes, ctx: Context, top: float | None = None) -> None:
    """Y ticks: about 6 round values (fewer labels read faster and draw faster); percent or decimals.

    With ``top``, no tick is placed above it: the band kept free for labels at the top of the chart
    is not part of the scale (a proportion's axis does not run on to 120%).
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter

    locator = MaxNLocator(nbins=4 if ctx.small else 6, steps=[1, 2, 2.5, 5, 10])
    if top is not None:
        lo, hi = ax.get_ylim()
        ticks = [t for t in locator.tick_values(lo, min(hi, top)) if lo <= t <= top + 1e-9 * abs(top)]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
    else:
        ax.yaxis.set_major_locator(locator)
    if ctx.percent_xmax is not None:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=ctx.percent_xmax, decimals=ctx.opts.decimals))
    elif ctx.opts.decimals is not None:
        dec = int(ctx.opts.decimals)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{dec}f}"))
    else:
        fmt: Any = ax.yaxis.get_major_formatter()
        if hasattr(fmt, "set_useOffset"):
            fmt.set_useOffset(False)


@functools.lru_cache(maxsize=4096)
def _char_width_pt(char: str, size: float, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    # the advance of the character between two others, so that its side bearings count
    w3, _, _ = TextToPath().get_text_width_height_descent(f"x{char}x", prop, ismath=False)
    w2, _, _ = TextToPath().get_text_width_height_descent("xx", prop, ismath=False)
    return float(w3 - w2)


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text in points, from the font's own character widths (no drawing)."""
    return sum(_char_width_pt(c, float(size), bool(bold)) for c in text)


def wrap(text: str, width_pt: float, size: float, bold: bool = False) -> str:
    """Break ``text`` into lines no wider than ``width_pt`` points (measured in the font itself)."""
    width_pt = max(width_pt, 20 * 0.5 * size)
    out: list[str] = []
    space = text_width_pt(" ", size, bold)
    for par in text.split("\n"):
        line, line_w = "", 0.0
        for word in par.split(" "):
            w = text_width_pt(word, size, bold)
            if line and line_w + space + w > width_pt:
                out.append(line)
                line, line_w = word, w
            else:
                line, line_w = (f"{line} {word}", line_w + space + w) if line else (word, w)
        out.append(line)
    return "\n".join(out)


# -- the public axes-level function ---------------------------------------------------------------------
def default_axis_labels(cc: ControlChart, ctx: Context, opts: Options) -> tuple[str, str]:
    """y label: the measure, unless the (default) title already says it; x label: the x column, not for dates."""
    if opts.y_label is not None:
        ylab = opts.y_label
    else:
        ylab = (measure_label(cc, opts.percent) or "") if opts.title is not None else ""
    if opts.x_label is not None:
        xlab = opts.x_label
    else:
        named = isinstance(cc.params.get("x"), str)
        xlab = _nice(cc.params["x"]) if named and ctx.xaxis.kind != "datetime" else ""
    return ylab, xlab


def select_facets(cc: ControlChart, facet: Any) -> list[Any]:
    """The facet labels a ``facet=`` selection names, in the chart's order.

    ``facet`` is a facet label (``"Ward 3"``; ``"North | Ward 3"`` for two facet columns), a tuple
    of the facet columns' values (``("North", "Ward 3")``), the value of one facet column of a
    two-column facet (``"North"``: every facet of that region), or a list of any of these.
    """
    s = cc.summary
    if "facet" not in s.columns:
        raise QIValueError(
            f"facet={facet!r} was given, but this chart has no facets. Leave out facet=, or compute the "
            "chart with control_chart(..., facet='column')."
        )
    labels = list(dict.fromkeys(s["facet"]))
    known = set(labels)
    names = list(cc.params.get("facet") or [])
    wanted = list(facet) if isinstance(facet, (list, set, pd.Index, np.ndarray, pd.Series)) else [facet]
    chosen: set[Any] = set()
    for item in wanted:
        require_label("facet", item, "Name a facet, a tuple of the facet columns' values, or a list of those.")
        label = " | ".join(map(str, item)) if isinstance(item, tuple) else item
        try:
            if label in known:
                chosen.add(label)
                continue
        except (TypeError, ValueError, ArithmeticError):  # a value that cannot be compared: not a facet
            pass
        found = False
        if len(names) == 2:  # the value of one of the two facet columns: all facets with that value
            for name in names:
                if name in s.columns:
                    try:
                        hit = s.loc[(s[name] == item).to_numpy(dtype=bool), "facet"]
                    except (TypeError, ValueError, ArithmeticError):
                        continue
                    if len(hit):
                        chosen.update(hit)
                        found = True
        if not found:
            more = " ..." if len(labels) > 10 else ""
            cols = f" (or a value of {names[0]!r} or {names[1]!r})" if len(names) == 2 else ""
            raise QIValueError(
                f"facet={_safe_repr(item)} is not one of the chart's facets{cols}: {labels[:10]!r}{more}."
            )
    return [lab for lab in labels if lab in chosen]


def subset_facets(cc: ControlChart, labels: list[Any]) -> ControlChart:
    """The chart restricted to some facets (the same result type, for drawing them)."""
    import dataclasses

    keep = set(labels)
    d = cc.data
    rows = d["facet"].isin(keep).to_numpy()
    s = cc.summary
    icons = cc.icons_table
    return dataclasses.replace(
        cc,
        data=d[rows],
        summary=s[s["facet"].isin(keep).to_numpy()],
        icons_table=icons[icons["facet"].isin(keep).to_numpy()] if icons is not None else None,
    )


def _facet_rows(cc: ControlChart, facet: Any) -> tuple[pd.DataFrame, pd.DataFrame, Any, pd.DataFrame | None]:
    d, s, icons = cc.data, cc.summary, cc.icons_table
    if facet is None:
        return d, s, None, icons
    chosen = select_facets(cc, facet)
    if len(chosen) != 1:
        raise QIValueError(
            f"facet={facet!r} names {len(chosen)} facets ({chosen[:5]!r}{' ...' if len(chosen) > 5 else ''}); "
            "one Axes shows one facet. Name one (a tuple of both facet values, or its label), or leave out ax= "
            "to draw them as small multiples."
        )
    label = chosen[0]
    mask = (d["facet"] == label).to_numpy(dtype=bool)
    icons_f = icons[(icons["facet"] == label).to_numpy(dtype=bool)] if icons is not None else None
    return d[mask], s[(s["facet"] == label).to_numpy(dtype=bool)], label, icons_f


def _stretch_kind(p: Panel, ctx: Context) -> np.ndarray:
    """What splits a run of signal points in two: the point type, or the side of the centre line."""
    if ctx.use_point_type:
        return p.d["point_type"].to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        return np.where(p.y < p.cl, -1, 1)


def _label_near_top(p: Panel, ctx: Context, ylim: tuple[float, float], top: float, row_h: float) -> bool:
    """Would a signal label written above a point reach past ``top`` (axes fraction)?"""
    ylo, yhi = ylim
    for a, b, _ in signal_stretches(p.d, ctx.rules, p.part, _stretch_kind(p, ctx)):
        i = a
        while i <= b and not np.isfinite(p.y[i]):
            i += 1
        if i > b or p.y[i] < p.cl[i]:
            continue  # labelled below its points
        if (_signal_label_anchor(p, i, b, True) - ylo) / (yhi - ylo) > top - 1.6 * row_h:
            return True
    return False


def draw_panel(ax: Axes, p: Panel, ctx: Context, icons: pd.DataFrame | None, *, ylim: tuple | None = None) -> dict:
    """Draw one chart (one facet) on ``ax``; returns layout facts (rows, value labels ...)."""
    small = ctx.small
    if not getattr(ax, "qi_styled", False):  # Axes made under base_rc() already look right
        apply_base_style(ax, small=small)
    xm = x_margin(p.x)
    finite_x = p.x[np.isfinite(p.x)]
    xlim = (float(finite_x.min()) - xm, float(finite_x.max()) + xm) if finite_x.size else (0.0, 1.0)
    ax.set_xlim(*xlim)

    draw_lines(ax, p, ctx)
    draw_points(ax, p, ctx)

    placed = place_annotations(ctx.annotations, ctx.xaxis, xlim, facet=p.facet) if ctx.annotations else []
    draw_annotation_marks(ax, placed)

    w_pt, h_pt = _axes_size_pt(ax)
    row_h = FONT_SIZES["annotation"] * 1.5 / max(h_pt, 1.0)
    info: dict[str, Any] = {"value_labels": []}
    if small:
        lo, hi = y_range([p], ctx.opts.two_sigma)
        if ylim is None:
            ylim = y_limits(lo, hi, 0.0)
        ax.set_ylim(*ylim)
    else:
        head_rows = count_header_rows(p, ctx)
        layout = annotation_label_layout(placed, xlim, w_pt)
        ann_rows = 1 + max((r for _, r, _ in layout), default=-1)
        rows = head_rows + ann_rows
        lo, hi = y_range([p], ctx.opts.two_sigma)
        if ylim is None:
            ylim = y_limits(lo, hi, rows * row_h + (0.01 if rows else 0.0))
            if ctx.opts.label_signals and _label_near_top(p, ctx, ylim, 1.0 - rows * row_h, row_h):
                rows += 1  # room for a signal label above a point at the top
                ylim = y_limits(lo, hi, rows * row_h + 0.01)
        ax.set_ylim(*ylim)
        used = draw_header(ax, p, ctx, row_h)
        draw_annotation_labels(ax, layout, used, row_h)
        top = 1.0 - head_rows * row_h  # below the part labels (annotation labels sit at their own x)
        busy = draw_signal_labels(ax, p, ctx, top=top) if ctx.opts.label_signals else set()
        draw_notes(ax, p, busy)
        labels = value_labels(p, ctx)
        draw_value_labels(ax, labels, ylim, h_pt)
        info["value_labels"] = [t for _, t, _ in labels]
    if ctx.opts.show_icons and icons is not None and len(icons):
        row = icons.iloc[0]
        a = row.get("assurance")
        info["icons"] = (str(row["variation"]), a if isinstance(a, str) else None)
        if small:
            draw_icons(ax, *info["icons"], small=True)
    info["rotated"] = set_x_ticks(ax, ctx.xaxis, p.x, max_ticks=(4 if small else 8))
    set_y_format(ax, ctx, top=None if small else hi + 0.06 * max(hi - lo, abs(hi) * 0.2 or 1.0))
    return info


def _layout_sides(fig: Figure, ax: Axes, info: dict) -> None:
    """Left and right margins that fit the y tick labels and the value labels, without a draw pass.

    Done before the title is wrapped, so that the title is wrapped to the Axes' final width (and
    never runs under the icons at the top right)."""
    from matplotlib.ticker import Formatter

    W = fig.get_figwidth()
    fmt: Formatter = ax.yaxis.get_major_formatter()
    ticks = ax.yaxis.get_major_locator()()
    lo, hi = ax.get_ylim()
    ticks = [t for t in ticks if lo <= t <= hi]
    try:
        texts = fmt.format_ticks(ticks)
    except Exception:  # pragma: no cover - defensive: any formatter
        texts = [str(t) for t in ticks]
    widest = max((len(t) for t in texts), default=3)
    left_pt = widest * 0.62 * FONT_SIZES["tick_label"] + 10 + (FONT_SIZES["axis_label"] * 1.4 if ax.get_ylabel() else 0)
    right_pt = max((len(t) for t in info.get("value_labels", [])), default=0) * 0.6 * FONT_SIZES["value_label"] + 12
    left = min((left_pt + 6) / 72.0 / W, 0.3)
    right = 1.0 - min(max(right_pt, 14) / 72.0 / W, 0.3)
    fig.subplots_adjust(left=left, right=right)


def _layout_top_bottom(fig: Figure, header_pt: float, bottom_pt: float) -> None:
    """Top and bottom margins that fit the title, subtitle, icons, tick labels and caption."""
    H = fig.get_figheight()
    top = 1.0 - min((header_pt + 8) / 72.0 / H, 0.45)
    bottom = min((bottom_pt + 6) / 72.0 / H, 0.45)
    fig.subplots_adjust(top=top, bottom=max(bottom, 0.05))


def _tick_label_height_pt(ctx: Context, rotated: bool) -> float:
    """Height of the x tick labels (points), from what :func:`set_x_ticks` did (no draw needed)."""
    lines = 2 if ctx.xaxis.kind == "datetime" else 1
    h = lines * FONT_SIZES["tick_label"] * 1.2 + 7
    if rotated:
        longest = max((len(s) for s in ctx.xaxis.labels), default=0)
        h = max(h, 0.5 * longest * 0.6 * FONT_SIZES["tick_label"] + 10)
    return h


@plain_text
def plot_chart(
    cc: ControlChart,
    ax: Axes | None = None,
    *,
    facet: Any = None,
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
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw a run chart or control chart on a matplotlib Axes (one facet of a faceted chart).

    The usual entry point is :meth:`qitools.ControlChart.plot`; this is the same drawing for one
    chart. What is drawn:

    - the data line and points; excluded points hollow;
    - the centre line and the control limits of each part (stepped where they vary with n), with
      a break and the part's label where a new part begins; the end of a frozen baseline as a
      dotted vertical line;
    - signals that need no legend: a point beyond the limits (or flagged by the rule set) as an
      orange diamond with the rule's short name; a part whose Anhøj runs analysis signals gets a
      dashed orange centre line and the reason ("longest run 9 > 7"), as in qicharts2;
    - with ``improvement`` (or ``rules="mdc"``) the Making Data Count colours by ``point_type``
      (blue square = improvement, orange diamond = concern, grey circle = common cause, purple
      triangle = neither better) and the variation / assurance icons above the top right corner;
    - the target (dash-dot), optional 2-sigma lines (dotted), the values of the last part's limits
      and centre line at the right edge, ``notes`` at their points, and ``annotations`` (PDSA
      cycles) as vertical markers or shaded spans with labels at the top.

    Parameters
    ----------
    cc : ControlChart
        The result of :func:`qitools.control_chart` or :func:`qitools.run_chart`.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Omitted: a new figure (``figsize``, default 8 x 4.5 inches) with margins
        that fit the labels.
    facet : optional
        One facet of a faceted chart (its value, or a tuple for two facet columns). Required for a
        faceted chart here; :func:`qitools.plot.plot_facets` draws them all.
    title, subtitle, caption : str, optional
        Text above and below the chart. ``title`` defaults to the measure (e.g. "Falls per 1,000
        bed days"), ``subtitle`` to the chart type and a key to its signals; pass ``""`` for none.
    percent : bool, default False
        Label the y axis (and the limit values) in percent: for proportion charts (p, p′, and run
        or I charts of y/n) 100% is ``multiply``; for values without n, 100% is 1 when all values
        are within [-1, 1] and 100 otherwise.
    two_sigma : bool, default False
        Also draw dotted lines at the centre line ± 2σ, σ = (UCL − CL)/3 (the zones of the
        Western Electric, Nelson and Making Data Count rules).
    show_icons : bool, default True
        Draw the Making Data Count icons when the chart has them (``improvement`` given or
        ``rules="mdc"``).
    annotations : DataFrame or list of dict, optional
        Events such as PDSA cycles: keys ``x`` (required), ``x_end`` (a shaded span), ``label``,
        ``kind`` (``"pdsa"``, ``"note"``), ``facet``. See :mod:`qitools.plot.annotations`.
    label_signals : bool, default True
        Write the rule's short name beside the first point of each signal, and why the runs
        analysis signals.
    y_label, x_label : str, optional
        Axis labels; default from the column names (``""`` for none).
    decimals : int, optional
        Decimals of the value labels and the y axis (default: 3 significant figures).
    figsize : (float, float), optional
        Size in inches of a new figure (ignored when ``ax`` is given).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new figure's Axes). Its artists carry ids (``artist.get_gid()``) listed
        in :data:`qitools.plot.chart.GIDS`.

    Raises
    ------
    QIValueError
        ``facet`` is not one of the chart's facets (or the chart has none); a faceted chart
        without ``facet``; ``percent=True`` on a chart of counts or rates; a bad annotation.
    QITypeError
        An option of the wrong type (e.g. ``title=3``).

    Warns
    -----
    AnnotationOutsideWarning
        An annotation lies outside the chart's x range (it is left out).

    See Also
    --------
    plot_facets : small multiples of a faceted chart.
    save : write a PNG or SVG with the chart's explanation as its description.

    Notes
    -----
    Where the limits vary (p and u charts with unequal n), each point's limit is drawn as a step
    reaching half-way to its neighbours (as qicharts2 does). The 2-sigma lines are
    :math:`CL \\pm \\tfrac{2}{3}(UCL - CL)`, not drawn below the LCL.

    References
    ----------
    Anhøj J (2021). qicharts2: Quality Improvement Charts. R package, CRAN (the chart layout).

    NHS England (2019). Making Data Count: getting started; NHS-R Community, NHSRplotthedots
    (the colours and icons).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> from qitools.plot import plot_chart
    >>> cc = qi.control_chart(y=[12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5,
    ...                          13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6], n=[50] * 30, chart="p")
    >>> ax = plot_chart(cc, percent=True)
    >>> [ln.get_gid() for ln in ax.lines][:4]
    ['qi-data', 'qi-centre', 'qi-limits', 'qi-points-data']
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "qi-signal-label"]  # each rule named once per part
    ['beyond limit']
    """
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
        figsize=figsize,
    )
    opts.check(cc)
    if facet is None and "facet" in cc.data.columns:
        raise QIValueError(
            "This chart has facets: draw them all with cc.plot() (without ax=), or one facet on an Axes with "
            "cc.plot(facet=..., ax=ax)."
        )
    items = normalise_annotations(annotations)
    d, s, label, icons = _facet_rows(cc, facet)
    if len(d) == 0:
        raise QIValueError("The chart has no points to draw.")
    ctx = make_context(cc, opts, items, small=False)
    own = ax is None
    if own:
        import matplotlib
        import matplotlib.pyplot as plt

        # the figure is made outside rc_context: the first figure of a session resolves the backend
        # (a notebook's inline backend), and leaving rc_context would undo that, so later charts
        # would not be shown at the end of their cells
        fig = plt.figure(figsize=opts.figsize or _DEFAULT_FIGSIZE)
        with matplotlib.rc_context(base_rc()):
            ax = fig.add_subplot()
        ax.qi_styled = True  # type: ignore[attr-defined]
        # a first guess of the margins, refined once the labels are known
        fig.subplots_adjust(left=0.1, right=0.86, top=0.8, bottom=0.16)
    elif not hasattr(ax, "plot") or not hasattr(ax, "figure"):
        raise QITypeError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()); got {type(ax).__name__}.")
    ax = cast("Axes", ax)
    p = make_panel(d, s, ctx.xaxis, facet=label)
    info = draw_panel(ax, p, ctx, icons)

    # labels, title, subtitle, caption
    ylab, xlab = default_axis_labels(cc, ctx, opts)
    ax.set_ylabel(as_typed(ylab or ""), fontsize=FONT_SIZES["axis_label"], color=COLOURS["text"], parse_math=True)
    ax.set_xlabel(as_typed(xlab or ""), fontsize=FONT_SIZES["axis_label"], color=COLOURS["text"], parse_math=True)
    if own:
        _layout_sides(root_figure(ax), ax, info)
    w_pt, _ = _axes_size_pt(ax)
    icons = info.get("icons")
    icons_pt = icons_width_pt(*icons) + 10 if icons else 0.0
    ttl = opts.title
    m = measure_label(cc, opts.percent)
    if ttl is None:
        ttl = m or cc.params.get("chart_description", "")
        ttl = ttl[:1].upper() + ttl[1:]
        if label is not None:
            ttl = f"{ttl}: {label}" if ttl else str(label)
    if opts.subtitle is None:
        sub = rules_text(cc, ctx.use_point_type, with_chart=bool(m))
        if icons:
            sub += "\n" + icons_text(*icons)
    else:
        sub = opts.subtitle
    sub_lines = 0
    header_pt = 0.0
    if sub:
        sub = wrap(sub, w_pt - icons_pt, FONT_SIZES["subtitle"])
        sub_lines = sub.count("\n") + 1
        t = ax.annotate(
            sub,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 6),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=FONT_SIZES["subtitle"],
            color=COLOURS["muted"],
            annotation_clip=False,
        )
        t.set_gid("qi-subtitle")
        header_pt += sub_lines * FONT_SIZES["subtitle"] * 1.2 + 6
    if ttl:
        ttl = wrap(ttl, w_pt - icons_pt, FONT_SIZES["title"], bold=True)
        ax.set_title(
            as_typed(ttl),
            loc="left",
            parse_math=True,
            fontsize=FONT_SIZES["title"],
            fontweight="bold",
            color=COLOURS["text"],
            pad=header_pt + 6,
            y=1.0,  # fixed: automatic title placement costs a layout pass at each draw
        )
        ax.title.set_gid("qi-title")
        header_pt += (ttl.count("\n") + 1) * FONT_SIZES["title"] * 1.2 + 6
    if icons:
        header_pt = max(header_pt, 2 * 15.0 + 10)
        draw_icons(ax, *icons, top_pt=header_pt)
    bottom_pt = _tick_label_height_pt(ctx, bool(info.get("rotated")))
    if xlab:
        bottom_pt += FONT_SIZES["axis_label"] * 1.3 + 4
    if opts.caption:
        cap = wrap(opts.caption, w_pt, FONT_SIZES["caption"])
        t = ax.annotate(
            cap,
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -(bottom_pt + 4)),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=FONT_SIZES["caption"],
            color=COLOURS["muted"],
            annotation_clip=False,
        )
        t.set_gid("qi-caption")
        bottom_pt += (cap.count("\n") + 1) * FONT_SIZES["caption"] * 1.25 + 6
    if own:
        _layout_top_bottom(root_figure(ax), header_pt, bottom_pt)
    ax.qi_result = cc  # type: ignore[attr-defined,union-attr]  # save() writes its explanation as alt text
    ax.qi_facet = label  # type: ignore[attr-defined,union-attr]
    return ax


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while many matplotlib objects are made.

    Making a chart creates thousands of small objects (artists, transforms, weak references), and
    each generation-2 collection walks them all again: pausing it makes a 100-facet figure about
    30% faster. The collector's previous state is restored; nothing is leaked (collection simply
    happens afterwards).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@plain_text
def plot(cc: ControlChart, ax: Axes | None = None, *, facet: Any = None, **style: Any) -> Axes | Figure:
    """Draw a chart: an Axes for one chart (or one facet), a Figure of small multiples for a faceted chart.

    This is what :meth:`qitools.ControlChart.plot` calls; see :func:`plot_chart` and
    :func:`qitools.plot.plot_facets` for the options.

    Parameters
    ----------
    cc : ControlChart
        The chart.
    ax : matplotlib.axes.Axes, optional
        Where to draw an unfaceted chart (or one facet with ``facet=``).
    facet : optional
        One facet of a faceted chart (drawn in full), or several (a list, or the value of one column
        of a two-column facet): small multiples of those. See :func:`select_facets`.
    **style
        The options of :func:`plot_chart` and, for faceted charts, ``facet_cols``, ``sharey``.

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure

    Raises
    ------
    QIValueError
        ``ax=`` with a faceted chart and no ``facet=``.
    """
    faceted = "facet" in cc.data.columns
    if faceted and facet is not None and ax is None:
        chosen = select_facets(cc, facet)
        if len(chosen) > 1:  # several facets named: small multiples of those
            from .facets import plot_facets

            with gc_paused():
                return plot_facets(subset_facets(cc, chosen), **style)
        facet = chosen[0]
    if faceted and facet is None:
        if ax is not None:
            raise QIValueError(
                "A faceted chart draws one small chart per facet on a figure of its own, so it cannot go on one "
                "Axes. Use cc.plot() without ax= for all facets, or select a facet with cc.plot(facet=..., ax=ax)."
            )
        from .facets import plot_facets

        with gc_paused():
            return plot_facets(cc, **style)
    for k in ("facet_cols", "sharey"):
        v = style.pop(k, None)
        if k == "facet_cols" and v is not None:
            Options(facet_cols=v).check(cc)
    with gc_paused():
        return plot_chart(cc, ax, facet=facet, **style)
