"""Every validation rule of qitools.pdsa, each with bad input and its plain-English message pinned.

The rules follow the Model for Improvement (Langley et al., *The Improvement Guide*, 2nd ed. 2009;
Provost & Murray, *The Health Care Data Guide*, 2011, ch. 1): a cycle tests one change idea with a
prediction; Plan, Do, Study and Act come in that order; Act is adopt, adapt or abandon; ramps
grow by about 5 times per cycle at most as a rule of thumb (a warning, not an error).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import pytest

import qitools as qi
from qitools.pdsa import ChangeIdea, Driver, Measure, PDSACycle, Ramp
from qitools.pdsa.validate import MAX_SCALE_STEP, parse_date

TODAY = dt.date(2025, 1, 15)


def good_cycle(**changes) -> PDSACycle:
    """A complete, valid cycle of the example project's change idea CI3 (then changed)."""
    base = PDSACycle(
        change_idea="CI3",
        objective="Does rounding work at weekends?",
        predictions=["12 of 14 checks signed"],
        scale="Ward 7, weekends",
        scale_n=28,
        plan_date="2024-09-01",
        start_date="2024-09-07",
        end_date="2024-09-29",
        what_happened="Rounding at four weekends.",
        study_date="2024-10-01",
        results="12 of 14 signed.",
        learning="Works.",
        prediction_held="yes",
        act="adopt",
        act_date="2024-10-02",
    )
    return dataclasses.replace(base, **changes)


def problems(record, project=None, level=None):
    found = qi.pdsa.check(record, project, today=TODAY)
    return [p for p in found if level is None or p.level == level]


def only_error(record, project=None, field=None):
    errs = problems(record, project, "error")
    assert len(errs) == 1, [p.message for p in errs]
    if field is not None:
        assert errs[0].field == field
    return errs[0].message


class TestGoodRecords:
    def test_complete_cycle_and_example_project_have_no_problems(self, project):
        assert problems(good_cycle(), project) == []
        assert project.check(today=TODAY) == []

    def test_validate_passes_silently(self, project):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            qi.pdsa.validate(good_cycle(), project, today=TODAY)


class TestCyclePlan:
    def test_no_change_idea(self, project):
        msg = only_error(good_cycle(change_idea=None), project, "change_idea")
        assert "does not say which change idea it tests" in msg and "'CI1'" in msg

    def test_unknown_change_idea_suggests_the_closest(self, project):
        msg = only_error(good_cycle(change_idea="CI33"), project, "change_idea")
        assert "refers to change idea 'CI33', which is not in project 'ward-falls'" in msg
        assert "Did you mean 'CI3'?" in msg

    def test_no_objective(self, project):
        msg = only_error(good_cycle(objective="   "), project, "objective")
        assert msg.startswith("The new cycle has no objective. A plan starts with what the cycle is testing")

    def test_no_prediction_is_a_warning_not_a_test(self, project):
        c = good_cycle(predictions=[])
        warns = problems(c, project, "warning")
        assert [p.field for p in warns] == ["predictions"]
        assert "has no prediction. Without a prediction it is not a test" in warns[0].message
        with pytest.warns(qi.pdsa.PDSAWarning, match="Without a prediction it is not a test"):
            qi.pdsa.validate(c, project, today=TODAY)

    def test_blank_predictions_do_not_count(self):
        assert PDSACycle(change_idea="CI1", objective="x", predictions=["  ", ""]).predictions == []

    @pytest.mark.parametrize("bad", [0, -3, 2.5, "six", True])
    def test_scale_n_must_be_a_whole_number_of_at_least_1(self, project, bad):
        msg = only_error(good_cycle(scale_n=bad), project, "scale_n")
        assert "`scale_n` of the new cycle must be a whole number of at least 1" in msg

    def test_predictions_must_be_text(self, project):
        msg = only_error(good_cycle(predictions=[1, 2]), project, "predictions")
        assert "must be a list of sentences" in msg


