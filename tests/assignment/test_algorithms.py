"""Algorithms: hand-checked tiny graphs, invariants, TNTP convergence vs best-known flows."""

from __future__ import annotations

import numpy as np
import pytest

from corridors._progress import Progress
from corridors.assignment import AssignmentSpec, DemandClass, assign
from corridors.errors import ConvergenceWarning, DemandError, InvalidSpecError
from tests.assignment.networks import (
    assert_conservation,
    border_queue,
    centroid_shortcut,
    diamond,
    disconnected,
    od,
    one_class,
    parallel_links,
    tntp,
    two_nodes,
)

ALL = ["aon", "msa", "fw", "cfw", "bfw", "gp"]
EQUILIBRIUM = ["msa", "fw", "cfw", "bfw", "gp"]


# -- all-or-nothing on hand-checked graphs ---------------------------------------------------


def test_aon_two_nodes() -> None:
    r = assign(
        two_nodes(),
        one_class(od(2, {(0, 1): 5.0, (1, 0): 2.0})),
        spec=AssignmentSpec(algorithm="aon"),
    )
    assert r.link_flow.tolist() == [5.0, 2.0]


def test_aon_diamond_takes_the_shortest_route() -> None:
    r = assign(
        diamond(),
        one_class(od(2, {(0, 1): 3.0, (1, 0): 1.0})),
        spec=AssignmentSpec(algorithm="aon"),
    )
    assert r.link_flow.tolist() == [3.0, 3.0, 0.0, 0.0, 1.0]


def test_aon_never_passes_through_a_zone() -> None:
    r = assign(
        centroid_shortcut(),
        one_class(od(3, {(0, 2): 1.0, (0, 1): 2.0})),
        spec=AssignmentSpec(algorithm="aon"),
    )
    assert r.link_flow.tolist() == [2.0, 0.0, 1.0, 1.0]


def test_aon_respects_class_link_mask() -> None:
    mask = np.array([False, True, True, True, True])
    r = assign(
        diamond(),
        [DemandClass("bulk", od(2, {(0, 1): 1.0}), link_mask=mask)],
        spec=AssignmentSpec(algorithm="aon"),
    )
    assert r.link_flow.tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_aon_uses_fixed_cost_weighted_by_value_of_time() -> None:
    # tariff 10 on the short route; vot 1 → long route (cost 4) wins; vot 100 → short wins
    tariff = np.array([10.0, 0.0, 0.0, 0.0, 0.0])
    for vot, expected in ((1.0, [0.0, 0.0, 1.0, 1.0, 0.0]), (100.0, [1.0, 1.0, 0.0, 0.0, 0.0])):
        c = DemandClass("teu", od(2, {(0, 1): 1.0}), value_of_time=vot, fixed_cost=tariff)
        r = assign(diamond(), [c], spec=AssignmentSpec(algorithm="aon"))
        assert r.link_flow.tolist() == expected


def test_unreachable_demand_warns_and_is_reported() -> None:
    with pytest.warns(ConvergenceWarning, match="no route"):
        r = assign(
            disconnected(),
            one_class(od(3, {(0, 1): 1.0, (0, 2): 4.0})),
            spec=AssignmentSpec(algorithm="gp"),
        )
    assert r.unrouted_pcu == 4.0
    assert r.link_flow.tolist() == [1.0, 0.0]


def test_matrix_must_match_zones() -> None:
    with pytest.raises(DemandError, match="2 zones"):
        assign(two_nodes(), one_class(np.zeros((3, 3))))


def test_class_arrays_must_match_links() -> None:
    c = DemandClass("teu", np.zeros((2, 2)), link_mask=np.ones(3, bool))
    with pytest.raises(InvalidSpecError, match="link_mask"):
        assign(two_nodes(), [c])


# -- equilibrium on tiny graphs ---------------------------------------------------------------


@pytest.mark.parametrize("algorithm", EQUILIBRIUM)
def test_parallel_links_analytic_equilibrium(algorithm: str) -> None:
    q = 10.0
    spec = AssignmentSpec(algorithm=algorithm, target_gap=1e-5, max_iterations=5000)
    r = assign(parallel_links(), one_class(od(2, {(0, 1): q})), spec=spec)
    assert r.converged
    assert r.link_flow[0] == pytest.approx((5 + 2 * q) / 3, rel=1e-3)
    t = r.link_time
    assert t[0] == pytest.approx(t[1], rel=1e-3)


def test_queue_at_border_diverts_flow_to_the_slow_line() -> None:
    g = border_queue()
    light = assign(g, one_class(od(2, {(0, 1): 2.0})))
    heavy = assign(g, one_class(od(2, {(0, 1): 20.0})))
    assert light.link_flow[3] == 0.0  # all through the border
    assert 0 < heavy.link_flow[1] < 10.0  # border stays below capacity...
    assert heavy.link_flow[3] > 10.0  # ...and the rest diverts
    t = heavy.link_time
    assert t[0] + t[1] + t[2] == pytest.approx(t[3], rel=1e-5)


