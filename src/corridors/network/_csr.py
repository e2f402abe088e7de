"""Compile the tables into the port-level CSR graph the kernels run on.

Vertices ``0 .. n_nodes-1`` are *access* vertices, one per node, where consignments start and
end (terminal handling). Every (node, port) pair in use gets a *port* vertex. Arcs are links
(between port vertices of the same port), transfers (gauge or mode changes between two port
vertices of one node) and access arcs (handling, between a node's access vertex and its ports).
Kernels never expand an access vertex other than the search origin, so a consignment cannot
change gauge or mode by "leaving and re-entering" a node.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.network._arcs import (
    WEEKDAYS,
    ArcBlock,
    access_arcs,
    concat_arcs,
    link_arcs,
    port_vertices,
    transfer_arcs,
    usable_links,
)
from corridors.network.costs import CostModel, default_unit
from corridors.network.enums import ARC_ACCESS, ARC_GAUGE, ARC_LINK, ARC_MODE, Cargo, Mode
from corridors.network.modes import PORTS

if TYPE_CHECKING:
    from corridors.network._protocol import NetworkTables

MODE_CODES = {m.value: m.code for m in Mode}
"""Built-in mode name → code of ``CompiledGraph.mode`` (every mode: :meth:`Mode.codes`)."""


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


def compile_graph(
    net: NetworkTables, cargo: Cargo, *, cost_model: CostModel | None = None
) -> CompiledGraph:
    """Build the :class:`CompiledGraph` of ``net`` for ``cargo`` (see module docstring).

    The structure (vertices, arcs) comes from the tables through the arc builders of
    :mod:`corridors.network._arcs`; every arc's time, cost and CO2 from ``cost_model``
    (default :class:`~corridors.network.costs.CostModel`) for one TEU or tonne.
    """
    from corridors.network._capacity import apply_transfer_capacities  # pandas: on first use

    cost_model = CostModel() if cost_model is None else cost_model
    lk, rows = usable_links(net, cargo)
    pv = port_vertices(net, lk)
    arcs = concat_arcs([link_arcs(lk, rows, pv), transfer_arcs(net, cargo, pv), access_arcs(pv)])
    arcs = apply_transfer_capacities(net, arcs, pv.vertex_node, pv.vertex_port)
    arcs = arcs.take(np.argsort(arcs.tail, kind="stable"))
    n_vertices = pv.n_nodes + len(pv.ports)
    indptr = np.zeros(n_vertices + 1, dtype=np.int64)
    np.add.at(indptr, arcs.tail + 1, 1)
    skeleton = _Skeleton(
        kind=arcs.kind.astype(np.int8),
        link=arcs.link,
        transfer=arcs.transfer,
        tail=arcs.tail,
        head=arcs.head,
        vertex_node=pv.vertex_node,
        vertex_port=pv.vertex_port,
    )
    fig = cost_model.arc_figures(net, skeleton, unit=default_unit(cargo))
    return CompiledGraph(
        cargo=cargo,
        n_nodes=pv.n_nodes,
        node_ids=np.asarray(net.nodes.index, dtype=object),
        countries=pv.countries,
        indptr=np.cumsum(indptr),
        time_h=fig.time_h.astype(float),
        cost_usd=fig.cost_usd.astype(float),
        co2_kg=fig.co2_wtw_kg.astype(float),
        co2_ttw_kg=fig.co2_ttw_kg.astype(float),
        vertex_node=pv.vertex_node,
        vertex_port=pv.vertex_port,
        **{f.name: _as_stored(f.name, getattr(arcs, f.name)) for f in fields(ArcBlock)},
    )


_STORED_AS: dict[str, type[np.integer[Any]]] = {"kind": np.int8, "mode": np.int8, "op": np.int8}
_STORED_AS |= {"border": np.int8, "country_a": np.int16, "country_b": np.int16}


def _as_stored(name: str, values: np.ndarray) -> np.ndarray:
    """A column of an :class:`ArcBlock` in the dtype :class:`CompiledGraph` stores it in."""
    return values.astype(_STORED_AS.get(name, values.dtype))


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
    "WEEKDAYS",
    "CompiledGraph",
    "compile_graph",
]
