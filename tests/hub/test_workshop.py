"""Collecting learners' work from their homes and returning their feedback (qitools.hub.workshop).

No hub runs here: a hub folder is made as ``qitools hub --demo`` makes it (``hub.json`` and a
learner course in every home), the learners' saves are file writes, and the gradebook is a CSV
in the documented format of ``qitools grade`` (the acceptance test uses a real one).
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

from qitools import QIValueError
from qitools.cli import main
from qitools.course import learner_course
from qitools.hub.demo import DemoSettings
from qitools.hub.workshop import _structure, collect, feedback_text, learners_of, return_feedback

EXERCISE = "04_run_charts"


def make_hub(folder: Path, learners=("alice", "bob", "carol")) -> Path:
    settings = DemoSettings(
        learners=list(learners), coach="coach", ip="127.0.0.1", port=8000, hub_port=1, proxy_api_port=2,
        idle_timeout=3600, proxy="chp", python="python",
    )  # fmt: skip
    folder.mkdir(parents=True)
    (folder / "hub.json").write_text(settings.to_json(), encoding="utf-8")
    for name in learners:
        learner_course(folder / "homes" / name)
    return folder


def save(home: Path, rel: str, data: bytes | None = None) -> Path:
    """What Jupyter's save does: write the file anew (a new modification time)."""
    path = home / rel
    content = path.read_bytes() if data is None and path.exists() else data
    time.sleep(0.01)
    path.write_bytes(content or b"{}")
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    return path


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    return make_hub(tmp_path / "qitools-hub")


class TestCollect:
    def test_only_saved_notebooks_one_folder_per_learner(self, hub: Path, tmp_path: Path):
        homes = hub / "homes"
        save(homes / "alice", f"exercises/{EXERCISE}.ipynb", b'{"cells": [], "alice": 1}')
        save(homes / "bob", f"exercises/{EXERCISE}.ipynb")  # opened and saved, unchanged
        save(homes / "bob", "exercises/04_run_charts-Copy1.ipynb", b'{"cells": []}')  # a copy he made
        done = collect(tmp_path / "subs", hub_dir=hub)
        files = sorted(p.relative_to(tmp_path / "subs").as_posix() for p in (tmp_path / "subs").rglob("*") if p.is_file())
        assert files == [f"alice/{EXERCISE}.ipynb", "bob/04_run_charts-Copy1.ipynb", f"bob/{EXERCISE}.ipynb"]
        assert done.nothing == ["carol"]
        assert (tmp_path / "subs" / "alice" / f"{EXERCISE}.ipynb").read_bytes() == b'{"cells": [], "alice": 1}'
        # the file date is kept: the gradebook's "submitted" date
        src = homes / "alice" / "exercises" / f"{EXERCISE}.ipynb"
        assert (tmp_path / "subs" / "alice" / f"{EXERCISE}.ipynb").stat().st_mtime_ns == src.stat().st_mtime_ns

    def test_changed_content_with_the_old_time_is_collected(self, hub: Path, tmp_path: Path):
        path = hub / "homes" / "carol" / "exercises" / f"{EXERCISE}.ipynb"
        stat = path.stat()
        path.write_bytes(b'{"changed": true}')
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert list(collect(tmp_path / "subs", hub_dir=hub).files) == ["carol"]

    def test_everything(self, hub: Path, tmp_path: Path):
        done = collect(tmp_path / "subs", hub_dir=hub, everything=True)
        n = len(list((hub / "homes" / "alice" / "exercises").glob("*.ipynb")))
        assert all(len(files) == n for files in done.files.values()) and len(done.files) == 3

    def test_only_some_learners(self, hub: Path, tmp_path: Path):
        done = collect(tmp_path / "subs", hub_dir=hub, learners=["bob"], everything=True)
        assert list(done.files) == ["bob"]
        with pytest.raises(QIValueError, match="Not learners of this hub: zoe"):
            collect(tmp_path / "other", hub_dir=hub, learners=["zoe"])

    def test_links_are_not_followed(self, hub: Path, tmp_path: Path):
        secret = tmp_path / "secret.ipynb"
        secret.write_text('{"secret": true}', encoding="utf-8")
        (hub / "homes" / "alice" / "exercises" / "99_stolen.ipynb").symlink_to(secret)
        bob_ex = hub / "homes" / "bob" / "exercises"
        os.rename(bob_ex, hub / "homes" / "bob" / "moved")
        bob_ex.symlink_to(tmp_path, target_is_directory=True)
        done = collect(tmp_path / "subs", hub_dir=hub, everything=True)
        assert not (tmp_path / "subs" / "alice" / "99_stolen.ipynb").exists()
        assert "bob" not in done.files and "bob" in done.nothing
        assert any("99_stolen" in s for s in done.skipped) and any(s.startswith("bob:") for s in done.skipped)

    def test_refuses_a_folder_with_files(self, hub: Path, tmp_path: Path):
        (tmp_path / "subs").mkdir()
        (tmp_path / "subs" / "old.ipynb").write_text("{}", encoding="utf-8")
        with pytest.raises(QIValueError, match="already has files.*submissions-"):
            collect(tmp_path / "subs", hub_dir=hub)

    def test_not_a_hub_folder(self, tmp_path: Path):
        with pytest.raises(QIValueError, match="not a workshop hub folder"):
            collect(tmp_path / "subs", hub_dir=tmp_path)

    def test_homes_template(self, tmp_path: Path):
        for name in ("alice", "bob"):
            learner_course(tmp_path / f"jupyter-{name}")
        save(tmp_path / "jupyter-bob", f"exercises/{EXERCISE}.ipynb", b"{}")
        done = collect(tmp_path / "subs", homes=str(tmp_path / "jupyter-{name}"), learners=["alice", "bob"])
        assert list(done.files) == ["bob"] and done.nothing == ["alice"]
        with pytest.raises(QIValueError, match="must contain"):
            collect(tmp_path / "x", homes=str(tmp_path), learners=["alice"])
        with pytest.raises(QIValueError, match="name the learners"):
            collect(tmp_path / "x", homes=str(tmp_path / "{name}"))
        with pytest.raises(QIValueError, match="not learner names"):
            collect(tmp_path / "x", homes=str(tmp_path / "{name}"), learners=["../etc"])

    def test_command(self, hub: Path, tmp_path: Path, capsys):
        save(hub / "homes" / "alice", f"exercises/{EXERCISE}.ipynb", b"{}")
        assert main(["hub", "collect", "--dir", str(hub), "--out", str(tmp_path / "subs")]) == 0
        out = capsys.readouterr().out
        assert "Collected 1 notebook from 1 learner(s)" in out and "Nothing saved yet by: bob, carol" in out
        assert "qitools grade" in out
        assert main(["hub", "collect", "--dir", str(hub), "--out", str(tmp_path / "subs")]) == 2

    def test_learners_of(self, hub: Path):
        assert list(learners_of(hub)) == ["alice", "bob", "carol"]
        assert learners_of(hub)["bob"] == hub.absolute() / "homes" / "bob"