class TestCycleDates:
    def test_day_first_date_is_refused_as_ambiguous(self, project):
        msg = only_error(good_cycle(start_date="07/09/2024"), project, "start_date")
        assert "`start_date` of the new cycle is not a date: '07/09/2024'" in msg
        assert "mean one day in the UK and another in the US" in msg and "YYYY-MM-DD" in msg

    def test_impossible_day(self, project):
        msg = only_error(good_cycle(end_date="2024-09-31"), project, "end_date")
        assert "That day does not exist" in msg

    def test_text_that_is_no_date(self, project):
        msg = only_error(good_cycle(plan_date="next week"), project, "plan_date")
        assert "Write dates as ISO-8601 year-month-day" in msg

    def test_dates_objects_and_timestamps_become_iso_text(self):
        import pandas as pd

        c = PDSACycle(
            start_date=dt.date(2024, 3, 5), end_date=pd.Timestamp("2024-03-06 14:00"), study_date="2024-03-07T10:00:00Z"
        )
        assert (c.start_date, c.end_date, c.study_date) == ("2024-03-05", "2024-03-06", "2024-03-07")

    @pytest.mark.parametrize(
        ("changes", "field", "words"),
        [
            (
                {"end_date": "2024-09-01"},
                "end_date",
                "ended (end_date 2024-09-01) before it started (start_date 2024-09-07)",
            ),
            ({"start_date": "2024-08-30"}, "start_date", "started (start_date 2024-08-30) before it planned"),
            ({"study_date": "2024-09-20"}, "study_date", "studied (study_date 2024-09-20) before it ended"),
            ({"act_date": "2024-09-30"}, "act_date", "decided (act_date 2024-09-30) before it studied"),
        ],
    )
    def test_dates_must_be_in_order(self, project, changes, field, words):
        msg = only_error(good_cycle(**changes), project, field)
        assert words in msg and "plan -> start -> end -> study -> act" in msg

    def test_missing_dates_are_skipped_in_the_order(self, project):
        assert problems(good_cycle(start_date=None, study_date=None), project, "error") == []


class TestCycleStages:
    def test_cannot_be_studied_before_it_is_done(self, project):
        c = good_cycle(end_date=None, what_happened="", act=None, act_date=None)
        msg = only_error(c, project, "results")
        assert "has a Study record but no Do record. A cycle cannot be studied before it is done" in msg

    def test_cannot_be_studied_before_its_end_date(self, project):
        c = good_cycle(end_date="2025-02-01", study_date=None, act_date=None)
        msg = only_error(c, project, "end_date")
        assert "its test ends on 2025-02-01, which is in the future" in msg

    def test_cannot_act_before_study(self, project):
        c = good_cycle(study_date=None, results="", learning="", prediction_held=None)
        msg = only_error(c, project, "act")
        assert "has an Act record but no Study" in msg

    @pytest.mark.parametrize(
        ("act", "tip"),
        [("Adopt", "The values are lower-case: use 'adopt'."), ("adopted", "Did you mean 'adopt'?"), ("keep", "")],
    )
    def test_act_is_adopt_adapt_or_abandon(self, project, act, tip):
        msg = only_error(good_cycle(act=act), project, "act")
        assert msg.startswith(f"`act` must be one of 'adopt', 'adapt', 'abandon'; got {act!r}.")
        assert tip in msg and "adopts the change, adapts it and tests again, or abandons it" in msg

    def test_act_notes_without_a_decision(self, project):
        msg = only_error(good_cycle(act=None), project, "act")
        assert "Act notes or an Act date but no decision" in msg

    def test_prediction_held_is_yes_partly_or_no(self, project):
        msg = only_error(good_cycle(prediction_held="maybe"), project, "prediction_held")
        assert "`prediction_held` must be one of 'yes', 'partly', 'no'; got 'maybe'" in msg

    def test_study_without_results_is_a_warning(self, project):
        warns = problems(good_cycle(results=""), project, "warning")
        assert [p.field for p in warns] == ["results"]
        assert "is studied but has no results" in warns[0].message

    def test_status_follows_the_stages(self):
        c = PDSACycle(change_idea="CI1", objective="x")
        assert c.status == "planned"
        c.end_date = "2024-01-02"
        assert c.status == "done"
        c.learning = "y"
        assert c.status == "studied"
        c.act = "abandon"
        assert c.status == "abandon"


