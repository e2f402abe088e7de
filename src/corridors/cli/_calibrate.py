"""``corridors calibrate`` and ``corridors elasticities``: fit the choice model, check it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli._app import app, console, print_json, task_bar

DOCS_DIR = Path("docs")


def _fit(
    obs: Any,
    *,
    report_only: bool,
    free: str | None,
    start_from: str,
    max_evaluations: int,
    route_rounds: int,
    prior: float,
    congestion_weight: float,
    quiet: bool,
) -> tuple[Any, Any]:
    """Fit (or only evaluate) and evaluate the stored parameters on the same terms."""
    from corridors.assignment.choice import ChoiceParameters, load_parameters
    from corridors.assignment.sue import base_demand, build_problem
    from corridors.calibration import DEFAULT_FREE, ObjectiveSpec, calibrate, evaluate
    from corridors.network import load_network

    net = load_network()
    stored_params = load_parameters()
    start = stored_params if start_from == "stored" else ChoiceParameters()
    names = tuple(f.strip() for f in free.split(",") if f.strip()) if free else DEFAULT_FREE
    spec = ObjectiveSpec(prior_weight=prior, congestion_weight=congestion_weight)
    with task_bar(disable=quiet) as bar:
        task = bar.add_task("route sets", total=None, msg="")

        def cb(u: Any) -> None:
            bar.update(task, description=u.task, completed=u.done, total=u.total, msg=u.message)

        problem = build_problem(net, base_demand(net), params=start)
        bar.update(task, description="stored parameters", msg="equilibrium")
        stored = evaluate(problem, obs, stored_params, objective=spec, free=names, centre=start)
        if report_only:
            return stored, stored
        cal = calibrate(
            problem,
            obs,
            start=start,
            free=names,
            objective=spec,
            max_evaluations=max_evaluations,
            route_rounds=route_rounds,
            progress=cb,
        )
    return cal, stored


def _write_docs(cal: Any, docs: Path, notes: str, before: Any) -> list[str]:
    from corridors.assignment.sue import elasticities
    from corridors.calibration import calibration_markdown, plot_calibration

    files = [str(plot_calibration(cal, docs / "img" / "calibration.png"))]
    el = {
        f"{a} (±5 %), all classes, tonnes": elasticities(cal.result, attribute=a, delta=0.05)
        for a in ("cost", "time")
    }
    boxes = ("container_std", "container_hv")
    el["cost (±5 %), containers only, TEU"] = elasticities(
        cal.result, attribute="cost", delta=0.05, classes=boxes
    )
    page = docs / "calibration.md"
    page.write_text(calibration_markdown(cal, elasticities=el, notes=notes, before=before))
    return [*files, str(page)]


def _json_report(cal: Any, stored: Any, ok: bool, why: str, files: list[str]) -> dict[str, Any]:
    return {
        "objective_start": cal.objective_start,
        "objective": cal.objective,
        "objective_parts": cal.parts,
        "stored_objective": stored.objective,
        "accepted": ok,
        "decision": why,
        "evaluations": cal.evaluations,
        "seconds": round(cal.seconds, 1),
        "parameters": cal.parameter_table().to_dict(orient="records"),
        "summary": cal.summary().to_dict(orient="records"),
        "over_capacity": cal.over_capacity.to_dict(orient="records"),
        "observations": cal.table.to_dict(orient="records"),
        "files": files,
    }


def _print_report(cal: Any, stored: Any, decision: str) -> None:
    from rich.table import Table  # on use: usage errors and --help never load rich

    from corridors.calibration.targets import observation_cells

    t = Table(title="Calibrated parameters")
    for c in ("parameter", "start", "calibrated"):
        t.add_column(c, justify="left" if c == "parameter" else "right")
    for r in cal.parameter_table().itertuples(index=False):
        t.add_row(r.parameter, f"{r.start:.3f}", f"{r.calibrated:.3f}")
    console.print(t)
    for split in ("fit", "holdout"):
        ot = Table(title=f"{split}: observed vs modelled")
        for c in ("id", "kind", "what", "observed", "modelled", "ratio", "GEH", "within"):
            ot.add_column(c, justify="left" if c in ("id", "kind", "what") else "right")
        for r in cal.table[cal.table["split"] == split].itertuples(index=False):
            o, m, g = observation_cells(r)
            ok = "yes" if r.within else "[red]no[/]"
            ot.add_row(str(r.obs_id), r.kind, str(r.label)[:48], o, m, f"{r.ratio:.2f}", g, ok)
        console.print(ot)
    for r in cal.summary().itertuples(index=False):
        console.print(f"{r.split:8s} {r.kind:6s} n={r.n:3d}  within target {r.within:.0%}")
    vc = ", ".join(f"{r.link_id} {r.volume_capacity:.2f}" for r in cal.over_capacity.itertuples())
    console.print(f"v/c > 1 without observed congestion: {vc or 'none'}")
    console.print(
        f"objective {cal.objective_start:.4g} → {cal.objective:.4g} after {cal.evaluations} "
        f"equilibria, {cal.seconds:.0f} s; stored parameters: J {stored.objective:.4g}. {decision}"
    )


@app.command("calibrate")
def calibrate_cmd(
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
            help="Save the parameters as the model's default (data/model/calibration.json) "
            "if they pass the acceptance rule (corridors.calibration.fit.accept).",
        ),
    ] = False,
    docs: Annotated[
        Path | None,
        typer.Option(help="Write the calibration page (e.g. docs) with img/calibration.png."),
    ] = None,
    max_evaluations: Annotated[
        int, typer.Option(help="Most equilibria per route round.", min=2)
    ] = 800,
    prior: Annotated[float, typer.Option(help="Weight of the prior (1 = stated s.d.).")] = 1.0,
    congestion_weight: Annotated[
        float, typer.Option(help="Weight of the v/c > 0.95 penalty (0 = off).")
    ] = 100.0,
    free: Annotated[
        str | None, typer.Option(help="Comma-separated free parameters (default all).")
    ] = None,
    start: Annotated[
        str, typer.Option(help="Start (and prior centre): stored or defaults.")
    ] = "stored",
    route_rounds: Annotated[
        int, typer.Option(help="Route-set extensions: before the fit, and between refits.")
    ] = 2,
    report_only: Annotated[
        bool,
        typer.Option(
            "--report-only",
            help="Do not fit: report the stored calibrated parameters against the observations.",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Fit the choice model (corridor constants, value-of-time and queue scales, running-time
    factors) to the FIT observations; report fit and holdout separately (observed vs
    modelled, GEH, ratio) and the elements above capacity."""
    from corridors.assignment.choice import CALIBRATION_FILE
    from corridors.calibration import load_observations, plot_calibration
    from corridors.calibration.fit import accept
    from corridors.calibration.page import NOTES

    if start not in ("stored", "defaults"):
        raise typer.BadParameter(f"--start {start!r}: use stored or defaults.")
    obs = load_observations(observations)
    cal, stored = _fit(
        obs, report_only=report_only, free=free, start_from=start,
        max_evaluations=max_evaluations, route_rounds=route_rounds, prior=prior,
        congestion_weight=congestion_weight, quiet=json_out,
    )  # fmt: skip
    ok, why = (False, "report only") if report_only else accept(cal, stored)
    files = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cal.table.to_csv(out / "table.csv", index=False)
        files += [str(out / "table.csv"), str(cal.params.save(out / "parameters.json"))]
        files.append(str(plot_calibration(cal, out / "scatter.png")))
    if write and ok:
        files.append(str(cal.params.save(CALIBRATION_FILE)))
    decision = f"{'accepted' if ok else 'not accepted'} ({why})"
    if docs is not None:
        # with --write the page shows what is stored afterwards: a rejected refit is only noted
        shown = stored if (write and not ok) else cal
        run = "No refit in this run (--report-only)" if report_only else f"Refit: {decision}"
        notes = f"{run}.\n\n{NOTES}"
        before = None if report_only or shown is stored else stored
        files += _write_docs(shown, docs, notes=notes, before=before)
    if json_out:
        print_json(_json_report(cal, stored, ok, why, files))
        return
    _print_report(cal, stored, decision)
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
