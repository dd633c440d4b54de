"""qitools: run charts, SPC control charts and improvement-science training for NHS and social care.

>>> import qitools as qi
>>> cc = qi.control_chart(df, x="month", y="falls", n="bed_days", chart="u", multiply=1000)  # doctest: +SKIP
"""

from __future__ import annotations

from .api import CHART_TYPES, ChartType, control_chart, run_chart
from .io import read_measure, suppress_small_counts
from .suggest import ChartSuggestion, suggest_chart
from .results import ControlChart
from .spc.errors import (
    DataChangedWarning,
    QIToolsError,
    QIToolsWarning,
    QITypeError,
    QIValueError,
    TooFewPointsWarning,
)

__version__ = "0.1.0"

__all__ = [
    "control_chart",
    "run_chart",
    "read_measure",
    "suppress_small_counts",
    "suggest_chart",
    "ChartSuggestion",
    "ControlChart",
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
