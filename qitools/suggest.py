"""Choosing the chart: the decision the course teaches (Provost & Murray, *The Health Care Data
Guide*, 2011, ch. 5 selection guide), made from the data and explained in words.

:func:`suggest_chart` looks at what ``y`` (and ``n``) hold and returns the recommended chart with
its reasons and the alternatives worth knowing about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .spc import validate as v
from .spc.errors import QIValueError

__all__ = ["ChartSuggestion", "suggest_chart"]

_EXPOSURE = re.compile(r"day|bed|hour|month|year|exposure|patient.?days|occupied|time|population|person", re.I)
#: y names that say "a measurement", whatever its values (whole minutes are not counts of events)
_MEASURE_NAME = re.compile(
    r"median|mean|average|\bavg\b|minutes|\bmins?\b|score|length of stay|\blos\b|temperature|weight|\bage\b",
    re.I,
)
_BETWEEN = re.compile(r"between|since|gap|interval", re.I)
#: denominators above this (on average) make a p or u chart's limits very tight: check Laney
_LARGE_N = 1000
#: subgroup means varying more than this many times their within-period spread: an I chart of them
_SUBGROUP_SPREAD = 1.5


@dataclass(frozen=True)
class ChartSuggestion:
    """The recommended chart, why, and what else to consider."""

    chart: str
    reasons: list[str]
    alternatives: list[str] = field(default_factory=list)
    data_type: str = ""

    def __repr__(self) -> str:
        lines = [f"Suggested chart: {self.chart!r} ({self.data_type})"]
        lines += [f"  - {r}" for r in self.reasons]
        if self.alternatives:
            lines.append("Also consider:")
            lines += [f"  - {a}" for a in self.alternatives]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.__repr__()


def _overdispersion(y: np.ndarray, n: np.ndarray, binomial: bool) -> float:
    """Laney's sigma_z: the spread of the standardised values (about 1 when the model fits)."""
    ok = np.isfinite(y) & np.isfinite(n) & (n > 0)
    y, n = y[ok], n[ok]
    if y.size < 3:
        return float("nan")
    centre = y.sum() / n.sum()
    p = y / n
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(centre * (1 - centre) / n) if binomial else np.sqrt(centre / n)
        z = (p - centre) / sigma
    mr = np.abs(np.diff(z[np.isfinite(z)]))
    return float(np.mean(mr) / (2 / np.sqrt(np.pi))) if mr.size else float("nan")


def _subgroup_overdispersion(y: np.ndarray, x: Any) -> float:
    """How many times more the subgroup means vary between periods than their within-period spread explains.

    The z-score of each period's mean is (mean - grand mean) / (pooled within-period s / sqrt(n)); its
    moving-range sigma (average moving range / 1.128, periods in time order) is about 1 when the
    periods differ by chance only, as the xbar chart assumes (Laney's idea, applied to means).
    """
    frame = pd.DataFrame({"x": np.asarray(x), "y": y}).dropna()
    try:
        groups = frame.groupby("x", sort=True)["y"]
    except TypeError:  # x values that cannot be sorted: keep the order they come in
        groups = frame.groupby("x", sort=False)["y"]
    n = groups.size().to_numpy(dtype=float)
    mean = groups.mean().to_numpy(dtype=float)
    var = groups.var(ddof=1).to_numpy(dtype=float)
    ok = n >= 2
    if ok.sum() < 3 or np.nansum((n[ok] - 1) * var[ok]) <= 0:
        return float("nan")
    pooled = np.sqrt(np.nansum((n[ok] - 1) * var[ok]) / np.sum(n[ok] - 1))
    z = (mean[ok] - np.sum(mean[ok] * n[ok]) / n[ok].sum()) / (pooled / np.sqrt(n[ok]))
    return float(np.mean(np.abs(np.diff(z))) / (2 / np.sqrt(np.pi)))


