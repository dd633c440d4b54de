"""The PDSA stores: the SQLite file and the in-memory store behind the same small interface."""

from __future__ import annotations

import sqlite3

import pytest

import qitools as qi
from qitools.pdsa import Aim, ChangeIdea, Measure, PDSACycle
from qitools.pdsa.store import APPLICATION_ID, SCHEMA_VERSION


def cycle(**kw) -> PDSACycle:
    return PDSACycle(**{"change_idea": "CI1", "objective": "Tag a bay", "predictions": ["No falls"], **kw})


class TestStoreInterface:
    """What every store does (run on the SQLite file and on the memory store)."""

    def test_whole_project_round_trip(self, store, project):
        stored = store.add_project(project)
        assert stored == project
        assert store.load() == project and store.load("ward-falls") == project

    def test_new_project_ids_from_the_title_and_unique(self, store):
        assert store.new_project("Fewer falls", aim="Halve falls by 2027").id == "fewer-falls"
        # running `new` twice by mistake does not make a second, empty project
        with pytest.raises(qi.QIValueError, match="already has a project 'fewer-falls' \\(Fewer falls\\)"):
            store.new_project("Fewer falls")
        assert store.new_project("Fewer falls", id="fewer-falls-ward-8", aim="Halve falls by 2027").id == (
            "fewer-falls-ward-8"
        )
        assert store.projects()["id"].tolist() == ["fewer-falls", "fewer-falls-ward-8"]

    def test_ids_transliterate_accented_letters(self, store):
        assert store.new_project("Fewer falls on Ward 7 – Rhôp Dics", aim="Halve falls by 2027").id == (
            "fewer-falls-on-ward-7-rhop-dics"
        )
        assert qi.pdsa.Project("Straße Ærø Łódź").id == "strasse-aero-lodz"

    def test_put_adds_numbers_and_replaces(self, store, project):
        store.add_project(project)
        c = store.put(cycle(change_idea="CI4", scale_n=1))
        assert (c.id, c.ramp) == ("C11", "R4")
        loaded = store.load()
        assert loaded.cycle("C11") == c and loaded.ramp("R4").change_idea == "CI4"
        c.end_date, c.what_happened = "2024-12-01", "Done on one patient"
        store.put(c)
        assert store.load().cycle("C11").status == "done" and len(store.load().cycles) == 11

    def test_put_checks_and_writes_nothing_on_error(self, store, project):
        store.add_project(project)
        with pytest.raises(qi.QIValueError, match="`act` must be one of 'adopt', 'adapt', 'abandon'; got 'yes'"):
            store.put(cycle(act="yes", results="r", end_date="2024-01-01"))
        assert store.load() == project

    def test_put_warns(self, store, project):
        store.add_project(project)
        with pytest.warns(qi.pdsa.PDSAWarning, match="has no prediction"):
            store.put(cycle(predictions=[]))

    def test_put_aim_and_update_project(self, store, project):
        store.add_project(project)
        store.put(Aim(statement="Halve falls by 2025."))
        p = store.update_project(title="Falls 2", team="New team")
        assert (p.title, p.team, p.aim.text()) == ("Falls 2", "New team", "Halve falls by 2025.")
        assert len(p.cycles) == 10
        p = store.update_project(aim=Aim(what="Reduce falls", how_much="by half", by_when="2025-12-31", for_whom="all"))
        assert p.aim.by_when == "2025-12-31" and p.title == "Falls 2"

    def test_remove(self, store, project):
        store.add_project(project)
        with pytest.raises(qi.QIValueError, match="Cannot remove cycle 'C7': cycle 'C10' refers to it"):
            store.remove("cycle", "C7")
        store.remove("cycle", "C10")
        store.remove("cycle", "C7")
        assert [c.id for c in store.load().cycles if c.ramp == "R1"] == ["C1", "C2", "C5"]

    def test_several_projects_need_a_project_id(self, store, project):
        store.add_project(project)
        store.new_project("Sepsis")
        with pytest.raises(
            qi.QIValueError, match=r"This store has 2 projects \('ward-falls', 'sepsis'\); say which one"
        ):
            store.load()
        with pytest.raises(qi.QIValueError, match="has no project 'ward-fals'. Did you mean 'ward-falls'?"):
            store.load("ward-fals")
        assert store.put(ChangeIdea("Screening tool"), project="sepsis").id == "CI1"

    def test_empty_store(self, store):
        with pytest.raises(qi.QIValueError, match="This store has no projects yet. Create one first"):
            store.put(cycle())

    def test_add_project_refuses_a_taken_id_unless_replacing(self, store, project):
        store.add_project(project)
        with pytest.raises(qi.QIValueError, match="already has a project 'ward-falls' .*pass replace=True"):
            store.add_project(project)
        project.title = "Replaced"
        assert store.add_project(project, replace=True).title == "Replaced"
        assert store.project_ids() == ["ward-falls"]

    def test_delete_project(self, store, project):
        store.add_project(project)
        store.new_project("Other")
        store.delete_project("ward-falls")
        assert store.project_ids() == ["other"]

    def test_loaded_project_is_a_snapshot(self, store, project):
        store.add_project(project)
        p = store.load()
        p.cycles.clear()
        assert len(store.load().cycles) == 10


