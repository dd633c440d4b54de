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
        assert "ended (end_date 2024-09-01) before it started" in form.messages["end_date"].value
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
