"""Plain-English readings of a chart, for people who are not statisticians.

:func:`explain` turns a :class:`~qitools.results.ControlChart` into a few short paragraphs: what
kind of variation the chart shows, which rule fired where (with dates), whether a target is
likely to be met, and what *not* to conclude. Every technical term is glossed where it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .spc.errors import QITypeError, QIValueError
from .spc.validate import _safe_repr, require_label
from .spc.rulesets import RULE_COLUMNS, RULE_DESCRIPTIONS

if TYPE_CHECKING:  # pragma: no cover
    from .results import ControlChart

__all__ = ["Explanation", "explain"]

_MAX_FACETS_LISTED = 10


class Explanation(str):
    """The text of an explanation; shows as plain text in a notebook and in ``print``."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


def _fmt_num(v: float) -> str:
    if not np.isfinite(v):
        return "–"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 1:
        return f"{v:.3g}" if a < 10 else f"{v:.1f}"
    return f"{v:.3g}"


def _n(k: int, one: str, many: str | None = None) -> str:
    """'1 point', '2 points'."""
    return f"{k:,} {one if k == 1 else (many or one + 's')}"


def _fmt_x(x: Any, daily: bool = False) -> str:
    """A point's x for a reader: "Mar 2024" for monthly data, "6 Mar 2024" for dates, "point 3"."""
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        t = pd.Timestamp(x)
        if t is pd.NaT:
            return "a missing date"
        return t.strftime("%b %Y") if t.day == 1 and not daily else t.strftime("%d %b %Y").lstrip("0")
    if isinstance(x, (np.timedelta64, pd.Timedelta)):  # (np.timedelta64 is a numpy integer)
        return str(pd.Timedelta(x))
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return f"point {int(x)}"
    if isinstance(x, (int, np.integer)):
        return f"point {int(x)}"
    return str(x)


#: rules about runs on one side of the centre line: a stretch ends where the side changes
_SIDED = {"long_run", "ihi_shift", "we_4", "nelson_2", "mdc_shift"}
#: part-level rules: said of the whole part, not of points
_PART_LEVEL = {"ihi_runs"}


def _is_daily(x: pd.Series) -> bool:
    """True when the x values are dates that are not all the first of a month (events, days)."""
    if not pd.api.types.is_datetime64_any_dtype(x):
        return False
    return bool((pd.DatetimeIndex(x.dropna()).day != 1).any())


def _stretches(x: pd.Series, flags: np.ndarray, side: np.ndarray | None = None) -> list[str]:
    """'Mar 2024', or 'Feb 2024 to Oct 2024' for consecutive flagged points (split where ``side`` changes)."""
    out: list[str] = []
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return out
    jump = np.diff(idx) > 1
    if side is not None:
        jump |= side[idx[1:]] != side[idx[:-1]]
    breaks = np.flatnonzero(jump)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    xs = x.to_numpy()
    daily = _is_daily(x)
    for a, b in zip(starts, ends):
        out.append(_fmt_x(xs[a], daily) if a == b else f"{_fmt_x(xs[a], daily)} to {_fmt_x(xs[b], daily)}")
    return out


def _join(items: list[str], limit: int = 6) -> str:
    if len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _better(improvement: str | None) -> str:
    return {"increase": "higher is better", "decrease": "lower is better"}.get(improvement or "", "")


#: rules whose patterns (points steadily going up or down) chance makes often (module 5 of the course)
_TREND_RULES = {"ihi_trend", "nelson_3", "mdc_trend"}

#: fewer baseline points than this: the limits are trial limits (The Health Care Data Guide: about
#: 20 subgroups; Making Data Count: at least 12 points)
_TRIAL_POINTS = {"mdc": 12}
_TRIAL_POINTS_DEFAULT = 20

_SIGNAL_MEANS = (
    "Patterns like these rarely arise from chance (common-cause variation) alone, so look for a cause: "
    "a change in the process, in the patients, or in how the data were collected. A signal is not proof "
    "of a cause, and false alarms happen: every rule fires now and then on a process that has not changed."
)


