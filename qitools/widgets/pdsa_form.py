"""Notebook forms for the whole Model for Improvement record, with the checks shown next to the fields.

The forms only call :mod:`qitools.pdsa`: each builds a record from its fields, runs
:func:`qitools.pdsa.check` on every change (so a missing prediction or dates out of order show
at once, in plain English, beside the field concerned), and on **Save** puts the record into the
store (or the in-memory project). Nothing is saved while there are errors.

* :func:`cycle_form` (:class:`PDSAForm`): add or edit a PDSA cycle.
* :func:`record_form` (:class:`RecordForm`): the aim (with its measure, baseline and target), a
  measure (with its operational definition and measurement plan), a driver or a change idea.
* :func:`project_form` (:class:`ProjectForm`): all of them in tabs.

Every form can remove the record it shows. When a colleague saved the same record after the
form read it, **Save** is refused (nothing is lost): the form says who changed what and when,
lists what you typed, and offers **Reload** to start again from their version.
"""

from __future__ import annotations

import datetime as _dt
import html
import warnings
from typing import Any

import ipywidgets as w

from ..pdsa import Aim, ChangeIdea, Driver, Measure, PDSACycle, PDSAStore, Project, QIConflictError, check
from ..pdsa._voice import in_form
from ..spc.errors import QIToolsError, QIToolsWarning

__all__ = ["PDSAForm", "RecordForm", "ProjectForm", "cycle_form", "record_form", "project_form"]

_NEW = "__new__"
#: the value of a dropdown's "nothing chosen" entry (ipywidgets shows a blank box for None)
_NONE = ""
_COLOURS = {"error": "#b2182b", "warning": "#a35a00", "ok": "#1b7837"}

_TEXT = ("title", "who", "what", "when", "where", "data_to_collect", "scale")
_AREAS = ("objective", "what_happened", "observations", "problems", "results", "learning", "act_notes")
_LISTS = ("predictions", "questions")
_DATES = ("plan_date", "due_date", "start_date", "end_date", "study_date", "act_date")
_LABELS = {
    "change_idea": "Change idea",
    "measure": "Measure",
    "ramp": "Ramp",
    "previous": "Builds on",
    "title": "Title",
    "objective": "Objective",
    "questions": "Questions (one per line)",
    "predictions": "Predictions (one per line)",
    "who": "Who",
    "what": "What",
    "when": "When",
    "where": "Where",
    "data_to_collect": "Data to collect",
    "scale": "Scale",
    "scale_n": "Scale (number)",
    "plan_date": "Planned on",
    "due_date": "Due (study and decide by)",
    "start_date": "Started",
    "end_date": "Ended",
    "what_happened": "What happened",
    "observations": "Observations",
    "problems": "Problems",
    "study_date": "Studied on",
    "results": "Results vs predictions",
    "learning": "Learning",
    "prediction_held": "Prediction held?",
    "act": "Decision",
    "act_date": "Decided on",
    "act_notes": "Next",
}
_STAGES = {
    "Plan": (
        "objective",
        "predictions",
        "questions",
        "who",
        "what",
        "when",
        "where",
        "data_to_collect",
        "scale",
        "scale_n",
        "plan_date",
        "due_date",
    ),
    "Do": ("start_date", "end_date", "what_happened", "observations", "problems"),
    "Study": ("study_date", "results", "learning", "prediction_held"),
    "Act": ("act", "act_date", "act_notes"),
}


def _render(problems: list[Any]) -> str:
    if not problems:
        return ""
    return "<br>".join(
        f'<span style="color:{_COLOURS.get(p.level, "#000")}">{"✖" if p.level == "error" else "⚠"} '
        f"{html.escape(p.message, quote=False)}</span>"
        for p in problems
    )


def _none(value: Any) -> Any:
    return None if value == _NONE else value


