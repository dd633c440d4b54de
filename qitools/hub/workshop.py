"""Collect learners' exercise notebooks from their hub homes, and put their feedback back.

* :func:`collect` copies each learner's **saved** exercise notebooks (``exercises/*.ipynb`` that
  differ from the copy the course laid out, or were saved since) into ``OUT/<learner>/``: one
  sub-folder per learner, as ``qitools grade`` expects. Untouched copies are left out (grading
  them would only add zeros and time); ``everything=True`` takes them all.
* :func:`return_feedback` reads the gradebook ``qitools grade`` wrote and puts a plain-English
  page of marks and notes into each learner's home (``feedback/feedback-<date>.md``), where only
  they see it.

The homes are those of the demo hub (``<hub folder>/homes/<name>``, learners from its
``hub.json``), or, on a real server, any folder per learner given by a template such as
``~jupyter-{name}`` (The Littlest JupyterHub's users) with the learners' names (run as a user who may read those homes).
Learners' files are untrusted: symbolic links are never followed, oversized files are skipped, and
text from the gradebook is escaped before it is written into a learner's page.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._files import atomic_path, atomic_write_text
from ..spc.errors import QIValueError

__all__ = ["collect", "return_feedback", "learners_of", "Collected", "FeedbackReturned", "feedback_text"]

#: A notebook bigger than this is not collected (a learner's exercise is well under 5 MB).
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
FEEDBACK_FOLDER = "feedback"


@dataclass
class Collected:
    """What :func:`collect` did: ``files`` per learner, learners with ``nothing`` saved, and ``skipped`` files (why)."""

    out: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    nothing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class FeedbackReturned:
    """What :func:`return_feedback` did: the page written per learner, and rows not returned (why)."""

    written: dict[str, Path] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def learners_of(hub_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """The demo hub's learners and their home folders (from its ``hub.json``), in the order given."""
    from .demo import DemoSettings

    settings = DemoSettings.load(hub_dir)
    homes = Path(hub_dir).absolute() / settings.homes
    return {name: homes / name for name in settings.learners}


def _homes(hub_dir, homes: str | None, learners: Sequence[str] | None) -> dict[str, Path]:
    from .demo import valid_name

    if homes is None:
        found = learners_of(hub_dir)
        if learners:
            unknown = [n for n in learners if n not in found]
            if unknown:
                raise QIValueError(f"Not learners of this hub: {', '.join(unknown)}. Its learners: {', '.join(found)}.")
            found = {n: found[n] for n in learners}
        return found
    if "{name}" not in homes:
        raise QIValueError(f"--homes must contain {{name}}, as in '~jupyter-{{name}}' or '/var/lib/{{name}}'; got {homes!r}.")
    if not learners:
        raise QIValueError("With --homes, name the learners: --users alice,bob")
    bad = [n for n in learners if not valid_name(n)]
    if bad:
        raise QIValueError(f"These are not learner names: {', '.join(map(repr, bad))} (lower-case letters, digits, - and _).")
    return {n: Path(homes.format(name=n)).expanduser() for n in learners}  # ~jupyter-{name}: that user's home


def _saved(path: Path, rel: str, manifest: dict[str, dict[str, object]]) -> bool:
    """Whether the learner saved this notebook (it differs from, or was written after, the course's copy)."""
    entry = manifest.get(rel)
    if not entry:
        return True  # not from the course: a copy the learner made (04_run_charts-Copy1.ipynb)
    stat = path.stat()
    if stat.st_mtime_ns != entry.get("mtime_ns"):
        return True
    return hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256")