def _limits_phrase(chart: str, row: pd.Series, dp: pd.DataFrame, n_base: int, frozen: bool) -> str:
    lo, hi = _fmt_num(row["lcl"]), _fmt_num(row["ucl"])
    skew = (
        " (gaps between events are skewed: even a stable process puts about 2 in 100 gaps above the upper limit)"
        if chart == "g"
        else ""
    )
    if not frozen:
        return (
            f"; values between {lo} and {hi} (the control limits) are the range expected from common-cause "
            f"variation in this process{skew}"
        )
    base = dp[dp["baseline"].to_numpy(dtype=bool)]
    daily = _is_daily(dp["x"])
    span = f"{_fmt_x(base['x'].iloc[0], daily)} to {_fmt_x(base['x'].iloc[-1], daily)}" if len(base) else "the baseline"
    return (
        f"; the control limits, {lo} to {hi}, come from the baseline ({span}, {n_base} points) and are "
        "extended over the later points: they describe what the baseline process produced, not "
        f"necessarily the process now, and the later points are judged against them{skew}"
    )


def _one_chart(cc: ControlChart, d: pd.DataFrame, s: pd.DataFrame, icons: pd.DataFrame | None) -> list[str]:
    p = cc.params
    chart = cc.chart
    rules = p["rules"]
    improvement = p.get("improvement")
    paras: list[str] = []
    n_pts = len(d)
    daily = _is_daily(d["x"])
    span = f"from {_fmt_x(d['x'].iloc[0], daily)} to {_fmt_x(d['x'].iloc[-1], daily)}" if n_pts else ""
    measure = p.get("y") or "the measure"
    proportion = chart in ("p", "pp")
    per = (f" out of {p['n']}" if proportion else f" per {p['n']}") if p.get("n") else ""
    scale = f" (x {p['multiply']:g})" if p.get("multiply", 1) != 1 else ""
    if proportion and p.get("multiply", 1) == 100:
        scale = " (as a percentage)"
    if n_pts == 1:
        span = f"at {_fmt_x(d['x'].iloc[0], daily)}"
    paras.append(f"This {p['chart_description']} shows {measure}{per}{scale}, {_n(n_pts, 'point')} {span}.")
    trial_min = _TRIAL_POINTS.get(rules, _TRIAL_POINTS_DEFAULT)
    latest_part_signals = False
    latest_part_frozen = False
    latest_part_trial = False

    for _, row in s.iterrows():
        part = int(row["part"])
        dp = d[d["part"] == part]
        label = (
            f"Part {part} ({_fmt_x(dp['x'].iloc[0], daily)} to {_fmt_x(dp['x'].iloc[-1], daily)}): " if len(s) > 1 else ""
        )
        with_value = int(np.isfinite(pd.to_numeric(dp["y"], errors="coerce").to_numpy(dtype=float)).sum())
        if with_value == 0:
            text = (
                f"{label}no point has a value (every y is missing), so nothing can be said about variation. Check the "
                "y column (a misspelt or empty column, values read as text), or add periods with data."
            )
            paras.append(text[0].upper() + text[1:])
            continue
        if with_value < 2:
            text = (
                f"{label}one point cannot be judged: limits and runs need a history of points to say what this "
                "process produces by chance, so nothing can be said about variation yet. Add more periods "
                "(at least 10 to 15 for limits, 10 useful points for the runs rules)."
            )
            paras.append(text[0].upper() + text[1:])
            continue
        used = dp["baseline"].to_numpy(dtype=bool) & dp["include"].to_numpy(dtype=bool)
        n_base = int(used.sum())
        frozen = bool((~dp["baseline"].to_numpy(dtype=bool)).any())
        if chart == "run":
            centre = f"the median (middle value) is {_fmt_num(row['cl'])}"
            limits = ""
        else:
            centre_word = "median" if chart == "g" else "average"
            centre = f"the {centre_word} (centre line) is {_fmt_num(row['cl'])}"
            limits = _limits_phrase(chart, row, dp, n_base, frozen)
        findings = []
        fired: set[str] = set()
        for col in RULE_COLUMNS[rules]:
            if col not in dp.columns:
                continue
            flags = dp[col].to_numpy(dtype=bool)
            if not flags.any():
                continue
            fired.add(col)
            if col in _PART_LEVEL:
                findings.append(
                    f"{RULE_DESCRIPTIONS[col]}: {int(row['n_runs'])} runs, where {int(row['n_runs_min'])} to "
                    f"{int(row['n_runs_max'])} are expected by chance"
                )
                continue
            side = (dp["y"] > dp["cl"]).to_numpy() if col in _SIDED else None
            where = _stretches(dp["x"], flags, side)
            findings.append(f"{RULE_DESCRIPTIONS[col]} ({_join(where)})")
        if rules == "anhoej" and bool(row["runs_signal"]) and row["n_crossings"] < row["n_crossings_min"]:
            fired.add("few_crossings")
            findings.append(
                f"too few crossings of the centre line ({int(row['n_crossings'])}; at least "
                f"{int(row['n_crossings_min'])} expected by chance for {_n(int(row['n_useful']), 'point')}), "
                "a sign that the process may have shifted"
            )
        if findings and fired <= _TREND_RULES:
            verdict = (
                "A weak signal: the chart shows " + "; ".join(findings) + ". Only a trend rule fired, and trend "
                "rules fire often on processes that have not changed (Anhøj & Olesen 2014 found that they add "
                "false alarms and detect little), so this may well be a false alarm: look at the other rules "
                "and more data before looking for a cause."
            )
        elif findings:
            verdict = (
                "A signal of special-cause variation: the chart shows " + "; ".join(findings) + ". " + _SIGNAL_MEANS
            )
        if findings:
            if improvement in ("increase", "decrease") and "point_type" in dp.columns:
                kinds = set(dp["point_type"]) - {"common_cause"}
                if kinds == {"special_cause_improvement"}:
                    verdict += f" The signals are in the direction of improvement ({_better(improvement)})."
                elif kinds == {"special_cause_concern"}:
                    verdict += f" The signals are in the direction of concern ({_better(improvement)})."
                elif kinds:
                    last = dp["point_type"][dp["point_type"] != "common_cause"].iloc[-1]
                    latest = "an improvement" if last == "special_cause_improvement" else "a concern"
                    verdict += (
                        f" Some signals point to improvement and some to concern ({_better(improvement)}); "
                        f"the most recent signal is {latest}."
                    )
        elif frozen and chart != "run":
            verdict = (
                "No signal of special-cause variation: no rule fired, so the later points are consistent with "
                "the baseline process. Reacting to single high or low points would be tampering."
            )
        else:
            verdict = (
                "No signal of special-cause variation: no rule fired, so the ups and downs are consistent "
                "with common-cause variation (chance) in this process. Reacting to single high or low "
                "points would be tampering."
            )
        caveats = ""
        if int(row["n_useful"]) < 10:
            caveats += (
                f" With only {_n(int(row['n_useful']), 'useful point')} the runs rules have little power; collect more."
            )
        trial = chart != "run" and n_base < trial_min
        if trial:
            caveats += (
                f" These limits come from only {_n(n_base, 'point')}: treat them as trial limits, to be "
                f"recalculated as data accumulate (at least {trial_min} points"
                f"{' for Making Data Count' if rules == 'mdc' else ', as The Health Care Data Guide advises'})."
            )
        text = f"{label}{centre}{limits}. {verdict}{caveats}"
        paras.append(text[0].upper() + text[1:])
        latest_part_signals, latest_part_frozen, latest_part_trial = bool(findings), frozen, trial

    if icons is not None and len(icons):
        ic = icons.iloc[0]
        a = ic["assurance"]
        t = ic["target"]
        if isinstance(a, str):
            msg = {
                "pass": "the whole range of expected values (between the limits) is on the right side of it, so "
                "the process should consistently meet the target if it carries on as it is",
                "fail": "the whole range of expected values is on the wrong side of it, so the process will "
                "not meet the target unless the process itself is changed",
                "hit_or_miss": "it lies inside the range of expected values, so the process will meet it in some "
                "periods and miss it in others, by chance alone; hitting or missing it in one period says "
                "nothing about performance",
            }[a]
            text = f"Target {_fmt_num(float(t))}: {msg}."
            if latest_part_signals and latest_part_frozen:
                text += (
                    " Caution: these limits were frozen on an earlier baseline and the later points signal a "
                    "change, so the limits describe the old process, not the current one; the assurance "
                    "reading holds only for a stable process. If the process has changed, give the new "
                    "process its own limits (a new part from where the change began) and read the assurance again."
                )
            elif latest_part_signals:
                text += (
                    " Caution: the latest limits were computed from a period that shows special-cause "
                    "variation, so they may mix an old process and a new one; the assurance reading holds only "
                    "for a stable process. If the process has changed, give the new process its own limits "
                    "(a new part from where the change began) and read the assurance again."
                )
            elif latest_part_trial:
                text += " The limits are trial limits (few points), so this reading is provisional."
            paras.append(text)
    paras.append(
        "What not to conclude: no signal does not prove that nothing changed (small changes need more points to "
        "show); a signal says where to look for a cause, not what the cause is, and it may be a false alarm; "
        "and a single month compared with the one before (or with a target) says little on its own."
    )
    return paras


