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

    # -- a per-point table kept by Dask ---------------------------------------------------------
    @property
    def is_lazy(self) -> bool:
        """True when :attr:`data` is a Dask DataFrame (a chart of a Dask DataFrame; see :mod:`qitools.scale`)."""
        return not isinstance(self.data, pd.DataFrame)

    def compute(self, facet: Any = None) -> ControlChart:
        """The same chart with :attr:`data` in memory as a pandas DataFrame (all of it, or the facets
        named by ``facet``). For a chart of a pandas DataFrame, the chart itself.

        Parameters
        ----------
        facet : optional
            Only these facets (a label, a list, or the value of one of two facet columns; see
            :meth:`plot`).

        Returns
        -------
        ControlChart
        """
        if not self.is_lazy and facet is None:
            return self
        import dataclasses

        data = self.data
        summary, icons = self.summary, self.icons_table
        if facet is not None:
            from .plot.chart import select_facets

            labels = select_facets(self, facet)
            data = data[data["facet"].isin(labels)]
            summary = summary[summary["facet"].isin(labels)]
            icons = icons[icons["facet"].isin(labels)] if icons is not None else None
        if self.is_lazy:
            data = data.compute()
            if "facet" in data.columns:  # the pandas engine's order: facets as in the summary, then x
                rank = {f: i for i, f in enumerate(dict.fromkeys(summary["facet"]))}
                facet_rank = data["facet"].astype(object).map(rank).to_numpy(dtype=np.int64)
                data = data.iloc[np.lexsort((np.arange(len(data)), facet_rank))]
            data = data.reset_index(drop=True)
        params = dict(self.params)
        params.pop("n_points", None)
        return dataclasses.replace(self, data=data, summary=summary, icons_table=icons, params=params)

    def _in_memory(self, facet: Any) -> ControlChart:
        """What drawing or explaining ``facet`` needs in memory (only those facets of a lazy table)."""
        if not self.is_lazy:
            return self
        n_facets = self.summary["facet"].nunique() if "facet" in self.summary.columns else 1
        if facet is None and n_facets > 100:
            from .plot.facets import too_many_facets_message

            raise QIValueError(too_many_facets_message(self, n_facets))
        return self.compute(facet=facet)

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

        if self.is_lazy and (facet is not None or "facet" not in self.summary.columns):
            return explain(self._in_memory(facet), facet=facet)
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
            self._in_memory(facet),
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

    def save(
        self, path: Any, *, facet: Any = None, dpi: float = 150, per_page: int = 20, **style: Any
    ) -> Any:
        """Draw the chart and save it as PNG, SVG or PDF, with :meth:`explain` as its description.

        The description (alt text) is stored in the PNG ``Description`` field, as the SVG
        ``<title>``/``<desc>``, or as the PDF's subject, so screen readers and document tools can
        read it. A PDF of a faceted chart has pages of small multiples, ``per_page`` facets to a
        page, for any number of facets (a PNG or SVG holds at most 100). An existing file is only
        replaced once the new one is complete. The figures are closed afterwards.

        Parameters
        ----------
        path : str or path-like
            Ends in ``.png``, ``.svg`` or ``.pdf``.
        facet : optional
            One facet of a faceted chart, or several (see :meth:`plot`).
        dpi : float, default 150
            Resolution of a PNG.
        per_page : int, default 20
            PDF of a faceted chart: small multiples per page.
        **style
            Any option of :meth:`plot` (``title=``, ``annotations=`` ...).

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        QIValueError
            The file name does not end in .png, .svg or .pdf, or its folder does not exist; more
            than 100 facets in a PNG or SVG (save a PDF, or choose facets with ``facet=``).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import tempfile, pathlib
        >>> import qitools as qi
        >>> df = qi.datasets.load("ward_falls")
        >>> cc = qi.control_chart(df, x="month", y="falls", n="occupied_bed_days", chart="u",
        ...                       multiply=1000, facet="ward")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     out = cc.save(pathlib.Path(folder) / "wards.pdf", per_page=4)  # 8 wards: 2 pages
        ...     pdf = out.read_bytes()
        >>> pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        2
        """
        from pathlib import Path

        import matplotlib.pyplot as plt

        from .plot import save, save_pdf

        if Path(str(path)).suffix.lower() == ".pdf":
            return save_pdf(self.compute(facet=facet) if self.is_lazy else self, path, facet=facet, per_page=per_page, **style)
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
            "points": int(self.params["n_points"]) if "n_points" in self.params else int(len(self.data)),
            "facets": int(self.params.get("n_facets", 1)),
            "parts": int(len(s)),
            "sigma_signals": int(s["sigma_signals"].sum()),
            "special": int(s["special_causes"].sum()) if "special_causes" in s.columns else 0,
            # None under Making Data Count: the Anhøj runs analysis is not part of it
            "runs_signal": None if self.params.get("rules") == "mdc" else bool(s["runs_signal"].any()),
        }

    def __repr__(self) -> str:
        c = self._counts()
        facets = f" facets={c['facets']}" if self.params.get("facet") else ""
        return (
            f"<ControlChart chart={self.chart!r}{facets} points={c['points']} parts={c['parts']} "
            f"sigma_signals={c['sigma_signals']} "
            + (f"runs_signal={c['runs_signal']}>" if c["runs_signal"] is not None else f"special_causes={c['special']}>")
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
            + (
                f"{c['special']} point{'s' if c['special'] != 1 else ''} flagged by the Making Data Count rules."
                if c["runs_signal"] is None
                else ("non-random runs found." if c["runs_signal"] else "no non-random runs.")
            )
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
        sig = self.signals() if not self.is_lazy else pd.DataFrame()
        if self.is_lazy:
            signals = (
                f"<p>{int(summary['special_causes'].sum())} points where a rule fired: "
                "<code>cc.signals()</code> is a Dask DataFrame (<code>.compute()</code> it).</p>"
            )
        elif len(sig):
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
