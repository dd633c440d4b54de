r"""Shewhart control-chart constants, computed from their definitions rather than typed in.

Published tables disagree in the third decimal (for example :math:`D_4(3)` is printed as 2.574
and 2.575), because some derive :math:`D_3, D_4, B_3, B_4` from already rounded values. qitools
computes every constant to double precision from its definition, so no table is needed.

Definitions (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., Appendix VI;
ASTM MNL7), for subgroups of size :math:`n` from a normal distribution with standard deviation
:math:`\sigma` and range :math:`R`:

.. math::

    d_2(n) = E[R]/\sigma, \qquad d_3(n) = \mathrm{SD}[R]/\sigma, \qquad
    c_4(n) = \sqrt{\tfrac{2}{n-1}}\;\Gamma(\tfrac{n}{2}) / \Gamma(\tfrac{n-1}{2})

and :math:`A_2 = 3/(d_2\sqrt n)`, :math:`A_3 = 3/(c_4\sqrt n)`,
:math:`D_3 = \max(0, 1 - 3 d_3/d_2)`, :math:`D_4 = 1 + 3 d_3/d_2`,
:math:`B_3 = \max(0, 1 - 3\sqrt{1-c_4^2}/c_4)`, :math:`B_4 = 1 + 3\sqrt{1-c_4^2}/c_4`.

:math:`d_2` and :math:`d_3` come from the distribution function of the range,
:math:`F_R(r) = n\int \varphi(x)\,[\Phi(x+r)-\Phi(x)]^{n-1}\,dx`, with
:math:`E[R] = \int_0^\infty (1-F_R)\,dr` and :math:`E[R^2] = \int_0^\infty 2r\,(1-F_R)\,dr`,
integrated numerically (trapezoid rule in :math:`x`, which is spectrally accurate for this smooth,
fast-decaying integrand, and Gauss-Legendre in :math:`r`). For :math:`n = 2` they are exactly
:math:`d_2 = 2/\sqrt\pi` and :math:`d_3 = \sqrt{2 - 4/\pi}`; the tests check both.

The moving-range (individuals) chart uses :math:`n = 2`: :math:`\sigma = \overline{MR}/d_2(2)`,
so the familiar "2.66" is :math:`3/d_2(2) = 2.6587` and the familiar "3.267" is
:math:`D_4(2) = 3.2665`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Union

import numpy as np
import numpy.typing as npt

__all__ = ["d2", "d3", "c4", "A2", "A3", "B3", "B4", "D3", "D4", "E2"]

IntLike = Union[int, np.integer]
ArrayLike = npt.ArrayLike

_SQRT2 = math.sqrt(2.0)
_erf = np.frompyfunc(math.erf, 1, 1)


def _norm_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.asarray(_erf(z / _SQRT2), dtype=float))


@lru_cache(maxsize=1)
def _range_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Quadrature nodes shared by every n: r, its weights, phi(x) and Phi(x + r) - Phi(x)."""
    x = np.linspace(-10.0, 10.0, 1601)
    h = float(x[1] - x[0])
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    r_max = 16.0
    nodes, weights = np.polynomial.legendre.leggauss(160)
    r = 0.5 * r_max * (nodes + 1.0)
    w = 0.5 * r_max * weights
    inner = _norm_cdf(x[None, :] + r[:, None]) - _norm_cdf(x)[None, :]
    return r, w, pdf, inner, h


def _range_moments_numeric(n: int) -> tuple[float, float]:
    r, w, pdf, inner, h = _range_grid()
    f_r = n * h * np.sum(pdf[None, :] * inner ** (n - 1), axis=1)
    tail = 1.0 - f_r
    return float(np.sum(w * tail)), float(np.sum(w * 2.0 * r * tail))


@lru_cache(maxsize=None)
def _range_moments(n: int) -> tuple[float, float]:
    """E[R] and E[R^2] of the range of n standard normal variables."""
    if n == 2:  # closed form: R = |X1 - X2| = sqrt(2) x a half-normal variable
        return 2.0 / math.sqrt(math.pi), 2.0
    return _range_moments_numeric(n)


