"""Drawing the "understanding the system" tools: Pareto charts, fishbone diagrams and process maps.

The public functions are :func:`qitools.pareto_chart`, :func:`qitools.cause_effect_diagram` and
:func:`qitools.process_map` (in :mod:`qitools.system`), which check their input before loading
this module. The functions here draw already-checked data.

The two diagrams are laid out in points (1/72 inch) with the text measured by matplotlib's own
renderer, so that text is wrapped to fit and never overlaps: a new figure gets the size the
layout needs; on a given Axes the layout keeps its proportions (equal aspect) and a
:class:`DiagramTooSmallWarning` says when the Axes is too small for the text at its size.
All user text is drawn as typed: no mathtext (a ``$`` stays a dollar sign), no TeX.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..spc.errors import QIToolsWarning, QITypeError
from .style import COLOURS, FONT_SIZES, apply_base_style, base_rc, plain_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["draw_pareto", "draw_fishbone", "draw_process_map", "DiagramTooSmallWarning", "FISHBONE_SIZES"]


class DiagramTooSmallWarning(QIToolsWarning):
    """The Axes or figure is too small for a diagram's text at its size; text may overlap."""


#: font sizes (points) of the diagrams; none is below style.MIN_FONT_SIZE
FISHBONE_SIZES: dict[str, float] = {"effect": 13.0, "category": 12.0, "cause": 11.0, "subcause": 10.0}
_NODE_SIZE = 11.0
_BRANCH_SIZE = 10.0
_WAIT_SIZE = 10.0

_TEXT_KW = {"parse_math": False, "usetex": False}
#: measured widths are widened by this factor (text extents vary by a few % with the output resolution)
_SLACK = 1.04

# colours of the diagrams, from the house palette
_LINE = COLOURS["centre"]
_RIB = "#6E6E6E"
_STEP_EDGE = COLOURS["data"]
_DECISION_FILL = "#DCE7F3"  # light tint of the improvement blue
_DELAY_FILL = "#FBE3CC"  # light tint of the concern orange
_TERMINAL_FILL = "#EDEDED"
_BRANCH = COLOURS["improvement"]  # arrows of decisions' branches that leave the row's flow
_CATEGORY_FILL = "#E4E9EE"


