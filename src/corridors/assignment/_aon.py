"""All-or-nothing loading on all cores: one shortest-path tree per origin, trees in parallel.

The link-based algorithms (``aon``, ``msa``, ``fw``, ``cfw``, ``bfw``) spend ~90 % of an
iteration here. :class:`AonWorkspace` holds, for one graph, the forward star with ``int32``
indices, the tail node of each forward-star slot and per-thread scratch; it is built once and
reused by every iteration. :func:`aon_load` then

1. writes the class's link costs in forward-star order (``cost[k] = time[a] + offset[a]``
   for the link ``a`` at slot ``k``), so the search reads them contiguously, with no
   indirection;
2. builds the trees of the origins with demand, origin ``t, t + T, t + 2T, ...`` on thread
   ``t`` of ``T`` (:func:`numba.get_num_threads`, fixed when the workspace is built; a fixed
   split, so a result never depends on scheduling), each thread loading its trees onto its
   own flow array (forward-star order);
3. adds the thread arrays up, in thread order, onto the links.

The search is the Dijkstra of :func:`corridors._kernels.dijkstra_core` (same binary heap,
same relaxation order, so the same trees, ties included): settled vertices are recognised by
``key > dist`` instead of a flag array (a vertex is pushed only when its distance strictly
drops, so its last entry is the one popped first), and ``pred`` holds forward-star slots.
With one thread the flows are bit-for-bit those of the sequential kernel; with ``T`` threads
they differ only in the order floating-point sums are taken.

Parallel loops run on numba's threading layer; OpenMP workers are asked to sleep when idle
(``OMP_WAIT_POLICY=PASSIVE`` unless set otherwise), as in :mod:`corridors.reliability._kernel`.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba as nb
import numpy as np
import numpy.typing as npt

from corridors._jit import compiled
from corridors._kernels import heap_pop, heap_push

_push = compiled(heap_push)
_pop = compiled(heap_pop)

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


@nb.njit(cache=True, inline="always")
def _tree(
    indptr: np.ndarray,
    heads: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    origin: int,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
) -> int:
    """Shortest-path tree from ``origin`` until every zone is settled; the settled count.

    ``dist`` must be ``inf`` everywhere. ``pred[v]`` is the forward-star slot entering a
    settled ``v`` (-1 at the origin); ``order`` lists the settled vertices in settling order.
    """
    dist[origin] = 0.0
    pred[origin] = -1
    size = _push(hk, hv, 0, 0.0, origin)
    n_set = 0
    left = n_zones
    while size > 0:
        d = hk[0]
        v = hv[0]
        size = _pop(hk, hv, size)
        if d > dist[v]:
            continue  # a stale entry
        order[n_set] = v
        n_set += 1
        if v < n_zones:
            left -= 1
            if left == 0:
                break
        if v != origin and no_through[v]:
            continue
        for k in range(indptr[v], indptr[v + 1]):
            w = heads[k]
            nd = d + cost[k]
            if nd < dist[w]:  # never true for a settled vertex (dist <= d <= nd)
                dist[w] = nd
                pred[w] = k
                size = _push(hk, hv, size, nd, w)
    return n_set


@nb.njit(cache=True, inline="always")
def _tree_dial(
    indptr: np.ndarray,
    heads: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    origin: int,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    links: np.ndarray,
    bhead: np.ndarray,
    inv_w: float,
) -> int:
    """:func:`_tree` with a bucket queue (Dial, 1969): the same distances, bit for bit.

    Bucket ``i`` holds the vertices of distance in ``[i w, (i + 1) w)`` with ``w`` below the
    smallest link cost, so a vertex cannot improve another of its bucket and the vertices of
    the lowest non-empty bucket are all final: each distance is the minimum of the same sums
    as in the heap search. Only the settling order within a bucket differs, so only where two
    routes tie exactly may ``pred`` name the other one. ``links[v]`` holds vertex ``v``'s
    ``next`` and ``prev`` in its bucket's list and its bucket (-1 not queued, -2 settled),
    all -1 on entry;
    ``bhead`` (a power of two, above the largest link cost / ``w`` + 1, circular) all -1.
    Both are left so again.
    """
    mask = bhead.shape[0] - 1
    dist[origin] = 0.0
    pred[origin] = -1
    bhead[0] = origin
    links[origin, 0] = -1
    links[origin, 1] = -1
    links[origin, 2] = 0
    count = 1
    cur = 0
    n_set = 0
    left = n_zones
    while count > 0:
        slot = cur & mask
        while bhead[slot] < 0:
            cur += 1
            slot = cur & mask
        v = bhead[slot]
        nv = links[v, 0]
        bhead[slot] = nv
        if nv >= 0:
            links[nv, 1] = -1
        count -= 1
        links[v, 2] = -2
        order[n_set] = v
        n_set += 1
        if v < n_zones:
            left -= 1
            if left == 0:
                break
        if v != origin and no_through[v]:
            continue
        d = dist[v]
        for k in range(indptr[v], indptr[v + 1]):
            w = heads[k]
            nd = d + cost[k]
            if nd < dist[w]:  # never true for a settled vertex (dist <= d <= nd)
                dist[w] = nd
                pred[w] = k
                count += _requeue(w, int(nd * inv_w) & mask, links, bhead)
    _clear(count, cur, mask, links, bhead)
    for i in range(n_set):
        links[order[i], 2] = -1
    return n_set


@nb.njit(cache=True, inline="always")
def _requeue(w: int, s: int, links: np.ndarray, bhead: np.ndarray) -> int:
    """Move vertex ``w`` to bucket ``s`` (out of its bucket if queued); 1 if newly queued."""
    pw = links[w, 2]
    new = 1
    if pw >= 0:  # unlink from its bucket
        new = 0
        pp = links[w, 1]
        nn = links[w, 0]
        if pp >= 0:
            links[pp, 0] = nn
        else:
            bhead[pw] = nn
        if nn >= 0:
            links[nn, 1] = pp
    h = bhead[s]
    links[w, 0] = h
    links[w, 1] = -1
    if h >= 0:
        links[h, 1] = w
    bhead[s] = w
    links[w, 2] = s
    return new


@nb.njit(cache=True, inline="always")
def _clear(count: int, cur: int, mask: int, links: np.ndarray, bhead: np.ndarray) -> None:
    """Empty the buckets after an early stop (``count`` vertices queued from bucket ``cur``)."""
    while count > 0:
        slot = cur & mask
        v = bhead[slot]
        bhead[slot] = -1
        while v >= 0:
            links[v, 2] = -1
            v = links[v, 0]
            count -= 1
        cur += 1


@nb.njit(cache=True, inline="always")
def _load(
    row: np.ndarray,
    origin: int,
    n_set: int,
    order: np.ndarray,
    pred: np.ndarray,
    tail: np.ndarray,
    dist: np.ndarray,
    node_flow: np.ndarray,
    acc: np.ndarray,
) -> tuple[float, float]:
    """Load origin's demand ``row`` on its tree (``acc``, forward-star order); (SPTT, lost)."""
    sptt = 0.0
    lost = 0.0
    for z in range(row.shape[0]):
        q = row[z]
        if q > 0.0 and z != origin:
            if dist[z] == np.inf:
                lost += q
            else:
                node_flow[z] += q
                sptt += q * dist[z]
    for i in range(n_set - 1, -1, -1):
        u = order[i]
        f = node_flow[u]
        if f != 0.0:
            k = pred[u]
            if k >= 0:
                acc[k] += f
                node_flow[tail[k]] += f
            node_flow[u] = 0.0
    return sptt, lost


