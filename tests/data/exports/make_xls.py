"""Build the old-style Excel (.xls) files of tests/test_io_exports.py (run by hand; needs xlwt).

    python -m venv .xls-venv && .xls-venv/bin/pip install xlwt && .xls-venv/bin/python make_xls.py

ward_falls.xls: a title row, then Date (Excel dates, shown as Apr-22), Falls and Bed days for the 24
months April 2022 to March 2024 (falls 10 + i % 5, bed days 2400 + i), a 'n/a' in the 6th month and a
total row; a second sheet "Notes". sparse.xls: one cell at A1 and one at IV65536 (the last cell of a
.xls sheet), 16.7 million cells for a reader that expands the sheet.
"""

import datetime


def main() -> None:
    import xlwt  # only here: the test suite never needs it (pytest may import this file)

    book = xlwt.Workbook()
    sheet = book.add_sheet("Falls")
    sheet.write(0, 0, "Inpatient falls - monthly")
    for j, name in enumerate(["Date", "Falls", "Bed days"]):
        sheet.write(2, j, name)
    month_style = xlwt.easyxf(num_format_str="MMM-YY")
    for i in range(24):
        y, m = 2022 + (3 + i) // 12, (3 + i) % 12 + 1
        sheet.write(3 + i, 0, datetime.datetime(y, m, 1), month_style)
        sheet.write(3 + i, 1, "n/a" if i == 5 else 10 + i % 5)
        sheet.write(3 + i, 2, 2400 + i)
    sheet.write(27, 0, "Total")
    sheet.write(27, 1, sum(10 + i % 5 for i in range(24) if i != 5))
    book.add_sheet("Notes").write(0, 0, "Synthetic data for the tests")
    book.save("ward_falls.xls")

    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    sheet.write(0, 0, "Month")
    sheet.write(65535, 255, "x")
    book.save("sparse.xls")


if __name__ == "__main__":
    main()