# -- text measurement and wrapping --------------------------------------------------------------------
class _Measure:
    """Text extents in points, measured with the Agg renderer (at 60 dpi, the widest of the usual sizes)."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.dpi = 60.0
        self.fig = Figure(dpi=self.dpi)
        FigureCanvasAgg(self.fig)
        self.renderer = self.fig.canvas.get_renderer()
        self.cache: dict[tuple[str, float, str, str], tuple[float, float]] = {}

    def size(self, text: str, fontsize: float, weight: str = "normal", style: str = "normal") -> tuple[float, float]:
        key = (text, fontsize, weight, style)
        if key not in self.cache:
            t = self.fig.text(0, 0, text, fontsize=fontsize, fontweight=weight, fontstyle=style, **_TEXT_KW)
            bb = t.get_window_extent(self.renderer)
            t.remove()
            scale = 72.0 / self.dpi
            self.cache[key] = (bb.width * scale * _SLACK, bb.height * scale)
        return self.cache[key]

    def width(self, text: str, fontsize: float, weight: str = "normal", style: str = "normal") -> float:
        return self.size(text, fontsize, weight, style)[0]

    def wrap(self, text: str, width: float, fontsize: float, weight: str = "normal", style: str = "normal") -> str:
        """Greedy word wrap to ``width`` points; a word longer than a line is broken."""
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            trial = f"{current} {word}" if current else word
            if self.width(trial, fontsize, weight, style) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            while self.width(word, fontsize, weight, style) > width and len(word) > 1:
                lo, hi = 1, len(word) - 1  # longest prefix that fits
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if self.width(word[:mid], fontsize, weight, style) <= width:
                        lo = mid
                    else:
                        hi = mid - 1
                lines.append(word[:lo])
                word = word[lo:]
            current = word
        lines.append(current)
        return "\n".join(lines)


def _check_ax(ax: Any) -> None:
    if not hasattr(ax, "plot") or not hasattr(ax, "figure"):
        raise QITypeError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()); got {type(ax).__name__}.")


def _new_figure(width_in: float, height_in: float):
    import matplotlib.pyplot as plt

    # made outside any rc_context: the first figure of a session resolves the (inline) backend
    return plt.figure(figsize=(width_in, height_in))


# -- Pareto chart -------------------------------------------------------------------------------------
def _fmt_count(value: float, whole: bool) -> str:
    return f"{int(round(value)):,}" if whole else f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


@plain_text
def draw_pareto(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    y_label: str | None = None,
    x_label: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw a table from :func:`qitools.pareto_table` (see :func:`qitools.pareto_chart`)."""
    import matplotlib
    from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter

    attrs = table.attrs
    n = len(table)
    counts = table["count"].to_numpy(dtype=float)
    cum = table["cumulative_percent"].to_numpy(dtype=float)
    vital = table["vital_few"].to_numpy(dtype=bool)
    other = table["other"].to_numpy(dtype=bool)
    whole = pd.api.types.is_integer_dtype(table["count"].dtype)
    total = float(attrs.get("total", counts.sum()))
    cut = float(attrs.get("cut", 80.0))
    k = int(vital.sum())
    m = _Measure()
    names = [str(c) for c in table["category"]]
    longest_word = max(m.width(word, FONT_SIZES["tick_label"]) for s in names for word in s.split(" "))
    longest_name = max(m.width(s, FONT_SIZES["tick_label"]) for s in names)
    if ax is None:
        # wide enough for the labels level (wrapped, at most 3 lines) up to 11 inches; beyond that
        # they are rotated
        level = n * max(56.0, longest_word + 12, longest_name / 2.6 + 12) / 72 / 0.775
        width = max(6.5, level) if level <= 11 else min(max(6.5, 0.62 * n + 2), 11.0)
        size = figsize or (width, 4.8)
        fig = _new_figure(*size)
        with matplotlib.rc_context(base_rc()):
            ax = fig.add_subplot()
        ax.qi_styled = True  # type: ignore[attr-defined]
        own = True
    else:
        _check_ax(ax)
        own = False
    apply_base_style(ax)
    fig = ax.figure

    x = np.arange(n)
    face = [COLOURS["data"] if v else COLOURS["common"] for v in vital]
    for i in np.flatnonzero(other):
        face[i] = "#FFFFFF"
    bars = ax.bar(x, counts, width=0.72, color=face, edgecolor=COLOURS["data"], linewidth=0.8, zorder=2)
    for i, bar in enumerate(bars):
        bar.set_gid("qi-pareto-other" if other[i] else "qi-pareto-bar")
        if other[i]:
            bar.set_hatch("///")
            bar.set_edgecolor(COLOURS["limits"])
    headroom = 1.12
    ax.set_ylim(0, total * headroom)
    ax.set_xlim(-0.6, n - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=whole))

    # count labels: inside tall bars, above short ones; none when they are wider than the bars
    ax_h_pt = ax.get_position().height * fig.get_size_inches()[1] * 72
    ax_w_pt = ax.get_position().width * fig.get_size_inches()[0] * 72
    bar_pt = 0.72 * ax_w_pt / (n + 0.2)
    show_counts = max(m.width(_fmt_count(c, whole), FONT_SIZES["value_label"]) for c in counts) <= bar_pt + 6
    for i, c in enumerate(counts if show_counts else []):
        label = _fmt_count(c, whole)
        height_pt = c / (total * headroom) * ax_h_pt
        # (the Axes often shrink afterwards, to make room for slanted labels: keep a margin)
        inside = 0.6 * height_pt >= FONT_SIZES["value_label"] * 1.2 + 8 and not other[i]
        colour = "#FFFFFF" if inside and vital[i] else COLOURS["text"]
        t = ax.annotate(
            label, xy=(i, c), xytext=(0, -6 if inside else 3), textcoords="offset points", ha="center",
            va="top" if inside else "bottom", fontsize=FONT_SIZES["value_label"], color=colour, zorder=4, **_TEXT_KW,
        )  # fmt: skip
        t.set_gid("qi-pareto-count")

    # cumulative percentage on a twin axis sharing the x axis; 100 % is level with the total
    ax2 = ax.twinx()
    ax2.set_ylim(0, 100 * headroom)
    ax2.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    ax2.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax2.tick_params(axis="y", labelsize=FONT_SIZES["tick_label"], colors="#404040", labelcolor=COLOURS["text"])
    for side in ("top", "left", "bottom"):
        ax2.spines[side].set_visible(False)
    ax2.spines["right"].set_color("#808080")
    ax2.spines["right"].set_linewidth(0.8)
    ax2.grid(False)
    (line,) = ax2.plot(
        x, cum, color=COLOURS["centre"], marker="o", markersize=4.5, linewidth=1.5, zorder=5, clip_on=False
    )
    line.set_gid("qi-pareto-cumulative")
    cut_line = ax2.axhline(cut, color=COLOURS["muted"], linestyle=(0, (1.5, 2.5)), linewidth=1.2, zorder=1)
    cut_line.set_gid("qi-pareto-cut")
    t = ax2.annotate(
        f"{cut:g}% cut", xy=(0, cut), xycoords=("axes fraction", "data"), xytext=(4, 3), textcoords="offset points",
        ha="left", va="bottom", fontsize=FONT_SIZES["annotation"], color=COLOURS["muted"], **_TEXT_KW,
    )  # fmt: skip
    t.set_gid("qi-pareto-cut-label")
    if k < n:
        sep = ax.axvline(k - 0.5, color=COLOURS["data"], linestyle=(0, (5, 3)), linewidth=1.2, zorder=1)
        sep.set_gid("qi-pareto-vital-few")
        t = ax.annotate(
            "\u2190 vital few", xy=(k - 0.5, 1), xycoords=("data", "axes fraction"), xytext=(-4, -3),
            textcoords="offset points", ha="right", va="top", fontsize=FONT_SIZES["annotation"],
            color=COLOURS["data"], fontweight="bold", **_TEXT_KW,
        )  # fmt: skip
        t.set_gid("qi-pareto-vital-few-label")

    # category labels: wrapped to the width of a bar; rotated when they cannot be (upright when crowded)
    per_bar = ax_w_pt / (n + 0.2) - 6
    size = FONT_SIZES["tick_label"]
    line_h = m.size("Ag", size)[1]
    wrapped = [m.wrap(s, per_bar, size) for s in names]
    rotate = longest_word > per_bar or any(w.count("\n") >= 3 for w in wrapped)
    if rotate:
        # slanted labels read along one line each: a second line sits next to the neighbour's first
        # ("on standing Unsafe footwear"), so wrap only very long ones, and slant only when the
        # neighbours are a line apart (block height from the renderer, line spacing included)
        labels = [m.wrap(s, 230, size) for s in names]
        block_h = max(m.size(label, size)[1] for label in labels)
        if (per_bar + 6) * math.sin(math.radians(35)) >= block_h + line_h:
            ax.set_xticks(x, labels, rotation=35, ha="right", rotation_mode="anchor", **_TEXT_KW)
        else:
            labels = [m.wrap(s, 160, size) for s in names]
            n_lines = max(label.count("\n") + 1 for label in labels)
            ax.set_xticks(x, labels, rotation=90, ha="center", **_TEXT_KW)
            if per_bar + 6 < n_lines * line_h:
                warnings.warn(
                    f"{n} bars are too many to label legibly on an Axes {ax_w_pt / 72:.1f} inches wide. Combine the "
                    f"smallest categories with top=15 (or min_percent=), or make the figure wider (figsize=).",
                    DiagramTooSmallWarning,
                    stacklevel=3,
                )
    else:
        ax.set_xticks(x, wrapped, **_TEXT_KW)
    ax.tick_params(axis="x", length=0)

    count_name = attrs.get("count_name")
    cat_name = attrs.get("category_name") or "category"
    ylab = y_label if y_label is not None else (count_name[:1].upper() + count_name[1:] if count_name else "Count")
    ax.set_ylabel(ylab, fontsize=FONT_SIZES["axis_label"], color=COLOURS["text"], **_TEXT_KW)
    xlab = x_label if x_label is not None else cat_name[:1].upper() + cat_name[1:]
    ax.set_xlabel(xlab, fontsize=FONT_SIZES["axis_label"], color=COLOURS["text"], **_TEXT_KW)
    ax2.set_ylabel("Cumulative percentage", fontsize=FONT_SIZES["axis_label"], color=COLOURS["text"], **_TEXT_KW)

    if title is None:
        title = f"{count_name[:1].upper() + count_name[1:]} by {cat_name}" if count_name else f"Pareto chart of {cat_name}"
    if subtitle is None:
        n_cat = int(table["n_categories"].sum())
        share = cum[k - 1]
        few = "1 category makes" if k == 1 else f"{k} of {n_cat} categories make"
        subtitle = (
            f"The vital few (dark bars): {few} up {share:.0f}% of the total of {_fmt_count(total, whole)}; "
            f"cut at {cut:g}%."
        )
        n_other = int(table.loc[other, "n_categories"].sum()) if other.any() else 0
        if n_other:
            subtitle += f" The last bar combines the {n_other} smallest."
    header = 0.0
    if subtitle:
        sub = m.wrap(subtitle, ax_w_pt, FONT_SIZES["subtitle"])
        t = ax.annotate(
            sub, xy=(0, 1), xycoords="axes fraction", xytext=(0, 8), textcoords="offset points", ha="left",
            va="bottom", fontsize=FONT_SIZES["subtitle"], color=COLOURS["muted"], annotation_clip=False, **_TEXT_KW,
        )  # fmt: skip
        t.set_gid("qi-subtitle")
        header = m.size(sub, FONT_SIZES["subtitle"])[1] + 8
    if title:
        ttl = m.wrap(title, ax_w_pt, FONT_SIZES["title"], weight="bold")
        ax.set_title(
            ttl, loc="left", fontsize=FONT_SIZES["title"], fontweight="bold", color=COLOURS["text"],
            pad=header + 6, **_TEXT_KW,
        )  # fmt: skip
        ax.title.set_gid("qi-title")
    if own:
        fig.tight_layout()
    return ax


