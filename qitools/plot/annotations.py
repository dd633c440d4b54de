"""Events drawn on a chart: PDSA cycles and other annotations (vertical markers or shaded spans).

The PDSA layer (and anyone else) passes ``annotations=`` to :meth:`ControlChart.plot`: a
DataFrame or a list of mappings with these keys (columns):

==========  =========  ===================================================================
key         required   meaning
==========  =========  ===================================================================
``x``       yes        where the event happened (a date, a number or a label on the x axis)
``x_end``   no         where it ended: then the span from ``x`` to ``x_end`` is shaded
``label``   no         text written at the top of the chart (e.g. ``"PDSA 1: new checklist"``)
``kind``    no         ``"pdsa"`` (green, the default), ``"note"`` (grey) or any other word
``facet``   no         on a faceted chart, the facet it belongs to (all facets when missing)
==========  =========  ===================================================================

Labels are placed in up to three rows at the top of the chart so that neighbouring labels do not
overwrite each other. An ``x`` outside the chart's range is left out with a warning, not an error.

**Notes** (``notes=`` of the chart: a short text at one point) are written near their point on a
thin leader line, in free space: :class:`NoteLabel` chooses its place when the chart is drawn, from
the renderer's bounding boxes (so after the figure's final layout, at any size or resolution). It
tries places close to the point first, on the side away from the centre line, then further out and
to either side, and takes the first one whose box stays inside the plot area and covers no data
point (no marker of any line or scatter on the axes) and no other text. If the plot area has no such
place it goes outside the plot area (above it, below the axis labels, or beside it); only if none of
those is free either does it take the place that covers the fewest points.

**Signal labels** (the rules that fired, written by :func:`qitools.plot.chart.draw_signal_labels`)
are placed the same way, starting from their own place beside the first point of the signal: they
stay there when it is free (with no leader line), and otherwise move to the nearest free place, on a
leader line.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..spc.errors import QITypeError, QIToolsWarning, QIValueError
from .style import COLOURS, FONT_SIZES, LINESTYLES, LINEWIDTHS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ._axis import XAxis

__all__ = ["ANNOTATION_KEYS", "AnnotationOutsideWarning", "Annotation", "NoteLabel", "add_note", "normalise_annotations"]

#: the keys an annotation may have
ANNOTATION_KEYS = ("x", "x_end", "label", "kind", "facet")

#: kind -> colour
KIND_COLOURS = {"pdsa": COLOURS["annotation"], "note": COLOURS["note"]}


class AnnotationOutsideWarning(QIToolsWarning):
    """An annotation's ``x`` lies outside the chart's x range, so it was left out."""


@dataclass(frozen=True)
class Annotation:
    """One validated annotation."""

    x: Any
    x_end: Any = None
    label: str = ""
    kind: str = "pdsa"
    facet: Any = None


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def normalise_annotations(annotations: Any) -> list[Annotation]:
    """Check ``annotations=`` and return them as a list of :class:`Annotation`.

    Parameters
    ----------
    annotations : pandas.DataFrame, list of mappings, a mapping, or None
        See the module docstring for the keys.

    Returns
    -------
    list of Annotation

    Raises
    ------
    QITypeError
        ``annotations`` is not a DataFrame or a list of mappings.
    QIValueError
        A mapping lacks ``x`` or has an unknown key; a ``label`` or ``kind`` is not text.

    Examples
    --------
    >>> from qitools.plot.annotations import normalise_annotations
    >>> normalise_annotations([{"x": 5, "label": "PDSA 1"}])
    [Annotation(x=5, x_end=None, label='PDSA 1', kind='pdsa', facet=None)]
    """
    if annotations is None:
        return []
    if isinstance(annotations, pd.DataFrame):
        if "x" not in annotations.columns:
            raise QIValueError(
                f"annotations has no 'x' column (it has {list(map(str, annotations.columns))}). Each annotation "
                "needs x: where on the time axis it happened. Rename the date column to 'x', e.g. "
                "df.rename(columns={'start': 'x'})."
            )
        cols = [c for c in ANNOTATION_KEYS if c in annotations.columns]
        records = annotations[cols].to_dict("records")
        source = "row"
    elif isinstance(annotations, Mapping):
        records = [dict(annotations)]
        source = "annotation"
    elif isinstance(annotations, (list, tuple)):
        records = list(annotations)
        source = "annotations"
    else:
        raise QITypeError(
            f"annotations must be a DataFrame or a list of dicts such as [{{'x': '2024-03-01', 'label': 'PDSA 1'}}]; "
            f"got {type(annotations).__name__}."
        )
    out = []
    for i, rec in enumerate(records):
        where = f"{source} {i}" if source == "row" else f"annotations[{i}]"
        if not isinstance(rec, Mapping):
            raise QITypeError(
                f"{where} is a {type(rec).__name__}, not a dict. Each annotation is a dict such as "
                "{'x': '2024-03-01', 'label': 'PDSA 1'}."
            )
        unknown = [k for k in rec if k not in ANNOTATION_KEYS]
        if unknown:
            k = unknown[0]
            close = difflib.get_close_matches(str(k), ANNOTATION_KEYS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise QIValueError(f"{where} has an unknown key {k!r}. The keys are {', '.join(ANNOTATION_KEYS)}.{hint}")
        if "x" not in rec or _missing(rec["x"]):
            raise QIValueError(
                f"{where} has no 'x'. Each annotation needs x: where on the time axis it happened, "
                "e.g. {'x': '2024-03-01', 'label': 'PDSA 1'}."
            )
        label = rec.get("label")
        label = "" if _missing(label) else label
        if not isinstance(label, str):
            raise QIValueError(f"{where}: 'label' must be text; got {label!r}. Use str(...) to convert it.")
        kind = rec.get("kind")
        kind = "pdsa" if _missing(kind) else kind
        if not isinstance(kind, str):
            raise QIValueError(f"{where}: 'kind' must be text such as 'pdsa' or 'note'; got {kind!r}.")
        x_end = rec.get("x_end")
        facet = rec.get("facet")
        out.append(
            Annotation(
                x=rec["x"],
                x_end=None if _missing(x_end) else x_end,
                label=label,
                kind=kind,
                facet=None if _missing(facet) else facet,
            )
        )
    return out


@dataclass
class PlacedAnnotation:
    """An annotation converted to x positions on one chart."""

    x0: float
    x1: float | None
    label: str
    kind: str


def place_annotations(
    items: list[Annotation], xaxis: XAxis, xlim: tuple[float, float], facet: Any = None
) -> list[PlacedAnnotation]:
    """Convert annotations to positions; warn about (and drop) those outside ``xlim``."""
    placed = []
    lo, hi = xlim
    for i, a in enumerate(items):
        if facet is not None and a.facet is not None and a.facet != facet:
            continue
        x0 = xaxis.one(a.x)
        if not np.isfinite(x0):
            raise QIValueError(
                f"annotations[{i}]: x = {a.x!r} cannot be placed on this chart's x axis ({xaxis.kind}). "
                + (
                    "Give a date such as '2024-03-01'."
                    if xaxis.kind == "datetime"
                    else "Give a number."
                    if xaxis.kind == "numeric"
                    else "Give one of the chart's x labels."
                )
            )
        x1 = None
        if a.x_end is not None:
            x1 = xaxis.one(a.x_end)
            if not np.isfinite(x1):
                raise QIValueError(
                    f"annotations[{i}]: x_end = {a.x_end!r} cannot be placed on this chart's x axis ({xaxis.kind})."
                )
            if x1 < x0:
                raise QIValueError(
                    f"annotations[{i}]: x_end ({a.x_end!r}) is before x ({a.x!r}). A span runs from x to a later "
                    "x_end; swap them."
                )
        end = x0 if x1 is None else x1
        if end < lo or x0 > hi:
            warnings.warn(
                f"annotations[{i}] ({a.label or a.x!r}) at x = {a.x!r} is outside the chart's x range, so it is not "
                "drawn. Check the date, or chart a longer period.",
                AnnotationOutsideWarning,
                stacklevel=4,
            )
            continue
        placed.append(PlacedAnnotation(max(x0, lo), None if x1 is None else min(x1, hi), a.label, a.kind))
    return placed


def label_rows(starts: list[float], widths: list[float], max_rows: int = 3, gap: float = 0.01) -> list[int]:
    """Greedy rows for labels (in axes fractions) so that neighbours in a row do not overlap."""
    rows_end: list[float] = []
    out = []
    for s, w in zip(starts, widths, strict=True):
        for r, end in enumerate(rows_end):
            if s >= end + gap:
                rows_end[r] = s + w
                out.append(r)
                break
        else:
            if len(rows_end) < max_rows:
                rows_end.append(s + w)
                out.append(len(rows_end) - 1)
            else:
                r = int(np.argmin(rows_end))
                rows_end[r] = max(rows_end[r], s + w)
                out.append(r)
    return out


def draw_annotation_marks(ax: Axes, placed: list[PlacedAnnotation]) -> None:
    """Vertical lines and shaded spans (no labels)."""
    for p in placed:
        colour = KIND_COLOURS.get(p.kind, COLOURS["annotation"])
        if p.x1 is not None and p.x1 > p.x0:
            span = ax.axvspan(p.x0, p.x1, color=colour, alpha=0.13, linewidth=0, zorder=0.6)
            span.set_gid(f"qi-annotation-span-{p.kind}")
            for xv in (p.x0, p.x1):
                ln = ax.axvline(xv, color=colour, linewidth=0.8, linestyle="-", alpha=0.6, zorder=0.7)
                ln.set_gid(f"qi-annotation-edge-{p.kind}")
        else:
            ln = ax.axvline(
                p.x0, color=colour, linewidth=LINEWIDTHS["annotation"], linestyle=LINESTYLES["annotation"], zorder=0.7
            )
            ln.set_gid(f"qi-annotation-line-{p.kind}")


def annotation_label_layout(
    placed: list[PlacedAnnotation], xlim: tuple[float, float], axes_width_pt: float, max_rows: int = 3
) -> list[tuple[PlacedAnnotation, int, str]]:
    """(annotation, row, horizontal alignment) for each labelled annotation."""
    lo, hi = xlim
    labelled = [p for p in placed if p.label]
    labelled.sort(key=lambda p: p.x0)
    if not labelled:
        return []
    char_w = 0.58 * FONT_SIZES["annotation"] / max(axes_width_pt, 1.0)
    starts, widths, aligns = [], [], []
    for p in labelled:
        frac = (p.x0 - lo) / (hi - lo) if hi > lo else 0.0
        w = len(p.label) * char_w + 0.01
        if frac + w > 1.0:
            starts.append(frac - w)
            aligns.append("right")
        else:
            starts.append(frac)
            aligns.append("left")
        widths.append(w)
    rows = label_rows(starts, widths, max_rows=max_rows)
    return [(p, r, a) for p, r, a in zip(labelled, rows, aligns, strict=True)]


# ------------------------------------------------------------------------------------------------
# Notes: labels at points, placed in free space when drawn


#: distances (points) from the point to the label, nearest first, and sideways shifts
_NOTE_DY = (16.0, 24.0, 34.0, 46.0, 60.0, 76.0, 96.0, 120.0, 150.0)
_NOTE_DX = (0.0, -24.0, 24.0, -48.0, 48.0, -80.0, 80.0, -120.0, 120.0)
#: how much further (points) a label may go to avoid crossing a line (a limit, the centre, the data line)
_LINE_PENALTY = 30.0


def _note_label_class() -> type:
    """The NoteLabel class (matplotlib is imported on first use, like the rest of qitools.plot)."""
    global _NOTE_LABEL
    if _NOTE_LABEL is not None:
        return _NOTE_LABEL
    from matplotlib.text import Annotation as MplAnnotation
    from matplotlib.text import Text

    class _NoteLabel(MplAnnotation):
        """A note's label that finds free space for itself each time it is drawn (see the module docstring)."""

        qi_note = True

        def __init__(
            self, text: str, xy: tuple[float, float], *, above: bool, start: tuple[float, float, str] | None = None,
            **kwargs: Any,
        ) -> None:
            first = (start[0], start[1]) if start else (0.0, 24.0 if above else -24.0)
            super().__init__(text, xy=xy, xytext=first, textcoords="offset points", **kwargs)
            self.qi_above = above
            # (dx, dy, ha): the place to keep when it is free (a signal label beside its point), drawn
            # without the leader line there; None: the nearest free place of the usual candidates
            self.qi_start = start
            self.qi_placed = False  # set once it has chosen a place (other notes then avoid it)
            self.qi_outside = False  # True when it had to go outside the plot area
            self.qi_covers = 0  # data points its box covers (0 unless no free place existed)

        def draw(self, renderer: Any) -> None:
            if self.get_visible() and self.axes is not None:
                notes = [t for t in self.axes.texts if getattr(t, "qi_note", False) and t.get_visible()]
                if notes and notes[0] is self:  # the first note drawn places every note of the chart
                    try:
                        _place_all(notes, renderer)
                    except Exception:  # noqa: BLE001 - a label must never stop a chart being drawn
                        pass
            super().draw(renderer)

        # -- geometry ------------------------------------------------------------------------
        def _box(self, renderer: Any) -> Any:
            """The label's box (text plus its padding) in display pixels, as now placed."""
            self.update_positions(renderer)
            box = Text.get_window_extent(self, renderer)
            pad = (0.2 * self.get_fontsize() + 1.0) * renderer.points_to_pixels(1.0)
            return box.expanded(1.0, 1.0).padded(pad)

        def _try(self, renderer: Any, dx: float, dy: float, ha: str | None = None) -> Any:
            above = dy > 0
            self.set_ha(ha or ("left" if dx > 0 else "right" if dx < 0 else "center"))
            self.set_va("bottom" if above else "top")
            self.xyann = (dx, dy)
            return self._box(renderer)

        def _place(self, renderer: Any) -> None:
            """Choose the free place nearest the point (see the module docstring for the order)."""
            ax = self.axes
            fig = ax.figure
            points = _marker_circles(ax, renderer)
            texts = [b for b in _text_boxes(fig, renderer, skip=self) if b is not None]
            lines = _line_paths(ax)
            plot_area = ax.bbox.padded(-1.0)
            figure_area = fig.bbox.padded(-2.0)
            ppx = renderer.points_to_pixels(1.0)
            px, py = ax.transData.transform(self.xy)

            candidates = []
            for side in (1.0, -1.0):
                for dy in _NOTE_DY:
                    for dx in _NOTE_DX:
                        cost = dy + 0.7 * abs(dx) + (0.0 if (side > 0) == self.qi_above else 45.0)
                        candidates.append((cost, dx, side * dy, True))
            candidates.sort()
            candidates += [(400.0 + i, dx, dy, False) for i, (dx, dy) in
                           enumerate(_outside_offsets(ax, texts, px, py, ppx))]  # fmt: skip
            if self.qi_start is not None:
                candidates.insert(0, (-1.0, self.qi_start[0], self.qi_start[1], True))

            best: tuple | None = None
            for k, (cost, dx, dy, in_plot_wanted) in enumerate(candidates):
                if best is not None and best[0][:5] == (0, 0, 0, 0, 0) and cost >= best[0][5]:
                    break  # a free place inside the plot area, nearer than any place left
                ha = "left" if dx > 0 else "right" if dx < 0 else "center"
                if k == 0 and self.qi_start is not None:
                    ha = self.qi_start[2]
                box = self._try(renderer, dx, dy, ha)
                dx, box = self._slide_inside(renderer, dx, dy, ha, box, plot_area if in_plot_wanted else figure_area, ppx)
                n = sum(_circle_hits(box, c) for c in points)
                clash = sum(box.overlaps(t) for t in texts)
                in_plot = _contains(plot_area, box)
                crossed = sum(path.intersects_bbox(box, filled=False) for path in lines) if in_plot else 0
                score = (
                    int(n > 0),  # 1. never over a data point,
                    int(not _contains(figure_area, box)),  # 2. on the figure,
                    int(clash > 0),  # 3. over no other text,
                    int(not in_plot),  # 4. in the plot area if there is room,
                    n + clash,
                    cost + _LINE_PENALTY * crossed,  # 5. near its point, crossing few lines
                )
                if best is None or score < best[0]:
                    best = (score, dx, dy, ha)
            assert best is not None
            score, dx, dy, ha = best
            self._try(renderer, dx, dy, ha)
            at_start = self.qi_start is not None and (dx, dy, ha) == tuple(self.qi_start)
            if self.arrow_patch is not None:
                self.arrow_patch.set_visible(not at_start)  # beside its point: no leader line needed
            self._done(bool(score[3]), int(sum(_circle_hits(self._box(renderer), c) for c in points)))

        def _slide_inside(self, renderer: Any, dx: float, dy: float, ha: str, box: Any, area: Any, ppx: float) -> tuple:
            """Shift a label sideways (keeping its height) so that it fits in the plot area, if it can."""
            if box.width > area.width or area.x0 <= box.x0 and box.x1 <= area.x1:
                return dx, box
            shift = (area.x0 - box.x0) if box.x0 < area.x0 else (area.x1 - box.x1)
            dx = dx + shift / ppx
            return dx, self._try(renderer, dx, dy, ha)

        def _done(self, outside: bool, covers: int) -> None:
            self.qi_placed, self.qi_outside, self.qi_covers = True, outside, covers

    _NOTE_LABEL = _NoteLabel
    return _NoteLabel


