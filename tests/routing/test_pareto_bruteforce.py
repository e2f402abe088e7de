"""Pareto correctness against brute-force enumeration of simple paths (Hypothesis)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridors.errors import NoRouteError
from corridors.network import load_network
from corridors.network._csr import CompiledGraph
from corridors.routing import pareto_routes
from tests.tiny import build, link, node, transfer, write_network


def brute_force_pareto(g: CompiledGraph, src: int, dst: int) -> set[tuple[float, float, float]]:
    """Objective vectors of the Pareto set over all simple paths (same access rules)."""
    vectors = []

    def dfs(v: int, seen: set[int], t: float, c: float, e: float) -> None:
        if v == dst:
            vectors.append((t, c, e))
            return
        if v < g.n_nodes and v != src:
            return
        for a in range(g.indptr[v], g.indptr[v + 1]):
            w = int(g.head[a])
            if w in seen or (w < g.n_nodes and w != dst):
                continue
            dfs(
                w,
                seen | {w},
                t + g.time_h[a] + 0.5 * g.headway_h[a],
                c + g.cost_usd[a],
                e + g.co2_kg[a],
            )

    dfs(src, {src}, 0.0, 0.0, 0.0)
    front = set()
    for v in vectors:
        if not any(all(o[i] <= v[i] + 1e-9 for i in range(3)) and o != v for o in vectors):
            front.add(tuple(round(x, 6) for x in v))
    return front


@st.composite
def random_network(draw: st.DrawFn) -> dict:
    n = draw(st.integers(3, 6))
    nodes = [node(f"N{i}", lon=60 + i, lat=45 + (i % 2)) for i in range(n)]
    links = []
    # a spanning chain keeps it connected, then random extra links
    pairs = [(i, i + 1) for i in range(n - 1)]
    pairs += draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=6))
    for k, (a, b) in enumerate(pairs):
        if a == b:
            continue
        mode = draw(st.sampled_from(["rail", "rail", "road", "ferry"]))
        km = draw(st.integers(50, 900))
        extra = {"sailings_per_week": draw(st.integers(1, 7))} if mode == "ferry" else {}
        links.append(
            link(
                f"l{k}",
                f"N{a}",
                f"N{b}",
                km,
                mode=mode,
                gauge=1520 if mode == "rail" else None,
                **extra,
            )
        )
    return build(nodes, links)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables=random_network(), data=st.data())
def test_label_setting_matches_brute_force(
    tmp_path: Path, tables: dict, data: st.DataObject
) -> None:
    folder = write_network(tables, tmp_path / f"net{abs(hash(str(tables))) % 10**9}")
    net = load_network(folder)
    n = len(tables["nodes"])
    o = data.draw(st.integers(0, n - 1))
    d = data.draw(st.integers(0, n - 1).filter(lambda x: x != o))
    g = net.graph("container")
    expected = brute_force_pareto(g, o, d)
    if not expected:  # e.g. road meets ferry with no transfer between them
        with pytest.raises(NoRouteError):
            pareto_routes(net, f"N{o}", f"N{d}")
        return
    got = {
        (round(it.days * 24, 6), round(it.cost_usd, 6), round(it.co2_kg, 6))
        for it in pareto_routes(net, f"N{o}", f"N{d}").options
    }
    assert got == expected


def test_brute_force_oracle_on_hand_case(tmp_path: Path) -> None:
    t = build(
        [node("A"), node("B", lon=61)],
        [link("r", "A", "B", 100), link("s", "A", "B", 90, mode="road", gauge=None)],
        transfers=[transfer("A", "mode_change", "rail1520", "road")],
    )
    net = load_network(write_network(t, tmp_path / "n"))
    front = brute_force_pareto(net.graph("container"), 0, 1)
    assert len(front) == 2
    assert np.isclose(min(f[0] for f in front), 90 / 60 + 4)
