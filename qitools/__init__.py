"""qitools: run charts, SPC control charts and improvement-science training for NHS and social care.

>>> import qitools as qi
>>> cc = qi.control_chart(df, x="month", y="falls", n="bed_days", chart="u", multiply=1000)  # doctest: +SKIP
"""

from __future__ import annotations

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
    QIToolsError,
    QIToolsWarning,
    QITypeError,
    QIValueError,
    TooFewPointsWarning,
)

__version__ = "0.1.0"

#: submodules loaded on first use (``qi.pdsa``, ``qi.checks``), so ``import qitools`` stays quick
_LAZY_SUBMODULES = ("pdsa", "checks")


def __getattr__(name: str):  # PEP 562
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'qitools' has no attribute {name!r}")

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
    "TooFewPointsWarning",
    "__version__",
]
