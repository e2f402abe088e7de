"""Turn a corridor :class:`~corridors.network.Network` into an assignment problem.

Each cargo has its own port-level graph (``Network.graph(cargo)``): containers and bulk may use
different links and transfers. Multi-class assignment needs one graph whose links share
capacity, so the two are merged by key: a vertex is ``(node, port)``, an arc is
``(tail vertex, head vertex, arc kind, link row)``. An arc missing from a cargo's graph is
masked for that class. Zones are the nodes' access vertices (never passed through).

Units: time in hours, flow per year, capacity = ``capacity_teu_per_day × 365`` in TEU-equivalent
per year. Ferry and sea arcs add half their headway as average waiting. Bulk tonnes load line
capacity with ``pce`` TEU-equivalent per tonne (default :data:`BULK_PCE_TEU_PER_T`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors._progress import ProgressCallback
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.algorithms import assign
from corridors.assignment.demand import ODMatrices
from corridors.assignment.results import AssignmentResult
from corridors.assignment.spec import AssignmentSpec, DemandClass
from corridors.errors import DemandError, explain
from corridors.network._capacity import BULK_TEU_EQ_PER_T
from corridors.network._csr import compile_graph
from corridors.network.costs import CostModel, default_unit
from corridors.network.enums import (
    ARC_LINK,
    VDF,
    VDF_ALPHA_DEFAULT,
    VDF_BETA_DEFAULT,
    ArcKind,
    Cargo,
    CargoClass,
    Mode,
)

if TYPE_CHECKING:
    from corridors.network._csr import CompiledGraph
    from corridors.network.model import Network

__all__ = [
    "BULK_PCE_TEU_PER_T",
    "CLASS_CARGO",
    "CorridorGraph",
    "assign_network",
    "baseline_demand",
    "corridor_graph",
]

BULK_PCE_TEU_PER_T = BULK_TEU_EQ_PER_T
"""Line capacity one tonne of bulk takes, in TEU-equivalent: a train path carries 86 TEU of
containers or one bulk train of ~3,700 t (:data:`corridors.network._capacity.BULK_TEU_EQ_PER_T`,
method M150)."""

BASELINE_DEMAND = Path(__file__).resolve().parents[1] / "data" / "demand" / "baseline.csv"
"""The bundled baseline demand file."""

CLASS_CARGO = {
    "containers": "container",
    "grain": "bulk",
    "container_std": "container",
    "container_hv": "container",
    "dry_bulk": "bulk",
    "liquid_bulk": "bulk",
}
"""Demand class → network cargo type (the 2021 names and the CargoClass values)."""

DAYS_PER_YEAR = 365.0
UNCONGESTED = 1e12
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class CorridorGraph:
    """The merged assignment graph of a network and each cargo's costs on it.

    Attributes
    ----------
    graph
        The assignment graph (zones = network nodes, in ``Network.nodes`` order).
    zones
        Node ids of the zones.
    fixed_cost
        Cargo → USD per unit (TEU or t) per arc, including the cargo's own fixed-time
        difference valued at its value of time.
    mask
        Cargo → arcs the cargo may use.
    value_of_time
        Cargo → USD per unit-hour.
    cargo_cost, cargo_time
        Cargo → the cargo's own USD per unit and fixed hours per arc (``nan`` where the
        cargo's graph lacks the arc), for models that value time per class.
    arc_of
        Cargo → the arc of :attr:`graph` of every arc of ``net.graph(cargo)``.
    cost_model
        The cost model that priced the arcs (models built on this graph price with it).
    """

    graph: AssignmentGraph
    zones: tuple[str, ...]
    fixed_cost: Mapping[str, npt.NDArray[np.float64]]
    mask: Mapping[str, npt.NDArray[np.bool_]]
    value_of_time: Mapping[str, float]
    cargo_cost: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    cargo_time: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    arc_of: Mapping[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    cost_model: CostModel = field(default_factory=CostModel)


OVERLAND_ONLY: Mapping[str, tuple[str, ...]] = {"container": ("sea", "air"), "bulk": ("air",)}
"""Modes each cargo may not use in the corridor assignment. The bundled demand counts overland
transit containers (rail, with the Caspian and Black Sea ferries), so the deep-sea and air
markets, whose volumes are not in it, are closed to the container class; bulk grain may use
short-sea legs (e.g. Baltic ports to Norway) but never flies."""


def _value_of_time(net: Network, cargo: str, cost_model: CostModel) -> float:
    """USD per unit-hour of the cargo's default class, from the one cost model."""
    unit = default_unit(Cargo(cargo))
    cls = CargoClass.GRAIN if unit.cargo is Cargo.BULK else CargoClass.CONTAINER_STD
    return cost_model.value_of_time(net, cls, unit)


