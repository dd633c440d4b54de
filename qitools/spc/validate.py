"""The validation layer: every input of every public function is read and checked here.

Each public function (``control_chart``, ``run_chart``, ``suggest_chart``, ``funnel_plot``,
``league_table``, ``pareto_table``/``pareto_chart``, ``suppress_small_counts``, the result
objects' ``plot``/``explain`` and ``chart_report``) reads its inputs through these helpers, so
that a new shape of input is handled in one place:

- :func:`check_data` -- the ``data=`` argument (a DataFrame, or None with the values given as
  arrays);
- :func:`get_column` -- a column by name (duplicated labels, two-level headers, close names) or
  an array of values (its length, its shape);
- :func:`as_numeric` -- numbers (``y``, ``n``, counts): every pandas dtype (numpy, nullable
  ``Int64``/``Float64``/``boolean`` with ``<NA>``, pyarrow-backed, categoricals), object columns
  of numbers, text, ``Decimal`` (``NaN``, ``sNaN``, ``Infinity``), lists in cells, dates;
  infinite values (a division by zero upstream) and values too large to compute with are refused,
  naming the rows;
- :func:`as_labels` -- labels (facets, units, categories, parts): missing values of every kind
  made one kind, lists in cells refused;
- :func:`as_x` -- the time axis: dates at the resolution they have (years past 2262 kept), time
  zones (mixed zones converted to UTC with a warning, zoned mixed with unzoned refused), ``date``
  objects, numbers of every dtype, labels; x mixing numbers and text refused; a date far from
  the others reported (:func:`far_dates`, the rule :func:`qitools.read_measure` uses too);
- :func:`require_one_of`, :func:`require_finite_number`, :func:`require_positive`,
  :func:`require_label` -- options (numbers are finite and within :data:`MAX_MAGNITUDE`).

The helpers raise :class:`~qitools.spc.errors.QIValueError` or
:class:`~qitools.spc.errors.QITypeError` before any computation is done, with messages that say
what was wrong (the argument, the column, the rows), why it matters and how to fix it; none of
them uses ``assert`` (stripped by ``python -O``). Warnings say what was changed.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import numbers
import re
import sys
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataChangedWarning, DataQualityWarning, QITypeError, QIValueError

__all__ = [
    "describe_rows",
    "require_one_of",
    "require_columns",
    "check_data",
    "get_column",
    "column_name",
    "as_numeric",
    "numbers_where_possible",
    "as_labels",
    "as_x",
    "check_scaled",
    "far_dates",
    "warn_far_dates",
    "describe_far_dates",
    "require_positive",
    "require_finite_number",
    "require_label",
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
]

_MAX_ROWS_SHOWN = 8
#: numbers beyond this size (in absolute value) are refused: sums, squares, ratios and the axis of a
#: chart of them overflow (no count, rate or measurement in health care comes near it) ...
MAX_MAGNITUDE = 1e50
#: ... and so are numbers other than 0 closer to 0 than this (dividing by them overflows)
MIN_MAGNITUDE = 1e-50
#: a date this far outside the middle half of the others (in multiples of its spread, and at
#: least a year) is reported as a likely typing error (a typed 3024 for 2024)
FAR_DATE_IQR = 3.0
#: ... or when a gap at an end of the series is this many times the usual gap between dates (and two years)
FAR_DATE_GAP = 24.0


def describe_rows(labels: Sequence[Any] | np.ndarray | pd.Index, mask: np.ndarray) -> str:
    """'rows 4, 17 and 3 more' for the rows where ``mask`` is true (labels are the data's index)."""
    idx = np.flatnonzero(mask)
    shown = ", ".join(_show(labels[i]) for i in idx[:_MAX_ROWS_SHOWN])
    more = f" and {idx.size - _MAX_ROWS_SHOWN} more" if idx.size > _MAX_ROWS_SHOWN else ""
    word = "row" if idx.size == 1 else "rows"
    return f"{word} {shown}{more}"


def _show(label: Any) -> str:
    if isinstance(label, pd.Timestamp):
        return str(label.date()) if label == label.normalize() else str(label)
    return str(label)


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def _examples(values: Iterable[Any], k: int = 3) -> str:
    out = []
    for v in values:
        out.append(_safe_repr(v))
        if len(out) == k:
            break
    return ", ".join(out)


def _safe_repr(v: Any, limit: int = 40) -> str:
    try:
        text = repr(v.item() if isinstance(v, np.generic) else v)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still named
        text = f"a {type(v).__name__}"
    if " at 0x" in text:  # an object with no readable form: name its type
        text = f"a {type(v).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _subject(name: str, role: str) -> str:
    """"Column 'falls' (y)" for a column, "y" for values given as an array."""
    if name == role:
        return role
    return f"Column {name} ({role})"


def _ref(name: str) -> str:
    """A column as code: the column's own label, or a stand-in for values given as an array."""
    return name if name[:1] in "'\"" else repr(name)


def _warn(message: str, category: type[Warning]) -> None:
    """Warn, pointing at the first caller outside qitools (the user's line)."""
    here = __file__.rsplit("spc", 1)[0]
    frame = sys._getframe(0)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(here):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)


# =============================================================================================
# options


