"""``corridors route FROM TO``: Pareto route options as a rich table."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corridors.cli import _options as opt
from corridors.cli._app import app, console, finite, note, print_json, state
from corridors.cli._options import find_options

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.routing import RouteOptions


CarbonPrice = opt.CarbonPrice
MaxDays = Annotated[
    float | None, typer.Option(help="Longest door-to-door time, days.", min=0.0, callback=finite)
]
MaxTransshipments = Annotated[int | None, typer.Option(help="Most gauge or mode changes.", min=0)]
Top = Annotated[int, typer.Option(help="Show only the N best options.", min=1)]
Eps = Annotated[
    float,
    typer.Option(
        help="Merge options within this relative margin (0 = exact Pareto set).",
        min=0.0,
        max=1.0,
        callback=finite,
    ),
]
GeojsonOut = Annotated[
    Path | None, typer.Option(help="Write the options as GeoJSON here ('-' = stdout).")
]
LegsOut = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write the options' legs to this file.")
]
LegsFormat = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="geojson, gpkg, parquet or csv (default: from --out's suffix)."
    ),
]
Congested = Annotated[
    bool,
    typer.Option(
        "--congested",
        help="Add the equilibrium waits (crossings, ports, ferries) of the base year, or of "
        "--scenario (its network and demand changes).",
    ),
]


@app.command("route")
def route_cmd(
    origin: opt.Origin,
    destination: opt.Destination,
    cargo: opt.CargoOpt = "container",
    teu: opt.Teu = None,
    feu: opt.Feu = None,
    tonnes: opt.Tonnes = None,
    carbon_price: CarbonPrice = None,
    avoid: opt.Avoid = "",
    no: opt.NoModes = None,
    depart: opt.Depart = None,
    max_days: MaxDays = None,
    max_transshipments: MaxTransshipments = None,
    top: Top = 12,
    eps: Eps = 0.02,
    network: opt.NetworkOpt = None,
    scenario: opt.ScenarioOpt = None,
    as_json: opt.JsonOpt = False,
    geojson: GeojsonOut = None,
    out: LegsOut = None,
    fmt: LegsFormat = None,
    congested: Congested = False,
) -> None:
    """Route options from ORIGIN to DESTINATION: days, cost, CO2, borders, corridor."""
    to_stdout = geojson is not None and str(geojson) == "-"
    if to_stdout and as_json:
        raise typer.BadParameter("--geojson - and --json both want stdout; pick one.")
    with _cap_reported_once():
        net, opts = find_options(
            origin, destination, network=network, scenario=scenario, avoid=avoid, no=no,
            depart=depart, cargo=cargo, teu=teu, feu=feu, tonnes=tonnes, eps=eps,
            carbon_price_usd_per_t=carbon_price, max_days=max_days,
            max_transshipments=max_transshipments, max_options=top, congested=congested,
        )  # fmt: skip
    written = _write_options(net, opts, geojson=geojson, out=out, fmt=fmt)
    if as_json:
        from corridors.routing.request import search_summary

        print_json({**opts.to_dict(), "search": search_summary(opts.search, name=net.node_name)})
        return
    if to_stdout:  # stdout holds the GeoJSON
        return
    render_options(net, opts)
    _search_note(net, opts)
    for path in written:
        note(f"wrote {path}")


@contextlib.contextmanager
def _cap_reported_once() -> Iterator[None]:
    """Keep the library's "label limit reached" log record off stderr (the note says it,
    readably); with -v it still shows."""
    import logging

    log = logging.getLogger("corridors.routing.search")

    def drop(record: logging.LogRecord) -> bool:
        return state.verbosity > 0 or not str(record.msg).startswith("label limit")

    log.addFilter(drop)
    try:
        yield
    finally:
        log.removeFilter(drop)


def _search_note(net: Network, opts: RouteOptions) -> None:
    """One line when the search was capped or approximate (what was dropped, the ε, the fix)."""
    from corridors.routing.request import search_note

    text = search_note(
        opts.search,
        name=net.node_name,
        exact_hint="--eps 0",
        narrow_hint="--max-days, --max-transshipments, --no",
    )
    if text:
        note(text)


def _write_options(
    net: Network, opts: RouteOptions, *, geojson: Path | None, out: Path | None, fmt: str | None
) -> list[Path]:
    """Write the options' GeoJSON (``-``: stdout) and legs file; the files written."""
    from corridors.io.geojson import itineraries_to_geojson

    if geojson is None and out is None:
        return []
    fc = itineraries_to_geojson(net, opts.options)
    written = []
    if geojson is not None:
        from corridors.io.geojson import write_geojson

        write_geojson(fc, geojson)
        if str(geojson) != "-":
            written.append(geojson)
    if out is not None:
        from corridors.io.geo import write_features

        written.append(write_features(fc, out, format=fmt, layer="options"))
    return written


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