def test_multiclass_pce_loads_capacity_and_masks_hold() -> None:
    g = parallel_links()
    teu = DemandClass("teu", od(2, {(0, 1): 4.0}))
    bulk = DemandClass("bulk", od(2, {(0, 1): 6.0}), pce=0.5, link_mask=np.array([False, True]))
    r = assign(g, [teu, bulk], spec=AssignmentSpec(target_gap=1e-9))
    assert r.class_flow("bulk").tolist() == [0.0, 6.0]
    assert r.link_flow[1] == pytest.approx(3.0 + r.class_flow("teu")[1])
    assert_conservation(r)


def test_progress_reports_every_iteration() -> None:
    seen: list[Progress] = []
    r = assign(
        parallel_links(),
        one_class(od(2, {(0, 1): 10.0})),
        spec=AssignmentSpec(algorithm="fw", target_gap=1e-6, max_iterations=500),
        progress=seen.append,
    )
    assert len(seen) == r.iterations
    assert all(p.task == "assignment" and p.message.startswith("gap") for p in seen)


def test_unconverged_run_warns() -> None:
    case = tntp("SiouxFalls")
    with pytest.warns(ConvergenceWarning, match="stopped after 3 iterations"):
        r = assign(
            case.graph, [case.demand()], spec=AssignmentSpec(algorithm="msa", max_iterations=3)
        )
    assert not r.converged


# -- TNTP --------------------------------------------------------------------------------------


def _deviation(flow: np.ndarray, best: np.ndarray) -> tuple[float, float]:
    dev = np.abs(flow - best)
    return float(dev.max() / best.max()), float(dev.mean() / best.mean())


def test_siouxfalls_gp_reaches_1e6_and_matches_best_known_flows() -> None:
    case = tntp("SiouxFalls")
    assert case.best_flow is not None
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="gp", target_gap=1e-6))
    assert r.converged and r.relative_gap <= 1e-6
    max_dev, mean_dev = _deviation(r.link_flow, case.best_flow)
    assert max_dev < 1e-3
    assert mean_dev < 1e-4
    assert_conservation(r, rtol=1e-9)


def test_siouxfalls_gp_tight_gap_reproduces_best_known_flows() -> None:
    case = tntp("SiouxFalls")
    assert case.best_flow is not None
    r = assign(
        case.graph,
        [case.demand()],
        spec=AssignmentSpec(algorithm="gp", target_gap=1e-10, max_iterations=2000),
    )
    assert r.relative_gap <= 1e-10
    max_dev, _ = _deviation(r.link_flow, case.best_flow)
    assert max_dev < 1e-6


def test_anaheim_gp_reaches_1e6_and_matches_best_known_flows() -> None:
    case = tntp("Anaheim")
    assert case.best_flow is not None
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(target_gap=1e-6))
    assert r.converged and r.relative_gap <= 1e-6
    max_dev, mean_dev = _deviation(r.link_flow, case.best_flow)
    assert max_dev < 1e-2
    assert mean_dev < 1e-3
    assert_conservation(r)


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_frank_wolfe_family_objective_never_increases(algorithm: str) -> None:
    case = tntp("SiouxFalls")
    r = assign(
        case.graph,
        [case.demand()],
        spec=AssignmentSpec(algorithm=algorithm, target_gap=1e-4, max_iterations=3000),
    )
    assert r.converged
    obj = np.array([h.objective for h in r.history])
    assert (np.diff(obj) <= 1e-12 * obj[0]).all()
    assert_conservation(r)


def test_conjugate_directions_beat_plain_frank_wolfe() -> None:
    case = tntp("SiouxFalls")
    its = {
        a: assign(
            case.graph,
            [case.demand()],
            spec=AssignmentSpec(algorithm=a, target_gap=1e-4, max_iterations=3000),
        ).iterations
        for a in ("fw", "cfw", "bfw")
    }
    assert its["bfw"] < its["cfw"] < its["fw"]


@pytest.mark.parametrize("algorithm", ALL)
def test_every_algorithm_conserves_flow_on_siouxfalls(algorithm: str) -> None:
    case = tntp("SiouxFalls")
    spec = AssignmentSpec(algorithm=algorithm, target_gap=1e-2, max_iterations=200)
    r = assign(case.graph, [case.demand()], spec=spec)
    assert_conservation(r)


def test_anaheim_gp_tight_gap() -> None:
    case = tntp("Anaheim")
    assert case.best_flow is not None
    r = assign(
        case.graph,
        [case.demand()],
        spec=AssignmentSpec(algorithm="gp", target_gap=1e-10, max_iterations=2000),
    )
    assert r.relative_gap <= 1e-10
    max_dev, mean_dev = _deviation(r.link_flow, case.best_flow)
    assert max_dev < 1e-4
    assert mean_dev < 1e-5
