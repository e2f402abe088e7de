"""``corridors compare``, ``reliability``, ``sweep`` and ``scenario list | validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli import _options as opt
from corridors.cli._app import (
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    EXIT_UNAVAILABLE,
    app,
    compiling_notice,
    console,
    console_err,
    drawn_progress,
    error,
    finite,
    load_net,
    note,
    parse_date,
    print_json,
    problem_list,
    state,
    sub_app,
)
from corridors.cli._options import find_options
from corridors.cli._render import fmt, link_labels, place_name, table
from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.scenarios.compare import Comparison

scenario_app = sub_app("List and check scenarios (named changes to the network and demand).")
app.add_typer(scenario_app, name="scenario")

_FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
MAX_SAMPLES = 10_000_000


def _figure_path(path: Path | None, option: str) -> None:
    """Check a figure's file name before any computation (not after it)."""
    if path is None:
        return
    if path.suffix.lower() not in _FIGURE_SUFFIXES:
        raise typer.BadParameter(
            f"{str(path)!r}: the file name must end in {', '.join(_FIGURE_SUFFIXES)} "
            "(the extension picks the format).",
            param_hint=option,
        )
    if not path.parent.is_dir():
        raise typer.BadParameter(
            f"{str(path)!r}: the folder {path.parent} does not exist; create it first.",
            param_hint=option,
        )
    from importlib.util import find_spec

    if find_spec("matplotlib") is None:  # say so now, not after the computation
        from corridors._deps import require

        require("matplotlib", extra="plots", purpose=f"{option} (drawing a chart)")


def _parse_pairs(net: Any, text: str | None) -> list[tuple[str, str]] | None:
    """``FROM:TO,…`` with every place checked (a typo is an error, not an empty row)."""
    if not text:
        return None
    out = []
    for part in text.split(","):
        o, sep, d = part.partition(":")
        if not sep or not o.strip() or not d.strip():
            raise InvalidSpecError(
                explain(
                    f"--pairs: {part!r} is not FROM:TO.",
                    fix='Write e.g. "Xi\'an:Duisburg,Almaty:Istanbul".',
                )
            )
        net.find_place(o.strip()), net.find_place(d.strip())  # UnknownPlaceError: did you mean
        out.append((o.strip(), d.strip()))
    return out


@app.command("compare")
def compare_cmd(
    base: Annotated[str, typer.Argument(help="'bundled' or a network folder.", metavar="BASE")],
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario files or shipped names (see 'scenario list').", metavar="SCENARIO..."
        ),
    ],
    pairs: Annotated[
        str | None, typer.Option(help='OD pairs to route, e.g. "Xi\'an:Duisburg,Almaty:Baku".')
    ] = None,
    chart: Annotated[
        Path | None, typer.Option(help="Write a chart here (.png, .svg or .pdf).")
    ] = None,
    as_json: opt.JsonOpt = False,
) -> None:
    """Compare BASE with SCENARIO(s): routes, utilization, system totals, corridor shifts."""
    _figure_path(chart, "--chart")
    from corridors.scenarios import load_scenario
    from corridors.scenarios.compare import DEFAULT_PAIRS, compare_scenarios

    net = load_net(None if base == "bundled" else base)
    od_pairs = _parse_pairs(net, pairs) or DEFAULT_PAIRS
    loaded = [load_scenario(s) for s in scenarios]  # every file checked before the long run
    compiling_notice("assignment._kernels.dijkstra", "routing._pareto.pareto_core")
    with drawn_progress("compare", total=len(scenarios) + 1, counted=True) as tick:
        cmp = compare_scenarios(net, loaded, pairs=od_pairs, progress=tick)
    if chart is not None:
        from corridors.scenarios.chart import plot_comparison

        plot_comparison(cmp, chart)
    if as_json:
        print_json(cmp.to_dict())
        return
    names = list(cmp.names)
    tot = cmp.totals.set_index("scenario")
    rows = []
    for col, label, scale, digits in (
        ("demand_teu", "demand (TEU-equivalent a year)", 1.0, 0),
        ("system_time_teu_h", "system time (million TEU-days)", 1 / 24e6, 2),
        ("system_cost_usd", "system cost (USD million)", 1e-6, 1),
        ("max_volume_capacity", "busiest link volume/capacity", 1.0, 2),
    ):
        rows.append([label, *[fmt(tot.at[n, col] * scale, digits) for n in names]])
    rows.append(
        [
            "CN–KZ crossings utilization",
            *[fmt(100 * tot.at[n, "cn_kz_utilization"], 1) + " %" for n in names],
        ]
    )
    console.print(
        table(
            "System totals (equilibrium assignment)",
            [("", "left"), *[(n, "right") for n in names]],
            rows,
        )
    )
    _print_details(net, cmp, names)
    if chart is not None:
        note(f"chart written to {chart}")


