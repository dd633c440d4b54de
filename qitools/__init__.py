"""qitools: run charts, SPC control charts and improvement-science training for NHS and social care.

>>> import qitools as qi
>>> cc = qi.control_chart(df, x="month", y="falls", n="bed_days", chart="u", multiply=1000)  # doctest: +SKIP
"""

from __future__ import annotations

import sys

from .api import CHART_TYPES, ChartType, control_chart, run_chart
from . import datasets
from .io import read_measure, suppress_small_counts
from .report import chart_report
from .suggest import ChartSuggestion, suggest_chart
from .results import ControlChart
from .funnel import FUNNEL_KINDS, FunnelPlot, LeagueTable, funnel_plot, league_table
from .system import cause_effect_diagram, pareto_chart, pareto_table, process_map
from .spc.errors import (
    DataChangedWarning,
    DataQualityWarning,
    QIToolsError,
    QIToolsWarning,
    QITypeError,
    QIValueError,
    TooFewPointsWarning,
)

__version__ = "0.1.0"


def _friendly_public_api() -> None:
    """A misspelt option of a public function (``freez=12``) raises a plain QITypeError: "did you mean freeze?".

    The functions and result methods users call are wrapped once here (see :mod:`qitools._keywords`;
    the wrapper costs nothing on a good call). ``qi.run_chart`` checks its own options.
    """
    from ._keywords import friendly_call

    here = globals()
    for name in ("control_chart", "read_measure", "chart_report", "suppress_small_counts", "suggest_chart",
                 "funnel_plot", "league_table", "pareto_chart", "pareto_table", "cause_effect_diagram",
                 "process_map"):  # fmt: skip
        here[name] = friendly_call(here[name], name=f"qi.{name}")
    for name in ("load", "info"):
        fn = getattr(datasets, name, None)
        if callable(fn):
            setattr(datasets, name, friendly_call(fn, name=f"qi.datasets.{name}"))
    for cls, short in ((ControlChart, "cc"), (FunnelPlot, "fp"), (LeagueTable, "lt")):
        for name in ("plot", "plot_facets", "save", "explain", "limits_at"):
            method = cls.__dict__.get(name)
            if callable(method) and not hasattr(method, "__wrapped__"):
                setattr(cls, name, friendly_call(method, name=f"{short}.{name}"))


_friendly_public_api()

#: submodules loaded on first use (``qi.pdsa``, ``qi.checks``), so ``import qitools`` stays quick
_LAZY_SUBMODULES = ("pdsa", "checks")


def __getattr__(name: str):  # PEP 562
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise _no_such_name(name)


class QIAttributeError(QIToolsError, AttributeError):
    """``qi.read_mesure``: a misspelt name of qitools (an AttributeError, so ``hasattr`` still works)."""


def _no_such_name(name: str) -> AttributeError:
    """The error for a name qitools does not have, with "did you mean" when one is close."""
    if name.startswith("__"):  # Python's own probes (__path__, __wrapped__ ...): the usual error
        return AttributeError(f"module 'qitools' has no attribute {name!r}")
    from ._tracebacks import close_words

    known = [n for n in (*__all__, *_LAZY_SUBMODULES) if not n.startswith("_")]
    close = close_words(name, known) or close_words(name.lower(), known)
    hint = f" Did you mean {close[0]}?" if close else " Check the spelling (qitools' names are lower case)."
    err = QIAttributeError(f"qitools has no {name!r}.{hint}")
    err.name, err.obj = name, sys.modules[__name__]
    return err

__all__ = [
    "control_chart",
    "run_chart",
    "datasets",
    "read_measure",
    "chart_report",
    "suppress_small_counts",
    "suggest_chart",
    "ChartSuggestion",
    "ControlChart",
    "pdsa",
    "checks",
    "funnel_plot",
    "league_table",
    "FunnelPlot",
    "LeagueTable",
    "FUNNEL_KINDS",
    "pareto_chart",
    "pareto_table",
    "cause_effect_diagram",
    "process_map",
    "ChartType",
    "CHART_TYPES",
    "QIToolsError",
    "QIValueError",
    "QITypeError",
    "QIToolsWarning",
    "DataChangedWarning",
    "DataQualityWarning",
    "TooFewPointsWarning",
    "__version__",
]
