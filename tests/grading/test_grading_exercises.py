"""The exercise notebooks: learner copies up to date and clean, structure, hidden checks present.

No kernels here (fast); tests/grading/test_grading_selftest.py runs them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from qitools.grading import load_hidden_dir, stale_copies

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
SOURCES = EXERCISES / "coach" / "source"
HIDDEN = EXERCISES / "coach" / "hidden"
NAMES = sorted(p.stem for p in SOURCES.glob("*.ipynb"))


def _begin_questions(nb) -> list[str]:
    for cell in nb.cells:
        if cell.cell_type == "code" and "checks.begin(" in cell.source:
            return re.findall(r'"(\d+\.\d+)":', cell.source)
    return []


def test_one_exercise_per_module():
    """Every module 1-17 has exactly one graded exercise with the same number, and no exercise lacks a module."""
    modules = sorted(int(p.name[:2]) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00")
    assert modules == list(range(1, 18)), f"the course's modules are 01-17; found {modules}"
    assert [int(n[:2]) for n in NAMES] == list(range(1, 18)), f"one exercise per module 1-17; found {NAMES}"
    assert sorted(p.stem for p in EXERCISES.glob("*.ipynb")) == NAMES


def test_learner_copies_are_up_to_date():
    """CI check: the committed learner copies are what `qitools make-student` gives."""
    stale = stale_copies([SOURCES], EXERCISES)
    assert not stale, "Run: qitools make-student exercises/coach/source --out exercises\n" + "\n".join(stale)


@pytest.mark.parametrize("name", NAMES)
class TestExercise:
    def test_learner_copy_has_no_solutions_outputs_or_hidden_checks(self, name):
        text = (EXERCISES / f"{name}.ipynb").read_text(encoding="utf-8")
        for marker in (
            "BEGIN SOLUTION",
            "END SOLUTION",
            "# SOLUTION",
            "HiddenChecks",
            "checks.judge",
            '"outputs": [\n    {',
        ):
            assert marker not in text
        nb = nbformat.reads(text, as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
        source = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
        solution_lines = {
            line.split("#")[0].strip()
            for cell in source.cells
            for line in cell.source.splitlines()
            if line.rstrip().endswith("# SOLUTION") and "=" in line
        }
        learner_lines = {line.strip() for c in nb.cells for line in c.source.splitlines()}
        assert not {s for s in solution_lines if s in learner_lines}

    def test_structure(self, name):
        nb = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
        meta = nb.metadata["qitools"]
        assert meta["exercise"] == name and meta["minutes"] and meta["objectives"] and meta["level"] in (1, 2, 3)
        header = nb.cells[0].source
        for part in ("**Level**", "**Time**", "**Prerequisites**", "**Measure", "you will be able to"):
            assert part in header, part
        assert all(len(c.source.splitlines()) <= 25 for c in nb.cells), "no cell longer than 25 lines"
        questions = _begin_questions(nb)
        assert questions and all(q.startswith(f"{int(name[:2])}.") for q in questions)
        sources = [c.source for c in nb.cells]
        for q in questions:  # Question N.M heading -> (data cells) -> answer cell -> check cell
            # core questions: "## Question N.M: ..."; optional ones: "## Analyst extension (optional): Question N.M: ..."
            title = re.compile(rf"## (Analyst extension \(optional\): )?Question {re.escape(q)}\b(?!\.)")
            heading = next(i for i, s in enumerate(sources) if title.match(s))
            answer = next(i for i in range(heading + 1, len(sources)) if "SOLUTION" in sources[i])
            assert not any(s.startswith("## ") for s in sources[heading + 1 : answer]), f"answer cell of {q}"
            assert nb.cells[answer].cell_type == "code"
            assert re.search(rf'checks\.\w+\(\s*"{re.escape(q)}"', sources[answer + 1]), f"check cell of {q}"
        assert nb.cells[-2].source.strip() == "checks.summary()"
        assert "## Key points" in nb.cells[-1].source and "Talk to your coach" in nb.cells[-1].source

    def test_hidden_checks_cover_the_same_questions(self, name):
        nb = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
        _, hidden = load_hidden_dir(HIDDEN)[name]
        assert [q.qid for q in hidden.questions] == _begin_questions(nb)
        assert hidden.title == nb.metadata["qitools"]["title"]
        assert hidden.minutes == nb.metadata["qitools"]["minutes"]


def test_coach_material_lives_apart():
    assert not list(EXERCISES.glob("*.py")), "hidden checks must not sit beside the learner copies"
    assert sorted(p.stem for p in HIDDEN.glob("*.py")) == NAMES
