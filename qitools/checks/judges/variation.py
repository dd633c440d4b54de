"""Judges of XmR (I) charts (exercise 7, Understanding variation): moving ranges, limits, signals.

XmR limits are the mean ± 2.66 × the average moving range (Wheeler; Making Data Count); 3/1.128
and 3·√π/2 are accepted too. A point exactly on a limit is not a signal.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from ..answers import (
    _all_close,
    _calls,
    _close,
    _is_blank,
    _label_list,
    _median,
    _norm_label,
    _number,
    _numbers,
    _rounded_equal,
)
from ..verdict import Verdict, _BadAnswer, _right, _series_right, _unanswered, _wrong

__all__: list[str] = []


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
    return _wrong(_series_right(right, len(cases), callable(answer)), score=score)


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
    value = ""
    if not callable(answer):
        cl, lcl, ucl = _xmr_ref(cases[0])
        g = got[0]
        if _close(g[0], cl):
            value = "The centre line is right; look again at the limits."
        elif _limits_close(g[1:], (lcl, ucl), cl):
            value = "The limits are right; look again at the centre line."
    return _wrong(_series_right(right, len(cases), callable(answer), value), mistake=mistake,
                  score=right / len(cases))  # fmt: skip


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