_NOTE_LABEL: type | None = None


def _place_all(notes: list, renderer: Any, passes: int = 3) -> None:
    """Place the notes of one chart: in turn, then again (each now sees where all the others are).

    The first pass is greedy (a note avoids those placed before it); the next passes let an earlier
    note move out of the way of a later one. It stops when no note moves (the same places at every
    draw: nothing depends on where the labels were before).
    """
    for note in notes:
        note.qi_placed = False
    for i in range(passes):
        moved = False
        for note in notes:
            before = (note.xyann, note.get_ha())
            note._place(renderer)
            moved = moved or (note.xyann, note.get_ha()) != before
        if i >= 1 and not moved:
            break


def _contains(outer: Any, box: Any) -> bool:
    return outer.x0 <= box.x0 and box.x1 <= outer.x1 and outer.y0 <= box.y0 and box.y1 <= outer.y1


def _circle_hits(box: Any, circle: tuple[float, float, float]) -> bool:
    """True when a marker (centre x, y and radius, in pixels) touches the box."""
    x, y, r = circle
    nx = min(max(x, box.x0), box.x1)
    ny = min(max(y, box.y0), box.y1)
    return bool((x - nx) ** 2 + (y - ny) ** 2 < r * r)


def _marker_circles(ax: Any, renderer: Any) -> list[tuple[float, float, float]]:
    """Every data point drawn on the axes (markers of lines, points of scatters): centre and radius in pixels."""
    found: list[tuple[float, float, float]] = []
    ppx = renderer.points_to_pixels(1.0)
    for line in ax.get_lines():
        marker = line.get_marker()
        if not line.get_visible() or marker in (None, "None", "none", "", " ", ","):
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        xy = xy[np.isfinite(xy).all(axis=1)] if xy.size else xy
        if not len(xy):
            continue
        centres = line.get_transform().transform(xy)
        radius = (line.get_markersize() / 2.0 + line.get_markeredgewidth()) * ppx + 1.0
        found += [(float(cx), float(cy), radius) for cx, cy in centres]
    for coll in ax.collections:
        offsets = getattr(coll, "get_offsets", None)
        sizes = getattr(coll, "get_sizes", None)
        if not coll.get_visible() or offsets is None or sizes is None or not len(sizes()):
            continue
        xy = np.asarray(offsets(), dtype=float)
        if not xy.size or xy.ndim != 2:
            continue
        xy = xy[np.isfinite(xy).all(axis=1)]
        centres = coll.get_offset_transform().transform(xy)
        size = sizes()
        for i, (cx, cy) in enumerate(centres):
            radius = float(np.sqrt(size[i % len(size)])) / 2.0 * ppx + 1.0
            found.append((float(cx), float(cy), radius))
    return found


