"""Arc builders of the port-level graph: one typed function per arc kind.

:func:`port_vertices` lays out the vertices; :func:`link_arcs`, :func:`transfer_arcs` and
:func:`access_arcs` each return an :class:`ArcBlock` (typed per-arc columns, unsorted) that
:func:`corridors.network._csr.compile_graph` concatenates, orders by tail and figures with the
cost model. Which links a cargo may use, which ports a mode has and which operation a transfer
is all come from the mode table (:mod:`corridors.network.modes`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

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
    import pandas as pd

    from corridors.network._protocol import NetworkTables

__all__ = [
    "ArcBlock",
    "PortVertices",
    "access_arcs",
    "concat_arcs",
    "link_arcs",
    "port_vertices",
    "transfer_arcs",
    "usable_links",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, eq=False)
class ArcBlock:
    """Per-arc columns of a set of arcs, named as in :class:`~corridors.network._csr.CompiledGraph`.

    Build one with :meth:`new` (every optional column at its "not applicable" value) and
    :func:`dataclasses.replace` the columns the arc kind has.
    """

    tail: I64
    head: I64
    kind: I64
    country_a: I64
    country_b: I64
    length_km: F64
    headway_h: F64
    sailing_mask: I64
    mode: I64
    link: I64
    border: I64
    transfer: I64
    op: I64
    capacity_teu_per_day: F64
    vdf: F64
    vdf_alpha: F64
    vdf_beta: F64

    @classmethod
    def new(cls, tail: I64, head: I64, kind: int | I64, country_a: I64, country_b: I64) -> ArcBlock:
        """Arcs ``tail → head`` of ``kind``; no mode, link, transfer, operation or capacity."""
        m = len(tail)

        def full(value: float) -> Any:
            return np.full(m, value, dtype=np.int64 if float(value).is_integer() else float)

        return cls(
            tail=np.asarray(tail, np.int64),
            head=np.asarray(head, np.int64),
            kind=np.broadcast_to(np.asarray(kind, np.int64), (m,)).copy(),
            country_a=np.asarray(country_a, np.int64),
            country_b=np.asarray(country_b, np.int64),
            length_km=np.zeros(m),
            headway_h=np.zeros(m),
            sailing_mask=full(0),
            mode=full(-1),
            link=full(-1),
            border=full(0),
            transfer=full(-1),
            op=full(-1),
            capacity_teu_per_day=np.full(m, np.nan),
            vdf=np.zeros(m),
            vdf_alpha=np.full(m, VDF_ALPHA_DEFAULT),
            vdf_beta=np.full(m, VDF_BETA_DEFAULT),
        )

    def __len__(self) -> int:
        return len(self.tail)

    def take(self, order: I64) -> ArcBlock:
        """The arcs in ``order`` (e.g. sorted by tail)."""
        return ArcBlock(**{f.name: getattr(self, f.name)[order] for f in fields(self)})


def concat_arcs(blocks: list[ArcBlock]) -> ArcBlock:
    """One block of the arcs of ``blocks``, in order."""
    return ArcBlock(
        **{f.name: np.concatenate([getattr(b, f.name) for b in blocks]) for f in fields(ArcBlock)}
    )


@dataclass(frozen=True, eq=False)
class PortVertices:
    """Vertex layout: access vertices ``0 .. n_nodes-1``, then one per (node, port) in use.

    Attributes
    ----------
    n_nodes
        Number of nodes (and access vertices).
    nodes, ports
        Node id and port of each port vertex, sorted by node then port.
    index
        ``(node id, port)`` → vertex.
    node_index
        Node id → position in ``Network.nodes`` (its access vertex).
    node_country
        Country code (index into ``countries``) of each node.
    countries
        Sorted country codes of the network.
    """

    n_nodes: int
    nodes: list[str]
    ports: list[str]
    index: dict[tuple[str, str], int]
    node_index: dict[str, int]
    node_country: I64
    countries: tuple[str, ...]

    @property
    def vertex_node(self) -> I64:
        """Node position of every vertex."""
        own = [self.node_index[n] for n in self.nodes]
        return np.concatenate([np.arange(self.n_nodes), np.asarray(own, np.int64)])

    @property
    def vertex_port(self) -> npt.NDArray[np.object_]:
        """Port of every vertex (``"access"`` for access vertices)."""
        access = np.full(self.n_nodes, "access", dtype=object)
        return np.concatenate([access, np.asarray(self.ports, dtype=object)])


def usable_links(net: NetworkTables, cargo: Cargo) -> tuple[pd.DataFrame, I64]:
    """Directed links ``cargo`` may use (a tariff exists; the mode carries it) and their rows."""
    links = net.links.reset_index(drop=True)
    usable = ~np.isnan(links[cargo.columns.tariff].to_numpy(float))
    carries = {m.value: m.spec.carries(cargo.value) for m in Mode}
    usable &= links["mode"].map(carries).to_numpy(bool)
    return links[usable], np.flatnonzero(usable).astype(np.int64)


def port_vertices(net: NetworkTables, lk: pd.DataFrame) -> PortVertices:
    """The vertex layout of a graph whose links are ``lk``."""
    nodes = net.nodes
    pairs = sorted(
        set(zip(lk["from_node"], lk["port"], strict=True))
        | set(zip(lk["to_node"], lk["port"], strict=True))
    )
    n = len(nodes)
    countries = tuple(sorted(set(nodes["country"])))
    cidx = {c: k for k, c in enumerate(countries)}
    return PortVertices(
        n_nodes=n,
        nodes=[str(a) for a, _ in pairs],
        ports=[str(p) for _, p in pairs],
        index={(str(a), str(p)): n + k for k, (a, p) in enumerate(pairs)},
        node_index={str(v): k for k, v in enumerate(nodes.index)},
        node_country=np.array([cidx[c] for c in nodes["country"]], dtype=np.int64),
        countries=countries,
    )


def _sailing_mask(days: str) -> int:
    """Bit ``d`` set for each weekday ``d`` (Mon = 0) named in ``"Mon;Thu"``."""
    mask = 0
    for d in str(days).replace(",", ";").split(";"):
        d = d.strip().lower()[:3]
        if d in WEEKDAYS:
            mask |= 1 << WEEKDAYS.index(d)
    return mask


def link_arcs(lk: pd.DataFrame, rows: I64, pv: PortVertices) -> ArcBlock:
    """One arc per usable directed link, between its ends' port vertices."""
    ends = [
        np.array([pv.index[(str(a), str(p))] for a, p in zip(lk[e], lk["port"], strict=True)])
        for e in ("from_node", "to_node")
    ]
    countries = [
        pv.node_country[lk[e].map(pv.node_index).to_numpy(np.int64)]
        for e in ("from_node", "to_node")
    ]
    sailings = lk["sailings_per_week"].to_numpy(float)
    block = ArcBlock.new(ends[0], ends[1], ARC_LINK, countries[0], countries[1])
    return replace(
        block,
        length_km=lk["length_km"].to_numpy(float),
        headway_h=np.where(sailings > 0, 168.0 / np.where(sailings > 0, sailings, 1.0), 0.0),
        sailing_mask=np.array([_sailing_mask(d) for d in lk["sailing_days"]], dtype=np.int64),
        mode=Mode.codes(lk["mode"]),
        link=rows,
        border=lk["is_border"].to_numpy(np.int64),
        capacity_teu_per_day=lk["capacity_teu_per_day"].to_numpy(float),
        vdf=lk["vdf"].to_numpy(float),
        vdf_alpha=lk["vdf_alpha"].to_numpy(float),
        vdf_beta=lk["vdf_beta"].to_numpy(float),
    )


