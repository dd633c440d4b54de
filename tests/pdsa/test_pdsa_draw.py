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
from qitools.pdsa.draw import ACT_COLOURS, KEY_GID, LABEL_GID  # noqa: E402

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


def links(ax):
    from qitools.pdsa.draw import LINK_GID

    return [p for p in ax.patches if p.get_gid() == LINK_GID]


class TestDrawDriverDiagram:
    def test_every_node_and_link(self, project):
        fig, ax1 = plt.subplots()
        ax = qi.pdsa.draw_driver_diagram(project, ax=ax1)
        assert ax is ax1
        texts = [t.get_text().replace("\n", " ") for t in ax.texts]
        assert texts[-4:] == ["Aim", "Primary drivers", "Secondary drivers", "Change ideas"]
        assert "Bay tagging" in texts and any(t.startswith("Reduce inpatient falls") for t in texts)
        lines = links(ax)
        # aim->P (2), P->S (4), S->idea (4) and one dashed extra link (CI3 also acts on S1)
        assert len(lines) == 11 and sum(ln.get_linestyle() == "--" for ln in lines) == 1

    def test_links_touch_the_boxes_they_join(self, project):
        """The links ended 0.42 of a column from each box's centre: short boxes floated apart from them."""
        fig, ax = plt.subplots(figsize=(11, 6))
        qi.pdsa.draw_driver_diagram(project, ax=ax)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if t.get_bbox_patch()]
        drawn = [*ax.get_lines(), *links(ax)]  # whatever draws them
        assert len(drawn) == 11
        for link in drawn:
            path = link.get_path().transformed(link.get_transform())  # in display coordinates
            for end in (path.vertices[0], path.vertices[-1]):
                gap = min(max(b.x0 - end[0], end[0] - b.x1, b.y0 - end[1], end[1] - b.y1, 0) for b in boxes)
                assert gap < 1.5, (end, gap)  # within a pixel or so of a box's edge
        plt.close(fig)

    def test_ideas_without_drivers_hang_from_the_aim(self):
        p = qi.pdsa.Project("x")
        p.add(qi.pdsa.ChangeIdea("Loose idea"))
        ax = qi.pdsa.draw_driver_diagram(p)
        assert "Loose idea" in [t.get_text() for t in ax.texts] and len(links(ax)) == 1


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


def _boxes(ax, gid):
    from qitools.pdsa.draw import _renderer

    renderer = _renderer(ax)
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_gid() == gid]


def _overlaps(boxes):
    """Pairs of texts whose drawn boxes overlap (by more than a pixel)."""
    from qitools.pdsa.draw import _overlap

    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1 :] if _overlap(ba, bb)]


def _crowded_project(n_months: int = 15) -> qi.pdsa.Project:
    """Three ramps of monthly cycles over ``n_months`` (and two cycles a week apart)."""
    p = qi.pdsa.Project("Crowded", aim="Halve falls by 2030", id="crowded")
    for name in ("Bay tagging with a long change idea name", "Sensor mats", "Rounding"):
        p.add(qi.pdsa.ChangeIdea(name))
    starts = pd.date_range("2024-01-01", periods=n_months, freq="MS")
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")
        for i, start in enumerate(starts):
            for k in range(3):
                s = start + pd.Timedelta(days=7 * k)
                p.add(qi.pdsa.PDSACycle(change_idea=f"CI{k + 1}", objective="o", predictions=["p"],
                                        title=f"Step {i + 1} of idea {k + 1}: wards 7 and 8",
                                        scale=f"Wards 7 and 8, {i + 1} weeks", scale_n=i + 1,
                                        start_date=s.date().isoformat(),
                                        end_date=(s + pd.Timedelta(days=5)).date().isoformat(),
                                        results="r", act="adapt"))  # fmt: skip
    return p


