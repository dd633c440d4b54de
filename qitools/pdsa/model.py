"""The records of the Model for Improvement: project, aim, measures, driver diagram, ramps, PDSA cycles.

Plain dataclasses (no pickle, no database code): :class:`Project` holds everything about one
improvement project and checks each record as it is added (see :mod:`qitools.pdsa.validate`).
The stores (:mod:`qitools.pdsa.store`) and the exports (:mod:`qitools.pdsa.export`) read and
write these objects.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from ..spc.errors import QITypeError, QIValueError
from .validate import (
    Problem,
    aim_change_problems,
    check_aim,
    check_project,
    check_record,
    parse_date,
    raise_or_warn,
    references_to,
)

__all__ = [
    "Aim",
    "Measure",
    "Driver",
    "ChangeIdea",
    "Ramp",
    "PDSACycle",
    "CauseEffect",
    "ProcessMap",
    "Project",
    "Stamp",
    "STEP_KINDS",
    "PLAN_FIELDS",
    "ACT_DECISIONS",
    "MEASURE_KINDS",
    "DRIVER_LEVELS",
    "PREDICTION_OUTCOMES",
    "FORMAT_NAME",
    "FORMAT_VERSION",
]

#: The three decisions of the Act stage.
ACT_DECISIONS = ("adopt", "adapt", "abandon")
#: The family of measures (Provost & Murray, *The Health Care Data Guide*, ch. 2).
MEASURE_KINDS = ("outcome", "process", "balancing")
#: Levels of a driver diagram below the aim.
DRIVER_LEVELS = ("primary", "secondary")
#: Did the results bear out the prediction?
PREDICTION_OUTCOMES = ("yes", "partly", "no")

#: The measurement plan of a measure, after its operational definition (Provost & Murray 2011, ch. 3).
PLAN_FIELDS = ("data_source", "collected_by", "frequency", "sampling", "missing")
#: The kinds of step of a process map.
STEP_KINDS = ("step", "decision", "delay")

#: ``format`` and ``format_version`` of the JSON export (version 2 added the measurement plan, due
#: dates, cause and effect diagrams, process maps, the measures' data and the change history).
FORMAT_NAME = "qitools-pdsa"
FORMAT_VERSION = 2

#: fields of every record that are store bookkeeping, not content (not exported, not compared)
_META = frozenset({"stamp"})


def _iso_date(value: Any) -> str | None:
    """Dates as ISO-8601 text (``YYYY-MM-DD``); text that is not a date is kept for the checks to report."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a DataFrame cell
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?", text):
            try:  # a full timestamp: keep its date
                return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
            except ValueError:
                return text
        return text
    return value  # something else: reported by the checks


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _text_list(value: Any) -> Any:
    """A list of strings; one string becomes a one-item list; blanks are dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [v.strip() if isinstance(v, str) else v for v in value if not (isinstance(v, str) and not v.strip())]
    return value  # reported by the checks


def _opt_id(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value != value:
        return None
    return value


@dataclass(frozen=True)
class Stamp:
    """Which version of a record this is, and who saved it when (kept by the stores).

    Attributes
    ----------
    version : int
        1 when the record was added, one more at every change. A record loaded at version 3 can
        only replace version 3: if a colleague saved version 4 in the meantime, the store refuses
        the save (:class:`~qitools.pdsa.store.QIConflictError`) instead of losing their change.
    changed_at : str
        When it was saved: ISO-8601 local time with the offset from UTC (``2025-01-10T14:03:12+00:00``).
    changed_by : str
        Who saved it: the name set with ``store.set_name()``, else the computer login.
    """

    version: int
    changed_at: str = ""
    changed_by: str = ""

    def describe(self) -> str:
        """``"version 3, saved by sam on 10 Jan 2025 at 14:03"``."""
        return f"version {self.version}, saved by {self.changed_by or 'someone'} {when_text(self.changed_at)}".strip()


def when_text(stamp: str | None) -> str:
    """An ISO timestamp as ``"on 10 Jan 2025 at 14:03"`` (empty when missing)."""
    if not stamp:
        return ""
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return f"at {stamp}"
    return f"on {t.day} {t:%b %Y} at {t:%H:%M}"


class _Record:
    """Shared behaviour of the records: copying and conversion to plain dicts."""

    record_type: ClassVar[str] = "record"

    def copy(self):  # type: ignore[no-untyped-def]
        """A deep copy of the record."""
        return copy.deepcopy(self)

    def to_dict(self) -> dict[str, Any]:
        """The record as a dict of plain values (what the JSON export writes)."""
        return {
            f.name: copy.deepcopy(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name not in _META
        }

    @property
    def version(self) -> int | None:
        """The version of the record in its store (None for a record not read from a store)."""
        stamp = getattr(self, "stamp", None)
        return stamp.version if stamp is not None else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Build the record from a dict such as :meth:`to_dict` returns (unknown keys are refused)."""
        return cls(**_known_keys(cls, data, cls.record_type))

    @property
    def label(self) -> str:
        """The record's kind and id, for messages (``"cycle 'C3'"``)."""
        rid = getattr(self, "id", None)
        return f"{self.record_type} {rid!r}" if rid else f"the new {self.record_type}"


