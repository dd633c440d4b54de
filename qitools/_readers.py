"""Raw reading of teams' exports, bounded: bytes in, a grid of cells out (no cleaning here).

:func:`read_grid` turns a CSV/text file or an ``.xlsx`` workbook into a DataFrame of cells (text as
written, Excel numbers and dates as they are), one row per line of the file (CSV) or row of the
sheet (Excel). It checks the size of the work *before* doing it, so a file that would need gigabytes
of memory (a sheet whose used range runs to cell XFD1048576, a workbook whose XML expands to
gigabytes, a 50 MB CSV on one line) is refused in a moment with a message that says what was found
and how to export a smaller range:

- the file itself: at most :data:`MAX_FILE_MB` MB;
- text: lines of at most :data:`MAX_LINE_BYTES`, at most :data:`MAX_COLUMNS` fields per line and
  :data:`MAX_CELLS` cells in all (lines x widest line), counted with numpy before parsing;
- ``.xlsx``: every zip member's expanded size (declared, and checked while it is expanded, since a
  zip header can lie) at most :data:`MAX_XML_MB` MB; the sheet's extent (its ``<dimension>`` tag and
  every cell and row reference, scanned in the XML before the sheet is loaded) at most
  :data:`MAX_COLUMNS` columns and :data:`MAX_CELLS` cells.

Encodings: byte-order marks (UTF-8, UTF-16 and UTF-32, either byte order), UTF-16/32 without a mark
(told apart by their zero bytes, as Excel's "Unicode text" export is UTF-16), UTF-8; anything else is
identified by ``charset-normalizer`` (Windows-1252 for Western European text, Shift-JIS, ...), and the
encoding assumed is said in the notes. Excel sheets are read with ``python-calamine`` (a Rust reader,
tens of times faster than openpyxl on large sheets).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .spc.errors import QIValueError

__all__ = ["Grid", "read_grid", "MAX_FILE_MB", "MAX_CELLS", "MAX_COLUMNS", "MAX_LINE_BYTES", "MAX_XML_MB"]

#: largest file read (CSV or Excel), in MB
MAX_FILE_MB = 100
#: most cells (rows x columns of the grid) read from one file or sheet
MAX_CELLS = 5_000_000
#: most columns read
MAX_COLUMNS = 1_000
#: longest line of a text file, in bytes
MAX_LINE_BYTES = 1 << 20
#: largest expanded size of one part (XML file) of an .xlsx workbook, in MB
MAX_XML_MB = 256

_HOW_TO_SHRINK = (
    "Export only the rows and columns of your measure (one row per period is enough): in Excel, select "
    "the table, copy it into a new workbook and save that as .xlsx or CSV; or filter the report in your "
    "system before exporting it."
)

Progress = Callable[[float, str], None]


#: rows of the file given as raw cells for finding the header (it must be among them)
TOP_ROWS = 40


@dataclass
class Grid:
    """Cells of a file, before cleaning.

    ``top`` holds the first :data:`TOP_ROWS` rows as raw cells (text as written, Excel values as
    they are), for finding the header; ``body(h)`` gives every row below row ``h`` (0-based) as a
    DataFrame with a RangeIndex, typed where the reader could do it quickly (pandas' C parser
    gives float columns for columns that hold only numbers).
    """

    top: pd.DataFrame  #: object columns 0..w-1; row i is line/row i + 1 of the file
    n_rows: int  #: rows (lines) in the file
    body: Callable[[int], pd.DataFrame]
    label: str  #: "falls.csv" or "falls.xlsx (sheet 'Data')" for messages
    unit: str  #: "line" (text) or "row" (Excel)
    notes: list[str] = field(default_factory=list)  #: what was assumed (encoding ...)
    sheets: list[str] = field(default_factory=list)  #: a workbook's sheets, in order (empty for text)
    sheet: str = ""  #: the sheet read


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


def _sheet_index(sheet: Any, names: list[str], label: str) -> int:
    """The position of the sheet asked for (None: the first; a number counts from 0; or its name)."""
    if sheet is None:
        return 0
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if not 0 <= int(sheet) < len(names):
            raise QIValueError(
                f"sheet={int(sheet)} does not exist: the workbook has {len(names)} sheet"
                f"{'s' if len(names) != 1 else ''} {names!r} (counting from 0)."
            )
        return int(sheet)
    if sheet in names:
        return names.index(sheet)
    raise QIValueError(f"There is no sheet {sheet!r} in {label}. Its sheets are {names!r}.")


def _too_big(label: str, found: str) -> QIValueError:
    return QIValueError(
        f"{label} is too big to read: {found}. qitools reads up to {MAX_CELLS:,} cells ({MAX_COLUMNS:,} columns) "
        f"from files of up to {MAX_FILE_MB} MB, so that a stray cell or a broken export cannot fill the "
        f"computer's memory. {_HOW_TO_SHRINK}"
    )


# ------------------------------------------------------------------------------------------------
# bytes


def load_bytes(source: Any) -> tuple[bytes, str, str]:
    """The file's bytes, its name for messages (no folders) and its suffix; refuses huge files unread."""
    limit = MAX_FILE_MB * 1024 * 1024
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise QIValueError(f"No file at {str(source)!r}. Check the file name and the folder.")
        if path.is_dir():
            raise QIValueError(f"{str(source)!r} is a folder, not a file. Give the path of the CSV or Excel file.")
        size = path.stat().st_size
        if size > limit:
            raise _too_big(path.name, f"the file is {_mb(size)}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise QIValueError(f"Could not read {path.name!r}: {exc.strerror or exc}. Check that you may open it.") from exc
        return data, path.name, path.suffix.lower()
    name = getattr(source, "name", None)
    name = str(name) if isinstance(name, (str, Path)) else ""
    data = source.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    label = Path(name).name if name else "the input"
    if len(data) > limit:
        raise _too_big(label, f"the file is over {MAX_FILE_MB} MB")
    return bytes(data), label, Path(name).suffix.lower() if name else ""


# ------------------------------------------------------------------------------------------------
# text


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 (Excel's \"Unicode text\")"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_WESTERN = {"cp1252", "windows-1252", "latin_1", "latin-1", "iso8859_1", "iso-8859-1", "iso8859_15", "ascii"}
_ENCODING_NAMES = {
    "cp1252": "Windows-1252 (Western European, as Excel on Windows saves CSV)",
    "shift_jis": "Shift-JIS (Japanese)",
    "cp932": "Shift-JIS (Japanese, Windows)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb18030": "GB18030 (Chinese)",
    "gb2312": "GB2312 (Chinese)",
    "big5": "Big5 (Chinese)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1256": "Windows-1256 (Arabic)",
    "euc_kr": "EUC-KR (Korean)",
    "cp949": "CP949 (Korean)",
}


def _zero_pattern(head: bytes) -> tuple[str, str] | None:
    """UTF-16/32 without a byte-order mark, from where its zero bytes fall (mostly ASCII text)."""
    n = len(head) - len(head) % 4
    if n < 8 or head.count(0) < n // 4:
        return None
    b = np.frombuffer(head[:n], dtype=np.uint8).reshape(-1, 4)
    zero = b == 0
    share = zero.mean(axis=0)
    if share[1] > 0.9 and share[2] > 0.9 and share[3] > 0.9:
        return "utf-32-le", "UTF-32"
    if share[0] > 0.9 and share[1] > 0.9 and share[2] > 0.9:
        return "utf-32-be", "UTF-32"
    pairs = zero.reshape(-1, 2).mean(axis=0)
    if pairs[1] > 0.6 and pairs[0] < 0.2:
        return "utf-16-le", "UTF-16 (Excel's \"Unicode text\")"
    if pairs[0] > 0.6 and pairs[1] < 0.2:
        return "utf-16-be", "UTF-16"
    return None


def decode(data: bytes, label: str) -> tuple[str, str, list[str]]:
    """(text, python codec used, notes). Refuses binary files."""
    notes: list[str] = []
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise QIValueError(
                    f"{label} starts like a {name} text file but is not valid {name} (byte {exc.start}). Save the "
                    f"export again as CSV UTF-8 and try again."
                ) from None
            if codec != "utf-8":
                notes.append(f"the file is {name} text; it was read as such")
            return text, codec, notes
    found = _zero_pattern(data[:4096])
    if found is not None:
        codec, name = found
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = ""
        if text and "\x00" not in text:
            notes.append(f"the file is {name} text without a byte-order mark; it was read as such")
            return text, codec, notes
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError:
        pass
    codec = _detect_encoding(data)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        codec = "cp1252"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            codec, text = "latin-1", data.decode("latin-1")
    name = _ENCODING_NAMES.get(codec, codec)
    notes.append(
        f"the file is not UTF-8; it was read as {name}. If letters in names or text look wrong, save the "
        f"export as \"CSV UTF-8\" and read that instead"
    )
    return text, codec, notes


#: single-byte encodings of Latin-script languages: text that fits one of them is read as Windows-1252,
#: which is what Excel on Windows in the UK writes (the detector cannot tell them apart on short text)
_LATIN = re.compile(r"^(cp1252|cp1250|cp1254|cp1257|cp775|cp437|cp85\d|latin_?\d*|iso8859_(1|2|3|4|9|10|13|14|15|16)|"
                    r"mac_(roman|latin2|iceland|turkish)|hp_roman8|ascii|windows_125[0247])$")


def _detect_encoding(data: bytes) -> str:
    """The likeliest non-UTF-8 encoding (charset-normalizer), with Windows-1252 for Latin-script text.

    Among the encodings that fit the bytes equally well (the detector's least "chaos"), a Latin one
    means Windows-1252; otherwise the detector's first choice (Shift-JIS, GB18030, Windows-1251 ...).
    """
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency; Western European is the safe default
        return "cp1252"
    matches = list(from_bytes(data[:200_000], explain=False))
    if not matches:
        return "cp1252"
    least = min(m.chaos for m in matches)
    tied = [m.encoding.lower().replace("-", "_") for m in matches if m.chaos <= least + 1e-9]
    if any(_LATIN.match(codec) for codec in tied):
        return "cp1252"
    return tied[0]


def _line_stats(text: str) -> tuple[int, int, int, str]:
    """(number of lines, bytes in the longest line, its index, its text), counted with numpy."""
    raw = text.encode("utf-8")
    units = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(units == 10)
    ends = np.r_[newlines, units.size]
    starts = np.r_[0, newlines + 1]
    lengths = ends - starts
    longest = int(np.argmax(lengths))
    line = raw[starts[longest] : starts[longest] + min(int(lengths[longest]), MAX_LINE_BYTES + 1)]
    return int(ends.size), int(lengths[longest]), longest, line.decode("utf-8", errors="replace")


def _sniff_sep(text: str) -> str:
    lines = text[:200_000].splitlines()[:50]
    first = "\n".join(lines)
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda k: counts[k]) if max(counts.values()) else ","


def _fields(lines: list[str], sep: str) -> int:
    try:
        return max((len(r) for r in csv.reader(lines, delimiter=sep)), default=1)
    except csv.Error:
        return max((line.count(sep) + 1 for line in lines), default=1)


def read_text_grid(data: bytes, label: str, progress: Progress | None = None) -> Grid:
    text, codec, notes = decode(data, label)
    del data
    if "\x00" in text:
        raise QIValueError(f"{label} does not look like a text (CSV) file or an Excel workbook.")
    n_lines, longest, where, longest_line = _line_stats(text)
    if longest > MAX_LINE_BYTES:
        raise _too_big(
            label,
            f"line {where + 1} is {_mb(longest)} long ({n_lines:,} line{'s' if n_lines != 1 else ''} in all), far "
            f"longer than a row of a table",
        )
    sep = _sniff_sep(text)
    head = text[:2_000_000].splitlines()[:200]
    width = max(_fields(head, sep), _fields([longest_line], sep))  # the longest line may be the widest
    decimal = _decimal_mark(head, sep)
    if decimal == ",":
        notes.append(
            "the file is written the European way (';' between columns, a comma before the decimals, a dot "
            "between thousands): '3,5' was read as 3.5 and '1.234' as 1234"
        )
    _check_extent(label, n_lines, width, "line")
    try:
        rows = list(csv.reader(head[:TOP_ROWS], delimiter=sep))
    except csv.Error:
        rows = [line.split(sep) for line in head[:TOP_ROWS]]
    top = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object, columns=range(width))
    if top.empty:
        top = pd.DataFrame(columns=range(width), dtype=object)
    state = {"width": width}

    def body(h: int) -> pd.DataFrame:
        for _attempt in range(4):
            try:
                return _european(_parse_csv(text, sep, state["width"], h + 1, n_lines, progress, decimal), decimal)
            except pd.errors.ParserError as exc:
                m = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(exc))
                if not m or int(m.group(2)) <= state["width"]:
                    break
                state["width"] = int(m.group(2))
                _check_extent(label, n_lines, state["width"], "line")
        return _european(_parse_csv_slow(text, sep, label, h + 1), decimal)

    return Grid(top, n_lines, body, label, "line", notes)


