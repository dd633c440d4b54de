"""A one-file HTML report of a chart, to send to a team or a board, that shows its workings.

:func:`chart_report` writes a single self-contained HTML file: the chart (embedded as PNG, with the
plain-English reading as its alt text), the reading itself (one per facet for a faceted chart), why
this chart was chosen, what was done to the data while reading it, every warning, the summary in
words, how it was computed and the data table, with counts under 5 optionally suppressed (NHS
statistical disclosure practice). Numbers are formatted one way everywhere (the reading's way). The
page reads on a phone and prints on A4. Everything typed by users (titles, column names and values,
notes) is HTML-escaped, and no user text is read as matplotlib mathtext (``$...$``).
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._files import atomic_write_text
from ._messages import for_readers
from .explain import _fmt_num
from .io import suppress_small_counts
from .spc.errors import QITypeError, QIValueError
from .spc.validate import _safe_repr

if TYPE_CHECKING:  # pragma: no cover
    from .results import ControlChart
    from .suggest import ChartSuggestion

__all__ = ["chart_report", "no_mathtext", "format_number"]

#: facets whose own reading is given in full (more are listed in the overview)
MAX_FACET_READINGS = 100

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:62rem;margin:1.5rem auto;
padding:0 1rem;color:#1d1d1b;line-height:1.45;font-size:16px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem;margin:1rem 0 .3rem}.meta{color:#555;margin-top:0}
img{max-width:100%;height:auto;border:1px solid #ddd;display:block}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1.2rem}
table{border-collapse:collapse;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:right;vertical-align:top}
th{background:#f0f4f5;font-weight:600}
td.t,th.t{text-align:left}
.reading p{margin:.4rem 0}.note{color:#555;font-size:.9rem}
ul.steps li{margin:.15rem 0}.warn li{margin:.2rem 0}
.none{color:#555;font-style:italic}
@media (max-width:40rem){body{font-size:15px;margin:.8rem auto}table{font-size:.8rem}}
@page{size:A4;margin:14mm 12mm}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:10pt;line-height:1.3}
 h1{font-size:16pt}h2{font-size:12.5pt;break-after:avoid;page-break-after:avoid}
 h3{break-after:avoid}
 img{max-height:95mm;width:auto;margin:0 auto;break-inside:avoid;page-break-inside:avoid}
 .wrap{overflow:visible}
 table{width:100%;font-size:7.5pt;table-layout:auto}
 th,td{padding:1px 3px;word-break:break-word;overflow-wrap:anywhere}
 thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
 a{color:inherit;text-decoration:none}
}
"""


@contextmanager
def no_mathtext() -> Iterator[None]:
    """Draw with matplotlib's mathtext off: user text such as ``$\\frac{$`` is drawn as written.

    matplotlib reads ``$...$`` in any text as a formula (and raises on a broken one); column
    names, titles and notes come from users, so reports, saved charts and the app draw with it off.
    """
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def format_number(v: Any) -> str:
    """One number, as the reading writes it (3 significant figures, thousands separators).

    Examples
    --------
    >>> from qitools.report import format_number
    >>> [format_number(v) for v in (0.68357, 4.5986, 211.4, 28677.0, float("nan"))]
    ['0.684', '4.6', '211', '28,677', '']
    """
    try:
        f = float(v)
    except (TypeError, ValueError):
        return html.escape(str(v))
    if not np.isfinite(f):
        return ""
    return _fmt_num(f)


def _count(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return html.escape(str(v))
    if not np.isfinite(f):
        return ""
    return f"{f:,.0f}" if f == round(f) else _fmt_num(f)


def _x_text(v: Any, monthly: bool) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") and hasattr(v, "month"):
        try:
            t = pd.Timestamp(v)
        except (ValueError, OverflowError):
            return html.escape(str(v))
        if t is pd.NaT:
            return ""
        if monthly:
            return f"{t:%b %Y}"
        return f"{t.day} {t:%b %Y}" + ("" if (t.hour, t.minute) == (0, 0) else f" {t:%H:%M}")
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))  # 44652, not 4.465e+04
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _fmt_num(float(v))
    return html.escape(str(v))


