"""The workshop app (``qitools app``) in the browser, as a team uses it.

The app is started once per session with ``qitools app --no-browser`` on a free port. Chromium
uploads the messy example export through the page's upload button (a file chooser, as a person
does), checks that the suggested chart, the picture and the plain-English reading appear, switches
the rule set and adds a part, downloads the report and the PNG, and uploads a bad file to see the
library's message instead of a traceback. With the course's PDSA project uploaded too, the page
and the report list its cycles.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import qitools as qi

from .browser_support import PAGE_LOAD_MS, STEP_MS, WorkshopServer, assert_no_script_errors, screenshot

CHART_IMAGE = "img.qi-chart-image"
READING = ".qi-reading"


def open_app(page: Any, app: WorkshopServer) -> None:
    page.goto(app.url, timeout=PAGE_LOAD_MS)
    try:
        page.wait_for_selector(".qi-upload", timeout=PAGE_LOAD_MS)
    except Exception as exc:
        raise AssertionError(
            f"the workshop page did not show its upload button within {PAGE_LOAD_MS / 1000:.0f} s. "
            f"Server output:\n{app.server.output()}"
        ) from exc


def upload(page: Any, path: Path, button: str = ".qi-upload") -> None:
    """Click the upload button and choose ``path`` in the file chooser."""
    with page.expect_file_chooser(timeout=STEP_MS) as chooser:
        page.click(button)
    chooser.value.set_files(str(path))


def wait_for_text(page: Any, selector: str, text: str, what: str) -> None:
    try:
        page.wait_for_function(
            "([sel, text]) => { const e = document.querySelector(sel); return !!e && e.innerText.includes(text); }",
            arg=[selector, text],
            timeout=STEP_MS,
        )
    except Exception as exc:
        shown = page.inner_text(".qi-app") if page.locator(".qi-app").count() else page.content()[:2000]
        raise AssertionError(
            f"{what}: {text!r} did not appear in {selector} within 30 s. The page shows:\n{shown}"
        ) from exc


def choose(page: Any, widget_class: str, label: str) -> None:
    """Choose an option of a dropdown by its label."""
    page.locator(f".{widget_class} select").select_option(label=label)


class TestUploadTheMessyExport:
    def test_chart_and_reading_appear_and_report_downloads(
        self, page: Any, workshop_app: WorkshopServer, artifacts: Path
    ) -> None:
        open_app(page, workshop_app)
        screenshot(page, artifacts, "app_start")
        upload(page, qi.datasets.path("team_export_messy", "csv"))
        wait_for_text(page, READING, "What the chart says", "after the upload")
        wait_for_text(page, ".qi-suggestion", "U chart", "the suggested chart")
        # what read_measure tidied is listed, the columns were guessed
        assert "team_export_messy.csv: 24 rows" in page.inner_text(".qi-read-info")
        assert page.locator(".qi-x select").input_value() == "Month"
        assert page.locator(".qi-n select").input_value() == "Beds Occupied bed days"
        image = page.locator(CHART_IMAGE)
        image.wait_for(state="visible", timeout=STEP_MS)
        size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert size[0] > 300 and size[1] > 150, f"the chart image did not load (natural size {size})"
        assert "U chart (rates) shows Inpatient falls Number" in page.inner_text(READING)
        screenshot(page, artifacts, "app_messy_export")

        with page.expect_download(timeout=STEP_MS) as download:
            page.click("a.qi-download-report")
        report = artifacts / download.value.suggested_filename
        download.value.save_as(report)
        assert report.name == "team_export_messy_report.html"
        text = report.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>")
        assert "What the chart says" in text and "data:image/png;base64," in text
        assert "team_export_messy.csv" in text

        with page.expect_download(timeout=STEP_MS) as download:
            page.click("a.qi-download-png")
        png = artifacts / download.value.suggested_filename
        download.value.save_as(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"downloads: {report}, {png}")
        assert_no_script_errors(page)

    def test_rule_sets_and_parts_switch(self, page: Any, workshop_app: WorkshopServer, artifacts: Path) -> None:
        open_app(page, workshop_app)
        upload(page, qi.datasets.path("team_export_messy", "xlsx"))
        wait_for_text(page, READING, "What the chart says", "after the Excel upload")
        before = page.locator(CHART_IMAGE).get_attribute("src")

        choose(page, "qi-rules", "NHS Making Data Count")
        page.wait_for_function(
            "([sel, before]) => { const i = document.querySelector(sel); "
            "return !!i && i.getAttribute('src') !== before; }",
            arg=[CHART_IMAGE, before],
            timeout=STEP_MS,
        )
        parts = page.locator(".qi-parts input")
        parts.fill("2022-11-01")
        parts.press("Enter")
        wait_for_text(page, READING, "Part 2 (Nov 2022 to Mar 2024)", "after adding a part")
        screenshot(page, artifacts, "app_mdc_two_parts")
        assert page.locator(".qi-message .qi-error").count() == 0
        assert_no_script_errors(page)


class TestOldExcelExport:
    def test_an_xls_export_is_charted(self, page: Any, workshop_app: WorkshopServer, artifacts: Path) -> None:
        """An Excel 97-2003 export (title row, 'n/a', total row) through the upload button."""
        xls = Path(__file__).resolve().parents[1] / "data" / "exports" / "ward_falls.xls"
        open_app(page, workshop_app)
        upload(page, xls)
        wait_for_text(page, READING, "24 points from Apr 2022 to Mar 2024", "after the .xls upload")
        assert "ward_falls.xls: 24 rows" in page.inner_text(".qi-read-info")
        assert page.locator(".qi-sheet select").input_value() == "Falls"
        screenshot(page, artifacts, "app_xls_export")
        assert_no_script_errors(page)


class TestPDSAProject:
    def test_the_course_project_marks_its_cycles_in_the_reading_and_the_report(
        self, page: Any, workshop_app: WorkshopServer, artifacts: Path
    ) -> None:
        """The course's example project with its measures' data: M1's cycles on the chart and in the report."""
        open_app(page, workshop_app)
        upload(page, qi.datasets.path("pdsa_falls_project", "json"), ".qi-pdsa-upload")
        wait_for_text(page, ".qi-pdsa-info", "Fewer falls on Ash and Cedar wards", "after the PDSA upload")
        assert "9 cycles (9 started), 3 measures" in page.inner_text(".qi-pdsa-info")
        upload(page, qi.datasets.path("pdsa_falls_project", "csv"))
        wait_for_text(page, READING, "PDSA cycles", "after the data upload")
        reading = page.inner_text(READING)
        assert "for measure M1 (Falls per 1000 occupied bed days)" in reading
        assert "6 of 6 marked on the chart" in reading
        assert "C4 Bay tagging: 13 Jun 2022 to 14 Jun 2022, adapt" in reading
        assert "Cycles C1, C2 and C3 are meant to move another measure" in reading
        page.locator(CHART_IMAGE).wait_for(state="visible", timeout=STEP_MS)
        assert page.locator(".qi-pdsa-measure select").is_visible()
        screenshot(page, artifacts, "app_pdsa_cycles")

        with page.expect_download(timeout=STEP_MS) as download:
            page.click("a.qi-download-report")
        report = artifacts / f"pdsa_{download.value.suggested_filename}"
        download.value.save_as(report)
        text = report.read_text(encoding="utf-8")
        section = text.split("<h2>PDSA cycles</h2>", 1)[1].split("<h2>", 1)[0]
        assert re.findall(r'<tr><td class="t">(C\d+)</td>', section) == ["C4", "C5", "C7", "C6", "C8", "C9"]

        # another measure's cycles, chosen in the page
        before = page.locator(CHART_IMAGE).get_attribute("src")
        choose(page, "qi-y", "lsbp_recorded")
        choose(page, "qi-n", "lsbp_audited")
        page.wait_for_function(
            "([sel, before]) => { const i = document.querySelector(sel); "
            "return !!i && i.getAttribute('src') !== before; }",
            arg=[CHART_IMAGE, before],
            timeout=STEP_MS,
        )
        # both choices redraw the chart: wait for the second (the reading names the denominator)
        wait_for_text(page, READING, "lsbp_audited", "after choosing the audit columns")
        wait_for_text(page, READING, "for measure M2", "after choosing the audit columns")
        assert "3 of 3 marked on the chart" in page.inner_text(READING)
        screenshot(page, artifacts, "app_pdsa_cycles_m2")
        assert_no_script_errors(page)

    def test_a_file_that_is_not_a_pdsa_project_gets_a_message(
        self, page: Any, workshop_app: WorkshopServer, artifacts: Path, tmp_path: Path
    ) -> None:
        bad = tmp_path / "notes.pdsa"
        bad.write_text("Ward 7 PDSA notes", encoding="utf-8")
        open_app(page, workshop_app)
        upload(page, bad, ".qi-pdsa-upload")
        wait_for_text(page, ".qi-pdsa-info", "is not a qitools PDSA file", "after uploading a text file")
        shown = page.inner_text("body")
        assert "Traceback" not in shown and not re.search(r"\w+Error\b", shown), "a Python error is shown"
        screenshot(page, artifacts, "app_pdsa_bad_file")
        assert_no_script_errors(page)


