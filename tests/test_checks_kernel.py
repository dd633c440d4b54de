"""Check cells in a real kernel: no verdict on a stale answer, no traceback for a learner's common mistakes.

These tests start an IPython kernel (as JupyterLab and nbclient do) and send it cells one at a time,
reading what the notebook would show: the stream text, the error outputs (with their traceback
lines), and the reply's status (an "error" status stops Run All). The cells are those of exercise 4
(run charts); the multiple-choice key is the exercise's own.

The acceptance case of issue 15 is ``TestAcceptance``: in one kernel, a right answer and its
check; a typo (NameError) in that answer cell and the check again; the check of question 1 run
before its answer cell ever ran. The second check gives no verdict on the old answer, and no check
cell shows an error output.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

SETUP = """\
import qitools as qi
from qitools import checks
checks.begin("04_run_charts", {"4.1": "find the median of a baseline period", "4.5": "say what a run chart shows"})
falls_rate = [7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5,
              6.1, 5.4, 6.6, 5.2, 5.9, 6.3, 4.8, 5.7, 6.0, 5.1, 6.4, 5.5]"""
CHECK_1 = 'checks.median("4.1", baseline_median, falls_rate, baseline=12)'
#: exercise 4's own check cell of question 4.5 (the right answer is "b")
CHECK_5 = 'checks.choice("4.5", what_to_say, key="d681ab2b51", options="abcd", hints=("NUDGE", "POINTER"))'


@dataclass
class Ran:
    """What one cell showed."""

    status: str  # the execute reply: "ok" or "error"
    text: str = ""  # stream output and plain-text results
    errors: list[dict] = field(default_factory=list)  # ename, evalue, traceback (joined)

    @property
    def shown(self) -> str:
        return self.text + "".join(e["traceback"] for e in self.errors)


class Kernel:
    """An IPython kernel of this Python, fed one cell at a time (with JupyterLab's cell id if given)."""

    def __init__(self, course: bool = False) -> None:
        from jupyter_client.manager import KernelManager

        self._home = tempfile.TemporaryDirectory()
        env = dict(os.environ)
        env.update(
            IPYTHONDIR=str(Path(self._home.name) / "ipython"),  # no startup files of the user
            MPLBACKEND="Agg",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        env.pop("QITOOLS_FULL_ERRORS", None)
        if course:  # the kernels of qitools course and the hub: their python3 spec first on JUPYTER_PATH
            from jupyter_client.kernelspec import KernelSpecManager

            from qitools._course_kernels import with_course_kernels

            env = with_course_kernels(env, base=Path(self._home.name) / "runtime")
            ksm = KernelSpecManager(kernel_dirs=[env["JUPYTER_PATH"].split(os.pathsep)[0] + "/kernels"])
            self.km = KernelManager(kernel_name="python3", kernel_spec_manager=ksm)
        else:
            self.km = KernelManager(kernel_name="python3")
            self.km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        self.km.start_kernel(env=env, cwd=self._home.name)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str, cell_id: str | None = None, timeout: float = 120) -> Ran:
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}  # fmt: skip
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        self.kc.shell_channel.send(msg)
        mid = msg["header"]["msg_id"]
        ran = Ran(status="?")
        while True:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != mid:
                continue
            kind, c = m["msg_type"], m["content"]
            if kind == "status" and c["execution_state"] == "idle":
                break
            if kind == "stream":
                ran.text += c["text"]
            elif kind in ("execute_result", "display_data"):
                ran.text += c["data"].get("text/plain", "") + "\n"
            elif kind == "error":
                ran.errors.append({"ename": c["ename"], "evalue": c["evalue"], "traceback": "\n".join(c["traceback"])})
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == mid:
                ran.status = reply["content"]["status"]
                return ran

    def value(self, expression: str):  # noqa: ANN201
        """The value of an expression in the kernel (via repr and ast.literal_eval)."""
        import ast

        return ast.literal_eval(self.run(f"print(repr({expression}))").text.strip())

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self._home.cleanup()


