"""``corridors flows``: equilibrium freight flows on the bundled network, bottleneck table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corridors.cli._app import app, console, console_err, print_json
from corridors.errors import InvalidSpecError, explain


def _parse_factors(items: list[str], what: str) -> list[tuple[str, float]]:
    out = []
    for it in items:
        key, sep, val = it.partition("=")
        try:
            out.append((key.strip(), float(val)))
        except ValueError:
            sep = ""
        if not sep:
            raise InvalidSpecError(
                explain(
                    f"{what} {it!r} is not KEY=FACTOR.", fix=f"Write e.g. {what} containers=2.6."
                )
            )
    return out


@app.command("flows")
def flows(
    demand_factor: Annotated[float, typer.Option(help="Multiply all demand.")] = 1.0,
    scale_class: Annotated[
        list[str], typer.Option(help="Scale one class, e.g. containers=2.6 (repeatable).")
    ] = [],  # noqa: B006 - typer needs a literal default
    scale_od: Annotated[
        list[str],
        typer.Option(
            help="Scale container cells by origin:destination country, e.g. CN:KZ=2.6 or "
            "CN:*=2.6 (repeatable)."
        ),
    ] = [],  # noqa: B006
    demand: Annotated[
        Path | None, typer.Option(help="Demand file (.csv/.parquet/.omx) instead of baseline.")
    ] = None,
    algorithm: Annotated[str, typer.Option(help="gp, bfw, cfw, fw, msa or aon.")] = "gp",
    gap: Annotated[float, typer.Option(help="Target relative gap.")] = 1e-6,
    top: Annotated[int, typer.Option(help="Rows of the bottleneck table.")] = 15,
    out: Annotated[Path | None, typer.Option(help="Write result files into this folder.")] = None,
    fmt: Annotated[
        list[str],
        typer.Option(
            "--format",
            help="File format(s) for --out: parquet, csv (tables), geojson, gpkg (links on "
            "their shapes; gpkg needs the geo extra). Repeatable; default parquet, csv, geojson.",
        ),
    ] = [],  # noqa: B006
    omx: Annotated[
        Path | None,
        typer.Option("--omx", help="Write the skims (time, cost, km) to this OMX file."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    select_link: Annotated[
        str | None,
        typer.Option(
            "--select-link",
            help="Also list the OD pairs whose routes use this link_id (e.g. "
            "rail-alashankou-dostyk; both directions count).",
        ),
    ] = None,
) -> None:
    """Equilibrium container and grain flows on the bundled corridor network."""
    from corridors.assignment import AssignmentSpec
    from corridors.assignment._from_network import (
        assign_network,
        baseline_demand,
        corridor_graph,
    )
    from corridors.network import load_network

    t0 = time.perf_counter()
    net = load_network()
    cg = corridor_graph(net)
    if demand is None:
        od = baseline_demand(net)
    else:
        from corridors.io.demand import read_demand

        od = read_demand(demand, zones=list(cg.zones))
    base = od
    country = dict(zip(net.nodes.index.astype(str), net.nodes["country"], strict=True))
    pairs = []
    for key, f in _parse_factors(scale_od, "--scale-od"):
        a, _, b = key.partition(":")
        orgs = [z for z in od.zones if a in ("*", country.get(z))]
        dsts = [z for z in od.zones if b in ("*", "", country.get(z))]
        pairs.append((orgs, dsts, f))
    od = od.scaled(
        demand_factor,
        classes=dict(_parse_factors(scale_class, "--scale-class")),
        pairs=pairs,
        pair_classes=[c for c in od.classes if c == "containers"],
    )
    spec = AssignmentSpec(algorithm=algorithm, target_gap=gap, max_iterations=2000)
    scenario = od is not base and (demand_factor != 1.0 or scale_class or scale_od)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[msg]}"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=json_out,
    ) as bar:
        task = bar.add_task("assignment", total=None, msg="")

        def cb(u: Any) -> None:
            bar.update(task, completed=u.done, msg=u.message)

        res = assign_network(net, od, spec=spec, progress=cb, corridor=cg)
        ref = assign_network(net, base, spec=spec, corridor=cg) if scenario else None
    bt = res.bottlenecks(top=top)
    report: dict[str, Any] = {
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "seconds": round(time.perf_counter() - t0, 2),
        "bottlenecks": bt[
            [
                "link_id",
                "link_type",
                "flow_pcu",
                "capacity",
                "volume_capacity",
                "free_flow_time",
                "delay",
            ]
        ].to_dict(orient="records"),
    }
    if ref is not None:
        lt, lr = res.link_table(), ref.link_table()
        lt["base_flow_pcu"] = lr["flow_pcu"]
        lt["base_delay"] = lr["delay"]
        lt["flow_change"] = lt["flow_pcu"] - lt["base_flow_pcu"]
        div = (
            lt[lt["link_type"] != "handling"]
            .reindex(lt["flow_change"].abs().sort_values(ascending=False).index)
            .head(top)
        )
        report["changes_vs_baseline"] = div[
            ["link_id", "link_type", "base_flow_pcu", "flow_pcu", "base_delay", "delay"]
        ].to_dict(orient="records")
    if select_link is not None:
        report["select_link"] = _select_link_rows(res, select_link, net)
    if out is not None:
        report["files"] = [str(p) for p in _write_flows(net, res, out, fmt)]
    if omx is not None:
        from corridors.io.omx import write_skims_omx

        report.setdefault("files", []).append(str(write_skims_omx(res, omx)))
    if json_out:
        print_json(report)
        return
    _print_table(
        "Bottlenecks (highest volume/capacity; flow in TEU-equivalent/year, hours)",
        report["bottlenecks"],
    )
    if "changes_vs_baseline" in report:
        _print_table("Largest flow changes vs baseline (diversions)", report["changes_vs_baseline"])
    if select_link is not None:
        _print_select_link(select_link, report["select_link"])
    console.print(
        f"relative gap {res.relative_gap:.2e} after {res.iterations} iteration(s), "
        f"{report['seconds']} s"
    )
    for f in report.get("files", []):
        console.print(f"wrote {f}")


def _print_table(title: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(f"{title}: none")
        return
    t = Table(title=title)
    for c in rows[0]:
        t.add_column(c, justify="left" if c in ("link_id", "link_type") else "right")
    for r in rows:
        t.add_row(*[f"{v:,.2f}" if isinstance(v, float) else str(v) for v in r.values()])
    console.print(t)


def _select_link_rows(res: Any, link: str, net: Any) -> list[dict[str, Any]]:
    from corridors.assignment.select import select_link_od

    return select_link_od(res, link, net=net).to_dict(orient="records")  # type: ignore[no-any-return]


def _print_select_link(link: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(f"Select-link {link}: no OD pair uses it")
        return
    t = Table(title=f"OD pairs using {link} (flow per year through it; share of the pair)")
    for c in ("class", "from", "to", "flow/year", "share"):
        t.add_column(c, justify="right" if c in ("flow/year", "share") else "left")
    for r in rows:
        t.add_row(
            str(r["class"]),
            f"{r['origin_name']} ({r['origin']})",
            f"{r['destination_name']} ({r['destination']})",
            f"{r['flow_per_year']:,.0f} {r['unit']}",
            f"{100 * r['share']:.1f}%",
        )
    console.print(t)


def _write_flows(net: Any, res: Any, out: Path, formats: list[str]) -> list[Path]:
    """Tables (links, skims, bottlenecks, gap history) as Parquet/CSV; link flows on their
    drawn shapes as GeoJSON/GeoPackage."""
    from corridors.assignment import write_results
    from corridors.io.geo import flows_to_geojson, write_features

    wanted = [f.lower() for f in formats] or ["parquet", "csv", "geojson"]
    bad = sorted(set(wanted) - {"parquet", "csv", "geojson", "gpkg"})
    if bad:
        raise InvalidSpecError(
            explain(f"Unknown --format {', '.join(bad)}.", fix="Use parquet, csv, geojson or gpkg.")
        )
    tables = [f for f in wanted if f in ("parquet", "csv")]
    written = list(write_results(res, out, formats=tables)) if tables else []
    geo = [f for f in wanted if f in ("geojson", "gpkg")]
    if geo:
        fc = flows_to_geojson(net, res)
        for f in geo:
            written.append(write_features(fc, out / f"links.{f}", format=f, layer="links"))
    return written
