"""Drawing the Pareto chart, the fishbone and the process map: what a learner must be able to read.

Overlaps are measured with the renderer's own text bounding boxes (``Text.get_window_extent``), at
the resolutions a chart is usually shown or saved at (60, 100 and 200 dpi).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools.plot.style import MIN_FONT_SIZE
from qitools.plot.system import DiagramTooSmallWarning
from qitools.system import UnreachableStepWarning

# 6 categories x 6 causes, with long causes and sub-causes: the size the course uses
CAUSES_6X6 = {
    "People": ["Agency and bank staff unfamiliar with the ward", {"Handover": ["No falls checklist", "Rushed at 8 pm"]},
               "Low staffing at night", "Patients reluctant to ask for help with walking to the toilet", "Skill mix",
               "Relatives not involved"],
    "Methods": ["Falls risk assessment not repeated after a fall", "No hourly rounding",
                {"Toileting plans": ["Not written", "Not followed at night by the night staff"]},
                "Bed rails policy unclear", "Medication review late", "Lying and standing BP not measured"],
    "Equipment": ["Bed alarms broken or missing", "Call bell out of reach", "Walking aids not to hand",
                  "Low-low beds in short supply", {"Footwear": ["Slippers without grip", "No non-slip socks"]},
                  "Chairs too low"],
    "Environment": ["Poor lighting at night", "Cluttered bays", "Side rooms far from the nurses' station",
                    "Wet floors after cleaning", "Toilets far from the beds", "Noise disturbs sleep"],
    "Patients": ["Delirium and dementia", "Postural hypotension", "Sedatives and night sedation", "Continence urgency",
                 "Previous falls", "Poor eyesight"],
    "Measurement": ["Falls under-reported on the incident system", "Harm level graded late",
                    "No run chart on the ward", "Data a month old at the meeting",
                    {"Bed days": ["From a different system"]}, "Supercalifragilisticexpialidociousnesses"],
}  # fmt: skip

# 12 steps, 2 decisions (a jump forward and a loop back), 2 delays
STEPS_12 = [
    "Patient arrives at ED",
    {"step": "Wait to be booked in", "kind": "delay", "wait": "10 to 20 minutes"},
    "Booked in at reception",
    "Triage by nurse",
    {"step": "Needs resuscitation?", "kind": "decision", "yes": "Seen by ED doctor"},
    {"step": "Wait for a doctor", "kind": "delay", "wait": "2 to 4 hours in majors"},
    "Seen by ED doctor",
    "Blood tests and X-ray",
    {"step": "Results complete?", "kind": "decision", "no": "Blood tests and X-ray"},
    "Treatment plan agreed",
    "Bed or transport arranged",
    "Leaves the department",
]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _texts(ax):
    return [t for t in ax.figure.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))
            if t.get_visible() and t.get_text()]  # fmt: skip


def _overlaps(ax, dpi: float) -> list[tuple[str, str]]:
    fig = ax.figure
    fig.set_dpi(dpi)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
    bad = []
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        w = min(a.x1, b.x1) - max(a.x0, b.x0)
        h = min(a.y1, b.y1) - max(a.y0, b.y0)
        if w > 0.5 and h > 0.5:
            bad.append((ta, tb))
    return bad


def _outside_figure(ax) -> list[str]:
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    W, H = fig.bbox.width, fig.bbox.height
    return [t.get_text() for t in ax.texts
            if (bb := t.get_window_extent(renderer)).x0 < -1 or bb.y0 < -1 or bb.x1 > W + 1 or bb.y1 > H + 1]  # fmt: skip


def _text_vs_shapes(ax) -> list[str]:
    """Texts that cut across a shape: each must lie inside one shape's box or clear of all shapes."""
    from matplotlib.patches import Polygon

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    shapes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, Polygon)]
    bad = []
    for t in ax.texts:
        bb = t.get_window_extent(renderer)
        for s in shapes:
            w = min(bb.x1, s.x1) - max(bb.x0, s.x0)
            h = min(bb.y1, s.y1) - max(bb.y0, s.y0)
            inside = bb.x0 >= s.x0 - 0.5 and bb.x1 <= s.x1 + 0.5 and bb.y0 >= s.y0 - 0.5 and bb.y1 <= s.y1 + 0.5
            if w > 0.5 and h > 0.5 and not inside:
                bad.append(t.get_text())
    return bad


