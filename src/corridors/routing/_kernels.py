"""Numba kernels on the CSR port graph: multi-criteria label setting and Dijkstra.

Conventions shared with :mod:`corridors.network._csr`: vertices below ``n_access`` are access
vertices; only the search origin's access vertex is expanded, and only the target's access
vertex is entered. Waiting for a sailing is added on arcs with ``headway_h > 0``: half the
headway without a departure time, or the time to the next sailing (12:00 on a weekday in
``sailing_mask``, or every ``headway_h`` from Monday 00:00 when there is no mask) with one.
"""

from __future__ import annotations

import heapq

import numpy as np

from corridors._jit import njit
from corridors._kernels import SAILING_HOUR, dijkstra_core, dijkstra_ws, wait_hours
from corridors.network.enums import ARC_GAUGE, ARC_MODE

__all__ = [
    "SAILING_HOUR",
    "DijkstraWorkspace",
    "bucket_plan",
    "dijkstra",
    "dijkstra_ws",
    "lower_bounds",
    "pareto_search",
    "wait_hours",
]


@njit(cache=True)
def _dominated(
    t: float,
    c: float,
    e: float,
    n: int,
    t2: float,
    c2: float,
    e2: float,
    n2: int,
    use_n: bool,
    eps: float,
) -> bool:
    """Whether label (t2, c2, e2, n2) dominates (t, c, e, n), with relative tolerance eps."""
    if t2 > t * (1.0 + eps) + 1e-9:
        return False
    if c2 > c * (1.0 + eps) + 1e-9:
        return False
    if e2 > e * (1.0 + eps) + 1e-9:
        return False
    return not (use_n and n2 > n)


