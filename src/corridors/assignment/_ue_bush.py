"""Bush-based assignment (Algorithm B with warm starts): the loop around the bush kernels.

Each (class, origin) keeps an acyclic bush of links; every iteration measures the gap and runs
flow-shift sweeps over the bushes (:mod:`corridors.assignment._bush`). A previous result's
bushes can start a re-solve on a changed graph with the same links (``warm_start``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from corridors._progress import ProgressCallback
from corridors.assignment import _bush
from corridors.assignment import _kernels as kern
from corridors.assignment._ue import (
    IterationLog,
    UEProblem,
    dot_nonzero,
    make_result,
    relative_gap,
    warn_lost,
    warn_unconverged,
)
from corridors.assignment.results import AssignmentResult, BushState
from corridors.assignment.spec import AssignmentSpec
from corridors.assignment.vdf import beckmann, link_times_into
from corridors.errors import InvalidSpecError, explain

F64 = npt.NDArray[np.float64]

BUSH_SWEEPS = int(os.environ.get("CORRIDORS_BUSH_SWEEPS", "20"))
"""Flow-shift sweeps over all bushes per iteration at the default ``inner_passes`` (6)."""
BUSH_THRESHOLD = float(os.environ.get("CORRIDORS_BUSH_THR", "0.25"))
"""A bush sits out a sweep while its mean excess cost is below this × gap × mean cost."""


def _empty_bushes(prob: UEProblem) -> BushState:
    """The bushes, one per (class, origin) with demand, holding no links and no flow yet."""
    cls, org = np.nonzero(prob.demand.sum(axis=2) > 0)
    n_b, n_l = len(cls), prob.graph.n_links
    return BushState(
        b_cls=cls.astype(np.int32),
        b_org=org.astype(np.int32),
        inb=np.zeros((n_b, n_l), np.bool_),
        x=np.zeros((n_b, n_l)),
    )


def _warm_bushes(
    prob: UEProblem, warm: AssignmentResult, bushes: BushState
) -> npt.NDArray[np.bool_]:
    """Copy the matching bushes of ``warm`` into ``bushes``; returns which need a fresh start."""
    b_cls, b_org, inb, x = bushes.b_cls, bushes.b_org, bushes.inb, bushes.x
    g = prob.graph
    old = warm.bushes
    wg = warm.graph
    same = (
        wg.n_nodes == g.n_nodes
        and wg.n_zones == g.n_zones
        and np.array_equal(wg.from_node, g.from_node)
        and np.array_equal(wg.to_node, g.to_node)
    )
    if old is None or not same:
        raise InvalidSpecError(
            explain(
                "warm_start must be a bush-algorithm result on a graph with the same nodes "
                "and links.",
                why="Bush flows are stored per link and only carry over link by link.",
                fix="Pass the result of assign(..., spec=AssignmentSpec(algorithm='bush')) on "
                "this graph (change costs, capacities and masks, not the link list).",
            )
        )
    names = [c.name for c in warm.classes]
    index = {(int(c), int(o)): i for i, (c, o) in enumerate(zip(old.b_cls, old.b_org, strict=True))}
    todo = np.ones(len(b_cls), np.bool_)
    for b, (c, o) in enumerate(zip(b_cls, b_org, strict=True)):
        name = prob.classes[int(c)].name
        if name not in names:
            continue
        i = index.get((names.index(name), int(o)))
        if i is None:
            continue
        inb[b] = old.inb[i]
        x[b] = old.x[i]
        todo[b] = False
    return todo


@dataclass(frozen=True, eq=False)
class _HeadOrder:
    """The graph's link arrays renumbered by head node (``perm``; ``inv`` maps back).

    The bush scans walk each node's incoming links, which then sit next to each other in
    memory. Results go back to the graph's order with ``[..., inv]``.
    """

    indptr: npt.NDArray[np.int64]
    heads: npt.NDArray[np.int32]
    lidx: npt.NDArray[np.int32]
    rptr: npt.NDArray[np.int64]
    rlinks: npt.NDArray[np.int32]
    frm: npt.NDArray[np.int32]
    to: npt.NDArray[np.int32]
    vdf: tuple[npt.NDArray[np.int8], F64, F64, F64, F64]
    offset: F64
    perm: npt.NDArray[np.int32]
    inv: npt.NDArray[np.int32]

    @classmethod
    def of(cls, prob: UEProblem) -> _HeadOrder:
        """The renumbered arrays of ``prob``."""
        g = prob.graph
        indptr, heads, lidx0 = g.csr
        rptr, perm = g.reverse_csr
        inv = np.empty_like(perm)
        inv[perm] = np.arange(len(perm), dtype=perm.dtype)
        k0, t00, cap0, a0, b0 = prob.vdf_args
        return cls(
            indptr=indptr,
            heads=heads,
            lidx=inv[lidx0],
            rptr=rptr,
            rlinks=np.arange(len(perm), dtype=np.int32),
            frm=g.from_node[perm],
            to=g.to_node[perm],
            vdf=(k0[perm], t00[perm], cap0[perm], a0[perm], b0[perm]),
            offset=np.ascontiguousarray(prob.offset[:, perm]),
            perm=perm,
            inv=inv,
        )


def _start_bushes(
    prob: UEProblem,
    ho: _HeadOrder,
    bushes: BushState,
    flow_c: F64,
    warm: AssignmentResult | None,
) -> float:
    """Fill the bushes: from ``warm`` where it has them (reloaded with the new demand), from
    free-flow shortest-path trees elsewhere. Returns the unrouted demand (capacity units)."""
    g = prob.graph
    b_cls, b_org, inb, x = bushes.b_cls, bushes.b_org, bushes.inb, bushes.x
    vk, vt0, vcap, va, vb = ho.vdf
    indptr, heads, lidx, perm = ho.indptr, ho.heads, ho.lidx, ho.perm
    time = np.empty(g.n_links)
    link_times_into(vk, vt0, vcap, va, vb, np.zeros(g.n_links), time)
    lost = 0.0
    todo = np.ones(len(b_cls), np.bool_)
    if warm is not None:
        todo = _warm_bushes(prob, warm, bushes)
        inb[:], x[:] = inb[:, perm], x[:, perm]
        link_times_into(vk, vt0, vcap, va, vb, warm.link_flow[perm], time)
        sub = np.flatnonzero(~todo)
        inb_k, x_k = inb[sub], x[sub]
        redo = _bush.bush_reload(
            indptr, heads, lidx, ho.rptr, ho.rlinks, ho.frm, ho.to, g.n_zones, time,
            ho.offset, b_cls[sub], b_org[sub], prob.demand, inb_k, x_k, flow_c,
        )  # fmt: skip
        inb[sub], x[sub] = inb_k, x_k
        todo[sub[redo]] = True
    if todo.any():
        lost = _bush.bush_init(
            indptr, heads, lidx, ho.frm, prob.no_through, g.n_zones, time, ho.offset,
            b_cls, b_org, prob.demand, todo, inb, x, flow_c,
        )  # fmt: skip
    return lost


def run_bush(
    prob: UEProblem,
    spec: AssignmentSpec,
    progress: ProgressCallback,
    warm: AssignmentResult | None,
) -> AssignmentResult:
    """Bush-based equilibrium to ``spec.target_gap``, from ``warm``'s bushes where given."""
    log = IterationLog(spec, progress)
    g = prob.graph
    ho = _HeadOrder.of(prob)
    indptr, heads, lidx, rptr, rlinks = ho.indptr, ho.heads, ho.lidx, ho.rptr, ho.rlinks
    frm, to, offset = ho.frm, ho.to, ho.offset
    vk, vt0, vcap, va, vb = ho.vdf
    bushes = _empty_bushes(prob)
    b_cls, b_org, inb, x = bushes.b_cls, bushes.b_org, bushes.inb, bushes.x
    n_b = len(b_cls)
    flow_c = np.zeros((len(prob.classes), g.n_links))
    time = np.empty(g.n_links)
    lost = _start_bushes(prob, ho, bushes, flow_c, warm)
    warn_lost(prob, lost)
    b_order = np.empty((n_b, g.n_nodes), np.int32)
    b_nord = _bush.topo_all(indptr, heads, lidx, to, b_org, inb, b_order)
    active = np.ones(n_b, np.bool_)
    total = float(prob.demand.sum())
    sweeps = max(1, BUSH_SWEEPS * spec.inner_passes // 6)
    for it in range(1, spec.max_iterations + 1):
        _bush_sum(b_cls, x, flow_c)
        flow = flow_c.sum(axis=0)
        link_times_into(vk, vt0, vcap, va, vb, flow, time)
        tstt = kern.total_cost(flow_c, time, offset)
        sptt = _bush.sptt(
            indptr, heads, lidx, prob.no_through, g.n_zones, time, offset, b_cls, b_org,
            prob.demand,
        )  # fmt: skip
        gap = relative_gap(tstt, sptt)
        obj = float(beckmann(vk, vt0, vcap, va, vb, flow)) + dot_nonzero(flow_c, offset)
        log.record(it, gap, obj, np.nan)
        if log.report(it, gap):
            break
        thr = BUSH_THRESHOLD * gap * tstt / total
        active[:] = True
        for sweep in range(sweeps + 1):
            _, worked = _bush.bush_iteration(
                indptr, heads, lidx, rptr, rlinks, frm, to, prob.no_through, vk, vt0, vcap,
                va, vb, offset, prob.demand, b_cls, b_org, inb, x, b_order, b_nord, active,
                flow, flow_c, time, sweep == 0, thr,
            )  # fmt: skip
            if worked == 0:
                break
    else:
        warn_unconverged(spec, log.history)
    _bush_sum(b_cls, x, flow_c)
    np.maximum(flow_c, 0.0, out=flow_c)
    inv = ho.inv
    final = BushState(b_cls=b_cls, b_org=b_org, inb=inb[:, inv], x=x[:, inv])
    return make_result(prob, spec, flow_c[:, inv], log.history, log.converged, lost, None, final)


def _bush_sum(b_cls: npt.NDArray[np.int32], x: F64, flow_c: F64) -> None:
    """Class link flows as the sum of their bushes' flows (removes drift of incremental sums)."""
    flow_c[:] = 0.0
    for c in range(flow_c.shape[0]):
        rows = np.flatnonzero(b_cls == c)
        if len(rows):
            np.sum(x[rows], axis=0, out=flow_c[c])
