"""Whether a message is read in Python or on the command line, so that it names the right spelling.

The library says ``project=``; the ``qitools pdsa`` command says ``--project``. The command
line runs its work inside :func:`command_line`, and messages ask :func:`say` for the words.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

__all__ = ["command_line", "say", "on_command_line"]

_CLI: contextvars.ContextVar[str | None] = contextvars.ContextVar("qitools_pdsa_cli", default=None)


@contextlib.contextmanager
def command_line(file: str) -> Iterator[None]:
    """Messages raised inside are for someone at the command line working on ``file``."""
    token = _CLI.set(file)
    try:
        yield
    finally:
        _CLI.reset(token)


def on_command_line() -> str | None:
    """The file the command line is working on, or None in Python."""
    return _CLI.get()


def say(python: str, cli: str) -> str:
    """``python`` in Python, ``cli`` on the command line (``{file}`` in it is the PDSA file)."""
    file = _CLI.get()
    if file is None:
        return python
    return cli.replace("{file}", _quote(file))


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
