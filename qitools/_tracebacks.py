"""Errors shown the short way in a notebook: Python's message, the line that matters, one plain sentence.

A trainee who mistypes a name or a keyword should not face a screen of traceback from inside pandas
or qitools. In a notebook (IPython) an error is shown as::

    NameError: name 'b' is not defined
      cell [7], line 1:  what_to_say = b
    Python does not know the name b. Text answers need quotes: "b".
    (Full error: run %tb verbose)

Python's own message stays (it is what a search engine and a coach recognise), the line shown is the
learner's own line (the last frame of their code, not a frame inside a library), and one sentence
says in plain English what that kind of error usually means. Nothing is hidden: ``%tb verbose`` (or
``%xmode verbose`` for every error after it, or the environment variable ``QITOOLS_FULL_ERRORS=1``)
shows the full traceback, and the error is still an error (the cell stops, Run All stops, graders
see its name and message).

Two places use this:

- every qitools error (:class:`qitools.QIToolsError`) renders itself this way in IPython
  (``_render_traceback_``, IPython's hook for exceptions with their own display), in any notebook;
- :func:`qitools.checks.begin` installs it for every error of an exercise notebook
  (``IPython``'s ``set_custom_exc``; see :mod:`qitools.checks.kernel`).

Only the standard library is imported here; IPython is looked up in ``sys.modules``, never imported.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import sysconfig
import traceback
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["FULL_ERRORS_ENV", "full_errors_wanted", "short_error", "plain_sentence", "name_hint", "user_line"]

#: environment variable: set to 1 to always see Python's full tracebacks (for coaches and developers)
FULL_ERRORS_ENV = "QITOOLS_FULL_ERRORS"

#: the last line of every short error: how to see the whole of it
FULL_ERROR_NOTE = "(Full error: run %tb verbose)"

_QITOOLS_DIR = Path(__file__).resolve().parent


def _shell() -> Any:
    """The running IPython shell, or None (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    try:
        return get() if get is not None else None
    except Exception:  # noqa: BLE001 - a broken IPython must not stop an error being shown
        return None


def full_errors_wanted() -> bool:
    """True when the full traceback is wanted: ``QITOOLS_FULL_ERRORS=1``, or IPython's verbose mode.

    ``%tb verbose`` (the last error) and ``%xmode verbose`` (every error from now on) switch IPython
    to its verbose mode, so a coach sees everything with IPython's own commands.

    Returns
    -------
    bool

    Examples
    --------
    >>> import os
    >>> from qitools._tracebacks import full_errors_wanted, FULL_ERRORS_ENV
    >>> os.environ[FULL_ERRORS_ENV] = "1"; full_errors_wanted()
    True
    >>> del os.environ[FULL_ERRORS_ENV]
    """
    if os.environ.get(FULL_ERRORS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return True
    tb = getattr(_shell(), "InteractiveTB", None)
    return str(getattr(tb, "mode", "")).lower() == "verbose"


@lru_cache(maxsize=1)
def _library_dirs() -> tuple[str, ...]:
    """Folders of installed code (the standard library, site-packages, qitools itself)."""
    found = {str(_QITOOLS_DIR)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            found.add(str(Path(sysconfig.get_paths()[key]).resolve()))
        except (KeyError, OSError):
            pass
    for name in ("site", "os"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            found.add(str(Path(module.__file__).resolve().parent))
    return tuple(sorted(found))


def _is_user_file(filename: str) -> bool:
    """True for the learner's own code: a notebook cell, a script; not Python's or a library's."""
    if not filename or filename.startswith("<frozen"):
        return False
    if filename.startswith("<"):
        return True  # <ipython-input-...>, <string>, <doctest ...>: typed code
    try:
        path = str(Path(filename).resolve())
    except OSError:
        return True
    return not any(path == d or path.startswith(d + os.sep) for d in _library_dirs())


def _library_name(filename: str) -> str:
    """'qitools', 'pandas', 'Python' ... for a file inside installed code."""
    try:
        path = Path(filename).resolve()
    except OSError:
        return "a library"
    if _QITOOLS_DIR in path.parents:
        return "qitools"
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            i = parts.index(marker)
            if i + 1 < len(parts):
                return parts[i + 1].split(".")[0].split("-")[0]
    return "Python"


def _cell_label(filename: str, lineno: int | None) -> str:
    """'cell [5], line 3' for a notebook cell, 'report.py, line 3' for a file."""
    line = f"line {lineno}" if lineno else "a line"
    shell = _shell()
    numbers = getattr(getattr(shell, "compile", None), "_filename_map", None)
    if isinstance(numbers, Mapping) and filename in numbers:
        return f"cell [{numbers[filename]}], {line}"
    m = re.match(r"<ipython-input-(\d+)-", filename or "")
    if m:
        return f"cell [{m.group(1)}], {line}"
    if filename.startswith("<"):
        return line
    return f"{Path(filename).name}, {line}"


def user_line(exc: BaseException) -> tuple[str, str, str | None]:
    """Where the learner's code was when ``exc`` happened: (label, source line, library it was inside).

    The label is ``"cell [5], line 3"`` (or ``"file.py, line 3"``); the library is the package the
    error came from when it was raised inside installed code (``"qitools"``, ``"pandas"``), else
    None.

    Parameters
    ----------
    exc : BaseException
        An exception with its traceback.

    Returns
    -------
    tuple of str
        ``("", "", None)`` when no frame of the user's code is in the traceback.
    """
    if isinstance(exc, SyntaxError) and exc.lineno and _is_user_file(exc.filename or ""):
        return (_cell_label(exc.filename or "", exc.lineno), (exc.text or "").rstrip("\n"), None)  # the line Python could not read
    frames = _frames(exc)
    mine = [f for f in frames if _is_user_file(f.filename)]
    if not mine:
        return ("", "", None)
    last = mine[-1]
    inside = None
    if frames and frames[-1] is not last and not _is_user_file(frames[-1].filename):
        inside = _library_name(frames[-1].filename)
    return (_cell_label(last.filename, last.lineno), (last.line or "").strip(), inside)


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    try:
        return list(traceback.extract_tb(exc.__traceback__))
    except Exception:  # noqa: BLE001
        return []


def name_hint(name: str, namespace: Mapping[str, Any] | None = None, line: str = "") -> str:
    """One sentence for a name Python does not know: a close name, or quotes for a text answer.

    Parameters
    ----------
    name : str
        The unknown name.
    namespace : mapping, optional
        The names that exist (the notebook's variables), to find a close spelling.
    line : str, optional
        The line of code it was used in: a bare value there (``what_to_say = b``) was probably meant
        as text.

    Returns
    -------
    str

    Examples
    --------
    >>> from qitools._tracebacks import name_hint
    >>> name_hint("b", {}, "what_to_say = b")
    'Text answers need quotes: "b".'
    >>> name_hint("falls_rte", {"falls_rate": [1.0]}, "median(falls_rte)")
    'Did you mean falls_rate? Check the spelling (capital letters count).'
    """
    known = [k for k in (namespace or {}) if isinstance(k, str) and not k.startswith("_")]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if not close and name in _MODULES and not _used_as_value(name, line):
        how = _MODULES[name]
        how = how if how.startswith("from ") else f"import {how}"
        return f"Import it first ({how}), or run the first code cell of the notebook."
    if close:
        return f"Did you mean {close[0]}? Check the spelling (capital letters count)."
    if _used_as_value(name, line):
        return f'Text answers need quotes: "{name}".'
    return "Check the spelling, or run the cell that sets it first (the cells above, from the top)."


#: names learners use before importing them -> the import that makes them
_MODULES = {"statistics": "statistics", "math": "math", "np": "numpy as np", "numpy": "numpy", "pd": "pandas as pd",
            "pandas": "pandas", "plt": "matplotlib.pyplot as plt", "qi": "qitools as qi",
            "checks": "from qitools import checks", "datetime": "datetime"}  # fmt: skip


def _used_as_value(name: str, line: str) -> bool:
    """True when ``name`` appears as a plain value in ``line``: not called, not followed by a dot or bracket."""
    if not line:
        return False
    pattern = rf"(?<![\w.\"']){re.escape(name)}(?![\w\"'])"
    for m in re.finditer(pattern, line):
        after = line[m.end() :].lstrip()
        before = line[: m.start()].rstrip()
        if after.startswith(("(", ".", "[")):
            continue
        if before.endswith(("=", ",", "(", "[", "{", ":")) and not before.endswith(("==", "!=", "<=", ">=")):
            return True
    return False


_SENTENCES: tuple[tuple[type[BaseException], str], ...] = (
    (ModuleNotFoundError, "This package is not installed in the Python the course runs in; ask your coach."),
    (FileNotFoundError, "There is no file with that name where Python looked: check the name and the folder."),
    (IndentationError, "The spaces at the start of this line do not line up with the lines around it."),
    (
        SyntaxError,
        "Python could not read this line: look for a missing bracket, quote mark or comma, or a stray character.",
    ),
    (ZeroDivisionError, "A number was divided by zero."),
    (KeyError, "There is no column or key with that name: check its spelling (capital letters count)."),
    (IndexError, "A position past the end of a list or table was asked for (Python counts positions from 0)."),
    (AttributeError, "This kind of value has no such part or method: check the spelling and what the value is."),
    (
        TypeError,
        "A value of the wrong kind was used here (for example text where a number is needed), or a function got "
        "inputs it does not take.",
    ),
    (ValueError, "A value of the right kind, but one that cannot be used here."),
    (ImportError, "Something could not be imported; check the name after 'import'."),
    (RecursionError, "A function kept calling itself without stopping."),
    (MemoryError, "The computer ran out of memory: the data or the result is too big."),
)


def plain_sentence(exc: BaseException, namespace: Mapping[str, Any] | None = None, line: str = "") -> str:
    """One plain-English sentence on what an error of this kind usually means ("" for qitools' own errors).

    Parameters
    ----------
    exc : BaseException
        The error.
    namespace : mapping, optional
        The notebook's variables (for a close spelling of an unknown name).
    line : str, optional
        The line of code that failed.

    Returns
    -------
    str

    Examples
    --------
    >>> from qitools._tracebacks import plain_sentence
    >>> plain_sentence(ZeroDivisionError("division by zero"))
    'A number was divided by zero.'
    """
    from .spc.errors import QIToolsError

    if isinstance(exc, QIToolsError):
        return ""  # already written for the reader: what was wrong, why, how to fix it
    if isinstance(exc, NameError) and not isinstance(exc, UnboundLocalError):
        name = getattr(exc, "name", None) or _name_from_message(str(exc))
        if name:
            return f"Python does not know the name {name}. " + name_hint(name, namespace, line)
    if isinstance(exc, SyntaxError) and "unterminated string" in str(exc.msg if hasattr(exc, "msg") else exc):
        return "A text needs a quote mark at both ends, such as \"b\"."
    for kind, sentence in _SENTENCES:
        if isinstance(exc, kind):
            return sentence
    return "Your code stopped with this error at the line shown."


def _name_from_message(message: str) -> str | None:
    m = re.search(r"name '([^']+)' is not defined", message)
    return m.group(1) if m else None


def _message(exc: BaseException) -> str:
    """Python's one-line message: ``NameError: name 'b' is not defined``."""
    if isinstance(exc, SyntaxError):
        return f"{type(exc).__name__}: {exc.msg}"
    text = str(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = repr(exc.args[0])
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def short_error(exc: BaseException, namespace: Mapping[str, Any] | None = None) -> list[str]:
    """The short display of an error: message, the learner's line, one sentence, how to see it all.

    Parameters
    ----------
    exc : BaseException
        The error, with its traceback.
    namespace : mapping, optional
        The notebook's variables (for "did you mean").

    Returns
    -------
    list of str
        Lines (IPython's "structured traceback"); join them with newlines to print.

    Examples
    --------
    >>> from qitools._tracebacks import short_error
    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError as e:
    ...     lines = short_error(e)
    >>> lines[0], lines[-2]
    ('ZeroDivisionError: division by zero', 'A number was divided by zero.')
    """
    label, line, inside = user_line(exc)
    lines = [_message(exc)]
    if label:
        shown = line.rstrip() if isinstance(exc, SyntaxError) else line  # keep the indent: the caret lines up
        lines.append(f"  {label}:  {shown}" if shown else f"  {label}")
        if isinstance(exc, SyntaxError) and exc.offset and exc.text and not inside and line:
            pad = len(f"  {label}:  ")
            lines.append(" " * (pad + max(exc.offset - 1, 0)) + "^")
    from .spc.errors import QIToolsError

    if inside and not isinstance(exc, QIToolsError):
        lines.append(f"  (the error happened inside {inside}, called from this line)")
    sentence = plain_sentence(exc, namespace, line)
    if sentence:
        lines.append(sentence)
    lines.append(FULL_ERROR_NOTE)
    return lines


def render_qitools_error(exc: BaseException) -> list[str]:
    """``_render_traceback_`` of qitools' errors in IPython (raises AttributeError for the full one)."""
    if full_errors_wanted():
        raise AttributeError("_render_traceback_")  # IPython then shows its usual full traceback
    shell = _shell()
    namespace = getattr(shell, "user_ns", None)
    return short_error(exc, namespace)


def close_words(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The closest spellings of ``word`` among ``choices`` (for "did you mean")."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