# -- shared diagram primitives ------------------------------------------------------------------------
@dataclass
class _Text:
    x: float
    y: float
    text: str
    size: float
    w: float
    h: float
    ha: str = "center"
    va: str = "center"
    weight: str = "normal"
    style: str = "normal"
    colour: str = COLOURS["text"]
    gid: str = ""

    def box(self) -> tuple[float, float, float, float]:
        x0 = {"left": self.x, "center": self.x - self.w / 2, "right": self.x - self.w}[self.ha]
        y0 = {"bottom": self.y, "center": self.y - self.h / 2, "top": self.y - self.h}[self.va]
        return x0, y0, x0 + self.w, y0 + self.h


@dataclass
class _Layout:
    texts: list[_Text] = field(default_factory=list)
    lines: list[tuple[list[float], list[float], dict[str, Any]]] = field(default_factory=list)
    polys: list[tuple[list[tuple[float, float]], dict[str, Any]]] = field(default_factory=list)
    arrows: list[tuple[float, float, float, float, str]] = field(default_factory=list)

    def bounds(self) -> tuple[float, float, float, float]:
        xs: list[float] = []
        ys: list[float] = []
        for t in self.texts:
            x0, y0, x1, y1 = t.box()
            xs += [x0, x1]
            ys += [y0, y1]
        for lx, ly, _ in self.lines:
            xs += lx
            ys += ly
        for pts, _ in self.polys:
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)

    def line(self, xs: Sequence[float], ys: Sequence[float], **kw: Any) -> None:
        self.lines.append((list(xs), list(ys), kw))

    def arrow(self, xs: Sequence[float], ys: Sequence[float], colour: str = _LINE, lw: float = 1.3) -> None:
        """A polyline ending in an arrow head (a filled triangle, in layout points)."""
        self.lines.append((list(xs), list(ys), {"color": colour, "linewidth": lw, "solid_capstyle": "butt"}))
        self.arrows.append((xs[-2], ys[-2], xs[-1], ys[-1], colour))


def _add_title(layout: _Layout, title: str, m: _Measure) -> None:
    x0, _, x1, y1 = layout.bounds()
    ttl = m.wrap(title, max(x1 - x0, 200), FONT_SIZES["title"], weight="bold")
    w, h = m.size(ttl, FONT_SIZES["title"], weight="bold")
    layout.texts.append(
        _Text(x0, y1 + 14, ttl, FONT_SIZES["title"], w, h, ha="left", va="bottom", weight="bold", gid="qi-title")
    )


