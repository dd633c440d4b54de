"""Hidden checks for exercise 6, PDSA cycles (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("06_pdsa_cycles", title="PDSA cycles", minutes=20)


@hidden.question("6.1")
def _(answers):
    return checks.judge("pdsa_cycle", answers["cycle_1"])


@hidden.question("6.2")
def _(answers):
    return checks.judge("pdsa_ramp", answers["ramp"], final=30)


@hidden.question("6.3")
def _(answers):
    options = ("adopt", "adapt", "abandon")
    return checks.judge("choice", answers["decision"], checks.make_key("6.3", "adopt"), qid="6.3", options=options)
