"""cc.explain(): the plain-English reading a learner or a board member gets."""

from __future__ import annotations

import math
import re
import warnings

import pandas as pd
import pytest

import qitools as qi

pytestmark = pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")

SHIFT = [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]
STABLE = [5.1, 4.8, 5.3, 4.9, 5.2, 5.0, 4.7, 5.4, 5.1, 4.9, 5.2, 4.8, 5.0, 5.3, 4.9, 5.1]


def test_common_cause_says_so_and_warns_against_tampering():
    text = qi.control_chart(y=STABLE, chart="i").explain()
    assert "No signal of special-cause variation" in text
    assert "consistent with common-cause variation" in text
    assert "tampering" in text
    assert "What not to conclude" in text


def test_signal_is_named_with_where_it_fired():
    text = qi.run_chart(y=SHIFT).explain()
    assert "A signal of special-cause variation" in text
    assert "unusually long run" in text
    assert "point 1 to point 10 and point 11 to point 20" in text
    assert "too few crossings of the centre line (1; at least 6 expected" in text


def test_dates_and_direction_and_target():
    month = pd.date_range("2024-01-01", periods=20, freq="MS")
    df = pd.DataFrame({"month": month, "falls": SHIFT})
    cc = qi.control_chart(df, x="month", y="falls", chart="i", rules="mdc", improvement="decrease", target=2)
    text = cc.explain()
    assert "Jan 2024" in text and "Aug 2025" in text
    assert "some to concern (lower is better); the most recent signal is a concern" in text
    assert "Target 2: the whole range of expected values is on the wrong side of it" in text
    # the limits come from the whole series, which shifted: the assurance reading is flagged
    assert "may mix an old process and a new one" in text


def test_the_measure_is_named_as_the_chart_counts_it():
    audit = pd.DataFrame({"recorded": [12, 15, 11, 14, 16, 13], "audited": [20] * 6})
    p_text = qi.control_chart(audit, y="recorded", n="audited", chart="p", multiply=100).explain()
    assert "shows recorded out of audited (as a percentage), 6 points" in p_text
    rates = pd.DataFrame({"falls": [5, 7, 4, 6, 8, 5], "bed_days": [800, 820, 790, 810, 805, 815]})
    u_text = qi.control_chart(rates, y="falls", n="bed_days", chart="u", multiply=1000).explain()
    assert "shows falls per bed_days (x 1000), 6 points" in u_text


def test_ihi_runs_rule_is_said_of_the_part():
    text = qi.run_chart(y=SHIFT, rules="ihi").explain()
    assert "2 runs, where 7 to 15 are expected by chance" in text


def test_faceted_overview_and_one_facet():
    df = pd.DataFrame({"ward": ["a"] * 20 + ["b"] * 16, "y": SHIFT + STABLE})
    cc = qi.control_chart(df, y="y", chart="i", facet="ward")
    overview = cc.explain()
    assert "2 separate charts" in overview and "1 of them shows a signal of special-cause variation" in overview
    assert "false alarms happen" in overview
    assert ": a." in overview
    assert "No signal of special-cause variation" in cc.explain(facet="b")
    with pytest.raises(qi.QIValueError, match="not one of the chart's facets"):
        cc.explain(facet="c")


def test_explanation_is_in_the_notebook_display():
    cc = qi.control_chart(y=STABLE, chart="i")
    assert "What this chart says" in cc._repr_html_()
    assert repr(cc.explain()).startswith("This I chart")


def test_icons_need_a_direction():
    cc = qi.control_chart(y=STABLE, chart="i")
    with pytest.raises(qi.QIValueError, match="improvement='increase'"):
        cc.icons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        icons = qi.control_chart(y=STABLE, chart="i", improvement="increase", target=4).icons
    assert list(icons[["variation", "assurance"]].iloc[0]) == ["common_cause", "pass"]


# --- what a signal means (issue 17, item 2) -----------------------------------------------------
# A signal is a pattern that chance rarely produces: look for a cause, and false alarms happen.
# Nothing in a reading may say that a signal proves a cause.
_OVERCLAIMS = re.compile(
    r"something other than chance|is affecting the process|(?<!not )\bprove[sd]?\b|\bproof that\b|"
    r"\bcaused by\b|\bdefinitely\b|\bcertainly\b|(?<!what )the cause is\b",
    re.IGNORECASE,
)


def _sepsis_first_44_weeks():
    """Module 5's example: weeks in which the true proportion never changed (a chance IHI trend)."""
    sepsis = qi.datasets.load("sepsis_antibiotics")
    return sepsis[sepsis["week"] < "2023-02-01"]


def _readings():
    month = pd.date_range("2024-01-01", periods=20, freq="MS")
    df = pd.DataFrame({"month": month, "falls": SHIFT})
    before = _sepsis_first_44_weeks()
    faceted = qi.control_chart(
        pd.DataFrame({"ward": ["a"] * 20 + ["b"] * 16, "y": SHIFT + STABLE}), y="y", chart="i", facet="ward"
    )
    return {
        "run chart, shift": qi.run_chart(y=SHIFT).explain(),
        "I chart, shift": qi.control_chart(y=SHIFT, chart="i").explain(),
        "frozen": qi.control_chart(y=SHIFT, chart="i", freeze=10).explain(),
        "MDC with target": qi.control_chart(
            df, x="month", y="falls", chart="i", rules="mdc", improvement="decrease", target=2
        ).explain(),
        "chance trend (module 5)": qi.run_chart(
            before, x="week", y="antibiotics_within_1h", n="sepsis_patients", multiply=100, rules="ihi"
        ).explain(),
        "Western Electric": qi.control_chart(y=SHIFT, chart="i", rules="western_electric").explain(),
        "Nelson": qi.control_chart(y=SHIFT, chart="i", rules="nelson").explain(),
        "faceted overview": faceted.explain(),
        "one facet": faceted.explain(facet="a"),
        "stable": qi.control_chart(y=STABLE, chart="i").explain(),
    }


