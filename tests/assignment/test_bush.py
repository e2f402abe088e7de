"""The bush-based algorithm (Algorithm B): analytic cases, best-known TNTP flows, multi-class,
warm starts and select-link against gradient projection."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from corridors.assignment import AssignmentGraph, AssignmentSpec, DemandClass, assign
from corridors.assignment.spec import Algorithm
from corridors.errors import InvalidSpecError
from corridors.io.tntp import read_tntp
from tests.assignment.networks import (
    assert_conservation,
    border_queue,
    centroid_shortcut,
    od,
    one_class,
    parallel_links,
    tntp,
)

BUSH = AssignmentSpec(algorithm="bush", target_gap=1e-10, max_iterations=300)
# the larger TNTP cases live beside the repository (../shared/data/tntp), from a worktree too
SHARED = next(
    (
        p / "shared" / "data" / "tntp"
        for p in Path(__file__).resolve().parents[2:5]
        if (p / "shared" / "data" / "tntp").is_dir()
    ),
    Path("shared/data/tntp"),
)


def _dev(flow: np.ndarray, best: np.ndarray, keep: np.ndarray | None = None) -> float:
    """Largest deviation relative to the largest flow (over ``keep`` links)."""
    dev = np.abs(flow - best)
    return float((dev if keep is None else dev[keep]).max() / best.max())


def _strict(g: AssignmentGraph) -> np.ndarray:
    """Links whose time strictly rises with flow: only there are equilibrium flows unique."""
    return (g.alpha > 0) & (g.beta > 0)  # type: ignore[no-any-return]


def test_parallel_links_analytic_equilibrium() -> None:
    q = 10.0
    r = assign(parallel_links(), one_class(od(2, {(0, 1): q})), spec=BUSH)
    assert r.converged and r.spec.algorithm is Algorithm.BUSH
    assert r.link_flow[0] == pytest.approx((5 + 2 * q) / 3, rel=1e-9)
    assert r.link_time[0] == pytest.approx(r.link_time[1], rel=1e-9)


def test_border_queue_equalises_route_times() -> None:
    r = assign(border_queue(), one_class(od(2, {(0, 1): 20.0})), spec=BUSH)
    t = r.link_time
    assert t[0] + t[1] + t[2] == pytest.approx(t[3], rel=1e-8)


def test_zones_are_not_passed_through() -> None:
    g = centroid_shortcut()
    b = assign(g, one_class(od(g.n_zones, {(0, 2): 5.0})), spec=BUSH)
    assert b.link_flow.tolist() == [0.0, 0.0, 5.0, 5.0]


def test_siouxfalls_reaches_best_known_flows_and_objective() -> None:
    case = tntp("SiouxFalls")
    assert case.best_flow is not None
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="bush", target_gap=1e-12))
    assert r.converged and r.relative_gap <= 1e-12
    assert _dev(r.link_flow, case.best_flow) < 1e-6
    assert_conservation(r, rtol=1e-9)
    # the objective is the lowest any iteration saw (to rounding)
    obj = np.array([h.objective for h in r.history])
    assert obj[-1] <= obj.min() * (1 + 1e-13)


def test_anaheim_reaches_best_known_flows() -> None:
    case = tntp("Anaheim")
    assert case.best_flow is not None
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="bush", target_gap=1e-10))
    assert r.converged
    assert _dev(r.link_flow, case.best_flow, _strict(case.graph)) < 1e-5
    assert_conservation(r, rtol=1e-9)


@pytest.mark.slow
def test_barcelona_reaches_best_known_flows() -> None:
    if not (SHARED / "Barcelona").exists():
        pytest.skip("Barcelona TNTP case not available")
    case = read_tntp(SHARED / "Barcelona")
    assert case.best_flow is not None
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="bush", target_gap=1e-10))
    assert r.converged
    assert _dev(r.link_flow, case.best_flow, _strict(case.graph)) < 1e-5
    # TNTP's README gives the optimal objective 1265654.92203176
    assert r.history[-1].objective == pytest.approx(1265654.92203176, rel=1e-9)
    assert_conservation(r, rtol=1e-8)


def _two_classes(n_links: int, n_zones: int, trips: np.ndarray) -> list[DemandClass]:
    rng = np.random.default_rng(5)
    mask = np.ones(n_links, np.bool_)
    mask[rng.choice(n_links, 6, replace=False)] = False  # SiouxFalls stays connected
    return [
        DemandClass("cars", trips * 0.7),
        DemandClass(
            "trucks",
            trips * 0.3,
            pce=2.0,
            value_of_time=0.5,
            fixed_cost=rng.uniform(0, 0.5, n_links),
            link_mask=mask,
        ),
    ]


def test_multiclass_with_masks_matches_gradient_projection() -> None:
    case = tntp("SiouxFalls")
    g = case.graph
    classes = _two_classes(g.n_links, g.n_zones, case.trips)
    b = assign(g, classes, spec=BUSH)
    gp = assign(g, classes, spec=AssignmentSpec(algorithm="gp", target_gap=1e-10))
    assert b.relative_gap <= 1e-10 and b.unrouted_pcu == 0.0
    assert (b.class_flow("trucks")[~classes[1].link_mask] == 0).all()
    np.testing.assert_allclose(b.link_flow, gp.link_flow, atol=1e-3 * b.link_flow.max())
    assert_conservation(b, rtol=1e-9)


def test_warm_start_resolves_a_scenario_in_fewer_iterations() -> None:
    case = tntp("SiouxFalls")
    g = case.graph
    spec = AssignmentSpec(algorithm="bush", target_gap=1e-8)
    base = assign(g, [case.demand()], spec=spec)
    assert base.bushes is not None
    cap = g.capacity.copy()
    cap[[10, 30]] *= 0.5  # two links lose half their capacity
    g2 = replace(g, capacity=cap)
    demand = [DemandClass("vehicles", case.trips * 1.1)]  # and demand grows 10 %
    cold = assign(g2, demand, spec=spec)
    warm = assign(g2, demand, spec=spec, warm_start=base)
    assert warm.converged and cold.converged
    assert warm.iterations < cold.iterations
    np.testing.assert_allclose(warm.link_flow, cold.link_flow, atol=1e-3 * cold.link_flow.max())
    assert_conservation(warm, rtol=1e-9)


def test_warm_start_survives_a_closed_link_and_a_new_class() -> None:
    case = tntp("SiouxFalls")
    g = case.graph
    spec = AssignmentSpec(algorithm="bush", target_gap=1e-8)
    base = assign(g, [case.demand()], spec=spec)
    used = int(np.argmax(base.link_flow))
    mask = np.ones(g.n_links, np.bool_)
    mask[used] = False
    demand = [
        DemandClass("vehicles", case.trips, link_mask=mask),
        DemandClass("new", case.trips * 0.05),
    ]
    warm = assign(g, demand, spec=spec, warm_start=base)
    assert warm.converged
    assert warm.class_flow("vehicles")[used] == 0.0
    assert_conservation(warm, rtol=1e-9)


def test_warm_start_needs_a_bush_result_on_the_same_links() -> None:
    case = tntp("SiouxFalls")
    gp = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="gp", target_gap=1e-3))
    with pytest.raises(InvalidSpecError, match="bush-algorithm result"):
        assign(case.graph, [case.demand()], spec=BUSH, warm_start=gp)
    with pytest.raises(InvalidSpecError, match="warm_start works with the bush"):
        assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="fw"), warm_start=gp)


def test_select_link_matches_gradient_projection() -> None:
    case = tntp("SiouxFalls")
    g = case.graph
    b = assign(g, [case.demand()], spec=BUSH)
    gp = assign(g, [case.demand()], spec=AssignmentSpec(algorithm="gp", target_gap=1e-10))
    link = g.link_ids[int(np.argmax(b.link_flow))]
    sb = b.select_link(link).set_index(["origin", "destination"])["flow"]
    sg = gp.select_link(link).set_index(["origin", "destination"])["flow"]
    # OD flows through a link are not unique at equilibrium; their total is (it is the link flow)
    assert sb.sum() == pytest.approx(b.link_flow[int(np.argmax(b.link_flow))], rel=1e-9)
    assert sb.sum() == pytest.approx(sg.sum(), rel=1e-5)


def test_auto_picks_gp_cold_and_bush_for_a_warm_start_or_a_tight_gap() -> None:
    case = tntp("SiouxFalls")
    spec = AssignmentSpec(target_gap=1e-4)
    assert spec.algorithm is Algorithm.AUTO
    cold = assign(case.graph, [case.demand()], spec=spec)
    assert cold.spec.algorithm is Algorithm.GP and cold.paths is not None
    base = assign(case.graph, [case.demand()], spec=AssignmentSpec(algorithm="bush"))
    warm = assign(case.graph, [case.demand()], spec=spec, warm_start=base)
    assert warm.spec.algorithm is Algorithm.BUSH and warm.iterations <= 2
    tight = assign(case.graph, [case.demand()], spec=AssignmentSpec(target_gap=1e-10))
    assert tight.spec.algorithm is Algorithm.BUSH
