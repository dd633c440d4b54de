r"""Centre lines and control limits, one small function per chart type.

Each function takes a :class:`ChartInput` (flat arrays over every facet and part, sorted by
group, one row per subgroup) and returns a :class:`ChartLimits` (plotted statistic, centre line
and limits per point, before ``multiply``). Every computation is vectorised over all groups.

Only points with ``base`` set (in the baseline, not excluded, not missing) are used to estimate the
centre line and sigma; limits are then given to every point of the part.

Formulas (Montgomery, *Introduction to Statistical Quality Control*, 7th ed. (2013), chapters 6-7;
Provost & Murray, *The Health Care Data Guide* (2011), chapter 5):

- ``run``: centre line = median; no limits.
- ``i`` (individuals, XmR): :math:`\bar x \pm 3\,\overline{MR}/d_2(2)`. A moving range spans two
  consecutive periods of the baseline: one that touches a missing value is left out (as qicharts2,
  NHSRplotthedots and Minitab do); excluded points are skipped (the moving range joins the points
  either side of them, as in qicharts2). With screening, moving ranges above
  :math:`D_4(2)\,\overline{MR}` are dropped once before averaging (Nelson 1982). Under Making Data
  Count (:data:`MDC_CONSTANTS`) the published constants are used instead: limits
  :math:`\bar x \pm 2.66\,\overline{MR}`, moving ranges of :math:`3.267\,\overline{MR}` or more
  screened, MR chart upper limit :math:`3.267\,\overline{MR}`.
- ``mr``: centre :math:`\overline{MR}` (unscreened), upper limit :math:`D_4(2)\,\overline{MR}`,
  lower :math:`D_3(2)\,\overline{MR} = 0`.
- ``xbar``: centre :math:`\bar{\bar x} = \sum n_i\bar x_i/\sum n_i`; limits
  :math:`\bar{\bar x} \pm A_3(n_i)\,\bar s`, where :math:`\bar s` is the mean of the subgroup
  standard deviations when all subgroups have the same size, and otherwise the pooled
  :math:`\bar s = [\sum (n_i-1)s_i^2/(\sum n_i - m)]^{1/2}` (Montgomery eq. 6.31).
- ``s``: centre :math:`\bar s`, limits :math:`B_3(n_i)\bar s` and :math:`B_4(n_i)\bar s`.
- ``p``: :math:`\bar p = \sum y/\sum n`, :math:`\bar p \pm 3\sqrt{\bar p(1-\bar p)/n_i}`,
  clipped to [0, 1]. ``np``: :math:`n_i\bar p \pm 3\sqrt{n_i\bar p(1-\bar p)}`.
- ``c``: :math:`\bar c \pm 3\sqrt{\bar c}`. ``u``: :math:`\bar u \pm 3\sqrt{\bar u/n_i}`.
- ``pp`` / ``up`` (Laney 2002): the p (u) chart's limits widened by
  :math:`\sigma_z = \overline{MR}(z)/d_2(2)`, the moving-range sigma of the standardised values
  :math:`z_i = (y_i - \bar y)/\sigma_i`.
- ``g`` (Benneyan 2001): limits :math:`\bar g \pm 3\sqrt{\bar g(\bar g + 1)}` from the mean; the
  drawn centre line is the median (the distribution is skewed), as in qicharts2.
- ``t`` (Montgomery ex. 7.6): an individuals chart of :math:`y^{1/3.6}`, transformed back.

Lower limits of charts whose statistic cannot be negative (everything but ``i`` and ``xbar``) are
clipped at 0.

References
----------
Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531-537.
doi:10.1081/QEN-120003555
Nelson LS (1982). Control charts for individual measurements. Journal of Quality Technology
14(3): 172-173.
Benneyan JC (2001). Number-between g-type statistical quality control charts for monitoring
adverse events. Health Care Management Science 4: 305-318. doi:10.1023/A:1011846412909
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .constants import B3, B4, D3, D4, c4, d2
from .groups import seg_count, seg_max, seg_mean, seg_min, seg_sum

__all__ = [
    "ChartInput",
    "ChartLimits",
    "MRConstants",
    "EXACT_CONSTANTS",
    "MDC_CONSTANTS",
    "CHARTS",
    "CHART_ALIASES",
    "CHART_DESCRIPTIONS",
]

_D2_2 = float(d2(2))
_D3_2 = float(D3(2))
_D4_2 = float(D4(2))
_T_POWER = 3.6


@dataclass(frozen=True)
class MRConstants:
    """The constants of moving-range charts: exact by default, Making Data Count's under rules="mdc"."""

    sigma_per_mr: float  # sigma = this x average moving range
    screen_at: float  # moving ranges beyond this x their average are screened out
    screen_inclusive: bool  # True: a moving range equal to the threshold is screened out too
    mr_ucl: float  # MR chart: upper limit = this x average moving range


