"""Plain-English readings of a chart, for people who are not statisticians.

:func:`explain` turns a :class:`~qitools.results.ControlChart` into a few short paragraphs: what
kind of variation the chart shows, which rule fired where (with dates), whether a target is
likely to be met, and what *not* to conclude. Every technical term is glossed where it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .spc.errors import QIValueError
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


def _fmt_x(x: Any) -> str:
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        t = pd.Timestamp(x)
        return t.strftime("%b %Y") if t.day == 1 else t.strftime("%d %b %Y").lstrip("0")
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return f"point {int(x)}"
    if isinstance(x, (int, np.integer)):
        return f"point {int(x)}"
    return str(x)


#: rules about runs on one side of the centre line: a stretch ends where the side changes
_SIDED = {"long_run", "ihi_shift", "we_4", "nelson_2", "mdc_shift"}
#: part-level rules: said of the whole part, not of points
_PART_LEVEL = {"ihi_runs"}


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
    for a, b in zip(starts, ends):
        out.append(_fmt_x(xs[a]) if a == b else f"{_fmt_x(xs[a])} to {_fmt_x(xs[b])}")
    return out


def _join(items: list[str], limit: int = 6) -> str:
    if len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _better(improvement: str | None) -> str:
    return {"increase": "higher is better", "decrease": "lower is better"}.get(improvement or "", "")


def _one_chart(cc: ControlChart, d: pd.DataFrame, s: pd.DataFrame, icons: pd.DataFrame | None) -> list[str]:
    p = cc.params
    chart = cc.chart
    rules = p["rules"]
    improvement = p.get("improvement")
    paras: list[str] = []
    n_pts = len(d)
    span = f"from {_fmt_x(d['x'].iloc[0])} to {_fmt_x(d['x'].iloc[-1])}" if n_pts else ""
    measure = p.get("y") or "the measure"
    per = f" per {p['n']}" if p.get("n") else ""
    scale = f" (x {p['multiply']:g})" if p.get("multiply", 1) != 1 else ""
    if n_pts == 1:
        span = f"at {_fmt_x(d['x'].iloc[0])}"
    paras.append(f"This {p['chart_description']} shows {measure}{per}{scale}, {_n(n_pts, 'point')} {span}.")

    for _, row in s.iterrows():
        part = int(row["part"])
        dp = d[d["part"] == part]
        label = f"Part {part} ({_fmt_x(dp['x'].iloc[0])} to {_fmt_x(dp['x'].iloc[-1])}): " if len(s) > 1 else ""
        with_value = int(np.isfinite(pd.to_numeric(dp["y"], errors="coerce").to_numpy(dtype=float)).sum())
        if with_value < 2:
            what = "no point with a value" if with_value == 0 else "one point"
            text = (
                f"{label}{what} cannot be judged: limits and runs need a history of points to say what this "
                "process produces by chance, so nothing can be said about variation yet. Add more periods "
                "(at least 10 to 15 for limits, 10 useful points for the runs rules)."
            )
            paras.append(text[0].upper() + text[1:])
            continue
        if chart == "run":
            centre = f"the median (middle value) is {_fmt_num(row['cl'])}"
            limits = ""
        else:
            centre_word = "median" if chart == "g" else "average"
            centre = f"the {centre_word} (centre line) is {_fmt_num(row['cl'])}"
            limits = (
                f"; values between {_fmt_num(row['lcl'])} and {_fmt_num(row['ucl'])} (the control limits) "
                "are what this process produces by chance alone"
            )
        findings = []
        for col in RULE_COLUMNS[rules]:
            if col not in dp.columns:
                continue
            flags = dp[col].to_numpy(dtype=bool)
            if not flags.any():
                continue
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
            findings.append(
                f"too few crossings of the centre line ({int(row['n_crossings'])}; at least "
                f"{int(row['n_crossings_min'])} expected by chance for {_n(int(row['n_useful']), 'point')}), "
                "a sign that the process shifted"
            )
        if findings:
            verdict = (
                "Special-cause variation: something other than chance is affecting the process. "
                "The chart shows " + "; ".join(findings) + "."
            )
            if improvement in ("increase", "decrease") and "point_type" in dp.columns:
                kinds = set(dp["point_type"]) - {"common_cause"}
                if kinds == {"special_cause_improvement"}:
                    verdict += f" These signals point to an improvement ({_better(improvement)})."
                elif kinds == {"special_cause_concern"}:
                    verdict += f" These signals are a concern ({_better(improvement)})."
                elif kinds:
                    last = dp["point_type"][dp["point_type"] != "common_cause"].iloc[-1]
                    latest = "an improvement" if last == "special_cause_improvement" else "a concern"
                    verdict += (
                        f" Some signals point to improvement and some to concern ({_better(improvement)}); "
                        f"the most recent signal is {latest}."
                    )
        else:
            verdict = (
                "Common-cause variation only: no rule fired, so the ups and downs are what this process "
                "produces by chance. Reacting to single high or low points would be tampering."
            )
        few = int(row["n_useful"]) < 10
        caveat = (
            f" With only {_n(int(row['n_useful']), 'useful point')} the runs rules have little power; collect more."
            if few
            else ""
        )
        text = f"{label}{centre}{limits}. {verdict}{caveat}"
        paras.append(text[0].upper() + text[1:])

    if icons is not None and len(icons):
        ic = icons.iloc[0]
        a = ic["assurance"]
        t = ic["target"]
        if isinstance(a, str):
            msg = {
                "pass": "the whole range of expected values is on the right side of it, so the process will "
                "consistently meet the target if nothing changes",
                "fail": "the whole range of expected values is on the wrong side of it, so the process will "
                "not meet the target unless the process itself is changed",
                "hit_or_miss": "it lies inside the range of expected values, so the process will meet it in some "
                "periods and miss it in others, by chance alone; hitting or missing it in one period says "
                "nothing about performance",
            }[a]
            paras.append(f"Target {_fmt_num(float(t))}: {msg}.")
    paras.append(
        "What not to conclude: no signal does not prove that nothing changed (small changes need more points to "
        "show); a signal says where to look for a cause, not what the cause is; and a single month compared "
        "with the one before (or with a target) says little on its own."
    )
    return paras


def explain(cc: ControlChart, facet: Any = None) -> Explanation:
    """A plain-English reading of a chart (see :meth:`qitools.ControlChart.explain`)."""
    d = cc.data
    s = cc.summary
    icons = cc.icons_table
    if "facet" not in d.columns:
        return Explanation("\n\n".join(_one_chart(cc, d, s, icons)))
    facets = list(dict.fromkeys(s["facet"]))
    if facet is not None:
        if facet not in facets:
            raise QIValueError(f"facet={facet!r} is not one of the chart's facets: {facets[:10]!r}.")
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
        f"{len(names)} of them {'shows' if len(names) == 1 else 'show'} special-cause variation (something other "
        "than chance)"
    )
    head += f": {_join(names, _MAX_FACETS_LISTED)}." if names else "."
    head += (
        " Each facet is judged against its own history, not against the others: to compare units with "
        "each other, use a funnel plot. For one facet's full reading use cc.explain(facet=...)."
    )
    return Explanation(head)