def _check_n(n: ArrayLike) -> np.ndarray:
    arr = np.asarray(n)
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr < 2) or np.any(arr != np.round(arr))):
        raise ValueError(f"control-chart constants need whole subgroup sizes n >= 2; got {n!r}")
    return arr.astype(np.int64)


def _apply(fn, n: ArrayLike):  # type: ignore[no-untyped-def]
    arr = _check_n(n)
    if arr.ndim == 0:
        return fn(int(arr))
    uniq, inverse = np.unique(arr, return_inverse=True)
    values = np.array([fn(int(k)) for k in uniq], dtype=float)
    return values[inverse].reshape(arr.shape)


def _d2(n: int) -> float:
    return _range_moments(n)[0]


def _d3(n: int) -> float:
    m1, m2 = _range_moments(n)
    return math.sqrt(m2 - m1 * m1)


def _c4(n: int) -> float:
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2.0) - math.lgamma((n - 1) / 2.0))


def d2(n):  # type: ignore[no-untyped-def]
    """Mean of the relative range, :math:`E[R]/\\sigma`, for subgroups of size ``n`` (>= 2).

    Examples
    --------
    >>> from qitools.spc.constants import d2
    >>> round(d2(2), 6), round(d2(5), 4)
    (1.128379, 2.3259)
    """
    return _apply(_d2, n)


def d3(n):  # type: ignore[no-untyped-def]
    """Standard deviation of the relative range, :math:`SD[R]/\\sigma`, for subgroups of size ``n``.

    Examples
    --------
    >>> from qitools.spc.constants import d3
    >>> round(d3(2), 4), round(d3(5), 4)
    (0.8525, 0.8641)
    """
    return _apply(_d3, n)


def c4(n):  # type: ignore[no-untyped-def]
    """Bias correction of the sample standard deviation, :math:`E[s]/\\sigma`, for size ``n``.

    Examples
    --------
    >>> from qitools.spc.constants import c4
    >>> round(c4(5), 4)
    0.94
    """
    return _apply(_c4, n)


def A2(n):  # type: ignore[no-untyped-def]
    """Xbar-chart factor from the average range: :math:`3/(d_2\\sqrt n)`."""
    arr = _check_n(n)
    return 3.0 / (d2(arr) * np.sqrt(arr))


def A3(n):  # type: ignore[no-untyped-def]
    """Xbar-chart factor from the average standard deviation: :math:`3/(c_4\\sqrt n)`."""
    arr = _check_n(n)
    return 3.0 / (c4(arr) * np.sqrt(arr))


def D3(n):  # type: ignore[no-untyped-def]
    """Lower R-chart factor: :math:`\\max(0, 1 - 3d_3/d_2)`."""
    return np.maximum(0.0, 1.0 - 3.0 * d3(n) / d2(n))


def D4(n):  # type: ignore[no-untyped-def]
    """Upper R-chart factor: :math:`1 + 3d_3/d_2` (3.2665 for moving ranges, n = 2)."""
    return 1.0 + 3.0 * d3(n) / d2(n)


def B3(n):  # type: ignore[no-untyped-def]
    """Lower s-chart factor: :math:`\\max(0, 1 - 3\\sqrt{1-c_4^2}/c_4)`."""
    c = c4(n)
    return np.maximum(0.0, 1.0 - 3.0 * np.sqrt(1.0 - c * c) / c)


def B4(n):  # type: ignore[no-untyped-def]
    """Upper s-chart factor: :math:`1 + 3\\sqrt{1-c_4^2}/c_4`."""
    c = c4(n)
    return 1.0 + 3.0 * np.sqrt(1.0 - c * c) / c


def E2() -> float:
    """Individuals-chart factor :math:`3/d_2(2) = 2.6587` (often rounded to 2.66)."""
    return 3.0 / _d2(2)
