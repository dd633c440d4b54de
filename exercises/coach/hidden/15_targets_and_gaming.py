"""Hidden checks for exercise 15, Targets and gaming (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("15_targets_and_gaming", title="Targets and gaming", minutes=30)

IDEAS = {"stopped_telling": "goodhart", "bent_around": "campbell", "decision_unit": "gaming", "came_back": "balancing"}
BALANCING = {"four_hour": "a", "length_of_stay": "d", "falls": "c"}
CENTRES = {"before": 7, "after": 10}


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


@hidden.question("15.1")
def _(answers):
    return checks.judge("choices", answers["ideas"], _keys("15.1", IDEAS), qid="15.1")


@hidden.question("15.2")
def _(answers):
    return checks.judge("choice", answers["spike_reading"], checks.make_key("15.2", "c"), qid="15.2", options="abcd")


@hidden.question("15.3")
def _(answers):
    return checks.judge("choices", answers["balancing_for"], _keys("15.3", BALANCING), qid="15.3")


@hidden.question("15.4")
def _(answers):
    return checks.judge("choices", answers["centre_lines"], _keys("15.4", CENTRES), qid="15.4")


@hidden.question("15.5")
def _(answers):
    return checks.judge("ratio", answers["c_ratio"], 90, 75)


@hidden.question("15.6")
def _(answers):
    key = checks.make_key("15.6", "a")
    return checks.judge("choice", answers["fair_comparison"], key, qid="15.6", options="abcd")


@hidden.question("15.7")
def _(answers):
    return checks.judge("choice", answers["board_response"], checks.make_key("15.7", "d"), qid="15.7", options="abcd")
