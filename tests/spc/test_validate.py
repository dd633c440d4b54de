"""The validation layer (issue 22): every reproduction of the issue, and every input shape it names.

Each test asserts a qitools error (or warning) and that its message says what was wrong (the
argument, column or rows), why it matters, and how to fix it. The property-based fuzzing of every
public function is in tests/test_fuzz_public_api.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from decimal import Decimal

import matplotlib
import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import DataChangedWarning, DataQualityWarning, QITypeError, QIValueError
from qitools.spc import validate as v

matplotlib.use("Agg")

pytestmark = [
    pytest.mark.filterwarnings("ignore::qitools.TooFewPointsWarning"),
    pytest.mark.filterwarnings("ignore:The rows were not in time order:qitools.DataChangedWarning"),
]

UTC = dt.timezone.utc
LONDON = dt.timezone(dt.timedelta(hours=1), "BST")
NEW_YORK = dt.timezone(dt.timedelta(hours=-5), "EST")


def says(message: str, *parts: str) -> None:
    """Every part (a regular expression) is in the message: what, why, how."""
    for part in parts:
        assert re.search(part, message), f"{part!r} not in: {message}"


def monthly(n: int, start: str = "2024-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def draw(obj) -> None:
    """Draw to pixels: text (and mathtext) is laid out only then."""
    fig = obj if hasattr(obj, "savefig") else obj.figure
    fig.canvas.draw()


# =============================================================================================
# the two silent wrong answers


class TestDatesPast2262:
    """Issue 22, silent answer 1: a typed 3024 must not become 1855, nor be charted first."""

    def x(self) -> pd.Series:
        return pd.Series(np.array(["2024-01-01", "2024-02-01", "3024-12-01", "2024-03-01", "2024-04-01"],
                                  dtype="datetime64[us]"))

    def test_the_resolution_is_kept_and_the_typo_sorts_last_with_a_warning_naming_the_row(self):
        with pytest.warns(DataQualityWarning) as caught:
            cc = qi.control_chart(x=self.x(), y=[1.0, 2, 3, 4, 5], chart="i")
        assert cc.data["x"].dtype == "datetime64[us]"
        assert cc.data["x"].iloc[-1] == pd.Timestamp("3024-12-01")
        assert list(cc.data["y"]) == [1.0, 2, 4, 5, 3]
        far = next(str(w.message) for w in caught if issubclass(w.category, DataQualityWarning))
        says(far, r"1 date far from the others in row 2", r"1 Dec 3024", r"Jan 2024 to Apr 2024",
             r"typing error in the year", r"correct it")

    @pytest.mark.parametrize("unit", ["s", "ms", "us"])
    def test_every_resolution_keeps_the_date(self, unit):
        x = pd.Series(np.array(["2024-01-01", "2024-02-01", "2024-03-01", "2224-04-01"], dtype=f"datetime64[{unit}]"))
        with pytest.warns(DataQualityWarning, match="row 3"):
            cc = qi.control_chart(x=x, y=[1.0, 2, 3, 4], chart="run")
        assert cc.data["x"].dt.year.tolist() == [2024, 2024, 2024, 2224]

    def test_object_datetimes_past_2262(self):
        x = pd.Series([dt.datetime(2024, m, 1) for m in range(1, 6)] + [dt.datetime(3024, 6, 1)], dtype=object)
        with pytest.warns(DataQualityWarning, match="row 5"):
            cc = qi.control_chart(x=x, y=np.arange(6.0), chart="i")
        assert cc.data["x"].iloc[-1] == pd.Timestamp("3024-06-01")

    def test_exclude_and_freeze_take_a_date_past_2262(self):
        with pytest.warns(DataQualityWarning):
            cc = qi.control_chart(x=self.x(), y=[1.0, 2, 3, 4, 5], chart="i", exclude=["3024-12-01"],
                                  freeze=pd.Timestamp("2024-03-01"))
        assert not cc.data["include"].iloc[-1]
        assert cc.data["baseline"].tolist() == [True, True, True, False, False]

    def test_read_measure_then_chart(self):
        csv = "Month,Falls\n01/01/2024,3\n01/02/2024,4\n01/12/3024,5\n01/03/2024,2\n01/04/2024,6\n"
        with pytest.warns(DataChangedWarning, match=r"far from the others"):
            df = qi.read_measure(io.StringIO(csv))
        assert df["Month"].iloc[2] == pd.Timestamp("3024-12-01")
        with pytest.warns(DataQualityWarning, match="row 2"):
            cc = qi.control_chart(df, x="Month", y="Falls", chart="i")
        assert cc.data["x"].iloc[-1].year == 3024

    def test_a_long_regular_series_has_no_far_dates(self):
        assert not v.far_dates(np.array(pd.date_range("1990-01-01", "2024-12-01", freq="MS"))).any()
        assert not v.far_dates(np.array(pd.date_range("2024-01-01", periods=3, freq="YS"))).any()

    def test_far_dates_needs_three_dates_and_finds_a_lone_one_at_either_end(self):
        d = np.array(["1024-01-01", "2024-01-01", "2024-02-01", "2024-03-01"], dtype="datetime64[us]")
        assert v.far_dates(d).tolist() == [True, False, False, False]
        assert not v.far_dates(d[:2]).any()


class TestInfinity:
    """Issue 22, silent answer 2: inf (0 bed days) was dropped silently; now it is refused, naming the rows."""

    def falls(self) -> pd.DataFrame:
        bed_days = np.array([1480.0, 1512, 0, 1490, 1500, 1475])
        falls = np.array([3.0, 5, 2, 4, 6, 3])
        with np.errstate(divide="ignore"):
            rate = falls / bed_days * 1000
        return pd.DataFrame({"month": monthly(6), "falls": falls, "bed_days": bed_days, "rate": rate})

    @pytest.mark.parametrize("function", [qi.control_chart, qi.run_chart])
    def test_inf_in_y(self, function):
        kw = {"chart": "i"} if function is qi.control_chart else {}
        with pytest.raises(QIValueError) as err:
            function(self.falls(), x="month", y="rate", **kw)
        says(str(err.value), r"Column 'rate' \(y\) has infinite values \(inf\) in row 2",
             r"division by zero", r"0 bed days", r"replace\(\[np\.inf, -np\.inf\], np\.nan\)", r"n= the denominator")

    def test_inf_in_n_of_a_p_chart(self):
        with pytest.raises(QIValueError) as err:
            qi.control_chart(y=[1.0, 2, 2, 3, 4], n=[5.0, 5, np.inf, 5, 5], chart="p")
        says(str(err.value), r"n has infinite values \(inf\) in row 2", r"division by zero", r"missing")

    def test_minus_inf_and_values_given_as_arrays(self):
        with pytest.raises(QIValueError, match=r"y has infinite values \(-inf\) in rows 0, 3"):
            qi.run_chart(y=[-np.inf, 1.0, 2, -np.inf])

    @pytest.mark.parametrize("column", ["y", "n"])
    def test_funnel_plot(self, column):
        df = pd.DataFrame({"unit": list("abcd"), "y": [1.0, 2, 3, 4], "n": [10.0, 20, 30, 40]})
        df.loc[1, column] = np.inf
        with pytest.raises(QIValueError) as err:
            qi.funnel_plot(df, unit="unit", y="y", n="n")
        says(str(err.value), rf"Column '{column}' \({column}\) has infinite values \(inf\) in row 1", "division by zero")

    def test_decimal_infinity_suggest_and_pareto(self):
        with pytest.raises(QIValueError, match=r"infinite values \(inf\) in row 1"):
            qi.suggest_chart(y=pd.Series([Decimal(1), Decimal("Infinity"), Decimal(3)], dtype=object))
        with pytest.raises(QIValueError, match=r"Column 'k' \(count\) has infinite values"):
            qi.pareto_table(pd.DataFrame({"c": ["a", "b"], "k": [1.0, np.inf]}), category="c", count="k")

    def test_inf_in_x(self):
        with pytest.raises(QIValueError) as err:
            qi.control_chart(x=[1.0, 2, np.inf], y=[1.0, 2, 3], chart="i")
        says(str(err.value), r"x has infinite values in row 2", r"division by zero", r"Correct those rows")


# =============================================================================================
# the nine kinds of exception that were not qitools' own


class TestDuplicatedColumnLabels:
    """Issue 22, exception 1: AttributeError: 'DataFrame' object has no attribute 'dtype'."""

    def dup(self, *names: str) -> pd.DataFrame:
        return pd.DataFrame([[1, 2, 3], [3, 4, 5], [5, 6, 7]], columns=list(names))

    @pytest.mark.parametrize(
        "call",
        [
            lambda df: qi.control_chart(df, y="f", chart="i"),
            lambda df: qi.run_chart(df, y="f"),
            lambda df: qi.suggest_chart(df, y="f"),
            lambda df: qi.funnel_plot(df, unit="u", y="f", n="f"),
            lambda df: qi.league_table(df, unit="u", y="f", n="f"),
            lambda df: qi.pareto_table(df, category="u", count="f"),
            lambda df: qi.suppress_small_counts(df, ["f"]),
        ],
        ids=["control_chart", "run_chart", "suggest_chart", "funnel_plot", "league_table", "pareto_table",
             "suppress_small_counts"],
    )
    def test_every_entry_point(self, call):
        with pytest.raises(QIValueError) as err:
            call(self.dup("u", "f", "f"))
        says(str(err.value), r"Column 'f' \(given as \w+=\) appears 2 times in the data \(at positions 1, 2\)",
             r"cannot tell which one is meant", r"df\.columns\.duplicated\(\)")

    def test_duplicated_x_and_facet(self):
        with pytest.raises(QIValueError, match=r"Column 'x' \(given as x=\) appears 2 times"):
            qi.control_chart(self.dup("x", "x", "y"), x="x", y="y", chart="i")
        with pytest.raises(QIValueError, match=r"Column 'g' \(given as facet=\) appears 2 times"):
            qi.control_chart(self.dup("g", "g", "y"), y="y", facet="g", chart="i")

    def test_a_duplicated_column_that_is_not_used_does_not_matter(self):
        df = self.dup("x", "y", "z")
        df = pd.concat([df, df[["z"]]], axis=1)
        cc = qi.control_chart(df, x="x", y="y", chart="i")
        assert list(cc.data["y"]) == [2, 4, 6]

    def test_a_two_row_header(self):
        df = self.dup("x", "y", "n")
        df.columns = pd.MultiIndex.from_tuples([("x", "when"), ("y", "falls"), ("n", "days")])
        with pytest.raises(QIValueError) as err:
            qi.control_chart(df, x="x", y=("y", "falls"), chart="i")
        says(str(err.value), r"Column 'x' \(given as x=\) is the top of a two-row header", r"x=\('x', 'when'\)",
             r"df\.columns = ")
        cc = qi.control_chart(df, x=("x", "when"), y=("y", "falls"), chart="i")
        assert list(cc.data["y"]) == [2, 4, 6]


class TestSuggestWithoutUsableX:
    """Issue 22, exception 2: ValueError: cannot convert float NaN to integer (suggest.py)."""

    @pytest.mark.parametrize("x", [[np.nan] * 3, pd.Series([pd.NaT] * 3), pd.Series([None] * 3, dtype=object)])
    def test_an_x_with_no_values_is_as_no_x(self, x):
        assert qi.suggest_chart(y=[1.0, 2, 3], x=x).chart == qi.suggest_chart(y=[1.0, 2, 3]).chart

    def test_repeated_x_with_gaps(self):
        s = qi.suggest_chart(y=[5.1, 4.9, 5.3, 5.0, 5.2], x=[1, 1, np.nan, 2, 2])
        assert s.chart == "xbar"
        assert "2 to 2 rows per x" in s.reasons[0]


class TestUnorderedCategoricalsAndMixedX:
    """Issue 22, exception 3: TypeError: Categorical is not ordered for operation min; '<=' int and str."""

    def x(self) -> pd.Categorical:
        return pd.Categorical(["b", "a", "c", "d"], ordered=False)

    @pytest.mark.parametrize("arg", [{"exclude": ["zz"]}, {"freeze": "zz"}, {"part": ["zz"]}])
    def test_a_value_not_in_the_data(self, arg):
        with pytest.raises(QIValueError) as err:
            qi.control_chart(x=self.x(), y=[1.0, 2, 3, 4], chart="i", **arg)
        role = next(iter(arg))
        says(str(err.value), rf"{role}= names x values that are not in the data: \['zz'\]",
             r"x runs from 'b' to 'd'", r"Check the spelling")

    def test_values_that_cannot_be_x_values(self):
        with pytest.raises(QIValueError, match=r"exclude= names x values that are not in the data: \[\[1\]\]"):
            qi.control_chart(x=self.x(), y=[1.0, 2, 3, 4], chart="i", exclude=[[1]])
        with pytest.raises(QIValueError, match=r"freeze= values must be numbers like the x column"):
            qi.control_chart(x=[1, 2, 3, 4], y=[1.0, 2, 3, 4], chart="i", freeze=Decimal("sNaN"))
        with pytest.raises(QIValueError, match=r"exclude= values must be dates like the x column"):
            qi.control_chart(x=monthly(4), y=[1.0, 2, 3, 4], chart="i", exclude=["13/45/2024"])

    def test_unordered_categorical_keeps_the_order_of_appearance(self):
        cc = qi.control_chart(x=self.x(), y=[1.0, 2, 3, 4], chart="i", exclude=["c"])
        assert list(cc.data["x"]) == ["b", "a", "c", "d"]
        assert cc.data["include"].tolist() == [True, True, False, True]

    def test_ints_mixed_with_strings(self):
        x = pd.Series([1, "Total", 2, 3, 4], dtype=object)
        with pytest.raises(QITypeError) as err:
            qi.control_chart(x=x, y=[1.0, 2, 3, 4, 5], chart="i", exclude=[5])
        says(str(err.value), r"x mixes numbers and text: row 1 hold text \('Total'\)", r"all dates, all numbers or all labels",
             r"totals or notes, drop them", r"astype\(str\)")

    def test_dates_mixed_with_text(self):
        df = pd.DataFrame({"when": pd.Series([pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"), "Total"],
                                             dtype=object), "y": [1.0, 2, 3]})
        with pytest.raises(QITypeError, match=r"Column 'when' \(x\) mixes dates and text: row 2 hold text"):
            qi.control_chart(df, x="when", y="y", chart="i")

    def test_object_numbers_are_numbers(self):
        cc = qi.control_chart(x=pd.Series([3, 1, Decimal(2)], dtype=object), y=[3.0, 1, 2], chart="run")
        assert cc.data["x"].tolist() == [1.0, 2.0, 3.0]


class TestNullableLabelsWithNA:
    """Issue 22, exception 4: TypeError: boolean value of NA is ambiguous (groups.py)."""

    @pytest.mark.parametrize("dtype", ["string", "object", "boolean"])
    def test_control_chart_facet(self, dtype):
        values = ["a", pd.NA, "b", "a"] if dtype != "boolean" else [True, pd.NA, False, True]
        df = pd.DataFrame({"g": pd.array(values, dtype=dtype), "y": [1.0, 2, 3, 4]})
        with pytest.raises(QIValueError) as err:
            qi.control_chart(df, y="y", facet="g", chart="i")
        says(str(err.value), r"The facet column 'g' has missing values in row 1", r"Every row must belong to a facet",
             r"Fill them in or drop those rows")

    def test_funnel_plot_unit(self):
        df = pd.DataFrame({"u": pd.array(["a", pd.NA, "b"], dtype="string"), "y": [1.0, 2, 3], "n": [5.0, 5, 5]})
        with pytest.raises(QIValueError) as err:
            qi.funnel_plot(df, unit="u", y="y", n="n")
        says(str(err.value), r"The unit column has missing values in row 1", r"Every row must name its unit",
             r"Fill them in, or drop those rows")

    def test_nullable_labels_without_missing_values_chart(self):
        df = pd.DataFrame({"g": pd.array([True, False, True, False], dtype="boolean"), "y": [1.0, 2, 3, 4]})
        cc = qi.control_chart(df, y="y", facet="g", chart="run")
        assert sorted(cc.summary["facet"].tolist()) == [False, True]

    @pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean", "int64[pyarrow]", "double[pyarrow]"])
    def test_nullable_numbers_keep_na_as_gaps(self, dtype):
        y = pd.array([1, None, 3, 4] if dtype != "boolean" else [True, None, False, True], dtype=dtype)
        cc = qi.control_chart(y=y, chart="i")
        assert np.isnan(cc.data["y"].iloc[1])
        assert cc.data["y"].notna().sum() == 3

    def test_string_numbers_with_na(self):
        cc = qi.control_chart(y=pd.array(["1", pd.NA, " 3 ", "4"], dtype="string"), chart="run")
        np.testing.assert_array_equal(cc.data["y"].to_numpy(), [1.0, np.nan, 3, 4])


class TestTimeZones:
    """Issue 22, exception 5: ValueError: Tz-aware datetime.datetime cannot be converted."""

    def test_mixed_zones_are_converted_to_utc_in_true_time_order(self):
        x = pd.Series([dt.datetime(2024, 1, 1, 12, tzinfo=LONDON), dt.datetime(2024, 1, 1, 12, tzinfo=UTC),
                       dt.datetime(2024, 1, 1, 12, tzinfo=NEW_YORK)], dtype=object)
        with pytest.warns(DataChangedWarning) as caught:
            cc = qi.control_chart(x=x, y=[1.0, 2, 3], chart="run")
        message = next(str(w.message) for w in caught if issubclass(w.category, DataChangedWarning))
        says(message, r"x mixes time zones \(BST in row 0; UTC in row 1; EST in row 2\)", r"converted to UTC",
             r"true time order", r"tz_convert\('Europe/London'\)")
        assert str(cc.data["x"].dt.tz) == "UTC"
        assert cc.data["x"].dt.hour.tolist() == [11, 12, 17]  # 12:00 BST, 12:00 UTC, 12:00 EST
        assert list(cc.data["y"]) == [1.0, 2, 3]

    def test_one_zone_is_kept(self):
        x = pd.Series([dt.datetime(2024, m, 1, tzinfo=LONDON) for m in (1, 2, 3)], dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DataChangedWarning)
            cc = qi.control_chart(x=x, y=[1.0, 2, 3], chart="run")
        assert cc.data["x"].iloc[0].utcoffset() == dt.timedelta(hours=1)

    def test_zoned_mixed_with_unzoned_is_refused(self):
        x = pd.Series([dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1, tzinfo=UTC), dt.datetime(2024, 3, 1)],
                      dtype=object)
        with pytest.raises(QIValueError) as err:
            qi.control_chart(x=x, y=[1.0, 2, 3], chart="run")
        says(str(err.value), r"x mixes dates with a time zone \(row 1\) and dates without one \(rows 0, 2\)",
             r"cannot be put in one time order", r"utc=True")

    def test_a_zoned_column_and_a_zoned_freeze(self):
        x = pd.Series(pd.date_range("2024-01-01", periods=4, freq="MS", tz="Europe/London"))
        cc = qi.control_chart(x=x, y=[1.0, 2, 3, 4], chart="i", freeze="2024-02-01")
        assert cc.data["baseline"].tolist() == [True, True, False, False]

    def test_date_objects_are_dates(self):
        x = pd.Series([dt.date(2024, 3, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)], dtype=object)
        with pytest.warns(DataChangedWarning, match="not in time order"):
            cc = qi.control_chart(x=x, y=[3.0, 1, 2], chart="run")
        assert pd.api.types.is_datetime64_any_dtype(cc.data["x"])
        assert list(cc.data["y"]) == [1.0, 2, 3]


class TestCollectionsInCells:
    """Issue 22, exception 6: TypeError: unhashable type: 'list'."""

    def test_lists_in_x(self):
        with pytest.raises(QITypeError) as err:
            qi.control_chart(x=pd.Series([[1], [2], [3]]), y=[1.0, 2, 3], chart="i")
        says(str(err.value), r"x holds lists or other collections in rows 0, 1, 2 \(\[1\], \[2\], \[3\]\)",
             r"each cell must hold one date, number or label", r"agg\(list\)", r"explode")

    def test_lists_in_y_facet_and_unit(self):
        df = pd.DataFrame({"y": pd.Series([1, [2, 3], 4], dtype=object), "f": ["a", "b", "a"], "n": [5, 5, 5]})
        with pytest.raises(QITypeError, match=r"Column 'y' \(y\) holds lists or other collections in row 1"):
            qi.control_chart(df, y="y", chart="i")
        df["y"] = [1, 2, 3]
        df["f"] = pd.Series(["a", {"b"}, "a"], dtype=object)
        with pytest.raises(QITypeError, match=r"Column 'f' \(facet\) holds lists or other collections in row 1"):
            qi.control_chart(df, y="y", facet="f", chart="i")
        with pytest.raises(QITypeError, match=r"Column 'f' \(unit\) holds lists or other collections in row 1"):
            qi.funnel_plot(df, unit="f", y="y", n="n")

    def test_lists_given_as_the_values_themselves(self):
        with pytest.raises(QITypeError, match=r"one-dimensional list of values; got an array of shape \(3, 1\)"):
            qi.control_chart(y=[[1.0], [2.0], [3.0]], chart="i")


class TestDecimals:
    """Issue 22, exception 7: TypeError: Cannot hash a signaling NaN value; decimal.InvalidOperation."""

    def test_snan_in_y_is_a_gap_with_a_warning(self):
        y = pd.Series([Decimal("1.5"), Decimal("sNaN"), Decimal("2"), Decimal("NaN")], dtype=object)
        with pytest.warns(DataChangedWarning) as caught:
            cc = qi.control_chart(y=y, chart="run")
        message = next(str(w.message) for w in caught if issubclass(w.category, DataChangedWarning))
        says(message, r"y holds Decimal\('sNaN'\)", r"in row 1", r"treated as missing \(a gap\)", r"Replace them")
        np.testing.assert_array_equal(cc.data["y"].to_numpy(), [1.5, np.nan, 2.0, np.nan])

    def test_snan_in_x_drops_the_row_with_a_warning(self):
        x = pd.Series([Decimal(1), Decimal("sNaN"), Decimal(2)], dtype=object)
        with pytest.warns(DataChangedWarning, match=r"x is missing in row 1; those rows cannot be placed"):
            cc = qi.control_chart(x=x, y=[1.0, 2, 3], chart="i")
        assert cc.data["x"].tolist() == [1.0, 2.0]

    def test_snan_in_a_facet_label_or_a_category(self):
        df = pd.DataFrame({"f": pd.Series(["a", Decimal("sNaN"), "a"], dtype=object), "y": [1.0, 2, 3]})
        with pytest.raises(QIValueError, match=r"The facet column 'f' has missing values in row 1"):
            qi.control_chart(df, y="y", facet="f", chart="run")
        with pytest.raises(QIValueError, match=r"Column 'f' \(category\) has 1 missing or blank value \(row 1\)"):
            qi.pareto_table(df, category="f")

    def test_decimal_numbers_and_options(self):
        cc = qi.control_chart(y=pd.Series([Decimal("1.25"), Decimal(2), Decimal("2.75")], dtype=object), chart="i",
                              multiply=Decimal(10), target=Decimal("20"))
        assert cc.data["y"].tolist() == [12.5, 20.0, 27.5]
        assert cc.params["multiply"] == 10.0


class TestMathtext:
    """Issue 22, exception 8: a column named $\\frac{$ reached matplotlib's mathtext parser."""

    NAME = r"$\frac{$"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "month": monthly(12), self.NAME: np.arange(12.0) + 1, "n": 20.0,
            "unit": [f"{self.NAME} {i}" for i in range(12)], "ward": [self.NAME, "$x$"] * 6,
        })

    def test_chart_report(self):
        cc = qi.control_chart(self.frame(), x="month", y=self.NAME, chart="i")
        page = qi.chart_report(cc, title=self.NAME)
        assert "$\\frac{$" in page and "<img" in page

    @pytest.mark.parametrize(
        "make",
        [
            lambda df: qi.control_chart(df, x="month", y=TestMathtext.NAME, chart="i").plot(
                title=TestMathtext.NAME, subtitle="$x", caption="$$"),
            lambda df: qi.control_chart(df, x="unit", y=TestMathtext.NAME, chart="i").plot(),
            lambda df: qi.control_chart(df, x="month", y=TestMathtext.NAME, chart="i", notes="unit").plot(),
            lambda df: qi.control_chart(df, x="month", y=TestMathtext.NAME, chart="i", facet="ward").plot(),
            lambda df: qi.control_chart(df, x="month", y=TestMathtext.NAME, chart="i", facet="ward").plot(facet="$x$"),
            lambda df: qi.funnel_plot(df, unit="unit", y=TestMathtext.NAME, n="n", kind="rate").plot(),
            lambda df: qi.funnel_plot(df, unit="unit", y=TestMathtext.NAME, n="n", kind="rate", facet="ward").plot(),
            lambda df: qi.league_table(df, unit="unit", y=TestMathtext.NAME, n="n", kind="rate").plot(),
        ],
        ids=["title", "category x", "notes", "facets", "one facet", "funnel", "funnel facets", "league table"],
    )
    def test_user_text_is_drawn_as_typed(self, make):
        obj = make(self.frame())
        draw(obj)
        fig = obj if hasattr(obj, "savefig") else obj.figure
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        assert any("$" in t for t in texts)

    def test_the_users_own_text_afterwards_is_still_mathtext(self):
        ax = qi.control_chart(self.frame(), x="month", y=self.NAME, chart="i").plot()
        label = ax.set_xlabel(r"$\alpha$")
        assert matplotlib.rcParams["text.parse_math"] is True
        assert label.get_parse_math() is True

    def test_the_command_writes_the_report(self, tmp_path):
        from qitools.cli import main

        path = tmp_path / "data.csv"
        self.frame()[["month", self.NAME]].to_csv(path, index=False)
        report = tmp_path / "report.html"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = main(["chart", str(path), "--x", "month", "--y", self.NAME, "--chart", "i", "--report", str(report)])
        assert code == 0
        assert "frac" in report.read_text(encoding="utf-8")


