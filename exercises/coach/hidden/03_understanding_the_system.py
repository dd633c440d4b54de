"""Hidden checks for exercise 3, Understanding the system (coach material: do not give to learners)."""

import qitools as qi
from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("03_understanding_the_system", title="Understanding the system", minutes=30)

#: the weekend's late discharges (the question's data)
WEEKEND = {
    "Waiting for medicines to take home": 6,
    "Waiting for transport": 2,
    "Waiting for social care": 4,
    "Waiting for a senior review": 16,
    "Waiting for test results": 1,
    "Other": 1,
}
FISHBONE = {
    "locums": "Staff",
    "one_prescriber": "Staff",
    "no_first_dose_rule": "Methods",
    "screening_after_triage": "Methods",
    "paper_tool": "Equipment",
    "cannula_packs": "Equipment",
    "far_cupboard": "Environment",
    "crowded_corridor": "Environment",
    "atypical_signs": "Patients",
    "cannot_give_history": "Patients",
}
STEPS = ["Triage nurse screens for sepsis", "Screen positive?", "Wait for a doctor to review",
         "Doctor prescribes antibiotics", "Fetch antibiotics from the cupboard", "Nurse gives the first dose"]  # fmt: skip


def _choice(answer, qid, right, options="abcd"):
    return checks.judge("choice", answer, checks.make_key(qid, right), qid=qid, options=options)


@hidden.question("3.1")
def _(answers):
    sites = qi.datasets.load("pressure_ulcer_dates")["site"]
    return checks.judge("vital_few", answers["vital_sites"], sites, [1] * len(sites))


@hidden.question("3.2")
def _(answers):
    return checks.judge("vital_few", answers["weekend_vital_few"], list(WEEKEND), list(WEEKEND.values()))


@hidden.question("3.3")
def _(answers):
    return _choice(answers["stratified"], "3.3", "d")


@hidden.question("3.4")
def _(answers):
    keys = {cause: checks.make_key("3.4", bone, cause) for cause, bone in FISHBONE.items()}
    return checks.judge("choices", answers["fishbone"], keys, qid="3.4")


@hidden.question("3.5")
def _(answers):
    return _choice(answers["longest_delay"], "3.5", "Wait for a doctor to review", options=STEPS)


@hidden.question("3.6")
def _(answers):
    return _choice(answers["change_idea"], "3.6", "a")


@hidden.question("3.7")
def _(answers):
    return _choice(answers["fifth_why"], "3.7", "b")


@hidden.question("3.8", part="analyst")
def _(answers):
    # the question's data, then fresh cases (in the judge), one reaching the cut exactly
    return checks.judge("vital_few", answers["vital_few"], list(WEEKEND), list(WEEKEND.values()))