class TestCycleLinks:
    def test_unknown_measure_ramp_and_previous(self, project):
        for field, value, kind in (("measure", "M9", "measure"), ("ramp", "R9", "ramp"), ("previous", "C99", "cycle")):
            msg = only_error(good_cycle(**{field: value}), project, field)
            assert f"refers to {kind} {value!r}, which is not in project" in msg

    def test_ramp_of_another_change_idea(self, project):
        msg = only_error(good_cycle(ramp="R1"), project, "ramp")
        assert "tests change idea 'CI3' but is in ramp 'R1', which tests 'CI1'" in msg

    def test_previous_cycle_itself(self, project):
        c = project.cycle("C9")
        msg = only_error(dataclasses.replace(c, previous="C9"), project, "previous")
        assert "names itself as its previous cycle" in msg

    def test_previous_chain_that_loops(self, project):
        project.cycle("C6").previous = "C9"  # C9 -> C8 -> C6 -> C9
        msgs = [p.message for p in problems(project.cycle("C9"), project, "error")]
        assert any("each build on the other (the chain of previous cycles loops)" in m for m in msgs)

    def test_previous_in_another_ramp(self, project):
        msg = only_error(good_cycle(previous="C2", ramp="R3", start_date="2024-09-07"), project, "previous")
        assert "builds on 'C2', which is in ramp 'R1', but is itself in ramp 'R3'" in msg

    def test_previous_must_start_earlier(self, project):
        c = good_cycle(
            previous="C9",
            plan_date="2024-06-01",
            start_date="2024-06-02",
            end_date="2024-06-03",
            study_date="2024-06-04",
            act_date="2024-06-05",
        )
        msg = only_error(c, project, "start_date")
        assert "starts on 2024-06-02, before the cycle it builds on ('C9') started on 2024-07-08" in msg

    def test_building_on_an_abandoned_cycle_is_a_warning(self, project):
        c = good_cycle(change_idea="CI2", previous="C4", scale_n=3)
        warns = problems(c, project, "warning")
        assert [p.field for p in warns] == ["previous"] and "which was abandoned" in warns[0].message

    def test_scale_growing_more_than_5_times_is_a_warning(self, project):
        # the previous cycle of ramp R3 (by date) is C9 with 56 patients
        ok = good_cycle(scale_n=MAX_SCALE_STEP * 56)
        assert problems(ok, project) == []
        jump = good_cycle(scale_n=MAX_SCALE_STEP * 56 + 1)
        warns = problems(jump, project, "warning")
        assert [p.field for p in warns] == ["scale_n"]
        assert "involves 281 (scale_n) after 'C9' involved 56" in warns[0].message
        assert "rule of thumb is to grow a ramp about 5 times at most" in warns[0].message
        assert "degree of belief in the change, the cost of a failure" in warns[0].message
        assert all(p.level == "warning" for p in problems(jump, project))  # advice, never an error

    def test_scale_compared_with_the_named_previous_cycle(self, project):
        c = good_cycle(previous="C6", scale_n=31)  # C6 involved 6 patients
        warns = problems(c, project, "warning")
        assert [p.field for p in warns] == ["scale_n"] and "after 'C6' involved 6" in warns[0].message

    @pytest.mark.parametrize("bad", ["a\tb", "a\nb", "x" * 65, 7])
    def test_ids_must_be_short_text(self, project, bad):
        msgs = [p.message for p in problems(good_cycle(id=bad), project, "error") if p.field == "id"]
        assert msgs and "is not usable. Ids are short text" in msgs[0]


