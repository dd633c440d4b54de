"""Judges of run charts (exercises 3 and 4): the median, useful points, runs, crossings, the drawing.

Points exactly on the centre line are skipped by the run-chart rules (Anhøj & Olesen 2014); a
learner's function is also tried on short series with such points (``_RUN_CASES``), and counting
them (as breaking, extending or crossing a run) is a named mistake. ``_judge_baseline_chart`` checks
that a chart result's centre line comes from the baseline (``freeze=``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from typing import Any

from ..answers import (
    _all_close,
    _calls,
    _chart_name,
    _check_callable,
    _close,
    _int_answer,
    _is_blank,
    _kind,
    _median,
    _number,
    _numbers,
)
from ..verdict import Verdict, _BadAnswer, _right, _series_right, _unanswered, _wrong

__all__: list[str] = []


def _judge_median(answer: Any, data: Any, *, baseline: int | None = None) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    base = values[:baseline] if baseline else values
    expected = _median(base)
    x = _number(answer)
    if _close(x, expected):
        return _right("Half the points lie above it and half below.")
    if _close(x, statistics.fmean(base)):
        return _wrong(mistake="mean_not_median")
    if baseline and _close(x, _median(values)):
        return _wrong(mistake="baseline_not_used")
    mid = len(base) // 2
    middles = {base[mid]} | ({base[mid - 1], (base[mid - 1] + base[mid]) / 2} if len(base) % 2 == 0 else set())
    if any(_close(x, m) for m in middles) and not _close(x, expected):
        return _wrong(mistake="unsorted_middle")
    scale = _scale_slip(x, expected, values)
    if scale is not None:
        return _wrong(scale[1], mistake=scale[0])
    return _wrong()


def _scale_slip(x: float, expected: float, values: Sequence[float]) -> tuple[str, str] | None:
    """(mistake, detail) when ``x`` is ``expected`` times a power of ten, named from the data's scale.

    Proportions (every value between 0 and 1) times 100 are a percentage where a proportion is
    needed. Anything else (a rate per 1,000 bed days times 100, a percentage divided by 100: the
    values alone cannot tell a rate from a percentage) is named as on the wrong scale, with the factor.
    """
    if not expected or not math.isfinite(expected) or not math.isfinite(x):
        return None
    finite = [v for v in values if math.isfinite(v)]
    proportions = bool(finite) and all(0 <= v <= 1 for v in finite)
    for power in (1, 2, 3, 4, 5):
        factor = 10**power
        bigger, smaller = _close(x, expected * factor), _close(x, expected / factor)
        if not (bigger or smaller):
            continue
        if factor == 100 and bigger and proportions:
            return "percentage_not_proportion", ""
        times = f"{factor:,}"
        return "wrong_scale", f"It is {times} times too {'big' if bigger else 'small'}."
    return None


def _sides(values: Sequence[float], centre: float) -> list[int]:
    return [(v > centre) - (v < centre) for v in values if not math.isnan(v)]


def _ref_longest_run(values: Sequence[float], centre: float, mode: str = "skip") -> int:
    """Longest run; mode "skip" (the rule), "break" (points on the centre end runs), "join"."""
    best = cur = 0
    prev = 0
    for s in _sides(values, centre):
        if s == 0:
            if mode == "skip":
                continue
            if mode == "break":
                prev, cur = 0, 0
                continue
            cur += 1  # join: counted with the current run
            best = max(best, cur)
            continue
        cur = cur + 1 if s == prev else 1
        prev = s
        best = max(best, cur)
    return best


def _ref_crossings(values: Sequence[float], centre: float) -> int:
    sides = [s for s in _sides(values, centre) if s]
    return sum(a != b for a, b in zip(sides, sides[1:], strict=False))


def _crossings_touching(values: Sequence[float], centre: float) -> int:
    """Crossings if touching the median counted as crossing (a common mistake)."""
    sides = _sides(values, centre)
    return sum(a != b for a, b in zip(sides, sides[1:], strict=False))


_RUN_CASES: tuple[tuple[list[float], float], ...] = (
    ([1.0, 2.0, 3.0, 5.0, 6.0, 7.0, 8.0, 2.0, 1.0], 4.0),
    ([5.0, 6.0, 4.0, 4.0, 6.0, 7.0, 8.0, 3.0, 2.0, 4.0], 4.0),  # points on the centre inside a run
    ([4.0, 5.0, 4.0, 5.0, 4.0, 3.0, 3.0], 4.0),
    ([2.0, 2.0, 2.0, 6.0, 6.0, 6.0, 6.0, 6.0, 2.0, 6.0], 4.0),
)


def _judge_runs(kind: str, answer: Any, data: Any, centre: Any = None) -> Verdict:
    """Shared judge of useful_points, longest_run and crossings (value or function)."""
    if _is_blank(answer):
        return _unanswered()
    values = _numbers(data, "data")
    c = _median([v for v in values if not math.isnan(v)]) if centre is None else _number(centre, "a centre line value")
    ref = {"useful_points": lambda v, m: len([s for s in _sides(v, m) if s]), "longest_run": _ref_longest_run,
           "crossings": _ref_crossings}[kind]  # fmt: skip
    alternatives: list[tuple[str, Callable[[Sequence[float], float], int]]] = {
        "useful_points": [("points_on_median_counted", lambda v, m: len(_sides(v, m)))],
        "longest_run": [
            ("points_on_median_counted", lambda v, m: _ref_longest_run(v, m, "join")),
            ("points_on_median_counted", lambda v, m: _ref_longest_run(v, m, "break")),
        ],
        "crossings": [
            ("runs_not_crossings", lambda v, m: _ref_crossings(v, m) + 1),
            ("points_on_median_counted", _crossings_touching),
        ],
    }[kind]
    if callable(answer):
        cases = [(values, c), *_RUN_CASES]
        results = _calls(answer, cases, lambda r: r)
        if all(_is_blank(r) for r in results):
            return _unanswered("your function returns nothing yet")
        got = [_int_answer(r, "a whole number from your function") for r in results]
        expected = [ref(v, m) for v, m in cases]
        right = sum(g == e for g, e in zip(got, expected, strict=False))
        if right == len(cases):
            return _right("It also copes with points on the centre line.")
        for name, alt in alternatives:
            alt_values = [alt(v, m) for v, m in cases]
            if all(g == a for g, a in zip(got, alt_values, strict=False)) or any(
                g == a != e for g, a, e in zip(got, alt_values, expected, strict=False)
            ):
                return _wrong(_series_right(right, len(cases), True), mistake=name,
                              score=right / len(cases))  # fmt: skip
        return _wrong(_series_right(right, len(cases), True), score=right / len(cases))
    x = _int_answer(answer)
    expected = ref(values, c)
    if x == expected:
        return _right()
    for name, alt in alternatives:
        if x == alt(values, c):
            return _wrong(mistake=name)
    return _wrong()


def _judge_longest_run_max(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    _check_callable(answer, "longest_run_max(n)")
    ns = list(range(10, 101))
    results = _calls(answer, [(n,) for n in ns], lambda r: r)
    if all(_is_blank(r) for r in results):
        return _unanswered("your function returns nothing yet")
    got = [_number(r, "a number from your function") for r in results]
    expected = [round(math.log2(n)) + 3 for n in ns]
    right = sum(g == e for g, e in zip(got, expected, strict=False))
    if right == len(ns):
        return _right("For 24 useful points a run of 9 or more is a signal.")
    detail = f"{right} of {len(ns)} values of n (10 to 100) are right."
    if all(g == math.floor(math.log2(n)) + 3 for g, n in zip(got, ns, strict=False)):
        return _wrong(detail, mistake="truncated_not_rounded", score=right / len(ns))
    for log in (math.log, math.log10):
        if all(g in (round(log(n)) + 3, math.floor(log(n)) + 3) for g, n in zip(got, ns, strict=False)):
            return _wrong(detail, mistake="wrong_log", score=right / len(ns))
    return _wrong(detail, score=right / len(ns))


def _text_at(answer: Any, at: float) -> bool:
    """Some text or annotation of the Axes is written (or points) at x = ``at`` (within half a step)."""
    for text in answer.texts:
        if text is None:
            continue
        for x in (getattr(text, "xy", (None,))[0], text.get_position()[0]):
            try:
                if x is not None and abs(float(x) - float(at)) <= 0.5:
                    return True
            except (TypeError, ValueError):
                continue
    return False


def _judge_run_chart_drawing(
    answer: Any, data: Any, *, baseline: int | None = None, annotations: int = 1, at: float | None = None
) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not hasattr(answer, "get_lines") or not hasattr(answer, "texts"):
        raise _BadAnswer(f"Expected the matplotlib Axes you drew on (ax), got {_kind(answer)}.")
    values = _numbers(data, "data")
    lines = list(answer.get_lines())
    if not lines and not answer.collections:
        return _unanswered("nothing is drawn on ax yet")
    ys = []
    for line in lines:
        try:
            ys.append([float(v) for v in line.get_ydata()])
        except (TypeError, ValueError):
            ys.append([])
    data_line = next((y for y in ys if _all_close(y, values)), None)
    score = 0.0
    problems = []
    if data_line is None:
        if any(_all_close(y, sorted(values)) for y in ys):
            problems.append("The data line is sorted by size: a run chart keeps the points in time order.")
        else:
            problems.append("No line has the data points in time order (plot them with ax.plot).")
    else:
        score += 0.4
    base = values[:baseline] if baseline else values
    centre = _median(base)
    flat = [y[0] for y in ys if len(y) >= 2 and all(v == y[0] for v in y)]
    mistake = None
    if any(_close(v, centre) for v in flat):
        score += 0.4
    elif any(_close(v, statistics.fmean(base)) for v in flat):
        mistake = "mean_not_median"
        problems.append("The horizontal line is not at the median.")
    elif baseline and any(_close(v, _median(values)) for v in flat):
        mistake = "baseline_not_used"
        problems.append("The horizontal line is not at the median of the baseline.")
    else:
        problems.append("There is no horizontal centre line at the median (ax.axhline draws one).")
    if len(answer.texts) >= annotations and (at is None or _text_at(answer, at)):
        score += 0.2
    elif len(answer.texts) >= annotations:
        problems.append("No note is written at the point where the change started: put the annotation there.")
    else:
        problems.append(f"Add at least {annotations} annotation (ax.annotate or ax.text) marking the change.")
    if not problems:
        return _right("Points in time order, the baseline median, and the change marked.")
    return _wrong(" ".join(problems), mistake=mistake, score=round(score, 2))


def _judge_baseline_chart(answer: Any, *, chart: str, n_points: int, baseline: int) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    data = getattr(answer, "data", None)
    if not hasattr(answer, "chart") or data is None or not hasattr(data, "columns"):
        raise _BadAnswer(f"Expected the result of qi.control_chart or qi.run_chart, got {_kind(answer)}.")
    if _chart_name(answer) != _chart_name(chart):
        return _wrong("It is not the kind of chart the question asks for.")
    if len(data) != n_points:
        return _wrong(f"The chart has {len(data)} points; the data have {n_points}.")
    flags = [bool(v) for v in data["baseline"].tolist()] if "baseline" in data.columns else []
    if flags == [True] * baseline + [False] * (n_points - baseline):
        return _right("The later points are judged against the baseline.")
    if flags and all(flags):
        return _wrong(mistake="no_freeze")
    return _wrong(f"The baseline is {sum(flags)} points long; check where it ends (freeze=).")