@pytest.mark.parametrize("name", list(_readings()))
def test_no_reading_claims_that_a_signal_proves_a_cause(name):
    text = _readings()[name]
    found = _OVERCLAIMS.search(text)
    assert found is None, f"{name}: {found and found.group(0)!r} in {text!r}"


@pytest.mark.parametrize("name", ["run chart, shift", "I chart, shift", "frozen", "Western Electric", "one facet"])
def test_a_signal_is_a_pattern_chance_rarely_produces_and_can_be_a_false_alarm(name):
    text = _readings()[name]
    assert "rarely arise from chance" in text
    assert "look for a cause" in text
    assert "not proof of a cause" in text and "false alarms happen" in text


def test_the_chance_trend_of_module_5_is_called_weak_evidence():
    """The IHI trend in the first 44 sepsis weeks is chance (the true proportion was 55% throughout)."""
    text = _readings()["chance trend (module 5)"]
    assert "A weak signal" in text and "false alarm" in text
    assert "A signal of special-cause variation" not in text


def test_trial_limits_below_20_points_or_12_with_making_data_count():
    assert "trial limits" in qi.control_chart(y=SHIFT[:15], chart="i").explain()
    assert "trial limits" not in qi.control_chart(y=SHIFT + STABLE[:5], chart="i").explain()  # 25 points
    # Making Data Count sets limits from 12 points; 15 is enough there, 10 is not
    assert "trial limits" not in qi.control_chart(y=STABLE[:15], chart="i", rules="mdc").explain()
    text = qi.control_chart(y=STABLE[:10], chart="i", rules="mdc").explain()
    assert "only 10 points: treat them as trial limits" in text and "at least 12 points" in text
    # frozen: it is the baseline that counts, not the length of the chart
    text = qi.control_chart(y=SHIFT + STABLE, chart="i", freeze=8).explain()
    assert "only 8 points: treat them as trial limits" in text
    assert "trial limits" not in qi.run_chart(y=SHIFT[:12]).explain()  # a run chart has no limits


def test_frozen_limits_describe_the_baseline_not_the_process_now():
    text = qi.control_chart(y=SHIFT, chart="i", freeze=10).explain()
    assert "come from the baseline (point 1 to point 10, 10 points)" in text
    assert "describe what the baseline process produced, not necessarily the process now" in text
    assert "range expected from common-cause variation in this process" not in text
    stable = qi.control_chart(y=STABLE, chart="i", freeze=12).explain()
    assert "consistent with the baseline process" in stable


def test_assurance_is_flagged_when_limits_mix_old_and_new_processes():
    frozen = qi.control_chart(y=SHIFT, chart="i", freeze=10, improvement="increase", target=7).explain()
    assert "frozen on an earlier baseline and the later points signal a change" in frozen
    assert "give the new process its own limits" in frozen
    # a part per process: the latest part is stable, so its assurance is read without a caution
    rebased = qi.control_chart(y=SHIFT, chart="i", part=[11], improvement="increase", target=7).explain()
    assert "Target 7:" in rebased and "Caution" not in rebased
    stable = qi.control_chart(y=STABLE, chart="i", improvement="increase", target=4).explain()
    assert "Target 4: the whole range of expected values" in stable and "Caution" not in stable


def test_g_chart_reading_says_two_in_100_gaps_exceed_the_upper_limit_by_chance():
    """The claim is checked against the geometric distribution behind the g chart (Benneyan 2001).

    For gaps X ~ geometric on {0, 1, ...} with mean m, P(X > UCL) = q ** (floor(UCL) + 1) with
    q = m / (m + 1), and the g chart's UCL = m + 3 sqrt(m (m + 1)): about 0.018 for any m >= 3.
    """
    gaps = [12, 3, 25, 7, 9, 15, 2, 30, 11, 6, 19, 4, 8, 22, 13, 5, 10, 17, 1, 14]
    cc = qi.control_chart(y=gaps, chart="g")
    assert "about 2 in 100 gaps above the upper limit" in cc.explain()
    m, ucl = float(cc.summary.loc[0, "mean"]), float(cc.summary.loc[0, "ucl"])
    q = m / (m + 1)
    assert 0.015 < q ** (math.floor(ucl) + 1) < 0.025


def test_event_dates_that_fall_on_the_first_of_a_month_are_dates_not_months():
    dates = pd.to_datetime(["2023-10-14", "2023-11-01", "2023-11-20", "2023-12-09", "2024-01-02"])
    cc = qi.control_chart(pd.DataFrame({"date": dates, "gap": [3, 40, 5, 4, 6]}), x="date", y="gap", chart="i")
    text = cc.explain()
    assert "from 14 Oct 2023 to 2 Jan 2024" in text and "Nov 2023" not in text.replace("1 Nov 2023", "")
    monthly = qi.control_chart(pd.DataFrame({"m": pd.date_range("2024-01-01", periods=5, freq="MS"), "y": [1, 2, 3, 2, 1]}),
                               x="m", y="y", chart="i")
    assert "from Jan 2024 to May 2024" in monthly.explain()