# ------------------------------------------------------------------------------------------------
# Feedback

HEADER = ["learner", "4.1", "4.2", "04_run_charts points", "04_run_charts %", "04_run_charts date",
          "5.1", "05_run_chart_rules points", "05_run_chart_rules %", "05_run_chart_rules date",
          "total", "max", "percent", "problems", "notes", "files"]  # fmt: skip


def gradebook(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in HEADER})
    return path


ALICE = {"learner": "alice", "4.1": "1", "4.2": "2", "04_run_charts points": "3", "04_run_charts %": "100",
         "04_run_charts date": "2024-06-01", "total": "3", "max": "5", "percent": "60",
         "files": "04_run_charts.ipynb"}  # fmt: skip
BOB = {"learner": "bob", "4.1": "0", "4.2": "0", "04_run_charts points": "0", "04_run_charts %": "0",
       "04_run_charts date": "2024-06-01", "5.1": "1", "05_run_chart_rules points": "1",
       "05_run_chart_rules %": "50", "05_run_chart_rules date": "2024-06-02", "total": "1", "max": "5", "percent": "20",
       "notes": "4.1 the mean instead of the median; 4.2 not answered",
       "problems": "04_run_charts.ipynb (04_run_charts): cell 3 stopped with NameError"}  # fmt: skip


