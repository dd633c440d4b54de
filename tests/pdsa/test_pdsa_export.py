"""Export and import: lossless JSON, Excel-safe CSV (formula injection), the self-contained report."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qitools as qi
from qitools.pdsa import PDSACycle
from qitools.pdsa.export import CSV_COLUMNS

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class TestJSON:
    def test_round_trip_text_and_file(self, project, tmp_path):
        assert qi.pdsa.load_json(qi.pdsa.to_json(project)) == project
        path = tmp_path / "falls.json"
        qi.pdsa.to_json(project, path)
        loaded = qi.pdsa.load_json(path)
        assert loaded == project and loaded.source == str(path)

    def test_round_trip_keeps_a_process_map_with_next(self, project, tmp_path):
        steps = [
            "Patient arrives in ED",
            {"step": "Needs a ward bed?", "kind": "decision", "no": "Discharge letter written"},
            {"step": "Waiting for a ward bed", "kind": "delay", "wait": "4 to 12 hours"},
            {"step": "Bed ready?", "kind": "decision", "yes": "Moves to the ward"},
            {"step": "Bed manager chases the ward", "next": 2},  # a loop back, by position
            {"step": "Moves to the ward", "next": "end"},  # the first ending
            {"step": "Discharge letter written", "next": "Patient leaves"},  # the step after it, said by its text
            "Patient leaves",
        ]
        project.add(qi.pdsa.ProcessMap(steps, title="ED"))
        text = qi.pdsa.to_json(project)
        assert json.loads(text)["process_maps"][-1]["steps"][4] == {"step": "Bed manager chases the ward", "next": 2}
        again = qi.pdsa.load_json(text)
        assert again == project and again.process_maps[-1].steps == steps
        with qi.pdsa.open(tmp_path / "t.pdsa") as s:  # and through the store (SQLite)
            s.add_project(again)
            stored = s.load()
        assert stored == project and stored.process_maps[-1].steps == steps
        # the report lists where a step goes when it has a "next"
        qi.pdsa.report(stored, tmp_path / "r.md")
        md = (tmp_path / "r.md").read_text(encoding="utf-8")
        assert "5. Bed manager chases the ward — then → step 3 (Waiting for a ward bed)" in md
        assert "6. Moves to the ward — then → end" in md
        assert "7. Discharge letter written — then → Patient leaves" in md
        assert "3. Wait: Waiting for a ward bed (4 to 12 hours)\n" in md

    def test_round_trip_keeps_odd_values(self, project):
        c = project.cycle("C1")
        c.objective = 'Ünïcødé, "quotes", commas, tabs\tand\nnew lines; =SUM(A1)'
        c.predictions = ["", "x"][1:] + ["[not a list]", "  spaced  ".strip()]
        c.scale_n = None
        project.aim.baseline = 8.25
        project.measure("M2").subset = {"ward": ["Ash", "Oak"], "year": 2024}
        assert qi.pdsa.load_json(qi.pdsa.to_json(project)) == project

    def test_file_is_documented_format(self, project):
        data = json.loads(qi.pdsa.to_json(project))
        assert (data["format"], data["format_version"]) == ("qitools-pdsa", 2)
        assert list(data["cycles"][0]) == [
            "id",
            "title",
            "change_idea",
            "ramp",
            "previous",
            "measure",
            "plan",
            "do",
            "study",
            "act",
        ]

    def test_bad_json_says_where(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text('{\n  "title": "x"\n  "team": "y"\n}')
        with pytest.raises(qi.QIValueError, match=r"is not valid JSON: Expecting ',' delimiter at line 3, column 3"):
            qi.pdsa.load_json(path)
        with pytest.raises(qi.QIValueError, match="No file at"):
            qi.pdsa.load_json(tmp_path / "missing.json")

    def test_byte_order_mark_is_accepted(self, project, tmp_path):
        path = tmp_path / "excel.json"
        path.write_text(qi.pdsa.to_json(project), encoding="utf-8-sig")
        assert qi.pdsa.load_json(path) == project

    def test_not_a_number(self, project):
        project.aim.target = float("nan")
        with pytest.raises(ValueError):
            qi.pdsa.to_json(project)

    def test_measure_dataset_next_to_the_json_file(self, project, data, tmp_path, monkeypatch):
        folder = tmp_path / "shared"
        folder.mkdir()
        data.assign(month=data["month"].dt.strftime("%Y-%m-%d")).to_csv(folder / "falls.csv", index=False)
        project.measure("M1").dataset = "falls.csv"
        qi.pdsa.to_json(project, folder / "project.json")
        monkeypatch.chdir(tmp_path)  # another working folder
        loaded = qi.pdsa.load_json(folder / "project.json")
        cc = qi.pdsa.measure_chart(loaded, "M1")
        assert len(cc.data) == 30 and str(cc.data["x"].dtype).startswith("datetime64")


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


class TestCSV:
    def test_round_trip(self, project, tmp_path):
        path = tmp_path / "cycles.csv"
        qi.pdsa.to_csv(project, path)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # so that Excel reads UTF-8
        assert qi.pdsa.read_csv(path) == project.cycles

    def test_formula_injection_is_neutralised(self, tmp_path):
        nasty = [
            '=HYPERLINK("http://evil.example","click")',
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "=cmd|' /C calc'!A0",
        ]
        c = PDSACycle(
            id="=C1",
            change_idea="+CI1",
            title=nasty[0],
            objective=nasty[1],
            who=nasty[2],
            what=nasty[3],
            where=nasty[4],
            when=nasty[5],
            learning=nasty[6],
            predictions=["-5 falls"],
            questions=["=A1", "ok"],
        )
        text = qi.pdsa.to_csv([c])
        cells = [cell for row in read_rows(text) for cell in row]
        assert not [cell for cell in cells if cell.startswith(TRIGGERS)]
        for value in nasty:
            assert "'" + value in cells
        path = tmp_path / "c.csv"
        qi.pdsa.to_csv([c], path)
        assert qi.pdsa.read_csv(path) == [c]

    def test_cells_starting_with_an_apostrophe_survive(self, tmp_path):
        c = PDSACycle(id="C1", change_idea="CI1", objective="'=not a formula'", learning="'quoted'")
        path = tmp_path / "c.csv"
        qi.pdsa.to_csv([c], path)
        assert qi.pdsa.read_csv(path)[0] == c

    def test_lists_are_one_line_per_item(self):
        c = PDSACycle(id="C1", change_idea="CI1", predictions=["First", "Second"])
        header, row = read_rows(qi.pdsa.to_csv([c]))
        assert row[header.index("predictions")] == "First\nSecond"

    def test_readable_extra_columns(self, project):
        header, first = read_rows(qi.pdsa.to_csv(project))[:2]
        assert header == CSV_COLUMNS + ["project", "status", "change_idea_text"]
        assert first[-3:] == ["ward-falls", "adapt", "Bay tagging"]

    @given(
        st.lists(st.text(max_size=12), max_size=3),
        st.text(max_size=20),
        st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)),
    )
    def test_round_trip_any_text(self, items, text, scale_n):
        import tempfile
        from pathlib import Path

        c = PDSACycle(id="C1", change_idea="CI1", predictions=items, objective=text, scale_n=scale_n)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "c.csv"
            qi.pdsa.to_csv([c], path)
            assert qi.pdsa.read_csv(path) == [c]

    def test_bad_files(self, tmp_path):
        path = tmp_path / "c.csv"
        path.write_text("objective,title\nx,y\n")
        with pytest.raises(qi.QIValueError, match="has no 'id' or 'change_idea' column"):
            qi.pdsa.read_csv(path)
        path.write_text("id,change_idea,scale_n\nC1,CI1,six\n")
        with pytest.raises(qi.QIValueError, match="line 2: scale_n must be a whole number"):
            qi.pdsa.read_csv(path)
        path.write_text("id,change_idea,my notes\nC1,CI1,hello\n\n")
        with pytest.warns(qi.pdsa.PDSAWarning, match="skipped the column 'my notes'"):
            assert qi.pdsa.read_csv(path) == [PDSACycle(id="C1", change_idea="CI1")]
        with pytest.raises(qi.QIValueError, match="No file at"):
            qi.pdsa.read_csv(tmp_path / "none.csv")

    def test_excel_edited_numbers(self, tmp_path):
        path = tmp_path / "c.csv"
        path.write_text("id,change_idea,scale_n,start_date\nC1,CI1,6.0,2024-02-05\n")
        c = qi.pdsa.read_csv(path)[0]
        assert (c.scale_n, c.start_date) == (6, "2024-02-05")


class TestReport:
    def test_html_sections_and_pictures(self, project, data, tmp_path):
        path = tmp_path / "report.html"
        text = qi.pdsa.report(project, path, data=data)
        assert path.read_text(encoding="utf-8") == text
        assert text.startswith("<!DOCTYPE html>")
        for heading in (
            "<h1>Fewer falls on Wards 7 and 8</h1>",
            "<h2>Aim</h2>",
            "<h2>Measures</h2>",
            "<h2>Driver diagram</h2>",
            "<h2>Ramps</h2>",
            "<h2>PDSA cycles</h2>",
        ):
            assert heading in text
        assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', text)) == 3  # chart, tree, ramps
        assert "http" not in re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)  # self-contained
        assert text.count('<div class="cycle">') == 10
        assert "C1 → C2 → C5 → C7 → C10" in text

    def test_markdown_from_the_file_name(self, project, tmp_path):
        text = qi.pdsa.report(project, tmp_path / "report.md", charts=False)
        assert text.startswith("# Fewer falls on Wards 7 and 8\n")
        assert "| R2 | Falls sensor mats | C3 → C4 |" in text and "## PDSA cycles" in text
        assert "data:image" not in text

    def test_text_from_records_cannot_inject_markup(self, project):
        project.cycle("C1").objective = "<script>alert('x')</script> | **bold** [link](http://x)"
        html_text = qi.pdsa.report(project, format="html", charts=False)
        assert "<script>" not in html_text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_text
        md = qi.pdsa.report(project, format="markdown", charts=False)
        assert "<script>" not in md and "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md

    def test_measure_without_data_is_reported_not_fatal(self, project):
        text = qi.pdsa.report(project, format="html")
        assert "Chart not drawn: Measure &#x27;M1&#x27; (Falls per 1000 bed days) has no data" in text
        assert text.count("data:image/png") == 2

    def test_warnings_are_shown(self, project):
        project.cycle("C3").predictions = []
        text = qi.pdsa.report(project, format="markdown", charts=False)
        assert "> ⚠ Cycle 'C3' has no prediction" in text

    def test_bad_format(self, project):
        with pytest.raises(qi.QIValueError, match="`format` must be 'html' or 'markdown'; got 'pdf'"):
            qi.pdsa.report(project, format="pdf")


def test_csv_and_json_agree(project):
    """The two exports carry the same cycles."""
    via_json = qi.pdsa.load_json(qi.pdsa.to_json(project)).cycles
    rows = read_rows(qi.pdsa.to_csv(project))
    assert [r[0] for r in rows[1:]] == [c.id for c in via_json]
    assert dataclasses.asdict(via_json[0])["objective"] == rows[1][CSV_COLUMNS.index("objective")]
