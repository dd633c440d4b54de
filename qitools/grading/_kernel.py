"""Runs inside the learner's kernel after their notebook: applies the hidden checks, reports JSON.

The grading worker appends cells calling :func:`load`, :func:`grade` (one cell per question, so
that a learner's function that never returns costs only that question) and :func:`public`. Each
reports through a display message with the MIME type :data:`MIME`, which the worker reads.
"""

from __future__ import annotations

import traceback
from typing import Any

from .hidden import Answers, HiddenChecks, MissingAnswer, load_hidden, outcome

__all__ = ["MIME", "load", "grade", "public"]

MIME = "application/vnd.qitools.grade+json"

_LOADED: dict[str, HiddenChecks] = {}


def _emit(payload: dict[str, Any]) -> None:
    from IPython.display import display

    display({MIME: payload, "text/plain": repr(payload)}, raw=True)


def _namespace() -> dict[str, Any]:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - always inside a kernel
        shell = None
    if shell is not None:
        return shell.user_ns
    import __main__

    return vars(__main__)


def load(path: str) -> None:
    """Load the hidden checks (coach file) into this kernel."""
    _LOADED["current"] = load_hidden(path)


def grade(qid: str) -> None:
    """Run the hidden check of one question against the learner's variables and report it."""
    hidden = _LOADED["current"]
    question = next(q for q in hidden.questions if q.qid == qid)
    try:
        result = outcome(question.check(Answers(_namespace())))
    except MissingAnswer as exc:
        result = {"score": 0.0, "status": "missing", "mistake": None, "detail": str(exc)}
    except KeyboardInterrupt:
        result = {
            "score": 0.0,
            "status": "timeout",
            "mistake": None,
            "detail": "the check did not finish within the time limit (a loop that never ends?)",
        }
    except Exception as exc:  # noqa: BLE001 - a learner's answer must never stop the grading
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" (line {last[0].lineno})" if last else ""
        result = {
            "score": 0.0,
            "status": "error",
            "mistake": None,
            "detail": f"{type(exc).__name__}: {exc}{where}"[:300],
        }
    result["question"] = qid
    _emit(result)


def public() -> None:
    """Report the public checks' results of this session (qitools.checks.results())."""
    from .. import checks

    _emit({"public": checks.results()})
