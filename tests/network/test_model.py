"""The Network model: resolved tables, place lookup, compiled CSR graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from corridors.errors import UnknownPlaceError
from corridors.network import Network
from corridors.network._csr import ARC_ACCESS, ARC_GAUGE, ARC_LINK


def test_directed_links_and_border_dwell_by_direction(tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    links = net.links
    assert len(links) == 4  # two bidirectional links
    fwd, rev = links.loc["cn-line:f"], links.loc["cn-line:r"]
    assert fwd["is_border"] and fwd["border_dwell_h"] == 30 and rev["border_dwell_h"] == 8
    assert fwd["port"] == "rail1435" and links.loc["kz-line:f", "port"] == "rail1520"
    assert fwd["run_time_h"] == pytest.approx(300 / 50)
    assert fwd["tariff_usd_per_teu"] == pytest.approx(300 * 0.5)


def test_csr_structure(tiny: Callable[[str], Network]) -> None:
    g = tiny("gauge_break").graph("container")
    assert g.n_nodes == 3
    assert np.all(np.diff(g.indptr) >= 0) and g.indptr[-1] == g.n_arcs
    for v in range(g.n_vertices):  # tails agree with CSR rows
        assert np.all(g.tail[g.indptr[v] : g.indptr[v + 1]] == v)
    assert (g.kind == ARC_GAUGE).sum() == 2  # both directions at BRD
    assert (g.kind == ARC_LINK).sum() == 4
    assert (g.kind == ARC_ACCESS).sum() == 2 * 4  # 4 port vertices


def test_bulk_graph_uses_bulk_transfer_figures(tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    gc, gb = net.graph("container"), net.graph("grain")
    assert gc.time_h[gc.kind == ARC_GAUGE][0] == 4 and gb.time_h[gb.kind == ARC_GAUGE][0] == 24


@pytest.mark.parametrize("query", ["KZA", "kza", "Kza"])
def test_find_place_by_id_or_name(tiny: Callable[[str], Network], query: str) -> None:
    assert tiny("gauge_break").find_place(query) == "KZA"


def test_unknown_place_suggests(tiny: Callable[[str], Network]) -> None:
    with pytest.raises(UnknownPlaceError, match=r"Did you mean .*\(KZA\)"):
        tiny("gauge_break").find_place("KZB")
    with pytest.raises(LookupError):  # also a builtin LookupError
        tiny("gauge_break").find_place("Atlantis")
