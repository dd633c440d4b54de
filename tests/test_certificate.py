"""The completion record: HTML (and PDF) from a gradebook or from a learner's own notebooks."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from qitools import QIValueError
from qitools.certificate import (
    ModuleRecord,
    certificate_html,
    exercise_catalogue,
    records_from_gradebook,
    records_from_notebooks,
    write_certificate,
)
from qitools.grading import Gradebook, NotebookResult

ROOT = Path(__file__).resolve().parents[1]

RECORDS = [
    ModuleRecord("04_run_charts", "Run charts", 100, "2025-05-02", 25, ("find the median of a baseline period",)),
    ModuleRecord("05_run_chart_rules", "Run-chart rules", 60, "2025-05-09", 30, ("count the crossings",)),
    ModuleRecord("07_variation", "Understanding variation", 80, "2025-05-16", 35, ()),
]


class TestCertificateHtml:
    def test_completed_attempted_hours_and_objectives(self):
        raw = certificate_html("Sam <Patel>", RECORDS, pass_mark=80, issued="2025-06-01")
        assert "Sam &lt;Patel&gt;" in raw and "<Patel>" not in raw
        page = html.unescape(raw)
        assert "completed <b>2</b> of the 3" in page and "(about 1 hour of learning)" in page  # 25 + 35 min
        assert page.count("✔ completed") == 2 and page.count("attempted") == 1
        assert "find the median of a baseline period" in page and "count the crossings" not in page
        assert "Issued 2025-06-01" in page

    def test_source_wording(self):
        assert "self-assessed" in html.unescape(certificate_html("A", RECORDS, source="self"))
        assert "coach's gradebook" in html.unescape(certificate_html("A", RECORDS, source="gradebook"))

    def test_module_number(self):
        assert [r.module for r in RECORDS] == ["4", "5", "7"]


class TestWriteCertificate:
    def test_html_and_pdf(self, tmp_path):
        files = write_certificate("Sam Patel", RECORDS, tmp_path / "sam", issued="2025-06-01")
        assert [f.name for f in files] == ["sam.html", "sam.pdf"]
        assert files[1].read_bytes().startswith(b"%PDF") and files[1].stat().st_size > 1000
        assert write_certificate("Sam", [], tmp_path / "empty.html", pdf=False) == [tmp_path / "empty.html"]


def _book():
    r = NotebookResult(Path("sam/04_run_charts.ipynb"), "Sam Patel", "04_run_charts", submitted="2025-05-02")
    r.questions = {"3.1": {"score": 1.0, "points": 1.0, "max": 1.0, "status": "right", "mistake": None, "detail": ""}}
    ex = {"04_run_charts": {"title": "Run charts", "minutes": 25, "questions": [("3.1", 1.0)]},
          "05_run_chart_rules": {"title": "Rules", "minutes": 30, "questions": [("4.1", 1.0)]}}  # fmt: skip
    other = NotebookResult(Path("ali/04.ipynb"), "Ali", "05_run_chart_rules", submitted="2025-05-03")
    other.questions = {
        "4.1": {"score": 0.0, "points": 0.0, "max": 1.0, "status": "wrong", "mistake": None, "detail": ""}
    }
    return Gradebook([r, other], ex)


class TestRecordsFromGradebook:
    def test_read_back_with_catalogue(self, tmp_path):
        path = _book().to_csv(tmp_path / "gradebook.csv")
        catalogue = exercise_catalogue(ROOT / "exercises")
        records = records_from_gradebook(path, "sam patel", catalogue)
        assert list(records) == ["Sam Patel"]
        (rec,) = records["Sam Patel"]  # exercise 4 was not submitted by Sam: not on the record
        assert (rec.exercise, rec.title, rec.percent, rec.date, rec.minutes) == (
            "04_run_charts",
            "Run charts",
            100.0,
            "2025-05-02",
            30,  # exercise 4's metadata: about 30 minutes
        )
        assert rec.objectives[0] == "find the median of a baseline period"
        assert sorted(records_from_gradebook(path)) == ["Ali", "Sam Patel"]

    def test_errors(self, tmp_path):
        path = _book().to_csv(tmp_path / "gradebook.csv")
        with pytest.raises(QIValueError, match="No learner 'Zed'.*The learners are: Ali, Sam Patel"):
            records_from_gradebook(path, "Zed")
        (tmp_path / "other.csv").write_text("a,b\n1,2\n")
        with pytest.raises(QIValueError, match="is not a gradebook"):
            records_from_gradebook(tmp_path / "other.csv")


def test_catalogue_of_the_course():
    catalogue = exercise_catalogue(ROOT / "exercises")
    assert sorted(catalogue) == sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))
    assert exercise_catalogue(ROOT / "no_such_folder") == {}


def test_records_from_the_learners_own_notebooks(tmp_path):
    """Self-assessed: the notebooks' own check cells score them (a solution and a blank copy)."""
    pytest.importorskip("IPython")
    done, blank = tmp_path / "06_pdsa_cycles.ipynb", tmp_path / "sub" / "13_making_data_count.ipynb"
    blank.parent.mkdir()
    done.write_bytes((ROOT / "exercises" / "coach" / "source" / "06_pdsa_cycles.ipynb").read_bytes())
    blank.write_bytes((ROOT / "exercises" / "13_making_data_count.ipynb").read_bytes())
    records = records_from_notebooks([done, blank], catalogue=exercise_catalogue(ROOT / "exercises"), progress=False)
    assert [(r.exercise, r.percent, r.title) for r in records] == [
        ("06_pdsa_cycles", 100, "PDSA cycles"),
        ("13_making_data_count", 0, "Making Data Count for boards"),
    ]