def collect(
    out: str | os.PathLike[str],
    *,
    hub_dir: str | os.PathLike[str] = "qitools-hub",
    homes: str | None = None,
    learners: Sequence[str] | None = None,
    everything: bool = False,
) -> Collected:
    """Copy every learner's saved exercise notebooks into ``out/<learner>/`` for ``qitools grade``.

    Parameters
    ----------
    out : str or Path
        A new (or empty) folder for the submissions.
    hub_dir : str or Path, default "qitools-hub"
        The demo hub's folder (its ``hub.json`` lists the learners; homes are ``homes/<name>``).
    homes : str, optional
        Instead of a demo hub: a template of the learners' home folders, such as
        ``~jupyter-{name}`` (The Littlest JupyterHub's users) or ``/var/lib/{name}`` (systemd's
        dynamic users); ``learners`` is then required.
    learners : list of str, optional
        Only these learners (default: every learner of the hub).
    everything : bool, default False
        Collect every exercise notebook, also those the learner never saved.

    Returns
    -------
    Collected
        The files copied per learner, the learners with nothing saved, and files skipped (why).

    Raises
    ------
    QIValueError
        ``out`` has files in it, the hub folder is not one, or bad names.
    """
    from ..course import read_manifest

    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise QIValueError(
            f"{str(target)!r} already has files in it; collecting into it could mix two rounds of work. Give a new "
            f"folder, such as submissions-{_dt.date.today():%Y-%m-%d}."
        )
    where = _homes(hub_dir, homes, learners)
    result = Collected(out=target)
    target.mkdir(parents=True, exist_ok=True)
    for name, home in where.items():
        exercises = home / "exercises"  # the home itself may be a link (systemd's dynamic users); not inside it
        if exercises.is_symlink() or not exercises.is_dir():
            why = "is a link" if exercises.is_symlink() else "does not exist"
            result.skipped.append(f"{name}: the exercises folder {why}")
            result.nothing.append(name)
            continue
        manifest = read_manifest(home)
        taken: list[Path] = []
        for path in sorted(exercises.iterdir()):
            if path.suffix != ".ipynb" or path.name.startswith("."):
                continue
            if path.is_symlink() or not path.is_file():
                result.skipped.append(f"{name}/{path.name}: not a plain file (a link?), not collected")
                continue
            size = path.stat().st_size
            if size > MAX_NOTEBOOK_BYTES:
                result.skipped.append(f"{name}/{path.name}: {size / 1e6:.0f} MB is too big for an exercise, not collected")
                continue
            if not everything and not _saved(path, f"exercises/{path.name}", manifest):
                continue
            dest_dir = target / name
            dest_dir.mkdir(exist_ok=True)
            stat = path.stat()
            with atomic_path(dest_dir / path.name) as tmp:
                tmp.write_bytes(path.read_bytes())
            os.utime(dest_dir / path.name, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the grader's "submitted" date
            taken.append(dest_dir / path.name)
        if taken:
            result.files[name] = taken
        else:
            result.nothing.append(name)
    return result


# ------------------------------------------------------------------------------------------------
# Feedback

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!])")


_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])\\_(?=[A-Za-z0-9])")


def _text(value: object) -> str:
    """A gradebook cell made safe to show in a Markdown page: no control characters, no markup, no links."""
    text = _CONTROL.sub(" ", str(value if value is not None else "")).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # a spreadsheet's formula guard
    escaped = _MARKDOWN.sub(r"\\\1", text.replace("&", "&amp;"))
    # an underscore inside a word never starts emphasis (CommonMark): 04_run_charts reads as written
    # when the page is opened as text (JupyterLab's default for .md), not as 04\\_run\\_charts
    return _INTRAWORD_UNDERSCORE.sub("_", escaped)