@dataclass(frozen=True, eq=False)
class _Merged:
    """The cargos' compiled graphs merged by key, arrays in merged-arc order.

    A vertex is ``(node, port)``; an arc ``(tail, head, kind, link row)``. Each merged arc
    takes its fixed figures (``arcs``) from the first cargo graph that has it; ``arc_of``
    maps every cargo's arcs to merged ones.
    """

    vertex_node: I64
    vertex_port: npt.NDArray[np.object_]
    arcs: dict[str, npt.NDArray[np.float64]]
    arc_of: dict[str, I64]


def _merge(compiled: Mapping[str, CompiledGraph], n_nodes: int, cm: CostModel) -> _Merged:
    """Merge compiled graphs by vertex and arc key, in order of first appearance."""
    vkey: dict[tuple[int, str], int] = {(i, "access"): i for i in range(n_nodes)}
    cols: dict[str, list[npt.NDArray[np.float64]]] = {}
    wait = cm.expected_wait_h  # average sailing wait without a timetable
    for g in compiled.values():
        vid = np.asarray(
            [
                vkey.setdefault((int(nd), str(p)), len(vkey))
                for nd, p in zip(g.vertex_node, g.vertex_port, strict=True)
            ],
            np.int64,
        )
        for name, arr in (
            ("tail", vid[g.tail]),
            ("head", vid[g.head]),
            ("kind", g.kind),
            ("link", g.link),
            ("time_h", g.time_h + wait(g.headway_h)),
            ("length_km", g.length_km),
            ("capacity", g.capacity_teu_per_day),
            ("vdf", g.vdf),
            ("alpha", g.vdf_alpha),
            ("beta", g.vdf_beta),
            ("mode", g.mode),
            ("border", g.border),
        ):
            cols.setdefault(name, []).append(np.asarray(arr, dtype=float))
    stacked = {k: np.concatenate(v) for k, v in cols.items()}
    key = np.stack([stacked[k] for k in ("tail", "head", "kind", "link")], axis=1)
    _, first, inverse = np.unique(
        key.astype(np.int64), axis=0, return_index=True, return_inverse=True
    )
    order = np.argsort(first, kind="stable")  # merged arcs in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    merged, arc_of, start = rank[inverse.ravel()], {}, 0
    for c, g in compiled.items():
        arc_of[c] = merged[start : start + g.n_arcs].astype(np.int64)
        start += g.n_arcs
    vertex_node = np.zeros(len(vkey), np.int64)
    vertex_port = np.empty(len(vkey), dtype=object)
    for (node, port), v in vkey.items():
        vertex_node[v], vertex_port[v] = node, port
    arcs = {k: v[first[order]] for k, v in stacked.items()}
    return _Merged(vertex_node, vertex_port, arcs, arc_of)


def _vdf_arrays(a: Mapping[str, npt.NDArray[np.float64]]) -> dict[str, npt.NDArray[Any]]:
    """Capacity per year and VDF parameters; arcs without a capacity are uncongested BPR."""
    cap = a["capacity"]
    congested = np.isfinite(cap) & (cap > 0)
    vdf = np.where(congested, np.nan_to_num(a["vdf"], nan=0.0), 0).astype(np.int8)
    alpha = np.where(congested, np.nan_to_num(a["alpha"], nan=VDF_ALPHA_DEFAULT), 0.0)
    beta = np.where(congested, np.nan_to_num(a["beta"], nan=VDF_BETA_DEFAULT), VDF_BETA_DEFAULT)
    return {
        "capacity": np.where(congested, cap * DAYS_PER_YEAR, UNCONGESTED),
        "vdf": vdf,
        "alpha": np.where(vdf == VDF.CONICAL, np.maximum(alpha, 1.01), alpha),
        "beta": np.where(vdf == VDF.QUEUE, np.maximum(beta, 1.0), beta),
    }


