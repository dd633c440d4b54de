"""Answer checks for the qitools exercises: a plain-English verdict and a graded hint, never the answer.

A check cell in an exercise notebook calls one function of this module with the question number,
the learner's answer (a value, a table, a chart result or a function) and the data of the question::

    from qitools import checks
    checks.median("3.1", baseline_median, falls_rate[:12])

It prints one verdict:

* ``✅`` right, with a short note on why it matters;
* ``❌`` not right yet: the **common mistake** it recognises, if any (the mean instead of the
  median, points on the median counted, a percentage where a proportion is needed, a c chart for
  counts with varying exposure, ...), then a **hint**: a nudge the first time, a pointer to what
  to look at from the second wrong attempt on, and "talk to your coach" after that;
* ``⬜`` not answered yet (the answer is still ``...``); this does not count as an attempt.

The expected value is computed inside the check from the data it is given and is never printed.
Multiple-choice keys are stored as salted hashes (:func:`make_key`), so reading a check cell or
this module does not give the answer away. :func:`summary` shows the learner's progress.

The checks are pure Python (no numpy at import), so they also run in JupyterLite; numpy arrays,
pandas Series and DataFrames are accepted as answers. Coaches' hidden checks
(:mod:`qitools.grading`) call :func:`judge`, which returns a :class:`Verdict` without printing.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Verdict",
    "Progress",
    "MISTAKES",
    "begin",
    "reset",
    "summary",
    "results",
    "judge",
    "make_key",
    "choice",
    "choices",
    "chart_type",
    "median",
    "proportion",
    "rate",
    "useful_points",
    "longest_run",
    "crossings",
    "longest_run_max",
    "run_chart_drawing",
    "baseline_chart",
    "moving_ranges",
    "xmr_limits",
    "points_outside",
    "p_limits",
    "days_between",
    "overdispersion",
    "aim",
    "pdsa_cycle",
    "pdsa_ramp",
    "assurance",
    "funnel_limits",
    "outside_funnel",
    "tidy_table",
]

# ----------------------------------------------------------------------------------------------
# Common mistakes: name -> (what it is, what to look at). Never contains an expected value.
# ----------------------------------------------------------------------------------------------

#: Mistakes learners really make, recognised by the checks: name -> (title, explanation).
MISTAKES: dict[str, tuple[str, str]] = {
    "mean_not_median": (
        "the mean instead of the median",
        "A run chart's centre line is the median: the middle value once the points are sorted, so "
        "half lie above it and half below. The mean is pulled towards a few extreme months.",
    ),
    "unsorted_middle": (
        "the middle month instead of the middle value",
        "The median is the middle of the values after sorting them from smallest to largest, not "
        "the value of the month in the middle of the period.",
    ),
    "baseline_not_used": (
        "all the points instead of the baseline",
        "The centre line comes from the baseline only (the points before the change), so that the "
        "later points can be judged against it.",
    ),
    "points_on_median_counted": (
        "counting points on the median",
        "Points exactly on the median are neither above nor below it. The run-chart rules skip "
        "them: they do not count as useful observations, and they neither break nor extend a run.",
    ),
    "process_outcome_swapped": (
        "process and outcome swapped",
        "A process measure counts whether the steps of care happened (screened, given antibiotics in "
        "time); an outcome measure counts what happens to patients (deaths, harm, recovery).",
    ),
    "balancing_missed": (
        "a balancing measure missed",
        "A balancing measure watches for harm the change might cause elsewhere in the system (more "
        "C. difficile from more antibiotics, longer waits): it is neither the result you want nor a step of care.",
    ),
    "runs_not_crossings": (
        "counting runs instead of crossings",
        "A crossing is where the line goes from one side of the median to the other. Runs are "
        "the stretches in between, so there is always one run more than crossings.",
    ),
    "percentage_not_proportion": (
        "a percentage where a proportion is needed",
        "A proportion lies between 0 and 1 (for example 0.85); a percentage is the same number "
        "times 100 (85%). This answer looks 100 times too big.",
    ),
    "proportion_not_percentage": (
        "a proportion where a percentage is asked for",
        "This answer looks 100 times too small: a percentage is the proportion times 100.",
    ),
    "inverted": (
        "the division the wrong way up",
        "Divide the number of events (the numerator) by the number of patients or the exposure "
        "(the denominator), not the other way round.",
    ),
    "complement": (
        "the proportion without the event",
        "This looks like the share of patients who did *not* have the event. Count the ones who did.",
    ),
    "forgot_multiplier": (
        "the rate per single unit, not per 1,000",
        "A rate 'per 1,000 bed days' is events divided by bed days, times 1,000. This answer "
        "looks like the rate per single bed day.",
    ),
    "wrong_multiplier": (
        "the wrong multiplier",
        "Check the 'per ...' in the question: per 1,000 bed days means times 1,000, not times 100.",
    ),
    "mean_of_rates": (
        "the average of the monthly figures",
        "Months with more bed days (or patients) should count for more. Add up the events and the "
        "denominators first, then divide once.",
    ),
    "zero_denominator": (
        "no answer for a zero denominator",
        "Your function stops with an error, or gives a number, when the denominator is 0. With no "
        "bed days there is no rate: return float('nan') (not a number) for such a month.",
    ),
    "signed_moving_ranges": (
        "moving ranges with a sign",
        "A moving range is the size of the jump from one point to the next, so it is never "
        "negative: take the absolute value of each difference.",
    ),
    "moving_range_padding": (
        "a moving range for the first point",
        "The first point has no previous point, so there is one moving range fewer than points.",
    ),
    "sd_not_moving_range": (
        "the standard deviation instead of the moving ranges",
        "XmR limits come from the average moving range (the point-to-point variation), not from the "
        "overall standard deviation, which a shift or a trend inflates.",
    ),
    "three_mr": (
        "3 x the average moving range",
        "The 2.66 factor already includes the 3 sigma: 2.66 = 3 / 1.128, where 1.128 turns the "
        "average moving range into an estimate of sigma.",
    ),
    "median_centre_line": (
        "the median as an XmR centre line",
        "An XmR (I) chart's centre line is the mean of the points; the median is the centre of a run chart.",
    ),
    "on_limit_counted": (
        "counting a point exactly on a limit",
        "A point has to be strictly beyond a limit to be a special cause; a point on the limit is not.",
    ),
    "positions_not_labels": (
        "positions instead of labels",
        "Give the labels of the points (as they appear in the data), not their positions in the list "
        "(Python counts positions from 0).",
    ),
    "constant_p_limits": (
        "one pair of limits for every point",
        "p-chart limits depend on each point's own denominator: points with fewer patients get wider "
        "limits. Work out the limits point by point.",
    ),
    "mean_of_proportions": (
        "the average of the proportions",
        "The centre line of a p chart weights each point by its patients: total events divided by "
        "total patients, not the average of the proportions.",
    ),
    "limits_not_clipped": (
        "limits outside 0 to 1",
        "A proportion can't be below 0 or above 1, so limits are cut off there.",
    ),
    "unsorted_dates": (
        "dates not sorted first",
        "Events are not always recorded in order. Sort the dates before working out the gaps, "
        "otherwise some gaps come out negative.",
    ),
    "inclusive_days": (
        "counting both the first and the last day",
        "The gap between two dates is the later date minus the earlier one: two events on "
        "consecutive days are 1 day apart.",
    ),
    "first_gap_zero": (
        "a gap for the first event",
        "The first event has no earlier event, so there is one gap fewer than events.",
    ),
    "sd_of_z": (
        "the standard deviation of the z-scores",
        "Laney's sigma-z comes from the moving ranges of the z-scores (average moving range / 1.128), "
        "as on an XmR chart, so that a shift between months does not inflate it.",
    ),
    "forgot_d2": (
        "the average moving range without dividing by 1.128",
        "The average moving range is not yet a standard deviation: divide it by d2 = 1.128.",
    ),
    "truncated_not_rounded": (
        "cutting off the decimals instead of rounding",
        "int() and math.floor() always round down; the rule uses the nearest whole number: round().",
    ),
    "wrong_log": (
        "the wrong logarithm",
        "The rule uses the logarithm to base 2: math.log2(n).",
    ),
    "counts_varying_exposure": (
        "the wrong chart for counts with varying exposure",
        "When events are counted against an area of opportunity that changes from month to month "
        "(bed days, patient days), the chart has to divide by it: a c chart assumes the same "
        "opportunity every time.",
    ),
    "rate_for_proportion": (
        "a rate chart for yes/no data",
        "When each patient either has the event or not (screened or not, treated within an hour or "
        "not) the data are a proportion of patients: classification data.",
    ),
    "p_for_counts": (
        "a p chart for counts of events",
        "A p chart needs a yes/no for each patient (at most one event each). Events that can happen "
        "several times to one patient, such as falls, are counts against an area of opportunity.",
    ),
    "counts_for_rare_events": (
        "counts per month for rare events",
        "When events are rare, most months count 0 or 1 and a chart of counts cannot show change. "
        "Chart the time (or the number of cases) between events instead.",
    ),
    "g_for_time": (
        "cases between for time between",
        "A g chart counts opportunities between events (operations between infections). For the "
        "number of days between events use the chart made for time between events.",
    ),
    "rare_event_direction": (
        "the direction of improvement for time between events",
        "On a chart of days between events, longer gaps mean fewer events: a point above the upper limit is good news.",
    ),
    "tampering": (
        "treating common-cause variation as special",
        "A point inside the limits, with no run or trend, is part of the usual variation. Reacting "
        "to it as if it were special (tampering) usually makes a process worse.",
    ),
    "ignoring_special_cause": (
        "missing a special cause",
        "A point beyond a limit (or a long run) is a signal that something different happened: "
        "find out what, rather than treating it as the usual variation.",
    ),
    "rebase_on_outlier": (
        "recalculating limits after one unusual point",
        "Limits are recalculated only after a sustained shift (a signal made of several points in "
        "a row) that you understand and expect to last, not after a single point.",
    ),
    "no_freeze": (
        "limits from every point",
        "To judge new points against the baseline, the centre line and limits must come from the "
        "baseline points only, then be extended: freeze them at the end of the baseline.",
    ),
    "no_prediction": (
        "a cycle without a prediction",
        "Plan includes a prediction: what you expect to happen, as a number you can check "
        '("4 of the 5 patients screened within 1 hour"). Without it there is nothing to learn from.',
    ),
    "study_ignores_prediction": (
        "a Study that doesn't compare with the prediction",
        "Study compares what happened with what you predicted, and says why they differ.",
    ),
    "act_not_decision": (
        "an Act that isn't a decision",
        "Act is one of three decisions: adopt, adapt or abandon.",
    ),
    "scale_jump": (
        "scaling up too fast",
        "Each cycle tests on at most about five times as many as the last one (1 patient, then 5, "
        "then 25...), so a failure costs little and you learn quickly.",
    ),
    "swapped_direction": (
        "the direction of improvement reversed",
        "Check which way is better. For a measure where higher is better, the target is sure to be "
        "met when even the lower limit is at or above it.",
    ),
    "variation_assurance_mixed": (
        "variation and assurance mixed up",
        "The variation icon says whether the process has changed (special or common cause); the "
        "assurance icon says whether the target will be met reliably.",
    ),
    "rag_thinking": (
        "judging one month against the target",
        "A single month above or below a target (a red or green RAG rating) says little: look at "
        "the variation over time and where the target lies against the limits.",
    ),
    "target_not_improvement": (
        "a target that is not an improvement",
        "The target has to be better than the baseline in the direction of improvement.",
    ),
    "deadline_too_early": (
        "a deadline in the past",
        "The 'by when' date has to be after the baseline period ends.",
    ),
    "league_table_ranking": (
        "picking units by their rank",
        "A league table always has a top and a bottom. A funnel plot asks whether a unit is further "
        "from the overall value than chance allows for its size.",
    ),
    "used_95_limits": (
        "the 95% limits instead of the 99.8% limits",
        "Units just outside the 95% limits are expected by chance alone (1 in 20). The question asks "
        "about the 99.8% (3 sigma) limits.",
    ),
    "own_rate_for_limits": (
        "each unit's own value for its limits",
        "Funnel limits are centred on the overall value, and their width depends only on each "
        "unit's size (its denominator).",
    ),
    "no_sqrt": (
        "the variance instead of the standard error",
        "The limits are the overall proportion plus or minus z times the square root of p(1 - p)/n.",
    ),
    "total_row_kept": (
        "a total row left in the data",
        "Exports often end with a Total row. It is not a month: drop it, or it becomes a huge last point.",
    ),
    "text_numbers": (
        "numbers stored as text",
        "Some number columns were read as text (because of '1,234', '85%' or 'n/a' in the export), "
        "so they can't be charted. qi.read_measure converts them and tells you what it changed.",
    ),
}

_HINTS_DEFAULT = (
    "Read the question again, step by step, and check your working on the first few values.",
    "Re-read the worked example above this question, and compare each step with yours.",
)

# ----------------------------------------------------------------------------------------------
# Verdicts and the session record
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer, as returned by :func:`judge` (nothing is printed).

    Attributes
    ----------
    status : {"right", "wrong", "unanswered"}
        ``"unanswered"``: the answer is still ``...`` (or a function that returns nothing).
    score : float
        Fraction of the question right, from 0 to 1 (1 when right; partial credit for several
        items or test cases).
    mistake : str or None
        The name of a recognised common mistake (a key of :data:`MISTAKES`).
    detail : str
        What was wrong (wrong type, how many items were right, ...), never the expected answer.
    more : str
        A more specific pointer, shown from the second wrong attempt on.
    note : str
        For right answers: a short remark on why it matters.
    """

    status: str
    score: float = 0.0
    mistake: str | None = None
    detail: str = ""
    more: str = ""
    note: str = ""

    @property
    def right(self) -> bool:
        """True when the answer is right."""
        return self.status == "right"


