"""The link between cycles and charts: annotation table, the measure's chart, signals since a cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools.pdsa import PDSACycle


class TestCycleAnnotations:
    def test_columns_and_one_row_per_started_cycle(self, project):
        ann = qi.pdsa.cycle_annotations(project)
        assert list(ann.columns) == [
            "x",
            "x_end",
            "label",
            "kind",
            "cycle",
            "title",
            "change_idea",
            "ramp",
            "act",
            "scale_n",
            "status",
        ]
        assert len(ann) == 10 and (ann["kind"] == "pdsa").all()
        assert ann["x"].is_monotonic_increasing and str(ann["x"].dtype).startswith("datetime64")
        row = ann.set_index("cycle").loc["C4"]
        assert (row["x"], row["x_end"], row["act"]) == (
            pd.Timestamp("2024-04-08"),
            pd.Timestamp("2024-04-21"),
            "abandon",
        )
        assert pd.isna(ann.set_index("cycle").loc["C10", "x_end"])  # not ended yet

    def test_dates_line_up_with_the_cycles(self, project):
        """The course checks that chart annotations line up with the PDSA dates."""
        ann = qi.pdsa.cycle_annotations(project).set_index("cycle")
        for c in project.cycles:
            assert ann.loc[c.id, "x"] == pd.Timestamp(c.start_date)

    def test_measure_filter(self, project):
        ann = qi.pdsa.cycle_annotations(project, measure="M2")
        assert ann["cycle"].tolist() == ["C6", "C8", "C9"]
        project.cycle("C1").measure = None  # cycles naming no measure go on every chart
        assert "C1" in qi.pdsa.cycle_annotations(project, measure="M2")["cycle"].tolist()
        with pytest.raises(qi.QIValueError, match="has no measure 'M7'"):
            qi.pdsa.cycle_annotations(project, measure="M7")

    def test_labels(self, project):
        def first(mode):
            return qi.pdsa.cycle_annotations(project, labels=mode)["label"][0]

        assert (first("id"), first("title"), first("full")) == (
            "C1",
            "C1 Bay tagging",
            "C1 Bay tagging (1 bay, nights)",
        )
        with pytest.raises(qi.QIValueError, match="`labels` must be 'title', 'id' or 'full'"):
            qi.pdsa.cycle_annotations(project, labels="long")

    def test_cycles_without_a_project(self):
        cycles = [
            PDSACycle(id="A", title="x" * 50, start_date="2024-01-02", end_date="2024-01-02"),
            PDSACycle(id="B", plan_date="2024-01-01"),
        ]
        ann = qi.pdsa.cycle_annotations(cycles)
        assert ann["cycle"].tolist() == ["A"] and pd.isna(ann["x_end"][0]) and ann["label"][0].endswith("…")
        assert len(qi.pdsa.cycle_annotations(cycles[0])) == 1
        with pytest.raises(qi.QITypeError, match="Expected a qitools.pdsa.Project"):
            qi.pdsa.cycle_annotations("C1")

    def test_accepted_by_the_plotting_layer(self, project):
        from qitools.plot.annotations import normalise_annotations

        items = normalise_annotations(qi.pdsa.cycle_annotations(project))
        assert [a.label for a in items][:2] == ["C1 Bay tagging", "C2 Bay tagging"]
        assert items[-1].x_end is None and items[0].x_end == pd.Timestamp("2024-02-11")


class TestMeasureChart:
    def test_u_chart_from_the_measure_definition(self, project, data):
        cc = qi.pdsa.measure_chart(project, "M1", data=data, part=["2024-08-01"])
        before = data["month"] < "2024-08-01"
        expected = [data.falls[m].sum() / data.bed_days[m].sum() * 1000 for m in (before, ~before)]
        np.testing.assert_allclose(cc.summary["cl"], expected, rtol=1e-12)
        assert cc.chart == "u" and (cc.data["target"] == 5.6).all()

    def test_default_measure_is_the_aims(self, project, data):
        assert qi.pdsa.measure_chart(project, data=data).params["y"] == "falls"

    def test_subset_of_a_long_dataset(self, project, data):
        long = pd.concat([data.assign(ward="Ash"), data.assign(ward="Oak", falls=data.falls * 2)])
        project.measure("M1").subset = {"ward": "Ash"}
        cc = qi.pdsa.measure_chart(project, "M1", data=long)
        np.testing.assert_allclose(cc.summary["cl"], [data.falls.sum() / data.bed_days.sum() * 1000])
        project.measure("M1").subset = {"ward": ["Ashh"]}
        with pytest.raises(
            qi.QIValueError, match="keeps the rows where 'ward' is 'Ashh', but the data has no such rows"
        ):
            qi.pdsa.measure_chart(project, "M1", data=long)

    def test_measure_without_column_or_data(self, project, data):
        with pytest.raises(qi.QIValueError, match="does not say which dataset column it charts"):
            qi.pdsa.measure_chart(project, "M2", data=data)
        with pytest.raises(qi.QIValueError, match=r"has no data: pass data="):
            qi.pdsa.measure_chart(project, "M1")
        project.measure("M1").dataset = "nowhere.csv"
        with pytest.raises(qi.QIValueError, match="Could not find the data 'nowhere.csv' .*Looked for a file at"):
            qi.pdsa.measure_chart(project, "M1")

    def test_data_from_a_file(self, project, data, tmp_path):
        path = tmp_path / "falls.csv"
        data.to_csv(path, index=False)
        assert len(qi.pdsa.measure_chart(project, "M1", data=str(path)).data) == 30


class TestSignalsDuring:
    def test_signals_from_the_cycle_start(self, project, data):
        c = project.cycle("C7")
        sig = qi.pdsa.signals_during(project, "C7", data=data)
        cc = qi.pdsa.measure_chart(project, "M1", data=data)
        expected = cc.signals()[cc.signals()["x"] >= pd.Timestamp(c.start_date)]
        assert sig["x"].tolist() == expected["x"].tolist() and len(sig) > 0

    def test_not_started(self, project, data):
        project.cycle("C10").start_date = None
        with pytest.raises(qi.QIValueError, match="has not started"):
            qi.pdsa.signals_during(project, "C10", data=data)


class TestMatchMeasure:
    """Which measure a team's chart is, from its columns (for ``qitools chart --pdsa`` and the app)."""

    def test_y_and_n_pick_one_measure(self, project):
        assert [m.id for m in project.measures] == ["M1", "M2", "M3"]
        assert (project.measure("M1").y, project.measure("M1").n) == ("falls", "bed_days")
        assert qi.pdsa.match_measure(project, "falls", "bed_days").id == "M1"
        assert qi.pdsa.match_measure(project, "Falls", "Bed Days").id == "M1"  # case, spaces, underscores

    def test_y_alone_when_no_measure_has_both(self, project):
        assert qi.pdsa.match_measure(project, "falls").id == "M1"
        assert qi.pdsa.match_measure(project, "falls", "occupied_bed_days").id == "M1"

    def test_none_when_no_measure_or_several_chart_the_columns(self, project):
        assert qi.pdsa.match_measure(project, "bed_days") is None
        assert qi.pdsa.match_measure(project, None) is None
        twin = qi.pdsa.Measure("Falls, second count", y="falls", n="bed_days", x="month", chart="u",
                               definition="Falls on the incident system, counted again by the ward")  # fmt: skip
        project.add(twin)
        assert qi.pdsa.match_measure(project, "falls", "bed_days") is None  # two measures: the caller must ask


