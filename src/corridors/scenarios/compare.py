"""Compare a base network with scenarios: routes, utilization, system totals, corridor shifts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors._progress import Progress, ProgressCallback, no_progress
from corridors.errors import CorridorsError
from corridors.network.model import Network
from corridors.scenarios.apply import apply_scenario
from corridors.scenarios.model import Scenario, load_scenario

if TYPE_CHECKING:
    from corridors.assignment.demand import ODMatrices
    from corridors.assignment.sue import WarmStart
    from corridors.network.costs import CostModel

__all__ = ["DEFAULT_PAIRS", "Comparison", "compare_scenarios", "run_scenario"]

log = logging.getLogger(__name__)

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Xi'an", "Duisburg"),
    ("Xi'an", "Istanbul"),
    ("Urumqi", "Moscow"),
    ("Almaty", "Baku"),
)
"""OD pairs routed when none are given."""


@dataclass(frozen=True)
class Comparison:
    """Side-by-side results of a base and its scenarios (one row per scenario and item).

    Attributes
    ----------
    names
        ``"base"`` then each scenario's name.
    routes
        ``scenario, origin, destination, rank, corridor, days, cost_usd, co2_kg`` (the three
        best-ranked options per pair).
    crossings
        Border links with flow: ``scenario, link_id, countries, flow_teu, capacity_teu,
        volume_capacity``.
    totals
        ``scenario, demand_teu, system_time_teu_h, system_cost_usd, cn_kz_flow_teu,
        cn_kz_capacity_teu, cn_kz_utilization, max_volume_capacity``.
    corridors
        Equilibrium volume by corridor: ``scenario, class, corridor, demand`` (class unit/yr).
    modes
        Equilibrium mode shares: ``scenario, class, mode, flow, tonnes, share``.
    """

    names: tuple[str, ...]
    routes: pd.DataFrame
    crossings: pd.DataFrame
    totals: pd.DataFrame
    corridors: pd.DataFrame
    modes: pd.DataFrame = field(default_factory=pd.DataFrame)

    def mode_shares(self) -> pd.DataFrame:
        """Mode share per class, one column per scenario, plus the change (points) vs base."""
        if self.modes.empty:
            return pd.DataFrame()
        return self._wide(self.modes, "mode", "share")

    def shifts(self) -> pd.DataFrame:
        """Demand by corridor, one column per scenario, plus the change against the base."""
        return self._wide(self.corridors, "corridor", "demand")

    def _wide(self, df: pd.DataFrame, item: str, values: str) -> pd.DataFrame:
        """``values`` per class and ``item``, one column per scenario, then ``Δ <scenario>``
        columns (the scenario minus the base)."""
        wide = df.pivot_table(
            index=["class", item],
            columns="scenario",
            values=values,
            aggfunc="sum",
            fill_value=0.0,
        )[list(self.names)]
        for n in self.names[1:]:
            wide[f"Δ {n}"] = wide[n] - wide[self.names[0]]
        return wide.reset_index()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready tables: totals, routes, crossings, corridor shifts and mode shares."""
        return {
            "names": list(self.names),
            "totals": self.totals.to_dict(orient="records"),
            "routes": self.routes.to_dict(orient="records"),
            "crossings": self.crossings.to_dict(orient="records"),
            "corridor_shifts": self.shifts().to_dict(orient="records"),
            "mode_shares": self.mode_shares().to_dict(orient="records"),
        }


def _countries(net: Network, label: str) -> str:
    """Country of the node a graph label (``node`` or ``node:port``) belongs to."""
    return str(net.nodes.at[label.split(":")[0], "country"])


def run_scenario(
    net: Network,
    demand: ODMatrices,
    pairs: Sequence[tuple[str, str]],
    name: str,
    *,
    start: WarmStart | None = None,
    cost_model: CostModel | None = None,
) -> dict[str, pd.DataFrame]:
    """Routes for ``pairs``, the choice equilibrium, and corridor and mode shares on one network.

    The equilibrium is the mode/corridor/route choice of :mod:`corridors.assignment.sue` with
    the calibrated parameters: a scenario moves traffic between sea, the rail corridors, road
    and air, not only between routes. ``start`` (route shares of a solved base) starts the
    averaging near the answer (:func:`corridors.assignment.sue.solve`). ``cost_model`` prices
    the routes and the equilibrium (default ``CostModel()``)."""
    from corridors.assignment.sue import SUESpec, equilibrium

    routes = _route_rows(net, pairs, name, cost_model)
    spec = SUESpec(target_gap=1e-5)
    res = equilibrium(net, demand, spec=spec, start=start, cost_model=cost_model)
    lt = res.link_table()
    cross, flow_cnkz, cap_cnkz = _crossings(net, lt, name)
    vc = lt["volume_capacity"].dropna()
    totals = pd.DataFrame(
        [
            {
                "scenario": name,
                "demand_teu": res.problem.demand_teu_eq,
                "system_time_teu_h": float((lt["flow_teu_eq_per_yr"] * lt["time_h"]).sum()),
                "system_cost_usd": float(np.sum(res.path_flow * res.path_gc)),
                "cn_kz_flow_teu": flow_cnkz,
                "cn_kz_capacity_teu": cap_cnkz,
                "cn_kz_utilization": flow_cnkz / cap_cnkz if cap_cnkz else np.nan,
                "max_volume_capacity": float(vc.max()) if len(vc) else np.nan,
                "converged": bool(res.converged),
            }
        ]
    )
    ms = res.mode_shares(by="corridor")
    corr = pd.DataFrame(
        {"scenario": name, "class": ms["class"], "corridor": ms["corridor"], "demand": ms["flow"]}
    )
    mo = res.mode_shares(by="mode")
    modes = pd.DataFrame({"scenario": name, **{c: mo[c] for c in _MODE_COLUMNS}})
    return {
        "routes": routes,
        "crossings": cross,
        "totals": totals,
        "corridors": corr,
        "modes": modes,
    }