def _render(layout: _Layout, ax: Axes, margin: float = 10.0) -> tuple[float, float, float, float]:
    """Draw a layout on ``ax``; return the bounds drawn (points)."""
    from matplotlib.patches import Polygon

    for pts, kw in layout.polys:
        ax.add_patch(Polygon(pts, closed=True, **kw))
    for xs, ys, kw in layout.lines:
        ax.plot(xs, ys, **kw)
    for xa, ya, xb, yb, colour in layout.arrows:
        length, half = 8.0, 3.6
        dx, dy = xb - xa, yb - ya
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        bx, by = xb - ux * length, yb - uy * length
        head = [(xb, yb), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
        ax.add_patch(Polygon(head, closed=True, facecolor=colour, edgecolor=colour, linewidth=0.5, zorder=3))
    for t in layout.texts:
        artist = ax.text(
            t.x, t.y, t.text, fontsize=t.size, ha=t.ha, va=t.va, fontweight=t.weight, fontstyle=t.style,
            color=t.colour, multialignment={"left": "left", "right": "right"}.get(t.ha, "center"), zorder=6,
            **_TEXT_KW,
        )  # fmt: skip
        artist.set_gid(t.gid)
    x0, y0, x1, y1 = layout.bounds()
    return x0 - margin, y0 - margin, x1 + margin, y1 + margin


def _place(layout: _Layout, ax: Axes | None, figsize: tuple[float, float] | None, what: str, title: str | None,
           m: _Measure) -> Axes:  # fmt: skip
    """Make (or use) the Axes, draw the layout with equal aspect, warn when the text cannot fit."""
    if ax is None:
        if figsize is None:
            x0, y0, x1, y1 = layout.bounds()
            fig = _new_figure((x1 - x0 + 20) / 72, (y1 - y0 + 20) / 72)
        else:
            fig = _new_figure(*figsize)
        ax = fig.add_axes((0, 0, 1, 1))
    bx0, by0, bx1, by1 = _render(layout, ax)
    ax.set_xlim(bx0, bx1)
    ax.set_ylim(by0, by1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    fig = ax.figure
    pos = ax.get_position()
    avail_w = pos.width * fig.get_size_inches()[0] * 72
    avail_h = pos.height * fig.get_size_inches()[1] * 72
    need_w, need_h = bx1 - bx0, by1 - by0
    scale = min(avail_w / need_w, avail_h / need_h)
    if scale < 0.98:
        warnings.warn(
            f"The {what} needs {need_w / 72:.1f} x {need_h / 72:.1f} inches for its text to be legible without "
            f"overlapping, but has {avail_w / 72:.1f} x {avail_h / 72:.1f}. Leave out ax= (the figure is then made "
            f"the right size), or make the figure larger, e.g. plt.subplots(figsize=({need_w / 72 + 0.5:.0f}, "
            f"{need_h / 72 + 0.5:.0f})).",
            DiagramTooSmallWarning,
            stacklevel=4,
        )
    return ax


def _best(makers: Sequence[Any], avail: tuple[float, float] | None, title: str | None, m: _Measure) -> _Layout:
    """The first layout that fits the space available (the preferred one comes first), else the least shrunk."""
    best: _Layout | None = None
    best_scale = -1.0
    for make in makers:
        layout = make()
        if title:
            _add_title(layout, title, m)
        if avail is None:
            return layout
        x0, y0, x1, y1 = layout.bounds()
        scale = min(avail[0] / (x1 - x0 + 20), avail[1] / (y1 - y0 + 20))
        if scale >= 1:
            return layout
        if scale > best_scale:
            best, best_scale = layout, scale
    return best if best is not None else makers[0]()


def _available(ax: Axes | None, figsize: tuple[float, float] | None) -> tuple[float, float] | None:
    if ax is not None:
        _check_ax(ax)
        pos = ax.get_position()
        w, h = ax.figure.get_size_inches()
        return pos.width * w * 72, pos.height * h * 72
    if figsize is not None:
        return figsize[0] * 72, figsize[1] * 72
    return None


# -- fishbone -----------------------------------------------------------------------------------------
_K = 0.42  # horizontal run of a bone per unit of height (the bones lean towards the head)
_GAP = 7.0  # text to bone
_SPINE_GAP = 14.0  # text to spine
_VGAP = 10.0  # between causes on one bone
_LABEL_GAP = 10.0  # top cause to the category label


@dataclass
class _Cause:
    text: str
    w: float
    h: float
    subs: list[tuple[str, float, float]]

    def height(self) -> float:
        return self.h + 3 + sum(h + 3 for _, _, h in self.subs) + (2 if self.subs else 0)


def _fishbone_layout(effect: str, causes: dict[str, list[Any]], width: float, m: _Measure) -> _Layout:
    fs = FISHBONE_SIZES
    sub_width = width - 16
    cats: list[tuple[str, list[_Cause]]] = []
    for name, items in causes.items():
        blocks = []
        for item in items:
            if isinstance(item, dict):
                ((cause, subs),) = item.items()
            else:
                cause, subs = item, []
            text = m.wrap(cause, width, fs["cause"])
            w, h = m.size(text, fs["cause"])
            sub_items = []
            for s in subs:
                st = m.wrap(s, sub_width, fs["subcause"])
                sw, sh = m.size(st, fs["subcause"])
                sub_items.append((st, sw, sh))
            blocks.append(_Cause(text, w, h, sub_items))
        cats.append((name, blocks))
    heights = [sum(b.height() for b in blocks) + _VGAP * max(len(blocks) - 1, 0) for _, blocks in cats]
    big = max(heights + [40.0])

    # place the blocks of each category (y only) and find the spacing of the bones (D)
    placed: list[tuple[str, int, list[tuple[_Cause, float]]]] = []  # name, side (+1 top, -1 bottom), (block, y_top)
    need = 110.0
    for j, ((name, blocks), h_cat) in enumerate(zip(cats, heights)):
        side = 1 if j % 2 == 0 else -1
        extra = (big - h_cat) / len(blocks) if blocks else 0.0
        y = (_SPINE_GAP + big if side > 0 else -_SPINE_GAP) - extra / 2
        spots = []
        for b in blocks:
            spots.append((b, y))
            y -= b.height() + _VGAP + extra
        placed.append((name, side, spots))
        for b, y_top in spots:
            for left, lo, hi in _cause_extents(b, y_top):
                near = min(abs(lo), abs(hi)) if lo * hi > 0 else 0.0
                need = max(need, -left - _K * near + _GAP)
    spacing = need + 4
    lay = _Layout()
    far = _SPINE_GAP + big + _LABEL_GAP
    n_cols = (len(placed) + 1) // 2
    for j, (name, side, spots) in enumerate(placed):
        bone_x = (j // 2) * spacing
        for b, y_top in spots:
            _draw_cause(lay, b, y_top, bone_x, m)
        # the bone and its category label
        tip_x, tip_y = bone_x - _K * far, side * far
        lay.line([bone_x, tip_x], [0, tip_y], color=_LINE, linewidth=2.0, solid_capstyle="round")
        label = m.wrap(name, max(spacing - 24, 70), fs["category"], weight="bold")
        w, h = m.size(label, fs["category"], weight="bold")
        cy = tip_y + side * (h / 2 + 5)
        pad = 5.0
        lay.polys.append(
            (
                _rect(tip_x - w / 2 - pad, cy - h / 2 - pad, tip_x + w / 2 + pad, cy + h / 2 + pad),
                {"facecolor": _CATEGORY_FILL, "edgecolor": _LINE, "linewidth": 1.0, "zorder": 2},
            )
        )
        lay.texts.append(_Text(tip_x, cy, label, fs["category"], w, h, weight="bold", gid="qi-fishbone-category"))
    # spine and head
    head_x = (n_cols - 1) * spacing + 18
    tail_x = -_K * far - 12
    text = m.wrap(effect, 150, fs["effect"], weight="bold")
    w, h = m.size(text, fs["effect"], weight="bold")
    pad_x, pad_y = 10.0, 9.0
    box_h = max(h + 2 * pad_y, 40)
    lay.arrow([tail_x, head_x], [0, 0], colour=_LINE, lw=2.4)
    lay.polys.append(
        (
            _rect(head_x, -box_h / 2, head_x + w + 2 * pad_x, box_h / 2),
            {"facecolor": COLOURS["improvement"], "edgecolor": COLOURS["improvement"], "linewidth": 1.0, "zorder": 2},
        )
    )
    lay.texts.append(
        _Text(head_x + pad_x + w / 2, 0, text, fs["effect"], w, h, weight="bold", colour="#FFFFFF",
              gid="qi-fishbone-effect")
    )  # fmt: skip
    return lay


def _cause_extents(b: _Cause, y_top: float) -> list[tuple[float, float, float]]:
    """(left edge relative to the bone's foot, y low, y high) of each piece of text of a cause."""
    out = []
    y_rib = y_top - b.h - 2
    right = -_K * max(abs(y_top), abs(y_rib)) - _GAP
    out.append((right - b.w - 2, y_rib, y_top))
    if b.subs:
        y = y_rib - 4
        tops = []
        for _, _, sh in b.subs:
            tops.append((y, sh))
            y -= sh + 3
        y_bottom = y + 3
        conn = -_K * max(abs(y_rib), abs(y_bottom)) - _GAP
        sub_right = conn - 8
        for (yt, sh), (_, sw, _) in zip(tops, b.subs):
            out.append((sub_right - sw, yt - sh, yt))
    return out


def _draw_cause(lay: _Layout, b: _Cause, y_top: float, bone_x: float, m: _Measure) -> None:
    fs = FISHBONE_SIZES
    y_rib = y_top - b.h - 2
    right = bone_x - _K * max(abs(y_top), abs(y_rib)) - _GAP
    lay.texts.append(_Text(right, y_top, b.text, fs["cause"], b.w, b.h, ha="right", va="top", gid="qi-fishbone-cause"))
    lay.line([right - b.w - 2, bone_x - _K * abs(y_rib)], [y_rib, y_rib], color=_RIB, linewidth=1.1)
    if not b.subs:
        return
    y = y_rib - 4
    tops = []
    for _, _, sh in b.subs:
        tops.append((y, sh))
        y -= sh + 3
    y_bottom = y + 3
    conn = bone_x - _K * max(abs(y_rib), abs(y_bottom)) - _GAP
    sub_right = conn - 8
    line_h = m.size("Ag", fs["subcause"])[1]
    last = y_rib
    for (yt, sh), (text, sw, _) in zip(tops, b.subs):
        lay.texts.append(
            _Text(sub_right, yt, text, fs["subcause"], sw, sh, ha="right", va="top", colour=COLOURS["muted"],
                  gid="qi-fishbone-subcause")
        )  # fmt: skip
        tick_y = yt - line_h / 2
        lay.line([sub_right + 2, conn], [tick_y, tick_y], color=_RIB, linewidth=0.9)
        last = tick_y
    lay.line([conn, conn], [y_rib, last], color=_RIB, linewidth=0.9)


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


@plain_text
def draw_fishbone(
    effect: str,
    causes: dict[str, list[Any]],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw checked causes (see :func:`qitools.cause_effect_diagram`)."""
    m = _Measure()
    avail = _available(ax, figsize)
    widths = (160.0, 145.0, 130.0, 115.0, 100.0, 90.0) if avail is not None else (160.0,)
    layout = _best([lambda w=w: _fishbone_layout(effect, causes, w, m) for w in widths], avail, title, m)
    return _place(layout, ax, figsize, "fishbone diagram", title, m)


# -- process map --------------------------------------------------------------------------------------
_WN = 112.0  # shape width
_GX = 44.0  # gap between columns
_PAD_X, _PAD_Y = 8.0, 7.0
_LANE = 12.0
_CH_PAD = 18.0
_ENTRY = 12.0  # arrows from above enter a shape this far left of its centre
_WRAP_OUT = 30.0  # the arrow at the end of a row goes this far right before turning down


@dataclass
class _Node:
    kind: str  # terminal, step, decision, delay
    text: str
    w: float
    h: float
    tw: float
    th: float
    text_dx: float = 0.0
    wait: str | None = None
    wait_w: float = 0.0
    wait_h: float = 0.0
    row: int = 0
    col: int = 0
    cx: float = 0.0
    cy: float = 0.0

    @property
    def top(self) -> float:
        return self.cy + self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy - self.h / 2

    @property
    def left(self) -> float:
        return self.cx - self.w / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2

    def top_at(self, x: float) -> float:
        """The y of the shape's top edge at x (the diamond's edge slopes)."""
        if self.kind == "decision":
            return self.cy + self.h / 2 * (1 - abs(x - self.cx) / (self.w / 2))
        return self.top


def _make_node(kind: str, text: str, m: _Measure, wait: str | None = None) -> _Node:
    size = _NODE_SIZE
    if kind == "terminal":
        t = m.wrap(text, _WN - 28, size, weight="bold")
        tw, th = m.size(t, size, weight="bold")
        h = max(th + 2 * _PAD_Y, 32)
        return _Node(kind, t, min(_WN, max(76, tw + h)), h, tw, th)
    if kind == "decision":
        longest = max(m.width(word, size) for word in text.split(" "))
        t = m.wrap(text, min(max(_WN * 0.56, longest + 1), _WN * 0.8), size)
        tw, th = m.size(t, size)
        # text (plus 3 pt) inside the diamond: (tw/2 + 3)/a + (th/2 + 3)/b <= 1; wider (up to 24 pt) rather than taller
        a = min(_WN / 2 + 12, max(_WN / 2, (tw / 2 + 3) / 0.62))
        b = (th / 2 + 3) / (1 - (tw / 2 + 3) / a)
        return _Node(kind, t, 2 * a, max(2 * b, 52), tw, th)
    if kind == "delay":
        avail = _WN - 2 * _PAD_X - 14
        for _ in range(4):
            t = m.wrap(text, avail, size)
            tw, th = m.size(t, size)
            h = max(th + 2 * _PAD_Y, 42)
            r = h / 2
            fit = (_WN - r - _PAD_X) + math.sqrt(max((r - 5) ** 2 - (th / 2) ** 2, 0))
            if tw <= fit:
                break
            avail = min(avail - 6, fit)
        node = _Node(kind, t, _WN, h, tw, th, text_dx=-_WN / 2 + _PAD_X + max(fit, tw) / 2)
        if wait:
            node.wait = m.wrap(wait, _WN + _GX - 24, _WAIT_SIZE, style="italic")
            node.wait_w, node.wait_h = m.size(node.wait, _WAIT_SIZE, style="italic")
        return node
    t = m.wrap(text, _WN - 2 * _PAD_X, size)
    tw, th = m.size(t, size)
    return _Node(kind, t, _WN, max(th + 2 * _PAD_Y, 40), tw, th)


def _shape(node: _Node) -> tuple[list[tuple[float, float]], dict[str, Any]]:
    x0, x1, y0, y1, cx, cy = node.left, node.right, node.bottom, node.top, node.cx, node.cy
    if node.kind == "decision":
        pts = [(cx, y1), (x1, cy), (cx, y0), (x0, cy)]
        return pts, {"facecolor": _DECISION_FILL, "edgecolor": COLOURS["improvement"], "linewidth": 1.4}
    if node.kind == "terminal":
        r = node.h / 2
        pts = [(x0 + r, y0), (x1 - r, y0)]
        pts += [(x1 - r + r * math.sin(a), cy - r * math.cos(a)) for a in np.linspace(0, math.pi, 25)[1:-1]]
        pts += [(x1 - r, y1), (x0 + r, y1)]
        pts += [(x0 + r - r * math.sin(a), cy + r * math.cos(a)) for a in np.linspace(0, math.pi, 25)[1:-1]]
        return pts, {"facecolor": _TERMINAL_FILL, "edgecolor": _LINE, "linewidth": 1.3}
    if node.kind == "delay":
        r = node.h / 2
        pts = [(x0, y0), (x1 - r, y0)]
        pts += [(x1 - r + r * math.sin(a), cy - r * math.cos(a)) for a in np.linspace(0, math.pi, 25)[1:-1]]
        pts += [(x1 - r, y1), (x0, y1)]
        return pts, {"facecolor": _DELAY_FILL, "edgecolor": COLOURS["concern"], "linewidth": 2.0}
    return _rect(x0, y0, x1, y1), {"facecolor": "#FFFFFF", "edgecolor": _STEP_EDGE, "linewidth": 1.3}


def _hourglass(x: float, y: float, s: float = 6.0) -> list[tuple[float, float]]:
    """An hourglass (two triangles meeting at a point), centred at (x, y), half-height s."""
    w = s * 0.75
    return [(x - w, y + s), (x + w, y + s), (x + 0.8, y), (x + w, y - s), (x - w, y - s), (x - 0.8, y)]


@dataclass
class _Edge:
    src: int
    dst: int
    label: str  # "Yes", "No" or "" (an ordinary step's or delay's arrow, to the next step or to its "next")
    route: str = ""  # seq, wrap, up, down
    port: str = ""  # top, bottom, right
    lanes: dict[str, Any] = field(default_factory=dict)


def _process_layout(steps: list[dict[str, Any]], edges: list[dict[str, int]], per_row: int | None, start: str,
                    end: str, m: _Measure, max_per_row: int) -> _Layout:  # fmt: skip
    nodes = [_make_node("terminal", start, m)]
    for s in steps:
        nodes.append(_make_node(s["kind"], s["step"], m, s.get("wait")))
    nodes.append(_make_node("terminal", end, m))
    total = len(nodes)
    if per_row is None:
        rows = math.ceil(total / max_per_row)
        per_row = math.ceil(total / rows)
    per_row = min(per_row, total)
    n_rows = math.ceil(total / per_row)
    for i, node in enumerate(nodes):
        node.row, node.col = divmod(i, per_row)
        node.cx = node.col * (_WN + _GX) + _WN / 2
    grid_left, grid_right = min(nd.left for nd in nodes), max(nd.right for nd in nodes)
    wrap_x = grid_right + _WRAP_OUT  # where the arrow at the end of a row turns down

    # edges: node i+1 is step i; node n+1 is the end
    all_edges = [_Edge(0, 1, "")]
    for i, out in enumerate(edges):
        for label, target in out.items():
            all_edges.append(_Edge(i + 1, target + 1, label.capitalize()))
    for e in all_edges:
        s, t = nodes[e.src], nodes[e.dst]
        if e.dst == e.src + 1:
            e.route, e.port = ("seq", "right") if t.row == s.row else ("wrap", "right")
        else:
            e.route = "up" if t.row <= s.row else "down"
            e.port = "top" if e.route == "up" else "bottom"
    # a decision whose two branches both leave through the same port: the "Yes" leaves to the right
    by_src: dict[int, list[_Edge]] = {}
    for e in all_edges:
        by_src.setdefault(e.src, []).append(e)
    for group in by_src.values():
        if len(group) == 2 and group[0].port == group[1].port and group[0].port in ("top", "bottom"):
            yes = group[0] if group[0].label == "Yes" else group[1]
            yes.port = "right"

    # horizontal segments per channel (channel r lies above row r; channel n_rows below the last row). Each is
    # given by its two ends: (x, "up" or "down": where the vertical at that end goes), x None for a gutter
    channel_segments: dict[int, list[tuple[list[tuple[Any, str]], _Edge, str]]] = {}
    left_gutter: list[_Edge] = []
    right_gutter: list[_Edge] = []

    # shapes whose branch leaves through the bottom: the shape under one, in the same column, must not
    # send a branch up through its top on the same vertical line (the two arrows would read as one
    # line joining the two shapes)
    bottom_exits = {(nodes[e.src].row, nodes[e.src].col) for e in all_edges if e.port == "bottom"}

    def exit_x(e: _Edge) -> float:
        s = nodes[e.src]
        if e.port == "right":
            return (s.right + nodes[e.src + 1].left) / 2 if s.col < per_row - 1 and e.src + 1 < total else wrap_x
        t = nodes[e.dst]
        if e.port == "top" and s.kind != "decision" and (t.row != s.row or t.cx < s.cx):
            # a step's loop back leaves left of where arrows come in (cx - _ENTRY), so that the two do not cross
            return s.cx - 3 * _ENTRY
        if e.port == "top" and (s.row - 1, s.col) in bottom_exits:
            return s.cx + 2 * _ENTRY  # right of the branch coming down from the shape above
        return s.cx

    for e in all_edges:
        s, t = nodes[e.src], nodes[e.dst]
        tx = t.cx - _ENTRY
        if e.route == "wrap":
            channel_segments.setdefault(s.row + 1, []).append(([(tx, "down"), (wrap_x, "up")], e, "a"))
        elif e.route == "up":
            ex = exit_x(e)
            if t.row == s.row:
                channel_segments.setdefault(s.row, []).append(([(ex, "down"), (tx, "down")], e, "a"))
            else:
                left_gutter.append(e)
                channel_segments.setdefault(s.row, []).append(([(None, "up"), (ex, "down")], e, "a"))
                channel_segments.setdefault(t.row, []).append(([(None, "down"), (tx, "down")], e, "b"))
        elif e.route == "down":
            ex = exit_x(e)
            if t.row == s.row + 1:
                channel_segments.setdefault(s.row + 1, []).append(([(ex, "up"), (tx, "down")], e, "a"))
            else:
                right_gutter.append(e)
                channel_segments.setdefault(s.row + 1, []).append(([(ex, "up"), (None, "down")], e, "a"))
                channel_segments.setdefault(t.row, []).append(([(tx, "down"), (None, "up")], e, "b"))
    gutter_l = {id(e): grid_left - 18 - k * _LANE for k, e in enumerate(left_gutter)}
    gutter_r = {id(e): wrap_x + (k + 1) * _LANE for k, e in enumerate(right_gutter)}

    # lanes (0 the top one of a channel): the row-end arrow comes first and has its lane to itself
    lanes: dict[tuple[int, str], tuple[int, int]] = {}  # (id(edge), part) -> (channel, lane)
    n_lanes: dict[int, int] = {}
    for ch, segs in channel_segments.items():
        resolved = []
        for pins, e, part in segs:
            gx = gutter_l.get(id(e)) if e.route == "up" else gutter_r.get(id(e))
            resolved.append(([(gx if x is None else x, d) for x, d in pins], e.route == "wrap"))
        lane_of = _assign_lanes(resolved)
        for (_, e, part), k in zip(segs, lane_of):
            lanes[(id(e), part)] = (ch, k)
        n_lanes[ch] = max(lane_of) + 1

    # vertical layout, top down
    row_h = [max(nd.h for nd in nodes if nd.row == r) for r in range(n_rows)]
    # waits are written under their delay; a row reserves room for them below its tallest shape
    band = [
        max(
            [(nd.wait_h if nd.wait else 14) + 8 - (row_h[r] - nd.h) / 2 for nd in nodes if nd.row == r and nd.kind == "delay"]
            + [0.0]
        )
        for r in range(n_rows)
    ]
    lane_y: dict[tuple[int, int], float] = {}
    y = 0.0
    row_mid = []
    for r in range(n_rows + 1):
        k = n_lanes.get(r, 0)
        if k:
            for lane in range(k):
                lane_y[(r, lane)] = y - _CH_PAD - lane * _LANE
            y -= 2 * _CH_PAD + (k - 1) * _LANE
        elif 0 < r < n_rows:
            y -= 2 * _CH_PAD
        if r < n_rows:
            row_mid.append(y - row_h[r] / 2)
            y -= row_h[r] + band[r]
    for nd in nodes:
        nd.cy = row_mid[nd.row]

    lay = _Layout()
    for i, nd in enumerate(nodes):
        pts, kw = _shape(nd)
        lay.polys.append((pts, {**kw, "zorder": 2}))
        gid = {"terminal": "qi-process-terminal", "decision": "qi-process-decision", "delay": "qi-process-delay"}
        lay.texts.append(
            _Text(nd.cx + nd.text_dx, nd.cy, nd.text, _NODE_SIZE, nd.tw, nd.th,
                  weight="bold" if nd.kind == "terminal" else "normal", gid=gid.get(nd.kind, "qi-process-step"))
        )  # fmt: skip
        if nd.kind == "delay":
            wy = nd.bottom - 4
            if nd.wait:
                icon_w = 12.0
                x_text = nd.cx - (nd.wait_w + icon_w) / 2 + icon_w
                line1 = m.size("Ag", _WAIT_SIZE, style="italic")[1]
                lay.polys.append(
                    (_hourglass(x_text - icon_w / 2 - 1, wy - line1 / 2, 5.5),
                     {"facecolor": COLOURS["concern"], "edgecolor": COLOURS["concern"], "linewidth": 0.8, "zorder": 3})
                )  # fmt: skip
                lay.texts.append(
                    _Text(x_text, wy, nd.wait, _WAIT_SIZE, nd.wait_w, nd.wait_h, ha="left", va="top", style="italic",
                          gid="qi-process-wait")
                )  # fmt: skip
            else:
                lay.polys.append(
                    (_hourglass(nd.cx, wy - 7, 5.5),
                     {"facecolor": COLOURS["concern"], "edgecolor": COLOURS["concern"], "linewidth": 0.8, "zorder": 3})
                )  # fmt: skip

    bw, bh = m.size("Yes", _BRANCH_SIZE, weight="bold")
    for e in all_edges:
        s, t = nodes[e.src], nodes[e.dst]
        tx = t.cx - _ENTRY
        if e.route == "seq":
            lay.arrow([s.right, t.left], [s.cy, t.cy])
            if e.label:
                _label(lay, e.label, (s.right + t.left) / 2, s.cy + 4.5, "center", "bottom", m)
            continue
        if e.route == "wrap":
            ch, lane = lanes[(id(e), "a")]
            ly = lane_y[(ch, lane)]
            lay.arrow([s.right, wrap_x, wrap_x, tx, tx], [s.cy, s.cy, ly, ly, t.top_at(tx)])
            if e.label:
                _label(lay, e.label, (s.right + wrap_x) / 2, s.cy + 3, "center", "bottom", m)
            continue
        # branches that leave through the top, the bottom, or (the second of two) the right
        if e.port == "right":
            x0, y0 = s.right, s.cy
            xs, ys = [x0, exit_x(e)], [y0, y0]
        elif e.port == "top":
            xs, ys = [exit_x(e)], [s.top_at(exit_x(e))]
        else:
            xs, ys = [s.cx], [s.bottom]
        ch, lane = lanes[(id(e), "a")]
        ly = lane_y[(ch, lane)]
        xs.append(xs[-1])
        ys.append(ly)
        if (e.route == "up" and t.row != s.row) or (e.route == "down" and t.row != s.row + 1):
            gx = gutter_l[id(e)] if e.route == "up" else gutter_r[id(e)]
            ch2, lane2 = lanes[(id(e), "b")]
            ly2 = lane_y[(ch2, lane2)]
            xs += [gx, gx]
            ys += [ly, ly2]
            ly = ly2
        xs += [tx, tx]
        ys += [ly, t.top_at(tx)]
        lay.arrow(xs, ys, colour=_BRANCH)  # in the decisions' blue, so a crossing is not read as a junction
        if not e.label:  # the jump of an ordinary step or delay (its "next"): an arrow without a label
            continue
        if e.port == "right":
            _label(lay, e.label, s.right + 3, s.cy + 3, "left", "bottom", m)
        elif e.port == "top":
            _label(lay, e.label, exit_x(e) + 4, s.top + 3, "left", "bottom", m)
        else:
            _label(lay, e.label, s.cx + 4, s.bottom - 3, "left", "top", m)
    return lay


def _assign_lanes(segs: list[tuple[list[tuple[float, str]], bool]], gap: float = 10.0) -> list[int]:
    """The lane of each horizontal segment of one channel (0 is the top lane).

    A segment is its two ends ``(x, "up" | "down")`` (where the vertical at that end goes) and
    whether it is the row-end arrow. A vertical that goes up from a segment crosses every
    segment above it whose run spans its x; so such a segment must lie below, and a segment
    whose vertical goes down must lie above. These orders are kept whenever they do not
    contradict one another (when they do, a crossing cannot be avoided in the channel, and the
    order falls back to left to right). Otherwise segments are packed left to right into the
    top-most free lane (at least ``gap`` apart along a lane), the row-end arrow first, on a
    lane of its own.
    """
    n = len(segs)
    span = [(min(x for x, _ in pins), max(x for x, _ in pins)) for pins, _ in segs]
    above: list[set[int]] = [set() for _ in range(n)]  # above[i]: the segments that must lie above segment i
    for a, (pins, _) in enumerate(segs):
        for b in range(n):
            lo, hi = span[b]
            for x, d in pins:
                if b != a and lo + 0.5 < x < hi - 0.5:
                    (above[b] if d == "up" else above[a]).add(a if d == "up" else b)
    for a in range(n):
        for b in [b for b in above[a] if a in above[b]]:  # a crossing either way round: no order
            above[a].discard(b)
            above[b].discard(a)
    key = sorted(range(n), key=lambda i: (not segs[i][1], span[i][0], span[i][1]))
    lane_of: dict[int, int] = {}
    taken: list[list[tuple[float, float]]] = []  # per lane, the runs on it
    wrap_lane = -1
    todo = list(key)
    while todo:
        ready = [i for i in todo if above[i] <= lane_of.keys()]
        i = ready[0] if ready else min(todo, key=lambda j: len(above[j] - lane_of.keys()))  # a cycle: least broken
        todo.remove(i)
        lo, hi = span[i]
        k = max((lane_of[j] + 1 for j in above[i] if j in lane_of), default=0)
        while k < len(taken) and (
            k == wrap_lane
            or (segs[i][1] and taken[k])
            or any(not (lo > b + gap or a > hi + gap) for a, b in taken[k])
        ):
            k += 1
        if k == len(taken):
            taken.append([])
        taken[k].append((lo, hi))
        lane_of[i] = k
        if segs[i][1]:
            wrap_lane = k
    return [lane_of[i] for i in range(n)]


def _label(lay: _Layout, text: str, x: float, y: float, ha: str, va: str, m: _Measure) -> None:
    w, h = m.size(text, _BRANCH_SIZE, weight="bold")
    lay.texts.append(_Text(x, y, text, _BRANCH_SIZE, w, h, ha=ha, va=va, weight="bold", gid="qi-process-branch"))


@plain_text
def draw_process_map(
    steps: list[dict[str, Any]],
    edges: list[dict[str, int]],
    *,
    ax: Axes | None = None,
    per_row: int | None = None,
    start: str = "Start",
    end: str = "End",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw checked steps (see :func:`qitools.process_map`)."""
    m = _Measure()
    avail = _available(ax, figsize)
    choices = (5, 4, 6, 3, 2) if avail is not None and per_row is None else (5,)
    layout = _best(
        [lambda k=k: _process_layout(steps, edges, per_row, start, end, m, k) for k in choices], avail, title, m
    )
    return _place(layout, ax, figsize, "process map", title, m)
