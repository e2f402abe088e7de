"""Static user-equilibrium assignment: all-or-nothing, MSA, Frank-Wolfe family, gradient projection.

The problem
-----------
Each demand class ``c`` sends ``d_c(o, d)`` units from zone ``o`` to zone ``d``; one unit loads
link capacity with ``pce_c`` capacity units, so the link volume is ``V_a = Σ_c pce_c v_ca``.
A unit of class ``c`` pays ``fixed_ca + vot_c × t_a(V_a)`` on link ``a`` and takes the cheapest
route. Because route choice is unchanged by dividing a class's costs by ``vot_c``, the
algorithms work in *capacity units* ``y_ca = pce_c v_ca`` with the *time-equivalent* cost
``t_a(V_a) + fixed_ca / vot_c``. In these variables the Jacobian is symmetric and the
equilibrium minimises the Beckmann objective

``F(y) = Σ_a ∫_0^{V_a} t_a(s) ds + Σ_c Σ_a (fixed_ca / vot_c) y_ca``.

Convergence is measured by the relative gap ``(TSTT - SPTT) / TSTT``, where
``TSTT = Σ_c Σ_a y_ca (t_a + fixed_ca / vot_c)`` is the total cost at current flows and
``SPTT = Σ_c Σ_od pce_c d_c(o,d) × (cheapest route cost)`` the cost if everyone used a
current cheapest route (the definition used by AequilibraE and TNTP's "relative gap").
"""

from __future__ import annotations

import logging
import os
import time as _time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from corridors._progress import Progress, ProgressCallback, no_progress
from corridors.assignment import _bush
from corridors.assignment import _kernels as kern
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.results import AssignmentResult, BushState, IterationRecord, PathSets
from corridors.assignment.spec import AUTO_BUSH_GAP, Algorithm, AssignmentSpec, DemandClass
from corridors.assignment.vdf import beckmann, link_slopes_into, link_times_into
from corridors.errors import ConvergenceWarning, DemandError, InvalidSpecError, explain

__all__ = ["assign"]

logger = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]


@dataclass
class _Problem:
    graph: AssignmentGraph
    classes: tuple[DemandClass, ...]
    offset: F64  # (C, L) time-equivalent fixed cost, inf where the class may not go
    demand: F64  # (C, Z, Z) in capacity units
    no_through: npt.NDArray[np.bool_]

    @property
    def vdf_args(self) -> tuple[npt.NDArray[np.int8], F64, F64, F64, F64]:
        g = self.graph
        return g.vdf, g.free_flow_time, g.capacity, g.alpha, g.beta

    def times(self, flow: F64, out: F64 | None = None) -> F64:
        out = np.empty_like(flow) if out is None else out
        link_times_into(*self.vdf_args, flow, out)
        return out

    def objective(self, flow: F64, flow_c: F64) -> float:
        lin = _dot_nonzero(flow_c, self.offset)
        return float(beckmann(*self.vdf_args, flow)) + lin

    def aon(self, time: F64) -> tuple[F64, float, float]:
        g = self.graph
        indptr, heads, lidx = g.csr
        out = np.zeros((len(self.classes), g.n_links))
        sptt = lost = 0.0
        for c in range(len(self.classes)):
            s, lo = kern.aon(
                indptr,
                heads,
                lidx,
                g.from_node,
                time + self.offset[c],
                self.no_through,
                self.demand[c],
                out[c],
            )
            sptt += s
            lost += lo
        return out, sptt, lost


def _dot_nonzero(x: F64, c: F64) -> float:
    """Sum of x × c over cells where x ≠ 0 (c may be inf where x is 0: forbidden links)."""
    nz = x != 0.0
    return float(np.sum(x[nz] * c[nz]))


