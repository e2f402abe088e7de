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
from typing import TYPE_CHECKING

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
from corridors.network.enums import (
    ARC_LINK,
    VDF,
    VDF_ALPHA_DEFAULT,
    VDF_BETA_DEFAULT,
    ArcKind,
    Mode,
)

if TYPE_CHECKING:
    from corridors.network.model import Network

__all__ = [
    "BULK_PCE_TEU_PER_T",
    "CLASS_CARGO",
    "CorridorGraph",
    "assign_network",
    "baseline_demand",
    "corridor_graph",
]

BULK_PCE_TEU_PER_T = 114.0 / 3900.0
"""Line capacity one tonne of grain takes, in TEU-equivalent: a 57-wagon container train
carries ~114 TEU, a grain train of ~60 hoppers ~3,900 t on the same path (estimate, DEMAND.md
method M9)."""

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
    """

    graph: AssignmentGraph
    zones: tuple[str, ...]
    fixed_cost: Mapping[str, npt.NDArray[np.float64]]
    mask: Mapping[str, npt.NDArray[np.bool_]]
    value_of_time: Mapping[str, float]
    cargo_cost: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    cargo_time: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)


OVERLAND_ONLY: Mapping[str, tuple[str, ...]] = {"container": ("sea", "air"), "bulk": ("air",)}
"""Modes each cargo may not use in the corridor assignment. The bundled demand counts overland
transit containers (rail, with the Caspian and Black Sea ferries), so the deep-sea and air
markets, whose volumes are not in it, are closed to the container class; bulk grain may use
short-sea legs (e.g. Baltic ports to Norway) but never flies."""


def _value_of_time(net: Network, cargo: str) -> float:
    """USD per unit-hour of the cargo's default class, from the one cost model."""
    from corridors.network.costs import CostModel, default_unit
    from corridors.network.enums import Cargo, CargoClass

    unit = default_unit(Cargo(cargo))
    cls = CargoClass.GRAIN if unit.cargo is Cargo.BULK else CargoClass.CONTAINER_STD
    return CostModel().value_of_time(net, cls, unit)


