"""Example care data for the course: synthetic, realistic datasets whose every signal is documented.

Each dataset looks like the measures NHS teams chart (falls per 1000 bed days, A&E four-hour
performance, *C. difficile* cases, sepsis antibiotics within an hour, door-to-needle times, staff
sickness absence, readmissions by trust), with rates, volumes and seasonality based on published
NHS figures. None of it comes from patients or staff: every file is generated from a fixed seed
by ``datasets/generate.py`` in the qitools repository, and what was planted, where (the bundle
that starts in November 2022 on two wards, the outbreak month, the outlying trusts), is written
in the catalogue, so a notebook can say "the bundle started here" and an exercise can be graded
against it.

- :func:`list` -- the catalogue, one row per dataset (description, columns with units, the
  suggested chart, the story, the basis of the parameters, the seed, provenance).
- :func:`load` -- one dataset as a DataFrame, dates parsed and numbers typed.
- :func:`info` -- one catalogue entry in full, including its ``facts``: the planted values as
  numbers (``info("ward_falls")["facts"]["bundle_start"]`` is ``"2022-11-01"``).
- :func:`path` -- the file itself, for lessons about reading files (``team_export_messy`` is a
  messy CSV and Excel export for :func:`qitools.read_measure`).

The files are found next to the package: in an installed wheel they are shipped as
``qitools/_data``; in a source checkout they are read from the repository's ``datasets/`` folder.

>>> import qitools as qi
>>> df = qi.datasets.load("cdiff")
>>> cc = qi.control_chart(df, x="month", y="cases", chart="c")
>>> cc.signals()["x"].dt.strftime("%Y-%m").tolist()      # the planted outbreak month
['2023-02']
"""

from __future__ import annotations

import builtins
import copy
import difflib
import functools
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .spc.errors import QIToolsError, QITypeError, QIValueError

__all__ = ["list", "load", "info", "path"]

_CATALOGUE = "catalogue.json"
_HERE = Path(__file__).resolve().parent
#: Where the files may be: shipped inside the package (a wheel), or the source checkout's datasets/.
_CANDIDATES = (_HERE / "_data", _HERE.parent / "datasets")

#: Catalogue dtype -> what :func:`load` makes of the column.
_READ_DTYPES = {"int": "int64", "float": "float64"}
_DATE_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M"}

#: Columns of :func:`list`, in order.
_LIST_COLUMNS = [
    "name",
    "title",
    "description",
    "suggested_chart",
    "rows",
    "columns",
    "period",
    "grain",
    "story",
    "basis",
    "use",
    "example",
    "files",
    "seed",
    "provenance",
    "licence",
]


def _data_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / _CATALOGUE).is_file():
            return candidate
    raise QIToolsError(
        "The qitools example datasets are missing: no catalogue.json in "
        + " or ".join(str(c) for c in _CANDIDATES)
        + ". Reinstall qitools (pip install --force-reinstall qitools), or, in a source checkout, "
        "regenerate them with: python datasets/generate.py"
    )


@functools.lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, Any], ...]:
    with open(_data_dir() / _CATALOGUE, encoding="utf-8") as f:
        return tuple(json.load(f))


def _names() -> builtins.list[str]:
    return [entry["name"] for entry in _catalogue()]


