"""Library messages in the words of the command and of the workshop app.

The library's errors and warnings speak to Python users and name Python arguments:
``Pass header= (...)``, ``chart='up'``, ``(given as y=)``, ``cc.explain(facet=...)``. The ``qitools``
command has flags for them (``--header``, ``--chart up``, ``--y``) and the workshop app has
controls ("Chart", "Measure (y)"). Rather than each front end rewriting messages its own way, this
module is the one translation layer: a table, :data:`ARGUMENTS`, says for each argument how the
command and the app say it, and :func:`for_command` / :func:`for_app` / :func:`for_readers`
rewrite every mention the library makes (``name=value``, ``name=``, the ``cc.explain(...)`` and
``qi.function(...)`` calls) in one pass. ``tests/test_messages.py`` checks that every argument the
library's messages mention is in the table, so a new message cannot slip Python into the command or
the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ARGUMENTS", "Argument", "for_app", "for_command", "for_readers", "translate"]


def _value(v: str | None) -> str:
    """'u' -> u, "'Falls'" -> Falls, [4, 17] -> 4, 17."""
    if v is None:
        return ""
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    if v.startswith("[") and v.endswith("]"):
        return ", ".join(_value(p) for p in re.split(r",\s*", v[1:-1]) if p.strip())
    return v


Say = Callable[[str | None, bool], str]


def _flag(flag: str, meta: str) -> Say:
    """``--flag value`` (or ``--flag META`` when no value is given); "give --flag ..." after "pass"."""

    def say(v: str | None, imperative: bool) -> str:
        shown = _value(v)
        if not shown or shown == "...":
            said = f"{flag} {meta}"
        else:
            shown = re.sub(r",\s+", ",", shown)  # lists as the command takes them: 4,17
            said = f"{flag} {shown}" if " " not in shown else f'{flag} "{shown}"'
        return f"give {said}" if imperative else said

    return said_by(say)


def said_by(say: Callable[[str | None, bool], str]) -> Say:
    return say


def _control(label: str, noun: str = "a column") -> Say:
    """The app's control: "'u' in 'Chart'"; "choose a column in 'Denominator (n)'" after "pass"."""

    def say(v: str | None, imperative: bool) -> str:
        shown = _value(v)
        said = f"{noun} in '{label}'" if not shown or shown == "..." else f"'{shown}' in '{label}'"
        return f"choose {said}" if imperative else said

    return say


def _words(text: str, imperative_text: str | None = None) -> Say:
    """Fixed words; after "pass" the imperative words (by default "use " and the words)."""
    return lambda v, imperative: (
        (imperative_text or "use " + text) if imperative else text
    ).format(v=_value(v))


@dataclass(frozen=True)
class Argument:
    """How one library argument is said in the command, in the app and to readers of a report."""

    command: Say
    app: Say
    readers: Say


def _arg(command: Say, app: Say, readers: str = "{v}", readers_imperative: str | None = None) -> Argument:
    return Argument(command, app, _words(readers, readers_imperative))


def _header_command(v: str | None, imperative: bool) -> str:
    shown = _value(v)
    said = "--header LINE" if not shown or not shown.isdigit() else f"--header {int(shown) + 1}"
    return f"give {said}" if imperative else said


