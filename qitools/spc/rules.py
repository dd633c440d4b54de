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
    useful = side != 0
    all_useful = bool(useful.all())
    useful_idx = None if all_useful else np.flatnonzero(useful)
    gu = group if useful_idx is None else group[useful_idx]
    su = side if useful_idx is None else side[useful_idx]
    n_useful = np.bincount(gu, minlength=n_groups)
    longest = np.zeros(n_groups, dtype=np.int64)
    n_cross = np.zeros(n_groups, dtype=np.int64)
    in_long_run = np.zeros(group.shape[0], dtype=bool)
    lrm = longest_run_max(n_useful)
    ncm = n_crossings_min(n_useful)
    if gu.size:
        same_group = gu[1:] == gu[:-1]
        side_change = su[1:] != su[:-1]
        new_run = np.empty(gu.size, dtype=bool)
        new_run[0] = True
        np.logical_or(~same_group, side_change, out=new_run[1:])
        run_start = np.flatnonzero(new_run)
        run_len = np.diff(np.r_[run_start, gu.size])
        run_group = gu[run_start]
        # runs are ordered by group, so the longest run per group is a segmented maximum
        starts = np.flatnonzero(np.r_[True, run_group[1:] != run_group[:-1]])
        longest[run_group[starts]] = np.maximum.reduceat(run_len, starts)
        crossing = same_group & side_change
        n_cross = np.bincount(gu[1:][crossing], minlength=n_groups)
        too_long = np.repeat(run_len > lrm[run_group], run_len)
        if useful_idx is None:
            in_long_run = too_long
        else:
            in_long_run[useful_idx] = too_long
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


# ---------------------------------------------------------------------------------------------
# primitives for point rules: every one works on the subsequence of considered points (missing and
# excluded points are skipped, so a run or a trend continues across a gap) and never lets a run
# continue from one group (facet x part) into the next.


