"""qitools against published worked examples: textbooks, handbooks, papers.

Each test cites its source; the numbers live in tests/data/published/ (inputs and per-point
expected values in ``<case_id>.csv``, scalar expected values with their tolerance and
provenance in ``expected.csv``); see tests/data/README.md. The tolerance of each expected
value is the one published with the reference case (its rounding).

Conventions that differ by design, encoded in the checks (``assert_limits_close``):

* qitools computes constants exactly (d2(2) = 2/sqrt(pi) = 1.1283792, D4(2) = 3.26653),
  while NIST, Montgomery, Anhøj & Mohammed and NHSRplotthedots use 1.128, 3.267 or 2.66.
  For limits from moving ranges (I, MR, t, Laney p') the half-width (limit - cl) may
  then differ by up to 5e-4 relative, on top of the published rounding tolerance; centre
  lines must match to the published tolerance. Where the source used the exact d2 (the qcc
  vignette) or the limits do not come from moving ranges, no allowance is made.
* Moving ranges are screened by default (``screen_mr=True``, Nelson 1982, as qicharts2);
  the NIST, Montgomery, qcc and book examples that do not screen are run with
  ``screen_mr=False``.
* A point exactly on a limit is not a signal (strictly beyond); excluded points are still
  judged against the limits.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import qitools as qi

#: relative allowance on half-widths for moving-range sigma (exact vs rounded constants)
RTOL_HALFWIDTH = 5e-4
#: qitools's d2(2), used to turn a half-width back into an average moving range
D2_2 = 2 / math.sqrt(math.pi)


# --------------------------------------------------------------------------- helpers
class Expected:
    """Look-up of tests/data/published/expected.csv: value and tolerance by case and quantity."""

    def __init__(self, frame: pd.DataFrame):
        self._f = frame.set_index(["case_id", "quantity"])

    def _row(self, case, q):
        try:
            return self._f.loc[(case, q)]
        except KeyError:  # pragma: no cover - a typo in a test
            raise KeyError(f"no expected value {q!r} for {case}") from None

    def __call__(self, case, q):
        row = self._row(case, q)
        kind, v = row["kind"], row["value"]
        if kind == "set":
            return [] if pd.isna(v) or v == "" else sorted(int(i) for i in str(v).split(";"))
        if kind == "bool":
            return str(v) == "True"
        if kind == "int":
            return int(float(v))
        return float(v)

    def tol(self, case, q) -> float:
        return float(self._row(case, q)["tol"])


@pytest.fixture(scope="module")
def E(data_dir) -> Expected:
    return Expected(pd.read_csv(data_dir / "published" / "expected.csv", dtype={"value": str}))


@pytest.fixture(scope="module")
def load(data_dir):
    def _load(case: str) -> pd.DataFrame:
        return pd.read_csv(data_dir / "published" / f"{case}.csv")

    return _load


def const(res, col, part=None):
    """The single value of a per-point column (asserting it is constant), e.g. a fixed limit."""
    d = res.data if part is None else res.data[res.data["part"] == part]
    v = d[col].to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    assert v.size and np.allclose(v, v[0], rtol=1e-12, atol=0), f"{col} is not constant: {np.unique(v)}"
    return float(v[0])


def close(ours, case, q, E, err=""):
    """Scalar check with the published tolerance (absolute, in the units printed)."""
    np.testing.assert_allclose(ours, E(case, q), rtol=0, atol=E.tol(case, q) + 1e-12,
                               err_msg=f"{case}: {q} {err}")


def close_limit(ours, cl, case, q, E, assert_limits_close, halfwidth=True):
    """Limit check: published tolerance, plus the half-width allowance for moving-range sigma."""
    assert_limits_close(ours, E(case, q), cl, RTOL_HALFWIDTH if halfwidth else 0.0,
                        atol=E.tol(case, q), err_msg=f"{case}: {q}")


def signals(res, x="x"):
    """Sorted x values of the points beyond a limit."""
    d = res.data
    return sorted(int(v) for v in d.loc[d["sigma_signal"].astype(bool), x])


def amr_from_limits(res):
    """Average moving range implied by an I chart: (ucl - cl) * d2(2) / 3."""
    return (const(res, "ucl") - const(res, "cl")) * D2_2 / 3


def summary_value(res, col, part=1):
    s = res.summary
    return s.loc[s["part"] == part, col].iloc[0]


# --------------------------------------------------------------------------- I / MR charts
@pytest.mark.filterwarnings("ignore::qitools.TooFewPointsWarning")
class TestNistFlowRate:
    """NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 "Individuals Control Charts",
    flow-rate example (10 batches). NIST does not screen moving ranges and uses
    sigma = MRbar/1.128, D4 = 3.267 (half-width allowance applies)."""

    case = "nist_6_3_2_2_flowrate_imr"

    def test_i_chart(self, load, E, assert_limits_close):
        """Centre 50.81, MRbar 1.8778, UCL 55.8041, LCL 45.8159; no point outside (NIST 6.3.2.2)."""
        d = load(self.case)
        res = qi.control_chart(d, x="batch", y="y", chart="i", screen_mr=False)
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        close(amr_from_limits(res), self.case, "mrbar", E)
        close_limit(const(res, "ucl"), cl, self.case, "ucl", E, assert_limits_close)
        close_limit(const(res, "lcl"), cl, self.case, "lcl", E, assert_limits_close)
        assert signals(res) == E(self.case, "points_outside")

    def test_mr_chart(self, load, E, assert_limits_close):
        """Moving ranges, MR centre 1.8778, MR UCL 6.1347 (= 3.267 MRbar), LCL 0 (NIST 6.3.2.2)."""
        d = load(self.case)
        res = qi.control_chart(d, x="batch", y="y", chart="mr", screen_mr=False)
        m = res.data.merge(d, left_on="x", right_on="batch")
        np.testing.assert_allclose(m["y_x"].astype(float), m["expected_mr"], atol=1e-9, equal_nan=True,
                                   err_msg="moving ranges")
        cl = const(res, "cl")
        close(cl, self.case, "mr_cl", E)
        close_limit(const(res, "ucl"), cl, self.case, "mr_ucl", E, assert_limits_close)
        close(const(res, "lcl"), self.case, "mr_lcl", E)


class TestAnhoejMohammedScreenedI:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, ch. 11 "Screened I chart":
    24 values; one moving range (|28 - 11| = 17 > 3.267 x 5 = 16.335) is removed once and
    AMR recomputed: 5 -> 4.45 (Nelson 1982; Provost & Murray 2011, App. 5.1). Limits in
    the book: 15.8 +/- 2.66 x 4.45 (half-width allowance for 2.66 vs 3/d2(2))."""

    case = "anhoej_mohammed_spc4hc_ch11_screened_i_chart"

    def test_screened(self, load, E, assert_limits_close):
        """Default screening: AMR 4.454545, centre 15.791667, limits 3.942576 .. 27.640758."""
        res = qi.control_chart(load(self.case), x="x", y="y", chart="i")
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        close(cl, self.case, "cl_published_rounded", E)
        close(amr_from_limits(res), self.case, "amr_screened", E)
        close(amr_from_limits(res), self.case, "amr_screened_published_rounded", E)
        close_limit(const(res, "ucl"), cl, self.case, "ucl_screened", E, assert_limits_close)
        close_limit(const(res, "lcl"), cl, self.case, "lcl_screened", E, assert_limits_close)

    def test_unscreened(self, load, E, assert_limits_close):
        """screen_mr=False: AMR 5, limits 2.491667 .. 29.091667."""
        res = qi.control_chart(load(self.case), x="x", y="y", chart="i", screen_mr=False)
        cl = const(res, "cl")
        close(amr_from_limits(res), self.case, "amr_unscreened", E)
        close_limit(const(res, "ucl"), cl, self.case, "ucl_unscreened", E, assert_limits_close)
        close_limit(const(res, "lcl"), cl, self.case, "lcl_unscreened", E, assert_limits_close)


