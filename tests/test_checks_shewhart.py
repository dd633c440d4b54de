"""The judges of the Shewhart-chart exercises (7-12): qitools.checks.judges.shewhart.

Expected values come from published examples (Anhøj & Mohammed's screened I chart) or from the
chart engine (qi.control_chart), an implementation independent of the pure-Python judges.
"""

from __future__ import annotations

import re
import statistics

import pandas as pd
import pytest

import qitools as qi
from qitools import checks

pytestmark = pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")


def _verdict_text(v) -> str:
    return " ".join([v.detail, v.more, v.note])


class TestScreenedXmrLimits:
    """Anhøj J, Mohammed MA, *Mastering Statistical Process Control Charts in Healthcare* (online book),
    chapter "Screened I chart": 24 values; the moving range |28 - 11| = 17 exceeds 3.267 x AMR (AMR
    = 5, limit 16.335) and is dropped; the screened AMR is 4.45 (exact 4.454545), centre 15.8, limits
    15.791667 +/- 2.66 x 4.454545 = 3.942576 to 27.640758 (unscreened: 2.491667 to 29.091667).
    """

    VALUES = [18, 16, 8, 9, 10, 11, 26, 14, 15, 14, 18, 19, 18, 11, 28, 20, 16, 17, 12, 13, 24, 16, 15, 11]

    def test_published_screened_limits_are_right(self):
        assert checks.judge("screened_xmr_limits", (15.791667, 3.942576, 27.640758), self.VALUES).right
        assert checks.judge("screened_xmr_limits", {"cl": 15.8, "lcl": 3.94, "ucl": 27.6}, self.VALUES).right

    def test_unscreened_limits_are_the_named_mistake(self):
        v = checks.judge("screened_xmr_limits", (15.791667, 2.491667, 29.091667), self.VALUES)
        assert v.status == "wrong" and v.mistake == "unscreened_limits"

    def test_the_engine_agrees(self):
        """qi.control_chart screens by default with 3/d2 (2.6587): accepted within the constant's rounding."""
        s = qi.control_chart(y=self.VALUES, chart="i").summary.iloc[0]
        assert checks.judge("screened_xmr_limits", (s["cl"], s["lcl"], s["ucl"]), self.VALUES).right
        u = qi.control_chart(y=self.VALUES, chart="i", screen_mr=False).summary.iloc[0]
        assert checks.judge("screened_xmr_limits", (u["cl"], u["lcl"], u["ucl"]), self.VALUES).mistake == "unscreened_limits"

    def test_wrong_centre_and_bad_shapes(self):
        v = checks.judge("screened_xmr_limits", (16.0, 3.942576, 27.640758), self.VALUES)
        assert v.status == "wrong" and "centre line" in v.detail
        assert "three numbers" in checks.judge("screened_xmr_limits", (1, 2), self.VALUES).detail
        assert checks.judge("screened_xmr_limits", ..., self.VALUES).status == "unanswered"


class TestPLimitsAt:
    EVENTS = [41, 52, 38, 60, 47, 55, 30, 58, 49, 44, 61, 39]
    N = [60, 71, 55, 80, 66, 72, 44, 79, 70, 62, 83, 57]

    @pytest.mark.parametrize("point", [1, 7, 11])
    def test_the_engine_agrees(self, point):
        d = qi.control_chart(y=self.EVENTS, n=self.N, chart="p").data
        answer = (d["lcl"].iloc[point - 1], d["ucl"].iloc[point - 1])
        assert checks.judge("p_limits_at", answer, self.EVENTS, self.N, point=point).right
        rounded = tuple(round(v, 3) for v in answer)
        assert checks.judge("p_limits_at", rounded, self.EVENTS, self.N, point=point).right

    def test_named_mistakes(self):
        d = qi.control_chart(y=self.EVENTS, n=self.N, chart="p").data
        lo, hi = d["lcl"].iloc[6], d["ucl"].iloc[6]
        judge = lambda a: checks.judge("p_limits_at", a, self.EVENTS, self.N, point=7)  # noqa: E731
        assert judge((100 * lo, 100 * hi)).mistake == "percentage_not_proportion"
        own = 30 / 44
        half = 3 * (own * (1 - own) / 44) ** 0.5
        assert judge((own - half, min(own + half, 1))).mistake == "own_proportion_for_limits"
        pbar = sum(self.EVENTS) / sum(self.N)
        half = 3 * (pbar * (1 - pbar) / statistics.fmean(self.N)) ** 0.5
        assert judge((pbar - half, pbar + half)).mistake == "constant_p_limits"
        assert judge((0.1, 0.2)).status == "wrong" and judge((0.1, 0.2)).mistake is None

    def test_small_n_is_cut_at_zero_and_one(self):
        events, n = [1, 0, 3, 2], [4, 5, 6, 3]
        d = qi.control_chart(y=events, n=n, chart="p").data
        assert checks.judge("p_limits_at", (d["lcl"].iloc[3], d["ucl"].iloc[3]), events, n, point=4).right
        pbar = 6 / 18
        half = 3 * (pbar * (1 - pbar) / 3) ** 0.5
        v = checks.judge("p_limits_at", (pbar - half, pbar + half), events, n, point=4)
        assert v.mistake == "limits_not_clipped"


