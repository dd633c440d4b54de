"""Writing files so that nothing a user saved is lost or half-written.

Every file qitools writes for a user (reports, charts, exports, gradebooks, certificates, learner
copies) goes through :func:`atomic_path`: the new content is written to a temporary file in the same
folder and only then moved over the old file (``os.replace`` is atomic on one file system), so a
crash, a full disk or an error mid-write leaves the old file as it was. The old file's permissions
are kept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .spc.errors import QIValueError

__all__ = ["atomic_path", "atomic_write_text", "cannot_write"]


def _file_mode(p: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file (mkstemp makes it private)."""
    try:
        return p.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, on error it is removed.

    Raises
    ------
    QIValueError
        The folder of ``path`` does not exist, or the file cannot be written there (a read-only
        folder or drive, no permission, a full disk): "Could not write '<path>': ...".
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise QIValueError(f"Cannot write {target.name!r}: the folder {str(folder)!r} does not exist. Create it first.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError, IsADirectoryError)):
            raise cannot_write(target, exc) from exc
        raise


def cannot_write(path: str | os.PathLike[str], exc: OSError) -> QIValueError:
    """The error for a file that could not be written, with the reason in plain words."""
    why = exc.strerror or str(exc)
    return QIValueError(
        f"Could not write {str(path)!r}: {why}. Nothing was written. Choose a folder you can write to "
        "(not a read-only or shared folder you only have read access to), or free some disk space."
    )


def atomic_write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", newline: str | None = None
) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`); returns the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding=encoding, newline=newline) as fh:
            fh.write(text)
    return Path(path)
