"""PDSA cycle tracking: the Model for Improvement recorded, checked, shared and linked to the charts.

A **project** has an aim (what, how much, by when, for whom), a family of **measures** (outcome,
process, balancing; each with its operational definition and the dataset column it charts), a
**driver diagram** (aim -> primary drivers -> secondary drivers -> change ideas) and **PDSA
cycles**, each testing one change idea with a plan (objective, questions, predictions, who /
what / when / where, data to collect, scale), a do (what happened, observations, problems), a
study (results against the predictions, learning) and an act (adopt, adapt or abandon, and the
next step). Cycles testing one change idea at growing scale form a **ramp**.

>>> import qitools as qi
>>> store = qi.pdsa.open(":memory:")                      # a file: qi.pdsa.open("team.pdsa")
>>> p = store.new_project("Fewer falls", aim=qi.pdsa.Aim(what="Reduce falls", how_much="by 30%",
...                       by_when="2030-03-31", for_whom="patients on Ward 7"))
>>> idea = store.put(qi.pdsa.ChangeIdea("Bay tagging"))
>>> c1 = store.put(qi.pdsa.PDSACycle(change_idea=idea.id, objective="Can night staff keep one bay tagged?",
...                predictions=["The bay is never left unattended"], scale="1 bay, 1 night", scale_n=1,
...                start_date="2024-02-05", end_date="2024-02-06"))
>>> c1.id, c1.status
('C1', 'done')

Main names: :func:`open` (an SQLite store), :class:`Project`, :class:`Aim`, :class:`Measure`
(with its operational definition and measurement plan), :class:`Driver`, :class:`ChangeIdea`,
:class:`Ramp`, :class:`PDSACycle`, :class:`CauseEffect` (fishbone), :class:`ProcessMap`,
:func:`check` / :func:`validate`, :func:`overdue`, :func:`load_json` / :func:`to_json`,
:func:`to_csv` / :func:`read_csv`, :func:`report`, :func:`chart_marks` (a project's cycles as
marks for any chart; :func:`match_measure` finds the measure a chart's columns are, and
:func:`plot_with_cycles` draws them with readable labels), :func:`cycle_annotations`, :func:`measure_chart`, the drawings
:func:`draw_chart`, :func:`draw_ramps`, :func:`draw_driver_diagram`, and
:func:`example_project` / :func:`example_data` (a small synthetic falls project).

A team sharing one store file: each record has a version, and a save made from an old copy
raises :class:`QIConflictError` (nothing is lost); ``store.history()`` says who changed what and
when; the measures' data is kept in the file (``store.put_data``). See :mod:`qitools.pdsa.store`.

The JSON format
---------------
One project per file, UTF-8, written by :func:`to_json` and read by :func:`load_json` (also
``Project.from_json``). A round trip through it is lossless. Hand-written files may leave out
any field that has a default, any empty list and the whole ``ramps`` list (each cycle that names
no ramp then joins its change idea's ramp, created as ``R1``, ``R2``...). Unknown keys are
refused with the closest known name (a misspelt field would otherwise be lost). Ids are short
text, unique within their list; records refer to each other by id (the ``#`` comments below are
explanations, not part of the file)::

    {
      "format": "qitools-pdsa", "format_version": 2,          # optional; checked when present
      "id": "ward-falls", "title": "Fewer falls on Wards 7 and 8",
      "team": "Ward 7 and 8 falls group", "description": "", "created": "2023-12-01",
      "aim": {"what": "Reduce inpatient falls", "how_much": "by 30% (8 to 5.6 per 1000 bed days)",
              "by_when": "2024-12-31", "for_whom": "patients on Wards 7 and 8",
              "statement": "",            # the aim in the team's words (else composed from the parts)
              "measure": "M1", "baseline": 8.0, "target": 5.6},
      "measures": [
        {"id": "M1", "name": "Falls per 1000 bed days", "kind": "outcome",      # outcome|process|balancing
         "definition": "All inpatient falls reported on Datix ...",           # the operational definition
         "x": "month", "y": "falls", "n": "bed_days",                       # dataset columns
         "chart": "u", "multiply": 1000, "improvement": "decrease",
         "dataset": "ward_falls",         # a bundled dataset name, or a CSV file relative to this file
         "subset": {"ward": ["Ash", "Cedar"]},   # only these rows of the dataset ({} for all)
         "unit": "falls per 1000 bed days",
         "data_source": "Datix incident reports", "collected_by": "Ward clerk",   # the measurement plan
         "frequency": "monthly, by the 5th working day", "sampling": "every fall",
         "missing": "a month without bed days is left off the chart"}
      ],
      "drivers": [
        {"id": "P1", "text": "Patients at risk are watched", "level": "primary", "parent": null},
        {"id": "S1", "text": "Staff present in bays", "level": "secondary", "parent": "P1"}
      ],
      "change_ideas": [{"id": "CI1", "text": "Bay tagging", "drivers": ["S1"], "description": ""}],
      "ramps": [{"id": "R1", "change_idea": "CI1", "title": ""}],
      "cycles": [
        {"id": "C1", "title": "", "change_idea": "CI1", "ramp": "R1", "previous": null, "measure": "M1",
         "plan": {"date": "2024-02-01", "objective": "...", "questions": ["..."], "predictions": ["..."],
                  "who": "", "what": "", "when": "", "where": "", "data_to_collect": "",
                  "scale": "1 bay, 1 night", "scale_n": 1, "due_date": "2024-02-12"},
         "do": {"start_date": "2024-02-05", "end_date": "2024-02-06",
                "what_happened": "", "observations": "", "problems": ""},
         "study": {"date": "2024-02-08", "results": "", "learning": "", "prediction_held": "yes"},
         "act": {"decision": "adapt", "date": "2024-02-08", "next": "Try a whole night shift"}}
      ],
      "cause_effects": [{"id": "CE1", "title": "", "effect": "Falls at night",
                         "categories": {"People": ["Agency staff", {"Fatigue": ["12-hour shifts"]}]}}],
      "process_maps": [{"id": "PM1", "title": "Sepsis: arrival to first dose",
                        "steps": ["Patient arrives", "Triage",
                                  {"step": "Sepsis screen positive?", "kind": "decision", "no": "end"},
                                  {"step": "Wait for a doctor to prescribe", "kind": "delay",
                                   "wait": "45 minutes"},
                                  "First antibiotic dose"]}],
      "data": {"falls.csv": {"format": "csv", "text": "month,falls,bed_days\n2024-01-01,22,3248\n..."}},
      "history": [{"kind": "cycle", "record": "C1", "action": "changed", "version": 2,
                   "changed_at": "2024-02-08T14:03:12+00:00", "changed_by": "Sam Patel",
                   "changes": {"learning": ["", "Nights need a relief nurse"]}}]
    }

``data`` keeps the measures' data (each measure's ``dataset`` names one table) and ``history``
is the change history (who changed what, when); both are filled in by a store and may be left
out. Version 1 files (without them, and without the measurement plan) are read as they are.
Dates are ISO-8601 ``YYYY-MM-DD``; ``scale_n`` is a whole number of patients (staff, bays) in the
test; ``prediction_held`` is ``yes``, ``partly`` or ``no``; ``act.decision`` is ``adopt``,
``adapt`` or ``abandon``. A cycle may also be written flat, with the field names of
:class:`PDSACycle` (``"objective"``, ``"start_date"``, ``"act": "adopt"``, ``"act_notes"``...).
For the cycles to appear on a measure's chart, the measure's ``x`` column must hold dates.
"""

