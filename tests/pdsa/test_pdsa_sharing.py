"""A team sharing one PDSA file: no lost updates, who changed what, no surprises, the project in one file.

Two stores open on one file stand for two people (or a notebook and the command line). The
checks are on what was saved in the file, never on our own messages alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from _readonly import read_only_runner

import qitools as qi
from qitools.cli import main
from qitools.pdsa import PDSACycle, QIConflictError


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["pdsa", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shared(tmp_path):
    """One file, opened twice: Alice's store and Bob's store."""
    path = tmp_path / "team.pdsa"
    with qi.pdsa.open(path, user="Setup") as s:
        s.add_project(qi.pdsa.example_project())
    alice = qi.pdsa.open(path, user="Alice")
    bob = qi.pdsa.open(path, user="Bob")
    yield path, alice, bob
    alice.close()
    bob.close()


class TestLostUpdates:
    def test_a_stale_save_is_refused_and_the_colleagues_change_survives(self, shared):
        path, alice, bob = shared
        mine = alice.load().cycle("C3")  # Alice opens C3 ...
        theirs = bob.load().cycle("C3")
        assert mine.version == theirs.version == 1
        bob.put(dataclasses.replace(theirs, learning="Mats need a delay setting (Bob)"))  # ... Bob saves first
        with pytest.raises(QIConflictError) as info:
            alice.put(dataclasses.replace(mine, learning="Alice's learning"))
        msg = str(info.value)
        assert "Cycle 'C3' was changed by Bob on " in msg and "(learning)" in msg
        assert "your copy is version 1, the file has version 2" in msg and "their change is kept" in msg
        assert info.value.current.learning == "Mats need a delay setting (Bob)"
        # the file holds Bob's change, read by a third, fresh connection
        with qi.pdsa.open(path, readonly=True) as fresh:
            assert fresh.load().cycle("C3").learning == "Mats need a delay setting (Bob)"
        # reload, redo, save: accepted as version 3
        again = alice.load().cycle("C3")
        saved = alice.put(dataclasses.replace(again, learning=again.learning + "; Alice agrees"))
        assert saved.version == 3
        assert bob.load().cycle("C3").learning == "Mats need a delay setting (Bob); Alice agrees"

    def test_the_same_in_memory(self):
        store = qi.pdsa.MemoryStore(user="Alice")
        store.add_project(qi.pdsa.example_project())
        old = store.load().cycle("C10")
        store.put(dataclasses.replace(old, observations="Audit done"))
        with pytest.raises(QIConflictError, match="Cycle 'C10' was changed by Alice .*\\(observations\\)"):
            store.put(dataclasses.replace(old, problems="None"))
        assert store.load().cycle("C10").observations == "Audit done"

    def test_a_stale_copy_with_nothing_changed_is_no_conflict(self, shared):
        _, alice, bob = shared
        mine = alice.load().cycle("C3")
        bob.put(dataclasses.replace(bob.load().cycle("C3"), learning="Bob"))
        same = dataclasses.replace(mine, learning="Bob")  # Alice typed what is already there
        assert alice.put(same).version == 2

    def test_a_removed_record_is_not_brought_back(self, shared):
        _, alice, bob = shared
        mine = alice.load().cycle("C10")
        bob.remove("cycle", "C10")
        with pytest.raises(QIConflictError, match="Cycle 'C10' was removed by Bob"):
            alice.put(dataclasses.replace(mine, what_happened="Audit"))
        assert "C10" not in [c.id for c in alice.load().cycles]

    def test_stale_remove_aim_and_project_header(self, shared):
        _, alice, bob = shared
        p = alice.load()
        bob.put(dataclasses.replace(bob.load().cycle("C10"), observations="x"))
        with pytest.raises(QIConflictError, match="was changed by Bob"):
            alice.remove("cycle", "C10", version=p.cycle("C10").version)
        bob.put(dataclasses.replace(bob.load().aim, target=5.0))
        with pytest.raises(QIConflictError, match="The aim was changed by Bob .*\\(target\\)"):
            alice.put(dataclasses.replace(p.aim, baseline=9.0))
        bob.update_project(team="Falls group (Bob)")
        with pytest.raises(QIConflictError, match="Project 'ward-falls' was changed by Bob .*\\(team\\)"):
            alice.update_project(title="Falls", version=p.version)
        assert alice.load().team == "Falls group (Bob)"

    def test_a_record_built_from_scratch_replaces_but_the_old_values_stay_in_the_history(self, shared):
        _, alice, _ = shared
        c = alice.load().cycle("C10")
        fresh = PDSACycle(**{k: v for k, v in c.to_flat_dict().items() if k != "observations"}, observations="New")
        assert fresh.version is None
        assert alice.put(fresh).version == 2
        last = alice.history(record="C10").iloc[-1]
        assert last["action"] == "changed" and last["changes"]["observations"] == ["", "New"]


class TestHistory:
    def test_who_what_when(self, shared):
        path, alice, bob = shared
        before = dt.datetime.now().astimezone().replace(microsecond=0)
        c = bob.put(dataclasses.replace(bob.load().cycle("C4"), learning="Too many false alarms (Bob)"))
        after = dt.datetime.now().astimezone()
        h = alice.history(record="C4")
        assert list(h.columns) == qi.pdsa.store.HISTORY_COLUMNS
        row = h.iloc[-1]
        assert (row["who"], row["kind"], row["action"], row["version"], row["fields"]) == (
            "Bob", "cycle", "changed", c.version, "learning"
        )  # fmt: skip
        assert row["changes"]["learning"] == [
            "Mats add noise on this ward; bay tagging already covers these patients.",
            "Too many false alarms (Bob)",
        ]
        assert before <= dt.datetime.fromisoformat(row["when"]) <= after

    def test_a_name_set_once_per_store(self, tmp_path):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as s:
            s.new_project("Falls", aim="Halve falls by 2030")
            login = s.user  # the computer login by default
            s.set_name("Sam Patel")
        with qi.pdsa.open(path) as s:  # remembered in the file for this login
            assert s.user == "Sam Patel"
            s.put(qi.pdsa.ChangeIdea("Bay tagging"))
            assert s.history()["who"].tolist() == [login, "Sam Patel"]
        with pytest.raises(qi.QIValueError, match="short text on one line"):
            qi.pdsa.MemoryStore().set_name("a\nb")

    def test_removed_content_is_kept(self, shared):
        _, alice, _ = shared
        alice.remove("cycle", "C10")
        last = alice.history(record="C10").iloc[-1]
        assert last["action"] == "removed"
        assert last["changes"]["objective"][0].startswith("Is bay tagging still kept up")

    def test_history_travels_in_the_json_export(self, shared, tmp_path):
        _, alice, bob = shared
        bob.put(dataclasses.replace(bob.load().cycle("C4"), learning="Bob"))
        exported = qi.pdsa.to_json(alice.load(), tmp_path / "p.json")
        assert '"changed_by": "Bob"' in exported
        with qi.pdsa.open(tmp_path / "copy.pdsa", user="Carol") as other:
            other.add_project(qi.pdsa.load_json(tmp_path / "p.json"))
            h = other.history()
            assert h["who"].tolist()[-2:] == ["Bob", "Carol"] and h["action"].tolist()[-1] == "imported"
            assert other.load().cycle("C4").version == 3  # carries on after the imported history

    def test_report_shows_the_history(self, shared):
        _, alice, bob = shared
        bob.put(dataclasses.replace(bob.load().cycle("C4"), learning="Bob"))
        text = qi.pdsa.report(alice.load(), charts=False)
        assert "<h2>Change history</h2>" in text
        assert "changed cycle C4 (version 2): learning" in text and "<td>Bob</td>" in text


class TestOneFile:
    def test_measure_data_is_kept_in_the_file_and_a_copy_elsewhere_draws_its_chart(self, tmp_path, capsys):
        made = tmp_path / "made"
        made.mkdir()
        qi.pdsa.example_data().to_csv(made / "falls_ward7.csv", index=False)
        store = made / "team.pdsa"
        assert cli(capsys, "new", store, "--title", "Falls", "--aim", "Halve falls by 2030")[0] == 0
        code, out, _ = cli(capsys, "add-measure", store, "--name", "Falls per 1000 bed days", "--x", "month", "--y",
                           "falls", "--n", "bed_days", "--chart", "u", "--multiply", "1000", "--dataset",
                           made / "falls_ward7.csv", "--definition", "All falls")  # fmt: skip
        assert code == 0 and "its data (" in out and "is kept in" in out
        moved = tmp_path / "elsewhere" / "copy.pdsa"
        moved.parent.mkdir()
        moved.write_bytes(store.read_bytes())
        for f in made.iterdir():
            f.unlink()  # the CSV and the original store are gone
        report = tmp_path / "r.html"
        code, out, err = cli(capsys, "report", moved, report)
        assert code == 0, err
        html = report.read_text(encoding="utf-8")
        assert html.count("data:image/png;base64,") == 1 and "Chart not drawn" not in html
        with qi.pdsa.open(moved, readonly=True) as s:
            p = s.load()
        cc = qi.pdsa.measure_chart(p)
        assert len(cc.data) == 30 and cc.data["x"].min() == pd.Timestamp("2023-01-01")

    def test_refreshing_the_data(self, tmp_path, capsys):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as s:
            s.add_project(qi.pdsa.example_project())
        df = qi.pdsa.example_data()
        df.iloc[:24].to_csv(tmp_path / "falls.csv", index=False)
        code, out, _ = cli(capsys, "data", path, tmp_path / "falls.csv")
        assert code == 0 and "data 'falls.csv' kept in" in out and "24 rows" in out
        df.to_csv(tmp_path / "falls.csv", index=False)
        code, out, _ = cli(capsys, "data", path, tmp_path / "falls.csv")
        assert "30 rows" in out
        with qi.pdsa.open(path, readonly=True) as s:
            p = s.load()
            h = s.history(record="falls.csv")
        assert pd.read_csv(__import__("io").StringIO(p.data["falls.csv"]))["falls"].tolist() == df["falls"].tolist()
        assert h["action"].tolist() == ["added", "changed"] and h.iloc[-1]["changes"]["rows"] == [24, 30]

    def test_data_found_next_to_the_store_when_not_kept(self, tmp_path, monkeypatch):
        folder = tmp_path / "shared"
        folder.mkdir()
        qi.pdsa.example_data().to_csv(folder / "falls.csv", index=False)
        p = qi.pdsa.example_project()
        p.put(dataclasses.replace(p.measure("M1"), dataset="falls.csv"))
        with qi.pdsa.open(folder / "team.pdsa") as s:
            s.add_project(p)  # data next to the store is taken into it on import
            assert "falls.csv" in s.load().data
        monkeypatch.chdir(tmp_path)  # another working folder
        without = qi.pdsa.example_project()
        without.put(dataclasses.replace(without.measure("M1"), dataset="falls.csv"))
        without.source = str(folder / "elsewhere.json")  # resolved relative to the project file
        assert len(qi.pdsa.charts.measure_data(without, "M1")) == 30

    def test_missing_data_says_where_it_looked(self, tmp_path):
        p = qi.pdsa.example_project()
        p.put(dataclasses.replace(p.measure("M1"), dataset="../falls_ward7.csv"))
        p.source = str(tmp_path / "team.pdsa")
        with pytest.raises(qi.QIValueError) as info:
            qi.pdsa.measure_chart(p, "M1")
        msg = str(info.value)
        assert "Could not find the data '../falls_ward7.csv'" in msg and "team.pdsa" in msg
        assert str(tmp_path / "falls_ward7.csv") in msg and "qitools pdsa data" in msg


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


class TestOpeningNeverWrites:
    @pytest.mark.parametrize("journal", ["delete", "wal"])
    def test_another_programs_sqlite_file(self, tmp_path, capsys, journal):
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA journal_mode = {journal}")
        conn.execute("CREATE TABLE patients (id, name)")
        conn.execute("INSERT INTO patients VALUES (1, 'A')")
        conn.commit()
        conn.close()
        before, files = path.read_bytes(), _siblings(path)
        for command in (["list"], ["show", "C1"], ["add-idea", "x"], ["report", tmp_path / "r.html"]):
            code, _, err = cli(capsys, command[0], path, *command[1:])
            assert code == 2 and "is not a qitools PDSA file" in err and "It has not been changed" in err
        assert path.read_bytes() == before and _siblings(path) == files

    def test_a_delete_journal_store_is_unchanged_by_reading(self, tmp_path, capsys):
        path = tmp_path / "shared.pdsa"
        assert (
            cli(capsys, "new", path, "--title", "Falls", "--aim", "Halve falls by 2030", "--journal", "delete")[0] == 0
        )
        assert (
            cli(capsys, "import", path, Path(__file__).resolve().parents[2] / "datasets" / "pdsa_falls_project.json")[0]
            == 0
        )
        (tmp_path / "out").mkdir()
        before, files = path.read_bytes(), _siblings(path)
        for command in (["list"], ["list", "--project", "falls-ash-cedar"], ["show", "C3", "--project", "falls-ash-cedar"],
                        ["history", "--project", "falls-ash-cedar"], ["overdue", "--project", "falls-ash-cedar"],
                        ["export", tmp_path / "out" / "p.json", "--project", "falls-ash-cedar"],
                        ["report", tmp_path / "out" / "r.html", "--project", "falls-ash-cedar"],
                        ["draw", tmp_path / "out" / "c.png", "--project", "falls-ash-cedar"]):  # fmt: skip
            code, _, err = cli(capsys, command[0], path, *command[1:])
            assert code == 0, (command, err)
        assert path.read_bytes() == before and _siblings(path) == files
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()
        # writing keeps the journal the file has (network drives stay in DELETE mode) ...
        assert cli(capsys, "add-idea", path, "Night lights", "--project", "falls-ash-cedar")[0] == 0
        with qi.pdsa.open(path, readonly=True) as s:
            assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        # ... unless told otherwise, when writing
        assert (
            cli(capsys, "add-idea", path, "Hip protectors", "--project", "falls-ash-cedar", "--journal", "wal")[0] == 0
        )
        with qi.pdsa.open(path, readonly=True) as s:
            assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def test_a_wal_store_is_unchanged_by_reading_and_leaves_no_files(self, tmp_path, capsys):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as s:
            s.add_project(qi.pdsa.example_project())
        before, files = path.read_bytes(), _siblings(path)
        assert files == ["team.pdsa"]
        assert cli(capsys, "list", path)[0] == 0
        assert cli(capsys, "show", path, "C3")[0] == 0
        assert path.read_bytes() == before and _siblings(path) == files

    def test_reading_while_someone_writes(self, tmp_path, capsys):
        path = tmp_path / "team.pdsa"
        writer = qi.pdsa.open(path)
        writer.add_project(qi.pdsa.example_project())
        writer.put(qi.pdsa.ChangeIdea("Uncommitted to the main file yet"))  # in the -wal file, writer open
        code, out, _ = cli(capsys, "show", path, "CI5")
        assert code == 0 and "Uncommitted to the main file yet" in out
        writer.close()

    def test_an_older_file_is_read_without_being_upgraded(self, tmp_path, capsys):
        path = tmp_path / "old.pdsa"
        conn = sqlite3.connect(path)  # a file teams made with schema version 1 (see test_pdsa_migrations.py)
        conn.executescript((Path(__file__).parent / "data" / "pdsa_schema_v1.sql").read_text(encoding="utf-8"))
        conn.close()
        before = path.read_bytes()
        assert cli(capsys, "list", path, "--project", "sepsis")[0] == 0
        assert cli(capsys, "report", path, tmp_path / "r.md", "--project", "sepsis")[0] == 0
        assert path.read_bytes() == before and _siblings(path) == ["old.pdsa", "r.md"]
        assert cli(capsys, "add-idea", path, "Prompt card", "--project", "sepsis")[0] == 0  # now it is upgraded
        assert (tmp_path / "old.pdsa.v1.bak").exists()
        with qi.pdsa.open(path, readonly=True) as s:
            assert s.schema_version == qi.pdsa.SCHEMA_VERSION

    def test_nothing_is_created_until_something_is_saved(self, tmp_path, capsys):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as s:
            assert s.project_ids() == [] and s.projects().empty
            with pytest.raises(qi.QIValueError, match="no projects yet"):
                s.put(qi.pdsa.ChangeIdea("x"))
        assert not path.exists()
        code, _, err = cli(capsys, "new", path, "--title", "Falls", "--by", "2030-02-30")
        assert code == 2 and "That day does not exist" in err and not path.exists()
        code, _, err = cli(capsys, "new", path, "--title", "")
        assert code == 2 and not path.exists()
        code, _, err = cli(capsys, "list", path)
        assert code == 2 and "No PDSA file at" in err and not path.exists()

    def test_new_twice_is_an_error_not_a_second_project(self, tmp_path, capsys):
        path = tmp_path / "team.pdsa"
        assert cli(capsys, "new", path, "--title", "Falls", "--aim", "Halve falls by 2030")[0] == 0
        before = path.read_bytes()
        code, _, err = cli(capsys, "new", path, "--title", "Falls")
        assert code == 2 and "already has a project 'falls' (Falls)" in err and "--id" in err
        assert path.read_bytes() == before
        with qi.pdsa.open(path, readonly=True) as s:
            assert s.project_ids() == ["falls"]

    def test_read_only_store_refuses_changes_in_plain_words(self, tmp_path):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as s:
            s.add_project(qi.pdsa.example_project())
        with qi.pdsa.open(path, readonly=True) as s, pytest.raises(qi.QIValueError, match="was opened read-only"):
            s.put(qi.pdsa.ChangeIdea("x"))
        with pytest.raises(qi.QIValueError, match="No PDSA file at"):
            qi.pdsa.open(tmp_path / "missing.pdsa", readonly=True)


def test_command_line_messages_use_command_line_words(tmp_path, capsys):
    path = tmp_path / "team.pdsa"
    with qi.pdsa.open(path) as s:
        s.add_project(qi.pdsa.example_project())
        s.new_project("Sepsis", aim="Antibiotics within 1 hour for 90% by 2030")
    code, _, err = cli(capsys, "show", path, "C1")
    assert code == 2 and "say which one with --project ID" in err and "project=" not in err
    with pytest.raises(qi.QIValueError, match="say which one with project="):
        qi.pdsa.open(path, readonly=True).load()


def test_json_round_trip_keeps_everything(tmp_path):
    p = qi.pdsa.example_project()
    p.put(dataclasses.replace(p.measure("M1"), data_source="Datix", collected_by="Ward clerk", frequency="monthly",
                              sampling="every fall", missing="no bed days: left out"))  # fmt: skip
    p.put(dataclasses.replace(p.cycle("C10"), due_date="2024-12-20"))
    p.add(qi.pdsa.CauseEffect("Falls at night", {"People": ["Agency staff", {"Fatigue": ["12-hour shifts"]}]}))
    p.add(qi.pdsa.ProcessMap(["Wakes", {"step": "Bell in reach?", "kind": "decision", "yes": 2, "no": "end"},
                              "Nurse comes"], title="Night"))  # fmt: skip
    p.set_data("falls.csv", qi.pdsa.example_data())
    again = qi.pdsa.load_json(qi.pdsa.to_json(p))
    assert again == p
    assert again.measure("M1").sampling == "every fall" and again.cycle("C10").due_date == "2024-12-20"
    assert again.cause_effect("CE1").causes()[-1] == ("People", "Fatigue", "12-hour shifts")
    assert json.loads(qi.pdsa.to_json(p))["data"]["falls.csv"]["format"] == "csv"
    with qi.pdsa.open(tmp_path / "t.pdsa") as s:  # and through the store
        s.add_project(again)
        assert s.load() == p


# -- a store in a read-only folder (tests/_readonly.py) --------------------------------------------------
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_store_in_a_read_only_folder_can_be_listed_reported_and_exported(tmp_path, journal):
    folder = tmp_path / "shared"
    out = tmp_path / "mine"
    folder.mkdir()
    out.mkdir()
    path = folder / "team.pdsa"
    with qi.pdsa.open(path, journal=journal) as s:
        s.add_project(qi.pdsa.example_project())
        s.put_data("falls.csv", qi.pdsa.example_data())
        s.put(dataclasses.replace(s.load().measure("M1"), dataset="falls.csv"))
    before = path.read_bytes()
    run = read_only_runner(folder, "pdsa", timeout=120)
    r = run("list", str(path))
    assert r.returncode == 0 and "Fewer falls on Wards 7 and 8" in r.stdout, r.stderr
    r = run("report", str(path), str(out / "report.html"))
    assert r.returncode == 0, r.stderr
    assert (out / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") == 3
    r = run("export", str(path), str(out / "project.json"))
    assert r.returncode == 0 and qi.pdsa.load_json(out / "project.json").cycle("C3").id == "C3", r.stderr
    r = run("export", str(path), str(folder / "project.json"))
    assert r.returncode == 2 and f"Could not write {str(folder / 'project.json')!r}" in r.stderr
    assert "could not read the input" not in r.stderr
    r = run("add-idea", str(path), "Night lights")
    assert r.returncode == 2 and f"Could not write {str(path)!r}: the file or its folder is read-only" in r.stderr
    assert path.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["team.pdsa"]


def test_a_failed_first_write_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "new.pdsa"
    store = qi.pdsa.open(path)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(qi.pdsa.SQLiteStore, "_log", broken)  # fails inside the first transaction
    with pytest.raises(qi.QIValueError, match="Could not write"):
        store.new_project("Falls", aim="Halve falls by 2030")
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.undo()
    with qi.pdsa.open(path) as again:  # and the name can be used again
        again.new_project("Falls", aim="Halve falls by 2030")
    assert path.exists()
