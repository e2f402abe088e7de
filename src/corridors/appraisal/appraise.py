"""The appraisal: benefits over the years, discounted against the costs; sensitivity and the
switching value of demand.

Each modelled year runs the choice equilibrium twice (without and with the project) on that
year's demand (the base-year demand grown by the project's growth paths, times a demand
factor); :func:`~corridors.appraisal.benefits.year_benefits` turns the pair into benefits. Between
modelled years each benefit is interpolated linearly; before the first and after the last it is
held (no growth beyond the last modelled year: a conservative convention). Yearly benefits are

``shipper surplus + reliability + operator margin × Δ revenue + carbon price × CO2 saved``

and the costs capital (× (1 + overrun) in the sensitivity), operation and maintenance from the
opening year, less the residual value in the last year. Everything is discounted to the
project's price year.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors._progress import Progress, ProgressCallback, no_progress
from corridors.appraisal.benefits import YearBenefits, year_benefits
from corridors.appraisal.money import bcr, discount_factors, irr, npv, payback_year
from corridors.appraisal.project import Project, load_project
from corridors.errors import ConvergenceWarning, InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.assignment.demand import ODMatrices
    from corridors.assignment.sue import SUESpec
    from corridors.network.model import Network

__all__ = ["Appraisal", "appraise", "demand_in_year", "evaluate", "run_year"]

BENEFITS = ("shipper_surplus", "reliability", "producer_surplus", "co2")
"""Benefit streams added into the NPV (USD per year)."""


def _growth_index(
    project: Project, net: Network, od: ODMatrices
) -> list[tuple[str, list[str], Any, Any]]:
    """Per growth path: classes and the origin/destination zone indices it applies to."""
    zones = list(od.zones)
    country = net.nodes["country"].astype(str).reindex(zones).fillna("").to_numpy()
    countries = set(country)
    out = []
    for g in project.growth:
        bad = [c for c in g.classes if c not in od.matrices]
        if bad:
            raise InvalidSpecError(
                explain(
                    f"project {project.name!r}, growth {g.name!r}: unknown demand class(es) {bad}.",
                    fix=f"Use classes of {list(od.matrices)}.",
                )
            )
        sel: list[Any] = []
        for side, labels in (("origins", g.origins), ("destinations", g.destinations)):
            if not labels:
                sel.append(slice(None))
                continue
            idx = np.zeros(len(zones), bool)
            for lab in labels:
                if lab in countries:
                    idx |= country == lab
                elif lab in zones:
                    idx[zones.index(lab)] = True
                else:
                    raise InvalidSpecError(
                        explain(
                            f"project {project.name!r}, growth {g.name!r}: {side} {lab!r} is "
                            "neither a country with demand nor a zone.",
                            fix="Use ISO country codes (CN, KZ, DE, ...) or node ids.",
                        )
                    )
            sel.append(np.flatnonzero(idx))
        out.append((g.name, list(g.classes) or list(od.matrices), sel[0], sel[1]))
    return out


def demand_in_year(
    project: Project, net: Network, od: ODMatrices, year: int, *, factor: float = 1.0
) -> ODMatrices:
    """Base-year demand grown to ``year`` by the project's growth paths, times ``factor``.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a growth path naming an unknown class, country or zone.
    """
    from corridors.assignment.demand import ODMatrices

    mats = {k: np.array(v, dtype=float) * factor for k, v in od.matrices.items()}
    for (_, classes, rows, cols), (_, f) in zip(
        _growth_index(project, net, od), project.growth_factors(year), strict=True
    ):
        for c in classes:
            m = mats[c]
            if isinstance(rows, slice) and isinstance(cols, slice):
                m *= f
            elif isinstance(cols, slice):
                m[rows, :] *= f
            elif isinstance(rows, slice):
                m[:, cols] *= f
            else:
                m[np.ix_(rows, cols)] *= f
    return ODMatrices(tuple(od.zones), mats, od.units)


@functools.lru_cache(maxsize=2)
def _networks(scenario: str) -> tuple[Any, Any, Any]:
    """Base network, base-year demand and the scenario's network (cached per process)."""
    from corridors.assignment.sue import base_demand
    from corridors.network import load_network
    from corridors.scenarios import apply_scenario, load_scenario

    net = load_network()
    od = base_demand(net)
    scen = load_scenario(scenario)
    apply_scenario(net, scen)  # fail early, before any equilibrium, on a broken scenario
    return net, od, scen


