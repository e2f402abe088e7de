"""Options shared by several commands (one definition, one help text) and the shared query."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli._app import compiling_notice, finite, load_net, parse_date

Origin = Annotated[str, typer.Argument(help="Origin: place name or node id.", metavar="ORIGIN")]
Destination = Annotated[
    str, typer.Argument(help="Destination: place name or node id.", metavar="DESTINATION")
]
Teu = Annotated[
    float | None,
    typer.Option(help="Containers, in 20-ft boxes (TEU); default 1 TEU.", callback=finite),
]
Feu = Annotated[
    float | None,
    typer.Option(help="Containers, in 40-ft boxes (FEU), priced per FEU as sold.", callback=finite),
]
Tonnes = Annotated[
    float | None, typer.Option(help="Bulk cargo (grain), in tonnes.", callback=finite)
]
CargoOpt = Annotated[
    str,
    typer.Option(
        help="container, bulk/grain, or a cargo class: container_std, container_hv, grain, "
        "dry_bulk, liquid_bulk."
    ),
]
Avoid = Annotated[str, typer.Option(help="Countries to avoid (ISO codes), e.g. RU,BY.")]
CarbonPrice = Annotated[
    float | None,
    typer.Option(
        help="Carbon price, USD per t CO2e (well-to-wheel); default 0.", min=0.0, callback=finite
    ),
]
NoModes = Annotated[
    list[str] | None,
    typer.Option(
        "--no", help="Mode to avoid (rail, road, ferry, sea, air, or a registered one); repeatable."
    ),
]
Depart = Annotated[
    str | None,
    typer.Option(help="Departure date YYYY-MM-DD: ferry waits follow the sailing days."),
]
NetworkOpt = Annotated[
    Path | None,
    typer.Option("--network", "-n", help="Network folder (default: the bundled network)."),
]
ScenarioOpt = Annotated[
    str | None,
    typer.Option(help="Apply this scenario first: a shipped name (see 'scenario list') or a file."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
Scheduler = Annotated[
    str | None, typer.Option(help="Existing Dask scheduler address, e.g. tcp://host:8786.")
]
Workers = Annotated[int, typer.Option(help="Local Dask cluster workers.", min=1, max=64)]


def find_options(
    origin: str,
    destination: str,
    *,
    network: Path | None,
    scenario: str | None,
    avoid: str = "",
    no: list[str] | None = None,
    depart: str | None = None,
    congested: bool = False,
    **query: Any,
) -> tuple[Any, Any]:
    """Load the network (cached, scenario applied) and run the Pareto query.

    ``avoid``, ``no`` and ``depart`` are the raw ``--avoid``, ``--no`` and ``--depart``
    values; ``query`` holds the cargo, quantity and other search options. Returns the network
    the options are on and the :class:`~corridors.routing.RouteOptions`
    (:func:`corridors.routing.request.route_options` decides what cargo and quantity mean;
    with ``congested`` the query runs on the equilibrium times of the base year or of
    ``scenario``).
    """
    query.update(avoid_countries=avoid, avoid_modes=no or (), departure=parse_date(depart))
    if congested:  # the equilibrium of the base year or of the scenario (network and demand)
        base = load_net(network, None, one_query=True)
        from corridors.routing.request import route_options

        return route_options(base, origin, destination, scenario=scenario, congested=True, **query)
    net = load_net(network, scenario, one_query=True)
    compiling_notice("routing._pareto.pareto_core")
    from corridors.routing.request import route_options  # after load_net: it picks the kernel mode

    return route_options(net, origin, destination, **query)
