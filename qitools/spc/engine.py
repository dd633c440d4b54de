r"""The SPC engine: from user data to the tidy per-point table and the per-part summary.

:func:`compute` runs seven named stages, each a function with its own inputs and outputs (small
dataclasses passed from one to the next). Read them in this order:

=====  ======================  =================================================================  ==============
stage  function                what it does                                                        returns
=====  ======================  =================================================================  ==============
1      :func:`resolve_options`  check and resolve the options (chart, rules, improvement ...)     :class:`Options`
2      :func:`read_columns`     read every input from the data, check it and normalise it: y and   :class:`Columns`
                                n as floats, facet codes, a sortable key for x (dates at their own
                                resolution), and the x values named by part/freeze/exclude. The
                                only stage that looks at the user's data, through the validation
                                layer (:mod:`.validate`); every error on bad input is raised here
                                or in 1.
3      :func:`form_subgroups`   sort by facet and x; rows that share an x form one subgroup        :class:`Subgroups`
4      :func:`assign_parts`     parts (phases), baseline (freeze), excluded points, fixed centre   :class:`Parts`
                                lines; one *group* = one facet x part
5      :func:`compute_limits`   centre line and limits of every point (:mod:`.charts`)              :class:`Limits`
6      :func:`apply_rule_set`   points beyond the limits, the Anhøj runs analysis, the chosen rule  :class:`Signals`
                                set (:mod:`.rulesets`), point types; warnings on too little data
7      :func:`assemble`         the tidy per-point table, the summary, the icons and the params    :class:`SPCResult`
=====  ======================  =================================================================  ==============

Every stage is vectorised over all facets and parts at once (no Python loop per facet or point).
Labels repeated on every row (facets, ``point_type``, ``mdc_rule``) are categoricals. The objects
users hold live above this package (:mod:`qitools.results`).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from . import validate as v
from .charts import (
    CHART_ALIASES,
    CHART_DESCRIPTIONS,
    CHARTS,
    EXACT_CONSTANTS,
    MDC_CONSTANTS,
    ChartInput,
    ChartLimits,
    MRConstants,
    group_median,
)
from .errors import DataChangedWarning, DataQualityWarning, QITypeError, QIValueError, TooFewPointsWarning
from .groups import facet_codes, seg_count, seg_mean
from .rules import RunsResult, runs_analysis
from .rulesets import NEEDS_LIMITS, RULE_COLUMNS, RuleSetResult, apply_rules, mdc_rule_label

__all__ = [
    "SPCResult",
    "compute",
    "conventions",
    "Options",
    "Columns",
    "Subgroups",
    "Parts",
    "Limits",
    "Signals",
    "resolve_options",
    "read_columns",
    "form_subgroups",
    "assign_parts",
    "compute_limits",
    "apply_rule_set",
    "assemble",
    "RULES",
    "IMPROVEMENT",
    "AGG",
    "POINT_TYPES",
    "MIN_USEFUL_FOR_RUNS",
    "MDC_MIN_BASELINE",
]

RULES = ("anhoej", "ihi", "western_electric", "nelson", "mdc")
IMPROVEMENT = ("increase", "decrease", "neutral")
AGG = ("mean", "median", "sum")
#: Anhøj & Olesen's critical values start at 10 useful points; fewer gets a warning
MIN_USEFUL_FOR_RUNS = 10
#: Making Data Count: limits from fewer baseline points than this are "trial limits"
MDC_MIN_BASELINE = 12
#: the values ``point_type`` can take for each direction of improvement (its categories)
POINT_TYPES: dict[str, tuple[str, ...]] = {
    "increase": ("common_cause", "special_cause_improvement", "special_cause_concern"),
    "decrease": ("common_cause", "special_cause_improvement", "special_cause_concern"),
    "neutral": ("common_cause", "special_cause_neutral_high", "special_cause_neutral_low"),
}

_SUM_CHARTS = {"p", "np", "pp", "c", "u", "up"}
_NEEDS_N = {"p", "np", "pp", "u", "up"}
_PROPORTION = {"p", "np", "pp"}
_OBS_CHARTS = {"xbar", "s"}
_NO_N = {"mr", "c", "g", "t", "xbar", "s"}
_NONNEGATIVE = {"p", "np", "pp", "c", "u", "up", "g"}
_MR_SIGMA = {"i", "t", "pp", "up"}
_NO_LIMITS = {"run"}
_CLIP_LOW = {"mr", "s", "p", "np", "pp", "c", "u", "up", "g", "t"}
#: charts whose centre line and limits are one value per part (not varying with n)
_CONSTANT_LIMITS = {"run", "i", "mr", "c", "g", "t"}

# relative tolerance for "on the centre line" and "exactly on a limit" (float round-off only)
_REL_TOL = 1e-9
_QITOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@dataclass(frozen=True)
class SPCResult:
    """What the engine returns: the per-point table, the per-part summary and resolved options."""

    chart: str
    data: pd.DataFrame
    summary: pd.DataFrame
    params: dict[str, Any]
    icons: pd.DataFrame | None = None


def _warn(message: str, category: type[Warning]) -> None:
    """Warn, pointing at the first caller outside qitools (the user's line)."""
    frame = sys._getframe(0)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_QITOOLS_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)


# =============================================================================================
# 1. options


@dataclass(frozen=True)
class Options:
    """The options as checked and resolved, and the raw column arguments for stage 2."""

    chart: str
    rules: str
    improvement: str | None
    agg: str
    multiply: float
    screen_mr: bool
    x: Any = None
    y: Any = None
    n: Any = None
    part: Any = None
    freeze: Any = None
    exclude: Any = None
    cl: Any = None
    target: Any = None
    facet: Any = None
    notes: Any = None
    #: the data are a part of the user's (one partition of a Dask DataFrame): x values named by
    #: part=/freeze=/exclude= need not occur in it (the caller checked them against all the data)
    partial: bool = False

    @property
    def point_types(self) -> bool:
        """Each point gets a ``point_type`` (improvement given, or Making Data Count)."""
        return self.improvement is not None or self.rules == "mdc"

    @property
    def direction(self) -> str:
        return self.improvement or "neutral"

    @property
    def anhoej_runs(self) -> bool:
        """Whether the Anhøj runs analysis is part of the rule set (not under Making Data Count)."""
        return self.rules != "mdc"

    @property
    def mr_constants(self) -> MRConstants:
        return MDC_CONSTANTS if self.rules == "mdc" else EXACT_CONSTANTS


def _resolve_chart(chart: Any) -> str:
    names = list(CHARTS) + list(CHART_ALIASES)
    if isinstance(chart, str) and chart.lower() in CHART_ALIASES and chart == chart.lower():
        return CHART_ALIASES[chart]
    name = v.require_one_of("chart", chart, names, hint="See qi.CHART_TYPES for what each chart is for.")
    return CHART_ALIASES.get(name, name)


def _check_rules(rules: Any, chart: str) -> str:
    name = v.require_one_of("rules", rules, RULES)
    if name in NEEDS_LIMITS and chart in _NO_LIMITS:
        raise QIValueError(
            f"rules={name!r} judges points against sigma zones, so it needs control limits, and a run chart has "
            f"none. Use a control chart (for one value per period, chart='i'), or rules='anhoej' or rules='ihi', "
            f"which work on run charts."
        )
    return name


def resolve_options(
    data: Any,
    *,
    x: Any = None,
    y: Any,
    n: Any = None,
    chart: Any = "run",
    part: Any = None,
    freeze: Any = None,
    exclude: Any = None,
    multiply: Any = 1,
    cl: Any = None,
    target: Any = None,
    facet: Any = None,
    rules: Any = "anhoej",
    improvement: Any = None,
    screen_mr: Any = True,
    agg: Any = "mean",
    notes: Any = None,
    partial: bool = False,
) -> Options:
    """Stage 1: check the options that do not depend on the data's values, before any work."""
    chart_name = _resolve_chart(chart)
    rules = _check_rules(rules, chart_name)
    if improvement is not None:
        improvement = v.require_one_of(
            "improvement", improvement, IMPROVEMENT, hint="Or None when neither direction is better."
        )
    agg = v.require_one_of("agg", agg, AGG)
    multiply = v.require_positive("multiply", multiply)
    if not isinstance(screen_mr, (bool, np.bool_)):
        raise QITypeError(f"`screen_mr` must be True or False; got {screen_mr!r}.")
    v.check_data(data, "control_chart")
    if chart_name in _NEEDS_N and n is None:
        kind = "proportion" if chart_name in _PROPORTION else "rate"
        raise QIValueError(
            f"A {CHART_DESCRIPTIONS[chart_name]} needs a denominator: pass n= (the {kind}'s denominator, "
            f"e.g. n='patients' or n='bed_days'). Without one, use chart='c' for counts or chart='i' for measurements."
        )
    if chart_name in _NO_N and n is not None:
        instead = {
            "c": "chart='u' for counts per unit of exposure",
            "g": "chart='g' without n",
            "t": "chart='t' without n",
            "mr": "chart='mr' without n",
            "xbar": "one row per observation and no n",
            "s": "one row per observation and no n",
        }[chart_name]
        raise QIValueError(
            f"A {CHART_DESCRIPTIONS[chart_name]} does not use a denominator, but n= was given. "
            f"Use {instead}, or drop n=."
        )
    return Options(
        chart=chart_name,
        rules=rules,
        improvement=improvement,
        agg=agg,
        multiply=multiply,
        screen_mr=bool(screen_mr),
        x=x,
        y=y,
        n=n,
        part=part,
        freeze=freeze,
        exclude=exclude,
        cl=cl,
        target=target,
        facet=facet,
        notes=notes,
        partial=bool(partial),
    )