#: a number written the European way: 1.234,5 / 1234,5 / 1.234 / 12,5% (dots between thousands)
_EU_NUMBER = r"[-+]?[£$€]?\s*(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*%?"
_DOT_DECIMAL = re.compile(r"^\s*[-+]?\d+\.\d+\s*%?\s*$")
_DOT_THOUSANDS = re.compile(r"^\s*\d{1,3}(?:\.\d{3})+\s*$")
_COMMA_DECIMAL = re.compile(r"^\s*[-+]?[£$€]?\s*(?:\d{1,3}(?:\.\d{3})+|\d+),\d+\s*%?\s*$")


def _decimal_mark(head: list[str], sep: str) -> str:
    """',' for a file written the European way (Excel in much of Europe), else '.'.

    Such files separate their columns with ';' (the comma being the decimal mark) and may write
    thousands with dots. A ';' file is read that way when its numbers have decimal commas (3,5) or
    dots only between thousands (1.234), and none has a decimal dot (3.5).
    """
    if sep != ";":
        return "."
    try:
        cells = [c for row in csv.reader(head, delimiter=sep) for c in row]
    except csv.Error:
        cells = [c for line in head for c in line.split(sep)]
    comma = any(_COMMA_DECIMAL.match(c) for c in cells)
    thousands = any(_DOT_THOUSANDS.match(c) for c in cells)
    dot = any(_DOT_DECIMAL.match(c) and not _DOT_THOUSANDS.match(c) for c in cells)
    return "," if (comma or thousands) and not dot else "."


