"""qitools's funnel plots against published funnel cases and the reference R implementations.

The numbers live in tests/data (see the "Funnel plots" section of tests/data/README.md):

* ``published/spiegelhalter2005_funnel_proportion_limits_grid.csv``: Spiegelhalter DJ, Funnel plots
  for comparing institutional performance, Stat Med 2005;24:1185-1202 (doi:10.1002/sim.1970):
  normal limits theta0 +/- z sqrt(theta0(1-theta0)/n) and exact binomial limits interpolated as in
  its Appendix (r_p, alpha), for theta0 = 0.1, 0.2313 and n = 10 ... 1000.
* ``published/funnelplotr_poisson_sr_exact_limits_grid.csv``: exact Poisson (chi-square) limits
  of a standardised ratio with target 1, as FunnelPlotR (R/poisson_limits.R) computes them.
* ``published/spiegelhalter2005_overdispersion_mohammed2013.csv``: phi, tau2 and the
  multiplicative / additive over-dispersed limits (Spiegelhalter 2005 section 6, QSHC 2005) on
  the NHS A&E 4-hour data of Mohammed et al., BMJ Qual Saf 2013;22:362-368.
* ``published/qicharts2_hospital_infections_u_funnel_2016H2.csv`` and
  ``published/qic_hai_funnel/``: the qicharts2 vignette's funnel of hospital infections
  (case 4) and qicharts2 0.8.1's output for it.
* ``funnelplotr/funnel_test6_SR_*``: FunnelPlotR 0.6.0 on six standardised ratios.

Conventions that differ by design are stated in the tests that meet them: FunnelPlotR rounds the
normal quantiles to 1.959964 and 3.090232 (relative differences up to 1e-7 in its limits), and in
its ``sr_method = "CQC"`` limits forgets to square back from the square-root scale (its issue
#33): qitools's limits are compared with FunnelPlotR's after taking their square root, and the
flagged units differ.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import qitools as qi
from qitools.spc import funnel as F

PUB = "published"
SIGMA2 = 2 * norm.cdf(2) - 1  # qicharts2 "95%" lines are 2 sigma
SIGMA3 = 2 * norm.cdf(3) - 1  # and its limits 3 sigma


@pytest.fixture(scope="module")
def expected(data_dir):
    """Scalar expected values: published/funnel_expected.csv (case_id, quantity -> value, tol)."""
    frame = pd.read_csv(data_dir / PUB / "funnel_expected.csv").set_index(["case_id", "quantity"])

    def get(case, quantity):
        row = frame.loc[(case, quantity)]
        if row["kind"] == "set":
            return sorted(str(row["value"]).split(";")), 0.0
        return float(row["value"]), float(row["tol"])

    return get


# --------------------------------------------------------------------------- Spiegelhalter 2005
class TestSpiegelhalterProportionGrid:
    """Spiegelhalter 2005 (Stat Med 24:1185-1202), eq. 4 and Appendix A.1.1, theta0 = 0.1 and 0.2313."""

    @pytest.fixture(scope="class")
    @classmethod
    def grid(cls, data_dir):
        return pd.read_csv(data_dir / PUB / "spiegelhalter2005_funnel_proportion_limits_grid.csv")

    def test_z_values(self, expected):
        case = "spiegelhalter2005_funnel_proportion_limits_grid"
        for q, level in (("z95", 0.95), ("z998", 0.998)):
            value, tol = expected(case, q)
            assert abs(norm.ppf((1 + level) / 2) - value) <= tol

    def test_binomial_quantiles_r_p(self, grid):
        from scipy.stats import binom

        for r in grid.itertuples():
            lo_p, hi_p = (1 - r.level) / 2, (1 + r.level) / 2
            assert binom.ppf(lo_p, r.n, r.theta0) == r.r_lower
            assert binom.ppf(hi_p, r.n, r.theta0) == r.r_upper

    def test_exact_interpolated_limits(self, grid):
        for r in grid.itertuples():
            lo = F.exact_binomial_limit([r.n], r.theta0, (1 - r.level) / 2)[0]
            hi = F.exact_binomial_limit([r.n], r.theta0, (1 + r.level) / 2)[0]
            assert lo == pytest.approx(r.exact_lower, abs=1e-7), r
            assert hi == pytest.approx(r.exact_upper, abs=1e-7), r

    def test_normal_limits_clipped_at_zero(self, grid):
        for r in grid.itertuples():
            lo, hi = F.funnel_limits([r.n], r.theta0, r.level, kind="proportion", method="normal")
            assert lo[0] == pytest.approx(max(r.normal_lower, 0.0), abs=1e-7)
            assert hi[0] == pytest.approx(r.normal_upper, abs=1e-7)

    def test_exact_limits_through_funnel_plot(self, grid):
        """The per-unit columns of funnel_plot use the same limits (clipped at 0) with target=."""
        sub = grid[grid["theta0"] == 0.2313]
        ns = sorted(set(sub["n"]))
        y = [round(0.2313 * n) for n in ns]
        fp = qi.funnel_plot(unit=[f"u{n}" for n in ns], y=y, n=ns, target=0.2313)
        d = fp.data.set_index("n").loc[ns]
        for lv, lab in ((0.95, "95"), (0.998, "998")):
            rows = sub[sub["level"] == lv].set_index("n").loc[ns]
            np.testing.assert_allclose(d[f"lcl{lab}"], np.maximum(rows["exact_lower"], 0), atol=1e-7)
            np.testing.assert_allclose(d[f"ucl{lab}"], rows["exact_upper"], atol=1e-7)


class TestFunnelPlotRPoissonGrid:
    """Exact Poisson limits of a standardised ratio, target 1 (FunnelPlotR R/poisson_limits.R)."""

    def test_grid(self, data_dir):
        grid = pd.read_csv(data_dir / PUB / "funnelplotr_poisson_sr_exact_limits_grid.csv")
        for lv, lab in ((0.95, "95"), (0.998, "998")):
            lo, hi = F.funnel_limits(grid["expected"], 1.0, lv, kind="ratio", method="chisq")
            np.testing.assert_allclose(lo, grid[f"lcl{lab}"], atol=1e-7)
            np.testing.assert_allclose(hi, grid[f"ucl{lab}"], atol=1e-7)

    def test_rate_with_target_is_the_ratio_scaled(self, data_dir):
        """A rate y/n with target theta has the limits of a ratio with expected count theta*n, times theta."""
        grid = pd.read_csv(data_dir / PUB / "funnelplotr_poisson_sr_exact_limits_grid.csv")
        theta = 0.02
        lo, hi = F.funnel_limits(grid["expected"] / theta, theta, 0.95, kind="rate", method="chisq")
        np.testing.assert_allclose(lo / theta, grid["lcl95"], atol=1e-7)
        np.testing.assert_allclose(hi / theta, grid["ucl95"], atol=1e-7)


class TestMohammedOverdispersion:
    """Spiegelhalter 2005 section 6 over-dispersion on the NHS A&E 4-hour data (Mohammed et al. 2013).

    phi from z-scores winsorised at their 10% and 90% quantiles (R type 7); multiplicative limits
    theta0 +/- z sqrt(phi) s_i; additive theta0 +/- z sqrt(s_i^2 + tau2). Normal limits (the
    reference is the normal-approximation formula).
    """

    CASE = "spiegelhalter2005_overdispersion_phi_tau2_on_mohammed2013"

    @pytest.fixture(scope="class")
    @classmethod
    def ae(cls, data_dir):
        return pd.read_csv(data_dir / PUB / "spiegelhalter2005_overdispersion_mohammed2013.csv")

    def fit(self, ae, **kw):
        return qi.funnel_plot(ae, unit="week", y="seen_within_4h", n="attendances", method="normal", **kw)

    def test_target_and_z(self, ae, expected):
        fp = self.fit(ae)
        value, tol = expected(self.CASE, "theta0")
        assert fp.summary["target"].iloc[0] == pytest.approx(value, abs=tol)
        np.testing.assert_allclose(fp.data["z"], ae["z"], atol=1e-6)

    def test_phi_unwinsorised(self, ae, expected):
        fp = self.fit(ae, trim=0)
        value, tol = expected(self.CASE, "phi_unwinsorised")
        assert fp.phi == pytest.approx(value, abs=tol)

    def test_winsor_bounds(self, ae, expected):
        z = self.fit(ae).data["z"].to_numpy()
        out = F.estimate_overdispersion(z, np.ones(20), np.zeros(20, dtype=int), 1, trim=0.1)
        for q in ("winsor_lower", "winsor_upper"):
            value, tol = expected(self.CASE, q)
            assert np.any(np.abs(out["z_trimmed"] - value) <= tol), q

    def test_phi_and_tau2(self, ae, expected):
        fp = self.fit(ae, overdispersion="additive")
        value, tol = expected(self.CASE, "phi_winsorised")
        assert fp.phi == pytest.approx(value, abs=tol)
        value, tol = expected(self.CASE, "tau2_winsorised")
        assert fp.tau2 == pytest.approx(value, abs=tol)
        assert bool(fp.summary["adjusted"].iloc[0])

    def test_multiplicative_limits(self, ae):
        fp = self.fit(ae, overdispersion="multiplicative")
        np.testing.assert_allclose(fp.data["lcl998"], ae["mult_lcl998"], atol=1e-6)
        np.testing.assert_allclose(fp.data["ucl998"], ae["mult_ucl998"], atol=1e-6)

    def test_additive_limits(self, ae):
        fp = self.fit(ae, overdispersion="additive")
        for col in ("lcl998", "ucl998", "lcl95", "ucl95"):
            np.testing.assert_allclose(fp.data[col], ae[f"add_{col}"], atol=1e-6, err_msg=col)

    def test_unadjusted_funnel_flags_most_weeks(self, ae):
        """Like the p chart of the same data (16 of 20 weeks beyond 3 sigma), the plain funnel flags most
        weeks; after the additive adjustment, none is beyond 99.8%."""
        plain = self.fit(ae)
        assert plain.summary["n_outside998"].iloc[0] >= 16
        adjusted = self.fit(ae, overdispersion="additive")
        assert adjusted.summary["n_outside998"].iloc[0] == 0


# --------------------------------------------------------------------------- FunnelPlotR 0.6.0
def _fpr_case(data_dir, name):
    base = data_dir / "funnelplotr" / name
    return (
        pd.read_csv(base / "input.csv"),
        pd.read_csv(base / "points.csv").set_index("group"),
        pd.read_csv(base / "summary.csv").iloc[0],
        pd.read_csv(base / "limits_lookup.csv"),
    )


#: FunnelPlotR hard-codes z = 1.959964 and 3.090232 (exact: 1.95996398, 3.09023231); on the log scale
#: that moves a limit by |dz| x sd <= 3.1e-7 x sd relative, and sd < 1 on these grids
RTOL_FPR = 5e-7


class TestFunnelPlotRSHMI:
    """FunnelPlotR 0.6.0, ``funnel_plot(dt, num, denom, group)``: SR, SHMI method (defaults).

    In qitools: ``kind="ratio", method="normal", overdispersion="additive", scale="log",
    trim_method="truncate"`` (log-scale z = sqrt(E) log(O/E); units in the outer 10% rank groups
    dropped; phi, DerSimonian-Laird tau2; limits exp(+/- z sqrt(1/E + tau2))). Its unadjusted
    Poisson limits are qitools's ``method="chisq"`` limits.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def case(cls, data_dir):
        return _fpr_case(data_dir, "funnel_test6_SR_SHMI")

    def fit(self, inp, **kw):
        opts = dict(kind="ratio", method="normal", overdispersion="additive", scale="log", trim_method="truncate")
        opts.update(kw)
        return qi.funnel_plot(inp, unit="group", y="num", n="denom", **opts)

    def test_phi_tau2(self, case):
        inp, _, summ, _ = case
        fp = self.fit(inp)
        assert fp.phi == pytest.approx(summ["phi"], rel=1e-12)
        assert fp.tau2 == pytest.approx(summ["tau2"], rel=1e-12)

    def test_z_and_limits(self, case):
        inp, pts, _, _ = case
        d = self.fit(inp).data.set_index("unit").loc[pts.index]
        np.testing.assert_allclose(d["value"], pts["rr"], rtol=1e-12)
        np.testing.assert_allclose(d["z"], pts["Uzscore"], rtol=1e-12)
        for ours, theirs in (("lcl95", "OD95LCL"), ("ucl95", "OD95UCL"), ("lcl998", "OD99LCL"), ("ucl998", "OD99UCL")):
            np.testing.assert_allclose(d[ours], pts[theirs], rtol=RTOL_FPR, err_msg=ours)

    def test_truncation_ranks(self, case):
        inp, pts, _, _ = case
        z = self.fit(inp).data.set_index("unit").loc[pts.index, "z"].to_numpy()
        out = F.estimate_overdispersion(z, np.ones(6), np.zeros(6, dtype=int), 1, trim=0.1, trim_method="truncate")
        np.testing.assert_array_equal(out["used"], pts["truncated"].to_numpy() == 0)

    def test_flagged_at_998(self, case):
        """``limit = 99`` (99.8%) is FunnelPlotR's default; no unit is an outlier there."""
        inp, pts, summ, _ = case
        fp = self.fit(inp)
        assert fp.summary["n_outside998"].iloc[0] == summ["n_outliers"] == pts["outlier"].sum() == 0

    def test_unadjusted_exact_limits(self, case):
        inp, pts, _, _ = case
        fp = qi.funnel_plot(inp, unit="group", y="num", n="denom", kind="ratio", method="chisq")
        d = fp.data.set_index("unit").loc[pts.index]
        for ours, theirs in (("lcl95", "LCL95"), ("ucl95", "UCL95"), ("lcl998", "LCL99"), ("ucl998", "UCL99")):
            np.testing.assert_allclose(d[ours], pts[theirs], rtol=1e-12, err_msg=ours)

    def test_limits_lookup_grid(self, case):
        """FunnelPlotR's plotting grid (1,000 expected counts): adjusted and exact limits via limits_at()."""
        inp, _, _, lookup = case
        adjusted = self.fit(inp).limits_at(lookup["number_seq"])
        exact = qi.funnel_plot(inp, unit="group", y="num", n="denom", kind="ratio", method="chisq").limits_at(
            lookup["number_seq"]
        )
        for ours, theirs in (("lcl95", "odll95"), ("ucl95", "odul95"), ("lcl998", "odll998"), ("ucl998", "odul998")):
            np.testing.assert_allclose(adjusted[ours], lookup[theirs], rtol=RTOL_FPR, err_msg=ours)
        for ours, theirs in (("lcl95", "ll95"), ("ucl95", "ul95"), ("lcl998", "ll998"), ("ucl998", "ul998")):
            np.testing.assert_allclose(exact[ours], lookup[theirs], rtol=1e-10, err_msg=ours)