# =============================================================================================
# 2. columns: the one place where the user's inputs are read, checked and normalised


@dataclass(frozen=True)
class XAxis:
    """The x values and a numeric key per row that sorts them in time order.

    ``kind`` is ``"datetime"`` (key: int64 time stamps in the column's own unit), ``"number"``
    (key: float64) or ``"other"`` (text, categories: key = int64 position in ``labels``, the order
    of first appearance or of an ordered categorical's categories).
    """

    values: pd.Series
    kind: str
    key: np.ndarray
    labels: pd.Index | None = None  # "other": the label of each key
    unit: str | None = None  # "datetime": the unit of the key
    tz: Any = None  # "datetime": the time zone of the column, if any

    def keys_of(self, given: Any, role: str, check: bool = True) -> np.ndarray:
        """The keys of user-given x values (part=, freeze=, exclude=); an error names any that are not x
        values (``check=False``: dates and numbers need not occur in this data)."""
        if isinstance(given, (set, frozenset)):
            given = sorted(given, key=repr)
        items = list(given) if isinstance(given, (list, tuple, np.ndarray, pd.Series, pd.Index)) else [given]
        if not check and self.kind != "other":
            return self._convert(items, role)
        if self.kind == "other":
            lookup = self.labels
            missing = [val for val in items if not _label_in(val, lookup)]
            if not missing:
                if isinstance(lookup, pd.PeriodIndex):  # '2024-04-01' or a Timestamp names the month it falls in
                    items = [val if isinstance(val, pd.Period) else _period(val, lookup.freq) for val in items]
                return np.array([lookup.get_loc(val) for val in items], dtype=np.int64)  # type: ignore[union-attr]
        else:
            keys = self._convert(items, role)
            present = self._present(keys)
            missing = [val for val, ok in zip(items, present) if not ok]
            if not missing:
                return keys
        first, last = np.argmin(self.key), np.argmax(self.key)
        lo, hi = self.values.iloc[int(first)], self.values.iloc[int(last)]
        shown = ", ".join(v._safe_repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise QIValueError(
            f"{role}= names x values that are not in the data: [{shown}]. {role} takes x values "
            f"(not row numbers); x runs from {v._safe_repr(lo)} to {v._safe_repr(hi)}. Check the spelling or the date."
        )

    def _convert(self, items: list[Any], role: str) -> np.ndarray:
        shown = ", ".join(v._safe_repr(i) for i in items[:5])
        if self.kind == "datetime":
            try:  # one value at a time, at the column's unit (pandas 2 would put a list in nanoseconds)
                keys = np.array([self._key(_timestamp(i)) for i in items], dtype=np.int64)
            except Exception as exc:  # noqa: BLE001 - any value that is not a date gets the same message
                raise QIValueError(
                    f"{role}= values must be dates like the x column (e.g. '2024-04-01' or pd.Timestamp('2024-04-01')); "
                    f"got [{shown}]."
                ) from exc
            if (keys == np.iinfo(np.int64).min).any():
                raise QIValueError(f"{role}= values must be dates like the x column; got a missing date in [{shown}].")
            return keys
        numbers = [v._as_float(i) for i in items]
        if any(n is None or not np.isfinite(n) for n in numbers):
            raise QIValueError(f"{role}= values must be numbers like the x column; got [{shown}].")
        return np.array(numbers, dtype=float)

    def _key(self, ts: pd.Timestamp) -> int:
        """The key of one date: its time stamp in the column's unit (UTC for a zoned column)."""
        if self.tz is not None:
            ts = ts.tz_localize(self.tz) if ts.tzinfo is None else ts.tz_convert(self.tz)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        unit = self.unit or "us"
        return int(np.datetime64(ts.to_datetime64(), unit).astype(np.int64))

    def _present(self, keys: np.ndarray) -> np.ndarray:
        if keys.size <= 32:  # a few values: one pass over x each, no hashing of every row
            return np.array([bool(np.any(self.key == k)) for k in keys], dtype=bool)
        return np.asarray(pd.Index(keys).isin(self.key))


def _timestamp(value: Any) -> pd.Timestamp:
    """One x value given by a user (a date, a Timestamp, text) as a Timestamp at its own resolution."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (list, dict, set, tuple)):
        raise TypeError(type(value).__name__)
    if isinstance(value, (int, float, np.integer, np.floating, Decimal)):
        raise TypeError("a number is not a date")
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise ValueError("missing")
    return ts


def _period(value: Any, freq: Any) -> Any:
    """A date given for a Period x (``'2024-04-01'``, a Timestamp) as the period it falls in (else as given)."""
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating, Decimal)) or value is None:
        return value  # a number is not a date
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' own deprecation notes about how it parses text
        try:
            return pd.Period(value, freq=freq)  # '2021Q1', '2024-04', '2024-04-01', a Timestamp
        except (TypeError, ValueError, OverflowError, AttributeError):
            return value


def _label_in(value: Any, labels: pd.Index | None) -> bool:
    """``value in labels`` for any value (unhashable ones and Decimal('sNaN') are never labels)."""
    if labels is None:
        return False
    try:
        if isinstance(labels, pd.PeriodIndex) and not isinstance(value, pd.Period):
            value = _period(value, labels.freq)
        return bool(value in labels)
    except (TypeError, ValueError, ArithmeticError):
        return False


def _x_axis(x_col: pd.Series | None, fcode: np.ndarray, n_facets: int, kind: str | None = None) -> XAxis:
    """The x values (1..N within each facet, in the order given, when x is omitted) and their keys."""
    n_rows = fcode.shape[0]
    if x_col is None:
        counts = np.bincount(fcode, minlength=n_facets)
        if n_facets == 1:
            pos = np.arange(n_rows, dtype=np.int64)
        else:
            order0 = np.argsort(fcode, kind="stable")
            pos = np.empty(n_rows, dtype=np.int64)
            pos[order0] = np.arange(n_rows) - np.repeat(np.cumsum(counts) - counts, counts)
        values = pd.Series(pos + 1)
        return XAxis(values, "number", (pos + 1).astype(float))
    kind = kind or _x_kind(x_col)
    if kind == "datetime":
        if not pd.api.types.is_datetime64_any_dtype(x_col.dtype):
            x_col = pd.to_datetime(x_col)
        arr = x_col.array
        return XAxis(x_col, "datetime", np.asarray(arr.asi8), unit=arr.unit, tz=arr.tz)  # type: ignore[attr-defined]
    if kind == "number":
        return XAxis(x_col, "number", x_col.to_numpy(dtype=float))
    if isinstance(x_col.dtype, pd.CategoricalDtype) and x_col.cat.ordered:
        return XAxis(x_col, "other", np.asarray(x_col.cat.codes).astype(np.int64), labels=x_col.cat.categories)
    # time spans and periods (months as pd.Period) sort in time order; text and other labels keep the
    # order they first appear in
    in_time = pd.api.types.is_timedelta64_dtype(x_col.dtype) or isinstance(x_col.dtype, pd.PeriodDtype)
    codes, labels = pd.factorize(x_col, sort=in_time)
    return XAxis(x_col, "other", codes.astype(np.int64), labels=pd.Index(labels))


def _warn_text_dates(xaxis: XAxis, fcode: np.ndarray, name: str, row_labels: Any) -> None:
    """Text x is charted in the order of the rows. When every label reads as a date and the rows are not in
    the order of those dates (a CSV read without parse_dates=, then sorted by something else), say so: the
    chart follows the rows, not time."""
    labels = xaxis.labels
    if xaxis.kind != "other" or labels is None or labels.size < 2 or labels.size > 100_000:
        return
    if isinstance(labels.dtype, pd.CategoricalDtype):
        labels = pd.Index(np.asarray(labels, dtype=object))
    if not (pd.api.types.is_string_dtype(labels.dtype) or labels.dtype == object):
        return
    if not all(isinstance(label, str) for label in labels[:50]):
        return
    for kwargs in ({"format": "ISO8601"}, {"format": "mixed", "dayfirst": True}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                stamps = pd.to_datetime(pd.Series(labels, dtype=object), errors="coerce", **kwargs)
            except (TypeError, ValueError, OverflowError):
                continue
        if not stamps.isna().any():
            break
    else:
        return
    when = stamps.to_numpy(dtype="datetime64[us]").astype(np.int64)[xaxis.key]
    order = np.argsort(fcode, kind="stable")
    w, f = when[order], fcode[order]
    back = (w[1:] < w[:-1]) & (f[1:] == f[:-1])
    if back.any():
        first = int(order[1:][back][0])
        _warn(
            f"{v._subject(name, 'x')} holds text that reads as dates (e.g. {v._safe_repr(labels[0])}), and the "
            f"rows are not in date order (row {v._safe_repr(row_labels[first])} goes back in time). Text is charted in "
            f"the order of the rows, so these points are not in time order. Convert the column to dates first, e.g. "
            f"df[{v._ref(name)}] = pd.to_datetime(df[{v._ref(name)}], dayfirst=True), or read the file with "
            f"parse_dates=[{v._ref(name)}]; then qitools sorts the rows by date.",
            DataQualityWarning,
        )


def _x_kind(x: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(x.dtype):
        return "datetime"
    if pd.api.types.is_bool_dtype(x.dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(x.dtype):
        return "number"
    if x.dtype == object and len(x) and all(isinstance(e, pd.Timestamp) for e in x.iloc[:50]):
        return "datetime"
    return "other"


@dataclass(frozen=True)
class Columns:
    """Every input, read from the data, checked and normalised; one entry per row (rows without an x
    already dropped), plus the user's x values and per-facet settings as keys."""

    n_rows: int
    row_labels: pd.Index  # the data's index labels, for messages
    y: np.ndarray  # float64 per row (NaN = missing)
    n: np.ndarray | None  # float64 per row, or None
    x: XAxis
    fcode: np.ndarray  # int32 facet code per row (0 without facets)
    facet_names: list[str]
    facet_parts: list[pd.Index]  # per facet column: the label of each facet code
    facet_labels: list[Any]  # one label per facet code ("a | b" for two columns; [None] without facets)
    notes: pd.Series | None
    part_col: pd.Series | None  # part= as a column
    part_keys: dict[int | None, np.ndarray] | None  # part= as x values: facet code (None = all) -> keys
    freeze_keys: np.ndarray | None  # per facet: the last x key of the baseline (the largest key = no freeze)
    exclude_keys: np.ndarray | None
    cl_facet: np.ndarray  # fixed centre line per facet, before multiply (NaN = computed)
    target_facet: np.ndarray  # target per facet (NaN = none)

    @property
    def faceted(self) -> bool:
        return bool(self.facet_names)

    @property
    def n_facets(self) -> int:
        return len(self.facet_labels)


def read_columns(data: pd.DataFrame | None, opts: Options) -> Columns:
    """Stage 2: read y, n, x, facets, notes and part from the data; check them; normalise them.

    Raises every error about the data's contents (missing columns, text in number columns, zero
    denominators, unknown x values in part/freeze/exclude, unknown facets in per-facet dicts) before
    any computation. Rows without an x are dropped with a warning that names them.
    """
    # y, n: numbers of any dtype, read by the validation layer (one place for every input shape)
    n_rows = len(data) if data is not None else None
    y_col = v.get_column(data, opts.y, "y", n_rows)
    n_rows = len(y_col)
    if n_rows == 0:
        raise QIValueError(
            "There are no rows to chart: the data is empty. Check that the file was read correctly "
            "(the right sheet, the header row) and that no filter removed every row."
        )
    row_labels = data.index if data is not None else pd.RangeIndex(n_rows)  # (not copied: read for messages)
    y_name = v.column_name(opts.y, "y", data)
    y_raw = v.as_numeric(y_col, "y", y_name, row_labels)
    v.check_scaled(y_raw, opts.multiply, "y", y_name, row_labels)
    n_raw = None
    if opts.n is not None:
        n_name = v.column_name(opts.n, "n", data)
        n_raw = v.as_numeric(v.get_column(data, opts.n, "n", n_rows), "n", n_name, row_labels)

    # facets, notes, part as a column: labels
    facet_cols: list[pd.Series] = []
    facet_names: list[str] = []
    if opts.facet is not None:
        specs = list(opts.facet) if isinstance(opts.facet, (list, tuple)) else [opts.facet]
        if not 1 <= len(specs) <= 2:
            raise QIValueError(
                f"facet= takes one or two column names (one chart per value, or per pair of values); got {len(specs)}."
            )
        if len(specs) == 2 and _same_spec(specs[0], specs[1]):
            raise QIValueError(
                f"facet= names the same column twice ({v._safe_repr(specs[0])}). Give two different columns, or one."
            )
        for i, spec in enumerate(specs):
            name = v.column_name(spec, "facet", data)
            facet_cols.append(v.as_labels(v.get_column(data, spec, "facet", n_rows), "facet", name, row_labels))
            facet_names.append(
                str(spec)
                if isinstance(spec, Hashable) and not isinstance(spec, (list, np.ndarray))
                else f"facet{i + 1}"
            )
    notes_col = None
    if opts.notes is not None:
        notes_col = v.as_labels(
            v.get_column(data, opts.notes, "notes", n_rows), "notes", v.column_name(opts.notes, "notes", data), row_labels
        )
    part = opts.part
    part_col = None
    if part is not None and (isinstance(part, str) or v._is_column_label(data, part)):
        part_col = v.as_labels(v.get_column(data, part, "part", n_rows), "part", v.column_name(part, "part", data), row_labels)

    # x: dates at their own resolution, numbers or labels; rows without one cannot be placed in time, so
    # they are dropped with a warning that names them (a total or note row in an export)
    x_col, x_kind = None, None
    if opts.x is not None:
        x_col, x_kind = v.as_x(v.get_column(data, opts.x, "x", n_rows), row_labels, v.column_name(opts.x, "x", data))
    if x_col is not None:
        no_x = x_col.isna().to_numpy()
        if no_x.any():
            _warn(
                f"x is missing in {v.describe_rows(row_labels, no_x)}; those rows cannot be placed on the chart "
                f"and were left out. If they hold data, fill in their x; if they are total or note rows, drop them "
                f"before charting to silence this warning.",
                DataChangedWarning,
            )
            keep = ~no_x
            n_rows = int(keep.sum())
            if n_rows == 0:
                raise QIValueError("Every row has a missing x, so there is nothing to chart. Check the x column.")
            x_col = x_col[keep].reset_index(drop=True)
            y_raw = y_raw[keep]
            n_raw = n_raw[keep] if n_raw is not None else None
            row_labels = row_labels[keep]
            facet_cols = [c[keep].reset_index(drop=True) for c in facet_cols]
            notes_col = notes_col[keep].reset_index(drop=True) if notes_col is not None else None
            part_col = part_col[keep].reset_index(drop=True) if part_col is not None else None
        if x_kind == "datetime":
            v.warn_far_dates(_naive_dates(x_col), row_labels, v.column_name(opts.x, "x", data))
    if part_col is not None and part_col.isna().any():
        raise QIValueError(
            f"The part column {v._safe_repr(part)} has missing values in "
            f"{v.describe_rows(row_labels, part_col.isna().to_numpy())}. "
            f"Each row must say which part (phase) it belongs to."
        )

    fcode, facet_parts, facet_labels = facet_codes(facet_names, facet_cols, row_labels, n_rows, "a ward, a practice ...")
    xaxis = _x_axis(x_col, fcode, len(facet_labels), x_kind)
    if x_col is not None:
        _warn_text_dates(xaxis, fcode, v.column_name(opts.x, "x", data), row_labels)
    _check_values(opts.chart, y_raw, n_raw, row_labels, y_name, opts.n)

    # the x values named by exclude=, freeze=, part= and the per-facet settings, as keys
    check = not opts.partial
    exclude_keys = xaxis.keys_of(opts.exclude, "exclude", check) if opts.exclude is not None else None
    freeze_keys = _freeze_keys(opts.freeze, xaxis, facet_labels, check)
    part_keys = _part_keys(part, xaxis, facet_labels, check) if part is not None and part_col is None else None
    cl_facet = _per_facet_value("cl", opts.cl, facet_labels) / opts.multiply
    _check_cl(opts, cl_facet)
    target_facet = _per_facet_value("target", opts.target, facet_labels)
    return Columns(
        n_rows=n_rows,
        row_labels=row_labels,
        y=y_raw,
        n=n_raw,
        x=xaxis,
        fcode=fcode,
        facet_names=facet_names,
        facet_parts=facet_parts,
        facet_labels=facet_labels,
        notes=notes_col,
        part_col=part_col,
        part_keys=part_keys,
        freeze_keys=freeze_keys,
        exclude_keys=exclude_keys,
        cl_facet=cl_facet,
        target_facet=target_facet,
    )


def _same_spec(a: Any, b: Any) -> bool:
    try:
        return bool(isinstance(a, Hashable) and isinstance(b, Hashable) and a == b)
    except (TypeError, ValueError):
        return False


def _naive_dates(x: pd.Series) -> np.ndarray:
    """The dates of a datetime column as naive numpy datetime64 (UTC for zoned ones), at their own unit."""
    if getattr(x.dt, "tz", None) is not None:
        x = x.dt.tz_convert("UTC").dt.tz_localize(None)
    return x.to_numpy()


def _freeze_keys(freeze: Any, xaxis: XAxis, facet_labels: list[Any], check: bool = True) -> np.ndarray | None:
    """Per facet: the key of the last x of the baseline (the largest key where a facet is not frozen)."""
    if freeze is None:
        return None
    no_freeze = np.iinfo(np.int64).max if xaxis.key.dtype.kind == "i" else np.inf
    keys = np.full(len(facet_labels), no_freeze, dtype=xaxis.key.dtype)
    items = list(freeze.items()) if isinstance(freeze, Mapping) else [(None, freeze)]
    for _, value in items:
        if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
            raise QIValueError("freeze= takes one x value: the last point of the baseline period.")
    # one conversion of every value named, and one look-up table of the facets: a dict of a freeze date per
    # facet over 100,000 facets costs milliseconds, not one pass over the data per facet
    converted = xaxis.keys_of([value for _, value in items], "freeze", check) if items else keys[:0]
    index = _facet_lookup(facet_labels)
    for (fac, _), key in zip(items, converted):
        if fac is None:
            keys[:] = key
        else:
            keys[_facet_index(fac, facet_labels, "freeze", index)] = key
    return keys


def _part_keys(part: Any, xaxis: XAxis, facet_labels: list[Any], check: bool = True) -> dict[int | None, np.ndarray]:
    """part= as x values (a list, or a dict facet -> list): facet code (None = all) -> sorted keys."""
    items = list(part.items()) if isinstance(part, Mapping) else [(None, part)]
    values = [list(val) if isinstance(val, (list, tuple, np.ndarray, pd.Series, pd.Index)) else [val] for _, val in items]
    flat = [item for vals in values for item in vals]
    converted = xaxis.keys_of(flat, "part", check) if flat else xaxis.key[:0]
    bounds = np.cumsum([0] + [len(vals) for vals in values])
    index = _facet_lookup(facet_labels)
    out: dict[int | None, np.ndarray] = {}
    for i, (fac, _) in enumerate(items):
        keys = np.unique(converted[bounds[i] : bounds[i + 1]])
        out[None if fac is None else _facet_index(fac, facet_labels, "part", index)] = keys
    return out


def _facet_lookup(facet_labels: list[Any]) -> dict[Any, int]:
    """Facet label -> facet code (the first, should a label occur twice)."""
    index: dict[Any, int] = {}
    for i, label in enumerate(facet_labels):
        index.setdefault(label, i)
    return index


def _facet_index(fac: Any, facet_labels: list[Any], role: str, index: dict[Any, int] | None = None) -> int:
    label = " | ".join(map(str, fac)) if isinstance(fac, tuple) else fac
    index = _facet_lookup(facet_labels) if index is None else index
    try:
        return index[label]
    except (KeyError, TypeError):
        shown = facet_labels[:10]
        raise QIValueError(
            f"{role}= names a facet that is not in the data: {fac!r}. The facets are {shown!r}"
            f"{' ...' if len(facet_labels) > 10 else ''}."
        ) from None


def _per_facet_value(name: str, value: Any, facet_labels: list[Any]) -> np.ndarray:
    """A number, or a dict facet -> number, as one float per facet (NaN where not given)."""
    n_f = len(facet_labels)
    if value is None:
        return np.full(n_f, np.nan)
    if isinstance(value, Mapping):
        if facet_labels == [None]:
            raise QIValueError(
                f"`{name}` is a dict (facet -> value), but the chart has no facets (no facet= was given). Pass a "
                f"single number, e.g. {name}=10."
            )
        index = _facet_lookup(facet_labels)
        out = np.full(n_f, np.nan)
        unknown = []
        for k, val in value.items():  # a loop over the keys the user gave; two facet columns: "A | B" or ("A", "B")
            label = " | ".join(map(str, k)) if isinstance(k, tuple) else k
            try:
                code = index[label]
            except (KeyError, TypeError):
                unknown.append(k)
                continue
            out[code] = v.require_finite_number(f"{name}[{k!r}]", val)
        if unknown:
            shown = ", ".join(v._safe_repr(k) for k in unknown[:10])
            more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
            raise QIValueError(
                f"`{name}` has {len(unknown):,} key(s) that are not facets of this data: [{shown}]{more}. The facets are "
                f"{facet_labels[:10]!r}{' ...' if n_f > 10 else ''}. Check the spelling; if the dict was made for more "
                f"facets than these data hold (all trusts, and you chart a few), keep only the keys of these facets."
            )
        return out
    return np.full(n_f, v.require_finite_number(name, value))


def _check_cl(opts: Options, cl: np.ndarray) -> None:
    """A fixed centre line must be a value the chart's statistic can take."""
    with np.errstate(invalid="ignore"):
        negative = bool(np.any(cl < 0))
        above_one = bool(np.any(cl > 1))
    if opts.chart in _CLIP_LOW and negative:
        raise QIValueError(
            f"`cl` is negative, but the {CHART_DESCRIPTIONS[opts.chart]} plots values that cannot be below 0, so a "
            f"centre line below 0 cannot be right. Give the centre line on the plotted scale (after multiply), "
            f"or leave cl out to compute it from the data."
        )
    if opts.chart in ("p", "pp") and above_one:
        raise QIValueError(
            f"`cl` is above {opts.multiply:g}, but a {CHART_DESCRIPTIONS[opts.chart]} plots proportions (0 to 1, "
            f"times multiply={opts.multiply:g}), so it cannot be the centre line. Give it on the plotted scale "
            f"(e.g. 0.25, or 25 with multiply=100), or leave cl out to compute it from the data."
        )


def _check_values(chart: str, y: np.ndarray, n: np.ndarray | None, rows: np.ndarray, y_name: str, n_spec: Any) -> None:
    n_name = repr(n_spec) if isinstance(n_spec, str) else "n"
    if n is not None:
        bad = np.isfinite(n) & (n <= 0)
        if bad.any():
            raise QIValueError(
                f"Column {n_name} (n) has {int(bad.sum())} zero or negative values ({v.describe_rows(rows, bad)}). "
                f"The chart divides by n, so every n must be greater than 0. Drop those rows, or set their n to "
                f"missing (NaN) to leave a gap."
            )
    if chart in _NONNEGATIVE:
        bad = np.isfinite(y) & (y < 0)
        if bad.any():
            raise QIValueError(
                f"Column {y_name} (y) has {int(bad.sum())} negative values ({v.describe_rows(rows, bad)}). "
                f"A {CHART_DESCRIPTIONS[chart]} counts events, which cannot be negative. Check those rows."
            )
    if chart in _PROPORTION and n is not None:
        bad = np.isfinite(y) & np.isfinite(n) & (y > n)
        if bad.any():
            raise QIValueError(
                f"y has {int(bad.sum())} values greater than n in a {CHART_DESCRIPTIONS[chart]} "
                f"({v.describe_rows(rows, bad)}). Proportions need y <= n. Check that y and n are not swapped."
            )
    if chart == "t":
        bad = np.isfinite(y) & (y <= 0)
        if bad.any():
            raise QIValueError(
                f"Column {y_name} (y) has {int(bad.sum())} zero or negative times between events "
                f"({v.describe_rows(rows, bad)}). A T chart transforms the times (y ** (1/3.6)), so each must be "
                f"greater than 0. Two events on the same day have a time of 0: record times in hours, add a small "
                f"amount, or use a G chart (chart='g') of the number of cases between events."
            )


# =============================================================================================
# 3. facets and subgroups


@dataclass(frozen=True)
class Subgroups:
    """One entry per subgroup (a facet's rows that share an x), sorted by facet and x."""

    n_seg: int
    order: np.ndarray | None  # the rows in facet, x order (None: the rows were already in order)
    starts: np.ndarray | None  # position (in sorted rows) of each subgroup's first row (None: one row each)
    seg: np.ndarray | None  # subgroup of each sorted row (None: one row each)
    facet: np.ndarray  # facet code per subgroup
    xkey: np.ndarray  # x key per subgroup
    y: np.ndarray  # the statistic (mean, proportion, rate, value ...) before multiply
    n: np.ndarray  # denominator or number of observations (NaN where not used)
    count: np.ndarray  # numerator for count and proportion charts (NaN otherwise)
    s: np.ndarray  # standard deviation of the observations (xbar, s charts; NaN otherwise)

    @property
    def first(self) -> np.ndarray | None:
        """The original row of each subgroup's first row (None: subgroup i is row i)."""
        if self.order is None:
            return self.starts
        return self.order if self.starts is None else self.order[self.starts]

    def facet_start(self) -> np.ndarray:
        """True at the first subgroup of each facet."""
        out = np.ones(self.n_seg, dtype=bool)
        np.not_equal(self.facet[1:], self.facet[:-1], out=out[1:])
        return out


def _seg_sum(values: np.ndarray, valid: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = np.add.reduceat(np.where(valid, values, 0.0), starts)
    count = np.add.reduceat(valid.astype(np.int64), starts)
    return total, count


def _sort_order(cols: Columns) -> np.ndarray | None:
    """Rows in facet, x order; None when they already are (the usual case: no O(n log n) sort)."""
    f, k = cols.fcode, cols.x.key
    if cols.n_rows < 2:
        return None
    same = f[1:] == f[:-1]
    in_order = f[1:] > f[:-1]
    in_order |= same & (k[1:] >= k[:-1])
    if in_order.all():
        return None
    order = np.lexsort((k, f))
    f_sorted = f[order]
    if not np.all((order[1:] > order[:-1]) | (f_sorted[1:] != f_sorted[:-1])):
        _warn(
            "The rows were not in time order (x was not increasing); qitools sorted them by x"
            + (" within each facet" if cols.faceted else "")
            + ". Sort your data by x to silence this warning.",
            DataChangedWarning,
        )
    return order


def form_subgroups(cols: Columns, opts: Options) -> Subgroups:
    """Stage 3: sort the rows by facet and x, and combine the rows that share an x into subgroups.

    Count and proportion charts sum y and n; xbar and s charts take the rows as observations (mean
    and standard deviation); the others aggregate y with ``opts.agg`` (with a warning).
    """
    chart, n_rows = opts.chart, cols.n_rows
    order = _sort_order(cols)

    def sort(a: np.ndarray) -> np.ndarray:
        return a if order is None else a[order]

    fs, xs, ys = sort(cols.fcode), sort(cols.x.key), sort(cols.y)
    ns = sort(cols.n) if cols.n is not None else None
    new_seg = np.ones(n_rows, dtype=bool)
    if n_rows > 1:
        new_seg[1:] = (fs[1:] != fs[:-1]) | (xs[1:] != xs[:-1])
    multi = not bool(new_seg.all())
    starts = np.flatnonzero(new_seg) if multi else None
    n_seg = starts.size if starts is not None else n_rows
    seg = np.cumsum(new_seg) - 1 if multi else None
    nan = np.full(n_seg, np.nan)
    y_sd = nan
    count = nan
    if chart in _OBS_CHARTS:
        st = starts if starts is not None else np.arange(n_rows)
        sg = seg if seg is not None else np.arange(n_rows)
        valid = np.isfinite(ys)
        total, k = _seg_sum(ys, valid, st)
        with np.errstate(invalid="ignore", divide="ignore"):
            y_stat = total / k
            dev = np.where(valid, ys - y_stat[sg], 0.0)
            y_sd = np.sqrt(np.add.reduceat(dev * dev, st) / (k - 1))
        y_sd[k < 2] = np.nan
        n_stat = k.astype(float)
        n_stat[k == 0] = np.nan
    elif chart in _SUM_CHARTS or ns is not None:
        valid = np.isfinite(ys) & (np.isfinite(ns) if ns is not None else True)
        if starts is not None:
            count, k = _seg_sum(ys, valid, starts)
            count[k == 0] = np.nan
            if ns is not None:
                n_stat, _ = _seg_sum(ns, valid, starts)
                n_stat[k == 0] = np.nan
            else:
                n_stat = nan
            k_rows = np.diff(np.r_[starts, n_rows])
            _warn_aggregated(
                int(np.sum(k_rows > 1)),
                "y and n were summed per x" if ns is not None else "y was summed per x",
                cols.faceted,
            )
        else:
            count = ys if bool(valid.all()) else np.where(valid, ys, np.nan)
            if ns is None:
                n_stat = nan
            else:
                n_stat = ns if bool(valid.all()) else np.where(valid, ns, np.nan)
        if ns is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                y_stat = count / n_stat
        else:
            y_stat = count
    else:
        n_stat = nan
        if starts is not None and seg is not None:
            valid = np.isfinite(ys)
            if opts.agg == "median":
                y_stat = group_median(seg, ys, valid, n_seg)
            else:
                total, k = _seg_sum(ys, valid, starts)
                with np.errstate(invalid="ignore", divide="ignore"):
                    y_stat = total if opts.agg == "sum" else total / k
                y_stat[k == 0] = np.nan
            k_rows = np.diff(np.r_[starts, n_rows])
            others = " or ".join(f"agg={a!r}" for a in AGG if a != opts.agg)  # what was not done
            _warn_aggregated(
                int(np.sum(k_rows > 1)),
                f"y was aggregated with {opts.agg}() per x. Pass {others} to change this",
                cols.faceted,
            )
        else:
            y_stat = ys
    return Subgroups(
        n_seg=n_seg,
        order=order,
        starts=starts,
        seg=seg,
        facet=fs if starts is None else fs[starts],
        xkey=xs if starts is None else xs[starts],
        y=y_stat,
        n=n_stat,
        count=count if chart in _SUM_CHARTS else nan,
        s=y_sd,
    )


def _warn_aggregated(k: int, what: str, faceted: bool) -> None:
    if k:
        within = " within a facet" if faceted else ""
        _warn(
            f"{k} x values had several rows{within}; {what}. If each row should be its own point, "
            f"give each a distinct x (or use facet= to keep groups apart).",
            DataChangedWarning,
        )


# =============================================================================================
# 4. parts and baselines


@dataclass(frozen=True)
class Parts:
    """Parts (phases) and baselines per subgroup; one group = one facet x part, contiguous."""

    part: np.ndarray  # part number per subgroup: 1, 2, ... within each facet
    part_label: pd.Series | None  # the part column's value per subgroup (part= a column)
    group: np.ndarray  # group code per subgroup
    n_groups: int
    starts: np.ndarray  # first subgroup of each group
    baseline: np.ndarray  # bool: in the period the limits are computed from (freeze=)
    include: np.ndarray  # bool: not excluded
    base: np.ndarray  # bool: used for the centre line and sigma (baseline, included, with a value)
    seq: np.ndarray  # bool: the points moving ranges are taken over (baseline, included; gaps kept)
    group_facet: np.ndarray  # facet code per group
    cl_fixed: np.ndarray  # per group: fixed centre line (internal scale), NaN where computed


def _count_within(change: np.ndarray, facet_start: np.ndarray) -> np.ndarray:
    """1, 2, ... counting ``change`` points, restarting at each facet start."""
    c = np.cumsum(change)
    return (c - c[np.flatnonzero(facet_start)][np.cumsum(facet_start) - 1] + 1).astype(np.int64)


def _starts_before(facet: np.ndarray, xkey: np.ndarray, starts: dict[Any, np.ndarray]) -> np.ndarray:
    """Per point: how many of its facet's part starts (``starts``: facet code -> keys) are at or before its x.

    One sort of the points and the starts together (by facet, then x, a start before a point at the same x)
    and a running count within each facet, instead of a pass over the data per facet."""
    n = facet.shape[0]
    sf = np.repeat(np.fromiter(starts.keys(), dtype=np.int64, count=len(starts)), [k.size for k in starts.values()])
    sk = np.concatenate([np.asarray(k, dtype=xkey.dtype) for k in starts.values()]) if starts else xkey[:0]
    fac_all = np.concatenate([facet.astype(np.int64, copy=False), sf])
    key_all = np.concatenate([xkey, sk])
    is_point = np.zeros(fac_all.size, dtype=bool)
    is_point[:n] = True
    order = np.lexsort((is_point, key_all, fac_all))
    point_sorted = is_point[order]
    counted = np.cumsum(~point_sorted)
    fac_sorted = fac_all[order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = fac_sorted[1:] != fac_sorted[:-1]
    before = (counted - ~point_sorted)[new]  # starts counted before each facet begins
    within = counted - np.repeat(before, np.diff(np.append(np.flatnonzero(new), order.size)))
    out = np.zeros(n, dtype=np.int64)
    out[order[point_sorted]] = within[point_sorted]
    return out


def assign_parts(cols: Columns, sub: Subgroups, opts: Options) -> Parts:
    """Stage 4: number the parts (a new part at each x in ``part=`` or each change of the part
    column), mark the baseline (up to ``freeze=``; a part that starts after it uses all its points),
    the excluded points and the points used for the limits."""
    facet_start = sub.facet_start()
    part_label = None
    if cols.part_col is not None:
        first = sub.first
        lab_codes = pd.factorize(cols.part_col)[0]
        lab_codes = lab_codes if first is None else lab_codes[first]
        change = facet_start.copy()
        change[1:] |= lab_codes[1:] != lab_codes[:-1]
        part_no = _count_within(change, facet_start)
        part_label = cols.part_col if first is None else cols.part_col.iloc[first].reset_index(drop=True)
    elif cols.part_keys is not None:
        if None in cols.part_keys:
            part_no = 1 + np.searchsorted(cols.part_keys[None], sub.xkey, side="right")
        else:  # per facet: every (facet, start) pair at once, however many facets were named
            part_no = 1 + _starts_before(sub.facet, sub.xkey, cols.part_keys)
        # renumber so that each facet's first part is 1 and parts are consecutive
        change = facet_start.copy()
        change[1:] |= part_no[1:] != part_no[:-1]
        part_no = _count_within(change, facet_start)
    else:
        part_no = None
    if part_no is None:  # one part per facet: the groups are the facets
        part_no = np.ones(sub.n_seg, dtype=np.int64)
        group = sub.facet
        starts = np.flatnonzero(facet_start)
        n_groups = int(starts.size)
    else:
        new_group = facet_start.copy()
        new_group[1:] |= part_no[1:] != part_no[:-1]
        group = np.cumsum(new_group, dtype=np.int32) - 1
        starts = np.flatnonzero(new_group)
        n_groups = int(starts.size)

    if cols.freeze_keys is not None:
        baseline = sub.xkey <= cols.freeze_keys[sub.facet]
        has_base = seg_count(baseline, starts) > 0
        if not has_base.all():
            baseline |= ~has_base[group]
    else:
        baseline = np.ones(sub.n_seg, dtype=bool)
    if cols.exclude_keys is not None:
        include = ~np.isin(sub.xkey, cols.exclude_keys)
    else:
        include = np.ones(sub.n_seg, dtype=bool)
    seq = baseline & include
    base = seq & np.isfinite(sub.y)
    if opts.chart in _NEEDS_N:
        base &= np.isfinite(sub.n)
    gf = sub.facet[starts]
    return Parts(
        part=part_no,
        part_label=part_label,
        group=group,
        n_groups=n_groups,
        starts=starts,
        baseline=baseline,
        include=include,
        base=base,
        seq=seq,
        group_facet=gf,
        cl_fixed=cols.cl_facet[gf],
    )


# =============================================================================================
# 5. limits


@dataclass(frozen=True)
class Limits:
    """Centre line and limits of every point, on the plotted scale (after ``multiply``)."""

    raw: ChartLimits  # before multiply, with the per-group sigma and extra summary values
    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray


def compute_limits(sub: Subgroups, parts: Parts, opts: Options) -> Limits:
    """Stage 5: the chart's centre line and limits for every point (:data:`.charts.CHARTS`)."""
    ci = ChartInput(
        group=parts.group,
        n_groups=parts.n_groups,
        starts=parts.starts,
        y=sub.y,
        n=sub.n,
        count=sub.count,
        s=sub.s,
        base=parts.base,
        screen_mr=opts.screen_mr,
        cl_fixed=parts.cl_fixed,
        seq=parts.seq,
        mr=opts.mr_constants,
    )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        lim = CHARTS[opts.chart](ci)
    if opts.cl is not None:
        _warn_cl_outside(lim, parts)
    m = opts.multiply
    if m == 1:
        return Limits(lim, lim.y, lim.cl, lim.lcl, lim.ucl)
    return Limits(lim, lim.y * m, lim.cl * m, lim.lcl * m, lim.ucl * m)


def _warn_cl_outside(lim: ChartLimits, parts: Parts) -> None:
    """A fixed centre line outside the limits computed from the data (a g chart's limits come from the
    data's mean; a p chart's are clipped to [0, 1]) is drawn as given, with a warning."""
    with np.errstate(invalid="ignore"):
        tol = 1e-9 * np.maximum(1.0, np.abs(lim.cl))
        outside = (lim.cl < lim.lcl - tol) | (lim.cl > lim.ucl + tol)
    if outside.any():
        groups = np.unique(parts.group[outside])
        _warn(
            f"The fixed centre line (cl=) lies outside the control limits computed from the data in "
            f"{_plural_groups(groups.size)}. It is drawn as given, but points are judged against limits that do not "
            f"surround it: check that cl is on the plotted scale (after multiply), or leave it out.",
            DataQualityWarning,
        )


def _plural_groups(k: int) -> str:
    return "1 part of the chart" if k == 1 else f"{k} parts of the chart"


# =============================================================================================
# 6. rules


@dataclass(frozen=True)
class Signals:
    """Which points signal, by which rule; the runs analysis per group (None under Making Data Count)."""

    sigma_signal: np.ndarray  # strictly beyond a limit
    n_useful: np.ndarray  # per group: points not on the centre line, not excluded, not missing
    runs: RunsResult | None  # the Anhøj runs analysis (None: not part of the rule set)
    rule_set: RuleSetResult
    point_type: np.ndarray | None  # int8 codes into POINT_TYPES[direction]


def apply_rule_set(cols: Columns, sub: Subgroups, parts: Parts, lim: Limits, opts: Options) -> Signals:
    """Stage 6: points beyond the limits, the Anhøj runs analysis (every rule set but Making Data
    Count, which has its own shift and trend rules), the chosen rule set and the point types; then
    the warnings about too little data."""
    y, cl, lcl, ucl = lim.y, lim.cl, lim.lcl, lim.ucl
    size = y.shape[0]
    buf = np.empty(size)
    tol = np.empty(size)
    with np.errstate(invalid="ignore"):
        # a point exactly on a limit (to float round-off) is not a signal; where a limit is missing the
        # comparisons are False whatever the tolerance
        np.subtract(ucl, cl, out=buf)
        np.abs(buf, out=buf)
        np.abs(cl, out=tol)
        tol += buf
        tol *= _REL_TOL
        np.add(ucl, tol, out=buf)
        sigma_signal = np.greater(y, buf)
        np.subtract(lcl, tol, out=buf)
        sigma_signal |= np.less(y, buf)
        # useful for the runs analysis: not excluded, not missing, not on the centre line
        diff = np.subtract(y, cl, out=buf)
        np.abs(cl, out=tol)
        tol *= _REL_TOL
        above = diff > tol
        below = diff < -tol
    above &= parts.include
    below &= parts.include
    useful = above | below
    side = above.view(np.int8) - below.view(np.int8)
    del buf, tol, diff, above, below
    group, n_groups = parts.group, parts.n_groups
    runs = None
    if opts.anhoej_runs:
        runs = runs_analysis(group, side, n_groups)
        if opts.chart == "mr":
            # consecutive moving ranges share a point, so they are autocorrelated and the runs limits do
            # not hold: the statistics are reported but never signal (as in qicharts2)
            runs = replace(
                runs, runs_signal=np.zeros(n_groups, dtype=bool), in_long_run=np.zeros_like(runs.in_long_run)
            )
        n_useful = runs.n_useful
    else:
        n_useful = seg_count(useful, parts.starts)
    considered = parts.include & np.isfinite(y)
    rs = apply_rules(
        opts.rules,
        group,
        n_groups,
        y,
        cl,
        ucl,
        considered,
        side,
        sigma_signal,
        runs.in_long_run if runs is not None else None,
    )
    point_type = None
    if opts.point_types:
        point_type = _point_type_codes(rs.special, rs.high, opts.direction)

    def labels() -> list[str]:
        return _group_labels(parts.group_facet, parts.part[parts.starts], cols.facet_labels, cols.faceted)

    if opts.rules == "mdc":
        _warn_mdc_short(parts.base, parts.starts, labels)
    _warn_too_few(opts.chart, lim.raw.cl, lim.raw.ucl, parts, n_useful if runs is not None else None, labels)
    return Signals(sigma_signal, n_useful, runs, rs, point_type)


def _point_type_codes(special: np.ndarray, high: np.ndarray, improvement: str) -> np.ndarray:
    """Codes into ``POINT_TYPES[improvement]``: 0 common cause; 1 improvement (or neutral high); 2
    concern (or neutral low). Lower is better under "decrease", so a low special cause improves."""
    improving = ~high if improvement == "decrease" else high
    codes = np.subtract(2, improving.view(np.int8), dtype=np.int8)
    codes *= special.view(np.int8)
    return codes


def _group_labels(gf: np.ndarray, gpart: np.ndarray, facet_labels: list[Any], faceted: bool) -> list[str]:
    if faceted:
        return [f"facet {facet_labels[f]!r} part {p}" for f, p in zip(gf, gpart)]
    if len(gpart) == 1:
        return ["the chart"]
    return [f"part {p}" for p in gpart]


def _describe_groups(labels: list[str], mask: np.ndarray) -> str:
    idx = np.flatnonzero(mask)
    shown = ", ".join(labels[i] for i in idx[:5])
    return shown + (f" and {idx.size - 5} more" if idx.size > 5 else "")


def _warn_mdc_short(base: np.ndarray, group_first: np.ndarray, make_labels: Callable[[], list[str]]) -> None:
    n_base = seg_count(base, group_first)
    short = n_base < MDC_MIN_BASELINE
    if short.any():
        labels = make_labels()
        shown = ", ".join(f"{labels[i]} has {n_base[i]}" for i in np.flatnonzero(short)[:5])
        more = f" and {int(short.sum()) - 5} more" if short.sum() > 5 else ""
        _warn(
            f"Making Data Count asks for at least {MDC_MIN_BASELINE} points to set limits; {shown}{more}. "
            f"Treat those limits as trial limits, to be revised as points are added, and avoid rebasing "
            f"(part=) or fixing (freeze=) on fewer points.",
            TooFewPointsWarning,
        )


def _warn_too_few(
    chart: str,
    cl: np.ndarray,
    ucl: np.ndarray,
    parts: Parts,
    n_useful: np.ndarray | None,
    make_labels: Callable[[], list[str]],
) -> None:
    """Warn about parts without limits, with zero-width limits, or too short for the runs analysis
    (``n_useful`` None: no runs analysis)."""
    n_groups, starts = parts.n_groups, parts.starts
    n_base = seg_count(parts.base, starts)
    if chart not in _NO_LIMITS:
        bad = ~np.logical_or.reduceat(np.isfinite(ucl), starts) if n_groups else np.zeros(0, dtype=bool)
        if bad.any():
            need = (
                "2 points (one moving range)"
                if chart in ("i", "mr", "t", "pp", "up")
                else ("subgroups of 2 or more observations" if chart in _OBS_CHARTS else "1 point with data")
            )
            _warn(
                f"No control limits could be computed for {_describe_groups(make_labels(), bad)}: "
                f"the {CHART_DESCRIPTIONS[chart]} needs at least {need} in the baseline. "
                f"Those limits are NaN; add data or merge the part with its neighbour.",
                TooFewPointsWarning,
            )
        with np.errstate(invalid="ignore"):
            fin = ucl == cl  # False where either is missing
        zero = np.logical_or.reduceat(fin, starts) if n_groups else np.zeros(0, dtype=bool)
        zero &= n_base > 1
        if zero.any():
            _warn(
                f"The limits have zero width for {_describe_groups(make_labels(), zero)} because the values do not vary "
                f"in the baseline. Every other value will be a signal; check the data (a constant series is often "
                f"a data-entry default).",
                TooFewPointsWarning,
            )
    if n_useful is None:
        return
    few = (n_useful < MIN_USEFUL_FOR_RUNS) & (n_base > 0)
    if few.any():
        labels = make_labels()
        counts = [f"{labels[i]} has {n_useful[i]}" for i in np.flatnonzero(few)[:5]]
        more = f" and {int(few.sum()) - 5} more" if few.sum() > 5 else ""
        _warn(
            f"The runs analysis needs at least {MIN_USEFUL_FOR_RUNS} useful points (not on the centre line, "
            f"not excluded, not missing) to be reliable; {', '.join(counts)}{more}. Those runs results are "
            f"given but have little power to detect a shift: collect more points before judging.",
            TooFewPointsWarning,
        )


# =============================================================================================
# 7. assembly


def _categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """A categorical from codes known to be valid (not checked again where pandas allows: 2.1 and later)."""
    try:
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    except TypeError:  # pandas 2.0 has no validate=
        return pd.Categorical.from_codes(codes, dtype=dtype)


def _label_column(labels: pd.Index, codes: np.ndarray) -> Any:
    """A per-row column of repeated labels (``labels[codes]``): a categorical for text (no Python
    object per row), the labels' own dtype otherwise (numbers, dates)."""
    if labels.dtype == object or isinstance(labels.dtype, pd.StringDtype):
        label_codes, uniques = pd.factorize(labels, sort=False)  # one entry per label, not per row
        if label_codes.size == 0 or label_codes.min() >= 0:
            dtype = pd.CategoricalDtype(uniques)
            small = label_codes.astype(np.int8 if uniques.size < 127 else np.int16 if uniques.size < 32_767 else np.int32)
            return _categorical(small[codes], dtype)
    return labels.take(codes)


def assemble(opts: Options, cols: Columns, sub: Subgroups, parts: Parts, lim: Limits, sig: Signals) -> SPCResult:
    """Stage 7: the tidy per-point table (``data``), the per-part ``summary``, the Making Data Count
    ``icons`` and the resolved ``params``."""
    n_seg, rs = sub.n_seg, sig.rule_set
    first = sub.first
    out: dict[str, Any] = {}
    if cols.faceted:
        for name, labels in zip(cols.facet_names, cols.facet_parts):
            out[name] = _label_column(labels, sub.facet)
        if len(cols.facet_names) == 2:
            out["facet"] = _label_column(pd.Index(cols.facet_labels, dtype=object), sub.facet)
        else:
            out["facet"] = out[cols.facet_names[0]]
    x_values = cols.x.values
    out["x"] = x_values.array if first is None else x_values.iloc[first].array
    out["y"] = lim.y
    out["n"] = sub.n
    if opts.chart in _SUM_CHARTS or cols.n is not None:
        out["count"] = sub.count  # the numerator (events) behind y, for tables and disclosure control
    out["part"] = parts.part
    if parts.part_label is not None:
        out["part_label"] = _label_column(*_codes_of(parts.part_label))
    out["baseline"] = parts.baseline
    out["include"] = parts.include
    out["cl"] = lim.cl
    out["lcl"] = lim.lcl
    out["ucl"] = lim.ucl
    out["sigma_signal"] = sig.sigma_signal
    if sig.runs is not None:
        out["runs_signal"] = np.repeat(sig.runs.runs_signal, np.diff(np.r_[parts.starts, n_seg]))
        out["long_run"] = sig.runs.in_long_run
    else:  # no Anhøj runs analysis under Making Data Count: missing, not "no signal"
        out["runs_signal"] = pd.arrays.BooleanArray(np.zeros(n_seg, dtype=bool), np.ones(n_seg, dtype=bool))
    if opts.target is not None:
        out["target"] = cols.target_facet[sub.facet]
    if cols.notes is not None:
        out["notes"] = _joined_notes(cols.notes, sub, n_seg)
    for name in RULE_COLUMNS[opts.rules]:
        if name not in out:
            out[name] = rs.columns[name]
    if opts.rules == "mdc":
        out["mdc_rule"] = mdc_rule_label(rs.columns)
    out["special_cause"] = rs.special
    if sig.point_type is not None:
        out["point_type"] = pd.Categorical.from_codes(sig.point_type, categories=list(POINT_TYPES[opts.direction]))
    data_out = pd.DataFrame(out, copy=False)

    summary = _summary(opts, cols, parts, lim, sig)
    icons = _icons(cols, sub, lim, sig, opts) if sig.point_type is not None else None
    params = {
        "chart": opts.chart,
        "chart_description": CHART_DESCRIPTIONS[opts.chart],
        "x": opts.x if isinstance(opts.x, str) else None,
        "y": opts.y if isinstance(opts.y, str) else None,
        "n": opts.n if isinstance(opts.n, str) else None,
        "facet": cols.facet_names or None,
        "part": opts.part,
        "freeze": opts.freeze,
        "exclude": list(opts.exclude) if isinstance(opts.exclude, (list, tuple, set, np.ndarray)) else opts.exclude,
        "multiply": opts.multiply,
        "cl": opts.cl,
        "target": opts.target,
        "rules": opts.rules,
        "improvement": opts.improvement,
        "screen_mr": opts.screen_mr,
        "agg": opts.agg,
        "notes": opts.notes if isinstance(opts.notes, str) else None,
        "n_facets": cols.n_facets if cols.faceted else 1,
        "conventions": conventions(opts.chart, opts.screen_mr, opts.rules),
    }
    return SPCResult(opts.chart, data_out, summary, params, icons)


def _codes_of(values: pd.Series) -> tuple[pd.Index, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=False)
    return pd.Index(uniques), codes


def _summary(opts: Options, cols: Columns, parts: Parts, lim: Limits, sig: Signals) -> pd.DataFrame:
    starts, n_groups = parts.starts, parts.n_groups
    gf = parts.group_facet
    summ: dict[str, Any] = {}
    if cols.faceted:
        for name, labels in zip(cols.facet_names, cols.facet_parts):
            summ[name] = labels.take(gf)
        summ["facet"] = np.asarray(cols.facet_labels, dtype=object)[gf] if len(cols.facet_names) == 2 else summ[
            cols.facet_names[0]
        ]
    summ["part"] = parts.part[starts]
    summ["n_obs"] = seg_count(parts.include, starts)
    summ["n_useful"] = sig.n_useful
    if sig.runs is not None:
        summ["longest_run"] = sig.runs.longest_run
        summ["longest_run_max"] = sig.runs.longest_run_max
        summ["n_crossings"] = sig.runs.n_crossings
        summ["n_crossings_min"] = sig.runs.n_crossings_min
        summ["runs_signal"] = sig.runs.runs_signal
    else:  # Making Data Count has its own run rules; the Anhøj analysis is not done
        for name in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"):
            summ[name] = np.full(n_groups, np.nan)
        summ["runs_signal"] = pd.arrays.BooleanArray(np.zeros(n_groups, dtype=bool), np.ones(n_groups, dtype=bool))
    for name, values in (("cl", lim.cl), ("lcl", lim.lcl), ("ucl", lim.ucl)):
        if opts.chart in _CONSTANT_LIMITS:  # one value per group: its first point's
            summ[name] = values[starts] if values.size else np.zeros(0)
        else:  # limits that vary with n: their mean over the points that have one
            summ[name] = seg_mean(values, np.isfinite(values), starts)
    summ["sigma_signals"] = seg_count(sig.sigma_signal, starts)
    summ["special_causes"] = seg_count(sig.rule_set.special, starts)
    for name, values in sig.rule_set.summary.items():
        summ[name] = values
    if opts.chart == "g":
        summ["mean"] = lim.raw.extra["mean"] * opts.multiply
    if opts.chart in ("i", "xbar", "c", "mr"):
        summ["sigma"] = lim.raw.sigma * opts.multiply
    if opts.target is not None:
        summ["target"] = cols.target_facet[gf]
    return pd.DataFrame(summ)


def _joined_notes(notes_col: pd.Series, sub: Subgroups, n_seg: int) -> np.ndarray:
    vals = notes_col.to_numpy(dtype=object)
    if sub.order is not None:
        vals = vals[sub.order]
    out = np.full(n_seg, None, dtype=object)
    have = np.flatnonzero(~pd.isna(vals))
    for i in have:  # notes are few; a loop over the annotated rows only
        s = sub.seg[i] if sub.seg is not None else i
        out[s] = str(vals[i]) if out[s] is None else f"{out[s]}; {vals[i]}"
    return out


#: (point type code, direction) -> variation icon; codes index POINT_TYPES[direction]
_VARIATION: dict[str, tuple[str, str, str]] = {
    "increase": ("common_cause", "improvement_high", "concern_low"),
    "decrease": ("common_cause", "improvement_low", "concern_high"),
    "neutral": ("common_cause", "neutral_high", "neutral_low"),
}


def _icons(cols: Columns, sub: Subgroups, lim: Limits, sig: Signals, opts: Options) -> pd.DataFrame:
    """Making Data Count icons per facet: variation from the last point with a value, assurance from
    the target against the limits at the last point."""
    direction = opts.direction
    n_facets = cols.n_facets
    y = lim.y
    idx = np.arange(y.shape[0])
    fstarts = np.flatnonzero(sub.facet_start())
    last = np.full(n_facets, -1, dtype=np.int64)
    if y.size:
        last[sub.facet[fstarts]] = np.maximum.reduceat(np.where(np.isfinite(y), idx, -1), fstarts)
    found = last >= 0
    at = np.maximum(last, 0)
    variation = np.asarray(_VARIATION[direction], dtype=object)[sig.point_type[at]] if y.size else np.zeros(0, object)
    variation = np.where(found, variation, None)
    lo = np.where(found, lim.lcl[at], np.nan) if y.size else np.full(n_facets, np.nan)
    hi = np.where(found, lim.ucl[at], np.nan) if y.size else np.full(n_facets, np.nan)
    t = cols.target_facet
    assurance = np.full(n_facets, None, dtype=object)
    ok = found & np.isfinite(t) & np.isfinite(lo) & np.isfinite(hi) & (direction != "neutral")
    with np.errstate(invalid="ignore"):
        if direction == "increase":
            verdict = np.where(t <= lo, "pass", np.where(t > hi, "fail", "hit_or_miss"))
        else:
            verdict = np.where(t >= hi, "pass", np.where(t < lo, "fail", "hit_or_miss"))
    assurance[ok] = verdict[ok]
    out: dict[str, Any] = {}
    if cols.faceted:
        for name, parts in zip(cols.facet_names, cols.facet_parts):
            out[name] = parts
        out["facet"] = cols.facet_labels if len(cols.facet_parts) == 2 else cols.facet_parts[0]
    out["variation"] = variation
    out["assurance"] = assurance
    out["target"] = t
    out["lcl"] = lo
    out["ucl"] = hi
    return pd.DataFrame(out)


# =============================================================================================
# the engine


def compute(
    data: pd.DataFrame | None = None,
    *,
    x: Any = None,
    y: Any,
    n: Any = None,
    chart: str = "run",
    part: Any = None,
    freeze: Any = None,
    exclude: Any = None,
    multiply: float = 1,
    cl: Any = None,
    target: Any = None,
    facet: Any = None,
    rules: str = "anhoej",
    improvement: str | None = None,
    screen_mr: bool = True,
    agg: str = "mean",
    notes: Any = None,
    partial: bool = False,
) -> SPCResult:
    """Compute a control chart; see :func:`qitools.control_chart` for the arguments (``partial``: the
    data are one partition of the user's; see :attr:`Options.partial`).

    The seven stages, in order (each documented in its own function)::

        opts   = resolve_options(data, ...)                   # 1. options
        cols   = read_columns(data, opts)                     # 2. columns (inputs normalised)
        sub    = form_subgroups(cols, opts)                   # 3. facets and subgroups
        parts  = assign_parts(cols, sub, opts)                # 4. parts and baselines
        lim    = compute_limits(sub, parts, opts)             # 5. limits
        sig    = apply_rule_set(cols, sub, parts, lim, opts)  # 6. rules
        return assemble(opts, cols, sub, parts, lim, sig)     # 7. assembly
    """
    opts = resolve_options(
        data,
        x=x,
        y=y,
        n=n,
        chart=chart,
        part=part,
        freeze=freeze,
        exclude=exclude,
        multiply=multiply,
        cl=cl,
        target=target,
        facet=facet,
        rules=rules,
        improvement=improvement,
        screen_mr=screen_mr,
        agg=agg,
        notes=notes,
        partial=partial,
    )
    cols = read_columns(data, opts)
    sub = form_subgroups(cols, opts)
    parts = assign_parts(cols, sub, opts)
    lim = compute_limits(sub, parts, opts)
    sig = apply_rule_set(cols, sub, parts, lim, opts)
    return assemble(opts, cols, sub, parts, lim, sig)


# =============================================================================================
# conventions


def conventions(chart: str, screen_mr: bool, rules: str = "anhoej") -> dict[str, str]:
    """The conventions a chart follows where the reference tools differ, in plain words."""
    mdc = rules == "mdc"
    c: dict[str, str] = {}
    c["centre line"] = {
        "run": "median of the baseline points",
        "i": "mean of the baseline points",
        "mr": "mean of the baseline moving ranges",
        "xbar": "mean of the subgroup means, weighted by subgroup size",
        "s": "s-bar: mean of the subgroup standard deviations when all subgroups are the same size, "
        "otherwise the pooled standard deviation (Montgomery eq. 6.31)",
        "p": "total events / total denominator over the baseline (weighted by n)",
        "np": "n x p-bar, p-bar = total events / total denominator over the baseline",
        "pp": "total events / total denominator over the baseline (weighted by n)",
        "c": "mean count of the baseline points",
        "u": "total events / total exposure over the baseline (weighted by n)",
        "up": "total events / total exposure over the baseline (weighted by n)",
        "g": "median of the baseline points (limits come from the mean; see summary column 'mean')",
        "t": "mean of y^(1/3.6) over the baseline, transformed back",
    }[chart]
    if chart == "run":
        c["limits"] = "none: a run chart is judged by the runs analysis only"
    else:
        c["limits"] = "centre +/- 3 sigma; a point must lie strictly beyond a limit to signal"
        if chart in _CLIP_LOW:
            c["limits"] += "; the lower limit is clipped at 0" + (" and the upper at 1" if chart in ("p", "pp") else "")
    if chart in _MR_SIGMA or chart == "mr":
        if mdc:
            c["sigma"] = (
                "Making Data Count's published constant: the limits are mean +/- 2.66 x the average moving "
                "range (sigma = 2.66/3 x the average moving range), as in the NHS Making Data Count "
                "spreadsheets and NHSRplotthedots"
            )
        else:
            c["sigma"] = (
                "average moving range / d2(2), with d2(2) = 2/sqrt(pi) = 1.12838 computed exactly (the multiplier "
                "is 3/d2(2) = 2.6587; tools that type 2.66 or 1.128 differ in the 4th significant figure)"
            )
        if chart == "mr":
            c["sigma"] = (
                "upper limit 3.267 x MR-bar (Making Data Count's published constant)"
                if mdc
                else "upper limit D4(2) x MR-bar = 3.2665 x MR-bar (exact D4; often typed as 3.267)"
            )
        if chart in ("pp", "up"):
            c["sigma"] = (
                "Laney: p/u-chart sigma x sigma_z, sigma_z = average moving range of z-scores x 2.66/3 "
                "(Making Data Count's constant)"
                if mdc
                else "Laney: p/u-chart sigma x sigma_z, sigma_z = average moving range of z-scores / d2(2) (exact)"
            )
        gaps = (
            "; a moving range spans two consecutive periods only: one that touches a missing value is left out "
            "(as qicharts2, NHSRplotthedots and Minitab do), and excluded points are skipped"
        )
        if chart != "mr":
            if not screen_mr:
                screened = "not screened (as the NIST, Montgomery and NHS Making Data Count spreadsheet examples)"
            elif mdc:
                screened = (
                    "screened as Making Data Count does: moving ranges of 3.267 x their average or more dropped "
                    "once before averaging (as NHSRplotthedots)"
                )
            else:
                screened = (
                    "screened: moving ranges above D4(2) x their average (3.2665 x) dropped once before averaging "
                    "(Nelson 1982), as qicharts2 and NHSRplotthedots do by default"
                )
            c["moving ranges"] = screened + gaps
        else:
            c["moving ranges"] = "not screened" + gaps
    elif chart in ("xbar", "s"):
        c["sigma"] = (
            "s-bar / c4(n), with c4 from the gamma function (exact); limits use A3(n_i), B3(n_i), B4(n_i) per subgroup"
        )
    elif chart in ("p", "np"):
        c["sigma"] = "binomial: sqrt(p-bar (1 - p-bar) / n_i) per point"
    elif chart in ("c", "u"):
        c["sigma"] = "Poisson: sqrt(c-bar) (c chart) or sqrt(u-bar / n_i) (u chart) per point"
    elif chart == "g":
        c["sigma"] = "geometric: sqrt(mean x (mean + 1))"
    if mdc:
        c["runs analysis"] = (
            "not done: Making Data Count judges runs with its own rules (a shift: 7 points in a row on one side "
            "of the mean; a trend: 7 points in a row increasing or decreasing), not the crossings-and-longest-run "
            "analysis of the other rule sets. Its statistics in the "
            "summary (longest_run, n_crossings, their limits and runs_signal) and data['runs_signal'] are "
            "missing (NA) rather than 'no signal'"
        )
        c["special causes"] = (
            "Making Data Count, first rule that fired: a point outside the limits; 7 points in a row increasing "
            "or decreasing; 2 of 3 points in a row beyond 2 sigma, all 3 on the same side of the mean; 7 points "
            "in a row on one side of the mean"
        )
        return c
    if chart == "mr":
        c["runs analysis"] = (
            "statistics reported, but never a signal: consecutive moving ranges share a point, so they are "
            "autocorrelated and the Anhøj limits do not apply (as in qicharts2)"
        )
        return c
    c["runs analysis"] = (
        "Anhøj: longest run > round(log2(n)) + 3 or crossings < qbinom(0.05, n - 1, 0.5), n = useful points "
        "(not on the centre line, not excluded, not missing); over every point of the part"
    )
    return c
