"""The choice equilibrium's parts behind ``corridors.assignment.sue``: the public home of its
classes, the route-level log-sum the appraisal reuses, the vdf slope kernel."""

from __future__ import annotations

import gc
import pickle
import weakref
from collections.abc import Callable

import numpy as np
import pytest

import corridors.assignment.sue as sue
from corridors.assignment._sue_logit import alternative_log_costs
from corridors.assignment.choice import ALTERNATIVES, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.vdf import VDF, link_times_into
from corridors.errors import InvalidSpecError
from corridors.network import Network


def _solved(net: Network, teu: float = 25_000.0) -> sue.ChoiceResult:
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    p = ChoiceParameters()
    pr = sue.build_problem(net, ODMatrices(tuple(z), {"container_std": m}), params=p)
    return sue.solve(pr, p, spec=sue.SUESpec(target_gap=1e-9))


def test_public_names_resolve_from_sue_and_pickle_there(tiny: Callable[[str], Network]) -> None:
    for name in sue.__all__:
        assert getattr(sue, name) is not None, name
    for cls in (sue.ChoiceProblem, sue.ChoiceResult, sue.SUERecord, sue.SUESpec, sue.WarmStart):
        assert cls.__module__ == "corridors.assignment.sue", cls
    r = _solved(tiny("two_corridors"))
    start = sue.WarmStart.from_result(r)
    back = pickle.loads(pickle.dumps(start))  # a sweep broadcasts it to worker processes
    assert type(back) is sue.WarmStart and dict(back.shares) == dict(start.shares)
    # the shares put the same problem back on its equilibrium path flows
    np.testing.assert_allclose(back.path_flow(r.problem, r.params), r.path_flow, rtol=1e-12)


def test_alternative_log_costs_is_the_log_sum_over_each_alternatives_routes(
    tiny: Callable[[str], Network],
) -> None:
    r = _solved(tiny("two_corridors"))
    pr, mu = r.problem, r.params.route_scale
    got = alternative_log_costs(pr, r.path_gc, mu)
    assert got.shape == (pr.mkt_demand.shape[0], len(ALTERNATIVES))
    for m in range(got.shape[0]):
        for a in range(len(ALTERNATIVES)):
            g = r.path_gc[(pr.path_mkt == m) & (pr.path_alt == a)]
            if g.size == 0:
                assert got[m, a] == np.inf
                continue
            want = -np.log(np.sum(np.exp(-mu * np.log(g)))) / mu
            assert got[m, a] == pytest.approx(want, rel=1e-12)
            assert got[m, a] <= np.log(g.min()) + 1e-12  # more routes never cost more
    assert np.isfinite(got).sum() >= 2  # the tiny network offers two corridors


def test_link_times_into_with_slope_is_the_derivative_of_time() -> None:
    kinds = np.array([v.value for v in VDF] * 2, np.int8)
    n = kinds.shape[0]
    t0 = np.linspace(1.0, 3.0, n)
    cap = np.full(n, 100.0)
    conical = kinds == VDF.CONICAL.value
    alpha = np.where(conical, 4.0, 0.5)
    beta = np.where(conical, 7.0 / 6.0, 3.0)  # conical: beta = (2 alpha - 1) / (2 alpha - 2)
    flow = np.concatenate([np.full(n // 2, 40.0), np.full(n - n // 2, 90.0)])
    slope = np.empty(n)
    link_times_into(kinds, t0, cap, alpha, beta, flow, slope, True)
    h = 1e-4
    hi, lo = np.empty(n), np.empty(n)
    link_times_into(kinds, t0, cap, alpha, beta, flow + h, hi)
    link_times_into(kinds, t0, cap, alpha, beta, flow - h, lo)
    np.testing.assert_allclose(slope, (hi - lo) / (2 * h), rtol=1e-5)
    assert (slope > 0).all()


def test_congested_graph_needs_the_network_of_the_result(tiny: Callable[[str], Network]) -> None:
    r = _solved(tiny("two_corridors"))
    g = sue.congested_graph(r.problem.net, r, "container")
    assert g.n_arcs == r.problem.net.graph("container").n_arcs
    with pytest.raises(InvalidSpecError, match="network the equilibrium was solved on"):
        sue.congested_graph(tiny("two_corridors"), r, "container")


def test_class_costs_do_not_keep_merged_graphs_alive(tiny: Callable[[str], Network]) -> None:
    from corridors.assignment import _sue_routes

    r = _solved(tiny("two_corridors"))
    ref = weakref.ref(r.problem.corridor)
    assert ref() in _sue_routes._COST_CACHE  # the class costs were computed and cached
    del r
    gc.collect()
    assert ref() is None
