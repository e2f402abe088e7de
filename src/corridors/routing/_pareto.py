"""Multi-criteria label setting (time, cost, CO2, transfers) on the CSR port graph.

Conventions as in :mod:`corridors.routing._kernels`. Runs interpreted together with it
(:mod:`corridors._jit`).
"""

from __future__ import annotations

import heapq

import numpy as np

from corridors._jit import njit
from corridors._kernels import wait_hours
from corridors.network.enums import ARC_GAUGE, ARC_MODE


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


# A label pool is a tuple of arrays indexed by label id: 0 vertex, 1 time, 2 cost, 3 CO2,
# 4 transfers, 5 predecessor label, 6 arc, 7 alive, 8 next label at the same vertex.


@njit(cache=True)
def _pool(cap: int) -> tuple[np.ndarray, ...]:
    return (np.empty(cap, np.int64), np.empty(cap), np.empty(cap), np.empty(cap),
            np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap, np.int64),
            np.empty(cap, np.bool_), np.empty(cap, np.int64))  # fmt: skip


@njit(cache=True)
def _grow(a: np.ndarray, cap: int) -> np.ndarray:
    b = np.empty(cap, a.dtype)
    b[: len(a)] = a
    return b


@njit(cache=True)
def _pool_grow(p: tuple[np.ndarray, ...], cap: int) -> tuple[np.ndarray, ...]:
    return (_grow(p[0], cap), _grow(p[1], cap), _grow(p[2], cap), _grow(p[3], cap),
            _grow(p[4], cap), _grow(p[5], cap), _grow(p[6], cap), _grow(p[7], cap),
            _grow(p[8], cap))  # fmt: skip


@njit(cache=True)
def _covered(
    p: tuple[np.ndarray, ...],
    k: int,
    t: float,
    c: float,
    e: float,
    n: int,
    use_n: bool,
    eps: float,
) -> bool:
    """Whether an alive label of the list starting at ``k`` (1+eps)-dominates (t, c, e, n)."""
    while k >= 0:
        if p[7][k] and _dominated(t, c, e, n, p[1][k], p[2][k], p[3][k], p[4][k], use_n, eps):
            return True
        k = p[8][k]
    return False


@njit(cache=True)
def _kill_dominated(
    p: tuple[np.ndarray, ...], k: int, t: float, c: float, e: float, n: int, use_n: bool
) -> None:
    """Mark dead the labels of the list starting at ``k`` that (t, c, e, n) dominates."""
    while k >= 0:
        if p[7][k] and _dominated(p[1][k], p[2][k], p[3][k], p[4][k], t, c, e, n, use_n, 0.0):
            p[7][k] = False
        k = p[8][k]


@njit(cache=True)
def _put(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    i: int,
    w: int,
    vals: tuple[float, float, float, int],
    pred: int,
    arc: int,
) -> None:
    """Write label ``i`` (time, cost, CO2, transfers) at vertex ``w``, first in its list."""
    p[0][i] = w
    p[1][i] = vals[0]
    p[2][i] = vals[1]
    p[3][i] = vals[2]
    p[4][i] = vals[3]
    p[5][i] = pred
    p[6][i] = arc
    p[7][i] = True
    p[8][i] = first[w]
    first[w] = i


@njit(cache=True)
def _step(
    t0: float,
    c0: float,
    e0: float,
    n0: int,
    e: int,
    time_h: np.ndarray,
    cost: np.ndarray,
    co2: np.ndarray,
    headway: np.ndarray,
    sailing_mask: np.ndarray,
    kind: np.ndarray,
    start_how: float,
) -> tuple[float, float, float, int]:
    """A label extended along arc ``e``: time (waits included), cost, CO2, transfers."""
    wait = 0.0
    if headway[e] > 0.0:
        how = -1.0 if start_how < 0.0 else start_how + t0
        wait = wait_hours(headway[e], sailing_mask[e], how)
    nn = n0 + (1 if (kind[e] == ARC_GAUGE or kind[e] == ARC_MODE) else 0)
    return t0 + wait + time_h[e], c0 + cost[e], e0 + co2[e], nn


@njit(cache=True)
def _collect(p: tuple[np.ndarray, ...], first: np.ndarray, target: int) -> np.ndarray:
    """Alive label ids at ``target``."""
    count = 0
    k = first[target]
    while k >= 0:
        count += 1 if p[7][k] else 0
        k = p[8][k]
    out = np.empty(count, np.int64)
    i = 0
    k = first[target]
    while k >= 0:
        if p[7][k]:
            out[i] = k
            i += 1
        k = p[8][k]
    return out


