"""Generated inputs for the public functions, and the checks every answer must pass (issue 22).

Shared by ``tests/test_fuzz_public_api.py`` (Hypothesis, a fixed number of examples in CI and more
under ``--hypothesis-profile=qitools-nightly``) and ``benchmarks/fuzz_public_api.py`` (a counted,
timed run of thousands of inputs).

The strategies make DataFrames the way users' exports and notebooks make them: every pandas dtype
a column can have (numpy, nullable ``Int64``/``Float64``/``boolean``/``string`` with ``<NA>``,
pyarrow-backed text and numbers, categoricals ordered or not), object columns mixing numbers and
text, ``Decimal`` (including ``NaN``, ``sNaN`` and ``Infinity``), lists and dicts in cells, dates at
every resolution (years past 2262, time zones, mixed time zones, ``datetime.date`` objects), ``inf``
from a division by zero, huge and tiny numbers, duplicated column labels, odd indexes and odd
arguments. Most cases are nearly valid, so the deeper code runs as often as the first checks.

:func:`check_call` runs one call and enforces the contract:

- it returns, or raises a :class:`qitools.QIToolsError` whose message is plain text that names
  the argument, column or rows concerned; any other exception fails;
- every warning is a :class:`qitools.QIToolsWarning` (no numpy or pandas warning reaches a user);
- a result passes the invariants (``lcl <= cl <= ucl`` where defined, funnel limits nested, rank
  intervals ordered, Pareto percentages adding up), and nothing was changed silently: without a
  warning, a chart has one point per row and the plotted values are the rows' values.

The property tests of row order and ``exclude`` (row order does not matter; excluding a point
gives the limits of dropping it) are in :func:`check_row_order` and :func:`check_exclude_is_drop`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import qitools as qi
from qitools import QIToolsError, QIToolsWarning

__all__ = [
    "Case",
    "chart_cases",
    "suggest_cases",
    "funnel_cases",
    "league_cases",
    "pareto_cases",
    "suppress_cases",
    "read_measure_cases",
    "system_cases",
    "dataset_cases",
    "check_call",
    "run_case",
    "CALLS",
    "WEIGHTS",
    "STATS",
    "ALL_CHARTS",
]

ALL_CHARTS = ["run", "i", "mr", "xbar", "s", "p", "np", "pp", "c", "u", "up", "g", "t"]
NEEDS_N = {"p", "np", "pp", "u", "up"}

#: text users type: letters, digits and the characters that break parsers (mathtext, HTML, CSV)
_ALPHABET = "abXYZ 019$\\{}<>&%,.'\"-_é£=+@"
TEXT = st.text(alphabet=_ALPHABET, min_size=0, max_size=7)
LABEL = st.sampled_from(["A", "B", "Ward 3", "w<b>", r"$\frac{$", "=SUM(A1)", "£5", "é", "$x$"])
UTC = dt.timezone.utc
LONDON = dt.timezone(dt.timedelta(hours=1), "BST")
NEW_YORK = dt.timezone(dt.timedelta(hours=-5), "EST")


def _weighted(*pairs: tuple[int, Any]) -> st.SearchStrategy:
    """sampled_from with repeats: (weight, value) pairs."""
    out: list[Any] = []
    for w, value in pairs:
        out += [value] * w
    return st.sampled_from(out)


# ----------------------------------------------------------------------------------------------
# columns: each strategy returns (Series, meta); meta["values"] holds the float value of each row
# when the column is a clean number column (what a chart must show), meta["inf"] marks inf


@dataclass
class Col:
    series: pd.Series
    kind: str
    values: np.ndarray | None = None  # float per row, for clean numeric columns
    has_inf: bool = False
    dates: np.ndarray | None = None  # datetime64 per row, for clean date columns
    far_date: bool = False


def _nan_some(draw: Any, values: list[Any], missing: Any, p_max: int = 3) -> list[Any]:
    k = draw(st.integers(0, p_max)) if values else 0
    for _ in range(k):
        values[draw(st.integers(0, len(values) - 1))] = missing
    return values


@st.composite
def number_column(draw: Any, n: int, low: int = 0, high: int = 60) -> Col:
    kind = draw(
        _weighted(
            (6, "int"),
            (4, "float"),
            (2, "Int64"),
            (2, "Float64"),
            (1, "int[pyarrow]"),
            (1, "double[pyarrow]"),
            (1, "bool"),
            (1, "boolean"),
            (2, "decimal"),
            (1, "decimal_special"),
            (1, "object_ints"),
            (1, "text_numbers"),
            (1, "text_mixed"),
            (1, "string_na"),
            (1, "lists"),
            (1, "complex"),
            (1, "dates"),
            (1, "timedelta"),
            (1, "category"),
            (2, "inf"),
            (1, "huge"),
            (1, "tiny"),
            (1, "any_float"),
            (1, "all_nan"),
            (1, "negative"),
            (1, "uint8"),
        )
    )
    ints = draw(st.lists(st.integers(low, high), min_size=n, max_size=n))
    if kind == "int":
        return Col(pd.Series(np.array(ints, dtype=np.int64)), kind, np.array(ints, float))
    if kind == "uint8":
        vals = np.array([i % 256 for i in ints], dtype=np.uint8)
        return Col(pd.Series(vals), kind, vals.astype(float))
    if kind == "float":
        vals = [i + 0.5 * (i % 2) for i in ints]
        vals = _nan_some(draw, vals, np.nan)
        return Col(pd.Series(np.array(vals, float)), kind, np.array(vals, float))
    if kind in ("Int64", "int[pyarrow]"):
        vals = _nan_some(draw, list(ints), None)
        dtype = "Int64" if kind == "Int64" else pd.ArrowDtype(__import__("pyarrow").int64())
        return Col(pd.Series(vals, dtype=dtype), kind, np.array([np.nan if v is None else v for v in vals], float))
    if kind in ("Float64", "double[pyarrow]"):
        vals = _nan_some(draw, [i / 2 for i in ints], None)
        dtype = "Float64" if kind == "Float64" else pd.ArrowDtype(__import__("pyarrow").float64())
        return Col(pd.Series(vals, dtype=dtype), kind, np.array([np.nan if v is None else v for v in vals], float))
    if kind == "bool":
        vals = [bool(i % 2) for i in ints]
        return Col(pd.Series(vals, dtype=bool), kind, np.array(vals, float))
    if kind == "boolean":
        vals = _nan_some(draw, [bool(i % 2) for i in ints], None)
        return Col(pd.Series(vals, dtype="boolean"), kind, np.array([np.nan if v is None else float(v) for v in vals]))
    if kind == "decimal":
        vals = _nan_some(draw, [Decimal(i) / 4 for i in ints], Decimal("NaN"), 2)
        return Col(pd.Series(vals, dtype=object), kind, np.array([float(v) for v in vals]))
    if kind == "decimal_special":
        vals: list[Any] = [Decimal(i) for i in ints]
        if n:
            vals[draw(st.integers(0, n - 1))] = draw(
                st.sampled_from([Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN")])
            )
        return Col(pd.Series(vals, dtype=object), kind, has_inf=any(isinstance(v, Decimal) and v.is_infinite() for v in vals))
    if kind == "object_ints":
        vals = _nan_some(draw, list(ints), None)
        return Col(pd.Series(vals, dtype=object), kind, np.array([np.nan if v is None else v for v in vals], float))
    if kind == "text_numbers":
        fmt = draw(st.sampled_from(["{}", "{}%", "{:,}", " {} "]))
        vals = [fmt.format(i * 101) for i in ints]
        vals = _nan_some(draw, vals, draw(st.sampled_from(["", " ", "n/a", None])), 2)
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "text_mixed":
        vals = list(ints)
        if n:
            vals[draw(st.integers(0, n - 1))] = draw(st.sampled_from(["Total", "x", "1.2.3", "-", "$", True]))
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "string_na":
        vals = _nan_some(draw, [str(i) for i in ints], None)
        return Col(pd.Series(vals, dtype="string"), kind)
    if kind == "lists":
        vals = list(ints)
        if n:
            vals[draw(st.integers(0, n - 1))] = draw(st.sampled_from([[1, 2], {"a": 1}, (1,), {3}, b"7"]))
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "complex":
        return Col(pd.Series(np.array(ints, dtype=complex) + 1j), kind)
    if kind == "dates":
        return Col(pd.Series(pd.date_range("2024-01-01", periods=n, freq="D")), kind)
    if kind == "timedelta":
        return Col(pd.Series(pd.to_timedelta(ints, unit="D")), kind)
    if kind == "category":
        return Col(pd.Series(pd.Categorical(ints)), kind, np.array(ints, float))
    if kind == "inf":
        vals = [float(i) for i in ints]
        if n:
            vals[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.inf, -np.inf]))
        return Col(pd.Series(vals), kind, np.array(vals, float), has_inf=n > 0)
    if kind == "huge":
        vals = [1e308 * (0.5 + (i % 7) / 10) for i in ints]
        return Col(pd.Series(vals), kind, np.array(vals, float))
    if kind == "tiny":
        vals = [1e-308 * (i + 1) for i in ints]
        return Col(pd.Series(vals), kind, np.array(vals, float))
    if kind == "any_float":
        vals = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n))
        arr = np.array(vals, float)
        return Col(pd.Series(arr), kind, arr, has_inf=bool(np.isinf(arr).any()))
    if kind == "all_nan":
        return Col(pd.Series(np.full(n, np.nan)), kind, np.full(n, np.nan))
    # negative
    vals = [float(i - 30) for i in ints]
    return Col(pd.Series(vals), kind, np.array(vals, float))


def _month_starts(n: int, start_year: int = 2023) -> list[dt.datetime]:
    return [dt.datetime(start_year + (m // 12), m % 12 + 1, 1) for m in range(n)]


@st.composite
def x_column(draw: Any, n: int) -> Col:
    kind = draw(
        _weighted(
            (6, "monthly_ns"),
            (3, "int_seq"),
            (2, "monthly_us_far"),
            (1, "monthly_s"),
            (1, "float_seq"),
            (1, "repeats"),
            (1, "shuffled"),
            (2, "tz"),
            (2, "obj_mixed_tz"),
            (1, "obj_naive_aware"),
            (1, "date_objects"),
            (1, "timestamps_obj"),
            (1, "datetimes_obj_far"),
            (2, "text"),
            (1, "string_na"),
            (1, "cat_unordered"),
            (1, "cat_ordered"),
            (1, "mixed_int_str"),
            (1, "lists"),
            (1, "decimal"),
            (1, "decimal_snan"),
            (1, "all_nat"),
            (1, "all_nan"),
            (1, "timedelta"),
            (1, "bool"),
            (1, "inf"),
            (1, "Int64_na"),
            (1, "nat_some"),
        )
    )
    months = _month_starts(n)
    if kind == "monthly_ns":
        s = pd.Series(pd.DatetimeIndex(months).as_unit("ns"))
        return Col(s, kind, dates=s.to_numpy())
    if kind == "monthly_us_far":
        arr = np.array(months, dtype="datetime64[us]")
        far = False
        if n >= 4:
            i = draw(st.integers(0, n - 1))
            arr[i] = np.datetime64(dt.datetime(3024, months[i].month, 1), "us")
            far = True
        return Col(pd.Series(arr), kind, dates=arr, far_date=far)
    if kind == "monthly_s":
        arr = np.array(months, dtype="datetime64[s]")
        return Col(pd.Series(arr), kind, dates=arr)
    if kind == "int_seq":
        return Col(pd.Series(np.arange(1, n + 1)), kind)
    if kind == "float_seq":
        return Col(pd.Series(np.arange(n) * 0.5), kind)
    if kind == "repeats":
        return Col(pd.Series(draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))), kind)
    if kind == "shuffled":
        perm = draw(st.permutations(list(range(n))))
        return Col(pd.Series(np.array(perm, dtype=np.int64)), kind)
    if kind == "tz":
        s = pd.Series(pd.DatetimeIndex(months).tz_localize(draw(st.sampled_from(["UTC", "Europe/London"]))))
        return Col(s, kind)
    if kind == "obj_mixed_tz":
        zones = [UTC, LONDON, NEW_YORK]
        vals = [m.replace(tzinfo=zones[i % 3]) for i, m in enumerate(months)]
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "obj_naive_aware":
        vals = [m.replace(tzinfo=UTC) if i % 2 else m for i, m in enumerate(months)]
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "date_objects":
        return Col(pd.Series([m.date() for m in months], dtype=object), kind, dates=np.array(months, "datetime64[us]"))
    if kind == "timestamps_obj":
        return Col(pd.Series([pd.Timestamp(m) for m in months], dtype=object), kind, dates=np.array(months, "datetime64[us]"))
    if kind == "datetimes_obj_far":
        vals = list(months)
        if n:
            vals[-1] = dt.datetime(3024, 12, 1)
        return Col(pd.Series(vals, dtype=object), kind, dates=np.array(vals, "datetime64[us]"), far_date=n >= 4)
    if kind == "text":
        return Col(pd.Series([f"w{i:02d}" for i in range(n)]), kind)
    if kind == "string_na":
        vals = _nan_some(draw, [f"w{i:02d}" for i in range(n)], None, 2)
        return Col(pd.Series(vals, dtype="string"), kind)
    if kind == "cat_unordered":
        labels = [f"w{i:02d}" for i in range(n)]
        return Col(pd.Series(pd.Categorical(labels, categories=sorted(labels, reverse=True))), kind)
    if kind == "cat_ordered":
        labels = [f"w{i:02d}" for i in range(n)]
        vals = _nan_some(draw, list(labels), None, 1)
        return Col(pd.Series(pd.Categorical(vals, categories=labels, ordered=True)), kind)
    if kind == "mixed_int_str":
        vals = [i if i % 2 else f"w{i}" for i in range(n)]
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "lists":
        vals: list[Any] = list(range(n))
        if n:
            vals[draw(st.integers(0, n - 1))] = [1, 2]
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "decimal":
        return Col(pd.Series([Decimal(i) for i in range(n)], dtype=object), kind)
    if kind == "decimal_snan":
        vals = [Decimal(i) for i in range(n)]
        if n:
            vals[draw(st.integers(0, n - 1))] = Decimal("sNaN")
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "all_nat":
        return Col(pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"), kind)
    if kind == "all_nan":
        return Col(pd.Series(np.full(n, np.nan)), kind)
    if kind == "timedelta":
        return Col(pd.Series(pd.to_timedelta(draw(st.permutations(list(range(n)))), unit="h")), kind)
    if kind == "bool":
        return Col(pd.Series([bool(i % 2) for i in range(n)]), kind)
    if kind == "inf":
        vals = list(np.arange(n, dtype=float))
        if n:
            vals[draw(st.integers(0, n - 1))] = np.inf
        return Col(pd.Series(vals), kind)
    if kind == "Int64_na":
        vals = _nan_some(draw, list(range(n)), None, 2)
        return Col(pd.Series(vals, dtype="Int64"), kind)
    # nat_some
    vals = _nan_some(draw, list(months), None, 2)
    return Col(pd.Series(pd.to_datetime(pd.Series(vals, dtype=object))), kind)


@st.composite
def label_column(draw: Any, n: int, k: int = 3) -> Col:
    kind = draw(
        _weighted(
            (6, "text"),
            (2, "int"),
            (2, "string_na"),
            (1, "str_nan"),
            (1, "category"),
            (1, "category_nan"),
            (1, "mixed"),
            (1, "lists"),
            (1, "decimal_snan"),
            (1, "bool"),
            (1, "boolean_na"),
            (1, "dates"),
            (1, "float_nan"),
            (1, "tuples"),
            (1, "bytes"),
            (1, "user_text"),
        )
    )
    codes = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    names = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
    if kind == "text":
        return Col(pd.Series([names[c] for c in codes]), kind)
    if kind == "user_text":
        texts = draw(st.lists(LABEL, min_size=k, max_size=k))
        return Col(pd.Series([texts[c] for c in codes], dtype=object), kind)
    if kind == "int":
        return Col(pd.Series(np.array(codes, dtype=np.int64)), kind)
    if kind == "string_na":
        vals = _nan_some(draw, [names[c] for c in codes], None, 2)
        return Col(pd.Series(vals, dtype="string"), kind)
    if kind == "str_nan":
        vals = _nan_some(draw, [names[c] for c in codes], np.nan, 2)
        return Col(pd.Series(vals), kind)
    if kind == "category":
        return Col(pd.Series(pd.Categorical([names[c] for c in codes], categories=names[:k][::-1])), kind)
    if kind == "category_nan":
        vals = _nan_some(draw, [names[c] for c in codes], None, 1)
        return Col(pd.Series(pd.Categorical(vals, categories=names[:k], ordered=True)), kind)
    if kind == "mixed":
        return Col(pd.Series([c if c % 2 else names[c] for c in codes], dtype=object), kind)
    if kind == "lists":
        vals: list[Any] = [names[c] for c in codes]
        if n:
            vals[draw(st.integers(0, n - 1))] = ["A"]
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "decimal_snan":
        vals = [Decimal(c) for c in codes]
        if n:
            vals[draw(st.integers(0, n - 1))] = Decimal("sNaN")
        return Col(pd.Series(vals, dtype=object), kind)
    if kind == "bool":
        return Col(pd.Series([bool(c % 2) for c in codes]), kind)
    if kind == "boolean_na":
        vals = _nan_some(draw, [bool(c % 2) for c in codes], None, 1)
        return Col(pd.Series(vals, dtype="boolean"), kind)
    if kind == "dates":
        return Col(pd.Series(pd.to_datetime([f"202{c}-01-01" for c in codes])), kind)
    if kind == "float_nan":
        vals = _nan_some(draw, [float(c) for c in codes], np.nan, 1)
        return Col(pd.Series(vals), kind)
    if kind == "tuples":
        return Col(pd.Series([(names[c], c) for c in codes], dtype=object), kind)
    # bytes
    return Col(pd.Series([names[c].encode() for c in codes], dtype=object), kind)


# ----------------------------------------------------------------------------------------------
# frames


@dataclass
class Case:
    """One call of a public function: its name, data and arguments, and what was generated."""

    function: str
    data: Any
    kwargs: dict[str, Any]
    cols: dict[str, Col] = field(default_factory=dict)
    label: str = ""  # how the frame was mangled (duplicated labels, odd index ...)

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        kinds = {k: c.kind for k, c in self.cols.items()}
        data = self.data if not isinstance(self.data, pd.DataFrame) else self.data.head(40)
        try:
            shown = repr(data)
        except Exception:  # noqa: BLE001 - pandas cannot print Decimal('sNaN')
            shown = repr(data.to_dict("split") if isinstance(data, pd.DataFrame) else list(data))
        return (
            f"Case({self.function}, kinds={kinds}, mangled={self.label!r}, kwargs={self.kwargs!r},\n"
            f"data=\n{shown}\ndtypes={getattr(self.data, 'dtypes', None)!r})"
        )


@st.composite
def _index(draw: Any, n: int) -> pd.Index:
    kind = draw(_weighted((8, "range"), (1, "shuffled"), (1, "text"), (1, "dup"), (1, "dates"), (1, "from5")))
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "from5":
        return pd.RangeIndex(5, 5 + n)
    if kind == "shuffled":
        return pd.Index(draw(st.permutations(list(range(n)))), dtype=np.int64)
    if kind == "text":
        return pd.Index([f"r{i}" for i in range(n)])
    if kind == "dup":
        return pd.Index([i // 2 for i in range(n)])
    return pd.DatetimeIndex(_month_starts(n))


def _mangle(draw: Any, df: pd.DataFrame, protect: tuple[str, ...], junk: bool = True) -> tuple[pd.DataFrame, str]:
    """Duplicate a column label or change the labels' type (sometimes)."""
    how = draw(_weighted((12, ""), (1, "dup_other"), *([(1, "dup"), (1, "int_labels"), (1, "multiindex")] if junk else [])))
    if how == "dup" and protect:
        name = draw(st.sampled_from(protect))
        if name in df.columns:
            df = pd.concat([df, df[[name]]], axis=1)
            return df, f"dup {name!r}"
    if how == "dup_other":
        df = pd.concat([df, df.iloc[:, :1].rename(columns=lambda c: "other")] * 1, axis=1)
        df["dupe"] = 0
        df = pd.concat([df, df[["dupe"]]], axis=1)  # a duplicated column that is not used
        return df, "dup unused"
    if how == "int_labels" and len(df.columns):
        df = df.copy()
        df.columns = list(range(len(df.columns)))
        return df, "int labels"
    if how == "multiindex" and len(df.columns):
        df = df.copy()
        df.columns = pd.MultiIndex.from_tuples([(c, "v") for c in df.columns])
        return df, "multiindex"
    return df, ""


