"""The facts behind exercises 13-17's keys, worked out again from their data with qitools.

A multiple-choice key is a hash the author wrote once. If the library's answer changed (a rule, a
limit, the data), a learner who reads the chart correctly would be marked wrong, and the exercise
self-test would not notice (the coach's solution still matches the key). So each fact a key
encodes, and each number the question text quotes, is recomputed here from the exercise's own
data cells (run from the source notebook) and compared with the constants of the hidden checks.
Independent arithmetic (the assurance rule, observed / expected, the binomial funnel limits of
Spiegelhalter 2005) is written out in the test.
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import qitools as qi

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "exercises" / "coach" / "source"
HIDDEN = ROOT / "exercises" / "coach" / "hidden"


def _hidden(name):
    spec = importlib.util.spec_from_file_location(f"_facts_{name}", HIDDEN / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def _source(name):
    return nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)


def _run_data_cells(name, *markers):
    """Run the code cells of an exercise's source that contain one of ``markers`` (its data cells)."""
    namespace = {"qi": qi, "Path": Path}
    for cell in _source(name).cells:
        if cell.cell_type == "code" and any(m in cell.source for m in markers):
            code = re.sub(r"^\w+\.plot\(.*$", "", cell.source, flags=re.MULTILINE)  # no drawing here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(code, f"{name}.ipynb", "exec"), namespace)  # noqa: S102 - our own notebook
    return namespace


def _text(name):
    return "\n".join(c.source for c in _source(name).cells if c.cell_type == "markdown")


# ------------------------------------------------------------------------------------------------
class TestExercise13:
    name = "13_making_data_count"

    @pytest.fixture(scope="class")
    @classmethod
    def data(cls):
        return _run_data_cells(cls.name, "four_hour = [", "sickness = [")

    def test_icons_key(self, data):
        hidden = _hidden(self.name)
        cc = data["cc"]
        assert cc.icons["variation"].iloc[0] == hidden.ICONS["variation"]
        assert cc.icons["assurance"].iloc[0] == hidden.ICONS["assurance_78"]
        at95 = qi.control_chart(x=data["months"], y=data["four_hour"], chart="i", rules="mdc",
                                improvement="increase", target=0.95)
        assert at95.icons["assurance"].iloc[0] == hidden.ICONS["assurance_95"]

    def test_months_are_the_two_financial_years_of_the_standard(self, data):
        assert data["months"][0] == "2023-04" and data["months"][-1] == "2025-03"
        assert "78% by March 2025" in _text(self.name) and "76% by March 2024" in _text(self.name)

    def test_assurance_table_follows_the_rule(self):
        """Pass when both limits are on the good side of the target (NHSRplotthedots' assurance)."""
        rows = {"falls": (3.1, 8.4, 9.0, "decrease"), "sepsis": (78, 96, 90, "increase"),
                "cancer": (61, 72, 85, "increase"), "infections": (2, 11, 1, "decrease")}  # fmt: skip

        def rule(lcl, ucl, target, better):
            good_side = (lambda limit: limit >= target) if better == "increase" else (lambda limit: limit <= target)
            if good_side(lcl) and good_side(ucl):
                return "pass"
            if not good_side(lcl) and not good_side(ucl):
                return "fail"
            return "hit_or_miss"

        assert {k: rule(*v) for k, v in rows.items()} == _hidden(self.name).ASSURANCE
        for item, (lcl, ucl, target, better) in rows.items():
            assert re.search(rf"`{item}` \| .+ \| {'higher' if better == 'increase' else 'lower'} \| {lcl} \| {ucl} \| "
                             rf"{target} \|", _text(self.name)), item

    def test_grey_icon_on_a_chart_with_signals(self, data):
        sick = data["sick"]
        assert sick.icons["variation"].iloc[0] == "common_cause"
        assert int(sick.data["sigma_signal"].sum()) == _hidden(self.name).GREY_ICON["beyond_limits"]
        assert sick.data["special_cause"].sum() > len(sick.data) / 2  # most months are special cause

    def test_long_chart_false_alarm_claim(self):
        """'About half of such charts show a shift somewhere' (104 weekly points, Making Data Count)."""
        rng = __import__("numpy").random.default_rng(104)
        noise = pd.DataFrame({"chart": [k for k in range(400) for _ in range(104)], "x": list(range(104)) * 400,
                              "y": rng.normal(size=400 * 104)})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(noise, x="x", y="y", chart="i", rules="mdc", facet="chart")
        share = cc.data.groupby("facet")["mdc_shift"].any().mean()
        assert 0.35 < share < 0.65


