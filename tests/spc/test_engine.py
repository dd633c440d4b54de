"""Behaviour of the engine on edge cases and bad input: what users of messy data will hit.

Numbers here are small hand-checkable cases (computed in the docstring from the formulas), not
snapshots of qitools' own output; the published and R-package references are in
test_reference_*.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import DataChangedWarning, QITypeError, QIValueError, TooFewPointsWarning

D2_2 = 2 / math.sqrt(math.pi)  # d2(2), exact


def quiet(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        return qi.control_chart(**kwargs)


class TestResultShape:
    def test_data_and_summary_columns_follow_design(self):
        df = pd.DataFrame({"month": range(1, 25), "falls": [3, 5, 4, 6] * 6, "days": [900] * 24})
        cc = qi.control_chart(df, x="month", y="falls", n="days", chart="u", multiply=1000)
        for col in ["x", "y", "n", "part", "baseline", "include", "cl", "lcl", "ucl", "sigma_signal", "runs_signal"]:
            assert col in cc.data.columns
        for col in [
            "part",
            "n_obs",
            "n_useful",
            "longest_run",
            "longest_run_max",
            "n_crossings",
            "n_crossings_min",
            "runs_signal",
            "cl",
            "lcl",
            "ucl",
            "sigma_signals",
        ]:
            assert col in cc.summary.columns
        assert isinstance(cc, qi.ControlChart)

    def test_repr_and_html(self):
        cc = qi.control_chart(y=[12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22], n=[50] * 15, chart="p")
        assert repr(cc).startswith("<ControlChart chart='p' points=15 parts=1 sigma_signals=")
        page = cc._repr_html_()
        assert "P chart" in page and "<table>" in page and "Conventions" in page

    def test_conventions_name_the_estimator(self):
        cc = qi.control_chart(y=[1.0, 2, 3, 2, 1, 2, 3, 2, 1, 2], chart="i")
        conv = cc.conventions
        assert "2/sqrt(pi)" in conv["sigma"]
        assert conv["moving ranges"].startswith("screened")
        cc = qi.control_chart(y=[1.0, 2, 3, 2, 1, 2, 3, 2, 1, 2], chart="i", screen_mr=False)
        assert cc.conventions["moving ranges"].startswith("not screened")

    def test_aliases(self):
        y = [1.0, 2, 4, 2, 1, 2, 3, 5, 1, 2, 4, 3]
        assert quiet(y=y, chart="xmr").chart == "i"
        assert quiet(y=[3, 4], n=[10, 10], chart="p_prime").chart == "pp"
        assert quiet(y=[3, 4], n=[10, 10], chart="u_prime").chart == "up"

    def test_signals_lists_flagged_rows(self):
        y = [9.0, 11] * 15 + [30]
        cc = qi.control_chart(y=y, chart="i", screen_mr=False)
        sig = cc.signals()
        assert list(sig["x"]) == [31]


class TestIChartByHand:
    def test_limits_from_average_moving_range(self):
        """y = 1, 3, 2, 4: mean 2.5, MRs 2, 1, 2 -> MR-bar 5/3, sigma = MR-bar / d2(2)."""
        with pytest.warns(TooFewPointsWarning):
            cc = qi.control_chart(y=[1.0, 3.0, 2.0, 4.0], chart="i", screen_mr=False)
        sigma = (5 / 3) / D2_2
        np.testing.assert_allclose(cc.data["cl"], 2.5)
        np.testing.assert_allclose(cc.data["ucl"], 2.5 + 3 * sigma)
        np.testing.assert_allclose(cc.data["lcl"], 2.5 - 3 * sigma)

    def test_screening_drops_a_large_moving_range_once(self):
        """MRs are 1 (x10) and 30: average 40/11 = 3.64; 30 > 3.2665 x 3.64, so it is dropped."""
        y = [0.0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 30]
        cc = quiet(y=y, chart="i")
        np.testing.assert_allclose(cc.summary["ucl"] - cc.summary["cl"], 3 * 1.0 / D2_2)
        unscreened = quiet(y=y, chart="i", screen_mr=False)
        np.testing.assert_allclose(unscreened.summary["ucl"] - unscreened.summary["cl"], 3 * (40 / 11) / D2_2)


class TestGapsAndOrder:
    def test_nan_is_a_gap_not_a_crash(self):
        y = [5.0, 6, np.nan, 5, 7, 6, 5, np.nan, 6, 7, 5, 6, 5]
        cc = quiet(y=y, chart="i")
        assert np.isnan(cc.data["y"].iloc[2])
        assert not cc.data["sigma_signal"].iloc[2]
        assert cc.summary["n_useful"].iloc[0] <= 11
        # a moving range spans two consecutive periods only (qicharts2, NHSRplotthedots, Minitab): the
        # four that touch a gap are left out. Mean 63/11; MRs 1, 2, 1, 1, 1, 2, 1, 1 -> MR-bar 10/8
        # (none screened: 3.2665 x 1.25 = 4.08). Bridging the gaps would give MR-bar 12/10.
        np.testing.assert_allclose(cc.summary["cl"], 63 / 11)
        np.testing.assert_allclose(cc.summary["ucl"], 63 / 11 + 3 * (10 / 8) / D2_2)
        dropped = quiet(y=[v for v in y if not np.isnan(v)], chart="i")
        np.testing.assert_allclose(dropped.summary["ucl"], 63 / 11 + 3 * (12 / 10) / D2_2)

    def test_nan_in_p_chart_denominator_is_a_gap(self):
        cc = quiet(y=[3, 4, 5, 2, 3], n=[20, np.nan, 20, 20, 20], chart="p")
        assert np.isnan(cc.data["y"].iloc[1])
        np.testing.assert_allclose(cc.data["cl"].iloc[0], 13 / 80)

    @pytest.mark.filterwarnings("ignore:The runs analysis needs:qitools.TooFewPointsWarning")
    def test_unsorted_x_is_sorted_with_a_warning(self):
        df = pd.DataFrame({"x": [3, 1, 2, 4], "y": [30.0, 10, 20, 40]})
        with pytest.warns(DataChangedWarning, match="not in time order"):
            cc = qi.control_chart(df, x="x", y="y", chart="run")
        assert list(cc.data["x"]) == [1, 2, 3, 4]
        assert list(cc.data["y"]) == [10, 20, 30, 40]

    def test_interleaved_facets_are_not_unsorted(self):
        df = pd.DataFrame({"x": [1, 1, 2, 2], "ward": ["a", "b", "a", "b"], "y": [1.0, 2, 3, 4]})
        with warnings.catch_warnings():
            warnings.simplefilter("error", DataChangedWarning)
            warnings.simplefilter("ignore", TooFewPointsWarning)
            qi.control_chart(df, x="x", y="y", facet="ward")

    @pytest.mark.filterwarnings("ignore:The runs analysis needs:qitools.TooFewPointsWarning")
    def test_duplicate_x_is_aggregated_with_mean_and_warns(self):
        df = pd.DataFrame({"x": [1, 1, 2, 3], "y": [2.0, 4, 5, 6]})
        with pytest.warns(DataChangedWarning, match=r"aggregated with mean\(\)"):
            cc = qi.control_chart(df, x="x", y="y", chart="i")
        assert list(cc.data["y"]) == [3, 5, 6]

    @pytest.mark.filterwarnings("ignore:The runs analysis needs:qitools.TooFewPointsWarning")
    def test_duplicate_x_is_summed_for_count_charts(self):
        df = pd.DataFrame({"x": [1, 1, 2, 3], "y": [2, 4, 5, 6], "n": [10, 10, 20, 20]})
        with pytest.warns(DataChangedWarning, match="summed"):
            cc = qi.control_chart(df, x="x", y="y", n="n", chart="p")
        np.testing.assert_allclose(cc.data["y"], [6 / 20, 5 / 20, 6 / 20])
        np.testing.assert_allclose(cc.data["cl"], 17 / 60)

    def test_rows_without_x_are_dropped_and_named(self):
        df = pd.DataFrame({"month": [1, 2, 3, None], "y": [1.0, 2, 3, 6]})
        with pytest.warns(DataChangedWarning, match=r"x is missing in row 3"):
            cc = quiet_keep_changed(df)
        assert len(cc.data) == 3

    def test_string_x_keeps_given_order(self):
        df = pd.DataFrame({"m": ["Jan", "Feb", "Mar"], "y": [1.0, 2, 3]})
        cc = quiet(data=df, x="m", y="y")
        assert list(cc.data["x"]) == ["Jan", "Feb", "Mar"]

    def test_dates_as_x(self):
        df = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=12, freq="MS"), "y": range(12)})
        cc = quiet(data=df, x="month", y="y", freeze=pd.Timestamp("2024-06-01"))
        assert cc.data["baseline"].sum() == 6
        assert pd.api.types.is_datetime64_any_dtype(cc.data["x"])
        cc2 = quiet(data=df, x="month", y="y", freeze="2024-06-01")
        assert cc2.data["baseline"].sum() == 6


def quiet_keep_changed(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TooFewPointsWarning)
        return qi.control_chart(df, x="month", y="y", chart="i")


class TestPartsFreezeExclude:
    y = [5.0, 6, 5, 7, 6, 5, 6, 7, 5, 6, 10, 11, 10, 12, 11, 10, 11, 12, 10, 11]

    def test_part_as_x_values(self):
        cc = quiet(y=self.y, chart="i", part=[11])
        assert list(cc.summary["part"]) == [1, 2]
        np.testing.assert_allclose(cc.summary["cl"], [np.mean(self.y[:10]), np.mean(self.y[10:])])

    def test_part_as_column_with_labels(self):
        df = pd.DataFrame({"x": range(1, 21), "y": self.y, "phase": ["before"] * 10 + ["after"] * 10})
        cc = quiet(data=df, x="x", y="y", chart="i", part="phase")
        assert list(cc.summary["part"]) == [1, 2]
        assert list(cc.data["part_label"].iloc[[0, -1]]) == ["before", "after"]

    def test_freeze_extends_baseline_limits(self):
        cc = quiet(y=self.y, chart="i", freeze=10)
        assert cc.data["baseline"].sum() == 10
        np.testing.assert_allclose(cc.data["cl"], np.mean(self.y[:10]))
        # runs analysis covers every point of the part, so the later shift is detected
        assert bool(cc.summary["runs_signal"].iloc[0])

    def test_exclude_leaves_point_out_of_limits_but_judges_it(self):
        y = [5.0, 6, 5, 7, 6, 5, 6, 7, 5, 6, 50, 6]
        cc = quiet(y=y, chart="i", exclude=[11])
        kept = [v for i, v in enumerate(y) if i != 10]
        np.testing.assert_allclose(cc.data["cl"].iloc[0], np.mean(kept))
        assert not cc.data["include"].iloc[10]
        assert bool(cc.data["sigma_signal"].iloc[10])
        assert cc.summary["n_obs"].iloc[0] == 11

    def test_unknown_x_values_are_refused(self):
        with pytest.raises(QIValueError, match=r"exclude= names x values that are not in the data: \[99\]"):
            qi.control_chart(y=self.y, chart="i", exclude=[99])
        with pytest.raises(QIValueError, match="freeze= names x values"):
            qi.control_chart(y=self.y, chart="i", freeze=0)
        with pytest.raises(QIValueError, match="part= names x values"):
            qi.control_chart(y=self.y, chart="i", part=[21])

    def test_fixed_centre_line_on_plotted_scale(self):
        cc = quiet(y=[3, 4, 5, 2, 3, 4], n=[100] * 6, chart="p", cl=5, multiply=100)
        np.testing.assert_allclose(cc.data["cl"], 5)
        np.testing.assert_allclose(cc.data["ucl"], 100 * (0.05 + 3 * math.sqrt(0.05 * 0.95 / 100)))

    def test_target_per_facet(self):
        df = pd.DataFrame({"ward": ["a"] * 12 + ["b"] * 12, "y": list(range(12)) * 2})
        cc = quiet(data=df, y="y", facet="ward", target={"a": 3, "b": 5})
        assert list(cc.summary["target"]) == [3, 5]
        with pytest.raises(QIValueError, match="not facets"):
            qi.control_chart(df, y="y", facet="ward", target={"c": 1})


class TestFacets:
    def test_each_facet_is_its_own_chart(self):
        df = pd.DataFrame({"ward": ["b"] * 12 + ["a"] * 12, "y": list(range(12)) + list(range(100, 112))})
        cc = quiet(data=df, y="y", chart="i", facet="ward")
        assert list(cc.summary["ward"]) == ["a", "b"]
        np.testing.assert_allclose(cc.summary["cl"], [105.5, 5.5])
        alone = quiet(y=list(range(12)), chart="i")
        np.testing.assert_allclose(cc.summary["ucl"].iloc[1], alone.summary["ucl"].iloc[0])

    def test_two_facet_columns(self):
        df = pd.DataFrame({"org": ["x"] * 24 + ["y"] * 24, "kind": (["p"] * 12 + ["q"] * 12) * 2, "v": range(48)})
        cc = quiet(data=df, y="v", facet=["org", "kind"])
        assert len(cc.summary) == 4
        assert list(cc.summary["facet"]) == ["x | p", "x | q", "y | p", "y | q"]


class TestOtherCharts:
    @pytest.mark.filterwarnings("ignore:The runs analysis needs:qitools.TooFewPointsWarning")
    def test_constant_series_has_zero_width_limits(self):
        with pytest.warns(TooFewPointsWarning, match="zero width"):
            cc = qi.control_chart(y=[5.0] * 15, chart="i")
        np.testing.assert_allclose(cc.data[["lcl", "cl", "ucl"]].to_numpy(), 5.0)
        assert not cc.data["sigma_signal"].any()
        assert cc.summary["n_useful"].iloc[0] == 0
        assert not cc.summary["runs_signal"].iloc[0]

    @pytest.mark.filterwarnings("ignore:The runs analysis needs:qitools.TooFewPointsWarning")
    def test_too_few_points_gives_nan_limits_and_warns(self):
        with pytest.warns(TooFewPointsWarning, match="No control limits"):
            cc = qi.control_chart(y=[5.0], chart="i")
        assert np.isnan(cc.data["ucl"].iloc[0])

    def test_g_chart_median_centre_mean_limits(self):
        """y = 1..9: median 5, mean 5, sd = sqrt(5 x 6); lcl clipped at 0."""
        cc = quiet(y=list(range(1, 10)), chart="g")
        np.testing.assert_allclose(cc.data["cl"], 5)
        np.testing.assert_allclose(cc.data["ucl"], 5 + 3 * math.sqrt(30))
        np.testing.assert_allclose(cc.data["lcl"], 0)
        np.testing.assert_allclose(cc.summary["mean"], 5)

    def test_np_chart(self):
        """Counts 2, 4, 6 of 20: p-bar 0.2, cl 4, sigma sqrt(20 x 0.2 x 0.8)."""
        cc = quiet(y=[2, 4, 6], n=[20, 20, 20], chart="np")
        np.testing.assert_allclose(cc.data["cl"], 4)
        np.testing.assert_allclose(cc.data["ucl"], 4 + 3 * math.sqrt(3.2))

    def test_run_chart_with_denominator_charts_ratio(self):
        cc = quiet(y=[1, 2, 3], n=[10, 10, 10], chart="run")
        np.testing.assert_allclose(cc.data["y"], [0.1, 0.2, 0.3])

    def test_point_type_with_improvement(self):
        y = [9.0, 11] * 15 + [30]
        cc = quiet(y=y, chart="i", screen_mr=False, improvement="decrease")
        assert cc.data["point_type"].iloc[-1] == "special_cause_concern"
        assert cc.data["point_type"].iloc[0] == "common_cause"


class TestBadInput:
    def test_unknown_chart_suggests_lower_case(self):
        with pytest.raises(QIValueError, match=r"`chart` must be one of .*got 'P'\. Names are lower-case: use 'p'"):
            qi.control_chart(y=[1, 2], n=[3, 4], chart="P")
        with pytest.raises(QIValueError, match="Did you mean 'xbar'"):
            qi.control_chart(y=[1, 2], chart="xbarr")

    def test_missing_column_lists_columns(self):
        df = pd.DataFrame({"Falls": [1, 2], "month": [1, 2]})
        with pytest.raises(
            QIValueError, match=r"Column 'falls' \(given as y=\) is not in the data\. Did you mean 'Falls'\?"
        ):
            qi.control_chart(df, x="month", y="falls")

    def test_column_name_without_data(self):
        with pytest.raises(QIValueError, match="no data was given"):
            qi.control_chart(y="falls")

    def test_percent_strings_say_how_to_convert(self):
        df = pd.DataFrame({"m": [1, 2, 3], "perf": ["85%", "90%", "88%"]})
        with pytest.raises(QITypeError, match=r"rows 0, 1, 2 hold text such as '85%'.*str\.rstrip\('%'\)"):
            qi.control_chart(df, x="m", y="perf")

    def test_thousands_separators_say_how_to_convert(self):
        df = pd.DataFrame({"m": [1, 2], "att": ["1,234", "2,345"]})
        with pytest.raises(QITypeError, match="thousands separators.*thousands=','"):
            qi.control_chart(df, x="m", y="att")

    def test_total_row_is_named(self):
        df = pd.DataFrame({"m": [1, 2, 3], "y": ["4", "5", "Total"]})
        with pytest.raises(QITypeError, match=r"row 2 holds text such as 'Total'"):
            qi.control_chart(df, x="m", y="y")

    def test_blank_strings_are_gaps(self):
        df = pd.DataFrame({"m": range(1, 13), "y": ["4", "5", " "] + ["6"] * 9})
        cc = quiet(data=df, x="m", y="y")
        assert np.isnan(cc.data["y"].iloc[2])

    def test_zero_denominator_names_rows(self):
        df = pd.DataFrame({"y": [1, 2, 3, 4], "days": [10, 0, 10, -1]}, index=[10, 11, 12, 13])
        with pytest.raises(QIValueError, match=r"Column 'days' \(n\) has 2 zero or negative values \(rows 11, 13\)"):
            qi.control_chart(df, y="y", n="days", chart="u")

    def test_y_greater_than_n(self):
        with pytest.raises(QIValueError, match=r"y has 1 value greater than n .*row 1.*not swapped"):
            qi.control_chart(y=[1, 30], n=[10, 20], chart="p")

    def test_t_chart_needs_positive_times(self):
        with pytest.raises(QIValueError, match=r"1 zero or negative time between events \(row 1\)"):
            qi.control_chart(y=[3, 0, 5], chart="t")

    def test_negative_counts(self):
        with pytest.raises(QIValueError, match="1 negative value "):
            qi.control_chart(y=[3, -1, 5], chart="c")

    def test_denominator_required_and_refused(self):
        with pytest.raises(QIValueError, match="needs a denominator"):
            qi.control_chart(y=[1, 2], chart="u")
        with pytest.raises(QIValueError, match="does not use a denominator"):
            qi.control_chart(y=[1, 2], n=[3, 4], chart="c")

    def test_lengths_must_match(self):
        with pytest.raises(QIValueError, match="has 2 values but there are 3 rows"):
            qi.control_chart(y=[1, 2, 3], n=[3, 4], chart="p")

    def test_bad_options(self):
        with pytest.raises(QIValueError, match="multiply"):
            qi.control_chart(y=[1, 2], multiply=0)
        with pytest.raises(QIValueError, match="improvement"):
            qi.control_chart(y=[1, 2], improvement="up")
        with pytest.raises(QIValueError, match="needs control limits, and a run chart has none"):
            qi.control_chart(y=[1, 2], rules="nelson")
        with pytest.raises(QIValueError, match="Did you mean 'nelson'"):
            qi.control_chart(y=[1, 2], chart="i", rules="nelsen")
        with pytest.raises(QITypeError, match="DataFrame"):
            qi.control_chart("data.csv", y="y")

    def test_empty_data(self):
        with pytest.raises(QIValueError, match="no rows to chart"):
            qi.control_chart(pd.DataFrame({"y": []}), y="y")

    def test_errors_share_a_base_class(self):
        with pytest.raises(qi.QIToolsError):
            qi.control_chart(y=[1, 2], chart="nope")


class TestCompactTable:
    """Labels repeated on every row are categoricals (no Python object per row); flags are bool;
    the filters users write on them still work (strings compare with categoricals)."""

    @pytest.fixture
    def cc(self):
        rng = np.random.default_rng(3)
        n = 24
        df = pd.DataFrame(
            {
                "trust": np.repeat(["RRK", "RJZ", "R1H"], 2 * n),
                "indicator": np.tile(np.repeat(["A&E 4h", "RTT 18w"], n), 3),
                "month": np.tile(pd.date_range("2022-01-01", periods=n, freq="MS"), 6),
                "value": rng.normal(80, 4, 6 * n),
            }
        )
        df.loc[df.index[-3:], "value"] += 25  # a special cause at the end of R1H | RTT 18w
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", qi.QIToolsWarning)
            return qi.control_chart(df, x="month", y="value", chart="i", rules="mdc", improvement="increase",
                                    facet=["trust", "indicator"])

    def test_no_object_columns(self, cc):
        d = cc.data
        assert not [c for c in d.columns if d[c].dtype == object], d.dtypes
        for col in ("trust", "indicator", "facet", "point_type", "mdc_rule"):
            assert isinstance(d[col].dtype, pd.CategoricalDtype), col
        for col in ("baseline", "include", "sigma_signal", "special_cause", "mdc_outside", "mdc_trend"):
            assert d[col].dtype == bool, col

    def test_filters_users_write_still_work(self, cc):
        d = cc.data
        concern = d[d.point_type == "special_cause_improvement"]
        assert "R1H | RTT 18w" in set(concern["facet"])
        assert (d.point_type != "common_cause").sum() == d.special_cause.sum()
        assert len(d[d.trust == "RRK"]) == 48 and len(d[d.facet == "RRK | A&E 4h"]) == 24
        assert d.trust.isin(["RRK", "RJZ"]).sum() == 96
        assert (d.point_type == "not a point type").sum() == 0
        assert d.mdc_rule.str.len().max() > 0
        assert d.groupby("facet", observed=True).size().tolist() == [24] * 6
        assert sorted(d["facet"].unique().tolist()) == sorted(cc.summary["facet"].tolist())
