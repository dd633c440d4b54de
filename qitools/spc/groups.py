"""Segmented reductions over contiguous groups (one group = one facet x part, in time order).

After the engine sorts by facet and x, every group's points are contiguous, so per-group sums,
counts, means and extremes are ``np.<ufunc>.reduceat`` over the group start offsets: one pass
over the data, no Python loop and no scatter (much faster than ``np.bincount`` with a mask on
hundreds of thousands of points).
"""

from __future__ import annotations

import numpy as np

__all__ = ["seg_sum", "seg_count", "seg_mean", "seg_min", "seg_max"]


def seg_sum(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of ``values[mask]`` per group (0 for groups with nothing masked)."""
    if starts.size == 0:
        return np.zeros(0)
    return np.add.reduceat(np.where(mask, values, 0.0), starts)


def seg_count(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Number of masked points per group (int64)."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
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