@pytest.fixture
def fresh_kernel() -> Iterator[Kernel]:
    """A kernel of its own, started for the test."""
    k = Kernel()
    try:
        yield k
    finally:
        k.close()


@pytest.fixture(scope="module")
def _shared_kernel() -> Iterator[Kernel]:
    k = Kernel()
    try:
        yield k
    finally:
        k.close()


#: back to a kernel as just started: no variables, no record of runs, IPython's usual error display
_RESET = """%reset -f
%xmode context
import sys as _sys
if "qitools.checks.kernel" in _sys.modules:
    _sys.modules["qitools.checks.kernel"].uninstall()
del _sys"""


@pytest.fixture
def kernel(_shared_kernel: Kernel) -> Kernel:
    """One kernel for the tests of this module (starting one takes seconds), reset before each test."""
    ran = _shared_kernel.run(_RESET)
    assert ran.status == "ok", ran
    return _shared_kernel


def no_traceback(ran: Ran) -> None:
    """Nothing a learner sees is Python's traceback."""
    assert "Traceback (most recent call last)" not in ran.shown
    assert "most recent call last" not in ran.shown
    assert "site-packages" not in ran.shown and "qitools/" not in ran.shown, ran.shown


class TestAcceptance:
    """Issue 15: one kernel; a right answer, a typo in it, a check before its answer cell ever ran."""

    def test_stale_answer_gets_no_verdict_and_no_check_cell_shows_an_error(self, fresh_kernel: Kernel) -> None:
        kernel = fresh_kernel
        assert kernel.run(SETUP).status == "ok"

        # the check of question 1 run before its answer cell ever ran
        early = kernel.run(CHECK_1, "check-4.1")
        assert not early.errors, early  # no error output; the cell still stopped (Run All stops there)
        assert early.status == "error"
        assert "Not checked – question 4.1" in early.text and "Run the answer cell above first" in early.text
        assert "baseline_median" in early.text
        no_traceback(early)

        # a right multiple-choice answer and its check
        assert kernel.run('what_to_say = "b"', "answer-4.5").status == "ok"
        right = kernel.run(CHECK_5, "check-4.5")
        assert right.text.startswith("Right ✓ – question 4.5"), right.text
        assert not right.errors

        # a typo (NameError) in that answer cell: the cell shows Python's message, shortened
        typo = kernel.run("what_to_say = b", "answer-4.5")
        assert typo.status == "error" and [e["ename"] for e in typo.errors] == ["NameError"]
        assert "what_to_say = b" in typo.shown and 'Text answers need quotes: "b".' in typo.shown
        no_traceback(typo)

        # the check again: no verdict on the old answer ("b", still in what_to_say), no error output
        again = kernel.run(CHECK_5, "check-4.5")
        assert again.status == "ok" and not again.errors, again
        assert "Right" not in again.text and "Not yet" not in again.text and "Hint" not in again.text
        assert again.text.startswith("Not checked – question 4.5. Run the answer cell above first — it stopped "
                                     "with NameError: b is not defined."), again.text
        assert 'Text answers need quotes: "b".' in again.text
        assert kernel.value("what_to_say") == "b"  # the stale value was there to be judged, and was not

        # no try was counted and the first verdict stands
        results = kernel.value("checks.results()")
        assert results["4.5"]["status"] == "right" and results["4.5"]["wrong_attempts"] == 0
        assert results["4.1"]["status"] == "not tried"

        # fixed and run again: judged again
        assert kernel.run('what_to_say = "b"', "answer-4.5").status == "ok"
        assert kernel.run(CHECK_5, "check-4.5").text.startswith("Right ✓ – question 4.5")

    def test_headless_run_with_nbclient(self, tmp_path: Path) -> None:
        """The same in a notebook run top to bottom by nbclient (as the coach's grading runs it)."""
        from nbclient import NotebookClient

        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(s) for s in (
            SETUP, CHECK_1, 'what_to_say = "b"', CHECK_5, "what_to_say = b", CHECK_5, "checks.results()['4.5']")]  # fmt: skip
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        env_before = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env_before]))
        try:
            NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                           resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
        finally:
            if env_before is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = env_before

        def text(i: int) -> str:
            return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in nb.cells[i].outputs)

        def errors(i: int) -> list[str]:
            return [o["ename"] for o in nb.cells[i].outputs if o["output_type"] == "error"]

        assert errors(1) == [] and "Not checked – question 4.1" in text(1)
        assert text(3).startswith("Right ✓")
        assert errors(4) == ["NameError"]  # the learner's own error stays an error (graders see it)
        assert errors(5) == [] and text(5).startswith("Not checked – question 4.5")
        assert "'wrong_attempts': 0" in text(6) and "'status': 'right'" in text(6)