def _frame(draw: Any, cols: dict[str, Col], n: int, protect: tuple[str, ...], junk: bool = True) -> tuple[pd.DataFrame, str]:
    index = draw(_index(n))
    df = pd.DataFrame({k: c.series.set_axis(index) if len(c.series) == n else c.series for k, c in cols.items()})
    if not len(df.columns):
        df = pd.DataFrame(index=index)
    return _mangle(draw, df, protect, junk)


def _pick_values(draw: Any, col: Col, k_max: int = 2) -> list[Any]:
    """Some values of a column (as the user would type them), or [] when it has none."""
    s = col.series
    try:
        present = [v for v in s.tolist() if not (v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)))]
    except Exception:  # noqa: BLE001 - odd cells (sNaN): pick by position
        present = list(s.iloc[:1])
    if not present:
        return []
    k = draw(st.integers(1, min(k_max, len(present))))
    return [present[draw(st.integers(0, len(present) - 1))] for _ in range(k)]


JUNK = st.sampled_from(
    ["zz", [[1]], float("nan"), {}, Decimal("sNaN"), pd.NaT, None, 10**30, -1, "2024-13-45", b"x", object()]
)


@st.composite
def chart_cases(draw: Any, function: str | None = None) -> Case:
    """control_chart / run_chart calls (and the result's plot, explain, report in :func:`run_case`)."""
    function = function or draw(st.sampled_from(["control_chart", "run_chart"]))
    junk = draw(st.integers(0, 9)) < 3  # options that are wrong on purpose (the data are messy either way)
    n = draw(st.integers(0, 26))
    charts = [(3, "i"), (2, "run"), (2, "p"), (2, "u"), (2, "c"), *[(1, c) for c in ALL_CHARTS], (1, "xmr")]
    if junk:
        charts += [(1, "P"), (1, "bogus"), (1, 3)]
    chart = "run" if function == "run_chart" else draw(_weighted(*charts))
    cols: dict[str, Col] = {}
    has_x = draw(_weighted((6, True), (1, False)))
    if has_x:
        cols["x"] = draw(x_column(n))
    cols["y"] = draw(number_column(n))
    if chart in NEEDS_N or draw(_weighted((5, False), (1, True))):
        ncol = draw(number_column(n, low=1, high=200))
        if ncol.values is not None and cols["y"].values is not None and ncol.kind in ("int", "float", "Int64"):
            # mostly n >= y, as real denominators are
            bump = np.nan_to_num(cols["y"].values, nan=0.0, posinf=0.0, neginf=0.0)
            vals = np.where(np.isnan(ncol.values), np.nan, ncol.values + np.clip(bump, 0, 1e6))
            ncol = Col(pd.Series(vals), "float", vals)
        cols["n"] = ncol
    facet_kind = draw(_weighted((5, None), (2, "one"), (1, "two"), *([(1, "missing"), (1, "three")] if junk else [])))
    if facet_kind in ("one", "two", "three"):
        cols["f"] = draw(label_column(n))
    if facet_kind in ("two", "three"):
        cols["g"] = draw(label_column(n, k=2))
    part_kind = draw(_weighted((6, None), (1, "column"), (1, "values"), (1, "junk")))
    if part_kind == "column":
        cols["p"] = draw(label_column(n, k=2))
    notes_kind = draw(_weighted((6, None), (1, "column")))
    if notes_kind == "column":
        cols["notes"] = Col(pd.Series(draw(st.lists(st.one_of(st.none(), TEXT), min_size=n, max_size=n)), dtype=object), "notes")
    data, label = _frame(draw, cols, n, ("x", "y", "f", "n"), junk)
    as_arrays = draw(_weighted((8, False), (1, True)))
    kw: dict[str, Any] = {}
    if as_arrays:  # data=None, the values themselves
        kw["y"] = cols["y"].series.tolist() if draw(st.booleans()) else cols["y"].series
        if has_x:
            kw["x"] = cols["x"].series.to_numpy() if draw(st.booleans()) else cols["x"].series
        if "n" in cols:
            kw["n"] = cols["n"].series
        data = None
    else:
        kw["y"] = draw(_weighted((12, "y"), (1, "Y"), (1, 0))) if junk else "y"
        if has_x:
            kw["x"] = draw(_weighted((12, "x"), (1, "month"))) if junk else "x"
        if "n" in cols:
            kw["n"] = "n"
        if facet_kind == "one":
            kw["facet"] = "f"
        elif facet_kind == "two":
            kw["facet"] = ["f", "g"]
        elif facet_kind == "three":
            kw["facet"] = ["f", "g", "f"]
        elif facet_kind == "missing":
            kw["facet"] = "ward"
        if part_kind == "column":
            kw["part"] = "p"
        if notes_kind == "column":
            kw["notes"] = "notes"
    if chart != "run" or function == "control_chart":
        if function == "control_chart":
            kw["chart"] = chart
    xcol = cols.get("x")
    if part_kind == "values" and xcol is not None:
        kw["part"] = _pick_values(draw, xcol, 1)
    elif part_kind == "junk" and junk:
        kw["part"] = draw(JUNK)
    ex = draw(_weighted((5, None), (3, "values"), (1, "junk")))
    if ex == "values" and xcol is not None:
        kw["exclude"] = _pick_values(draw, xcol)
    elif ex == "junk" and junk:
        kw["exclude"] = [draw(JUNK)]
    fr = draw(_weighted((6, None), (2, "value"), (1, "junk")))
    if fr == "value" and xcol is not None:
        picked = _pick_values(draw, xcol, 1)
        if picked:
            kw["freeze"] = picked[0]
    elif fr == "junk" and junk:
        kw["freeze"] = draw(JUNK)
    good_m = [(8, None), (1, 1000), (1, 100.0), (1, Decimal("10")), (1, np.float32(10))]
    bad_m = [(1, 0), (1, -1), (1, float("inf")), (1, float("nan")), (1, "100"), (1, True), (1, 1e300)]
    m = draw(_weighted(*good_m, *(bad_m if junk else [])))
    if m is not None:
        kw["multiply"] = m
    for name in ("cl", "target"):
        good = [(10, None), (1, 5.0), (1, 0.5), (1, Decimal("2.5")), (1, {"A": 1.0, "B": 0.2})]
        bad = [(1, -3), (1, float("nan")), (1, "high"), (1, {"nope": 2}), (1, 1e200)]
        val = draw(_weighted(*good, *(bad if junk else [])))
        if val is not None:
            kw[name] = val
    opt = draw(_weighted((6, None), (1, "rules"), (1, "improvement"), (1, "agg"), (1, "screen_mr")))
    if opt == "rules":
        kw["rules"] = draw(st.sampled_from(["anhoej", "ihi", "western_electric", "nelson", "mdc"] + (["Nelson", 1] if junk else [])))
    elif opt == "improvement":
        kw["improvement"] = draw(st.sampled_from(["increase", "decrease", "neutral", None] + (["up"] if junk else [])))
    elif opt == "agg":
        kw["agg"] = draw(st.sampled_from(["mean", "median", "sum"] + (["max"] if junk else [])))
    elif opt == "screen_mr":
        kw["screen_mr"] = draw(st.sampled_from([False, np.bool_(True)] + (["no"] if junk else [])))
    if draw(_weighted((4, False), (1, True))):
        kw["improvement"] = draw(st.sampled_from(["increase", "decrease"]))
    return Case(function, data, kw, cols, label)