class TestOutsidePLimits:
    def test_the_engine_agrees_on_big_denominators(self):
        ed = qi.datasets.load("ed_four_hour")
        t01 = ed[ed["trust"] == "T01"].head(18)
        attendances = t01["attendances"].tolist()
        within = (t01["attendances"] - t01["breaches"]).tolist()
        months = t01["month"].dt.strftime("%Y-%m").tolist()
        d = qi.control_chart(x=months, y=within, n=attendances, chart="p").data
        beyond = d.loc[d["sigma_signal"], "x"].tolist()
        assert 0 < len(beyond) < len(months)
        assert checks.judge("outside_p_limits", beyond, months, within, attendances).right
        assert checks.judge("outside_p_limits", beyond[:-1], months, within, attendances).status == "wrong"
        positions = [months.index(m) for m in beyond]
        v = checks.judge("outside_p_limits", positions, months, within, attendances)
        assert v.status == "wrong"

    def test_unknown_labels_are_named(self):
        v = checks.judge("outside_p_limits", ["March"], ["Jan", "Feb"], [5, 6], [10, 10])
        assert "not labels of the data" in v.detail


class TestGapsBetween:
    DATES = ["2023-02-14", "2023-01-09", "2023-03-30", "2023-05-02"]

    def test_right_from_unsorted_dates(self):
        assert checks.judge("gaps_between", [36, 44, 33], self.DATES).right
        as_series = pd.Series(pd.to_datetime(self.DATES)).sort_values().diff().dropna()
        assert checks.judge("gaps_between", as_series, self.DATES).right  # timedeltas from pandas

    def test_named_mistakes(self):
        assert checks.judge("gaps_between", [-36, 80, 33], self.DATES).mistake == "unsorted_dates"
        assert checks.judge("gaps_between", [37, 45, 34], self.DATES).mistake == "inclusive_days"
        assert checks.judge("gaps_between", [0, 36, 44, 33], self.DATES).mistake == "first_gap_zero"

    def test_year_end_leap_day_and_same_day(self):
        dates = ["2024-03-01", "2023-12-28", "2024-01-03", "2024-01-03", "2024-02-29"]
        assert checks.judge("gaps_between", [6, 0, 57, 1], dates).right

    def test_partial_credit(self):
        v = checks.judge("gaps_between", [36, 40, 33], self.DATES)
        assert v.status == "wrong" and v.score == pytest.approx(0.67)


class TestCasesBetween:
    def test_right_and_off_by_one(self):
        assert checks.judge("cases_between", [27, 6, 47], [12, 40, 47, 95]).right
        assert checks.judge("cases_between", [28, 7, 48], [12, 40, 47, 95]).mistake == "cases_between_off_by_one"
        assert checks.judge("cases_between", [11, 27, 6, 47], [12, 40, 47, 95]).mistake == "first_gap_zero"

    def test_the_dataset_way_agrees(self):
        """The notebook's recipe (section numbers' difference minus 1) gives the judge's answer."""
        cs = qi.datasets.load("caesarean_ssi")
        infected = cs.loc[cs["infection"] == 1, "section"].head(8)
        gaps = (infected.diff() - 1).dropna()
        assert checks.judge("cases_between", gaps, infected).right


class TestSubgroupMedians:
    MONTHS = ["2024-02", "2024-01", "2024-02", "2024-01", "2024-01"]
    WAITS = [10, 4, 30, 6, 50]

    @staticmethod
    def right(months, values):
        return [statistics.median([v for m, v in zip(months, values) if m == k]) for k in sorted(set(months))]

    def test_right(self):
        assert checks.judge("subgroup_medians", self.right, self.MONTHS, self.WAITS).right

    def test_means_and_order(self):
        def means(months, values):
            return [statistics.fmean([v for m, v in zip(months, values) if m == k]) for k in sorted(set(months))]

        def first_seen_order(months, values):
            return [statistics.median([v for m, v in zip(months, values) if m == k]) for k in dict.fromkeys(months)]

        assert checks.judge("subgroup_medians", means, self.MONTHS, self.WAITS).mistake == "mean_not_median"
        v = checks.judge("subgroup_medians", first_seen_order, self.MONTHS, self.WAITS)
        assert v.mistake == "periods_not_in_order"

    def test_not_a_function_and_errors(self):
        assert "Expected a function" in checks.judge("subgroup_medians", [6, 20], self.MONTHS, self.WAITS).detail
        v = checks.judge("subgroup_medians", lambda m, v: 1 / 0, self.MONTHS, self.WAITS)
        assert "ZeroDivisionError" in v.detail


