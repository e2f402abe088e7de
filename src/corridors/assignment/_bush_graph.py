"""Numba kernels on the structure of a bush (Dial's Algorithm B; see :mod:`._bush`).

Topological orders, the shortest/longest path scans in that order, and the bush update: drop
unused links off the shortest-path tree, add the shortcuts that keep the bush acyclic.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from corridors._jit import compiled
from corridors._kernels import heap_pop, heap_push

INF = np.inf
heap_push = compiled(heap_push)
heap_pop = compiled(heap_pop)


@nb.njit(cache=True, inline="always")
def _indegrees(inb: np.ndarray, to_node: np.ndarray, indeg: np.ndarray, pos: np.ndarray) -> int:
    """Bush links into each node (``indeg``), ``pos`` reset to -1; returns nodes entered."""
    for v in range(indeg.shape[0]):
        indeg[v] = 0
        pos[v] = -1
    n_in = 0
    for a in range(inb.shape[0]):
        if inb[a]:
            v = to_node[a]
            if indeg[v] == 0:
                n_in += 1
            indeg[v] += 1
    return n_in


@nb.njit(cache=True, inline="always")
def _release(
    u: int,
    inb: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    indeg: np.ndarray,
    out: np.ndarray,
    n_out: int,
) -> int:
    """Take ``u``'s bush links off its successors' in-degrees; the nodes left with none are
    appended to ``out`` from ``n_out`` on. Returns the new count."""
    for k in range(indptr[u], indptr[u + 1]):
        a = lidx[k]
        if inb[a]:
            v = heads[k]
            indeg[v] -= 1
            if indeg[v] == 0:
                out[n_out] = v
                n_out += 1
    return n_out


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
    n_in = _indegrees(inb, to_node, indeg, pos)
    order[0] = origin
    head = 0
    tail = 1
    while head < tail:
        u = order[head]
        head += 1
        tail = _release(u, inb, indptr, heads, lidx, indeg, order, tail)
    for i in range(tail):
        pos[order[i]] = i
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
def _update_bush(
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
    added, risky = _shortcuts(origin, inb, new, pos, from_node, to_node, no_through, time, off,
                              lab_min, lab_max)  # fmt: skip
    if risky == 0:
        return added
    if _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos) >= 0:
        return added + risky
    return added + _add_checked(origin, inb, new, risky, indptr, heads, lidx, from_node, to_node,
                                time, off, lab_min, order, pos, indeg)  # fmt: skip


@nb.njit(cache=True)
def _shortcuts(
    origin: int,
    inb: np.ndarray,
    new: np.ndarray,
    pos: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    no_through: np.ndarray,
    time: np.ndarray,
    off: np.ndarray,
    lab_min: np.ndarray,
    lab_max: np.ndarray,
) -> tuple[int, int]:
    """Add the shortcuts ``L_i + c_ij < L_j`` (see :func:`_update_bush`).

    Forward ones (``pos_i < pos_j``) are safe; backward ones with rising longest-used-path
    labels are added too and listed in ``new``. Returns ``(safe added, listed)``.
    """
    added = 0
    risky = 0
    for a in range(inb.shape[0]):
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
    return added, risky


@nb.njit(cache=True)
def _add_checked(
    origin: int,
    inb: np.ndarray,
    new: np.ndarray,
    risky: int,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    from_node: np.ndarray,
    to_node: np.ndarray,
    time: np.ndarray,
    off: np.ndarray,
    lab_min: np.ndarray,
    order: np.ndarray,
    pos: np.ndarray,
    indeg: np.ndarray,
) -> int:
    """The listed shortcuts closed a cycle together: add the best few one by one.

    Each is checked by a search from its head for its tail over bush links (bounded by the
    topological position). Returns the number added.
    """
    gain = np.empty(risky)
    for k in range(risky):
        a = new[k]
        inb[a] = False
        gain[k] = lab_min[to_node[a]] - lab_min[from_node[a]] - time[a] - off[a]
    cand = new[:risky][np.argsort(-gain)].copy()
    _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos)
    added = 0
    for k in range(min(risky, MAX_CHECKED)):
        a = cand[k]
        if not _reaches(to_node[a], from_node[a], inb, indptr, heads, lidx, pos, indeg):
            inb[a] = True
            added += 1
            _topo(origin, inb, indptr, heads, lidx, to_node, indeg, order, pos)
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
    return _search(src, dst, inb, indptr, heads, lidx, seen, stack, pos, limit)


@nb.njit(cache=True)
def _search(
    src: int,
    dst: int,
    inb: np.ndarray,
    indptr: np.ndarray,
    heads: np.ndarray,
    lidx: np.ndarray,
    seen: np.ndarray,
    stack: np.ndarray,
    pos: np.ndarray,
    limit: int,
) -> bool:
    """Depth-first search from ``src`` over bush links; whether it meets ``dst``.

    Marks the nodes reached in ``seen`` (``False`` where to search). With ``limit >= 0`` only
    nodes of topological position ``0 <= pos <= limit`` are entered.
    """
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
                if not seen[v] and (limit < 0 or 0 <= pos[v] <= limit):
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
    _indegrees(inb, to_node, indeg, pos)
    size = heap_push(hk, hv, 0, 0.0, origin)
    tail = 0
    while size > 0:
        u = hv[0]
        size = heap_pop(hk, hv, size)
        pos[u] = tail
        order[tail] = u
        tail += 1
        # the nodes released go to order[tail:] for a moment, then into the heap
        m = _release(u, inb, indptr, heads, lidx, indeg, order, tail)
        for i in range(tail, m):
            size = heap_push(hk, hv, size, key[order[i]], order[i])
    return tail
