"""A completion record for a learner's CPD or revalidation portfolio: modules, scores and dates.

The record is an HTML page (print it, or attach it to an e-portfolio) and, because matplotlib is a
qitools dependency, a one-page PDF drawn with matplotlib's PDF backend (no other converter
needed). It comes either from the coach's gradebook (:func:`records_from_gradebook`) or from the
learner's own exercise notebooks (:func:`records_from_notebooks`, which runs them and reads their
checks).
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._files import atomic_write_text
from .spc.errors import QIValueError

__all__ = [
    "ModuleRecord",
    "exercise_catalogue",
    "records_from_gradebook",
    "records_from_notebooks",
    "certificate_html",
    "write_certificate",
]

COURSE = "qitools: measurement for improvement in health and social care"


@dataclass(frozen=True)
class ModuleRecord:
    """One exercise on a learner's record.

    Attributes
    ----------
    exercise : str
        The exercise name ("03_run_charts").
    title : str
        Its title ("Run charts").
    percent : float
        The score, 0 to 100.
    date : str
        When it was done (YYYY-MM-DD).
    minutes : int or None
        Its expected learning time.
    objectives : tuple of str
        What the learner can now do ("find the median of a baseline period", ...).
    """

    exercise: str
    title: str
    percent: float
    date: str
    minutes: int | None = None
    objectives: tuple[str, ...] = field(default_factory=tuple)

    @property
    def module(self) -> str:
        """The module number from the exercise name ("03_run_charts" -> "3")."""
        match = re.match(r"^(\d+)", self.exercise)
        return str(int(match.group(1))) if match else ""


def _pretty(exercise: str) -> str:
    return re.sub(r"^\d+[_\s-]*", "", exercise).replace("_", " ").capitalize() or exercise


def exercise_catalogue(folder: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Titles, times and objectives of the exercises, read from the notebooks' ``qitools`` metadata.

    Parameters
    ----------
    folder : path, optional
        A folder of exercise notebooks (by default ``exercises`` in the current folder, if any).

    Returns
    -------
    dict
        exercise -> ``{"title", "minutes", "objectives", "module", "level"}`` (empty if no folder).
    """
    folder = Path(folder) if folder is not None else Path("exercises")
    out: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("qitools", {})
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("exercise"):
            out[meta["exercise"]] = meta
    return out


def _record(exercise: str, percent: float, date: str, catalogue: dict[str, dict[str, Any]]) -> ModuleRecord:
    meta = catalogue.get(exercise, {})
    return ModuleRecord(
        exercise=exercise,
        title=str(meta.get("title") or _pretty(exercise)),
        percent=float(percent),
        date=str(date or ""),
        minutes=meta.get("minutes"),
        objectives=tuple(meta.get("objectives") or ()),
    )


