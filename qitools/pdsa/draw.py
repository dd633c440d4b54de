"""Pictures of a PDSA project: the measure's chart with the cycles marked, the ramps, the driver diagram.

matplotlib is imported inside the functions (``import qitools`` stays light). Each function
follows the axes-level contract: pass ``ax=`` to draw on it, or leave it out for a new figure;
the Axes is returned.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from ..spc.errors import QIValueError
from ._text import clean
from .charts import _NOT_DATES, cycle_annotations, cycles_outside, measure_chart
from .model import Project

__all__ = [
    "draw_chart",
    "plot_with_cycles",
    "draw_ramps",
    "draw_driver_diagram",
    "tidy_cycle_labels",
    "save_drawings",
    "ACT_COLOURS",
    "LABEL_GID",
    "KEY_GID",
]

#: gid of the cycle labels on a chart (set by the plotting layer)
LABEL_GID = "qi-annotation-label-pdsa"
#: gid of the texts of the key under a chart whose labels are cycle ids
KEY_GID = "qi-pdsa-key"
#: the gid of the driver diagram's links (patches from box edge to box edge)
LINK_GID = "qi-driver-link"

#: marker colour of a cycle by its Act decision (None: not decided yet)
ACT_COLOURS = {"adopt": "#1b7837", "adapt": "#e08214", "abandon": "#b2182b", None: "#7f7f7f"}
_BOX_COLOURS = {"aim": "#d9e7f5", "primary": "#e6f0d8", "secondary": "#fdf1d6", "idea": "#f2e1ee"}


def _new_ax(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


def draw_chart(
    project: Project,
    data: Any = None,
    *,
    measure: Any = None,
    ax: Any = None,
    title: str | None = None,
    chart_options: dict[str, Any] | None = None,
    labels: str = "id",
    **plot_options: Any,
) -> Any:
    """Draw a measure's run or control chart with the PDSA cycles marked on it.

    Parameters
    ----------
    project : Project
        The project.
    data : pandas.DataFrame or str, optional
        The measure's data (else the measure's ``dataset``; see :func:`qitools.pdsa.measure_data`).
    measure : str or Measure, optional
        The measure (default: the aim's measure, else the first outcome measure). The cycles
        meant to move it, and those that name no measure, are marked.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        The title (default: the measure's name).
    chart_options : dict, optional
        Passed to :func:`qitools.control_chart` (``part=``, ``freeze=``...), overriding the
        measure's definition.
    labels : {"id", "title", "full"}, default "id"
        How each cycle is labelled on the chart (see :func:`qitools.pdsa.cycle_annotations`).
        Labels never overlap: when titles do not fit above the chart, the chart shows the ids and
        a key under it gives each id's title; ids that do not fit in three rows get more rows.
    **plot_options
        Passed to ``ControlChart.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.qi_pdsa_left_out`` lists (in plain English) the cycles outside the chart's time
        range, which are not marked.

    Raises
    ------
    QIValueError
        When the measure has no data or its ``x`` is not dates.

    Warns
    -----
    PDSAWarning
        For each cycle outside the chart's time range ("Cycle C4 (...) started on 3 March 2025,
        after the data ends (1 December 2024), so it is not marked on the chart. ...").

    Notes
    -----
    The cycles go to the plotting layer as ``cc.plot(annotations=cycle_annotations(...))``: one
    mark per cycle at its start date, spanning to its end date.
    """
    import warnings

    from .model import Measure
    from .validate import PDSAWarning

    m = measure if isinstance(measure, Measure) else project.measure(measure)
    cc = measure_chart(project, m, data, **(chart_options or {}))
    annotations = cycle_annotations(project, measure=m.id, labels=labels)
    if len(annotations) and not pd.api.types.is_datetime64_any_dtype(cc.data["x"]):
        raise QIValueError(_NOT_DATES)
    annotations, left_out = cycles_outside(annotations, cc.data["x"])
    for note in left_out:
        warnings.warn(note, PDSAWarning, stacklevel=2)
    options = {"annotations": annotations, "title": title if title is not None else m.name, **plot_options}
    if hasattr(cc, "plot"):
        ax = cc.plot(ax=ax, **options)
    else:
        try:  # the plotting layer without the ControlChart.plot method
            from ..plot import plot as _plot
        except ImportError as exc:
            raise QIValueError(
                "This version of qitools cannot draw charts (no qitools.plot). The cycles as a table are in "
                "qi.pdsa.cycle_annotations(project)."
            ) from exc
        ax = _plot(cc, ax, **options)
    tidy_cycle_labels(ax, annotations, labels=labels)
    ax.qi_pdsa_left_out = left_out
    return ax


def plot_with_cycles(cc: Any, marks: pd.DataFrame, *, labels: str = "id", ax: Any = None, **style: Any) -> Any:
    """Draw any chart with PDSA cycles marked on it, their labels readable.

    ``cc.plot(annotations=...)`` with the cycles on the chart's dates, then
    :func:`tidy_cycle_labels` on each Axes: for charting a team's own data with a project's cycles
    (``qitools chart --pdsa``, the workshop app, :func:`qitools.chart_report`).

    Parameters
    ----------
    cc : ControlChart
        The chart; its ``x`` must be dates when there are cycles to mark.
    marks : pandas.DataFrame
        The cycles (:func:`qitools.pdsa.chart_marks`, or :func:`qitools.pdsa.cycle_annotations`).
    labels : {"id", "title", "full"}, default "id"
        What the marks' labels are (as given to ``chart_marks``).
    ax : matplotlib.axes.Axes, optional
        Where to draw (a chart that is not faceted).
    **style
        Options of ``cc.plot`` (``title=`` ...).

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
        What ``cc.plot`` returns (a Figure for a faceted chart). ``.qi_pdsa_left_out`` lists, in
        plain English, the cycles outside the chart's dates, which are not marked.

    Raises
    ------
    QIValueError
        When there are cycles and the chart's ``x`` is not dates.

    Warns
    -----
    PDSAWarning
        For each cycle outside the chart's dates.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> cc = qi.control_chart(qi.pdsa.example_data(), x="month", y="falls", n="bed_days", chart="u")
    >>> ax = qi.pdsa.plot_with_cycles(cc, qi.pdsa.chart_marks(p, "M1"))
    >>> [t.get_text().strip() for t in ax.texts if t.get_gid() == qi.pdsa.draw.LABEL_GID][:3]
    ['C1', 'C2', 'C3']
    """
    import warnings

    from .validate import PDSAWarning

    if len(marks) and not pd.api.types.is_datetime64_any_dtype(cc.data["x"]):
        raise QIValueError(_NOT_DATES)
    on, left_out = cycles_outside(marks, cc.data["x"], advice="data") if len(marks) else (marks, [])
    for note in left_out:
        warnings.warn(note, PDSAWarning, stacklevel=2)
    if ax is not None:
        style["ax"] = ax
    drawn = cc.plot(annotations=on if len(on) else None, **style)
    for one in drawn.axes if hasattr(drawn, "savefig") else [drawn]:
        tidy_cycle_labels(one, on, labels=labels)
    drawn.qi_pdsa_left_out = left_out
    return drawn


def _renderer(ax: Any) -> Any:
    fig = ax.figure
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):  # a Figure without a pyplot canvas
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _overlap(a: Any, b: Any, pad: float = 1.0) -> bool:
    return a.x0 < b.x1 - pad and b.x0 < a.x1 - pad and a.y0 < b.y1 - pad and b.y0 < a.y1 - pad


def _any_overlap(boxes: list[Any]) -> bool:
    return any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def tidy_cycle_labels(ax: Any, marks: pd.DataFrame, *, labels: str = "title", max_title_rows: int = 3) -> bool:
    """Make the cycle labels on a chart readable: no two overlap.

    Measures the labels the plotting layer drew (text with gid :data:`LABEL_GID`) as they will be
    rendered. When titles overlap (or ``labels`` is not ``"id"`` and they need more than
    ``max_title_rows`` rows), each label becomes its cycle's id and a key under the chart gives
    the titles (texts with gid :data:`KEY_GID`); ids that still overlap are put in more rows,
    with room made above the data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A chart drawn with ``annotations=marks``.
    marks : pandas.DataFrame
        The marks (:func:`qitools.pdsa.cycle_annotations` or :func:`qitools.pdsa.chart_marks`).
    labels : {"id", "title", "full"}
        What the marks' labels are.
    max_title_rows : int, default 3
        More rows of titles than this take too much of the chart: ids and a key are used.

    Returns
    -------
    bool
        True when the labels were changed to ids with a key.
    """
    texts = [t for t in ax.texts if t.get_gid() == LABEL_GID]
    if not texts or not len(marks):
        return False
    renderer = _renderer(ax)
    by_label = {str(r.label): r for r in marks.itertuples(index=False)}
    keyed = False
    rows = len({round(t.get_position()[1], 6) for t in texts})
    boxes = [t.get_window_extent(renderer) for t in texts]
    if labels != "id" and (_any_overlap(boxes) or rows > max_title_rows):
        entries = []
        for t in texts:
            rec = by_label.get(t.get_text().strip())
            if rec is None:
                continue
            ident = str(rec.cycle)
            t.set_ha("left")  # short ids start at their cycle's line, unless that runs off the chart
            t.set_text(f" {ident}")
            if t.get_window_extent(renderer).x1 > ax.get_window_extent(renderer).x1:
                t.set_ha("right")
                t.set_text(f"{ident} ")
        seen = set()
        for rec in marks.sort_values("x").itertuples(index=False):
            if rec.cycle in seen:
                continue
            seen.add(rec.cycle)
            scale = ""
            if labels == "full" and "(" in str(rec.label):
                scale = " (" + str(rec.label).rsplit("(", 1)[1]
            entries.append(f"{rec.cycle}  {rec.title}{scale}" if rec.title else str(rec.cycle))
        _draw_key(ax, entries, renderer)
        keyed = True
    boxes = [t.get_window_extent(renderer) for t in texts]
    if keyed or _any_overlap(boxes):
        _restack(ax, texts, renderer)
    return keyed


def _restack(ax: Any, texts: list[Any], renderer: Any) -> None:
    """Put the labels in as many rows as they need (first fit, measured widths), below the top row."""
    bbox = ax.get_window_extent(renderer)
    height_px = max(t.get_window_extent(renderer).height for t in texts)
    row_h = 1.5 * height_px / max(bbox.height, 1.0)
    ys = sorted({t.get_position()[1] for t in texts}, reverse=True)
    top = ys[0]
    old_bottom = ys[-1] - row_h / 2
    order = sorted(texts, key=lambda t: t.get_window_extent(renderer).x0)
    ends: list[float] = []
    for t in order:
        box = t.get_window_extent(renderer)
        for r, end in enumerate(ends):
            if box.x0 >= end + 3:
                ends[r] = box.x1
                row = r
                break
        else:
            ends.append(box.x1)
            row = len(ends) - 1
        t.set_y(top - row * row_h)
    new_bottom = top - (len(ends) - 1) * row_h - row_h / 2
    if new_bottom < old_bottom and new_bottom > 0.2:
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, lo + (hi - lo) * old_bottom / new_bottom)


def _draw_key(ax: Any, entries: list[str], renderer: Any) -> None:
    """A key under the chart: one entry per cycle ("C3  Falls sensor mats"), in columns."""
    from ..plot.style import FONT_SIZES

    size = FONT_SIZES.get("annotation", 8)
    entries = [textwrap.shorten(e, 60, placeholder="…") for e in entries]
    bbox = ax.get_window_extent(renderer)
    tight = ax.get_tightbbox(renderer)
    top_px = (tight.y0 if tight is not None else bbox.y0) - 6
    inv = ax.transAxes.inverted()
    head = ax.text(
        *inv.transform((bbox.x0, top_px)), "Cycles:", transform=ax.transAxes, ha="left", va="top",
        fontsize=size, fontweight="bold", color="#444444",
    )  # fmt: skip
    head.set_gid(KEY_GID)
    label_w = head.get_window_extent(renderer).width + 8
    texts = []
    for text in entries:
        t = ax.text(0, 0, text, transform=ax.transAxes, ha="left", va="top", fontsize=size, color="#333333")
        t.set_gid(KEY_GID)
        texts.append(t)
    widths = [t.get_window_extent(renderer).width for t in texts]
    height = max(t.get_window_extent(renderer).height for t in texts)
    gap = 14.0
    right = max(bbox.x1, tight.x1 if tight is not None else bbox.x1)  # the chart's own footprint, value labels too
    room = max(right - bbox.x0 - label_w, 1.0)
    for n_cols in range(len(entries), 0, -1):  # as many columns as fit (down the columns, in time order)
        n_rows = -(-len(entries) // n_cols)
        cols = [widths[c * n_rows : (c + 1) * n_rows] for c in range(n_cols)]
        col_w = [max(c) + gap for c in cols if c]
        if sum(col_w) - gap <= room or n_cols == 1:
            break
    starts = [sum(col_w[:c]) for c in range(len(col_w))]
    for i, t in enumerate(texts):
        col, row = i // n_rows, i % n_rows
        t.set_position(inv.transform((bbox.x0 + label_w + starts[col], top_px - row * height * 1.35)))


def draw_ramps(project: Project, ax: Any = None) -> Any:
    """Draw the ramps: each change idea's cycles over time, climbing as they grow in scale.

    One lane per ramp; each cycle is a marker at its start date (a bar to its end date), higher
    in the lane at each step, sized by ``scale_n`` and coloured by its Act decision (adopt green,
    adapt orange, abandon red, not decided grey), labelled with its id and scale.

    Parameters
    ----------
    project : Project
        The project.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        With one ``PathCollection`` (scatter) per ramp that has dated cycles, lanes labelled with
        the ramps' titles on the y axis, and one text per cycle (gid ``"qi-ramp-label"``), placed
        above or below its marker, further out where a neighbour's label is, so that no two
        overlap however long the ramps run.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> ax = qi.pdsa.draw_ramps(qi.pdsa.example_project())
    >>> [t.get_text() for t in ax.get_yticklabels()][::-1]     # top down
    ['Bay tagging', 'Falls sensor mats', 'Intentional rounding']
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    ramps = list(project.ramps)
    ax = _new_ax(ax, (10, max(2.5, 1.0 + 1.1 * len(ramps))))
    n_lanes = len(ramps)
    for lane, ramp in enumerate(ramps):
        base = n_lanes - 1 - lane  # first ramp on top
        cycles = [c for c in project.ramp_cycles(ramp.id) if c.start_date or c.end_date]
        if not cycles:
            continue
        k = len(cycles)
        xs, ys, sizes, colours = [], [], [], []
        for i, c in enumerate(cycles):
            start = pd.Timestamp(str(c.start_date or c.end_date))
            end = pd.Timestamp(c.end_date) if c.end_date else start
            y = base - 0.3 + (0.6 * i / (k - 1) if k > 1 else 0.3)
            xs.append(start)
            ys.append(y)
            sizes.append(40 + 70 * math.log10(c.scale_n) if c.scale_n else 40)
            colours.append(ACT_COLOURS.get(c.act, ACT_COLOURS[None]))
            if end > start:
                ax.plot([start, end], [y, y], color=colours[-1], linewidth=3, alpha=0.5, solid_capstyle="round")
            text = clean(c.id) + (f"\n{textwrap.fill(clean(c.scale), 20)}" if c.scale else "")
            t = ax.annotate(
                text, (start, y), xytext=(0, 9), textcoords="offset points", ha="center", va="bottom", fontsize=7.5
            )
            t.set_gid("qi-ramp-label")
        ax.plot(xs, ys, color="#555555", linewidth=1, zorder=1)
        ax.scatter(xs, ys, s=sizes, c=colours, edgecolors="black", linewidths=0.6, zorder=3)
    ax.set_yticks(range(n_lanes), [textwrap.fill(project.ramp_title(r), 22) for r in reversed(ramps)])
    ax.set_ylim(-0.7, max(n_lanes, 1) + 0.15)
    for lane in range(n_lanes - 1):
        ax.axhline(lane + 0.5, color="#dddddd", linewidth=0.8)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=colour,
            markeredgecolor="black",
            label=name or "not decided",
        )
        for name, colour in ACT_COLOURS.items()
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="Act", frameon=False)
    ax.set_title("Ramps of PDSA cycles (marker size: scale)")
    ax.margins(x=0.1)
    _spread_labels(ax, [t for t in ax.texts if t.get_gid() == "qi-ramp-label"])
    return ax


