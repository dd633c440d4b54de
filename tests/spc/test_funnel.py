"""Funnel plots and league tables: behaviour, invariants, validation messages.

The published and R-package reference values are in test_reference_funnel.py; here the limits are
checked against independent constructions (brute-force binomial search, scipy's chi-square,
hand-written winsorisation) and the API contract of DESIGN.md (columns, facets, messages).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binom, chi2, norm, poisson

import qitools as qi
from qitools.spc import funnel as F


def _units(k: int) -> list[str]:
    return [f"U{i:02d}" for i in range(k)]


@pytest.fixture
def units20(rng):
    n = rng.integers(30, 3000, 20)
    y = rng.binomial(n, 0.15)
    return pd.DataFrame({"trust": _units(20), "deaths": y, "cases": n})


# --------------------------------------------------------------------------- limits
class TestLevelLabel:
    @pytest.mark.parametrize(
        "level, label", [(0.95, "95"), (0.998, "998"), (0.99, "99"), (0.9973002, "9973"), (0.8, "80"), (0.9, "90")]
    )
    def test_labels(self, level, label):
        assert F.level_label(level) == label


class TestExactBinomialLimit:
    @pytest.mark.parametrize("n", [1, 7, 40, 333])
    @pytest.mark.parametrize("theta", [0.02, 0.3, 0.9])
    @pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
    def test_against_brute_force_interpolation(self, n, theta, p):
        """r_p by scanning the CDF, alpha = (F(r_p) - p) / P(R = r_p), limit (r_p - alpha) / n."""
        cdf = binom.cdf(np.arange(n + 1), n, theta)
        r = int(np.argmax(cdf >= p))
        prev = cdf[r - 1] if r > 0 else 0.0
        want = (r - (cdf[r] - p) / (cdf[r] - prev)) / n
        assert F.exact_binomial_limit([n], theta, p)[0] == pytest.approx(want, abs=1e-12)

    def test_increases_with_p_and_tends_to_normal(self):
        n = np.array([20_000])
        ps = [0.001, 0.025, 0.5, 0.975, 0.999]
        lim = [F.exact_binomial_limit(n, 0.2, p)[0] for p in ps]
        assert np.all(np.diff(lim) > 0)
        normal = 0.2 + norm.ppf(0.975) * np.sqrt(0.2 * 0.8 / n[0])
        assert lim[3] == pytest.approx(normal, abs=1e-4)


class TestExactPoissonLimit:
    @pytest.mark.parametrize("lam", [0.3, 1.2, 7.5, 40.0, 333.0])
    @pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
    def test_against_brute_force_interpolation(self, lam, p):
        k = np.arange(int(lam + 20 * np.sqrt(lam) + 30))
        cdf = poisson.cdf(k, lam)
        r = int(np.argmax(cdf >= p))
        prev = cdf[r - 1] if r > 0 else 0.0
        want = (r - (cdf[r] - p) / (cdf[r] - prev)) / lam
        assert F.exact_poisson_limit([lam], 1.0, p)[0] == pytest.approx(want, abs=1e-12)

    def test_target_scales_the_expected_count(self):
        # a rate with target 0.5 per unit of exposure at exposure 40 is a Poisson mean of 20
        assert F.exact_poisson_limit([40.0], 0.5, 0.975)[0] * 40 == pytest.approx(
            F.exact_poisson_limit([20.0], 1.0, 0.975)[0] * 20
        )


class TestChisqPoissonLimit:
    @pytest.mark.parametrize("expected", [0.3, 2.0, 17.5, 400.0])
    def test_chi_square_form(self, expected):
        lo = F.chisq_poisson_limit([expected], 1.0, 0.025)[0]
        hi = F.chisq_poisson_limit([expected], 1.0, 0.975)[0]
        assert lo == pytest.approx(chi2.ppf(0.025, 2 * expected) / 2 / expected, rel=1e-10)
        assert hi == pytest.approx(chi2.ppf(0.975, 2 * (expected + 1)) / 2 / expected, rel=1e-10)

    def test_zero_events_in_a_small_unit(self):
        """P(no events) = exp(-1.2) = 0.30 at an expected count of 1.2: not unusual. The interpolated
        exact limits agree; the chi-square limits put such a unit below the 99.8% limit."""
        df = pd.DataFrame({"u": ["small", "b", "c", "d"], "y": [0, 20, 41, 100], "n": [1.2, 20.0, 40.0, 100.0]})
        exact = qi.funnel_plot(df, unit="u", y="y", n="n", kind="ratio").data.set_index("unit")
        chisq = qi.funnel_plot(df, unit="u", y="y", n="n", kind="ratio", method="chisq").data.set_index("unit")
        assert exact.loc["small", "outside"] is None and exact.loc["small", "lcl95"] == 0
        assert chisq.loc["small", "outside"] == "below 99.8%"

    def test_not_for_proportions(self):
        with pytest.raises(qi.QIValueError, match="method='chisq' .* is for counts"):
            qi.funnel_plot(unit=list("ab"), y=[1, 2], n=[10, 20], method="chisq")


class TestFunnelLimits:
    def test_normal_on_transformed_scales(self):
        n = np.array([100.0, 900.0])
        z = norm.ppf(0.975)
        lo, hi = F.funnel_limits(n, 0.3, 0.95, kind="proportion", method="normal", scale="arcsine")
        g = np.arcsin(np.sqrt(0.3))
        np.testing.assert_allclose(lo, np.sin(g - z / (2 * np.sqrt(n))) ** 2)
        np.testing.assert_allclose(hi, np.sin(g + z / (2 * np.sqrt(n))) ** 2)
        lo, hi = F.funnel_limits(n, 2.0, 0.95, kind="rate", method="normal", scale="log")
        np.testing.assert_allclose(hi, 2.0 * np.exp(z / np.sqrt(2.0 * n)))

    def test_factor_widens_exact_limits_about_the_target(self):
        n = np.array([50.0, 500.0, 5000.0])
        lo1, hi1 = F.funnel_limits(n, 0.2, 0.95, kind="proportion")
        lo2, hi2 = F.funnel_limits(n, 0.2, 0.95, kind="proportion", factor=2.0)
        np.testing.assert_allclose(hi2 - 0.2, 2 * (hi1 - 0.2))
        np.testing.assert_allclose(0.2 - lo2, np.minimum(2 * (0.2 - lo1), 0.2))

    def test_clipped_to_possible_values(self):
        lo, hi = F.funnel_limits([5.0], 0.9, 0.998, kind="proportion", method="normal")
        assert lo[0] >= 0 and hi[0] == 1.0
        lo, _ = F.funnel_limits([3.0], 1.0, 0.998, kind="ratio", method="normal")
        assert lo[0] == 0.0


class TestEstimateOverdispersion:
    def test_winsorised_phi_and_tau2_by_hand(self, rng):
        z = rng.normal(0, 2, 37)
        s = rng.uniform(0.01, 0.1, 37)
        out = F.estimate_overdispersion(z, s, np.zeros(37, dtype=int), 1, trim=0.1)
        lo, hi = np.quantile(z, [0.1, 0.9])  # numpy "linear" = R type 7
        phi = np.mean(np.clip(z, lo, hi) ** 2)
        w = 1 / s**2
        tau2 = max(0.0, (37 * phi - 36) / (w.sum() - (w**2).sum() / w.sum()))
        assert out["phi"][0] == pytest.approx(phi, rel=1e-12)
        assert out["tau2"][0] == pytest.approx(tau2, rel=1e-12)

    def test_groups_in_one_pass_equal_separate_calls(self, rng):
        z = rng.normal(0, 1.5, 60)
        s = rng.uniform(0.01, 0.1, 60)
        codes = rng.integers(0, 4, 60)
        together = F.estimate_overdispersion(z, s, codes, 4, trim_method="truncate")
        for g in range(4):
            m = codes == g
            alone = F.estimate_overdispersion(z[m], s[m], np.zeros(m.sum(), dtype=int), 1, trim_method="truncate")
            assert together["phi"][g] == pytest.approx(alone["phi"][0], rel=1e-12)
            assert together["tau2"][g] == pytest.approx(alone["tau2"][0], rel=1e-12)

    def test_truncation_rule(self):
        """SHMI: k = 1/trim groups by rank; a unit is kept when 0 < floor(rank k / (I + 1)) < k - 1."""
        z = np.arange(20, dtype=float)
        out = F.estimate_overdispersion(z, np.ones(20), np.zeros(20, dtype=int), 1, trim=0.1, trim_method="truncate")
        sp = np.floor(np.arange(1, 21) * 10 / 21)
        np.testing.assert_array_equal(out["used"], (sp > 0) & (sp < 9))
        assert out["n_used"][0] == 16

    def test_no_overdispersion_gives_tau2_zero(self):
        z = np.array([-0.5, 0.1, 0.3, -0.2, 0.4])
        out = F.estimate_overdispersion(z, np.ones(5), np.zeros(5, dtype=int), 1)
        assert out["phi"][0] < 1 and out["tau2"][0] == 0.0


# --------------------------------------------------------------------------- funnel_plot
class TestFunnelPlot:
    def test_returns_result_with_contract_columns(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        assert isinstance(fp, qi.FunnelPlot)
        for col in ("unit", "y", "n", "value", "z", "lcl95", "ucl95", "lcl998", "ucl998", "outside", "phi", "tau2"):
            assert col in fp.data.columns
        assert len(fp.data) == 20
        assert set(fp.summary.columns) >= {"n_units", "target", "phi", "tau2", "adjusted", "n_outside"}
        assert isinstance(fp.phi, float) and isinstance(fp.tau2, float)

    def test_target_is_pooled_and_limits_bracket_it(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        pooled = units20["deaths"].sum() / units20["cases"].sum()
        assert fp.summary["target"].iloc[0] == pytest.approx(pooled)
        d = fp.data
        assert (d["lcl998"] <= d["lcl95"]).all() and (d["lcl95"] <= d["target"]).all()
        assert (d["target"] <= d["ucl95"]).all() and (d["ucl95"] <= d["ucl998"]).all()

    def test_limits_narrow_as_n_grows(self, units20):
        d = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", method="normal").data.sort_values("n")
        assert (np.diff(d["ucl998"] - d["lcl998"]) <= 1e-12).all()

    def test_outside_names_the_widest_limit(self):
        fp = qi.funnel_plot(unit=list("ABCDEF"), y=[10, 10, 10, 10, 40, 22], n=[100] * 6, target=0.1)
        d = fp.data.set_index("unit")
        for u, row in d.iterrows():
            if row["value"] > row["ucl998"]:
                assert row["outside"] == "above 99.8%", u
            elif row["value"] > row["ucl95"]:
                assert row["outside"] == "above 95%", u
            else:
                assert row["outside"] is None, u
        assert d.loc["E", "outside"] == "above 99.8%"
        assert fp.summary["n_above"].iloc[0] == d["outside"].notna().sum()

    def test_custom_levels_are_named_after_the_percentage(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", limits=(0.99, 0.8))
        assert {"lcl80", "ucl80", "lcl99", "ucl99", "n_outside80", "n_outside99"} <= set(fp.data) | set(fp.summary)
        assert "lcl95" not in fp.data

    def test_multiply_scales_values_limits_and_target(self, units20):
        a = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        b = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", multiply=100)
        for col in ("value", "target", "lcl95", "ucl998"):
            np.testing.assert_allclose(b.data[col], 100 * a.data[col])
        c = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", multiply=100, target=15)
        assert c.summary["target"].iloc[0] == 15

    def test_ratio_target_defaults_to_one(self):
        fp = qi.funnel_plot(unit=list("abc"), y=[10, 30, 12], n=[12.5, 20.1, 11.0], kind="ratio", multiply=100)
        assert (fp.data["target"] == 100).all()

    def test_facets_in_one_pass_equal_separate_funnels(self, rng):
        frames = []
        for ind in ("falls", "pressure_ulcers", "sepsis"):
            n = rng.integers(50, 2000, 15)
            frames.append(pd.DataFrame({"ind": ind, "ward": _units(15), "y": rng.binomial(n, 0.1), "n": n}))
        df = pd.concat(frames, ignore_index=True)
        fp = qi.funnel_plot(df, unit="ward", y="y", n="n", facet="ind", overdispersion="additive")
        assert list(fp.summary["facet"]) == ["falls", "pressure_ulcers", "sepsis"]
        assert isinstance(fp.phi, pd.Series) and list(fp.phi.index) == ["falls", "pressure_ulcers", "sepsis"]
        for ind, sub in df.groupby("ind"):
            alone = qi.funnel_plot(sub, unit="ward", y="y", n="n", overdispersion="additive")
            part = fp.data[fp.data["facet"] == ind].reset_index(drop=True)
            for col in ("value", "z", "lcl95", "ucl998", "phi", "tau2"):
                np.testing.assert_allclose(part[col], alone.data[col], rtol=1e-12, err_msg=f"{ind} {col}")
            assert fp.tau2[ind] == pytest.approx(alone.tau2)

    def test_two_facet_columns(self, rng):
        df = pd.DataFrame(
            {
                "region": np.repeat(["N", "S"], 12),
                "year": np.tile(np.repeat([2023, 2024], 6), 2),
                "unit": np.tile(_units(6), 4),
                "y": rng.integers(5, 40, 24),
                "n": rng.integers(100, 400, 24),
            }
        )
        fp = qi.funnel_plot(df, unit="unit", y="y", n="n", facet=["region", "year"])
        assert list(fp.summary["facet"]) == ["N | 2023", "N | 2024", "S | 2023", "S | 2024"]
        assert {"region", "year", "facet"} <= set(fp.data.columns)

    def test_target_dict_per_facet(self, rng):
        df = pd.DataFrame({"f": np.repeat(["a", "b"], 5), "u": _units(10), "y": 10, "n": 100})
        fp = qi.funnel_plot(df, unit="u", y="y", n="n", facet="f", target={"a": 0.2})
        assert list(fp.summary["target"]) == [0.2, 0.1]

    def test_overdispersion_adjusts_only_when_phi_above_one(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", overdispersion="multiplicative")
        plain = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        assert "z_adjusted" in fp.data and "z_adjusted" not in plain.data
        if fp.phi > 1:
            assert bool(fp.summary["adjusted"].iloc[0])
            assert (fp.data["ucl998"] >= plain.data["ucl998"]).all()
        else:
            assert not bool(fp.summary["adjusted"].iloc[0])
            np.testing.assert_allclose(fp.data["ucl998"], plain.data["ucl998"])

    def test_under_dispersed_data_are_not_narrowed(self):
        n = np.full(12, 1000)
        y = np.array([100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 100, 100])
        fp = qi.funnel_plot(unit=_units(12), y=y, n=n, overdispersion="additive", method="normal")
        plain = qi.funnel_plot(unit=_units(12), y=y, n=n, method="normal")
        assert fp.phi < 1 and not bool(fp.summary["adjusted"].iloc[0])
        np.testing.assert_allclose(fp.data["lcl95"], plain.data["lcl95"])

    def test_multiplicative_exact_limits_widen_by_sqrt_phi(self, units20):
        units20 = units20.assign(deaths=units20["deaths"] * np.where(np.arange(20) % 2, 1, 0.5).astype(int))
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", overdispersion="multiplicative")
        plain = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        assert fp.phi > 1
        t = fp.data["target"]
        np.testing.assert_allclose(fp.data["ucl95"] - t, np.sqrt(fp.phi) * (plain.data["ucl95"] - t), rtol=1e-10)
        np.testing.assert_allclose(fp.data["z_adjusted"], fp.data["z"] / np.sqrt(fp.phi))

    def test_array_input_without_data(self):
        fp = qi.funnel_plot(unit=["a", "b", "c"], y=np.array([3, 5, 9]), n=[30, 50, 60])
        assert list(fp.data["unit"]) == ["a", "b", "c"]

    def test_several_rows_per_unit_are_summed_with_a_warning(self):
        df = pd.DataFrame({"u": ["a", "a", "b", "c"], "y": [1, 2, 5, 4], "n": [10, 20, 50, 40]})
        with pytest.warns(qi.DataChangedWarning, match=r"1 unit had several rows \('a'\); y and n were summed"):
            fp = qi.funnel_plot(df, unit="u", y="y", n="n")
        assert fp.data.set_index("unit").loc["a", ["y", "n"]].tolist() == [3, 30]

    def test_missing_values_are_left_out_with_a_warning_naming_the_unit(self):
        df = pd.DataFrame({"u": ["a", "b", "c", "d"], "y": [1, np.nan, 5, 4], "n": [10, 20, 50, 40]})
        with pytest.warns(qi.DataChangedWarning, match=r"Unit 'b' has a missing y or n"):
            fp = qi.funnel_plot(df, unit="u", y="y", n="n")
        assert list(fp.data["unit"]) == ["a", "c", "d"]

    def test_limits_at_reproduces_the_unit_limits(self, units20):
        for kw in ({}, {"overdispersion": "additive"}, {"method": "normal", "overdispersion": "multiplicative"}):
            fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", multiply=100, **kw)
            grid = fp.limits_at(fp.data["n"])
            for col in ("lcl95", "ucl95", "lcl998", "ucl998"):
                np.testing.assert_allclose(grid[col], fp.data[col], rtol=1e-12, err_msg=f"{kw} {col}")

    def test_rate_kind(self):
        fp = qi.funnel_plot(unit=list("abcd"), y=[3, 10, 30, 12], n=[1000, 2500, 9000, 3100], kind="rate")
        assert fp.summary["target"].iloc[0] == pytest.approx(55 / 15600)
        assert (fp.data["lcl998"] >= 0).all()

    @given(st.permutations(list(range(12))))
    def test_row_order_does_not_matter(self, order):
        n = np.array([40, 80, 120, 160, 200, 300, 400, 500, 700, 900, 1200, 1500])
        y = (n * np.array([0.1, 0.2, 0.12, 0.08, 0.15, 0.1, 0.11, 0.09, 0.14, 0.1, 0.1, 0.13])).astype(int)
        df = pd.DataFrame({"u": _units(12), "y": y, "n": n})
        base = qi.funnel_plot(df, unit="u", y="y", n="n", overdispersion="additive")
        shuffled = qi.funnel_plot(df.iloc[list(order)], unit="u", y="y", n="n", overdispersion="additive")
        pd.testing.assert_frame_equal(base.data, shuffled.data)

    @given(st.integers(1, 400), st.floats(0.01, 0.99))
    def test_exact_limits_are_ordered_for_any_n(self, n, theta):
        lo, hi = F.funnel_limits([n], theta, 0.95, kind="proportion")
        lo2, hi2 = F.funnel_limits([n], theta, 0.998, kind="proportion")
        assert 0 <= lo2[0] <= lo[0] <= hi[0] <= hi2[0] <= 1
        if n * theta * (1 - theta) >= 1:  # tiny expected counts: the interpolation may cross the target
            assert lo[0] <= theta <= hi[0]


class TestFunnelPlotValidation:
    def test_zero_and_negative_n_name_the_units(self):
        df = pd.DataFrame({"trust": ["RX1", "RX2", "RX7", "RX9"], "y": [1, 2, 0, 3], "n": [0, 20, -5, 30]})
        with pytest.raises(qi.QIValueError, match=r"Units 'RX1', 'RX7' have n \(denominator\) = 0 or less \(n = 0, -5"):
            qi.funnel_plot(df, unit="trust", y="y", n="n")

    def test_non_positive_expected_counts(self):
        with pytest.raises(qi.QIValueError, match=r"Unit 'c' has n \(expected count\) = 0 or less.*expected count"):
            qi.funnel_plot(unit=list("abc"), y=[3, 4, 5], n=[2.5, 4.0, 0.0], kind="ratio")

    def test_y_greater_than_n(self):
        with pytest.raises(qi.QIValueError, match=r"Units 'b', 'c' have y greater than n \(y = 30, 12, n = 20, 10"):
            qi.funnel_plot(unit=list("abc"), y=[3, 30, 12], n=[10, 20, 10])

    def test_negative_y(self):
        with pytest.raises(qi.QIValueError, match=r"Unit 'a' has a negative y"):
            qi.funnel_plot(unit=list("ab"), y=[-1, 3], n=[10, 20], kind="rate")

    def test_a_single_unit(self):
        with pytest.raises(qi.QIValueError, match=r"only one unit \('RX1'\).*control chart"):
            qi.funnel_plot(unit=["RX1"], y=[3], n=[10])

    def test_a_single_unit_in_a_facet_warns(self):
        df = pd.DataFrame({"f": ["a", "a", "a", "b"], "u": ["x", "y", "z", "x"], "y": [1, 2, 3, 4], "n": [10] * 4})
        with pytest.warns(qi.TooFewPointsWarning, match=r"Unit 'x' \(b\) is alone in its facet"):
            fp = qi.funnel_plot(df, unit="u", y="y", n="n", facet="f")
        assert np.isnan(fp.phi["b"]) and np.isfinite(fp.phi["a"])

    def test_all_zero_events_warn(self):
        with pytest.warns(qi.TooFewPointsWarning, match="every unit has y = 0"):
            fp = qi.funnel_plot(unit=list("abc"), y=[0, 0, 0], n=[10, 20, 30])
        assert fp.data["z"].isna().all() and fp.data["outside"].isna().all()
        assert (fp.data["ucl998"] == 0).all()

    def test_all_events_warn_and_flag_nobody(self):
        with pytest.warns(qi.TooFewPointsWarning, match="every unit has y = 0 or y = n"):
            fp = qi.funnel_plot(unit=list("abc"), y=[10, 20, 30], n=[10, 20, 30])
        assert fp.data["outside"].isna().all() and (fp.data["lcl998"] == 1).all()

    def test_fractional_n_with_exact_binomial(self):
        with pytest.raises(qi.QIValueError, match=r"Unit 'b' has a denominator that is not a whole number.*normal"):
            qi.funnel_plot(unit=list("ab"), y=[1, 2], n=[10, 20.5])
        qi.funnel_plot(unit=list("ab"), y=[1, 2], n=[10, 20.5], method="normal")  # fine

    @pytest.mark.parametrize(
        "kw, match",
        [
            ({"kind": "Proportion"}, r"Names are lower-case: use 'proportion'"),
            ({"kind": "smr"}, r"`kind` must be one of 'proportion', 'rate', 'ratio'"),
            ({"method": "exakt"}, r"Did you mean 'exact'"),
            ({"overdispersion": "additve"}, r"Did you mean 'additive'"),
            ({"scale": "log"}, r"Scales for a proportion: natural, arcsine"),
            ({"limits": (95, 99.8)}, r"For 95% write 0.95"),
            ({"limits": (0.95, 0.95001)}, r"same column name twice"),
            ({"trim": 0.6}, r"between 0 and 0.5"),
            ({"target": 1.5}, r"`target` must be between 0 and 1 \(exclusive\)"),
            ({"multiply": 0}, r"`multiply` must be greater than 0"),
        ],
    )
    def test_bad_options(self, kw, match):
        with pytest.raises((qi.QIValueError, qi.QITypeError), match=match):
            qi.funnel_plot(unit=list("abc"), y=[1, 2, 3], n=[10, 20, 30], **kw)

    def test_missing_unit_labels(self):
        df = pd.DataFrame({"u": ["a", None, "c"], "y": [1, 2, 3], "n": [10, 20, 30]})
        with pytest.raises(qi.QIValueError, match=r"unit column has missing values in row 1"):
            qi.funnel_plot(df, unit="u", y="y", n="n")

    def test_text_in_numbers(self):
        df = pd.DataFrame({"u": list("abc"), "y": ["1", "2", "x"], "n": [10, 20, 30]})
        with pytest.raises(qi.QITypeError, match=r"Column 'y' \(y\) must hold numbers"):
            qi.funnel_plot(df, unit="u", y="y", n="n")

    def test_data_must_be_a_frame(self):
        with pytest.raises(qi.QITypeError, match=r"pd.read_csv\('file.csv'\)"):
            qi.funnel_plot("file.csv", unit="u", y="y", n="n")

    def test_unknown_column(self):
        df = pd.DataFrame({"u": list("abc"), "y": [1, 2, 3], "n": [10, 20, 30]})
        with pytest.raises(qi.QIValueError, match=r"Column 'N' \(given as n=\) is not in the data.*'n'"):
            qi.funnel_plot(df, unit="u", y="y", n="N")


class TestFunnelPlotResult:
    def test_repr_and_html(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", overdispersion="additive")
        text = repr(fp)
        assert text.startswith("<FunnelPlot kind='proportion' units=20 limits=95%/99.8% method='exact'")
        assert "overdispersion='additive'" in text
        html = fp._repr_html_()
        assert "Funnel plot" in html and "Conventions" in html and "deaths" in html

    def test_explain_names_units_outside(self):
        n = [200] * 8
        y = [20, 22, 18, 21, 19, 60, 20, 2]
        fp = qi.funnel_plot(unit=_units(8), y=y, n=n)
        text = str(fp.explain())
        assert "8 units compared with a target of 0.1138 (the pooled value: all events over all cases)" in text
        assert "beyond the 99.8% limits (above: 'U05'; below: 'U07')" in text
        assert "What not to conclude" in text and "league_table" in text
        assert "overdispersion=" not in text  # winsorised phi 1.6 with 8 units: not clearly above 1

    def test_explain_suggests_overdispersion_when_phi_is_large(self, rng):
        n = rng.integers(5_000, 20_000, 30)
        p = rng.normal(0.9, 0.02, 30)
        fp = qi.funnel_plot(unit=_units(30), y=rng.binomial(n, p), n=n)
        assert fp.phi > 5 and "pass overdispersion='additive'" in str(fp.explain())
        fp = qi.funnel_plot(unit=_units(30), y=rng.binomial(n, p), n=n, overdispersion="additive")
        assert "The limits were widened for it (additive, tau2 = " in str(fp.explain())

    def test_explain_reads_overdispersion_as_a_finding(self, rng):
        """Issue 17 item 4: a large phi IS the finding (units differ greatly); widening the limits is a
        judgement that the spread is acceptable and can hide unwarranted variation (Spiegelhalter 2005)."""
        n = rng.integers(5_000, 20_000, 30)
        y = rng.binomial(n, rng.normal(0.9, 0.02, 30))
        plain = str(qi.funnel_plot(unit=_units(30), y=y, n=n).explain())
        assert "That is a finding in itself: the units differ from each other far more than chance explains" in plain
        assert "Ask why they differ" in plain and "which units differ by more than units usually differ" in plain
        assert "a judgement that this spread is acceptable" in plain and "hide unwarranted variation" in plain
        assert "Spiegelhalter 2005" in plain and "mostly random variation" not in plain
        widened = str(qi.funnel_plot(unit=_units(30), y=y, n=n, overdispersion="additive").explain())
        assert "That is a finding in itself" in widened and "hide unwarranted variation" in widened
        assert "which units differ by more than units usually differ" in widened
        assert "nothing here shows a unit truly different" not in widened
        if "No unit is beyond the 99.8% limits" in widened:
            assert "no unit differs by more than units usually differ. That does not make the units alike" in widened
        multiplicative = str(qi.funnel_plot(unit=_units(30), y=y, n=n, overdispersion="multiplicative").explain())
        assert "by sqrt(phi) = " in multiplicative and "That is a finding in itself" in multiplicative

    def test_explain_widened_limits_with_an_outlier(self, rng):
        """A unit beyond widened limits differs by more than units usually differ (not 'beyond chance')."""
        n = np.full(30, 10_000)
        p = rng.normal(0.9, 0.01, 30)
        p[4] = 0.6  # far beyond what units usually differ
        fp = qi.funnel_plot(unit=_units(30), y=rng.binomial(n, p), n=n, overdispersion="additive")
        text = str(fp.explain())
        assert "'U04'" in text and "they differ by more than units usually differ" in text

    def test_explain_chance_only_spread_is_not_called_a_finding(self):
        n = [200] * 8
        y = [20, 22, 18, 21, 19, 24, 20, 17]
        text = str(qi.funnel_plot(unit=_units(8), y=y, n=n, overdispersion="additive").explain())
        assert "That is a finding in itself" not in text and "mostly random variation" in text

    def test_explain_faceted_overview_and_one_facet(self):
        df = pd.DataFrame({"f": np.repeat(["a", "b"], 4), "u": _units(8), "y": [5, 6, 5, 30, 5, 5, 6, 5], "n": 50})
        fp = qi.funnel_plot(df, unit="u", y="y", n="n", facet="f")
        overview = str(fp.explain())
        assert overview.startswith("2 funnels ('a' and 'b')") and "a: beyond the 99.8% limits: U03 (above)" in overview
        assert "4 units compared" in str(fp.explain(facet="b"))
        with pytest.raises(qi.QIValueError, match="facet='c' is not one of the facets"):
            fp.explain(facet="c")

    def test_conventions(self, units20):
        conv = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases").conventions
        assert "Appendix A.1.1" in conv["limits"] and "pooled" in conv["target"]
        conv = qi.funnel_plot(unit=list("ab"), y=[3, 4], n=[2.0, 5.0], kind="ratio").conventions
        assert "exact Poisson" in conv["limits"] and conv["target"].startswith("1")
        conv = qi.funnel_plot(unit=list("ab"), y=[3, 4], n=[2.0, 5.0], kind="ratio", method="chisq").conventions
        assert "chi-square" in conv["limits"] and "FunnelPlotR" in conv["limits"]

    def test_is_frozen(self, units20):
        fp = qi.funnel_plot(units20, unit="trust", y="deaths", n="cases")
        with pytest.raises(AttributeError):
            fp.kind = "rate"

    def test_outside_rows(self):
        fp = qi.funnel_plot(unit=_units(6), y=[10, 10, 10, 10, 45, 10], n=[100] * 6)
        assert list(fp.outside()["unit"]) == ["U04"]


# --------------------------------------------------------------------------- league_table
class TestLeagueTable:
    def test_columns_and_order(self, units20):
        lt = qi.league_table(units20, unit="trust", y="deaths", n="cases", n_sims=300)
        assert isinstance(lt, qi.LeagueTable)
        assert list(lt.data.columns) == [
            "rank", "unit", "y", "n", "value", "value_lower", "value_upper",
            "rank_lower", "rank_median", "rank_upper", "p_first",
        ]  # fmt: skip
        assert lt.data["value"].is_monotonic_decreasing
        assert (lt.data["rank_lower"] <= lt.data["rank_median"]).all()
        assert (lt.data["rank_median"] <= lt.data["rank_upper"]).all()
        assert lt.data["p_first"].sum() == pytest.approx(1.0)

    def test_seeded_results_are_reproducible(self, units20):
        a = qi.league_table(units20, unit="trust", y="deaths", n="cases", seed=7, n_sims=300)
        b = qi.league_table(units20, unit="trust", y="deaths", n="cases", seed=7, n_sims=300)
        pd.testing.assert_frame_equal(a.data, b.data)
        c = qi.league_table(units20, unit="trust", y="deaths", n="cases", seed=8, n_sims=300)
        assert not a.data[["rank_lower", "rank_upper", "p_first"]].equals(
            c.data[["rank_lower", "rank_upper", "p_first"]]
        )

    def test_huge_unit_far_from_the_rest_has_a_narrow_interval(self):
        n = [50] * 9 + [1_000_000]
        y = [5, 6, 4, 5, 7, 5, 4, 6, 5, 400_000]
        lt = qi.league_table(unit=_units(10), y=y, n=n)
        top = lt.data.iloc[0]
        assert top["unit"] == "U09" and top["rank_lower"] == top["rank_upper"] == 1
        assert top["p_first"] == 1.0
        others = lt.data.iloc[1:]
        assert (others["rank_upper"] - others["rank_lower"] >= 4).all()

    def test_identical_units_get_wide_overlapping_intervals(self):
        lt = qi.league_table(unit=_units(10), y=[20] * 10, n=[200] * 10)
        d = lt.data
        assert (d["rank"] == 1).all()  # ties share the top rank
        assert (d["rank_upper"] - d["rank_lower"] >= 6).all()
        assert d["rank_lower"].max() <= d["rank_upper"].min()  # every interval overlaps every other

    def test_ascending_ranks_lowest_first(self):
        lt = qi.league_table(unit=list("abc"), y=[1, 20, 10], n=[100, 100, 100], ascending=True)
        assert list(lt.data["unit"]) == ["a", "c", "b"]

    def test_value_interval_is_jeffreys(self):
        from scipy.stats import beta, gamma

        lt = qi.league_table(unit=list("abc"), y=[0, 7, 30], n=[40, 40, 30], level=0.9, n_sims=200)
        d = lt.data.set_index("unit")
        assert d.loc["b", "value_lower"] == pytest.approx(beta.ppf(0.05, 7.5, 33.5))
        assert d.loc["b", "value_upper"] == pytest.approx(beta.ppf(0.95, 7.5, 33.5))
        assert d.loc["a", "value_lower"] == 0 and d.loc["c", "value_upper"] == 1
        lt = qi.league_table(unit=list("ab"), y=[4, 9], n=[1000, 1000], kind="rate", multiply=1000, n_sims=200)
        d = lt.data.set_index("unit")
        assert d.loc["a", "value_upper"] == pytest.approx(gamma.ppf(0.975, 4.5))

    def test_repr_and_explain(self, units20):
        lt = qi.league_table(units20, unit="trust", y="deaths", n="cases", n_sims=300)
        assert repr(lt).startswith("<LeagueTable kind='proportion' units=20 median_rank_interval_width=")
        assert "funnel plot" in str(lt.explain())
        assert "League table" in lt._repr_html_()

    def test_validation(self):
        with pytest.raises(qi.QIValueError, match="only one unit"):
            qi.league_table(unit=["a"], y=[1], n=[10])
        with pytest.raises(qi.QIValueError, match="at least 100"):
            qi.league_table(unit=list("ab"), y=[1, 2], n=[10, 10], n_sims=10)
        with pytest.raises(qi.QIValueError, match=r"Unit 'b' has y greater than n"):
            qi.league_table(unit=list("ab"), y=[1, 20], n=[10, 10])


def test_no_warnings_on_clean_data(units20):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qi.funnel_plot(units20, unit="trust", y="deaths", n="cases", overdispersion="additive")
        qi.league_table(units20, unit="trust", y="deaths", n="cases", n_sims=200)