def _prepare(graph: AssignmentGraph, demand: Sequence[DemandClass]) -> _Problem:
    classes = tuple(demand)
    if not classes:
        raise InvalidSpecError(explain("No demand classes given.", fix="Pass ≥ 1 DemandClass."))
    names = [c.name for c in classes]
    if len(set(names)) != len(names):
        raise InvalidSpecError(explain(f"Demand class names repeat: {names}."))
    z, n_l = graph.n_zones, graph.n_links
    offset = np.zeros((len(classes), n_l))
    dem = np.zeros((len(classes), z, z))
    for i, cls in enumerate(classes):
        if cls.matrix.shape != (z, z):
            raise DemandError(
                explain(
                    f"Demand class {cls.name!r} has a {cls.matrix.shape} matrix but the graph "
                    f"has {z} zones.",
                    fix=f"Give a {z} × {z} matrix ordered like the graph's zones.",
                )
            )
        for name in ("fixed_cost", "link_mask"):
            arr = getattr(cls, name)
            if arr is not None and arr.shape != (n_l,):
                raise InvalidSpecError(
                    explain(f"Demand class {cls.name!r}: {name} needs {n_l} values (one a link).")
                )
        fixed = graph.fixed_cost if cls.fixed_cost is None else cls.fixed_cost
        offset[i] = fixed / cls.value_of_time
        if cls.link_mask is not None:
            offset[i, ~cls.link_mask] = np.inf
        dem[i] = cls.matrix * cls.pce
    return _Problem(graph, classes, offset, dem, graph.no_through())


def assign(
    graph: AssignmentGraph,
    demand: Sequence[DemandClass],
    *,
    spec: AssignmentSpec | None = None,
    progress: ProgressCallback | None = None,
    warm_start: AssignmentResult | None = None,
) -> AssignmentResult:
    """Find the multi-class user equilibrium (or all-or-nothing) link flows.

    Parameters
    ----------
    graph
        The network.
    demand
        One or more demand classes whose matrices are ``graph.n_zones`` square.
    spec
        Algorithm and stopping rule; default :class:`AssignmentSpec` (gradient projection to
        a relative gap of 1e-6).
    progress
        Called after every iteration with ``Progress("assignment", iteration, max_iterations,
        "gap …")``.
    warm_start
        A previous bush-algorithm result on a graph with the same links (e.g. the base of a
        scenario or sweep): its bushes are kept and the new demand is loaded onto them by
        their approach proportions, so a re-solve after a small change takes few iterations.
        Costs, capacities, masks and demand may all differ. Only with ``algorithm="bush"``
        (``"auto"`` then chooses it).

    Returns
    -------
    AssignmentResult
        Link flows per class, times, gap history, and (gradient projection) path sets for
        select-link analysis.

    Raises
    ------
    corridors.errors.DemandError
        When a matrix does not match the zones.
    corridors.errors.InvalidSpecError
        When class arrays do not match the links.

    Warns
    -----
    corridors.errors.ConvergenceWarning
        When ``max_iterations`` pass before ``target_gap`` is reached, and when some demand
        has no route (it is left unassigned and reported in ``unrouted``).

    Notes
    -----
    Relative gap ``(TSTT - SPTT) / TSTT`` in time-equivalent capacity units (module docs).
    Frank-Wolfe variants use an exact bisection line search on the Beckmann objective, so the
    objective never increases. Conjugate and bi-conjugate directions follow Mitradjieva and
    Lindberg (2013), falling back to the plain Frank-Wolfe direction when a combined
    direction is not a descent direction. Gradient projection keeps a path set per OD pair,
    adds each round's shortest path and moves flow between paths with Newton steps
    (Jayakrishnan et al., 1994), several sweeps per shortest-path round.

    References
    ----------
    .. [1] Beckmann, M., McGuire, C. B., Winsten, C. B. (1956). Studies in the Economics of
       Transportation. Yale University Press.
    .. [2] Mitradjieva, M., Lindberg, P. O. (2013). The stiff is moving — conjugate direction
       Frank-Wolfe methods with applications to traffic assignment. Transportation Science
       47(2), 280–293.
    .. [3] Jayakrishnan, R., Tsai, W. K., Prashker, J. N., Rajadhyaksha, S. (1994). A faster
       path-based algorithm for traffic assignment. Transportation Research Record 1443.

    Examples
    --------
    Two parallel links, 10 units: equilibrium splits so both times are equal
    (``1 + x/5 = 2 (1 + (10 − x)/5)`` gives ``x = 25/3``, both times 8/3).

    >>> import numpy as np
    >>> g = AssignmentGraph(from_node=[0, 0], to_node=[1, 1], n_nodes=2, n_zones=2,
    ...                     free_flow_time=[1.0, 2.0], capacity=[5.0, 5.0],
    ...                     alpha=[1.0, 1.0], beta=[1.0, 1.0])
    >>> r = assign(g, [DemandClass("cars", np.array([[0, 10.0], [0, 0]]))])
    >>> r.link_flow.round(3).tolist()
    [8.333, 1.667]
    """
    spec = AssignmentSpec() if spec is None else spec
    progress = no_progress if progress is None else progress
    prob = _prepare(graph, demand)
    algo = spec.algorithm
    assert isinstance(algo, Algorithm)
    if algo is Algorithm.AUTO:
        tight = spec.target_gap <= AUTO_BUSH_GAP
        algo = Algorithm.BUSH if warm_start is not None or tight else Algorithm.GP
        spec = replace(spec, algorithm=algo)
    if warm_start is not None and algo is not Algorithm.BUSH:
        raise InvalidSpecError(
            explain(
                f"warm_start works with the bush algorithm, not {algo.value!r}.",
                fix="Use AssignmentSpec(algorithm='bush') or 'auto'.",
            )
        )
    logger.info(
        "assignment: %s on %d links, %d classes", algo.value, graph.n_links, len(prob.classes)
    )
    if algo is Algorithm.GP:
        return _run_gp(prob, spec, progress)
    if algo is Algorithm.BUSH:
        return _run_bush(prob, spec, progress, warm_start)
    return _run_link_based(prob, spec, progress, algo)


