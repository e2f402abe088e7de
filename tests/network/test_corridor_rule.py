"""The corridor rule: the Southern corridor is the railway into Iran, regional rail is not."""

from __future__ import annotations

import pytest

from corridors.network import Network
from corridors.network.corridor_rule import CORRIDOR_LABELS, route_alternative
from corridors.routing import pareto_routes

RAIL = {"rail": 3_000.0}


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        # Kazakh grain for Turkmenistan over Bolashak-Serhetyaka: regional, not the through corridor
        ({"KZ", "TM"}, "rail_direct"),
        # Chinese containers for Ashgabat via Kazakhstan, or via Kazakhstan and Uzbekistan
        ({"CN", "KZ", "TM"}, "rail_direct"),
        ({"CN", "KZ", "UZ", "TM"}, "rail_direct"),
        # ... and for Afghanistan via Termez-Hairatan or through Turkmenistan (Serhetabat)
        ({"CN", "KZ", "UZ", "AF"}, "rail_direct"),
        ({"CN", "KZ", "TM", "AF"}, "rail_direct"),
        ({"CN", "KZ"}, "rail_direct"),
        # into Iran: Kazakh grain via Bolashak-Etrek, China-Iran via Sarakhs, on to Turkey
        ({"KZ", "TM", "IR"}, "rail_southern"),
        ({"CN", "KZ", "UZ", "TM", "IR"}, "rail_southern"),
        ({"KZ", "TM", "IR", "TR"}, "rail_southern"),
        # Turkmenistan on to Turkey overland (through Iran; tiny networks may leave Iran out)
        ({"KZ", "TM", "TR"}, "rail_southern"),
        # Russia or the Caucasus decide first
        ({"KZ", "RU", "UZ", "TM"}, "rail_northern"),
        ({"KZ", "AZ", "GE", "TM"}, "rail_middle"),
    ],
)
def test_rail_routes_by_the_countries_they_cross(countries: set[str], expected: str) -> None:
    assert route_alternative(RAIL, countries, caspian_ferry=False) == expected


def test_caspian_ferries_stay_middle_even_to_turkmenistan_or_iran() -> None:
    ferry = {"rail": 1_850.0, "ferry": 300.0}
    for countries in ({"AZ", "TM"}, {"KZ", "TM", "AF"}, {"KZ", "IR"}, {"KZ", "TM", "IR"}):
        assert route_alternative(ferry, countries, caspian_ferry=True) == "rail_middle"


def test_labels_name_every_rail_alternative_without_claiming_no_transit() -> None:
    assert CORRIDOR_LABELS["rail_southern"] == "Southern (Turkmenistan-Iran)"
    assert "third country" not in CORRIDOR_LABELS["rail_direct"]
    assert "Regional" in CORRIDOR_LABELS["rail_direct"]


def test_bundled_routes_to_turkmenistan_are_regional_and_to_iran_southern(
    bundled: Network,
) -> None:
    # Yiwu -> Ashgabat overland: the Chinese rail hub to Turkmenistan through Kazakhstan
    ashgabat = pareto_routes(bundled, "Yiwu", "Ashgabat", teu=2, avoid_modes="sea,air,ferry")
    by_rail = [it for it in ashgabat.options if "KZ" in it.countries and "IR" not in it.countries]
    assert by_rail
    assert {it.corridor for it in by_rail} == {"China-Central Asia"}
    # Kazakh grain to Tehran by the KTI railway (no ferry) is the Southern corridor
    tehran = pareto_routes(
        bundled,
        "Kostanay",
        "Tehran",
        tonnes=1000,
        cargo="grain",
        avoid_modes="ferry,sea",
        avoid_countries="RU",
    )
    rail = [it for it in tehran.options if {"KZ", "TM", "IR"} <= set(it.countries)]
    assert rail and all(it.corridor == "Southern (Turkmenistan-Iran)" for it in rail)
