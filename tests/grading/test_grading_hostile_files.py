"""Hostile submissions that attack the coach before any learner code runs: the files themselves.

A submissions folder comes from learners (an unpacked zip or tar, a shared drive). Its files may be
links to the coach's own solutions (which would then be graded as the learner's work), a named pipe
or a link to a device (which would hang the grader or fill its memory), notebooks with duplicated
cell ids, or unreadable ones, and its folder names are chosen by learners: terminal control codes
(clearing the coach's screen, setting its title) and spreadsheet formulas. Graded in one batch with
the coach's command, as the README says (``qitools grade SUBMISSIONS --out gradebook.csv``), next to
a blank copy and the solution as references: every link or special file scores what the blank copy
scores, without hanging; the honest notebooks score as always; nothing the coach reads on the
terminal carries a control character; the coach's files are unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("IPython")

ROOT = Path(__file__).resolve().parents[2]
COACH = ROOT / "exercises" / "coach"
EXERCISE = next(COACH.glob("source/*_rare_events.ipynb")).stem
SOLUTION = COACH / "source" / f"{EXERCISE}.ipynb"
BLANK = ROOT / "exercises" / f"{EXERCISE}.ipynb"
#: a learner's folder name that clears the screen, turns the text red and sets the window title
ESCAPES = "\x1b[2J\x1b[31mmallory\x1b]0;owned\x07"
FORMULA = '=HYPERLINK("http://example.com","x")'
#: longest a batch of a few notebooks may take before the test says the grader hung
HANG = 600


def _tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _put(subs: Path, learner: str, data: bytes | None = None) -> Path:
    (subs / learner).mkdir(parents=True)
    path = subs / learner / f"{EXERCISE}.ipynb"
    if data is not None:
        path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile_files")
    subs = root / "submissions"
    _put(subs, "blank", BLANK.read_bytes())
    _put(subs, "solution", SOLUTION.read_bytes())
    os.symlink(SOLUTION, _put(subs, "link_to_solution"))
    link = _put(subs, "relative_link_to_solution")
    os.symlink(os.path.relpath(SOLUTION, link.parent), link)
    if hasattr(os, "mkfifo"):
        os.mkfifo(_put(subs, "named_pipe"))
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", _put(subs, "link_to_device"))
    solution = json.loads(SOLUTION.read_text(encoding="utf-8"))
    for cell in solution["cells"]:
        cell["id"] = "same"
    _put(subs, "duplicated_ids", json.dumps(solution).encode())
    _put(subs, "latin1", BLANK.read_text(encoding="utf-8").replace("rare", "rare é").encode("latin-1", "replace"))
    _put(subs, ESCAPES, BLANK.read_bytes())
    _put(subs, FORMULA.replace("/", "_"), BLANK.read_bytes())
    before = _tree_hash(COACH)

    # the coach's command, in its own process: a grader that hangs is stopped and the test fails
    command = [sys.executable, "-m", "qitools", "grade", str(subs), "--hidden", str(COACH / "hidden"), "--out",
               str(root / "gradebook.csv"), "--jobs", "2", "--cell-timeout", "30"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=HANG, cwd=root, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"grading hung for {HANG} s (a named pipe or a device read forever?)")
    terminal = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert done.returncode == 0, terminal[-3000:]
    with open(root / "gradebook.csv", newline="", encoding="utf-8-sig") as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    return {"status": done.returncode, "rows": rows, "terminal": terminal, "before": before,
            "after": _tree_hash(COACH), "root": root}  # fmt: skip


def _questions(rows):
    return [c for c in next(iter(rows.values())) if re.fullmatch(r"\d+\.\d+", c)]


def _scores(row, questions):
    return [row[q] for q in questions]


def test_the_references_score_as_always(batch):
    rows, questions = batch["rows"], _questions(batch["rows"])
    assert batch["status"] == 0
    assert set(_scores(rows["blank"], questions)) == {"0.0"}
    assert rows["solution"]["percent"] == "100" and rows["solution"]["problems"] == ""


@pytest.mark.parametrize("learner", ["link_to_solution", "relative_link_to_solution", "named_pipe", "link_to_device"])
def test_a_link_or_special_file_scores_what_a_blank_copy_scores(batch, learner):
    rows, questions = batch["rows"], _questions(batch["rows"])
    if learner not in rows:
        pytest.skip("this system cannot make a named pipe or has no /dev/zero")
    assert _scores(rows[learner], questions) == _scores(rows["blank"], questions)
    assert rows[learner]["percent"] == "0"
    assert "not a notebook file" in rows[learner]["problems"]


def test_duplicated_cell_ids_are_graded_quietly(batch):
    assert batch["rows"]["duplicated_ids"]["percent"] == "100"
    assert "DuplicateCellId" not in batch["terminal"] and "validator.py" not in batch["terminal"]


def test_an_unreadable_notebook_counts_only_the_core(batch):
    """Its line on the terminal says 0 of the core's points, as for every other notebook (not 0 of all)."""
    blank = re.search(r"blank – \S+: 0/(\d+)", batch["terminal"]).group(1)
    assert re.search(rf"latin1 – \S+: 0/{blank} ", batch["terminal"]), batch["terminal"]
    assert "not a readable notebook" in batch["rows"]["latin1"]["problems"]


def test_learner_names_put_no_control_codes_on_the_terminal(batch):
    terminal = batch["terminal"]
    assert "mallory" in terminal
    assert not re.search(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]", terminal.replace("\r", "")), repr(terminal[:2000])


def test_learner_names_are_no_formulas_in_the_gradebook(batch):
    raw = (batch["root"] / "gradebook.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"(^|,)\"?[=+\-@]", raw, flags=re.M)
    assert any(name.startswith("'=HYPERLINK") for name in batch["rows"])


def test_the_coach_files_are_unchanged(batch):
    assert batch["after"] == batch["before"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_refused_without_opening_it(tmp_path):
    """Reading a named pipe would wait for a writer forever; the grader does not even open it for reading."""
    from qitools.grading.runner import _read_submission

    pipe = tmp_path / "x.ipynb"
    os.mkfifo(pipe)
    nb, problem = _read_submission(pipe)
    assert nb is None and "not a notebook file" in problem


if sys.platform.startswith("linux"):

    def test_a_link_is_refused_even_when_given_by_name(tmp_path):
        from qitools.grading.runner import _read_submission

        link = tmp_path / "x.ipynb"
        os.symlink(SOLUTION, link)
        nb, problem = _read_submission(link)
        assert nb is None and "link" in problem
