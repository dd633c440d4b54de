"""Tests of qitools.checks: verdicts, named mistakes, graded hints, never the answer.

References are independent of the checks' own code: the qitools SPC engine (a separate
implementation of medians, runs, XmR, p and p' limits, assurance icons), the standard library and
hand-worked values written into the tests.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import checks


@pytest.fixture(autouse=True)
def _fresh_session():
    checks.reset()
    yield
    checks.reset()


def run(capsys, fn, *args, **kwargs) -> str:
    fn(*args, **kwargs)
    return capsys.readouterr().out


FALLS = [7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5, 6.1, 5.4, 6.6, 5.2, 5.9, 6.3]


class TestReporting:
    """Hint levels, the unanswered state, the summary, results(); shared by every check."""

    def test_hints_escalate_from_nudge_to_pointer_to_coach(self, capsys):
        hints = ("NUDGE", "POINTER")
        first = run(capsys, checks.median, "3.1", 1.0, FALLS, hints=hints)
        second = run(capsys, checks.median, "3.1", 2.0, FALLS, hints=hints)
        third = run(capsys, checks.median, "3.1", 3.0, FALLS, hints=hints)
        assert "Hint 1 of 2: NUDGE" in first and "POINTER" not in first
        assert "Hint 2 of 2: POINTER" in second and "coach" not in second
        assert "Hint 2 of 2: POINTER" in third and "Talk to your coach about question 3.1" in third

    def test_unanswered_is_not_an_attempt(self, capsys):
        out = run(capsys, checks.median, "3.1", ..., FALLS, hints=("NUDGE", "POINTER"))
        assert out.startswith("Not answered yet – question 3.1")
        assert "NUDGE" in run(capsys, checks.median, "3.1", 1.0, FALLS, hints=("NUDGE", "POINTER"))
        assert checks.results()["3.1"]["wrong_attempts"] == 1

    def test_right_after_wrong_records_right(self, capsys):
        run(capsys, checks.median, "3.1", 1.0, FALLS)
        out = run(capsys, checks.median, "3.1", statistics.median(FALLS), FALLS)
        assert out.startswith("Right ✓ – question 3.1.")
        assert checks.results()["3.1"] == {
            "status": "right",
            "score": 1.0,
            "wrong_attempts": 1,
            "mistake": None,
            "objective": "",
        }

    def test_summary_lists_objectives_and_untried_questions(self, capsys):
        checks.begin("03_run_charts", {"3.1": "find the median", "3.2": "count useful points"})
        run(capsys, checks.median, "3.1", statistics.median(FALLS), FALLS)
        progress = checks.summary()
        assert (progress.n_right, progress.n_questions) == (1, 2)
        text = str(progress)
        assert "   3.1  right ✓       – find the median" in text
        assert "   3.2  not tried     – count useful points" in text
        assert "<table>" in progress._repr_html_() and "find the median" in progress._repr_html_()

    def test_summary_all_right_congratulates(self, capsys):
        checks.begin("x", ["3.1"])
        run(capsys, checks.median, "3.1", statistics.median(FALLS), FALLS)
        assert "well done" in str(checks.summary())

    def test_begin_clears_the_session(self, capsys):
        run(capsys, checks.median, "3.1", 1.0, FALLS)
        checks.begin("next", ["4.1"])
        assert list(checks.results()) == ["4.1"]

    def test_verdicts_are_words_first_with_symbols_every_font_has(self, capsys):
        """Issue 15: on a machine without an emoji font ✅ ❌ ⬜ all showed as the same empty box.

        Every verdict starts with words; every character that is not ASCII is in DejaVu Sans and
        DejaVu Sans Mono (Linux's default fonts, shipped with matplotlib), so it renders in a
        browser's fallback chain (Windows and macOS have ✓ ✗ – in Segoe UI Symbol and Menlo).
        """
        import os

        import matplotlib
        from matplotlib.ft2font import FT2Font

        checks.begin("03_run_charts", {"3.1": "find the median", "3.2": "count", "3.3": "draw"})
        capsys.readouterr()
        shown = [
            run(capsys, checks.median, "3.1", statistics.median(FALLS), FALLS),
            run(capsys, checks.median, "3.2", 1.0, FALLS),
            run(capsys, checks.median, "3.3", ..., FALLS),
        ]
        assert [s.split(" – ")[0] for s in shown] == ["Right ✓", "Not yet ✗", "Not answered yet"]
        progress = checks.summary()
        text = "".join(shown) + str(progress) + progress._repr_html_()
        fonts = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")
        for name in ("DejaVuSans.ttf", "DejaVuSansMono.ttf"):
            font = FT2Font(os.path.join(fonts, name))
            missing = {ch for ch in text if ord(ch) > 127 and font.get_char_index(ord(ch)) == 0}
            assert not missing, f"{name} has no glyph for {missing}"
        assert not {"✅", "❌", "⬜"} & set(text)
        assert "right ✓" in str(progress) and "not yet ✗" in str(progress) and "not answered" in str(progress)

    def test_bad_types_never_raise(self, capsys):
        for answer in ("8.2", [8.2], {"x": 1}, True, object(), np.array([1.0, 2.0])):
            out = run(capsys, checks.median, "3.1", answer, FALLS)
            assert out.startswith("Not yet ✗") and "Expected a number" in out
        assert "remove the quotes" in run(capsys, checks.median, "3.1", "8.2", FALLS)

    @pytest.mark.parametrize(
        "call, expected",
        [
            (lambda a: checks.median("q", a, FALLS, baseline=12), statistics.median(FALLS[:12])),
            (lambda a: checks.proportion("q", a, 412, 530), 412 / 530),
            (lambda a: checks.rate("q", a, [9, 7], [840, 868], pooled=True), 16 / 1708 * 1000),
            (lambda a: checks.overdispersion("q", a, [10, 30, 12, 28], [100] * 4), None),
        ],
    )
    def test_wrong_answers_never_show_the_expected_value(self, capsys, call, expected):
        for attempt in (0.001, 12345.0, 2.5):
            call(attempt)
        out = capsys.readouterr().out
        if expected is not None:
            for text in (f"{expected:.1f}", f"{expected:.2f}", f"{expected:.3f}", repr(expected)):
                assert text not in out


class TestMakeKey:
    def test_pinned_value_and_normalisation(self):
        # pinned: changing the hash would silently invalidate every key in the exercises
        assert checks.make_key("4.5", "b") == "d681ab2b51"
        assert checks.make_key("4.5", "  B ") == checks.make_key("4.5", "b")
        assert checks.make_key("4.4", True, "x") == checks.make_key("4.4", "True", "x")
        assert checks.make_key("1.1", 2.0) == checks.make_key("1.1", 2)
        assert checks.make_key("4.5", "b") != checks.make_key("4.6", "b")
        assert checks.make_key("4.4", True, "x") != checks.make_key("4.4", True, "y")


class TestChoice:
    def test_right_wrong_and_named_mistake(self, capsys):
        key = checks.make_key("7.3", "b")
        mistakes = {checks.make_key("7.3", "a"): "rare_event_direction"}
        out = run(capsys, checks.choice, "7.3", "a", key, options="abc", mistakes=mistakes)
        assert "Common mistake – the direction of improvement for time between events" in out
        assert "Not yet ✗" in run(capsys, checks.choice, "7.3", "c", key, options="abc")
        assert "Right ✓" in run(capsys, checks.choice, "7.3", "B", key, options="abc")

    def test_option_outside_the_list(self, capsys):
        out = run(capsys, checks.choice, "7.3", "e", checks.make_key("7.3", "b"), options="abc")
        assert "Choose one of 'a', 'b', 'c'; got 'e'" in out

    def test_several_right_answers(self, capsys):
        keys = [checks.make_key("1", "c"), checks.make_key("1", "u")]
        assert "Right ✓" in run(capsys, checks.choice, "1", "u", keys)


class TestChoices:
    def test_a_table_column_is_named_not_judged(self):
        """Issue 15 audit: icons = {"variation": cc.icons["variation"], ...} (a one-row Series) was "Look again"."""
        icons = pd.DataFrame({"variation": ["improvement_high"]})
        keys = {"variation": checks.make_key("13.1", "improvement_high", "variation")}
        verdict = checks.judge("choices", {"variation": icons["variation"]}, keys, qid="13.1")
        assert not verdict.right and "'variation' holds a Series" in verdict.detail, verdict.detail
        assert checks.judge("choices", {"variation": icons["variation"][0]}, keys, qid="13.1").right

    KEYS = {
        "deaths": checks.make_key("2.1", "outcome", "deaths"),
        "cdiff": checks.make_key("2.1", "balancing", "cdiff"),
    }

    def test_partial_credit_and_pointer_on_second_try(self, capsys):
        first = run(capsys, checks.choices, "2.1", {"deaths": "outcome", "cdiff": "outcome"}, self.KEYS)
        assert "1 of 2 are right" in first and "Look again" not in first
        second = run(capsys, checks.choices, "2.1", {"deaths": "outcome", "cdiff": "process"}, self.KEYS)
        assert "Look again at: 'cdiff'" in second
        assert checks.results()["2.1"]["score"] == 0.5

    def test_missing_items_and_blank_dict(self, capsys):
        assert "Missing from your dict: 'cdiff'" in run(capsys, checks.choices, "2.1", {"deaths": "outcome"}, self.KEYS)
        assert "Not answered yet" in run(capsys, checks.choices, "2.1", {"deaths": ..., "cdiff": ...}, self.KEYS)

    def test_named_mistake_per_item(self, capsys):
        mistakes = {checks.make_key("2.1", "outcome", "cdiff"): "balancing_missed"}
        out = run(
            capsys, checks.choices, "2.1", {"deaths": "outcome", "cdiff": "outcome"}, self.KEYS, mistakes=mistakes
        )
        assert "a balancing measure missed" in out


class TestChartType:
    def test_chart_result_and_scale(self, capsys):
        key = checks.make_key("6.3", "u")
        falls, bed_days = [9, 7, 11, 8, 6, 10, 5, 12, 8, 7, 10, 9], [840, 868, 810, 899, 885, 845] * 2
        cc = qi.control_chart(y=falls, n=bed_days, chart="u", multiply=1000)
        assert "Right ✓" in run(capsys, checks.chart_type, "6.3", cc, key, per=1000)
        no_scale = qi.control_chart(y=falls, n=bed_days, chart="u")
        assert "check its scale (multiply=)" in run(capsys, checks.chart_type, "6.3", no_scale, key, per=1000)

    def test_c_chart_for_varying_exposure_is_named(self, capsys):
        key = checks.make_key("6.3", "u")
        out = run(
            capsys,
            checks.chart_type,
            "6.3",
            "c",
            key,
            mistakes={checks.make_key("6.3", "c"): "counts_varying_exposure"},
        )
        assert "the wrong chart for counts with varying exposure" in out

    def test_aliases(self, capsys):
        assert "Right ✓" in run(capsys, checks.chart_type, "1", "XmR", checks.make_key("1", "i"))


class TestMedian:
    def test_right_and_rounded(self, capsys):
        m = statistics.median(FALLS[:12])
        assert "Right ✓" in run(capsys, checks.median, "3.1", m, FALLS, baseline=12)
        assert "Right ✓" in run(capsys, checks.median, "3.1", np.float64(m), FALLS, baseline=12)
        assert "Right ✓" in run(
            capsys, checks.median, "3.1", round(statistics.median([1.0, 2.0, 2.2345]), 3), [1.0, 2.0, 2.2345]
        )

    @pytest.mark.parametrize(
        "answer, mistake",
        [
            (statistics.fmean(FALLS[:12]), "mean_not_median"),
            (statistics.median(FALLS), "baseline_not_used"),
            (FALLS[6], "unsorted_middle"),
        ],
    )
    def test_named_mistakes(self, answer, mistake):
        assert checks.judge("median", answer, FALLS, baseline=12).mistake == mistake

    def test_percentage_for_proportion(self):
        assert checks.judge("median", 62.0, [0.6, 0.62, 0.7]).mistake == "percentage_not_proportion"

    @pytest.mark.parametrize(("factor", "detail"), [(100, "It is 100 times too big."), (1000, "It is 1,000 times too big."),
                                                    (0.01, "It is 100 times too small.")])  # fmt: skip
    def test_rate_on_another_scale_is_not_called_a_percentage(self, factor, detail):
        """Issue 15: 820 for a median of falls per 1,000 bed days (8.2) was named 'a percentage for a proportion'."""
        median = statistics.median(FALLS[:12])
        v = checks.judge("median", median * factor, FALLS, baseline=12)
        assert (v.mistake, v.detail) == ("wrong_scale", detail)
        assert "proportion" not in checks.MISTAKES[v.mistake][0]


class TestProportion:
    def test_scalar(self):
        assert checks.judge("proportion", 412 / 530, 412, 530).right
        assert checks.judge("proportion", 77.74, 412, 530).mistake == "percentage_not_proportion"
        assert checks.judge("proportion", 530 / 412, 412, 530).mistake == "inverted"
        assert checks.judge("proportion", 1 - 412 / 530, 412, 530).mistake == "complement"
        assert checks.judge("proportion", 77.74, 412, 530, percent=True).right

    def test_pooled_and_mean_of_proportions(self):
        ev, n = [10, 90], [100, 300]
        assert checks.judge("proportion", 100 / 400, ev, n, pooled=True).right
        assert checks.judge("proportion", (0.1 + 0.3) / 2, ev, n, pooled=True).mistake == "mean_of_proportions"

    def test_per_point(self):
        v = checks.judge("proportion", [0.1, 30.0], [10, 90], [100, 300])
        assert (v.status, v.mistake, v.detail) == ("wrong", "percentage_not_proportion", "1 of 2 values are right.")


class TestRate:
    EV, EX = [9, 7, 11, 0], [840, 868, 810, 0]

    @staticmethod
    def good(falls, bed_days):
        return float("nan") if bed_days == 0 else falls / bed_days * 1000

    def test_function_right(self, capsys):
        assert "Right ✓" in run(capsys, checks.rate, "2.3", self.good, self.EV, self.EX)

    def test_zero_denominator_half_credit(self):
        v = checks.judge("rate", lambda f, b: f / b * 1000, self.EV, self.EX)
        assert (v.mistake, v.score) == ("zero_denominator", 0.5)
        assert checks.judge("rate", lambda f, b: 0.0 if b == 0 else f / b * 1000, self.EV, self.EX).mistake == (
            "zero_denominator"
        )

    @pytest.mark.parametrize(
        "fn, mistake",
        [
            (lambda f, b: f / b, "forgot_multiplier"),
            (lambda f, b: f / b * 100, "wrong_multiplier"),
            (lambda f, b: b / f * 1000 if f else float("nan"), "inverted"),
        ],
    )
    def test_function_mistakes(self, fn, mistake):
        assert checks.judge("rate", fn, self.EV[:3], self.EX[:3]).mistake == mistake

    @pytest.mark.parametrize(
        ("per_used", "said"),
        [(100_000, "This looks like a rate per 100,000; the question asks for a rate per 1,000."),
         (100, "This looks like a percentage (times 100); the question asks for a rate per 1,000."),
         (10_000, "This looks like a rate per 10,000; the question asks for a rate per 1,000.")],
    )  # fmt: skip
    def test_the_per_number_used_is_named(self, per_used, said):
        v = checks.judge("rate", [e / x * per_used for e, x in zip(self.EV[:3], self.EX[:3], strict=True)],
                         self.EV[:3], self.EX[:3], per=1000)  # fmt: skip
        assert v.mistake == "wrong_multiplier" and v.detail == f"0 of 3 values are right. {said}"
        pooled = sum(self.EV[:3]) / sum(self.EX[:3]) * per_used
        v = checks.judge("rate", pooled, self.EV[:3], self.EX[:3], per=1000, pooled=True)
        assert (v.mistake, v.detail) == ("wrong_multiplier", said)

    def test_per_100000_question(self):
        v = checks.judge("rate", 9 / 840 * 1000, [9], [840], per=100_000, pooled=True)
        assert v.detail == "This looks like a rate per 1,000; the question asks for a rate per 100,000."

    def test_function_errors_are_reported(self, capsys):
        out = run(capsys, checks.rate, "2.3", lambda f, b: f / undefined_name, self.EV, self.EX)  # noqa: F821
        assert "Your function stopped with NameError" in out

    def test_stub_function_is_unanswered(self, capsys):
        def stub(falls, bed_days): ...

        assert "Not answered yet" in run(capsys, checks.rate, "2.3", stub, self.EV, self.EX)
        assert "Not answered yet" in run(capsys, checks.rate, "2.3", lambda falls, bed_days: ..., self.EV, self.EX)  # `return ...`

    def test_pooled(self):
        ev, ex = [9, 7, 11], [840, 868, 810]
        pooled = sum(ev) / sum(ex) * 1000
        assert checks.judge("rate", pooled, ev, ex, pooled=True).right
        mean_of = statistics.fmean(e / x * 1000 for e, x in zip(ev, ex, strict=True))
        assert checks.judge("rate", mean_of, ev, ex, pooled=True).mistake == "mean_of_rates"


def _engine_runs(values):
    rc = qi.run_chart(y=values)
    s = rc.summary.iloc[0]
    return float(rc.data["cl"].iloc[0]), int(s["n_useful"]), int(s["longest_run"]), int(s["n_crossings"])


class TestRunsChecks:
    """useful_points, longest_run and crossings against the qitools runs engine on series with ties."""

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    @pytest.mark.parametrize("seed", range(8))
    def test_values_agree_with_the_engine(self, seed):
        rng = np.random.default_rng(seed)
        values = rng.choice([3.0, 4.0, 5.0, 5.0, 6.0, 7.0], size=int(rng.integers(11, 30))).tolist()
        centre, useful, run_len, crossings = _engine_runs(values)
        assert centre == statistics.median(values)
        assert checks.judge("useful_points", useful, values).right
        assert checks.judge("longest_run", run_len, values).right
        assert checks.judge("crossings", crossings, values).right

    def test_points_on_the_median_counted(self, capsys):
        data = [1, 3, 5, 3, 2]
        assert checks.judge("useful_points", 5, data, 3).mistake == "points_on_median_counted"
        out = run(capsys, checks.useful_points, "3.2", 5, data, 3)
        assert "counting points on the median" in out

    def test_longest_run_functions(self):
        def joins(values, centre):  # counts points on the centre as part of the run
            best = cur = prev = 0
            for v in values:
                side = (v > centre) - (v < centre)
                cur = cur + 1 if side in (0, prev) else 1
                prev = side or prev
                best = max(best, cur)
            return best

        def right(values, centre):
            best = cur = prev = 0
            for v in values:
                side = (v > centre) - (v < centre)
                if side:
                    cur, prev = (cur + 1 if side == prev else 1), side
                    best = max(best, cur)
            return best

        assert checks.judge("longest_run", right, FALLS).right
        assert checks.judge("longest_run", joins, FALLS).mistake == "points_on_median_counted"

    def test_crossings_runs_mistake(self):
        assert checks.judge("crossings", 3, [5, 6, 3, 2, 6], 4).mistake == "runs_not_crossings"


class TestLongestRunMax:
    def test_against_the_engine(self, capsys):
        from qitools.spc.rules import longest_run_max as engine

        table = dict(zip(range(10, 101), engine(list(range(10, 101))).tolist(), strict=True))
        assert "Right ✓" in run(capsys, checks.longest_run_max, "4.3", lambda n: int(table[n]))

    def test_mistakes(self):
        assert checks.judge("longest_run_max", lambda n: int(math.log2(n)) + 3).mistake == "truncated_not_rounded"
        assert checks.judge("longest_run_max", lambda n: round(math.log(n)) + 3).mistake == "wrong_log"
        assert checks.judge("longest_run_max", 7).detail.startswith("Expected a function")


class TestRunChartDrawing:
    @pytest.fixture
    def ax(self):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        return plt.subplots()[1]

    def test_right(self, ax, capsys):
        ax.plot(range(len(FALLS)), FALLS, marker="o")
        ax.axhline(statistics.median(FALLS[:12]))
        ax.annotate("bundle", (12, FALLS[12]))
        assert "Right ✓" in run(capsys, checks.run_chart_drawing, "3.3", ax, FALLS, baseline=12)

    def test_mean_line_sorted_points_no_annotation(self, ax):
        ax.plot(sorted(FALLS))
        ax.axhline(statistics.fmean(FALLS[:12]))
        v = checks.judge("run_chart_drawing", ax, FALLS, baseline=12)
        assert v.mistake == "mean_not_median" and v.score == 0.0
        assert "sorted by size" in v.detail and "annotation" in v.detail

    def test_empty_axes_and_wrong_type(self, ax):
        assert checks.judge("run_chart_drawing", ax, FALLS).status == "unanswered"
        assert "Expected the matplotlib Axes" in checks.judge("run_chart_drawing", [1, 2], FALLS).detail


class TestBaselineChart:
    def test_freeze_and_no_freeze(self, capsys):
        y = FALLS
        assert "Right ✓" in run(
            capsys, checks.baseline_chart, "3.4", qi.run_chart(y=y, freeze=12), chart="run", n_points=18, baseline=12
        )
        v = checks.judge("baseline_chart", qi.run_chart(y=y), chart="run", n_points=18, baseline=12)
        assert v.mistake == "no_freeze"
        v = checks.judge(
            "baseline_chart", qi.control_chart(y=y, chart="i", freeze=12), chart="run", n_points=18, baseline=12
        )
        assert v.detail == "It is not the kind of chart the question asks for."


TRIAGE = [14, 16, 13, 15, 17, 14, 15, 29, 16, 14, 13, 15, 16, 14, 17, 15, 13, 16, 15, 14]


class TestMovingRanges:
    def test_values_and_functions(self, capsys):
        assert "Right ✓" in run(capsys, checks.moving_ranges, "5.1", np.abs(np.diff(TRIAGE)), TRIAGE)
        assert "Right ✓" in run(capsys, checks.moving_ranges, "5.1", lambda v: np.abs(np.diff(v)), TRIAGE)
        assert checks.judge(
            "moving_ranges", lambda v: [0] + [abs(b - a) for a, b in zip(v, v[1:], strict=False)], TRIAGE
        ).mistake == ("moving_range_padding")
        assert checks.judge("moving_ranges", lambda v: list(np.diff(v)), TRIAGE).mistake == "signed_moving_ranges"


class TestXmrLimits:
    def test_against_the_engine_unscreened(self, capsys):
        cc = qi.control_chart(y=TRIAGE, chart="i", screen_mr=False)
        ref = (cc.data["cl"].iloc[0], cc.data["lcl"].iloc[0], cc.data["ucl"].iloc[0])  # 2/sqrt(pi) constant
        assert "Right ✓" in run(capsys, checks.xmr_limits, "5.2", ref, TRIAGE)
        assert "Right ✓" in run(capsys, checks.xmr_limits, "5.2", dict(zip(("cl", "lcl", "ucl"), ref, strict=True)), TRIAGE)

    def test_mistakes(self):
        def limits(factor, spread):
            def fn(v):
                m = statistics.fmean(v)
                return m, m - factor * spread(v), m + factor * spread(v)

            return fn

        mr = lambda v: statistics.fmean(abs(b - a) for a, b in zip(v, v[1:], strict=False))  # noqa: E731
        assert checks.judge("xmr_limits", limits(3, statistics.stdev), TRIAGE).mistake == "sd_not_moving_range"
        assert checks.judge("xmr_limits", limits(3, mr), TRIAGE).mistake == "three_mr"
        assert checks.judge("xmr_limits", limits(2.66, mr), TRIAGE).right

    def test_wrong_shape(self):
        assert "three numbers" in checks.judge("xmr_limits", (1.0, 2.0), TRIAGE).detail

    def test_a_wrong_value_says_which_part_not_test_series(self):
        """Issue 15 audit: a learner's three numbers were told "0 of 1 test series are right"."""
        mean = statistics.fmean(TRIAGE)
        half = 2.66 * statistics.fmean(abs(b - a) for a, b in zip(TRIAGE, TRIAGE[1:], strict=False))
        limits_wrong = checks.judge("xmr_limits", (mean, mean - 3 * half, mean + 3 * half), TRIAGE).detail
        centre_wrong = checks.judge("xmr_limits", (statistics.median(TRIAGE), mean - half, mean + half), TRIAGE).detail
        assert limits_wrong == "The centre line is right; look again at the limits."
        assert centre_wrong == "The limits are right; look again at the centre line."
        for fn in (lambda v: (0.0, 0.0, 0.0), lambda v: [0.0] * (len(v) - 1)):
            detail = checks.judge("xmr_limits" if fn(TRIAGE)[0:3] == (0.0, 0.0, 0.0) else "moving_ranges", fn,
                                  TRIAGE).detail  # fmt: skip
            assert detail.startswith("Your function gives the right result for 0 of "), detail
        assert "test series" not in checks.judge("moving_ranges", [1.0] * (len(TRIAGE) - 1), TRIAGE).detail


class TestPointsOutside:
    def test_default_xmr_limits(self, capsys):
        weeks = list(range(1, 21))
        assert "Right ✓" in run(capsys, checks.points_outside, "5.3", [8], weeks, TRIAGE)
        assert checks.judge("points_outside", [7], weeks, TRIAGE).mistake == "positions_not_labels"

    def test_on_limit(self):
        v = checks.judge("points_outside", ["c", "d"], ["a", "b", "c", "d"], [5, 6, 8, 9], limits=(4, 8))
        assert v.mistake == "on_limit_counted"


class TestPLimits:
    EV, N = [10, 14, 9, 0, 3], [100, 120, 80, 10, 40]

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_against_the_engine(self, capsys):
        cc = qi.control_chart(y=self.EV, n=self.N, chart="p")
        answer = (cc.data["lcl"].tolist(), cc.data["ucl"].tolist())
        assert "Right ✓" in run(capsys, checks.p_limits, "6.2", answer, self.EV, self.N)

    def test_mistakes(self):
        p = sum(self.EV) / sum(self.N)
        half = [3 * math.sqrt(p * (1 - p) / n) for n in self.N]
        nbar = statistics.fmean(self.N)
        const = 3 * math.sqrt(p * (1 - p) / nbar)
        assert checks.judge("p_limits", ([p - h for h in half], [p + h for h in half]), self.EV, self.N).mistake == (
            "limits_not_clipped"
        )
        assert checks.judge("p_limits", ([max(p - const, 0)] * 5, [p + const] * 5), self.EV, self.N).mistake == (
            "constant_p_limits"
        )
        pct = ([100 * max(p - h, 0) for h in half], [100 * (p + h) for h in half])
        assert checks.judge("p_limits", pct, self.EV, self.N).mistake == "percentage_not_proportion"


class TestDaysBetween:
    DATES = ["2023-02-14", "2023-01-09", "2023-03-30", "2023-12-27", "2024-01-19"]

    @staticmethod
    def right(dates):
        d = sorted(dt.date.fromisoformat(x) for x in dates)
        return [b - a for a, b in zip(d, d[1:], strict=False)]  # timedeltas are accepted

    def test_right(self, capsys):
        assert "Right ✓" in run(capsys, checks.days_between, "7.1", self.right, self.DATES)
        with_pandas = lambda dates: pd.Series(pd.to_datetime(dates)).sort_values().diff().dt.days.dropna().tolist()  # noqa: E731
        assert checks.judge("days_between", with_pandas, self.DATES).right

    def test_mistakes(self):
        def unsorted(dates):
            d = [dt.date.fromisoformat(x) for x in dates]
            return [(b - a).days for a, b in zip(d, d[1:], strict=False)]

        def inclusive(dates):
            return [g.days + 1 for g in self.right(dates)]

        def padded(dates):
            return [0] + [g.days for g in self.right(dates)]

        assert checks.judge("days_between", unsorted, self.DATES).mistake == "unsorted_dates"
        assert checks.judge("days_between", inclusive, self.DATES).mistake == "inclusive_days"
        assert checks.judge("days_between", padded, self.DATES).mistake == "first_gap_zero"


class TestOverdispersion:
    ATT = [2010000, 1985000, 2120000, 2080000, 2150000, 2090000, 2200000, 2170000, 2050000, 2110000, 1990000, 2060000]
    EV = [1491420, 1451035, 1585760, 1501760, 1582400, 1569590, 1603800, 1614480, 1471900, 1546630, 1486530, 1493500]

    def test_against_the_engine_p_prime_chart(self, capsys):
        cc = qi.control_chart(y=self.EV, n=self.ATT, chart="pp", screen_mr=False)
        d = cc.data
        p = sum(self.EV) / sum(self.ATT)
        sigma_z = float(((d["ucl"] - d["cl"]) / (3 * np.sqrt(p * (1 - p) / d["n"]))).iloc[0])
        assert "Right ✓" in run(capsys, checks.overdispersion, "8.3", sigma_z, self.EV, self.ATT)

    def test_mistakes(self):
        p = sum(self.EV) / sum(self.ATT)
        z = [(e / n - p) / math.sqrt(p * (1 - p) / n) for e, n in zip(self.EV, self.ATT, strict=True)]
        mr = statistics.fmean(abs(b - a) for a, b in zip(z, z[1:], strict=False))
        assert checks.judge("overdispersion", statistics.stdev(z), self.EV, self.ATT).mistake == "sd_of_z"
        assert checks.judge("overdispersion", mr, self.EV, self.ATT).mistake == "forgot_d2"


class TestAim:
    GOOD = {"measure": "antibiotics within 1 hour", "population": "adults with sepsis", "baseline": 0.62,
            "target": 0.9, "by": "2026-03-31"}  # fmt: skip
    KW = {"baseline": 0.62, "improvement": "increase", "after": "2025-03-31"}

    def test_right(self, capsys):
        assert "Right ✓" in run(capsys, checks.aim, "2.2", self.GOOD, **self.KW)

    @pytest.mark.parametrize(
        "change, mistake",
        [
            ({"target": 90}, "percentage_not_proportion"),
            ({"target": 0.5}, "target_not_improvement"),
            ({"by": "2024-12-31"}, "deadline_too_early"),
        ],
    )
    def test_mistakes(self, change, mistake):
        v = checks.judge("aim", {**self.GOOD, **change}, **self.KW)
        assert v.mistake == mistake and 0 < v.score < 1

    def test_missing_parts(self):
        v = checks.judge("aim", {"measure": "x"}, **self.KW)
        assert v.detail == "The aim is missing: population, baseline, target, by."


class TestPdsa:
    CYCLE = {"change": "screening card", "prediction": "4 of 5 screened", "measure": "screened in 15 minutes",
             "study": "3 of 5, fewer than predicted", "act": "adapt"}  # fmt: skip

    def test_cycle(self, capsys):
        assert "Right ✓" in run(capsys, checks.pdsa_cycle, "9.1", self.CYCLE)
        assert checks.judge("pdsa_cycle", {**self.CYCLE, "prediction": "it will work"}).mistake == "no_prediction"
        assert checks.judge("pdsa_cycle", {**self.CYCLE, "study": "3 of 5 were screened"}).mistake == (
            "study_ignores_prediction"
        )
        assert checks.judge("pdsa_cycle", {**self.CYCLE, "act": "continue"}).mistake == "act_not_decision"

    def test_ramp(self, capsys):
        good = [{"scale": 1}, {"scale": 5}, {"scale": 15}, {"scale": 30}]
        assert "Right ✓" in run(capsys, checks.pdsa_ramp, "9.2", good + [...], final=30)
        # "about five times a step" is a rule of thumb (Langley et al. 2009): a bigger step is advice, not wrong
        jump = checks.judge("pdsa_ramp", [{"scale": 1}, {"scale": 30}, {"scale": 30}], final=30)
        assert jump.status == "right" and "belief" in jump.note
        assert checks.judge("pdsa_ramp", [{"scale": 20}, {"scale": 25}, {"scale": 30}], final=30).mistake == "scale_jump"
        assert checks.judge("pdsa_ramp", [...], final=30).status == "unanswered"


class TestAssurance:
    @staticmethod
    def engine_icon(lcl, ucl, target, improvement):
        """The qitools engine's assurance icon for a chart whose limits are exactly lcl/ucl."""
        mean, half = (lcl + ucl) / 2, (ucl - lcl) / 2
        y = [mean - half / 2.66 * 0.5, mean + half / 2.66 * 0.5] * 8  # moving range = half / 2.66
        cc = qi.control_chart(y=y, chart="i", rules="mdc", improvement=improvement, target=target, screen_mr=False)
        return cc.icons["assurance"].iloc[0]

    def test_the_reference_cases_agree_with_the_engine(self):
        from qitools.checks.judges.boards_and_funnels import _ASSURANCE_CASES, _assurance_ref

        for lcl, ucl, target, improvement in _ASSURANCE_CASES:
            if target in (lcl, ucl):
                continue  # the engine's limits differ from 2.66 in the 4th figure: exact ties are not reproducible
            assert _assurance_ref(lcl, ucl, target, improvement) == self.engine_icon(lcl, ucl, target, improvement)

    def test_swapped_direction(self, capsys):
        def swapped(lcl, ucl, target, improvement):  # "higher is better" logic used for "lower is better"
            if improvement == "increase":
                return "pass" if target >= ucl else "fail" if target < lcl else "hit_or_miss"
            return "pass" if target <= lcl else "fail" if target > ucl else "hit_or_miss"

        out = run(capsys, checks.assurance, "10.1", swapped)
        assert "the direction of improvement reversed" in out
        assert "Expected 'pass', 'fail' or 'hit_or_miss'" in run(capsys, checks.assurance, "10.1", lambda *a: "green")


class TestFunnel:
    UNITS, EV, N = ["A", "B", "C", "D"], [70, 60, 120, 40], [1000, 1000, 1000, 400]

    def test_limits(self, capsys):
        good = lambda p, n, z: (p - z * math.sqrt(p * (1 - p) / n), p + z * math.sqrt(p * (1 - p) / n))  # noqa: E731
        assert "Right ✓" in run(capsys, checks.funnel_limits, "11.2", good)
        no_sqrt = lambda p, n, z: (p - z * p * (1 - p) / n, p + z * p * (1 - p) / n)  # noqa: E731
        assert checks.judge("funnel_limits", no_sqrt).mistake == "no_sqrt"

    def test_outside(self, capsys):
        # p0 = 290/3400 = 0.0853; z = (p - p0) / sqrt(p0 (1 - p0) / n): A -1.73, B -2.86, C 3.93, D 0.57
        assert "Right ✓" in run(capsys, checks.outside_funnel, "11.3", ["C"], self.UNITS, self.EV, self.N)
        assert checks.judge("outside_funnel", ["B", "C"], self.UNITS, self.EV, self.N).mistake == "used_95_limits"
        assert checks.judge("outside_funnel", ["C", "D"], self.UNITS, self.EV, self.N).mistake == "league_table_ranking"
        assert "Not units of the data: x" in checks.judge("outside_funnel", ["X"], self.UNITS, self.EV, self.N).detail


class TestTidyTable:
    CSV = 'Ward report,,\nMonth,Falls,Bed days\n01/04/2023,9,"1,240"\n01/05/2023,11,"1,262"\nTotal,20,"2,502"\n'

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_read_measure_is_tidy_read_csv_is_not(self, tmp_path, capsys):
        path = tmp_path / "export.csv"
        path.write_text(self.CSV)
        kw = {"rows": 2, "numeric": ["Falls", "Bed days"], "dates": ["Month"]}
        assert "Right ✓" in run(capsys, checks.tidy_table, "12.1", qi.read_measure(path), **kw)
        v = checks.judge("tidy_table", pd.read_csv(path, skiprows=1), **kw)
        assert v.mistake == "text_numbers" and "one row too many" in v.detail

    def test_not_a_table(self):
        assert "Expected a table" in checks.judge("tidy_table", [1, 2], rows=2).detail


class TestJudge:
    def test_unknown_kind(self):
        with pytest.raises(KeyError):
            checks.judge("no_such_check", 1)

    def test_every_mistake_named_by_a_judge_is_in_the_catalogue(self):
        import re
        from pathlib import Path

        package = Path(checks.__file__).parent  # every file of the qitools.checks package
        source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(package.rglob("*.py")))
        named = set(re.findall(r'(?<![.\w])mistake(?:=| = | or )"([a-z_0-9]+)"', source))
        assert named and named <= set(checks.MISTAKES)
