"""The PDSA cycle form, driven headlessly: set the widgets' values, call the submit handler.

The form must show each check's message next to its field, refuse to save while there are
errors, save through qitools.pdsa (a store or a project in memory), and edit existing cycles.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("ipywidgets")

import qitools as qi  # noqa: E402
from qitools.widgets import PDSAForm, cycle_form  # noqa: E402

TODAY = dt.date(2025, 1, 15)


@pytest.fixture(params=["sqlite", "project"])
def target(request, tmp_path):
    if request.param == "project":
        yield qi.pdsa.example_project()
        return
    store = qi.pdsa.open(tmp_path / "team.pdsa")
    store.add_project(qi.pdsa.example_project())
    yield store
    store.close()


def saved_project(target):
    return target if isinstance(target, qi.pdsa.Project) else target.load()


def fill(form, **values):
    for name, value in values.items():
        form.fields[name].value = value


class TestNewCycle:
    def test_a_good_cycle_is_saved(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(
            form,
            change_idea="CI3",
            objective="Does rounding work at weekends?",
            predictions="12 of 14 checks signed\nNo complaints about noise",
            scale="Ward 7",
            scale_n="28",
            start_date=dt.date(2024, 9, 7),
            end_date=dt.date(2024, 9, 29),
        )
        assert all(m.value == "" for m in form.messages.values())
        c = form.submit()
        assert c is not None and (c.id, c.ramp, c.status) == ("C11", "R3", "done")
        assert "Saved</b> cycle C11" in form.status.value
        stored = saved_project(target).cycle("C11")
        assert stored.predictions == ["12 of 14 checks signed", "No complaints about noise"]
        assert (stored.scale_n, stored.start_date) == (28, "2024-09-07")
        assert form.chooser.value == "C11"  # the form now edits the saved cycle

    def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(form, objective="x", start_date=dt.date(2024, 9, 7), end_date=dt.date(2024, 9, 1), results="Fine")
        assert form.submit() is None
        assert "does not say which change idea it tests" in form.messages["change_idea"].value
        assert "ended (end date 2024-09-01) before it started (start date 2024-09-07)" in form.messages["end_date"].value
        assert "has no prediction" in form.messages["predictions"].value  # a warning, in amber
        assert "#a35a00" in form.messages["predictions"].value and "#b2182b" in form.messages["end_date"].value
        assert "Not saved</b>: 2 problems" in form.status.value
        assert len(saved_project(target).cycles) == 10

    def test_messages_update_as_fields_change(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(form, change_idea="CI1", objective="x", predictions="p", act="adopt")
        assert "has an Act record but no Study" in form.messages["act"].value
        fill(form, end_date=dt.date(2024, 9, 1), what_happened="done", results="ok")
        assert form.messages["act"].value == ""

    def test_cannot_study_before_done(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(form, change_idea="CI1", objective="x", predictions="p", learning="We learnt")
        assert form.submit() is None
        assert "A cycle cannot be studied before it is done" in form.messages["results"].value

    def test_scale_number_must_be_a_number(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(form, change_idea="CI1", objective="x", predictions="p", scale_n="six")
        assert form.submit() is None
        assert "Scale (number) must be a whole number" in form.messages["scale_n"].value

    def test_warning_only_is_saved(self, target):
        form = cycle_form(target)
        fill(form, change_idea="CI2", objective="Try mats again with new model")
        c = form.submit()
        assert c is not None and "1 warning shown" in form.status.value
        assert "has no prediction" in form.messages["predictions"].value

    def test_big_jump_in_scale_is_flagged(self, target):
        form = PDSAForm(target, today=TODAY)
        fill(form, change_idea="CI2", objective="All wards", predictions="p", previous="C3", scale_n="40")
        form.show_problems()
        assert "rule of thumb is to grow a ramp about 5 times at most" in form.messages["scale_n"].value


class TestEditCycle:
    def test_record_the_do_study_and_act(self, target):
        form = PDSAForm(target, cycle="C10", today=TODAY)
        assert form.fields["objective"].value.startswith("Is bay tagging still kept up")
        assert form.fields["start_date"].value == dt.date(2024, 11, 4)
        assert "C10" not in [v for _, v in form.fields["previous"].options]
        fill(
            form,
            end_date=dt.date(2024, 11, 30),
            what_happened="Audit on both wards",
            results="Bays left 1-4 times a day",
            study_date=dt.date(2024, 12, 2),
            act="adopt",
        )
        c = form.submit()
        assert c is not None and c.id == "C10" and c.status == "adopt"
        p = saved_project(target)
        assert len(p.cycles) == 10 and p.cycle("C10").act == "adopt"

    def test_choosing_another_cycle_fills_the_form(self, target):
        form = PDSAForm(target, today=TODAY)
        form.chooser.value = "C4"
        assert form.fields["act"].value == "abandon" and form.fields["scale_n"].value == "3"
        assert form.fields["predictions"].value.startswith("Fewer than 2 false alarms")
        form.chooser.value = "__new__"
        assert form.fields["objective"].value == "" and form.values()["act"] is None
        assert form.fields["act"].label == "– not decided yet –"

    def test_a_store_error_is_shown(self, tmp_path):
        store = qi.pdsa.open(tmp_path / "t.pdsa")
        store.add_project(qi.pdsa.example_project())
        form = PDSAForm(store, today=TODAY)
        fill(form, change_idea="CI4", objective="Assess within 6 hours", predictions="90% assessed")
        store.remove("change_idea", "CI4")  # meanwhile, someone else removed the idea
        assert form.submit() is None
        assert "Not saved</b>: Cycle 'C11' refers to change idea 'CI4', which is not in project" in form.status.value
        assert len(store.load().cycles) == 10
        store.close()


def test_wrong_target():
    with pytest.raises(qi.QIToolsError, match="PDSAForm needs a PDSA store"):
        PDSAForm("team.pdsa")


def test_displays_as_a_widget(target):
    form = PDSAForm(target)
    assert "application/vnd.jupyter.widget-view+json" in form._repr_mimebundle_()
    assert repr(form) == "<PDSAForm project='ward-falls' cycle=new>"


# -- prompts, stale saves, removing, and the rest of the record ----------------------------------------
from qitools.widgets import ProjectForm, RecordForm, project_form, record_form  # noqa: E402


def test_dropdowns_start_on_a_prompt(target):
    form = PDSAForm(target, today=TODAY)
    labels = {
        name: form.fields[name].label
        for name in ("change_idea", "measure", "ramp", "previous", "prediction_held", "act")
    }
    assert labels == {
        "change_idea": "– choose a change idea –",
        "measure": "– no measure chosen –",
        "ramp": "– the change idea's ramp –",
        "previous": "– none: a first cycle –",
        "prediction_held": "– not studied yet –",
        "act": "– not decided yet –",
    }
    assert all(form.values()[n] is None for n in labels)
    form.chooser.value = "C3"
    assert form.fields["change_idea"].label == "CI2: Falls sensor mats"
    assert form.fields["previous"].label == "– none: a first cycle –"


class TestStaleSave:
    @pytest.fixture
    def two(self, tmp_path):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path, user="Setup") as s:
            s.add_project(qi.pdsa.example_project())
        mine, theirs = qi.pdsa.open(path, user="Alice"), qi.pdsa.open(path, user="Bob")
        yield path, mine, theirs
        mine.close()
        theirs.close()

    def test_the_form_refuses_a_stale_save_and_offers_to_reload(self, two):
        import dataclasses

        path, mine, theirs = two
        form = PDSAForm(mine, cycle="C3", today=TODAY)
        assert form.reload_button.layout.display == "none"
        fill(form, learning="Alice: mats need a delay")
        theirs.put(dataclasses.replace(theirs.load().cycle("C3"), learning="Bob: nights only"))  # Bob saves first
        assert form.submit() is None
        assert "Not saved</b>: Cycle 'C3' was changed by Bob" in form.status.value
        assert "(learning)" in form.status.value and "their change is kept" in form.status.value
        assert "What you typed" in form.status.value and "Alice: mats need a delay" in form.status.value
        assert form.reload_button.layout.display is None  # shown
        with qi.pdsa.open(path, readonly=True) as fresh:
            assert fresh.load().cycle("C3").learning == "Bob: nights only"
        form.reload_button.click()
        assert form.fields["learning"].value == "Bob: nights only" and "Reloaded" in form.status.value
        fill(form, learning="Bob: nights only. Alice: and a delay")
        saved = form.submit()
        assert saved is not None and saved.version == 3
        assert mine.load().cycle("C3").learning == "Bob: nights only. Alice: and a delay"
        assert mine.history(record="C3")["who"].tolist() == ["Bob", "Alice"]

    def test_choosing_a_cycle_reads_the_latest_version(self, two):
        import dataclasses

        _, mine, theirs = two
        form = PDSAForm(mine, today=TODAY)  # the form read the project now ...
        theirs.put(dataclasses.replace(theirs.load().cycle("C4"), learning="Bob's"))  # ... Bob saves ...
        form.chooser.value = "C4"  # ... and choosing C4 shows Bob's version, so saving it is no conflict
        assert form.fields["learning"].value == "Bob's"
        fill(form, observations="More")
        assert form.submit() is not None

    def test_a_record_form_refuses_a_stale_save_too(self, two):
        import dataclasses

        _, mine, theirs = two
        form = RecordForm(mine, "measure", record="M1")
        form.fields["frequency"].value = "monthly"
        theirs.put(dataclasses.replace(theirs.load().measure("M1"), frequency="weekly"))
        assert form.submit() is None and "Measure 'M1' was changed by Bob" in form.status.value
        assert mine.load().measure("M1").frequency == "weekly"
        form.reload()
        assert form.fields["frequency"].value == "weekly"


def test_remove_from_the_form(target):
    form = PDSAForm(target, cycle="C7", today=TODAY)
    assert form.remove() is False and "Cannot remove cycle 'C7': cycle 'C10' refers to it" in form.status.value
    form.chooser.value = "C10"
    assert form.remove() is True and "Removed</b> cycle C10" in form.status.value
    assert "C10" not in [c.id for c in saved_project(target).cycles]
    assert form.chooser.value == "__new__"


class TestRecordForms:
    def test_the_aim_with_its_measure_baseline_and_target(self, target):
        form = record_form(target, "aim")
        assert form.fields["measure"].value == "M1" and form.fields["target"].value == "5.6"
        form.fields["how_much"].value = "a lot"
        form.fields["target"].value = ""
        assert "The aim has no number ('a lot')" in form.messages["how_much"].value
        form.fields["how_much"].value = "by 35%"
        form.fields["target"].value = "5.2"
        aim = form.submit()
        assert aim is not None and saved_project(target).aim.target == 5.2
        form.fields["baseline"].value = "eight"
        assert (
            form.submit() is None and "Baseline (the measure now) must be a number" in form.messages["baseline"].value
        )

    def test_a_new_measure_with_its_measurement_plan(self, target):
        form = RecordForm(target, "measure")
        assert form.fields["kind"].label == "outcome" and form.fields["chart"].label.startswith("run:")  # the defaults
        assert form.fields["improvement"].label == "– not set –"
        for name, value in dict(name="Bed rails used", kind="process", definition="Bed rails up at the 2am check",
                                data_source="Night audit sheet", collected_by="Night nurse in charge",
                                frequency="Every night", sampling="5 random beds", missing="No audit: blank").items():  # fmt: skip
            form.fields[name].value = value
        m = form.submit()
        assert m is not None and m.id == "M4"
        stored = saved_project(target).measure("M4")
        assert (stored.sampling, stored.missing, stored.kind, stored.chart) == (
            "5 random beds",
            "No audit: blank",
            "process",
            "run",
        )

    def test_drivers_and_change_ideas(self, target):
        d = RecordForm(target, "driver")
        d.fields["text"].value = "Patients sleep well"
        d.fields["parent"].value = "P2"
        driver = d.submit()
        assert driver is not None and (driver.level, driver.parent) == ("secondary", "P2")
        ci = RecordForm(target, "change_idea")
        assert [v for _, v in ci.fields["drivers"].options][-1] == driver.id
        ci.fields["text"].value = "Night lights"
        ci.fields["drivers"].value = (driver.id,)
        idea = ci.submit()
        assert idea is not None and saved_project(target).change_idea(idea.id).drivers == [driver.id]
        ci.chooser.value = "CI1"
        assert ci.remove() is False and "refer" in ci.status.value

    def test_the_project_form_has_every_part(self, target):
        form = project_form(target)
        assert isinstance(form, ProjectForm)
        assert [form.widget.get_title(i) for i in range(5)] == [
            "Aim",
            "Measures",
            "Drivers",
            "Change ideas",
            "PDSA cycles",
        ]
        ideas = form.forms["change idea"]
        ideas.fields["text"].value = "Night lights"
        ideas.save_button.click()
        cycle = form.forms["cycle"]
        assert "CI5: Night lights" in [label for label, _ in cycle.fields["change_idea"].options]
        assert "application/vnd.jupyter.widget-view+json" in form._repr_mimebundle_()

    def test_wrong_kind(self, target):
        with pytest.raises(qi.QIToolsError, match="`kind` must be 'aim', 'measure', 'driver' or 'change_idea'"):
            RecordForm(target, "cycle")


class TestFormWords:
    """The form speaks of its own fields and buttons: no Python names, no store.load()."""

    @pytest.fixture
    def two(self, tmp_path):
        path = tmp_path / "team.pdsa"
        with qi.pdsa.open(path, user="Setup") as s:
            s.add_project(qi.pdsa.example_project())
        mine, theirs = qi.pdsa.open(path, user="Alice"), qi.pdsa.open(path, user="Bob")
        yield mine, theirs
        mine.close()
        theirs.close()

    def test_a_stale_save_says_press_reload_and_lists_only_what_was_typed(self, two):
        import dataclasses

        mine, theirs = two
        form = PDSAForm(mine, cycle="C10", today=TODAY)
        assert form.fields["objective"].value and form.fields["start_date"].value == dt.date(2024, 11, 4)
        fill(form, end_date=dt.date(2024, 11, 30), what_happened="Alice: audit done")
        theirs.put(dataclasses.replace(theirs.load().cycle("C10"), observations="Bob's note"))
        assert form.submit() is None
        status = form.status.value
        assert "Press Reload to see their version" in status and "store.load()" not in status
        typed = status.split("What you typed", 1)[1]
        assert "<b>Ended</b>: 2024-11-30" in typed and "<b>What happened</b>: Alice: audit done" in typed
        # what Alice did not touch (the objective, the start date she loaded) is not "what you typed"
        assert "<b>Objective</b>" not in typed and "<b>Started</b>" not in typed

    def test_messages_name_the_fields_as_the_form_does(self, two):
        mine, _ = two
        form = PDSAForm(mine, cycle="C10", today=TODAY)
        fill(form, start_date=dt.date(2207, 1, 5), act="adopt")
        shown = " ".join(m.value for m in form.messages.values())
        assert "Start date of cycle 'C10' is 2207-01-05" in shown
        assert "`start_date`" not in shown and "end_date" not in shown and "what_happened" not in shown
        # the Python spelling is unchanged outside the form
        c = form.cycle()
        assert "`start_date` of cycle 'C10'" in " ".join(p.message for p in qi.pdsa.check(c, mine.load()))
