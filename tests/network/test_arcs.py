"""The arc builders (network/_arcs.py): one typed block per arc kind, assembled by compile_graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from corridors.network import Network
from corridors.network._arcs import (
    access_arcs,
    concat_arcs,
    link_arcs,
    port_vertices,
    transfer_arcs,
    usable_links,
)
from corridors.network.enums import ARC_ACCESS, ARC_GAUGE, ARC_LINK, Cargo, Operation


def test_blocks_make_the_compiled_graph(tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    lk, rows = usable_links(net, Cargo.CONTAINER)
    pv = port_vertices(net, lk)
    links, transfers, access = (
        link_arcs(lk, rows, pv),
        transfer_arcs(net, Cargo.CONTAINER, pv),
        access_arcs(pv),
    )
    assert len(links) == len(net.links) == 4  # two bidirectional links
    assert (links.kind == ARC_LINK).all() and (links.transfer == -1).all()
    # one gauge change at the border station, both ways, with its operation
    assert len(transfers) == 2 and (transfers.kind == ARC_GAUGE).all()
    assert set(transfers.op) == {Operation.GAUGE_CHANGE.code}
    # handling: every port vertex to and from its node's access vertex
    assert len(access) == 2 * len(pv.ports) and (access.kind == ARC_ACCESS).all()
    assert sorted(access.tail[: len(pv.ports)]) == sorted(pv.vertex_node[pv.n_nodes :])
    g = net.graph("container")
    every = concat_arcs([links, transfers, access])
    assert g.n_arcs == len(every)
    key = sorted(zip(every.tail.tolist(), every.head.tolist(), every.kind.tolist(), strict=True))
    assert key == sorted(zip(g.tail.tolist(), g.head.tolist(), g.kind.tolist(), strict=True))
    assert np.all(np.diff(g.tail) >= 0) and g.indptr[-1] == g.n_arcs  # CSR order


def test_transfers_need_the_cargo_figures(tiny: Callable[[str], Network]) -> None:
    net = tiny("ferry_only_link")
    lk, _ = usable_links(net, Cargo.BULK)
    pv = port_vertices(net, lk)
    bulk = transfer_arcs(net, Cargo.BULK, pv)
    container = transfer_arcs(net, Cargo.CONTAINER, pv)
    assert len(bulk) == len(container) == 4  # rail<->ferry at both ports, both ways
    tables = dict(net.tables)
    tr = tables["transfers"].copy()
    tr["time_bulk_h"] = np.nan  # no bulk reloading anywhere
    tables["transfers"] = tr
    no_bulk = net.with_tables(tables)
    lk, _ = usable_links(no_bulk, Cargo.BULK)
    assert len(transfer_arcs(no_bulk, Cargo.BULK, port_vertices(no_bulk, lk))) == 0
