"""Reading teams' own exports: CSV and Excel files as hospital systems produce them.

:func:`read_measure` takes the file as it is — title rows, a header that is not on the first line
(or spread over two), UK dates as text, ``"85%"`` strings, thousands separators, blank rows and a
totals row — and returns a tidy DataFrame, reporting every change it made. It never raises
anything but a :class:`~qitools.QIToolsError` with a message that says what to do.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .spc.errors import DataChangedWarning, QIToolsError, QIValueError

__all__ = ["read_measure", "suppress_small_counts"]

_TOTAL = re.compile(r"^\s*(grand\s+)?(total|totals|sum|all|overall)\s*:?\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*[-+]?[£$€]?\s*(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?\s*%?\s*$")
_MISSING = {"", "-", "–", "n/a", "na", "nan", "none", "null", ".", "..", "*", "x"}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december"
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$")
_ISO = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$")
_ISO_MONTH = re.compile(r"^\s*\d{4}-\d{1,2}\s*$")
_MONTH_NAME = re.compile(rf"^\s*(\d{{1,2}}[\s\-/])?({_MONTHS})[\s\-/,]*('?\d{{2}}|\d{{4}})\s*$", re.IGNORECASE)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MAX_HEADER_SEARCH = 30
_MAX_ROWS_LISTED = 8


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _MISSING


def _is_number_text(value: Any) -> bool:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return not (isinstance(value, float) and np.isnan(value))
    return isinstance(value, str) and bool(_NUMBER.match(value)) and any(c.isdigit() for c in value)


def _is_date_like(value: Any) -> bool:
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "year") and hasattr(value, "month"):
        return True
    if not isinstance(value, str):
        return False
    return bool(_DMY.match(value) or _ISO.match(value) or _ISO_MONTH.match(value) or _MONTH_NAME.match(value))


def _were(labels: Sequence[int], plural: str, singular: str) -> str:
    """'lines 3, 4 were blank' / 'line 3 was blank'."""
    return f"{_rows_text(labels)} {singular if len(labels) == 1 else plural}"


def _rows_text(labels: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in labels[:_MAX_ROWS_LISTED])
    more = f" and {len(labels) - _MAX_ROWS_LISTED} more" if len(labels) > _MAX_ROWS_LISTED else ""
    return f"{'line' if len(labels) == 1 else 'lines'} {shown}{more}"


# ------------------------------------------------------------------------------------------------
# raw reading


def _read_raw(source: Any, sheet: Any) -> tuple[pd.DataFrame, str]:
    """Every cell as an object (text as read, Excel numbers and dates as they are), no header."""
    name = getattr(source, "name", None) if not isinstance(source, (str, Path)) else str(source)
    suffix = Path(name).suffix.lower() if name else ""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise QIValueError(f"No file at {str(source)!r}. Check the file name and the folder.")
        if path.is_dir():
            raise QIValueError(f"{str(source)!r} is a folder, not a file. Give the path of the CSV or Excel file.")
        data = path.read_bytes()
    else:
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    label = Path(name).name if name else "the input"  # the file name only: no folders in messages
    if not data.strip():
        raise QIValueError(f"{label} is empty: there is nothing to read. Check that the export finished.")
    is_excel = suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise QIValueError(
            f"{label} is an old-style Excel (.xls) file, which qitools cannot read. Open it in Excel and "
            f"save it as .xlsx or as CSV, then try again."
        )
    if is_excel:
        try:
            book = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=object)
        except Exception as exc:  # broken zip, not a workbook ...
            raise QIValueError(
                f"{label} could not be read as an Excel workbook ({type(exc).__name__}: {exc}). Open it in "
                f"Excel and save it again as .xlsx or CSV."
            ) from exc
        names = list(book)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise QIValueError(f"sheet={sheet} does not exist: the workbook has {len(names)} sheets {names!r}.")
            chosen = names[sheet]
        elif sheet in book:
            chosen = sheet
        else:
            raise QIValueError(f"There is no sheet {sheet!r} in {label}. Its sheets are {names!r}.")
        return book[chosen], f"{label} (sheet {chosen!r})"
    text = None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise QIValueError(f"{label} does not look like a text (CSV) file or an Excel workbook.")
    first = "\n".join(text.splitlines()[:50])
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    sep = max(counts, key=lambda k: counts[k]) if max(counts.values()) else ","
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="python",
            on_bad_lines="error",
        )
    except Exception:
        # ragged rows (a title line with fewer fields): pad every line to the widest
        import csv

        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        width = max((len(r) for r in rows), default=0)
        if width == 0:
            raise QIValueError(f"{label} has no columns that could be read.") from None
        raw = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return raw, label


# ------------------------------------------------------------------------------------------------
# header


def _row_kinds(row: pd.Series) -> tuple[int, int, int]:
    """(text cells, number cells, filled cells) in a row."""
    text = number = filled = 0
    for v in row:
        if _is_missing(v):
            continue
        filled += 1
        if _is_number_text(v) or _is_date_like(v):
            number += 1
        else:
            text += 1
    return text, number, filled


def _find_header(raw: pd.DataFrame, header: int | None, label: str) -> tuple[int, list[str], list[str]]:
    """Index of the header row, the column names, and notes on what was skipped or combined."""
    notes: list[str] = []
    n_cols = raw.shape[1]
    kinds = [_row_kinds(raw.iloc[i]) for i in range(min(len(raw), _MAX_HEADER_SEARCH + 1))]
    if header is None:
        # the header is the last line of names (mostly text) above the first line of data (mostly
        # numbers or dates)
        best = None
        first_data = next(
            (i for i, (_, number, filled) in enumerate(kinds) if filled >= 1 and number >= max(1, (filled + 1) // 2)),
            None,
        )
        if first_data is not None:
            for i in range(first_data - 1, -1, -1):
                text, _, filled = kinds[i]
                if filled >= 1 and text >= max(1, (filled + 1) // 2) and (filled >= 2 or n_cols == 1):
                    best = i
                    break
        if best is None:
            raise QIValueError(
                f"Could not find the header row in {label}: no row of column names is followed by rows with "
                f"numbers. Pass header= (the 0-based line number of the column names), or check that the "
                f"file holds data."
            )
        header = best
    elif not 0 <= header < len(raw):
        raise QIValueError(f"header={header} is past the end of {label}, which has {len(raw)} lines.")
    names = [("" if _is_missing(v) else str(v).strip()) for v in raw.iloc[header]]
    # a group header above (a merged cell spread over several columns) is joined to the names
    if header > 0:
        above = raw.iloc[header - 1]
        text, number, filled = _row_kinds(above)
        first_filled = next((j for j, v in enumerate(above) if not _is_missing(v)), 0)
        # a title line has one cell, in the first column; a group header spans columns further right
        is_group = number == 0 and 1 <= filled < n_cols and (filled >= 2 or first_filled > 0)
        if is_group:
            cells = ["" if _is_missing(v) else str(v).strip() for v in above]
            repeated = any(a and a == b for a, b in zip(cells, cells[1:]))
            if repeated:  # labels written out over each column: a blank means no group
                groups = cells
            else:  # a merged cell exported once: it spans the blanks to its right
                groups = []
                current = ""
                for c in cells:
                    current = c or current
                    groups.append(current)
            joined = [f"{g} {nm}".strip() if g and nm and g != nm else (nm or g) for g, nm in zip(groups, names)]
            if len(set(joined)) == len(joined):
                notes.append(f"the column names come from two header lines ({header} and {header + 1})")
                names = joined
    top = header - 1 if any(n.startswith("the column names come from two") for n in notes) else header
    if top > 0:
        notes.append(
            f"{_were(list(range(1, top + 1)), 'above the header (titles, notes) were skipped', 'above the header (a title or note) was skipped')}"
        )
    # blank or duplicate names
    seen: dict[str, int] = {}
    for j, nm in enumerate(names):
        nm = re.sub(r"\s+", " ", nm) or f"column_{j + 1}"
        if nm in seen:
            seen[nm] += 1
            nm = f"{nm}_{seen[nm]}"
        else:
            seen[nm] = 1
        names[j] = nm
    return header, names, notes


# ------------------------------------------------------------------------------------------------
# columns


def _to_number(value: Any) -> tuple[float, bool]:
    """(number, was a percentage)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value), False
    s = str(value).strip()
    pct = s.endswith("%")
    s = s.rstrip("%").strip().replace(",", "").lstrip("£$€").strip()
    return float(s), pct


