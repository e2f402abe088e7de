"""The API's calls into the scenarios and flows services: request documents in, results out.

Scenario documents from requests are parsed with ``inherits`` resolved through the server's
resolver (saved or shipped scenarios), never through the file system. Assignment jobs run the
choice equilibrium (:func:`corridors.assignment.flows.run_flows`, the model behind
``corridors flows``) and keep what ``/api/flows``, ``/api/bottlenecks`` and
``/api/select-link`` serve.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from corridors.errors import CorridorsError, ScenarioError, explain
from corridors.network.model import Network

Resolver = Callable[[str], Any]

BOTTLENECK_ROWS = 100
"""Bottleneck rows kept with each assignment result."""

SELECT_LINK_ROWS = 100
"""OD pairs kept per link for ``/api/select-link`` (largest first; every pair is counted)."""

ASSIGNMENT_GAP = 1e-4
"""Relative gap of an assignment job's equilibrium (the map's precision, in seconds)."""


def parse_scenario(body: dict[str, Any], name: str, resolver: Resolver | None = None) -> Any:
    """A :class:`~corridors.scenarios.Scenario` from a request document (every field checked).

    ``inherits`` resolves through ``resolver`` (default: shipped scenarios only).
    """
    from corridors.scenarios import scenario_from_dict
    from corridors.scenarios.model import shipped_resolver

    return scenario_from_dict(body, name=name, resolver=resolver or shipped_resolver)


def apply_scenario(
    network: Network, body: dict[str, Any], name: str, resolver: Resolver | None = None
) -> Network:
    """A new network with the scenario document applied; ``network`` is untouched."""
    from corridors.scenarios import apply_scenario as apply

    scenario = parse_scenario(body, name, resolver)
    try:
        return apply(network, scenario)[0]
    except CorridorsError:
        raise
    except (KeyError, ValueError, TypeError) as exc:  # a change the checks let through
        raise ScenarioError(explain(f"Scenario {name!r} cannot be applied: {exc}.")) from exc


def run_assignment(
    network: Network,
    scenario: dict[str, Any] | None,
    *,
    max_iterations: int,
    demand_scale: float,
    progress: Any,
    resolver: Resolver | None = None,
) -> dict[str, Any]:
    """The choice equilibrium of the base-year demand on the base network or a scenario's.

    Returns ``{"model": "choice", "flows": GeoJSON of the physical links (library properties:
    flow_teu_equiv, flows per class, capacity_teu_equiv, utilization, delay_h),
    "bottlenecks": [...], "select_link": {link_id: [...]}, "relative_gap", "iterations",
    "converged", "warnings"}``.
    """
    from corridors.assignment.flows import bottleneck_records, run_flows
    from corridors.assignment.select import select_link_tables
    from corridors.io.geo import flows_to_geojson

    parsed = None if scenario is None else parse_scenario(scenario, scenario["name"], resolver)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = run_flows(
            network,
            scenario=parsed,
            factor=demand_scale,
            target_gap=ASSIGNMENT_GAP,
            max_iterations=max_iterations,
            progress=progress,
        )
    net, res = run.network, run.result
    return {
        "model": "choice",
        "flows": flows_to_geojson(net, res),
        "bottlenecks": bottleneck_records(net, res, top=BOTTLENECK_ROWS),
        "select_link": compact_select_link(select_link_tables(res, net=net)),
        "relative_gap": float(res.relative_gap),
        "iterations": int(res.iterations),
        "converged": bool(res.converged),
        "warnings": [str(w.message) for w in caught],
    }


SELECT_LINK_FIELDS = ("class", "unit", "origin", "destination", "flow_per_year", "share")


def compact_select_link(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Select-link tables as stored with a job: per link the largest
    :data:`SELECT_LINK_ROWS` pairs as plain rows (:data:`SELECT_LINK_FIELDS`), the number of
    pairs and each class's total flow through the link (the choice model routes a thousand
    pairs and more over a busy crossing: all rows of all links would be tens of MB)."""
    out: dict[str, Any] = {}
    for link, rows in tables.items():
        totals: dict[str, dict[str, Any]] = {}
        for r in rows:
            t = totals.setdefault(r["class"], {"unit": r["unit"], "flow_per_year": 0.0})
            t["flow_per_year"] += float(r["flow_per_year"])
        out[link] = {
            "total_pairs": len(rows),
            "class_totals": totals,
            "rows": [[r[f] for f in SELECT_LINK_FIELDS] for r in rows[:SELECT_LINK_ROWS]],
        }
    return out


def expand_select_link(entry: Any, net: Network, top: int) -> tuple[list[dict[str, Any]], int, Any]:
    """``(pairs, total_pairs, class_totals)`` of one stored link entry (older results stored
    every pair as a record: those are passed through, without class totals)."""
    if isinstance(entry, list):
        return entry[:top], len(entry), None
    names = net.nodes["name"]
    pairs = []
    for row in entry["rows"][:top]:
        rec = dict(zip(SELECT_LINK_FIELDS, row, strict=True))
        rec["origin_name"] = str(names.get(rec["origin"], rec["origin"]))
        rec["destination_name"] = str(names.get(rec["destination"], rec["destination"]))
        pairs.append(rec)
    return pairs, int(entry["total_pairs"]), entry["class_totals"]
