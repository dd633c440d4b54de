"""What a judge returns: a :class:`Verdict` (right, wrong or unanswered, a score, a named mistake).

``_right``, ``_wrong`` and ``_unanswered`` are the judges' shorthand for making one. A judge raises
``_BadAnswer`` when an answer is of the wrong kind; :func:`qitools.checks.judge` turns it into a
wrong verdict whose detail says what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Verdict"]


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


def _series_right(right: int, total: int, function: bool, value: str = "") -> str:
    """How much of a wrong answer is right: a function's count of test series, or ``value`` for a value.

    A value is judged on the exercise's own data only, so "0 of 1 test series are right" says
    nothing a learner can use; ``value`` says which part to look at instead (or nothing).

    >>> _series_right(1, 3, True)
    'Your function gives the right result for 1 of 3 test series.'
    >>> _series_right(0, 1, False, "The centre line is right; look again at the limits.")
    'The centre line is right; look again at the limits.'
    """
    if function:
        return f"Your function gives the right result for {right} of {total} test series."
    return value


def _unanswered(detail: str = "") -> Verdict:
    return Verdict("unanswered", 0.0, detail=detail)


class _BadAnswer(Exception):
    """An answer of the wrong kind: the message says what was expected."""
