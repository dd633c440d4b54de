"""Notes (``notes=``) never cover a data point: checked with the renderer's bounding boxes.

Issue 15: in module 4's second chart the note "Falls bundle starts on Ash and Cedar" sat in an
opaque box over three of the lowest points. Each test draws a chart, asks the renderer for the box
of every note's label (its text plus the white box behind it) and checks it against the plotted
points, worked out here from the chart's data (``cc.data``: x and y through the axes' data
transform) and the data line's marker size, not from the placement code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import qitools as qi


def _notes(ax):
    return [t for t in ax.texts if t.get_gid() == "qi-note"]


def _label_box(fig, note):
    """The label's box in pixels: the text's extent, grown by the padding of its white box."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    box = Text.get_window_extent(note, renderer)
    pad = note.get_bbox_patch().get_boxstyle().pad * note.get_fontsize() * renderer.points_to_pixels(1.0)
    return box.padded(pad)


def _points(ax, cc):
    """Centres (pixels) of the chart's points, from cc.data, and the largest marker radius drawn."""
    import matplotlib.dates as mdates

    x = cc.data["x"]
    xs = mdates.date2num(pd.to_datetime(x)) if pd.api.types.is_datetime64_any_dtype(x) else x.to_numpy(dtype=float)
    xy = np.column_stack([xs, cc.data["y"].to_numpy(dtype=float)])
    xy = xy[np.isfinite(xy).all(axis=1)]
    markers = [ln for ln in ax.get_lines() if ln.get_marker() not in (None, "None", "", " ")]
    drawn = np.vstack([ln.get_xydata() for ln in markers])
    for px, py in xy:  # every point of the chart is drawn as a marker
        assert np.any(np.isclose(drawn[:, 0], px) & np.isclose(drawn[:, 1], py)), (px, py)
    renderer = ax.figure.canvas.get_renderer()
    radius = max(ln.get_markersize() / 2 + ln.get_markeredgewidth() / 2 for ln in markers)
    return ax.transData.transform(xy), radius * renderer.points_to_pixels(1.0)


def _covered(box, centres, radius):
    """Points whose marker (a disc of the given radius) touches the box."""
    nx = np.clip(centres[:, 0], box.x0, box.x1)
    ny = np.clip(centres[:, 1], box.y0, box.y1)
    return np.flatnonzero((centres[:, 0] - nx) ** 2 + (centres[:, 1] - ny) ** 2 < radius**2)


def _check(cc, ax):
    fig = ax.figure
    fig.canvas.draw()
    centres, radius = _points(ax, cc)
    notes = _notes(ax)
    assert notes, "the chart has notes"
    boxes = [_label_box(fig, n) for n in notes]
    for note, box in zip(notes, boxes, strict=True):
        hit = _covered(box, centres, radius)
        assert not len(hit), f"the note {note.get_text()!r} covers points {hit.tolist()}"
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), "two notes overlap"
    signal_labels = [_label_box(fig, t) for t in ax.texts if t.get_gid() == "qi-signal-label"]
    for a in boxes:
        assert not any(a.overlaps(s) for s in signal_labels), "a note covers a signal label"
    return notes


def test_module_4_chart_2(plt):
    """The chart of the issue: Ash ward, baseline median to October 2022, goal 7.8, the bundle note."""
    falls = qi.datasets.load("ward_falls")
    ash = falls[falls["ward"] == "Ash"].sort_values("month")
    plt.rcParams["figure.dpi"] = 80
    rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000,
                      freeze="2022-10-01", target=7.8, notes="notes")  # fmt: skip
    ax = rc.plot(figsize=(8, 3.5), title="Ash ward: falls per 1,000 occupied bed days")
    (note,) = _check(rc, ax)
    assert note.get_text() == "Falls bundle starts on Ash and Cedar"
    row = rc.data.index[rc.data["notes"].notna()][0]
    assert note.xy[1] == pytest.approx(rc.data.loc[row, "y"])  # the leader line goes to its point
    assert not note.qi_outside and note.qi_covers == 0


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("figsize", "words"), [((8, 3.5), "new checklist on the ward"), ((5, 3), "checklist"),
                                                ((11, 4), "new checklist on the ward")])  # fmt: skip