_MODE_COLUMNS = ("class", "mode", "flow", "tonnes", "share")


def _route_rows(
    net: Network, pairs: Sequence[tuple[str, str]], name: str, cost_model: CostModel | None
) -> pd.DataFrame:
    """The three best-ranked options per pair (rank 0 with ``no route (…)`` where none)."""
    from corridors.routing import pareto_routes

    nan = float("nan")
    rows = []
    for o, d in pairs:
        try:
            opts = pareto_routes(net, o, d, eps=0.02, max_options=3, cost_model=cost_model)
        except CorridorsError as exc:  # a closed corridor may leave no route
            rows.append((o, d, 0, f"no route ({type(exc).__name__})", nan, nan, nan))
            continue
        for k, it in enumerate(opts.options[:3], start=1):
            rows.append((o, d, k, it.corridor, it.days, it.cost_usd, it.co2_kg))
    cols = ["origin", "destination", "rank", "corridor", "days", "cost_usd", "co2_kg"]
    return pd.DataFrame([{"scenario": name, **dict(zip(cols, r, strict=True))} for r in rows])


def _crossings(net: Network, lt: pd.DataFrame, name: str) -> tuple[pd.DataFrame, float, float]:
    """Border links with flow (and every China–Kazakhstan one) from the equilibrium's link
    table, and the China–Kazakhstan flow and capacity (TEU-equivalent per year)."""
    border = lt[lt["link_type"] == "border"].copy()
    ca = border["from_node"].map(lambda v: _countries(net, v))
    cb = border["to_node"].map(lambda v: _countries(net, v))
    border["countries"] = ca + "→" + cb
    cnkz = ((ca == "CN") & (cb == "KZ")) | ((ca == "KZ") & (cb == "CN"))
    finite = border["capacity_teu_eq_per_yr"].notna()
    cross = border[(border["flow_teu_eq_per_yr"] > 0) | cnkz].assign(scenario=name)
    cross = cross.rename(
        columns={"flow_teu_eq_per_yr": "flow_teu", "capacity_teu_eq_per_yr": "capacity_teu"}
    )
    cross = cross[
        ["scenario", "link_id", "countries", "flow_teu", "capacity_teu", "volume_capacity"]
    ]
    cap_cnkz = float(border.loc[cnkz & finite, "capacity_teu_eq_per_yr"].sum())
    flow_cnkz = float(border.loc[cnkz & finite, "flow_teu_eq_per_yr"].sum())
    return cross, flow_cnkz, cap_cnkz


def compare_scenarios(
    base: Network,
    scenarios: Sequence[Scenario | str],
    *,
    pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
    demand: ODMatrices | None = None,
    progress: ProgressCallback = no_progress,
    cost_model: CostModel | None = None,
) -> Comparison:
    """Run routing and assignment on ``base`` and on each scenario; gather side by side.

    Parameters
    ----------
    base
        The base network (untouched).
    scenarios
        Scenarios or scenario files / shipped names.
    pairs
        Origin-destination place pairs to list route options for.
    demand
        Demand matrices; default: the base-year (2024) demand of ``base``.
    progress
        Called once per finished network.
    cost_model
        Prices the routes and the equilibria of every network (default ``CostModel()``).

    Returns
    -------
    Comparison

    Raises
    ------
    ScenarioError
        If a scenario cannot be applied (before anything runs).
    InvalidSpecError
        When ``cost_model`` is not a :class:`~corridors.network.costs.CostModel`.
    """
    from corridors.assignment.sue import base_demand
    from corridors.network.costs import CostModel

    cost_model = CostModel.coerce(cost_model)
    demand = base_demand(base) if demand is None else demand
    specs = [load_scenario(s) if isinstance(s, str) else s for s in scenarios]
    nets: list[tuple[str, Network, ODMatrices]] = [("base", base, demand)]
    for s in specs:  # apply all first: every rejection before anything runs
        net, dem = apply_scenario(base, s, demand=demand)
        nets.append((s.name, net, dem if dem is not None else demand))
    parts: dict[str, list[pd.DataFrame]] = {}
    for k, (name, net, dem) in enumerate(nets):
        for key, df in run_scenario(net, dem, pairs, name, cost_model=cost_model).items():
            parts.setdefault(key, []).append(df)
        progress(Progress("compare", k + 1, len(nets), name))
    cat = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    return Comparison(
        tuple(n for n, _, _ in nets),
        cat["routes"],
        cat["crossings"],
        cat["totals"],
        cat["corridors"],
        cat["modes"],
    )