def _labels(net: Network, m: _Merged) -> tuple[npt.NDArray[np.str_], ...]:
    """Arc ids (directed link id, or ``<kind>:<node>:<port>><port>``), arc types (mode,
    ``border`` or the arc kind's label) and vertex labels (``node`` or ``node:port``)."""
    a, vnode, vport = m.arcs, m.vertex_node, m.vertex_port
    node_ids = net.nodes.index.to_numpy().astype(str)
    link_dir = net.links["link_id_dir"].to_numpy().astype(str)
    ids, types = [], []
    for k, lk, mode, border, t, h in zip(
        *(a[c].astype(np.int64) for c in ("kind", "link", "mode", "border", "tail", "head")),
        strict=True,
    ):
        if k == ARC_LINK and lk >= 0:
            ids.append(link_dir[lk])
            types.append("border" if border else Mode.from_code(int(mode)).value)
        else:
            label = ArcKind(int(k)).label
            ids.append(f"{label}:{node_ids[vnode[t]]}:{vport[t]}>{vport[h]}")
            types.append(label)
    vertex = [
        node_ids[n] if p == "access" else f"{node_ids[n]}:{p}"
        for n, p in zip(vnode, vport, strict=True)
    ]
    return np.array(ids), np.array(types), np.array(vertex)


def corridor_graph(
    net: Network,
    *,
    cargos: tuple[str, ...] = ("container", "bulk"),
    excluded_modes: Mapping[str, tuple[str, ...]] = OVERLAND_ONLY,
    cost_model: CostModel | None = None,
) -> CorridorGraph:
    """Merge the cargos' compiled graphs (``net.graph(cargo)``) into one :class:`CorridorGraph`.

    Parameters
    ----------
    net
        The network.
    cargos
        Cargo types to merge.
    excluded_modes
        Cargo → modes its class may not use (default :data:`OVERLAND_ONLY`); a name that is
        no :class:`~corridors.network.enums.Mode` raises ``InvalidSpecError``.
    cost_model
        The cost model pricing the arcs (default: the network's compiled figures, i.e.
        ``CostModel()``), e.g. with a carbon price or cost terms of its own; kept as
        :attr:`CorridorGraph.cost_model`.

    Raises
    ------
    corridors.errors.InvalidSpecError
        When ``cost_model`` is not a :class:`~corridors.network.costs.CostModel`.
    """
    cm = CostModel.coerce(cost_model)
    if cm == CostModel():
        compiled = {c: net.graph(c) for c in cargos}
    else:
        compiled = {c: compile_graph(net, Cargo(c), cost_model=cm) for c in cargos}
    nodes = net.nodes
    m = _merge(compiled, len(nodes), cm)
    a = m.arcs
    ids, types, vertex_labels = _labels(net, m)
    v = _vdf_arrays(a)
    graph = AssignmentGraph(
        from_node=a["tail"].astype(np.int64),
        to_node=a["head"].astype(np.int64),
        n_nodes=len(m.vertex_node),
        n_zones=len(nodes),
        free_flow_time=a["time_h"],
        capacity=v["capacity"],
        vdf=v["vdf"],
        alpha=v["alpha"],
        beta=v["beta"],
        length=np.nan_to_num(a["length_km"]),
        zone_through=False,
        link_ids=ids,
        node_ids=vertex_labels,
        link_type=types,
        node_xy=nodes[["lon_deg", "lat_deg"]].to_numpy(dtype=float)[m.vertex_node],
    )
    vot = {c: _value_of_time(net, c, cm) for c in ("container", "bulk")}
    is_link = a["kind"] == ARC_LINK
    fixed, mask, c_cost, c_time = {}, {}, {}, {}
    for c, g in compiled.items():
        i = m.arc_of[c]
        c_cost[c], c_time[c] = np.full(len(ids), np.nan), np.full(len(ids), np.nan)
        c_cost[c][i], c_time[c][i] = g.cost_usd, g.time_h + cm.expected_wait_h(g.headway_h)
        fixed[c] = np.nan_to_num(np.maximum(c_cost[c] + vot[c] * (c_time[c] - a["time_h"]), 0.0))
        banned = Mode.codes(excluded_modes.get(c, ()))
        mask[c] = np.isin(np.arange(len(ids)), i) & ~(is_link & np.isin(a["mode"], banned))
    return CorridorGraph(
        graph, tuple(nodes.index.astype(str)), fixed, mask, {c: vot[c] for c in cargos},
        c_cost, c_time, m.arc_of, cm,
    )  # fmt: skip