def _european(frame: pd.DataFrame, decimal: str) -> pd.DataFrame:
    """Text cells holding European numbers ('1.234,5') rewritten as '1234.5', for the cleaning to read.

    Each distinct text is looked at once (``pd.factorize``): exports repeat their values.
    """
    if decimal != ",":
        return frame
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values):
            continue
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
        u = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        is_text = u.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        match = np.zeros(len(u), dtype=bool)
        match[is_text] = u[is_text].str.fullmatch(_EU_NUMBER).fillna(False).to_numpy(dtype=bool)
        if not match.any():
            continue
        fixed = u.copy()
        fixed[match] = u[match].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        out = fixed.to_numpy(dtype=object)[codes]
        out[codes < 0] = None
        frame[col] = pd.Series(out, index=frame.index, dtype=object).where(codes >= 0, values)
    return frame

def _check_extent(label: str, rows: int, columns: int, unit: str) -> None:
    if columns > MAX_COLUMNS:
        raise _too_big(label, f"a {unit} has {columns:,} columns")
    if rows * columns > MAX_CELLS:
        raise _too_big(label, f"{rows:,} {unit}s x {columns:,} columns = {rows * columns:,} cells")


def _parse_csv(
    text: str, sep: str, width: int, skip: int, n_lines: int, progress: Progress | None, decimal: str = "."
) -> pd.DataFrame:
    """The lines after the first ``skip``, typed by pandas' C parser (numbers as floats, the rest as text).

    Only empty fields are missing values (``n/a`` and the like stay text, to be reported);
    ``low_memory=False`` so that a column is typed once, as a whole.
    """
    options: dict[str, Any] = dict(
        sep=sep,
        header=None,
        names=list(range(width)),
        skiprows=skip,
        na_values=[""],
        keep_default_na=False,
        skip_blank_lines=False,
        engine="c",
        quotechar='"',
        index_col=False,
        low_memory=False,
        decimal=decimal,
    )
    if progress is None or n_lines < 100_000:
        return pd.read_csv(io.StringIO(text), **options)
    chunks = []
    read = 0
    options.pop("low_memory")
    with pd.read_csv(io.StringIO(text), chunksize=50_000, **options) as reader:
        for chunk in reader:
            chunks.append(chunk)
            read += len(chunk)
            progress(0.5 * read / n_lines, f"reading line {read:,} of {n_lines:,}")
    return pd.concat(chunks, ignore_index=True)


