"""Discounting and the decision figures: NPV, BCR, IRR, discounted payback year.

All functions take yearly flows indexed by calendar year (USD of one price year) and discount
to a base year ``t0`` with ``1 / (1 + r) ** (year − t0)`` (end-of-year convention: the flow of
``t0`` is not discounted).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from corridors.errors import InvalidSpecError, explain

__all__ = ["bcr", "discount_factors", "irr", "npv", "payback_year"]

F64 = npt.NDArray[np.float64]


def _check_rate(rate: float) -> None:
    if not (isinstance(rate, int | float) and math.isfinite(rate) and -1.0 < rate < 1.0):
        raise InvalidSpecError(
            explain(
                f"Discount rate {rate!r} must be a fraction in (-1, 1).",
                fix="Give e.g. 0.06 for 6 % a year.",
            )
        )


def discount_factors(years: Sequence[int] | npt.ArrayLike, rate: float, t0: int) -> F64:
    """``1 / (1 + rate) ** (year − t0)`` for each year.

    Examples
    --------
    >>> discount_factors([2024, 2025], 0.10, 2024).round(4).tolist()
    [1.0, 0.9091]
    """
    _check_rate(rate)
    y = np.asarray(years, dtype=float)
    return (1.0 + rate) ** -(y - t0)


def npv(flows: npt.ArrayLike, years: npt.ArrayLike, rate: float, t0: int) -> float:
    """Net present value at ``t0`` of yearly net flows.

    Examples
    --------
    >>> round(npv([-100, 60, 60], [2024, 2025, 2026], 0.10, 2024), 4)
    4.1322
    """
    f = np.asarray(flows, dtype=float)
    return float(np.sum(f * discount_factors(years, rate, t0)))


def bcr(benefits_pv: float, costs_pv: float) -> float:
    """Benefit–cost ratio ``PV(benefits) / PV(costs)`` (``nan`` when costs are not positive)."""
    return float(benefits_pv / costs_pv) if costs_pv > 0 else float("nan")


def irr(flows: npt.ArrayLike, years: npt.ArrayLike) -> float:
    """Internal rate of return: the rate at which the NPV of ``flows`` is zero.

    Searched in (-0.99, 10) by bracketing and Brent's method; ``nan`` when the NPV does not
    change sign in that range (all flows of one sign) and the smallest root when it changes
    sign more than once.

    Examples
    --------
    >>> round(irr([-100, 60, 60], [0, 1, 2]), 6)
    0.130662
    """
    from scipy.optimize import brentq

    f = np.asarray(flows, dtype=float)
    y = np.asarray(years, dtype=float)
    y = y - y.min()

    def g(r: float) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.sum(f * (1.0 + r) ** -y))

    grid = np.concatenate(
        [np.linspace(-0.99, 0.0, 100, endpoint=False), np.geomspace(1e-4, 10, 200)]
    )
    vals = np.array([g(r) for r in grid])
    for k in range(grid.size - 1):
        a, b = vals[k], vals[k + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0.0:
            return float(grid[k])
        if np.sign(a) != np.sign(b):
            return float(brentq(g, grid[k], grid[k + 1], xtol=1e-12))
    return float("nan")


def payback_year(flows: npt.ArrayLike, years: npt.ArrayLike, rate: float, t0: int) -> int | None:
    """First year in which the cumulative discounted net flow turns non-negative and stays so
    (``None`` if it never does).

    Examples
    --------
    >>> payback_year([-100, 60, 60], [2024, 2025, 2026], 0.10, 2024)
    2026
    """
    y = np.asarray(years)
    cum = np.cumsum(np.asarray(flows, dtype=float) * discount_factors(y, rate, t0))
    neg = np.flatnonzero(cum < 0)
    if neg.size == 0:
        return int(y[0])
    last = int(neg[-1])
    return None if last + 1 >= y.size else int(y[last + 1])