class TestChartMarksForAnyChart:
    def test_attrs_say_whose_cycles_and_which_are_left_out(self, project):
        marks = qi.pdsa.chart_marks(project, "M2")
        assert marks["cycle"].tolist() == ["C6", "C8", "C9"]
        assert marks.attrs["measure"] == "M2" and marks.attrs["measure_name"] == project.measure("M2").name
        assert marks.attrs["project"] == project.title
        others = [c.id for c in project.cycles if c.measure not in ("M2", None)]
        assert marks.attrs["other_measures"] == [
            f"Cycles {', '.join(others[:-1])} and {others[-1]} are meant to move another measure, M1 "
            f"({project.measure('M1').name}), so they are not marked on this chart."
        ]
        ideas = {ci.id: ci.text for ci in project.change_ideas}
        assert marks["change_idea_text"].tolist() == [ideas[i] for i in marks["change_idea"]]
        assert qi.pdsa.chart_marks(project).attrs["other_measures"] == []  # every cycle: none left out

    def test_advice_for_the_chart_it_goes_on(self, project, data):
        ann = qi.pdsa.cycle_annotations(project, "M1")
        early = data[data["month"] < "2024-03-01"]["month"]  # to February 2024: only C1 (5 February) began by then
        kept, said = qi.pdsa.cycles_outside(ann, early, advice="data")
        assert kept["cycle"].tolist() == ["C1"]
        assert said[0].endswith("so it is not marked on the chart. Chart data that covers its dates, or check "
                                "the cycle's dates.")  # fmt: skip
        _, bare = qi.pdsa.cycles_outside(ann, early, advice="none")
        assert bare[0].endswith("so it is not marked on the chart.")
        _, store = qi.pdsa.cycles_outside(ann, early)
        assert "Add the newer data (store.put_data" in store[0]
        with pytest.raises(qi.QIValueError, match="`advice` must be"):
            qi.pdsa.cycles_outside(ann, early, advice="loud")

    def test_a_cycle_that_began_within_the_last_month_is_on_the_chart(self, project, data):
        """A monthly point dated the 1st stands for its month: a cycle begun on the 4th is in it."""
        ann = qi.pdsa.cycle_annotations(project, "M1")
        to_march = data[data["month"] < "2024-04-01"]["month"]  # the last point is March 2024
        kept, said = qi.pdsa.cycles_outside(ann, to_march, advice="none")
        assert kept["cycle"].tolist() == ["C1", "C2", "C3"]
        assert kept.set_index("cycle").loc["C2", "x"] == pd.Timestamp("2024-03-01")  # drawn on March's point
        assert said[0].startswith("Cycle C4 (") and "after the data ends (March 2024)" in said[0]
        daily = pd.Series(pd.date_range("2024-02-01", "2024-03-04", freq="D"))  # daily data: the 4th is in
        kept, _ = qi.pdsa.cycles_outside(ann, daily, advice="none")
        assert kept["cycle"].tolist() == ["C1", "C2"]
        assert kept.set_index("cycle").loc["C2", "x"] == pd.Timestamp("2024-03-04")

    def test_a_cycle_without_an_end_before_the_data_started_then(self, project, data):
        ann = qi.pdsa.cycle_annotations(project, "M1")
        late = data[data["month"] >= "2024-12-01"]["month"]
        _, said = qi.pdsa.cycles_outside(ann, late, advice="none")
        c1 = project.cycle("C1")
        assert said[0] == (
            f"Cycle C1 (Bay tagging) ended on {pd.Timestamp(c1.end_date).day} February 2024, before the data begins "
            "(December 2024), so it is not marked on the chart."
        )
        ann.loc[0, "x_end"] = pd.NaT  # not ended yet: it is said to have started then, not ended
        _, said = qi.pdsa.cycles_outside(ann, late, advice="none")
        assert said[0].startswith("Cycle C1 (Bay tagging) started on 5 February 2024, before the data begins")
