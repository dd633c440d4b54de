"""Batch grading: every submitted notebook in its own (sandboxed) process and folder, then one gradebook.

The gradebook is made here, by the coach's process, from what the hidden checks decided here,
after every learner process of the batch has been stopped.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import write_csv
from ..spc.errors import QIValueError
from .hidden import HiddenChecks, load_hidden
from .sandbox import GradingIsolationWarning, Workspace, isolation
from .session import Limits, run_notebook, safe_text

__all__ = [
    "grade",
    "grade_public",
    "Gradebook",
    "NotebookResult",
    "find_submissions",
    "identify_exercise",
    "load_hidden_dir",
]

_MAX_ERRORS_SHOWN = 3


@dataclass
class NotebookResult:
    """The grading of one submitted notebook.

    Attributes
    ----------
    path : Path
        The submitted file.
    learner : str
        Who submitted it (the sub-folder name, or the file name without the exercise name).
    exercise : str or None
        The exercise it answers (None if it could not be told).
    questions : dict
        question -> ``{"score": 0..1, "points": earned, "max": available, "status", "mistake",
        "detail"}``.
    problems : list of str
        What went wrong while running it (unreadable file, errors, time limits), in plain English.
    submitted : str
        The file's date (YYYY-MM-DD, from its modification time).
    seconds : float
        Wall-clock time spent grading it.
    timing : dict
        Seconds spent starting the kernel, running the learner's cells and the checks.
    public : dict
        The public checks' results recorded while it ran (``qitools.checks.results()``).
    fatal : bool
        True when grading itself broke (no kernel, hidden checks that do not load).
    """

    path: Path
    learner: str
    exercise: str | None
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    submitted: str = ""
    seconds: float = 0.0
    public: dict[str, Any] = field(default_factory=dict)
    fatal: bool = False
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def points(self) -> float:
        """Points earned in the exercise's core (the clinician track; analyst extensions apart)."""
        return round(sum(q["points"] for q in self.questions.values() if q.get("part", "core") == "core"), 2)

    @property
    def max_points(self) -> float:
        """Points available in the core."""
        return round(sum(q["max"] for q in self.questions.values() if q.get("part", "core") == "core"), 2)

    @property
    def analyst_points(self) -> float:
        """Points earned in the optional analyst extensions."""
        return round(sum(q["points"] for q in self.questions.values() if q.get("part") == "analyst"), 2)

    @property
    def analyst_max(self) -> float:
        """Points available in the optional analyst extensions (0 when the exercise has none)."""
        return round(sum(q["max"] for q in self.questions.values() if q.get("part") == "analyst"), 2)


# ----------------------------------------------------------------------------------------------
# Finding and identifying submissions
# ----------------------------------------------------------------------------------------------


