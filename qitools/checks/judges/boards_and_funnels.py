"""Judges for boards and comparisons: the Making Data Count assurance icon and funnel-plot limits.

Assurance, higher is better: pass if target ≤ LCL, fail if target > UCL, otherwise hit or miss (and
the mirror image when lower is better), as NHSRplotthedots. Funnel limits: p0 ± z √(p0(1 − p0)/n)
around the pooled proportion (Spiegelhalter 2005).
"""

from __future__ import annotations

import math
from typing import Any

from ..answers import _all_close, _calls, _check_callable, _is_blank, _label_list, _norm_label, _numbers
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong

__all__: list[str] = []


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