def _check_fonts_and_math(ax):
    for t in _texts(ax):
        assert t.get_fontsize() >= MIN_FONT_SIZE, (t.get_text(), t.get_fontsize())


class TestParetoChart:
    def df(self):
        return pd.DataFrame(
            {"cause": ["Toileting", "Confusion", "Footwear", "Bed rails", "Medication", "Wet floor", "Lighting"],
             "falls": [12, 41, 6, 27, 3, 2, 1]}
        )  # fmt: skip

    def test_bars_descend_and_the_line_ends_at_100(self):
        ax = qi.pareto_chart(self.df(), category="cause", count="falls")
        bars = [p for p in ax.patches if p.get_gid() == "qi-pareto-bar"]
        heights = [b.get_height() for b in bars]
        assert heights == [41, 27, 12, 6, 3, 2, 1]
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            "Confusion", "Bed rails", "Toileting", "Footwear", "Medication", "Wet floor", "Lighting"
        ]  # fmt: skip
        twin = [a for a in ax.figure.axes if a is not ax][0]
        (line,) = [ln for ln in twin.lines if ln.get_gid() == "qi-pareto-cumulative"]
        y = np.asarray(line.get_ydata(), dtype=float)
        assert y[-1] == 100.0
        np.testing.assert_allclose(y, np.cumsum(heights) * 100 / 92)
        # 100 % on the right is level with the total on the left
        assert twin.get_ylim()[1] / 100 == pytest.approx(ax.get_ylim()[1] / 92)
        (cut,) = [ln for ln in twin.lines if ln.get_gid() == "qi-pareto-cut"]
        assert cut.get_ydata()[0] == 80

    def test_vital_few_are_marked(self):
        ax = qi.pareto_chart(self.df(), category="cause", count="falls")
        bars = [p for p in ax.patches if p.get_gid() == "qi-pareto-bar"]
        colours = [b.get_facecolor() for b in bars]
        # 41 + 27 + 12 = 80 of 92 = 87 %: three vital few, drawn dark; the boundary after the third bar
        assert len({colours[0], colours[1], colours[2]}) == 1 and colours[3] != colours[0]
        (sep,) = [ln for ln in ax.lines if ln.get_gid() == "qi-pareto-vital-few"]
        assert sep.get_xdata()[0] == 2.5
        assert "3 of 7 categories make up 87%" in _plain(
            [t.get_text() for t in ax.texts if t.get_gid() == "qi-subtitle"][0]
        )

    def test_other_is_drawn_last_and_hatched(self):
        df = pd.DataFrame({"c": list("ABCDEFGH"), "n": [50, 20, 10, 6, 5, 4, 3, 2]})
        with pytest.warns(qi.DataChangedWarning):
            ax = qi.pareto_chart(df, category="c", count="n", top=2)
        (other,) = [p for p in ax.patches if p.get_gid() == "qi-pareto-other"]
        assert other.get_height() == 20 and other.get_hatch()
        assert other.get_x() > max(p.get_x() for p in ax.patches if p.get_gid() == "qi-pareto-bar")
        assert ax.get_xticklabels()[-1].get_text() == "Other"

    def test_ax_is_returned_and_text_is_legible(self, plt):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        out = qi.pareto_chart(self.df(), category="cause", count="falls", ax=ax, title="Falls by cause")
        assert out is ax
        _check_fonts_and_math(ax)
        assert ax.get_title(loc="left") == "Falls by cause"

    def test_text_is_not_mathtext(self):
        df = pd.DataFrame({"c": ["Cost $5 or $10", "x_1^2", "b"], "n": [5, 3, 1]})
        ax = qi.pareto_chart(df, category="c", count="n", title="Spend in $ and $", x_label="$item$")
        ax.figure.canvas.draw()
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert _plain(labels[0]) == "Cost $5 or $10"
        for t in _texts(ax):
            if "$" in t.get_text() or "_" in t.get_text():
                assert t.get_parse_math() is False, t.get_text()

    def test_long_labels_rotate_on_a_crowded_axis(self, plt):
        df = pd.DataFrame({"c": [f"Hospital-acquired category {i}" for i in range(6)], "n": range(6, 0, -1)})
        fig, ax = plt.subplots(figsize=(6, 4))
        qi.pareto_chart(df, category="c", count="n", ax=ax)
        assert ax.get_xticklabels()[0].get_rotation() == 35
        fig, ax = plt.subplots(figsize=(14, 4))
        qi.pareto_chart(df, category="c", count="n", ax=ax)
        assert ax.get_xticklabels()[0].get_rotation() == 0
        assert ax.get_xticklabels()[0].get_text() == "Hospital-acquired\ncategory 0"

    def test_crowded_axis_stands_labels_upright_and_drops_counts(self):
        df = pd.DataFrame({"c": [f"Cause number {i}" for i in range(30)], "n": np.arange(30, 0, -1) ** 2})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.pareto_chart(df, category="c", count="n")
        assert ax.get_xticklabels()[0].get_rotation() == 90
        assert not [t for t in ax.texts if t.get_gid() == "qi-pareto-count"]  # 900 is wider than a bar
        df = pd.DataFrame({"c": [f"Cause number {i}" for i in range(70)], "n": np.arange(70, 0, -1)})
        with pytest.warns(DiagramTooSmallWarning, match="too many to label legibly.*top=15"):
            qi.pareto_chart(df, category="c", count="n")

    def test_counting_rows(self):
        df = pd.DataFrame({"ward": ["A"] * 5 + ["B"] * 2 + ["C"]})
        ax = qi.pareto_chart(df, category="ward")
        assert [p.get_height() for p in ax.patches if p.get_gid() == "qi-pareto-bar"] == [5, 2, 1]
        assert ax.get_ylabel() == "Count"


