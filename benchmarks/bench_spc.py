"""Benchmark qitools' SPC engine against a plain-numpy floor and the speed targets of its issue.

Run from the repository root::

    python benchmarks/bench_spc.py              # full run (about 10 s on 2 cores)
    python benchmarks/bench_spc.py --quick      # smoke run: small workloads, 3 repeats
    python benchmarks/bench_spc.py --repeat 21  # more repeats per workload (default 11)

Each workload is timed with ``time.perf_counter`` after one warm-up call and reported as the median
of the repeats. Beside every qitools timing stands a *numpy floor*: the same numbers computed here,
independently of qitools, with plain vectorised numpy on pre-sorted arrays (facet codes, y, n). The
floor is both a speed yardstick (qitools should be at most 10x slower) and a correctness cross-check:
after timing, the centre lines, limits, sigma signals and Anhoej runs counts of qitools and the floor
must agree, or the script exits non-zero.

The workload generators (``make_i_workload``, ``make_p_workload``) and the floor functions
(``floor_i_chart``, ``floor_p_chart``, ``floor_anhoej``, ``qbinom05``) are importable, so that new
rows (Making Data Count rules, funnel plots) can be added to ``WORKLOADS``.

Exit status: 0 when qitools and the floor agree (even if a speed target is missed: this is a
report); 1 when they disagree or qitools raises; 2 when qitools cannot be imported.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "D2",
    "D3",
    "D4",
    "SEED",
    "WORKLOADS",
    "Workload",
    "anhoej_limits",
    "compare_funnel",
    "compare_with_floor",
    "facet_starts",
    "floor_anhoej",
    "floor_funnel",
    "floor_i_chart",
    "floor_p_chart",
    "main",
    "make_funnel_workload",
    "make_i_workload",
    "make_p_workload",
    "measure_import",
    "qbinom05",
    "time_call",
    "time_calls",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 2026

# Shewhart constants for moving ranges of two observations, computed rather than typed in:
# d2 = E(|X1 - X2|)/sigma = 2/sqrt(pi); d3 = sd(|X1 - X2|)/sigma = sqrt(2 - 4/pi).
D2 = 2.0 / math.sqrt(math.pi)  # 1.128379...
D3 = math.sqrt(2.0 - 4.0 / math.pi)  # 0.852502...
D4 = 1.0 + 3.0 * D3 / D2  # 3.266531... (the "3.267" of Nelson 1982 screening)

# Figures quoted by the client for the same workloads in R, measured by the client on the same
# machine, NOT in this run. Context only.
R_CONTEXT = {
    "i_100k": {"qicharts2": 46.0, "NHSRplotthedots": 2.0},
    "i_facets": {"qicharts2": 53.0, "NHSRplotthedots": 2.0},
    "mdc_facets": {"NHSRplotthedots": 2.0},
}


# --------------------------------------------------------------------------------------------------
# Workload generators
# --------------------------------------------------------------------------------------------------


def _facet_labels(n_facets: int) -> np.ndarray:
    width = max(4, len(str(n_facets)))
    return np.array([f"unit{i + 1:0{width}d}" for i in range(n_facets)], dtype=object)


def _to_frame(labels, codes, x, y, n=None, facet: bool = True) -> pd.DataFrame:
    cols: dict[str, Any] = {}
    if facet:
        cols["unit"] = labels[codes]
    cols["x"] = x
    cols["y"] = y
    if n is not None:
        cols["n"] = n
    return pd.DataFrame(cols)


def make_i_workload(
    n_facets: int = 1, n_points: int = 100_000, seed: int = SEED
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Synthetic I-chart data: normal y with planted shifts and a few outliers.

    Returns ``(df, arrays)``. ``df`` has columns ``unit`` (only when ``n_facets > 1``), ``x``
    (1..n_points within each facet) and ``y``, sorted by facet then x, as a user would pass it.
    ``arrays`` holds the same data as pre-sorted numpy arrays for the floor: ``codes`` (int64
    facet codes 0..n_facets-1, non-decreasing), ``y`` (float64) and ``n_facets``.
    """
    rng = np.random.default_rng(seed)
    total = n_facets * n_points
    codes = np.repeat(np.arange(n_facets, dtype=np.int64), n_points)
    pos = np.tile(np.arange(n_points, dtype=np.int64), n_facets)
    level = rng.normal(100.0, 15.0, size=n_facets)
    spread = rng.uniform(3.0, 8.0, size=n_facets)
    y = level[codes] + spread[codes] * rng.standard_normal(total)
    if n_facets == 1:
        # A long series: a handful of sustained shifts (runs signals) and isolated outliers.
        for at, frac, size in [(0.20, 0.004, 1.5), (0.55, 0.010, -1.0), (0.90, 0.020, 0.8)]:
            start, length = int(at * n_points), max(12, int(frac * n_points))
            y[start : start + length] += size * spread[0]
        n_out = max(3, n_points // 10_000)
        idx = rng.choice(n_points, size=n_out, replace=False)
        y[idx] += rng.choice([-1.0, 1.0], size=n_out) * 5.0 * spread[0]
    else:
        # ~15% of facets shift by 1.5 sd over their last 15 points (a runs signal);
        # ~5% of facets get one outlier of 4.5 sd (a sigma signal).
        shifted = rng.random(n_facets) < 0.15
        late = pos >= n_points - 15
        y += np.where(shifted[codes] & late, 1.5 * spread[codes], 0.0)
        outlier_facets = np.flatnonzero(rng.random(n_facets) < 0.05)
        where = outlier_facets * n_points + rng.integers(0, n_points, size=outlier_facets.size)
        y[where] += 4.5 * spread[outlier_facets]
    x = pos + 1
    labels = _facet_labels(n_facets)
    df = _to_frame(labels, codes, x, y, facet=n_facets > 1)
    return df, {"codes": codes, "y": y, "n_facets": n_facets}


def make_p_workload(
    n_facets: int = 10_000, n_points: int = 60, seed: int = SEED
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Synthetic p-chart data: binomial y out of n ~ U{50..500}, with shifts in some facets.

    Returns ``(df, arrays)`` like :func:`make_i_workload`; ``df`` has ``unit``, ``x``, ``y`` and
    ``n`` (int64 counts); ``arrays`` has ``codes``, ``y``, ``n``, ``n_facets``.
    """
    rng = np.random.default_rng(seed + 1)
    total = n_facets * n_points
    codes = np.repeat(np.arange(n_facets, dtype=np.int64), n_points)
    pos = np.tile(np.arange(n_points, dtype=np.int64), n_facets)
    p0 = rng.uniform(0.03, 0.6, size=n_facets)
    p = p0[codes].copy()
    shifted = rng.random(n_facets) < 0.15  # an improvement over the last 20 points
    p = np.where(shifted[codes] & (pos >= n_points - 20), p * 0.7, p)
    spike = np.flatnonzero(rng.random(n_facets) < 0.05)  # one bad point
    where = spike * n_points + rng.integers(0, n_points, size=spike.size)
    p[where] = np.minimum(0.95, p[where] * 1.6)
    n = rng.integers(50, 501, size=total).astype(np.float64)
    y = rng.binomial(n.astype(np.int64), p).astype(np.float64)
    x = pos + 1
    labels = _facet_labels(n_facets)
    # Counts are integers in the frame, as pandas reads them from a CSV export.
    df = _to_frame(labels, codes, x, y.astype(np.int64), n=n.astype(np.int64), facet=True)
    return df, {"codes": codes, "y": y, "n": n, "n_facets": n_facets}


def make_national_workload(
    n_units: int = 16_667, n_points: int = 60, n_indicators: int = 10, seed: int = SEED
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A national analysis: every unit (trust, practice) x every indicator x ``n_points`` months.

    16,667 units x 10 indicators x 60 months = 10,000,200 points (the issue's "10 million points";
    1,000 trusts x 10 x 60 would be 600,000). ``df`` has two facet columns as text (``unit``
    ``"U00001"``..., ``indicator`` ``"indicator 01"``...), ``month`` (dates) and ``value`` (float),
    sorted by unit, indicator, month, as an export would be. Each series has its own level and
    spread; ~15% shift up by 1.5 sd over their last 15 months and ~5% have one 4.5-sd outlier.
    ``arrays``: ``codes`` (facet code per point, unit-major), ``y``, ``n_facets``.
    """
    rng = np.random.default_rng(seed + 3)
    n_facets = n_units * n_indicators
    total = n_facets * n_points
    codes = np.repeat(np.arange(n_facets, dtype=np.int64), n_points)
    level = rng.normal(100.0, 15.0, size=n_facets)
    spread = rng.uniform(3.0, 8.0, size=n_facets)
    y = np.repeat(level, n_points) + np.repeat(spread, n_points) * rng.standard_normal(total)
    late = np.tile(np.arange(n_points) >= n_points - 15, n_facets)
    shifted = np.repeat(rng.random(n_facets) < 0.15, n_points)
    y[shifted & late] += np.repeat(1.5 * spread, n_points)[shifted & late]
    outlier_facets = np.flatnonzero(rng.random(n_facets) < 0.05)
    where = outlier_facets * n_points + rng.integers(0, n_points, size=outlier_facets.size)
    y[where] += 4.5 * spread[outlier_facets]
    width = max(5, len(str(n_units)))
    units = np.array([f"U{i + 1:0{width}d}" for i in range(n_units)], dtype=object)
    indicators = np.array([f"indicator {j + 1:02d}" for j in range(n_indicators)], dtype=object)
    months = pd.date_range("2020-01-01", periods=n_points, freq="MS").to_numpy()
    df = pd.DataFrame(
        {
            "unit": pd.array(units[codes // n_indicators], dtype="str"),
            "indicator": pd.array(indicators[codes % n_indicators], dtype="str"),
            "month": np.tile(months, n_facets),
            "value": y,
        }
    )
    return df, {"codes": codes, "y": y, "n_facets": n_facets}


# --------------------------------------------------------------------------------------------------
# The numpy floor
# --------------------------------------------------------------------------------------------------


@cache
def _qbinom05_scalar(size: int) -> int:
    """R's ``qbinom(0.05, size, 0.5)``: the smallest k with P(X <= k) >= 0.05, X ~ Bin(size, 1/2).

    Exact binomial CDF from log-factorials (cumulative sums of logs), no scipy. R applies a
    relative fuzz of 64 * DBL_EPSILON to p before searching; so do we.
    """
    if size < 0:
        return -1  # undefined; callers mask it out
    if size == 0:
        return 0
    k = np.arange(size + 1, dtype=np.float64)
    logfact = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, size + 1, dtype=np.float64)))))
    logpmf = logfact[size] - logfact - logfact[::-1] - size * math.log(2.0)
    cdf = np.cumsum(np.exp(logpmf))
    p = 0.05 * (1.0 - 64.0 * np.finfo(float).eps)
    return int(k[np.searchsorted(cdf, p, side="left")])


