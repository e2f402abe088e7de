"""``corridors calibrate`` and ``corridors elasticities``: fit the choice model, check it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli._app import app, console, print_json, task_bar

DOCS_DIR = Path("docs")


@app.command("calibrate")
def calibrate_cmd(  # noqa: C901 - options, then one branch per output
    observations: Annotated[
        Path | None, typer.Option(help="Observation table (default the bundled one).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write table.csv, parameters.json and scatter.png here.")
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write/--no-write",
            help="Save the parameters as the model's default (data/model/calibration.json).",
        ),
    ] = False,
    docs: Annotated[
        Path | None,
        typer.Option(help="Write the calibration page (e.g. docs) with img/calibration.png."),
    ] = None,
    max_evaluations: Annotated[int, typer.Option(help="Most equilibria to solve.")] = 200,
    prior: Annotated[float, typer.Option(help="Weight of the prior on the parameters.")] = 0.01,
    route_rounds: Annotated[
        int, typer.Option(help="Regenerate routes at the fitted equilibrium and refit, N times.")
    ] = 1,
    report_only: Annotated[
        bool,
        typer.Option(
            "--report-only",
            help="Do not fit: report the stored calibrated parameters against the observations.",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Fit the choice model (corridor constants, value-of-time and queue scales) to the FIT
    observations; report fit and holdout separately (observed vs modelled, GEH, ratio)."""
    from corridors.assignment.choice import CALIBRATION_FILE, ChoiceParameters
    from corridors.assignment.sue import base_demand, build_problem
    from corridors.calibration import (
        calibrate,
        calibration_markdown,
        load_observations,
        plot_calibration,
    )
    from corridors.network import load_network

    obs = load_observations(observations)
    net = load_network()
    start = ChoiceParameters()
    with task_bar(disable=json_out) as bar:
        task = bar.add_task("route sets", total=None, msg="")
        problem = build_problem(net, base_demand(net), params=start)

        def cb(u: Any) -> None:
            bar.update(task, description=u.task, completed=u.done, msg=u.message)

        if report_only:
            from corridors.assignment.choice import load_parameters
            from corridors.calibration import evaluate

            cal = evaluate(problem, obs, load_parameters())
        else:
            cal = calibrate(
                problem,
                obs,
                start=start,
                max_evaluations=max_evaluations,
                route_rounds=route_rounds,
                prior_weight=prior,
                progress=cb,
            )
    files = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cal.table.to_csv(out / "table.csv", index=False)
        files += [str(out / "table.csv"), str(cal.params.save(out / "parameters.json"))]
        files.append(str(plot_calibration(cal, out / "scatter.png")))
    if write and not report_only:
        files.append(str(cal.params.save(CALIBRATION_FILE)))
    if docs is not None:
        from corridors.assignment.sue import elasticities
        from corridors.calibration.fit import STRUCTURAL_NOTES

        files.append(str(plot_calibration(cal, docs / "img" / "calibration.png")))
        el = {
            f"{a} (±5 %), all classes, tonnes": elasticities(cal.result, attribute=a, delta=0.05)
            for a in ("cost", "time")
        }
        boxes = ("container_std", "container_hv")
        el["cost (±5 %), containers only, TEU"] = elasticities(
            cal.result, attribute="cost", delta=0.05, classes=boxes
        )
        page = docs / "calibration.md"
        page.write_text(calibration_markdown(cal, elasticities=el, notes=STRUCTURAL_NOTES))
        files.append(str(page))
    summary = cal.summary()
    report = {
        "objective_start": cal.objective_start,
        "objective": cal.objective,
        "evaluations": cal.evaluations,
        "seconds": round(cal.seconds, 1),
        "parameters": cal.parameter_table().to_dict(orient="records"),
        "summary": summary.to_dict(orient="records"),
        "observations": cal.table.to_dict(orient="records"),
        "files": files,
    }
    if json_out:
        print_json(report)
        return
    from rich.table import Table  # on use: usage errors and --help never load rich

    t = Table(title="Calibrated parameters")
    for c in ("parameter", "start", "calibrated"):
        t.add_column(c, justify="left" if c == "parameter" else "right")
    for r in cal.parameter_table().itertuples(index=False):
        t.add_row(r.parameter, f"{r.start:.3f}", f"{r.calibrated:.3f}")
    console.print(t)
    for split in ("fit", "holdout"):
        rows = cal.table[cal.table["split"] == split]
        ot = Table(title=f"{split}: observed vs modelled")
        for c in ("id", "kind", "what", "observed", "modelled", "ratio", "GEH", "within"):
            ot.add_column(c, justify="left" if c in ("id", "kind", "what") else "right")
        for r in rows.itertuples(index=False):
            if r.kind == "count":
                o, m, g = f"{r.observed:,.0f} {r.unit}", f"{r.modelled:,.0f}", f"{r.geh:.1f}"
            else:
                o, m, g = (
                    f"{r.low_h / 24:.1f}–{r.high_h / 24:.1f} d",
                    f"{r.modelled / 24:.1f} d",
                    "",
                )
            ot.add_row(
                str(r.obs_id),
                r.kind,
                str(r.label)[:48],
                o,
                m,
                f"{r.ratio:.2f}",
                g,
                "yes" if r.within else "[red]no[/]",
            )
        console.print(ot)
    for r in summary.itertuples(index=False):
        console.print(f"{r.split:8s} {r.kind:6s} n={r.n:3d}  within target {r.within:.0%}")
    console.print(
        f"objective {cal.objective_start:.4g} → {cal.objective:.4g} after {cal.evaluations} "
        f"equilibria, {cal.seconds:.0f} s"
    )
    for f in files:
        console.print(f"wrote {f}")


@app.command("elasticities")
def elasticities_cmd(
    attribute: Annotated[str, typer.Option(help="cost or time.")] = "cost",
    delta: Annotated[float, typer.Option(help="Relative change (central difference).")] = 0.05,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Direct and cross elasticities of corridor volumes (tonnes) to each corridor's cost or
    time, by finite differences of the equilibrium (congestion included)."""
    from corridors.assignment.sue import SUESpec, base_demand, elasticities, equilibrium
    from corridors.network import load_network

    net = load_network()
    with task_bar(disable=json_out) as bar:
        bar.add_task("equilibrium and perturbations", total=None, msg="")
        res = equilibrium(net, base_demand(net), spec=SUESpec(target_gap=1e-7))
        e = elasticities(res, attribute=attribute, delta=delta)
    if json_out:
        print_json({"attribute": attribute, "delta": delta, "elasticities": e.to_dict()})
        return
    from rich.table import Table

    t = Table(title=f"Elasticity of volume (row) to {attribute} of (column), ±{delta:.0%}")
    t.add_column("volume of")
    for c in e.columns:
        t.add_column(c, justify="right")
    for i, row in e.iterrows():
        t.add_row(str(i), *[f"{v:+.2f}" for v in row])
    console.print(t)
