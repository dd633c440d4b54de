"""Check-cell functions of the Shewhart-chart exercises (7 to 12): ``checks.gaps_between("10.1", ...)``.

Each judges the answer with a judge of :mod:`qitools.checks.judges.shewhart` and prints the verdict
with its hints, like the functions of :mod:`qitools.checks.cells`; it returns None.
"""

from __future__ import annotations

from .judges import _JUDGES, judge
from .reporting import _check, _hint_pair, _report

__all__ = [
    "screened_xmr_limits",
    "p_limits_at",
    "outside_p_limits",
    "gaps_between",
    "cases_between",
    "subgroup_medians",
    "chart_options",
]


def screened_xmr_limits(qid, answer, data, *, hints=None) -> None:
    """Check (centre line, lower limit, upper limit) of an XmR chart with screened moving ranges.

    The moving ranges above 3.267 × their average are dropped once and the rest averaged again;
    the limits are the mean ± 2.66 × that (3/1.128 is accepted too), as ``qi.control_chart(...,
    chart="i")`` does by default (Provost & Murray 2011, p. 156).

    Parameters
    ----------
    qid : str
        The question number.
    answer : tuple or dict
        ``(cl, lcl, ucl)``, or a dict with those keys.
    data : sequence of float
        The question's values.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; unscreened limits are a named mistake.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> values = [14, 16, 13, 15, 17, 14, 15, 29, 16, 14, 13, 15]
    >>> checks.screened_xmr_limits("7.4", (15.92, 5.03, 26.80), values)  # doctest: +ELLIPSIS
    Not yet ✗ – question 7.4.
       Common mistake – limits from unscreened moving ranges: ...
    """
    _check("screened_xmr_limits", qid, answer, data, hints=hints)


def p_limits_at(qid, answer, events, n, *, point, hints=None) -> None:
    """Check the lower and upper p-chart limits of one point (1-based), as proportions.

    Parameters
    ----------
    qid : str
        The question number.
    answer : tuple or dict
        ``(lower, upper)``, or a dict with keys ``lcl`` and ``ucl``.
    events, n : sequence
        The question's events and denominators, one per point.
    point : int
        Which point (1 for the first).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: percentages, limits not cut at 0 and 1, the mean of
        the proportions as the centre, the point's own proportion, one n for every point.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.p_limits_at("8.2", (0.4048, 0.8619), [30, 45, 20], [50, 60, 40], point=3)
    Right ✓ – question 8.2. This point's own n sets how wide its limits are.
    """
    _check("p_limits_at", qid, answer, events, n, point=point, hints=hints)


def outside_p_limits(qid, answer, labels, events, n, *, hints=None) -> None:
    """Check the labels of the points beyond their p-chart limits (p̄ ± 3 standard errors, each point's own n).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The labels of the points beyond the limits (``[]`` for none).
    labels, events, n : sequence
        The question's labels (months), events and denominators.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.outside_p_limits("12.1", ["Jan", "Feb"], ["Jan", "Feb", "Mar"], [900, 800, 820], [1000, 1000, 1000])
    Right ✓ – question 12.1. With denominators this big, a p chart's limits are very narrow.
    """
    _check("outside_p_limits", qid, answer, labels, events, n, hints=hints)


def gaps_between(qid, answer, dates, *, hints=None) -> None:
    """Check a list of the days between events, worked out from dates given in any order.

    Parameters
    ----------
    qid : str
        The question number.
    answer : list of int
        The days from each event to the next, in date order (one fewer than the dates).
    dates : sequence
        The events' dates (text such as ``"2024-03-05"``, or dates).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: dates not sorted first, counting both ends, a gap
        for the first event.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.gaps_between("10.1", [36, 44], ["2023-02-14", "2023-01-09", "2023-03-30"])
    Right ✓ – question 10.1. One gap fewer than events, each the later date minus the earlier.
    """
    _check("gaps_between", qid, answer, dates, hints=hints)


