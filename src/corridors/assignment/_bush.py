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

from corridors.assignment._kernels import _pop, _push, dijkstra
from corridors.assignment.vdf import vdf_slope, vdf_time

INF = np.inf


@nb.njit(cache=True)
def _topo(
    origin: int,
    inb: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    to_node: np.ndarray,
    indeg: np.ndarray,
    order: np.ndarray,
    pos: np.ndarray,
) -> int:
    """Topological order of the bush's nodes (Kahn); returns the count, or -1 on a cycle."""
    n = indeg.shape[0]
    for v in range(n):
        indeg[v] = 0
        pos[v] = -1
    n_in = 0
    for a in range(inb.shape[0]):
        if inb[a]:
            v = to_node[a]
            if indeg[v] == 0:
                n_in += 1
            indeg[v] += 1
    order[0] = origin
    pos[origin] = 0
    head = 0
    tail = 1
    while head < tail:
        u = order[head]
        head += 1
        for k in range(indptr[u], indptr[u + 1]):
            a = lidx[k]
            if inb[a]:
                v = heads[k]
                indeg[v] -= 1
                if indeg[v] == 0:
                    pos[v] = tail
                    order[tail] = v
                    tail += 1
    if tail != n_in + (1 if indeg[origin] == 0 else 0):
        return -1
    return tail


@nb.njit(cache=True)
def _scan(
    origin: int,
    order: np.ndarray,
    n_order: int,
    inb: np.ndarray,
    x: np.ndarray,
    used_only: bool,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    time: np.ndarray,
    off: np.ndarray,
    lab_min: np.ndarray,
    lab_max: np.ndarray,
    pred_min: np.ndarray,
    pred_max: np.ndarray,
    flowless_min: bool = False,
    full_init: bool = True,
    used_eps: float = 0.0,
) -> None:
    """Shortest and longest (over used links when ``used_only``) bush paths, in topological order.

    Nodes outside the bush keep ``lab_min = inf``, ``lab_max = -inf`` and predecessor -1. With
    ``flowless_min``, nodes without a used link in get ``lab_max = lab_min``. Links count as
    used when their flow exceeds ``used_eps``.
    """
    if full_init:
        for v in range(lab_min.shape[0]):
            lab_min[v] = INF
            lab_max[v] = -INF
            pred_min[v] = -1
            pred_max[v] = -1
    lab_min[origin] = 0.0
    pred_min[origin] = -1
    pred_max[origin] = -1
    lab_max[origin] = 0.0
    for idx in range(1, n_order):
        j = order[idx]
        lm = INF
        lu = -INF
        pm = -1
        pu = -1
        for k in range(rptr[j], rptr[j + 1]):
            a = rlinks[k]
            if not inb[a]:
                continue
            i = from_node[a]
            ca = time[a] + off[a]
            d = lab_min[i] + ca
            if d < lm:
                lm = d
                pm = a
            if used_only and x[a] <= used_eps:
                continue
            if lab_max[i] == -INF:
                continue
            d = lab_max[i] + ca
            if d > lu:
                lu = d
                pu = a
        lab_min[j] = lm
        lab_max[j] = lm if (flowless_min and pu < 0) else lu
        pred_min[j] = pm
        pred_max[j] = pu


