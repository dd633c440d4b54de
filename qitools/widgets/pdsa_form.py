"""A notebook form to add or edit a PDSA cycle, with the checks shown next to the fields.

The form only calls :mod:`qitools.pdsa`: it builds a :class:`~qitools.pdsa.PDSACycle` from the
fields, runs :func:`qitools.pdsa.check` on every change (so a missing prediction or dates out of
order show at once, in plain English, beside the field concerned), and on **Save** puts the
cycle into the store (or the in-memory project). Nothing is saved while there are errors.
"""

from __future__ import annotations

import datetime as _dt
import html
import warnings
from typing import Any

import ipywidgets as w

from ..pdsa import PDSACycle, PDSAStore, Project, check
from ..spc.errors import QIToolsError, QIToolsWarning

__all__ = ["PDSAForm", "cycle_form"]

_NEW = "__new__"
_TEXT = ("title", "who", "what", "when", "where", "data_to_collect", "scale")
_AREAS = ("objective", "what_happened", "observations", "problems", "results", "learning", "act_notes")
_LISTS = ("predictions", "questions")
_DATES = ("plan_date", "start_date", "end_date", "study_date", "act_date")
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
    ),
    "Do": ("start_date", "end_date", "what_happened", "observations", "problems"),
    "Study": ("study_date", "results", "learning", "prediction_held"),
    "Act": ("act", "act_date", "act_notes"),
}
_COLOURS = {"error": "#b2182b", "warning": "#a35a00"}


