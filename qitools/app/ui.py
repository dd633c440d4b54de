"""The workshop page: upload an export (or pick an example), choose columns, get the chart explained.

:class:`WorkshopApp` is an ipywidgets page that ``qitools app`` serves with Voilà, for teams who
want their own chart without touching code. It only calls the library's public API:

1. :func:`qitools.read_measure` reads the CSV or Excel export as it is (title lines, UK dates as
   text, ``"85%"`` strings, thousands separators, blank and total rows) and lists what it changed;
2. :func:`qitools.suggest_chart` picks the chart for the chosen columns, with its reasons;
3. :func:`qitools.control_chart` computes it with the chosen rule set and parts, and
   :meth:`~qitools.ControlChart.explain` reads it in plain English;
4. :meth:`~qitools.ControlChart.save` draws the PNG and :func:`qitools.chart_report` the one-file
   HTML report, both offered as downloads.

Every problem is shown in the page as the library's own message (what was wrong, why it matters,
how to fix it), never as a traceback. All the logic is in plain methods (:meth:`WorkshopApp.load_file`,
:meth:`WorkshopApp.load_example`, :meth:`WorkshopApp.update`), so it is tested without a browser.
"""

from __future__ import annotations

import base64
import html
import re
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

import qitools as qi
from qitools._messages import for_app
from qitools.io import excel_sheet_names, numbered_as_in_file, x_values_from_text
from qitools.pdsa._text import clean
from qitools.report import no_mathtext

__all__ = ["WorkshopApp", "RULE_SETS", "EXAMPLES", "MAX_UPLOAD_MB", "PDSA_ACCEPT"]

#: rules= value -> label in the page
RULE_SETS = {
    "anhoej": "Anhøj: runs analysis and limits (default)",
    "ihi": "IHI run-chart rules",
    "western_electric": "Western Electric",
    "nelson": "Nelson",
    "mdc": "NHS Making Data Count",
}
#: multiply= choices ("": per 100 for proportions, per 1,000 for rates, else as it is).
#: Dropdowns use "" for "nothing chosen": a value of None would show as an empty box.
MULTIPLY = (
    ("automatic", ""),
    ("as it is (× 1)", 1.0),
    ("per 100 (percent)", 100.0),
    ("per 1,000", 1000.0),
    ("per 10,000", 10000.0),
    ("per 100,000", 100000.0),
)
IMPROVEMENT = (("not set", ""), ("higher is better", "increase"), ("lower is better", "decrease"))
#: file endings the upload button offers (read_measure tells anything else apart by its content)
ACCEPT = ".csv,.txt,.tsv,.xlsx,.xlsm,.xls,.ods"
MAX_UPLOAD_MB = 50
#: file endings the PDSA project upload offers: a PDSA store or its JSON export
PDSA_ACCEPT = ".pdsa,.json,.sqlite,.db"
#: cycle labels on the chart: titles (ids and a key when they would overlap) or ids
PDSA_LABELS = (("titles", "title"), ("ids only", "id"))

#: column names that look like the time (first guess of x when no column holds dates)
_TIME_NAME = re.compile(r"\b(date|month|week|day|period|year|quarter|time|arrival)\b", re.I)
#: column names that look like a denominator (first guess of n); the page shows the guess to change
_DENOMINATOR_NAME = re.compile(
    r"bed.?days|patient.?days|denominator|attendances|attended|admissions|admitted|discharges|discharged"
    r"|population|headcount|available|eligible|opportunit|^patients$|contacts|episodes|spells|occupied"
    r"|total (patients|attendances|admissions|discharges|episodes)",
    re.I,
)
#: column names of events (numerators): preferred as the measure when there is a denominator
_EVENT_NAME = re.compile(
    r"fall|infection|death|mortality|incident|error|breach|complaint|harm|ulcer|readmi|pressure|cancel"
    r"|did not attend|\bdna\b|event|bacter|diff|mrsa|sepsis|missed|delay|restraint|absconsion|cases",
    re.I,
)
#: a rate or percentage already worked out: a measure on its own, never a numerator
_RATE_NAME = re.compile(
    r"\bper\b|rate|%|percent|proportion|ratio|average|mean|m[eé]dian|minutes|\bmins?\b|hours|\bhrs?\b|\bwait"
    r"|waiting|duration|length of stay|\blos\b|score|temperature|weight|\bbmi\b|\bage\b",
    re.I,
)
_EXAMPLE_CALL = re.compile(r"^qi\.control_chart\(df,\s*(.*)\)$")
_KEYWORD = re.compile(r"(\w+)=(\"[^\"]*\"|\[[^\]]*\]|[\d_.]+)")
_MESSY = "team_export_messy"
_CSS = """<style>
.qi-app { max-width: 1000px; }
.qi-app h2 { margin: 0.2em 0; }
.qi-box { padding: 0.5em 0.8em; margin: 0.3em 0; border-radius: 4px; line-height: 1.45; }
.qi-error { background: #fdecea; border-left: 5px solid #b2182b; color: #5a0d14; }
.qi-note { background: #f4f4f4; border-left: 5px solid #7a7a7a; }
.qi-ok { background: #eef5fb; border-left: 5px solid #2c6fad; }
.qi-downloads a { display: inline-block; margin-right: 1.2em; padding: 0.35em 0.9em; border-radius: 4px;
  background: #2c6fad; color: white !important; text-decoration: none; }
.qi-small { color: #555; font-size: 90%; }
.qi-app .widget-hbox > * { margin-right: 0.6em; }
</style>"""


