"""Hidden checks for exercise 14, Comparing units fairly (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("14_comparing_units", title="Comparing units fairly", minutes=30)

TRUSTS = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M"]
DISCHARGES = [4200, 3100, 850, 2600, 5200, 1900, 620, 3800, 2900, 1500, 4600, 2300]
READMISSIONS = [520, 372, 121, 300, 720, 226, 90, 430, 306, 190, 470, 252]


@hidden.question("14.1")
def _(answers):
    return checks.judge("proportion", answers["overall"], READMISSIONS, DISCHARGES, pooled=True)


@hidden.question("14.2")
def _(answers):
    verdict = checks.judge("funnel_limits", answers["funnel_limits"])
    if not verdict.right:
        return verdict
    fn = answers["funnel_limits"]
    lower, upper = fn(0.07, 123, 2.58)  # a fresh case: 99% limits for a small unit
    half = 2.58 * (0.07 * 0.93 / 123) ** 0.5
    return abs(lower - (0.07 - half)) < 1e-9 and abs(upper - (0.07 + half)) < 1e-9


@hidden.question("14.3")
def _(answers):
    return checks.judge("outside_funnel", answers["outside_998"], TRUSTS, READMISSIONS, DISCHARGES, z=3.09)


@hidden.question("14.4")
def _(answers):
    key = checks.make_key("14.4", "b")
    return checks.judge("choice", answers["league_table_reading"], key, qid="14.4", options="abcd")