class TestParetoOnTheCourseData:
    """Module 3's Pareto charts of Holly ward's falls (7 causes, long names), drawn as the module draws
    them: alone, and night and day side by side. The audit found the slanted labels wrapped onto two
    lines, so that one label's second line read on into the next ("on standing Unsafe footwear"),
    and small counts drawn inside bars too short for them."""

    @pytest.fixture
    def incidents(self):
        return qi.datasets.load("falls_incidents")

    @staticmethod
    def _check(ax):
        fig = ax.figure
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        for t in ax.get_xticklabels():
            if t.get_text() and t.get_rotation() not in (0, 90):
                assert "\n" not in t.get_text(), f"a slanted label on two lines: {t.get_text()!r}"
        bars = {round(p.get_x() + p.get_width() / 2): p.get_window_extent(renderer) for p in ax.patches
                if p.get_gid() == "qi-pareto-bar"}  # fmt: skip
        for t in ax.texts:
            if t.get_gid() != "qi-pareto-count":
                continue
            bb, bar = t.get_window_extent(renderer), bars[round(t.xy[0])]
            inside = bb.y1 <= bar.y1 + 0.5 and bb.y0 >= bar.y0 - 0.5
            above = bb.y0 >= bar.y1 - 0.5
            assert inside or above, f"the count {t.get_text()} crosses the top of its bar"

    def test_all_falls(self, incidents):
        self._check(qi.pareto_chart(incidents, category="cause", title="Holly ward: falls by main cause"))

    def test_night_and_day_side_by_side(self, incidents, plt):
        fig, axes = plt.subplots(1, 2, figsize=(12, 5))
        for ax, shift in zip(axes, ["night", "day"]):
            qi.pareto_chart(incidents[incidents["shift"] == shift], category="cause", ax=ax, title=shift)
        fig.tight_layout()
        for ax in axes:
            self._check(ax)


