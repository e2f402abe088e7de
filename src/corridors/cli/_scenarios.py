"""``corridors compare``, ``reliability``, ``sweep`` and ``scenario validate``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corridors._progress import Progress as Update
from corridors.cli._app import app, console, console_err, print_json
from corridors.errors import ContradictoryOptionsError, InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.scenarios.compare import Comparison

scenario_app = typer.Typer(help="Check scenario files.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


def _bar(task: str) -> tuple[Progress, object]:
    bar = Progress(
        TextColumn(f"[bold]{task}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
    )
    return bar, None


def _parse_pairs(text: str | None) -> list[tuple[str, str]] | None:
    if not text:
        return None
    out = []
    for part in text.split(","):
        if ":" not in part:
            raise InvalidSpecError(explain(f"Pair {part!r} has no ':'.", fix="Write FROM:TO,…"))
        o, d = part.split(":", 1)
        out.append((o.strip(), d.strip()))
    return out


@app.command("compare")
def compare_cmd(
    base: Annotated[str, typer.Argument(help="'bundled' or a network folder.")],
    scenarios: Annotated[list[str], typer.Argument(help="Scenario files or shipped names.")],
    pairs: Annotated[str | None, typer.Option(help='OD pairs, e.g. "Xi\'an:Duisburg,…".')] = None,
    chart: Annotated[Path | None, typer.Option(help="Write a chart (PNG or SVG).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Compare BASE with SCENARIO(s): routes, utilization, system totals, corridor shifts."""
    from corridors.network import load_network
    from corridors.scenarios.compare import DEFAULT_PAIRS, compare_scenarios

    net = load_network(None if base == "bundled" else base)
    bar, _ = _bar("compare")
    with bar:
        task = bar.add_task("", total=len(scenarios) + 1)

        def tick(u: Update) -> None:
            bar.update(task, completed=u.done, description=u.message)

        cmp = compare_scenarios(
            net, scenarios, pairs=_parse_pairs(pairs) or DEFAULT_PAIRS, progress=tick
        )
    if chart is not None:
        from corridors.scenarios.chart import plot_comparison

        plot_comparison(cmp, chart)
    if as_json:
        print_json(cmp.to_dict())
        return
    names = list(cmp.names)
    tot = cmp.totals.set_index("scenario")
    t = Table(title="System totals (equilibrium assignment)")
    t.add_column("")
    for n in names:
        t.add_column(n, justify="right")
    for col, label, fmt in (
        ("demand_teu", "demand (TEU-eq/yr)", "{:,.0f}"),
        ("system_time_teu_h", "system time (TEU-h)", "{:,.3g}"),
        ("system_cost_usd", "system cost (USD)", "{:,.4g}"),
        ("cn_kz_utilization", "CN–KZ crossing utilization", "{:.1%}"),
        ("max_volume_capacity", "busiest link v/c", "{:.2f}"),
    ):
        t.add_row(label, *[fmt.format(tot.at[n, col]) for n in names])
    console.print(t)
    _print_details(cmp, names)
    if chart is not None:
        console.print(f"chart written to {chart}")


def _print_details(cmp: Comparison, names: list[str]) -> None:
    r = Table(title="Route options (best three per pair)")
    for c in ("pair", "#", *names):
        r.add_column(c)
    for (o, d), grp in cmp.routes.groupby(["origin", "destination"], sort=False):
        for k in sorted(set(grp["rank"])):
            cells = []
            for n in names:
                hit = grp[(grp["scenario"] == n) & (grp["rank"] == k)]
                cells.append(
                    ""
                    if hit.empty or hit["days"].isna().all()
                    else f"{hit['corridor'].iloc[0]}: {hit['days'].iloc[0]:.1f} d, "
                    f"${hit['cost_usd'].iloc[0]:,.0f}"
                )
            r.add_row(f"{o}→{d}" if k <= 1 else "", str(k), *cells)
    console.print(r)
    cr = cmp.crossings.pivot_table(
        index=["link_id", "countries"],
        columns="scenario",
        values="volume_capacity",
        aggfunc="first",
    )
    bt = Table(title="Border crossings: volume / capacity")
    for col in ("crossing", "countries", *names):
        bt.add_column(col)
    for (lid, cc), row in cr.iterrows():
        bt.add_row(str(lid), str(cc), *[f"{row.get(n, float('nan')):.2f}" for n in names])
    console.print(bt)
    s = cmp.shifts()
    sh = Table(title="Demand by corridor (best route per OD pair)")
    for col in s.columns:
        sh.add_column(str(col), justify="right" if col not in ("class", "corridor") else "left")
    for _, row in s.iterrows():
        sh.add_row(*[f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row])
    console.print(sh)


