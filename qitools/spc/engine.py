"""The SPC engine: from user data to the tidy per-point table and the per-part summary.

One pass, vectorised over every facet and part: validate everything first, sort by facet and x,
form subgroups, assign parts and baselines, compute centre lines and limits
(:mod:`qitools.spc.charts`), judge points against the limits and run the Anhøj runs analysis
(:mod:`qitools.spc.rules`). Returns plain pandas frames; the objects users hold live above this
package (:mod:`qitools.results`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from . import validate as v
from .constants import d2
from .charts import CHART_ALIASES, CHART_DESCRIPTIONS, CHARTS, ChartInput, group_median
from .groups import facet_codes, seg_count, seg_mean
from .errors import DataChangedWarning, QITypeError, QIValueError, TooFewPointsWarning
from .rules import runs_analysis
from .rulesets import NEEDS_LIMITS, RULE_COLUMNS, apply_rules, mdc_rule_label

__all__ = ["SPCResult", "compute", "RULES", "IMPROVEMENT", "AGG", "MIN_USEFUL_FOR_RUNS"]

RULES = ("anhoej", "ihi", "western_electric", "nelson", "mdc")
IMPROVEMENT = ("increase", "decrease", "neutral")
AGG = ("mean", "median", "sum")
#: Anhøj & Olesen's critical values start at 10 useful points; fewer gets a warning
MIN_USEFUL_FOR_RUNS = 10
#: Making Data Count: limits from fewer baseline points than this are "trial limits"
MDC_MIN_BASELINE = 12
#: Making Data Count XmR limits: mean +/- 2.66 x average moving range (the MDC definition)
MDC_XMR_FACTOR = 2.66

_SUM_CHARTS = {"p", "np", "pp", "c", "u", "up"}
_NEEDS_N = {"p", "np", "pp", "u", "up"}
_PROPORTION = {"p", "np", "pp"}
_OBS_CHARTS = {"xbar", "s"}
_NO_N = {"mr", "c", "g", "t", "xbar", "s"}
_NONNEGATIVE = {"p", "np", "pp", "c", "u", "up", "g"}
_MR_SIGMA = {"i", "t", "pp", "up"}
_NO_LIMITS = {"run"}
_CLIP_LOW = {"mr", "s", "p", "np", "pp", "c", "u", "up", "g", "t"}

# relative tolerance for "on the centre line" and "exactly on a limit" (float round-off only)
_REL_TOL = 1e-9


@dataclass(frozen=True)
class SPCResult:
    """What the engine returns: the per-point table, the per-part summary and resolved options."""

    chart: str
    data: pd.DataFrame
    summary: pd.DataFrame
    params: dict[str, Any]
    icons: pd.DataFrame | None = None


# ---------------------------------------------------------------------------------------------
# argument checks (before any work)


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


def _key_of_values(values: Any, x_kind: str, role: str) -> np.ndarray:
    """Convert user-given x values (freeze, part, exclude) to the sort key used for x."""
    arr = pd.Series(list(values) if isinstance(values, (list, tuple, np.ndarray, pd.Series, pd.Index)) else [values])
    if x_kind == "datetime":
        try:
            return pd.to_datetime(arr).to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
        except (ValueError, TypeError) as exc:
            raise QIValueError(f"{role}= values must be dates like the x column; got {list(arr)!r}.") from exc
    if x_kind == "number":
        try:
            return arr.astype(float).to_numpy()
        except (ValueError, TypeError) as exc:
            raise QIValueError(f"{role}= values must be numbers like the x column; got {list(arr)!r}.") from exc
    return arr.to_numpy(dtype=object)


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


def _match_keys(
    keys: np.ndarray, xkey: np.ndarray, x_kind: str, x_values: pd.Series, role: str, given: Any
) -> np.ndarray:
    """Map user x values to keys, failing with a clear message when one is not an x value."""
    if x_kind == "other":
        lookup = {val: k for val, k in zip(x_values.to_numpy(dtype=object), xkey)}
        missing = [val for val in keys if val not in lookup]
        out = np.array([lookup.get(val, np.nan) for val in keys], dtype=float)
    else:
        present = np.isin(keys, xkey)
        missing = list(
            np.asarray(
                given if isinstance(given, (list, tuple, np.ndarray, pd.Series, pd.Index)) else [given], dtype=object
            )[~present]
        )
        out = keys.astype(float)
    if missing:
        lo, hi = x_values.min(), x_values.max()
        raise QIValueError(
            f"{role}= names x values that are not in the data: {missing!r}. {role} takes x values "
            f"(not row numbers); x runs from {lo!r} to {hi!r}. Check the spelling or the date."
        )
    return out


def _per_facet_value(name: str, value: Any, facet_labels: list[Any]) -> np.ndarray:
    """A number, or a dict facet -> number, as one float per facet (NaN where not given)."""
    n_f = len(facet_labels)
    if value is None:
        return np.full(n_f, np.nan)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in facet_labels]
        if unknown:
            raise QIValueError(
                f"`{name}` has keys that are not facets: {unknown!r}. The facets are "
                f"{facet_labels[:10]!r}{' ...' if n_f > 10 else ''}."
            )
        return np.array(
            [v.require_finite_number(f"{name}[{k!r}]", value[k]) if k in value else np.nan for k in facet_labels],
            dtype=float,
        )
    return np.full(n_f, v.require_finite_number(name, value))


# ---------------------------------------------------------------------------------------------
# segment helpers for subgroups (contiguous after sorting)


def _seg_sum(values: np.ndarray, valid: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = np.add.reduceat(np.where(valid, values, 0.0), starts)
    count = np.add.reduceat(valid.astype(np.int64), starts)
    return total, count


def _seg_median(values: np.ndarray, valid: np.ndarray, seg: np.ndarray, n_seg: int) -> np.ndarray:
    return group_median(seg, values, valid, n_seg)


# ---------------------------------------------------------------------------------------------
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
) -> SPCResult:
    """Compute a control chart; see :func:`qitools.control_chart` for the arguments."""
    # -- options -------------------------------------------------------------------------------
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
    if data is not None and not isinstance(data, pd.DataFrame):
        if isinstance(data, (str, bytes)):
            raise QITypeError(
                f"data= must be a pandas DataFrame; got the text {data!r}. To chart a file, read it first: "
                f"df = pd.read_csv({data!r}), then qi.control_chart(df, ...)."
            )
        raise QITypeError(f"data= must be a pandas DataFrame or None; got {type(data).__name__}.")
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

    # -- columns -------------------------------------------------------------------------------
    n_rows = len(data) if data is not None else None
    y_col = v.get_column(data, y, "y", n_rows)
    n_rows = len(y_col)
    if n_rows == 0:
        raise QIValueError(
            "There are no rows to chart: the data is empty. Check that the file was read correctly "
            "(the right sheet, the header row) and that no filter removed every row."
        )
    row_labels = data.index.to_numpy() if data is not None else np.arange(n_rows)
    y_name = repr(y) if isinstance(y, str) else "y"
    y_raw = v.as_numeric(y_col, "y", y_name, row_labels)
    n_raw = None
    if n is not None:
        n_raw = v.as_numeric(
            v.get_column(data, n, "n", n_rows), "n", repr(n) if isinstance(n, str) else "n", row_labels
        )

    facet_cols: list[Any] = []
    facet_names: list[str] = []
    facet_labels: list[Any]
    if facet is not None:
        specs = list(facet) if isinstance(facet, (list, tuple)) else [facet]
        if not 1 <= len(specs) <= 2:
            raise QIValueError(f"facet= takes one or two column names; got {len(specs)}.")
        for i, spec in enumerate(specs):
            col = v.get_column(data, spec, "facet", n_rows)
            facet_cols.append(col)
            facet_names.append(
                str(spec)
                if isinstance(spec, Hashable) and not isinstance(spec, (list, np.ndarray))
                else f"facet{i + 1}"
            )

    notes_col = v.get_column(data, notes, "notes", n_rows) if notes is not None else None

    # x: given values, or 1..N within each facet. Rows without an x cannot be placed in time:
    # they are dropped with a warning that names them (a total or note row in an export).
    x_col = None
    if x is not None:
        x_col = v.get_column(data, x, "x", n_rows)
        no_x = x_col.isna().to_numpy()
        if no_x.any():
            warnings.warn(
                f"x is missing in {v.describe_rows(row_labels, no_x)}; those rows cannot be placed on the chart "
                f"and were left out. If they hold data, fill in their x; if they are total or note rows, drop them "
                f"before charting to silence this warning.",
                DataChangedWarning,
                stacklevel=3,
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
            if data is not None:
                data = data.iloc[np.flatnonzero(keep)]

    # -- facets --------------------------------------------------------------------------------
    fcode, facet_parts, facet_labels = facet_codes(
        facet_names, facet_cols, row_labels, n_rows, "a ward, a practice ..."
    )
    n_facets = len(facet_labels)

    if x_col is None:
        x_kind = "number"
        # number rows 1..N within each facet, in the order given
        order0 = np.argsort(fcode, kind="stable")
        counts = np.bincount(fcode, minlength=n_facets)
        pos = np.empty(n_rows, dtype=np.int64)
        pos[order0] = np.arange(n_rows) - np.repeat(np.cumsum(counts) - counts, counts)
        x_col = pd.Series(pos + 1)
        xkey = (pos + 1).astype(float)
    else:
        x_kind = _x_kind(x_col)
        if x_kind == "datetime":
            x_col = pd.to_datetime(x_col)
            xkey = x_col.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
        elif x_kind == "number":
            xkey = x_col.to_numpy(dtype=float)
        else:
            if isinstance(x_col.dtype, pd.CategoricalDtype) and x_col.cat.ordered:
                xkey = x_col.cat.codes.to_numpy().astype(float)
            else:
                xkey = pd.factorize(x_col, sort=False)[0].astype(float)

    # -- value checks on raw rows (before any work) -------------------------------------------
    _check_values(chart_name, y_raw, n_raw, row_labels, y_name, n)

    # -- user x values: exclude, freeze, part --------------------------------------------------
    exclude_keys = None
    if exclude is not None:
        ex_list = (
            list(exclude) if isinstance(exclude, (list, tuple, set, np.ndarray, pd.Series, pd.Index)) else [exclude]
        )
        exclude_keys = _match_keys(_key_of_values(ex_list, x_kind, "exclude"), xkey, x_kind, x_col, "exclude", ex_list)
    freeze_keys = None  # per facet; NaN = no freeze
    if freeze is not None:
        freeze_map = freeze if isinstance(freeze, Mapping) else None
        items = freeze_map.items() if freeze_map is not None else [(None, freeze)]
        freeze_keys = np.full(len(facet_labels), np.nan)
        for fac, value in items:
            if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
                raise QIValueError("freeze= takes one x value: the last point of the baseline period.")
            key = float(_match_keys(_key_of_values(value, x_kind, "freeze"), xkey, x_kind, x_col, "freeze", value)[0])
            if fac is None:
                freeze_keys[:] = key
            else:
                freeze_keys[_facet_index(fac, facet_labels, "freeze")] = key
    part_col = None
    part_keys: dict[int | None, np.ndarray] | None = None  # facet code (None = all facets) -> sorted keys
    if part is not None:
        if isinstance(part, str) or v._is_column_label(data, part):
            part_col = v.get_column(data, part, "part", n_rows)
            if part_col.isna().any():
                raise QIValueError(
                    f"The part column {part!r} has missing values in "
                    f"{v.describe_rows(row_labels, part_col.isna().to_numpy())}. "
                    f"Each row must say which part (phase) it belongs to."
                )
        else:
            items = part.items() if isinstance(part, Mapping) else [(None, part)]
            part_keys = {}
            for fac, value in items:
                p_list = list(value) if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index)) else [value]
                keys = np.unique(
                    _match_keys(_key_of_values(p_list, x_kind, "part"), xkey, x_kind, x_col, "part", p_list)
                )
                part_keys[None if fac is None else _facet_index(fac, facet_labels, "part")] = keys

    # -- sort by facet, then x -----------------------------------------------------------------
    if n_rows < 2 or bool(np.all((fcode[1:] > fcode[:-1]) | ((fcode[1:] == fcode[:-1]) & (xkey[1:] >= xkey[:-1])))):
        order = np.arange(n_rows)  # already sorted (the usual case): skip the O(n log n) sort
    else:
        order = np.lexsort((xkey, fcode))
    is_sorted = bool(np.all(order[1:] > order[:-1])) if n_rows > 1 else True
    if not is_sorted:
        f_sorted = fcode[order]
        if not np.all((order[1:] > order[:-1]) | (f_sorted[1:] != f_sorted[:-1])):
            warnings.warn(
                "The rows were not in time order (x was not increasing); qitools sorted them by x"
                + (" within each facet" if facet_cols else "")
                + ". Sort your data by x to silence this warning.",
                DataChangedWarning,
                stacklevel=3,
            )
    fs = fcode[order]
    xs = xkey[order]
    ys = y_raw[order]
    ns = n_raw[order] if n_raw is not None else None

    # -- subgroups -----------------------------------------------------------------------------
    new_seg = np.ones(n_rows, dtype=bool)
    new_seg[1:] = (fs[1:] != fs[:-1]) | (xs[1:] != xs[:-1])
    starts = np.flatnonzero(new_seg)
    n_seg = starts.size
    seg = np.cumsum(new_seg) - 1
    multi = n_seg < n_rows
    y_sd = np.full(n_seg, np.nan)
    count = np.full(n_seg, np.nan)
    if chart_name in _OBS_CHARTS:
        valid = np.isfinite(ys)
        total, k = _seg_sum(ys, valid, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            y_stat = total / k
            dev = np.where(valid, ys - y_stat[seg], 0.0)
            y_sd = np.sqrt(np.add.reduceat(dev * dev, starts) / (k - 1))
        y_sd[k < 2] = np.nan
        n_stat = k.astype(float)
        n_stat[k == 0] = np.nan
    elif chart_name in _SUM_CHARTS or (ns is not None):
        valid = np.isfinite(ys) & (np.isfinite(ns) if ns is not None else True)
        if multi:
            count, k = _seg_sum(ys, valid, starts)
            count[k == 0] = np.nan
            if ns is not None:
                n_stat, _ = _seg_sum(ns, valid, starts)
                n_stat[k == 0] = np.nan
            else:
                n_stat = np.full(n_seg, np.nan)
        else:
            count = np.where(valid, ys, np.nan)
            n_stat = np.where(valid, ns, np.nan) if ns is not None else np.full(n_seg, np.nan)
        if ns is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                y_stat = count / n_stat
        else:
            y_stat = count.copy()
        if multi:
            k_rows = np.diff(np.r_[starts, n_rows])
            _warn_aggregated(
                int(np.sum(k_rows > 1)),
                "y and n were summed per x" if ns is not None else "y was summed per x",
                facet_cols,
            )
    else:
        n_stat = np.full(n_seg, np.nan)
        if multi:
            valid = np.isfinite(ys)
            if agg == "median":
                y_stat = _seg_median(ys, valid, seg, n_seg)
            else:
                total, k = _seg_sum(ys, valid, starts)
                with np.errstate(invalid="ignore", divide="ignore"):
                    y_stat = total if agg == "sum" else total / k
                y_stat[k == 0] = np.nan
            k_rows = np.diff(np.r_[starts, n_rows])
            _warn_aggregated(
                int(np.sum(k_rows > 1)),
                f"y was aggregated with {agg}() per x. Pass agg='sum' or agg='median' to change this",
                facet_cols,
            )
        else:
            y_stat = ys.copy()

    first = order[starts]  # original row of each subgroup's first row
    seg_f = fs[starts]
    seg_xkey = xs[starts]

    # -- parts ---------------------------------------------------------------------------------
    facet_start = np.ones(n_seg, dtype=bool)
    facet_start[1:] = seg_f[1:] != seg_f[:-1]
    part_labels = None
    if part_col is not None:
        lab_codes = pd.factorize(part_col)[0][first]
        change = facet_start.copy()
        change[1:] |= lab_codes[1:] != lab_codes[:-1]
        part_no = _count_within(change, facet_start)
        part_labels = part_col.to_numpy(dtype=object)[first]
    elif part_keys is not None:
        if None in part_keys:
            part_no = 1 + np.searchsorted(part_keys[None], seg_xkey, side="right")
        else:  # per facet: a loop over the facets the user named, not over the data
            part_no = np.ones(n_seg, dtype=np.int64)
            for fac, keys in part_keys.items():
                mine = seg_f == fac
                part_no[mine] = 1 + np.searchsorted(keys, seg_xkey[mine], side="right")
        # renumber so that each facet's first part is 1 and parts are consecutive
        change = facet_start.copy()
        change[1:] |= part_no[1:] != part_no[:-1]
        part_no = _count_within(change, facet_start)
    else:
        part_no = np.ones(n_seg, dtype=np.int64)
    new_group = facet_start.copy()
    new_group[1:] |= part_no[1:] != part_no[:-1]
    group = np.cumsum(new_group) - 1
    n_groups = int(group[-1]) + 1 if n_seg else 0
    group_first = np.flatnonzero(new_group)

    # -- baseline, include, base ---------------------------------------------------------------
    if freeze_keys is not None:
        fk = freeze_keys[seg_f]
        baseline = np.isnan(fk) | (seg_xkey <= fk)
        has_base = seg_count(baseline, group_first) > 0
        baseline = baseline | ~has_base[group]
    else:
        baseline = np.ones(n_seg, dtype=bool)
    include = ~np.isin(seg_xkey, exclude_keys) if exclude_keys is not None else np.ones(n_seg, dtype=bool)
    base = baseline & include & np.isfinite(y_stat)
    if chart_name in _NEEDS_N:
        base &= np.isfinite(n_stat)

    # -- fixed centre line and target per facet --------------------------------------------------
    fixed_facet = _per_facet_value("cl", cl, facet_labels) / multiply
    target_facet = _per_facet_value("target", target, facet_labels)
    cl_fixed = fixed_facet[seg_f[group_first]]

    # -- limits --------------------------------------------------------------------------------
    ci = ChartInput(
        group=group,
        n_groups=n_groups,
        starts=group_first,
        y=y_stat,
        n=n_stat,
        count=count if chart_name in _SUM_CHARTS else np.full(n_seg, np.nan),
        s=y_sd,
        base=base,
        screen_mr=bool(screen_mr),
        cl_fixed=cl_fixed,
        i_sigma_per_mr=MDC_XMR_FACTOR / 3.0 if rules == "mdc" else 1.0 / float(d2(2)),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        lim = CHARTS[chart_name](ci)
        y_plot = lim.y * multiply
        cl_p = lim.cl * multiply
        lcl_p = lim.lcl * multiply
        ucl_p = lim.ucl * multiply

        # -- signals -----------------------------------------------------------------------
        scale = np.abs(cl_p) + np.abs(ucl_p - cl_p)
        tol = _REL_TOL * np.where(np.isfinite(scale), scale, 0.0)
        above = y_plot > ucl_p + tol
        below = y_plot < lcl_p - tol
    sigma_signal = np.where(np.isfinite(y_plot), above | below, False)
    with np.errstate(invalid="ignore"):
        diff = y_plot - cl_p
        on_line = np.abs(diff) <= _REL_TOL * np.abs(cl_p)
    useful = include & np.isfinite(diff) & ~on_line
    side = np.where(useful, np.sign(diff), 0).astype(np.int8)
    runs = runs_analysis(group, side, n_groups)
    if chart_name == "mr":
        # consecutive moving ranges share a point, so they are autocorrelated and the runs limits do
        # not hold: the statistics are reported but never signal (as in qicharts2)
        runs = replace(runs, runs_signal=np.zeros(n_groups, dtype=bool), in_long_run=np.zeros_like(runs.in_long_run))
    runs_signal = runs.runs_signal[group]
    considered = include & np.isfinite(y_plot)
    rs = apply_rules(rules, group, n_groups, y_plot, cl_p, ucl_p, considered, side, sigma_signal, runs.in_long_run)
    use_type = improvement is not None or rules == "mdc"
    direction = improvement or "neutral"
    point_type = _point_type(rs.special, rs.high, direction) if use_type else None
    if rules == "mdc":
        _warn_mdc_short(
            base,
            group_first,
            lambda: _group_labels(seg_f[group_first], part_no[group_first], facet_labels, bool(facet_cols)),
        )

    # -- warnings on too little data -----------------------------------------------------------
    _warn_too_few(
        chart_name,
        lim.cl,
        lim.ucl,
        group,
        n_groups,
        runs.n_useful,
        base,
        lambda: _group_labels(seg_f[group_first], part_no[group_first], facet_labels, bool(facet_cols)),
    )

    # -- per-point table ----------------------------------------------------------------------
    out: dict[str, Any] = {}
    if facet_cols:
        for name, parts in zip(facet_names, facet_parts):
            out[name] = parts.take(seg_f)
        out["facet"] = np.asarray(facet_labels, dtype=object)[seg_f] if len(facet_cols) == 2 else out[facet_names[0]]
    out["x"] = x_col.iloc[first].to_numpy()
    out["y"] = y_plot
    out["n"] = n_stat
    if chart_name in _SUM_CHARTS or ns is not None:
        out["count"] = count  # the numerator (events) behind y, for tables and disclosure control
    out["part"] = part_no
    if part_labels is not None:
        out["part_label"] = part_labels
    out["baseline"] = baseline
    out["include"] = include
    out["cl"] = cl_p
    out["lcl"] = lcl_p
    out["ucl"] = ucl_p
    out["sigma_signal"] = sigma_signal
    out["runs_signal"] = runs_signal
    out["long_run"] = runs.in_long_run
    if target is not None:
        out["target"] = target_facet[seg_f]
    if notes_col is not None:
        out["notes"] = _joined_notes(notes_col, order, seg, n_seg)
    for name in RULE_COLUMNS[rules]:
        if name not in out:
            out[name] = rs.columns[name]
    if rules == "mdc":
        out["mdc_rule"] = mdc_rule_label(rs.columns)
    out["special_cause"] = rs.special
    if point_type is not None:
        out["point_type"] = point_type
    data_out = pd.DataFrame(out)
    if x_kind == "datetime":
        data_out["x"] = pd.to_datetime(data_out["x"])

    # -- per-part summary ---------------------------------------------------------------------
    summ: dict[str, Any] = {}
    gf = seg_f[group_first]
    if facet_cols:
        for name, parts in zip(facet_names, facet_parts):
            summ[name] = parts.take(gf)
        summ["facet"] = np.asarray(facet_labels, dtype=object)[gf] if len(facet_cols) == 2 else summ[facet_names[0]]
    summ["part"] = part_no[group_first]
    summ["n_obs"] = seg_count(include, group_first)
    summ["n_useful"] = runs.n_useful
    summ["longest_run"] = runs.longest_run
    summ["longest_run_max"] = runs.longest_run_max
    summ["n_crossings"] = runs.n_crossings
    summ["n_crossings_min"] = runs.n_crossings_min
    summ["runs_signal"] = runs.runs_signal
    summ["cl"] = seg_mean(cl_p, np.isfinite(cl_p), group_first)
    summ["lcl"] = seg_mean(lcl_p, np.isfinite(lcl_p), group_first)
    summ["ucl"] = seg_mean(ucl_p, np.isfinite(ucl_p), group_first)
    summ["sigma_signals"] = seg_count(sigma_signal, group_first)
    summ["special_causes"] = seg_count(rs.special, group_first)
    for name, values in rs.summary.items():
        summ[name] = values
    if chart_name == "g":
        summ["mean"] = lim.extra["mean"] * multiply
    if chart_name in ("i", "xbar", "c", "mr"):
        summ["sigma"] = lim.sigma * multiply
    if target is not None:
        summ["target"] = target_facet[gf]
    summary_out = pd.DataFrame(summ)

    icons = None
    if use_type and point_type is not None:
        icons = _icons(
            facet_names,
            facet_parts,
            bool(facet_cols),
            seg_f,
            n_facets,
            y_plot,
            lcl_p,
            ucl_p,
            point_type,
            direction,
            target_facet,
        )

    params = {
        "chart": chart_name,
        "chart_description": CHART_DESCRIPTIONS[chart_name],
        "x": x if isinstance(x, str) else None,
        "y": y if isinstance(y, str) else None,
        "n": n if isinstance(n, str) else None,
        "facet": facet_names or None,
        "part": part,
        "freeze": freeze,
        "exclude": list(exclude) if isinstance(exclude, (list, tuple, set, np.ndarray)) else exclude,
        "multiply": multiply,
        "cl": cl,
        "target": target,
        "rules": rules,
        "improvement": improvement,
        "screen_mr": bool(screen_mr),
        "agg": agg,
        "notes": notes if isinstance(notes, str) else None,
        "n_facets": n_facets if facet_cols else 1,
        "conventions": conventions(chart_name, bool(screen_mr)),
    }
    return SPCResult(chart_name, data_out, summary_out, params, icons)


def _facet_index(fac: Any, facet_labels: list[Any], role: str) -> int:
    label = " | ".join(map(str, fac)) if isinstance(fac, tuple) else fac
    if label not in facet_labels:
        shown = facet_labels[:10]
        raise QIValueError(
            f"{role}= names a facet that is not in the data: {fac!r}. The facets are {shown!r}"
            f"{' ...' if len(facet_labels) > 10 else ''}."
        )
    return facet_labels.index(label)


_VARIATION = {
    ("common_cause", "increase"): "common_cause",
    ("common_cause", "decrease"): "common_cause",
    ("common_cause", "neutral"): "common_cause",
    ("special_cause_improvement", "increase"): "improvement_high",
    ("special_cause_improvement", "decrease"): "improvement_low",
    ("special_cause_concern", "increase"): "concern_low",
    ("special_cause_concern", "decrease"): "concern_high",
    ("special_cause_neutral_high", "neutral"): "neutral_high",
    ("special_cause_neutral_low", "neutral"): "neutral_low",
}


def _icons(
    facet_names: list[str],
    facet_parts: list[pd.Index],
    faceted: bool,
    seg_f: np.ndarray,
    n_facets: int,
    y: np.ndarray,
    lcl: np.ndarray,
    ucl: np.ndarray,
    point_type: np.ndarray,
    direction: str,
    target_facet: np.ndarray,
) -> pd.DataFrame:
    """Making Data Count icons per facet: variation from the last point with a value, assurance from
    the target against the limits at the last point."""
    has_y = np.isfinite(y)
    idx = np.arange(y.shape[0])
    last = np.full(n_facets, -1, dtype=np.int64)
    np.maximum.at(last, seg_f[has_y], idx[has_y])
    found = last >= 0
    variation = np.full(n_facets, None, dtype=object)
    variation[found] = [_VARIATION[(pt, direction)] for pt in point_type[last[found]]]
    lo = np.where(found, lcl[np.maximum(last, 0)], np.nan)
    hi = np.where(found, ucl[np.maximum(last, 0)], np.nan)
    t = target_facet
    assurance = np.full(n_facets, None, dtype=object)
    ok = found & np.isfinite(t) & np.isfinite(lo) & np.isfinite(hi) & (direction != "neutral")
    if direction == "increase":
        verdict = np.where(t <= lo, "pass", np.where(t > hi, "fail", "hit_or_miss"))
    else:
        verdict = np.where(t >= hi, "pass", np.where(t < lo, "fail", "hit_or_miss"))
    assurance[ok] = verdict[ok]
    out: dict[str, Any] = {}
    if faceted:
        for name, parts in zip(facet_names, facet_parts):
            out[name] = parts
        if len(facet_parts) == 2:
            out["facet"] = [f"{a} | {b}" for a, b in zip(*facet_parts)]
        else:
            out["facet"] = facet_parts[0]
    out["variation"] = variation
    out["assurance"] = assurance
    out["target"] = t
    out["lcl"] = lo
    out["ucl"] = hi
    return pd.DataFrame(out)


def _warn_mdc_short(base: np.ndarray, group_first: np.ndarray, make_labels: Callable[[], list[str]]) -> None:
    n_base = seg_count(base, group_first)
    short = n_base < MDC_MIN_BASELINE
    if short.any():
        labels = make_labels()
        shown = ", ".join(f"{labels[i]} has {n_base[i]}" for i in np.flatnonzero(short)[:5])
        more = f" and {int(short.sum()) - 5} more" if short.sum() > 5 else ""
        warnings.warn(
            f"Making Data Count asks for at least {MDC_MIN_BASELINE} points to set limits; {shown}{more}. "
            f"Treat those limits as trial limits, to be revised as points are added, and avoid rebasing "
            f"(part=) or fixing (freeze=) on fewer points.",
            TooFewPointsWarning,
            stacklevel=4,
        )


def _count_within(change: np.ndarray, facet_start: np.ndarray) -> np.ndarray:
    """1, 2, ... counting ``change`` points, restarting at each facet start."""
    c = np.cumsum(change)
    return (c - c[np.flatnonzero(facet_start)][np.cumsum(facet_start) - 1] + 1).astype(np.int64)


def _joined_notes(notes_col: pd.Series, order: np.ndarray, seg: np.ndarray, n_seg: int) -> np.ndarray:
    vals = notes_col.to_numpy(dtype=object)[order]
    out = np.full(n_seg, None, dtype=object)
    have = np.flatnonzero(~pd.isna(vals))
    for i in have:  # notes are few; a loop over the annotated rows only
        s = seg[i]
        out[s] = str(vals[i]) if out[s] is None else f"{out[s]}; {vals[i]}"
    return out


def _point_type(special: np.ndarray, high: np.ndarray, improvement: str) -> np.ndarray:
    if improvement == "neutral":
        kinds = np.where(high, "special_cause_neutral_high", "special_cause_neutral_low")
    else:
        good = high if improvement == "increase" else ~high
        kinds = np.where(good, "special_cause_improvement", "special_cause_concern")
    return np.where(special, kinds, "common_cause").astype(object)


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


def _warn_too_few(
    chart: str,
    cl: np.ndarray,
    ucl: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    n_useful: np.ndarray,
    base: np.ndarray,
    make_labels: Callable[[], list[str]],
) -> None:
    """Warn about parts without limits, with zero-width limits, or too short for the runs analysis."""
    n_base = seg_count(base, np.flatnonzero(np.r_[True, group[1:] != group[:-1]]))
    if chart not in _NO_LIMITS:
        lim_ok = np.zeros(n_groups, dtype=bool)
        ok = np.isfinite(ucl)
        lim_ok[group[ok]] = True
        bad = ~lim_ok
        if bad.any():
            need = (
                "2 points (one moving range)"
                if chart in ("i", "mr", "t", "pp", "up")
                else ("subgroups of 2 or more observations" if chart in _OBS_CHARTS else "1 point with data")
            )
            warnings.warn(
                f"No control limits could be computed for {_describe_groups(make_labels(), bad)}: "
                f"the {CHART_DESCRIPTIONS[chart]} needs at least {need} in the baseline. "
                f"Those limits are NaN; add data or merge the part with its neighbour.",
                TooFewPointsWarning,
                stacklevel=4,
            )
        width = ucl - cl
        zero = np.zeros(n_groups, dtype=bool)
        fin = np.isfinite(width) & (width == 0)
        zero[group[fin]] = True
        zero &= n_base > 1
        if zero.any():
            warnings.warn(
                f"The limits have zero width for {_describe_groups(make_labels(), zero)} because the values do not vary "
                f"in the baseline. Every other value will be a signal; check the data (a constant series is often "
                f"a data-entry default).",
                TooFewPointsWarning,
                stacklevel=4,
            )
    few = (n_useful < MIN_USEFUL_FOR_RUNS) & (n_base > 0)
    if few.any():
        labels = make_labels()
        counts = [f"{labels[i]} has {n_useful[i]}" for i in np.flatnonzero(few)[:5]]
        more = f" and {int(few.sum()) - 5} more" if few.sum() > 5 else ""
        warnings.warn(
            f"The runs analysis needs at least {MIN_USEFUL_FOR_RUNS} useful points (not on the centre line, "
            f"not excluded, not missing) to be reliable; {', '.join(counts)}{more}. Those runs results are "
            f"given but have little power to detect a shift: collect more points before judging.",
            TooFewPointsWarning,
            stacklevel=4,
        )


def _warn_aggregated(k: int, what: str, faceted: list[Any]) -> None:
    if k:
        within = " within a facet" if faceted else ""
        warnings.warn(
            f"{k} x values had several rows{within}; {what}. If each row should be its own point, "
            f"give each a distinct x (or use facet= to keep groups apart).",
            DataChangedWarning,
            stacklevel=4,
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


def conventions(chart: str, screen_mr: bool) -> dict[str, str]:
    """The conventions a chart follows where the reference tools differ, in plain words."""
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
        c["sigma"] = (
            "average moving range / d2(2), with d2(2) = 2/sqrt(pi) = 1.12838 computed exactly (the multiplier "
            "is 3/d2(2) = 2.6587; tools that type 2.66 or 1.128 differ in the 4th significant figure)"
        )
        if chart == "mr":
            c["sigma"] = "upper limit D4(2) x MR-bar = 3.2665 x MR-bar (exact D4; often typed as 3.267)"
        if chart in ("pp", "up"):
            c["sigma"] = "Laney: p/u-chart sigma x sigma_z, sigma_z = average moving range of z-scores / d2(2) (exact)"
        if chart != "mr":
            c["moving ranges"] = (
                "screened: moving ranges above D4(2) x their average (3.2665 x) dropped once before averaging "
                "(Nelson 1982), as qicharts2 and NHSRplotthedots do by default"
                if screen_mr
                else "not screened (as the NIST, Montgomery and NHS Making Data Count spreadsheet examples)"
            )
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