class TestHugeAndTinyNumbers:
    """Issue 22, exception 9: ValueError: arange: cannot compute length; Axis limits cannot be NaN or Inf."""

    def test_huge_values_are_refused_before_anything_is_drawn(self):
        with pytest.raises(QIValueError) as err:
            qi.control_chart(y=[1e308, 1.5e308, 1.2e308, 1.7e308, 0.9e308], chart="i")
        says(str(err.value), r"y has values too large to compute with in rows 0, 1, 2, 3, 4", r"overflow",
             r"typing error or a unit conversion", r"rescale the column")

    def test_tiny_values_are_refused(self):
        with pytest.raises(QIValueError, match=r"n has values too close to 0 to compute with in row 1"):
            qi.control_chart(y=[1.0, 2, 3], n=[5.0, 1e-300, 5], chart="u")

    def test_multiply_that_would_overflow(self):
        with pytest.raises(QIValueError, match=r"y times multiply=1e\+40 is too large"):
            qi.control_chart(y=[1e20, 2e20, 3e20], chart="i", multiply=1e40)

    def test_large_but_sane_values_are_charted_and_drawn(self):
        cc = qi.control_chart(y=[1e12, 1.5e12, 1.2e12, 1.7e12, 0.9e12], chart="i")
        draw(cc.plot())

    def test_a_chart_without_any_value_draws(self):
        cc = qi.control_chart(x=monthly(4), y=[np.nan] * 4, chart="i")
        draw(cc.plot())


