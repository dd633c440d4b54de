"""Hidden checks for exercise 14, Comparing units fairly (coach material: do not give to learners)."""

import random

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
    return checks.judge("outside_funnel", answers["outside_998"], TRUSTS, READMISSIONS, DISCHARGES, z=3.09)


@hidden.question("14.3")
def _(answers):
    key = checks.make_key("14.3", "d")
    return checks.judge("choice", answers["league_table_reading"], key, qid="14.3", options="abcd")


@hidden.question("14.4")
def _(answers):
    keys = {"beyond_chance": checks.make_key("14.4", 27, "beyond_chance"),
            "beyond_widened": checks.make_key("14.4", 0, "beyond_widened")}
    return checks.judge("choices", answers["dispersion"], keys, qid="14.4")


@hidden.question("14.5")
def _(answers):
    key = checks.make_key("14.5", "b")
    return checks.judge("choice", answers["overdispersion_reading"], key, qid="14.5", options="abcd")


@hidden.question("14.6", part="analyst")
def _(answers):
    verdict = checks.judge("funnel_limits", answers["funnel_limits"])
    if not verdict.right:
        return verdict
    # fresh units: the learner's function must give the same limits on other sizes and levels
    rng = random.Random(14)
    fn = answers["funnel_limits"]
    cases = [(round(rng.uniform(0.02, 0.5), 3), rng.randint(20, 20_000), rng.choice([1.96, 3.09])) for _ in range(5)]
    results = [fn(p0, n, z) for p0, n, z in cases]  # all the calls first: one round with the learner's process
    right = 0
    for (p0, n, z), result in zip(cases, results):
        half = z * (p0 * (1 - p0) / n) ** 0.5
        try:
            low, high = result
            right += abs(low - (p0 - half)) < 1e-9 and abs(high - (p0 + half)) < 1e-9
        except (TypeError, ValueError):
            pass  # not a (lower, upper) pair
    return right / len(cases)
