"""Judges of the Shewhart-chart modules' clinician core (modules 7 to 12): numbers read or worked out
from a chart, lists of gaps between events, and charts made with given settings.

* ``screened_xmr_limits``: (centre line, lower, upper limit) of an XmR chart whose moving ranges
  were screened once: moving ranges above 3.267 × their average are dropped and the rest averaged
  again before the limits are set (The Health Care Data Guide, Provost & Murray 2011, p. 156;
  Anhøj & Mohammed trace it to Nelson 1982). Limits with 2.66, 3/1.128 or 3/d2 are accepted.
* ``p_limits_at``: the lower and upper p-chart limits of one point, p̄ ± 3 √(p̄(1 − p̄)/nᵢ), cut at
  0 and 1, as proportions.
* ``outside_p_limits``: the labels of the points beyond their p-chart limits.
* ``gaps_between``: the days between events, from dates in any order (the t chart's data).
* ``cases_between``: the number of cases (opportunities) between events, from the case numbers of
  the events: the difference minus 1 (the g chart's data).
* ``subgroup_medians``: a learner's function giving each period's median, in period order.
* ``chart_options``: a chart made with ``qi.control_chart`` and the settings a question gives
  (the kind of chart, its points, where the baseline ends, the points left out of the limits,
  where the parts begin, given as labels or as hashed keys when they are the answer to another
  question), read from the result's per-point table.

All are pure Python (no numpy), like the rest of :mod:`qitools.checks`; each works out the
expected value from the question's data itself and never puts it in a message. :data:`JUDGES`
holds them with their two hints (the nudge, then the pointer); ``judges/__init__.py`` registers it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..answers import (
    _all_close,
    _calls,
    _chart_name,
    _check_callable,
    _close,
    _days,
    _is_blank,
    _kind,
    _label_list,
    _norm_label,
    _number,
    _numbers,
    _parse_date,
)
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong
from .attribute_charts import _p_ref
from .choices import make_key
from .variation import _limits_close, _triple, _xmr_ref

__all__ = ["JUDGES"]

#: the moving-range chart's upper limit, D4(2) x the average moving range
_D4 = 3.267


def _screened_xmr_ref(values: Sequence[float]) -> tuple[float, float, float]:
    """(cl, lcl, ucl) with the moving ranges screened once (2.66 x the screened average moving range)."""
    mean = statistics.fmean(values)
    mr = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mr_bar = statistics.fmean(mr)
    kept = [m for m in mr if m <= _D4 * mr_bar] or mr
    screened = statistics.fmean(kept)
    return mean, mean - 2.66 * screened, mean + 2.66 * screened


def _judge_screened_xmr_limits(answer: Any, data: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    got = _triple(answer)
    cl, lcl, ucl = _screened_xmr_ref(values)
    if _close(got[0], cl) and _limits_close(got[1:], (lcl, ucl), cl):
        return _right("Screening drops the one or two huge moving ranges, so the limits fit the usual months.")
    ucl_raw = _xmr_ref(values)
    if _close(got[0], ucl_raw[0]) and _limits_close(got[1:], ucl_raw[1:], ucl_raw[0]):
        return _wrong(mistake="unscreened_limits")
    if not _close(got[0], cl):
        return _wrong("Check the centre line: the mean of all the points (screening changes only the limits).")
    return _wrong("The centre line is right; check the limits.", score=0.3)


def _judge_p_limits_at(answer: Any, events: Any, n: Any, *, point: int) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    ev, nn = _numbers(events, "events"), _numbers(n, "denominators")
    if not 1 <= point <= len(nn):
        raise ValueError(f"point must be between 1 and {len(nn)}; got {point}")
    if isinstance(answer, Mapping):
        keys = {str(k).lower(): v for k, v in answer.items()}
        if not {"lcl", "ucl"} <= set(keys):
            raise _BadAnswer(f"Expected a pair (lower, upper) or a dict with 'lcl' and 'ucl', got keys {sorted(keys)}.")
        got = [_number(keys["lcl"]), _number(keys["ucl"])]
    else:
        got = _numbers(answer, "two numbers (lower limit, upper limit)")
        if len(got) != 2:
            raise _BadAnswer(f"Expected two numbers (lower limit, upper limit), got {len(got)}.")
    lo, hi = _p_ref(ev, nn)
    i = point - 1
    if _all_close(got, [lo[i], hi[i]], 1e-4):
        return _right("This point's own n sets how wide its limits are.")
    if _all_close(got, [100 * lo[i], 100 * hi[i]], 1e-4):
        return _wrong(mistake="percentage_not_proportion")
    ulo, uhi = _p_ref(ev, nn, clip=False)
    if _all_close(got, [ulo[i], uhi[i]], 1e-4):
        return _wrong(mistake="limits_not_clipped")
    pbar = sum(ev) / sum(nn)
    mean_p = statistics.fmean(e / m for e, m in zip(ev, nn, strict=False))
    half = 3 * math.sqrt(mean_p * (1 - mean_p) / nn[i])
    if _all_close(got, [max(mean_p - half, 0.0), min(mean_p + half, 1.0)], 1e-4) and not _close(mean_p, pbar):
        return _wrong(mistake="mean_of_proportions")
    own = ev[i] / nn[i]
    half = 3 * math.sqrt(own * (1 - own) / nn[i])
    if _all_close(got, [max(own - half, 0.0), min(own + half, 1.0)], 1e-4):
        return _wrong(mistake="own_proportion_for_limits")
    n_bar = statistics.fmean(nn)
    half = 3 * math.sqrt(pbar * (1 - pbar) / n_bar)
    if _all_close(got, [max(pbar - half, 0.0), min(pbar + half, 1.0)], 1e-4) and not _close(n_bar, nn[i]):
        return _wrong(mistake="constant_p_limits")
    return _wrong()


def _judge_outside_p_limits(answer: Any, labels: Any, events: Any, n: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    labs = list(labels.tolist() if hasattr(labels, "tolist") else labels)
    ev, nn = _numbers(events, "events"), _numbers(n, "denominators")
    lo, hi = _p_ref(ev, nn)
    outside = {_norm_label(la) for la, e, m, a, b in zip(labs, ev, nn, lo, hi, strict=False) if not a <= e / m <= b}
    got_raw = _label_list(answer)
    got = {_norm_label(g) for g in got_raw}
    if got == outside:
        return _right("With denominators this big, a p chart's limits are very narrow.")
    if got_raw and all(isinstance(g, int) and not isinstance(g, bool) for g in got_raw):
        if got == {str(i) for i, la in enumerate(labs) if _norm_label(la) in outside} and got != outside:
            return _wrong(mistake="positions_not_labels")
    unknown = got - {_norm_label(la) for la in labs}
    if unknown:
        return _wrong(f"{len(unknown)} of your labels are not labels of the data: write them as the data do.")
    right = len(got & outside)
    return _wrong(f"{right} of your {len(got)} points are beyond their limits." if got else "Your list is empty.",
                  score=round(right / max(len(outside), len(got), 1), 2))  # fmt: skip


def _gaps(answer: Any, what: str) -> list[float]:
    if isinstance(answer, (str, bytes, Mapping)) or not hasattr(answer, "__iter__"):
        raise _BadAnswer(f"Expected a list of {what}, like [12, 30, 7], got {_kind(answer)}.")
    items = answer.tolist() if hasattr(answer, "tolist") and not hasattr(answer, "dt") else list(answer)
    return [_days(v) for v in items]


def _judge_gaps_between(answer: Any, dates: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    given = [_parse_date(d) for d in (dates.tolist() if hasattr(dates, "tolist") else dates)]
    got = _gaps(answer, "numbers of days")
    ordered = sorted(given)
    expected = [float((b - a).days) for a, b in zip(ordered, ordered[1:], strict=False)]
    if got == expected:
        return _right("One gap fewer than events, each the later date minus the earlier.")
    as_given = [float((b - a).days) for a, b in zip(given, given[1:], strict=False)]
    if got == as_given and as_given != expected:
        return _wrong(mistake="unsorted_dates")
    if got == [abs(v) for v in as_given] and as_given != expected:
        return _wrong(mistake="unsorted_dates")
    if got == [v + 1 for v in expected]:
        return _wrong(mistake="inclusive_days")
    if len(got) == len(expected) + 1:
        return _wrong(mistake="first_gap_zero")
    if len(got) != len(expected):
        return _wrong(f"Your list has {len(got)} gaps; {len(given)} events have one gap fewer than events.")
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    return _wrong(f"{right} of your {len(got)} gaps are right.", score=round(right / len(expected), 2))


def _judge_cases_between(answer: Any, event_cases: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    cases = sorted(_numbers(event_cases, "case numbers"))
    got = _gaps(answer, "numbers of cases")
    expected = [b - a - 1 for a, b in zip(cases, cases[1:], strict=False)]
    if got == expected:
        return _right("The cases in between, not counting the cases with the event.")
    if got == [b - a for a, b in zip(cases, cases[1:], strict=False)]:
        return _wrong(mistake="cases_between_off_by_one")
    if len(got) == len(expected) + 1:
        return _wrong(mistake="first_gap_zero")
    if len(got) != len(expected):
        return _wrong(f"Your list has {len(got)} numbers; {len(cases)} events have one gap fewer than events.")
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    return _wrong(f"{right} of your {len(got)} numbers are right.", score=round(right / len(expected), 2))


def _medians_by_period(periods: Sequence[Any], values: Sequence[float]) -> list[float]:
    groups: dict[Any, list[float]] = {}
    for p, v in zip(periods, values, strict=True):
        groups.setdefault(p, []).append(v)
    return [float(statistics.median(groups[p])) for p in sorted(groups)]


def _judge_subgroup_medians(answer: Any, periods: Any, values: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "monthly_medians(months, values)")
    given = (list(periods.tolist() if hasattr(periods, "tolist") else periods), _numbers(values, "values"))
    cases = [
        given,
        (["2024-03", "2024-01", "2024-01", "2024-02", "2024-03", "2024-01"], [9.0, 4.0, 8.0, 5.0, 3.0, 6.0]),
        ([2, 1, 2, 1, 2], [10.0, 20.0, 30.0, 40.0, 50.0]),
    ]
    results = _calls(answer, cases, lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = [_numbers(r, "a list of medians from your function") for r in results]
    expected = [_medians_by_period(p, v) for p, v in cases]
    right = sum(_all_close(g, e) for g, e in zip(got, expected, strict=False))
    if right == len(cases):
        return _right("One median per period, in time order, even when the rows are not.")
    for g, (p, v), e in zip(got, cases, expected, strict=False):
        if _all_close(g, e):
            continue
        means = [float(statistics.fmean([x for q, x in zip(p, v, strict=True) if q == k])) for k in sorted(set(p))]
        if _all_close(g, means):
            return _wrong(mistake="mean_not_median", score=right / len(cases))
        if sorted(g) == sorted(e) and len(g) == len(e):
            return _wrong(mistake="periods_not_in_order", score=right / len(cases))
    return _wrong(f"{right} of {len(cases)} test tables are right.", score=right / len(cases))


def _judge_chart_options(
    answer: Any,
    *,
    chart: str,
    n_points: int,
    baseline: int | None = None,
    excluded: Sequence[Any] = (),
    parts_from: Sequence[Any] = (),
    parts_keys: Sequence[str] | None = None,
    qid: str = "",
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    data = getattr(answer, "data", None)
    if not hasattr(answer, "chart") or data is None or not hasattr(data, "columns"):
        raise _BadAnswer(f"Expected the result of qi.control_chart, got {_kind(answer)}.")
    if _chart_name(answer) != _chart_name(chart):
        return _wrong("It is not the kind of chart the question asks for (chart=).")
    if len(data) != n_points:
        return _wrong(f"The chart has {len(data)} points; the data the question gives have {n_points}.")
    labels = [_norm_label(v) for v in data["x"].tolist()]
    problems: list[str] = []
    mistake = None
    if baseline is not None:
        flags = [bool(v) for v in data["baseline"].tolist()]
        if flags != [True] * baseline + [False] * (n_points - baseline):
            problems.append("Check where the baseline ends (freeze=).")
            if all(flags):
                mistake = "no_freeze"
    want_out = {_norm_label(v) for v in excluded}
    left_out = {lab for lab, keep in zip(labels, data["include"].tolist(), strict=False) if not bool(keep)}
    if left_out != want_out:
        problems.append("Check the points left out of the limits (exclude=).")
        if left_out > want_out:
            mistake = mistake or "exclude_unexplained"
    parts = data["part"].tolist()
    starts = {labels[i] for i in range(1, len(parts)) if parts[i] != parts[i - 1]}
    if parts_keys is not None:  # where the parts begin, as hashed keys: the check cell does not give it away
        got, want = {make_key(qid, lab) for lab in starts}, set(parts_keys)
    else:
        got, want = starts, {_norm_label(v) for v in parts_from}
    if got != want:
        problems.append("Check where the parts begin (part=).")
        if got - want:
            mistake = mistake or "rebase_on_outlier"
    if not problems:
        return _right("Made with the settings the question asks for.")
    checks = 1 + len(problems) + (baseline is not None) + bool(excluded) + bool(parts_from or parts_keys)
    return _wrong(" ".join(problems), mistake=mistake, score=round(max(0.0, 1 - len(problems) / checks), 2))


#: kind -> (judge, (nudge, pointer)); registered in judges/__init__.py
JUDGES: dict[str, tuple[Callable[..., Verdict], tuple[str, str]]] = {
    "screened_xmr_limits": (_judge_screened_xmr_limits, (
        "Screening changes the limits only: the centre line is still the mean of all the points.",
        "Drop the moving ranges above 3.267 × their average, average the rest, then use 2.66 × that.",
    )),
    "p_limits_at": (_judge_p_limits_at, (
        "p̄ ± 3 × sqrt(p̄ × (1 − p̄) ÷ n), with n the point's own number of patients.",
        "p̄ is all the events ÷ all the patients; give the limits as proportions (0 to 1).",
    )),
    "outside_p_limits": (_judge_outside_p_limits, (
        "Make the p chart with qi.control_chart(..., chart='p') and look at which points are beyond the limits.",
        "cc.data has a sigma_signal column: True for the points beyond a limit; list their x labels.",
    )),
    "gaps_between": (_judge_gaps_between, (
        "Put the dates in order first, then count the days from each one to the next.",
        "From 9 January to 14 February is 36 days: the later date minus the earlier one.",
    )),
    "cases_between": (_judge_cases_between, (
        "Count the cases that came between two events, without the event cases themselves.",
        "Between case 12 and case 40 there are 27 cases (40 − 12 − 1).",
    )),
    "subgroup_medians": (_judge_subgroup_medians, (
        "Group the values by period, then take the median of each group, in period order.",
        "statistics.median gives the median of a list; sorted(set(periods)) lists the periods in order.",
    )),
    "chart_options": (_judge_chart_options, (
        "Use exactly the function and the arguments the question gives.",
        "Look at cc.data: the baseline, include and part columns show what your settings did.",
    )),
}  # fmt: skip
