"""The judges: pure functions ``answer + data -> Verdict``, one per kind of question, by topic.

======================  ===========================================================================
file                    kinds
======================  ===========================================================================
measures.py             proportion, rate
run_charts.py           median, useful_points, longest_run, crossings, longest_run_max,
                        run_chart_drawing, baseline_chart
variation.py            moving_ranges, xmr_limits, points_outside
attribute_charts.py     p_limits, overdispersion, days_between
aims_and_pdsa.py        aim, pdsa_cycle, pdsa_ramp
boards_and_funnels.py   assurance, funnel_limits, outside_funnel
own_data.py             tidy_table
choices.py              choice, choices, chart_type (and make_key, the hashed keys)
targets_and_people.py   order (and order_keys), ratio, suppressed, written (answers the coach marks)
foundation.py           vital_few, chart_settings
shewhart.py             screened_xmr_limits, p_limits_at, outside_p_limits, gaps_between,
                        cases_between, subgroup_medians, chart_options (modules 7-12)
======================  ===========================================================================

A judge never prints and keeps no state. It gets the learner's answer (a value, a table, a chart
result or a function) and the question's data, works the expected value out itself, and returns a
:class:`~qitools.checks.Verdict`. The same judges run in the learner's kernel (behind the check
cells) and in the coach's grading process (behind the hidden checks), through :func:`judge`.

To add a kind of question: a ``_judge_<kind>`` function in the file of its topic, an entry in
``_JUDGES`` below (the judge and its two hints: the nudge, then the pointer), and a check function
in :mod:`qitools.checks.cells`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..verdict import Verdict, _BadAnswer, _wrong
from .aims_and_pdsa import _judge_aim, _judge_pdsa_cycle, _judge_pdsa_ramp
from .attribute_charts import _judge_days_between, _judge_overdispersion, _judge_p_limits
from .boards_and_funnels import _judge_assurance, _judge_funnel_limits, _judge_outside_funnel
from .choices import _judge_chart_type, _judge_choice, _judge_choices
from .foundation import _judge_chart_settings, _judge_vital_few
from .measures import _judge_proportion, _judge_rate
from .own_data import _judge_tidy_table
from .run_charts import (
    _judge_baseline_chart,
    _judge_longest_run_max,
    _judge_median,
    _judge_run_chart_drawing,
    _judge_runs,
)
from .targets_and_people import _judge_order, _judge_ratio, _judge_suppressed, _judge_written
from .shewhart import JUDGES as _SHEWHART_JUDGES
from .variation import _judge_moving_ranges, _judge_points_outside, _judge_xmr_limits

__all__ = ["judge"]


_JUDGES: dict[str, tuple[Callable[..., Verdict], tuple[str, str]]] = {
    "median": (_judge_median, (
        "Sort the values from smallest to largest and find the middle one.",
        "Use only the baseline months, and statistics.median (or numpy.median) to check yourself.",
    )),
    "proportion": (_judge_proportion, (
        "A proportion is the number with the event divided by the number of patients.",
        "Check the scale (0 to 1 or 0 to 100) and which number goes on top.",
    )),
    "rate": (_judge_rate, (
        "A rate is events divided by the exposure (bed days), times the 'per' number.",
        "Work one month out by hand, then compare with your code.",
    )),
    "useful_points": (lambda a, d, c=None: _judge_runs("useful_points", a, d, c), (
        "Count the points that are above or below the centre line.",
        "Look closely at points exactly equal to the centre line.",
    )),
    "longest_run": (lambda a, d, c=None: _judge_runs("longest_run", a, d, c), (
        "Walk along the points, counting how many in a row fall on the same side.",
        "Skip points exactly on the centre line: they neither break nor extend a run.",
    )),
    "crossings": (lambda a, d, c=None: _judge_runs("crossings", a, d, c), (
        "Count how many times the line goes from one side of the centre line to the other.",
        "Drop the points exactly on the centre line first, then count the changes of side.",
    )),
    "longest_run_max": (_judge_longest_run_max, (
        "The limit is the logarithm of n to base 2, rounded to a whole number, plus 3.",
        "Try n = 12 by hand: log2(12) is about 3.58.",
    )),
    "run_chart_drawing": (_judge_run_chart_drawing, (
        "A run chart has the points in time order, a median line, and the change marked.",
        "Use ax.plot for the points, ax.axhline for the median, ax.annotate for the change.",
    )),
    "baseline_chart": (_judge_baseline_chart, (
        "Limits and centre line should come from the baseline only.",
        "Use freeze= with the x value of the last baseline point.",
    )),
    "moving_ranges": (_judge_moving_ranges, (
        "A moving range is the size of the jump from each point to the next.",
        "For [3, 5, 4] the jumps are 2 and 1.",
    )),
    "xmr_limits": (_judge_xmr_limits, (
        "The centre line is the mean; the limits are 2.66 average moving ranges either side of it.",
        "Work out the moving ranges first, then their mean, then the limits.",
    )),
    "points_outside": (_judge_points_outside, (
        "Compare each point with the lower and upper limits.",
        "Only points strictly above the upper or below the lower limit count; list their labels.",
    )),
    "p_limits": (_judge_p_limits, (
        "p̄ ± 3 × sqrt(p̄(1 − p̄)/n), with n the point's own denominator.",
        "p̄ is total events / total patients; cut the limits at 0 and 1.",
    )),
    "days_between": (_judge_days_between, (
        "Turn the text into dates, then subtract each date from the next one.",
        "Sort the dates first; (later - earlier).days gives a whole number of days.",
    )),
    "overdispersion": (_judge_overdispersion, (
        "Work out each month's z-score against p̄, then treat the z-scores like an XmR chart.",
        "Sigma-z = the average moving range of the z-scores divided by 1.128.",
    )),
    "aim": (_judge_aim, (
        "A good aim says how much, by when, and for whom.",
        "Check each part: words for the measure and population, numbers on the data's scale, a future date.",
    )),
    "pdsa_cycle": (_judge_pdsa_cycle, (
        "Plan (with a prediction), Do, Study (against the prediction), Act (a decision).",
        "Put a number in the prediction, mention it in the study, and use adopt, adapt or abandon.",
    )),
    "pdsa_ramp": (_judge_pdsa_ramp, (
        "Start tiny, then grow each cycle.",
        "Make the first test very small, never shrink, and end at the full scale the question gives.",
    )),
    "assurance": (_judge_assurance, (
        "Where does the target lie: beyond both limits, between them, or beyond the wrong one?",
        "For 'higher is better', the target is sure to be met when it is at or below the lower limit.",
    )),
    "funnel_limits": (_judge_funnel_limits, (
        "The limits are p0 ± z × the standard error for a unit of size n.",
        "Standard error = sqrt(p0 × (1 − p0) / n).",
    )),
    "outside_funnel": (_judge_outside_funnel, (
        "Work out each unit's limits from the overall proportion and its own size.",
        "Use z = 3.09 for the 99.8% limits, and list the units beyond them.",
    )),
    "tidy_table": (_judge_tidy_table, (
        "Look at df.dtypes and the last rows of the table (df.tail()).",
        "qi.read_measure reads messy exports and lists every change it made.",
    )),
    "choice": (_judge_choice, (
        "Re-read the options and think about which one the module argues for.",
        "Go back to the section of the module on this topic and re-read it.",
    )),
    "choices": (_judge_choices, (
        "Not all are right yet: re-read the definitions above.",
        "Go through the items one at a time against the definitions.",
    )),
    "order": (_judge_order, (
        "Which comes first? Put that one first in your list, then ask the same of the rest.",
        "Go back to the module's list of the parts, in order, and compare yours with it item by item.",
    )),
    "ratio": (_judge_ratio, (
        "Divide the total observed by the total expected.",
        "Add up each column first, then divide once: observed on top.",
    )),
    "suppressed": (_judge_suppressed, (
        "Which counts could identify a patient? Those are the ones to hide before sharing.",
        "qi.suppress_small_counts(table, [the count columns]) shows counts from 1 to 4 as '<5'.",
    )),
    "written": (_judge_written, (
        "Write your own words in the quotes, replacing the ... of every part.",
        "A few sentences for each part: what, why and what next.",
    )),
    "chart_type": (_judge_chart_type, (
        "What kind of data is it: classification (yes/no), counts, or measurements?",
        "For counts, ask: is the area of opportunity the same every time?",
    )),
    "vital_few": (_judge_vital_few, (
        "Sort the categories from the largest count down and add up their percentages as you go.",
        "Stop at the first category that takes the running total (cumulative %) to the cut or past it.",
    )),
    "chart_settings": (_judge_chart_settings, (
        "Use exactly the function and the arguments the question gives.",
        "Compare each argument of your call with the question: the data, chart=, and each setting.",
    )),
}  # fmt: skip
_JUDGES.update(_SHEWHART_JUDGES)  # modules 7-12: screened limits, one point's p limits, gaps, chart options


def judge(kind: str, answer: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Judge an answer without printing: the verdict behind each check (for hidden checks).

    Parameters
    ----------
    kind : str
        The check's name: ``"median"``, ``"rate"``, ``"longest_run"``, ``"choice"``, ... (the
        check functions of :mod:`qitools.checks`).
    answer : object
        The learner's answer (a value, a table, a chart result, a function).
    *args, **kwargs
        The data and options, as for the public check of the same name (``qid=`` for the
        multiple-choice kinds).

    Returns
    -------
    Verdict
        ``status`` ("right", "wrong", "unanswered"), ``score`` (0 to 1), ``mistake``, ``detail``.
        An answer of the wrong type is ``"wrong"`` with a detail saying what was expected; an
        exception raised by a learner's function is reported the same way.

    Raises
    ------
    KeyError
        ``kind`` is not the name of a check.

    Examples
    --------
    >>> from qitools import checks
    >>> v = checks.judge("median", 8.23, [8.1, 9.2, 7.0, 8.6, 8.25])
    >>> v.status, v.mistake
    ('wrong', 'mean_not_median')
    >>> checks.judge("longest_run", lambda values, centre: 0, [1, 2, 3], 2).score
    0.0
    """
    fn = _JUDGES[kind][0]
    try:
        return fn(answer, *args, **kwargs)
    except _BadAnswer as exc:
        return _wrong(str(exc))
