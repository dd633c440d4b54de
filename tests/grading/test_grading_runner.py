"""Batch grading without kernels: finding and naming submissions, hidden-check files, the gradebook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qitools import QIValueError, checks
from qitools.grading import (
    Answers,
    Gradebook,
    HiddenChecks,
    MissingAnswer,
    NotebookResult,
    find_submissions,
    grade,
    identify_exercise,
    load_hidden,
    load_hidden_dir,
)
from qitools.grading.hidden import outcome
from qitools.grading.runner import _learner_name

KNOWN = ["03_run_charts", "04_run_chart_rules", "12_your_own_data"]
HIDDEN = Path(__file__).resolve().parents[2] / "exercises" / "coach" / "hidden"


class TestIdentifyExercise:
    def test_metadata_wins_over_the_file_name(self):
        nb = {"metadata": {"qitools": {"exercise": "04_run_chart_rules"}}, "cells": []}
        assert identify_exercise(nb, "03_run_charts.ipynb", KNOWN) == "04_run_chart_rules"

    def test_renamed_file_without_metadata_is_found_from_its_checks_begin_call(self):
        nb = {
            "metadata": {},
            "cells": [{"cell_type": "code", "source": ["checks.begin(\n", "'12_your_own_data', {})"]}],
        }
        assert identify_exercise(nb, "my homework (2).ipynb", KNOWN) == "12_your_own_data"

    @pytest.mark.parametrize(
        "filename, expected",
        [("asmith_03_run_charts.ipynb", "03_run_charts"), ("04 rules.ipynb", "04_run_chart_rules"), ("x.ipynb", None)],
    )
    def test_from_the_file_name(self, filename, expected):
        assert identify_exercise(None, filename, KNOWN) == expected


class TestSubmissions:
    def test_folder_per_learner_and_flat_files(self, tmp_path):
        (tmp_path / "asmith").mkdir()
        (tmp_path / "asmith" / "03_run_charts.ipynb").write_text("{}")
        (tmp_path / "asmith" / ".ipynb_checkpoints").mkdir()
        (tmp_path / "asmith" / ".ipynb_checkpoints" / "03_run_charts-checkpoint.ipynb").write_text("{}")
        (tmp_path / "bjones_04_run_chart_rules.ipynb").write_text("{}")
        found = [(p.name, who) for p, who in find_submissions([tmp_path])]
        assert found == [("03_run_charts.ipynb", "asmith"), ("bjones_04_run_chart_rules.ipynb", "")]

    @pytest.mark.parametrize(
        "stem, expected",
        [
            ("bjones_04_run_chart_rules", "bjones"),
            ("04_run_chart_rules - Sam Patel (1)", "Sam Patel"),
            ("04_run_chart_rules", "04_run_chart_rules"),
        ],
    )
    def test_learner_name_from_a_flat_file(self, stem, expected):
        assert _learner_name(Path(f"{stem}.ipynb"), "", "04_run_chart_rules") == expected

    def test_nothing_to_grade(self, tmp_path):
        with pytest.raises(QIValueError, match="No notebooks"):
            find_submissions([tmp_path])
        with pytest.raises(QIValueError, match="not found"):
            find_submissions([tmp_path / "missing"])

    def test_unreadable_files_get_a_row_without_running_anything(self, tmp_path):
        (tmp_path / "sam").mkdir()
        (tmp_path / "sam" / "04_run_charts.ipynb").write_text('{"cells": [', encoding="utf-8")
        (tmp_path / "sam" / "notes.ipynb").write_text(
            json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
        )
        (tmp_path / "sam" / "binary.ipynb").write_bytes(b"\xff\xfe\x00")
        book = grade(tmp_path, hidden=HIDDEN, progress=False)
        (row,) = book.rows()
        assert row["learner"] == "sam" and row["4.1"] == 0.0 and row["total"] == 0.0
        assert "04_run_charts.ipynb (04_run_charts): not a readable notebook (broken JSON at line 1" in row["problems"]
        assert "notes.ipynb: could not tell which exercise this is" in row["problems"]
        assert "binary.ipynb: not a readable notebook (not text)" in row["problems"]
        assert not book.fatal


class TestHiddenChecks:
    def test_outcome_normalises_results(self):
        assert outcome(checks.judge("median", 2, [1, 2, 3])) == {
            "score": 1.0,
            "status": "right",
            "mistake": None,
            "detail": "",
        }
        assert outcome(checks.judge("median", ..., [1, 2, 3]))["status"] == "not answered"
        assert outcome(False)["score"] == 0.0 and outcome(1.7)["score"] == 1.0

    def test_answers_name_missing_cells(self):
        with pytest.raises(MissingAnswer, match="no `x` in the notebook"):
            Answers({"y": 1})["x"]
        assert list(Answers({"y": 1, "_private": 2})) == ["y"]

    def test_duplicate_question(self):
        h = HiddenChecks("99_x")
        h.question("1.1")(lambda a: True)
        with pytest.raises(ValueError, match="registered twice"):
            h.question("1.1")(lambda a: True)

    def test_load_hidden_needs_exactly_one(self, tmp_path):
        (tmp_path / "none.py").write_text("x = 1\n")
        with pytest.raises(ValueError, match="exactly one HiddenChecks"):
            load_hidden(tmp_path / "none.py")
        with pytest.raises(QIValueError, match="not found"):
            load_hidden_dir(tmp_path / "nowhere")

    def test_the_course_hidden_checks_load(self):
        loaded = load_hidden_dir(HIDDEN)
        assert sorted(loaded) == sorted(p.stem for p in HIDDEN.glob("*.py"))
        assert all(h.max_points >= 3 for _, h in loaded.values())


def _result(learner, exercise, scores, problems=(), mistake=None, path=None):
    r = NotebookResult(Path(path or f"{learner}/{exercise}.ipynb"), learner, exercise, submitted="2025-05-01")
    for qid, score in scores.items():
        r.questions[qid] = {"score": score, "points": score, "max": 1.0, "status": "right" if score == 1 else "wrong",
                            "mistake": mistake, "detail": ""}  # fmt: skip
    r.problems += list(problems)
    return r


class TestCoreAndAnalyst:
    """The clinician core and the optional analyst extensions are scored apart (issue 17)."""

    EX = {"07_variation": {"title": "Variation", "minutes": 60, "questions": [("7.1", 1.0), ("7.2", 1.0), ("7.3", 2.0)],
                           "analyst": ["7.3"]},
          "04_run_charts": {"title": "Run charts", "minutes": 45, "questions": [("4.1", 1.0)]}}  # fmt: skip

    def result(self, learner, scores):
        r = _result(learner, "07_variation", scores)
        r.questions["7.3"].update(part="analyst", max=2.0, points=2.0 * scores["7.3"])
        return r

    def test_core_only_learner_gets_full_marks_for_the_core(self):
        book = Gradebook([self.result("sam", {"7.1": 1.0, "7.2": 1.0, "7.3": 0.0}), _result("sam", "04_run_charts", {"4.1": 1.0})], self.EX)
        (row,) = book.rows()
        assert (row["07_variation %"], row["07_variation analyst %"], row["04_run_charts %"]) == (100, 0, 100)
        assert (row["total"], row["max"], row["percent"]) == (3.0, 3.0, 100)
        assert (row["analyst total"], row["analyst max"], row["analyst percent"]) == (0.0, 2.0, 0)
        assert book.results[0].points == 2.0 and book.results[0].analyst_points == 0.0

    def test_analyst_marks_are_reported_apart(self):
        book = Gradebook([self.result("kim", {"7.1": 0.0, "7.2": 1.0, "7.3": 1.0})], self.EX)
        (row,) = book.rows()
        assert (row["07_variation %"], row["07_variation analyst %"]) == (50, 100)
        assert (row["total"], row["max"], row["analyst total"], row["analyst percent"]) == (1.0, 3.0, 2.0, 100)
        cols = book.columns
        assert cols.index("07_variation %") < cols.index("07_variation analyst %") < cols.index("07_variation date")
        assert "04_run_charts analyst %" not in cols

    def test_no_analyst_columns_without_analyst_questions(self):
        book = Gradebook([_result("ali", "04_run_charts", {"4.1": 1.0})], {"04_run_charts": self.EX["04_run_charts"]})
        assert not any("analyst" in c for c in book.columns)


class TestGradebook:
    EX = {"03_run_charts": {"title": "Run charts", "minutes": 25, "questions": [("3.1", 1.0), ("3.2", 1.0)]},
          "04_rules": {"title": "Rules", "minutes": 30, "questions": [("4.1", 1.0)]}}  # fmt: skip

    def book(self):
        return Gradebook(
            [
                _result("sam", "03_run_charts", {"3.1": 1.0, "3.2": 0.0}, mistake="mean_not_median"),
                _result("kim", "03_run_charts", {"3.1": 0.0, "3.2": 1.0}, mistake="mean_not_median"),
                _result("sam", "03_run_charts", {"3.1": 1.0, "3.2": 1.0}, path="sam/copy.ipynb"),
                _result(
                    "ali", "03_run_charts", {"3.1": 0.0, "3.2": 0.0}, problems=["cell 4 (x) stopped with NameError"]
                ),
                _result("ali", "04_rules", {"4.1": 1.0}),
            ],
            self.EX,
        )

    def test_one_row_per_learner_with_the_best_notebook(self):
        rows = {r["learner"]: r for r in self.book().rows()}
        assert list(rows) == ["ali", "kim", "sam"]
        assert rows["kim"]["notes"] == "3.1 the mean instead of the median"
        sam = rows["sam"]
        assert (sam["3.1"], sam["3.2"], sam["03_run_charts %"], sam["4.1"], sam["04_rules %"]) == (
            1.0,
            1.0,
            100,
            "",
            "",
        )
        assert (sam["total"], sam["max"], sam["percent"]) == (2.0, 3.0, 67)
        assert "scored higher and was kept" in sam["problems"]
        ali = rows["ali"]
        assert ali["notes"] == "3.1 wrong; 3.2 wrong" and sam["notes"] == ""
        assert "03_run_charts.ipynb (03_run_charts): cell 4 (x) stopped with NameError" in ali["problems"]

    def test_csv(self, tmp_path):
        path = self.book().to_csv(tmp_path / "out" / "gradebook.csv")
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0])[:4] == ["learner", "3.1", "3.2", "03_run_charts points"]
        assert [r["learner"] for r in rows] == ["ali", "kim", "sam"] and rows[2]["03_run_charts date"] == "2025-05-01"
        assert self.book().to_frame().shape == (3, len(self.book().columns))