def require_one_of(name: str, value: Any, allowed: Iterable[str], hint: str = "") -> str:
    """Check a string option against its allowed values; suggest the closest one."""
    allowed = list(allowed)
    listing = ", ".join(repr(a) for a in allowed)
    if not isinstance(value, str):
        raise QITypeError(
            f"`{name}` must be one of {listing}; got {_safe_repr(value)} ({type(value).__name__}). {hint}".strip()
        )
    if value in allowed:
        return value
    close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    if value.lower() in allowed:
        tip = f" Names are lower-case: use {value.lower()!r}."
    elif close:
        tip = f" Did you mean {close[0]!r}?"
    else:
        tip = ""
    raise QIValueError(f"`{name}` must be one of {listing}; got {_safe_repr(value)}.{tip} {hint}".strip())


def _as_float(value: Any) -> float | None:
    """A real number as float (None when it is not one: text, bool, complex, containers)."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, Decimal):
        if value.is_snan():
            return float("nan")
        try:
            return float(value)
        except (ValueError, OverflowError):  # pragma: no cover - Decimal converts to inf
            return float("nan")
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    return None


def require_finite_number(name: str, value: Any) -> float:
    """A finite real number (bools are refused; ``Decimal`` and numpy numbers are accepted)."""
    number = _as_float(value)
    if number is None:
        raise QITypeError(f"`{name}` must be a number; got {_safe_repr(value)} ({type(value).__name__}).")
    if not np.isfinite(number):
        raise QIValueError(f"`{name}` must be a finite number; got {_safe_repr(value)}.")
    if 0 < abs(number) < MIN_MAGNITUDE:
        raise QIValueError(
            f"`{name}` is {number:g}, too close to 0 to compute with (numbers other than 0 must be at least "
            f"{MIN_MAGNITUDE:g} in size). Check the units, or for a typing error."
        )
    if abs(number) > MAX_MAGNITUDE:
        raise QIValueError(
            f"`{name}` is {number:g}, too large to compute with (the limit is {MAX_MAGNITUDE:g}). "
            f"Check the units, or for a typing error."
        )
    return number


def require_positive(name: str, value: Any) -> float:
    """A finite number > 0 (for ``multiply``)."""
    number = require_finite_number(name, value)
    if number <= 0:
        raise QIValueError(
            f"`{name}` must be greater than 0; got {_safe_repr(value)}. It scales y and the limits, e.g. 1000 for "
            "'per 1000'."
        )
    return number


def require_label(name: str, value: Any, hint: str = "") -> Any:
    """One label (a facet, a unit): hashable and not a list; ``None`` passes through."""
    if value is None:
        return None
    if isinstance(value, (list, set, dict, np.ndarray, pd.Series, pd.Index)):
        raise QITypeError(
            f"`{name}` takes one label, such as a ward's name; got {_safe_repr(value)} ({type(value).__name__}). "
            f"{hint}".strip()
        )
    try:
        hash(value)
    except TypeError:
        raise QITypeError(f"`{name}` takes one label, such as a ward's name; got {_safe_repr(value)}.") from None
    return value


# =============================================================================================
# data and columns


def check_data(data: Any, function: str) -> pd.DataFrame | None:
    """``data=`` must be a pandas DataFrame (or None when the values are given as arrays)."""
    if data is None or isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, bytes)) or hasattr(data, "__fspath__"):
        name = _safe_repr(str(data), 80)
        raise QITypeError(
            f"data= must be a pandas DataFrame; got the file name {name}. To use a file, read it first: "
            f"qi.read_measure({name}) (or pd.read_csv({name})) gives the table; pass that as data=."
        )
    if isinstance(data, pd.Series):
        raise QITypeError(
            f"data= must be a pandas DataFrame; got a Series. Pass the values themselves instead "
            f"(qi.{function}(y=series, ...)), or make a table of it with series.to_frame()."
        )
    if isinstance(data, Mapping):
        raise QITypeError(
            f"data= must be a pandas DataFrame; got a {type(data).__name__}. Make one first: "
            f"df = pd.DataFrame(data), then qi.{function}(df, ...)."
        )
    raise QITypeError(f"data= must be a pandas DataFrame or None; got {type(data).__name__}.")


def column_name(spec: Any, role: str, data: pd.DataFrame | None = None) -> str:
    """How a message names a column: its label (``'falls'``), or the role (``y``) for values given as an array."""
    if isinstance(spec, str):
        return repr(spec)
    if data is not None and _is_column_label(data, spec):
        return _safe_repr(spec)
    return role


def require_columns(data: pd.DataFrame, columns: dict[str, Hashable]) -> None:
    """Check that every named column exists, naming the argument and suggesting close names."""
    for role, col in columns.items():
        if _has_label(data, col):
            continue
        names = [str(c) for c in data.columns]
        close = difflib.get_close_matches(str(col), names, n=1, cutoff=0.6)
        lower = [c for c in names if c.lower() == str(col).lower()]
        tip = f" Did you mean {(lower or close)[0]!r}?" if (lower or close) else ""
        shown = ", ".join(repr(c) for c in names[:20]) + (" ..." if len(names) > 20 else "")
        if not names:
            raise QIValueError(
                f"Column {_safe_repr(col)} (given as {role}=) is not in the data: the data has no columns. Check "
                f"that the file was read correctly."
            )
        raise QIValueError(
            f"Column {_safe_repr(col)} (given as {role}=) is not in the data.{tip} "
            f"The data has columns {shown}. Column names must match exactly, including capitals and spaces."
        )


def _has_label(data: pd.DataFrame, spec: Any) -> bool:
    try:
        return spec in data.columns
    except (TypeError, ValueError):  # unhashable, or a value pandas cannot compare
        return False


def _is_column_label(data: pd.DataFrame | None, spec: Any) -> bool:
    if data is None or isinstance(spec, (list, np.ndarray, pd.Series, pd.Index, range, set, dict)):
        return False
    return _has_label(data, spec)


def _one_column(data: pd.DataFrame, spec: Any, role: str) -> pd.Series:
    """The column labelled ``spec``; an error when the label is repeated or names a group of columns."""
    cols = data.columns
    if cols.is_unique and not isinstance(cols, pd.MultiIndex):
        return data[spec]
    loc = cols.get_loc(spec)
    if isinstance(loc, (int, np.integer)):
        return data.iloc[:, int(loc)]
    positions = np.arange(len(cols))[loc]
    if isinstance(cols, pd.MultiIndex) and positions.size and len(set(cols[positions])) == positions.size:
        full = [_safe_repr(c) for c in cols[positions][:4]]
        raise QIValueError(
            f"Column {_safe_repr(spec)} (given as {role}=) is the top of a two-row header, with "
            f"{_plural(int(positions.size), 'column')} under it ({', '.join(full)}). Name one column in full, "
            f"e.g. {role}={full[0]}, or join the header rows into one first: "
            "df.columns = [' '.join(map(str, c)).strip() for c in df.columns]."
        )
    shown = ", ".join(str(p) for p in positions[:6])
    raise QIValueError(
        f"Column {_safe_repr(spec)} (given as {role}=) appears {positions.size} times in the data (at positions "
        f"{shown}), so qitools cannot tell which one is meant. Rename or drop the copies first, e.g. "
        f"df = df.loc[:, ~df.columns.duplicated()] keeps the first of each."
    )


def get_column(data: pd.DataFrame | None, spec: Any, role: str, n_rows: int | None) -> pd.Series:
    """Return ``spec`` as a Series (index 0..N-1): a column of ``data`` by name, or an array-like of values."""
    if isinstance(spec, str) or _is_column_label(data, spec) or (
        data is not None and isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, bool)
    ):
        if data is None:
            raise QIValueError(
                f"{role}={_safe_repr(spec)} looks like a column name, but no data was given. Pass the DataFrame as "
                f"the first argument (data=df), or pass the values themselves as {role}=."
            )
        require_columns(data, {role: spec})
        return _one_column(data, spec, role).reset_index(drop=True)
    if spec is None or isinstance(spec, (Mapping, set, frozenset, bool, np.bool_)) or np.isscalar(spec):
        raise QITypeError(
            f"{role}= must be a column name or a list of values; got {_safe_repr(spec)} ({type(spec).__name__})."
        )
    if isinstance(spec, pd.DataFrame):
        raise QITypeError(
            f"{role}= must be a column name or one column of values; got a DataFrame with "
            f"{_plural(spec.shape[1], 'column')}. Pass one column, e.g. {role}=df['name'], or its name with data=df."
        )
    if isinstance(spec, pd.Series):
        values = spec.reset_index(drop=True)
    elif isinstance(spec, (pd.Index, pd.api.extensions.ExtensionArray)):
        values = pd.Series(spec)
    else:
        try:
            arr = np.asarray(spec) if isinstance(spec, np.ndarray) else np.asarray(list(spec), dtype=object)
        except Exception as exc:  # noqa: BLE001 - ragged nested lists, iterators that fail
            raise QITypeError(
                f"{role}= must be a column name or a list of values; got {type(spec).__name__} that cannot be read as "
                f"one ({type(exc).__name__})."
            ) from None
        if arr.ndim != 1:
            raise QITypeError(
                f"{role}= must be a column name or a one-dimensional list of values; got an array of shape {arr.shape}. "
                f"Pass one column of values."
            )
        if not isinstance(spec, np.ndarray):
            arr = _infer(arr)
        values = pd.Series(arr)
    if n_rows is not None and len(values) != n_rows:
        raise QIValueError(
            f"{role}= has {len(values)} values but there are {n_rows} rows. "
            f"Every argument given as values must have one value per row; check that nothing was dropped or added."
        )
    return values


def _infer(arr: np.ndarray) -> np.ndarray:
    """A list's values in the dtype numpy would give them, unless that loses what they are."""
    try:
        inferred = pd.api.types.infer_dtype(arr, skipna=True)
    except (TypeError, ValueError, ArithmeticError):  # pragma: no cover - odd objects stay objects
        return arr
    if inferred in ("integer", "floating", "mixed-integer-float", "boolean"):
        try:
            out = np.asarray(arr.tolist())
        except (ValueError, TypeError, OverflowError):
            return arr
        return out if out.ndim == 1 and out.dtype.kind in "biuf" else arr
    return arr


