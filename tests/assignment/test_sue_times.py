"""Corridor transit times at the equilibrium: the route-logit mean over the corridor's routes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from corridors.assignment.choice import ALTERNATIVES, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import (
    ChoiceResult,
    build_problem,
    corridor_times,
    expected_corridor_times,
    probe_routes,
    solve,
)
from corridors.errors import InvalidSpecError
from corridors.network import Network, load_network
from tests.tiny import two_crossings_priced, write_network

NORTH = ALTERNATIVES.index("rail_northern")


def _solve(
    net: Network, demand: dict[str, float], od: tuple[str, str] = ("A", "D")
) -> ChoiceResult:
    z = list(net.nodes.index)
    mats = {}
    for cls, teu in demand.items():
        m = np.zeros((len(z), len(z)))
        m[z.index(od[0]), z.index(od[1])] = teu
        mats[cls] = m
    p = ChoiceParameters()
    return solve(build_problem(net, ODMatrices(tuple(z), mats), params=p), p)


def _priced(tmp_path: Path, cost_y: float) -> Network:
    folder = write_network(two_crossings_priced(cost_y), tmp_path / f"y{cost_y:.4f}")
    return load_network(folder, name="two_crossings")


def test_the_corridor_time_is_the_route_logit_mean_of_its_routes(
    tiny: Callable[[str], Network],
) -> None:
    r = _solve(tiny("two_crossings"), {"container_std": 1_000.0, "container_hv": 400.0})
    pr = r.problem
    mu = r.params.route_scale
    names = np.asarray(pr.class_names)[pr.mkt_cls[pr.path_mkt]]
    means, volumes = {}, {}
    for cls in ("container_std", "container_hv"):
        sel = (names == cls) & (pr.path_alt == NORTH)
        assert sel.sum() == 2  # via X and via Y, both Northern
        t, g = r.path_time[sel], r.path_gc[sel]
        # the known routes: the Y crossing dwells 35 h longer and costs 10 USD/TEU less
        assert sorted(t) == pytest.approx([30.0, 65.0])
        vot = next(p for p in pr.profiles if p.name == cls).value_of_time * r.params.vot_scale
        fast, slow = np.argmin(t), np.argmax(t)
        assert g[slow] - g[fast] == pytest.approx(-10.0 + vot * 35.0, rel=1e-9)
        share = g ** (-mu) / np.sum(g ** (-mu))  # the route logit in closed form
        if cls == "container_std":  # both routes carry its shipments: a real average
            assert share.min() > 0.05
        means[cls] = float(share @ t)
        volumes[cls] = float(r.path_flow[sel].sum())
        ((got, alt),) = expected_corridor_times(r, [("A", "D", "rail_northern", cls)])
        assert alt == "rail_northern" and got == pytest.approx(means[cls], rel=1e-12)
    # the high-value class (a much higher value of time) leans to the faster crossing
    assert 30.0 < means["container_hv"] < means["container_std"] - 5.0
    both = ("container_std", "container_hv")
    ((got, _),) = expected_corridor_times(r, [("A", "D", "rail_northern", both)])
    expect = sum(volumes[c] * means[c] for c in both) / sum(volumes.values())
    assert got == pytest.approx(expect, rel=1e-12)
    # no corridor named: the corridor of the cheapest route, averaged the same way
    ((anyhow, alt),) = expected_corridor_times(r, [("A", "D", "", both)])
    assert alt == "rail_northern" and anyhow == pytest.approx(got, rel=1e-12)


def test_a_near_tie_does_not_flip_the_corridor_time(tmp_path: Path) -> None:
    base = _solve(_priced(tmp_path, 90.0), {"container_std": 1_000.0})
    t, g = base.path_time, base.path_gc
    tie = 90.0 - (g[np.argmax(t)] - g[np.argmin(t)])  # Y's crossing cost where the routes tie
    best, mean = [], []
    for cost_y in (tie - 0.2, tie + 0.2):  # ±0.03 % of the route cost
        r = _solve(_priced(tmp_path, cost_y), {"container_std": 1_000.0})
        q = [("A", "D", "rail_northern", "container_std")]
        best.append(corridor_times(r, q)[0][0])
        mean.append(expected_corridor_times(r, q)[0][0])
    # the best route swaps from Y (65 h) to X (30 h): the old probe jumps by the whole 35 h
    assert best == pytest.approx([65.0, 30.0])
    # the shipments' mean moves by a fraction of an hour around the 50/50 mean
    assert abs(mean[1] - mean[0]) < 0.5
    assert mean == pytest.approx([47.5, 47.5], abs=0.5)


def test_a_place_pair_without_demand_gets_the_routes_a_market_there_would_get(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_crossings")
    std_only = _solve(net, {"container_std": 1_000.0})
    with_hv = _solve(net, {"container_std": 1_000.0, "container_hv": 10.0})
    q = [("A", "D", "rail_northern", "container_hv")]
    ((probe, _),) = expected_corridor_times(std_only, q)
    ((market, _),) = expected_corridor_times(with_hv, q)
    # the probes generate the market's routes; no capacity, so the demand changes no time
    assert probe == pytest.approx(market, rel=1e-12)
    assert 30.0 < probe < 65.0
    routes = probe_routes(std_only, q)
    assert routes.problem is not None and routes.problem.n_paths == 2
    assert expected_corridor_times(std_only, q, probes=routes)[0][0] == probe
    # a pair that is a market of one class asked uses the equilibrium's routes only
    assert probe_routes(std_only, [("A", "D", "rail_northern", "container_std")]).problem is None


def test_a_corridor_without_a_route_and_bad_queries(tiny: Callable[[str], Network]) -> None:
    r = _solve(tiny("two_crossings"), {"container_std": 1_000.0})
    ((h, alt),) = expected_corridor_times(r, [("A", "D", "rail_southern", "container_std")])
    assert np.isnan(h) and alt == ""
    with pytest.raises(InvalidSpecError, match="Unknown place 'Q'"):
        expected_corridor_times(r, [("A", "Q", "rail_northern", "container_std")])
    with pytest.raises(InvalidSpecError, match="Unknown alternative 'rail_west'"):
        expected_corridor_times(r, [("A", "D", "rail_west", "container_std")])
    with pytest.raises(InvalidSpecError, match="names no demand class"):
        expected_corridor_times(r, [("A", "D", "rail_northern", ())])