class TestTriesAndHints:
    def test_wrong_typo_right_spends_one_hint(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run('what_to_say = "a"', "a5")
        wrong = kernel.run(CHECK_5, "c5")
        assert wrong.text.startswith("Not yet ✗ – question 4.5.") and "Hint 1 of 2: NUDGE" in wrong.text
        kernel.run("what_to_say = a", "a5")  # a typo: NameError
        assert kernel.run(CHECK_5, "c5").text.startswith("Not checked")
        kernel.run('what_to_say = "c"', "a5")
        second = kernel.run(CHECK_5, "c5")
        assert "Hint 2 of 2: POINTER" in second.text, "the stale run must not have spent a hint"
        assert kernel.value("checks.results()['4.5']['wrong_attempts']") == 2
        kernel.run('what_to_say = "b"', "a5")
        assert kernel.run(CHECK_5, "c5").text.startswith("Right ✓")

    def test_renamed_answer_in_the_same_cell_is_stale(self, kernel: Kernel) -> None:
        """JupyterLab sends cell ids: a cell run again without its answer name leaves the old value stale."""
        kernel.run(SETUP)
        kernel.run('what_to_say = "b"', "a5")
        kernel.run('what_to_sya = "c"', "a5")  # the learner mistyped the name on the left of =
        ran = kernel.run(CHECK_5, "c5")
        assert "Not checked" in ran.text and "earlier version of its cell" in ran.text
        assert "what_to_say = ..." in ran.text and not ran.errors

    def test_answer_and_check_in_one_cell_is_judged(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        ran = kernel.run('what_to_say = "b"\n' + CHECK_5, "both")
        assert ran.text.startswith("Right ✓")

    def test_syntax_error_in_the_answer_cell(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run('what_to_say = "a"', "a5")
        broken = kernel.run('what_to_say = "b', "a5")
        assert [e["ename"] for e in broken.errors] == ["SyntaxError"]
        assert "quote mark at both ends" in broken.shown
        no_traceback(broken)
        ran = kernel.run(CHECK_5, "c5")
        assert ran.text.startswith("Not checked") and "SyntaxError" in ran.text
        kernel.run("what_to_say = [2 3]", "a5")  # Python: "invalid syntax. Perhaps you forgot a comma?"
        ran = kernel.run(CHECK_5, "c5")
        assert "Perhaps you forgot a comma? " in ran.text and "?." not in ran.text, ran.text


class TestPlainErrors:
    def test_misspelt_keyword_of_a_qitools_function(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        ran = kernel.run("rc = qi.run_chart(y=falls_rate, freez=12)")
        assert [e["ename"] for e in ran.errors] == ["QITypeError"]
        assert "Did you mean freeze?" in ran.shown and "rc = qi.run_chart(y=falls_rate, freez=12)" in ran.shown
        no_traceback(ran)
        full = kernel.run("%tb verbose")
        assert "most recent call last" in full.shown, "the coach's way to see the full error"

    def test_misspelt_keyword_of_a_check(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run("baseline_median = 8.2")
        ran = kernel.run('checks.median("4.1", baseline_median, falls_rate, baselin=12)')
        assert "checks.median() has no option 'baselin'. Did you mean baseline?" in ran.shown
        no_traceback(ran)

    def test_qitools_error_is_short_without_the_checks_too(self, kernel: Kernel) -> None:
        """A teaching notebook does not call checks.begin(): qitools' errors are short there too."""
        ran = kernel.run("import qitools as qi\nqi.control_chart(y=[1, 2, 3], chart='P')")
        assert [e["ename"] for e in ran.errors] == ["QIValueError"]
        assert "cell [" in ran.shown and "chart='P'" in ran.shown
        no_traceback(ran)
        assert "most recent call last" in kernel.run("%tb verbose").shown

    def test_learners_own_error_keeps_pythons_message_and_the_line(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run("def rate(falls, bed_days):\n    return 1000 * falls / bed_days")
        ran = kernel.run("rate(3, 0)")
        (err,) = ran.errors
        assert err["ename"] == "ZeroDivisionError" and err["evalue"] == "division by zero"
        lines = err["traceback"].splitlines()
        assert lines[0] == "ZeroDivisionError: division by zero"
        assert "return 1000 * falls / bed_days" in lines[1] and "line 2" in lines[1]
        assert "A number was divided by zero." in lines
        assert lines[-1] == "(Full error: run %tb verbose)"
        no_traceback(ran)

    def test_error_inside_a_library_names_it(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        ran = kernel.run("import pandas as pd\ndf = pd.DataFrame({'falls': [1]})\ndf['Falls']")
        assert "df['Falls']" in ran.shown and "inside pandas" in ran.shown and "capital letters count" in ran.shown
        no_traceback(ran)

    def test_full_errors_for_coaches(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run("%xmode verbose")
        ran = kernel.run("1 / 0")
        assert "most recent call last" in ran.shown

    def test_wrong_kind_of_option_given_to_a_check(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run("baseline_median = 8.2")
        ran = kernel.run('checks.median("4.1", baseline_median, falls_rate, baseline="twelve")')
        assert ran.status == "ok" and not ran.errors
        assert ran.text.startswith("Not checked – question 4.1. The check could not judge this answer")
        assert kernel.value("checks.results()['4.1']['wrong_attempts']") == 0

    def test_wrong_kind_of_answer_is_a_wrong_answer(self, kernel: Kernel) -> None:
        kernel.run(SETUP)
        kernel.run('baseline_median = "8.2 falls"')
        ran = kernel.run(CHECK_1)
        assert ran.text.startswith("Not yet ✗ – question 4.1.") and not ran.errors

    def test_data_cell_not_run(self, kernel: Kernel) -> None:
        kernel.run("from qitools import checks\nchecks.begin('04_run_charts', ['4.1'])")
        kernel.run("baseline_median = 8.2")
        ran = kernel.run(CHECK_1)
        assert not ran.errors
        assert "falls_rate has no value yet" in ran.text and "Run All Above Selected Cell" in ran.text


class TestCourseKernels:
    """The kernels of ``qitools course`` and the hub load the short error display at every start.

    Before the first cell (``checks.begin``) has run, in a fresh or restarted kernel, a check cell
    run first used to show Python's full ``NameError: name 'checks' is not defined`` traceback.
    """

    def test_a_check_cell_run_first_after_a_restart_says_what_to_do(self) -> None:
        k = Kernel(course=True)
        try:
            for when in ("just started", "after a restart"):
                ran = k.run(CHECK_5)
                no_traceback(ran)
                assert not ran.errors, f"{when}: the check cell shows an error output: {ran.errors}"
                assert ran.text.startswith("Not checked – question 4.5. Python has restarted"), (when, ran.text)
                assert "Run All Above Selected Cell" in ran.text
                assert ran.status == "error", "the cell still stops (Run All stops there)"
                typo = k.run("what_to_say = b")
                no_traceback(typo)
                assert [e["ename"] for e in typo.errors] == ["NameError"]
                assert 'Text answers need quotes: "b".' in typo.shown
                k.km.restart_kernel(now=True)
                k.kc.wait_for_ready(timeout=120)
            assert k.run(SETUP).status == "ok"
            k.run('what_to_say = "b"')
            assert k.run(CHECK_5).text.startswith("Right ✓ – question 4.5."), "the course kernel judges as usual"
        finally:
            k.close()
