"""``corridors route FROM TO``: Pareto route options as a rich table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corridors.cli import _options as opt
from corridors.cli._app import app, console, finite, note, parse_date, print_json
from corridors.cli._options import find_options

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.routing import RouteOptions


@app.command("route")
def route_cmd(
    origin: opt.Origin,
    destination: opt.Destination,
    teu: opt.Teu = None,
    feu: opt.Feu = None,
    tonnes: opt.Tonnes = None,
    cargo: opt.CargoOpt = "container",
    carbon_price: Annotated[
        float | None,
        typer.Option(
            help="Carbon price, USD per t CO2e (well-to-wheel); default 0.",
            min=0.0,
            callback=finite,
        ),
    ] = None,
    avoid: opt.Avoid = "",
    no: opt.NoModes = None,
    depart: opt.Depart = None,
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
    network: opt.NetworkOpt = None,
    scenario: opt.ScenarioOpt = None,
    as_json: opt.JsonOpt = False,
    geojson: Annotated[
        Path | None, typer.Option(help="Write the options as GeoJSON here ('-' = stdout).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the options' legs to this file.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="geojson, gpkg, parquet or csv (default: from --out's suffix)."
        ),
    ] = None,
    congested: Annotated[
        bool,
        typer.Option(
            "--congested",
            help="Add the equilibrium waits (crossings, ports, ferries) of the base year, or of "
            "--scenario (its network and demand changes).",
        ),
    ] = False,
) -> None:
    """Route options from ORIGIN to DESTINATION: days, cost, CO2, borders, corridor."""
    to_stdout = geojson is not None and str(geojson) == "-"
    if to_stdout and as_json:
        raise typer.BadParameter("--geojson - and --json both want stdout; pick one.")
    net, opts = find_options(
        origin,
        destination,
        teu=teu,
        feu=feu,
        tonnes=tonnes,
        cargo=cargo,
        network=network,
        scenario=scenario,
        carbon_price_usd_per_t=carbon_price,
        avoid_countries=avoid,
        avoid_modes=no or (),
        departure=parse_date(depart),
        max_days=max_days,
        max_transshipments=max_transshipments,
        eps=eps,
        max_options=top,
        congested=congested,
    )
    if geojson is not None:
        from corridors.io.geojson import itineraries_to_geojson, write_geojson

        write_geojson(itineraries_to_geojson(net, opts.options), geojson)
    written = [geojson] if geojson is not None and str(geojson) != "-" else []
    if out is not None:
        from corridors.io.geo import write_features
        from corridors.io.geojson import itineraries_to_geojson

        fc = itineraries_to_geojson(net, opts.options)
        written.append(write_features(fc, out, format=fmt, layer="options"))
    if as_json:
        print_json(opts.to_dict())
        return
    if to_stdout:  # stdout holds the GeoJSON
        return
    render_options(net, opts)
    for path in written:
        note(f"wrote {path}")


def render_options(net: Network, opts: RouteOptions) -> None:
    """Draw the options table (place names, days, USD, t CO2e)."""
    from rich.table import Table

    c = opts.consignment
    title = (
        f"{net.node_name(opts.origin)} -> {net.node_name(opts.destination)}: "
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
            f"{it.co2_wtw_kg / 1000:,.2f}",
            f"{it.co2_ttw_kg / 1000:,.2f}",
            f"{it.distance_km:,.0f}",
            str(it.border_crossings),
            str(it.gauge_changes),
            str(it.transshipments),
            "+".join(it.modes),
            ", ".join(it.tags),
        )
    console.print(t)
    if opts.options:
        note(f"CO2e: {opts.options[0].co2_factor_set}")
