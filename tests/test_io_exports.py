"""Teams' exports as hospital and European systems write them (audit of issue 19, round 3).

Each test builds a small export the way the system that made it does (in tmp_path, with openpyxl or
the csv module) and checks what ``read_measure`` and ``qitools chart`` make of it: the values a
person reads in the file, and the notes that say what was done.
"""

from __future__ import annotations

import csv
import datetime
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