# =============================================================================================
# what an object column holds

_MISSING, _NUMBER, _BOOL, _TEXT, _DATE, _TIMEDELTA, _CONTAINER, _SNAN, _BYTES, _OTHER = range(10)


def _kind_of(v: Any) -> int:
    if v is None or v is pd.NA or v is pd.NaT:
        return _MISSING
    if isinstance(v, str):
        return _TEXT
    if isinstance(v, (bool, np.bool_)):
        return _BOOL
    if isinstance(v, Decimal):
        if v.is_snan():
            return _SNAN
        return _MISSING if v.is_qnan() else _NUMBER
    if isinstance(v, (float, np.floating)):
        return _MISSING if v != v else _NUMBER
    if isinstance(v, (numbers.Integral, np.integer)):
        return _NUMBER
    if isinstance(v, (np.datetime64, np.timedelta64)):
        if np.isnat(v):
            return _MISSING
        return _DATE if isinstance(v, np.datetime64) else _TIMEDELTA
    if isinstance(v, (_dt.datetime, _dt.date)):
        return _DATE
    if isinstance(v, _dt.timedelta):
        return _TIMEDELTA
    if isinstance(v, (list, dict, set, frozenset, tuple, np.ndarray, pd.Series, pd.DataFrame)):
        return _CONTAINER
    if isinstance(v, (bytes, bytearray)):
        return _BYTES
    if isinstance(v, numbers.Real):  # Fraction and other real numbers
        return _NUMBER
    return _OTHER


