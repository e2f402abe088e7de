"""Numba kernels on the CSR port graph: multi-criteria label setting and Dijkstra.

Conventions shared with :mod:`corridors.network._csr`: vertices below ``n_access`` are access
vertices; only the search origin's access vertex is expanded, and only the target's access
vertex is entered. Waiting for a sailing is added on arcs with ``headway_h > 0``: half the
headway without a departure time, or the time to the next sailing (12:00 on a weekday in
``sailing_mask``, or every ``headway_h`` from Monday 00:00 when there is no mask) with one.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from corridors._jit import njit
from corridors.network.enums import ARC_GAUGE, ARC_MODE

SAILING_HOUR = 12.0


@njit(cache=True)
def wait_hours(headway: float, mask: int, hour_of_week: float) -> float:
    """Hours to wait for the next sailing (see module docstring); 0 when no sailing arc."""
    if headway <= 0.0:
        return 0.0
    if hour_of_week < 0.0:
        return 0.5 * headway
    how = hour_of_week % 168.0
    if mask == 0:
        k = math.ceil(how / headway - 1e-9)
        return k * headway - how
    best = 1e18
    today = int(how // 24.0)
    base = today * 24.0
    for k in range(8):  # today .. same weekday next week
        if (mask >> ((today + k) % 7)) & 1:
            cand = base + k * 24.0 + SAILING_HOUR - how
            if cand >= -1e-9 and cand < best:
                best = cand
    return max(best, 0.0)


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


@njit(cache=True, inline="always")
def _sift_up4(heap_v: np.ndarray, heap_d: np.ndarray, pos: np.ndarray, i: int) -> None:
    v = heap_v[i]
    d = heap_d[i]
    while i > 0:
        parent = (i - 1) >> 2
        pd = heap_d[parent]
        if pd <= d:
            break
        pv = heap_v[parent]
        heap_v[i] = pv
        heap_d[i] = pd
        pos[pv] = i
        i = parent
    heap_v[i] = v
    heap_d[i] = d
    pos[v] = i


@njit(cache=True, inline="always")
def _sift_down4(heap_v: np.ndarray, heap_d: np.ndarray, pos: np.ndarray, i: int, n: int) -> None:
    v = heap_v[i]
    d = heap_d[i]
    while True:
        c0 = 4 * i + 1
        if c0 >= n:
            break
        best = c0
        bd = heap_d[c0]
        end = min(c0 + 4, n)
        for c in range(c0 + 1, end):
            cd = heap_d[c]
            if cd < bd:
                bd = cd
                best = c
        if bd >= d:
            break
        bv = heap_v[best]
        heap_v[i] = bv
        heap_d[i] = bd
        pos[bv] = i
        i = best
    heap_v[i] = v
    heap_d[i] = d
    pos[v] = i


@njit(cache=True)
def dijkstra_ws(  # noqa: C901 - one kernel, two queues, kept whole for numba
    indptr: np.ndarray,
    head: np.ndarray,
    weight: np.ndarray,
    arc_ok: np.ndarray,
    n_access: int,
    source: int,
    target: int,
    dist: np.ndarray,
    pred: np.ndarray,
    pos: np.ndarray,
    heap_v: np.ndarray,
    heap_d: np.ndarray,
    touched: np.ndarray,
    n_touched: int,
    bucket_width: float,
    n_buckets: int,
) -> int:
    """:func:`dijkstra` into caller-owned scratch arrays that are reused across queries.

    ``dist`` (``inf``), ``pred`` (-1) and ``pos`` (-1) must hold their reset values except at
    the ``n_touched`` vertices listed in ``touched`` by the previous call, which are reset
    here first; so a query costs in proportion to the part of the graph it explores, not to
    the graph's size. Returns the number of vertices this query touched (pass it to the next
    call).

    The queue is a bucket queue (Dial, 1969) when ``bucket_width > 0``: it must not exceed
    the smallest arc weight, and ``n_buckets``, a power of two, must exceed largest weight /
    width + 1. Vertices
    of one bucket cannot improve each other, so they are settled in any order and the
    distances are exactly those of a heap-based Dijkstra. Otherwise a 4-ary indexed heap with
    decrease-key. ``heap_v`` doubles as the bucket lists' ``next``, ``heap_d`` is unused then.
    """
    for k in range(n_touched):
        v = touched[k]
        dist[v] = np.inf
        pred[v] = -1
        pos[v] = -1
    nt = 0
    dist[source] = 0.0
    touched[nt] = source
    nt += 1
    if bucket_width > 0.0:
        inv_w = 1.0 / bucket_width
        mask = n_buckets - 1
        bhead = np.full(n_buckets, -1, np.int32)
        nxt = heap_v
        prv = np.empty(dist.shape[0], np.int32)
        bhead[0] = source
        nxt[source] = -1
        prv[source] = -1
        pos[source] = 0
        count = 1
        cur = 0
        while count > 0:
            slot = cur & mask
            while bhead[slot] < 0:
                cur += 1
                slot = cur & mask
            v = bhead[slot]
            nv = nxt[v]
            bhead[slot] = nv
            if nv >= 0:
                prv[nv] = -1
            count -= 1
            pos[v] = -2
            if v == target:
                break
            if v < n_access and v != source:
                continue
            d = dist[v]
            for e in range(indptr[v], indptr[v + 1]):
                if not arc_ok[e]:
                    continue
                w = head[e]
                nd = d + weight[e]
                # a settled vertex has dist <= d <= nd, so it never passes this test
                if nd < dist[w]:
                    if w < n_access and w != target:
                        continue
                    pw = pos[w]
                    dist[w] = nd
                    pred[w] = e
                    if pw >= 0:
                        pp = prv[w]
                        nn = nxt[w]
                        if pp >= 0:
                            nxt[pp] = nn
                        else:
                            bhead[pw] = nn
                        if nn >= 0:
                            prv[nn] = pp
                    else:
                        touched[nt] = w
                        nt += 1
                        count += 1
                    s = int(nd * inv_w) & mask
                    h = bhead[s]
                    nxt[w] = h
                    prv[w] = -1
                    if h >= 0:
                        prv[h] = w
                    bhead[s] = w
                    pos[w] = s
        return nt
    size = 1
    heap_v[0] = source
    heap_d[0] = 0.0
    pos[source] = 0
    while size > 0:
        v = heap_v[0]
        d = heap_d[0]
        pos[v] = -2
        size -= 1
        if size > 0:
            last = heap_v[size]
            heap_v[0] = last
            heap_d[0] = heap_d[size]
            pos[last] = 0
            _sift_down4(heap_v, heap_d, pos, 0, size)
        if v == target:
            break
        if v < n_access and v != source:
            continue
        for e in range(indptr[v], indptr[v + 1]):
            if not arc_ok[e]:
                continue
            w = head[e]
            nd = d + weight[e]
            if nd < dist[w]:  # never true for a settled vertex (dist <= d <= nd)
                if w < n_access and w != target:
                    continue
                pw = pos[w]
                dist[w] = nd
                pred[w] = e
                if pw == -1:
                    touched[nt] = w
                    nt += 1
                    heap_v[size] = w
                    heap_d[size] = nd
                    size += 1
                    _sift_up4(heap_v, heap_d, pos, size - 1)
                else:
                    heap_d[pw] = nd
                    _sift_up4(heap_v, heap_d, pos, pw)
    return nt


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


@njit(cache=True, inline="always")
def _sift_up(heap_v: np.ndarray, heap_d: np.ndarray, pos: np.ndarray, i: int) -> None:
    v = heap_v[i]
    d = heap_d[i]
    while i > 0:
        parent = (i - 1) >> 1
        if heap_d[parent] <= d:
            break
        heap_v[i] = heap_v[parent]
        heap_d[i] = heap_d[parent]
        pos[heap_v[i]] = i
        i = parent
    heap_v[i] = v
    heap_d[i] = d
    pos[v] = i


@njit(cache=True, inline="always")
def _sift_down(heap_v: np.ndarray, heap_d: np.ndarray, pos: np.ndarray, i: int, n: int) -> None:
    v = heap_v[i]
    d = heap_d[i]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and heap_d[child + 1] < heap_d[child]:
            child += 1
        if heap_d[child] >= d:
            break
        heap_v[i] = heap_v[child]
        heap_d[i] = heap_d[child]
        pos[heap_v[i]] = i
        i = child
    heap_v[i] = v
    heap_d[i] = d
    pos[v] = i


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
    (``n_access = 0`` disables them, for plain graphs). An indexed binary heap with
    decrease-key keeps every vertex at most once in the queue.

    Returns
    -------
    dist, pred_arc
        Distance to every vertex (``inf`` if unreached) and the arc into it (-1).
    """
    n = len(indptr) - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    pos = np.full(n, -1, np.int64)  # -1 never queued, -2 settled, else heap index
    heap_v = np.empty(n, np.int64)
    heap_d = np.empty(n, np.float64)
    size = 1
    heap_v[0] = source
    heap_d[0] = 0.0
    pos[source] = 0
    dist[source] = 0.0
    while size > 0:
        v = heap_v[0]
        d = heap_d[0]
        pos[v] = -2
        size -= 1
        if size > 0:
            heap_v[0] = heap_v[size]
            heap_d[0] = heap_d[size]
            pos[heap_v[0]] = 0
            _sift_down(heap_v, heap_d, pos, 0, size)
        if v == target:
            break
        if v < n_access and v != source:
            continue
        for e in range(indptr[v], indptr[v + 1]):
            if not arc_ok[e]:
                continue
            w = head[e]
            if pos[w] == -2 or (w < n_access and w != target):
                continue
            nd = d + weight[e]
            if nd < dist[w]:
                dist[w] = nd
                pred[w] = e
                if pos[w] == -1:
                    heap_v[size] = w
                    heap_d[size] = nd
                    pos[w] = size
                    size += 1
                    _sift_up(heap_v, heap_d, pos, size - 1)
                else:
                    heap_d[pos[w]] = nd
                    _sift_up(heap_v, heap_d, pos, pos[w])
    return dist, pred
