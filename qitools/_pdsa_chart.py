"""A PDSA project's cycles on a team's own chart: what ``qitools chart --pdsa`` and the workshop app share.

Reading the project (a PDSA store, opened read-only, or a JSON export; from a path or from an
upload's bytes), choosing the measure whose cycles go on the chart, and checking that the chart's
time is dates. Every message is written for the front end that shows it: the command names its
flags (``--pdsa``, ``--pdsa-measure``), the app its controls ('PDSA project (optional)'), never a
Python call. The drawing is :func:`qitools.pdsa.plot_with_cycles` and the report's section
:func:`qitools.chart_report`'s ``cycles=``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .pdsa._text import clean
from .spc.errors import QIToolsError, QIValueError

__all__ = [
    "WORDS",
    "MAX_PROJECT_MB",
    "read_project",
    "projects_in",
    "choose_measure",
    "how_chosen",
    "require_dates",
    "cycle_marks",
    "describe",
]

#: how each front end names the controls the messages mention
WORDS: dict[str, dict[str, str]] = {
    "command": {
        "file": "--pdsa",
        "measure": "give --pdsa-measure ID",
        "project": "give --pdsa-project ID",
        "x": "give --x COLUMN (a column of dates; --dates COLUMN reads text or Excel dates as dates)",
        "x_name": "--x",
        "export": "`qitools pdsa export team.pdsa project.json`",
        "fix": "Give the file your team keeps its PDSA cycles in (made with `qitools pdsa new`), or a project "
        "exported from one as JSON",
    },
    "app": {
        "file": "'PDSA project (optional)'",
        "measure": "choose one in 'Cycles of measure'",
        "project": "choose one in 'Project'",
        "x": "choose a column of dates in 'Time (x)'",
        "x_name": "'Time (x)'",
        "export": "`qitools pdsa export team.pdsa project.json`",
        "fix": "Upload the file your team keeps its PDSA cycles in (team.pdsa), or a project exported from one as "
        "JSON",
    },
}
#: the largest PDSA file the app reads
MAX_PROJECT_MB = 50
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _words(audience: str) -> dict[str, str]:
    if audience not in WORDS:
        raise QIValueError(f"audience must be one of {', '.join(map(repr, WORDS))}; got {audience!r}.")
    return WORDS[audience]


def _not_pdsa(name: str, why: str, audience: str) -> QIValueError:
    w = _words(audience)
    return QIValueError(
        f"{name!r} ({'given as ' + w['file'] if audience == 'command' else 'the PDSA project'}) is not a qitools PDSA "
        f"file: {why}. Its PDSA cycles cannot be marked, and the file has not been changed. {w['fix']} "
        f"({w['export']})."
    )


def _is_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_project(
    path: str | Path | None = None,
    *,
    content: bytes | None = None,
    name: str | None = None,
    project: str | None = None,
    audience: str = "command",
) -> Any:
    """The PDSA project in a store file or JSON export (from a path, or an upload's bytes).

    The store is opened read-only and never changed; a file that is not a qitools PDSA file is not
    even opened as a database. Uploaded bytes of a store are read through a temporary copy,
    deleted afterwards.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file (``qitools chart --pdsa FILE``).
    content : bytes, optional
        The file's bytes instead (an upload in the app).
    name : str, optional
        The name messages use (default: the path as given).
    project : str, optional
        The project's id, for a store holding several.
    audience : {"command", "app"}
        Whose words the messages use.

    Returns
    -------
    qitools.pdsa.Project
        With ``project.source`` the file's name.

    Raises
    ------
    QIValueError
        The file is missing, a folder, too big (an upload), not a qitools PDSA store or JSON export,
        holds no project, or several and ``project`` does not say which.
    """
    w = _words(audience)
    shown = str(name if name is not None else path)
    if content is None:
        if path is None:
            raise QIValueError("read_project needs a path or the file's content.")
        p = Path(path)
        if p.is_dir():
            raise QIValueError(
                f"{shown!r} (given as {w['file']}) is a folder. Give the PDSA file itself, e.g. team.pdsa or "
                "project.json."
            )
        if not p.is_file():
            raise QIValueError(
                f"No PDSA file at {shown!r} (given as {w['file']}). Check the name and the folder; the file is made "
                "with `qitools pdsa new`."
            )
        try:
            with p.open("rb") as fh:
                head = fh.read(100)
        except OSError as exc:
            raise QIValueError(f"Could not read {shown!r}: {exc.strerror or exc}.") from exc
        if not head:
            raise _not_pdsa(shown, "it is empty", audience)
        if head.startswith(_SQLITE_MAGIC):
            return _from_store(p, shown, project, audience)
        if _is_json(head):
            try:
                return _from_json(p.read_bytes(), shown, audience)
            except OSError as exc:
                raise QIValueError(f"Could not read {shown!r}: {exc.strerror or exc}.") from exc
        raise _not_pdsa(shown, "it is neither a PDSA store (team.pdsa) nor a project exported as JSON", audience)
    if len(content) > MAX_PROJECT_MB * 1024 * 1024:
        raise QIValueError(
            f"{shown} is {len(content) / 1024 / 1024:.0f} MB; the page reads PDSA files up to {MAX_PROJECT_MB} MB. "
            f"Export the project as JSON ({w['export']}) and upload that."
        )
    if not content:
        raise QIValueError(f"{shown} is empty: it holds no PDSA project. {w['fix']}.")
    if content.startswith(_SQLITE_MAGIC):
        with _uploaded_store(content) as copy:
            return _from_store(copy, shown, project, audience)
    if _is_json(content[:100]):
        return _from_json(content, shown, audience)
    raise _not_pdsa(shown, "it is neither a PDSA store (team.pdsa) nor a project exported as JSON", audience)


@contextlib.contextmanager
def _uploaded_store(content: bytes) -> Iterator[Path]:
    """An uploaded store's bytes as a read-only temporary file, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="qitools-pdsa-", ignore_cleanup_errors=True) as tmp:
        copy = Path(tmp) / "upload.pdsa"
        copy.write_bytes(content)
        copy.chmod(0o400)  # nothing can write to the copy either
        yield copy


def projects_in(content: bytes) -> list[tuple[str, str]]:
    """The (id, title) of each project in an uploaded store's bytes ([] when it is not a store)."""
    from .pdsa.store import open_store

    if not content.startswith(_SQLITE_MAGIC) or len(content) > MAX_PROJECT_MB * 1024 * 1024:
        return []
    try:
        with _uploaded_store(content) as copy, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open_store(copy, readonly=True) as store:
                return [(str(r.id), clean(r.title)) for r in store.projects().itertuples()]
    except (QIToolsError, OSError, sqlite3.Error):
        return []  # read_project says what is wrong with it


def _from_store(path: Path, shown: str, project: str | None, audience: str) -> Any:
    from .pdsa.store import APPLICATION_ID, _header_facts, open_store

    w = _words(audience)
    facts = _header_facts(path)
    live_wal = Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0
    empty = facts.get("pages", 2) <= 1 and facts.get("application_id") == 0
    if not live_wal and facts.get("application_id") != APPLICATION_ID and not empty:
        raise _not_pdsa(shown, "it is an SQLite database made by another program", audience)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reading only: nothing to note
            with open_store(path, readonly=True) as store:
                ids = store.project_ids()
                if not ids:
                    raise QIValueError(
                        f"{shown!r} holds no PDSA project yet, so there are no cycles to mark. Add the project and "
                        "its cycles with `qitools pdsa new` and `qitools pdsa add-cycle` (or the form in a notebook)."
                    )
                if project is None and len(ids) > 1:
                    listed = "; ".join(f"{clean(row.id)} ({clean(row.title)})" for row in store.projects().itertuples())
                    raise QIValueError(
                        f"{shown!r} holds {len(ids)} PDSA projects, so qitools cannot tell whose cycles to mark: "
                        f"{w['project']}: {listed}."
                    )
                if project is not None and project not in ids:
                    raise QIValueError(
                        f"{shown!r} holds no project {project!r}. Its projects are: {clean(', '.join(ids))}; "
                        f"{w['project']}."
                    )
                loaded = store.load(project)
    except QIValueError as exc:
        if "not a qitools PDSA file" in str(exc):
            raise _not_pdsa(shown, str(exc).split(": ", 1)[1].split(". ", 1)[0], audience) from None
        raise
    except OSError as exc:
        raise QIValueError(f"Could not read {shown!r}: {exc.strerror or exc}.") from exc
    except sqlite3.Error as exc:
        raise QIValueError(
            f"{shown!r} could not be read as a PDSA file ({exc}): it may be damaged. It has not been changed. Try a "
            f"copy from a backup, or a JSON export of the project ({_words(audience)['export']})."
        ) from exc
    loaded.source = shown
    return loaded


def _from_json(content: bytes, shown: str, audience: str) -> Any:
    import json

    from .pdsa.export import load_json
    from .pdsa.model import FORMAT_NAME

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_pdsa(shown, "it is not text in UTF-8, as a JSON export is", audience) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QIValueError(
            f"{shown!r} could not be read as a PDSA project: it is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}). Export the project again ({_words(audience)['export']})."
        ) from None
    if not isinstance(data, dict) or (
        data.get("format") != FORMAT_NAME and not ({"cycles", "aim", "measures"} & set(data))
    ):
        raise _not_pdsa(shown, "it is JSON, but not a PDSA project exported by qitools", audience)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the project's own checks are for its team, not for this chart
            project = load_json(text, check=False)
    except QIValueError as exc:
        raise QIValueError(f"{shown!r} could not be read as a PDSA project: {exc}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a JSON file of another shape
        raise _not_pdsa(shown, f"it is JSON, but not a PDSA project ({exc})", audience) from None
    project.source = shown
    return project


def _measure_list(project: Any) -> str:
    parts = []
    for m in project.measures:
        cols = f"{m.y} per {m.n}" if m.y and m.n else (m.y or "no column set")
        parts.append(clean(f"{m.id} ({m.name}: {cols})" if m.name else f"{m.id} ({cols})"))
    return "; ".join(parts)


def choose_measure(project: Any, y: Any, n: Any = None, wanted: str | None = None, *, audience: str = "command") -> Any:
    """The measure whose cycles go on a chart of the columns ``y`` (over ``n``).

    The one named (``wanted``: its id or its name); else the project's only measure; else the
    measure charting these columns (:func:`qitools.pdsa.match_measure`); None when the project
    has no measures (every cycle is marked).

    Raises
    ------
    QIValueError
        ``wanted`` is not a measure of the project, or several measures could be meant: the
        message lists them and says how to choose.
    """
    from .pdsa.charts import match_measure

    w = _words(audience)
    title = clean(project.title or project.id)
    if wanted is not None and str(wanted).strip():
        key = str(wanted).strip().casefold()
        for m in project.measures:
            if str(m.id).casefold() == key or str(m.name).strip().casefold() == key:
                return m
        have = _measure_list(project) or "none yet"
        raise QIValueError(f"The PDSA project {title!r} has no measure {wanted!r}. Its measures are: {have}.")
    if not project.measures:
        return None
    if len(project.measures) == 1:
        return project.measures[0]
    found = match_measure(project, y, n)
    if found is not None:
        return found
    cols = f"{y} per {n}" if n else str(y)
    return_error = (
        f"The PDSA project {title!r} has {len(project.measures)} measures and qitools cannot tell which one this "
        f"chart ({cols}) is, so it does not know whose cycles to mark. Say which: {w['measure']}. Its measures "
        f"are: {_measure_list(project)}."
    )
    raise QIValueError(return_error)


def require_dates(df: pd.DataFrame, x: Any, *, audience: str = "command") -> None:
    """The chart's time must be dates for cycles to be placed on it (checked before charting)."""
    w = _words(audience)
    if x is None:
        raise QIValueError(
            f"PDSA cycles are marked on a chart by their dates, but this chart has no time column: {w['x']}."
        )
    if x in df.columns and not pd.api.types.is_datetime64_any_dtype(df[x]):
        raise QIValueError(
            f"PDSA cycles are marked on a chart by their dates, but the time column {str(x)!r} ({w['x_name']}) does "
            f"not hold dates. {w['x'][0].upper() + w['x'][1:]}."
        )


def cycle_marks(
    project: Any, measure: Any, *, labels: str = "title", file: str | None = None, how: str = ""
) -> pd.DataFrame:
    """Every started cycle of ``measure`` (and those naming none) as chart marks.

    ``attrs["file"]`` is the file's name and ``attrs["how"]`` how the measure was chosen, in
    words for a report's readers (:func:`how_chosen`), both said in the report.
    """
    from .pdsa.charts import chart_marks

    marks = chart_marks(project, measure.id if measure is not None else None, labels=labels)
    marks.attrs["file"] = file or project.source or ""
    marks.attrs["how"] = how
    return marks


def describe(marks: pd.DataFrame, x: Any, how: str = "") -> tuple[str, list[str]]:
    """One line saying whose cycles are marked, and the plain-English notes on those that are not.

    Parameters
    ----------
    marks : pandas.DataFrame
        :func:`cycle_marks`.
    x : array-like of dates
        The chart's x values.
    how : str
        How the measure was chosen ("matched to the chart's columns" ...).

    Returns
    -------
    (str, list of str)
    """
    from .pdsa.charts import cycles_outside

    on, outside = cycles_outside(marks, x, advice="data") if len(marks) else (marks, [])
    a = marks.attrs
    whose = f"PDSA cycles of {a.get('project')!r}" if a.get("project") else "PDSA cycles"
    if a.get("measure"):
        whose += f" for measure {a['measure']}" + (f" ({a['measure_name']})" if a.get("measure_name") else "")
    if how:
        whose += f", {how}"
    if a.get("file"):
        whose += f", from {a['file']}"
    count = f"{len(on)} of {len(marks)} marked on the chart" if len(marks) else "no cycle to mark"
    notes: Sequence[str] = [*outside, *a.get("other_measures", [])]
    return f"{whose}: {count}.", list(notes)


def how_chosen(project: Any, measure: Any, wanted: str | None, y: Any, n: Any, audience: str = "command") -> str:
    """How the measure was chosen, in a few words (``audience`` "command", "app" or "readers" of a report)."""
    if measure is None:
        return "every cycle (the project has no measures)"
    if wanted:
        return "as chosen" if audience != "readers" else "chosen by whoever made this report"
    if len(project.measures) == 1:
        return "the project's only measure"
    if audience == "command":
        return f"matched to --y {y}" + (f" --n {n}" if n else "")
    return f"matched to the chart's columns ({y}" + (f" per {n}" if n else "") + ")"