def _kinds(values: pd.Series) -> np.ndarray:
    """The kind of each cell of an object column (int8), from its distinct values when they hash."""
    arr = values.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    except (TypeError, ValueError, ArithmeticError):  # lists (unhashable) or Decimal('sNaN'): cell by cell
        return np.fromiter((_kind_of(v) for v in arr), dtype=np.int8, count=arr.size)
    ukinds = np.fromiter((_kind_of(v) for v in uniques), dtype=np.int8, count=len(uniques))
    out = np.full(arr.size, _MISSING, dtype=np.int8)
    have = codes >= 0
    out[have] = ukinds[codes[have]]
    # True == 1 and False == 0 share a hash, so a unique stands for both: those cells by their own type
    shared = np.flatnonzero([(k == _BOOL or (k == _NUMBER and _is_zero_or_one(u))) for k, u in zip(ukinds, uniques)])
    if shared.size:
        cells = np.flatnonzero(np.isin(codes, shared))
        out[cells] = [_BOOL if isinstance(arr[i], (bool, np.bool_)) else _kind_of(arr[i]) for i in cells]
    return out


def _is_zero_or_one(v: Any) -> bool:
    try:
        return bool(v == 0 or v == 1)
    except (TypeError, ValueError, ArithmeticError):  # pragma: no cover - numbers compare with 0 and 1
        return False


def _container_error(values: pd.Series, mask: np.ndarray, role: str, name: str, rows: Any, what: str) -> QITypeError:
    shown = _examples(values.iloc[np.flatnonzero(mask)[:3]])
    return QITypeError(
        f"{_subject(name, role)} holds lists or other collections in {describe_rows(rows, mask)} ({shown}); "
        f"each cell must hold one {what}. This often comes from a groupby(...).agg(list) or a JSON import. "
        f"Keep one value per cell (e.g. df[{_ref(name)}] = df[{_ref(name)}].str[0]), or give each value its own row "
        f"(df = df.explode({_ref(name)}))."
    )


# =============================================================================================
# numbers

_PERCENT = re.compile(r"^\s*[-+]?[\d.,]+\s*%\s*$")
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(,\d{3})+(\.\d+)?\s*$")


