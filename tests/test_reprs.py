"""Short reprs for notebooks: the main objects print in a line and render as a small table."""

from __future__ import annotations

import pytest

from corridors.network import Network
from corridors.routing import pareto_routes


def test_network_repr(bundled: Network) -> None:
    r = repr(bundled)
    assert r == (
        f"<Network 'bundled': {len(bundled.tables['nodes'])} nodes, "
        f"{len(bundled.tables['links'])} links, {bundled.tables['nodes']['country'].nunique()} "
        "countries>"
    )
    html = bundled._repr_html_()
    assert len(html) < 2_000 and "<table>" in html and "rail" in html


def test_route_options_and_itinerary_reprs(bundled: Network) -> None:
    opts = pareto_routes(bundled, "Xian", "Duisburg", teu=40)
    r = repr(opts)
    assert r.startswith("<RouteOptions cn-xian-port → DEDUI, 40 TEU:") and len(r) < 200
    assert f"{len(opts.options)} option(s)" in r
    assert f"fastest {opts.fastest.days:.1f} d ({opts.fastest.corridor})" in r
    html = opts._repr_html_()
    assert html.count("<tr>") == len(opts.options) + 1 and len(html) < 4_000
    it = opts.options[0]
    assert repr(it).startswith("<Itinerary cn-xian-port → DEDUI, ") and len(repr(it)) < 200
    assert it._repr_html_().count("<tr>") == len(it.legs) + 1
    assert str(it) == repr(it)  # print() no longer dumps every step


def test_assignment_result_repr(bundled: Network) -> None:
    from corridors.assignment import AssignmentSpec, assign_network, baseline_demand

    res = assign_network(bundled, baseline_demand(bundled), spec=AssignmentSpec(target_gap=1e-3))
    r = repr(res)
    assert r.startswith("<AssignmentResult gp: 2 class(es) (containers, grain), ")
    assert f"{res.iterations} iteration(s)" in r and len(r) < 200
    html = res._repr_html_()
    assert html.count("<tr>") == 6 and len(html) < 3_000
    assert res.bottlenecks(top=1)["link_id"].iloc[0] in html


@pytest.mark.parametrize("obj", ["network", "options"])
def test_reprs_are_small_where_they_were_kilobytes(bundled: Network, obj: str) -> None:
    x = bundled if obj == "network" else pareto_routes(bundled, "Almaty", "Istanbul", teu=2)
    assert len(repr(x)) < 300 and len(x._repr_html_()) < 5_000