class TestEncodings:
    """Issue 22, non-UTF-8 text: a Shift-JIS header is detected and named, and charted as written."""

    def test_shift_jis_header_reaches_the_chart(self):
        data = "月,転倒数\n2024-04-01,3\n2024-05-01,4\n2024-06-01,5\n".encode("shift_jis")
        with pytest.warns(DataChangedWarning, match=r"(?i)shift.?jis"):
            df = qi.read_measure(io.BytesIO(data))
        assert list(df.columns) == ["月", "転倒数"]
        cc = qi.control_chart(df, x="月", y="転倒数", chart="run")
        assert cc.params["y"] == "転倒数"


# =============================================================================================
# the other inputs and entry points


class TestDataArgument:
    @pytest.mark.parametrize(
        "call",
        [qi.control_chart, qi.run_chart, qi.suggest_chart],
        ids=["control_chart", "run_chart", "suggest_chart"],
    )
    def test_a_series_a_dict_and_a_file_name(self, call):
        with pytest.raises(QITypeError, match=r"got a Series\. Pass the values themselves"):
            call(pd.Series([1.0, 2, 3]), y="y")
        with pytest.raises(QITypeError, match=r"got a dict\. Make one first: df = pd\.DataFrame\(data\)"):
            call({"y": [1.0, 2]}, y="y")
        with pytest.raises(QITypeError, match=r"read it first: qi\.read_measure\('falls\.csv'\)"):
            call("falls.csv", y="y")

    def test_funnel_and_league_table(self):
        with pytest.raises(QITypeError, match=r"pd\.read_csv\('file\.csv'\)"):
            qi.funnel_plot("file.csv", unit="u", y="y", n="n")
        with pytest.raises(QITypeError, match=r"data= must be a pandas DataFrame or None; got list"):
            qi.league_table([1, 2], unit="u", y="y", n="n")

    def test_y_that_is_neither_a_column_nor_values(self):
        with pytest.raises(QITypeError, match=r"y= must be a column name or a list of values; got 5 \(int\)"):
            qi.control_chart(y=5, chart="i")
        with pytest.raises(QIValueError, match=r"Column 0 \(given as y=\) is not in the data"):
            qi.control_chart(pd.DataFrame({"y": [1.0]}), y=0, chart="i")
        with pytest.raises(QITypeError, match=r"got a DataFrame with 2 columns"):
            qi.control_chart(y=pd.DataFrame({"a": [1], "b": [2]}), chart="i")


