"""Calls into library packages that are optional or still growing (scenarios, assignment,
reliability). Each helper raises a :class:`~corridors.errors.CorridorsError` with a clear
message when the library piece is not there, so the API answers 4xx, never 500."""

from __future__ import annotations

import importlib
from typing import Any

from corridors.errors import CorridorsError, ScenarioError, explain
from corridors.network.model import Network


class FeatureUnavailableError(CorridorsError):
    """A library feature this endpoint needs is not in this build of corridors."""

    http_status = 409


def _attr(module: str, name: str, feature: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        mod = None
    fn = getattr(mod, name, None)
    if fn is None:
        raise FeatureUnavailableError(
            explain(
                f"{feature} is not available: {module}.{name} is missing from this build.",
                fix="Upgrade corridors to a version that has it.",
            )
        )
    return fn


def parse_scenario(body: dict[str, Any], name: str) -> Any:
    """Validate a scenario document with the scenarios library (if it offers a parser)."""
    mod = _try("corridors.scenarios")
    for fname in ("scenario_from_dict", "parse_scenario"):
        fn = getattr(mod, fname, None)
        if fn is not None:
            return fn(body)
    cls = getattr(mod, "Scenario", None)
    if cls is not None and hasattr(cls, "from_dict"):
        return cls.from_dict(body)
    return body


def apply_scenario(network: Network, body: dict[str, Any], name: str) -> Network:
    """A new network with the scenario applied; ``network`` is untouched."""
    fn = _attr("corridors.scenarios", "apply_scenario", "Applying scenarios")
    scenario = parse_scenario(body, name)
    try:
        out = fn(network, scenario)
    except CorridorsError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise ScenarioError(explain(f"Scenario {name!r} cannot be applied: {exc}.")) from exc
    if not isinstance(out, Network):  # e.g. (network, report)
        out = out[0]
    return out


def _try(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def run_assignment(
    network: Network, *, max_iterations: int, demand_scale: float, progress: Any
) -> dict[str, Any]:
    """Equilibrium flows on the network: ``{"flows": GeoJSON, "bottlenecks": [...], ...}``."""
    fn = _attr("corridors.assignment", "assign_network", "Assignment on the corridor network")
    res = fn(network, max_iterations=max_iterations, demand_scale=demand_scale, progress=progress)
    return dict(res)
