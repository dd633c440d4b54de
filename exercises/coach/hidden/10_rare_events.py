"""Hidden checks for exercise 10, Rare events (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("10_rare_events", title="Rare events", minutes=35)

FIRST_FOUR = ["2023-02-14", "2023-01-09", "2023-03-30", "2023-05-02"]
INFECTED_OPERATIONS = [12, 40, 47, 95, 160, 171, 230]


@hidden.question("10.1")
def _(answers):
    return checks.judge("gaps_between", answers["first_gaps"], FIRST_FOUR)


@hidden.question("10.2")
def _(answers):
    return checks.judge("chart_type", answers["cc"], checks.make_key("10.2", "t"), qid="10.2")


@hidden.question("10.3")
def _(answers):
    return checks.judge("choice", answers["above_upper_limit"], checks.make_key("10.3", "d"), qid="10.3", options="abcd")


@hidden.question("10.4")
def _(answers):
    return checks.judge("cases_between", answers["between"], INFECTED_OPERATIONS)


@hidden.question("10.5")
def _(answers):
    return checks.judge("chart_type", answers["g_chart"], checks.make_key("10.5", "g"), qid="10.5")


@hidden.question("10.6")
def _(answers):
    return checks.judge("choice", answers["how_often"], checks.make_key("10.6", "c"), qid="10.6", options="abcd")


@hidden.question("10.7", part="analyst")
def _(answers):
    # fresh dates: unsorted, two on one day, across two year ends and 29 February
    fresh = ["2022-11-30", "2021-12-31", "2022-01-01", "2022-02-28", "2024-02-29", "2022-11-30", "2023-03-01"]
    return checks.judge("days_between", answers["days_between"], fresh)