def _clock() -> tuple[float, float]:
    return _time.perf_counter(), _time.process_time()


def _record(
    it: int, gap: float, obj: float, step: float, t_start: tuple[float, float]
) -> IterationRecord:
    return IterationRecord(
        iteration=it,
        relative_gap=gap,
        objective=obj,
        step=step,
        seconds=_time.perf_counter() - t_start[0],
        cpu_seconds=_time.process_time() - t_start[1],
    )


def _warn_lost(prob: _Problem, lost: float) -> None:
    if lost > 0:
        warnings.warn(
            explain(
                f"{lost:g} capacity units of demand have no route and stay unassigned.",
                why="Their destination cannot be reached with the links their class may use.",
                fix="Check zone connectivity and the class link masks.",
            ),
            ConvergenceWarning,
            stacklevel=3,
        )


def _gap(tstt: float, sptt: float) -> float:
    return max((tstt - sptt) / tstt, 0.0) if tstt > 0 else 0.0


def _run_link_based(
    prob: _Problem, spec: AssignmentSpec, progress: ProgressCallback, algo: Algorithm
) -> AssignmentResult:
    t_start = _clock()
    g = prob.graph
    time = prob.times(np.zeros(g.n_links))
    flow_c, _, lost = prob.aon(time)
    _warn_lost(prob, lost)
    flow = flow_c.sum(axis=0)
    history: list[IterationRecord] = []
    converged = algo is Algorithm.AON
    if algo is Algorithm.AON:
        history.append(_record(0, np.nan, prob.objective(flow, flow_c), 1.0, t_start))
        return _result(prob, spec, flow_c, history, converged, lost, None)
    prev1: F64 | None = None  # previous target s_{k-1}
    prev2: F64 | None = None  # s_{k-2}
    prev_step = 1.0
    for it in range(1, spec.max_iterations + 1):
        prob.times(flow, time)
        aon_c, sptt, _ = prob.aon(time)
        tstt = kern.total_cost(flow_c, time, prob.offset)
        gap = _gap(tstt, sptt)
        obj = prob.objective(flow, flow_c)
        progress(Progress("assignment", it, spec.max_iterations, f"gap {gap:.3e}"))
        if gap <= spec.target_gap:
            history.append(_record(it, gap, obj, 0.0, t_start))
            converged = True
            break
        if algo is Algorithm.MSA:
            step = 1.0 / (it + 1)
            target = aon_c
        else:
            target = _fw_target(prob, algo, flow_c, aon_c, time, prev1, prev2, prev_step)
            d_c = target - flow_c
            d = d_c.sum(axis=0)
            const = _dot_nonzero(d_c, prob.offset)
            step = kern.line_search(*prob.vdf_args, flow, d, const, spec.line_search_tolerance)
        history.append(_record(it, gap, obj, step, t_start))
        flow_c = flow_c + step * (target - flow_c)
        flow = flow_c.sum(axis=0)
        prev2, prev1, prev_step = prev1, target, step
    else:
        _warn_unconverged(spec, history)
    return _result(prob, spec, flow_c, history, converged, lost, None)


