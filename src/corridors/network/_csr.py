"""Compile the tables into the port-level CSR graph the kernels run on.

Vertices ``0 .. n_nodes-1`` are *access* vertices, one per node, where consignments start and
end (terminal handling). Every (node, port) pair in use gets a *port* vertex. Arcs are links
(between port vertices of the same port), transfers (gauge or mode changes between two port
vertices of one node) and access arcs (handling, between a node's access vertex and its ports).
Kernels never expand an access vertex other than the search origin, so a consignment cannot
change gauge or mode by "leaving and re-entering" a node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.network._schema import PORTS
from corridors.network.enums import (
    ARC_ACCESS,
    ARC_GAUGE,
    ARC_LINK,
    ARC_MODE,
    VDF_ALPHA_DEFAULT,
    VDF_BETA_DEFAULT,
    Cargo,
    Mode,
    Operation,
)

if TYPE_CHECKING:
    from corridors.network.costs import CostModel
    from corridors.network.model import Network

MODE_CODES = {m.value: m.code for m in Mode}
"""Mode name → code of ``CompiledGraph.mode`` (from :attr:`Mode.code`)."""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, eq=False)
class CompiledGraph:
    """CSR arrays of the port-level graph for one cargo type.

    Per-arc arrays are in CSR order (sorted by tail). Units: hours, USD and kg CO2e per unit of
    cargo (per TEU for containers, per tonne for bulk); the figures come from
    :class:`corridors.network.costs.CostModel` (other units, dates and cargo classes:
    ``CostModel().arc_figures(net, graph, unit=...)``).

    Attributes
    ----------
    indptr, head, tail
        CSR structure: arcs of vertex ``v`` are ``indptr[v]:indptr[v+1]``.
    time_h, cost_usd, co2_kg, length_km
        Fixed figures per arc (running time plus border dwell; tariff plus border fees);
        ``co2_kg`` is well-to-wheel.
    co2_ttw_kg
        Tank-to-wheel kg CO2e per arc.
    transfer
        Row in the transfers table of gauge/mode-change arcs, -1 otherwise.
    op
        :class:`~corridors.network.enums.Operation` code of transfer and access arcs, -1 for
        links.
    headway_h
        Hours between sailings (0 = no waiting); waiting is added by the routing kernel.
    sailing_mask
        Bit ``d`` set when a sailing leaves on weekday ``d`` (Mon = 0); 0 = by frequency.
    kind
        ``ARC_LINK``, ``ARC_GAUGE``, ``ARC_MODE`` or ``ARC_ACCESS``.
    mode
        :attr:`~corridors.network.enums.Mode.code` of link arcs, -1 otherwise.
    link
        Row in ``Network.links`` of link arcs, -1 otherwise.
    country_a, country_b
        Country codes (index into ``countries``) of the arc's two ends.
    border
        1 where the arc crosses a border.
    capacity_teu_per_day, vdf, vdf_alpha, vdf_beta
        Congestion figures (NaN capacity = uncongested).
    vertex_node, vertex_port
        Node index and port name of each vertex.
    """

    cargo: Cargo
    n_nodes: int
    node_ids: np.ndarray
    countries: tuple[str, ...]
    indptr: np.ndarray
    head: np.ndarray
    tail: np.ndarray
    time_h: np.ndarray
    cost_usd: np.ndarray
    co2_kg: np.ndarray
    length_km: np.ndarray
    headway_h: np.ndarray
    sailing_mask: np.ndarray
    kind: np.ndarray
    mode: np.ndarray
    link: np.ndarray
    country_a: np.ndarray
    country_b: np.ndarray
    border: np.ndarray
    capacity_teu_per_day: np.ndarray
    vdf: np.ndarray
    vdf_alpha: np.ndarray
    vdf_beta: np.ndarray
    vertex_node: np.ndarray
    vertex_port: np.ndarray
    co2_ttw_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    transfer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    op: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))

    @property
    def n_vertices(self) -> int:
        return int(len(self.indptr) - 1)

    @property
    def n_arcs(self) -> int:
        return len(self.head)


def _sailing_mask(days: str) -> int:
    mask = 0
    for d in str(days).replace(",", ";").split(";"):
        d = d.strip().lower()[:3]
        if d in WEEKDAYS:
            mask |= 1 << WEEKDAYS.index(d)
    return mask


def compile_graph(
    net: Network, cargo: Cargo, *, cost_model: CostModel | None = None
) -> CompiledGraph:
    """Build the :class:`CompiledGraph` of ``net`` for ``cargo`` (see module docstring).

    The structure (vertices, arcs) comes from the tables; every arc's time, cost and CO2 from
    ``cost_model`` (default :class:`~corridors.network.costs.CostModel`) for one TEU or tonne.
    """
    import pandas as pd

    from corridors.network.costs import CostModel, default_unit

    cost_model = CostModel() if cost_model is None else cost_model
    nodes = net.nodes
    links = net.links.reset_index(drop=True)
    node_index = {n: k for k, n in enumerate(nodes.index)}
    countries = tuple(sorted(set(nodes["country"])))
    cidx = {c: k for k, c in enumerate(countries)}
    node_country = np.array([cidx[c] for c in nodes["country"]], dtype=np.int16)
    bulk = cargo is Cargo.BULK

    # Usable link directions for this cargo: a tariff must exist; bulk never flies.
    cargo_cols = cargo.columns
    tariff = links[cargo_cols.tariff].to_numpy(float)
    usable = ~np.isnan(tariff)
    if bulk:
        usable &= links["mode"].to_numpy() != "air"
    lk = links[usable]
    lk_rows = np.flatnonzero(usable)

    # Port vertices.
    pairs = (
        pd.concat(
            [
                pd.DataFrame({"node": lk["from_node"], "port": lk["port"]}),
                pd.DataFrame({"node": lk["to_node"], "port": lk["port"]}),
            ]
        )
        .drop_duplicates()
        .sort_values(["node", "port"])
        .reset_index(drop=True)
    )
    n = len(nodes)
    port_vertex = {
        (a, p): n + k for k, (a, p) in enumerate(zip(pairs["node"], pairs["port"], strict=True))
    }
    vertex_node = np.concatenate([np.arange(n), pairs["node"].map(node_index).to_numpy()])
    vertex_port = np.concatenate([np.full(n, "access", dtype=object), pairs["port"].to_numpy()])

    cols: dict[str, list[np.ndarray]] = {
        k: []
        for k in (
            "tail",
            "head",
            "time_h",
            "cost_usd",
            "co2_kg",
            "length_km",
            "headway_h",
            "sailing_mask",
            "kind",
            "mode",
            "link",
            "country_a",
            "country_b",
            "border",
            "transfer",
            "op",
            "cap",
            "vdf",
            "alpha",
            "beta",
        )
    }

    def add(**arrays: Any) -> None:
        m = len(arrays["tail"])
        defaults = {
            "co2_kg": 0.0,
            "length_km": 0.0,
            "headway_h": 0.0,
            "sailing_mask": 0,
            "mode": -1,
            "link": -1,
            "border": 0,
            "transfer": -1,
            "op": -1,
            "cap": np.nan,
            "vdf": 0.0,
            "alpha": VDF_ALPHA_DEFAULT,
            "beta": VDF_BETA_DEFAULT,
        }
        for key in cols:
            val = arrays.get(key, defaults.get(key))
            cols[key].append(np.broadcast_to(np.asarray(val), (m,)).copy())

    # 1. Link arcs.
    sailings = lk["sailings_per_week"].to_numpy(float)
    fa = lk["from_node"].map(node_index).to_numpy()
    fb = lk["to_node"].map(node_index).to_numpy()
    add(
        tail=np.array(
            [port_vertex[(a, p)] for a, p in zip(lk["from_node"], lk["port"], strict=True)]
        ),
        head=np.array(
            [port_vertex[(b, p)] for b, p in zip(lk["to_node"], lk["port"], strict=True)]
        ),
        time_h=0.0,
        cost_usd=0.0,
        length_km=lk["length_km"].to_numpy(float),
        headway_h=np.where(sailings > 0, 168.0 / np.where(sailings > 0, sailings, 1.0), 0.0),
        sailing_mask=np.array([_sailing_mask(d) for d in lk["sailing_days"]], dtype=np.int64),
        kind=ARC_LINK,
        mode=Mode.codes(lk["mode"]),
        link=lk_rows,
        country_a=node_country[fa],
        country_b=node_country[fb],
        border=lk["is_border"].to_numpy(int),
        cap=lk["capacity_teu_per_day"].to_numpy(float),
        vdf=lk["vdf"].to_numpy(float),
        alpha=lk["vdf_alpha"].to_numpy(float),
        beta=lk["vdf_beta"].to_numpy(float),
    )

    # 2. Transfers between ports of one node.
    tr = net.tables["transfers"]
    tr = tr.reset_index(drop=True)
    specific = {
        (r.node_id, frozenset((r.port_a, r.port_b))): r
        for r in tr.itertuples(index=True)
        if r.node_id != "*"
    }
    default = {
        frozenset((r.port_a, r.port_b)): r
        for r in tr.itertuples(index=True)
        if r.node_id == "*" and r.kind == "mode_change"
    }
    t_rows = []
    node_kind = dict(zip(nodes.index, nodes["kind"], strict=True))
    for node, group in pairs.groupby("node"):
        ports = list(group["port"])
        for i, pa in enumerate(ports):
            for pb in ports[i + 1 :]:
                pair = frozenset((pa, pb))
                row = specific.get((node, pair))
                both_rail = Mode.of_port(pa) is Mode.of_port(pb) is Mode.RAIL
                if row is None and not both_rail and node_kind[node] != "border_crossing":
                    row = default.get(pair)  # border stations transfer only where a row says
                if row is None:
                    continue
                time = getattr(row, cargo_cols.transfer_time)
                cost = getattr(row, cargo_cols.transfer_cost)
                if np.isnan(time) or np.isnan(cost):
                    continue  # this cargo cannot transfer here (e.g. no bulk reloading)
                kind = ARC_GAUGE if row.kind == "gauge_change" else ARC_MODE
                op = Operation.transfer(pa, pb).code
                for a, b in ((pa, pb), (pb, pa)):
                    t_rows.append(
                        (
                            port_vertex[(node, a)],
                            port_vertex[(node, b)],
                            row.Index,
                            kind,
                            node_index[node],
                            op,
                        )
                    )
    if t_rows:
        ta = np.array(t_rows, dtype=np.int64)
        nidx = ta[:, 4]
        add(
            tail=ta[:, 0],
            head=ta[:, 1],
            time_h=0.0,
            cost_usd=0.0,
            transfer=ta[:, 2],
            kind=ta[:, 3],
            op=ta[:, 5],
            country_a=node_country[nidx],
            country_b=node_country[nidx],
        )

    # 3. Access arcs (terminal handling at origin and destination).
    pn = pairs["node"].map(node_index).to_numpy()
    pv = np.arange(n, n + len(pairs))
    access_op = np.array([Operation.access(p).code for p in pairs["port"]], dtype=np.int64)
    for tail, head in ((pn, pv), (pv, pn)):
        add(
            tail=tail,
            head=head,
            time_h=0.0,
            cost_usd=0.0,
            op=access_op,
            kind=ARC_ACCESS,
            country_a=node_country[pn],
            country_b=node_country[pn],
        )

    arr = {k: np.concatenate(v) for k, v in cols.items()}
    from corridors.network._capacity import apply_transfer_capacities

    apply_transfer_capacities(net, arr, vertex_node, vertex_port)  # capacities.csv rows
    order = np.argsort(arr["tail"], kind="stable")
    arr = {k: v[order] for k, v in arr.items()}
    n_vertices = n + len(pairs)
    indptr = np.zeros(n_vertices + 1, dtype=np.int64)
    np.add.at(indptr, arr["tail"] + 1, 1)
    indptr = np.cumsum(indptr)
    skeleton = _Skeleton(
        kind=arr["kind"].astype(np.int8),
        link=arr["link"].astype(np.int64),
        transfer=arr["transfer"].astype(np.int64),
        tail=arr["tail"].astype(np.int64),
        head=arr["head"].astype(np.int64),
        vertex_node=vertex_node.astype(np.int64),
        vertex_port=vertex_port,
    )
    fig = cost_model.arc_figures(net, skeleton, unit=default_unit(cargo))
    arr["time_h"], arr["cost_usd"], arr["co2_kg"] = fig.time_h, fig.cost_usd, fig.co2_wtw_kg
    return CompiledGraph(
        cargo=cargo,
        n_nodes=n,
        node_ids=np.asarray(nodes.index, dtype=object),
        countries=countries,
        indptr=indptr,
        head=arr["head"].astype(np.int64),
        tail=arr["tail"].astype(np.int64),
        time_h=arr["time_h"].astype(float),
        cost_usd=arr["cost_usd"].astype(float),
        co2_kg=arr["co2_kg"].astype(float),
        length_km=arr["length_km"].astype(float),
        headway_h=arr["headway_h"].astype(float),
        sailing_mask=arr["sailing_mask"].astype(np.int64),
        kind=arr["kind"].astype(np.int8),
        mode=arr["mode"].astype(np.int8),
        link=arr["link"].astype(np.int64),
        country_a=arr["country_a"].astype(np.int16),
        country_b=arr["country_b"].astype(np.int16),
        border=arr["border"].astype(np.int8),
        capacity_teu_per_day=arr["cap"].astype(float),
        vdf=arr["vdf"].astype(float),
        vdf_alpha=arr["alpha"].astype(float),
        vdf_beta=arr["beta"].astype(float),
        vertex_node=vertex_node.astype(np.int64),
        vertex_port=vertex_port,
        co2_ttw_kg=fig.co2_ttw_kg.astype(float),
        transfer=skeleton.transfer,
        op=arr["op"].astype(np.int8),
    )


@dataclass(frozen=True, eq=False)
class _Skeleton:
    """The arc structure a :class:`CostModel` needs, before figures exist."""

    kind: np.ndarray
    link: np.ndarray
    transfer: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    vertex_node: np.ndarray
    vertex_port: np.ndarray


__all__ = [
    "ARC_ACCESS",
    "ARC_GAUGE",
    "ARC_LINK",
    "ARC_MODE",
    "MODE_CODES",
    "PORTS",
    "CompiledGraph",
    "compile_graph",
]
