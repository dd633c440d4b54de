"""Judges of charts for counts and rare events: p-chart limits, Laney's sigma-z, days between events.

p-chart limits are p̄ ± 3 √(p̄(1 − p̄)/nᵢ), cut at 0 and 1 (Montgomery, §7.2); sigma-z is the
average moving range of the p-chart z-scores divided by 1.128 (Laney 2002); the days between
events are worked out from sorted dates (the t chart of exercise 10).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..answers import (
    _all_close,
    _calls,
    _check_callable,
    _days,
    _is_blank,
    _kind,
    _number,
    _numbers,
    _parse_date,
    _rounded_equal,
)
from ..verdict import Verdict, _BadAnswer, _right, _series_right, _unanswered, _wrong

__all__: list[str] = []


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
    return _wrong(_series_right(right, len(cases), callable(answer)), mistake=mistake, score=right / len(cases))


def _centre_is(lo: Sequence[float], hi: Sequence[float], centre: float) -> bool:
    mids = [(a + b) / 2 for a, b in zip(lo, hi, strict=False) if a > 0 and b < 1]
    return bool(mids) and all(math.isclose(m, centre, rel_tol=1e-6) for m in mids)


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
