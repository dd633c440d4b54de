"""The numbers and checks behind the "understanding the system" tools (no drawing).

``qi.pareto_table`` is checked against published examples (``tests/data/pareto/``, see
``tests/data/README.md``): the R package qcc's ``pareto.chart`` example and the SAS/QC PROC
PARETO getting-started data. ``check_causes`` and ``check_steps`` are the data checks of the
fishbone and the process map (also used by the PDSA records); every bad input must raise a
qitools error naming the problem, before anything is drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qitools as qi
from qitools import DataChangedWarning, QIToolsError, QITypeError, QIValueError
from qitools.system import PARETO_COLUMNS, check_causes, check_steps

ROOT = Path(__file__).resolve().parents[1]


class TestParetoTableReferences:
    def test_qcc_pareto_chart_example(self, data_dir):
        """qcc's ``pareto.chart(defect)`` example: defect <- c(80, 27, 66, 94, 33), total 300.

        The expected shares are the exact fractions 94/300, 174/300, 240/300, 273/300, 300/300.
        The running share reaches 80 % exactly at the third category, so the vital few (the smallest
        set reaching the cut) are the first three.
        """
        df = pd.read_csv(data_dir / "pareto" / "qcc_defect_errors.csv")
        t = qi.pareto_table(df, category="category", count="count")
        assert list(t.columns) == list(PARETO_COLUMNS)
        assert t["category"].tolist() == ["contact num.", "price code", "supplier code", "part num.", "schedule date"]
        assert t["count"].tolist() == [94, 80, 66, 33, 27]
        np.testing.assert_allclose(t["percent"], [94 / 3, 80 / 3, 22, 11, 9], rtol=1e-12)
        np.testing.assert_allclose(t["cumulative_percent"], [94 / 3, 58, 80, 91, 100], rtol=1e-12)
        assert t["cumulative_percent"].iloc[-1] == 100.0
        assert t["vital_few"].tolist() == [True, True, True, False, False]
        assert t.attrs["total"] == 300 and t.attrs["n_vital_few"] == 3

    def test_qcc_example_cut_just_above_a_boundary_takes_one_more(self, data_dir):
        df = pd.read_csv(data_dir / "pareto" / "qcc_defect_errors.csv")
        t = qi.pareto_table(df, category="category", count="count", cut=80.01)
        assert t["vital_few"].sum() == 4
        t = qi.pareto_table(df, category="category", count="count", cut=58)
        assert t["vital_few"].sum() == 2

    def test_sas_raw_rows_count_to_the_published_frequencies(self, data_dir):
        """SAS/QC PROC PARETO examples 1 and 4: the 31 raw failures and their published frequencies."""
        raw = pd.read_csv(data_dir / "pareto" / "sas_failure1_raw.csv")
        freq = pd.read_csv(data_dir / "pareto" / "sas_failure2_counts.csv")
        from_rows = qi.pareto_table(raw, category="cause")
        from_counts = qi.pareto_table(freq, category="cause", count="count")
        pd.testing.assert_frame_equal(from_rows, from_counts)
        published = dict(zip(freq["cause"], freq["count"]))
        assert dict(zip(from_rows["category"], from_rows["count"])) == published
        # ties (Corrosion and Metallization 2; Doping and Silicon Defect 1) in alphabetical order
        assert from_rows["category"].tolist() == [
            "Contamination", "Oxide Defect", "Miscellaneous", "Corrosion", "Metallization", "Doping", "Silicon Defect"
        ]  # fmt: skip
        # 14/31 = 45.2 %, 22/31 = 71.0 %, 25/31 = 80.6 %: three vital few
        assert from_rows["vital_few"].sum() == 3


class TestParetoTable:
    def test_row_order_does_not_matter(self, rng):
        df = pd.DataFrame({"cause": rng.choice(list("ABCDEFG"), 200), "n": rng.integers(0, 5, 200)})
        a = qi.pareto_table(df, category="cause", count="n")
        b = qi.pareto_table(df.sample(frac=1, random_state=3), category="cause", count="n")
        pd.testing.assert_frame_equal(a, b)

    @given(st.lists(st.integers(0, 1000), min_size=1, max_size=25).filter(lambda c: sum(c) > 0),
           st.floats(1.5, 100))  # fmt: skip
    def test_invariants(self, counts, cut):
        df = pd.DataFrame({"c": [f"cat {i:02d}" for i in range(len(counts))], "n": counts})
        t = qi.pareto_table(df, category="c", count="n", cut=cut)
        assert (np.diff(t["count"]) <= 0).all()
        assert t["cumulative_percent"].iloc[-1] == 100.0
        assert (np.diff(t["cumulative_percent"]) >= -1e-9).all()
        np.testing.assert_allclose(t["percent"].sum(), 100)
        k = int(t["vital_few"].sum())
        cum = np.cumsum(sorted(counts, reverse=True)) * 100 / sum(counts)
        assert cum[k - 1] >= cut - 1e-9  # reaches the cut ...
        assert k == 1 or cum[k - 2] < cut - 1e-9  # ... and is the smallest set that does
        assert t["vital_few"].iloc[:k].all() and not t["vital_few"].iloc[k:].any()

    def test_float_counts_and_lists_without_a_data_frame(self):
        t = qi.pareto_table(category=["Theatre", "Ward", "Clinic"], count=[12.5, 40.25, 3.0])
        assert t["category"].tolist() == ["Ward", "Theatre", "Clinic"]
        assert t["count"].dtype == float
        np.testing.assert_allclose(t["count"], [40.25, 12.5, 3.0])

    def test_numeric_text_counts_are_read(self):
        t = qi.pareto_table(pd.DataFrame({"c": ["a", "b"], "n": ["3", "7"]}), category="c", count="n")
        assert t["count"].tolist() == [7, 3]

    def test_other_by_top_is_last_whatever_its_size(self):
        df = pd.DataFrame({"c": list("ABCDEFGH"), "n": [50, 20, 10, 6, 5, 4, 3, 2]})
        with pytest.warns(DataChangedWarning, match="top=2 would have put vital-few categories into 'Other'"):
            t = qi.pareto_table(df, category="c", count="n", top=2)
        # the vital few (A, B, C reach 80 %) are never put into Other: three bars plus Other
        assert t["category"].tolist() == ["A", "B", "C", "Other"]
        assert t["count"].tolist() == [50, 20, 10, 20]
        assert t["other"].tolist() == [False, False, False, True]
        assert t["n_categories"].tolist() == [1, 1, 1, 5]
        assert t["cumulative_percent"].tolist()[-1] == 100.0
        assert t.attrs["other_categories"] == ["D", "E", "F", "G", "H"]

    def test_top_that_would_hide_the_vital_few_warns(self):
        df = pd.DataFrame({"c": list("ABCDEF"), "n": [30, 25, 20, 15, 6, 4]})
        with pytest.warns(DataChangedWarning, match="vital-few categories"):
            t = qi.pareto_table(df, category="c", count="n", top=1)
        assert t["category"].tolist() == ["A", "B", "C", "D", "Other"]

    def test_other_by_min_percent(self):
        df = pd.DataFrame({"c": list("ABCDEFG"), "n": [60, 25, 6, 4, 2, 2, 1]})
        t = qi.pareto_table(df, category="c", count="n", min_percent=5)
        assert t["category"].tolist() == ["A", "B", "C", "Other"]
        assert t.loc[3, "count"] == 9

    def test_one_category_alone_is_not_called_other(self):
        df = pd.DataFrame({"c": list("ABCD"), "n": [60, 25, 10, 5]})
        t = qi.pareto_table(df, category="c", count="n", top=3)
        assert t["category"].tolist() == ["A", "B", "C", "D"]
        assert not t["other"].any()

    def test_zero_counts_stay_as_categories(self):
        t = qi.pareto_table(pd.DataFrame({"c": ["a", "b", "c"], "n": [0, 5, 5]}), category="c", count="n", cut=100)
        assert t["category"].tolist() == ["b", "c", "a"]
        assert t["vital_few"].tolist() == [True, True, False]  # 100 % is reached before the zero


class TestParetoBadInput:
    def df(self):
        return pd.DataFrame({"cause": ["Toileting", "Footwear", "Confusion"], "falls": [5, 3, 2]})

    def test_missing_column_suggests_the_close_name(self):
        with pytest.raises(QIValueError, match=r"Column 'Cause' \(given as category=\) is not in the data.*'cause'"):
            qi.pareto_table(self.df(), category="Cause")
        with pytest.raises(QIValueError, match=r"Column 'fall' \(given as count=\)"):
            qi.pareto_chart(self.df(), category="cause", count="fall")

    def test_negative_counts(self):
        df = self.df().assign(falls=[5, -3, 2])
        with pytest.raises(QIValueError, match=r"1 negative value \(row 1\).*0 or more"):
            qi.pareto_table(df, category="cause", count="falls")

    def test_non_numeric_counts(self):
        df = self.df().assign(falls=["5", "three", "Total 10"])
        with pytest.raises(QITypeError, match=r"must hold numbers, but rows 1, 2 hold text such as 'three', 'Total 10'"):
            qi.pareto_chart(df, category="cause", count="falls")

    def test_missing_counts(self):
        df = self.df().assign(falls=[5, None, 2])
        with pytest.raises(QIValueError, match=r"1 missing value \(row 1\).*not a zero"):
            qi.pareto_table(df, category="cause", count="falls")

    def test_nan_and_blank_categories_name_the_rows(self):
        df = pd.DataFrame({"cause": ["Toileting", np.nan, " ", None]}, index=[10, 11, 12, 13])
        with pytest.raises(QIValueError, match=r"3 missing or blank values \(rows 11, 12, 13\).*fillna"):
            qi.pareto_chart(df, category="cause")

    def test_all_zero_and_empty(self):
        with pytest.raises(QIValueError, match="Every count in column 'falls' is 0"):
            qi.pareto_table(self.df().assign(falls=0), category="cause", count="falls")
        with pytest.raises(QIValueError, match="no rows"):
            qi.pareto_table(self.df().iloc[:0], category="cause")

    def test_infinite_counts(self):
        with pytest.raises(QIValueError, match="infinite"):
            qi.pareto_table(self.df().assign(falls=[1.0, np.inf, 2.0]), category="cause", count="falls")

    @pytest.mark.parametrize(
        ("kw", "exc", "match"),
        [
            ({"cut": 0.8}, QIValueError, r"cut=80"),
            ({"cut": 120}, QIValueError, r"at most 100"),
            ({"cut": "80%"}, QITypeError, r"percentage such as 80"),
            ({"top": 0}, QIValueError, r"at least 1"),
            ({"top": 2.5}, QITypeError, r"whole number"),
            ({"top": True}, QITypeError, r"whole number"),
            ({"min_percent": 0}, QIValueError, r"between 0 and 100"),
            ({"other_label": ""}, QITypeError, r"other_label"),
        ],
    )
    def test_bad_options(self, kw, exc, match):
        with pytest.raises(exc, match=match):
            qi.pareto_table(self.df(), category="cause", count="falls", **kw)

    def test_other_label_that_is_already_a_category(self):
        df = pd.DataFrame({"c": ["A", "B", "Other", "C", "D"], "n": [50, 30, 5, 3, 2]})
        with pytest.raises(QIValueError, match="already has a category called 'Other'"):
            qi.pareto_table(df, category="c", count="n", top=2)
        t = qi.pareto_table(df, category="c", count="n", top=2, other_label="Other (combined)")
        assert t["category"].iloc[-1] == "Other (combined)"

    def test_data_that_is_not_a_frame(self):
        with pytest.raises(QITypeError, match="DataFrame"):
            qi.pareto_table([1, 2, 3], category="cause")

    def test_errors_and_tables_need_no_matplotlib(self):
        code = (
            "import sys, qitools as qi, pandas as pd\n"
            "try:\n    qi.pareto_chart(pd.DataFrame({'c': ['a'], 'n': [-1]}), category='c', count='n')\n"
            "except qi.QIToolsError: pass\n"
            "try:\n    qi.cause_effect_diagram('x', {})\nexcept qi.QIToolsError: pass\n"
            "try:\n    qi.process_map([{'step': 'a', 'kind': 'decision', 'yes': 'b'}])\nexcept qi.QIToolsError: pass\n"
            "qi.pareto_table(pd.DataFrame({'c': ['a', 'b', 'a']}), category='c')\n"
            "from qitools.system import check_causes, check_steps\n"
            "check_causes({'People': ['a']}); check_steps(['a', {'step': 'b', 'kind': 'delay', 'wait': '1 h'}])\n"
            "import json; print(json.dumps('matplotlib' in sys.modules))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout.strip().splitlines()[-1]) is False


CAUSES = {
    "People": ["Agency staff", {"Handover": ["No checklist", "Rushed"]}],
    "Environment": ["Poor lighting"],
}


class TestCheckCauses:
    def test_tidies_text_and_keeps_the_shape(self):
        out = check_causes({" People\n": ["Agency\tstaff ", {" Handover": ["No  checklist"]}], "Empty": []})
        assert out == {"People": ["Agency staff", {"Handover": ["No checklist"]}], "Empty": []}
        assert check_causes(CAUSES) == CAUSES

    @pytest.mark.parametrize(
        ("causes", "exc", "match"),
        [
            ({}, QIValueError, r"`causes` is empty"),
            (["People"], QITypeError, r"must be a dict"),
            ({"People": "Agency staff"}, QITypeError, r"must be a list.*\['Agency staff'\]"),
            ({"People": [""]}, QIValueError, r"cause 1 of category 'People' is empty"),
            ({"People": ["  "]}, QIValueError, r"is empty"),
            ({"": ["Agency staff"]}, QIValueError, r"category name '' is empty"),
            ({"People": [3]}, QITypeError, r"must be text; got 3"),
            ({"People": [None]}, QITypeError, r"must be text; got None"),
            ({"People": [float("nan")]}, QIValueError, r"missing \(NaN\)"),
            ({"People": [{"A": ["x"], "B": ["y"]}]}, QIValueError, r"dict with 2 keys"),
            ({"People": [{}]}, QIValueError, r"dict with 0 keys"),
            ({"People": [{"Handover": "Rushed"}]}, QITypeError, r"sub-causes of 'Handover'.*must be a list"),
            ({"People": [{"Handover": [{"Rushed": ["x"]}]}]}, QITypeError, r"two levels"),
            ({"People": [{"Handover": [""]}]}, QIValueError, r"Sub-cause 1 of 'Handover'.*is empty"),
            ({"People": ["Skill mix", "Skill  mix"]}, QIValueError, r"'Skill mix' appears twice under 'People'"),
            ({"People": [{"H": ["a", "a"]}]}, QIValueError, r"sub-cause 'a' appears twice under 'H'"),
            ({"People": ["bad\x00text"]}, QIValueError, r"control characters"),
            ({"People": [["a", "b"]]}, QITypeError, r"is a list"),
        ],
    )
    def test_bad_causes(self, causes, exc, match):
        with pytest.raises(exc, match=match):
            check_causes(causes)

    def test_empty_effect(self):
        with pytest.raises(QIValueError, match=r"The effect .* is empty"):
            qi.cause_effect_diagram("  ", CAUSES)
        with pytest.raises(QITypeError, match=r"The effect .* must be text"):
            qi.cause_effect_diagram(None, CAUSES)

    def test_all_errors_are_qitools_errors(self):
        with pytest.raises(QIToolsError):
            qi.cause_effect_diagram("Falls", {"People": "x"})


STEPS = [
    "Referral received",
    {"step": "Wait for triage", "kind": "delay", "wait": "3 days"},
    {"step": "Urgent?", "kind": "decision", "no": "Routine clinic"},
    "Urgent clinic",
    "Routine clinic",
]


class TestCheckSteps:
    def test_canonical_dicts(self):
        out = check_steps(STEPS)
        assert out[0] == {"step": "Referral received", "kind": "step"}
        assert out[1] == {"step": "Wait for triage", "kind": "delay", "wait": "3 days"}
        assert out[2] == {"step": "Urgent?", "kind": "decision", "no": "Routine clinic"}
        assert check_steps(out) == out  # idempotent: a stored list checks the same

    def test_targets_by_text_index_or_end(self):
        from qitools.system import _resolve_steps

        _, edges = _resolve_steps(STEPS)
        assert edges[0] == {"": 1}
        assert edges[2] == {"yes": 3, "no": 4}  # "yes" left out: the next step
        assert edges[4] == {"": 5}  # the last step goes to the end
        _, edges = _resolve_steps(["a", {"step": "b?", "kind": "decision", "yes": 0, "no": "END"}])
        assert edges[1] == {"yes": 0, "no": 2}
        _, edges = _resolve_steps(["a", {"step": "b?", "kind": "decision", "yes": np.int64(0)}])
        assert edges[1] == {"yes": 0, "no": 2}

    @pytest.mark.parametrize(
        ("steps", "exc", "match"),
        [
            ([], QIValueError, r"`steps` is empty"),
            ("a, b", QITypeError, r"must be a list"),
            ({"step": "a"}, QITypeError, r"must be a list"),
            ([3], QITypeError, r"Step 0 must be text or a dict"),
            ([""], QIValueError, r"text of step 0 is empty"),
            ([{"kind": "step"}], QIValueError, r"no 'step' key"),
            ([{"step": "a", "Kind": "delay"}], QIValueError, r"unknown key 'Kind'. Did you mean 'kind'"),
            ([{"step": "a", "kind": "wait"}], QIValueError, r"kind 'wait'"),
            ([{"step": "a", "kind": "Decision", "yes": 0}], QIValueError, r"Did you mean 'decision'"),
            ([{"step": "a", "yes": "b"}, "b"], QIValueError, r"'yes' or 'no' branch but its kind is 'step'"),
            ([{"step": "a", "wait": "2 h"}], QIValueError, r"'wait' but its kind is 'step'"),
            ([{"step": "a?", "kind": "decision"}, "b"], QIValueError, r"without a 'yes' or 'no' branch"),
            ([{"step": "a?", "kind": "decision", "yes": "c"}, "b"], QIValueError, r"goes to 'c', which is not"),
            ([{"step": "a?", "kind": "decision", "yes": "B"}, "b"], QIValueError, r"Type the step's text exactly"),
            ([{"step": "a?", "kind": "decision", "yes": 5}, "b"], QIValueError, r"numbered 0 to 1"),
            ([{"step": "a?", "kind": "decision", "yes": -1}, "b"], QIValueError, r"numbered 0 to 1"),
            ([{"step": "a?", "kind": "decision", "yes": 0}, "b"], QIValueError, r"goes back to the decision itself"),
            ([{"step": "a?", "kind": "decision", "yes": 1.0}, "b"], QITypeError, r"whole number"),
            ([{"step": "a?", "kind": "decision", "yes": True}, "b"], QITypeError, r"whole number"),
            ([{"step": "a?", "kind": "decision", "yes": "b", "no": 1}, "b"], QIValueError, r"Both branches"),
            ([{"step": "a?", "kind": "decision", "no": "b"}, "b", "b"], QIValueError, r"2 steps have that text"),
            ([{"step": "a", "kind": "delay", "wait": ""}], QIValueError, r"wait of Step 0 \('a'\) is empty"),
            ([{"step": "a", "kind": "delay", "wait": 3}], QITypeError, r"must be text"),
        ],
    )
    def test_bad_steps(self, steps, exc, match):
        with pytest.raises(exc, match=match):
            check_steps(steps)

    def test_drawing_options_are_checked(self):
        with pytest.raises(QIValueError, match="at least 2"):
            qi.process_map(STEPS, per_row=1)
        with pytest.raises(QITypeError, match="whole number"):
            qi.process_map(STEPS, per_row="3")
        with pytest.raises(QIValueError, match=r"`start` .* is empty"):
            qi.process_map(STEPS, start="")
        with pytest.raises(QITypeError, match="title"):
            qi.process_map(STEPS, title=5)
        with pytest.raises(QIValueError, match="figsize"):
            qi.process_map(STEPS, figsize=(0, 3))

    def test_no_warnings_on_good_input(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            check_steps(STEPS)
            check_causes(CAUSES)


# two endings: admitted patients leave the map at "Moves to the ward", the others go home
TWO_ENDINGS = [
    "Patient arrives in ED",
    {"step": "Needs a ward bed?", "kind": "decision", "no": "Discharge letter written"},
    {"step": "Waiting for a ward bed", "kind": "delay", "wait": "4 to 12 hours"},
    {"step": "Moves to the ward", "next": "end"},
    "Discharge letter written",
    "Goes home",
]


class TestNext:
    """``"next"`` on an ordinary step or a delay: where the flow goes when not to the step after it."""

    def test_kept_as_given_and_idempotent(self):
        out = check_steps(TWO_ENDINGS)
        assert out[3] == {"step": "Moves to the ward", "kind": "step", "next": "end"}
        assert check_steps(out) == out
        out = check_steps(["a", {"step": " b ", "kind": "delay", "wait": "1 h", "next": np.int64(0)}])
        assert out[1] == {"step": "b", "kind": "delay", "next": 0, "wait": "1 h"}
        assert type(out[1]["next"]) is int  # stored as plain JSON
        assert json.loads(json.dumps(out)) == out

    def test_edges_follow_next(self):
        from qitools.system import _resolve_steps

        _, edges = _resolve_steps(TWO_ENDINGS)
        # 6 steps, so index 6 is the end; without "next" a step goes to the following one
        assert edges == [{"": 1}, {"yes": 2, "no": 4}, {"": 3}, {"": 6}, {"": 5}, {"": 6}]
        _, edges = _resolve_steps(["a", {"step": "b", "next": "a"}, {"step": "c", "next": "END"}, "d"])
        assert edges[1] == {"": 0} and edges[2] == {"": 4}
        _, edges = _resolve_steps(["a", {"step": "b", "next": "  c "}, "c"])  # spaces tidied, as in the text
        assert edges[1] == {"": 2}  # the step after it, said explicitly: the same as leaving it out
        _, edges = _resolve_steps(["a", {"step": "b", "next": 0}])
        assert edges[1] == {"": 0}

    @pytest.mark.parametrize(
        ("steps", "exc", "match"),
        [
            ([{"step": "a?", "kind": "decision", "yes": "end", "next": "b"}, "b"], QIValueError,
             r"Step 0 \('a\?'\) is a decision with a 'next'\. A decision says where each answer goes with 'yes' "
             r"and 'no'"),
            (["Ward bed", {"step": "a", "next": "ward bd"}], QIValueError,
             r"The 'next' of step 1 \('a'\) goes to 'ward bd', which is not the text of any step\. "
             r"Did you mean 'Ward bed'\?"),
            (["a", {"step": "b", "next": "Discharge"}], QIValueError, r"not the text of any step\. Type the step's"),
            (["a", {"step": "b", "next": 2}], QIValueError,
             r"'next' of step 1 \('b'\) goes to step 2, but the steps are numbered 0 to 1"),
            (["a", {"step": "b", "next": -1}], QIValueError, r"numbered 0 to 1"),
            (["a", {"step": "b", "next": 1}], QIValueError, r"goes back to the step itself"),
            (["a", {"step": "b", "next": "b"}], QIValueError, r"goes back to the step itself"),
            (["a", {"step": "b", "next": "a"}, "a"], QIValueError, r"2 steps have that text \(positions 0, 2\)"),
            (["a", {"step": "b", "next": 1.0}], QITypeError, r"'next' of Step 1 \('b'\) must be .* whole number"),
            (["a", {"step": "b", "next": True}], QITypeError, r"whole number"),
            (["a", {"step": "b", "next": None}], QITypeError, r"whole number"),
            ([{"step": "a", "Next": "end"}], QIValueError, r"unknown key 'Next'. Did you mean 'next'\?"),
            ([{"step": "a", "yes": "end"}], QIValueError, r"Only decisions branch: .* give it a 'next' instead"),
        ],
    )  # fmt: skip
    def test_bad_next(self, steps, exc, match):
        with pytest.raises(exc, match=match):
            check_steps(steps)
        with pytest.raises(exc, match=match):  # refused before anything is drawn
            qi.process_map(steps)

    def test_unreachable_steps_after_a_next(self):
        from qitools.system import UnreachableStepWarning

        with pytest.warns(UnreachableStepWarning, match=r"No path from the start reaches step 2 \('c'\): the flow "
                                                        r"jumps past it \(a 'next'"):  # fmt: skip
            check_and_warn(["a", {"step": "b", "next": "end"}, "c"])
        with pytest.warns(UnreachableStepWarning, match=r"reaches steps 2 \('c'\), 3 \('d'\)"):
            check_and_warn(["a", {"step": "b", "next": 4}, "c", "d", "e"])
        # a loop with no way out: the end is never reached
        with pytest.warns(UnreachableStepWarning, match=r"No path from the start reaches the end: every way"):
            check_and_warn(["a", {"step": "b", "next": "a"}])
        with pytest.warns(UnreachableStepWarning, match=r"reaches the end"):
            check_and_warn(["a", {"step": "b?", "kind": "decision", "yes": 0}, {"step": "c", "next": 1}])

    def test_no_warning_when_every_step_and_the_end_are_reached(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            check_and_warn(TWO_ENDINGS)
            check_and_warn(STEPS)  # decisions only, as before
            # a loop back that ends: observations repeat until the score is high
            check_and_warn(["Observations", {"step": "Score 5 or more?", "kind": "decision", "no": "Wait 4 hours"},
                            {"step": "Doctor reviews", "next": "end"},
                            {"step": "Wait 4 hours", "kind": "delay", "next": "Observations"}])  # fmt: skip
            # a step reached only by a "next" is not cut off
            check_and_warn(["a", {"step": "b", "next": "d"}, {"step": "c", "next": "end"}, {"step": "d", "next": "c"}])

    def test_description_says_where_a_next_goes(self):
        from qitools.system import _resolve_steps, describe_steps

        checked, edges = _resolve_steps(TWO_ENDINGS)
        text = describe_steps(checked, edges, "Start", "End")
        assert "4. Moves to the ward, then to 'End'." in text
        assert "3. Waiting for a ward bed (delay: 4 to 12 hours)." in text  # no "then" for the step after it
        assert "5. Discharge letter written." in text
        checked, edges = _resolve_steps(["a", {"step": "b", "kind": "delay", "wait": "1 h", "next": "a"}, "c"])
        assert "2. b (delay: 1 h), then to 'a'." in describe_steps(checked, edges, "S", "E")


def check_and_warn(steps):
    """check_steps, then the reachability check process_map makes before drawing."""
    from qitools.system import _resolve_steps, _warn_unreachable

    checked, edges = _resolve_steps(steps)
    _warn_unreachable(checked, edges)
    return checked
