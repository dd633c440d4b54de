"""Grader self-tests with real learner processes (the slow part: two batches, two notebooks at a time).

1. Every solution source scores 100% and every learner copy 0%, without errors, in ONE batch.
2. Crafted bad submissions of exercise 10 (endless loops, an exception, deleted cells, wrong types,
   a syntax error, a renamed file, a loop that ignores interrupts, a kernel that dies, a file that
   is not a notebook) are graded in one batch that always carries on, each with its problem named.

Hostile submissions (reading the solutions, forging grades, escaping the sandbox) are in
tests/grading/test_grading_hostile.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from _grading_procs import started_by_another_run

from qitools.grading import grade

pytest.importorskip("IPython")

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
SOURCES = EXERCISES / "coach" / "source"
HIDDEN = EXERCISES / "coach" / "hidden"
NAMES = sorted(p.stem for p in SOURCES.glob("*.ipynb"))

# Limits generous relative to the work, so that a busy machine changes nothing (issue 14): an honest
# cell here takes well under a second (qitools is loaded before the first cell), and the notebook
# limit is never what stops a crafted case (the stubborn loop is ended after its interrupt fails).
CELL_TIMEOUT = 10
NOTEBOOK_TIMEOUT = 300


@pytest.fixture(scope="module")
def course_book(tmp_path_factory):
    """All sources (learner "solution") and learner copies (learner "blank") graded in one batch."""
    root = tmp_path_factory.mktemp("course")
    for who, folder in (("solution", SOURCES), ("blank", EXERCISES)):
        (root / who).mkdir()
        for name in NAMES:
            shutil.copy(folder / f"{name}.ipynb", root / who / f"{name}.ipynb")
    return grade(root, hidden=HIDDEN, jobs=2, cell_timeout=60, notebook_timeout=300, progress=False)


def _by(book, learner):
    return {r.exercise: r for r in book.results if r.learner == learner}


@pytest.mark.parametrize("name", NAMES)
def test_each_solution_scores_100_percent(course_book, name):
    r = _by(course_book, "solution")[name]
    assert r.problems == []
    assert {q: v["score"] for q, v in r.questions.items()} == {q: 1.0 for q in r.questions}
    # the public check cells agree with the hidden checks: every one says ✅
    assert r.public and all(v["status"] == "right" and v["wrong_attempts"] == 0 for v in r.public.values())


@pytest.mark.parametrize("name", NAMES)
def test_each_learner_copy_scores_0_percent_without_crashing(course_book, name):
    r = _by(course_book, "blank")[name]
    assert r.problems == [], "a learner copy must run top to bottom without errors"
    assert r.points == 0 and r.max_points > 0
    assert {v["status"] for v in r.questions.values()} == {"not answered"}
    assert {v["status"] for v in r.public.values()} == {"unanswered"}


def test_gradebook_rows(course_book):
    rows = {r["learner"]: r for r in course_book.rows()}
    assert (rows["solution"]["percent"], rows["blank"]["percent"]) == (100, 0)
    assert not course_book.fatal


# ------------------------------------------------------------------------------------------------
# Crafted bad submissions (exercise 10: a function (analyst 10.7), a chart (10.2), a multiple choice (10.3))
# ------------------------------------------------------------------------------------------------


def _source():
    return nbformat.read(SOURCES / "10_rare_events.ipynb", as_version=4)


def _cell(nb, text):
    return next(c for c in nb.cells if c.cell_type == "code" and text in c.source)


def _insert_after_setup(nb, code):
    setup = nb.cells.index(_cell(nb, "checks.begin("))
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    return nb


def _infinite_loop():
    return _insert_after_setup(_source(), "while True:\n    pass")


def _function_loops():
    nb = _source()
    _cell(
        nb, "def days_between"
    ).source = "def days_between(dates):\n    while True:\n        pass\n\n\ngaps = days_between(cdiff_dates)"
    return nb


def _exception():
    return _insert_after_setup(_source(), "1 / 0")


def _deleted_cells():
    nb = _source()
    nb.cells.remove(_cell(nb, "above_upper_limit = "))
    return nb


def _wrong_types():
    nb = _source()
    _cell(nb, "def days_between").source = "days_between = 5\ngaps = [10, 20, 30]"
    _cell(nb, "cc = qi.control_chart").source = "cc = 42"
    _cell(nb, "above_upper_limit = ").source = 'above_upper_limit = ["b"]'
    return nb


def _syntax_error():
    nb = _source()
    _cell(nb, "def days_between").source = "def days_between(dates)\n    return []"
    return nb


def _stubborn():
    code = "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except KeyboardInterrupt:\n        pass"
    return _insert_after_setup(_source(), code)


def _kernel_dies():
    return _insert_after_setup(_source(), "import os\nos._exit(1)")


CRAFTED = {
    "good": (_source, "10_rare_events.ipynb"),
    "renamed": (_source, "my homework (1).ipynb"),
    "infinite_loop": (_infinite_loop, "10_rare_events.ipynb"),
    "function_loops": (_function_loops, "10_rare_events.ipynb"),
    "exception": (_exception, "10_rare_events.ipynb"),
    "deleted_cells": (_deleted_cells, "10_rare_events.ipynb"),
    "wrong_types": (_wrong_types, "10_rare_events.ipynb"),
    "syntax_error": (_syntax_error, "10_rare_events.ipynb"),
    "stubborn": (_stubborn, "10_rare_events.ipynb"),
    "kernel_dies": (_kernel_dies, "10_rare_events.ipynb"),
}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    root = tmp_path_factory.mktemp("crafted")
    subs, work = root / "submissions", root / "work"
    work.mkdir()
    for learner, (make, filename) in CRAFTED.items():
        (subs / learner).mkdir(parents=True)
        nbformat.write(make(), subs / learner / filename)
    (subs / "not_json").mkdir()
    (subs / "not_json" / "10_rare_events.ipynb").write_text("this is not a notebook", encoding="utf-8")
    seen = []
    book = grade(
        subs,
        hidden=HIDDEN,
        jobs=2,
        cell_timeout=CELL_TIMEOUT,
        notebook_timeout=NOTEBOOK_TIMEOUT,
        progress=lambda done, total, r: seen.append((done, total, r.learner)),
        workdir=work,
    )
    return book, {r["learner"]: r for r in book.rows()}, seen, work


def _scores(row):
    """(the function question, the chart question, the multiple-choice question) of exercise 10."""
    return (row["10.7"], row["10.2"], row["10.3"])


def test_the_batch_carries_on_and_reports_progress(crafted):
    book, rows, seen, _ = crafted
    assert sorted(rows) == sorted([*CRAFTED, "not_json"])
    assert [s[:2] for s in seen] == [(i, 11) for i in range(1, 12)]
    assert not book.fatal


@pytest.mark.parametrize(
    "learner, scores, problem",
    [
        ("good", (1.0, 1.0, 1.0), ""),
        ("renamed", (1.0, 1.0, 1.0), ""),
        ("infinite_loop", (1.0, 1.0, 1.0), f"(while True:) was still running after {CELL_TIMEOUT} s and was stopped"),
        ("function_loops", (0.0, 1.0, 1.0), "(def days_between(dates):) was still running after"),
        ("exception", (1.0, 1.0, 1.0), "(1 / 0) stopped with ZeroDivisionError: division by zero"),
        ("deleted_cells", (1.0, 1.0, 0.0), "stopped with NameError: name 'above_upper_limit' is not defined"),
        ("wrong_types", (0.0, 0.0, 0.0), ""),
        ("syntax_error", (0.0, 1.0, 1.0), "(def days_between(dates)) stopped with SyntaxError"),
        ("stubborn", (0.0, 0.0, 0.0), f"(import time) was still running after {CELL_TIMEOUT} s and did not stop when "
                                      "interrupted, so the notebook was stopped there"),
        ("kernel_dies", (0.0, 0.0, 0.0), "the Python kernel stopped while running cell"),
        ("not_json", (0.0, 0.0, 0.0), "not a readable notebook (broken JSON"),
    ],
)
def test_each_crafted_submission(crafted, learner, scores, problem):
    _, rows, _, _ = crafted
    row = rows[learner]
    assert _scores(row) == scores
    if problem:
        assert problem in row["problems"]
    else:
        assert row["problems"] == ""


def test_what_the_coach_is_told(crafted):
    _, rows, _, _ = crafted
    assert "10.3 no `above_upper_limit` in the notebook" in rows["deleted_cells"]["notes"]
    assert "10.7 the check did not finish within the time limit" in rows["function_loops"]["notes"]
    notes = rows["wrong_types"]["notes"]
    assert (
        "10.7 Expected a function" in notes
        and "10.2 Expected a chart result" in notes
        and "10.3 Expected one answer" in notes
    )


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux /proc")
def test_no_process_is_left_running(crafted):
    """Every learner process is stopped when its notebook is graded (here: the stubborn loop too)."""
    _, _, _, work = crafted
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if (b"qitools.grading._learner" in cmdline and not started_by_another_run(pid)) or cwd.startswith(str(work)):
            left.append((pid, cwd))
    assert left == []
    assert list(work.iterdir()) == [], "the temporary folders are removed"
