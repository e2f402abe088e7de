"""The choice problem: markets, their alternatives and routes on one merged corridor graph.

:func:`build_problem` turns demand into markets (class, origin, destination) and generates
their first routes at free-flow times (:mod:`corridors.assignment._sue_routes`);
:func:`extend_problem` adds the routes the probes find at other (equilibrium) times.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from corridors.assignment._from_network import CorridorGraph, corridor_graph
from corridors.assignment._sue_routes import (
    arc_attributes,
    class_arrays,
    generate_routes,
)
from corridors.assignment.choice import ALT_NEST, ChoiceParameters, load_parameters
from corridors.assignment.classes import ClassProfile, class_profile, load_class_profiles
from corridors.assignment.demand import ODMatrices
from corridors.errors import ConvergenceWarning, InvalidSpecError, explain
from corridors.network.costs import CostModel

if TYPE_CHECKING:
    from corridors.network.model import Network

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class ChoiceProblem:
    """Markets, their alternatives and routes on one merged corridor graph.

    Paths are sorted by market, nest, alternative so that every group is contiguous.

    Attributes
    ----------
    net, corridor
        The network and its merged graph (zones = network nodes).
    demand
        The demand (zones = ``corridor.zones``).
    profiles
        One :class:`ClassProfile` per demand class, in demand order.
    mkt_cls, mkt_o, mkt_d, mkt_demand
        Per market: class index, origin and destination zone, demand in the class unit/yr.
    path_mkt, path_alt
        Per path: market and alternative (index in :data:`ALTERNATIVES`).
    incidence
        ``paths × links`` 0/1 matrix (CSR).
    path_cost, path_time_adj, path_length
        Per path: USD per unit (tariffs, fees, handling); hours the class spends beyond the
        graph's free-flow time (its own transfer and handling times); km.
    """

    net: Network
    corridor: CorridorGraph
    demand: ODMatrices
    profiles: tuple[ClassProfile, ...]
    mkt_cls: I64
    mkt_o: I64
    mkt_d: I64
    mkt_demand: F64
    path_mkt: I64
    path_alt: I64
    incidence: sp.csr_matrix
    path_cost: F64
    path_time_adj: F64
    path_length: F64
    path_keys: tuple[tuple[int, ...], ...]

    @property
    def n_paths(self) -> int:
        """Number of routes over all markets."""
        return int(self.path_mkt.shape[0])

    @property
    def class_names(self) -> tuple[str, ...]:
        """Demand classes, in demand order."""
        return tuple(p.name for p in self.profiles)

    @property
    def cost_model(self) -> CostModel:
        """The cost model pricing the routes (the merged graph's, ``corridor.cost_model``)."""
        return self.corridor.cost_model

    @property
    def class_pce(self) -> F64:
        """TEU-equivalent capacity one demand unit of each class loads, in demand order."""
        return np.array([p.pce_teu_per_unit for p in self.profiles])

    @property
    def demand_teu_eq(self) -> float:
        """Total demand over all markets in TEU-equivalent per year."""
        return float(np.sum(self.mkt_demand * self.class_pce[self.mkt_cls]))


def _markets(demand: ODMatrices) -> tuple[tuple[I64, I64, I64], F64]:
    """Every (class, origin, destination) with positive demand, and its demand (unit/yr)."""
    cls, org, dst, dem = [], [], [], []
    for ci, name in enumerate(demand.classes):
        o, d = np.nonzero(demand.matrices[name] > 0)
        cls.append(np.full(o.shape, ci))
        org.append(o)
        dst.append(d)
        dem.append(demand.matrices[name][o, d])
    markets = (
        np.concatenate(cls).astype(np.int64),
        np.concatenate(org).astype(np.int64),
        np.concatenate(dst).astype(np.int64),
    )
    return markets, np.concatenate(dem).astype(float)


def _warn_unrouted(
    found: Mapping[tuple[int, int], set[tuple[int, ...]]],
    markets: tuple[I64, I64, I64],
    profs: tuple[ClassProfile, ...],
    zones: tuple[str, ...],
) -> None:
    """Warn (for the caller of :func:`build_problem`) about markets without any route."""
    routed = np.zeros(markets[0].shape[0], np.bool_)
    routed[[m for m, _ in found]] = True
    if routed.all():
        return
    lost = ~routed
    z = np.asarray(zones)
    ex = [
        f"{profs[int(markets[0][i])].name} {z[markets[1][i]]}→{z[markets[2][i]]}"
        for i in np.flatnonzero(lost)[:3]
    ]
    warnings.warn(
        explain(
            f"{int(lost.sum())} market(s) have no route and carry nothing, e.g. "
            + "; ".join(ex)
            + ".",
            why="No link sequence joins them with the modes their class may use "
            "(data/model/classes.csv).",
            fix="Check the network's links near these places or the class's modes.",
        ),
        ConvergenceWarning,
        stacklevel=3,
    )


def build_problem(
    net: Network,
    demand: ODMatrices,
    *,
    params: ChoiceParameters | None = None,
    profiles: Mapping[str, ClassProfile] | None = None,
    corridor: CorridorGraph | None = None,
    cost_model: CostModel | None = None,
) -> ChoiceProblem:
    """Markets and their first route sets (generated at free-flow times).

    Parameters
    ----------
    net
        The network.
    demand
        Demand per class (names of :class:`~corridors.network.enums.CargoClass`, or the 2021
        ``containers``/``grain``), zones = network nodes.
    params
        Choice parameters (their ``vot_scale`` weighs time in route generation); default
        :func:`~corridors.assignment.choice.load_parameters`.
    profiles
        Class profiles; default the bundled ``classes.csv``.
    corridor
        A prebuilt merged graph with every mode open (``corridor_graph(net,
        excluded_modes={}, cost_model=...)``); it brings its own cost model.
    cost_model
        The cost model pricing every route (tariffs, fees, handling, the carbon price, cost
        terms of one's own); default ``CostModel()``, or ``corridor``'s.

    Raises
    ------
    corridors.errors.DemandError
        For a class without a profile.
    corridors.errors.InvalidSpecError
        When ``cost_model`` is not a :class:`~corridors.network.costs.CostModel`, or differs
        from the one ``corridor`` was priced with.
    """
    params = load_parameters() if params is None else params
    prof_all = load_class_profiles() if profiles is None else profiles
    cg = _corridor(net, corridor, cost_model)
    if tuple(demand.zones) != cg.zones:
        demand = ODMatrices.from_long(demand.to_long(), zones=list(cg.zones), source="demand")
    profs = tuple(class_profile(c, prof_all) for c in demand.classes)
    markets, mkt_demand = _markets(demand)
    attr = arc_attributes(net, cg)
    found = generate_routes(
        net, cg, attr, profs, markets, np.asarray(cg.graph.free_flow_time, float), params.vot_scale
    )
    _warn_unrouted(found, markets, profs, cg.zones)
    return assemble(net, cg, demand, profs, markets, mkt_demand, attr, found)


def _corridor(
    net: Network, corridor: CorridorGraph | None, cost_model: CostModel | None
) -> CorridorGraph:
    """The merged graph of ``net`` priced with ``cost_model`` (``corridor`` when given)."""
    if corridor is None:
        return corridor_graph(net, excluded_modes={}, cost_model=CostModel.coerce(cost_model))
    if cost_model is not None and CostModel.coerce(cost_model) != corridor.cost_model:
        raise InvalidSpecError(
            explain(
                "build_problem got a cost_model and a corridor graph priced with another one.",
                why="The routes would be generated at one set of prices and chosen at another.",
                fix="Build the corridor with corridor_graph(net, excluded_modes={}, "
                "cost_model=...), or pass only one of the two.",
            )
        )
    return corridor


def assemble(
    net: Network,
    cg: CorridorGraph,
    demand: ODMatrices,
    profs: tuple[ClassProfile, ...],
    markets: tuple[I64, I64, I64],
    mkt_demand: F64,
    attr: Mapping[str, Any],
    found: Mapping[tuple[int, int], set[tuple[int, ...]]],
) -> ChoiceProblem:
    """The problem holding the routes ``found`` per (market, alternative), sorted and costed."""
    g = cg.graph
    t0 = np.asarray(g.free_flow_time, float)
    rows = []
    for (m, a), paths in found.items():
        for p in sorted(paths):
            rows.append((m, ALT_NEST[a], a, p))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    n_p = len(rows)
    indptr = np.zeros(n_p + 1, np.int64)
    indptr[1:] = np.cumsum([len(r[3]) for r in rows])
    idx = np.fromiter((a for r in rows for a in r[3]), np.int64, count=int(indptr[-1]))
    inc = sp.csr_matrix((np.ones(idx.shape[0]), idx, indptr), shape=(n_p, g.n_links))
    path_mkt = np.array([r[0] for r in rows], np.int64)
    path_alt = np.array([r[2] for r in rows], np.int64)
    cost = np.empty(n_p)
    adj = np.empty(n_p)
    for ci, prof in enumerate(profs):
        c, tc, _ = class_arrays(cg, prof, attr, net)
        sel = np.flatnonzero(markets[0][path_mkt] == ci)
        if sel.size:
            sub = inc[sel]
            cost[sel] = sub @ c
            adj[sel] = sub @ (tc - t0)
    length = inc @ attr["length"]
    return ChoiceProblem(
        net=net,
        corridor=cg,
        demand=demand,
        profiles=profs,
        mkt_cls=markets[0],
        mkt_o=markets[1],
        mkt_d=markets[2],
        mkt_demand=mkt_demand,
        path_mkt=path_mkt,
        path_alt=path_alt,
        incidence=inc,
        path_cost=cost,
        path_time_adj=adj,
        path_length=np.asarray(length, float),
        path_keys=tuple(r[3] for r in rows),
    )


def extend_problem(
    problem: ChoiceProblem, link_time: F64, vot_scale: float
) -> tuple[ChoiceProblem, int]:
    """Add the routes the probes find at ``link_time``; returns the problem and the count."""
    attr = arc_attributes(problem.net, problem.corridor)
    markets = (problem.mkt_cls, problem.mkt_o, problem.mkt_d)
    new = generate_routes(
        problem.net, problem.corridor, attr, problem.profiles, markets, link_time, vot_scale
    )
    found: dict[tuple[int, int], set[tuple[int, ...]]] = {}
    for m, a, key in zip(problem.path_mkt, problem.path_alt, problem.path_keys, strict=True):
        found.setdefault((int(m), int(a)), set()).add(key)
    before = sum(len(v) for v in found.values())
    for k, v in new.items():
        found.setdefault(k, set()).update(v)
    after = sum(len(v) for v in found.values())
    if after == before:
        return problem, 0
    return (
        assemble(
            problem.net,
            problem.corridor,
            problem.demand,
            problem.profiles,
            markets,
            problem.mkt_demand,
            attr,
            found,
        ),
        after - before,
    )