def _number(value: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _text(value)
    return f"{number:g}"


def _structure(header: list[str]) -> list[tuple[str, list[str]]]:
    """The exercises of a gradebook and their question columns, from its column order."""
    fixed = {"learner", "total", "max", "percent", "problems", "notes", "files"}
    exercises = [c[: -len(" points")] for c in header if c.endswith(" points")]
    blocks: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for column in header:
        if column in fixed:
            continue
        ex = next((e for e in exercises if column in (f"{e} points", f"{e} %", f"{e} date")), None)
        if ex is None:
            pending.append(column)
        elif column == f"{ex} points":
            blocks.append((ex, pending))
            pending = []
    return blocks


def feedback_text(row: dict[str, str], header: list[str], *, when: str | None = None) -> str:
    """The feedback page for one gradebook row (Markdown that reads as plain text too).

    Examples
    --------
    >>> header = ["learner", "4.1", "4.2", "04_run_charts points", "04_run_charts %", "04_run_charts date",
    ...           "total", "max", "percent", "problems", "notes", "files"]
    >>> row = dict(zip(header, ["alice", "1", "0", "1", "50", "2024-06-01", "1", "2", "50", "",
    ...                          "4.2 the mean instead of the median", "04_run_charts.ipynb"]))
    >>> print(feedback_text(row, header, when="2024-06-02"))  # doctest: +ELLIPSIS
    # Your feedback, alice
    ...
    - 04_run_charts: 50% (1 point; your notebook of 2024-06-01)
        - question 4.1: 1 point
        - question 4.2: 0 points
    ...
    """
    def points(v: str) -> str:
        n = _number(v)
        return f"{n} point" + ("" if n == "1" else "s")

    lines = [
        f"# Your feedback, {_text(row.get('learner'))}",
        "",
        f"From your coach's grading of {when or _dt.date.today().isoformat()}. It is in your own folder: the "
        "other learners do not get it.",
        "",
        "## Your exercises",
        "",
    ]
    graded = 0
    for exercise, questions in _structure(header):
        percent = row.get(f"{exercise} %", "")
        if percent in ("", None):
            continue
        graded += 1
        date = row.get(f"{exercise} date", "")
        lines.append(
            f"- {_text(exercise)}: {_number(percent)}% ({points(row.get(f'{exercise} points', ''))}"
            + (f"; your notebook of {_text(date)}" if date else "")
            + ")"
        )
        for q in questions:
            if row.get(q, "") != "":
                lines.append(f"    - question {_text(q)}: {points(row[q])}")
    if not graded:
        lines.append("- No exercise of yours was graded this time.")
    lines += ["", f"Over every exercise graded for the group: {points(row.get('total', ''))} of "
              f"{_number(row.get('max', ''))} ({_number(row.get('percent', ''))}%).", ""]  # fmt: skip
    notes = [n for n in (row.get("notes") or "").split("; ") if n.strip()]
    lines += ["## What to look at again", ""]
    lines += [f"- {_text(n)}" for n in notes] or ["- Nothing: every graded question was right."]
    problems = [p for p in (row.get("problems") or "").split("; ") if p.strip()]
    if problems:
        lines += ["", "## Problems while running your notebooks", ""] + [f"- {_text(p)}" for p in problems]
    lines += [
        "",
        "Open the exercise again, read the hint under each check, and ask your coach about anything unclear.",
        "",
    ]
    return "\n".join(lines)


def return_feedback(
    gradebook: str | os.PathLike[str],
    *,
    hub_dir: str | os.PathLike[str] = "qitools-hub",
    homes: str | None = None,
    learners: Sequence[str] | None = None,
) -> FeedbackReturned:
    """Put each learner's marks and notes from a gradebook into their home (``feedback/feedback-<date>.md``).

    Parameters
    ----------
    gradebook : str or Path
        The CSV written by ``qitools grade`` (one row per learner).
    hub_dir, homes, learners
        Where the homes are, as for :func:`collect`.

    Returns
    -------
    FeedbackReturned
        The page written for each learner, and the rows not returned (not a learner of the hub).

    Raises
    ------
    QIValueError
        The gradebook cannot be read or has no ``learner`` column.
    """
    path = Path(gradebook)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except OSError as exc:
        raise QIValueError(f"Cannot read the gradebook {str(path)!r}: {exc.strerror or exc}.") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise QIValueError(f"{str(path)!r} is not a gradebook CSV ({exc}). Give the file 'qitools grade' wrote.") from None
    if "learner" not in header:
        raise QIValueError(f"{str(path)!r} has no 'learner' column, so it is not a gradebook written by 'qitools grade'.")
    names = learners
    if homes is not None and not learners:  # every learner of the gradebook whose name can be a folder's
        from .demo import valid_name

        names = [r["learner"].strip() for r in rows if valid_name((r.get("learner") or "").strip())]
    where = _homes(hub_dir, homes, names)
    when = _dt.datetime.now()
    result = FeedbackReturned()
    for row in rows:
        name = (row.get("learner") or "").strip()
        home = where.get(name)
        if home is None:
            result.skipped.append(f"{name or '(blank)'}: not a learner of this hub")
            continue
        folder = home / FEEDBACK_FOLDER
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()) or not home.is_dir():
            result.skipped.append(f"{name}: the home or its feedback folder is not a plain folder")
            continue
        folder.mkdir(exist_ok=True)
        page = folder / f"feedback-{when:%Y-%m-%d-%H%M}.md"
        atomic_write_text(page, feedback_text(row, header, when=when.date().isoformat()))
        result.written[name] = page
    return result
