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

__all__ = ["ANNOTATION_KEYS", "AnnotationOutsideWarning", "Annotation", "normalise_annotations"]

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