def _parse_csv_slow(text: str, sep: str, label: str, skip: int) -> pd.DataFrame:
    """The csv module, line by line, for files pandas' parser refuses (unbalanced quotes ...)."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))[skip:]
    except csv.Error as exc:
        raise QIValueError(f"{label} could not be read as CSV ({exc}). Open it in Excel and save it again as CSV.")
    width = max((len(r) for r in rows), default=0)
    _check_extent(label, len(rows), width, "line")
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


# ------------------------------------------------------------------------------------------------
# Excel

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]{2,3})\d")
_ROW_REF = re.compile(rb"<row\b[^>]*?\sr=\"(\d{1,9})\"")
_DIMENSION = re.compile(rb"<dimension\b[^>]*?\sref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")


def _col_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def is_encrypted_ole(data: bytes) -> bool:
    """An OLE compound file holding an ``EncryptedPackage`` stream: a password-protected .xlsx."""
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and "EncryptedPackage".encode("utf-16-le") in data


def _member(book: zipfile.ZipFile, name: str, label: str, scan: Callable[[bytes], None] | None = None) -> bytes:
    """A zip member, expanded in steps and never past :data:`MAX_XML_MB` whatever its header says."""
    limit = MAX_XML_MB * 1024 * 1024
    info = book.getinfo(name)
    if info.file_size > limit:
        raise _too_big(label, f"its part {name!r} expands to {_mb(info.file_size)}")
    out = bytearray() if scan is None else None
    total = 0
    tail = b""
    with book.open(info) as fh:
        while True:
            chunk = fh.read(4 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise _too_big(label, f"its part {name!r} expands to more than {MAX_XML_MB} MB")
            if scan is not None:
                scan(tail + chunk)
                tail = chunk[-64:]
            else:
                assert out is not None
                out += chunk
    return bytes(out) if out is not None else b""


def _sheet_parts(book: zipfile.ZipFile, label: str) -> list[tuple[str, str]]:
    """(sheet name, zip member of its XML), in the workbook's order."""
    import xml.etree.ElementTree as ET

    try:
        workbook = ET.fromstring(_member(book, "xl/workbook.xml", label))
        rels = ET.fromstring(_member(book, "xl/_rels/workbook.xml.rels", label))
    except (KeyError, ET.ParseError):
        return []
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    out = []
    sheets = workbook.find(f"{_NS_MAIN}sheets")
    for sheet in sheets if sheets is not None else []:
        rid = sheet.get(f"{_NS_REL}id")
        out.append((sheet.get("name", ""), targets.get(rid, "")))
    return out


