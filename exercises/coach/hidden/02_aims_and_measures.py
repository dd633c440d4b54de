"""Hidden checks for exercise 2, Aims and measures (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("02_aims_and_measures", title="Aims and measures", minutes=25)

MEASURE_TYPES = {
    "deaths_within_30_days_of_sepsis": "outcome",
    "antibiotics_within_1_hour": "process",
    "screened_for_sepsis_at_triage": "process",
    "c_difficile_cases_in_the_trust": "balancing",
    "time_to_triage_for_other_patients": "balancing",
}
FALLS = [9, 7, 11, 8, 6, 10, 0, 12, 8, 7, 10, 9]
BED_DAYS = [840, 868, 810, 899, 885, 845, 0, 812, 905, 890, 742, 868]


@hidden.question("2.1")
def _(answers):
    keys = {item: checks.make_key("2.1", kind, item) for item, kind in MEASURE_TYPES.items()}
    return checks.judge("choices", answers["measure_types"], keys, qid="2.1")


@hidden.question("2.2")
def _(answers):
    return checks.judge("aim", answers["my_aim"], baseline=0.62, improvement="increase", after="2025-03-31")


@hidden.question("2.3")
def _(answers):
    # fresh months, including one without bed days and a large ward
    return checks.judge("rate", answers["falls_rate"], [3, 0, 14, 5, 21], [410, 1220, 990, 0, 2875], per=1000)


@hidden.question("2.4")
def _(answers):
    return checks.judge("rate", answers["year_rate"], FALLS, BED_DAYS, per=1000, pooled=True)


@hidden.question("2.5")
def _(answers):
    return checks.judge("proportion", answers["sepsis_proportion"], 412, 530)