def _examples() -> dict[str, dict[str, Any]]:
    """Example datasets the page offers: label and the columns to start from."""
    out: dict[str, dict[str, Any]] = {
        f"{_MESSY}.csv": {"label": "Two wards' falls report, as the dashboard exports it (CSV)", "hints": {}},
        f"{_MESSY}.xlsx": {"label": "The same report as an Excel file", "hints": {}},
    }
    for row in qi.datasets.list().to_dict("records"):
        m = _EXAMPLE_CALL.match(str(row.get("example", "")).strip())
        if not m:
            continue  # needs a step before charting (a funnel plot, days between events ...)
        hints: dict[str, Any] = {}
        for key, value in _KEYWORD.findall(m.group(1)):
            if value.startswith('"'):
                hints[key] = value.strip('"')
            elif value.startswith("["):
                hints[key] = ", ".join(re.findall(r"\"([^\"]*)\"", value))
            else:
                hints[key] = float(value.replace("_", ""))
        out[row["name"]] = {"label": f"{row['title']}" if row.get("title") else row["name"], "hints": hints}
    return out


EXAMPLES = _examples()


def _guess_columns(df: pd.DataFrame) -> dict[str, Any]:
    """First guesses of x (time), y (measure), n (denominator) and facet for an uploaded table.

    With a denominator among the columns, the measure is the count that best fits being its
    numerator: an event's name (falls, infections ...) first, then a count smaller than the
    denominator; another denominator-like column (patients admitted) or a rate worked out already
    (falls per 1,000 bed days) is never charted as the numerator when such a pair exists.
    """
    cols = list(df.columns)
    dates = [c for c in cols if pd.api.types.is_datetime64_any_dtype(df[c])]
    x = dates[0] if dates else next((c for c in cols if _TIME_NAME.search(str(c))), None)
    numbers = [c for c in cols if c != x and pd.api.types.is_numeric_dtype(df[c]) and df[c].notna().any()]
    denominators = [c for c in numbers if _DENOMINATOR_NAME.search(str(c)) and not _RATE_NAME.search(str(c))]
    counts = [c for c in numbers if c not in denominators and not _RATE_NAME.search(str(c))]
    n = y = None
    if denominators and counts:
        median = {c: float(np.nanmedian(df[c].to_numpy(dtype=float))) for c in numbers}

        smallest_n = min(median[d] for d in denominators)

        def fit(c: str) -> tuple[int, int, int, int]:
            values = df[c].dropna().to_numpy(dtype=float)
            whole = bool(np.all(values == np.round(values)))
            event = 0 if _EVENT_NAME.search(str(c)) else 1
            return (event, 0 if median[c] <= smallest_n else 1, 0 if whole else 1, counts.index(c))

        y = min(counts, key=fit)
        n = next((d for d in denominators if median[d] >= median[y]), denominators[0])
    elif counts:
        y = counts[0]
    else:  # a measurement or a rate worked out already (median wait, % on time) before a denominator
        y = next((c for c in numbers if c not in denominators), denominators[0] if denominators else None)
    if y is None:
        y = next((c for c in numbers), None)
    if y is None:
        n = None
        y = next((c for c in cols if c != x), cols[0] if cols else None)
    facet = None
    if x is not None and df[x].duplicated().any():
        for c in cols:
            if c in (x, y, n) or pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_datetime64_any_dtype(df[c]):
                continue
            k = df[c].nunique()
            if 1 < k <= 60 and not df.duplicated([x, c]).any():
                facet = c
                break
    return {"x": x, "y": y, "n": n, "facet": facet}


def _auto_multiply(chart: str, has_n: bool) -> float:
    """Percent for proportions, per 1,000 for rates, otherwise the values as they are."""
    if has_n and chart in ("p", "pp"):
        return 100.0
    if has_n and chart in ("u", "up"):
        return 1000.0
    return 1.0


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in str(text).split("\n\n") if p.strip())


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _day(v: Any) -> str:
    t = pd.Timestamp(v)
    return f"{t.day} {t:%b %Y}"


def _png_with_cycles(cc: Any, marks: pd.DataFrame, path: Path, labels: str, title: str | None) -> bytes:
    """The chart with the PDSA cycles marked, as PNG (whole: a key under the chart included)."""
    import matplotlib.pyplot as plt

    from qitools.plot import save

    drawn = qi.pdsa.plot_with_cycles(cc, marks, labels=labels, title=title)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    try:
        return Path(save(drawn, path, dpi=150, bbox_inches="tight")).read_bytes()
    finally:
        plt.close(fig)


def _file_stem(name: str) -> str:
    stem = re.sub(r"[^\w\-]+", "_", Path(name).stem).strip("_")
    return stem[:60] or "chart"


