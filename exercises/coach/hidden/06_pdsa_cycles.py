"""Hidden checks for exercise 6, PDSA cycles (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("06_pdsa_cycles", title="PDSA cycles", minutes=30)

DRIVER_PARTS = {
    "recognised_at_triage": "primary",
    "red_flags_known": "secondary",
    "screening_card": "change",
    "seen_without_delay": "primary",
    "escalation_bleep": "change",
    "doctor_free_to_come": "secondary",
}
KEY_FEATURES = {
    "iterative_cycles": "missing",
    "data_over_time": "missing",
    "small_scale_testing": "missing",
    "theoretical_rationale": "present",
}


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


def _choice(answer, qid, right, options="abcd"):
    return checks.judge("choice", answer, checks.make_key(qid, right), qid=qid, options=options)


@hidden.question("6.1")
def _(answers):
    return checks.judge("choices", answers["driver_parts"], _keys("6.1", DRIVER_PARTS), qid="6.1")


@hidden.question("6.2")
def _(answers):
    return checks.judge("pdsa_cycle", answers["cycle_1"])


@hidden.question("6.3")
def _(answers):
    return _choice(answers["prediction"], "6.3", "d")


@hidden.question("6.4")
def _(answers):
    return checks.judge("pdsa_ramp", answers["ramp"], final=30)


@hidden.question("6.5")
def _(answers):
    return _choice(answers["next_step_size"], "6.5", "b")


@hidden.question("6.6")
def _(answers):
    return _choice(answers["decision"], "6.6", "adopt", options=("adopt", "adapt", "abandon"))


@hidden.question("6.7")
def _(answers):
    return _choice(answers["chart_during_tests"], "6.7", "c")


@hidden.question("6.8")
def _(answers):
    return checks.judge("choices", answers["key_features"], _keys("6.8", KEY_FEATURES), qid="6.8")