def _print_details(net: Any, cmp: Comparison, names: list[str]) -> None:
    rows = []
    for (o, d), grp in cmp.routes.groupby(["origin", "destination"], sort=False):
        for k in sorted(set(grp["rank"])):
            cells = []
            for n in names:
                hit = grp[(grp["scenario"] == n) & (grp["rank"] == k)]
                cells.append(
                    "–"
                    if hit.empty or hit["days"].isna().all()
                    else f"{hit['corridor'].iloc[0]}: {hit['days'].iloc[0]:.1f} days, "
                    f"USD {hit['cost_usd'].iloc[0]:,.0f}"
                )
            pair = f"{place_name(net, o)} → {place_name(net, d)}" if k <= 1 else ""
            rows.append([pair, str(k), *cells])
    console.print(
        table(
            "Route options (best three per pair)",
            [("pair", "left"), ("#", "right"), *[(n, "left") for n in names]],
            rows,
        )
    )
    labels = link_labels(net)
    cr = cmp.crossings.pivot_table(
        index=["link_id", "countries"],
        columns="scenario",
        values="volume_capacity",
        aggfunc="first",
    )
    rows = [
        [labels.get(str(lid), str(lid)), str(cc), *[fmt(row.get(n), 2) for n in names]]
        for (lid, cc), row in cr.iterrows()
    ]
    console.print(
        table(
            "Border crossings: volume / capacity",
            [("crossing", "left"), ("countries", "left"), *[(n, "right") for n in names]],
            rows,
        )
    )
    ms = cmp.mode_shares()
    if not ms.empty:
        rows = [
            [
                (f"{v:+.1%}" if str(c).startswith("Δ") else f"{v:.1%}")
                if isinstance(v, float)
                else str(v)
                for c, v in r.items()
            ]
            for _, r in ms.iterrows()
        ]
        console.print(
            table(
                "Mode shares (equilibrium choice, share of each class's demand)",
                [(str(c), "left" if c in ("class", "mode") else "right") for c in ms.columns],
                rows,
            )
        )
    s = cmp.shifts()
    rows = [[fmt(v) if isinstance(v, float) else str(v) for v in r] for _, r in s.iterrows()]
    console.print(
        table(
            "Volume by corridor, TEU or t a year (equilibrium mode, corridor and route choice)",
            [(str(c), "left" if c in ("class", "corridor") else "right") for c in s.columns],
            rows,
        )
    )


@app.command("reliability")
def reliability_cmd(
    origin: opt.Origin,
    destination: opt.Destination,
    option: Annotated[int, typer.Option(help="Route option rank (1 = best).", min=1)] = 1,
    cargo: opt.CargoOpt = "container",
    teu: opt.Teu = None,
    feu: opt.Feu = None,
    tonnes: opt.Tonnes = None,
    avoid: opt.Avoid = "",
    no: opt.NoModes = None,
    deadline: Annotated[
        float | None, typer.Option(help="Deadline, days.", min=0.0, callback=finite)
    ] = None,
    n: Annotated[
        int, typer.Option(help="Simulated shipments.", min=100, max=MAX_SAMPLES)
    ] = 100_000,
    seed: Annotated[
        int | None, typer.Option(help="Random seed ≥ 0 (same seed, same result).", min=0)
    ] = None,
    depart: opt.Depart = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write a histogram here (.png, .svg or .pdf).")
    ] = None,
    network: opt.NetworkOpt = None,
    scenario: opt.ScenarioOpt = None,
    as_json: opt.JsonOpt = False,
) -> None:
    """Monte Carlo door-to-door days (P50/P90/P95, on-time share) of one route option."""
    _figure_path(plot, "--plot")
    net, opts = find_options(
        origin, destination, network=network, scenario=scenario, avoid=avoid, no=no,
        depart=depart, cargo=cargo, teu=teu, feu=feu, tonnes=tonnes, eps=0.02,
    )  # fmt: skip
    when = parse_date(depart)
    from corridors.reliability.option import simulate_option

    compiling_notice("reliability._kernel.simulate_events")
    it, res = simulate_option(
        net, opts, option, n=n, seed=seed, departure=when, deadline_days=deadline
    )
    if plot is not None:
        res.plot_histogram(plot)
    if as_json:
        print_json(res.to_dict() | {"corridor": it.corridor, "option": option})
        return
    t = table(
        res.label,
        [(c, "right") for c in ("planned", "mean", "P50", "P90", "P95", "on time")],
        [
            [
                f"{res.planned_days:.1f} days",
                f"{res.mean_days:.1f} days",
                f"{res.p50_days:.1f} days",
                f"{res.p90_days:.1f} days",
                f"{res.p95_days:.1f} days",
                "–"
                if res.prob_by_deadline is None
                else f"{res.prob_by_deadline:.1%} within {deadline:g} days",
            ]
        ],
    )
    console.print(t)
    note(f"{res.n:,} simulated shipments" + (f"; histogram in {plot}" if plot else ""))


