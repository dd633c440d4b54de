r"""Understanding the system: Pareto charts, cause-and-effect (fishbone) diagrams and process maps.

Three tools a team uses before it changes anything (IHI Open School QI 102-104; NHS England's
Quality, Service Improvement and Redesign (QSIR) tools): a **Pareto chart** to find the few
categories that account for most of a problem, a **cause-and-effect diagram** to lay out what the
team thinks causes it, and a **process map** to see the steps, decisions and waits a patient or a
request goes through.

This module does the part without drawing, so it works without matplotlib:

- :func:`pareto_table` orders categories and computes percentages, the cumulative percentage and
  the vital few (what :func:`pareto_chart` draws);
- :func:`check_causes` and :func:`check_steps` validate (and tidy) the data of a fishbone and of a
  process map, with messages that say what is wrong and how to fix it. The PDSA records store the
  same shapes, checked by the same functions.

:func:`pareto_chart`, :func:`cause_effect_diagram` and :func:`process_map` check their input here,
before anything is drawn, and only then load matplotlib (:mod:`qitools.plot.system`).

The data shapes (plain Python, so they can be typed in a notebook or stored as JSON):

- causes: ``{category: [cause, ...]}`` where a cause is text or ``{cause: [sub-cause, ...]}``
  (one key), e.g. ``{"People": ["Agency staff", {"Handover": ["No checklist", "Rushed"]}]}``;
- steps: a list; a step is text, or a dict ``{"step": text, "kind": "step" | "decision" | "delay",
  "yes": target, "no": target, "next": target, "wait": text}``. ``yes``/``no`` only for decisions,
  ``next`` only for steps and delays (a target is a step's text, its position in the list counting
  from 0, or ``"end"``; without one, the flow goes on to the next step in the list); ``wait`` only
  for delays.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .spc.errors import DataChangedWarning, QIToolsWarning, QITypeError, QIValueError
from .spc.validate import describe_rows, get_column

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "pareto_table",
    "pareto_chart",
    "cause_effect_diagram",
    "process_map",
    "check_causes",
    "check_steps",
    "UnreachableStepWarning",
    "STEP_KINDS",
    "PARETO_COLUMNS",
]

#: the kinds of step a process map draws, and their shapes
STEP_KINDS: dict[str, str] = {
    "step": "an activity (a rectangle)",
    "decision": "a question with yes and no branches (a diamond)",
    "delay": "a wait or queue (a 'D' shape with an hourglass and the wait)",
}

#: the columns of :func:`pareto_table`, in order
PARETO_COLUMNS = ("category", "count", "percent", "cumulative_percent", "vital_few", "other", "n_categories")

_STEP_KEYS = ("step", "kind", "yes", "no", "next", "wait")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
#: a cumulative percentage within this of the cut counts as reaching it (rounding of float sums)
_CUT_TOLERANCE = 1e-9


# -- Pareto -------------------------------------------------------------------------------------------
def _nice(name: Any) -> str:
    return str(name).replace("_", " ")


def _check_cut(cut: Any) -> float:
    if isinstance(cut, (bool, np.bool_)) or not isinstance(cut, (int, float, np.integer, np.floating)):
        raise QITypeError(f"`cut` must be a percentage such as 80; got {cut!r} ({type(cut).__name__}).")
    value = float(cut)
    if not np.isfinite(value) or value > 100 or value <= 0:
        raise QIValueError(
            f"`cut` must be a percentage greater than 0 and at most 100; got {cut!r}. The vital few are the "
            "largest categories that together reach this share of the total (80 is the usual choice)."
        )
    if value <= 1:
        raise QIValueError(
            f"`cut` is a percentage: cut={cut!r} means {value:g} % of the total, so the vital few would be just the "
            f"largest category. For {value * 100:g} % pass cut={value * 100:g}."
        )
    return value


def _check_top(top: Any) -> int | None:
    if top is None:
        return None
    if isinstance(top, (bool, np.bool_)) or not isinstance(top, (int, np.integer)):
        raise QITypeError(
            f"`top` must be a whole number of bars, such as 8; got {top!r} ({type(top).__name__}). For a share, "
            "use min_percent=."
        )
    if top < 1:
        raise QIValueError(f"`top` must be at least 1 (the number of categories drawn as their own bars); got {top}.")
    return int(top)


def _check_min_percent(min_percent: Any) -> float | None:
    if min_percent is None:
        return None
    if isinstance(min_percent, (bool, np.bool_)) or not isinstance(
        min_percent, (int, float, np.integer, np.floating)
    ):
        raise QITypeError(f"`min_percent` must be a percentage such as 3; got {min_percent!r}.")
    value = float(min_percent)
    if not np.isfinite(value) or not 0 < value < 100:
        raise QIValueError(
            f"`min_percent` must be a percentage between 0 and 100; got {min_percent!r}. Categories with a smaller "
            "share of the total go into one 'Other' bar."
        )
    return value


def _row_labels(data: pd.DataFrame | None, n: int) -> np.ndarray:
    if isinstance(data, pd.DataFrame):
        return data.index.to_numpy()
    return np.arange(n)


def _pareto_inputs(data: Any, category: Any, count: Any) -> tuple[pd.Series, np.ndarray, str, str | None, bool]:
    """Check the data; return categories, counts per row, the names to show and whether counts are whole."""
    if data is not None and not isinstance(data, pd.DataFrame):
        raise QITypeError(
            f"`data` must be a pandas DataFrame (or None with category= given as a list); got {type(data).__name__}. "
            "Read a file with pd.read_csv(...) or qi.read_measure(...) first."
        )
    if category is None:
        raise QIValueError("`category` is required: the column that holds the category of each row (e.g. 'cause').")
    if data is not None and len(data.columns) == 0:
        raise QIValueError("The data has no columns. Check that the file was read correctly.")
    cats = get_column(data, category, "category", None)
    n = len(cats)
    labels = _row_labels(data, n)
    cat_name = _nice(category) if isinstance(category, str) else "category"
    count_name = None
    if count is not None:
        counts_raw = get_column(data, count, "count", n)
        count_name = _nice(count) if isinstance(count, str) else "count"
    if n == 0:
        raise QIValueError(
            "The data has no rows, so there is nothing to count. Check the filter or the file that was read."
        )
    missing = cats.isna().to_numpy() | cats.map(lambda v: isinstance(v, str) and v.strip() == "").to_numpy(bool)
    if missing.any():
        col = repr(category) if isinstance(category, str) else "category"
        raise QIValueError(
            f"Column {col} (category) has {int(missing.sum())} missing or blank "
            f"value{'s' if missing.sum() > 1 else ''} ({describe_rows(labels, missing)}). Every row must have a "
            "category to be counted, and leaving rows out silently would change the percentages. Fill them in "
            f"(e.g. df[{col}] = df[{col}].fillna('Not recorded')) or drop those rows on purpose first."
        )
    if count is None:
        return cats, np.ones(n), cat_name, count_name, True
    col = repr(count) if isinstance(count, str) else "count"
    values = counts_raw
    if pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float)
    elif pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        obj = values.astype(object)
        numbers = pd.to_numeric(obj, errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(numbers) & ~pd.isna(obj).to_numpy()
        if bad.any():
            examples = ", ".join(repr(v) for v in obj[bad].iloc[:3])
            raise QITypeError(
                f"Column {col} (count) must hold numbers, but {describe_rows(labels, bad)} hold text such as "
                f"{examples}. A Pareto chart adds up the counts of each category. Fix those rows (a total row or a "
                f"note typed into the column is a common cause), or convert the column with "
                f"pd.to_numeric(df[{col}], errors='coerce') and decide what the gaps mean."
            )
    nan = np.isnan(numbers)
    if nan.any():
        raise QIValueError(
            f"Column {col} (count) has {int(nan.sum())} missing value{'s' if nan.sum() > 1 else ''} "
            f"({describe_rows(labels, nan)}). A missing count is not a zero: fill in the count, or drop those rows "
            "on purpose first."
        )
    inf = ~np.isfinite(numbers)
    if inf.any():
        raise QIValueError(
            f"Column {col} (count) has infinite values ({describe_rows(labels, inf)}). Counts must be finite numbers."
        )
    negative = numbers < 0
    if negative.any():
        raise QIValueError(
            f"Column {col} (count) has {int(negative.sum())} negative value{'s' if negative.sum() > 1 else ''} "
            f"({describe_rows(labels, negative)}). A Pareto chart shows how a total splits into parts, so every "
            "count must be 0 or more. Check for corrections typed as negative numbers."
        )
    if numbers.sum() <= 0:
        raise QIValueError(
            f"Every count in column {col} is 0, so there is no total to split into categories. "
            "Check that the right column was given as count=."
        )
    whole = bool(np.all(numbers == np.round(numbers)))
    return cats, numbers, cat_name, count_name, whole


def pareto_table(
    data: pd.DataFrame | None = None,
    *,
    category: Hashable | Sequence[Any],
    count: Hashable | Sequence[Any] | None = None,
    cut: float = 80,
    top: int | None = None,
    min_percent: float | None = None,
    other_label: str = "Other",
) -> pd.DataFrame:
    r"""The numbers behind a Pareto chart: categories from largest to smallest, percentages and the vital few.

    Each row of ``data`` is one event (a fall, a complaint, a cancelled operation) with its
    category; or, with ``count=``, a number of events (or minutes, or pounds) for its category.
    The categories are ordered from the largest total to the smallest, and the table gives each
    one's share of the grand total, the running (cumulative) share, and whether it is one of the
    **vital few**.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The data. Omitted: ``category`` (and ``count``) are lists of values.
    category : str or list
        The column holding each row's category (or the categories themselves).
    count : str or list, optional
        A column of counts to add up per category (numbers >= 0). Omitted: the rows are counted.
    cut : float, default 80
        The share of the total, in percent, that the vital few reach. Must be > 1 and <= 100.
    top : int, optional
        Keep only the ``top`` largest categories as their own rows and add up the rest into one
        ``other_label`` row, drawn last (a long tail of small categories).
    min_percent : float, optional
        Add up the categories whose share of the total is below ``min_percent`` percent into the
        ``other_label`` row. With both ``top`` and ``min_percent``, a category goes into Other
        when either says so.
    other_label : str, default "Other"
        The name of the combined row.

    Returns
    -------
    pandas.DataFrame
        One row per category (largest first), then the Other row if there is one, with columns

        - ``category``: the category (``other_label`` for the combined row);
        - ``count``: its total (whole numbers as integers);
        - ``percent``: ``count`` as a percentage of the grand total;
        - ``cumulative_percent``: the running total of ``percent``; the last row is exactly 100;
        - ``vital_few``: True for the vital few (see Notes);
        - ``other``: True for the combined Other row;
        - ``n_categories``: how many categories the row holds (1, or the number put into Other).

        ``table.attrs`` holds ``cut``, ``total``, ``n_vital_few``, ``other_categories`` (the
        names put into Other, largest first), ``category_name`` and ``count_name``.

    Raises
    ------
    QIValueError
        A column that is not in the data; missing or blank categories; missing, negative or
        infinite counts; every count 0; no rows; ``cut`` not in (1, 100]; ``top`` < 1;
        ``min_percent`` not in (0, 100); ``other_label`` that is already a category.
    QITypeError
        Text in the count column; options of the wrong type.

    Warns
    -----
    DataChangedWarning
        ``top`` or ``min_percent`` would have put a vital-few category into Other; it was kept
        as its own bar.

    See Also
    --------
    pareto_chart : draws this table.

    Notes
    -----
    Let the categories be ordered by total, :math:`c_1 \ge c_2 \ge \dots \ge c_m` (ties in
    alphabetical order of the category's name, so the order does not depend on the order of the
    rows), with grand total :math:`T = \sum_i c_i`. Then ``percent`` is :math:`100\,c_i/T` and
    ``cumulative_percent`` is :math:`P_k = 100 \sum_{i \le k} c_i / T`.

    The **vital few** are the smallest set of largest categories whose cumulative share reaches
    the cut: categories :math:`1, \dots, k` with :math:`k = \min\{k : P_k \ge \text{cut}\}`
    (within :math:`10^{-9}` percentage points, for rounding). So the category that takes the
    running share past the cut is included, and a category that brings it to exactly the cut
    ends the vital few. Categories of the same size as the last vital-few category but after it
    in alphabetical order are not included; the chart shows them side by side, so look at them
    too. The vital few are never put into Other; Other comes last whatever its size, so the
    cumulative line still ends at 100 %.

    This is the Pareto principle as Juran framed it ("the vital few and the trivial many", later
    "the useful many"): the 80 % cut is a convention, not a law, and the chart is a starting point
    for asking why, not a ranking of importance (a rare category may matter most).

    References
    ----------
    Juran JM (1951). *Quality Control Handbook*. New York: McGraw-Hill (the Pareto principle).

    Montgomery DC (2009). *Introduction to Statistical Quality Control*, 6th ed. Wiley, section 5.4
    (the Pareto chart among the "magnificent seven").

    Provost LP, Murray SK (2011). *The Health Care Data Guide*. Jossey-Bass (Pareto charts in
    health care improvement).

    Examples
    --------
    >>> import pandas as pd
    >>> import qitools as qi
    >>> falls = pd.DataFrame({"cause": ["Toileting"] * 9 + ["Confusion"] * 6 + ["Footwear"] * 3
    ...                                + ["Bed rails"] + ["Medication"]})
    >>> table = qi.pareto_table(falls, category="cause")
    >>> table[["category", "count", "percent", "cumulative_percent", "vital_few"]]
         category  count  percent  cumulative_percent  vital_few
    0   Toileting      9     45.0                45.0       True
    1   Confusion      6     30.0                75.0       True
    2    Footwear      3     15.0                90.0       True
    3   Bed rails      1      5.0                95.0      False
    4  Medication      1      5.0               100.0      False
    >>> qi.pareto_table(falls, category="cause", top=3)[["category", "count", "n_categories"]]
        category  count  n_categories
    0  Toileting      9             1
    1  Confusion      6             1
    2   Footwear      3             1
    3      Other      2             2
    """
    cut = _check_cut(cut)
    top = _check_top(top)
    min_percent = _check_min_percent(min_percent)
    if not isinstance(other_label, str) or not other_label.strip():
        raise QITypeError(f"`other_label` must be non-empty text such as 'Other'; got {other_label!r}.")
    cats, numbers, cat_name, count_name, whole = _pareto_inputs(data, category, count)

    codes, uniques = pd.factorize(cats, sort=False)
    totals = np.bincount(codes, weights=numbers, minlength=len(uniques))
    names = np.array([str(u) for u in uniques], dtype=object)
    order = np.lexsort((names.astype(str), -totals))  # largest first; ties by name
    totals = totals[order]
    values = [uniques[i] for i in order]
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    grand = float(totals.sum())
    cum = np.cumsum(totals)
    cum_pct = cum * 100.0 / cum[-1]
    cum_pct[-1] = 100.0
    percent = totals * 100.0 / grand
    k = int(np.argmax(cum_pct >= cut - _CUT_TOLERANCE)) + 1  # smallest prefix reaching the cut
    m = len(totals)

    # the tail that goes into Other: after the top categories and/or below min_percent, never the vital few
    start = m
    if top is not None:
        start = min(start, top)
    if min_percent is not None:
        small = np.flatnonzero(percent < min_percent)
        if small.size:
            start = min(start, int(small[0]))
    if start < k:
        import warnings

        why = f"top={top}" if top is not None and top < k else f"min_percent={min_percent:g}"
        warnings.warn(
            f"{why} would have put vital-few categories into '{other_label}'; the {k} vital-few categories "
            f"(reaching the {cut:g} % cut) are drawn as their own bars, and only the {m - k} after them go into "
            f"'{other_label}'.",
            DataChangedWarning,
            stacklevel=2,
        )
        start = k
    if m - start < 2:  # one category alone is shown under its own name, not as "Other"
        start = m
    other_names = [str(v) for v in values[start:]]
    if start < m and any(str(v) == other_label for v in values):
        raise QIValueError(
            f"The data already has a category called {other_label!r}, and the small categories would be combined "
            f"into a bar of the same name, so the two could not be told apart. Rename that category in the data, "
            f"or pass other_label='Other (combined)'."
        )
    rows_cat = values[:start]
    rows_count = list(totals[:start])
    rows_n = [1] * start
    if start < m:
        rows_cat.append(other_label)
        rows_count.append(float(totals[start:].sum()))
        rows_n.append(m - start)
    count_arr = np.asarray(rows_count, dtype=float)
    cum_out = np.concatenate([cum_pct[:start], [100.0]]) if start < m else cum_pct
    pct_out = count_arr * 100.0 / grand
    table = pd.DataFrame(
        {
            "category": pd.Series(rows_cat, dtype=object),
            "count": np.round(count_arr).astype(np.int64) if whole else count_arr,
            "percent": pct_out,
            "cumulative_percent": cum_out,
            "vital_few": np.arange(len(rows_cat)) < k,
            "other": np.arange(len(rows_cat)) >= start,
            "n_categories": np.asarray(rows_n, dtype=np.int64),
        }
    )
    table.attrs.update(
        {
            "cut": cut,
            "total": int(round(grand)) if whole else grand,
            "n_vital_few": k,
            "other_categories": other_names,
            "category_name": cat_name,
            "count_name": count_name,
        }
    )
    return table


def pareto_chart(
    data: pd.DataFrame | None = None,
    *,
    category: Hashable | Sequence[Any],
    count: Hashable | Sequence[Any] | None = None,
    ax: Axes | None = None,
    cut: float = 80,
    top: int | None = None,
    min_percent: float | None = None,
    other_label: str = "Other",
    title: str | None = None,
    subtitle: str | None = None,
    y_label: str | None = None,
    x_label: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw a Pareto chart: bars from largest to smallest, the cumulative percentage, the vital few marked.

    The data and options are those of :func:`pareto_table` (which gives the numbers drawn). The
    bars are the categories' totals, largest first (the combined Other bar, when asked for with
    ``top=`` or ``min_percent=``, comes last whatever its size, hatched). The line is the
    cumulative percentage on the right axis, ending at exactly 100 %; the left axis runs from 0
    to the grand total, so the line and the bars share one scale (Juran's layout, as in qcc).
    The vital few (the smallest set of largest categories whose cumulative share reaches
    ``cut``) are dark bars left of a dashed line; the cut is a dotted line on the right axis.

    Parameters
    ----------
    data, category, count, cut, top, min_percent, other_label
        As in :func:`pareto_table`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (the cumulative percentage goes on a twin Axes sharing its x axis).
        Omitted: a new figure, wide enough for the bars.
    title, subtitle : str, optional
        Text above the chart. By default the title names the measure and the category ("Falls by
        cause") and the subtitle says how many categories are the vital few and what share they
        hold; ``""`` for none. Text is drawn as typed (a ``$`` is a dollar sign, not mathematics).
    y_label, x_label : str, optional
        Axis labels (default: the count column's name, or "Number of rows"; the category
        column's name).
    figsize : (float, float), optional
        Size in inches of a new figure (ignored with ``ax=``).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new figure's Axes). Bars carry the id (``get_gid()``) ``qi-pareto-bar``
        (``qi-pareto-other`` for Other), the cumulative line ``qi-pareto-cumulative`` (on the
        twin Axes), the cut line ``qi-pareto-cut`` and the vital-few boundary
        ``qi-pareto-vital-few``.

    Raises
    ------
    QIValueError, QITypeError
        As in :func:`pareto_table`, before anything is drawn; ``ax`` that is not an Axes.

    Warns
    -----
    DataChangedWarning
        As in :func:`pareto_table`.

    See Also
    --------
    pareto_table : the numbers.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import qitools as qi
    >>> incidents = pd.DataFrame({"cause": ["Toileting", "Confusion", "Footwear", "Bed rails", "Medication"],
    ...                           "falls": [41, 27, 12, 6, 4]})
    >>> ax = qi.pareto_chart(incidents, category="cause", count="falls")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Toileting', 'Confusion', 'Footwear', 'Bed rails', 'Medication']
    >>> [round(h) for h in (p.get_height() for p in ax.patches if p.get_gid() == "qi-pareto-bar")]
    [41, 27, 12, 6, 4]
    """
    table = pareto_table(
        data, category=category, count=count, cut=cut, top=top, min_percent=min_percent, other_label=other_label
    )
    for name, value in (("title", title), ("subtitle", subtitle), ("y_label", y_label), ("x_label", x_label)):
        _check_optional_text(name, value)
    size = _check_figsize(figsize)
    from .plot.system import draw_pareto

    ax = draw_pareto(table, ax=ax, title=title, subtitle=subtitle, y_label=y_label, x_label=x_label, figsize=size)
    ax.qi_result = _Description(describe_pareto(table))  # type: ignore[attr-defined]  # alt text for save()
    return ax


