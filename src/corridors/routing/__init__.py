"""Routing: Pareto route options and single-objective routes for a consignment.

Names load on first use (PEP 562): ``import corridors.routing`` imports neither numba nor the
network compiler, so adapters and ``--help`` stay fast; ``corridors.routing.pareto_routes``
loads the search (and its kernels) when first touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """Load a public name, or a sub-module (``corridors.routing.search``), on first access."""
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"corridors.routing.{module}"), name)
        globals()[name] = value
        return value
    if not name.startswith("__"):
        try:
            return importlib.import_module(f"corridors.routing.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"corridors.routing.{name}":
                raise
    raise AttributeError(f"module 'corridors.routing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
