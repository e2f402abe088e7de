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


def test_cargo_type_takes_types_aliases_and_classes() -> None:
    from corridors.errors import InvalidSpecError
    from corridors.network.enums import Cargo, CargoClass
    from corridors.routing.request import cargo_type

    assert cargo_type("container_hv") is Cargo.CONTAINER
    assert cargo_type(CargoClass.LIQUID_BULK) is Cargo.BULK
    assert cargo_type("Dry-Bulk") is cargo_type("grain") is cargo_type(Cargo.BULK) is Cargo.BULK
    with pytest.raises(InvalidSpecError, match="container_hv"):  # the error lists the classes
        cargo_type("reefer")


def test_search_note_says_what_a_capped_search_left_out() -> None:
    from corridors.routing._kernels import ParetoReport
    from corridors.routing.request import search_note, search_summary

    rep = ParetoReport(
        labels=130, max_labels=100, capped=True, dropped=40,
        dropped_at=(("A", 20), ("B", 5), ("A", 10)), eps=0.0, eps_bound=0.25,
    )  # fmt: skip
    names = {"A": "Aktau", "B": "Baku"}
    s = search_summary(rep, name=names.__getitem__)
    assert s is not None and s["dropped_at"] == [
        {"place": "Aktau", "labels": 30},
        {"place": "Baku", "labels": 5},
    ]
    assert s["eps_bound"] == 0.25 and s["capped"] and not s["exact"]
    note = search_note(rep, name=names.__getitem__, exact_hint="--eps 0")
    assert note is not None and "40 partial routes dropped (most at Aktau 30, Baku 5)" in note
    assert "within 25.0%" in note and "--eps 0" in note
    unbounded = ParetoReport(130, 100, True, 40, (("Z", 1),), 0.0, float("inf"))
    s = search_summary(unbounded, name={}.__getitem__)  # unknown ids stay ids
    assert s is not None and s["eps_bound"] is None and s["dropped_at"][0]["place"] == "Z"
    assert "no bound holds" in str(s["note"])
    exact = ParetoReport(50, 100, False, 0, (), 0.0, 0.0)
    assert search_note(exact) is None and search_summary(exact)["exact"] is True  # type: ignore[index]
    assert search_summary(None) is None