class TestOtherRecords:
    def test_measure_rules(self, project):
        assert "has no name" in only_error(Measure("", definition="d"), project, "name")
        msg = only_error(Measure("Falls", kind="result", definition="d"), project, "kind")
        assert "`kind` must be one of 'outcome', 'process', 'balancing'; got 'result'" in msg
        assert "lower-case: use 'u'" in only_error(Measure("Falls", chart="U", definition="d"), project, "chart")
        assert "must be greater than 0" in only_error(Measure("Falls", multiply=0, definition="d"), project, "multiply")
        assert "must be a number" in only_error(Measure("Falls", multiply="1000", definition="d"), project, "multiply")
        msg = only_error(Measure("Falls", improvement="down", definition="d"), project, "improvement")
        assert "'increase', 'decrease'" in msg
        msg = only_error(Measure("Falls", subset={"ward": []}, definition="d"), project, "subset")
        assert "must map column names to a value or a list of values" in msg
        warns = problems(Measure("Falls"), project, "warning")
        assert [p.field for p in warns] == ["definition"] and "has no operational definition" in warns[0].message

    def test_driver_rules(self, project):
        assert "has no text" in only_error(Driver(""), project, "text")
        assert "`level` must be one of" in only_error(Driver("x", level="tertiary"), project, "level")
        assert "is a primary driver but has a parent" in only_error(Driver("x", parent="P1"), project, "parent")
        msg = only_error(Driver("x", level="secondary"), project, "parent")
        assert "is a secondary driver without a parent" in msg
        msg = only_error(Driver("x", level="secondary", parent="P7"), project, "parent")
        assert "refers to driver 'P7'" in msg
        msg = only_error(Driver("x", level="secondary", parent="S1"), project, "parent")
        assert "hangs from 'S1', which is a secondary driver" in msg

    def test_change_idea_rules(self, project):
        assert "has no text" in only_error(ChangeIdea(""), project, "text")
        assert "refers to driver 'S9'" in only_error(ChangeIdea("x", drivers=["S9"]), project, "drivers")
        assert "must be a list of driver ids" in only_error(ChangeIdea("x", drivers=[3]), project, "drivers")

    def test_ramp_rules(self, project):
        assert "does not say which change idea it tests" in only_error(Ramp(), project, "change_idea")
        assert "refers to change idea 'CI9'" in only_error(Ramp("CI9"), project, "change_idea")

    def test_aim_rules(self, project):
        msg = only_error(qi.pdsa.Aim(what="x", how_much="y", for_whom="z", by_when="31/12/2024"), project, "by_when")
        assert "`by_when` of the aim is not a date" in msg
        warns = problems(qi.pdsa.Aim(what="Reduce falls", by_when="2024-12-31"), project, "warning")
        assert "The aim does not say how much or for whom" in warns[0].message
        assert "must be a number" in only_error(qi.pdsa.Aim(statement="s", target="high"), project, "target")

    def test_duplicate_ids_in_a_project(self, project):
        project.cycles.append(project.cycle("C1").copy())
        msgs = [p.message for p in project.check(today=TODAY) if p.level == "error"]
        assert "Project 'ward-falls' has two cycles with the id 'C1'. Ids must be unique" in msgs[0]


class TestValidate:
    def test_several_errors_are_listed_together(self, project):
        c = good_cycle(objective="", act="keep")
        with pytest.raises(
            qi.QIValueError, match=r"(?s)The new cycle has 2 problems; nothing was saved:\n- .*objective"
        ):
            qi.pdsa.validate(c, project, today=TODAY)

    def test_one_error_is_raised_as_it_is(self, project):
        with pytest.raises(qi.QIValueError, match=r"^The new cycle has no objective\."):
            qi.pdsa.validate(good_cycle(objective=""), project, today=TODAY)

    def test_errors_are_qitools_errors(self):
        with pytest.raises(qi.QIToolsError):
            qi.pdsa.validate(PDSACycle())


class TestParseDate:
    def test_only_iso_dates(self):
        assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
        assert parse_date("2023-02-29") is None
        assert parse_date("29/02/2024") is None
        assert parse_date(dt.datetime(2024, 1, 2, 3, 4)) == dt.date(2024, 1, 2)


class TestStatusOverTime:
    def test_a_started_cycle_with_nothing_recorded_is_in_progress(self):
        c = PDSACycle(change_idea="CI1", objective="x", start_date="2025-01-06")
        assert c.status_on(dt.date(2025, 1, 5)) == "planned"
        assert c.status_on(dt.date(2025, 1, 6)) == "in progress"
        assert c.status_on(TODAY) == "in progress"


