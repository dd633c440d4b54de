"""A national analyst's table, checked against an independent calculation written here from the
published formulas (not from qitools' code), and the walls an audit found in per-facet options.

Formulas (NHS England, *Making Data Count: getting started* (2019); NHSRplotthedots' documented rules):
XmR limits mean +/- 2.66 x MR-bar, moving ranges of 3.267 x MR-bar or more screened out once, a moving
range spans two consecutive periods only (one touching a missing value is left out; excluded points
are skipped); shift = 7 in a row on one side of the mean, trend = 7 in a row increasing or decreasing,
two of three beyond 2 sigma with all three on one side (points outside the limits are not "close"),
outside = strictly beyond a limit; missing and excluded points are skipped by the runs and trends.
Assurance (increase): fail when the target is above the upper limit, pass when below the lower one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools.spc.engine import _starts_before

# ---------------------------------------------------------------------------------------------
# the independent reference: one facet at a time, plain loops


def _runs(values: list[int], k: int) -> np.ndarray:
    out = np.zeros(len(values), bool)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        if values[i] != 0 and j - i + 1 >= k:
            out[i : j + 1] = True
        i = j + 1
    return out


def _trend(y: np.ndarray, k: int = 7) -> tuple[np.ndarray, np.ndarray]:
    d = np.sign(np.diff(y))
    out = np.zeros(len(y), bool)
    direction = np.zeros(len(y), int)
    i = 0
    while i < len(d):
        j = i
        while j + 1 < len(d) and d[j + 1] == d[i]:
            j += 1
        if d[i] != 0 and j - i + 1 >= k - 1:
            out[i : j + 2] = True
            direction[i : j + 2] = int(d[i])
        i = j + 1
    return out, direction


def _reference_facet(x: pd.Series, y: np.ndarray, starts: list, freeze, exclude: list, target: float) -> tuple:
    """x sorted; returns per-point cl, lcl, ucl, point_type and the facet's (variation, assurance)."""
    n = len(y)
    part = np.zeros(n, int)
    for s in starts:
        part += (x >= pd.Timestamp(s)).to_numpy()
    excl = x.isin(pd.to_datetime(exclude)).to_numpy() if exclude else np.zeros(n, bool)
    cl = np.full(n, np.nan)
    lcl, ucl = cl.copy(), cl.copy()
    ptype = np.array(["common_cause"] * n, dtype=object)
    for p in np.unique(part):
        m = np.flatnonzero(part == p)
        yy = y[m]
        base_rows = np.ones(m.size, bool) if freeze is None else (x.iloc[m] <= pd.Timestamp(freeze)).to_numpy()
        if not base_rows.any():
            base_rows[:] = True
        seq = base_rows & ~excl[m]
        base = seq & ~np.isnan(yy)
        mean = yy[base].mean()
        mr = np.abs(np.diff(yy[seq]))
        mr = mr[~np.isnan(mr)]
        mr_bar = mr.mean()
        mr_bar = mr[mr < 3.267 * mr_bar].mean()
        cl[m], lcl[m], ucl[m] = mean, mean - 2.66 * mr_bar, mean + 2.66 * mr_bar
        outside = ~np.isnan(yy) & ((yy > ucl[m]) | (yy < lcl[m]))
        idx = np.flatnonzero(~np.isnan(yy) & ~excl[m])
        yc = yy[idx]
        side = np.sign(yc - mean).astype(int)
        shift, trend, two = (np.zeros(m.size, bool) for _ in range(3))
        shift[idx] = _runs(list(side), 7)
        tr, tdir = _trend(yc)
        trend[idx] = tr
        trend_dir = np.zeros(m.size, int)
        trend_dir[idx] = tdir
        close = (np.abs(yc - mean) > 2 * (2.66 * mr_bar) / 3) & ~outside[idx]
        flag = np.zeros(idx.size, bool)
        for s in range(idx.size - 2):
            if abs(side[s : s + 3].sum()) == 3 and close[s : s + 3].sum() >= 2:
                flag[s : s + 3] |= close[s : s + 3]
        two[idx] = flag
        special = outside | trend | two | shift
        high = np.where(trend & ~outside, trend_dir > 0, yy > mean)
        ptype[m[special & high]] = "special_cause_improvement"
        ptype[m[special & ~high]] = "special_cause_concern"
    last = np.flatnonzero(~np.isnan(y))[-1]
    variation = {"common_cause": "common_cause", "special_cause_improvement": "improvement_high",
                 "special_cause_concern": "concern_low"}[ptype[last]]
    assurance = "fail" if target > ucl[last] else ("pass" if target < lcl[last] else "hit_or_miss")
    return cl, lcl, ucl, ptype, variation, assurance