class TestCauseEffectDiagram:
    def test_every_cause_appears_as_text(self):
        ax = qi.cause_effect_diagram("Falls on Ward 7", CAUSES_6X6)
        shown = {_plain(t.get_text()).replace(" ", "") for t in ax.texts}
        expected = {"Falls on Ward 7"}
        for cat, items in CAUSES_6X6.items():
            expected.add(cat)
            for item in items:
                if isinstance(item, dict):
                    ((cause, subs),) = item.items()
                    expected.add(cause)
                    expected.update(subs)
                else:
                    expected.add(item)
        # wrapping turns spaces into line breaks (and breaks over-long words), so compare without spaces
        assert {e.replace(" ", "") for e in expected} <= shown
        gids = [t.get_gid() for t in ax.texts]
        assert gids.count("qi-fishbone-category") == 6
        assert gids.count("qi-fishbone-effect") == 1
        assert gids.count("qi-fishbone-cause") == 36
        assert gids.count("qi-fishbone-subcause") == 7

    @pytest.mark.parametrize("dpi", [60, 100, 200])
    def test_no_text_overlaps_at_6_by_6(self, dpi):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.cause_effect_diagram("Inpatient falls on Ward 7 (per 1,000 bed days)", CAUSES_6X6, title="Why?")
        assert _overlaps(ax, dpi) == []
        assert _outside_figure(ax) == []
        assert _text_vs_shapes(ax) == []
        _check_fonts_and_math(ax)

    def test_small_and_uneven_diagrams(self):
        for causes in ({"Only": ["One cause"]}, {"A": [], "B": ["x"], "C": ["y", "z"]},
                       {f"Cat {i}": [f"cause {i}.{j}" for j in range(i)] for i in range(1, 10)}):  # fmt: skip
            ax = qi.cause_effect_diagram("Effect", causes)
            assert _overlaps(ax, 100) == []
            assert _outside_figure(ax) == []

    def test_given_ax_is_returned_and_a_too_small_one_warns(self, plt):
        fig, ax = plt.subplots(figsize=(14, 10))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert qi.cause_effect_diagram("Falls", CAUSES_6X6, ax=ax) is ax
        assert _overlaps(ax, 100) == []
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        with pytest.warns(DiagramTooSmallWarning, match=r"needs .* inches .*figsize="):
            out = qi.cause_effect_diagram("Falls", CAUSES_6X6, ax=ax)
        assert out is ax

    def test_figsize_wraps_text_to_fit(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.cause_effect_diagram("Falls", CAUSES_6X6, figsize=(10.5, 8))
        assert tuple(ax.figure.get_size_inches()) == (10.5, 8)
        assert _overlaps(ax, 100) == []

    def test_text_is_not_mathtext(self):
        ax = qi.cause_effect_diagram("Cost $5", {"Money": ["$x$ and $y$", {"a_b": ["c^2"]}]})
        ax.figure.canvas.draw()
        assert "$x$ and $y$" in [_plain(t.get_text()) for t in ax.texts]
        assert all(t.get_parse_math() is False for t in ax.texts)


class TestProcessMap:
    def test_every_step_and_wait_appears(self):
        ax = qi.process_map(STEPS_12)
        shown = {_plain(t.get_text()) for t in ax.texts}
        for s in STEPS_12:
            text = s if isinstance(s, str) else s["step"]
            assert text in shown
            if isinstance(s, dict) and "wait" in s:
                assert s["wait"] in shown
        assert {"Start", "End"} <= shown
        gids = [t.get_gid() for t in ax.texts]
        assert gids.count("qi-process-decision") == 2
        assert gids.count("qi-process-delay") == 2
        assert gids.count("qi-process-wait") == 2
        labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == "qi-process-branch")
        assert labels == ["No", "No", "Yes", "Yes"]

    def test_shapes_and_arrows(self):
        ax = qi.process_map(STEPS_12)
        # 14 shapes (12 steps, start, end), 2 hourglasses, and one arrow head per arrow:
        # 13 in sequence (start -> ... -> end, no arrow out of "Results complete?" but its two branches)
        # plus the jump from "Needs resuscitation?"; 15 in all
        n_patches = len(ax.patches)
        assert n_patches == 14 + 2 + 15

    @pytest.mark.parametrize("dpi", [60, 100, 200])
    def test_no_text_overlaps_on_a_12_step_map(self, dpi):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.process_map(STEPS_12, title="Emergency department")
        assert _overlaps(ax, dpi) == []
        assert _outside_figure(ax) == []
        assert _text_vs_shapes(ax) == []
        _check_fonts_and_math(ax)

    @pytest.mark.parametrize("per_row", [2, 3, 4, 6, 14])
    def test_any_row_length(self, per_row):
        ax = qi.process_map(STEPS_12, per_row=per_row)
        assert _overlaps(ax, 100) == []
        assert _text_vs_shapes(ax) == []

    def test_branches_to_the_end_and_long_jumps(self):
        steps = ["a", {"step": "Eligible for the clinic today?", "kind": "decision", "no": "end"}, "b", "c", "d", "e",
                 {"step": "Loop?", "kind": "decision", "yes": 0, "no": "h"}, "f", "g", "h",
                 {"step": "Long wait", "kind": "delay"}, "i"]  # fmt: skip
        with pytest.warns(UnreachableStepWarning, match=r"No path from the start reaches steps 7 \('f'\), 8 \('g'\)"):
            ax = qi.process_map(steps, per_row=3)
        assert _overlaps(ax, 100) == []
        assert _text_vs_shapes(ax) == []
        assert [t.get_text() for t in ax.texts if t.get_gid() == "qi-process-wait"] == []

    def test_given_ax_is_returned_and_a_too_small_one_warns(self, plt):
        fig, ax = plt.subplots(figsize=(13, 8))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert qi.process_map(STEPS_12, ax=ax) is ax
        assert _overlaps(ax, 100) == []
        fig, ax = plt.subplots(figsize=(4, 3))
        with pytest.warns(DiagramTooSmallWarning):
            assert qi.process_map(STEPS_12, ax=ax) is ax

    def test_text_is_not_mathtext(self):
        ax = qi.process_map(["Pay $5 or $10", {"step": "x_1?", "kind": "decision", "no": 0}], start="$start$")
        ax.figure.canvas.draw()
        assert "Pay $5 or $10" in [_plain(t.get_text()) for t in ax.texts]
        assert all(t.get_parse_math() is False for t in ax.texts)

    def test_bad_ax(self):
        with pytest.raises(qi.QITypeError, match="matplotlib Axes"):
            qi.process_map(STEPS_12, ax="not an axes")


