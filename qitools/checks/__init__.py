"""Answer checks for the qitools exercises: a plain-English verdict and a graded hint, never the answer.

A check cell in an exercise notebook calls one function of this package with the question number,
the learner's answer (a value, a table, a chart result or a function) and the data of the question::

    from qitools import checks
    checks.median("3.1", baseline_median, falls_rate[:12])

It prints one verdict, in words first (the symbol after them is decoration, from fonts every
system has):

* "Right ✓", with a short note on why it matters;
* "Not yet ✗": the **common mistake** it recognises, if any (the mean instead of the
  median, points on the median counted, a percentage where a proportion is needed, a c chart for
  counts with varying exposure, ...), then a **hint**: a nudge the first time, a pointer to what
  to look at from the second wrong attempt on, and "talk to your coach" after that;
* "Not answered yet" (the answer is still ``...``); this does not count as an attempt;
* "Not checked": the answer cell above has not run since Python started, or its latest run stopped
  with an error, or it no longer sets the answer, so the value the check would see is stale. No
  verdict is given, no hint spent, no try counted (:mod:`qitools.checks.kernel`).

The expected value is computed inside the check from the data it is given and is never printed.
Multiple-choice keys are stored as salted hashes (:func:`make_key`), so reading a check cell or
this package does not give the answer away. :func:`summary` shows the learner's progress.

The checks are pure Python (no numpy at import), so they also run in JupyterLite; numpy arrays,
pandas Series and DataFrames are accepted as answers. Coaches' hidden checks
(:mod:`qitools.grading`) call :func:`judge`, which returns a :class:`Verdict` without printing.

How the package is laid out (each file reads on its own)::

    mistakes.py    the catalogue of common mistakes: name -> (title, explanation)
    verdict.py     Verdict, what every judge returns
    answers.py     reading learners' answers (numbers, lists, labels, dates) and comparing them
    judges/        the judges by topic: pure functions, answer + data -> Verdict; judge(kind, ...)
    reporting.py   the learner's side: begin, summary, results, printed verdicts, hints, tries
    kernel.py      in a notebook: the record of cell runs (is the answer stale?) and short errors
    cells.py       the functions check cells call (checks.median, checks.rate, ...): judge, then report
    cells_shewhart.py   the same for the Shewhart-chart exercises 7-12 (gaps_between, chart_options, ...)

The judges print nothing and keep no state, so the same functions serve the learner's kernel (for
immediate feedback) and the coach's grading process (for the grade).
"""

from __future__ import annotations

from .cells import (
    aim,
    assurance,
    baseline_chart,
    chart_settings,
    chart_type,
    choice,
    choices,
    crossings,
    days_between,
    funnel_limits,
    longest_run,
    longest_run_max,
    median,
    moving_ranges,
    order,
    outside_funnel,
    overdispersion,
    p_limits,
    pdsa_cycle,
    pdsa_ramp,
    points_outside,
    proportion,
    rate,
    ratio,
    run_chart_drawing,
    suppressed,
    tidy_table,
    useful_points,
    written,
    vital_few,
    xmr_limits,
)
from .cells_shewhart import (
    cases_between,
    chart_options,
    gaps_between,
    outside_p_limits,
    p_limits_at,
    screened_xmr_limits,
    subgroup_medians,
)
from .judges import judge
from .judges.choices import make_key
from .judges.targets_and_people import order_keys
from .mistakes import MISTAKES
from .reporting import Progress, begin, reset, results, summary
from .verdict import Verdict

__all__ = [
    "Verdict",
    "Progress",
    "MISTAKES",
    "begin",
    "reset",
    "summary",
    "results",
    "judge",
    "make_key",
    "order_keys",
    "choice",
    "choices",
    "chart_type",
    "median",
    "proportion",
    "rate",
    "useful_points",
    "longest_run",
    "crossings",
    "longest_run_max",
    "run_chart_drawing",
    "baseline_chart",
    "moving_ranges",
    "xmr_limits",
    "points_outside",
    "p_limits",
    "days_between",
    "overdispersion",
    "aim",
    "pdsa_cycle",
    "pdsa_ramp",
    "assurance",
    "funnel_limits",
    "outside_funnel",
    "tidy_table",
    "order",
    "ratio",
    "suppressed",
    "written",
    "vital_few",
    "chart_settings",
    # modules 7-12 (cells_shewhart.py)
    "screened_xmr_limits",
    "p_limits_at",
    "outside_p_limits",
    "gaps_between",
    "cases_between",
    "subgroup_medians",
    "chart_options",
]


def _friendly_check_functions() -> None:
    """A misspelt option of a check (``baselin=12``) raises a plain error with "did you mean"."""
    import inspect

    from .._keywords import friendly_call

    here = globals()
    for name in __all__:
        fn = here.get(name)
        if inspect.isfunction(fn) and fn.__module__.startswith(f"{__name__}.cells"):
            here[name] = friendly_call(fn, name=f"checks.{name}")


_friendly_check_functions()