# -- plain-text descriptions (the alt text of a saved diagram) ---------------------------------------
class _Description:
    """What :func:`qitools.plot.save` reads as a drawing's alt text (it calls ``.explain()``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def explain(self, facet: Any = None) -> str:
        return self.text


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def describe_pareto(table: pd.DataFrame) -> str:
    """A plain-English description of a Pareto table (the alt text of its chart)."""
    attrs = table.attrs
    what = attrs.get("count_name") or "count"
    parts = [f"{r.category}: {r.count:g} ({_pct(r.percent)}, cumulative {_pct(r.cumulative_percent)})"
             for r in table.itertuples()]  # fmt: skip
    vital = [str(c) for c in table.loc[table["vital_few"], "category"]]
    return (
        f"Pareto chart of {what} by {attrs.get('category_name', 'category')}, largest first. "
        + "; ".join(parts)
        + f". The vital few, reaching the {attrs.get('cut', 80):g}% cut: {', '.join(vital)}."
    )


def describe_causes(effect: str, causes: Mapping[str, Sequence[Any]]) -> str:
    """A plain-English description of a fishbone diagram (the alt text of its drawing)."""
    bones = []
    for cat, items in causes.items():
        texts = []
        for item in items:
            if isinstance(item, Mapping):
                ((cause, subs),) = item.items()
                texts.append(f"{cause} (because of: {', '.join(subs)})" if subs else str(cause))
            else:
                texts.append(str(item))
        bones.append(f"{cat}: {'; '.join(texts) if texts else 'no causes yet'}")
    return f"Cause-and-effect (fishbone) diagram of the effect '{effect}'. " + ". ".join(bones) + "."


def describe_steps(checked: list[dict[str, Any]], edges: list[dict[str, int]], start: str, end: str) -> str:
    """A plain-English description of a process map (the alt text of its drawing)."""
    n = len(checked)

    def name(j: int) -> str:
        return f"'{end}'" if j == n else f"'{checked[j]['step']}'"

    out = [f"Process map from '{start}' to '{end}' in {n} steps."]
    for i, step in enumerate(checked):
        text = f"{i + 1}. {step['step']}"
        if step["kind"] == "decision":
            text += f" (decision: yes to {name(edges[i]['yes'])}, no to {name(edges[i]['no'])})"
        elif step["kind"] == "delay":
            text += f" (delay{': ' + step['wait'] if step.get('wait') else ''})"
        if step["kind"] != "decision" and edges[i][""] != i + 1:
            text += f", then to {name(edges[i][''])}"
        out.append(text + ".")
    return " ".join(out)


# -- shared checks ------------------------------------------------------------------------------------
def _check_optional_text(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise QITypeError(f"`{name}` must be text (or None); got {value!r} ({type(value).__name__}).")


def _check_figsize(figsize: Any) -> tuple[float, float] | None:
    if figsize is None:
        return None
    try:
        w, h = (float(v) for v in figsize)
    except (TypeError, ValueError):
        raise QITypeError(f"figsize must be (width, height) in inches, e.g. (10, 6); got {figsize!r}.") from None
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise QIValueError(f"figsize must be (width, height) in inches, both > 0; got {figsize!r}.")
    return (w, h)


def _clean_text(value: Any, what: str) -> str:
    """Text as drawn: stripped, inner whitespace (newlines, tabs) kept as single spaces; no control characters."""
    if isinstance(value, float) and math.isnan(value):
        raise QIValueError(f"{what} is missing (NaN). Type the text, or leave the item out.")
    if not isinstance(value, str):
        raise QITypeError(f"{what} must be text; got {value!r} ({type(value).__name__}). Put it in quotes.")
    if _CONTROL.search(value):
        raise QIValueError(
            f"{what} contains invisible control characters ({value!r}); they cannot be drawn. "
            "Retype the text, or copy it again from a plain-text source."
        )
    text = " ".join(value.split())
    if not text:
        raise QIValueError(f"{what} is empty. Every item needs some text; remove the item if it is not needed.")
    return text


# -- cause and effect ---------------------------------------------------------------------------------
def check_causes(causes: Any) -> dict[str, list[str | dict[str, list[str]]]]:
    """Check the causes of a cause-and-effect (fishbone) diagram and return a tidy copy.

    Parameters
    ----------
    causes : dict
        ``{category: [cause, ...]}``: each category (a bone of the fishbone, e.g. "People",
        "Equipment") with its list of causes; a cause is text, or ``{cause: [sub-cause, ...]}``
        (a dict with one key) for a cause with its own causes. A category may have no causes
        yet (an empty list), e.g. for a blank template in a workshop.

    Returns
    -------
    dict
        The same shape with every text stripped and runs of spaces, tabs and line breaks made
        single spaces (the diagram wraps text itself); categories in the order given.

    Raises
    ------
    QIValueError
        No categories; empty or blank text; the same cause twice in one list; a cause dict with
        no key or several keys; control characters in text.
    QITypeError
        ``causes`` is not a dict; a category's causes are not a list; a cause or sub-cause is not
        text (deeper nesting than cause and sub-cause is not drawn).

    Examples
    --------
    >>> from qitools.system import check_causes
    >>> check_causes({"People ": ["Agency  staff", {"Handover": ["No checklist"]}], "Environment": []})
    {'People': ['Agency staff', {'Handover': ['No checklist']}], 'Environment': []}
    """
    example = "{'People': ['Agency staff', {'Handover': ['No checklist', 'Rushed']}], 'Equipment': ['Bed alarms']}"
    if not isinstance(causes, Mapping):
        raise QITypeError(
            f"`causes` must be a dict of categories and their causes, such as {example}; got "
            f"{type(causes).__name__}."
        )
    if len(causes) == 0:
        raise QIValueError(
            f"`causes` is empty: a fishbone needs at least one category (bone). For example {example}. The usual "
            "categories in health care are People, Methods (procedures), Equipment, Materials (supplies), "
            "Environment and Measurement."
        )
    out: dict[str, list[str | dict[str, list[str]]]] = {}
    for cat, items in causes.items():
        name = _clean_text(cat, f"The category name {cat!r}")
        if name in out:
            raise QIValueError(f"The category {name!r} appears twice (after tidying spaces). Merge the two lists.")
        if isinstance(items, (str, bytes)) or not isinstance(items, (list, tuple)):
            raise QITypeError(
                f"The causes of category {name!r} must be a list, such as ['Agency staff', 'Skill mix']; got "
                f"{items!r}. Put a single cause in square brackets: [{items!r}]."
            )
        clean: list[str | dict[str, list[str]]] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = f"cause {i + 1} of category {name!r}"
            if isinstance(item, Mapping):
                if len(item) != 1:
                    raise QIValueError(
                        f"The {where} is a dict with {len(item)} keys ({list(item)!r}). A cause with sub-causes is a "
                        "dict with one key, the cause, whose value is the list of its sub-causes: "
                        "{'Handover': ['No checklist', 'Rushed']}. Split it into one dict per cause."
                    )
                (cause, subs), = item.items()
                cause = _clean_text(cause, f"The text of {where}")
                if isinstance(subs, (str, bytes)) or not isinstance(subs, (list, tuple)):
                    raise QITypeError(
                        f"The sub-causes of {cause!r} ({where}) must be a list of text, such as ['No checklist']; "
                        f"got {subs!r}."
                    )
                sub_clean: list[str] = []
                for j, sub in enumerate(subs):
                    if isinstance(sub, (Mapping, list, tuple)):
                        raise QITypeError(
                            f"Sub-cause {j + 1} of {cause!r} ({where}) is a {type(sub).__name__}; sub-causes must be "
                            "text. The diagram draws two levels, cause and sub-cause: make a deeper cause a cause "
                            "of its own, or join the words into one sub-cause."
                        )
                    text = _clean_text(sub, f"Sub-cause {j + 1} of {cause!r} ({where})")
                    if text in sub_clean:
                        raise QIValueError(f"The sub-cause {text!r} appears twice under {cause!r}. Remove one.")
                    sub_clean.append(text)
                key = cause
                clean.append({cause: sub_clean})
            elif isinstance(item, (list, tuple)):
                raise QITypeError(
                    f"The {where} is a list ({item!r}). A cause is text, or a dict of the cause and its "
                    "sub-causes: {'Handover': ['No checklist', 'Rushed']}."
                )
            else:
                key = _clean_text(item, f"The text of {where}")
                clean.append(key)
            if key in seen:
                raise QIValueError(f"The cause {key!r} appears twice under {name!r}. Remove one, or merge them.")
            seen.add(key)
        out[name] = clean
    return out


def cause_effect_diagram(
    effect: str,
    causes: Mapping[str, Sequence[Any]],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw a cause-and-effect (fishbone, Ishikawa) diagram.

    The effect (the problem) is the head on the right; each category is a bone meeting the spine,
    alternately above and below it, with its causes as horizontal ribs and any sub-causes listed
    under their cause. Text is wrapped and the figure sized so that every cause stays legible
    (11 pt causes, 10 pt sub-causes) and no two pieces of text overlap, up to 6 categories x 6
    causes and beyond (the figure grows).

    Parameters
    ----------
    effect : str
        The problem, e.g. "Patients fall on Ward 7".
    causes : dict
        ``{category: [cause, ...]}``, a cause being text or ``{cause: [sub-cause, ...]}``; see
        :func:`check_causes`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (its axis lines are hidden). Omitted: a new figure sized to fit the text.
        Text keeps its size whatever the Axes: a too-small Axes gives a warning with the size
        needed.
    title : str, optional
        A title above the diagram.
    figsize : (float, float), optional
        Size in inches of a new figure; text is wrapped to fit its width (a warning when it
        cannot fit). Ignored with ``ax=``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new figure's Axes). Texts carry ids: ``qi-fishbone-effect``,
        ``qi-fishbone-category``, ``qi-fishbone-cause``, ``qi-fishbone-subcause``.

    Raises
    ------
    QIValueError, QITypeError
        Bad causes (see :func:`check_causes`) or an empty effect, before anything is drawn.

    Warns
    -----
    qitools.plot.system.DiagramTooSmallWarning
        The Axes (or ``figsize``) is too small for the text at its size.

    See Also
    --------
    check_causes : the data's shape and checks.
    process_map : the steps of the process.

    Notes
    -----
    Start from the effect stated as a measurable problem, use categories that suit the process
    (the "6 Ms" of manufacturing become People, Methods, Equipment, Materials, Environment and
    Measurement in health care), and keep asking "why?" to reach sub-causes. A fishbone records
    a team's theories; data (a Pareto chart, a run chart) tests them.

    References
    ----------
    Ishikawa K (1986). *Guide to Quality Control*, 2nd ed. Tokyo: Asian Productivity Organization
    (the cause-and-effect diagram).

    NHS England and NHS Improvement (2021). *Quality, Service Improvement and Redesign (QSIR)
    tools: cause and effect (fishbone)*.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> ax = qi.cause_effect_diagram(
    ...     "Falls on Ward 7",
    ...     {"People": ["Agency staff", {"Handover": ["No falls checklist"]}], "Environment": ["Poor lighting"]})
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "qi-fishbone-cause")
    ['Agency staff', 'Handover', 'Poor lighting']
    """
    text = _clean_text(effect, "The effect (the problem the diagram explains)")
    clean = check_causes(causes)
    _check_optional_text("title", title)
    size = _check_figsize(figsize)
    from .plot.system import draw_fishbone

    ax = draw_fishbone(text, clean, ax=ax, title=title, figsize=size)
    ax.qi_result = _Description(describe_causes(text, clean))  # type: ignore[attr-defined]  # alt text for save()
    return ax