def qbinom05(sizes: np.ndarray) -> np.ndarray:
    """Vectorised ``qbinom(0.05, sizes, 0.5)`` via a cache keyed by size (one entry per distinct n).

    The loop runs over *distinct* sizes not yet cached (at most ~60 for 60-point facets, and zero
    after the warm-up), never per facet or per point.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    uniq, inv = np.unique(sizes, return_inverse=True)
    table = np.fromiter((_qbinom05_scalar(int(s)) for s in uniq), dtype=np.int64, count=uniq.size)
    return table[inv].reshape(sizes.shape)


def anhoej_limits(n_useful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Anhoej critical values: ``longest_run_max = round(log2(n)) + 3`` and
    ``n_crossings_min = qbinom(0.05, n - 1, 0.5)``, as float arrays (NaN where n_useful == 0)."""
    n_useful = np.asarray(n_useful)
    ok = n_useful > 0
    safe = np.where(ok, n_useful, 1)
    lr_max = np.where(ok, np.round(np.log2(safe)) + 3, np.nan)
    nc_min = np.where(ok, qbinom05(safe - 1), np.nan)
    return lr_max, nc_min


def facet_starts(codes: np.ndarray) -> np.ndarray:
    """Index of the first point of each facet in sorted ``codes`` (every facet non-empty)."""
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return np.concatenate(([0], change)) if codes.size else change


def _seg_sum(values: np.ndarray, starts: np.ndarray, dtype: Any = None) -> np.ndarray:
    """Sum of each contiguous segment starting at ``starts`` (segments are non-empty)."""
    return np.add.reduceat(values, starts, dtype=dtype) if starts.size else np.zeros(0, dtype or values.dtype)


