"""Property-based fuzzing of every public function that takes data (issue 22).

For any DataFrame and arguments the strategies of ``tests/_fuzz.py`` make (every pandas dtype,
object columns of anything, ``Decimal('sNaN')``, lists in cells, dates past 2262, mixed time zones,
``inf``, duplicated labels, odd indexes, odd arguments), each public function either returns a
result that passes the invariants (``lcl <= cl <= ucl`` where defined, row order does not matter,
``exclude`` is the same as dropping the rows from the estimation, funnel limits nested, rank
intervals ordered, Pareto percentages adding up, nothing changed without a warning) or raises a
:class:`qitools.QIToolsError` whose message names the argument, column or rows -- never another
exception, and no warning that is not qitools' own. Results are then explained, shown
(``repr``/HTML), drawn to pixels and put in a report, as a user would.

Profiles (``tests/conftest.py``):

- ``qitools`` (the default, used in CI): derandomized, so every run makes the same examples on
  every machine and CI cannot flake; about 800 examples, well under a minute;
- ``qitools-nightly``: ten times the examples, new random ones on each run (a failure prints the
  example and how to reproduce it)::

      .venv/bin/python -m pytest -p no:cacheprovider tests/test_fuzz_public_api.py --hypothesis-profile=qitools-nightly

``benchmarks/fuzz_public_api.py`` runs the same checks on a counted number of inputs and reports
the count and the time.
"""

from __future__ import annotations

import matplotlib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _fuzz as F

matplotlib.use("Agg")

#: share of the profile's max_examples each function gets (the chart functions have most inputs)
WEIGHTS = F.WEIGHTS


def _settings(weight: float) -> settings:
    base = settings.default  # the profile loaded (tests/conftest.py, or --hypothesis-profile=...)
    return settings(
        base,
        max_examples=max(10, int(base.max_examples * weight)),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


def _one_in(data: st.DataObject, k: int, label: str) -> bool:
    return data.draw(st.integers(0, k - 1), label=label) == 0


def _fuzz_test(function: str):
    """The fuzz test of one public function; the example, if one fails, is printed by Hypothesis."""

    @_settings(WEIGHTS[function])
    @given(case=F.CALLS[function](), data=st.data())
    def test(case: F.Case, data: st.DataObject) -> None:
        draw = _one_in(data, 6, "draw the result")
        report = draw and _one_in(data, 5, "and write a report")
        F.run_case(case, draw=draw, report=report, seed=data.draw(st.integers(0, 2**16), label="shuffle seed"))

    test.__name__ = test.__qualname__ = f"test_{function.replace('.', '_')}_answers_or_raises_a_qitools_error"
    return test


for _function in WEIGHTS:
    _test = _fuzz_test(_function)
    globals()[_test.__name__] = _test
del _function, _test
