"""What crosses between the learner's process and the coach's: JSON-like data, never pickle.

The learner's side (:mod:`qitools.grading._learner`) turns an answer into plain JSON values with
:func:`encode`; the coach's side turns them back with :func:`decode`. Numbers, text, booleans,
``None`` and ``...``, lists, tuples, sets, dicts, dates and time spans come back as themselves;
numpy and pandas values as plain Python ones (an array as a list, a table as a pandas DataFrame
rebuilt from its columns and dtypes); a chart result as a small object with ``chart``, ``params``,
``data`` and ``summary``; a matplotlib Axes as an object with the y values of its lines and the
number of its texts. Anything else arrives as an opaque object that only says its type's name.

The coach's side trusts nothing: a tagged value (a JSON object, ``{"__qitools__": kind, ...}``)
that is malformed becomes an opaque object, names are checked, and sizes are bounded on both
sides. Only stdlib at import; pandas is imported when a table is decoded.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["encode", "decode", "TooBig", "Opaque", "ChartAnswer", "AxesAnswer", "safe_name"]

TAG = "__qitools__"
#: most values (numbers, strings, ...) one answer may hold
MAX_ITEMS = 250_000
#: longest text kept in one string (characters)
MAX_TEXT = 20_000
MAX_DEPTH = 40

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")


class TooBig(Exception):
    """An answer too big (or too deeply nested) to send."""


def safe_name(value: Any, default: str = "object") -> str:
    """A type or error name from the learner's side, if it looks like one (letters, digits, _ and .)."""
    return value if isinstance(value, str) and _NAME.fullmatch(value) else default


# ------------------------------------------------------------------------------------------------
# Learner's side: encode
# ------------------------------------------------------------------------------------------------


