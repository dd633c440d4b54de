"""Misspelt options and wrong calls of the public functions: a plain QITypeError, "did you mean".

Python's own message for ``qi.run_chart(y=..., freez=12)`` is ``TypeError: control_chart() got an
unexpected keyword argument 'freez'``: it names a function the user did not call and offers no way
forward. qitools' public functions and checks say which option they do not have, the closest one
they do, and their options (qitools/_keywords.py).
"""

from __future__ import annotations

import warnings

import pytest

import qitools as qi
from qitools import QITypeError, checks
from qitools._keywords import friendly_call, keywords_of

RATES = [7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5, 6.1, 5.4, 6.6, 5.2]


class TestMisspeltOptions:
    def test_run_chart_names_itself_and_the_closest_option(self):
        with pytest.raises(QITypeError, match=r"^qi\.run_chart\(\) has no option 'freez'\. Did you mean freeze\?"):
            qi.run_chart(y=RATES, freez=12)

    def test_it_is_still_a_type_error(self):
        with pytest.raises(TypeError):
            qi.control_chart(y=RATES, chart="i", multipy=1000)

    @pytest.mark.parametrize(
        ("call", "wrong", "meant"),
        [
            (lambda: qi.control_chart(y=RATES, chart="i", improvment="increase"), "improvment", "improvement"),
            (lambda: qi.control_chart(y=RATES, chart="i", Freeze=3), "Freeze", "freeze"),
            (lambda: qi.funnel_plot(unit=["a"], y=[1], n=[10], limitz=[95]), "limitz", "limits"),
            (lambda: qi.funnel_plot(units=["a"], y=[1], n=[10]), "units", "unit"),
            (lambda: qi.datasets.load(nmae="ward_falls"), "nmae", "name"),
            (lambda: qi.run_chart(y=RATES).plot(titel="Falls"), "titel", "title"),
            (lambda: checks.median("4.1", 8.2, RATES, baselin=12), "baselin", "baseline"),
            (lambda: checks.choice("4.5", "b", "d681ab2b51", option="abcd"), "option", "options"),
        ],
    )
    def test_closest_option_is_suggested(self, call, wrong, meant):
        with pytest.raises(QITypeError) as info:
            call()
        message = str(info.value)
        assert f"has no option {wrong!r}" in message
        if meant:
            assert f"Did you mean {meant}?" in message
        assert "Its options are:" in message

    def test_run_chart_with_a_chart(self):
        with pytest.raises(QITypeError, match=r"always draws a run chart.*qi\.control_chart\(\.\.\., chart='i'\)"):
            qi.run_chart(y=RATES, chart="i")

    def test_too_many_values_without_names(self):
        with pytest.raises(QITypeError, match=r"given 2 values without names, but only data can be given without a name"):
            qi.control_chart(None, RATES)

    def test_missing_required_option(self):
        with pytest.raises(QITypeError, match=r"^qi\.control_chart\(\) needs y=: it has no default"):
            qi.control_chart(chart="i")

    def test_type_error_inside_the_function_is_left_alone(self):
        @friendly_call(name="qi.inner")
        def inner(*, x):
            return len(x)

        with pytest.raises(TypeError, match="has no len"):
            inner(x=3)

    def test_signature_and_docstring_are_kept(self):
        import inspect

        assert "freeze" in inspect.signature(qi.control_chart).parameters
        assert qi.control_chart.__doc__.startswith("Compute a run chart")
        assert keywords_of(qi.control_chart)[:3] == ["data", "x", "y"]


class TestWarningsStillPointAtTheUser:
    """The wrapper adds a frame; warnings are issued again at the user's line, under the user's filters."""

    def test_location_is_the_callers_line(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            qi.control_chart(y=[1, 2, 3, 4, 5, 6], chart="i")  # too few points: a warning
        assert caught and all(w.filename == __file__ for w in caught), [(w.filename, w.lineno) for w in caught]

    def test_ignore_filter_is_respected(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", qi.TooFewPointsWarning)
            qi.control_chart(y=[1, 2, 3, 4, 5, 6], chart="i")
        assert not [w for w in caught if issubclass(w.category, qi.TooFewPointsWarning)]

    def test_error_filter_raises(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error", qi.TooFewPointsWarning)
            with pytest.raises(qi.TooFewPointsWarning):
                qi.control_chart(y=[1, 2, 3, 4, 5, 6], chart="i")

    def test_pytest_warns_sees_them(self):
        with pytest.warns(qi.TooFewPointsWarning):
            qi.run_chart(y=[1, 2, 3, 4, 5, 6])

    def test_another_librarys_deprecation_warning_stays_where_it_was_raised(self):
        """A DeprecationWarning that matplotlib, traitlets or pandas raise inside a qitools call is
        about their code, not the user's: re-issued at the user's line it passed Python's (and
        IPython's) 'show DeprecationWarning in __main__ only' filter, and every course notebook
        printed traitlets' "InlineBackend._figure_formats_changed is deprecated" under its first
        chart. It is re-issued where it was raised, so the usual filters hide it."""
        from qitools._keywords import friendly_call

        @friendly_call(name="qi.example")
        def example():
            warnings.warn_explicit("old API", DeprecationWarning, "/site-packages/otherlib/core.py", 10)
            return 1

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", DeprecationWarning)  # Python's default ...
            warnings.filterwarnings("default", category=DeprecationWarning, module=__name__)  # ... and the user's code
            assert example() == 1
        assert not caught, [(w.filename, str(w.message)) for w in caught]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            example()
        assert [w.filename for w in caught] == ["/site-packages/otherlib/core.py"]


@pytest.mark.parametrize("how", ["-c", "stdin"])
def test_a_warning_reaches_code_run_by_python_c_or_stdin(how):
    """Warnings are re-issued at the user's line; code with no source file ('python -c', a script
    piped to python) must still get them, not an ImportError from the warnings machinery."""
    import subprocess
    import sys

    code = "import qitools as qi; qi.control_chart(y=[1, 2, 3], chart='i')"
    args = [sys.executable, "-W", "always", "-c", code] if how == "-c" else [sys.executable, "-W", "always", "-"]
    done = subprocess.run(args, input=None if how == "-c" else code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "TooFewPointsWarning" in done.stderr