def _scenario_ref(project: Project) -> str:
    from corridors.appraisal.project import scenario_ref

    return scenario_ref(project.scenario, project.path)


def run_year(
    project: Project, year: int, factor: float = 1.0, *, sue: SUESpec | None = None
) -> YearBenefits:
    """Both equilibria of one modelled year and their benefits (the unit of work of a sweep)."""
    from corridors.assignment.choice import load_parameters
    from corridors.assignment.sue import SUESpec, equilibrium
    from corridors.scenarios import apply_scenario

    sue = SUESpec(target_gap=1e-6, column_rounds=0) if sue is None else sue
    net, od, scen = _networks(_scenario_ref(project))
    dem = demand_in_year(project, net, od, year, factor=factor)
    pnet, pdem = apply_scenario(net, scen, demand=dem)
    params = load_parameters()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        base = equilibrium(net, dem, params=params, spec=sue)
        proj = equilibrium(pnet, pdem if pdem is not None else dem, params=params, spec=sue)
    yb = year_benefits(
        base,
        proj,
        year=year,
        demand_factor=factor,
        reliability_ratio=project.reliability_ratio.value,
    )
    gaps = {"gap_base": base.relative_gap, "gap_project": proj.relative_gap}
    return replace(yb, extra={**gaps, "warnings": [str(w.message) for w in caught]})


def _stream(
    project: Project, runs: Mapping[int, YearBenefits], years: np.ndarray, key: str
) -> np.ndarray:
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