# two endings (README): admitted patients leave the map at "Moves to the ward", the others go home
TWO_ENDINGS = [
    "Patient arrives in ED",
    "Assessed by ED doctor",
    {"step": "Needs a ward bed?", "kind": "decision", "no": "Discharge letter written"},
    {"step": "Waiting for a ward bed", "kind": "delay", "wait": "4 to 12 hours"},
    {"step": "Moves to the ward", "next": "end"},
    "Discharge letter written",
    {"step": "Pharmacy makes up medicines", "kind": "delay", "wait": "1 to 2 hours"},
    "Goes home",
]
# a loop back from a delay, and a second ending
OBS_LOOP = [
    "Observations taken",
    {"step": "Early warning score 5 or more?", "kind": "decision", "no": "Repeat in 4 hours"},
    "Doctor reviews within 30 minutes",
    {"step": "Escalation plan written", "next": "end"},
    {"step": "Repeat in 4 hours", "kind": "delay", "wait": "4 hours", "next": "Observations taken"},
]
BLACK, BLUE = "black", "blue"


def _arrows(ax) -> set[tuple[str, str, str]]:
    """(from, to, colour) of every arrow drawn, read from the artists: an arrow is a line that starts on
    the outline box of one shape and ends (at its head) on another's; a shape is named by the text inside it."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Polygon

    from qitools.plot.system import _BRANCH, _LINE

    kinds = {"qi-process-step", "qi-process-decision", "qi-process-delay", "qi-process-terminal"}
    labels = [(t.get_position(), _plain(t.get_text())) for t in ax.texts if t.get_gid() in kinds]
    shapes = []
    for p in ax.patches:
        if isinstance(p, Polygon) and p.get_zorder() == 2:  # shapes (arrow heads and hourglasses lie above)
            xy = p.get_xy()
            box = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
            inside = [name for (x, y), name in labels if box[0] < x < box[2] and box[1] < y < box[3]]
            assert len(inside) == 1, inside
            shapes.append((box, inside[0]))
    assert len(shapes) == len(labels)

    def on(x: float, y: float) -> str:
        hits = [name for (x0, y0, x1, y1), name in shapes if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1]
        assert len(hits) == 1, (x, y, hits)
        return hits[0]

    colour = {to_hex(_LINE): BLACK, to_hex(_BRANCH): BLUE}
    out = set()
    for line in ax.lines:
        xs, ys = line.get_xdata(), line.get_ydata()
        out.add((on(xs[0], ys[0]), on(xs[-1], ys[-1]), colour[to_hex(line.get_color())]))
    assert len(out) == len(ax.lines)  # no arrow drawn twice
    return out


def _crossings(ax, lines=None) -> int:
    """How many times a horizontal run of one arrow cuts through a vertical run of another (of ``lines``)."""
    runs = []
    for k, line in enumerate(ax.lines if lines is None else lines):
        xs, ys = line.get_xdata(), line.get_ydata()
        runs += [(k, xs[i], ys[i], xs[i + 1], ys[i + 1]) for i in range(len(xs) - 1)]
    n = 0
    for a, ax0, ay0, ax1, ay1 in runs:
        for b, bx0, by0, bx1, by1 in runs:
            if a != b and ay0 == ay1 and bx0 == bx1:  # a horizontal, b vertical
                lo, hi = sorted((ax0, ax1))
                blo, bhi = sorted((by0, by1))
                n += int(lo + 0.5 < bx0 < hi - 0.5 and blo + 0.5 < ay0 < bhi - 0.5)
    return n


def _collinear_verticals(ax, near: float = 14.0) -> list[tuple[int, int]]:
    """Pairs of arrows with vertical runs on the same line that overlap or nearly meet (within
    ``near``): drawn like that, two arrows read as one line joining their shapes. (Arrows into the
    same shape share their last run on purpose.)"""
    runs, ends = [], {}
    for k, line in enumerate(ax.lines):
        xs, ys = line.get_xdata(), line.get_ydata()
        ends[k] = (round(xs[-1], 1), round(ys[-1], 1))
        runs += [(k, xs[i], *sorted((ys[i], ys[i + 1]))) for i in range(len(xs) - 1) if xs[i] == xs[i + 1]]
    return sorted({(a, b) for (a, xa, lo_a, hi_a), (b, xb, lo_b, hi_b) in itertools.combinations(runs, 2)
                   if a != b and ends[a] != ends[b] and abs(xa - xb) < 1 and lo_a < hi_b + near and lo_b < hi_a + near})  # fmt: skip


def test_module_3_night_toileting_map_keeps_its_branches_apart():
    """Module 3's map: 'Call bell in reach?' sends its "No" down, and 'Nurse stays until back in bed?',
    right under it, sent its "Yes" up on the same vertical line, so the map seemed to join the two
    decisions. The upward branch now leaves right of the one coming down."""
    steps = [
        {"step": "Call bell in reach?", "kind": "decision", "no": "Gets up and walks alone"},
        "Presses the call bell",
        {"step": "Wait for a nurse", "kind": "delay", "wait": "median 9 minutes at night"},
        {"step": "Waits for the nurse?", "kind": "decision", "no": "Gets up and walks alone"},
        "Nurse walks with the patient to the toilet",
        {"step": "Nurse stays until back in bed?", "kind": "decision", "yes": "end"},
        "Gets up and walks alone",
    ]
    ax = qi.process_map(steps, start="Patient wakes needing the toilet", end="Back in bed")
    assert _collinear_verticals(ax) == []
    assert _text_vs_shapes(ax) == []
    assert _overlaps(ax, 100) == []


class TestProcessMapNext:
    """Arrows go where the steps say: to the step after, to a decision's "yes"/"no", or to a step's "next"."""

    def test_the_arrows_of_decisions_are_where_the_branches_say(self):
        ax = qi.process_map(STEPS_12)
        s = [x if isinstance(x, str) else x["step"] for x in STEPS_12]
        flow = {("Start", s[0]), *zip(s[:4], s[1:5]), *zip(s[5:8], s[6:9]), *zip(s[9:], [*s[10:], "End"])}
        expected = {(a, b, BLACK) for a, b in flow}
        expected |= {("Needs resuscitation?", "Seen by ED doctor", BLUE),  # "yes"
                     ("Needs resuscitation?", "Wait for a doctor", BLACK),  # "no": the step after it
                     ("Results complete?", "Blood tests and X-ray", BLUE),  # "no": a loop back
                     ("Results complete?", "Treatment plan agreed", BLACK)}  # fmt: skip
        assert _arrows(ax) == expected

    def test_two_endings(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.process_map(TWO_ENDINGS)
        assert _arrows(ax) == {
            ("Start", "Patient arrives in ED", BLACK),
            ("Patient arrives in ED", "Assessed by ED doctor", BLACK),
            ("Assessed by ED doctor", "Needs a ward bed?", BLACK),
            ("Needs a ward bed?", "Waiting for a ward bed", BLACK),  # "yes": the step after it
            ("Needs a ward bed?", "Discharge letter written", BLUE),  # "no"
            ("Waiting for a ward bed", "Moves to the ward", BLACK),
            ("Moves to the ward", "End", BLUE),  # "next": "end" -- and no arrow on to "Discharge letter written"
            ("Discharge letter written", "Pharmacy makes up medicines", BLACK),
            ("Pharmacy makes up medicines", "Goes home", BLACK),
            ("Goes home", "End", BLACK),  # the last step, to the end
        }
        # only decisions' arrows are labelled; one End oval with two arrows into it
        assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "qi-process-branch") == ["No", "Yes"]
        assert [t.get_text() for t in ax.texts if t.get_gid() == "qi-process-terminal"] == ["Start", "End"]

    def test_a_loop_back_from_a_delay(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = qi.process_map(OBS_LOOP)
        assert _arrows(ax) == {
            ("Start", "Observations taken", BLACK),
            ("Observations taken", "Early warning score 5 or more?", BLACK),
            ("Early warning score 5 or more?", "Doctor reviews within 30 minutes", BLACK),  # "yes"
            ("Early warning score 5 or more?", "Repeat in 4 hours", BLUE),  # "no"
            ("Doctor reviews within 30 minutes", "Escalation plan written", BLACK),
            ("Escalation plan written", "End", BLUE),  # "next": "end", not on to "Repeat in 4 hours"
            ("Repeat in 4 hours", "Observations taken", BLUE),  # "next": a loop back, not on to the end
        }

    @pytest.mark.parametrize("per_row", [None, 2, 3, 4, 9])
    def test_next_to_a_later_or_an_earlier_row_and_any_row_length(self, per_row):
        # a skip ahead, a second ending, a decision's loop back and a step's loop back to the first step
        steps = ["a", {"step": "b", "next": "e"}, "c", {"step": "d", "kind": "delay", "wait": "1 day", "next": "end"},
                 "e", {"step": "f?", "kind": "decision", "yes": "c"}, {"step": "g", "next": "a"}]  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # every step and the end are reached
            ax = qi.process_map(steps, per_row=per_row)
        assert _arrows(ax) == {
            ("Start", "a", BLACK), ("a", "b", BLACK), ("b", "e", BLUE), ("c", "d", BLACK), ("d", "End", BLUE),
            ("e", "f?", BLACK), ("f?", "c", BLUE), ("f?", "g", BLACK), ("g", "a", BLUE),
        }  # fmt: skip
        assert _overlaps(ax, 100) == []
        assert _text_vs_shapes(ax) == []

    @pytest.mark.parametrize("dpi", [60, 100, 200])
    def test_no_text_overlaps(self, dpi):
        for steps in (TWO_ENDINGS, OBS_LOOP):
            ax = qi.process_map(steps, title="Two endings")
            assert _overlaps(ax, dpi) == []
            assert _outside_figure(ax) == []
            assert _text_vs_shapes(ax) == []
            _check_fonts_and_math(ax)

    def test_a_loop_back_leaves_clear_of_the_arrow_coming_in(self):
        # "Repeat in 4 hours" has an arrow in from above ("No") and its loop back out through its top:
        # the loop leaves left of where the other comes in, so they do not cross at the shape
        ax = qi.process_map(OBS_LOOP)
        lines = {(_arrow_ends(ax, line)): line for line in ax.lines}
        into = lines[("Early warning score 5 or more?", "Repeat in 4 hours")]
        out = lines[("Repeat in 4 hours", "Observations taken")]
        assert out.get_xdata()[0] < into.get_xdata()[-1] - 20
        assert _crossings(ax, [into, out]) == 0

    def test_lanes_avoid_a_crossing_when_they_can(self):
        # decisions only: the "No" to the end and the row-end arrow share the channel under the first row;
        # with "No" on the upper lane nothing crosses (the greedy packing of before crossed them)
        steps = [{"step": "Consent given?", "kind": "decision", "no": "end"}, "Bloods taken", "Cannula in", "Scan"]
        ax = qi.process_map(steps, per_row=5)
        assert _crossings(ax) == 0
        assert _arrows(ax) >= {("Consent given?", "End", BLUE), ("Scan", "End", BLACK)}


def _arrow_ends(ax, line) -> tuple[str, str]:
    kinds = {"qi-process-step", "qi-process-decision", "qi-process-delay", "qi-process-terminal"}
    from matplotlib.patches import Polygon

    xs, ys = line.get_xdata(), line.get_ydata()
    names = []
    for x, y in ((xs[0], ys[0]), (xs[-1], ys[-1])):
        for p in ax.patches:
            if isinstance(p, Polygon) and p.get_zorder() == 2:
                xy = p.get_xy()
                if xy[:, 0].min() - 1 <= x <= xy[:, 0].max() + 1 and xy[:, 1].min() - 1 <= y <= xy[:, 1].max() + 1:
                    names += [_plain(t.get_text()) for t in ax.texts if t.get_gid() in kinds
                              and xy[:, 0].min() < t.get_position()[0] < xy[:, 0].max()
                              and xy[:, 1].min() < t.get_position()[1] < xy[:, 1].max()]  # fmt: skip
    return tuple(names)


class TestAltText:
    """Saved with qitools.plot.save, each drawing carries a plain-English description (for screen readers)."""

    def test_descriptions_name_everything_drawn(self, tmp_path):
        from PIL import Image

        from qitools.plot import save

        out = save(qi.process_map(STEPS_12), tmp_path / "map.png", dpi=50)
        desc = Image.open(out).text["Description"]
        assert "5. Needs resuscitation? (decision: yes to 'Seen by ED doctor', no to 'Wait for a doctor')" in desc
        assert "6. Wait for a doctor (delay: 2 to 4 hours in majors)" in desc
        out = save(qi.cause_effect_diagram("Falls", CAUSES_6X6), tmp_path / "fish.png", dpi=50)
        desc = Image.open(out).text["Description"]
        assert "Handover (because of: No falls checklist, Rushed at 8 pm)" in desc
        assert all(cat in desc for cat in CAUSES_6X6)
        df = pd.DataFrame({"c": ["a", "b", "b"]})
        out = save(qi.pareto_chart(df, category="c"), tmp_path / "pareto.png", dpi=50)
        desc = Image.open(out).text["Description"]
        assert "b: 2 (66.7%, cumulative 66.7%); a: 1 (33.3%, cumulative 100.0%)" in desc
