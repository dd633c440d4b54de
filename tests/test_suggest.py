"""qi.suggest_chart: the chart-selection guide of the course, applied to data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qitools as qi


class TestSuggestChart:
    def test_classification_data_gets_a_p_chart(self):
        s = qi.suggest_chart(y=[30, 35, 32, 34], n=[50, 52, 49, 51])
        assert s.chart == "p" and s.data_type == "classification"
        assert "either have the event or not" in s.reasons[0]

    def test_counts_per_exposure_get_a_u_chart(self):
        df = pd.DataFrame({"falls": [3, 5, 2, 4], "occupied_bed_days": [1480, 1512, 1490, 1500]})
        s = qi.suggest_chart(df, y="falls", n="occupied_bed_days")
        assert s.chart == "u" and "exposure" in s.reasons[0]
        assert qi.suggest_chart(y=[3, 12], n=[10, 10]).chart == "u"  # y > n: cannot be a proportion
        assert qi.suggest_chart(y=[30, 35], n=[50, 52], kind="count").chart == "u"

    def test_overdispersed_large_denominators_get_laney(self):
        rng = np.random.default_rng(7)
        n = rng.integers(8_000, 12_000, 36)
        y = np.round(n * (0.78 + rng.normal(0, 0.03, 36)))
        s = qi.suggest_chart(y=y, n=n)
        assert s.chart == "pp" and "over-dispersion" in s.reasons[-2]
        assert "stratify" in s.reasons[-1] and "hide a real cause" in s.reasons[-1]  # Mohammed et al. 2013
        assert any("chart='i'" in a for a in s.alternatives)
        # the same denominators with binomial variation only: an ordinary p chart
        y_binomial = rng.binomial(n, 0.78)
        assert qi.suggest_chart(y=y_binomial, n=n).chart == "p"

    def test_counts_without_denominator(self):
        assert qi.suggest_chart(y=[4, 6, 3, 5, 7, 4]).chart == "c"
        rare = qi.suggest_chart(y=[0, 0, 1, 0, 0, 2, 0, 0, 0, 1])
        assert rare.chart == "c" and "rare" in rare.reasons[0] and "chart='t'" in rare.alternatives[0]

    def test_days_between_events(self):
        df = pd.DataFrame({"days_between_falls": [12, 30, 5, 44]})
        assert qi.suggest_chart(df, y="days_between_falls").chart == "t"
        df = pd.DataFrame({"cases_between_deaths": [120, 300, 55, 440]})
        assert qi.suggest_chart(df, y="cases_between_deaths").chart == "g"

    def test_measurements(self):
        assert qi.suggest_chart(y=[52.5, 61.0, 48.2, 55.9]).chart == "i"
        df = pd.DataFrame({"week": [1, 1, 1, 2, 2, 2], "minutes": [52.5, 61.0, 48.2, 55.9, 70.1, 49.8]})
        assert qi.suggest_chart(df, x="week", y="minutes").chart == "xbar"
        door_to_needle = qi.datasets.load("door_to_needle")  # whole minutes, several patients a month
        assert qi.suggest_chart(door_to_needle, x="month", y="door_to_needle_min").chart == "xbar"

    def test_large_subgroups_that_vary_between_periods_get_an_i_chart(self):
        """About 300 CT scans a month: xbar limits from the spread within months are far too narrow.

        The means vary about 3 times more between months than 300 patients' spread explains, so an
        I chart of the monthly median (or mean) is suggested (issue 17: an xbar chart of CT waits
        signals on ordinary months); the same sizes with chance variation only keep the xbar chart.
        """
        ct = qi.datasets.load("ct_waits")
        s = qi.suggest_chart(ct, x="month", y="wait_days")
        assert s.chart == "i" and s.data_type == "measurement"
        assert "agg='median'" in s.reasons[-1] and "times more" in s.reasons[-1]
        assert "chart='xbar'" in s.alternatives[0]
        # the same charted: xbar flags ordinary months, the I chart of monthly medians does not
        baseline = ct[ct["month"] < "2023-10-01"]
        assert qi.control_chart(baseline, x="month", y="wait_days", chart="xbar").summary["sigma_signals"].sum() >= 5
        i_chart = qi.control_chart(baseline, x="month", y="wait_days", chart="i", agg="median")
        assert i_chart.summary["sigma_signals"].sum() == 0
        rng = np.random.default_rng(3)
        chance = pd.DataFrame({"month": np.repeat(np.arange(24), 300), "wait": rng.lognormal(2.6, 0.6, 24 * 300)})
        assert qi.suggest_chart(chance, x="month", y="wait").chart == "xbar"

    def test_bad_input(self):
        with pytest.raises(qi.QIValueError, match="`kind` must be one of"):
            qi.suggest_chart(y=[1, 2], kind="counts")
        with pytest.raises(qi.QIValueError, match="no values"):
            qi.suggest_chart(y=[np.nan, np.nan])

    def test_repr_reads_as_advice(self):
        text = repr(qi.suggest_chart(y=[4, 6, 3, 5, 7, 4]))
        assert text.startswith("Suggested chart: 'c' (count)") and "Also consider" in text


def test_whole_numbers_named_as_a_measurement_get_an_i_chart():
    """'median minutes' in whole minutes is a measurement, not a count of events (c chart limits would
    come from a Poisson model that has nothing to do with it)."""
    df = pd.DataFrame({"median minutes": [34, 41, 38, 29, 45, 37, 40, 36, 39, 42, 35, 38]})
    s = qi.suggest_chart(df, y="median minutes")
    assert s.chart == "i"
    assert "named as a measurement" in " ".join(s.reasons)


def test_a_count_without_a_denominator_offers_the_i_chart_for_whole_unit_measurements():
    s = qi.suggest_chart(pd.DataFrame({"falls": [4, 6, 3, 5, 7, 4, 6, 5, 3, 4, 6, 5]}), y="falls")
    assert s.chart == "c"
    assert any("chart='i' if y is a measurement in whole units" in a for a in s.alternatives)
