"""Hidden checks for exercise 2, Aims and measures (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("02_aims_and_measures", title="Aims and measures", minutes=35)

MEASURE_TYPES = {
    "deaths_within_30_days_of_sepsis": "outcome",
    "antibiotics_within_1_hour": "process",
    "screened_for_sepsis_at_triage": "process",
    "c_difficile_cases_in_the_trust": "balancing",
    "time_to_triage_for_other_patients": "balancing",
}
DEFINITION_PARTS = {
    "sample": "denominator",
    "recorded": "numerator",
    "short_stay": "excluded",
    "end_of_life": "excluded",
    "e_obs": "source",
}
FALLS = [9, 7, 11, 8, 6, 10, 0, 12, 8, 7, 10, 9]
BED_DAYS = [840, 868, 810, 899, 885, 845, 0, 812, 905, 890, 742, 868]


def _keys(qid, answers):
    return {item: checks.make_key(qid, value, item) for item, value in answers.items()}


def _choice(answer, qid, right):
    return checks.judge("choice", answer, checks.make_key(qid, right), qid=qid, options="abcd")


@hidden.question("2.1")
def _(answers):
    return checks.judge("choices", answers["measure_types"], _keys("2.1", MEASURE_TYPES), qid="2.1")


@hidden.question("2.2")
def _(answers):
    return checks.judge("aim", answers["my_aim"], baseline=0.62, improvement="increase", after="2025-03-31")


@hidden.question("2.3")
def _(answers):
    return checks.judge("choices", answers["definition_parts"], _keys("2.3", DEFINITION_PARTS), qid="2.3")


@hidden.question("2.4")
def _(answers):
    return _choice(answers["missing_from_definition"], "2.4", "a")


@hidden.question("2.5")
def _(answers):
    return checks.judge("rate", answers["march_rate"], [9], [868], per=1000, pooled=True)


@hidden.question("2.6")
def _(answers):
    return checks.judge("rate", answers["year_rate"], FALLS, BED_DAYS, per=1000, pooled=True)


@hidden.question("2.7")
def _(answers):
    return checks.judge("proportion", answers["sepsis_proportion"], 412, 530)


@hidden.question("2.8")
def _(answers):
    return checks.judge("chart_settings", answers["by_ward"], chart="run", n_points=288, y="falls",
                        n="occupied_bed_days", multiply=1000, facet="ward")


@hidden.question("2.9")
def _(answers):
    return _choice(answers["stratified_conclusion"], "2.9", "c")


@hidden.question("2.10")
def _(answers):
    return checks.judge("choice", answers["patients_for_half_width"], checks.make_key("2.10", 80), qid="2.10")


@hidden.question("2.11")
def _(answers):
    return _choice(answers["sampling_plan"], "2.11", "d")


@hidden.question("2.12", part="analyst")
def _(answers):
    # fresh months, including one without bed days and a large ward
    return checks.judge("rate", answers["falls_rate"], [3, 0, 14, 5, 21], [410, 1220, 990, 0, 2875], per=1000)
