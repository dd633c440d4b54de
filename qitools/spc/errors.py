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
    "TooFewPointsWarning",
]


class QIToolsError(Exception):
    """Base class of every error raised by qitools.

    In a notebook (IPython) a qitools error is shown without the traceback: its message (written
    to say what was wrong, why it matters and how to fix it), the line of the user's code that
    called qitools, and how to see the full error (``%tb verbose``, ``%xmode verbose`` or the
    environment variable ``QITOOLS_FULL_ERRORS=1``). Outside IPython nothing changes.
    """

    @property
    def _render_traceback_(self):  # noqa: ANN202 - IPython's hook: a callable returning lines
        # IPython calls value._render_traceback_() when an exception has it. Asking for the full
        # error makes the attribute missing (AttributeError), so IPython shows its own traceback.
        from .._tracebacks import full_errors_wanted, render_qitools_error

        if full_errors_wanted():
            raise AttributeError("_render_traceback_")
        return lambda: render_qitools_error(self)


class QIValueError(QIToolsError, ValueError):
    """An argument or a data value is not acceptable (wrong value, missing column, bad row)."""


class QITypeError(QIToolsError, TypeError):
    """An argument has the wrong type (for example text where numbers are needed)."""


class QIToolsWarning(UserWarning):
    """Base class of every warning issued by qitools."""


class DataChangedWarning(QIToolsWarning):
    """The data was usable after a documented automatic change (sorted, aggregated ...)."""


class TooFewPointsWarning(QIToolsWarning):
    """Too few points for limits or for the runs analysis; results are partial."""
