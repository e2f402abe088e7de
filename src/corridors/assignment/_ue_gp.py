"""Gradient projection on path sets (Jayakrishnan et al. 1994): the loop around the kernels.

Each round adds every OD pair's current shortest path to its path set
(:func:`~corridors.assignment._kernels.gp_columns`) and moves flow between the paths with
Newton steps (:func:`~corridors.assignment._kernels.gp_equilibrate`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from corridors._progress import ProgressCallback
from corridors.assignment import _kernels as kern
from corridors.assignment._ue import (
    IterationLog,
    UEProblem,
    make_result,
    relative_gap,
    warn_lost,
    warn_unconverged,
)
from corridors.assignment.results import AssignmentResult, PathSets
from corridors.assignment.spec import AssignmentSpec

F64 = npt.NDArray[np.float64]


def _od_structure(prob: UEProblem) -> tuple[npt.NDArray[np.int32], ...]:
    """OD pairs with demand (class, origin, destination) and their (class, origin) groups."""
    cls, org, dst = np.nonzero(prob.demand > 0)
    grp_key = cls * prob.graph.n_zones + org
    starts = np.flatnonzero(np.r_[True, grp_key[1:] != grp_key[:-1]])
    grp_ptr = np.r_[starts, len(cls)].astype(np.int64)
    return (
        cls.astype(np.int32),
        org.astype(np.int32),
        dst.astype(np.int32),
        cls[starts].astype(np.int32),
        org[starts].astype(np.int32),
        grp_ptr,
    )


class _PathPool:
    """The path sets of every OD pair in growable arrays (linked lists per OD), and the
    class link flows ``flow_c`` (capacity units) they carry."""

    def __init__(self, prob: UEProblem) -> None:
        self.prob = prob
        od_cls, od_o, od_d, grp_cls, grp_o, grp_ptr = _od_structure(prob)
        self.od_cls, self.od_o, self.od_d = od_cls, od_o, od_d
        self.grp_cls, self.grp_o, self.grp_ptr = grp_cls, grp_o, grp_ptr
        self.od_dem = prob.demand[od_cls, od_o, od_d].copy()
        n_od = od_cls.shape[0]
        self.od_head = np.full(n_od, -1, np.int32)
        cap_p = max(2 * n_od, 16)
        self.p_links = np.empty(cap_p * 8, np.int32)
        self.p_start = np.empty(cap_p, np.int64)
        self.p_len = np.empty(cap_p, np.int32)
        self.p_flow = np.empty(cap_p)
        self.p_next = np.empty(cap_p, np.int32)
        self.pool_i = np.zeros(2, np.int64)
        self.flow_c = np.zeros((len(prob.classes), prob.graph.n_links))

    def columns(self, time: F64, init: bool) -> tuple[float, float]:
        """Add each OD's shortest path at link ``time``; returns (SPTT, unrouted demand).

        With ``init`` each new path takes its OD's whole demand (all-or-nothing start).
        """
        g = self.prob.graph
        indptr, heads, lidx = g.csr
        sptt, lost, self.p_links, self.p_start, self.p_len, self.p_flow, self.p_next = (
            kern.gp_columns(
                indptr,
                heads,
                lidx,
                g.from_node,
                self.prob.no_through,
                g.n_zones,
                time,
                self.prob.offset,
                self.grp_cls,
                self.grp_o,
                self.grp_ptr,
                self.od_d,
                self.od_dem,
                self.od_head,
                self.pool_i,
                self.p_links,
                self.p_start,
                self.p_len,
                self.p_flow,
                self.p_next,
                init,
                self.flow_c,
            )
        )
        return sptt, lost

    def equilibrate(self, flow: F64, time: F64, passes: int) -> None:
        """Newton flow shifts between each OD's paths; updates ``flow``, ``flow_c``, ``time``."""
        kern.gp_equilibrate(
            *self.prob.vdf_args,
            self.prob.offset,
            self.od_cls,
            self.od_head,
            self.p_links,
            self.p_start,
            self.p_len,
            self.p_flow,
            self.p_next,
            flow,
            self.flow_c,
            time,
            passes,
        )

    def path_sets(self) -> PathSets:
        """The path sets as stored on the result (for select-link analysis)."""
        return PathSets(
            od_cls=self.od_cls,
            od_o=self.od_o,
            od_d=self.od_d,
            od_head=self.od_head,
            p_links=self.p_links,
            p_start=self.p_start,
            p_len=self.p_len,
            p_flow=self.p_flow,
            p_next=self.p_next,
        )


def run_gp(prob: UEProblem, spec: AssignmentSpec, progress: ProgressCallback) -> AssignmentResult:
    """Gradient projection from an all-or-nothing start to ``spec.target_gap``."""
    log = IterationLog(spec, progress)
    pool = _PathPool(prob)
    flow_c = pool.flow_c
    time = prob.times(np.zeros(prob.graph.n_links))
    _, lost = pool.columns(time, True)
    warn_lost(prob, lost)
    flow = flow_c.sum(axis=0)
    for it in range(1, spec.max_iterations + 1):
        prob.times(flow, time)
        tstt = kern.total_cost(flow_c, time, prob.offset)
        sptt, _ = pool.columns(time, False)
        gap = relative_gap(tstt, sptt)
        log.record(it, gap, prob.objective(flow, flow_c), np.nan)
        if log.report(it, gap):
            break
        pool.equilibrate(flow, time, spec.inner_passes)
    else:
        warn_unconverged(spec, log.history)
    np.maximum(flow_c, 0.0, out=flow_c)
    return make_result(prob, spec, flow_c, log.history, log.converged, lost, pool.path_sets())