class PDSAForm:
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
        Field name (as in :class:`~qitools.pdsa.PDSACycle`) -> its widget.
    messages : dict
        Field name -> the HTML widget showing that field's problems.
    status : ipywidgets.HTML
        The result of the last save, and problems not tied to one field.
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
    >>> form.fields["change_idea"].value = "CI3"
    >>> form.fields["objective"].value = "Does rounding work at weekends?"
    >>> form.submit() is None       # no prediction: saved, with a warning shown
    False
    >>> print(form.messages["predictions"].value[:60])
    <span style="color:#a35a00">⚠ Cycle 'C11' has no prediction.
    """

    def __init__(
        self, target: Any, *, project: str | None = None, cycle: str | None = None, today: _dt.date | None = None
    ) -> None:
        if not isinstance(target, (PDSAStore, Project)):
            raise QIToolsError(
                "PDSAForm needs a PDSA store (qi.pdsa.open('team.pdsa')) or a qi.pdsa.Project; "
                f"got {type(target).__name__}."
            )
        self.target = target
        self.project_id = project
        self.today = today
        self.saved: PDSACycle | None = None
        self._editing: str | None = None
        self._quiet = False
        self.project = self._load()

        layout = w.Layout(width="95%")
        self.fields: dict[str, Any] = {}
        for name in _TEXT:
            self.fields[name] = w.Text(layout=layout)
        for name in (*_AREAS, *_LISTS):
            self.fields[name] = w.Textarea(layout=w.Layout(width="95%", height="4.5em"))
        for name in _DATES:
            self.fields[name] = w.DatePicker(value=None)
        self.fields["scale_n"] = w.Text(placeholder="e.g. 6 (patients, staff or bays)")
        self.fields["change_idea"] = w.Dropdown(layout=layout)
        self.fields["measure"] = w.Dropdown(layout=layout)
        self.fields["ramp"] = w.Dropdown(layout=layout)
        self.fields["previous"] = w.Dropdown(layout=layout)
        self.fields["prediction_held"] = w.Dropdown(
            options=[("–", None), ("yes", "yes"), ("partly", "partly"), ("no", "no")]
        )
        self.fields["act"] = w.Dropdown(
            options=[("not decided", None), ("adopt", "adopt"), ("adapt", "adapt"), ("abandon", "abandon")]
        )
        self.messages: dict[str, Any] = {name: w.HTML() for name in self.fields}
        self.chooser = w.Dropdown(description="Cycle", layout=w.Layout(width="60%"))
        self.save_button = w.Button(description="Save cycle", button_style="primary", icon="check")
        self.status = w.HTML()
        self._fill_choices()

        def row(name: str) -> Any:
            label = w.HTML(f"<b>{html.escape(_LABELS[name])}</b>", layout=w.Layout(width="11em"))
            return w.VBox([w.HBox([label, self.fields[name]]), self.messages[name]])

        links = w.VBox([row(n) for n in ("change_idea", "measure", "ramp", "previous", "title")])
        tabs = w.Tab(children=[w.VBox([row(n) for n in names]) for names in _STAGES.values()])
        for i, stage in enumerate(_STAGES):
            tabs.set_title(i, stage)
        self.widget = w.VBox([self.chooser, links, tabs, w.HBox([self.save_button]), self.status])

        self.chooser.observe(self._on_choose, names="value")
        self.save_button.on_click(self.submit)
        for widget in self.fields.values():
            widget.observe(self._on_change, names="value")
        if cycle is not None:
            self.chooser.value = cycle  # fills the form and shows its problems

    # -- display ---------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<PDSAForm project={self.project.id!r} cycle={self._editing or 'new'}>"

    # -- data ------------------------------------------------------------------------------------
    def _load(self) -> Project:
        if isinstance(self.target, Project):
            return self.target
        return self.target.load(self.project_id)

    def _fill_choices(self) -> None:
        p = self.project
        self._quiet = True
        try:
            self.fields["change_idea"].options = [("– choose –", None)] + [
                (f"{c.id}: {c.text}", c.id) for c in p.change_ideas
            ]
            self.fields["measure"].options = [("–", None)] + [(f"{m.id}: {m.name}", m.id) for m in p.measures]
            self.fields["ramp"].options = [("the change idea's ramp", None)] + [
                (f"{r.id}: {p.ramp_title(r)}", r.id) for r in p.ramps
            ]
            self.fields["previous"].options = [("–", None)] + [
                (f"{c.id}: {p.cycle_title(c)}", c.id) for c in p.cycles if c.id != self._editing
            ]
            self.chooser.options = [("new cycle", _NEW)] + [
                (f"{c.id}: {p.cycle_title(c)} ({c.status})", c.id) for c in p.cycles
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
            out[name] = value
        return out

    def cycle(self) -> PDSACycle:
        """The cycle the form describes now (not saved, not checked)."""
        values = self.values()
        scale_n = values.pop("scale_n")
        c = PDSACycle(**values, id=self._editing)
        c.scale_n = scale_n
        if c.id is None:  # show the id it will get, so that messages name it
            c.id = self.project._next_id(c)
        return c

    def set_cycle(self, cycle: PDSACycle | None) -> None:
        """Fill the form with a cycle (None: empty it for a new cycle)."""
        self._quiet = True
        try:
            c = cycle or PDSACycle()
            self._editing = cycle.id if cycle is not None else None
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
        return extra + check(c, self.project, today=self.today)

    def show_problems(self) -> list[Any]:
        """Check the cycle and show each problem next to its field; return the problems."""
        problems = self.problems()
        by_field: dict[str, list[Any]] = {}
        for p in problems:
            by_field.setdefault(p.field if p.field in self.fields else "", []).append(p)
        for name, box in self.messages.items():
            box.value = _render(by_field.get(name, []))
        general = by_field.get("", [])
        self.status.value = _render(general)
        return problems

    def _on_change(self, change: Any) -> None:
        if not self._quiet:
            self.show_problems()

    def _on_choose(self, change: Any) -> None:
        if self._quiet:
            return
        value = change["new"]
        self.set_cycle(None if value in (None, _NEW) else self.project.cycle(value))

    # -- saving ----------------------------------------------------------------------------------
    def submit(self, _button: Any = None) -> PDSACycle | None:
        """Save the cycle if it has no errors; show what happened. Returns the saved cycle or None."""
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
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", QIToolsWarning)  # already shown next to the fields
                saved = (
                    self.target.put(c, project=self.project_id)
                    if isinstance(self.target, PDSAStore)
                    else self.target.put(c)
                )
        except QIToolsError as exc:
            self.status.value = (
                f'<span style="color:{_COLOURS["error"]}"><b>Not saved</b>: {html.escape(str(exc), quote=False)}</span>'
            )
            return None
        self.saved = saved
        self.project = self._load()
        self._editing = saved.id
        self._fill_choices()
        self.show_problems()
        n_warn = len([p for p in problems if p.level == "warning"])
        note = f" ({n_warn} warning{'s' if n_warn > 1 else ''} shown)" if n_warn else ""
        self.status.value = (
            f'<span style="color:#1b7837"><b>Saved</b> cycle {html.escape(str(saved.id))} '
            f"(ramp {html.escape(str(saved.ramp))}, {saved.status}){note}.</span>" + self.status.value
        )
        return saved


def _render(problems: list[Any]) -> str:
    if not problems:
        return ""
    return "<br>".join(
        f'<span style="color:{_COLOURS.get(p.level, "#000")}">{"✖" if p.level == "error" else "⚠"} '
        f"{html.escape(p.message, quote=False)}</span>"
        for p in problems
    )


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
