"""Hidden checks for exercise 10, Rare events (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("10_rare_events", title="Rare events", minutes=25)


@hidden.question("10.1")
def _(answers):
    # fresh dates: unsorted, two on one day, across two year ends and 29 February
    fresh = ["2022-11-30", "2021-12-31", "2022-01-01", "2022-02-28", "2024-02-29", "2022-11-30", "2023-03-01"]
    return checks.judge("days_between", answers["days_between"], fresh)


@hidden.question("10.2")
def _(answers):
    return checks.judge("chart_type", answers["cc"], checks.make_key("10.2", "t"), qid="10.2")


@hidden.question("10.3")
def _(answers):
    return checks.judge("choice", answers["above_upper_limit"], checks.make_key("10.3", "b"), qid="10.3", options="abc")
