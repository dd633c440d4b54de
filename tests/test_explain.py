"""cc.explain(): the plain-English reading a learner or a board member gets."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import qitools as qi

pytestmark = pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")

SHIFT = [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]
STABLE = [5.1, 4.8, 5.3, 4.9, 5.2, 5.0, 4.7, 5.4, 5.1, 4.9, 5.2, 4.8, 5.0, 5.3, 4.9, 5.1]


def test_common_cause_says_so_and_warns_against_tampering():
    text = qi.control_chart(y=STABLE, chart="i").explain()
    assert "Common-cause variation only" in text
    assert "tampering" in text
    assert "What not to conclude" in text


def test_signal_is_named_with_where_it_fired():
    text = qi.run_chart(y=SHIFT).explain()
    assert "Special-cause variation" in text
    assert "unusually long run" in text
    assert "point 1 to point 10 and point 11 to point 20" in text
    assert "too few crossings of the centre line (1; at least 6 expected" in text


def test_dates_and_direction_and_target():
    month = pd.date_range("2024-01-01", periods=20, freq="MS")
    df = pd.DataFrame({"month": month, "falls": SHIFT})
    cc = qi.control_chart(df, x="month", y="falls", chart="i", rules="mdc", improvement="decrease", target=2)
    text = cc.explain()
    assert "Jan 2024" in text and "Aug 2025" in text
    assert "some to concern (lower is better); the most recent signal is a concern" in text
    assert "Target 2: the whole range of expected values is on the wrong side of it" in text


def test_ihi_runs_rule_is_said_of_the_part():
    text = qi.run_chart(y=SHIFT, rules="ihi").explain()
    assert "2 runs, where 7 to 15 are expected by chance" in text


def test_faceted_overview_and_one_facet():
    df = pd.DataFrame({"ward": ["a"] * 20 + ["b"] * 16, "y": SHIFT + STABLE})
    cc = qi.control_chart(df, y="y", chart="i", facet="ward")
    overview = cc.explain()
    assert "2 separate charts" in overview and "1 of them shows special-cause variation" in overview
    assert ": a." in overview
    assert "Common-cause variation only" in cc.explain(facet="b")
    with pytest.raises(qi.QIValueError, match="not one of the chart's facets"):
        cc.explain(facet="c")


def test_explanation_is_in_the_notebook_display():
    cc = qi.control_chart(y=STABLE, chart="i")
    assert "What this chart says" in cc._repr_html_()
    assert repr(cc.explain()).startswith("This I chart")


def test_icons_need_a_direction():
    cc = qi.control_chart(y=STABLE, chart="i")
    with pytest.raises(qi.QIValueError, match="improvement='increase'"):
        cc.icons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        icons = qi.control_chart(y=STABLE, chart="i", improvement="increase", target=4).icons
    assert list(icons[["variation", "assurance"]].iloc[0]) == ["common_cause", "pass"]
