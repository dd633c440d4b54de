"""Writing hidden checks: the coach-side file that grades one exercise.

A hidden-check file (``exercises/coach/hidden/03_run_charts.py``) is plain Python kept with the
coach. It creates one :class:`HiddenChecks` and registers one function per question::

    from qitools import checks
    from qitools.grading.hidden import HiddenChecks

    hidden = HiddenChecks("03_run_charts", title="Run charts", minutes=25)

    @hidden.question("3.1")
    def _(answers):
        return checks.judge("median", answers["baseline_median"], [7.9, 8.6, 7.2, 9.1], baseline=2)

``answers`` is a read-only view of the learner's variables after their notebook ran. A question
function returns a :class:`qitools.checks.Verdict`, a number between 0 and 1, a bool, or a
``(score, note)`` pair. It should test functions on *fresh* data (not the data in the notebook), so
that a learner who reads the public check cells still has to write a working function.

Where the check runs. The learner's notebook runs in its own process (a sandbox where there is
one); the question functions and the judges run in the coach's process, which the notebook cannot
touch. ``answers["name"]`` is the learner's value sent over as data: numbers, text, lists, dicts,
dates, tables (a pandas DataFrame), chart results (``.chart``, ``.params``, ``.data``,
``.summary``) and matplotlib Axes (the y values of its lines, its texts). A learner's *function*
arrives as a stand-in: calling it sends your arguments to the learner's process, which runs the
function there under the time limit and sends back its result (or the name of the error it
raised); the expected results never leave this process. So:

* everything you pass to a learner's function is seen by the learner's process: pass fresh data,
  never the answer;
* a question function may be run more than once (first to find which variables and calls it
  needs, then with their values), so it must give the same calls each time: use seeded random
  data (``random.Random(seed)``), and no side effects.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["HiddenChecks", "Question", "Answers", "MissingAnswer", "PARTS", "load_hidden", "outcome", "combine"]


#: the parts of an exercise: the clinician core, and optional analyst extensions graded separately
PARTS = ("core", "analyst")


class MissingAnswer(LookupError):
    """The learner's notebook does not define the name a hidden check needs."""


@dataclass(frozen=True)
class Question:
    """One graded question: its number, points and check function."""

    qid: str
    points: float
    check: Callable[[Answers], Any]
    #: "core" (the clinician track: reading charts, choosing options, filling in numbers) or "analyst"
    #: (an optional extension, such as writing a function; graded and reported separately)
    part: str = "core"


@dataclass
class HiddenChecks:
    """The hidden checks of one exercise.

    Parameters
    ----------
    exercise : str
        The exercise name, as in the notebook's metadata (``"03_run_charts"``).
    title : str, optional
        The exercise title ("Run charts"), for the gradebook and certificates.
    minutes : int, optional
        The expected learning time, for certificates (CPD hours).

    Examples
    --------
    >>> from qitools.grading.hidden import HiddenChecks
    >>> hidden = HiddenChecks("99_demo", title="Demo")
    >>> @hidden.question("99.1", points=2)
    ... def _(answers):
    ...     return answers["x"] == 42
    >>> [(q.qid, q.points) for q in hidden.questions]
    [('99.1', 2.0)]
    """

    exercise: str
    title: str = ""
    minutes: int | None = None
    _questions: dict[str, Question] = field(default_factory=dict)

    def question(
        self, qid: str, points: float = 1.0, part: str = "core"
    ) -> Callable[[Callable[[Answers], Any]], Callable[[Answers], Any]]:
        """Register the check function of question ``qid`` (a decorator).

        ``part`` is ``"core"`` (the clinician track) or ``"analyst"`` (an optional extension).
        """
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}; got {part!r} for question {qid}")

        def register(fn: Callable[[Answers], Any]) -> Callable[[Answers], Any]:
            if str(qid) in self._questions:
                raise ValueError(f"question {qid} of {self.exercise} is registered twice")
            self._questions[str(qid)] = Question(str(qid), float(points), fn, part)
            return fn

        return register

    @property
    def questions(self) -> list[Question]:
        """The questions, in the order they were registered."""
        return list(self._questions.values())

    @property
    def max_points(self) -> float:
        """Total points available."""
        return sum(q.points for q in self._questions.values())


class Answers(Mapping[str, Any]):
    """A read-only view of the learner's variables; a missing name raises :class:`MissingAnswer`."""

    def __init__(self, namespace: Mapping[str, Any]):
        self._ns = namespace

    def __getitem__(self, name: str) -> Any:
        try:
            return self._ns[name]
        except KeyError:
            raise MissingAnswer(f"no `{name}` in the notebook (was its cell deleted, renamed or not run?)") from None

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._ns if not k.startswith("_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def outcome(result: Any) -> dict[str, Any]:
    """Normalise what a question function returned to ``{score, status, mistake, detail}``.

    Examples
    --------
    >>> from qitools.grading.hidden import outcome
    >>> outcome(True)["score"], outcome(0.5)["status"], outcome((0.0, "no answer"))["detail"]
    (1.0, 'partly right', 'no answer')
    """
    mistake, detail, status = None, "", None
    if hasattr(result, "status") and hasattr(result, "score"):
        score = float(result.score)
        mistake, detail = result.mistake, result.detail
        status = {"right": "right", "unanswered": "not answered"}.get(result.status)
    elif isinstance(result, tuple) and len(result) == 2:
        score, detail = float(result[0]), str(result[1])
    elif isinstance(result, bool) or result is None:
        score = 1.0 if result else 0.0
    else:
        score = float(result)
    score = min(max(score, 0.0), 1.0)
    if status is None:
        status = "right" if score >= 1 else "partly right" if score > 0 else "wrong"
    return {"score": score, "status": status, "mistake": mistake, "detail": detail}


def combine(verdicts: Any) -> Any:
    """One verdict from several (the same function tried on several fresh data sets).

    All unanswered (or all right) stays so; otherwise the result is wrong, with the average score
    and the first mistake named.

    Examples
    --------
    >>> from qitools import checks
    >>> from qitools.grading.hidden import combine
    >>> v = combine([checks.judge("median", 2, [1, 2, 3]), checks.judge("median", 5, [1, 2, 4])])
    >>> v.status, v.score
    ('wrong', 0.5)
    """
    from ..checks import Verdict

    verdicts = list(verdicts)
    first = verdicts[0]
    if first.status != "wrong" and all(v.status == first.status for v in verdicts):
        return first
    wrong = [v for v in verdicts if v.status == "wrong"]
    named = next((v for v in wrong if v.mistake), wrong[0] if wrong else first)
    score = sum(v.score for v in verdicts) / len(verdicts)
    return Verdict("wrong", score, named.mistake, named.detail)


def load_hidden(path: str | Path) -> HiddenChecks:
    """Load a hidden-check file and return its :class:`HiddenChecks` (exactly one per file).

    Raises
    ------
    ValueError
        The file defines no HiddenChecks or several.
    """
    path = Path(path)
    name = f"_qitools_hidden_{path.stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot load hidden checks from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    found = [v for v in vars(module).values() if isinstance(v, HiddenChecks)]
    if len(found) != 1:
        raise ValueError(f"{path.name} must define exactly one HiddenChecks(...), found {len(found)}")
    return found[0]
