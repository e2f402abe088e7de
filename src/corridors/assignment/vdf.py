"""Volume-delay functions: link time as a function of link flow.

Three kinds, chosen per link by a code in ``AssignmentGraph.vdf`` (and the ``vdf`` parameter of
the corridor network's ``parameters.csv``). With ``x = v / c`` (flow over capacity, both in flow
units per assignment period) and ``t0`` the free-flow time:

``BPR`` (0)
    ``t = t0 (1 + alpha x**beta)`` — Bureau of Public Roads (1964); lines.
``CONICAL`` (1)
    ``t = t0 (2 + sqrt(alpha² (1-x)² + g²) - alpha (1-x) - g)`` with
    ``g = (2 alpha - 1) / (2 alpha - 2)`` — Spiess (1990); lines. ``beta`` is ignored.
``QUEUE`` (2)
    ``t = t0 + alpha x**beta / (1 - x)`` for ``x ≤ 0.95``, continued linearly (same slope)
    above — a steady-state queue (M/M/1 for ``beta = 1``; Kingman's formula with
    ``alpha = (ca² + cs²)/2 × service time``) for border crossings, ports and ferries, where
    ``t0`` is the dwell at light load and ``alpha`` is in time units. The linear continuation
    keeps the function finite, so overloaded crossings show huge but finite delays and the
    equilibrium diverts flow rather than failing.

All three are increasing in ``v``, so user equilibrium exists and link flows are unique.

In the choice equilibrium a queue (``QUEUE``) may serve containers before bulk:
:func:`priority_factors` splits its wait between the two cargo groups by Cobham's
non-preemptive priority, keeping the flow-weighted mean (method M171, decision 0005).

References
----------
.. [1] Spiess, H. (1990). Conical volume-delay functions. Transportation Science 24(2), 153–158.
.. [2] Kingman, J. F. C. (1961). The single server queue in heavy traffic. Math. Proc. Camb.
   Phil. Soc. 57(4), 902–904.
.. [3] Cobham, A. (1954). Priority assignment in waiting line problems. Operations Research
   2(1), 70–76.
.. [4] Kleinrock, L. (1965). A conservation law for a wide class of queueing disciplines.
   Naval Research Logistics Quarterly 12(2), 181–192.
"""

from __future__ import annotations

import math
from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

from corridors.network.enums import VDF, VDF_ALPHA_DEFAULT, VDF_BETA_DEFAULT

__all__ = [
    "QUEUE_X_MAX",
    "VDF",
    "VDF_ALPHA_DEFAULT",
    "VDF_BETA_DEFAULT",
    "link_times",
    "priority_factors",
]

QUEUE_X_MAX = 0.95
"""Utilisation above which the queue function continues as a straight line."""


