"""Reading teams' own exports: CSV and Excel files as hospital systems produce them.

:func:`read_measure` takes the file as it is — title rows, a header that is not on the first line
(or spread over two), UK dates as text or Excel day numbers, ``"85%"`` strings, thousands
separators, ``n/a`` cells, blank rows and a totals row — and returns a tidy DataFrame, reporting
every change it made. It never raises anything but a :class:`~qitools.QIToolsError` with a message
that says what to do.

The raw reading (bounded: huge or broken files are refused before any work is done; encodings) is
in :mod:`qitools._readers`; the cleaning here works on whole columns at once (pandas string
methods on the distinct values), so a 200,000-row export reads in about a second.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._readers import Grid, excel_sheet_names, read_grid
from .spc.errors import DataChangedWarning, QIToolsError, QITypeError, QIValueError
from .spc.validate import check_data, describe_far_dates, far_dates, get_column, numbers_where_possible

__all__ = ["read_measure", "suppress_small_counts", "excel_sheet_names"]

_TOTAL = re.compile(r"^\s*(grand\s+)?(total|totals|sum|all|overall)\s*:?\s*$", re.IGNORECASE)
_NUMBER = r"[-+]?[£$€]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?\s*%?"
_NUMBER_RE = re.compile(rf"^\s*{_NUMBER}\s*$")
#: cell texts that mean "no value" (lower case); "" is a blank cell
_MISSING = {"", "-", "–", "—", "n/a", "na", "n.a.", "nan", "none", "null", ".", "..", "*", "x", "#n/a", "#na",
            "#div/0!", "#value!", "#ref!", "#num!", "#null!", "#name?"}
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    "september|october|november|december"
)
_DMY = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"
_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_DMY_RE = re.compile(rf"^\s*{_DMY}{_TIME}\s*$")
_ISO = r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?"
_ISO_RE = re.compile(rf"^\s*{_ISO}{_TIME}\s*$")
_MONTH_NAME = rf"(?:(\d{{1,2}})[\s\-/])?({_MONTHS})[\s\-/,.]*('?\d{{2}}|\d{{4}})"
_MONTH_NAME_RE = re.compile(rf"^\s*{_MONTH_NAME}\s*$", re.IGNORECASE)
#: "w/c 03/04/2023", "Week ending 9 Apr 2023", "WE 09/04/2023": a week's label is the date after it
_WEEK_PREFIX = (
    r"(?:w\s*/\s*[cebs]|w\.[cebs]\.?|w[cebs]|(?:wk|week)\s*(?:commencing|beginning|starting|ending|to|from|of)?)"
    r"\s*[:.\-]?\s*"
)
_WEEK_PREFIX_RE = re.compile(rf"^\s*{_WEEK_PREFIX}(?=\d)", re.IGNORECASE)
#: NHS financial-year months: "2023/24 M01" is April 2023 (M01 = April ... M12 = March); also
#: "2023-24 M1", "FY2023/24 Month 1", "23/24 M01", "2023/24 P01"
_FY = r"(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{2}|\d{4})\s*[,:\-]?\s*(?:m|p|month|period|mth)\s*(\d{1,2})"
_FY_RE = re.compile(rf"^\s*{_FY}\s*$", re.IGNORECASE)
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
#: Excel day numbers qitools recognises: 20000 (4 Oct 1954) to 80000 (2119)
_SERIAL_RANGE = (20000, 80000)
#: column names that say the column holds dates (Excel day numbers in it are read as dates)
_DATE_NAME = re.compile(
    r"(?<![a-z])(date|dated|dt|month|mth|week|wk|w/c|w/e|period|quarter|qtr|year|yr|day|time|when|commencing|"
    r"ending|starting)(?![a-z])",
    re.IGNORECASE,
)
_MAX_HEADER_SEARCH = 30
_MAX_ROWS_LISTED = 8

Progress = Callable[[float, str], None]


def _plural(k: int, one: str, many: str | None = None) -> str:
    """'1 point', '2 points'."""
    return f"{k:,} {one if k == 1 else (many or one + 's')}"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _MISSING


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return not (isinstance(value, float) and np.isnan(value))
    return isinstance(value, str) and bool(_NUMBER_RE.match(value)) and any(c.isdigit() for c in value)


def _is_date_like(value: Any) -> bool:
    if isinstance(value, (pd.Timestamp, np.datetime64)) or (
        hasattr(value, "year") and hasattr(value, "month") and not isinstance(value, str)
    ):
        return True
    if not isinstance(value, str):
        return False
    value = _WEEK_PREFIX_RE.sub("", value)
    return bool(_DMY_RE.match(value) or _ISO_RE.match(value) or _MONTH_NAME_RE.match(value) or _FY_RE.match(value))


class _Lines:
    """Line (CSV) or row (Excel) numbers in messages."""

    def __init__(self, unit: str) -> None:
        self.unit = unit

    def text(self, numbers: Sequence[int]) -> str:
        numbers = [int(k) for k in numbers]
        shown = ", ".join(str(r) for r in numbers[:_MAX_ROWS_LISTED])
        more = f" and {len(numbers) - _MAX_ROWS_LISTED} more" if len(numbers) > _MAX_ROWS_LISTED else ""
        return f"{self.unit if len(numbers) == 1 else self.unit + 's'} {shown}{more}"

    def were(self, numbers: Sequence[int], plural: str, singular: str) -> str:
        """'lines 3, 4 were blank' / 'line 3 was blank'."""
        return f"{self.text(numbers)} {singular if len(numbers) == 1 else plural}"


# ------------------------------------------------------------------------------------------------
# whole-column views of the cells

_DATE_TEXT = re.compile(
    rf"(?:{_WEEK_PREFIX})?"
    r"(?:(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{1,2}(?:-\d{1,2})?)(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    rf"|{_MONTH_NAME})|{_FY}",
    re.IGNORECASE,
)


def _looks_like_date(v: Any) -> bool:
    return hasattr(v, "year") and hasattr(v, "month") and not isinstance(v, str)


class _Column:
    """One column of cells, looked at once per distinct value and mapped back to the rows.

    Exports repeat their values (dates, ward names, small counts), so the Python-level work
    (string tests, regular expressions) is done on ``pd.factorize``'s distinct values; a column the
    CSV parser already read as numbers needs none.
    """

    def __init__(self, values: pd.Series) -> None:
        self.values = values.reset_index(drop=True)
        n = len(values)
        zeros = np.zeros(n, dtype=bool)
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            self.codes = None
            self.number = values.to_numpy(dtype=float, na_value=np.nan)
            self.is_number = ~np.isnan(self.number)
            self.blank = ~self.is_number
            self.marker = self.is_str = self.pct = self.thousands = self.date_text = self.date_obj = zeros
            self.uniques = np.empty(0, dtype=object)
            self.u_stripped = np.empty(0, dtype=object)
        else:
            codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
            self.codes = codes
            u = np.asarray(uniques, dtype=object)
            self.uniques = u
            k = len(u)
            u_str = np.fromiter((isinstance(x, str) for x in u), dtype=bool, count=k)
            u_bool = np.fromiter((isinstance(x, (bool, np.bool_)) for x in u), dtype=bool, count=k)
            u_date = np.fromiter((_looks_like_date(x) for x in u), dtype=bool, count=k)
            u_number = np.full(k, np.nan)
            plain = ~u_bool & ~u_date
            if plain.any():
                u_number[plain] = pd.to_numeric(pd.Series(u[plain], dtype=object), errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            stripped = np.full(k, None, dtype=object)
            u_blank = np.zeros(k, dtype=bool)
            u_marker = np.zeros(k, dtype=bool)
            u_pct = np.zeros(k, dtype=bool)
            u_thousands = np.zeros(k, dtype=bool)
            u_date_text = np.zeros(k, dtype=bool)
            if u_str.any():
                st = pd.Series(u[u_str], dtype=object).str.strip()
                stripped[u_str] = st.to_numpy(dtype=object)
                lower = st.str.lower()
                blank_s = (st == "").to_numpy(dtype=bool)
                marker_s = lower.isin(_MISSING).to_numpy(dtype=bool) & ~blank_s
                u_blank[u_str] = blank_s
                u_marker[u_str] = marker_s
                # text that is not a plain number: "1,480", "85%", "£12"
                todo = np.isnan(u_number[u_str]) & ~blank_s & ~marker_s
                if todo.any():
                    t = st[todo]
                    is_num = t.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool) & t.str.contains(
                        r"\d", regex=True
                    ).fillna(False).to_numpy(dtype=bool)
                    cleaned = t[is_num].str.replace(r"[,£$€%\s]", "", regex=True)
                    nums = np.full(len(t), np.nan)
                    nums[is_num] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                    idx = np.flatnonzero(u_str)[todo]
                    u_number[idx] = nums
                    u_pct[idx] = is_num & t.str.endswith("%").to_numpy(dtype=bool)
                    u_thousands[idx] = is_num & t.str.contains(",", regex=False).to_numpy(dtype=bool)
                    dates = ~is_num
                    if dates.any():
                        u_date_text[idx[dates]] = t[dates].str.fullmatch(_DATE_TEXT).fillna(False).to_numpy(dtype=bool)
            u_is_number = ~np.isnan(u_number) & ~u_bool & ~u_date

            def rows(arr: np.ndarray, fill: Any) -> np.ndarray:
                out = arr[codes] if k else np.full(n, fill, dtype=arr.dtype)
                return np.where(codes >= 0, out, fill) if k else out

            self.u_stripped = stripped
            self.number = rows(np.where(u_is_number, u_number, np.nan), np.nan)
            self.is_number = rows(u_is_number, False)
            self.blank = rows(u_blank, True)
            self.marker = rows(u_marker, False)
            self.is_str = rows(u_str, False)
            self.pct = rows(u_pct, False)
            self.thousands = rows(u_thousands, False)
            self.date_text = rows(u_date_text, False)
            self.date_obj = rows(u_date, False)
        self.missing = self.blank | self.marker
        self.filled = ~self.missing

    @property
    def stripped(self) -> np.ndarray:
        """The stripped text of each cell (None where the cell is not text)."""
        if self.codes is None or not len(self.uniques):
            return np.full(len(self.values), None, dtype=object)
        out = self.u_stripped[self.codes]
        out[self.codes < 0] = None
        return out

    def subset(self, keep: np.ndarray) -> _Column:
        out = object.__new__(_Column)
        out.values = self.values[keep].reset_index(drop=True)
        out.codes = None if self.codes is None else self.codes[keep]
        out.uniques, out.u_stripped = self.uniques, self.u_stripped
        for name in ("number", "is_number", "blank", "marker", "is_str", "pct", "thousands", "date_text",
                     "date_obj", "missing", "filled"):
            setattr(out, name, getattr(self, name)[keep])
        return out


# ------------------------------------------------------------------------------------------------
# dates


def _make_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray, seconds: np.ndarray | None = None) -> np.ndarray:
    """datetime64[us] from integer parts (NaT where a part is missing or the date does not exist).

    Built with numpy's calendar arithmetic, so years past 2262 (pandas' nanosecond limit) are kept.
    """
    year = np.asarray(year, dtype=float)
    month = np.asarray(month, dtype=float)
    day = np.asarray(day, dtype=float)
    ok = np.isfinite(year) & np.isfinite(month) & np.isfinite(day)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 1) & (year <= 9999)
    y = np.where(ok, year, 1970).astype(np.int64)
    m = np.where(ok, month, 1).astype(np.int64)
    d = np.where(ok, day, 1).astype(np.int64)
    months = (y - 1970) * 12 + (m - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    dates = first + (d - 1).astype("timedelta64[D]")
    ok &= dates.astype("datetime64[M]") == first.astype("datetime64[M]")  # 31/02 is not a date
    out = dates.astype("datetime64[us]")
    if seconds is not None:
        sec = np.where(np.isfinite(seconds), seconds, 0).astype(np.int64)
        out = out + (sec * 1_000_000).astype("timedelta64[us]")
    out[~ok] = np.datetime64("NaT")
    return out


def _two_digit_year(y: pd.Series) -> pd.Series:
    """'24' -> 2024, '85' -> 1985 (a century window around this year, as spreadsheets do)."""
    pivot = (pd.Timestamp.today().year + 20) % 100
    return y.where(y >= 100, np.where(y <= pivot, 2000 + y, 1900 + y))


def _seconds(h: pd.Series, m: pd.Series, s: pd.Series) -> np.ndarray:
    h = pd.to_numeric(h, errors="coerce").fillna(0)
    m = pd.to_numeric(m, errors="coerce").fillna(0)
    s = pd.to_numeric(s, errors="coerce").fillna(0)
    return (h * 3600 + m * 60 + s).to_numpy(dtype=float)


def _dayfirst_for(dmy: pd.DataFrame, name: str, dayfirst: bool | None, example: str) -> tuple[bool, str]:
    """Decide day-first or month-first for d/m/y texts; a note when it was a guess."""
    if dmy.empty:
        return True if dayfirst is None else dayfirst, ""
    first = pd.to_numeric(dmy[0], errors="coerce")
    second = pd.to_numeric(dmy[1], errors="coerce")
    can_dayfirst = bool((second <= 12).all())
    can_monthfirst = bool((first <= 12).all())
    if dayfirst is not None:
        return dayfirst, ""
    if can_dayfirst and not can_monthfirst:
        return True, ""
    if can_monthfirst and not can_dayfirst:
        raise QIValueError(
            f"Column {name!r} has dates such as {example!r} that only make sense month-first (US style), but "
            f"qitools reads dates day-first (UK) by default. Are they month-first? Pass dayfirst=False to read "
            f"them that way."
        )
    if can_dayfirst and can_monthfirst:
        return True, f"the dates in {name!r} could be day-first or month-first; read day-first (UK)"
    raise QIValueError(
        f"Column {name!r} mixes day-first and month-first dates (some have a first number above 12, others a "
        f"second number above 12). Fix the dates in the source file."
    )


def _parse_date_texts(texts: pd.Series, name: str, dayfirst: bool | None) -> tuple[np.ndarray, str]:
    """Distinct date texts -> datetime64[us] (NaT where not a date), and a note on day-first."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    if texts.empty:
        return out, ""
    notes = []
    weeks = texts.str.contains(_WEEK_PREFIX_RE).fillna(False).to_numpy(dtype=bool)
    if weeks.any():
        example = str(texts[weeks].iloc[0])
        texts = texts.str.replace(_WEEK_PREFIX_RE, "", regex=True)
        notes.append(f"week labels in {name!r} such as {example!r} were read as the date they give")
    fy = texts.str.extract(_FY_RE)
    is_fy = fy[0].notna().to_numpy()
    if is_fy.any():
        start = pd.to_numeric(fy[0], errors="coerce")
        start = start.where(fy[0].str.len() != 2, 2000 + start)
        end = pd.to_numeric(fy[1], errors="coerce") % 100
        period = pd.to_numeric(fy[2], errors="coerce")
        ok = ((start + 1) % 100 == end) & (period >= 1) & (period <= 12)
        month = (period + 2) % 12 + 1  # M01 = April
        year = start + (period > 9)  # M10-M12 (January-March) are in the second calendar year
        parsed = _make_dates(year.where(ok).to_numpy(), month.where(ok).to_numpy(), np.ones(len(texts)))
        out[is_fy] = parsed[is_fy]
        example = str(texts[is_fy & ok.to_numpy()].iloc[0]) if (is_fy & ok.to_numpy()).any() else ""
        if example:
            notes.append(
                f"financial-year months in {name!r} were read as calendar months (M01 = April): {example!r} is "
                f"{pd.Timestamp(out[np.flatnonzero(is_fy & ok.to_numpy())[0]]):%b %Y}"
            )
    dmy = texts.str.extract(_DMY_RE)
    is_dmy = dmy[0].notna().to_numpy()
    if is_dmy.any():
        example = str(texts[is_dmy].iloc[0])
        first_day, note = _dayfirst_for(dmy[is_dmy], name, dayfirst, example)
        if note:
            notes.insert(0, note)
        a = pd.to_numeric(dmy[0], errors="coerce")
        b = pd.to_numeric(dmy[1], errors="coerce")
        day, month = (a, b) if first_day else (b, a)
        year = _two_digit_year(pd.to_numeric(dmy[2], errors="coerce"))
        secs = _seconds(dmy[3], dmy[4], dmy[5])
        parsed = _make_dates(year.to_numpy(), month.to_numpy(), day.to_numpy(), secs)
        out[is_dmy] = parsed[is_dmy]
    rest = ~is_dmy & ~is_fy
    if rest.any():
        iso = texts.str.extract(_ISO_RE)
        is_iso = iso[0].notna().to_numpy() & rest
        if is_iso.any():
            day = pd.to_numeric(iso[2], errors="coerce").fillna(1)
            parsed = _make_dates(
                pd.to_numeric(iso[0], errors="coerce").to_numpy(),
                pd.to_numeric(iso[1], errors="coerce").to_numpy(),
                day.to_numpy(),
                _seconds(iso[3], iso[4], iso[5]),
            )
            out[is_iso] = parsed[is_iso]
        rest &= ~is_iso
    if rest.any():
        named = texts.str.extract(_MONTH_NAME_RE)
        is_named = named[1].notna().to_numpy() & rest
        if is_named.any():
            month = named[1].str.lower().map(_MONTH_NUMBER)
            year_text = named[2].str.replace("'", "", regex=False)
            year = pd.to_numeric(year_text, errors="coerce")
            year = year.where(year_text.str.len() != 2, 2000 + year)
            day = pd.to_numeric(named[0], errors="coerce").fillna(1)
            parsed = _make_dates(year.to_numpy(), month.to_numpy(dtype=float), day.to_numpy())
            out[is_named] = parsed[is_named]
    return out, "; ".join(notes)


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