@dataclass
class _Extent:
    max_row: int = 0
    max_col: int = 0
    rows_seen: int = 0
    cells_seen: int = 0
    cells_with_ref: int = 0
    dimension: tuple[int, int] | None = None

    def scan(self, chunk: bytes) -> None:
        # the 64 bytes carried over from the last chunk may be counted twice: harmless for maxima,
        # and the counts are only compared with limits far above them
        rows = _ROW_REF.findall(chunk)
        if rows:
            self.max_row = max(self.max_row, max(int(r) for r in rows))
        cols = _CELL_REF.findall(chunk)
        if cols:
            self.max_col = max(self.max_col, max(_col_number(c) for c in set(cols)))
        self.rows_seen += chunk.count(b"<row")
        cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
        self.cells_seen += cells
        with_ref = chunk.count(b'<c r="')
        if with_ref < cells:  # some cells put r= later, or have none (then they follow each other)
            with_ref = len(re.findall(rb"<c\s[^>]*?\br=\"", chunk))
        self.cells_with_ref += with_ref
        if self.dimension is None:
            m = _DIMENSION.search(chunk)
            if m and m.group(3):
                self.dimension = (int(m.group(4)), _col_number(m.group(3)))


def excel_sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .xlsx, .xls or .ods workbook (empty when it is not one), without loading them."""
    try:
        if data[:8] == _OLE_MAGIC:
            stream = _ole_stream(data, ("Workbook", "Book"))
            return list(_xls_extents(stream)) if stream is not None else []
        if _is_ods(data):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                return [name for name, _, _ in _ods_extents(_member(book, "content.xml", "the workbook"))]
    except (zipfile.BadZipFile, QIValueError, KeyError, OSError, ValueError):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return [name for name, _ in _sheet_parts(book, "the workbook")]
    except (zipfile.BadZipFile, QIValueError, KeyError, OSError):
        return []


def read_excel_grid(data: bytes, label: str, sheet: Any, progress: Progress | None = None) -> Grid:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise QIValueError(
            f"{label} could not be read as an Excel workbook ({exc}). Open it in Excel and save it again as .xlsx "
            f"or CSV."
        ) from exc
    with book:
        total = sum(i.file_size for i in book.infolist())
        if total > 4 * MAX_XML_MB * 1024 * 1024:
            raise _too_big(label, f"its parts expand to {_mb(total)}")
        parts = _sheet_parts(book, label)
        if not parts:
            raise QIValueError(
                f"{label} could not be read as an Excel workbook (it has no list of sheets). Open it in Excel and "
                f"save it again as .xlsx or CSV."
            )
        names = [name for name, _ in parts]
        index = _sheet_index(sheet, names, label)
        chosen, member = parts[index]
        where = f"{label} (sheet {chosen!r})"
        if progress is not None:
            progress(0.05, "checking the workbook")
        # shared strings are loaded whole by any reader: bounded first
        if "xl/sharedStrings.xml" in book.namelist():
            _member(book, "xl/sharedStrings.xml", label, scan=lambda chunk: None)
        extent = _Extent()
        if member in book.namelist():
            _member(book, member, where, scan=extent.scan)
        _check_sheet_extent(where, extent)
    if progress is not None:
        progress(0.15, "reading the sheet")
    cells = _calamine_rows(data, index, where)
    if progress is not None:
        progress(0.45, "read the sheet")
    return Grid(
        cells.iloc[:TOP_ROWS],
        len(cells),
        lambda h: cells.iloc[h + 1 :].reset_index(drop=True),
        where,
        "row",
        sheets=names,
        sheet=chosen,
    )


def _check_sheet_extent(where: str, e: _Extent) -> None:
    rows = max(e.max_row, e.rows_seen)
    cols = e.max_col
    if e.cells_with_ref < e.cells_seen and e.rows_seen:  # cells without references: assume the worst spread
        cols = max(cols, -(-e.cells_seen // max(e.rows_seen, 1)))
    if e.dimension is not None:
        d_rows, d_cols = e.dimension
        if d_cols > MAX_COLUMNS or d_rows * d_cols > MAX_CELLS:
            rows, cols = max(rows, d_rows), max(cols, d_cols)
    cols = max(cols, 1)
    if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise QIValueError(
            f"{where} is too big to read: its cells reach {_col_letters(cols)}{rows} ({rows:,} rows x {cols:,} "
            f"columns = {rows * cols:,} cells), often because of a stray cell (a space, a format) far below or to "
            f"the right of the table. qitools reads up to {MAX_CELLS:,} cells ({MAX_COLUMNS:,} columns), so that "
            f"such a sheet cannot fill the computer's memory. {_HOW_TO_SHRINK}"
        )


def _calamine_rows(data: bytes, index: int, where: str) -> pd.DataFrame:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; openpyxl as a fallback
        frame = pd.read_excel(io.BytesIO(data), sheet_name=index, header=None, dtype=object)
        return frame.astype(object).where(frame.notna(), "")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Exception as exc:  # calamine's own errors: broken XML, unsupported parts
        raise QIValueError(
            f"{where} could not be read ({type(exc).__name__}: {exc}). Open it in Excel and save it again as .xlsx "
            f"or CSV."
        ) from exc
    if not rows:
        return pd.DataFrame(dtype=object)
    return pd.DataFrame(rows, dtype=object)


def read_grid(source: Any, sheet: Any = None, progress: Progress | None = None) -> Grid:
    """Read ``source`` (path or file-like) into a bounded :class:`Grid` of raw cells."""
    data, label, suffix = load_bytes(source)
    if not data.strip():
        raise QIValueError(f"{label} is empty: there is nothing to read. Check that the export finished.")
    if is_encrypted_ole(data):
        raise QIValueError(
            f"{label} is protected with a password (an encrypted Excel workbook), so it cannot be read. Open it in "
            f"Excel and save a copy without the password (File > Info > Protect Workbook > Encrypt with Password: "
            f"clear the password), or save it as CSV, then try again."
        )
    if data[:8] == _OLE_MAGIC:
        return read_other_excel_grid(data, label, sheet, "xls", progress)
    if _is_ods(data):
        return read_other_excel_grid(data, label, sheet, "ods", progress)
    if suffix == ".xls" and data[:4] != b"PK\x03\x04":
        head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower().replace(b"\x00", b"")
        if head.startswith(b"<") or b"<table" in head or b"<html" in head:
            raise QIValueError(
                f"{label} is named .xls but is a web page (or XML) that Excel opens, not an Excel workbook: some "
                f"systems' \"export to Excel\" writes one. Open it in Excel and save it as .xlsx or as CSV, then "
                f"try again."
            )
        grid = read_text_grid(data, label, progress)  # a text export named .xls: tab-separated, usually
        grid.notes.insert(0, "the file is named .xls but holds text (columns separated by tabs or commas); it was read as such")
        return grid
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return read_excel_grid(data, label, sheet, progress)
    return read_text_grid(data, label, progress)


# ------------------------------------------------------------------------------------------------
# old-style Excel (.xls) and OpenDocument (.ods): read by python-calamine, bounded first

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_ods(data: bytes) -> bool:
    """An OpenDocument spreadsheet: a zip whose first member is its 'mimetype', stored uncompressed."""
    return data[:4] == b"PK\x03\x04" and data[30:38] == b"mimetype" and b"opendocument.spreadsheet" in data[38:120]


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream called one of ``names`` in an OLE compound file (an .xls), or None.

    A reader of the published layout ([MS-CFB]): header, FAT (from the DIFAT), directory, and the
    mini stream for streams under the cutoff. Chains are followed at most once per sector, so a
    broken or hostile file cannot loop.
    """
    import struct

    if len(data) < 512 or data[:8] != _OLE_MAGIC:
        return None
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if size not in (512, 4096) or mini_size != 64:
        return None
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    n_sectors = (len(data) - 512) // size + 1

    def sector(k: int) -> bytes:
        return data[512 + k * size : 512 + (k + 1) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    k, seen = first_difat, 0
    while k < n_sectors and seen < n_difat:
        entries = struct.unpack(f"<{size // 4}I", sector(k).ljust(size, b"\0"))
        difat.extend(entries[:-1])
        k, seen = entries[-1], seen + 1
    fat: list[int] = []
    for k in difat[: min(n_fat, n_sectors)]:
        if k < n_sectors:
            fat.extend(struct.unpack(f"<{size // 4}I", sector(k).ljust(size, b"\0")))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, seen_ = [], set()
        while start < limit and start not in seen_ and start < len(table):
            seen_.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(k) for k in chain(first_dir, fat, n_sectors))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, off + 0x40)[0]
        name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", errors="replace")
        kind = directory[off + 0x42]
        start, length = struct.unpack_from("<II", directory, off + 0x74)
        entries.append((name, kind, start, length))
    if not entries:
        return None
    root = entries[0]
    for name, kind, start, length in entries:
        if kind != 2 or name not in names:
            continue
        if length > MAX_FILE_MB * 1024 * 1024:
            return None
        if length >= cutoff:
            return b"".join(sector(k) for k in chain(start, fat, n_sectors))[:length]
        mini_stream = b"".join(sector(k) for k in chain(root[2], fat, n_sectors))
        minifat_bytes = b"".join(sector(k) for k in chain(first_minifat, fat, n_sectors))
        minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4]))
        n_mini = len(mini_stream) // mini_size
        return b"".join(
            mini_stream[k * mini_size : (k + 1) * mini_size] for k in chain(start, minifat, n_mini)
        )[:length]
    return None