def _plain(value: Any) -> Any:
    """A field's value as the record keeps it, for comparing: dates as text, nothing as None."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    if value in (None, "", [], (), _NONE):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


def _dropdown(options: list[tuple[str, Any]], prompt: str, layout: Any = None) -> Any:
    """A dropdown whose first entry is a prompt ("– choose a change idea –"), selected when nothing is chosen."""
    return w.Dropdown(options=[(prompt, _NONE), *options], value=_NONE, layout=layout or w.Layout(width="95%"))


class _Form:
    """What every form shares: the target, the status line, Save / Remove / Reload, conflicts."""

    kind = "record"

    def __init__(self, target: Any, *, project: str | None, today: _dt.date | None) -> None:
        if not isinstance(target, (PDSAStore, Project)):
            raise QIToolsError(
                f"{type(self).__name__} needs a PDSA store (qi.pdsa.open('team.pdsa')) or a qi.pdsa.Project; "
                f"got {type(target).__name__}."
            )
        self.target = target
        self.project_id = project
        self.today = today
        self.saved: Any = None
        self.conflict: QIConflictError | None = None
        self._editing: str | None = None
        self._loaded: Any = None  # the record as read, with its version
        self._quiet = False
        self.project = self._load()
        self.save_button = w.Button(description="Save", button_style="primary", icon="check")
        self.remove_button = w.Button(description="Remove", button_style="danger", icon="trash")
        self.reload_button = w.Button(
            description="Reload", button_style="warning", icon="refresh", layout=w.Layout(display="none")
        )
        self.status = w.HTML()
        self.save_button.on_click(self.submit)
        self.remove_button.on_click(self.remove)
        self.reload_button.on_click(self.reload)

    # -- data ------------------------------------------------------------------------------------
    def _load(self) -> Project:
        if isinstance(self.target, Project):
            return self.target
        return self.target.load(self.project_id)

    def _put(self, record: Any) -> Any:
        with warnings.catch_warnings(), in_form():
            warnings.simplefilter("ignore", QIToolsWarning)  # already shown next to the fields
            if isinstance(self.target, PDSAStore):
                return self.target.put(record, project=self.project_id)
            return self.target.put(record)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _buttons(self) -> Any:
        return w.HBox([self.save_button, self.remove_button, self.reload_button])

    def _show_reload(self, show: bool) -> None:
        self.reload_button.layout.display = None if show else "none"

    def _fail(self, exc: QIToolsError, typed: dict[str, Any]) -> None:
        """Say why nothing was saved; after a conflict, list what was typed and offer Reload."""
        msg = html.escape(str(exc), quote=False)
        text = f'<span style="color:{_COLOURS["error"]}"><b>Not saved</b>: {msg}</span>'
        if isinstance(exc, QIConflictError):
            self.conflict = exc
            self._show_reload(True)
            current = exc.current
            loaded = self._loaded
            mine = []
            for name, value in typed.items():
                value = _plain(value)
                theirs = _plain(getattr(current, name, None)) if current is not None else None
                before = _plain(getattr(loaded, name, None)) if loaded is not None else None
                if value is not None and value != theirs and value != before:  # what this person changed
                    shown = "; ".join(value) if isinstance(value, list) else value
                    mine.append(f"<li><b>{html.escape(self._label(name))}</b>: {html.escape(str(shown))}</li>")
            if mine:
                text += (
                    "<br>What you typed (copy anything you want to keep, then press <b>Reload</b> to start again "
                    f"from the saved version):<ul>{''.join(mine)}</ul>"
                )
            else:
                text += "<br>Press <b>Reload</b> to see the saved version."
        self.status.value = text

    def _label(self, name: str) -> str:
        return _LABELS.get(name, name.replace("_", " ").capitalize())

    def reload(self, _button: Any = None) -> None:
        """Read the project again and show the saved version of the record (after a refused save)."""
        self.conflict = None
        self._show_reload(False)
        self.project = self._load()
        editing = self._editing
        record = self.project.find(editing) if editing is not None and self.kind != "aim" else None
        if self.kind == "aim":
            record = self.project.aim
        self._fill(record)
        self.status.value = f'<span style="color:{_COLOURS["ok"]}">Reloaded: this is the version saved now.</span>'

    def remove(self, _button: Any = None) -> bool:
        """Remove the record the form shows (refused, with the reason, while others refer to it)."""
        if self._editing is None:
            self.status.value = "Nothing to remove: this is a new, unsaved record."
            return False
        version = self._loaded.version if self._loaded is not None else None
        try:
            with in_form():
                if isinstance(self.target, PDSAStore):
                    self.target.remove(self.kind, self._editing, project=self.project_id, version=version)
                else:
                    self.target.remove(self.kind, self._editing)
        except QIToolsError as exc:
            self._fail(exc, {})
            return False
        removed = self._editing
        self.project = self._load()
        self._fill(None)
        self.status.value = (
            f'<span style="color:{_COLOURS["ok"]}"><b>Removed</b> {html.escape(self.kind)} {html.escape(str(removed))}'
            + (" (its last content is kept in the store's history)." if isinstance(self.target, PDSAStore) else ".")
            + "</span>"
        )
        return True

    def _fill(self, record: Any) -> None:  # pragma: no cover - each form fills its own fields
        raise NotImplementedError


class PDSAForm(_Form):
    """An ipywidgets form for one PDSA cycle of a project, checked as it is filled in.

    Parameters
    ----------
    target : PDSAStore or Project
        Where the cycle is saved: a store (``qi.pdsa.open("team.pdsa")``) or a project in memory.
    project : str, optional
        With a store holding several projects, which one.
    cycle : str, optional
        Id of a cycle to edit (default: a new cycle).
    today : datetime.date, optional
        Today's date for the checks (default: the real today).

    Attributes
    ----------
    fields : dict
        Field name (as in :class:`~qitools.pdsa.PDSACycle`) -> its widget. Dropdowns start on a
        prompt ("– choose a change idea –"), whose value is ``""``; :meth:`values` gives None.
    messages : dict
        Field name -> the HTML widget showing that field's problems.
    status : ipywidgets.HTML
        The result of the last save, and problems not tied to one field.
    reload_button : ipywidgets.Button
        Shown when a save was refused because someone changed the cycle since the form read it.
    widget : ipywidgets.VBox
        The whole form (what a notebook displays).
    saved : PDSACycle or None
        The cycle as last saved.

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools.widgets import PDSAForm
    >>> store = qi.pdsa.MemoryStore()
    >>> _ = store.add_project(qi.pdsa.example_project())
    >>> form = PDSAForm(store)
    >>> form.fields["change_idea"].label
    '– choose a change idea –'
    >>> form.fields["change_idea"].value = "CI3"
    >>> form.fields["objective"].value = "Does rounding work at weekends?"
    >>> form.submit() is None       # no prediction: saved, with a warning shown
    False
    >>> print(form.messages["predictions"].value[:60])
    <span style="color:#a35a00">⚠ Cycle 'C11' has no prediction.
    """

    kind = "cycle"

    def __init__(
        self, target: Any, *, project: str | None = None, cycle: str | None = None, today: _dt.date | None = None
    ) -> None:
        super().__init__(target, project=project, today=today)
        layout = w.Layout(width="95%")
        self.fields: dict[str, Any] = {}
        for name in _TEXT:
            self.fields[name] = w.Text(layout=layout)
        for name in (*_AREAS, *_LISTS):
            self.fields[name] = w.Textarea(layout=w.Layout(width="95%", height="4.5em"))
        for name in _DATES:
            self.fields[name] = w.DatePicker(value=None)
        self.fields["scale_n"] = w.Text(placeholder="e.g. 6 (patients, staff or bays)")
        self.fields["change_idea"] = _dropdown([], "– choose a change idea –")
        self.fields["measure"] = _dropdown([], "– no measure chosen –")
        self.fields["ramp"] = _dropdown([], "– the change idea's ramp –")
        self.fields["previous"] = _dropdown([], "– none: a first cycle –")
        self.fields["prediction_held"] = _dropdown(
            [("yes", "yes"), ("partly", "partly"), ("no", "no")], "– not studied yet –", w.Layout()
        )
        self.fields["act"] = _dropdown(
            [("adopt", "adopt"), ("adapt", "adapt"), ("abandon", "abandon")], "– not decided yet –", w.Layout()
        )
        self.messages: dict[str, Any] = {name: w.HTML() for name in self.fields}
        self.chooser = w.Dropdown(description="Cycle", layout=w.Layout(width="60%"))
        self.save_button.description = "Save cycle"
        self._fill_choices()

        def row(name: str) -> Any:
            label = w.HTML(f"<b>{html.escape(_LABELS[name])}</b>", layout=w.Layout(width="11em"))
            return w.VBox([w.HBox([label, self.fields[name]]), self.messages[name]])

        links = w.VBox([row(n) for n in ("change_idea", "measure", "ramp", "previous", "title")])
        tabs = w.Tab(children=[w.VBox([row(n) for n in names]) for names in _STAGES.values()])
        for i, stage in enumerate(_STAGES):
            tabs.set_title(i, stage)
        self.widget = w.VBox([self.chooser, links, tabs, self._buttons(), self.status])

        self.chooser.observe(self._on_choose, names="value")
        for widget in self.fields.values():
            widget.observe(self._on_change, names="value")
        if cycle is not None:
            self.chooser.value = cycle  # fills the form and shows its problems

    def __repr__(self) -> str:
        return f"<PDSAForm project={self.project.id!r} cycle={self._editing or 'new'}>"

    # -- data ------------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        p = self.project
        self._quiet = True
        try:
            for name, options in (
                ("change_idea", [(f"{c.id}: {c.text}", c.id) for c in p.change_ideas]),
                ("measure", [(f"{m.id}: {m.name}", m.id) for m in p.measures]),
                ("ramp", [(f"{r.id}: {p.ramp_title(r)}", r.id) for r in p.ramps]),
                ("previous", [(f"{c.id}: {p.cycle_title(c)}", c.id) for c in p.cycles if c.id != self._editing]),
            ):
                dd = self.fields[name]
                value = dd.value
                dd.options = [dd.options[0] if dd.options else ("–", _NONE), *options]
                dd.value = value if value in [v for _, v in dd.options] else _NONE
            self.chooser.options = [("new cycle", _NEW)] + [
                (f"{c.id}: {p.cycle_title(c)} ({c.status_on(self.today)})", c.id) for c in p.cycles
            ]
            self.chooser.value = self._editing or _NEW
        finally:
            self._quiet = False

    def values(self) -> dict[str, Any]:
        """The form's values as :class:`~qitools.pdsa.PDSACycle` fields (``scale_n`` as typed when not a number)."""
        out: dict[str, Any] = {}
        for name, widget in self.fields.items():
            value = widget.value
            if name in _LISTS:
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif name == "scale_n":
                text = (value or "").strip()
                value = int(text) if text.isdigit() else (text or None)
            elif isinstance(widget, w.Dropdown):
                value = _none(value)
            out[name] = value
        return out

    def cycle(self) -> PDSACycle:
        """The cycle the form describes now (not saved, not checked), with the version it was read at."""
        values = self.values()
        scale_n = values.pop("scale_n")
        c = PDSACycle(**values, id=self._editing)
        c.scale_n = scale_n
        if self._loaded is not None and self._editing is not None:
            c.stamp = self._loaded.stamp
        if c.id is None:  # show the id it will get, so that messages name it
            c.id = self.project._next_id(c)
        return c

    def set_cycle(self, cycle: PDSACycle | None) -> None:
        """Fill the form with a cycle (None: empty it for a new cycle)."""
        self._fill(cycle)

    def _fill(self, record: Any) -> None:
        self._quiet = True
        try:
            c = record or PDSACycle()
            self._editing = record.id if record is not None else None
            self._loaded = record.copy() if record is not None else None
            self._fill_choices()
            for name, widget in self.fields.items():
                value = getattr(c, name)
                if name in _LISTS:
                    value = "\n".join(value)
                elif name == "scale_n":
                    value = "" if value is None else str(value)
                elif name in _DATES:
                    value = _dt.date.fromisoformat(value) if value else None
                elif name in _TEXT or name in _AREAS:
                    value = value or ""
                elif isinstance(widget, w.Dropdown):
                    value = value if value in [v for _, v in widget.options] else _NONE
                widget.value = value
        finally:
            self._quiet = False
        self.show_problems()

    # -- checks ----------------------------------------------------------------------------------
    def problems(self) -> list[Any]:
        """The problems of the cycle as the form stands (see :func:`qitools.pdsa.check`)."""
        c = self.cycle()
        extra: list[Any] = []
        if c.scale_n is not None and not isinstance(c.scale_n, int):
            from ..pdsa.validate import Problem

            extra.append(
                Problem(
                    "error",
                    "scale_n",
                    f"Scale (number) must be a whole number of patients, staff or bays, such as 6; got {c.scale_n!r}.",
                    c.label,
                )
            )
            c.scale_n = None
        with in_form():
            return extra + check(c, self.project, today=self.today)

    def show_problems(self) -> list[Any]:
        """Check the cycle and show each problem next to its field; return the problems."""
        problems = self.problems()
        by_field: dict[str, list[Any]] = {}
        for p in problems:
            by_field.setdefault(p.field if p.field in self.fields else "", []).append(p)
        for name, box in self.messages.items():
            box.value = _render(by_field.get(name, []))
        self.status.value = _render(by_field.get("", []))
        return problems

    def _on_change(self, change: Any) -> None:
        if not self._quiet:
            self.show_problems()

    def _on_choose(self, change: Any) -> None:
        if self._quiet:
            return
        value = change["new"]
        if value not in (None, _NEW):
            self.project = self._load()  # start from the version saved now
            self._fill(self.project.cycle(value))
        else:
            self._fill(None)
        self.conflict = None
        self._show_reload(False)

    # -- saving ----------------------------------------------------------------------------------
    def submit(self, _button: Any = None) -> PDSACycle | None:
        """Save the cycle if it has no errors; show what happened. Returns the saved cycle or None.

        A save is refused when someone else saved this cycle after the form read it: the status
        says who changed what and when, lists what you typed, and shows **Reload**.
        """
        problems = self.show_problems()
        errors = [p for p in problems if p.level == "error"]
        if errors:
            self.status.value = (
                f'<span style="color:{_COLOURS["error"]}"><b>Not saved</b>: {len(errors)} problem'
                f"{'s' if len(errors) > 1 else ''} to fix (shown in red).</span>" + self.status.value
            )
            return None
        c = self.cycle()
        if self._editing is None:
            c.id = None  # numbered by the store, in its transaction
        try:
            saved = self._put(c)
        except QIToolsError as exc:
            self._fail(exc, self.values())
            return None
        self.saved = saved
        self.conflict = None
        self._show_reload(False)
        self.project = self._load()
        self._editing = saved.id
        self._loaded = self.project.cycle(saved.id).copy() if self.project._find("cycle", saved.id) else saved
        self._fill_choices()
        self.show_problems()
        n_warn = len([p for p in problems if p.level == "warning"])
        note = f" ({n_warn} warning{'s' if n_warn > 1 else ''} shown)" if n_warn else ""
        self.status.value = (
            f'<span style="color:{_COLOURS["ok"]}"><b>Saved</b> cycle {html.escape(str(saved.id))} '
            f"(ramp {html.escape(str(saved.ramp))}, {saved.status_on(self.today)}){note}.</span>" + self.status.value
        )
        return saved


