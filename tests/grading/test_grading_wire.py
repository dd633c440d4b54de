"""What crosses from the learner's process: data only, judged the same as the objects it stands for.

No processes here: values are encoded (the learner's side) and decoded (the coach's side) in this
process, and the judges of qitools.checks must give the same verdict on both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import checks
from qitools.checks.answers import _kind
from qitools.grading._wire import MAX_ITEMS, Opaque, TooBig, decode, encode, safe_name

matplotlib.use("Agg")


def roundtrip(value, **kw):
    """encode -> JSON text -> decode, as over the channel."""
    return decode(json.loads(json.dumps(encode(value, **kw), allow_nan=True)))


class TestPlainValues:
    @pytest.mark.parametrize(
        "value",
        [None, True, 3, -2.5, "b", "", [1, 2.0, "x"], (0.5, 0.25), {"cl": 1.0, "lcl": 0.0}, {3: "x", "a": [None]},
         {1, 2}, dt.date(2024, 2, 29), dt.datetime(2024, 1, 2, 3, 4), dt.timedelta(days=3)],  # fmt: skip
    )
    def test_comes_back_as_itself(self, value):
        back = roundtrip(value)
        assert back == value and type(back) is type(value)

    def test_the_blank_answer_and_nan(self):
        assert roundtrip(...) is Ellipsis
        assert math.isnan(roundtrip(float("nan"))) and roundtrip(float("inf")) == math.inf

    def test_numpy_and_pandas_become_python_values(self):
        assert roundtrip(np.float64(8.25)) == 8.25 and type(roundtrip(np.int64(3))) is int
        assert roundtrip(np.bool_(True)) is True
        assert roundtrip(np.array([1.5, 2.5])) == [1.5, 2.5]
        assert roundtrip(pd.Series([1, 2], name="x")).tolist() == [1, 2]
        assert roundtrip(pd.Timestamp("2024-03-01")) == dt.datetime(2024, 3, 1)
        assert roundtrip(np.timedelta64(2, "D")) == dt.timedelta(days=2)
        assert roundtrip(pd.Timedelta(days=1)) == dt.timedelta(days=1)

    def test_an_array_keeps_its_type_name_for_messages(self):
        assert _kind(roundtrip(np.array([1, 2]))) == "a ndarray"

    def test_other_objects_only_say_their_type(self):
        class Secret:
            def __repr__(self):
                return "the answer is 42"

        back = roundtrip(Secret())
        assert isinstance(back, Opaque) and "42" not in repr(back) and _kind(back) == "a Secret"
        assert isinstance(roundtrip(print), Opaque)  # a function inside a value: only its type
        marker = roundtrip(print, function_ok=True)  # a variable that is a function: the coach asks for calls
        assert isinstance(marker, Opaque) and _kind(marker) == "a function"

    def test_too_big(self):
        with pytest.raises(TooBig):
            encode(list(range(MAX_ITEMS + 10)))
        nested: list = []
        for _ in range(100):
            nested = [nested]
        with pytest.raises(TooBig):
            encode(nested)
        assert len(roundtrip("x" * 50_000)) == 20_000

    def test_safe_name(self):
        assert safe_name("ZeroDivisionError") == "ZeroDivisionError"
        assert safe_name("=cmd|'/c calc'!A1") == "object" and safe_name(None, "x") == "x"


class TestHostileData:
    """Whatever the learner's side sends, decoding gives a value or an opaque object, never an error."""

    @pytest.mark.parametrize(
        "data",
        [
            {"__qitools__": "table", "columns": ["a"], "dtypes": ["int64"], "rows": 2, "values": [[1]]},
            {"__qitools__": "table", "columns": ["a"], "dtypes": ["no such dtype"], "rows": 1, "values": [["x"]]},
            {"__qitools__": "chart"},
            {"__qitools__": "axes", "lines": "nope"},
            {"__qitools__": "date", "iso": "yesterday"},
            {"__qitools__": "dict", "items": [[1]]},
            {"__qitools__": "unknown"},
            {"no": "tag"},
            {"__qitools__": "object", "type": "<script>"},
        ],
    )
    def test_malformed(self, data):
        back = decode(data)
        assert isinstance(back, Opaque) or back is not None

    def test_an_unknown_dtype_falls_back_to_text(self):
        back = decode({"__qitools__": "table", "columns": ["a"], "dtypes": ["weird[dtype]"], "rows": 1,
                       "values": [["x"]]})  # fmt: skip
        assert back["a"].tolist() == ["x"]

    def test_deep_nesting(self):
        data: object = 1
        for _ in range(500):
            data = [data]
        assert decode(data) is not None


