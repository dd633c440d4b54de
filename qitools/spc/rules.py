r"""Runs analysis and special-cause rules, vectorised over every facet and part at once.

Every function here takes flat arrays sorted by group (one group = one facet x part) and an
integer group code per point, and returns per-group or per-point arrays: no Python loop over
groups or points.

Anhøj's rules (Anhøj & Olesen 2014) look only at *useful* points: not missing, not excluded and
not on the centre line. A part shows non-random variation (``runs_signal``) when

- its longest run of useful points on one side of the centre line is longer than
  :math:`\mathrm{round}(\log_2 n) + 3`, or
- its number of crossings of the centre line is fewer than the 5th percentile of
  :math:`\mathrm{Binomial}(n - 1, 1/2)`,

where :math:`n` is the number of useful points.

References
----------
Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
detection of non-random variation in health care processes. PLoS ONE 9(11): e113825.
doi:10.1371/journal.pone.0113825
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
import numpy.typing as npt

__all__ = ["longest_run_max", "n_crossings_min", "RunsResult", "runs_analysis", "binom_quantile_half"]

#: Exact integer arithmetic for the binomial quantile up to this many trials; log-space above.
_EXACT_LIMIT = 2000


@lru_cache(maxsize=4096)
def binom_quantile_half(p: float, trials: int) -> int:
    """Smallest k with P(X <= k) >= p for X ~ Binomial(trials, 1/2) (R's ``qbinom``).

    Exact (integer arithmetic) up to 2,000 trials, accurate log-space sums above.

    Examples
    --------
    >>> from qitools.spc.rules import binom_quantile_half
    >>> binom_quantile_half(0.05, 9), binom_quantile_half(0.05, 99)
    (2, 41)
    """
    if trials < 0:
        raise ValueError("trials must be >= 0")
    if trials <= _EXACT_LIMIT:
        # P(X <= k) >= p  <=>  sum_{j<=k} C(trials, j) >= p * 2**trials; p is a float, so compare
        # with an exact rational: p = num / den.
        num, den = float(p).as_integer_ratio()
        target = num * (1 << trials)
        total = 0
        for k in range(trials + 1):
            total += comb(trials, k)
            if total * den >= target:
                return k
        return trials
    ks = np.arange(trials + 1, dtype=float)
    steps = np.cumsum(np.log(trials - ks[:-1]) - np.log(ks[1:]))  # log C(trials, k) by recursion
    logpmf = np.concatenate((np.zeros(1), steps)) - trials * np.log(2.0)
    cdf = np.cumsum(np.exp(logpmf))
    return int(np.searchsorted(cdf, p, side="left"))


def longest_run_max(n_useful: npt.ArrayLike) -> np.ndarray:
    """Upper limit for the longest run: ``round(log2(n)) + 3`` (NaN where n < 1).

    Examples
    --------
    >>> from qitools.spc.rules import longest_run_max
    >>> longest_run_max([10, 24, 100]).tolist()
    [6.0, 8.0, 10.0]
    """
    n = np.asarray(n_useful, dtype=float)
    out = np.full(n.shape, np.nan)
    ok = n >= 1
    with np.errstate(divide="ignore"):
        out[ok] = np.round(np.log2(n[ok])) + 3.0
    return out


def n_crossings_min(n_useful: npt.ArrayLike) -> np.ndarray:
    """Lower limit for the number of crossings: ``qbinom(0.05, n - 1, 0.5)`` (NaN where n < 1).

    Examples
    --------
    >>> from qitools.spc.rules import n_crossings_min
    >>> n_crossings_min([10, 24, 100]).tolist()
    [2.0, 8.0, 41.0]
    """
    n = np.asarray(n_useful, dtype=float)
    out = np.full(n.shape, np.nan)
    ok = n >= 1
    if np.any(ok):
        uniq, inverse = np.unique(n[ok].astype(np.int64), return_inverse=True)
        values = np.array([binom_quantile_half(0.05, int(k) - 1) for k in uniq], dtype=float)
        out[ok] = values[inverse]
    return out


@dataclass(frozen=True)
class RunsResult:
    """Per-group Anhøj runs analysis, plus which points sit in a too-long run."""

    n_useful: np.ndarray
    longest_run: np.ndarray
    longest_run_max: np.ndarray
    n_crossings: np.ndarray
    n_crossings_min: np.ndarray
    runs_signal: np.ndarray
    #: per point: the point is useful and belongs to a run longer than longest_run_max
    in_long_run: np.ndarray


def runs_analysis(group: np.ndarray, side: np.ndarray, n_groups: int) -> RunsResult:
    """Anhøj runs analysis for every group at once.

    Parameters
    ----------
    group : int array, shape (P,)
        Group code (0..n_groups-1) of each point; points of a group are contiguous and in
        time order.
    side : int array, shape (P,)
        +1 above the centre line, -1 below, 0 for points that are not useful (on the line,
        missing or excluded).
    n_groups : int
        Number of groups.

    Returns
    -------
    RunsResult
        Per-group ``n_useful``, ``longest_run``, ``longest_run_max``, ``n_crossings``,
        ``n_crossings_min``, ``runs_signal`` and per-point ``in_long_run``. Groups without
        useful points get zero counts, NaN limits and no signal.
    """
    useful_idx = np.flatnonzero(side != 0)
    gu = group[useful_idx]
    su = side[useful_idx]
    n_useful = np.bincount(gu, minlength=n_groups)
    longest = np.zeros(n_groups, dtype=np.int64)
    n_cross = np.zeros(n_groups, dtype=np.int64)
    in_long_run = np.zeros(group.shape[0], dtype=bool)
    lrm = longest_run_max(n_useful)
    ncm = n_crossings_min(n_useful)
    if gu.size:
        same_group = gu[1:] == gu[:-1]
        new_run = np.empty(gu.size, dtype=bool)
        new_run[0] = True
        new_run[1:] = ~same_group | (su[1:] != su[:-1])
        run_id = np.cumsum(new_run) - 1
        run_len = np.bincount(run_id)
        run_group = gu[new_run]
        # runs are ordered by group, so the longest run per group is a segmented maximum
        starts = np.flatnonzero(np.r_[True, run_group[1:] != run_group[:-1]])
        longest[run_group[starts]] = np.maximum.reduceat(run_len, starts)
        crossing = same_group & (su[1:] != su[:-1])
        n_cross = np.bincount(gu[1:][crossing], minlength=n_groups)
        too_long = run_len > lrm[run_group]
        in_long_run[useful_idx] = too_long[run_id]
    has = n_useful > 0
    signal = has & ((longest > np.where(has, lrm, np.inf)) | (n_cross < np.where(has, ncm, -np.inf)))
    return RunsResult(
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=lrm,
        n_crossings=n_cross,
        n_crossings_min=ncm,
        runs_signal=signal,
        in_long_run=in_long_run,
    )