class TestExamplesAndBadFiles:
    def test_example_dataset(self, page: Any, workshop_app: WorkshopServer, artifacts: Path) -> None:
        open_app(page, workshop_app)
        choose(page, "qi-example", qi.datasets.info("cdiff")["title"])
        wait_for_text(page, READING, "What the chart says", "after picking an example")
        wait_for_text(page, ".qi-suggestion", "U chart", "the suggested chart for C. difficile per bed day")
        screenshot(page, artifacts, "app_example_cdiff")
        assert_no_script_errors(page)

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("old_export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old-style Excel (.xls) file"),
            ("empty.csv", b"", "empty.csv is empty"),
        ],
        ids=["xls", "empty"],
    )
    def test_bad_file_shows_the_library_message(
        self,
        page: Any,
        workshop_app: WorkshopServer,
        artifacts: Path,
        tmp_path: Path,
        name: str,
        content: bytes,
        message: str,
    ) -> None:
        bad = tmp_path / name
        bad.write_bytes(content)
        open_app(page, workshop_app)
        upload(page, bad)
        wait_for_text(page, ".qi-message", message, f"after uploading {name}")
        assert page.locator(".qi-message .qi-error").count() == 1
        shown = page.inner_text("body")
        assert "Traceback" not in shown and not re.search(r"\w+Error\b", shown), "a Python error is shown"
        assert page.locator(f"{CHART_IMAGE}:visible").count() == 0
        screenshot(page, artifacts, f"app_bad_file_{Path(name).suffix.lstrip('.')}")
        assert_no_script_errors(page)