_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def _month_name_date(m: re.Match[str]) -> pd.Timestamp:
    """'Apr-23', 'April 2023', '3 Apr 2023' -> a date (the 1st when no day is given)."""
    day = int(re.sub(r"\D", "", m.group(1))) if m.group(1) else 1
    month = _MONTH_NUMBER[m.group(2).lower()]
    year_text = m.group(3).replace("'", "")
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    return pd.Timestamp(year=year, month=month, day=day)


def _is_excel_serial(value: Any) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and 20000 <= float(value) <= 80000
        and float(value) == int(value)
    )


def _parse_date_text(s: str, dayfirst: bool) -> Any:
    """One date written as text (NaT when it is not one)."""
    try:
        m = _DMY.match(s)
        if m and not m.group(4) and len(m.group(3)) == 4:  # d/m/yyyy: build it directly (fast)
            a, b = int(m.group(1)), int(m.group(2))
            day, month = (a, b) if dayfirst else (b, a)
            return pd.Timestamp(year=int(m.group(3)), month=month, day=day)
        if m:
            return pd.to_datetime(s, dayfirst=dayfirst)
        if _ISO.match(s) or _ISO_MONTH.match(s):
            return pd.to_datetime(s)
        if mm := _MONTH_NAME.match(s):
            return _month_name_date(mm)
    except (ValueError, OverflowError):
        pass
    return pd.NaT