class TestImplausibleDates:
    @pytest.mark.parametrize("field", ["plan_date", "start_date", "end_date", "due_date"])
    def test_a_year_far_ahead_is_a_typo(self, project, field):
        c = good_cycle(**{f: None for f in ("plan_date", "start_date", "end_date", "study_date", "act_date")},
                       results="", learning="", prediction_held=None, act=None, what_happened="")  # fmt: skip
        msg = only_error(dataclasses.replace(c, **{field: "2207-03-01"}), project, field)
        assert f"`{field}` of the new cycle is 2207-03-01, more than 2 years from today (2025-01-15)" in msg
        assert "looks like a typo in the year" in msg

    def test_a_year_long_ago_is_a_typo(self, project):
        msg = only_error(good_cycle(plan_date="1024-09-01"), project, "plan_date")
        assert "is 1024-09-01, before 1950: that looks like a typo in the year" in msg

    @pytest.mark.parametrize(("field", "stage"), [("study_date", "Study"), ("act_date", "Act")])
    def test_study_and_act_cannot_be_in_the_future(self, project, field, stage):
        if field == "act_date":
            c = good_cycle(act_date="2025-02-01")
        else:
            c = good_cycle(study_date="2025-02-01", act=None, act_date=None)
        errs = problems(c, project, "error")
        assert [p.field for p in errs] == [field]
        assert (
            f"recorded as {'studied' if stage == 'Study' else 'decided'} on 2025-02-01, which is in the future"
            in errs[0].message
        )
        assert f"Record the {stage} stage once it has happened" in errs[0].message

    def test_due_date_before_the_start(self, project):
        msg = only_error(good_cycle(due_date="2024-09-01"), project, "due_date")
        assert "is due on 2024-09-01, before it starts (2024-09-07)" in msg

    def test_aim_date_far_ahead_or_not_a_date(self, project):
        assert "more than 10 years from today" in only_error(
            qi.pdsa.Aim(statement="Halve falls", by_when="2207-01-01"), project
        )


class TestAimQuality:
    def _warnings(self, aim, project):
        return [p.message for p in problems(aim, project, "warning")]

    def test_an_aim_without_a_number(self, project):
        w = self._warnings(
            qi.pdsa.Aim(what="Reduce falls", how_much="a lot", by_when="2025-12-31", for_whom="Ward 7"), project
        )
        assert w == [
            "The aim has no number ('a lot'). Say how much, with a number ('by 30%', 'from 8 to 5.6 falls per 1000 "
            "bed days'), or set the aim's target: without one nobody can tell whether the aim has been met."
        ]

    @pytest.mark.parametrize(
        ("statement", "number"),
        [
            ("Reduce falls a lot by 31 March 2026", False),  # the date's digits are not an amount
            ("Reduce falls on Ward 7 by 2026-03-31", True),  # "Ward 7" is a number, sadly: we cannot tell
            ("Halve falls by March 2026", True),
            ("Reduce falls by 30% by March 2026", True),
            ("Fewer falls", False),
        ],
    )
    def test_numbers_in_a_statement(self, project, statement, number):
        w = self._warnings(qi.pdsa.Aim(statement=statement), project)
        assert any("has no number" in m for m in w) is (not number)

    def test_a_target_is_a_number(self, project):
        assert self._warnings(qi.pdsa.Aim(statement="Fewer falls", target=5.6), project) == []

    def test_an_empty_aim(self, project):
        w = self._warnings(qi.pdsa.Aim(), project)
        assert len(w) == 1 and w[0].startswith("The project has no aim yet.")

    def test_an_aim_date_already_past_when_it_is_set(self, project):
        with pytest.warns(qi.pdsa.PDSAWarning, match=r"The aim's date \(2001-03-31\) has already passed"):
            project.put(qi.pdsa.Aim(statement="Halve falls by 2001", by_when="2001-03-31"))
        with warnings.catch_warnings():  # an old project's date passing in time is not a problem
            warnings.simplefilter("error")
            qi.pdsa.check(project)
            project.put(dataclasses.replace(project.aim, target=4.0))


