"""Hidden checks for exercise 5, Run-chart rules (coach material: do not give to learners)."""

import random
import statistics

from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("05_run_chart_rules", title="Run-chart rules", minutes=30)

SEPSIS = [0.61, 0.58, 0.66, 0.60, 0.55, 0.57, 0.61, 0.64, 0.67, 0.70, 0.59, 0.63,
          0.61, 0.65, 0.58, 0.62, 0.66, 0.60, 0.63, 0.57, 0.64, 0.61, 0.59, 0.65]  # fmt: skip
CENTRE = statistics.median(SEPSIS)


def _fresh_series(seed):
    """A series with repeated values, so some points fall exactly on the median."""
    rng = random.Random(seed)
    return [rng.choice([3.0, 4.0, 4.5, 5.0, 5.0, 6.0, 7.5]) for _ in range(rng.randint(15, 30))]


def _runs_score(kind, fn):
    """The learner's function on three fresh series (the first mistake named)."""
    return combine(checks.judge(kind, fn, _fresh_series(seed)) for seed in (11, 12, 13))


def _choice(answer, qid, right):
    return checks.judge("choice", answer, checks.make_key(qid, right), qid=qid, options="abcd")


@hidden.question("5.1")
def _(answers):
    return checks.judge("longest_run", answers["longest"], SEPSIS, CENTRE)


@hidden.question("5.2")
def _(answers):
    return checks.judge("crossings", answers["crossings"], SEPSIS, CENTRE)


@hidden.question("5.3")
def _(answers):
    return checks.judge("choice", answers["longest_run_limit"], checks.make_key("5.3", 9), qid="5.3")


@hidden.question("5.4")
def _(answers):
    keys = {
        "ihi_shift": checks.make_key("5.4", False, "ihi_shift"),
        "ihi_trend": checks.make_key("5.4", True, "ihi_trend"),
        "anhoej": checks.make_key("5.4", False, "anhoej"),
    }
    return checks.judge("choices", answers["signals"], keys, qid="5.4")


@hidden.question("5.5")
def _(answers):
    return _choice(answers["why_trend_is_weak"], "5.5", "c")


@hidden.question("5.6")
def _(answers):
    return _choice(answers["long_chart"], "5.6", "a")


@hidden.question("5.7", part="analyst")
def _(answers):
    return _runs_score("longest_run", answers["longest_run"])


@hidden.question("5.8", part="analyst")
def _(answers):
    return _runs_score("crossings", answers["n_crossings"])