#: BIFF8 records that place a cell (row at offset 0, column at 2); MULRK/MULBLANK end with their last column
_BIFF_CELLS = {0x0203, 0x00FD, 0x0201, 0x027E, 0x0006, 0x0204, 0x0205, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}


def _xls_extents(stream: bytes) -> dict[str, tuple[int, int]]:
    """{sheet name: (rows, columns) reached by its cells} for a BIFF8 workbook stream.

    The sheets are found from the workbook's BOUNDSHEET records (name and where the sheet starts);
    each sheet's cell records are scanned up to its EOF, charts embedded in it skipped.
    """
    import struct

    n = len(stream)
    starts: dict[int, str] = {}
    pos = 0
    while pos + 4 <= n:  # the workbook globals: the list of sheets
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if kind == 0x0085 and length >= 8:
            offset = struct.unpack_from("<I", stream, body)[0]
            cch, high = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8 : body + 8 + cch * (2 if high else 1)]
            starts[offset] = raw.decode("utf-16-le" if high else "latin-1", errors="replace")
        elif kind == 0x000A:
            break
        pos = body + length
    out: dict[str, tuple[int, int]] = {}
    for offset, name in starts.items():
        pos, depth, rows, cols = offset, 0, 0, 0
        while pos + 4 <= n:
            kind, length = struct.unpack_from("<HH", stream, pos)
            body = pos + 4
            if kind == 0x0809:
                depth += 1
            elif kind == 0x000A:
                depth -= 1
                if depth <= 0:
                    break
            elif depth == 1 and length >= 4:
                if kind in _BIFF_CELLS:
                    r, c = struct.unpack_from("<HH", stream, body)
                    rows, cols = max(rows, r + 1), max(cols, c + 1)
                elif kind in _BIFF_MULTI and length >= 6:
                    r = struct.unpack_from("<H", stream, body)[0]
                    last = struct.unpack_from("<H", stream, body + length - 2)[0]
                    rows, cols = max(rows, r + 1), max(cols, last + 1)
            pos = body + length
        out[name] = (rows, cols)
    return out


_ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def _ods_extents(content: bytes) -> list[tuple[str, int, int]]:
    """(sheet name, rows, columns) reached by the filled cells of each table of an .ods content.xml.

    Repeated rows and cells (``table:number-rows-repeated``, ``table:number-columns-repeated``) count
    as often as they repeat, as a reader expands them; empty ones at the end do not count.
    """
    import xml.etree.ElementTree as ET

    t, o = "{%s}" % _ODS_NS["table"], "{%s}" % _ODS_NS["office"]
    out: list[tuple[str, int, int]] = []
    name, row, rows, cols = "", 0, 0, 0
    col, row_cols, row_filled = 0, 0, False
    try:
        for event, el in ET.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == t + "table":
                    name, row, rows, cols = el.get(t + "name", ""), 0, 0, 0
                elif tag == t + "table-row":
                    col, row_cols, row_filled = 0, 0, False
                continue
            if tag in (t + "table-cell", t + "covered-table-cell"):
                repeat = max(int(el.get(t + "number-columns-repeated", "1") or 1), 1)
                col += repeat
                if el.get(o + "value-type") is not None or len(el):
                    row_cols, row_filled = col, True
                el.clear()
            elif tag == t + "table-row":
                repeat = max(int(el.get(t + "number-rows-repeated", "1") or 1), 1)
                row += repeat
                if row_filled:
                    rows, cols = row, max(cols, row_cols)
                el.clear()
            elif tag == t + "table":
                out.append((name, rows, cols))
                el.clear()
    except (ET.ParseError, ValueError):
        return out
    return out