# -- the other records ------------------------------------------------------------------------------------
#: kind -> (class, [(field, widget type, label)]); widget types: text, area, date, number, choice, multi
_SPECS: dict[str, tuple[type, list[tuple[str, str, str]]]] = {
    "aim": (
        Aim,
        [
            ("what", "text", "What will improve"),
            ("how_much", "text", "By how much (with a number)"),
            ("by_when", "date", "By when"),
            ("for_whom", "text", "For whom"),
            ("statement", "area", "Or: the aim in one sentence"),
            ("measure", "choice", "Outcome measure"),
            ("baseline", "number", "Baseline (the measure now)"),
            ("target", "number", "Target (the value aimed for)"),
        ],
    ),
    "measure": (
        Measure,
        [
            ("name", "text", "Name"),
            ("kind", "choice", "Kind"),
            ("definition", "area", "Operational definition"),
            ("data_source", "text", "Data source"),
            ("collected_by", "text", "Who collects it"),
            ("frequency", "text", "When and how often"),
            ("sampling", "area", "Sampling plan"),
            ("missing", "area", "What counts as missing"),
            ("x", "text", "Date column (x)"),
            ("y", "text", "Column charted (y)"),
            ("n", "text", "Denominator column (n)"),
            ("chart", "choice", "Chart"),
            ("multiply", "number", "Multiply by"),
            ("improvement", "choice", "Better is"),
            ("dataset", "text", "Data file (CSV)"),
            ("unit", "text", "Unit"),
        ],
    ),
    "driver": (
        Driver,
        [("text", "area", "Driver"), ("parent", "choice", "Primary driver it acts on")],
    ),
    "change idea": (
        ChangeIdea,
        [
            ("text", "area", "Change idea"),
            ("drivers", "multi", "Drivers it acts on"),
            ("description", "area", "Detail"),
        ],
    ),
}


