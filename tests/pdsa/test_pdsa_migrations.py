"""Forward migrations of the PDSA file, from the first schema version on.

``data/pdsa_schema_v1.sql`` is a frozen dump of a file made at schema version 1 (with two
projects, drivers, change ideas linked to several drivers, and cycles at every stage). It is
never regenerated: it stands for the files teams already have.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import qitools as qi
from qitools.pdsa import migrations, store as store_module
from qitools.pdsa.store import APPLICATION_ID

V1_DUMP = Path(__file__).parent / "data" / "pdsa_schema_v1.sql"


def make_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
    conn.close()
    return path


def schema(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return {name: re.sub(r"\s+", " ", sql).strip() for name, sql in rows}


class TestFirstVersion:
    def test_fixture_is_the_schema_of_migration_1(self, tmp_path):
        """Migration 1 must never change: the fixture's tables are exactly what it creates."""
        fixture = sqlite3.connect(make_v1(tmp_path / "v1.pdsa"))
        fresh = sqlite3.connect(":memory:")
        for statement in migrations.MIGRATIONS[0].STATEMENTS:
            fresh.execute(statement)
        assert schema(fixture) == schema(fresh)
        assert fixture.execute("PRAGMA user_version").fetchone()[0] == 1

    def test_v1_file_opens_with_the_current_code(self, tmp_path):
        path = make_v1(tmp_path / "team.pdsa")
        before = path.read_bytes()
        with qi.pdsa.open(path, readonly=True) as store:  # read through a migrated copy in memory
            assert store.schema_version == 1 and store.load("sepsis").cycle("C1").ramp == "R1"
        assert path.read_bytes() == before and not (tmp_path / "team.pdsa.v1.bak").exists()
        with qi.pdsa.open(path) as store:
            assert store.project_ids() == ["sepsis", "empty"]
            assert store.schema_version == 1  # opening and reading never change the file
            store.set_name("Migrating nurse")  # the first write migrates it
            assert store.schema_version == migrations.LATEST == 4
            p = store.load("sepsis")
            assert p.aim.what == "Give antibiotics within 1 hour" and p.aim.measure is None and p.aim.target is None
            assert [d.id for d in p.drivers] == ["P1", "S1", "P2"]
            assert p.change_idea("CI3").drivers == ["S1", "P1"]
            assert p.measures == []
            c1 = p.cycle("C1")
            assert c1.predictions == ["Under 2 minutes per patient", "All 5 screened"]
            assert (c1.who, c1.where, c1.scale_n, c1.act, c1.prediction_held) == (
                "Triage nurse A",
                "AMU triage",
                5,
                "adapt",
                "partly",
            )
            assert p.cycle("C3").status == "in progress" and p.cycle("C3").end_date is None  # started, no Do yet
            # version 3 put each change idea's cycles in one ramp
            assert [(r.id, r.change_idea) for r in p.ramps] == [("R1", "CI1"), ("R2", "CI2"), ("R3", "CI3")]
            assert [c.ramp for c in p.cycles] == ["R1", "R1", "R2", "R3"]
            assert all(c.previous is None and c.measure is None for c in p.cycles)
            conn = store._conn
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
            # and the migrated file takes new records
            store.put(qi.pdsa.Measure("% screened", kind="process", definition="d"), project="sepsis")
            c = store.put(
                qi.pdsa.PDSACycle(
                    change_idea="CI1",
                    objective="All triage nurses",
                    predictions=["90%"],
                    previous="C2",
                    measure="M1",
                    scale_n=60,
                ),
                project="sepsis",
            )
            assert (c.id, c.ramp) == ("C5", "R1")
        with qi.pdsa.open(path) as store:
            assert store.load("sepsis").cycle("C5").previous == "C2"

    def test_a_copy_of_the_old_file_is_kept(self, tmp_path):
        path = make_v1(tmp_path / "team.pdsa")
        with qi.pdsa.open(path) as store:
            store.put(qi.pdsa.ChangeIdea("Prompt card"), project="sepsis")
        backup = sqlite3.connect(tmp_path / "team.pdsa.v1.bak")
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
        assert backup.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 4
        backup.close()

    def test_v2_file(self, tmp_path):
        path = tmp_path / "v2.pdsa"
        conn = sqlite3.connect(path)
        for m in migrations.MIGRATIONS[:2]:
            for statement in m.STATEMENTS:
                conn.execute(statement)
        conn.execute(
            "INSERT INTO projects (id, title, created, aim_measure, aim_target) VALUES "
            "('p', 'P', '2024-01-01', 'M1', 5.5)"
        )
        conn.execute(
            "INSERT INTO measures (project_id, id, position, name, kind, chart, multiply) VALUES "
            "('p', 'M1', 0, 'Falls', 'outcome', 'u', 1000)"
        )
        conn.execute("INSERT INTO change_ideas (project_id, id, position, text) VALUES ('p', 'CI1', 0, 'Tagging')")
        conn.execute(
            "INSERT INTO cycles (project_id, id, position, change_idea, objective, measure) VALUES "
            "('p', 'C1', 0, 'CI1', 'Try', 'M1')"
        )
        conn.execute("PRAGMA user_version = 2")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
        conn.close()
        with qi.pdsa.open(path) as store:
            p = store.load()
        assert (p.aim.measure, p.aim.target, p.measure("M1").multiply) == ("M1", 5.5, 1000.0)
        assert (p.cycle("C1").measure, p.cycle("C1").ramp) == ("M1", "R1")


