"""Whether a message is read in Python, on the command line or in a notebook form, so that it names the right spelling.

The library says ``project=`` and ``start_date``; the ``qitools pdsa`` command says ``--project``
and ``--start``; the notebook form says "Started" (the label next to the field). The command line
runs its work inside :func:`command_line`, the form inside :func:`in_form`, and messages ask
:func:`say` for the words and :func:`field` for a field's name.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

__all__ = ["command_line", "in_form", "say", "field", "on_command_line"]

_FORM = "\x00form"
_CLI: contextvars.ContextVar[str | None] = contextvars.ContextVar("qitools_pdsa_cli", default=None)

#: a record's field -> the ``qitools pdsa`` option that sets it (the others are --field-name)
OPTIONS = {
    "statement": "--aim",
    "by_when": "--by",
    "change_idea": "--idea",
    "plan_date": "--planned",
    "due_date": "--due",
    "start_date": "--start",
    "end_date": "--end",
    "study_date": "--studied",
    "act_date": "--decided",
    "act_notes": "--next",
    "data_to_collect": "--data",
    "predictions": "--prediction",
    "questions": "--question",
    "drivers": "--driver",
    "text": "the text",
}

#: a record's field -> its name in words (the notebook form's label where it has one)
WORDS = {
    "statement": "the aim as one sentence",
    "how_much": "how much",
    "by_when": "by when",
    "for_whom": "for whom",
    "change_idea": "change idea",
    "previous": "builds on",
    "plan_date": "plan date",
    "due_date": "due date",
    "start_date": "start date",
    "end_date": "end date",
    "study_date": "study date",
    "act_date": "decision date",
    "act": "decision",
    "act_notes": "next",
    "scale_n": "scale (number)",
    "prediction_held": "prediction held?",
    "data_to_collect": "data to collect",
    "what_happened": "what happened",
    "data_source": "data source",
    "collected_by": "who collects it",
    "frequency": "when and how often",
}


@contextlib.contextmanager
def command_line(file: str) -> Iterator[None]:
    """Messages raised inside are for someone at the command line working on ``file``."""
    token = _CLI.set(file)
    try:
        yield
    finally:
        _CLI.reset(token)


@contextlib.contextmanager
def in_form() -> Iterator[None]:
    """Messages raised inside are shown in a notebook form (next to its fields, or under its buttons)."""
    token = _CLI.set(_FORM)
    try:
        yield
    finally:
        _CLI.reset(token)


def on_command_line() -> str | None:
    """The file the command line is working on, or None in Python (and in a form)."""
    file = _CLI.get()
    return None if file == _FORM else file


def say(python: str, cli: str, form: str | None = None) -> str:
    """``python`` in Python, ``cli`` on the command line (``{file}`` in it is the PDSA file), ``form`` in a form.

    A form says ``form`` when it is given, else the Python words.
    """
    file = _CLI.get()
    if file is None:
        return python
    if file == _FORM:
        return python if form is None else form
    return cli.replace("{file}", _quote(file))


def field(name: str, *, code: bool = True) -> str:
    """A field as the reader knows it: ```start_date``` in Python, ``--start`` on the command line, "Start date" in a form.

    ``code=False`` leaves the backticks off the Python spelling (for a name inside brackets).
    """
    file = _CLI.get()
    if file is None:
        return f"`{name}`" if code else name
    if file == _FORM:
        text = words(name)
        return text[:1].upper() + text[1:] if code else text
    return OPTIONS.get(name, "--" + name.replace("_", "-"))


def words(name: str) -> str:
    """A field's name in words ("due date", "who collects it")."""
    return WORDS.get(name, name.replace("_", " "))


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