def read_other_excel_grid(data: bytes, label: str, sheet: Any, kind: str, progress: Progress | None = None) -> Grid:
    """An old-style Excel (.xls) or OpenDocument (.ods) sheet, its extent checked before it is loaded."""
    what = "an old-style Excel (.xls) file" if kind == "xls" else "an OpenDocument spreadsheet (.ods)"
    broken = QIValueError(
        f"{label} looks like {what} but could not be read. Open it in Excel (or LibreOffice) and save it as "
        f".xlsx or CSV, then try again."
    )
    if kind == "xls":
        stream = _ole_stream(data, ("Workbook", "Book"))
        if stream is None:
            raise broken
        extents = _xls_extents(stream)
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                if "content.xml" not in book.namelist():
                    raise broken
                content = _member(book, "content.xml", label)
        except (zipfile.BadZipFile, OSError):
            raise broken from None
        extents = {name: (r, c) for name, r, c in _ods_extents(content)}
        del content
    names = list(extents)
    if not names:
        raise broken
    chosen = names[_sheet_index(sheet, names, label)]
    where = f"{label} (sheet {chosen!r})"
    # the reader expands every sheet of the workbook when it opens it: all are checked first
    _check_sheet_extent(where, _Extent(max_row=extents[chosen][0], max_col=extents[chosen][1]))
    for other, (rows, cols) in extents.items():
        _check_sheet_extent(f"{label} (sheet {other!r}, read with the others)", _Extent(max_row=rows, max_col=cols))
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise broken from None
    if progress is not None:
        progress(0.15, "reading the sheet")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            values = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Exception:
        raise broken from None
    cells = pd.DataFrame(values, dtype=object) if values else pd.DataFrame(dtype=object)
    if progress is not None:
        progress(0.45, "read the sheet")
    return Grid(
        cells.iloc[:TOP_ROWS], len(cells), lambda h: cells.iloc[h + 1 :].reset_index(drop=True), where, "row",
        sheets=names, sheet=chosen,
    )
