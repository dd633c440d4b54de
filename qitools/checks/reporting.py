"""The learner's side: the session of one exercise, printed verdicts, graded hints, tries, progress.

:func:`begin` names the exercise and lists its questions, and in a notebook starts the kernel's
record of cell runs (:mod:`qitools.checks.kernel`). Each check cell's verdict is printed by
``_report``, in words first, with a symbol that every font has as decoration:

- "Right ✓" with a short note;
- "Not yet ✗" with the common mistake recognised and a hint that grows more specific (a nudge at
  the first wrong try, a pointer from the second, "talk to your coach" from the third);
- "Not answered yet": the answer is still ``...``, which is not a try;
- "Not checked": the answer cell above has not run, or stopped with an error, since its answer was
  last set (the value is stale): no verdict, no hint spent, no try counted.

:func:`summary` shows the progress table; :func:`results` gives the record (read by
:mod:`qitools.grading` and :mod:`qitools.certificate`). This is the only part of
:mod:`qitools.checks` that keeps state (one session per kernel) and the only part that prints.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import kernel
from .judges import _JUDGES, judge
from .mistakes import MISTAKES
from .verdict import Verdict

__all__ = ["Progress", "begin", "reset", "results", "summary"]


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

    Notes
    -----
    In a notebook (IPython) it also starts the record of cell runs that keeps the checks honest
    (:mod:`qitools.checks.kernel`): a check does not judge an answer whose cell has not run, or
    stopped with an error, since the answer was set. And errors in the notebook are shown the
    short way: Python's message, the line of the learner's code, one plain sentence
    (``%tb verbose`` shows the full error).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.begin("03_run_charts", {"3.1": "find the baseline median"})
    Checks ready for 03_run_charts: 1 question. Run each check cell after your answer.
    """
    reset()
    kernel.install()
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
    Right ✓ – question 3.1. Half the points lie above it and half below.
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


#: The symbols: decoration after the words, from fonts every system has (DejaVu, Segoe UI Symbol,
#: Menlo), not emoji, which show as empty boxes on a machine without an emoji font.
_SYMBOL = {"right": "✓", "wrong": "✗", "unanswered": "", "not tried": ""}

_WORDS = {"right": "right", "wrong": "not yet", "unanswered": "not answered", "not tried": "not tried"}


def _result(status: str) -> str:
    """'right ✓', 'not yet ✗', 'not answered', 'not tried': the words first, the symbol after them."""
    return f"{_WORDS[status]} {_SYMBOL[status]}".strip()


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
            "Keep going: change the answers marked 'not yet' or 'not answered', run each answer cell and "
            "then its check cell again (each new try gives a more specific hint)."
        )

    def __str__(self) -> str:
        title = f"Progress: {self.exercise}" if self.exercise else "Progress"
        lines = [title, f"{self.n_right} of {self.n_questions} questions right", ""]
        for row in self.rows:
            obj = f" – {row['objective']}" if row["objective"] else ""
            tries = f" ({row['wrong_attempts']} wrong tries)" if row["wrong_attempts"] else ""
            lines.append(f"{row['question']:>6}  {_result(row['status']):<13}{obj}{tries}")
        lines += ["", self._closing()]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(r['question'])}</td>"
            f"<td style='text-align:left'>{html.escape(_result(r['status']))}</td>"
            f"<td style='text-align:left'>{html.escape(r['objective'])}</td>"
            f"<td>{r['wrong_attempts']}</td></tr>"
            for r in self.rows
        )
        title = html.escape(self.exercise or "")
        return (
            f"<p><b>Progress {title}</b>: {self.n_right} of {self.n_questions} questions right</p>"
            "<table><thead><tr><th>question</th><th style='text-align:left'>result</th>"
            "<th style='text-align:left'>you can…</th>"
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
    Right ✓ – question 3.1. Half the points lie above it and half below.
    >>> print(checks.summary())  # doctest: +ELLIPSIS
    Progress: 03_run_charts
    1 of 2 questions right
    <BLANKLINE>
       3.1  right ✓       – find the baseline median
       3.2  not tried     – count useful points
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
        print(f"Right ✓ – question {qid}. {verdict.note}".rstrip())
        return
    if verdict.status == "unanswered":
        if rec.status != "right":
            rec.status = "unanswered" if rec.status in ("not tried", "unanswered") else rec.status
        detail = verdict.detail or "the answer is still ..."
        print(
            f"Not answered yet – question {qid} ({detail}). Replace ... with your answer, run that cell, "
            "then run this cell again."
        )
        return
    rec.status, rec.score, rec.mistake = "wrong", verdict.score, verdict.mistake
    rec.wrong_attempts += 1
    level = min(rec.wrong_attempts, 2)
    lines = [f"Not yet ✗ – question {qid}." + (f" {verdict.detail}" if verdict.detail else "")]
    if verdict.mistake in MISTAKES:
        title, why = MISTAKES[verdict.mistake]
        lines.append(f"   Common mistake – {title}: {why}")
    if level >= 2 and verdict.more:
        lines.append(f"   {verdict.more}")
    lines.append(f"   Hint {level} of 2: {hints[level - 1]}")
    if rec.wrong_attempts >= 3:
        lines.append(f"   Still stuck? Talk to your coach about question {qid}.")
    print("\n".join(lines))


def _check(kind: str, qid: str, answer: Any, *args: Any, hints: Any = None, **kwargs: Any) -> None:
    stale = kernel.answer_problem(str(qid))
    if stale is not None:  # the answer's cell has not run cleanly since it was set: no verdict, no try
        print(stale)
        return
    if kind in ("choice", "choices", "chart_type", "chart_settings"):
        kwargs["qid"] = str(qid)
    try:
        verdict = judge(kind, answer, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a check must never leave the learner with a traceback
        print(_could_not_judge(str(qid), exc))
        return
    _report(str(qid), verdict, _hint_pair(hints, _JUDGES[kind][1]))


def _could_not_judge(qid: str, exc: Exception) -> str:
    """The message when judging itself failed: said, kept for %tb, and not counted as a try."""
    import sys

    sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, exc.__traceback__
    sys.last_exc = exc
    what = f"{type(exc).__name__}: {exc}"
    if len(what) > 300:
        what = what[:299] + "…"
    return (
        f"Not checked – question {qid}. The check could not judge this answer ({what}). Look at the "
        "question again: is the answer the kind of thing it asks for (a number, a list, a function, a chart)? "
        "If it is, tell your coach; this was not counted as a try. (Full error: run %tb verbose)"
    )
