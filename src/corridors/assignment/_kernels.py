"""Numba kernels on the forward-star (CSR) arrays of an :class:`AssignmentGraph`.

Shortest-path trees (the shared Dijkstra of :mod:`corridors._kernels`), tree loading, skims,
the Frank-Wolfe line search and the path-based gradient-projection sweeps (all-or-nothing
loading on all cores is :mod:`corridors.assignment._aon`).
Everything here works on plain arrays; the Python layer in
:mod:`corridors.assignment.algorithms` owns the loop.
Link costs of ``inf`` mark links a class may not use.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from corridors._jit import compiled
from corridors._kernels import dijkstra_core
from corridors.assignment.vdf import vdf_slope, vdf_time

INF = np.inf

_core = compiled(dijkstra_core)


@nb.njit(cache=True)
def dijkstra(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    origin: int,
    dist: np.ndarray,
    pred: np.ndarray,
    order: np.ndarray,
    done: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
) -> int:
    """Shortest-path tree from ``origin``; returns the number of settled nodes in ``order``.

    Stops once every zone is settled. ``pred[v]`` is the link entering ``v`` (-1 at the root
    and at unreached nodes); nodes flagged ``no_through`` are not expanded unless they are the
    origin. ``done`` flags settled nodes, ``hk``, ``hv`` (links + 1 slots) hold the heap;
    :func:`corridors._kernels.dijkstra_core` does the search.
    """
    n = dist.shape[0]
    for i in range(n):
        dist[i] = INF
        pred[i] = -1
        done[i] = False
    _, n_order = _core(indptr, heads, lidx, cost, None, no_through, 0, origin, -1, n_zones,
                       dist, pred, done, True, hk, hv, None, 0, order)  # fmt: skip
    return n_order


@nb.njit(cache=True)
def tree_scratch(
    n: int, nl: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(dist, pred, order, done, hk, hv)`` for :func:`dijkstra` on ``n`` nodes, ``nl`` links."""
    return (np.empty(n), np.empty(n, np.int32), np.empty(n, np.int32), np.empty(n, np.bool_),
            np.empty(nl + 1), np.empty(nl + 1, np.int32))  # fmt: skip


@nb.njit(cache=True, inline="always")
def class_cost(cost: np.ndarray, time: np.ndarray, offset: np.ndarray, c: int) -> None:
    """``cost = time + offset[c]`` (the generalized link cost of class ``c``), in place."""
    for a in range(cost.shape[0]):
        cost[a] = time[a] + offset[c, a]


@nb.njit(cache=True, inline="always")
def zone_demand(
    row: np.ndarray, o: int, dist: np.ndarray, node_flow: np.ndarray
) -> tuple[float, float]:
    """Put origin ``o``'s demand ``row`` at its reached zones (``node_flow``).

    Returns ``(Σ demand × shortest cost, demand without a route)``.
    """
    sptt = 0.0
    lost = 0.0
    for z in range(row.shape[0]):
        q = row[z]
        if q > 0.0 and z != o:
            if dist[z] == INF:
                lost += q
            else:
                node_flow[z] += q
                sptt += q * dist[z]
    return sptt, lost


@nb.njit(cache=True)
def _load_tree(
    order: np.ndarray,
    n_order: int,
    pred: np.ndarray,
    tails: np.ndarray,
    node_flow: np.ndarray,
    flow: np.ndarray,
) -> None:
    for i in range(n_order - 1, -1, -1):
        u = order[i]
        f = node_flow[u]
        if f != 0.0:
            a = pred[u]
            if a >= 0:
                flow[a] += f
                node_flow[tails[a]] += f
            node_flow[u] = 0.0