class TestCsectionDelay:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 6.4.1-6.4.2: decision-to-
    delivery delay of 60 grade-2 caesarean sections, I and MR charts (book code: unscreened,
    sigma = AMR/1.128, MR UCL = 3.267 AMR). Published: average 24 minutes; points #1, #4,
    #31 outside the I-chart limits; three points outside the MR limit."""

    case = "anhoej_mohammed_spc4hc_ch6_csection_delay_imr"

    def test_i_chart(self, load, E, assert_limits_close):
        """Ch. 6.4.1 (unscreened): mean 23.77 (published 24), AMR 4.22, limits; #1, #4, #31 outside
        (published).
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="i", screen_mr=False)
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        close(cl, self.case, "cl_published", E)
        close(amr_from_limits(res), self.case, "amr", E)
        close_limit(const(res, "ucl"), cl, self.case, "ucl", E, assert_limits_close)
        close_limit(const(res, "lcl"), cl, self.case, "lcl", E, assert_limits_close)
        assert signals(res) == E(self.case, "points_outside")

    def test_mr_chart(self, load, E, assert_limits_close):
        """MR UCL 13.787847; moving ranges at observations 5, 31, 32 above it."""
        res = qi.control_chart(load(self.case), x="x", y="y", chart="mr", screen_mr=False)
        cl = const(res, "cl")
        close(cl, self.case, "amr", E)
        close_limit(const(res, "ucl"), cl, self.case, "mr_ucl", E, assert_limits_close)
        assert signals(res) == E(self.case, "mr_points_above_ucl")
        assert not res.data["runs_signal"].any(), "no runs analysis on moving ranges"


class TestMontgomeryLoanCost:
    """Montgomery, *Introduction to Statistical Quality Control*, Example 6.5 / Table 6.7:
    weekly cost of processing mortgage loans; weeks 1-20 phase I, 21-40 phase II
    (``freeze`` = week 20). Limits from weeks 1-20: 300.5 +/- 3 MRbar/1.128, MRbar 7.789;
    Montgomery does not screen moving ranges (screening removes none here)."""

    case = "montgomery_ex6_5_loan_cost_imr_phase1_phase2"

    @pytest.mark.parametrize("screen_mr", [False, True])
    def test_i_chart(self, load, E, assert_limits_close, screen_mr):
        """Ex. 6.5 phase I limits 300.5 +/- 3 x 7.789/1.128 (and qicharts2 ex_6.5_3.rds); weeks 39,
        40 above the UCL in phase II. Screening removes no moving range here, so both settings
        agree.
        """
        res = qi.control_chart(load(self.case), x="week", y="y", chart="i",
                               freeze=E(self.case, "freeze"), screen_mr=screen_mr)
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        close(cl, self.case, "qicharts2_center", E)
        close(amr_from_limits(res), self.case, "mrbar", E)
        for q in ("ucl", "lcl"):
            close_limit(const(res, q), cl, self.case, q, E, assert_limits_close)
            close_limit(const(res, q), cl, self.case, "qicharts2_" + q, E, assert_limits_close)
        phase2 = res.data[res.data["x"] > E(self.case, "freeze")]
        above = sorted(int(v) for v in phase2.loc[phase2["y"] > phase2["ucl"], "x"])
        below = sorted(int(v) for v in phase2.loc[phase2["y"] < phase2["lcl"], "x"])
        assert above == E(self.case, "phase2_points_above_ucl")
        assert below == E(self.case, "phase2_points_below_lcl")
        assert signals(res) == above + below

    def test_mr_chart(self, load, E, assert_limits_close):
        """MR centre 7.789474, MR UCL 25.448 (3.267 x MRbar; published tol 0.005); week 39 above."""
        res = qi.control_chart(load(self.case), x="week", y="y", chart="mr",
                               freeze=E(self.case, "freeze"), screen_mr=False)
        cl = const(res, "cl")
        close(cl, self.case, "mrbar", E)
        close(cl, self.case, "qicharts2_mr_cl", E)
        close_limit(const(res, "ucl"), cl, self.case, "mr_ucl", E, assert_limits_close)
        close_limit(const(res, "ucl"), cl, self.case, "qicharts2_mr_ucl", E, assert_limits_close)
        assert signals(res) == E(self.case, "phase2_mr_above_ucl")


class TestQccViscosity:
    """Montgomery (2005) ISQC 5th ed. pp. 232-235, aircraft primer paint viscosity, via the
    R package qcc (vignette, "Continuous one-at-time data"): phase I = batches 1-20, no
    screening. The printed sigma is MRbar/1.128 (qcc's rounded d2(2)), so the limits get the
    half-width allowance and our sigma is put on the 1.128 scale (x d2(2)/1.128) before the
    exact comparison with the printed value."""

    case = "qcc_viscosity_individuals"

    def _check(self, res, E, assert_limits_close, prefix=""):
        cl, ucl = const(res, "cl"), const(res, "ucl")
        close(cl, self.case, prefix + "cl", E)
        close((ucl - cl) / 3 * D2_2 / 1.128, self.case, prefix + "sigma", E, "(on the 1.128 scale)")
        close_limit(const(res, "lcl"), cl, self.case, prefix + "lcl", E, assert_limits_close)
        close_limit(ucl, cl, self.case, prefix + "ucl", E, assert_limits_close)

    def test_phase1_limits(self, load, E, assert_limits_close):
        """Centre 34.088, sigma 0.5076521, LCL 32.56504, UCL 35.61096; batch 4 above the UCL."""
        res = qi.control_chart(load(self.case), x="batch", y="y", chart="i",
                               freeze=E(self.case, "freeze"), screen_mr=False)
        self._check(res, E, assert_limits_close)
        p1 = res.data[res.data["x"] <= E(self.case, "freeze")]
        assert sorted(int(v) for v in p1.loc[p1["sigma_signal"], "x"]) == E(self.case, "phase1_point_above_ucl")

    def test_phase1_without_batch4(self, load, E, assert_limits_close):
        """Batch 4 removed (temperature controller failure): centre 33.98947, sigma 0.4117415.

        qcc drops the row; qitools excludes it (``exclude=[4]``), which must give the same
        limits (the moving range then spans batches 3 and 5).
        """
        res = qi.control_chart(load(self.case), x="batch", y="y", chart="i",
                               freeze=E(self.case, "freeze"), exclude=[4], screen_mr=False)
        self._check(res, E, assert_limits_close, prefix="nob4_")


class TestNhsrDeviations:
    """NHSRplotthedots vignette "Deviations from Excel defaults", section 1: 18 values with
    one outlier (10). Screened (NHSRplotthedots default) and unscreened (NHS Making Data
    Count Excel tool) limits, mean +/- 2.66 AMR, lower limits not clipped (I chart).
    Published captions: UPL 4.6 / mean 1.94 / LPL -0.72 and UPL 6.95 / LPL -3.06."""

    case = "nhsr_plotthedots_deviations_screened_vs_unscreened"

    @pytest.mark.parametrize("screen_mr,label", [(True, "screened"), (False, "unscreened")])
    def test_limits(self, load, E, assert_limits_close, screen_mr, label):
        """NHSRplotthedots deviations vignette: mean 1.94, screened 4.60 / -0.72, unscreened 6.95 /
        -3.06 (captions); point 5 a special cause in both.
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="i", screen_mr=screen_mr)
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        close(cl, self.case, f"{label}_cl_published", E)
        for q in ("ucl", "lcl"):
            close_limit(const(res, q), cl, self.case, f"{label}_{q}", E, assert_limits_close)
            close_limit(const(res, q), cl, self.case, f"{label}_{q}_published", E, assert_limits_close)
        assert signals(res) == E(self.case, "special_cause_points")