def _line_paths(ax: Any) -> list[Any]:
    """The axes' lines (data, centre, limits, target, markers of events) as paths in display pixels."""
    from matplotlib.cbook import STEP_LOOKUP_MAP
    from matplotlib.path import Path

    paths = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_linestyle() in ("None", "none", "", " "):
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        if len(xy) < 2:
            continue
        step = STEP_LOOKUP_MAP.get(line.get_drawstyle())
        if step is not None and line.get_drawstyle() != "default":
            xy = np.column_stack(step(xy[:, 0], xy[:, 1]))
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) >= 2:
            paths.append(Path(line.get_transform().transform(xy)))
    return paths


def _text_boxes(fig: Any, renderer: Any, skip: Any) -> list[Any]:
    """Boxes of the figure's other visible texts (titles, tick labels, labels); notes not yet placed are left out."""
    from matplotlib.text import Text

    boxes = []
    for t in fig.findobj(match=Text):
        if t is skip or not t.get_visible() or not t.get_text().strip():
            continue
        if getattr(t, "qi_note", False) and not getattr(t, "qi_placed", False):
            continue
        try:
            if getattr(t, "qi_note", False):
                boxes.append(t._box(renderer))
            else:
                box = Text.get_window_extent(t, renderer)
                patch = t.get_bbox_patch()
                if patch is not None:
                    box = box.padded(patch.get_boxstyle().pad * t.get_fontsize() * renderer.points_to_pixels(1.0))
                boxes.append(box)
        except Exception:  # noqa: BLE001 - a text that cannot be measured is no obstacle
            continue
    return boxes


