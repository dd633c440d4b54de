"""The records of qitools.pdsa: the project, its numbering of ids, ramps, tables and dict layout."""

from __future__ import annotations

import json

import pytest

import qitools as qi
from qitools.pdsa import Aim, ChangeIdea, Driver, Measure, PDSACycle, Project, Ramp


def small_project() -> Project:
    p = Project("Sepsis screening", created="2024-01-01")
    p.add(Driver("Sepsis recognised early"))
    p.add(ChangeIdea("Screening tool", drivers=["P1"]))
    return p


class TestAim:
    def test_text_is_composed_from_the_parts(self):
        aim = Aim(
            what="Give antibiotics within 1 hour",
            how_much="to 90% of patients",
            by_when="2024-03-31",
            for_whom="adults with red-flag sepsis",
        )
        assert aim.text() == (
            "Give antibiotics within 1 hour to 90% of patients for adults with red-flag sepsis by 31 March 2024."
        )

    def test_statement_wins(self):
        assert Aim(what="x", statement="Our aim.").text() == "Our aim."
        assert Aim().text() == ""


class TestProjectAdd:
    def test_ids_are_numbered_per_kind(self):
        p = small_project()
        assert [d.id for d in p.drivers] == ["P1"] and p.change_ideas[0].id == "CI1"
        assert p.add(Driver("Tool at triage", level="secondary", parent="P1")).id == "S1"
        assert p.add(Measure("% screened", kind="process", definition="d")).id == "M1"
        c1 = p.add(PDSACycle(change_idea="CI1", objective="Try it", predictions=["ok"]))
        c2 = p.add(PDSACycle(change_idea="CI1", objective="Again", predictions=["ok"], id="C7"))
        c3 = p.add(PDSACycle(change_idea="CI1", objective="And again", predictions=["ok"]))
        assert (c1.id, c2.id, c3.id) == ("C1", "C7", "C8")

    def test_project_id_from_the_title(self):
        assert Project("Fewer falls on Ward 7!").id == "fewer-falls-on-ward-7"

    def test_taken_id_is_refused(self):
        p = small_project()
        with pytest.raises(qi.QIValueError, match="already has a change idea 'CI1'. Ids must be unique"):
            p.add(ChangeIdea("Another", id="CI1"))

    def test_the_record_is_copied(self):
        p = small_project()
        c = PDSACycle(change_idea="CI1", objective="x", predictions=["y"])
        stored = p.add(c)
        assert c.id is None and stored is not c and p.cycles[0] is stored

    def test_first_cycle_of_an_idea_creates_its_ramp_and_later_ones_join_it(self):
        p = small_project()
        a = p.add(PDSACycle(change_idea="CI1", objective="a", predictions=["y"]))
        b = p.add(PDSACycle(change_idea="CI1", objective="b", predictions=["y"]))
        assert a.ramp == b.ramp == "R1" and len(p.ramps) == 1 and p.ramps[0].change_idea == "CI1"
        p.add(Ramp("CI1", title="Night shift", id="night"))
        c = p.add(PDSACycle(change_idea="CI1", objective="c", predictions=["y"], ramp="night"))
        d = p.add(PDSACycle(change_idea="CI1", objective="d", predictions=["y"], previous=c.id))
        assert d.ramp == "night"

    def test_bad_cycle_adds_nothing(self):
        p = small_project()
        with pytest.raises(qi.QIValueError):
            p.add(PDSACycle(change_idea="CI9", objective="x"))
        assert p.cycles == [] and p.ramps == []

    def test_add_checks_unless_told_not_to(self):
        p = small_project()
        with pytest.warns(qi.pdsa.PDSAWarning, match="has no prediction"):
            p.add(PDSACycle(change_idea="CI1", objective="x"))
        p.add(PDSACycle(change_idea="CI9", objective=""), check=False)
        assert len(p.cycles) == 2

    def test_wrong_type(self):
        with pytest.raises(
            qi.QITypeError, match="Expected a Measure, Driver, ChangeIdea, Ramp, PDSACycle, CauseEffect or ProcessMap"
        ):
            small_project().add({"objective": "x"})


class TestProjectReplaceRemove:
    def test_replace_records_the_later_stages(self, project):
        c = project.cycle("C10").copy()
        c.end_date, c.what_happened = "2024-11-30", "Audit done"
        stored = project.replace(c)
        assert project.cycle("C10").status == "done" and stored.id == "C10"
        assert [x.id for x in project.cycles][-1] == "C10"  # same place

    def test_replace_unknown(self, project):
        with pytest.raises(qi.QIValueError, match="has no cycle 'C99'"):
            project.replace(PDSACycle(id="C99", change_idea="CI1", objective="x"))

    def test_put_adds_or_replaces(self, project):
        assert project.put(PDSACycle(change_idea="CI2", objective="x", predictions=["y"])).id == "C11"
        project.put(Aim(statement="New aim"))
        assert project.aim.text() == "New aim"

    def test_remove_refused_while_referred_to(self, project):
        with pytest.raises(qi.QIValueError, match=r"Cannot remove cycle 'C1': cycle 'C2' refers to it"):
            project.remove("cycle", "C1")
        with pytest.raises(qi.QIValueError, match=r"Cannot remove change idea 'CI1': ramp 'R1', cycle 'C1'"):
            project.remove("change_idea", "CI1")
        project.remove("cycle", "C10")
        assert "C10" not in [c.id for c in project.cycles]
        with pytest.raises(qi.QIValueError, match="`kind` must be one of"):
            project.remove("cycels", "C1")


