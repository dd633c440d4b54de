"""Hidden checks for exercise 13, Making Data Count for boards (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("13_making_data_count", title="Making Data Count for boards", minutes=30)

ICONS = {"variation": "improvement_high", "assurance_78": "hit_or_miss", "assurance_95": "fail"}
ASSURANCE = {"falls": "pass", "sepsis": "hit_or_miss", "cancer": "fail", "infections": "fail"}
GREY_ICON = {"beyond_limits": 4, "meaning": "d"}


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


@hidden.question("13.1")
def _(answers):
    return checks.judge("choices", answers["icons"], _keys("13.1", ICONS), qid="13.1")


@hidden.question("13.2")
def _(answers):
    return checks.judge("choices", answers["assurance_of"], _keys("13.2", ASSURANCE), qid="13.2")


@hidden.question("13.3")
def _(answers):
    return checks.judge("choices", answers["grey_icon"], _keys("13.3", GREY_ICON), qid="13.3")


@hidden.question("13.4")
def _(answers):
    return checks.judge("choice", answers["long_chart"], checks.make_key("13.4", "a"), qid="13.4", options="abcd")


@hidden.question("13.5")
def _(answers):
    return checks.judge("choice", answers["board_narrative"], checks.make_key("13.5", "c"), qid="13.5", options="abcd")


@hidden.question("13.6", part="analyst")
def _(answers):
    verdict = checks.judge("assurance", answers["assurance"])
    if not verdict.right:
        return verdict
    # fresh cases: fractions of a percent either side of the limits, both directions
    fn = answers["assurance"]
    cases = [
        ((0.901, 0.95, 0.9, "increase"), "pass"),
        ((0.901, 0.95, 0.9502, "increase"), "fail"),
        ((120.0, 180.0, 180.0, "decrease"), "pass"),
        ((120.0, 180.0, 119.9, "decrease"), "fail"),
        ((120.0, 180.0, 121.0, "decrease"), "hit_or_miss"),
    ]
    right = sum(1 for args, want in cases if fn(*args) == want)
    return right / len(cases)