def _national(seed: int = 11, n_trusts: int = 40) -> tuple[pd.DataFrame, dict, dict, dict]:
    """Trusts x indicators x 48 months: rows missing, gaps inside series, planted shifts, outliers and
    trends, trusts absorbed mid-series (their series stop; the absorbing trust is rebased), rows shuffled."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2020-04-01", periods=48, freq="MS")
    trusts = [f"R{i:03d}" for i in range(n_trusts)]
    inds = ["ae4h", "rtt18"]
    n_series = n_trusts * len(inds)
    df = pd.DataFrame({
        "trust": np.repeat(trusts, len(inds) * 48),
        "indicator": np.tile(np.repeat(inds, 48), n_trusts),
        "month": np.tile(months, n_series),
    })
    value = rng.uniform(0.6, 0.95, n_series).repeat(48) + rng.normal(0, 0.03, len(df))
    value += np.where((rng.random(n_series) < 0.3).repeat(48) & (df["month"] >= "2022-06-01"), 0.06, 0)
    value += np.where((rng.random(n_series) < 0.1).repeat(48), np.tile(np.arange(48) * 0.004, n_series), 0)
    out = rng.random(len(df)) < 0.01
    value[out] += rng.choice([-0.2, 0.2], out.sum())
    df["value"] = pd.array(value, dtype="Float64")
    df = df[rng.random(len(df)) > 0.04].copy()
    df.loc[rng.random(len(df)) < 0.04, "value"] = pd.NA
    df = df[~(df["trust"].isin(trusts[:3]) & (df["month"] >= "2022-10-01"))]
    part = {f"{t} | {i}": ["2022-10-01"] for t in trusts[3:6] for i in inds}
    df.loc[df["trust"].isin(trusts[3:6]) & (df["month"] >= "2022-10-01"), "value"] += 0.05
    freeze = {f"{t} | {i}": "2021-09-01" for t in trusts[6:10] for i in inds}
    targets = {f"{t} | {i}": float(rng.choice([0.76, 0.85, 0.92, 0.95])) for t in trusts for i in inds}
    return df.sample(frac=1, random_state=seed).reset_index(drop=True), part, freeze, targets


_VARIANTS = {
    "str_us": lambda d: d,
    "pyarrow_s": lambda d: d.assign(trust=d["trust"].astype("string[pyarrow]"), month=d["month"].astype("datetime64[s]")),
    "categorical_ms": lambda d: d.assign(trust=d["trust"].astype("category"), month=d["month"].astype("datetime64[ms]")),
    "nullable_ns": lambda d: d.assign(trust=d["trust"].astype("string"), month=d["month"].astype("datetime64[ns]")),
    "period": lambda d: d.assign(month=d["month"].dt.to_period("M")),
}


@pytest.mark.parametrize("variant", list(_VARIANTS))
def test_national_mdc_matches_independent_reference(variant):
    df, part, freeze, targets = _national()
    exclude = ["2020-12-01"]
    data = _VARIANTS[variant](df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        cc = qi.control_chart(data, x="month", y="value", chart="i", rules="mdc", improvement="increase",
                              target=targets, facet=["trust", "indicator"], part=part, freeze=freeze, exclude=exclude)
    got = cc.data
    x = got["x"].dt.to_timestamp() if isinstance(got["x"].dtype, pd.PeriodDtype) else got["x"]
    got = got.assign(key=got["facet"].astype(str) + "@" + x.dt.strftime("%Y-%m")).set_index("key")
    icons = cc.icons.assign(facet=cc.icons["facet"].astype(str)).set_index("facet")
    checked = 0
    for (trust, ind), g in df.groupby(["trust", "indicator"]):
        label = f"{trust} | {ind}"
        g = g.sort_values("month")
        y = g["value"].to_numpy(dtype=float, na_value=np.nan)
        cl, lcl, ucl, ptype, variation, assurance = _reference_facet(
            g["month"], y, part.get(label, []), freeze.get(label), exclude, targets[label])
        mine = got.loc[label + "@" + g["month"].dt.strftime("%Y-%m")]
        np.testing.assert_allclose(mine["cl"].to_numpy(float), cl, rtol=1e-12, err_msg=label)
        np.testing.assert_allclose(mine["lcl"].to_numpy(float), lcl, rtol=1e-12, err_msg=label)
        np.testing.assert_allclose(mine["ucl"].to_numpy(float), ucl, rtol=1e-12, err_msg=label)
        assert list(mine["point_type"].astype(str)) == list(ptype), label
        assert icons.loc[label, "variation"] == variation, label
        assert icons.loc[label, "assurance"] == assurance, label
        checked += (ptype != "common_cause").sum()
    assert checked > 100  # the data do hold special causes of every kind to compare


# ---------------------------------------------------------------------------------------------
# months as pd.Period


def test_period_x_out_of_order_is_sorted_in_time_not_first_appearance():
    """Before the audit a Period x was ordered by first appearance: shuffled rows gave other limits,
    silently (here -3.98..6.85 instead of -0.37..3.24)."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"m": pd.period_range("2020-01", periods=30, freq="M"),
                       "y": np.r_[rng.normal(0, 1, 15), rng.normal(3, 1, 15)]})
    in_order = qi.control_chart(df, x="m", y="y", chart="i")
    with pytest.warns(qi.QIToolsWarning, match="not in time order"):
        shuffled = qi.control_chart(df.sample(frac=1, random_state=2), x="m", y="y", chart="i")
    as_dates = qi.control_chart(df.assign(m=df["m"].dt.to_timestamp()), x="m", y="y", chart="i")
    for col in ("cl", "lcl", "ucl"):
        assert shuffled.summary[col][0] == pytest.approx(in_order.summary[col][0], rel=1e-12)
        assert shuffled.summary[col][0] == pytest.approx(as_dates.summary[col][0], rel=1e-12)
    assert list(shuffled.data["x"]) == list(df["m"])


