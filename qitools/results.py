"""The objects users hold: the engine's frames plus readable reprs (and, later, plotting)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .explain import Explanation
from .spc.errors import QIValueError
from .spc.rulesets import RULE_COLUMNS, RULE_DESCRIPTIONS

__all__ = ["ControlChart"]


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return "–"
        return f"{value:.4g}"
    return html.escape(str(value))


@dataclass(frozen=True)
class ControlChart:
    """The result of :func:`qitools.control_chart` or :func:`qitools.run_chart`.

    Treat it as read-only; to change an option, call the function again.

    Attributes
    ----------
    chart : str
        The chart type after resolving aliases (``"xmr"`` -> ``"i"``).
    data : pandas.DataFrame
        One row per subgroup (and facet), in time order. Columns: ``facet`` and the facet
        column(s) (when faceted), ``x``, ``y`` (the plotted statistic, after ``multiply``), ``n``,
        ``part``, ``baseline``, ``include``, ``cl``, ``lcl``, ``ucl``, ``sigma_signal`` (strictly
        beyond a limit), ``runs_signal`` (the part shows non-random runs), ``long_run`` (the point
        is in a run longer than the Anhøj limit), and when asked for ``target``, ``notes``,
        ``part_label`` and ``point_type``.
    summary : pandas.DataFrame
        One row per facet and part: ``part``, ``n_obs``, ``n_useful``, ``longest_run``,
        ``longest_run_max``, ``n_crossings``, ``n_crossings_min``, ``runs_signal``, ``cl``,
        ``lcl``, ``ucl`` (means where limits vary), ``sigma_signals``.
    params : Mapping
        The options as resolved, and ``params["conventions"]``: the conventions followed where
        the reference tools differ (sigma estimator, constants, screening, weighting).
    """

    chart: str
    data: pd.DataFrame
    summary: pd.DataFrame
    params: Mapping[str, Any]
    icons_table: pd.DataFrame | None = None

    @property
    def icons(self) -> pd.DataFrame:
        """NHS Making Data Count icons, one row per facet.

        ``variation`` is one of ``common_cause``, ``improvement_high``, ``improvement_low``,
        ``concern_high``, ``concern_low``, ``neutral_high``, ``neutral_low`` (from the last point
        with a value); ``assurance`` is ``pass``, ``fail`` or ``hit_or_miss`` (the target against
        the limits at that point: can the process be relied on to meet it?) or missing where there
        is no target or no better direction. Also ``target``, ``lcl`` and ``ucl`` used.
        """
        if self.icons_table is None:
            raise QIValueError(
                "Icons need to know which direction is better: pass improvement='increase' or "
                "improvement='decrease' (or rules='mdc' for neutral icons) to control_chart()."
            )
        return self.icons_table

    # -- convenience ----------------------------------------------------------------------------
    @property
    def conventions(self) -> dict[str, str]:
        """How this chart was computed where tools differ, in plain words."""
        return dict(self.params["conventions"])

    def signals(self) -> pd.DataFrame:
        """Rows of :attr:`data` where a rule of the chosen rule set fired (``special_cause``)."""
        d = self.data
        return d[d["special_cause"]]

    def explain(self, facet: Any = None) -> Explanation:
        """A short plain-English reading of the chart, for people who are not statisticians.

        What kind of variation the chart shows, which rule fired where (with dates), whether a
        target is likely to be met, and what not to conclude. For a faceted chart, an overview;
        pass ``facet=`` for one facet's reading.

        Parameters
        ----------
        facet : optional
            One facet value of a faceted chart.

        Returns
        -------
        Explanation
            A string that displays as plain text in a notebook.
        """
        from .explain import explain

        return explain(self, facet=facet)

    # -- drawing (matplotlib is imported here, on first use) -------------------------------------
    def plot(
        self,
        ax: Any = None,
        *,
        facet: Any = None,
        title: str | None = None,
        subtitle: str | None = None,
        caption: str | None = None,
        percent: bool = False,
        two_sigma: bool = False,
        show_icons: bool = True,
        annotations: Any = None,
        label_signals: bool = True,
        y_label: str | None = None,
        x_label: str | None = None,
        decimals: int | None = None,
        facet_cols: int | None = None,
        sharey: bool = True,
        figsize: tuple[float, float] | None = None,
    ) -> Any:
        """Draw the chart with matplotlib, in the style of qicharts2 and NHS Making Data Count.

        Data line and points; centre line and limits per part (stepped where they vary with n) with
        the part's label; signals marked on the chart with the rule's name (a point beyond the limits
        as an orange diamond; a runs signal as a dashed orange centre line with its reason); with
        ``improvement`` the Making Data Count colours and icons; target, notes and annotations.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw (default: a new figure). Not for a faceted chart unless ``facet`` is given.
        facet : optional
            Draw only this facet of a faceted chart (on ``ax``).
        title, subtitle, caption : str, optional
            Text above and below the chart (defaults: the measure; the chart type and rules; none).
            ``""`` for none.
        percent : bool, default False
            Show proportions as percentages.
        two_sigma : bool, default False
            Also draw dotted 2-sigma lines.
        show_icons : bool, default True
            Draw the Making Data Count variation and assurance icons (when the chart has them).
        annotations : DataFrame or list of dict, optional
            PDSA cycles and other events: keys ``x`` (required), ``x_end`` (a shaded span),
            ``label``, ``kind`` (``"pdsa"``, ``"note"``), ``facet``.
        label_signals : bool, default True
            Name the rule beside the first point of each signal.
        y_label, x_label : str, optional
            Axis labels (``""`` for none).
        decimals : int, optional
            Decimals of the value labels and y axis.
        facet_cols, sharey : optional
            Faceted charts: number of columns; one y scale for all (default) or one each.
        figsize : (float, float), optional
            Size in inches of a new figure.

        Returns
        -------
        matplotlib.axes.Axes or matplotlib.figure.Figure
            The Axes drawn on; for a faceted chart (without ``facet``) the Figure of small multiples.

        Raises
        ------
        QIValueError
            ``ax`` with a faceted chart and no ``facet``; an unknown facet; a bad option or annotation.

        See Also
        --------
        qitools.plot.plot_chart, qitools.plot.plot_facets : the full description of the drawing.
        save : write the chart to PNG or SVG with its explanation as alt text.
        """
        from .plot import plot

        return plot(
            self,
            ax,
            facet=facet,
            title=title,
            subtitle=subtitle,
            caption=caption,
            percent=percent,
            two_sigma=two_sigma,
            show_icons=show_icons,
            annotations=annotations,
            label_signals=label_signals,
            y_label=y_label,
            x_label=x_label,
            decimals=decimals,
            facet_cols=facet_cols,
            sharey=sharey,
            figsize=figsize,
        )

    def save(self, path: Any, *, facet: Any = None, dpi: float = 150, **style: Any) -> Any:
        """Draw the chart and save it as PNG or SVG, with :meth:`explain` as the image description.

        The description (alt text) is stored in the PNG ``Description`` field or as the SVG
        ``<title>``/``<desc>``, so screen readers and document tools can read it. An existing file is
        only replaced once the new one is complete. The figure is closed afterwards.

        Parameters
        ----------
        path : str or path-like
            Ends in ``.png`` or ``.svg``.
        facet : optional
            Save one facet of a faceted chart.
        dpi : float, default 150
            Resolution of a PNG.
        **style
            Any option of :meth:`plot` (``title=``, ``annotations=`` ...).

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        QIValueError
            The file name does not end in .png or .svg, or its folder does not exist.
        """
        import matplotlib.pyplot as plt

        from .plot import save

        drawn = self.plot(facet=facet, **style)
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        try:
            return save(drawn, path, dpi=dpi)
        finally:
            plt.close(fig)

    # -- reprs --------------------------------------------------------------------------------
    def _counts(self) -> dict[str, Any]:
        s = self.summary
        return {
            "points": int(len(self.data)),
            "facets": int(self.params.get("n_facets", 1)),
            "parts": int(len(s)),
            "sigma_signals": int(s["sigma_signals"].sum()),
            "runs_signal": bool(s["runs_signal"].any()),
        }

    def __repr__(self) -> str:
        c = self._counts()
        facets = f" facets={c['facets']}" if self.params.get("facet") else ""
        return (
            f"<ControlChart chart={self.chart!r}{facets} points={c['points']} parts={c['parts']} "
            f"sigma_signals={c['sigma_signals']} runs_signal={c['runs_signal']}>"
        )

    def _repr_html_(self) -> str:
        c = self._counts()
        p = self.params
        head = (
            f"<p><b>{html.escape(p['chart_description'])}</b> of {_fmt(p.get('y') or 'y')}"
            + (f" per {_fmt(p['n'])}" if p.get("n") else "")
            + (f" &times; {p['multiply']:g}" if p.get("multiply", 1) != 1 else "")
            + f": {c['points']} points"
            + (f" in {c['facets']} facets" if p.get("facet") else "")
            + f", {c['parts']} part{'s' if c['parts'] != 1 else ''}. "
            + f"<b>{c['sigma_signals']}</b> point{'s' if c['sigma_signals'] != 1 else ''} beyond the limits; "
            + ("non-random runs found." if c["runs_signal"] else "no non-random runs.")
            + "</p>"
        )
        summary = self.summary
        shown = summary.head(20)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in shown.itertuples(index=False)
        )
        table = (
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(str(col))}</th>" for col in shown.columns)
            + f"</tr></thead><tbody>{rows}</tbody></table>"
            + (f"<p>… {len(summary) - 20} more rows in <code>.summary</code></p>" if len(summary) > 20 else "")
        )
        sig = self.signals()
        if len(sig):
            items = []
            for r in sig.head(10).to_dict("records"):
                where = f"{r['facet']} " if "facet" in r else ""
                fired = [c for c in RULE_COLUMNS[self.params["rules"]] if c in r and r[c]]
                why = "; ".join(RULE_DESCRIPTIONS[c] for c in fired) or "special cause"
                items.append(f"<li>{_fmt(where)}x = {_fmt(r['x'])}: y = {_fmt(r['y'])}, {why}</li>")
            more = f"<li>… {len(sig) - 10} more (see <code>.signals()</code>)</li>" if len(sig) > 10 else ""
            signals = f"<p>Signals:</p><ul>{''.join(items)}{more}</ul>"
        else:
            signals = "<p>No single point signals.</p>"
        words = "".join(f"<p>{html.escape(par)}</p>" for par in str(self.explain()).split("\n\n"))
        conv = "".join(f"<li><i>{html.escape(k)}</i>: {html.escape(v)}</li>" for k, v in self.conventions.items())
        return (
            f"<div>{head}{table}{signals}<details><summary>What this chart says</summary>{words}</details>"
            f"<details><summary>Conventions</summary><ul>{conv}</ul></details></div>"
        )
