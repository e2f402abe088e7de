"""Numba kernels on the CSR port graph: Dijkstra, lower bounds, and the Pareto search's entry.

The label-setting search itself is in :mod:`corridors.routing._pareto`; the heap, Dijkstra
core and sailing waits are shared with assignment and reliability (:mod:`corridors._kernels`).

Conventions shared with :mod:`corridors.network._csr`: vertices below ``n_access`` are access
vertices; only the search origin's access vertex is expanded, and only the target's access
vertex is entered. Waiting for a sailing is added on arcs with ``headway_h > 0``: half the
headway without a departure time, or the time to the next sailing (12:00 on a weekday in
``sailing_mask``, or every ``headway_h`` from Monday 00:00 when there is no mask) with one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corridors._jit import njit
from corridors._kernels import SAILING_HOUR, dijkstra_core, dijkstra_ws, wait_hours
from corridors.routing._pareto import pareto_core, pareto_search

__all__ = [
    "SAILING_HOUR",
    "DijkstraWorkspace",
    "ParetoReport",
    "bucket_plan",
    "dijkstra",
    "dijkstra_ws",
    "lower_bounds",
    "pareto_bounded",
    "pareto_search",
    "wait_hours",
]


def lower_bounds(
    indptr: np.ndarray,
    head: np.ndarray,
    weights: tuple[np.ndarray, ...],
    arc_ok: np.ndarray,
    target: int,
) -> list[np.ndarray]:
    """Per vertex, the least weight of any allowed path to ``target``, for each weight array.

    Single-criterion Dijkstra searches on the reversed graph (access-vertex rules relaxed and
    waits left out, so the values are valid lower bounds); ``inf`` where the target cannot
    be reached.
    """
    return _backward(indptr, head, weights, arc_ok, target, -1)[0]


def _backward(
    indptr: np.ndarray,
    head: np.ndarray,
    weights: tuple[np.ndarray, ...],
    arc_ok: np.ndarray,
    target: int,
    source: int,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """:func:`lower_bounds`; per weight the arcs of a least-weight route from ``source``
    (empty when ``source < 0`` or unreachable) and the tree (reversed arc into each vertex,
    -1 at the target and where unreached)."""
    n = len(indptr) - 1
    order, rptr, rhead = _reversed(indptr, head)
    ok = arc_ok[order]
    ws = DijkstraWorkspace(n)
    dists, routes, trees = [], [], []
    for w in weights:
        wr = w[order]
        if (wr[ok] < 0).any():  # a negative weight: no valid bound from Dijkstra, use 0
            wr = np.zeros(len(wr))
        dist, pred = ws.run(rptr, rhead, wr, ok, 0, target, -1, bucket_plan(wr, ok))
        dist = dist.copy()
        dists.append(dist)
        trees.append(pred.astype(np.int64))
        arcs: list[int] = []
        v = source
        while 0 <= v != target and pred[v] >= 0 and len(arcs) < n:
            arcs.append(int(order[pred[v]]))
            v = int(head[arcs[-1]])
        routes.append(np.array(arcs if v == target else [], np.int64))
    return dists, routes, trees


_REVERSED: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}


def _reversed(indptr: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(order, rptr, rhead)``: the graph reversed (arc ``order[r]`` is reversed arc ``r``).

    Kept for the last few graphs (keyed by the arrays' identity, which the entry keeps alive).
    """
    key = (id(indptr), id(head))
    hit = _REVERSED.get(key)
    if hit is not None and hit[0] is indptr and hit[1] is head:
        return hit[2], hit[3], hit[4]
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    order = np.argsort(head, kind="stable")
    rptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=rptr[1:])
    rhead = tail[order]
    if len(_REVERSED) >= 4:
        _REVERSED.pop(next(iter(_REVERSED)))
    _REVERSED[key] = (indptr, head, order, rptr, rhead)
    return order, rptr, rhead


@dataclass(frozen=True)
class ParetoReport:
    """How a Pareto search ended and what it left out (small; kept on the route options).

    Attributes
    ----------
    labels
        Labels created (with, past the cap, those of the completed routes).
    max_labels
        The label cap.
    capped
        Whether the cap was hit: the search stopped and returned the non-dominated routes it
        had found (always including the fastest, cheapest and greenest single-criterion
        routes that satisfy the query's rules), with the worst-covered dropped partial routes
        completed along those three trees.
    dropped
        Labels (partial routes) still queued, unexpanded, when the cap was hit.
    dropped_at
        Up to five ``(vertex name, labels dropped)`` where most were dropped.
    eps
        The tolerance asked for: a partial route is dropped when a found route is within
        ``1 + eps`` of its optimistic completion in every criterion.
    eps_bound
        What is guaranteed: every Pareto-optimal route has a returned route within a factor
        ``1 + eps_bound`` in each of time, cost and CO2 (``eps`` unless capped; ``inf`` when
        the dropped labels leave nothing guaranteed).
    """

    labels: int
    max_labels: int
    capped: bool
    dropped: int
    dropped_at: tuple[tuple[str, int], ...]
    eps: float
    eps_bound: float


