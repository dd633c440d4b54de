"""Reading learners' answers: numbers, lists, labels, dates and chart names, compared with tolerance.

Learners answer with ints, floats, numpy scalars and arrays, pandas Series, lists, tuples or text.
These helpers turn an answer into plain Python values, or raise ``_BadAnswer`` with a message that
says what was expected ("Expected a number, got text ('8.2'): remove the quotes."). ``_close``
accepts an answer equal within a relative tolerance or rounded to three or more significant
figures. ``_call`` runs a learner's function and turns any exception it raises into a
``_BadAnswer`` that names it. Pure Python (no numpy), so the checks also run in JupyterLite.
"""

from __future__ import annotations

import datetime as _dt
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .verdict import _BadAnswer

__all__: list[str] = []


def _is_blank(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _number(value: Any, what: str = "a number") -> float:
    """A float from a learner's value (int, float, numpy scalar); _BadAnswer otherwise."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise _BadAnswer(f"Expected {what}, got {_kind(value)}.")
    if isinstance(value, str):
        raise _BadAnswer(f"Expected {what}, got text ({value!r}): remove the quotes.")
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "__float__") and getattr(value, "ndim", 0) == 0 and not isinstance(value, (list, tuple)):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise _BadAnswer(f"Expected {what}, got {_kind(value)}.")


def _numbers(values: Any, what: str = "a list of numbers") -> list[float]:
    """A list of floats from a list, tuple, range, numpy array or pandas Series."""
    if isinstance(values, (str, bytes, Mapping)) or values is None or values is Ellipsis:
        raise _BadAnswer(f"Expected {what}, got {_kind(values)}.")
    if hasattr(values, "tolist") and not isinstance(values, (list, tuple)):
        values = values.tolist()
    if not isinstance(values, Iterable):
        raise _BadAnswer(f"Expected {what}, got {_kind(values)}.")
    out = []
    for v in values:
        if v is None:
            out.append(math.nan)
            continue
        out.append(_number(v, "numbers only in the list"))
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "None (nothing)"
    if value is Ellipsis:
        return "... (no answer yet)"
    if isinstance(value, bool):
        return f"True/False ({value})"
    if isinstance(value, str):
        return "text"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _int_answer(value: Any, what: str = "a whole number") -> int:
    x = _number(value, what)
    if not math.isfinite(x) or x != int(x):
        raise _BadAnswer(f"Expected {what}, got {value!r}.")
    return int(x)


def _rounded_equal(answer: float, expected: float) -> bool:
    """The answer equals the expected value rounded to 3+ significant figures."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return False
    for k in range(0, 10):
        if 0.5 * 10.0**-k <= 0.005 * abs(expected) and answer == round(expected, k):
            return True
    return False


def _close(answer: float, expected: float, rel: float = 1e-6) -> bool:
    """Equal within a relative tolerance, or the expected value rounded (for typed answers)."""
    if math.isnan(expected) or math.isnan(answer):
        return math.isnan(expected) and math.isnan(answer)
    if math.isclose(answer, expected, rel_tol=rel, abs_tol=1e-9):
        return True
    return _rounded_equal(answer, expected)


def _all_close(answer: Sequence[float], expected: Sequence[float], rel: float = 1e-6) -> bool:
    return len(answer) == len(expected) and all(_close(a, e, rel) for a, e in zip(answer, expected, strict=False))


def _call(fn: Any, *args: Any) -> Any:
    """Call a learner's function; an exception becomes a _BadAnswer naming it."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - any learner error is reported, not raised
        raise _BadAnswer(f"Your function stopped with {type(exc).__name__}: {exc}".rstrip(": ")) from None


def _calls(fn: Any, cases: Sequence[tuple[Any, ...]], convert: Callable[[Any], Any]) -> list[Any]:
    """Results of fn on each case (converted), _BadAnswer on the first failure."""
    out = []
    for args in cases:
        result = _call(fn, *[list(a) if isinstance(a, list) else a for a in args])
        out.append(convert(result))
    return out


def _check_callable(fn: Any, name: str) -> None:
    if not callable(fn):
        raise _BadAnswer(f"Expected a function ({name}), got {_kind(fn)}.")


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _isnan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _label_list(answer: Any) -> list[Any]:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable) or isinstance(answer, Mapping):
        raise _BadAnswer(f"Expected a list of labels, got {_kind(answer)}.")
    if hasattr(answer, "tolist"):
        answer = answer.tolist()
    return list(answer)


def _norm_label(label: Any) -> str:
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    if hasattr(label, "isoformat") and not isinstance(label, str):
        label = label.isoformat()[:10]
    return str(label).strip().lower()


def _parse_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    return _dt.date.fromisoformat(str(value)[:10])


def _days(value: Any) -> float:
    if hasattr(value, "days") and not isinstance(value, (int, float)):
        return float(value.days)
    if hasattr(value, "astype") and "timedelta" in str(getattr(value, "dtype", "")):
        return float(value.astype("timedelta64[D]").astype(int))
    return _number(value, "numbers of days")


def _chart_name(obj: Any) -> str:
    aliases = {"xmr": "i", "p_prime": "pp", "u_prime": "up", "x": "i", "imr": "i"}
    name = getattr(obj, "chart", obj)
    if not isinstance(name, str):
        raise _BadAnswer(f"Expected a chart result or a chart name such as 'p', got {_kind(obj)}.")
    name = name.strip().lower().replace(" chart", "").replace("-", "_")
    return aliases.get(name, name)