class TestFeedback:
    def test_structure_from_the_column_order(self):
        assert _structure(HEADER) == [("04_run_charts", ["4.1", "4.2"]), ("05_run_chart_rules", ["5.1"])]

    def test_page(self):
        text = feedback_text(BOB, HEADER, when="2024-06-03")
        assert text.startswith("# Your feedback, bob\n")
        assert "- 04_run_charts: 0% (0 points; your notebook of 2024-06-01)" in text
        assert "    - question 4.1: 0 points" in text
        assert "- 05_run_chart_rules: 50% (1 point; your notebook of 2024-06-02)" in text
        assert "1 point of 5 (20%)" in text
        assert "- 4.1 the mean instead of the median" in text and "- 4.2 not answered" in text
        assert "## Problems while running your notebooks" in text and "NameError" in text
        # no backslashes in names when the page is opened as text (JupyterLab's default for .md); no claim
        # of privacy the demo hub cannot keep (its learners' code can read every home)
        assert "\\_" not in text.split("## Problems")[0]
        assert "Only you can see" not in text and "the other learners do not get it" in text

    def test_only_graded_exercises_are_listed(self):
        text = feedback_text(ALICE, HEADER)
        assert "04_run_charts: 100%" in text and "05_run" not in text
        assert "Nothing: every graded question was right." in text and "Problems" not in text

    def test_hostile_text_is_escaped(self):
        row = dict(BOB, notes="<script>alert(1)</script>; [click](javascript:alert(1)); ![x](http://evil/x.png); "
                              "'=HYPERLINK(\"http://evil\"); bell\x07 and \x1b[31mred")  # fmt: skip
        text = feedback_text(row, HEADER)
        assert "- \\<script\\>alert(1)\\</script\\>" in text
        assert "- \\[click\\](javascript:alert(1))" in text
        assert '- =HYPERLINK("http://evil")' in text  # a spreadsheet's formula guard removed: shown as text
        assert "\x07" not in text and "\x1b" not in text
        # rendered as JupyterLab renders Markdown: no element, link or image comes out of the gradebook's text
        mistune = pytest.importorskip("mistune")  # nbconvert's Markdown renderer
        html = mistune.html(text)
        assert "<script" not in html and "<a " not in html and "<img" not in html, html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_return_to_each_learners_home(self, hub: Path, tmp_path: Path):
        book = gradebook(tmp_path / "gradebook.csv", [ALICE, BOB, dict(ALICE, learner="mallory")])
        done = return_feedback(book, hub_dir=hub)
        assert sorted(done.written) == ["alice", "bob"]
        assert done.skipped == ["mallory: not a learner of this hub"]
        for name, percent in (("alice", "100%"), ("bob", "0%")):
            (page,) = (hub / "homes" / name / "feedback").glob("feedback-*.md")
            assert page == done.written[name]
            assert f"04_run_charts: {percent}" in page.read_text(encoding="utf-8")
        assert not (hub / "homes" / "carol" / "feedback").exists()

    def test_a_linked_feedback_folder_is_not_followed(self, hub: Path, tmp_path: Path):
        target = hub / "homes" / "bob"
        (hub / "homes" / "alice" / "feedback").symlink_to(target, target_is_directory=True)
        done = return_feedback(gradebook(tmp_path / "g.csv", [ALICE]), hub_dir=hub)
        assert done.written == {} and "alice" in done.skipped[0]
        assert not list(target.glob("feedback-*"))

    def test_not_a_gradebook(self, hub: Path, tmp_path: Path):
        (tmp_path / "x.csv").write_text("name,score\nalice,1\n", encoding="utf-8")
        with pytest.raises(QIValueError, match="no 'learner' column"):
            return_feedback(tmp_path / "x.csv", hub_dir=hub)
        with pytest.raises(QIValueError, match="Cannot read the gradebook"):
            return_feedback(tmp_path / "missing.csv", hub_dir=hub)

    def test_command(self, hub: Path, tmp_path: Path, capsys):
        book = gradebook(tmp_path / "gradebook.csv", [ALICE])
        assert main(["hub", "return-feedback", "--dir", str(hub), "--gradebook", str(book)]) == 0
        assert "Feedback returned to 1 learner(s)" in capsys.readouterr().out
        assert json.loads((hub / "hub.json").read_text(encoding="utf-8"))["learners"] == ["alice", "bob", "carol"]


def test_return_feedback_with_a_homes_template(tmp_path: Path):
    for name in ("alice", "bob"):
        learner_course(tmp_path / f"jupyter-{name}")
    book = gradebook(tmp_path / "gradebook.csv", [ALICE, BOB, dict(ALICE, learner="Sam Patel")])
    done = return_feedback(book, homes=str(tmp_path / "jupyter-{name}"))
    assert sorted(done.written) == ["alice", "bob"] and done.skipped == ["Sam Patel: not a learner of this hub"]
    assert done.written["bob"].parent == tmp_path / "jupyter-bob" / "feedback"