# ------------------------------------------------------------------------------------------------
class TestExercise14:
    name = "14_comparing_units"

    @pytest.fixture(scope="class")
    @classmethod
    def data(cls):
        return _run_data_cells(cls.name, "trusts = [", "ed = qi.datasets.load")

    def test_trust_g_is_just_beyond_its_95_limit(self, data):
        """Issue 17 item 10: 14.5% against a 95% limit of 14.4% (normal and exact limits agree)."""
        h = _hidden(self.name)
        p0 = sum(h.READMISSIONS) / sum(h.DISCHARGES)
        g = h.TRUSTS.index("G")
        n, p = h.DISCHARGES[g], h.READMISSIONS[g] / h.DISCHARGES[g]
        se = math.sqrt(p0 * (1 - p0) / n)
        assert p0 + 1.96 * se < p < p0 + 3.09 * se
        fp = qi.funnel_plot(unit=h.TRUSTS, y=h.READMISSIONS, n=h.DISCHARGES, multiply=100)
        row = fp.data.set_index("unit").loc["G"]
        assert row["outside"] == "above 95%"
        assert "(the highest\nproportion, 14.5%). Its 95% upper limit is 14.4%, its 99.8% upper limit 16.0%." in _text(self.name)
        assert round(row["value"], 1) == 14.5 and round(row["ucl95"], 1) == 14.4 and round(row["ucl998"], 1) == 16.0

    def test_outside_998(self, data):
        h = _hidden(self.name)
        fp = qi.funnel_plot(unit=h.TRUSTS, y=h.READMISSIONS, n=h.DISCHARGES)
        beyond = fp.data[fp.data["outside"].fillna("").str.endswith("99.8%")]
        assert sorted(beyond["unit"]) == ["E", "L"]

    def test_overdispersion_counts(self, data):
        for result, expected in [(data["chance"], 27), (data["widened"], 0)]:
            assert result.data["outside"].str.contains("99.8", na=False).sum() == expected
        assert 90 < data["chance"].phi < 120  # "about 104"
        assert "The dispersion ratio φ is about 104" in _text(self.name)


# ------------------------------------------------------------------------------------------------
class TestExercise15:
    name = "15_targets_and_gaming"

    def test_centre_lines_of_the_balancing_measure(self):
        data = _run_data_cells(self.name, "reattend = qi.control_chart")
        cl = data["reattend"].summary["cl"].tolist()
        assert [round(c) for c in cl] == [_hidden(self.name).CENTRES[k] for k in ("before", "after")]

    def test_observed_and_expected(self):
        text = _text(self.name)
        assert "| C | 2,500 | 90 | 75 |" in text and "| D | 4,000 | 100 | 125 |" in text
        assert "C's crude death rate is 3.6% (90 of 2,500) and D's 2.5% (100 of 4,000)" in text
        assert round(100 * 90 / 2500, 1) == 3.6 and round(100 * 100 / 4000, 1) == 2.5
        assert 100 / 125 == 0.8 and "D's observed / expected\nratio is 0.8" in text

    def test_the_spike_table_shows_bunching_and_an_unchanged_median(self):
        text = _text(self.name)
        assert "| 3 h 45 m to 3 h 59 m | 140 | 420 |" in text and "| 4 h 00 m to 4 h 14 m | 125 | 40 |" in text
        assert "| **median time** | 2 h 50 m | 2 h 49 m |" in text


# ------------------------------------------------------------------------------------------------
class TestExercise16:
    name = "16_people_and_spread"

    def test_weakest_factor_and_group(self):
        rows = re.findall(r"^\| ([a-j]) \| (\w+) \| .+ \| (\d+) \|$", _text(self.name), re.MULTILINE)
        assert len(rows) == 10
        table = pd.DataFrame(rows, columns=["letter", "group", "percent"]).astype({"percent": int})
        weakest = table.loc[table["percent"].idxmin(), "letter"]
        group = table.groupby("group")["percent"].mean().idxmin()
        assert {"weakest_factor": weakest, "weakest_group": group} == _hidden(self.name).SUSTAIN

    def test_grid_follows_the_quarters(self):
        rows = re.findall(r"^\| `(\w+)` \| .+ \| (high|low) \| (high|low) \|$", _text(self.name), re.MULTILINE)
        quarter = {("high", "high"): "manage_closely", ("high", "low"): "keep_satisfied",
                   ("low", "high"): "keep_informed", ("low", "low"): "monitor"}  # fmt: skip
        assert {item: quarter[(p, i)] for item, p, i in rows} == _hidden(self.name).GRID

    def test_squire_order(self):
        """SQUIRE 2.0 (Ogrinc et al. 2016): title and abstract, introduction, methods, results, discussion, other."""
        options = dict(re.findall(r"^- \*\*([a-f])\*\*: (\w+)", _text(self.name), re.MULTILINE))
        order = [options[letter] for letter in _hidden(self.name).SQUIRE]
        assert order == ["Title", "Introduction", "Methods", "Results", "Discussion", "Other"]

    def test_reflection_has_no_automatic_points(self):
        questions = {q.qid: q for q in _hidden(self.name).hidden.questions}
        assert questions["16.7"].points == 0 and questions["16.1"].points == 1


# ------------------------------------------------------------------------------------------------
class TestExercise17:
    name = "17_your_own_data"

    def test_export_and_keys(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        _run_data_cells(self.name, "part_1 = ", "part_2 = ")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = qi.read_measure(tmp_path / "ward7_export.csv")
        h = _hidden(self.name)
        assert df["Falls with harm"].astype(int).tolist() == h.HARM
        assert df["Falls"].sum() == 267 and sum(h.HARM) == 58  # the export's own Total line
        cc = qi.control_chart(df, x="Month", y="Falls", n="Occupied bed days", chart="u", multiply=1000)
        assert bool(cc.summary["runs_signal"].iloc[0]) or cc.summary["sigma_signals"].iloc[0] > 0
        assert cc.data["y"].iloc[12:].max() < cc.summary["cl"].iloc[0]  # every month since April 2024 below
        questions = {q.qid: q for q in h.hidden.questions}
        assert questions["17.6"].points == 0