class RecordForm(_Form):
    """A notebook form for the aim, a measure (with its measurement plan), a driver or a change idea.

    Parameters
    ----------
    target : PDSAStore or Project
        Where the record is saved.
    kind : {"aim", "measure", "driver", "change_idea"}
        What the form edits.
    project : str, optional
        With a store holding several projects, which one.
    record : str, optional
        Id of a record to edit (default: a new one; the aim form always edits the aim).
    today : datetime.date, optional
        Today's date for the checks.

    Attributes
    ----------
    fields, messages, status, widget, saved
        As for :class:`PDSAForm`.

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools.widgets import RecordForm
    >>> store = qi.pdsa.MemoryStore()
    >>> _ = store.add_project(qi.pdsa.example_project())
    >>> form = RecordForm(store, "measure", record="M1")
    >>> form.fields["frequency"].value = "monthly, by the 5th working day"
    >>> form.submit().frequency
    'monthly, by the 5th working day'
    """

    def __init__(
        self,
        target: Any,
        kind: str,
        *,
        project: str | None = None,
        record: str | None = None,
        today: _dt.date | None = None,
    ) -> None:
        kinds = {"aim": "aim", "measure": "measure", "driver": "driver", "change_idea": "change idea",
                 "change idea": "change idea", "idea": "change idea"}  # fmt: skip
        if kind not in kinds:
            raise QIToolsError(f"`kind` must be 'aim', 'measure', 'driver' or 'change_idea'; got {kind!r}.")
        self.kind = kinds[kind]
        super().__init__(target, project=project, today=today)
        self.cls, spec = _SPECS[self.kind]
        self.spec = spec
        self.fields = {name: self._widget(name, how) for name, how, _ in spec}
        self.messages = {name: w.HTML() for name in self.fields}
        self.chooser = w.Dropdown(description=self.kind.capitalize(), layout=w.Layout(width="60%"))
        self.save_button.description = f"Save {self.kind}"
        rows = []
        for name, _, label in spec:
            head = w.HTML(f"<b>{html.escape(label)}</b>", layout=w.Layout(width="13em"))
            rows.append(w.VBox([w.HBox([head, self.fields[name]]), self.messages[name]]))
        top = [] if self.kind == "aim" else [self.chooser]
        if self.kind == "aim":
            self.remove_button.layout.display = "none"
        self.widget = w.VBox([*top, *rows, self._buttons(), self.status])
        self._fill_choices()
        for widget in self.fields.values():
            widget.observe(self._on_change, names="value")
        self.chooser.observe(self._on_choose, names="value")
        if self.kind == "aim":
            self._fill(self.project.aim)
        elif record is not None:
            self.chooser.value = record
        else:
            self._fill(None)

    def __repr__(self) -> str:
        return f"<RecordForm {self.kind} project={self.project.id!r} record={self._editing or 'new'}>"

    def _widget(self, name: str, how: str) -> Any:
        layout = w.Layout(width="95%")
        if how == "text":
            return w.Text(layout=layout)
        if how == "area":
            return w.Textarea(layout=w.Layout(width="95%", height="4em"))
        if how == "date":
            return w.DatePicker(value=None)
        if how == "number":
            return w.Text(placeholder="a number", layout=w.Layout(width="12em"))
        if how == "multi":
            return w.SelectMultiple(options=[], layout=layout)
        fixed = {
            "kind": ([("outcome", "outcome"), ("process", "process"), ("balancing", "balancing")], "– choose –"),
            "improvement": ([("higher", "increase"), ("lower", "decrease")], "– not set –"),
            "chart": (None, "– choose a chart –"),
        }
        if name == "chart":
            from ..api import CHART_TYPES

            return _dropdown([(f"{k}: {v}", k) for k, v in CHART_TYPES.items()], "– choose a chart –")
        if name in fixed:
            opts, prompt = fixed[name]
            return _dropdown(opts or [], prompt)
        prompts = {"measure": "– no measure chosen –", "parent": "– none: a primary driver –"}
        return _dropdown([], prompts.get(name, "– choose –"))

    def _fill_choices(self) -> None:
        p = self.project
        self._quiet = True
        try:
            if "measure" in self.fields:
                dd = self.fields["measure"]
                value = dd.value
                dd.options = [dd.options[0], *[(f"{m.id}: {m.name}", m.id) for m in p.measures]]
                dd.value = value if value in [v for _, v in dd.options] else _NONE
            if "parent" in self.fields:
                dd = self.fields["parent"]
                value = dd.value
                dd.options = [
                    dd.options[0],
                    *[(f"{d.id}: {d.text}", d.id) for d in p.drivers if d.level == "primary" and d.id != self._editing],
                ]
                dd.value = value if value in [v for _, v in dd.options] else _NONE
            if "drivers" in self.fields:
                sel = self.fields["drivers"]
                value = tuple(v for v in sel.value if v in {d.id for d in p.drivers})
                sel.options = [(f"{d.id}: {d.text}", d.id) for d in p.drivers]
                sel.value = value
            if self.kind != "aim":
                records = p._collection(self.kind)
                label = {"measure": "name"}.get(self.kind, "text")
                self.chooser.options = [(f"new {self.kind}", _NEW)] + [
                    (f"{r.id}: {getattr(r, label)}", r.id) for r in records
                ]
                self.chooser.value = self._editing or _NEW
        finally:
            self._quiet = False

    def values(self) -> dict[str, Any]:
        """The form's values as the record's fields (numbers as typed when they are not numbers)."""
        out: dict[str, Any] = {}
        for name, how, _ in self.spec:
            value = self.fields[name].value
            if how == "date":
                value = value.isoformat() if value else None
            elif how == "number":
                text = (value or "").strip()
                try:
                    value = float(text) if text else None
                except ValueError:
                    value = text
            elif how == "multi":
                value = list(value)
            elif how == "choice":
                value = _none(value)
            out[name] = value
        return out

    def record(self) -> Any:
        """The record the form describes now, with the version it was read at."""
        values = self.values()
        if self.kind == "driver":
            values["level"] = "secondary" if values.get("parent") else "primary"
        if self.kind == "measure":
            values["kind"] = values.get("kind") or "outcome"
            values["chart"] = values.get("chart") or "run"
            if values.get("multiply") is None:
                values["multiply"] = 1.0
        numbers = {k: values[k] for k, how, _ in self.spec if how == "number" and isinstance(values.get(k), str)}
        for k in numbers:
            values[k] = None
        rec = self.cls(**values) if self.kind == "aim" else self.cls(**values, id=self._editing)
        if self._loaded is not None:
            rec.stamp = self._loaded.stamp
        if self.kind != "aim" and rec.id is None:
            rec.id = self.project._next_id(rec)
        rec._bad_numbers = numbers  # type: ignore[attr-defined]
        return rec

    def problems(self) -> list[Any]:
        """The problems of the record as the form stands."""
        from ..pdsa.validate import Problem

        rec = self.record()
        out = [
            Problem("error", k, f"{self._label_of(k)} must be a number, such as 5.6; got {v!r}.", rec.label)
            for k, v in rec._bad_numbers.items()
        ]
        with in_form():
            return out + check(rec, self.project, today=self.today)

    def _label_of(self, name: str) -> str:
        return next(label for n, _, label in self.spec if n == name)

    def show_problems(self) -> list[Any]:
        """Check the record and show each problem next to its field; return the problems."""
        problems = self.problems()
        by_field: dict[str, list[Any]] = {}
        for p in problems:
            field = p.field if p.field in self.fields else ("how_much" if p.field == "how_much" else "")
            by_field.setdefault(field if field in self.fields else "", []).append(p)
        for name, box in self.messages.items():
            box.value = _render(by_field.get(name, []))
        self.status.value = _render(by_field.get("", []))
        return problems

    def _label(self, name: str) -> str:
        return next((label for n, _, label in self.spec if n == name), name)

    def _fill(self, record: Any) -> None:
        self._quiet = True
        try:
            self._editing = record.id if record is not None and self.kind != "aim" else None
            self._loaded = record.copy() if record is not None else None
            self._fill_choices()
            rec = record if record is not None else self.cls()
            for name, how, _ in self.spec:
                value = getattr(rec, name)
                widget = self.fields[name]
                if how == "date":
                    value = _dt.date.fromisoformat(value) if value else None
                elif how == "number":
                    value = "" if value is None else f"{value:g}"
                elif how == "multi":
                    value = tuple(v for v in value if v in [o[1] for o in widget.options])
                elif how == "choice":
                    value = value if value in [v for _, v in widget.options] else _NONE
                else:
                    value = value or ""
                widget.value = value
        finally:
            self._quiet = False
        self.show_problems()

    def _on_change(self, change: Any) -> None:
        if not self._quiet:
            self.show_problems()

    def _on_choose(self, change: Any) -> None:
        if self._quiet:
            return
        value = change["new"]
        self.project = self._load()
        self._fill(None if value in (None, _NEW) else self.project._get(self.kind, value))
        self.conflict = None
        self._show_reload(False)

    def submit(self, _button: Any = None) -> Any:
        """Save the record if it has no errors; show what happened. Returns the saved record or None."""
        problems = self.show_problems()
        errors = [p for p in problems if p.level == "error"]
        if errors:
            self.status.value = (
                f'<span style="color:{_COLOURS["error"]}"><b>Not saved</b>: {len(errors)} problem'
                f"{'s' if len(errors) > 1 else ''} to fix (shown in red).</span>" + self.status.value
            )
            return None
        rec = self.record()
        del rec._bad_numbers
        if self.kind != "aim" and self._editing is None:
            rec.id = None
        try:
            saved = self._put(rec)
        except QIToolsError as exc:
            self._fail(exc, self.values())
            return None
        self.saved = saved
        self.conflict = None
        self._show_reload(False)
        self.project = self._load()
        self._fill(self.project.aim if self.kind == "aim" else self.project._get(self.kind, saved.id))
        n_warn = len([p for p in problems if p.level == "warning"])
        note = f" ({n_warn} warning{'s' if n_warn > 1 else ''} shown)" if n_warn else ""
        name = "the aim" if self.kind == "aim" else f"{self.kind} {saved.id}"
        self.status.value = (
            f'<span style="color:{_COLOURS["ok"]}"><b>Saved</b> {html.escape(name)}{note}.</span>' + self.status.value
        )
        return saved


