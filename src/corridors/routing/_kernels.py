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

ARC_GAUGE = 1
ARC_MODE = 2
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pareto-optimal labels over (time, cost, CO2) from ``source`` to ``target``.

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
            # bound: a target label that dominates this one makes it useless
            bad = False
            k = first[target]
            while k >= 0:
                if lab_alive[k] and _dominated(
                    nt, nc, ne, nn, lab_t[k], lab_c[k], lab_e[k], lab_n[k], use_n, eps
                ):
                    bad = True
                    break
                k = lab_next[k]
            if bad:
                continue
            k = first[w]
            while k >= 0:
                if lab_alive[k] and _dominated(
                    nt, nc, ne, nn, lab_t[k], lab_c[k], lab_e[k], lab_n[k], use_n, eps
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
