"""read_measure round 2: Excel day numbers, encodings, bounded reading, n/a cells, far-off dates; the
formula-safe CSV writer; the command's paths and messages; the report's workings."""

from __future__ import annotations

import datetime
import io
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import QIValueError
from qitools._files import csv_text, neutralise, unneutralise, write_csv
from qitools.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_io  # noqa: E402  (the bomb builders)


def read(source, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.read_measure(source, **kwargs)


def hospital_xlsx(path: Path) -> list[int]:
    """A hospital-system style export: title block, serial-date Month, a total row, n/a cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Inpatient Falls - Monthly Report"
    ws.merge_cells("A1:C1")
    ws["A2"] = "Run date: 03/01/2025 09:14"
    ws.append([])
    ws.append(["Month", "Falls", "Occupied Bed Days"])
    serials = []
    for i in range(24):
        y, m = 2022 + (3 + i) // 12, (3 + i) % 12 + 1
        serial = (datetime.date(y, m, 1) - datetime.date(1899, 12, 30)).days  # Excel's day numbers
        serials.append(serial)
        ws.append([serial, 10 + i % 5 if i not in (5, 17) else "n/a", 1200 + i])
    ws.append(["Total", 250, 29076])
    wb.save(path)
    return serials


class TestExcelDayNumbers:
    def test_serial_month_column_by_name_and_range(self, tmp_path):
        path = tmp_path / "falls.xlsx"
        hospital_xlsx(path)
        df = read(path)
        assert list(df["Month"]) == list(pd.date_range("2022-04-01", periods=24, freq="MS"))
        changes = " | ".join(df.attrs["qitools_changes"])
        assert "Excel day numbers in 'Month' were read as dates (its name says it holds dates): 44652 is 1 Apr 2022" in changes
        assert "row 29 was a total and was dropped" in changes
        assert "'n/a' in 'Falls' (rows 10, 22) were read as missing" in changes

    def test_numbers_without_a_date_name_stay_numbers_unless_asked(self):
        text = "Period code,Falls\n44652,3\n44682,4\n44713,5\n"
        assert read(io.StringIO(text.replace("Period code", "Code")))["Code"].tolist() == [44652, 44682, 44713]
        df = read(io.StringIO(text.replace("Period code", "Code")), dates=["Code"])
        assert df["Code"].dt.strftime("%Y-%m-%d").tolist() == ["2022-04-01", "2022-05-01", "2022-06-01"]

    def test_the_documented_command_charts_the_right_months_and_the_report_names_the_cleaning(self, tmp_path, capsys):
        path = tmp_path / "falls.xlsx"
        hospital_xlsx(path)
        report = tmp_path / "falls.html"
        code = main(["chart", str(path), "--x", "Month", "--y", "Falls", "--n", "Occupied Bed Days", "--chart", "auto",
                     "--multiply", "1000", "--report", str(report)])
        assert code == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert "24 points from Apr 2022 to Mar 2024" in out
        page = report.read_text(encoding="utf-8")
        assert "row 29 was a total and was dropped" in page and "&#x27;n/a&#x27; in &#x27;Falls&#x27;" in page
        assert "Why this chart" in page and "n_obs" not in page and "sigma_signal" not in page
        assert "True" not in page.split("<h2>Summary")[1]


class TestDates:
    def test_dates_past_2262_are_kept_and_a_far_date_is_reported(self):
        months = [f"01/{m:02d}/2024" for m in range(1, 12)] + ["01/12/3024"]
        df = read(io.StringIO("Month,Falls\n" + "\n".join(f"{m},{k}" for k, m in enumerate(months)) + "\n"))
        assert df["Month"].iloc[-1] == pd.Timestamp("3024-12-01")
        assert df["Month"].is_monotonic_increasing
        note = next(c for c in df.attrs["qitools_changes"] if c.startswith("check"))
        assert note.startswith("check line 13 of 'Month' (01/12/3024)") and "typing error" in note


class TestEncodings:
    @pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-8-sig"])
    def test_unicode_text(self, codec):
        text = "Ward\tFalls\tBed days\nCafé\t3\t1,480\nÅsa\t4\t1,512\n"  # Excel's "Unicode text": tab-separated
        df = read(io.BytesIO(text.encode(codec)))
        assert df["Ward"].tolist() == ["Café", "Åsa"] and df["Bed days"].tolist() == [1480, 1512]

    def test_shift_jis_is_detected_and_named(self):
        data = "月,転倒数\n2024-04-01,3\n2024-05-01,4\n2024-06-01,5\n".encode("shift_jis")
        df = read(io.BytesIO(data))
        assert list(df.columns) == ["月", "転倒数"]
        assert any("Shift-JIS" in c for c in df.attrs["qitools_changes"])

    def test_windows_1252_is_named(self):
        df = read(io.BytesIO("Ward,Falls\nBarts £,4\n".encode("cp1252")))
        assert df["Ward"].tolist() == ["Barts £"]
        assert any("Windows-1252" in c for c in df.attrs["qitools_changes"])


class TestBadFiles:
    def test_password_protected_xlsx_is_named_as_such(self):
        # an OLE compound file holding an EncryptedPackage stream, as Excel writes a password-protected .xlsx
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(100)
        with pytest.raises(QIValueError, match="protected with a password") as info:
            qi.read_measure(io.BytesIO(data))
        assert ".xls" not in str(info.value).split("(")[0]

    @pytest.mark.parametrize(
        ("name", "build", "found"),
        [
            ("sparse.xlsx", bench_io.sparse_xlsx, "its cells reach XFD1048576"),
            ("strings.xlsx", lambda: bench_io.shared_strings_xlsx(300), "expand"),
            ("line.csv", lambda: bench_io.one_line_csv(3), "line 1 is 3.0 MB long"),
            ("wide.csv", lambda: b"a" + b",b" * 5000 + b"\n1" + b",2" * 5000 + b"\n", "a line has 5,001 columns"),
        ],
    )
    def test_bombs_are_refused_before_the_work_with_what_was_found(self, tmp_path, name, build, found):
        path = tmp_path / name
        path.write_bytes(build())
        with pytest.raises(QIValueError, match="too big to read") as info:
            qi.read_measure(path)
        assert found in str(info.value) and "Export only the rows and columns" in str(info.value)

    def test_lying_zip_header_is_caught_while_expanding(self, tmp_path, monkeypatch):
        from qitools import _readers

        monkeypatch.setattr(_readers, "MAX_XML_MB", 1)
        path = tmp_path / "strings.xlsx"
        path.write_bytes(bench_io.shared_strings_xlsx(3))
        with pytest.raises(QIValueError, match="too big to read"):
            qi.read_measure(path)


class TestFormulaSafeCSV:
    DANGEROUS = ["=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", " =1+1", "  @x", "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20x",
                 "'=x", "=HYPERLINK(\"http://x\")"]

    @pytest.mark.parametrize("text", DANGEROUS)
    def test_neutralised_and_undone(self, text):
        assert neutralise(text).startswith("'") and unneutralise(neutralise(text)) == text

    @pytest.mark.parametrize("text", ["Ward 3", "falls", "", "1,480", "x=1"])
    def test_ordinary_text_unchanged(self, text):
        assert neutralise(text) == text and unneutralise(text) == text

    def test_frames_rows_and_headers(self, tmp_path):
        frame = pd.DataFrame({"=bad": self.DANGEROUS, "y": np.arange(len(self.DANGEROUS)) - 2.5})
        text = csv_text(frame)
        read_back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        assert list(read_back.columns) == ["'=bad", "y"]
        assert all(v.startswith("'") for v in read_back["'=bad"])
        assert read_back["y"].iloc[0] == "-2.5"  # numbers stay numbers
        path = write_csv(tmp_path / "t.csv", [{"a": "=1", "b": 2}], ["a", "b"])
        assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"'=1,2" in path.read_bytes()


class TestCommandPaths:
    @staticmethod
    def falls(tmp_path: Path) -> Path:
        path = tmp_path / "falls.csv"
        pd.DataFrame({"month": range(1, 13), "falls": [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9],
                      "ward": ["=HYPERLINK(\"http://x\")"] * 12}).to_csv(path, index=False)
        return path

    def test_data_out_is_formula_safe(self, tmp_path):
        path = self.falls(tmp_path)
        out = tmp_path / "points.csv"
        assert main(["chart", str(path), "--x", "month", "--y", "falls", "--facet", "ward", "--data-out", str(out)]) == 0
        text = out.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text

    def test_refuses_to_overwrite_the_input(self, tmp_path, capsys):
        path = self.falls(tmp_path)
        before = path.read_bytes()
        assert main(["chart", str(path), "--y", "falls", "--data-out", str(path)]) == 2
        assert "is the input file" in capsys.readouterr().err and path.read_bytes() == before

    @pytest.mark.skipif(os.name != "posix", reason="symbolic links")
    def test_replaces_a_symlink_rather_than_writing_through_it(self, tmp_path):
        path = self.falls(tmp_path)
        precious = tmp_path / "precious.txt"
        precious.write_text("keep me")
        link = tmp_path / "points.csv"
        link.symlink_to(precious)
        assert main(["chart", str(path), "--y", "falls", "--data-out", str(link)]) == 0
        assert precious.read_text() == "keep me" and not link.is_symlink()

    def test_write_failure_says_could_not_write(self, tmp_path, capsys):
        path = self.falls(tmp_path)
        assert main(["chart", str(path), "--y", "falls", "--report", str(tmp_path / "nope" / "r.html")]) == 2
        err = capsys.readouterr().err
        assert "could not read the input" not in err and "r.html" in err and "does not exist" in err

    def test_a_dollar_column_is_drawn_as_written(self, tmp_path, capsys):
        path = tmp_path / "odd.csv"
        pd.DataFrame({"$\\frac{$": [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9]}).to_csv(path, index=False)
        report, png = tmp_path / "r.html", tmp_path / "c.png"
        code = main(["chart", str(path), "--y", "$\\frac{$", "--chart", "i", "--report", str(report), "--out", str(png)])
        assert code == 0, capsys.readouterr().err
        assert report.is_file() and png.is_file()

    def test_messages_use_the_flags(self, tmp_path, capsys):
        path = tmp_path / "us.csv"
        path.write_text("d,v\n04/13/2024,1\n04/14/2024,2\n")
        assert main(["chart", str(path), "--y", "v"]) == 2
        err = capsys.readouterr().err
        assert "--monthfirst" in err and "dayfirst" not in err


class TestReport:
    @pytest.mark.filterwarnings("ignore::qitools.TooFewPointsWarning")
    def test_one_point_cannot_be_judged(self):
        cc = qi.control_chart(y=[3], n=[100], chart="u")
        text = str(cc.explain())
        assert "cannot be judged" in text and "Common-cause" not in text and "1 point " in text

    def test_faceted_report_has_a_reading_per_facet_and_numeric_x_plain(self):
        df = pd.DataFrame({"ward": ["a"] * 12 + ["b"] * 12, "x": list(range(44652, 44664)) * 2,
                           "y": [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9] * 2})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(df, x="x", y="y", chart="i", facet="ward")
        page = qi.chart_report(cc)
        assert "Each group&#x27;s reading" in page or "Each group's reading" in page
        assert "<h3>a</h3>" in page and "<h3>b</h3>" in page
        assert "44652" in page and "e+04" not in page

    def test_user_text_is_escaped(self):
        cc = qi.control_chart(pd.DataFrame({"<b>x</b>": [1.0, 2, 3, 2, 1, 2, 3, 2, 1, 2]}), y="<b>x</b>", chart="i")
        page = qi.chart_report(cc, title="<script>alert(1)</script>", cleaning=["<i>n</i>"])
        assert "<script>alert" not in page and "<b>x</b>" not in page and "<i>n</i>" not in page


def test_benchmark_smoke_run(tmp_path):
    """benchmarks/bench_io.py runs and reports its ratios (timings are not asserted)."""
    import subprocess

    proc = subprocess.run([sys.executable, str(Path(bench_io.__file__)), "--rows", "3000", "--repeat", "1", "--no-bombs"],
                          capture_output=True, text=True, timeout=300)
    assert "messy_csv" in proc.stdout and "numeric_csv" in proc.stdout and "x  <" in proc.stdout, proc.stderr[-2000:]
