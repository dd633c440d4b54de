"""House style of qitools charts: colours, markers, line styles and font sizes.

A small, stable API that every chart in :mod:`qitools.plot` (and the funnel plot) uses, so that all
charts look alike and stay readable for colour-blind readers, in greyscale and on a projector:

- ``COLOURS``: role -> hex colour; the roles are ``common`` (common-cause points), ``improvement``,
  ``concern``, ``neutral`` (special cause where no direction is better), ``signal`` (a signal when
  no direction is given), ``data`` (the data line and ordinary points), ``centre``, ``limits``,
  ``two_sigma``, ``target``, ``annotation`` (PDSA cycles and other events), ``note``, ``text``,
  ``muted`` (secondary text), ``grid``. Also as module constants (``COMMON``, ``IMPROVEMENT`` ...).
- ``MARKERS``: role -> matplotlib marker. Meaning never rests on colour alone: common cause is a
  circle, improvement a square, concern a diamond, neutral special causes a triangle (up for high,
  down for low), a signal without a direction a diamond.
- ``LINESTYLES``: role -> matplotlib line style (the centre line is solid, dashed when the runs
  analysis signals; limits solid and lighter; 2-sigma lines dotted; the target dash-dot).
- ``FONT_SIZES`` and ``MIN_FONT_SIZE``: sizes in points chosen for projection (nothing smaller
  than 10 pt at the default figure sizes).
- :func:`apply_base_style` (axes, spines, grid, tick label sizes), :func:`point_style` (colour
  and marker of a ``point_type``), :func:`line_style` (keyword arguments for ``ax.plot``).

The colours keep the Making Data Count convention (blue improvement, orange concern, grey common
cause, purple neutral) but are chosen so that common cause, improvement and concern stay apart
(CIE L*a*b* distance > 30) under simulated protanopia, deuteranopia and tritanopia (Machado,
Oliveira & Fernandes 2009, severity 1) and differ in lightness (L*) by 10 or more, so they also
separate in greyscale. ``tests/plot/test_style.py`` checks this.

References
----------
Machado GM, Oliveira MM, Fernandes LAF (2009). A physiologically-based model for simulation of
color vision deficiency. IEEE Transactions on Visualization and Computer Graphics 15(6):
1291-1298. doi:10.1109/TVCG.2009.113

Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and presentations that
are friendly to colorblind people. https://jfly.uni-koeln.de/color/

NHS England. Making Data Count: strengthening your decisions (2019); NHS-R Community,
NHSRplotthedots (the MDC chart colours and icons).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "COLOURS",
    "MARKERS",
    "LINESTYLES",
    "LINEWIDTHS",
    "MARKER_SIZES",
    "FONT_SIZES",
    "MIN_FONT_SIZE",
    "FONT_FAMILY",
    "COMMON",
    "IMPROVEMENT",
    "CONCERN",
    "NEUTRAL",
    "SIGNAL",
    "DATA",
    "CENTRE",
    "LIMITS",
    "TARGET",
    "ANNOTATION",
    "POINT_TYPE_ROLE",
    "apply_base_style",
    "base_rc",
    "plain_text",
    "as_typed",
    "point_style",
    "line_style",
]

#: role -> colour (hex). See the module docstring for what each role is.
COLOURS: dict[str, str] = {
    "common": "#ABABAB",  # grey, L* 70 (MDC common cause)
    "improvement": "#175FA5",  # blue, L* 40 (MDC improvement)
    "concern": "#D96C00",  # orange, L* 58 (MDC concern)
    "neutral": "#6A3D9A",  # purple, L* 35 (MDC neutral)
    "signal": "#D96C00",  # a signal when no direction is better: the concern orange
    "data": "#4A5A6A",  # slate: the data line and ordinary points
    "data_line_mdc": "#8C8C8C",  # the data line under Making Data Count colouring
    "centre": "#1A1A1A",
    "limits": "#8C8C8C",
    "two_sigma": "#B3B3B3",
    "target": "#8E3A9E",
    "annotation": "#178F6E",  # PDSA cycles and events
    "note": "#555555",
    "text": "#1A1A1A",
    "muted": "#555555",
    "grid": "#E6E6E6",
    "background": "#FFFFFF",
}

COMMON = COLOURS["common"]
IMPROVEMENT = COLOURS["improvement"]
CONCERN = COLOURS["concern"]
NEUTRAL = COLOURS["neutral"]
SIGNAL = COLOURS["signal"]
DATA = COLOURS["data"]
CENTRE = COLOURS["centre"]
LIMITS = COLOURS["limits"]
TARGET = COLOURS["target"]
ANNOTATION = COLOURS["annotation"]

#: role -> marker: shape carries the meaning too, not colour alone
MARKERS: dict[str, str] = {
    "data": "o",
    "common": "o",
    "improvement": "s",
    "concern": "D",
    "neutral_high": "^",
    "neutral_low": "v",
    "signal": "D",
}

#: role -> marker size (points)
MARKER_SIZES: dict[str, float] = {
    "data": 4.5,
    "common": 4.5,
    "improvement": 6.5,
    "concern": 6.0,
    "neutral_high": 7.0,
    "neutral_low": 7.0,
    "signal": 6.5,
    "facet": 3.0,
    "facet_signal": 4.5,
}

#: role -> line style
LINESTYLES: dict[str, Any] = {
    "data": "-",
    "centre": "-",
    "centre_runs": (0, (6, 3)),  # dashed: the runs analysis signals (qicharts2 style)
    "limits": "-",
    "two_sigma": (0, (1.5, 2.5)),  # dotted
    "target": (0, (7, 2.5, 1.5, 2.5)),  # dash-dot
    "annotation": (0, (4, 2.5)),
    "baseline_end": (0, (1.5, 2.5)),
}

#: role -> line width (points)
LINEWIDTHS: dict[str, float] = {
    "data": 1.4,
    "centre": 1.5,
    "centre_runs": 2.0,
    "limits": 1.3,
    "two_sigma": 1.1,
    "target": 1.6,
    "annotation": 1.3,
    "facet_data": 1.0,
    "facet_lines": 1.0,
}

#: the font family the reference images are made with (bundled with matplotlib)
FONT_FAMILY = "DejaVu Sans"

#: smallest text on any chart (points): readable on a projector at the default figure sizes
MIN_FONT_SIZE = 10.0

#: role -> font size (points); none is below MIN_FONT_SIZE
FONT_SIZES: dict[str, float] = {
    "title": 15.0,
    "subtitle": 12.0,
    "axis_label": 12.0,
    "tick_label": 11.0,
    "value_label": 10.5,  # CL / limit values at the right edge
    "annotation": 10.0,
    "caption": 10.0,
    "facet_title": 10.5,
    "facet_tick_label": 10.0,
    "icon_letter": 12.0,
    "icon_label": 10.0,
}

#: ``point_type`` value -> role in COLOURS / MARKERS
POINT_TYPE_ROLE: dict[str, str] = {
    "common_cause": "common",
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral_high",
    "special_cause_neutral_low": "neutral_low",
}


def point_style(point_type: str) -> dict[str, Any]:
    """Colour, marker and size of a point of a Making Data Count ``point_type``.

    Parameters
    ----------
    point_type : str
        One of ``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
        ``special_cause_neutral_high``, ``special_cause_neutral_low`` (as in ``cc.data``).

    Returns
    -------
    dict
        ``color``, ``marker`` and ``markersize``, ready for ``ax.plot(..., **style)``.

    Raises
    ------
    KeyError
        For an unknown point type.

    Examples
    --------
    >>> from qitools.plot.style import point_style
    >>> point_style("special_cause_concern")
    {'color': '#D96C00', 'marker': 'D', 'markersize': 6.0}
    """
    role = POINT_TYPE_ROLE[point_type]
    colour = COLOURS["neutral"] if role.startswith("neutral") else COLOURS[role]
    return {"color": colour, "marker": MARKERS[role], "markersize": MARKER_SIZES[role]}


def line_style(role: str) -> dict[str, Any]:
    """Keyword arguments for ``ax.plot`` that draw a line of the given role.

    Parameters
    ----------
    role : str
        ``"data"``, ``"centre"``, ``"centre_runs"`` (centre line of a part whose runs analysis
        signals), ``"limits"``, ``"two_sigma"``, ``"target"`` or ``"annotation"``.

    Returns
    -------
    dict
        ``color``, ``linestyle`` and ``linewidth``.

    Examples
    --------
    >>> from qitools.plot.style import line_style
    >>> line_style("centre_runs")["color"]
    '#D96C00'
    """
    colour = {
        "data": COLOURS["data"],
        "centre": COLOURS["centre"],
        "centre_runs": COLOURS["signal"],
        "limits": COLOURS["limits"],
        "two_sigma": COLOURS["two_sigma"],
        "target": COLOURS["target"],
        "annotation": COLOURS["annotation"],
    }[role]
    return {"color": colour, "linestyle": LINESTYLES[role], "linewidth": LINEWIDTHS[role]}


def plain_text(func: F) -> F:
    """Decorator: draw with matplotlib's mathtext off, so that user text is drawn as typed.

    matplotlib reads ``$...$`` in any text as a formula, and raises when it draws a broken one
    (``$\\frac{$``); column names, facet and unit labels, titles and notes come from users. Text
    objects remember the setting they were made with, so every text a qitools chart makes (titles,
    labels, tick labels of categories, notes) stays plain, while text a user adds to the Axes
    afterwards is read as usual. Only ``text.parse_math`` is set, and restored afterwards.
    """

    @functools.wraps(func)
    def drawing(*args: Any, **kwargs: Any) -> Any:
        import warnings

        import matplotlib

        before = matplotlib.rcParams["text.parse_math"]
        matplotlib.rcParams["text.parse_math"] = False
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = func(*args, **kwargs)
        finally:
            matplotlib.rcParams["text.parse_math"] = before
        _pass_on(caught)
        return result

    return drawing  # type: ignore[return-value]


def as_typed(text: Any) -> str:
    """User text for an Axes' title or axis label, drawn as typed: its dollar signs escaped.

    Titles and axis labels are Text objects an Axes keeps and reuses, so they are left reading
    mathtext (pass ``parse_math=True`` with this text), and a user's own
    ``ax.set_xlabel(r"$\\alpha$")`` afterwards still works; ``\\$`` is drawn as ``$``.
    """
    return str(text).replace("$", r"\$")


_GLYPH = re.compile(r"Glyph \d+ \((.+?)\) missing from font\(s\) (.+?)\.$")


def _pass_on(caught: list[Any]) -> None:
    """Re-issue the warnings given while drawing; matplotlib's missing-glyph warnings (one per character
    of text the font cannot draw) become one qitools warning that says what the reader will see."""
    import warnings

    from ..spc.errors import QIToolsWarning

    missing: dict[str, str] = {}
    for w in caught:
        m = _GLYPH.match(str(w.message)) if issubclass(w.category, UserWarning) else None
        if m is not None:
            missing.setdefault(m.group(1), m.group(2))
            continue
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if missing:
        names = ", ".join(list(missing)[:5]) + (" ..." if len(missing) > 5 else "")
        font = next(iter(missing.values()))
        warnings.warn(
            f"Some characters of the chart's text are not in its font ({font}): {names}. They are drawn as empty "
            f"boxes. Install a font that has them and set it with matplotlib's rcParams['font.family'], or use "
            f"labels in another script.",
            QIToolsWarning,
            stacklevel=3,
        )


def base_rc(small: bool = False) -> dict[str, Any]:
    """The look of :func:`apply_base_style` as ``rcParams``, for Axes about to be made.

    ``with matplotlib.rc_context(base_rc()): fig, ax = plt.subplots()`` gives Axes that already
    have the qitools look, which is cheaper than restyling their ticks afterwards (it matters for
    figures with 100+ small multiples).

    Parameters
    ----------
    small : bool, default False
        The facet (small multiple) tick sizes.

    Returns
    -------
    dict
        rcParams names -> values.

    Examples
    --------
    >>> from qitools.plot.style import base_rc
    >>> base_rc()["axes.spines.top"]
    False
    """
    size = FONT_SIZES["facet_tick_label"] if small else FONT_SIZES["tick_label"]
    rc: dict[str, Any] = {
        "axes.facecolor": COLOURS["background"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#808080",
        "axes.linewidth": 0.8,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": COLOURS["grid"],
        "grid.linewidth": 0.8,
        "axes.labelsize": FONT_SIZES["axis_label"],
    }
    for axis in ("xtick", "ytick"):
        rc.update(
            {
                f"{axis}.labelsize": size,
                f"{axis}.color": "#404040",
                f"{axis}.labelcolor": COLOURS["text"],
                f"{axis}.major.size": 3.5,
                f"{axis}.major.width": 0.8,
            }
        )
    return rc


def apply_base_style(ax: Axes, *, small: bool = False) -> Axes:
    """Give an Axes the qitools look: light horizontal grid, no top/right spines, readable ticks.

    Only this Axes is changed (no global ``rcParams``), so a user's own style elsewhere is kept.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes to style.
    small : bool, default False
        Use the facet (small multiple) tick sizes.

    Returns
    -------
    matplotlib.axes.Axes
        The same Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from qitools.plot.style import apply_base_style, FONT_SIZES
    >>> fig, ax = plt.subplots()
    >>> apply_base_style(ax) is ax
    True
    >>> ax.yaxis.get_major_ticks()[0].label1.get_fontsize() == FONT_SIZES["tick_label"]
    True
    >>> plt.close(fig)
    """
    size = FONT_SIZES["facet_tick_label"] if small else FONT_SIZES["tick_label"]
    ax.set_facecolor(COLOURS["background"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#808080")
        ax.spines[side].set_linewidth(0.8)
    ax.tick_params(
        axis="both", which="major", labelsize=size, color="#404040", labelcolor=COLOURS["text"], length=3.5, width=0.8
    )
    ax.yaxis.grid(True, color=COLOURS["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.label.set_fontsize(FONT_SIZES["axis_label"])
    ax.yaxis.label.set_fontsize(FONT_SIZES["axis_label"])
    return ax
