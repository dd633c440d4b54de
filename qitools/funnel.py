r"""Comparing units fairly: funnel plots (:func:`funnel_plot`) and league tables with rank uncertainty.

A league table ranks units (trusts, wards, practices) by their value and so turns chance into an
order; a funnel plot draws limits around a target that narrow as units grow, and shows which
units really differ from the rest, allowing for their size (and, with ``overdispersion=``, for the
extra spread between units that chance alone does not explain). :func:`league_table` ranks the
same units with an interval for each rank, so that a notebook can show how unstable a league
table is, next to the funnel.

The numbers come from :mod:`qitools.spc.funnel`; this module holds the objects users get back.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .explain import Explanation
from .spc import funnel as _f
from .spc.errors import QIValueError
from .spc.validate import _safe_repr, require_label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FunnelPlot", "LeagueTable", "funnel_plot", "league_table", "FUNNEL_KINDS", "FunnelKind"]

FunnelKind = Literal["proportion", "rate", "ratio"]

#: kind -> what it compares
FUNNEL_KINDS: dict[str, str] = dict(_f.KINDS)

_MAX_LISTED = 8


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return "–"
        return f"{value:.4g}"
    if value is None or value is pd.NA:
        return ""
    return html.escape(str(value))


def _num(x: float, digits: int = 4) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x:.{digits}g}"


def _names(units: Any, limit: int = _MAX_LISTED) -> str:
    units = [repr(u.item() if isinstance(u, np.generic) else u) for u in units]
    if not units:
        return ""
    if len(units) > limit:
        return ", ".join(units[:limit]) + f" and {len(units) - limit} more"
    if len(units) == 1:
        return units[0]
    return ", ".join(units[:-1]) + " and " + units[-1]


@dataclass(frozen=True)
class FunnelPlot:
    """The result of :func:`funnel_plot`: one row per unit, limits, flags and over-dispersion.

    Treat it as read-only; to change an option, call :func:`funnel_plot` again.

    Attributes
    ----------
    kind : str
        ``"proportion"``, ``"rate"`` or ``"ratio"``.
    data : pandas.DataFrame
        One row per unit (and facet): the facet column(s) and ``facet`` (when faceted), ``unit``,
        ``y``, ``n``, ``value`` (``y / n`` times ``multiply``), ``target``, ``z`` (the z-score on the
        analysis scale, before any over-dispersion adjustment), ``z_adjusted`` (with
        ``overdispersion=``), ``lcl95``, ``ucl95``, ``lcl998``, ``ucl998`` (one pair per level of
        ``limits``, named after the percentage), ``outside`` (``"above 99.8%"``, ``"below 95%"``
        ... the widest limit the unit is beyond, or missing), ``phi`` and ``tau2`` (of its facet).
    summary : pandas.DataFrame
        One row per facet: ``n_units``, ``target``, ``phi``, ``tau2``, ``adjusted`` (the limits
        were widened for over-dispersion), ``n_outside`` (beyond any limit), ``n_above``,
        ``n_below`` and ``n_outside95``, ``n_outside998`` ... per level.
    params : Mapping
        The options as resolved, and ``params["conventions"]`` (see :attr:`conventions`).
    """

    kind: str
    data: pd.DataFrame
    summary: pd.DataFrame
    params: Mapping[str, Any]

    # -- over-dispersion -----------------------------------------------------------------------
    @property
    def phi(self) -> float | pd.Series:
        r"""The over-dispersion ratio :math:`\hat\phi` (a Series by facet when faceted).

        About 1 when units differ only by chance; well above 1 when they differ more.
        """
        return self._per_facet("phi")

    @property
    def tau2(self) -> float | pd.Series:
        r"""The between-unit variance :math:`\hat\tau^2` of the additive model (a Series by facet)."""
        return self._per_facet("tau2")

    def _per_facet(self, col: str) -> float | pd.Series:
        s = self.summary
        if self.params.get("facet"):
            return pd.Series(s[col].to_numpy(), index=pd.Index(s["facet"].to_numpy(), name="facet"), name=col)
        return float(s[col].iloc[0])

    @property
    def conventions(self) -> dict[str, str]:
        """How this funnel was computed where tools differ, in plain words."""
        return dict(self.params["conventions"])

    def outside(self) -> pd.DataFrame:
        """Rows of :attr:`data` for the units beyond a limit."""
        return self.data[self.data["outside"].notna()]

    # -- limits for any size ---------------------------------------------------------------------
    def limits_at(self, n: Any, facet: Any = None) -> pd.DataFrame:
        """The funnel limits for any denominators (exposures, expected counts), e.g. to draw the funnel.

        Parameters
        ----------
        n : array-like
            Denominators > 0 (whole numbers for exact proportion limits; others are rounded).
        facet : optional
            The facet whose target and over-dispersion to use (required when faceted).

        Returns
        -------
        pandas.DataFrame
            ``n``, ``target`` and ``lcl95``, ``ucl95`` ... (on the plotted scale).
        """
        row = self._facet_row(facet)
        p = self.params
        n = np.asarray(n, dtype=float).ravel()
        if p["kind"] == "proportion" and p["method"] == "exact":
            n = np.maximum(np.round(n), 1.0)
        if (n <= 0).any() or not np.isfinite(n).all():
            raise QIValueError("limits_at() needs denominators greater than 0.")
        mult = p["multiply"]
        theta = float(row["target"]) / mult
        phi = float(row["phi"]) if bool(row["adjusted"]) else np.nan
        factor = _f.inflation_factor(p["kind"], p["scale"], theta, n, p["overdispersion"], phi, float(row["tau2"]))
        out = {"n": n, "target": np.full(n.shape, theta * mult)}
        for lv, lab in zip(p["limits"], p["limit_labels"], strict=True):
            lo, hi = _f.funnel_limits(n, theta, lv, kind=p["kind"], method=p["method"], scale=p["scale"], factor=factor)
            if theta <= 0 or (p["kind"] == "proportion" and theta >= 1):  # no variation possible
                lo, hi = np.full(n.shape, theta), np.full(n.shape, theta)
            out[f"lcl{lab}"] = lo * mult
            out[f"ucl{lab}"] = hi * mult
        return pd.DataFrame(out)

    def _facet_row(self, facet: Any) -> pd.Series:
        s = self.summary
        if not self.params.get("facet"):
            if facet is not None:
                raise QIValueError(f"facet={_safe_repr(facet)} was given, but this funnel plot has no facets; leave facet= out.")
            return s.iloc[0]
        if facet is None:
            raise QIValueError(
                f"This funnel plot has {len(s)} facets ({_names(s['facet'], 6)}); pass facet= to choose one."
            )
        require_label("facet", facet, "Name one facet, e.g. fp.explain(facet='Mortality').")
        try:
            hit = s[(s["facet"] == facet).to_numpy(dtype=bool)]
        except (TypeError, ValueError, ArithmeticError):  # a value that cannot be compared is not a facet
            hit = s.iloc[:0]
        if hit.empty:
            raise QIValueError(f"facet={_safe_repr(facet)} is not one of the facets: {_names(s['facet'], 10)}.")
        return hit.iloc[0]

    # -- drawing ---------------------------------------------------------------------------------
    def plot(self, ax: Axes | None = None, *, facet: Any = None, **style: Any) -> Axes | Figure:
        """Draw the funnel: values against n, the target, the limits, and the units outside labelled.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure is made when omitted.
        facet : optional
            One facet of a faceted result. Without it, a faceted result is drawn as small
            multiples on a figure of its own (as :meth:`plot_facets`).
        **style
            ``title``, ``xlabel``, ``ylabel``, ``label_outside`` (default True), ``logx``
            (default False), ``legend`` (default True): see :func:`qitools.plot.funnel.plot_funnel`.

        Returns
        -------
        matplotlib.axes.Axes or matplotlib.figure.Figure
            The Axes drawn on; the Figure of small multiples for a faceted result without ``facet=``.

        Raises
        ------
        QIValueError
            ``ax=`` with a faceted result and no ``facet=``.
        """
        from .plot.funnel import plot_funnel, plot_funnel_facets

        if self.params.get("facet") and facet is None:
            if ax is not None:
                raise QIValueError(
                    "A faceted funnel plot draws one small funnel per facet on a figure of its own, so it cannot "
                    "go on one Axes. Use fp.plot() without ax= for all facets, or choose one with "
                    "fp.plot(facet=..., ax=ax)."
                )
            return plot_funnel_facets(self, **style)
        return plot_funnel(self, ax=ax, facet=facet, **style)

    def plot_facets(self, ncols: int | None = None, **style: Any) -> Figure:
        """One small funnel per facet in a grid; returns the figure."""
        from .plot.funnel import plot_funnel_facets

        return plot_funnel_facets(self, ncols=ncols, **style)

    # -- words -----------------------------------------------------------------------------------
    def explain(self, facet: Any = None) -> Explanation:
        """A short plain-English reading: who is outside the limits, over-dispersion, what not to conclude.

        Parameters
        ----------
        facet : optional
            One facet of a faceted result; omitted, an overview of all facets.

        Returns
        -------
        Explanation
            A string that displays as plain text in a notebook.
        """
        return Explanation(_explain_funnel(self, facet))

    def _counts(self) -> dict[str, Any]:
        s = self.summary
        return {"units": int(len(self.data)), "facets": int(len(s)), "outside": int(s["n_outside"].sum())}

    def __repr__(self) -> str:
        c = self._counts()
        p = self.params
        levels = "/".join(_f._level_percent(lv) for lv in p["limits"])
        facets = f" facets={c['facets']}" if p.get("facet") else ""
        od = f" overdispersion={p['overdispersion']!r}" if p.get("overdispersion") else ""
        extra = "" if p.get("facet") else f" phi={_num(float(self.summary['phi'].iloc[0]), 3)}"
        return (
            f"<FunnelPlot kind={self.kind!r}{facets} units={c['units']} limits={levels} method={p['method']!r}"
            f"{od} outside={c['outside']}{extra}>"
        )

    def _repr_html_(self) -> str:
        c = self._counts()
        p = self.params
        head = (
            f"<p><b>Funnel plot</b> of a {html.escape(p['kind_description'])}"
            + (f" ({_fmt(p['y'])} / {_fmt(p['n'])})" if p.get("y") and p.get("n") else "")
            + (f" &times; {p['multiply']:g}" if p.get("multiply", 1) != 1 else "")
            + f": {c['units']} units"
            + (f" in {c['facets']} facets" if p.get("facet") else "")
            + f". <b>{c['outside']}</b> unit{'s' if c['outside'] != 1 else ''} outside the limits.</p>"
        )
        shown = self.summary.head(20)
        table = (
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(str(col))}</th>" for col in shown.columns)
            + "</tr></thead><tbody>"
            + "".join(
                "<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in shown.itertuples(index=False)
            )
            + "</tbody></table>"
        )
        out = self.outside()
        if len(out):
            items = []
            for r in out.head(10).to_dict("records"):
                where = f"{_fmt(r['facet'])}: " if "facet" in r else ""
                items.append(f"<li>{where}{_fmt(r['unit'])} = {_fmt(r['value'])} ({_fmt(r['outside'])})</li>")
            more = f"<li>… {len(out) - 10} more (see <code>.outside()</code>)</li>" if len(out) > 10 else ""
            listing = f"<p>Outside the limits:</p><ul>{''.join(items)}{more}</ul>"
        else:
            listing = "<p>No unit is outside the limits.</p>"
        words = "".join(f"<p>{html.escape(par)}</p>" for par in str(self.explain()).split("\n\n"))
        conv = "".join(f"<li><i>{html.escape(k)}</i>: {html.escape(v)}</li>" for k, v in self.conventions.items())
        return (
            f"<div>{head}{table}{listing}<details><summary>What this funnel says</summary>{words}</details>"
            f"<details><summary>Conventions</summary><ul>{conv}</ul></details></div>"
        )


@dataclass(frozen=True)
class LeagueTable:
    """The result of :func:`league_table`: units in rank order with an interval for each rank.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per unit, best first: ``rank`` (of the observed value; ties share the lower rank),
        ``unit``, ``y``, ``n``, ``value``, ``value_lower``, ``value_upper`` (Jeffreys interval),
        ``rank_lower``, ``rank_median``, ``rank_upper`` (the interval of the simulated ranks) and
        ``p_first`` (share of simulations in which the unit came first).
    params : Mapping
        The options as resolved, and ``params["method"]``: how the ranks were simulated.
    """

    data: pd.DataFrame
    params: Mapping[str, Any]

    def plot(self, ax: Axes | None = None, **style: Any) -> Axes:
        """Draw the ranks with their intervals, best at the top (a "caterpillar" of ranks).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
        **style
            ``title``, ``xlabel``, ``max_units`` (default 40: the top units only).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .plot.funnel import plot_league_table

        return plot_league_table(self, ax=ax, **style)

    def explain(self) -> Explanation:
        """How uncertain the ranks are, in plain English."""
        return Explanation(_explain_league(self))

    def __repr__(self) -> str:
        d = self.data
        width = (d["rank_upper"] - d["rank_lower"] + 1).median()
        return (
            f"<LeagueTable kind={self.params['kind']!r} units={len(d)} "
            f"median_rank_interval_width={width:g} n_sims={self.params['n_sims']}>"
        )

    def _repr_html_(self) -> str:
        shown = self.data.head(30)
        table = (
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(str(col))}</th>" for col in shown.columns)
            + "</tr></thead><tbody>"
            + "".join(
                "<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in shown.itertuples(index=False)
            )
            + "</tbody></table>"
        )
        more = f"<p>… {len(self.data) - 30} more rows in <code>.data</code></p>" if len(self.data) > 30 else ""
        words = "".join(f"<p>{html.escape(par)}</p>" for par in str(self.explain()).split("\n\n"))
        return f"<div><p><b>League table with rank uncertainty</b></p>{table}{more}{words}</div>"


