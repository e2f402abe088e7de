"""One route request as the adapters take it: cargo and quantity rules, scenario, congestion.

The CLI (``corridors route``, ``reliability``), the REST API (``/api/route``, ``/api/compare``,
``/api/reliability``) and the web map pass what a person typed; this module decides what it
means, once:

- a quantity in tonnes with the default cargo means bulk (``--tonnes 5000`` alone is grain);
- a bulk cargo without a quantity is 1 t, containers without one 1 TEU
  (:class:`~corridors.routing.spec.Consignment`); TEU or FEU for bulk, or tonnes for
  containers, are contradictions;
- ``congested`` routes on the equilibrium waits of the base year or of the scenario
  (:func:`corridors.routing.congested.congested_routes`), otherwise on free-flow figures.

Examples
--------
>>> from corridors.network import load_network
>>> net, opts = route_options(load_network(), "Kostanay", "Oslo", tonnes=5000)
>>> opts.consignment.unit_name, opts.consignment.cargo.value
('t', 'bulk')
>>> cargo_for(None, tonnes=None), cargo_for(None, tonnes=2.0), cargo_for("grain", tonnes=None)
('container', 'bulk', 'grain')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridors.network.model import Network
    from corridors.routing.search import RouteOptions

__all__ = ["cargo_for", "route_options"]

DEFAULT_CARGO = "container"


def cargo_for(cargo: str | None, *, tonnes: float | None) -> str:
    """The cargo a request means: as given, else bulk for a quantity in tonnes, else containers.

    ``"container"`` given together with tonnes counts as not given (the CLI's and the web
    form's default), so ``--tonnes 5000`` alone is bulk.
    """
    if cargo is None or (cargo == DEFAULT_CARGO and tonnes is not None):
        return "bulk" if tonnes is not None else DEFAULT_CARGO
    return cargo


def route_options(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str | None = None,
    teu: float | None = None,
    feu: float | None = None,
    tonnes: float | None = None,
    scenario: Any = None,
    congested: bool = False,
    **options: Any,
) -> tuple[Network, RouteOptions]:
    """Pareto route options for a request, and the network they were found on.

    Parameters
    ----------
    network
        The base network (or a scenario's, with ``scenario=None``).
    origin, destination
        Place names or node ids.
    cargo
        ``container``, ``bulk``/``grain`` or a cargo class; default from the quantity
        (:func:`cargo_for`).
    teu, feu, tonnes
        The quantity (one of them; default 1 unit).
    scenario
        A shipped scenario name, a file or a :class:`~corridors.scenarios.Scenario` to apply
        first (with ``congested``: whose equilibrium waits to add).
    congested
        Add the equilibrium waits (crossings, ports, ferries) of the base-year demand, or of
        the scenario's network and demand.
    **options
        Passed to :func:`~corridors.routing.pareto_routes` (``avoid_countries``,
        ``departure``, ``max_days``, ``eps``, ``max_options`` ...).

    Returns
    -------
    tuple of (Network, RouteOptions)
        The network the options are on (scenario applied) and the options.

    Raises
    ------
    corridors.errors.ContradictoryOptionsError
        For a quantity that does not fit the cargo (TEU for bulk, tonnes for containers,
        two quantities).
    """
    kind = cargo_for(cargo, tonnes=tonnes)
    if congested:
        from corridors.routing.congested import congested_routes, equilibrium_for

        net = equilibrium_for(network, scenario)[0]
        opts = congested_routes(
            network,
            origin,
            destination,
            scenario=scenario,
            cargo=kind,
            teu=teu,
            feu=feu,
            tonnes=tonnes,
            **options,
        )
        return net, opts
    from corridors.routing import pareto_routes  # the public name (tests may stand in for it)

    net = network
    if scenario is not None and scenario != "":
        from corridors.scenarios import apply_scenario

        net = apply_scenario(network, scenario)[0]
    opts = pareto_routes(
        net, origin, destination, cargo=kind, teu=teu, feu=feu, tonnes=tonnes, **options
    )
    return net, opts
