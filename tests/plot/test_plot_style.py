"""The palette stays readable for colour-blind readers and in greyscale; shapes carry meaning too.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009),
severity 1.0 (protanopia, deuteranopia, tritanopia), applied to linear sRGB; distances are CIE76
Delta E in CIE L*a*b* (D65). The matrices are typed in from the paper's supplementary table
(they are also the ones used by colorspacious and DaltonLens):

Machado GM, Oliveira MM, Fernandes LAF (2009). A physiologically-based model for simulation of
color vision deficiency. IEEE TVCG 15(6): 1291-1298. doi:10.1109/TVCG.2009.113
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from qitools.plot import style
from qitools.plot.style import (
    COLOURS,
    FONT_SIZES,
    MARKERS,
    MIN_FONT_SIZE,
    apply_base_style,
    line_style,
    point_style,
)

MACHADO = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}


def linear(hex_colour: str) -> np.ndarray:
    c = np.array(to_rgb(hex_colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    m = MACHADO[vision]
    return float(np.linalg.norm(lab(m @ linear(a)) - lab(m @ linear(b))))


class TestPalette:
    def test_simulation_matrices_keep_grey_grey(self):
        grey = linear("#808080")
        for m in MACHADO.values():
            np.testing.assert_allclose(m @ grey, grey, atol=2e-3)

    @pytest.mark.parametrize("vision", list(MACHADO))
    @pytest.mark.parametrize(
        "pair",
        [("common", "improvement"), ("common", "concern"), ("improvement", "concern"), ("common", "neutral"),
         ("data", "signal"), ("centre", "signal"), ("limits", "target")],
    )  # fmt: skip
    def test_roles_that_meet_on_a_chart_stay_apart(self, pair, vision):
        a, b = (COLOURS[r] for r in pair)
        assert delta_e(a, b, vision) > 20, f"{pair} too close for {vision}"

    @pytest.mark.parametrize("vision", list(MACHADO))
    def test_making_data_count_trio_is_clearly_apart(self, vision):
        for a, b in itertools.combinations(("common", "improvement", "concern"), 2):
            assert delta_e(COLOURS[a], COLOURS[b], vision) > 30, (a, b, vision)

    def test_greyscale_lightness_differs(self):
        lightness = {r: lab(linear(COLOURS[r]))[0] for r in ("common", "improvement", "concern", "data", "signal")}
        for a, b in itertools.combinations(("common", "improvement", "concern"), 2):
            assert abs(lightness[a] - lightness[b]) >= 10, (a, b, lightness)
        assert abs(lightness["data"] - lightness["signal"]) >= 10

    def test_shapes_carry_the_meaning_too(self):
        shapes = [MARKERS[r] for r in ("common", "improvement", "concern", "neutral_high", "neutral_low")]
        assert len(set(shapes)) == len(shapes)
        assert MARKERS["signal"] != MARKERS["data"]

    def test_font_sizes_for_projection(self):
        assert MIN_FONT_SIZE >= 10
        assert min(FONT_SIZES.values()) >= MIN_FONT_SIZE
        assert FONT_SIZES["title"] > FONT_SIZES["subtitle"] >= FONT_SIZES["tick_label"]

    def test_public_names(self):
        for name in style.__all__:
            assert hasattr(style, name)
        assert style.IMPROVEMENT == COLOURS["improvement"]


class TestPointStyle:
    @pytest.mark.parametrize(
        ("point_type", "role"),
        [("common_cause", "common"), ("special_cause_improvement", "improvement"),
         ("special_cause_concern", "concern"), ("special_cause_neutral_high", "neutral_high")],
    )  # fmt: skip
    def test_colour_and_marker(self, point_type, role):
        st = point_style(point_type)
        assert st["marker"] == MARKERS[role]
        assert st["color"] == (COLOURS["neutral"] if role.startswith("neutral") else COLOURS[role])

    def test_unknown_point_type(self):
        with pytest.raises(KeyError):
            point_style("special")


class TestLineStyle:
    def test_centre_with_runs_signal_is_coloured_and_dashed(self):
        st = line_style("centre_runs")
        assert st["color"] == COLOURS["signal"] and st["linestyle"] != "-"
        assert line_style("centre")["linestyle"] == "-"


class TestApplyBaseStyle:
    def test_only_this_axes_changes(self, plt):
        before = dict(matplotlib.rcParams)
        fig, (a, b) = plt.subplots(1, 2)
        assert apply_base_style(a) is a
        assert not a.spines["top"].get_visible() and b.spines["top"].get_visible()
        assert a.yaxis.get_major_ticks()[0].label1.get_fontsize() == FONT_SIZES["tick_label"]
        assert dict(matplotlib.rcParams) == before