class TestBloodPressure:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, ch. 5.1-5.2: 26 morning
    systolic blood pressures of one patient (Mohammed, Worthington & Woodall 2008)."""

    case = "anhoej_mohammed_spc4hc_ch5_blood_pressure_run_chart"

    def test_run_chart(self, load, E):
        """Published: median 174; #4, #7, #10, #26 on the median leave 22 useful points;
        longest run 4 (#14-#17), 9 crossings; limits 7 and 7; no signal."""
        res = qi.run_chart(load(self.case), x="x", y="y")
        close(const(res, "cl"), self.case, "cl", E)
        d = res.data
        assert sorted(int(v) for v in d.loc[d["y"] == d["cl"], "x"]) == E(self.case, "points_on_median")
        for q in ("n_useful", "longest_run", "n_crossings", "longest_run_max", "n_crossings_min"):
            assert int(summary_value(res, q)) == E(self.case, q), q
        assert bool(summary_value(res, "runs_signal")) is E(self.case, "runs_signal")
        assert not d["runs_signal"].any()

    def test_i_chart(self, load, E, assert_limits_close):
        """I chart of the same data (ch. 5.2): mean 173.19, AMR 11, 2.66-limits; point #6 below.

        Computed without screening (the book's I chart code does not screen).
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="i", screen_mr=False)
        cl = const(res, "cl")
        close(cl, self.case, "i_cl", E)
        close(amr_from_limits(res), self.case, "i_amr", E)
        close_limit(const(res, "ucl"), cl, self.case, "i_ucl", E, assert_limits_close)
        close_limit(const(res, "lcl"), cl, self.case, "i_lcl", E, assert_limits_close)
        assert signals(res) == E(self.case, "i_points_outside")


# --------------------------------------------------------------------------- xbar / s
class TestMontgomeryPistonRingsT63:
    """Montgomery, ISQC 6th/7th ed., Table 6.3 (inside diameters of piston rings, 25 samples
    of 5), Examples 6.1 (x-bar/R) and 6.3 (x-bar/s). qitools's xbar chart uses s-bar
    (cl +/- A3 sbar), so of Example 6.1 only the subgroup means, the grand mean and the
    textbook-rounded x-bar limits (which the book says coincide for R and s) are used."""

    case = "montgomery_T6_3_piston_rings"

    def _subgroups(self, load):
        return load(self.case + "_subgroups")

    def test_xbar_means_and_centre(self, load, E):
        """x-bar_i (Table 6.3 column, 3 dp printed for rows 1-16) and grand mean 74.001176."""
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="xbar")
        sub = self._subgroups(load)
        m = res.data.merge(sub, left_on="x", right_on="sample")
        np.testing.assert_allclose(m["y"], m["xbar_i"], rtol=0, atol=5e-4 + 1e-12, err_msg="xbar_i")
        pub = m.dropna(subset=["xbar_i_published_3dp"])
        np.testing.assert_allclose(np.round(pub["y"].to_numpy(), 3), pub["xbar_i_published_3dp"], atol=1e-9,
                                   err_msg="xbar_i rounded as printed")
        close(const(res, "cl"), "montgomery_T6_3_piston_rings_xbar_r", "cl", E)
        for q in ("ucl", "lcl"):
            close(const(res, q), "montgomery_T6_3_piston_rings_xbar_r", f"xbar_{q}_rounded_3dp", E)
        assert signals(res) == E("montgomery_T6_3_piston_rings_xbar_r", "points_outside")

    def test_xbar_s_limits(self, load, E):
        """Example 6.3: x-bar limits xbarbar +/- A3(5) sbar = 73.98776 .. 74.014592 (and qicharts2
        ex_6.3_1).
        """
        k = "montgomery_T6_3_piston_rings_xbar_s"
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="xbar")
        close(const(res, "cl"), k, "cl", E)
        close(const(res, "ucl"), k, "xbar_ucl", E)
        close(const(res, "lcl"), k, "xbar_lcl", E)
        for q in ("cl", "ucl", "lcl"):
            close(const(res, q), k, f"qicharts2_xbar_{q}", E)
        for q, v in (("xbarbar", const(res, "cl")), ("xbar_ucl", const(res, "ucl")), ("xbar_lcl", const(res, "lcl"))):
            close(v, k, "rounded_" + q, E)

    def test_s_chart(self, load, E):
        """Example 6.3: s_i, s-bar 0.009399 (plain mean, equal n), UCL B4 sbar 0.019636, LCL 0."""
        k = "montgomery_T6_3_piston_rings_xbar_s"
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="s")
        sub = self._subgroups(load)
        m = res.data.merge(sub, left_on="x", right_on="sample")
        np.testing.assert_allclose(m["y"], m["s_i"], rtol=0, atol=5e-6 + 1e-12, err_msg="s_i")
        pub = m.dropna(subset=["s_i_published_4dp"])
        np.testing.assert_allclose(np.round(pub["y"].to_numpy(), 4), pub["s_i_published_4dp"], atol=1e-9,
                                   err_msg="s_i rounded as printed")
        close(const(res, "cl"), k, "sbar", E)
        close(const(res, "ucl"), k, "s_ucl", E)
        close(const(res, "lcl"), k, "s_lcl", E)
        for q in ("cl", "ucl", "lcl"):
            close(const(res, q), k, f"qicharts2_s_{q}", E)
        for q, v in (("sbar", const(res, "cl")), ("s_ucl", const(res, "ucl")), ("s_lcl", const(res, "lcl"))):
            close(v, k, "rounded_" + q, E)


class TestMontgomeryPistonRingsT64:
    """Montgomery, ISQC 6th/7th ed., Table 6.4 / Example 6.4: x-bar and s charts with variable
    sample size (3-5): n-weighted grand mean 74.000752 and pooled s-bar 0.010291 (eq. 6.31);
    limits xbarbar +/- A3(n) sbar, B3(n) sbar, B4(n) sbar."""

    case = "montgomery_T6_4_piston_rings_variable_n_xbar_s"

    def test_xbar(self, load, E):
        """Table 6.4 / Ex. 6.4: n-weighted grand mean 74.000752; x-bar_i as printed (rows 1-22);
        limits xbarbar +/- A3(n) sbar for n = 3, 4, 5 (and qicharts2 ex_6.4_1.rds).
        """
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="xbar")
        sub = load(self.case + "_subgroups")
        d = res.data.merge(sub, left_on="x", right_on="sample")
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "cl"), self.case, "qicharts2_cl", E)
        pub = d.dropna(subset=["xbar_i_published_3dp"])
        np.testing.assert_allclose(np.round(pub["y"].to_numpy(), 3), pub["xbar_i_published_3dp"], atol=1e-9,
                                   err_msg="xbar_i rounded as printed (rows 1-22)")
        for nn in (3, 4, 5):
            g = d[d["n_y"] == nn] if "n_y" in d else d[d["n"] == nn]
            assert len(g), nn
            for q in ("ucl", "lcl"):
                np.testing.assert_allclose(g[q], E(self.case, f"xbar_{q}_n{nn}"), rtol=0,
                                           atol=E.tol(self.case, f"xbar_{q}_n{nn}"), err_msg=f"xbar {q} n={nn}")
        for nn, q in ((5, "ucl"), (5, "lcl"), (3, "ucl"), (3, "lcl")):
            g = d[d["n_y"] == nn] if "n_y" in d else d[d["n"] == nn]
            np.testing.assert_allclose(g[q], E(self.case, f"qicharts2_{q}_n{nn}"), rtol=0, atol=1e-5,
                                       err_msg=f"qicharts2 xbar {q} n={nn}")

    def test_s(self, load, E):
        """Table 6.4 / Ex. 6.4: pooled s-bar 0.010291 (eq. 6.31); s_i as printed (rows 1-22); B3(n)
        s-bar, B4(n) s-bar for n = 3, 4, 5 (and qicharts2 ex_6.4_2.rds).
        """
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="s")
        sub = load(self.case + "_subgroups")
        d = res.data.merge(sub, left_on="x", right_on="sample")
        close(const(res, "cl"), self.case, "sbar_pooled", E)
        close(const(res, "cl"), self.case, "qicharts2_s_cl", E)
        pub = d.dropna(subset=["s_i_published_4dp"])
        np.testing.assert_allclose(np.round(pub["y"].to_numpy(), 4), pub["s_i_published_4dp"], atol=1e-9,
                                   err_msg="s_i rounded as printed (rows 1-22)")
        ncol = "n_y" if "n_y" in d else "n"
        for nn in (3, 4, 5):
            g = d[d[ncol] == nn]
            for q in ("ucl", "lcl", "cl"):
                np.testing.assert_allclose(g[q], E(self.case, f"s_{q}_n{nn}"), rtol=0,
                                           atol=E.tol(self.case, f"s_{q}_n{nn}"), err_msg=f"s {q} n={nn}")
        for nn in (5, 3):
            g = d[d[ncol] == nn]
            np.testing.assert_allclose(g["ucl"], E(self.case, f"qicharts2_s_ucl_n{nn}"), rtol=0, atol=1e-5)


class TestQccPistonRings2ndEd:
    """Montgomery (1991) ISQC 2nd ed. pp. 206-213 piston rings as in the R package qcc
    (vignette "A quick tour of qcc"): 25 phase-I and 15 phase-II samples of 5. qcc's x-bar
    chart takes sigma from R-bar (not available in qitools), so only its centre is used; the
    S chart (centre s-bar 0.009240037, UCL B4 s-bar 0.01930242) is compared exactly."""

    case = "qcc_pistonrings_2nd_ed_xbar_r_s_phase1_phase2"

    def test_xbar_phase2(self, load, E):
        """Centre 74.00118 from samples 1-25; phase-II means; samples 37, 38, 39 above the UCL.

        The phase-II signals are robust to the sigma estimator (s-based UCL 74.01437 vs
        R-based 74.0143; the means are 74.0166, 74.0196, 74.0234 and 74.0128 for sample 40).
        """
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="xbar",
                               freeze=E(self.case, "freeze"))
        close(const(res, "cl"), self.case, "xbar_center", E)
        sub = load(self.case + "_subgroups")
        m = res.data.merge(sub, left_on="x", right_on="sample")
        np.testing.assert_allclose(m["y"], m["phase2_xbar_i"], rtol=0, atol=E(self.case, "phase2_xbar_i_tol"),
                                   err_msg="phase-II means")
        p2 = res.data[res.data["x"] > E(self.case, "freeze")]
        assert sorted(int(v) for v in p2.loc[p2["y"] > p2["ucl"], "x"]) == E(self.case, "phase2_points_above_xbar_ucl")

    def test_s_chart(self, load, E):
        """qcc vignette S chart, phase I = samples 1-25: centre 0.009240037, LCL 0, UCL 0.01930242
        (exact constants on both sides).
        """
        res = qi.control_chart(load(self.case), x="sample", y="obs", chart="s", freeze=E(self.case, "freeze"))
        close(const(res, "cl"), self.case, "s_center", E)
        close(const(res, "ucl"), self.case, "s_ucl", E)
        close(const(res, "lcl"), self.case, "s_lcl", E)


# --------------------------------------------------------------------------- attribute charts
class TestNistWaferP:
    """NIST/SEMATECH e-Handbook 6.3.3.2 "Proportions control charts" (30 wafers x 50 chips) =
    Montgomery Example 7.1 / Table 7.1 trial samples 1-30 (qcc::orangejuice): p-bar 0.2313,
    UCL 0.4102, LCL 0.0524 (NIST) and 0.2313333 / 0.4102391 / 0.05242755 (qcc vignette)."""

    case = "nist_6_3_3_2_wafer_p_chart__montgomery_oj_trial"

    def test_p_chart(self, load, E):
        """NIST 6.3.3.2 / Montgomery Ex. 7.1 trial: p-bar 0.2313, UCL 0.4102, LCL 0.0524 (and qcc);
        samples 15 and 23 above the UCL.
        """
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="p")
        cl, ucl, lcl = const(res, "cl"), const(res, "ucl"), const(res, "lcl")
        close(cl, self.case, "cl", E)
        close(ucl, self.case, "ucl", E)
        close(lcl, self.case, "lcl", E)
        close(cl, self.case, "qcc_center", E)
        close(ucl, self.case, "qcc_ucl", E)
        close(lcl, self.case, "qcc_lcl", E)
        d = res.data
        assert sorted(int(v) for v in d.loc[d["y"] > d["ucl"], "x"]) == E(self.case, "points_above_ucl")
        assert sorted(int(v) for v in d.loc[d["y"] < d["lcl"], "x"]) == E(self.case, "points_below_lcl")
        assert signals(res) == E(self.case, "points_above_ucl")


class TestQccNp:
    """qcc vignette "p and np charts" on Montgomery's orange-juice samples 1-30 (n = 50):
    centre 11.56667 (= 347/30), LCL 2.621377, UCL 20.51196; samples 15 and 23 above."""

    case = "qcc_oj_np_chart_trial"

    def test_np_chart(self, load, E):
        """qcc vignette np chart: 11.56667 / 2.621377 / 20.51196; samples 15 and 23 above the UCL.
        """
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="np")
        close(const(res, "cl"), self.case, "center", E)
        close(const(res, "lcl"), self.case, "lcl", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        assert signals(res) == E(self.case, "points_above_ucl")


class TestMontgomeryOrangeJuice:
    """Montgomery ISQC Example 7.1 (orange-juice cans): revised limits without samples 15 and
    23 (assignable causes), then samples 31-54 after a machine adjustment against them.
    Published (qcc vignette): centre 0.215, LCL 0.04070284, UCL 0.3892972."""

    case = "montgomery_ex7_1_oj_p_chart_revised_and_phase2"

    def test_revised_limits_and_phase2(self, load, E):
        """freeze = sample 30, exclude = [15, 23]. Excluded points are still judged: 15 (0.44)
        and 23 (0.48) lie above the revised UCL as well as 21 (0.40), the point Montgomery keeps;
        in phase II sample 41 (0.04) lies below the LCL."""
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="p",
                               freeze=E(self.case, "freeze"), exclude=E(self.case, "exclude"))
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "lcl"), self.case, "lcl", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        d = res.data
        freeze = E(self.case, "freeze")
        p1 = d[(d["x"] <= freeze) & d["include"]]
        p2 = d[d["x"] > freeze]
        assert sorted(int(v) for v in p1.loc[p1["y"] > p1["ucl"], "x"]) == E(self.case, "phase1_points_above_revised_ucl")
        assert sorted(int(v) for v in p2.loc[p2["y"] < p2["lcl"], "x"]) == E(self.case, "phase2_points_below_lcl")
        assert sorted(int(v) for v in p2.loc[p2["y"] > p2["ucl"], "x"]) == E(self.case, "phase2_points_above_ucl")
        expected = sorted(E(self.case, "phase1_points_above_revised_ucl") + E(self.case, "exclude")
                          + E(self.case, "phase2_points_below_lcl"))
        assert signals(res) == expected
        assert sorted(int(v) for v in d.loc[~d["include"], "x"]) == E(self.case, "exclude")


class TestMontgomeryOrangeJuice2:
    """Montgomery (1991) ISQC 2nd ed. pp. 155-159 (qcc::orangejuice2): samples 31-54 as new
    phase I, 55-94 as phase II. Published (qcc vignette): centre 0.1108333, UCL 0.2440207,
    LCL 0 (negative limit clipped); no phase-II point above the UCL."""

    case = "montgomery_oj2_p_chart_after_adjustment"

    def test_p_chart(self, load, E):
        """qcc::orangejuice2 vignette: freeze at sample 54; centre 0.1108333, UCL 0.2440207, LCL
        clipped to 0.
        """
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="p", freeze=E(self.case, "freeze"))
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        assert const(res, "lcl") == 0.0, "negative LCL clipped at 0"
        p2 = res.data[res.data["x"] > E(self.case, "freeze")]
        assert sorted(int(v) for v in p2.loc[p2["y"] > p2["ucl"], "x"]) == E(self.case, "phase2_points_above_ucl")


class TestMontgomeryP74:
    """Montgomery ISQC (later editions) Table 7.4: p chart with variable sample size (80-120),
    25 samples: p-bar = 234/2450 = 0.09551, per-sample 3-sigma limits, LCL clipped at 0;
    sample 11 above its UCL. Also qicharts2 tbl_7.4_1.rds limits."""

    case = "montgomery_T7_4_p_chart_variable_n"

    def test_p_chart(self, load, E):
        """Table 7.4: p-bar 0.09551; per-sample limits (computed, 6 dp; qicharts2 tbl_7.4_1.rds);
        clipped LCLs exactly 0; sample 11 above.
        """
        d = load(self.case)
        res = qi.control_chart(d, x="sample", y="y", n="n", chart="p")
        m = res.data.merge(d, left_on="x", right_on="sample", suffixes=("", "_in"))
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "cl"), self.case, "qicharts2_cl", E)
        for q in ("ucl", "lcl"):
            np.testing.assert_allclose(m[q], m[f"expected_{q}"], rtol=0, atol=E(self.case, "limits_tol"), err_msg=q)
            np.testing.assert_allclose(m[q], m[f"qicharts2_{q}"], rtol=0, atol=E(self.case, "qicharts2_limits_tol"),
                                       err_msg=f"qicharts2 {q}")
        assert (m.loc[m["expected_lcl"] == 0, "lcl"] == 0).all(), "clipped LCLs must be exactly 0"
        assert signals(res) == E(self.case, "points_outside")


class TestBacteremiaP:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 6.3.3: 30-day mortality after
    bacteremia, 24 months. Published: average mortality 21%, all points within the limits.
    Per-month limits computed from the published data (p-bar +/- 3 binomial sigma)."""

    case = "anhoej_mohammed_spc4hc_ch6_bacteremia_mortality_p"

    def test_p_chart(self, load, E):
        """Ch. 6.3.3: p-bar 0.208861 (published 21%); per-month binomial limits (computed); no
        point outside (published).
        """
        d = load(self.case)
        res = qi.control_chart(d, x="x", y="y", n="n", chart="p")
        m = res.data.merge(d, on="x", suffixes=("", "_in"))
        close(const(res, "cl"), self.case, "cl", E)
        close(100 * const(res, "cl"), self.case, "cl_published_percent", E)
        for q in ("ucl", "lcl"):
            np.testing.assert_allclose(m[q], m[f"expected_{q}"], rtol=0, atol=E(self.case, "limits_tol"), err_msg=q)
        assert signals(res) == E(self.case, "points_outside")


class TestBacteremiaU:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 6.3.2: hospital-acquired
    bacteremias per 10,000 risk days (``multiply=10000``). Published: average 7.5, all points
    within the limits; per-month limits computed (u-bar +/- 3 sqrt(u-bar/n))."""

    case = "anhoej_mohammed_spc4hc_ch6_bacteremia_u"

    def test_u_chart(self, load, E):
        """Ch. 6.3.2: u-bar 7.543 per 10,000 (published 7.5); per-month limits (computed); no point
        outside (published).
        """
        d = load(self.case)
        res = qi.control_chart(d, x="x", y="y", n="n", chart="u", multiply=E(self.case, "multiply"))
        m = res.data.merge(d, on="x", suffixes=("", "_in"))
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "cl"), self.case, "cl_published", E)
        for q in ("ucl", "lcl"):
            np.testing.assert_allclose(m[q], m[f"expected_{q}"], rtol=0, atol=1e-6, err_msg=q)
        np.testing.assert_allclose(m["y"], m["y_in"] / m["n_in"] * 10000, rtol=1e-12, err_msg="y per 10,000")
        assert signals(res) == E(self.case, "points_outside")


class TestBacteremiaC:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 6.3.1: monthly hospital-acquired
    bacteremias. Published R output: UCL = 36.94952, CL = 22.66667, LCL = 8.38381."""

    case = "anhoej_mohammed_spc4hc_ch6_bacteremia_c"

    def test_c_chart(self, load, E):
        """Ch. 6.3.1: printed R output UCL 36.94952, CL 22.66667, LCL 8.38381; no point outside
        (published).
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="c")
        for q in ("cl", "ucl", "lcl"):
            close(const(res, q), self.case, q, E)
        assert signals(res) == E(self.case, "points_outside")


class TestCdiffC:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 7.1: C chart of 24 months of
    C. difficile infections with runs analysis around the mean. Published: point #1 above the
    UCL; LCL censored at zero; a run of 11 below the centre line (#14-#24) and only 7
    crossings (limits 8 and 8 for 24 useful points): runs signal."""

    case = "anhoej_mohammed_spc4hc_ch7_cdiff_c_chart_with_runs"

    def test_c_chart_and_runs(self, load, E):
        """Ch. 7.1: point #1 above the UCL, LCL censored at 0, longest run 11, 7 crossings, runs
        signal (published).
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="c")
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        assert const(res, "lcl") == 0.0
        assert signals(res) == E(self.case, "points_above_ucl")
        for q in ("n_useful", "longest_run", "n_crossings", "longest_run_max", "n_crossings_min"):
            assert int(summary_value(res, q)) == E(self.case, q), q
        assert bool(summary_value(res, "runs_signal")) is E(self.case, "runs_signal")
        assert res.data["runs_signal"].all()


class TestNistWaferC:
    """NIST/SEMATECH e-Handbook 6.3.3.1 "Counts control charts": defects on 25 wafers,
    c-bar 16, UCL 28, LCL 4. Wafer 3 (28 defects) lies exactly on the UCL and is not a
    signal (strictly beyond); wafer 24 (31) is."""

    case = "nist_6_3_3_1_wafer_defects_c_chart"

    def test_c_chart(self, load, E):
        """NIST 6.3.3.1: c-bar 16, UCL 28, LCL 4; wafer 3 on the UCL is not a signal, wafer 24 is.
        """
        res = qi.control_chart(load(self.case), x="wafer", y="y", chart="c")
        close(const(res, "cl"), self.case, "center", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        close(const(res, "lcl"), self.case, "lcl", E)
        assert signals(res) == E(self.case, "points_above_ucl")
        on_limit = res.data.loc[res.data["x"] == 3]
        assert float(on_limit["y"].iloc[0]) == float(on_limit["ucl"].iloc[0]) == 28.0
        assert not bool(on_limit["sigma_signal"].iloc[0])


class TestMontgomeryCircuitBoards:
    """Montgomery ISQC Example 7.3 (nonconformities in 26 samples of 100 printed circuit
    boards; samples 6 and 20 have assignable causes; 20 new samples), qcc::circuit; limits
    printed in the qcc vignette "c and u charts": trial 19.84615 / 6.481447 / 33.21086,
    revised 19.66667 / 6.362532 / 32.9708, u per board 0.1966667 / 0.06362532 / 0.329708."""

    case = "montgomery_ex7_3_circuit_boards_c_chart"

    def test_trial(self, load, E):
        """Trial limits from samples 1-26; samples 6 and 20 outside."""
        res = qi.control_chart(load(self.case), x="sample", y="y", chart="c", freeze=E(self.case, "freeze"))
        for q in ("center", "lcl", "ucl"):
            close(const(res, "cl" if q == "center" else q), self.case, "trial_" + q, E)
        p1 = res.data[res.data["x"] <= E(self.case, "freeze")]
        assert sorted(int(v) for v in p1.loc[p1["sigma_signal"], "x"]) == E(self.case, "trial_points_outside")

    def test_revised_and_phase2(self, load, E):
        """exclude = [6, 20], freeze = 26: revised limits; no phase-II point outside. The
        excluded samples remain signals (5 < 6.36 and 39 > 32.97)."""
        res = qi.control_chart(load(self.case), x="sample", y="y", chart="c",
                               freeze=E(self.case, "freeze"), exclude=E(self.case, "exclude"))
        for q in ("center", "lcl", "ucl"):
            close(const(res, "cl" if q == "center" else q), self.case, "revised_" + q, E)
        p2 = res.data[res.data["x"] > E(self.case, "freeze")]
        assert sorted(int(v) for v in p2.loc[p2["sigma_signal"], "x"]) == E(self.case, "phase2_points_outside")
        assert signals(res) == E(self.case, "exclude")

    def test_u_per_board(self, load, E):
        """The same revised chart as nonconformities per board (u chart, n = 100 boards)."""
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="u",
                               freeze=E(self.case, "freeze"), exclude=E(self.case, "exclude"))
        for q in ("center", "lcl", "ucl"):
            close(const(res, "cl" if q == "center" else q), self.case, "u_revised_" + q, E)


class TestMontgomeryPcU:
    """Montgomery ISQC Example 7.4 (qcc::pcmanufact: nonconformities in 20 samples of 5
    computers). Published (qcc vignette): u-bar 1.93, LCL 0.06613305, UCL 3.793867."""

    case = "montgomery_ex7_4_pc_nonconformities_u_chart"

    def test_u_chart(self, load, E):
        """qcc vignette (Montgomery Ex. 7.4): u-bar 1.93, LCL 0.06613305, UCL 3.793867; no point
        outside.
        """
        res = qi.control_chart(load(self.case), x="sample", y="y", n="n", chart="u")
        close(const(res, "cl"), self.case, "center", E)
        close(const(res, "lcl"), self.case, "lcl", E)
        close(const(res, "ucl"), self.case, "ucl", E)
        assert signals(res) == E(self.case, "points_outside")


class TestMontgomeryDyedCloth:
    """Montgomery ISQC Example 7.5 (dyed cloth, 10 rolls, inspection unit 50 m^2): u-bar =
    153/107.5 = 1.4233, per-roll limits u-bar +/- 3 sqrt(u-bar/n_i); also qicharts2's
    ``qic(roll, count, meters, chart = 'u', multiply = 50)`` (ex_7.5_1.rds)."""

    case = "montgomery_ex7_5_dyed_cloth_u_chart_variable_units"

    @pytest.mark.parametrize("denominator,multiply", [("units", 1), ("meters", 50)])
    def test_u_chart(self, load, E, denominator, multiply):
        """Ex. 7.5: u-bar 1.4233 and per-roll limits with n = inspection units, and with n = metres
        and multiply = 50 (qicharts2 ex_7.5_1.rds).
        """
        d = load(self.case)
        res = qi.control_chart(d, x="roll", y="y", n=denominator, chart="u", multiply=multiply)
        m = res.data.merge(d, left_on="x", right_on="roll", suffixes=("", "_in"))
        close(const(res, "cl"), self.case, "cl", E)
        close(const(res, "cl"), self.case, "qicharts2_cl", E)
        for q in ("ucl", "lcl"):
            np.testing.assert_allclose(m[q], m[f"expected_{q}"], rtol=0, atol=E(self.case, "limits_tol"), err_msg=q)
            np.testing.assert_allclose(m[q], m[f"qicharts2_{q}"], rtol=0, atol=E(self.case, "qicharts2_limits_tol"),
                                       err_msg=f"qicharts2 {q}")
        assert signals(res) == E(self.case, "points_outside")


class TestLaneyPPrime:
    """Mohammed, Panesar, Laney & Wilson, BMJ Qual Saf 2013;22:362-368: weekly NHS A&E
    attendances seen within 4 h (20 weeks, n ~ 270,000). Laney (2002) p' chart: p-bar +/-
    3 sigma_p,i sigma_z with sigma_z = mean|z_i - z_(i-1)|/1.128 (half-width allowance);
    screening removes no moving range here. The plain p chart (limits far too narrow)
    flags 16 weeks; the p' chart none."""

    case = "mohammed2013_nhs_ae_4hr_laney_p_prime"

    def test_p_prime(self, load, E, assert_limits_close):
        """Laney p' on the Mohammed et al. 2013 A&E data: p-bar, per-week limits (1.128 allowance),
        sigma_z 10.64 on the 1.128 scale; no point outside.
        """
        d = load(self.case)
        res = qi.control_chart(d, x="week", y="y", n="n", chart="pp")
        m = res.data.merge(d, left_on="x", right_on="week", suffixes=("", "_in"))
        close(const(res, "cl"), self.case, "p_bar", E)
        for q in ("ucl", "lcl"):
            assert_limits_close(m[q], m[f"expected_pp_{q}"], m["cl"], RTOL_HALFWIDTH,
                                atol=E(self.case, "limits_tol"), err_msg=f"p' {q}")
        # sigma_z from the half-width: (ucl - cl) / (3 sqrt(p(1-p)/n)), scaled to qitools's d2(2)
        pb = const(res, "cl")
        sz = ((m["ucl"] - m["cl"]) / (3 * np.sqrt(pb * (1 - pb) / m["n_in"]))).to_numpy()
        assert np.allclose(sz, sz[0], rtol=1e-9)
        np.testing.assert_allclose(sz[0] * D2_2 / 1.128, E(self.case, "sigma_z"), rtol=0,
                                   atol=E.tol(self.case, "sigma_z"), err_msg="sigma_z (1.128 scale)")
        assert signals(res) == E(self.case, "p_prime_points_outside")

    def test_p_chart(self, load, E):
        """Plain p chart on the same data: per-week limits (7 dp, computed) and 16 of 20 weeks
        outside (Mohammed et al. 2013: limits far too narrow).
        """
        d = load(self.case)
        res = qi.control_chart(d, x="week", y="y", n="n", chart="p")
        m = res.data.merge(d, left_on="x", right_on="week", suffixes=("", "_in"))
        for q in ("ucl", "lcl"):
            np.testing.assert_allclose(m[q], m[f"expected_p_{q}"], rtol=0, atol=E(self.case, "limits_tol"), err_msg=q)
        assert int(res.data["sigma_signal"].sum()) == E(self.case, "p_chart_n_points_outside")

    def test_i_chart_of_proportions(self, load, E, assert_limits_close):
        """The I chart of the weekly proportions is close to the p' chart (unweighted mean
        0.9529699).
        """
        d = load(self.case)
        res = qi.control_chart(x=d["week"], y=d["y"] / d["n"], chart="i")
        cl = const(res, "cl")
        close(cl, self.case, "i_center", E)
        for q in ("ucl", "lcl"):
            assert_limits_close(const(res, q), E(self.case, f"i_{q}"), cl, RTOL_HALFWIDTH,
                                atol=E.tol(self.case, f"i_{q}"), err_msg=f"I chart {q}")


# --------------------------------------------------------------------------- g / t charts
class TestAsphyxiaG:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 12.2: deliveries between cases
    of neonatal asphyxia (15 gaps). Limits from the mean 129: UCL = 129 + 3 sqrt(129 x 130)
    = 517.497; LCL clipped at 0; the centre line is the median 73 (qicharts2 / book).
    Published: a signal needs at least 518 deliveries without a case."""

    case = "anhoej_mohammed_spc4hc_ch12_asphyxia_g_chart"

    def test_g_chart(self, load, E):
        """Ch. 12.2: UCL 517.497 from the mean 129 (published: at least 518 deliveries for a
        signal), LCL 0, median centre line 73.
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="g")
        ucl = const(res, "ucl")
        close(ucl, self.case, "ucl", E)
        assert 517 < ucl < E(self.case, "ucl_published_min_run")
        assert const(res, "lcl") == 0.0
        close(const(res, "cl"), self.case, "cl_median", E)
        # the mean is what the limits come from: ucl = m + 3 sqrt(m (m + 1))
        mean = E(self.case, "mean")
        np.testing.assert_allclose(ucl, mean + 3 * math.sqrt(mean * (mean + 1)), rtol=1e-9)