def as_numeric(
    values: pd.Series, role: str, name: str, row_labels: Any, *, allow_inf: bool = False
) -> np.ndarray:
    """Convert a column to float64, or explain exactly which rows are not numbers and how to fix them.

    Missing values (NaN, None, ``<NA>``, ``NaT``, ``Decimal('NaN')``, blank text) become NaN and are kept
    as gaps; ``Decimal('sNaN')`` too, with a warning. Booleans become 0/1. Infinite values (a division by
    zero where the column was computed) and values beyond :data:`MAX_MAGNITUDE` are refused, naming the
    rows (``allow_inf``: infinite values are returned as they are).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if pd.api.types.is_numeric_dtype(cats.dtype) and not pd.api.types.is_bool_dtype(cats.dtype):
            codes = np.asarray(values.cat.codes)
            cat_values = np.asarray(cats, dtype=float)
            out = np.where(codes >= 0, cat_values[np.maximum(codes, 0)], np.nan) if cats.size else np.full(codes.size, np.nan)
            return _check_numbers(out, role, name, row_labels, allow_inf)
        values = values.astype(object)
        dtype = values.dtype
    if pd.api.types.is_complex_dtype(dtype):
        raise QITypeError(
            f"{_subject(name, role)} holds complex numbers ({_examples(values.iloc[:2])}), but {role} must be real "
            f"numbers. Take the real part first if that is what was meant: df[{_ref(name)}] = df[{_ref(name)}].to_numpy().real."
        )
    if pd.api.types.is_timedelta64_dtype(dtype):
        raise _durations_error(role, name)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        raise _dates_error(role, name)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        try:
            out = values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):  # pragma: no cover - an extension type pandas cannot convert
            out = _numbers_from_objects(values.astype(object), role, name, row_labels)
        return _check_numbers(out, role, name, row_labels, allow_inf)
    out = _numbers_from_objects(values.astype(object), role, name, row_labels)
    return _check_numbers(out, role, name, row_labels, allow_inf)


def _durations_error(role: str, name: str) -> QITypeError:
    return QITypeError(
        f"{_subject(name, role)} holds time spans (such as '0 days 00:45:00'), but {role} must be numbers, so the "
        f"unit has to be chosen. Convert it to a number in the unit you want on the chart, e.g. minutes: "
        f"df['minutes'] = df[{_ref(name)}].dt.total_seconds() / 60, or days: df[{_ref(name)}].dt.total_seconds() / 86400, "
        f"and pass that column as {role}=."
    )


def _dates_error(role: str, name: str) -> QITypeError:
    return QITypeError(
        f"{_subject(name, role)} holds dates or times, but {role} must be numbers. "
        f"To chart days between events, compute the gaps first, e.g. df['days'] = df['date'].diff().dt.days, "
        f"and pass y='days' with chart='t'."
    )


def _numbers_from_objects(obj: pd.Series, role: str, name: str, rows: Any) -> np.ndarray:
    kinds = _kinds(obj)
    arr = obj.to_numpy(dtype=object)
    if (kinds == _CONTAINER).any():
        raise _container_error(obj, kinds == _CONTAINER, role, name, rows, "number")
    dates = (kinds == _DATE) | (kinds == _TIMEDELTA)
    if dates.any():
        if dates.sum() == (kinds != _MISSING).sum():
            raise _durations_error(role, name) if (kinds == _TIMEDELTA).any() and not (kinds == _DATE).any() else _dates_error(role, name)
        raise QITypeError(
            f"{_subject(name, role)} must hold numbers, but {describe_rows(rows, dates)} hold dates or times "
            f"({_examples(arr[dates])}). Charts need numbers to compute centre lines and limits. Check that the "
            f"right column was given as {role}=, or fix those rows."
        )
    out = np.full(arr.size, np.nan)
    num = kinds == _NUMBER
    if num.any():
        out[num] = [_as_float(v) for v in arr[num]]
    boolean = kinds == _BOOL
    if boolean.any():
        out[boolean] = [float(bool(v)) for v in arr[boolean]]
    snan = kinds == _SNAN
    if snan.any():
        _warn(
            f"{_subject(name, role)} holds Decimal('sNaN') (a 'signalling' not-a-number) in "
            f"{describe_rows(rows, snan)}; those values were treated as missing (a gap). Replace them with "
            f"missing values (None) or numbers to silence this warning.",
            DataChangedWarning,
        )
    text = kinds == _TEXT
    bad = (kinds == _BYTES) | (kinds == _OTHER)
    if text.any():
        strings = pd.Series(arr[text], dtype=object)
        stripped = strings.str.strip()
        blank = (stripped == "").to_numpy(dtype=bool)
        parsed = pd.to_numeric(stripped.where(~blank, None), errors="coerce").to_numpy(dtype=float)
        bad_text = np.isnan(parsed) & ~blank
        lowered = stripped.str.lower().to_numpy(dtype=object)
        nan_words = np.isin(lowered, ["nan"])
        bad_text &= ~nan_words
        sub = np.flatnonzero(text)
        out[sub] = parsed
        bad[sub[bad_text]] = True
    if not bad.any():
        return out
    bad_values = [arr[i] for i in np.flatnonzero(bad)[:3]]
    examples = ", ".join(_safe_repr(v) for v in bad_values)
    where = describe_rows(rows, bad)
    texts = [str(v) for v in arr[bad]]
    if all(_PERCENT.match(t) for t in texts):
        how = (
            f"Convert the percentages to numbers first, e.g. df[{_ref(name)}] = df[{_ref(name)}].str.rstrip('%').astype(float), "
            "and chart them as they are (or divide by 100 for proportions). Better still, chart the counts: "
            "y = the numerator, n = the denominator, chart='p'. qi.read_measure(path) does this when reading a file."
        )
    elif all(_THOUSANDS.match(t) for t in texts):
        how = (
            f"These look like numbers with thousands separators. Remove the commas, e.g. "
            f"df[{_ref(name)}] = df[{_ref(name)}].str.replace(',', '').astype(float), or read the file with "
            f"pd.read_csv(path, thousands=',')."
        )
    else:
        how = (
            "Fix or remove those rows (a total row or a note typed into the column is a common cause), "
            f"or convert the column with pd.to_numeric(df[{_ref(name)}], errors='coerce') to turn them into gaps."
        )
    what = "text" if all(isinstance(v, str) for v in bad_values) else "values"
    raise QITypeError(
        f"{_subject(name, role)} must hold numbers, but {where} hold {what} such as {examples}. "
        f"Charts need numbers to compute centre lines and limits. {how}"
    )


def numbers_where_possible(values: pd.Series) -> np.ndarray:
    """The numbers of a column as float64, NaN wherever a cell is not a number (no error, no warning).

    For tables that mix numbers with text on purpose (``"<5"`` from an earlier suppression).
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
    ):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(dtype, pd.CategoricalDtype) or dtype != object:
        values = values.astype(object)
    kinds = _kinds(values)
    arr = values.to_numpy(dtype=object)
    out = np.full(arr.size, np.nan)
    num = kinds == _NUMBER
    if num.any():
        out[num] = [_as_float(v) for v in arr[num]]
    text = kinds == _TEXT
    if text.any():
        out[text] = pd.to_numeric(pd.Series(arr[text], dtype=object).str.strip(), errors="coerce").to_numpy(dtype=float)
    return out