#: library argument -> how the command, the app and a report's readers say it
ARGUMENTS: dict[str, Argument] = {
    "y": _arg(_flag("--y", "COLUMN"), _control("Measure (y)"), "the measure"),
    "x": _arg(_flag("--x", "COLUMN"), _control("Time (x)"), "the time column"),
    "n": _arg(_flag("--n", "COLUMN"), _control("Denominator (n)"), "a denominator", "give a denominator"),
    "chart": _arg(_flag("--chart", "TYPE"), _control("Chart", "a chart"), "the {v} chart", "use the {v} chart"),
    "facet": _arg(_flag("--facet", "COLUMN"), _control("One chart per"), "one chart per group"),
    "part": _arg(_flag("--part", "DATES"), _control("New part from", "dates"), "a new part (phase)"),
    "freeze": _arg(_flag("--freeze", "DATE"), _words("a fixed baseline (in Python only)"), "a fixed baseline"),
    "exclude": _arg(_flag("--exclude", "DATES"), _words("leaving points out (in Python only)"), "leaving points out"),
    "multiply": _arg(_flag("--multiply", "NUMBER"), _control("Scale", "a scale"), "a scale of {v}"),
    "rules": _arg(_flag("--rules", "NAME"), _control("Rules", "a rule set"), "the {v} rules"),
    "improvement": _arg(
        _flag("--improvement", "DIRECTION"), _control("Better when", "a direction"), "which direction is better"
    ),
    "target": _arg(_flag("--target", "NUMBER"), _control("Target", "a number"), "a target"),
    "agg": _arg(
        _flag("--agg", "HOW"),
        _words("one row per period", "add the rows up to one per period before uploading"),
        "one row per period",
    ),
    "kind": _arg(_flag("--kind", "KIND"), _words("the chart you want in 'Chart'", "choose the chart in 'Chart'"),
                 "the kind of data"),
    "screen_mr": _arg(_words("--no-screen-mr", "give --no-screen-mr"), _words("screening (in Python only)"), "screening"),
    "header": _arg(
        _header_command,
        _words("the header row", "put the column names in one row above the data"),
        "the header row",
    ),
    "dayfirst": _arg(
        lambda v, imp: ("give --monthfirst" if imp else "--monthfirst")
        if _value(v) == "False"
        else "day-first dates (the default)",
        lambda v, imp: ("tick 'Dates are month-first'" if imp else "a tick in 'Dates are month-first'")
        if _value(v) == "False"
        else "no tick in 'Dates are month-first'",
        "month-first dates",
    ),
    "dates": _arg(_flag("--dates", "COLUMN"), _control("Dates in"), "a date column"),
    "parse_dates": _arg(_flag("--dates", "COLUMN"), _control("Dates in"), "a date column"),
    "sheet": _arg(_flag("--sheet", "NAME"), _control("Excel sheet", "a sheet"), "a sheet"),
    "percent": _arg(
        _words("percentages (read as proportions)"), _words("percentages (read as proportions)"), "percentages"
    ),
    "cl": _arg(_words("a fixed centre line (in Python only)"), _words("a fixed centre line (in Python only)"),
               "a fixed centre line"),
    "notes": _arg(_words("notes (in Python only)"), _words("notes (in Python only)"), "notes"),
    "data": _arg(_words("the file"), _words("the file"), "the data"),
}

#: whole phrases said differently (checked before single arguments)
_PHRASES: list[tuple[re.Pattern[str], str, str, str]] = [
    *(  # the aggregation warning names the two ways that were not used
        (
            re.compile(rf"Pass agg='{a}' or agg='{b}' to change this"),
            f"Give --agg {a} or --agg {b} to change this",
            "Add the rows up to one per period before uploading to change this",
            done,
        )
        for a, b, done in (
            ("median", "sum", "The rows of each period were averaged"),
            ("mean", "sum", "The median of each period's rows was charted"),
            ("mean", "median", "The rows of each period were added up"),
        )
    ),
    (
        re.compile(r"For one facet's full reading use cc\.explain\(facet=\.\.\.\)\."),
        "Each facet's own reading is in the report (--report FILE.html).",
        "Each facet's own reading is in the report (Download the report).",
        "Each facet's own reading follows.",
    ),
    (
        re.compile(r"Pass header= \(the 0-based line number of the column names\)"),
        "Give --header LINE (the line number of the column names, 1 for the first line)",
        "Put the column names in one row directly above the data",
        "The column names must be in one row above the data",
    ),
    (
        re.compile(r"Install a font that has them and set it with matplotlib's rcParams\['font\.family'\], or use "
                   r"labels in another script\."),
        "Rename those columns in the file with letters the font has (and give --title), or draw the chart from "
        "Python with a font that has them.",
        "Rename those columns in the file with letters the font has (and fill in 'Title').",
        "",
    ),
    # fixes written as Python (validate.py, engine.py): in the file's own terms for the command and the app
    (
        re.compile(r"Convert the column to dates first, e\.g\. df\[.*?\] = pd\.to_datetime\(df\[.*?\], dayfirst=True\), or "
                   r"read the file with parse_dates=\[(?P<col>'[^']*'|\"[^\"]*\")\];"),
        "Read the column as dates: name it in --dates;",
        "Read the column as dates: choose it in 'Dates in';",
        "The column must be read as dates;",
    ),
    (
        re.compile(r"Set those rows to missing to leave a gap: df\[.*?\]\.replace\(\[np\.inf, -np\.inf\], np\.nan\)\."),
        "Empty those cells in the file to leave a gap (or correct the denominator they were computed from).",
        "Empty those cells in the file to leave a gap (or correct the denominator they were computed from).",
        "Those values must be corrected or left out.",
    ),
    (
        re.compile(r"set them to missing to leave a gap: df\[.*?\]\.replace\(\[np\.inf, -np\.inf\], np\.nan\)\."),
        "empty those cells in the file to leave a gap.",
        "empty those cells in the file to leave a gap.",
        "leave them out.",
    ),
    (
        re.compile(r"or convert the column with pd\.to_numeric\(df\[.*?\], errors='coerce'\) to turn them into gaps\."),
        "or empty those cells in the file to leave gaps.",
        "or empty those cells in the file to leave gaps.",
        "or leave them out.",
    ),
    (
        re.compile(r"Drop those rows, or set their n to missing \(NaN\) to leave a gap\."),
        "Correct those cells in the file, or empty them to leave a gap.",
        "Correct those cells in the file, or empty them to leave a gap.",
        "Those rows must be corrected or left out.",
    ),
    (
        re.compile(r"read it first: qi\.read_measure\([^)]*\)"),
        "give the file's path",
        "upload the file",
        "read the file first",
    ),
]