def baseline_demand(net: Network) -> ODMatrices:
    """The bundled baseline demand (``data/demand/baseline.csv``, see ``DEMAND.md``)."""
    df = pd.read_csv(BASELINE_DEMAND, comment="#")
    return ODMatrices.from_long(df, zones=list(net.nodes.index.astype(str)), source="baseline.csv")


DEMAND_UNITS = {"container": "TEU/year", "bulk": "t/year"}
"""The unit a demand class of each cargo must be given in (flows are per year)."""


def check_demand_units(demand: ODMatrices, class_cargo: Mapping[str, str]) -> None:
    """Raise :class:`~corridors.errors.DemandError` when a class's stated unit is not the
    one its cargo is assigned in (:data:`DEMAND_UNITS`); classes without a unit pass."""
    for name, unit in (demand.units or {}).items():
        want = DEMAND_UNITS.get(class_cargo.get(name, ""))
        if want is None or not unit:
            continue
        if unit.replace(" ", "").lower() != want.lower():
            raise DemandError(
                explain(
                    f"Demand class {name!r} is in {unit!r}, but {class_cargo[name]} demand is "
                    f"assigned in {want}.",
                    why="Capacities are per year in TEU-equivalent; another unit would be "
                    "silently mis-scaled.",
                    fix=f"Convert the values to {want} and write that in the unit column.",
                )
            )


def assign_network(
    net: Network,
    demand: ODMatrices,
    *,
    spec: AssignmentSpec | None = None,
    progress: ProgressCallback | None = None,
    class_cargo: Mapping[str, str] | None = None,
    pce: Mapping[str, float] | None = None,
    corridor: CorridorGraph | None = None,
    cost_model: CostModel | None = None,
) -> AssignmentResult:
    """Equilibrium assignment of ``demand`` on ``net`` (cost in USD per unit).

    Parameters
    ----------
    net
        The network.
    demand
        Matrices per class over the network's nodes (e.g. :func:`baseline_demand`).
    spec
        Algorithm settings (default gradient projection to gap 1e-6).
    progress
        Progress callback.
    class_cargo
        Class → cargo (default :data:`CLASS_CARGO`).
    pce
        Class → TEU-equivalent per demand unit (default 1 for containers,
        :data:`BULK_PCE_TEU_PER_T` for bulk classes).
    corridor
        A prebuilt :func:`corridor_graph` to reuse.
    cost_model
        Cost model for :func:`corridor_graph` (when ``corridor`` is not given).

    Raises
    ------
    corridors.errors.DemandError
        For zones that differ from the network's nodes or a class without a cargo.
    """
    cmap = dict(CLASS_CARGO if class_cargo is None else class_cargo)
    check_demand_units(demand, cmap)
    cg = corridor_graph(net, cost_model=cost_model) if corridor is None else corridor
    if tuple(demand.zones) != cg.zones:
        demand = ODMatrices.from_long(demand.to_long(), zones=list(cg.zones), source="demand")
    classes = []
    for name, m in demand.matrices.items():
        cargo = cmap.get(name)
        if cargo is None or cargo not in cg.fixed_cost:
            raise DemandError(
                explain(
                    f"Demand class {name!r} has no cargo type.",
                    fix=f"Map it with class_cargo, e.g. {{'{name}': 'container'}}.",
                )
            )
        default_pce = BULK_PCE_TEU_PER_T if cargo == "bulk" else 1.0
        classes.append(
            DemandClass(
                name,
                m,
                value_of_time=cg.value_of_time[cargo],
                pce=(pce or {}).get(name, default_pce),
                fixed_cost=cg.fixed_cost[cargo],
                link_mask=cg.mask[cargo],
            )
        )
    return assign(cg.graph, classes, spec=spec, progress=progress)
