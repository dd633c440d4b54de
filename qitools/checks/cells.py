"""The check functions called in the exercises' check cells: ``checks.median("3.1", answer, data)``.

One per kind of question. Each judges the answer (:mod:`qitools.checks.judges`) and prints the
verdict with its hints (:mod:`qitools.checks.reporting`); it returns None. Their docstrings are
the reference for exercise authors: parameters, the mistakes recognised, examples.
"""

from __future__ import annotations

from .reporting import _check

__all__ = [
    "choice",
    "choices",
    "chart_type",
    "median",
    "proportion",
    "rate",
    "useful_points",
    "longest_run",
    "crossings",
    "longest_run_max",
    "run_chart_drawing",
    "baseline_chart",
    "moving_ranges",
    "xmr_limits",
    "points_outside",
    "p_limits",
    "days_between",
    "overdispersion",
    "aim",
    "pdsa_cycle",
    "pdsa_ramp",
    "assurance",
    "funnel_limits",
    "outside_funnel",
    "tidy_table",
    "vital_few",
    "chart_settings",
    "order",
    "ratio",
    "suppressed",
    "written",
]


def choice(qid, answer, key, *, options=None, mistakes=None, hints=None) -> None:
    """Check a multiple-choice answer against its key (a hash from :func:`make_key`).

    Parameters
    ----------
    qid : str
        The question number.
    answer : str, number or bool
        The learner's choice.
    key : str or list of str
        ``make_key(qid, right_answer)``; several keys if several answers are right.
    options : sequence, optional
        The allowed answers; anything else is reported as "choose one of ...".
    mistakes : dict, optional
        ``{make_key(qid, wrong_answer): mistake_name}`` for wrong answers that show a common
        mistake (names from :data:`MISTAKES`).
    hints : str or (str, str), optional
        The nudge and the pointer (default: re-read the options; re-read the section).

    Returns
    -------
    None
        Prints the verdict.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> key = checks.make_key("4.5", "b")
    >>> checks.choice("4.5", "a", key, options="abc", hints=("Think about chance.", "See section 3."))
    Not yet ✗ – question 4.5.
       Hint 1 of 2: Think about chance.
    >>> checks.choice("4.5", "B", key, options="abc")
    Right ✓ – question 4.5.
    """
    _check("choice", qid, answer, key, options=options, mistakes=mistakes, hints=hints)


def choices(qid, answer, keys, *, mistakes=None, hints=None) -> None:
    """Check a dict of answers (classify each item), with credit for each item right.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        item -> the learner's answer for it (the notebook gives the items; the learner fills in
        the values).
    keys : dict
        item -> ``make_key(qid, right_answer, item)``.
    mistakes : dict, optional
        ``{make_key(qid, wrong_answer, item): mistake_name}``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict: how many items are right; from the second wrong try on, which items
        to look at again.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> keys = {"deaths": checks.make_key("2.1", "outcome", "deaths"),
    ...         "c_diff": checks.make_key("2.1", "balancing", "c_diff")}
    >>> checks.choices("2.1", {"deaths": "outcome", "c_diff": "outcome"}, keys)
    Not yet ✗ – question 2.1. 1 of 2 are right.
       Hint 1 of 2: Not all are right yet: re-read the definitions above.
    """
    _check("choices", qid, answer, keys, mistakes=mistakes, hints=hints)


def chart_type(qid, answer, key, *, mistakes=None, per=None, hints=None) -> None:
    """Check the choice of chart: a chart name (``"u"``) or a chart result (its ``.chart``).

    Parameters
    ----------
    qid : str
        The question number.
    answer : str or ControlChart
        A chart name (aliases such as ``"xmr"`` are understood) or the result of
        ``qi.control_chart``.
    key : str or list of str
        ``make_key(qid, right_chart_name)``.
    mistakes : dict, optional
        ``{make_key(qid, wrong_chart_name): mistake_name}``, e.g. a c chart for counts with
        varying exposure: ``"counts_varying_exposure"``.
    per : float, optional
        For a chart result: the expected ``multiply=`` (1000 for per 1,000 bed days).
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
    >>> key = checks.make_key("6.3", "u")
    >>> checks.chart_type("6.3", "c", key, mistakes={checks.make_key("6.3", "c"): "counts_varying_exposure"})
    ... # doctest: +ELLIPSIS
    Not yet ✗ – question 6.3.
       Common mistake – the wrong chart for counts with varying exposure: ...
       Hint 1 of 2: What kind of data is it: classification (yes/no), counts, or measurements?
    """
    _check("chart_type", qid, answer, key, mistakes=mistakes, per=per, hints=hints)


