"""Short error display (qitools/_tracebacks.py) and the checks' record of what cells set (checks/kernel.py).

The kernel-level behaviour (what a notebook shows) is tested in tests/test_checks_kernel.py; these
are the pieces, without a kernel.
"""

from __future__ import annotations

import linecache

import pytest

import qitools as qi
from qitools._tracebacks import FULL_ERRORS_ENV, full_errors_wanted, name_hint, plain_sentence, short_error
from qitools.checks.kernel import _answer_names, bound_names


def _raise(code: str, namespace: dict | None = None) -> BaseException:
    """Run ``code`` as IPython runs cell 7 (its source in linecache) and return the error it raised."""
    name = "<ipython-input-7-abc>"
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    try:
        exec(compile(code, name, "exec"), namespace if namespace is not None else {})
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("no error")


class TestShortError:
    def test_name_error_of_a_text_answer(self):
        exc = _raise("what_to_say = b")
        lines = short_error(exc, {})
        assert lines[0] == "NameError: name 'b' is not defined"
        assert lines[1] == "  cell [7], line 1:  what_to_say = b"
        assert lines[2] == 'Python does not know the name b. Text answers need quotes: "b".'
        assert lines[-1] == "(Full error: run %tb verbose)"

    def test_name_error_with_a_close_name(self):
        exc = _raise("import statistics\nx = statistics.median(falls_rte)", {"falls_rate": [1]})
        assert "Did you mean falls_rate?" in short_error(exc, {"falls_rate": [1]})[2]

    def test_name_error_of_a_package_not_imported(self):
        exc = _raise("x = statistics.median([1, 2])")
        assert short_error(exc, {})[2] == (
            "Python does not know the name statistics. Import it first (import statistics), or run the first code "
            "cell of the notebook."
        )

    def test_the_line_that_matters_is_the_learners_not_the_librarys(self):
        exc = _raise("import json\njson.loads('{')")
        lines = short_error(exc)
        assert lines[0].startswith("JSONDecodeError: ")
        assert lines[1] == "  cell [7], line 2:  json.loads('{')"
        assert lines[2] == "  (the error happened inside Python, called from this line)"

    def test_qitools_error_has_no_extra_sentence(self):
        exc = _raise("import qitools as qi\nqi.control_chart(y=[1, 2], chart='P')")
        lines = short_error(exc)
        assert lines[0].startswith("QIValueError: ") and "lower-case" in lines[0].lower() or "chart" in lines[0]
        assert lines[1].endswith("qi.control_chart(y=[1, 2], chart='P')")
        assert len(lines) == 3  # message, line, how to see the full error

    def test_syntax_error_points_at_the_place(self):
        exc = _raise('what_to_say = "b')
        lines = short_error(exc)
        assert lines[0] == "SyntaxError: unterminated string literal (detected at line 1)"
        assert lines[1] == '  cell [7], line 1:  what_to_say = "b'
        assert lines[2].index("^") == lines[1].index('"b')
        assert "quote mark at both ends" in lines[3]

    @pytest.mark.parametrize(
        ("exc", "words"),
        [
            (ZeroDivisionError("division by zero"), "divided by zero"),
            (KeyError("Falls"), "capital letters count"),
            (IndexError("list index out of range"), "counts positions from 0"),
            (ModuleNotFoundError("No module named 'x'"), "not installed"),
            (RuntimeError("odd"), "stopped with this error"),
        ],
    )
    def test_one_plain_sentence_per_kind(self, exc, words):
        assert words in plain_sentence(exc)

    def test_name_hint_prefers_a_close_name_to_quotes(self):
        assert name_hint("falls_rte", {"falls_rate": 1}, "x = falls_rte").startswith("Did you mean falls_rate?")
        assert name_hint("outcome", {}, '{"deaths": outcome}') == 'Text answers need quotes: "outcome".'
        assert name_hint("median", {}, "median(values)").startswith("Check the spelling")

    def test_full_errors_on_request(self, monkeypatch):
        monkeypatch.delenv(FULL_ERRORS_ENV, raising=False)
        assert not full_errors_wanted()
        monkeypatch.setenv(FULL_ERRORS_ENV, "1")
        assert full_errors_wanted()
        err = qi.QIValueError("x")
        assert not hasattr(err, "_render_traceback_")  # IPython then shows its full traceback

    def test_qitools_errors_render_short_in_ipython(self, monkeypatch):
        monkeypatch.delenv(FULL_ERRORS_ENV, raising=False)
        try:
            qi.control_chart(y=[1, 2, 3], chart="P")
        except qi.QIToolsError as exc:
            lines = exc._render_traceback_()
        assert lines[0].startswith("QIValueError: ")
        assert "test_tracebacks.py, line" in lines[1]
        assert not any("Traceback" in line for line in lines)


class TestWhatACellSets:
    @pytest.mark.parametrize(
        ("code", "names"),
        [
            ("x = 1", {"x"}),
            ("a, (b, *c) = 1, (2, 3)", {"a", "b", "c"}),
            ("x += 1", {"x"}),
            ("d['k'] = 1\nobj.attr = 2", {"d", "obj"}),
            ("for i in range(3):\n    total = i", {"i", "total"}),
            ("with open('f') as fh:\n    pass", {"fh"}),
            ("import numpy as np, os.path\nfrom math import sqrt as root", {"np", "os", "root"}),
            ("def f(x):\n    y = x\nclass C:\n    z = 1", {"f", "C"}),
            ("[y for y in range(3)]\nif (n := 3):\n    pass", {"n"}),
            ("try:\n    pass\nexcept ValueError as err:\n    pass", {"err"}),
            ("%matplotlib inline\nax = 1", {"ax"}),
            ('what_to_say = "b', {"what_to_say"}),  # Python cannot read it: the name it tried to set
            ("ax.plot([1, 2])\nprint(x)", set()),
        ],
    )
    def test_bound_names(self, code, names):
        assert bound_names(code) == names

    def test_answer_names_of_the_check_call(self):
        cell = 'checks.median("4.1", baseline_median, falls_rate, baseline=12)'
        assert _answer_names(cell, "4.1") == {"baseline_median"}
        assert _answer_names('checks.choices("2.1", measure_types["a"], keys=KEYS)', "2.1") == {"measure_types"}
        assert _answer_names('qi.checks.rate("2.3", answer=my_rate, falls=f)', "2.3") == {"my_rate"}
        assert _answer_names("print(1)", "4.1") is None

    def test_setup_calls_are_not_checks(self):
        assert _answer_names('checks.begin("04_run_charts", QUESTIONS)', None) is None
        assert _answer_names("checks.summary()", None) is None


def test_a_misspelt_qitools_name_says_what_it_meant():
    """Issue 15 audit: ``qi.read_mesure(...)`` said "module 'qitools' has no attribute 'read_mesure'" and that
    the error "happened inside qitools", with no "did you mean"."""
    import qitools as qi
    from qitools._tracebacks import short_error

    assert not hasattr(qi, "read_mesure")
    try:
        qi.read_mesure("ward7_export.csv")
    except AttributeError as e:
        assert isinstance(e, qi.QIToolsError)
        lines = short_error(e)
    assert lines[0] == "QIAttributeError: qitools has no 'read_mesure'. Did you mean read_measure?", lines
    assert not any("inside qitools" in line for line in lines), lines
    try:
        qi.Run_Chart
    except AttributeError as e:
        assert str(e).endswith("Did you mean run_chart?")
