"""Judges of proportions and rates (exercise 2, Aims and measures): values, pooled values, functions.

Recognised mistakes: a percentage for a proportion (and the reverse), the division the wrong way up,
the complement, the mean of monthly figures instead of the pooled one, a missing or wrong
multiplier, and a rate function that fails on a month without bed days.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from ..answers import _all_close, _calls, _close, _is_blank, _isnan, _number, _numbers
from ..verdict import Verdict, _right, _unanswered, _wrong

__all__: list[str] = []


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
            mistake, detail = _rate_slip(got[0], cases[0][0], cases[0][1], per)
            return _wrong(f"{right} of {len(cases)} months are right. {detail}".strip(), mistake=mistake, score=0.0)
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
        mistake, detail = _rate_slip(x, sum(ev), sum(ex), per)
        return _wrong(detail, mistake=mistake)
    xs = _numbers(answer)
    expected = [e / x * per if x else math.nan for e, x in zip(ev, ex, strict=False)]
    if len(xs) != len(expected):
        return _wrong(f"Expected {len(expected)} values (one per month), got {len(xs)}.")
    if _all_close(xs, expected):
        return _right()
    right = sum(_close(a, e) for a, e in zip(xs, expected, strict=False))
    first = next(i for i, (a, e) in enumerate(zip(xs, expected, strict=False)) if not _close(a, e))
    mistake, detail = _rate_slip(xs[first], ev[first], ex[first], per)
    return _wrong(f"{right} of {len(xs)} values are right. {detail}".strip(), mistake=mistake)


def _rate_mistake(got: float, events: float, exposure: float, per: float) -> str | None:
    return _rate_slip(got, events, exposure, per)[0]


def _per_words(per: float) -> str:
    """'per 1,000', 'per 100,000', 'per 2.5'."""
    return f"per {per:,.0f}" if float(per).is_integer() else f"per {per:,}"


def _rate_slip(got: float, events: float, exposure: float, per: float) -> tuple[str | None, str]:
    """(mistake, detail): the mistake a rate answer shows, and which 'per' it was worked out with."""
    if not exposure or not math.isfinite(got):
        return None, ""
    expected = events / exposure * per
    if events and (_close(got, exposure / events * per) or _close(got, exposure / events)):
        return "inverted", ""
    raw = events / exposure
    if raw and not _close(got, expected):
        for power in range(0, 8):
            used = 10.0**power
            if used != per and _close(got, raw * used):
                if used == 1:
                    return "forgot_multiplier", ""
                looks = "a percentage (times 100)" if used == 100 else f"a rate {_per_words(used)}"
                return "wrong_multiplier", f"This looks like {looks}; the question asks for a rate {_per_words(per)}."
    return None, ""
