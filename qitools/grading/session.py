"""Grading one notebook: run its cells in the learner's process, judge its answers in the coach's.

:func:`run_notebook` starts a learner process (:mod:`qitools.grading.sandbox`), sends it the code
cells one by one, each under a time limit, then grades the hidden checks *here*: a question
function reads the learner's variables through :class:`LearnerAnswers`, which fetches them as data,
and calls the learner's functions through :class:`LearnerFunction`, which has the learner's process
run them on the coach's arguments. Which variables and calls a question needs is found by running
it: the first run records what it asked for, the learner's process is asked for all of it at once,
and the question is run again, until it asks for nothing new (usually two or three rounds).

Time limits. Python, IPython, numpy, pandas, matplotlib and qitools are loaded before the first
cell, so a cell's time is its own work: well under a second for every cell of these exercises. A
cell (and a call of a learner's function by a check) may run ``cell_timeout`` seconds; by default
8 s + twice what it took this computer to start Python and load qitools for that notebook (at
least 10 s, at most 60 s), so a busy or slow computer gets longer while an endless loop costs
about 10 s, not a minute. An interrupted cell that does not stop within a grace period (3 s + a
quarter of the limit + the start-up time: a loop that catches the interrupt) ends the notebook there. The whole
notebook may take ``notebook_timeout`` seconds (default 30 s + 4 cell limits).

What reaches the gradebook from the learner's side is only data judged here, error class names
(and, for a few errors, Python's own message when it matches Python's wording), and the first line
of a cell of the submitted notebook. Text a notebook makes at run time (an error's message, a
printed file) never does.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _wire
from .hidden import Answers, HiddenChecks, MissingAnswer, outcome
from .sandbox import LearnerGone, LearnerProcess, Workspace

__all__ = ["Limits", "run_notebook", "LearnerAnswers", "LearnerFunction", "LearnerError", "safe_text"]

#: most rounds of fetching values and calls for one notebook
MAX_ROUNDS = 12
#: seconds to start Python and load qitools in a learner process
STARTUP_TIMEOUT = 120.0

TIMEOUT_DETAIL = "the check did not finish within the time limit (a loop that never ends?)"

# Python's own messages that may be shown (their variable parts are names, nothing longer).
_ID = r"[A-Za-z_][A-Za-z0-9_.]{0,60}"
_MESSAGES = {
    "NameError": [rf"name '{_ID}' is not defined"],
    "ZeroDivisionError": [r"(float |integer )?division( or modulo)? by zero", r"float (floor )?division by zero",
                          r"integer modulo by zero"],  # fmt: skip
    "ModuleNotFoundError": [rf"No module named '{_ID}'"],
    "ImportError": [rf"cannot import name '{_ID}' from '{_ID}'( \(unknown location\))?"],
    "AttributeError": [rf"'{_ID}' object has no attribute '{_ID}'", rf"module '{_ID}' has no attribute '{_ID}'"],
    "IndexError": [r"(list|tuple|string) index out of range"],
    "UnboundLocalError": [rf"cannot access local variable '{_ID}' where it is not associated with a value"],
}


def safe_error(ename: Any, evalue: Any = "") -> tuple[str, str]:
    """An error's class name (or "an error") and its message only where it is Python's own wording.

    Examples
    --------
    >>> from qitools.grading.session import safe_error
    >>> safe_error("NameError", "name 'x' is not defined")
    ('NameError', "name 'x' is not defined")
    >>> safe_error("ValueError", "=HYPERLINK(...) or the text of a file")
    ('ValueError', '')
    """
    name = _wire.safe_name(ename, "an error")
    text = str(evalue or "")
    if len(text) <= 200 and any(re.fullmatch(p, text) for p in _MESSAGES.get(name, [])):
        return name, text
    return name, ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_LONG_QUOTE = re.compile(r"'[^']{41,}'|\"[^\"]{41,}\"")


def safe_text(text: Any, limit: int = 240) -> str:
    """Text for the gradebook: no control characters, long quoted values cut, at most ``limit`` characters.

    Examples
    --------
    >>> from qitools.grading.session import safe_text
    >>> safe_text("Expected a number, got text ('" + "x" * 50 + "'):\\n remove the quotes.")
    "Expected a number, got text ('…'): remove the quotes."
    """
    out = _CONTROL.sub(" ", str(text))
    out = _LONG_QUOTE.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[0], out)
    out = re.sub(r" {2,}", " ", out).strip()
    return out if len(out) <= limit else out[: limit - 1] + "…"


@dataclass(frozen=True)
class Limits:
    """Time limits of one notebook (None: automatic, see the module docstring)."""

    cell: float | None = None
    notebook: float | None = None

    def cell_limit(self, warmup: float) -> float:
        """Seconds a cell may run, given the seconds the learner process took to start."""
        if self.cell is not None:
            return float(self.cell)
        return float(min(60, max(10, math.ceil(8.0 + 2.0 * warmup))))

    def notebook_limit(self, cell_limit: float) -> float:
        """Seconds the whole notebook may take."""
        return float(self.notebook) if self.notebook is not None else 30.0 + 4.0 * cell_limit


def grace(limit: float, warmup: float = 0.0) -> float:
    """Seconds an interrupted cell has to stop before the notebook is ended (more on a busy computer)."""
    return 3.0 + 0.25 * limit + warmup


# ------------------------------------------------------------------------------------------------
# Answers and functions seen from the coach's process
# ------------------------------------------------------------------------------------------------


class LearnerError(Exception):
    """An error raised by a learner's function in the learner's process (its class name only)."""


class CallTimedOut(BaseException):
    """A learner's function did not return within the time limit (ends the question as a timeout)."""