def _spread_labels(ax: Any, texts: list[Any]) -> None:
    """Move point labels above or below their points, further out as needed, until none overlap."""
    if not texts:
        return
    from matplotlib.transforms import Bbox

    renderer = _renderer(ax)
    markers: list[Any] = []  # the points themselves: a label should not hide one
    for coll in ax.collections:
        sizes = coll.get_sizes()
        for i, (px, py) in enumerate(coll.get_transform().transform(coll.get_offsets())):
            r = (float(sizes[i % len(sizes)]) ** 0.5 if len(sizes) else 6.0) * renderer.points_to_pixels(1.0) / 2
            markers.append(Bbox([[px - r, py - r], [px + r, py + r]]))
    placed: list[Any] = []
    order = sorted(texts, key=lambda t: t.get_window_extent(renderer).x0)
    for t in order:
        height = t.get_window_extent(renderer).height
        for k in range(12):
            level, below = divmod(k, 2)
            if below:
                t.set_va("top")
                t.xyann = (0, -9 - level * (height + 3))
            else:
                t.set_va("bottom")
                t.xyann = (0, 9 + level * (height + 3))
            box = t.get_window_extent(renderer)
            if not any(_overlap(box, other) for other in placed) and not any(_overlap(box, m) for m in markers):
                break
        else:  # crowded beyond 12 places: the smallest font that fits, as a last resort
            t.set_fontsize(6)
            box = t.get_window_extent(renderer)
        placed.append(box)