class TestComplexAndDatesAsNumbers:
    def test_complex(self):
        with pytest.raises(QITypeError, match=r"y holds complex numbers .* must be real numbers.*\.real"):
            qi.control_chart(y=np.array([1 + 1j, 2 + 0j]), chart="i")

    def test_dates_in_y(self):
        with pytest.raises(QITypeError, match=r"holds dates or times, but y must be numbers.*diff\(\)\.dt\.days"):
            qi.control_chart(y=monthly(3), chart="i")
        mixed = pd.Series([1, pd.Timestamp("2024-01-01"), 3], dtype=object)
        with pytest.raises(QITypeError, match=r"y must hold numbers, but row 1 holds dates or times"):
            qi.control_chart(y=mixed, chart="i")


class TestFixedCentreLine:
    def test_impossible_centre_lines_are_refused(self):
        with pytest.raises(QIValueError, match=r"`cl` is negative, but the C chart .* cannot be below 0"):
            qi.control_chart(y=[1, 2, 3, 4], chart="c", cl=-3)
        with pytest.raises(QIValueError, match=r"`cl` is above 1, but a P chart .* plots proportions"):
            qi.control_chart(y=[1, 2, 3], n=[10, 10, 10], chart="p", cl=5)

    def test_a_g_chart_centre_line_outside_the_limits_is_drawn_with_a_warning(self):
        with pytest.warns(DataQualityWarning, match=r"The fixed centre line \(cl=\) lies outside the control limits"):
            cc = qi.control_chart(y=[0.0, 0, 0, 0, 0, 0], chart="g", cl=5)
        assert cc.data["cl"].iloc[0] == 5

    def test_a_dict_without_facets(self):
        with pytest.raises(QIValueError, match=r"`target` is a dict \(facet -> value\), but the chart has no facets"):
            qi.control_chart(y=[1.0, 2, 3], chart="i", target={"A": 1})

    def test_the_same_facet_column_twice(self):
        df = pd.DataFrame({"f": ["a", "b"], "y": [1.0, 2]})
        with pytest.raises(QIValueError, match=r"facet= names the same column twice \('f'\)"):
            qi.control_chart(df, y="y", facet=["f", "f"], chart="run")


