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

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors._progress import ProgressCallback, no_progress
from corridors.appraisal._decision import BENEFITS, evaluate, sensitivity, switching_value
from corridors.appraisal._years import demand_in_year, run_year, runner
from corridors.appraisal.benefits import YearBenefits
from corridors.appraisal.money import discount_factors
from corridors.appraisal.project import Project, load_project
from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.assignment.sue import SUESpec

__all__ = ["BENEFITS", "Appraisal", "appraise", "demand_in_year", "evaluate", "run_year"]


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
    project, rate = _checked(project, modelled_years, discount_rate, demand_range, switching_runs)
    factors = [1.0, *[float(f) for f in demand_range]]
    my = project.modelled_years
    total = len(my) * (len(factors) + (switching_runs if demand_range else 0))
    run, close = runner(project, sue, executor, scheduler, workers, progress, total, processes)
    try:
        got = run([(f, y) for f in factors for y in my])
        runs: dict[float, dict[int, YearBenefits]] = {}
        for (f, y), yb in got.items():
            runs.setdefault(f, {})[y] = yb
        cash, summary = evaluate(project, runs[1.0], discount_rate=rate)

        def npv_at(f: float) -> float:
            return float(evaluate(project, runs[f], discount_rate=rate)[1]["npv_usd_m"])

        switching = switching_value(project, runs, npv_at, run, switching_runs, bool(demand_range))
    finally:
        close()
    sens = sensitivity(project, runs, rate, demand_range, discount_range, carbon_range)
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


def _checked(
    project: Project | str | Path,
    modelled_years: Sequence[int] | None,
    discount_rate: float | None,
    demand_range: tuple[float, float],
    switching_runs: int,
) -> tuple[Project, float]:
    """The project (loaded, with ``modelled_years`` applied) and the discount rate, after
    checking the options of :func:`appraise`."""
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
    return project, rate