def pareto_bounded(
    indptr: np.ndarray,
    head: np.ndarray,
    time_h: np.ndarray,
    cost: np.ndarray,
    co2: np.ndarray,
    headway: np.ndarray,
    sailing_mask: np.ndarray,
    kind: np.ndarray,
    arc_ok: np.ndarray,
    n_access: int,
    source: int,
    target: int,
    start_hour_of_week: float,
    max_transfers: int,
    max_time_h: float,
    eps: float,
    max_labels: int,
    vertex_names: Sequence[str] | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, ParetoReport] | None:
    """The Pareto search a query runs: bounds, seed routes, label cap and its report.

    Lower bounds and the fastest, cheapest and greenest routes come from three backward
    single-criterion searches (:func:`lower_bounds`); those routes are labelled first, so the
    ``1 + eps`` bound prunes from the start and a search cut at ``max_labels`` still returns
    them with whatever else it found, plus the completions (along the three backward trees)
    of the dropped labels its routes covered worst (see :class:`ParetoReport`). Arguments as in
    :func:`pareto_search`; ``vertex_names`` names vertices in the report.

    Returns
    -------
    ``(target labels, label predecessors, label arcs, report)``, or ``None`` when the target
    cannot be reached over allowed arcs.
    """
    lbs, routes, trees = _backward(indptr, head, (time_h, cost, co2), arc_ok, target, source)
    if not np.isfinite(lbs[0][source]):
        return None
    seed_ptr = np.zeros(len(routes) + 1, np.int64)
    np.cumsum([len(r) for r in routes], out=seed_ptr[1:])
    g = (head, arc_ok, time_h, cost, co2, headway, sailing_mask, kind)
    out, pred, arc, n_lab, dropped, eps_d, per_vertex = pareto_core(
        indptr, g, n_access, source, target, start_hour_of_week, max_transfers, max_time_h,
        eps, max_labels, (lbs[0], lbs[1], lbs[2]), np.concatenate(routes), seed_ptr,
        np.stack(trees), _reversed(indptr, head)[0],
    )  # fmt: skip
    top = np.argsort(-per_vertex, kind="stable")[:5]
    report = ParetoReport(
        labels=len(pred),
        max_labels=max_labels,
        capped=n_lab < 0,
        dropped=int(dropped),
        dropped_at=tuple(
            (str(v) if vertex_names is None else str(vertex_names[v]), int(per_vertex[v]))
            for v in top
            if per_vertex[v] > 0
        ),
        eps=eps,
        eps_bound=max(eps, float(eps_d)) if n_lab < 0 else eps,
    )
    return out, pred, arc, report


MAX_BUCKETS = 1 << 16
"""Largest bucket ring of the bucket queue; wider weight ranges use the binary heap."""


def bucket_plan(weight: np.ndarray, arc_ok: np.ndarray | None = None) -> tuple[float, int]:
    """``(bucket_width, n_buckets)`` for :func:`dijkstra_ws`, or ``(0, 0)`` for the heap.

    The width is the smallest allowed arc weight (less a relative 1e-9, so rounding never
    puts a vertex in the bucket it was reached from); buckets are used when the weights span
    at most :data:`MAX_BUCKETS` widths.
    """
    w = weight if arc_ok is None else weight[arc_ok]
    if w.size == 0:
        return 0.0, 0
    lo = float(w.min())
    hi = float(w.max())
    if not (lo > 0.0 and np.isfinite(hi)):
        return 0.0, 0
    width = lo * (1.0 - 1e-9)
    n_b = 1 << (int(hi / width) + 2).bit_length()
    return (width, n_b) if n_b <= MAX_BUCKETS else (0.0, 0)


class DijkstraWorkspace:
    """Scratch arrays for repeated :func:`dijkstra_ws` queries on graphs of ``n`` vertices.

    Allocated once (about 25 bytes a vertex, and 12 an arc for the heap, on the first heap
    query) and reset lazily: only the vertices the previous query touched are cleared. Not
    thread-safe: one workspace per thread.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.dist = np.full(n, np.inf)
        self.pred = np.full(n, -1, np.int32)
        self.pos = np.full(n, -1, np.int32)
        self.heap_v = np.empty(n, np.int32)
        self.heap_d = np.empty(n, np.float64)
        self.touched = np.empty(n, np.int32)
        self.n_touched = 0

    def run(
        self,
        indptr: np.ndarray,
        head: np.ndarray,
        weight: np.ndarray,
        arc_ok: np.ndarray,
        n_access: int,
        source: int,
        target: int,
        plan: tuple[float, int] = (0.0, 0),
    ) -> tuple[np.ndarray, np.ndarray]:
        """Run one query; returns views ``(dist, pred)`` valid until the next query.

        ``plan`` is :func:`bucket_plan` of the weights (default: the binary heap).
        """
        if self.heap_d.shape[0] < len(head) + 1:  # the heap holds one entry per relaxation
            self.heap_v = np.empty(max(self.n, len(head) + 1), np.int32)
            self.heap_d = np.empty(len(head) + 1, np.float64)
        self.n_touched = dijkstra_ws(
            indptr, head, weight, arc_ok, n_access, source, target, self.dist, self.pred,
            self.pos, self.heap_v, self.heap_d, self.touched, self.n_touched, plan[0], plan[1],
        )  # fmt: skip
        return self.dist, self.pred


@njit(cache=True)
def dijkstra(
    indptr: np.ndarray,
    head: np.ndarray,
    weight: np.ndarray,
    arc_ok: np.ndarray,
    n_access: int,
    source: int,
    target: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Single-criterion shortest path tree from ``source`` (stops once ``target`` is settled).

    ``target < 0`` computes the full tree. Access-vertex rules as in the module docstring
    (``n_access = 0`` disables them, for plain graphs). Allocates its arrays per call; for
    repeated queries use :class:`DijkstraWorkspace`.

    Returns
    -------
    dist, pred_arc
        Distance to every vertex (``inf`` if unreached) and the arc into it (-1).
    """
    n = len(indptr) - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    done = np.zeros(n, np.bool_)
    hk = np.empty(len(head) + 1)
    hv = np.empty(len(head) + 1, np.int64)
    dijkstra_core(indptr, head, None, weight, arc_ok, None, n_access, source, target, 0,
                  dist, pred, done, True, hk, hv, None, 0, None)  # fmt: skip
    return dist, pred
