"""Hidden checks for exercise 5, Run-chart rules (coach material: do not give to learners)."""

import random

from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("05_run_chart_rules", title="Run-chart rules", minutes=30)


def _fresh_series(seed):
    """A series with repeated values, so some points fall exactly on the median."""
    rng = random.Random(seed)
    return [rng.choice([3.0, 4.0, 4.5, 5.0, 5.0, 6.0, 7.5]) for _ in range(rng.randint(15, 30))]


def _runs_score(kind, fn):
    """The learner's function on three fresh series (the first mistake named)."""
    return combine(checks.judge(kind, fn, _fresh_series(seed)) for seed in (11, 12, 13))


@hidden.question("5.1")
def _(answers):
    return _runs_score("longest_run", answers["longest_run"])


@hidden.question("5.2")
def _(answers):
    return _runs_score("crossings", answers["n_crossings"])


@hidden.question("5.3")
def _(answers):
    return checks.judge("longest_run_max", answers["longest_run_max"])


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
    return checks.judge("choice", answers["why_trend_is_weak"], checks.make_key("5.5", "b"), qid="5.5", options="abcd")
