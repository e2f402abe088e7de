"""The route request rules shared by the CLI, the API and the web page."""

from __future__ import annotations

import pytest

from corridors.errors import ContradictoryOptionsError
from corridors.network import Network
from corridors.routing.request import cargo_for, route_options


def test_tonnes_alone_mean_bulk(bundled: Network) -> None:
    assert cargo_for("container", tonnes=5.0) == "bulk"
    assert cargo_for("grain", tonnes=None) == "grain"
    assert cargo_for(None, tonnes=None) == "container"
    net, opts = route_options(bundled, "Kostanay", "Oslo", tonnes=5000, max_options=2)
    assert net is bundled and opts.consignment.unit_name == "t"
    assert opts.consignment.units == 5000


def test_grain_without_quantity_is_one_tonne(bundled: Network) -> None:
    opts = route_options(bundled, "Kostanay", "Aktau", cargo="grain", max_options=1)[1]
    assert opts.consignment.units == 1.0 and opts.consignment.unit_name == "t"


@pytest.mark.parametrize(
    "quantity",
    [{"teu": 1.0, "tonnes": 1.0}, {"cargo": "grain", "teu": 2.0}, {"feu": 1.0, "tonnes": 3.0}],
)
def test_contradictions_raise(bundled: Network, quantity: dict[str, object]) -> None:
    with pytest.raises(ContradictoryOptionsError):
        route_options(bundled, "Almaty", "Baku", **quantity)  # type: ignore[arg-type]


def test_scenario_applied_before_routing(bundled: Network) -> None:
    net, opts = route_options(bundled, "Almaty", "Baku", scenario="caspian-x2", max_options=2)
    assert net is not bundled and opts.options
