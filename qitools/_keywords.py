"""Plain errors for calls that Python itself refuses: a misspelt option, a missing or extra argument.

``qi.run_chart(y=rates, freez=12)`` would otherwise stop with Python's ``TypeError:
control_chart() got an unexpected keyword argument 'freez'``, naming a function the user did not
call and giving no way forward. The public functions are wrapped with :func:`friendly_call`, and
such a call raises a :class:`~qitools.QITypeError` (a ``TypeError`` too) that names the function
the user called, the option it did not recognise, the closest option it has ("did you mean
freeze?") and its options.

The message is worked out only after Python has refused the arguments (the ``TypeError`` raised
before the function's first line runs); a ``TypeError`` raised *inside* the function is left alone.

Warnings keep pointing at the user's line. qitools' warnings are issued with a fixed ``stacklevel``
that counts the frames up to the user's call; the wrapper adds a frame, so it records the warnings
of the call and issues each again at the first frame outside qitools (the user's line), where the
user's warning filters (ignore, once, error) apply as before.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import sys
import warnings
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .spc.errors import QITypeError

__all__ = ["friendly_call", "check_keywords", "keywords_of"]

F = TypeVar("F", bound=Callable[..., Any])


def keywords_of(fn: Callable[..., Any]) -> list[str]:
    """The names a function accepts by keyword, in order (``self`` left out).

    Examples
    --------
    >>> from qitools._keywords import keywords_of
    >>> keywords_of(lambda data=None, *, x=None, y: None)
    ['data', 'x', 'y']
    """
    sig = inspect.signature(inspect.unwrap(fn))
    return [
        p.name
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("self", "cls")
    ]


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names) if names else "none"


def unknown_keyword_error(called: str, given: str, allowed: Iterable[str]) -> QITypeError:
    """The error for an option a function does not have, with the closest spelling.

    Examples
    --------
    >>> from qitools._keywords import unknown_keyword_error
    >>> print(unknown_keyword_error("qi.run_chart", "freez", ["x", "y", "freeze"]))
    qi.run_chart() has no option 'freez'. Did you mean freeze? Its options are: x, y, freeze.
    """
    allowed = list(allowed)
    close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
    if not close:
        lowered = {a.lower(): a for a in allowed}
        close = [lowered[given.lower()]] if given.lower() in lowered else []
    hint = f" Did you mean {close[0]}?" if close else " Check the spelling."
    return QITypeError(f"{called}() has no option {given!r}.{hint} Its options are: {_listing(allowed)}.")


def check_keywords(called: str, given: Iterable[str], allowed: Iterable[str]) -> None:
    """Raise :func:`unknown_keyword_error` for the first of ``given`` not in ``allowed``."""
    allowed = list(allowed)
    for name in given:
        if name not in allowed:
            raise unknown_keyword_error(called, name, allowed)


def _explain(called: str, fn: Callable[..., Any], args: tuple, kwargs: dict, exc: TypeError) -> QITypeError:
    """What was wrong with a call Python refused, for a reader who did not write the function."""
    sig = inspect.signature(inspect.unwrap(fn))
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    by_keyword = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in params)
    if not takes_any_keyword:
        for name in kwargs:
            if name not in by_keyword:
                return unknown_keyword_error(called, name, by_keyword)
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    n_args = len(args) - (1 if args and "self" in sig.parameters else 0)
    if not any(p.kind is p.VAR_POSITIONAL for p in params) and n_args > len(positional):
        named = ", ".join(f"{p.name}=..." for p in params if p.kind is p.KEYWORD_ONLY)[:200]
        first = f"only {', '.join(positional)} can be given without a name" if positional else "every value needs its name"
        return QITypeError(
            f"{called}() was given {n_args} values without names, but {first}. Give the others by name, "
            f"for example {named or 'name=value'}."
        )
    missing = [
        p.name
        for p in params
        if p.default is p.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name not in kwargs
        and (p.kind is p.KEYWORD_ONLY or p.name not in positional[: n_args])
    ]
    if missing:
        return QITypeError(
            f"{called}() needs {', '.join(f'{m}=' for m in missing)}: "
            f"{'it has' if len(missing) == 1 else 'they have'} no default. Add "
            f"{'it' if len(missing) == 1 else 'them'} to the call."
        )
    dup = next((name for name in kwargs if name in positional[: n_args]), None)
    if dup:
        return QITypeError(f"{called}() was given {dup} twice: once by position and once as {dup}=. Give it once.")
    return QITypeError(f"{called}() cannot take these inputs: {exc}")


def friendly_call(fn: F | None = None, *, name: str | None = None) -> F:
    """Wrap a public function so that a call Python refuses raises a plain :class:`QITypeError`.

    Parameters
    ----------
    fn : callable
        The function (or method).
    name : str, optional
        How the user calls it (``"qi.run_chart"``, ``"checks.median"``); default: its name.

    Returns
    -------
    callable
        The same function (same signature and docstring, ``__wrapped__`` set).

    Examples
    --------
    >>> from qitools._keywords import friendly_call
    >>> @friendly_call(name="qi.example")
    ... def example(data=None, *, freeze=None):
    ...     return freeze
    >>> example(freez=3)
    Traceback (most recent call last):
    ...
    qitools.spc.errors.QITypeError: qi.example() has no option 'freez'. Did you mean freeze? Its options are: data, freeze.
    """
    if fn is None:
        return functools.partial(friendly_call, name=name)  # type: ignore[return-value]
    called = name or fn.__name__

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # the user's filters decide below, at the user's line
                try:
                    return fn(*args, **kwargs)
                except TypeError as exc:
                    tb = exc.__traceback__
                    if tb is None or tb.tb_next is not None or isinstance(exc, QITypeError):
                        raise  # raised inside the function: not about how it was called
                    raise _explain(called, fn, args, kwargs, exc) from None
        finally:
            if caught:
                _warn_at_caller(caught)

    return wrapper  # type: ignore[return-value]


_PACKAGE = str(Path(__file__).resolve().parent)


def _warn_at_caller(caught: list[warnings.WarningMessage]) -> None:
    """Issue recorded warnings again at the first frame outside qitools (the user's line)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return
    glob = frame.f_globals
    registry = glob.setdefault("__warningregistry__", {})
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)) and not str(
            w.filename
        ).startswith(_PACKAGE):
            # another library's deprecation (matplotlib, traitlets, pandas) is about its own code:
            # moved to the user's line it would pass the "shown in __main__" filter of Python and
            # IPython. Issue it where it was raised, so the usual filters hide it.
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
            continue
        warnings.warn_explicit(
            w.message,
            w.category,
            frame.f_code.co_filename,
            frame.f_lineno,
            module=glob.get("__name__", "__main__"),
            registry=registry,
            # no module_globals (as warnings.warn): with them, code run by 'python -c' made the
            # warnings machinery ask the built-in importer for __main__'s source, an ImportError
        )