@nb.njit(cache=True)
def _thread_trees(
    t: int,
    n_threads: int,
    indptr: np.ndarray,
    heads: np.ndarray,
    tail: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    demand: np.ndarray,
    inv_w: float,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    node_flow: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
    links: np.ndarray,
    bhead: np.ndarray,
    acc: np.ndarray,
) -> tuple[float, float]:
    """Trees and loading of origins ``t, t + n_threads, ...`` into one thread's scratch.

    Buckets (:func:`_tree_dial`) when ``inv_w > 0``, else the heap (:func:`_tree`).
    """
    nz = demand.shape[0]
    acc[:] = 0.0
    node_flow[:] = 0.0
    if inv_w > 0.0:
        links[:] = -1
        bhead[:] = -1
    sptt = 0.0
    lost = 0.0
    for o in range(t, nz, n_threads):
        row = demand[o]
        if row.sum() <= 0.0:
            continue
        dist[:] = np.inf
        if inv_w > 0.0:
            n_set = _tree_dial(indptr, heads, cost, no_through, nz, o, dist, pred, order, links,
                               bhead, inv_w)  # fmt: skip
            if dist[order[n_set - 1]] * inv_w > 1e11:  # rounding may matter: redo with the heap
                dist[:] = np.inf
                n_set = _tree(indptr, heads, cost, no_through, nz, o, dist, pred, order, hk, hv)
        else:
            n_set = _tree(indptr, heads, cost, no_through, nz, o, dist, pred, order, hk, hv)
        s, lo = _load(row, o, n_set, order, pred, tail, dist, node_flow, acc)
        sptt += s
        lost += lo
    return sptt, lost