@app.command("reliability")
def reliability_cmd(
    origin: Annotated[str, typer.Argument(help="Origin place.")],
    destination: Annotated[str, typer.Argument(help="Destination place.")],
    teu: Annotated[float | None, typer.Option(help="Containers, in TEU.")] = None,
    option: Annotated[int, typer.Option(help="Route option rank (1 = best).")] = 1,
    avoid: Annotated[str, typer.Option(help="Countries to avoid, e.g. RU,BY.")] = "",
    no: Annotated[list[str] | None, typer.Option("--no", help="Mode to avoid; repeatable.")] = None,
    deadline: Annotated[float | None, typer.Option(help="Deadline, days.")] = None,
    n: Annotated[int, typer.Option(help="Simulated shipments.")] = 100_000,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    depart: Annotated[str | None, typer.Option(help="Departure date YYYY-MM-DD.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a histogram (PNG/SVG).")] = None,
    network: Annotated[Path | None, typer.Option("--network", "-n")] = None,
    scenario: Annotated[str | None, typer.Option(help="Apply a scenario first.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Monte Carlo door-to-door days (P50/P90/P95, on-time share) of one route option."""
    from corridors.network import load_network
    from corridors.reliability import simulate_itinerary
    from corridors.routing import pareto_routes

    net = load_network(network)
    if scenario:
        from corridors.scenarios import apply_scenario

        net = apply_scenario(net, scenario)[0]
    when = dt.date.fromisoformat(depart) if depart else None
    opts = pareto_routes(
        net,
        origin,
        destination,
        teu=teu,
        departure=when,
        eps=0.02,
        avoid_countries=avoid,
        avoid_modes=no or (),
    )
    if not 1 <= option <= len(opts.options):
        raise ContradictoryOptionsError(
            explain(
                f"Option {option} asked, but there are {len(opts.options)}.",
                fix=f"Use --option between 1 and {len(opts.options)}.",
            )
        )
    it = opts.options[option - 1]
    res = simulate_itinerary(net, it, n=n, seed=seed, departure=when, deadline_days=deadline)
    if plot is not None:
        res.plot_histogram(plot)
    if as_json:
        print_json(res.to_dict() | {"corridor": it.corridor, "option": option})
        return
    t = Table(title=res.label)
    for c in ("planned", "mean", "P50", "P90", "P95", "on time"):
        t.add_column(c, justify="right")
    t.add_row(
        f"{res.planned_days:.1f} d",
        f"{res.mean_days:.1f} d",
        f"{res.p50_days:.1f} d",
        f"{res.p90_days:.1f} d",
        f"{res.p95_days:.1f} d",
        "" if res.prob_by_deadline is None else f"{res.prob_by_deadline:.1%} within {deadline:g} d",
    )
    console.print(t)
    console.print(f"{res.n:,} simulated shipments" + (f"; histogram in {plot}" if plot else ""))


@app.command("sweep")
def sweep_cmd(
    spec_file: Annotated[Path, typer.Argument(help="Sweep file (YAML).")],
    scheduler: Annotated[str | None, typer.Option(help="Existing Dask scheduler address.")] = None,
    workers: Annotated[int, typer.Option(help="Local cluster workers.")] = 2,
    out: Annotated[Path, typer.Option(help="Results table (Parquet).")] = Path("sweep.parquet"),
) -> None:
    """Run a grid or sample of scenario parameters on Dask; gather one Parquet table."""
    from corridors.scenarios.sweep import load_sweep, run_sweep

    spec = load_sweep(spec_file)
    with Progress(
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console_err,
    ) as bar:
        task = bar.add_task("", total=len(spec.runs))

        def tick(u: Update) -> None:
            bar.update(task, completed=u.done, description=u.message)

        table = run_sweep(spec, scheduler=scheduler, workers=workers, progress=tick, out=out)
    failed = table[table["error"].astype(str) != ""]
    console.print(f"{len(table) - len(failed)} of {len(table)} runs succeeded; table in {out}")
    for _, row in failed.iterrows():
        console_err.print(f"[red]run {row['run']} failed:[/] {row['error']}", highlight=False)
    if len(failed):
        raise typer.Exit(1)  # the table holds every run; the exit code says some failed


@scenario_app.command("validate")
def validate_cmd(
    file: Annotated[str, typer.Argument(help="Scenario file or shipped name.")],
    network: Annotated[Path | None, typer.Option("--network", "-n")] = None,
) -> None:
    """Parse a scenario and apply it to its base; report every problem."""
    from corridors.network import load_network
    from corridors.scenarios import apply_scenario, base_network, load_scenario

    s = load_scenario(file)
    base = load_network(network) if network else base_network(s)
    net, _ = apply_scenario(base, s)
    console.print(
        f"[green]ok[/] scenario {s.name!r}: {len(s.changes)} change(s)"
        + (f", inherits {', '.join(s.parents)}" if s.parents else "")
        + f"; network {len(net.tables['nodes'])} nodes, {len(net.tables['links'])} links."
    )
