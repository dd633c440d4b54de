"""qi.read_measure on messy exports: every fixture has its expected tidy result written out by hand."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qitools as qi
from qitools import DataChangedWarning, QIToolsError, QIValueError

MESSY_CSV = """Emergency Department - 4 hour performance,,,
Produced 03/01/2025 by the information team,,,
,Type 1,Type 1,
Month,Attendances,Breaches,Performance
01/04/2024,"10,432","2,514",75.9%
01/05/2024,"11,020","2,390",78.3%
,,,
 01/06/2024 ,"10,871","2,202", 79.7%
01/07/2024,"11,310",-,
Total,"43,633","7,106",
"Source: ED data warehouse, extracted 03/01/2025",,,
"""


def read(source, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = qi.read_measure(source, **kwargs)
    return df, [str(w.message) for w in caught if issubclass(w.category, DataChangedWarning)]


class TestReadMeasureCSV:
    def test_messy_export(self):
        df, messages = read(io.StringIO(MESSY_CSV))
        assert list(df.columns) == ["Month", "Type 1 Attendances", "Type 1 Breaches", "Performance"]
        assert list(df["Month"]) == list(pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01"]))
        np.testing.assert_array_equal(df["Type 1 Attendances"], [10432, 11020, 10871, 11310])
        np.testing.assert_array_equal(df["Type 1 Breaches"], [2514, 2390, 2202, np.nan])
        np.testing.assert_allclose(df["Performance"], [0.759, 0.783, 0.797, np.nan])
        changes = df.attrs["qitools_changes"]
        assert "lines 1, 2 above the header (titles, notes) were skipped" in changes
        assert "the column names come from two header lines (3 and 4)" in changes
        assert "line 7 was blank and was dropped" in changes
        assert "line 10 was a total and was dropped" in changes
        assert "line 11 looked like a footnote and was dropped" in changes
        assert "percentages in 'Performance' were converted to proportions (85% -> 0.85)" in changes
        assert "thousands separators in 'Type 1 Attendances' were removed" in changes
        assert len(messages) == 1 and messages[0].startswith("qitools changed the input while reading it")

    def test_percent_option(self):
        df, _ = read(io.StringIO(MESSY_CSV), percent="percent")
        np.testing.assert_allclose(df["Performance"].iloc[0], 75.9)

    def test_semicolon_and_month_names(self):
        text = "Month;Falls;Bed days\nApr-23;12;1480\nMay-23;9;1512\nJun 2023;11;1490\n"
        df, _ = read(io.StringIO(text))
        assert list(df["Month"]) == list(pd.to_datetime(["2023-04-01", "2023-05-01", "2023-06-01"]))
        np.testing.assert_array_equal(df["Bed days"], [1480, 1512, 1490])

    def test_iso_dates_and_clean_file_gives_no_warning(self):
        text = "date,value\n2024-01-01,3\n2024-01-08,4\n"
        df, messages = read(io.StringIO(text))
        assert messages == [] and df.attrs["qitools_changes"] == []
        assert df["date"].dt.day.tolist() == [1, 8]

    def test_day_first_is_the_default_and_said_when_ambiguous(self):
        df, _ = read(io.StringIO("d,v\n01/02/2024,1\n01/03/2024,2\n"))
        assert df["d"].dt.month.tolist() == [2, 3]
        assert "could be day-first or month-first; read day-first (UK)" in " ".join(df.attrs["qitools_changes"])

    def test_month_first_dates_ask_a_question(self):
        with pytest.raises(QIValueError, match=r"only make sense month-first.*Pass dayfirst=False"):
            qi.read_measure(io.StringIO("d,v\n04/13/2024,1\n04/14/2024,2\n"))
        df, _ = read(io.StringIO("d,v\n04/13/2024,1\n04/14/2024,2\n"), dayfirst=False)
        assert df["d"].dt.day.tolist() == [13, 14]

    def test_repeated_header_lines_are_dropped(self):
        df, _ = read(io.StringIO("m,v\n1,2\nm,v\n2,3\n"))
        assert df["v"].tolist() == [2, 3]
        assert "line 3 repeated the header and was dropped" in df.attrs["qitools_changes"]

    def test_windows_encoding(self):
        data = "Ward,Falls\nNightingale – A,3\nBarts £,4\n".encode("cp1252")
        df, _ = read(io.BytesIO(data))
        assert df["Ward"].tolist() == ["Nightingale – A", "Barts £"]

    @pytest.mark.filterwarnings("ignore::qitools.TooFewPointsWarning")
    def test_then_chart_it(self):
        df, _ = read(io.StringIO(MESSY_CSV))
        cc = qi.control_chart(df, x="Month", y="Type 1 Breaches", n="Type 1 Attendances", chart="p")
        assert len(cc.data) == 4


class TestReadMeasureExcel:
    def test_xlsx_with_dates_serials_and_stray_spaces(self, tmp_path):
        path = tmp_path / "export.xlsx"
        rows = [
            ["Falls by month", None, None],
            ["Month", " Falls ", "Bed days"],
            [pd.Timestamp("2024-04-01"), 12, "1,480"],
            [45413, 9, 1512],  # Excel serial number for 2024-05-01
            [None, None, None],
            ["  01/06/2024 ", " 11 ", 1490],
            ["Grand total", 32, 4482],
        ]
        pd.DataFrame(rows).to_excel(path, header=False, index=False, sheet_name="Falls")
        df, _ = read(path, sheet="Falls")
        assert list(df.columns) == ["Month", "Falls", "Bed days"]
        assert list(df["Month"]) == list(pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"]))
        np.testing.assert_array_equal(df["Falls"], [12, 9, 11])
        np.testing.assert_array_equal(df["Bed days"], [1480, 1512, 1490])
        with pytest.raises(QIValueError, match=r"There is no sheet 'Nope'.*\['Falls'\]"):
            qi.read_measure(path, sheet="Nope")


class TestReadMeasureBadFiles:
    def test_missing_empty_folder_and_old_excel(self, tmp_path):
        with pytest.raises(QIValueError, match="No file at"):
            qi.read_measure(tmp_path / "nope.csv")
        with pytest.raises(QIValueError, match="is a folder"):
            qi.read_measure(tmp_path)
        (tmp_path / "empty.csv").write_text("")
        with pytest.raises(QIValueError, match="is empty"):
            qi.read_measure(tmp_path / "empty.csv")
        (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
        with pytest.raises(QIValueError, match=r"old-style Excel \(.xls\)"):
            qi.read_measure(tmp_path / "old.xls")
        (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(QIValueError, match="could not be read as an Excel workbook"):
            qi.read_measure(tmp_path / "broken.xlsx")

    def test_no_header(self):
        with pytest.raises(QIValueError, match="Could not find the header row"):
            qi.read_measure(io.StringIO("1,2\n3,4\n"))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=400))
    def test_any_bytes_give_a_table_or_a_qitools_error(self, data):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                qi.read_measure(io.BytesIO(data))
        except QIToolsError as exc:
            assert str(exc)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.lists(
                st.one_of(
                    st.sampled_from(["", "Total", "85%", "1,234", "01/02/2024", "Apr-23", "-", "x", "Month", '"']),
                    st.integers(-5, 10_000).map(str),
                    st.text(max_size=6),
                ),
                min_size=1,
                max_size=5,
            ),
            max_size=12,
        )
    )
    def test_any_csv_like_text_gives_a_table_or_a_qitools_error(self, rows):
        text = "\n".join(",".join(r) for r in rows)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                df = qi.read_measure(io.StringIO(text))
        except QIToolsError as exc:
            assert str(exc)
        else:
            assert isinstance(df, pd.DataFrame)


class TestSuppressSmallCounts:
    def test_counts_one_to_four_are_suppressed(self):
        df = pd.DataFrame({"ward": ["a", "b", "c", "d"], "falls": [0, 1, 4, 5]})
        out = qi.suppress_small_counts(df, ["falls"])
        assert out["falls"].tolist() == [0, "<5", "<5", 5]
        assert df["falls"].tolist() == [0, 1, 4, 5]  # the original is untouched
        with pytest.raises(QIValueError, match="not in the table"):
            qi.suppress_small_counts(df, ["deaths"])


class TestTeamExportMessy:
    """The course's messy export (datasets/team_export_messy, CSV and xlsx): the expected tidy table is
    worked out here from the raw lines with the csv module, independently of read_measure."""

    @staticmethod
    def expected():
        import csv

        lines = list(
            csv.reader(qi.datasets.path("team_export_messy", "csv").read_text(encoding="utf-8-sig").splitlines())
        )
        rows = [r for r in lines[4:] if r and r[0][:2].isdigit()]
        return pd.DataFrame(
            {
                "Month": pd.to_datetime([r[0] for r in rows], format="%d/%m/%Y"),
                "Inpatient falls Number": [float(r[1]) for r in rows],
                "Beds Occupied bed days": [float(r[3].replace(",", "")) for r in rows],
                "Beds Occupancy %": [float(r[4].rstrip("%")) / 100 for r in rows],
            }
        )

    @pytest.mark.parametrize("ext", ["csv", "xlsx"])
    def test_tidy_result(self, ext):
        df, messages = read(qi.datasets.path("team_export_messy", ext))
        want = self.expected()
        assert len(df) == len(want) == 24
        for col in want.columns:
            if col == "Month":
                assert list(df[col]) == list(want[col])
            else:
                np.testing.assert_allclose(df[col].to_numpy(dtype=float), want[col].to_numpy(), rtol=1e-12)
        changes = df.attrs["qitools_changes"]
        unit = "line" if ext == "csv" else "row"  # Excel users see row numbers
        assert f"{unit} 31 was a total and was dropped" in changes
        assert f"{unit} 32 looked like a footnote and was dropped" in changes
        assert len(messages) == 1