@app.command("sweep")
def sweep_cmd(
    spec_file: Annotated[
        str,
        typer.Argument(
            help="Sweep file (YAML) or a shipped sweep name (see --list).", metavar="SWEEP"
        ),
    ] = "",
    scheduler: opt.Scheduler = None,
    workers: opt.Workers = 2,
    out: Annotated[
        Path, typer.Option(help="Results table: Parquet, or CSV for a .csv name.")
    ] = Path("sweep.parquet"),
    list_: Annotated[
        bool, typer.Option("--list", help="List the shipped sweeps and exit.")
    ] = False,
) -> None:
    """Run a grid or sample of scenario parameters on Dask; gather one results table.

    Ctrl-C stops it and keeps the runs that finished (written to --out).
    """
    from corridors.scenarios._shipped import shipped_sweeps

    if list_ or not spec_file:
        for name, path in shipped_sweeps().items():
            console.print(f"{name}  ({path})", markup=False, highlight=False)
        if not list_:
            raise typer.BadParameter("give a sweep file or a shipped name", param_hint="SPEC_FILE")
        return
    from corridors.scenarios.sweep import SweepInterrupted, load_sweep

    spec = load_sweep(spec_file)
    if out.parent and not out.parent.is_dir():
        raise InvalidSpecError(explain(f"--out {out}: the folder {out.parent} does not exist."))
    from corridors.scenarios.sweep import run_sweep

    if state.verbosity < 1:  # dask's own shutdown chatter (main and worker processes): not ours
        import os

        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    compiling_notice("assignment._kernels.dijkstra")  # each run is a choice equilibrium
    with drawn_progress("sweep", total=len(spec.runs), counted=True) as tick:
        try:
            table_ = run_sweep(spec, scheduler=scheduler, workers=workers, progress=tick, out=out)
        except (OSError, TimeoutError) as exc:
            if not scheduler:
                raise
            error(
                f"Cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc}). "
                "Start it (dask scheduler) or check the address; without --scheduler a local "
                "cluster is started."
            )
            raise typer.Exit(EXIT_UNAVAILABLE) from None
        except SweepInterrupted as exc:
            kept = 0 if exc.table is None else len(exc.table)
            error(
                f"interrupted: {kept} of {len(spec.runs)} runs had finished"
                + (f" and are kept in {out}." if kept else "; nothing was written.")
            )
            state.interrupt_reported = True
            raise typer.Exit(EXIT_INTERRUPTED) from None
    failed = table_[table_["error"].astype(str) != ""]
    note(f"{len(table_) - len(failed)} of {len(table_)} runs succeeded; table in {out}")
    for _, row in failed.iterrows():
        console_err.print(
            f"run {row['run']} failed: {row['error']}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if len(failed):
        raise typer.Exit(EXIT_PROBLEMS)


@scenario_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The scenarios shipped with corridors (use their names wherever a scenario is asked)."""
    from corridors.scenarios import load_scenario, shipped_scenarios

    rows: list[dict[str, Any]] = []
    for name in shipped_scenarios():
        s = load_scenario(name)
        rows.append(
            {
                "name": name,
                "description": s.description,
                "changes": len(s.changes),
                "inherits": list(s.parents),
            }
        )
    if as_json:
        print_json(rows)
        return
    console.print(
        table(
            "Shipped scenarios",
            [("name", "left"), ("changes", "right"), ("inherits", "left"), ("description", "left")],
            [
                [r["name"], str(r["changes"]), ", ".join(r["inherits"]) or "–", r["description"]]
                for r in rows
            ],
        )
    )


@scenario_app.command("validate")
def validate_cmd(
    file: Annotated[str, typer.Argument(help="Scenario file or shipped name.", metavar="SCENARIO")],
    network: Annotated[
        Path | None,
        typer.Option("--network", "-n", help="Base network folder (default: the scenario's base)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Parse a scenario and apply it to its base; list every problem; exit 1 if any."""
    from corridors.scenarios.check import scenario_problems

    base = load_net(network) if network else None
    s, problems = scenario_problems(file, network=base)
    if as_json:
        print_json({"scenario": file, "valid": not problems, "problems": problems})
    elif problems:
        problem_list(file, problems)
    elif s is not None:
        console.print(
            f"ok: scenario {s.name!r}: {len(s.changes)} change(s)"
            + (f", inherits {', '.join(s.parents)}" if s.parents else ""),
            markup=False,
            highlight=False,
        )
    if problems:
        raise typer.Exit(EXIT_PROBLEMS)
