"""Judges of written answers with no single right form: an aim statement, a PDSA cycle, a ramp of cycles.

Each is a dict the learner fills in; the judge checks each part (words where words are needed,
numbers on the data's scale, a prediction with a number, a study that refers to it, a decision)
and gives partial credit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..answers import _close, _is_blank, _kind, _number, _parse_date, _text
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong

__all__: list[str] = []


def _judge_aim(answer: Any, *, baseline: float, improvement: str, after: str, proportion: bool = True) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets), got {_kind(answer)}.")
    if all(_is_blank(v) for v in answer.values()):
        return _unanswered()
    need = ("measure", "population", "baseline", "target", "by")
    missing = [k for k in need if k not in answer]
    if missing:
        return _wrong(f"The aim is missing: {', '.join(missing)}.")
    problems, mistake, ok = [], None, 0
    if len(_text(answer["measure"])) >= 5:
        ok += 1
    else:
        problems.append("'measure' should say in words what is measured.")
    if len(_text(answer["population"])) >= 3:
        ok += 1
    else:
        problems.append("'population' should say for whom (which patients, which ward).")
    try:
        base, target = _number(answer["baseline"], "a number"), _number(answer["target"], "a number")
    except _BadAnswer as exc:
        return _wrong(f"'baseline' and 'target' must be numbers: {exc}", score=ok / 5)
    if _close(base, baseline):
        ok += 1
    elif _close(base, baseline * 100):
        mistake = "percentage_not_proportion" if proportion else "wrong_scale"
        problems.append("'baseline' is not on the scale of the data.")
    else:
        problems.append("'baseline' should be the current level given in the question.")
    if proportion and target > 1:
        mistake = mistake or "percentage_not_proportion"
        problems.append("'target' is not on the scale of the data.")
    elif (target > baseline) if improvement == "increase" else (target < baseline):
        ok += 1
    else:
        mistake = mistake or "target_not_improvement"
        problems.append("'target' is not an improvement on the baseline.")
    try:
        by = _parse_date(answer["by"])
    except (TypeError, ValueError):
        problems.append("'by' should be a date written like '2026-03-31'.")
    else:
        if by > _parse_date(after):
            ok += 1
        else:
            mistake = mistake or "deadline_too_early"
            problems.append("'by' should be after the baseline ends.")
    if not problems:
        return _right("How much, by when, for whom: a measurable aim.")
    return _wrong(" ".join(problems), mistake=mistake, score=ok / 5)


_PDSA_FIELDS = ("change", "prediction", "measure", "study", "act")


def _judge_pdsa_cycle(answer: Any) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a dict (in curly brackets), got {_kind(answer)}.")
    if all(_is_blank(v) for v in answer.values()):
        return _unanswered()
    missing = [k for k in _PDSA_FIELDS if k not in answer]
    if missing:
        return _wrong(f"The cycle is missing: {', '.join(missing)}.")
    problems, mistake, ok = [], None, 0
    if len(_text(answer["change"])) >= 5:
        ok += 1
    else:
        problems.append("'change' should say what you will try.")
    prediction = _text(answer["prediction"])
    if len(prediction) >= 5 and any(ch.isdigit() for ch in prediction):
        ok += 1
    else:
        mistake = "no_prediction"
        problems.append("'prediction' should say what you expect, with a number you can check.")
    if len(_text(answer["measure"])) >= 5:
        ok += 1
    else:
        problems.append("'measure' should say what you will count.")
    study = _text(answer["study"]).lower()
    if len(study) >= 10 and any(w in study for w in ("predict", "expect", "hoped", "than we thought")):
        ok += 1
    else:
        mistake = mistake or "study_ignores_prediction"
        problems.append("'study' should compare what happened with the prediction.")
    if _text(answer["act"]).lower() in ("adopt", "adapt", "abandon"):
        ok += 1
    else:
        mistake = mistake or "act_not_decision"
        problems.append("'act' should be one decision.")
    if not problems:
        return _right("A prediction to learn from, a study against it, and a decision.")
    return _wrong(" ".join(problems), mistake=mistake, score=ok / 5)


def _judge_pdsa_ramp(answer: Any, *, final: int, ratio: float = 5.0) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if isinstance(answer, (str, Mapping)) or not isinstance(answer, Iterable):
        raise _BadAnswer(f"Expected a list of cycles (dicts), got {_kind(answer)}.")
    cycles = [c for c in answer if not _is_blank(c)]
    if not cycles:
        return _unanswered()
    if not all(isinstance(c, Mapping) and "scale" in c for c in cycles):
        raise _BadAnswer("Expected each cycle to be a dict with a 'scale' (how many patients or staff).")
    scales = [_number(c["scale"], "a number for 'scale'") for c in cycles]
    problems, mistake = [], None
    if len(cycles) < 3:
        problems.append("A ramp usually has at least 3 cycles.")
    if scales[0] > 5:
        mistake = "scale_jump"
        problems.append("The first cycle should be very small.")
    if any(b < a for a, b in zip(scales, scales[1:], strict=False)):
        problems.append("The scale should not shrink from one cycle to the next in this ramp.")
    if scales[-1] < final:
        problems.append("The ramp should end by testing at the full scale given in the question.")
    if problems:
        return _wrong(" ".join(problems), mistake=mistake)
    # "about five times a step" is a rule of thumb (Langley et al. 2009 scale tests by the degree of
    # belief, the cost of failure and readiness): a bigger step is advice, never a wrong answer.
    if any(b > a * ratio for a, b in zip(scales, scales[1:], strict=False)):
        return _right(
            f"Small first, then bigger. One step grows more than about {ratio:g} times: fine if your belief in "
            "the change is high, a failure would be cheap and people are ready; otherwise test in between."
        )
    return _right("Small, fast tests first, growing as confidence grows.")
