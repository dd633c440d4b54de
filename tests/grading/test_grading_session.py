"""The coach's side of grading one notebook, without processes: discovery of what a check needs,
grading over data equal to grading the learner's own objects, and the text that reaches the gradebook.

A fake learner process answers the coach's requests from a namespace in this process, through the
same wire format as the real one. Each exercise's solution and learner copy are run here (their
code cells, in a temporary folder), then graded twice: the way hidden checks always worked (on the
learner's objects) and through the exchange (on data): the outcomes must be identical.
"""

from __future__ import annotations

import contextlib
import io
import queue
import time
from pathlib import Path

import matplotlib
import nbformat
import pytest

from qitools.grading import Answers, load_hidden_dir
from qitools.grading._wire import decode, encode
from qitools.grading.hidden import MissingAnswer, outcome
from qitools.grading.session import Limits, _Channel, _grade_questions, safe_error, safe_text

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "exercises" / "coach" / "source"
HIDDEN = load_hidden_dir(ROOT / "exercises" / "coach" / "hidden")
NAMES = sorted(p.stem for p in SOURCES.glob("*.ipynb"))


class FakeLearner:
    """Answers like qitools.grading._learner, from a namespace in this process."""

    warmup = 0.0

    def __init__(self, namespace):
        self.ns = namespace
        self.replies: queue.Queue = queue.Queue()
        self.requests: list[str] = []

    def send(self, msg):
        self.requests.append(msg["op"])
        rid = msg.get("id")
        if msg["op"] == "values":
            out = {}
            for name in msg["names"]:
                out[name] = encode(self.ns[name], function_ok=True) if name in self.ns else {"__qitools__": "missing"}
            self.replies.put({"id": rid, "values": out})
        elif msg["op"] == "names":
            self.replies.put({"id": rid, "names": [n for n in self.ns if not n.startswith("_")]})
        elif msg["op"] == "call":
            for index, spec in enumerate(msg["calls"]):
                fn = self.ns[spec["name"]]
                try:
                    reply = {"value": encode(fn(*[decode(a) for a in spec["args"]]))}
                except Exception as exc:  # noqa: BLE001
                    reply = {"error": type(exc).__name__, "evalue": str(exc)}
                self.replies.put({"id": rid, "index": index, **reply})
            self.replies.put({"id": rid, "done": True})

    def receive(self, deadline):
        try:
            return self.replies.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            return None


def run_cells(nb, folder) -> dict:
    """The notebook's code cells run in one namespace here (errors carried past, output hidden)."""
    ns: dict = {"__name__": "__main__"}
    with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.strip():
                try:
                    exec(compile(cell.source, "<cell>", "exec"), ns)
                except Exception:  # noqa: BLE001 - like a notebook: carry on
                    pass
    return ns


def graded_here(hidden, ns):
    """The hidden checks on the learner's own objects (how they ran inside the learner's kernel)."""
    out = {}
    for q in hidden.questions:
        try:
            out[q.qid] = outcome(q.check(Answers(ns)))
        except MissingAnswer as exc:
            out[q.qid] = {"score": 0.0, "status": "missing", "mistake": None, "detail": str(exc)}
        out[q.qid]["detail"] = safe_text(out[q.qid]["detail"])
    return out


def graded_over_the_channel(hidden, ns):
    learner = FakeLearner(ns)
    raw: dict = {}
    _grade_questions(_Channel(learner, time.monotonic() + 600), hidden, 60.0, raw)
    return raw["questions"], learner.requests


@pytest.fixture(scope="module")
def namespaces(tmp_path_factory):
    out = {}
    for name in NAMES:
        for kind, folder in (("solution", SOURCES), ("blank", ROOT / "exercises")):
            nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
            out[name, kind] = run_cells(nb, tmp_path_factory.mktemp(f"{name}-{kind}"))
    return out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("kind", ["solution", "blank"])
@pytest.mark.parametrize("name", NAMES)
def test_grading_over_data_equals_grading_the_objects(namespaces, name, kind):
    hidden = HIDDEN[name][1]
    ns = namespaces[name, kind]
    here = graded_here(hidden, ns)
    there, requests = graded_over_the_channel(hidden, ns)
    assert there == here
    assert {v["score"] for v in there.values()} == ({1.0} if kind == "solution" else {0.0})
    assert len(requests) <= 6, "a few rounds: values, then calls, then the calls that depend on results"


@pytest.mark.filterwarnings("ignore")
def test_mistakes_errors_and_deleted_answers_are_judged_the_same(namespaces):
    name = next(n for n in NAMES if n.endswith("rare_events"))
    hidden = HIDDEN[name][1]
    ns = dict(namespaces[name, "solution"])
    ns["days_between"] = lambda dates: [1 / 0]
    ns["cc"] = 42
    del ns["above_upper_limit"]
    here = graded_here(hidden, ns)
    there, _ = graded_over_the_channel(hidden, ns)
    assert there == here
    status = {qid: v["status"] for qid, v in there.items()}
    # 10.2 a chart result that is not a chart, 10.3 a deleted answer, 10.7 a function that fails
    assert (status["10.2"], status["10.3"], status["10.7"]) == ("wrong", "missing", "wrong")
    assert there["10.7"]["detail"] == "Your function stopped with ZeroDivisionError: division by zero"
    ns["days_between"] = lambda dates: int("the text of a file the notebook read")
    there, _ = graded_over_the_channel(hidden, ns)
    assert there["10.7"]["detail"] == "Your function stopped with ValueError"  # not its message


def test_a_check_that_asks_for_new_calls_each_time_is_stopped():
    import random

    from qitools.grading import HiddenChecks

    hidden = HiddenChecks("99_demo")

    @hidden.question("99.1")
    def _(answers):
        return answers["f"](random.random()) == 0  # not seeded: new arguments on every run

    there, requests = graded_over_the_channel(hidden, {"f": lambda x: 0})
    assert there["99.1"]["status"] == "error" and "seeded random data" in there["99.1"]["detail"]
    assert len(requests) <= 13


class TestTextForTheGradebook:
    def test_python_messages_are_kept_only_in_python_wording(self):
        assert safe_error("NameError", "name 'above_upper_limit' is not defined") == (
            "NameError",
            "name 'above_upper_limit' is not defined",
        )
        assert safe_error("ZeroDivisionError", "division by zero") == ("ZeroDivisionError", "division by zero")
        assert safe_error("NameError", "name 'x' is not defined; also the hidden file says...") == ("NameError", "")
        assert safe_error("ValueError", "anything at all") == ("ValueError", "")
        assert safe_error("=HYPERLINK(1)", "x") == ("an error", "")

    def test_control_characters_and_long_quotes(self):
        text = safe_text("Expected one answer, got 'line one\r\nline two " + "x" * 80 + "'\x1b[31m")
        assert "\n" not in text and "\x1b" not in text and "xxxx" not in text
        assert len(safe_text("y" * 1000)) == 240


class TestLimits:
    def test_automatic_limits_grow_with_a_slow_start_within_bounds(self):
        assert Limits().cell_limit(0.4) == 10
        assert Limits().cell_limit(4.0) == 16
        assert Limits().cell_limit(100.0) == 60
        assert Limits(cell=3).cell_limit(4.0) == 3
        assert Limits().notebook_limit(10) == 70 and Limits(notebook=5).notebook_limit(10) == 5
