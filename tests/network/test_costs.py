"""The cost model's rules on tiny networks: terminal operations, tariffs as sold (FEU vs TEU,
wagon types, all-in through rates), rates by date, traction-weighted CO2, carbon price."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corridors.errors import InvalidSpecError
from corridors.network import Network, load_network, validate_network
from corridors.network.costs import CostModel, rate_reading
from corridors.network.enums import ARC_LINK, CargoClass, Operation, Unit
from corridors.routing import pareto_routes, route
from tests.tiny import EST, Tables, build, crossing, link, node, transfer, write_network


def _par(scope: str, name: str, value: float) -> dict[str, Any]:
    return {"scope": scope, "parameter": name, "value": value, **EST}


def _load(tables: Tables, tmp_path: Path, name: str = "net") -> Network:
    return load_network(write_network(tables, tmp_path / name), name=name)


def _port_network(extra: list[dict[str, Any]] | None = None) -> Tables:
    """B (city) --rail 500 km-- P (seaport) --sea 1000 km-- S (seaport)."""
    t = build(
        [
            node("B", lon=60),
            node("P", kind="seaport", lon=66),
            node("S", country="TR", kind="seaport", lon=75),
        ],
        [
            link("rail-b-p", "B", "P", 500),
            link("sea-p-s", "P", "S", 1000, mode="sea", sailings_per_week=7),
        ],
        crossings=[crossing("sea-p-s", "forward", 10), crossing("sea-p-s", "reverse", 10)],
        transfers=[transfer("*", "mode_change", "rail1520", "sea", h=48, cost=150)],
    )
    t["parameters"] += [
        _par("op:rail_terminal", "handling_h", 6),
        _par("op:rail_terminal", "handling_usd_per_teu", 50),
        _par("op:rail_terminal", "handling_usd_per_t", 2),
        _par("op:sea_terminal", "handling_h", 48),
        _par("op:sea_terminal", "handling_usd_per_teu", 150),
        _par("op:sea_terminal", "handling_usd_per_t", 5),
        *(extra or []),
    ]
    return t


def test_rail_consignment_at_a_seaport_gets_rail_terminal_handling(tmp_path: Path) -> None:
    net = _load(_port_network(), tmp_path)
    it = route(net, "P", "B", objective="days")
    ops = [s["operation"] for s in it.steps if s["kind"] == "handling"]
    assert ops == ["rail_terminal", "rail_terminal"]
    assert it.time_breakdown_h["handling"] == pytest.approx(12.0)  # not the 48 h yard dwell
    assert it.cost_breakdown_usd["handling"] == pytest.approx(100.0)


def test_ship_loading_is_a_sea_terminal_and_the_transfer_a_rail_ship_operation(
    tmp_path: Path,
) -> None:
    net = _load(_port_network(), tmp_path)
    it = route(net, "B", "S", objective="days")
    assert [s["operation"] for s in it.steps if s["kind"] != "link"] == [
        "rail_terminal",
        "rail_ship",
        "sea_terminal",
    ]
    assert it.time_breakdown_h["transshipment"] == pytest.approx(48.0)
    assert it.time_breakdown_h["handling"] == pytest.approx(6.0 + 48.0)
    sea = route(net, "P", "S", objective="days")
    assert sea.time_breakdown_h["handling"] == pytest.approx(96.0)


def test_node_kind_handling_is_the_fallback_without_operation_rows(tmp_path: Path) -> None:
    t = _port_network()
    t["parameters"] = [r for r in t["parameters"] if not r["scope"].startswith("op:")]
    it = route(_load(t, tmp_path), "P", "B", objective="days")
    assert it.time_breakdown_h["handling"] == pytest.approx(4.0)  # tiny kind rows: 2 h each


def test_operation_vocabulary() -> None:
    assert Operation.transfer("rail1435", "rail1520") is Operation.GAUGE_CHANGE
    assert Operation.transfer("rail1520", "ferry") is Operation.RAIL_SHIP
    assert Operation.transfer("sea", "ferry") is Operation.SHIP_SHIP
    assert Operation.transfer("road", "rail1435") is Operation.ROAD_RAIL
    assert Operation.access("air") is Operation.AIR_TERMINAL
    with pytest.raises(InvalidSpecError):
        Operation.transfer("air", "air")


# -- tariffs as sold ----------------------------------------------------------------------------


def _two(extra: list[dict[str, Any]]) -> Tables:
    t = build([node("A", lon=60), node("B", lon=66)], [link("a-b", "A", "B", 500)])
    t["parameters"] += extra
    return t


def _freight(net: Network, **kw: Any) -> float:
    it = route(net, "A", "B", objective="cost", **kw)
    return it.cost_breakdown_usd["freight"] / it.quantity


def test_an_feu_is_not_priced_as_two_teu(tmp_path: Path) -> None:
    share = _par("global", "teu_price_share_of_feu", 0.631)
    net = _load(_two([share]), tmp_path, "derived")
    assert _freight(net, teu=1) == pytest.approx(500 * 0.5)
    assert _freight(net, feu=1) == pytest.approx(500 * 0.5 / 0.631, rel=1e-4)  # USD 2 d.p.
    published = _load(_two([share, _par("class:rail", "tariff_usd_per_feu_km", 0.7)]), tmp_path)
    assert _freight(published, feu=3) == pytest.approx(500 * 0.7)
    it = route(published, "A", "B", feu=3)
    assert it.unit == "FEU" and it.quantity == 3


def test_bulk_by_rail_is_priced_by_wagon_type(tmp_path: Path) -> None:
    shares = [
        _par("global", "tariff_share_hopper", 0.5),
        _par("global", "tariff_share_gondola", 0.4),
    ]
    net = _load(_two(shares), tmp_path, "shares")
    # class TEU rate 0.5 USD/TEU-km / 10 t per TEU x wagon share
    assert _freight(net, cargo="grain", tonnes=1) == pytest.approx(500 * 0.05 * 0.5)
    assert _freight(net, cargo="dry_bulk", tonnes=1) == pytest.approx(500 * 0.05 * 0.4)
    own = _load(_two([*shares, _par("class:rail", "tariff_hopper_usd_per_t_km", 0.01)]), tmp_path)
    assert _freight(own, cargo="grain", tonnes=1) == pytest.approx(5.0)
    # no wagon share for tank wagons here: the class's general per-tonne rate applies
    assert _freight(own, cargo="liquid_bulk", tonnes=1) == pytest.approx(500 * 0.04)


def _corridor(all_in: float) -> Tables:
    """A(KZ) - B(KZ) | C(RU) - D(RU) on one railway, a 300 USD border fee between B and C,
    and a branch C - E(BY) of a class sold separately."""
    t = build(
        [
            node("A", lon=60),
            node("B", lon=62),
            node("C", country="RU", lon=64),
            node("D", country="RU", lon=66),
            node("E", country="BY", lon=66, lat=47),
        ],
        [
            link("a-b", "A", "B", 200, cls="through"),
            link("b-c", "B", "C", 20, cls="through"),
            link("c-d", "C", "D", 200, cls="through"),
            link("c-e", "C", "E", 20, cls="through"),
        ],
        crossings=[
            crossing("b-c", "forward", 6, cost=300),
            crossing("b-c", "reverse", 6, cost=300),
            crossing("c-e", "forward", 6, cost=300),
            crossing("c-e", "reverse", 6, cost=300),
        ],
        classes={"through": (50.0, 0.5, 0.04, 25.0)},
    )
    t["parameters"].append(_par("class:through", "tariff_all_in", all_in))
    return t


def test_no_border_fee_is_stacked_on_an_all_in_through_tariff(tmp_path: Path) -> None:
    inside = route(_load(_corridor(1), tmp_path, "allin"), "A", "D", objective="cost")
    assert inside.cost_breakdown_usd["border"] == 0.0
    sold_by_km = route(_load(_corridor(0), tmp_path, "plain"), "A", "D", objective="cost")
    assert sold_by_km.cost_breakdown_usd["border"] == pytest.approx(300.0)
    # E lies outside the through-tariff network (no other all-in link): its border fee stays
    leaving = route(_load(_corridor(1), tmp_path, "leave"), "A", "E", objective="cost")
    assert leaving.cost_breakdown_usd["border"] == pytest.approx(300.0)


# -- rates by period, passages ----------------------------------------------------------------


def _sea_lanes() -> Tables:
    t = build(
        [node("X", kind="seaport", lon=60), node("Y", country="NL", kind="seaport", lon=70)],
        [
            link("x-y-suez", "X", "Y", 1000, mode="sea", sailings_per_week=7, via="Suez"),
            link("x-y-cape", "X", "Y", 1300, mode="sea", sailings_per_week=7, via="Cape"),
        ],
        crossings=[
            crossing(lid, d, 0, cost=0)
            for lid in ("x-y-suez", "x-y-cape")
            for d in ("forward", "reverse")
        ],
    )
    t["rates"] = [
        {
            "series": "idx",
            "link_class": "sea",
            "date": d,
            "rate_usd_per_feu": v,
            "reference_km": 1000,
            **EST,
        }
        for d, v in (("2024-01-01", 4000), ("2024-06-01", 6000), ("2025-01-01", 2000))
    ]
    t["passages"] = [
        {"passage": "Suez", "closed_from": "2024-03-01", "closed_to": "2024-12-31", **EST}
    ]
    t["parameters"].append(_par("global", "teu_price_share_of_feu", 0.6))
    return t


def test_sea_rates_follow_the_index_level_of_the_departure_date(tmp_path: Path) -> None:
    net = _load(_sea_lanes(), tmp_path)
    assert rate_reading(net, "sea", None)["date"] == "2025-01-01"  # latest without a date
    assert rate_reading(net, "sea", np.datetime64("2023-05-01").item())["date"] == "2024-01-01"
    for dep, feu_rate in (("2024-02-01", 4000), ("2024-07-15", 6000), (None, 2000)):
        opts = pareto_routes(net, "X", "Y", feu=1, departure=dep)
        best = opts.cheapest
        assert best.cost_breakdown_usd["freight"] == pytest.approx(feu_rate)
        teu = pareto_routes(net, "X", "Y", teu=1, departure=dep).cheapest
        assert teu.cost_breakdown_usd["freight"] == pytest.approx(feu_rate * 0.6)


def test_a_closed_passage_diverts_at_the_price_of_the_trade(tmp_path: Path) -> None:
    net = _load(_sea_lanes(), tmp_path)
    open_ = pareto_routes(net, "X", "Y", feu=1, departure="2024-02-01")
    assert {it.via[0] for it in open_.options} == {"Suez"}  # the Cape lane is dominated
    closed = pareto_routes(net, "X", "Y", feu=1, departure="2024-07-15")
    assert [it.via for it in closed.options] == [["Cape"]]
    # priced per km of the shortest lane between the two ports: the diversion costs the index
    assert closed.options[0].cost_breakdown_usd["freight"] == pytest.approx(6000)
    assert closed.options[0].distance_km == 1300


# -- CO2 and carbon price ---------------------------------------------------------------------


def _traction() -> Tables:
    t = build(
        [node("A", lon=60), node("B", lon=62), node("C", country="RU", lon=64)],
        [link("a-b", "A", "B", 100), link("b-c", "B", "C", 100)],
        crossings=[crossing("b-c", "forward", 0, cost=0), crossing("b-c", "reverse", 0, cost=0)],
    )
    t["parameters"] += [
        _par("global", "rail_diesel_ttw_g_per_tkm", 30),
        _par("global", "rail_diesel_wtw_g_per_tkm", 36),
        _par("global", "rail_electric_kwh_per_tkm", 0.04),
        _par("country:KZ", "rail_electric_share", 1.0),
        _par("country:KZ", "grid_g_per_kwh", 500),
        _par("country:RU", "rail_electric_share", 0.0),
        _par("country:RU", "grid_g_per_kwh", 400),
        _par("class:sea", "co2_wtw_g_per_tkm", 8),
        _par("class:sea", "co2_ttw_g_per_tkm", 7),
    ]
    return t


def test_rail_co2_is_traction_weighted_by_country(tmp_path: Path) -> None:
    net = _load(_traction(), tmp_path)
    lk = net.links.set_index("link_id_dir")
    # electric KZ: WTW = 0.04 kWh x 500 g = 20 g/tkm, TTW 0; border link averages KZ and RU
    assert lk.at["a-b:f", "co2_wtw_g_per_tkm"] == pytest.approx(20.0)
    assert lk.at["a-b:f", "co2_ttw_g_per_tkm"] == pytest.approx(0.0)
    assert lk.at["b-c:f", "co2_wtw_g_per_tkm"] == pytest.approx((20 + 36) / 2)
    assert lk.at["b-c:f", "co2_ttw_g_per_tkm"] == pytest.approx((0 + 30) / 2)
    it = route(net, "A", "C", teu=2)
    leg = it.legs[0]
    t_moved = 2 * 10  # 2 TEU x 10 t
    assert leg.co2_wtw_kg == pytest.approx((100 * 20 + 100 * 28) * t_moved / 1000)
    assert leg.co2_ttw_kg == pytest.approx((100 * 0 + 100 * 15) * t_moved / 1000)
    assert it.co2_kg == pytest.approx(it.co2_wtw_kg)
    assert "GLEC" in it.co2_factor_set and "14083" in it.co2_factor_set


def test_hub_emissions_are_counted_at_terminals(tmp_path: Path) -> None:
    t = _traction()
    t["parameters"].append(_par("global", "hub_co2e_kg_per_teu", 10))
    it = route(_load(t, tmp_path), "A", "C", feu=1)
    assert it.co2_hub_kg == pytest.approx(2 * 10 * 2)  # two terminals, an FEU is 2 TEU
    assert it.co2_wtw_kg == pytest.approx(sum(leg.co2_wtw_kg for leg in it.legs) + 40)


def test_a_carbon_price_is_a_cost_term_of_its_own(tmp_path: Path) -> None:
    net = _load(_traction(), tmp_path)
    free = route(net, "A", "C", teu=1, objective="cost")
    priced = route(net, "A", "C", teu=1, objective="cost", carbon_price_usd_per_t=100)
    assert priced.cost_breakdown_usd["carbon"] == pytest.approx(100 * free.co2_wtw_kg / 1000)
    assert priced.cost_usd == pytest.approx(free.cost_usd + priced.cost_breakdown_usd["carbon"])
    with pytest.raises(InvalidSpecError):
        CostModel(carbon_price_usd_per_t=-5)


def test_value_of_time_by_cargo_class_and_unit(tmp_path: Path) -> None:
    t = _two([_par("cargo:container_hv", "value_of_time_usd_per_teu_h", 9)])
    net = _load(t, tmp_path)
    cm = CostModel()
    assert cm.value_of_time(net, CargoClass.CONTAINER_STD, Unit.TEU) == 5  # global (tiny)
    assert cm.value_of_time(net, CargoClass.CONTAINER_HV, Unit.FEU) == 18
    with pytest.raises(InvalidSpecError):
        cm.arc_figures(net, net.graph("container"), unit="t", cargo_class="container_std")


def test_compiled_graph_figures_come_from_the_cost_model(tmp_path: Path) -> None:
    net = _load(_port_network(), tmp_path)
    g = net.graph("container")
    fig = CostModel().arc_figures(net, g, unit="teu")
    assert np.allclose(g.cost_usd, fig.cost_usd)
    assert np.allclose(g.co2_kg, fig.co2_wtw_kg) and np.allclose(g.co2_ttw_kg, fig.co2_ttw_kg)
    assert np.allclose(g.time_h, fig.time_h)
    assert set(np.unique(g.op[g.kind == ARC_LINK])) == {-1}


# -- strict validation of the new tables --------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_par("country:KZ", "rail_electric_share", 1.5), "outside its physical range"),
        (_par("op:rail_terminal", "handling_days", 1), "is not a parameter of op scopes"),
        (_par("op:warp_gate", "handling_h", 1), "names no known op"),
        (_par("planet:mars", "speed_kmh", 1), "unknown scope"),
        (_par("global", "carbon_price_usd_per_t", float("inf")), "infinite"),
    ],
)
def test_validate_is_strict_about_parameters(
    tmp_path: Path, row: dict[str, Any], expected: str
) -> None:
    t = _two([row])
    problems = validate_network(write_network(t, tmp_path / "bad"))
    assert any(expected in p for p in problems), problems


def test_validate_is_strict_about_rates_and_passages(tmp_path: Path) -> None:
    t = _sea_lanes()
    t["rates"][0]["date"] = "1 Jan 2024"
    t["rates"][1]["rate_usd_per_t"] = 5
    t["rates"][2]["source"] = "S999"
    t["passages"][0]["passage"] = "Atlantis"
    problems = validate_network(write_network(t, tmp_path / "bad"))
    text = "\n".join(problems)
    assert "is not YYYY-MM-DD" in text
    assert "exactly one of rate_usd_per_feu" in text
    assert "unknown source(s) S999" in text
    assert "passage 'Atlantis' is the via of no link" in text


def test_validate_bounds_crossing_and_transfer_figures(tmp_path: Path) -> None:
    t = _port_network()
    t["crossings"][0]["dwell_h"] = 5000  # hours: a typo for 50
    t["transfers"][0]["cost_usd_per_teu"] = 1e6
    problems = "\n".join(validate_network(write_network(t, tmp_path / "bad")))
    assert "dwell_h = 5000 is above its physical range" in problems
    assert "cost_usd_per_teu = 1e+06 is above its physical range" in problems