def _spread(per_facet: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """Per-facet values repeated over each facet's points."""
    return np.repeat(per_facet, np.diff(np.append(starts, size)))


@np.errstate(invalid="ignore", divide="ignore")  # facets without data give NaN
def floor_anhoej(codes: np.ndarray, y: np.ndarray, cl: np.ndarray, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Anhoej runs analysis per facet, vectorised over all facets at once.

    ``codes`` the facet codes, ``y`` the plotted values and ``cl`` the centre line per point,
    sorted by facet then x;
    ``starts`` the first index of each facet (:func:`facet_starts`). Useful points are non-NaN and
    not exactly on the centre line. Returns per-facet arrays ``n_useful``, ``longest_run``,
    ``n_crossings``, ``longest_run_max``, ``n_crossings_min``, ``runs_signal``.
    """
    size = y.size
    useful = ~np.isnan(y) & (y != cl)
    n_useful = _seg_sum(useful.view(np.int8), starts, dtype=np.int64)
    idx = np.flatnonzero(useful)  # positions of the useful points
    above = y[idx] > cl[idx]
    cu = codes[idx]
    new_facet = np.ones(idx.size, dtype=bool)  # the first useful point of its facet
    np.not_equal(cu[1:], cu[:-1], out=new_facet[1:])
    side_change = np.zeros(idx.size, dtype=bool)
    np.not_equal(above[1:], above[:-1], out=side_change[1:])
    crossing = np.zeros(size, dtype=np.int8)  # marked at the crossing point's own position
    crossing[idx] = side_change & ~new_facet
    n_cross = _seg_sum(crossing, starts, dtype=np.int64)
    run_start = np.flatnonzero(new_facet | side_change)
    run_len = np.zeros(size, dtype=np.int64)  # each run's length at its first point's position
    run_len[idx[run_start]] = np.diff(np.append(run_start, idx.size))
    longest = np.maximum.reduceat(run_len, starts) if starts.size else np.zeros(0, np.int64)
    lr_max, nc_min = anhoej_limits(n_useful)
    signal = (longest > lr_max) | (n_cross < nc_min)
    return {
        "n_useful": n_useful,
        "longest_run": longest,
        "n_crossings": n_cross,
        "longest_run_max": lr_max,
        "n_crossings_min": nc_min,
        "runs_signal": signal,
    }


@np.errstate(invalid="ignore", divide="ignore")  # facets without data give NaN
def floor_i_chart(codes: np.ndarray, y: np.ndarray, screen_mr: bool = True) -> dict[str, np.ndarray]:
    """I chart (individuals) for every facet at once, from arrays sorted by facet then x.

    cl = mean(y); MR_i = |y_i - y_{i-1}| within a facet; with ``screen_mr`` moving ranges above
    D4 * mean(MR) are dropped once (Nelson 1982) before sigma = mean(MR) / d2; limits cl +/- 3 sigma.
    Returns per-point ``y``, ``cl``, ``lcl``, ``ucl``, ``sigma_signal``, ``point_runs_signal`` and
    the per-facet runs analysis of :func:`floor_anhoej`.
    """
    size = y.size
    starts = facet_starts(codes)
    valid = ~np.isnan(y)
    cl_f = _seg_sum(np.where(valid, y, 0.0), starts) / _seg_sum(valid.view(np.int8), starts, dtype=np.int64)
    # mr[i] = |y[i] - y[i-1]|, the moving range ending at point i; invalid at a facet's first point
    mr = np.empty(size)
    mr[0:1] = np.nan
    np.abs(np.diff(y), out=mr[1:])
    mr[starts] = np.nan
    mr_ok = ~np.isnan(mr)
    mr0 = np.where(mr_ok, mr, 0.0)
    mr_bar = _seg_sum(mr0, starts) / _seg_sum(mr_ok.view(np.int8), starts, dtype=np.int64)
    if screen_mr:
        keep = mr_ok & (mr <= D4 * _spread(mr_bar, starts, size))
        mr_bar = _seg_sum(np.where(keep, mr, 0.0), starts) / _seg_sum(keep.view(np.int8), starts, dtype=np.int64)
    sigma_f = mr_bar / D2
    cl = _spread(cl_f, starts, size)
    sigma = _spread(sigma_f, starts, size)
    lcl = cl - 3.0 * sigma
    ucl = cl + 3.0 * sigma
    out = floor_anhoej(codes, y, cl, starts)
    out.update(
        cl=cl,
        lcl=lcl,
        ucl=ucl,
        y=y,
        sigma_signal=(y < lcl) | (y > ucl),
        point_runs_signal=_spread(out["runs_signal"], starts, size),
    )
    return out


@np.errstate(invalid="ignore", divide="ignore")  # facets without data give NaN
def floor_p_chart(codes: np.ndarray, y: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
    """p chart for every facet at once: pbar = sum(y)/sum(n); sigma_i = sqrt(pbar(1-pbar)/n_i);
    lcl = max(0, pbar - 3 sigma_i), ucl = min(1, pbar + 3 sigma_i); plotted value p_i = y_i/n_i.
    Inputs sorted by facet then x, without missing values."""
    size = y.size
    starts = facet_starts(codes)
    pbar_f = _seg_sum(y, starts) / _seg_sum(n, starts)
    p = y / n
    cl = _spread(pbar_f, starts, size)
    s = np.sqrt(cl * (1.0 - cl) / n)
    lcl = np.maximum(cl - 3.0 * s, 0.0)
    ucl = np.minimum(cl + 3.0 * s, 1.0)
    out = floor_anhoej(codes, p, cl, starts)
    out.update(
        cl=cl,
        lcl=lcl,
        ucl=ucl,
        y=p,
        sigma_signal=(p < lcl) | (p > ucl),
        point_runs_signal=_spread(out["runs_signal"], starts, size),
    )
    return out


def _flag_runs_floor(key: np.ndarray, starts_mask: np.ndarray, k: int) -> np.ndarray:
    """Points in runs of >= k equal non-zero ``key`` values (a run never crosses a facet start)."""
    size = key.size
    new = starts_mask.copy()
    new[1:] |= key[1:] != key[:-1]
    run_start = np.flatnonzero(new)
    run_len = np.diff(np.append(run_start, size))
    long_run = np.repeat(run_len >= k, run_len)
    return long_run & (key != 0)


def _cover(first: np.ndarray, last: np.ndarray, size: int) -> np.ndarray:
    """Mark every index in [first_j, last_j] for all j (difference array)."""
    d = np.zeros(size + 1, dtype=np.int64)
    np.add.at(d, first, 1)
    np.add.at(d, last + 1, -1)
    return np.cumsum(d[:-1]) > 0


@np.errstate(invalid="ignore", divide="ignore")
def floor_mdc_chart(codes: np.ndarray, y: np.ndarray, screen_mr: bool = True) -> dict[str, np.ndarray]:
    """Making Data Count XmR chart with its four rules and icons, improvement = "increase".

    Limits mean +/- 2.66 x average moving range, screened with Making Data Count's own constant
    (moving ranges of 3.267 x their average or more dropped once, as NHSRplotthedots); rules:
    outside the limits; 7 points in a row all increasing or all decreasing (ties break a trend);
    2 of 3 consecutive points beyond 2 sigma, all 3 on the same side of the mean (points outside the
    limits do not count as beyond 2 sigma);
    7 points in a row on one side of the mean (a point on the mean breaks the run). Point type from
    the first rule that fired, in that order (a trend's direction, otherwise the side of the mean; a
    point shared by two trends takes the direction of the later one);
    the variation icon from each facet's last point. Inputs sorted by facet then x, no missing values.
    Point types are returned as codes into ``MDC_POINT_TYPES`` (an array of 10 million strings would
    not fit the national workload's memory).
    """
    size = y.size
    starts = facet_starts(codes)
    is_start = np.zeros(size, dtype=bool)
    is_start[starts] = True
    cl_f = _seg_sum(y, starts) / np.diff(np.append(starts, size))
    mr = np.empty(size)
    mr[0:1] = np.nan
    np.abs(np.diff(y), out=mr[1:])
    mr[starts] = np.nan
    ok = ~np.isnan(mr)
    mr_bar = _seg_sum(np.where(ok, mr, 0.0), starts) / _seg_sum(ok.view(np.int8), starts, dtype=np.int64)
    if screen_mr:
        keep = ok & (mr < 3.267 * _spread(mr_bar, starts, size))
        mr_bar = _seg_sum(np.where(keep, mr, 0.0), starts) / _seg_sum(keep.view(np.int8), starts, dtype=np.int64)
    cl = _spread(cl_f, starts, size)
    half = _spread(2.66 * mr_bar, starts, size)
    lcl, ucl = cl - half, cl + half
    outside = (y > ucl) | (y < lcl)
    side = np.sign(y - cl).astype(np.int8)
    shift = _flag_runs_floor(side, is_start, 7)
    # trend: steps between consecutive points of a facet; 6 equal non-zero steps = 7 points
    step = np.zeros(size, dtype=np.int8)  # step[i]: from point i-1 to point i (0 at a facet start)
    step[1:] = np.sign(np.diff(y))
    step[starts] = 0
    good = _flag_runs_floor(step, is_start | (step == 0), 6) & (step != 0)
    trend = good.copy()
    trend[:-1] |= good[1:]  # the point before each good step is in the trend too
    # a point's trend direction: that of the step after it when that step is in a trend (a peak or
    # trough shared by two trends takes the later one's, as NHSRplotthedots labels it: "if a point is
    # part of a trend either side, use right side"), else that of the step before it
    trend_dir = np.zeros(size, dtype=np.int8)
    trend_dir[:-1] = np.where(good[1:], step[1:], 0)
    trend_dir = np.where((trend_dir == 0) & good, step, trend_dir)
    # two of three beyond 2 sigma on one side, inside the limits
    two = np.zeros(size, dtype=bool)
    pos = np.arange(size)
    first_of_facet = _spread(starts, starts, size)
    for sgn in (1, -1):
        close = (sgn * (y - cl) > half * 2 / 3) & ~outside
        same_side = sgn * (y - cl) > 0
        cs = np.concatenate(([0], np.cumsum(close)))
        ss = np.concatenate(([0], np.cumsum(same_side)))
        lo = pos - 2
        full = lo >= first_of_facet  # a whole window of 3 points inside the facet
        lo = np.maximum(lo, 0)
        hit = full & ((cs[pos + 1] - cs[lo]) >= 2) & ((ss[pos + 1] - ss[lo]) == 3)
        two |= _cover(lo[hit], pos[hit], size) & close
    high = np.where(outside, side > 0, np.where(trend, trend_dir > 0, side > 0))
    special = outside | trend | two | shift
    point_type = np.where(special, np.where(high, 1, 2), 0).astype(np.int8)  # codes into MDC_POINT_TYPES
    last = np.append(starts[1:], size) - 1
    icon = np.array(["common_cause", "improvement_high", "concern_low"], dtype=object)
    variation = icon[point_type[last]]
    return {
        "y": y,
        "cl": cl,
        "lcl": lcl,
        "ucl": ucl,
        "mdc_outside": outside,
        "mdc_trend": trend,
        "mdc_two_of_three": two,
        "mdc_shift": shift,
        "point_type": point_type,
        "variation": variation,
        "sigma_signal": outside,
        "runs_signal": np.zeros(len(starts), dtype=bool),
    }


#: the floor's point-type codes
MDC_POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern")


class _PointLabels:
    """'facet x=...' labels of cc.data's rows, made only for the rows a mismatch message shows."""

    def __init__(self, data: pd.DataFrame):
        self.data = data

    def __getitem__(self, i: int) -> str:
        row = self.data.iloc[int(i)]
        return (f"{row['facet']} " if "facet" in self.data.columns else "") + f"x={row['x']}"


def compare_mdc(cc: Any, floor: dict[str, np.ndarray], facet: str | None, rtol: float = 1e-9) -> list[str]:
    """Compare a Making Data Count chart with :func:`floor_mdc_chart` (limits, rule columns, point
    types, variation icons)."""
    problems: list[str] = []
    data = cc.data
    labels = _PointLabels(data)
    if len(data) != len(floor["y"]):
        return [f"cc.data has {len(data)} rows; the floor has {len(floor['y'])} points"]
    for col in ("y", "cl", "lcl", "ucl"):
        got = data[col].to_numpy(dtype=float)
        bad = ~np.isclose(got, floor[col], rtol=rtol, atol=1e-12, equal_nan=True)
        if bad.any():
            problems.append(_describe_mismatch(col, got, floor[col], bad, labels))
    for col in ("mdc_outside", "mdc_trend", "mdc_two_of_three", "mdc_shift"):
        got = data[col].to_numpy()
        if not np.array_equal(got, floor[col]):
            problems.append(_describe_mismatch(col, got, floor[col], got != floor[col], labels))
    # point types: qitools' labels as the floor's codes (a categorical's codes, mapped by name)
    pt = pd.Categorical(data["point_type"])
    lookup = np.array([MDC_POINT_TYPES.index(c) if c in MDC_POINT_TYPES else -1 for c in pt.categories])
    got = np.where(pt.codes >= 0, lookup[np.maximum(pt.codes, 0)], -1)
    if not np.array_equal(got, floor["point_type"]):
        names = np.array(MDC_POINT_TYPES + ("missing",), dtype=object)
        bad = got != floor["point_type"]
        problems.append(_describe_mismatch("point_type", names[got], names[floor["point_type"]], bad, labels))
    got = cc.icons["variation"].to_numpy()
    if not np.array_equal(got, floor["variation"]):
        problems.append(
            _describe_mismatch(
                "icons.variation",
                got,
                floor["variation"],
                got != floor["variation"],
                cc.icons["facet"].astype(str).to_numpy(),
            )
        )
    return problems


# --------------------------------------------------------------------------------------------------
# Funnel plot: workload, floor and comparison
# --------------------------------------------------------------------------------------------------


def make_funnel_workload(
    n_facets: int = 1, n_units: int = 10_000, seed: int = SEED
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Synthetic funnel data: one row per unit, binomial y out of n ~ U{20..5000}, over-dispersed.

    Each unit's true proportion is logit-normal around 0.1 (sd 0.25 on the logit scale), so the
    units vary more than chance and the over-dispersion adjustment matters; a few units are far
    off (x 2.5 or x 0.3). Returns ``(df, arrays)``: ``df`` has ``unit`` (``unit00001`` ...), ``y``,
    ``n`` (int64); ``arrays`` has float ``y`` and ``n`` in the same (sorted) order. ``n_facets``
    is ignored (one funnel).
    """
    rng = np.random.default_rng(seed + 2)
    n = rng.integers(20, 5001, size=n_units)
    logit = np.log(0.1 / 0.9) + 0.25 * rng.standard_normal(n_units)
    p = 1.0 / (1.0 + np.exp(-logit))
    odd = rng.random(n_units) < 0.01
    p = np.where(odd, np.clip(p * rng.choice([2.5, 0.3], size=n_units), 0.001, 0.95), p)
    y = rng.binomial(n, p)
    df = pd.DataFrame({"unit": _facet_labels(n_units), "y": y, "n": n})
    return df, {"y": y.astype(np.float64), "n": n.astype(np.float64)}


def _binom_quantile(p: float, n: np.ndarray, theta: float) -> np.ndarray:
    """Smallest r with P(R <= r) >= p, R ~ Bin(n, theta), for every n at once.

    Starts from the normal approximation and steps up or down with the exact CDF
    (``scipy.special.bdtr``) until it holds; the loop runs over correction steps (a handful), never
    over units.
    """
    from scipy.special import bdtr, ndtri

    n_int = n.astype(np.int64)
    r = np.floor(n * theta + ndtri(p) * np.sqrt(n * theta * (1.0 - theta)))
    r = np.clip(r, 0, n).astype(np.int64)
    for _ in range(10_000):
        up = bdtr(r, n_int, theta) < p
        if not up.any():
            break
        r = np.where(up, r + 1, r)
    for _ in range(10_000):
        down = (r > 0) & (bdtr(np.maximum(r - 1, 0), n_int, theta) >= p)
        if not down.any():
            break
        r = np.where(down, r - 1, r)
    return r


def floor_funnel(y: np.ndarray, n: np.ndarray, levels: tuple[float, ...] = (0.95, 0.998)) -> dict[str, Any]:
    """Funnel plot of proportions, exact limits with additive over-dispersion, written from the papers.

    Target theta = sum(y)/sum(n); s_i = sqrt(theta(1-theta)/n_i); z_i = (y_i/n_i - theta)/s_i;
    phi = mean of z winsorised at its 10% and 90% quantiles (numpy "linear" = R type 7);
    tau2 = max(0, (I phi - (I-1)) / (sum w - sum w^2 / sum w)), w = 1/s^2 (DerSimonian-Laird;
    Spiegelhalter 2005 section 6). Exact limits: r_p = smallest r with F(r) >= p
    (:func:`_binom_quantile`), alpha = (F(r_p) - p)/(F(r_p) - F(r_p - 1)), limit (r_p - alpha)/n
    (Spiegelhalter 2005, Appendix), clipped to [0, 1] and, where phi > 1, moved away from theta by
    sqrt(s^2 + tau2)/s. A unit is outside when strictly beyond a limit. Inputs sorted by unit.
    """
    from scipy.special import bdtr

    units = y.size
    theta = y.sum() / n.sum()
    s = np.sqrt(theta * (1.0 - theta) / n)
    value = y / n
    z = (value - theta) / s
    lo_q, hi_q = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, lo_q, hi_q) ** 2))
    w = 1.0 / s**2
    tau2 = max(0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    factor = np.sqrt(s**2 + tau2) / s if phi > 1 else np.ones(units)
    n_int = n.astype(np.int64)
    out: dict[str, Any] = {"phi": phi, "tau2": tau2, "target": theta}
    outside = np.full(units, None, dtype=object)
    for level in levels:
        label = f"{100 * level:.2f}".rstrip("0").rstrip(".")
        for side, p in (("lcl", (1 - level) / 2), ("ucl", (1 + level) / 2)):
            r = _binom_quantile(p, n, theta)
            f_r = bdtr(r, n_int, theta)
            f_prev = np.where(r > 0, bdtr(np.maximum(r - 1, 0), n_int, theta), 0.0)
            limit = np.clip((r - (f_r - p) / (f_r - f_prev)) / n, 0.0, 1.0)
            limit = np.clip(theta + factor * (limit - theta), 0.0, 1.0)
            out[f"{side}{label.replace('.', '')}"] = limit
    for level in levels:  # the widest limit a unit is beyond names it
        label = f"{100 * level:.2f}".rstrip("0").rstrip(".")
        key = label.replace(".", "")
        outside = np.where(value > out[f"ucl{key}"], f"above {label}%", outside)
        outside = np.where(value < out[f"lcl{key}"], f"below {label}%", outside)
    out["outside"] = outside
    out["sigma_signal"] = np.array([o is not None for o in outside])
    out["runs_signal"] = np.zeros(1, dtype=bool)
    return out


def compare_funnel(fp: Any, floor: dict[str, Any], facet: str | None, rtol: float = 1e-9) -> list[str]:
    """Compare a qitools FunnelPlot with :func:`floor_funnel`: target, phi, tau2, every limit, flags."""
    problems: list[str] = []
    data = fp.data
    if len(data) != len(floor["outside"]):
        return [f"fp.data has {len(data)} rows; the floor has {len(floor['outside'])} units"]
    labels = data["unit"].astype(str).to_numpy()
    for name, got in (("target", float(fp.summary["target"].iloc[0])), ("phi", fp.phi), ("tau2", fp.tau2)):
        if not np.isclose(got, floor[name], rtol=rtol, atol=1e-15):
            problems.append(f"{name}: qitools={got!r} floor={floor[name]!r}")
    for col in ("lcl95", "ucl95", "lcl998", "ucl998"):
        got = data[col].to_numpy(dtype=float)
        bad = ~np.isclose(got, floor[col], rtol=rtol, atol=1e-12)
        if bad.any():
            problems.append(_describe_mismatch(col, got, floor[col], bad, labels))
    got = np.array([o if isinstance(o, str) else None for o in data["outside"]], dtype=object)
    bad = got != floor["outside"]
    if bad.any():
        problems.append(_describe_mismatch("outside", got, floor["outside"], bad, labels))
    return problems


def _funnel_counts(floor: dict[str, Any]) -> str:
    wide = int(sum(o is not None and o.endswith("99.8%") for o in floor["outside"]))
    return (
        f"{int(np.sum(floor['sigma_signal'])):,} units beyond a limit, {wide:,} beyond 99.8%; "
        f"phi {floor['phi']:.3g}, tau2 {floor['tau2']:.3g}"
    )


FACET_KEYS = ("n_useful", "longest_run", "n_crossings", "longest_run_max", "n_crossings_min", "runs_signal")


# --------------------------------------------------------------------------------------------------
# Cross-check qitools against the floor
# --------------------------------------------------------------------------------------------------


def _describe_mismatch(name: str, got: np.ndarray, want: np.ndarray, where: np.ndarray, labels) -> str:
    idx = np.flatnonzero(where)

    def show(v: Any) -> str:
        return f"{float(v):.12g}" if np.asarray(v).dtype.kind == "f" else str(v.item() if hasattr(v, "item") else v)

    ex = "; ".join(f"{labels[i]}: qitools={show(got[i])} floor={show(want[i])}" for i in idx[:3])
    return f"{name}: {idx.size} of {where.size} differ (e.g. {ex})"


def compare_with_floor(cc: Any, floor: dict[str, np.ndarray], facet: str | None, rtol: float = 1e-9) -> list[str]:
    """Compare a qitools ControlChart with the floor; return a list of mismatch descriptions
    (empty when they agree). Per point: y, cl, lcl, ucl (allclose), sigma_signal and runs_signal
    (equal). Per facet: the Anhoej runs counts and critical values (equal)."""
    problems: list[str] = []
    data = cc.data
    sort_cols = (["facet"] if facet and "facet" in data.columns else []) + ["x"]
    data = data.sort_values(sort_cols, kind="stable")
    if len(data) != len(floor["cl"]):
        return [f"cc.data has {len(data)} rows; the floor has {len(floor['cl'])} points"]
    labels = (
        (data["facet"].astype(str) + " x=" + data["x"].astype(str)).to_numpy()
        if "facet" in data.columns
        else ("x=" + data["x"].astype(str)).to_numpy()
    )
    for col in ("y", "cl", "lcl", "ucl"):
        if col not in data.columns:
            problems.append(f"cc.data has no column {col!r}")
            continue
        got = data[col].to_numpy(dtype=float)
        want = floor[col]
        try:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-12, equal_nan=True)
        except AssertionError:
            bad = ~np.isclose(got, want, rtol=rtol, atol=1e-12, equal_nan=True)
            problems.append(_describe_mismatch(col, got, want, bad, labels))
    for col, key in (("sigma_signal", "sigma_signal"), ("runs_signal", "point_runs_signal")):
        if col not in data.columns:
            problems.append(f"cc.data has no column {col!r}")
            continue
        got = data[col].to_numpy(dtype=bool, na_value=False)
        want = floor[key]
        if not np.array_equal(got, want):
            problems.append(_describe_mismatch(col, got, want, got != want, labels))

    summ = cc.summary
    if facet and "facet" in summ.columns:
        summ = summ.sort_values("facet", kind="stable")
    if len(summ) != len(floor["n_useful"]):
        problems.append(f"cc.summary has {len(summ)} rows; the floor has {len(floor['n_useful'])} facets")
        return problems
    flabels = summ["facet"].astype(str).to_numpy() if "facet" in summ.columns else np.array(["(all)"] * len(summ))
    for key in FACET_KEYS:
        if key not in summ.columns:
            problems.append(f"cc.summary has no column {key!r}")
            continue
        want = np.asarray(floor[key], dtype=float)
        got = summ[key].to_numpy(dtype=float, na_value=np.nan)
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        if not same.all():
            problems.append("summary." + _describe_mismatch(key, got, want, ~same, flabels))
    return problems


# --------------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------------


def time_calls(
    fns: list[Callable[[], Any]], repeat: int, budget_s: float = 25.0, cpu: list[list[float]] | None = None
) -> list[tuple[float, list[float], Any]]:
    """Time several functions, interleaved, with perf_counter; one (median s, times, last result) each.

    Each function is called once to warm up; then, ``repeat`` times, each function is called once
    in turn. Interleaving exposes all of them to the same background load, so their ratio is
    steadier than that of two separate timing loops. If the warm-up shows that the repeats would
    take more than ``budget_s`` seconds, fewer are made (at least one); the caller reports the
    count actually used. With ``cpu`` (a list of one empty list per function), the user CPU
    seconds of each timed call are appended there too.
    """
    results: list[Any] = []
    warm = 0.0
    for fn in fns:
        gc.collect()
        t0 = time.perf_counter()
        results.append(fn())
        warm += time.perf_counter() - t0
    if warm > 0 and warm * repeat > budget_s:
        repeat = max(1, int(budget_s / warm))
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            results[i] = None  # free the last result first: a large one would otherwise be held twice
            gc.collect()
            u0 = cpu_seconds()[0]
            t0 = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - t0)
            if cpu is not None:
                cpu[i].append(cpu_seconds()[0] - u0)
    return [(statistics.median(t), t, r) for t, r in zip(times, results, strict=True)]


def cpu_seconds() -> tuple[float, float]:
    """(user, system) CPU seconds used by this process so far (user = process time without resource)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return time.process_time(), 0.0
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


def _proc_status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure_call(fn: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    """One call's wall time, user and system CPU seconds, and peak memory above what the process
    held before it (the input and anything else alive), in bytes.

    On Linux the peak resident set (VmHWM) is reset through /proc/self/clear_refs just before the
    call, so the figure is the real high-water mark of the process (numpy, pandas and Python
    objects alike). Elsewhere, tracemalloc's peak of traced allocations is used (numpy and pandas
    report theirs), in a second call so that tracing does not slow the timed one.
    """
    gc.collect()
    rss0 = _proc_status_kib("VmRSS")
    reset = False
    if rss0 is not None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")
            reset = True
        except OSError:
            reset = False
    u0, s0 = cpu_seconds()
    t0 = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    u1, s1 = cpu_seconds()
    rec: dict[str, Any] = {"wall_s": wall, "user_s": u1 - u0, "system_s": s1 - s0}
    hwm = _proc_status_kib("VmHWM") if reset else None
    if reset and hwm is not None and rss0 is not None:
        rec.update(peak_bytes=(hwm - rss0) * 1024, memory_method="peak resident set (VmHWM) above the start")
    else:
        import tracemalloc

        result = None
        gc.collect()
        tracemalloc.start()
        result = fn()
        rec.update(peak_bytes=tracemalloc.get_traced_memory()[1], memory_method="tracemalloc peak")
        tracemalloc.stop()
    return rec, result


def time_call(fn: Callable[[], Any], repeat: int, budget_s: float = 25.0) -> tuple[float, list[float], Any]:
    """Time one function: see :func:`time_calls`."""
    return time_calls([fn], repeat, budget_s)[0]


_IMPORT_SNIPPET = textwrap.dedent(
    """
    import sys, time, json
    t0 = time.perf_counter()
    import qitools
    t = time.perf_counter() - t0
    heavy = [m for m in ("matplotlib", "scipy", "ipywidgets", "IPython") if m in sys.modules]
    print(json.dumps({"seconds": t, "heavy": heavy}))
    """
)


def measure_import(runs: int = 5) -> dict[str, Any]:
    """``import qitools`` in ``runs`` fresh interpreters (the repository root on sys.path first).

    Returns the median import time in seconds (measured inside the child, excluding interpreter
    start-up), the median wall time of the whole child process, and which heavy modules
    (matplotlib, scipy, ipywidgets, IPython) the import pulled in.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("MPLBACKEND", None)
    secs, walls, heavy = [], [], set()
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _IMPORT_SNIPPET], check=False, capture_output=True, text=True, env=env, cwd=REPO_ROOT
        )
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "import failed")
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        secs.append(rec["seconds"])
        heavy.update(rec["heavy"])
    return {"seconds": statistics.median(secs), "wall": statistics.median(walls), "heavy": sorted(heavy), "runs": runs}


# --------------------------------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------------------------------


@dataclass
class Workload:
    """One benchmark row: how to make the data, call qitools, compute the floor, and the targets."""

    key: str
    label: str  # e.g. "I chart + Anhoej"; the sizes are appended in the table
    sizes: tuple[int, int]  # (facets, points per facet) of the full run
    quick_sizes: tuple[int, int]  # the same for --quick
    make: Callable[[int, int], tuple[pd.DataFrame, dict[str, Any]]]  # (facets, points) -> (df, arrays)
    run_qitools: Callable[[Any, pd.DataFrame], Any]  # (qi module, df) -> result
    run_floor: Callable[[dict[str, Any]], dict[str, np.ndarray]]  # arrays -> floor results
    facet: str | None
    max_ms: float | None = None  # absolute target (full size only)
    max_ratio: float | None = 10.0  # qitools / floor
    #: (result, floor, facet) -> list of mismatch descriptions; a row whose result is not a
    #: control chart (a funnel plot, say) brings its own
    compare: Callable[[Any, dict[str, np.ndarray], str | None], list[str]] | None = None
    #: (facets, points) -> title, for a row that is not a series of points (a funnel's units, say)
    describe: Callable[[int, int], str] | None = None
    #: floor -> the counts printed after "agree", for a row without runs analysis
    describe_counts: Callable[[dict[str, Any]], str] | None = None
    #: also measure one call's CPU time (user + system) and its peak memory above the input, and
    #: judge them against these targets (full size only)
    max_cpu_s: float | None = None
    max_mem_gib: float | None = None
    #: at most this many timed repeats (a row whose single call takes seconds)
    max_repeat: int | None = None

    def title(self, quick: bool = False) -> str:
        facets, points = self.quick_sizes if quick else self.sizes
        if self.describe is not None:
            return self.describe(facets, points)
        if self.facet is None:
            return f"{self.label}, 1 series x {points:,} points"
        return f"{self.label}, {facets:,} facets x {points:,}"


WORKLOADS: list[Workload] = [
    Workload(
        key="i_100k",
        label="I chart",
        sizes=(1, 100_000),
        quick_sizes=(1, 10_000),
        make=make_i_workload,
        run_qitools=lambda qi, df: qi.control_chart(df, x="x", y="y", chart="i"),
        run_floor=lambda a: floor_i_chart(a["codes"], a["y"]),
        facet=None,
        max_ms=50.0,
    ),
    Workload(
        key="i_facets",
        label="I chart + Anhoej",
        sizes=(1_000, 60),
        quick_sizes=(100, 60),
        make=make_i_workload,
        run_qitools=lambda qi, df: qi.control_chart(df, x="x", y="y", chart="i", facet="unit"),
        run_floor=lambda a: floor_i_chart(a["codes"], a["y"]),
        facet="unit",
        max_ms=50.0,
    ),
    Workload(
        key="p_facets",
        label="p chart + Anhoej",
        sizes=(10_000, 60),
        quick_sizes=(1_000, 60),
        make=make_p_workload,
        run_qitools=lambda qi, df: qi.control_chart(df, x="x", y="y", n="n", chart="p", facet="unit"),
        run_floor=lambda a: floor_p_chart(a["codes"], a["y"], a["n"]),
        facet="unit",
        max_ms=None,
    ),
    Workload(
        key="mdc_facets",
        label="I chart + Making Data Count rules and icons",
        sizes=(1_000, 60),
        quick_sizes=(100, 60),
        make=make_i_workload,
        run_qitools=lambda qi, df: _mdc_with_icons(qi, df),
        run_floor=lambda a: floor_mdc_chart(a["codes"], a["y"]),
        facet="unit",
        max_ms=50.0,
        compare=compare_mdc,
        describe_counts=lambda f: _mdc_counts(f),
    ),
    Workload(
        key="funnel_10k",
        label="Funnel plot, exact limits + additive over-dispersion",
        sizes=(1, 10_000),
        quick_sizes=(1, 1_000),
        make=make_funnel_workload,
        run_qitools=lambda qi, df: qi.funnel_plot(df, unit="unit", y="y", n="n", overdispersion="additive"),
        run_floor=lambda a: floor_funnel(a["y"], a["n"]),
        facet=None,
        max_ms=500.0,
        compare=compare_funnel,
        describe=lambda facets, units: f"Funnel plot, exact limits + additive over-dispersion, {units:,} units",
        describe_counts=_funnel_counts,
    ),
]


def _mdc_with_icons(qi: Any, df: pd.DataFrame) -> Any:
    cc = qi.control_chart(df, x="x", y="y", chart="i", facet="unit", rules="mdc", improvement="increase")
    _ = cc.icons  # part of the workload: the icons are computed with the chart
    return cc


def _mdc_counts(floor: dict[str, Any]) -> str:
    special = int(np.count_nonzero(floor["point_type"]))
    improving = int(np.count_nonzero(floor["variation"] == "improvement_high"))
    return (
        f"{int(np.sum(floor['sigma_signal'])):,} points beyond limits, {special:,} special-cause points, "
        f"{improving:,} of {len(floor['variation']):,} series ending in improvement"
    )


def _national_mdc(qi: Any, df: pd.DataFrame) -> Any:
    cc = qi.control_chart(
        df, x="month", y="value", chart="i", facet=["unit", "indicator"], rules="mdc", improvement="increase"
    )
    _ = cc.icons
    return cc


def _national_title(units: int, points: int) -> str:
    return f"Making Data Count national: {units:,} units x 10 indicators x {points} months (2 facet columns)"


WORKLOADS.append(
    Workload(
        key="mdc_10m",
        label="Making Data Count national",
        sizes=(16_667, 60),  # 10,000,200 points
        quick_sizes=(167, 60),  # 100,200 points
        make=make_national_workload,
        run_qitools=_national_mdc,
        run_floor=lambda a: floor_mdc_chart(a["codes"], a["y"]),
        facet="facet",
        max_ratio=10.0,
        compare=compare_mdc,
        describe=_national_title,
        describe_counts=_mdc_counts,
        max_cpu_s=5.0,
        max_mem_gib=3.0,
        max_repeat=3,
    )
)

#: the scaling check: user CPU of the national workload at 1M and at 10M points, at most this ratio
SCALING_SIZES = {False: (1_667, 16_667), True: (17, 167)}  # units (x 10 x 60 points); --quick
MAX_SCALING = 12.0


IMPORT_TARGET_S = 0.5


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _fmt_ms(s: float | None) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "-"
    ms = s * 1000.0
    return f"{ms:,.1f}" if ms < 1000 else f"{ms:,.0f}"


def _machine_line() -> str:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = os.cpu_count()
    try:
        load = f"load average {os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        load = "load average n/a"
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"cpus {os.cpu_count()} (usable {affinity}), {platform.system()} {platform.machine()}, {load}"
    )


def _print_table(rows: list[list[str]]) -> None:
    header = ["workload", "rows", "qitools ms", "floor ms", "qitools/floor", "target", "result"]
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    align = ["<", ">", ">", ">", ">", "<", "<"]
    line = "  ".join(f"{h:{a}{w}}" for h, a, w in zip(header, align, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(f"{c!s:{a}{w}}" for c, a, w in zip(r, align, widths)))


def _run_workload(
    w: Workload, qi: Any, repeat: int, quick: bool
) -> tuple[list[str], tuple[str, list[str], str], dict[str, Any]]:
    """Time one workload (qitools, then the floor) and cross-check them: (table row, check, record)."""
    title = w.title(quick)
    df, arrays = w.make(*(w.quick_sizes if quick else w.sizes))
    rec: dict[str, Any] = {"rows": len(df)}
    if w.max_repeat is not None:
        repeat = min(repeat, w.max_repeat)
    measured: dict[str, Any] | None = None
    cpu: list[list[float]] = [[], []]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (q_med, q_times, cc), (f_med, f_times, floor) = time_calls(
                [lambda: w.run_qitools(qi, df), lambda: w.run_floor(arrays)], repeat, cpu=cpu
            )
            if w.max_cpu_s is not None or w.max_mem_gib is not None:
                measured, again = measure_call(lambda: w.run_qitools(qi, df))  # after the warm-up and repeats
                del again
    except Exception as exc:  # noqa: BLE001 - report it in the table, do not crash
        row = [title, f"{len(df):,}", "ERROR", "-", "-", "-", f"{type(exc).__name__}: {exc}"[:60]]
        rec["error"] = repr(exc)
        return row, (title, [f"qitools raised {type(exc).__name__}: {exc}"], ""), rec
    ratio = q_med / f_med
    targets, verdicts = [], []
    if w.max_ms is not None:
        targets.append(f"<{w.max_ms:g} ms")
        if not quick:
            verdicts.append(q_med * 1000 < w.max_ms)
    if w.max_ratio is not None:
        targets.append(f"<={w.max_ratio:g}x floor")
        verdicts.append(ratio <= w.max_ratio)
    if measured is not None:
        cpu_s = measured["user_s"] + measured["system_s"]
        gib = measured["peak_bytes"] / 2**30
        if w.max_cpu_s is not None:
            targets.append(f"<={w.max_cpu_s:g} s CPU")
            if not quick:
                verdicts.append(cpu_s <= w.max_cpu_s)
        if w.max_mem_gib is not None:
            targets.append(f"<={w.max_mem_gib:g} GiB above input")
            if not quick:
                verdicts.append(gib <= w.max_mem_gib)
        rec.update(measured_call=measured)
    rec["qitools_user_s"] = cpu[0]
    judged_abs = w.max_ms or w.max_cpu_s or w.max_mem_gib
    verdict = ("pass" if all(verdicts) else "FAIL") + (" (ratio only)" if quick and judged_abs else "")
    note = f" [{len(q_times)} repeats]" if len(q_times) != repeat else ""
    row = [title, f"{len(df):,}", _fmt_ms(q_med) + note, _fmt_ms(f_med), f"{ratio:,.1f}x", ", ".join(targets), verdict]
    try:
        problems = (w.compare or compare_with_floor)(cc, floor, w.facet)
    except Exception as exc:  # noqa: BLE001
        problems = [f"comparison failed: {type(exc).__name__}: {exc}"]
    n_sig, n_runs = int(np.sum(floor["sigma_signal"])), int(np.sum(floor["runs_signal"]))
    if w.describe_counts is not None:
        counts = f" ({w.describe_counts(floor)})"
    else:
        counts = (
            f" ({n_sig:,} points beyond limits, {n_runs:,} of {len(floor['runs_signal']):,} series with a runs signal)"
        )
    if measured is not None:
        counts += (
            f"\n    one call: {measured['wall_s']:.2f} s wall, CPU {measured['user_s']:.2f} s user + "
            f"{measured['system_s']:.2f} s system, peak memory {measured['peak_bytes'] / 2**30:.2f} GiB above "
            f"the input ({measured['memory_method']}); cc.data {cc.data.memory_usage(deep=True).sum() / len(cc.data):.0f}"
            f" bytes a point"
        )
    messages = sorted({f"{type(m.message).__name__}: {m.message}" for m in caught})
    if messages:
        counts += "".join(f"\n    qitools warned: {m[:300]}" for m in messages)
    rec.update(
        qitools_s=q_times,
        floor_s=f_times,
        qitools_median_s=q_med,
        floor_median_s=f_med,
        ratio=ratio,
        verdict=verdict,
        agree=not problems,
        problems=problems,
        warnings=messages,
        n_sigma_signals=n_sig,
        n_runs_signals=n_runs,
    )
    return row, (title, problems, counts), rec


def _median_user_cpu(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        gc.collect()
        u0 = cpu_seconds()[0]
        fn()
        out.append(cpu_seconds()[0] - u0)
    return out


def _run_scaling(qi: Any, quick: bool, big_user_s: list[float] | None) -> tuple[list[str], dict[str, Any]]:
    """User CPU of the national Making Data Count call at 1M and 10M points (the same shape, 10x the
    units): linear work gives 10x; the target allows 12x. ``big_user_s``: the 10M row's timings, if
    it ran (else the 10M call is made here)."""
    small_units, big_units = SCALING_SIZES[quick]
    small_df, _ = make_national_workload(small_units)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = _median_user_cpu(functools.partial(_national_mdc, qi, small_df), 7)
        if not big_user_s:
            big_df, _ = make_national_workload(big_units)
            big_user_s = _median_user_cpu(functools.partial(_national_mdc, qi, big_df), 3)
    s_med, b_med = statistics.median(small), statistics.median(big_user_s)
    ratio = b_med / s_med if s_med > 0 else float("inf")
    n_small, n_big = small_units * 600, big_units * 600
    title = f"scaling: user CPU, national MDC {n_small:,} -> {n_big:,} points"
    row = [
        title,
        f"{n_big:,}",
        f"{_fmt_ms(s_med)} -> {_fmt_ms(b_med)}",
        "-",
        f"{ratio:,.1f}x",
        f"<={MAX_SCALING:g}x (10x is linear)",
        "pass" if ratio <= MAX_SCALING else "FAIL",
    ]
    return row, {"small_user_s": small, "big_user_s": big_user_s, "ratio": ratio, "points": (n_small, n_big)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; return the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small workloads, 3 repeats")
    parser.add_argument(
        "--repeat", type=int, default=None, help="timed repeats per workload (default 11; 3 with --quick)"
    )
    keys = ", ".join(w.key for w in WORKLOADS)
    parser.add_argument(
        "--only", nargs="*", default=None, help=f"run only these rows: {keys}, scaling and/or import"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (3 if args.quick else 11)
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    selected = set(args.only) if args.only else None
    if selected is not None and selected - {w.key for w in WORKLOADS} - {"import", "scaling"}:
        parser.error(f"--only takes {keys}, scaling or import; got {', '.join(sorted(selected))}")

    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    quick_note = " (QUICK smoke run: reduced sizes, absolute targets not judged)" if args.quick else ""
    print("qitools SPC benchmark" + quick_note)
    print("machine: " + _machine_line())
    try:
        import qitools as qi
    except Exception as exc:  # noqa: BLE001 - report, do not crash with a traceback
        print(f"cannot import qitools: {type(exc).__name__}: {exc}")
        return 2
    if not hasattr(qi, "control_chart"):
        print("qitools has no control_chart yet (is qitools/__init__.py written?)")
        return 2
    where = Path(getattr(qi, "__file__", None) or ".").resolve().parent
    where_txt = where.relative_to(REPO_ROOT).as_posix() if where.is_relative_to(REPO_ROOT) else str(where)
    print(f"qitools {getattr(qi, '__version__', '?')} from {where_txt}/")
    print(
        f"timing: median of {repeat} repeats after 1 warm-up, time.perf_counter; qitools and floor calls"
        " interleaved (fewer repeats where a call is slow; the row then says how many)"
    )
    print()

    rows: list[list[str]] = []
    checks: list[tuple[str, list[str], str]] = []
    results: dict[str, Any] = {"machine": _machine_line(), "quick": args.quick, "repeat": repeat, "workloads": {}}
    for w in WORKLOADS:
        if selected is None or w.key in selected:
            row, check, rec = _run_workload(w, qi, repeat, args.quick)
            rows.append(row)
            checks.append(check)
            results["workloads"][w.key] = rec
            gc.collect()

    if selected is None or "scaling" in selected:
        big = results["workloads"].get("mdc_10m", {}).get("qitools_user_s") or None
        row, rec = _run_scaling(qi, args.quick, big)
        rows.append(row)
        results["scaling"] = rec
        gc.collect()

    import_failed = False
    if selected is None or "import" in selected:
        target = f"<{IMPORT_TARGET_S * 1000:g} ms, no matplotlib"
        try:
            imp = measure_import(3 if args.quick else 5)
        except Exception as exc:  # noqa: BLE001
            import_failed = True
            rows.append(["import qitools (fresh interpreter)", "-", "ERROR", "-", "-", target, str(exc)[:60]])
        else:
            ok = imp["seconds"] < IMPORT_TARGET_S and "matplotlib" not in imp["heavy"]
            heavy = ", ".join(imp["heavy"]) or "none"
            title = f"import qitools (fresh interpreter, {imp['runs']} runs)"
            verdict = ("pass" if ok else "FAIL") + f" (heavy modules: {heavy})"
            rows.append([title, "-", _fmt_ms(imp["seconds"]), "-", "-", target, verdict])
            results["import"] = imp

    _print_table(rows)
    print()
    if "import" in results:
        imp = results["import"]
        print(
            f"import: median {_fmt_ms(imp['seconds'])} ms inside the child; whole child process "
            f"(interpreter start-up + import) {_fmt_ms(imp['wall'])} ms"
        )
    print("For context only (R, as measured by the client on the same machine, not in this run):")
    for key in ("i_100k", "i_facets"):
        w = next(w for w in WORKLOADS if w.key == key)
        figures = ", ".join(f"{pkg} ~{sec:g} s" for pkg, sec in R_CONTEXT[key].items())
        print(f"  {w.title():<38} {figures}")
    print()
    print("cross-check, qitools vs the numpy floor (y/cl/lcl/ucl allclose rtol=1e-9; signals and runs counts equal):")
    disagree = False
    for title, problems, counts in checks:
        if problems:
            disagree = True
            print(f"  {title}: MISMATCH{counts}")
            for p in problems:
                print(f"    - {p}")
        else:
            print(f"  {title}: agree{counts}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")
    return 1 if (disagree or import_failed) else 0


if __name__ == "__main__":
    sys.exit(main())
