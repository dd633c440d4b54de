"""Drawing funnel plots and league tables: assertions on the artists, not on pictures.

The funnel lines must be the limits the result reports (``limits_at``), the target line the
target, units outside labelled and marked with the signal colour, and ``plot(ax=ax)`` must return
``ax`` (seaborn's axes-level contract).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import qitools as qi  # noqa: E402
from qitools.plot import style  # noqa: E402
from qitools.plot.funnel import funnel_grid  # noqa: E402

UNITS = [f"W{i}" for i in range(10)]
N = [40, 80, 120, 200, 300, 420, 500, 650, 800, 1000]
Y = [4, 9, 13, 20, 31, 40, 52, 64, 140, 40]  # W8 far above, W9 far below a target of about 0.11


@pytest.fixture
def fp():
    return qi.funnel_plot(unit=UNITS, y=Y, n=N)


def _lines_with_label(ax, label):
    return [ln for ln in ax.get_lines() if ln.get_label() == label]


class TestPlotFunnel:
    def test_returns_the_axes_given(self, fp):
        fig, ax = plt.subplots()
        assert fp.plot(ax=ax) is ax

    def test_new_axes_when_none(self, fp):
        ax = fp.plot()
        assert ax.figure is not None
        assert ax.get_xlabel() == "n (denominator)" and ax.get_title(loc="left") == "Funnel plot"

    def test_target_line(self, fp):
        ax = fp.plot()
        (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("target")]
        np.testing.assert_allclose(line.get_ydata(), fp.summary["target"].iloc[0])
        assert line.get_color() == style.COLOURS["target"]

    def test_funnel_lines_are_the_reported_limits(self, fp):
        ax = fp.plot()
        (upper998,) = _lines_with_label(ax, "99.8% limits")
        x = np.asarray(upper998.get_xdata(), dtype=float)
        grid = fp.limits_at(x)
        np.testing.assert_allclose(upper998.get_ydata(), grid["ucl998"])
        np.testing.assert_allclose(x, fp.limits_at(funnel_grid(fp.data["n"].to_numpy()))["n"])
        assert upper998.get_color() == style.COLOURS["limits"]
        (upper95,) = _lines_with_label(ax, "95% limits")
        assert upper95.get_linestyle() != upper998.get_linestyle()  # inner limits dotted

    def test_units_outside_are_marked_and_labelled(self, fp):
        out = fp.outside()
        assert set(out["unit"]) >= {"W8", "W9"}
        ax = fp.plot()
        texts = {t.get_text() for t in ax.texts}
        assert set(out["unit"]) <= texts
        (beyond,) = _lines_with_label(ax, "beyond 99.8%")
        assert beyond.get_color() == style.COLOURS["signal"]
        inside = _lines_with_label(ax, "inside the limits")[0]
        assert len(inside.get_xdata()) == len(fp.data) - len(out)

    def test_labels_can_be_switched_off(self, fp):
        ax = fp.plot(label_outside=False, title="Falls", ylabel="Falls per patient")
        assert not ax.texts
        assert ax.get_title(loc="left") == "Falls" and ax.get_ylabel() == "Falls per patient"

    def test_log_x(self, fp):
        assert fp.plot(logx=True).get_xscale() == "log"

    def test_column_names_label_the_axes(self):
        df = pd.DataFrame({"ward": UNITS, "falls": Y, "bed_days": N})
        ax = qi.funnel_plot(df, unit="ward", y="falls", n="bed_days", kind="rate", multiply=1000).plot()
        assert ax.get_xlabel() == "bed_days" and ax.get_ylabel() == "falls / bed_days x 1000"

    def test_overdispersed_funnel_is_wider(self):
        y = [2, 20, 8, 40, 18, 80, 30, 110, 60, 150]  # spread far beyond binomial
        plain = qi.funnel_plot(unit=UNITS, y=y, n=N)
        od = qi.funnel_plot(unit=UNITS, y=y, n=N, overdispersion="additive")
        assert od.phi > 1
        a = _lines_with_label(plain.plot(), "99.8% limits")[0].get_ydata()
        b = _lines_with_label(od.plot(), "99.8% limits")[0].get_ydata()
        assert (np.asarray(b) >= np.asarray(a) - 1e-12).all() and (np.asarray(b) > np.asarray(a)).any()


class TestPlotFacets:
    @pytest.fixture
    def faceted(self, rng):
        frames = []
        for ind in ("a", "b", "c", "d"):
            n = rng.integers(50, 800, 8)
            frames.append(pd.DataFrame({"ind": ind, "u": UNITS[:8], "y": rng.binomial(n, 0.2), "n": n}))
        return qi.funnel_plot(pd.concat(frames), unit="u", y="y", n="n", facet="ind")

    def test_small_multiples_figure(self, faceted):
        fig = faceted.plot()
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert len(visible) == 4
        assert [ax.get_title(loc="left") for ax in visible] == ["a", "b", "c", "d"]
        assert faceted.plot_facets(ncols=2).axes[0].get_title(loc="left") == "a"

    def test_one_facet_on_given_axes(self, faceted):
        fig, ax = plt.subplots()
        assert faceted.plot(ax=ax, facet="c") is ax
        (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("target")]
        want = faceted.summary.set_index("facet").loc["c", "target"]
        np.testing.assert_allclose(line.get_ydata(), want)

    def test_axes_without_facet_is_refused(self, faceted):
        fig, ax = plt.subplots()
        with pytest.raises(qi.QIValueError, match=r"choose one with fp.plot\(facet=..., ax=ax\)"):
            faceted.plot(ax=ax)
        with pytest.raises(qi.QIValueError, match="facet='z' is not one of the facets"):
            faceted.plot(facet="z")


class TestPlotLeagueTable:
    def test_ranks_and_intervals(self):
        lt = qi.league_table(unit=UNITS, y=Y, n=N, n_sims=300)
        fig, ax = plt.subplots()
        assert lt.plot(ax=ax) is ax
        assert [t.get_text() for t in ax.get_yticklabels()] == list(lt.data["unit"])
        (intervals,) = ax.collections
        segs = intervals.get_segments()
        np.testing.assert_allclose([s[0][0] for s in segs], lt.data["rank_lower"])
        np.testing.assert_allclose([s[1][0] for s in segs], lt.data["rank_upper"])
        (dots,) = _lines_with_label(ax, "observed rank")
        np.testing.assert_allclose(dots.get_xdata(), lt.data["rank"])

    def test_max_units_shows_the_top_only(self):
        lt = qi.league_table(unit=UNITS, y=Y, n=N, n_sims=300)
        ax = lt.plot(max_units=4)
        assert len(ax.get_yticklabels()) == 4
        assert any("top 4 of 10 units shown" in t.get_text() for t in ax.texts)

    def test_side_by_side_with_the_funnel(self):
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
        qi.funnel_plot(unit=UNITS, y=Y, n=N).plot(ax=left)
        qi.league_table(unit=UNITS, y=Y, n=N, n_sims=200).plot(ax=right)
        assert left.get_title(loc="left") == "Funnel plot" and right.get_title(loc="left").startswith("League table")


def test_module_14_funnels_keep_names_and_legend_apart():
    """Module 14's A&E funnel (27 of 30 trusts beyond the limits for chance alone, two funnels side by
    side) wrote names over one another ('T02T21T13') and its legend over units; the readmissions
    funnel ran five names into one ('T1T1T0T0T145')."""
    import itertools

    import matplotlib.pyplot as plt

    ed = qi.datasets.load("ed_four_hour")
    ed = ed[ed["month"] == "2024-03-01"].assign(within=lambda d: d["attendances"] - d["breaches"])
    chance = qi.funnel_plot(ed, unit="trust", y="within", n="attendances", multiply=100)
    widened = qi.funnel_plot(ed, unit="trust", y="within", n="attendances", multiply=100, overdispersion="additive")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    chance.plot(ax=axes[0])
    widened.plot(ax=axes[1])
    fig.tight_layout()
    readmissions = qi.datasets.load("readmissions_by_trust")
    fig2, ax3 = plt.subplots(figsize=(8, 4))
    qi.funnel_plot(readmissions, unit="trust", y="readmissions", n="discharges", multiply=100).plot(ax=ax3)
    for ax in [*axes, ax3]:
        renderer = ax.figure.canvas.get_renderer()
        ax.figure.draw(renderer)
        names = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_visible()]
        assert names, "units beyond the limits are named"
        crowded = [(a, b) for (a, ba), (b, bb) in itertools.combinations(names, 2)
                   if min(ba.x1, bb.x1) - max(ba.x0, bb.x0) > 0.5 and min(ba.y1, bb.y1) - max(ba.y0, bb.y0) > 0.5]  # fmt: skip
        assert crowded == []
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.x0 >= ax.get_window_extent(renderer).x1, "the legend lies outside the plot"
    # where there is room, every unit beyond the 99.8% limits is named
    assert {"T017", "T058", "T093", "T121", "T140"} <= {t.get_text() for t in ax3.texts}