class _Pending:
    """Stands for a value not fetched yet (while finding out what a question needs)."""

    def __repr__(self) -> str:
        return "<not fetched yet>"


_PENDING = _Pending()
_MISSING = object()


def _error(ename: str, evalue: str = "") -> LearnerError:
    """The learner's error as seen here: its class name, and its message only in Python's own wording."""
    name, message = safe_error(ename, evalue)
    cls = type(name.rsplit(".", 1)[-1] if name != "an error" else "LearnerError", (LearnerError,), {})
    return cls(message) if message else cls()


class _Exchange:
    """What the coach's process knows of one learner's process, and what it still has to ask."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.calls: dict[str, dict[str, Any]] = {}
        self.names_list: list[str] | None = None
        self.looping: set[str] = set()
        self.want_values: set[str] = set()
        self.want_calls: dict[str, tuple[str, list[Any], dict[str, Any]]] = {}
        self.want_names = False
        self.pending = False

    def value(self, name: str) -> Any:
        if name in self.values:
            found = self.values[name]
            if found is _MISSING:
                raise MissingAnswer(f"no `{name}` in the notebook (was its cell deleted, renamed or not run?)")
            return found
        self.want_values.add(name)
        self.pending = True
        return _PENDING

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if name in self.looping:
            raise CallTimedOut
        try:
            wire_args = [_wire.encode(a) for a in args]
            wire_kwargs = {str(k): _wire.encode(v) for k, v in kwargs.items()}
        except _wire.TooBig:
            raise ValueError("the arguments for the learner's function are too big to send") from None
        key = json.dumps([name, wire_args, wire_kwargs], sort_keys=True, allow_nan=True)
        if key not in self.calls:
            self.want_calls[key] = (name, wire_args, wire_kwargs)
            self.pending = True
            return _PENDING
        got = self.calls[key]
        if "timeout" in got:
            raise CallTimedOut
        if "error" in got:
            raise _error(str(got["error"]), str(got.get("evalue", "")))
        return _wire.decode(got.get("value"))


class LearnerFunction:
    """A learner's function, called in the learner's process (see :mod:`qitools.grading.hidden`)."""

    def __init__(self, name: str, exchange: _Exchange):
        self.__name__ = name
        self._exchange = exchange

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._exchange.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<the learner's function {self.__name__}>"


LearnerFunction.__qualname__ = LearnerFunction.__name__ = "function"


class LearnerAnswers(Answers):
    """The learner's variables, fetched from the learner's process as data (see :class:`Answers`)."""

    def __init__(self, exchange: _Exchange):
        super().__init__({})
        self._exchange = exchange

    def __getitem__(self, name: str) -> Any:
        return self._exchange.value(str(name))

    def __iter__(self) -> Iterator[str]:
        if self._exchange.names_list is None:
            self._exchange.want_names = True
            self._exchange.pending = True
            return iter(())
        return iter(self._exchange.names_list)


# ------------------------------------------------------------------------------------------------
# One notebook
# ------------------------------------------------------------------------------------------------


class _Stop(Exception):
    """The notebook's process was ended (``why``: "died", "stubborn", "budget", "broken")."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Channel:
    """Requests to one learner process, each answered before a deadline."""

    def __init__(self, proc: LearnerProcess, deadline: float):
        self.proc = proc
        self.warmup = proc.warmup
        self.deadline = deadline
        self.next_id = 0
        self.stray = 0  # messages that answer no request: the notebook wrote into the channel

    def ask(self, message: dict[str, Any], wait: float) -> dict[str, Any]:
        self.next_id += 1
        message = {**message, "id": self.next_id}
        try:
            self.proc.send(message)
        except LearnerGone:
            raise _Stop("died") from None
        return self.answer(self.next_id, wait)

    def answer(self, request: int, wait: float) -> dict[str, Any]:
        deadline = min(time.monotonic() + wait, self.deadline)
        while True:
            try:
                reply = self.proc.receive(deadline)
            except LearnerGone as exc:
                raise _Stop(exc.reason) from None
            if reply is None:
                raise _Stop("budget" if deadline >= self.deadline else "stubborn")
            if reply.get("id") == request:
                return reply
            self.stray += 1