#: ``name=value`` or ``name=`` for the names in the table; values: quoted text, a list, a number,
#: True/False/None or ``...``; not inside a longer word or after a dot (``pd.read_csv(sep=...)``)
_MENTION = re.compile(
    r"(?<![\w.])(?P<name>" + "|".join(sorted(ARGUMENTS, key=len, reverse=True)) + r")="
    r"(?P<value>'[^']*'|\"[^\"]*\"|\[[^\]]*\]|-?\d[\d_.,]*\d|-?\d|True|False|None|\.\.\.)?"
)
_GIVEN_AS = re.compile(r"\(given as (?P<name>\w+)=\)")
_WITH_VERB = re.compile(r"(?:\b(?P<verb>[Pp]ass|[Uu]se|[Gg]ive) )?" + _MENTION.pattern)


def translate(text: str, audience: str) -> str:
    """Rewrite the Python arguments a library message mentions for ``audience``.

    Parameters
    ----------
    text : str
        A library message (error, warning, suggestion reason).
    audience : {"python", "command", "app", "readers"}
        ``"python"`` returns the text unchanged.

    Returns
    -------
    str

    Examples
    --------
    >>> from qitools._messages import translate
    >>> translate("Use chart='up' (Laney) or pass n= (the denominator).", "command")
    'Use --chart up (Laney) or give --n COLUMN (the denominator).'
    >>> translate("Use chart='up' (Laney).", "app")
    "Choose 'up' in 'Chart' (Laney)."
    """
    if audience == "python":
        return text
    index = {"command": 0, "app": 1, "readers": 2}[audience]
    for pattern, *said in _PHRASES:
        text = pattern.sub(said[index].replace("\\", "\\\\"), text)

    def given(m: re.Match[str]) -> str:
        arg = ARGUMENTS.get(m.group("name"))
        if arg is None:
            return m.group(0)
        if audience == "command":
            return f"(given as {arg.command(None, False).split()[0]})"
        if audience == "app":
            return f"(chosen in {arg.app(None, False).split(' in ', 1)[-1]})"
        return ""

    text = _GIVEN_AS.sub(given, text)
    if audience == "readers":  # a report's readers need no "(chart='run')" after "a run chart"
        text = re.sub(r"\s*\((?:" + _MENTION.pattern + r")\)", "", text)

    def mention(m: re.Match[str]) -> str:
        arg = ARGUMENTS[m.group("name")]
        say = (arg.command, arg.app, arg.readers)[index]
        verb = m.group("verb")
        if verb is None:
            return say(m.group("value"), False)
        if verb.lower() == "use" and audience == "command":
            said = "use " + say(m.group("value"), False)
        else:
            said = say(m.group("value"), True)
        return said[0].upper() + said[1:] if verb[0].isupper() else said

    text = _WITH_VERB.sub(mention, text)
    return re.sub(r" +([.,;])(?=\s|$)", r"\1", re.sub(r"  +", " ", text))


def for_command(text: str) -> str:
    """A library message in the words of the ``qitools`` command (its flags)."""
    return translate(text, "command")


def for_app(text: str) -> str:
    """A library message in the words of the workshop app (its controls)."""
    return translate(text, "app")


def for_readers(text: str) -> str:
    """A library message for readers of a report (no Python, no flags)."""
    return translate(text, "readers")
