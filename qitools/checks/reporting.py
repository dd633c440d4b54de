"""The learner's side: the session of one exercise, printed verdicts, graded hints, tries, progress.

:func:`begin` names the exercise and lists its questions. Each check cell's verdict is printed by
``_report``: ✅ right with a short note; ❌ not right yet with the common mistake recognised and a
hint that grows more specific (a nudge at the first wrong try, a pointer from the second, "talk to
your coach" from the third); ⬜ not answered yet, which is not a try. :func:`summary` shows the
progress table; :func:`results` gives the record (read by :mod:`qitools.grading` and
:mod:`qitools.certificate`). This is the only part of :mod:`qitools.checks` that keeps state (one
session per kernel) and the only part that prints.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


def _check(kind: str, qid: str, answer: Any, *args: Any, hints: Any = None, **kwargs: Any) -> None:
    if kind in ("choice", "choices", "chart_type"):
        kwargs["qid"] = str(qid)
    verdict = judge(kind, answer, *args, **kwargs)
    _report(str(qid), verdict, _hint_pair(hints, _JUDGES[kind][1]))
