"""Text from records made safe to show: no escape sequences or control characters.

A title typed (or pasted, or imported) with terminal escape sequences or control characters
would retitle a terminal, recolour it, or show as boxes in a report and on a chart. These
helpers remove escape sequences whole and drop (or mark) the other control characters; line
breaks and tabs stay.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["clean", "terminal_safe"]

_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: set the window title, hyperlinks...
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, clearing the screen
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: Any, mark: str = "") -> str:
    """``text`` without escape sequences; other control characters (and bidirectional overrides) become ``mark``.

    Examples
    --------
    >>> clean("Bay \\x1b[31mtagging\\x1b[0m\\x07")
    'Bay tagging'
    """
    if text is None:
        return ""
    s = _ESCAPES.sub("", str(text))
    return _CONTROL.sub(mark, s)


def terminal_safe(text: Any) -> str:
    """Text made safe to print on a terminal: escape sequences removed, other control characters shown as ``?``.

    Examples
    --------
    >>> terminal_safe("C1 \\x1b]0;pwned\\x07Bay \\x1b[31mtagging\\x1b[0m\\x07")
    'C1 Bay tagging?'
    """
    return clean(text, "?")