class WorkshopApp:
    """The workshop page: a team's export in; the suggested chart, its reading and a report out.

    Parameters
    ----------
    example : str, optional
        Start with this example loaded (a key of :data:`EXAMPLES`, such as
        ``"team_export_messy.csv"``); by default the page waits for an upload.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The page; :meth:`show` returns it for display.
    data : pandas.DataFrame or None
        The table as read (after :func:`qitools.read_measure`'s clean-up).
    changes : list of str
        What :func:`qitools.read_measure` changed while reading the file.
    cc : qitools.ControlChart or None
        The chart shown.
    suggestion : qitools.ChartSuggestion or None
        The suggested chart for the chosen columns.
    png : bytes
        The chart as PNG (what the page shows and the "Chart (PNG)" link downloads).
    report_html : str
        The HTML report the "Report (HTML)" link downloads.
    error : str or None
        The message shown for the last problem (None when the last step worked).
    notes : list of str
        qitools warnings from the last step (data changed, too few points ...).
    seconds : float
        Time taken by the last step (reading and charting, or charting alone).
    pdsa_project : qitools.pdsa.Project or None
        The PDSA project uploaded with 'PDSA project (optional)' (:meth:`load_pdsa`).
    marks : pandas.DataFrame or None
        Its cycles for the chart shown (:func:`qitools.pdsa.chart_marks`), marked on the chart and
        in the report; None without a project, or when the measure could not be chosen.
    pdsa_error : str or None
        The message shown under 'PDSA project (optional)' for the last problem with it.

    Notes
    -----
    The page only uses the public API: :func:`qitools.read_measure`, :func:`qitools.suggest_chart`,
    :func:`qitools.control_chart`, :meth:`qitools.ControlChart.explain`,
    :meth:`qitools.ControlChart.save`, :func:`qitools.chart_report` and :mod:`qitools.datasets`.
    Errors derived from :class:`qitools.QIToolsError` are shown word for word; anything else is
    shown as one sentence naming the problem (the traceback goes to the server's terminal only).

    Examples
    --------
    >>> from qitools.app.ui import WorkshopApp
    >>> app = WorkshopApp(example="team_export_messy.csv")
    >>> app.suggestion.chart, app.cc.chart
    ('u', 'u')
    >>> app.png[:4] == b"\\x89PNG" and app.report_html.startswith("<!DOCTYPE html>")
    True
    >>> app.load_file("notes.csv", b"")
    >>> app.error
    'notes.csv is empty: there is nothing to read. Check that the export finished.'
    """

    def __init__(self, example: str | None = None) -> None:
        self.data: pd.DataFrame | None = None
        self.changes: list[str] = []
        self.cc: Any = None
        self.suggestion: Any = None
        self.png = b""
        self.report_html = ""
        self.error: str | None = None
        self.notes: list[str] = []
        self.seconds = 0.0
        self.source = ""
        self.pdsa_project: Any = None
        self.pdsa_file = ""
        self.marks: pd.DataFrame | None = None
        self.pdsa_error: str | None = None
        self._pdsa_note = ""
        self._pdsa_raw: tuple[str, bytes] | None = None
        self._raw: tuple[str, bytes] | None = None
        self._quiet = False
        self._build()
        if example is not None:
            self.load_example(example)

    # ------------------------------------------------------------------------------------------
    # the page

    def _build(self) -> None:
        style = {"description_width": "initial"}
        wide = w.Layout(width="auto", min_width="260px")
        self.upload = w.FileUpload(
            accept=ACCEPT, multiple=False, description="Upload your export", layout=w.Layout(width="auto")
        )
        self.upload.add_class("qi-upload")
        self.example = w.Dropdown(
            options=[("— or pick an example —", "")] + [(v["label"], k) for k, v in EXAMPLES.items()],
            value="",
            description="Example data",
            style=style,
            layout=w.Layout(width="auto", min_width="420px"),
        )
        self.example.add_class("qi-example")
        self.monthfirst = w.Checkbox(value=False, description="Dates are month-first (US: 04/13/2024)", indent=False)
        self.monthfirst.add_class("qi-monthfirst")
        self.sheet = w.Dropdown(options=[], description="Excel sheet", style=style, layout=w.Layout(display="none"))
        self.sheet.add_class("qi-sheet")
        self.dates = w.Dropdown(
            options=[("found automatically", "")],
            value="",
            description="Dates in",
            style=style,
            layout=w.Layout(display="none", width="auto", min_width="260px"),
        )
        self.dates.add_class("qi-dates")
        self.progress = w.FloatProgress(
            value=0.0, min=0.0, max=1.0, description="", style={"description_width": "initial"},
            layout=w.Layout(display="none", width="auto", min_width="420px"),
        )
        self.progress.add_class("qi-progress")
        self.read_info = w.HTML()
        self.read_info.add_class("qi-read-info")

        self.x = w.Dropdown(description="Time (x)", style=style, layout=wide)
        self.y = w.Dropdown(description="Measure (y)", style=style, layout=wide)
        self.n = w.Dropdown(description="Denominator (n)", style=style, layout=wide)
        self.facet = w.Dropdown(description="One chart per", style=style, layout=wide)
        for name in ("x", "y", "n", "facet"):
            getattr(self, name).add_class(f"qi-{name}")

        self.chart = w.Dropdown(
            options=[("suggested", "auto")] + [(f"{desc} ({key})", key) for key, desc in qi.CHART_TYPES.items()],
            value="auto",
            description="Chart",
            style=style,
            layout=wide,
        )
        self.rules = w.Dropdown(
            options=[(label, key) for key, label in RULE_SETS.items()],
            value="anhoej",
            description="Rules",
            style=style,
            layout=wide,
        )
        self.parts = w.Text(
            description="New part from",
            placeholder="x values where a change began, e.g. 2022-11-01, 2023-06-01",
            style=style,
            layout=w.Layout(width="auto", min_width="420px"),
            continuous_update=False,
        )
        self.multiply = w.Dropdown(options=list(MULTIPLY), value="", description="Scale", style=style, layout=wide)
        self.improvement = w.Dropdown(
            options=list(IMPROVEMENT), value="", description="Better when", style=style, layout=wide
        )
        self.target = w.Text(description="Target", placeholder="optional, e.g. 5", style=style, continuous_update=False)
        self.title = w.Text(description="Title", placeholder="optional", style=style, continuous_update=False)
        for name in ("chart", "rules", "parts", "multiply", "improvement", "target", "title"):
            getattr(self, name).add_class(f"qi-{name}")

        self.pdsa_upload = w.FileUpload(
            accept=PDSA_ACCEPT, multiple=False, description="PDSA project (optional)", layout=w.Layout(width="auto")
        )
        self.pdsa_upload.add_class("qi-pdsa-upload")
        self.pdsa_choice = w.Dropdown(
            options=[], description="Project", style=style, layout=w.Layout(display="none", width="auto")
        )
        self.pdsa_choice.add_class("qi-pdsa-project")
        self.pdsa_measure = w.Dropdown(
            options=[("matched to the chart's columns", "")],
            value="",
            description="Cycles of measure",
            style=style,
            layout=w.Layout(display="none", width="auto", min_width="320px"),
        )
        self.pdsa_measure.add_class("qi-pdsa-measure")
        self.pdsa_labels = w.Dropdown(
            options=list(PDSA_LABELS), value="title", description="Cycle labels", style=style,
            layout=w.Layout(display="none", width="auto"),
        )  # fmt: skip
        self.pdsa_labels.add_class("qi-pdsa-labels")
        self.pdsa_clear = w.Button(description="Remove the PDSA project", layout=w.Layout(display="none", width="auto"))
        self.pdsa_clear.add_class("qi-pdsa-clear")
        self.pdsa_info = w.HTML(
            '<span class="qi-small">Add your team\'s PDSA file (team.pdsa) or its JSON export to mark the cycles on '
            "the chart and in the report. It is only read, never changed.</span>"
        )
        self.pdsa_info.add_class("qi-pdsa-info")

        self.message = w.HTML()
        self.message.add_class("qi-message")
        self.suggestion_box = w.HTML()
        self.suggestion_box.add_class("qi-suggestion")
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", display="none"))
        self.image.add_class("qi-chart-image")
        self.reading = w.HTML()
        self.reading.add_class("qi-reading")
        self.downloads = w.HTML()
        self.downloads.add_class("qi-downloads")
        self.status = w.HTML()
        self.status.add_class("qi-status")

        row = w.Layout(flex_flow="row wrap")
        self.controls = w.VBox(  # shown once a table has been read
            [
                w.HTML("<h3>Columns</h3>"),
                w.HBox([self.x, self.y, self.n, self.facet], layout=row),
                w.HTML("<h3>Chart</h3>"),
                w.HBox([self.chart, self.rules, self.multiply], layout=row),
                w.HBox([self.parts, self.improvement], layout=row),
                w.HBox([self.target, self.title], layout=row),
            ],
            layout=w.Layout(display="none"),
        )
        self.controls.add_class("qi-controls")
        self.widget = w.VBox(
            [
                w.HTML(
                    _CSS + "<h2>Chart your team's data</h2><p>Upload a CSV or Excel export from your system "
                    "(one row per week or month, say), or pick an example. The file stays on this computer.</p>"
                ),
                w.HBox([self.upload, self.example], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.monthfirst, self.sheet, self.dates], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(
                    [self.pdsa_upload, self.pdsa_choice, self.pdsa_measure, self.pdsa_labels, self.pdsa_clear],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.pdsa_info,
                self.progress,
                self.read_info,
                self.controls,
                self.message,
                self.suggestion_box,
                self.image,
                self.reading,
                self.downloads,
                self.status,
            ]
        )
        self.widget.add_class("qi-app")
        self._set_message("Upload your export, or pick an example, to start.", "ok")

        self.upload.observe(self._on_upload, "value")
        self.example.observe(self._on_example, "value")
        self.monthfirst.observe(self._on_reread, "value")
        self.sheet.observe(self._on_reread, "value")
        self.dates.observe(self._on_reread, "value")
        for name in ("x", "y", "n", "facet", "chart", "rules", "parts", "multiply", "improvement", "target", "title"):
            getattr(self, name).observe(self._on_change, "value")
        self.pdsa_upload.observe(self._on_pdsa_upload, "value")
        self.pdsa_choice.observe(self._on_pdsa_choice, "value")
        self.pdsa_measure.observe(self._on_change, "value")
        self.pdsa_labels.observe(self._on_change, "value")
        self.pdsa_clear.on_click(lambda _button: self.clear_pdsa())

    def show(self) -> w.VBox:
        """Return the page, for display (the last line of a notebook cell)."""
        return self.widget

    # ------------------------------------------------------------------------------------------
    # reading

    def load_file(self, name: str, content: bytes, sheet: str | None = None) -> None:
        """Read an uploaded export (CSV or Excel) and chart it.

        Parameters
        ----------
        name : str
            The file's name (its ending tells CSV from Excel; only the name is shown, no folders).
        content : bytes
            The file's content.
        sheet : str, optional
            The Excel sheet; the first by default (the page offers the others).
        """
        started = time.perf_counter()
        self._raw = (Path(str(name)).name, bytes(content))
        sheets = self._sheet_names(self._raw[1])
        with self._silenced():
            self.example.value = ""
            self.sheet.options = sheets
            self.sheet.value = sheet if sheet in sheets else (sheets[0] if sheets else None)
            self.sheet.layout.display = "" if len(sheets) > 1 else "none"
        self._read(started)

    def load_example(self, key: str) -> None:
        """Load one of :data:`EXAMPLES` with its suggested columns, and chart it.

        Parameters
        ----------
        key : str
            ``"team_export_messy.csv"``, ``"team_export_messy.xlsx"`` (read like an upload) or the
            name of a dataset in :func:`qitools.datasets.list` that charts directly.
        """
        started = time.perf_counter()
        if key not in EXAMPLES:
            self._fail(f"There is no example {key!r}. Pick one from the list: {', '.join(EXAMPLES)}.")
            return
        with self._silenced():
            self.example.value = key
            self.sheet.options = []
            self.sheet.layout.display = "none"
        if key.startswith(_MESSY):
            path = qi.datasets.path(_MESSY, Path(key).suffix.lstrip("."))
            self._raw = (path.name, path.read_bytes())
            self._read(started)
            return
        self._raw = None
        self._forget_data()
        with self._problems("loading the example"):
            df = qi.datasets.load(key)
            self._set_data(df, key, [], EXAMPLES[key]["hints"])
            self._chart(started)

    # ------------------------------------------------------------------------------------------
    # the PDSA project (optional)

    def load_pdsa(self, name: str, content: bytes, project: str | None = None) -> None:
        """Read a PDSA project (a PDSA store file or its JSON export) whose cycles are marked on the chart.

        The store is read through a temporary read-only copy of ``content``; nothing is written
        anywhere. A file that cannot be read is said in the page (the chart stays as it was).

        Parameters
        ----------
        name : str
            The file's name (only the name is shown, no folders).
        content : bytes
            The file's content (at most :data:`qitools._pdsa_chart.MAX_PROJECT_MB` MB).
        project : str, optional
            The project's id, for a file holding several (by default the first; the page offers
            the others).
        """
        from qitools import _pdsa_chart

        name = Path(str(name)).name
        content = bytes(content)
        self._pdsa_raw = (name, content)
        self.pdsa_project, self.pdsa_file, self.pdsa_error = None, "", None
        try:
            projects = _pdsa_chart.projects_in(content)
            if project is None and len(projects) > 1:
                project = projects[0][0]
            loaded = _pdsa_chart.read_project(content=content, name=name, project=project, audience="app")
        except qi.QIToolsError as exc:
            self._pdsa_problem(str(exc))
        except Exception as exc:  # never a traceback in the page
            traceback.print_exc(file=sys.__stderr__)
            self._pdsa_problem(
                f"Something went wrong while reading {name} ({type(exc).__name__}: {exc}). Check that it is your "
                "team's PDSA file or its JSON export."
            )
        else:
            self.pdsa_project, self.pdsa_file = loaded, name
            with self._silenced():
                self.pdsa_choice.options = [(f"{t} ({i})" if t else i, i) for i, t in projects]
                self.pdsa_choice.value = loaded.id if len(projects) > 1 else None
                self.pdsa_choice.layout.display = "" if len(projects) > 1 else "none"
                self.pdsa_measure.options = [("matched to the chart's columns", "")] + [
                    (clean(f"{m.id}: {m.name}" if m.name else str(m.id)), str(m.id)) for m in loaded.measures
                ]
                self.pdsa_measure.value = ""
                self.pdsa_measure.layout.display = "" if len(loaded.measures) > 1 else "none"
                self.pdsa_labels.layout.display = ""
                self.pdsa_clear.layout.display = ""
            started = sum(1 for c in loaded.cycles if c.start_date or c.end_date)
            title = clean(loaded.title or loaded.id)
            more = f" It holds {len(projects)} projects: choose one in 'Project'." if len(projects) > 1 else ""
            said = (
                f"PDSA project <b>{html.escape(title)}</b> from {html.escape(name)}: "
                f"{len(loaded.cycles)} cycle{'s' if len(loaded.cycles) != 1 else ''} ({started} started), "
                f"{len(loaded.measures)} measure{'s' if len(loaded.measures) != 1 else ''}.{html.escape(more)}"
            )
            self._pdsa_note = f'<div class="qi-box qi-note">{said}</div>'
            self.pdsa_info.value = (
                self._pdsa_note
                if self.data is not None
                else f'<div class="qi-box qi-note">{said} Upload your export (or pick an example) to chart it.</div>'
            )
        if self.data is not None:
            self.update()

    def clear_pdsa(self) -> None:
        """Chart without the PDSA project's cycles again."""
        self.pdsa_project, self.pdsa_file, self.pdsa_error, self._pdsa_raw = None, "", None, None
        self._pdsa_note = ""
        with self._silenced():
            for control in (self.pdsa_choice, self.pdsa_measure, self.pdsa_labels, self.pdsa_clear):
                control.layout.display = "none"
        self.pdsa_info.value = ""
        if self.data is not None:
            self.update()

    def _pdsa_problem(self, message: str) -> None:
        self.pdsa_error = for_app(message)
        self.pdsa_info.value = f'<div class="qi-box qi-error">{html.escape(self.pdsa_error)}</div>'

    def _on_pdsa_upload(self, change: dict[str, Any]) -> None:
        if self._quiet or not change["new"]:
            return
        item = change["new"][0]
        name, content = item["name"], bytes(item["content"])
        with self._silenced():
            self.pdsa_upload.value = ()  # so that the same file can be chosen again
        self.load_pdsa(name, content)

    def _on_pdsa_choice(self, change: dict[str, Any]) -> None:
        if self._quiet or not change["new"] or self._pdsa_raw is None:
            return
        self.load_pdsa(*self._pdsa_raw, project=change["new"])

    def _cycle_marks(self, options: dict[str, Any]) -> pd.DataFrame | None:
        """The PDSA project's cycles for this chart, or None (a problem is said by the PDSA controls)."""
        from qitools import _pdsa_chart

        if self.pdsa_project is None:
            return None
        project, wanted = self.pdsa_project, self.pdsa_measure.value or None
        try:
            _pdsa_chart.require_dates(self.data, options["x"], audience="app")
            measure = _pdsa_chart.choose_measure(project, options["y"], options["n"], wanted, audience="app")
        except qi.QIToolsError as exc:
            self._pdsa_problem(str(exc))
            return None
        self.pdsa_error = None
        self.pdsa_info.value = self._pdsa_note
        how = _pdsa_chart.how_chosen(project, measure, wanted, options["y"], options["n"], "readers")
        return _pdsa_chart.cycle_marks(project, measure, labels=self.pdsa_labels.value, file=self.pdsa_file, how=how)

    def _cycles_html(self) -> str:
        """The cycles marked on the chart, for the page (under the reading)."""
        from qitools import _pdsa_chart

        marks = self.marks
        if marks is None:
            return ""
        a = marks.attrs
        line, notes = _pdsa_chart.describe(marks, self.cc.data["x"], a.get("how", ""))
        on = set(qi.pdsa.cycles_outside(marks, self.cc.data["x"], advice="none")[0]["cycle"]) if len(marks) else set()
        items = []
        for r in marks.to_dict("records"):
            end = f" to {_day(r['x_end'])}" if not pd.isna(r["x_end"]) else ""
            act = f", {r['act']}" if r.get("act") else ""
            where = "" if r["cycle"] in on else " (outside the chart's dates: not marked)"
            items.append(
                f"<li><b>{html.escape(str(r['cycle']))}</b> {html.escape(str(r['title'] or ''))}: "
                f"{_day(r['x'])}{end}{html.escape(act)}{where}</li>"
            )
        listed = f"<ul>{''.join(items)}</ul>" if items else ""
        said = "".join(f"<li>{html.escape(for_app(n))}</li>" for n in notes)
        return (
            f'<div class="qi-pdsa-cycles"><h3>PDSA cycles</h3><p>{html.escape(line)}</p>{listed}'
            + (f'<ul class="qi-small">{said}</ul>' if said else "")
            + "</div>"
        )

    def _sheet_names(self, content: bytes) -> list[str]:
        return excel_sheet_names(content)

    def _read(self, started: float) -> None:
        assert self._raw is not None
        name, content = self._raw
        if len(content) > MAX_UPLOAD_MB * 1024 * 1024:
            self._fail(
                f"{name} is {len(content) / 1024 / 1024:.0f} MB; the page reads files up to {MAX_UPLOAD_MB} MB. "
                f"Export fewer rows or columns (one row per period is enough), or use qi.read_measure in a notebook."
            )
            return
        import io

        buffer = io.BytesIO(content)
        buffer.name = name  # read_measure uses the name for its messages and to spot .xls files
        self._forget_data()
        with self._problems("reading the file"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", qi.QIToolsWarning)  # its changes are listed from df.attrs
                df = qi.read_measure(
                    buffer,
                    sheet=self.sheet.value or None,
                    dayfirst=False if self.monthfirst.value else None,
                    dates=[self.dates.value] if self.dates.value else None,
                    progress=self._progress_step(started),
                )
            self._set_data(df, name, list(df.attrs.get("qitools_changes", [])), {})
            self._chart(started)
        self._progress_done()

    def _progress_step(self, started: float) -> Any:
        """A ``progress(fraction, text)`` for read_measure: the page's bar, shown after a second."""

        def step(fraction: float, text: str) -> None:
            if self.progress.layout.display == "none" and time.perf_counter() - started < 1.0:
                return
            self.progress.layout.display = ""
            self.progress.value = max(0.0, min(1.0, 0.8 * fraction))
            self.progress.description = f"{text[:60]} …"

        return step

    def _progress_done(self) -> None:
        self.progress.layout.display = "none"
        self.progress.value = 0.0

    def _forget_data(self) -> None:
        """Before reading: a file that cannot be read must not leave the last one's columns on show."""
        self.data, self.source, self.changes = None, "", []
        self.dates.layout.display = "none"
        self.read_info.value = ""
        self.controls.layout.display = "none"

    def _set_data(self, df: pd.DataFrame, source: str, changes: list[str], hints: dict[str, Any]) -> None:
        self.data, self.source, self.changes = df, source, changes
        self.controls.layout.display = ""
        guess = {k: hints.get(k) for k in ("x", "y", "n", "facet")} if hints else _guess_columns(df)
        cols = [str(c) for c in df.columns]
        optional = [("(none)", "")] + [(c, c) for c in cols]
        few = [("(none)", "")] + [
            (c, c) for c in cols if not pd.api.types.is_float_dtype(df[c]) and df[c].nunique() <= 200
        ]
        with self._silenced():
            if self._raw is not None:  # a choice of the column of dates (re-reads the file)
                chosen = self.dates.value if self.dates.value in cols else ""
                self.dates.options = [("found automatically", "")] + [(c, c) for c in cols]
                self.dates.value = chosen
                self.dates.layout.display = ""
            self.x.options, self.x.value = optional, guess["x"] or ""
            self.y.options, self.y.value = [(c, c) for c in cols], guess["y"]
            self.n.options, self.n.value = optional, guess["n"] or ""
            self.facet.options = few
            self.facet.value = guess["facet"] if guess["facet"] in [v for _, v in few] else ""
            self.chart.value = "auto"
            self.parts.value = str(hints.get("part", ""))
            self.multiply.value = hints.get("multiply") if hints.get("multiply") in [v for _, v in MULTIPLY] else ""
            self.improvement.value = ""
            self.target.value = ""
            self.parts.placeholder = self._parts_example(df, guess["x"])
        rows = f"{len(df):,} row{'s' if len(df) != 1 else ''} and {df.shape[1]} column{'s' if df.shape[1] != 1 else ''}"
        listed = "".join(f"<li>{html.escape(c)}</li>" for c in changes)
        details = (
            f"<details><summary>qitools tidied the file in {len(changes)} way{'s' if len(changes) != 1 else ''} "
            f"(click to see them)</summary>"
            f"<ul>{listed}</ul></details>"
            if changes
            else ""
        )
        self.read_info.value = (
            f'<div class="qi-box qi-note">Read <b>{html.escape(source)}</b>: {rows}. qitools guessed the '
            f"columns below; change them if they are wrong.{details}</div>"
        )

    # ------------------------------------------------------------------------------------------
    # charting

    def update(self) -> None:
        """Recompute the suggestion, chart, reading and downloads from the current choices."""
        self._chart(time.perf_counter())

    def _options(self) -> dict[str, Any]:
        """control_chart keywords from the fields (text fields are parsed here, with clear messages)."""
        assert self.data is not None
        x = self.x.value or None
        part = None
        if self.parts.value.strip():
            if x is None:
                raise qi.QIValueError(
                    "'New part from' needs a time column: choose one in 'Time (x)', or clear 'New part from'."
                )
            part = x_values_from_text(
                self.parts.value, self.data[x], dayfirst=not self.monthfirst.value, what="'New part from'"
            )
        target = None
        if self.target.value.strip():
            try:
                target = float(self.target.value.strip().rstrip("%").replace(",", ""))
            except ValueError:
                raise qi.QIValueError(
                    f"Target must be a number on the chart's scale (such as 5, or 95 for 95%); got "
                    f"{self.target.value!r}. Clear it to chart without a target."
                ) from None
        return {
            "x": x,
            "y": self.y.value,
            "n": self.n.value or None,
            "facet": self.facet.value or None,
            "part": part,
            "rules": self.rules.value,
            "improvement": self.improvement.value or None,
            "target": target,
        }

    def _chart(self, started: float) -> None:
        if self.data is None:
            return
        with self._problems("drawing the chart"):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", qi.QIToolsWarning)
                options = self._options()
                data = numbered_as_in_file(self.data)  # messages name the rows as the file numbers them
                one = data  # suggest from one facet's rows: facets share x values, which are not subgroups
                if options["facet"] is not None and data[options["facet"]].notna().any():
                    one = data[data[options["facet"]] == data[options["facet"]].dropna().iloc[0]]
                suggestion = qi.suggest_chart(one, y=options["y"], n=options["n"], x=options["x"])
                chart = suggestion.chart if self.chart.value == "auto" else self.chart.value
                multiply = self.multiply.value or _auto_multiply(chart, options["n"] is not None)
                cc = qi.control_chart(data, chart=chart, multiply=multiply, **options)
                title = self.title.value.strip() or None
                marks = self._cycle_marks(options)
                self._progress_step(started)(0.9, "drawing the chart")
                with tempfile.TemporaryDirectory(prefix="qitools-app-") as tmp, no_mathtext():
                    # the command's size (1200 x 675), so a download matches what the command writes
                    if marks is None:
                        png = Path(cc.save(Path(tmp) / "chart.png", title=title)).read_bytes()
                    else:
                        png = _png_with_cycles(cc, marks, Path(tmp) / "chart.png", self.pdsa_labels.value, title)
                chart_notes = [
                    str(m.message)
                    for m in caught
                    if issubclass(m.category, qi.QIToolsWarning) and not issubclass(m.category, qi.pdsa.PDSAWarning)
                ]
                self._progress_step(started)(0.95, "writing the report")
                report = qi.chart_report(
                    cc,
                    title=title,
                    source=self.source or None,
                    cleaning=self.changes if self._raw is not None else None,
                    suggestion=suggestion,
                    notes=chart_notes,
                    cycles=marks,
                    cycle_labels=self.pdsa_labels.value,
                )
            self.suggestion, self.cc, self.png, self.report_html = suggestion, cc, png, report
            self.marks = marks
            self.notes = list(dict.fromkeys(chart_notes))  # each once, in order
            self.error = None
            self.seconds = time.perf_counter() - started
            self._show_result(chart)

    def _show_result(self, chart: str) -> None:
        s = self.suggestion
        label = f"suggested: {s.chart} ({qi.CHART_TYPES.get(s.chart, s.chart)})"
        with self._silenced():
            options = list(self.chart.options)
            options[0] = (label, "auto")
            self.chart.options = options
            self.chart.value = "auto" if self.chart.value == "auto" else chart
        reasons = "".join(f"<li>{html.escape(for_app(r))}</li>" for r in s.reasons)
        alternatives = "".join(f"<li>{html.escape(for_app(a))}</li>" for a in s.alternatives)
        self.suggestion_box.value = (
            f'<div class="qi-box qi-ok"><b>Suggested chart: {html.escape(qi.CHART_TYPES.get(s.chart, s.chart))}'
            f"</b><ul>{reasons}</ul>" + (f"Also consider:<ul>{alternatives}</ul>" if alternatives else "") + "</div>"
        )
        if self.notes:
            self._set_message("<br>".join(html.escape(for_app(n)) for n in self.notes), "note", escaped=True)
        else:
            self._set_message("", None)
        self.image.value = self.png
        self.image.layout.display = ""
        self.reading.value = (
            f"<h3>What the chart says</h3>{_paragraphs(for_app(str(self.cc.explain())))}{self._cycles_html()}"
        )
        stem = _file_stem(self.source or "chart")
        self.downloads.value = (
            f'<a class="qi-download-png" download="{stem}_chart.png" href="{_data_uri(self.png, "image/png")}">'
            f"Download the chart (PNG)</a>"
            f'<a class="qi-download-report" download="{stem}_report.html" '
            f'href="{_data_uri(self.report_html.encode("utf-8"), "text/html;charset=utf-8")}">'
            f"Download the report (HTML)</a>"
        )
        points = len(self.cc.data)
        self.status.value = (
            f'<span class="qi-small">{points:,} point{"s" if points != 1 else ""} charted in {self.seconds:.1f} s.</span>'
        )

    # ------------------------------------------------------------------------------------------
    # messages and events

    def _set_message(self, text: str, kind: str | None, escaped: bool = False) -> None:
        if not text:
            self.message.value = ""
            return
        body = text if escaped else html.escape(text)
        self.message.value = f'<div class="qi-box qi-{kind}">{body}</div>'

    def _fail(self, message: str) -> None:
        """Show a problem instead of the chart (nothing stale stays on the page)."""
        message = for_app(message)  # the page's controls, not Python's argument names
        self.error = message
        self.cc, self.png, self.report_html, self.marks = None, b"", "", None
        self._set_message(message, "error")
        self.suggestion_box.value = ""
        self.image.layout.display = "none"
        self.reading.value = ""
        self.downloads.value = ""
        self.status.value = ""

    @contextmanager
    def _problems(self, doing: str) -> Iterator[None]:
        """Turn any exception into a message in the page (the library's own words when it is ours).

        Figures opened meanwhile and left open (a drawing that failed half-way) are closed, so that
        a notebook does not show them below the page; other figures are left alone.
        """
        import matplotlib.pyplot as plt

        figures = set(plt.get_fignums())
        try:
            yield
        except qi.QIToolsError as exc:
            self._fail(str(exc))
        except Exception as exc:  # never a traceback in the page
            traceback.print_exc(file=sys.__stderr__)
            self._fail(
                f"Something went wrong while {doing} ({type(exc).__name__}: {exc}). Check the columns chosen; if "
                f"this keeps happening, tell your coach or the qitools team what you did."
            )
        finally:
            for number in set(plt.get_fignums()) - figures:
                plt.close(number)

    @contextmanager
    def _silenced(self) -> Iterator[None]:
        """Change widgets without their observers recomputing the chart."""
        before, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = before

    def _on_upload(self, change: dict[str, Any]) -> None:
        if self._quiet or not change["new"]:
            return
        with self._problems("reading the upload"):
            item = change["new"][0]
            name, content = item["name"], bytes(item["content"])
            with self._silenced():
                self.upload.value = ()  # so that the same file can be uploaded again after a fix
            self.load_file(name, content)

    def _on_example(self, change: dict[str, Any]) -> None:
        if self._quiet or not change["new"]:
            return
        self.load_example(change["new"])

    def _on_reread(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        if self._raw is not None:
            self._read(time.perf_counter())
        elif self.data is not None:
            self.update()

    @staticmethod
    def _parts_example(df: pd.DataFrame, x: Any) -> str:
        """The "New part from" hint, written as the chart writes its dates (Nov 2022)."""
        if x is None or x not in df.columns:
            return "values of the time column where a change began"
        col = df[x].dropna()
        if col.empty:
            return "values of the time column where a change began"
        if pd.api.types.is_datetime64_any_dtype(col):
            t = pd.Timestamp(col.iloc[len(col) * 2 // 3])
            shown = f"{t:%b %Y}" if (pd.to_datetime(col).dt.day == 1).all() else f"{t.day} {t:%b %Y}"
            return f"dates where a change began, e.g. {shown}"
        return f"values of {x} where a change began, e.g. {col.iloc[len(col) * 2 // 3]}"

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.update()
