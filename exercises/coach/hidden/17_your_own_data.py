"""Hidden checks for exercise 17, Your own data (coach material: do not give to learners).

Question 17.6 is the written story, which the coach marks with the rubric of module 17 (and
exercises/coach/README.md): its check only records whether every part was written, and it carries
no automatic points (points=0).
"""

from qitools import checks
from qitools.grading.hidden import HiddenChecks

hidden = HiddenChecks("17_your_own_data", title="Your own data", minutes=45)

HARM = [3, 2, 5, 1, 4, 2, 6, 3, 2, 4, 3, 5, 2, 1, 3, 0, 2, 1, 2, 3, 1, 0, 2, 1]
STORY = ["aim", "measure", "change", "chart", "next"]


@hidden.question("17.1")
def _(answers):
    numeric = ["Falls", "Falls with harm", "Occupied bed days"]
    return checks.judge("tidy_table", answers["df"], rows=24, numeric=numeric, dates=["Month"])


@hidden.question("17.2")
def _(answers):
    return checks.judge("chart_type", answers["chart"], checks.make_key("17.2", "u"), qid="17.2")


@hidden.question("17.3")
def _(answers):
    cc = answers["cc"]
    verdict = checks.judge("chart_type", cc, checks.make_key("17.3", "u"), qid="17.3", per=1000)
    if not verdict.right:
        return verdict
    return len(cc.data) == 24  # all 24 months, no total row


@hidden.question("17.4")
def _(answers):
    keys = {
        "signal": checks.make_key("17.4", True, "signal"),
        "direction": checks.make_key("17.4", "fewer falls", "direction"),
    }
    return checks.judge("choices", answers["reading"], keys, qid="17.4")


@hidden.question("17.5")
def _(answers):
    return checks.judge("suppressed", answers["shareable"], {"Falls with harm": HARM})


@hidden.question("17.6", points=0)
def _(answers):
    """For the coach: written or not (no automatic points); the coach marks the story with the rubric."""
    return checks.judge("written", answers["story"], parts=STORY, min_words=10)