@nb.njit(cache=True)
def _update_bush(  # noqa: C901 - one bush update kept whole for numba
    origin: int,
    inb: np.ndarray,
    x: np.ndarray,
    order: np.ndarray,
    pos: np.ndarray,
    indeg: np.ndarray,
    new: np.ndarray,
    n_order: int,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    rptr: np.ndarray,
    rlinks: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    no_through: np.ndarray,
    time: np.ndarray,
    off: np.ndarray,
    lab_min: np.ndarray,
    lab_max: np.ndarray,
    pred_min: np.ndarray,
    pred_max: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
    demand_b: float,
) -> int:
    """Drop unused links off the shortest-path tree, add shortcuts; returns links added."""
    _scan(origin, order, n_order, inb, x, False, rptr, rlinks, from_node, time, off,
          lab_min, lab_max, pred_min, pred_max)  # fmt: skip
    # residues below 1e-11 of the bush's demand (rounding left-overs of full shifts) count as
    # no flow: they would keep a backward link in the bush, whose cycle check then refuses
    # the shortcut that equilibrium needs, while no sweep moves them (too small to matter)
    tiny = 1e-11 * demand_b
    for a in range(inb.shape[0]):
        if inb[a] and x[a] <= tiny and pred_min[to_node[a]] != a:
            inb[a] = False
            x[a] = 0.0
    # Candidates are the shortcuts L_i + c_ij < L_j. A topological order that follows the
    # shortest-path labels where it can makes most of them point forward (pos_i < pos_j);
    # those cannot close a cycle. The others are added when the longest-used-path labels
    # rise along them (Dial's rule, flowless nodes at their shortest label) and kept only if
    # the bush stays acyclic.
    n_order = _topo_by_label(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos,
                             lab_min, hk, hv)  # fmt: skip
    # flows of a billionth of the bush's demand do not count as use: a long path left with
    # such a residue would block shortcuts while the sweeps' threshold never clears it
    _scan(origin, order, n_order, inb, x, True, rptr, rlinks, from_node, time, off,
          lab_min, lab_max, pred_min, pred_max, True, True, 1e-9 * demand_b)  # fmt: skip
    nl = inb.shape[0]
    added = 0
    risky = 0
    for a in range(nl):
        if inb[a]:
            continue
        i = from_node[a]
        li = lab_min[i]
        if li == INF or (i != origin and no_through[i]):
            continue
        ca = time[a] + off[a]
        if ca == INF:
            continue
        j = to_node[a]
        if not li + ca < lab_min[j]:
            continue
        if pos[j] < 0 or pos[i] < pos[j]:
            inb[a] = True
            added += 1
        elif lab_max[i] < lab_max[j]:
            inb[a] = True
            new[risky] = a
            risky += 1
    if risky == 0:
        return added
    if _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos) >= 0:
        return added + risky
    # together they close a cycle: try the best few one by one, each checked by a search
    # from its head for its tail over bush links (bounded by the topological position)
    gain = np.empty(risky)
    for k in range(risky):
        a = new[k]
        inb[a] = False
        gain[k] = lab_min[to_node[a]] - lab_min[from_node[a]] - time[a] - off[a]
    cand = new[:risky][np.argsort(-gain)].copy()
    n_order = _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos)
    for k in range(min(risky, MAX_CHECKED)):
        a = cand[k]
        if not _reaches(to_node[a], from_node[a], inb, indptr, heads, lidx, pos, indeg):
            inb[a] = True
            added += 1
            n_order = _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos)
    return added


MAX_CHECKED = 8
"""Candidate links per bush update checked one by one for cycles when a batch fails."""


@nb.njit(cache=True)
def _reaches(
    src: int,
    dst: int,
    inb: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    pos: np.ndarray,
    stack: np.ndarray,
) -> bool:
    """Whether ``dst`` is reachable from ``src`` over bush links (``pos``: a valid order)."""
    limit = pos[dst]
    if pos[src] < 0 or limit < 0 or pos[src] > limit:
        return False
    seen = np.zeros(pos.shape[0], np.bool_)
    stack[0] = src
    top = 1
    seen[src] = True
    while top > 0:
        top -= 1
        u = stack[top]
        if u == dst:
            return True
        for k in range(indptr[u], indptr[u + 1]):
            a = lidx[k]
            if inb[a]:
                v = heads[k]
                if not seen[v] and 0 <= pos[v] <= limit:
                    seen[v] = True
                    stack[top] = v
                    top += 1
    return False