def cases_between(qid, answer, event_cases, *, hints=None) -> None:
    """Check the numbers of cases between events (the g chart's data) from the events' case numbers.

    Parameters
    ----------
    qid : str
        The question number.
    answer : list of int
        The cases between each event and the next: the difference of their case numbers minus 1.
    event_cases : sequence of int
        The case numbers (1, 2, 3 ... in order of the cases) of the cases with the event.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; counting an event case as a case between is a named mistake.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.cases_between("10.4", [29, 7], [12, 41, 48])  # doctest: +ELLIPSIS
    Not yet ✗ – question 10.4.
       Common mistake – counting an event case as a case between: ...
    """
    _check("cases_between", qid, answer, event_cases, hints=hints)


def subgroup_medians(qid, answer, periods, values, *, hints=None) -> None:
    """Check a learner's function ``f(periods, values)`` that gives each period's median, in period order.

    It is tried on the question's data and on fresh tables whose rows are not in period order.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function.
    periods, values : sequence
        The question's data: one period (month) and one value per row.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: means instead of medians, periods out of order.

    Examples
    --------
    >>> import statistics
    >>> from qitools import checks
    >>> checks.reset()
    >>> def monthly_medians(months, values):
    ...     return [statistics.median([v for m, v in zip(months, values) if m == k]) for k in sorted(set(months))]
    >>> checks.subgroup_medians("9.5", monthly_medians, [1, 1, 2, 2, 2], [3, 5, 7, 8, 20])
    Right ✓ – question 9.5. One median per period, in time order, even when the rows are not.
    """
    _check("subgroup_medians", qid, answer, periods, values, hints=hints)


def chart_options(qid, answer, *, chart, n_points, baseline=None, excluded=(), parts_from=(), parts_keys=None,
                  hints=None) -> None:
    """Check a chart made with ``qi.control_chart`` and the settings a question gives.

    The check reads the result's per-point table: the kind of chart, the number of points, where
    the baseline ends (``freeze=``), which points are left out of the limits (``exclude=``) and where
    the parts begin (``part=``). The messages name the settings that differ, never their values.

    Parameters
    ----------
    qid : str
        The question number.
    answer : ControlChart
        The learner's chart.
    chart : str
        The kind of chart asked for.
    n_points : int
        The number of points of the question's data.
    baseline : int, optional
        The number of baseline points when the limits are frozen.
    excluded : sequence, optional
        The x labels that should be left out of the limits.
    parts_from : sequence, optional
        The x labels at which new parts should begin.
    parts_keys : sequence of str, optional
        Instead of ``parts_from``, when where the parts begin is the answer to a question:
        ``make_key(qid, label)`` of each label, so the check cell does not show it.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: no freeze, points left out without a reason, a new
        part at the wrong place.

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools import checks
    >>> checks.reset()
    >>> y = [5, 7, 6, 8, 4, 6, 7, 15, 6, 8, 3, 2, 3, 4]
    >>> cc = qi.control_chart(y=y, chart="i", freeze=10, exclude=[8])
    >>> checks.chart_options("11.4", cc, chart="i", n_points=14, baseline=10, excluded=[8])
    Right ✓ – question 11.4. Made with the settings the question asks for.
    >>> checks.chart_options("11.4", qi.control_chart(y=y, chart="i", freeze=10), chart="i", n_points=14,
    ...                      baseline=10, excluded=[8])
    Not yet ✗ – question 11.4. Check the points left out of the limits (exclude=).
       Hint 1 of 2: Use exactly the function and the arguments the question gives.
    """
    verdict = judge("chart_options", answer, chart=chart, n_points=n_points, baseline=baseline, excluded=excluded,
                    parts_from=parts_from, parts_keys=parts_keys, qid=str(qid))  # fmt: skip
    _report(str(qid), verdict, _hint_pair(hints, _JUDGES["chart_options"][1]))
