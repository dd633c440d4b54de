"""Error and warning classes raised by qitools.

Every error a user can trigger derives from :class:`QIToolsError`, so a notebook or a
script can catch them all at once; every warning derives from :class:`QIToolsWarning`.
Messages follow the house style: what was wrong, why it matters, how to fix it.
"""

from __future__ import annotations

__all__ = [
    "QIToolsError",
    "QIValueError",
    "QITypeError",
    "QIToolsWarning",
    "DataChangedWarning",
    "DataQualityWarning",
    "TooFewPointsWarning",
]


class QIToolsError(Exception):
    """Base class of every error raised by qitools."""


class QIValueError(QIToolsError, ValueError):
    """An argument or a data value is not acceptable (wrong value, missing column, bad row)."""


class QITypeError(QIToolsError, TypeError):
    """An argument has the wrong type (for example text where numbers are needed)."""


class QIToolsWarning(UserWarning):
    """Base class of every warning issued by qitools."""


class DataChangedWarning(QIToolsWarning):
    """The data was usable after a documented automatic change (sorted, aggregated ...)."""


class DataQualityWarning(QIToolsWarning):
    """The data were used as given, but something in them looks like a mistake (a date far from the others)."""


class TooFewPointsWarning(QIToolsWarning):
    """Too few points for limits or for the runs analysis; results are partial."""