def _right(note: str = "") -> Verdict:
    return Verdict("right", 1.0, note=note)


def _wrong(detail: str = "", mistake: str | None = None, score: float = 0.0, more: str = "") -> Verdict:
    return Verdict("wrong", score, mistake=mistake, detail=detail, more=more)


def _unanswered(detail: str = "") -> Verdict:
    return Verdict("unanswered", 0.0, detail=detail)


@dataclass
class _Record:
    qid: str
    objective: str = ""
    status: str = "not tried"  # "right", "wrong", "unanswered", "not tried"
    wrong_attempts: int = 0
    mistake: str | None = None
    score: float = 0.0


@dataclass
class _Session:
    exercise: str = ""
    records: dict[str, _Record] = field(default_factory=dict)


_SESSION = _Session()


class _BadAnswer(Exception):
    """An answer of the wrong kind: the message says what was expected."""


# ----------------------------------------------------------------------------------------------
# Session: begin, reset, summary
# ----------------------------------------------------------------------------------------------


def begin(exercise: str, questions: Mapping[str, str] | Iterable[str] = ()) -> None:
    """Start the checks of an exercise: name it and list its questions for :func:`summary`.

    Parameters
    ----------
    exercise : str
        The exercise name, such as ``"03_run_charts"``.
    questions : mapping or iterable, optional
        The question numbers (``"3.1"``, ...), or a mapping from question number to the learning
        objective it tests ("find the median of the baseline"). Questions not yet checked show
        as "not tried" in the summary.

    Returns
    -------
    None
        Prints one line; earlier results of this session are cleared.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.begin("03_run_charts", {"3.1": "find the baseline median"})
    Checks ready for 03_run_charts: 1 question. Run each check cell after your answer.
    """
    reset()
    _SESSION.exercise = str(exercise)
    items = questions.items() if isinstance(questions, Mapping) else ((q, "") for q in questions)
    for qid, objective in items:
        _SESSION.records[str(qid)] = _Record(str(qid), str(objective))
    n = len(_SESSION.records)
    what = f": {n} question{'s' if n != 1 else ''}" if n else ""
    print(f"Checks ready for {exercise}{what}. Run each check cell after your answer.")


def reset() -> None:
    """Forget every result of this session (the hints start again from the nudge).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.results()
    {}
    """
    _SESSION.exercise = ""
    _SESSION.records.clear()


def results() -> dict[str, dict[str, Any]]:
    """The results of this session: question -> status, score, wrong attempts, mistake.

    Used by :mod:`qitools.grading` to read the checks of an executed notebook and by
    :mod:`qitools.certificate` for a learner's own record.

    Returns
    -------
    dict
        ``{"3.1": {"status": "right", "score": 1.0, "wrong_attempts": 0, "mistake": None,
        "objective": "..."}, ...}``; status is ``"right"``, ``"wrong"``, ``"unanswered"`` or
        ``"not tried"``.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.median("3.1", 8.2, [8.1, 8.3, 7.0, 9.5])
    ✅ Question 3.1: right. Half the points lie above it and half below.
    >>> checks.results()["3.1"]["status"]
    'right'
    """
    return {
        qid: {
            "status": r.status,
            "score": r.score,
            "wrong_attempts": r.wrong_attempts,
            "mistake": r.mistake,
            "objective": r.objective,
        }
        for qid, r in _SESSION.records.items()
    }


_SYMBOL = {"right": "✅", "wrong": "❌", "unanswered": "⬜", "not tried": "⬜"}
_WORDS = {"right": "right", "wrong": "not yet", "unanswered": "not answered", "not tried": "not tried"}


@dataclass(frozen=True)
class Progress:
    """The progress table returned by :func:`summary` (displays as text or as an HTML table).

    Attributes
    ----------
    exercise : str
        The exercise name given to :func:`begin`.
    rows : tuple of dict
        One dict per question: ``question``, ``objective``, ``result`` (right, not yet, not
        answered, not tried), ``wrong_attempts``.
    n_right, n_questions : int
        Questions right, and questions in the exercise (or checked so far).
    """

    exercise: str
    rows: tuple[dict[str, Any], ...]
    n_right: int
    n_questions: int

    def _closing(self) -> str:
        if self.n_questions and self.n_right == self.n_questions:
            return "All done: well done! Read the key points below, then talk to your coach."
        return (
            "Keep going: run the check of each question marked ❌ or ⬜ again after changing your "
            "answer (each new try gives a more specific hint)."
        )

    def __str__(self) -> str:
        title = f"Progress: {self.exercise}" if self.exercise else "Progress"
        lines = [title, f"{self.n_right} of {self.n_questions} questions right", ""]
        for row in self.rows:
            sym = _SYMBOL[row["status"]]
            obj = f" – {row['objective']}" if row["objective"] else ""
            tries = f" ({row['wrong_attempts']} wrong tries)" if row["wrong_attempts"] else ""
            lines.append(f"{sym} {row['question']:>6}  {row['result']:<12}{obj}{tries}")
        lines += ["", self._closing()]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{_SYMBOL[r['status']]}</td><td>{html.escape(r['question'])}</td>"
            f"<td>{html.escape(r['result'])}</td><td style='text-align:left'>{html.escape(r['objective'])}</td>"
            f"<td>{r['wrong_attempts']}</td></tr>"
            for r in self.rows
        )
        title = html.escape(self.exercise or "")
        return (
            f"<p><b>Progress {title}</b>: {self.n_right} of {self.n_questions} questions right</p>"
            "<table><thead><tr><th></th><th>question</th><th>result</th><th>you can…</th>"
            f"<th>wrong tries</th></tr></thead><tbody>{body}</tbody></table>"
            f"<p>{html.escape(self._closing())}</p>"
        )


def summary() -> Progress:
    """The progress table of this session: which questions (and objectives) are met.

    Returns
    -------
    Progress
        Displays as a table in a notebook; ``str()`` gives the text version.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.begin("03_run_charts", {"3.1": "find the baseline median", "3.2": "count useful points"})
    Checks ready for 03_run_charts: 2 questions. Run each check cell after your answer.
    >>> checks.median("3.1", 8.2, [8.1, 8.3, 7.0, 9.5])
    ✅ Question 3.1: right. Half the points lie above it and half below.
    >>> print(checks.summary())  # doctest: +ELLIPSIS
    Progress: 03_run_charts
    1 of 2 questions right
    <BLANKLINE>
    ✅    3.1  right        – find the baseline median
    ⬜    3.2  not tried    – count useful points
    <BLANKLINE>
    Keep going: ...
    """
    rows = tuple(
        {
            "question": r.qid,
            "objective": r.objective,
            "status": r.status,
            "result": _WORDS[r.status],
            "wrong_attempts": r.wrong_attempts,
        }
        for r in _SESSION.records.values()
    )
    n_right = sum(r["status"] == "right" for r in rows)
    return Progress(_SESSION.exercise, rows, n_right, len(rows))


# ----------------------------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------------------------


def _hint_pair(hints: Sequence[str] | str | None, default: tuple[str, str]) -> tuple[str, str]:
    if hints is None:
        return default
    if isinstance(hints, str):
        return (hints, default[1])
    hints = [str(h) for h in hints]
    if not hints:
        return default
    return (hints[0], hints[1] if len(hints) > 1 else default[1])


def _report(qid: str, verdict: Verdict, hints: tuple[str, str]) -> None:
    qid = str(qid)
    rec = _SESSION.records.setdefault(qid, _Record(qid))
    if verdict.status == "right":
        rec.status, rec.score, rec.mistake = "right", 1.0, None
        print(f"✅ Question {qid}: right. {verdict.note}".rstrip())
        return
    if verdict.status == "unanswered":
        if rec.status != "right":
            rec.status = "unanswered" if rec.status in ("not tried", "unanswered") else rec.status
        detail = verdict.detail or "the answer is still ..."
        print(
            f"⬜ Question {qid}: not answered yet ({detail}). Replace ... with your answer, then run this cell again."
        )
        return
    rec.status, rec.score, rec.mistake = "wrong", verdict.score, verdict.mistake
    rec.wrong_attempts += 1
    level = min(rec.wrong_attempts, 2)
    lines = [f"❌ Question {qid}: not right yet." + (f" {verdict.detail}" if verdict.detail else "")]
    if verdict.mistake in MISTAKES:
        title, why = MISTAKES[verdict.mistake]
        lines.append(f"   Common mistake – {title}: {why}")
    if level >= 2 and verdict.more:
        lines.append(f"   {verdict.more}")
    lines.append(f"   Hint {level} of 2: {hints[level - 1]}")
    if rec.wrong_attempts >= 3:
        lines.append(f"   Still stuck? Talk to your coach about question {qid}.")
    print("\n".join(lines))


# ----------------------------------------------------------------------------------------------
# Reading answers
# ----------------------------------------------------------------------------------------------