class TestMigrationIsAtomic:
    def test_a_failing_migration_leaves_the_file_as_it_was(self, tmp_path, monkeypatch, project):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path) as store:
            store.add_project(project)

        class Broken:
            VERSION = 5
            DESCRIPTION = "adds a column, then fails"
            STATEMENTS = ["ALTER TABLE cycles ADD COLUMN colour TEXT", "SELECT * FROM no_such_table"]

        monkeypatch.setattr(store_module, "MIGRATIONS", (*migrations.MIGRATIONS, Broken))
        monkeypatch.setattr(store_module, "LATEST", 5)
        with qi.pdsa.open(path) as store, pytest.raises(qi.QIValueError, match="no such table"):
            store.put(qi.pdsa.ChangeIdea("Prompt card"))
        monkeypatch.undo()
        with qi.pdsa.open(path) as store:
            assert store.schema_version == 4
            columns = [r[1] for r in store._conn.execute("PRAGMA table_info(cycles)")]
            assert "colour" not in columns and store.load() == project


class TestVersion4:
    def test_records_start_at_version_1_with_an_empty_plan_and_history(self, tmp_path):
        path = make_v1(tmp_path / "team.pdsa")
        with qi.pdsa.open(path, user="Nurse") as store:
            store.set_name("Migrating nurse")  # the first write upgrades the file
            p = store.load("sepsis")
            assert store.schema_version == 4
        assert {r.version for k in ("driver", "change idea", "ramp", "cycle") for r in p._collection(k)} == {1}
        assert p.aim.version == 1 and p.version == 1 and p.cycle("C1").stamp.changed_by == ""  # not known
        assert p.history == [] and p.data == {} and p.cause_effects == [] and p.process_maps == []
        assert all(c.due_date is None for c in p.cycles)
        conn = sqlite3.connect(path)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(measures)")]
        conn.close()
        assert columns[-5:] == ["data_source", "collected_by", "frequency", "sampling", "missing"]

    def test_opening_with_another_journal_changes_nothing_until_a_write(self, tmp_path):
        path = tmp_path / "shared.pdsa"
        with qi.pdsa.open(path, journal="delete") as store:
            store.add_project(qi.pdsa.example_project())
        before = path.read_bytes()
        with qi.pdsa.open(path, journal="wal") as store:
            store.load()
            assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert path.read_bytes() == before
