"""Hidden checks for exercise 12, Over-dispersion (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("12_overdispersion", title="Over-dispersion", minutes=35)

MONTHS = [f"{2023 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}" for i in range(12)]
ATTENDANCES = [2010000, 1985000, 2120000, 2080000, 2150000, 2090000,
               2200000, 2170000, 2050000, 2110000, 1990000, 2060000]  # fmt: skip
WITHIN_4H = [1491420, 1451035, 1585760, 1501760, 1582400, 1569590,
             1603800, 1614480, 1471900, 1546630, 1486530, 1493500]  # fmt: skip


@hidden.question("12.1")
def _(answers):
    return checks.judge("outside_p_limits", answers["beyond_p"], MONTHS, WITHIN_4H, ATTENDANCES)


@hidden.question("12.2")
def _(answers):
    return checks.judge("choice", answers["how_dispersed"], checks.make_key("12.2", "d"), qid="12.2", options="abcd")


@hidden.question("12.3")
def _(answers):
    return checks.judge("choice", answers["first_step"], checks.make_key("12.3", "b"), qid="12.3", options="abcd")


@hidden.question("12.4")
def _(answers):
    return checks.judge("chart_type", answers["cc_laney"], checks.make_key("12.4", "pp"), qid="12.4", per=100)


@hidden.question("12.5")
def _(answers):
    return checks.judge("choice", answers["can_hide"], checks.make_key("12.5", "a"), qid="12.5", options="abcd")


@hidden.question("12.6", part="analyst")
def _(answers):
    return checks.judge("overdispersion", answers["sigma_z"], WITHIN_4H, ATTENDANCES)
