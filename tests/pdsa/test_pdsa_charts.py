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
