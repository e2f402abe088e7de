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


def parse_scenario(body: dict[str, Any], name: str, resolver: Any = None) -> Any:
    """Validate a scenario document with the scenarios library (if it offers a parser).

    ``inherits`` resolves through ``resolver`` (default: shipped scenarios only), never
    through the file system: a request cannot make the server read a file."""
    mod = _try("corridors.scenarios")
    fn = getattr(mod, "scenario_from_dict", None)
    if fn is not None:
        from corridors.scenarios.model import shipped_resolver

        return fn(body, name=name, resolver=resolver or shipped_resolver)
    cls = getattr(mod, "Scenario", None)
    if cls is not None and hasattr(cls, "from_dict"):
        return cls.from_dict(body)
    return body


def apply_scenario(
    network: Network, body: dict[str, Any], name: str, resolver: Any = None
) -> Network:
    """A new network with the scenario applied; ``network`` is untouched."""
    fn = _attr("corridors.scenarios", "apply_scenario", "Applying scenarios")
    scenario = parse_scenario(body, name, resolver)
    try:
        out = fn(network, scenario)
    except CorridorsError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise ScenarioError(explain(f"Scenario {name!r} cannot be applied: {exc}.")) from exc
    if not isinstance(out, Network):  # e.g. (network, report)
        out = out[0]
    assert isinstance(out, Network)
    return out


def _try(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def run_assignment(
    network: Network,
    scenario: dict[str, Any] | None,
    *,
    max_iterations: int,
    demand_scale: float,
    progress: Any,
    resolver: Any = None,
) -> dict[str, Any]:
    """Equilibrium flows of the baseline demand on the base network or a scenario's.

    Returns ``{"flows": GeoJSON of network links with flow and utilization, "bottlenecks":
    [...], "relative_gap": ..., "iterations": ...}``.
    """
    assignment = _try("corridors.assignment")
    fn = getattr(assignment, "assign_network", None)
    demand_fn = getattr(assignment, "baseline_demand", None)
    if fn is None or demand_fn is None:  # not re-exported yet: the module that defines them
        private = _try("corridors.assignment._from_network")
        fn = getattr(private, "assign_network", None)
        demand_fn = getattr(private, "baseline_demand", None)
    if fn is None or demand_fn is None:
        raise FeatureUnavailableError(
            explain(
                "Assignment on the corridor network is not available in this build.",
                fix="Upgrade corridors to a version with corridors.assignment.assign_network.",
            )
        )
    from corridors.assignment import AssignmentSpec

    demand = demand_fn(network)
    net = network
    if scenario is not None:
        apply = _attr("corridors.scenarios", "apply_scenario", "Applying scenarios")
        net, demand = apply(
            network, parse_scenario(scenario, scenario["name"], resolver), demand=demand
        )
    if demand_scale != 1.0:
        demand = demand.scaled(demand_scale)
    spec = AssignmentSpec(max_iterations=max_iterations, target_gap=1e-4)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(net, demand, spec=spec, progress=progress)
    return _flows_payload(net, result) | {"warnings": [str(w.message) for w in caught]}


PHYSICAL = ("rail", "road", "sea", "ferry", "air", "border")


def _flows_payload(net: Network, result: Any) -> dict[str, Any]:
    import math

    from corridors.io.geojson import _shapes

    df = result.link_table()
    nodes = net.nodes
    shapes = _shapes(net)
    feats, rows = [], []
    for r in df.to_dict("records"):
        a, b = str(r["from_node"]).split(":")[0], str(r["to_node"]).split(":")[0]
        if r["link_type"] not in PHYSICAL or a == b or a not in nodes.index or b not in nodes.index:
            continue
        cap = float(r["capacity"])
        util = float(r["volume_capacity"]) if cap < 1e11 else None
        props = {
            "link_id": str(r["link_id"]),
            "name": f"{nodes.at[a, 'name']} → {nodes.at[b, 'name']}",
            "link_type": r["link_type"],
            "flow": float(r["flow_pcu"]),
            "capacity": cap if cap < 1e11 else None,
            "utilization": util if util is None or math.isfinite(util) else None,
            "delay_h": float(r["delay"]),
        }
        coords = _link_shape(net, shapes, str(r["link_id"]), a, b)
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
        if props["flow"] > 0 and util is not None:
            rows.append(props)
    rows.sort(key=lambda p: -(p["utilization"] or 0))
    return {
        "flows": {"type": "FeatureCollection", "features": feats},
        "bottlenecks": rows[:100],
        "relative_gap": float(result.relative_gap),
        "iterations": int(result.iterations),
        "select_link": _select_link(net, result),
    }


def _link_shape(
    net: Network, shapes: dict[str, list[list[float]]], directed_id: str, a: str, b: str
) -> list[list[float]]:
    """The drawn shape of a link (``link_geometry.geojson``), else a straight line."""
    from corridors.io.geojson import _continuous, _link_line

    return _continuous(_link_line(net, shapes, directed_id.rsplit(":", 1)[0], a, b))


def _select_link(net: Network, result: Any) -> dict[str, Any]:
    """Which OD pairs use each loaded link (for ``GET /api/select-link``); empty without
    route flows."""
    from corridors.assignment.select import select_link_tables

    if getattr(result, "paths", None) is None:
        return {}
    return select_link_tables(result, net=net)