def median(qid, answer, data, *, baseline=None, hints=None) -> None:
    """Check a median (the centre line of a run chart).

    Recognises the mean instead of the median, the middle month instead of the middle value,
    all points instead of the baseline, and a percentage for a proportion.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number
        The learner's median. Rounded answers (3 or more significant figures) are accepted.
    data : sequence of numbers
        The values.
    baseline : int, optional
        The median is of the first ``baseline`` values only.
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
    >>> checks.median("3.1", 8.23, [8.1, 9.2, 7.0, 8.6, 8.25])  # doctest: +ELLIPSIS
    Not yet ✗ – question 3.1.
       Common mistake – the mean instead of the median: A run chart's centre line is the median: ...
       Hint 1 of 2: Sort the values from smallest to largest and find the middle one.
    """
    _check("median", qid, answer, data, baseline=baseline, hints=hints)


def proportion(qid, answer, events, total, *, percent=False, pooled=False, hints=None) -> None:
    """Check a proportion (or percentage): one value, one per point, or pooled over points.

    Recognises a percentage where a proportion is needed (and the reverse), the division the
    wrong way up, the complement, and the mean of the proportions instead of the pooled one.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number or sequence
        The learner's proportion(s).
    events, total : number or sequence
        Numerator(s) and denominator(s).
    percent : bool, default False
        The question asks for a percentage (0 to 100).
    pooled : bool, default False
        ``events`` and ``total`` are sequences and the answer is one overall proportion
        (sum of events / sum of totals).
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
    >>> checks.proportion("2.5", 77.7, 412, 530)  # doctest: +ELLIPSIS
    Not yet ✗ – question 2.5.
       Common mistake – a percentage where a proportion is needed: ...
       Hint 1 of 2: A proportion is the number with the event divided by the number of patients.
    """
    _check("proportion", qid, answer, events, total, percent=percent, pooled=pooled, hints=hints)


def rate(qid, answer, events, exposure, *, per=1000, pooled=False, hints=None) -> None:
    """Check a rate per ``per`` units of exposure (falls per 1,000 bed days): values or a function.

    A function ``f(events, exposure)`` is called on each month's numbers and on a month with
    0 bed days, where it must return ``float("nan")``. Recognises a missing multiplier, the
    wrong one, the division upside down, the mean of monthly rates instead of the pooled rate,
    and a function that fails on a zero denominator.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number, sequence or callable
        One pooled rate (``pooled=True``), one rate per month, or a function of one month.
    events, exposure : sequence of numbers
        Events and exposure per month.
    per : float, default 1000
        The multiplier.
    pooled : bool, default False
        The answer is the rate over all months together.
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
    >>> checks.rate("2.3", lambda falls, bed_days: falls / bed_days * 1000, [5, 3], [620, 580])
    ... # doctest: +ELLIPSIS
    Not yet ✗ – question 2.3. It works for ordinary months.
       Common mistake – no answer for a zero denominator: ...
       Hint 1 of 2: A rate is events divided by the exposure (bed days), times the 'per' number.
    """
    _check("rate", qid, answer, events, exposure, per=per, pooled=pooled, hints=hints)


