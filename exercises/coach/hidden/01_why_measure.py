"""Hidden checks for exercise 1, Why measure? (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("01_why_measure", title="Why measure?", minutes=30)

PURPOSES = {
    "toileting_round": "improvement",
    "published_mortality": "judgement",
    "catheter_trial": "research",
    "sickness_rag": "judgement",
    "sepsis_pgd": "improvement",
    "ulcer_cohort": "research",
}


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


@hidden.question("1.1")
def _(answers):
    return checks.judge("choices", answers["purposes"], _keys("1.1", PURPOSES), qid="1.1")


@hidden.question("1.2")
def _(answers):
    return checks.judge("choice", answers["judgement_analysis"], checks.make_key("1.2", "c"), qid="1.2", options="abcd")


@hidden.question("1.3")
def _(answers):
    return checks.judge("choice", answers["why_red"], checks.make_key("1.3", "d"), qid="1.3", options="abcd")


@hidden.question("1.4")
def _(answers):
    return checks.judge("chart_settings", answers["cc_t13"], chart="i", n_points=48, rules="mdc",
                        y="within_4h_pct", improvement="increase", target=78)


@hidden.question("1.5")
def _(answers):
    icons = {"variation": "common_cause", "assurance": "hit_or_miss"}
    return checks.judge("choices", answers["t13_icons"], _keys("1.5", icons), qid="1.5")


@hidden.question("1.6")
def _(answers):
    met = {"T26": "pass", "T19": "fail", "T02": "hit_or_miss"}
    return checks.judge("choices", answers["will_meet_78"], _keys("1.6", met), qid="1.6")


@hidden.question("1.7")
def _(answers):
    return checks.judge("choice", answers["newsletter"], checks.make_key("1.7", "b"), qid="1.7", options="abcd")


@hidden.question("1.8")
def _(answers):
    return checks.judge("choice", answers["board_question"], checks.make_key("1.8", "a"), qid="1.8", options="abcd")
