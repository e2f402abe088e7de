"""Cash flows and decision figures of an appraisal: NPV, BCR, IRR, payback, the sensitivity
table and the switching value of demand."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridors.appraisal._years import Runner
from corridors.appraisal.benefits import YearBenefits
from corridors.appraisal.money import bcr, discount_factors, irr, npv, payback_year
from corridors.appraisal.project import Project

__all__ = ["BENEFITS", "evaluate", "sensitivity", "switching_value"]

BENEFITS = ("shipper_surplus", "reliability", "producer_surplus", "co2")
"""Benefit streams added into the NPV (USD per year)."""


def _stream(
    project: Project, runs: Mapping[int, YearBenefits], years: np.ndarray, key: str
) -> np.ndarray:
    """A benefit total per year: linear between modelled years, held outside, 0 when closed."""
    my = sorted(runs)
    vals = [runs[y].totals[key] for y in my]
    out = np.interp(years, my, vals)
    return np.where((years >= project.opening_year) & (years <= project.last_year), out, 0.0)


def evaluate(
    project: Project,
    runs: Mapping[int, YearBenefits],
    *,
    discount_rate: float,
    capex_factor: float = 1.0,
    opex_factor: float = 1.0,
    carbon_factor: float = 1.0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Cash flows by year and the decision figures, from the modelled years' benefits.

    Returns
    -------
    cashflows : pandas.DataFrame
        One row per year, USD million (price year): ``capital``, ``operating``, ``residual``,
        ``shipper_surplus``, ``reliability``, ``producer_surplus``, ``co2`` (value of CO2
        saved), ``co2_saved_kt``, ``benefits``, ``costs``, ``net``, ``discount_factor``.
    summary : dict
        ``npv_usd_m``, ``bcr``, ``irr``, ``payback_year``, ``pv_benefits_usd_m``,
        ``pv_costs_usd_m``, ``pv_<benefit>_usd_m``, ``discount_rate``.
    """
    years = np.array(project.years)
    cap = np.array([project.capital_cost.by_year.get(int(y), 0.0) for y in years]) * capex_factor
    op_on = (years >= project.opening_year) & (years <= project.last_year)
    opex = np.where(op_on, project.operating_cost.value * opex_factor, 0.0)
    resid = np.where(years == project.last_year, project.residual_value.value, 0.0)
    ss = _stream(project, runs, years, "shipper_surplus_usd") / 1e6
    rel = _stream(project, runs, years, "reliability_usd") / 1e6
    ps = _stream(project, runs, years, "revenue_change_usd") * project.operator_margin.value / 1e6
    co2_saved_t = -_stream(project, runs, years, "co2_change_t")
    price = np.array([project.carbon_price.at(int(y)) for y in years]) * carbon_factor
    co2 = co2_saved_t * price / 1e6
    ben = ss + rel + ps + co2
    costs = cap + opex - resid
    df = pd.DataFrame(
        {
            "year": years,
            "capital": cap,
            "operating": opex,
            "residual": resid,
            "shipper_surplus": ss,
            "reliability": rel,
            "producer_surplus": ps,
            "co2": co2,
            "co2_saved_kt": co2_saved_t / 1e3,
            "carbon_price_usd_per_t": price,
            "benefits": ben,
            "costs": costs,
            "net": ben - costs,
            "discount_factor": discount_factors(years, discount_rate, project.price_year),
        }
    )
    t0 = project.price_year
    pvb = npv(ben, years, discount_rate, t0)
    pvc = npv(cap + opex - resid, years, discount_rate, t0)
    summary: dict[str, Any] = {
        "discount_rate": discount_rate,
        "npv_usd_m": pvb - pvc,
        "bcr": bcr(pvb, pvc),
        "irr": irr(ben - costs, years),
        "payback_year": payback_year(ben - costs, years, discount_rate, t0),
        "pv_benefits_usd_m": pvb,
        "pv_costs_usd_m": pvc,
        **{f"pv_{k}_usd_m": npv(df[k], years, discount_rate, t0) for k in BENEFITS},
        "pv_capital_usd_m": npv(cap, years, discount_rate, t0),
        "pv_operating_usd_m": npv(opex, years, discount_rate, t0),
        "pv_residual_usd_m": npv(resid, years, discount_rate, t0),
    }
    return df, summary


