"""Routing: Pareto route options and single-objective routes for a consignment."""

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
