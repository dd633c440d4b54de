"""Charts of Dask DataFrames: the same engine, run per partition, on one machine or a cluster.

:func:`qitools.control_chart` and :func:`qitools.run_chart` hand a Dask DataFrame to
:func:`control_chart_dask`. Facets are independent charts, so the work splits cleanly:

1. the options are checked on the client (the same checks as for pandas), and the column names
   against ``ddf.columns``;
2. one light pass reads the facet values of every partition. If a facet's rows sit in more than one
   partition, the data are shuffled by facet **once** (``ddf.shuffle(on=facet)``); if the
   partitions already hold whole facets (a table partitioned by trust, or indexed by the facet with
   known divisions), nothing moves;
3. the engine (:func:`qitools.spc.engine.compute`) runs on each partition where it lives, and the
   results are kept there (``dask.persist``: on the cluster's workers with ``distributed``, in this
   process otherwise);
4. the per-part ``summary`` and the ``icons`` (small: one row per facet) are brought back as pandas
   DataFrames; the per-point table ``data`` stays a (persisted) Dask DataFrame. ``cc.compute()``
   brings it into memory; ``cc.plot(facet=...)``, ``cc.explain(facet=...)`` and ``cc.save()`` fetch
   only the facets they draw.

The numbers are those of the pandas engine on the same rows (every facet is computed from all of
its rows, in one place). Dask is an optional dependency (``pip install "qitools[scale]"``), imported
only here, never by ``import qitools``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .spc.engine import compute, resolve_options
from .spc.errors import QITypeError, QIValueError

__all__ = ["control_chart_dask", "is_dask_dataframe"]

#: warnings raised on the partitions are shown on the client, at most this many different ones
_MAX_WARNINGS = 10


def is_dask_dataframe(data: Any) -> bool:
    """Whether ``data`` is a Dask DataFrame (checked without importing Dask)."""
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(data, "npartitions")


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe  # noqa: F401
    except ImportError as exc:  # pragma: no cover - only without the optional extra
        raise QITypeError(
            'Charting a Dask DataFrame needs Dask: pip install "qitools[scale]" (or compute it first with '
            "ddf.compute() if it fits in memory)."
        ) from exc
    return dask


def _column_names(ddf: Any, kwargs: dict[str, Any]) -> list[Any]:
    """Every argument that names a column must be a column name of ``ddf`` (not values)."""
    names: list[Any] = []
    roles = {"x": kwargs.get("x"), "y": kwargs.get("y"), "n": kwargs.get("n"), "notes": kwargs.get("notes")}
    facet = kwargs.get("facet")
    facets = list(facet) if isinstance(facet, (list, tuple)) else ([facet] if facet is not None else [])
    part = kwargs.get("part")
    if isinstance(part, str):
        roles["part"] = part
    columns = list(ddf.columns)
    for role, spec in list(roles.items()) + [("facet", f) for f in facets]:
        if spec is None:
            continue
        if not isinstance(spec, str) or spec not in columns:
            if isinstance(spec, str):
                raise QIValueError(
                    f"Column {spec!r} (given as {role}=) is not in the Dask DataFrame, whose columns are "
                    f"{columns[:20]!r}. Column names must match exactly."
                )
            raise QITypeError(
                f"With a Dask DataFrame, {role}= must be a column name; got {type(spec).__name__}. Add the values "
                f"as a column first (ddf = ddf.assign(...))."
            )
        if spec not in names:
            names.append(spec)
    return names


def _facet_columns(kwargs: dict[str, Any]) -> list[str]:
    facet = kwargs.get("facet")
    if facet is None:
        return []
    return list(facet) if isinstance(facet, (list, tuple)) else [facet]


def _unique_facets(part: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return part[cols].drop_duplicates()


def _label(row: tuple[Any, ...]) -> Any:
    return row[0] if len(row) == 1 else " | ".join(map(str, row))


def _for_facets(value: Any, present: set[Any]) -> Any:
    """A per-facet dict restricted to the facets of one partition (other values as they are)."""
    if isinstance(value, Mapping):
        keys = {k: (" | ".join(map(str, k)) if isinstance(k, tuple) else k) for k in value}
        return {k: v for k, v in value.items() if keys[k] in present}
    return value


_ORDER = ("__qitools_partition", "__qitools_row")


def _tag_order(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    return part.assign(**{_ORDER[0]: np.int64(number), _ORDER[1]: np.arange(len(part), dtype=np.int64)})


def _restore_order(part: pd.DataFrame) -> pd.DataFrame:
    return part.sort_values(list(_ORDER), kind="stable").drop(columns=list(_ORDER))


def _shuffle_keeping_order(ddf: Any, facet_cols: list[str]) -> Any:
    """Shuffle by facet, then put each partition's rows back in the order they had in the data: a shuffle
    mixes them, and the engine reads that order (text x in the order of the rows, as for pandas; the
    "not in time order" warning only when the user's rows were not)."""
    tagged = ddf.map_partitions(_tag_order)
    return tagged.shuffle(on=facet_cols).map_partitions(_restore_order)


def _chart_partition(part: pd.DataFrame, kwargs: dict[str, Any], facet_cols: list[str]) -> dict[str, Any]:
    """Run the engine on one partition; its warnings are returned, not raised (the client shows them)."""
    if len(part) == 0:
        return {"n": 0}
    kw = dict(kwargs)
    if facet_cols:
        present = {_label(tuple(r)) for r in part[facet_cols].drop_duplicates().itertuples(index=False)}
        for name in ("target", "cl", "freeze", "part"):
            if isinstance(kw.get(name), Mapping):
                kw[name] = _for_facets(kw[name], present)
                if not kw[name] and name in ("freeze", "part"):
                    kw[name] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compute(part, partial=True, **kw)  # its own index: messages name the rows
    return {
        "n": len(result.data),
        "data": result.data,
        "summary": result.summary,
        "icons": result.icons,
        "params": result.params,
        "warnings": [(w.category, str(w.message)) for w in caught],
    }


def _small(res: dict[str, Any]) -> dict[str, Any]:
    """What the client needs of a partition's result (everything but the per-point table)."""
    return {k: v for k, v in res.items() if k != "data"}


def _data(res: dict[str, Any]) -> pd.DataFrame:
    return res["data"]


def _empty_like(res: dict[str, Any]) -> pd.DataFrame:
    return res["data"].iloc[:0]


def _x_values_named(kwargs: dict[str, Any]) -> list[Any]:
    """The x values named by part=, freeze= and exclude= (lists, dicts of lists, single values)."""
    out: list[Any] = []
    for name in ("part", "freeze", "exclude"):
        value = kwargs.get(name)
        if value is None or (name == "part" and isinstance(value, str)):
            continue
        values = value.values() if isinstance(value, Mapping) else [value]
        for v in values:
            out.extend(list(v) if isinstance(v, (list, tuple, set, np.ndarray, pd.Series, pd.Index)) else [v])
    return out


def _check_x_values(kwargs: dict[str, Any], ddf: Any) -> None:
    """The x values named by part=/freeze=/exclude= must be x values of the data (as for pandas); they
    are matched in each partition, so x must hold dates or numbers."""
    named = _x_values_named(kwargs)
    if not named:
        return
    x = kwargs.get("x")
    if x is None:
        raise QIValueError(
            "With a Dask DataFrame, part=, freeze= and exclude= need x= (a column of dates or numbers): "
            "the rows of a partition cannot be numbered 1..N across the whole data."
        )
    dtype = ddf.dtypes[x]
    is_date = pd.api.types.is_datetime64_any_dtype(dtype)
    if isinstance(dtype, pd.PeriodDtype):  # months as pd.Period: named as '2024-04', '2024-04-01' or a Period
        present = pd.Index(ddf[x].drop_duplicates().compute())
        missing = []
        for value in named:
            try:
                ok = pd.Period(value, freq=dtype.freq) in present
            except (TypeError, ValueError, OverflowError, AttributeError):
                ok = False
            if not ok:
                missing.append(value)
        if missing:
            raise QIValueError(
                f"part=, freeze= or exclude= names x values that are not in the data: {missing!r}. They take x values "
                f"(not row numbers); x runs from {present.min()!r} to {present.max()!r}. Check the spelling or the date."
            )
        return
    if not (is_date or pd.api.types.is_numeric_dtype(dtype)):
        raise QITypeError(
            f"With a Dask DataFrame, part=, freeze= and exclude= need an x column of dates or numbers; {x!r} is "
            f"{dtype}. Convert it first, e.g. ddf[{x!r}] = dd.to_datetime(ddf[{x!r}])."
        )
    present = pd.Index(ddf[x].drop_duplicates().compute())
    try:
        wanted = pd.Index(pd.to_datetime(pd.Series(named))) if is_date else pd.Index(pd.Series(named).astype(float))
    except (ValueError, TypeError) as exc:
        kind = "dates" if is_date else "numbers"
        raise QIValueError(f"part=, freeze= and exclude= values must be {kind} like the x column; got {named!r}.") from exc
    if is_date and getattr(present.dtype, "tz", None) is None and getattr(wanted.dtype, "tz", None) is None:
        wanted = wanted.as_unit(present.unit) if hasattr(present, "unit") else wanted
    missing = [n for n, ok in zip(named, wanted.isin(present)) if not ok]
    if missing:
        raise QIValueError(
            f"part=, freeze= or exclude= names x values that are not in the data: {missing!r}. They take x values "
            f"(not row numbers); x runs from {present.min()!r} to {present.max()!r}. Check the spelling or the date."
        )


def control_chart_dask(ddf: Any, **kwargs: Any) -> Any:
    """:func:`qitools.control_chart` of a Dask DataFrame (see the module docstring).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The data. ``x``, ``y``, ``n``, ``facet``, ``notes`` (and ``part`` as a column) must be column
        names.
    **kwargs
        The arguments of :func:`qitools.control_chart`.

    Returns
    -------
    ControlChart
        ``summary`` and ``icons`` are pandas DataFrames (as for pandas input); ``data`` is a Dask
        DataFrame with the same columns, persisted where it was computed. ``params["dask"]`` says how
        many partitions there were and whether the data were shuffled by facet.

    Raises
    ------
    QIValueError, QITypeError
        As :func:`qitools.control_chart`; also a column given as values instead of a name.
    """
    from .results import ControlChart

    dask = _dask()
    import dask.dataframe as dd

    resolve_options(None, **kwargs)  # the option checks, before any work
    _column_names(ddf, kwargs)
    _check_x_values(kwargs, ddf)
    facet_cols = _facet_columns(kwargs)

    shuffled = False
    facets_seen: list[Any] | None = None
    if not facet_cols or ddf.npartitions == 1:
        if ddf.npartitions > 1:
            ddf = ddf.repartition(npartitions=1)  # one series: it is computed in one place
    elif not (len(facet_cols) == 1 and ddf.index.name == facet_cols[0] and ddf.known_divisions):
        # one light pass: which facets does each partition hold?
        per_part = dask.compute(*[dask.delayed(_unique_facets)(p, facet_cols) for p in ddf.to_delayed()])
        keys = pd.concat(per_part, ignore_index=True)
        facets_seen = [_label(tuple(r)) for r in keys.drop_duplicates().itertuples(index=False)]
        if keys.duplicated().any():  # some facet is split between partitions: bring each together, once
            ddf = _shuffle_keeping_order(ddf, facet_cols)
            shuffled = True
    if facets_seen is not None:
        known = set(facets_seen)
        for name in ("target", "cl", "freeze", "part"):
            value = kwargs.get(name)
            if isinstance(value, Mapping):
                unknown = [k for k in value if (" | ".join(map(str, k)) if isinstance(k, tuple) else k) not in known]
                if unknown:
                    more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
                    raise QIValueError(
                        f"`{name}` has {len(unknown):,} key(s) that are not facets of this data: {unknown[:10]!r}{more}. "
                        f"The facets are {sorted(map(str, known))[:10]!r}{' ...' if len(known) > 10 else ''}. Check the "
                        f"spelling; if the dict was made for more facets than these data hold, keep only the keys of these "
                        f"facets."
                    )

    parts = [dask.delayed(_chart_partition)(p, kwargs, facet_cols) for p in ddf.to_delayed()]
    parts = list(dask.persist(*parts))  # computed once, kept where it was computed
    small = dask.compute(*[dask.delayed(_small)(r) for r in parts])
    filled = [i for i, s in enumerate(small) if s["n"] > 0]
    if not filled:
        raise QIValueError("There are no rows to chart: the Dask DataFrame is empty.")

    shown: dict[tuple[Any, str], None] = {}
    for s in small:
        for cat, msg in s.get("warnings", []):
            shown.setdefault((cat, msg), None)
    for k, (cat, msg) in enumerate(shown):
        if k == _MAX_WARNINGS:
            warnings.warn(
                f"... and {len(shown) - _MAX_WARNINGS} more warnings from other partitions.", cat, stacklevel=3
            )
            break
        warnings.warn(msg, cat, stacklevel=3)

    summary = pd.concat([small[i]["summary"] for i in filled], ignore_index=True)
    icons = None
    if small[filled[0]]["icons"] is not None:
        icons = pd.concat([small[i]["icons"] for i in filled], ignore_index=True)
    if facet_cols:  # the order of the pandas engine: by facet (sorted labels), then part
        order = _facet_order(summary, facet_cols)
        summary = summary.iloc[np.lexsort((summary["part"].to_numpy(), order))].reset_index(drop=True)
        if icons is not None:
            icons = icons.iloc[np.argsort(_facet_order(icons, facet_cols), kind="stable")].reset_index(drop=True)

    from dask.dataframe.utils import clear_known_categories

    first = dask.compute(dask.delayed(_empty_like)(parts[filled[0]]))[0]
    meta = clear_known_categories(first)  # each partition has its own categories
    data = dd.from_delayed([dask.delayed(_data)(parts[i]) for i in filled], meta=meta, verify_meta=False)

    params = dict(small[filled[0]]["params"])
    params["n_facets"] = int(summary["facet"].nunique()) if facet_cols else 1
    params["n_points"] = int(sum(small[i]["n"] for i in filled))
    params["dask"] = {"npartitions": int(ddf.npartitions), "shuffled_by_facet": shuffled}
    for name in ("target", "cl", "freeze", "part", "exclude"):
        if name in kwargs:
            params[name] = kwargs[name]
    return ControlChart(chart=params["chart"], data=data, summary=summary, params=params, icons_table=icons)


def _facet_order(frame: pd.DataFrame, facet_cols: list[str]) -> np.ndarray:
    """Rank of each row's facet in the pandas engine's order (the facet columns' sorted values)."""
    codes = []
    for col in facet_cols:
        try:
            c, _ = pd.factorize(frame[col], sort=True)
        except TypeError:  # labels of mixed types cannot be sorted
            c, _ = pd.factorize(frame[col], sort=False)
        codes.append(c)
    return np.lexsort(codes[::-1]).argsort(kind="stable")