@pytest.mark.parametrize("named", ["2020-05", "2020-05-01", pd.Timestamp("2020-05-01"), pd.Period("2020-05", "M")])
def test_period_x_named_by_a_date(named):
    df = pd.DataFrame({"m": pd.period_range("2020-01", periods=24, freq="M"), "y": np.arange(24.0) % 5})
    want = qi.control_chart(df, x="m", y="y", chart="i", exclude=[pd.Period("2020-05", "M")],
                            part=[pd.Period("2020-10", "M")])
    got = qi.control_chart(df, x="m", y="y", chart="i", exclude=[named], part=[named.replace("05", "10") if isinstance(named, str) else pd.Period("2020-10", "M")])
    pd.testing.assert_frame_equal(got.summary, want.summary)
    with pytest.raises(qi.QIToolsError, match="not in the data: \\['2030-01-01'\\].*2020-01"):
        qi.control_chart(df, x="m", y="y", chart="i", exclude=["2030-01-01"])


# ---------------------------------------------------------------------------------------------
# per-facet options over many facets


def test_starts_before_matches_a_loop():
    rng = np.random.default_rng(5)
    n_f = 30
    facet = np.sort(rng.integers(0, n_f, 600))
    xkey = np.concatenate([np.sort(rng.integers(0, 40, (facet == f).sum())) for f in range(n_f)]).astype(np.int64)
    starts = {int(f): np.unique(rng.integers(-5, 45, rng.integers(0, 4))).astype(np.int64) for f in rng.choice(n_f, 12, replace=False)}
    want = np.array([np.searchsorted(starts[f], k, side="right") if f in starts else 0 for f, k in zip(facet, xkey)])
    np.testing.assert_array_equal(_starts_before(facet, xkey, starts), want)
    assert _starts_before(facet, xkey.astype(float), {3: np.array([10.0])}).max() == 1


