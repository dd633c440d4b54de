"""Hidden checks for exercise 9, Measurement data (coach material: do not give to learners)."""

import qitools as qi
from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("09_measurement_data", title="Measurement data", minutes=35)

CHART_FOR = {"triage_report": "i", "stroke": "xbar", "ct_scans": "i", "sickness": "i", "clinic": "xbar"}
MONTHS = [f"2024-0{m}" for m in range(1, 7) for patient in range(5)]
MINUTES = [52, 71, 48, 95, 60, 66, 49, 58, 120, 54, 45, 61, 83, 50, 57,
           70, 47, 62, 55, 101, 59, 44, 76, 52, 63, 48, 90, 57, 65, 51]  # fmt: skip


def _xbar_signals_before_the_change():
    """The number the learner reads in 9.3, worked out here from the dataset with the chart engine."""
    ct = qi.datasets.load("ct_waits")
    before = ct[ct["month"] < qi.datasets.info("ct_waits")["facts"]["change_month"]]
    return int(qi.control_chart(before, x="month", y="wait_days", chart="xbar").summary.loc[0, "sigma_signals"])


@hidden.question("9.1")
def _(answers):
    keys = {item: checks.make_key("9.1", kind, item) for item, kind in CHART_FOR.items()}
    return checks.judge("choices", answers["chart_for"], keys, qid="9.1")


@hidden.question("9.2")
def _(answers):
    return checks.judge("chart_options", answers["cc"], chart="xbar", n_points=6)


@hidden.question("9.3")
def _(answers):
    key = checks.make_key("9.3", _xbar_signals_before_the_change())
    return checks.judge("choice", answers["n_beyond_xbar"], key, qid="9.3")


@hidden.question("9.4")
def _(answers):
    return checks.judge("chart_options", answers["ct_i"], chart="i", n_points=18)


@hidden.question("9.5")
def _(answers):
    return checks.judge("choice", answers["why_xbar"], checks.make_key("9.5", "d"), qid="9.5", options="abcd")


@hidden.question("9.6")
def _(answers):
    return checks.judge("choice", answers["reading"], checks.make_key("9.6", "b"), qid="9.6", options="abcd")


@hidden.question("9.7", part="analyst")
def _(answers):
    fn = answers["monthly_medians"]
    fresh = (["2023-11", "2023-12", "2023-11", "2024-01", "2023-12", "2024-01", "2024-01"], [5, 9, 7, 2, 11, 4, 30])
    return combine([checks.judge("subgroup_medians", fn, MONTHS, MINUTES), checks.judge("subgroup_medians", fn, *fresh)])