class ProjectForm:
    """The whole Model for Improvement record in one notebook form: aim, measures, drivers, change ideas, cycles.

    Parameters
    ----------
    target : PDSAStore or Project
        Where the records are saved.
    project : str, optional
        With a store holding several projects, which one.
    today : datetime.date, optional
        Today's date for the checks.

    Attributes
    ----------
    forms : dict
        ``"aim"``, ``"measure"``, ``"driver"``, ``"change idea"`` (:class:`RecordForm`) and
        ``"cycle"`` (:class:`PDSAForm`).
    widget : ipywidgets.Tab
        One tab per form. A record saved in one tab appears in the others' choices.
    """

    def __init__(self, target: Any, *, project: str | None = None, today: _dt.date | None = None) -> None:
        self.forms: dict[str, Any] = {
            "aim": RecordForm(target, "aim", project=project, today=today),
            "measure": RecordForm(target, "measure", project=project, today=today),
            "driver": RecordForm(target, "driver", project=project, today=today),
            "change idea": RecordForm(target, "change_idea", project=project, today=today),
            "cycle": PDSAForm(target, project=project, today=today),
        }
        titles = ["Aim", "Measures", "Drivers", "Change ideas", "PDSA cycles"]
        self.widget = w.Tab(children=[f.widget for f in self.forms.values()])
        for i, title in enumerate(titles):
            self.widget.set_title(i, title)
        for form in self.forms.values():
            form.save_button.on_click(self._refresh_others)
            form.remove_button.on_click(self._refresh_others)

    def _refresh_others(self, _button: Any = None) -> None:
        for form in self.forms.values():
            form.project = form._load()
            form._fill_choices()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def cycle_form(target: Any, *, project: str | None = None, cycle: str | None = None) -> PDSAForm:
    """Open a form to add (or, with ``cycle=``, edit) a PDSA cycle; display it in a notebook.

    Parameters
    ----------
    target : PDSAStore or Project
        Where the cycle is saved.
    project : str, optional
        With a store holding several projects, which one.
    cycle : str, optional
        Id of a cycle to edit.

    Returns
    -------
    PDSAForm
        Display it (the last line of a cell); ``form.saved`` is the cycle last saved.
    """
    return PDSAForm(target, project=project, cycle=cycle)


def record_form(target: Any, kind: str, *, project: str | None = None, record: str | None = None) -> RecordForm:
    """Open a form for the aim, a measure, a driver or a change idea (see :class:`RecordForm`)."""
    return RecordForm(target, kind, project=project, record=record)


def project_form(target: Any, *, project: str | None = None) -> ProjectForm:
    """Open the whole project in one form: a tab each for the aim, measures, drivers, change ideas and cycles."""
    return ProjectForm(target, project=project)