def _parse_dates(values: pd.Series, name: str, dayfirst: bool | None) -> tuple[pd.Series, str]:
    """Parse a column of dates given as text, Excel dates or Excel serial numbers."""
    note = ""
    dmy_first: list[int] = []
    dmy_second: list[int] = []
    for v in values:
        if isinstance(v, str):
            m = _DMY.match(v)
            if m:
                dmy_first.append(int(m.group(1)))
                dmy_second.append(int(m.group(2)))
    if dmy_first:
        can_dayfirst = all(s <= 12 for s in dmy_second)
        can_monthfirst = all(f <= 12 for f in dmy_first)
        if dayfirst is None:
            if can_dayfirst and not can_monthfirst:
                dayfirst = True
            elif can_monthfirst and not can_dayfirst:
                raise QIValueError(
                    f"Column {name!r} has dates such as "
                    f"{next(v for v in values if isinstance(v, str) and _DMY.match(v))!r} that only make sense "
                    f"month-first (US style), but qitools reads dates day-first (UK) by default. Are they "
                    f"month-first? Pass dayfirst=False to read them that way."
                )
            elif can_dayfirst and can_monthfirst:
                dayfirst = True
                note = f"the dates in {name!r} could be day-first or month-first; read day-first (UK)"
            else:
                raise QIValueError(
                    f"Column {name!r} mixes day-first and month-first dates (some have a first number above 12, "
                    f"others a second number above 12). Fix the dates in the source file."
                )
    parsed: list[Any] = []
    cache: dict[str, Any] = {}  # exports repeat the same date text (one row per ward per month)
    for v in values:
        t: Any = pd.NaT
        if _is_missing(v):
            pass
        elif isinstance(v, pd.Timestamp) or (hasattr(v, "year") and hasattr(v, "month") and not isinstance(v, str)):
            t = pd.Timestamp(v)
        elif isinstance(v, (int, float, np.integer, np.floating)):
            if _is_excel_serial(v):  # an Excel serial day number (1954 to 2119)
                t = _EXCEL_EPOCH + pd.to_timedelta(float(v), unit="D")
                note = note or f"Excel day numbers in {name!r} were converted to dates"
        else:
            s = str(v).strip()
            if s in cache:
                t = cache[s]
            else:
                t = cache[s] = _parse_date_text(s, bool(dayfirst))
        parsed.append(t)
    out = pd.Series(
        pd.to_datetime(pd.Series(parsed, dtype=object)).to_numpy(dtype="datetime64[ns]"), index=values.index
    )
    return out, note


def _classify(col: pd.Series) -> str:
    filled = [v for v in col if not _is_missing(v)]
    if not filled:
        return "empty"
    dates = sum(1 for v in filled if _is_date_like(v))
    numbers = sum(1 for v in filled if _is_number_text(v))
    serials = sum(1 for v in filled if _is_excel_serial(v))
    if dates > 0 and dates + serials >= 0.8 * len(filled):
        return "date"  # Excel day numbers among real dates (a cell that lost its date format)
    if numbers >= 0.8 * len(filled):
        return "number"
    return "text"