# ---------------------------------------------------------------------------------------------
# public functions


def funnel_plot(
    data: pd.DataFrame | None = None,
    *,
    unit: Any,
    y: Any,
    n: Any,
    kind: FunnelKind | str = "proportion",
    target: float | dict[Any, float] | None = None,
    limits: Any = (0.95, 0.998),
    method: Literal["exact", "normal", "chisq"] | str = "exact",
    overdispersion: Literal["multiplicative", "additive"] | str | None = None,
    multiply: float = 1,
    facet: str | list[str] | None = None,
    scale: str = "natural",
    trim: float = 0.1,
    trim_method: Literal["winsorise", "truncate"] | str = "winsorise",
) -> FunnelPlot:
    r"""Compare units (trusts, wards, practices) with a funnel plot: who really differs from the rest?

    Each unit's value (``y / n``) is plotted against its size ``n`` with limits around a target
    that narrow as ``n`` grows: a small unit needs a bigger difference to stand out. Units beyond
    the 99.8% limits differ by more than chance; between 95% and 99.8%, perhaps. Unlike a league
    table, nothing is ranked. One call draws one funnel per indicator with ``facet=``.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        One row per unit (several rows per unit are summed, with a warning). Omit it to pass the
        values themselves as ``unit``/``y``/``n``.
    unit : str or array-like
        The unit each row belongs to (trust, ward, practice).
    y : str or array-like
        The numerator: events (deaths, infections, patients seen within 4 hours), or the observed
        count of a standardised ratio.
    n : str or array-like
        The denominator: cases (proportions), exposure such as bed days (rates), or the expected
        count (standardised ratios, e.g. the sum of predicted risks).
    kind : {"proportion", "rate", "ratio"}, default "proportion"
        Binomial proportion, Poisson rate per unit of exposure, or indirectly standardised ratio
        (observed / expected, as SHMI). See ``qi.FUNNEL_KINDS``.
    target : float or dict, optional
        The value units are compared with, on the plotted scale (after ``multiply``); a dict
        facet -> target when faceted. Default: the pooled value ``sum(y) / sum(n)`` of each facet
        for proportions and rates, 1 (times ``multiply``) for ratios.
    limits : tuple of float, default (0.95, 0.998)
        Coverage of the limits; each gives columns ``lcl<pct>``/``ucl<pct>`` (``lcl95``,
        ``lcl998``; 0.9973 -> ``lcl9973``). For qicharts2-style 2- and 3-sigma limits use
        ``(0.9545, 0.9973)``, exactly ``2 * Phi(k) - 1``.
    method : {"exact", "normal", "chisq"}, default "exact"
        Exact binomial or Poisson limits (interpolated quantiles, see Notes), the normal
        approximation, or (rates and ratios) FunnelPlotR's chi-square Poisson limits.
    overdispersion : {None, "multiplicative", "additive"}, default None
        Widen the limits for spread between units beyond chance: by :math:`\sqrt{\hat\phi}`
        (multiplicative) or by adding a between-unit variance :math:`\hat\tau^2` (additive,
        random effects). Applied only where :math:`\hat\phi > 1`.
    multiply : float, default 1
        Scale for values, limits and target (100 for percent, 1000 for "per 1000 bed days").
    facet : str or list of two str, optional
        Column(s) splitting the data into independent funnels (one per indicator), computed in
        one pass.
    scale : {"natural", "arcsine", "log", "sqrt"}, default "natural"
        Scale of the z-scores, the normal limits and the over-dispersion: ``"natural"`` (the
        values, Spiegelhalter 2005); ``"arcsine"`` for proportions; ``"log"`` (SHMI) or
        ``"sqrt"`` (CQC) for rates and ratios.
    trim : float, default 0.1
        Fraction of z-scores trimmed at each end before :math:`\hat\phi` is estimated.
    trim_method : {"winsorise", "truncate"}, default "winsorise"
        Winsorise (Spiegelhalter 2005) or drop the outer rank groups (NHS Digital's SHMI).

    Returns
    -------
    FunnelPlot
        ``.data`` (one row per unit: ``unit``, ``y``, ``n``, ``value``, ``target``, ``z``,
        ``lcl95``, ``ucl95``, ``lcl998``, ``ucl998``, ``outside``, ``phi``, ``tau2``),
        ``.summary`` (one row per facet), ``.phi``, ``.tau2``, ``.plot()``, ``.explain()``,
        ``.limits_at()``, ``.conventions``.

    Raises
    ------
    QIValueError
        Units with ``n`` of 0 or less (for ratios: non-positive expected counts), negative ``y``,
        ``y > n`` in a proportion, a single unit, a missing unit label, unknown options. The
        message names the units.
    QITypeError
        Text where numbers are needed.

    Warns
    -----
    DataChangedWarning
        Rows with a missing ``y`` or ``n`` were left out; several rows per unit were summed.
    TooFewPointsWarning
        A facet with a single unit, or whose pooled value is 0 (or 1), or where over-dispersion
        could not be estimated.

    See Also
    --------
    league_table : the same units ranked, with how uncertain each rank is.
    control_chart : one unit over time.

    Notes
    -----
    With target :math:`\theta_0` and coverage :math:`c`, the limits at size :math:`n` are

    * normal: :math:`\theta_0 \pm z_{(1+c)/2}\, s(n)`, :math:`s = \sqrt{\theta_0(1-\theta_0)/n}`
      (proportions) or :math:`\sqrt{\theta_0/n}` (rates, ratios) (Spiegelhalter 2005, eq. 4 and
      Table I); on another ``scale`` :math:`g^{-1}\{g(\theta_0) \pm z\, s_g(n)\}`;
    * exact, proportions: the binomial quantile interpolated between counts,
      :math:`(r_p - \alpha)/n` with :math:`r_p` the smallest :math:`r` with
      :math:`P(R \le r) \ge p` and :math:`\alpha = \{P(R \le r_p) - p\}/P(R = r_p)`
      (Spiegelhalter 2005, Appendix A.1.1);
    * exact, rates and ratios: the same interpolation on :math:`R \sim \mathrm{Poisson}(\lambda)`,
      :math:`\lambda = \theta_0 n` the expected count;
    * chisq (rates and ratios): :math:`\chi^2_{2\lambda}(p)/(2n)` (lower) and
      :math:`\chi^2_{2(\lambda+1)}(p)/(2n)` (upper), FunnelPlotR's "exact Poisson limits" for
      standardised ratios. They are not tail probabilities of the observed count: a small unit
      with no events is always below its lower limit (however likely no events are), which is
      why qitools's default is the interpolated quantile. The interpolation has a milder quirk of
      its own: a count equal to :math:`r_p` at the upper limit is flagged, so for small expected
      counts units are flagged above a little more often than nominal (Manktelow & Seaton 2012
      compare the approaches).

    z-scores :math:`z_i = \{g(y_i/n_i) - g(\theta_0)\}/s_i` are winsorised at the ``trim`` and
    ``1 - trim`` quantiles (or truncated, SHMI); :math:`\hat\phi = \frac1I\sum z_i^2`;
    :math:`\hat\tau^2 = \max\{0, (I\hat\phi - (I-1))/(\sum w_i - \sum w_i^2/\sum w_i)\}` with
    :math:`w_i = 1/s_i^2` (DerSimonian & Laird 1986; Spiegelhalter 2005 section 6;
    Spiegelhalter et al. 2012). Multiplicative limits use :math:`\sqrt{\hat\phi}\, s_i`, additive
    :math:`\sqrt{s_i^2 + \hat\tau^2}`; exact limits are moved away from the target by the same
    factor. A unit is outside when strictly beyond a limit. To reproduce FunnelPlotR
    (``data_type = "SR"``): SHMI defaults = ``kind="ratio", method="normal",
    overdispersion="additive", scale="log", trim_method="truncate"``; ``sr_method = "CQC"`` =
    ``scale="sqrt"`` (FunnelPlotR 0.6.0 then forgets to square its limits back, its issue #33;
    qitools squares them); its unadjusted limits = ``kind="ratio", method="chisq"``. See
    ``.conventions`` for what was used.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Statistics
    in Medicine 24: 1185-1202. doi:10.1002/sim.1970

    Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. Quality and
    Safety in Health Care 14: 347-351. doi:10.1136/qshc.2005.013755

    Spiegelhalter DJ, Sherlaw-Johnson C, Bardsley M, et al. (2012). Statistical methods for
    healthcare regulation: rating, screening and surveillance. Journal of the Royal Statistical
    Society A 175: 1-47. doi:10.1111/j.1467-985X.2011.01010.x

    DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Controlled Clinical Trials
    7: 177-188. doi:10.1016/0197-2456(86)90046-2

    Manktelow BN, Seaton SE (2012). Specifying the probability characteristics of funnel plot
    control limits: an investigation of three approaches. PLoS ONE 7(9): e45723.
    doi:10.1371/journal.pone.0045723

    Examples
    --------
    Bacteraemia in six hospitals, July-December 2016 (qicharts2's ``hospital_infections``), per
    10,000 risk days, with qicharts2's 3-sigma limits:

    >>> import qitools as qi
    >>> fp = qi.funnel_plot(
    ...     unit=["AHH", "BFH", "BOH", "HGH", "NOH", "RGH"],
    ...     y=[74, 51, 10, 112, 50, 141],
    ...     n=[96289.75, 68673.33, 13406.54, 123572.67, 103736.0, 156843.5],
    ...     kind="rate", multiply=10_000, method="normal", limits=(0.9973,),
    ... )
    >>> fp
    <FunnelPlot kind='rate' units=6 limits=99.73% method='normal' outside=1 phi=1.5>
    >>> fp.outside()[["unit", "value", "lcl9973", "ucl9973", "outside"]].round(2)
      unit  value  lcl9973  ucl9973       outside
    4  NOH   4.82     5.19    10.39  below 99.73%
    """
    result = _f.compute(
        data,
        unit=unit,
        y=y,
        n=n,
        kind=kind,
        target=target,
        limits=limits,
        method=method,
        overdispersion=overdispersion,
        multiply=multiply,
        facet=facet,
        scale=scale,
        trim=trim,
        trim_method=trim_method,
    )
    return FunnelPlot(kind=result.params["kind"], data=result.data, summary=result.summary, params=result.params)


