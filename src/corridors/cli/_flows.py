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
    out: Annotated[Path | None, typer.Option(help="Write the result tables here.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    model: Annotated[
        str,
        typer.Option(
            help="choice: mode/corridor/route choice in equilibrium (calibrated); "
            "ue: fixed demand, user-equilibrium routes only (overland)."
        ),
    ] = "choice",
    scenario: Annotated[
        str | None, typer.Option(help="Apply a scenario (shipped name or file) first.")
    ] = None,
) -> None:
    """Equilibrium freight flows on the bundled corridor network: bottlenecks, mode shares.

    With --out DIR the choice model writes links.csv (flow per class in its unit, tonnes,
    volume/capacity, delay h), skims.csv (per class and OD: time h, cost USD, distance km),
    shares.csv (corridor and mode shares per OD market), mode_shares.csv, bottlenecks.csv and
    gap_history.csv.
    """
    if model not in ("choice", "ue"):
        raise InvalidSpecError(
            explain(f"--model {model!r} is not known.", fix="Use --model choice or --model ue.")
        )
    from corridors.assignment import AssignmentSpec, write_results
    from corridors.assignment._from_network import (
        assign_network,
        baseline_demand,
        corridor_graph,
    )
    from corridors.network import load_network

    t0 = time.perf_counter()
    net = load_network()
    cg = corridor_graph(net)
    if demand is None and model == "choice":
        from corridors.assignment.sue import base_demand

        od = base_demand(net)
    elif demand is None:
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
        pair_classes=[c for c in od.classes if c.startswith("container")],
    )
    base_net = net
    changed = bool(demand_factor != 1.0 or scale_class or scale_od or scenario)
    if scenario is not None:
        from corridors.scenarios import apply_scenario

        net, dem = apply_scenario(net, scenario, demand=od)
        od = dem if dem is not None else od
        cg = corridor_graph(net)
    if model == "choice":
        _flows_choice(
            net,
            od,
            (base_net, base) if changed else None,
            gap=gap,
            top=top,
            out=out,
            json_out=json_out,
            t0=t0,
        )
        return
    spec = AssignmentSpec(algorithm=algorithm, target_gap=gap, max_iterations=2000)
    scenario_run = od is not base and (demand_factor != 1.0 or scale_class or scale_od)
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
        ref = assign_network(net, base, spec=spec, corridor=cg) if scenario_run else None
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
    if out is not None:
        report["files"] = [str(p) for p in write_results(res, out)]
    if json_out:
        print_json(report)
        return
    _print_table(
        "Bottlenecks (highest volume/capacity; flow in TEU-equivalent/year, hours)",
        report["bottlenecks"],
    )
    if "changes_vs_baseline" in report:
        _print_table("Largest flow changes vs baseline (diversions)", report["changes_vs_baseline"])
    console.print(
        f"relative gap {res.relative_gap:.2e} after {res.iterations} iteration(s), "
        f"{report['seconds']} s"
    )
    for f in report.get("files", []):
        console.print(f"wrote {f}")


def _flows_choice(
    net: Any,
    od: Any,
    base: Any,
    *,
    gap: float,
    top: int,
    out: Path | None,
    json_out: bool,
    t0: float,
) -> None:
    from corridors.assignment.choice import load_parameters
    from corridors.assignment.sue import SUESpec, equilibrium

    params = load_parameters()
    spec = SUESpec(target_gap=gap)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[msg]}"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=json_out,
    ) as bar:
        task = bar.add_task("equilibrium", total=None, msg="")

        def cb(u: Any) -> None:
            bar.update(task, completed=u.done, msg=u.message)

        res = equilibrium(net, od, params=params, spec=spec, progress=cb)
        ref = None if base is None else equilibrium(base[0], base[1], params=params, spec=spec)
    bt = res.bottlenecks(top=top)
    cols = [
        "link_id",
        "link_type",
        "flow_teu_eq_per_yr",
        "capacity_teu_eq_per_yr",
        "volume_capacity",
        "free_flow_h",
        "delay_h",
    ]
    ms = res.mode_shares(by="mode")
    cs = res.mode_shares(by="corridor")
    report: dict[str, Any] = {
        "model": "choice",
        "parameters": params.provenance.get("run_date", "defaults (not calibrated)"),
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "converged": res.converged,
        "seconds": round(time.perf_counter() - t0, 2),
        "bottlenecks": bt[cols].to_dict(orient="records"),
        "mode_shares": ms[["class", "mode", "flow", "share"]].to_dict(orient="records"),
        "corridor_shares": cs[["class", "corridor", "flow", "share"]].to_dict(orient="records"),
    }
    if ref is not None:
        rm = ref.mode_shares(by="mode")[["class", "mode", "share"]]
        m = rm.merge(ms[["class", "mode", "share"]], on=["class", "mode"], how="outer").fillna(0)
        m.columns = ["class", "mode", "base_share", "share"]
        report["mode_shares_vs_base"] = m.to_dict(orient="records")
    if out is not None:
        report["files"] = [str(p) for p in res.write(out)]
    if json_out:
        print_json(report)
        return
    _print_table(
        "Bottlenecks (highest volume/capacity; TEU-equivalent per year, hours)",
        report["bottlenecks"],
    )
    _print_table("Mode shares (share of each class's demand)", report["mode_shares"])
    _print_table("Corridor shares", report["corridor_shares"])
    if "mode_shares_vs_base" in report:
        _print_table("Mode shares vs base demand", report["mode_shares_vs_base"])
    console.print(
        f"relative gap {res.relative_gap:.2e} after {res.iterations} iteration(s), "
        f"{report['seconds']} s; parameters: {report['parameters']}"
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