def run_notebook(
    workspace: Workspace,
    notebook: Path,
    cells: Sequence[tuple[int, str, str]],
    hidden: HiddenChecks | None,
    limits: Limits,
    content: bytes | None = None,
) -> dict[str, Any]:
    """Run one submitted notebook and grade it; the result as plain data.

    Parameters
    ----------
    workspace : Workspace
    notebook : Path
        The submitted file (copied into the learner's folder).
    cells : sequence of (position, first line, source)
        The notebook's non-empty code cells.
    hidden : HiddenChecks or None
        The exercise's hidden checks (None: only the notebook's own check results are read).
    limits : Limits
    content : bytes, optional
        The notebook as read and checked by the grader (default: read ``notebook`` again); the
        learner's working copy is made from it.

    Returns
    -------
    dict
        ``questions`` (question -> score, status, mistake, detail), ``errors``, ``timeouts``,
        ``problems``, ``public``, ``timing``, ``cell_limit``, ``notebook_limit``, ``stopped``,
        ``fatal``, ``seconds``.
    """
    started = time.monotonic()
    raw: dict[str, Any] = {"questions": {}, "errors": [], "timeouts": [], "problems": [], "public": {}, "timing": {},
                           "stopped": None, "fatal": None}  # fmt: skip
    home = workspace.new_home()
    proc = LearnerProcess(workspace, home)
    try:
        (home / notebook.name).write_bytes(notebook.read_bytes() if content is None else content)
        start_limit = STARTUP_TIMEOUT if limits.notebook is None else min(STARTUP_TIMEOUT, limits.notebook)
        try:
            warmup = proc.start(start_limit)
        except LearnerGone as exc:
            raw["fatal"] = exc.reason
            return raw
        cell_limit = limits.cell_limit(warmup)
        notebook_limit = limits.notebook_limit(cell_limit)
        raw.update(cell_limit=cell_limit, notebook_limit=notebook_limit)
        raw["timing"]["kernel start"] = warmup
        channel = _Channel(proc, started + notebook_limit)
        t0 = time.monotonic()
        try:
            _run_cells(channel, cells, cell_limit, raw)
            raw["timing"]["learner cells"] = time.monotonic() - t0
            t0 = time.monotonic()
            if hidden is not None:
                _grade_questions(channel, hidden, cell_limit, raw)
            reply = channel.ask({"op": "public", "limit": cell_limit}, cell_limit + grace(cell_limit, channel.warmup))
            raw["public"] = _public(reply.get("public"))
            raw["timing"]["checks"] = time.monotonic() - t0
        except _Stop as stop:
            raw["stopped"] = stop.why
        raw["interfered"] = channel.stray > 0
    finally:
        proc.close()
        raw["seconds"] = time.monotonic() - started
        shutil.rmtree(home, ignore_errors=True)
    return raw


def _run_cells(channel: _Channel, cells: Sequence[tuple[int, str, str]], limit: float, raw: dict[str, Any]) -> None:
    for position, first, source in cells:
        try:
            reply = channel.ask({"op": "run", "source": source, "limit": limit}, limit + grace(limit, channel.warmup))
        except _Stop:
            raw["stopped_at"] = {"cell": position, "first_line": first}
            raise
        status = reply.get("status")
        if status == "timeout":
            raw["timeouts"].append({"cell": position, "first_line": first})
        elif status == "error":
            ename, evalue = safe_error(reply.get("ename"), reply.get("evalue"))
            raw["errors"].append({"cell": position, "first_line": first, "ename": ename, "evalue": evalue})


def _grade_questions(channel: _Channel, hidden: HiddenChecks, limit: float, raw: dict[str, Any]) -> None:
    exchange = _Exchange()
    results: dict[str, dict[str, Any]] = {}
    for _ in range(MAX_ROUNDS):
        open_questions = [q for q in hidden.questions if q.qid not in results]
        if not open_questions:
            break
        for question in open_questions:
            exchange.pending = False
            result = _ask_question(question, exchange)
            if not exchange.pending:
                results[question.qid] = result
        if len(results) == len(hidden.questions):
            break
        try:
            _fetch(channel, exchange, limit)
        except _Stop:
            # once more with what is known: a question whose call never returned is a timeout
            for question in hidden.questions:
                if question.qid not in results:
                    exchange.pending = False
                    result = _ask_question(question, exchange)
                    if exchange.pending or result["status"] != "timeout":
                        result = {"score": 0.0, "status": "not graded", "mistake": None, "detail": "not reached"}
                    results[question.qid] = result
            raw["questions"] = {q.qid: results[q.qid] for q in hidden.questions}
            raise
    for question in hidden.questions:
        results.setdefault(question.qid, {
            "score": 0.0, "status": "error", "mistake": None,
            "detail": "the hidden check asks for new values each time it runs (use seeded random data)",
        })  # fmt: skip
    raw["questions"] = {q.qid: results[q.qid] for q in hidden.questions}