#: d2(2) = 2/sqrt(pi) and D4(2) = 1 + 3 d3(2)/d2(2) computed exactly; screening drops MR > D4 x MR-bar
EXACT_CONSTANTS = MRConstants(1.0 / _D2_2, _D4_2, False, _D4_2)
#: NHS Making Data Count: limits mean +/- 2.66 x MR-bar; MR >= 3.267 x MR-bar screened (as NHSRplotthedots)
MDC_CONSTANTS = MRConstants(2.66 / 3.0, 3.267, True, 3.267)


@dataclass(frozen=True)
class ChartInput:
    """One row per subgroup, sorted by group (facet x part) and x; arrays of length P."""

    group: np.ndarray  # int group code, contiguous blocks
    n_groups: int
    starts: np.ndarray  # index of each group's first point
    y: np.ndarray  # statistic per subgroup (proportion, rate, mean, value ...), before multiply
    n: np.ndarray  # denominator or subgroup size (NaN where not used)
    count: np.ndarray  # numerator sums for p/np/u/c charts (NaN otherwise)
    s: np.ndarray  # subgroup standard deviation (xbar, s charts; NaN otherwise)
    base: np.ndarray  # bool: used to estimate the centre line and sigma
    screen_mr: bool
    cl_fixed: np.ndarray  # per group, internal scale; NaN where the centre line is computed
    #: bool: the points moving ranges are taken over (baseline, not excluded; missing values kept, so
    #: that a moving range touching one is left out). None: every point.
    seq: np.ndarray | None = None
    #: the constants of moving-range charts (exact, or Making Data Count's)
    mr: MRConstants = EXACT_CONSTANTS

    @property
    def sizes(self) -> np.ndarray:
        """Number of points of each group."""
        return np.diff(np.r_[self.starts, self.y.shape[0]])

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """A per-group value repeated over the group's points."""
        return np.repeat(per_group, self.sizes)


@dataclass(frozen=True)
class ChartLimits:
    """Plotted statistic, centre line and limits per point (before multiply) and per-group facts."""

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    sigma: np.ndarray  # per group: the estimate of the process sigma (NaN where not defined)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # per-group extra summary columns


# ---------------------------------------------------------------------------------------------
# group helpers (all vectorised with bincount / lexsort)


