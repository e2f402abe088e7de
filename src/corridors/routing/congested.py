"""Routing on equilibrium times: what the base year's (or a scenario's) queues mean for a shipment.

:func:`congested_routes` solves the mode/corridor/route choice equilibrium of the network
(:mod:`corridors.assignment.sue`, calibrated parameters, base-year demand or a scenario's), adds
each link's equilibrium delay — queue waits at border crossings, ports and ferries, slower
lines — to the routing graph, and runs the ordinary Pareto search on it. Equilibria are cached
per network and scenario for the life of the process.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.network.enums import Cargo, CargoClass

if TYPE_CHECKING:
    from corridors.assignment.sue import ChoiceResult
    from corridors.network.model import Network
    from corridors.routing.search import RouteOptions

__all__ = ["congested_routes", "equilibrium_for"]

_CACHE: dict[tuple[int, str], tuple[Network, ChoiceResult]] = {}
_LOCK = threading.Lock()


def equilibrium_for(network: Network, scenario: str | None = None) -> tuple[Network, ChoiceResult]:
    """The network (with ``scenario`` applied) and its choice equilibrium on base-year demand.

    Cached per ``(network, scenario)`` in this process.

    Raises
    ------
    corridors.errors.ScenarioError
        For an unknown or invalid scenario.
    """
    from corridors.assignment.sue import SUESpec, base_demand, equilibrium

    key = (id(network), scenario or "")
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    net = network
    demand = base_demand(network)
    if scenario:
        from corridors.scenarios import apply_scenario

        net, dem = apply_scenario(network, scenario, demand=demand)
        demand = dem if dem is not None else demand
    res = equilibrium(net, demand, spec=SUESpec(target_gap=1e-5))
    with _LOCK:
        _CACHE[key] = (net, res)
    return net, res


def congested_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    scenario: str | None = None,
    cargo: Cargo | CargoClass | str = Cargo.CONTAINER,
    **options: Any,
) -> RouteOptions:
    """Pareto route options with the equilibrium waits of the base year or a scenario.

    Parameters
    ----------
    network
        The base network.
    origin, destination
        Places (as in :func:`~corridors.routing.pareto_routes`).
    scenario
        A shipped scenario name or file; default the base year.
    cargo
        ``"container"``, ``"bulk"``/``"grain"`` or a cargo class (``"container_hv"``,
        ``"dry_bulk"`` ...; :func:`~corridors.routing.request.cargo_type`).
    **options
        Passed to :func:`~corridors.routing.pareto_routes` (``teu``, ``avoid_countries`` …).

    Returns
    -------
    RouteOptions
        Each itinerary tagged ``congested``; its ``time_breakdown_h["congestion_wait"]`` holds
        the equilibrium delay (taken out of ``running``).

    Examples
    --------
    >>> from corridors.network import load_network
    >>> opts = congested_routes(load_network(), "Xi'an", "Duisburg", teu=2)
    >>> "congested" in opts.options[0].tags
    True
    """
    from corridors.assignment.sue import congested_graph
    from corridors.routing.request import cargo_type
    from corridors.routing.search import pareto_routes

    c = cargo_type(cargo)  # before the equilibrium: a bad name fails fast
    net, res = equilibrium_for(network, scenario)
    g = congested_graph(net, res, c.value)
    opts = pareto_routes(net, origin, destination, cargo=cargo, graph=g, **options)
    # the cargo group's own wait (queues serve containers first), read off the equilibrium
    ag = res.graph
    wait_h = res.link_time_of(c.value) - np.asarray(ag.free_flow_time, float)
    delay = dict(zip(np.asarray(ag.link_ids).astype(str), wait_h, strict=True))
    for it in opts.options:
        wait = float(np.sum([max(delay.get(str(s.get("id", "")), 0.0), 0.0) for s in it.steps]))
        it.time_breakdown_h["running"] = round(it.time_breakdown_h.get("running", 0.0) - wait, 3)
        it.time_breakdown_h["congestion_wait"] = round(wait, 3)
        it.tags.append("congested")
    return opts