def _ask_question(question: Any, exchange: _Exchange) -> dict[str, Any]:
    try:
        result = outcome(question.check(LearnerAnswers(exchange)))
    except MissingAnswer as exc:
        result = {"score": 0.0, "status": "missing", "mistake": None, "detail": str(exc)}
    except CallTimedOut:
        result = {"score": 0.0, "status": "timeout", "mistake": None, "detail": TIMEOUT_DETAIL}
    except Exception as exc:  # noqa: BLE001 - a learner's answer must never stop the grading
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" (line {last[0].lineno})" if last else ""
        result = {"score": 0.0, "status": "error", "mistake": None, "detail": f"{type(exc).__name__}: {exc}{where}"}
    result["detail"] = safe_text(result.get("detail", ""))
    return result


def _fetch(channel: _Channel, exchange: _Exchange, limit: float) -> None:
    """Ask the learner's process, in one go, for everything the questions asked for."""
    wait = limit + grace(limit, channel.warmup)
    if exchange.want_names:
        reply = channel.ask({"op": "names"}, wait)
        names = reply.get("names")
        exchange.names_list = [str(n) for n in names if isinstance(n, str)][:10_000] if isinstance(names, list) else []
        exchange.want_names = False
    if exchange.want_values:
        names = sorted(exchange.want_values)
        reply = channel.ask({"op": "values", "names": names, "limit": limit}, wait)
        values = reply.get("values") if isinstance(reply.get("values"), dict) else {}
        for name in names:
            data = values.get(name, {"__qitools__": "missing"})
            if isinstance(data, dict) and data.get("__qitools__") == "missing":
                exchange.values[name] = _MISSING
            else:
                exchange.values[name] = _wire.decode(data, function=lambda n=name: LearnerFunction(n, exchange))
        exchange.want_values.clear()
    if exchange.want_calls:
        wanted = list(exchange.want_calls.items())
        exchange.want_calls.clear()
        calls = [{"name": name, "args": args, "kwargs": kwargs} for _, (name, args, kwargs) in wanted]
        channel.next_id += 1
        request = channel.next_id
        try:
            channel.proc.send({"op": "call", "id": request, "calls": calls, "limit": limit})
        except LearnerGone:
            raise _Stop("died") from None
        got: dict[int, dict[str, Any]] = {}
        while True:
            try:
                reply = channel.answer(request, wait)
            except _Stop:
                for index, (key, (name, _, _)) in enumerate(wanted):  # the call that never returned
                    if index not in got:
                        exchange.calls[key] = {"timeout": True}
                        exchange.looping.add(name)
                        break
                raise
            if reply.get("done"):
                break
            index = reply.get("index")
            if isinstance(index, int) and 0 <= index < len(wanted):
                got[index] = reply
        for index, (key, (name, _, _)) in enumerate(wanted):
            answer = got.get(index, {"error": "LearnerError"})
            if "timeout" in answer:
                exchange.calls[key] = {"timeout": True}
                exchange.looping.add(name)
            elif "error" in answer:
                exchange.calls[key] = {"error": answer["error"], "evalue": answer.get("evalue", "")}
            else:
                exchange.calls[key] = {"value": answer.get("value")}


_STATUSES = {"right", "wrong", "unanswered", "not tried"}


def _public(data: Any) -> dict[str, Any]:
    """The notebook's own check results (qitools.checks.results()), checked field by field."""
    from ..checks import MISTAKES

    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        return out
    for qid, rec in list(data.items())[:200]:
        if not (isinstance(qid, str) and re.fullmatch(r"[A-Za-z0-9._-]{1,20}", qid) and isinstance(rec, dict)):
            continue
        score = rec.get("score")
        attempts = rec.get("wrong_attempts")
        out[qid] = {
            "status": rec.get("status") if rec.get("status") in _STATUSES else "not tried",
            "score": min(max(float(score), 0.0), 1.0) if isinstance(score, (int, float)) and score == score else 0.0,
            "wrong_attempts": attempts if isinstance(attempts, int) and 0 <= attempts < 10**6 else 0,
            "mistake": rec.get("mistake") if rec.get("mistake") in MISTAKES else None,
            "objective": safe_text(rec.get("objective", ""), 200),
        }
    return out