class TestTables:
    def test_ramp_table(self, project):
        t = project.ramp_table()
        assert t["cycles"].tolist() == ["C1 → C2 → C5 → C7 → C10", "C3 → C4", "C6 → C8 → C9"]
        assert t.loc[1, "decisions"] == "adapt → abandon" and t.loc[2, "latest"] == "adopt"
        assert t.loc[0, "first_start"] == "2024-02-05" and t.loc[0, "last_end"] == "2024-07-28"

    def test_ramp_cycles_in_time_order_whatever_the_order_added(self):
        p = small_project()
        p.add(PDSACycle(change_idea="CI1", objective="late", predictions=["y"], start_date="2024-05-01"))
        p.add(PDSACycle(change_idea="CI1", objective="early", predictions=["y"], start_date="2024-02-01"))
        assert [c.objective for c in p.ramp_cycles("R1")] == ["early", "late"]

    def test_cycles_table(self, project):
        t = project.cycles_table()
        assert len(t) == 10 and t.loc[0, "title"] == "Bay tagging" and t.loc[9, "status"] == "in progress"
        assert str(t["scale_n"].dtype) == "Int64"

    def test_reprs(self, project):
        assert repr(project) == "<Project 'ward-falls' measures=3 drivers=6 change_ideas=4 ramps=3 cycles=10>"
        project.title = "<b>bold</b>"
        assert "&lt;b&gt;bold" in project._repr_html_()


class TestDictLayout:
    def test_cycle_nested_by_stage(self, project):
        d = project.cycle("C1").to_dict()
        assert list(d) == ["id", "title", "change_idea", "ramp", "previous", "measure", "plan", "do", "study", "act"]
        assert d["act"] == {
            "decision": "adapt",
            "date": "2024-02-13",
            "next": "Give the tag to the HCA during drug rounds; try it by day too.",
        }
        assert PDSACycle.from_dict(d) == project.cycle("C1")

    def test_cycle_flat_layout_is_accepted(self):
        c = PDSACycle.from_dict(
            {
                "change_idea": "CI1",
                "objective": "x",
                "act": "adopt",
                "act_notes": "go",
                "plan": {"plan_date": "2024-01-01"},
            }
        )
        assert (c.act, c.act_notes, c.plan_date) == ("adopt", "go", "2024-01-01")

    def test_unknown_stage_key_suggests_the_right_one(self):
        with pytest.raises(
            qi.QIValueError, match=r"Unknown field plan.predicton in cycle 'C1'. Did you mean 'predictions'\?"
        ):
            PDSACycle.from_dict({"id": "C1", "plan": {"predicton": ["x"]}})

    def test_unknown_record_field(self):
        with pytest.raises(
            qi.QIValueError, match=r"Unknown field for a measure: 'defintion' \(did you mean 'definition'\?\)"
        ):
            Measure.from_dict({"name": "x", "defintion": "y"})

    def test_project_round_trip_through_plain_dicts(self, project):
        d = json.loads(json.dumps(project.to_dict()))
        assert Project.from_dict(d) == project

    def test_hand_written_project_without_ramps(self):
        d = {
            "title": "Falls",
            "change_ideas": [{"id": "A", "text": "Bay tagging"}, {"id": "B", "text": "Mats"}],
            "cycles": [
                {"id": "1", "change_idea": "B", "objective": "x", "predictions": ["y"]},
                {"id": "2", "change_idea": "A", "objective": "x", "predictions": ["y"]},
                {"id": "3", "change_idea": "B", "objective": "x", "predictions": ["y"], "previous": "1"},
            ],
        }
        p = Project.from_dict(d)
        assert [(r.id, r.change_idea) for r in p.ramps] == [("R1", "B"), ("R2", "A")]
        assert [c.ramp for c in p.cycles] == ["R1", "R2", "R1"]

    def test_format_checks(self):
        with pytest.raises(qi.QIValueError, match="its 'format' is 'other', not 'qitools-pdsa'"):
            Project.from_dict({"format": "other"})
        with pytest.raises(qi.QIValueError, match="format_version 3; this qitools reads version 2.*upgrade qitools"):
            Project.from_dict({"format_version": 3})
        with pytest.raises(qi.QITypeError, match="'cycles' must be a list of cycle records"):
            Project.from_dict({"cycles": {"C1": {}}})

    def test_import_checks_links_between_records(self):
        d = {"title": "x", "cycles": [{"id": "C1", "change_idea": "CI1", "objective": "x", "predictions": ["y"]}]}
        with pytest.raises(qi.QIValueError, match="refers to change idea 'CI1', which is not in project 'x'"):
            Project.from_dict(d)


class TestReplaceChecksDependents:
    def test_moving_a_cycle_to_another_ramp_breaks_the_cycle_built_on_it(self, project):
        project.add(Ramp("CI1", title="Second try", id="R9"))
        c2 = project.cycle("C2").copy()
        c2.ramp = "R9"
        with pytest.raises(qi.QIValueError, match="Cycle 'C5' builds on 'C2', which is in ramp 'R9'"):
            project.replace(c2)
        assert project.cycle("C2").ramp == "R1"

    def test_a_primary_driver_with_secondaries_cannot_become_secondary(self, project):
        p1 = project.drivers[0].copy()
        p1.level, p1.parent = "secondary", "P2"
        with pytest.raises(qi.QIValueError, match="hangs from 'P1', which is a secondary driver"):
            project.replace(p1)

    def test_harmless_change_passes(self, project):
        idea = project.change_idea("CI1").copy()
        idea.text = "Bay tagging (all bays)"
        project.replace(idea)
        assert project.ramp_table().loc[0, "title"] == "Bay tagging (all bays)"