def _known_keys(cls: type, data: Any, kind: str, aliases: dict[str, str] | None = None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise QITypeError(f"A {kind} must be given as a mapping of field names to values; got {type(data).__name__}.")
    names = [f.name for f in dataclasses.fields(cls) if f.name not in _META]
    out: dict[str, Any] = {}
    unknown = []
    for key, value in data.items():
        key = (aliases or {}).get(key, key)
        if key in names:
            out[key] = value
        else:
            unknown.append(key)
    if unknown:
        import difflib

        tips = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            tips.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise QIValueError(
            f"Unknown field{'s' if len(unknown) > 1 else ''} for a {kind}: {', '.join(tips)}. "
            f"A misspelt field would be lost silently, so nothing was loaded. The fields of a {kind} are: "
            f"{', '.join(names)}."
        )
    return out


@dataclass
class Aim(_Record):
    """The aim statement: what will improve, by how much, by when, and for whom.

    Parameters
    ----------
    what : str
        What will improve ("Reduce inpatient falls").
    how_much : str
        By how much ("by 30%, from 8 to 5.6 falls per 1000 bed days").
    by_when : str, optional
        ISO-8601 date by which the aim is to be met (``"2025-03-31"``).
    for_whom : str
        For whom ("patients on Wards 7 and 8").
    statement : str
        The aim in the team's own words; when empty, :meth:`text` composes it from the parts.
    measure : str, optional
        Id of the outcome measure that shows whether the aim is met.
    baseline, target : float, optional
        The measure's value now and the value aimed for (on the charted scale).

    Examples
    --------
    >>> from qitools.pdsa import Aim
    >>> Aim(what="Reduce falls", how_much="by 30%", by_when="2025-03-31", for_whom="patients on Ward 7").text()
    'Reduce falls by 30% for patients on Ward 7 by 31 March 2025.'
    """

    what: str = ""
    how_much: str = ""
    by_when: str | None = None
    for_whom: str = ""
    statement: str = ""
    measure: str | None = None
    baseline: float | None = None
    target: float | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "aim"

    def __post_init__(self) -> None:
        self.what, self.how_much, self.for_whom, self.statement = map(
            _text, (self.what, self.how_much, self.for_whom, self.statement)
        )
        self.by_when = _iso_date(self.by_when)
        self.measure = _opt_id(self.measure)

    @property
    def label(self) -> str:
        """``"the aim"``, for messages."""
        return "the aim"

    def text(self) -> str:
        """The aim as one sentence: :attr:`statement`, or the parts joined."""
        if self.statement.strip():
            return self.statement.strip()
        parts = [self.what.strip(), self.how_much.strip()]
        if self.for_whom.strip():
            parts.append(f"for {self.for_whom.strip()}")
        when = parse_date(self.by_when)
        if when is not None:
            parts.append(f"by {when.day} {when:%B %Y}")
        elif self.by_when:
            parts.append(f"by {self.by_when}")
        sentence = " ".join(p for p in parts if p)
        return f"{sentence}." if sentence else ""


@dataclass
class Measure(_Record):
    """One measure of the family of measures: outcome, process or balancing.

    Parameters
    ----------
    name : str
        What is measured ("Falls per 1000 bed days").
    kind : {"outcome", "process", "balancing"}, default "outcome"
        Outcome: the result for patients; process: are we doing what we planned; balancing: is
        something else getting worse.
    definition : str
        The operational definition: exactly what is counted, from which source, how often.
    id : str, optional
        Short id (``"M1"`` when left empty).
    y : str, optional
        The dataset column the measure charts (the numerator for p and u charts).
    n : str, optional
        The denominator column (patients, bed days), for p and u charts.
    x : str, optional
        The time column (dates, so that the cycles can be placed on the chart).
    chart : str, default "run"
        The chart type passed to :func:`qitools.control_chart` (``"run"``, ``"i"``, ``"p"``, ``"u"``...).
    multiply : float, default 1
        Scale of the chart (1000 for "per 1000 bed days").
    improvement : {"increase", "decrease"}, optional
        Which direction is better.
    dataset : str, optional
        Where the data is: a CSV file (relative to the project file) or a bundled dataset name.
    unit : str
        The unit shown on the chart ("falls per 1000 bed days").
    subset : dict, optional
        Which rows of the dataset belong to the measure: column -> value, or list of values
        (``{"ward": "Ash"}``, ``{"ward": ["Ash", "Cedar"]}``). Empty: every row.
    data_source : str
        Measurement plan: where the data comes from ("Datix incident reports, ward 7 and 8").
    collected_by : str
        Measurement plan: who collects it ("Ward clerk, checked by the falls lead").
    frequency : str
        Measurement plan: when and how often ("monthly, by the 5th working day").
    sampling : str
        Measurement plan: every case, or which sample ("all falls"; "20 random notes a month").
    missing : str
        Measurement plan: what counts as missing, and what is done about it ("a month with no
        bed days figure is left out of the chart and noted").

    Notes
    -----
    The operational definition and the measurement plan follow Provost & Murray, *The Health
    Care Data Guide* (2011), ch. 2-3: a measure is only useful when everyone collecting it counts
    the same thing, from the same source, on the same schedule, with the same sampling.
    """

    name: str = ""
    kind: str = "outcome"
    definition: str = ""
    id: str | None = None
    y: str | None = None
    n: str | None = None
    x: str | None = None
    chart: str = "run"
    multiply: float = 1.0
    improvement: str | None = None
    dataset: str | None = None
    unit: str = ""
    subset: dict[str, Any] = field(default_factory=dict)
    data_source: str = ""
    collected_by: str = ""
    frequency: str = ""
    sampling: str = ""
    missing: str = ""
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.name, self.definition, self.unit = map(_text, (self.name, self.definition, self.unit))
        for name in PLAN_FIELDS:
            setattr(self, name, _text(getattr(self, name)))
        if self.subset is None:
            self.subset = {}
        self.id, self.y, self.n, self.x, self.dataset, self.improvement = map(
            _opt_id, (self.id, self.y, self.n, self.x, self.dataset, self.improvement)
        )
        if self.chart is None or self.chart == "":
            self.chart = "run"
        if self.multiply is None:
            self.multiply = 1.0
        if isinstance(self.multiply, int) and not isinstance(self.multiply, bool):
            self.multiply = float(self.multiply)

    record_type: ClassVar[str] = "measure"


@dataclass
class Driver(_Record):
    """A primary or secondary driver of the driver diagram.

    Parameters
    ----------
    text : str
        The driver ("Patients at risk are identified on admission").
    level : {"primary", "secondary"}, default "primary"
        Primary drivers contribute directly to the aim; secondary drivers to a primary driver.
    parent : str, optional
        For a secondary driver, the id of its primary driver.
    id : str, optional
        Short id (``"P1"``, ``"S1"`` when left empty).
    """

    text: str = ""
    level: str = "primary"
    parent: str | None = None
    id: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "driver"

    def __post_init__(self) -> None:
        self.text = _text(self.text)
        self.parent, self.id = _opt_id(self.parent), _opt_id(self.id)


@dataclass
class ChangeIdea(_Record):
    """A change idea of the driver diagram: something to test in PDSA cycles.

    Parameters
    ----------
    text : str
        The idea ("Bay tagging: a member of staff always present in the bay").
    drivers : list of str
        Ids of the (usually secondary) drivers it acts on.
    description : str
        More detail.
    id : str, optional
        Short id (``"CI1"`` when left empty).
    """

    text: str = ""
    drivers: list[str] = field(default_factory=list)
    description: str = ""
    id: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "change idea"

    def __post_init__(self) -> None:
        self.text, self.description = _text(self.text), _text(self.description)
        self.drivers = _text_list(self.drivers)
        self.id = _opt_id(self.id)


@dataclass
class Ramp(_Record):
    """A ramp: a chain of PDSA cycles testing one change idea at growing scale.

    Parameters
    ----------
    change_idea : str
        Id of the change idea the ramp tests.
    title : str
        A name for the ramp (the change idea's text when empty).
    id : str, optional
        Short id (``"R1"`` when left empty).
    """

    change_idea: str | None = None
    title: str = ""
    id: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "ramp"

    def __post_init__(self) -> None:
        self.title = _text(self.title)
        self.change_idea, self.id = _opt_id(self.change_idea), _opt_id(self.id)


#: cycle field -> (stage, key) in the nested JSON layout
_CYCLE_LAYOUT: dict[str, tuple[str, str]] = {
    "plan_date": ("plan", "date"),
    "objective": ("plan", "objective"),
    "questions": ("plan", "questions"),
    "predictions": ("plan", "predictions"),
    "who": ("plan", "who"),
    "what": ("plan", "what"),
    "when": ("plan", "when"),
    "where": ("plan", "where"),
    "data_to_collect": ("plan", "data_to_collect"),
    "scale": ("plan", "scale"),
    "scale_n": ("plan", "scale_n"),
    "due_date": ("plan", "due_date"),
    "start_date": ("do", "start_date"),
    "end_date": ("do", "end_date"),
    "what_happened": ("do", "what_happened"),
    "observations": ("do", "observations"),
    "problems": ("do", "problems"),
    "study_date": ("study", "date"),
    "results": ("study", "results"),
    "learning": ("study", "learning"),
    "prediction_held": ("study", "prediction_held"),
    "act": ("act", "decision"),
    "act_date": ("act", "date"),
    "act_notes": ("act", "next"),
}
_STAGES = ("plan", "do", "study", "act")


@dataclass
class PDSACycle(_Record):
    """One Plan-Do-Study-Act cycle: a small test of one change idea, with a prediction.

    Parameters
    ----------
    change_idea : str
        Id of the change idea tested.
    objective : str
        Plan: what this cycle is testing (the cycle's aim).
    predictions : list of str
        Plan: what the team expects to happen. A cycle without a prediction is not a test.
    questions : list of str
        Plan: the questions the cycle should answer.
    who, what, when, where : str
        Plan: who does what, when and where.
    data_to_collect : str
        Plan: the data collected to answer the questions.
    scale : str
        Plan: the scale of the test in words ("1 bay, 1 night shift").
    scale_n : int, optional
        Plan: the number of patients (or staff, bays) in the test; ramps grow it step by step.
    plan_date, start_date, end_date, study_date, act_date : str, optional
        ISO-8601 dates: planned on, test started, test ended, studied on, decided on. They must
        be in this order.
    what_happened, observations, problems : str
        Do: what was done, what was observed, what went wrong.
    results : str
        Study: the results against each prediction.
    learning : str
        Study: what the team learnt.
    prediction_held : {"yes", "partly", "no"}, optional
        Study: did the results bear out the prediction?
    act : {"adopt", "adapt", "abandon"}, optional
        Act: the decision.
    act_notes : str
        Act: what changes and what the next cycle will test.
    id : str, optional
        Short id (``"C1"`` when left empty).
    title : str
        A short name for the chart and the tables (the change idea's text when empty).
    ramp : str, optional
        Id of the ramp the cycle belongs to: by default the ramp of ``previous``, or the change
        idea's own ramp (created on first use).
    previous : str, optional
        Id of the cycle this one builds on.
    measure : str, optional
        Id of the measure the cycle is meant to move (its chart shows the cycle).
    due_date : str, optional
        ISO-8601 date by which the cycle should be studied and decided (see
        :func:`qitools.pdsa.overdue`).

    Notes
    -----
    The Model for Improvement: three questions (what are we trying to accomplish, how will we
    know that a change is an improvement, what change can we make that will result in
    improvement) and PDSA cycles to test changes (Langley et al. 2009; Provost & Murray 2011).

    References
    ----------
    .. [1] Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP. *The Improvement
       Guide*, 2nd ed. Jossey-Bass, 2009.
    .. [2] Provost LP, Murray SK. *The Health Care Data Guide*. Jossey-Bass, 2011, ch. 1.

    Examples
    --------
    >>> from qitools.pdsa import PDSACycle
    >>> c = PDSACycle(change_idea="CI1", objective="Can night staff keep one bay tagged?",
    ...               predictions=["The bay is never left without staff"], scale="1 bay", scale_n=6,
    ...               start_date="2024-02-05", end_date="2024-02-11")
    >>> c.status
    'done'
    """

    change_idea: str | None = None
    objective: str = ""
    predictions: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    who: str = ""
    what: str = ""
    when: str = ""
    where: str = ""
    data_to_collect: str = ""
    scale: str = ""
    scale_n: int | None = None
    plan_date: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    what_happened: str = ""
    observations: str = ""
    problems: str = ""
    study_date: str | None = None
    results: str = ""
    learning: str = ""
    prediction_held: str | None = None
    act: str | None = None
    act_date: str | None = None
    act_notes: str = ""
    id: str | None = None
    title: str = ""
    ramp: str | None = None
    previous: str | None = None
    measure: str | None = None
    due_date: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "cycle"

    def __post_init__(self) -> None:
        for name in (
            "objective",
            "who",
            "what",
            "when",
            "where",
            "data_to_collect",
            "scale",
            "what_happened",
            "observations",
            "problems",
            "results",
            "learning",
            "act_notes",
            "title",
        ):
            setattr(self, name, _text(getattr(self, name)))
        self.predictions = _text_list(self.predictions)
        self.questions = _text_list(self.questions)
        for name in ("plan_date", "start_date", "end_date", "study_date", "act_date", "due_date"):
            setattr(self, name, _iso_date(getattr(self, name)))
        for name in ("change_idea", "id", "ramp", "previous", "measure", "prediction_held", "act"):
            setattr(self, name, _opt_id(getattr(self, name)))
        if isinstance(self.scale_n, float) and self.scale_n != self.scale_n:
            self.scale_n = None
        if isinstance(self.scale_n, float) and self.scale_n.is_integer():
            self.scale_n = int(self.scale_n)

    # -- stages ----------------------------------------------------------------------------------
    @property
    def is_done(self) -> bool:
        """The Do stage is recorded (what happened, observations, or the end date)."""
        return bool(self.what_happened.strip() or self.observations.strip() or self.end_date)

    @property
    def is_studied(self) -> bool:
        """The Study stage is recorded (results, learning, whether the prediction held, or its date)."""
        return bool(self.results.strip() or self.learning.strip() or self.prediction_held or self.study_date)

    @property
    def is_acted(self) -> bool:
        """The Act stage is recorded (a decision, notes or its date)."""
        return bool(self.act or self.act_notes.strip() or self.act_date)

    @property
    def status(self) -> str:
        """``"planned"``, ``"in progress"``, ``"done"``, ``"studied"`` or the Act decision (``"adopt"``...).

        "in progress": the start date has come and nothing of the Do stage is recorded yet (see
        :meth:`status_on` for another day than today).
        """
        return self.status_on(None)

    def status_on(self, today: _dt.date | None = None) -> str:
        """The :attr:`status` as it was (or will be) on ``today`` (default: the real today)."""
        if self.is_acted:
            return self.act or "acted"
        if self.is_studied:
            return "studied"
        if self.is_done:
            return "done"
        start = parse_date(self.start_date)
        if start is not None and start <= (today or _dt.date.today()):
            return "in progress"
        return "planned"

    # -- nested layout ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The cycle as nested plain values: top-level links, then ``plan``, ``do``, ``study``, ``act``.

        Returns
        -------
        dict
            ``id``, ``title``, ``change_idea``, ``ramp``, ``previous``, ``measure`` and one dict per
            stage (see the JSON format in :mod:`qitools.pdsa`).
        """
        flat = super().to_dict()
        out: dict[str, Any] = {k: flat[k] for k in ("id", "title", "change_idea", "ramp", "previous", "measure")}
        for stage in _STAGES:
            out[stage] = {}
        for name, (stage, key) in _CYCLE_LAYOUT.items():
            out[stage][key] = flat[name]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PDSACycle:
        """Build a cycle from the nested layout of :meth:`to_dict`, or from flat field names.

        Parameters
        ----------
        data : dict
            Nested (``{"plan": {"objective": ...}, "act": {"decision": "adopt"}}``) or flat
            (``{"objective": ..., "act": "adopt"}``); stage dicts may leave keys out.

        Returns
        -------
        PDSACycle

        Raises
        ------
        QIValueError
            For a field name that is not known (a misspelling would otherwise lose data).
        """
        if not isinstance(data, dict):
            raise QITypeError(
                f"A cycle must be given as a mapping of field names to values; got {type(data).__name__}."
            )
        flat: dict[str, Any] = {}
        reverse = {(stage, key): name for name, (stage, key) in _CYCLE_LAYOUT.items()}
        for key, value in data.items():
            if key in _STAGES and isinstance(value, dict):
                for sub, subvalue in value.items():
                    name = reverse.get((key, sub))
                    if name is None and sub in _CYCLE_LAYOUT and _CYCLE_LAYOUT[sub][0] == key:
                        name = sub  # a flat name inside its stage: plan.plan_date, study.study_date
                    if name is None:
                        keys = sorted(k for (s, k) in reverse if s == key)
                        import difflib

                        close = difflib.get_close_matches(str(sub), keys, n=1, cutoff=0.6)
                        tip = f" Did you mean {close[0]!r}?" if close else ""
                        raise QIValueError(
                            f"Unknown field {key}.{sub} in cycle {data.get('id')!r}.{tip} A misspelt field would be "
                            f"lost silently, so nothing was loaded. The {key} stage has: {', '.join(keys)}."
                        )
                    flat[name] = subvalue
            elif key == "act" and not isinstance(value, dict):
                flat["act"] = value
            else:
                flat[key] = value
        return cls(**_known_keys(cls, flat, "cycle"))

    def to_flat_dict(self) -> dict[str, Any]:
        """The cycle as one flat dict of its fields (the CSV and database layout)."""
        return super().to_dict()


@dataclass
class CauseEffect(_Record):
    """A cause and effect (fishbone, Ishikawa) diagram: the effect and its causes by category.

    Parameters
    ----------
    effect : str
        The problem (the head of the fish): "Falls at night on Ward 7".
    categories : dict
        Category -> list of causes (the bones), in the order drawn. A cause is a sentence, or a
        one-key mapping ``{cause: [sub-causes]}`` for the causes of a cause::

            {"People": ["Agency staff do not know the patients", {"Fatigue": ["12-hour shifts"]}],
             "Environment": ["Dim lighting in bays"]}

        This is the ``causes`` argument of :func:`qitools.cause_effect_diagram`.
    title : str
        A short name ("Why do patients fall at night?").
    id : str, optional
        Short id (``"CE1"`` when left empty).

    Notes
    -----
    Ishikawa K. *Guide to Quality Control*. Asian Productivity Organization, 1976; the usual
    healthcare categories (people, methods, equipment, environment, materials, policies) are in
    NHS England's QSIR tool guide "Cause and effect (fishbone)".

    Examples
    --------
    >>> from qitools.pdsa import CauseEffect
    >>> ce = CauseEffect("Falls at night", {"People": ["Agency staff", {"Fatigue": ["12-hour shifts"]}]})
    >>> ce.causes()
    [('People', 'Agency staff', ''), ('People', 'Fatigue', ''), ('People', 'Fatigue', '12-hour shifts')]
    """

    effect: str = ""
    categories: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    id: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "cause and effect diagram"

    def __post_init__(self) -> None:
        self.effect, self.title = _text(self.effect), _text(self.title)
        self.id = _opt_id(self.id)
        if self.categories is None:
            self.categories = {}

    def causes(self) -> list[tuple[str, str, str]]:
        """Every cause as ``(category, cause, sub-cause)`` rows (sub-cause ``""`` for the cause itself)."""
        rows: list[tuple[str, str, str]] = []
        if not isinstance(self.categories, dict):
            return rows
        for cat, items in self.categories.items():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    for cause, subs in item.items():
                        rows.append((str(cat), str(cause), ""))
                        rows.extend(
                            (str(cat), str(cause), str(sub)) for sub in (subs if isinstance(subs, list) else [])
                        )
                else:
                    rows.append((str(cat), str(item), ""))
        return rows


@dataclass
class ProcessMap(_Record):
    """A process map: the steps of a process in order, with decisions and delays.

    Parameters
    ----------
    steps : list
        The steps in order. Each is a sentence (a step), or a mapping::

            {"step": "Sepsis screen positive?", "kind": "decision", "no": "end"}
            {"step": "Wait for a doctor to prescribe", "kind": "delay", "wait": "45 minutes (median)"}
            {"step": "Transferred to the ward", "next": "end"}

        ``kind`` is ``"step"`` (the default), ``"decision"`` (with ``yes`` and ``no``: the step
        each answer leads to, as its text, its position in the list counting from 0, or
        ``"end"``; an answer left out goes to the next step) or ``"delay"`` (a wait; ``wait``
        says how long). A step or delay may have a ``next``, given the same way, when the flow
        does not go on to the step after it (``"end"`` for a second ending, an earlier step for a
        loop back). The rules are those of :func:`qitools.system.check_steps`. This is the
        ``steps`` argument of :func:`qitools.process_map`.
    title : str
        What process ("Sepsis: arrival to first antibiotic dose").
    id : str, optional
        Short id (``"PM1"`` when left empty).

    Examples
    --------
    >>> from qitools.pdsa import ProcessMap
    >>> pm = ProcessMap(["Arrive", {"step": "Wait for triage", "kind": "delay", "wait": "20 min"}], title="ED")
    >>> [s["kind"] for s in pm.normalised_steps()]
    ['step', 'delay']
    """

    steps: list[Any] = field(default_factory=list)
    title: str = ""
    id: str | None = None
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "process map"

    def __post_init__(self) -> None:
        self.title = _text(self.title)
        self.id = _opt_id(self.id)
        if self.steps is None:
            self.steps = []

    def normalised_steps(self) -> list[dict[str, Any]]:
        """Each step as a dict with ``step``, ``kind`` and (when given) ``yes``, ``no``, ``next``, ``wait``."""
        out = []
        for item in self.steps if isinstance(self.steps, list) else []:
            if isinstance(item, dict):
                d = {"step": item.get("step", ""), "kind": item.get("kind") or "step"}
                d.update({k: item[k] for k in ("yes", "no", "next", "wait") if item.get(k) not in (None, "")})
            else:
                d = {"step": item, "kind": "step"}
            out.append(d)
        return out


_PREFIX = {
    "cycle": "C",
    "measure": "M",
    "change idea": "CI",
    "ramp": "R",
    "primary": "P",
    "secondary": "S",
    "cause and effect diagram": "CE",
    "process map": "PM",
}
#: letters a plain ASCII id spells differently (NFKD leaves them whole)
_TRANSLIT = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def _slug(text: str) -> str:
    """A short ASCII id from a title: accents transliterated ("Rhôp Dics" -> "rhop-dics")."""
    from ._text import clean

    lowered = "".join(_TRANSLIT.get(ch, ch) for ch in clean(text, " ").lower())  # no escape sequences in ids
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:40].strip("-") or "project"


@dataclass
class Project(_Record):
    """An improvement project: aim, family of measures, driver diagram, ramps and PDSA cycles.

    Build one in memory and add records with :meth:`add` (each is checked as it is added), or
    keep it in a store (:func:`qitools.pdsa.open`) and add records with the store's ``put``.

    Parameters
    ----------
    title : str
        The project's name.
    aim : Aim, optional
        The aim statement.
    id : str, optional
        Short id; made from the title when empty (``"fewer-falls-on-ward-7"``).
    team : str
        Who is in the team.
    description : str
        Background.
    created : str, optional
        ISO-8601 date the project was created (today when empty).
    measures, drivers, change_ideas, ramps, cycles : list
        The records, in the order they were added.
    cause_effects : list of CauseEffect
        Cause and effect (fishbone) diagrams.
    process_maps : list of ProcessMap
        Process maps.
    data : dict
        The measures' data kept with the project: dataset name (a measure's ``dataset``) -> the
        table as CSV text. Set it with :meth:`set_data`; a store keeps it in its file, so a copied
        file still draws its charts.
    history : list of dict, optional
        The change history read from a store (see ``store.history()``); not compared.

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.Project("Fewer falls", aim=qi.pdsa.Aim(what="Reduce falls", how_much="by 30%",
    ...                     by_when="2030-03-31", for_whom="patients on Ward 7"), created="2024-01-10")
    >>> idea = p.add(qi.pdsa.ChangeIdea("Bay tagging"))
    >>> c = p.add(qi.pdsa.PDSACycle(change_idea=idea.id, objective="Try tagging one bay for a night",
    ...                             predictions=["No unwitnessed falls in the bay"], scale_n=6))
    >>> c.id, c.ramp, c.status
    ('C1', 'R1', 'planned')
    """

    title: str = ""
    aim: Aim = field(default_factory=Aim)
    id: str | None = None
    team: str = ""
    description: str = ""
    created: str | None = None
    measures: list[Measure] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    change_ideas: list[ChangeIdea] = field(default_factory=list)
    ramps: list[Ramp] = field(default_factory=list)
    cycles: list[PDSACycle] = field(default_factory=list)
    cause_effects: list[CauseEffect] = field(default_factory=list)
    process_maps: list[ProcessMap] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict, repr=False)
    source: str | None = field(default=None, compare=False, repr=False)
    history: list[dict[str, Any]] | None = field(default=None, compare=False, repr=False)
    stamp: Stamp | None = field(default=None, compare=False, repr=False)

    record_type: ClassVar[str] = "project"

    def __post_init__(self) -> None:
        self.title, self.team, self.description = map(_text, (self.title, self.team, self.description))
        if self.aim is None:
            self.aim = Aim()
        elif isinstance(self.aim, dict):
            self.aim = Aim.from_dict(self.aim)
        elif isinstance(self.aim, str):
            self.aim = Aim(statement=self.aim)
        self.id = _opt_id(self.id) or _slug(self.title)
        self.created = _iso_date(self.created) or _dt.date.today().isoformat()
        if self.data is None:
            self.data = {}

    # -- look-ups --------------------------------------------------------------------------------
    def _collection(self, kind: str) -> list[Any]:
        collections: dict[str, list[Any]] = {
            "measure": self.measures,
            "driver": self.drivers,
            "change idea": self.change_ideas,
            "ramp": self.ramps,
            "cycle": self.cycles,
            "cause and effect diagram": self.cause_effects,
            "process map": self.process_maps,
        }
        return collections[kind]

    def _find(self, kind: str, rid: Any) -> Any:
        for rec in self._collection(kind):
            if rec.id == rid:
                return rec
        return None

    def _get(self, kind: str, rid: str) -> Any:
        rec = self._find(kind, rid)
        if rec is None:
            ids = [r.id for r in self._collection(kind)]
            import difflib

            close = difflib.get_close_matches(str(rid), [str(i) for i in ids], n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            have = f"It has {', '.join(repr(i) for i in ids[:20])}." if ids else f"It has no {kind}s yet."
            raise QIValueError(f"Project {self.id!r} has no {kind} {rid!r}.{tip} {have}")
        return rec

    def cycle(self, cycle_id: str) -> PDSACycle:
        """The cycle with this id (a :class:`~qitools.QIValueError` naming the ids there are if none)."""
        return self._get("cycle", cycle_id)

    def measure(self, measure_id: str | None = None) -> Measure:
        """The measure with this id; with no id, the aim's measure or else the first outcome measure."""
        if measure_id is not None:
            return self._get("measure", measure_id)
        if self.aim.measure and self._find("measure", self.aim.measure):
            return self._find("measure", self.aim.measure)
        for m in self.measures:
            if m.kind == "outcome":
                return m
        if self.measures:
            return self.measures[0]
        from ._voice import say

        raise QIValueError(
            f"Project {self.id!r} has no measures yet. Add one, e.g. "
            + say(
                "project.add(qi.pdsa.Measure('Falls per 1000 bed days', kind='outcome', y='falls', n='bed_days', "
                "x='month', chart='u', multiply=1000)).",
                "`qitools pdsa add-measure {file} --name 'Falls per 1000 bed days' --x month --y falls --n bed_days "
                "--chart u --multiply 1000 --dataset falls.csv`.",
            )
        )

    def change_idea(self, idea_id: str) -> ChangeIdea:
        """The change idea with this id."""
        return self._get("change idea", idea_id)

    def ramp(self, ramp_id: str) -> Ramp:
        """The ramp with this id."""
        return self._get("ramp", ramp_id)

    def cause_effect(self, diagram_id: str) -> CauseEffect:
        """The cause and effect diagram with this id."""
        return self._get("cause and effect diagram", diagram_id)

    def process_map(self, map_id: str) -> ProcessMap:
        """The process map with this id."""
        return self._get("process map", map_id)

    def find(self, record_id: str) -> Any:
        """The record with this id, whatever its kind (None when there is none)."""
        for kind in _KINDS:
            rec = self._find(kind, record_id)
            if rec is not None:
                return rec
        return None

    def set_data(self, name: str, data: Any) -> int:
        """Keep a measure's data with the project (``name`` is the measure's ``dataset``).

        Parameters
        ----------
        name : str
            The dataset name the measures use (their ``dataset`` field), e.g. ``"falls.csv"``.
        data : pandas.DataFrame, str or pathlib.Path
            The table, or a CSV / Excel file to read it from.

        Returns
        -------
        int
            The number of rows kept.
        """
        name, text, rows = data_as_csv(name, data)
        self.data[name] = text
        return rows

    def ramp_cycles(self, ramp_id: str | None) -> list[PDSACycle]:
        """The cycles of a ramp in time order (start date, then plan date, then order added)."""
        cycles = [c for c in self.cycles if c.ramp == ramp_id]
        return sorted(cycles, key=_cycle_time_key(self.cycles))

    # -- changes ---------------------------------------------------------------------------------
    def add(self, record: Any, *, check: bool = True) -> Any:
        """Add a record (measure, driver, change idea, ramp or cycle) after checking it.

        The record is copied; the copy, with its id (numbered when empty: ``C1``, ``M1``, ``P1``,
        ``S1``, ``CI1``, ``R1``) and, for a cycle, its ramp filled in, is returned.

        Parameters
        ----------
        record : Measure, Driver, ChangeIdea, Ramp or PDSACycle
            The record to add. Its id must be new.
        check : bool, default True
            Run the checks of :mod:`qitools.pdsa.validate`: errors raise, warnings warn.

        Returns
        -------
        The stored copy of the record.

        Raises
        ------
        QIValueError
            When the record breaks a rule (see :func:`qitools.pdsa.check`) or its id is taken.
        """
        return self._upsert(record, check=check, replace=False)[0]

    def replace(self, record: Any, *, check: bool = True) -> Any:
        """Replace the record with the same id (to record the Do, Study and Act of a cycle).

        Parameters
        ----------
        record : Measure, Driver, ChangeIdea, Ramp, PDSACycle or Aim
            The new version; its id says which record it replaces (an :class:`Aim` replaces the aim).
        check : bool, default True
            Run the checks first.

        Returns
        -------
        The stored copy of the record.
        """
        return self._upsert(record, check=check, replace=True)[0]

    def put(self, record: Any, *, check: bool = True) -> Any:
        """Add the record, or replace it when its id is already there."""
        rid = getattr(record, "id", None)
        exists = rid is not None and not isinstance(record, Aim) and self._find(_kind(record), rid) is not None
        return self._upsert(record, check=check, replace=exists or isinstance(record, Aim))[0]

    def _upsert(self, record: Any, *, check: bool, replace: bool) -> list[Any]:
        """Add or replace ``record``; return the records written (the record first, then a new ramp)."""
        if isinstance(record, Aim):
            rec = record.copy()
            if check:
                raise_or_warn(check_aim(rec, self) + aim_change_problems(self.aim, rec), rec)
            self.aim = rec
            return [rec]
        kind = _kind(record)
        rec = record.copy()
        coll = self._collection(kind)
        written: list[Any] = []
        if replace:
            if rec.id is None or self._find(kind, rec.id) is None:
                self._get(kind, rec.id)  # raises, naming the ids there are
        else:
            if rec.id is None:
                rec.id = self._next_id(rec)
            elif self._find(kind, rec.id) is not None:
                raise QIValueError(
                    f"Project {self.id!r} already has a {kind} {rec.id!r}. Ids must be unique: leave the id empty "
                    f"to number it automatically, or use replace() (put() in a store) to change the existing one."
                )
        new_ramp = None
        if isinstance(rec, PDSACycle) and rec.ramp is None:
            rec.ramp, new_ramp = self._default_ramp(rec)
        if check:
            ramps = self.ramps if new_ramp is None else [*self.ramps, new_ramp]
            trial = dataclasses.replace(self, ramps=ramps)
            problems = check_record(rec, trial)
            if replace:  # records that refer to this one must still be right (errors only)
                key = _plural(kind)
                setattr(trial, key, [rec if r.id == rec.id else r for r in getattr(trial, key)])
                for label in references_to(trial, kind, rec.id):
                    dependent = next(r for r in _all_records(trial) if r.label == label)
                    problems += [p for p in check_record(dependent, trial) if p.level == "error"]
            raise_or_warn(problems, rec)
        if new_ramp is not None:
            self.ramps.append(new_ramp)
            written.append(new_ramp)
        if replace:
            idx = next(i for i, r in enumerate(coll) if r.id == rec.id)
            coll[idx] = rec
        else:
            coll.append(rec)
        return [rec, *written]

    def remove(self, kind: str, record_id: str) -> None:
        """Remove a record; refuses when other records refer to it.

        Parameters
        ----------
        kind : {"measure", "driver", "change idea", "ramp", "cycle"}
            What to remove.
        record_id : str
            Its id.

        Raises
        ------
        QIValueError
            When another record refers to it (say which, and what to change first).
        """
        kind = _norm_kind(kind)
        self._get(kind, record_id)
        users = references_to(self, kind, record_id)
        if users:
            raise QIValueError(
                f"Cannot remove {kind} {record_id!r}: {', '.join(users)} refer{'s' if len(users) == 1 else ''} to it. "
                "Change or remove those first, so that nothing points to a missing record."
            )
        coll = self._collection(kind)
        coll[:] = [r for r in coll if r.id != record_id]

    def _next_id(self, rec: Any) -> str:
        kind = _kind(rec)
        prefix = _PREFIX[rec.level] if isinstance(rec, Driver) and rec.level in _PREFIX else _PREFIX.get(kind, "X")
        used = {str(r.id) for r in self._collection(kind)}
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
        numbers = [int(m.group(1)) for i in used if (m := pattern.match(i))]
        k = max(numbers, default=0) + 1
        while f"{prefix}{k}" in used:
            k += 1
        return f"{prefix}{k}"

    def _default_ramp(self, cycle: PDSACycle) -> tuple[str | None, Ramp | None]:
        """The ramp of ``previous``, else the change idea's first ramp, else a new ramp for the idea."""
        if cycle.previous is not None:
            prev = self._find("cycle", cycle.previous)
            if prev is not None and prev.ramp is not None:
                return prev.ramp, None
        if cycle.change_idea is None or self._find("change idea", cycle.change_idea) is None:
            return None, None  # the checks report the missing change idea
        for r in self.ramps:
            if r.change_idea == cycle.change_idea:
                return r.id, None
        ramp = Ramp(change_idea=cycle.change_idea)
        ramp.id = self._next_id(ramp)
        return ramp.id, ramp

    # -- tables ----------------------------------------------------------------------------------
    def cycles_table(self) -> pd.DataFrame:
        """One row per cycle, in the order added.

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``title``, ``change_idea``, ``ramp``, ``previous``, ``measure``,
            ``objective``, ``predictions`` (joined with "; "), ``scale``, ``scale_n``, ``start_date``,
            ``end_date``, ``due_date``, ``status``, ``act``.
        """
        rows = [
            {
                "id": c.id,
                "title": self.cycle_title(c),
                "change_idea": c.change_idea,
                "ramp": c.ramp,
                "previous": c.previous,
                "measure": c.measure,
                "objective": c.objective,
                "predictions": "; ".join(c.predictions),
                "scale": c.scale,
                "scale_n": c.scale_n,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "due_date": c.due_date,
                "status": c.status,
                "act": c.act,
            }
            for c in self.cycles
        ]
        columns = [
            "id",
            "title",
            "change_idea",
            "ramp",
            "previous",
            "measure",
            "objective",
            "predictions",
            "scale",
            "scale_n",
            "start_date",
            "end_date",
            "due_date",
            "status",
            "act",
        ]
        table = pd.DataFrame(rows, columns=columns)
        table["scale_n"] = table["scale_n"].astype("Int64")
        return table

    def ramp_table(self) -> pd.DataFrame:
        """One row per ramp: its cycles in time order, their scales and decisions.

        Returns
        -------
        pandas.DataFrame
            Columns ``ramp``, ``title``, ``change_idea``, ``n_cycles``, ``cycles`` (ids joined
            with " → "), ``scales`` (scale text, or scale_n, joined with " → "), ``decisions``,
            ``first_start``, ``last_end``, ``latest`` (the status of the last cycle).
        """
        rows = []
        for r in self.ramps:
            cycles = self.ramp_cycles(r.id)
            starts = [c.start_date for c in cycles if c.start_date]
            ends = [c.end_date for c in cycles if c.end_date]
            rows.append(
                {
                    "ramp": r.id,
                    "title": self.ramp_title(r),
                    "change_idea": r.change_idea,
                    "n_cycles": len(cycles),
                    "cycles": " → ".join(str(c.id) for c in cycles),
                    "scales": " → ".join(c.scale or (str(c.scale_n) if c.scale_n else "?") for c in cycles),
                    "decisions": " → ".join(c.act or "–" for c in cycles),
                    "first_start": min(starts) if starts else None,
                    "last_end": max(ends) if ends else None,
                    "latest": cycles[-1].status if cycles else "no cycles",
                }
            )
        columns = [
            "ramp",
            "title",
            "change_idea",
            "n_cycles",
            "cycles",
            "scales",
            "decisions",
            "first_start",
            "last_end",
            "latest",
        ]
        return pd.DataFrame(rows, columns=columns)

    def overdue(self, today: _dt.date | None = None) -> pd.DataFrame:
        """The cycles that are late: a decision past its due date, or a test that ended and is not studied.

        Parameters
        ----------
        today : datetime.date, optional
            The day to judge by (default: the real today).

        Returns
        -------
        pandas.DataFrame
            One row per late cycle, the latest first: ``id``, ``title``, ``what`` (``"decision due"``:
            the cycle's ``due_date`` has passed with no Act decision; ``"study due"``: its test ended
            and there is no Study record yet), ``since`` (the date it was due), ``days_late``,
            ``status``.

        Examples
        --------
        >>> import dataclasses, datetime as dt, qitools as qi
        >>> p = qi.pdsa.example_project()
        >>> _ = p.put(dataclasses.replace(p.cycle("C10"), due_date="2024-12-20"))
        >>> p.overdue(dt.date(2025, 1, 15))[["id", "what", "since", "days_late"]]
            id          what       since  days_late
        0  C10  decision due  2024-12-20         26
        """
        today = today or _dt.date.today()
        rows = []
        for c in self.cycles:
            due = parse_date(c.due_date)
            end = parse_date(c.end_date)
            if due is not None and due < today and not c.act:
                rows.append((c, "decision due", due))
            elif end is not None and end < today and not c.is_studied:
                rows.append((c, "study due", end))
        table = pd.DataFrame(
            [
                {
                    "id": c.id,
                    "title": self.cycle_title(c),
                    "what": what,
                    "since": since.isoformat(),
                    "days_late": (today - since).days,
                    "status": c.status_on(today),
                }
                for c, what, since in rows
            ],
            columns=["id", "title", "what", "since", "days_late", "status"],
        )
        return table.sort_values("days_late", kind="stable").reset_index(drop=True)

    def cycle_title(self, cycle: PDSACycle) -> str:
        """The cycle's title, or its change idea's text when it has none (control characters removed)."""
        from ._text import clean

        if cycle.title.strip():
            return clean(cycle.title.strip())
        idea = self._find("change idea", cycle.change_idea)
        return clean(idea.text) if idea is not None else ""

    def ramp_title(self, ramp: Ramp) -> str:
        """The ramp's title, or its change idea's text when it has none (control characters removed)."""
        from ._text import clean

        if ramp.title.strip():
            return clean(ramp.title.strip())
        idea = self._find("change idea", ramp.change_idea)
        return clean(idea.text) if idea is not None else str(ramp.id)

    def check(self, *, today: _dt.date | None = None) -> list[Problem]:
        """Every problem in the project (errors and warnings), as :func:`qitools.pdsa.check` finds them."""
        return check_project(self, today=today)

    # -- conversion ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The whole project as plain values (the JSON layout; see :mod:`qitools.pdsa`).

        Returns
        -------
        dict
            ``format``, ``format_version``, the project fields, ``aim``, one list per record kind,
            ``data`` (dataset name -> ``{"format": "csv", "text": ...}``) and ``history``.
        """
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "id": self.id,
            "title": self.title,
            "team": self.team,
            "description": self.description,
            "created": self.created,
            "aim": self.aim.to_dict(),
            "measures": [m.to_dict() for m in self.measures],
            "drivers": [d.to_dict() for d in self.drivers],
            "change_ideas": [c.to_dict() for c in self.change_ideas],
            "ramps": [r.to_dict() for r in self.ramps],
            "cycles": [c.to_dict() for c in self.cycles],
            "cause_effects": [d.to_dict() for d in self.cause_effects],
            "process_maps": [m.to_dict() for m in self.process_maps],
            "data": {name: {"format": "csv", "text": text} for name, text in self.data.items()},
            "history": copy.deepcopy(self.history or []),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, check: bool = True) -> Project:
        """Build a project from :meth:`to_dict`'s layout (the JSON format), checking every record.

        Parameters
        ----------
        data : dict
            The project; see the JSON format in :mod:`qitools.pdsa`. Lists may be left out.
        check : bool, default True
            Check each record (errors raise, warnings warn) and the links between them.

        Returns
        -------
        Project

        Raises
        ------
        QIValueError
            For an unknown field, a newer format version, or a record that breaks a rule.
        """
        if not isinstance(data, dict):
            raise QITypeError(f"A project must be a JSON object (a mapping); got {type(data).__name__}.")
        data = dict(data)
        fmt = data.pop("format", FORMAT_NAME)
        version = data.pop("format_version", FORMAT_VERSION)
        if fmt != FORMAT_NAME:
            raise QIValueError(
                f"This is not a qitools PDSA project: its 'format' is {fmt!r}, not {FORMAT_NAME!r}. "
                "Export projects with qi.pdsa.to_json() (or `qitools pdsa export`) to get a file this can read."
            )
        if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION or version < 1:
            raise QIValueError(
                f"This project file has format_version {version!r}; this qitools reads version {FORMAT_VERSION}. "
                "It was probably written by a newer qitools: upgrade qitools (pip install -U qitools) to read it."
            )
        lists: dict[str, Any] = {
            "measures": Measure,
            "drivers": Driver,
            "change_ideas": ChangeIdea,
            "ramps": Ramp,
            "cycles": PDSACycle,
            "cause_effects": CauseEffect,
            "process_maps": ProcessMap,
        }
        records: dict[str, list[Any]] = {}
        for key, klass in lists.items():
            items = data.pop(key, None) or []
            if not isinstance(items, list):
                raise QITypeError(f"'{key}' must be a list of {klass.record_type} records; got {type(items).__name__}.")
            records[key] = [klass.from_dict(item) for item in items]
        aim = data.pop("aim", None)
        tables = _data_from_json(data.pop("data", None))
        history = _history_from_json(data.pop("history", None))
        header = _known_keys(cls, data, "project")
        for key in (*lists, "source", "data", "history"):
            header.pop(key, None)
        project = cls(**header, aim=Aim.from_dict(aim) if isinstance(aim, dict) else aim)
        for key, recs in records.items():
            setattr(project, key, recs)
        project.data = tables
        project.history = history or None
        for cycle in project.cycles:  # files written by hand may leave ramps out: one per change idea
            if cycle.ramp is None:
                cycle.ramp, new_ramp = project._default_ramp(cycle)
                if new_ramp is not None:
                    project.ramps.append(new_ramp)
        if check:
            raise_or_warn(check_project(project), project)
        return project

    # -- display ---------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"<Project {self.id!r} measures={len(self.measures)} drivers={len(self.drivers)} "
            f"change_ideas={len(self.change_ideas)} ramps={len(self.ramps)} cycles={len(self.cycles)}>"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        head = f"<p><b>{e(self.title or str(self.id))}</b>"
        if self.aim.text():
            head += f"<br>Aim: {e(self.aim.text())}"
        head += (
            f"<br>{len(self.measures)} measures, {len(self.change_ideas)} change ideas, "
            f"{len(self.ramps)} ramps, {len(self.cycles)} PDSA cycles.</p>"
        )
        table = self.cycles_table()[["id", "title", "scale", "start_date", "end_date", "status"]]
        return head + table.to_html(index=False, na_rep="", escape=True)


def _all_records(project: Project) -> list[Any]:
    return [project.aim, *(r for kind in _KINDS for r in project._collection(kind))]


#: the kinds of record a project holds in lists, in the order they are written
_KINDS = ("measure", "driver", "change idea", "ramp", "cycle", "cause and effect diagram", "process map")
_RECORD_CLASSES = (Measure, Driver, ChangeIdea, Ramp, PDSACycle, CauseEffect, ProcessMap)


def _kind(record: Any) -> str:
    if isinstance(record, _RECORD_CLASSES):
        return record.record_type
    raise QITypeError(
        "Expected a Measure, Driver, ChangeIdea, Ramp, PDSACycle, CauseEffect or ProcessMap (from qitools.pdsa); "
        f"got {type(record).__name__}."
    )


def _plural(kind: str) -> str:
    """The Project attribute holding records of ``kind``."""
    return {
        "change idea": "change_ideas",
        "cause and effect diagram": "cause_effects",
        "process map": "process_maps",
    }.get(kind, f"{kind}s")


_KIND_NAMES = {
    "measure": "measure",
    "measures": "measure",
    "driver": "driver",
    "drivers": "driver",
    "change idea": "change idea",
    "change_idea": "change idea",
    "change_ideas": "change idea",
    "idea": "change idea",
    "ramp": "ramp",
    "ramps": "ramp",
    "cycle": "cycle",
    "cycles": "cycle",
    "cause and effect diagram": "cause and effect diagram",
    "cause_effect": "cause and effect diagram",
    "cause_effects": "cause and effect diagram",
    "fishbone": "cause and effect diagram",
    "process map": "process map",
    "process_map": "process map",
    "process_maps": "process map",
}


def _norm_kind(kind: str) -> str:
    if isinstance(kind, str) and kind.lower().strip() in _KIND_NAMES:
        return _KIND_NAMES[kind.lower().strip()]
    raise QIValueError(
        "`kind` must be one of 'measure', 'driver', 'change_idea', 'ramp', 'cycle', 'fishbone', 'process_map'; "
        f"got {kind!r}."
    )


def data_as_csv(name: Any, data: Any) -> tuple[str, str, int]:
    """``(name, CSV text, rows)`` for a table kept with a project (a DataFrame, or a CSV / Excel file)."""
    import io
    from pathlib import Path

    if not isinstance(name, str) or not name.strip():
        raise QIValueError(
            f"A dataset kept with the project needs a name (the measures' `dataset`), such as 'falls.csv'; got {name!r}."
        )
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.is_file():
            raise QIValueError(
                f"No file at {str(path)!r}, so its data cannot be kept with the project. Check the name."
            )
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
                df = pd.read_excel(path)
            else:
                df = pd.read_csv(path, encoding="utf-8-sig")
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise QIValueError(
                f"Could not read {str(path)!r} as a table ({exc}). Save it as CSV (UTF-8) and try again."
            ) from exc
    elif isinstance(data, pd.DataFrame):
        df = data
    else:
        raise QITypeError(f"The data must be a pandas DataFrame or a CSV / Excel file name; got {type(data).__name__}.")
    buf = io.StringIO()
    out = df.copy()
    for col in out.columns:  # dates as ISO text: read back as dates by the charts
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").where(out[col].notna(), None)
    out.to_csv(buf, index=False, lineterminator="\n")
    return name.strip(), buf.getvalue(), len(df)


def _data_from_json(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QITypeError(f"'data' must map dataset names to tables; got {type(value).__name__}.")
    out: dict[str, str] = {}
    for name, table in value.items():
        if isinstance(table, dict) and table.get("format", "csv") == "csv" and isinstance(table.get("text"), str):
            out[str(name)] = table["text"]
        elif isinstance(table, str):
            out[str(name)] = table
        else:
            raise QIValueError(
                f"data[{name!r}] must be {{'format': 'csv', 'text': '...CSV text...'}} (as qi.pdsa.to_json writes it)."
            )
    return out


_HISTORY_KEYS = ("kind", "record", "action", "version", "changed_at", "changed_by", "changes")


def _history_from_json(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise QITypeError("'history' must be a list of change entries (as qi.pdsa.to_json writes them).")
    out = []
    for i, e in enumerate(value):
        unknown = [k for k in e if k not in _HISTORY_KEYS]
        if unknown:
            raise QIValueError(
                f"history[{i}] has unknown field(s) {', '.join(map(repr, unknown))}; the fields are "
                f"{', '.join(_HISTORY_KEYS)}."
            )
        out.append({k: e.get(k) for k in _HISTORY_KEYS})
    return out


def _cycle_time_key(all_cycles: list[PDSACycle]):  # type: ignore[no-untyped-def]
    order = {id(c): i for i, c in enumerate(all_cycles)}

    def key(c: PDSACycle) -> tuple[str, int]:
        when = c.start_date or c.plan_date or c.end_date or "9999-99-99"
        return (str(when), order.get(id(c), 0))

    return key