def _check_numbers(out: np.ndarray, role: str, name: str, rows: Any, allow_inf: bool) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        size = np.abs(out)
        big = size > MAX_MAGNITUDE
        tiny = (size < MIN_MAGNITUDE) & (size > 0)
    if tiny.any():
        raise QIValueError(
            f"{_subject(name, role)} has values too close to 0 to compute with in {describe_rows(rows, tiny)} "
            f"({_examples(out[tiny])}): numbers other than 0 must be at least {MIN_MAGNITUDE:g} in size, or "
            f"dividing by them overflows. Check for a unit conversion gone wrong, or rescale the column "
            f"(e.g. multiply it by a million)."
        )
    if not big.any():
        return out
    inf = np.isinf(out)
    if inf.any() and not allow_inf:
        where = describe_rows(rows, inf)
        signs = ", ".join(sorted({"inf" if v > 0 else "-inf" for v in out[inf]}))
        if role == "n":
            why = (
                "A denominator of inf usually comes from a division by zero where the column was computed, and "
                "no chart can divide by it."
            )
        else:
            why = (
                "An infinite value usually comes from a division by zero where the column was computed (a rate "
                "such as falls / bed_days * 1000 in a month with 0 bed days), and it cannot be charted or used for "
                "the limits."
            )
        fix = (
            "Set those rows to missing to leave a gap: "
            f"df[{_ref(name)}] = df[{_ref(name)}].replace([np.inf, -np.inf], np.nan). Better still, chart the "
            "counts with their denominator (y= the events, n= the denominator, e.g. chart='u'), so that each "
            "period is weighted by its size."
            if role in ("y", "count")
            else f"Correct those rows, or set them to missing to leave a gap: "
            f"df[{_ref(name)}] = df[{_ref(name)}].replace([np.inf, -np.inf], np.nan)."
        )
        raise QIValueError(f"{_subject(name, role)} has infinite values ({signs}) in {where}. {why} {fix}")
    big &= ~inf
    if big.any():
        raise QIValueError(
            f"{_subject(name, role)} has values too large to compute with in {describe_rows(rows, big)} "
            f"({_examples(out[big])}): beyond {MAX_MAGNITUDE:g}, sums and limits overflow. No count or measurement "
            f"is that large: check for a typing error or a unit conversion gone wrong, or rescale the column "
            f"(e.g. divide it by a million)."
        )
    return out


def check_scaled(values: np.ndarray, multiply: float, role: str, name: str, rows: Any) -> None:
    """Values times ``multiply`` must stay within :data:`MAX_MAGNITUDE` (the plotted scale)."""
    if multiply == 1 or values.size == 0:
        return
    with np.errstate(invalid="ignore", over="ignore"):
        big = np.abs(values) * multiply > MAX_MAGNITUDE
    if big.any():
        raise QIValueError(
            f"{_subject(name, role)} times multiply={multiply:g} is too large to compute with in "
            f"{describe_rows(rows, big)} (beyond {MAX_MAGNITUDE:g}). multiply scales the values for display, e.g. "
            f"1000 for 'per 1000': check that it is the scale you meant."
        )


# =============================================================================================
# labels


#: what pandas infers for a column of plain labels (and missing values): nothing to check cell by cell
_PLAIN_LABELS = {"string", "integer", "floating", "mixed-integer-float", "boolean", "datetime", "datetime64", "date"}


def as_labels(values: pd.Series, role: str, name: str, row_labels: Any) -> pd.Series:
    """A column of labels (facets, units, categories, parts), ready to factorize.

    Missing values of every kind (``None``, ``NaN``, ``<NA>``, ``NaT``, ``Decimal('NaN')`` and
    ``Decimal('sNaN')``) become one missing value; lists and other collections in cells are refused,
    naming the rows. Nullable and pyarrow-backed columns are kept as they are (they factorize with
    their ``<NA>``).
    """
    if values.dtype != object:
        return values
    try:  # the usual case, in C: text (or numbers) and missing values only
        inferred = pd.api.types.infer_dtype(values, skipna=True)
    except (TypeError, ValueError, ArithmeticError):  # Decimal('sNaN') and the like: cell by cell below
        inferred = "mixed"
    if inferred in _PLAIN_LABELS:
        missing = np.asarray(values.isna())
        if not missing.any():
            return values
        arr = values.to_numpy(dtype=object).copy()
        arr[missing] = np.nan
        return pd.Series(arr, dtype=object)
    kinds = _kinds(values)
    if (kinds == _CONTAINER).any():
        raise _container_error(values, kinds == _CONTAINER, role, name, row_labels, "label")
    missing = (kinds == _MISSING) | (kinds == _SNAN)
    if missing.any():
        arr = values.to_numpy(dtype=object).copy()
        arr[missing] = np.nan
        return pd.Series(arr, dtype=object)
    return values


# =============================================================================================
# the time axis


