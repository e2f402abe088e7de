"""All-or-nothing loading (``_aon``): heap and bucket queue, 1 and several threads, against a
plain-Python Dijkstra (heapq) loading the same trees."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from corridors.assignment._aon import AonWorkspace, aon_load, bucket_width
from corridors.assignment._graph import AssignmentGraph


def _grid(side: int, n_zones: int, seed: int, *, integer: bool = False) -> AssignmentGraph:
    """A ``side × side`` grid, links both ways, seeded costs; the first nodes are zones."""
    rng = np.random.default_rng(seed)
    idx = rng.permutation(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    frm, to = np.concatenate([a, b]), np.concatenate([b, a])
    m = frm.size
    t0 = rng.integers(1, 4, m).astype(float) if integer else rng.uniform(0.5, 3.0, m)
    return AssignmentGraph(from_node=frm, to_node=to, n_nodes=side * side, n_zones=n_zones,
                           free_flow_time=t0, capacity=np.full(m, 100.0))  # fmt: skip


def _reference(
    g: AssignmentGraph, cost: np.ndarray, no_through: np.ndarray, demand: np.ndarray
) -> tuple[np.ndarray, float, float, np.ndarray]:
    """Flows, SPTT, lost demand and the distances, with heapq and path tracing."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(g.n_nodes)]
    for a, (u, v) in enumerate(zip(g.from_node.tolist(), g.to_node.tolist(), strict=True)):
        if np.isfinite(cost[a]):
            out[u].append((v, a))
    flow = np.zeros(g.n_links)
    sptt = lost = 0.0
    dists = np.full((g.n_zones, g.n_nodes), np.inf)
    for o in range(g.n_zones):
        dist = dists[o]
        pred = np.full(g.n_nodes, -1)
        dist[o] = 0.0
        heap = [(0.0, o)]
        while heap:
            d, v = heapq.heappop(heap)
            if d > dist[v] or (v != o and no_through[v]):
                continue
            for w, a in out[v]:
                if d + cost[a] < dist[w]:
                    dist[w] = d + cost[a]
                    pred[w] = a
                    heapq.heappush(heap, (dist[w], w))
        for z in range(g.n_zones):
            q = demand[o, z]
            if q <= 0.0 or z == o:
                continue
            if not np.isfinite(dist[z]):
                lost += q
                continue
            sptt += q * dist[z]
            v = z
            while v != o:
                flow[pred[v]] += q
                v = int(g.from_node[pred[v]])
    return flow, sptt, lost, dists


def _run(g: AssignmentGraph, cost: np.ndarray, no_through: np.ndarray, demand: np.ndarray,
         **kw: object) -> tuple[np.ndarray, float, float]:  # fmt: skip
    ws = AonWorkspace(*g.csr, **kw)  # type: ignore[arg-type]
    flow = np.zeros(g.n_links)
    sptt, lost = aon_load(ws, cost, np.zeros(g.n_links), no_through, demand, flow)
    return flow, sptt, lost


@pytest.mark.parametrize("buckets", [False, True])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_matches_reference_on_a_grid(buckets: bool, threads: int) -> None:
    g = _grid(14, 9, seed=threads)
    rng = np.random.default_rng(7)
    demand = rng.uniform(0.0, 10.0, (9, 9))
    demand[2] = 0.0  # an origin without demand
    cost = g.free_flow_time * rng.uniform(1.0, 40.0, g.n_links)  # congested-like spread
    no_through = np.zeros(g.n_nodes, np.bool_)
    want, w_sptt, w_lost, _ = _reference(g, cost, no_through, demand)
    flow, sptt, lost = _run(g, cost, no_through, demand, threads=threads, buckets=buckets)
    np.testing.assert_allclose(flow, want, rtol=1e-12, atol=1e-9)
    assert sptt == pytest.approx(w_sptt, rel=1e-12)
    assert lost == 0.0 == w_lost


def test_bucket_and_heap_agree_bit_for_bit_on_one_thread() -> None:
    g = _grid(20, 12, seed=3)
    rng = np.random.default_rng(8)
    demand = rng.uniform(0.0, 5.0, (12, 12))
    cost = g.free_flow_time * rng.uniform(1.0, 3.0, g.n_links)
    no_through = np.zeros(g.n_nodes, np.bool_)
    heap = _run(g, cost, no_through, demand, threads=1, buckets=False)
    dial = _run(g, cost, no_through, demand, threads=1, buckets=True)
    assert np.array_equal(heap[0], dial[0])
    assert heap[1:] == dial[1:]


def test_ties_load_shortest_routes_only() -> None:
    """Integer costs tie often: the tree may differ, the distances and the cost may not."""
    g = _grid(12, 10, seed=5, integer=True)
    demand = np.ones((10, 10))
    cost = g.free_flow_time.copy()
    no_through = np.zeros(g.n_nodes, np.bool_)
    _, w_sptt, _, _ = _reference(g, cost, no_through, demand)
    for buckets in (False, True):
        flow, sptt, _ = _run(g, cost, no_through, demand, threads=2, buckets=buckets)
        assert sptt == w_sptt
        assert float(flow @ cost) == pytest.approx(w_sptt, rel=1e-12)  # only shortest routes


def test_masks_no_through_and_lost_demand() -> None:
    g = _grid(8, 6, seed=2)
    rng = np.random.default_rng(4)
    demand = rng.uniform(1.0, 2.0, (6, 6))
    cost = g.free_flow_time.copy()
    cost[rng.random(g.n_links) < 0.3] = np.inf  # links the class may not use
    no_through = np.zeros(g.n_nodes, np.bool_)
    no_through[:6] = True
    want, w_sptt, w_lost, _ = _reference(g, cost, no_through, demand)
    assert w_lost > 0.0  # the mask cuts some zones off
    for buckets in (False, True):
        flow, sptt, lost = _run(g, cost, no_through, demand, threads=2, buckets=buckets)
        np.testing.assert_allclose(flow, want, rtol=1e-12, atol=1e-9)
        assert flow[np.isinf(cost)].sum() == 0.0
        assert sptt == pytest.approx(w_sptt, rel=1e-12)
        assert lost == pytest.approx(w_lost, rel=1e-12)


def test_bucket_width_falls_back_to_the_heap() -> None:
    assert bucket_width(np.array([1.0, 0.0, 2.0]), 1024) == (0.0, 0)  # a free link
    assert bucket_width(np.array([1.0, 5000.0]), 1024) == (0.0, 0)  # too many buckets
    assert bucket_width(np.array([np.inf, np.inf]), 1024) == (0.0, 0)
    inv_w, n = bucket_width(np.array([2.0, np.inf, 7.0]), 1024)
    assert 1.0 / inv_w < 2.0 and n == 8  # width below the smallest cost; 7 / w + 2 ≤ 8


def test_zero_cost_links_still_exact() -> None:
    g = _grid(10, 8, seed=6)
    rng = np.random.default_rng(9)
    demand = rng.uniform(0.0, 3.0, (8, 8))
    cost = g.free_flow_time.copy()
    cost[rng.random(g.n_links) < 0.1] = 0.0
    no_through = np.zeros(g.n_nodes, np.bool_)
    _, w_sptt, _, _ = _reference(g, cost, no_through, demand)
    flow, sptt, _ = _run(g, cost, no_through, demand, threads=2)
    assert sptt == pytest.approx(w_sptt, rel=1e-12)
    assert float(flow @ cost) == pytest.approx(w_sptt, rel=1e-12)