class TestChartOptions:
    Y = [0.76, 0.78, 0.75, 0.77, 0.74, 0.77, 0.76, 0.78, 0.75, 0.62, 0.77, 0.76, 0.82, 0.83, 0.81, 0.84]
    X = [f"m{i:02d}" for i in range(1, 17)]

    def judge(self, cc, **kw):
        return checks.judge("chart_options", cc, chart="i", n_points=16, **kw)

    def test_freeze_exclude_and_parts(self):
        cc = qi.control_chart(x=self.X, y=self.Y, chart="i", freeze="m12", exclude=["m10"])
        assert self.judge(cc, baseline=12, excluded=["m10"]).right
        parts = qi.control_chart(x=self.X, y=self.Y, chart="i", part=["m13"], exclude=["m10"])
        assert self.judge(parts, excluded=["m10"], parts_from=["m13"]).right

    def test_parts_as_hashed_keys(self):
        """When where a part begins is another question's answer, the check cell gives it as a key."""
        parts = qi.control_chart(x=self.X, y=self.Y, chart="i", part=["m13"])
        key = checks.make_key("11.5", "m13")
        assert checks.judge("chart_options", parts, chart="i", n_points=16, parts_keys=[key], qid="11.5").right
        early = qi.control_chart(x=self.X, y=self.Y, chart="i", part=["m10"])
        v = checks.judge("chart_options", early, chart="i", n_points=16, parts_keys=[key], qid="11.5")
        assert v.mistake == "rebase_on_outlier" and "m13" not in _verdict_text(v)

    def test_named_mistakes_and_messages(self):
        v = self.judge(qi.control_chart(x=self.X, y=self.Y, chart="i", exclude=["m10"]), baseline=12, excluded=["m10"])
        assert v.mistake == "no_freeze" and "freeze=" in v.detail
        v = self.judge(qi.control_chart(x=self.X, y=self.Y, chart="i", freeze="m12", exclude=["m10", "m05"]),
                       baseline=12, excluded=["m10"])  # fmt: skip
        assert v.mistake == "exclude_unexplained" and "exclude=" in v.detail
        v = self.judge(qi.control_chart(x=self.X, y=self.Y, chart="i", part=["m10"]), parts_from=["m13"])
        assert v.mistake == "rebase_on_outlier" and "part=" in v.detail
        assert "kind of chart" in self.judge(qi.control_chart(x=self.X, y=self.Y, chart="run")).detail
        assert "Expected the result" in self.judge("i").detail


@pytest.mark.parametrize(
    ("kind", "answer", "args", "kwargs", "hidden"),
    [
        ("screened_xmr_limits", (15.0, 2.0, 28.0), (TestScreenedXmrLimits.VALUES,), {}, ["15.79", "27.64", "3.94"]),
        ("p_limits_at", (0.5, 0.9), (TestPLimitsAt.EVENTS, TestPLimitsAt.N), {"point": 7}, ["0.5", "0.9"]),
        ("gaps_between", [1, 2, 3], (TestGapsBetween.DATES,), {}, ["36", "44", "33"]),
        ("cases_between", [1, 2, 3], ([12, 40, 47, 95],), {}, ["27", "47"]),
    ],
)
def test_wrong_answers_never_show_the_expected_value(capsys, kind, answer, args, kwargs, hidden):
    v = checks.judge(kind, answer, *args, **kwargs)
    assert v.status == "wrong"
    text = _verdict_text(v)
    for value in hidden:
        if value in {"0.5", "0.9"}:
            continue  # the learner's own numbers may be echoed; the expected ones never are
        assert not re.search(rf"(?<![\d.]){re.escape(value)}", text), (kind, value, text)


def test_check_cells_print_words(capsys):
    checks.reset()
    checks.gaps_between("10.1", [36, 44, 33], TestGapsBetween.DATES)
    checks.gaps_between("10.1", [37, 45, 34], TestGapsBetween.DATES)
    checks.cases_between("10.4", ..., [1, 5])
    out = capsys.readouterr().out
    assert "Right ✓ – question 10.1" in out and "Not yet ✗ – question 10.1" in out and "Not answered yet – question 10.4" in out