def load_hidden_dir(folder: str | Path) -> dict[str, tuple[Path, HiddenChecks]]:
    """Load every hidden-check file of a coach folder: exercise -> (path, checks).

    Raises
    ------
    QIValueError
        The folder does not exist or holds no hidden checks.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise QIValueError(
            f"Hidden checks folder {folder} not found. Give the coach folder with --hidden "
            "(for the course: exercises/coach/hidden)."
        )
    found: dict[str, tuple[Path, HiddenChecks]] = {}
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        checks = load_hidden(path)
        found[checks.exercise] = (path.resolve(), checks)
    if not found:
        raise QIValueError(f"No hidden-check files (*.py) in {folder}.")
    return found


def find_submissions(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """The notebooks to grade and who submitted each: ``[(path, learner), ...]``.

    A folder holds either one sub-folder per learner (``SUBMISSIONS/asmith/03_run_charts.ipynb``:
    the learner is the sub-folder) or the notebooks themselves (``SUBMISSIONS/asmith_03.ipynb``:
    the learner is the file name, without the exercise part). Jupyter's checkpoint folders are
    skipped.
    """
    found: list[tuple[Path, str]] = []
    for root in map(Path, paths):
        if root.is_file():
            found.append((root, ""))
            continue
        if not root.is_dir():
            raise QIValueError(f"{root} not found. Give a folder of submitted notebooks (or notebook files).")
        for path in sorted(root.rglob("*.ipynb")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            found.append((path, rel.parts[0] if len(rel.parts) > 1 else ""))
    if not found:
        raise QIValueError("No notebooks (.ipynb) found to grade. Check the SUBMISSIONS folder.")
    return found


def identify_exercise(nb: Any, filename: str, known: Sequence[str]) -> str | None:
    """Which exercise a notebook answers: its metadata, then its file name, then its ``checks.begin`` call.

    So a renamed file is still recognised (from its metadata or its code), and a notebook whose
    metadata was lost is recognised from its name.

    Examples
    --------
    >>> from qitools.grading import identify_exercise
    >>> identify_exercise({"metadata": {}, "cells": []}, "asmith 03_run_charts (1).ipynb", ["03_run_charts"])
    '03_run_charts'
    """
    meta = (nb or {}).get("metadata", {}).get("qitools", {}) if isinstance(nb, dict) else {}
    if isinstance(meta, dict) and meta.get("exercise") in known:
        return meta["exercise"]
    stem = filename.lower()
    for name in known:
        if name.lower() in stem:
            return name
    for cell in (nb or {}).get("cells", []) if isinstance(nb, dict) else []:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        match = re.search(r"checks\.begin\(\s*['\"]([^'\"]+)['\"]", source)
        if match and match.group(1) in known:
            return match.group(1)
    prefix = re.match(r"^(\d{2})[_\- ]", Path(filename).name)
    if prefix:
        candidates = [k for k in known if k.startswith(prefix.group(1) + "_")]
        if len(candidates) == 1:
            return candidates[0]
    return None


def _learner_name(path: Path, folder_learner: str, exercise: str | None) -> str:
    if folder_learner:
        return folder_learner
    stem = path.stem
    if exercise:
        stem = re.sub(re.escape(exercise), " ", stem, flags=re.IGNORECASE)
    stem = re.sub(r"\(\d+\)", " ", stem)
    stem = re.sub(r"[\s_\-]+", " ", stem).strip()
    return stem or path.stem


# ----------------------------------------------------------------------------------------------
# Running one notebook
# ----------------------------------------------------------------------------------------------


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            return safe_text(line.strip(), 60)
    return ""


def _code_cells(nb: Any) -> list[tuple[int, str, str]]:
    """(position in the notebook, first line, source) of each non-empty code cell."""
    cells = []
    for pos, cell in enumerate(nb.cells, start=1):
        source = str(cell.get("source", ""))
        if cell.get("cell_type") == "code" and source.strip():
            cells.append((pos, _first_line(source), source))
    return cells


def _describe(raw: dict[str, Any]) -> list[str]:
    """What went wrong while running a notebook, in plain English (no text the notebook made)."""
    problems = []
    limit = raw.get("cell_limit", 0)
    errors = raw.get("errors", [])
    for err in errors[:_MAX_ERRORS_SHOWN]:
        what = f"{err['ename']}: {err['evalue']}" if err.get("evalue") else err["ename"]
        problems.append(f"cell {err['cell']} ({err['first_line']}) stopped with {what}")
    if len(errors) > _MAX_ERRORS_SHOWN:
        problems.append(f"and {len(errors) - _MAX_ERRORS_SHOWN} more cells with errors")
    for t in raw.get("timeouts", []):
        problems.append(f"cell {t['cell']} ({t['first_line']}) was still running after {limit:g} s and was stopped")
    at = raw.get("stopped_at")
    where = f"cell {at['cell']} ({at['first_line']})" if at else "a check of one of its functions"
    stopped = raw.get("stopped")
    if stopped == "died":
        problems.append(
            f"the Python kernel stopped while running {where}: it called exit() or ran out of memory; "
            "later cells and the checks could not run"
        )
    elif stopped == "stubborn":
        problems.append(
            f"{where} was still running after {limit:g} s and did not stop when interrupted, so the notebook was "
            "stopped there; questions not reached score 0"
        )
    elif stopped == "budget":
        problems.append(
            f"the notebook was still running after {raw.get('notebook_limit', 0):g} s in all and was stopped; "
            "questions not reached score 0"
        )
    elif stopped == "broken":
        problems.append(
            "the notebook interfered with the grading (its process sent something that is not a reply) and was "
            "stopped; questions not reached score 0"
        )
    elif raw.get("interfered"):
        problems.append(
            "the notebook interfered with the grading (its process sent messages of its own): its answers may be "
            "incomplete"
        )
    return problems


def _grade_one(
    workspace: Workspace,
    path: Path,
    learner: str,
    exercise: str,
    hidden: HiddenChecks | None,
    cells: list[tuple[int, str, str]],
    limits: Limits,
    content: bytes | None = None,
) -> NotebookResult:
    if hidden is not None:
        questions = [q.qid for q in hidden.questions]
        points = {q.qid: q.points for q in hidden.questions}
        parts = {q.qid: q.part for q in hidden.questions}
    else:  # the notebook's own (public) checks grade it
        questions, points, parts = [], {}, {}
    result = NotebookResult(path, learner, exercise)
    started = time.monotonic()
    raw = run_notebook(workspace, path, cells, hidden, limits, content)
    result.problems += _describe(raw)
    if raw.get("fatal"):
        result.problems.append(raw["fatal"])
        result.fatal = True
    result.public = raw.get("public", {})
    result.timing = {k: round(v, 2) for k, v in raw.get("timing", {}).items()}
    answers = dict(raw.get("questions", {}))
    if hidden is None:
        for qid, rec in result.public.items():
            questions.append(qid)
            points[qid] = 1.0
            answers[qid] = {
                "score": 1.0 if rec.get("status") == "right" else float(rec.get("score") or 0.0),
                "status": rec.get("status", ""),
                "mistake": rec.get("mistake"),
                "detail": "",
            }
    for qid in questions:
        got = answers.get(qid)
        if got is None:
            got = {"score": 0.0, "status": "not graded", "mistake": None, "detail": "not reached"}
        score = float(got.get("score", 0.0))
        result.questions[qid] = {
            "score": score,
            "points": round(score * points[qid], 2),
            "max": points[qid],
            "part": parts.get(qid, "core"),
            "status": got.get("status", ""),
            "mistake": got.get("mistake"),
            "detail": got.get("detail", ""),
        }
    result.seconds = round(time.monotonic() - started, 2)
    return result


# ----------------------------------------------------------------------------------------------
# The gradebook
# ----------------------------------------------------------------------------------------------


@dataclass
class Gradebook:
    """The grades of a batch: one row per learner (see :meth:`rows`), and every notebook's result.

    Attributes
    ----------
    results : list of NotebookResult
        One per submitted notebook, in the order they were found.
    exercises : dict
        exercise -> ``{"title", "minutes", "questions": [(qid, points), ...]}`` for the exercises
        graded.
    isolation : str
        How the notebooks were kept apart from the coach's files and processes (one line).
    """

    results: list[NotebookResult]
    exercises: dict[str, dict[str, Any]]
    isolation: str = ""

    @property
    def fatal(self) -> bool:
        """True when grading itself broke for some notebook (not the learner's fault)."""
        return any(r.fatal for r in self.results)

    def best(self) -> dict[str, dict[str, NotebookResult]]:
        """learner -> exercise -> the best-scoring notebook of that learner for that exercise."""
        out: dict[str, dict[str, NotebookResult]] = {}
        for r in self.results:
            if r.exercise is None:
                out.setdefault(r.learner, {})
                continue
            mine = out.setdefault(r.learner, {})
            if r.exercise not in mine or (r.points, r.analyst_points) > (
                mine[r.exercise].points,
                mine[r.exercise].analyst_points,
            ):
                mine[r.exercise] = r
        return out

    @property
    def columns(self) -> list[str]:
        """The gradebook's columns, in order."""
        cols = ["learner"]
        for name in sorted(self.exercises):
            cols += [qid for qid, _ in self.exercises[name]["questions"]]
            cols += [f"{name} points", f"{name} %"]
            if self.exercises[name].get("analyst"):
                cols.append(f"{name} analyst %")
            cols.append(f"{name} date")
        cols += ["total", "max", "percent"]
        if self._analyst_max():
            cols += ["analyst total", "analyst max", "analyst percent"]
        return cols + ["problems", "notes", "files"]

    def _core_max(self) -> float:
        return sum(
            p for e in self.exercises.values() for q, p in e["questions"] if q not in set(e.get("analyst", ()))
        )

    def _analyst_max(self) -> float:
        return sum(p for e in self.exercises.values() for q, p in e["questions"] if q in set(e.get("analyst", ())))

    def rows(self) -> list[dict[str, Any]]:
        """One dict per learner (sorted by name): a score per question, per exercise, the total.

        Question columns hold the points earned (blank where the exercise was not submitted);
        ``<exercise> %`` and ``<exercise> date`` the exercise's percentage and file date;
        ``total``/``max``/``percent`` count every graded exercise (not submitted = 0). These count the
        core of each exercise (the clinician track); the optional analyst extensions are scored apart,
        in ``<exercise> analyst %`` and ``analyst total``/``analyst max``/``analyst percent`` (columns
        that appear when an exercise has such questions);
        ``problems`` says what went wrong while running the learner's notebooks; ``notes`` names
        the mistakes and missing answers question by question.
        """
        best = self.best()
        max_all, analyst_all = self._core_max(), self._analyst_max()
        rows = []
        for learner in sorted(best, key=str.lower):
            row: dict[str, Any] = {c: "" for c in self.columns}
            row["learner"] = learner
            total = analyst = 0.0
            mine = [r for r in self.results if r.learner == learner]
            problems, notes = [], []
            for r in mine:
                label = f"{r.path.name} ({r.exercise})" if r.exercise else r.path.name
                problems += [f"{label}: {p}" for p in r.problems]
                if r.exercise and best[learner].get(r.exercise) is not r:
                    problems.append(f"{r.path.name}: another notebook for {r.exercise} scored higher and was kept")
            for name, r in sorted(best[learner].items()):
                for qid, q in r.questions.items():
                    row[qid] = q["points"]
                    if q["score"] < 1:
                        why = MISTAKE_TITLES.get(q.get("mistake") or "", "") or q.get("detail") or q.get("status")
                        notes.append(f"{qid} {why}".strip())
                row[f"{name} points"] = r.points
                row[f"{name} %"] = round(100 * r.points / r.max_points) if r.max_points else ""
                if r.analyst_max:
                    row[f"{name} analyst %"] = round(100 * r.analyst_points / r.analyst_max)
                row[f"{name} date"] = r.submitted
                total += r.points
                analyst += r.analyst_points
            row["total"] = round(total, 2)
            row["max"] = round(max_all, 2)
            row["percent"] = round(100 * total / max_all) if max_all else ""
            if analyst_all:
                row["analyst total"] = round(analyst, 2)
                row["analyst max"] = round(analyst_all, 2)
                row["analyst percent"] = round(100 * analyst / analyst_all)
            row["problems"] = "; ".join(problems)
            row["notes"] = "; ".join(notes)
            row["files"] = "; ".join(str(r.path.name) for r in mine)
            rows.append(row)
        return rows

    def to_csv(self, path: str | Path) -> Path:
        """Write the gradebook (one row per learner) as CSV (UTF-8 with BOM, so Excel reads it)."""
        path = Path(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True)
        write_csv(path, self.rows(), self.columns)  # formula-safe (qitools._files), UTF-8 with BOM
        return path

    def to_frame(self):
        """The gradebook as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=self.columns)


def _mistake_titles() -> dict[str, str]:
    from ..checks import MISTAKES

    return {k: v[0] for k, v in MISTAKES.items()}


MISTAKE_TITLES = _mistake_titles()


def for_terminal(text: Any) -> str:
    """Text from a submission (a learner's folder or file name) safe to print: control characters,
    which a terminal would obey (clear the screen, set the title), are shown as "?".

    Examples
    --------
    >>> from qitools.grading.runner import for_terminal
    >>> for_terminal("\x1b[2Jmallory\x07")
    '?[2Jmallory?'
    """
    return _TERMINAL_CONTROL.sub("?", str(text))


_TERMINAL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _line(done: int, total: int, r: NotebookResult) -> str:
    what = r.exercise or "?"
    score = f"{r.points:g}/{r.max_points:g}" if r.exercise else "not graded"
    extra = f"  – {len(r.problems)} problem{'s' if len(r.problems) != 1 else ''}" if r.problems else ""
    width = len(str(total))
    return f"[{done:>{width}}/{total}] {for_terminal(r.learner)} – {what}: {score} ({r.seconds:.1f} s){extra}"


def _default_progress(done: int, total: int, r: NotebookResult) -> None:
    print(_line(done, total, r), file=sys.stderr)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class _ProgressBar:
    """A progress bar on stderr from the first second: notebooks done, which are running, time left.

    Uses tqdm (one line per graded notebook above the bar); without tqdm, only those lines.
    """

    #: seconds a notebook is expected to take before any has finished
    PRIOR = 5.0

    def __init__(self, total: int, jobs: int):
        self.total, self.jobs = total, max(1, jobs)
        self.done = 0
        self.running: dict[int, tuple[str, float]] = {}
        self.seconds: list[float] = []
        self.lock = threading.Lock()
        self.bar: Any = None
        self.stop = threading.Event()
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm is a dependency of the course extra
            return
        layout = "{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}{postfix}"
        self.bar = tqdm(total=total, file=sys.stderr, desc="grading", unit="notebook", dynamic_ncols=True,
                        bar_format=layout, mininterval=0.5)  # fmt: skip
        self.bar.set_postfix_str("preparing", refresh=True)
        self.ticker = threading.Thread(target=self._tick, daemon=True)
        self.ticker.start()

    def write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr)

    def _status(self) -> str:
        now = time.monotonic()
        mean = sum(self.seconds) / len(self.seconds) if self.seconds else self.PRIOR
        waiting = self.total - self.done - len(self.running)
        busy = sum(max(mean - (now - t0), 1.0) for _, t0 in self.running.values())
        left = (busy + waiting * mean) / self.jobs if self.done < self.total else 0.0
        names = ", ".join(name for name, _ in list(self.running.values())[:2])
        more = f" +{len(self.running) - 2}" if len(self.running) > 2 else ""
        now_text = f"now {names}{more}; " if names else ""
        return f"{now_text}about {_duration(left)} left"

    def _tick(self) -> None:
        while not self.stop.wait(1.0):
            with self.lock:
                if self.bar is not None:
                    self.bar.set_postfix_str(self._status(), refresh=True)

    def started(self, index: int, label: str) -> None:
        with self.lock:
            self.running[index] = (label, time.monotonic())
            if self.bar is not None:
                self.bar.set_postfix_str(self._status(), refresh=True)

    def finished(self, index: int, r: NotebookResult, ran: bool) -> None:
        with self.lock:
            self.running.pop(index, None)
            self.done += 1
            if ran:
                self.seconds.append(r.seconds)
            self.write(_line(self.done, self.total, r))
            if self.bar is not None:
                self.bar.update(1)
                self.bar.set_postfix_str(self._status(), refresh=True)

    def close(self) -> None:
        self.stop.set()
        if self.bar is not None:
            self.bar.close()


def grade(
    submissions: str | Path | Iterable[str | Path],
    *,
    hidden: str | Path,
    jobs: int | None = None,
    cell_timeout: float | None = None,
    notebook_timeout: float | None = None,
    progress: Callable[[int, int, NotebookResult], None] | None | bool = True,
    workdir: str | Path | None = None,
    sandbox: str = "auto",
) -> Gradebook:
    """Grade submitted exercise notebooks with the coach's hidden checks.

    Each notebook is copied to its own temporary folder and run headless in its own process (on
    Linux, inside a bubblewrap sandbox: see :mod:`qitools.grading.sandbox`), with a copy of qitools
    and nothing of the coach's: cells run one by one (IPython, as in Jupyter) under a time limit,
    errors carried past. Then the hidden checks of its exercise are applied in *this* process: the
    learner's answers arrive as data, the learner's functions are run in their own process on fresh
    data from the checks, and the expected results stay here. Every process a notebook starts is
    stopped when its grading ends. A broken notebook (syntax errors, endless loops, deleted cells,
    renamed or unreadable files) gets a row with what went wrong; the batch always carries on.

    Parameters
    ----------
    submissions : path or iterable of paths
        A folder (one sub-folder per learner, or the notebooks themselves) or notebook files.
    hidden : path
        The folder of hidden-check files (``exercises/coach/hidden``).
    jobs : int, optional
        Notebooks graded at the same time (default: the number of CPU cores).
    cell_timeout : float, optional
        Seconds a cell (or a check's call of a learner's function) may run. Default: 8 + twice the
        seconds this computer took to start Python and load qitools for that notebook, at least 10
        and at most 60 (qitools is loaded before the first cell, so this is the cell's own work).
    notebook_timeout : float, optional
        Seconds a whole notebook may take (default: 30 + 4 times the cell limit).
    progress : callable, bool or None, default True
        True shows a progress bar on stderr (notebooks done, the ones running, time left) and one
        line per graded notebook; a function ``f(done, total, result)`` is called instead;
        False/None is silent.
    workdir : path, optional
        Where the temporary folders are made (default: the system's temporary folder); each is
        deleted when its notebook is graded.
    sandbox : {"auto", "required", "none"}, default "auto"
        "auto" uses bubblewrap where it works and otherwise warns
        (:class:`~qitools.grading.sandbox.GradingIsolationWarning`) how much less isolation the
        notebooks get; "required" refuses to grade without it; "none" never uses it.

    Returns
    -------
    Gradebook
        ``.rows()`` one dict per learner, ``.to_csv(path)``, ``.results`` per notebook,
        ``.isolation`` how the notebooks were isolated.

    Raises
    ------
    QIValueError
        No notebooks found, no hidden checks in ``hidden``, or no sandbox with ``sandbox="required"``.

    Examples
    --------
    >>> from qitools.grading import grade
    >>> book = grade("submissions", hidden="exercises/coach/hidden", jobs=2)  # doctest: +SKIP
    >>> book.to_csv("gradebook.csv")  # doctest: +SKIP
    """
    if isinstance(submissions, (str, Path)):
        submissions = [submissions]
    checks_by_exercise = load_hidden_dir(hidden)
    return _grade_batch(
        find_submissions(submissions),
        checks_by_exercise,
        jobs=jobs,
        limits=Limits(cell_timeout, notebook_timeout),
        progress=progress,
        workdir=workdir,
        sandbox=sandbox,
    )


def grade_public(
    submissions: str | Path | Iterable[str | Path],
    *,
    jobs: int | None = None,
    cell_timeout: float | None = None,
    notebook_timeout: float | None = None,
    progress: Callable[[int, int, NotebookResult], None] | None | bool = True,
    workdir: str | Path | None = None,
    sandbox: str = "auto",
) -> Gradebook:
    """Grade notebooks with their own (public) check cells, without the coach's hidden checks.

    A learner uses this for their own record (``qitools certificate NOTEBOOKS``): each question
    scores 1 when its check cell says ✅. The parameters are those of :func:`grade`.

    Returns
    -------
    Gradebook
        As :func:`grade`; the questions are those listed by each notebook's ``checks.begin``.
    """
    if isinstance(submissions, (str, Path)):
        submissions = [submissions]
    return _grade_batch(
        find_submissions(submissions),
        None,
        jobs=jobs,
        limits=Limits(cell_timeout, notebook_timeout),
        progress=progress,
        workdir=workdir,
        sandbox=sandbox,
        warn=False,  # the learner's own notebooks: nothing of a coach's to protect
    )


#: largest notebook file graded (bytes)
MAX_NOTEBOOK_BYTES = 20 * 2**20


def read_notebook_file(path: Path) -> bytes:
    """The bytes of a submitted notebook: a regular file, never a link or a special file.

    A link could point at the coach's own solutions (then graded as the learner's work), a named
    pipe or a device would be read forever. The file is opened without following a link and
    without waiting on a pipe, and checked before a byte is read.

    Raises
    ------
    ValueError
        It is a link or not a regular file (the message says which), or too big.
    OSError
        It cannot be read.
    """
    if os.path.islink(path):
        raise ValueError("a link to another file, not a notebook file (send the notebook itself)")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):  # replaced by a link since (O_NOFOLLOW: ELOOP)
            raise ValueError("a link to another file, not a notebook file (send the notebook itself)") from None
        raise exc
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("a named pipe, device or folder, not a notebook file")
        if st.st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"too big to be an exercise notebook (over {MAX_NOTEBOOK_BYTES // 2**20} MB)")
        data = f.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"too big to be an exercise notebook (over {MAX_NOTEBOOK_BYTES // 2**20} MB)")
    return data


def _read_submission(path: Path) -> tuple[Any, str | None]:
    """(the notebook as a dict, None) or (None, the problem)."""
    try:
        data = read_notebook_file(path)
    except ValueError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"not a readable notebook ({type(exc).__name__})"
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "not a readable notebook (not text)"
    except json.JSONDecodeError as exc:
        return None, f"not a readable notebook (broken JSON at line {exc.lineno}: was it edited outside Jupyter?)"
    except (OSError, RecursionError) as exc:
        return None, f"not a readable notebook ({type(exc).__name__})"
    if not isinstance(nb, dict) or "cells" not in nb:
        return None, "not a Jupyter notebook (no cells)"
    return nb, None


def _grade_batch(
    found: list[tuple[Path, str]],
    checks_by_exercise: dict[str, tuple[Path, HiddenChecks]] | None,
    *,
    jobs: int | None,
    limits: Limits,
    progress: Callable[[int, int, NotebookResult], None] | None | bool,
    workdir: str | Path | None = None,
    sandbox: str = "auto",
    warn: bool = True,
) -> Gradebook:
    iso = isolation(sandbox)
    n_jobs = max(1, jobs or os.cpu_count() or 1)
    total = len(found)
    bar = _ProgressBar(total, n_jobs) if progress is True else None
    report = progress if callable(progress) else None
    try:
        if bar is not None:
            bar.write(f"Grading {total} notebook{'s' if total != 1 else ''}, {n_jobs} at a time; {iso.description}.")
        if iso.warning and warn:
            warnings.warn(iso.warning, GradingIsolationWarning, stacklevel=3)
        known = sorted(checks_by_exercise) if checks_by_exercise is not None else None
        results: list[NotebookResult | None] = [None] * len(found)
        todo = []
        for i, (path, folder_learner) in enumerate(found):
            nb, problem = _read_submission(path)
            if known is None:  # public checks: trust the notebook's own metadata (or checks.begin call)
                exercise = identify_exercise(nb, path.name, _declared_exercise(nb))
            else:
                exercise = identify_exercise(nb, path.name, known)
            learner = _learner_name(path, folder_learner, exercise)
            cells: list[tuple[int, str, str]] = []
            if problem is None:
                try:
                    import nbformat

                    with warnings.catch_warnings():  # duplicated or missing cell ids: nbformat mends them
                        warnings.simplefilter("ignore")
                        cells = _code_cells(nbformat.reads(json.dumps(nb), as_version=4))
                except Exception as exc:  # noqa: BLE001
                    problem = f"not a readable notebook ({type(exc).__name__})"
            if problem or exercise is None:
                r = NotebookResult(path, learner, exercise)
                r.problems.append(
                    problem
                    or "could not tell which exercise this is (its metadata was removed and its name does not "
                    "contain the exercise name): rename it like 03_run_charts.ipynb"
                )
                if exercise and checks_by_exercise is not None:  # unreadable but named: every question scores 0
                    for q in checks_by_exercise[exercise][1].questions:
                        r.questions[q.qid] = {"score": 0.0, "points": 0.0, "max": q.points, "part": q.part,
                                              "status": "not graded", "mistake": None,
                                              "detail": "notebook not readable"}  # fmt: skip
                results[i] = r
                continue
            # the learner's working copy is made from what was read and checked here, never read again
            todo.append((i, path, learner, exercise, cells, json.dumps(nb, ensure_ascii=False, indent=1).encode()))

        done = 0
        for i, r in enumerate(results):
            if r is not None:
                r.submitted = _file_date(r.path)
                done += 1
                if bar is not None:
                    bar.finished(i, r, ran=False)
                if report:
                    report(done, total, r)
        if todo:
            workspace = Workspace(iso, workdir)
            try:
                workspace.prepare_fonts()

                def run(
                    i: int, path: Path, learner: str, exercise: str, cells: list[Any], content: bytes
                ) -> NotebookResult:
                    if bar is not None:
                        bar.started(i, for_terminal(f"{learner or path.stem} ({exercise})"))
                    checks = checks_by_exercise[exercise][1] if checks_by_exercise is not None else None
                    return _grade_one(workspace, path, learner, exercise, checks, cells, limits, content)

                with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                    futures = {pool.submit(run, *item): item[0] for item in todo}
                    try:
                        for future in as_completed(futures):
                            i = futures[future]
                            r = future.result()
                            r.submitted = _file_date(r.path)
                            results[i] = r
                            done += 1
                            if bar is not None:
                                bar.finished(i, r, ran=True)
                            if report:
                                report(done, total, r)
                    except BaseException:
                        for future in futures:
                            future.cancel()
                        workspace.stop_all()
                        raise
            finally:
                workspace.close()
    finally:
        if bar is not None:
            bar.close()
    final = [r for r in results if r is not None]
    if checks_by_exercise is not None:
        exercises = {
            name: {
                "title": checks.title,
                "minutes": checks.minutes,
                "questions": [(q.qid, q.points) for q in checks.questions],
                "analyst": [q.qid for q in checks.questions if q.part == "analyst"],
            }
            for name, (_, checks) in checks_by_exercise.items()
            if any(r.exercise == name for r in final)
        }
    else:
        exercises = {}
        for r in final:
            if r.exercise and r.questions:
                entry = exercises.setdefault(r.exercise, {"title": "", "minutes": None, "questions": [], "analyst": []})
                have = {q for q, _ in entry["questions"]}
                entry["questions"] += [(q, v["max"]) for q, v in r.questions.items() if q not in have]
                entry["analyst"] += [q for q, v in r.questions.items() if q not in have and v.get("part") == "analyst"]
    return Gradebook(final, exercises, isolation=iso.description)


def _declared_exercise(nb: Any) -> list[str]:
    """The exercise a notebook says it is (metadata, or its checks.begin call)."""
    if not isinstance(nb, dict):
        return []
    meta = nb.get("metadata", {}).get("qitools", {})
    if isinstance(meta, dict) and meta.get("exercise"):
        return [str(meta["exercise"])]
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        match = re.search(r"checks\.begin\(\s*['\"]([^'\"]+)['\"]", source)
        if match:
            return [match.group(1)]
    return []


def _file_date(path: Path) -> str:
    try:
        return _dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return ""