@njit(cache=True)
def pareto_search(  # noqa: C901 (one numba kernel, kept whole for speed)
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
    lb_t: np.ndarray,
    lb_c: np.ndarray,
    lb_e: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pareto-optimal labels over (time, cost, CO2) from ``source`` to ``target``.

    ``lb_t``, ``lb_c``, ``lb_e`` are per-vertex lower bounds on the time, cost and CO2 still
    needed to reach the target (e.g. from single-criterion searches backwards from it; zeros
    disable them). A label is dropped when a target label is at most ``1 + eps`` times its
    optimistic completion ``label + bound`` in every criterion; labels at one vertex are
    compared exactly. So every exact Pareto route has a returned route within a factor
    ``1 + eps`` in each criterion (``eps = 0``: the exact Pareto set), without the
    compounding of per-vertex tolerance.

    Returns
    -------
    target_labels
        Label ids of the Pareto set at the target.
    lab_pred, lab_arc
        Predecessor label and arc of every label, to rebuild paths.
    n_labels
        Labels created (for diagnostics); ``-1`` when ``max_labels`` was hit.
    """
    cap = 1024
    lab_v = np.empty(cap, np.int64)
    lab_t = np.empty(cap, np.float64)
    lab_c = np.empty(cap, np.float64)
    lab_e = np.empty(cap, np.float64)
    lab_n = np.empty(cap, np.int64)
    lab_pred = np.empty(cap, np.int64)
    lab_arc = np.empty(cap, np.int64)
    lab_alive = np.empty(cap, np.bool_)
    lab_next = np.empty(cap, np.int64)  # next label at the same vertex
    first = np.full(len(indptr) - 1, -1, np.int64)
    use_n = max_transfers >= 0

    lab_v[0] = source
    lab_t[0] = 0.0
    lab_c[0] = 0.0
    lab_e[0] = 0.0
    lab_n[0] = 0
    lab_pred[0] = -1
    lab_arc[0] = -1
    lab_alive[0] = True
    lab_next[0] = -1
    first[source] = 0
    n_lab = 1
    heap = [(0.0, 0.0, np.int64(0))]
    overflow = False
    while len(heap) > 0:
        item = heapq.heappop(heap)
        lid = item[2]
        if not lab_alive[lid]:
            continue
        v = lab_v[lid]
        if v == target:
            continue
        if v < n_access and v != source:
            continue
        t0 = lab_t[lid]
        for e in range(indptr[v], indptr[v + 1]):
            if not arc_ok[e]:
                continue
            w = head[e]
            if w < n_access and w != target:
                continue
            wait = 0.0
            if headway[e] > 0.0:
                how = -1.0 if start_hour_of_week < 0.0 else start_hour_of_week + t0
                wait = wait_hours(headway[e], sailing_mask[e], how)
            nt = t0 + wait + time_h[e]
            if nt > max_time_h:
                continue
            nc = lab_c[lid] + cost[e]
            ne = lab_e[lid] + co2[e]
            nn = lab_n[lid] + (1 if (kind[e] == ARC_GAUGE or kind[e] == ARC_MODE) else 0)
            if use_n and nn > max_transfers:
                continue
            if lb_t[w] == np.inf:
                continue  # the target cannot be reached from w
            # bound: a target label that (1+eps)-dominates its optimistic completion
            bad = False
            bt = nt + lb_t[w]
            bc = nc + lb_c[w]
            be = ne + lb_e[w]
            k = first[target]
            while k >= 0:
                if lab_alive[k] and _dominated(
                    bt, bc, be, nn, lab_t[k], lab_c[k], lab_e[k], lab_n[k], use_n, eps
                ):
                    bad = True
                    break
                k = lab_next[k]
            if bad:
                continue
            k = first[w]
            while k >= 0:
                if lab_alive[k] and _dominated(
                    nt, nc, ne, nn, lab_t[k], lab_c[k], lab_e[k], lab_n[k], use_n, 0.0
                ):
                    bad = True
                    break
                k = lab_next[k]
            if bad:
                continue
            k = first[w]
            while k >= 0:
                if lab_alive[k] and _dominated(
                    lab_t[k], lab_c[k], lab_e[k], lab_n[k], nt, nc, ne, nn, use_n, 0.0
                ):
                    lab_alive[k] = False
                k = lab_next[k]
            if n_lab == cap:
                if cap >= max_labels:
                    overflow = True
                    break
                cap *= 2
                lab_v = _grow(lab_v, cap)
                lab_t = _grow(lab_t, cap)
                lab_c = _grow(lab_c, cap)
                lab_e = _grow(lab_e, cap)
                lab_n = _grow(lab_n, cap)
                lab_pred = _grow(lab_pred, cap)
                lab_arc = _grow(lab_arc, cap)
                lab_next = _grow(lab_next, cap)
                lab_alive = _grow(lab_alive, cap)
            lab_v[n_lab] = w
            lab_t[n_lab] = nt
            lab_c[n_lab] = nc
            lab_e[n_lab] = ne
            lab_n[n_lab] = nn
            lab_pred[n_lab] = lid
            lab_arc[n_lab] = e
            lab_alive[n_lab] = True
            lab_next[n_lab] = first[w]
            first[w] = n_lab
            heapq.heappush(heap, (nt, nc, np.int64(n_lab)))
            n_lab += 1
        if overflow:
            break
    count = 0
    k = first[target]
    while k >= 0:
        if lab_alive[k]:
            count += 1
        k = lab_next[k]
    out = np.empty(count, np.int64)
    i = 0
    k = first[target]
    while k >= 0:
        if lab_alive[k]:
            out[i] = k
            i += 1
        k = lab_next[k]
    return out, lab_pred[:n_lab].copy(), lab_arc[:n_lab].copy(), (-1 if overflow else n_lab)


@njit(cache=True)
def _grow(a: np.ndarray, cap: int) -> np.ndarray:
    b = np.empty(cap, a.dtype)
    b[: len(a)] = a
    return b


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
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    order = np.argsort(head, kind="stable")
    rptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=rptr[1:])
    rhead = tail[order]
    ok = arc_ok[order]
    out = []
    for w in weights:
        wr = w[order]
        if (wr[ok] < 0).any():  # a negative weight: no valid bound from Dijkstra, use 0
            dist, _ = dijkstra(rptr, rhead, np.zeros(len(wr)), ok, 0, target, -1)
        else:
            dist, _ = dijkstra(rptr, rhead, wr, ok, 0, target, -1)
        out.append(dist)
    return out


MAX_BUCKETS = 1 << 16
"""Largest bucket ring of the bucket queue; wider weight ranges use the 4-ary heap."""


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

    Allocated once (about 25 bytes a vertex) and reset lazily: only the vertices the previous
    query touched are cleared. Not thread-safe: one workspace per thread.
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

        ``plan`` is :func:`bucket_plan` of the weights (default: the 4-ary heap).
        """
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
    pos = np.full(n, -1, np.int64)
    heap_v = np.empty(n, np.int64)
    heap_d = np.empty(n, np.float64)
    dijkstra_core(indptr, head, None, weight, arc_ok, None, n_access, source, target, 0,
                  dist, pred, pos, heap_v, heap_d, None, 0, None)  # fmt: skip
    return dist, pred
