"""``qitools chart FILE --pdsa team.pdsa``: a PDSA project's cycles on a team's own chart and in its report.

The expected cycles, dates and decisions come from the project file itself, read here with the
standard library's ``json`` (not through qitools): the chart must put each cycle where the team
recorded it. The chart is checked on its artists (the label texts and their x positions, the key
under the chart), the report on its HTML; never on pixels.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from _readonly import read_only_runner  # noqa: E402

import qitools as qi  # noqa: E402
from qitools.cli import main  # noqa: E402
from qitools.pdsa.draw import KEY_GID, LABEL_GID  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROJECT_JSON = ROOT / "datasets" / "pdsa_falls_project.json"
DATA_CSV = ROOT / "datasets" / "pdsa_falls_project.csv"
U_CHART = ["--x", "month", "--y", "falls", "--n", "occupied_bed_days", "--chart", "u", "--multiply", "1000"]


def raw_cycles(measure: str | None = None) -> dict[str, dict[str, Any]]:
    """The cycles as the file records them (plain json): id -> start, end, act, measure, idea text."""
    doc = json.loads(PROJECT_JSON.read_text(encoding="utf-8"))
    ideas = {ci["id"]: ci["text"] for ci in doc["change_ideas"]}
    out = {}
    for c in doc["cycles"]:
        if measure is not None and c.get("measure") not in (measure, None):
            continue
        out[c["id"]] = {
            "start": pd.Timestamp(c["do"]["start_date"]),
            "end": pd.Timestamp(c["do"]["end_date"]),
            "act": c["act"]["decision"],
            "idea": ideas[c["change_idea"]],
            "measure": c.get("measure"),
        }
    return out


def day(t: pd.Timestamp) -> str:
    return f"{t.day} {t:%b %Y}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def drawn(monkeypatch) -> list[Any]:
    """What the command saves (the Axes or Figure handed to qitools.plot.save), for assertions on artists."""
    import qitools.plot

    kept: list[Any] = []
    real = qitools.plot.save

    def spy(fig_or_ax: Any, path: Any, **kwargs: Any) -> Any:
        kept.append(fig_or_ax)
        return real(fig_or_ax, path, **kwargs)

    monkeypatch.setattr(qitools.plot, "save", spy)
    return kept


def labels_of(ax: Any) -> dict[str, float]:
    """Cycle label text -> its x position on the chart (matplotlib date number)."""
    return {t.get_text().strip(): t.get_position()[0] for t in ax.texts if t.get_gid() == LABEL_GID}


def overlapping(ax: Any, gid: str) -> list[tuple[str, str]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure was closed after saving
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_gid() == gid]
    return [
        (a, b)
        for i, (a, ba) in enumerate(boxes)
        for b, bb in boxes[i + 1 :]
        if ba.x0 < bb.x1 - 1 and bb.x0 < ba.x1 - 1 and ba.y0 < bb.y1 - 1 and bb.y0 < ba.y1 - 1
    ]


def store_from_json(path: Path, journal: str | None = None) -> Path:
    project = qi.pdsa.load_json(PROJECT_JSON)
    with qi.pdsa.open(path, journal=journal) as store:
        store.add_project(project)
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["chart", str(DATA_CSV), *args])
    out, err = capsys.readouterr()
    return code, out, err


class TestCyclesOnTheChartAndInTheReport:
    def test_the_measure_matching_the_columns_has_its_cycles_marked_where_the_file_says(
        self, tmp_path, capsys, drawn
    ):
        png, report = tmp_path / "falls.png", tmp_path / "falls.html"
        code, out, err = run([*U_CHART, "--pdsa", str(PROJECT_JSON), "--out", str(png), "--report", str(report)],
                             capsys)  # fmt: skip
        assert code == 0, err
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        expected = raw_cycles("M1")  # falls per occupied_bed_days is M1: C4 to C9
        assert sorted(expected) == ["C4", "C5", "C6", "C7", "C8", "C9"]
        assert "for measure M1 (Falls per 1000 occupied bed days), matched to --y falls --n occupied_bed_days" in out
        assert "6 of 6 marked on the chart" in out

        (ax,) = drawn
        labels = labels_of(ax)
        # the six titles overlap at this size: ids on the chart, each at its cycle's start date ...
        assert sorted(labels) == sorted(expected)
        for cid, x in labels.items():
            assert x == pytest.approx(mdates.date2num(expected[cid]["start"]))
        assert overlapping(ax, LABEL_GID) == []
        # ... and a key under the chart gives each id's title (the change idea's text in this file)
        key = [t.get_text() for t in ax.texts if t.get_gid() == KEY_GID]
        for cid, c in expected.items():
            assert f"{cid} {c['idea']}" in key
        assert overlapping(ax, KEY_GID) == []
        spans = [p for p in ax.patches if str(p.get_gid()) == "qi-annotation-span-pdsa"]
        assert len(spans) == len(expected)  # every one of them has an end date after its start

        page = report.read_text(encoding="utf-8")
        section = page.split("<h2>PDSA cycles</h2>", 1)[1].split("<h2>", 1)[0]
        assert "Fewer falls on Ash and Cedar wards" in section and "pdsa_falls_project.json" in section
        assert "matched to the chart&#x27;s columns (falls per occupied_bed_days)" in section
        rows = re.findall(r"<tr>(.*?)</tr>", section)
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
        by_id = {c[0]: c for c in cells if c}
        assert sorted(by_id) == sorted(expected)
        for cid, c in expected.items():
            _, title, started, ended, act, status, on_chart = by_id[cid]
            assert title == html.escape(c["idea"])
            assert (started, ended, act, status, on_chart) == (day(c["start"]), day(c["end"]), c["act"], "decided", "yes")
        assert "Cycles C1, C2 and C3 are meant to move another measure, M2" in section
        # the chart in the report is drawn with the cycles too, and says so to screen readers
        alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]*)"', page).group(1)
        assert "The chart marks 6 PDSA cycles: C4 Bay tagging from 13 Jun 2022" in html.unescape(alt)

    def test_ids_only(self, tmp_path, capsys, drawn):
        code, _, err = run([*U_CHART, "--pdsa", str(PROJECT_JSON), "--pdsa-labels", "id",
                            "--out", str(tmp_path / "c.svg")], capsys)  # fmt: skip
        assert code == 0, err
        (ax,) = drawn
        assert sorted(labels_of(ax)) == sorted(raw_cycles("M1"))
        assert not [t for t in ax.texts if t.get_gid() == KEY_GID]
        assert overlapping(ax, LABEL_GID) == []
        assert (tmp_path / "c.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")

    def test_titles_that_fit_stay_titles(self, tmp_path, capsys, drawn):
        """Two cycles far apart: their titles are drawn as they are, no key needed."""
        project = qi.pdsa.load_json(PROJECT_JSON)
        keep = {"C4", "C9"}
        project.cycles[:] = [c for c in project.cycles if c.id in keep]
        path = tmp_path / "two.json"
        qi.pdsa.to_json(project, path)
        code, _, err = run([*U_CHART, "--pdsa", str(path), "--out", str(tmp_path / "c.png")], capsys)
        assert code == 0, err
        (ax,) = drawn
        assert sorted(labels_of(ax)) == ["C4 Bay tagging", "C9 The falls bundle on a second ward"]
        assert not [t for t in ax.texts if t.get_gid() == KEY_GID]

    def test_cycles_outside_the_charts_dates_are_named_not_marked(self, tmp_path, capsys, drawn):
        data = pd.read_csv(DATA_CSV)
        middle = tmp_path / "middle.csv"
        data[(data["month"] >= "2022-07-01") & (data["month"] <= "2022-09-01")].to_csv(middle, index=False)
        report = tmp_path / "r.html"
        code = main(["chart", str(middle), *U_CHART, "--pdsa", str(PROJECT_JSON), "--report", str(report),
                     "--out", str(tmp_path / "c.png")])  # fmt: skip
        out, err = capsys.readouterr()
        assert code == 0, err
        # C4 ran 13-14 June 2022, before July; C9 began on 3 October 2022, after September
        assert ("note: Cycle C4 (Bay tagging) ended on 14 June 2022, before the data begins (July 2022), so it "
                "is not marked on the chart. Chart data that covers its dates, or check the cycle's dates.") in err
        assert ("note: Cycle C9 (The falls bundle on a second ward) started on 3 October 2022, after the data "
                "ends (September 2022), so it is not marked on the chart.") in err
        assert "4 of 6 marked on the chart" in out
        (ax,) = drawn
        assert sorted(t.split()[0] for t in labels_of(ax)) == ["C5", "C6", "C7", "C8"]
        section = report.read_text(encoding="utf-8").split("<h2>PDSA cycles</h2>", 1)[1].split("<h2>", 1)[0]
        assert "4 of them are marked on the chart" in section and "2 fall outside its dates" in section
        for cid in ("C4", "C9"):
            assert re.search(rf"<td class=\"t\">{cid}</td>(<td[^>]*>[^<]*</td>){{5}}<td class=\"t\">no: outside", section)
        assert "Cycle C4 (Bay tagging) ended on 14 June 2022, before the data begins (July 2022)" in section
        assert "Cycle C9 (The falls bundle on a second ward) started on 3 October 2022, after the data ends" in section


class TestWhichMeasure:
    def test_several_measures_and_no_match_asks_for_the_flag_with_the_list(self, tmp_path, capsys):
        out_png = tmp_path / "c.png"
        code, out, err = run(["--x", "month", "--y", "occupied_bed_days", "--pdsa", str(PROJECT_JSON),
                              "--out", str(out_png)], capsys)  # fmt: skip
        assert code == 2
        assert err.startswith("qitools: The PDSA project 'Fewer falls on Ash and Cedar wards' has 3 measures")
        assert "give --pdsa-measure ID" in err
        for m in ("M1 (Falls per 1000 occupied bed days: falls per occupied_bed_days)",
                  "M2 (Lying and standing blood pressure within 24 hours: lsbp_recorded per lsbp_audited)",
                  "M3 (Mean length of stay: mean_length_of_stay)"):  # fmt: skip
            assert m in err
        assert "measure=" not in err and "Traceback" not in err
        assert out == "" and not out_png.exists()  # refused before any work

    @pytest.mark.parametrize(("wanted", "cycles"), [("M2", ["C1", "C2", "C3"]), ("m2", ["C1", "C2", "C3"]),
                                                    ("Mean length of stay", [])])  # fmt: skip
    def test_the_flag_chooses_by_id_or_name(self, tmp_path, capsys, wanted, cycles):
        report = tmp_path / "r.html"
        code, _, err = run(["--x", "month", "--y", "occupied_bed_days", "--pdsa", str(PROJECT_JSON),
                            "--pdsa-measure", wanted, "--report", str(report)], capsys)  # fmt: skip
        assert code == 0, err
        section = report.read_text(encoding="utf-8").split("<h2>PDSA cycles</h2>", 1)[1].split("<h2>", 1)[0]
        assert re.findall(r"<tr><td class=\"t\">(C\d+)</td>", section) == cycles
        if not cycles:
            assert "there is no cycle to mark on the chart" in section

    def test_an_unknown_measure(self, capsys):
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa", str(PROJECT_JSON), "--pdsa-measure", "M9"],
                           capsys)  # fmt: skip
        assert code == 2
        assert "has no measure 'M9'. Its measures are: M1 (Falls per 1000 occupied bed days" in err

    def test_the_y_column_alone_matches_when_one_measure_charts_it(self, capsys):
        code, out, err = run(["--x", "month", "--y", "lsbp_recorded", "--pdsa", str(PROJECT_JSON)], capsys)
        assert code == 0, err
        assert "for measure M2" in out and "3 of 3 marked" in out

    def test_a_project_with_one_measure_uses_it_whatever_the_columns(self, tmp_path, capsys):
        project = qi.pdsa.load_json(PROJECT_JSON)
        project.measures[:] = [m for m in project.measures if m.id == "M1"]
        for c in project.cycles:
            c.measure = "M1"
        path = tmp_path / "one.json"
        qi.pdsa.to_json(project, path)
        code, out, err = run(["--x", "month", "--y", "mean_length_of_stay", "--chart", "i", "--pdsa", str(path)],
                             capsys)  # fmt: skip
        assert code == 0, err
        assert "the project's only measure" in out and "9 of 9 marked" in out

    def test_flags_without_pdsa(self, capsys):
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa-measure", "M1"], capsys)
        assert code == 2 and "give it too" in err


class TestTheFileIsOnlyRead:
    @pytest.mark.parametrize("journal", [None, "delete"])
    def test_a_store_is_read_and_left_byte_for_byte_unchanged(self, tmp_path, capsys, journal):
        (tmp_path / "out").mkdir()
        store = store_from_json(tmp_path / "team.pdsa", journal)
        before, listing = digest(store), sorted(p.name for p in tmp_path.iterdir())
        report = tmp_path / "out" / "r.html"
        code, out, err = run([*U_CHART, "--pdsa", str(store), "--report", str(report)], capsys)
        assert code == 0, err
        assert "6 of 6 marked" in out and "from team.pdsa" in out
        assert digest(store) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no journal or lock files left behind
        assert "<h2>PDSA cycles</h2>" in report.read_text(encoding="utf-8")

    @pytest.mark.parametrize("journal", ["wal", "delete"])
    def test_a_store_in_a_read_only_folder(self, tmp_path, journal):
        """A copy on a read-only share: charted with its cycles, nothing written next to it."""
        folder, out = tmp_path / "shared", tmp_path / "mine"
        folder.mkdir()
        out.mkdir()
        store = store_from_json(folder / "team.pdsa", journal)
        before = digest(store)
        run = read_only_runner(folder)
        r = run("chart", str(DATA_CSV), *U_CHART, "--pdsa", str(store), "--report", str(out / "r.html"))
        assert r.returncode == 0, r.stderr
        assert "6 of 6 marked" in r.stdout
        assert "<h2>PDSA cycles</h2>" in (out / "r.html").read_text(encoding="utf-8")
        assert digest(store) == before and sorted(p.name for p in folder.iterdir()) == ["team.pdsa"]

    def test_another_programs_sqlite_file_is_refused_and_unchanged(self, tmp_path, capsys, monkeypatch):
        monkeypatch.chdir(tmp_path)
        other = Path("audit.db")
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE falls (month TEXT, n INTEGER)")
            conn.execute("INSERT INTO falls VALUES ('2024-01', 3)")
        conn.close()
        before, listing = digest(other), sorted(p.name for p in tmp_path.iterdir())
        out_png = Path("c.png")
        code, out, err = run([*U_CHART, "--pdsa", str(other), "--out", str(out_png)], capsys)
        assert code == 2
        assert err.startswith(
            "qitools: 'audit.db' (given as --pdsa) is not a qitools PDSA file: it is an SQLite database made by "
            "another program. Its PDSA cycles cannot be marked, and the file has not been changed."
        )
        assert "qitools pdsa new" in err and "qi.pdsa" not in err and "Traceback" not in err
        assert out == "" and not out_png.exists()
        assert digest(other) == before and sorted(p.name for p in tmp_path.iterdir()) == listing

    @pytest.mark.parametrize(
        ("name", "content", "said"),
        [
            ("notes.pdsa", b"Ward 7 PDSA notes\n", "it is neither a PDSA store (team.pdsa) nor a project exported as JSON"),
            ("empty.pdsa", b"", "it is empty"),
            ("other.json", b'{"rows": [1, 2]}', "it is JSON, but not a PDSA project exported by qitools"),
            ("list.json", b"[1, 2]", "it is neither a PDSA store (team.pdsa) nor a project exported as JSON"),
        ],
    )
    def test_a_file_that_is_not_a_pdsa_project(self, tmp_path, capsys, monkeypatch, name, content, said):
        monkeypatch.chdir(tmp_path)
        path = Path(name)
        path.write_bytes(content)
        code, out, err = run(["--x", "month", "--y", "falls", "--pdsa", str(path)], capsys)
        assert code == 2 and out == ""
        assert err.startswith(f"qitools: '{name}' (given as --pdsa) is not a qitools PDSA file: {said}.")
        assert path.read_bytes() == content

    def test_broken_json_says_where(self, tmp_path, capsys, monkeypatch):
        monkeypatch.chdir(tmp_path)
        path = Path("project.json")
        path.write_text('{"format": "qitools-pdsa", "title": "Falls",\n "cycles": [}', encoding="utf-8")
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa", str(path)], capsys)
        assert code == 2
        assert "'project.json' could not be read as a PDSA project: it is not valid JSON" in err
        assert "at line 2" in err

    def test_missing_file_and_folder(self, tmp_path, capsys):
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa", str(tmp_path / "nope.pdsa")], capsys)
        assert code == 2 and "No PDSA file at" in err and "(given as --pdsa)" in err
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa", str(tmp_path)], capsys)
        assert code == 2 and "is a folder" in err

    def test_a_store_with_no_project_and_one_with_two(self, tmp_path, capsys):
        empty = tmp_path / "empty.pdsa"
        sqlite3.connect(empty).close()  # an empty SQLite file: a store with nothing in it yet
        with qi.pdsa.open(tmp_path / "new.pdsa") as store:
            store.set_name("Sam")  # written, but holds no project
        code, _, err = run(["--x", "month", "--y", "falls", "--pdsa", str(tmp_path / "new.pdsa")], capsys)
        assert code == 2 and "holds no PDSA project yet" in err

        two = store_from_json(tmp_path / "two.pdsa")
        with qi.pdsa.open(two) as store:
            store.new_project("Pressure ulcers", aim="Halve pressure ulcers on Ward 3 by March 2031.")
        code, _, err = run([*U_CHART, "--pdsa", str(two)], capsys)
        assert code == 2
        assert "holds 2 PDSA projects" in err and "give --pdsa-project ID" in err
        assert "falls-ash-cedar (Fewer falls on Ash and Cedar wards)" in err
        code, out, err = run([*U_CHART, "--pdsa", str(two), "--pdsa-project", "falls-ash-cedar"], capsys)
        assert code == 0, err
        assert "6 of 6 marked" in out
        code, _, err = run([*U_CHART, "--pdsa", str(two), "--pdsa-project", "nope"], capsys)
        assert code == 2 and "holds no project 'nope'" in err


class TestTheChartMustBeByDate:
    def test_no_time_column(self, capsys):
        code, _, err = run(["--y", "falls", "--pdsa", str(PROJECT_JSON)], capsys)
        assert code == 2
        assert "PDSA cycles are marked on a chart by their dates, but this chart has no time column: give --x" in err

    def test_a_time_column_that_is_not_dates(self, tmp_path, capsys):
        path = tmp_path / "numbered.csv"
        pd.read_csv(DATA_CSV).assign(month=range(1, 37)).to_csv(path, index=False)
        code = main(["chart", str(path), "--x", "month", "--y", "falls", "--pdsa", str(PROJECT_JSON)])
        err = capsys.readouterr().err
        assert code == 2 and "the time column 'month' (--x) does not hold dates" in err


class TestTextFromTheFileIsSafe:
    def test_html_escaped_in_the_report_and_control_characters_kept_off_the_terminal(self, tmp_path, capsys):
        project = qi.pdsa.load_json(PROJECT_JSON)
        project.title = "Falls \x1b]0;pwned\x07<script>alert(1)</script>"
        c4 = project.cycle("C4")
        c4.title = '<img src=x onerror="alert(2)">'
        project.change_idea("CI2").text = "Bay & <b>tagging</b>"
        path = tmp_path / "hostile.json"
        qi.pdsa.to_json(project, path)
        report = tmp_path / "r.html"
        code, out, err = run([*U_CHART, "--pdsa", str(path), "--report", str(report)], capsys)
        assert code == 0, err
        assert "\x1b" not in out + err and "\x07" not in out + err
        page = report.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>tagging" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
        assert "Change idea: Bay &amp; &lt;b&gt;tagging&lt;/b&gt;" in page


class TestTheReportOnItsOwn:
    def test_cycles_need_a_chart_by_date(self):
        cc = qi.control_chart(y=list(range(1, 13)), chart="run")
        marks = qi.pdsa.chart_marks(PROJECT_JSON, "M1")
        with pytest.raises(qi.QIValueError, match="PDSA cycles are placed on a chart by their dates"):
            qi.chart_report(cc, cycles=marks)
        with pytest.raises(qi.QIValueError, match="cycles must be the table of PDSA cycles"):
            qi.chart_report(cc, cycles=[{"x": "2024-01-01"}])
        with pytest.raises(qi.QIValueError, match="cycle_labels must be 'id', 'title' or 'full'"):
            qi.chart_report(cc, cycle_labels="titles")

    def test_marks_already_cut_to_the_chart_still_name_the_ones_left_out(self):
        data = qi.datasets.load("pdsa_falls_project")
        cc = qi.control_chart(data[data["month"] < "2022-08-01"], x="month", y="falls", n="occupied_bed_days",
                              chart="u")  # fmt: skip
        with pytest.warns(qi.pdsa.PDSAWarning):
            marks = qi.pdsa.chart_marks(PROJECT_JSON, "M1", x=cc.data["x"])
        assert marks["cycle"].tolist() == ["C4", "C5", "C7"]
        page = qi.chart_report(cc, cycles=marks)
        assert "Cycle C6 (Bay tagging) started on 15 August 2022, after the data ends (July 2022)" in page
        assert "All 3 are marked on the chart" in page


class TestTheReadmeSection:
    """The README's "A team's chart with its PDSA cycles" runs as written: its commands and its Python."""

    @staticmethod
    def section() -> str:
        text = (ROOT / "README.md").read_text(encoding="utf-8")
        start = text.index("### A team's chart with its PDSA cycles")
        return text[start : text.index("\n### ", start + 10)]

    def test_the_commands_run(self, tmp_path, monkeypatch, capsys):
        import shlex
        import shutil

        (tmp_path / "datasets").mkdir()
        for path in (DATA_CSV, PROJECT_JSON):
            shutil.copy(path, tmp_path / "datasets" / path.name)
        monkeypatch.chdir(tmp_path)
        (block,) = re.findall(r"```bash\n(.*?)```", self.section(), re.S)
        commands = [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]
        assert len(commands) == 2 and all(c.startswith("qitools chart ") for c in commands)
        for line in commands:
            code = main(shlex.split(line)[1:])
            out, err = capsys.readouterr()
            assert code == 0, (line, err)
            assert "marked on the chart" in out
        page = (tmp_path / "falls_pdsa.html").read_text(encoding="utf-8")
        assert "<h2>PDSA cycles</h2>" in page and "for the measure M1" in page
        assert (tmp_path / "lsbp_pdsa.png").read_bytes()[:4] == b"\x89PNG"

    def test_the_python_block_runs(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        (code,) = re.findall(r"```python\n(.*?)```", self.section(), re.S)
        scope: dict[str, Any] = {}
        exec(compile(code, "README.md", "exec"), scope)
        assert scope["measure"].id == "M1"
        assert sorted(t.get_text().strip() for t in scope["ax"].texts if t.get_gid() == LABEL_GID) == sorted(
            raw_cycles("M1")
        )
        assert "<h2>PDSA cycles</h2>" in (tmp_path / "falls_pdsa.html").read_text(encoding="utf-8")

    @pytest.mark.parametrize("words", ["--pdsa-measure", "--pdsa-labels id", "--pdsa-project", "PDSA project (optional)"])
    def test_it_names_the_options_and_the_apps_control(self, words):
        assert words in self.section()


def test_one_chart_per_group_marks_the_cycles_on_each(tmp_path, capsys, drawn):
    data = pd.read_csv(DATA_CSV)
    two = tmp_path / "two_wards.csv"
    pd.concat([data.assign(ward="Ash"), data.assign(ward="Cedar")]).to_csv(two, index=False)
    report = tmp_path / "r.html"
    code = main(["chart", str(two), *U_CHART, "--facet", "ward", "--pdsa", str(PROJECT_JSON),
                 "--out", str(tmp_path / "c.png"), "--report", str(report)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "With --facet the small charts mark the cycles without labels; the report lists them." in err
    (fig,) = drawn
    charts = [a for a in fig.axes if any(ln.get_gid() == "qi-data" for ln in a.lines)]
    assert len(charts) == 2
    for ax in charts:  # every cycle of M1 ran from a start to a later end date: a shaded span each
        assert len([p for p in ax.patches if p.get_gid() == "qi-annotation-span-pdsa"]) == len(raw_cycles("M1"))
    assert "<h2>PDSA cycles</h2>" in report.read_text(encoding="utf-8")
