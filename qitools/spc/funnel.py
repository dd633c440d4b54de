r"""Funnel-plot computation: limits around a target that narrow with unit size, z-scores, over-dispersion.

Computation only (numpy, pandas; scipy imported inside the functions that need it). The object
users hold, :class:`qitools.funnel.FunnelPlot`, lives one floor above and calls :func:`compute`.

Three kinds of indicator, one row per unit (trust, ward, practice):

* ``"proportion"``: ``y`` events out of ``n`` cases, binomial, value :math:`y/n`;
* ``"rate"``: ``y`` events over an exposure ``n`` (bed days, population), Poisson, value :math:`y/n`;
* ``"ratio"``: an indirectly standardised ratio, observed ``y`` over expected ``n`` (as in SHMI),
  Poisson with mean :math:`\theta_0 n`, value :math:`y/n`.

For a target :math:`\theta_0` and a coverage :math:`c` (0.95, 0.998), with
:math:`p = (1 \mp c)/2`:

* **normal** limits (Spiegelhalter 2005, eq. 4):
  :math:`g^{-1}\{g(\theta_0) \pm z_{(1+c)/2}\, s_i\}` on the analysis scale :math:`g`
  (identity by default), with :math:`s_i` the standard error at the target (:func:`standard_error`);
* **exact** limits for proportions (Spiegelhalter 2005, Appendix A.1.1): the binomial quantile
  interpolated between attainable counts, :math:`(r_p - \alpha)/n` where :math:`r_p` is the smallest
  :math:`r` with :math:`F(r) \ge p` and :math:`\alpha = \{F(r_p) - p\}/\{F(r_p) - F(r_p - 1)\}`
  (:func:`exact_binomial_limit`);
* **exact** limits for rates and ratios: the same interpolation on the Poisson distribution with
  mean :math:`\lambda = \theta_0 n` (:func:`exact_poisson_limit`);
* **chisq** limits for rates and ratios, FunnelPlotR's "exact Poisson limits": the chi-square
  (gamma) form, lower :math:`\Gamma^{-1}(p; \lambda)/n`, upper :math:`\Gamma^{-1}(p; \lambda + 1)/n`
  (:func:`chisq_poisson_limit`). Continuous in :math:`\lambda` but not a tail probability of the
  observed count: a small unit with no events is always below its lower limit, however likely
  zero events are (P(0) = 0.30 at an expected count of 1.2), so it is an option, not the default.

Over-dispersion (Spiegelhalter 2005 section 6; Spiegelhalter, Sherlaw-Johnson et al. 2012):
z-scores :math:`z_i = \{g(y_i/n_i) - g(\theta_0)\}/s_i`, winsorised at the ``trim`` and
``1 - trim`` quantiles (or, as NHS Digital's SHMI, the units in the outer rank groups dropped),
:math:`\hat\phi = \frac{1}{I}\sum z_i^2`; multiplicative limits inflate :math:`s_i` by
:math:`\sqrt{\hat\phi}`; additive (random-effects) limits use :math:`\sqrt{s_i^2 + \hat\tau^2}`
with the DerSimonian-Laird estimate
:math:`\hat\tau^2 = \max\{0, (I\hat\phi - (I - 1))/(\sum w_i - \sum w_i^2/\sum w_i)\}`,
:math:`w_i = 1/s_i^2`. Exact limits are widened by the same factor on the analysis scale.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import validate as v
from .errors import DataChangedWarning, QITypeError, QIValueError, TooFewPointsWarning
from .groups import facet_codes, factorize

__all__ = [
    "KINDS",
    "METHODS",
    "OVERDISPERSION",
    "SCALES",
    "TRIM_METHODS",
    "FunnelComputation",
    "compute",
    "level_label",
    "exact_binomial_limit",
    "exact_poisson_limit",
    "chisq_poisson_limit",
    "standard_error",
    "transform",
    "back_transform",
    "inflation_factor",
    "funnel_limits",
    "estimate_overdispersion",
    "describe_units",
    "jeffreys_interval",
    "rank_uncertainty",
    "league",
]

#: kind -> what it is
KINDS: dict[str, str] = {
    "proportion": "proportion (y events out of n cases; binomial)",
    "rate": "rate (y events per unit of exposure n; Poisson)",
    "ratio": "indirectly standardised ratio (observed y / expected n, as in SHMI; Poisson)",
}
METHODS = ("exact", "normal", "chisq")
OVERDISPERSION = ("multiplicative", "additive")
#: the scales on which z-scores, normal limits and over-dispersion may be computed, per kind
SCALES: dict[str, tuple[str, ...]] = {
    "proportion": ("natural", "arcsine"),
    "rate": ("natural", "log", "sqrt"),
    "ratio": ("natural", "log", "sqrt"),
}
TRIM_METHODS = ("winsorise", "truncate")

_MAX_UNITS_SHOWN = 6


# ---------------------------------------------------------------------------------------------
# small helpers


def level_label(level: float) -> str:
    """Column suffix of a coverage level: 0.95 -> '95', 0.998 -> '998', 0.9973 -> '9973'.

    The percentage rounded to two decimals, trailing zeros and the decimal point removed.

    >>> [level_label(c) for c in (0.95, 0.998, 0.99, 0.9973002)]
    ['95', '998', '99', '9973']
    """
    text = f"{100.0 * float(level):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", "")


def _level_percent(level: float) -> str:
    return f"{100.0 * float(level):.2f}".rstrip("0").rstrip(".") + "%"


def describe_units(units: Any, mask: np.ndarray, facets: Any = None, verb: str | None = None) -> str:
    """ "Units 'RX1', 'RX7'" (or "Unit 'RX1'") for the masked units, each named once, with "and N more".

    With ``verb="have"`` the verb follows, agreeing in number ("Unit 'RX1' has").
    """
    names: list[str] = []
    seen: set[str] = set()
    for i in np.flatnonzero(mask):
        name = repr(_plain(units[i]))
        if facets is not None:
            name += f" ({_plain(facets[i])})"
        if name not in seen:
            seen.add(name)
            names.append(name)
    more = f" and {len(names) - _MAX_UNITS_SHOWN} more" if len(names) > _MAX_UNITS_SHOWN else ""
    word = "Unit" if len(names) == 1 else "Units"
    text = f"{word} {', '.join(names[:_MAX_UNITS_SHOWN])}{more}"
    if verb is not None:
        text += " " + ({"have": "has", "are": "is"}.get(verb, verb) if len(names) == 1 else verb)
    return text


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the user's line (the first frame outside qitools)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame: Any = sys._getframe(1)  # the function that calls warnings.warn
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame = frame.f_back
        level += 1
    return level


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _values_text(values: np.ndarray, mask: np.ndarray) -> str:
    shown = [f"{float(x):g}" for x in values[np.flatnonzero(mask)[:_MAX_UNITS_SHOWN]]]
    return ", ".join(shown) + (" ..." if mask.sum() > _MAX_UNITS_SHOWN else "")


def _is_poisson(kind: str) -> bool:
    return kind in ("rate", "ratio")


# ---------------------------------------------------------------------------------------------
# limits


def exact_binomial_limit(n: Any, theta: Any, p: float) -> np.ndarray:
    r"""Spiegelhalter's interpolated binomial p-quantile of :math:`Y/n`, :math:`Y \sim \mathrm{Bin}(n, \theta)`.

    :math:`r_p` is the smallest count with :math:`P(Y \le r_p) \ge p` (``scipy.stats.binom.ppf``);
    the limit is :math:`(r_p - \alpha)/n` with
    :math:`\alpha = \{P(Y \le r_p) - p\}/P(Y = r_p)`, so that the limit moves smoothly with ``n``
    instead of jumping between attainable proportions (Spiegelhalter 2005, Appendix A.1.1).
    Not clipped: when :math:`r_p = 0` the lower limit is negative (no attainable lower limit).

    Parameters
    ----------
    n : array-like of int
        Denominators (whole numbers > 0).
    theta : float or array-like
        Target proportion(s), broadcast against ``n``.
    p : float
        Lower-tail probability, e.g. 0.025 or 0.975 for the 95% limits.

    Returns
    -------
    numpy.ndarray
        The limits on the proportion scale.

    Examples
    --------
    >>> exact_binomial_limit([10, 100], 0.1, 0.975).round(6)
    array([0.278736, 0.157719])
    """
    from scipy.stats import binom

    n = np.asarray(n, dtype=float)
    theta = np.broadcast_to(np.asarray(theta, dtype=float), n.shape)
    r = binom.ppf(p, n, theta)
    f_r = binom.cdf(r, n, theta)
    pmf = binom.pmf(r, n, theta)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(pmf > 0, (f_r - p) / pmf, 0.0)
        return (r - alpha) / n


def exact_poisson_limit(n: Any, theta: Any, p: float) -> np.ndarray:
    r"""Spiegelhalter's interpolated Poisson p-quantile of :math:`Y/n`, :math:`Y \sim \mathrm{Poisson}(\theta n)`.

    As :func:`exact_binomial_limit` with the Poisson distribution of mean :math:`\lambda = \theta n`
    (the expected count): :math:`r_p` the smallest count with :math:`P(Y \le r_p) \ge p`
    (``scipy.stats.poisson.ppf``), :math:`\alpha = \{P(Y \le r_p) - p\}/P(Y = r_p)`, limit
    :math:`(r_p - \alpha)/n` (Spiegelhalter 2005, Appendix A.1.1). Not clipped.

    Parameters
    ----------
    n : array-like
        Exposures (rates) or expected counts (ratios), > 0.
    theta : float or array-like
        Target rate or ratio, > 0.
    p : float
        Lower-tail probability (0.025 for the lower 95% limit, 0.975 for the upper).

    Returns
    -------
    numpy.ndarray
        The limits on the rate (ratio) scale.

    Examples
    --------
    >>> exact_poisson_limit([10, 100], 1.0, 0.975).round(6)
    array([1.615995, 1.195809])
    """
    from scipy.stats import poisson

    n = np.asarray(n, dtype=float)
    lam = np.asarray(theta, dtype=float) * n
    r = poisson.ppf(p, lam)
    f_r = poisson.cdf(r, lam)
    pmf = poisson.pmf(r, lam)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(pmf > 0, (f_r - p) / pmf, 0.0)
        return (r - alpha) / n


def chisq_poisson_limit(n: Any, theta: Any, p: float) -> np.ndarray:
    r"""FunnelPlotR's "exact" Poisson p-limit of :math:`y/n`: the chi-square (gamma) form.

    With :math:`\lambda = \theta n` the expected count, the lower limit (``p < 0.5``) is
    :math:`\Gamma^{-1}(p; \lambda)/n = \chi^2_{2\lambda}(p)/(2n)` and the upper limit is
    :math:`\Gamma^{-1}(p; \lambda + 1)/n = \chi^2_{2(\lambda+1)}(p)/(2n)`: Garwood's exact
    confidence limits of a Poisson mean, with the expected count in place of an observed one. For a
    standardised ratio with target 1 these are FunnelPlotR's limits
    (``qchisq(0.975, 2E, lower.tail = FALSE)/2/E`` ...).

    Parameters
    ----------
    n : array-like
        Exposures (rates) or expected counts (ratios), > 0.
    theta : float or array-like
        Target rate or ratio, > 0.
    p : float
        Lower-tail probability (0.025 for the lower 95% limit, 0.975 for the upper).

    Returns
    -------
    numpy.ndarray
        The limits on the rate (ratio) scale.

    Examples
    --------
    >>> chisq_poisson_limit([10, 100], 1.0, 0.975).round(6)
    array([1.839036, 1.216268])
    """
    from scipy.special import gammaincinv

    n = np.asarray(n, dtype=float)
    lam = np.asarray(theta, dtype=float) * n
    shape = lam if p < 0.5 else lam + 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return gammaincinv(shape, p) / n


def standard_error(kind: str, scale: str, theta: Any, n: Any) -> np.ndarray:
    r"""Standard error of a unit's value at the target, on the analysis scale.

    ============ ============== =========================================
    kind         scale          :math:`s_i`
    ============ ============== =========================================
    proportion   natural        :math:`\sqrt{\theta_0(1-\theta_0)/n_i}`
    proportion   arcsine        :math:`1/(2\sqrt{n_i})` (of :math:`\arcsin\sqrt{y/n}`)
    rate, ratio  natural        :math:`\sqrt{\theta_0/n_i}`
    rate, ratio  log            :math:`1/\sqrt{\theta_0 n_i}` (of :math:`\log(y/n)`)
    rate, ratio  sqrt           :math:`1/(2\sqrt{n_i})` (of :math:`\sqrt{y/n}`)
    ============ ============== =========================================

    Examples
    --------
    >>> round(float(standard_error("proportion", "natural", 0.1, 100)), 6)
    0.03
    """
    theta = np.asarray(theta, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if scale == "natural":
            var = theta * (1.0 - theta) if kind == "proportion" else theta
            return np.sqrt(var / n)
        if scale in ("arcsine", "sqrt"):
            return 0.5 / np.sqrt(n) + 0.0 * theta
        if scale == "log":
            return 1.0 / np.sqrt(theta * n)
    raise QIValueError(f"Unknown scale {scale!r}.")  # pragma: no cover - checked up front


def transform(scale: str, x: Any) -> np.ndarray:
    """The analysis-scale transform g: identity, log, square root or arcsine of the square root."""
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if scale == "natural":
            return x
        if scale == "log":
            return np.log(x)
        if scale == "sqrt":
            return np.sqrt(x)
        if scale == "arcsine":
            return np.arcsin(np.sqrt(np.clip(x, 0.0, 1.0)))
    raise QIValueError(f"Unknown scale {scale!r}.")  # pragma: no cover


def back_transform(scale: str, t: Any, kind: str) -> np.ndarray:
    """The inverse of :func:`transform`, clipped to the values the kind can take."""
    t = np.asarray(t, dtype=float)
    if scale == "natural":
        return np.clip(t, 0.0, 1.0) if kind == "proportion" else np.maximum(t, 0.0)
    if scale == "log":
        return np.exp(t)
    if scale == "sqrt":
        return np.square(np.maximum(t, 0.0))
    if scale == "arcsine":
        return np.square(np.sin(np.clip(t, 0.0, math.pi / 2)))
    raise QIValueError(f"Unknown scale {scale!r}.")  # pragma: no cover


def inflation_factor(
    kind: str,
    scale: str,
    theta: Any,
    n: Any,
    overdispersion: str | None,
    phi: Any,
    tau2: Any,
) -> np.ndarray:
    r"""How much over-dispersion widens the limits, as a factor on the standard error.

    Multiplicative: :math:`\sqrt{\hat\phi}`; additive: :math:`\sqrt{s_i^2 + \hat\tau^2}/s_i`;
    1 without over-dispersion, where :math:`\hat\phi \le 1` (no over-dispersion found) or where
    :math:`\hat\phi` is missing. Broadcast over ``n`` (``phi``, ``tau2`` per unit or scalars).
    """
    n = np.asarray(n, dtype=float)
    phi = np.broadcast_to(np.asarray(phi, dtype=float), n.shape)
    adjust = np.isfinite(phi) & (phi > 1.0)
    if overdispersion is None:
        return np.ones(n.shape)
    if overdispersion == "multiplicative":
        return np.where(adjust, np.sqrt(np.where(adjust, phi, 1.0)), 1.0)
    s = standard_error(kind, scale, theta, n)
    tau2 = np.broadcast_to(np.asarray(tau2, dtype=float), n.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.sqrt(s * s + np.where(np.isfinite(tau2), tau2, 0.0)) / s
    return np.where(adjust & np.isfinite(f), f, 1.0)


def funnel_limits(
    n: Any,
    theta: Any,
    level: float,
    *,
    kind: str,
    method: str = "exact",
    scale: str = "natural",
    factor: Any = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Lower and upper funnel limits of :math:`y/n` at coverage ``level``, on the value scale.

    Parameters
    ----------
    n : array-like
        Denominators (proportions: whole numbers for ``method="exact"``), exposures or expected counts.
    theta : float or array-like
        The target on the value scale (not multiplied).
    level : float
        Two-sided coverage, e.g. 0.95 or 0.998.
    kind : {"proportion", "rate", "ratio"}
    method : {"exact", "normal", "chisq"}
        ``"chisq"`` only for rates and ratios.
    scale : str
        Analysis scale (:data:`SCALES`): where normal limits are built and over-dispersion is added.
    factor : float or array-like
        Over-dispersion inflation of the standard error (:func:`inflation_factor`); 1 for none.

    Returns
    -------
    (lower, upper) : tuple of numpy.ndarray
        Clipped to the possible values ([0, 1] for proportions, >= 0 otherwise).

    Notes
    -----
    Normal: :math:`g^{-1}\{g(\theta_0) \pm z\, f_i s_i\}`. Exact: the exact limit :math:`L_i`
    (:func:`exact_binomial_limit`, :func:`exact_poisson_limit`, :func:`chisq_poisson_limit`) clipped
    to the possible values, and
    with over-dispersion moved away from the target by the factor on the analysis scale,
    :math:`g^{-1}\{g(\theta_0) + f_i(g(L_i) - g(\theta_0))\}`; for large :math:`n` this tends to the
    normal over-dispersed limit.

    For very small expected counts the interpolated binomial limits can fall on the other side of
    the target (an upper limit below it when even one event is improbable): the interpolation
    maps the coverage onto the interval between attainable counts, as the Appendix defines it.

    Examples
    --------
    >>> lo, hi = funnel_limits([50, 500], 0.1, 0.95, kind="proportion", method="normal")
    >>> lo.round(4), hi.round(4)
    (array([0.0168, 0.0737]), array([0.1832, 0.1263]))
    """
    from scipy.special import ndtri

    n = np.asarray(n, dtype=float)
    theta = np.broadcast_to(np.asarray(theta, dtype=float), n.shape)
    factor = np.broadcast_to(np.asarray(factor, dtype=float), n.shape)
    p_lo, p_hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    g0 = transform(scale, theta)
    if method == "normal":
        half = float(ndtri(p_hi)) * standard_error(kind, scale, theta, n) * factor
        return back_transform(scale, g0 - half, kind), back_transform(scale, g0 + half, kind)
    if method == "chisq":
        if kind == "proportion":
            raise QIValueError("method='chisq' is for counts (kind='rate' or 'ratio'); use 'exact' or 'normal'.")
        exact = chisq_poisson_limit
    else:
        exact = exact_binomial_limit if kind == "proportion" else exact_poisson_limit
    lo = back_transform("natural", exact(n, theta, p_lo), kind)
    hi = back_transform("natural", exact(n, theta, p_hi), kind)
    widen = factor != 1.0
    if widen.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            lo_w = back_transform(scale, g0 + factor * (transform(scale, lo) - g0), kind)
            hi_w = back_transform(scale, g0 + factor * (transform(scale, hi) - g0), kind)
        lo = np.where(widen, lo_w, lo)
        hi = np.where(widen, hi_w, hi)
    return lo, hi


