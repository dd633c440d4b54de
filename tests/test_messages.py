"""Library messages reach the command and the workshop app in their own words, never as Python.

``qitools/_messages.py`` translates the Python arguments a library message names (``pass n=``,
``chart='up'``) into the command's flags and the app's controls. These tests read the message text
of every module whose errors and warnings reach those front ends, so that a new message naming an
argument the table does not know fails here instead of showing ``freeze=`` to a ward team.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from qitools._messages import ARGUMENTS, translate

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qitools"

#: modules whose messages are shown by ``qitools chart`` and the workshop app
MESSAGE_MODULES = sorted(
    [
        *(PACKAGE / "spc").glob("*.py"),
        *(PACKAGE / name for name in ("api.py", "io.py", "_readers.py", "suggest.py", "explain.py", "results.py")),
    ]
)
MESSAGE_MODULES = [p for p in MESSAGE_MODULES if p.name != "funnel.py"]  # funnel plots: Python only

#: ``name=`` in those modules' strings that are not arguments a user of the command or app could set
NOT_ARGUMENTS = {
    "errors": "pandas' pd.to_numeric(errors='coerce'), in the Python advice read_measure makes unnecessary",
    "thousands": "pandas' read_csv(thousands=','), in the same Python advice",
    "facets": "the ControlChart repr (facets=30), shown in Python only",
    "parts": "the ControlChart repr (parts=2)",
    "points": "the ControlChart repr (points=24)",
    "runs_signal": "the ControlChart repr (runs_signal=True)",
    "sigma_signals": "the ControlChart repr (sigma_signals=1)",
    "special_causes": "the ControlChart repr of a Making Data Count chart (special_causes=12)",
}

_MENTION = re.compile(r"(?<![\w.=!<>])([a-z_][a-z0-9_]*)=(?!=)")


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module (f-string parts too), except docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_scan_finds_the_arguments_messages_name():
    """The scan itself works: the engine's messages name chart= and n= (so an empty scan cannot pass)."""
    engine = {m.group(1) for _, text in _strings(PACKAGE / "spc" / "engine.py") for m in _MENTION.finditer(text)}
    assert {"chart", "n", "freeze"} <= engine


@pytest.mark.parametrize("path", MESSAGE_MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_argument_a_message_names_has_words_for_the_command_and_the_app(path):
    unknown = sorted(
        f"{m.group(1)}= (line {line})"
        for line, text in _strings(path)
        for m in _MENTION.finditer(text)
        if m.group(1) not in ARGUMENTS and m.group(1) not in NOT_ARGUMENTS
    )
    assert not unknown, (
        f"{path.name} names arguments that qitools/_messages.py cannot say in the command or the app: "
        f"{', '.join(unknown)}. Add them to ARGUMENTS (or, if no user of the command sets them, to "
        "NOT_ARGUMENTS here with the reason)."
    )


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
@pytest.mark.parametrize("audience", ["command", "app", "readers"])
def test_no_python_survives_translation(name, audience):
    for message in (f"Pass {name}= to change this.", f"Use {name}='x' instead.", f"(given as {name}=)"):
        said = translate(message, audience)
        assert f"{name}=" not in said, f"{audience}: {message!r} -> {said!r}"
        assert not said.startswith("Pass "), f"{audience}: {message!r} -> {said!r}"


def test_python_users_keep_python():
    message = "Use chart='up' (Laney) or pass n= (the denominator)."
    assert translate(message, "python") == message


@pytest.mark.parametrize(
    "message, audience, expected",
    [
        ("Use chart='up' (Laney).", "command", "Use --chart up (Laney)."),
        ("Pass n= (the denominator).", "command", "Give --n COLUMN (the denominator)."),
        ("Use chart='up' (Laney).", "app", "Choose 'up' in 'Chart' (Laney)."),
        ("Pass header= (the 0-based line number of the column names).", "command",
         "Give --header LINE (the line number of the column names, 1 for the first line)."),
        ("Read with pd.read_csv(sep=';') first.", "command", "Read with pd.read_csv(sep=';') first."),
    ],
)  # fmt: skip
def test_known_translations(message, audience, expected):
    assert translate(message, audience) == expected