def _entry(name: Any) -> dict[str, Any]:
    if not isinstance(name, str):
        raise QITypeError(
            f"The dataset name must be text, such as 'ward_falls'; got {name!r} ({type(name).__name__}). "
            "See qi.datasets.list() for the names."
        )
    key = name.strip().lower()
    for suffix in (".csv", ".xlsx", ".json"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    for entry in _catalogue():
        if entry["name"] == key:
            return entry
    names = _names()
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise QIValueError(
        f"There is no example dataset called {name!r}.{hint} The datasets are: "
        + ", ".join(repr(n) for n in names)
        + ". qi.datasets.list() describes each one."
    )


def _columns_text(columns: builtins.list[dict[str, str]]) -> str:
    return "; ".join(f"{c['name']} ({c['unit']})" for c in columns)


def list() -> pd.DataFrame:  # noqa: A001 - the public name the course uses: qi.datasets.list()
    """List the example datasets: the catalogue, one row per dataset.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, with columns:

        - ``name``: what to pass to :func:`load`;
        - ``title``, ``description``: what the data is;
        - ``suggested_chart``: the chart it was made for;
        - ``rows``: number of rows :func:`load` returns;
        - ``columns``: the columns and their units, as text (``info(name)["columns"]`` has them as a list);
        - ``period``, ``grain``: the time covered and what one row is;
        - ``story``: what was planted and where (the signals a correct chart shows);
        - ``basis``: the published NHS figures the parameters are based on;
        - ``use``: where the course uses it;
        - ``example``: a qitools call that charts it;
        - ``files``: the file names (comma-separated);
        - ``seed``: the seed of ``numpy.random.default_rng`` it was generated from;
        - ``provenance``: always synthetic; ``licence``.

    See Also
    --------
    load : one dataset as a DataFrame.
    info : one catalogue entry in full, with the planted values (``facts``).

    Notes
    -----
    The catalogue is ``catalogue.json`` beside the data files; ``datasets/generate.py`` writes it
    together with the files, and ``tests/test_datasets.py`` checks that each story holds.

    Examples
    --------
    >>> import qitools as qi
    >>> catalogue = qi.datasets.list()
    >>> catalogue[["name", "suggested_chart", "rows"]].head(4)
                     name                                   suggested_chart  rows
    0          ward_falls             u chart per 1000 bed days, one per ward   288
    1  sepsis_antibiotics  run chart, then p chart with a part at each step   104
    2        ed_four_hour  p chart versus Laney p' chart (pp), one per trust  1440
    3               cdiff              c chart; u chart per 100,000 bed days    36
    """
    rows = []
    for entry in _catalogue():
        row = {key: entry.get(key) for key in _LIST_COLUMNS}
        row["columns"] = _columns_text(entry["columns"])
        row["files"] = ", ".join(entry["files"])
        rows.append(row)
    out = pd.DataFrame(rows, columns=_LIST_COLUMNS)
    out["rows"] = out["rows"].astype("int64")
    out["seed"] = out["seed"].astype("int64")
    return out


def info(name: str) -> dict[str, Any]:
    """Return one catalogue entry in full: description, columns and units, story, planted values.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list` (case does not matter; a ``.csv`` ending is ignored).

    Returns
    -------
    dict
        The keys of :func:`list` plus ``columns`` as a list of dicts (``name``, ``dtype``,
        ``unit``, ``description``), ``facts`` (the planted values as numbers and dates, e.g. the
        wards that got the falls bundle and the month it started) and ``raw`` (True when
        :func:`load` returns the file's cells as text). A copy: changing it changes nothing else.

    Raises
    ------
    QIValueError
        Unknown name (the message lists the names and suggests the closest).
    QITypeError
        ``name`` is not text.

    Examples
    --------
    >>> import qitools as qi
    >>> facts = qi.datasets.info("ward_falls")["facts"]
    >>> facts["bundle_wards"], facts["bundle_start"]
    (['Ash', 'Cedar'], '2022-11-01')
    >>> [c["name"] + " (" + c["unit"] + ")" for c in qi.datasets.info("cdiff")["columns"]]
    ['month (first day of the month)', 'cases (cases)', 'bed_days (occupied bed days)']
    """
    return copy.deepcopy(_entry(name))


def path(name: str, fmt: str | None = None) -> Path:
    """Return the file of a dataset, for lessons about reading files yourself.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list`.
    fmt : {"csv", "xlsx"}, optional
        Which file, when a dataset has several (``team_export_messy`` is both a CSV and an Excel
        file). By default the first (the CSV).

    Returns
    -------
    pathlib.Path
        The file, inside the installed package (or the source checkout's ``datasets/`` folder).
        Read it; do not write to it.

    Raises
    ------
    QIValueError
        Unknown name, or no file of that format for this dataset.

    Examples
    --------
    >>> import qitools as qi
    >>> qi.datasets.path("team_export_messy", "xlsx").name
    'team_export_messy.xlsx'
    >>> df = qi.read_measure(qi.datasets.path("team_export_messy"))  # doctest: +SKIP
    """
    entry = _entry(name)
    files = entry["files"]
    if fmt is None:
        chosen = files[0]
    else:
        wanted = str(fmt).lower().lstrip(".")
        matches = [f for f in files if f.lower().endswith("." + wanted)]
        if not matches:
            kinds = ", ".join(repr(Path(f).suffix.lstrip(".")) for f in files)
            raise QIValueError(
                f"The dataset {entry['name']!r} has no {fmt!r} file; it has {kinds}. Pass one of those as fmt, "
                "or leave fmt out."
            )
        chosen = matches[0]
    return _data_dir() / chosen


def load(name: str) -> pd.DataFrame:
    """Load an example dataset as a DataFrame, with dates parsed and numbers typed.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list`: ``"ward_falls"``, ``"sepsis_antibiotics"``,
        ``"ed_four_hour"``, ``"cdiff"``, ``"pressure_ulcer_dates"``, ``"door_to_needle"``,
        ``"staff_sickness"``, ``"readmissions_by_trust"``, ``"team_export_messy"``... Case does
        not matter; a ``.csv`` ending is ignored.

    Returns
    -------
    pandas.DataFrame
        A new frame (change it freely) with the columns listed in ``info(name)["columns"]``:
        ``date`` columns as ``datetime64`` (the first day of the month for monthly data),
        ``datetime`` columns to the minute, counts as ``int64``, measurements as ``float64``,
        names and notes as text (missing notes are ``NaN``). ``df.attrs["qitools_dataset"]`` holds
        the dataset's name.

        The messy export ``team_export_messy`` is the exception: it is returned as the file really
        is, every cell as text and no header (title lines, the two header lines, blank lines and
        the totals line included), for the lesson on cleaning it; ``qi.read_measure(
        qi.datasets.path("team_export_messy"))`` reads it into a tidy table.

    Raises
    ------
    QIValueError
        Unknown name (the message lists the names and suggests the closest).
    QITypeError
        ``name`` is not text.

    See Also
    --------
    list : the catalogue.
    info : the story and the planted values of a dataset.

    Notes
    -----
    All datasets are synthetic (no patient or staff data), drawn with
    ``numpy.random.default_rng(seed)`` with the seed in the catalogue. The parameters (rates,
    volumes, seasonality) come from published NHS statistics cited in each entry's ``basis``,
    for example 6.6 inpatient falls per 1000 occupied bed days (NHS Improvement 2017), 12-15%
    emergency readmissions within 30 days (NHS Digital), a door-to-needle median of 50-60
    minutes (SSNAP).

    References
    ----------
    NHS Improvement (2017). The incidence and costs of inpatient falls in hospitals.

    Mohammed MA, Panesar JS, Laney DB, Wilson R (2013). Statistical process control charts for
    attribute data involving very large sample sizes: a review of problems and solutions. BMJ
    Quality & Safety 22(4): 362-368. doi:10.1136/bmjqs-2012-001373

    Examples
    --------
    >>> import qitools as qi
    >>> df = qi.datasets.load("ward_falls")
    >>> df.shape
    (288, 7)
    >>> df[["month", "ward", "occupied_bed_days", "falls"]].head(3)
           month ward  occupied_bed_days  falls
    0 2021-04-01  Ash                788     10
    1 2021-05-01  Ash                825      7
    2 2021-06-01  Ash                788      8

    The falls bundle started on Ash and Cedar in November 2022: their u charts show it, the
    other six wards' do not.

    >>> cc = qi.control_chart(df, x="month", y="falls", n="occupied_bed_days", chart="u",
    ...                       multiply=1000, facet="ward")
    >>> cc.summary.loc[cc.summary["runs_signal"], "ward"].tolist()
    ['Ash', 'Cedar']
    """
    entry = _entry(name)
    file = _data_dir() / entry["files"][0]
    if entry.get("raw"):
        df = pd.read_csv(
            file, header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
        )
    else:
        columns = entry["columns"]
        dtypes = {c["name"]: _READ_DTYPES[c["dtype"]] for c in columns if c["dtype"] in _READ_DTYPES}
        df = pd.read_csv(file, dtype=dtypes, encoding="utf-8")
        expected = [c["name"] for c in columns]
        if builtins.list(df.columns) != expected:
            raise QIToolsError(
                f"The file {file} has columns {builtins.list(df.columns)}, but the catalogue lists {expected}. The "
                "installation is damaged: reinstall qitools, or regenerate with python datasets/generate.py."
            )
        for c in columns:
            if c["dtype"] in _DATE_FORMATS:
                df[c["name"]] = pd.to_datetime(df[c["name"]], format=_DATE_FORMATS[c["dtype"]])
            elif c["dtype"] == "bool":
                df[c["name"]] = df[c["name"]].map({"true": True, "false": False, True: True, False: False})
    df.attrs["qitools_dataset"] = entry["name"]
    return df
