"""Hidden checks for exercise 7, Understanding variation (coach material: do not give to learners)."""

import random

from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("07_variation", title="Understanding variation", minutes=40)

WEEKS = list(range(1, 21))
TRIAGE = [14, 16, 13, 15, 17, 14, 15, 29, 16, 14, 13, 15, 16, 14, 17, 15, 13, 16, 15, 14]
# Under the Anhøj rules with 20 useful points a run must be longer than round(log2(20)) + 3 = 7.
SIGNALS = {
    "week_8": "signal",
    "worse_than_last_week": "no signal",
    "seven_above": "no signal",
    "nine_above": "signal",
    "highest_this_year": "no signal",
}


def _fresh(seed, n=25):
    rng = random.Random(seed)
    return [round(rng.gauss(42.0, 6.0), 1) for _ in range(n)]


@hidden.question("7.1")
def _(answers):
    return checks.judge("moving_ranges", answers["first_moving_ranges"], TRIAGE[:6])


@hidden.question("7.2")
def _(answers):
    return checks.judge("xmr_limits", answers["xmr"], TRIAGE)


@hidden.question("7.3")
def _(answers):
    return checks.judge("points_outside", answers["outside"], WEEKS, TRIAGE)


@hidden.question("7.4")
def _(answers):
    return checks.judge("screened_xmr_limits", answers["screened"], TRIAGE)


@hidden.question("7.5")
def _(answers):
    return checks.judge("choice", answers["why_screen"], checks.make_key("7.5", "a"), qid="7.5", options="abcd")


@hidden.question("7.6")
def _(answers):
    keys = {item: checks.make_key("7.6", kind, item) for item, kind in SIGNALS.items()}
    return checks.judge("choices", answers["signals"], keys, qid="7.6")


@hidden.question("7.7", part="analyst")
def _(answers):
    return combine(checks.judge("moving_ranges", answers["moving_ranges"], _fresh(seed)) for seed in (1, 2))


@hidden.question("7.8", part="analyst")
def _(answers):
    return combine(checks.judge("xmr_limits", answers["xmr_limits"], _fresh(seed)) for seed in (3, 4))
