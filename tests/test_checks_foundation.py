"""The judges of the foundation modules' clinician core (qitools/checks/judges/foundation.py).

``vital_few`` is checked against the Pareto analysis of the qcc package's documented example
(Scrucca L (2004), qcc: an R package for quality control charting and statistical process
control, R News 4/1:11-17; ``pareto.chart`` help page: defects "price code" 80, "schedule date"
27, "supplier code" 66, "contact num." 94, "part num." 33, whose cumulative percentages are
31.33, 58.00, 80.00, 91.00 and 100.00), where the third category reaches the 80% cut exactly,
and on hand-worked cases. ``chart_settings`` is checked on real chart results.
"""

from __future__ import annotations

import warnings

import pytest

import qitools as qi
from qitools import checks

#: qcc's pareto.chart example (category -> count), as printed on its help page
QCC_DEFECTS = {"price code": 80, "schedule date": 27, "supplier code": 66, "contact num.": 94, "part num.": 33}


def _judge(answer, cats=tuple(QCC_DEFECTS), counts=tuple(QCC_DEFECTS.values()), **kw):
    return checks.judge("vital_few", answer, list(cats), list(counts), **kw)


class TestVitalFew:
    def test_a_category_reaching_the_cut_exactly_is_included(self):
        # cumulative 31.33, 58.00, 80.00: "supplier code" brings the share to exactly 80%
        assert _judge(["contact num.", "price code", "supplier code"]).status == "right"

    def test_order_case_and_spaces_do_not_matter(self):
        assert _judge([" Supplier Code", "PRICE CODE", "contact num."]).status == "right"

    def test_stopping_before_the_cut(self):
        v = _judge(["contact num.", "price code"])
        assert (v.status, v.mistake) == ("wrong", "cut_not_reached") and 0 < v.score < 1

    def test_going_past_the_cut(self):
        v = _judge(["contact num.", "price code", "supplier code", "part num."])
        assert (v.status, v.mistake) == ("wrong", "past_the_cut")

    def test_not_the_largest(self):
        v = _judge(["price code", "schedule date", "part num."])
        assert (v.status, v.mistake) == ("wrong", "pareto_unsorted")

    def test_other_cuts(self):
        assert _judge(["contact num."], cut=30).status == "right"  # 31.33 >= 30
        assert _judge(["contact num.", "price code"], cut=58).status == "right"  # 58.00 exactly
        assert _judge(["contact num.", "price code", "supplier code"], cut=58.01).status == "right"

    def test_rows_of_the_same_category_are_added(self):
        # incident records: one row per fall, count 1 each
        cats = ["Toilet"] * 6 + ["Bed"] * 3 + ["Chair"] + ["Corridor"]
        assert checks.judge("vital_few", ["toilet", "bed"], cats, [1] * len(cats)).status == "right"  # 9/11 = 82%

    def test_misspelt_category(self):
        v = _judge(["contact number", "price code", "supplier code"])
        assert v.status == "wrong" and "spelling" in v.detail

    def test_a_function(self):
        def right(counts, cut):
            order = sorted(counts, key=lambda k: (-counts[k], k))
            total, running, out = sum(counts.values()), 0, []
            for k in order:
                out.append(k)
                running += counts[k]
                if 100 * running / total >= cut:
                    return out
            return out

        def strict(counts, cut):  # goes on past a category that reaches the cut exactly (> instead of >=)
            total, running, out = sum(counts.values()), 0, []
            for k in sorted(counts, key=lambda k: (-counts[k], k)):
                out.append(k)
                running += counts[k]
                if 100 * running / total > cut:
                    return out
            return out

        assert _judge(right).status == "right"
        v = _judge(strict)
        assert v.status == "wrong" and 0 < v.score < 1
        assert _judge(lambda counts, cut: None).status == "unanswered"
        assert "stopped with ZeroDivisionError" in _judge(lambda counts, cut: 1 / 0).detail

    @pytest.mark.parametrize("blank", [..., None, []])
    def test_unanswered(self, blank):
        assert _judge(blank).status == "unanswered"

    @pytest.mark.parametrize("bad", ["contact num.", {"contact num.": 94}, 3])
    def test_wrong_type_says_what_is_expected(self, bad):
        v = _judge(bad)
        assert v.status == "wrong" and "list of category names" in v.detail

    def test_never_reveals_the_answer(self, capsys):
        checks.reset()
        for _ in range(3):
            checks.vital_few("3.1", ["schedule date"], list(QCC_DEFECTS), list(QCC_DEFECTS.values()))
        out = capsys.readouterr().out
        assert "contact" not in out and "supplier" not in out and "price" not in out
        assert out.count("Not yet") == 3 and "Hint 2 of 2" in out and "coach" in out


