"""Judges for modules 13 to 17: an order of steps, a ratio, and written answers marked by the coach.

* ``order``: a list put in order (the sections of a SQUIRE report, say). Each position has its own
  hashed key (:func:`order_keys`), so the judge can say how many are in the right place without
  knowing (or revealing) the order; a list in exactly the reverse order is a named mistake.
* ``ratio``: a ratio of two totals, such as observed / expected deaths (a standardised mortality
  ratio); the division the wrong way up and a percentage are named mistakes.
* ``suppressed``: a table ready to share, with counts from 1 to 4 (below the threshold) hidden and
  every other count kept, as :func:`qitools.suppress_small_counts` makes it.
* ``written``: a written answer (a reflection, a project's story) that the **coach** marks with a
  rubric. The judge only says whether it has been written (every part, with enough words); it never
  judges the content, and the hidden check gives it no automatic points.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..answers import _close, _is_blank, _kind, _number, _numbers
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong
from .choices import _normal, make_key

__all__ = ["order_keys"]

#: what the learner sees under a written answer that is complete
FOR_THE_COACH = (
    "Recorded for your coach ({words} words). This answer earns no automatic points: your coach reads it "
    "and marks it with the rubric."
)


def order_keys(qid: str, items: Sequence[Any]) -> list[str]:
    """The keys of an ordering question: one hashed key per position.

    Parameters
    ----------
    qid : str
        The question number ("16.6").
    items : sequence
        The items (letters or names) in the right order.

    Returns
    -------
    list of str
        ``make_key(qid, item, "position N")`` for N = 1, 2, ...: give this list to
        :func:`qitools.checks.order` as ``keys=``.

    Examples
    --------
    >>> from qitools.checks import order_keys
    >>> keys = order_keys("16.6", ["b", "a", "c"])
    >>> len(keys), keys[0] == order_keys("16.6", ["B", "x", "y"])[0]
    (3, True)
    """
    return [make_key(qid, item, f"position {i}") for i, item in enumerate(items, start=1)]


def _judge_order(
    answer: Any, keys: Sequence[str], *, question: str, options: Sequence[Any] | None = None
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if isinstance(answer, (str, Mapping)) or not isinstance(answer, Sequence):
        raise _BadAnswer(f"Expected a list in square brackets, like ['c', 'a', 'b'], got {_kind(answer)}.")
    items = list(answer)
    if items and all(_is_blank(v) for v in items):
        return _unanswered()
    n = len(keys)
    if len(items) != n:
        return _wrong(f"Put all {n} items in your list, each once (your list has {len(items)}).")
    given = [_normal(v) for v in items]
    if options is not None:
        allowed = {_normal(o) for o in options}
        unknown = [str(v) for v, g in zip(items, given, strict=True) if g not in allowed]
        if unknown:
            shown = ", ".join(repr(o) for o in options)
            return _wrong(f"Not one of the options: {', '.join(unknown)}. Use {shown}.")
    if len(set(given)) != len(given):
        return _wrong("An item appears twice in your list: use each one once.")
    placed = [make_key(question, v, f"position {i}") == k for i, (v, k) in enumerate(zip(items, keys, strict=True), start=1)]
    right = sum(placed)
    if right == n:
        return _right()
    backwards = [make_key(question, v, f"position {i}") for i, v in enumerate(reversed(items), start=1)]
    if n > 2 and backwards == list(keys):
        return _wrong(mistake="order_reversed", score=0.0)
    first_wrong = next(i for i, ok in enumerate(placed, start=1) if not ok)
    return _wrong(
        f"{right} of {n} are in the right place.",
        score=right / n,
        more=f"Start with position {first_wrong}: what has to come before it?",
    )


def _total(values: Any, what: str) -> float:
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return float(values)
    return sum(_numbers(values, what))


def _judge_ratio(answer: Any, numerator: Any, denominator: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    x = _number(answer, "one number")
    top, bottom = _total(numerator, "the numerator"), _total(denominator, "the denominator")
    expected = top / bottom
    if _close(x, expected, rel=1e-3):
        return _right("Above 1: more than expected for these patients; below 1: fewer.")
    if top and _close(x, bottom / top, rel=1e-3):
        return _wrong(mistake="inverted")
    if _close(x, 100 * expected, rel=1e-3):
        return _wrong(mistake="percentage_not_proportion")
    return _wrong()


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _blank_text(value: Any) -> bool:
    return _is_blank(value) or (isinstance(value, str) and value.strip().strip(".").strip() == "")


def _judge_written(answer: Any, *, parts: Sequence[str] | None = None, min_words: int = 20) -> Verdict:
    """Written (every part, ``min_words`` words or more each), or not: the coach marks the content."""
    if parts is None:
        if _blank_text(answer):
            return _unanswered()
        if not isinstance(answer, str):
            raise _BadAnswer(f"Expected your answer as text in quotes, got {_kind(answer)}.")
        words = _words(answer)
        if words < min_words:
            return _wrong(f"Write a little more: at least {min_words} words (you have {words}).", score=0.0)
        return _right(FOR_THE_COACH.format(words=words))
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets) with your text for each part, got {_kind(answer)}.")
    missing = [p for p in parts if p not in answer]
    if missing:
        return _wrong(f"Missing from your dict: {', '.join(repr(m) for m in missing)} (don't rename the keys).")
    if all(_blank_text(answer[p]) for p in parts):
        return _unanswered()
    not_text = [p for p in parts if not _blank_text(answer[p]) and not isinstance(answer[p], str)]
    if not_text:
        return _wrong(f"Write each part as text in quotes: {', '.join(repr(p) for p in not_text)}.")
    short = [p for p in parts if _blank_text(answer[p]) or _words(answer[p]) < min_words]
    if short:
        done = len(parts) - len(short)
        return _wrong(
            f"{done} of {len(parts)} parts written (at least {min_words} words each).",
            score=0.0,
            more=f"Still to write: {', '.join(repr(p) for p in short[:3])}.",
        )
    words = sum(_words(answer[p]) for p in parts)
    return _right(FOR_THE_COACH.format(words=words))


def _judge_suppressed(answer: Any, original: Mapping[str, Sequence[Any]], *, threshold: int = 5) -> Verdict:
    """Small counts (1 to threshold - 1) hidden in every column of ``original``; the other counts kept."""
    if _is_blank(answer):
        return _unanswered()
    if not hasattr(answer, "columns") or not hasattr(answer, "dtypes"):
        raise _BadAnswer(f"Expected a table (a pandas DataFrame), got {_kind(answer)}.")
    missing = [c for c in original if c not in answer.columns]
    if missing:
        return _wrong(f"Columns not found: {', '.join(missing)}. Keep the count columns in the table you share.")
    shown = changed = 0
    for column, counts in original.items():
        got = list(answer[column])
        if len(got) != len(counts):
            return _wrong(f"The table has {len(got)} rows; the data have {len(counts)}. Keep every month.")
        for value, count in zip(got, counts, strict=True):
            hidden = isinstance(value, str)
            number = None if hidden or isinstance(value, bool) else _as_number(value)
            if 0 < count < threshold:
                shown += not hidden
            elif count > 0 and (number is None or number != count):
                changed += 1
    if shown:
        return _wrong(f"{shown} small count{'s are' if shown != 1 else ' is'} still shown.", mistake="small_numbers_shared")
    if changed:
        return _wrong(
            f"{changed} count{'s' if changed != 1 else ''} of {threshold} or more {'were' if changed != 1 else 'was'} "
            "changed or hidden: keep them, only the small ones go."
        )
    return _right(f"Counts from 1 to {threshold - 1} hidden, the rest kept: safe to share.")


def _as_number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if x != x else x
