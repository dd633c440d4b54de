"""Tests of the chart drawing (``cc.plot()`` / :func:`qitools.plot.plot_chart`) on its artists.

Each part of a chart carries an id (``artist.get_gid()``, see ``qitools.plot.chart.GIDS``), so the
tests find the centre line, limits, signal points ... and compare their data with ``cc.data``.
"""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib import dates as mdates
from matplotlib.colors import to_hex

import qitools as qi
from qitools.plot import AnnotationOutsideWarning, plot_chart
from qitools.plot.chart import fmt_value, signal_stretches, step_path
from qitools.plot.style import COLOURS, FONT_SIZES, LINESTYLES, MARKERS, MIN_FONT_SIZE

# Montgomery Example 7.1 (orange-juice cans): 30 samples of 50, two points above the UCL
OJ = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


def lines(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def one_line(ax, gid):
    found = lines(ax, gid)
    assert len(found) == 1, f"expected one line {gid!r}, found {[ln.get_gid() for ln in ax.lines]}"
    return found[0]


def texts(ax, gid):
    return [t.get_text().strip() for t in ax.texts if t.get_gid() == gid]


def stepped_values_at_points(line, x):
    """The y of a stepped line at each point's x (the left end of each point's step)."""
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    out = []
    for xi in x:
        hit = np.flatnonzero(np.isclose(xs, xi) | ((xs <= xi) & (np.r_[xs[1:], np.nan] >= xi)))
        out.append(ys[hit[0]])
    return np.array(out)


@pytest.fixture
def oj():
    return qi.control_chart(y=OJ, n=[50] * 30, chart="p")


@pytest.fixture
def monthly(rng):
    months = pd.date_range("2022-01-01", periods=36, freq="MS")
    bed_days = rng.integers(2800, 3400, 36)
    falls = rng.poisson(np.r_[np.full(20, 7.5), np.full(16, 5.0)] * bed_days / 1000)
    falls[8] = 45  # far above the limits
    return pd.DataFrame({"month": months, "falls": falls, "bed_days": bed_days})


class TestPlotChart:
    def test_returns_the_axes_it_was_given(self, oj, plt):
        fig, ax = plt.subplots()
        assert oj.plot(ax=ax) is ax
        assert plot_chart(oj, ax) is ax

    def test_without_ax_makes_a_figure_and_returns_its_axes(self, oj):
        ax = oj.plot()
        assert isinstance(ax, matplotlib.axes.Axes)
        assert ax.figure.get_size_inches() == pytest.approx([8, 4.5])
        ax = oj.plot(figsize=(6, 3))
        assert ax.figure.get_size_inches() == pytest.approx([6, 3])

    def test_centre_line_data_equals_cl(self, monthly):
        cc = qi.control_chart(
            monthly, x="month", y="falls", n="bed_days", chart="u", multiply=1000, part=[pd.Timestamp("2023-09-01")]
        )
        ax = cc.plot()
        x = mdates.date2num(cc.data["x"])
        centre = one_line(ax, "qi-centre")
        np.testing.assert_allclose(stepped_values_at_points(centre, x), cc.data["cl"])
        # one break (NaN) between the two parts, none inside a part
        assert np.isnan(np.asarray(centre.get_ydata(), float)).sum() == 1

    def test_limits_are_stepped_where_they_vary_with_n(self, monthly):
        cc = qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u", multiply=1000)
        ax = cc.plot()
        lim = one_line(ax, "qi-limits")
        ys = np.asarray(lim.get_ydata(), float)
        lower, upper = ys[: ys.size // 2], ys[ys.size // 2 + 1 :]
        x = mdates.date2num(cc.data["x"])
        # each point's limit spans half-way to its neighbours: two vertices per point
        np.testing.assert_allclose(lower[0::2], cc.data["lcl"])
        np.testing.assert_allclose(upper[0::2], cc.data["ucl"])
        xs = np.asarray(lim.get_xdata(), float)[: ys.size // 2]
        np.testing.assert_allclose(xs[1:-1:2], (x[1:] + x[:-1]) / 2)

    def test_data_line_is_the_plotted_statistic(self, oj):
        ax = oj.plot()
        data = one_line(ax, "qi-data")
        np.testing.assert_allclose(data.get_ydata(), oj.data["y"])
        np.testing.assert_allclose(data.get_xdata(), oj.data["x"])

    def test_points_beyond_the_limits_have_the_signal_style(self, oj):
        ax = oj.plot()
        sig = one_line(ax, "qi-points-signal")
        assert to_hex(sig.get_markerfacecolor()) == COLOURS["signal"].lower()
        assert sig.get_marker() == MARKERS["signal"]
        beyond = oj.data["sigma_signal"].to_numpy()
        np.testing.assert_allclose(sig.get_xdata(), oj.data["x"][beyond])
        np.testing.assert_allclose(sig.get_ydata(), oj.data["y"][beyond])
        ordinary = one_line(ax, "qi-points-data")
        assert len(ordinary.get_xdata()) == (~beyond).sum()
        assert ordinary.get_marker() != sig.get_marker()  # shape differs, not only colour
        # both points are above the centre line: the rule is named once, beside the first
        assert texts(ax, "qi-signal-label") == ["beyond limit"]

    def test_runs_signal_shows_as_a_dashed_coloured_centre_line_with_its_reason(self):
        y = [3, 5, 4, 6, 5, 4, 6, 5, 3, 4, 8, 9, 8, 9, 10, 9, 8, 9, 10, 11]
        rc = qi.run_chart(y=y)
        assert rc.summary["runs_signal"].all()
        ax = rc.plot()
        assert not lines(ax, "qi-centre")
        runs = one_line(ax, "qi-centre-runs")
        assert to_hex(runs.get_color()) == COLOURS["signal"].lower()
        assert runs.get_linestyle() == "--"
        (reason,) = texts(ax, "qi-runs-label")
        assert "longest run 10 > 7" in reason and "1 crossings < 6" in reason

    def test_no_runs_signal_keeps_a_solid_centre_line(self, oj):
        ax = oj.plot()
        centre = one_line(ax, "qi-centre")
        assert centre.get_linestyle() == "-"
        assert to_hex(centre.get_color()) == COLOURS["centre"].lower()
        assert not texts(ax, "qi-runs-label")

    def test_each_part_has_its_own_segment_and_label(self, monthly):
        monthly["phase"] = ["Before"] * 20 + ["After the bundle"] * 16
        cc = qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u", multiply=1000, part="phase")
        ax = cc.plot()
        assert texts(ax, "qi-part-label") == ["Before", "After the bundle"]
        centre = lines(ax, "qi-centre") + lines(ax, "qi-centre-runs")
        breaks = sum(np.isnan(np.asarray(c.get_ydata(), float)).sum() for c in centre)
        assert breaks >= 1

    def test_parts_given_as_x_values_are_numbered(self, monthly):
        cc = qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u", part=["2023-09-01"])
        assert texts(cc.plot(), "qi-part-label") == ["Part 1", "Part 2"]

    def test_one_part_has_no_part_label(self, oj):
        assert not texts(oj.plot(), "qi-part-label")

    def test_two_sigma_lines_at_two_thirds_of_the_way_to_the_limits(self, oj):
        ax = oj.plot(two_sigma=True)
        ys = np.asarray(one_line(ax, "qi-two-sigma").get_ydata(), float)
        cl, ucl = oj.data["cl"].iloc[0], oj.data["ucl"].iloc[0]
        assert set(np.round(ys[np.isfinite(ys)], 10)) == set(
            np.round([cl - 2 * (ucl - cl) / 3, cl + 2 * (ucl - cl) / 3], 10)
        )
        two = one_line(ax, "qi-two-sigma")
        assert two.get_linestyle() != "-" and two.get_color() != one_line(ax, "qi-limits").get_color()
        assert not lines(oj.plot(), "qi-two-sigma")

    def test_lower_two_sigma_line_not_below_a_clipped_lower_limit(self):
        cc = qi.control_chart(y=[0, 1, 0, 2, 1, 0, 1, 3, 0, 1, 0, 1], chart="c")
        assert cc.data["lcl"].iloc[0] == 0
        ys = np.asarray(one_line(cc.plot(two_sigma=True), "qi-two-sigma").get_ydata(), float)
        assert np.nanmin(ys) >= 0

    def test_target_line_and_label(self, oj):
        cc = qi.control_chart(y=OJ, n=[50] * 30, chart="p", target=0.15)
        ax = cc.plot(percent=True)
        target = one_line(ax, "qi-target")
        assert target.get_ydata()[0] == pytest.approx(0.15)
        assert to_hex(target.get_color()) == COLOURS["target"].lower()
        assert "Target 15.0%" in texts(ax, "qi-value-label")

    def test_value_labels_name_the_last_limits(self, oj):
        labels = texts(oj.plot(decimals=3), "qi-value-label")
        assert labels == ["LCL 0.052", "CL 0.231", "UCL 0.410"]

    def test_run_chart_has_no_limits_and_labels_the_median(self):
        rc = qi.run_chart(y=[5, 7, 6, 8, 5, 6, 7, 9, 6, 5, 7, 8])
        ax = rc.plot()
        assert not lines(ax, "qi-limits")
        assert texts(ax, "qi-value-label") == ["Median 6.50"]

    def test_excluded_points_are_hollow(self, oj):
        cc = qi.control_chart(y=OJ, n=[50] * 30, chart="p", exclude=[15, 23])
        ax = cc.plot()
        hollow = one_line(ax, "qi-points-signal-excluded")
        assert to_hex(hollow.get_markerfacecolor()) == "#ffffff"
        np.testing.assert_array_equal(hollow.get_xdata(), [15, 23])

    def test_end_of_a_frozen_baseline_is_marked(self):
        cc = qi.control_chart(y=OJ, n=[50] * 30, chart="p", freeze=20)
        (line,) = lines(cc.plot(), "qi-baseline-end")
        assert line.get_xdata()[0] == pytest.approx(20.5)

    def test_notes_are_drawn_at_their_points(self, oj):
        notes = [None] * 30
        notes[14] = "new filler"
        cc = qi.control_chart(y=OJ, n=[50] * 30, chart="p", notes=notes)
        ax = cc.plot()
        (note,) = [t for t in ax.texts if t.get_gid() == "qi-note"]
        assert note.get_text() == "new filler"
        assert note.xy == (15, pytest.approx(22 / 50))

    def test_label_signals_false_writes_no_rule_names(self, oj):
        assert not texts(oj.plot(label_signals=False), "qi-signal-label")

    def test_title_subtitle_caption(self, oj):
        ax = oj.plot(title="Cans", subtitle="Montgomery 7.1", caption="Source: textbook")
        assert ax.get_title(loc="left") == "Cans"
        assert texts(ax, "qi-subtitle") == ["Montgomery 7.1"]
        assert texts(ax, "qi-caption") == ["Source: textbook"]
        ax = oj.plot(title="", subtitle="")
        assert ax.get_title(loc="left") == "" and not texts(ax, "qi-subtitle")

    def test_default_title_is_the_measure_and_subtitle_the_chart_and_rules(self, monthly):
        cc = qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u", multiply=1000)
        ax = cc.plot()
        assert ax.get_title(loc="left") == "Falls per 1,000 bed days"
        assert texts(ax, "qi-subtitle") == ["U chart (rates) · Anhøj rules"]
        assert ax.get_ylabel() == ""  # the title already names the measure
        assert cc.plot(title="Falls").get_ylabel() == "falls per 1,000 bed days"

    def test_percent_axis_for_proportions(self, oj):
        ax = oj.plot(percent=True)
        fmt = ax.yaxis.get_major_formatter()
        assert isinstance(fmt, matplotlib.ticker.PercentFormatter)
        assert fmt(0.25) == "25%"  # matplotlib's own choice of decimals on the axis
        assert "CL 23.1%" in texts(ax, "qi-value-label")

    def test_percent_for_proportions_on_a_per_100_scale(self):
        cc = qi.control_chart(y=OJ, n=[50] * 30, chart="p", multiply=100)
        assert cc.plot(percent=True).yaxis.get_major_formatter()(25) == "25%"

    def test_percent_on_a_count_chart_is_an_error(self):
        cc = qi.control_chart(y=[3, 4, 5, 2, 6, 3, 4, 5, 3, 4], chart="c")
        with pytest.raises(qi.QIValueError, match="percent=True shows proportions.*c chart plots counts"):
            cc.plot(percent=True)

    def test_every_text_is_at_least_the_minimum_font_size(self, monthly):
        monthly["phase"] = ["Before"] * 20 + ["After"] * 16
        cc = qi.control_chart(
            monthly, x="month", y="falls", n="bed_days", chart="u", part="phase", improvement="decrease", target=5
        )
        ax = cc.plot(annotations=[{"x": "2023-02-01", "label": "PDSA 1"}], caption="c", two_sigma=True)
        ax.figure.canvas.draw()
        sizes = [t.get_fontsize() for t in ax.figure.findobj(matplotlib.text.Text) if t.get_text().strip()]
        assert sizes and min(sizes) >= MIN_FONT_SIZE

    def test_monthly_dates_are_ticked_on_the_data(self, monthly):
        cc = qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u")
        ax = cc.plot()
        ticks = ax.xaxis.get_major_locator()()
        dates = mdates.num2date(ticks)
        assert all(d.day == 1 for d in dates)
        assert 4 <= len(ticks) <= 10
        labels = ax.xaxis.get_major_formatter().format_ticks(ticks)
        assert labels[0] == "Jan\n2022"
        assert "\n2023" in "".join(labels) and "\n2024" in "".join(labels)

    def test_weekly_dates_are_ticked_on_the_data(self):
        weeks = pd.date_range("2024-01-01", periods=30, freq="W-MON")
        rc = qi.run_chart(x=weeks, y=np.arange(30) % 7)
        ticks = rc.plot().xaxis.get_major_locator()()
        assert set(np.round(ticks, 6)) <= set(np.round(mdates.date2num(weeks), 6))
        assert all(d.weekday() == 0 for d in mdates.num2date(ticks))

    def test_text_x_values_are_placed_in_order(self):
        x = [f"wk{i:02d}" for i in range(1, 13)]
        rc = qi.run_chart(x=x, y=[5, 7, 6, 8, 5, 6, 7, 9, 6, 5, 7, 8])
        ax = rc.plot()
        np.testing.assert_array_equal(one_line(ax, "qi-data").get_xdata(), np.arange(12))
        labels = ax.xaxis.get_major_formatter().format_ticks(ax.xaxis.get_major_locator()())
        assert labels[0] == "wk01"

    def test_gaps_in_the_data_break_the_line(self):
        cc = qi.control_chart(y=[5, 6, np.nan, 7, 5, 6, 7, 5, 6, 7, 6, 5], chart="i")
        data = one_line(cc.plot(), "qi-data")
        assert np.isnan(data.get_ydata()[2])

    def test_plot_ax_must_be_an_axes(self, oj):
        with pytest.raises(qi.QITypeError, match="ax must be a matplotlib Axes"):
            oj.plot(ax="here")

    @pytest.mark.parametrize(
        ("option", "value", "error", "message"),
        [
            ("title", 3, qi.QITypeError, "title must be text"),
            ("two_sigma", "yes", qi.QITypeError, "two_sigma must be True or False"),
            ("decimals", -1, qi.QIValueError, "decimals must be a whole number >= 0"),
            ("figsize", (8,), qi.QIValueError, r"figsize must be \(width, height\)"),
            ("figsize", (0, 3), qi.QIValueError, "both > 0"),
            ("facet_cols", 0, qi.QIValueError, "facet_cols must be a whole number >= 1"),
        ],
    )
    def test_bad_options_say_what_is_wrong(self, oj, option, value, error, message):
        with pytest.raises(error, match=message):
            oj.plot(**{option: value})

    def test_a_facet_of_a_chart_without_facets_is_an_error(self, oj):
        with pytest.raises(qi.QIValueError, match="this chart has no facets"):
            oj.plot(facet="A")


class TestMakingDataCount:
    @pytest.fixture
    def mdc(self):
        y = [80, 83, 79, 82, 78, 81, 84, 79, 82, 80, 77, 83, 80, 81, 79, 82, 80, 78, 95, 96, 97]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return qi.control_chart(
                x=pd.date_range("2024-01-01", periods=len(y), freq="W-MON"),
                y=y,
                chart="i",
                rules="mdc",
                improvement="increase",
                target=99,
            )

    def test_point_colours_and_shapes_follow_point_type(self, mdc):
        ax = mdc.plot()
        types = mdc.data["point_type"]
        improved = one_line(ax, "qi-points-improvement")
        assert to_hex(improved.get_markerfacecolor()) == COLOURS["improvement"].lower()
        assert improved.get_marker() == MARKERS["improvement"]
        assert len(improved.get_xdata()) == (types == "special_cause_improvement").sum() > 0
        common = one_line(ax, "qi-points-common")
        assert to_hex(common.get_markerfacecolor()) == COLOURS["common"].lower()
        assert common.get_marker() == MARKERS["common"]
        assert len(common.get_xdata()) == (types == "common_cause").sum()

    def test_concern_points(self):
        y = [80, 82, 79, 81, 83, 80, 78, 82, 81, 80, 79, 81, 70, 69, 71, 68, 70, 72, 69, 70, 71, 68]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(y=y, chart="i", rules="mdc", improvement="increase")
        concern = one_line(cc.plot(), "qi-points-concern")
        assert to_hex(concern.get_markerfacecolor()) == COLOURS["concern"].lower()
        assert concern.get_marker() == MARKERS["concern"]

    def test_icons_are_drawn_with_patches_and_letters(self, mdc):
        ax = mdc.plot()
        (box,) = [a for a in ax.artists if a.get_gid() == "qi-icons"]
        assert box.qi_icons == (mdc.icons["variation"].iloc[0], mdc.icons["assurance"].iloc[0])
        assert box.qi_icons == ("improvement_high", "fail")
        letters = {t.get_text() for t in box.findobj(matplotlib.text.Text)}
        assert {"H", "F"} <= letters
        circles = [p for p in box.findobj(matplotlib.patches.Circle) if p.get_radius() > 5]
        assert len(circles) == 2
        assert "Special cause: improvement (higher) · Target consistently missed" in texts(ax, "qi-subtitle")[
            0
        ].replace("\n", " ")

    def test_show_icons_false(self, mdc):
        assert not [a for a in mdc.plot(show_icons=False).artists if a.get_gid() == "qi-icons"]

    def test_rule_names_label_each_run_of_signals(self, mdc):
        labels = texts(mdc.plot(), "qi-signal-label")
        assert labels and all(label for label in labels)
        assert labels == ["outside limit"]

    @staticmethod
    def _extents(ax):
        fig = ax.figure
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        (box,) = [a for a in ax.artists if a.get_gid() == "qi-icons"]
        return r, ax.get_window_extent(r), box.get_window_extent(r)

    @pytest.mark.parametrize(
        "title",
        [
            None,
            "Share of A&E attendances seen within four hours, London trust T05",
            "WWWW WWWW WWWW WWWW WWWW WWWW WWWW WWWW WWWW WWWW",  # wide letters
        ],
    )
    def test_title_and_subtitle_never_run_under_the_icons(self, mdc, title):
        """The title is wrapped to the Axes' final width in the font's own letter widths, so its end is
        never hidden by the icons at the top right (drawn text boxes must not overlap)."""
        ax = mdc.plot(title=title, percent=False)
        r, _, icons = self._extents(ax)
        title_box = ax._left_title.get_window_extent(r)  # set_title(loc="left")
        assert title_box.width > 0
        (sub,) = [t for t in ax.texts if t.get_gid() == "qi-subtitle"]
        for line_box in (title_box, sub.get_window_extent(r)):
            assert line_box.x1 <= icons.x0 or line_box.y0 >= icons.y1 or line_box.y1 <= icons.y0

    def test_signal_label_stays_below_the_header(self):
        """A signal whose first few points reach the top of the chart: its label ("outside limit,
        shift") is written below the points, not up in the subtitle."""
        y = [93.2, 97.9, 99.0, 91.2, 110.9, 94.9, 100.5, 99.5, 111.9, 99.9, 99.8, 107.9, 95.4, 110.1, 112.1,
             98.2, 100.3, 100.2, 114.8, 108.7, 107.7, 90.3, 95.3, 99.0, 97.5, 99.7, 117.1, 105.1, 100.8, 111.8,
             104.4, 101.3, 108.7, 112.7, 106.6, 100.6, 93.4, 99.7, 98.1, 102.6, 102.9, 96.9, 95.9, 98.8, 92.5,
             115.4, 109.4, 107.9, 109.9, 112.4, 99.2, 114.9, 116.2, 129.3, 109.4, 118.5, 104.6, 106.9, 109.7, 118.6]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(x=pd.date_range("2020-01-01", periods=60, freq="MS"), y=y, chart="i",
                                  rules="mdc", improvement="increase", target=100)
        ax = cc.plot()
        r, axes_box, _ = self._extents(ax)
        (sub,) = [t for t in ax.texts if t.get_gid() == "qi-subtitle"]
        labels = [t for t in ax.texts if t.get_gid() == "qi-signal-label"]
        assert any("outside limit" in t.get_text() for t in labels)
        for t in labels:
            box = t.get_window_extent(r)
            assert box.y1 <= axes_box.y1 and not box.overlaps(sub.get_window_extent(r)), t.get_text()

    def test_icons_error_when_direction_unknown(self, oj):
        # no improvement and not rules="mdc": no icons to draw, and none are drawn
        assert not [a for a in oj.plot().artists if a.get_gid() == "qi-icons"]


class TestAnnotations:
    @pytest.fixture
    def cc(self, monthly):
        return qi.control_chart(monthly, x="month", y="falls", n="bed_days", chart="u", multiply=1000)

    def test_markers_spans_and_labels(self, cc):
        ax = cc.plot(
            annotations=[
                {"x": "2022-06-01", "label": "PDSA 1", "kind": "pdsa"},
                {"x": "2023-01-01", "x_end": "2023-04-01", "label": "PDSA 2"},
            ]
        )
        (line,) = lines(ax, "qi-annotation-line-pdsa")
        assert line.get_xdata()[0] == pytest.approx(mdates.date2num(pd.Timestamp("2022-06-01")))
        assert line.get_linestyle() == "--"
        (span,) = [p for p in ax.patches if p.get_gid() == "qi-annotation-span-pdsa"]
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert (x0, x1) == pytest.approx(mdates.date2num([pd.Timestamp("2023-01-01"), pd.Timestamp("2023-04-01")]))
        assert texts(ax, "qi-annotation-label-pdsa") == ["PDSA 1", "PDSA 2"]

    def test_a_dataframe_works_and_extra_columns_are_ignored(self, cc):
        ann = pd.DataFrame(
            {"x": pd.to_datetime(["2022-06-01", "2023-01-01"]), "x_end": [pd.NaT, pd.Timestamp("2023-03-01")],
             "label": ["C1", "C2"], "kind": ["pdsa", "note"], "cycle": ["C1", "C2"]}
        )  # fmt: skip
        ax = cc.plot(annotations=ann)
        assert texts(ax, "qi-annotation-label-pdsa") == ["C1"]
        assert texts(ax, "qi-annotation-label-note") == ["C2"]

    def test_close_labels_go_to_different_rows(self, cc):
        ax = cc.plot(
            annotations=[
                {"x": "2022-06-01", "label": "PDSA 1: a long label here"},
                {"x": "2022-07-01", "label": "PDSA 2: another long one"},
            ]
        )
        ys = [t.get_position()[1] for t in ax.texts if t.get_gid() == "qi-annotation-label-pdsa"]
        assert ys[0] != ys[1]

    def test_outside_the_chart_warns_and_is_left_out(self, cc):
        with pytest.warns(AnnotationOutsideWarning, match="outside the chart's x range"):
            ax = cc.plot(annotations=[{"x": "2030-01-01", "label": "later"}])
        assert not texts(ax, "qi-annotation-label-pdsa")
        assert issubclass(AnnotationOutsideWarning, qi.QIToolsWarning)

    def test_missing_x_is_an_error(self, cc):
        with pytest.raises(qi.QIValueError, match=r"annotations\[0\] has no 'x'"):
            cc.plot(annotations=[{"label": "PDSA 1"}])

    def test_unknown_key_is_an_error_with_a_suggestion(self, cc):
        with pytest.raises(qi.QIValueError, match="unknown key 'lable'.*Did you mean 'label'"):
            cc.plot(annotations=[{"x": "2022-06-01", "lable": "PDSA 1"}])

    def test_x_that_is_not_a_date_is_an_error(self, cc):
        with pytest.raises(qi.QIValueError, match="cannot be placed on this chart's x axis"):
            cc.plot(annotations=[{"x": "soon"}])

    def test_end_before_start_is_an_error(self, cc):
        with pytest.raises(qi.QIValueError, match="x_end .* is before x"):
            cc.plot(annotations=[{"x": "2023-01-01", "x_end": "2022-01-01"}])

    def test_not_a_table_is_a_type_error(self, cc):
        with pytest.raises(qi.QITypeError, match="annotations must be a DataFrame or a list of dicts"):
            cc.plot(annotations="PDSA 1")

    def test_numeric_axis(self, oj):
        ax = oj.plot(annotations=[{"x": 10, "label": "new supplier"}])
        assert lines(ax, "qi-annotation-line-pdsa")[0].get_xdata()[0] == 10


class TestHelpers:
    def test_step_path_breaks_between_segments(self):
        x = np.array([1.0, 2.0, 3.0, 4.0])
        xs, ys = step_path(x, np.array([1.0, 1.0, 2.0, 2.0]), np.array([True, False, True, False]))
        np.testing.assert_allclose(xs, [1, 1.5, 1.5, 2, np.nan, 3, 3.5, 3.5, 4])
        np.testing.assert_allclose(ys, [1, 1, 1, 1, np.nan, 2, 2, 2, 2])

    def test_signal_stretches_name_every_rule_once(self):
        d = pd.DataFrame(
            {
                "mdc_outside": [False, True, False, False, False],
                "mdc_trend": [False] * 5,
                "mdc_two_of_three": [False, True, True, False, True],
                "mdc_shift": [False, False, True, False, False],
            }
        )
        out = signal_stretches(d, "mdc", np.ones(5, dtype=int))
        assert out == [(1, 2, "outside limit, 2 of 3 near limit, shift"), (4, 4, "2 of 3 near limit")]

    @pytest.mark.parametrize(
        ("value", "decimals", "xmax", "text"),
        [(1234.5, None, None, "1,234"), (12.345, None, None, "12.3"), (1.2345, None, None, "1.23"),
         (0.01234, None, None, "0.0123"), (0.2313, None, 1.0, "23.1%"), (0.5, 2, 1.0, "50.00%"),
         (np.nan, None, None, "–")],
    )  # fmt: skip
    def test_fmt_value(self, value, decimals, xmax, text):
        assert fmt_value(value, decimals, xmax) == text

    def test_linestyles_differ_by_role(self):
        roles = ("centre", "centre_runs", "two_sigma", "target", "annotation")
        assert len({str(LINESTYLES[r]) for r in roles}) == len(roles)
        assert FONT_SIZES["annotation"] >= MIN_FONT_SIZE


def test_value_labels_do_not_overlap_after_a_layout_shrinks_the_axes():
    """Small charts in a grid, then fig.tight_layout(): the right-edge labels are placed when drawn,
    from the plot's height then (module 13: 'UCL 87.1' over 'Target 85.0')."""
    import matplotlib.pyplot as plt

    y = [59, 53, 61, 52, 62, 51, 58, 54, 57, 69, 75, 71, 81, 77, 95, 87, 86, 86, 86, 88, 87, 87, 89, 84]
    cc = qi.control_chart(y=y, chart="i", rules="mdc", improvement="increase", target=85)
    fig, axes = plt.subplots(3, 2, figsize=(10, 7.5))
    for ax in axes.flat[:5]:
        cc.plot(ax=ax, title="Sepsis 1 hour (%)", subtitle="", label_signals=False, y_label="")
    fig.tight_layout()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in axes.flat[:5]:
        labels = [t for t in ax.texts if t.get_gid() == "qi-value-label"]
        assert len(labels) == 4
        centres = sorted((t.get_window_extent(renderer).y0 + t.get_window_extent(renderer).y1) / 2 for t in labels)
        line = 1.2 * labels[0].get_fontsize() * fig.dpi / 72  # a line of text and a little space, in pixels
        assert min(b - a for a, b in zip(centres, centres[1:])) >= line, "two value labels touch"
    plt.close(fig)