class TestFacetArguments:
    def cc(self):
        df = pd.DataFrame({"f": ["a", "b"] * 6, "y": np.arange(12.0)})
        return qi.control_chart(df, y="y", facet="f", chart="i")

    @pytest.mark.parametrize("facet", [["a", "b"], np.array(["a"]), {"a": 1}])
    def test_explain_takes_one_label(self, facet):
        with pytest.raises(QITypeError, match=r"`facet` takes one label"):
            self.cc().explain(facet=facet)

    def test_explain_of_an_unknown_facet_and_of_no_facets(self):
        with pytest.raises(QIValueError, match=r"facet='zz' is not one of the chart's facets: \['a', 'b'\]"):
            self.cc().explain(facet="zz")
        with pytest.raises(QIValueError, match=r"facet='a' was given, but this chart has no facets"):
            qi.control_chart(y=[1.0, 2, 3], chart="i").explain(facet="a")

    def test_plot_facet_that_is_not_a_label(self):
        with pytest.raises(QITypeError, match=r"`facet` takes one label"):
            self.cc().plot(facet=[["a"]])

    def test_funnel_explain_facet(self):
        df = pd.DataFrame({"u": list("abcdef"), "f": ["x", "y"] * 3, "y": [1.0, 2, 3, 4, 5, 6], "n": [10.0] * 6})
        fp = qi.funnel_plot(df, unit="u", y="y", n="n", facet="f")
        with pytest.raises(QITypeError, match=r"`facet` takes one label"):
            fp.explain(facet=["x", "y", "z"])
        with pytest.raises(QIValueError, match=r"facet='zz' is not one of the facets"):
            fp.explain(facet="zz")

    def test_chart_report_takes_a_chart(self):
        with pytest.raises(QITypeError) as err:
            qi.chart_report(pd.DataFrame({"y": [1.0]}))
        says(str(err.value), r"chart_report\(\) takes a chart made by qi\.control_chart\(\)", r"got DataFrame",
             r"cc = qi\.control_chart\(df")
        cc = qi.control_chart(y=[1.0, 2, 3], chart="i")
        with pytest.raises(QITypeError, match=r"`max_rows` must be a whole number"):
            qi.chart_report(cc, max_rows="10")
        with pytest.raises(QITypeError, match=r"`notes` must be a list"):
            qi.chart_report(cc, notes="one note")