def _fw_target(
    prob: _Problem,
    algo: Algorithm,
    x: F64,
    aon_c: F64,
    time: F64,
    prev1: F64 | None,
    prev2: F64 | None,
    prev_step: float,
) -> F64:
    """Target point s_k of the (conjugate, bi-conjugate) Frank-Wolfe direction."""
    if algo is Algorithm.FW or prev1 is None or prev_step >= 1.0 - 1e-12:
        return aon_c
    flow = x.sum(axis=0)
    H = np.empty(prob.graph.n_links)
    link_slopes_into(*prob.vdf_args, flow, H)
    d_aon = (aon_c - x).sum(axis=0)
    dbar1 = (prev1 - x).sum(axis=0)
    target: F64
    if algo is Algorithm.CFW or prev2 is None:
        num = float(np.sum(H * dbar1 * d_aon))
        den = float(np.sum(H * dbar1 * (d_aon - dbar1)))
        alpha = num / den if den != 0.0 else 0.0
        alpha = min(max(alpha, 0.0), 1.0 - 1e-6)
        target = alpha * prev1 + (1.0 - alpha) * aon_c
    else:
        dbar2 = (prev_step * prev1 + (1.0 - prev_step) * prev2 - x).sum(axis=0)
        den_mu = float(np.sum(H * dbar2 * (prev2 - prev1).sum(axis=0)))
        mu = -float(np.sum(H * dbar2 * d_aon)) / den_mu if den_mu != 0.0 else 0.0
        den_nu = float(np.sum(H * dbar1 * dbar1))
        nu = (-float(np.sum(H * dbar1 * d_aon)) / den_nu if den_nu != 0.0 else 0.0) + (
            mu * prev_step / (1.0 - prev_step)
        )
        mu, nu = max(mu, 0.0), max(nu, 0.0)
        b0 = 1.0 / (1.0 + mu + nu)
        target = b0 * aon_c + nu * b0 * prev1 + mu * b0 * prev2
    # descent check: fall back to the Frank-Wolfe target
    d_c = target - x
    slope = _dot_nonzero(d_c, time + prob.offset)
    return target if slope < 0.0 else aon_c


def _warn_unconverged(spec: AssignmentSpec, history: list[IterationRecord]) -> None:
    last = history[-1].relative_gap if history else np.nan
    warnings.warn(
        explain(
            f"Assignment stopped after {spec.max_iterations} iterations at relative gap "
            f"{last:.3e}, above the target {spec.target_gap:.1e}.",
            why="Flows are not yet at equilibrium to the requested precision.",
            fix="Raise max_iterations, relax target_gap or use algorithm='gp'.",
        ),
        ConvergenceWarning,
        stacklevel=4,
    )


def _od_structure(prob: _Problem) -> tuple[npt.NDArray[np.int32], ...]:
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