class TestSystemDiagrams:
    """Fishbones and process maps are checked with the rules of the drawings (qitools.system), so every one kept
    in a project can be drawn; the messages are those checks' own, prefixed with the record."""

    def test_a_good_fishbone_and_process_map(self, project):
        ce = qi.pdsa.CauseEffect("Falls at night", {"People": ["Agency staff", {"Fatigue": ["12-hour shifts"]}],
                                                    "Environment": ["Dim lighting"]})  # fmt: skip
        pm = qi.pdsa.ProcessMap(
            [
                "Patient arrives",
                {"step": "Sepsis screen positive?", "kind": "decision", "no": "end"},
                {"step": "Wait for a doctor", "kind": "delay", "wait": "45 minutes"},
                "First dose",
            ],
        )
        assert problems(ce, project) == [] and problems(pm, project) == []
        # what the check accepts, the drawing draws
        qi.cause_effect_diagram(ce.effect, ce.categories)
        qi.process_map(pm.steps)

    def test_a_process_map_with_two_endings_and_a_loop(self, project):
        pm = qi.pdsa.ProcessMap(
            [
                "Patient arrives",
                {"step": "Sepsis screen positive?", "kind": "decision", "no": "Routine triage"},
                {"step": "Wait for a doctor", "kind": "delay", "wait": "45 minutes"},
                {"step": "First dose", "next": "end"},
                {"step": "Routine triage", "next": "end"},
                {"step": "Repeat the screen", "next": 1},
            ],
        )
        problems_found = problems(pm, project)
        assert problems_found == []
        assert pm.normalised_steps()[3] == {"step": "First dose", "kind": "step", "next": "end"}
        with pytest.warns(qi.QIToolsWarning, match=r"reaches step 5 \('Repeat the screen'\)"):
            qi.process_map(pm.steps)  # a step cut off is drawn, with a warning (not a record problem)

    @pytest.mark.parametrize(
        ("effect", "categories", "words"),
        [
            ("", {"People": ["x"]}, "The new cause and effect diagram has no effect"),
            ("Falls", {}, "The new cause and effect diagram: `causes` is empty"),
            ("Falls", {"People": ["ok", ""]}, "The new cause and effect diagram: The text of cause 2"),
            ("Falls", {"People": [{"Fatigue": "shifts"}]}, "must be a list of text"),
            ("Falls", {"People": [{"a": ["x"], "b": ["y"]}]}, "a dict with 2 keys"),
            ("Falls", ["People"], "`causes` must be a dict of categories"),
        ],
    )
    def test_fishbone_errors(self, project, effect, categories, words):
        msg = only_error(qi.pdsa.CauseEffect(effect, categories), project)
        assert words in msg

    def test_a_fishbone_template_without_causes_is_a_warning(self, project):
        w = problems(qi.pdsa.CauseEffect("Falls", {"People": [], "Methods": []}), project)
        assert [p.level for p in w] == ["warning"] and "has categories but no causes yet" in w[0].message

    @pytest.mark.parametrize(
        ("steps", "words"),
        [
            ([], "`steps` is empty"),
            (["ok", " "], "The text of step 1 is empty"),
            ([{"step": "x", "kind": "loop"}], "has kind 'loop'"),
            ([{"step": "x", "yes": "y"}], "has a 'yes' or 'no' branch but its kind is 'step'"),
            ([{"step": "x", "kind": "decision", "yes": 7}], "goes to step 7"),
            ([{"step": "x", "kind": "decision", "no": "end", "wait": "5 min"}], "has a 'wait' but its kind is 'decision'"),
            ([{"step": "x", "knd": "delay"}], "unknown key 'knd'. Did you mean 'kind'?"),
            ([{"kind": "delay"}], "has no 'step' key"),
            ([3], "must be text or a dict"),
            ([{"step": "Ready?", "kind": "decision"}], "without a 'yes' or 'no' branch"),
            ([{"step": "Ready?", "kind": "decision", "no": "end", "next": "end"}], "is a decision with a 'next'"),
            (["Ward bed", {"step": "x", "next": "Ward bd"}], "goes to 'Ward bd', which is not the text of any step. "
                                                             "Did you mean 'Ward bed'?"),
            (["a", {"step": "x", "next": 1}], "goes back to the step itself"),
        ],
    )
    def test_process_map_errors(self, project, steps, words):
        msg = only_error(qi.pdsa.ProcessMap(steps), project, "steps")
        assert msg.startswith("The new process map: ") and words in msg
