"""Hidden checks for exercise 9, PDSA cycles (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("09_pdsa_cycles", title="PDSA cycles", minutes=20)


@hidden.question("9.1")
def _(answers):
    return checks.judge("pdsa_cycle", answers["cycle_1"])


@hidden.question("9.2")
def _(answers):
    return checks.judge("pdsa_ramp", answers["ramp"], final=30)


@hidden.question("9.3")
def _(answers):
    options = ("adopt", "adapt", "abandon")
    return checks.judge("choice", answers["decision"], checks.make_key("9.3", "adopt"), qid="9.3", options=options)
