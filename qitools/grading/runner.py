"""Batch grading: every submitted notebook in its own process and folder, then one gradebook."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import write_csv
from ..spc.errors import QIValueError
from .hidden import HiddenChecks, load_hidden

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
_WORKER = Path(__file__).with_name("_worker.py")


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
        """Points earned."""
        return round(sum(q["points"] for q in self.questions.values()), 2)

    @property
    def max_points(self) -> float:
        """Points available."""
        return round(sum(q["max"] for q in self.questions.values()), 2)


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


def _kill(proc: subprocess.Popen, folder: Path) -> None:
    pid_file = folder / "kernel.pid"
    pids = []
    if pid_file.exists():
        try:
            pids.append(int(pid_file.read_text().strip()))
        except ValueError:
            pass
    if os.name == "posix":
        for pid in [proc.pid, *pids]:
            try:
                os.killpg(pid, signal.SIGKILL)  # the worker and the kernel each lead their own session
            except (ProcessLookupError, PermissionError):
                pass
    else:  # pragma: no cover - Windows
        for pid in pids:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True, check=False)
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # so the worker and kernel find this qitools
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    env.pop("JPY_PARENT_PID", None)
    return env


def _describe(raw: dict[str, Any], cell_timeout: float) -> list[str]:
    problems = []
    errors = raw.get("errors", [])
    for err in errors[:_MAX_ERRORS_SHOWN]:
        what = f"{err['ename']}: {err['evalue']}".strip().rstrip(":")
        problems.append(f"cell {err['cell']} ({err['first_line']}) stopped with {what}")
    if len(errors) > _MAX_ERRORS_SHOWN:
        problems.append(f"and {len(errors) - _MAX_ERRORS_SHOWN} more cells with errors")
    for t in raw.get("timeouts", []):
        problems.append(
            f"cell {t['cell']} ({t['first_line']}) was still running after {cell_timeout:g} s and was stopped"
        )
    problems += raw.get("problems", [])
    return problems


def _grade_one(
    path: Path,
    learner: str,
    exercise: str,
    hidden: tuple[Path, HiddenChecks] | None,
    *,
    cell_timeout: float,
    notebook_timeout: float,
    kernel: str,
    workdir: str | Path | None = None,
) -> NotebookResult:
    if hidden is not None:
        hidden_path: Path | None = hidden[0]
        questions = [q.qid for q in hidden[1].questions]
        points = {q.qid: q.points for q in hidden[1].questions}
    else:  # the notebook's own (public) checks grade it
        hidden_path, questions, points = None, [], {}
    result = NotebookResult(path, learner, exercise)
    folder = Path(tempfile.mkdtemp(prefix="qitools-grade-", dir=workdir))
    started = time.monotonic()
    try:
        notebook = folder / path.name
        shutil.copyfile(path, notebook)
        job = {
            "notebook": str(notebook),
            "folder": str(folder),
            "result": str(folder / "result.json"),
            "hidden": str(hidden_path) if hidden_path else None,
            "questions": questions,
            "cell_timeout": int(max(1, round(cell_timeout))),
            "kernel": kernel,
        }
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        with open(folder / "worker.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, str(_WORKER), str(folder / "job.json")],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_env(),
                start_new_session=(os.name == "posix"),
            )
            try:
                proc.wait(timeout=notebook_timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill(proc, folder)
                timed_out = True
        raw: dict[str, Any] = {}
        if (folder / "result.json").exists():
            try:
                raw = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                raw = {}
        result.problems += _describe(raw, cell_timeout)
        if timed_out:
            result.problems.append(
                f"the notebook was still running after {notebook_timeout:g} s in all and was stopped; "
                "questions not reached score 0"
            )
        elif not raw.get("finished"):
            log_tail = (folder / "worker.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            result.problems.append("grading stopped unexpectedly: " + " | ".join(log_tail)[:300])
            result.fatal = True
        if raw.get("fatal"):
            result.problems.append(raw["fatal"])
            result.fatal = True
        result.public = raw.get("public", {})
        result.timing = raw.get("timing", {})
        if hidden is None:
            for qid, rec in result.public.items():
                questions.append(qid)
                points[qid] = 1.0
                raw.setdefault("questions", {})[qid] = {
                    "score": 1.0 if rec.get("status") == "right" else float(rec.get("score") or 0.0),
                    "status": rec.get("status", ""),
                    "mistake": rec.get("mistake"),
                    "detail": "",
                }
        for qid in questions:
            got = raw.get("questions", {}).get(qid)
            if got is None:
                got = {"score": 0.0, "status": "not graded", "mistake": None, "detail": "not reached"}
            score = float(got.get("score", 0.0))
            result.questions[qid] = {
                "score": score,
                "points": round(score * points[qid], 2),
                "max": points[qid],
                "status": got.get("status", ""),
                "mistake": got.get("mistake"),
                "detail": got.get("detail", ""),
            }
    finally:
        result.seconds = round(time.monotonic() - started, 2)
        shutil.rmtree(folder, ignore_errors=True)
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
    """

    results: list[NotebookResult]
    exercises: dict[str, dict[str, Any]]

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
            if r.exercise not in mine or r.points > mine[r.exercise].points:
                mine[r.exercise] = r
        return out

    @property
    def columns(self) -> list[str]:
        """The gradebook's columns, in order."""
        cols = ["learner"]
        for name in sorted(self.exercises):
            cols += [qid for qid, _ in self.exercises[name]["questions"]]
            cols += [f"{name} points", f"{name} %", f"{name} date"]
        return cols + ["total", "max", "percent", "problems", "notes", "files"]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per learner (sorted by name): a score per question, per exercise, the total.

        Question columns hold the points earned (blank where the exercise was not submitted);
        ``<exercise> %`` and ``<exercise> date`` the exercise's percentage and file date;
        ``total``/``max``/``percent`` count every graded exercise (not submitted = 0);
        ``problems`` says what went wrong while running the learner's notebooks; ``notes`` names
        the mistakes and missing answers question by question.
        """
        best = self.best()
        max_all = sum(sum(p for _, p in e["questions"]) for e in self.exercises.values())
        rows = []
        for learner in sorted(best, key=str.lower):
            row: dict[str, Any] = {c: "" for c in self.columns}
            row["learner"] = learner
            total = 0.0
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
                row[f"{name} date"] = r.submitted
                total += r.points
            row["total"] = round(total, 2)
            row["max"] = round(max_all, 2)
            row["percent"] = round(100 * total / max_all) if max_all else ""
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


def _default_progress(done: int, total: int, r: NotebookResult) -> None:
    what = r.exercise or "?"
    score = f"{r.points:g}/{r.max_points:g}" if r.exercise else "not graded"
    extra = f"  – {len(r.problems)} problem{'s' if len(r.problems) != 1 else ''}" if r.problems else ""
    width = len(str(total))
    print(f"[{done:>{width}}/{total}] {r.learner} – {what}: {score} ({r.seconds:.1f} s){extra}", file=sys.stderr)


def grade(
    submissions: str | Path | Iterable[str | Path],
    *,
    hidden: str | Path,
    jobs: int | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    kernel: str = "python3",
    progress: Callable[[int, int, NotebookResult], None] | None | bool = True,
    workdir: str | Path | None = None,
) -> Gradebook:
    """Grade submitted exercise notebooks with the coach's hidden checks.

    Each notebook is copied to its own temporary folder and run headless (nbclient) in its own
    process and kernel: a per-cell time limit (the kernel is interrupted and the next cell runs),
    an overall per-notebook limit (the process and its kernel are killed), errors carried past.
    Then the hidden checks of its exercise test the learner's answers and functions on fresh data.
    A broken notebook (syntax errors, endless loops, deleted cells, renamed or unreadable files)
    gets a row with what went wrong; the batch always carries on.

    Parameters
    ----------
    submissions : path or iterable of paths
        A folder (one sub-folder per learner, or the notebooks themselves) or notebook files.
    hidden : path
        The folder of hidden-check files (``exercises/coach/hidden``).
    jobs : int, optional
        Notebooks graded at the same time (default: the number of CPU cores).
    cell_timeout : float, default 60
        Seconds a cell (or a question's check) may run.
    notebook_timeout : float, default 600
        Seconds a whole notebook may take.
    kernel : str, default "python3"
        The Jupyter kernel to run notebooks with.
    progress : callable, bool or None, default True
        True prints one line per notebook to stderr as it is graded; a function
        ``f(done, total, result)`` is called instead; False/None is silent.
    workdir : path, optional
        Where the per-notebook temporary folders are made (default: the system's temporary
        folder); each is deleted when its notebook is graded.

    Returns
    -------
    Gradebook
        ``.rows()`` one dict per learner, ``.to_csv(path)``, ``.results`` per notebook.

    Raises
    ------
    QIValueError
        No notebooks found, or no hidden checks in ``hidden``.

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
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        kernel=kernel,
        progress=progress,
        workdir=workdir,
    )