def _subsequence(
    group: np.ndarray, considered: np.ndarray, new_group: np.ndarray | None = None
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The considered points' positions (None when every point is considered), their groups, and
    whether each starts a group (``new_group``, if given, is that for every point)."""
    if considered.all():
        if new_group is None:
            new_group = _starts_mask(group)
        return None, group, new_group
    idx = np.flatnonzero(considered)
    g = group[idx]
    return idx, g, _starts_mask(g)


def _starts_mask(g: np.ndarray) -> np.ndarray:
    new = np.ones(g.size, dtype=bool)
    if g.size > 1:
        np.not_equal(g[1:], g[:-1], out=new[1:])
    return new


def _take(values: np.ndarray, idx: np.ndarray | None) -> np.ndarray:
    return values if idx is None else values[idx]


def _scatter(n: int, idx: np.ndarray | None, flags: np.ndarray) -> np.ndarray:
    if idx is None:
        return flags
    out = np.zeros(n, dtype=bool)
    out[idx] = flags
    return out


def _long_runs(new: np.ndarray, k: int) -> np.ndarray:
    """Per point: whether the run it belongs to (a run starts where ``new`` is True) has >= k points."""
    starts = np.flatnonzero(new)
    lengths = np.diff(starts, append=new.size)
    return np.repeat(lengths >= k, lengths)


def flag_runs(
    group: np.ndarray, key: np.ndarray, considered: np.ndarray, k: int, new_group: np.ndarray | None = None
) -> np.ndarray:
    """Flag every point in a run of ``k`` or more consecutive considered points with the same
    non-zero ``key`` (e.g. +1 above / -1 below the centre line; 0 breaks a run). ``new_group``
    (optional, per point: the first point of its group) saves recomputing it."""
    idx, g, new = _subsequence(group, considered, new_group)
    if g.size == 0:
        return np.zeros(group.size, dtype=bool)
    kk = _take(key, idx)
    new = new.copy()
    new[1:] |= kk[1:] != kk[:-1]
    return _scatter(group.size, idx, (kk != 0) & _long_runs(new, k))


def flag_step_runs(
    group: np.ndarray,
    y: np.ndarray,
    considered: np.ndarray,
    k: int,
    skip_ties: bool = False,
    alternate: bool = False,
    new_group: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Flag trends: ``k`` or more consecutive considered points each higher (or each lower) than the
    one before, i.e. ``k - 1`` steps of the same sign; with ``alternate``, ``k`` points going up and
    down in turn. Returns the flags and the direction per point (+1 up, -1 down, 0 none).

    With ``skip_ties`` a value equal to the previous one neither makes nor breaks a trend (IHI);
    otherwise a tie breaks it.
    """
    idx, g, new_g = _subsequence(group, considered, new_group)
    flags = np.zeros(group.size, dtype=bool)
    direction = np.zeros(group.size, dtype=np.int8)
    if g.size < 2:
        return flags, direction
    v = _take(y, idx)
    tie_idx = tie_prev = tie_next = None
    if skip_ties:
        if idx is None:
            idx = np.arange(group.size)
        tie = np.zeros(idx.size, dtype=bool)
        tie[1:] = ~new_g[1:] & (v[1:] == v[:-1])
        keep = ~tie
        kept_before = np.cumsum(keep) - 1  # position (among kept points) of the last kept point so far
        tie_idx, tie_prev = idx[tie], kept_before[tie]
        tie_next = tie_prev + 1
        idx, g, v = idx[keep], g[keep], v[keep]
        new_g = _starts_mask(g)
        if idx.size < 2:
            return flags, direction
    # step j joins points j and j + 1 (of the subsequence): +1 up, -1 down, 0 tie or across groups
    step = (v[1:] > v[:-1]).view(np.int8) - (v[1:] < v[:-1]).view(np.int8)
    step[new_g[1:]] = 0
    flat = step == 0
    if alternate:
        key = step.copy()
        key[1::2] *= -1
    else:
        key = step
    new = np.ones(step.size, dtype=bool)
    if step.size > 1:
        new[1:] = key[1:] != key[:-1]
        new[1:] |= flat[1:]
        new[1:] |= flat[:-1]
    good = ~flat & _long_runs(new, k - 1)
    point_flag = np.zeros(g.size, dtype=bool)
    point_flag[:-1] = good
    point_flag[1:] |= good
    if idx is None:
        flags = point_flag
    else:
        flags[idx] = point_flag
    if not alternate:
        d = np.zeros(g.size, dtype=np.int8)
        d[:-1] = np.where(good, step, 0)
        d[1:] = np.where(good & (d[1:] == 0), step, d[1:])
        if idx is None:
            direction = d
        else:
            direction[idx] = d
    if tie_idx is not None and tie_prev is not None and tie_next is not None and tie_idx.size and idx is not None:
        # a tied point belongs to a trend when the step from the kept point before it to the kept
        # point after it is part of that trend
        inside = (tie_next < idx.size) & good[np.minimum(tie_prev, good.size - 1)]
        flags[tie_idx[inside]] = True
        direction[tie_idx[inside]] = direction[idx[tie_prev[inside]]]
    return flags, direction


def flag_k_of_m(
    group: np.ndarray,
    beyond: np.ndarray,
    considered: np.ndarray,
    k: int,
    m: int,
    every: np.ndarray | None = None,
    new_group: np.ndarray | None = None,
) -> np.ndarray:
    """Flag the ``beyond`` points inside any window of ``m`` consecutive considered points (of one
    group) that holds ``k`` or more of them. Windows are cut short at the start of a group, so the
    first ``k`` points of a part can already fire.

    With ``every`` (a per-point condition), a window qualifies only if it is a full window of ``m``
    points that all meet the condition (Making Data Count's 2-of-3 rule: all three points on the
    same side of the mean)."""
    idx, g, new = _subsequence(group, considered, new_group)
    n = g.size
    if n == 0:
        return np.zeros(group.size, dtype=bool)
    b = _take(beyond, idx).astype(np.int8)
    e = _take(every, idx).astype(np.int8) if every is not None else None
    # same[j - 1][i]: point i - j (of the subsequence) is in the same group as point i, i.e. inside
    # the window that ends at i: no group starts at i - j + 1 ... i
    same = []
    s_j = ~new
    for j in range(1, m):  # a loop over the window length (m <= 15), not over the data
        if j > 1:
            s_j = s_j.copy()
            s_j[j - 1 :] &= ~new[: n - j + 1]
            s_j[: j - 1] = False
        same.append(s_j)
    count = b.copy()
    count_every = e.copy() if e is not None else None
    for j in range(1, m):
        if n > j:
            count[j:] += b[:-j] * same[j - 1][j:]
            if count_every is not None and e is not None:
                count_every[j:] += e[:-j] * same[j - 1][j:]
    hit = count >= k
    if count_every is not None:
        hit &= same[m - 2] if m > 1 else True  # a full window of m points
        hit &= count_every == m
    # a point is covered when a qualifying window that contains it ends at it or up to m - 1 later
    covered = hit.copy()
    for j in range(1, m):
        if n > j:
            covered[:-j] |= hit[j:] & same[j - 1][j:]
    return _scatter(group.size, idx, covered & (b > 0))


# ---------------------------------------------------------------------------------------------
# the runs test of Perla, Provost & Murray (2011): too few or too many runs, from the exact
# distribution of the number of runs (Swed & Eisenhart 1943)


@lru_cache(maxsize=4096)
def runs_limits(n_above: int, n_below: int, alpha: float = 0.05) -> tuple[float, float]:
    """Smallest and largest number of runs that are not a signal, for ``n_above`` points above and
    ``n_below`` below the centre line (two-sided level ``alpha``: ``alpha / 2`` in each tail).

    A part has too few runs when its number of runs is below the first value, too many when it is
    above the second. From the exact distribution of the number of runs given both counts (Swed &
    Eisenhart 1943): with :math:`n_1, n_2` points on each side and :math:`k \\ge 1`,
    :math:`P(R = 2k) = 2\\binom{n_1-1}{k-1}\\binom{n_2-1}{k-1}/\\binom{n}{n_1}` and
    :math:`P(R = 2k+1) = [\\binom{n_1-1}{k-1}\\binom{n_2-1}{k} + \\binom{n_1-1}{k}\\binom{n_2-1}{k-1}]
    /\\binom{n}{n_1}`.

    Examples
    --------
    >>> from qitools.spc.rules import runs_limits
    >>> runs_limits(10, 10)
    (7.0, 15.0)
    """
    n1, n2 = int(n_above), int(n_below)
    if n1 < 1 or n2 < 1:
        return (np.nan, np.nan)
    n = n1 + n2
    counts = {}
    for r in range(2, n + 1):
        k = r // 2
        if r % 2 == 0:
            c = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            c = comb(n1 - 1, k - 1) * comb(n2 - 1, k) + comb(n1 - 1, k) * comb(n2 - 1, k - 1)
        if c:
            counts[r] = c
    total = comb(n, n1)
    num, den = (alpha / 2).as_integer_ratio()
    # lower: smallest r with P(R <= r) > alpha/2; upper: largest r with P(R >= r) > alpha/2 (exact)
    acc = 0
    lower = upper = np.nan
    for r in sorted(counts):
        acc += counts[r]
        if acc * den > num * total:
            lower = float(r)
            break
    acc = 0
    for r in sorted(counts, reverse=True):
        acc += counts[r]
        if acc * den > num * total:
            upper = float(r)
            break
    return (lower, upper)


def runs_test(group: np.ndarray, side: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: number of runs of useful points (``side`` != 0), and its lower and upper limits."""
    above = np.bincount(group[side > 0], minlength=n_groups)
    below = np.bincount(group[side < 0], minlength=n_groups)
    idx = np.flatnonzero(side != 0)
    g, s = group[idx], side[idx]
    new = np.ones(idx.size, dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (s[1:] != s[:-1])
    n_runs = np.bincount(g[new], minlength=n_groups).astype(float)
    pairs, inverse = np.unique(np.stack([above, below], axis=1), axis=0, return_inverse=True)
    limits = np.array([runs_limits(int(a), int(b)) for a, b in pairs], dtype=float).reshape(-1, 2)
    lo = limits[inverse.ravel(), 0]
    hi = limits[inverse.ravel(), 1]
    n_runs[(above + below) == 0] = np.nan
    return n_runs, lo, hi
