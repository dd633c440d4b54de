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
from .charts import _NOT_DATES, cycle_annotations, measure_chart
from .model import Project

__all__ = ["draw_chart", "draw_ramps", "draw_driver_diagram", "ACT_COLOURS"]

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
        How each cycle is labelled on the chart (see :func:`qitools.pdsa.cycle_annotations`);
        ids keep the labels apart when cycles are close together.
    **plot_options
        Passed to ``ControlChart.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    QIValueError
        When the measure has no data or its ``x`` is not dates.

    Notes
    -----
    The cycles go to the plotting layer as ``cc.plot(annotations=cycle_annotations(...))``: one
    mark per cycle at its start date, spanning to its end date.
    """
    from .model import Measure

    m = measure if isinstance(measure, Measure) else project.measure(measure)
    cc = measure_chart(project, m, data, **(chart_options or {}))
    annotations = cycle_annotations(project, measure=m.id, labels=labels)
    if len(annotations) and not pd.api.types.is_datetime64_any_dtype(cc.data["x"]):
        raise QIValueError(_NOT_DATES)
    options = {"annotations": annotations, "title": title if title is not None else m.name, **plot_options}
    if hasattr(cc, "plot"):
        return cc.plot(ax=ax, **options)
    try:  # the plotting layer without the ControlChart.plot method
        from ..plot import plot as _plot
    except ImportError as exc:
        raise QIValueError(
            "This version of qitools cannot draw charts (no qitools.plot). The cycles as a table are in "
            "qi.pdsa.cycle_annotations(project)."
        ) from exc
    return _plot(cc, ax, **options)


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
        the ramps' titles on the y axis, and one text per cycle.

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
            text = str(c.id) + (f"\n{textwrap.fill(c.scale, 24)}" if c.scale else "")
            ax.annotate(
                text, (start, y), xytext=(0, 9), textcoords="offset points", ha="center", va="bottom", fontsize=7.5
            )
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
    return ax


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
        and one line per link (dashed where a change idea acts on a second driver).

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
    pos, edges, n_rows = _layout(project)
    ax = _new_ax(ax, (11, max(3.0, 0.75 * n_rows)))
    drivers = {d.id: d for d in project.drivers}
    ideas = {ci.id: ci for ci in project.change_ideas}
    half = 0.42

    def y_of(key: str) -> float:
        return n_rows - 1 - pos[key][1]

    for parent, child, extra in edges:
        (pc, _), (cc, _) = pos[parent], pos[child]
        ax.plot(
            [pc + half, cc - half],
            [y_of(parent), y_of(child)],
            color="#777777",
            linewidth=0.9,
            linestyle="--" if extra else "-",
            zorder=1,
        )
    for key, (col, _) in pos.items():
        if key == "aim":
            text, colour = project.aim.text() or project.title or "Aim", _BOX_COLOURS["aim"]
        elif key.startswith("driver:"):
            d = drivers[key.split(":", 1)[1]]
            text, colour = d.text, _BOX_COLOURS["primary" if d.level == "primary" else "secondary"]
        else:
            text, colour = ideas[key.split(":", 1)[1]].text, _BOX_COLOURS["idea"]
        ax.text(
            col,
            y_of(key),
            textwrap.fill(str(text), wrap),
            ha="center",
            va="center",
            fontsize=8,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": "#666666"},
        )
    for col, name in enumerate(("Aim", "Primary drivers", "Secondary drivers", "Change ideas")):
        ax.text(col, n_rows - 0.3, name, ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.set_xlim(-0.55, 3.55)
    ax.set_ylim(-0.7, n_rows + 0.2)
    ax.set_axis_off()
    return ax
