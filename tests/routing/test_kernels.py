"""The numba kernels on plain graphs: label pool growth and Dijkstra against scipy."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from corridors.routing._kernels import dijkstra, pareto_search


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
    )
    assert n_lab > 1024  # the pool had to grow beyond its first allocation
    assert len(labels) > 1