@njit(cache=True)
def _seed(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    heap: list[tuple[float, float, int]],
    n_lab: int,
    arcs: np.ndarray,
    g: tuple[np.ndarray, ...],
    lb: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_access: int,
    target: int,
    start_how: float,
    max_transfers: int,
    max_time_h: float,
) -> int:
    """Label the route ``arcs`` from the source (label 0); returns the label count.

    ``g = (head, arc_ok, time_h, cost, co2, headway, sailing_mask, kind)``. Every label of
    the route is queued, so the routes through its prefixes are still searched. A route that
    breaks a rule (closed arc, access vertex, transfers, time) or that a target label
    dominates is left out.
    """
    m = arcs.shape[0]
    vals = np.empty((m, 4))
    t, c, co, nn = 0.0, 0.0, 0.0, 0
    for j in range(m):  # check the whole route before writing any label
        e = arcs[j]
        w = g[0][e]
        if not g[1][e] or (w < n_access and w != target):
            return n_lab
        t, c, co, nn = _step(t, c, co, nn, e, g[2], g[3], g[4], g[5], g[6], g[7], start_how)
        if t > max_time_h or (0 <= max_transfers < nn):
            return n_lab
        vals[j, 0], vals[j, 1], vals[j, 2], vals[j, 3] = t, c, co, nn
    if m == 0 or n_lab + m > p[0].shape[0]:
        return n_lab
    if _covered(p, first[target], t, c, co, nn, max_transfers >= 0, 0.0):
        return n_lab
    _kill_dominated(p, first[target], t, c, co, nn, max_transfers >= 0)
    lid = 0
    for j in range(m):
        lab = (vals[j, 0], vals[j, 1], vals[j, 2], int(vals[j, 3]))
        _put(p, first, n_lab, g[0][arcs[j]], lab, lid, arcs[j])
        w = g[0][arcs[j]]
        heapq.heappush(heap, (lab[0] + lb[0][w], lab[1] + lb[1][w], n_lab))
        lid = n_lab
        n_lab += 1
    return n_lab


@njit(cache=True)
def _expand(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    heap: list[tuple[float, float, int]],
    lid: int,
    n_lab: int,
    max_labels: int,
    indptr: np.ndarray,
    g: tuple[np.ndarray, ...],
    lb: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_access: int,
    target: int,
    start_how: float,
    max_transfers: int,
    max_time_h: float,
    eps: float,
) -> tuple[tuple[np.ndarray, ...], int, bool]:
    """Extend label ``lid`` along the arcs of its vertex; ``(pool, labels, cap hit)``."""
    use_n = max_transfers >= 0
    v = p[0][lid]
    for e in range(indptr[v], indptr[v + 1]):
        w = g[0][e]
        if not g[1][e] or (w < n_access and w != target) or lb[0][w] == np.inf:
            continue
        lab = _step(p[1][lid], p[2][lid], p[3][lid], p[4][lid], e, g[2], g[3], g[4], g[5],
                    g[6], g[7], start_how)  # fmt: skip
        nt, nc, ne, nn = lab
        if nt > max_time_h or (use_n and nn > max_transfers):
            continue
        # bound: a target label that (1+eps)-dominates its optimistic completion
        if _covered(p, first[target], nt + lb[0][w], nc + lb[1][w], ne + lb[2][w], nn, use_n,
                    eps):  # fmt: skip
            continue
        if _covered(p, first[w], nt, nc, ne, nn, use_n, 0.0):
            continue
        _kill_dominated(p, first[w], nt, nc, ne, nn, use_n)
        if n_lab == p[0].shape[0]:
            if n_lab >= max_labels:
                return p, n_lab, True
            p = _pool_grow(p, min(2 * n_lab, max_labels))
        _put(p, first, n_lab, w, lab, lid, e)
        heapq.heappush(heap, (nt + lb[0][w], nc + lb[1][w], n_lab))
        n_lab += 1
    return p, n_lab, False


@njit(cache=True)
def _cover_ratio(
    p: tuple[np.ndarray, ...], k: int, t: float, c: float, e: float, n: int, use_n: bool
) -> float:
    """Least factor by which an alive label of the list at ``k`` exceeds (t, c, e, n)."""
    best = np.inf
    while k >= 0:
        if p[7][k] and not (use_n and p[4][k] > n):
            r = max(_ratio(p[1][k], t), _ratio(p[2][k], c), _ratio(p[3][k], e))
            best = min(best, r)
        k = p[8][k]
    return best


@njit(cache=True, inline="always")
def _ratio(x: float, b: float) -> float:
    """``x / b``, at least 1; ``inf`` when ``x`` exceeds ``b <= 0``."""
    if x <= b + 1e-9:
        return 1.0
    return x / b if b > 0.0 else np.inf


