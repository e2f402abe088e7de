"""``corridors network summary | validate | export``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli._app import app, console, load_net, note, print_json, problem_list, sub_app

if TYPE_CHECKING:
    from corridors.network.model import Network

network_app = sub_app("Inspect, validate and export a network.")
app.add_typer(network_app, name="network")

PathOpt = Annotated[
    Path | None, typer.Option("--network", "-n", help="Network folder (default: bundled).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON).")]


def network_summary(net: Network) -> dict[str, Any]:
    """Counts by mode and country and km of line by gauge (plain data, for CLI and API)."""
    raw = net.tables["links"]
    nodes = net.tables["nodes"]
    rail = raw[raw["mode"] == "rail"]
    return {
        "name": net.name,
        "nodes": len(nodes),
        "links": len(raw),
        "nodes_by_country": nodes["country"].value_counts().sort_index().to_dict(),
        "nodes_by_kind": nodes["kind"].value_counts().sort_index().to_dict(),
        "links_by_mode": raw["mode"].value_counts().sort_index().to_dict(),
        "km_by_mode": raw.groupby("mode")["length_km"].sum().round(0).to_dict(),
        "rail_km_by_gauge": {
            str(int(k)): round(float(v))
            for k, v in rail.groupby("gauge_mm")["length_km"].sum().items()
        },
        "border_crossings": int(net.links["is_border"].sum() // 1),
        "sources": len(net.tables["sources"]),
        "estimates": int(
            sum(
                (net.tables[t][c] == "estimate").sum()
                for t, c in (
                    ("links", "length_source"),
                    ("parameters", "source"),
                    ("crossings", "source"),
                    ("transfers", "source"),
                )
            )
        ),
    }


@network_app.command("summary")
def summary_cmd(
    network: PathOpt = None,
    as_json: JsonOpt = False,
    nodes: Annotated[bool, typer.Option("--nodes", help="Also list every node.")] = False,
) -> None:
    """Counts by mode and country, km of line by gauge."""
    from rich.table import Table

    net = load_net(network)
    s = network_summary(net)
    if as_json:
        if nodes:
            s["node_list"] = net.tables["nodes"][["node_id", "name", "country", "kind"]].to_dict(
                "records"
            )
        print_json(s)
        return
    console.print(
        f"[bold]Network[/] {s['name']}: {s['nodes']} nodes, {s['links']} links, "
        f"{s['border_crossings']} directed border crossings, {s['sources']} sources"
    )
    t = Table(title="Links by mode")
    t.add_column("mode")
    t.add_column("links", justify="right")
    t.add_column("km", justify="right")
    for mode, count in s["links_by_mode"].items():
        t.add_row(mode, str(count), f"{s['km_by_mode'][mode]:,.0f}")
    console.print(t)
    g = Table(title="Rail line by gauge")
    g.add_column("gauge (mm)")
    g.add_column("km", justify="right")
    for gauge, km in s["rail_km_by_gauge"].items():
        g.add_row(gauge, f"{km:,}")
    console.print(g)
    c = Table(title="Nodes by country")
    c.add_column("country")
    c.add_column("nodes", justify="right")
    for country, count in s["nodes_by_country"].items():
        c.add_row(country, str(count))
    console.print(c)
    if nodes:
        n = Table(title="Nodes")
        for col in ("node_id", "name", "country", "kind"):
            n.add_column(col)
        for r in net.tables["nodes"].itertuples():
            n.add_row(r.node_id, r.name, r.country, r.kind)
        console.print(n)


@network_app.command("validate")
def validate_cmd(
    path: Annotated[Path, typer.Argument(help="Network folder to check.", metavar="FOLDER")],
    as_json: JsonOpt = False,
) -> None:
    """Check a network folder; list every problem; exit 1 when there is any."""
    from corridors.network import validate_network

    problems = validate_network(path)
    if as_json:
        print_json({"path": str(path), "valid": not problems, "problems": problems})
    elif problems:
        problem_list(str(path), problems)
    else:
        console.print(f"[green]valid[/]: {path}")
    if problems:
        raise typer.Exit(1)


@network_app.command("report")
def report_cmd(
    network: PathOpt = None,
    by: Annotated[
        str, typer.Option(help="Rows: 'table', 'country' or 'both' (table x country).")
    ] = "table",
    as_json: JsonOpt = False,
    chart: Annotated[
        Path | None, typer.Option(help="Also write a bar chart (.png, .svg or .pdf).")
    ] = None,
) -> None:
    """Data quality: the share of figures sourced vs estimated, by table and country."""
    if by not in ("table", "country", "both"):
        raise typer.BadParameter(f"{by!r} is not one of table, country, both.", param_hint="--by")
    from rich.table import Table

    from corridors.network.report import data_quality, plot_data_quality

    net = load_net(network)
    q = data_quality(net)
    keys = {"table": ["table"], "country": ["country"], "both": ["table", "country"]}[by]
    g = q.groupby(keys, as_index=False, sort=False)[["figures", "sourced", "estimated"]].sum()
    g["share_sourced"] = (g["sourced"] / g["figures"]).round(3)
    total = q[["figures", "sourced", "estimated"]].sum()
    if chart is not None:
        plot_data_quality(q, chart)
    if as_json:
        print_json(
            {
                "network": net.name,
                "by": by,
                "rows": g.to_dict("records"),
                "total": {k: int(v) for k, v in total.items()}
                | {"share_sourced": round(float(total["sourced"] / total["figures"]), 3)},
            }
        )
        return
    t = Table(title=f"Data quality of network {net.name!r}: figures sourced vs estimated")
    for col in (*keys, "figures", "sourced", "estimated", "% sourced"):
        t.add_column(col, justify="left" if col in keys else "right")
    for r in g.itertuples(index=False):
        t.add_row(
            *[str(getattr(r, k)) for k in keys],
            str(r.figures),
            str(r.sourced),
            str(r.estimated),
            f"{100 * r.share_sourced:.0f}",
        )
    t.add_row(
        *(["all"] + [""] * (len(keys) - 1)),
        str(int(total["figures"])),
        str(int(total["sourced"])),
        str(int(total["estimated"])),
        f"{100 * total['sourced'] / total['figures']:.0f}",
    )
    console.print(t)
    if chart is not None:
        note(f"wrote {chart}")


@network_app.command("export")
def export_cmd(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output file (a folder for --format gmns)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="geojson, gpkg, parquet (GeoParquet), csv (WKT geometry) or gmns "
            "(node.csv/link.csv folder); default from the suffix of --out. gpkg and parquet "
            "need the geo extra.",
        ),
    ] = None,
    geojson: Annotated[
        Path | None,
        typer.Option("--geojson", help="Same as --out FILE --format geojson ('-' = stdout)."),
    ] = None,
    network: PathOpt = None,
) -> None:
    """Export the network: nodes as points and links as lines (GeoJSON, GeoPackage, GeoParquet,
    CSV) or as a GMNS folder."""
    from corridors.io.geo import FORMATS

    if geojson is not None:
        out, fmt = geojson, fmt or "geojson"
    if out is None:
        raise typer.BadParameter("no output given; add --out FILE (and --format if needed).")
    kind = (fmt or out.suffix.lstrip(".") or "geojson").lower()
    if kind not in (*FORMATS, "json", "gmns"):
        raise typer.BadParameter(
            f"{kind!r} is not an export format; use one of {', '.join(FORMATS)}, gmns.",
            param_hint="--format",
        )
    net = load_net(network)
    for path in export_network(net, out, fmt=fmt):
        if str(path) != "-":
            note(f"wrote {path}")


def export_network(net: Network, out: Path, *, fmt: str | None) -> list[Path]:
    """Write ``net`` in one format; GeoJSON holds nodes and links together, GeoPackage has the
    layers ``nodes`` and ``links``, Parquet and CSV write ``<stem>.nodes<ext>`` and
    ``<stem>.links<ext>``."""
    from corridors.errors import InvalidSpecError, explain
    from corridors.io.geo import FORMATS, _layer, write_features
    from corridors.io.geojson import network_to_geojson, write_geojson

    kind = (fmt or out.suffix.lstrip(".") or "geojson").lower()
    if kind not in (*FORMATS, "json", "gmns"):
        raise InvalidSpecError(
            explain(
                f"Unknown export format {kind!r}.",
                fix=f"Use --format with one of {', '.join(FORMATS)}, gmns.",
            )
        )
    if kind == "gmns":
        from corridors.io.gmns import write_gmns

        return write_gmns(net, out)
    if kind in ("geojson", "json"):
        return [write_geojson(network_to_geojson(net), out)]
    if kind == "gpkg":
        out.unlink(missing_ok=True)
        for layer in ("nodes", "links"):
            write_features(
                _layer(network_to_geojson(net), layer[:-1]), out, format=kind, layer=layer
            )
        return [out]
    written = []
    for layer in ("nodes", "links"):
        path = out.with_name(f"{out.stem}.{layer}{out.suffix or '.' + kind}")
        written.append(
            write_features(_layer(network_to_geojson(net), layer[:-1]), path, format=kind)
        )
    return written
