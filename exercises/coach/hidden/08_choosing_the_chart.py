"""Hidden checks for exercise 8, Choosing the chart (coach material: do not give to learners)."""

from qitools import checks
from qitools.grading.hidden import HiddenChecks, combine

hidden = HiddenChecks("08_choosing_the_chart", title="Choosing the chart", minutes=35)

# The Health Care Data Guide: g for cases (opportunities) between events, t for time between events.
CHART_FOR = {"screened": "p", "falls": "u", "cdiff": ("c", "u"), "audit": ("np", "p"), "ssi_between": "g",
             "never_events": "t"}  # fmt: skip
SCREENED = [41, 52, 38, 60, 47, 55, 30, 58, 49, 44, 61, 39]
ARRIVED = [60, 71, 55, 80, 66, 72, 44, 79, 70, 62, 83, 57]


@hidden.question("8.1")
def _(answers):
    keys = {
        item: [checks.make_key("8.1", c, item) for c in (kind if isinstance(kind, tuple) else (kind,))]
        for item, kind in CHART_FOR.items()
    }
    return checks.judge("choices", answers["chart_for"], keys, qid="8.1")


@hidden.question("8.2")
def _(answers):
    return checks.judge("p_limits_at", answers["month_7"], SCREENED, ARRIVED, point=7)


@hidden.question("8.3")
def _(answers):
    return checks.judge("choice", answers["why_limits_vary"], checks.make_key("8.3", "c"), qid="8.3", options="abcd")


@hidden.question("8.4")
def _(answers):
    return checks.judge("chart_type", answers["cc"], checks.make_key("8.4", "u"), qid="8.4", per=1000)


@hidden.question("8.5", part="analyst")
def _(answers):
    # fresh data: a small unit (limits clipped at 0) and a big one
    fn = answers["p_limits"]
    small = checks.judge("p_limits", fn, [1, 0, 3, 2, 1, 4], [9, 12, 20, 15, 6, 25])
    big = checks.judge("p_limits", fn, [310, 295, 402, 350], [1200, 1100, 1500, 1320])
    return combine([small, big])
