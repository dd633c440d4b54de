"""Numbers the teaching modules state in words, checked against what the data and the code give.

nbval compares the printed outputs of the cells marked ``# NBVAL_CHECK_OUTPUT``; the sentences
around them (chart descriptions, counts written as words) are not compared by anything else. Each
test here recomputes one such statement from the module's own source or data, so a sentence that
drifts from the numbers fails (the course audit found "nineteen" causes on an 18-cause fishbone and
a 6.8 % centre line printed as 6.7 %).
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from pathlib import Path

import pytest

import qitools as qi

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "scripts" / "course"
WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()  # fmt: skip


def _source(stem: str) -> str:
    return (COURSE / f"{stem}.py").read_text(encoding="utf-8")


def _text(stem: str) -> str:
    """The module's Markdown, as one string (the '# ' of the percent format removed)."""
    return re.sub(r"\n#(?: |$)", "\n", "\n" + _source(stem), flags=re.M)


def test_module_03_counts_the_causes_on_its_fishbone():
    tree = ast.parse(_source("03_understanding_the_system"))
    causes = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "causes"
    )  # fmt: skip
    n = sum(len(v) for v in causes.values())
    said = re.findall(r"\b(\w+) (?:possible causes|theories)\b", _text("03_understanding_the_system"), flags=re.I)
    said = [w.lower() for w in said if w.lower() in WORDS]
    assert said and set(said) == {WORDS[n]}, f"the fishbone has {n} causes; the text says {said}"


@pytest.fixture(scope="module")
def balancing():
    ed = qi.datasets.load("ed_time_in_department")
    ed["patients"] = 1
    discharged = ed[ed["disposition"] == "discharged"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        return qi.control_chart(discharged, x="month", y="reattended_7d", n="patients", chart="p", multiply=100,
                                part=["2023-04-01"])  # fmt: skip


def test_module_15_chart_description_gives_the_centre_lines_it_prints(balancing):
    before, after = balancing.summary["cl"]
    description = re.search(r"Left: re-attendances\s+within 7 days, centre line ([\d.]+)% .*? and ([\d.]+)% after",
                            _text("15_targets_and_gaming"), flags=re.S)  # fmt: skip
    assert description, "module 15's chart description of the balancing measures"
    assert (description[1], description[2]) == (f"{before:.1f}", f"{after:.1f}")


def test_module_10_chart_description_gives_the_baseline_gaps():
    ulcers = qi.datasets.load("pressure_ulcer_dates").sort_values("date")
    gaps = ulcers["date"].diff().dt.days[ulcers["date"] < "2022-04-01"].dropna()
    m = re.search(r"gaps of (\d+) to about (\d+) days before April 2022", _text("10_rare_events"))
    assert m, "module 10's t-chart description"
    assert int(m[1]) == gaps.min() > 0, "a t chart has no gap of 0 days (module 10 says there are none)"
    assert abs(int(m[2]) - gaps.max()) <= 5


def test_module_13_report_threshold_is_the_first_count_above_the_upper_limit():
    cdiff = qi.datasets.load("cdiff")
    cc = qi.control_chart(cdiff, x="month", y="cases", chart="i", rules="mdc", improvement="decrease", target=6)
    ucl = cc.summary["ucl"].iloc[-1]
    m = re.search(r"reports any month of (\d+) cases or more \(above the upper limit of ([\d.]+)\)",
                  _text("13_making_data_count"))  # fmt: skip
    assert m, "module 13's model board narrative for C. difficile"
    assert int(m[1]) == math.floor(ucl) + 1 and m[2] == f"{ucl:.1f}"