@dataclass(frozen=True)
class Appraisal:
    """Result of :func:`appraise`.

    Attributes
    ----------
    project
        The project appraised.
    runs
        Demand factor → modelled year → :class:`~corridors.appraisal.benefits.YearBenefits`.
    cashflows, summary
        Central case (demand factor 1), see :func:`evaluate`.
    sensitivity
        One row per test: ``factor``, ``case``, ``value``, ``npv_usd_m``, ``bcr``, ``irr``.
    switching
        ``demand_factor`` at which the NPV is zero (``nan`` if not found; linear between the
        two runs that bracket it, or extrapolated when ``within_runs`` is false), ``bracket``
        (those two factors), ``npv_at`` (every factor tried and its NPV), ``found`` and
        ``method``.
    seconds
        Wall time.
    """

    project: Project
    runs: Mapping[float, Mapping[int, YearBenefits]]
    cashflows: pd.DataFrame
    summary: Mapping[str, Any]
    sensitivity: pd.DataFrame
    switching: Mapping[str, Any]
    seconds: float = 0.0
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def central(self) -> Mapping[int, YearBenefits]:
        """The modelled years at demand factor 1."""
        return self.runs[1.0]

    def year_table(self) -> pd.DataFrame:
        """Per modelled year (central case): every benefit total."""
        return pd.DataFrame(
            [{"year": y, **dict(b.totals)} for y, b in sorted(self.central.items())]
        )

    def distribution(self) -> dict[str, pd.DataFrame]:
        """Tables of the last modelled year (central case): revenue by country, CO2 by country
        and by corridor, crossings, surplus by class."""
        yb = self.central[max(self.central)]
        rev = yb.revenue.reindex(
            yb.revenue["revenue_change_usd"].abs().sort_values(ascending=False).index
        )
        co2c = yb.co2_country.reindex(
            yb.co2_country["co2_change_t"].abs().sort_values(ascending=False).index
        )
        return {
            "revenue_by_country": rev.reset_index(drop=True),
            "co2_by_country": co2c.reset_index(drop=True),
            "co2_by_corridor": yb.co2_corridor.reset_index(drop=True),
            "crossings": yb.crossings.reset_index(drop=True),
            "surplus_by_class": yb.by_class,
        }

    def to_dict(self, *, top: int = 10) -> dict[str, Any]:
        """JSON-ready summary: project, decision figures, sensitivity, switching value, the
        modelled years and the top rows of the distribution tables."""

        def clean(v: Any) -> Any:
            if isinstance(v, float | np.floating):
                return None if not math.isfinite(float(v)) else float(v)
            if isinstance(v, np.integer):
                return int(v)
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            return v

        def rows(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [clean(r) for r in df.to_dict(orient="records")]

        return {
            "project": self.project.to_dict(),
            "summary": clean(dict(self.summary)),
            "switching": clean(dict(self.switching)),
            "sensitivity": rows(self.sensitivity),
            "years": rows(self.year_table()),
            "cashflows": rows(self.cashflows),
            "distribution": {k: rows(v.head(top)) for k, v in self.distribution().items()},
            "seconds": round(self.seconds, 2),
            "options": clean(dict(self.options)),
        }

    def plot_tornado(self, path: str | Path) -> Path:
        """Tornado chart of the NPV sensitivity (PNG)."""
        from corridors.appraisal.chart import tornado

        return tornado(self, path)

    def plot_cashflows(self, path: str | Path) -> Path:
        """Stacked yearly benefits and costs with the cumulative discounted net (PNG)."""
        from corridors.appraisal.chart import cashflows

        return cashflows(self, path)

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write the tables (CSV), the summary (JSON) and both charts to ``out_dir``."""
        import json

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for name, df in {
            "cashflows": self.cashflows,
            "sensitivity": self.sensitivity,
            "years": self.year_table(),
            **self.distribution(),
        }.items():
            p = out / f"{name}.csv"
            df.to_csv(p, index=False)
            files.append(p)
        p = out / "appraisal.json"
        p.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
        files.append(p)
        files.append(self.plot_tornado(out / "tornado.png"))
        files.append(self.plot_cashflows(out / "cashflows.png"))
        return files


Runner = Callable[[Sequence[tuple[float, int]]], dict[tuple[float, int], YearBenefits]]


def _runner(
    project: Project,
    sue: SUESpec | None,
    executor: str,
    scheduler: str | None,
    workers: int,
    progress: ProgressCallback,
    total: int,
    processes: bool = True,
) -> tuple[Runner, Callable[[], None]]:
    done = [0]

    def tick(f: float, y: int) -> None:
        done[0] += 1
        progress(Progress("appraisal", done[0], total, f"year {y}, demand ×{f:g}"))

    if executor == "serial":

        def run(tasks: Sequence[tuple[float, int]]) -> dict[tuple[float, int], YearBenefits]:
            out = {}
            for f, y in tasks:
                out[(f, y)] = run_year(project, y, f, sue=sue)
                tick(f, y)
            return out

        return run, lambda: None
    if executor != "dask":
        raise InvalidSpecError(
            explain(f"executor={executor!r} is not known.", fix="Use 'serial' or 'dask'.")
        )
    from corridors._deps import require
    from corridors.scenarios.sweep import _client

    dd = require("dask.distributed", extra="dask", purpose="Running an appraisal on Dask")
    client, cluster = _client(scheduler, workers, 1, processes)

    def run_dask(tasks: Sequence[tuple[float, int]]) -> dict[tuple[float, int], YearBenefits]:
        futs = {
            client.submit(run_year, project, y, f, sue=sue, pure=False): (f, y) for f, y in tasks
        }
        out = {}
        for fut in dd.as_completed(list(futs)):
            f, y = futs[fut]
            out[(f, y)] = fut.result()
            tick(f, y)
        return out

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return run_dask, close


def appraise(
    project: Project | str | Path,
    *,
    discount_rate: float | None = None,
    demand_range: tuple[float, float] = (0.8, 1.2),
    discount_range: tuple[float, float] | None = None,
    carbon_range: tuple[float, float] = (0.5, 2.0),
    switching_runs: int = 2,
    modelled_years: Sequence[int] | None = None,
    sue: SUESpec | None = None,
    executor: str = "serial",
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    progress: ProgressCallback | None = None,
) -> Appraisal:
    """Appraise a project: benefits by year, NPV, BCR, IRR, payback, sensitivity, switching value.

    Parameters
    ----------
    project
        A :class:`~corridors.appraisal.project.Project`, a project file or a shipped name.
    discount_rate
        Real discount rate per year (fraction); default the project's (or
        ``data/projects/defaults.yaml``).
    demand_range
        Demand factors of the demand sensitivity (each reruns every modelled year); ``()``
        skips it (and the switching value).
    discount_range
        Discount rates of the sensitivity; default the rate ± 2 points.
    carbon_range
        Factors on the carbon price path of the sensitivity.
    switching_runs
        Extra demand factors tried (secant steps, each a full rerun) to find the demand at
        which the NPV is zero; 0 interpolates between the sensitivity runs only.
    modelled_years
        Override the project's modelled years.
    sue
        Equilibrium stopping rule (default relative gap 1e-6 and no route regeneration: both
        sides keep the routes generated at free-flow times, because regenerated route sets
        differ between the two runs and make their difference noisy; see docs/appraisal.md).
    executor, scheduler, workers, processes
        ``"serial"`` (default) or ``"dask"``: the modelled runs (every year × demand factor)
        go to a Dask cluster like ``corridors sweep`` (``scheduler`` address, or a local
        cluster of ``workers``, as processes unless ``processes=False``).
    progress
        Called after each modelled year (two equilibria).

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an invalid project or option.
    """
    t0 = time.perf_counter()
    progress = no_progress if progress is None else progress
    if not isinstance(project, Project):
        project = load_project(project)
    if modelled_years is not None:
        bad = [y for y in modelled_years if not project.opening_year <= y <= project.last_year]
        if not modelled_years or bad:
            raise InvalidSpecError(
                explain(
                    f"modelled years {list(modelled_years)} must lie in the years of operation "
                    f"{project.opening_year}–{project.last_year}.",
                )
            )
        project = replace(project, modelled_years=tuple(sorted(set(modelled_years))))
    rate = project.discount_rate.value if discount_rate is None else float(discount_rate)
    discount_factors([0], rate, 0)  # validates
    if demand_range and (len(demand_range) != 2 or min(demand_range) <= 0):
        raise InvalidSpecError(
            explain(
                f"demand_range={demand_range!r} must be two positive factors.",
                fix="Use (0.8, 1.2).",
            )
        )
    if switching_runs < 0:
        raise InvalidSpecError(explain(f"switching_runs={switching_runs} must be ≥ 0."))
    factors = [1.0, *[float(f) for f in demand_range]]
    my = project.modelled_years
    total = len(my) * (len(factors) + (switching_runs if demand_range else 0))
    run, close = _runner(project, sue, executor, scheduler, workers, progress, total, processes)
    try:
        got = run([(f, y) for f in factors for y in my])
        runs: dict[float, dict[int, YearBenefits]] = {}
        for (f, y), yb in got.items():
            runs.setdefault(f, {})[y] = yb
        cash, summary = evaluate(project, runs[1.0], discount_rate=rate)

        def npv_at(f: float) -> float:
            return float(evaluate(project, runs[f], discount_rate=rate)[1]["npv_usd_m"])

        switching = _switching(project, runs, npv_at, run, switching_runs, bool(demand_range))
    finally:
        close()
    sens = _sensitivity(project, runs, rate, demand_range, discount_range, carbon_range)
    return Appraisal(
        project=project,
        runs=runs,
        cashflows=cash,
        summary=summary,
        sensitivity=sens,
        switching=switching,
        seconds=time.perf_counter() - t0,
        options={
            "discount_rate": rate,
            "demand_range": list(demand_range),
            "carbon_range": list(carbon_range),
            "modelled_years": list(my),
            "executor": executor,
        },
    )


def _switching(
    project: Project,
    runs: dict[float, dict[int, YearBenefits]],
    npv_at: Callable[[float], float],
    run: Runner,
    extra: int,
    enabled: bool,
) -> dict[str, Any]:
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


def _sensitivity(
    project: Project,
    runs: Mapping[float, Mapping[int, YearBenefits]],
    rate: float,
    demand_range: Sequence[float],
    discount_range: tuple[float, float] | None,
    carbon_range: tuple[float, float],
) -> pd.DataFrame:
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