@st.composite
def suggest_cases(draw: Any) -> Case:
    n = draw(st.integers(0, 20))
    cols = {"y": draw(number_column(n))}
    if draw(st.booleans()):
        cols["n"] = draw(number_column(n, low=1, high=2000))
    if draw(st.booleans()):
        cols["x"] = draw(x_column(n))
    data, label = _frame(draw, cols, n, ("x", "y", "n"))
    kw: dict[str, Any] = {"y": "y"}
    if "n" in cols:
        kw["n"] = "n"
    if "x" in cols:
        kw["x"] = "x"
    if draw(_weighted((6, False), (1, True))):
        kw["kind"] = draw(st.sampled_from(["classification", "count", "Count", 2]))
    if draw(_weighted((6, False), (1, True))):
        data = None
        kw = {k: (cols[v].series if isinstance(v, str) and v in cols else v) for k, v in kw.items()}
    return Case("suggest_chart", data, kw, cols, label)


@st.composite
def funnel_cases(draw: Any) -> Case:
    n = draw(st.integers(0, 20))
    cols = {"u": draw(label_column(n, k=draw(st.integers(1, 8))))}
    cols["y"] = draw(number_column(n))
    ncol = draw(number_column(n, low=1, high=400))
    if ncol.values is not None and cols["y"].values is not None and ncol.kind in ("int", "float") and draw(st.booleans()):
        bump = np.nan_to_num(cols["y"].values, nan=0.0, posinf=0.0, neginf=0.0)
        vals = np.where(np.isnan(ncol.values), np.nan, ncol.values + np.clip(bump, 0, 1e6))
        ncol = Col(pd.Series(vals), "float", vals)
    cols["n"] = ncol
    faceted = draw(_weighted((4, False), (1, True)))
    if faceted:
        cols["f"] = draw(label_column(n, k=2))
    data, label = _frame(draw, cols, n, ("u", "y", "n", "f"))
    kw: dict[str, Any] = {"unit": "u", "y": "y", "n": "n"}
    if faceted:
        kw["facet"] = "f"
    kw["kind"] = draw(_weighted((4, "proportion"), (3, "rate"), (2, "ratio"), (1, "odds")))
    opt = draw(_weighted((5, None), (1, "method"), (1, "overdispersion"), (1, "target"), (1, "limits"),
                         (1, "scale"), (1, "trim"), (1, "multiply")))
    if opt == "method":
        kw["method"] = draw(st.sampled_from(["exact", "normal", "chisq", "poisson"]))
    elif opt == "overdispersion":
        kw["overdispersion"] = draw(st.sampled_from(["additive", "multiplicative", "both"]))
    elif opt == "target":
        kw["target"] = draw(st.sampled_from([0.2, 5.0, 0, -1, float("nan"), {"A": 0.3}, "x"]))
    elif opt == "limits":
        kw["limits"] = draw(st.sampled_from([(0.95,), 0.998, (95, 99.8), (), "95%", (0.95, 0.95001)]))
    elif opt == "scale":
        kw["scale"] = draw(st.sampled_from(["natural", "log", "sqrt", "logit", "arcsine", "weird"]))
    elif opt == "trim":
        kw["trim"] = draw(st.sampled_from([0.0, 0.2, 0.5, -1]))
        kw["trim_method"] = draw(st.sampled_from(["winsorise", "truncate"]))
    elif opt == "multiply":
        kw["multiply"] = draw(st.sampled_from([100, 1000, 0, float("inf")]))
    return Case("funnel_plot", data, kw, cols, label)