class TestAsphyxiaT:
    """Anhøj & Mohammed, *Mastering SPC Charts in Healthcare*, 12.3: days between neonatal
    asphyxia cases. y**(1/3.6), I chart, back-transformed (Nelson 1994): centre 16.32 days,
    UCL 190.4 days (published: "about 190 days"). Sigma from moving ranges: half-widths are
    compared on the transformed scale with the 5e-4 allowance."""

    case = "anhoej_mohammed_spc4hc_ch12_asphyxia_t_chart"

    def test_t_chart(self, load, E, assert_limits_close):
        """Ch. 12.3: centre 16.32 days, UCL 190.4 days (published about 190), transformed mean
        2.172 and AMR 0.799.
        """
        res = qi.control_chart(load(self.case), x="x", y="y", chart="t")
        cl = const(res, "cl")
        close(cl, self.case, "cl", E)
        t = lambda v: np.power(v, 1 / 3.6)
        close(t(cl), self.case, "transformed_mean", E)
        ucl, lcl = const(res, "ucl"), const(res, "lcl")
        assert_limits_close(t(ucl), t(E(self.case, "ucl")), t(cl), RTOL_HALFWIDTH, err_msg="ucl (t scale)")
        assert_limits_close(t(lcl), t(E(self.case, "lcl")), t(cl), RTOL_HALFWIDTH, err_msg="lcl (t scale)")
        close(ucl, self.case, "ucl_published", E)
        amr = (t(ucl) - t(cl)) * D2_2 / 3
        close(amr, self.case, "transformed_amr", E)


