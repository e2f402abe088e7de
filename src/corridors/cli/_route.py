"""``corridors route FROM TO``: Pareto route options as a rich table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corridors.cli._app import (
    app,
    compiling_notice,
    console,
    finite,
    load_net,
    note,
    parse_date,
    print_json,
)

if TYPE_CHECKING:
    from corridors.routing import RouteOptions

NetworkOpt = Annotated[
    Path | None,
    typer.Option("--network", "-n", help="Network folder (default: the bundled network)."),
]
ScenarioOpt = Annotated[
    str | None,
    typer.Option(help="Apply this scenario first: a shipped name (see 'scenario list') or a file."),
]


@app.command("route")
def route_cmd(
    origin: Annotated[str, typer.Argument(help="Origin: place name or node id.", metavar="ORIGIN")],
    destination: Annotated[
        str, typer.Argument(help="Destination: place name or node id.", metavar="DESTINATION")
    ],
    teu: Annotated[
        float | None,
        typer.Option(help="Containers, in TEU (FEU = 2 TEU); default 1.", callback=finite),
    ] = None,
    tonnes: Annotated[
        float | None, typer.Option(help="Bulk cargo (grain), in tonnes.", callback=finite)
    ] = None,
    cargo: Annotated[str, typer.Option(help="container, or bulk/grain.")] = "container",
    avoid: Annotated[str, typer.Option(help="Countries to avoid (ISO codes), e.g. RU,BY.")] = "",
    no: Annotated[
        list[str] | None,
        typer.Option("--no", help="Mode to avoid (rail, road, ferry, sea, air); repeatable."),
    ] = None,
    depart: Annotated[
        str | None,
        typer.Option(help="Departure date YYYY-MM-DD: ferry waits follow the sailing days."),
    ] = None,
    max_days: Annotated[
        float | None,
        typer.Option(help="Longest door-to-door time, days.", min=0.0, callback=finite),
    ] = None,
    max_transshipments: Annotated[
        int | None, typer.Option(help="Most gauge or mode changes.", min=0)
    ] = None,
    top: Annotated[int, typer.Option(help="Show only the N best options.", min=1)] = 12,
    eps: Annotated[
        float,
        typer.Option(
            help="Merge options within this relative margin (0 = exact Pareto set).",
            min=0.0,
            max=1.0,
            callback=finite,
        ),
    ] = 0.02,
    network: NetworkOpt = None,
    scenario: ScenarioOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    geojson: Annotated[
        Path | None, typer.Option(help="Write the options as GeoJSON here ('-' = stdout).")
    ] = None,
) -> None:
    """Route options from ORIGIN to DESTINATION: days, cost, CO2, borders, corridor."""
    departure = parse_date(depart)
    from corridors.routing import pareto_routes

    if cargo.lower() in ("grain", "bulk", "wheat") and teu is None and tonnes is None:
        tonnes = 1.0
    if tonnes is not None and cargo == "container":
        cargo = "bulk"
    net = load_net(network, scenario)
    compiling_notice("routing", "_kernels", "pareto_search")
    opts = pareto_routes(
        net,
        origin,
        destination,
        cargo=cargo,
        teu=teu,
        tonnes=tonnes,
        avoid_countries=avoid,
        avoid_modes=no or (),
        departure=departure,
        max_days=max_days,
        max_transshipments=max_transshipments,
        eps=eps,
        max_options=top,
    )
    if geojson is not None:
        from corridors.io.geojson import itineraries_to_geojson, write_geojson

        write_geojson(itineraries_to_geojson(net, opts.options), geojson)
    if as_json:
        print_json(opts.to_dict())
        return
    render_options(net.nodes, opts)
    if geojson is not None and str(geojson) != "-":
        note(f"wrote {geojson}")


def render_options(nodes: object, opts: RouteOptions) -> None:
    """Draw the options table."""
    import pandas as pd
    from rich.table import Table

    assert isinstance(nodes, pd.DataFrame)
    c = opts.consignment
    title = (
        f"{nodes.at[opts.origin, 'name']} -> {nodes.at[opts.destination, 'name']}: "
        f"{c.units:g} {c.unit_name} {c.commodity or c.cargo.value}"
    )
    t = Table(title=title)
    for col, just in (
        ("#", "right"),
        ("corridor", "left"),
        ("days", "right"),
        ("USD", "right"),
        ("USD/" + ("FEU" if c.unit_name == "TEU" else "t"), "right"),
        ("t CO2", "right"),
        ("km", "right"),
        ("borders", "right"),
        ("gauge chg", "right"),
        ("transfers", "right"),
        ("modes", "left"),
        ("", "left"),
    ):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    per = 2.0 if c.unit_name == "TEU" else 1.0
    for k, it in enumerate(opts.options, start=1):
        t.add_row(
            str(k),
            it.corridor,
            f"{it.days:.1f}",
            f"{it.cost_usd:,.0f}",
            f"{it.cost_usd / it.quantity * per:,.0f}",
            f"{it.co2_kg / 1000:.2f}",
            f"{it.distance_km:,.0f}",
            str(it.border_crossings),
            str(it.gauge_changes),
            str(it.transshipments),
            "+".join(it.modes),
            ", ".join(it.tags),
        )
    console.print(t)