@pytest.fixture(scope="module")
def chart():
    """Trust T13's I chart with the Making Data Count rules and the 78% standard."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ed = qi.datasets.load("ed_four_hour")
        one = ed[ed["trust"] == "T13"].assign(pct=lambda d: 100 * (1 - d["breaches"] / d["attendances"]))
        return qi.control_chart(one, x="month", y="pct", chart="i", rules="mdc", improvement="increase", target=78)


class TestChartSettings:

    def test_right(self, chart):
        v = checks.judge("chart_settings", chart, chart="i", n_points=48, target=78, improvement="increase", rules="mdc")
        assert v.status == "right"

    def test_aliases_of_the_chart_name(self, chart):
        assert checks.judge("chart_settings", chart, chart="xmr", target=78).status == "right"

    def test_each_wrong_setting_is_named_without_its_value(self, chart):
        v = checks.judge("chart_settings", chart, chart="i", n_points=48, target=76, improvement="decrease")
        assert v.status == "wrong" and "target=" in v.detail and "improvement=" in v.detail
        assert "76" not in v.detail and "decrease" not in v.detail
        assert v.score == pytest.approx(1 - 2 / 4)

    def test_wrong_chart_and_points(self, chart):
        v = checks.judge("chart_settings", chart, chart="run", n_points=36)
        assert v.status == "wrong" and "chart=" in v.detail and "48 points" in v.detail and v.score == 0

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_dates_and_lists(self):
        rc = qi.run_chart(x=[f"2024-{m:02d}-01" for m in range(1, 13)], y=[5, 6, 5, 7, 6, 5, 3, 2, 3, 2, 3, 2],
                          part=["2024-07-01"])
        assert checks.judge("chart_settings", rc, chart="run", part=["2024-07-01"]).status == "right"
        assert checks.judge("chart_settings", rc, chart="run", part=["2024-08-01"]).status == "wrong"

    def test_not_a_chart(self):
        v = checks.judge("chart_settings", [1, 2, 3], chart="run")
        assert v.status == "wrong" and "qi.run_chart" in v.detail

    def test_unanswered(self):
        assert checks.judge("chart_settings", ..., chart="run").status == "unanswered"

    def test_hashed_keys_for_settings_the_learner_works_out(self, chart):
        keys = {"target": checks.make_key("1.4", 78, "target"), "improvement": checks.make_key("1.4", "increase", "improvement")}
        assert checks.judge("chart_settings", chart, chart="i", qid="1.4", keys=keys).status == "right"
        wrong = {"target": checks.make_key("1.4", 76, "target")}
        v = checks.judge("chart_settings", chart, chart="i", qid="1.4", keys=wrong)
        assert v.status == "wrong" and "target=" in v.detail

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_facet_given_as_a_name(self):
        falls = qi.datasets.load("ward_falls")
        rc = qi.run_chart(falls, x="month", y="falls", n="occupied_bed_days", multiply=1000, facet="ward")
        assert checks.judge("chart_settings", rc, chart="run", n_points=288, facet="ward").status == "right"
        keys = {"facet": checks.make_key("2.8", "ward", "facet")}
        assert checks.judge("chart_settings", rc, chart="run", qid="2.8", keys=keys).status == "right"
        assert checks.judge("chart_settings", rc, chart="run", facet="specialty").status == "wrong"

    def test_unknown_setting_is_an_author_error(self, chart):
        with pytest.raises(ValueError, match="cannot check"):
            checks.judge("chart_settings", chart, chart="i", colour="red")


class TestRunChartDrawingAt:
    """run_chart_drawing(at=): the note marking the change is where the change started."""

    FALLS = [7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5, 6.1, 5.4, 6.6, 5.2, 5.9, 6.3]

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_a_qitools_chart_with_its_annotation(self):
        import matplotlib

        matplotlib.use("Agg")
        rc = qi.run_chart(x=list(range(1, 19)), y=self.FALLS, freeze=12)
        ax = rc.plot(annotations=[{"x": 13, "label": "Falls bundle starts"}])
        assert checks.judge("run_chart_drawing", ax, self.FALLS, baseline=12, at=13).status == "right"
        v = checks.judge("run_chart_drawing", ax, self.FALLS, baseline=12, at=16)
        assert v.status == "wrong" and v.score == pytest.approx(0.8)
        plain = rc.plot()  # the median's label and the signal note are texts too, but not at month 13
        assert checks.judge("run_chart_drawing", plain, self.FALLS, baseline=12, at=13).status == "wrong"
        import matplotlib.pyplot as plt

        plt.close("all")


class TestVitalFewAgreesWithParetoTable:
    """The check and qi.pareto_table (written independently, the same convention) pick the same vital few."""

    def test_random_counts(self):
        import numpy as np

        rng = np.random.default_rng(20240401)
        for _ in range(200):
            k = int(rng.integers(2, 9))
            cats = [f"cause {chr(65 + i)}" for i in range(k)]
            counts = rng.integers(0, 30, size=k).tolist()
            if sum(counts) == 0:
                continue
            cut = float(rng.choice([50, 60, 70, 80, 90]))
            table = qi.pareto_table(category=cats, count=counts, cut=cut)
            expected = table.loc[table["vital_few"], "category"].tolist()
            v = checks.judge("vital_few", expected, cats, counts, cut=cut)
            assert v.status == "right", (cats, counts, cut, expected, v)

    def test_the_course_data(self):
        df = qi.datasets.load("falls_incidents")
        table = qi.pareto_table(df, category="cause")
        expected = table.loc[table["vital_few"], "category"].tolist()
        assert checks.judge("vital_few", expected, df["cause"], [1] * len(df)).status == "right"
