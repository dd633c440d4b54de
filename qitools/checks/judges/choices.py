"""Judges of multiple-choice answers against hashed keys, and :func:`make_key` that makes the keys.

A key is a salted hash of the question number, the item and the normalised answer, so reading a
check cell (or this module) does not give the answer away. ``mistakes=`` maps the key of a wrong
answer to a named mistake (a c chart for counts with varying exposure, ...).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..answers import _chart_name, _close, _is_blank, _kind
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong

__all__ = ["make_key"]


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
    for item in keys:  # cc.icons["variation"] is a column of a table, not its one value
        v = answer[item]
        if hasattr(v, "shape") and getattr(v, "ndim", 0) >= 1:
            raise _BadAnswer(
                f"{item!r} holds {_kind(v)} (a column or list of values), not one value: write the value itself, "
                "in quotes if it is text, as the question shows."
            )
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