def useful_points(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the number of useful observations (points not on the centre line).

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The count, or a function ``f(values, centre)``.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
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
    >>> checks.useful_points("3.2", 5, [1, 3, 5, 3, 2], 3)  # doctest: +ELLIPSIS
    Not yet ✗ – question 3.2.
       Common mistake – counting points on the median: Points exactly on the median ...
       Hint 1 of 2: Count the points that are above or below the centre line.
    """
    _check("useful_points", qid, answer, data, centre, hints=hints)


def longest_run(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the longest run on one side of the centre line (a value or a function).

    A function ``f(values, centre)`` is also tried on short series with points on the centre
    line; counting those points (as breaking or extending a run) is named as a mistake.

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The longest run, or a function ``f(values, centre)`` returning it.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    Notes
    -----
    Points on the centre line are skipped (Anhøj & Olesen 2014; Perla, Provost & Murray 2011).

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited. PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.longest_run("4.1", 4, [5, 6, 4, 4, 6, 7, 3], 4)
    Right ✓ – question 4.1.
    """
    _check("longest_run", qid, answer, data, centre, hints=hints)


def crossings(qid, answer, data, centre=None, *, hints=None) -> None:
    """Check the number of times the series crosses the centre line (a value or a function).

    Parameters
    ----------
    qid : str
        The question number.
    answer : int or callable
        The number of crossings, or a function ``f(values, centre)``.
    data : sequence of numbers
        The values.
    centre : number, optional
        The centre line; by default the median of ``data``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Counting runs (one more than crossings) and counting a touch of the
        median as a crossing are named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.crossings("4.2", 3, [5, 6, 3, 2, 6], 4)  # doctest: +ELLIPSIS
    Not yet ✗ – question 4.2.
       Common mistake – counting runs instead of crossings: ...
       Hint 1 of 2: Count how many times the line goes from one side of the centre line to the other.
    """
    _check("crossings", qid, answer, data, centre, hints=hints)


def longest_run_max(qid, answer, *, hints=None) -> None:
    """Check a function ``f(n)`` giving Anhøj's longest-run limit, round(log2(n)) + 3.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function, tried for n = 10 to 100.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; truncating instead of rounding, and the wrong logarithm, are named.

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited. PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> import math
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.longest_run_max("4.3", lambda n: int(math.log2(n)) + 3)  # doctest: +ELLIPSIS
    Not yet ✗ – question 4.3. 50 of 91 values of n (10 to 100) are right.
       Common mistake – cutting off the decimals instead of rounding: ...
       Hint 1 of 2: The limit is the logarithm of n to base 2, rounded to a whole number, plus 3.
    """
    _check("longest_run_max", qid, answer, hints=hints)


def run_chart_drawing(qid, answer, data, *, baseline=None, annotations=1, at=None, hints=None) -> None:
    """Check a run chart drawn with matplotlib: the points in time order, the median, the change marked.

    Looks at the Axes' artists, not pixels: a line whose y values are the data in order, a
    horizontal line at the (baseline) median, and at least ``annotations`` texts.

    Parameters
    ----------
    qid : str
        The question number.
    answer : matplotlib.axes.Axes
        The Axes the learner drew on.
    data : sequence of numbers
        The values, in time order.
    baseline : int, optional
        The median is of the first ``baseline`` values.
    annotations : int, default 1
        How many annotations (``ax.annotate``/``ax.text``) are expected at least.
    at : float, optional
        The x value where the change started: one of the texts (or the point an annotation's
        arrow points at) must be there, within half a step. Works for charts drawn with
        matplotlib and for ``cc.plot(annotations=...)``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict (the mean line and the all-points median are named mistakes).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from qitools import checks
    >>> checks.reset()
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3, 4], [5.0, 7.0, 6.0, 8.0], marker="o")
    >>> _ = ax.axhline(6.5)
    >>> _ = ax.annotate("new bundle", (3, 6.0))
    >>> checks.run_chart_drawing("3.3", ax, [5.0, 7.0, 6.0, 8.0], at=3)
    Right ✓ – question 3.3. Points in time order, the baseline median, and the change marked.
    >>> checks.run_chart_drawing("3.3", ax, [5.0, 7.0, 6.0, 8.0], at=2)
    Not yet ✗ – question 3.3. No note is written at the point where the change started: put the annotation there.
       Hint 1 of 2: A run chart has the points in time order, a median line, and the change marked.
    """
    _check("run_chart_drawing", qid, answer, data, baseline=baseline, annotations=annotations, at=at, hints=hints)


def baseline_chart(qid, answer, *, chart, n_points, baseline, hints=None) -> None:
    """Check a chart result whose centre line (and limits) come from a baseline of the first points.

    Parameters
    ----------
    qid : str
        The question number.
    answer : ControlChart
        The result of ``qi.run_chart``/``qi.control_chart``.
    chart : str
        The expected chart type (``"run"``, ``"i"``, ...).
    n_points : int
        The number of points charted.
    baseline : int
        The number of baseline points (``data["baseline"]`` is True for exactly these).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; limits from every point (no ``freeze=``) is a named mistake.

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools import checks
    >>> checks.reset()
    >>> rc = qi.run_chart(y=[5, 7, 6, 8, 5, 6, 9, 4, 3, 4, 3, 2], freeze=6)
    >>> checks.baseline_chart("3.4", rc, chart="run", n_points=12, baseline=6)
    Right ✓ – question 3.4. The later points are judged against the baseline.
    """
    _check("baseline_chart", qid, answer, chart=chart, n_points=n_points, baseline=baseline, hints=hints)


def moving_ranges(qid, answer, data, *, hints=None) -> None:
    """Check moving ranges |x[i] − x[i−1]| (a list or a function ``f(values)``).

    Parameters
    ----------
    qid : str
        The question number.
    answer : sequence or callable
        The moving ranges, or a function returning them.
    data : sequence of numbers
        The values.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; signed differences and a moving range for the first point are
        named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.moving_ranges("5.1", lambda v: [b - a for a, b in zip(v, v[1:], strict=False)], [3, 5, 4])
    ... # doctest: +ELLIPSIS
    Not yet ✗ – question 5.1.
       Common mistake – moving ranges with a sign: ...
       Hint 1 of 2: A moving range is the size of the jump from each point to the next.
    """
    _check("moving_ranges", qid, answer, data, hints=hints)


def xmr_limits(qid, answer, data, *, hints=None) -> None:
    """Check XmR (I chart) limits: mean ± 2.66 × the average moving range, as ``(cl, lcl, ucl)``.

    Parameters
    ----------
    qid : str
        The question number.
    answer : tuple, dict or callable
        ``(cl, lcl, ucl)``, ``{"cl":, "lcl":, "ucl":}``, or a function ``f(values)`` returning
        one of these.
    data : sequence of numbers
        The values.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. The standard deviation instead of moving ranges, 3 × MR̄ and the
        median as centre line are named mistakes.

    Notes
    -----
    :math:`\\bar{x} \\pm 2.66\\,\\overline{MR}`, 2.66 = 3/d2(2) (Making Data Count; Wheeler).
    3/1.128 and 3·√π/2 are accepted too (0.2% of the half-width).

    References
    ----------
    NHS England. Making Data Count (2019). Wheeler DJ. Understanding Variation (1993).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.xmr_limits("5.2", (10.0, 3.35, 16.65), [8, 12, 9, 11, 10])
    Right ✓ – question 5.2. Mean ± 2.66 × the average moving range.
    """
    _check("xmr_limits", qid, answer, data, hints=hints)


def points_outside(qid, answer, labels, values, *, limits=None, hints=None) -> None:
    """Check the list of points strictly beyond the control limits (by their labels).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The labels (x values) of the points beyond a limit.
    labels, values : sequence
        The points' labels and values.
    limits : (lcl, ucl), optional
        Numbers or per-point sequences. By default XmR limits (mean ± 2.66 MR̄) of ``values``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; points exactly on a limit and positions instead of labels are named.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.points_outside("5.3", ["w4"], ["w1", "w2", "w3", "w4"], [5, 6, 5, 9], limits=(4, 8))
    Right ✓ – question 5.3.
    """
    _check("points_outside", qid, answer, labels, values, limits=limits, hints=hints)


def p_limits(qid, answer, events, n, *, hints=None) -> None:
    """Check p-chart limits per point: p̄ ± 3 √(p̄(1 − p̄)/nᵢ), cut at 0 and 1.

    Parameters
    ----------
    qid : str
        The question number.
    answer : (list, list), dict or callable
        ``(lcl_list, ucl_list)`` as proportions, ``{"lcl": [...], "ucl": [...]}``, or a function
        ``f(events, n)`` returning one of these.
    events, n : sequence of numbers
        Events and denominators per point.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Constant limits, percentages and unclipped limits are named.

    Notes
    -----
    p̄ = Σ events / Σ n (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> def limits(events, n):
    ...     p = sum(events) / sum(n)
    ...     half = [3 * (p * (1 - p) / m) ** 0.5 for m in n]
    ...     return [max(p - h, 0) for h in half], [min(p + h, 1) for h in half]
    >>> checks.p_limits("6.2", limits, [10, 14, 9], [100, 120, 80])
    Right ✓ – question 6.2. Limits are wider where there are fewer patients.
    """
    _check("p_limits", qid, answer, events, n, hints=hints)


def days_between(qid, answer, dates, *, hints=None) -> None:
    """Check a function ``f(dates)`` returning the days between consecutive events.

    The function gets a list of dates as text (``"2024-03-05"``) and is also tried on dates out
    of order, two events on the same day, the turn of a year and 29 February.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function.
    dates : sequence
        The event dates of the question.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; unsorted dates, counting both ends and a gap for the first event
        are named mistakes.

    Examples
    --------
    >>> import datetime as dt
    >>> from qitools import checks
    >>> checks.reset()
    >>> def gaps(dates):
    ...     d = sorted(dt.date.fromisoformat(x) for x in dates)
    ...     return [(b - a).days for a, b in zip(d, d[1:], strict=False)]
    >>> checks.days_between("7.1", gaps, ["2024-01-02", "2024-01-09"])  # doctest: +ELLIPSIS
    Right ✓ – question 7.1. It copes with unsorted dates, ...
    """
    _check("days_between", qid, answer, dates, hints=hints)


def overdispersion(qid, answer, events, n, *, hints=None) -> None:
    """Check Laney's sigma-z: the average moving range of the p-chart z-scores / 1.128.

    Parameters
    ----------
    qid : str
        The question number.
    answer : number
        The learner's sigma-z (relative tolerance 0.1%).
    events, n : sequence of numbers
        Events and denominators per point.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the standard deviation of z and a missing division by 1.128 are
        named.

    Notes
    -----
    :math:`z_i = (p_i - \\bar p)/\\sqrt{\\bar p(1-\\bar p)/n_i}`,
    :math:`\\sigma_z = \\overline{|z_i - z_{i-1}|}/1.128` (Laney 2002).

    References
    ----------
    Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531-537.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.overdispersion("8.3", 1.0, [10, 30, 12, 28], [100, 100, 100, 100])  # doctest: +ELLIPSIS
    Not yet ✗ – question 8.3.
       Hint 1 of 2: Work out each month's z-score against p̄, then treat the z-scores like an XmR chart.
    """
    _check("overdispersion", qid, answer, events, n, hints=hints)


def aim(qid, answer, *, baseline, improvement, after, proportion=True, hints=None) -> None:
    """Check an aim statement written as a dict: measure, population, baseline, target, by.

    There is no single right aim: the check asks for words for the measure and the population,
    the baseline given in the question, a target that improves on it on the same scale, and a
    date after the baseline period.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        ``{"measure": str, "population": str, "baseline": number, "target": number, "by": "YYYY-MM-DD"}``.
    baseline : number
        The current level given in the question.
    improvement : {"increase", "decrease"}
        Which direction is better.
    after : str
        The end of the baseline period ("YYYY-MM-DD"); ``by`` must be later.
    proportion : bool, default True
        The measure is a proportion (0 to 1).
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
    >>> my_aim = {"measure": "antibiotics within 1 hour", "population": "adults with sepsis in ED",
    ...           "baseline": 0.62, "target": 90, "by": "2026-03-31"}
    >>> checks.aim("2.2", my_aim, baseline=0.62, improvement="increase", after="2025-03-31")
    ... # doctest: +ELLIPSIS
    Not yet ✗ – question 2.2. 'target' is not on the scale of the data.
       Common mistake – a percentage where a proportion is needed: ...
       Hint 1 of 2: A good aim says how much, by when, and for whom.
    """
    _check("aim", qid, answer, baseline=baseline, improvement=improvement, after=after, proportion=proportion,
           hints=hints)  # fmt: skip


def pdsa_cycle(qid, answer, *, hints=None) -> None:
    """Check a PDSA cycle written as a dict: change, prediction, measure, study, act.

    Parameters
    ----------
    qid : str
        The question number.
    answer : dict
        A prediction with a number in it, a study that refers to the prediction, and an act of
        ``"adopt"``, ``"adapt"`` or ``"abandon"``.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    References
    ----------
    Langley GJ et al. (2009). *The Improvement Guide*, 2nd ed. Jossey-Bass.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> cycle = {"change": "sepsis screening tool at triage", "prediction": "4 of 5 screened",
    ...          "measure": "patients screened within 15 minutes",
    ...          "study": "3 of 5, fewer than we predicted", "act": "adapt"}
    >>> checks.pdsa_cycle("9.1", cycle)
    Right ✓ – question 9.1. A prediction to learn from, a study against it, and a decision.
    """
    _check("pdsa_cycle", qid, answer, hints=hints)


def pdsa_ramp(qid, answer, *, final, ratio=5, hints=None) -> None:
    """Check a ramp of PDSA cycles: a tiny first test, growing (never shrinking) to the full scale.

    Growing by more than ``ratio`` times in one step is not wrong: "about five times a step" is a
    rule of thumb (Langley et al. 2009 size each test by the degree of belief in the change, the
    cost of failure and people's readiness), so such a ramp is right, with a note of advice.

    Parameters
    ----------
    qid : str
        The question number.
    answer : list of dict
        One dict per cycle with a ``"scale"`` (patients, staff or shifts tested on).
    final : int
        The full scale the ramp should reach.
    ratio : float, default 5
        The step above which the note advises a cycle in between.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; a first test that is not small is a named mistake.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.pdsa_ramp("6.2", [{"scale": 20}, {"scale": 25}, {"scale": 30}], final=30)  # doctest: +ELLIPSIS
    Not yet ✗ – question 6.2. The first cycle should be very small.
       Common mistake – starting too big: ...
       Hint 1 of 2: Start tiny, then grow each cycle.
    >>> checks.pdsa_ramp("6.2", [{"scale": 1}, {"scale": 5}, {"scale": 30}], final=30)  # doctest: +ELLIPSIS
    Right ✓ – question 6.2. Small first, then bigger. One step grows more than about 5 times: ...
    """
    _check("pdsa_ramp", qid, answer, final=final, ratio=ratio, hints=hints)


def assurance(qid, answer, *, hints=None) -> None:
    """Check a function ``f(lcl, ucl, target, improvement)`` giving the Making Data Count assurance.

    It must return ``"pass"`` (the target is met reliably), ``"fail"`` (it will not be met
    without a change) or ``"hit_or_miss"``; it is tried on eight cases in both directions,
    including a target exactly on a limit.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the reversed direction is a named mistake.

    Notes
    -----
    Higher is better: pass if target ≤ LCL, fail if target > UCL; lower is better: pass if
    target ≥ UCL, fail if target < LCL (as NHSRplotthedots and ``qi.control_chart``'s icons).

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> def icon(lcl, ucl, target, improvement):
    ...     if improvement == "decrease":
    ...         lcl, ucl, target = -ucl, -lcl, -target
    ...     return "pass" if target <= lcl else "fail" if target > ucl else "hit_or_miss"
    >>> checks.assurance("10.1", icon)
    Right ✓ – question 10.1. Including a target exactly on a limit.
    """
    _check("assurance", qid, answer, hints=hints)


def funnel_limits(qid, answer, *, hints=None) -> None:
    """Check a function ``f(p0, n, z)`` returning funnel-plot limits ``(lower, upper)`` for a proportion.

    Parameters
    ----------
    qid : str
        The question number.
    answer : callable
        The learner's function: p0 ± z √(p0(1 − p0)/n).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance.
    Statistics in Medicine 24(8): 1185-1202.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.funnel_limits("11.2", lambda p0, n, z: (p0 - z * (p0 * (1 - p0) / n) ** 0.5,
    ...                                               p0 + z * (p0 * (1 - p0) / n) ** 0.5))
    Right ✓ – question 11.2. Narrower limits for bigger units: the funnel.
    """
    _check("funnel_limits", qid, answer, hints=hints)


def outside_funnel(qid, answer, units, events, n, *, z=3.09, hints=None) -> None:
    """Check the list of units outside the funnel limits (normal approximation around the pooled p0).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The names of the units outside the limits.
    units, events, n : sequence
        Unit names, events and denominators.
    z : float, default 3.09
        3.09 for the 99.8% limits, 1.96 for 95%.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; the 95% limits, a unit's own value for its limits and picking by
        rank are named mistakes.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.outside_funnel("11.3", ["C"], ["A", "B", "C"], [70, 60, 120], [1000, 1000, 1000])
    Right ✓ – question 11.3. Only these are further from the overall value than chance allows for their size.
    """
    _check("outside_funnel", qid, answer, units, events, n, z=z, hints=hints)


def tidy_table(qid, answer, *, rows, numeric=(), dates=(), hints=None) -> None:
    """Check a table read from a messy export: row count, numbers as numbers, dates as dates.

    Parameters
    ----------
    qid : str
        The question number.
    answer : pandas.DataFrame
        The learner's table.
    rows : int
        The number of data rows (months) in the export.
    numeric, dates : sequence of str
        Columns that must be numeric, and datetime.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict; a total row left in and numbers read as text are named mistakes.

    Examples
    --------
    >>> import pandas as pd
    >>> from qitools import checks
    >>> checks.reset()
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "falls": ["3", "1,204"]})
    >>> checks.tidy_table("12.1", df, rows=2, numeric=["falls"], dates=["month"])  # doctest: +ELLIPSIS
    Not yet ✗ – question 12.1. Not numbers: falls.
       Common mistake – numbers stored as text: ...
       Hint 1 of 2: Look at df.dtypes and the last rows of the table (df.tail()).
    """
    _check("tidy_table", qid, answer, rows=rows, numeric=numeric, dates=dates, hints=hints)


def vital_few(qid, answer, categories, counts, *, cut=80, hints=None) -> None:
    """Check the "vital few" of a Pareto analysis: the largest categories whose share reaches the cut.

    The check sorts the categories from the largest total down (rows of the same category are
    added; ties by name) and takes the smallest set of largest categories whose running share
    reaches ``cut`` per cent, as :func:`qitools.pareto_table` does; the order of the learner's list
    and the case of the names do not matter.

    Parameters
    ----------
    qid : str
        The question number.
    answer : list of str, or function
        The learner's vital few: category names; or a function ``f(counts, cut)`` taking a dict
        ``{category: count}`` and the cut, returning the vital few (tried on the question's data
        and on fresh cases, one of which reaches the cut exactly).
    categories, counts : sequence
        The question's data: one category and its count per row (a category may repeat).
    cut : float, default 80
        The share of the total, in per cent, that the vital few reach.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: stopping before the cut, going past it, and
        categories that are not the largest.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> cats, counts = ["Toilet", "Bed", "Chair", "Corridor", "Bath"], [40, 30, 15, 10, 5]
    >>> checks.vital_few("3.1", ["Toilet", "Bed"], cats, counts)  # doctest: +ELLIPSIS
    Not yet ✗ – question 3.1. These are the largest 2, but their share does not reach 80% yet.
       Common mistake – stopping before the cut: ...
       Hint 1 of 2: Sort the categories from the largest count down and add up their percentages as you go.
    >>> checks.vital_few("3.1", ["bed", "toilet", "chair"], cats, counts)
    Right ✓ – question 3.1. The few categories that account for most of the problem: start there.
    """
    _check("vital_few", qid, answer, categories, counts, cut=cut, hints=hints)


def chart_settings(qid, answer, *, chart, n_points=None, keys=None, hints=None, **settings) -> None:
    """Check a chart made with ``qi.run_chart`` or ``qi.control_chart`` and the arguments a question gives.

    For the clinician core: the question gives the call, the learner fills in the arguments, and
    the check reads the result: its kind of chart, its number of points (rows of ``result.data``),
    and each setting named here (``target``, ``improvement``, ``rules``, ``freeze``, ``part``,
    ``exclude``, ``multiply``, ``x``, ``y``, ``n``, ``facet``) as stored in ``result.params``.

    Parameters
    ----------
    qid : str
        The question number.
    answer : ControlChart
        The learner's chart result.
    chart : str
        The kind of chart asked for (``"run"``, ``"i"``, ``"p"`` ...).
    n_points : int, optional
        The number of points the data give.
    keys : dict, optional
        Settings the learner has to work out, as hashed keys: ``{name: make_key(qid, value, name)}``,
        so that the check cell does not show them.
    hints : str or (str, str), optional
        The nudge and the pointer.
    **settings
        Settings the question gives, such as ``rules="mdc"``.

    Returns
    -------
    None
        Prints the verdict, naming the settings that differ (never their values).

    Examples
    --------
    >>> import qitools as qi
    >>> from qitools import checks
    >>> checks.reset()
    >>> rc = qi.run_chart(y=[5, 7, 6, 8, 4, 6, 7, 5, 6, 8, 3, 2, 3], freeze=10)
    >>> checks.chart_settings("4.3", rc, chart="run", n_points=13, freeze=10)
    Right ✓ – question 4.3. Made with the settings the question asks for.
    >>> checks.chart_settings("4.3", rc, chart="run", n_points=13, freeze=12)
    Not yet ✗ – question 4.3. Check the end of the baseline (freeze=).
       Hint 1 of 2: Use exactly the function and the arguments the question gives.
    >>> checks.chart_settings("4.3", rc, chart="run", keys={"freeze": checks.make_key("4.3", 10, "freeze")})
    Right ✓ – question 4.3. Made with the settings the question asks for.
    """
    _check("chart_settings", qid, answer, chart=chart, n_points=n_points, keys=keys, hints=hints, **settings)


def order(qid, answer, keys, *, options=None, hints=None) -> None:
    """Check a list put in order (the sections of a report, the steps of a method).

    Parameters
    ----------
    qid : str
        The question number.
    answer : list
        The learner's items (letters or names), first to last.
    keys : list of str
        One key per position: :func:`order_keys` of the right order.
    options : sequence, optional
        The allowed items; anything else is reported.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict: how many items are in the right place (never which order is right). A
        list in exactly the reverse order is a named mistake.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> keys = checks.order_keys("16.6", ["b", "c", "a"])
    >>> checks.order("16.6", ["b", "a", "c"], keys, options="abc")
    Not yet ✗ – question 16.6. 1 of 3 are in the right place.
       Hint 1 of 2: Which comes first? Put that one first in your list, then ask the same of the rest.
    >>> checks.order("16.6", ["B", "c", "a"], keys, options="abc")
    Right ✓ – question 16.6.
    """
    _check("order", qid, answer, keys, question=str(qid), options=options, hints=hints)


def ratio(qid, answer, numerator, denominator, *, hints=None) -> None:
    """Check a ratio of two totals, such as observed / expected deaths (a standardised ratio).

    Parameters
    ----------
    qid : str
        The question number.
    answer : float
        The learner's ratio (typed rounded answers are accepted).
    numerator, denominator : number or list of numbers
        The observed and expected counts (lists are added up first).
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Mistakes recognised: the division the wrong way up, a percentage.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.ratio("15.5", 0.8, [30, 50], [40, 60])
    Right ✓ – question 15.5. Above 1: more than expected for these patients; below 1: fewer.
    >>> checks.ratio("15.5", 1.25, [30, 50], [40, 60])  # doctest: +ELLIPSIS
    Not yet ✗ – question 15.5.
       Common mistake – the division the wrong way up: ...
       Hint 1 of 2: Divide the total observed by the total expected.
    """
    _check("ratio", qid, answer, numerator, denominator, hints=hints)


def suppressed(qid, answer, original, *, threshold=5, hints=None) -> None:
    """Check a table made safe to share: counts from 1 to ``threshold - 1`` hidden, every other count kept.

    Parameters
    ----------
    qid : str
        The question number.
    answer : pandas.DataFrame
        The learner's table (as :func:`qitools.suppress_small_counts` returns it: small counts
        replaced by text such as ``"<5"``).
    original : dict of list
        The count columns that must be suppressed, with their original counts: ``{column: counts}``.
    threshold : int, default 5
        Counts below this (and above 0) must be hidden.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints the verdict. Small counts still shown is a named mistake; counts of ``threshold`` or
        more hidden or changed are wrong too. Zeros may be shown or hidden.

    Examples
    --------
    >>> import pandas as pd
    >>> import qitools as qi
    >>> from qitools import checks
    >>> checks.reset()
    >>> table = pd.DataFrame({"month": [1, 2, 3], "harm": [0, 3, 12]})
    >>> checks.suppressed("17.5", table, {"harm": [0, 3, 12]})  # doctest: +ELLIPSIS
    Not yet ✗ – question 17.5. 1 small count is still shown.
       Common mistake – small numbers shared: ...
    >>> checks.suppressed("17.5", qi.suppress_small_counts(table, ["harm"]), {"harm": [0, 3, 12]})
    Right ✓ – question 17.5. Counts from 1 to 4 hidden, the rest kept: safe to share.
    """
    _check("suppressed", qid, answer, original, threshold=threshold, hints=hints)


def written(qid, answer, *, parts=None, min_words=20, hints=None) -> None:
    """Record a written answer for the coach: a reflection, a project's story (coach-marked, no auto points).

    The check only says whether the answer has been written: text (or a dict of texts, one per part)
    with at least ``min_words`` words in each part. It never judges the content: the coach reads the
    answer in the learner's notebook and marks it with the rubric in ``exercises/coach/README.md``,
    and the hidden check gives it no automatic points.

    Parameters
    ----------
    qid : str
        The question number.
    answer : str or dict of str
        The learner's text, or one text per part.
    parts : list of str, optional
        The keys the dict must have (one text each); omitted, the answer is one text.
    min_words : int, default 20
        The fewest words in each part.
    hints : str or (str, str), optional
        The nudge and the pointer.

    Returns
    -------
    None
        Prints whether the answer is complete, and that the coach will mark it.

    Examples
    --------
    >>> from qitools import checks
    >>> checks.reset()
    >>> checks.written("16.7", {"what": "We tested a falls bundle.", "next": ...}, parts=["what", "next"], min_words=3)
    Not yet ✗ – question 16.7. 1 of 2 parts written (at least 3 words each).
       Hint 1 of 2: Write your own words in the quotes, replacing the ... of every part.
    >>> checks.written("16.7", "We tested a falls bundle on two wards.", min_words=5)
    Right ✓ – question 16.7. Recorded for your coach (8 words). This answer earns no automatic points: your coach reads it and marks it with the rubric.
    """
    _check("written", qid, answer, parts=parts, min_words=min_words, hints=hints)