def _is_blank(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _number(value: Any, what: str = "a number") -> float:
    """A float from a learner's value (int, float, numpy scalar); _BadAnswer otherwise."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise _BadAnswer(f"Expected {what}, got {_kind(value)}.")
    if isinstance(value, str):
        raise _BadAnswer(f"Expected {what}, got text ({value!r}): remove the quotes.")
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "__float__") and getattr(value, "ndim", 0) == 0 and not isinstance(value, (list, tuple)):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise _BadAnswer(f"Expected {what}, got {_kind(value)}.")


def _numbers(values: Any, what: str = "a list of numbers") -> list[float]:
    """A list of floats from a list, tuple, range, numpy array or pandas Series."""
    if isinstance(values, (str, bytes, Mapping)) or values is None or values is Ellipsis:
        raise _BadAnswer(f"Expected {what}, got {_kind(values)}.")
    if hasattr(values, "tolist") and not isinstance(values, (list, tuple)):
        values = values.tolist()
    if not isinstance(values, Iterable):
        raise _BadAnswer(f"Expected {what}, got {_kind(values)}.")
    out = []
    for v in values:
        if v is None:
            out.append(math.nan)
            continue
        out.append(_number(v, "numbers only in the list"))
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "None (nothing)"
    if value is Ellipsis:
        return "... (no answer yet)"
    if isinstance(value, bool):
        return f"True/False ({value})"
    if isinstance(value, str):
        return "text"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _int_answer(value: Any, what: str = "a whole number") -> int:
    x = _number(value, what)
    if not math.isfinite(x) or x != int(x):
        raise _BadAnswer(f"Expected {what}, got {value!r}.")
    return int(x)


def _rounded_equal(answer: float, expected: float) -> bool:
    """The answer equals the expected value rounded to 3+ significant figures."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return False
    for k in range(0, 10):
        if 0.5 * 10.0**-k <= 0.005 * abs(expected) and answer == round(expected, k):
            return True
    return False


def _close(answer: float, expected: float, rel: float = 1e-6) -> bool:
    """Equal within a relative tolerance, or the expected value rounded (for typed answers)."""
    if math.isnan(expected) or math.isnan(answer):
        return math.isnan(expected) and math.isnan(answer)
    if math.isclose(answer, expected, rel_tol=rel, abs_tol=1e-9):
        return True
    return _rounded_equal(answer, expected)


def _all_close(answer: Sequence[float], expected: Sequence[float], rel: float = 1e-6) -> bool:
    return len(answer) == len(expected) and all(_close(a, e, rel) for a, e in zip(answer, expected, strict=False))


def _call(fn: Any, *args: Any) -> Any:
    """Call a learner's function; an exception becomes a _BadAnswer naming it."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - any learner error is reported, not raised
        raise _BadAnswer(f"Your function stopped with {type(exc).__name__}: {exc}".rstrip(": ")) from None


def _calls(fn: Any, cases: Sequence[tuple[Any, ...]], convert: Callable[[Any], Any]) -> list[Any]:
    """Results of fn on each case (converted), _BadAnswer on the first failure."""
    out = []
    for args in cases:
        result = _call(fn, *[list(a) if isinstance(a, list) else a for a in args])
        out.append(convert(result))
    return out


def _check_callable(fn: Any, name: str) -> None:
    if not callable(fn):
        raise _BadAnswer(f"Expected a function ({name}), got {_kind(fn)}.")


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


# ----------------------------------------------------------------------------------------------
# Judges: answer + data -> Verdict (no printing). One per kind of question.
# ----------------------------------------------------------------------------------------------


def _judge_median(answer: Any, data: Any, *, baseline: int | None = None) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    base = values[:baseline] if baseline else values
    expected = _median(base)
    x = _number(answer)
    if _close(x, expected):
        return _right("Half the points lie above it and half below.")
    if _close(x, statistics.fmean(base)):
        return _wrong(mistake="mean_not_median")
    if baseline and _close(x, _median(values)):
        return _wrong(mistake="baseline_not_used")
    mid = len(base) // 2
    middles = {base[mid]} | ({base[mid - 1], (base[mid - 1] + base[mid]) / 2} if len(base) % 2 == 0 else set())
    if any(_close(x, m) for m in middles) and not _close(x, expected):
        return _wrong(mistake="unsorted_middle")
    if _close(x, expected * 100) or _close(x, expected / 100):
        return _wrong(mistake="percentage_not_proportion" if _close(x, expected * 100) else "proportion_not_percentage")
    return _wrong()


def _scale_mistake(x: float, expected: float, *, percent: bool = False) -> str | None:
    if expected == 0 or not math.isfinite(expected):
        return None
    if _close(x, expected * 100):
        return "proportion_not_percentage" if percent else "percentage_not_proportion"
    if _close(x, expected / 100):
        return "proportion_not_percentage" if not percent else "percentage_not_proportion"
    return None


def _judge_proportion(answer: Any, events: Any, total: Any, *, percent: bool = False, pooled: bool = False) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    scale = 100.0 if percent else 1.0
    scalar_data = not isinstance(events, (list, tuple)) and not hasattr(events, "tolist")
    if scalar_data or pooled:
        ev = [_number(events)] if scalar_data else _numbers(events)
        tot = [_number(total)] if scalar_data else _numbers(total)
        expected = sum(ev) / sum(tot) * scale
        x = _number(answer)
        if _close(x, expected):
            return _right()
        mistake = _scale_mistake(x, expected, percent=percent)
        if mistake is None and expected and _close(x, scale * scale / expected):
            mistake = "inverted"
        if mistake is None and _close(x, scale - expected):
            mistake = "complement"
        if (
            mistake is None
            and not scalar_data
            and _close(x, statistics.fmean(e / t * scale for e, t in zip(ev, tot, strict=False)))
        ):
            mistake = "mean_of_proportions"
        return _wrong(mistake=mistake)
    ev, tot = _numbers(events), _numbers(total)
    expected_list = [e / t * scale if t else math.nan for e, t in zip(ev, tot, strict=False)]
    xs = _numbers(answer)
    if len(xs) != len(expected_list):
        return _wrong(f"Expected {len(expected_list)} values (one per point), got {len(xs)}.")
    if _all_close(xs, expected_list):
        return _right()
    right = sum(_close(a, e) for a, e in zip(xs, expected_list, strict=False))
    mistakes = {_scale_mistake(a, e, percent=percent) for a, e in zip(xs, expected_list, strict=False)} - {None}
    return _wrong(f"{right} of {len(xs)} values are right.", mistake=min(mistakes) if mistakes else None)


def _judge_rate(answer: Any, events: Any, exposure: Any, *, per: float = 1000, pooled: bool = False) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    ev, ex = _numbers(events, "events"), _numbers(exposure, "exposure")
    if callable(answer):
        cases = [(e, x) for e, x in zip(ev, ex, strict=False) if x]
        results = _calls(answer, cases, lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_number(r, "a number from your function") for r in results]
        expected = [e / x * per for e, x in cases]
        right = sum(_close(g, e) for g, e in zip(got, expected, strict=False))
        if right < len(cases):
            mistake = _rate_mistake(got[0], cases[0][0], cases[0][1], per)
            return _wrong(f"{right} of {len(cases)} months are right.", mistake=mistake, score=0.0)
        try:
            zero = answer(ev[0] if ev else 1.0, 0.0)
        except Exception:  # noqa: BLE001
            return _wrong("It works for ordinary months.", mistake="zero_denominator", score=0.5)
        if not _isnan(zero):
            return _wrong("It works for ordinary months.", mistake="zero_denominator", score=0.5)
        return _right("It also copes with a month without bed days.")
    if pooled:
        expected = sum(ev) / sum(ex) * per
        x = _number(answer)
        if _close(x, expected):
            return _right("Each month counts in proportion to its bed days.")
        mean_of = statistics.fmean(e / x_ * per for e, x_ in zip(ev, ex, strict=False) if x_)
        if _close(x, mean_of):
            return _wrong(mistake="mean_of_rates")
        return _wrong(mistake=_rate_mistake(x, sum(ev), sum(ex), per))
    xs = _numbers(answer)
    expected = [e / x * per if x else math.nan for e, x in zip(ev, ex, strict=False)]
    if len(xs) != len(expected):
        return _wrong(f"Expected {len(expected)} values (one per month), got {len(xs)}.")
    if _all_close(xs, expected):
        return _right()
    right = sum(_close(a, e) for a, e in zip(xs, expected, strict=False))
    first = next(i for i, (a, e) in enumerate(zip(xs, expected, strict=False)) if not _close(a, e))
    return _wrong(
        f"{right} of {len(xs)} values are right.", mistake=_rate_mistake(xs[first], ev[first], ex[first], per)
    )


def _isnan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _rate_mistake(got: float, events: float, exposure: float, per: float) -> str | None:
    if not exposure or not math.isfinite(got):
        return None
    expected = events / exposure * per
    if _close(got, events / exposure):
        return "forgot_multiplier"
    if per != 100 and _close(got, events / exposure * 100):
        return "wrong_multiplier"
    if events and _close(got, exposure / events * per) or events and _close(got, exposure / events):
        return "inverted"
    if _close(got, expected * 100) or _close(got, expected / 100):
        return "wrong_multiplier"
    return None


def _sides(values: Sequence[float], centre: float) -> list[int]:
    return [(v > centre) - (v < centre) for v in values if not math.isnan(v)]


def _ref_longest_run(values: Sequence[float], centre: float, mode: str = "skip") -> int:
    """Longest run; mode "skip" (the rule), "break" (points on the centre end runs), "join"."""
    best = cur = 0
    prev = 0
    for s in _sides(values, centre):
        if s == 0:
            if mode == "skip":
                continue
            if mode == "break":
                prev, cur = 0, 0
                continue
            cur += 1  # join: counted with the current run
            best = max(best, cur)
            continue
        cur = cur + 1 if s == prev else 1
        prev = s
        best = max(best, cur)
    return best


def _ref_crossings(values: Sequence[float], centre: float) -> int:
    sides = [s for s in _sides(values, centre) if s]
    return sum(a != b for a, b in zip(sides, sides[1:], strict=False))


def _crossings_touching(values: Sequence[float], centre: float) -> int:
    """Crossings if touching the median counted as crossing (a common mistake)."""
    sides = _sides(values, centre)
    return sum(a != b for a, b in zip(sides, sides[1:], strict=False))


_RUN_CASES: tuple[tuple[list[float], float], ...] = (
    ([1.0, 2.0, 3.0, 5.0, 6.0, 7.0, 8.0, 2.0, 1.0], 4.0),
    ([5.0, 6.0, 4.0, 4.0, 6.0, 7.0, 8.0, 3.0, 2.0, 4.0], 4.0),  # points on the centre inside a run
    ([4.0, 5.0, 4.0, 5.0, 4.0, 3.0, 3.0], 4.0),
    ([2.0, 2.0, 2.0, 6.0, 6.0, 6.0, 6.0, 6.0, 2.0, 6.0], 4.0),
)


def _judge_runs(kind: str, answer: Any, data: Any, centre: Any = None) -> Verdict:
    """Shared judge of useful_points, longest_run and crossings (value or function)."""
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    c = _median([v for v in values if not math.isnan(v)]) if centre is None else _number(centre, "a centre line value")
    ref = {"useful_points": lambda v, m: len([s for s in _sides(v, m) if s]), "longest_run": _ref_longest_run,
           "crossings": _ref_crossings}[kind]  # fmt: skip
    alternatives: list[tuple[str, Callable[[Sequence[float], float], int]]] = {
        "useful_points": [("points_on_median_counted", lambda v, m: len(_sides(v, m)))],
        "longest_run": [
            ("points_on_median_counted", lambda v, m: _ref_longest_run(v, m, "join")),
            ("points_on_median_counted", lambda v, m: _ref_longest_run(v, m, "break")),
        ],
        "crossings": [
            ("runs_not_crossings", lambda v, m: _ref_crossings(v, m) + 1),
            ("points_on_median_counted", _crossings_touching),
        ],
    }[kind]
    if callable(answer):
        cases = [(values, c), *_RUN_CASES]
        results = _calls(answer, cases, lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_int_answer(r, "a whole number from your function") for r in results]
        expected = [ref(v, m) for v, m in cases]
        right = sum(g == e for g, e in zip(got, expected, strict=False))
        if right == len(cases):
            return _right("It also copes with points on the centre line.")
        for name, alt in alternatives:
            alt_values = [alt(v, m) for v, m in cases]
            if all(g == a for g, a in zip(got, alt_values, strict=False)) or any(
                g == a != e for g, a, e in zip(got, alt_values, expected, strict=False)
            ):
                return _wrong(f"{right} of {len(cases)} test series are right.", mistake=name,
                              score=right / len(cases))  # fmt: skip
        return _wrong(f"{right} of {len(cases)} test series are right.", score=right / len(cases))
    x = _int_answer(answer)
    expected = ref(values, c)
    if x == expected:
        return _right()
    for name, alt in alternatives:
        if x == alt(values, c):
            return _wrong(mistake=name)
    return _wrong()


def _judge_longest_run_max(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "longest_run_max(n)")
    ns = list(range(10, 101))
    results = _calls(answer, [(n,) for n in ns], lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = [_number(r, "a number from your function") for r in results]
    expected = [round(math.log2(n)) + 3 for n in ns]
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    if right == len(ns):
        return _right("For 24 useful points a run of 9 or more is a signal.")
    detail = f"{right} of {len(ns)} values of n (10 to 100) are right."
    if all(g == math.floor(math.log2(n)) + 3 for g, n in zip(got, ns, strict=False)):
        return _wrong(detail, mistake="truncated_not_rounded", score=right / len(ns))
    for log in (math.log, math.log10):
        if all(g in (round(log(n)) + 3, math.floor(log(n)) + 3) for g, n in zip(got, ns, strict=False)):
            return _wrong(detail, mistake="wrong_log", score=right / len(ns))
    return _wrong(detail, score=right / len(ns))


def _judge_run_chart_drawing(answer: Any, data: Any, *, baseline: int | None = None, annotations: int = 1) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not hasattr(answer, "get_lines") or not hasattr(answer, "texts"):
        raise _BadAnswer(f"Expected the matplotlib Axes you drew on (ax), got {_kind(answer)}.")
    values = _numbers(data, "data")
    lines = list(answer.get_lines())
    if not lines and not answer.collections:
        return _unanswered("nothing is drawn on ax yet")
    ys = []
    for line in lines:
        try:
            ys.append([float(v) for v in line.get_ydata()])
        except (TypeError, ValueError):
            ys.append([])
    data_line = next((y for y in ys if _all_close(y, values)), None)
    score = 0.0
    problems = []
    if data_line is None:
        if any(_all_close(y, sorted(values)) for y in ys):
            problems.append("The data line is sorted by size: a run chart keeps the points in time order.")
        else:
            problems.append("No line has the data points in time order (plot them with ax.plot).")
    else:
        score += 0.4
    base = values[:baseline] if baseline else values
    centre = _median(base)
    flat = [y[0] for y in ys if len(y) >= 2 and all(v == y[0] for v in y)]
    mistake = None
    if any(_close(v, centre) for v in flat):
        score += 0.4
    elif any(_close(v, statistics.fmean(base)) for v in flat):
        mistake = "mean_not_median"
        problems.append("The horizontal line is not at the median.")
    elif baseline and any(_close(v, _median(values)) for v in flat):
        mistake = "baseline_not_used"
        problems.append("The horizontal line is not at the median of the baseline.")
    else:
        problems.append("There is no horizontal centre line at the median (ax.axhline draws one).")
    if len(answer.texts) >= annotations:
        score += 0.2
    else:
        problems.append(f"Add at least {annotations} annotation (ax.annotate or ax.text) marking the change.")
    if not problems:
        return _right("Points in time order, the baseline median, and the change marked.")
    return _wrong(" ".join(problems), mistake=mistake, score=round(score, 2))


def _chart_name(obj: Any) -> str:
    aliases = {"xmr": "i", "p_prime": "pp", "u_prime": "up", "x": "i", "imr": "i"}
    name = getattr(obj, "chart", obj)
    if not isinstance(name, str):
        raise _BadAnswer(f"Expected a chart result or a chart name such as 'p', got {_kind(obj)}.")
    name = name.strip().lower().replace(" chart", "").replace("-", "_")
    return aliases.get(name, name)


def _judge_baseline_chart(answer: Any, *, chart: str, n_points: int, baseline: int) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    data = getattr(answer, "data", None)
    if not hasattr(answer, "chart") or data is None or not hasattr(data, "columns"):
        raise _BadAnswer(f"Expected the result of qi.control_chart or qi.run_chart, got {_kind(answer)}.")
    if _chart_name(answer) != _chart_name(chart):
        return _wrong("It is not the kind of chart the question asks for.")
    if len(data) != n_points:
        return _wrong(f"The chart has {len(data)} points; the data have {n_points}.")
    flags = [bool(v) for v in data["baseline"].tolist()] if "baseline" in data.columns else []
    if flags == [True] * baseline + [False] * (n_points - baseline):
        return _right("The later points are judged against the baseline.")
    if flags and all(flags):
        return _wrong(mistake="no_freeze")
    return _wrong(f"The baseline is {sum(flags)} points long; check where it ends (freeze=).")


def _judge_moving_ranges(answer: Any, data: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    cases = [values, [3.0, 5.0, 4.0, 9.0, 1.0], [10.0, 10.0, 7.5]]
    if callable(answer):
        results = _calls(answer, [(c,) for c in cases], lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_numbers(r, "a list of numbers from your function") for r in results]
    else:
        got, cases = [_numbers(answer)], [values]
    expected = [[abs(b - a) for a, b in zip(c, c[1:], strict=False)] for c in cases]
    if all(_all_close(g, e) for g, e in zip(got, expected, strict=False)):
        return _right("One fewer moving range than points, none negative.")
    right = sum(_all_close(g, e) for g, e in zip(got, expected, strict=False))
    score = right / len(cases)
    if all(len(g) == len(c) for g, c in zip(got, cases, strict=False)):
        return _wrong(mistake="moving_range_padding", score=score)
    if all(_all_close([abs(v) for v in g], e) for g, e in zip(got, expected, strict=False)):
        return _wrong(mistake="signed_moving_ranges", score=score)
    return _wrong(f"{right} of {len(cases)} test series are right.", score=score)


def _triple(result: Any, what: str = "(cl, lcl, ucl)") -> tuple[float, float, float]:
    if isinstance(result, Mapping):
        keys = {str(k).lower(): v for k, v in result.items()}
        try:
            return tuple(_number(keys[k]) for k in ("cl", "lcl", "ucl"))  # type: ignore[return-value]
        except KeyError:
            raise _BadAnswer(f"Expected a dict with keys 'cl', 'lcl' and 'ucl', got keys {sorted(keys)}.") from None
    vals = _numbers(result, f"three numbers {what}")
    if len(vals) != 3:
        raise _BadAnswer(f"Expected three numbers {what}, got {len(vals)}.")
    return vals[0], vals[1], vals[2]


def _xmr_ref(values: Sequence[float]) -> tuple[float, float, float]:
    mean = statistics.fmean(values)
    mrbar = statistics.fmean(abs(b - a) for a, b in zip(values, values[1:], strict=False))
    return mean, mean - 2.66 * mrbar, mean + 2.66 * mrbar


def _limits_close(got: Sequence[float], expected: Sequence[float], cl: float) -> bool:
    """Limits equal allowing 2.66 vs 3/1.128 vs 2/sqrt(pi) (0.2% of the half-width)."""
    return all(
        math.isclose(g, e, rel_tol=1e-9, abs_tol=2e-3 * abs(e - cl) + 1e-9) or _rounded_equal(g, e)
        for g, e in zip(got, expected, strict=False)
    )


def _judge_xmr_limits(answer: Any, data: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    cases = [values, [12.0, 15.0, 11.0, 14.0, 18.0, 13.0, 12.0, 16.0]]
    if callable(answer):
        results = _calls(answer, [(c,) for c in cases], lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_triple(r) for r in results]
    else:
        got, cases = [_triple(answer)], [values]
    right = 0
    mistake = None
    for g, c in zip(got, cases, strict=False):
        cl, lcl, ucl = _xmr_ref(c)
        if _close(g[0], cl) and _limits_close(g[1:], (lcl, ucl), cl):
            right += 1
            continue
        half = (g[2] - g[1]) / 2
        mrbar = (ucl - cl) / 2.66
        if _close(g[0], _median(c)) and not _close(g[0], cl):
            mistake = mistake or "median_centre_line"
        elif math.isclose(half, 3 * statistics.stdev(c), rel_tol=1e-3) or math.isclose(
            half, 2.66 * statistics.stdev(c), rel_tol=1e-3
        ):
            mistake = mistake or "sd_not_moving_range"
        elif math.isclose(half, 3 * mrbar, rel_tol=1e-3):
            mistake = mistake or "three_mr"
    if right == len(cases):
        return _right("Mean ± 2.66 × the average moving range.")
    return _wrong(f"{right} of {len(cases)} test series are right.", mistake=mistake, score=right / len(cases))


def _label_list(answer: Any) -> list[Any]:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable) or isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a list of labels, got {_kind(answer)}.")
    if hasattr(answer, "tolist"):
        answer = answer.tolist()
    return list(answer)


def _norm_label(label: Any) -> str:
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    if hasattr(label, "isoformat") and not isinstance(label, str):
        label = label.isoformat()[:10]
    return str(label).strip().lower()


def _judge_points_outside(answer: Any, labels: Any, values: Any, *, limits: Any = None) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    labs, vals = list(labels.tolist() if hasattr(labels, "tolist") else labels), _numbers(values, "values")
    if limits is None:
        _, lcl, ucl = _xmr_ref(vals)
        lo, hi = [lcl] * len(vals), [ucl] * len(vals)
    else:
        lo, hi = (_numbers(limits[0]), _numbers(limits[1])) if not isinstance(limits[0], (int, float)) else (
            [float(limits[0])] * len(vals), [float(limits[1])] * len(vals))  # fmt: skip
    outside = {_norm_label(la) for la, v, a, b in zip(labs, vals, lo, hi, strict=False) if v > b or v < a}
    on_limit = {_norm_label(la) for la, v, a, b in zip(labs, vals, lo, hi, strict=False) if v == b or v == a}
    got_raw = _label_list(answer)
    got = {_norm_label(g) for g in got_raw}
    if got == outside:
        return _right("A point exactly on a limit would not count.") if not outside else _right()
    if on_limit and got == outside | on_limit:
        return _wrong(mistake="on_limit_counted")
    label_set = {_norm_label(la) for la in labs}
    if got_raw and all(isinstance(g, int) and not isinstance(g, bool) for g in got_raw) and not got <= label_set:
        return _wrong(mistake="positions_not_labels")
    for off in (0, 1):
        idx = {_norm_label(i + off) for i, la in enumerate(labs) if _norm_label(la) in outside}
        if got == idx and got != outside:
            return _wrong(mistake="positions_not_labels")
    n_right = len(got & outside)
    detail = f"{n_right} of your {len(got)} points are beyond a limit." if got else "Your list is empty."
    return _wrong(detail, score=0.0)


def _p_ref(ev: Sequence[float], n: Sequence[float], *, z: float = 3.0, clip: bool = True) -> tuple[list[float], ...]:
    pbar = sum(ev) / sum(n)
    lo, hi = [], []
    for ni in n:
        se = math.sqrt(pbar * (1 - pbar) / ni)
        a, b = pbar - z * se, pbar + z * se
        lo.append(max(a, 0.0) if clip else a)
        hi.append(min(b, 1.0) if clip else b)
    return lo, hi


def _pair_of_lists(result: Any) -> tuple[list[float], list[float]]:
    if isinstance(result, Mapping):
        keys = {str(k).lower(): v for k, v in result.items()}
        if "lcl" in keys and "ucl" in keys:
            return _numbers(keys["lcl"]), _numbers(keys["ucl"])
        raise _BadAnswer("Expected a dict with keys 'lcl' and 'ucl'.")
    if hasattr(result, "columns") and {"lcl", "ucl"} <= set(result.columns):
        return _numbers(result["lcl"]), _numbers(result["ucl"])
    if isinstance(result, (list, tuple)) and len(result) == 2:
        return _numbers(result[0]), _numbers(result[1])
    raise _BadAnswer(f"Expected two lists (lcl, ucl), got {_kind(result)}.")


def _judge_p_limits(answer: Any, events: Any, n: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    ev, nn = _numbers(events, "events"), _numbers(n, "denominators")
    cases = [(ev, nn), ([2.0, 0.0, 5.0, 1.0, 3.0], [20.0, 8.0, 40.0, 15.0, 30.0])]
    if callable(answer):
        results = _calls(answer, cases, lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_pair_of_lists(r) for r in results]
    else:
        got, cases = [_pair_of_lists(answer)], cases[:1]
    right = 0
    mistake = None
    for (glo, ghi), (e, m) in zip(got, cases, strict=False):
        lo, hi = _p_ref(e, m)
        if len(glo) != len(m) or len(ghi) != len(m):
            if len(glo) == 1 or len(ghi) == 1:
                mistake = mistake or "constant_p_limits"
            continue
        if _all_close(glo, lo, 1e-6) and _all_close(ghi, hi, 1e-6):
            right += 1
            continue
        ulo, uhi = _p_ref(e, m, clip=False)
        pbar = sum(e) / sum(m)
        if _all_close(glo, [v * 100 for v in lo]) or _all_close(ghi, [v * 100 for v in hi]):
            mistake = mistake or "percentage_not_proportion"
        elif len(set(round(v, 12) for v in ghi)) == 1 and len(set(m)) > 1:
            mistake = mistake or "constant_p_limits"
        elif _all_close(glo, ulo) and _all_close(ghi, uhi):
            mistake = mistake or "limits_not_clipped"
        elif _centre_is(glo, ghi, statistics.fmean(a / b for a, b in zip(e, m, strict=False))) and not _centre_is(
            glo, ghi, pbar
        ):
            mistake = mistake or "mean_of_proportions"
    if right == len(cases):
        return _right("Limits are wider where there are fewer patients.")
    return _wrong(f"{right} of {len(cases)} test series are right.", mistake=mistake, score=right / len(cases))


def _centre_is(lo: Sequence[float], hi: Sequence[float], centre: float) -> bool:
    mids = [(a + b) / 2 for a, b in zip(lo, hi, strict=False) if a > 0 and b < 1]
    return bool(mids) and all(math.isclose(m, centre, rel_tol=1e-6) for m in mids)


def _parse_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    return _dt.date.fromisoformat(str(value)[:10])


def _days(value: Any) -> float:
    if hasattr(value, "days") and not isinstance(value, (int, float)):
        return float(value.days)
    if hasattr(value, "astype") and "timedelta" in str(getattr(value, "dtype", "")):
        return float(value.astype("timedelta64[D]").astype(int))
    return _number(value, "numbers of days")


def _judge_days_between(answer: Any, dates: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "days_between(dates)")
    given = [str(_parse_date(d)) for d in (dates.tolist() if hasattr(dates, "tolist") else dates)]
    cases = [
        given,
        ["2024-03-10", "2024-01-05", "2024-02-01", "2024-01-20"],  # not in order
        ["2023-12-28", "2024-01-03", "2024-01-03", "2024-02-29", "2024-03-01"],  # year end, same day, 29 Feb
    ]
    results = _calls(answer, [(c,) for c in cases], lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = []
    for r in results:
        if isinstance(r, (str, bytes)) or not isinstance(r, Iterable) and not hasattr(r, "tolist"):
            raise _BadAnswer(f"Expected a list of numbers of days from your function, got {_kind(r)}.")
        items = r.tolist() if hasattr(r, "tolist") and not hasattr(r, "dt") else list(r)
        got.append([_days(v) for v in items])
    expected = []
    for c in cases:
        ds = sorted(_parse_date(d) for d in c)
        expected.append([float((b - a).days) for a, b in zip(ds, ds[1:], strict=False)])
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    if right == len(cases):
        return _right("It copes with unsorted dates, two events on one day and the turn of the year.")
    detail = f"{right} of {len(cases)} test lists are right."
    score = right / len(cases)
    for g, c, e in zip(got, cases, expected, strict=False):
        if g == e:
            continue
        ds = [_parse_date(d) for d in c]
        if g == [float((b - a).days) for a, b in zip(ds, ds[1:], strict=False)]:
            return _wrong(detail, mistake="unsorted_dates", score=score)
        if g == [v + 1 for v in e]:
            return _wrong(detail, mistake="inclusive_days", score=score)
        if len(g) == len(e) + 1:
            return _wrong(detail, mistake="first_gap_zero", score=score)
    return _wrong(detail, score=score)


def _z_scores(ev: Sequence[float], n: Sequence[float]) -> list[float]:
    pbar = sum(ev) / sum(n)
    return [(e / m - pbar) / math.sqrt(pbar * (1 - pbar) / m) for e, m in zip(ev, n, strict=False)]


def _judge_overdispersion(answer: Any, events: Any, n: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    z = _z_scores(_numbers(events, "events"), _numbers(n, "denominators"))
    mr = statistics.fmean(abs(b - a) for a, b in zip(z, z[1:], strict=False))
    x = _number(answer)
    expected = mr / 1.128
    if math.isclose(x, expected, rel_tol=1e-3) or _rounded_equal(x, expected):
        verdict = "over-dispersed: use Laney's p' chart" if expected > 1 else "no more spread than a p chart expects"
        return _right(f"Sigma-z near 1 means the p chart fits; here it is {verdict}.")
    if math.isclose(x, statistics.stdev(z), rel_tol=1e-3) or math.isclose(x, statistics.pstdev(z), rel_tol=1e-3):
        return _wrong(mistake="sd_of_z")
    if math.isclose(x, mr, rel_tol=1e-3):
        return _wrong(mistake="forgot_d2")
    return _wrong()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _judge_aim(answer: Any, *, baseline: float, improvement: str, after: str, proportion: bool = True) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets), got {_kind(answer)}.")
    if all(_is_blank(v) for v in answer.values()):
        return _unanswered()
    need = ("measure", "population", "baseline", "target", "by")
    missing = [k for k in need if k not in answer]
    if missing:
        return _wrong(f"The aim is missing: {', '.join(missing)}.")
    problems, mistake, ok = [], None, 0
    if len(_text(answer["measure"])) >= 5:
        ok += 1
    else:
        problems.append("'measure' should say in words what is measured.")
    if len(_text(answer["population"])) >= 3:
        ok += 1
    else:
        problems.append("'population' should say for whom (which patients, which ward).")
    try:
        base, target = _number(answer["baseline"], "a number"), _number(answer["target"], "a number")
    except _BadAnswer as exc:
        return _wrong(f"'baseline' and 'target' must be numbers: {exc}", score=ok / 5)
    if _close(base, baseline):
        ok += 1
    elif _close(base, baseline * 100):
        mistake = "percentage_not_proportion"
        problems.append("'baseline' is not on the scale of the data.")
    else:
        problems.append("'baseline' should be the current level given in the question.")
    if proportion and target > 1:
        mistake = mistake or "percentage_not_proportion"
        problems.append("'target' is not on the scale of the data.")
    elif (target > baseline) if improvement == "increase" else (target < baseline):
        ok += 1
    else:
        mistake = mistake or "target_not_improvement"
        problems.append("'target' is not an improvement on the baseline.")
    try:
        by = _parse_date(answer["by"])
    except (TypeError, ValueError):
        problems.append("'by' should be a date written like '2026-03-31'.")
    else:
        if by > _parse_date(after):
            ok += 1
        else:
            mistake = mistake or "deadline_too_early"
            problems.append("'by' should be after the baseline ends.")
    if not problems:
        return _right("How much, by when, for whom: a measurable aim.")
    return _wrong(" ".join(problems), mistake=mistake, score=ok / 5)


_PDSA_FIELDS = ("change", "prediction", "measure", "study", "act")


def _judge_pdsa_cycle(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets), got {_kind(answer)}.")
    if all(_is_blank(v) for v in answer.values()):
        return _unanswered()
    missing = [k for k in _PDSA_FIELDS if k not in answer]
    if missing:
        return _wrong(f"The cycle is missing: {', '.join(missing)}.")
    problems, mistake, ok = [], None, 0
    if len(_text(answer["change"])) >= 5:
        ok += 1
    else:
        problems.append("'change' should say what you will try.")
    prediction = _text(answer["prediction"])
    if len(prediction) >= 5 and any(ch.isdigit() for ch in prediction):
        ok += 1
    else:
        mistake = "no_prediction"
        problems.append("'prediction' should say what you expect, with a number you can check.")
    if len(_text(answer["measure"])) >= 5:
        ok += 1
    else:
        problems.append("'measure' should say what you will count.")
    study = _text(answer["study"]).lower()
    if len(study) >= 10 and any(w in study for w in ("predict", "expect", "hoped", "than we thought")):
        ok += 1
    else:
        mistake = mistake or "study_ignores_prediction"
        problems.append("'study' should compare what happened with the prediction.")
    if _text(answer["act"]).lower() in ("adopt", "adapt", "abandon"):
        ok += 1
    else:
        mistake = mistake or "act_not_decision"
        problems.append("'act' should be one decision.")
    if not problems:
        return _right("A prediction to learn from, a study against it, and a decision.")
    return _wrong(" ".join(problems), mistake=mistake, score=ok / 5)


def _judge_pdsa_ramp(answer: Any, *, final: int, ratio: float = 5.0) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if isinstance(answer, (str, Mapping)) or not isinstance(answer, Iterable):
        raise _BadAnswer(f"Expected a list of cycles (dicts), got {_kind(answer)}.")
    cycles = [c for c in answer if not _is_blank(c)]
    if not cycles:
        return _unanswered()
    if not all(isinstance(c, Mapping) and "scale" in c for c in cycles):
        raise _BadAnswer("Expected each cycle to be a dict with a 'scale' (how many patients or staff).")
    scales = [_number(c["scale"], "a number for 'scale'") for c in cycles]
    problems, mistake = [], None
    if len(cycles) < 3:
        problems.append("A ramp usually has at least 3 cycles.")
    if scales[0] > 5:
        mistake = "scale_jump"
        problems.append("The first cycle should be very small.")
    if any(b > a * ratio for a, b in zip(scales, scales[1:], strict=False)):
        mistake = "scale_jump"
        problems.append("One cycle grows too much compared with the one before it.")
    if any(b < a for a, b in zip(scales, scales[1:], strict=False)):
        problems.append("The scale should not shrink from one cycle to the next in this ramp.")
    if scales[-1] < final:
        problems.append("The ramp should end by testing at the full scale given in the question.")
    if not problems:
        return _right("Small, fast tests first, growing as confidence grows.")
    return _wrong(" ".join(problems), mistake=mistake)


def _assurance_ref(lcl: float, ucl: float, target: float, improvement: str) -> str:
    if improvement == "increase":
        return "pass" if target <= lcl else "fail" if target > ucl else "hit_or_miss"
    return "pass" if target >= ucl else "fail" if target < lcl else "hit_or_miss"


_ASSURANCE_CASES = (
    (0.80, 0.90, 0.78, "increase"),
    (0.80, 0.90, 0.95, "increase"),
    (0.80, 0.90, 0.85, "increase"),
    (10.0, 20.0, 25.0, "decrease"),
    (10.0, 20.0, 5.0, "decrease"),
    (10.0, 20.0, 15.0, "decrease"),
    (0.80, 0.90, 0.80, "increase"),
    (10.0, 20.0, 20.0, "decrease"),
)


def _judge_assurance(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "assurance(lcl, ucl, target, improvement)")
    results = _calls(answer, _ASSURANCE_CASES, lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = [str(r).strip().lower().replace(" ", "_").replace("-", "_") if isinstance(r, str) else r for r in results]
    for g in got:
        if g not in ("pass", "fail", "hit_or_miss"):
            raise _BadAnswer(f"Expected 'pass', 'fail' or 'hit_or_miss' from your function, got {g!r}.")
    expected = [_assurance_ref(*c) for c in _ASSURANCE_CASES]
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    if right == len(expected):
        return _right("Including a target exactly on a limit.")
    swapped = [
        _assurance_ref(lo, hi, t, "decrease" if d == "increase" else "increase") for lo, hi, t, d in _ASSURANCE_CASES
    ]
    mistake = "swapped_direction" if sum(g == s for g, s in zip(got, swapped, strict=False)) > right else None
    return _wrong(f"{right} of {len(expected)} test cases are right.", mistake=mistake, score=right / len(expected))


def _judge_funnel_limits(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "funnel_limits(p0, n, z)")
    cases = [(0.12, 400, 1.96), (0.12, 50, 3.09), (0.3, 1000, 3.09), (0.05, 2500, 1.96)]
    results = _calls(answer, cases, lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = []
    for r in results:
        vals = _numbers(r, "two numbers (lower, upper) from your function")
        if len(vals) != 2:
            raise _BadAnswer(f"Expected two numbers (lower, upper) from your function, got {len(vals)}.")
        got.append(vals)
    expected = [[p - z * math.sqrt(p * (1 - p) / n), p + z * math.sqrt(p * (1 - p) / n)] for p, n, z in cases]
    right = sum(_all_close(g, e, 1e-6) for g, e in zip(got, expected, strict=False))
    if right == len(cases):
        return _right("Narrower limits for bigger units: the funnel.")
    mistake = None
    no_sqrt = [[p - z * p * (1 - p) / n, p + z * p * (1 - p) / n] for p, n, z in cases]
    if any(_all_close(g, e, 1e-6) for g, e in zip(got, no_sqrt, strict=False)):
        mistake = "no_sqrt"
    elif any(_all_close(g, [v * 100 for v in e], 1e-6) for g, e in zip(got, expected, strict=False)):
        mistake = "percentage_not_proportion"
    return _wrong(f"{right} of {len(cases)} test cases are right.", mistake=mistake, score=right / len(cases))


def _judge_outside_funnel(answer: Any, units: Any, events: Any, n: Any, *, z: float = 3.09) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    names = [_norm_label(u) for u in (units.tolist() if hasattr(units, "tolist") else units)]
    ev, nn = _numbers(events, "events"), _numbers(n, "denominators")
    p0 = sum(ev) / sum(nn)

    def outside(zz: float, own: bool = False) -> set[str]:
        out = set()
        for u, e, m in zip(names, ev, nn, strict=False):
            p = e / m
            c = p if own else p0
            se = math.sqrt(c * (1 - c) / m)
            if p > p0 + zz * se or p < p0 - zz * se:
                out.add(u)
        return out

    expected = outside(z)
    got = {_norm_label(g) for g in _label_list(answer)}
    if not got <= set(names):
        unknown = sorted(got - set(names))
        return _wrong(f"Not units of the data: {', '.join(unknown)}.")
    if got == expected:
        return _right("Only these are further from the overall value than chance allows for their size.")
    if got == outside(1.96) and got != expected:
        return _wrong(mistake="used_95_limits")
    if got == outside(z, own=True):
        return _wrong(mistake="own_rate_for_limits")
    rates = [e / m for e, m in zip(ev, nn, strict=False)]
    ranked = sorted(zip(names, rates, strict=False), key=lambda t: t[1])
    k = len(got)
    if k and (got == {u for u, _ in ranked[:k]} or got == {u for u, _ in ranked[-k:]}):
        return _wrong(mistake="league_table_ranking")
    return _wrong(f"{len(got & expected)} of your {len(got)} units are outside the limits." if got else "")


def _judge_tidy_table(answer: Any, *, rows: int, numeric: Sequence[str] = (), dates: Sequence[str] = ()) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not hasattr(answer, "columns") or not hasattr(answer, "dtypes"):
        raise _BadAnswer(f"Expected a table (a pandas DataFrame), got {_kind(answer)}.")
    missing = [c for c in [*numeric, *dates] if c not in answer.columns]
    if missing:
        return _wrong(f"Columns not found: {', '.join(missing)}. Check the column names (df.columns).")
    mistake, problems = None, []
    text_cols = [c for c in numeric if answer[c].dtype.kind not in "fiu"]
    if text_cols:
        mistake = "text_numbers"
        problems.append(f"Not numbers: {', '.join(text_cols)}.")
    bad_dates = [c for c in dates if answer[c].dtype.kind != "M"]
    if bad_dates:
        problems.append(f"Not dates: {', '.join(bad_dates)} (they should show as datetime64).")
    if len(answer) == rows + 1:
        mistake = mistake or "total_row_kept"
        problems.append("There is one row too many.")
    elif len(answer) != rows:
        problems.append(f"The table has {len(answer)} rows; the export has {rows} months.")
    if not problems:
        return _right("Numbers as numbers, dates as dates, one row per month.")
    return _wrong(" ".join(problems), mistake=mistake)


def _normal(answer: Any) -> str:
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, (int, float)) or (hasattr(answer, "__float__") and not isinstance(answer, str)):
        try:
            x = float(answer)
        except (TypeError, ValueError):
            return " ".join(str(answer).lower().split())
        return str(int(x)) if x.is_integer() else repr(round(x, 9))
    text = " ".join(str(answer).strip().lower().split())
    return text.strip("'\"")


def make_key(qid: str, answer: Any, item: str | None = None) -> str:
    """The key of a multiple-choice answer: a salted hash, so a check cell does not give it away.

    Coaches and authors use it to write the ``key=`` of :func:`choice`, :func:`choices` and
    :func:`chart_type` check cells. Answers are compared ignoring case and surrounding spaces;
    whole-number floats equal their integers (``2.0`` and ``2``).

    Parameters
    ----------
    qid : str
        The question number ("4.5").
    answer : str, number or bool
        The answer to make the key of.
    item : str, optional
        For :func:`choices`: the name of the item (the dict key) the answer belongs to.

    Returns
    -------
    str
        Ten hexadecimal characters.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.make_key("4.5", "b")
    'd681ab2b51'
    >>> checks.make_key("4.5", " B ") == checks.make_key("4.5", "b")
    True
    """
    text = f"qitools|{qid}|{'' if item is None else item}|{_normal(answer)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _keys(key: str | Iterable[str]) -> set[str]:
    return {key} if isinstance(key, str) else set(key)


def _judge_choice(
    answer: Any,
    key: str | Iterable[str],
    *,
    qid: str,
    options: Sequence[Any] | None = None,
    mistakes: Mapping[str, str] | None = None,
    item: str | None = None,
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if isinstance(answer, (list, tuple, set, dict)):
        raise _BadAnswer(f"Expected one answer, got {_kind(answer)}.")
    if options is not None and _normal(answer) not in {_normal(o) for o in options}:
        shown = ", ".join(repr(o) for o in options)
        raise _BadAnswer(f"Choose one of {shown}; got {answer!r}.")
    token = make_key(qid, answer, item)
    if token in _keys(key):
        return _right()
    return _wrong(mistake=(mistakes or {}).get(token))


def _judge_choices(
    answer: Any, keys: Mapping[str, str | Iterable[str]], *, qid: str, mistakes: Mapping[str, str] | None = None
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets), got {_kind(answer)}.")
    if all(_is_blank(v) for v in answer.values()):
        return _unanswered()
    missing = [k for k in keys if k not in answer]
    if missing:
        return _wrong(f"Missing from your dict: {', '.join(repr(m) for m in missing)} (don't rename the keys).")
    wrong_items, mistake = [], None
    for item, key in keys.items():
        v = answer[item]
        if _is_blank(v) or make_key(qid, v, item) not in _keys(key):
            wrong_items.append(item)
            if not _is_blank(v):
                mistake = mistake or (mistakes or {}).get(make_key(qid, v, item))
    n = len(keys)
    if not wrong_items:
        return _right()
    right = n - len(wrong_items)
    return _wrong(
        f"{right} of {n} are right.",
        mistake=mistake,
        score=right / n,
        more=f"Look again at: {', '.join(repr(w) for w in wrong_items[:2])}.",
    )


def _judge_chart_type(
    answer: Any,
    key: str | Iterable[str],
    *,
    qid: str,
    mistakes: Mapping[str, str] | None = None,
    per: float | None = None,
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    name = _chart_name(answer)
    token = make_key(qid, name)
    if token not in _keys(key):
        return _wrong(mistake=(mistakes or {}).get(token))
    if per is not None and not isinstance(answer, str):
        multiply = (getattr(answer, "params", None) or {}).get("multiply", 1)
        if not _close(float(multiply), float(per)):
            return _wrong("The right kind of chart, but check its scale (multiply=).", score=0.5)
    return _right()


_JUDGES: dict[str, tuple[Callable[..., Verdict], tuple[str, str]]] = {
    "median": (_judge_median, (
        "Sort the values from smallest to largest and find the middle one.",
        "Use only the baseline months, and statistics.median (or numpy.median) to check yourself.",
    )),
    "proportion": (_judge_proportion, (
        "A proportion is the number with the event divided by the number of patients.",
        "Check the scale (0 to 1 or 0 to 100) and which number goes on top.",
    )),
    "rate": (_judge_rate, (
        "A rate is events divided by the exposure (bed days), times the 'per' number.",
        "Work one month out by hand, then compare with your code.",
    )),
    "useful_points": (lambda a, d, c=None: _judge_runs("useful_points", a, d, c), (
        "Count the points that are above or below the centre line.",
        "Look closely at points exactly equal to the centre line.",
    )),
    "longest_run": (lambda a, d, c=None: _judge_runs("longest_run", a, d, c), (
        "Walk along the points, counting how many in a row fall on the same side.",
        "Skip points exactly on the centre line: they neither break nor extend a run.",
    )),
    "crossings": (lambda a, d, c=None: _judge_runs("crossings", a, d, c), (
        "Count how many times the line goes from one side of the centre line to the other.",
        "Drop the points exactly on the centre line first, then count the changes of side.",
    )),
    "longest_run_max": (_judge_longest_run_max, (
        "The limit is the logarithm of n to base 2, rounded to a whole number, plus 3.",
        "Try n = 12 by hand: log2(12) is about 3.58.",
    )),
    "run_chart_drawing": (_judge_run_chart_drawing, (
        "A run chart has the points in time order, a median line, and the change marked.",
        "Use ax.plot for the points, ax.axhline for the median, ax.annotate for the change.",
    )),
    "baseline_chart": (_judge_baseline_chart, (
        "Limits and centre line should come from the baseline only.",
        "Use freeze= with the x value of the last baseline point.",
    )),
    "moving_ranges": (_judge_moving_ranges, (
        "A moving range is the size of the jump from each point to the next.",
        "For [3, 5, 4] the jumps are 2 and 1.",
    )),
    "xmr_limits": (_judge_xmr_limits, (
        "The centre line is the mean; the limits are 2.66 average moving ranges either side of it.",
        "Work out the moving ranges first, then their mean, then the limits.",
    )),
    "points_outside": (_judge_points_outside, (
        "Compare each point with the lower and upper limits.",
        "Only points strictly above the upper or below the lower limit count; list their labels.",
    )),
    "p_limits": (_judge_p_limits, (
        "p̄ ± 3 × sqrt(p̄(1 − p̄)/n), with n the point's own denominator.",
        "p̄ is total events / total patients; cut the limits at 0 and 1.",
    )),
    "days_between": (_judge_days_between, (
        "Turn the text into dates, then subtract each date from the next one.",
        "Sort the dates first; (later - earlier).days gives a whole number of days.",
    )),
    "overdispersion": (_judge_overdispersion, (
        "Work out each month's z-score against p̄, then treat the z-scores like an XmR chart.",
        "Sigma-z = the average moving range of the z-scores divided by 1.128.",
    )),
    "aim": (_judge_aim, (
        "A good aim says how much, by when, and for whom.",
        "Check each part: words for the measure and population, numbers on the data's scale, a future date.",
    )),
    "pdsa_cycle": (_judge_pdsa_cycle, (
        "Plan (with a prediction), Do, Study (against the prediction), Act (a decision).",
        "Put a number in the prediction, mention it in the study, and use adopt, adapt or abandon.",
    )),
    "pdsa_ramp": (_judge_pdsa_ramp, (
        "Start tiny, then grow each cycle.",
        "Multiply the scale by at most five from one cycle to the next, ending at the full scale.",
    )),
    "assurance": (_judge_assurance, (
        "Where does the target lie: beyond both limits, between them, or beyond the wrong one?",
        "For 'higher is better', the target is sure to be met when it is at or below the lower limit.",
    )),
    "funnel_limits": (_judge_funnel_limits, (
        "The limits are p0 ± z × the standard error for a unit of size n.",
        "Standard error = sqrt(p0 × (1 − p0) / n).",
    )),
    "outside_funnel": (_judge_outside_funnel, (
        "Work out each unit's limits from the overall proportion and its own size.",
        "Use z = 3.09 for the 99.8% limits, and list the units beyond them.",
    )),
    "tidy_table": (_judge_tidy_table, (
        "Look at df.dtypes and the last rows of the table (df.tail()).",
        "qi.read_measure reads messy exports and lists every change it made.",
    )),
    "choice": (_judge_choice, (
        "Re-read the options and think about which one the module argues for.",
        "Go back to the section of the module on this topic and re-read it.",
    )),
    "choices": (_judge_choices, (
        "Not all are right yet: re-read the definitions above.",
        "Go through the items one at a time against the definitions.",
    )),
    "chart_type": (_judge_chart_type, (
        "What kind of data is it: classification (yes/no), counts, or measurements?",
        "For counts, ask: is the area of opportunity the same every time?",
    )),
}  # fmt: skip


def judge(kind: str, answer: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Judge an answer without printing: the verdict behind each check (for hidden checks).

    Parameters
    ----------
    kind : str
        The check's name: ``"median"``, ``"rate"``, ``"longest_run"``, ``"choice"``, ... (the
        public check functions of this module).
    answer : object
        The learner's answer (a value, a table, a chart result, a function).
    *args, **kwargs
        The data and options, as for the public check of the same name (``qid=`` for the
        multiple-choice kinds).

    Returns
    -------
    Verdict
        ``status`` ("right", "wrong", "unanswered"), ``score`` (0 to 1), ``mistake``, ``detail``.
        An answer of the wrong type is ``"wrong"`` with a detail saying what was expected; an
        exception raised by a learner's function is reported the same way.

    Raises
    ------
    KeyError
        ``kind`` is not the name of a check.

    Examples
    --------
    >>> from qitools import checks
    >>> v = checks.judge("median", 8.23, [8.1, 9.2, 7.0, 8.6, 8.25])
    >>> v.status, v.mistake
    ('wrong', 'mean_not_median')
    >>> checks.judge("longest_run", lambda values, centre: 0, [1, 2, 3], 2).score
    0.0
    """
    fn = _JUDGES[kind][0]
    try:
        return fn(answer, *args, **kwargs)
    except _BadAnswer as exc:
        return _wrong(str(exc))


def _check(kind: str, qid: str, answer: Any, *args: Any, hints: Any = None, **kwargs: Any) -> None:
    if kind in ("choice", "choices", "chart_type"):
        kwargs["qid"] = str(qid)
    verdict = judge(kind, answer, *args, **kwargs)
    _report(str(qid), verdict, _hint_pair(hints, _JUDGES[kind][1]))


# ----------------------------------------------------------------------------------------------
# Public checks (print a verdict; return None)
# ----------------------------------------------------------------------------------------------


def choice(qid, answer, key, *, options=None, mistakes=None, hints=None) -> None:
    """Check a multiple-choice answer against its key (a hash from :func:`make_key`).

    Parameters
    ----------
    qid : str
        The question number.
    answer : str, number or bool
        The learner's choice.
    key : str or list of str
        ``make_key(qid, right_answer)``; several keys if several answers are right.
    options : sequence, optional
        The allowed answers; anything else is reported as "choose one of ...".
    mistakes : dict, optional
        ``{make_key(qid, wrong_answer): mistake_name}`` for wrong answers that show a common
        mistake (names from :data:`MISTAKES`).
    hints : str or (str, str), optional
        The nudge and the pointer (default: re-read the options; re-read the section).

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> key = checks.make_key("4.5", "b")
    >>> checks.choice("4.5", "a", key, options="abc", hints=("Think about chance.", "See section 3."))
    ❌ Question 4.5: not right yet.
       Hint 1 of 2: Think about chance.
    >>> checks.choice("4.5", "B", key, options="abc")
    ✅ Question 4.5: right.
    """
    _check("choice", qid, answer, key, options=options, mistakes=mistakes, hints=hints)


def choices(qid, answer, keys, *, mistakes=None, hints=None) -> None:
    """Check a dict of answers (classify each item), with credit for each item right.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        item -> the learner's answer for it (the notebook gives the items; the learner fills in
        the values).
    keys : dict
        item -> ``make_key(qid, right_answer, item)``.
    mistakes : dict, optional
        ``{make_key(qid, wrong_answer, item): mistake_name}``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict: how many items are right; from the second wrong try on, which items
        to look at again.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> keys = {"deaths": checks.make_key("2.1", "outcome", "deaths"),
    ...         "c_diff": checks.make_key("2.1", "balancing", "c_diff")}
    >>> checks.choices("2.1", {"deaths": "outcome", "c_diff": "outcome"}, keys)
    ❌ Question 2.1: not right yet. 1 of 2 are right.
       Hint 1 of 2: Not all are right yet: re-read the definitions above.
    """
    _check("choices", qid, answer, keys, mistakes=mistakes, hints=hints)


def chart_type(qid, answer, key, *, mistakes=None, per=None, hints=None) -> None:
    """Check the choice of chart: a chart name (``"u"``) or a chart result (its ``.chart``).

    Parameters
    ----------
    qid : str
        The question number.
    answer : str or ControlChart
        A chart name (aliases such as ``"xmr"`` are understood) or the result of
        ``qi.control_chart``.
    key : str or list of str
        ``make_key(qid, right_chart_name)``.
    mistakes : dict, optional
        ``{make_key(qid, wrong_chart_name): mistake_name}``, e.g. a c chart for counts with
        varying exposure: ``"counts_varying_exposure"``.
    per : float, optional
        For a chart result: the expected ``multiply=`` (1000 for per 1,000 bed days).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> key = checks.make_key("6.3", "u")
    >>> checks.chart_type("6.3", "c", key, mistakes={checks.make_key("6.3", "c"): "counts_varying_exposure"})
    ... # doctest: +ELLIPSIS
    ❌ Question 6.3: not right yet.
       Common mistake – the wrong chart for counts with varying exposure: ...
       Hint 1 of 2: What kind of data is it: classification (yes/no), counts, or measurements?
    """
    _check("chart_type", qid, answer, key, mistakes=mistakes, per=per, hints=hints)


def median(qid, answer, data, *, baseline=None, hints=None) -> None:
    """Check a median (the centre line of a run chart).

    Recognises the mean instead of the median, the middle month instead of the middle value,
    all points instead of the baseline, and a percentage for a proportion.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number
        The learner's median. Rounded answers (3 or more significant figures) are accepted.
    data : sequence of numbers
        The values.
    baseline : int, optional
        The median is of the first ``baseline`` values only.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.median("3.1", 8.23, [8.1, 9.2, 7.0, 8.6, 8.25])  # doctest: +ELLIPSIS
    ❌ Question 3.1: not right yet.
       Common mistake – the mean instead of the median: A run chart's centre line is the median: ...
       Hint 1 of 2: Sort the values from smallest to largest and find the middle one.
    """
    _check("median", qid, answer, data, baseline=baseline, hints=hints)


def proportion(qid, answer, events, total, *, percent=False, pooled=False, hints=None) -> None:
    """Check a proportion (or percentage): one value, one per point, or pooled over points.

    Recognises a percentage where a proportion is needed (and the reverse), the division the
    wrong way up, the complement, and the mean of the proportions instead of the pooled one.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number or sequence
        The learner's proportion(s).
    events, total : number or sequence
        Numerator(s) and denominator(s).
    percent : bool, default False
        The question asks for a percentage (0 to 100).
    pooled : bool, default False
        ``events`` and ``total`` are sequences and the answer is one overall proportion
        (sum of events / sum of totals).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.proportion("2.5", 77.7, 412, 530)  # doctest: +ELLIPSIS
    ❌ Question 2.5: not right yet.
       Common mistake – a percentage where a proportion is needed: ...
       Hint 1 of 2: A proportion is the number with the event divided by the number of patients.
    """
    _check("proportion", qid, answer, events, total, percent=percent, pooled=pooled, hints=hints)


def rate(qid, answer, events, exposure, *, per=1000, pooled=False, hints=None) -> None:
    """Check a rate per ``per`` units of exposure (falls per 1,000 bed days): values or a function.

    A function ``f(events, exposure)`` is called on each month's numbers and on a month with
    0 bed days, where it must return ``float("nan")``. Recognises a missing multiplier, the
    wrong one, the division upside down, the mean of monthly rates instead of the pooled rate,
    and a function that fails on a zero denominator.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number, sequence or callable
        One pooled rate (``pooled=True``), one rate per month, or a function of one month.
    events, exposure : sequence of numbers
        Events and exposure per month.
    per : float, default 1000
        The multiplier.
    pooled : bool, default False
        The answer is the rate over all months together.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.rate("2.3", lambda falls, bed_days: falls / bed_days * 1000, [5, 3], [620, 580])
    ... # doctest: +ELLIPSIS
    ❌ Question 2.3: not right yet. It works for ordinary months.
       Common mistake – no answer for a zero denominator: ...
       Hint 1 of 2: A rate is events divided by the exposure (bed days), times the 'per' number.
    """
    _check("rate", qid, answer, events, exposure, per=per, pooled=pooled, hints=hints)


def useful_points(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the number of useful observations (points not on the centre line).

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The count, or a function ``f(values, centre)``.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.useful_points("3.2", 5, [1, 3, 5, 3, 2], 3)  # doctest: +ELLIPSIS
    ❌ Question 3.2: not right yet.
       Common mistake – counting points on the median: Points exactly on the median ...
       Hint 1 of 2: Count the points that are above or below the centre line.
    """
    _check("useful_points", qid, answer, data, centre, hints=hints)


def longest_run(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the longest run on one side of the centre line (a value or a function).

    A function ``f(values, centre)`` is also tried on short series with points on the centre
    line; counting those points (as breaking or extending a run) is named as a mistake.

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The longest run, or a function ``f(values, centre)`` returning it.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Notes
    -----
    Points on the centre line are skipped (Anhøj & Olesen 2014; Perla, Provost & Murray 2011).

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited. PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.longest_run("4.1", 4, [5, 6, 4, 4, 6, 7, 3], 4)
    ✅ Question 4.1: right.
    """
    _check("longest_run", qid, answer, data, centre, hints=hints)


def crossings(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the number of times the series crosses the centre line (a value or a function).

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The number of crossings, or a function ``f(values, centre)``.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Counting runs (one more than crossings) and counting a touch of the
        median as a crossing are named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.crossings("4.2", 3, [5, 6, 3, 2, 6], 4)  # doctest: +ELLIPSIS
    ❌ Question 4.2: not right yet.
       Common mistake – counting runs instead of crossings: ...
       Hint 1 of 2: Count how many times the line goes from one side of the centre line to the other.
    """
    _check("crossings", qid, answer, data, centre, hints=hints)


def longest_run_max(qid, answer, *, hints=None) -> None:
    """Check a function ``f(n)`` giving Anhøj's longest-run limit, round(log2(n)) + 3.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function, tried for n = 10 to 100.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; truncating instead of rounding, and the wrong logarithm, are named.

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited. PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> import math
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.longest_run_max("4.3", lambda n: int(math.log2(n)) + 3)  # doctest: +ELLIPSIS
    ❌ Question 4.3: not right yet. 50 of 91 values of n (10 to 100) are right.
       Common mistake – cutting off the decimals instead of rounding: ...
       Hint 1 of 2: The limit is the logarithm of n to base 2, rounded to a whole number, plus 3.
    """
    _check("longest_run_max", qid, answer, hints=hints)


def run_chart_drawing(qid, answer, data, *, baseline=None, annotations=1, hints=None) -> None:
    """Check a run chart drawn with matplotlib: the points in time order, the median, the change marked.

    Looks at the Axes' artists, not pixels: a line whose y values are the data in order, a
    horizontal line at the (baseline) median, and at least ``annotations`` texts.

    Parameters
    ----------
    qid : str
        The question number.
    answer : matplotlib.axes.Axes
        The Axes the learner drew on.
    data : sequence of numbers
        The values, in time order.
    baseline : int, optional
        The median is of the first ``baseline`` values.
    annotations : int, default 1
        How many annotations (``ax.annotate``/``ax.text``) are expected at least.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict (the mean line and the all-points median are named mistakes).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from qitools import checks
    >>> checks.reset()
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3, 4], [5.0, 7.0, 6.0, 8.0], marker="o")
    >>> _ = ax.axhline(6.5)
    >>> _ = ax.annotate("new bundle", (3, 6.0))
    >>> checks.run_chart_drawing("3.3", ax, [5.0, 7.0, 6.0, 8.0])
    ✅ Question 3.3: right. Points in time order, the baseline median, and the change marked.
    """
    _check("run_chart_drawing", qid, answer, data, baseline=baseline, annotations=annotations, hints=hints)


def baseline_chart(qid, answer, *, chart, n_points, baseline, hints=None) -> None:
    """Check a chart result whose centre line (and limits) come from a baseline of the first points.

    Parameters
    ----------
    qid : str
        The question number.
    answer : ControlChart
        The result of ``qi.run_chart``/``qi.control_chart``.
    chart : str
        The expected chart type (``"run"``, ``"i"``, ...).
    n_points : int
        The number of points charted.
    baseline : int
        The number of baseline points (``data["baseline"]`` is True for exactly these).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; limits from every point (no ``freeze=``) is a named mistake.

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools import checks
    >>> checks.reset()
    >>> rc = qi.run_chart(y=[5, 7, 6, 8, 5, 6, 9, 4, 3, 4, 3, 2], freeze=6)
    >>> checks.baseline_chart("3.4", rc, chart="run", n_points=12, baseline=6)
    ✅ Question 3.4: right. The later points are judged against the baseline.
    """
    _check("baseline_chart", qid, answer, chart=chart, n_points=n_points, baseline=baseline, hints=hints)


def moving_ranges(qid, answer, data, *, hints=None) -> None:
    """Check moving ranges |x[i] − x[i−1]| (a list or a function ``f(values)``).

    Parameters
    ----------
    qid : str
        The question number.
    answer : sequence or callable
        The moving ranges, or a function returning them.
    data : sequence of numbers
        The values.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; signed differences and a moving range for the first point are
        named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.moving_ranges("5.1", lambda v: [b - a for a, b in zip(v, v[1:], strict=False)], [3, 5, 4])
    ... # doctest: +ELLIPSIS
    ❌ Question 5.1: not right yet.
       Common mistake – moving ranges with a sign: ...
       Hint 1 of 2: A moving range is the size of the jump from each point to the next.
    """
    _check("moving_ranges", qid, answer, data, hints=hints)


def xmr_limits(qid, answer, data, *, hints=None) -> None:
    """Check XmR (I chart) limits: mean ± 2.66 × the average moving range, as ``(cl, lcl, ucl)``.

    Parameters
    ----------
    qid : str
        The question number.
    answer : tuple, dict or callable
        ``(cl, lcl, ucl)``, ``{"cl":, "lcl":, "ucl":}``, or a function ``f(values)`` returning
        one of these.
    data : sequence of numbers
        The values.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. The standard deviation instead of moving ranges, 3 × MR̄ and the
        median as centre line are named mistakes.

    Notes
    -----
    :math:`\\bar{x} \\pm 2.66\\,\\overline{MR}`, 2.66 = 3/d2(2) (Making Data Count; Wheeler).
    3/1.128 and 3·√π/2 are accepted too (0.2% of the half-width).

    References
    ----------
    NHS England. Making Data Count (2019). Wheeler DJ. Understanding Variation (1993).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.xmr_limits("5.2", (10.0, 3.35, 16.65), [8, 12, 9, 11, 10])
    ✅ Question 5.2: right. Mean ± 2.66 × the average moving range.
    """
    _check("xmr_limits", qid, answer, data, hints=hints)


def points_outside(qid, answer, labels, values, *, limits=None, hints=None) -> None:
    """Check the list of points strictly beyond the control limits (by their labels).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The labels (x values) of the points beyond a limit.
    labels, values : sequence
        The points' labels and values.
    limits : (lcl, ucl), optional
        Numbers or per-point sequences. By default XmR limits (mean ± 2.66 MR̄) of ``values``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; points exactly on a limit and positions instead of labels are named.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.points_outside("5.3", ["w4"], ["w1", "w2", "w3", "w4"], [5, 6, 5, 9], limits=(4, 8))
    ✅ Question 5.3: right.
    """
    _check("points_outside", qid, answer, labels, values, limits=limits, hints=hints)


def p_limits(qid, answer, events, n, *, hints=None) -> None:
    """Check p-chart limits per point: p̄ ± 3 √(p̄(1 − p̄)/nᵢ), cut at 0 and 1.

    Parameters
    ----------
    qid : str
        The question number.
    answer : (list, list), dict or callable
        ``(lcl_list, ucl_list)`` as proportions, ``{"lcl": [...], "ucl": [...]}``, or a function
        ``f(events, n)`` returning one of these.
    events, n : sequence of numbers
        Events and denominators per point.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Constant limits, percentages and unclipped limits are named.

    Notes
    -----
    p̄ = Σ events / Σ n (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> def limits(events, n):
    ...     p = sum(events) / sum(n)
    ...     half = [3 * (p * (1 - p) / m) ** 0.5 for m in n]
    ...     return [max(p - h, 0) for h in half], [min(p + h, 1) for h in half]
    >>> checks.p_limits("6.2", limits, [10, 14, 9], [100, 120, 80])
    ✅ Question 6.2: right. Limits are wider where there are fewer patients.
    """
    _check("p_limits", qid, answer, events, n, hints=hints)


def days_between(qid, answer, dates, *, hints=None) -> None:
    """Check a function ``f(dates)`` returning the days between consecutive events.

    The function gets a list of dates as text (``"2024-03-05"``) and is also tried on dates out
    of order, two events on the same day, the turn of a year and 29 February.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function.
    dates : sequence
        The event dates of the question.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; unsorted dates, counting both ends and a gap for the first event
        are named mistakes.

    Examples
    --------
    >>> import datetime as dt
    >>> from qitools import checks
    >>> checks.reset()
    >>> def gaps(dates):
    ...     d = sorted(dt.date.fromisoformat(x) for x in dates)
    ...     return [(b - a).days for a, b in zip(d, d[1:], strict=False)]
    >>> checks.days_between("7.1", gaps, ["2024-01-02", "2024-01-09"])  # doctest: +ELLIPSIS
    ✅ Question 7.1: right. It copes with unsorted dates, ...
    """
    _check("days_between", qid, answer, dates, hints=hints)


def overdispersion(qid, answer, events, n, *, hints=None) -> None:
    """Check Laney's sigma-z: the average moving range of the p-chart z-scores / 1.128.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number
        The learner's sigma-z (relative tolerance 0.1%).
    events, n : sequence of numbers
        Events and denominators per point.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the standard deviation of z and a missing division by 1.128 are
        named.

    Notes
    -----
    :math:`z_i = (p_i - \\bar p)/\\sqrt{\\bar p(1-\\bar p)/n_i}`,
    :math:`\\sigma_z = \\overline{|z_i - z_{i-1}|}/1.128` (Laney 2002).

    References
    ----------
    Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531-537.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.overdispersion("8.3", 1.0, [10, 30, 12, 28], [100, 100, 100, 100])  # doctest: +ELLIPSIS
    ❌ Question 8.3: not right yet.
       Hint 1 of 2: Work out each month's z-score against p̄, then treat the z-scores like an XmR chart.
    """
    _check("overdispersion", qid, answer, events, n, hints=hints)


def aim(qid, answer, *, baseline, improvement, after, proportion=True, hints=None) -> None:
    """Check an aim statement written as a dict: measure, population, baseline, target, by.

    There is no single right aim: the check asks for words for the measure and the population,
    the baseline given in the question, a target that improves on it on the same scale, and a
    date after the baseline period.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        ``{"measure": str, "population": str, "baseline": number, "target": number, "by": "YYYY-MM-DD"}``.
    baseline : number
        The current level given in the question.
    improvement : {"increase", "decrease"}
        Which direction is better.
    after : str
        The end of the baseline period ("YYYY-MM-DD"); ``by`` must be later.
    proportion : bool, default True
        The measure is a proportion (0 to 1).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> my_aim = {"measure": "antibiotics within 1 hour", "population": "adults with sepsis in ED",
    ...           "baseline": 0.62, "target": 90, "by": "2026-03-31"}
    >>> checks.aim("2.2", my_aim, baseline=0.62, improvement="increase", after="2025-03-31")
    ... # doctest: +ELLIPSIS
    ❌ Question 2.2: not right yet. 'target' is not on the scale of the data.
       Common mistake – a percentage where a proportion is needed: ...
       Hint 1 of 2: A good aim says how much, by when, and for whom.
    """
    _check("aim", qid, answer, baseline=baseline, improvement=improvement, after=after, proportion=proportion,
           hints=hints)  # fmt: skip


def pdsa_cycle(qid, answer, *, hints=None) -> None:
    """Check a PDSA cycle written as a dict: change, prediction, measure, study, act.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        A prediction with a number in it, a study that refers to the prediction, and an act of
        ``"adopt"``, ``"adapt"`` or ``"abandon"``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    References
    ----------
    Langley GJ et al. (2009). *The Improvement Guide*, 2nd ed. Jossey-Bass.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> cycle = {"change": "sepsis screening tool at triage", "prediction": "4 of 5 screened",
    ...          "measure": "patients screened within 15 minutes",
    ...          "study": "3 of 5, fewer than we predicted", "act": "adapt"}
    >>> checks.pdsa_cycle("9.1", cycle)
    ✅ Question 9.1: right. A prediction to learn from, a study against it, and a decision.
    """
    _check("pdsa_cycle", qid, answer, hints=hints)


def pdsa_ramp(qid, answer, *, final, ratio=5, hints=None) -> None:
    """Check a ramp of PDSA cycles: a tiny first test, each at most ``ratio`` times the last.

    Parameters
    ----------
    qid : str
        The question number.
    answer : list of dict
        One dict per cycle with a ``"scale"`` (patients, staff or shifts tested on).
    final : int
        The full scale the ramp should reach.
    ratio : float, default 5
        The largest growth from one cycle to the next.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; growing too fast is a named mistake.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.pdsa_ramp("9.2", [{"scale": 1}, {"scale": 5}, {"scale": 30}], final=30)  # doctest: +ELLIPSIS
    ❌ Question 9.2: not right yet. One cycle grows too much compared with the one before it.
       Common mistake – scaling up too fast: ...
       Hint 1 of 2: Start tiny, then grow each cycle.
    """
    _check("pdsa_ramp", qid, answer, final=final, ratio=ratio, hints=hints)


def assurance(qid, answer, *, hints=None) -> None:
    """Check a function ``f(lcl, ucl, target, improvement)`` giving the Making Data Count assurance.

    It must return ``"pass"`` (the target is met reliably), ``"fail"`` (it will not be met
    without a change) or ``"hit_or_miss"``; it is tried on eight cases in both directions,
    including a target exactly on a limit.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the reversed direction is a named mistake.

    Notes
    -----
    Higher is better: pass if target ≤ LCL, fail if target > UCL; lower is better: pass if
    target ≥ UCL, fail if target < LCL (as NHSRplotthedots and ``qi.control_chart``'s icons).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> def icon(lcl, ucl, target, improvement):
    ...     if improvement == "decrease":
    ...         lcl, ucl, target = -ucl, -lcl, -target
    ...     return "pass" if target <= lcl else "fail" if target > ucl else "hit_or_miss"
    >>> checks.assurance("10.1", icon)
    ✅ Question 10.1: right. Including a target exactly on a limit.
    """
    _check("assurance", qid, answer, hints=hints)


def funnel_limits(qid, answer, *, hints=None) -> None:
    """Check a function ``f(p0, n, z)`` returning funnel-plot limits ``(lower, upper)`` for a proportion.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function: p0 ± z √(p0(1 − p0)/n).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance.
    Statistics in Medicine 24(8): 1185-1202.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.funnel_limits("11.2", lambda p0, n, z: (p0 - z * (p0 * (1 - p0) / n) ** 0.5,
    ...                                               p0 + z * (p0 * (1 - p0) / n) ** 0.5))
    ✅ Question 11.2: right. Narrower limits for bigger units: the funnel.
    """
    _check("funnel_limits", qid, answer, hints=hints)


def outside_funnel(qid, answer, units, events, n, *, z=3.09, hints=None) -> None:
    """Check the list of units outside the funnel limits (normal approximation around the pooled p0).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The names of the units outside the limits.
    units, events, n : sequence
        Unit names, events and denominators.
    z : float, default 3.09
        3.09 for the 99.8% limits, 1.96 for 95%.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the 95% limits, a unit's own value for its limits and picking by
        rank are named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.outside_funnel("11.3", ["C"], ["A", "B", "C"], [70, 60, 120], [1000, 1000, 1000])
    ✅ Question 11.3: right. Only these are further from the overall value than chance allows for their size.
    """
    _check("outside_funnel", qid, answer, units, events, n, z=z, hints=hints)


def tidy_table(qid, answer, *, rows, numeric=(), dates=(), hints=None) -> None:
    """Check a table read from a messy export: row count, numbers as numbers, dates as dates.

    Parameters
    ----------
    qid : str
        The question number.
    answer : pandas.DataFrame
        The learner's table.
    rows : int
        The number of data rows (months) in the export.
    numeric, dates : sequence of str
        Columns that must be numeric, and datetime.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; a total row left in and numbers read as text are named mistakes.

    Examples
    --------
    >>> import pandas as pd
    >>> from qitools import checks
    >>> checks.reset()
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "falls": ["3", "1,204"]})
    >>> checks.tidy_table("12.1", df, rows=2, numeric=["falls"], dates=["month"])  # doctest: +ELLIPSIS
    ❌ Question 12.1: not right yet. Not numbers: falls.
       Common mistake – numbers stored as text: ...
       Hint 1 of 2: Look at df.dtypes and the last rows of the table (df.tail()).
    """
    _check("tidy_table", qid, answer, rows=rows, numeric=numeric, dates=dates, hints=hints)