def records_from_gradebook(
    path: str | Path, learner: str | None = None, catalogue: dict[str, dict[str, Any]] | None = None
) -> dict[str, list[ModuleRecord]]:
    """Read learners' records from a gradebook CSV written by ``qitools grade``.

    Parameters
    ----------
    path : path
        The gradebook.
    learner : str, optional
        Only this learner (case-insensitive).
    catalogue : dict, optional
        From :func:`exercise_catalogue` (titles, times, objectives).

    Returns
    -------
    dict
        learner -> their exercises (those submitted), in order.

    Raises
    ------
    QIValueError
        The file is not a gradebook, or the learner is not in it.
    """
    catalogue = catalogue or {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows or "learner" not in rows[0]:
        raise QIValueError(f"{path} is not a gradebook (no 'learner' column). Give the CSV written by qitools grade.")
    exercises = [c[: -len(" %")] for c in rows[0] if c.endswith(" %")]
    out: dict[str, list[ModuleRecord]] = {}
    for row in rows:
        if learner is not None and row["learner"].strip().lower() != learner.strip().lower():
            continue
        recs = [
            _record(ex, float(row[f"{ex} %"]), row.get(f"{ex} date", ""), catalogue)
            for ex in exercises
            if str(row.get(f"{ex} %", "")).strip() != ""
        ]
        out[row["learner"]] = recs
    if learner is not None and not out:
        names = ", ".join(sorted(r["learner"] for r in rows)[:10])
        raise QIValueError(f"No learner {learner!r} in {path}. The learners are: {names}.")
    return out


def records_from_notebooks(
    paths: Iterable[str | Path],
    *,
    hidden: str | Path | None = None,
    catalogue: dict[str, dict[str, Any]] | None = None,
    cell_timeout: float | None = None,
    progress: bool = True,
) -> list[ModuleRecord]:
    """A learner's record from their own exercise notebooks: each is run, then checked.

    With ``hidden`` (the coach folder) the hidden checks grade them; without it the notebooks'
    own check cells do (the share of questions they marked right), which is a self-assessment.

    Parameters
    ----------
    paths : iterable of path
        The learner's notebooks (or a folder of them).
    hidden : path, optional
        The hidden-checks folder.
    catalogue : dict, optional
        From :func:`exercise_catalogue`.
    cell_timeout : float, optional
        Seconds a cell may run (default: automatic, see :func:`qitools.grading.grade`).
    progress : bool, default True
        Show a progress bar and one line per notebook.

    Returns
    -------
    list of ModuleRecord
        One per exercise (the best notebook of each), in exercise order.
    """
    from .grading.runner import grade, grade_public

    catalogue = catalogue or {}
    paths = list(paths)
    if hidden is not None:
        book = grade(paths, hidden=hidden, cell_timeout=cell_timeout, progress=progress)
    else:
        book = grade_public(paths, cell_timeout=cell_timeout, progress=progress)
    best: dict[str, Any] = {}
    for r in book.results:
        if r.exercise and r.max_points and (r.exercise not in best or r.points > best[r.exercise].points):
            best[r.exercise] = r
    return [_record(ex, round(100 * r.points / r.max_points), r.submitted, catalogue) for ex, r in sorted(best.items())]


def _completed(records: Sequence[ModuleRecord], pass_mark: float) -> list[ModuleRecord]:
    return [r for r in records if r.percent >= pass_mark]


def _hours(records: Sequence[ModuleRecord]) -> str:
    minutes = sum(r.minutes or 0 for r in records)
    if not minutes:
        return ""
    hours = f"{minutes / 60:.1f}".rstrip("0").rstrip(".")
    return f"{hours} hour" if hours == "1" else f"{hours} hours"


def certificate_html(
    name: str,
    records: Sequence[ModuleRecord],
    *,
    pass_mark: float = 80,
    source: str = "gradebook",
    issued: str | None = None,
    course: str = COURSE,
) -> str:
    """The record as a self-contained HTML page (inline CSS, prints on one A4 page).

    Parameters
    ----------
    name : str
        The learner's name as it should appear.
    records : sequence of ModuleRecord
        The exercises done.
    pass_mark : float, default 80
        The percentage at or above which an exercise counts as completed.
    source : {"gradebook", "hidden", "self"}
        Where the scores come from; said on the record ("graded by the coach" or "self-assessed").
    issued : str, optional
        The date of issue (default today, YYYY-MM-DD).
    course : str
        The course name.

    Returns
    -------
    str
        The HTML text.

    Examples
    --------
    >>> from qitools.certificate import ModuleRecord, certificate_html
    >>> page = certificate_html("Sam Patel", [ModuleRecord("03_run_charts", "Run charts", 100, "2025-05-02", 25)],
    ...                         issued="2025-05-03")
    >>> "Sam Patel" in page and "Run charts" in page and "completed" in page
    True
    """
    esc = html.escape
    issued = issued or _dt.date.today().isoformat()
    done = _completed(records, pass_mark)
    hours = _hours(done)
    how = {
        "gradebook": "Scores from the course coach's gradebook (automatic grading with hidden checks).",
        "hidden": "Scores from automatic grading of the learner's notebooks with the coach's hidden checks.",
        "self": "Scores from the automatic checks in the learner's own notebooks (self-assessed).",
    }.get(source, source)
    rows = "".join(
        f"<tr><td>{esc(r.module)}</td><td>{esc(r.title)}</td><td>{r.percent:.0f}%</td><td>{esc(r.date)}</td>"
        f"<td>{'✔ completed' if r.percent >= pass_mark else 'attempted'}</td></tr>"
        for r in records
    )
    outcomes = "".join(f"<li>{esc(o)}</li>" for r in done for o in r.objectives)
    outcomes_html = f"<h2>What {esc(name)} can now do</h2><ul>{outcomes}</ul>" if outcomes else ""
    time_html = f" (about {hours} of learning)" if hours else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Record of learning – {esc(name)}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; max-width: 46em; margin: 2em auto; color: #212b32; }}
h1 {{ color: #005eb8; margin-bottom: 0.2em; }} h2 {{ font-size: 1.1em; color: #005eb8; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ border-bottom: 1px solid #d8dde0; padding: 0.35em;
text-align: left; }} th {{ background: #f0f4f5; }} .small {{ font-size: 0.85em; color: #4c6272; }}
.box {{ border: 1px solid #d8dde0; min-height: 6em; padding: 0.5em; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>Record of learning</h1>
<p>This records that <b>{esc(name)}</b> completed <b>{len(done)}</b> of the {len(records)}
graded exercise{"s" if len(records) != 1 else ""} listed below{time_html} of <i>{esc(course)}</i>:
measuring for improvement with run charts, statistical process control and PDSA cycles.
An exercise is completed at a score of {pass_mark:g}% or more.</p>
<table><thead><tr><th>Module</th><th>Exercise</th><th>Score</th><th>Date</th><th>Status</th></tr></thead>
<tbody>{rows}</tbody></table>
{outcomes_html}
<h2>Reflection for my portfolio</h2>
<p class="small">What did I learn, how have I used it in my practice, and what will I do next?</p>
<div class="box"></div>
<p class="small">{esc(how)} Issued {esc(issued)} by qitools. Supports <i>Developing People – Improving
Care</i> (2016): knowledge of improvement methods at all levels.</p>
</body></html>
"""


def _write_pdf(
    path: Path, name: str, records: Sequence[ModuleRecord], pass_mark: float, source: str, issued: str
) -> Path:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.patches import Rectangle
    from matplotlib.figure import Figure

    done = _completed(records, pass_mark)
    hours = _hours(done)
    fig = Figure(figsize=(8.27, 11.69))  # A4 portrait
    ax = fig.add_axes((0.08, 0.05, 0.84, 0.9))
    ax.axis("off")
    y = 0.97
    ax.text(0, y, "Record of learning", fontsize=22, color="#005eb8", weight="bold", va="top")
    y -= 0.06
    lines = [
        f"This records that {name} completed {len(done)} of the {len(records)} graded exercises listed below",
        f"{'(about ' + hours + ' of learning) ' if hours else ''}of {COURSE}.",
        f"An exercise is completed at a score of {pass_mark:g}% or more.",
    ]
    for line in lines:
        ax.text(0, y, line, fontsize=10, va="top")
        y -= 0.025
    cells = [
        [r.module, r.title[:40], f"{r.percent:.0f}%", r.date, "completed" if r.percent >= pass_mark else "attempted"]
        for r in records
    ] or [["", "(no exercises)", "", "", ""]]
    height = 0.028 * (len(cells) + 1)
    y -= 0.01
    table = ax.table(
        cellText=cells,
        colLabels=["Module", "Exercise", "Score", "Date", "Status"],
        colWidths=[0.09, 0.45, 0.1, 0.17, 0.16],
        loc="upper left",
        bbox=(0, y - height, 1, height),
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    y -= height + 0.04
    objectives = [o for r in done for o in r.objectives][:12]
    if objectives:
        ax.text(0, y, f"What {name} can now do", fontsize=12, color="#005eb8", weight="bold", va="top")
        y -= 0.03
        for o in objectives:
            ax.text(0.02, y, f"•  {o}", fontsize=9, va="top")
            y -= 0.02
        y -= 0.02
    ax.text(0, y, "Reflection for my portfolio", fontsize=12, color="#005eb8", weight="bold", va="top")
    y -= 0.03
    ax.text(0, y, "What did I learn, how have I used it in my practice, and what will I do next?", fontsize=9, va="top")
    y -= 0.02
    ax.add_patch(Rectangle((0, y - 0.15), 1, 0.15, fill=False, edgecolor="#d8dde0"))
    note = {"self": "Scores from the automatic checks in the learner's own notebooks (self-assessed)."}.get(
        source, "Scores from automatic grading with the coach's hidden checks."
    )
    ax.text(0, 0.0, f"{note} Issued {issued} by qitools.", fontsize=8, color="#4c6272", va="bottom")
    with PdfPages(path, metadata={"Title": f"Record of learning – {name}", "CreationDate": None}) as pdf:
        pdf.savefig(fig)
    return path


def write_certificate(
    name: str,
    records: Sequence[ModuleRecord],
    out: str | Path,
    *,
    pass_mark: float = 80,
    source: str = "gradebook",
    issued: str | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Write the record as HTML (``out``) and, unless ``pdf=False``, as PDF beside it.

    Parameters
    ----------
    name : str
        The learner's name.
    records : sequence of ModuleRecord
        The exercises done.
    out : path
        The HTML file to write (``.html`` is added if missing).
    pass_mark : float, default 80
        The percentage at or above which an exercise counts as completed.
    source : {"gradebook", "hidden", "self"}
        Where the scores come from.
    issued : str, optional
        The date of issue (default today).
    pdf : bool, default True
        Also write ``<out>.pdf`` (drawn with matplotlib; skipped, with no error, if matplotlib
        cannot be loaded).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qitools.certificate import ModuleRecord, write_certificate
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> files = write_certificate("Sam Patel", [ModuleRecord("03_run_charts", "Run charts", 100, "2025-05-02")],
    ...                           folder / "sam", issued="2025-05-03")
    >>> [f.name for f in files]
    ['sam.html', 'sam.pdf']
    """
    issued = issued or _dt.date.today().isoformat()
    out = Path(out)
    if out.suffix.lower() != ".html":
        out = out.with_name(out.name + ".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, certificate_html(name, records, pass_mark=pass_mark, source=source, issued=issued))
    written = [out]
    if pdf:
        try:
            written.append(_write_pdf(out.with_suffix(".pdf"), name, records, pass_mark, source, issued))
        except ImportError:  # pragma: no cover - matplotlib is a dependency
            pass
    return written