@st.composite
def league_cases(draw: Any) -> Case:
    case = draw(funnel_cases())
    kw = {k: case.kwargs[k] for k in ("unit", "y", "n", "kind") if k in case.kwargs}
    kw["n_sims"] = draw(st.sampled_from([100, 100, 99, 150]))
    if draw(_weighted((4, False), (1, True))):
        kw["ascending"] = draw(st.sampled_from([True, "yes"]))
    if draw(_weighted((4, False), (1, True))):
        kw["level"] = draw(st.sampled_from([0.9, 95, 0.0]))
    return Case("league_table", case.data, kw, case.cols, case.label)


@st.composite
def pareto_cases(draw: Any) -> Case:
    n = draw(st.integers(0, 20))
    cols = {"c": draw(label_column(n, k=draw(st.integers(1, 5))))}
    with_count = draw(st.booleans())
    if with_count:
        cols["k"] = draw(number_column(n))
    data, label = _frame(draw, cols, n, ("c", "k"))
    kw: dict[str, Any] = {"category": "c"}
    if with_count:
        kw["count"] = "k"
    opt = draw(_weighted((5, None), (1, "cut"), (1, "top"), (1, "min_percent")))
    if opt == "cut":
        kw["cut"] = draw(st.sampled_from([80, 50.5, 0.8, 150, "80"]))
    elif opt == "top":
        kw["top"] = draw(st.sampled_from([1, 3, 0, 2.5]))
    elif opt == "min_percent":
        kw["min_percent"] = draw(st.sampled_from([5, 50, 0, 100]))
    function = draw(_weighted((6, "pareto_table"), (1, "pareto_chart")))
    return Case(function, data, kw, cols, label)