@nb.njit(cache=True)
def bucket_width(cost: np.ndarray, max_buckets: int) -> tuple[float, int]:
    """``(1 / width, buckets)`` of an exact bucket queue on ``cost``, or ``(0, 0)`` for none.

    The width is the smallest finite link cost less 1e-4 of it: a margin far above the
    rounding of ``distance / width`` while distances stay below 3e11 widths (a tree that
    goes beyond 1e11 is searched again with the heap). None when a cost is ≤ 0 or the
    largest finite cost needs more than ``max_buckets`` buckets.
    """
    lo = np.inf
    hi = 0.0
    for k in range(cost.shape[0]):
        c = cost[k]
        if c <= 0.0:
            return 0.0, 0
        if c < np.inf:
            lo = min(lo, c)
            hi = max(hi, c)
    if lo == np.inf:
        return 0.0, 0
    width = lo * (1.0 - 1e-4)
    need = hi / width + 2.0
    if need > max_buckets:
        return 0.0, 0
    nb_ = 1
    while nb_ < need:
        nb_ *= 2
    return 1.0 / width, nb_


@nb.njit(cache=True, parallel=True)
def _aon_parallel(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    tail: np.ndarray,
    time: np.ndarray,
    offset: np.ndarray,
    no_through: np.ndarray,
    demand: np.ndarray,
    flow: np.ndarray,
    cost: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    node_flow: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
    links: np.ndarray,
    bhead: np.ndarray,
    acc: np.ndarray,
) -> tuple[float, float]:
    """Steps 1-3 of the module docstring; per-thread scratch is row ``t`` of each 2-D array."""
    nl = lidx.shape[0]
    nt = acc.shape[0]
    for k in nb.prange(nl):
        a = lidx[k]
        cost[k] = time[a] + offset[a]
    inv_w, n_buckets = bucket_width(cost, bhead.shape[1])
    sp = np.zeros(nt)
    lo = np.zeros(nt)
    for t in nb.prange(nt):
        sp[t], lo[t] = _thread_trees(t, nt, indptr, heads, tail, cost, no_through, demand, inv_w,
                                     dist[t], pred[t], order[t], node_flow[t], hk[t], hv[t],
                                     links[t], bhead[t, :n_buckets], acc[t])  # fmt: skip
    for k in nb.prange(nl):
        s = acc[0, k]
        for t in range(1, nt):
            s += acc[t, k]
        flow[lidx[k]] += s
    sptt = 0.0
    lost = 0.0
    for t in range(nt):
        sptt += sp[t]
        lost += lo[t]
    return sptt, lost


class AonWorkspace:
    """The ``int32`` forward star of one graph and the per-thread scratch of :func:`aon_load`.

    Build once per graph and thread count (``threads``: default
    :func:`numba.get_num_threads`), reuse for every iteration. ``buckets``: use the exact
    bucket queue (:func:`_tree_dial`) when link costs allow it (else the binary heap only).
    Memory: about ``threads × (40 × nodes + 12 × links)`` bytes besides the graph.
    """

    def __init__(
        self,
        indptr: npt.NDArray[np.integer],
        heads: npt.NDArray[np.integer],
        lidx: npt.NDArray[np.integer],
        *,
        threads: int | None = None,
        buckets: bool = True,
    ) -> None:
        n = indptr.shape[0] - 1
        nl = lidx.shape[0]
        nt = max(1, int(nb.get_num_threads() if threads is None else threads))
        self.threads = nt
        self.indptr = indptr.astype(np.int32)
        self.heads = heads.astype(np.int32)
        self.lidx = lidx.astype(np.int32)
        self.tail = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
        self.cost = np.empty(nl)
        self.dist = np.empty((nt, n))
        self.pred = np.empty((nt, n), np.int32)
        self.order = np.empty((nt, n), np.int32)
        self.node_flow = np.empty((nt, n))
        self.hk = np.empty((nt, nl + 1))
        self.hv = np.empty((nt, nl + 1), np.int32)
        # bucket queue: at most max(n, 1024) buckets (largest / smallest link cost below that)
        nbk = max(1024, 1 << max(0, n - 1).bit_length()) if buckets else 0
        self.links = np.empty((nt, n if buckets else 0, 4), np.int32)
        self.bhead = np.empty((nt, nbk), np.int32)
        self.acc = np.empty((nt, nl))


def aon_load(
    ws: AonWorkspace,
    time: F64,
    offset: F64,
    no_through: npt.NDArray[np.bool_],
    demand: F64,
    flow: F64,
) -> tuple[float, float]:
    """All-or-nothing loading of ``demand`` (zones × zones) at link costs ``time + offset``.

    Adds the link flows to ``flow`` (one value a link). Links of cost ``inf`` are never used;
    nodes flagged ``no_through`` are left only as origins. Returns ``(Σ demand × shortest
    cost, demand without a route)``.
    """
    sptt, lost = _aon_parallel(
        ws.indptr, ws.heads, ws.lidx, ws.tail, time, offset, no_through, demand, flow,
        ws.cost, ws.dist, ws.pred, ws.order, ws.node_flow, ws.hk, ws.hv, ws.links, ws.bhead,
        ws.acc,
    )  # fmt: skip
    return float(sptt), float(lost)