@njit(cache=True)
def _dropped(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    heap: list[tuple[float, float, int]],
    lb: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_access: int,
    source: int,
    target: int,
    use_n: bool,
) -> tuple[int, float, np.ndarray]:
    """Queued labels left unexpanded at the cap: count, ε bound, labels per vertex.

    The bound is the largest factor by which the best returned route exceeds a dropped
    label's optimistic completion (label + lower bounds) in some criterion, less one: every
    route through a dropped label has a returned route within it.
    """
    per_vertex = np.zeros(first.shape[0], np.int64)
    worst = 1.0
    count = 0
    for item in heap:
        k = item[2]
        v = p[0][k]
        if not p[7][k] or v == target or (v < n_access and v != source):
            continue
        count += 1
        per_vertex[v] += 1
        r = _cover_ratio(p, first[target], p[1][k] + lb[0][v], p[2][k] + lb[1][v],
                         p[3][k] + lb[2][v], p[4][k], use_n)  # fmt: skip
        worst = max(worst, r)
    return count, worst - 1.0, per_vertex


@njit(cache=True)
def _complete(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    k: int,
    pred_r: np.ndarray,
    rorder: np.ndarray,
    g: tuple[np.ndarray, ...],
    buf: np.ndarray,
    n_access: int,
    target: int,
    start_how: float,
    max_transfers: int,
    max_time_h: float,
    n_lab: int,
) -> tuple[tuple[np.ndarray, ...], int, bool]:
    """Complete label ``k`` to the target along a backward shortest-path tree (``pred_r``:
    reversed arc into each vertex, ``rorder``: its forward arc); the route joins the
    target's set unless a label there dominates it. Returns ``(pool, labels, added)``."""
    use_n = max_transfers >= 0
    v = p[0][k]
    t, c, e, nn = p[1][k], p[2][k], p[3][k], p[4][k]
    m = 0
    while v != target:
        if pred_r[v] < 0 or m == buf.shape[0]:
            return p, n_lab, False
        a = rorder[pred_r[v]]
        v = g[0][a]
        if not g[1][a] or (v < n_access and v != target):
            return p, n_lab, False
        t, c, e, nn = _step(t, c, e, nn, a, g[2], g[3], g[4], g[5], g[6], g[7], start_how)
        if t > max_time_h or (use_n and nn > max_transfers):
            return p, n_lab, False
        buf[m] = a
        m += 1
    if m == 0 or _covered(p, first[target], t, c, e, nn, use_n, 0.0):
        return p, n_lab, False
    _kill_dominated(p, first[target], t, c, e, nn, use_n)
    if n_lab + m > p[0].shape[0]:
        p = _pool_grow(p, max(2 * p[0].shape[0], n_lab + m))
    lab = (p[1][k], p[2][k], p[3][k], p[4][k])
    lid = k
    for j in range(m):
        a = buf[j]
        lab = _step(lab[0], lab[1], lab[2], lab[3], a, g[2], g[3], g[4], g[5], g[6], g[7],
                    start_how)  # fmt: skip
        _put(p, first, n_lab, g[0][a], lab, lid, a)
        lid = n_lab
        n_lab += 1
    return p, n_lab, True


@njit(cache=True)
def _complete_worst(
    p: tuple[np.ndarray, ...],
    first: np.ndarray,
    heap: list[tuple[float, float, int]],
    n_lab: int,
    lb: tuple[np.ndarray, np.ndarray, np.ndarray],
    trees: np.ndarray,
    rorder: np.ndarray,
    g: tuple[np.ndarray, ...],
    n_access: int,
    source: int,
    target: int,
    start_how: float,
    max_transfers: int,
    max_time_h: float,
) -> tuple[tuple[np.ndarray, ...], int]:
    """After the cap: complete the worst-covered dropped labels along each backward tree.

    Rounds of :data:`COMPLETE_PER_ROUND` labels, those whose optimistic completion the found
    routes cover worst, each completed along the fastest, cheapest and greenest tree to the
    target: real routes where the search could not go, which tighten the guarantee.
    """
    buf = np.empty(first.shape[0], np.int64)
    for _ in range(COMPLETE_ROUNDS):
        ratio = np.empty(len(heap))
        ids = np.empty(len(heap), np.int64)
        cnt = 0
        for item in heap:
            k = item[2]
            v = p[0][k]
            if not p[7][k] or v == target or (v < n_access and v != source):
                continue
            ratio[cnt] = _cover_ratio(p, first[target], p[1][k] + lb[0][v], p[2][k] + lb[1][v],
                                      p[3][k] + lb[2][v], p[4][k], max_transfers >= 0)  # fmt: skip
            ids[cnt] = k
            cnt += 1
        added = 0
        for s in np.argsort(-ratio[:cnt])[:COMPLETE_PER_ROUND]:
            if ratio[s] <= 1.0 + 1e-9:
                break
            for tree in range(trees.shape[0]):
                p, n_lab, ok = _complete(p, first, ids[s], trees[tree], rorder, g, buf,
                                         n_access, target, start_how, max_transfers,
                                         max_time_h, n_lab)  # fmt: skip
                added += 1 if ok else 0
        if added == 0:
            break
    return p, n_lab