class _Budget:
    def __init__(self, items: int = MAX_ITEMS):
        self.left = items

    def take(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise TooBig


def encode(value: Any, *, function_ok: bool = False, budget: _Budget | None = None, depth: int = 0) -> Any:
    """JSON-ready data for one of the learner's values (raises :class:`TooBig` when too big).

    ``function_ok``: a callable is sent as a function marker (the coach then asks for calls by
    the variable's name); deeper inside a value it is only an opaque object.

    Examples
    --------
    >>> from qitools.grading._wire import decode, encode
    >>> encode((1, 2.5, "b", ..., None))
    {'__qitools__': 'tuple', 'items': [1, 2.5, 'b', {'__qitools__': 'ellipsis'}, None]}
    >>> decode(encode({"cl": 3.0, 7: [True]}))
    {'cl': 3.0, 7: [True]}
    """
    budget = budget or _Budget()
    budget.take()
    if depth > MAX_DEPTH:
        raise TooBig
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        budget.take(len(value) // 100)
        return value if len(value) <= MAX_TEXT else {TAG: "text", "text": value[:MAX_TEXT], "cut": len(value)}
    if value is Ellipsis:
        return {TAG: "ellipsis"}
    if isinstance(value, _dt.datetime):
        return {TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, _dt.date):
        return {TAG: "date", "iso": value.isoformat()}
    if isinstance(value, _dt.timedelta):
        return {TAG: "timedelta", "seconds": value.total_seconds()}
    nested = {"budget": budget, "depth": depth + 1}
    kind = type(value).__name__
    module = type(value).__module__ or ""
    if module.startswith("numpy") and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return _encode_numpy_scalar(value, nested)
    if module.startswith("pandas") and kind in ("Timestamp", "Timedelta", "NaTType"):
        if kind == "NaTType":
            return None
        return encode(value.to_pytimedelta() if kind == "Timedelta" else value.to_pydatetime(), **nested)
    if isinstance(value, (list, tuple, range, set, frozenset)) and kind in (
        "list", "tuple", "range", "set", "frozenset"
    ):  # fmt: skip
        items = [encode(v, **nested) for v in value]
        if isinstance(value, (list, range)):
            return items
        return {TAG: "tuple" if isinstance(value, tuple) else "set", "items": items}
    if isinstance(value, Mapping) and kind in ("dict", "OrderedDict", "defaultdict"):
        return {TAG: "dict", "items": [[encode(k, **nested), encode(v, **nested)] for k, v in value.items()]}
    if hasattr(value, "get_lines") and hasattr(value, "texts") and hasattr(value, "collections"):
        return _encode_axes(value, budget)
    if hasattr(value, "chart") and hasattr(getattr(value, "data", None), "columns"):
        return _encode_chart(value, nested)
    if hasattr(value, "columns") and hasattr(value, "dtypes") and hasattr(value, "iloc"):
        return _encode_table(value, budget)
    if module.startswith(("numpy", "pandas")) and hasattr(value, "tolist"):  # arrays, Series, Index
        items = value.tolist()
        budget.take(len(items))
        return {TAG: "array", "type": kind, "items": [encode(v, **nested) for v in items]}
    if callable(value) and function_ok:
        return {TAG: "function"}
    return {TAG: "object", "type": safe_name(kind)}


def _encode_numpy_scalar(value: Any, nested: dict[str, Any]) -> Any:
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    if kind == "M":
        if value != value:  # NaT
            return None
        return encode(value.astype("datetime64[us]").item(), **nested)
    if kind == "m":
        if value != value:
            return None
        return encode(value.astype("timedelta64[us]").item(), **nested)
    return encode(value.item(), **nested)


def _float_list(values: Any) -> list[float]:
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        return []


def _float_or_none(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _encode_axes(ax: Any, budget: _Budget) -> dict[str, Any]:
    lines = []
    for line in list(ax.get_lines()):
        ys = _float_list(line.get_ydata())
        budget.take(len(ys))
        lines.append(ys)
    # where each text is written (x of its position) and, for an annotation, the x it points at
    text_at = []
    for text in list(ax.texts):
        budget.take(2)
        xy = getattr(text, "xy", None)
        text_at.append([_float_or_none(text.get_position()[0]), _float_or_none(xy[0]) if xy is not None else None])
    return {TAG: "axes", "lines": lines, "collections": len(ax.collections), "texts": len(ax.texts), "text_at": text_at}


def _encode_chart(result: Any, nested: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {TAG: "chart", "type": safe_name(type(result).__name__)}
    out["chart"] = encode(getattr(result, "chart", None), **nested)
    params = getattr(result, "params", None)
    out["params"] = encode(dict(params), **nested) if isinstance(params, Mapping) else None
    for name in ("data", "summary", "icons"):
        try:
            table = getattr(result, name, None)
        except Exception:  # noqa: BLE001 - e.g. icons of a chart without a direction
            table = None
        if table is not None and hasattr(table, "columns") and hasattr(table, "dtypes"):
            out[name] = _encode_table(table, nested["budget"])
    return out


def _encode_table(df: Any, budget: _Budget) -> dict[str, Any]:
    n_rows, n_cols = df.shape
    budget.take(n_rows * max(n_cols, 1))
    columns, dtypes, values = [], [], []
    for i in range(n_cols):
        column = df.iloc[:, i]
        columns.append(encode(df.columns[i], budget=budget))
        dtype = str(column.dtype)
        dtypes.append(dtype)
        kind = column.dtype.kind
        if kind == "M":
            items = [None if v is None or v != v else v.isoformat() for v in column.astype(object).tolist()]
        elif kind == "m":
            items = [None if v != v else v.total_seconds() for v in column.astype(object).tolist()]
        else:
            items = [encode(v, budget=budget, depth=2) for v in column.tolist()]
        values.append(items)
    return {TAG: "table", "columns": columns, "dtypes": dtypes, "rows": int(n_rows), "values": values}


# ------------------------------------------------------------------------------------------------
# Coach's side: decode (nothing here runs learner code: the data is only read)
# ------------------------------------------------------------------------------------------------


class Opaque:
    """A learner's value of a kind that cannot cross (its type's name only)."""

    type_name = "object"

    def __repr__(self) -> str:
        return f"<{self.type_name} from the learner's notebook>"


def _opaque(type_name: str) -> Opaque:
    cls = type(safe_name(type_name), (Opaque,), {"type_name": safe_name(type_name)})
    return cls()


class _Line:
    def __init__(self, ys: list[float]):
        self._ys = ys

    def get_ydata(self) -> list[float]:
        return list(self._ys)


def _text_at(place: Any) -> tuple[float | None, float | None]:
    """(x, xy_x) from the learner's side, numbers or None (anything else is dropped)."""
    if not isinstance(place, list) or len(place) != 2:
        return None, None
    out = [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in place]
    return out[0], out[1]


class _Text:
    """A text of an Axes as seen by the checks: the x where it is written, and where an arrow points."""

    def __init__(self, x: float | None, xy_x: float | None):
        self._x = x
        if xy_x is not None:
            self.xy = (xy_x, 0.0)

    def get_position(self) -> tuple[float | None, float]:
        return (self._x, 0.0)


class AxesAnswer:
    """A matplotlib Axes as seen by the checks: its lines' y values, how many collections and texts
    (and where each text is: the x of its position, and of the point an annotation points at)."""

    def __init__(self, lines: list[list[float]], collections: int, texts: int, text_at: Any = None):
        self._lines = [_Line(ys) for ys in lines]
        self.collections = [None] * collections
        at = list(text_at) if isinstance(text_at, list) and len(text_at) == texts else [None] * texts
        self.texts = [_Text(*_text_at(place)) for place in at]

    def get_lines(self) -> list[_Line]:
        return list(self._lines)

    def __repr__(self) -> str:
        return f"<Axes with {len(self._lines)} lines and {len(self.texts)} texts>"


class ChartAnswer:
    """A chart result as seen by the checks: ``chart``, ``params``, ``data``, ``summary``, ``icons``."""

    def __init__(self, chart: Any, params: Any, data: Any, summary: Any = None, icons: Any = None):
        self.chart = chart
        self.params = params
        self.data = data
        self.summary = summary
        self.icons = icons

    def __repr__(self) -> str:
        return f"<chart result: {self.chart!r}, {len(self.data)} points>"


def decode(data: Any, *, function: Callable[[], Any] | None = None, depth: int = 0) -> Any:
    """The value sent by :func:`encode` (``function()`` makes the stand-in of a learner's function)."""
    if depth > MAX_DEPTH + 5:
        return _opaque("object")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, depth=depth + 1) for v in data]
    if not isinstance(data, dict):
        return _opaque("object")
    try:
        return _decode_tagged(data, function, depth)
    except Exception:  # noqa: BLE001 - malformed data from the learner's side
        return _opaque("object")


def _decode_tagged(data: dict[str, Any], function: Callable[[], Any] | None, depth: int) -> Any:
    tag = data.get(TAG)
    sub = {"depth": depth + 1}
    if tag == "ellipsis":
        return Ellipsis
    if tag == "text":
        return str(data["text"])
    if tag == "tuple":
        return tuple(decode(v, **sub) for v in data["items"])
    if tag == "set":
        items = [decode(v, **sub) for v in data["items"]]
        return set(items) if all(isinstance(v, (str, int, float, bool, tuple, type(None))) for v in items) else items
    if tag == "dict":
        out = {}
        for key, value in data["items"]:
            k = decode(key, **sub)
            out[k if isinstance(k, (str, int, float, bool, tuple, type(None))) else repr(k)] = decode(value, **sub)
        return out
    if tag == "date":
        return _dt.date.fromisoformat(str(data["iso"])[:10])
    if tag == "datetime":
        return _dt.datetime.fromisoformat(str(data["iso"])[:40])
    if tag == "timedelta":
        return _dt.timedelta(seconds=float(data["seconds"]))
    if tag == "array":
        cls = type(safe_name(data.get("type"), "array"), (list,), {"tolist": lambda self: list(self)})
        return cls(decode(v, **sub) for v in data["items"])
    if tag == "function":
        return function() if function is not None else _opaque("function")
    if tag == "axes":
        lines = [[float(v) for v in line] for line in data["lines"]]
        collections, texts = _count(data["collections"]), _count(data["texts"])
        return AxesAnswer(lines, collections, texts, data.get("text_at"))
    if tag == "table":
        return _decode_table(data)
    if tag == "chart":
        tables = {
            k: _decode_table(data[k]) if isinstance(data.get(k), dict) else None for k in ("data", "summary", "icons")
        }
        if tables["data"] is None:
            return _opaque(data.get("type", "object"))
        params = decode(data.get("params"), **sub)
        chart = type(safe_name(data.get("type"), "ControlChart"), (ChartAnswer,), {})
        return chart(decode(data.get("chart"), **sub), params if isinstance(params, dict) else None, **tables)
    if tag == "object":
        return _opaque(str(data.get("type", "object")))
    return _opaque("object")


def _count(value: Any) -> int:
    """A count sent by the learner's side, at most MAX_ITEMS (the most its side ever sends)."""
    n = int(value)
    if not 0 <= n <= MAX_ITEMS:
        raise ValueError("a count the learner's side cannot have sent")
    return n


def _decode_table(data: dict[str, Any]) -> Any:
    import pandas as pd

    columns = [decode(c, depth=2) for c in data["columns"]]
    n_rows = _count(data["rows"]) if not columns else int(data["rows"])
    series = []
    for values, dtype_name in zip(data["values"], data["dtypes"], strict=True):
        if len(values) != n_rows:
            raise ValueError("column length")
        series.append(_series(pd, values, str(dtype_name)))
    frame = pd.concat(series, axis=1) if series else pd.DataFrame(index=range(n_rows))
    frame.columns = [c if isinstance(c, (str, int, float, bool)) else repr(c) for c in columns]
    return frame


def _series(pd: Any, values: list[Any], dtype_name: str) -> Any:
    try:
        dtype = pd.api.types.pandas_dtype(dtype_name)
    except (TypeError, ValueError, ImportError):
        dtype = None
    kind = getattr(dtype, "kind", "O")
    try:
        if kind == "M":
            stamps = pd.to_datetime(pd.Series(values, dtype=object), utc="UTC" in dtype_name or "+" in dtype_name)
            return stamps if str(stamps.dtype) == dtype_name else stamps.astype(dtype)
        if kind == "m":
            return pd.to_timedelta(pd.Series([math.nan if v is None else v for v in values], dtype=float), unit="s")
        plain = [decode(v, depth=3) for v in values]
        return pd.Series(plain, dtype=dtype) if dtype is not None else pd.Series(plain, dtype=object)
    except (TypeError, ValueError, OverflowError):
        return pd.Series([decode(v, depth=3) for v in values], dtype=object)
