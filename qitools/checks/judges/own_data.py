"""Judge of a table read from a messy export (exercise 12): rows, numbers as numbers, dates as dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..answers import _is_blank, _kind
from ..verdict import Verdict, _BadAnswer, _right, _unanswered, _wrong

__all__: list[str] = []


def _judge_tidy_table(answer: Any, *, rows: int, numeric: Sequence[str] = (), dates: Sequence[str] = ()) -> Verdict:
    if _is_blank(answer):
        return _unanswered()
    if not hasattr(answer, "columns") or not hasattr(answer, "dtypes"):
        raise _BadAnswer(f"Expected a table (a pandas DataFrame), got {_kind(answer)}.")
    missing = [c for c in [*numeric, *dates] if c not in answer.columns]
    if missing:
        return _wrong(f"Columns not found: {', '.join(missing)}. Check the column names (df.columns).")
    mistake, problems = None, []
    text_cols = [c for c in numeric if answer[c].dtype.kind not in "fiu"]
    if text_cols:
        mistake = "text_numbers"
        problems.append(f"Not numbers: {', '.join(text_cols)}.")
    bad_dates = [c for c in dates if answer[c].dtype.kind != "M"]
    if bad_dates:
        problems.append(f"Not dates: {', '.join(bad_dates)} (they should show as datetime64).")
    if len(answer) == rows + 1:
        mistake = mistake or "total_row_kept"
        problems.append("There is one row too many.")
    elif len(answer) != rows:
        problems.append(f"The table has {len(answer)} rows; the export has {rows} months.")
    if not problems:
        return _right("Numbers as numbers, dates as dates, one row per month.")
    return _wrong(" ".join(problems), mistake=mistake)