class TestSuppressSmallCounts:
    def test_checks(self):
        df = pd.DataFrame({"k": [0, 3, 12], "r": [0.0, 0.1, 0.4]})
        with pytest.raises(QIValueError, match=r"columns \['zz'\] are not in the table"):
            qi.suppress_small_counts(df, ["zz"])
        with pytest.raises(QIValueError, match=r"`threshold` must be a whole number of at least 1"):
            qi.suppress_small_counts(df, ["k"], threshold=2.5)
        with pytest.raises(QITypeError, match=r"`columns` must be a list of column names"):
            qi.suppress_small_counts(df, 3)
        with pytest.raises(QITypeError, match=r"holds dates or times, not counts"):
            qi.suppress_small_counts(df.assign(k=monthly(3)), ["k"])

    def test_a_table_already_suppressed_and_a_single_name(self):
        df = pd.DataFrame({"k": pd.Series(["<5", 3, 12, None], dtype=object)})
        assert qi.suppress_small_counts(df, "k")["k"].tolist() == ["<5", "<5", 12, None]


class TestAggregationWarning:
    """From the course engineers: agg='median' warned 'Pass agg='sum' or agg='median''."""

    @pytest.mark.parametrize("agg, others", [("mean", "agg='median' or agg='sum'"),
                                             ("median", "agg='mean' or agg='sum'"),
                                             ("sum", "agg='mean' or agg='median'")])
    def test_the_warning_names_what_was_done_and_the_other_ways(self, agg, others):
        with pytest.warns(DataChangedWarning) as caught:
            qi.control_chart(x=[1, 1, 2, 3], y=[1.0, 2, 3, 4], chart="i", agg=agg)
        message = next(str(w.message) for w in caught if issubclass(w.category, DataChangedWarning))
        says(message, rf"y was aggregated with {agg}\(\) per x", rf"Pass {re.escape(others)} to change this")

    def test_each_front_end_says_it_in_its_own_words(self):
        from qitools._messages import for_command, for_readers

        message = "1 x values had several rows; y was aggregated with median() per x. Pass agg='mean' or agg='sum' to change this."
        assert "--agg mean or --agg sum" in for_command(message)
        assert "The median of each period's rows was charted" in for_readers(message)


class TestFontWarnings:
    def test_missing_glyphs_are_one_qitools_warning(self):
        df = pd.DataFrame({"月": monthly(6), "転倒数": [3.0, 4, 5, 4, 3, 5]})
        cc = qi.control_chart(df, x="月", y="転倒数", chart="run")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cc.plot()
        glyphs = [w for w in caught if "Glyph" in str(w.message)]
        mine = [w for w in caught if "not in its font" in str(w.message)]
        font_has_them = not glyphs and not mine
        if font_has_them:
            pytest.skip("this machine's default font draws CJK characters")
        assert not glyphs
        assert len(mine) == 1 and issubclass(mine[0].category, qi.QIToolsWarning)
        says(str(mine[0].message), r"drawn as empty boxes", r"font\.family")
