"""The x axis of a chart: dates, numbers or labels, placed as floats, with sensible ticks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["XAxis", "make_xaxis", "date_formatter", "set_x_ticks", "x_margin"]


@dataclass
class XAxis:
    """How x values of one chart map to float positions, and how to tick them."""

    kind: str  # "datetime", "numeric" or "category"
    categories: dict[Any, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    tz: Any = None

    def to_num(self, values: Any) -> np.ndarray:
        """Float positions of x values (NaN where a value cannot be placed)."""
        if self.kind == "datetime":
            from matplotlib import dates as mdates

            ts = pd.to_datetime(pd.Series(values), errors="coerce")
            if getattr(ts.dt, "tz", None) is not None:
                ts = ts.dt.tz_localize(None)
            arr = ts.to_numpy(dtype="datetime64[us]")
            out = np.full(arr.shape[0], np.nan)
            ok = ~np.isnat(arr)
            if ok.any():
                out[ok] = mdates.date2num(arr[ok])
            return out
        if self.kind == "numeric":
            return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
        return np.array([self.categories.get(v, np.nan) for v in values], dtype=float)

    def one(self, value: Any) -> float:
        """Float position of one x value, or NaN when it cannot be placed on this axis."""
        if self.kind == "datetime":
            try:
                ts = pd.Timestamp(value)
            except (ValueError, TypeError):
                return float("nan")
            if ts is pd.NaT:
                return float("nan")
            return float(self.to_num([ts])[0])
        if self.kind == "numeric":
            if isinstance(value, (str, bytes, pd.Timestamp, np.datetime64)):
                return float("nan")
            try:
                return float(value)
            except (TypeError, ValueError):
                return float("nan")
        return float(self.categories.get(value, np.nan))


def make_xaxis(x: pd.Series) -> XAxis:
    """Decide the kind of x axis from the ``x`` column of a chart's data."""
    if pd.api.types.is_datetime64_any_dtype(x):
        return XAxis("datetime")
    if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
        return XAxis("numeric")
    uniq = pd.unique(x.dropna())
    cats = {v: i for i, v in enumerate(uniq)}
    return XAxis("category", categories=cats, labels=[str(v) for v in uniq])


def _month_index(u: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of matplotlib date numbers (days since the matplotlib epoch)."""
    from matplotlib import dates as mdates

    epoch = np.datetime64(mdates.get_epoch(), "us")
    dt = epoch + np.round(u * 86_400_000_000.0).astype("timedelta64[us]")
    return dt.astype("datetime64[M]").astype(np.int64)


def median_step_days(xnum: np.ndarray) -> float:
    u = np.unique(xnum[np.isfinite(xnum)])
    if u.size < 2:
        return float("nan")
    return float(np.median(np.diff(u)))


def _frequency(step: float) -> str:
    if not np.isfinite(step):
        return "other"
    if 0.9 <= step <= 1.1:
        return "daily"
    if 6.5 <= step <= 7.5:
        return "weekly"
    if 27.5 <= step <= 31.5:
        return "monthly"
    if 88 <= step <= 93:
        return "quarterly"
    if 364 <= step <= 367:
        return "yearly"
    return "other"


def _stride(count: int, max_ticks: int, steps: tuple[int, ...]) -> int:
    for s in steps:
        if -(-count // s) <= max_ticks:
            return s
    return steps[-1] * max(1, -(-count // (steps[-1] * max_ticks)))


def date_formatter(kind: str):
    """A matplotlib Formatter for date ticks: ``"Jan"`` / ``"8 Jan"`` / ``"2024"``, year on change."""
    from matplotlib import dates as mdates
    from matplotlib.ticker import Formatter

    class _Formatter(Formatter):
        def __init__(self, kind: str) -> None:
            self.kind = kind

        def _label(self, d: Any) -> str:
            if self.kind == "yearly":
                return f"{d.year}"
            if self.kind in ("monthly", "quarterly"):
                return d.strftime("%b")
            return f"{d.day} {d.strftime('%b')}"

        def __call__(self, x: float, pos: int | None = None) -> str:
            d = mdates.num2date(x)
            if self.kind == "yearly":
                return f"{d.year}"
            return f"{self._label(d)}\n{d.year}"

        def format_ticks(self, values: Any) -> list[str]:
            out = []
            prev_year = None
            for v in values:
                d = mdates.num2date(v)
                lab = self._label(d)
                if self.kind != "yearly" and d.year != prev_year:
                    lab = f"{lab}\n{d.year}"
                prev_year = d.year
                out.append(lab)
            return out

    return _Formatter(kind)


def _QuietAutoDateLocator(**kwargs: Any) -> Any:
    """matplotlib's AutoDateLocator, without its warning when no interval fits the span (it then uses
    its default interval, which is fine for a chart's ticks, and the warning means nothing to a user)."""
    import warnings

    from matplotlib import dates as mdates

    class Quiet(mdates.AutoDateLocator):
        def get_locator(self, dmin: Any, dmax: Any) -> Any:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="AutoDateLocator was unable", category=UserWarning)
                return super().get_locator(dmin, dmax)

    return Quiet(**kwargs)


