"""Hidden checks for exercise 11, Baselines and limits (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("11_baselines_and_limits", title="Baselines and limits", minutes=40)

MONTHS = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(30)]


@hidden.question("11.1")
def _(answers):
    return checks.judge("baseline_chart", answers["cc"], chart="i", n_points=30, baseline=12)


@hidden.question("11.2")
def _(answers):
    return checks.judge("choice", answers["limits_are"], checks.make_key("11.2", "b"), qid="11.2", options="abcd")


@hidden.question("11.3")
def _(answers):
    return checks.judge("chart_options", answers["cc_excluded"], chart="i", n_points=30, baseline=12,
                        excluded=["2023-10"])  # fmt: skip


@hidden.question("11.4")
def _(answers):
    key = checks.make_key("11.4", "2024-07")
    return checks.judge("choice", answers["new_limits_from"], key, qid="11.4", options=MONTHS)


@hidden.question("11.5")
def _(answers):
    return checks.judge("chart_options", answers["cc_parts"], chart="i", n_points=30, excluded=["2023-10"],
                        parts_from=["2024-07"])  # fmt: skip (the learner's check cell uses the hashed key)


@hidden.question("11.6")
def _(answers):
    return checks.judge("choice", answers["seasonal"], checks.make_key("11.6", "a"), qid="11.6", options="abcd")


@hidden.question("11.7")
def _(answers):
    return checks.judge("choice", answers["frozen_limits"], checks.make_key("11.7", "c"), qid="11.7", options="abcd")