def _no_value(v: Any) -> bool:
    """A point with no value (a gap in the chart)."""
    try:
        return v is None or not np.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _yes(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return "yes" if bool(v) else "no"


_POINT_TYPES = {
    "common_cause": "common cause",
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "unusually high",
    "special_cause_neutral_low": "unusually low",
}
_ICON_WORDS = {
    "common_cause": "common cause",
    "improvement_high": "improvement (high)",
    "improvement_low": "improvement (low)",
    "concern_high": "concern (high)",
    "concern_low": "concern (low)",
    "neutral_high": "unusually high",
    "neutral_low": "unusually low",
    "pass": "will meet the target",
    "fail": "will not meet the target",
    "hit_or_miss": "will hit or miss the target by chance",
}
_SUMMARY_WORDS = {
    "part": "Part",
    "n_obs": "Points",
    "n_useful": "Useful points",
    "longest_run": "Longest run",
    "longest_run_max": "Longest run expected at most",
    "n_crossings": "Crossings of the centre line",
    "n_crossings_min": "Crossings expected at least",
    "n_runs": "Runs",
    "n_runs_min": "Runs expected at least",
    "n_runs_max": "Runs expected at most",
    "runs_signal": "Non-random runs",
    "cl": "Centre line",
    "cl_mean": "Mean",
    "lcl": "Lower limit",
    "ucl": "Upper limit",
    "sigma_signals": "Points beyond a limit",
    "special_causes": "Points with a signal",
}


def _table(rows: list[list[str]], head: list[str], left: set[int], max_rows: int, total: int) -> str:
    th = "".join(f'<th class="t">{h}</th>' if j in left else f"<th>{h}</th>" for j, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(f'<td class="t">{c}</td>' if j in left else f"<td>{c}</td>" for j, c in enumerate(r)) + "</tr>"
        for r in rows[:max_rows]
    )
    more = (
        f'<p class="note">… {total - max_rows:,} more row{"s" if total - max_rows != 1 else ""} not shown.</p>'
        if total > max_rows
        else ""
    )
    return f'<div class="wrap"><table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>{more}'


def _facet_names(cc: ControlChart) -> list[str]:
    facet = cc.params.get("facet")
    if facet is None:
        return []
    return [str(f) for f in (facet if isinstance(facet, (list, tuple)) else [facet])]


def _monthly(x: pd.Series) -> bool:
    if not pd.api.types.is_datetime64_any_dtype(x):
        return False
    t = pd.to_datetime(x.dropna())
    return bool(len(t)) and bool((t.dt.day == 1).all()) and bool((t.dt.hour == 0).all())


def _data_table(cc: ControlChart, data: pd.DataFrame, max_rows: int) -> str:
    p = cc.params
    measure = str(p.get("y") or "Value")
    x_name = str(p.get("x") or "Point")
    has_n = p.get("n") is not None and "n" in data.columns
    cols: list[tuple[str, Any, bool]] = []  # (heading, function of the row, left-aligned)
    facets = [f for f in _facet_names(cc) if f in data.columns]
    if facets:
        for f in facets:
            cols.append((html.escape(f), lambda r, f=f: html.escape(str(r[f])), True))
    elif "facet" in data.columns:
        cols.append(("Group", lambda r: html.escape(str(r["facet"])), True))
    monthly = _monthly(data["x"]) if "x" in data.columns else False
    cols.append((html.escape(x_name), lambda r: _x_text(r["x"], monthly), True))
    if has_n:
        scale = p.get("multiply", 1) or 1
        per = f" per {_count(scale)}" if scale != 1 else ""
        if "count" in data.columns:
            cols.append((html.escape(measure), lambda r: _count(r["count"]), False))
        cols.append((html.escape(str(p["n"])), lambda r: _count(r["n"]), False))
        cols.append((html.escape(f"{measure}{per} {p['n']}" if per else f"{measure} / {p['n']}"),
                     lambda r: format_number(r["y"]), False))
    else:
        cols.append((html.escape(measure), lambda r: format_number(r["y"]), False))
    if "part" in data.columns and data["part"].nunique() > 1:
        cols.append(("Part", lambda r: _count(r["part"]), False))
    if cc.chart != "run":
        for key, head in (("cl", "Centre line"), ("lcl", "Lower limit"), ("ucl", "Upper limit")):
            if key in data.columns:
                cols.append((head, lambda r, key=key: format_number(r[key]), False))
    else:
        cols.append(("Median", lambda r: format_number(r["cl"]), False))
    if "include" in data.columns and not data["include"].all():
        cols.append(("Left out of limits", lambda r: "" if r["include"] else "yes", True))
    if "sigma_signal" in data.columns and cc.chart != "run":
        cols.append(("Beyond a limit", lambda r: "yes" if r["sigma_signal"] else "", True))
    if "special_cause" in data.columns:
        cols.append(("Signal", lambda r: "yes" if r["special_cause"] else "", True))
    if "point_type" in data.columns:
        cols.append((
            "Kind of variation",
            lambda r: "missing" if _no_value(r.get("y")) else _POINT_TYPES.get(str(r["point_type"]), html.escape(str(r["point_type"]))),
            True,
        ))
    if "notes" in data.columns and data["notes"].notna().any():
        cols.append(("Note", lambda r: "" if pd.isna(r["notes"]) else html.escape(str(r["notes"])), True))
    shown = data.head(max_rows)
    rows = [[f(r) for _, f, _ in cols] for r in shown.to_dict("records")]
    left = {j for j, (_, _, is_left) in enumerate(cols) if is_left}
    return _table(rows, [h for h, _, _ in cols], left, max_rows, len(data))


def summary_lines(cc: ControlChart, max_columns: int = 6) -> str:
    """The summary for a terminal, in the report's words and number format: one line per measure,
    one column per part (and group), e.g. ``Centre line   4.14``; True/False as yes/no."""
    s = cc.summary
    if s.empty:
        return ""
    facets = _facet_names(cc)
    columns = [c for c in s.columns if c not in ("part", "facet", *facets)]
    if cc.chart == "run":
        columns = [c for c in columns if c not in ("lcl", "ucl", "sigma_signals")]
    several_parts = s["part"].nunique() > 1 if "part" in s.columns else False
    more = len(s) - max_columns if len(s) > max_columns else 0
    s = s.head(max_columns)
    heads = []
    for r in s.to_dict("records"):
        bits = []
        if facets and "facet" in s.columns:
            bits.append(str(r["facet"]))
        if several_parts:
            bits.append(f"Part {r['part']}")
        heads.append(", ".join(bits) or "")
    rows = []
    for c in columns:
        word = _SUMMARY_WORDS.get(c, str(c).replace("_", " ").capitalize())
        if c in ("lcl", "ucl") and "lcl" in cc.data.columns and cc.data.groupby("part")[c].nunique().max() > 1:
            word += " (average)"
        if c == "cl" and cc.chart == "run":
            word = "Median"
        if c in ("cl", "lcl", "ucl", "cl_mean", "sigma"):
            cells = [format_number(v) for v in s[c]]
        elif c == "runs_signal":
            cells = [_yes(v) for v in s[c]]
        elif pd.api.types.is_numeric_dtype(s[c]):
            cells = [html.unescape(_count(v)) for v in s[c]]
        else:
            cells = [str(v) for v in s[c]]
        rows.append([word, *cells])
    width = max(len(r[0]) for r in rows)
    cell_w = [max(len(heads[j]), *(len(r[j + 1]) for r in rows)) for j in range(len(heads))]
    lines = []
    if any(heads):
        lines.append(" " * width + "".join(f"  {h:>{w}}" for h, w in zip(heads, cell_w)))
    for r in rows:
        lines.append(f"{r[0]:<{width}}" + "".join(f"  {v:>{w}}" for v, w in zip(r[1:], cell_w)))
    if more:
        lines.append(f"... and {more:,} more (groups or parts): every one is in the report and the per-point table.")
    return "\n".join(lines)


def _summary_table(cc: ControlChart, max_rows: int) -> str:
    s = cc.summary
    facets = _facet_names(cc)
    skip = {"facet"} if facets else set()
    columns = [c for c in s.columns if c not in skip and not (c == "part" and s["part"].nunique() == 1 and len(s) == 1)]
    if cc.chart == "run":
        columns = [c for c in columns if c not in ("lcl", "ucl", "sigma_signals")]
    head, fmt, left = [], [], set()
    for c in columns:
        word = _SUMMARY_WORDS.get(c, str(c).replace("_", " ").capitalize())
        if c in ("lcl", "ucl") and "lcl" in cc.data.columns and cc.data.groupby("part")[c].nunique().max() > 1:
            word += " (average)"
        if c == "cl" and cc.chart == "run":
            word = "Median"
        head.append(html.escape(word))
        if c in ("cl", "lcl", "ucl", "cl_mean"):
            fmt.append(format_number)
        elif c == "runs_signal":
            fmt.append(_yes)
        elif pd.api.types.is_numeric_dtype(s[c]):
            fmt.append(_count)
        else:
            fmt.append(lambda v: html.escape(str(v)))
            left.add(len(head) - 1)
    if facets and "facet" in s.columns:
        head.insert(0, html.escape(" / ".join(facets)))
        fmt.insert(0, lambda v: html.escape(str(v)))
        columns.insert(0, "facet")
        left = {j + 1 for j in left} | {0}
    rows = [[f(r[c]) for c, f in zip(columns, fmt)] for r in s.head(max_rows).to_dict("records")]
    return _table(rows, head, left, max_rows, len(s))


def _icons_table(cc: ControlChart, max_rows: int) -> str:
    t = cc.icons_table
    assert t is not None
    words = {"facet": "Group", "variation": "Variation", "assurance": "Assurance", "target": "Target",
             "lcl": "Lower limit", "ucl": "Upper limit"}
    cols = list(t.columns)
    rows = []
    for r in t.head(max_rows).to_dict("records"):
        row = []
        for c in cols:
            v = r[c]
            if c in ("variation", "assurance"):
                row.append("" if not isinstance(v, str) else _ICON_WORDS.get(v, html.escape(v)))
            elif c in ("target", "lcl", "ucl"):
                row.append(format_number(v))
            else:
                row.append(html.escape(str(v)))
        rows.append(row)
    left = {j for j, c in enumerate(cols) if c in ("facet", "variation", "assurance")}
    return _table(rows, [html.escape(words.get(c, str(c))) for c in cols], left, max_rows, len(t))


def _checks(cc: ControlChart) -> list[str]:
    """What the result itself says a reader must know (used when no warnings were handed over)."""
    from .spc.engine import MDC_MIN_BASELINE, MIN_USEFUL_FOR_RUNS

    out = []
    s = cc.summary
    d = cc.data
    key = ["facet", "part"] if "facet" in s.columns else ["part"]
    label = (lambda r: f"{r['facet']}, part {r['part']}") if "facet" in s.columns else (
        (lambda r: f"part {r['part']}") if len(s) > 1 else (lambda r: "the chart")
    )
    for r in s.to_dict("records"):
        if int(r.get("n_obs", 0)) < 2:
            out.append(f"{label(r).capitalize()} has {'one point' if int(r.get('n_obs', 0)) == 1 else 'no points'}: "
                       "one point cannot be judged (no limits, no runs analysis).")
            continue
        if cc.chart != "run" and not np.isfinite(float(r.get("ucl", np.nan))):
            out.append(f"No control limits could be computed for {label(r)}.")
        if int(r.get("n_useful", 0)) < MIN_USEFUL_FOR_RUNS:
            out.append(
                f"{label(r).capitalize()} has {int(r['n_useful'])} useful point{'s' if int(r['n_useful']) != 1 else ''}; "
                f"the runs analysis needs at least {MIN_USEFUL_FOR_RUNS} to be reliable."
            )
    if cc.chart != "run" and cc.params.get("rules") != "mdc" and {"baseline", "include"} <= set(d.columns):
        from .explain import _TRIAL_POINTS_DEFAULT

        groups = [c for c in key if c in d.columns]
        used = d["baseline"].astype(bool) & d["include"].astype(bool)
        base = used.groupby([d[c] for c in groups]).sum()
        n_obs = d.groupby(groups).size()
        for k, n_base in base.items():
            if int(n_obs.get(k, 0)) < 2 or int(n_base) >= _TRIAL_POINTS_DEFAULT:
                continue
            keys = k if isinstance(k, tuple) else (k,)
            r = dict(zip(groups, keys))
            where = label(r) if len(s) > 1 or "facet" in s.columns else "the chart"
            out.append(
                f"The limits of {where} come from only {int(n_base)} point{'s' if int(n_base) != 1 else ''}: they "
                f"are trial limits, to be recalculated as data accumulate (at least {_TRIAL_POINTS_DEFAULT} points, "
                f"as The Health Care Data Guide advises)."
            )
    if cc.params.get("rules") == "mdc" and "baseline" in d.columns:
        base = d[d["baseline"]].groupby([c for c in key if c in d.columns]).size()
        short = base[base < MDC_MIN_BASELINE]
        if len(short):
            out.append(
                f"Limits from fewer than {MDC_MIN_BASELINE} points are trial limits (Making Data Count): "
                f"{len(short)} part{'s' if len(short) != 1 else ''} of this chart."
            )
    return out


def _png_base64(cc: ControlChart, cycles: pd.DataFrame | None = None, cycle_labels: str = "id", **style: Any) -> str:
    import warnings

    import matplotlib.pyplot as plt

    with no_mathtext():
        if cycles is None:
            drawn = cc.plot(**style)
        else:
            from .pdsa.draw import plot_with_cycles
            from .pdsa.validate import PDSAWarning

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PDSAWarning)  # the report lists the cycles left out itself
                drawn = plot_with_cycles(cc, cycles, labels=cycle_labels, **style)
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        finally:
            plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in str(text).split("\n\n") if p.strip())


