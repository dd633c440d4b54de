"""Teams' exports as hospital and European systems write them (audit of issue 19, round 3).

Each test builds a small export the way the system that made it does (in tmp_path, with openpyxl or
the csv module) and checks what ``read_measure`` and ``qitools chart`` make of it: the values a
person reads in the file, and the notes that say what was done.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools.cli import main


def read(source, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.read_measure(source, **kwargs)


MONTHS = list(pd.date_range("2022-04-01", periods=24, freq="MS"))


class TestEuropeanCSV:
    """Excel in much of Europe writes ';' between columns, '3,5' for 3.5 and '1.234' for 1234."""

    def european(self, path: Path, encoding: str = "cp1252") -> tuple[list[float], list[int]]:
        waits = [round(2 + (i % 7) * 0.37, 2) for i in range(24)]
        cases = [1000 + 17 * i for i in range(24)]
        with open(path, "w", newline="", encoding=encoding) as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(["Datum", "Wartezeit (Std.)", "Fälle"])
            for month, wait, n in zip(MONTHS, waits, cases):
                w.writerow([f"{month:%d.%m.%Y}", f"{wait:.2f}".replace(".", ","), f"{n:,}".replace(",", ".")])
        return waits, cases

    def test_decimal_commas_and_dot_thousands_are_read_as_written(self, tmp_path):
        # before the fix '1.234' was read as 1.234 (silently 1,000 times too small) and '3,33' as text
        path = tmp_path / "wartezeit.csv"
        waits, cases = self.european(path)
        df = read(path)
        assert list(df["Datum"]) == MONTHS
        assert df["Wartezeit (Std.)"].tolist() == pytest.approx(waits)
        assert df["Fälle"].tolist() == cases
        notes = " | ".join(df.attrs["qitools_changes"])
        assert "European" in notes and "'1.234' as 1234" in notes

    def test_missing_markers_and_percentages_in_a_european_column(self, tmp_path):
        path = tmp_path / "quote.csv"
        path.write_text("Monat;Quote;Fälle\n01.04.2022;85,5%;1.200\n01.05.2022;n/a;1.300\n01.06.2022;90%;-\n"
                        "01.07.2022;87,25%;1.250\n", encoding="utf-8")
        df = read(path)
        assert df["Quote"].tolist()[0] == pytest.approx(0.855)
        assert np.isnan(df["Quote"].iloc[1]) and df["Quote"].iloc[3] == pytest.approx(0.8725)
        assert df["Fälle"].tolist()[:2] == [1200, 1300] and np.isnan(df["Fälle"].iloc[2])

    def test_a_semicolon_file_with_decimal_dots_keeps_them(self, tmp_path):
        path = tmp_path / "dots.csv"
        path.write_text("Month;Rate;Beds\n2022-04;3.25;1.500\n2022-05;4.5;1.250\n2022-06;2.75;1.125\n",
                        encoding="utf-8")
        df = read(path)
        assert df["Rate"].tolist() == [3.25, 4.5, 2.75]
        assert df["Beds"].tolist() == [1.5, 1.25, 1.125]
        assert not any("European" in c for c in df.attrs["qitools_changes"])

    def test_a_comma_separated_file_is_not_european(self, tmp_path):
        path = tmp_path / "uk.csv"
        path.write_text('Month,Rate,Beds\n2022-04,3.25,"1,500"\n2022-05,4.5,"1,250"\n', encoding="utf-8")
        df = read(path)
        assert df["Rate"].tolist() == [3.25, 4.5] and df["Beds"].tolist() == [1500, 1250]

    def test_the_command_charts_the_european_export(self, tmp_path, capsys):
        path = tmp_path / "wartezeit.csv"
        waits, _ = self.european(path)
        assert main(["chart", str(path), "--x", "Datum", "--y", "Wartezeit (Std.)", "--chart", "i"]) == 0
        out = capsys.readouterr()
        assert f"{np.mean(waits):.3g}" in out.out


class TestWeekAndFinancialYearLabels:
    def test_week_commencing_labels_are_dates(self, tmp_path):
        # before the fix 'w/c 03/04/2023' stayed text: the chart had no time axis (labels cut off)
        weeks = list(pd.date_range("2023-04-03", periods=10, freq="7D"))
        path = tmp_path / "weeks.csv"
        lines = ["Wk,Discharges before noon %"] + [f"w/c {w:%d/%m/%Y},{20 + i}.5%" for i, w in enumerate(weeks)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        df = read(path)
        assert list(df["Wk"]) == weeks
        assert any("'w/c 03/04/2023'" in c for c in df.attrs["qitools_changes"])

    @pytest.mark.parametrize("label", ["Week ending 09/04/2023", "W/E 09/04/2023", "w.e. 9 Apr 2023", "WE 09-04-2023"])
    def test_other_week_labels(self, label):
        x = pd.Series([pd.Timestamp("2023-04-09")])
        assert qi.io.x_values_from_text(label, x) == [pd.Timestamp("2023-04-09")]

    def test_financial_year_months(self, tmp_path):
        # NHS financial years: M01 is April, M10-M12 are January-March of the second calendar year
        labels = []
        for i in range(24):
            fy = 2022 + i // 12
            labels.append(f"{fy}/{(fy + 1) % 100:02d} M{i % 12 + 1:02d}")
        path = tmp_path / "fy.csv"
        path.write_text("FY Month,Readmissions\n" + "\n".join(f"{lab},{100 + i}" for i, lab in enumerate(labels)) + "\n",
                        encoding="utf-8")
        df = read(path)
        assert list(df["FY Month"]) == MONTHS
        notes = " | ".join(df.attrs["qitools_changes"])
        assert "'2022/23 M01' is Apr 2022" in notes
        x = df["FY Month"]
        assert qi.io.x_values_from_text("2023/24 M10", x) == [pd.Timestamp("2024-01-01")]
        assert qi.io.x_values_from_text("FY2022-23 Month 12", x) == [pd.Timestamp("2023-03-01")]

    def test_a_financial_year_label_whose_years_do_not_follow_is_not_a_date(self):
        x = pd.Series(MONTHS)
        with pytest.raises(qi.QIValueError, match="not a date"):
            qi.io.x_values_from_text("2023/25 M01", x)


class TestPartDatesNotInTheChart:
    def test_a_part_between_weeks_names_the_nearest_weeks_in_chart_words(self, tmp_path, capsys):
        # before the fix: "[Timestamp('2023-08-01 00:00:00')] ... x runs from Timestamp(...)"
        weeks = pd.date_range("2023-04-03", periods=30, freq="7D")
        path = tmp_path / "weeks.csv"
        path.write_text("Wk,Count\n" + "\n".join(f"{w:%d/%m/%Y},{5 + i % 4}" for i, w in enumerate(weeks)) + "\n",
                        encoding="utf-8")
        assert main(["chart", str(path), "--x", "Wk", "--y", "Count", "--chart", "c", "--part", "Aug 2023"]) == 2
        err = capsys.readouterr().err
        assert "'Aug 2023', which is not a time of the chart" in err
        assert "31 Jul 2023 and 7 Aug 2023" in err and "Timestamp" not in err
        assert main(["chart", str(path), "--x", "Wk", "--y", "Count", "--chart", "c", "--part", "7 Aug 2023"]) == 0


EXPORTS = Path(__file__).parent / "data" / "exports"
sys_path_added = str(Path(__file__).resolve().parents[1] / "benchmarks")


def _bench_io():
    import sys

    if sys_path_added not in sys.path:
        sys.path.insert(0, sys_path_added)
    import bench_io

    return bench_io


def ods_rows(rows: list[list[object]]) -> str:
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, (int, float)):
                cells.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                             "</table:table-cell>")
            else:
                cells.append(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>')
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    return "".join(out)


class TestOldExcelAndOpenDocument:
    """.xls (Excel 97-2003, still the default of some hospital systems) and .ods (LibreOffice)."""

    def test_xls_is_read_with_its_dates_total_row_and_n_a(self):
        # before the fix: "an old-style Excel (.xls) file, which qitools cannot read"
        df = read(EXPORTS / "ward_falls.xls")
        assert list(df["Date"]) == MONTHS
        expected = [10.0 + i % 5 for i in range(24)]
        expected[5] = np.nan
        np.testing.assert_array_equal(df["Falls"].to_numpy(dtype=float), expected)
        assert df["Bed days"].tolist() == [2400 + i for i in range(24)]
        notes = " | ".join(df.attrs["qitools_changes"])
        assert "row 28 was a total" in notes and "'n/a' in 'Falls' (row 9)" in notes
        assert qi.io.excel_sheet_names((EXPORTS / "ward_falls.xls").read_bytes()) == ["Falls", "Notes"]

    def test_the_command_charts_an_xls(self, tmp_path, capsys):
        report = tmp_path / "r.html"
        code = main(["chart", str(EXPORTS / "ward_falls.xls"), "--x", "Date", "--y", "Falls", "--n", "Bed days",
                     "--chart", "auto", "--report", str(report)])
        assert code == 0
        assert "24 points from Apr 2022 to Mar 2024" in capsys.readouterr().out
        assert "row 28 was a total and was dropped" in report.read_text(encoding="utf-8")

    def test_xls_sheet_that_does_not_exist(self):
        with pytest.raises(qi.QIValueError, match=r"no sheet 'Data'.*\['Falls', 'Notes'\]"):
            read(EXPORTS / "ward_falls.xls", sheet="Data")

    def test_ods_is_read(self, tmp_path):
        bench_io = _bench_io()
        rows = [["Month", "Falls", "Bed days"]] + [[f"{m:%b-%y}", 5 + i % 3, 2400 + i] for i, m in enumerate(MONTHS)]
        # LibreOffice writes the empty rows below the table as one repeated row: not part of the data
        empty = '<table:table-row table:number-rows-repeated="1048550"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        path = tmp_path / "falls.ods"
        path.write_bytes(bench_io.ods(ods_rows(rows) + empty, sheet="Ward"))
        df = read(path)
        assert list(df["Month"]) == MONTHS and df["Falls"].tolist() == [5 + i % 3 for i in range(24)]
        assert qi.io.excel_sheet_names(path.read_bytes()) == ["Ward"]

    @pytest.mark.parametrize(
        ("name", "found"),
        [("sparse.xls", "its cells reach IV65536"), ("repeated.ods", "its cells reach AMJ1048576")],
    )
    def test_bombs_are_refused_before_they_are_expanded(self, tmp_path, name, found):
        bench_io = _bench_io()
        path = tmp_path / name
        path.write_bytes((EXPORTS / name).read_bytes() if name.endswith(".xls") else bench_io.repeated_ods())
        with pytest.raises(qi.QIValueError, match="too big to read") as info:
            qi.read_measure(path)
        assert found in str(info.value)

    def test_a_broken_xls_and_a_web_page_named_xls(self, tmp_path):
        broken = tmp_path / "broken.xls"
        broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
        with pytest.raises(qi.QIValueError, match=r"old-style Excel \(.xls\) file but could not be read"):
            qi.read_measure(broken)
        page = tmp_path / "report.xls"
        page.write_bytes(b"\x00\x01\x02binary junk\xff" * 10)
        with pytest.raises(qi.QIValueError):
            qi.read_measure(page)
        page.write_text("<html><body><table><tr><td>Month</td><td>Falls</td></tr></table></body></html>")
        with pytest.raises(qi.QIValueError, match="is named .xls but is a web page"):
            qi.read_measure(page)

    def test_a_text_export_named_xls_is_read_as_text(self, tmp_path):
        # some systems' "export to Excel" writes tab-separated text under the .xls ending
        path = tmp_path / "export.xls"
        path.write_text("Month\tFalls\n" + "\n".join(f"{m:%d/%m/%Y}\t{4 + i % 3}" for i, m in enumerate(MONTHS)) + "\n",
                        encoding="utf-8")
        df = read(path)
        assert list(df["Month"]) == MONTHS and df["Falls"].tolist() == [4 + i % 3 for i in range(24)]
        assert "named .xls but holds text" in df.attrs["qitools_changes"][0]


class TestWorkbooksWithACoverSheet:
    def workbook(self, path: Path, cover_text: bool) -> None:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.title = "Notes"
        if cover_text:
            wb.active["A1"] = "Read me: data for wards A and B"
            wb.active["A2"] = "Counts under 5 suppressed"
        for name in ("Ward A", "Ward B"):
            ws = wb.create_sheet(name)
            ws.append(["Month", "Falls"])
            for i, m in enumerate(MONTHS):
                ws.append([m.to_pydatetime(), i % 6])
        wb.save(path)

    @pytest.mark.parametrize("cover_text", [True, False], ids=["notes", "empty"])
    def test_the_message_names_the_other_sheets_in_each_front_ends_words(self, tmp_path, cover_text, capsys):
        # before the fix: "has no filled cells." / "Could not find the header row", with no word of the sheets
        from qitools._messages import for_app, for_command

        path = tmp_path / "wards.xlsx"
        self.workbook(path, cover_text)
        with pytest.raises(qi.QIValueError) as info:
            read(path)
        message = str(info.value)
        assert "other sheets: 'Ward A', 'Ward B'" in message
        assert "give --sheet \"Ward A\"" in for_command(message)
        assert "choose 'Ward A' in 'Excel sheet'" in for_app(message)
        assert main(["chart", str(path), "--x", "Month", "--y", "Falls", "--chart", "c"]) == 2
        assert '--sheet "Ward A"' in capsys.readouterr().err
        assert main(["chart", str(path), "--sheet", "Ward B", "--x", "Month", "--y", "Falls", "--chart", "c"]) == 0

    def test_a_chosen_sheet_with_no_table_points_to_the_others_too(self, tmp_path):
        # the app passes the sheet shown in its 'Excel sheet' list (the first one, to begin with)
        path = tmp_path / "wards.xlsx"
        self.workbook(path, True)
        with pytest.raises(qi.QIValueError, match="other sheets: 'Ward A', 'Ward B'"):
            read(path, sheet="Notes")

    def test_the_app_says_which_sheets_to_choose(self, tmp_path):
        pytest.importorskip("ipywidgets")
        from qitools.app.ui import WorkshopApp

        path = tmp_path / "wards.xlsx"
        self.workbook(path, True)
        app = WorkshopApp()
        app.load_file(path.name, path.read_bytes())
        assert app.error is not None and "choose 'Ward A' in 'Excel sheet'" in app.error
        app.sheet.value = "Ward B"
        assert app.error is None and app.cc is not None


class TestMessagesNameTheFilesRowsWithoutPython:
    """The command and the app name rows as the file numbers them, and say fixes in the file's terms."""

    def export(self, tmp_path: Path) -> Path:
        path = tmp_path / "falls.csv"
        rows = ["Falls by month", "", "Month,Falls,Bed days,Rate"]  # a title, a blank line, then the header (line 3)
        for i, m in enumerate(MONTHS):
            bed_days = 0 if i == 3 else 2400
            rate = "inf" if i == 3 else f"{(5 + i % 4) / 2.4:.3f}"
            rows.append(f"{m:%Y-%m},{5 + i % 4},{bed_days},{rate}")
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path  # the month with 0 bed days (i = 3) is on line 7

    @pytest.mark.parametrize(
        ("args", "said"),
        [
            (["--y", "Falls", "--n", "Bed days", "--chart", "u"], "(row 7). The chart divides by n"),
            (["--y", "Rate", "--chart", "i"], "infinite values (inf) in row 7"),
        ],
        ids=["zero-denominator", "infinite-rate"],
    )
    def test_the_command(self, tmp_path, capsys, args, said):
        # before the fix: "row 3" (counted from 0 after the header) and "df['Rate'] = df['Rate'].replace(...)"
        assert main(["chart", str(self.export(tmp_path)), "--x", "Month", *args]) == 2
        err = capsys.readouterr().err
        assert said in err
        for python in ("df[", "np.", "pd.", "NaN"):
            assert python not in err

    def test_the_library_keeps_its_own_index(self, tmp_path):
        df = read(self.export(tmp_path))
        assert list(df.index) == list(range(24))
        assert list(qi.io.numbered_as_in_file(df).index) == list(range(4, 28))
        with pytest.raises(qi.QIValueError, match=r"\(row 3\)"):
            qi.control_chart(df, x="Month", y="Falls", n="Bed days", chart="u")

    def test_the_app(self, tmp_path):
        pytest.importorskip("ipywidgets")
        from qitools.app.ui import WorkshopApp

        app = WorkshopApp()
        path = self.export(tmp_path)
        app.load_file(path.name, path.read_bytes())
        app.x.value, app.n.value, app.y.value = "Month", None, "Rate"
        app.chart.value = "i"
        assert app.error is not None and "in row 7" in app.error and "df[" not in app.error

    def test_a_suppressed_small_count_is_named(self, tmp_path):
        path = tmp_path / "pu.csv"
        path.write_text("Month,Pressure ulcers\n" + "\n".join(
            f"{m:%Y-%m},{'<5' if i == 4 else 6 + i % 3}" for i, m in enumerate(MONTHS)) + "\n", encoding="utf-8")
        notes = " | ".join(read(path).attrs["qitools_changes"])
        assert "line 6 of 'Pressure ulcers' ('<5', a small count hidden for privacy) was not a number" in notes