def _serials_to_dates(days: np.ndarray) -> np.ndarray:
    """Excel day numbers (1900 date system) -> datetime64[us]."""
    micro = np.round(np.asarray(days, dtype=float) * 86_400_000_000)
    ok = np.isfinite(micro)
    out = _EXCEL_EPOCH + np.where(ok, micro, 0).astype(np.int64).astype("timedelta64[us]")
    out[~ok] = np.datetime64("NaT")
    return out


def _yyyymm_to_dates(values: np.ndarray) -> np.ndarray:
    """202404 -> 2024-04-01, 20240415 -> 2024-04-15 (NaT otherwise)."""
    v = np.asarray(values, dtype=float)
    six = (v >= 190001) & (v <= 210012)
    eight = (v >= 19000101) & (v <= 21001231)
    year = np.where(six, v // 100, np.where(eight, v // 10000, np.nan))
    month = np.where(six, v % 100, np.where(eight, (v // 100) % 100, np.nan))
    day = np.where(six, 1, np.where(eight, v % 100, np.nan))
    return _make_dates(year, month, day)


def _is_serial(number: pd.Series) -> pd.Series:
    lo, hi = _SERIAL_RANGE
    return (number >= lo) & (number <= hi)


def _date_name(name: str) -> bool:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).replace("_", " ")
    return bool(_DATE_NAME.search(spaced))


def _fmt_day(t: Any) -> str:
    t = pd.Timestamp(t)
    return f"{t.day} {t:%b %Y}"


def _parse_date_column(col: _Column, name: str, dayfirst: bool | None, changes: list[str]) -> np.ndarray:
    """A column of dates written as text, Excel dates or Excel day numbers -> datetime64[us]."""
    n = len(col.values)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    filled = col.filled
    if col.codes is not None and len(col.uniques):
        # dates written as text and date objects: each distinct value once
        k = len(col.uniques)
        u_parsed = np.full(k, np.datetime64("NaT"), dtype="datetime64[us]")
        used = np.zeros(k, dtype=bool)
        used[col.codes[(col.codes >= 0) & filled]] = True
        texts = used & np.fromiter((isinstance(x, str) for x in col.uniques), dtype=bool, count=k)
        if texts.any():
            parsed, note = _parse_date_texts(pd.Series(col.u_stripped[texts], dtype=object), name, dayfirst)
            u_parsed[texts] = parsed
            if note:
                changes.append(note)
        objects = used & np.fromiter((_looks_like_date(x) for x in col.uniques), dtype=bool, count=k)
        if objects.any():
            stamps = pd.to_datetime(pd.Series(list(col.uniques[objects]), dtype=object), errors="coerce")
            u_parsed[objects] = stamps.to_numpy(dtype="datetime64[us]")
        rows = u_parsed[col.codes]
        rows[col.codes < 0] = np.datetime64("NaT")
        out = rows
    # numbers (and numbers written as text): Excel day numbers, or 202404-style months
    numeric = filled & col.is_number & np.isnat(out)
    if numeric.any():
        nums = col.number[numeric]
        serial = (nums >= _SERIAL_RANGE[0]) & (nums <= _SERIAL_RANGE[1])
        converted = np.where(serial, _serials_to_dates(nums), _yyyymm_to_dates(nums))
        out[numeric] = converted
    return out


def _note_serials(col: _Column, name: str, parsed: np.ndarray, changes: list[str], asked: bool) -> None:
    """Say that Excel day numbers (or yyyymm numbers) were read as dates, with an example."""
    numeric = col.filled & col.is_number & ~np.isnat(parsed) & ~col.date_text
    if not numeric.any():
        return
    i = int(np.flatnonzero(numeric)[0])
    example = float(col.number[i])
    why = "as asked" if asked else "(its name says it holds dates)"
    serial = _SERIAL_RANGE[0] <= example <= _SERIAL_RANGE[1]
    kind = "Excel day numbers" if serial else "numbers in year-month form"
    k = int(numeric.sum())
    changes.append(
        f"{kind} in {name!r} were read as dates {why}: {example:.10g} is {_fmt_day(parsed[i])}"
        + (f" ({_plural(k, 'cell')})" if k < int(col.filled.sum()) else "")
    )


def _far_dates(parsed: np.ndarray, raw: pd.Series, name: str, lines: _Lines, line_no: np.ndarray, changes: list[str]) -> None:
    """Report dates far outside the rest of the series (a typed 3024 for 2024): the charts' own rule
    (:func:`qitools.spc.validate.far_dates`), so the file and the chart agree on what is far."""
    far = far_dates(parsed)
    if not far.any():
        return
    _, span = describe_far_dates(parsed, far)
    shown = [_name_text(raw.iloc[i]) for i in np.flatnonzero(far)[:_MAX_ROWS_LISTED]]
    changes.append(
        f"check {lines.text(line_no[far])} of {name!r} ({', '.join(shown)}): "
        f"{'this date is' if far.sum() == 1 else 'these dates are'} far from the others ({span}), "
        f"perhaps a typing error in the year; {'it was' if far.sum() == 1 else 'they were'} kept as "
        f"written"
    )


def _kind_counts(col: _Column) -> dict[str, int]:
    """How many filled cells of a column are dates, numbers, Excel day numbers, yyyymm numbers."""
    filled = col.filled
    number = np.where(col.is_number & filled, col.number, np.nan)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(number) & (number == np.round(number))
    number = np.where(whole, number, 0.0)
    return {
        "n": int(filled.sum()),
        "dates": int(((col.date_text | col.date_obj) & filled).sum()),
        "numbers": int((col.is_number & filled).sum()),
        "serials": int((whole & (number >= _SERIAL_RANGE[0]) & (number <= _SERIAL_RANGE[1])).sum()),
        "yyyymm": int((whole & (number >= 190001) & (number <= 210012) & (np.mod(number, 100) >= 1)
                       & (np.mod(number, 100) <= 12)).sum()),
    }


def _classify(name: str, counts: dict[str, Any], asked: bool) -> str:
    n = counts["n"]
    if n == 0:
        return "empty"
    if asked:
        return "date"
    if counts["dates"] > 0 and counts["dates"] + counts["serials"] >= 0.8 * n:
        return "date"  # Excel day numbers among real dates (cells that lost their date format)
    if _date_name(name) and counts["numbers"] == n and (counts["serials"] == n or counts["yyyymm"] == n):
        return "date"  # a column of Excel day numbers (or 202404-style months), by its name and range
    if counts["numbers"] >= 0.8 * n:
        return "number"
    return "text"


# ------------------------------------------------------------------------------------------------
# header


def _row_kinds(row: pd.Series) -> tuple[int, int, int]:
    """(text cells, number or date cells, filled cells) in a row."""
    text = number = filled = 0
    for v in row:
        if _is_missing(v):
            continue
        filled += 1
        if _is_number(v) or _is_date_like(v):
            number += 1
        else:
            text += 1
    return text, number, filled


def _find_header(raw: pd.DataFrame, header: int | None, label: str, lines: _Lines) -> tuple[int, list[str], list[str]]:
    """Index of the header row, the column names, and notes on what was skipped or combined."""
    notes: list[str] = []
    n_cols = raw.shape[1]
    top = raw.iloc[: _MAX_HEADER_SEARCH + 1]
    kinds = [_row_kinds(top.iloc[i]) for i in range(len(top))]
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
        raise QIValueError(
            f"header={header} is past the end of {label}, which has {_plural(len(raw), lines.unit)}."
        )
    names = [("" if _is_missing(v) else _name_text(v)) for v in raw.iloc[header]]
    # a group header above (a merged cell spread over several columns) is joined to the names
    joined_two = False
    if header > 0:
        above = raw.iloc[header - 1]
        text, number, filled = _row_kinds(above)
        first_filled = next((j for j, v in enumerate(above) if not _is_missing(v)), 0)
        # a title line has one cell, in the first column; a group header spans columns further right
        is_group = number == 0 and 1 <= filled < n_cols and (filled >= 2 or first_filled > 0)
        if is_group:
            cells = ["" if _is_missing(v) else _name_text(v) for v in above]
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
                notes.append(f"the column names come from two header {lines.unit}s ({header} and {header + 1})")
                names = joined
                joined_two = True
    first = header - 1 if joined_two else header
    if first > 0:
        notes.append(
            lines.were(
                list(range(1, first + 1)),
                "above the header (titles, notes) were skipped",
                "above the header (a title or note) was skipped",
            )
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


def _name_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "year") and hasattr(v, "month") and not isinstance(v, str):
        return f"{pd.Timestamp(v):%b %Y}"
    return str(v).strip()


# ------------------------------------------------------------------------------------------------
# progress


def _progress_callback(progress: Any) -> tuple[Progress | None, Callable[[], None]]:
    """``progress=True``: a tqdm bar on the terminal (shown only after a second); a callable: itself."""
    if progress is None or progress is False:
        return None, lambda: None
    if callable(progress):
        return progress, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - a dependency
        return None, lambda: None
    bar = tqdm(total=100, delay=1.0, unit="%", leave=False, bar_format="{desc} {bar} {percentage:3.0f}%")

    def update(fraction: float, text: str) -> None:
        bar.set_description_str(text, refresh=False)
        bar.update(max(0, round(100 * fraction) - bar.n))

    return update, bar.close


# ------------------------------------------------------------------------------------------------
# the reader


def read_measure(
    source: Any,
    sheet: str | int | None = None,
    *,
    header: int | None = None,
    dayfirst: bool | None = None,
    dates: Sequence[str] | None = None,
    percent: str = "proportion",
    drop_totals: bool = True,
    progress: bool | Callable[[float, str], None] = False,
) -> pd.DataFrame:
    """Read a team's CSV or Excel export into a tidy DataFrame, reporting every change made.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A ``.csv`` or text file (comma, semicolon, tab or bar separated; UTF-8, UTF-16 or UTF-32 such
        as Excel's "Unicode text", or a Windows encoding, which is then named in the notes) or an
        ``.xlsx``, ``.xls`` (Excel 97-2003) or ``.ods`` (LibreOffice) workbook. A CSV separated by
        ``;`` with decimal commas (``3,5``; ``1.234`` for 1234), as Excel writes in much of Europe, is
        read as such.
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
        Columns to read as dates: text dates, Excel dates, Excel day numbers (44652 is 1 Apr 2022)
        or year-month numbers (202204). Found automatically by default: a column of Excel day
        numbers is recognised when its name says it holds dates (Month, Date, Week, Period ...).
    percent : {"proportion", "percent"}, default "proportion"
        What ``"85%"`` becomes: 0.85 (a proportion, ready for a p chart's scale) or 85.0.
    drop_totals : bool, default True
        Drop rows labelled Total, Grand total, Sum or All.
    progress : bool or callable, default False
        ``True``: show a progress bar on the terminal when reading takes over a second; a function
        ``progress(fraction, text)`` is called as the work goes on (the workshop app's bar).

    Returns
    -------
    pandas.DataFrame
        One row per data line: numbers as floats, dates as ``datetime64[us]`` (years past 2262
        are kept), text stripped. The changes made (and dates worth checking) are listed in
        ``df.attrs["qitools_changes"]`` and in one ``DataChangedWarning``.

    Raises
    ------
    QIValueError
        The file is missing, empty, too big (over 100 MB, 5,000,000 cells or 1,000 columns: checked
        before it is read), password-protected, not CSV or Excel, has no recognisable header, or
        has dates that are ambiguous in a way that needs your decision (the message says which
        argument to pass).

    Examples
    --------
    >>> import io, warnings
    >>> import qitools as qi
    >>> export = io.StringIO(
    ...     "Falls report,,\\n"
    ...     "Month,Falls,Occupied bed days\\n"
    ...     "01/04/2024,12,\\"1,480\\"\\n"
    ...     "01/05/2024,n/a,\\"1,512\\"\\n"
    ...     ",,\\n"
    ...     "Total,12,\\"2,992\\"\\n")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     df = qi.read_measure(export)
    >>> df
           Month  Falls  Occupied bed days
    0 2024-04-01   12.0             1480.0
    1 2024-05-01    NaN             1512.0
    >>> for change in df.attrs["qitools_changes"]:
    ...     print(change)
    line 1 above the header (a title or note) was skipped
    line 5 was blank and was dropped
    line 6 was a total and was dropped
    the dates in 'Month' could be day-first or month-first; read day-first (UK)
    thousands separators in 'Occupied bed days' were removed
    'n/a' in 'Falls' (line 4) was read as missing
    """
    update, close = _progress_callback(progress)
    try:
        return _read_measure(source, sheet, header, dayfirst, dates, percent, drop_totals, update)
    except QIToolsError:
        raise
    except MemoryError:
        raise QIValueError(
            "The computer ran out of memory reading this file. Export only the rows and columns of your measure "
            "(one row per period is enough) and try again."
        ) from None
    except Exception as exc:  # anything unexpected still reaches the user as a qitools error
        raise QIValueError(
            f"qitools could not read this file ({type(exc).__name__}: {exc}). Check that it is a CSV or .xlsx "
            f"export with one row per period; if it is, please report this message to the qitools team."
        ) from exc
    finally:
        close()


def _read_measure(
    source: Any,
    sheet: Any,
    header: int | None,
    dayfirst: bool | None,
    dates: Sequence[str] | None,
    percent: str,
    drop_totals: bool,
    progress: Progress | None,
) -> pd.DataFrame:
    if percent not in ("proportion", "percent"):
        raise QIValueError(f"percent= must be 'proportion' or 'percent'; got {percent!r}.")
    if isinstance(dates, str):
        dates = [dates]
    grid: Grid = read_grid(source, sheet, progress)
    top, label, lines = grid.top, grid.label, _Lines(grid.unit)
    changes = list(grid.notes)
    if top.shape[1] == 0 or len(top) == 0:
        raise QIValueError(f"{label} has no filled cells.{_other_sheets(grid, sheet)}")
    top.columns = range(top.shape[1])
    top_filled = top.apply(lambda c: ~c.map(_is_missing)).to_numpy(dtype=bool)
    kept = [j for j in top.columns if top_filled[:, j].any()]
    if not kept:
        raise QIValueError(
            f"{label} has no filled cells in its first {_plural(len(top), lines.unit)}.{_other_sheets(grid, sheet)}"
        )
    if header is not None and not 0 <= header < grid.n_rows:
        raise QIValueError(f"header={header} is past the end of {label}, which has {_plural(grid.n_rows, lines.unit)}.")
    if header is not None and header >= len(top):
        raise QIValueError(
            f"header={header} is further down than qitools looks for column names (the first {len(top)} "
            f"{lines.unit}s). Delete the {lines.unit}s above the table in the file and try again."
        )
    try:
        h, names, header_notes = _find_header(top[kept], header, label, lines)
    except QIValueError as exc:
        hint = _other_sheets(grid, sheet)
        if not hint or header is not None:
            raise
        raise QIValueError(f"{exc}{hint}") from None
    changes += header_notes
    header_text = [("" if _is_missing(v) else str(v).strip()) for v in top.iloc[h][kept]]
    body = grid.body(h)
    if progress is not None:
        progress(0.5, "tidying the table")
    body.columns = range(body.shape[1])
    n = len(body)
    if n == 0:
        raise QIValueError(f"{label} has a header but no data rows below it.")
    line_no = np.arange(h + 2, h + 2 + n)
    columns = {j: _Column(body[j]) if j in body.columns else None for j in kept}
    extra = [j for j in body.columns if j not in columns]
    for j in extra:  # data in a column with nothing in the first rows: kept, with a made-up name
        col = _Column(body[j])
        if col.filled.any():
            columns[j] = col
            names.append(f"column_{j + 1}")
            header_text.append("")
    kept = [j for j, c in columns.items() if c is not None]
    names = [nm for j, nm in zip(columns, names) if columns[j] is not None]
    header_text = [t for j, t in zip(columns, header_text) if columns[j] is not None]
    cols = [columns[j] for j in kept]
    keep = np.ones(n, dtype=bool)

    missing = np.column_stack([c.missing for c in cols])
    blank = missing.all(axis=1)
    if blank.any():
        changes.append(lines.were(line_no[blank], "were blank and were dropped", "was blank and was dropped"))
        keep &= ~blank
    repeat = keep.copy()
    for c, text in zip(cols, header_text):
        repeat &= (c.stripped == text) if text else c.blank
    if repeat.any():
        changes.append(
            lines.were(line_no[repeat], "repeated the header and were dropped", "repeated the header and was dropped")
        )
        keep &= ~repeat
    if drop_totals:
        total = np.zeros(n, dtype=bool)
        for c in cols[:3]:
            if c.codes is not None and len(c.uniques):
                u_total = np.fromiter(
                    (isinstance(t, str) and bool(_TOTAL.match(t)) for t in c.u_stripped), dtype=bool, count=len(c.uniques)
                )
                total |= np.where(c.codes >= 0, u_total[c.codes], False)
        total &= keep
        if total.any():
            changes.append(lines.were(line_no[total], "were totals and were dropped", "was a total and was dropped"))
            keep &= ~total
    if len(cols) > 1 and keep.any():
        # trailing footnotes ("Source: ...", "* provisional"): one text cell and nothing else, below the data
        one_text = ((~missing).sum(axis=1) == 1) & np.column_stack(
            [c.filled & ~c.is_number & ~c.date_text & ~c.date_obj for c in cols]
        ).any(axis=1)
        rows = np.flatnonzero(keep)
        trailing: list[int] = []
        for k in rows[::-1]:
            if not one_text[k]:
                break
            trailing.append(int(k))
        if trailing and len(trailing) < len(rows):
            trailing = trailing[::-1]
            changes.append(
                lines.were(
                    line_no[trailing], "looked like footnotes and were dropped", "looked like a footnote and was dropped"
                )
            )
            keep[trailing] = False
    if not keep.any():
        raise QIValueError(f"{label} has a header but no data rows below it.")

    wanted = list(dict.fromkeys(dates or []))
    unknown = [d for d in wanted if d not in names]
    if unknown:
        raise QIValueError(f"dates= names columns that are not in the file: {unknown!r}. Columns: {names!r}.")
    body_line = line_no[keep]
    out: dict[str, Any] = {}
    missing_notes: list[str] = []
    for k, (c_all, name) in enumerate(zip(cols, names)):
        if progress is not None:
            progress(0.5 + 0.5 * k / len(cols), f"reading column {name!r}")
        col = c_all.subset(keep)
        counts = _kind_counts(col)
        kind = _classify(name, counts, name in wanted)
        if kind == "empty":
            continue
        if kind == "date":
            parsed = _parse_date_column(col, name, dayfirst, changes)
            bad = np.isnat(parsed) & col.filled
            if bad.any():
                changes.append(
                    f"{lines.text(body_line[bad])} of {name!r} could not be read as dates and "
                    f"{'was' if bad.sum() == 1 else 'were'} left empty"
                )
            _note_serials(col, name, parsed, changes, name in wanted)
            _far_dates(parsed, col.values, name, lines, body_line, changes)
            out[name] = pd.Series(parsed, dtype="datetime64[us]")
        elif kind == "number":
            values = np.where(col.is_number, col.number, np.nan)
            if col.pct.any():
                if percent == "proportion":
                    values = np.where(col.pct, values / 100.0, values)
                changes.append(
                    f"percentages in {name!r} were converted to "
                    + ("proportions (85% -> 0.85)" if percent == "proportion" else "numbers (85% -> 85)")
                )
            if col.thousands.any():
                changes.append(f"thousands separators in {name!r} were removed")
            hint = _serial_hint(values, name)
            if hint:
                changes.append(hint)
            bad = col.filled & ~col.is_number
            if bad.any():
                shown = list(dict.fromkeys(_name_text(v) for v in col.values[bad].iloc[:50]))[:3]
                small = any(re.fullmatch(r"\s*(<|&lt;)\s*\d+\s*", t) for t in shown)
                changes.append(
                    f"{lines.text(body_line[bad])} of {name!r} ({', '.join(repr(t) for t in shown)}"
                    + (", a small count hidden for privacy" if small else "")
                    + f") {'was not a number and was' if bad.sum() == 1 else 'were not numbers and were'} left empty"
                )
            out[name] = values
        else:
            text = col.stripped
            if col.codes is not None and len(col.uniques):
                u_text = np.array(
                    [re.sub(r"\s+", " ", t) if isinstance(t, str) else _name_text(v) for t, v in zip(col.u_stripped, col.uniques)],
                    dtype=object,
                )
                text = u_text[col.codes]
            elif col.codes is None:  # numbers in a column of text (a column typed as numbers by the parser)
                text = np.array([_name_text(v) for v in col.values], dtype=object)
            out[name] = np.where(col.filled, text, None)
        if col.marker.any():
            missing_notes.append(_marker_note(col, name, lines, body_line))
    changes += missing_notes
    df = pd.DataFrame(out)
    df.attrs["qitools_changes"] = changes
    df.attrs["qitools_source"] = label
    df.attrs["qitools_rows"] = body_line.astype(np.int64)  # each row's line (CSV) or row (Excel) in the file
    if progress is not None:
        progress(1.0, "done")
    if changes:
        warnings.warn(
            f"qitools changed {label} while reading it: " + "; ".join(changes) + ".",
            DataChangedWarning,
            stacklevel=3,
        )
    return df


def _serial_hint(values: np.ndarray, name: str) -> str:
    """A note for a column whose name does not say dates but whose numbers run like Excel day numbers
    (whole, in order, a day, a week or a month apart): it is left as numbers, and how to read it as dates."""
    v = values[np.isfinite(values)]
    if len(v) < 3 or not np.all(v == np.round(v)) or not _is_serial(pd.Series(v)).all():
        return ""
    steps = np.diff(v)
    if not np.all(steps > 0):
        return ""
    step = float(np.median(steps))
    if not (step in (1.0, 7.0) or 28 <= step <= 31 or 89 <= step <= 92):
        return ""
    first = _fmt_day(_serials_to_dates(np.array([v[0]]))[0])
    return (
        f"{name!r} holds numbers that run like Excel day numbers ({v[0]:.0f} would be {first}); they were kept "
        f"as numbers. If they are dates, pass dates=[{name!r}]"
    )


def _other_sheets(grid: Grid, sheet: Any) -> str:
    """For a sheet with no table (a cover or notes sheet): the workbook's other sheets."""
    if len(grid.sheets) < 2:
        return ""
    others = [name for name in grid.sheets if name != grid.sheet]
    listed = ", ".join(repr(name) for name in others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
    return (
        f" The workbook has {'another sheet' if len(others) == 1 else 'other sheets'}: {listed}. If the data are "
        f"there, pass sheet={others[0]!r} (or another sheet's name)."
    )


def _marker_note(col: _Column, name: str, lines: _Lines, line_no: np.ndarray) -> str:
    """"'n/a' in 'Falls' (lines 4, 9) was read as missing" (each marker text once)."""
    marked = col.marker
    texts = col.stripped[marked]
    kinds = list(dict.fromkeys(str(t) for t in texts))
    shown = " and ".join(repr(t) for t in kinds[:4]) + (f" and {len(kinds) - 4} other markers" if len(kinds) > 4 else "")
    return f"{shown} in {name!r} ({lines.text(line_no[marked])}) {'was' if marked.sum() == 1 else 'were'} read as missing"


def numbered_as_in_file(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (as read by :func:`read_measure`) indexed by each row's line or row number in the file.

    The command and the app chart this, so that a message naming "row 13" (an infinite rate, a
    zero denominator, a far-off date) names the row the team sees in Excel, not a count from 0.
    Any other DataFrame is returned as it is.
    """
    rows = df.attrs.get("qitools_rows")
    if rows is None or len(rows) != len(df):
        return df
    out = df.copy(deep=False)
    out.index = pd.Index(np.asarray(rows, dtype=np.int64))
    return out


def x_values_from_text(text: str, x: pd.Series, *, dayfirst: bool = True, what: str = "part") -> list[Any]:
    """Values of the time column typed by a person ("Nov 2022, 01/06/2023") -> values to pass on.

    Used by the command (``--part``, ``--freeze``, ``--exclude``) and the workshop app ("New part
    from"): dates may be written as the chart shows them (``Nov 2022``), as ``2022-11-01`` or as
    ``01/11/2022`` (day-first unless ``dayfirst=False``).

    Raises
    ------
    QIValueError
        A value is not a date (for a date column) or not a number (for a numeric column).
    """
    texts = [t.strip() for t in re.split(r"[;,](?!\d{3}\b)", text) if t.strip()]
    if pd.api.types.is_datetime64_any_dtype(x):
        parsed, _ = _parse_date_texts(pd.Series(texts, dtype=object), "x", dayfirst)
        out: list[Any] = []
        for t, p in zip(texts, parsed):
            if np.isnat(p):
                raise QIValueError(
                    f"{what} has {t!r}, which is not a date. Write dates as the chart shows them (Nov 2022) or "
                    f"as 2022-11-01 or 01/11/2022, separated by commas."
                )
            out.append(pd.Timestamp(p))
        _check_in_x(texts, out, x, what)
        return out
    if pd.api.types.is_numeric_dtype(x):
        try:
            numbers = [float(t.replace(",", "")) for t in texts]
        except ValueError:
            raise QIValueError(f"{what} must list numbers from the time column, separated by commas; got {text!r}.") from None
        _check_in_x(texts, numbers, x, what)
        return numbers
    return texts


def _check_in_x(texts: list[str], values: list[Any], x: pd.Series, what: str) -> None:
    """Each value typed must be a value of the time column: else say which ones are, near it."""
    from .explain import _fmt_x, _is_daily

    present = x.dropna()
    if present.empty:
        return
    try:
        known = pd.Index(present.unique()).sort_values()
    except TypeError:  # mixed types: the chart's own check speaks
        return
    daily = pd.api.types.is_datetime64_any_dtype(x) and _is_daily(present)
    for t, v in zip(texts, values):
        if v in known:
            continue
        i = int(known.searchsorted(v))
        near = [known[j] for j in (i - 1, i) if 0 <= j < len(known)]
        said = " and ".join(_fmt_x(k, daily) for k in near)
        raise QIValueError(
            f"{what} has {t!r}, which is not a time of the chart: it must be one of the values of the time "
            f"column, which runs from {_fmt_x(known[0], daily)} to {_fmt_x(known[-1], daily)}. The nearest "
            f"{'is' if len(near) == 1 else 'are'} {said}: write {'it' if len(near) == 1 else 'one of them'} as "
            f"the chart shows it."
        )


def _column_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, pd.Index)):
        return list(value)
    raise QITypeError(f"`{name}` must be a list of column names, such as ['falls']; got {type(value).__name__}.")


def _in_columns(label: Any, data: pd.DataFrame) -> bool:
    try:
        return label in data.columns
    except (TypeError, ValueError):
        return False


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
    data = check_data(data, "suppress_small_counts")
    if data is None:
        raise QITypeError("suppress_small_counts() needs the table to share as its first argument (a DataFrame).")
    columns = _column_list(columns, "columns")
    also = _column_list(also, "also")
    missing = [c for c in [*columns, *also] if not _in_columns(c, data)]
    if missing:
        raise QIValueError(
            f"suppress_small_counts: columns {missing!r} are not in the table. The table has columns "
            f"{[str(c) for c in data.columns][:20]!r}."
        )
    for c in [*columns, *also]:
        get_column(data, c, "columns", None)  # a label used twice in the table is an error that says so
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, float, np.integer, np.floating)):
        raise QITypeError(f"`threshold` must be a whole number such as 5; got {threshold!r} ({type(threshold).__name__}).")
    if not np.isfinite(threshold) or threshold < 1 or threshold != int(threshold):
        raise QIValueError(
            f"`threshold` must be a whole number of at least 1 (counts from 1 to threshold - 1 are hidden); "
            f"got {threshold!r}."
        )
    threshold = int(threshold)
    out = data.copy()
    any_small = pd.Series(False, index=out.index)
    for c in columns:
        if pd.api.types.is_datetime64_any_dtype(out[c].dtype) or pd.api.types.is_timedelta64_dtype(out[c].dtype):
            raise QITypeError(
                f"suppress_small_counts: column {c!r} holds dates or times, not counts. List only the count "
                f"columns to suppress (and, under also, the rates made from them)."
            )
        values = pd.Series(numbers_where_possible(out[c]), index=out.index)
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