def set_x_ticks(ax: Any, xaxis: XAxis, xnum: np.ndarray, *, max_ticks: int = 10) -> bool:
    """Put ticks on the observed x values where the data are regular (weekly, monthly ...).

    Returns True when the tick labels were rotated (long category labels).
    """
    from matplotlib import ticker

    u = np.unique(xnum[np.isfinite(xnum)])
    if xaxis.kind == "category":
        idx = np.arange(len(xaxis.labels))
        s = _stride(len(idx), max_ticks, (1, 2, 3, 4, 5, 6, 10, 12, 20, 25, 50, 100))
        ax.xaxis.set_major_locator(ticker.FixedLocator(idx[::s]))
        ax.xaxis.set_major_formatter(ticker.FixedFormatter([xaxis.labels[i] for i in idx[::s]]))
        # make the tick labels now, under the drawing's settings (no mathtext for user labels), not at draw time
        ax.xaxis.get_major_ticks(len(idx[::s]))
        if max((len(lab) for lab in xaxis.labels), default=0) * min(len(idx[::s]), max_ticks) > 60:
            ax.tick_params(axis="x", labelrotation=30)
            for lab in ax.get_xticklabels():
                lab.set_horizontalalignment("right")
            return True
        return False
    if xaxis.kind == "numeric":
        integer = bool(u.size) and bool(np.all(u == np.round(u)))
        ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=max_ticks, integer=integer, min_n_ticks=2))
        return False
    # dates
    from matplotlib import dates as mdates

    freq = _frequency(median_step_days(u))
    if u.size == 0:
        return False
    if u.size == 1:  # one date: one tick, the date itself
        ax.xaxis.set_major_locator(ticker.FixedLocator(u))
        ax.xaxis.set_major_formatter(date_formatter("daily"))
        return False
    if freq in ("monthly", "quarterly", "yearly"):
        month_index = _month_index(u)
        per = {"monthly": 1, "quarterly": 3, "yearly": 12}[freq]
        count = int((month_index[-1] - month_index[0]) // per + 1)
        s = _stride(count, max_ticks, (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)) * per
        keep = (month_index % s) == 0
        if keep.sum() < 2:
            keep = ((month_index - month_index[0]) % s) == 0
        ticks = u[keep]
        ax.xaxis.set_major_locator(ticker.FixedLocator(ticks))
        ax.xaxis.set_major_formatter(date_formatter("yearly" if s % 12 == 0 else freq))
        return False
    if freq in ("weekly", "daily"):
        per = 7 if freq == "weekly" else 1
        count = int(round((u[-1] - u[0]) / per)) + 1
        steps = (1, 2, 4, 8, 13, 26, 52, 104) if freq == "weekly" else (1, 2, 7, 14, 28, 56, 91, 182, 364)
        s = _stride(count, max_ticks, steps)
        k = np.round((u - u[0]) / per).astype(np.int64)
        ticks = u[(k % s) == 0]
        ax.xaxis.set_major_locator(ticker.FixedLocator(ticks))
        ax.xaxis.set_major_formatter(date_formatter(freq))
        return False
    locator = _QuietAutoDateLocator(minticks=3, maxticks=max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return False


def x_margin(xnum: np.ndarray) -> float:
    """Space left and right of the first and last point: half a step, at least 1.5% of the span."""
    u = np.unique(xnum[np.isfinite(xnum)])
    if u.size == 0:
        return 1.0
    if u.size == 1:
        return 1.0
    span = float(u[-1] - u[0])
    step = float(np.median(np.diff(u)))
    return max(0.6 * step, 0.015 * span)
