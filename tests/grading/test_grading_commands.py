"""The qitools grade / make-student / certificate subcommands (no kernels: nothing here runs a notebook)."""

from __future__ import annotations

import shutil
from pathlib import Path

from qitools.cli import SUBCOMMANDS, main
from qitools.grading import load_hidden_dir

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "exercises" / "coach" / "source"
HIDDEN = ROOT / "exercises" / "coach" / "hidden"


def test_registered():
    assert {"grade", "make-student", "certificate"} <= set(SUBCOMMANDS)


class TestMakeStudentCommand:
    def test_check_up_to_date_and_stale(self, tmp_path, capsys):
        assert main(["make-student", str(SOURCES), "--out", str(ROOT / "exercises"), "--check"]) == 0
        assert "All learner copies are up to date." in capsys.readouterr().out
        src = tmp_path / "source"
        src.mkdir()
        shutil.copy(SOURCES / "06_pdsa_cycles.ipynb", src)
        assert main(["make-student", str(src), "--out", str(tmp_path / "out"), "--check"]) == 1
        assert "out of date:" in capsys.readouterr().out
        assert main(["make-student", str(src), "--out", str(tmp_path / "out")]) == 0
        assert main(["make-student", str(src), "--out", str(tmp_path / "out"), "--check"]) == 0


class TestGradeCommand:
    def test_broken_files_only(self, tmp_path, capsys):
        (tmp_path / "subs" / "sam").mkdir(parents=True)
        (tmp_path / "subs" / "sam" / "04_run_charts.ipynb").write_text("not json")
        out = tmp_path / "gradebook.csv"
        assert main(["grade", str(tmp_path / "subs"), "--hidden", str(HIDDEN), "--out", str(out)]) == 0
        text = capsys.readouterr()
        assert f"Gradebook written to {out}: 1 learner, 1 notebook" in text.out
        # exercise 4's points, from its hidden checks: the core counts, in the summary and in the progress
        # line (as for a notebook that ran; the analyst extensions are scored apart)
        hidden = load_hidden_dir(HIDDEN)["04_run_charts"][1]
        core = sum(q.points for q in hidden.questions if q.part == "core")
        assert f"sam: 0 of {core:g} points (0%)" in text.out
        assert f"[1/1] sam – 04_run_charts: 0/{core:g}" in text.err
        assert out.read_text(encoding="utf-8-sig").startswith("learner,4.1,4.2")

    def test_hidden_folder_needed(self, tmp_path, monkeypatch, capsys):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "a.ipynb").write_text("{}")
        assert main(["grade", "a.ipynb"]) == 2
        assert "Give their folder with --hidden" in capsys.readouterr().err


class TestCertificateCommand:
    def _gradebook(self, tmp_path, learners=("Sam Patel",)):
        from qitools.grading import Gradebook, NotebookResult

        results = []
        for learner in learners:
            r = NotebookResult(Path("x.ipynb"), learner, "04_run_charts", submitted="2025-05-02")
            r.questions = {
                "3.1": {"score": 1.0, "points": 1.0, "max": 1.0, "status": "right", "mistake": None, "detail": ""}
            }
            results.append(r)
        ex = {"04_run_charts": {"title": "Run charts", "minutes": 25, "questions": [("3.1", 1.0)]}}
        return Gradebook(results, ex).to_csv(tmp_path / "gradebook.csv")

    def test_learners_whose_names_make_the_same_file_name_get_one_certificate_each(self, tmp_path, capsys):
        book = self._gradebook(tmp_path, ("Sam Patel", "Sam_Patel", "sam patel"))
        assert main(["certificate", "--gradebook", str(book), "--out", str(tmp_path / "certs"), "--no-pdf"]) == 0
        pages = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "certs").iterdir())]
        assert len(pages) == 3
        for learner in ("Sam Patel", "Sam_Patel", "sam patel"):  # each on its own page
            assert sum(f"<h2>{learner}</h2>" in page or f">{learner}<" in page for page in pages) == 1, learner

    def test_from_gradebook(self, tmp_path, capsys):
        book = self._gradebook(tmp_path)
        assert main(["certificate", "--gradebook", str(book), "--out", str(tmp_path / "certs"), "--no-pdf"]) == 0
        assert (tmp_path / "certs" / "Sam_Patel.html").exists()
        single = tmp_path / "sam.html"
        args = ["certificate", "--gradebook", str(book), "--learner", "Sam Patel", "--out", str(single)]
        assert main([*args, "--exercises", str(ROOT / "exercises")]) == 0
        assert single.exists() and single.with_suffix(".pdf").exists()
        assert "find the median of a baseline period" in single.read_text(encoding="utf-8")

    def test_needs_notebooks_and_a_name(self, tmp_path, capsys):
        assert main(["certificate"]) == 2
        assert "Give your exercise notebooks" in capsys.readouterr().err
        assert main(["certificate", str(tmp_path / "x.ipynb")]) == 2
        assert "Give your name" in capsys.readouterr().err