# ---------------------------------------------------------------------------------------------
# over-dispersion


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def _group_quantile(z_sorted: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """Type-7 (R default, numpy 'linear') quantile of each group of an array sorted within groups."""
    out = np.full(counts.size, np.nan)
    ok = counts > 0
    h = (counts[ok] - 1) * q
    lo = np.floor(h + 4 * np.finfo(float).eps).astype(np.int64)  # R's fuzz
    hi = np.minimum(lo + 1, counts[ok] - 1)
    frac = h - lo
    a = z_sorted[starts[ok] + lo]
    b = z_sorted[starts[ok] + hi]
    with np.errstate(invalid="ignore"):
        out[ok] = np.where((frac > 0) & (b != a), (1 - frac) * a + frac * b, a)
    return out


def estimate_overdispersion(
    z: np.ndarray,
    s: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    *,
    trim: float = 0.1,
    trim_method: str = "winsorise",
) -> dict[str, np.ndarray]:
    r"""Over-dispersion :math:`\hat\phi` and :math:`\hat\tau^2` per group (facet), in one pass.

    Parameters
    ----------
    z : numpy.ndarray
        z-scores of the units (NaN ones are left out).
    s : numpy.ndarray
        Their standard errors on the same scale (weights :math:`w_i = 1/s_i^2`).
    codes : numpy.ndarray of int
        Group (facet) of each unit, 0..n_groups-1.
    n_groups : int
    trim : float, default 0.1
        Fraction trimmed at each end.
    trim_method : {"winsorise", "truncate"}
        ``"winsorise"``: z-scores beyond the ``trim`` and ``1 - trim`` quantiles (type 7) of their
        group are set to those quantiles, every unit counts (Spiegelhalter 2005). ``"truncate"``:
        with :math:`k = 1/\mathrm{trim}` and :math:`r_i` the rank of :math:`z_i` in its group of
        :math:`I` units (ties averaged), units with :math:`\lfloor r_i k/(I+1)\rfloor` equal to 0
        or at least :math:`k - 1` are left out (NHS Digital's SHMI method, as FunnelPlotR).

    Returns
    -------
    dict
        Per group: ``phi`` (mean of the trimmed squared z-scores), ``tau2`` (DerSimonian-Laird,
        over the units kept), ``n_used`` (units kept); per unit: ``used`` (bool) and
        ``z_trimmed`` (winsorised z, NaN where truncated).

    Examples
    --------
    >>> z = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 10.0])
    >>> out = estimate_overdispersion(z, np.full(6, 0.1), np.zeros(6, dtype=int), 1, trim=0.1)
    >>> out["phi"].round(4), out["tau2"].round(6)
    (array([7.375]), array([0.0785]))
    """
    z = np.asarray(z, dtype=float)
    s = np.asarray(s, dtype=float)
    codes = np.asarray(codes, dtype=np.int64)
    valid = ~np.isnan(z)
    idx = np.flatnonzero(valid)
    zc, cc = z[idx], codes[idx]
    order = np.lexsort((zc, cc))
    zs, cs = zc[order], cc[order]
    counts = np.bincount(cs, minlength=n_groups)
    starts = _group_starts(counts)
    z_trim = np.full(z.shape, np.nan)
    used = np.zeros(z.shape, dtype=bool)
    if trim_method == "winsorise":
        if trim > 0:
            lo = _group_quantile(zs, starts, counts, trim)
            hi = _group_quantile(zs, starts, counts, 1.0 - trim)
            z_trim[idx] = np.clip(zc, lo[cc], hi[cc])
        else:
            z_trim[idx] = zc
        used[idx] = True
    else:
        n_sorted = zs.size
        pos = np.arange(n_sorted) - starts[cs] + 1.0  # 1-based rank within the group
        new_block = np.ones(n_sorted, dtype=bool)
        if n_sorted > 1:
            new_block[1:] = (cs[1:] != cs[:-1]) | (zs[1:] != zs[:-1])
        block = np.cumsum(new_block) - 1
        first = pos[new_block]
        last = np.append(pos[np.flatnonzero(new_block)[1:] - 1], pos[-1:]) if n_sorted else first
        rank_sorted = ((first + last) / 2.0)[block]
        rank = np.empty(n_sorted)
        rank[order] = rank_sorted
        k = 1.0 / trim if trim > 0 else np.inf
        size = counts[cc].astype(float)
        sp = np.floor(rank * k / (size + 1.0)) if np.isfinite(k) else np.ones(n_sorted)
        keep = (sp > 0) & (sp < k - 1.0)
        used[idx[keep]] = True
        z_trim[idx[keep]] = zc[keep]
    n_used = np.bincount(codes[used], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        sq = np.where(used, z_trim, 0.0) ** 2
        phi = np.bincount(codes, weights=sq, minlength=n_groups) / n_used
        w = np.where(used, 1.0 / (s * s), 0.0)
        sw = np.bincount(codes, weights=w, minlength=n_groups)
        sw2 = np.bincount(codes, weights=w * w, minlength=n_groups)
        num = n_used * phi - (n_used - 1.0)
        tau2 = np.where(num > 0, num / (sw - sw2 / sw), 0.0)
    tau2 = np.where(np.isfinite(phi), np.maximum(tau2, 0.0), np.nan)
    return {"phi": phi, "tau2": tau2, "n_used": n_used, "used": used, "z_trimmed": z_trim}


# ---------------------------------------------------------------------------------------------
# the whole computation


@dataclass(frozen=True)
class FunnelComputation:
    """What :func:`compute` returns: the per-unit table, the per-facet summary and resolved options."""

    data: pd.DataFrame
    summary: pd.DataFrame
    params: dict[str, Any]


def _check_levels(limits: Any) -> tuple[float, ...]:
    if isinstance(limits, (int, float, np.integer, np.floating)) and not isinstance(limits, bool):
        limits = (limits,)
    if isinstance(limits, (str, bytes)) or not hasattr(limits, "__iter__"):
        raise QITypeError(f"`limits` must be coverage levels such as (0.95, 0.998); got {limits!r}.")
    levels = []
    for lv in limits:
        number = v.require_finite_number("limits", lv)
        if not 0.0 < number < 1.0:
            hint = f" For {number:g}% write {number / 100:g}." if 1.0 < number < 100.0 else ""
            raise QIValueError(
                f"`limits` are coverage probabilities between 0 and 1 (0.95 for 95%, 0.998 for 99.8%); "
                f"got {lv!r}.{hint}"
            )
        levels.append(number)
    if not levels:
        raise QIValueError("`limits` needs at least one coverage level, e.g. limits=(0.95, 0.998).")
    levels = sorted(set(levels))
    labels = [level_label(lv) for lv in levels]
    if len(set(labels)) != len(labels):
        raise QIValueError(
            f"`limits` {tuple(levels)} give the same column name twice ({labels}); levels must differ "
            f"at two decimals of a percent."
        )
    return tuple(levels)


def _factorize(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes in sorted label order (-1 for missing) and the labels (object array)."""
    codes, uniques = factorize(col)
    return codes, np.asarray(uniques, dtype=object)


def _per_facet_target(target: Any, facet_labels: list[Any], faceted: bool) -> np.ndarray:
    n_f = len(facet_labels)
    if target is None:
        return np.full(n_f, np.nan)
    if isinstance(target, dict):
        if not faceted:
            raise QIValueError(
                "`target` is a dict (facet -> target) but no facet= was given. Pass a single number instead."
            )
        unknown = [k for k in target if k not in facet_labels]
        if unknown:
            raise QIValueError(
                f"`target` has keys that are not facets: {unknown!r}. The facets are "
                f"{facet_labels[:10]!r}{' ...' if n_f > 10 else ''}."
            )
        return np.array(
            [v.require_finite_number(f"target[{k!r}]", target[k]) if k in target else np.nan for k in facet_labels]
        )
    return np.full(n_f, v.require_finite_number("target", target))


@dataclass(frozen=True)
class _Units:
    """One row per unit (and facet), after validation and aggregation."""

    unit: np.ndarray
    y: np.ndarray
    n: np.ndarray
    f: np.ndarray
    facet: np.ndarray | None
    facet_labels: list[Any]
    facet_names: list[str]
    facet_parts: list[Any]
    faceted: bool
    n_facets: int
    units_per_facet: np.ndarray
    y_name: str
    n_name: str


def _prepare(data: Any, unit: Any, y: Any, n: Any, kind: str, facet: Any, function: str = "funnel_plot") -> _Units:
    """Validate the columns and form one row per unit (and facet); warnings name the units."""
    data = v.check_data(data, function)
    if unit is None:
        raise QIValueError("funnel_plot needs unit= (the column naming each trust, ward or practice).")

    # -- columns -------------------------------------------------------------------------------
    n_rows = len(data) if data is not None else None
    unit_col = v.get_column(data, unit, "unit", n_rows)
    n_rows = len(unit_col)
    row_labels = data.index.to_numpy() if data is not None else np.arange(n_rows)
    unit_col = v.as_labels(unit_col, "unit", v.column_name(unit, "unit", data), row_labels)
    y_name = v.column_name(y, "y", data)
    n_name = v.column_name(n, "n", data)
    y_raw = v.as_numeric(v.get_column(data, y, "y", n_rows), "y", y_name, row_labels)
    n_raw = v.as_numeric(v.get_column(data, n, "n", n_rows), "n", n_name, row_labels)
    if n_rows == 0:
        raise QIValueError("The data has no rows, so there are no units to compare.")

    facet_names: list[str] = []
    facet_cols: list[pd.Series] = []
    facet_labels: list[Any]
    if facet is not None:
        specs = list(facet) if isinstance(facet, (list, tuple)) else [facet]
        if not 1 <= len(specs) <= 2:
            raise QIValueError(f"facet= takes one or two column names; got {len(specs)}.")
        for i, spec in enumerate(specs):
            col = v.get_column(data, spec, "facet", n_rows)
            facet_cols.append(v.as_labels(col, "facet", v.column_name(spec, "facet", data), row_labels))
            facet_names.append(
                str(spec) if isinstance(spec, Hashable) and not isinstance(spec, np.ndarray) else f"facet{i + 1}"
            )

    # -- units and facets ----------------------------------------------------------------------
    ucode, ulabels = _factorize(unit_col)
    if (ucode < 0).any():
        raise QIValueError(
            f"The unit column has missing values in {v.describe_rows(row_labels, ucode < 0)}. Every row must "
            f"name its unit (a trust, a ward, a practice). Fill them in, or drop those rows (a total row is a "
            f"common cause)."
        )
    fcode, facet_parts, facet_labels = facet_codes(
        facet_names, facet_cols, row_labels, n_rows, "an indicator, a region ..."
    )
    n_facets = len(facet_labels)
    faceted = bool(facet_cols)
    row_units = ulabels[ucode]
    row_facets = np.asarray(facet_labels, dtype=object)[fcode] if faceted else None

    # -- row checks: name the units --------------------------------------------------------------
    missing = np.isnan(y_raw) | np.isnan(n_raw)
    if missing.all():
        raise QIValueError(
            f"Every row has a missing y or n, so there is nothing to compare. Check the columns {y_name} and {n_name}."
        )
    if missing.any():
        warnings.warn(
            f"{describe_units(row_units, missing, row_facets, verb='have')} a missing y or n "
            f"({v.describe_rows(row_labels, missing)}); those rows were left out. Fill them in to include them.",
            DataChangedWarning,
            stacklevel=_user_stacklevel(),
        )
    ok = ~missing
    n_word = "expected count" if kind == "ratio" else ("denominator" if kind == "proportion" else "exposure")
    bad = ok & (n_raw <= 0)
    if bad.any():
        why = {
            "proportion": "A proportion divides by n, so every n must be > 0",
            "rate": "A rate divides by the exposure, so every n must be > 0",
            "ratio": "A standardised ratio divides the observed count by the expected count, so every expected "
            "count must be > 0",
        }[kind]
        raise QIValueError(
            f"{describe_units(row_units, bad, row_facets, verb='have')} n ({n_word}) = 0 or less "
            f"(n = {_values_text(n_raw, bad)}; {v.describe_rows(row_labels, bad)}). {why}. "
            f"Drop those units or correct n."
        )
    bad = ok & (y_raw < 0)
    if bad.any():
        raise QIValueError(
            f"{describe_units(row_units, bad, row_facets, verb='have')} a negative y (y = {_values_text(y_raw, bad)}; "
            f"{v.describe_rows(row_labels, bad)}). y counts events, so it must be 0 or more. Correct those values."
        )
    if kind == "proportion":
        bad = ok & (y_raw > n_raw)
        if bad.any():
            raise QIValueError(
                f"{describe_units(row_units, bad, row_facets, verb='have')} y greater than n "
                f"(y = {_values_text(y_raw, bad)}, n = {_values_text(n_raw, bad)}; "
                f"{v.describe_rows(row_labels, bad)}). Proportions need y <= n. Check that y and n are not swapped."
            )

    # -- one row per unit (and facet) ------------------------------------------------------------
    idx_ok = np.flatnonzero(ok)
    key = fcode[idx_ok] * len(ulabels) + ucode[idx_ok]
    present, inv = np.unique(key, return_inverse=True)
    n_units_total = present.size
    y_u = np.bincount(inv, weights=y_raw[idx_ok], minlength=n_units_total)
    n_u = np.bincount(inv, weights=n_raw[idx_ok], minlength=n_units_total)
    rows_per_unit = np.bincount(inv, minlength=n_units_total)
    f_u = (present // len(ulabels)).astype(np.int64)
    unit_u = ulabels[present % len(ulabels)]
    if (rows_per_unit > 1).any():
        several = rows_per_unit > 1
        within = " within each facet" if faceted else ""
        warnings.warn(
            f"{int(several.sum())} unit{'s' if several.sum() != 1 else ''} had several rows{within} ("
            f"{describe_units(unit_u, several).split(' ', 1)[1]}); y and n were summed per unit. "
            f"Pass one row per unit to silence this.",
            DataChangedWarning,
            stacklevel=_user_stacklevel(),
        )
    facet_u = np.asarray(facet_labels, dtype=object)[f_u] if faceted else None
    units_per_facet = np.bincount(f_u, minlength=n_facets)

    return _Units(
        unit=unit_u,
        y=y_u,
        n=n_u,
        f=f_u,
        facet=facet_u,
        facet_labels=facet_labels,
        facet_names=facet_names,
        facet_parts=facet_parts,
        faceted=faceted,
        n_facets=n_facets,
        units_per_facet=units_per_facet,
        y_name=y_name,
        n_name=n_name,
    )


def compute(
    data: pd.DataFrame | None = None,
    *,
    unit: Any,
    y: Any,
    n: Any,
    kind: str = "proportion",
    target: Any = None,
    limits: Any = (0.95, 0.998),
    method: str = "exact",
    overdispersion: str | None = None,
    multiply: float = 1,
    facet: Any = None,
    scale: str = "natural",
    trim: float = 0.1,
    trim_method: str = "winsorise",
) -> FunnelComputation:
    """Compute a funnel plot; see :func:`qitools.funnel_plot` for the arguments."""
    # -- options -------------------------------------------------------------------------------
    kind = v.require_one_of("kind", kind, KINDS, hint="See qi.FUNNEL_KINDS.")
    method = v.require_one_of("method", method, METHODS)
    if method == "chisq" and kind == "proportion":
        raise QIValueError(
            "method='chisq' (FunnelPlotR's chi-square Poisson limits) is for counts: kind='rate' or kind='ratio'. "
            "For proportions use method='exact' (interpolated binomial limits) or method='normal'."
        )
    if overdispersion is not None:
        overdispersion = v.require_one_of(
            "overdispersion", overdispersion, OVERDISPERSION, hint="Or None for no adjustment."
        )
    scale = v.require_one_of("scale", scale, SCALES[kind], hint=f"Scales for a {kind}: {', '.join(SCALES[kind])}.")
    trim_method = v.require_one_of("trim_method", trim_method, TRIM_METHODS)
    trim = v.require_finite_number("trim", trim)
    if not 0.0 <= trim < 0.5:
        raise QIValueError(
            f"`trim` is the fraction of units trimmed at each end before estimating over-dispersion, "
            f"between 0 and 0.5 (0.1 = 10% at each end, Spiegelhalter's choice); got {trim!r}."
        )
    if trim_method == "truncate" and trim == 0:
        raise QIValueError("trim_method='truncate' needs trim > 0 (e.g. trim=0.1, as SHMI).")
    multiply = v.require_positive("multiply", multiply)
    levels = _check_levels(limits)
    u = _prepare(data, unit, y, n, kind, facet)
    unit_u, y_u, n_u, f_u, facet_u = u.unit, u.y, u.n, u.f, u.facet
    facet_labels, facet_names, facet_parts, faceted = u.facet_labels, u.facet_names, u.facet_parts, u.faceted
    n_facets, units_per_facet = u.n_facets, u.units_per_facet

    if method == "exact" and kind == "proportion":
        frac = n_u != np.round(n_u)
        if frac.any():
            raise QIValueError(
                f"{describe_units(unit_u, frac, facet_u, verb='have')} a denominator that is not a whole number "
                f"(n = {_values_text(n_u, frac)}). Exact binomial limits count cases, so n must be whole. "
                f"Round n, or pass method='normal' for the normal approximation."
            )

    # -- targets -------------------------------------------------------------------------------
    given = _per_facet_target(target, facet_labels, faceted) / multiply
    with np.errstate(invalid="ignore", divide="ignore"):  # a facet whose rows all lack y or n: no pooled value
        pooled = np.bincount(f_u, weights=y_u, minlength=n_facets) / np.bincount(f_u, weights=n_u, minlength=n_facets)
    default = pooled if kind != "ratio" else np.ones(n_facets)
    theta_f = np.where(np.isnan(given), default, given)
    if target is not None:
        bad_t = ~np.isnan(given) & ((given <= 0) | ((given >= 1) if kind == "proportion" else False))
        if bad_t.any():
            shown = float(given[bad_t][0] * multiply)
            rng_txt = f"between 0 and {multiply:g} (exclusive)" if kind == "proportion" else "greater than 0"
            raise QIValueError(
                f"`target` must be {rng_txt} on the plotted scale (after multiply={multiply:g}); got {shown:g}."
            )
    degenerate = (theta_f <= 0) | ((theta_f >= 1) if kind == "proportion" else np.zeros(n_facets, bool))
    if degenerate.any():
        where = [facet_labels[i] for i in np.flatnonzero(degenerate)]
        what = "every unit has y = 0" if (theta_f[degenerate] <= 0).all() else "every unit has y = 0 or y = n"
        intro = f"In facets {where[:6]!r}, " if faceted else "In these data "
        warnings.warn(
            f"{intro}{what}, so the pooled value ({_level_free(theta_f[degenerate][0] * multiply)}) leaves no room for "
            f"variation: the limits collapse onto the target and z-scores are missing. Give a target= from a wider "
            f"population to compare these units with.",
            TooFewPointsWarning,
            stacklevel=_user_stacklevel(),
        )
    single = units_per_facet == 1
    if single.any():
        if not faceted:
            raise QIValueError(
                f"A funnel plot compares units with each other, but there is only one unit "
                f"({unit_u[0]!r}). Pass data with one row per unit (trust, ward, practice), or use a control "
                f"chart (qi.control_chart) to follow one unit over time."
            )
        lone = single[f_u]
        warnings.warn(
            f"{describe_units(unit_u, lone, facet_u)} {'is' if lone.sum() == 1 else 'are'} alone in "
            f"{'its' if lone.sum() == 1 else 'their'} facet: with one unit there is nothing to compare it with, "
            f"and over-dispersion cannot be estimated (phi and tau2 are missing there).",
            TooFewPointsWarning,
            stacklevel=_user_stacklevel(),
        )
    theta_u = theta_f[f_u]

    # -- z-scores and over-dispersion ------------------------------------------------------------
    value_u = y_u / n_u
    s_u = standard_error(kind, scale, theta_u, n_u)
    with np.errstate(invalid="ignore", divide="ignore"):
        z_u = (transform(scale, value_u) - transform(scale, theta_u)) / s_u
    z_u = np.where(s_u > 0, z_u, np.nan)
    od = estimate_overdispersion(z_u, s_u, f_u, n_facets, trim=trim, trim_method=trim_method)
    phi_f = np.where(units_per_facet > 1, od["phi"], np.nan)
    tau2_f = np.where(units_per_facet > 1, od["tau2"], np.nan)
    if overdispersion is not None:
        bad_phi = (units_per_facet > 1) & ~np.isfinite(phi_f) & ~degenerate
        if bad_phi.any():
            where_txt = f" (facets {[facet_labels[i] for i in np.flatnonzero(bad_phi)][:6]!r})" if faceted else ""
            why = (
                "on the log scale a unit with y = 0 has z = -inf; try scale='sqrt', or a larger trim="
                if scale == "log"
                else "try a larger trim="
            )
            warnings.warn(
                f"Over-dispersion could not be estimated{where_txt}: too many units have extreme z-scores "
                f"({why}). The limits are not adjusted there.",
                TooFewPointsWarning,
                stacklevel=_user_stacklevel(),
            )
    adjusted_f = (overdispersion is not None) & np.isfinite(phi_f) & (phi_f > 1.0)
    factor_u = inflation_factor(
        kind, scale, theta_u, n_u, overdispersion, np.where(adjusted_f, phi_f, np.nan)[f_u], tau2_f[f_u]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        z_adj = z_u / factor_u

    # -- limits and flags -----------------------------------------------------------------------
    value_plot = value_u * multiply
    cols_limits: dict[str, np.ndarray] = {}
    outside = np.full(unit_u.size, None, dtype=object)
    above_any = np.zeros(unit_u.size, dtype=bool)
    below_any = np.zeros(unit_u.size, dtype=bool)
    per_level_out: dict[str, np.ndarray] = {}
    for lv in levels:
        lab = level_label(lv)
        lo, hi = funnel_limits(n_u, theta_u, lv, kind=kind, method=method, scale=scale, factor=factor_u)
        degen_u = degenerate[f_u]  # no variation possible: the limits are the target itself
        lo, hi = np.where(degen_u, theta_u, lo) * multiply, np.where(degen_u, theta_u, hi) * multiply
        cols_limits[f"lcl{lab}"] = lo
        cols_limits[f"ucl{lab}"] = hi
        above = value_plot > hi
        below = value_plot < lo
        per_level_out[lab] = above | below
        above_any |= above
        below_any |= below
    for lv in levels:  # the widest limit a unit is beyond names it
        lab = level_label(lv)
        hi, lo = cols_limits[f"ucl{lab}"], cols_limits[f"lcl{lab}"]
        outside = np.where(value_plot > hi, f"above {_level_percent(lv)}", outside)
        outside = np.where(value_plot < lo, f"below {_level_percent(lv)}", outside)

    data_cols: dict[str, Any] = {}
    if faceted:
        for name, parts in zip(facet_names, facet_parts, strict=True):
            data_cols[name] = np.asarray(parts, dtype=object)[f_u]
        data_cols["facet"] = facet_u if len(facet_names) == 2 else np.asarray(facet_parts[0], dtype=object)[f_u]
    data_cols.update(
        unit=unit_u,
        y=y_u,
        n=n_u,
        value=value_plot,
        target=theta_u * multiply,
        z=z_u,
    )
    if overdispersion is not None:
        data_cols["z_adjusted"] = z_adj
    data_cols.update(cols_limits)
    data_cols["outside"] = pd.Series(outside, dtype=object)  # None where inside (object under pandas 2 and 3)
    data_cols["phi"] = phi_f[f_u]
    data_cols["tau2"] = tau2_f[f_u]
    frame = pd.DataFrame(data_cols)
    frame["unit"] = pd.Series(unit_u, dtype=object)

    # -- summary per facet ----------------------------------------------------------------------
    summ: dict[str, Any] = {}
    if faceted:
        for name, parts in zip(facet_names, facet_parts, strict=True):
            summ[name] = np.asarray(parts, dtype=object)
        summ["facet"] = np.asarray(facet_labels, dtype=object) if len(facet_names) == 2 else summ[facet_names[0]]
    summ.update(
        n_units=units_per_facet,
        target=theta_f * multiply,
        phi=phi_f,
        tau2=tau2_f,
        adjusted=adjusted_f,
        n_outside=np.bincount(f_u, weights=(above_any | below_any), minlength=n_facets).astype(np.int64),
        n_above=np.bincount(f_u, weights=above_any, minlength=n_facets).astype(np.int64),
        n_below=np.bincount(f_u, weights=below_any, minlength=n_facets).astype(np.int64),
    )
    for lab, flags in per_level_out.items():
        summ[f"n_outside{lab}"] = np.bincount(f_u, weights=flags, minlength=n_facets).astype(np.int64)
    summary = pd.DataFrame(summ)

    params: dict[str, Any] = {
        "kind": kind,
        "kind_description": KINDS[kind],
        "unit": unit if isinstance(unit, str) else None,
        "y": y if isinstance(y, str) else None,
        "n": n if isinstance(n, str) else None,
        "limits": levels,
        "limit_labels": tuple(level_label(lv) for lv in levels),
        "method": method,
        "overdispersion": overdispersion,
        "scale": scale,
        "trim": trim,
        "trim_method": trim_method,
        "multiply": multiply,
        "target": target,
        "facet": facet_names or None,
        "n_facets": n_facets if faceted else 1,
        "facet_labels": facet_labels,
        "conventions": _conventions(kind, method, overdispersion, scale, trim, trim_method, target),
    }
    return FunnelComputation(data=frame, summary=summary, params=params)


def _level_free(x: float) -> str:
    return f"{x:.4g}"


def _conventions(
    kind: str, method: str, od: str | None, scale: str, trim: float, trim_method: str, target: Any
) -> dict[str, str]:
    conv: dict[str, str] = {}
    if target is not None:
        conv["target"] = "the target given (target=), on the plotted scale"
    elif kind == "ratio":
        conv["target"] = "1 (observed = expected), the reference of an indirectly standardised ratio"
    else:
        conv["target"] = "the pooled value sum(y) / sum(n) over the units of each facet (not the mean of the values)"
    if method == "exact":
        dist = "binomial" if kind == "proportion" else "Poisson (mean = target x n, the expected count)"
        conv["limits"] = (
            f"exact {dist} limits: the quantile interpolated between attainable counts (Spiegelhalter 2005, "
            f"Appendix A.1.1)"
        )
    elif method == "chisq":
        conv["limits"] = (
            "chi-square Poisson limits as FunnelPlotR's 'exact' limits: lower qgamma(p, E), upper qgamma(p, E + 1), "
            "divided by n, with E = target x n; note that a small unit with no events is always below its lower limit"
        )
    else:
        conv["limits"] = "normal approximation: target +/- z x standard error at the target (Spiegelhalter 2005)"
    conv["scale"] = {
        "natural": "z-scores and over-dispersion on the scale of the values (standard error at the target)",
        "arcsine": "z-scores and over-dispersion on the arcsine-square-root scale, 1/(2 sqrt(n)) (as FunnelPlotR)",
        "log": "z-scores and over-dispersion on the log scale, 1/sqrt(expected count) (as SHMI)",
        "sqrt": "z-scores and over-dispersion on the square-root scale, 1/(2 sqrt(n)) (as CQC, Spiegelhalter 2012)",
    }[scale]
    trimmed = (
        f"z-scores winsorised at the {trim:g} and {1 - trim:g} quantiles (R type 7) of each facet"
        if trim_method == "winsorise"
        else f"units in the outer {trim:g} rank groups at each end left out (NHS Digital's SHMI truncation)"
    )
    conv["phi"] = f"phi = mean of squared z-scores, {trimmed}; always reported, used only with overdispersion="
    conv["tau2"] = "DerSimonian-Laird: max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w)), w = 1/s^2"
    if od is not None:
        how = "sqrt(phi)" if od == "multiplicative" else "sqrt(s^2 + tau2) / s"
        conv["overdispersion"] = (
            f"{od}: the standard error is widened by {how} where phi > 1 (none where phi <= 1, as FunnelPlotR)"
            + ("; exact limits are moved away from the target by the same factor" if method != "normal" else "")
        )
    conv["outside"] = "a unit strictly beyond a limit; it is named after the widest limit it is beyond"
    return conv


# ---------------------------------------------------------------------------------------------
# league tables with rank uncertainty (a teaching helper)


def jeffreys_interval(y: Any, n: Any, kind: str, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    r"""Equal-tailed Jeffreys interval of each unit's true value :math:`y/n`.

    Proportions: quantiles of :math:`\mathrm{Beta}(y + \frac12, n - y + \frac12)`, with the lower
    limit 0 when :math:`y = 0` and the upper 1 when :math:`y = n` (Brown, Cai & DasGupta 2001).
    Rates and ratios: quantiles of :math:`\mathrm{Gamma}(y + \frac12)/n`, lower limit 0 when
    :math:`y = 0`.

    Examples
    --------
    >>> lo, hi = jeffreys_interval([5], [50], "proportion")
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.0392, 0.2054)
    """
    from scipy.special import betaincinv, gammaincinv

    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    a = (1.0 - level) / 2.0
    if kind == "proportion":
        lo = betaincinv(y + 0.5, n - y + 0.5, a)
        hi = betaincinv(y + 0.5, n - y + 0.5, 1.0 - a)
        return np.where(y <= 0, 0.0, lo), np.where(y >= n, 1.0, hi)
    lo = gammaincinv(y + 0.5, a) / n
    hi = gammaincinv(y + 0.5, 1.0 - a) / n
    return np.where(y <= 0, 0.0, lo), hi


def rank_uncertainty(
    y: Any,
    n: Any,
    kind: str,
    *,
    ascending: bool = False,
    level: float = 0.95,
    n_sims: int = 1000,
    seed: Any = 0,
) -> dict[str, np.ndarray]:
    r"""Simulate each unit's rank from the uncertainty in its value.

    Each simulation draws every unit's true value from its Jeffreys posterior (proportions:
    :math:`\mathrm{Beta}(y + \frac12, n - y + \frac12)`; rates and ratios:
    :math:`\mathrm{Gamma}(y + \frac12)/n`) and ranks the draws (1 = highest, or lowest with
    ``ascending=True``); the rank interval is the equal-tailed ``level`` interval of a unit's
    simulated ranks (inverted-CDF quantiles, so whole ranks). This is the approach of Goldstein &
    Spiegelhalter (1996) and Marshall & Spiegelhalter (1998), with a flat-ish prior in place of
    their Bayesian models.

    Parameters
    ----------
    y, n : array-like
        Events and denominators (exposures, expected counts) per unit.
    kind : {"proportion", "rate", "ratio"}
    ascending : bool, default False
        Rank 1 is the lowest value (for indicators where lower is better, such as mortality).
    level : float, default 0.95
    n_sims : int, default 1000
    seed : int or numpy.random.Generator, default 0
        The same seed gives the same intervals.

    Returns
    -------
    dict
        ``rank_lower``, ``rank_median``, ``rank_upper`` (int arrays) and ``p_first`` (the share of
        simulations in which the unit ranked first).

    Examples
    --------
    Two units with 10 events in 100 and one with 50: the third is surely first, the others share
    places 2 and 3.

    >>> out = rank_uncertainty([10, 10, 50], [100, 100, 100], "proportion", seed=1)
    >>> out["rank_lower"].tolist(), out["rank_upper"].tolist()
    ([2, 2, 1], [3, 3, 1])
    """
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    units = y.size
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ranks = np.empty((n_sims, units), dtype=np.int32)
    chunk = max(1, min(n_sims, 2_000_000 // max(units, 1)))
    positions = np.arange(1, units + 1, dtype=np.int32)
    for start in range(0, n_sims, chunk):  # chunks of simulations bound the memory, not a loop per unit
        rows = min(chunk, n_sims - start)
        if kind == "proportion":
            draws = rng.beta(y + 0.5, n - y + 0.5, size=(rows, units))
        else:
            draws = rng.gamma(y + 0.5, size=(rows, units)) / n
        order = np.argsort(draws if ascending else -draws, axis=1, kind="stable")
        block = np.empty((rows, units), dtype=np.int32)
        np.put_along_axis(block, order, np.broadcast_to(positions, (rows, units)), axis=1)
        ranks[start : start + rows] = block
    a = (1.0 - level) / 2.0
    q = np.quantile(ranks, [a, 0.5, 1.0 - a], axis=0, method="inverted_cdf").astype(np.int64)
    return {
        "rank_lower": q[0],
        "rank_median": q[1],
        "rank_upper": q[2],
        "p_first": (ranks == 1).mean(axis=0),
    }


def league(
    data: pd.DataFrame | None = None,
    *,
    unit: Any,
    y: Any,
    n: Any,
    kind: str = "proportion",
    multiply: float = 1,
    ascending: bool = False,
    level: float = 0.95,
    n_sims: int = 1000,
    seed: Any = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A league table with rank intervals; see :func:`qitools.league_table` for the arguments."""
    kind = v.require_one_of("kind", kind, KINDS)
    multiply = v.require_positive("multiply", multiply)
    if not isinstance(ascending, (bool, np.bool_)):
        raise QITypeError(f"`ascending` must be True or False; got {ascending!r}.")
    level = v.require_finite_number("level", level)
    if not 0.0 < level < 1.0:
        raise QIValueError(f"`level` is a coverage probability between 0 and 1 (0.95 for 95%); got {level!r}.")
    if isinstance(n_sims, (bool, np.bool_)) or not isinstance(n_sims, (int, np.integer)) or n_sims < 100:
        raise QIValueError(
            f"`n_sims` must be a whole number of at least 100 (1000 is plenty for a teaching table); got {n_sims!r}."
        )
    u = _prepare(data, unit, y, n, kind, None, "league_table")
    if u.unit.size < 2:
        raise QIValueError(
            f"A league table ranks units against each other, but there is only one unit ({u.unit[0]!r})."
        )
    value = u.y / u.n
    lo, hi = jeffreys_interval(u.y, u.n, kind, level)
    sims = rank_uncertainty(u.y, u.n, kind, ascending=bool(ascending), level=level, n_sims=int(n_sims), seed=seed)
    frame = pd.DataFrame(
        {
            "unit": u.unit,
            "y": u.y,
            "n": u.n,
            "value": value * multiply,
            "value_lower": lo * multiply,
            "value_upper": hi * multiply,
        }
    )
    frame.insert(0, "rank", frame["value"].rank(method="min", ascending=bool(ascending)).astype(np.int64))
    frame["rank_lower"] = sims["rank_lower"]
    frame["rank_median"] = sims["rank_median"]
    frame["rank_upper"] = sims["rank_upper"]
    frame["p_first"] = sims["p_first"]
    frame = frame.sort_values(["rank", "unit"], kind="stable").reset_index(drop=True)
    params = {
        "kind": kind,
        "kind_description": KINDS[kind],
        "unit": unit if isinstance(unit, str) else None,
        "y": y if isinstance(y, str) else None,
        "n": n if isinstance(n, str) else None,
        "multiply": multiply,
        "ascending": bool(ascending),
        "level": level,
        "n_sims": int(n_sims),
        "seed": seed if not isinstance(seed, np.random.Generator) else "Generator",
        "method": (
            "each simulation draws every unit's true value from its Jeffreys posterior "
            + ("Beta(y + 1/2, n - y + 1/2)" if kind == "proportion" else "Gamma(y + 1/2) / n")
            + " and ranks the draws; rank intervals are the equal-tailed quantiles of the simulated ranks"
        ),
    }
    return frame, params
