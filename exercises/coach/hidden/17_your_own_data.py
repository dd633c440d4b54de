"""Hidden checks for exercise 17, Your own data (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("17_your_own_data", title="Your own data", minutes=30)


@hidden.question("17.1")
def _(answers):
    return checks.judge("tidy_table", answers["df"], rows=24, numeric=["Falls", "Occupied bed days"], dates=["Month"])


@hidden.question("17.2")
def _(answers):
    return checks.judge("chart_type", answers["chart"], checks.make_key("17.2", "u"), qid="17.2")


@hidden.question("17.3")
def _(answers):
    cc = answers["cc"]
    verdict = checks.judge("chart_type", cc, checks.make_key("17.3", "u"), qid="17.3", per=1000)
    if not verdict.right:
        return verdict
    return len(cc.data) == 24  # all 24 months, no total row


@hidden.question("17.4")
def _(answers):
    keys = {
        "signal": checks.make_key("17.4", True, "signal"),
        "direction": checks.make_key("17.4", "fewer falls", "direction"),
    }
    return checks.judge("choices", answers["reading"], keys, qid="17.4")