def _run_gp(prob: _Problem, spec: AssignmentSpec, progress: ProgressCallback) -> AssignmentResult:
    t_start = _clock()
    g = prob.graph
    indptr, heads, lidx = g.csr
    od_cls, od_o, od_d, grp_cls, grp_o, grp_ptr = _od_structure(prob)
    od_dem = prob.demand[od_cls, od_o, od_d].copy()
    n_od = od_cls.shape[0]
    od_head = np.full(n_od, -1, np.int32)
    cap_p = max(2 * n_od, 16)
    p_links = np.empty(cap_p * 8, np.int32)
    p_start = np.empty(cap_p, np.int64)
    p_len = np.empty(cap_p, np.int32)
    p_flow = np.empty(cap_p)
    p_next = np.empty(cap_p, np.int32)
    pool_i = np.zeros(2, np.int64)
    flow_c = np.zeros((len(prob.classes), g.n_links))
    time = prob.times(np.zeros(g.n_links))
    history: list[IterationRecord] = []
    converged = False

    def columns(init: bool) -> tuple[float, float]:
        nonlocal p_links, p_start, p_len, p_flow, p_next
        sptt, lost, p_links, p_start, p_len, p_flow, p_next = kern.gp_columns(
            indptr,
            heads,
            lidx,
            g.from_node,
            prob.no_through,
            g.n_zones,
            time,
            prob.offset,
            grp_cls,
            grp_o,
            grp_ptr,
            od_d,
            od_dem,
            od_head,
            pool_i,
            p_links,
            p_start,
            p_len,
            p_flow,
            p_next,
            init,
            flow_c,
        )
        return sptt, lost

    _, lost = columns(True)
    _warn_lost(prob, lost)
    flow = flow_c.sum(axis=0)
    for it in range(1, spec.max_iterations + 1):
        prob.times(flow, time)
        tstt = kern.total_cost(flow_c, time, prob.offset)
        sptt, _ = columns(False)
        gap = _gap(tstt, sptt)
        obj = prob.objective(flow, flow_c)
        history.append(_record(it, gap, obj, np.nan, t_start))
        progress(Progress("assignment", it, spec.max_iterations, f"gap {gap:.3e}"))
        if gap <= spec.target_gap:
            converged = True
            break
        kern.gp_equilibrate(
            *prob.vdf_args,
            prob.offset,
            od_cls,
            od_head,
            p_links,
            p_start,
            p_len,
            p_flow,
            p_next,
            flow,
            flow_c,
            time,
            spec.inner_passes,
        )
    else:
        _warn_unconverged(spec, history)
    np.maximum(flow_c, 0.0, out=flow_c)
    paths = PathSets(
        od_cls=od_cls,
        od_o=od_o,
        od_d=od_d,
        od_head=od_head,
        p_links=p_links,
        p_start=p_start,
        p_len=p_len,
        p_flow=p_flow,
        p_next=p_next,
    )
    return _result(prob, spec, flow_c, history, converged, lost, paths)


BUSH_SWEEPS = int(os.environ.get("CORRIDORS_BUSH_SWEEPS", "20"))
"""Flow-shift sweeps over all bushes per iteration at the default ``inner_passes`` (6)."""
BUSH_THRESHOLD = float(os.environ.get("CORRIDORS_BUSH_THR", "0.25"))
"""A bush sits out a sweep while its mean excess cost is below this × gap × mean cost."""


def _bush_groups(prob: _Problem) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    cls, org = np.nonzero(prob.demand.sum(axis=2) > 0)
    return cls.astype(np.int32), org.astype(np.int32)


def _warm_bushes(
    prob: _Problem,
    warm: AssignmentResult,
    b_cls: npt.NDArray[np.int32],
    b_org: npt.NDArray[np.int32],
    inb: npt.NDArray[np.bool_],
    x: F64,
) -> npt.NDArray[np.bool_]:
    """Copy the matching bushes of ``warm`` into ``inb``/``x``; returns which need a fresh start."""
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