def far_dates(dates: np.ndarray) -> np.ndarray:
    """True at dates far outside the rest of the series (a typed 3024 for 2024).

    Two rules, either of which marks a date (``NaT`` is never far):

    - the spread rule (4 dates or more): more than :data:`FAR_DATE_IQR` times the spread of the
      middle half of the dates, and at least a year, below the first quartile or above the third;
    - the gap rule (3 dates or more, for short series): beyond a gap between consecutive dates at an
      end of the series that is at least :data:`FAR_DATE_GAP` times the usual gap and two years, with
      at most a tenth of the dates (at least one) on the far side.

    The same rule as :func:`qitools.read_measure` reports while reading a file.
    """
    arr = np.asarray(dates)
    out = np.zeros(arr.shape[0], dtype=bool)
    ok = ~np.isnat(arr)
    k = int(ok.sum())
    if k < 3:
        return out
    secs = arr[ok].astype("datetime64[s]").astype(np.int64).astype(float)
    far = np.zeros(k, dtype=bool)
    if k >= 4:
        q1, q3 = np.percentile(secs, [25, 75])
        fence = max(FAR_DATE_IQR * (q3 - q1), 366 * 86400.0)
        far |= (secs < q1 - fence) | (secs > q3 + fence)
    u = np.unique(secs)
    if u.size >= 3:
        gaps = np.diff(u)
        usual = np.sort(gaps)[(gaps.size - 1) // 2]  # the lower median: one huge gap does not move it
        big = gaps >= max(FAR_DATE_GAP * usual, 2 * 366 * 86400.0)
        most = max(1, secs.size // 10)
        lo_breaks, hi_breaks = np.flatnonzero(big), np.flatnonzero(big[::-1])
        if lo_breaks.size:  # dates below the first big gap, if few
            cut = u[lo_breaks[0]]
            below = secs <= cut
            if below.sum() <= most:
                far |= below
        if hi_breaks.size:  # dates above the last big gap, if few
            cut = u[u.size - 1 - hi_breaks[0]]
            above = secs >= cut
            if above.sum() <= most:
                far |= above
    out[np.flatnonzero(ok)] = far
    return out


def describe_far_dates(dates: np.ndarray, far: np.ndarray) -> tuple[str, str]:
    """The far dates as written ('1 Dec 3024') and the span of the others ('Jan 2023 to Feb 2024')."""
    arr = np.asarray(dates)
    shown = [_day(arr[i]) for i in np.flatnonzero(far)[:_MAX_ROWS_SHOWN]]
    inside = arr[~far & ~np.isnat(arr)]
    lo, hi = inside.min(), inside.max()
    return ", ".join(shown), f"{_month(lo)} to {_month(hi)}"


def _day(d: np.datetime64) -> str:
    try:
        text = str(np.datetime64(d, "D"))
        year, month, dd = text.rsplit("-", 2)
        return f"{int(dd)} {_MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):  # pragma: no cover - a date numpy cannot print by day
        return str(d)


def _month(d: np.datetime64) -> str:
    text = str(np.datetime64(d, "D"))
    year, month, _ = text.rsplit("-", 2)
    return f"{_MONTHS[int(month) - 1]} {year}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _tz_name(v: Any) -> str:
    tz = getattr(v, "tzinfo", None)
    if tz is None:
        return ""
    off = v.utcoffset()
    name = str(tz)
    if off is not None and not re.fullmatch(r"[A-Za-z_]+(?:/[A-Za-z_+-]+)*", name):
        total = int(off.total_seconds() // 60)
        sign = "+" if total >= 0 else "-"
        name = f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
    return name


def _dates_from_objects(arr: np.ndarray, dates: np.ndarray, role: str, name: str, rows: Any) -> pd.Series:
    """Object cells holding dates (datetime, date, Timestamp, numpy datetime64) -> a datetime Series.

    Keeps microseconds and years past 2262 (``datetime64[us]``); one time zone is kept; several are
    converted to UTC (with a warning); dates with a zone mixed with dates without one are refused.
    """
    zones = np.array([_tz_name(v) if d else "" for v, d in zip(arr, dates)], dtype=object)
    aware = dates & (zones != "")
    naive = dates & (zones == "")
    if aware.any() and naive.any():
        raise QIValueError(
            f"{_subject(name, role)} mixes dates with a time zone ({describe_rows(rows, aware)}) and dates without "
            f"one ({describe_rows(rows, naive)}): they cannot be put in one time order, because a date without a "
            f"zone could be in any zone. Make them all the same first: pd.to_datetime(df[{_ref(name)}], utc=True) reads "
            f"the dates without a zone as UTC; or give every date its zone when the data are made."
        )
    distinct = list(dict.fromkeys(zones[aware]))
    out = np.full(arr.size, np.datetime64("NaT"), dtype="datetime64[us]")
    idx = np.flatnonzero(dates)
    stamps = []
    for i in idx:  # object dates are few (a notebook's list); numpy holds any year
        v = arr[i]
        ts = pd.Timestamp(v)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        stamps.append(ts.as_unit("us").to_datetime64() if ts.unit != "us" else ts.to_datetime64())
    if idx.size:
        out[idx] = np.array(stamps, dtype="datetime64[us]")
    series = pd.Series(out)
    if not distinct:
        return series
    series = series.dt.tz_localize("UTC")
    if len(distinct) == 1:
        zone = arr[idx[0]].tzinfo
        try:
            return series.dt.tz_convert(zone)
        except Exception:  # noqa: BLE001 - a tzinfo pandas cannot use: keep UTC, said below
            pass
    parts = []
    for z in distinct[:4]:
        parts.append(f"{z} in {describe_rows(rows, zones == z)}")
    _warn(
        f"{_subject(name, role)} mixes time zones ({'; '.join(parts)}"
        f"{' ...' if len(distinct) > 4 else ''}); they were all converted to UTC so that the points are placed "
        f"in true time order, and the chart shows UTC times. To chart local times, convert them yourself first, "
        f"e.g. pd.to_datetime(df[{_ref(name)}], utc=True).dt.tz_convert('Europe/London').",
        DataChangedWarning,
    )
    return series


def as_x(values: pd.Series, row_labels: Any, name: str = "x") -> tuple[pd.Series, str]:
    """Normalise the time axis; returns the values and their kind: ``"datetime"``, ``"number"`` or ``"other"``.

    - dates (``datetime64`` at any resolution, with or without a time zone) are kept as they are;
      object columns of ``datetime``/``date``/``Timestamp`` become ``datetime64[us]`` (years past 2262
      kept; several time zones are converted to UTC with a warning; zoned mixed with unzoned is an error);
    - numbers of every dtype become float64 (``<NA>`` a missing x); an infinite x is refused;
    - an unordered categorical of dates, periods, time spans or numbers is read as those values (months kept
      as a category are charted in time order, not in the order of the rows);
    - text, categoricals, booleans and time spans are labels (``"other"``); ``Decimal('sNaN')`` is a
      missing x; lists in cells, and a column mixing numbers, dates and text, are refused, naming the rows.
    """
    role = "x"
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.ArrowDtype):  # pyarrow timestamps: as numpy's, at their own unit
            unit = getattr(dtype.pyarrow_dtype, "unit", "us")
            tz = getattr(dtype.pyarrow_dtype, "tz", None)
            converted = values.astype(pd.DatetimeTZDtype(unit=unit, tz=tz) if tz else f"datetime64[{unit}]")
            return converted, "datetime"
        return values, "datetime"
    if isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered:
        cats = dtype.categories.dtype
        if (
            pd.api.types.is_datetime64_any_dtype(cats)
            or pd.api.types.is_timedelta64_dtype(cats)
            or isinstance(cats, pd.PeriodDtype)
            or (pd.api.types.is_numeric_dtype(cats) and not pd.api.types.is_bool_dtype(cats))
        ):  # months kept as a category (to save memory) are still months: charted in time order
            return as_x(values.astype(cats), row_labels, name)
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return values, "other"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return values, "other"
    if pd.api.types.is_complex_dtype(dtype):
        raise QITypeError(
            f"{_subject(name, role)} holds complex numbers; x must be dates, numbers or labels. Take the real part "
            f"first: df[{_ref(name)}] = df[{_ref(name)}].to_numpy().real."
        )
    if pd.api.types.is_numeric_dtype(dtype):
        out = values.to_numpy(dtype=float, na_value=np.nan)
        _check_x_numbers(out, name, row_labels)
        return pd.Series(out) if values.dtype.kind not in "iuf" else values, "number"
    if dtype != object:  # text of every dtype ("string", pyarrow "str")
        return values, "other"
    kinds = _kinds(values)
    arr = values.to_numpy(dtype=object)
    if (kinds == _CONTAINER).any():
        raise _container_error(values, kinds == _CONTAINER, role, name, row_labels, "date, number or label")
    present = (kinds != _MISSING) & (kinds != _SNAN)
    if (kinds == _SNAN).any():
        arr = arr.copy()
        arr[kinds == _SNAN] = None  # a missing x: dropped with a warning that names the rows
    groups = {
        "dates": (kinds == _DATE),
        "numbers": (kinds == _NUMBER),
        "text": (kinds == _TEXT) | (kinds == _BYTES) | (kinds == _OTHER) | (kinds == _BOOL) | (kinds == _TIMEDELTA),
    }
    held = [k for k, m in groups.items() if m.any()]
    if len(held) > 1:
        minority = min(held, key=lambda k: int(groups[k].sum()))
        others = " and ".join(k for k in held if k != minority)
        raise QITypeError(
            f"{_subject(name, role)} mixes {' and '.join(held)}: {describe_rows(row_labels, groups[minority])} "
            f"hold {minority} ({_examples(arr[groups[minority]])}) where the others hold {others}. x must be all "
            f"dates, all numbers or all labels, so that the points can be put in order. If those rows are totals "
            f"or notes, drop them; to treat every value as a label, convert the column first: "
            f"df[{_ref(name)}] = df[{_ref(name)}].astype(str)."
        )
    if not present.any():
        return pd.Series(arr, dtype=object), "other"
    if held == ["dates"]:
        return _dates_from_objects(arr, groups["dates"], role, name, row_labels), "datetime"
    if held == ["numbers"]:
        out = np.full(arr.size, np.nan)
        num = groups["numbers"]
        out[num] = [_as_float(v) for v in arr[num]]
        _check_x_numbers(out, name, row_labels)
        return pd.Series(out), "number"
    if (kinds == _TIMEDELTA).sum() == present.sum():
        return pd.Series(pd.to_timedelta(pd.Series(arr, dtype=object))), "other"
    return pd.Series(arr, dtype=object) if (kinds == _SNAN).any() else values, "other"


def _check_x_numbers(out: np.ndarray, name: str, rows: Any) -> None:
    with np.errstate(invalid="ignore"):
        big = np.abs(out) > MAX_MAGNITUDE
    if big.any():
        inf = np.isinf(out)
        what = "infinite" if inf[big].all() else "too large to place on an axis"
        raise QIValueError(
            f"{_subject(name, 'x')} has {what} values in {describe_rows(rows, big)} ({_examples(out[big])}). x says "
            f"when (or in which order) each value was measured, so it must be a date or a finite sample number; "
            f"an infinite x usually comes from a division by zero where the column was computed. Correct those "
            f"rows, or drop them."
        )


def warn_far_dates(dates: np.ndarray, rows: Any, name: str = "x") -> None:
    """Warn (naming the rows) about dates far from the rest of the series: a likely typing error."""
    far = far_dates(dates)
    if not far.any():
        return
    shown, span = describe_far_dates(dates, far)
    k = int(far.sum())
    _warn(
        f"{_subject(name, 'x')} has {_plural(k, 'date')} far from the others in {describe_rows(rows, far)} ({shown}), "
        f"while the others run from {span}: perhaps a typing error in the year. "
        f"{'It was' if k == 1 else 'They were'} charted where {'it falls' if k == 1 else 'they fall'}; correct "
        f"{'it' if k == 1 else 'them'} (or drop {'the row' if k == 1 else 'those rows'}) if that is a mistake.",
        DataQualityWarning,
    )