def grade_public(
    submissions: str | Path | Iterable[str | Path],
    *,
    jobs: int | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    kernel: str = "python3",
    progress: Callable[[int, int, NotebookResult], None] | None | bool = True,
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
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        kernel=kernel,
        progress=progress,
    )


def _grade_batch(
    found: list[tuple[Path, str]],
    checks_by_exercise: dict[str, tuple[Path, HiddenChecks]] | None,
    *,
    jobs: int | None,
    cell_timeout: float,
    notebook_timeout: float,
    kernel: str,
    progress: Callable[[int, int, NotebookResult], None] | None | bool,
    workdir: str | Path | None = None,
) -> Gradebook:
    known = sorted(checks_by_exercise) if checks_by_exercise is not None else None
    report = _default_progress if progress is True else (progress or None)
    results: list[NotebookResult | None] = [None] * len(found)
    todo = []
    for i, (path, folder_learner) in enumerate(found):
        problem = None
        nb: Any = None
        try:
            nb = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(nb, dict) or "cells" not in nb:
                problem = "not a Jupyter notebook (no cells)"
        except UnicodeDecodeError:
            problem = "not a readable notebook (not text)"
        except json.JSONDecodeError as exc:
            problem = f"not a readable notebook (broken JSON at line {exc.lineno}: was it edited outside Jupyter?)"
        if known is None:  # public checks: trust the notebook's own metadata (or checks.begin call)
            names = _declared_exercise(nb if problem is None else None)
            exercise = identify_exercise(nb if problem is None else None, path.name, names)
        else:
            exercise = identify_exercise(nb if problem is None else None, path.name, known)
        learner = _learner_name(path, folder_learner, exercise)
        if problem is None:
            try:
                import nbformat

                nbformat.reads(json.dumps(nb), as_version=4)
            except Exception as exc:  # noqa: BLE001
                problem = f"not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})"
        if problem or exercise is None:
            r = NotebookResult(path, learner, exercise if not problem else exercise)
            r.problems.append(
                problem
                or "could not tell which exercise this is (its metadata was removed and its name does not "
                "contain the exercise name): rename it like 03_run_charts.ipynb"
            )
            if exercise and checks_by_exercise is not None:  # unreadable but named: every question scores 0
                for q in checks_by_exercise[exercise][1].questions:
                    r.questions[q.qid] = {"score": 0.0, "points": 0.0, "max": q.points, "status": "not graded",
                                          "mistake": None, "detail": "notebook not readable"}  # fmt: skip
            results[i] = r
            continue
        todo.append((i, path, learner, exercise))

    for r in results:
        if r is not None:
            r.submitted = _file_date(r.path)
    total = len(found)
    done = 0
    for r in results:
        if r is not None:
            done += 1
            if report:
                report(done, total, r)
    n_jobs = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = {
            pool.submit(
                _grade_one,
                path,
                learner,
                exercise,
                checks_by_exercise[exercise] if checks_by_exercise is not None else None,
                cell_timeout=cell_timeout,
                notebook_timeout=notebook_timeout,
                kernel=kernel,
                workdir=workdir,
            ): i
            for i, path, learner, exercise in todo
        }
        for future in as_completed(futures):
            i = futures[future]
            r = future.result()
            r.submitted = _file_date(r.path)
            results[i] = r
            done += 1
            if report:
                report(done, total, r)
    final = [r for r in results if r is not None]
    if checks_by_exercise is not None:
        exercises = {
            name: {
                "title": checks.title,
                "minutes": checks.minutes,
                "questions": [(q.qid, q.points) for q in checks.questions],
            }
            for name, (_, checks) in checks_by_exercise.items()
            if any(r.exercise == name for r in final)
        }
    else:
        exercises = {}
        for r in final:
            if r.exercise and r.questions:
                entry = exercises.setdefault(r.exercise, {"title": "", "minutes": None, "questions": []})
                have = {q for q, _ in entry["questions"]}
                entry["questions"] += [(q, v["max"]) for q, v in r.questions.items() if q not in have]
    return Gradebook(final, exercises)


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