def suggest_chart(
    data: pd.DataFrame | None = None,
    *,
    y: Any,
    n: Any = None,
    x: Any = None,
    kind: str | None = None,
) -> ChartSuggestion:
    """Recommend a chart for a measure, with the reasons, as taught in the course.

    The questions, in order: several measurements per period (xbar/s, or an I chart of the period
    medians or means when the periods differ by more than their within-period spread explains, as
    with large subgroups)? Counts of events between
    rare events (g/t)? A numerator and a denominator: is each unit of the denominator either
    counted or not (classification: p chart), or can events happen several times per unit of
    exposure (counts: u chart)? Very large denominators with over-dispersion (Laney p'/u')? A count
    with a constant area of opportunity (c chart)? Otherwise a measurement (I chart). A run chart
    is always a good first look.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The data; ``y``/``n``/``x`` are its column names (or array-likes without ``data``).
    y, n, x : str or array-like
        The measure, its denominator (optional) and the time (optional).
    kind : {"classification", "count"}, optional
        Settle the p-or-u question yourself: ``"classification"`` when each patient (unit of n)
        either has the event or not; ``"count"`` when events are counted per unit of exposure (bed
        days, patient days). Guessed from the data and the column names otherwise.

    Returns
    -------
    ChartSuggestion
        ``chart`` (a ``chart=`` name for :func:`qitools.control_chart`), ``reasons`` and
        ``alternatives`` in plain English, ``data_type``.

    References
    ----------
    Provost LP, Murray SK (2011). The Health Care Data Guide. Jossey-Bass, ch. 5 (Figure 5.1).
    Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531-537.

    Examples
    --------
    >>> import qitools as qi
    >>> import pandas as pd
    >>> falls = pd.DataFrame({"falls": [3, 5, 2, 4, 6, 3], "bed_days": [1480, 1512, 1490, 1500, 1475, 1503]})
    >>> qi.suggest_chart(falls, y="falls", n="bed_days").chart
    'u'
    >>> qi.suggest_chart(y=[30, 35, 32], n=[50, 52, 49]).chart  # patients given antibiotics / patients
    'p'
    >>> qi.suggest_chart(y=[52.5, 61.0, 48.2, 55.9, 70.1, 49.8]).chart
    'i'
    """
    if kind is not None:
        kind = v.require_one_of("kind", kind, ("classification", "count"))
    data = v.check_data(data, "suggest_chart")
    n_rows = len(data) if data is not None else None
    y_col = v.get_column(data, y, "y", n_rows)
    rows = data.index.to_numpy() if data is not None else np.arange(len(y_col))
    yv = v.as_numeric(y_col, "y", v.column_name(y, "y", data), rows)
    nv = None
    if n is not None:
        nv = v.as_numeric(v.get_column(data, n, "n", len(y_col)), "n", v.column_name(n, "n", data), rows)
    xv = None
    if x is not None:  # read as the charts read it (the same errors); only its repeats matter here
        xv, _ = v.as_x(v.get_column(data, x, "x", len(y_col)), rows, v.column_name(x, "x", data))
    finite = yv[np.isfinite(yv)]
    if finite.size == 0:
        raise QIValueError("y has no values, so there is nothing to choose a chart for.")
    whole = bool(np.all(finite == np.round(finite)))
    nonneg = bool(np.all(finite >= 0))
    y_name = y if isinstance(y, str) else ""
    n_name = n if isinstance(n, str) else ""
    reasons: list[str] = []
    alts: list[str] = ["a run chart (chart='run') is always a good first look, and needs no assumptions"]

    # several rows per period: subgroups of measurements
    x_present = xv[~xv.isna().to_numpy()] if xv is not None else None  # rows without an x are in no period
    if x_present is not None and x_present.duplicated().any() and nv is None:
        k = x_present.value_counts()
        rows = f"several measurements per period ({int(k.min())} to {int(k.max())} rows per x, e.g. one per patient)"
        spread = _subgroup_overdispersion(yv, xv)
        if np.isfinite(spread) and spread > _SUBGROUP_SPREAD:
            reasons.append(f"y holds {rows}")
            reasons.append(
                f"the period means vary {spread:.1f} times more from one period to the next than the spread within "
                "periods explains: with subgroups this size the xbar chart's limits (from the variation within "
                "periods) are so narrow that ordinary periods fall outside them, so chart one value per period, its "
                "median or mean, as an I chart (chart='i' with agg='median' or agg='mean'), whose limits come from "
                "the variation between periods"
            )
            return ChartSuggestion(
                "i", reasons, ["chart='xbar' to see the false alarms its narrow limits give", *alts], "measurement"
            )
        reasons.append(
            f"y holds {rows}: chart the subgroup means (xbar) and their spread (s); if the rows are counts from "
            "different units instead, chart each unit with facet= or add them up first"
        )
        return ChartSuggestion("xbar", reasons, ["chart='s' for the spread within periods", *alts], "measurement")

    if nv is not None:
        ok = np.isfinite(yv) & np.isfinite(nv)
        exceeds = bool(np.any(yv[ok] > nv[ok]))
        n_whole = bool(np.all(nv[ok] == np.round(nv[ok])))
        exposure_name = bool(_EXPOSURE.search(n_name))
        if kind is None:
            if exceeds or not n_whole or not whole:
                kind = "count"
                why = (
                    "y is sometimes larger than n"
                    if exceeds
                    else "n is not a whole number of patients"
                    if not n_whole
                    else "y is not a whole count"
                )
                reasons.append(f"events are counted per unit of exposure ({why})")
            elif exposure_name:
                kind = "count"
                reasons.append(f"n ({n_name!r}) looks like exposure time, so events are counted per unit of exposure")
            else:
                kind = "classification"
                reasons.append(
                    "y is never larger than n and both are whole numbers, so each unit of n (a patient) is taken "
                    "to either have the event or not (classification data); pass kind='count' if events can "
                    "happen several times per unit"
                )
        else:
            reasons.append(
                "you said each unit of n either has the event or not"
                if kind == "classification"
                else "you said events are counted per unit of exposure"
            )
        binomial = kind == "classification"
        chart = "p" if binomial else "u"
        reasons.append(
            "a p chart shows proportions with limits that widen when n is small"
            if binomial
            else "a u chart shows rates (events per unit of exposure) with limits that follow n"
        )
        mean_n = float(np.nanmean(nv[ok])) if ok.any() else float("nan")
        sz = _overdispersion(yv, nv, binomial)
        if mean_n > _LARGE_N and np.isfinite(sz) and sz > 1.5:
            chart = chart + "p"
            reasons.append(
                f"the denominators are large (about {mean_n:,.0f}) and the points vary {sz:.1f} times more than "
                f"the {'binomial' if binomial else 'Poisson'} model allows (over-dispersion), so the ordinary "
                "limits would be too narrow and flag almost every point: Laney's chart widens them"
            )
            reasons.append(
                "first look for special causes and stratify (by site, unit, season, patient group): widening the "
                "limits treats all of this extra variation as ordinary, and can hide a real cause (Mohammed et al. 2013)"
            )
            alts.append(f"chart='{chart[0]}' to see the false alarms the ordinary limits give")
            alts.append("chart='i' of the percentages or rates: limits from the variation between periods")
        elif mean_n > _LARGE_N:
            alts.append(f"chart='{chart}p' (Laney) if the points fall outside the limits far too often")
        return ChartSuggestion(chart, reasons, alts, "classification" if binomial else "count")

    if whole and nonneg and _BETWEEN.search(y_name):
        days = bool(re.search(r"day|time|hour|week", y_name, re.I))
        chart = "t" if days else "g"
        reasons.append(
            f"y ({y_name!r}) counts {'time' if days else 'cases'} between rare events: longer gaps mean fewer events"
        )
        alts.append("chart='g' for the number of cases between events" if days else "chart='t' for days between")
        return ChartSuggestion(chart, reasons, alts, "rare events")

    if whole and nonneg and _MEASURE_NAME.search(y_name):
        reasons.append(
            f"y ({y_name!r}) is named as a measurement (minutes, a median, a score), not a count of events, "
            "although its values are whole numbers: an individuals (XmR) chart fits"
        )
        alts.append("chart='c' if y really counts events (then its name misleads)")
        return ChartSuggestion("i", reasons, alts, "measurement")

    if whole and nonneg:
        alts.append(
            "chart='i' if y is a measurement in whole units (minutes, days, a score) rather than a count of events"
        )
        zero_share = float(np.mean(finite == 0))
        if zero_share > 0.5:
            reasons.append(
                f"y counts events with no denominator (a c chart), but {zero_share:.0%} of periods have none: "
                "the events are rare, so the c chart's limits will say little"
            )
            alts.insert(
                0,
                "better for rare events: record the date of each event and chart the days between them "
                "(chart='t') or the cases between them (chart='g')",
            )
            return ChartSuggestion("c", reasons, alts, "rare events")
        reasons.append(
            "y is a count of events with no denominator, so the area of opportunity is taken to be the same "
            "each period (same beds, same length of period): a c chart; if it varies, give n= and use a u chart"
        )
        return ChartSuggestion("c", reasons, alts, "count")

    reasons.append("y is a measurement (one value per period), so an individuals (XmR) chart fits")
    if nonneg and finite.size > 5 and np.mean(finite) > 0 and float(pd.Series(finite).skew()) > 1.5:
        alts.append("the values are skewed (e.g. waiting times): the limits may be uneven; consider a log scale")
    return ChartSuggestion("i", reasons, alts, "measurement")
