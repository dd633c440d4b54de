"""Writing files so that nothing a user saved is lost or half-written, and CSV that is safe in Excel.

Every file qitools writes for a user (reports, charts, exports, gradebooks, certificates, learner
copies) goes through :func:`atomic_path`: the new content is written to a temporary file in the same
folder and only then moved over the old file (``os.replace`` is atomic on one file system), so a
crash, a full disk or an error mid-write leaves the old file as it was. The old file's permissions
are kept. A symbolic link at the path is replaced by the new file, never written through (so a
link planted where a report goes cannot make qitools overwrite the file it points to). A write that
fails raises :class:`WriteError` ("Could not write <path>: ..."), a :class:`~qitools.QIToolsError`.

Every CSV file qitools writes goes through :func:`write_csv` (or :func:`csv_text`): cells that a
spreadsheet would run as a formula are neutralised (OWASP, "CSV Injection"): a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, the full-width forms ``＝ ＋ － ＠``, or
spaces before any of those, gets an apostrophe in front (``'=HYPERLINK(...)``), as does a cell that
starts with an apostrophe, so that :func:`unneutralise` gives back exactly the text written.
Numbers are written as numbers (``-2.5`` stays a number). :func:`check_not_input` refuses to write
over a file that was read.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .spc.errors import QIValueError

__all__ = [
    "WriteError",
    "atomic_path",
    "atomic_write_text",
    "check_not_input",
    "csv_text",
    "neutralise",
    "unneutralise",
    "write_csv",
]

#: what a spreadsheet reads as the start of a formula (after any leading spaces), ASCII and full-width
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: first characters that need the apostrophe whatever follows (tab, carriage return; and the
#: apostrophe itself, so that neutralising can be undone)
_ALWAYS = ("\t", "\r", "'")


class WriteError(QIValueError):
    """A file could not be written (no such folder, no permission, disk full ...)."""


def _file_mode(p: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file (mkstemp makes it private).

    A symbolic link is replaced, so its target's permissions are not copied.
    """
    try:
        st = p.lstat()
        if not stat.S_ISLNK(st.st_mode):
            return st.st_mode & 0o777
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_error(target: Path, exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc)
    return WriteError(
        f"Could not write {str(target)!r}: {reason}. Check that the folder exists and that you may write there "
        f"(and that the file is not open in another program), or choose another path."
    )


def check_not_input(outputs: Iterable[str | os.PathLike[str] | None], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse to write over a file that was read, or to write two outputs to one file.

    An output that is a symbolic link is replaced, not written through, so only an output that
    *is* an input file (the same file, or a hard link to it) is refused.

    Raises
    ------
    QIValueError
        An output is an input file, or two outputs are the same path.
    """
    seen: dict[tuple[int, int], str] = {}
    for inp in inputs:
        try:
            st = os.stat(inp)
            seen[(st.st_dev, st.st_ino)] = f"the input file {Path(inp).name!r}"
        except OSError:
            continue
    named: dict[str, str] = {}
    for out in outputs:
        if out is None:
            continue
        key = os.path.abspath(os.fspath(out))
        if key in named:
            raise QIValueError(
                f"Two outputs would be written to {str(out)!r}. Give each output its own file name."
            )
        named[key] = str(out)
        try:
            st = os.lstat(out)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            raise QIValueError(
                f"{str(out)!r} is {seen[(st.st_dev, st.st_ino)]}: writing there would replace your data. Choose "
                f"another name for the output."
            )


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, on error it is removed.

    Raises
    ------
    QIValueError
        The folder of ``path`` does not exist.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"Cannot write {target.name!r}: the folder {str(folder)!r} does not exist. Create it first.")
    if target.is_dir() and not target.is_symlink():
        raise WriteError(f"Cannot write {str(target)!r}: it is a folder. Give a file name.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)  # replaces a symbolic link itself, never the file it points to
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, QIValueError):
            raise _write_error(target, exc) from exc
        raise


def atomic_write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", newline: str | None = None
) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`); returns the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding=encoding, newline=newline) as fh:
            fh.write(text)
    return Path(path)


# ------------------------------------------------------------------------------------------------
# CSV, safe to open in a spreadsheet


def neutralise(text: str) -> str:
    """Put an apostrophe before a cell a spreadsheet would read as a formula (see the module notes).

    Examples
    --------
    >>> from qitools._files import neutralise
    >>> [neutralise(t) for t in ["=1+1", " =1+1", "\\uff1dSUM(A1)", "-2 falls", "'quoted", "Ward 3"]]
    ["'=1+1", "' =1+1", "'\\uff1dSUM(A1)", "'-2 falls", "''quoted", 'Ward 3']
    """
    if text.startswith(_ALWAYS) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` (``unneutralise(neutralise(t)) == t`` for every text ``t``)."""
    return text[1:] if text.startswith("'") and neutralise(text[1:]) != text[1:] else text


def _safe(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _safe_frame(frame: Any) -> Any:
    """A copy of a DataFrame with every text cell and column name neutralised (numbers untouched)."""
    import pandas as pd

    out = frame.copy()
    out.columns = [_safe(str(c)) if isinstance(c, str) else c for c in out.columns]
    for k in range(out.shape[1]):
        col = out.iloc[:, k]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            continue
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        out.isetitem(k, col.map(_safe, na_action="ignore"))
    return out


def csv_text(
    rows: Any,
    header: Sequence[str] | None = None,
    *,
    lineterminator: str = "\r\n",
    index: bool = False,
) -> str:
    """CSV text of a DataFrame, or of rows (lists, or dicts with ``header`` as their keys), made safe.

    Parameters
    ----------
    rows : pandas.DataFrame or iterable of rows
        The table. A DataFrame is written with pandas' number formatting.
    header : list of str, optional
        Column names for rows (required for dict rows).
    lineterminator : str, default "\\r\\n"
        Line ending (``"\\r\\n"``, as RFC 4180 and Excel use).
    index : bool, default False
        Also write a DataFrame's index.

    Returns
    -------
    str
        The CSV text, every text cell neutralised (:func:`neutralise`).

    Examples
    --------
    >>> import pandas as pd
    >>> from qitools._files import csv_text
    >>> print(csv_text(pd.DataFrame({"ward": ["=HYPERLINK(1)", "Ash"], "y": [-2.5, 3.0]}), lineterminator="\\n"))
    ward,y
    '=HYPERLINK(1),-2.5
    Ash,3.0
    <BLANKLINE>
    """
    buf = io.StringIO()
    if hasattr(rows, "to_csv") and hasattr(rows, "columns"):
        _safe_frame(rows).to_csv(buf, index=index, lineterminator=lineterminator)
        return buf.getvalue()
    writer = csv.writer(buf, lineterminator=lineterminator)
    if header is not None:
        writer.writerow([_safe(str(h)) for h in header])
    for row in rows:
        if isinstance(row, dict):
            if header is None:
                raise QIValueError("csv_text: rows given as dicts need header= (the column names, in order).")
            row = [row.get(h, "") for h in header]
        writer.writerow([_safe(v) for v in row])
    return buf.getvalue()


def write_csv(
    path: str | os.PathLike[str],
    rows: Any,
    header: Sequence[str] | None = None,
    *,
    bom: bool = True,
    lineterminator: str = "\r\n",
    index: bool = False,
) -> Path:
    """Write :func:`csv_text` to ``path`` atomically; UTF-8 with a byte-order mark by default (Excel).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    WriteError
        The file could not be written.
    """
    text = csv_text(rows, header, lineterminator=lineterminator, index=index)
    return atomic_write_text(path, text, encoding="utf-8-sig" if bom else "utf-8", newline="")