def test_per_facet_part_and_freeze_equal_one_chart_per_facet():
    rng = np.random.default_rng(3)
    units = [f"u{i:03d}" for i in range(60)]
    df = pd.DataFrame({"unit": np.repeat(units, 24), "m": np.tile(pd.date_range("2023-01-01", periods=24, freq="MS"), 60),
                       "y": rng.normal(size=24 * 60)}).sample(frac=1, random_state=4)
    dates = pd.date_range("2023-03-01", periods=20, freq="MS")
    part = {u: sorted({str(pd.Timestamp(d).date()) for d in rng.choice(dates, rng.integers(1, 4))}) for u in units[::2]}
    freeze = {u: str(pd.Timestamp(rng.choice(dates[5:])).date()) for u in units[1::3]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        cc = qi.control_chart(df, x="m", y="y", chart="i", facet="unit", part=part, freeze=freeze)
        for u, g in df.groupby("unit"):
            one = qi.control_chart(g, x="m", y="y", chart="i", part=part.get(u), freeze=freeze.get(u))
            mine = cc.data[cc.data["facet"] == u][["x", "part", "baseline", "cl", "lcl", "ucl"]].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, one.data[["x", "part", "baseline", "cl", "lcl", "ucl"]], obj=u)


def test_target_keys_for_two_facet_columns_may_be_tuples():
    """part= and freeze= took ("T01", "A&E") for a two-column facet; target= and cl= refused it."""
    df = pd.DataFrame({"trust": np.repeat(["T1", "T2"], 20), "ind": "ae", "m": np.tile(np.arange(20), 2),
                       "y": np.tile(np.arange(20.0) % 4, 2)})
    cc = qi.control_chart(df, x="m", y="y", chart="i", facet=["trust", "ind"], rules="mdc", improvement="increase",
                          target={("T1", "ae"): 1.0, "T2 | ae": 2.0}, freeze={("T1", "ae"): 10})
    assert list(cc.icons["target"]) == [1.0, 2.0]


def test_unknown_target_keys_message_is_short_and_says_how_to_fix():
    """A national dict of 1,500 targets used on a few trusts listed every key in the error (60 kB)."""
    df = pd.DataFrame({"trust": np.repeat(["T1", "T2"], 20), "m": np.tile(np.arange(20), 2), "y": np.arange(40.0) % 4})
    targets = {f"X{i:04d}": 0.9 for i in range(1500)}
    with pytest.raises(qi.QIToolsError) as err:
        qi.control_chart(df, x="m", y="y", chart="i", facet="trust", target=targets)
    text = str(err.value)
    assert len(text) < 800
    assert "1,500 key(s)" in text and "'X0000'" in text and "1,490 more" in text and "T1" in text
    assert "keep only the keys" in text


# ---------------------------------------------------------------------------------------------
# months kept as a category, or as text


def _shifted(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"m": pd.date_range("2020-01-01", periods=30, freq="MS"),
                         "y": np.r_[rng.normal(0, 1, 15), rng.normal(3, 1, 15)]})


@pytest.mark.parametrize("convert", [
    lambda m: m.astype("category"),
    lambda m: m.dt.to_period("M").astype("category"),
    lambda m: (m.dt.year * 100 + m.dt.month).astype("category"),
], ids=["dates", "periods", "numbers"])
def test_categorical_months_are_charted_in_time_order(convert):
    """df['month'].astype('category') (to save memory on a national table) was charted in the order of the
    rows: shuffled rows gave limits -3.98..6.85 instead of -0.37..3.24, silently."""
    df = _shifted()
    want = qi.control_chart(df, x="m", y="y", chart="i").summary
    shuffled = df.sample(frac=1, random_state=2)
    with pytest.warns(qi.QIToolsWarning, match="not in time order"):
        got = qi.control_chart(shuffled.assign(m=convert(shuffled["m"])), x="m", y="y", chart="i").summary
    for col in ("cl", "lcl", "ucl"):
        assert got[col][0] == pytest.approx(want[col][0], rel=1e-12)