class TestMontgomeryValveT:
    """Montgomery ISQC (later editions) Example 7.6: hours between 20 valve failures,
    x**(1/3.6) then an individuals chart: transformed centre 5.3893, AMR 2.3609, limits
    -0.8898 .. 11.6683; back-transformed centre 430.04 h, UCL 6937.9 h, LCL 0. Also
    qicharts2 ex_7.6_1.rds. Half-widths compared on the transformed scale (1.128 vs 2/sqrt(pi))."""

    case = "montgomery_ex7_6_valve_failures_t_chart"

    def test_t_chart(self, load, E, assert_limits_close):
        """Ex. 7.6: transformed values, centre 430.04 h (5.3893), AMR 2.3609, transformed UCL
        11.6683, LCL 0 (and qicharts2 ex_7.6_1.rds).
        """
        d = load(self.case)
        res = qi.control_chart(d, x="failure", y="y", chart="t")
        m = res.data.merge(d, left_on="x", right_on="failure", suffixes=("", "_in"))
        np.testing.assert_allclose(np.power(m["y"], 1 / 3.6), m["transformed"], rtol=0, atol=1e-6,
                                   err_msg="transformed values")
        cl, ucl, lcl = const(res, "cl"), const(res, "ucl"), const(res, "lcl")
        t = lambda v: np.power(v, 1 / 3.6)
        close(cl, self.case, "cl", E)
        close(cl, self.case, "qicharts2_cl", E)
        close(t(cl), self.case, "transformed_mean", E)
        close((t(ucl) - t(cl)) * D2_2 / 3, self.case, "transformed_amr", E)
        assert_limits_close(t(ucl), E(self.case, "transformed_ucl"), t(cl), RTOL_HALFWIDTH,
                            atol=E.tol(self.case, "transformed_ucl"), err_msg="transformed ucl")
        assert_limits_close(t(ucl), t(E(self.case, "qicharts2_ucl")), t(cl), RTOL_HALFWIDTH,
                            err_msg="qicharts2 ucl (t scale)")
        assert lcl == 0.0 == E(self.case, "lcl") == E(self.case, "qicharts2_lcl"), "negative transformed LCL -> 0"
        assert E(self.case, "transformed_lcl") < 0
        assert signals(res) == E(self.case, "points_outside")