def read_measure(
    source: Any,
    sheet: str | int | None = None,
    *,
    header: int | None = None,
    dayfirst: bool | None = None,
    dates: Sequence[str] | None = None,
    percent: str = "proportion",
    drop_totals: bool = True,
) -> pd.DataFrame:
    """Read a team's CSV or Excel export into a tidy DataFrame, reporting every change made.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A ``.csv`` (comma, semicolon, tab or bar separated; UTF-8 or Windows encoding) or ``.xlsx``
        file.
    sheet : str or int, optional
        The Excel sheet (name or 0-based number); the first sheet by default.
    header : int, optional
        The 0-based line of the column names; found automatically by default (the first line of
        mostly text followed by lines with numbers; title lines above it are skipped, and a group
        header line above it (merged cells) is joined to the names).
    dayfirst : bool, optional
        How to read dates like 03/04/2024. By default day-first (UK); dates that only make sense
        month-first raise an error asking you to confirm with ``dayfirst=False``.
    dates : list of str, optional
        Columns to parse as dates (found automatically by default).
    percent : {"proportion", "percent"}, default "proportion"
        What ``"85%"`` becomes: 0.85 (a proportion, ready for a p chart's scale) or 85.0.
    drop_totals : bool, default True
        Drop rows labelled Total, Grand total, Sum or All.

    Returns
    -------
    pandas.DataFrame
        One row per data line: numbers as floats, dates as datetime64, text stripped. The changes
        made are listed in ``df.attrs["qitools_changes"]`` and in one ``DataChangedWarning``.

    Raises
    ------
    QIValueError
        The file is missing, empty, not CSV or Excel, has no recognisable header, or has dates that
        are ambiguous in a way that needs your decision (the message says which argument to pass).

    Examples
    --------
    >>> import io, warnings
    >>> import qitools as qi
    >>> export = io.StringIO(
    ...     "Falls report,,\\n"
    ...     "Month,Falls,Occupied bed days\\n"
    ...     "01/04/2024,12,\\"1,480\\"\\n"
    ...     "01/05/2024,9,\\"1,512\\"\\n"
    ...     ",,\\n"
    ...     "Total,21,\\"2,992\\"\\n")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     df = qi.read_measure(export)
    >>> df
           Month  Falls  Occupied bed days
    0 2024-04-01   12.0             1480.0
    1 2024-05-01    9.0             1512.0
    >>> df.attrs["qitools_changes"][0]
    'line 1 above the header (a title or note) was skipped'
    """
    try:
        return _read_measure(source, sheet, header, dayfirst, dates, percent, drop_totals)
    except QIToolsError:
        raise
    except Exception as exc:  # anything unexpected still reaches the user as a qitools error
        raise QIValueError(
            f"qitools could not read this file ({type(exc).__name__}: {exc}). Check that it is a CSV or .xlsx "
            f"export with one row per period; if it is, please report this message to the qitools team."
        ) from exc