COMPLETE_ROUNDS = 2
"""Rounds of completions of dropped labels after a capped search."""
COMPLETE_PER_ROUND = 16
"""Dropped labels completed per round (along each of the three backward trees)."""


@njit(cache=True)
def pareto_core(
    indptr: np.ndarray,
    g: tuple[np.ndarray, ...],
    n_access: int,
    source: int,
    target: int,
    start_hour_of_week: float,
    max_transfers: int,
    max_time_h: float,
    eps: float,
    max_labels: int,
    lb: tuple[np.ndarray, np.ndarray, np.ndarray],
    seed_arcs: np.ndarray,
    seed_ptr: np.ndarray,
    trees: np.ndarray,
    rorder: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, float, np.ndarray]:
    """:func:`pareto_search` seeded with whole routes, reporting what a label cap dropped.

    ``g = (head, arc_ok, time_h, cost, co2, headway, sailing_mask, kind)``, ``lb`` the lower
    bounds. Routes ``seed_arcs[seed_ptr[i]:seed_ptr[i+1]]`` (e.g. the single-criterion
    optimal ones) are labelled first: the bound prunes from the start and a capped search
    still returns them. ``trees[k]`` (the reversed arc into each vertex on a backward
    shortest-path tree, forward arc ``rorder[r]``; none: no completions) complete the
    worst-covered dropped labels of a capped search (:func:`_complete_worst`). Returns
    ``(target labels, label predecessors, label arcs, labels created or -1 at the cap,
    labels dropped, ε bound of the dropped ones, dropped per vertex)``.
    """
    p = _pool(max(min(1024, max_labels), seed_arcs.shape[0] + 1))
    first = np.full(len(indptr) - 1, -1, np.int64)
    _put(p, first, 0, source, (0.0, 0.0, 0.0, 0), -1, -1)
    heap = [(lb[0][source], lb[1][source], 0)]
    n_lab = 1
    for s in range(seed_ptr.shape[0] - 1):
        route = seed_arcs[seed_ptr[s] : seed_ptr[s + 1]]
        n_lab = _seed(p, first, heap, n_lab, route, g, lb, n_access, target, start_hour_of_week,
                      max_transfers, max_time_h)  # fmt: skip
    overflow = False
    while len(heap) > 0:
        item = heapq.heappop(heap)
        lid = item[2]
        v = p[0][lid]
        if not p[7][lid] or v == target or (v < n_access and v != source):
            continue
        p, n_lab, overflow = _expand(p, first, heap, lid, n_lab, max_labels, indptr, g, lb,
                                     n_access, target, start_hour_of_week, max_transfers,
                                     max_time_h, eps)  # fmt: skip
        if overflow:
            heapq.heappush(heap, item)  # not fully expanded: counts as dropped
            break
    if overflow and trees.shape[0] > 0:
        p, n_lab = _complete_worst(p, first, heap, n_lab, lb, trees, rorder, g, n_access,
                                   source, target, start_hour_of_week, max_transfers,
                                   max_time_h)  # fmt: skip
    out = _collect(p, first, target)
    if overflow:
        dropped, eps_d, per_vertex = _dropped(p, first, heap, lb, n_access, source, target,
                                              max_transfers >= 0)  # fmt: skip
    else:
        dropped, eps_d, per_vertex = 0, 0.0, np.zeros(0, np.int64)
    return (out, p[5][:n_lab].copy(), p[6][:n_lab].copy(), -1 if overflow else n_lab, dropped,
            eps_d, per_vertex)  # fmt: skip


@njit(cache=True)
def pareto_search(
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
    compounding of per-vertex tolerance. Labels are settled in order of optimistic
    completion time, then cost (label + bound: NAMOA*, Mandow & Pérez de la Cruz, 2005, on
    Martins' label setting, 1984), so routes to the target are found early and bound the
    rest.

    Returns
    -------
    target_labels
        Label ids of the Pareto set at the target (those found when the cap was hit).
    lab_pred, lab_arc
        Predecessor label and arc of every label, to rebuild paths.
    n_labels
        Labels created (for diagnostics); ``-1`` when ``max_labels`` was hit.
    """
    g = (head, arc_ok, time_h, cost, co2, headway, sailing_mask, kind)
    none = np.zeros(0, np.int64)
    out, pred, arc, n_lab, _, _, _ = pareto_core(
        indptr, g, n_access, source, target, start_hour_of_week, max_transfers, max_time_h,
        eps, max_labels, (lb_t, lb_c, lb_e), none, np.zeros(1, np.int64),
        np.zeros((0, 1), np.int64), none,
    )  # fmt: skip
    return out, pred, arc, n_lab