def _layout(project: Project) -> tuple[dict[str, tuple[int, float]], list[tuple[str, str, bool]], int]:
    """Node key -> (column, row), edges (parent key, child key, extra link) and the number of rows."""
    pos: dict[str, tuple[int, float]] = {}
    edges: list[tuple[str, str, bool]] = []
    rows = [0]
    ideas_at: dict[Any, list[Any]] = {}
    for ci in project.change_ideas:
        ideas_at.setdefault(ci.drivers[0] if ci.drivers else None, []).append(ci)

    def leaf(key: str, column: int) -> float:
        y = float(rows[0])
        rows[0] += 1
        pos[key] = (column, y)
        return y

    def place_ideas(parent_key: str, driver_id: Any) -> list[float]:
        ys = []
        for ci in ideas_at.get(driver_id, []):
            ys.append(leaf(f"idea:{ci.id}", 3))
            edges.append((parent_key, f"idea:{ci.id}", False))
        return ys

    primaries = [d for d in project.drivers if d.level == "primary"]
    for p in primaries:
        ys: list[float] = []
        pkey = f"driver:{p.id}"
        for s in [d for d in project.drivers if d.level == "secondary" and d.parent == p.id]:
            skey = f"driver:{s.id}"
            sy = place_ideas(skey, s.id)
            if sy:
                pos[skey] = (2, sum(sy) / len(sy))
            else:
                leaf(skey, 2)
            edges.append((pkey, skey, False))
            ys.append(pos[skey][1])
        ys += place_ideas(pkey, p.id)
        if ys:
            pos[pkey] = (1, sum(ys) / len(ys))
        else:
            leaf(pkey, 1)
        edges.append(("aim", pkey, False))
    known = {d.id for d in project.drivers}
    orphans = [ci for ci in project.change_ideas if not ci.drivers or ci.drivers[0] not in known]
    for ci in orphans:
        if f"idea:{ci.id}" not in pos:
            leaf(f"idea:{ci.id}", 3)
            edges.append(("aim", f"idea:{ci.id}", False))
    for s in [d for d in project.drivers if d.level == "secondary" and f"driver:{d.id}" not in pos]:
        leaf(f"driver:{s.id}", 2)  # a secondary driver whose parent is missing
        edges.append(("aim", f"driver:{s.id}", False))
    for ci in project.change_ideas:
        for extra in ci.drivers[1:]:
            if f"driver:{extra}" in pos:
                edges.append((f"driver:{extra}", f"idea:{ci.id}", True))
    all_y = [y for _, y in pos.values()]
    pos["aim"] = (0, sum(all_y) / len(all_y) if all_y else 0.0)
    return pos, edges, max(1, rows[0])