# --------------------------------------------------------------------------- run chart
class TestQicharts2CdiRunChart:
    """qicharts2 vignette "Quality Improvement Charts", case 2: hospital-acquired C. difficile
    infections, 36 months, intervention after month 24. Published: the median of the
    before period is 19 and an unusually long run of 15 points below it proves the reduction
    (freeze = 24); the whole-series and split (part) analyses are computed."""

    case = "qicharts2_cdi_run_chart_frozen_baseline"

    def _data(self, load):
        d = load(self.case)
        d["month"] = pd.to_datetime(d["month"])
        return d

    def _check(self, res, E, prefix, part=1, n_obs=True):
        close(const(res, "cl", part=part), self.case, f"{prefix}_cl", E)
        qs = ["n_useful", "longest_run", "n_crossings", "longest_run_max", "n_crossings_min"]
        if n_obs:
            qs.append("n_obs")
        for q in qs:
            assert int(summary_value(res, q, part)) == E(self.case, f"{prefix}_{q}"), q

    def test_frozen_baseline(self, load, E):
        """freeze = month 24: median 19, 36 observations, 31 useful, longest run 15 (published), 8
        crossings, limits 8 and 11: signal.
        """
        d = self._data(load)
        freeze = d["month"].sort_values().iloc[E(self.case, "freeze") - 1]
        res = qi.run_chart(d, x="month", y="y", freeze=freeze)
        self._check(res, E, "frozen_baseline")
        assert bool(summary_value(res, "runs_signal")) is E(self.case, "frozen_baseline_runs_signal")

    def test_whole_series(self, load, E):
        """No freeze: median 17, 32 useful, longest run 14, 6 crossings: signal (the vignette: the
        shift is supported by the runs analysis).
        """
        res = qi.run_chart(self._data(load), x="month", y="y")
        self._check(res, E, "whole_series_median", n_obs=False)
        assert bool(summary_value(res, "runs_signal")) is E(self.case, "whole_series_median_runs_signal")

    def test_split(self, load, E):
        """Two parts (the second begins at month 25): both show only random variation."""
        d = self._data(load)
        start = d["month"].sort_values().iloc[E(self.case, "freeze")]
        res = qi.run_chart(d, x="month", y="y", part=[start])
        for p in (1, 2):
            self._check(res, E, f"split_part{p}", part=p, n_obs=False)
            assert not bool(summary_value(res, "runs_signal", p))