class TestFunnelPlotRCQC:
    """FunnelPlotR 0.6.0, ``funnel_plot(dt, num, denom, group, sr_method = 'CQC', trim_by = 0.05,
    limit = 95, multiplier = 100)``.

    In qitools: ``kind="ratio", method="normal", overdispersion="additive", scale="sqrt",
    trim=0.05, multiply=100`` (z = (sqrt(O/E) - 1) 2 sqrt(E), winsorised at the 5%/95% type-7
    quantiles; Spiegelhalter et al. 2012). FunnelPlotR's limits are 1 +/- z sqrt(s^2 + tau2) on the
    square-root scale, not squared back (its issue #33); qitools squares them, so the comparison is
    on the square-root scale, and FunnelPlotR's two outliers (b, e) are not flagged by qitools.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def case(cls, data_dir):
        return _fpr_case(data_dir, "funnel_test6_SR_CQC")

    def fit(self, inp):
        return qi.funnel_plot(
            inp, unit="group", y="num", n="denom", kind="ratio", method="normal",
            overdispersion="additive", scale="sqrt", trim=0.05, multiply=100,
        )  # fmt: skip

    def test_phi_tau2(self, case):
        inp, _, summ, _ = case
        fp = self.fit(inp)
        assert fp.phi == pytest.approx(summ["phi"], rel=1e-12)
        assert fp.tau2 == pytest.approx(summ["tau2"], rel=1e-12)

    def test_z_scores(self, case):
        inp, pts, _, _ = case
        d = self.fit(inp).data.set_index("unit").loc[pts.index]
        np.testing.assert_allclose(d["z"], pts["Uzscore"], rtol=1e-12)
        np.testing.assert_allclose(d["value"], 100 * pts["rr"], rtol=1e-12)

    def test_limits_on_square_root_scale(self, case):
        inp, pts, _, lookup = case
        fp = self.fit(inp)
        d = fp.data.set_index("unit").loc[pts.index]
        for ours, theirs in (("lcl95", "OD95LCL"), ("ucl95", "OD95UCL"), ("lcl998", "OD99LCL"), ("ucl998", "OD99UCL")):
            np.testing.assert_allclose(100 * np.sqrt(d[ours] / 100), pts[theirs], rtol=RTOL_FPR, err_msg=ours)
        grid = fp.limits_at(lookup["number_seq"])
        ok = lookup["odll95"] > 0  # where FunnelPlotR's sqrt-scale limit is negative ours is clipped at 0
        np.testing.assert_allclose(100 * np.sqrt(grid["lcl95"][ok] / 100), lookup["odll95"][ok], rtol=RTOL_FPR)
        np.testing.assert_allclose(100 * np.sqrt(grid["ucl998"] / 100), lookup["odul998"], rtol=RTOL_FPR)

    def test_flagged_units_differ_by_design(self, case):
        """FunnelPlotR flags b and e against sqrt-scale limits; on the ratio scale neither is outside 95%."""
        inp, pts, summ, _ = case
        assert sorted(pts.index[pts["outlier"] == 1]) == ["b", "e"] and summ["n_outliers"] == 2
        fp = self.fit(inp)
        assert fp.summary["n_outside95"].iloc[0] == 0
        d = fp.data.set_index("unit")
        assert (d.loc[["b", "e"], "value"] > 100 * pts.loc[["b", "e"], "OD95UCL"] / 100).all()


class TestFunnelPlotRUnadjusted:
    """FunnelPlotR 0.6.0, ``funnel_plot(dt, num, denom, group, draw_adjusted = FALSE,
    draw_unadjusted = TRUE, limit = 95)``: exact Poisson limits; unit b is the outlier.

    In qitools: ``kind="ratio", method="chisq"`` (FunnelPlotR's "exact" limits are the chi-square
    form).
    """

    def test_limits_and_outlier(self, data_dir):
        inp, pts, summ, _ = _fpr_case(data_dir, "funnel_test6_SR_unadjusted")
        fp = qi.funnel_plot(inp, unit="group", y="num", n="denom", kind="ratio", method="chisq")
        d = fp.data.set_index("unit").loc[pts.index]
        for ours, theirs in (("lcl95", "LCL95"), ("ucl95", "UCL95"), ("lcl998", "LCL99"), ("ucl998", "UCL99")):
            np.testing.assert_allclose(d[ours], pts[theirs], rtol=1e-12, err_msg=ours)
        ours = sorted(fp.data.loc[fp.data["outside"].notna(), "unit"])
        assert ours == sorted(pts.index[pts["outlier"] == 1]) == ["b"]
        assert fp.summary["n_outside95"].iloc[0] == summ["n_outliers"] == 1
        assert d.loc["b", "outside"] == "above 99.8%"
        # qitools's default interpolated limits also put e (120 observed, 100 expected) above 95%:
        # its 97.5% limit is 119.58 / 100, while P(O >= 120) = 0.028 (the interpolation flags the
        # count r_p itself; see the funnel_plot Notes)
        default = qi.funnel_plot(inp, unit="group", y="num", n="denom", kind="ratio").data.set_index("unit")
        assert default.loc["b", "outside"] == "above 99.8%" and default.loc["e", "outside"] == "above 95%"
        assert default["outside"].notna().sum() == 2

    def test_log_scale_z(self, data_dir):
        inp, pts, _, _ = _fpr_case(data_dir, "funnel_test6_SR_unadjusted")
        fp = qi.funnel_plot(inp, unit="group", y="num", n="denom", kind="ratio", scale="log")
        np.testing.assert_allclose(fp.data.set_index("unit").loc[pts.index, "z"], pts["Uzscore"], rtol=1e-12)


# --------------------------------------------------------------------------- qicharts2
class TestQicharts2HospitalInfections:
    """qicharts2 vignette, case 4: ``qic(reorder(hospital, days), n, days, data = subset(hospital_infections,
    month >= "2016-07-01"), chart = "u", facets = ~ infection, multiply = 10000)``: a 3-sigma funnel.

    In qitools: ``kind="rate", method="normal", limits=(2-sigma, 3-sigma) coverages, multiply=10_000,
    facet="infection"``. Published: "NOH has unusually few bacteremias and urinary tract infections ...
    BFH has unusually many Clostridium difficile infections."
    """

    CASE = "qicharts2_hospital_infections_u_funnel_2016H2"

    @pytest.fixture(scope="class")
    @classmethod
    def hai(cls, data_dir):
        return pd.read_csv(data_dir / PUB / "qicharts2_hospital_infections_u_funnel_2016H2.csv")

    def fit(self, frame, y="cases", n="risk_days"):
        return qi.funnel_plot(
            frame, unit="hospital", y=y, n=n, kind="rate", method="normal", limits=(SIGMA2, SIGMA3),
            multiply=10_000, facet="infection",
        )  # fmt: skip

    def test_rates_and_limits(self, hai):
        fp = self.fit(hai)
        ref = hai.rename(columns={"outside": "ref_outside"})
        m = fp.data.merge(ref, left_on=["infection", "unit"], right_on=["infection", "hospital"])
        assert len(m) == 18
        np.testing.assert_allclose(m["value"], m["rate_per_10000"], atol=1e-6)
        np.testing.assert_allclose(m["target"], m["cl"], atol=1e-6)
        np.testing.assert_allclose(m["lcl9973"], m["lcl"], atol=1e-6)
        np.testing.assert_allclose(m["ucl9973"], m["ucl"], atol=1e-6)
        np.testing.assert_array_equal(m["outside"].isin(["above 99.73%", "below 99.73%"]), m["ref_outside"])

    def test_published_statement(self, hai, expected):
        fp = self.fit(hai)
        for inf in ("BAC", "CDI", "UTI"):
            names, _ = expected(self.CASE, f"{inf}_published_outside")
            d = fp.data[(fp.data["infection"] == inf) & fp.data["outside"].isin(["above 99.73%", "below 99.73%"])]
            assert sorted(d["unit"]) == names

    def test_mean_limits(self, hai, expected):
        fp = self.fit(hai)
        for inf, d in fp.data.groupby("infection"):
            for ours, q in ((d["target"].mean(), "CL"), (d["lcl9973"].mean(), "aLCL"), (d["ucl9973"].mean(), "aUCL")):
                value, tol = expected(self.CASE, f"{inf}_{q}")
                assert ours == pytest.approx(value, abs=tol), (inf, q)

    def test_r_output_from_monthly_rows(self, data_dir):
        """qicharts2 0.8.1 on the monthly rows (108 rows, summed per hospital): limits at 2 and 3 sigma."""
        base = data_dir / PUB / "qic_hai_funnel"
        inp = pd.read_csv(base / "input.csv")
        pts = pd.read_csv(base / "points.csv").rename(columns={"y": "ref_y", "n": "ref_n", "target": "ref_target"})
        with pytest.warns(qi.DataChangedWarning, match="several rows"):
            fp = self.fit(inp, y="n", n="days")
        m = fp.data.merge(pts, left_on=["facet", "unit"], right_on=["facet1", "x"])
        assert len(m) == 18
        for ours, theirs in (
            ("value", "ref_y"), ("n", "ref_n"), ("target", "cl"), ("lcl9973", "lcl"), ("ucl9973", "ucl"),
            ("lcl9545", "lcl.95"), ("ucl9545", "ucl.95"),
        ):  # fmt: skip
            np.testing.assert_allclose(m[ours], m[theirs], rtol=1e-12, err_msg=ours)
        np.testing.assert_array_equal(m["outside"].isin(["above 99.73%", "below 99.73%"]), m["sigma.signal"])