def league_table(
    data: pd.DataFrame | None = None,
    *,
    unit: Any,
    y: Any,
    n: Any,
    kind: FunnelKind | str = "proportion",
    multiply: float = 1,
    ascending: bool = False,
    level: float = 0.95,
    n_sims: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> LeagueTable:
    r"""Rank units as a league table does, and show how uncertain every rank is (a teaching helper).

    Each unit's true value is uncertain (a small unit's very much so); simulate it many times,
    rank the simulated values each time, and report the range of ranks each unit takes. Put
    next to :func:`funnel_plot` on the same data, it shows why league tables mislead: most units
    could be almost anywhere in the middle of the table.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        One row per unit (several rows per unit are summed, with a warning).
    unit, y, n : str or array-like
        As for :func:`funnel_plot`.
    kind : {"proportion", "rate", "ratio"}, default "proportion"
    multiply : float, default 1
        Scale for the values (100 for percent).
    ascending : bool, default False
        Rank 1 is the highest value; pass ``True`` where lower is better (mortality, infections)
        so that rank 1 is the lowest.
    level : float, default 0.95
        Coverage of the value and rank intervals.
    n_sims : int, default 1000
        Number of simulations (at least 100).
    seed : int or numpy.random.Generator, default 0
        The same seed gives the same table; change it to see the simulation noise.

    Returns
    -------
    LeagueTable
        ``.data`` (best first): ``rank``, ``unit``, ``y``, ``n``, ``value``, ``value_lower``,
        ``value_upper``, ``rank_lower``, ``rank_median``, ``rank_upper``, ``p_first``;
        ``.plot()``, ``.explain()``.

    Raises
    ------
    QIValueError
        As :func:`funnel_plot` (bad ``n``, ``y > n`` ...), a single unit, ``n_sims`` below 100.

    See Also
    --------
    funnel_plot : which units really differ from the rest.

    Notes
    -----
    In each simulation the true value of unit :math:`i` is drawn from its Jeffreys posterior,
    :math:`\mathrm{Beta}(y_i + \frac12, n_i - y_i + \frac12)` for proportions and
    :math:`\mathrm{Gamma}(y_i + \frac12)/n_i` for rates and ratios, and the draws are ranked; the
    rank interval is the equal-tailed ``level`` interval of the simulated ranks (whole ranks,
    inverted-CDF quantiles). The value interval is the Jeffreys interval from the same
    distributions (Brown, Cai & DasGupta 2001). This follows the idea of Goldstein &
    Spiegelhalter (1996) and Marshall & Spiegelhalter (1998) with a nearly flat prior instead of
    their hierarchical models, so the ranks are not shrunk towards the middle.

    References
    ----------
    Goldstein H, Spiegelhalter DJ (1996). League tables and their limitations: statistical issues
    in comparisons of institutional performance. Journal of the Royal Statistical Society A 159:
    385-443. doi:10.2307/2983325

    Marshall EC, Spiegelhalter DJ (1998). Reliability of league tables of in vitro fertilisation
    clinics: retrospective analysis of live birth rates. BMJ 316: 1701-1705.
    doi:10.1136/bmj.316.7146.1701

    Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
    Statistical Science 16: 101-133. doi:10.1214/ss/1009213286

    Examples
    --------
    >>> import qitools as qi
    >>> lt = qi.league_table(
    ...     unit=["AHH", "BFH", "BOH", "HGH", "NOH", "RGH"],
    ...     y=[74, 51, 10, 112, 50, 141],
    ...     n=[96289.75, 68673.33, 13406.54, 123572.67, 103736.0, 156843.5],
    ...     kind="rate", multiply=10_000, ascending=True, seed=1,
    ... )
    >>> lt.data[["rank", "unit", "value", "rank_lower", "rank_upper"]].round(2)
       rank unit  value  rank_lower  rank_upper
    0     1  NOH   4.82           1           2
    1     2  BFH   7.43           2           6
    2     3  BOH   7.46           1           6
    3     4  AHH   7.69           2           6
    4     5  RGH   8.99           3           6
    5     6  HGH   9.06           3           6
    """
    frame, params = _f.league(
        data,
        unit=unit,
        y=y,
        n=n,
        kind=kind,
        multiply=multiply,
        ascending=ascending,
        level=level,
        n_sims=n_sims,
        seed=seed,
    )
    return LeagueTable(data=frame, params=params)


# ---------------------------------------------------------------------------------------------
# plain-English readings


def _chance_note(n_units: int, level: float) -> str:
    expected = n_units * (1 - level)
    return f"about {expected:.1f} of {n_units} would be outside the {_f._level_percent(level)} limits by chance alone"


def _spread(row: pd.Series) -> bool:
    """Over-dispersion clearly present: phi above the 95% point of chi-squared(k - 1) / k (Spiegelhalter 2005)."""
    from scipy.stats import chi2

    phi, k = float(row["phi"]), int(row["n_units"])
    return bool(np.isfinite(phi) and k > 1 and k * phi > chi2.ppf(0.95, k - 1))


def _od_sentence(fp: FunnelPlot, row: pd.Series) -> str:
    p = fp.params
    phi, tau2 = float(row["phi"]), float(row["tau2"])
    if not np.isfinite(phi):
        return "Over-dispersion could not be estimated here."
    spread = _spread(row)
    text = (
        f"Over-dispersion: phi = {_num(phi, 3)} (about 1 when units differ only by chance; "
        f"{'well above 1' if spread else 'not clearly above 1'} here)."
    )
    finding = (
        " That is a finding in itself: the units differ from each other far more than chance explains. Ask why "
        "they differ (case mix, how services are organised, how the data are recorded)."
    )
    judgement = (
        "Widening the limits is a judgement that this spread is acceptable (for example, case mix the data do "
        "not measure); it can also hide unwarranted variation (Spiegelhalter 2005)."
    )
    if p["overdispersion"] is None and spread:
        text += (
            finding + " Limits that allow only for chance flag most of them. To ask instead which units differ "
            "by more than units usually differ, pass overdispersion='additive' (a between-unit variance, tau2) or "
            "'multiplicative'. " + judgement
        )
    elif p["overdispersion"] is not None and bool(row["adjusted"]):
        how = (
            f"tau2 = {_num(tau2, 3)} added"
            if p["overdispersion"] == "additive"
            else f"by sqrt(phi) = {_num(np.sqrt(phi), 3)}"
        )
        text += (
            f" The limits were widened for it ({p['overdispersion']}, {how}), so they show which units differ by "
            "more than units usually differ." + (finding if spread else "") + " " + judgement
        )
    elif p["overdispersion"] is not None:
        text += " phi is not above 1, so the limits were not widened."
    return text


def _target_phrase(fp: FunnelPlot) -> str:
    p = fp.params
    if p["target"] is not None:
        return "the target given"
    if p["kind"] == "ratio":
        return "observed = expected"
    return "the pooled value: all events over all " + ("cases" if p["kind"] == "proportion" else "exposure")


def _one_funnel(fp: FunnelPlot, d: pd.DataFrame, row: pd.Series) -> list[str]:
    p = fp.params
    levels = p["limits"]
    widest = _f._level_percent(levels[-1])
    k = int(row["n_units"])
    paras = [
        f"{k} units compared with a target of {_num(float(row['target']))} ({_target_phrase(fp)}); each unit's "
        f"limits depend on its size n, so a small unit needs a bigger difference to stand out."
    ]
    widened = p["overdispersion"] is not None and bool(row["adjusted"])
    outer = d[d["outside"].isin([f"above {widest}", f"below {widest}"])]
    inner = d[d["outside"].notna() & ~d.index.isin(outer.index)]
    if len(outer):
        hi = outer[outer["outside"].str.startswith("above")]["unit"]
        lo = outer[outer["outside"].str.startswith("below")]["unit"]
        parts = []
        if len(hi):
            parts.append(f"above: {_names(hi)}")
        if len(lo):
            parts.append(f"below: {_names(lo)}")
        how_far = (
            "they differ by more than units usually differ"
            if widened
            else "such a difference is very unlikely to be chance alone"
        )
        paras.append(
            f"{len(outer)} unit{'s are' if len(outer) != 1 else ' is'} beyond the {widest} limits "
            f"({'; '.join(parts)}): {how_far}. Look at how those units work (and at their data) before judging them."
        )
    elif widened:
        paras.append(
            f"No unit is beyond the {widest} limits, which were widened for over-dispersion: no unit differs by more "
            "than units usually differ. That does not make the units alike (see over-dispersion below)."
        )
    else:
        paras.append(f"No unit is beyond the {widest} limits: nothing here shows a unit truly different from the rest.")
    if len(levels) > 1:
        inner_pct = _f._level_percent(levels[0])
        if len(inner):
            paras.append(
                f"{len(inner)} more {'are' if len(inner) != 1 else 'is'} only beyond the {inner_pct} limits "
                f"({_names(inner['unit'])}): worth a look, not a verdict ({_chance_note(k, levels[0])})."
            )
    paras.append(_od_sentence(fp, row))
    if _spread(row):
        paras.append(
            "What not to conclude: a unit inside the funnel is not shown to be 'average' or 'fine', only not shown "
            "to differ by more than these limits allow; and ranking the units (a league table) would not say which "
            "differences are real or why they arise (see qi.league_table)."
        )
    else:
        paras.append(
            "What not to conclude: a unit inside the funnel is not shown to be 'average' or 'fine', only not shown "
            "to differ; and ranking the units (a league table) would turn this mostly random variation into an "
            "order that will not repeat next year (see qi.league_table)."
        )
    return paras


def _explain_funnel(fp: FunnelPlot, facet: Any = None) -> str:
    p = fp.params
    if p.get("facet") and facet is None:
        s = fp.summary
        lines = [
            f"{len(s)} funnels ({_names(s['facet'], 10)}), one per facet, each with its own target"
            + (" and over-dispersion." if p["overdispersion"] else ".")
        ]
        widest = _f._level_percent(p["limits"][-1])
        for facet_label, phi in zip(s["facet"].head(10), s["phi"].head(10).to_numpy(dtype=float), strict=True):
            d = fp.data[fp.data["facet"] == facet_label]
            out = d[d["outside"].isin([f"above {widest}", f"below {widest}"])]
            desc = (
                "; ".join(f"{u!s} ({o.split(' ')[0]})" for u, o in zip(out["unit"], out["outside"], strict=True))
                if len(out)
                else "none"
            )
            lines.append(f"{facet_label}: beyond the {widest} limits: {desc}; phi = {_num(float(phi), 3)}.")
        if len(s) > 10:
            lines.append(f"... and {len(s) - 10} more facets (see .summary).")
        lines.append("Pass facet= to explain() for one funnel's reading.")
        return "\n\n".join(lines)
    row = fp._facet_row(facet)
    d = fp.data if not p.get("facet") else fp.data[fp.data["facet"] == row["facet"]]
    return "\n\n".join(_one_funnel(fp, d, row))


def _explain_league(lt: LeagueTable) -> str:
    d = lt.data
    k = len(d)
    width = d["rank_upper"] - d["rank_lower"] + 1
    level = f"{100 * lt.params['level']:g}%"
    first = d.iloc[0]
    paras = [
        f"{k} units ranked by value (rank 1 = {'lowest' if lt.params['ascending'] else 'highest'}). The {level} "
        f"interval of a unit's rank spans {int(width.median())} places for the median unit "
        f"(from {int(width.min())} to {int(width.max())}).",
        f"The unit ranked first, {first['unit']!r}, could plausibly rank anywhere from {int(first['rank_lower'])} to "
        f"{int(first['rank_upper'])}; it came first in {100 * float(first['p_first']):.0f}% of the simulations.",
    ]
    sure = d[width <= max(1, round(0.1 * k))]
    if len(sure):
        paras.append(
            f"Only {len(sure)} unit{'s have' if len(sure) != 1 else ' has'} a rank known to within about a "
            f"tenth of the table ({_names(sure['unit'])})."
        )
    else:
        paras.append("No unit's rank is known to within a tenth of the table.")
    paras.append(
        "A league table reports the order but not this uncertainty. To see which units really differ from the "
        "rest, use a funnel plot (qi.funnel_plot) on the same data."
    )
    return "\n\n".join(paras)