class TestSQLiteFile:
    def test_reopen_gives_back_the_same_project(self, tmp_path, project):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as store:
            store.add_project(project)
            store.put(Measure("Bed days", kind="balancing", definition="d", id="M4", subset={"ward": ["Ash", "Oak"]}))
        with qi.pdsa.open(path) as store:
            loaded = store.load()
        assert loaded.measure("M4").subset == {"ward": ["Ash", "Oak"]}
        loaded.measures.pop()
        assert loaded == project and loaded.source == str(path)

    def test_file_settings(self, tmp_path):
        path = tmp_path / "team.pdsa"
        store = qi.pdsa.open(path)
        assert not path.exists() and store.schema_version == 0  # nothing is written until a change
        store.new_project("Falls", aim="Halve falls by 2027")
        assert store.schema_version == SCHEMA_VERSION == 4
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert repr(store).startswith("<SQLiteStore") and "schema=4" in repr(store)
        store.close()

    def test_delete_journal_for_network_drives(self, tmp_path, project):
        path = tmp_path / "shared.pdsa"
        with qi.pdsa.open(path, journal="delete") as store:
            store.add_project(project)
            assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        with pytest.raises(qi.QIValueError, match="`journal` must be 'wal' or 'delete'"):
            qi.pdsa.open(tmp_path / "x.pdsa", journal="memory")

    def test_foreign_keys_are_enforced_by_the_file_itself(self, tmp_path, project):
        with qi.pdsa.open(tmp_path / "team.pdsa") as store:
            store.add_project(project)
            with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
                store._conn.execute(
                    "INSERT INTO cycles (project_id, id, position, change_idea) VALUES ('ward-falls', 'X', 99, 'CI99')"
                )
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                store._conn.execute("UPDATE cycles SET act = 'keep' WHERE id = 'C1'")

    def test_an_integrity_error_becomes_a_plain_message(self, tmp_path, project):
        with qi.pdsa.open(tmp_path / "team.pdsa") as store:
            store.add_project(project)
            with pytest.raises(qi.QIValueError, match="refused the change .*FOREIGN KEY.*Nothing was saved"):
                store.put(cycle(change_idea="CI99"), check=False)
            assert len(store.load().cycles) == 10

    def test_not_a_database(self, tmp_path):
        path = tmp_path / "project.json"
        path.write_text('{"title": "x"}')
        with pytest.raises(
            qi.QIValueError, match=r"is not a qitools PDSA file: it is not an SQLite database.*load_json"
        ):
            qi.pdsa.open(path)
        assert path.read_text() == '{"title": "x"}'

    def test_another_programs_database(self, tmp_path):
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE patients (id)")
        conn.commit()
        conn.close()
        before = path.read_bytes()
        with pytest.raises(
            qi.QIValueError, match="an SQLite database made by another program. It has not been changed"
        ):
            qi.pdsa.open(path)
        assert path.read_bytes() == before

    def test_newer_schema_is_refused_and_left_alone(self, tmp_path):
        path = tmp_path / "new.pdsa"
        with qi.pdsa.open(path) as store:
            store.new_project("Falls", aim="Halve falls by 2027")
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()
        for readonly in (False, True):
            with pytest.raises(
                qi.QIValueError,
                match=r"written by a newer qitools \(PDSA schema version 99; this qitools knows up to 4\)",
            ):
                qi.pdsa.open(path, readonly=readonly)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
        conn.close()

    def test_missing_folder_and_folder_given(self, tmp_path):
        with pytest.raises(qi.QIValueError, match="does not exist, so the PDSA file 'team.pdsa' cannot be created"):
            qi.pdsa.open(tmp_path / "nope" / "team.pdsa")
        with pytest.raises(qi.QIValueError, match="is a folder"):
            qi.pdsa.open(tmp_path)

    def test_memory_file(self, project):
        with qi.pdsa.open(":memory:") as store:
            store.add_project(project)
            assert store.load().source is None and store.load() == project
