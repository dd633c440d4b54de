"""Charts of Dask DataFrames (``qitools.scale``): the same numbers as the pandas engine.

The data are split into several partitions with every facet's rows spread over more than one of
them (rows ordered by month, not by trust), so qitools must bring each facet together before
charting; the results must equal those of the pandas engine on the same rows. A second case has
partitions that already hold whole facets: nothing is shuffled.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import qitools as qi

dd = pytest.importorskip("dask.dataframe")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ed():
    df = qi.datasets.load("ed_four_hour")
    df["performance"] = 1 - df["breaches"] / df["attendances"]
    return df.sort_values(["month", "trust"], kind="stable").reset_index(drop=True)  # facets across partitions


def _pandas(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.control_chart(data, **kw)


def _same(lazy, eager):
    """Data (sorted by facet and x), summary and icons equal; categoricals compared as values."""
    got = lazy.compute()
    want = eager.data
    assert list(got.data.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got.data, want, check_categorical=False, check_dtype=False)
    pd.testing.assert_frame_equal(lazy.summary, eager.summary, check_dtype=False)
    if eager.icons_table is not None:
        pd.testing.assert_frame_equal(lazy.icons, eager.icons, check_dtype=False)
    assert lazy.conventions == eager.conventions


CASES = {
    "mdc_target_rebase": dict(
        x="month", y="performance", chart="i", rules="mdc", improvement="increase", target=0.95, facet="trust",
        part={"T07": ["2023-10-01"]},
    ),
    "laney_two_facets_freeze": dict(
        x="month", y="breaches", n="attendances", chart="pp", facet=["region", "trust"], freeze="2023-03-01",
        multiply=100,
    ),
    "run_exclude": dict(x="month", y="performance", chart="run", facet="trust", exclude=["2022-01-01"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_partitions_split_facets_and_results_equal_pandas(ed, name):
    kw = CASES[name]
    ddf = dd.from_pandas(ed, npartitions=4, sort=False)
    # every trust's rows are in every partition (the rows are in month order)
    first = ddf.partitions[0].compute()
    assert first["trust"].nunique() == ed["trust"].nunique()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = qi.control_chart(ddf, **kw)
    assert lazy.is_lazy and isinstance(lazy.summary, pd.DataFrame)
    assert lazy.params["dask"] == {"npartitions": 4, "shuffled_by_facet": True}
    eager = _pandas(ed.sort_values(["trust", "month"]).reset_index(drop=True), **kw)
    _same(lazy, eager)
    assert repr(lazy) == repr(eager)


def test_partitions_holding_whole_facets_are_not_shuffled(ed):
    kw = CASES["mdc_target_rebase"]
    by_trust = ed.sort_values(["trust", "month"]).reset_index(drop=True)
    # three partitions of ten whole trusts each
    parts = [by_trust[by_trust["trust"].isin([f"T{i:02d}" for i in range(k, k + 10)])] for k in (1, 11, 21)]
    ddf = dd.from_pandas(parts[0], npartitions=1)
    for p in parts[1:]:
        ddf = dd.concat([ddf, dd.from_pandas(p, npartitions=1)])
    assert ddf.npartitions == 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = qi.control_chart(ddf, **kw)
    assert lazy.params["dask"]["shuffled_by_facet"] is False
    _same(lazy, _pandas(by_trust, **kw))


def test_a_lazy_chart_draws_and_explains_one_facet(ed):
    import matplotlib

    matplotlib.use("Agg")
    ddf = dd.from_pandas(ed, npartitions=3, sort=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = qi.control_chart(ddf, **CASES["mdc_target_rebase"])
        eager = _pandas(ed.sort_values(["trust", "month"]), **CASES["mdc_target_rebase"])
    ax = lazy.plot(facet="T07")
    assert ax.qi_facet == "T07"
    assert str(lazy.explain(facet="T07")) == str(eager.explain(facet="T07"))
    assert str(lazy.explain()) == str(eager.explain())
    assert "Dask DataFrame" in lazy._repr_html_()
    signals = lazy.signals()
    assert not isinstance(signals, pd.DataFrame)  # still lazy
    assert len(signals.compute()) == len(eager.signals())


def test_errors_before_any_work(ed):
    ddf = dd.from_pandas(ed, npartitions=2, sort=False)
    with pytest.raises(qi.QIValueError, match="Column 'perf' .* not in the Dask DataFrame"):
        qi.control_chart(ddf, x="month", y="perf", chart="i")
    with pytest.raises(qi.QITypeError, match="must be a column name"):
        qi.control_chart(ddf, x="month", y=[1.0, 2.0], chart="i")
    with pytest.raises(qi.QIValueError, match="`chart` must be one of"):
        qi.control_chart(ddf, x="month", y="performance", chart="P")
    with pytest.raises(qi.QIValueError, match=r"not in the data: \['2030-01-01'\]"):
        qi.control_chart(ddf, x="month", y="performance", chart="i", facet="trust", freeze="2030-01-01")
    with pytest.raises(qi.QIValueError, match=r"`target` has 1 key\(s\) that are not facets of this data: \[.T99.\]"):
        qi.control_chart(ddf, x="month", y="performance", chart="i", facet="trust", target={"T99": 0.9})


def test_import_qitools_does_not_import_dask():
    code = "import sys, qitools; print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_on_a_distributed_cluster(ed):
    """The same call on a distributed LocalCluster (in-process workers, two of them): the engine runs
    on the workers, the result stays there, and the numbers equal pandas."""
    distributed = pytest.importorskip("distributed")
    kw = CASES["mdc_target_rebase"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            ddf = dd.from_pandas(ed, npartitions=4, sort=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lazy = qi.control_chart(ddf, **kw)
            _same(lazy, _pandas(ed.sort_values(["trust", "month"]).reset_index(drop=True), **kw))


def _alternating(ed):
    """Two facet columns whose rows alternate, so every facet is split over the partitions; each facet's
    rows in time order (as a user who sorted the data would pass them)."""
    df = ed.sort_values(["trust", "month"], kind="stable").reset_index(drop=True)
    return df.assign(half=["a", "b"] * (len(df) // 2))


def test_a_shuffle_keeps_the_rows_in_the_users_order(ed):
    """The shuffle by facet mixed the rows of a partition: sorted data got 'The rows were not in time order
    ... Sort your data by x to silence this warning' (which the user could not silence), and text x was
    charted in the shuffled order."""
    df = _alternating(ed)
    kw = dict(x="month", y="performance", chart="i", facet=["trust", "half"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", qi.QIToolsWarning)
        lazy = qi.control_chart(dd.from_pandas(df, npartitions=7), **kw)
    assert lazy.params["dask"]["shuffled_by_facet"]
    _same(lazy, _pandas(df, **kw))
    text = df.assign(month=df["month"].dt.strftime("%b %Y"))  # labels: charted in the order of the rows
    lazy = qi.control_chart(dd.from_pandas(text, npartitions=7), **kw)
    assert lazy.params["dask"]["shuffled_by_facet"]
    _same(lazy, _pandas(text, **kw))


def test_period_x_with_freeze_and_part(ed):
    df = ed.assign(month=ed["month"].dt.to_period("M"))
    kw = dict(x="month", y="performance", chart="i", facet="trust", freeze="2022-12", part={"T07": ["2023-10-01"]})
    _same(qi.control_chart(dd.from_pandas(df, npartitions=3), **kw), _pandas(df, **kw))
    with pytest.raises(qi.QIToolsError, match=r"not in the data: \['2030-01'\].*2021-04"):
        qi.control_chart(dd.from_pandas(df, npartitions=3), x="month", y="performance", chart="i", facet="trust",
                         exclude=["2030-01"])