def _list(items: Sequence[str], css: str = "steps") -> str:
    return f'<ul class="{css}">' + "".join(f"<li>{html.escape(for_readers(str(i)))}</li>" for i in items) + "</ul>"


_DECIDED = {"adopt", "adapt", "abandon", "acted"}


def _day_text(v: Any) -> str:
    if v is None or pd.isna(v):
        return ""
    t = pd.Timestamp(v)
    return f"{t.day} {t:%b %Y}"


def _text_cell(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else html.escape(str(v))


def check_cycles(cycles: Any, cycle_labels: str, cc: Any = None) -> None:
    """``cycles=`` of :func:`chart_report`: a table of cycle marks, for a chart by date (before any work)."""
    if cycle_labels not in ("id", "title", "full"):
        raise QIValueError(f"cycle_labels must be 'id', 'title' or 'full'; got {cycle_labels!r}.")
    if cycles is None:
        return
    if not isinstance(cycles, pd.DataFrame):
        raise QIValueError(
            f"cycles must be the table of PDSA cycles qi.pdsa.chart_marks(...) gives; got {type(cycles).__name__}."
        )
    missing = [c for c in ("x", "x_end", "label", "cycle") if c not in cycles.columns]
    if missing:
        raise QIValueError(
            f"cycles has no {', '.join(repr(c) for c in missing)} column: give the table qi.pdsa.chart_marks(...) "
            "returns (one row per cycle)."
        )
    if cc is not None and len(cycles) and not pd.api.types.is_datetime64_any_dtype(cc.data["x"]):
        raise QIValueError(
            "PDSA cycles are placed on a chart by their dates, but this chart's time is not dates. Chart the data "
            "against a column of dates: pass x= (the column of dates)."
        )


def _cycles_section(cc: ControlChart, cycles: pd.DataFrame) -> tuple[str, str]:
    """The "PDSA cycles" section, and a sentence for the chart's alt text."""
    from .pdsa.charts import cycles_outside

    attrs = cycles.attrs
    on, outside = cycles_outside(cycles, cc.data["x"], advice="none") if len(cycles) else (cycles, [])
    left_out = list(dict.fromkeys([*outside, *[str(t) for t in attrs.get("left_out", [])]]))
    marked = set(on["cycle"]) if len(on) else set()
    project = attrs.get("project")
    about = "The PDSA cycles" + (f" of the project <i>{html.escape(str(project))}</i>" if project else "")
    if attrs.get("measure"):
        name = attrs.get("measure_name")
        about += f" for the measure {html.escape(str(attrs['measure']))}" + (
            f" ({html.escape(str(name))})" if name else ""
        )
        if attrs.get("how"):
            about += f", {html.escape(str(attrs['how']))}"
    if attrs.get("file"):
        about += f", from {html.escape(str(attrs['file']))}"
    rows = []
    for r in cycles.sort_values("x", kind="stable").to_dict("records"):
        title = _text_cell(r.get("title")) or _text_cell(r.get("label"))
        idea = _text_cell(r.get("change_idea_text")) or _text_cell(r.get("change_idea"))
        if idea and idea != title:
            title = f'{title}<br><span class="note">Change idea: {idea}</span>' if title else idea
        act = _text_cell(r.get("act")) or "not decided yet"
        status = str(r.get("status") or "")
        status = "decided" if status in _DECIDED else html.escape(status)
        rows.append(
            [
                _text_cell(r.get("cycle")),
                title,
                _day_text(r.get("x")),
                _day_text(r.get("x_end")),
                act,
                status,
                "yes" if r.get("cycle") in marked else "no: outside the chart's dates",
            ]
        )
    parts = []
    if not len(cycles):
        why = "no cycle meant to move this measure has started" if attrs.get("measure") else "no cycle has started"
        parts.append(f"<p>{about}: there is no cycle to mark on the chart ({why}).</p>")
    else:
        n_on = len(marked)
        n_out = len(cycles) - n_on
        how_many = f"All {n_on} are" if n_on == len(cycles) and n_on > 1 else f"{n_on} of them {'is' if n_on == 1 else 'are'}"
        said = (
            f"{about}. {how_many} marked on the chart"
            + (" (a line where each began, shaded to where it ended)" if n_on else "")
            + (f"; {n_out} fall{'s' if n_out == 1 else ''} outside its dates" if n_out else "")
            + "."
        )
        parts.append(f"<p>{said}</p>")
        parts.append(
            _table(
                rows,
                ["Cycle", "Title / change idea", "Started", "Ended", "Act decision", "Status", "On the chart"],
                {0, 1, 2, 3, 4, 5, 6},
                max(len(rows), 1),
                len(rows),
            )
        )
    notes = left_out + [str(t) for t in attrs.get("other_measures", [])]
    if notes:
        parts.append('<ul class="warn">' + "".join(f"<li>{html.escape(t)}</li>" for t in notes) + "</ul>")
    alt = ""
    if marked:
        shown = [r for r in cycles.to_dict("records") if r.get("cycle") in marked]
        alt = f" The chart marks {len(shown)} PDSA cycle{'s' if len(shown) != 1 else ''}: " + "; ".join(
            f"{r['cycle']} {r.get('title') or ''} from {_day_text(r['x'])}".replace("  ", " ") for r in shown
        ) + "."
    return '<h2>PDSA cycles</h2>\n' + "\n".join(parts), alt


def chart_report(
    cc: ControlChart,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
    cleaning: Sequence[str] | pd.DataFrame | None = None,
    suggestion: ChartSuggestion | None = None,
    notes: Sequence[Any] | None = None,
    suppress_small: bool = False,
    max_rows: int = 500,
    cycles: pd.DataFrame | None = None,
    cycle_labels: str = "id",
    **style: Any,
) -> str:
    """A self-contained HTML report of a chart that shows its workings.

    Sections: the chart; what it says (a reading per facet for a faceted chart); the PDSA cycles
    marked on it (with ``cycles=``); why this chart; what was done to the data; warnings; the
    summary in words; how it was computed; the data.

    Parameters
    ----------
    cc : ControlChart
        The chart (from :func:`qitools.control_chart`).
    path : str or path-like, optional
        Write the report here (``.html``); an existing file is replaced only once the new one is
        complete. Without it, only the HTML text is returned.
    title : str, optional
        The report's heading (default: the chart's measure).
    source : str, optional
        Where the data came from (a file name, a system), shown under the heading.
    cleaning : list of str or DataFrame, optional
        What was done to the data while reading it: ``df.attrs["qitools_changes"]`` from
        :func:`qitools.read_measure`, or that DataFrame itself.
    suggestion : ChartSuggestion, optional
        :func:`qitools.suggest_chart`'s result: its reasons are given as why this chart was chosen.
    notes : list of str or warnings, optional
        The warnings given while reading and charting (``warnings.catch_warnings(record=True)``'s
        list, or their texts). The report adds what the chart itself shows a reader must know (one
        point, no limits, too few points for the runs analysis, trial limits).
    suppress_small : bool, default False
        Show counts from 1 to 4 as "<5" (and the rates made from them as "suppressed") in the data
        table, for sharing data about few patients. The chart itself shows rates.
    max_rows : int, default 500
        Rows of the data table shown.
    cycles : pandas.DataFrame, optional
        PDSA cycles to mark on the chart and list in a "PDSA cycles" section (id, title and change
        idea, dates, Act decision, status, whether it is on the chart): the table
        :func:`qitools.pdsa.chart_marks` returns. Cycles outside the chart's dates are not marked
        and the section says so, as it does for those its ``attrs["left_out"]`` names.
    cycle_labels : {"id", "title", "full"}, default "id"
        What the cycles' labels are (as given to ``chart_marks``); labels never overlap.
    **style
        Options of :meth:`ControlChart.plot` (``title=`` of the chart, ``percent=``, ``annotations=`` ...).

    Returns
    -------
    str
        The HTML.

    Examples
    --------
    >>> import qitools as qi
    >>> cc = qi.control_chart(y=[5.1, 4.8, 5.3, 4.9, 5.2, 5.0, 4.7, 5.4, 5.1, 4.9, 5.2, 4.8], chart="i")
    >>> page = qi.chart_report(cc, title="Triage times", cleaning=["line 14 was a total and was dropped"])
    >>> page.startswith("<!DOCTYPE html>") and "No signal of special-cause variation" in page
    True
    >>> "line 14 was a total and was dropped" in page
    True
    """
    from .results import ControlChart

    if not isinstance(cc, ControlChart):
        hint = (
            " Chart the data first: cc = qi.control_chart(df, x=..., y=..., chart=...), then qi.chart_report(cc, "
            "'report.html')."
            if isinstance(cc, pd.DataFrame)
            else ""
        )
        raise QITypeError(
            f"chart_report() takes a chart made by qi.control_chart() or qi.run_chart(); got {type(cc).__name__}.{hint}"
        )
    if isinstance(max_rows, (bool, np.bool_)) or not isinstance(max_rows, (int, np.integer)):
        raise QITypeError(f"`max_rows` must be a whole number of rows, such as 500; got {_safe_repr(max_rows)}.")
    if max_rows < 1:
        raise QIValueError(f"max_rows must be at least 1; got {max_rows!r}.")
    for name, value in (("title", title), ("source", source)):
        if value is not None and not isinstance(value, str):
            raise QITypeError(f"`{name}` must be text (or None); got {_safe_repr(value)} ({type(value).__name__}).")
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise QITypeError(f"`path` must be a file name ending in .html; got {_safe_repr(path)} ({type(path).__name__}).")
    if cleaning is not None and not isinstance(cleaning, pd.DataFrame) and (
        isinstance(cleaning, (str, bytes)) or not isinstance(cleaning, Sequence)
    ):
        raise QITypeError(
            f"`cleaning` must be a list of the changes made while reading (df.attrs['qitools_changes']) or the "
            f"DataFrame qi.read_measure() returned; got {type(cleaning).__name__}."
        )
    if notes is not None and (isinstance(notes, (str, bytes)) or not hasattr(notes, "__iter__")):
        raise QITypeError(
            f"`notes` must be a list of warnings or of their texts; got {type(notes).__name__}. For one note, "
            f"pass a list: notes=['...']."
        )
    if path is not None and Path(path).suffix.lower() not in (".html", ".htm"):
        raise QIValueError(f"The report is an HTML file: give a path ending in .html; got {str(path)!r}.")
    check_cycles(cycles, cycle_labels, cc)
    if isinstance(cleaning, pd.DataFrame):
        cleaning = list(cleaning.attrs.get("qitools_changes", []))
    reading = for_readers(str(cc.explain()))
    png = _png_base64(cc, cycles, cycle_labels, **style)
    cycles_html, cycles_alt = _cycles_section(cc, cycles) if cycles is not None else ("", "")
    heading = title or f"{cc.params.get('y') or 'Measure'}: {cc.params['chart_description']}"
    data = cc.data
    if suppress_small and "count" in data.columns:
        data = suppress_small_counts(data, ["count"], also=["y"])
    meta = f"Made with qitools on {date.today():%d %B %Y}" + (f" from {html.escape(source)}" if source else "") + "."

    # a reading per facet
    facet_readings = ""
    if "facet" in cc.summary.columns:
        facets = list(dict.fromkeys(cc.summary["facet"]))
        parts = []
        for f in facets[:MAX_FACET_READINGS]:
            parts.append(f"<h3>{html.escape(str(f))}</h3>{_paragraphs(for_readers(str(cc.explain(facet=f))))}")
        more = (
            f'<p class="note">The readings of {len(facets) - MAX_FACET_READINGS:,} more groups are not shown; the '
            f"summary table has them all.</p>"
            if len(facets) > MAX_FACET_READINGS
            else ""
        )
        facet_readings = "<h2>Each group's reading</h2>" + "".join(parts) + more

    # why this chart
    description = html.escape(str(cc.params["chart_description"]))
    if suggestion is not None:
        why = f"<p>qitools suggested the {html.escape(str(suggestion.chart))} chart because:</p>" + _list(
            suggestion.reasons
        )
        if suggestion.chart != cc.chart:
            why += f"<p>The {description} was chosen instead.</p>"
        if suggestion.alternatives:
            why += "<p>Also worth considering:</p>" + _list(suggestion.alternatives)
    else:
        why = f'<p class="none">The {description} was chosen by whoever made this report (no reasons were recorded).</p>'

    # the data's cleaning
    if cleaning is None:
        done = '<p class="none">No record of how the data were read was given with this report.</p>'
    elif not cleaning:
        done = "<p>The data were read as they were: nothing was changed.</p>"
    else:
        done = "<p>While reading the file, qitools made these changes (check each one):</p>" + _list(cleaning)

    # warnings
    # the warnings given while reading and charting, then what the chart itself shows (trial limits,
    # too few points ...): a reader needs both, whoever made the report
    texts = [str(getattr(n, "message", n)) for n in (notes or [])] + list(_checks(cc))
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    warns = _list(texts, "warn") if texts else '<p class="none">None.</p>'

    conventions = "".join(
        f"<li><i>{html.escape(k)}</i>: {html.escape(for_readers(v))}</li>" for k, v in cc.conventions.items()
    )
    icons = ""
    if cc.icons_table is not None:
        icons = "<h2>Making Data Count icons</h2>" + _icons_table(cc, max_rows)
    suppressed = (
        '<p class="note">Counts from 1 to 4 are shown as &lt;5 and the rates made from them as "suppressed" '
        "(NHS statistical disclosure practice).</p>"
        if suppress_small
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(heading)}</title><style>{_CSS}</style></head>
<body>
<h1>{html.escape(heading)}</h1>
<p class="meta">{meta}</p>
<img src="data:image/png;base64,{png}" alt="{html.escape(reading + cycles_alt, quote=True)}">
<h2>What the chart says</h2>
<div class="reading">{_paragraphs(reading)}</div>
{facet_readings}
{cycles_html}
<h2>Why this chart</h2>
{why}
<h2>What was done to the data</h2>
{done}
<h2>Warnings</h2>
{warns}
<h2>Summary</h2>
{_summary_table(cc, max_rows)}
{icons}
<h2>How it was computed</h2>
<ul>{conventions}</ul>
<h2>Data</h2>
{suppressed}
{_data_table(cc, data, max_rows)}
</body></html>
"""
    if path is not None:
        atomic_write_text(path, page)
    return page
