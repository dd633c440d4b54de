"""Hidden checks for exercise 11, Chart savvy (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("11_baselines_and_limits", title="Chart savvy", minutes=30)

ATTENDANCES = [2010000, 1985000, 2120000, 2080000, 2150000, 2090000,
               2200000, 2170000, 2050000, 2110000, 1990000, 2060000]  # fmt: skip
WITHIN_4H = [1491420, 1451035, 1585760, 1501760, 1582400, 1569590,
             1603800, 1614480, 1471900, 1546630, 1486530, 1493500]  # fmt: skip
MONTHS = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(30)]


@hidden.question("11.1")
def _(answers):
    return checks.judge("baseline_chart", answers["cc"], chart="i", n_points=30, baseline=12)


@hidden.question("11.2")
def _(answers):
    key = checks.make_key("11.2", "2024-07")
    return checks.judge("choice", answers["new_limits_from"], key, qid="11.2", options=MONTHS)


@hidden.question("11.3")
def _(answers):
    return checks.judge("overdispersion", answers["sigma_z"], WITHIN_4H, ATTENDANCES)


@hidden.question("11.4")
def _(answers):
    return checks.judge("choice", answers["what_sigma_z_means"], checks.make_key("11.4", "a"), qid="11.4", options="abcd")