class _TransferRows:
    """The ``transfers.csv`` row that applies to a port pair at a node (``None``: no transfer).

    A node's own row applies first; otherwise the network-wide (``*``) mode change of the port
    pair, except between two ports of one mode (gauge changes need a facility) and at border
    crossings (they transfer only where a row says).
    """

    def __init__(self, net: NetworkTables) -> None:
        rows = list(net.tables["transfers"].reset_index(drop=True).itertuples(index=True))
        self.own = {
            (r.node_id, frozenset((r.port_a, r.port_b))): r for r in rows if r.node_id != "*"
        }
        self.default = {
            frozenset((r.port_a, r.port_b)): r
            for r in rows
            if r.node_id == "*" and r.kind == "mode_change"
        }
        self.kinds = dict(zip(net.nodes.index, net.nodes["kind"], strict=True))

    def row(self, node: str, pa: str, pb: str) -> Any:
        pair = frozenset((pa, pb))
        row = self.own.get((node, pair))
        if row is None and Mode.of_port(pa) is not Mode.of_port(pb):
            row = None if self.kinds[node] == "border_crossing" else self.default.get(pair)
        return row


def transfer_arcs(net: NetworkTables, cargo: Cargo, pv: PortVertices) -> ArcBlock:
    """Gauge and mode changes between two ports of one node, both ways (see
    :class:`_TransferRows`); a row without this cargo's time or cost (e.g. no bulk
    reloading) makes no arc."""
    rows, cols = _TransferRows(net), cargo.columns
    by_node: dict[str, list[str]] = {}
    for node, port in zip(pv.nodes, pv.ports, strict=True):
        by_node.setdefault(node, []).append(port)
    out: list[tuple[int, int, int, int, int, int]] = []
    for node, ports in by_node.items():
        pairs = [(pa, pb) for i, pa in enumerate(ports) for pb in ports[i + 1 :]]
        for pa, pb in pairs:
            row = rows.row(node, pa, pb)
            if row is None or np.isnan(getattr(row, cols.transfer_time)):
                continue
            if np.isnan(getattr(row, cols.transfer_cost)):
                continue
            kind = ARC_GAUGE if row.kind == "gauge_change" else ARC_MODE
            op, n = Operation.transfer(pa, pb).code, pv.node_index[node]
            for a, b in ((pa, pb), (pb, pa)):
                out.append((pv.index[(node, a)], pv.index[(node, b)], row.Index, kind, n, op))
    t = np.array(out, dtype=np.int64).reshape(-1, 6)
    country = pv.node_country[t[:, 4]]
    block = ArcBlock.new(t[:, 0], t[:, 1], t[:, 3], country, country)
    return replace(block, transfer=t[:, 2], op=t[:, 5])


def access_arcs(pv: PortVertices) -> ArcBlock:
    """Terminal handling between each node's access vertex and its ports, both ways."""
    node = np.array([pv.node_index[n] for n in pv.nodes], dtype=np.int64)
    port = np.arange(pv.n_nodes, pv.n_nodes + len(pv.nodes), dtype=np.int64)
    op = np.array([Operation.access(p).code for p in pv.ports], dtype=np.int64)
    country = pv.node_country[node]
    blocks = [
        replace(ArcBlock.new(tail, head, ARC_ACCESS, country, country), op=op)
        for tail, head in ((node, port), (port, node))
    ]
    return concat_arcs(blocks)
