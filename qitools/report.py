"""A one-file HTML report of a chart, to send to a team or a board.

:func:`chart_report` writes a single self-contained HTML file: the chart (embedded as PNG, with the
plain-English reading as its alt text), the reading itself, the summary table, the conventions and
the data table, with counts under 5 optionally suppressed (NHS statistical disclosure practice).
Everything typed by users (titles, column values, notes) is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._files import atomic_write_text
from .io import suppress_small_counts
from .spc.errors import QIValueError

if TYPE_CHECKING:  # pragma: no cover
    from .results import ControlChart

__all__ = ["chart_report"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#555;margin-top:0}
img{max-width:100%;height:auto;border:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th{background:#f0f4f5}
td:first-child,th:first-child{text-align:left}.reading p{margin:.4rem 0}
details{margin:1rem 0}.note{color:#555;font-size:.9rem}
"""


def _cell(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if not np.isfinite(v) else f"{v:.4g}"
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        t = pd.Timestamp(v)
        return t.strftime("%Y-%m-%d") if (t.hour, t.minute) == (0, 0) else t.strftime("%Y-%m-%d %H:%M")
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return html.escape(str(v))


def _table(df: pd.DataFrame, max_rows: int) -> str:
    shown = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in shown.itertuples(False))
    more = f'<p class="note">… {len(df) - max_rows} more rows not shown.</p>' if len(df) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def _png_base64(cc: ControlChart, **style: Any) -> str:
    import matplotlib.pyplot as plt

    drawn = cc.plot(**style)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def chart_report(
    cc: ControlChart,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
    suppress_small: bool = False,
    max_rows: int = 500,
    **style: Any,
) -> str:
    """A self-contained HTML report of a chart: picture, plain-English reading, tables, conventions.

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
    suppress_small : bool, default False
        Show counts from 1 to 4 as "<5" (and the rates made from them as "suppressed") in the data
        table, for sharing data about few patients. The chart itself shows rates.
    max_rows : int, default 500
        Rows of the data table shown.
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
    >>> page = qi.chart_report(cc, title="Triage times")
    >>> page.startswith("<!DOCTYPE html>") and "No signal of special-cause variation" in page
    True
    """
    if max_rows < 1:
        raise QIValueError(f"max_rows must be at least 1; got {max_rows!r}.")
    if path is not None and Path(path).suffix.lower() not in (".html", ".htm"):
        raise QIValueError(f"The report is an HTML file: give a path ending in .html; got {str(path)!r}.")
    reading = str(cc.explain())
    png = _png_base64(cc, **style)
    heading = title or f"{cc.params.get('y') or 'Measure'}: {cc.params['chart_description']}"
    data = cc.data
    if suppress_small and "count" in data.columns:
        data = suppress_small_counts(data, ["count"], also=["y"])
    meta = f"Made with qitools on {date.today():%d %B %Y}" + (f" from {html.escape(source)}" if source else "") + "."
    conventions = "".join(f"<li><i>{html.escape(k)}</i>: {html.escape(v)}</li>" for k, v in cc.conventions.items())
    icons = ""
    if cc.icons_table is not None:
        icons = "<h2>Making Data Count icons</h2>" + _table(cc.icons_table, max_rows)
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
<img src="data:image/png;base64,{png}" alt="{html.escape(reading, quote=True)}">
<h2>What the chart says</h2>
<div class="reading">{"".join(f"<p>{html.escape(p)}</p>" for p in reading.split(chr(10) + chr(10)))}</div>
<h2>Summary</h2>
{_table(cc.summary, max_rows)}
{icons}
<details><summary>How it was computed</summary><ul>{conventions}</ul></details>
<h2>Data</h2>
{suppressed}
{_table(data, max_rows)}
</body></html>
"""
    if path is not None:
        atomic_write_text(path, page)
    return page
