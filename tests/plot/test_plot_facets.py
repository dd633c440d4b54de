"""Small multiples of faceted charts (``cc.plot()`` on a faceted chart, :func:`qitools.plot.plot_facets`)."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools.plot import plot_facets
from qitools.plot.facets import default_cols
from qitools.plot.style import MIN_FONT_SIZE


def faceted(rng, n_facets=6, n=24, **kw):
    df = pd.DataFrame(
        {
            "ward": np.repeat([f"Ward {i:03d}" for i in range(n_facets)], n),
            "month": np.tile(pd.date_range("2022-01-01", periods=n, freq="MS"), n_facets),
            "y": rng.normal(np.repeat(rng.uniform(5, 50, n_facets), n), 2.0),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return qi.control_chart(df, x="month", y="y", chart="i", facet="ward", **kw)


class TestPlotFacets:
    def test_a_figure_with_one_axes_per_facet_in_summary_order(self, rng):
        cc = faceted(rng)
        fig = cc.plot()
        assert isinstance(fig, matplotlib.figure.Figure)
        assert [ax.qi_facet for ax in fig.axes] == list(dict.fromkeys(cc.summary["facet"]))
        assert [ax.get_title(loc="left") for ax in fig.axes] == [f"Ward {i:03d}" for i in range(6)]

    def test_each_facet_has_its_own_centre_line(self, rng):
        cc = faceted(rng)
        fig = cc.plot()
        for ax in fig.axes:
            (centre,) = [ln for ln in ax.lines if ln.get_gid() in ("qi-centre", "qi-centre-runs")]
            cl = cc.data.loc[cc.data["facet"] == ax.qi_facet, "cl"].iloc[0]
            assert np.nanmax(np.asarray(centre.get_ydata(), float)) == pytest.approx(cl)

    def test_shared_y_by_default_free_on_request(self, rng):
        cc = faceted(rng)
        shared = cc.plot()
        assert len({ax.get_ylim() for ax in shared.axes}) == 1
        free = cc.plot(sharey=False)
        assert len({ax.get_ylim() for ax in free.axes}) == 6

    def test_outer_charts_only_carry_tick_labels(self, rng):
        fig = faceted(rng).plot(facet_cols=3)
        left = [ax.yaxis.get_tick_params()["labelleft"] for ax in fig.axes]
        bottom = [ax.xaxis.get_tick_params()["labelbottom"] for ax in fig.axes]
        assert left == [True, False, False, True, False, False]
        assert bottom == [False, False, False, True, True, True]

    def test_facet_cols(self, rng):
        fig = faceted(rng).plot(facet_cols=2)
        cols = {round(ax.get_position().x0, 3) for ax in fig.axes}
        assert len(cols) == 2

    def test_default_grid_is_wider_than_tall(self):
        assert [default_cols(n) for n in (1, 2, 6, 12, 100)] == [1, 2, 3, 4, 12]

    def test_ax_with_a_faceted_chart_is_an_error(self, rng, plt):
        fig, ax = plt.subplots()
        with pytest.raises(qi.QIValueError, match=r"cc.plot\(\) without ax=.*cc.plot\(facet=..., ax=ax\)"):
            faceted(rng).plot(ax=ax)

    def test_one_facet_on_an_axes(self, rng, plt):
        cc = faceted(rng)
        fig, ax = plt.subplots()
        assert cc.plot(facet="Ward 002", ax=ax) is ax
        (data,) = [ln for ln in ax.lines if ln.get_gid() == "qi-data"]
        np.testing.assert_allclose(data.get_ydata(), cc.data.loc[cc.data["facet"] == "Ward 002", "y"])
        assert ax.get_title(loc="left").endswith("Ward 002")

    def test_unknown_facet(self, rng):
        with pytest.raises(qi.QIValueError, match="facet='Ward 999' is not one of the chart's facets"):
            faceted(rng).plot(facet="Ward 999")

    def test_two_facet_columns_accept_a_tuple(self, rng):
        df = pd.DataFrame(
            {
                "site": np.repeat(["North", "South"], 24),
                "ward": np.repeat(["A", "B", "C", "D"], 12),
                "y": rng.normal(10, 2, 48),
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(df, y="y", chart="i", facet=["site", "ward"])
        ax = cc.plot(facet=("South", "C"))
        assert ax.qi_facet == "South | C"
        assert cc.plot(facet="South | D").qi_facet == "South | D"

    def test_two_facet_columns_accept_the_value_of_one_column(self, rng, plt):
        """facet="North" (a value of the first column) draws every facet of that site; "C" (a value of
        the second column, in one site only) draws that one chart."""
        df = pd.DataFrame(
            {
                "site": np.repeat(["North", "South"], 24),
                "ward": np.repeat(["A", "B", "C", "D"], 12),
                "y": rng.normal(10, 2, 48),
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc = qi.control_chart(df, y="y", chart="i", facet=["site", "ward"], rules="mdc")
        fig = cc.plot(facet="North")
        assert [ax.qi_facet for ax in fig.axes] == ["North | A", "North | B"]
        ax = cc.plot(facet="C")
        assert ax.qi_facet == "South | C"
        _, ax1 = plt.subplots()
        assert cc.plot(facet="C", ax=ax1) is ax1
        with pytest.raises(qi.QIValueError, match="names 2 facets"):
            cc.plot(facet="North", ax=ax1)
        with pytest.raises(qi.QIValueError, match="or a value of 'site' or 'ward'"):
            cc.plot(facet="East")

    def test_a_list_of_facets_draws_those(self, rng):
        fig = faceted(rng).plot(facet=["Ward 004", "Ward 001"])
        assert [ax.qi_facet for ax in fig.axes] == ["Ward 001", "Ward 004"]


class TestTooManyFacets:
    """More facets than one figure can show: an error at once that offers what works."""

    @pytest.fixture
    def many(self, rng):
        df = pd.DataFrame({"unit": np.repeat([f"U{i:03d}" for i in range(101)], 13), "y": rng.normal(10, 2, 101 * 13)})
        return qi.control_chart(df, y="y", chart="i", facet="unit", rules="mdc")

    def test_error_offers_a_subset_a_pdf_and_the_icons(self, many):
        with pytest.raises(qi.QIValueError, match="101 facets") as err:
            many.plot()
        text = str(err.value)
        assert "cc.plot(facet=['U000', 'U001', 'U002'])" in text
        assert "cc.save('all_facets.pdf')" in text
        assert "cc.icons" in text

    def test_the_subset_it_offers_works(self, many):
        fig = many.plot(facet=["U000", "U001", "U002"])
        assert len(fig.axes) == 3

    def test_a_png_of_all_is_refused_but_a_pdf_has_every_facet(self, many, tmp_path):
        with pytest.raises(qi.QIValueError, match="101 facets"):
            many.save(tmp_path / "all.png")
        assert not (tmp_path / "all.png").exists()
        out = many.save(tmp_path / "all.pdf", per_page=50)
        pdf = out.read_bytes()
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 3  # 50 + 50 + 1
        assert b"has 101 separate charts (facets)".replace(b"(", b"\\(").replace(b")", b"\\)") in pdf  # the overview: subject

    def test_a_pdf_of_chosen_facets(self, many, tmp_path):
        pdf = many.save(tmp_path / "some.pdf", facet=["U001", "U002"]).read_bytes()
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1

    def test_per_page_is_checked(self, many, tmp_path):
        with pytest.raises(qi.QIValueError, match="per_page must be a whole number from 1 to 100"):
            many.save(tmp_path / "all.pdf", per_page=0)

    def test_plot_facets_needs_facets(self):
        with pytest.raises(qi.QIValueError, match="needs a faceted chart"):
            plot_facets(qi.run_chart(y=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))

    def test_icons_per_facet(self, rng):
        fig = faceted(rng, improvement="increase", target=20).plot()
        boxes = [a for ax in fig.axes for a in ax.artists if a.get_gid() == "qi-icons"]
        assert len(boxes) == 6

    def test_annotation_for_one_facet(self, rng):
        fig = faceted(rng).plot(annotations=[{"x": "2022-06-01", "facet": "Ward 001", "label": "PDSA"}])
        marked = [ax.qi_facet for ax in fig.axes if any(ln.get_gid() == "qi-annotation-line-pdsa" for ln in ax.lines)]
        assert marked == ["Ward 001"]

    def test_a_hundred_facets_stay_readable(self, rng):
        cc = faceted(rng, n_facets=100, n=12)
        fig = cc.plot()
        assert len(fig.axes) == 100
        w, h = fig.get_size_inches()
        assert w >= 12 * 2.4 and h >= 9 * 1.7  # the figure grows with the grid
        sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
        assert min(sizes) >= MIN_FONT_SIZE
        for ax in fig.axes:
            pos = ax.get_position()
            assert pos.width * w >= 1.8 and pos.height * h >= 1.0  # inches per small chart

    def test_long_facet_names_are_shortened(self, rng):
        df = pd.DataFrame({"unit": np.repeat(["A very long name of a ward in a big hospital trust", "B"], 12),
                           "y": rng.normal(10, 2, 24)})  # fmt: skip
        cc = qi.control_chart(df, y="y", chart="i", facet="unit")
        titles = [ax.get_title(loc="left") for ax in cc.plot(facet_cols=2).axes]
        assert titles[0].endswith("…") and len(titles[0]) < 45