def _read_measure(
    source: Any,
    sheet: Any,
    header: int | None,
    dayfirst: bool | None,
    dates: Sequence[str] | None,
    percent: str,
    drop_totals: bool,
) -> pd.DataFrame:
    if percent not in ("proportion", "percent"):
        raise QIValueError(f"percent= must be 'proportion' or 'percent'; got {percent!r}.")
    raw, label = _read_raw(source, sheet)
    raw = raw.dropna(axis=1, how="all")
    raw = raw.loc[:, [not all(_is_missing(v) for v in raw[c]) for c in raw.columns]]
    if raw.shape[1] == 0:
        raise QIValueError(f"{label} has no filled cells.")
    h, names, changes = _find_header(raw, header, label)
    body = raw.iloc[h + 1 :].copy()
    body.columns = names
    line_no = pd.Series(np.arange(h + 2, h + 2 + len(body)), index=body.index)  # 1-based file line numbers

    blank = body.apply(lambda r: all(_is_missing(v) for v in r), axis=1)
    if blank.any():
        changes.append(f"{_were(list(line_no[blank]), 'were blank and were dropped', 'was blank and was dropped')}")
    body = body[~blank]
    repeat = body.apply(lambda r: [str(v).strip() for v in r] == names, axis=1) if len(body) else blank[:0]
    if len(body) and repeat.any():
        changes.append(
            f"{_were(list(line_no[body.index[repeat]]), 'repeated the header and were dropped', 'repeated the header and was dropped')}"
        )
        body = body[~repeat]
    if drop_totals and len(body):
        first_cols = list(body.columns[: min(3, body.shape[1])])
        total = body[first_cols].apply(lambda r: any(isinstance(v, str) and _TOTAL.match(v) for v in r), axis=1)
        if total.any():
            changes.append(
                f"{_were(list(line_no[body.index[total]]), 'were totals and were dropped', 'was a total and was dropped')}"
            )
            body = body[~total]
    if len(body) and body.shape[1] > 1:
        # trailing footnotes ("Source: ...", "* provisional"): one text cell and nothing else, below the data
        one_text = body.apply(lambda r: _row_kinds(r)[2] == 1 and _row_kinds(r)[0] == 1, axis=1).to_numpy()
        trailing = np.zeros(len(body), dtype=bool)
        for k in range(len(body) - 1, -1, -1):
            if not one_text[k]:
                break
            trailing[k] = True
        if trailing.any() and not trailing.all():
            changes.append(
                f"{_were(list(line_no[body.index[trailing]]), 'looked like footnotes and were dropped', 'looked like a footnote and was dropped')}"
            )
            body = body[~trailing]
    if body.empty:
        raise QIValueError(f"{label} has a header but no data rows below it.")

    out: dict[str, Any] = {}
    wanted_dates = set(dates or [])
    unknown = wanted_dates - set(names)
    if unknown:
        raise QIValueError(f"dates= names columns that are not in the file: {sorted(unknown)!r}. Columns: {names!r}.")
    for name in names:
        col = body[name]
        kind = "date" if name in wanted_dates else _classify(col)
        if kind == "date":
            parsed, note = _parse_dates(col, name, dayfirst)
            bad = parsed.isna() & ~col.map(_is_missing)
            if bad.any():
                changes.append(
                    f"{_rows_text(list(line_no[bad[bad].index]))} of {name!r} could not be read as dates and were "
                    f"left empty"
                )
            if note:
                changes.append(note)
            out[name] = parsed.to_numpy()
        elif kind == "number":
            values = np.full(len(col), np.nan)
            pct_any = thousands = False
            bad_rows = []
            for k, (idx, v) in enumerate(col.items()):
                if _is_missing(v):
                    continue
                try:
                    number, pct = _to_number(v)
                except ValueError:
                    bad_rows.append(idx)
                    continue
                if pct and percent == "proportion":
                    number /= 100.0
                pct_any |= pct
                thousands |= isinstance(v, str) and "," in v
                values[k] = number
            if pct_any:
                changes.append(
                    f"percentages in {name!r} were converted to "
                    + ("proportions (85% -> 0.85)" if percent == "proportion" else "numbers (85% -> 85)")
                )
            if thousands:
                changes.append(f"thousands separators in {name!r} were removed")
            if bad_rows:
                changes.append(
                    f"{_rows_text(list(line_no[bad_rows]))} of {name!r} were not numbers and were left empty"
                )
            out[name] = values
        elif kind == "empty":
            continue
        else:
            out[name] = [None if _is_missing(v) else re.sub(r"\s+", " ", str(v)).strip() for v in col]
    df = pd.DataFrame(out)
    df.attrs["qitools_changes"] = changes
    df.attrs["qitools_source"] = label
    if changes:
        warnings.warn(
            f"qitools changed {label} while reading it: " + "; ".join(changes) + ".",
            DataChangedWarning,
            stacklevel=3,
        )
    return df


def suppress_small_counts(
    data: pd.DataFrame, columns: Sequence[str], threshold: int = 5, also: Sequence[str] = ()
) -> pd.DataFrame:
    """Replace counts from 1 to ``threshold - 1`` by ``"<5"`` for sharing (statistical disclosure control).

    NHS statistical disclosure practice suppresses small numbers of patients in published tables so
    that individuals cannot be identified. Zeros are kept. Use it on anything exported from team data.

    Parameters
    ----------
    data : pandas.DataFrame
        The table to share.
    columns : list of str
        The count columns (numerators) to suppress.
    threshold : int, default 5
        Counts below this (and above 0) are suppressed.
    also : list of str, optional
        Columns derived from the counts (a rate, a proportion) that would reveal them: set to
        ``"suppressed"`` on the same rows.

    Returns
    -------
    pandas.DataFrame
        A copy with those cells replaced by ``"<5"`` (object columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from qitools.io import suppress_small_counts
    >>> suppress_small_counts(pd.DataFrame({"falls": [0, 3, 12]}), ["falls"])["falls"].tolist()
    [0, '<5', 12]
    """
    missing = [c for c in [*columns, *also] if c not in data.columns]
    if missing:
        raise QIValueError(f"suppress_small_counts: columns {missing!r} are not in the table.")
    out = data.copy()
    any_small = pd.Series(False, index=out.index)
    for c in columns:
        values = pd.to_numeric(out[c], errors="coerce")
        small = (values > 0) & (values < threshold)
        any_small |= small
        if small.any():
            col = out[c].astype(object)
            col[small] = f"<{threshold}"
            out[c] = col.map(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v)
    for c in also:
        if any_small.any():
            col = out[c].astype(object)
            col[any_small] = "suppressed"
            out[c] = col
    return out