def switching_value(
    project: Project,
    runs: dict[float, dict[int, YearBenefits]],
    npv_at: Callable[[float], float],
    run: Runner,
    extra: int,
    enabled: bool,
) -> dict[str, Any]:
    """The demand factor at which the NPV is zero (see ``Appraisal.switching``).

    Tries up to ``extra`` secant steps (each a rerun of every modelled year with ``run``,
    added to ``runs``) from the runs already made; ``npv_at`` gives a factor's NPV.
    """
    if not enabled:
        return {"demand_factor": float("nan"), "found": False, "method": "not run", "npv_at": {}}
    vals = {f: npv_at(f) for f in runs}
    method = "interpolated between sensitivity runs"
    pvc = abs(float(evaluate(project, runs[1.0], discount_rate=0.0)[1]["pv_costs_usd_m"]))
    for _ in range(extra):
        fs = sorted(vals)
        root = _root(fs, [vals[f] for f in fs])
        if root is None:
            break
        r0 = float(root)
        near = min(fs, key=lambda f: abs(f - r0))
        if abs(vals[near]) <= 0.005 * max(pvc, 1.0) or abs(near - root) < 1e-3:
            break
        # one step at most doubles (or halves) the range tried: the NPV is not linear in demand
        f = round(float(np.clip(root, max(0.05, fs[0] / 2), min(5.0, fs[-1] * 2))), 4)
        if f in vals:
            break
        got = run([(f, y) for y in project.modelled_years])
        runs[f] = {y: yb for (_ff, y), yb in got.items()}
        vals[f] = npv_at(f)
        method = "secant on reruns"
    fs = sorted(vals)
    root = _root(fs, [vals[f] for f in fs])
    inside = root is not None and fs[0] <= root <= fs[-1]
    if root is not None and not inside and not 0.05 <= root <= 5.0:
        return {
            "demand_factor": float("nan"),
            "found": False,
            "within_runs": False,
            "bracket": None,
            "method": f"NPV does not reach zero between demand ×{fs[0]:g} and ×{fs[-1]:g} "
            f"(a straight line through the end runs would cross at ×{root:.3g})",
            "npv_at": {float(f): float(vals[f]) for f in fs},
        }
    bracket = None
    if inside:
        lo_f = max(f for f in fs if f <= root)  # type: ignore[operator]
        hi_f = min(f for f in fs if f >= root)  # type: ignore[operator]
        bracket = [lo_f, hi_f]
    return {
        "demand_factor": float("nan") if root is None else float(root),
        "found": root is not None,
        "within_runs": bool(inside),
        "bracket": bracket,
        "method": method if root is not None else "NPV does not change sign with demand",
        "npv_at": {float(f): float(vals[f]) for f in fs},
    }


def _root(fs: list[float], vs: list[float]) -> float | None:
    """Zero of the piecewise-linear NPV(demand factor); extrapolated from the end segment."""
    for a, b, va, vb in zip(fs, fs[1:], vs, vs[1:], strict=False):
        if va == 0:
            return a
        if (va < 0) != (vb < 0):
            return a + (b - a) * (-va) / (vb - va)
    if len(fs) < 2:
        return None
    i = 0 if abs(vs[0]) < abs(vs[-1]) else len(fs) - 2
    a, b, va, vb = fs[i], fs[i + 1], vs[i], vs[i + 1]
    if vb == va:
        return None
    r = a + (b - a) * (-va) / (vb - va)
    return r if r > 0 else None


def sensitivity(
    project: Project,
    runs: Mapping[float, Mapping[int, YearBenefits]],
    rate: float,
    demand_range: Sequence[float],
    discount_range: tuple[float, float] | None,
    carbon_range: tuple[float, float],
) -> pd.DataFrame:
    """NPV, BCR and IRR of the central case and of each sensitivity test, one row each."""
    rows = []

    def add(factor: str, case: str, value: float, **kw: Any) -> None:
        r = kw.pop("rate", rate)
        rr = kw.pop("runs", runs[1.0])
        _, s = evaluate(project, rr, discount_rate=r, **kw)
        rows.append(
            {
                "factor": factor,
                "case": case,
                "value": value,
                "npv_usd_m": s["npv_usd_m"],
                "bcr": s["bcr"],
                "irr": s["irr"],
            }
        )

    add("central", "central", 1.0)
    for f in demand_range:
        add("demand", "low" if f < 1 else "high", float(f), runs=runs[float(f)])
    ov = project.cost_overrun.value
    add("capital cost", "low", 1.0)
    add("capital cost", "high", 1.0 + ov, capex_factor=1.0 + ov)
    lo, hi = discount_range if discount_range is not None else (max(rate - 0.02, 0.0), rate + 0.02)
    add("discount rate", "low", lo, rate=lo)
    add("discount rate", "high", hi, rate=hi)
    for f in carbon_range:
        add("carbon price", "low" if f < 1 else "high", float(f), carbon_factor=float(f))
    add("operating cost", "low", 0.75, opex_factor=0.75)
    add("operating cost", "high", 1.25, opex_factor=1.25)
    return pd.DataFrame(rows)