class TestCommandDrawingNotes:
    def test_a_font_warning_is_one_note_in_the_commands_words(self, tmp_path, capsys):
        # before the fix: "/path/to/qitools:8: QIToolsWarning: ...", "sys.exit(main())" and one matplotlib
        # UserWarning per character, after the chart was written
        path = tmp_path / "japanese.csv"
        path.write_text("月,転倒件数\n" + "\n".join(f"{m:%Y-%m},{5 + i % 4}" for i, m in enumerate(MONTHS)) + "\n",
                        encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing may escape as a Python warning
            code = main(["chart", str(path), "--x", "月", "--y", "転倒件数", "--chart", "i",
                         "--out", str(tmp_path / "c.png"), "--report", str(tmp_path / "r.html")])
        assert code == 0
        err = capsys.readouterr().err
        assert err.count("are not in its font") == 1 and "note: Some characters" in err
        for python in ("UserWarning", "QIToolsWarning", "rcParams", "sys.exit", "Glyph"):
            assert python not in err


class TestCommandSummaryInWords:
    def test_the_terminal_summary_uses_the_reports_words_and_numbers(self, tmp_path, capsys):
        # before the fix: "part  n_obs  n_useful ... runs_signal ... cl 4.13977 lcl 0.259776", True/False
        path = tmp_path / "falls.csv"
        rows = [f"{m:%Y-%m},{5 + i % 4 + (4 if i >= 12 else 0)},{2400 + 10 * i}" for i, m in enumerate(MONTHS)]
        path.write_text("Month,Falls,Bed days\n" + "\n".join(rows) + "\n", encoding="utf-8")
        assert main(["chart", str(path), "--x", "Month", "--y", "Falls", "--n", "Bed days", "--chart", "u",
                     "--multiply", "1000", "--part", "Apr 2023"]) == 0
        out = capsys.readouterr().out
        summary = out.split("\n\n")[0]
        for internal in ("n_obs", "n_useful", "longest_run", "runs_signal", "sigma_signals", "True", "False"):
            assert internal not in summary
        lines = {line[:30].strip(): line[30:].split() for line in summary.splitlines()}
        assert lines[""] == ["Part", "1", "Part", "2"]
        assert lines["Points"] == ["12", "12"] and lines["Non-random runs"][0] in ("yes", "no")
        cc = qi.control_chart(read(path), x="Month", y="Falls", n="Bed days", chart="u", multiply=1000,
                              part=[pd.Timestamp("2023-04-01")])
        from qitools.report import format_number

        assert lines["Centre line"] == [format_number(v) for v in cc.summary["cl"]]
        assert f"is {format_number(cc.summary['cl'].iloc[0])}" in out  # the reading gives the same number


class TestReportWarnings:
    def test_trial_limits_are_listed_when_the_command_hands_over_its_warnings(self, tmp_path):
        # before the fix: the command and the app pass their warnings (often none), and the report's
        # "Warnings" said "None." under a reading that calls the limits trial limits (17 and 13 points)
        weeks = pd.date_range("2023-04-03", periods=30, freq="7D")
        path = tmp_path / "weeks.csv"
        path.write_text("Wk,Count\n" + "\n".join(f"w/c {w:%d/%m/%Y},{5 + i % 4}" for i, w in enumerate(weeks)) + "\n",
                        encoding="utf-8")
        report = tmp_path / "r.html"
        assert main(["chart", str(path), "--x", "Wk", "--y", "Count", "--chart", "c", "--part", "31 Jul 2023",
                     "--report", str(report)]) == 0
        page = report.read_text(encoding="utf-8")
        warnings_part = page.split("<h2>Warnings</h2>", 1)[1].split("<h2>", 1)[0]
        assert "None." not in warnings_part
        assert "part 1 come from only 17 points: they are trial limits" in warnings_part
        assert "part 2 come from only 13 points" in warnings_part

    def test_a_long_baseline_has_no_trial_limit_warning(self, tmp_path):
        df = pd.DataFrame({"month": MONTHS, "falls": [5 + i % 4 for i in range(24)]})
        cc = qi.control_chart(df, x="month", y="falls", chart="c")
        qi.chart_report(cc, tmp_path / "r.html", notes=[])
        page = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert "trial limits" not in page.split("<h2>Warnings</h2>", 1)[1].split("<h2>", 1)[0]


class TestDayNumbersUnderAnotherName:
    def test_a_hint_to_read_them_as_dates(self, tmp_path, capsys):
        # before the fix: "24 points from point 44652 to point 45342" and no word of --dates
        path = tmp_path / "ref.csv"
        path.write_text("Ref,Count\n" + "\n".join(f"{44652 + 30 * i},{3 + i % 5}" for i in range(24)) + "\n",
                        encoding="utf-8")
        df = read(path)
        assert df["Ref"].tolist()[:2] == [44652, 44682]  # left as numbers: the name does not say dates
        assert any("run like Excel day numbers (44652 would be 1 Apr 2022)" in c for c in df.attrs["qitools_changes"])
        assert main(["chart", str(path), "--x", "Ref", "--y", "Count", "--chart", "c"]) == 0
        assert "If they are dates, give --dates Ref." in capsys.readouterr().err

    @pytest.mark.parametrize("values", [[52000, 51000, 53000], [45000, 45000, 45001], [30000.5, 30001.5, 30002.5],
                                         [40000, 45000, 50000]], ids=["unordered", "repeated", "fractions", "big-steps"])
    def test_other_numbers_in_that_range_get_no_hint(self, tmp_path, values):
        path = tmp_path / "population.csv"
        path.write_text("Area,Population\n" + "\n".join(f"A{i},{v}" for i, v in enumerate(values)) + "\n",
                        encoding="utf-8")
        assert not any("Excel day numbers" in c for c in read(path).attrs["qitools_changes"])


class TestReportDataTable:
    def test_a_gap_is_not_called_common_cause(self, tmp_path):
        # before the fix a month read as missing ('n/a') was listed as "common cause" in the report's data
        df = pd.DataFrame({"month": MONTHS[:12], "falls": [4.0, 5, np.nan, 6, 5, 4, 6, 5, 3, 4, 5, 6]})
        cc = qi.control_chart(df, x="month", y="falls", chart="c", improvement="decrease")
        qi.chart_report(cc, tmp_path / "r.html")
        page = (tmp_path / "r.html").read_text(encoding="utf-8")
        data = page.split("<h2>Data</h2>", 1)[1]
        row = data.split("Jun 2022", 1)[1].split("</tr>", 1)[0]
        assert "missing" in row and "common cause" not in row
        assert data.count("common cause") == 11

    def test_a_faceted_summary_names_each_group_once_and_stops_at_six(self, tmp_path, capsys):
        # before the fix the group names were printed twice (as the heading and as a 'Ward' row), and
        # 100 wards made 100 columns
        rows = [f"{m:%Y-%m},Ward {w:02d},{(i + w) % 5}" for w in range(9) for i, m in enumerate(MONTHS)]
        path = tmp_path / "wards.csv"
        path.write_text("Month,Ward,Falls\n" + "\n".join(rows) + "\n", encoding="utf-8")
        assert main(["chart", str(path), "--x", "Month", "--y", "Falls", "--facet", "Ward", "--chart", "c"]) == 0
        summary = capsys.readouterr().out.split("\n\n")[0].splitlines()
        assert summary[0].split() == ["Ward", "00", "Ward", "01", "Ward", "02", "Ward", "03", "Ward", "04", "Ward", "05"]
        assert not any(line.startswith("Ward") for line in summary[1:])
        assert summary[-1].startswith("... and 3 more")


def test_text_dates_out_of_order_are_said_in_each_front_ends_words():
    # engine.py's warning names pd.to_datetime and parse_dates=: the command and the app say --dates / 'Dates in'
    from qitools._messages import for_app, for_command

    df = pd.DataFrame({"wk": ["01/03/2024", "01/01/2024", "01/02/2024"], "y": [1.0, 2, 3]})
    with pytest.warns(qi.QIToolsWarning) as caught:
        qi.control_chart(df, x="wk", y="y", chart="i")
    text = next(str(w.message) for w in caught if "reads as dates" in str(w.message))
    for said in (for_command(text), for_app(text)):
        assert "pd." not in said and "df[" not in said and "parse_dates" not in said
    assert "name it in --dates" in for_command(text) and "choose it in 'Dates in'" in for_app(text)


def test_the_app_offers_xls_and_ods_uploads():
    pytest.importorskip("ipywidgets")
    from qitools.app import ui

    assert {".xls", ".ods", ".xlsx", ".csv"} <= set(ui.ACCEPT.split(","))
