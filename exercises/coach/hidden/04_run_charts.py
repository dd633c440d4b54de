"""Hidden checks for exercise 4, Run charts (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("04_run_charts", title="Run charts", minutes=30)

FALLS_RATE = [
    7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5,
    6.1, 5.4, 6.6, 5.2, 5.9, 6.3, 4.8, 5.7, 6.0, 5.1, 6.4, 5.5,
]  # fmt: skip


@hidden.question("4.1")
def _(answers):
    return checks.judge("median", answers["baseline_median"], FALLS_RATE, baseline=12)


@hidden.question("4.2")
def _(answers):
    return checks.judge("useful_points", answers["n_useful"], FALLS_RATE[:12])


@hidden.question("4.3")
def _(answers):
    return checks.judge("baseline_chart", answers["rc"], chart="run", n_points=24, baseline=12)


@hidden.question("4.4")
def _(answers):
    return checks.judge("run_chart_drawing", answers["ax"], FALLS_RATE, baseline=12, at=13)


@hidden.question("4.5")
def _(answers):
    keys = {"longest_run": checks.make_key("4.5", 12, "longest_run"),
            "runs_signal": checks.make_key("4.5", True, "runs_signal")}  # fmt: skip
    return checks.judge("choices", answers["runs_reading"], keys, qid="4.5")


@hidden.question("4.6")
def _(answers):
    return checks.judge("chart_settings", answers["rc2"], chart="run", n_points=24, part=[13])


@hidden.question("4.7")
def _(answers):
    return checks.judge("median", answers["new_median"], FALLS_RATE[12:])


@hidden.question("4.8")
def _(answers):
    return checks.judge("choice", answers["what_to_say"], checks.make_key("4.8", "b"), qid="4.8", options="abcd")


@hidden.question("4.9", part="analyst")
def _(answers):
    return checks.judge("run_chart_drawing", answers["ax2"], FALLS_RATE, baseline=12, at=13)
