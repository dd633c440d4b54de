"""The workshop page's logic (``qitools.app.ui``), without a browser.

The page must give the same answers as the library called directly (its only source of truth):
every expected value here comes from calling ``qi.read_measure`` / ``qi.suggest_chart`` /
``qi.control_chart`` on the same input, and every message shown for a bad file is the library's
own message for that file, word for word.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import re
import warnings

import pandas as pd
import pytest

import qitools as qi
from qitools._messages import for_app

pytest.importorskip("ipywidgets")

from qitools.app import ui  # noqa: E402
from qitools.app.ui import EXAMPLES, WorkshopApp  # noqa: E402

MESSY_CSV = qi.datasets.path("team_export_messy", "csv")
MESSY_XLSX = qi.datasets.path("team_export_messy", "xlsx")
Y, N, X = "Inpatient falls Number", "Beds Occupied bed days", "Month"


def read_directly(content: bytes, name: str, **kwargs) -> pd.DataFrame:
    buffer = io.BytesIO(content)
    buffer.name = name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qi.QIToolsWarning)
        return qi.read_measure(buffer, **kwargs)


def library_message(content: bytes, name: str, **kwargs) -> str:
    """The library's message, in the page's words (its controls, not Python's argument names)."""
    with pytest.raises(qi.QIToolsError) as info:
        read_directly(content, name, **kwargs)
    return for_app(str(info.value))


def shown_text(app: WorkshopApp) -> str:
    """Everything the page shows as text (HTML widgets), tags removed."""
    parts = [app.message.value, app.read_info.value, app.suggestion_box.value, app.reading.value, app.status.value]
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


def data_uri_bytes(html_text: str, css_class: str) -> bytes:
    m = re.search(rf'class="{css_class}"[^>]*href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html_text)
    assert m, f"no {css_class} link in {html_text[:200]!r}"
    return base64.b64decode(m.group(1))


@pytest.fixture
def messy_app() -> WorkshopApp:
    app = WorkshopApp()
    app.load_file(MESSY_CSV.name, MESSY_CSV.read_bytes())
    return app


class TestStart:
    def test_waits_for_data(self):
        app = WorkshopApp()
        assert app.data is None and app.cc is None and app.error is None
        assert "Upload your export" in app.message.value
        assert app.controls.layout.display == "none"
        assert app.image.layout.display == "none"
        assert app.downloads.value == ""

    def test_show_returns_the_page(self):
        app = WorkshopApp()
        assert app.show() is app.widget
        assert "qi-app" in app.widget._dom_classes


class TestUploadMessyExport:
    def test_reads_like_read_measure(self, messy_app):
        expected = read_directly(MESSY_CSV.read_bytes(), MESSY_CSV.name)
        pd.testing.assert_frame_equal(messy_app.data, expected)
        assert messy_app.changes == expected.attrs["qitools_changes"]
        assert f"tidied the file in {len(expected.attrs['qitools_changes'])} ways" in messy_app.read_info.value
        assert "24 rows and 6 columns" in messy_app.read_info.value

    def test_guesses_columns_and_suggests_the_chart(self, messy_app):
        assert (messy_app.x.value, messy_app.y.value, messy_app.n.value, messy_app.facet.value) == (X, Y, N, "")
        expected = qi.suggest_chart(messy_app.data, y=Y, n=N, x=X)
        assert messy_app.suggestion.chart == expected.chart == "u"
        assert messy_app.suggestion.reasons == expected.reasons
        assert messy_app.chart.options[0] == ("suggested: u (U chart (rates))", "auto")
        for reason in expected.reasons:
            assert reason in shown_text(messy_app).replace("  ", " ") or reason.replace("'", "&#x27;") in (
                messy_app.suggestion_box.value
            )

    def test_chart_matches_control_chart(self, messy_app):
        expected = qi.control_chart(messy_app.data, x=X, y=Y, n=N, chart="u", multiply=1000)
        pd.testing.assert_frame_equal(messy_app.cc.summary, expected.summary)
        assert messy_app.cc.params["multiply"] == 1000
        assert str(expected.explain()).split("\n\n")[0] in shown_text(messy_app)

    def test_picture_and_downloads(self, messy_app):
        assert messy_app.png[:8] == b"\x89PNG\r\n\x1a\n"
        assert messy_app.image.value == messy_app.png and messy_app.image.layout.display == ""
        assert data_uri_bytes(messy_app.downloads.value, "qi-download-png") == messy_app.png
        report = data_uri_bytes(messy_app.downloads.value, "qi-download-report").decode("utf-8")
        assert report == messy_app.report_html
        assert report.startswith("<!DOCTYPE html>") and "from team_export_messy.csv" in report
        assert 'download="team_export_messy_report.html"' in messy_app.downloads.value

    def test_excel_copy_gives_the_same_chart(self, messy_app):
        app = WorkshopApp()
        app.load_file(MESSY_XLSX.name, MESSY_XLSX.read_bytes())
        assert app.error is None
        pd.testing.assert_frame_equal(app.cc.summary, messy_app.cc.summary)

    def test_upload_widget_event(self):
        app = WorkshopApp()
        content = MESSY_CSV.read_bytes()
        app.upload.value = (
            {
                "name": "export.csv",
                "type": "text/csv",
                "size": len(content),
                "content": memoryview(content),
                "last_modified": datetime.datetime(2024, 4, 3, tzinfo=datetime.timezone.utc),
            },
        )
        assert app.error is None and app.cc is not None and app.source == "export.csv"
        assert app.upload.value == ()  # cleared, so the same file can be chosen again


@pytest.mark.filterwarnings("ignore::qitools.TooFewPointsWarning")
class TestChoices:
    def test_rule_set(self, messy_app):
        messy_app.rules.value = "mdc"
        assert messy_app.error is None
        assert messy_app.cc.params["rules"] == "mdc"
        expected = qi.control_chart(messy_app.data, x=X, y=Y, n=N, chart="u", multiply=1000, rules="mdc")
        pd.testing.assert_frame_equal(messy_app.cc.data, expected.data)

    @pytest.mark.parametrize("text", ["2022-11-01", "01/11/2022", " 2022-11-01 ; ", "Nov 2022"])
    def test_parts(self, messy_app, text):
        messy_app.parts.value = text
        assert messy_app.error is None
        expected = qi.control_chart(
            messy_app.data, x=X, y=Y, n=N, chart="u", multiply=1000, part=[pd.Timestamp("2022-11-01")]
        )
        pd.testing.assert_frame_equal(messy_app.cc.summary, expected.summary)
        assert list(messy_app.cc.summary["part"]) == [1, 2]

    def test_part_that_is_not_a_date(self, messy_app):
        messy_app.parts.value = "November"
        assert messy_app.error == (
            "'New part from' has 'November', which is not a date. Write dates as the chart shows them (Nov 2022) "
            "or as 2022-11-01 or 01/11/2022, separated by commas."
        )
        assert messy_app.cc is None and messy_app.downloads.value == ""
        messy_app.parts.value = ""
        assert messy_app.error is None and messy_app.cc is not None

    def test_part_not_in_the_data_names_the_nearest_months_in_chart_words(self, messy_app):
        messy_app.parts.value = "2022-11-15"
        assert messy_app.error == (
            "'New part from' has '2022-11-15', which is not a time of the chart: it must be one of the values of "
            "the time column, which runs from Apr 2022 to Mar 2024. The nearest are Nov 2022 and Dec 2022: write "
            "one of them as the chart shows it."
        )
        assert "Timestamp" not in messy_app.error

    def test_chart_type_improvement_and_target(self, messy_app):
        messy_app.chart.value = "run"
        assert messy_app.cc.chart == "run"
        messy_app.chart.value = "u"
        messy_app.improvement.value = "decrease"
        messy_app.target.value = "5"
        assert messy_app.error is None
        assert messy_app.cc.params["improvement"] == "decrease" and messy_app.cc.params["target"] == 5.0

    def test_target_that_is_not_a_number(self, messy_app):
        messy_app.target.value = "five"
        assert messy_app.error.startswith("Target must be a number on the chart's scale")

    def test_text_column_as_measure_gets_the_library_message(self):
        app = WorkshopApp()
        content = b"month,ward,falls\n2024-01-01,Ash,3\n2024-02-01,Ash,4\n2024-03-01,Ash,2\n"
        app.load_file("falls.csv", content)
        app.y.value = "ward"
        with pytest.raises(qi.QIToolsError) as info:  # rows numbered as in the file (line 2 is the first row)
            qi.suggest_chart(qi.io.numbered_as_in_file(app.data), y="ward", x="month")
        assert app.error == for_app(str(info.value)) and "rows 2, 3, 4" in app.error and "pd." not in app.error
        assert app.controls.layout.display == ""  # the columns stay, to choose another

    def test_facet(self):
        app = WorkshopApp(example="ward_falls")
        assert app.error is None and app.facet.value == "ward"
        assert app.cc.params["n_facets"] == 8
        assert app.suggestion.chart == "u"  # judged on one ward's rows, not on 8 rows per month

    def test_title(self, messy_app):
        messy_app.title.value = "Falls on Ash and Cedar"
        assert "<title>Falls on Ash and Cedar</title>" in messy_app.report_html


class TestDates:
    US = b"Month,Falls\n" + b"".join(f"{m:02d}/13/2024,{m}\n".encode() for m in range(1, 13))

    def test_month_first_dates_get_the_message_and_the_box_to_tick(self):
        app = WorkshopApp()
        app.load_file("us.csv", self.US)
        message = library_message(self.US, "us.csv")
        assert app.error == message
        assert "Tick 'Dates are month-first'" in message and "dayfirst" not in message
        app.monthfirst.value = True  # re-reads the same upload
        assert app.error is None
        expected = read_directly(self.US, "us.csv", dayfirst=False)
        pd.testing.assert_frame_equal(app.data, expected)


class TestExcelSheets:
    def test_second_sheet(self, tmp_path):
        path = tmp_path / "two.xlsx"
        with pd.ExcelWriter(path) as writer:
            pd.DataFrame({"month": pd.date_range("2024-01-01", periods=12, freq="MS"), "a": range(12)}).to_excel(
                writer, sheet_name="Summary", index=False
            )
            pd.DataFrame({"month": pd.date_range("2023-01-01", periods=12, freq="MS"), "b": range(5, 17)}).to_excel(
                writer, sheet_name="Ward 7", index=False
            )
        app = WorkshopApp()
        app.load_file(path.name, path.read_bytes())
        assert list(app.sheet.options) == ["Summary", "Ward 7"] and app.sheet.layout.display == ""
        assert list(app.data.columns) == ["month", "a"]
        app.sheet.value = "Ward 7"
        assert app.error is None and list(app.data.columns) == ["month", "b"]
        pd.testing.assert_frame_equal(app.data, read_directly(path.read_bytes(), path.name, sheet="Ward 7"))


BAD_FILES = {
    "empty": ("empty.csv", b""),
    "old_excel": ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
    "broken_xlsx": ("broken.xlsx", b"PK\x03\x04 not really a workbook"),
    "picture": ("chart.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    "header_only": ("header.csv", b"Month,Falls\n"),
}


class TestBadFiles:
    @pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
    def test_library_message_in_the_page(self, messy_app, case):
        name, content = BAD_FILES[case]
        messy_app.load_file(name, content)
        assert messy_app.error == library_message(content, name)
        assert 'class="qi-box qi-error"' in messy_app.message.value
        # nothing of the previous file stays on the page
        assert messy_app.data is None and messy_app.cc is None
        assert messy_app.controls.layout.display == "none" and messy_app.image.layout.display == "none"
        assert messy_app.downloads.value == "" and messy_app.reading.value == "" and messy_app.read_info.value == ""
        assert "Traceback" not in shown_text(messy_app)

    def test_too_big(self, monkeypatch):
        monkeypatch.setattr(ui, "MAX_UPLOAD_MB", 0.001)
        app = WorkshopApp()
        app.load_file(MESSY_CSV.name, MESSY_CSV.read_bytes())
        assert app.error.startswith("team_export_messy.csv is 0 MB; the page reads files up to 0.001 MB.")

    def test_unexpected_error_is_one_sentence_not_a_traceback(self, messy_app, monkeypatch, capsys):
        def boom(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(qi, "control_chart", boom)
        messy_app.rules.value = "ihi"
        assert messy_app.error == (
            "Something went wrong while drawing the chart (RuntimeError: boom). Check the columns chosen; if this "
            "keeps happening, tell your coach or the qitools team what you did."
        )
        assert "Traceback" not in shown_text(messy_app)

    def test_figures_of_a_failed_drawing_are_closed_others_kept(self, messy_app, monkeypatch):
        import matplotlib.pyplot as plt

        mine = plt.figure()

        def half_drawn(*args, **kwargs):
            plt.figure()
            raise qi.QIValueError("cannot draw")

        monkeypatch.setattr(qi.ControlChart, "save", half_drawn)
        messy_app.update()
        assert messy_app.error == "cannot draw"
        assert plt.get_fignums() == [mine.number]
        plt.close(mine)

    def test_unknown_example(self):
        app = WorkshopApp()
        app.load_example("nope")
        assert app.error.startswith("There is no example 'nope'. Pick one from the list: team_export_messy.csv")


PDSA_JSON = qi.datasets.path("pdsa_falls_project", "json")
PDSA_DATA = qi.datasets.path("pdsa_falls_project", "csv")


def upload_event(widget, name: str, content: bytes) -> None:
    """Set a FileUpload's value as the browser does when a file is chosen."""
    widget.value = (
        {
            "name": name,
            "type": "application/octet-stream",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2024, 4, 3, tzinfo=datetime.timezone.utc),
        },
    )


def pdsa_store_bytes(tmp_path, project=None) -> bytes:
    path = tmp_path / "team.pdsa"
    with qi.pdsa.open(path) as store:
        store.add_project(project if project is not None else qi.pdsa.load_json(PDSA_JSON))
    return path.read_bytes()


@pytest.fixture
def pdsa_app() -> WorkshopApp:
    """The course's example project and its measures' data, uploaded as a team would."""
    app = WorkshopApp()
    upload_event(app.pdsa_upload, PDSA_JSON.name, PDSA_JSON.read_bytes())
    upload_event(app.upload, PDSA_DATA.name, PDSA_DATA.read_bytes())
    return app


class TestPDSAProject:
    """'PDSA project (optional)': the cycles on the chart, under the reading and in the report."""

    def test_cycles_of_the_measure_matching_the_columns(self, pdsa_app, monkeypatch):
        app = pdsa_app
        assert app.error is None and app.pdsa_error is None
        assert (app.x.value, app.y.value, app.n.value, app.cc.chart) == ("month", "falls", "occupied_bed_days", "u")
        assert app.pdsa_upload.value == ()  # cleared, so the same file can be chosen again
        # the same cycles the library gives for the measure charting these columns (M1)
        expected = qi.pdsa.chart_marks(PDSA_JSON, "M1", labels="title")
        pd.testing.assert_frame_equal(app.marks, expected)
        assert app.marks.attrs["how"] == "matched to the chart's columns (falls per occupied_bed_days)"
        text = shown_text(app)
        assert "PDSA cycles of 'Fewer falls on Ash and Cedar wards' for measure M1" in html.unescape(text)
        assert "6 of 6 marked on the chart" in text
        assert "C4 Bay tagging: 13 Jun 2022 to 14 Jun 2022, adapt" in re.sub(r"\s+", " ", text)
        assert "Cycles C1, C2 and C3 are meant to move another measure" in text
        assert app.pdsa_measure.layout.display == ""  # three measures: the page offers the choice
        # the downloaded report has the section; the picture is drawn with the cycles
        report = data_uri_bytes(app.downloads.value, "qi-download-report").decode("utf-8")
        assert report == app.report_html and "<h2>PDSA cycles</h2>" in report
        assert "<td class=\"t\">C9</td><td class=\"t\">The falls bundle on a second ward</td>" in report

        drawn = []
        real = qi.pdsa.plot_with_cycles

        def spy(*args, **kwargs):
            drawn.append(real(*args, **kwargs))
            return drawn[-1]

        monkeypatch.setattr(qi.pdsa, "plot_with_cycles", spy)
        app.pdsa_labels.value = "id"
        (ax,) = drawn
        labels = sorted(t.get_text().strip() for t in ax.texts if t.get_gid() == "qi-annotation-label-pdsa")
        assert labels == sorted(expected["cycle"])
        assert data_uri_bytes(app.downloads.value, "qi-download-png") == app.png

    def test_a_store_file_is_read_from_the_upload(self, tmp_path):
        content = pdsa_store_bytes(tmp_path)
        app = WorkshopApp()
        app.load_file(PDSA_DATA.name, PDSA_DATA.read_bytes())
        before = app.png
        app.load_pdsa("team.pdsa", content)
        assert app.pdsa_error is None and app.marks["cycle"].tolist() == ["C4", "C5", "C7", "C6", "C8", "C9"]
        assert app.png != before and "<h2>PDSA cycles</h2>" in app.report_html
        assert (tmp_path / "team.pdsa").read_bytes() == content

    def test_several_measures_and_columns_that_match_none(self, pdsa_app):
        app = pdsa_app
        app.y.value = "occupied_bed_days"
        app.n.value = ""
        assert app.error is None and app.cc is not None  # the chart is still drawn ...
        assert app.marks is None and "<h2>PDSA cycles</h2>" not in app.report_html  # ... without cycles
        assert app.pdsa_error.startswith(
            "The PDSA project 'Fewer falls on Ash and Cedar wards' has 3 measures and qitools cannot tell which one"
        )
        assert "choose one in 'Cycles of measure'" in app.pdsa_error and "measure=" not in app.pdsa_error
        assert "qi-error" in app.pdsa_info.value
        app.pdsa_measure.value = "M2"
        assert app.pdsa_error is None and app.marks["cycle"].tolist() == ["C1", "C2", "C3"]
        assert "qi-error" not in app.pdsa_info.value

    def test_time_column_must_be_dates(self, pdsa_app):
        app = pdsa_app
        app.x.value = ""
        assert app.cc is not None and app.marks is None
        assert app.pdsa_error == (
            "PDSA cycles are marked on a chart by their dates, but this chart has no time column: choose a column "
            "of dates in 'Time (x)'."
        )

    @pytest.mark.parametrize(
        ("name", "content", "said"),
        [
            ("notes.pdsa", b"Ward 7 notes", "it is neither a PDSA store (team.pdsa) nor a project exported as JSON"),
            ("other.json", b'{"rows": []}', "it is JSON, but not a PDSA project exported by qitools"),
            ("photo.json", b"\xff\xd8\xff\xe0{", "it is neither a PDSA store"),
        ],
    )
    def test_a_file_that_is_not_a_pdsa_project(self, pdsa_app, name, content, said):
        app = pdsa_app
        upload_event(app.pdsa_upload, name, content)
        assert app.pdsa_error.startswith(f"'{name}' (the PDSA project) is not a qitools PDSA file: {said}")
        assert app.pdsa_project is None and app.marks is None
        assert app.error is None and app.cc is not None  # the chart stays
        assert "Traceback" not in app.pdsa_info.value and "(given as" not in app.pdsa_error

    def test_another_programs_sqlite_file(self, pdsa_app, tmp_path):
        import sqlite3

        other = tmp_path / "audit.db"
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE t (a)")
        conn.close()
        pdsa_app.load_pdsa("audit.db", other.read_bytes())
        assert "it is an SQLite database made by another program" in pdsa_app.pdsa_error

    def test_too_big(self, pdsa_app, monkeypatch):
        from qitools import _pdsa_chart

        monkeypatch.setattr(_pdsa_chart, "MAX_PROJECT_MB", 0.001)
        pdsa_app.load_pdsa(PDSA_JSON.name, PDSA_JSON.read_bytes())
        assert pdsa_app.pdsa_error.startswith("pdsa_falls_project.json is 0 MB; the page reads PDSA files up to")

    def test_unexpected_error_is_a_sentence(self, pdsa_app, monkeypatch, capsys):
        from qitools import _pdsa_chart

        def boom(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(_pdsa_chart, "read_project", boom)
        pdsa_app.load_pdsa("team.pdsa", b"x")
        assert pdsa_app.pdsa_error.startswith("Something went wrong while reading team.pdsa (RuntimeError: boom).")
        assert "Traceback" not in pdsa_app.pdsa_info.value

    def test_a_store_with_two_projects_offers_the_choice(self, tmp_path):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as store:
            store.new_project("Pressure ulcers", aim="Halve pressure ulcers on Ward 3 by March 2031.")
            store.add_project(qi.pdsa.load_json(PDSA_JSON))
        app = WorkshopApp()
        app.load_file(PDSA_DATA.name, PDSA_DATA.read_bytes())
        app.load_pdsa("team.pdsa", path.read_bytes())
        assert app.pdsa_choice.layout.display == ""
        assert [v for _, v in app.pdsa_choice.options] == ["pressure-ulcers", "falls-ash-cedar"]
        assert app.pdsa_project.id == "pressure-ulcers" and len(app.marks) == 0
        app.pdsa_choice.value = "falls-ash-cedar"
        assert app.pdsa_project.id == "falls-ash-cedar" and len(app.marks) == 6

    def test_remove_and_upload_before_the_data(self):
        app = WorkshopApp()
        app.load_pdsa(PDSA_JSON.name, PDSA_JSON.read_bytes())
        assert "Upload your export (or pick an example) to chart it." in app.pdsa_info.value
        app.load_file(PDSA_DATA.name, PDSA_DATA.read_bytes())
        assert len(app.marks) == 6
        app.pdsa_clear.click()
        assert app.pdsa_project is None and app.marks is None
        assert "PDSA cycles" not in app.reading.value and "<h2>PDSA cycles</h2>" not in app.report_html

    def test_text_from_the_file_is_escaped(self, tmp_path):
        project = qi.pdsa.load_json(PDSA_JSON)
        project.title = "<script>alert(1)</script>"
        project.cycle("C4").title = "<img src=x onerror=alert(2)>"
        app = WorkshopApp()
        app.load_pdsa("team.pdsa", pdsa_store_bytes(tmp_path, project))
        app.load_file(PDSA_DATA.name, PDSA_DATA.read_bytes())
        for page in (app.pdsa_info.value, app.reading.value, app.report_html):
            assert "<script>" not in page and "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in app.reading.value


class TestExamples:
    @pytest.mark.parametrize("key", list(EXAMPLES))
    def test_each_example_charts(self, key):
        app = WorkshopApp()
        app.example.value = key  # as picked in the page
        assert app.error is None, app.error
        assert app.cc is not None and app.png[:4] == b"\x89PNG"

    def test_examples_use_their_catalogue_call(self):
        app = WorkshopApp(example="sepsis_antibiotics")
        assert (app.x.value, app.y.value, app.n.value) == ("week", "antibiotics_within_1h", "sepsis_patients")
        assert app.parts.value == "2023-02-06, 2023-07-03"
        assert app.cc.params["multiply"] == 100 and list(app.cc.summary["part"]) == [1, 2, 3]


class TestGuessColumns:
    def test_dates_measure_and_denominator(self):
        df = pd.DataFrame(
            {
                "Ward": ["A"] * 3,
                "Week ending": pd.date_range("2024-01-07", periods=3, freq="W"),
                "Patients screened": [5.0, 6, 7],
                "Total patients": [10.0, 12, 11],
            }
        )
        assert ui._guess_columns(df) == {
            "x": "Week ending",
            "y": "Patients screened",
            "n": "Total patients",
            "facet": None,
        }

    def test_facet_when_x_repeats_per_unit(self):
        df = pd.DataFrame(
            {
                "month": ["2024-01", "2024-01", "2024-02", "2024-02"],
                "ward": ["A", "B", "A", "B"],
                "falls": [1.0, 2, 3, 4],
            }
        )
        assert ui._guess_columns(df) == {"x": "month", "y": "falls", "n": None, "facet": "ward"}

    def test_no_numbers(self):
        df = pd.DataFrame({"name": ["a", "b"], "note": ["x", "y"]})
        assert ui._guess_columns(df) == {"x": None, "y": "name", "n": None, "facet": None}

    def test_a_measurement_is_not_charted_as_a_numerator_of_patients(self):
        # audit: a UTF-16 export "Délai médian (min)" + "Patients" was guessed as a P' chart of minutes
        # out of patients (centre 7.18); a measurement or a rate is a measure on its own
        df = pd.DataFrame(
            {
                "Date": pd.date_range("2022-04-01", periods=3, freq="MS"),
                "Délai médian (min)": [231.0, 250, 240],
                "Patients": [3200.0, 3300, 3100],
            }
        )
        assert ui._guess_columns(df) == {"x": "Date", "y": "Délai médian (min)", "n": None, "facet": None}
        df = df.rename(columns={"Délai médian (min)": "Median wait (mins)"})
        assert ui._guess_columns(df)["y"] == "Median wait (mins)"


@pytest.mark.parametrize(
    ("chart", "has_n", "expected"),
    [
        ("p", True, 100),
        ("pp", True, 100),
        ("u", True, 1000),
        ("up", True, 1000),
        ("run", True, 1),
        ("i", False, 1),
        ("c", False, 1),
    ],
)
def test_auto_multiply(chart, has_n, expected):
    assert ui._auto_multiply(chart, has_n) == expected