def driver_diagram_rows(project: Project) -> int:
    """How many rows the driver diagram needs (for sizing a figure)."""
    return _layout(project)[2]


def draw_driver_diagram(project: Project, ax: Any = None, *, wrap: int = 26) -> Any:
    """Draw the driver diagram as a tree: aim -> primary drivers -> secondary drivers -> change ideas.

    Parameters
    ----------
    project : Project
        The project.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure sized to the diagram).
    wrap : int, default 26
        Characters per line in the boxes.

    Returns
    -------
    matplotlib.axes.Axes
        One boxed text per node (the aim, each driver, each change idea), four column headings,
        and one link per parent and child (a patch with gid :data:`LINK_GID`, drawn from the edge of
        one box to the edge of the other; dashed where a change idea acts on a second driver).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> ax = qi.pdsa.draw_driver_diagram(p)
    >>> len(ax.texts) == 4 + 1 + len(p.drivers) + len(p.change_ideas)
    True
    """
    from matplotlib.patches import FancyArrowPatch

    pos, edges, n_rows = _layout(project)
    ax = _new_ax(ax, (11, max(3.0, 0.75 * n_rows)))
    drivers = {d.id: d for d in project.drivers}
    ideas = {ci.id: ci for ci in project.change_ideas}

    def y_of(key: str) -> float:
        return n_rows - 1 - pos[key][1]

    boxes = {}
    for key, (col, _) in pos.items():
        if key == "aim":
            text, colour = project.aim.text() or project.title or "Aim", _BOX_COLOURS["aim"]
        elif key.startswith("driver:"):
            d = drivers[key.split(":", 1)[1]]
            text, colour = d.text, _BOX_COLOURS["primary" if d.level == "primary" else "secondary"]
        else:
            text, colour = ideas[key.split(":", 1)[1]].text, _BOX_COLOURS["idea"]
        boxes[key] = ax.text(
            col,
            y_of(key),
            textwrap.fill(clean(text), wrap),
            ha="center",
            va="center",
            fontsize=8,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": "#666666"},
        )
    for parent, child, extra in edges:  # from box edge to box edge, whatever the width of the text
        (pc, _), (cc, _) = pos[parent], pos[child]
        ax.add_patch(
            FancyArrowPatch(
                (pc, y_of(parent)),
                (cc, y_of(child)),
                arrowstyle="-",
                patchA=boxes[parent].get_bbox_patch(),
                patchB=boxes[child].get_bbox_patch(),
                shrinkA=0,
                shrinkB=0,
                color="#777777",
                linewidth=0.9,
                linestyle="--" if extra else "-",
                zorder=1,
                gid=LINK_GID,
            )
        )
    for col, name in enumerate(("Aim", "Primary drivers", "Secondary drivers", "Change ideas")):
        ax.text(col, n_rows - 0.3, name, ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.set_xlim(-0.55, 3.55)
    ax.set_ylim(-0.7, n_rows + 0.2)
    ax.set_axis_off()
    return ax


def save_drawings(
    project: Project,
    out: Any,
    *,
    what: str = "chart",
    measure: Any = None,
    data: Any = None,
    labels: str = "title",
) -> list[Any]:
    """Save the chart with the cycles, the ramps or the driver diagram as PNG or SVG files.

    Parameters
    ----------
    project : Project
        The project.
    out : str or pathlib.Path
        The file (``.png`` or ``.svg``). With ``what="all"`` its name is the start of the file
        names: ``falls.png`` gives ``falls-chart-M1.png``, ``falls-ramps.png``,
        ``falls-drivers.png``.
    what : {"chart", "ramps", "drivers", "all"}, default "chart"
        What to draw; ``"all"`` draws a chart of every measure that names its data column and has
        data (a measure without data yet is named in a warning, not drawn).
    measure : str, optional
        The measure to chart (default: the aim's measure, else the first outcome measure).
    data : pandas.DataFrame or str, optional
        The measure's data (default: the data kept with the project, or its ``dataset`` file).
    labels : {"title", "id", "full"}, default "title"
        How the cycles are labelled on the chart.

    Returns
    -------
    list of pathlib.Path
        The files written (each written whole or not at all; every picture is drawn before the
        first file is written, so a picture that cannot be drawn leaves no files).

    Raises
    ------
    QIValueError
        For an unknown ``what`` or file type, a measure without data, or a file that cannot be
        written ("Could not write ...").
    """
    from pathlib import Path

    import matplotlib
    from matplotlib.figure import Figure

    from .._files import atomic_path

    if what not in ("chart", "ramps", "drivers", "all"):
        raise QIValueError(f"`what` must be 'chart', 'ramps', 'drivers' or 'all'; got {what!r}.")
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise QIValueError(f"Pictures are saved as .png or .svg; got {out.name!r}.")
    jobs: list[tuple[Path, str, Any]] = []
    if what in ("chart", "all"):
        if what == "chart":
            jobs.append((out, "chart", project.measure(measure)))
        else:
            chosen = [project.measure(measure)] if measure is not None else [m for m in project.measures if m.y]
            if measure is None and data is None:  # a measure whose data is not kept yet has no chart to draw
                import warnings

                from ._voice import say
                from .validate import PDSAWarning

                waiting = [m for m in chosen if not m.dataset]
                chosen = [m for m in chosen if m.dataset]
                if waiting:
                    names = ", ".join(f"{m.id} ({clean(m.name)})" for m in waiting)
                    warnings.warn(
                        f"No chart of {names}: no data is kept for it yet. "
                        + say(
                            "Set the measure's dataset to a CSV file to chart it.",
                            f"Add it with `qitools pdsa update-measure {{file}} {waiting[0].id} --dataset FILE`.",
                        ),
                        PDSAWarning,
                        stacklevel=2,
                    )
            jobs += [(out.with_name(f"{out.stem}-chart-{m.id}{out.suffix}"), "chart", m) for m in chosen]
    if what in ("ramps", "all") and (what == "ramps" or project.cycles):
        jobs.append((out if what == "ramps" else out.with_name(f"{out.stem}-ramps{out.suffix}"), "ramps", None))
    if what in ("drivers", "all") and (what == "drivers" or project.drivers or project.change_ideas):
        jobs.append((out if what == "drivers" else out.with_name(f"{out.stem}-drivers{out.suffix}"), "drivers", None))
    figures = []  # every picture is drawn before any file is written: a failure writes nothing
    for path, kind, m in jobs:
        if kind == "chart":
            fig = Figure(figsize=(10, 4.5))
            draw_chart(project, data, measure=m, ax=fig.subplots(), labels=labels)
        elif kind == "ramps":
            fig = Figure(figsize=(10, max(2.5, 1.0 + 1.1 * len(project.ramps))))
            draw_ramps(project, ax=fig.subplots())
        else:
            fig = Figure(figsize=(11, max(3.0, 0.75 * driver_diagram_rows(project))))
            draw_driver_diagram(project, ax=fig.subplots())
        figures.append((path, fig))
    written = []
    for path, fig in figures:
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "qitools"}), atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight", metadata=meta)
        written.append(path)
    return written
