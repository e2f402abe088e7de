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
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from corridors._progress import ProgressCallback, no_progress
from corridors.assignment import _kernels as kern
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment._ue import (
    IterationLog,
    UEProblem,
    dot_nonzero,
    make_result,
    prepare,
    relative_gap,
    warn_lost,
    warn_unconverged,
)
from corridors.assignment._ue_bush import run_bush
from corridors.assignment._ue_gp import run_gp
from corridors.assignment.results import AssignmentResult
from corridors.assignment.spec import AUTO_BUSH_GAP, Algorithm, AssignmentSpec, DemandClass
from corridors.assignment.vdf import link_times_into
from corridors.errors import InvalidSpecError, explain

__all__ = ["assign"]

logger = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]


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
    prob = prepare(graph, demand)
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
        return run_gp(prob, spec, progress)
    if algo is Algorithm.BUSH:
        return run_bush(prob, spec, progress, warm_start)
    return _run_link_based(prob, spec, progress, algo)


def _run_link_based(
    prob: UEProblem, spec: AssignmentSpec, progress: ProgressCallback, algo: Algorithm
) -> AssignmentResult:
    log = IterationLog(spec, progress)
    g = prob.graph
    time = prob.times(np.zeros(g.n_links))
    flow_c, _, lost = prob.aon(time)
    warn_lost(prob, lost)
    flow = flow_c.sum(axis=0)
    if algo is Algorithm.AON:
        log.record(0, np.nan, prob.objective(flow, flow_c), 1.0)
        return make_result(prob, spec, flow_c, log.history, True, lost, None)
    prev1: F64 | None = None  # previous target s_{k-1}
    prev2: F64 | None = None  # s_{k-2}
    prev_step = 1.0
    for it in range(1, spec.max_iterations + 1):
        prob.times(flow, time)
        aon_c, sptt, _ = prob.aon(time)
        tstt = kern.total_cost(flow_c, time, prob.offset)
        gap = relative_gap(tstt, sptt)
        obj = prob.objective(flow, flow_c)
        if log.report(it, gap):
            log.record(it, gap, obj, 0.0)
            break
        if algo is Algorithm.MSA:
            step = 1.0 / (it + 1)
            target = aon_c
        else:
            target = _fw_target(prob, algo, flow_c, aon_c, time, prev1, prev2, prev_step)
            d_c = target - flow_c
            d = d_c.sum(axis=0)
            const = dot_nonzero(d_c, prob.offset)
            step = kern.line_search(*prob.vdf_args, flow, d, const, spec.line_search_tolerance)
        log.record(it, gap, obj, step)
        flow_c = flow_c + step * (target - flow_c)
        flow = flow_c.sum(axis=0)
        prev2, prev1, prev_step = prev1, target, step
    else:
        warn_unconverged(spec, log.history)
    return make_result(prob, spec, flow_c, log.history, log.converged, lost, None)


def _fw_target(
    prob: UEProblem,
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
    link_times_into(*prob.vdf_args, flow, H, True)
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
    slope = dot_nonzero(d_c, time + prob.offset)
    return target if slope < 0.0 else aon_c


# benchmarks/bench_equilibrium.py times the set-up and the gap on their own under these names
_prepare = prepare
_gap = relative_gap