def priority_factors(
    flow: npt.ArrayLike, flow_high: npt.ArrayLike, capacity: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Factors on a queue's first-come-first-served wait for a high and a low priority class.

    Cobham's (1954) non-preemptive priority queue with two classes: with ``ρ = flow /
    capacity`` and ``ρ_h = flow_high / capacity`` the high class waits ``W (1 − ρ) / (1 −
    ρ_h)`` and the low class ``W / (1 − ρ_h)``, ``W`` the wait without priority. They
    conserve the flow-weighted mean wait (Kleinrock's conservation law): ``ρ_h W_h + (ρ −
    ρ_h) W_l = ρ W``. Above ``QUEUE_X_MAX`` (where the queue function continues as a straight
    line) ``ρ`` is held at ``QUEUE_X_MAX`` with the high class's share of the flow kept, so
    the factors stay finite and the mean is still conserved.

    Parameters
    ----------
    flow, flow_high
        All flow and the high-priority part of it, in the unit of ``capacity``.
    capacity
        Capacity per link.

    Returns
    -------
    tuple of numpy.ndarray
        ``(factor_high, factor_low)``: multiply the queue wait by them (1 and 1 without flow).

    Examples
    --------
    >>> fh, fl = priority_factors([0.8], [0.4], [1.0])
    >>> round(float(fh[0]), 4), round(float(fl[0]), 4)
    (0.3333, 1.6667)
    >>> round(float(0.4 * fh[0] + 0.4 * fl[0]) / 0.8, 12)
    1.0
    """
    x = np.asarray(flow, dtype=np.float64)
    xh = np.minimum(np.asarray(flow_high, dtype=np.float64), x)
    cap = np.asarray(capacity, dtype=np.float64)
    share = np.divide(xh, x, out=np.zeros(np.broadcast(x, xh).shape), where=x > 0)
    rho = np.clip(x / cap, 0.0, QUEUE_X_MAX)
    rho_h = share * rho
    f_low = 1.0 / (1.0 - rho_h)
    return (1.0 - rho) * f_low, f_low


# 8-point Gauss-Legendre nodes/weights on [0, 1] for the integrals without closed form.
_gx, _gw = np.polynomial.legendre.leggauss(8)
_GL_X = tuple(float(x) for x in (_gx + 1.0) / 2.0)
_GL_W = tuple(float(w) for w in _gw / 2.0)


@nb.njit(cache=True, inline="always")
def _queue_shape(x: float, beta: float) -> float:
    if x <= QUEUE_X_MAX:
        shape: float = x**beta / (1.0 - x)
        return shape
    xm = QUEUE_X_MAX
    f: float = xm**beta / (1.0 - xm)
    df: float = beta * xm ** (beta - 1.0) / (1.0 - xm) + xm**beta / (1.0 - xm) ** 2
    return f + df * (x - xm)


@nb.njit(cache=True, inline="always")
def _queue_slope(x: float, beta: float) -> float:
    xm = min(x, QUEUE_X_MAX)
    if xm <= 0.0:
        return 1.0 if beta == 1.0 else 0.0
    slope: float = beta * xm ** (beta - 1.0) / (1.0 - xm) + xm**beta / (1.0 - xm) ** 2
    return slope


@nb.njit(cache=True, inline="always")
def _pow(x: float, beta: float) -> float:
    """``x**beta`` with plain products for the common integer exponents (equal to rounding)."""
    if beta == 4.0:
        x2 = x * x
        return x2 * x2
    if beta == 1.0:
        return x
    if beta == 2.0:
        return x * x
    if beta == 3.0:
        return x * x * x
    power: float = x**beta
    return power


@nb.njit(cache=True)
def vdf_time(kind: int, t0: float, cap: float, alpha: float, beta: float, v: float) -> float:
    """Link time at flow ``v`` (numba)."""
    x = v / cap
    if kind == 0:
        if alpha == 0.0 or x <= 0.0:
            return t0
        return t0 * (1.0 + alpha * _pow(x, beta))
    if kind == 1:
        g = (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)
        y = 1.0 - x
        return t0 * (2.0 + math.sqrt(alpha * alpha * y * y + g * g) - alpha * y - g)
    if alpha == 0.0 or x <= 0.0:
        return t0
    return t0 + alpha * _queue_shape(x, beta)


@nb.njit(cache=True)
def vdf_slope(kind: int, t0: float, cap: float, alpha: float, beta: float, v: float) -> float:
    """Derivative of link time with respect to flow, ``dt/dv`` (numba)."""
    x = v / cap
    if kind == 0:
        if alpha == 0.0 or x <= 0.0:
            if alpha != 0.0 and beta == 1.0:
                return t0 * alpha / cap
            return 0.0
        return t0 * alpha * beta * _pow(x, beta - 1.0) / cap
    if kind == 1:
        g = (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)
        y = 1.0 - x
        return t0 * (alpha - alpha * alpha * y / math.sqrt(alpha * alpha * y * y + g * g)) / cap
    if alpha == 0.0:
        return 0.0
    return alpha * _queue_slope(max(x, 0.0), beta) / cap


@nb.njit(cache=True)
def _gl_integral(kind: int, t0: float, cap: float, alpha: float, beta: float, v: float) -> float:
    total = 0.0
    for k in range(8):
        total += _GL_W[k] * vdf_time(kind, t0, cap, alpha, beta, _GL_X[k] * v)
    return total * v


@nb.njit(cache=True)
def _queue_shape_integral(x: float, beta: float) -> float:
    """Integral of s**beta / (1 - s) from 0 to x ≤ QUEUE_X_MAX."""
    if beta == math.floor(beta) and beta <= 16.0:
        # s^b/(1-s) = 1/(1-s) - sum_{k<b} s^k
        total = -math.log(1.0 - x)
        xk = 1.0
        for k in range(1, int(beta) + 1):
            xk *= x
            total -= xk / k
        return total
    total = 0.0
    panels = 16
    h = x / panels
    for p in range(panels):
        for k in range(8):
            s = (p + _GL_X[k]) * h
            total += _GL_W[k] * s**beta / (1.0 - s)
    return total * h


@nb.njit(cache=True)
def vdf_integral(kind: int, t0: float, cap: float, alpha: float, beta: float, v: float) -> float:
    """Integral of link time from 0 to ``v`` (the link's Beckmann term; numba)."""
    if v <= 0.0:
        return 0.0
    x = v / cap
    if kind == 0:
        if alpha == 0.0:
            return t0 * v
        beckmann: float = t0 * (v + alpha * cap * x ** (beta + 1.0) / (beta + 1.0))
        return beckmann
    if kind == 2 and alpha == 0.0:
        return t0 * v
    if kind == 2 and x <= QUEUE_X_MAX:
        return t0 * v + alpha * cap * _queue_shape_integral(x, beta)
    if kind == 2:
        vm = QUEUE_X_MAX * cap
        head = t0 * vm + alpha * cap * _queue_shape_integral(QUEUE_X_MAX, beta)
        tm = vdf_time(2, t0, cap, alpha, beta, vm)
        dm = vdf_slope(2, t0, cap, alpha, beta, vm)
        dv = v - vm
        return head + tm * dv + 0.5 * dm * dv * dv
    return _gl_integral(kind, t0, cap, alpha, beta, v)


@nb.njit(cache=True)
def link_times_into(
    kind: npt.NDArray[np.int8],
    t0: npt.NDArray[np.float64],
    cap: npt.NDArray[np.float64],
    alpha: npt.NDArray[np.float64],
    beta: npt.NDArray[np.float64],
    flow: npt.NDArray[np.float64],
    out: npt.NDArray[np.float64],
    slope: bool = False,
) -> None:
    """Fill ``out`` with the time of every link at ``flow``, or with ``slope`` its derivative
    ``dt/dv`` (numba)."""
    if slope:
        for a in range(flow.shape[0]):
            out[a] = vdf_slope(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    else:
        for a in range(flow.shape[0]):
            out[a] = vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])


@nb.njit(cache=True)
def beckmann(
    kind: npt.NDArray[np.int8],
    t0: npt.NDArray[np.float64],
    cap: npt.NDArray[np.float64],
    alpha: npt.NDArray[np.float64],
    beta: npt.NDArray[np.float64],
    flow: npt.NDArray[np.float64],
) -> float:
    """Sum over links of the integral of link time up to ``flow`` (numba)."""
    s = 0.0
    for a in range(flow.shape[0]):
        s += vdf_integral(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    return s


def link_times(
    flow: npt.ArrayLike,
    *,
    vdf: npt.ArrayLike,
    free_flow_time: npt.ArrayLike,
    capacity: npt.ArrayLike,
    alpha: npt.ArrayLike,
    beta: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """Link times (same unit as ``free_flow_time``) at the given flows.

    Parameters
    ----------
    flow
        Link flows, in the unit of ``capacity``.
    vdf
        :class:`VDF` code per link.
    free_flow_time
        Time at zero flow per link.
    capacity
        Capacity per link (flow units per period).
    alpha, beta
        Function parameters per link.

    Returns
    -------
    numpy.ndarray
        Link times.

    Examples
    --------
    >>> link_times([0.0, 10.0], vdf=[0, 0], free_flow_time=[1.0, 1.0], capacity=[10.0, 10.0],
    ...            alpha=[0.15, 0.15], beta=[4.0, 4.0]).round(2).tolist()
    [1.0, 1.15]
    >>> round(float(link_times([19.0], vdf=[2], free_flow_time=[2.0], capacity=[20.0],
    ...                        alpha=[1.0], beta=[1.0])[0]), 9)
    21.0
    """
    f = np.ascontiguousarray(flow, dtype=np.float64)
    out = np.empty_like(f)
    n = f.shape[0]

    def arr(x: npt.ArrayLike, dt: type) -> npt.NDArray[Any]:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=dt), (n,)))

    link_times_into(
        arr(vdf, np.int8),
        arr(free_flow_time, np.float64),
        arr(capacity, np.float64),
        arr(alpha, np.float64),
        arr(beta, np.float64),
        f,
        out,
    )
    return out