def test_random_charts_with_several_notes(plt, seed, figsize, words):
    """Random weekly series (12 to 47 points, one far out) with up to three notes at random points."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(12, 48))
    y = rng.normal(10, 2, n).round(1)
    y[rng.integers(0, n)] += 9  # a point beyond the limits, with its signal label
    notes = [None] * n
    for i in sorted(rng.choice(n, size=min(3, n // 6), replace=False)):
        notes[i] = f"change {i}: {words}"
    df = pd.DataFrame({"week": pd.date_range("2023-01-02", periods=n, freq="W-MON"), "y": y, "note": notes})
    cc = qi.control_chart(df, x="week", y="y", chart="i", notes="note")
    ax = cc.plot(figsize=figsize)
    _check(cc, ax)


def test_note_at_the_edges_and_extremes(plt):
    y = [5, 9, 5, 5, 6, 5, 4, 5, 6, 5, 5, 1]
    notes = ["first week"] + [None] * 10 + ["the lowest, last week"]
    notes[1] = "highest week"
    cc = qi.control_chart(y=y, chart="i", notes=notes)
    _check(cc, cc.plot(figsize=(6, 3)))


def test_the_same_place_every_time(plt):
    falls = qi.datasets.load("ward_falls")
    ash = falls[falls["ward"] == "Ash"].sort_values("month")
    rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000, notes="notes")
    ax = rc.plot(figsize=(8, 3.5))
    ax.figure.canvas.draw()
    first = _notes(ax)[0].xyann
    ax.figure.canvas.draw()
    assert _notes(ax)[0].xyann == first


def test_crowded_chart_puts_the_note_outside_the_plot_area(plt):
    """Points everywhere in the plot area: the label goes outside it rather than over a point."""
    rng = np.random.default_rng(1)
    y = np.tile([1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0], 12) + rng.uniform(-0.5, 0.5, 108)
    notes = [None] * len(y)
    notes[60] = "a note with nowhere to go inside"
    cc = qi.control_chart(y=y, chart="run", notes=notes)
    ax = cc.plot(figsize=(5, 2.6))
    (note,) = _check(cc, ax)
    assert note.qi_covers == 0 and note.qi_outside


#: exercise 13's staff sickness absence (%): Making Data Count rules, lower is better, target 4%. Before
#: signal labels found free space, "2 of 3 near limit, shift" covered July 2023's point and "outside
#: limit, trend, 2 of 3 near limit, shift" ran off the left edge of the figure.
SICKNESS = [4.6, 4.4, 4.3, 4.2, 4.3, 4.6, 5.0, 5.5, 5.9, 6.1, 5.8, 5.2,
            4.7, 4.5, 4.3, 4.2, 4.4, 4.7, 5.1, 5.6, 6.0, 6.2, 5.7, 5.0]  # fmt: skip


def _check_signal_labels(cc, ax):
    fig = ax.figure
    fig.canvas.draw()
    centres, radius = _points(ax, cc)
    labels = [t for t in ax.texts if t.get_gid() == "qi-signal-label"]
    boxes = [_label_box(fig, t) for t in labels]
    for label, box in zip(labels, boxes, strict=True):
        hit = _covered(box, centres, radius)
        assert not len(hit), f"the signal label {label.get_text()!r} covers points {hit.tolist()}"
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, (
            f"the signal label {label.get_text()!r} runs off the figure")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), "two signal labels overlap"
    return labels


def test_signal_labels_of_exercise_13_cover_no_point(plt):
    plt.rcParams["figure.dpi"] = 100
    months = pd.date_range("2023-04-01", periods=24, freq="MS")
    sick = qi.control_chart(x=months, y=SICKNESS, chart="i", rules="mdc", improvement="decrease", target=4.0)
    labels = _check_signal_labels(sick, sick.plot(figsize=(8, 3.5), title="Staff sickness absence (%)"))
    assert len(labels) == 4


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("figsize", [(8, 3.5), (11, 4)])  # the course's sizes (a 6 x 3 chart can be too full)
def test_signal_labels_of_random_mdc_charts_cover_no_point(plt, seed, figsize):
    """Random monthly series with a seasonal swing and a step (many signals, long rule names)."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(18, 40))
    t = np.arange(n)
    y = (50 + 6 * np.sin(t / 2.0 + seed) + rng.normal(0, 1.5, n) + np.where(t > n // 2, 5, 0)).round(1)
    cc = qi.control_chart(x=pd.date_range("2022-01-01", periods=n, freq="MS"), y=y, chart="i", rules="mdc",
                          improvement="increase", target=55)  # fmt: skip
    _check_signal_labels(cc, cc.plot(figsize=figsize))
