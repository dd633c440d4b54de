"""Anhøj run-chart critical values against the published table (n_useful = 10..100).

Source (tests/data/anhoej_runs_critical_values_n10_100.csv): Anhøj J, Olesen AV (2014)
Run charts revisited: a simulation study of run chart rules for detection of non-random
variation in health care processes. PLoS ONE 9(11): e113825,
doi:10.1371/journal.pone.0113825; table as printed in the qicharts2 vignette "Quality
Improvement Charts", Appendix 2, and in Anhøj & Mohammed, *Mastering Statistical Process
Control Charts in Healthcare*, Appendix D. Tolerance: exact integers.

Rules: longest_run_max = round(log2(n_useful)) + 3 (Schilling 2012);
n_crossings_min = qbinom(0.05, n_useful - 1, 0.5) (Chen 2010).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qitools.spc.rules import longest_run_max, n_crossings_min


@pytest.fixture(scope="module")
def table(data_dir):
    return pd.read_csv(data_dir / "anhoej_runs_critical_values_n10_100.csv")


def test_table_covers_10_to_100(table):
    """The stored table is complete (guards the data file itself)."""
    assert table["n_useful"].tolist() == list(range(10, 101))


def test_longest_run_max_vectorised(table):
    """Upper limit for the longest run, n_useful = 10..100, against the published table."""
    ours = np.asarray(longest_run_max(table["n_useful"].to_numpy()))
    np.testing.assert_array_equal(ours, table["longest_run_max"].to_numpy())


def test_n_crossings_min_vectorised(table):
    """Lower limit for the number of crossings, n_useful = 10..100, against the published table."""
    ours = np.asarray(n_crossings_min(table["n_useful"].to_numpy()))
    np.testing.assert_array_equal(ours, table["n_crossings_min"].to_numpy())


@pytest.mark.parametrize("n", [10, 12, 22, 23, 24, 31, 64, 100])
def test_scalar_calls(table, n):
    """Scalar n gives the same integers as the table row (spot checks incl. rule boundaries)."""
    row = table.set_index("n_useful").loc[n]
    assert int(np.asarray(longest_run_max(np.array([n])))[0]) == row["longest_run_max"]
    assert int(np.asarray(n_crossings_min(np.array([n])))[0]) == row["n_crossings_min"]


def test_beyond_table_follows_formulas():
    """Outside the printed range the functions follow the published formulas (n = 2..1000)."""
    n = np.arange(2, 1001)
    np.testing.assert_array_equal(np.asarray(longest_run_max(n)), np.round(np.log2(n)).astype(int) + 3)
    np.testing.assert_array_equal(np.asarray(n_crossings_min(n)), [_qbinom05(k - 1) for k in n])


def _qbinom05(size: int) -> int:
    """R's qbinom(0.05, size, 0.5): the smallest c with P(X <= c) >= 0.05, exact integers."""
    size = int(size)
    total, cum = 2**size, 0
    for c in range(size + 1):
        cum += math.comb(size, c)
        if cum * 20 >= total:
            return c
    return size


def test_spc4hc_worked_example():
    """Anhøj & Mohammed ch. 5.1: 22 useful observations -> longest run max 7, crossings min 7."""
    assert int(np.asarray(longest_run_max(np.array([22])))[0]) == 7
    assert int(np.asarray(n_crossings_min(np.array([22])))[0]) == 7
