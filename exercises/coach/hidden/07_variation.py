"""Hidden checks for exercise 7, Understanding variation (coach material: do not give to learners)."""

import random

from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("07_variation", title="Understanding variation", minutes=30)

WEEKS = list(range(1, 21))
TRIAGE = [14, 16, 13, 15, 17, 14, 15, 29, 16, 14, 13, 15, 16, 14, 17, 15, 13, 16, 15, 14]
CAUSES = {
    "week_8": "special",
    "worse_than_last_week": "common",
    "seven_above_mean": "special",
    "highest_this_year": "common",
}


def _fresh(seed, n=25):
    rng = random.Random(seed)
    return [round(rng.gauss(42.0, 6.0), 1) for _ in range(n)]


@hidden.question("7.1")
def _(answers):
    return combine(checks.judge("moving_ranges", answers["moving_ranges"], _fresh(seed)) for seed in (1, 2))


@hidden.question("7.2")
def _(answers):
    return combine(checks.judge("xmr_limits", answers["xmr_limits"], _fresh(seed)) for seed in (3, 4))


@hidden.question("7.3")
def _(answers):
    return checks.judge("points_outside", answers["outside"], WEEKS, TRIAGE)


@hidden.question("7.4")
def _(answers):
    keys = {item: checks.make_key("7.4", kind, item) for item, kind in CAUSES.items()}
    return checks.judge("choices", answers["causes"], keys, qid="7.4")