# -- process map --------------------------------------------------------------------------------------
def _is_index(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_steps(steps: Any) -> list[dict[str, Any]]:
    """Check the steps of a process map and return them as dicts.

    Parameters
    ----------
    steps : list
        The steps in order. A step is text (an ordinary step), or a dict with the keys

        - ``"step"`` (required): its text;
        - ``"kind"``: ``"step"`` (default), ``"decision"`` or ``"delay"``;
        - ``"yes"``, ``"no"`` (decisions only): where each answer goes: a step's text, its
          position in the list (counting from 0), or ``"end"``. Leave one out and it goes to the
          next step; at least one must be given, and the two must differ;
        - ``"next"`` (steps and delays only): where the flow goes after this step, given the same
          way, when it is not the step after it in the list: ``"end"`` for a second ending (the
          process ends here), an earlier step for a loop back, a later one to skip ahead. Left out,
          the flow goes on to the next step (after the last step, to the end);
        - ``"wait"`` (delays only): how long, or what is waited for, e.g. "2-4 hours".

    Returns
    -------
    list of dict
        One dict per step with ``step`` and ``kind``, plus ``yes``/``no`` (as given) for
        decisions, ``next`` (as given) for steps and delays that have one, and ``wait`` for delays
        that have one; text stripped and runs of whitespace made single spaces.

    Raises
    ------
    QIValueError
        No steps; empty text; an unknown key or kind; ``yes``/``no`` on a step that is not a
        decision, ``next`` on a decision, or ``wait`` on one that is not a delay; a decision with
        neither branch or both to the same place; a branch or ``next`` to an unknown step, to a
        step whose text is not unique, or to itself.
    QITypeError
        ``steps`` is not a list; a step that is neither text nor a dict; a target that is neither
        text nor a whole number.

    Examples
    --------
    >>> from qitools.system import check_steps
    >>> check_steps(["Referral received", {"step": "Urgent?", "kind": "decision", "no": "Routine list"},
    ...              {"step": "Wait for clinic", "kind": "delay", "wait": "2 weeks", "next": "end"},
    ...              "Routine list"])
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'step': 'Referral received', 'kind': 'step'},
     {'step': 'Urgent?', 'kind': 'decision', 'no': 'Routine list'},
     {'step': 'Wait for clinic', 'kind': 'delay', 'next': 'end', 'wait': '2 weeks'},
     {'step': 'Routine list', 'kind': 'step'}]
    """
    checked, _ = _resolve_steps(steps)
    return checked


def _resolve_steps(steps: Any) -> tuple[list[dict[str, Any]], list[dict[str, int]]]:
    """Checked steps, and for each step its outgoing edges {label: target index}; index len(steps) is the end."""
    example = "['Patient arrives', {'step': 'Triage', 'kind': 'decision', 'no': 'Discharge'}, 'Discharge']"
    if isinstance(steps, (str, bytes, Mapping)) or not isinstance(steps, Sequence):
        raise QITypeError(f"`steps` must be a list of steps, such as {example}; got {type(steps).__name__}.")
    if len(steps) == 0:
        raise QIValueError(f"`steps` is empty: a process map needs at least one step, e.g. {example}.")
    checked: list[dict[str, Any]] = []
    for i, raw in enumerate(steps):
        where = f"Step {i} ({raw!r})" if isinstance(raw, str) else f"Step {i}"
        if isinstance(raw, str):
            checked.append({"step": _clean_text(raw, f"The text of step {i}"), "kind": "step"})
            continue
        if not isinstance(raw, Mapping):
            raise QITypeError(
                f"{where} must be text or a dict such as {{'step': 'Triage', 'kind': 'decision', 'no': 'Discharge'}}; "
                f"got {type(raw).__name__} {raw!r}."
            )
        unknown = [k for k in raw if k not in _STEP_KEYS]
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(str(key).lower(), _STEP_KEYS, n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            raise QIValueError(
                f"{where} has an unknown key {key!r}.{tip} A step's keys are 'step', 'kind', 'yes', 'no' "
                "(decisions), 'next' (steps and delays) and 'wait' (delays), in lower case."
            )
        if "step" not in raw:
            raise QIValueError(f"{where} has no 'step' key: every step needs its text, e.g. {{'step': 'Triage'}}.")
        text = _clean_text(raw["step"], f"The text of step {i}")
        where = f"Step {i} ({text!r})"
        kind = raw.get("kind", "step")
        if not isinstance(kind, str) or kind not in STEP_KINDS:
            close = difflib.get_close_matches(str(kind).lower(), STEP_KINDS, n=1, cutoff=0.5)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            raise QIValueError(
                f"{where} has kind {kind!r}; a kind is one of 'step', 'decision' or 'delay' (lower case).{tip}"
            )
        step: dict[str, Any] = {"step": text, "kind": kind}
        if kind != "decision" and ("yes" in raw or "no" in raw):
            raise QIValueError(
                f"{where} has a 'yes' or 'no' branch but its kind is {kind!r}. Only decisions branch: add "
                "'kind': 'decision' (and write the step as a question), or remove the branch (to send this step "
                "somewhere other than the step after it, give it a 'next' instead)."
            )
        if kind == "decision" and "next" in raw:
            raise QIValueError(
                f"{where} is a decision with a 'next'. A decision says where each answer goes with 'yes' and "
                "'no' (an answer left out goes to the step after it): replace 'next' with the 'yes' or 'no' it "
                "stands for."
            )
        if kind != "delay" and "wait" in raw:
            raise QIValueError(
                f"{where} has a 'wait' but its kind is {kind!r}. Waits belong to delays: add 'kind': 'delay', "
                "or remove the wait."
            )
        if kind == "decision":
            if "yes" not in raw and "no" not in raw:
                raise QIValueError(
                    f"{where} is a decision without a 'yes' or 'no' branch. Say where at least one answer goes "
                    "(a step's text, its position counting from 0, or 'end'); the other goes to the next step."
                )
            for label in ("yes", "no"):
                if label in raw:
                    step[label] = _check_target(raw[label], f"The '{label}' branch of {where}")
        elif "next" in raw:
            step["next"] = _check_target(raw["next"], f"The 'next' of {where}")
        if kind == "delay" and "wait" in raw:
            step["wait"] = _clean_text(raw["wait"], f"The wait of {where}")
        checked.append(step)

    n = len(checked)
    texts = [s["step"] for s in checked]
    edges: list[dict[str, int]] = []
    for i, step in enumerate(checked):
        if step["kind"] != "decision":
            target = step.get("next")
            edges.append({"": i + 1 if target is None else _find_target(target, texts, i, "next")})
            continue
        out: dict[str, int] = {}
        for label in ("yes", "no"):
            target = step.get(label)
            out[label] = i + 1 if target is None else _find_target(target, texts, i, label)
        if out["yes"] == out["no"]:
            dest = "the end" if out["yes"] == n else f"step {out['yes']} ({texts[out['yes']]!r})"
            raise QIValueError(
                f"Both branches of decision {i} ({step['step']!r}) go to {dest} (a branch left out goes to the next "
                "step). A decision needs two different outcomes; make it an ordinary step if there is only one."
            )
        edges.append(out)
    return checked, edges


def _check_target(target: Any, where: str) -> str | int:
    """A branch's or a next's target as stored: text with single spaces, or a whole number."""
    if isinstance(target, str):
        return " ".join(target.split())
    if not _is_index(target):
        raise QITypeError(
            f"{where} must be a step's text, its position (a whole number counting from 0) or 'end'; "
            f"got {target!r} ({type(target).__name__})."
        )
    return int(target)


def _find_target(target: str | int, texts: list[str], i: int, label: str) -> int:
    n = len(texts)
    if label == "next":
        where = f"The 'next' of step {i} ({texts[i]!r})"
        itself = "the step itself. A step cannot follow itself: point 'next' at the step that comes after it"
    else:
        where = f"The '{label}' branch of decision {i} ({texts[i]!r})"
        itself = "the decision itself. Point it at the step that follows that answer"
    if isinstance(target, int):
        if not 0 <= target < n:
            raise QIValueError(
                f"{where} goes to step {target}, but the steps are numbered 0 to {n - 1} (counting from 0). "
                "Use a step's text, its position, or 'end'."
            )
        found = target
    else:
        matches = [j for j, t in enumerate(texts) if t == target]
        if not matches and target.lower() == "end":
            return n
        if not matches:
            lowered = {t.lower(): t for t in reversed(texts)}  # capitals ignored when looking for the one meant
            close = difflib.get_close_matches(target.lower(), list(lowered), n=1, cutoff=0.6)
            tip = f" Did you mean {lowered[close[0]]!r}?" if close else ""
            raise QIValueError(
                f"{where} goes to {target!r}, which is not the text of any step.{tip} Type the step's text exactly "
                "(capitals included), give its position counting from 0, or 'end' to leave the process."
            )
        if len(matches) > 1:
            raise QIValueError(
                f"{where} goes to {target!r}, but {len(matches)} steps have that text (positions "
                f"{', '.join(map(str, matches))}). Give the position of the one you mean instead."
            )
        found = matches[0]
    if found == i:
        raise QIValueError(f"{where} goes back to {itself}.")
    return found


class UnreachableStepWarning(QIToolsWarning):
    """A step of a process map that no arrow leads to, or an end no path reaches (it is still drawn)."""


def _warn_unreachable(checked: list[dict[str, Any]], edges: list[dict[str, int]]) -> None:
    """Warn about steps no path from the start reaches, and about an end that no path reaches."""
    n = len(checked)
    seen, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j in edges[i].values():
            if j not in seen:
                seen.add(j)
                if j < n:
                    todo.append(j)
    lost = [i for i in range(n) if i not in seen]
    import warnings

    if lost:
        names = ", ".join(f"{i} ({checked[i]['step']!r})" for i in lost[:5]) + (" ..." if len(lost) > 5 else "")
        them = "them" if len(lost) > 1 else "it"
        warnings.warn(
            f"No path from the start reaches step{'s' if len(lost) > 1 else ''} {names}: the flow jumps past {them} "
            f"(a 'next', or both answers of a decision, lead elsewhere) and nothing reached from the start points "
            f"to {them}. "
            f"{'They are' if len(lost) > 1 else 'It is'} drawn, cut off from the start; if the flow should go "
            "there, point a 'next', 'yes' or 'no' at the step.",
            UnreachableStepWarning,
            stacklevel=3,
        )
    if n not in seen:
        warnings.warn(
            "No path from the start reaches the end: every way through the map loops back. The end is drawn "
            "with no arrow into it; give the step (or decision answer) where the process finishes a "
            "'next': 'end' (or 'yes'/'no': 'end').",
            UnreachableStepWarning,
            stacklevel=3,
        )


def process_map(
    steps: Sequence[Any],
    ax: Axes | None = None,
    *,
    per_row: int | None = None,
    start: str = "Start",
    end: str = "End",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw a process map (flowchart) from a list of steps, left to right, wrapping onto new rows.

    Start and end are ovals; a step is a rectangle; a decision is a diamond with its "Yes" and
    "No" branches (the branch to the next step is a plain arrow, the other loops back or jumps
    forward through the space between rows, in blue); a delay is a "D" shape in orange with an
    hourglass and its wait written under it, so that waits stand out. A step or delay with a
    ``"next"`` has a blue arrow (no label) to that step, or to the end oval for ``"end"``, instead
    of the arrow to the step after it: a process with two endings, or a loop back. Rows read left
    to right; the arrow at the end of a row continues at the start of the next.

    Parameters
    ----------
    steps : list
        The steps in order: text, or dicts ``{"step": ..., "kind": "step" | "decision" |
        "delay", "yes": ..., "no": ..., "next": ..., "wait": ...}``; see :func:`check_steps`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (its axis lines are hidden). Omitted: a new figure sized to fit.
    per_row : int, optional
        Shapes per row, counting the start and end ovals (default: at most 5, rows balanced).
    start, end : str, default "Start" and "End"
        The text of the ovals (e.g. start="Patient arrives in ED").
    title : str, optional
        A title above the map.
    figsize : (float, float), optional
        Size in inches of a new figure (a warning when the map does not fit). Ignored with ``ax=``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new figure's Axes). Texts carry ids ``qi-process-step`` (``-decision``,
        ``-delay``, ``-terminal``), ``qi-process-wait`` and ``qi-process-branch`` ("Yes"/"No").

    Raises
    ------
    QIValueError, QITypeError
        Bad steps (see :func:`check_steps`), bad options, before anything is drawn.

    Warns
    -----
    UnreachableStepWarning
        A step no path from the start reaches (the flow jumps past it: a ``"next"``, or both
        answers of a decision, go elsewhere), or an end no path reaches (every way loops back).
    qitools.plot.system.DiagramTooSmallWarning
        The Axes (or ``figsize``) is too small for the text at its size.

    See Also
    --------
    check_steps : the data's shape and checks.
    cause_effect_diagram : the causes of a problem.

    Notes
    -----
    Map the process as it is, not as it should be, walking it with the people who do it; then
    look for the delays (where patients wait), loops (rework) and decisions that send work back.
    The shapes are the usual flowchart symbols (terminator, process, decision, delay).

    References
    ----------
    Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP (2009). *The Improvement Guide*,
    2nd ed. Jossey-Bass (flowcharts for understanding a process).

    NHS England and NHS Improvement (2021). *Quality, Service Improvement and Redesign (QSIR)
    tools: process mapping*.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import qitools as qi
    >>> ax = qi.process_map(["Referral received",
    ...                      {"step": "Wait for triage", "kind": "delay", "wait": "3 days"},
    ...                      {"step": "Urgent?", "kind": "decision", "no": "Routine clinic"},
    ...                      {"step": "Urgent clinic", "next": "end"},  # two endings: not on to the routine clinic
    ...                      "Routine clinic"])
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "qi-process-wait"]
    ['3 days']
    """
    checked, edges = _resolve_steps(steps)
    _warn_unreachable(checked, edges)
    if per_row is not None:
        if isinstance(per_row, (bool, np.bool_)) or not _is_index(per_row):
            raise QITypeError(f"`per_row` must be a whole number such as 5; got {per_row!r}.")
        if per_row < 2:
            raise QIValueError(f"`per_row` must be at least 2 (shapes per row); got {per_row}.")
    start_text = _clean_text(start, "`start` (the text of the start oval)")
    end_text = _clean_text(end, "`end` (the text of the end oval)")
    _check_optional_text("title", title)
    size = _check_figsize(figsize)
    from .plot.system import draw_process_map

    ax = draw_process_map(
        checked, edges, ax=ax, per_row=None if per_row is None else int(per_row), start=start_text,
        end=end_text, title=title, figsize=size,
    )  # fmt: skip
    ax.qi_result = _Description(describe_steps(checked, edges, start_text, end_text))  # type: ignore[attr-defined]
    return ax
