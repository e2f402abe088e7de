"""Benefits from two equilibria: the surplus integral against hand cases and the rule of a
half; zero change gives zero benefit; revenue, CO2 and crossing tables add up."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from corridors.appraisal import logsum_surplus, rule_of_half, year_benefits
from corridors.assignment.choice import ALTERNATIVES, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import SUESpec, build_problem, solve
from corridors.network import Network
from corridors.scenarios import apply_scenario

NEST = {"sea": 0.5, "rail": 0.5, "road": 1.0, "air": 1.0}
SPEC = SUESpec(target_gap=1e-10, column_rounds=0, max_iterations=5000)


def _table(costs: dict[str, float], demand: float = 100.0) -> pd.DataFrame:
    row = {a: np.log(costs[a]) if a in costs else np.inf for a in ALTERNATIVES}
    idx = pd.MultiIndex.from_tuples([("c", "A", "D")], names=["class", "origin", "destination"])
    return pd.DataFrame([{"demand": demand, **row}], index=idx)


def test_proportional_cost_cut_gives_the_exact_money_saving() -> None:
    # every alternative 20 % cheaper: shares stay, the surplus is D * sum(P * (G0 - G1))
    g0 = {"sea_suez": 3000.0, "rail_northern": 5000.0, "rail_middle": 6500.0}
    g1 = {a: 0.8 * g for a, g in g0.items()}
    kw = {"cost_scale": 1.5, "nest_scale": NEST, "asc": {"rail_middle": -0.3}}
    s = logsum_surplus(_table(g0), _table(g1), **kw)
    from corridors.appraisal.benefits import _probabilities

    lg = np.array([[np.log(g0[a]) if a in g0 else np.inf for a in ALTERNATIVES]])
    asc = np.array([-0.3 if a == "rail_middle" else 0.0 for a in ALTERNATIVES])
    p = _probabilities(lg, asc, 1.5, np.array(list(NEST.values())))[0]
    expect = 100.0 * sum(p[ALTERNATIVES.index(a)] * 0.2 * g for a, g in g0.items())
    assert float(s.iloc[0]) == pytest.approx(expect, rel=1e-10)
    # and the rule of a half is exact here too (shares do not move)
    assert float(rule_of_half(_table(g0), _table(g1), **kw).iloc[0]) == pytest.approx(expect)


@pytest.mark.parametrize("cut", [0.001, 0.01, 0.05])
def test_logsum_surplus_meets_the_rule_of_a_half_on_small_changes(cut: float) -> None:
    # one corridor gets cheaper: shares move; the two measures agree to second order
    g0 = {"sea_suez": 3000.0, "rail_northern": 5000.0, "rail_middle": 6500.0, "air": 40000.0}
    g1 = {**g0, "rail_middle": 6500.0 * (1 - cut)}
    kw = {"cost_scale": 1.5, "nest_scale": NEST, "asc": {}}
    s = float(logsum_surplus(_table(g0), _table(g1), **kw).iloc[0])
    h = float(rule_of_half(_table(g0), _table(g1), **kw).iloc[0])
    assert s > 0 and h > 0
    assert s == pytest.approx(h, rel=cut * 0.5)
    # the first-order term alone (old shares) overstates less than the error bound above
    assert abs(s - h) / s < 10 * cut**2 + 1e-12


def _demand(net: Network, teu: float) -> ODMatrices:
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    return ODMatrices(tuple(z), {"container_std": m})


def _pair(net: Network, scen: dict[str, object] | None, teu: float = 20_000.0):  # type: ignore[no-untyped-def]
    p = ChoiceParameters(asc={"rail_southern": -0.2})
    od = _demand(net, teu)
    base = solve(build_problem(net, od, params=p), p, spec=SPEC)
    pnet = net if scen is None else apply_scenario(net, scen)[0]
    proj = solve(build_problem(pnet, _demand(pnet, teu), params=p), p, spec=SPEC)
    return base, proj


def test_zero_change_gives_zero_benefit(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_corridors")
    base, proj = _pair(net, {"name": "nothing", "changes": []})
    yb = year_benefits(base, proj)
    for k, v in yb.totals.items():
        if k != "converged":
            assert v == pytest.approx(0.0, abs=1e-6), k
    assert (yb.revenue["revenue_change_usd"].abs() < 1e-6).all()


def test_cheaper_southern_line_benefits_shippers_by_the_rule_of_a_half(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_corridors")
    # 1 % shorter southern line (less tariff and time): a small change
    scen = {
        "name": "shorter",
        "changes": [
            {"op": "change_links", "links": ["a-t", "t-d"], "multiply": {"length_km": 0.99}}
        ],
    }
    base, proj = _pair(net, scen)
    yb = year_benefits(base, proj)
    t = yb.totals
    assert t["shipper_surplus_usd"] > 0
    assert t["shipper_surplus_usd"] == pytest.approx(t["rule_of_half_usd"], rel=1e-3)
    # time and money parts of the rule of a half: both savings here
    assert t["time_part_usd"] > 0 and t["cost_part_usd"] > 0
    # the congested northern border gets relief as traffic moves south
    cr = yb.crossings.set_index("link_id")
    assert cr.loc["a-r:f", "teu_eq_hours_saved"] > 0
    # shorter line: less rail tonne-km, less CO2
    assert t["co2_change_t"] < 0
    by_c = yb.co2_country.set_index("country")["co2_change_t"]
    assert by_c.sum() == pytest.approx(t["co2_change_t"])
    assert by_c["RU"] < 0  # traffic leaves the northern corridor (TM gains some)


def test_revenue_and_transit_by_country_add_up(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_corridors")
    base, _ = _pair(net, None)
    from corridors.appraisal.benefits import _flows_by_country

    f = _flows_by_country(base)
    # every unit pays its route's cost: total revenue = sum(path flow x path cost)
    assert f["revenue"].sum() == pytest.approx(
        float(np.sum(base.path_flow * base.problem.path_cost))
    )
    rev = dict(zip(f["countries"], f["revenue"], strict=True))
    tr = dict(zip(f["countries"], f["transit"], strict=True))
    # A (KZ) -> D (TR): RU and TM earn only transit, KZ and TR none
    assert tr["RU"] == pytest.approx(rev["RU"]) and tr["TM"] == pytest.approx(rev["TM"])
    assert tr["KZ"] == 0 and tr["TR"] == 0


def test_running_time_spread_is_the_lognormal_p90_minus_median() -> None:
    from scipy.stats import lognorm

    from corridors.appraisal.benefits import _running_spread
    from corridors.reliability._params import load_reliability_parameters

    lk = pd.DataFrame({"link_class": ["rail_eu", "rail_cn", ""], "run_time_h": [50.0, 80.0, 3.0]})
    got = _running_spread(lk)
    rp = load_reliability_parameters()
    for i, (cls, t) in enumerate([("rail_eu", 50.0), ("rail_cn", 80.0)]):
        cv = rp.get(cls, "run_time_cv")
        s = np.sqrt(np.log1p(cv**2))
        dist = lognorm(s, scale=t / np.sqrt(1 + cv**2))  # mean t, CV cv
        assert dist.mean() == pytest.approx(t)
        assert got[i] == pytest.approx(dist.ppf(0.9) - dist.ppf(0.5), rel=1e-9)
    assert got[2] == 0.0  # not a line link (transfer, handling)