@st.composite
def suppress_cases(draw: Any) -> Case:
    n = draw(st.integers(0, 12))
    cols = {"k": draw(number_column(n, low=0, high=12)), "r": draw(number_column(n))}
    data, label = _frame(draw, cols, n, ("k", "r"))
    kw: dict[str, Any] = {"columns": draw(st.sampled_from([["k"], ["k", "r"], ["zz"], "k", []]))}
    if draw(st.booleans()):
        kw["also"] = draw(st.sampled_from([["r"], ["nope"], "r"]))
    if draw(_weighted((4, False), (1, True))):
        kw["threshold"] = draw(st.sampled_from([10, 0, 2.5, "5"]))
    return Case("suppress_small_counts", data, kw, cols, label)


@st.composite
def read_measure_cases(draw: Any) -> Case:
    """A CSV export made from a generated frame, read back and charted (read_measure's output path)."""
    n = draw(st.integers(0, 14))
    x = draw(st.sampled_from(["dd/mm/yyyy", "iso", "month names", "far year", "numbers", "text"]))
    months = _month_starts(n)
    if x == "dd/mm/yyyy":
        xs = [f"{m:%d/%m/%Y}" for m in months]
    elif x == "iso":
        xs = [f"{m:%Y-%m-%d}" for m in months]
    elif x == "month names":
        xs = [f"{m:%b %Y}" for m in months]
    elif x == "far year":
        xs = [f"{m:%d/%m/%Y}" for m in months]
        if n:
            xs[draw(st.integers(0, n - 1))] = "01/12/3024"
    elif x == "numbers":
        xs = [str(i + 1) for i in range(n)]
    else:
        xs = [f"w{i}" for i in range(n)]
    ys = draw(st.lists(st.sampled_from(["3", "12", "1,204", "85%", "", "n/a", "-", "7.5", "inf", "1e308", "$x$"]),
                       min_size=n, max_size=n))
    ns = draw(st.lists(st.sampled_from(["100", "250", "0", "", "1,000"]), min_size=n, max_size=n))
    codec = draw(_weighted((4, "utf-8"), (1, "utf-8-sig"), (1, "utf-16"), (1, "cp1252"), (1, "shift_jis")))
    heads = ["Month,Falls,Bed days", r"Month,$\frac{$,Bed days", "Month,Falls,Falls"]
    heads += {"cp1252": ["Month,Falls £,Bed days é"], "shift_jis": ["月,転倒数,病床日数"]}.get(codec, [])
    head = draw(st.sampled_from(heads))
    lines = [head] + [f'{a},"{b}","{c}"' for a, b, c in zip(xs, ys, ns)]
    if draw(st.booleans()):
        lines.append("Total,99,999")
    text = "\n".join(lines) + "\n"
    chart = draw(st.sampled_from(["run", "i", "u", "c"]))
    plain = x in ("dd/mm/yyyy", "iso", "month names") and sum(y in ("3", "12", "1,204", "7.5") for y in ys) * 2 > n
    return Case("read_measure", text.encode(codec), {"chart": chart, "header": head, "codec": codec, "plain": plain})


