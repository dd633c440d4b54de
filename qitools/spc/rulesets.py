r"""The special-cause rule sets: which points each rule flags, one boolean column per rule.

Every rule is a vectorised function over all facets and parts at once (see the primitives in
:mod:`qitools.spc.rules`); a run, a trend or a window never continues from one part or facet into
the next, and missing or excluded points are skipped (a run continues across a gap).

Zones are measured in sigma units of the chart itself: :math:`\sigma_i = (UCL_i - CL_i)/3`, so
they follow limits that vary with n.

Rule sets
---------
``anhoej`` (Anhøj & Olesen 2014; qicharts2)
    ``sigma_signal``: a point strictly beyond a limit; ``long_run``: a point in a run on one side
    longer than round(log2(n)) + 3; and the part-level crossings test (``runs_signal``).
``ihi`` (Perla, Provost & Murray 2011)
    ``ihi_shift``: 6 or more consecutive points on one side of the centre line (points on the line
    are skipped: they neither add to nor break a shift); ``ihi_trend``: 5 or more consecutive points
    all going up or all going down (equal neighbours neither make nor break a trend);
    ``ihi_runs``: too few or too many runs in the part, from the exact distribution of the number of
    runs (Swed & Eisenhart 1943) at the 5% level; ``ihi_astronomical`` is a judgement with no
    numeric threshold, so on control charts the points beyond the limits (``sigma_signal``) stand in
    for it and on run charts it is left to the reader.
``western_electric`` (Western Electric 1956)
    ``we_1`` a point beyond 3 sigma; ``we_2`` 2 of 3 consecutive points beyond 2 sigma on the same
    side; ``we_3`` 4 of 5 beyond 1 sigma on the same side; ``we_4`` 8 in a row on one side.
``nelson`` (Nelson 1984)
    ``nelson_1`` beyond 3 sigma; ``nelson_2`` 9 in a row on one side; ``nelson_3`` 6 points in a row
    steadily increasing or decreasing; ``nelson_4`` 14 points alternating up and down; ``nelson_5``
    2 of 3 beyond 2 sigma (same side); ``nelson_6`` 4 of 5 beyond 1 sigma (same side); ``nelson_7``
    15 in a row within 1 sigma (either side); ``nelson_8`` 8 in a row beyond 1 sigma (either side).
``mdc`` (NHS England, Making Data Count; as NHSRplotthedots)
    ``mdc_outside`` a point beyond the limits; ``mdc_trend`` 7 points in a row increasing or
    decreasing; ``mdc_two_of_three`` 2 of 3 consecutive points beyond 2 sigma ("close to the limits")
    with all 3 on the same side of the mean, points beyond the limits not counting as close (as
    NHSRplotthedots does); ``mdc_shift`` 7 points in a row on one side of the mean
    (a point on the mean breaks the run). ``mdc_rule`` names the first that fired, in that order.

In the k-of-m rules the flagged points are those beyond the zone inside a qualifying window; in
runs and trends every point of the run is flagged. A point on the centre line breaks a run except
in the IHI shift rule. Ties break a trend except in the IHI trend rule.

References
----------
Perla RJ, Provost LP, Murray SK (2011). The run chart: a simple analytical tool for learning from
variation in healthcare processes. BMJ Qual Saf 20: 46-51. doi:10.1136/bmjqs.2009.037895

Swed FS, Eisenhart C (1943). Tables for testing randomness of grouping in a sequence of
alternatives. Ann Math Stat 14: 66-87.

Western Electric Company (1956). Statistical Quality Control Handbook. Indianapolis.

Nelson LS (1984). The Shewhart control chart: tests for special causes. J Qual Technol 16(4):
237-239.

NHS England and NHS Improvement (2019). Making Data Count: getting started.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .rules import flag_k_of_m, flag_runs, flag_step_runs, runs_test

__all__ = [
    "RuleSetResult",
    "apply_rules",
    "mdc_rule_label",
    "MDC_RULE_LABELS",
    "RULE_COLUMNS",
    "RULE_DESCRIPTIONS",
    "NEEDS_LIMITS",
]

#: rule set -> its per-point columns, in the order they are checked
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "anhoej": ("sigma_signal", "long_run"),
    "ihi": ("sigma_signal", "ihi_shift", "ihi_trend", "ihi_runs"),
    "western_electric": ("we_1", "we_2", "we_3", "we_4"),
    "nelson": tuple(f"nelson_{i}" for i in range(1, 9)),
    "mdc": ("mdc_outside", "mdc_trend", "mdc_two_of_three", "mdc_shift"),
}

#: rule column -> plain-English description (used in explanations and reprs)
RULE_DESCRIPTIONS: dict[str, str] = {
    "sigma_signal": "a point beyond a control limit",
    "long_run": "an unusually long run of points on one side of the centre line",
    "ihi_shift": "a shift: 6 or more points in a row on one side of the centre line",
    "ihi_trend": "a trend: 5 or more points in a row all going up or all going down",
    "ihi_runs": "too few or too many runs (crossings of the centre line)",
    "we_1": "a point beyond the 3-sigma limits",
    "we_2": "2 of 3 points in a row beyond 2 sigma on the same side",
    "we_3": "4 of 5 points in a row beyond 1 sigma on the same side",
    "we_4": "8 points in a row on one side of the centre line",
    "nelson_1": "a point beyond the 3-sigma limits",
    "nelson_2": "9 points in a row on one side of the centre line",
    "nelson_3": "6 points in a row steadily increasing or decreasing",
    "nelson_4": "14 points in a row alternating up and down",
    "nelson_5": "2 of 3 points in a row beyond 2 sigma on the same side",
    "nelson_6": "4 of 5 points in a row beyond 1 sigma on the same side",
    "nelson_7": "15 points in a row within 1 sigma of the centre line",
    "nelson_8": "8 points in a row more than 1 sigma from the centre line",
    "mdc_outside": "a point outside the process limits",
    "mdc_trend": "7 points in a row all increasing or all decreasing",
    "mdc_two_of_three": "2 of 3 points in a row close to a limit (beyond 2 sigma) on the same side",
    "mdc_shift": "7 points in a row on one side of the mean",
}

#: rule sets that need control limits (sigma zones); the others work on run charts too
NEEDS_LIMITS = {"western_electric", "nelson", "mdc"}

#: trend rules: their direction is that of the trend, not the side of the centre line
_TREND = {"ihi_trend", "nelson_3", "mdc_trend"}
_MDC_LABEL = {"mdc_outside": "outside", "mdc_trend": "trend", "mdc_two_of_three": "two_of_three", "mdc_shift": "shift"}
#: the values of ``mdc_rule``, in code order ("" where no rule fired)
MDC_RULE_LABELS = ("", "outside", "trend", "two_of_three", "shift")


@dataclass(frozen=True)
class RuleSetResult:
    """Per-point rule columns, whether any rule fired, and the direction of the first that did."""

    columns: dict[str, np.ndarray]
    special: np.ndarray
    high: np.ndarray  # direction of the special cause: True = high / increasing
    summary: dict[str, np.ndarray] = field(default_factory=dict)  # per-group extra summary columns


def _k_of_m_same_side(
    group: np.ndarray,
    z: np.ndarray,
    considered: np.ndarray,
    zone: float,
    k: int,
    m: int,
    mdc: bool = False,
    new_group: np.ndarray | None = None,
) -> np.ndarray:
    """k of m points beyond ``zone`` sigma on the same side. With ``mdc`` (Making Data Count, as
    NHSRplotthedots): points beyond the limits do not count as close, and a window qualifies only
    when all m points lie on the same side of the mean."""
    with np.errstate(invalid="ignore"):
        up = z > zone
        down = z < -zone
        if mdc:
            up &= z <= 3
            down &= z >= -3
    ng = new_group
    if mdc:
        return flag_k_of_m(group, up, considered, k, m, every=z > 0, new_group=ng) | flag_k_of_m(
            group, down, considered, k, m, every=z < 0, new_group=ng
        )
    return flag_k_of_m(group, up, considered, k, m, new_group=ng) | flag_k_of_m(
        group, down, considered, k, m, new_group=ng
    )


def apply_rules(
    rules: str,
    group: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    cl: np.ndarray,
    ucl: np.ndarray,
    considered: np.ndarray,
    side: np.ndarray,
    sigma_signal: np.ndarray,
    long_run: np.ndarray | None,
) -> RuleSetResult:
    """Apply one rule set to every facet and part at once.

    Parameters
    ----------
    rules : str
        One of ``"anhoej"``, ``"ihi"``, ``"western_electric"``, ``"nelson"``, ``"mdc"``.
    group : int array
        Group code (facet x part) per point, contiguous and in time order.
    n_groups : int
        Number of groups.
    y, cl, ucl : float arrays
        Plotted value, centre line and upper limit per point.
    considered : bool array
        Points the rules look at (not missing, not excluded).
    side : int array
        +1 above, -1 below the centre line, 0 on it (or not considered).
    sigma_signal, long_run : bool arrays
        The Anhøj results, reused where a rule set shares them (``long_run`` is only read by
        ``"anhoej"``; None for the others).

    Returns
    -------
    RuleSetResult
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        z = y - cl
        z /= (ucl - cl) / 3.0
    zero_width = ~np.isfinite(z)
    z[zero_width] = 0.0
    # the first point of each group, computed once for the rules below (when every point is considered)
    ng = None
    if considered.all():
        ng = np.ones(group.size, dtype=bool)
        if group.size > 1:
            np.not_equal(group[1:], group[:-1], out=ng[1:])
    cols: dict[str, np.ndarray] = {}
    summary: dict[str, np.ndarray] = {}
    trend_dir: dict[str, np.ndarray] = {}
    if rules == "anhoej":
        if long_run is None:  # pragma: no cover - the engine always passes it
            raise ValueError("the Anhøj rule set needs long_run")
        cols = {"sigma_signal": sigma_signal, "long_run": long_run}
    elif rules == "ihi":
        cols["sigma_signal"] = sigma_signal
        cols["ihi_shift"] = flag_runs(group, side, considered & (side != 0), 6)
        cols["ihi_trend"], trend_dir["ihi_trend"] = flag_step_runs(group, y, considered, 5, skip_ties=True)
        n_runs, lo, hi = runs_test(group, side, n_groups)
        bad = (n_runs < lo) | (n_runs > hi)
        cols["ihi_runs"] = bad[group] & considered
        summary = {"n_runs": n_runs, "n_runs_min": lo, "n_runs_max": hi, "ihi_runs": bad}
    elif rules == "western_electric":
        cols["we_1"] = sigma_signal
        cols["we_2"] = _k_of_m_same_side(group, z, considered, 2.0, 2, 3, new_group=ng)
        cols["we_3"] = _k_of_m_same_side(group, z, considered, 1.0, 4, 5, new_group=ng)
        cols["we_4"] = flag_runs(group, side, considered, 8, new_group=ng)
    elif rules == "nelson":
        cols["nelson_1"] = sigma_signal
        cols["nelson_2"] = flag_runs(group, side, considered, 9)
        cols["nelson_3"], trend_dir["nelson_3"] = flag_step_runs(group, y, considered, 6)
        cols["nelson_4"], _ = flag_step_runs(group, y, considered, 14, alternate=True)
        cols["nelson_5"] = _k_of_m_same_side(group, z, considered, 2.0, 2, 3)
        cols["nelson_6"] = _k_of_m_same_side(group, z, considered, 1.0, 4, 5)
        within = (np.abs(z) < 1.0) & ~zero_width
        cols["nelson_7"] = flag_runs(group, within.astype(np.int8), considered, 15)
        cols["nelson_8"] = flag_runs(group, (np.abs(z) > 1.0).astype(np.int8), considered, 8)
    elif rules == "mdc":
        cols["mdc_outside"] = sigma_signal
        cols["mdc_trend"], trend_dir["mdc_trend"] = flag_step_runs(group, y, considered, 7, new_group=ng)
        cols["mdc_two_of_three"] = _k_of_m_same_side(group, z, considered, 2.0, 2, 3, mdc=True, new_group=ng)
        cols["mdc_shift"] = flag_runs(group, side, considered, 7, new_group=ng)
    else:  # pragma: no cover - validated by the engine
        raise ValueError(rules)

    special = np.zeros(y.shape[0], dtype=bool)
    high = y > cl
    decided = np.zeros(y.shape[0], dtype=bool)
    for name in RULE_COLUMNS[rules]:
        flags = cols[name]
        new = flags & ~decided
        if name in trend_dir:
            high = np.where(new, trend_dir[name] > 0, high)
        decided |= flags
        special |= flags
    return RuleSetResult(cols, special, high, summary)


def mdc_rule_label(columns: dict[str, np.ndarray]) -> pd.Categorical:
    """The first Making Data Count rule that fired at each point ("" where none did), as a categorical
    with the categories :data:`MDC_RULE_LABELS`."""
    n = next(iter(columns.values())).shape[0]
    codes = np.zeros(n, dtype=np.int8)
    for name in reversed(RULE_COLUMNS["mdc"]):  # later rules first, so earlier ones overwrite them
        codes[columns[name]] = MDC_RULE_LABELS.index(_MDC_LABEL[name])
    return pd.Categorical.from_codes(codes, categories=list(MDC_RULE_LABELS))
