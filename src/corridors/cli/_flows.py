"""``corridors flows``: equilibrium freight flows on the bundled network, bottleneck table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli import _options as opt
from corridors.cli._app import (
    app,
    compiling_notice,
    console,
    drawn_progress,
    finite,
    load_net,
    note,
    print_json,
)
from corridors.cli._render import fmt, table
from corridors.errors import InvalidSpecError, explain

# = corridors.assignment.flows.UE_ALGORITHMS, typed here so a usage error loads no library
_ALGORITHMS = ("gp", "bfw", "cfw", "fw", "msa", "aon")
_FORMATS = ("parquet", "csv", "geojson", "gpkg")


def _parse_factors(items: list[str], what: str) -> list[tuple[str, float]]:
    """``KEY=FACTOR`` options as (key, factor) pairs; a clear error for anything else."""
    import math

    out = []
    for it in items:
        key, sep, val = it.partition("=")
        try:
            f = float(val)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise InvalidSpecError(
                explain(
                    f"{what} {it!r} is not KEY=FACTOR.", fix=f"Write e.g. {what} containers=2.6."
                )
            )
        if not (math.isfinite(f) and f >= 0):
            raise InvalidSpecError(
                explain(f"{what} {it!r}: the factor must be a finite number ≥ 0.")
            )
        out.append((key.strip(), f))
    return out


def _parse_pairs(items: list[str]) -> list[tuple[str, str, float]]:
    """``--scale-od ORIGIN:DESTINATION=FACTOR`` options as (origin, destination, factor)."""
    pairs = []
    for (key, f), it in zip(_parse_factors(items, "--scale-od"), items, strict=True):
        a, sep, b = key.partition(":")
        if not sep:
            raise InvalidSpecError(
                explain(
                    f"--scale-od {it!r} has no ':'.",
                    fix="Write ORIGIN:DESTINATION=FACTOR, e.g. CN:KZ=2.6.",
                )
            )
        pairs.append((a.strip(), b.strip() or "*", f))
    return pairs


_ScaleClass = Annotated[
    list[str], typer.Option(help="Scale one class, e.g. containers=2.6 or grain=0.5 (repeatable).")
]
_ScaleOd = Annotated[
    list[str],
    typer.Option(
        help="Scale container cells by origin:destination ISO country code, e.g. CN:KZ=2.6 "
        "or CN:*=2.6 (repeatable)."
    ),
]
_Scenario = Annotated[
    str | None,
    typer.Option(help="Apply this scenario first (shipped name or file): network and demand."),
]
_Out = Annotated[
    Path | None,
    typer.Option(help="Write links, skims, bottlenecks (CSV/Parquet/GeoJSON) into this folder."),
]
_OutFormat = Annotated[
    list[str],
    typer.Option(
        "--format",
        help="File format(s) for --out: parquet, csv (tables), geojson, gpkg (links on "
        "their drawn shapes; gpkg needs the geo extra). Repeatable.",
    ),
]
_Omx = Annotated[
    Path | None,
    typer.Option("--omx", help="Write the skims (time h, cost USD, km) to this OMX file."),
]
_SelectLink = Annotated[
    str | None,
    typer.Option(
        "--select-link",
        help="Also list the OD pairs (per class, in its unit) whose routes use this "
        "link_id (e.g. rail-alashankou-dostyk; both directions count).",
    ),
]
_Model = Annotated[
    str,
    typer.Option(
        help="choice: mode, corridor and route choice in equilibrium on the 2024 base year "
        "(calibrated; default); ue: fixed 2021 overland demand, user-equilibrium routes."
    ),
]


@app.command("flows")
def flows(
    demand_factor: Annotated[
        float, typer.Option(help="Multiply all demand.", min=0.0, callback=finite)
    ] = 1.0,
    scale_class: _ScaleClass = [],  # noqa: B006 - typer needs a literal default
    scale_od: _ScaleOd = [],  # noqa: B006
    demand: Annotated[
        Path | None, typer.Option(help="Demand file (.csv/.parquet/.omx) instead of baseline.")
    ] = None,
    scenario: _Scenario = None,
    algorithm: Annotated[str, typer.Option(help="gp, bfw, cfw, fw, msa or aon.")] = "gp",
    gap: Annotated[
        float,
        typer.Option(help="Target relative gap (e.g. 1e-6).", min=0.0, max=1.0, callback=finite),
    ] = 1e-6,
    top: Annotated[int, typer.Option(help="Rows of the bottleneck table.", min=1)] = 15,
    out: _Out = None,
    json_out: opt.JsonOpt = False,
    out_format: _OutFormat = [],  # noqa: B006
    omx: _Omx = None,
    select_link: _SelectLink = None,
    model: _Model = "choice",
    carbon_price: opt.CarbonPrice = None,
) -> None:
    """Equilibrium freight flows: bottlenecks, mode and corridor shares (vs base when changed).

    With --out DIR the choice model writes links.csv (flow per class in its unit, tonnes,
    volume/capacity, delay h), skims.csv (per class and OD: time h, cost USD, distance km),
    shares.csv (corridor and mode shares per OD market), mode_shares.csv, bottlenecks.csv and
    gap_history.csv; --format picks parquet/csv tables and geojson/gpkg link layers instead.
    --select-link and --omx work with either model. --carbon-price prices every route of
    either model (and of the reference run).
    """
    _check_options(model, algorithm, out_format)
    _check_out(out)
    classes, pairs = dict(_parse_factors(scale_class, "--scale-class")), _parse_pairs(scale_od)
    from corridors.assignment.flows import flows_report, run_flows
    from corridors.network.costs import CostModel

    compiling_notice(*_KERNELS[model])
    with drawn_progress(
        "equilibrium" if model == "choice" else "assignment", disable=json_out
    ) as cb:
        run = run_flows(
            load_net(),
            model=model,
            demand=demand,
            scenario=scenario,
            factor=demand_factor,
            classes=classes,
            country_pairs=pairs,
            target_gap=gap,
            algorithm=algorithm,
            progress=cb,
            cost_model=CostModel().priced_at(carbon_price),
        )
    report = flows_report(run, top=top)
    _outputs(run, report, select_link=select_link, out=out, out_format=out_format, omx=omx)
    if json_out:
        print_json(report)
        return
    (_print_choice if model == "choice" else _print_ue)(report)
    if select_link is not None:
        _print_select_link(select_link, report["select_link"])
    res = run.result
    note(
        f"{'choice ' if model == 'choice' else ''}equilibrium: relative gap "
        f"{res.relative_gap:.1e} after {res.iterations} iteration(s), {report['seconds']} s"
        + (f"; parameters {report['parameters']}" if model == "choice" else "")
    )
    for f in report.get("files", []):
        note(f"wrote {f}")


_KERNELS = {  # what each model runs (only those compile on a first run)
    "choice": ("assignment._kernels.dijkstra",),
    "ue": ("assignment._aon._aon_parallel", "assignment._kernels.gp_columns"),
}


def _check_options(model: str, algorithm: str, out_format: list[str]) -> None:
    """Usage errors before any work: model, algorithm, --format values."""
    if model not in ("choice", "ue"):
        raise typer.BadParameter(f"{model!r}; use choice or ue.", param_hint="--model")
    bad = sorted({f.lower() for f in out_format} - set(_FORMATS))
    if bad:
        raise typer.BadParameter(
            f"{', '.join(bad)}; use parquet, csv, geojson or gpkg.", param_hint="--format"
        )
    if model == "ue" and algorithm not in _ALGORITHMS:
        raise typer.BadParameter(
            f"{algorithm!r}; use one of {', '.join(_ALGORITHMS)}.", param_hint="--algorithm"
        )


def _outputs(
    run: Any,
    report: dict[str, Any],
    *,
    select_link: str | None,
    out: Path | None,
    out_format: list[str],
    omx: Path | None,
) -> None:
    """Add select-link rows to the report and write the files asked for (listed in it)."""
    if select_link is not None:
        from corridors.assignment.select import select_link_od

        rows = select_link_od(run.result, select_link, net=run.network)
        report["select_link"] = rows.to_dict(orient="records")
    files: list[Path] = []
    if out is not None and run.model == "choice":
        files += run.result.write(out, formats=out_format or ["csv"])
    elif out is not None:
        files += (
            _write_flows(run.network, run.result, out, out_format)
            if out_format
            else _write(run.result, out)
        )
    if omx is not None:
        from corridors.io.omx import write_skims_omx

        files.append(write_skims_omx(run.result, omx))
    if out is not None or omx is not None:
        report["files"] = [str(p) for p in files]


def _check_out(out: Path | None) -> None:
    """Refuse an unusable output folder before the computation, not after it."""
    import tempfile

    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise InvalidSpecError(explain(f"--out {out}: is a file.", fix="Give a folder."))
    probe = out if out.is_dir() else out.parent
    if not probe.is_dir():
        raise InvalidSpecError(
            explain(f"--out {out}: the folder {probe} does not exist.", fix="Create it first.")
        )
    try:  # a real write: permission bits say nothing for root or read-only mounts
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise InvalidSpecError(
            explain(
                f"--out {out}: cannot write in {probe} ({exc.strerror}).",
                fix="Pick a folder you may write.",
            )
        ) from None


def _write(res: Any, out: Path) -> list[Path]:
    from importlib.util import find_spec

    from corridors.assignment import write_results

    formats = ["csv", "geojson"]
    if find_spec("pyarrow") is not None:
        formats.insert(0, "parquet")
    else:
        note("Parquet skipped (pip install 'corridors[parquet]' to add it); writing CSV.")
    return write_results(res, out, formats=formats)


_HEADERS = {
    "link": ("link", "left"),
    "link_type": ("type", "left"),
    "flow_pcu": ("flow TEU/yr", "right"),
    "base_flow_pcu": ("base flow TEU/yr", "right"),
    "capacity": ("capacity TEU/yr", "right"),
    "volume_capacity": ("v/c", "right"),
    "free_flow_days": ("free-flow days", "right"),
    "delay_days": ("delay days", "right"),
    "base_delay_days": ("base delay days", "right"),
}
_DIGITS = {"volume_capacity": 2, "free_flow_days": 1, "delay_days": 1, "base_delay_days": 1}


def _print_table(title: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(f"{title}: none", markup=False)
        return
    cols = [c for c in rows[0] if c in _HEADERS]
    body = [
        [r[c] if isinstance(r[c], str) else fmt(r[c], _DIGITS.get(c, 0)) for c in cols]
        for r in rows
    ]
    console.print(table(title, [_HEADERS[c] for c in cols], body))


def _write_flows(net: Any, res: Any, out: Path, formats: list[str]) -> list[Path]:
    """Tables (links, skims, bottlenecks, gap history) as Parquet/CSV; link flows on their
    drawn shapes as GeoJSON/GeoPackage."""
    from corridors.assignment import write_results
    from corridors.io.geo import flows_to_geojson, write_features

    wanted = [f.lower() for f in formats]
    tables = [f for f in wanted if f in ("parquet", "csv")]
    written = list(write_results(res, out, formats=tables)) if tables else []
    geo = [f for f in wanted if f in ("geojson", "gpkg")]
    if geo:
        fc = flows_to_geojson(net, res)
        for f in geo:
            written.append(write_features(fc, out / f"links.{f}", format=f, layer="links"))
    return written


def _print_select_link(link: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    if not rows:
        console.print(f"Select-link {link}: no OD pair uses it", markup=False)
        return
    t = Table(title=f"OD pairs using {link} (flow a year through it; share of the pair)")
    for c in ("class", "from", "to", "flow a year", "share"):
        t.add_column(c, justify="right" if c in ("flow a year", "share") else "left")
    for r in rows[:_SELECT_ROWS]:
        t.add_row(
            str(r["class"]),
            f"{r['origin_name']} ({r['origin']})",
            f"{r['destination_name']} ({r['destination']})",
            f"{r['flow_per_year']:,.0f} {r['unit']}",
            f"{100 * r['share']:.1f}%",
        )
    console.print(t)
    if len(rows) > _SELECT_ROWS:
        note(f"{len(rows) - _SELECT_ROWS} smaller OD pairs not shown (--json lists all).")


_SELECT_ROWS = 25


def _print_ue(report: dict[str, Any]) -> None:
    _print_table(
        "Bottlenecks (highest volume/capacity; flow and capacity in TEU-equivalent a year)",
        report["bottlenecks"],
    )
    if "changes_vs_baseline" in report:
        _print_table("Largest flow changes vs baseline (diversions)", report["changes_vs_baseline"])


_CHOICE_COLUMNS = [
    ("link", "left", "link", None),
    ("type", "left", "link_type", None),
    ("flow TEU-eq/yr", "right", "flow_teu_eq_per_yr", 0),
    ("capacity TEU-eq/yr", "right", "capacity_teu_eq_per_yr", 0),
    ("v/c", "right", "volume_capacity", 2),
    ("free-flow h", "right", "free_flow_h", 1),
    ("delay h", "right", "delay_h", 1),
]


def _print_choice(report: dict[str, Any]) -> None:
    """Bottlenecks, mode and corridor shares (and shares against the base) of the choice model."""
    console.print(
        table(
            "Bottlenecks (highest volume/capacity; TEU-equivalent a year, hours)",
            [(h, j) for h, j, _, _ in _CHOICE_COLUMNS],
            [
                [r[k] if d is None else fmt(r[k], d) for _, _, k, d in _CHOICE_COLUMNS]
                for r in report["bottlenecks"]
            ],
        )
    )
    for title, key, col in (
        ("Mode shares (share of each class's demand)", "mode_shares", "mode"),
        ("Corridor shares", "corridor_shares", "corridor"),
    ):
        console.print(
            table(
                title,
                [("class", "left"), (col, "left"), ("flow/yr", "right"), ("share", "right")],
                [[r["class"], r[col], fmt(r["flow"]), f"{r['share']:.1%}"] for r in report[key]],
            )
        )
    if "mode_shares_vs_base" in report:
        console.print(
            table(
                "Mode shares vs base",
                [("class", "left"), ("mode", "left"), ("base", "right"), ("now", "right")],
                [
                    [r["class"], r["mode"], f"{r['base_share']:.1%}", f"{r['share']:.1%}"]
                    for r in report["mode_shares_vs_base"]
                ],
            )
        )