@nb.njit(cache=True)
def _topo_by_label(
    origin: int,
    inb: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    to_node: np.ndarray,
    indeg: np.ndarray,
    order: np.ndarray,
    pos: np.ndarray,
    key: np.ndarray,
    hk: np.ndarray,
    hv: np.ndarray,
) -> int:
    """Topological order of the bush taking, among ready nodes, the one of least ``key``."""
    n = indeg.shape[0]
    for v in range(n):
        indeg[v] = 0
        pos[v] = -1
    for a in range(inb.shape[0]):
        if inb[a]:
            indeg[to_node[a]] += 1
    size = _push(hk, hv, 0, 0.0, origin)
    tail = 0
    while size > 0:
        u = hv[0]
        size = _pop(hk, hv, size)
        pos[u] = tail
        order[tail] = u
        tail += 1
        for k in range(indptr[u], indptr[u + 1]):
            a = lidx[k]
            if inb[a]:
                v = heads[k]
                indeg[v] -= 1
                if indeg[v] == 0:
                    size = _push(hk, hv, size, key[v], v)
    return tail


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
        u = from_node[pm]
        v = from_node[pu]
        while u != v:
            if pos[u] > pos[v]:
                u = from_node[pred_min[u]]
            else:
                v = from_node[pred_max[v]]
        div = u
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
                x[a] = 0.0
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
    dist = np.empty(n)
    pred = np.empty(n, np.int32)
    order = np.empty(n, np.int32)
    done = np.empty(n, np.bool_)
    hk = np.empty(nl + 1)
    hv = np.empty(nl + 1, np.int32)
    cost = np.empty(nl)
    nf = np.zeros(n)
    lost = 0.0
    for b in range(b_cls.shape[0]):
        if not todo[b]:
            continue
        c = b_cls[b]
        o = b_org[b]
        for a in range(nl):
            cost[a] = time[a] + offset[c, a]
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
        row = demand[c, o]
        for z in range(n_zones):
            q = row[z]
            if q > 0.0 and z != o:
                if dist[z] == INF:
                    lost += q
                else:
                    nf[z] += q
        for i in range(n_order - 1, -1, -1):
            u = order[i]
            f = nf[u]
            if f != 0.0:
                a = pred[u]
                if a >= 0:
                    xb[a] += f
                    flow_c[c, a] += f
                    nf[from_node[a]] += f
                nf[u] = 0.0
    return lost


@nb.njit(cache=True)
def bush_reload(  # noqa: C901 - one pass per bush kept whole for numba
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
        for a in range(nl):
            if off[a] == INF:
                ib[a] = False
        # reachability from the origin over bush links
        for v in range(n):
            seen[v] = False
        seen[o] = True
        stack[0] = o
        top = 1
        while top > 0:
            top -= 1
            u = stack[top]
            for k in range(indptr[u], indptr[u + 1]):
                a = lidx[k]
                if ib[a] and not seen[heads[k]]:
                    seen[heads[k]] = True
                    stack[top] = heads[k]
                    top += 1
        for a in range(nl):
            if ib[a] and not seen[from_node[a]]:
                ib[a] = False
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
                        flow_c[c, a] += q
                        nf[from_node[a]] += q
            else:
                a = pred_min[j]
                xb[a] += f
                flow_c[c, a] += f
                nf[from_node[a]] += f
        nf[o] = 0.0
    return redo


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
        row = demand[c, o]
        exc = 0.0
        tot = 0.0
        for z in range(nz):
            q = row[z]
            if q > 0.0 and pred_max[z] >= 0:
                exc += q * (lab_max[z] - lab_min[z])
                tot += q
        if tot > 0.0 and exc <= thr * tot:
            active[b] = False
            continue
        active[b] = True
        worked += 1
        _shift_pass(c, order, pos, n_order, xb, from_node, pred_min, pred_max, lab_min,
                    lab_max, off, kind, t0, cap, alpha, beta, flow, flow_c, time, 0.0)  # fmt: skip
    return added, worked


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
    dist = np.empty(n)
    pred = np.empty(n, np.int32)
    order = np.empty(n, np.int32)
    done = np.empty(n, np.bool_)
    hk = np.empty(nl + 1)
    hv = np.empty(nl + 1, np.int32)
    cost = np.empty(nl)
    s = 0.0
    last_c = -1
    for g in range(g_cls.shape[0]):
        c = g_cls[g]
        o = g_org[g]
        if c != last_c:
            for a in range(nl):
                cost[a] = time[a] + offset[c, a]
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