class TestLabelsDoNotOverlap:
    def test_titles_that_do_not_fit_become_ids_with_a_key(self, project, data):
        ax = qi.pdsa.draw_chart(project, data, labels="title")
        labels = _boxes(ax, "qi-annotation-label-pdsa")
        assert sorted(t.strip() for t, _ in labels) == sorted(qi.pdsa.cycle_annotations(project, "M1")["cycle"])
        assert _overlaps(labels) == []
        key = [t for t, _ in _boxes(ax, "qi-pdsa-key")]
        assert key[0] == "Cycles:" and "C3 Falls sensor mats" in key and len(key) == 1 + len(labels)
        assert _overlaps(_boxes(ax, "qi-pdsa-key")) == []

    def test_titles_that_fit_stay(self, project, data):
        few = project.copy()
        few.cycles = [c for c in few.cycles if c.id in ("C1", "C7")]
        ax = qi.pdsa.draw_chart(few, data, labels="title")
        assert sorted(t.strip() for t, _ in _boxes(ax, "qi-annotation-label-pdsa")) == [
            "C1 Bay tagging",
            "C7 Bay tagging",
        ]
        assert _boxes(ax, "qi-pdsa-key") == []

    @pytest.mark.parametrize("labels", ["id", "title", "full"])
    def test_many_cycles_close_together(self, labels):
        p = _crowded_project(4)  # 12 cycles in four months: more than three rows of labels
        dates = pd.date_range("2023-01-01", "2024-06-01", freq="MS")
        df = pd.DataFrame({"month": dates, "falls": np.arange(len(dates)) % 7 + 20, "bed_days": 3000})
        p.add(qi.pdsa.Measure("Falls", x="month", y="falls", n="bed_days", chart="u", multiply=1000, definition="d"))
        fig, ax = plt.subplots(figsize=(8, 4))
        qi.pdsa.draw_chart(p, df, ax=ax, labels=labels)
        labelled = _boxes(ax, "qi-annotation-label-pdsa")
        assert len(labelled) == 12 and _overlaps(labelled) == []
        # the data stays below the labels
        lowest_label = min(b.y0 for _, b in labelled)
        points = ax.transData.transform(np.column_stack([matplotlib.dates.date2num(df["month"]),
                                                         df["falls"] / df["bed_days"] * 1000]))  # fmt: skip
        assert points[:, 1].max() < lowest_label

    def test_ramp_labels_over_fifteen_months(self):
        ax = qi.pdsa.draw_ramps(_crowded_project(15))
        labels = _boxes(ax, "qi-ramp-label")
        assert len(labels) == 45 and _overlaps(labels) == []
        span = ax.get_xlim()[1] - ax.get_xlim()[0]
        assert span > 15 * 28  # the drawing really covers 15 months

    def test_the_course_example_chart(self):
        """Module 6's sepsis project (the PDSA module), drawn with titles: every label readable."""
        store = qi.pdsa.open(":memory:")
        store.new_project("Antibiotics within an hour for sepsis", aim="85% within 1 hour by 2023")
        m = store.put(qi.pdsa.Measure("% within 1 hour", kind="process", dataset="sepsis_antibiotics", x="week",
                                      y="antibiotics_within_1h", n="sepsis_patients", chart="p", multiply=100,
                                      definition="d"))  # fmt: skip
        tool = store.put(qi.pdsa.ChangeIdea("Sepsis screening tool at triage"))
        pgd = store.put(qi.pdsa.ChangeIdea("Nurse PGD for the first antibiotic dose"))
        rows = [(tool, "2022-10-31", "2022-11-06"), (tool, "2022-11-21", "2022-11-27"), (tool, "2022-12-12", "2022-12-25"),
                (tool, "2023-01-09", "2023-01-22"), (tool, "2023-01-30", "2023-02-26"), (pgd, "2023-05-08", "2023-05-14"),
                (pgd, "2023-06-05", "2023-06-18"), (pgd, "2023-06-26", "2023-07-23")]  # fmt: skip
        for i, (idea, start, end) in enumerate(rows):
            store.put(qi.pdsa.PDSACycle(change_idea=idea.id, measure=m.id, title=f"{idea.text}, step {i + 1}",
                                        objective="o", predictions=["p"], start_date=start, end_date=end,
                                        results="r", act="adapt"))  # fmt: skip
        ax = qi.pdsa.draw_chart(store.load(), labels="title", chart_options={"part": ["2023-02-06", "2023-07-03"]})
        labelled = _boxes(ax, "qi-annotation-label-pdsa")
        assert len(labelled) == 8 and _overlaps(labelled) == []
        header = _boxes(ax, "qi-part-label") + _boxes(ax, "qi-runs-label")
        assert [t.strip() for t, _ in _boxes(ax, "qi-part-label")] == ["Part 1", "Part 2", "Part 3"]
        assert _overlaps(labelled + header + _boxes(ax, "qi-pdsa-key")) == []


class TestCyclesOutsideTheData:
    def test_plain_english_warning_and_nothing_for_programmers(self, project, data):
        import warnings

        from qitools.plot import AnnotationOutsideWarning

        short = data[data["month"] < "2024-10-01"]  # C10 starts on 4 November 2024
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ax = qi.pdsa.draw_chart(project, short)
        messages = [str(w.message) for w in caught if issubclass(w.category, qi.pdsa.PDSAWarning)]
        assert messages == [
            "Cycle C10 (Bay tagging) started on 4 November 2024, after the data ends (September 2024), so it is "
            "not marked on the chart. Add the newer data (store.put_data, or `qitools pdsa data`) or check the "
            "cycle's dates."
        ]
        assert not [w for w in caught if issubclass(w.category, AnnotationOutsideWarning)]
        assert ax.qi_pdsa_left_out == messages
        text = qi.pdsa.report(project, data=short)
        assert "Cycle C10 (Bay tagging) started on 4 November 2024, after the data ends" in text

    def test_chart_marks_for_other_charts(self, project, data, tmp_path):
        with qi.pdsa.open(tmp_path / "team.pdsa") as s:
            s.add_project(project)
        cc = qi.control_chart(data[data["month"] < "2024-10-01"], x="month", y="falls", n="bed_days", chart="u")
        with pytest.warns(qi.pdsa.PDSAWarning, match="Cycle C10 .* not marked"):
            marks = qi.pdsa.chart_marks(tmp_path / "team.pdsa", "M1", x=cc.data["x"])
        assert marks["cycle"].tolist() == ["C1", "C2", "C3", "C4", "C5", "C7"]
        assert marks["label"].tolist() == marks["cycle"].tolist() and len(marks.attrs["left_out"]) == 1
        ax = cc.plot(annotations=marks)
        assert len([t for t in ax.texts if t.get_gid() == "qi-annotation-label-pdsa"]) == 6


