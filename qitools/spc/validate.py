"""Every input check, with messages that say what was wrong, why it matters and how to fix it.

The helpers raise :class:`~qitools.spc.errors.QIValueError` or
:class:`~qitools.spc.errors.QITypeError` before any computation is done; none of them uses
``assert`` (stripped by ``python -O``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import QITypeError, QIValueError

__all__ = [
    "describe_rows",
    "require_one_of",
    "require_columns",
    "get_column",
    "as_numeric",
    "require_positive",
    "require_finite_number",
]

_MAX_ROWS_SHOWN = 8


def describe_rows(labels: Sequence[Any] | np.ndarray, mask: np.ndarray) -> str:
    """'rows 4, 17 and 3 more' for the rows where ``mask`` is true (labels are the data's index)."""
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(labels[i]) for i in idx[:_MAX_ROWS_SHOWN])
    more = f" and {idx.size - _MAX_ROWS_SHOWN} more" if idx.size > _MAX_ROWS_SHOWN else ""
    word = "row" if idx.size == 1 else "rows"
    return f"{word} {shown}{more}"


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def require_one_of(name: str, value: Any, allowed: Iterable[str], hint: str = "") -> str:
    """Check a string option against its allowed values; suggest the closest one."""
    allowed = list(allowed)
    listing = ", ".join(repr(a) for a in allowed)
    if not isinstance(value, str):
        raise QITypeError(f"`{name}` must be one of {listing}; got {value!r} ({type(value).__name__}). {hint}".strip())
    if value in allowed:
        return value
    close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    if value.lower() in allowed:
        tip = f" Names are lower-case: use {value.lower()!r}."
    elif close:
        tip = f" Did you mean {close[0]!r}?"
    else:
        tip = ""
    raise QIValueError(f"`{name}` must be one of {listing}; got {value!r}.{tip} {hint}".strip())


def require_columns(data: pd.DataFrame, columns: dict[str, Hashable]) -> None:
    """Check that every named column exists, naming the argument and suggesting close names."""
    for role, col in columns.items():
        if col in data.columns:
            continue
        names = [str(c) for c in data.columns]
        close = difflib.get_close_matches(str(col), names, n=1, cutoff=0.6)
        lower = [c for c in names if c.lower() == str(col).lower()]
        tip = f" Did you mean {(lower or close)[0]!r}?" if (lower or close) else ""
        shown = ", ".join(repr(c) for c in names[:20]) + (" ..." if len(names) > 20 else "")
        raise QIValueError(
            f"Column {col!r} (given as {role}=) is not in the data.{tip} "
            f"The data has columns {shown}. Column names must match exactly, including capitals and spaces."
        )


def _is_column_label(data: pd.DataFrame | None, spec: Any) -> bool:
    if data is None or isinstance(spec, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        return False
    try:
        return spec in data.columns
    except TypeError:  # unhashable
        return False


def get_column(data: pd.DataFrame | None, spec: Any, role: str, n_rows: int | None) -> pd.Series:
    """Return ``spec`` as a Series: a column of ``data`` by name, or an array-like of values."""
    if isinstance(spec, str) or _is_column_label(data, spec):
        if data is None:
            raise QIValueError(
                f"{role}={spec!r} looks like a column name, but no data was given. "
                f"Pass the DataFrame as the first argument (data=df), or pass the values themselves as {role}=."
            )
        require_columns(data, {role: spec})
        return data[spec].reset_index(drop=True)
    if isinstance(spec, pd.Series):
        values = spec.reset_index(drop=True)
    else:
        try:
            arr = np.asarray(spec)
        except Exception as exc:  # pragma: no cover - numpy accepts almost anything
            raise QITypeError(f"{role}= must be a column name or a list of values; got {type(spec).__name__}.") from exc
        if arr.ndim != 1:
            raise QITypeError(
                f"{role}= must be a column name or a one-dimensional list of values; got an array of shape {arr.shape}."
            )
        values = pd.Series(arr)
    if n_rows is not None and len(values) != n_rows:
        raise QIValueError(
            f"{role}= has {len(values)} values but there are {n_rows} rows. "
            f"Every argument given as values must have one value per row; check that nothing was dropped or added."
        )
    return values


_PERCENT = re.compile(r"^\s*[-+]?[\d.,]+\s*%\s*$")
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(,\d{3})+(\.\d+)?\s*$")


def as_numeric(values: pd.Series, role: str, name: str, row_labels: np.ndarray) -> np.ndarray:
    """Convert a column to float, or explain exactly which rows are not numbers and how to fix them.

    Missing values (NaN, None, blank text) become NaN and are kept as gaps. Booleans become 0/1.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(values.dtype) or pd.api.types.is_timedelta64_dtype(values.dtype):
        raise QITypeError(
            f"Column {name} ({role}) holds dates or times, but {role} must be numbers. "
            f"To chart days between events, compute the gaps first, e.g. df['days'] = df['date'].diff().dt.days, "
            f"and pass y='days' with chart='t'."
        )
    obj = values.astype(object)
    blank = obj.map(lambda v: isinstance(v, str) and v.strip() == "").to_numpy(dtype=bool)
    converted = pd.to_numeric(obj.where(~blank, np.nan), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(converted) & ~pd.isna(obj).to_numpy() & ~blank
    if not bad.any():
        return converted
    bad_values = [obj.iloc[i] for i in np.flatnonzero(bad)[:3]]
    examples = ", ".join(repr(v) for v in bad_values)
    where = describe_rows(row_labels, bad)
    text = [str(v) for v in obj[bad]]
    if all(_PERCENT.match(t) for t in text):
        how = (
            f"Convert the percentages to numbers first, e.g. df[{name}] = df[{name}].str.rstrip('%').astype(float), "
            "and chart them as they are (or divide by 100 for proportions). Better still, chart the counts: "
            "y = the numerator, n = the denominator, chart='p'."
        )
    elif all(_THOUSANDS.match(t) for t in text):
        how = (
            f"These look like numbers with thousands separators. Remove the commas, e.g. "
            f"df[{name}] = df[{name}].str.replace(',', '').astype(float), or read the file with "
            f"pd.read_csv(path, thousands=',')."
        )
    else:
        how = (
            "Fix or remove those rows (a total row or a note typed into the column is a common cause), "
            f"or convert the column with pd.to_numeric(df[{name}], errors='coerce') to turn them into gaps."
        )
    raise QITypeError(
        f"Column {name} ({role}) must hold numbers, but {where} hold text such as {examples}. "
        f"Charts need numbers to compute centre lines and limits. {how}"
    )


def require_positive(name: str, value: Any) -> float:
    """A finite number > 0 (for ``multiply``)."""
    number = require_finite_number(name, value)
    if number <= 0:
        raise QIValueError(
            f"`{name}` must be greater than 0; got {value!r}. It scales y and the limits, e.g. 1000 for 'per 1000'."
        )
    return number


def require_finite_number(name: str, value: Any) -> float:
    """A finite real number (bools are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise QITypeError(f"`{name}` must be a number; got {value!r} ({type(value).__name__}).")
    number = float(value)
    if not np.isfinite(number):
        raise QIValueError(f"`{name}` must be a finite number; got {value!r}.")
    return number