@st.composite
def system_cases(draw: Any) -> Case:
    """Fishbone causes and process-map steps (plain Python shapes), mostly valid."""
    TEXT = st.one_of(st.text(alphabet="abcXYZ $\\{}<&é", min_size=1, max_size=8), st.sampled_from(["", " ", "a\x07b"]))
    which = draw(st.sampled_from(["causes", "steps"]))
    if which == "causes":
        causes = draw(
            st.one_of(
                st.dictionaries(TEXT, st.lists(st.one_of(TEXT, st.dictionaries(TEXT, st.lists(TEXT, max_size=2), max_size=1)), max_size=3), max_size=3),
                st.sampled_from([None, [], "People", {"A": "x"}, {"A": [1]}, {"A": [None]}, {1: ["x"]}]),
            )
        )
        return Case("check_causes", None, {"causes": causes})
    steps = draw(
        st.one_of(
            st.lists(st.one_of(TEXT, st.fixed_dictionaries({"step": TEXT}, optional={"kind": st.sampled_from(["step", "decision", "delay", "x"]), "yes": st.one_of(TEXT, st.integers(-1, 5)), "no": st.one_of(TEXT, st.integers(-1, 5)), "wait": TEXT})), max_size=5),
            st.sampled_from([None, "Triage", [None], [{}], [{"step": 1}]]),
        )
    )
    return Case("check_steps", None, {"steps": steps})


@st.composite
def dataset_cases(draw: Any) -> Case:
    name = draw(st.one_of(st.sampled_from(qi.datasets.list()["name"].tolist()[:2]), TEXT, st.sampled_from([None, 3, ["a"], "../etc/passwd"])))
    return Case("datasets.load", None, {"name": name})


# ----------------------------------------------------------------------------------------------
# the contract


class ContractBroken(AssertionError):
    """A public function broke the contract of issue 22."""


#: argument names and words that say which input a message is about
_ROLE_WORDS = re.compile(
    r"\brows?\b|\blines?\b|\bcolumns?\b|`\w+`|\b\w+=|\((?:x|y|n|unit|facet|part|category|count|notes)\)|"
    r"\b(?:x|y|n|unit|facet|part|freeze|exclude|chart|rules|agg|multiply|target|cl|kind|data|category|count|"
    r"limits|method|scale|trim|level|n_sims|ascending|improvement|screen_mr|threshold|also|columns|cut|top|"
    r"min_percent|name|dataset|causes|steps|step|effect|figsize)\b",
    re.IGNORECASE,
)


def _check_message(exc: BaseException, case: Case) -> None:
    msg = str(exc)
    if len(msg) < 25:
        raise ContractBroken(f"a qitools error with a terse message: {type(exc).__name__}: {msg!r}\n{case!r}")
    if "Traceback" in msg or "object at 0x" in msg:
        raise ContractBroken(f"a qitools error that shows Python internals: {msg!r}\n{case!r}")
    if not _ROLE_WORDS.search(msg):
        raise ContractBroken(f"a qitools error that names no argument, column or row: {msg!r}\n{case!r}")


#: what :func:`check_call` saw (the benchmark reports it): calls, results, qitools errors, warnings
STATS: Counter[str] = Counter()


@dataclass
class Outcome:
    result: Any
    error: QIToolsError | None
    warnings: list[warnings.WarningMessage]

    def warned(self, *words: str) -> bool:
        return any(all(w.lower() in str(m.message).lower() for w in words) for m in self.warnings)


#: matplotlib's warning when the font has no glyph for a character (CJK labels with DejaVu Sans): it
#: comes when a figure is drawn to pixels, after qitools returned (qitools' own drawing says it once)
_GLYPH = re.compile(r"Glyph \d+ .* missing from font")


def check_call(fn: Callable[..., Any], case: Case, *args: Any, **kwargs: Any) -> Outcome:
    """Call ``fn``; fail on any exception that is not a qitools error, and on any foreign warning."""
    STATS["calls"] += 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except QIToolsError as exc:
            _check_message(exc, case)
            result, error = None, exc
            STATS["qitools errors"] += 1
        except Exception as exc:  # noqa: BLE001 - the contract under test
            raise ContractBroken(f"{type(exc).__name__}: {exc}\nfrom {getattr(fn, '__name__', fn)} on {case!r}") from exc
        else:
            error = None
    foreign = [
        w
        for w in caught
        if not issubclass(w.category, QIToolsWarning)
        and not (getattr(fn, "__name__", "") == "draw" and _GLYPH.search(str(w.message)))
    ]
    if foreign:
        w = foreign[0]
        raise ContractBroken(
            f"a warning that is not qitools' own reached the user: {w.category.__name__}: {w.message} "
            f"({w.filename}:{w.lineno})\n{case!r}"
        )
    STATS["qitools warnings"] += sum(issubclass(w.category, QIToolsWarning) for w in caught)
    return Outcome(result, error, list(caught))


def _finite(*arrays: np.ndarray) -> np.ndarray:
    ok = np.ones(len(arrays[0]), dtype=bool)
    for a in arrays:
        ok &= np.isfinite(a)
    return ok


