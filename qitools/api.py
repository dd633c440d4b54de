"""The public chart functions: :func:`control_chart` and :func:`run_chart`."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from .results import ControlChart
from .spc.charts import CHART_DESCRIPTIONS
from .spc.engine import compute

__all__ = ["control_chart", "run_chart", "ChartType", "CHART_TYPES"]

ChartType = Literal[
    "run", "i", "xmr", "mr", "xbar", "s", "p", "np", "pp", "p_prime", "c", "u", "up", "u_prime", "g", "t"
]

#: chart name -> what it is for (aliases: ``xmr`` = ``i``, ``p_prime`` = ``pp``, ``u_prime`` = ``up``)
CHART_TYPES: dict[str, str] = dict(CHART_DESCRIPTIONS)


def control_chart(
    data: pd.DataFrame | None = None,
    *,
    x: Any = None,
    y: Any,
    n: Any = None,
    chart: ChartType | str = "run",
    part: Any = None,
    freeze: Any = None,
    exclude: Any = None,
    multiply: float = 1,
    cl: float | dict[Any, float] | None = None,
    target: float | dict[Any, float] | None = None,
    facet: str | list[str] | None = None,
    rules: str = "anhoej",
    improvement: str | None = None,
    screen_mr: bool = True,
    agg: str = "mean",
    notes: Any = None,
) -> ControlChart:
    r"""Compute a run chart or a Shewhart control chart: centre line, limits and signals.

    One call charts one measure, or thousands of them at once with ``facet=`` (every ward, every
    GP practice), in one vectorised pass.

    Parameters
    ----------
    data : pandas.DataFrame or dask.dataframe.DataFrame, optional
        The data, one row per observation. Omit it to pass the values themselves as ``x``/``y``/``n``.
        A Dask DataFrame (``pip install "qitools[scale]"``) is charted partition by partition, on
        one machine or a cluster: see :mod:`qitools.scale` (``x``, ``y``, ``n``, ``facet`` ... must
        then be column names; ``cc.data`` stays a Dask DataFrame, ``cc.summary`` and ``cc.icons``
        are pandas).
    x : str or array-like, optional
        Time (or sample number) of each row. Omitted: the points are numbered 1..N. Rows that share
        an ``x`` (within a facet) form one subgroup.
    y : str or array-like
        The measure: a count of events (numerator) for p, np, u, c charts; a measurement for i and
        xbar charts; days or cases between events for t and g charts.
    n : str or array-like, optional
        The denominator (patients, bed days): required for p, pp, u and up charts; optional for run
        and i charts (then ``y / n`` is charted).
    chart : str, default "run"
        ``"run"``, ``"i"`` (also ``"xmr"``), ``"mr"``, ``"xbar"``, ``"s"``, ``"p"``, ``"np"``,
        ``"pp"`` (Laney p', also ``"p_prime"``), ``"c"``, ``"u"``, ``"up"`` (Laney u', also
        ``"u_prime"``), ``"g"``, ``"t"``. See ``qi.CHART_TYPES``.
    part : str or list, optional
        A column whose value names the part (phase) of each row, or a list of ``x`` values at which
        a new part begins. Limits and runs analysis are computed separately in each part.
    freeze : optional
        An ``x`` value: the last subgroup of the baseline. Limits come from the baseline and are
        extended over the rest of its part (parts that begin after it use all their points).
    exclude : list, optional
        ``x`` values left out of the centre line, the limits and the runs analysis; still plotted
        and still judged against the limits.
    multiply : float, default 1
        Scale for y and the limits (1000 for "per 1000 bed days", 100 for percent).
    cl : float or dict, optional
        A fixed centre line on the plotted scale (or a dict facet -> value); sigma is still
        estimated from the data.
    target : float or dict, optional
        A target value (or a dict facet -> value), kept in ``data["target"]``.
    facet : str or list of two str, optional
        Column(s) splitting the data into independent charts.
    rules : str, default "anhoej"
        Special-cause rules: ``"anhoej"`` (points beyond the limits plus Anhøj's runs analysis),
        ``"ihi"``, ``"western_electric"``, ``"nelson"`` or ``"mdc"`` (NHS Making Data Count: its own
        constants, limits mean ± 2.66 x the average moving range, and its own shift and trend rules
        instead of the Anhøj runs analysis; see ``cc.conventions``).
    improvement : {"increase", "decrease", "neutral"}, optional
        Which direction is better; adds ``data["point_type"]``.
    screen_mr : bool, default True
        Drop moving ranges above :math:`D_4(2) = 3.2665` times their average once before estimating
        sigma (Nelson 1982), as qicharts2 and NHSRplotthedots do.
    agg : {"mean", "median", "sum"}, default "mean"
        How several rows per ``x`` are combined for run (without n), i, mr, g and t charts. For
        count and proportion charts ``y`` and ``n`` are summed; for xbar and s the rows are the
        subgroup's observations.
    notes : str or array-like, optional
        Annotations per row, kept in ``data["notes"]``.

    Returns
    -------
    ControlChart
        ``.data`` (one row per subgroup: ``x``, ``y``, ``n``, ``part``, ``baseline``, ``include``,
        ``cl``, ``lcl``, ``ucl``, ``sigma_signal``, ``runs_signal``, ``long_run`` ...),
        ``.summary`` (one row per facet and part: ``n_obs``, ``n_useful``, ``longest_run``,
        ``longest_run_max``, ``n_crossings``, ``n_crossings_min``, ``runs_signal``, ``cl``,
        ``lcl``, ``ucl``, ``sigma_signals``) and ``.conventions``.

    Raises
    ------
    QIValueError
        Unknown chart or option, missing or duplicated column, zero or negative denominators,
        y > n in a proportion chart, non-positive times in a t chart, x values in ``part``/
        ``freeze``/``exclude`` that are not in the data, infinite values (a division by zero where
        the column was computed) or numbers too large or too small to compute with, dates with a
        time zone mixed with dates without one, a fixed ``cl`` the chart cannot have. Messages
        name the rows.
    QITypeError
        Text where numbers are needed (the message says how to convert "85%" or "1,234"), lists
        in cells, ``x`` mixing numbers, dates and text.

    Warns
    -----
    DataChangedWarning
        Rows were sorted by ``x``, several rows per ``x`` were combined, rows without an ``x``
        were left out, ``x`` mixing time zones was converted to UTC, ``Decimal('sNaN')`` was read
        as a gap.
    DataQualityWarning
        A date far from the rest of ``x`` (a likely typing error in the year), charted where it
        falls; a fixed ``cl`` outside the limits computed from the data.
    TooFewPointsWarning
        Too few points for limits (they are NaN) or for a reliable runs analysis.

    See Also
    --------
    run_chart : the same with ``chart="run"``.

    Notes
    -----
    Limits are :math:`\text{centre} \pm 3\hat\sigma`; the estimator of :math:`\hat\sigma` for each
    chart is in :mod:`qitools.spc.charts` (Montgomery, *Introduction to Statistical Quality
    Control*, 7th ed., ch. 6-7; Laney 2002). Constants are computed exactly
    (:mod:`qitools.spc.constants`). A part shows non-random variation when its longest run
    exceeds :math:`\mathrm{round}(\log_2 n)+3` or its crossings fall below
    :math:`\mathrm{qbinom}(0.05, n-1, 0.5)` (Anhøj & Olesen 2014), with :math:`n` the useful
    points.

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited. PLoS ONE 9(11): e113825.
    doi:10.1371/journal.pone.0113825

    Montgomery DC (2013). Introduction to Statistical Quality Control, 7th ed. Wiley.

    Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531-537.

    Examples
    --------
    Montgomery's orange-juice cans (Example 7.1): nonconforming cans in 30 samples of 50.

    >>> import qitools as qi
    >>> nonconforming = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
    ...                  8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
    >>> cc = qi.control_chart(y=nonconforming, n=[50] * 30, chart="p")
    >>> cc
    <ControlChart chart='p' points=30 parts=1 sigma_signals=2 runs_signal=False>
    >>> cc.summary[["cl", "lcl", "ucl"]].round(4)
           cl     lcl     ucl
    0  0.2313  0.0524  0.4102
    """
    options = dict(
        x=x, y=y, n=n, chart=chart, part=part, freeze=freeze, exclude=exclude, multiply=multiply, cl=cl,
        target=target, facet=facet, rules=rules, improvement=improvement, screen_mr=screen_mr, agg=agg, notes=notes,
    )  # fmt: skip
    if data is not None and _is_dask(data):  # beyond one machine: the engine per partition (qitools.scale)
        from .scale import control_chart_dask

        return control_chart_dask(data, **options)
    result = compute(data, **options)
    return ControlChart(
        chart=result.chart, data=result.data, summary=result.summary, params=result.params, icons_table=result.icons
    )


def _is_dask(data: Any) -> bool:
    """A Dask DataFrame, recognised without importing Dask (``import qitools`` never loads it)."""
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(data, "npartitions")


def run_chart(data: pd.DataFrame | None = None, **kwargs: Any) -> ControlChart:
    """A run chart: :func:`control_chart` with ``chart="run"`` (median centre line, runs analysis).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        As for :func:`control_chart`.
    **kwargs
        Any argument of :func:`control_chart` except ``chart``.

    Returns
    -------
    ControlChart
        See :func:`control_chart`.

    Examples
    --------
    >>> import qitools as qi
    >>> rc = qi.run_chart(y=[3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11])
    >>> rc.summary[["n_useful", "longest_run", "longest_run_max", "runs_signal"]]
       n_useful  longest_run  longest_run_max  runs_signal
    0        20           10              7.0         True
    """
    from ._keywords import check_keywords, keywords_of
    from .spc.errors import QITypeError

    if "chart" in kwargs:
        raise QITypeError(
            "qi.run_chart() always draws a run chart, so it takes no chart= option. For another chart use "
            f"qi.control_chart(..., chart={kwargs['chart']!r})."
        )
    check_keywords("qi.run_chart", kwargs, [k for k in keywords_of(control_chart) if k not in ("data", "chart")])
    return control_chart(data, chart="run", **kwargs)
