"""Hidden checks for exercise 16, People and spread (coach material: do not give to learners).

Question 16.7 is a reflection the coach marks with the rubric in exercises/coach/README.md: its
check only records whether every part was written, and it carries no automatic points (points=0).
"""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("16_people_and_spread", title="People and spread", minutes=30)

GRID = {"medical_director": "manage_closely", "finance_director": "keep_satisfied",
        "survivors_group": "keep_informed", "switchboard": "monitor", "ed_nurses": "manage_closely"}
ROLES = {"chief_nurse": "sponsor", "ed_consultant": "clinical_leader", "analyst": "technical_expert",
         "ed_sister": "day_to_day_leader"}
LADDER = {"leaflet": "inform", "survey": "consult", "poster_test": "involve", "survivors_in_team": "co_produce"}
SUSTAIN = {"weakest_factor": "e", "weakest_group": "staff"}
SQUIRE = ["b", "d", "f", "a", "c", "e"]
REFLECTION_PARTS = ["stakeholders", "patients", "lasting_and_spreading"]


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


@hidden.question("16.1")
def _(answers):
    return checks.judge("choices", answers["grid"], _keys("16.1", GRID), qid="16.1")


@hidden.question("16.2")
def _(answers):
    return checks.judge("choices", answers["roles"], _keys("16.2", ROLES), qid="16.2")


@hidden.question("16.3")
def _(answers):
    return checks.judge("choices", answers["ladder"], _keys("16.3", LADDER), qid="16.3")


@hidden.question("16.4")
def _(answers):
    return checks.judge("choices", answers["sustainability"], _keys("16.4", SUSTAIN), qid="16.4")


@hidden.question("16.5")
def _(answers):
    return checks.judge("choice", answers["spread_plan"], checks.make_key("16.5", "a"), qid="16.5", options="abcd")


@hidden.question("16.6")
def _(answers):
    keys = checks.order_keys("16.6", SQUIRE)
    return checks.judge("order", answers["squire_order"], keys, question="16.6", options="abcdef")


@hidden.question("16.7", points=0)
def _(answers):
    """For the coach: written or not (no automatic points); the coach marks the content with the rubric."""
    return checks.judge("written", answers["reflection"], parts=REFLECTION_PARTS, min_words=25)
