"""The pictures: chart with the cycles marked, ramp diagram, driver diagram (assertions on artists)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import qitools as qi  # noqa: E402
from qitools.pdsa.draw import ACT_COLOURS  # noqa: E402

FALLS_PROJECT = Path(__file__).resolve().parents[2] / "datasets" / "pdsa_falls_project.json"


class TestDrawChart:
    def test_cycles_marked_on_the_given_axes(self, project, data):
        fig, ax1 = plt.subplots()
        ax = qi.pdsa.draw_chart(project, data, ax=ax1)
        assert ax is ax1
        texts = [t.get_text().strip() for t in ax.texts]
        ann = qi.pdsa.cycle_annotations(project, measure="M1")
        assert len(ann) == 7
        assert all(cid in texts for cid in ann["cycle"])  # one label per cycle of the measure
        assert "C6" not in texts  # a cycle of another measure
        spans = [p for p in ax.patches if str(p.get_gid()).startswith("qi-annotation-span")]
        assert len(spans) == ann["x_end"].notna().sum()
        assert "Falls per 1000 bed days" in [ax.get_title(loc=where) for where in ("left", "center", "right")]

    def test_chart_options_reach_the_chart(self, project, data):
        ax = qi.pdsa.draw_chart(project, data, chart_options={"part": ["2024-08-01"]}, labels="title")
        assert "C1 Bay tagging" in [t.get_text().strip() for t in ax.texts]

    def test_x_that_is_not_dates(self, project, data):
        numbered = data.assign(month=range(1, 31))
        with pytest.raises(qi.QIValueError, match="The chart's x is not dates, so the cycles cannot be placed"):
            qi.pdsa.draw_chart(project, numbered)


class TestDrawRamps:
    def test_one_marker_per_dated_cycle_coloured_by_decision(self, project):
        ax = qi.pdsa.draw_ramps(project)
        scatters = ax.collections
        assert [len(s.get_offsets()) for s in scatters] == [5, 2, 3]
        colours = scatters[1].get_facecolors()
        np.testing.assert_allclose(colours[1], matplotlib.colors.to_rgba(ACT_COLOURS["abandon"]))
        top_down = [t.get_text() for t in ax.get_yticklabels()][::-1]
        assert top_down == ["Bay tagging", "Falls sensor mats", "Intentional rounding"]
        assert sum(t.get_text().startswith("C") for t in ax.texts) == 10

    def test_the_ramp_climbs_and_markers_grow_with_scale(self, project):
        ax = qi.pdsa.draw_ramps(project)
        offsets = ax.collections[0].get_offsets()
        assert np.all(np.diff(offsets[:, 1]) > 0)
        sizes = ax.collections[0].get_sizes()
        assert sizes[2] > sizes[0]  # 28 patients against 6

    def test_undated_cycles_are_left_out(self, project):
        for c in project.cycles:
            c.start_date = c.end_date = None
        project.cycle("C3").start_date = "2024-03-11"
        ax = qi.pdsa.draw_ramps(project)
        assert [len(s.get_offsets()) for s in ax.collections] == [1]


class TestDrawDriverDiagram:
    def test_every_node_and_link(self, project):
        fig, ax1 = plt.subplots()
        ax = qi.pdsa.draw_driver_diagram(project, ax=ax1)
        assert ax is ax1
        texts = [t.get_text().replace("\n", " ") for t in ax.texts]
        assert texts[-4:] == ["Aim", "Primary drivers", "Secondary drivers", "Change ideas"]
        assert "Bay tagging" in texts and any(t.startswith("Reduce inpatient falls") for t in texts)
        lines = ax.get_lines()
        # aim->P (2), P->S (4), S->idea (4) and one dashed extra link (CI3 also acts on S1)
        assert len(lines) == 11 and sum(ln.get_linestyle() == "--" for ln in lines) == 1

    def test_ideas_without_drivers_hang_from_the_aim(self):
        p = qi.pdsa.Project("x")
        p.add(qi.pdsa.ChangeIdea("Loose idea"))
        ax = qi.pdsa.draw_driver_diagram(p)
        assert "Loose idea" in [t.get_text() for t in ax.texts] and len(ax.get_lines()) == 1


@pytest.mark.skipif(not FALLS_PROJECT.exists(), reason="datasets/pdsa_falls_project.json is not there yet")
class TestFallsExampleProject:
    """The falls example project of the datasets (issue 6) loads, reports and draws."""

    def test_loads_reports_and_draws(self, tmp_path):
        p = qi.pdsa.load_json(FALLS_PROJECT)
        assert [x for x in p.check() if x.level == "error"] == []
        assert p.cycles and p.ramps
        text = qi.pdsa.report(p, tmp_path / "falls.html")
        assert "<h2>PDSA cycles</h2>" in text and text.count("data:image/png") >= 2
        assert qi.pdsa.draw_driver_diagram(p).texts
        assert qi.pdsa.draw_ramps(p).collections
        charted = [m for m in p.measures if m.y and m.dataset]
        if charted:
            ax = qi.pdsa.draw_chart(p, measure=charted[0].id)
            ann = qi.pdsa.cycle_annotations(p, measure=charted[0].id)
            xs = pd.to_datetime(ann["x"])
            assert len(ann) and xs.min() >= pd.Timestamp("2000-01-01")
            assert ax.texts