def corridor_graph(
    net: Network,
    *,
    cargos: tuple[str, ...] = ("container", "bulk"),
    excluded_modes: Mapping[str, tuple[str, ...]] = OVERLAND_ONLY,
) -> CorridorGraph:
    """Merge the cargos' port-level graphs of ``net`` into one :class:`CorridorGraph`.

    Parameters
    ----------
    net
        The network.
    cargos
        Cargo types to merge.
    excluded_modes
        Cargo → modes its class may not use (default :data:`OVERLAND_ONLY`); a name that is
        no :class:`~corridors.network.enums.Mode` raises ``InvalidSpecError``.
    """
    compiled = {c: net.graph(c) for c in cargos}
    nodes = net.nodes
    n = len(nodes)
    vkey: dict[tuple[int, str], int] = {(i, "access"): i for i in range(n)}
    arcs: dict[tuple[int, int, int, int], int] = {}
    rows: list[dict[str, object]] = []
    per_cargo: dict[str, dict[int, tuple[float, float]]] = {c: {} for c in cargos}
    for c, g in compiled.items():
        vid = []
        for v in range(g.n_vertices):
            k = (int(g.vertex_node[v]), str(g.vertex_port[v]))
            if k not in vkey:
                vkey[k] = len(vkey)
            vid.append(vkey[k])
        for a in range(g.n_arcs):
            key = (vid[int(g.tail[a])], vid[int(g.head[a])], int(g.kind[a]), int(g.link[a]))
            if key not in arcs:
                arcs[key] = len(rows)
                rows.append(
                    {
                        "tail": key[0],
                        "head": key[1],
                        "kind": key[2],
                        "link": key[3],
                        "time_h": float(g.time_h[a]) + 0.5 * float(g.headway_h[a]),
                        "length_km": float(g.length_km[a]),
                        "capacity": float(g.capacity_teu_per_day[a]),
                        "vdf": float(g.vdf[a]),
                        "alpha": float(g.vdf_alpha[a]),
                        "beta": float(g.vdf_beta[a]),
                        "mode": int(g.mode[a]),
                        "border": bool(g.border[a]),
                    }
                )
            i = arcs[key]
            per_cargo[c][i] = (
                float(g.cost_usd[a]),
                float(g.time_h[a]) + 0.5 * float(g.headway_h[a]),
            )
    df = pd.DataFrame(rows)
    cap = df["capacity"].to_numpy()
    congested = np.isfinite(cap) & (cap > 0)
    vdf = np.where(congested, np.nan_to_num(df["vdf"].to_numpy(), nan=0.0), 0).astype(np.int8)
    alpha = np.where(congested, np.nan_to_num(df["alpha"].to_numpy(), nan=VDF_ALPHA_DEFAULT), 0.0)
    beta = np.where(
        congested, np.nan_to_num(df["beta"].to_numpy(), nan=VDF_BETA_DEFAULT), VDF_BETA_DEFAULT
    )
    beta = np.where(vdf == VDF.QUEUE, np.maximum(beta, 1.0), beta)
    alpha = np.where(vdf == VDF.CONICAL, np.maximum(alpha, 1.01), alpha)
    links = net.links.reset_index(drop=True)
    vnode = np.zeros(len(vkey), np.int64)
    vport = np.empty(len(vkey), dtype=object)
    for (node, port), v in vkey.items():
        vnode[v], vport[v] = node, port
    node_ids = nodes.index.to_numpy().astype(str)
    ids, types = [], []
    for r in rows:
        k, lk = int(r["kind"]), int(r["link"])  # type: ignore[call-overload]
        if k == ARC_LINK and lk >= 0:
            row = links.iloc[lk]
            ids.append(str(row.get("link_id_dir", row["link_id"])))
            mode = Mode.from_code(int(r["mode"]))  # type: ignore[call-overload]
            types.append("border" if r["border"] else mode.value)
        else:
            t, h = int(r["tail"]), int(r["head"])  # type: ignore[call-overload]
            label = ArcKind(k).label
            ids.append(f"{label}:{node_ids[vnode[t]]}:{vport[t]}>{vport[h]}")
            types.append(label)
    xy = nodes[["lon_deg", "lat_deg"]].to_numpy(dtype=float)[vnode]
    vertex_labels = np.array(
        [
            node_ids[vnode[v]] if vport[v] == "access" else f"{node_ids[vnode[v]]}:{vport[v]}"
            for v in range(len(vkey))
        ]
    )
    graph = AssignmentGraph(
        from_node=df["tail"].to_numpy(),
        to_node=df["head"].to_numpy(),
        n_nodes=len(vkey),
        n_zones=n,
        free_flow_time=df["time_h"].to_numpy(),
        capacity=np.where(congested, cap * DAYS_PER_YEAR, UNCONGESTED),
        vdf=vdf,
        alpha=alpha,
        beta=beta,
        length=np.nan_to_num(df["length_km"].to_numpy()),
        zone_through=False,
        link_ids=np.array(ids),
        node_ids=vertex_labels,
        link_type=np.array(types),
        node_xy=xy,
    )
    vot = {c: _value_of_time(net, c) for c in ("container", "bulk")}
    fixed, mask, c_cost, c_time = {}, {}, {}, {}
    base_t = df["time_h"].to_numpy()
    for c in cargos:
        f = np.zeros(len(rows))
        m = np.zeros(len(rows), np.bool_)
        cc, ct = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        for i, (cost, t) in per_cargo[c].items():
            f[i] = max(cost + vot[c] * (t - base_t[i]), 0.0)
            m[i] = True
            cc[i], ct[i] = cost, t
        c_cost[c], c_time[c] = cc, ct
        banned = Mode.codes(excluded_modes.get(c, ()))
        m &= ~((df["kind"].to_numpy() == ARC_LINK) & np.isin(df["mode"].to_numpy(), banned))
        fixed[c], mask[c] = f, m
    return CorridorGraph(
        graph, tuple(node_ids), fixed, mask, {c: vot[c] for c in cargos}, c_cost, c_time
    )


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

    Raises
    ------
    corridors.errors.DemandError
        For zones that differ from the network's nodes or a class without a cargo.
    """
    cmap = dict(CLASS_CARGO if class_cargo is None else class_cargo)
    check_demand_units(demand, cmap)
    cg = corridor_graph(net) if corridor is None else corridor
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