class TestSameVerdicts:
    """The judges give the same verdict on the decoded value as on the learner's object."""

    def test_tables(self):
        df = pd.DataFrame({"Month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "Falls": ["3", "1,204"],
                           "Bed days": [1240.0, float("nan")], "n": [1, 2]})  # fmt: skip
        back = roundtrip(df)
        assert {c: back[c].dtype.kind for c in back} == {c: df[c].dtype.kind for c in df}
        kw = {"rows": 2, "numeric": ["Falls", "Bed days", "n"], "dates": ["Month"]}
        assert checks.judge("tidy_table", back, **kw) == checks.judge("tidy_table", df, **kw)
        assert checks.judge("tidy_table", roundtrip(df.iloc[:1]), **kw) == checks.judge("tidy_table", df.iloc[:1], **kw)

    @pytest.mark.filterwarnings("ignore::qitools.QIToolsWarning")
    def test_chart_results(self):
        rc = qi.run_chart(y=[5, 7, 6, 8, 5, 6, 9, 4, 3, 4, 3, 2], freeze=6)
        for chart, n, base in (("run", 12, 6), ("run", 12, 12), ("i", 12, 6)):
            kw = {"chart": chart, "n_points": n, "baseline": base}
            assert checks.judge("baseline_chart", roundtrip(rc), **kw) == checks.judge("baseline_chart", rc, **kw)
        cc = qi.control_chart(y=[5, 7, 6, 8], n=[900, 1000, 950, 1020], chart="u", multiply=1000)
        for per in (1000, 100, None):
            kw = {"qid": "6.3", "per": per}
            key = checks.make_key("6.3", "u")
            assert checks.judge("chart_type", roundtrip(cc), key, **kw) == checks.judge("chart_type", cc, key, **kw)
        assert len(roundtrip(cc).data) == 4

    def test_axes(self):
        import matplotlib.pyplot as plt

        data = [5.0, 7.0, 6.0, 8.0]
        for draw in ("right", "mean", "sorted", "nothing"):
            fig, ax = plt.subplots()
            if draw != "nothing":
                ax.plot(range(4), sorted(data) if draw == "sorted" else data)
                ax.axhline(6.5 if draw != "mean" else 6.5 + 0.01)
                ax.annotate("change", (2, 6.0))
            assert checks.judge("run_chart_drawing", roundtrip(ax), data) == checks.judge("run_chart_drawing", ax, data)
            for at in (2, 3):  # where the change is marked: the annotation points at x = 2
                kw = {"at": at}
                assert checks.judge("run_chart_drawing", roundtrip(ax), data, **kw) == checks.judge(
                    "run_chart_drawing", ax, data, **kw
                )
            plt.close(fig)

    def test_axes_of_a_qitools_chart_with_an_annotation(self):
        import matplotlib.pyplot as plt

        data = [7.9, 8.6, 7.2, 9.1, 8.2, 7.6, 8.8, 7.4, 8.2, 9.9, 7.8, 8.5, 6.1, 5.4, 6.6, 5.2]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rc = qi.run_chart(x=list(range(1, 17)), y=data, freeze=12)
        ax = rc.plot(annotations=[{"x": 13, "label": "Bundle starts"}])
        for at in (13, 15):
            kw = {"baseline": 12, "at": at}
            got = checks.judge("run_chart_drawing", roundtrip(ax), data, **kw)
            assert got == checks.judge("run_chart_drawing", ax, data, **kw)
            assert got.status == ("right" if at == 13 else "wrong")
        plt.close("all")

    def test_text_positions_from_the_learner_are_only_numbers(self):
        sent = {"__qitools__": "axes", "lines": [], "collections": 0, "texts": 2, "text_at": [["x", None], [3, True]]}
        ax = decode(sent)
        assert [t.get_position()[0] for t in ax.texts] == [None, 3.0]
        assert not hasattr(ax.texts[1], "xy")
        old = decode({"__qitools__": "axes", "lines": [], "collections": 0, "texts": 1})  # no positions sent
        assert len(ax.texts) == 2 and old.texts[0].get_position() == (None, 0.0)

    def test_values_and_lists(self):
        for answer in (8.2, np.float64(8.2), "8.2", [8.2], ..., None):
            assert checks.judge("median", roundtrip(answer), [8.1, 8.3, 7.0, 9.5]) == checks.judge(
                "median", answer, [8.1, 8.3, 7.0, 9.5]
            )
        for answer in (["w4"], np.array(["w4"]), pd.Series(["w4"]), [3], "w4"):
            args = (["w1", "w2", "w3", "w4"], [5, 6, 5, 9])
            assert checks.judge("points_outside", roundtrip(answer), *args, limits=(4, 8)) == checks.judge(
                "points_outside", answer, *args, limits=(4, 8)
            )


@pytest.mark.parametrize("field", ["collections", "texts"])
def test_counts_claimed_by_the_learner_side_are_bounded(field):
    """The learner's side says how many collections and texts an Axes has; a forged count of a
    billion must not make the coach's process build a billion-item list (8 GB, minutes)."""
    data = {"__qitools__": "axes", "lines": [], "collections": 0, "texts": 0, "text_at": []}
    data[field] = 10**9
    got = decode(data)
    assert isinstance(got, Opaque)
    data[field] = 3  # an honest count still arrives
    if field == "texts":
        data["text_at"] = [[1.0, None]] * 3
    assert len(getattr(decode(data), field)) == 3


def test_a_table_cannot_claim_rows_it_does_not_send():
    """A table with no columns and a forged number of rows is not a table (judges would loop over it)."""
    got = decode({"__qitools__": "table", "columns": [], "dtypes": [], "rows": 10**12, "values": []})
    assert isinstance(got, Opaque)
