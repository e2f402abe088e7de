"""Routing: Pareto route options and single-objective routes for a consignment.

Names load on first use (PEP 562): ``import corridors.routing`` imports neither numba nor the
network compiler, so adapters and ``--help`` stay fast; ``corridors.routing.pareto_routes``
loads the search (and its kernels) when first touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridors._lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from corridors.routing._kernels import ParetoReport
    from corridors.routing.itinerary import Itinerary, Leg, corridor_of
    from corridors.routing.search import RouteOptions, pareto_routes, route
    from corridors.routing.spec import Consignment, RouteSpec

__all__ = [
    "Consignment",
    "Itinerary",
    "Leg",
    "ParetoReport",
    "RouteOptions",
    "RouteSpec",
    "corridor_of",
    "pareto_routes",
    "route",
]

_WHERE = {
    "ParetoReport": "_kernels",
    "Consignment": "spec",
    "RouteSpec": "spec",
    "Itinerary": "itinerary",
    "Leg": "itinerary",
    "corridor_of": "itinerary",
    "RouteOptions": "search",
    "pareto_routes": "search",
    "route": "search",
}


__getattr__, __dir__ = lazy_names("corridors.routing", _WHERE, __all__, globals())
