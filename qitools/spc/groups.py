"""Segmented reductions over contiguous groups (one group = one facet x part, in time order).

After the engine sorts by facet and x, every group's points are contiguous, so per-group sums,
counts, means and extremes are ``np.<ufunc>.reduceat`` over the group start offsets: one pass
over the data, no Python loop and no scatter (much faster than ``np.bincount`` with a mask on
hundreds of thousands of points).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import validate as v
from .errors import QIValueError

__all__ = ["seg_sum", "seg_count", "seg_mean", "seg_min", "seg_max", "factorize", "facet_codes"]


def seg_sum(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of ``values[mask]`` per group (0 for groups with nothing masked)."""
    if starts.size == 0:
        return np.zeros(0)
    return np.add.reduceat(np.where(mask, values, 0.0), starts)


def seg_count(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Number of masked points per group (int64)."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    if mask.all():
        return np.diff(starts, append=mask.shape[0]).astype(np.int64)
    return np.add.reduceat(mask.astype(np.int8, copy=False), starts, dtype=np.int64)


def seg_mean(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Mean of ``values[mask]`` per group (NaN for groups with nothing masked)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return seg_sum(values, mask, starts) / seg_count(mask, starts)


def seg_min(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Minimum of ``values[mask]`` per group (+inf for groups with nothing masked)."""
    if starts.size == 0:
        return np.zeros(0)
    return np.minimum.reduceat(np.where(mask, values, np.inf), starts)


def seg_max(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Maximum of ``values[mask]`` per group (-inf for groups with nothing masked)."""
    if starts.size == 0:
        return np.zeros(0)
    return np.maximum.reduceat(np.where(mask, values, -np.inf), starts)


def _factorize_all(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    try:
        codes, uniques = pd.factorize(col, sort=True)
    except TypeError:  # labels of mixed types cannot be sorted: keep the order of appearance
        codes, uniques = pd.factorize(col, sort=False)
    return codes.astype(np.int32), pd.Index(uniques)


def _factorize_categorical(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The categorical's own codes, renumbered over the categories in use (category order)."""
    codes = np.asarray(col.cat.codes)
    valid = codes >= 0
    n_cat = len(col.cat.categories)
    used = np.bincount(codes[valid] if not valid.all() else codes, minlength=n_cat) > 0
    if used.all():
        out = codes.astype(np.int32)
    else:
        remap = (np.cumsum(used) - 1).astype(np.int32)
        out = np.where(valid, remap[np.where(valid, codes, 0)], np.int32(-1))
    return out, pd.Index(col.cat.categories[used])


def factorize(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (sorted order of the labels; -1 for missing) and the labels of a column.

    A categorical column is read from its codes (its categories in their own order). Data usually
    arrive grouped (by ward, by trust), so otherwise only the first row of each run of equal labels
    is factorized and the codes are repeated: the same codes as ``pd.factorize(sort=True)``,
    several times faster on hundreds of thousands of rows.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return _factorize_categorical(col)
    n = len(col)
    head = np.ones(n, dtype=bool)
    arrow = _arrow_array(col)
    if arrow is not None:  # text held by pyarrow: compare in pyarrow, no Python string per row
        if n > 1:
            import pyarrow.compute as pc

            neq = pc.fill_null(pc.not_equal(arrow[1:], arrow[:-1]), True)
            head[1:] = neq.to_numpy(zero_copy_only=False)
    else:
        values = col.to_numpy()
        if n > 1 and values.dtype != object and not np.issubdtype(values.dtype, np.number):
            values = col.to_numpy(dtype=object)
        if n > 1:
            np.not_equal(values[1:], values[:-1], out=head[1:])
    heads = np.flatnonzero(head)
    if heads.size * 2 > n:
        return _factorize_all(col)
    head_codes, uniques = _factorize_all(col.iloc[heads])
    return np.repeat(head_codes.astype(np.int32), np.diff(np.r_[heads, n])), uniques


def _arrow_array(col: pd.Series) -> Any:
    """The pyarrow array behind a column of Arrow-backed text (pandas' default with pyarrow), or None."""
    dtype = col.dtype
    arrow_backed = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        type(dtype).__name__ == "ArrowDtype"
    )
    if not arrow_backed or not hasattr(col.array, "__arrow_array__"):
        return None
    return col.array.__arrow_array__()


def _combine(c0: np.ndarray, c1: np.ndarray, n1: int, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes of the pairs (c0, c1) in sorted pair order, and the pair keys present."""
    key = c0.astype(np.int64) * n1 + c1
    size = (int(c0.max()) + 1) * n1 if c0.size else 0
    if size <= max(4 * n_rows, 1 << 20):  # a lookup table: O(rows), no sort
        present = np.bincount(key, minlength=size) > 0
        remap = (np.cumsum(present) - 1).astype(np.int32)
        return remap[key], np.flatnonzero(present)
    present, fcode = np.unique(key, return_inverse=True)
    return fcode.reshape(-1).astype(np.int32), present


def facet_codes(
    names: Sequence[str], cols: Sequence[pd.Series], row_labels: np.ndarray, n_rows: int, example: str
) -> tuple[np.ndarray, list[pd.Index], list[Any]]:
    """One integer code per row (int32) for one or two facet columns (sorted label order).

    Returns the codes, the labels of each facet column per code, and one label per code (the value,
    or ``"a | b"`` for two columns; ``[None]`` without facets). A missing facet value is an error that
    names the rows; ``example`` says what a facet is in the caller's words ("a ward, a practice").
    """
    if not cols:
        return np.zeros(n_rows, dtype=np.int32), [], [None]
    codes, uniques = [], []
    for name, col in zip(names, cols):
        c, u = factorize(col)
        if c.size and c.min() < 0:
            raise QIValueError(
                f"The facet column {name!r} has missing values in {v.describe_rows(row_labels, c < 0)}. "
                f"Every row must belong to a facet ({example}). Fill them in or drop those rows."
            )
        codes.append(c)
        uniques.append(u)
    if len(codes) == 2:
        fcode, present = _combine(codes[0], codes[1], len(uniques[1]), n_rows)
        first, second = present // len(uniques[1]), present % len(uniques[1])
        parts = [uniques[0].take(first), uniques[1].take(second)]
        names0 = [f"{a}" for a in uniques[0].to_numpy(dtype=object).tolist()]  # one string per label
        names1 = [f"{b}" for b in uniques[1].to_numpy(dtype=object).tolist()]
        labels: list[Any] = [f"{names0[i]} | {names1[j]}" for i, j in zip(first.tolist(), second.tolist())]
        return fcode, parts, labels
    return codes[0], [uniques[0]], uniques[0].to_numpy(dtype=object).tolist()
