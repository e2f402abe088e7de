"""The numba kernels every solver shares: one heap, one Dijkstra, waiting for sailings.

Used by routing (:mod:`corridors.routing._kernels`), assignment (path-based and bush,
:mod:`corridors.assignment._kernels`, :mod:`corridors.assignment._bush`) and reliability
(:mod:`corridors.reliability._kernel`).

* :func:`heap_push` / :func:`heap_pop`: a binary min-heap of (key, vertex) with lazy
  deletion.
* :func:`dijkstra_core`: Dijkstra on a forward star with an optional arc indirection
  (``lidx``), arc mask, no-expand mask, access-vertex rule, target or zone-count stop and
  settle-order output. Arguments passed as ``None`` are compiled out (numba prunes the
  branches), so each caller gets the loop it needs without paying for the others.
* :func:`wait_hours`: hours to wait for the next sailing.

Kernels here run as plain Python when the routing kernel does (see :mod:`corridors._jit`): a
one-shot command on a small network then imports no numba. Compiled callers that must stay
compiled take them through :func:`corridors._jit.compiled`.
"""

from __future__ import annotations

import math

import numpy as np

from corridors._jit import njit

SAILING_HOUR = 12.0
"""Departure hour of a timetabled sailing (on each weekday of its mask)."""


@njit(cache=True)
def wait_hours(headway: float, mask: int, hour_of_week: float) -> float:
    """Hours to wait for the next sailing; 0 when the arc is no sailing (``headway <= 0``).

    Without a departure time (``hour_of_week < 0``) half the headway; with one, the time to
    the next sailing: 12:00 on a weekday set in ``mask`` (bit 0 = Monday), or every
    ``headway`` hours from Monday 00:00 when there is no mask.
    """
    if headway <= 0.0:
        return 0.0
    if hour_of_week < 0.0:
        return 0.5 * headway
    how = hour_of_week % 168.0
    if mask == 0:
        k = math.ceil(how / headway - 1e-9)
        return float(k * headway - how)
    best = 1e18
    today = int(how // 24.0)
    base = today * 24.0
    for k in range(8):  # today .. same weekday next week
        if (mask >> ((today + k) % 7)) & 1:
            cand = base + k * 24.0 + SAILING_HOUR - how
            if cand >= -1e-9 and cand < best:
                best = cand
    return max(best, 0.0)


# --------------------------------------------------------------------------------------------
# binary min-heap of (key, value) with lazy deletion


@njit(cache=True, inline="always")
def heap_push(hk: np.ndarray, hv: np.ndarray, size: int, key: float, val: int) -> int:
    """Insert ``(key, val)`` into the heap of ``size`` entries; returns the new size.

    A vertex whose key decreases is pushed again (lazy deletion): the heap holds up to one
    entry per relaxation, so size it by the number of arcs + 1. Measured faster than an
    indexed 4-ary heap with decrease-key on small assignment graphs (0.48 against 1.05 µs
    a tree on a 24-node network).
    """
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if hk[p] <= key:
            break
        hk[i] = hk[p]
        hv[i] = hv[p]
        i = p
    hk[i] = key
    hv[i] = val
    return size + 1


@njit(cache=True, inline="always")
def heap_pop(hk: np.ndarray, hv: np.ndarray, size: int) -> int:
    """Remove the root (read it from ``hk[0]``, ``hv[0]`` first); returns the new size."""
    size -= 1
    key = hk[size]
    val = hv[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and hk[c + 1] < hk[c]:
            c += 1
        if hk[c] >= key:
            break
        hk[i] = hk[c]
        hv[i] = hv[c]
        i = c
    hk[i] = key
    hv[i] = val
    return size


# --------------------------------------------------------------------------------------------
# Dijkstra


@njit(cache=True, inline="always")
def dijkstra_core(  # noqa: C901 - one loop; the unused rules compile out
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray | None,
    weight: np.ndarray,
    arc_ok: np.ndarray | None,
    no_expand: np.ndarray | None,
    n_access: int,
    source: int,
    target: int,
    n_stop: int,
    dist: np.ndarray,
    pred: np.ndarray,
    done: np.ndarray,
    done_mark: int,
    hk: np.ndarray,
    hv: np.ndarray,
    touched: np.ndarray | None,
    n_touched: int,
    order: np.ndarray | None,
) -> tuple[int, int]:
    """Shortest-path tree from ``source`` into caller-owned arrays.

    ``dist`` must be ``inf``, ``pred`` -1 and ``done`` other than ``done_mark`` at every
    vertex the search may reach (callers reset them, or let :func:`dijkstra_ws` reset what
    the last query touched); settled vertices get ``done[v] = done_mark``. ``hk``, ``hv``
    hold the heap (:func:`heap_push`: arcs + 1 entries).

    Rules, each off when its argument is ``None``/0/-1:

    * ``lidx``: the arc at forward-star slot ``k`` is ``lidx[k]`` (weights, masks and
      ``pred`` use arc ids); else the slot itself;
    * ``arc_ok``: arcs allowed; arcs of weight ``inf`` are never used either;
    * ``no_expand``: vertices not left (unless the source);
    * ``n_access``: vertices below it are access vertices, left only from the source and
      entered only when they are the target;
    * ``target``: stop once it is settled; ``n_stop``: stop once the vertices below it are
      all settled;
    * ``touched``: the vertices reached are appended from ``n_touched`` on;
      ``order``: the settled vertices, in settling order (parents before children).

    Returns ``(n_touched, n_settled)``.
    """
    nt = n_touched
    dist[source] = 0.0
    if touched is not None:
        touched[nt] = source
        nt += 1
    size = heap_push(hk, hv, 0, 0.0, source)
    n_set = 0
    left = n_stop
    while size > 0:
        d = hk[0]
        v = hv[0]
        size = heap_pop(hk, hv, size)
        if done[v] == done_mark:
            continue  # a stale entry
        done[v] = done_mark
        if order is not None:
            order[n_set] = v
        n_set += 1
        if v == target:
            break
        if v < n_stop:
            left -= 1
            if left == 0:
                break
        if v != source:
            if v < n_access:
                continue
            if no_expand is not None and no_expand[v]:
                continue
        for k in range(indptr[v], indptr[v + 1]):
            e = k if lidx is None else lidx[k]
            if arc_ok is not None and not arc_ok[e]:
                continue
            w = heads[k]
            nd = d + weight[e]
            if nd < dist[w]:  # never true for a settled vertex (dist <= d <= nd)
                if w < n_access and w != target:
                    continue
                if touched is not None and dist[w] == np.inf:
                    touched[nt] = w
                    nt += 1
                dist[w] = nd
                pred[w] = e
                size = heap_push(hk, hv, size, nd, w)
    return nt, n_set


@njit(cache=True)
def _dijkstra_buckets(
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
    nxt: np.ndarray,
    touched: np.ndarray,
    nt: int,
    bucket_width: float,
    n_buckets: int,
) -> int:
    """The bucket-queue (Dial) search of :func:`dijkstra_ws`; returns the touched count.

    The source is set (distance 0, first of ``touched``) by the caller.
    """
    inv_w = 1.0 / bucket_width
    mask = n_buckets - 1
    bhead = np.full(n_buckets, -1, np.int32)
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
                if pw >= 0:  # unlink from its bucket
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


@njit(cache=True)
def dijkstra_ws(
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
    """Point-to-point or full-tree Dijkstra into scratch arrays reused across queries.

    ``dist`` (``inf``), ``pred`` (-1) and ``pos`` (-1) must hold their reset values except at
    the ``n_touched`` vertices listed in ``touched`` by the previous call, which are reset
    here first; so a query costs in proportion to the part of the graph it explores, not to
    the graph's size. Returns the number of vertices this query touched (pass it to the next
    call). Access-vertex rules as in :func:`dijkstra_core`.

    The queue is a bucket queue (Dial, 1969) when ``bucket_width > 0``: it must not exceed
    the smallest arc weight, and ``n_buckets``, a power of two, must exceed largest weight /
    width + 1. Vertices of one bucket cannot improve each other, so they are settled in any
    order and the distances are exactly those of a heap-based Dijkstra. Otherwise the binary
    heap (``heap_v``, ``heap_d``: arcs + 1 entries); ``pos`` marks settled vertices (-2).
    ``heap_v`` doubles as the bucket lists' ``next`` (and ``pos`` as their slot), ``heap_d``
    is unused then.
    """
    for k in range(n_touched):
        v = touched[k]
        dist[v] = np.inf
        pred[v] = -1
        pos[v] = -1
    if bucket_width > 0.0:
        dist[source] = 0.0
        touched[0] = source
        return _dijkstra_buckets(indptr, head, weight, arc_ok, n_access, source, target,
                                 dist, pred, pos, heap_v, touched, 1, bucket_width,
                                 n_buckets)  # fmt: skip
    nt, _ = dijkstra_core(indptr, head, None, weight, arc_ok, None, n_access, source, target,
                          0, dist, pred, pos, -2, heap_d, heap_v, touched, 0, None)  # fmt: skip
    return nt
