"""Judges of the foundation modules' clinician core: the vital few of a Pareto chart, a chart made with given settings.

* ``vital_few``: the learner names the categories of a Pareto analysis that make up the "vital
  few"; the judge sorts the categories from largest to smallest itself and takes the smallest set
  of largest categories whose running share reaches the cut (80 % by default), the convention of
  :func:`qitools.pareto_table`. The categories and counts are the question's data, so a hidden check
  can judge the same answer rule on fresh data.
* ``chart_settings``: the learner calls ``qi.run_chart`` or ``qi.control_chart`` with the arguments
  the question gives; the judge reads the result's kind of chart, its number of points and the
  settings it was made with (``target``, ``improvement``, ``rules``, ``freeze``, ``part``, ``y``,
  ``multiply`` ...), as stored in ``result.params``. Settings the learner has to work out (not
  copy) are given to the check as hashed keys (``keys={"target": make_key(qid, 78, "target")}``),
  so the check cell does not give them away.

Both are pure Python (no numpy), like the rest of :mod:`qitools.checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..answers import _call, _chart_name, _close, _is_blank, _kind, _norm_label, _numbers
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong
from .choices import make_key

__all__: list[str] = []

#: a running share within this many percentage points of the cut counts as reaching it (float sums)
_CUT_TOLERANCE = 1e-9


def _pareto_order(categories: Any, counts: Any) -> list[tuple[str, float]]:
    """(category, total) from largest to smallest, ties by name; rows of the same category are added."""
    cats = list(categories.tolist() if hasattr(categories, "tolist") else categories)
    values = _numbers(counts, "counts")
    if len(cats) != len(values):
        raise ValueError(f"{len(cats)} categories but {len(values)} counts")
    totals: dict[str, float] = {}
    names: dict[str, str] = {}
    for cat, value in zip(cats, values, strict=True):
        key = _norm_label(cat)
        totals[key] = totals.get(key, 0.0) + value
        names.setdefault(key, str(cat))
    return sorted(((k, v) for k, v in totals.items()), key=lambda kv: (-kv[1], names[kv[0]]))


def _vital_few_ref(categories: Any, counts: Any, cut: float = 80) -> list[str]:
    """The vital few (normalised labels): the smallest prefix whose running share reaches ``cut`` %."""
    order = _pareto_order(categories, counts)
    total = sum(v for _, v in order)
    running = 0.0
    chosen = []
    for key, value in order:
        chosen.append(key)
        running += value
        if 100.0 * running / total >= cut - _CUT_TOLERANCE:
            break
    return chosen


#: extra cases for a learner's function: (categories, counts, cut); one reaches the cut exactly (qcc's example)
_VITAL_FEW_CASES: tuple[tuple[list[str], list[float], float], ...] = (
    (["price code", "schedule date", "supplier code", "contact num.", "part num."], [80, 27, 66, 94, 33], 80),
    (["Heel", "Sacrum", "Elbow", "Ear"], [12, 30, 2, 1], 80),
    (["A", "B", "C", "D", "E", "F"], [10, 10, 9, 8, 2, 1], 60),
    (["Night", "Day"], [5, 95], 80),
)


def _judge_vital_few_function(fn: Any, categories: Any, counts: Any, cut: float) -> Verdict:
    """A learner's function ``f(counts: dict, cut) -> list`` on the question's data and on fresh cases."""
    order = _pareto_order(categories, counts)
    cases = [([k for k, _ in order], [v for _, v in order], cut), *_VITAL_FEW_CASES]
    right = 0
    for cats, values, c in cases:
        result = _call(fn, dict(zip(cats, values, strict=True)), c)
        if _is_blank(result) and right == 0 and cats is cases[0][0]:
            return _unanswered("your function returns nothing yet")
        if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Iterable):
            raise _BadAnswer(f"Expected your function to return a list of category names, got {_kind(result)}.")
        right += {_norm_label(r) for r in result} == set(_vital_few_ref(cats, values, c))
    if right == len(cases):
        return _right("It also stops at a category that reaches the cut exactly.")
    return _wrong(f"{right} of {len(cases)} test cases are right.", score=right / len(cases))


def _judge_vital_few(answer: Any, categories: Any, counts: Any, *, cut: float = 80) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if callable(answer):
        return _judge_vital_few_function(answer, categories, counts, cut)
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, Iterable):
        raise _BadAnswer(f"Expected a list of category names, like [\"Toilet\", \"Bed\"], got {_kind(answer)}.")
    raw = list(answer.tolist() if hasattr(answer, "tolist") else answer)
    if not raw:
        return _unanswered("your list is empty")
    order = _pareto_order(categories, counts)
    known = {k for k, _ in order}
    got = {_norm_label(a) for a in raw}
    unknown = sorted(got - known)
    if unknown:
        return _wrong(f"{len(unknown)} of your names are not categories of the data: check the spelling.")
    expected = _vital_few_ref(categories, counts, cut)
    if got == set(expected):
        return _right("The few categories that account for most of the problem: start there.")
    ranked = [k for k, _ in order]
    k = len(got)
    if got == set(ranked[:k]):  # the largest categories, but too few or too many of them
        if k < len(expected):
            return _wrong(f"These are the largest {k}, but their share does not reach {cut:g}% yet.",
                          mistake="cut_not_reached", score=k / len(expected))  # fmt: skip
        return _wrong(f"The largest {len(expected)} already reach {cut:g}%: you have named more.",
                      mistake="past_the_cut", score=len(expected) / k)  # fmt: skip
    right = len(got & set(expected))
    return _wrong(f"{right} of your {k} names are among the vital few.", mistake="pareto_unsorted",
                  score=right / max(len(expected), k))  # fmt: skip


#: settings of a chart result that a question can ask for, and how to say them in a message
_SETTING_NAMES = {
    "target": "the target (target=)",
    "improvement": "which direction is better (improvement=)",
    "rules": "the rule set (rules=)",
    "freeze": "the end of the baseline (freeze=)",
    "part": "where the parts begin (part=)",
    "exclude": "the points left out (exclude=)",
    "multiply": "the scale (multiply=)",
    "x": "the time column (x=)",
    "y": "the column charted (y=)",
    "n": "the denominator (n=)",
    "facet": "what splits the data into one chart each (facet=)",
}


def _plain(value: Any) -> Any:
    """A setting as make_key normalises it: numbers stay numbers, dates become 'YYYY-MM-DD', a list
    of one value (``facet=["ward"]`` as qitools stores ``facet="ward"``) its value, a longer list
    its values joined by '|'."""
    if isinstance(value, (list, tuple)):
        values = [_plain(v) for v in value]
        return values[0] if len(values) == 1 else "|".join(str(v) for v in values)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    if hasattr(value, "item"):
        return value.item()
    return value


def _same_setting(got: Any, expected: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(got, (list, tuple)) and len(got) == 1 and not isinstance(expected, (list, tuple)):
        got = got[0]  # qitools stores facet="ward" as ["ward"]
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)) and not hasattr(got, "tolist"):
            return False
        got = list(got.tolist() if hasattr(got, "tolist") else got)
        return len(got) == len(expected) and all(_same_setting(g, e) for g, e in zip(got, expected, strict=True))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return _close(float(got), float(expected))
        except (TypeError, ValueError):
            return _norm_label(got) == _norm_label(expected)
    return _norm_label(got) == _norm_label(expected)


def _judge_chart_settings(
    answer: Any,
    *,
    chart: str,
    n_points: int | None = None,
    qid: str | None = None,
    keys: Mapping[str, str] | None = None,
    **settings: Any,
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    data, params = getattr(answer, "data", None), getattr(answer, "params", None)
    if not hasattr(answer, "chart") or data is None or not isinstance(params, Mapping):
        raise _BadAnswer(f"Expected the result of qi.run_chart or qi.control_chart, got {_kind(answer)}.")
    keys = dict(keys or {})
    unknown = sorted((set(settings) | set(keys)) - set(_SETTING_NAMES))
    if unknown:
        raise ValueError(f"chart_settings cannot check {unknown}; it checks {sorted(_SETTING_NAMES)}")
    if keys and qid is None:
        raise ValueError("chart_settings needs qid= to check hashed keys")
    checks = 1 + (n_points is not None) + len(settings) + len(keys)
    problems = []
    if _chart_name(answer) != _chart_name(chart):
        problems.append("It is not the kind of chart the question asks for (chart=).")
    if n_points is not None and len(data) != n_points:
        problems.append(f"The chart has {len(data)} points; the data the question gives have {n_points}.")
    for name, expected in settings.items():
        if not _same_setting(params.get(name), expected):
            problems.append(f"Check {_SETTING_NAMES[name]}.")
    for name, key in keys.items():  # settings the question asks the learner to work out: hashed
        value = params.get(name)
        if value is None or make_key(str(qid), _plain(value), name) != key:
            problems.append(f"Check {_SETTING_NAMES[name]}.")
    if not problems:
        return _right("Made with the settings the question asks for.")
    return _wrong(" ".join(problems), score=round(1 - len(problems) / checks, 2))
