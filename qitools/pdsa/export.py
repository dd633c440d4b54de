"""Sharing PDSA projects: JSON (lossless), CSV safe to open in Excel, and a self-contained report.

* :func:`to_json` / :func:`load_json`: the whole project, in the format documented in
  :mod:`qitools.pdsa`; a round trip gives back an equal project.
* :func:`to_csv` / :func:`read_csv`: one row per cycle, UTF-8 with a byte-order mark (so Excel
  reads accents), every field of :class:`~qitools.pdsa.PDSACycle`. Cells that Excel would run as
  a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed
  with an apostrophe, as are cells that begin with one; :func:`read_csv` removes it again, so the
  round trip is lossless. A list (predictions, questions) is one line per item in its cell.
* :func:`report`: an HTML page or a Markdown file with the aim, the measures and their
  measurement plans, the measure's chart with the cycles marked (and which cycles fall outside
  its data), the cause and effect diagrams and process maps, the driver diagram, the ramps, every
  cycle, what is overdue and the change history; the pictures are embedded, so the one file can
  be e-mailed.

Cause and effect diagrams and process maps are written out as structured text (nested lists)
and, where :func:`system_picture` can draw them, as a picture too: that one function is where
the drawings of :func:`qitools.cause_effect_diagram` and :func:`qitools.process_map` come in.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import warnings
from pathlib import Path
from typing import Any

from .._files import atomic_write_text, csv_text, neutralise, unneutralise, write_csv
from ..spc.errors import QITypeError, QIValueError
from ._text import clean
from .model import PDSACycle, Project
from .validate import PDSAWarning

__all__ = ["to_json", "load_json", "to_csv", "read_csv", "report", "system_picture", "CSV_COLUMNS"]

#: the columns of the CSV export: every field of a cycle, links first, then the stages in order
CSV_COLUMNS = [
    "id", "title", "change_idea", "ramp", "previous", "measure",
    "plan_date", "objective", "questions", "predictions", "who", "what", "when", "where", "data_to_collect",
    "scale", "scale_n", "due_date",
    "start_date", "end_date", "what_happened", "observations", "problems",
    "study_date", "results", "learning", "prediction_held",
    "act", "act_date", "act_notes",
]  # fmt: skip
#: columns :func:`to_csv` adds for people reading the file; :func:`read_csv` skips them
CSV_EXTRA_COLUMNS = ["project", "status", "change_idea_text"]
_LIST_FIELDS = {"questions", "predictions"}
_INT_FIELDS = {"scale_n"}
_TEXT_FIELDS = {
    "title", "objective", "who", "what", "when", "where", "data_to_collect", "scale", "what_happened",
    "observations", "problems", "results", "learning", "act_notes",
}  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


# -- JSON -------------------------------------------------------------------------------------------
def to_json(project: Project, path: str | Path | None = None, *, indent: int = 2) -> str:
    """Write a project as JSON (the format documented in :mod:`qitools.pdsa`).

    Parameters
    ----------
    project : Project
        The project.
    path : str or pathlib.Path, optional
        Also write the text to this file (UTF-8).
    indent : int, default 2
        Indentation of the JSON text.

    Returns
    -------
    str
        The JSON text.

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> text = qi.pdsa.to_json(p)
    >>> qi.pdsa.load_json(text) == p
    True
    """
    if not isinstance(project, Project):
        raise QITypeError(f"to_json() takes a qitools.pdsa.Project; got {type(project).__name__}.")
    text = json.dumps(project.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    if path is not None:
        atomic_write_text(path, text)
    return text


def load_json(source: str | Path, *, check: bool = True) -> Project:
    """Read a project from a JSON file (or JSON text), checking every record.

    Parameters
    ----------
    source : str or pathlib.Path
        A file name, or the JSON text itself (anything starting with ``{``).
    check : bool, default True
        Check every record and the links between them (errors raise, warnings warn).

    Returns
    -------
    Project
        With ``project.source`` set to the file, so that a measure's ``dataset`` can be a CSV
        file next to it.

    Raises
    ------
    QIValueError
        When the file is missing, is not valid JSON (with the line and column), has an unknown
        field, or a record breaks a rule.

    See Also
    --------
    to_json : the other direction.
    """
    path: Path | None = None
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text = source
    else:
        path = Path(source)
        if not path.is_file():
            raise QIValueError(f"No file at {str(path)!r}. Check the name and the folder.")
        text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{str(path)!r}" if path is not None else "The text"
        raise QIValueError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}. A missing comma or "
            "quote, or a comment, is the usual cause (JSON has no comments)."
        ) from exc
    project = Project.from_dict(data, check=check)
    project.source = str(path) if path is not None else None
    return project


# -- CSV --------------------------------------------------------------------------------------------
# one formula-safe CSV writer for the whole project (qitools._files); kept under these names for the reader
_neutralise = neutralise
_unneutralise = unneutralise


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in _LIST_FIELDS:
        items = [str(v) for v in value]
        joined = "\n".join(items)
        if any("\n" in v or "\r" in v or not v.strip() or v != v.strip() for v in items) or joined.startswith("["):
            joined = json.dumps(items, ensure_ascii=False)
        return joined
    return str(value)


def to_csv(project_or_cycles: Any, path: str | Path | None = None) -> str:
    """Write the cycles as CSV, one row per cycle, safe to open in Excel.

    Parameters
    ----------
    project_or_cycles : Project or list of PDSACycle
        The cycles.
    path : str or pathlib.Path, optional
        Also write the text to this file (UTF-8 with a byte-order mark, for Excel).

    Returns
    -------
    str
        The CSV text (without the byte-order mark).

    Notes
    -----
    Columns: :data:`CSV_COLUMNS` (every field of a cycle), then ``project``, ``status`` and
    ``change_idea_text`` for readers (ignored by :func:`read_csv`). Formula injection (OWASP,
    "CSV Injection"): a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
    prefixed with ``'``, and so is a cell starting with ``'``, so that :func:`read_csv` can undo it.

    Examples
    --------
    >>> import qitools as qi
    >>> c = qi.pdsa.PDSACycle(id="C1", change_idea="CI1", objective="=HYPERLINK(\\"http://x\\")",
    ...                       predictions=["-2 falls a week"])
    >>> text = qi.pdsa.to_csv([c])
    >>> "'=HYPERLINK" in text and "'-2 falls" in text
    True
    """
    project, cycles = _project_and_cycles(project_or_cycles)
    rows = []
    for c in cycles:
        flat = c.to_flat_dict()
        extra = [
            project.id if project is not None else "",
            c.status,
            project.cycle_title(c) if project is not None else "",
        ]
        rows.append([_cell(name, flat[name]) for name in CSV_COLUMNS] + [str(v) for v in extra])
    text = csv_text(rows, CSV_COLUMNS + CSV_EXTRA_COLUMNS)  # neutralises every cell (qitools._files)
    if path is not None:
        write_csv(path, rows, CSV_COLUMNS + CSV_EXTRA_COLUMNS)
    return text


def _project_and_cycles(obj: Any) -> tuple[Project | None, list[PDSACycle]]:
    if isinstance(obj, Project):
        return obj, list(obj.cycles)
    if isinstance(obj, PDSACycle):
        return None, [obj]
    if isinstance(obj, (list, tuple)) and all(isinstance(c, PDSACycle) for c in obj):
        return None, list(obj)
    raise QITypeError(f"Expected a qitools.pdsa.Project or a list of PDSACycle; got {type(obj).__name__}.")


def read_csv(source: str | Path) -> list[PDSACycle]:
    """Read cycles from a CSV file written by :func:`to_csv` (or edited in Excel).

    Parameters
    ----------
    source : str or pathlib.Path
        The file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    list of PDSACycle
        Not yet checked: add them to a project (``project.add`` or ``store.put``) to check them.

    Raises
    ------
    QIValueError
        When the file is missing, has no ``id`` or ``change_idea`` column, or ``scale_n`` is not
        a whole number.

    Warns
    -----
    PDSAWarning
        For columns that are not fields of a cycle (they are skipped).
    """
    path = Path(source)
    if not path.is_file():
        raise QIValueError(f"No file at {str(path)!r}. Check the name and the folder.")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise QIValueError(f"{str(path)!r} is empty: it has no header row.")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("id", "change_idea") if c not in header]
    if missing:
        raise QIValueError(
            f"{str(path)!r} has no {' or '.join(repr(m) for m in missing)} column. A PDSA CSV has one row per cycle "
            f"with the columns written by qi.pdsa.to_csv(): {', '.join(CSV_COLUMNS[:6])}, ..."
        )
    unknown = [h for h in header if h not in CSV_COLUMNS and h not in CSV_EXTRA_COLUMNS]
    if unknown:
        warnings.warn(
            f"{str(path)!r}: skipped the column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(u) for u in unknown)}, which are not fields of a PDSA cycle.",
            PDSAWarning,
            stacklevel=2,
        )
    cycles = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):  # short rows: missing cells are empty
            if name not in CSV_COLUMNS:
                continue
            cell = _unneutralise(cell)
            if name in _LIST_FIELDS:
                values[name] = _parse_list(cell)
            elif name in _INT_FIELDS:
                values[name] = _parse_int(cell, name, path, line)
            elif name in _TEXT_FIELDS:
                values[name] = cell
            else:
                values[name] = cell if cell != "" else None
        cycles.append(PDSACycle(**values))
    return cycles


def _parse_list(cell: str) -> list[str]:
    if cell.startswith("["):
        try:
            items = json.loads(cell)
        except json.JSONDecodeError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return items
    return [line for line in cell.split("\n")] if cell else []


def _parse_int(cell: str, name: str, path: Path, line: int) -> int | None:
    text = cell.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer():
        raise QIValueError(
            f"{str(path)!r}, line {line}: {name} must be a whole number (how many patients, staff or bays); "
            f"got {cell!r}."
        )
    return int(number)


# -- report -----------------------------------------------------------------------------------------
def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def system_picture(record: Any) -> str | None:
    """A picture of a cause and effect diagram or a process map for the report (base64 PNG), or None.

    The one place the report draws these: it uses :func:`qitools.cause_effect_diagram`
    (``effect, causes, ax=``) and :func:`qitools.process_map` (``steps, ax=``) when this qitools
    has them, and returns None otherwise (the report then shows the structured text alone).

    Parameters
    ----------
    record : CauseEffect or ProcessMap
        What to draw.

    Returns
    -------
    str or None
        The PNG, base64-encoded.
    """
    import qitools

    from .model import CauseEffect, ProcessMap

    if isinstance(record, CauseEffect):
        fn = getattr(qitools, "cause_effect_diagram", None)
        args: tuple[Any, ...] = (record.effect, record.categories)
    elif isinstance(record, ProcessMap):
        fn = getattr(qitools, "process_map", None)
        args = (record.steps,)
    else:
        return None
    if fn is None:
        return None
    import matplotlib.pyplot as plt

    ax = fn(*args)  # the drawing sizes its own figure so that every text is legible
    fig = ax.figure
    try:
        return _png(fig)
    finally:
        plt.close(fig)


def _pictures(project: Project, data: Any, measure: Any, charts: bool) -> dict[str, Any]:
    """name -> base64 PNG, or a note saying why it was not drawn."""
    out: dict[str, Any] = {"charts": [], "systems": {}}
    if not charts:
        return out
    from . import draw

    if project.drivers or project.change_ideas:
        fig, ax = _figure(11, max(3.0, 0.75 * draw.driver_diagram_rows(project)))
        draw.draw_driver_diagram(project, ax=ax)
        out["driver_diagram"] = _png(fig)
    if any(c.start_date or c.end_date for c in project.cycles):
        fig, ax = _figure(10, max(2.5, 1.0 + 1.1 * len(project.ramps)))
        draw.draw_ramps(project, ax=ax)
        out["ramps"] = _png(fig)
    for rec in [*project.cause_effects, *project.process_maps]:
        try:
            out["systems"][rec.label] = (system_picture(rec), None)
        except Exception as exc:  # noqa: BLE001 - the report says why and carries on
            out["systems"][rec.label] = (None, str(exc))
    measures = [project.measure(measure)] if measure is not None else [m for m in project.measures if m.y]
    for m in measures:
        try:
            fig, ax = _figure(10, 4.5)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PDSAWarning)  # the report lists the cycles left out itself
                ax = draw.draw_chart(project, data, measure=m.id, ax=ax, labels="title")
            out["charts"].append((m, _png(fig), None, list(getattr(ax, "qi_pdsa_left_out", []))))
        except Exception as exc:  # noqa: BLE001 - the report says why and carries on
            out["charts"].append((m, None, str(exc), []))
    return out


def report(
    project: Project,
    path: str | Path | None = None,
    *,
    format: str | None = None,  # noqa: A002 - the usual name
    data: Any = None,
    measure: Any = None,
    charts: bool = True,
    today: Any = None,
) -> str:
    """A self-contained project report: aim, measures, driver diagram, chart with cycles, ramps, cycles.

    Parameters
    ----------
    project : Project
        The project.
    path : str or pathlib.Path, optional
        Also write the report to this file; ``.md`` / ``.markdown`` give Markdown, anything else HTML.
    format : {"html", "markdown"}, optional
        The format (default: from ``path``, else HTML).
    data : pandas.DataFrame or str, optional
        The data of the measures (else each measure's ``dataset``). Measures without data are
        listed without a chart, with the reason.
    measure : str, optional
        Chart only this measure (default: every measure that names its dataset column).
    charts : bool, default True
        Draw the pictures (driver diagram, chart with cycles, ramp diagram, and cause and effect
        diagrams and process maps where :func:`system_picture` can) as embedded PNG images.
    today : datetime.date, optional
        The day for the overdue list (default: the real today).

    Returns
    -------
    str
        The HTML or Markdown text. All text from the project is escaped, so nothing typed into a
        record can run as code in a browser.

    Raises
    ------
    QIValueError
        When ``path`` cannot be written ("Could not write '...'").

    Examples
    --------
    >>> import qitools as qi
    >>> text = qi.pdsa.report(qi.pdsa.example_project(), format="markdown", charts=False)
    >>> print(text.splitlines()[0])
    # Fewer falls on Wards 7 and 8
    """
    if not isinstance(project, Project):
        raise QITypeError(f"report() takes a qitools.pdsa.Project; got {type(project).__name__}.")
    if format is None:
        format = "markdown" if path is not None and Path(path).suffix.lower() in (".md", ".markdown") else "html"
    if format not in ("html", "markdown"):
        raise QIValueError(f"`format` must be 'html' or 'markdown'; got {format!r}.")
    pics = _pictures(project, data, measure, charts)
    writer = _HTML() if format == "html" else _Markdown()
    text = _compose(project, writer, pics, today=today)
    if path is not None:
        atomic_write_text(path, text)
    return text


class _HTML:
    def esc(self, text: Any) -> str:
        return html.escape(clean(text)).replace("\n", "<br>")

    def heading(self, level: int, text: str) -> str:
        return f"<h{level}>{self.esc(text)}</h{level}>"

    def para(self, text: str, raw: bool = False) -> str:
        return f"<p>{text if raw else self.esc(text)}</p>"

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>"

    def items(self, rows: list[str], raw: bool = False, ordered: bool = False) -> str:
        tag = "ol" if ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{r if raw else self.esc(r)}</li>" for r in rows) + f"</{tag}>"

    def table(self, header: list[str], rows: list[list[Any]]) -> str:
        body = "".join("<tr>" + "".join(f"<td>{self.esc(v)}</td>" for v in r) + "</tr>" for r in rows)
        if not any(str(h).strip() for h in header):  # a list of facts: no heading row
            return f"<table><tbody>{body}</tbody></table>"
        head = "".join(f"<th>{self.esc(h)}</th>" for h in header)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def image(self, b64: str, alt: str) -> str:
        return f'<p><img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{b64}"></p>'

    def document(self, title: str, parts: list[str]) -> str:
        style = (
            "body{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;max-width:60em;margin:2em auto;"
            "padding:0 1em;color:#222;line-height:1.45}table{border-collapse:collapse;margin:.5em 0 1em}"
            "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eef}"
            "img{max-width:100%}.warn{color:#a35a00}.cycle{border-left:4px solid #88a;padding-left:1em;margin:1.2em 0}"
            "td:first-child{white-space:nowrap}"
        )
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{self.esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            + "\n".join(parts)
            + "\n</body>\n</html>\n"
        )

    def section(self, parts: list[str]) -> str:
        return '<div class="cycle">' + "\n".join(parts) + "</div>"

    def warn(self, text: str) -> str:
        return f'<p class="warn">⚠ {self.esc(text)}</p>'


class _Markdown:
    _SPECIAL = "\\`*_[]<>|#"

    def esc(self, text: Any) -> str:
        s = html.escape(clean(text), quote=False)
        s = "".join("\\" + ch if ch in self._SPECIAL else ch for ch in s)
        return s.replace("\n", "<br>")

    def heading(self, level: int, text: str) -> str:
        return "#" * level + " " + self.esc(text)

    def para(self, text: str, raw: bool = False) -> str:
        return text if raw else self.esc(text)

    def bold(self, text: str) -> str:
        return f"**{self.esc(text)}**"

    def items(self, rows: list[str], raw: bool = False, ordered: bool = False) -> str:
        return "\n".join(f"{f'{i}.' if ordered else '-'} {r if raw else self.esc(r)}" for i, r in enumerate(rows, 1))

    def table(self, header: list[str], rows: list[list[Any]]) -> str:
        lines = ["| " + " | ".join(self.esc(h) for h in header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(self.esc(v) for v in r) + " |" for r in rows]
        return "\n".join(lines)

    def image(self, b64: str, alt: str) -> str:
        return f"![{self.esc(alt)}](data:image/png;base64,{b64})"

    def document(self, title: str, parts: list[str]) -> str:
        return "\n\n".join(parts) + "\n"

    def section(self, parts: list[str]) -> str:
        return "\n\n".join(parts)

    def warn(self, text: str) -> str:
        return f"> ⚠ {self.esc(text)}"


class _Plain(_Markdown):
    """Markdown layout without escapes, for the terminal (control characters are the printer's job)."""

    def esc(self, text: Any) -> str:
        return "" if text is None else str(text)

    def bold(self, text: str) -> str:
        return str(text)


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    return str(v)


_PLAN_LABELS = [
    ("definition", "Operational definition"),
    ("data_source", "Data source"),
    ("collected_by", "Who collects it"),
    ("frequency", "When and how often"),
    ("sampling", "Sampling"),
    ("missing", "What counts as missing"),
]


def _compose(project: Project, w: Any, pics: dict[str, Any], *, today: Any = None) -> str:
    parts: list[str] = [w.heading(1, project.title or str(project.id))]
    meta = [f"Project id: {project.id}", f"created {project.created}"]
    if project.team:
        meta.insert(0, f"Team: {project.team}")
    if project.source:
        meta.append(f"file: {Path(project.source).name}")
    parts.append(w.para(" · ".join(meta)))
    if project.description:
        parts.append(w.para(project.description))

    late = project.overdue(today)
    if len(late):
        parts.append(w.heading(2, "Overdue"))
        parts.extend(
            w.warn(
                f"{r.id} ({r.title}): {'a decision was due' if r.what == 'decision due' else 'the test ended'} on "
                f"{r.since}, {r.days_late} day{'s' if r.days_late != 1 else ''} ago, and "
                f"{'there is no Act decision yet' if r.what == 'decision due' else 'it has not been studied yet'}."
            )
            for r in late.itertuples()
        )

    parts.append(w.heading(2, "Aim"))
    aim = project.aim
    parts.append(w.para(aim.text() or "No aim written yet."))
    facts = [
        (label, value)
        for label, value in (
            ("What", aim.what),
            ("How much", aim.how_much),
            ("By when", aim.by_when),
            ("For whom", aim.for_whom),
            ("Measure", aim.measure),
            ("Baseline", aim.baseline),
            ("Target", aim.target),
        )
        if value not in (None, "")
    ]
    if facts:
        parts.append(w.table(["", ""], [[a, _value(b)] for a, b in facts]))

    parts.append(w.heading(2, "Measures"))
    if project.measures:
        parts.append(
            w.table(
                ["id", "measure", "kind", "chart", "data"],
                [
                    [
                        m.id,
                        m.name,
                        m.kind,
                        m.chart + (f" of {m.y}" if m.y else ""),
                        (m.dataset or "") + (" (kept in the project file)" if m.dataset in project.data else ""),
                    ]
                    for m in project.measures
                ],
            )
        )
        parts.append(w.heading(3, "Measurement plan"))
        for m in project.measures:
            rows = [(label, getattr(m, name)) for name, label in _PLAN_LABELS]
            given = [(k, v) for k, v in rows if str(v).strip()]
            missing = [k.lower() for k, v in rows if not str(v).strip()]
            parts.append(w.para(w.bold(f"{m.id}: {m.name}"), raw=True))
            if given:
                parts.append(w.items([f"{w.bold(k)}: {w.esc(v)}" for k, v in given], raw=True))
            if missing:
                parts.append(w.para(f"Not written down yet: {', '.join(missing)}."))
    else:
        parts.append(w.para("No measures yet."))
    for m, png, why, left_out in pics.get("charts", []):
        parts.append(w.heading(3, f"{m.name}: chart with the PDSA cycles marked"))
        if png:
            parts.append(w.image(png, f"{m.name} with PDSA cycles"))
        else:
            parts.append(w.warn(f"Chart not drawn: {why}"))
        for note in left_out:
            parts.append(w.warn(note))

    if project.cause_effects or project.process_maps:
        parts.append(w.heading(2, "Understanding the system"))
        for ce in project.cause_effects:
            parts.extend(_cause_effect_parts(ce, w, pics))
        for pm in project.process_maps:
            parts.extend(_process_map_parts(pm, w, pics))

    parts.append(w.heading(2, "Driver diagram"))
    parts.append(w.para(_driver_outline(project, w), raw=True))
    if "driver_diagram" in pics:
        parts.append(w.image(pics["driver_diagram"], "Driver diagram"))

    parts.append(w.heading(2, "Ramps"))
    ramps = project.ramp_table()
    if len(ramps):
        parts.append(
            w.table(
                ["ramp", "change idea", "cycles", "scale", "decisions", "from", "to", "latest"],
                [
                    [
                        r.ramp,
                        r.title,
                        r.cycles,
                        r.scales,
                        r.decisions,
                        _value(r.first_start),
                        _value(r.last_end),
                        r.latest,
                    ]
                    for r in ramps.itertuples()
                ],
            )
        )
    else:
        parts.append(w.para("No cycles yet."))
    if "ramps" in pics:
        parts.append(w.image(pics["ramps"], "Ramp diagram"))

    parts.append(w.heading(2, "PDSA cycles"))
    problems: dict[str, list[Any]] = {}
    for p in project.check(today=today):
        problems.setdefault(p.record, []).append(p)
    for c in project.cycles:
        parts.append(w.section(_cycle_parts(project, c, w, problems.get(c.label, []), today=today)))
    rest = [p for key, ps in problems.items() for p in ps if not key.startswith("cycle ")]
    if rest:
        parts.append(w.heading(2, "Things to look at"))
        parts.extend(w.warn(p.message) for p in rest)
    if project.history:
        parts.append(w.heading(2, "Change history"))
        parts.append(w.para("Who changed what, and when (the latest first)."))
        entries = list(reversed(project.history))
        shown = entries[:_HISTORY_ROWS]
        parts.append(
            w.table(["when", "who", "what"], [[_when(e), e.get("changed_by") or "", _history_line(e)] for e in shown])
        )
        if len(entries) > len(shown):
            parts.append(
                w.para(f"… and {len(entries) - len(shown)} earlier changes (`qitools pdsa history` lists them all).")
            )
    return w.document(project.title or str(project.id), parts)


_HISTORY_ROWS = 200


def _when(entry: dict[str, Any]) -> str:
    import datetime as _dt

    stamp = entry.get("changed_at") or ""
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{t:%Y-%m-%d %H:%M}"


_ACTION_WORDS = {"added": "added", "changed": "changed", "removed": "removed", "imported": "imported"}


def _history_line(entry: dict[str, Any]) -> str:
    """One change in words: "changed cycle C3 (version 2): learning, act"."""
    kind, record, action = entry.get("kind") or "", entry.get("record") or "", entry.get("action") or ""
    what = "the aim" if kind == "aim" else f"{kind} {record}".strip()
    if kind == "data":
        what = f"the data {record!r}"
    changes = entry.get("changes") or {}
    line = f"{_ACTION_WORDS.get(action, action)} {what}"
    if entry.get("version"):
        line += f" (version {entry['version']})"
    if action == "changed" and changes:
        line += ": " + ", ".join(_field_name(k) for k in changes)
    elif kind == "data" and "rows" in changes:
        line += f": {changes['rows'][1] if changes['rows'][1] is not None else 0} rows"
    elif kind == "project" and "records" in changes:
        line += f": {changes['records'][1]} records"
    return line


def _field_name(name: str) -> str:
    """A field as people say it ("data source", "who collects it")."""
    names = {k: v.lower() for k, v in _PLAN_LABELS}
    names.update({"act_notes": "next", "act": "decision", "scale_n": "scale (number)", "how_much": "how much"})
    return names.get(name, name.replace("_", " "))


def _cause_effect_parts(ce: Any, w: Any, pics: dict[str, Any]) -> list[str]:
    parts = [w.heading(3, f"Cause and effect {ce.id}: {ce.title or ce.effect}")]
    parts.append(w.para(w.bold("Effect") + ": " + w.esc(ce.effect), raw=True))
    rows = []
    for cat, causes in ce.categories.items():
        items = []
        for item in causes:
            if isinstance(item, dict):
                for cause, subs in item.items():
                    items.append(
                        w.esc(cause) + " (" + "; ".join(w.esc(x) for x in subs) + ")" if subs else w.esc(cause)
                    )
            else:
                items.append(w.esc(item))
        rows.append(f"{w.bold(cat)}: " + "; ".join(items))
    parts.append(w.items(rows, raw=True))
    parts.extend(_system_picture_parts(ce, w, pics, "Cause and effect diagram"))
    return parts


_STEP_MARK = {"step": "", "decision": "Decision: ", "delay": "Wait: "}


def _process_map_parts(pm: Any, w: Any, pics: dict[str, Any]) -> list[str]:
    parts = [w.heading(3, f"Process map {pm.id}: {pm.title or 'untitled'}")]
    rows = []
    steps = pm.normalised_steps()
    for st in steps:
        line = f"{_STEP_MARK.get(st['kind'], '')}{st['step']}"
        if st["kind"] == "delay" and st.get("wait") is not None:
            line += f" ({st['wait']})"
        elif st.get("wait") is not None:
            line += f" (wait: {st['wait']})"
        branches = []
        for b in ("yes", "no", "next"):
            if b in st:
                target = st[b]
                if isinstance(target, int) and 0 <= target < len(steps):
                    target = f"step {target + 1} ({steps[target]['step']})"
                branches.append(f"{'then' if b == 'next' else b} → {target}")
        if branches:
            line += " — " + "; ".join(branches)
        rows.append(line)
    parts.append(w.items(rows, ordered=True))
    parts.extend(_system_picture_parts(pm, w, pics, "Process map"))
    return parts


def _system_picture_parts(rec: Any, w: Any, pics: dict[str, Any], alt: str) -> list[str]:
    png, why = pics.get("systems", {}).get(rec.label, (None, None))
    if png:
        return [w.image(png, f"{alt} {rec.id}")]
    if why:
        return [w.warn(f"{alt} not drawn: {why}")]
    return []


def _driver_outline(project: Project, w: Any) -> str:
    lines: list[str] = []
    ideas_by_driver: dict[Any, list[Any]] = {}
    for ci in project.change_ideas:
        for d in ci.drivers or [None]:  # type: ignore[list-item]
            ideas_by_driver.setdefault(d, []).append(ci)

    def ideas(driver_id: Any, depth: int) -> None:
        for ci in ideas_by_driver.get(driver_id, []):
            lines.append(_outline_line(w, depth, f"Change idea {ci.id}: {ci.text}"))

    for pdrv in [d for d in project.drivers if d.level == "primary"]:
        lines.append(_outline_line(w, 0, f"Primary driver {pdrv.id}: {pdrv.text}"))
        ideas(pdrv.id, 1)
        for s in [d for d in project.drivers if d.level == "secondary" and d.parent == pdrv.id]:
            lines.append(_outline_line(w, 1, f"Secondary driver {s.id}: {s.text}"))
            ideas(s.id, 2)
    ideas(None, 0)
    if not lines:
        return w.esc("No driver diagram yet.")
    if isinstance(w, _HTML):
        return "<br>".join(lines)
    return "\n".join(lines)


def _outline_line(w: Any, depth: int, text: str) -> str:
    if isinstance(w, _HTML):
        return "&nbsp;" * (4 * depth) + ("└ " if depth else "") + w.esc(text)
    return "  " * depth + "- " + w.esc(text)


def _cycle_parts(project: Project, c: PDSACycle, w: Any, problems: list[Any], *, today: Any = None) -> list[str]:
    title = project.cycle_title(c)
    head = f"{c.id}: {title}" + (f" ({c.scale})" if c.scale else "")
    parts = [w.heading(3, head)]
    links = [f"status: {c.status_on(today)}", f"ramp {c.ramp}"]
    if c.previous:
        links.append(f"builds on {c.previous}")
    if c.measure:
        links.append(f"measure {c.measure}")
    dates = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("planned", c.plan_date),
            ("started", c.start_date),
            ("ended", c.end_date),
            ("studied", c.study_date),
            ("decided", c.act_date),
            ("due", c.due_date),
        )
        if value
    )
    parts.append(w.para(" · ".join(links) + (f" · {dates}" if dates else "")))
    if c.stamp is not None and c.stamp.changed_by:
        parts.append(w.para(f"Last saved: {c.stamp.describe()}."))
    for p in problems:
        parts.append(w.warn(p.message))
    plan = [("Objective", c.objective)]
    plan += [("Question", q) for q in c.questions]
    plan += [("Prediction", q) for q in c.predictions]
    plan += [("Who", c.who), ("What", c.what), ("When", c.when), ("Where", c.where)]
    scale = " ".join(x for x in (c.scale, f"({c.scale_n})" if c.scale and c.scale_n else str(c.scale_n or "")) if x)
    plan += [("Data to collect", c.data_to_collect), ("Scale", scale)]
    stages = [
        ("Plan", plan),
        ("Do", [("What happened", c.what_happened), ("Observations", c.observations), ("Problems", c.problems)]),
        (
            "Study",
            [("Results", c.results), ("Learning", c.learning), ("Prediction held", c.prediction_held or "")],
        ),
        ("Act", [("Decision", c.act or ""), ("Next", c.act_notes)]),
    ]
    for stage, fields in stages:
        filled = [(k, v) for k, v in fields if str(v).strip()]
        if filled:
            parts.append(w.para(w.bold(stage), raw=True))
            parts.append(w.items([f"{w.bold(k)}: {w.esc(v)}" for k, v in filled], raw=True))
    return parts
