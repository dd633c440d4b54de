"""Property-based tests (Hypothesis) for invariants every chart must respect.

* Row order is irrelevant: shuffling the input rows gives the same ``.data`` (after sorting
  by x) and ``.summary`` (run, i, p, u, c, xbar charts).
* ``lcl <= cl <= ucl`` wherever the limits are finite.
* Scale equivariance: multiplying y by k > 0 multiplies the centre line and the limits by k
  (i, xbar, s and run charts), and ``multiply=k`` multiplies y, the centre line and the
  limits by k for every chart type.
* Excluding a point gives the same centre line and limits as dropping its row (i, p, u, c),
  and the same runs analysis (an excluded point is not a useful observation).

The Hypothesis profile "qitools" (tests/conftest.py) is derandomized: the same examples run
on every machine. Examples are kept small so the module runs in a few seconds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qitools as qi

pytestmark = pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")

ALL_CHARTS = ["run", "i", "mr", "xbar", "s", "p", "np", "pp", "c", "u", "up", "g", "t"]
DATA_COLS = ["x", "y", "n", "part", "baseline", "include", "cl", "lcl", "ucl", "sigma_signal", "runs_signal"]
SUMMARY_COLS = ["part", "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
                "n_crossings_min", "runs_signal", "cl", "lcl", "ucl", "sigma_signals"]
RUNS_COLS = ["n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings", "n_crossings_min", "runs_signal"]

FAST = settings(max_examples=25)


# --------------------------------------------------------------------------- strategies
@st.composite
def count_data(draw, min_points=12, max_points=30):
    """One row per x: y counts 1..60, n denominators >= y (works for every attribute chart,
    and for run, i, mr, g and t charts, which ignore n)."""
    k = draw(st.integers(min_points, max_points))
    y = draw(st.lists(st.integers(1, 60), min_size=k, max_size=k))
    extra = draw(st.lists(st.integers(0, 200), min_size=k, max_size=k))
    return pd.DataFrame({"x": np.arange(1, k + 1), "y": np.array(y, float),
                         "n": np.array(y, float) + np.array(extra, float) + 1.0})


@st.composite
def measurement_data(draw, min_points=12, max_points=30):
    """One row per x: measurements with one decimal (i and run charts)."""
    k = draw(st.integers(min_points, max_points))
    y = draw(st.lists(st.integers(-500, 500), min_size=k, max_size=k))
    return pd.DataFrame({"x": np.arange(1, k + 1), "y": np.array(y, float) / 10})


@st.composite
def subgroup_data(draw, min_groups=10, max_groups=20):
    """Several rows per x (subgroups of 2..6 observations) for xbar and s charts."""
    g = draw(st.integers(min_groups, max_groups))
    sizes = draw(st.lists(st.integers(2, 6), min_size=g, max_size=g))
    rows = []
    for i, m in enumerate(sizes, start=1):
        vals = draw(st.lists(st.integers(-500, 500), min_size=m, max_size=m))
        rows += [(i, v / 10) for v in vals]
    return pd.DataFrame(rows, columns=["x", "y"])


def _data_for(chart: str):
    if chart in ("xbar", "s"):
        return subgroup_data()
    if chart in ("run", "i"):
        return measurement_data()
    return count_data()


def _kwargs(chart: str) -> dict:
    kw = {"x": "x", "y": "y", "chart": chart}
    if chart in ("p", "np", "pp", "u", "up"):
        kw["n"] = "n"
    return kw


def _chart(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.control_chart(df, **kw)


def _sorted_data(res) -> pd.DataFrame:
    d = res.data[[c for c in DATA_COLS if c in res.data]]
    return d.sort_values("x").reset_index(drop=True)


def _assert_frames_close(a: pd.DataFrame, b: pd.DataFrame, what: str, rtol=1e-12):
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), what
    for c in a.columns:
        va, vb = a[c].to_numpy(), b[c].to_numpy()
        if va.dtype.kind in "fc" or vb.dtype.kind in "fc":
            np.testing.assert_allclose(va.astype(float), vb.astype(float), rtol=rtol, atol=1e-12,
                                       equal_nan=True, err_msg=f"{what}: {c}")
        else:
            np.testing.assert_array_equal(va, vb, err_msg=f"{what}: {c}")


# --------------------------------------------------------------------------- row order
@pytest.mark.parametrize("chart", ["run", "i", "p", "u", "c", "xbar"])
@FAST
@given(data=st.data())
def test_row_order_is_irrelevant(chart, data):
    """Shuffling the rows gives the same .data (sorted by x) and the same .summary."""
    df = data.draw(_data_for(chart), label="df")
    perm = data.draw(st.permutations(range(len(df))), label="permutation")
    shuffled = df.iloc[list(perm)].reset_index(drop=True)
    a, b = _chart(df, **_kwargs(chart)), _chart(shuffled, **_kwargs(chart))
    _assert_frames_close(_sorted_data(a), _sorted_data(b), f"{chart} .data")
    cols = [c for c in SUMMARY_COLS if c in a.summary]
    _assert_frames_close(a.summary[cols].reset_index(drop=True), b.summary[cols].reset_index(drop=True),
                         f"{chart} .summary")


# --------------------------------------------------------------------------- ordering of limits
@pytest.mark.parametrize("chart", ALL_CHARTS)
@FAST
@given(data=st.data())
def test_limits_bracket_centre_line(chart, data):
    """lcl <= cl <= ucl wherever both are finite (g: cl is the median, see DESIGN.md)."""
    df = data.draw(_data_for(chart), label="df")
    d = _chart(df, **_kwargs(chart)).data
    lo, cl, hi = (d[c].to_numpy(float) for c in ("lcl", "cl", "ucl"))
    ok = np.isfinite(lo) & np.isfinite(cl)
    assert np.all(lo[ok] <= cl[ok] * (1 + 1e-12) + 1e-12), d.loc[ok & ~(lo <= cl + 1e-12), ["x", "lcl", "cl"]]
    ok = np.isfinite(hi) & np.isfinite(cl)
    assert np.all(cl[ok] <= hi[ok] * (1 + 1e-12) + 1e-12), d.loc[ok & ~(cl <= hi + 1e-12), ["x", "cl", "ucl"]]
    if chart in ("p", "np", "pp", "c", "u", "up", "g", "t", "mr", "s"):
        assert np.all(lo[np.isfinite(lo)] >= 0), "a lower limit below 0 on a non-negative scale"


# --------------------------------------------------------------------------- scale equivariance
@pytest.mark.parametrize("chart", ["i", "xbar", "s", "run"])
@FAST
@given(data=st.data(), k=st.sampled_from([0.001, 0.37, 2.5, 1000.0]))
def test_scaling_y_scales_centre_and_limits(chart, data, k):
    """y -> k y (k > 0) gives cl -> k cl and limits -> k limits (location-scale charts)."""
    df = data.draw(_data_for(chart), label="df")
    scaled = df.assign(y=df["y"] * k)
    a, b = _sorted_data(_chart(df, **_kwargs(chart))), _sorted_data(_chart(scaled, **_kwargs(chart)))
    for c in ("y", "cl", "lcl", "ucl"):
        np.testing.assert_allclose(b[c].to_numpy(float), k * a[c].to_numpy(float), rtol=1e-9, atol=1e-12,
                                   equal_nan=True, err_msg=f"{chart}: {c} with y x {k}")


@pytest.mark.parametrize("chart", ALL_CHARTS)
@FAST
@given(data=st.data(), k=st.sampled_from([0.01, 100.0, 1000.0, 10000.0]))
def test_multiply_scales_y_centre_and_limits(chart, data, k):
    """multiply=k multiplies y, cl, lcl and ucl by k and leaves the signals unchanged."""
    df = data.draw(_data_for(chart), label="df")
    a = _sorted_data(_chart(df, **_kwargs(chart)))
    b = _sorted_data(_chart(df, multiply=k, **_kwargs(chart)))
    for c in ("y", "cl", "lcl", "ucl"):
        np.testing.assert_allclose(b[c].to_numpy(float), k * a[c].to_numpy(float), rtol=1e-9, atol=1e-12,
                                   equal_nan=True, err_msg=f"{chart}: {c} with multiply={k}")
    np.testing.assert_array_equal(b["runs_signal"].to_numpy(bool), a["runs_signal"].to_numpy(bool))


# --------------------------------------------------------------------------- exclude == drop
@pytest.mark.parametrize("chart", ["i", "p", "u", "c"])
@FAST
@given(data=st.data())
def test_exclude_equals_dropping_the_row(chart, data):
    """exclude=[x_e] gives the same cl/limits at the other points, and the same runs analysis,
    as removing row x_e (i chart: the moving range then spans the gap, as in qicharts2)."""
    df = data.draw(count_data(min_points=13) if chart != "i" else measurement_data(min_points=13), label="df")
    xe = data.draw(st.sampled_from(df["x"].tolist()), label="excluded x")
    kw = _kwargs(chart)
    a = _chart(df, exclude=[xe], **kw)
    b = _chart(df[df["x"] != xe].reset_index(drop=True), **kw)
    da = _sorted_data(a)
    assert not bool(da.loc[da["x"] == xe, "include"].iloc[0])
    da = da[da["x"] != xe].reset_index(drop=True)
    db = _sorted_data(b)
    for c in ("cl", "lcl", "ucl"):
        np.testing.assert_allclose(da[c].to_numpy(float), db[c].to_numpy(float), rtol=1e-12, atol=1e-12,
                                   equal_nan=True, err_msg=f"{chart}: {c} (exclude x={xe} vs drop)")
    np.testing.assert_array_equal(da["sigma_signal"].to_numpy(bool), db["sigma_signal"].to_numpy(bool))
    sa = a.summary[RUNS_COLS].reset_index(drop=True)
    sb = b.summary[RUNS_COLS].reset_index(drop=True)
    _assert_frames_close(sa, sb, f"{chart}: runs analysis (exclude vs drop)")