def _leq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a <= b allowing float round-off."""
    return a <= b + 1e-9 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))


def check_chart_result(cc: Any, case: Case, out: Outcome) -> None:
    d = cc.data
    cl = d["cl"].to_numpy(dtype=float)
    lcl, ucl = d["lcl"].to_numpy(dtype=float), d["ucl"].to_numpy(dtype=float)
    if cc.chart != "run":
        ok = _finite(lcl, cl, ucl)
        bad = ok & ~(_leq(lcl, cl) & _leq(cl, ucl))
        if bad.any() and not ("cl" in case.kwargs and out.warned("centre line", "outside")):
            i = int(np.flatnonzero(bad)[0])
            raise ContractBroken(f"limits out of order at point {i}: lcl={lcl[i]} cl={cl[i]} ucl={ucl[i]}\n{case!r}")
    for name in ("cl", "lcl", "ucl", "y"):
        if np.isinf(d[name].to_numpy(dtype=float)).any():
            raise ContractBroken(f"an infinite {name} in the result\n{case!r}")
    s = cc.summary
    if len(s) and (s["n_obs"].to_numpy() < 0).any():
        raise ContractBroken(f"negative n_obs\n{case!r}")
    # nothing changed silently
    y_col, x_col = case.cols.get("y"), case.cols.get("x")
    for role in ("y", "n"):
        col = case.cols.get(role)
        if col is not None and col.has_inf and not out.warned("inf"):
            raise ContractBroken(f"{role} held inf and the chart was drawn without a word about it\n{case!r}")
    if x_col is not None and x_col.far_date and "x" in case.kwargs and not out.warned("far"):
        raise ContractBroken(f"a date far from the others was charted without a warning\n{case!r}")
    changed = any(issubclass(w.category, qi.DataChangedWarning) for w in out.warnings)
    plain = (
        not changed
        and "facet" not in case.kwargs
        and cc.chart not in ("xbar", "s")
        and isinstance(case.data, pd.DataFrame)
        and case.label == ""
    )
    if plain and len(d) != len(case.data):
        raise ContractBroken(f"{len(case.data)} rows became {len(d)} points without a warning\n{case!r}")
    if plain and x_col is not None and x_col.dates is not None and case.kwargs.get("x") == "x" and len(d):
        want = np.sort(x_col.dates.astype("datetime64[us]"))
        if not pd.api.types.is_datetime64_any_dtype(d["x"].dtype):
            raise ContractBroken(f"dates were charted as {d['x'].dtype}, not as dates\n{case!r}")
        got = np.sort(d["x"].to_numpy().astype("datetime64[us]")) if d["x"].dt.tz is None else None
        if got is not None and not np.array_equal(want, got):
            raise ContractBroken(f"the dates changed: {want[:5]} became {got[:5]}\n{case!r}")
    if (
        plain
        and y_col is not None
        and y_col.values is not None
        and case.kwargs.get("y") == "y"
        and cc.chart in ("run", "i", "c", "g", "t", "p", "u")
        and len(d)
    ):
        m = float(cc.params["multiply"])
        want = y_col.values.copy()
        if "n" in case.kwargs and case.cols.get("n") is not None and case.cols["n"].values is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                want = want / case.cols["n"].values
        elif "n" in case.kwargs:
            return
        got = d["y"].to_numpy(dtype=float) / m
        want_s, got_s = np.sort(want[np.isfinite(want)]), np.sort(got[np.isfinite(got)])
        if want_s.shape != got_s.shape or not np.allclose(want_s, got_s, rtol=1e-9, atol=0):
            raise ContractBroken(f"the plotted values are not the data's: {want_s[:6]} vs {got_s[:6]}\n{case!r}")


def check_funnel_result(fp: Any, case: Case) -> None:
    """Limits in order and nested (wider levels outside narrower ones); with normal limits the target
    lies between them (exact limits for tiny expected counts may not: funnel_limits documents it)."""
    d = fp.data
    labels = fp.params["limit_labels"]
    previous = None
    for lab in labels:
        lo, hi = d[f"lcl{lab}"].to_numpy(dtype=float), d[f"ucl{lab}"].to_numpy(dtype=float)
        ok = _finite(lo, hi)
        if (ok & ~_leq(lo, hi)).any():
            raise ContractBroken(f"funnel limits {lab} out of order\n{case!r}")
        if previous is not None:
            plo, phi = previous
            both = ok & _finite(plo, phi)
            if (both & ~(_leq(lo, plo) & _leq(phi, hi))).any():
                raise ContractBroken(f"funnel limits {lab} are not outside the narrower ones\n{case!r}")
        previous = (lo, hi)
        if fp.params["method"] == "normal":
            t = d["target"].to_numpy(dtype=float)
            ok &= np.isfinite(t)
            if (ok & ~(_leq(lo, t) & _leq(t, hi))).any():
                raise ContractBroken(f"the target is outside the normal funnel limits {lab}\n{case!r}")
    for lab in ("y", "n", "value"):
        if np.isinf(d[lab].to_numpy(dtype=float)).any():
            raise ContractBroken(f"an infinite {lab} in the funnel\n{case!r}")


def check_league_result(lt: Any, case: Case) -> None:
    d = lt.data
    lo, mid, hi = (d[c].to_numpy(dtype=float) for c in ("rank_lower", "rank_median", "rank_upper"))
    if not (_leq(lo, mid) & _leq(mid, hi)).all():
        raise ContractBroken(f"rank intervals out of order\n{case!r}")
    if ((lo < 1) | (hi > len(d))).any():
        raise ContractBroken(f"ranks outside 1..{len(d)}\n{case!r}")


def check_pareto_result(table: Any, case: Case) -> None:
    pct = table["percent"].to_numpy(dtype=float)
    if not np.isclose(pct.sum(), 100.0):
        raise ContractBroken(f"Pareto percentages add up to {pct.sum()}\n{case!r}")
    cum = table["cumulative_percent"].to_numpy(dtype=float)
    if (np.diff(cum) < -1e-9).any():
        raise ContractBroken(f"cumulative percentages go down\n{case!r}")


def _draw(obj: Any, case: Case, **kwargs: Any) -> None:
    """Draw a result to pixels (text is laid out at draw time: mathtext errors show only then)."""
    import matplotlib.pyplot as plt

    out = check_call(obj.plot, case, **kwargs)
    if out.result is not None:
        fig = out.result if hasattr(out.result, "savefig") else out.result.figure
        try:
            check_call(fig.canvas.draw, case)
        finally:
            plt.close(fig)


def check_row_order(cc: Any, case: Case, out: Outcome, seed: int) -> None:
    """Shuffling the rows gives the same chart (dates and numbers as x; one facet)."""
    if not isinstance(case.data, pd.DataFrame) or case.label or len(case.data) < 2 or "x" not in case.kwargs:
        return
    xcol = case.cols.get("x")
    if xcol is None or xcol.kind not in ("monthly_ns", "monthly_us_far", "monthly_s", "int_seq", "float_seq", "tz"):
        return
    if "notes" in case.kwargs or "part" in case.kwargs:
        return
    perm = np.random.default_rng(seed).permutation(len(case.data))
    shuffled = case.data.iloc[perm]
    again = check_call(getattr(qi, case.function), case, shuffled, **case.kwargs)
    if again.result is None:
        raise ContractBroken(f"shuffled rows were refused: {again.error}\n{case!r}")
    a, b = cc.data, again.result.data
    for name in ("y", "cl", "lcl", "ucl"):
        if not np.allclose(a[name].to_numpy(float), b[name].to_numpy(float), equal_nan=True, rtol=1e-9, atol=1e-12):
            raise ContractBroken(f"row order changed {name}\n{case!r}")
    if not np.array_equal(a["sigma_signal"].to_numpy(bool), b["sigma_signal"].to_numpy(bool)):
        raise ContractBroken(f"row order changed the signals\n{case!r}")


def check_exclude_is_drop(cc: Any, case: Case) -> None:
    """Excluding x values gives the centre line and limits of dropping their rows (one part)."""
    kw = case.kwargs
    if (
        "exclude" not in kw
        or not isinstance(case.data, pd.DataFrame)
        or case.label
        or cc.chart not in ("i", "c", "p", "u", "run")
        or any(k in kw for k in ("facet", "part", "freeze", "cl"))
        or kw.get("x") != "x"
    ):
        return
    xcol = case.cols["x"]
    if xcol.kind not in ("monthly_ns", "int_seq", "float_seq", "text"):
        return
    d = cc.data
    if d["include"].all() or (~d["include"]).all() or len(d) != len(case.data):
        return
    kept = case.data[~case.data["x"].isin(d.loc[~d["include"], "x"])]
    rest = {k: v for k, v in kw.items() if k != "exclude"}
    again = check_call(getattr(qi, case.function), case, kept, **rest)
    if again.result is None:
        return
    dd = again.result.data
    mine = d[d["include"]].reset_index(drop=True)
    for name in ("cl", "lcl", "ucl") if cc.chart != "run" else ("cl",):
        a, b = mine[name].to_numpy(float), dd[name].to_numpy(float)
        if cc.chart == "i" or cc.chart == "run" or cc.chart == "c":
            a, b = a[:1], b[:1]
        if not np.allclose(a, b, equal_nan=True, rtol=1e-9, atol=1e-12):
            raise ContractBroken(f"exclude= is not the same as dropping the rows ({name}: {a[:3]} vs {b[:3]})\n{case!r}")


def run_case(case: Case, *, draw: bool = False, report: bool = False, seed: int = 0) -> int:
    """Run a case and what a user does next with the result; returns the number of calls made."""
    calls = 1
    fn_name = case.function
    if fn_name in ("control_chart", "run_chart"):
        out = check_call(getattr(qi, fn_name), case, case.data, **case.kwargs)
        cc = out.result
        if cc is None:
            return calls
        check_chart_result(cc, case, out)
        for call in (cc.explain, cc.signals, lambda: repr(cc), cc._repr_html_, lambda: cc.conventions):
            check_call(call, case)
            calls += 1
        if "facet" in cc.summary.columns and len(cc.summary):
            check_call(cc.explain, case, facet=cc.summary["facet"].iloc[0])
            check_call(cc.explain, case, facet="no such facet")
            calls += 2
        if cc.icons_table is not None:
            check_call(lambda: cc.icons, case)
            calls += 1
        check_row_order(cc, case, out, seed)
        check_exclude_is_drop(cc, case)
        calls += 2
        if draw:
            facet = None
            if "facet" in cc.summary.columns and len(cc.summary):
                facet = cc.summary["facet"].iloc[-1]
            _draw(cc, case, facet=facet)
            calls += 2
        if report:
            check_call(qi.chart_report, case, cc, title=r"$\frac{$ <b>")
            calls += 1
        return calls
    if fn_name == "suggest_chart":
        out = check_call(qi.suggest_chart, case, case.data, **case.kwargs)
        if out.result is not None:
            if out.result.chart not in ALL_CHARTS:
                raise ContractBroken(f"suggest_chart suggested {out.result.chart!r}\n{case!r}")
            check_call(repr, case, out.result)
            calls += 1
        return calls
    if fn_name in ("funnel_plot", "league_table"):
        out = check_call(getattr(qi, fn_name), case, case.data, **case.kwargs)
        res = out.result
        if res is None:
            return calls
        (check_funnel_result if fn_name == "funnel_plot" else check_league_result)(res, case)
        for call in (res.explain, lambda: repr(res), getattr(res, "_repr_html_", lambda: "")):
            check_call(call, case)
            calls += 1
        if fn_name == "funnel_plot" and res.params.get("facet"):
            check_call(res.explain, case, facet=res.summary["facet"].iloc[0])
            check_call(res.explain, case, facet=["not", "a", "label"])
            calls += 2
        if draw:
            facet = res.summary["facet"].iloc[0] if fn_name == "funnel_plot" and res.params.get("facet") else None
            _draw(res, case, **({"facet": facet} if facet is not None else {}))
            calls += 2
        return calls
    if fn_name in ("pareto_table", "pareto_chart"):
        if fn_name == "pareto_chart" and not draw:
            fn_name = "pareto_table"
        out = check_call(getattr(qi, fn_name), case, case.data, **case.kwargs)
        if out.result is not None and fn_name == "pareto_table":
            check_pareto_result(out.result, case)
        elif out.result is not None:
            import matplotlib.pyplot as plt

            check_call(out.result.figure.canvas.draw, case)
            plt.close(out.result.figure)
            calls += 1
        return calls
    if fn_name == "suppress_small_counts":
        check_call(qi.suppress_small_counts, case, case.data, **case.kwargs)
        return calls
    if fn_name == "read_measure":
        out = check_call(qi.read_measure, case, io.BytesIO(case.data))
        df = out.result
        if df is None or len(df.columns) < 2:
            return calls
        names = case.kwargs["header"].split(",")
        if case.kwargs["plain"] and len(set(names)) == len(names) and not set(df.columns) <= set(names):
            raise ContractBroken(f"read_measure read the header {names} as {list(df.columns)}\n{case!r}")
        x, y = df.columns[0], df.columns[1]
        kw = {"x": x, "y": y, "chart": case.kwargs["chart"]}
        if case.kwargs["chart"] == "u" and len(df.columns) > 2:
            kw["n"] = df.columns[2]
        chart = check_call(qi.control_chart, case, df, **kw)
        calls += 1
        cc = chart.result
        if cc is not None:
            check_call(cc.explain, case)
            calls += 1
            if pd.api.types.is_datetime64_any_dtype(df[x]) and len(cc.data) == df[x].notna().sum():
                want = np.sort(df[x].dropna().to_numpy().astype("datetime64[us]"))
                got = np.sort(cc.data["x"].to_numpy().astype("datetime64[us]"))
                if not np.array_equal(want, got):
                    raise ContractBroken(f"read_measure's dates changed in the chart: {want} vs {got}\n{case!r}")
            if draw:
                _draw(cc, case)
                calls += 2
        return calls
    if fn_name == "check_causes":
        check_call(qi.system.check_causes, case, case.kwargs["causes"])
        if draw:
            out = check_call(qi.cause_effect_diagram, case, "Falls", case.kwargs["causes"])
            if out.result is not None:
                import matplotlib.pyplot as plt

                check_call(out.result.figure.canvas.draw, case)
                plt.close(out.result.figure)
                calls += 2
        return calls
    if fn_name == "check_steps":
        check_call(qi.system.check_steps, case, case.kwargs["steps"])
        if draw:
            out = check_call(qi.process_map, case, case.kwargs["steps"])
            if out.result is not None:
                import matplotlib.pyplot as plt

                check_call(out.result.figure.canvas.draw, case)
                plt.close(out.result.figure)
                calls += 2
        return calls
    if fn_name == "datasets.load":
        check_call(qi.datasets.load, case, case.kwargs["name"])
        return calls
    raise AssertionError(f"unknown function {fn_name}")


#: share of the inputs each public function gets (the chart functions have most to check)
WEIGHTS: dict[str, float] = {
    "control_chart": 18.0,
    "run_chart": 6.0,
    "suggest_chart": 4.0,
    "funnel_plot": 8.0,
    "league_table": 2.0,
    "pareto_table": 4.0,
    "suppress_small_counts": 2.0,
    "read_measure": 4.0,
    "system": 2.0,
    "datasets.load": 0.5,
}

#: the strategies by public function (the fuzz test and the benchmark run them all)
CALLS: dict[str, Callable[[], st.SearchStrategy[Case]]] = {
    "control_chart": lambda: chart_cases("control_chart"),
    "run_chart": lambda: chart_cases("run_chart"),
    "suggest_chart": suggest_cases,
    "funnel_plot": funnel_cases,
    "league_table": league_cases,
    "pareto_table": pareto_cases,
    "suppress_small_counts": suppress_cases,
    "read_measure": read_measure_cases,
    "system": system_cases,
    "datasets.load": dataset_cases,
}
