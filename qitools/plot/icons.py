"""Making Data Count variation and assurance icons, drawn with matplotlib patches and text.

No image files: each icon is a circle with a few dots and a letter, in the chart's colours, so it
scales, prints and reads in greyscale (the letter carries the meaning too).

- Variation: grey circle with a flat run of grey dots = common cause; blue (improvement), orange
  (concern) or purple (neither direction better) with the last dots raised and an ``H`` (higher)
  or lowered and an ``L`` (lower) = special cause.
- Assurance: blue ``P`` (the target is consistently met), orange ``F`` (consistently missed), grey
  ``?`` (hit or miss: met in some periods, missed in others, by chance alone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .style import COLOURS, FONT_SIZES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["VARIATION_TEXT", "ASSURANCE_TEXT", "draw_icons", "icons_text", "icons_width_pt"]

#: variation icon -> words shown beside it
VARIATION_TEXT: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause: improvement (higher)",
    "improvement_low": "Special cause: improvement (lower)",
    "concern_high": "Special cause: concern (higher)",
    "concern_low": "Special cause: concern (lower)",
    "neutral_high": "Special cause: higher",
    "neutral_low": "Special cause: lower",
}

#: assurance icon -> words shown beside it
ASSURANCE_TEXT: dict[str, str] = {
    "pass": "Target consistently met",
    "fail": "Target consistently missed",
    "hit_or_miss": "Target hit or miss",
}


def _variation_colour(variation: str) -> str:
    if variation.startswith("improvement"):
        return COLOURS["improvement"]
    if variation.startswith("concern"):
        return COLOURS["concern"]
    if variation.startswith("neutral"):
        return COLOURS["neutral"]
    return COLOURS["common"]


def _assurance_colour(assurance: str) -> str:
    return {"pass": COLOURS["improvement"], "fail": COLOURS["concern"]}.get(assurance, COLOURS["common"])


def _draw_variation(
    da: Any, cx: float, cy: float, r: float, variation: str, letter_size: float, small: bool = False
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    colour = _variation_colour(variation)
    da.add_artist(Circle((cx, cy), r, facecolor="white", edgecolor=colour, linewidth=2.2))
    xs = [cx + r * f for f in (-0.56, -0.28, 0.0, 0.28, 0.56)]
    base = cy - 0.28 * r
    if variation.endswith("_high"):
        ys = [base - 0.1 * r, base + 0.02 * r, base - 0.06 * r, base + 0.26 * r, base + 0.42 * r]
        letter = "H"
    elif variation.endswith("_low"):
        ys = [base + 0.28 * r, base + 0.16 * r, base + 0.22 * r, base - 0.1 * r, base - 0.24 * r]
        letter = "L"
    else:
        base = cy
        ys = [base, base + 0.14 * r, base - 0.1 * r, base + 0.1 * r, base - 0.04 * r]
        letter = ""
    if small and letter:  # too small for dots and a letter: the letter alone, centred
        da.add_artist(
            Text(cx, cy, letter, color=colour, fontsize=letter_size, fontweight="bold", ha="center", va="center")
        )
        return
    da.add_artist(Line2D(xs, ys, color=COLOURS["common"], linewidth=1.0))
    dot_colours = [COLOURS["common"]] * 3 + [colour if letter else COLOURS["common"]] * 2
    for x, y, c in zip(xs, ys, dot_colours, strict=True):
        da.add_artist(Circle((x, y), 0.1 * r, facecolor=c, edgecolor="none"))
    if letter:
        da.add_artist(
            Text(
                cx,
                cy + 0.42 * r,
                letter,
                color=colour,
                fontsize=letter_size,
                fontweight="bold",
                ha="center",
                va="center",
            )
        )


def _draw_assurance(
    da: Any, cx: float, cy: float, r: float, assurance: str, letter_size: float, small: bool = False
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    colour = _assurance_colour(assurance)
    da.add_artist(Circle((cx, cy), r, facecolor="white", edgecolor=colour, linewidth=2.2))
    letter = {"pass": "P", "fail": "F"}.get(assurance, "?")
    da.add_artist(
        Text(
            cx,
            cy if small else cy + 0.2 * r,
            letter,
            color=colour,
            fontsize=letter_size,
            fontweight="bold",
            ha="center",
            va="center",
        )
    )
    if small:
        return
    # the target as a dashed line across the lower part of the circle
    da.add_artist(
        Line2D(
            [cx - 0.55 * r, cx + 0.55 * r], [cy - 0.45 * r] * 2, color=colour, linewidth=1.4, linestyle=(0, (2, 1.5))
        )
    )


def _offset(ax: Any, points: float) -> Any:
    from matplotlib.transforms import ScaledTranslation

    return ScaledTranslation(0, points / 72.0, ax.figure.dpi_scale_trans)


def icons_width_pt(variation: str | None, assurance: str | None, small: bool = False) -> float:
    """Width of the icons drawn by :func:`draw_icons` without text (points)."""
    r = 9.0 if small else 15.0
    gap = 5.0 if small else 7.0
    n = (variation in VARIATION_TEXT) + (assurance in ASSURANCE_TEXT)
    return n * 2 * r + max(n - 1, 0) * gap + 4 if n else 0.0


def icons_text(variation: str | None, assurance: str | None) -> str:
    """What the icons say, in words: 'Special cause: improvement (higher) · Target hit or miss'."""
    bits = [VARIATION_TEXT[variation]] if variation in VARIATION_TEXT else []
    if assurance in ASSURANCE_TEXT:
        bits.append(ASSURANCE_TEXT[assurance])
    return " · ".join(bits)


def draw_icons(
    ax: Axes,
    variation: str | None,
    assurance: str | None,
    *,
    small: bool = False,
    with_text: bool = False,
    top_pt: float | None = None,
) -> Any:
    """Draw the variation (and assurance) icons above the upper right corner of ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The chart.
    variation : str or None
        A value of ``cc.icons["variation"]`` (``common_cause``, ``improvement_high`` ...).
    assurance : str or None
        A value of ``cc.icons["assurance"]`` (``pass``, ``fail``, ``hit_or_miss``) or None.
    small : bool, default False
        Smaller icons for small multiples.
    with_text : bool, default False
        Also write what the icons mean beside them.
    top_pt : float, optional
        Put the top of the icons this many points above the top of the Axes (default: the bottom
        of the icons sits just above the Axes).

    Returns
    -------
    matplotlib.offsetbox.AnchoredOffsetbox or None
        The artist holding the icons (``gid="qi-icons"``), or None when there is nothing to draw.
    """
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea

    if variation not in VARIATION_TEXT:
        variation = None
    if assurance not in ASSURANCE_TEXT:
        assurance = None
    if variation is None and assurance is None:
        return None
    r = 9.0 if small else 15.0
    gap = 5.0 if small else 7.0
    letter = FONT_SIZES["annotation"] if small else FONT_SIZES["icon_letter"]
    n = (variation is not None) + (assurance is not None)
    da = DrawingArea(n * 2 * r + (n - 1) * gap + 4, 2 * r + 4, 0, 0, clip=False)
    cx = r + 2
    if variation is not None:
        _draw_variation(da, cx, r + 2, r, variation, letter, small)
        cx += 2 * r + gap
    if assurance is not None:
        _draw_assurance(da, cx, r + 2, r, assurance, letter, small)
    children: list[Any] = []
    if with_text and not small:
        lines = [VARIATION_TEXT[variation]] if variation is not None else []
        if assurance is not None:
            lines.append(ASSURANCE_TEXT[assurance])
        children.append(
            TextArea(
                "\n".join(lines),
                textprops={
                    "fontsize": FONT_SIZES["icon_label"],
                    "color": COLOURS["muted"],
                    "ha": "right",
                    "multialignment": "right",
                },
            )
        )
    children.append(da)
    box = HPacker(children=children, align="center", pad=0, sep=6)
    if top_pt is None:
        loc, transform = "lower right", ax.transAxes + _offset(ax, 3.0)
    else:
        loc, transform = "upper right", ax.transAxes + _offset(ax, top_pt)
    anchored = AnchoredOffsetbox(
        loc=loc,
        child=box,
        pad=0,
        borderpad=0,
        frameon=False,
        bbox_to_anchor=(1.0, 1.0),
        bbox_transform=transform,
    )
    anchored.set_gid("qi-icons")
    anchored.qi_icons = (variation, assurance)  # type: ignore[attr-defined]
    ax.add_artist(anchored)
    return anchored