def _is_one_of(value: Any, labels: list[Any]) -> bool:
    try:
        return value in labels
    except (TypeError, ValueError, ArithmeticError):  # a value that cannot be compared (Decimal('sNaN'))
        return False


def explain(cc: ControlChart, facet: Any = None) -> Explanation:
    """A plain-English reading of a chart (see :meth:`qitools.ControlChart.explain`)."""
    if not all(hasattr(cc, a) for a in ("data", "summary", "params", "icons_table")):
        raise QITypeError(
            f"explain() takes a chart made by qi.control_chart() or qi.run_chart(); got {type(cc).__name__}. Make "
            f"the chart first: cc = qi.control_chart(df, ...), then cc.explain()."
        )
    require_label("facet", facet, "Name one facet, e.g. cc.explain(facet='Ward 3').")
    d = cc.data
    s = cc.summary
    icons = cc.icons_table
    if "facet" not in d.columns:
        if facet is not None:
            raise QIValueError(
                f"facet={_safe_repr(facet)} was given, but this chart has no facets. Leave out facet=."
            )
        return Explanation("\n\n".join(_one_chart(cc, d, s, icons)))
    facets = list(dict.fromkeys(s["facet"]))
    if facet is not None:
        if not _is_one_of(facet, facets):
            raise QIValueError(f"facet={_safe_repr(facet)} is not one of the chart's facets: {facets[:10]!r}.")
        mine = icons[icons["facet"] == facet] if icons is not None else None
        return Explanation("\n\n".join(_one_chart(cc, d[d["facet"] == facet], s[s["facet"] == facet], mine)))
    flagged = s.groupby("facet", sort=False)["special_causes"].sum()
    runs = s.groupby("facet", sort=False)["runs_signal"].any() if cc.params["rules"] == "anhoej" else None
    special = flagged > 0
    if runs is not None:
        special |= runs
    names = [str(f) for f in special[special].index]
    head = (
        f"This {cc.params['chart_description']} has {len(facets)} separate charts (facets). "
        f"{len(names)} of them {'shows' if len(names) == 1 else 'show'} a signal of special-cause variation (a "
        "pattern that chance alone rarely produces: look for a cause, and remember that false alarms happen)"
    )
    head += f": {_join(names, _MAX_FACETS_LISTED)}." if names else "."
    head += (
        " Each facet is judged against its own history, not against the others: to compare units with "
        "each other, use a funnel plot. For one facet's full reading use cc.explain(facet=...)."
    )
    return Explanation(head)