@nb.njit(cache=True)
def skims(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    tails: np.ndarray,
    cost: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    attrs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Shortest-path cost and the sum of each row of ``attrs`` (k × links) along it.

    Returns ``(cost (zones × zones), attributes (k × zones × zones))``; ``inf``/``nan`` where
    no route exists.
    """
    n = indptr.shape[0] - 1
    k = attrs.shape[0]
    dist, pred, order, done, hk, hv = tree_scratch(n, lidx.shape[0])
    acc = np.zeros((k, n))
    out_c = np.full((n_zones, n_zones), INF)
    out_a = np.full((k, n_zones, n_zones), np.nan)
    for o in range(n_zones):
        n_order = dijkstra(
            indptr, heads, lidx, cost, no_through, n_zones, o, dist, pred, order, done, hk, hv
        )
        for i in range(n_order):
            u = order[i]
            a = pred[u]
            for j in range(k):
                acc[j, u] = 0.0 if a < 0 else acc[j, tails[a]] + attrs[j, a]
        for z in range(n_zones):
            if dist[z] < INF:
                out_c[o, z] = dist[z]
                for j in range(k):
                    out_a[j, o, z] = acc[j, z]
    return out_c, out_a


@nb.njit(cache=True)
def line_search(
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    flow: np.ndarray,
    direction: np.ndarray,
    const: float,
    tol: float,
) -> float:
    """Step in [0, 1] minimising the Beckmann objective along ``direction`` (bisection).

    ``const`` is the derivative of the linear (fixed-cost) part along the direction.
    """

    def deriv(lam: float) -> float:
        s = const
        for a in range(flow.shape[0]):
            da = direction[a]
            if da != 0.0:
                s += vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a] + lam * da) * da
        return s

    if deriv(0.0) >= 0.0:
        return 0.0
    if deriv(1.0) <= 0.0:
        return 1.0
    lo = 0.0
    hi = 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if deriv(mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------------------------
# gradient projection on per-OD path sets


@nb.njit(cache=True)
def _grow_int(a: np.ndarray, need: int) -> np.ndarray:
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), a.dtype)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, inline="always")
def _trace(d: int, o: int, pred: np.ndarray, tails: np.ndarray, buf: np.ndarray) -> int:
    """Links of the tree path from ``o`` to ``d`` into ``buf``, last link first; the count."""
    m = 0
    u = d
    while u != o:
        a = pred[u]
        buf[m] = a
        m += 1
        u = tails[a]
    return m


@nb.njit(cache=True, inline="always")
def _in_set(
    p: int,
    buf: np.ndarray,
    m: int,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    p_next: np.ndarray,
) -> bool:
    """Whether the path ``buf[:m]`` (reversed) is in the set starting at path ``p``."""
    while p >= 0:
        if p_len[p] == m:
            s = p_start[p]
            same = True
            for j in range(m):
                if p_links[s + j] != buf[m - 1 - j]:
                    same = False
                    break
            if same:
                return True
        p = p_next[p]
    return False


@nb.njit(cache=True)
def gp_columns(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    tails: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    time: np.ndarray,
    offset: np.ndarray,
    grp_cls: np.ndarray,
    grp_o: np.ndarray,
    grp_ptr: np.ndarray,
    od_d: np.ndarray,
    od_dem: np.ndarray,
    od_head: np.ndarray,
    pool_i: np.ndarray,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    p_flow: np.ndarray,
    p_next: np.ndarray,
    init: bool,
    flow_c: np.ndarray,
) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add each OD's current shortest path to its path set; measure SPTT.

    ``pool_i = [n_paths, n_link_entries]``. With ``init`` the new path carries the whole OD
    demand (an all-or-nothing start, added to ``flow_c``). Returns
    ``(SPTT, unrouted demand, p_links, p_start, p_len, p_flow, p_next)``.
    """
    n = indptr.shape[0] - 1
    nl = lidx.shape[0]
    dist, pred, order, done, hk, hv = tree_scratch(n, lidx.shape[0])
    cost = np.empty(nl)
    buf = np.empty(n, np.int32)
    sptt = 0.0
    lost = 0.0
    for g in range(grp_cls.shape[0]):
        c = grp_cls[g]
        o = grp_o[g]
        class_cost(cost, time, offset, c)
        dijkstra(indptr, heads, lidx, cost, no_through, n_zones, o, dist, pred, order, done, hk, hv)
        for od in range(grp_ptr[g], grp_ptr[g + 1]):
            d = od_d[od]
            if dist[d] == INF:
                lost += od_dem[od]
                continue
            sptt += od_dem[od] * dist[d]
            m = _trace(d, o, pred, tails, buf)
            if _in_set(od_head[od], buf, m, p_links, p_start, p_len, p_next):
                continue
            npth = pool_i[0]
            ne = pool_i[1]
            p_links = _grow_int(p_links, ne + m)
            if npth + 1 > p_start.shape[0]:
                p_start = _grow_int(p_start, npth + 1)
                p_len = _grow_int(p_len, npth + 1)
                p_flow = _grow_int(p_flow, npth + 1)
                p_next = _grow_int(p_next, npth + 1)
            for j in range(m):
                p_links[ne + j] = buf[m - 1 - j]
            p_start[npth] = ne
            p_len[npth] = m
            q = od_dem[od] if init else 0.0
            p_flow[npth] = q
            if init:
                for j in range(m):
                    flow_c[c, buf[j]] += q
            p_next[npth] = od_head[od]
            od_head[od] = npth
            pool_i[0] = npth + 1
            pool_i[1] = ne + m
    return sptt, lost, p_links, p_start, p_len, p_flow, p_next


@nb.njit(cache=True, inline="always")
def _path_cost(
    p: int,
    c: int,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    time: np.ndarray,
    offset: np.ndarray,
) -> float:
    s = 0.0
    st = p_start[p]
    for j in range(p_len[p]):
        a = p_links[st + j]
        s += time[a] + offset[c, a]
    return s


@nb.njit(cache=True, inline="always")
def _cheapest(
    h: int,
    c: int,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    p_next: np.ndarray,
    time: np.ndarray,
    offset: np.ndarray,
) -> int:
    """The cheapest path of the set starting at path ``h`` (class ``c``)."""
    pm = h
    cm = _path_cost(h, c, p_links, p_start, p_len, time, offset)
    p = p_next[h]
    while p >= 0:
        cp = _path_cost(p, c, p_links, p_start, p_len, time, offset)
        if cp < cm:
            cm = cp
            pm = p
        p = p_next[p]
    return pm


@nb.njit(cache=True, inline="always")
def _drop_empty(
    od: int, pm: int, od_head: np.ndarray, p_flow: np.ndarray, p_next: np.ndarray
) -> None:
    """Unlink the OD's paths without flow, except its cheapest ``pm``."""
    prev = -1
    p = od_head[od]
    while p >= 0:
        nxt = p_next[p]
        if p != pm and p_flow[p] <= 0.0:
            if prev < 0:
                od_head[od] = nxt
            else:
                p_next[prev] = nxt
        else:
            prev = p
        p = nxt


@nb.njit(cache=True, inline="always")
def _gp_den(
    p: int,
    pm: int,
    stamp: int,
    mark_min: np.ndarray,
    mark_p: np.ndarray,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    flow: np.ndarray,
) -> float:
    """Σ dt/dv over the links not shared by paths ``p`` and ``pm``; marks ``p``'s links."""
    sp = p_start[p]
    sm = p_start[pm]
    den = 0.0
    for j in range(p_len[p]):
        a = p_links[sp + j]
        mark_p[a] = stamp
        if mark_min[a] != stamp:
            den += vdf_slope(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    for j in range(p_len[pm]):
        a = p_links[sm + j]
        if mark_p[a] != stamp:
            den += vdf_slope(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    return den


@nb.njit(cache=True, inline="always")
def _gp_move(
    p: int,
    pm: int,
    c: int,
    delta: float,
    stamp: int,
    mark_min: np.ndarray,
    mark_p: np.ndarray,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    flow: np.ndarray,
    flow_c: np.ndarray,
    time: np.ndarray,
) -> None:
    """Move ``delta`` from path ``p``'s own links to ``pm``'s; times follow; unmarks ``p``."""
    sp = p_start[p]
    sm = p_start[pm]
    for j in range(p_len[p]):
        a = p_links[sp + j]
        if mark_min[a] != stamp:
            flow[a] -= delta
            flow_c[c, a] -= delta
            if flow[a] < 0.0:
                flow[a] = 0.0
            time[a] = vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    for j in range(p_len[pm]):
        a = p_links[sm + j]
        if mark_p[a] != stamp:
            flow[a] += delta
            flow_c[c, a] += delta
            time[a] = vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
    for j in range(p_len[p]):
        mark_p[p_links[sp + j]] = 0


@nb.njit(cache=True)
def gp_equilibrate(
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    offset: np.ndarray,
    od_cls: np.ndarray,
    od_head: np.ndarray,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    p_flow: np.ndarray,
    p_next: np.ndarray,
    flow: np.ndarray,
    flow_c: np.ndarray,
    time: np.ndarray,
    n_passes: int,
) -> None:
    """Gauss-Seidel gradient-projection sweeps over the OD path sets.

    For each OD, flow moves from every costlier path to the cheapest path of the set by a
    Newton step ``(c_p - c_min) / sum of dt/dv over links not shared``, capped at the path's
    flow (Jayakrishnan et al., 1994). ``flow``, ``flow_c`` and ``time`` stay consistent.
    Paths left without flow are dropped from the set.
    """
    nl = flow.shape[0]
    mark_min = np.zeros(nl, np.int64)
    mark_p = np.zeros(nl, np.int64)
    stamp = 0
    n_od = od_head.shape[0]
    for _ in range(n_passes):
        for od in range(n_od):
            h = od_head[od]
            if h < 0 or p_next[h] < 0:
                continue
            c = od_cls[od]
            pm = _cheapest(h, c, p_links, p_start, p_len, p_next, time, offset)
            stamp += 1
            sm = p_start[pm]
            for j in range(p_len[pm]):
                mark_min[p_links[sm + j]] = stamp
            p = od_head[od]
            while p >= 0:
                if p == pm or p_flow[p] <= 0.0:
                    p = p_next[p]
                    continue
                cp = _path_cost(p, c, p_links, p_start, p_len, time, offset)
                cm = _path_cost(pm, c, p_links, p_start, p_len, time, offset)
                dc = cp - cm
                if dc <= 0.0:
                    p = p_next[p]
                    continue
                den = _gp_den(p, pm, stamp, mark_min, mark_p, p_links, p_start, p_len, kind, t0,
                              cap, alpha, beta, flow)  # fmt: skip
                fp = p_flow[p]
                delta = fp if den <= 0.0 else min(fp, dc / den)
                _gp_move(p, pm, c, delta, stamp, mark_min, mark_p, p_links, p_start, p_len, kind,
                         t0, cap, alpha, beta, flow, flow_c, time)  # fmt: skip
                p_flow[p] = fp - delta if delta < fp else 0.0
                p_flow[pm] += delta
                p = p_next[p]
            _drop_empty(od, pm, od_head, p_flow, p_next)


@nb.njit(cache=True)
def path_link_od_flow(
    od_head: np.ndarray,
    p_links: np.ndarray,
    p_start: np.ndarray,
    p_len: np.ndarray,
    p_flow: np.ndarray,
    p_next: np.ndarray,
    selected: np.ndarray,
) -> np.ndarray:
    """Per OD: flow on paths that use any link flagged in ``selected`` (select-link)."""
    out = np.zeros(od_head.shape[0])
    for od in range(od_head.shape[0]):
        p = od_head[od]
        while p >= 0:
            st = p_start[p]
            for j in range(p_len[p]):
                if selected[p_links[st + j]]:
                    out[od] += p_flow[p]
                    break
            p = p_next[p]
    return out


@nb.njit(cache=True)
def total_cost(flow_c: np.ndarray, time: np.ndarray, offset: np.ndarray) -> float:
    """TSTT: sum over classes and links of flow × (time + class offset)."""
    s = 0.0
    for c in range(flow_c.shape[0]):
        for a in range(time.shape[0]):
            f = flow_c[c, a]
            if f != 0.0:
                s += f * (time[a] + offset[c, a])
    return s