def _run_bush(
    prob: _Problem,
    spec: AssignmentSpec,
    progress: ProgressCallback,
    warm: AssignmentResult | None,
) -> AssignmentResult:
    t_start = _clock()
    g = prob.graph
    # Work on links renumbered by head node: the bush scans walk each node's incoming links,
    # which then sit next to each other in memory. Results go back to the graph's order.
    indptr, heads, lidx0 = g.csr
    rptr, perm = g.reverse_csr
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm), dtype=perm.dtype)
    lidx = inv[lidx0]
    rlinks = np.arange(len(perm), dtype=np.int32)
    frm, to = g.from_node[perm], g.to_node[perm]
    k0, t00, cap0, a0, b0 = prob.vdf_args
    vk, vt0, vcap, va, vb = k0[perm], t00[perm], cap0[perm], a0[perm], b0[perm]
    offset = np.ascontiguousarray(prob.offset[:, perm])
    b_cls, b_org = _bush_groups(prob)
    n_b = len(b_cls)
    n_l = g.n_links
    inb = np.zeros((n_b, n_l), np.bool_)
    x = np.zeros((n_b, n_l))
    flow_c = np.zeros((len(prob.classes), n_l))
    flow = np.zeros(n_l)
    time = np.empty(n_l)
    link_times_into(vk, vt0, vcap, va, vb, flow, time)
    lost = 0.0
    todo = np.ones(n_b, np.bool_)
    if warm is not None:
        todo = _warm_bushes(prob, warm, b_cls, b_org, inb, x)
        inb[:], x[:] = inb[:, perm], x[:, perm]
        link_times_into(vk, vt0, vcap, va, vb, warm.link_flow[perm], time)
        sub = np.flatnonzero(~todo)
        inb_k, x_k = inb[sub], x[sub]
        redo = _bush.bush_reload(
            indptr, heads, lidx, rptr, rlinks, frm, to, g.n_zones, time,
            offset, b_cls[sub], b_org[sub], prob.demand, inb_k, x_k, flow_c,
        )  # fmt: skip
        inb[sub], x[sub] = inb_k, x_k
        todo[sub[redo]] = True
    if todo.any():
        lost = _bush.bush_init(
            indptr, heads, lidx, frm, prob.no_through, g.n_zones, time, offset,
            b_cls, b_org, prob.demand, todo, inb, x, flow_c,
        )  # fmt: skip
    _warn_lost(prob, lost)
    history: list[IterationRecord] = []
    converged = False
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
        gap = _gap(tstt, sptt)
        obj = float(beckmann(vk, vt0, vcap, va, vb, flow)) + _dot_nonzero(flow_c, offset)
        history.append(_record(it, gap, obj, np.nan, t_start))
        progress(Progress("assignment", it, spec.max_iterations, f"gap {gap:.3e}"))
        if gap <= spec.target_gap:
            converged = True
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
        _warn_unconverged(spec, history)
    _bush_sum(b_cls, x, flow_c)
    np.maximum(flow_c, 0.0, out=flow_c)
    bushes = BushState(b_cls=b_cls, b_org=b_org, inb=inb[:, inv], x=x[:, inv])
    return _result(prob, spec, flow_c[:, inv], history, converged, lost, None, bushes)


def _bush_sum(b_cls: npt.NDArray[np.int32], x: F64, flow_c: F64) -> None:
    """Class link flows as the sum of their bushes' flows (removes drift of incremental sums)."""
    flow_c[:] = 0.0
    for c in range(flow_c.shape[0]):
        rows = np.flatnonzero(b_cls == c)
        if len(rows):
            np.sum(x[rows], axis=0, out=flow_c[c])


def _result(
    prob: _Problem,
    spec: AssignmentSpec,
    flow_c: F64,
    history: list[IterationRecord],
    converged: bool,
    lost: float,
    paths: PathSets | None,
    bushes: BushState | None = None,
) -> AssignmentResult:
    return AssignmentResult(
        graph=prob.graph,
        classes=prob.classes,
        spec=spec,
        class_flow_pcu=flow_c,
        offset=prob.offset,
        history=tuple(history),
        converged=converged,
        unrouted_pcu=lost,
        paths=paths,
        bushes=bushes,
    )
