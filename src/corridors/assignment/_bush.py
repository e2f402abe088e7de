"""Numba kernels of the bush-based equilibrium (Dial's Algorithm B, 2006).

One *bush* per (class, origin): an acyclic subnetwork rooted at the origin that carries all of
the origin's demand, stored densely as a row of ``inb`` (link in the bush) and ``x`` (origin
flow per link, capacity units). Each iteration, per bush:

1. **Update the bush.** Scan the bush in topological order for the minimum-cost tree
   (labels ``L``); drop links without flow that are not on that tree; scan again for the
   longest bush path (labels ``U``); add every link ``(i, j)`` with ``L_i + c_ij < L_j`` and
   ``U_i < U_j``. Because every bush link satisfies ``U_i + c_ij ≤ U_j`` and every added link
   ``U_i < U_j``, the bush stays acyclic.
2. **Shift flow.** Scan for ``L`` and the longest *used* path labels; in reverse topological
   order, for each node whose longest used path is costlier than its shortest path, walk both
   paths back to where they diverge and move flow from the long segment to the short one by a
   Newton step ``Δ = (C_max - C_min) / Σ dt/dv`` (capped by the least flow on the long segment).
   Link times are updated as flow moves (Gauss-Seidel).

Link costs are ``time + offset[c]``; ``offset = inf`` marks links a class may not use. Zones
flagged ``no_through`` are never passed through (only the origin leaves from a zone).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from corridors.assignment._bush_graph import _scan, _search, _topo, _update_bush
from corridors.assignment._kernels import (
    _load_tree,
    class_cost,
    dijkstra,
    tree_scratch,
    zone_demand,
)
from corridors.assignment.vdf import vdf_slope, vdf_time

INF = np.inf


@nb.njit(cache=True)
def _shift_pass(
    c: int,
    order: np.ndarray,
    pos: np.ndarray,
    n_order: int,
    x: np.ndarray,
    from_node: np.ndarray,
    pred_min: np.ndarray,
    pred_max: np.ndarray,
    lab_min: np.ndarray,
    lab_max: np.ndarray,
    off: np.ndarray,
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    flow: np.ndarray,
    flow_c: np.ndarray,
    time: np.ndarray,
    tol: float,
) -> float:
    """Newton flow shifts from longest-used to shortest segments; returns the largest gap seen.

    Moves ``x``, ``flow`` and ``time``; class flows are re-summed from the bushes by the caller.
    """
    worst = 0.0
    for idx in range(n_order - 1, 0, -1):
        j = order[idx]
        pu = pred_max[j]
        if pu < 0:
            continue
        pm = pred_min[j]
        if pu == pm or lab_max[j] - lab_min[j] <= tol:
            continue
        div = _divergence(from_node[pm], from_node[pu], pos, from_node, pred_min, pred_max)
        c_min = 0.0
        d_min = 0.0
        w = j
        while w != div:
            a = pred_min[w]
            c_min += time[a] + off[a]
            d_min += vdf_slope(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
            w = from_node[a]
        c_max = 0.0
        d_max = 0.0
        x_min = INF
        w = j
        while w != div:
            a = pred_max[w]
            c_max += time[a] + off[a]
            d_max += vdf_slope(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
            if x[a] < x_min:
                x_min = x[a]
            w = from_node[a]
        dc = c_max - c_min
        if dc > worst:
            worst = dc
        if dc <= tol or x_min <= 0.0:
            continue
        den = d_min + d_max
        delta = x_min if den <= 0.0 else min(x_min, dc / den)
        full = delta >= x_min
        w = j
        while w != div:
            a = pred_max[w]
            if full and x[a] == x_min:
                x[a] = 0.0  # a full shift empties the least-flow links exactly (no residue)
            else:
                x[a] -= delta
            f = flow[a] - delta
            flow[a] = f if f > 0.0 else 0.0
            time[a] = vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
            w = from_node[a]
        w = j
        while w != div:
            a = pred_min[w]
            x[a] += delta
            flow[a] += delta
            time[a] = vdf_time(kind[a], t0[a], cap[a], alpha[a], beta[a], flow[a])
            w = from_node[a]
    return worst


@nb.njit(cache=True, inline="always")
def _divergence(
    u: int,
    v: int,
    pos: np.ndarray,
    from_node: np.ndarray,
    pred_min: np.ndarray,
    pred_max: np.ndarray,
) -> int:
    """Where the shortest path back from ``u`` meets the longest used path back from ``v``."""
    while u != v:
        if pos[u] > pos[v]:
            u = from_node[pred_min[u]]
        else:
            v = from_node[pred_max[v]]
    return u


@nb.njit(cache=True)
def bush_init(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    from_node: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    time: np.ndarray,
    offset: np.ndarray,
    b_cls: np.ndarray,
    b_org: np.ndarray,
    demand: np.ndarray,
    todo: np.ndarray,
    inb: np.ndarray,
    x: np.ndarray,
    flow_c: np.ndarray,
) -> float:
    """Start the bushes flagged in ``todo`` as shortest-path trees loaded all-or-nothing.

    Returns the demand (capacity units) without a route.
    """
    n = indptr.shape[0] - 1
    nl = lidx.shape[0]
    dist, pred, order, done, hk, hv = tree_scratch(n, lidx.shape[0])
    cost = np.empty(nl)
    nf = np.zeros(n)
    lost = 0.0
    for b in range(b_cls.shape[0]):
        if not todo[b]:
            continue
        c = b_cls[b]
        o = b_org[b]
        class_cost(cost, time, offset, c)
        # full tree (no early stop at the last zone): every reachable node joins the bush
        n_order = dijkstra(indptr, heads, lidx, cost, no_through, n, o, dist, pred, order,
                           done, hk, hv)  # fmt: skip
        xb = x[b]
        ib = inb[b]
        for a in range(nl):
            xb[a] = 0.0
            ib[a] = False
        for i in range(n_order):
            a = pred[order[i]]
            if a >= 0:
                ib[a] = True
        lost += zone_demand(demand[c, o], o, dist, nf)[1]
        _load_tree(order, n_order, pred, from_node, nf, xb)
        fc = flow_c[c]
        for a in range(nl):
            fc[a] += xb[a]
    return lost


@nb.njit(cache=True)
def bush_reload(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    n_zones: int,
    time: np.ndarray,
    offset: np.ndarray,
    b_cls: np.ndarray,
    b_org: np.ndarray,
    demand: np.ndarray,
    inb: np.ndarray,
    x: np.ndarray,
    flow_c: np.ndarray,
) -> np.ndarray:
    """Warm start: load (new) demand onto kept bushes by their approach proportions.

    Links the class may no longer use leave the bush, and so do links whose tail the bush no
    longer reaches. At each node the inflow splits over its bush links in proportion to their
    old flow (to the cheapest bush link when none carried flow). Returns per bush whether it
    must be restarted from scratch (a destination with demand is no longer in it).
    """
    n = indptr.shape[0] - 1
    nl = lidx.shape[0]
    nb_ = b_cls.shape[0]
    redo = np.zeros(nb_, np.bool_)
    indeg = np.empty(n, np.int64)
    order = np.empty(n, np.int32)
    pos = np.empty(n, np.int64)
    seen = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int32)
    lab_min = np.empty(n)
    lab_max = np.empty(n)
    pred_min = np.empty(n, np.int32)
    pred_max = np.empty(n, np.int32)
    nf = np.zeros(n)
    old = np.empty(nl)
    for b in range(nb_):
        c = b_cls[b]
        o = b_org[b]
        off = offset[c]
        ib = inb[b]
        xb = x[b]
        _prune_unreached(o, ib, off, indptr, heads, lidx, from_node, seen, stack)
        row = demand[c, o]
        for z in range(n_zones):
            if row[z] > 0.0 and z != o and not seen[z]:
                redo[b] = True
        if redo[b]:
            continue
        n_order = _topo(o, ib, indptr, heads, lidx, to_node, indeg, order, pos)
        if n_order < 0:
            redo[b] = True
            continue
        _scan(o, order, n_order, ib, xb, False, rptr, rlinks, from_node, time, off,
              lab_min, lab_max, pred_min, pred_max)  # fmt: skip
        _reload(o, row, order, n_order, ib, xb, old, nf, rptr, rlinks, from_node, pred_min,
                flow_c[c])  # fmt: skip
    return redo


@nb.njit(cache=True)
def _prune_unreached(
    o: int,
    ib: np.ndarray,
    off: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    from_node: np.ndarray,
    seen: np.ndarray,
    stack: np.ndarray,
) -> None:
    """Drop the links a class may not use and those whose tail the bush no longer reaches.

    ``seen`` is left flagging the nodes reached from the origin ``o`` over bush links.
    """
    for a in range(ib.shape[0]):
        if off[a] == INF:
            ib[a] = False
    for v in range(seen.shape[0]):
        seen[v] = False
    _search(o, -1, ib, indptr, heads, lidx, seen, stack, seen, -1)
    for a in range(ib.shape[0]):
        if ib[a] and not seen[from_node[a]]:
            ib[a] = False


@nb.njit(cache=True)
def _reload(
    o: int,
    row: np.ndarray,
    order: np.ndarray,
    n_order: int,
    ib: np.ndarray,
    xb: np.ndarray,
    old: np.ndarray,
    nf: np.ndarray,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    pred_min: np.ndarray,
    fc: np.ndarray,
) -> None:
    """Load demand ``row`` onto one bush by its old approach proportions (see bush_reload)."""
    nl = ib.shape[0]
    n_zones = row.shape[0]
    for a in range(nl):
        old[a] = xb[a] if ib[a] else 0.0
        xb[a] = 0.0
    for z in range(n_zones):
        if z != o:
            nf[z] = row[z]
    for idx in range(n_order - 1, 0, -1):
        j = order[idx]
        f = nf[j]
        nf[j] = 0.0
        if f <= 0.0:
            continue
        tot = 0.0
        for k in range(rptr[j], rptr[j + 1]):
            a = rlinks[k]
            if ib[a]:
                tot += old[a]
        if tot > 0.0:
            for k in range(rptr[j], rptr[j + 1]):
                a = rlinks[k]
                if ib[a] and old[a] > 0.0:
                    q = f * (old[a] / tot)
                    xb[a] += q
                    fc[a] += q
                    nf[from_node[a]] += q
        else:
            a = pred_min[j]
            xb[a] += f
            fc[a] += f
            nf[from_node[a]] += f
    nf[o] = 0.0


@nb.njit(cache=True)
def bush_iteration(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    no_through: np.ndarray,
    kind: np.ndarray,
    t0: np.ndarray,
    cap: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    offset: np.ndarray,
    demand: np.ndarray,
    b_cls: np.ndarray,
    b_org: np.ndarray,
    inb: np.ndarray,
    x: np.ndarray,
    b_order: np.ndarray,
    b_nord: np.ndarray,
    active: np.ndarray,
    flow: np.ndarray,
    flow_c: np.ndarray,
    time: np.ndarray,
    update: bool,
    thr: float,
) -> tuple[int, int]:
    """One Algorithm B sweep over the bushes: bush update (when ``update``) and one flow pass.

    ``b_order[b, :b_nord[b]]`` caches each bush's topological order (recomputed after an
    update). Without ``update`` only bushes flagged ``active`` are visited, and a bush whose
    mean excess cost per unit of demand (longest used minus shortest path) is at most
    ``thr`` is left alone and deactivated. ``flow`` and ``time`` stay consistent; ``flow_c``
    is not updated (sum the bushes).
    Returns ``(links added, bushes whose flows moved)``.
    """
    n = indptr.shape[0] - 1
    nz = demand.shape[1]
    indeg = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    lab_min = np.empty(n)
    lab_max = np.empty(n)
    pred_min = np.empty(n, np.int32)
    pred_max = np.empty(n, np.int32)
    new = np.empty(lidx.shape[0], np.int32)
    hk = np.empty(n + 1)
    hv = np.empty(n + 1, np.int32)
    added = 0
    worked = 0
    for b in range(b_cls.shape[0]):
        if not update and not active[b]:
            continue
        c = b_cls[b]
        o = b_org[b]
        off = offset[c]
        ib = inb[b]
        xb = x[b]
        order = b_order[b]
        n_order = b_nord[b]
        if update:
            k = _update_bush(o, ib, xb, order, pos, indeg, new, n_order, indptr, heads, lidx,
                             rptr, rlinks, from_node, to_node, no_through, time, off,
                             lab_min, lab_max, pred_min, pred_max, hk, hv,
                             demand[c, o].sum())  # fmt: skip
            added += k
            n_order = _topo(o, ib, indptr, heads, lidx, to_node, indeg, order, pos)
            if n_order < 0:
                raise RuntimeError("bush is not acyclic")
            b_nord[b] = n_order
        else:
            for idx in range(n_order):
                pos[order[idx]] = idx
        for z in range(nz):
            lab_max[z] = -INF
            pred_max[z] = -1
        _scan(o, order, n_order, ib, xb, True, rptr, rlinks, from_node, time, off,
              lab_min, lab_max, pred_min, pred_max, False, False)  # fmt: skip
        exc, tot = _excess(demand[c, o], lab_min, lab_max, pred_max)
        if tot > 0.0 and exc <= thr * tot:
            active[b] = False
            continue
        active[b] = True
        worked += 1
        _shift_pass(c, order, pos, n_order, xb, from_node, pred_min, pred_max, lab_min,
                    lab_max, off, kind, t0, cap, alpha, beta, flow, flow_c, time, 0.0)  # fmt: skip
    return added, worked


@nb.njit(cache=True, inline="always")
def _excess(
    row: np.ndarray, lab_min: np.ndarray, lab_max: np.ndarray, pred_max: np.ndarray
) -> tuple[float, float]:
    """``(Σ demand × (longest used − shortest path cost), Σ demand)`` over routed zones."""
    exc = 0.0
    tot = 0.0
    for z in range(row.shape[0]):
        q = row[z]
        if q > 0.0 and pred_max[z] >= 0:
            exc += q * (lab_max[z] - lab_min[z])
            tot += q
    return exc, tot


@nb.njit(cache=True)
def topo_all(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    to_node: np.ndarray,
    b_org: np.ndarray,
    inb: np.ndarray,
    b_order: np.ndarray,
) -> np.ndarray:
    """Topological order of every bush into ``b_order``; returns the node counts."""
    n = indptr.shape[0] - 1
    indeg = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    out = np.empty(b_org.shape[0], np.int64)
    for b in range(b_org.shape[0]):
        k = _topo(b_org[b], inb[b], indptr, heads, lidx, to_node, indeg, b_order[b], pos)
        if k < 0:
            raise RuntimeError("bush is not acyclic")
        out[b] = k
    return out


@nb.njit(cache=True)
def sptt(
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    no_through: np.ndarray,
    n_zones: int,
    time: np.ndarray,
    offset: np.ndarray,
    g_cls: np.ndarray,
    g_org: np.ndarray,
    demand: np.ndarray,
) -> float:
    """Shortest-path total cost: Σ demand × cheapest route cost over the (class, origin) groups."""
    n = indptr.shape[0] - 1
    nl = lidx.shape[0]
    dist, pred, order, done, hk, hv = tree_scratch(n, lidx.shape[0])
    cost = np.empty(nl)
    s = 0.0
    last_c = -1
    for g in range(g_cls.shape[0]):
        c = g_cls[g]
        o = g_org[g]
        if c != last_c:
            class_cost(cost, time, offset, c)
            last_c = c
        dijkstra(indptr, heads, lidx, cost, no_through, n_zones, o, dist, pred, order, done,
                 hk, hv)  # fmt: skip
        row = demand[c, o]
        for z in range(n_zones):
            q = row[z]
            if q > 0.0 and z != o and dist[z] < INF:
                s += q * dist[z]
    return s


@nb.njit(cache=True)
def bush_select_share(
    b_cls: np.ndarray,
    b_org: np.ndarray,
    inb: np.ndarray,
    x: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    n_zones: int,
    selected: np.ndarray,
) -> np.ndarray:
    """Per bush and zone: share of the flow arriving at the zone that used a selected link.

    Exact for origin-based flows under the bush's approach proportions: in topological order,
    ``s_j = Σ_a x_a (1 if a selected else s_tail(a)) / Σ_a x_a`` over the links into ``j``.
    """
    n = indptr.shape[0] - 1
    out = np.zeros((b_cls.shape[0], n_zones))
    indeg = np.empty(n, np.int64)
    order = np.empty(n, np.int32)
    pos = np.empty(n, np.int64)
    share = np.zeros(n)
    for b in range(b_cls.shape[0]):
        ib = inb[b]
        xb = x[b]
        n_order = _topo(b_org[b], ib, indptr, heads, lidx, to_node, indeg, order, pos)
        share[b_org[b]] = 0.0
        for idx in range(1, n_order):
            j = order[idx]
            tot = 0.0
            s = 0.0
            for k in range(rptr[j], rptr[j + 1]):
                a = rlinks[k]
                if ib[a] and xb[a] > 0.0:
                    tot += xb[a]
                    s += xb[a] * (1.0 if selected[a] else share[from_node[a]])
            share[j] = s / tot if tot > 0.0 else 0.0
        for z in range(n_zones):
            out[b, z] = share[z] if pos[z] >= 0 else 0.0
    return out
