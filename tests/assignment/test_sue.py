"""The mode/corridor/route choice equilibrium on tiny networks and the bundled one."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from corridors.assignment.choice import ChoiceParameters, nested_logit
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import SUESpec, build_problem, congested_graph, solve
from corridors.network import Network


def _demand(net: Network, teu: float) -> ODMatrices:
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    return ODMatrices(tuple(z), {"container_std": m})


def test_two_corridors_equilibrium_is_a_logit_fixed_point(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_corridors")
    p = ChoiceParameters(asc={"rail_southern": -0.2})
    pr = build_problem(net, _demand(net, 25_000.0), params=p)
    r = solve(pr, p, spec=SUESpec(target_gap=1e-9))
    assert r.converged and r.relative_gap <= 1e-9
    s = r.share_table().set_index("alternative")
    assert set(s.index) == {"rail_northern", "rail_southern"}
    assert s["flow"].sum() == pytest.approx(25_000.0)
    # shares are the nested logit of the equilibrium costs (both in the rail nest)
    g = s["generalized_cost_usd"]
    u = np.array([-1.5 * np.log(g["rail_northern"]), -0.2 - 1.5 * np.log(g["rail_southern"])])
    expect = nested_logit(u, [0, 0], [0.5])
    assert s.loc["rail_northern", "share"] == pytest.approx(expect[0], rel=1e-6)
    # the congested border's time is its queue at the equilibrium volume
    lt = r.link_table().set_index("link_id")
    x = lt.loc["a-r:f", "volume_capacity"]
    assert 0 < x < 0.95
    alpha = 24 * 86 / 100
    assert lt.loc["a-r:f", "delay_h"] == pytest.approx(alpha * x / (1 - x), rel=1e-9)


def test_more_demand_shifts_share_away_from_the_congested_corridor(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_corridors")
    p = ChoiceParameters(vot_scale=20.0)
    shares = []
    for teu in (5_000.0, 30_000.0):
        r = solve(build_problem(net, _demand(net, teu), params=p), p)
        s = r.share_table().set_index("alternative")["share"]
        shares.append(s["rail_northern"])
    assert shares[1] < shares[0] - 0.05


def test_congested_graph_adds_the_queue_wait(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_corridors")
    p = ChoiceParameters()
    r = solve(build_problem(net, _demand(net, 25_000.0), params=p), p)
    g0 = net.graph("container")
    g1 = congested_graph(net, r, "container")
    extra = g1.time_h - g0.time_h
    delay = r.link_table().set_index("link_id").loc["a-r:f", "delay_h"]
    assert extra.max() == pytest.approx(delay) and (extra >= 0).all()
    assert np.count_nonzero(extra) == 1


def test_bundled_baseline_converges_and_conserves(bundled: Network) -> None:
    from corridors.assignment import baseline_demand

    od = baseline_demand(bundled)
    p = ChoiceParameters()
    r = solve(build_problem(bundled, od, params=p), p, spec=SUESpec(target_gap=1e-6))
    assert r.converged
    ms = r.mode_shares()
    for c in od.classes:
        assert ms[ms["class"] == c]["flow"].sum() == pytest.approx(od.total(c), rel=1e-9)
    # grain never flies
    assert "air" not in set(ms[ms["class"] == "grain"]["alternative"])
    tpu = dict(zip(r.class_names, r.tonnes_per_unit, strict=True))
    assert tpu["grain"] == 1.0 and tpu["containers"] == bundled.parameter("global", "t_per_teu")
    np.testing.assert_allclose(ms["tonnes"], ms["flow"] * ms["class"].map(tpu))
    lt = r.link_table()
    assert {"flow_t_per_yr", "volume_capacity", "delay_h"} <= set(lt.columns)
    assert np.isfinite(lt["time_h"]).all()


def test_elasticities_match_the_analytic_nested_logit(tiny: Callable[[str], Network]) -> None:
    from corridors.assignment.choice import nested_logit_elasticity
    from corridors.assignment.sue import elasticities

    net = tiny("three_countries")  # no capacities: choice without congestion
    p = ChoiceParameters(asc={"rail_southern": 0.3})
    r = solve(build_problem(net, _demand(net, 1000.0), params=p), p)
    e = elasticities(r, attribute="cost", delta=0.01)
    s = r.share_table().set_index("alternative")
    alts = ["rail_northern", "rail_southern"]
    prob = s.loc[alts, "share"].to_numpy()
    point = nested_logit_elasticity(prob, [0, 0], [0.5], -1.5)
    # d ln G / d ln tariff = tariff / G
    ratio = (s.loc[alts, "cost_usd"] / s.loc[alts, "generalized_cost_usd"]).to_numpy()
    expect = point * ratio[None, :]
    assert e.loc[alts, alts].to_numpy() == pytest.approx(expect, rel=2e-3)
    assert e.loc["rail_northern", "rail_northern"] < 0 < e.loc["rail_southern", "rail_northern"]


def test_markets_without_a_route_are_reported(tiny: Callable[[str], Network]) -> None:
    from corridors.assignment.classes import ClassProfile, load_class_profiles
    from corridors.errors import ConvergenceWarning

    net = tiny("three_countries")
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = 10.0
    od = ODMatrices(tuple(z), {"container_std": m, "container_hv": m * 0.5})
    profiles = dict(load_class_profiles())
    # a class that may only fly, on a network without airports: its market has no route
    profiles["container_hv"] = ClassProfile(
        "container_hv", "TEU", "container", 1e5, 0.1, 0.0, 1.0, ("air",)
    )
    with pytest.warns(ConvergenceWarning, match="1 market"):
        pr = build_problem(net, od, params=ChoiceParameters(), profiles=profiles)
    r = solve(pr, ChoiceParameters())
    assert r.share_table()["flow"].sum() == pytest.approx(10.0)


def test_warm_start_from_another_demand_reaches_the_same_equilibrium_sooner(
    tiny: Callable[[str], Network],
) -> None:
    from corridors.assignment.sue import WarmStart

    net = tiny("two_corridors")
    p = ChoiceParameters(asc={"rail_southern": -0.2})
    spec = SUESpec(target_gap=1e-9)
    base = solve(build_problem(net, _demand(net, 25_000.0), params=p), p, spec=spec)
    start = WarmStart.from_result(base)
    assert sum(start.shares.values()) == pytest.approx(1.0)  # one market, shares of its demand
    pr = build_problem(net, _demand(net, 30_000.0), params=p)  # a new problem, as in a sweep
    h0 = start.path_flow(pr, p)
    assert h0.sum() == pytest.approx(30_000.0)  # the new demand in the base's proportions
    cold = solve(pr, p, spec=spec)
    warm = solve(pr, p, spec=spec, start=start)
    assert warm.converged and cold.converged
    np.testing.assert_allclose(warm.path_flow, cold.path_flow, rtol=1e-6, atol=1e-3)
    assert warm.iterations < cold.iterations


def test_a_carbon_price_moves_high_value_containers_off_air(bundled: Network) -> None:
    from corridors.assignment.sue import base_demand, equilibrium
    from corridors.network.costs import CostModel

    od = base_demand(bundled)
    hv = ODMatrices(od.zones, {"container_hv": od.matrices["container_hv"]})  # the air market

    def shares(price: float) -> dict[str, float]:
        cm = CostModel(carbon_price_usd_per_t=price)
        r = equilibrium(bundled, hv, spec=SUESpec(target_gap=1e-4), cost_model=cm)
        ms = r.mode_shares(by="mode").set_index("mode")
        assert ms["flow"].sum() == pytest.approx(od.total("container_hv"), rel=1e-9)
        return {str(k): float(v) for k, v in ms["share"].items()}

    s0, s1 = shares(0.0), shares(200.0)
    # air emits the most per TEU-km, sea the least: the price moves shippers from one to the other
    assert s1["air"] < 0.9 * s0["air"]
    assert s1["sea"] > s0["sea"]


def test_the_southern_probe_takes_the_railway_and_the_caspian_ferry_is_middle(
    tiny: Callable[[str], Network],
) -> None:
    from corridors.assignment.sue import corridor_times

    net = tiny("caspian_or_railway")
    p = ChoiceParameters()
    r = solve(build_problem(net, _demand(net, 1_000.0), params=p), p)
    s = r.share_table().set_index("alternative")
    # the ferry route is generated (cheapest, by the free probe) and is a Middle route
    assert {"rail_middle", "rail_southern"} <= set(s.index)
    (free, free_alt), (south, south_alt) = corridor_times(
        r, [("A", "D", "", "container_std"), ("A", "D", "rail_southern", "container_std")]
    )
    assert free_alt == "rail_middle"
    # a Southern time is the Kazakhstan-Turkmenistan-Iran railway's, not the ferry's
    assert south_alt == "rail_southern" and south != pytest.approx(free)