from __future__ import annotations

from .charts import chart_marks, cycle_annotations, cycles_outside, match_measure, measure_chart, signals_during
from .draw import draw_chart, draw_driver_diagram, draw_ramps, plot_with_cycles, tidy_cycle_labels
from .example import example_data, example_project
from .export import load_json, read_csv, report, system_picture, to_csv, to_json
from .model import (
    ACT_DECISIONS,
    DRIVER_LEVELS,
    MEASURE_KINDS,
    PLAN_FIELDS,
    PREDICTION_OUTCOMES,
    STEP_KINDS,
    Aim,
    CauseEffect,
    ChangeIdea,
    Driver,
    Measure,
    PDSACycle,
    ProcessMap,
    Project,
    Ramp,
    Stamp,
)
from .store import SCHEMA_VERSION, MemoryStore, PDSAStore, QIConflictError, SQLiteStore, open_store
from .validate import PDSAWarning, Problem, check, validate

#: Open (or create) a PDSA store file: ``qi.pdsa.open("team.pdsa")`` (see :func:`open_store`).
open = open_store  # noqa: A001 - the name the course and the issue use


def overdue(project: Project, today=None):  # type: ignore[no-untyped-def]
    """The late cycles of a project: see :meth:`Project.overdue` (``qitools pdsa overdue`` on the command line)."""
    return project.overdue(today)


__all__ = [
    "open",
    "open_store",
    "Project",
    "Aim",
    "Measure",
    "Driver",
    "ChangeIdea",
    "Ramp",
    "PDSACycle",
    "CauseEffect",
    "ProcessMap",
    "Stamp",
    "PDSAStore",
    "QIConflictError",
    "overdue",
    "chart_marks",
    "match_measure",
    "plot_with_cycles",
    "cycles_outside",
    "tidy_cycle_labels",
    "system_picture",
    "PLAN_FIELDS",
    "STEP_KINDS",
    "SQLiteStore",
    "MemoryStore",
    "SCHEMA_VERSION",
    "check",
    "validate",
    "Problem",
    "PDSAWarning",
    "load_json",
    "to_json",
    "to_csv",
    "read_csv",
    "report",
    "cycle_annotations",
    "measure_chart",
    "signals_during",
    "draw_chart",
    "draw_ramps",
    "draw_driver_diagram",
    "example_project",
    "example_data",
    "ACT_DECISIONS",
    "MEASURE_KINDS",
    "DRIVER_LEVELS",
    "PREDICTION_OUTCOMES",
]
