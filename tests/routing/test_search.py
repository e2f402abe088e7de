"""Routing on tiny named networks: correctness, constraints and error paths."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corridors.errors import (
    ContradictoryOptionsError,
    InvalidSpecError,
    NoRouteError,
    UnknownPlaceError,
)
from corridors.network import Network
from corridors.routing import Itinerary, pareto_routes, route


def validate_itinerary(net: Network, it: Itinerary, o: str, d: str) -> None:
    """Invariant oracle: path starts at o, ends at d, legs chain, totals add up."""
    assert it.origin == o and it.destination == d
    assert it.legs[0].nodes[0] == o and it.legs[-1].nodes[-1] == d
    for a, b in zip(it.legs, it.legs[1:], strict=False):
        assert a.nodes[-1] == b.nodes[0]
    assert it.days * 24 == pytest.approx(sum(it.time_breakdown_h.values()), abs=0.01)
    assert it.cost_usd == pytest.approx(sum(it.cost_breakdown_usd.values()), rel=1e-6)
    assert it.distance_km == pytest.approx(sum(leg.distance_km for leg in it.legs))
    links = net.links
    for leg in it.legs:
        km = sum(float(links.loc[lk, "length_km"]) for lk in leg.links)
        assert leg.distance_km == pytest.approx(km)


def test_two_nodes_hand_checked(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_nodes")
    opts = pareto_routes(net, "A", "B", teu=10)
    (it,) = opts.options
    validate_itinerary(net, it, "A", "B")
    # 500 km at 50 km/h + 2 h handling at each end; 0.5 USD/TEU-km + 50 USD/TEU per end.
    assert it.days * 24 == pytest.approx(10 + 4)
    assert it.cost_usd == pytest.approx(10 * (250 + 100))
    assert it.co2_kg == pytest.approx(10 * 25 * 500 * 10 / 1000)  # 10 t per TEU
    assert set(it.tags) == {"fastest", "cheapest", "greenest"}


def test_parallel_links_give_two_pareto_options(tiny: Callable[[str], Network]) -> None:
    net = tiny("parallel_links")
    opts = pareto_routes(net, "A", "B")
    assert len(opts.options) == 2
    assert opts.fastest.modes == ["road"] and opts.cheapest.modes == ["rail"]
    assert route(net, "A", "B", objective="days").modes == ["road"]
    assert route(net, "A", "B", objective="cost").modes == ["rail"]


def test_gauge_change_counted_with_border(tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    it = pareto_routes(net, "CNX", "KZA").options[0]
    validate_itinerary(net, it, "CNX", "KZA")
    assert it.gauge_changes == 1 and it.border_crossings == 1 and it.countries == ["CN", "KZ"]
    assert it.time_breakdown_h["border_dwell"] == 30  # inbound KZ is the slow direction
    back = pareto_routes(net, "KZA", "CNX").options[0]
    assert back.time_breakdown_h["border_dwell"] == 8


def test_bulk_transshipment_is_slower_than_container_lift(tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    box = pareto_routes(net, "CNX", "KZA", teu=1).options[0]
    grain = pareto_routes(net, "CNX", "KZA", tonnes=1000, cargo="grain").options[0]
    assert grain.time_breakdown_h["gauge_change"] == 24 > box.time_breakdown_h["gauge_change"]
    assert grain.unit == "t" and grain.quantity == 1000


def test_avoid_country_switches_corridor(tiny: Callable[[str], Network]) -> None:
    net = tiny("three_countries")
    base = pareto_routes(net, "A", "D")
    assert base.fastest.corridor == "Northern (via Russia)"
    alt = pareto_routes(net, "A", "D", avoid_countries="RU")
    assert all("RU" not in it.countries for it in alt.options)
    assert alt.options[0].corridor == "Southern (Turkmenistan-Iran)"


def test_no_ferry_means_no_route(tiny: Callable[[str], Network]) -> None:
    net = tiny("ferry_only_link")
    with pytest.raises(NoRouteError, match="without ferry"):
        pareto_routes(net, "W", "E", avoid_modes=["ferry"])
    with pytest.raises(NoRouteError):
        route(net, "W", "E", avoid_modes="ferry")


def test_ferry_wait_follows_timetable(tiny: Callable[[str], Network]) -> None:
    net = tiny("ferry_only_link")
    # Sailings Mon and Thu at 12:00; the consignment reaches the quay 7 h after departure.
    tue = pareto_routes(net, "W", "E", departure="2026-12-01").options[0]  # a Tuesday
    mon = pareto_routes(net, "W", "E", departure="2026-11-30").options[0]
    assert tue.time_breakdown_h["sailing_wait"] == pytest.approx(53.0)
    assert mon.time_breakdown_h["sailing_wait"] == pytest.approx(5.0)
    freq = pareto_routes(net, "W", "E").options[0]  # no date: half the 84 h headway
    assert freq.time_breakdown_h["sailing_wait"] == pytest.approx(42.0)


def test_limits_max_days_and_transshipments(tiny: Callable[[str], Network]) -> None:
    net = tiny("ferry_only_link")
    with pytest.raises(NoRouteError, match="within 1 days"):
        pareto_routes(net, "W", "E", max_days=1)
    with pytest.raises(NoRouteError, match="at most 1 transshipments"):
        pareto_routes(net, "W", "E", max_transshipments=1)
    assert pareto_routes(net, "W", "E", max_transshipments=2).options


def test_error_paths(tiny: Callable[[str], Network]) -> None:
    net = tiny("three_countries")
    with pytest.raises(UnknownPlaceError, match="Unknown place 'Nowhere'"):
        pareto_routes(net, "Nowhere", "D")
    with pytest.raises(ContradictoryOptionsError, match="which the query avoids"):
        pareto_routes(net, "A", "D", avoid_countries=["KZ"])
    with pytest.raises(ContradictoryOptionsError, match="same place"):
        pareto_routes(net, "A", "A")
    with pytest.raises(ContradictoryOptionsError, match="given in tonnes"):
        pareto_routes(net, "A", "D", tonnes=5)
    with pytest.raises(ContradictoryOptionsError, match="Every mode is avoided"):
        pareto_routes(net, "A", "D", avoid_modes=["rail", "road", "ferry", "sea", "air"])
    with pytest.raises(InvalidSpecError, match="not a valid mode"):
        pareto_routes(net, "A", "D", avoid_modes=["teleport"])
    with pytest.raises(InvalidSpecError, match="teu must be positive"):
        pareto_routes(net, "A", "D", teu=-3)
    with pytest.raises(InvalidSpecError, match="not a date"):
        pareto_routes(net, "A", "D", departure="next tuesday")
    with pytest.raises(InvalidSpecError, match="Unknown objective"):
        route(net, "A", "D", objective="vibes")


def test_caspian_ferry_to_iran_is_named_middle_and_the_railway_southern(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("caspian_or_railway")
    by_ferry = pareto_routes(net, "A", "D", avoid_countries="TM").options
    by_rail = pareto_routes(net, "A", "D", avoid_modes="ferry").options
    assert by_ferry and all(it.corridor == "Middle Corridor (Trans-Caspian)" for it in by_ferry)
    assert by_rail and all(it.corridor == "Southern (Turkmenistan-Iran)" for it in by_rail)
