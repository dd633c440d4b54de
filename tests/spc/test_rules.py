"""Hand-built threshold tests for the special-cause rule sets (``rules=`` of control_chart).

Each rule gets a series that meets it exactly at its threshold (the rule fires, on exactly the
expected points) and a series one point short (it does not fire), plus edge cases: a point on
the centre line, ties in a trend, a missing value inside a run, two facets and two parts (a run
must not continue from one into the other).

Definitions (copied with their sources into tests/data/published/rules_expected.csv):

* Making Data Count, as implemented in NHSRplotthedots 0.2.2 (``rules="mdc"``; NHS England /
  NHS Improvement "Making Data Count"; NHS-R Community, R/ptd_spc_standard.R and
  R/ptd_calculate_point_type.R): process limits mean +/- 2.66 x average moving range; a point
  strictly beyond a limit (``mdc_outside``); 7 or more consecutive points all increasing or all
  decreasing (``mdc_trend``, every point of the trend flagged; a tie breaks it); 2 of 3
  consecutive points "close to the limits" (beyond 2/3 of the way from the mean to the limit,
  points beyond the limits not counted) on the same side (``mdc_two_of_three``, the close points
  flagged); 7 or more consecutive points on one side of the mean (``mdc_shift``; a point on the
  mean breaks the run). ``mdc_rule`` names the first rule that fired in the order outside,
  trend, two_of_three, shift ("" for none).
* Western Electric (1956) rules 1-4 (``we_1`` .. ``we_4``) and Nelson (1984) tests 1-8
  (``nelson_1`` .. ``nelson_8``), J Qual Technol 16(4):237-239, as worded in the qcc
  documentation: 1 beyond 3 sigma; WE 2 / Nelson 5: 2 of 3 beyond 2 sigma, same side; WE 3 /
  Nelson 6: 4 of 5 beyond 1 sigma, same side; WE 4: 8 in a row on one side; Nelson 2: 9 in a row
  on one side; Nelson 3: 6 points steadily increasing or decreasing; Nelson 4: 14 points
  alternating up and down; Nelson 7: 15 in a row within 1 sigma; Nelson 8: 8 in a row beyond
  1 sigma on either side. sigma per point = (ucl - cl) / 3; for k-of-m rules the flagged points
  are the points beyond the zone (same side) inside a qualifying window.
* IHI run-chart rules (Perla RJ, Provost LP, Murray SK. BMJ Qual Saf 2011;20:46-51):
  ``ihi_shift``, 6 or more consecutive points on one side of the median (points on the median
  neither add to nor break the run); ``ihi_trend``, 5 or more consecutive points all going up or
  all going down (like values neither make nor break a trend); ``ihi_runs``, too few or too many
  runs for the numbers of useful points below and above (Swed & Eisenhart 1943, Ann Math Stat
  14:66-87, 5% two-sided: 2.5% in each tail).

How the zones are made exact. Rules that only look at the order of the values or at their side
of the centre line (runs, trends, alternation) use integer data balanced around 10 (as many 9s
as 11s), so the mean and the median are exactly 10. Rules that look at sigma zones use a c chart
whose counts average exactly 100 (each series is followed by its mirror image 200 - y), so
sigma = sqrt(100) = 10 exactly and the zones are 90/110 (1 sigma), 80/120 (2 sigma) and 70/130
(3 sigma); the levels used are 100 (centre), 105/95 (within 1 sigma), 115/85 (beyond 1 sigma),
125/75 (beyond 2 sigma) and 131/69 (beyond 3 sigma). The Making Data Count limits are computed
in the test from their formula (``_mdc_limits``) and every designed point is checked against
them before qitools is asked (``_assert_mdc_zones``).

Point numbers in the expected lists are 1-based (x = 1..N), as in the books.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import comb
from typing import Any

import numpy as np
import pandas as pd
import pytest

import qitools as qi

# Short hand-built series trigger "too few points" warnings for the Anhøj runs analysis and
# for trial limits; they are not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")

MDC_COLUMNS = ["mdc_outside", "mdc_trend", "mdc_two_of_three", "mdc_shift"]
WE_COLUMNS = [f"we_{i}" for i in range(1, 5)]
NELSON_COLUMNS = [f"nelson_{i}" for i in range(1, 9)]
IHI_COLUMNS = ["ihi_shift", "ihi_trend", "ihi_runs"]
RULE_COLUMNS = {"mdc": MDC_COLUMNS, "western_electric": WE_COLUMNS, "nelson": NELSON_COLUMNS, "ihi": IHI_COLUMNS}

#: the flagged-point labels of mdc_rule, in their order of precedence
MDC_ORDER = ["outside", "trend", "two_of_three", "shift"]

NAN = float("nan")


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _cc(data: pd.DataFrame | None = None, **kwargs: Any):
    """Call qi.control_chart; turn "not implemented yet" errors into a clear test failure."""
    if data is None and "y" in kwargs and not isinstance(kwargs["y"], str):
        kwargs["y"] = [float(v) for v in kwargs["y"]]
    try:
        return qi.control_chart(data, **kwargs)
    except (qi.QIToolsError, TypeError) as exc:  # e.g. "rules='mdc' is not available ... yet"
        shown = {k: v for k, v in kwargs.items() if k != "y"}
        pytest.fail(f"qi.control_chart(..., {shown}) raised {type(exc).__name__}: {exc}\n"
                    f"(rule set or argument not implemented yet?)")


def _column(cc, column: str) -> pd.Series:
    if column not in cc.data.columns:
        pytest.fail(f"cc.data has no column {column!r}; "
                    f"columns are {list(cc.data.columns)}")
    return cc.data[column]


def _flagged(cc, column: str, facet: str | None = None, value: Any = None) -> list[int]:
    """The x values (1-based point numbers) where ``column`` is True, optionally in one facet."""
    d = cc.data
    col = _column(cc, column)
    mask = col.map(lambda v: v is True or v is np.True_ or (isinstance(v, (bool, np.bool_)) and bool(v)))
    if facet is not None:
        mask &= d[facet].astype(str) == str(value)
    return sorted(int(x) for x in d.loc[mask, "x"])


def _summary_row(cc, **where) -> pd.Series:
    s = cc.summary
    mask = pd.Series(True, index=s.index)
    for k, v in where.items():
        mask &= s[k].astype(str) == str(v)
    assert mask.sum() == 1, f"expected one summary row for {where}, got {mask.sum()}:\n{s}"
    return s[mask].iloc[0]


def pts(a: int, b: int) -> list[int]:
    """Points a..b inclusive."""
    return list(range(a, b + 1))


def _mdc_limits(y, screen: bool = False) -> tuple[float, float, float, float]:
    """Mean, average moving range, lower and upper process limits by the MDC formula.

    mean +/- 2.66 x AMR; with ``screen``, moving ranges above 3.267 x AMR are dropped once
    and AMR recomputed (NHSRplotthedots screen_outliers = TRUE). Missing values are skipped:
    a moving range next to a missing value is missing.
    """
    y = np.asarray(y, dtype=float)
    mean = float(np.nanmean(y))
    mr = np.abs(np.diff(y))
    amr = float(np.nanmean(mr))
    if screen:
        amr = float(np.nanmean(np.where(mr <= 3.267 * amr, mr, np.nan)))
    return mean, amr, mean - 2.66 * amr, mean + 2.66 * amr


def _mdc_zone_string(y, screen: bool = False) -> str:
    """One character per point: O/o beyond the upper/lower limit, C/c close to the upper/lower
    limit (beyond 2/3 of the way from the mean), +/- otherwise above/below the mean, 0 on it."""
    mean, amr, _, _ = _mdc_limits(y, screen)
    half = 2.66 * amr
    out = []
    for v in np.asarray(y, dtype=float):
        d = v - mean
        if np.isnan(v):
            out.append("n")
        elif d > half:
            out.append("O")
        elif d < -half:
            out.append("o")
        elif d > half * 2 / 3:
            out.append("C")
        elif d < -half * 2 / 3:
            out.append("c")
        else:
            out.append("+" if d > 0 else "-" if d < 0 else "0")
    return "".join(out)


def _assert_mdc_zones(y, expected: str, screen: bool = False) -> None:
    """Guard on the test data itself: the designed points sit in the intended MDC zones."""
    got = _mdc_zone_string(y, screen)
    assert got == expected, f"test data: MDC zones {got!r}, designed {expected!r}"


def _sym(y: list[int], gap: int = 5) -> list[int]:
    """A c-chart series followed by ``gap`` points on the centre line and its mirror image
    200 - y: the mean is exactly 100, so sigma = sqrt(100) = 10 exactly."""
    return list(y) + [100] * gap + [200 - v for v in y]


def _sym_points(points: list[int], y: list[int], gap: int = 5) -> list[int]:
    """Expected points of a ``_sym`` series: the points and their mirror images."""
    return sorted(points + [p + len(y) + gap for p in points])


def _assert_c_mean_100(y) -> None:
    assert sum(y) == 100 * len(y), "test data: a c-chart series must average exactly 100"


def _balanced(y) -> None:
    vals = [v for v in y if not (isinstance(v, float) and np.isnan(v))]
    assert sum(v - 10 for v in vals) == 0, "test data: the series must average exactly 10"


def runs_limits(n_below: int, n_above: int, alpha: Fraction = Fraction(5, 100)) -> tuple[int, int]:
    """(n_runs_min, n_runs_max) from the exact Swed-Eisenhart distribution of the number of runs.

    P(R = 2k) = 2 C(n1-1, k-1) C(n2-1, k-1) / C(n, n1) and
    P(R = 2k+1) = [C(n1-1, k) C(n2-1, k-1) + C(n1-1, k-1) C(n2-1, k)] / C(n, n1).
    Too few runs when P(R <= r) <= alpha/2, too many when P(R >= r) <= alpha/2; the limits are
    the smallest and largest numbers of runs that are neither (a part signals when n_runs <
    n_runs_min or n_runs > n_runs_max). Exact rational arithmetic.
    """
    n1, n2 = n_below, n_above
    total = comb(n1 + n2, n1)
    pmf = {}
    for r in range(2, n1 + n2 + 1):
        if r % 2 == 0:
            k = r // 2
            c = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            k = (r - 1) // 2
            c = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        pmf[r] = Fraction(c, total)
    tail = alpha / 2
    lo = min(pmf)
    cdf = Fraction(0)
    for r in sorted(pmf):
        cdf += pmf[r]
        if cdf <= tail:
            lo = r + 1
    hi = max(pmf)
    sf = Fraction(0)
    for r in sorted(pmf, reverse=True):
        sf += pmf[r]
        if sf <= tail:
            hi = r - 1
    return lo, hi


def _runs_series(n_below: int, n_above: int, n_runs: int) -> list[int]:
    """9s (below) and 11s (above) arranged in exactly ``n_runs`` runs, starting below."""
    nb_low, nb_high = (n_runs + 1) // 2, n_runs // 2
    assert 1 <= nb_low <= n_below and nb_high <= n_above and (nb_high >= 1 or n_above == 0)
    low = [n_below // nb_low + (1 if i < n_below % nb_low else 0) for i in range(nb_low)]
    high = [n_above // nb_high + (1 if i < n_above % nb_high else 0) for i in range(nb_high)] if nb_high else []
    y: list[int] = []
    for i in range(n_runs):
        y += [9] * low[i // 2] if i % 2 == 0 else [11] * high[i // 2]
    return y


# ----------------------------------------------------------------------------------------------
# threshold cases: (rule at its threshold -> exactly these points; one point short -> none)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCase:
    id: str
    rules: str
    column: str
    y: list
    expected: list[int]
    chart: str = "i"
    kwargs: dict = field(default_factory=dict)
    doc: str = ""


BASE = [10, 12] * 8  # 16 points, mean 11, moving ranges 2


def _mirror22(y):
    return [22 - v for v in y]


# Western Electric / Nelson zone series on a c chart (mean exactly 100, sigma 10)
WE1_AT = [100, 100, 100, 131, 100, 100]              # 131 beyond 3 sigma
WE1_SHORT = [100, 100, 100, 130, 100, 100]           # 130 exactly on the UCL: not beyond
WE2_AT = [100, 100, 125, 105, 125, 100, 100]         # 2 of 3 beyond 2 sigma (above)
WE2_SHORT = [100, 100, 125, 105, 105, 125, 100, 100]  # 2 beyond 2 sigma, never within 3 points
WE3_AT = [100, 115, 115, 105, 115, 115, 100]         # 4 of 5 beyond 1 sigma (above)
WE3_SHORT = [100, 115, 115, 105, 105, 115, 115, 100]  # at most 3 of any 5
N7_AT = [115, 85] + [103, 97] * 7 + [100] + [85, 115]   # 15 within 1 sigma (the 100 is on the CL)
N7_SHORT = [115, 85] + [103, 97] * 7 + [85, 115]        # 14 within 1 sigma
N8_AT = [100, 115, 85, 115, 85, 115, 85, 115, 85, 100]  # 8 beyond 1 sigma, alternating sides
N8_SHORT = [100, 115, 85, 115, 85, 115, 85, 115, 100, 85]  # 7 in a row

# order-only series (any chart; i chart used)
N4_AT = [90, 95, 100, 104, 99, 105, 98, 104, 99, 103, 98, 104, 97, 103, 99, 102, 104]  # p3..p16 alternate
N4_SHORT = [90, 95, 100, 104, 99, 105, 98, 104, 99, 103, 98, 104, 97, 103, 99, 97]  # p3..p15 (13)

THRESHOLD_CASES = [
    # ---- Making Data Count (i chart) -------------------------------------------------------
    RuleCase("mdc_shift_above_7", "mdc", "mdc_shift", [9, 9, 9, 11, 11, 11, 11, 11, 11, 11, 9, 9, 9, 9], pts(4, 10),
             doc="7 points above the mean (10): flagged, all 7"),
    RuleCase("mdc_shift_above_6", "mdc", "mdc_shift", [9, 9, 9, 9, 11, 11, 11, 11, 11, 11, 9, 9, 9, 11], [],
             doc="6 points above: not a shift"),
    RuleCase("mdc_shift_below_7", "mdc", "mdc_shift", [11, 11, 11, 9, 9, 9, 9, 9, 9, 9, 11, 11, 11, 11], pts(4, 10)),
    RuleCase("mdc_shift_below_6", "mdc", "mdc_shift", [11, 11, 11, 11, 9, 9, 9, 9, 9, 9, 11, 11, 11, 9], []),
    RuleCase("mdc_trend_up_7", "mdc", "mdc_trend", [4, 1, 2, 3, 4, 5, 6, 7, 2], pts(2, 8),
             doc="7 increasing points (6 increases): flagged, all 7"),
    RuleCase("mdc_trend_up_6", "mdc", "mdc_trend", [4, 1, 2, 3, 4, 5, 6, 2], []),
    RuleCase("mdc_trend_down_7", "mdc", "mdc_trend", [4, 7, 6, 5, 4, 3, 2, 1, 6], pts(2, 8)),
    RuleCase("mdc_trend_down_6", "mdc", "mdc_trend", [4, 7, 6, 5, 4, 3, 2, 6], []),
    RuleCase("mdc_outside_above", "mdc", "mdc_outside", BASE + [19, 10, 12, 10], [17], kwargs={"screen_mr": False},
             doc="19 beyond the upper process limit (18.35)"),
    RuleCase("mdc_outside_just_inside", "mdc", "mdc_outside", BASE + [18, 10, 12, 10], [], kwargs={"screen_mr": False},
             doc="18 just inside the upper process limit (18.02)"),
    RuleCase("mdc_outside_below", "mdc", "mdc_outside", _mirror22(BASE + [19, 10, 12, 10]), [17],
             kwargs={"screen_mr": False}),
    RuleCase("mdc_outside_below_just_inside", "mdc", "mdc_outside", _mirror22(BASE + [18, 10, 12, 10]), [],
             kwargs={"screen_mr": False}),
    RuleCase("mdc_two_of_three_above", "mdc", "mdc_two_of_three", BASE + [17, 12, 17, 10, 12, 10], [17, 19],
             kwargs={"screen_mr": False}, doc="close, above, close: the two close points flagged"),
    RuleCase("mdc_two_of_three_above_short", "mdc", "mdc_two_of_three", BASE + [17, 12, 12, 17, 10, 12, 10], [],
             kwargs={"screen_mr": False}, doc="two close points 3 apart: never 2 in 3"),
    RuleCase("mdc_two_of_three_below", "mdc", "mdc_two_of_three", _mirror22(BASE + [17, 12, 17, 10, 12, 10]),
             [17, 19], kwargs={"screen_mr": False}),
    RuleCase("mdc_two_of_three_below_short", "mdc", "mdc_two_of_three",
             _mirror22(BASE + [17, 12, 12, 17, 10, 12, 10]), [], kwargs={"screen_mr": False}),
    # ---- Western Electric -------------------------------------------------------------------
    RuleCase("we_1_beyond_3sigma", "western_electric", "we_1", _sym(WE1_AT), _sym_points([4], WE1_AT), chart="c"),
    RuleCase("we_1_on_limit", "western_electric", "we_1", _sym(WE1_SHORT), [], chart="c"),
    RuleCase("we_2_two_of_three", "western_electric", "we_2", _sym(WE2_AT), _sym_points([3, 5], WE2_AT), chart="c"),
    RuleCase("we_2_short", "western_electric", "we_2", _sym(WE2_SHORT), [], chart="c"),
    RuleCase("we_3_four_of_five", "western_electric", "we_3", _sym(WE3_AT), _sym_points([2, 3, 5, 6], WE3_AT),
             chart="c"),
    RuleCase("we_3_short", "western_electric", "we_3", _sym(WE3_SHORT), [], chart="c"),
    RuleCase("we_4_eight", "western_electric", "we_4", [9, 9, 9] + [11] * 8 + [9] * 5, pts(4, 11)),
    RuleCase("we_4_seven", "western_electric", "we_4", [9, 9, 9, 9] + [11] * 7 + [9, 9, 9, 9, 11], []),
    # ---- Nelson -----------------------------------------------------------------------------
    RuleCase("nelson_1_beyond_3sigma", "nelson", "nelson_1", _sym(WE1_AT), _sym_points([4], WE1_AT), chart="c"),
    RuleCase("nelson_1_on_limit", "nelson", "nelson_1", _sym(WE1_SHORT), [], chart="c"),
    RuleCase("nelson_2_nine", "nelson", "nelson_2", [9, 9, 9] + [11] * 9 + [9] * 6, pts(4, 12)),
    RuleCase("nelson_2_eight", "nelson", "nelson_2", [9, 9, 9, 9] + [11] * 8 + [9, 9, 9, 9], []),
    RuleCase("nelson_3_six_up", "nelson", "nelson_3", [103, 96, 98, 100, 102, 104, 106, 97], pts(2, 7),
             doc="6 points = 5 increases"),
    RuleCase("nelson_3_five_up", "nelson", "nelson_3", [103, 96, 98, 100, 102, 104, 97], []),
    RuleCase("nelson_3_six_down", "nelson", "nelson_3", [97, 104, 102, 100, 98, 96, 94, 103], pts(2, 7)),
    RuleCase("nelson_3_five_down", "nelson", "nelson_3", [97, 104, 102, 100, 98, 96, 103], []),
    RuleCase("nelson_4_fourteen", "nelson", "nelson_4", N4_AT, pts(3, 16),
             doc="points 3-16 alternate up and down (13 sign changes); 2->3 and 16->17 do not"),
    RuleCase("nelson_4_thirteen", "nelson", "nelson_4", N4_SHORT, []),
    RuleCase("nelson_5_two_of_three", "nelson", "nelson_5", _sym(WE2_AT), _sym_points([3, 5], WE2_AT), chart="c"),
    RuleCase("nelson_5_short", "nelson", "nelson_5", _sym(WE2_SHORT), [], chart="c"),
    RuleCase("nelson_6_four_of_five", "nelson", "nelson_6", _sym(WE3_AT), _sym_points([2, 3, 5, 6], WE3_AT),
             chart="c"),
    RuleCase("nelson_6_short", "nelson", "nelson_6", _sym(WE3_SHORT), [], chart="c"),
    RuleCase("nelson_7_fifteen", "nelson", "nelson_7", _sym(N7_AT, gap=0), _sym_points(pts(3, 17), N7_AT, gap=0),
             chart="c", doc="15 within 1 sigma (a point on the centre line counts as within)"),
    RuleCase("nelson_7_fourteen", "nelson", "nelson_7", _sym(N7_SHORT, gap=0), [], chart="c"),
    RuleCase("nelson_8_eight", "nelson", "nelson_8", _sym(N8_AT), _sym_points(pts(2, 9), N8_AT), chart="c"),
    RuleCase("nelson_8_seven", "nelson", "nelson_8", _sym(N8_SHORT), [], chart="c"),
    # ---- IHI (run chart, median 10) ---------------------------------------------------------
    RuleCase("ihi_shift_six", "ihi", "ihi_shift", [9, 9, 9, 11, 11, 11, 11, 11, 11, 9, 9, 9], pts(4, 9), chart="run"),
    RuleCase("ihi_shift_five", "ihi", "ihi_shift", [9, 9, 9, 11, 11, 11, 11, 11, 9, 9, 11, 9], [], chart="run"),
    RuleCase("ihi_shift_six_below", "ihi", "ihi_shift", [11, 11, 11, 9, 9, 9, 9, 9, 9, 11, 11, 11], pts(4, 9),
             chart="run"),
    RuleCase("ihi_trend_five_up", "ihi", "ihi_trend", [12, 8, 9, 10, 11, 12, 9], pts(2, 6), chart="run",
             doc="5 points going up (4 increases)"),
    RuleCase("ihi_trend_four_up", "ihi", "ihi_trend", [12, 8, 9, 10, 11, 9], [], chart="run"),
    RuleCase("ihi_trend_five_down", "ihi", "ihi_trend", [8, 12, 11, 10, 9, 8, 11], pts(2, 6), chart="run"),
    RuleCase("ihi_trend_four_down", "ihi", "ihi_trend", [8, 12, 11, 10, 9, 11], [], chart="run"),
]


def _case_id(c: RuleCase) -> str:
    return c.id


def test_threshold_case_data_is_as_designed():
    """Guards on the test data: the designed zones hold (computed from the formulas, not qitools)."""
    for c in THRESHOLD_CASES:
        if c.chart == "c":
            _assert_c_mean_100(c.y)
            z = (np.asarray(c.y, float) - 100.0) / 10.0
            assert not np.any(np.isin(np.abs(z), [1.0, 2.0])), f"{c.id}: a point on a zone boundary"
        elif c.column.startswith(("mdc_shift", "we_4", "nelson_2", "ihi_shift")):
            _balanced(c.y)
    _assert_mdc_zones(BASE + [19, 10, 12, 10], "-+-+-+-+-+-+-+-+O-+-")
    _assert_mdc_zones(BASE + [18, 10, 12, 10], "-+-+-+-+-+-+-+-+C-+-")
    _assert_mdc_zones(_mirror22(BASE + [19, 10, 12, 10]), "+-+-+-+-+-+-+-+-o+-+")
    _assert_mdc_zones(_mirror22(BASE + [18, 10, 12, 10]), "+-+-+-+-+-+-+-+-c+-+")
    _assert_mdc_zones(BASE + [17, 12, 17, 10, 12, 10], "-+-+-+-+-+-+-+-+C+C-+-")
    _assert_mdc_zones(BASE + [17, 12, 12, 17, 10, 12, 10], "-+-+-+-+-+-+-+-+C++C-+-")
    _assert_mdc_zones(_mirror22(BASE + [17, 12, 17, 10, 12, 10]), "+-+-+-+-+-+-+-+-c-c+-+")
    # the "just inside" point is within 0.2% of the limit, but not on it
    ucl = _mdc_limits(BASE + [18, 10, 12, 10])[3]
    assert 18 < ucl < 18.1, ucl


@pytest.mark.parametrize("case", THRESHOLD_CASES, ids=_case_id)
def test_rule_threshold(case: RuleCase):
    """Each rule at its threshold flags exactly the expected points; one point short, none.

    Sources: the rule definitions in the module docstring (Making Data Count as in
    NHSRplotthedots 0.2.2; Western Electric 1956; Nelson 1984; Perla, Provost & Murray 2011).
    """
    cc = _cc(y=case.y, chart=case.chart, rules=case.rules, **case.kwargs)
    got = _flagged(cc, case.column)
    assert got == case.expected, (
        f"{case.id} ({case.doc or case.column}): {case.column} flags points {got}, expected {case.expected}; "
        f"y = {case.y}"
    )


# ----------------------------------------------------------------------------------------------
# columns
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rules", list(RULE_COLUMNS))
def test_rule_columns_present_and_boolean(rules):
    """Each rule set adds one boolean column per rule and keeps sigma_signal, runs_signal, long_run.

    Making Data Count has its own run rules: the Anhøj runs analysis is not done, so runs_signal is
    missing (NA) in data and summary, the Anhøj statistics are NaN and there is no long_run column.
    """
    chart = "run" if rules == "ihi" else "i"
    y = [9, 9, 9, 11, 11, 11, 11, 11, 11, 11, 9, 9, 9, 9]
    cc = _cc(y=y, chart=chart, rules=rules)
    anhoej = ["runs_signal", "long_run"] if rules != "mdc" else []
    for col in list(RULE_COLUMNS[rules]) + ["sigma_signal"] + anhoej:
        s = _column(cc, col)
        assert s.map(lambda v: isinstance(v, (bool, np.bool_))).all(), f"rules={rules!r}: {col} is not boolean: {s.tolist()}"
    if rules == "mdc":
        assert set(_column(cc, "mdc_rule")) <= {""} | set(MDC_ORDER)
        assert cc.data["runs_signal"].isna().all() and "long_run" not in cc.data.columns
        assert cc.summary["runs_signal"].isna().all()
        for col in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"):
            assert cc.summary[col].isna().all(), col
        assert "Anhøj" not in cc.conventions["runs analysis"].split(":")[0]
        assert cc.conventions["runs analysis"].startswith("not done")
    if rules == "ihi":
        for col in ("n_runs", "n_runs_min", "n_runs_max"):
            assert col in cc.summary.columns, f"rules='ihi': cc.summary has no column {col!r}"


# ----------------------------------------------------------------------------------------------
# Making Data Count: edge cases, labels, point types
# ----------------------------------------------------------------------------------------------


class TestMakingDataCountConstants:
    """Under rules="mdc" the published Making Data Count constants are used throughout: limits
    mean +/- 2.66 x MR-bar, moving ranges of 3.267 x MR-bar or more screened out once (NHS England,
    Making Data Count: "Strengthening your decisions", the XmR process limits; NHSRplotthedots 0.2.2
    ptd_spc: ``2.66 * amr`` and ``mr >= 3.267 * amr`` screened); the exact constants (3/d2(2) =
    2.6587, D4(2) = 3.26653) under every other rule set."""

    # ten moving ranges of 1, then one of size M with M / MR-bar = 3.2668: between D4(2) = 3.26653
    # and 3.267, so the two screening thresholds disagree about it (1 in about 3,000 random series)
    M = 10 * 3.2668 / (11 - 3.2668)
    Y = [0.0, 1.0] * 5 + [0.0, M]

    def test_screening_threshold_is_3_267(self):
        """MR-bar = (10 + M)/11 = M/3.2668; MDC keeps M (< 3.267 MR-bar), the exact D4 drops it."""
        mean = sum(self.Y) / len(self.Y)
        mr_bar_all = (10 + self.M) / 11
        assert 3.26653 < self.M / mr_bar_all < 3.267
        mdc = _cc(y=self.Y, chart="i", rules="mdc")
        np.testing.assert_allclose(mdc.summary["ucl"], mean + 2.66 * mr_bar_all, rtol=1e-12)
        np.testing.assert_allclose(mdc.summary["lcl"], mean - 2.66 * mr_bar_all, rtol=1e-12)
        exact = _cc(y=self.Y, chart="i", rules="anhoej")
        d2 = 2 / np.sqrt(np.pi)
        np.testing.assert_allclose(exact.summary["ucl"], mean + 3 * 1.0 / d2, rtol=1e-12)  # M screened: MR-bar 1

    def test_moving_range_equal_to_3_267_mr_bar_is_screened(self):
        """NHSRplotthedots drops moving ranges >= 3.267 x MR-bar: at exactly 3.267 x it is dropped."""
        m = 10 * 3.267 / (11 - 3.267)
        y = [0.0, 1.0] * 5 + [0.0, m]
        mean = sum(y) / len(y)
        cc = _cc(y=y, chart="i", rules="mdc")
        np.testing.assert_allclose(cc.summary["ucl"], mean + 2.66 * 1.0, rtol=1e-9)

    def test_mr_chart_upper_limit_is_3_267_mr_bar(self):
        y = [3.0, 5, 4, 6, 5, 7, 4, 6, 5, 4, 6, 5]
        mrs = np.abs(np.diff(y))
        cc = _cc(y=y, chart="mr", rules="mdc")
        np.testing.assert_allclose(cc.summary["ucl"], 3.267 * mrs.mean(), rtol=1e-12)
        exact = _cc(y=y, chart="mr")
        np.testing.assert_allclose(exact.summary["ucl"], 3.26653 * mrs.mean(), rtol=1e-5)

    def test_conventions_state_the_mdc_constants(self):
        cc = _cc(y=self.Y, chart="i", rules="mdc")
        conv = cc.conventions
        assert "2.66" in conv["sigma"] and "2.6587" not in conv["sigma"]
        assert "3.267" in conv["moving ranges"] and "3.2665" not in conv["moving ranges"]
        assert "missing value is left out" in conv["moving ranges"]
        assert conv["runs analysis"].startswith("not done")
        assert "Anhøj" not in conv["runs analysis"]
        unscreened = _cc(y=self.Y, chart="i", rules="mdc", screen_mr=False).conventions
        assert unscreened["moving ranges"].startswith("not screened")
        exact = _cc(y=self.Y, chart="i").conventions
        assert "2.6587" in exact["sigma"] and "3.2665" in exact["moving ranges"]
        assert exact["runs analysis"].startswith("Anhøj")


class TestMakingDataCountEdges:
    """Edge cases of the MDC rules (NHSRplotthedots 0.2.2 behaviour where it is visible)."""

    def test_point_shared_by_two_trends_takes_the_later_direction(self):
        """A peak that ends 7 increasing points and starts 7 decreasing ones is in both trends; like
        NHSRplotthedots' labels ("if a point is part of a trend either side, use right side") it takes
        the direction of the trend after it: with improvement "increase" a concern (decreasing).
        The points before the peak are improvement (increasing), those after it concern."""
        up = [8.5, 9, 9.5, 10, 10.5, 11, 11.5]  # 7 increasing points, the last one the peak
        down = [11.2, 10.9, 10.6, 10.3, 10.0, 9.7]  # with the peak: 7 decreasing points
        y = [9, 11] * 6 + up + down + [9, 11, 9]
        cc = _cc(y=y, chart="i", rules="mdc", improvement="increase")
        d = cc.data
        assert not d["mdc_outside"].any() and not d["mdc_two_of_three"].any()
        assert d["mdc_trend"].tolist()[12:25] == [True] * 13
        types = d["point_type"].astype(str).tolist()
        assert types[12:18] == ["special_cause_improvement"] * 6
        assert types[18] == "special_cause_concern"  # the peak: the later (decreasing) trend's direction
        assert types[19:25] == ["special_cause_concern"] * 6

    def test_point_on_mean_breaks_shift(self):
        """A point exactly on the mean breaks a run: 3 + (on the mean) + 4 above is not a shift.

        NHSRplotthedots: relative_to_mean = sign(y - mean) is 0 there, and a run needs 7
        equal non-zero signs.
        """
        y = [9, 9, 9, 11, 11, 11, 10, 11, 11, 11, 11, 9, 9, 9, 9]
        _balanced(y)
        assert _flagged(_cc(y=y, chart="i", rules="mdc"), "mdc_shift") == []

    def test_tie_breaks_trend(self):
        """Equal consecutive values break an MDC trend: 1,2,3,4,4,5,6,7 has no 7 strictly
        increasing points. NHSRplotthedots 0.2.2 (ptd_seven_point_trend) needs all 6 signs of
        the differences equal to +1 (or -1); a zero difference fails it. No reference case
        has a tie inside a trend, so this is read from the rule, not from reference output."""
        y = [4, 1, 2, 3, 4, 4, 5, 6, 7, 2]
        assert _flagged(_cc(y=y, chart="i", rules="mdc"), "mdc_trend") == []

    def test_outside_points_are_not_close(self):
        """Points beyond the limits do not count as close: (above, outside, close) has one close
        point, so no 2-of-3 (NHSRplotthedots: close_to_limits = !outside_limits & ...)."""
        y = BASE + [20, 17, 12, 10, 12, 10]
        _assert_mdc_zones(y, "-+-+-+-+-+-+-+-+OC+-+-", screen=False)
        cc = _cc(y=y, chart="i", rules="mdc", screen_mr=False)
        assert _flagged(cc, "mdc_outside") == [17]
        assert _flagged(cc, "mdc_two_of_three") == []

    def test_two_of_three_needs_third_point_on_same_side(self):
        """Two consecutive close points with the neighbours on the other side of the mean do not
        fire the MDC 2-of-3 rule in NHSRplotthedots: a window of 3 qualifies only when at least 2
        points are close AND all 3 are on the same side of the mean (ptd_two_in_three:
        abs(sum(relative_to_mean)) == 3). Seen in the reference output: case
        ptd_ae_6trusts_perf_fix12, facet RJC, Dec 2016 and Jan 2017 are both close below the mean,
        Nov 2016 and Feb 2017 above, labelled "Common Cause". (Western Electric rule 2 would flag
        them.) The same pair preceded by a point above the mean is flagged.
        """
        y = BASE + [10, 17, 17, 10, 12, 10]
        _assert_mdc_zones(y, "-+-+-+-+-+-+-+-+-CC-+-", screen=False)
        cc = _cc(y=y, chart="i", rules="mdc", screen_mr=False)
        assert _flagged(cc, "mdc_two_of_three") == []
        y2 = BASE + [17, 17, 10, 12, 10]  # point 16 (12) is above the mean
        _assert_mdc_zones(y2, "-+-+-+-+-+-+-+-+CC-+-", screen=False)
        cc2 = _cc(y=y2, chart="i", rules="mdc", screen_mr=False)
        assert _flagged(cc2, "mdc_two_of_three") == [17, 18]

    def test_limits_are_mean_plus_minus_2_66_amr(self):
        """rules='mdc' on an i chart: limits mean +/- 2.66 x AMR (typed 2.66, not 3/d2(2))."""
        y = BASE + [19, 10, 12, 10]
        mean, _amr, lpl, upl = _mdc_limits(y)
        cc = _cc(y=y, chart="i", rules="mdc", screen_mr=False)
        np.testing.assert_allclose(cc.data["cl"], mean, rtol=1e-12)
        np.testing.assert_allclose(cc.data["lcl"], lpl, rtol=1e-12)
        np.testing.assert_allclose(cc.data["ucl"], upl, rtol=1e-12)

    def test_screening_is_default(self):
        """rules='mdc': moving ranges are screened by default (screen_mr=True, as
        NHSRplotthedots screen_outliers = TRUE); screen_mr=False gives the MDC Excel limits."""
        y = BASE + [30, 10, 12, 10]
        for screen in (True, False):
            upl = _mdc_limits(y, screen=screen)[3]
            kw = {} if screen else {"screen_mr": False}
            cc = _cc(y=y, chart="i", rules="mdc", **kw)
            np.testing.assert_allclose(cc.data["ucl"], upl, rtol=1e-12, err_msg=f"screen={screen}")
        assert _mdc_limits(y, True)[3] < _mdc_limits(y, False)[3]

    @pytest.mark.parametrize(
        "y,expected",
        [
            # outside beats trend: 7 increasing points 17-23, the last two beyond the upper limit
            (BASE + [11, 12.5, 13, 13.5, 14, 17.5, 18, 9, 10],
             {17: "trend", 18: "trend", 19: "trend", 20: "trend", 21: "trend", 22: "outside", 23: "outside"}),
            # trend beats shift: points 15-22 increase, 16-22 are 7 above the mean
            (BASE + [12.2, 12.4, 12.6, 12.8, 13, 13.2, 9, 10], {i: "trend" for i in range(15, 23)}),
            # two_of_three beats shift: 8 above the mean (16-23), 18 and 20 close to the limit
            (BASE + [12.5, 16.5, 12.2, 16.6, 12.4, 12.1, 12.3, 10, 12, 10, 9, 10],
             {16: "shift", 17: "shift", 18: "two_of_three", 19: "shift", 20: "two_of_three", 21: "shift",
              22: "shift", 23: "shift"}),
        ],
        ids=["outside_over_trend", "trend_over_shift", "two_of_three_over_shift"],
    )
    def test_rule_label_precedence(self, y, expected):
        """mdc_rule = the first rule that fired, in the order outside, trend, two_of_three,
        shift (NHSRplotthedots special_cause_type); "" where none did."""
        cc = _cc(y=y, chart="i", rules="mdc", screen_mr=False)
        labels = _column(cc, "mdc_rule")
        got = {int(x): lab for x, lab in zip(cc.data["x"], labels) if lab not in ("", None)}
        assert got == expected

    @pytest.mark.parametrize(
        "improvement,expected",
        [("increase", "special_cause_improvement"), ("decrease", "special_cause_concern"),
         ("neutral", "special_cause_neutral_high")],
    )
    def test_trend_point_type_follows_trend_direction(self, improvement, expected):
        """A point of an increasing trend is 'high' even when it lies below the mean.

        NHSRplotthedots 0.2.2 orients a trend point by the trend's direction ("7 Point Trend
        (Increasing)" -> high), not by its side of the mean. Reference evidence: case
        ptd_ae_6trusts_perf_target95, facet R1K, points 11-15 (below the mean, increasing trend,
        improvement 'increase') are special_cause_improvement; ptd_ae_RJZ points 17-19 (below the
        mean, increasing, improvement 'decrease') are special_cause_concern.
        Here point 17 (11 < mean 11.78) starts an increasing trend.
        """
        y = BASE + [11, 12.5, 13, 13.5, 14, 17.5, 18, 9, 10]
        cc = _cc(y=y, chart="i", rules="mdc", improvement=improvement, screen_mr=False)
        d = cc.data.set_index(cc.data["x"].astype(int))
        assert d.loc[17, "y"] < d.loc[17, "cl"]
        assert d.loc[17:23, "point_type"].tolist() == [expected] * 7
        assert set(d.loc[[1, 2, 24, 25], "point_type"]) == {"common_cause"}

    def test_peak_between_two_trends_takes_the_later_direction(self):
        """A point that ends an increasing trend and starts a decreasing one (the peak) is
        oriented by the trend on its right: NHSRplotthedots 0.2.2 ptd_special_cause_type, "if a
        point is part of a trend either side, use right side" (no reference case has such a
        peak; read from the rule). Points 8-14 increase (0 .. 7), 14-20 decrease (7 .. 1); the
        wide alternation around them keeps every point inside the limits."""
        y = [0, 9, 0, 9, 0, 9, 0] + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1] + [9, 0, 9, 0]
        cc = _cc(y=y, chart="i", rules="mdc", improvement="increase", screen_mr=False)
        assert _flagged(cc, "mdc_outside") == []
        assert _flagged(cc, "mdc_trend") == pts(7, 20)
        d = cc.data.set_index(cc.data["x"].astype(int))
        assert d.loc[7:13, "point_type"].tolist() == ["special_cause_improvement"] * 7
        assert d.loc[14:20, "point_type"].tolist() == ["special_cause_concern"] * 7

    def test_variation_icon_skips_a_missing_last_point(self):
        """qitools takes the variation icon from the last point *with a value*. NHSRplotthedots
        0.2.2 takes the last row even when y is missing, and a missing point is always
        "Common Cause", so it would show common_cause here (its issue #156; the reference case
        ptd_ae_RRK_stable_lastNA cannot tell the two apart: its last valued point is common
        cause too). Point 17 (30) is beyond the upper limit, point 18 is missing."""
        y = BASE + [30, NAN]
        cc = _cc(y=y, chart="i", rules="mdc", improvement="increase", screen_mr=False)
        assert _flagged(cc, "mdc_outside") == [17]
        assert cc.data["point_type"].iloc[-1] == "common_cause"
        assert cc.icons["variation"].tolist() == ["improvement_high"]


# ----------------------------------------------------------------------------------------------
# ties, points on the centre line, alternation, the IHI specifics
# ----------------------------------------------------------------------------------------------


class TestCentreLineAndTies:
    def test_point_on_centre_line_breaks_we_4(self):
        """Western Electric rule 4: 4 above + (on the centre line) + 4 above is not 8 in a row."""
        y = [9, 9, 9, 11, 11, 11, 11, 10, 11, 11, 11, 11, 9, 9, 9, 9, 9]
        _balanced(y)
        assert _flagged(_cc(y=y, chart="i", rules="western_electric"), "we_4") == []

    def test_point_on_centre_line_breaks_nelson_2(self):
        """Nelson test 2: 4 above + (on the centre line) + 5 above is not 9 in a row."""
        y = [9, 9, 9, 11, 11, 11, 11, 10, 11, 11, 11, 11, 11, 9, 9, 9, 9, 9, 9]
        _balanced(y)
        assert _flagged(_cc(y=y, chart="i", rules="nelson"), "nelson_2") == []

    def test_point_on_median_skipped_by_ihi_shift(self):
        """IHI shift: a point on the median neither adds to nor breaks the run, so
        3 above + (on the median) + 3 above is a shift of 6; the median point is not flagged."""
        y = [9, 9, 9, 11, 11, 11, 10, 11, 11, 11, 9, 9, 9]
        _balanced(y)
        cc = _cc(y=y, chart="run", rules="ihi")
        assert float(cc.data["cl"].iloc[0]) == 10.0
        assert _flagged(cc, "ihi_shift") == [4, 5, 6, 8, 9, 10]

    def test_ihi_trend_ties_do_not_break(self):
        """IHI trend: like values do not break a trend. 8, 9, 10, 10, 11, 12 has five increasing
        distinct values; the tied point inside it is part of the trend."""
        y = [12, 8, 9, 10, 10, 11, 12, 9]
        assert _flagged(_cc(y=y, chart="run", rules="ihi"), "ihi_trend") == pts(2, 7)

    def test_ihi_trend_ties_do_not_make(self):
        """IHI trend: like values do not make a trend. 8, 9, 10, 10, 11 is only four increases'
        worth of points (four distinct increasing values): no trend."""
        y = [12, 8, 9, 10, 10, 11, 9]
        assert _flagged(_cc(y=y, chart="run", rules="ihi"), "ihi_trend") == []

    def test_nelson_3_tie_breaks(self):
        """Nelson test 3 (steadily increasing): a tie breaks the trend (96, 98, 100 | 100, ... 106)."""
        y = [103, 96, 98, 100, 100, 102, 104, 106, 97]
        assert _flagged(_cc(y=y, chart="i", rules="nelson"), "nelson_3") == []

    def test_nelson_4_tie_breaks(self):
        """Nelson test 4: a zero difference is neither up nor down and breaks the alternation."""
        y = [90, 95, 100, 104, 99, 105, 98, 104, 104, 103, 98, 104, 97, 103, 99, 102, 104]
        assert _flagged(_cc(y=y, chart="i", rules="nelson"), "nelson_4") == []

    def test_we_2_other_point_anywhere(self):
        """WE rule 2 counts the points beyond 2 sigma on one side within 3 consecutive points;
        the third point may be anywhere (here beyond 2 sigma on the other side, alone there)."""
        y = _sym([100, 100, 125, 75, 125, 100, 100])
        _assert_c_mean_100(y)
        got = _flagged(_cc(y=y, chart="c", rules="western_electric"), "we_2")
        assert got == _sym_points([3, 5], [100, 100, 125, 75, 125, 100, 100])

    def test_we_3_mixed_sides_not_flagged(self):
        """WE rule 3: 3 above + 1 below 1 sigma in 5 points is not 4 of 5 on the same side."""
        base = [100, 115, 115, 85, 115, 105, 100]
        y = _sym(base)
        _assert_c_mean_100(y)
        assert _flagged(_cc(y=y, chart="c", rules="western_electric"), "we_3") == []


# ----------------------------------------------------------------------------------------------
# IHI runs: too few / too many runs
# ----------------------------------------------------------------------------------------------


class TestIHIRuns:
    """Perla, Provost & Murray 2011 rule 3 with the exact Swed-Eisenhart limits (5%, two-sided)."""

    N_BELOW = N_ABOVE = 12  # 24 useful points; exact limits 8 and 18 (also Perla Table 1, n = 24)

    def _check(self, n_runs: int, signal: bool):
        y = _runs_series(self.N_BELOW, self.N_ABOVE, n_runs)
        _balanced(y)
        lo, hi = runs_limits(self.N_BELOW, self.N_ABOVE)
        assert (lo, hi) == (8, 18)
        cc = _cc(y=y, chart="run", rules="ihi")
        row = _summary_row(cc)
        assert int(row["n_runs"]) == n_runs
        assert (int(row["n_runs_min"]), int(row["n_runs_max"])) == (lo, hi)
        assert _flagged(cc, "ihi_runs") == (pts(1, len(y)) if signal else [])

    def test_too_few_runs(self):
        """7 runs < n_runs_min = 8: every point of the part flagged."""
        self._check(7, True)

    def test_fewest_acceptable_runs(self):
        """8 runs = n_runs_min: no signal."""
        self._check(8, False)

    def test_too_many_runs(self):
        """19 runs > n_runs_max = 18: every point flagged."""
        self._check(19, True)

    def test_most_acceptable_runs(self):
        """18 runs = n_runs_max: no signal."""
        self._check(18, False)

    def test_runs_per_part(self):
        """Runs are counted per part: part 1 has 7 runs (too few), part 2 has 12 (fine)."""
        y1 = _runs_series(12, 12, 7)
        y2 = _runs_series(12, 12, 12)
        y = y1 + y2
        cc = _cc(y=y, chart="run", rules="ihi", part=[len(y1) + 1])
        r1, r2 = _summary_row(cc, part=1), _summary_row(cc, part=2)
        assert (int(r1["n_runs"]), int(r2["n_runs"])) == (7, 12)
        assert _flagged(cc, "ihi_runs") == pts(1, len(y1))


# ----------------------------------------------------------------------------------------------
# missing values
# ----------------------------------------------------------------------------------------------


NAN_CASES = [
    # (id, rules, chart, column, y, expected): the NaN is skipped and the run / trend continues
    ("mdc_shift", "mdc", "i", "mdc_shift", [9, 9, 9, 11, 11, 11, NAN, 11, 11, 11, 11, 9, 9, 9, 9],
     [4, 5, 6, 8, 9, 10, 11]),
    ("mdc_trend", "mdc", "i", "mdc_trend", [4, 1, 2, 3, NAN, 4, 5, 6, 7, 2], [2, 3, 4, 6, 7, 8, 9]),
    ("we_4", "western_electric", "i", "we_4", [9, 9, 9, 11, 11, 11, 11, NAN, 11, 11, 11, 11, 9, 9, 9, 9, 9],
     [4, 5, 6, 7, 9, 10, 11, 12]),
    ("nelson_3", "nelson", "i", "nelson_3", [103, 96, 98, 100, NAN, 102, 104, 106, 97], [2, 3, 4, 6, 7, 8]),
    ("ihi_shift", "ihi", "run", "ihi_shift", [9, 9, 9, 11, 11, 11, NAN, 11, 11, 11, 9, 9, 9],
     [4, 5, 6, 8, 9, 10]),
    ("ihi_trend", "ihi", "run", "ihi_trend", [12, 8, 9, NAN, 10, 11, 12, 9], [2, 3, 5, 6, 7]),
]


@pytest.mark.parametrize("case_id,rules,chart,column,y,expected", NAN_CASES, ids=[c[0] for c in NAN_CASES])
def test_missing_value_inside_run(case_id, rules, chart, column, y, expected):
    """A missing y inside a run never crashes: it is not flagged and the run continues across it
    (qitools convention). NHSRplotthedots differs: a missing value breaks a shift (the window's
    all() is NA) and stops ptd_spc with an error ("missing value where TRUE/FALSE needed") when it
    falls in a 7-point window whose other differences all have the same sign (README of the
    reference collection; ptd_seven_point_trend)."""
    cc = _cc(y=y, chart=chart, rules=rules)
    nan_x = [i + 1 for i, v in enumerate(y) if isinstance(v, float) and np.isnan(v)]
    got = _flagged(cc, column)
    assert not set(got) & set(nan_x), f"{case_id}: the missing point is flagged"
    assert got == expected, f"{case_id}: {column} flags {got}, expected {expected}"
    for col in RULE_COLUMNS[rules]:
        _flagged(cc, col)  # every rule column exists and has no missing entries that crash bool()


# ----------------------------------------------------------------------------------------------
# facets and parts: a run never continues from one into the next
# ----------------------------------------------------------------------------------------------

# facet A ends with 4 points above its mean, facet B starts with 3 above: 7 if joined.
SHIFT_A = [9, 9, 9, 9, 11, 11, 11, 11]
SHIFT_B = [11, 11, 11, 9, 9, 9, 9, 11]
# facet C: a genuine 7-point shift (positive control)
SHIFT_C = [9, 9, 9, 11, 11, 11, 11, 11, 11, 11, 9, 9, 9, 9]
# trends: A ends 1, 2, 3, 4 and B starts 5, 6, 7: 7 increasing if joined.
TREND_A = [5, 4, 3, 1, 2, 3, 4]
TREND_B = [5, 6, 7, 2, 1, 3, 2]

FACET_CASES = [
    ("mdc_shift", "mdc", "i", "mdc_shift", SHIFT_A, SHIFT_B),
    ("mdc_trend", "mdc", "i", "mdc_trend", TREND_A, TREND_B),
    ("we_4", "western_electric", "i", "we_4", [9, 9, 9, 9, 11, 11, 11, 11], [11, 11, 11, 11, 9, 9, 9, 9]),
    ("nelson_3", "nelson", "i", "nelson_3", [5, 4, 3, 1, 2, 3], [4, 5, 6, 2, 1, 3]),
    ("ihi_shift", "ihi", "run", "ihi_shift", [9, 9, 9, 11, 11, 11], [11, 11, 11, 9, 9, 9]),
    ("ihi_trend", "ihi", "run", "ihi_trend", [5, 4, 1, 2, 3], [4, 5, 2, 1, 3]),
]


def _long(frames: dict[str, list]) -> pd.DataFrame:
    rows = []
    for f, ys in frames.items():
        rows += [{"unit": f, "x": i + 1, "y": float(v)} for i, v in enumerate(ys)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("case_id,rules,chart,column,a,b", FACET_CASES, ids=[c[0] for c in FACET_CASES])
def test_run_does_not_cross_facets(case_id, rules, chart, column, a, b):
    """Two facets in one call are independent: the end of facet A and the start of facet B would
    make the rule fire if joined; neither facet alone does."""
    cc = _cc(_long({"A": a, "B": b}), x="x", y="y", facet="unit", chart=chart, rules=rules)
    assert "unit" in cc.data.columns or "facet" in cc.data.columns
    fcol = "unit" if "unit" in cc.data.columns else "facet"
    assert _flagged(cc, column, fcol, "A") == []
    assert _flagged(cc, column, fcol, "B") == []


def test_facets_positive_control():
    """The same facets plus a facet C with a genuine 7-point MDC shift: only C is flagged."""
    cc = _cc(_long({"A": SHIFT_A, "B": SHIFT_B, "C": SHIFT_C}), x="x", y="y", facet="unit", chart="i", rules="mdc")
    fcol = "unit" if "unit" in cc.data.columns else "facet"
    assert _flagged(cc, "mdc_shift", fcol, "A") == []
    assert _flagged(cc, "mdc_shift", fcol, "B") == []
    assert _flagged(cc, "mdc_shift", fcol, "C") == pts(4, 10)


@pytest.mark.parametrize("case_id,rules,chart,column,a,b", FACET_CASES, ids=[c[0] for c in FACET_CASES])
def test_run_does_not_cross_parts(case_id, rules, chart, column, a, b):
    """Parts are independent too: the same two series as two parts of one chart (part 2 begins
    at x = len(a) + 1); a run may not continue from part 1 into part 2. Control: without the
    part the rule fires across the join."""
    y = list(a) + list(b)
    cc = _cc(y=y, chart=chart, rules=rules, part=[len(a) + 1])
    assert _flagged(cc, column) == []
    joined = _cc(y=y, chart=chart, rules=rules)
    assert _flagged(joined, column) != [], f"{case_id}: control series should fire without parts"
