"""The numba kernels on plain graphs: label pool growth and Dijkstra against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from corridors.routing._kernels import (
    DijkstraWorkspace,
    bucket_plan,
    dijkstra,
    lower_bounds,
    pareto_bounded,
    pareto_search,
)


def _grid(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tails, heads = [], []
    for r in range(n):
        for c in range(n):
            v = r * n + c
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < n and 0 <= cc < n:
                    tails.append(v)
                    heads.append(rr * n + cc)
    tail = np.array(tails)
    head = np.array(heads)
    order = np.argsort(tail, kind="stable")
    tail, head = tail[order], head[order]
    indptr = np.searchsorted(tail, np.arange(n * n + 1))
    return indptr.astype(np.int64), head.astype(np.int64), tail, rng.uniform(1, 10, (3, len(head)))


def test_dijkstra_matches_scipy_on_a_grid() -> None:
    indptr, head, tail, w = _grid(30, seed=7)
    ok = np.ones(len(head), np.bool_)
    dist, pred = dijkstra(indptr, head, w[0], ok, 0, 0, -1)
    ref = scipy_dijkstra(csr_matrix((w[0], head, indptr)), indices=0)
    np.testing.assert_allclose(dist, ref)
    v = len(dist) - 1  # the predecessor arcs rebuild a path of the same length
    total = 0.0
    while v != 0:
        total += w[0][pred[v]]
        v = int(tail[pred[v]])
    assert np.isclose(total, dist[-1])


@pytest.mark.parametrize("queue", ["heap", "buckets"])
def test_reused_workspace_matches_scipy_query_after_query(queue: str) -> None:
    indptr, head, tail, w = _grid(25, seed=11)
    n = len(indptr) - 1
    ok = np.ones(len(head), np.bool_)
    ok[::7] = False  # some arcs closed
    weight = w[1].copy()
    weight[::5] = np.round(weight[::5])  # ties
    plan = bucket_plan(weight, ok) if queue == "buckets" else (0.0, 0)
    assert (plan[0] > 0) == (queue == "buckets")
    ref_graph = csr_matrix((np.where(ok, weight, np.inf), head, indptr))
    ws = DijkstraWorkspace(n)
    for source, target in ((0, -1), (n - 1, 3), (17, -1), (300, 301), (5, -1)):
        dist, pred = ws.run(
            indptr.astype(np.int32), head.astype(np.int32), weight, ok, 0, source, target, plan
        )
        ref = scipy_dijkstra(ref_graph, indices=source)
        if target < 0:
            np.testing.assert_array_equal(dist, ref)  # bit for bit, and stale cells reset
            for v in range(0, n, 37):  # predecessor arcs rebuild paths of the same length
                if v != source and np.isfinite(dist[v]):
                    total, u = 0.0, v
                    while u != source:
                        total += weight[pred[u]]
                        u = int(tail[pred[u]])
                    assert np.isclose(total, dist[v])
        else:
            assert dist[target] == ref[target]


def test_bucket_plan_falls_back_to_the_heap_for_zero_or_spread_weights() -> None:
    assert bucket_plan(np.array([0.0, 1.0]))[0] == 0.0
    assert bucket_plan(np.array([1e-9, 1.0]))[0] == 0.0
    width, n_b = bucket_plan(np.array([2.0, 5.0]))
    assert 0 < width <= 2.0 and n_b >= 5.0 / width + 1 and n_b & (n_b - 1) == 0


def test_pareto_label_pool_grows_beyond_first_allocation() -> None:
    indptr, head, _tail, w = _grid(9, seed=3)
    n = len(indptr) - 1
    zeros = np.zeros(len(head))
    labels, _pred, _arc, n_lab = pareto_search(
        indptr,
        head,
        w[0],
        w[1],
        w[2],
        zeros,
        np.zeros(len(head), np.int64),
        np.zeros(len(head), np.int8),
        np.ones(len(head), np.bool_),
        0,
        0,
        n - 1,
        -1.0,
        -1,
        np.inf,
        0.0,
        10_000_000,
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
    )
    assert n_lab > 1024  # the pool had to grow beyond its first allocation
    assert len(labels) > 1


def _front(indptr, head, w, ok, src, dst, eps, bounds):  # type: ignore[no-untyped-def]
    n = len(indptr) - 1
    lb = lower_bounds(indptr, head, (w[0], w[1], w[2]), ok, dst) if bounds else [np.zeros(n)] * 3
    labels, pred, arc, n_lab = pareto_search(
        indptr, head, w[0], w[1], w[2], np.zeros(len(head)), np.zeros(len(head), np.int64),
        np.zeros(len(head), np.int8), ok, 0, src, dst, -1.0, -1, np.inf, eps, 10_000_000,
        lb[0], lb[1], lb[2],
    )  # fmt: skip
    out = []
    for k in labels:
        vec = np.zeros(3)
        while arc[k] >= 0:
            vec += w[:, arc[k]]
            k = pred[k]
        out.append(vec)
    return np.array(out), n_lab


@pytest.mark.parametrize("seed", range(6))
def test_bounded_pareto_keeps_the_exact_set_and_eps_keeps_its_guarantee(seed: int) -> None:
    indptr, head, _tail, w = _grid(7, seed=seed)
    rng = np.random.default_rng(seed)
    # anti-correlated criteria make large Pareto sets
    w[1] = 11.0 - w[0] + rng.uniform(0, 1, w.shape[1])
    ok = rng.random(len(head)) > 0.1
    src, dst = 0, len(indptr) - 2
    exact, n_exact = _front(indptr, head, w, ok, src, dst, 0.0, False)
    bounded, n_bounded = _front(indptr, head, w, ok, src, dst, 0.0, True)
    if len(exact) == 0:
        assert len(bounded) == 0
        return
    key = lambda a: sorted(map(tuple, np.round(a, 9)))  # noqa: E731
    assert key(bounded) == key(exact)  # the bounds are exact pruning
    assert n_bounded <= n_exact
    for eps in (0.01, 0.1):
        approx, n_approx = _front(indptr, head, w, ok, src, dst, eps, True)
        assert n_approx <= n_bounded
        assert len(approx) <= len(exact)
        for p in exact:  # every exact point is covered within 1 + eps in each criterion
            assert (approx <= p * (1 + eps) + 1e-9).all(axis=1).any()


def _vectors(labels, pred, arc, w):  # type: ignore[no-untyped-def]
    out = []
    for k in labels:
        vec = np.zeros(3)
        while arc[k] >= 0:
            vec += w[:, arc[k]]
            k = pred[k]
        out.append(vec)
    return np.array(out)


@pytest.mark.parametrize("seed", range(4))
def test_capped_search_returns_its_routes_and_a_guarantee_that_holds(seed: int) -> None:
    indptr, head, _tail, w = _grid(8, seed=seed)
    rng = np.random.default_rng(seed)
    w[1] = 11.0 - w[0] + rng.uniform(0, 1, w.shape[1])  # anti-correlated: a large front
    m, n = len(head), len(indptr) - 1
    ok = np.ones(m, np.bool_)
    exact, n_exact = _front(indptr, head, w, ok, 0, n - 1, 0.0, False)
    args = (w[0], w[1], w[2], np.zeros(m), np.zeros(m, np.int64), np.zeros(m, np.int8), ok, 0)
    full = pareto_bounded(indptr, head, *args, 0, n - 1, -1.0, -1, np.inf, 0.0, 10_000_000)
    assert full is not None and not full[3].capped and full[3].eps_bound == 0.0
    key = lambda a: sorted(map(tuple, np.round(a, 9)))  # noqa: E731
    assert key(_vectors(full[0], full[1], full[2], w)) == key(exact)
    cap = max(60, n_exact // 20)
    res = pareto_bounded(indptr, head, *args, 0, n - 1, -1.0, -1, np.inf, 0.0, cap)
    assert res is not None
    labels, pred, arc, rep = res
    assert rep.capped and rep.labels >= cap and rep.dropped > 0
    assert rep.dropped_at and sum(k for _, k in rep.dropped_at) <= rep.dropped
    got = _vectors(labels, pred, arc, w)
    assert len(got) >= 1  # before: nothing at all once the cap was hit
    for j in range(3):  # the single-criterion optima were labelled first and returned
        assert np.isclose(got[:, j].min(), exact[:, j].min())
    assert 0.0 <= rep.eps_bound < np.inf
    for p in exact:  # the stated guarantee holds for every exact Pareto route
        assert (got <= p * (1 + rep.eps_bound) + 1e-9).all(axis=1).any()
    for i, p in enumerate(got):  # and the routes returned do not dominate each other
        others = np.delete(got, i, axis=0)
        assert not ((others <= p + 1e-9).all(axis=1) & (others < p - 1e-9).any(axis=1)).any()


def test_a_bundled_query_reports_an_uncapped_search() -> None:
    from corridors.network import load_network
    from corridors.routing.search import MAX_LABELS, pareto_routes

    opts = pareto_routes(load_network(), "Xi'an", "Duisburg", teu=1, eps=0.01)
    rep = opts.search
    assert rep is not None and not rep.capped and rep.dropped == 0 and rep.dropped_at == ()
    assert 1 < rep.labels < MAX_LABELS and rep.eps_bound == rep.eps == 0.01