def _gsum(ci: ChartInput, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return seg_sum(values, mask, ci.starts)


def _gcount(ci: ChartInput, mask: np.ndarray) -> np.ndarray:
    return seg_count(mask, ci.starts).astype(float)


def _gmean(ci: ChartInput, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return seg_mean(values, mask, ci.starts)


def group_median(group: np.ndarray, values: np.ndarray, mask: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of ``values[mask]`` per group (NaN for groups without values)."""
    idx = np.flatnonzero(mask)
    g = group[idx]
    v = values[idx]
    order = np.lexsort((v, g))
    v = v[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    out = np.full(n_groups, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = 0.5 * (v[lo] + v[hi])
    return out


def _moving_ranges(ci: ChartInput, values: np.ndarray, seq: np.ndarray | None = None) -> np.ndarray:
    """Per point, the moving range ending at it: ``|v_j - v_prev|`` with ``prev`` the previous point
    of the sequence ``seq`` (default ``ci.seq``) in the same group; NaN where there is none or where
    either value is missing (a moving range spans two consecutive periods only)."""
    seq = ci.seq if seq is None else seq
    size = values.shape[0]
    if seq is None or seq.all():
        mr = np.empty(size)
        if size:
            mr[0] = np.nan
            np.subtract(values[1:], values[:-1], out=mr[1:])
            np.abs(mr, out=mr)
            mr[ci.starts] = np.nan  # a group's first point has no moving range
        return mr
    idx = np.flatnonzero(seq)
    mr = np.full(size, np.nan)
    if idx.size > 1:
        v = values[idx]
        g = ci.group[idx]
        diff = np.abs(v[1:] - v[:-1])
        diff[g[1:] != g[:-1]] = np.nan
        mr[idx[1:]] = diff
    return mr


def _mr_bar(ci: ChartInput, values: np.ndarray) -> np.ndarray:
    """Average moving range per group (over ``ci.seq``), screened once if ``ci.screen_mr``."""
    mr = _moving_ranges(ci, values)
    ok = np.isfinite(mr)
    mr[~ok] = 0.0
    count = seg_count(ok, ci.starts).astype(float)
    total = np.add.reduceat(mr, ci.starts) if ci.starts.size else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mr_bar = total / count
        if ci.screen_mr and ci.starts.size:
            limit = ci.spread(ci.mr.screen_at * mr_bar)
            # inclusive (Making Data Count): "3.267 x MR-bar or more"; a series that never moves (MR-bar 0)
            # has nothing to screen, else every moving range of 0 would be dropped and no limits be left
            drop = ((mr >= limit) & (limit > 0)) if ci.mr.screen_inclusive else (mr > limit)
            drop &= ok
            if drop.any():
                total = total - np.add.reduceat(np.where(drop, mr, 0.0), ci.starts)
                count = count - seg_count(drop, ci.starts)
                mr_bar = total / count
    return mr_bar


def _mr_sigma(ci: ChartInput, values: np.ndarray) -> np.ndarray:
    """Sigma per group: average moving range / d2(2) (2.66/3 x average moving range under MDC)."""
    return _mr_bar(ci, values) * ci.mr.sigma_per_mr


def _centre(ci: ChartInput, computed: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(ci.cl_fixed), computed, ci.cl_fixed)


def _full(ci: ChartInput) -> np.ndarray:
    return np.full(ci.y.shape[0], np.nan)


def _clip_low(a: np.ndarray) -> np.ndarray:
    return np.where(a < 0, 0.0, a)


# ---------------------------------------------------------------------------------------------
# one function per chart type


def _run_limits(ci: ChartInput) -> ChartLimits:
    cl = _centre(ci, group_median(ci.group, ci.y, ci.base, ci.n_groups))
    return ChartLimits(ci.y, cl[ci.group], _full(ci), _full(ci), np.full(ci.n_groups, np.nan))


def _i_limits(ci: ChartInput) -> ChartLimits:
    cl = _centre(ci, _gmean(ci, ci.y, ci.base))
    sigma = _mr_sigma(ci, ci.y)
    c = ci.spread(cl)
    half = ci.spread(3.0 * sigma)
    return ChartLimits(ci.y, c, c - half, c + half, sigma)


def _mr_limits(ci: ChartInput) -> ChartLimits:
    # the plotted moving ranges: between consecutive periods of a part (missing next to a gap)
    y = _moving_ranges(ci, ci.y, np.ones(ci.y.shape[0], dtype=bool))
    mr = _moving_ranges(ci, ci.y)
    ok = np.isfinite(mr)
    cl = _centre(ci, seg_mean(mr, ok, ci.starts))
    c = ci.spread(cl)
    return ChartLimits(y, c, _D3_2 * c, ci.mr.mr_ucl * c, cl / _D2_2)


def _sbar(ci: ChartInput) -> np.ndarray:
    """Mean s when every used subgroup has the same size, else the pooled s (Montgomery 6.31)."""
    ok = ci.base & (ci.n >= 2) & np.isfinite(ci.s)
    count = _gcount(ci, ok)
    mean_s = _gmean(ci, ci.s, ok)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(_gsum(ci, (ci.n - 1) * ci.s**2, ok) / (_gsum(ci, ci.n, ok) - count))
    n_min = seg_min(ci.n, ok, ci.starts)
    n_max = seg_max(ci.n, ok, ci.starts)
    return np.where(n_min == n_max, mean_s, pooled)


def _n_factor(fn: Callable[[np.ndarray], np.ndarray], n: np.ndarray) -> np.ndarray:
    """A constant per point for subgroup sizes n (NaN where n < 2)."""
    out = np.full(n.shape, np.nan)
    ok = np.isfinite(n) & (n >= 2)
    if np.any(ok):
        out[ok] = fn(n[ok].astype(np.int64))
    return out


def _xbar_limits(ci: ChartInput) -> ChartLimits:
    ok = ci.base & np.isfinite(ci.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        cl = _centre(ci, _gsum(ci, ci.n * ci.y, ok) / _gsum(ci, ci.n, ok))
    sbar = _sbar(ci)
    c = cl[ci.group]
    half = 3.0 * sbar[ci.group] / (_n_factor(c4, ci.n) * np.sqrt(ci.n))
    # process sigma: sbar / c4(n) for the common (or average, rounded) subgroup size
    with np.errstate(invalid="ignore", divide="ignore"):
        n_avg = _gsum(ci, ci.n, ok) / _gcount(ci, ok)
    sigma = sbar / _n_factor(c4, np.round(n_avg))
    return ChartLimits(ci.y, c, c - half, c + half, sigma)


def _s_limits(ci: ChartInput) -> ChartLimits:
    sbar = _sbar(ci)
    cl = _centre(ci, sbar)
    c = cl[ci.group]
    y = np.where(ci.n >= 2, ci.s, np.nan)
    return ChartLimits(y, c, _n_factor(B3, ci.n) * c, _n_factor(B4, ci.n) * c, np.full(ci.n_groups, np.nan))


def _ratio_centre(ci: ChartInput) -> np.ndarray:
    ok = ci.base & np.isfinite(ci.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _centre(ci, _gsum(ci, ci.count, ok) / _gsum(ci, ci.n, ok))


def _p_limits(ci: ChartInput) -> ChartLimits:
    pbar = _ratio_centre(ci)
    c = pbar[ci.group]
    with np.errstate(invalid="ignore"):
        half = 3.0 * np.sqrt(c * (1.0 - c) / ci.n)
    return ChartLimits(ci.y, c, _clip_low(c - half), np.minimum(c + half, 1.0), np.full(ci.n_groups, np.nan))


def _np_limits(ci: ChartInput) -> ChartLimits:
    ok = ci.base & np.isfinite(ci.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        pbar = _gsum(ci, ci.count, ok) / _gsum(ci, ci.n, ok)
    p = pbar[ci.group]
    fixed = ci.cl_fixed[ci.group]
    c = np.where(np.isnan(fixed), ci.n * p, fixed)
    p = np.where(np.isnan(fixed), p, fixed / ci.n)
    with np.errstate(invalid="ignore"):
        half = 3.0 * np.sqrt(ci.n * p * (1.0 - p))
    return ChartLimits(ci.count, c, _clip_low(c - half), np.minimum(c + half, ci.n), np.full(ci.n_groups, np.nan))


def _c_limits(ci: ChartInput) -> ChartLimits:
    cl = _centre(ci, _gmean(ci, ci.count, ci.base))
    c = cl[ci.group]
    with np.errstate(invalid="ignore"):
        half = 3.0 * np.sqrt(c)
    return ChartLimits(ci.count, c, _clip_low(c - half), c + half, np.sqrt(cl))


def _u_limits(ci: ChartInput) -> ChartLimits:
    ubar = _ratio_centre(ci)
    c = ubar[ci.group]
    with np.errstate(invalid="ignore"):
        half = 3.0 * np.sqrt(c / ci.n)
    return ChartLimits(ci.y, c, _clip_low(c - half), c + half, np.full(ci.n_groups, np.nan))


def _laney(ci: ChartInput, binomial: bool) -> ChartLimits:
    centre = _ratio_centre(ci)
    c = centre[ci.group]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma_i = np.sqrt(c * (1.0 - c) / ci.n) if binomial else np.sqrt(c / ci.n)
        z = (ci.y - c) / sigma_i
    sigma_z = _mr_sigma(ci, z)
    half = 3.0 * sigma_i * sigma_z[ci.group]
    ucl = np.minimum(c + half, 1.0) if binomial else c + half
    return ChartLimits(ci.y, c, _clip_low(c - half), ucl, sigma_z, {"sigma_z": sigma_z})


def _pp_limits(ci: ChartInput) -> ChartLimits:
    return _laney(ci, binomial=True)


def _up_limits(ci: ChartInput) -> ChartLimits:
    return _laney(ci, binomial=False)


def _g_limits(ci: ChartInput) -> ChartLimits:
    mean = _gmean(ci, ci.y, ci.base)
    cl = _centre(ci, group_median(ci.group, ci.y, ci.base, ci.n_groups))
    sd = np.sqrt(mean * (mean + 1.0))
    m, s = mean[ci.group], sd[ci.group]
    return ChartLimits(ci.y, cl[ci.group], _clip_low(m - 3 * s), m + 3 * s, sd, {"mean": mean})


def _t_limits(ci: ChartInput) -> ChartLimits:
    with np.errstate(invalid="ignore"):
        yt = ci.y ** (1.0 / _T_POWER)
        fixed = ci.cl_fixed ** (1.0 / _T_POWER)
    cl_t = np.where(np.isnan(fixed), _gmean(ci, yt, ci.base), fixed)
    sigma_t = _mr_sigma(ci, yt)
    c, s = cl_t[ci.group], sigma_t[ci.group]
    lo = _clip_low(c - 3 * s) ** _T_POWER
    return ChartLimits(ci.y, c**_T_POWER, lo, (c + 3 * s) ** _T_POWER, sigma_t, {"sigma_transformed": sigma_t})


#: chart name -> limits function (the registry ``chart=`` is checked against)
CHARTS: dict[str, Callable[[ChartInput], ChartLimits]] = {
    "run": _run_limits,
    "i": _i_limits,
    "mr": _mr_limits,
    "xbar": _xbar_limits,
    "s": _s_limits,
    "p": _p_limits,
    "np": _np_limits,
    "pp": _pp_limits,
    "c": _c_limits,
    "u": _u_limits,
    "up": _up_limits,
    "g": _g_limits,
    "t": _t_limits,
}

CHART_ALIASES: dict[str, str] = {"xmr": "i", "p_prime": "pp", "u_prime": "up"}

#: plain-English description of each chart, used in reprs and error messages
CHART_DESCRIPTIONS: dict[str, str] = {
    "run": "run chart (median centre line)",
    "i": "I chart (individuals, XmR)",
    "mr": "MR chart (moving ranges)",
    "xbar": "Xbar chart (subgroup means)",
    "s": "S chart (subgroup standard deviations)",
    "p": "P chart (proportions)",
    "np": "NP chart (number of defectives)",
    "pp": "P' chart (Laney, proportions with over-dispersion)",
    "c": "C chart (counts)",
    "u": "U chart (rates)",
    "up": "U' chart (Laney, rates with over-dispersion)",
    "g": "G chart (opportunities between rare events)",
    "t": "T chart (time between rare events)",
}
