"""The link between PDSA cycles and the charts of the measures they are meant to move.

No plotting here (see :mod:`qitools.pdsa.draw`): the measure's chart as a
:class:`~qitools.ControlChart`, the cycles as an annotation table for the plotting layer
(``cc.plot(annotations=...)``), and the chart's signals since a cycle began (its Study).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..spc.errors import QITypeError, QIValueError
from ._text import clean
from ._voice import say
from .model import Measure, PDSACycle, Project

__all__ = [
    "cycle_annotations",
    "chart_marks",
    "cycles_outside",
    "match_measure",
    "measure_chart",
    "measure_data",
    "signals_during",
]

ANNOTATION_COLUMNS = [
    "x", "x_end", "label", "kind", "cycle", "title", "change_idea", "ramp", "act", "scale_n", "status",
]  # fmt: skip
_LABEL_CHARS = 34


def _cycles_of(project_or_cycles: Any) -> tuple[Project | None, list[PDSACycle]]:
    if isinstance(project_or_cycles, Project):
        return project_or_cycles, list(project_or_cycles.cycles)
    if isinstance(project_or_cycles, PDSACycle):
        return None, [project_or_cycles]
    if isinstance(project_or_cycles, Iterable) and not isinstance(project_or_cycles, (str, bytes, dict)):
        cycles = list(project_or_cycles)
        if all(isinstance(c, PDSACycle) for c in cycles):
            return None, cycles
    raise QITypeError(
        f"Expected a qitools.pdsa.Project, a PDSACycle or a list of them; got {type(project_or_cycles).__name__}."
    )


def _measure_id(project: Project | None, measure: Any) -> str | None:
    if measure is None:
        return None
    if isinstance(measure, Measure):
        return measure.id
    if project is not None:
        return project.measure(measure).id  # raises, naming the measures, when unknown
    return str(measure)


def cycle_annotations(project_or_cycles: Any, measure: Any = None, *, labels: str = "title") -> pd.DataFrame:
    """The cycles as a table of chart annotations, for ``cc.plot(annotations=...)``.

    Parameters
    ----------
    project_or_cycles : Project, PDSACycle or list of PDSACycle
        The cycles to mark.
    measure : str or Measure, optional
        Keep the cycles meant to move this measure, and those that name no measure. By default
        every cycle is kept.
    labels : {"title", "id", "full"}, default "title"
        The ``label`` of each cycle: its id and title (``"C3 Falls sensor mats"``), its id only
        (``"C3"``: best when many cycles are close together), or id, title and scale
        (``"C3 Falls sensor mats (1 patient)"``).

    Returns
    -------
    pandas.DataFrame
        One row per cycle that has started (has a ``start_date``, or else an ``end_date``), in time
        order. Columns: ``x`` (start, a Timestamp), ``x_end`` (end, or NaT when the same day or not
        yet known), ``label`` (see ``labels``), ``kind``
        (``"pdsa"``), and ``cycle``, ``title`` (in full), ``change_idea``, ``ramp``, ``act``,
        ``scale_n``, ``status``.

    Raises
    ------
    QIValueError
        When ``measure`` is not a measure of the project.

    Examples
    --------
    >>> import qitools as qi
    >>> ann = qi.pdsa.cycle_annotations(qi.pdsa.example_project(), measure="M1", labels="full")
    >>> ann[["x", "x_end", "label"]].head(3)
               x     x_end                             label
    0 2024-02-05 2024-02-11     C1 Bay tagging (1 bay, nights)
    1 2024-03-04 2024-03-17  C2 Bay tagging (1 bay, all day)
    2 2024-03-11 2024-03-15   C3 Falls sensor mats (1 patient)
    """
    if labels not in ("title", "id", "full"):
        raise QIValueError(f"`labels` must be 'title', 'id' or 'full'; got {labels!r}.")
    project, cycles = _cycles_of(project_or_cycles)
    mid = _measure_id(project, measure)
    rows = []
    for c in cycles:
        if mid is not None and c.measure is not None and c.measure != mid:
            continue
        start = _timestamp(c.start_date) if c.start_date else _timestamp(c.end_date)
        if start is None:
            continue
        end = _timestamp(c.end_date)
        title = project.cycle_title(c) if project is not None else clean(c.title.strip())
        full_title = title
        if len(title) > _LABEL_CHARS:
            title = title[: _LABEL_CHARS - 1].rstrip() + "…"
        label = " ".join(p for p in (clean(c.id or ""), "" if labels == "id" else title) if p)
        if labels == "full" and c.scale.strip():
            label += f" ({clean(c.scale.strip())})"
        rows.append(
            {
                "x": start,
                "x_end": end if end is not None and end != start else pd.NaT,
                "label": label,
                "kind": "pdsa",
                "cycle": c.id,
                "title": full_title,
                "change_idea": c.change_idea,
                "ramp": c.ramp,
                "act": c.act,
                "scale_n": c.scale_n,
                "status": c.status,
            }
        )
    out = pd.DataFrame(rows, columns=ANNOTATION_COLUMNS)
    out["x"] = pd.to_datetime(out["x"])
    out["x_end"] = pd.to_datetime(out["x_end"])
    out["scale_n"] = out["scale_n"].astype("Int64")
    return out.sort_values("x", kind="stable").reset_index(drop=True)


def _timestamp(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        return None  # not a date: the checks report it


def measure_data(project: Project, measure: Any = None, data: Any = None) -> pd.DataFrame:
    """The data of a measure: ``data`` when given, else the measure's ``dataset``.

    Parameters
    ----------
    project : Project
        The project.
    measure : str or Measure, optional
        The measure (default: the aim's measure, else the first outcome measure).
    data : pandas.DataFrame or str or pathlib.Path, optional
        The data, or a CSV / Excel file. When left out, the measure's ``dataset``: the copy kept
        with the project (``project.data``, in the store's file), else a file (absolute, next to
        the project file, or in the working folder), else the name of a dataset bundled with
        qitools.

    Returns
    -------
    pandas.DataFrame
        A copy, with the measure's ``x`` column converted to dates when it holds ISO dates as text.

    Raises
    ------
    QIValueError
        When there is no data, or a file cannot be found.
    """
    m = measure if isinstance(measure, Measure) else project.measure(measure)
    if isinstance(data, pd.DataFrame):
        df = data.copy()
    elif isinstance(data, (str, Path)):
        df = _read_table(Path(data))
    elif data is not None:
        raise QITypeError(f"`data` must be a DataFrame or a file name; got {type(data).__name__}.")
    elif m.dataset:
        df = _dataset(project, m.dataset)
    else:
        raise QIValueError(
            f"Measure {m.id!r} ({m.name}) has no data: "
            + say(
                "pass data= (a DataFrame with its columns), or set the measure's dataset to a CSV file.",
                f"give --data FILE, or set its data with `qitools pdsa update-measure {{file}} {m.id} --dataset FILE`.",
            )
        )
    if m.subset:
        df = _apply_subset(df, m)
    if m.x and m.x in df.columns and (pd.api.types.is_object_dtype(df[m.x]) or pd.api.types.is_string_dtype(df[m.x])):
        parsed = pd.to_datetime(df[m.x], errors="coerce", format="ISO8601")
        if parsed.notna().sum() == df[m.x].notna().sum():
            df[m.x] = parsed
    return df


def _apply_subset(df: pd.DataFrame, m: Measure) -> pd.DataFrame:
    from ..spc.validate import require_columns

    require_columns(df, {f"subset of measure {m.id!r}": col for col in m.subset} if len(m.subset) == 1 else
                    {f"subset of measure {m.id!r} ({col})": col for col in m.subset})  # fmt: skip
    keep = pd.Series(True, index=df.index)
    for col, wanted in m.subset.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        hit = df[col].isin(values)
        if not hit.any():
            have = ", ".join(repr(v) for v in pd.unique(df[col].dropna())[:12])
            raise QIValueError(
                f"Measure {m.id!r} keeps the rows where {col!r} is {' or '.join(repr(v) for v in values)}, but the "
                f"data has no such rows. The values of {col!r} are: {have}. Check the spelling in the measure's subset."
            )
        keep &= hit
    return df[keep].reset_index(drop=True)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise QIValueError(f"No file at {str(path)!r}. Check the name and the folder.")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path)
    return pd.read_csv(path)


def _dataset(project: Project, name: str) -> pd.DataFrame:
    import io

    if name in project.data:
        return pd.read_csv(io.StringIO(project.data[name]))
    candidates: list[Path] = []
    if project.source:
        folder = Path(project.source).resolve().parent
        candidates += [folder / name, folder / Path(name).name]
    candidates += [Path(name), Path(Path(name).name)]
    looked: list[str] = []
    for path in dict.fromkeys(candidates):
        if path.is_file():
            return _read_table(path)
        looked.append(str(path.resolve()) if not path.is_absolute() else str(path))
    if importlib.util.find_spec("qitools.datasets") is not None:
        from .. import datasets  # type: ignore[attr-defined]

        try:
            return datasets.load(Path(name).stem if name.lower().endswith(".csv") else name)
        except Exception:  # noqa: BLE001 - fall through to the message below
            pass
    kept = (
        f" The project keeps {', '.join(repr(k) for k in project.data)}."
        if project.data
        else " The project keeps no data yet."
    )
    where = f" (the project file is {project.source!r})" if project.source else ""
    raise QIValueError(
        f"Could not find the data {name!r} of the measures that chart it{where}. Looked for a file at: "
        f"{'; '.join(dict.fromkeys(looked))}; and among the datasets bundled with qitools.{kept} Keep the data in "
        "the project file so that it travels with it: "
        + say(
            f"store.put_data({name!r}, 'path/to/file.csv') (or `qitools pdsa data STORE path/to/file.csv --name "
            f"{name}`); or pass data= (a DataFrame or a CSV file).",
            f"`qitools pdsa data {{file}} path/to/file.csv --name {name}`; or give --data FILE.",
        )
    )


def measure_chart(project: Project, measure: Any = None, data: Any = None, **options: Any) -> Any:
    """The run or control chart of a measure, as its definition says.

    Parameters
    ----------
    project : Project
        The project.
    measure : str or Measure, optional
        The measure (default: the aim's measure, else the first outcome measure).
    data : pandas.DataFrame or str, optional
        The data (see :func:`measure_data`).
    **options
        Passed on to :func:`qitools.control_chart`, overriding the measure's own ``x``, ``y``,
        ``n``, ``chart``, ``multiply`` and ``improvement`` (and the aim's ``target``).

    Returns
    -------
    ControlChart

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> cc = qi.pdsa.measure_chart(p, "M1", data=qi.pdsa.example_data(), part=["2024-08-01"])
    >>> cc.summary[["part", "cl"]].round(2)
       part    cl
    0     1  7.92
    1     2  5.16
    """
    from ..api import control_chart

    m = measure if isinstance(measure, Measure) else project.measure(measure)
    if not m.y:
        raise QIValueError(
            f"Measure {m.id!r} ({m.name}) does not say which dataset column it charts: set its y (and x, and n for "
            "p and u charts)."
        )
    df = measure_data(project, m, data)
    kwargs: dict[str, Any] = {"x": m.x, "y": m.y, "n": m.n, "chart": m.chart, "multiply": m.multiply}
    if m.improvement:
        kwargs["improvement"] = m.improvement
    if project.aim.measure == m.id and project.aim.target is not None:
        kwargs["target"] = project.aim.target
    kwargs.update(options)
    if isinstance(kwargs.get("part"), list) and m.x and pd.api.types.is_datetime64_any_dtype(df[m.x]):
        kwargs["part"] = [pd.Timestamp(v) for v in kwargs["part"]]
    return control_chart(df, **kwargs)


def signals_during(project: Project, cycle: Any, data: Any = None, *, measure: Any = None) -> pd.DataFrame:
    """The chart's signals from the start of a cycle on: what the Study stage should look at.

    Parameters
    ----------
    project : Project
        The project.
    cycle : str or PDSACycle
        The cycle.
    data : pandas.DataFrame or str, optional
        The measure's data (see :func:`measure_data`).
    measure : str or Measure, optional
        The measure; by default the cycle's own, else the project's main measure.

    Returns
    -------
    pandas.DataFrame
        The rows of ``cc.signals()`` whose ``x`` is on or after the cycle's start date.
    """
    c = cycle if isinstance(cycle, PDSACycle) else project.cycle(cycle)
    start = _timestamp(c.start_date)
    if start is None:
        raise QIValueError(f"Cycle {c.id!r} has not started (no start_date), so there is nothing to study yet.")
    cc = measure_chart(project, measure if measure is not None else c.measure, data)
    sig = cc.signals()
    x = sig["x"]
    if not pd.api.types.is_datetime64_any_dtype(x):
        raise QIValueError(_NOT_DATES)
    return sig[x >= start]


_NOT_DATES = (
    "The chart's x is not dates, so the cycles cannot be placed on it. Chart the measure by date: set the "
    "measure's x to a date column (convert it with pd.to_datetime(df['month']) if it holds text)."
)


def cycles_outside(annotations: pd.DataFrame, x: Any, *, advice: str = "store") -> tuple[pd.DataFrame, list[str]]:
    """Split cycle marks into those on a chart's time range and plain-English notes on the others.

    Parameters
    ----------
    annotations : pandas.DataFrame
        As :func:`cycle_annotations` returns.
    x : array-like of dates
        The chart's x values (``cc.data["x"]``).
    advice : {"store", "data", "none"}, default "store"
        What each sentence ends with: how to add data to the PDSA store (for a measure's own
        chart), to chart data that covers the cycle's dates (for any other chart), or nothing.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The marks that overlap the range of ``x``, and one sentence per cycle left out ("Cycle C4
        (Falls sensor mats) started on 3 March 2025, after the data ends (1 December 2024), so it
        is not marked on the chart. ...").
    """
    if advice not in ("store", "data", "none"):
        raise QIValueError(f"`advice` must be 'store', 'data' or 'none'; got {advice!r}.")
    other = {
        "store": " Add the older data or check the cycle's dates.",
        "data": " Chart data that covers its dates, or check the cycle's dates.",
        "none": "",
    }[advice]
    newer = {
        "store": " Add the newer data ("
        + say("store.put_data, or `qitools pdsa data`", "`qitools pdsa data`")
        + ") or check the cycle's dates.",
        "data": other,
        "none": "",
    }[advice]
    xs = pd.to_datetime(pd.Series(x), errors="coerce").dropna()
    if not len(annotations) or not len(xs):
        return annotations, []
    lo, hi = xs.min(), xs.max()
    # The last point stands for a whole period (a month's point is dated the 1st): a cycle that began
    # within that period is on the chart, drawn at that point.
    period = _period(xs)
    last_period_ends = hi + period
    monthly = isinstance(period, pd.DateOffset)

    def when(t: Any) -> str:  # a month's point is said as the month it stands for
        return f"{pd.Timestamp(t):%B %Y}" if monthly else _day(t)

    annotations = annotations.copy()
    in_last = (annotations["x"] > hi) & (annotations["x"] < last_period_ends)
    annotations.loc[in_last, "x"] = hi
    keep = []
    notes = []
    for row in annotations.itertuples(index=False):
        start = row.x
        end = row.x_end if not pd.isna(row.x_end) else row.x
        name = f"Cycle {row.cycle}" + (f" ({row.title})" if getattr(row, "title", "") else "")
        if start > hi:
            notes.append(
                f"{name} started on {_day(start)}, after the data ends ({when(hi)}), so it is not marked on the "
                f"chart.{newer}"
            )
            keep.append(False)
        elif end < lo:
            notes.append(
                f"{name} {'ended' if not pd.isna(row.x_end) else 'started'} on {_day(end)}, before the data begins "
                f"({when(lo)}), so it is not marked on the "
                f"chart.{other}"
            )
            keep.append(False)
        else:
            keep.append(True)
    return annotations[keep].reset_index(drop=True), notes


def _period(xs: pd.Series) -> Any:
    """How long one point of the series stands for: a month when every date is a month's 1st (and they
    are about a month apart), else the most common gap between dates (a day for a single date)."""
    days = pd.Series(sorted(set(xs.dt.normalize())))
    gaps = days.diff().dropna()
    if gaps.empty:
        return pd.Timedelta(days=1)
    if (days.dt.day == 1).all() and gaps.median() >= pd.Timedelta(days=28):
        return pd.DateOffset(months=int(round(gaps.median() / pd.Timedelta(days=30.44))))
    return gaps.mode().iloc[0]


def _day(t: Any) -> str:
    t = pd.Timestamp(t)
    return f"{t.day} {t:%B %Y}"


def chart_marks(
    source: Any,
    measure: Any = None,
    *,
    project: str | None = None,
    labels: str = "id",
    x: Any = None,
) -> pd.DataFrame:
    """The PDSA cycles of a project as marks for a chart: give it a store file or a project.

    This is what ``cc.plot(annotations=...)`` takes, for anyone charting a measure with a
    project's cycles marked (the ``qitools chart --pdsa`` command, the workshop app).

    Parameters
    ----------
    source : str, pathlib.Path or Project
        A PDSA store file (opened read-only: it is not changed), a JSON export, or a loaded
        :class:`~qitools.pdsa.Project`.
    measure : str or Measure, optional
        Keep the cycles meant to move this measure and those that name none (default: every cycle).
    project : str, optional
        With a store holding several projects, which one.
    labels : {"id", "title", "full"}, default "id"
        The label of each mark (see :func:`cycle_annotations`); ids stay readable when cycles
        are close together.
    x : array-like of dates, optional
        The x values of the chart the marks go on (``cc.data["x"]``). Cycles outside their
        range are left out, with a :class:`~qitools.pdsa.PDSAWarning` in plain English per cycle;
        the sentences are also in ``marks.attrs["left_out"]``.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` (start), ``x_end`` (end, or NaT), ``label``, ``kind`` (``"pdsa"``),
        ``cycle``, ``title``, ``change_idea``, ``ramp``, ``act``, ``scale_n``, ``status``,
        ``change_idea_text``. ``attrs``: ``"left_out"`` (sentences on the cycles outside the
        chart's range), ``"project"`` (its title), ``"measure"`` and ``"measure_name"`` (the
        measure's id and name, or None), ``"other_measures"`` (sentences on the cycles meant to
        move other measures, which are not in the table).

    Raises
    ------
    QIValueError
        When the file is not a PDSA store or JSON export, or the measure is unknown.

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.example_project()
    >>> cc = qi.pdsa.measure_chart(p, "M1", data=qi.pdsa.example_data())
    >>> marks = qi.pdsa.chart_marks(p, "M1", x=cc.data["x"])
    >>> marks[["x", "label"]].head(2)
               x label
    0 2024-02-05    C1
    1 2024-03-04    C2
    >>> ax = cc.plot(annotations=marks)  # doctest: +SKIP
    """
    import warnings

    from .validate import PDSAWarning

    proj = _project_from(source, project)
    marks = cycle_annotations(proj, measure, labels=labels)
    ideas = {ci.id: clean(ci.text) for ci in proj.change_ideas}
    marks["change_idea_text"] = [ideas.get(i, "") if i is not None else "" for i in marks["change_idea"]]
    notes: list[str] = []
    if x is not None:
        marks, notes = cycles_outside(marks, x, advice="data")
        for note in notes:
            warnings.warn(note, PDSAWarning, stacklevel=2)
    marks.attrs["left_out"] = notes
    marks.attrs["project"] = clean(proj.title or proj.id or "")
    mid = _measure_id(proj, measure)
    marks.attrs["measure"] = mid
    marks.attrs["measure_name"] = clean(proj.measure(mid).name) if mid is not None else None
    marks.attrs["other_measures"] = _other_measures(proj, mid)
    return marks


def _other_measures(project: Project, mid: str | None) -> list[str]:
    """One sentence per other measure whose cycles are not marked on ``mid``'s chart."""
    if mid is None:
        return []
    by_measure: dict[str, list[str]] = {}
    for c in project.cycles:
        if c.measure is not None and c.measure != mid and (c.start_date or c.end_date):
            by_measure.setdefault(c.measure, []).append(clean(c.id or ""))
    out = []
    for other, ids in by_measure.items():
        m = project._find("measure", other)
        name = f"{clean(other)} ({clean(m.name)})" if m is not None and m.name else clean(other)
        listed = ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]
        what = "is" if len(ids) == 1 else "are"
        out.append(
            f"Cycle{'s' if len(ids) != 1 else ''} {listed} {what} meant to move another measure, {name}, so "
            f"{'it is' if len(ids) == 1 else 'they are'} not marked on this chart."
        )
    return out


def _columns_key(name: Any) -> str:
    """A column name compared loosely: case, spaces and underscores do not count ('Occupied bed_days')."""
    import re

    return re.sub(r"[\s_]+", " ", str(name)).strip().casefold()


def match_measure(project: Project, y: Any, n: Any = None) -> Measure | None:
    """The project's measure that charts the column ``y`` (over ``n``), if exactly one does.

    For charting a team's own data with a project's cycles marked: which measure's cycles go on
    the chart. Column names are compared without regard to case, spaces or underscores.

    Parameters
    ----------
    project : Project
        The project.
    y : str
        The column charted (the numerator of a p or u chart).
    n : str, optional
        The denominator column, if any.

    Returns
    -------
    Measure or None
        The only measure whose ``y`` and ``n`` are these columns; else, when no measure has both,
        the only measure whose ``y`` is this column; else None (no measure, or several: the
        caller must say which).

    Examples
    --------
    >>> import qitools as qi
    >>> p = qi.pdsa.load_json(qi.datasets.path("pdsa_falls_project", "json"))
    >>> qi.pdsa.match_measure(p, "falls", "occupied_bed_days").id
    'M1'
    >>> qi.pdsa.match_measure(p, "LSBP recorded", "lsbp audited").id
    'M2'
    >>> qi.pdsa.match_measure(p, "bed_days") is None
    True
    """
    if y is None:
        return None
    want_y, want_n = _columns_key(y), (_columns_key(n) if n is not None else None)
    same_y = [m for m in project.measures if m.y and _columns_key(m.y) == want_y]
    both = [m for m in same_y if (_columns_key(m.n) if m.n else None) == want_n]
    if len(both) == 1:
        return both[0]
    if not both and len(same_y) == 1:
        return same_y[0]
    return None


def _project_from(source: Any, project: str | None) -> Project:
    if isinstance(source, Project):
        return source
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.suffix.lower() == ".json":
            from .export import load_json

            return load_json(path)
        from .store import open_store

        with open_store(path, readonly=True) as store:
            return store.load(project)
    raise QITypeError(
        f"Give a PDSA store file (e.g. 'team.pdsa'), a JSON export or a qitools.pdsa.Project; got {type(source).__name__}."
    )
