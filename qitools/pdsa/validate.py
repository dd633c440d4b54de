"""Checks that teach the discipline of the Model for Improvement, in plain English.

Every rule returns :class:`Problem` objects (an error or a warning, the field it is about and a
message saying what is wrong, why it matters and how to fix it), so that a form can show them
next to the fields. :func:`validate` raises the errors as one :class:`~qitools.QIValueError` and
issues the warnings as :class:`PDSAWarning`.

The rules for a cycle:

* it tests one change idea of the project, and has an objective;
* it has at least one prediction (a warning: without one it is not a test);
* dates are ISO-8601 (``YYYY-MM-DD``) and in order: plan, start, end, study, act;
* it cannot be studied before it is done, nor acted on before it is studied, nor studied
  before its end date has passed;
* the Act decision is one of ``adopt``, ``adapt``, ``abandon``;
* no date is in the future once it has happened (study and act dates), and no date is so far
  from today that it must be a typo (before 1950, or more than two years ahead: "2207");
* ``scale_n`` is a whole number of at least 1; a ramp that grows more than about 5 times in one
  step gets a warning (a rule of thumb, not a rule: Langley et al. scale a test by the team's
  degree of belief in the change, the cost of a failure and how ready people are);
* the measure, ramp and previous cycle it names exist, in the same ramp and earlier.

An aim gets a warning when it is empty, leaves out what, how much, by when or for whom, or has
no number (an aim of "a lot" cannot be met or missed). Cause and effect diagrams and process
maps are checked for the shapes :func:`qitools.cause_effect_diagram` and
:func:`qitools.process_map` draw.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..spc.errors import QIToolsWarning, QIValueError
from ._voice import field as _f
from ._voice import say

__all__ = ["Problem", "PDSAWarning", "check", "validate", "parse_date", "MAX_SCALE_STEP", "aim_change_problems"]

#: A rule of thumb: a ramp's next cycle involves at most about this many times the units of the last
#: one (a warning, never an error).
MAX_SCALE_STEP = 5
#: dates before this year are typos (no PDSA record is that old)
_EARLIEST_YEAR = 1950
#: dates more than this many days ahead of today are typos ("2207" for "2027")
_LATEST_AHEAD_DAYS = 2 * 366

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_ORDER = (
    ("plan_date", "planned"),
    ("start_date", "started"),
    ("end_date", "ended"),
    ("study_date", "studied"),
    ("act_date", "decided"),
)


class PDSAWarning(QIToolsWarning):
    """A PDSA record can be kept but breaks good practice (no prediction, a big jump in scale...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found by the checks.

    Attributes
    ----------
    level : {"error", "warning"}
        Errors stop the record being saved; warnings are advice.
    field : str
        The field the problem is about (``"act"``, ``"end_date"``), or ``""`` for the whole record.
    message : str
        What is wrong, why it matters and how to fix it.
    record : str
        Which record (``"cycle 'C3'"``).
    """

    level: str
    field: str
    message: str
    record: str = ""

    def __str__(self) -> str:
        return self.message


def parse_date(value: Any) -> _dt.date | None:
    """The date of an ISO-8601 text (``"2024-03-05"``), or None when missing or not such a date.

    Examples
    --------
    >>> from qitools.pdsa.validate import parse_date
    >>> parse_date("2024-03-05"), parse_date("05/03/2024"), parse_date(None)
    (datetime.date(2024, 3, 5), None, None)
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or not _ISO.match(value.strip()):
        return None
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_of(name: str, value: Any, allowed: Iterable[str], why: str) -> str | None:
    """The message for a value outside ``allowed`` (None when it is fine)."""
    allowed = list(allowed)
    if value in allowed:
        return None
    listing = ", ".join(repr(a) for a in allowed)
    tip = ""
    if isinstance(value, str):
        if value.strip().lower() in allowed:
            tip = f" The values are lower-case: use {value.strip().lower()!r}."
        else:
            close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
    return f"{_f(name)} must be one of {listing}; got {value!r}.{tip} {why}".strip()


def _id_problems(rec: Any, label: str) -> list[Problem]:
    rid = getattr(rec, "id", None)
    if rid is None:
        return []
    if not isinstance(rid, str) or not rid.strip() or len(rid) > 64 or any(ch in rid for ch in "\r\n\t"):
        return [
            Problem(
                "error",
                "id",
                f"The id {rid!r} of {label} is not usable. Ids are short text (at most 64 characters, no line "
                "breaks) that other records use to refer to this one; leave it empty to number it automatically.",
                label,
            )
        ]
    return []


def _ref_problem(project: Any, kind: str, ref: Any, field: str, label: str, why: str) -> Problem | None:
    if ref is None or project is None or project._find(kind, ref) is not None:
        return None
    ids = [str(r.id) for r in project._collection(kind)]
    close = difflib.get_close_matches(str(ref), ids, n=1, cutoff=0.5)
    tip = f" Did you mean {close[0]!r}?" if close else ""
    have = f"The project has {', '.join(repr(i) for i in ids[:12])}." if ids else f"The project has no {kind}s yet."
    return Problem(
        "error",
        field,
        f"{_cap(label)} refers to {kind} {ref!r}, which is not in project {project.id!r}.{tip} {have} {why}",
        label,
    )


def _scalar(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) and not (isinstance(v, float) and not math.isfinite(v))


def _number_problem(name: str, value: Any, label: str) -> Problem | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return Problem("error", name, f"{_f(name)} of {label} must be a number; got {value!r}.", label)
    return None


def _implausible(
    name: str, d: _dt.date, label: str, today: _dt.date, ahead_days: int = _LATEST_AHEAD_DAYS
) -> Problem | None:
    """An error for a date that must be a typo: before 1950, or far in the future."""
    if d.year < _EARLIEST_YEAR:
        return Problem(
            "error",
            name,
            f"{_f(name)} of {label} is {d.isoformat()}, before {_EARLIEST_YEAR}: that looks like a typo in the "
            "year. Check the date (YYYY-MM-DD).",
            label,
        )
    if (d - today).days > ahead_days:
        return Problem(
            "error",
            name,
            f"{_f(name)} of {label} is {d.isoformat()}, more than {ahead_days // 366} years from today "
            f"({today.isoformat()}): that looks like a typo in the year. Check the date (YYYY-MM-DD).",
            label,
        )
    return None


_DATE_BITS = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
_AMOUNT_WORDS = re.compile(
    r"\b(?:half|halve|halved|double|doubled|twice|zero|third|quarter|per\s?cent)\b|%", re.IGNORECASE
)


def _has_amount(text: str) -> bool:
    """Whether an aim's text says how much with a number (dates do not count)."""
    rest = _DATE_BITS.sub(" ", text)
    return bool(re.search(r"\d", rest) or _AMOUNT_WORDS.search(rest))


# -- one check per record type ----------------------------------------------------------------------
def check_aim(aim: Any, project: Any = None, *, today: _dt.date | None = None) -> list[Problem]:
    """Problems of an aim statement: an unreadable or implausible date; empty, incomplete or no number (warnings)."""
    today = today or _dt.date.today()
    label = "the aim"
    out: list[Problem] = []
    if aim.by_when is not None:
        d = parse_date(aim.by_when)
        if d is None:
            out.append(_date_problem("by_when", aim.by_when, label))
        else:
            p = _implausible("by_when", d, label, today, ahead_days=10 * 366)
            if p:
                out.append(p)
    parts = (("what", aim.what), ("how much", aim.how_much), ("for whom", aim.for_whom))
    if not aim.statement.strip() and not any(str(v).strip() for _, v in parts) and aim.by_when is None:
        out.append(
            Problem(
                "warning",
                "what",
                "The project has no aim yet. Write what will improve, by how much, by when and for whom "
                "(e.g. 'Reduce falls by 30%, from 8 to 5.6 per 1000 bed days, by 31 March 2026, for patients on "
                "Ward 7'): the aim is the first question of the Model for Improvement.",
                label,
            )
        )
    elif not aim.statement.strip():
        missing = [name for name, value in parts if not str(value).strip()]
        if aim.by_when is None:
            missing.append("by when")
        if missing:
            out.append(
                Problem(
                    "warning",
                    missing[0].replace(" ", "_"),
                    f"The aim does not say {' or '.join(missing)}. A useful aim says what will improve, by how "
                    "much, by when and for whom, so that the team can tell when it has been met "
                    "(IHI Model for Improvement).",
                    label,
                )
            )
    how_much = aim.how_much.strip() if not aim.statement.strip() else aim.statement.strip()
    has_number = _has_amount(how_much) or aim.target is not None
    if how_much and not has_number:
        field = "how_much" if not aim.statement.strip() else "statement"
        out.append(
            Problem(
                "warning",
                field,
                f"The aim has no number ({how_much!r}). Say how much, with a number ('by 30%', 'from 8 to 5.6 "
                "falls per 1000 bed days'), or set the aim's target: without one nobody can tell whether the aim "
                "has been met.",
                label,
            )
        )
    for name in ("baseline", "target"):
        p = _number_problem(name, getattr(aim, name), label)
        if p:
            out.append(p)
    if project is not None and aim.measure is not None:
        p = _ref_problem(project, "measure", aim.measure, "measure", label, "Name the outcome measure of the aim.")
        if p:
            out.append(p)
    return out


def aim_change_problems(old: Any, new: Any, *, today: _dt.date | None = None) -> list[Problem]:
    """Warnings for an aim being set or changed: a ``by_when`` date that has already passed.

    An old project's aim date passes in time and that is not a problem; setting a date that is
    already past is (usually a typo in the year).
    """
    today = today or _dt.date.today()
    d = parse_date(new.by_when)
    if d is None or (old is not None and old.by_when == new.by_when) or d >= today:
        return []
    return [
        Problem(
            "warning",
            "by_when",
            f"The aim's date ({d.isoformat()}) has already passed. An aim looks ahead: check the year, or set the "
            "date by which the team means to meet it.",
            "the aim",
        )
    ]


def check_measure(m: Any, project: Any = None) -> list[Problem]:
    """Problems of a measure: name, kind, chart type, scale; no operational definition is a warning."""
    from ..api import CHART_TYPES

    label = m.label
    out = _id_problems(m, label)
    if not str(m.name).strip():
        out.append(
            Problem(
                "error",
                "name",
                f"{_cap(label)} has no name. Say what is measured, e.g. 'Falls per 1000 bed days'.",
                label,
            )
        )
    msg = _one_of(
        "kind",
        m.kind,
        ("outcome", "process", "balancing"),
        "Outcome measures show the result for patients, process measures whether the changes are being "
        "made, balancing measures whether something else got worse.",
    )
    if msg:
        out.append(Problem("error", "kind", msg, label))
    msg = _one_of(
        "chart",
        m.chart,
        CHART_TYPES,
        say(
            "It is the chart type passed to qi.control_chart().",
            "It is the chart type, as in `qitools chart --chart`.",
            "It is the type of control chart.",
        ),
    )
    if msg:
        out.append(Problem("error", "chart", msg, label))
    p = _number_problem("multiply", m.multiply, label)
    if p:
        out.append(p)
    elif m.multiply is not None and m.multiply <= 0:
        out.append(
            Problem(
                "error",
                "multiply",
                f"{_f('multiply')} of {label} must be greater than 0; got {m.multiply!r}. "
                "It scales the chart, e.g. 1000 for 'per 1000 bed days'.",
                label,
            )
        )
    if m.improvement is not None:
        msg = _one_of("improvement", m.improvement, ("increase", "decrease"), "Which direction is better?")
        if msg:
            out.append(Problem("error", "improvement", msg, label))
    subset_ok = isinstance(m.subset, dict) and all(
        isinstance(k, str) and (_scalar(v) or (isinstance(v, list) and v and all(_scalar(i) for i in v)))
        for k, v in m.subset.items()
    )
    if not subset_ok:
        out.append(
            Problem(
                "error",
                "subset",
                f"`subset` of {label} must map column names to a value or a list of "
                f"values, e.g. {{'ward': 'Ash'}} or {{'ward': ['Ash', 'Cedar']}}; got "
                f"{m.subset!r}.",
                label,
            )
        )
    if not str(m.definition).strip():
        out.append(
            Problem(
                "warning",
                "definition",
                f"{_cap(label)} ({m.name or 'no name'}) has no operational definition. Write down exactly what is "
                "counted, from which source and how often, so that everyone collecting the data counts the same thing.",
                label,
            )
        )
    return out


def check_driver(d: Any, project: Any = None) -> list[Problem]:
    """Problems of a driver: text, level, and its parent (secondary drivers hang from a primary one)."""
    label = d.label
    out = _id_problems(d, label)
    if not str(d.text).strip():
        out.append(Problem("error", "text", f"{_cap(label)} has no text. Say what drives the aim.", label))
    msg = _one_of(
        "level",
        d.level,
        ("primary", "secondary"),
        "Primary drivers act on the aim directly; secondary drivers act on a primary driver.",
    )
    if msg:
        out.append(Problem("error", "level", msg, label))
    elif d.level == "primary" and d.parent is not None:
        out.append(
            Problem(
                "error",
                "parent",
                f"{_cap(label)} is a primary driver but has a parent ({d.parent!r}). "
                "Primary drivers hang from the aim: leave parent empty, or make it a "
                "secondary driver.",
                label,
            )
        )
    elif d.level == "secondary" and d.parent is None:
        out.append(
            Problem(
                "error",
                "parent",
                f"{_cap(label)} is a secondary driver without a parent. Set parent to "
                "the id of the primary driver it acts on.",
                label,
            )
        )
    elif d.level == "secondary" and project is not None:
        p = _ref_problem(project, "driver", d.parent, "parent", label, "Add the primary driver first.")
        if p:
            out.append(p)
        else:
            parent = project._find("driver", d.parent)
            if parent is not None and parent.level != "primary":
                out.append(
                    Problem(
                        "error",
                        "parent",
                        f"{_cap(label)} hangs from {d.parent!r}, which is a "
                        "secondary driver. A driver diagram has two levels of "
                        "drivers: give it a primary driver as parent.",
                        label,
                    )
                )
    return out


def check_change_idea(ci: Any, project: Any = None) -> list[Problem]:
    """Problems of a change idea: text and the drivers it acts on."""
    label = ci.label
    out = _id_problems(ci, label)
    if not str(ci.text).strip():
        out.append(Problem("error", "text", f"{_cap(label)} has no text. Say what change will be tested.", label))
    if not isinstance(ci.drivers, list) or not all(isinstance(d, str) for d in ci.drivers):
        out.append(
            Problem(
                "error", "drivers", f"`drivers` of {label} must be a list of driver ids; got {ci.drivers!r}.", label
            )
        )
        return out
    for ref in ci.drivers:
        p = _ref_problem(project, "driver", ref, "drivers", label, "Add the driver first, or fix the id.")
        if p:
            out.append(p)
    return out


def check_ramp(r: Any, project: Any = None) -> list[Problem]:
    """Problems of a ramp: it tests one change idea of the project."""
    label = r.label
    out = _id_problems(r, label)
    if r.change_idea is None:
        out.append(
            Problem(
                "error",
                "change_idea",
                f"{_cap(label)} does not say which change idea it tests. A ramp "
                "is a series of cycles testing one change idea.",
                label,
            )
        )
    else:
        p = _ref_problem(project, "change idea", r.change_idea, "change_idea", label, "Add the change idea first.")
        if p:
            out.append(p)
    return out


def _date_problem(name: str, value: Any, label: str) -> Problem:
    text = str(value)
    if isinstance(value, str) and re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$", value.strip()):
        why = (
            f"Dates like {text} mean one day in the UK and another in the US, so qitools only accepts "
            "year-month-day: write it as YYYY-MM-DD (e.g. 2024-03-05 for 5 March 2024)."
        )
    elif isinstance(value, str) and _ISO.match(value.strip()):
        why = "That day does not exist: check the month and the day."
    else:
        why = "Write dates as ISO-8601 year-month-day, YYYY-MM-DD (e.g. 2024-03-05 for 5 March 2024)."
    return Problem("error", name, f"{_f(name)} of {label} is not a date: {text!r}. {why}", label)


def check_cycle(c: Any, project: Any = None, *, today: _dt.date | None = None) -> list[Problem]:
    """Problems of a PDSA cycle (see the module docstring for the rules).

    Parameters
    ----------
    c : PDSACycle
        The cycle.
    project : Project, optional
        The project it belongs to (or will): needed to check the change idea, measure, ramp and
        previous cycle it names, and the growth of scale along its ramp.
    today : datetime.date, optional
        Today's date (for the rule that a cycle cannot be studied before its end date).

    Returns
    -------
    list of Problem
    """
    today = today or _dt.date.today()
    label = c.label
    out = _id_problems(c, label)

    # -- plan --
    if c.change_idea is None:
        ideas = [str(ci.id) for ci in project.change_ideas] if project is not None else []
        have = f" The project has {', '.join(repr(i) for i in ideas[:12])}." if ideas else " Add the change idea first."
        out.append(
            Problem(
                "error",
                "change_idea",
                f"{_cap(label)} does not say which change idea it tests. Every "
                "PDSA cycle tests one change idea: set "
                + say("change_idea", "it with --idea", "it under 'Change idea'")
                + f".{have}",
                label,
            )
        )
    else:
        p = _ref_problem(
            project, "change idea", c.change_idea, "change_idea", label, "Add the change idea first, or fix the id."
        )
        if p:
            out.append(p)
    if not str(c.objective).strip():
        out.append(
            Problem(
                "error",
                "objective",
                f"{_cap(label)} has no objective. A plan starts with what the cycle "
                "is testing, e.g. 'Can night staff keep one bay tagged for a week?'.",
                label,
            )
        )
    for name in ("predictions", "questions"):
        value = getattr(c, name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.append(
                Problem("error", name, f"{_f(name)} of {label} must be a list of sentences; got {value!r}.", label)
            )
    if isinstance(c.predictions, list) and not c.predictions:
        out.append(
            Problem(
                "warning",
                "predictions",
                f"{_cap(label)} has no prediction. Without a prediction it is "
                "not a test: write down what you expect to happen (e.g. 'no "
                "unwitnessed falls in the tagged bay'), so that the Study stage "
                "can compare the results with it.",
                label,
            )
        )
    if c.scale_n is not None and (isinstance(c.scale_n, bool) or not isinstance(c.scale_n, int) or c.scale_n < 1):
        out.append(
            Problem(
                "error",
                "scale_n",
                f"{_f('scale_n')} of {label} must be a whole number of at least 1 (how many "
                f"patients, staff or bays the test involves); got {c.scale_n!r}.",
                label,
            )
        )

    # -- dates --
    dates: dict[str, _dt.date] = {}
    for name in (*(n for n, _ in _DATE_ORDER), "due_date"):
        value = getattr(c, name, None)
        if value is None:
            continue
        d = parse_date(value)
        if d is None:
            out.append(_date_problem(name, value, label))
            continue
        typo = _implausible(name, d, label, today)
        if typo:
            out.append(typo)
            continue
        if name == "due_date":
            continue
        dates[name] = d
    for name, verb in (("study_date", "studied"), ("act_date", "decided")):
        if name in dates and dates[name] > today:
            out.append(
                Problem(
                    "error",
                    name,
                    f"{_cap(label)} is recorded as {verb} on {dates[name]}, which is in the future (today is "
                    f"{today}). Record the {'Study' if name == 'study_date' else 'Act'} stage once it has happened, "
                    "or check the date for a typo.",
                    label,
                )
            )
    due = parse_date(getattr(c, "due_date", None))
    first = dates.get("start_date") or dates.get("plan_date")
    if due is not None and first is not None and due < first:
        out.append(
            Problem(
                "error",
                "due_date",
                f"{_cap(label)} is due on {due}, before it {'starts' if 'start_date' in dates else 'is planned'} "
                f"({first}). The due date is when the cycle should be studied and decided: after it has run.",
                label,
            )
        )
    present = [(name, verb) for name, verb in _DATE_ORDER if name in dates]
    for (a, verb_a), (b, verb_b) in zip(present, present[1:], strict=False):
        if dates[b] < dates[a]:
            out.append(
                Problem(
                    "error",
                    b,
                    f"{_cap(label)} {verb_b} ({_f(b, code=False)} {dates[b]}) before it {verb_a} ({_f(a, code=False)} "
                    f"{dates[a]}). The dates must run plan -> start -> end -> study -> act: "
                    "check for a typo in the day or the month.",
                    label,
                )
            )

    # -- stages in order --
    if c.is_studied and not c.is_done:
        out.append(
            Problem(
                "error",
                "results",
                f"{_cap(label)} has a Study record but no Do record. A cycle cannot be "
                f"studied before it is done: record what happened ({_f('what_happened', code=False)}) and "
                f"the date the test ended ({_f('end_date', code=False)}) first.",
                label,
            )
        )
    if c.is_studied and "end_date" in dates and dates["end_date"] > today:
        out.append(
            Problem(
                "error",
                "end_date",
                f"{_cap(label)} has a Study record, but its test ends on "
                f"{dates['end_date']}, which is in the future. A cycle can only be "
                f"studied once the test has run: correct {_f('end_date', code=False)}, or clear the study "
                "until then.",
                label,
            )
        )
    if c.is_acted and not c.is_studied:
        out.append(
            Problem(
                "error",
                "act",
                f"{_cap(label)} has an Act record but no Study. Decide whether to adopt, "
                "adapt or abandon only after comparing the results with the prediction: "
                "fill in results (and learning) first.",
                label,
            )
        )
    if c.act is not None:
        msg = _one_of(
            "act",
            c.act,
            ("adopt", "adapt", "abandon"),
            "After studying a cycle the team adopts the change, adapts it and tests again, or abandons it.",
        )
        if msg:
            out.append(Problem("error", "act", f"{msg}", label))
    elif c.act_notes.strip() or c.act_date:
        out.append(
            Problem(
                "error",
                "act",
                f"{_cap(label)} has Act notes or an Act date but no decision. Set {_f('act', code=False)} to "
                "'adopt', 'adapt' or 'abandon'.",
                label,
            )
        )
    if c.prediction_held is not None:
        msg = _one_of(
            "prediction_held", c.prediction_held, ("yes", "partly", "no"), "Did the results bear out the prediction?"
        )
        if msg:
            out.append(Problem("error", "prediction_held", msg, label))
    if c.is_studied and not str(c.results).strip():
        out.append(
            Problem(
                "warning",
                "results",
                f"{_cap(label)} is studied but has no results. The Study stage "
                "compares what happened with each prediction: write the results "
                "against them.",
                label,
            )
        )

    # -- links --
    if project is not None:
        p = _ref_problem(project, "measure", c.measure, "measure", label, "Add the measure first, or fix the id.")
        if p:
            out.append(p)
        out.extend(_link_problems(c, project, dates, label))
    return out


def _link_problems(c: Any, project: Any, dates: dict[str, _dt.date], label: str) -> list[Problem]:
    out: list[Problem] = []
    ramp = None
    if c.ramp is not None:
        ramp = project._find("ramp", c.ramp)
        if ramp is None:
            p = _ref_problem(
                project,
                "ramp",
                c.ramp,
                "ramp",
                label,
                say(
                    "Add the ramp first (qi.pdsa.Ramp(change_idea=...)), or leave ramp empty to use the "
                    "change idea's ramp.",
                    "Leave out --ramp to use the change idea's ramp, or fix the id.",
                    "Choose the change idea's ramp, or fix the id.",
                ),
            )
            if p:
                out.append(p)
        elif ramp.change_idea != c.change_idea and c.change_idea is not None:
            out.append(
                Problem(
                    "error",
                    "ramp",
                    f"{_cap(label)} tests change idea {c.change_idea!r} but is in ramp "
                    f"{c.ramp!r}, which tests {ramp.change_idea!r}. A ramp is a series of "
                    "cycles testing one change idea.",
                    label,
                )
            )
    prev = None
    if c.previous is not None:
        if c.id is not None and c.previous == c.id:
            out.append(
                Problem(
                    "error",
                    "previous",
                    f"{_cap(label)} names itself as its previous cycle. Name the "
                    "cycle it builds on, or leave previous empty.",
                    label,
                )
            )
        else:
            p = _ref_problem(project, "cycle", c.previous, "previous", label, "Name the cycle this one builds on.")
            if p:
                out.append(p)
            else:
                prev = project._find("cycle", c.previous)
    if prev is not None:
        if _loops(project, c):
            out.append(
                Problem(
                    "error",
                    "previous",
                    f"{_cap(label)} and {c.previous!r} each build on the other "
                    "(the chain of previous cycles loops). Each cycle builds on an "
                    "earlier one.",
                    label,
                )
            )
        if c.ramp is not None and prev.ramp is not None and prev.ramp != c.ramp:
            out.append(
                Problem(
                    "error",
                    "previous",
                    f"{_cap(label)} builds on {prev.id!r}, which is in ramp "
                    f"{prev.ramp!r}, but is itself in ramp {c.ramp!r}. Put both in "
                    "the same ramp, or leave previous empty.",
                    label,
                )
            )
        p_start, c_start = parse_date(prev.start_date), dates.get("start_date")
        if p_start is not None and c_start is not None and c_start < p_start:
            out.append(
                Problem(
                    "error",
                    "start_date",
                    f"{_cap(label)} starts on {c_start}, before the cycle it builds "
                    f"on ({prev.id!r}) started on {p_start}. Check the dates or "
                    "the previous cycle.",
                    label,
                )
            )
        if prev.act == "abandon":
            out.append(
                Problem(
                    "warning",
                    "previous",
                    f"{_cap(label)} builds on {prev.id!r}, which was abandoned. "
                    "If the idea is being tried again in a new form, say so in the "
                    "objective; otherwise start a new ramp.",
                    label,
                )
            )
    ramp_id = c.ramp if c.ramp is not None else project._default_ramp(c)[0]  # the ramp it would join
    before = prev if prev is not None else _preceding_in_ramp(c, ramp_id, project)
    if (
        before is not None
        and isinstance(c.scale_n, int)
        and isinstance(before.scale_n, int)
        and before.scale_n >= 1
        and c.scale_n > MAX_SCALE_STEP * before.scale_n
    ):
        factor = c.scale_n / before.scale_n
        out.append(
            Problem(
                "warning",
                "scale_n",
                f"{_cap(label)} involves {c.scale_n} ({_f('scale_n', code=False)}) after {before.id!r} "
                f"involved {before.scale_n}: {factor:.3g} times as many. A common rule of thumb "
                f"is to grow a ramp about {MAX_SCALE_STEP} times at most per step, so that a failure "
                "stays small and cheap; Langley et al. (The Improvement Guide) scale a test by the "
                "team's degree of belief in the change, the cost of a failure and how ready people "
                "are. If all three are high, a bigger step is fine; if not, consider a cycle in between.",
                label,
            )
        )
    return out


def _loops(project: Any, c: Any) -> bool:
    seen = {c.id}
    cur = c.previous
    while cur is not None:
        if cur in seen:
            return True
        seen.add(cur)
        rec = project._find("cycle", cur)
        cur = rec.previous if rec is not None else None
    return False


def _preceding_in_ramp(c: Any, ramp_id: Any, project: Any) -> Any:
    if ramp_id is None:
        return None
    from .model import _cycle_time_key

    others = [x for x in project.cycles if x.ramp == ramp_id and (c.id is None or x.id != c.id)]
    ordered = sorted([*others, c], key=_cycle_time_key([*project.cycles, c]))
    i = next(k for k, x in enumerate(ordered) if x is c)
    return ordered[i - 1] if i > 0 else None


def _text_ok(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _shape_problem(check: Any, value: Any, field: str, label: str) -> Problem | None:
    """Run one of :mod:`qitools.system`'s checks (the shapes its drawings take) and keep its message."""
    from ..spc.errors import QIToolsError

    try:
        check(value)
    except QIToolsError as exc:
        return Problem("error", field, f"{_cap(label)}: {exc}", label)
    return None


def check_cause_effect(ce: Any, project: Any = None) -> list[Problem]:
    """Problems of a cause and effect diagram: an effect, and causes in the shape :func:`qitools.cause_effect_diagram` draws.

    The categories are checked by :func:`qitools.system.check_causes` (text causes, or
    ``{cause: [sub-causes]}``; no empty text, no cause twice in a list), so every diagram kept
    in a project can be drawn.
    """
    from ..system import check_causes

    label = ce.label
    out = _id_problems(ce, label)
    if not _text_ok(ce.effect):
        out.append(
            Problem(
                "error",
                "effect",
                f"{_cap(label)} has no effect. Write the problem the causes lead to (the head of the fish), "
                "e.g. 'Falls at night on Ward 7'.",
                label,
            )
        )
    p = _shape_problem(check_causes, ce.categories, "categories", label)
    if p:
        out.append(p)
    elif isinstance(ce.categories, dict) and not any(ce.categories.values()):
        out.append(
            Problem(
                "warning",
                "categories",
                f"{_cap(label)} has categories but no causes yet. Add the causes the team finds under each one.",
                label,
            )
        )
    return out


def check_process_map(pm: Any, project: Any = None) -> list[Problem]:
    """Problems of a process map: steps in the shape :func:`qitools.process_map` draws.

    The steps are checked by :func:`qitools.system.check_steps`: text, or
    ``{"step", "kind", "yes", "no", "next", "wait"}`` with ``yes``/``no`` only on decisions,
    ``next`` only on steps and delays (a step's text, its position counting from 0, or ``"end"``)
    and ``wait`` only on delays.
    """
    from ..system import check_steps

    label = pm.label
    out = _id_problems(pm, label)
    p = _shape_problem(check_steps, pm.steps, "steps", label)
    if p:
        out.append(p)
    return out


_CHECKERS = {
    "aim": check_aim,
    "measure": check_measure,
    "driver": check_driver,
    "change idea": check_change_idea,
    "ramp": check_ramp,
    "cause and effect diagram": check_cause_effect,
    "process map": check_process_map,
}


def check_record(rec: Any, project: Any = None, *, today: _dt.date | None = None) -> list[Problem]:
    """Problems of one record of any type (dispatches on its type)."""
    if rec.record_type == "cycle":
        return check_cycle(rec, project, today=today)
    if rec.record_type == "project":
        return check_project(rec, today=today)
    if rec.record_type == "aim":
        return check_aim(rec, project, today=today)
    return _CHECKERS[rec.record_type](rec, project)


def check_project(project: Any, *, today: _dt.date | None = None) -> list[Problem]:
    """Every problem of a project: each record against the others, and duplicate ids."""
    out = check_aim(project.aim, project, today=today)
    for kind in ("measure", "driver", "change idea", "ramp", "cycle", "cause and effect diagram", "process map"):
        seen: set[Any] = set()
        for rec in project._collection(kind):
            if rec.id is None:
                out.append(
                    Problem(
                        "error",
                        "id",
                        f"A {kind} of project {project.id!r} has no id. Records in a "
                        "project file need ids so that others can refer to them.",
                        rec.label,
                    )
                )
            elif rec.id in seen:
                out.append(
                    Problem(
                        "error",
                        "id",
                        f"Project {project.id!r} has two {kind}s with the id {rec.id!r}. "
                        "Ids must be unique: rename one of them.",
                        rec.label,
                    )
                )
            seen.add(rec.id)
            out.extend(check_record(rec, project, today=today))
    return out


def references_to(project: Any, kind: str, rid: str) -> list[str]:
    """Labels of the records that refer to record ``rid`` of type ``kind``."""
    users: list[str] = []
    if kind == "measure":
        users += [c.label for c in project.cycles if c.measure == rid]
        if project.aim.measure == rid:
            users.append("the aim")
    elif kind == "driver":
        users += [d.label for d in project.drivers if d.parent == rid]
        users += [ci.label for ci in project.change_ideas if rid in ci.drivers]
    elif kind == "change idea":
        users += [r.label for r in project.ramps if r.change_idea == rid]
        users += [c.label for c in project.cycles if c.change_idea == rid]
    elif kind == "ramp":
        users += [c.label for c in project.cycles if c.ramp == rid]
    elif kind == "cycle":
        users += [c.label for c in project.cycles if c.previous == rid]
    return users


def raise_or_warn(problems: list[Problem], record: Any = None, *, stacklevel: int = 4) -> None:
    """Raise the errors as one :class:`~qitools.QIValueError`; issue each warning as a :class:`PDSAWarning`."""
    errors = [p for p in problems if p.level == "error"]
    if errors:
        if len(errors) == 1:
            raise QIValueError(errors[0].message)
        what = getattr(record, "label", "the record")
        lines = "\n".join(f"- {p.message}" for p in errors)
        raise QIValueError(f"{_cap(what)} has {len(errors)} problems; nothing was saved:\n{lines}")
    for p in problems:
        warnings.warn(p.message, PDSAWarning, stacklevel=stacklevel)


def check(record: Any, project: Any = None, *, today: _dt.date | None = None) -> list[Problem]:
    """Check a PDSA record, or a whole project, and return the problems found (nothing is raised).

    Parameters
    ----------
    record : PDSACycle, Measure, Driver, ChangeIdea, Ramp, Aim or Project
        What to check.
    project : Project, optional
        The project the record belongs to (or will): needed for the links between records.
    today : datetime.date, optional
        Today's date, for "cannot be studied before it has ended" (default: the real today).

    Returns
    -------
    list of Problem
        Each with ``level`` (``"error"`` or ``"warning"``), ``field`` and ``message``.

    See Also
    --------
    validate : raise the errors and warn the warnings instead.

    Examples
    --------
    >>> import qitools as qi
    >>> c = qi.pdsa.PDSACycle(change_idea="CI1", objective="Tag one bay", act="adopted")
    >>> for p in qi.pdsa.check(c):
    ...     print(p.level, p.field)
    warning predictions
    error act
    error act
    """
    return check_record(record, project, today=today)


def validate(record: Any, project: Any = None, *, today: _dt.date | None = None) -> None:
    """Raise the errors :func:`check` finds (one :class:`~qitools.QIValueError`); warn the warnings.

    Parameters
    ----------
    record : PDSACycle, Measure, Driver, ChangeIdea, Ramp, Aim or Project
        What to check.
    project : Project, optional
        The project the record belongs to.
    today : datetime.date, optional
        Today's date.

    Raises
    ------
    QIValueError
        When the record breaks a rule; the message says what, why and how to fix it.

    Warns
    -----
    PDSAWarning
        For advice (no prediction, a big jump in scale, no operational definition).

    Examples
    --------
    >>> import qitools as qi
    >>> qi.pdsa.validate(qi.pdsa.PDSACycle(change_idea="CI1", objective="Tag one bay",
    ...                  predictions=["Fewer falls"], act="adopt"))
    Traceback (most recent call last):
    ...
    qitools.spc.errors.QIValueError: The new cycle has an Act record but no Study. ...
    """
    raise_or_warn(check(record, project, today=today), record)