def _outside_offsets(ax: Any, texts: list, px: float, py: float, ppx: float) -> list:
    """Offsets (points) that put the label just above the plot area, below the x labels, or beside it."""
    top = ax.bbox.y1 + 3.0 * ppx
    labels_bottom = min([t.y0 for t in texts if t.y1 <= ax.bbox.y0 + 1.0] + [ax.bbox.y0]) - 3.0 * ppx
    right = ax.bbox.x1 + 4.0 * ppx
    out = []
    for dx in (0.0, -40.0, 40.0, -100.0, 100.0):
        out.append((dx, (top - py) / ppx))  # va bottom: the label's bottom just above the plot area
        out.append((dx, -abs(labels_bottom - py) / ppx))  # va top: below the tick labels
    out.append(((right - px) / ppx, 0.001))
    return out


def add_note(ax: Any, x: float, y: float, text: str, *, above: bool, colour: str, fontsize: float) -> Any:
    """Write a note at the point (x, y) on a leader line, in free space (a :class:`NoteLabel`).

    Parameters
    ----------
    ax : matplotlib Axes
        The chart.
    x, y : float
        The point, in data coordinates.
    text : str
        The note (already shortened).
    above : bool
        Which side to try first (away from the centre line).
    colour : str
        Colour of the text and the leader line.
    fontsize : float
        Font size in points.

    Returns
    -------
    NoteLabel
        The label (a matplotlib ``Annotation``); its place is chosen when the figure is drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from qitools.plot.annotations import add_note
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3], [1, 3, 2], marker="o")
    >>> note = add_note(ax, 2, 3, "bundle starts", above=True, colour="grey", fontsize=10)
    >>> fig.canvas.draw(); note.qi_placed, note.qi_covers
    (True, 0)
    >>> plt.close(fig)
    """
    cls = _note_label_class()
    label = cls(
        text,
        (x, y),
        above=above,
        fontsize=fontsize,
        color=colour,
        arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.8, "shrinkA": 1, "shrinkB": 4},
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        zorder=6,
        annotation_clip=False,
    )
    ax._add_text(label)
    return label


def __getattr__(name: str) -> Any:  # PEP 562: NoteLabel is made on first use (matplotlib loads lazily)
    if name == "NoteLabel":
        return _note_label_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
