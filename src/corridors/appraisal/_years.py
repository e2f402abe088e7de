"""The modelled runs of an appraisal: demand grown to a year, both equilibria, their benefits.

:func:`run_year` is the unit of work (one year at one demand factor, two equilibria);
:func:`runner` runs a list of them serially or on Dask and reports progress.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors._progress import Progress, ProgressCallback
from corridors.appraisal.benefits import YearBenefits, year_benefits
from corridors.appraisal.project import Project
from corridors.errors import ConvergenceWarning, InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.assignment.demand import ODMatrices
    from corridors.assignment.sue import SUESpec
    from corridors.network.model import Network

__all__ = ["Runner", "demand_in_year", "run_year", "runner"]


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
    """The project's scenario as :func:`~corridors.scenarios.load_scenario` takes it."""
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


Runner = Callable[[Sequence[tuple[float, int]]], dict[tuple[float, int], YearBenefits]]


def runner(
    project: Project,
    sue: SUESpec | None,
    executor: str,
    scheduler: str | None,
    workers: int,
    progress: ProgressCallback,
    total: int,
    processes: bool = True,
) -> tuple[Runner, Callable[[], None]]:
    """A function running (demand factor, year) tasks with :func:`run_year`, and one that
    releases what it holds (the Dask client and cluster).

    ``executor`` is ``"serial"`` or ``"dask"`` (``scheduler`` address or a local cluster of
    ``workers``); ``progress`` is told after each task, out of ``total``.
    """
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