def test_ordered_categorical_keeps_the_users_order():
    df = _shifted().iloc[:6]
    order = list(df["m"][::-1])
    cc = qi.control_chart(df.assign(m=pd.Categorical(df["m"], categories=order, ordered=True)), x="m", y="y", chart="i")
    assert list(cc.data["x"]) == order


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d/%m/%Y", "%b %Y", "%Y-%m"])
def test_text_dates_out_of_order_are_reported(fmt):
    """Text x keeps the order of the rows (documented); when the text reads as dates and the rows go back in
    time, that used to be silent: the chart was drawn out of time order."""
    df = _shifted()
    text = df.assign(m=df["m"].dt.strftime(fmt))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qi.control_chart(text, x="m", y="y", chart="i")  # in order: nothing to say
    shuffled = text.sample(frac=1, random_state=2)
    with pytest.warns(qi.DataQualityWarning) as caught:
        qi.control_chart(shuffled, x="m", y="y", chart="i")
    message = str(caught[0].message)
    assert "Column 'm' (x) holds text that reads as dates" in message
    first_back = shuffled.index[1:][np.diff(pd.to_datetime(shuffled["m"], format=fmt).to_numpy()) < np.timedelta64(0)][0]
    assert f"row {int(first_back)} goes back in time" in message
    assert "pd.to_datetime(df['m']" in message and "parse_dates=['m']" in message


def test_text_labels_that_are_not_dates_are_not_reported():
    df = pd.DataFrame({"ward": ["Ash", "Birch", "Cedar", "Ash ward", "Elm"] * 2, "y": np.arange(10.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", qi.DataQualityWarning)
        qi.control_chart(df.iloc[:5], x="ward", y="y", chart="i")


def test_mdc_constant_series_has_zero_width_limits_not_none():
    """Under rules="mdc" a series that never moves (a trust at 100% every month) lost every moving range to
    the screen (MR >= 3.267 x 0) and got no limits, with a warning that it had fewer than 2 points."""
    with pytest.warns(qi.TooFewPointsWarning, match="zero width") as caught:
        cc = qi.control_chart(y=[1.0] * 24, chart="i", rules="mdc", improvement="increase", target=0.95)
    assert not any("at least 2 points" in str(w.message) for w in caught)
    assert cc.summary[["cl", "lcl", "ucl"]].iloc[0].tolist() == [1.0, 1.0, 1.0]
    exact = qi.control_chart(y=[1.0] * 24, chart="i")
    assert exact.summary[["lcl", "ucl"]].iloc[0].tolist() == [1.0, 1.0]
    assert cc.icons["assurance"][0] == "pass"


def test_quarterly_period_named_as_text_gives_no_pandas_warning():
    df = pd.DataFrame({"q": pd.period_range("2019Q1", periods=24, freq="Q"), "y": np.arange(24.0) % 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", qi.TooFewPointsWarning)
        got = qi.control_chart(df, x="q", y="y", chart="i", part=["2021Q1"], freeze="2020Q4")
    want = qi.control_chart(df, x="q", y="y", chart="i", part=[pd.Period("2021Q1", "Q")], freeze=pd.Period("2020Q4", "Q"))
    pd.testing.assert_frame_equal(got.summary, want.summary)


@pytest.mark.parametrize("y", [pd.to_timedelta([5, 7, 6, 8], unit="min"),
                               pd.Series(list(pd.to_timedelta([5, 7, 6, 8], unit="min")), dtype=object)],
                         ids=["timedelta64", "object"])
def test_time_spans_in_y_say_how_to_choose_the_unit(y):
    """Waiting times as timedeltas (a difference of two date columns) were told to 'compute the gaps first'."""
    df = pd.DataFrame({"wait": y, "m": range(4)})
    with pytest.raises(qi.QIToolsError, match=r"Column 'wait' \(y\) holds time spans.*total_seconds\(\) / 60"):
        qi.control_chart(df, x="m", y="wait", chart="i")


def test_explain_of_a_facet_with_no_values_reads_as_english():
    """It said 'No point with a value cannot be judged'."""
    df = pd.DataFrame({"x": np.tile(pd.date_range("2023-01-01", periods=15, freq="MS"), 2),
                       "y": np.r_[np.arange(15.0) % 4, np.full(15, np.nan)], "f": np.repeat(["a", "b"], 15)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        cc = qi.control_chart(df, x="x", y="y", chart="i", facet="f")
    text = cc.explain(facet="b")
    assert "No point has a value (every y is missing)" in text and "cannot be judged" not in text
