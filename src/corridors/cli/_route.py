"""``corridors route FROM TO``: Pareto route options as a rich table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from corridors.cli._app import app, console, print_json
from corridors.network import load_network
from corridors.routing import RouteOptions, pareto_routes


@app.command("route")
def route_cmd(
    origin: Annotated[str, typer.Argument(help="Origin: node id or place name.")],
    destination: Annotated[str, typer.Argument(help="Destination: node id or place name.")],
    teu: Annotated[float | None, typer.Option(help="Containers, in 20-ft boxes (TEU).")] = None,
    feu: Annotated[
        float | None,
        typer.Option(help="Containers, in 40-ft boxes (FEU), priced per FEU as sold."),
    ] = None,
    tonnes: Annotated[float | None, typer.Option(help="Bulk cargo, in tonnes.")] = None,
    cargo: Annotated[
        str,
        typer.Option(
            help="container, bulk/grain, or a cargo class: container_std, container_hv, grain, "
            "dry_bulk, liquid_bulk."
        ),
    ] = "container",
    carbon_price: Annotated[
        float | None,
        typer.Option(help="Carbon price, USD per t CO2e (well-to-wheel); default 0."),
    ] = None,
    avoid: Annotated[str, typer.Option(help="Countries to avoid, e.g. RU,BY.")] = "",
    no: Annotated[
        list[str] | None,
        typer.Option("--no", help="Mode to avoid (rail, road, ferry, sea, air); repeatable."),
    ] = None,
    depart: Annotated[str | None, typer.Option(help="Departure date YYYY-MM-DD.")] = None,
    max_days: Annotated[float | None, typer.Option(help="Longest door-to-door days.")] = None,
    max_transshipments: Annotated[int | None, typer.Option(help="Most transfers.")] = None,
    top: Annotated[int | None, typer.Option(help="Show only the N best options.")] = 12,
    eps: Annotated[
        float,
        typer.Option(help="Merge options within this relative margin (0 = exact Pareto set)."),
    ] = 0.02,
    network: Annotated[Path | None, typer.Option("--network", "-n")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    geojson: Annotated[Path | None, typer.Option(help="Write the options as GeoJSON.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the options' legs to this file.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="geojson, gpkg, parquet or csv (default: from --out's suffix)."
        ),
    ] = None,
) -> None:
    """Route options from ORIGIN to DESTINATION: days, cost, CO2, borders, corridor."""
    bulk_words = ("grain", "bulk", "wheat", "dry_bulk", "liquid_bulk")
    if cargo.lower() in bulk_words and teu is None and tonnes is None:
        tonnes = 1.0
    if tonnes is not None and cargo == "container":
        cargo = "bulk"
    net = load_network(network)
    opts = pareto_routes(
        net,
        origin,
        destination,
        cargo=cargo,
        teu=teu,
        feu=feu,
        tonnes=tonnes,
        carbon_price_usd_per_t=carbon_price,
        avoid_countries=avoid,
        avoid_modes=no or (),
        departure=dt.date.fromisoformat(depart) if depart else None,
        max_days=max_days,
        max_transshipments=max_transshipments,
        eps=eps,
        max_options=top,
    )
    if geojson is not None:
        from corridors.io.geojson import itineraries_to_geojson, write_geojson

        write_geojson(itineraries_to_geojson(net, opts.options), geojson)
    written = [geojson] if geojson is not None else []
    if out is not None:
        from corridors.io.geo import write_features
        from corridors.io.geojson import itineraries_to_geojson

        fc = itineraries_to_geojson(net, opts.options)
        written.append(write_features(fc, out, format=fmt, layer="options"))
    if as_json:
        print_json(opts.to_dict())
        return
    render_options(net.nodes, opts)
    for path in written:
        console.print(f"wrote {path}")


def render_options(nodes: object, opts: RouteOptions) -> None:
    """Draw the options table."""
    import pandas as pd

    assert isinstance(nodes, pd.DataFrame)
    c = opts.consignment
    title = (
        f"{nodes.at[opts.origin, 'name']} -> {nodes.at[opts.destination, 'name']}: "
        f"{c.units:g} {c.unit_name} {c.commodity or c.cargo_class}"
    )
    t = Table(title=title)
    for col, just in (
        ("#", "right"),
        ("corridor", "left"),
        ("days", "right"),
        ("USD", "right"),
        ("USD/" + c.unit_name, "right"),
        ("t CO2e WTW", "right"),
        ("TTW", "right"),
        ("km", "right"),
        ("borders", "right"),
        ("gauge chg", "right"),
        ("transfers", "right"),
        ("modes", "left"),
        ("", "left"),
    ):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for k, it in enumerate(opts.options, start=1):
        t.add_row(
            str(k),
            it.corridor,
            f"{it.days:.1f}",
            f"{it.cost_usd:,.0f}",
            f"{it.cost_usd / it.quantity:,.0f}",
            f"{it.co2_wtw_kg / 1000:.2f}",
            f"{it.co2_ttw_kg / 1000:.2f}",
            f"{it.distance_km:,.0f}",
            str(it.border_crossings),
            str(it.gauge_changes),
            str(it.transshipments),
            "+".join(it.modes),
            ", ".join(it.tags),
        )
    console.print(t)
    if opts.options:
        console.print(f"CO2e: {opts.options[0].co2_factor_set}")