class TestSaveDrawings:
    def test_png_and_svg(self, project, data, tmp_path):
        from qitools.pdsa.draw import save_drawings

        project.set_data("falls.csv", data)
        project.put(__import__("dataclasses").replace(project.measure("M1"), dataset="falls.csv"))
        written = save_drawings(project, tmp_path / "falls.png", what="all")
        assert [p.name for p in written] == ["falls-chart-M1.png", "falls-ramps.png", "falls-drivers.png"]
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)
        (svg,) = save_drawings(project, tmp_path / "ramps.svg", what="ramps")
        text = svg.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml") and ">C10<" in text.replace("\n", "")  # labels are text
        with pytest.raises(qi.QIValueError, match=r"saved as .png or .svg"):
            save_drawings(project, tmp_path / "x.pdf")


class TestPlotWithCycles:
    """Any chart (not a measure's own) with a project's cycles: labels where the cycles began, readable."""

    def test_titles_that_collide_become_ids_with_a_key(self, project, data):
        import matplotlib.dates as mdates

        cc = qi.control_chart(data, x="month", y="falls", n="bed_days", chart="u", multiply=1000)
        marks = qi.pdsa.chart_marks(project, "M1", labels="title")
        ax = qi.pdsa.plot_with_cycles(cc, marks, labels="title")
        labels = {t.get_text().strip(): t.get_position()[0] for t in ax.texts if t.get_gid() == LABEL_GID}
        ours = [c for c in project.cycles if c.measure in ("M1", None) and c.start_date]
        # seven titles in 30 months collide (C1 and C2 are four weeks apart): ids at the start dates ...
        assert labels == pytest.approx({c.id: mdates.date2num(pd.Timestamp(c.start_date)) for c in ours})
        # ... and the titles in a key under the chart, in time order
        key = [t.get_text() for t in ax.texts if t.get_gid() == KEY_GID]
        ideas = {ci.id: ci.text for ci in project.change_ideas}
        by_start = sorted(ours, key=lambda c: c.start_date)
        assert key == ["Cycles:"] + [f"{c.id} {c.title or ideas[c.change_idea]}" for c in by_start]
        assert ax.qi_pdsa_left_out == []

    def test_cycles_outside_the_dates_warn_and_are_listed(self, project, data):
        cc = qi.control_chart(data[data["month"] < "2024-10-01"], x="month", y="falls", n="bed_days", chart="u")
        with pytest.warns(qi.pdsa.PDSAWarning, match=r"Cycle C10 \(Bay tagging\) started on 4 November 2024"):
            ax = qi.pdsa.plot_with_cycles(cc, qi.pdsa.chart_marks(project, "M1"))
        assert len(ax.qi_pdsa_left_out) == 1 and "Chart data that covers its dates" in ax.qi_pdsa_left_out[0]
        assert "C10" not in [t.get_text().strip() for t in ax.texts if t.get_gid() == LABEL_GID]

    def test_faceted_chart_marks_every_facet(self, project, data):
        """Small multiples have no room for labels: each facet shows the cycles' lines and spans."""
        two = pd.concat([data.assign(ward="Ward 7"), data.assign(ward="Ward 8")])
        cc = qi.control_chart(two, x="month", y="falls", n="bed_days", chart="u", facet="ward")
        fig = qi.pdsa.plot_with_cycles(cc, qi.pdsa.chart_marks(project, "M1"))
        charts = [a for a in fig.axes if any(ln.get_gid() == "qi-data" for ln in a.lines)]
        assert len(charts) == 2
        for a in charts:  # C1-C5 and C7 ran from a start to an end date; C10 has not ended
            assert len([p for p in a.patches if p.get_gid() == "qi-annotation-span-pdsa"]) == 6
            assert len([ln for ln in a.lines if ln.get_gid() == "qi-annotation-line-pdsa"]) == 1

    def test_a_chart_not_by_date(self, project):
        cc = qi.control_chart(y=list(range(1, 13)), chart="run")
        with pytest.raises(qi.QIValueError, match="The chart's x is not dates"):
            qi.pdsa.plot_with_cycles(cc, qi.pdsa.chart_marks(project, "M1"))
        assert qi.pdsa.plot_with_cycles(cc, qi.pdsa.chart_marks(project, "M1").iloc[0:0]) is not None
