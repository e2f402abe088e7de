"""``corridors flows``: equilibrium freight flows on the bundled network, bottleneck table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli._app import (
    app,
    compiling_notice,
    console,
    finite,
    load_net,
    note,
    print_json,
    state,
    task_bar,
)
from corridors.cli._render import fmt, link_labels, table
from corridors.errors import InvalidSpecError, explain

_ALGORITHMS = ("gp", "bfw", "cfw", "fw", "msa", "aon")


def _parse_factors(items: list[str], what: str) -> list[tuple[str, float]]:
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


def _country_zones(code: str, zones: list[str], country: dict[str, str], it: str) -> list[str]:
    """Zones of one ISO country code (``*`` = all); an unmatched code is an error."""
    if code == "*":
        return list(zones)
    hit = [z for z in zones if country.get(z) == code.upper()]
    if hit:
        return hit
    from corridors._iso3166 import ALPHA2

    present = sorted({country[z] for z in zones if z in country})
    by_name = [c for c, name in ALPHA2.items() if name.lower().startswith(code.lower())]
    hint = f" Did you mean {by_name[0]} ({ALPHA2[by_name[0]]})?" if by_name else ""
    raise InvalidSpecError(
        explain(
            f"--scale-od {it!r}: {code!r} matches no demand zone.",
            why="Countries are ISO alpha-2 codes, and only countries with demand zones count.",
            fix=f"{hint} Countries with zones: {', '.join(present)}; '*' means all.".strip(),
        )
    )


@app.command("flows")
def flows(
    demand_factor: Annotated[
        float, typer.Option(help="Multiply all demand.", min=0.0, callback=finite)
    ] = 1.0,
    scale_class: Annotated[
        list[str],
        typer.Option(help="Scale one class, e.g. containers=2.6 or grain=0.5 (repeatable)."),
    ] = [],  # noqa: B006 - typer needs a literal default
    scale_od: Annotated[
        list[str],
        typer.Option(
            help="Scale container cells by origin:destination ISO country code, e.g. CN:KZ=2.6 "
            "or CN:*=2.6 (repeatable)."
        ),
    ] = [],  # noqa: B006
    demand: Annotated[
        Path | None, typer.Option(help="Demand file (.csv/.parquet/.omx) instead of baseline.")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Apply this scenario first (shipped name or file): network and demand."),
    ] = None,
    algorithm: Annotated[str, typer.Option(help="gp, bfw, cfw, fw, msa or aon.")] = "gp",
    gap: Annotated[
        float,
        typer.Option(help="Target relative gap (e.g. 1e-6).", min=0.0, max=1.0, callback=finite),
    ] = 1e-6,
    top: Annotated[int, typer.Option(help="Rows of the bottleneck table.", min=1)] = 15,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write links, skims, bottlenecks (CSV/Parquet/GeoJSON) into this folder."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    out_format: Annotated[
        list[str],
        typer.Option(
            "--format",
            help="File format(s) for --out: parquet, csv (tables), geojson, gpkg (links on "
            "their drawn shapes; gpkg needs the geo extra). Repeatable.",
        ),
    ] = [],  # noqa: B006
    omx: Annotated[
        Path | None,
        typer.Option("--omx", help="Write the skims (time h, cost USD, km) to this OMX file."),
    ] = None,
    select_link: Annotated[
        str | None,
        typer.Option(
            "--select-link",
            help="Also list the OD pairs (per class, in its unit) whose routes use this "
            "link_id (e.g. rail-alashankou-dostyk; both directions count).",
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            help="choice: mode, corridor and route choice in equilibrium on the 2024 base year "
            "(calibrated; default); ue: fixed 2021 overland demand, user-equilibrium routes."
        ),
    ] = "choice",
) -> None:
    """Equilibrium freight flows: bottlenecks, mode and corridor shares (vs base when changed).

    With --out DIR the choice model writes links.csv (flow per class in its unit, tonnes,
    volume/capacity, delay h), skims.csv (per class and OD: time h, cost USD, distance km),
    shares.csv (corridor and mode shares per OD market), mode_shares.csv, bottlenecks.csv and
    gap_history.csv; --format picks parquet/csv tables and geojson/gpkg link layers instead.
    --select-link and --omx work with either model.
    """
    if model not in ("choice", "ue"):
        raise typer.BadParameter(f"{model!r}; use choice or ue.", param_hint="--model")
    bad = sorted({f.lower() for f in out_format} - {"parquet", "csv", "geojson", "gpkg"})
    if bad:
        raise typer.BadParameter(
            f"{', '.join(bad)}; use parquet, csv, geojson or gpkg.", param_hint="--format"
        )
    if model == "choice":
        _check_out(out)
        _flows_choice(
            demand, scenario, demand_factor, scale_class, scale_od, gap, top, out, json_out,
            out_format=out_format, omx=omx, select_link=select_link,
        )  # fmt: skip
        return
    if algorithm not in _ALGORITHMS:
        raise typer.BadParameter(
            f"{algorithm!r}; use one of {', '.join(_ALGORITHMS)}.", param_hint="--algorithm"
        )
    _check_out(out)
    from corridors.assignment import AssignmentSpec

    t0 = time.perf_counter()
    net, cg, od = _network_and_demand(demand, scenario)
    base = od
    od = _scaled(net, od, demand_factor, scale_class, scale_od)
    spec = AssignmentSpec(algorithm=algorithm, target_gap=gap, max_iterations=2000)
    changed = od is not base and bool(demand_factor != 1.0 or scale_class or scale_od)
    res, ref = _assign(net, cg, od, base if changed else None, spec, quiet=json_out)
    report = _report(net, res, ref, top)
    report["seconds"] = round(time.perf_counter() - t0, 2)
    if select_link is not None:
        report["select_link"] = _select_link_rows(res, select_link, net)
    if out is not None:
        files = _write_flows(net, res, out, out_format) if out_format else _write(res, out)
        report["files"] = [str(p) for p in files]
    if omx is not None:
        from corridors.io.omx import write_skims_omx

        report.setdefault("files", []).append(str(write_skims_omx(res, omx)))
    if json_out:
        print_json(report)
        return
    _print_table(
        "Bottlenecks (highest volume/capacity; flow and capacity in TEU-equivalent a year)",
        report["bottlenecks"],
    )
    if "changes_vs_baseline" in report:
        _print_table("Largest flow changes vs baseline (diversions)", report["changes_vs_baseline"])
    if select_link is not None:
        _print_select_link(select_link, report["select_link"])
    note(
        f"equilibrium: relative gap {res.relative_gap:.1e} after {res.iterations} iteration(s), "
        f"{report['seconds']} s"
    )
    for f in report.get("files", []):
        note(f"wrote {f}")


def _network_and_demand(demand: Path | None, scenario: str | None) -> tuple[Any, Any, Any]:
    """The (scenario) network, its corridor graph and the demand (baseline or a file)."""
    from corridors.assignment._from_network import baseline_demand, corridor_graph

    net = load_net()
    cg = corridor_graph(net)
    if demand is None:
        od = baseline_demand(net)
    else:
        from corridors.io.demand import read_demand

        od = read_demand(demand, zones=list(cg.zones))
    if scenario:
        from corridors.scenarios import apply_scenario

        net, scen_od = apply_scenario(net, scenario, demand=od)
        od = scen_od if scen_od is not None else od
        cg = corridor_graph(net)
    return net, cg, od


def _scaled(net: Any, od: Any, factor: float, scale_class: list[str], scale_od: list[str]) -> Any:
    """Demand after --demand-factor, --scale-class and --scale-od (every pattern must match)."""
    country = dict(zip(net.nodes.index.astype(str), net.nodes["country"], strict=True))
    zones = list(od.zones)
    pairs = []
    for (key, f), it in zip(_parse_factors(scale_od, "--scale-od"), scale_od, strict=True):
        a, sep, b = key.partition(":")
        if not sep:
            raise InvalidSpecError(
                explain(
                    f"--scale-od {it!r} has no ':'.",
                    fix="Write ORIGIN:DESTINATION=FACTOR, e.g. CN:KZ=2.6.",
                )
            )
        orgs = _country_zones(a.strip(), zones, country, it)
        pairs.append((orgs, _country_zones(b.strip() or "*", zones, country, it), f))
    return od.scaled(
        factor,
        classes=dict(_parse_factors(scale_class, "--scale-class")),
        pairs=pairs,
        pair_classes=[c for c in od.classes if c.startswith("container")],
    )


def _assign(net: Any, cg: Any, od: Any, base: Any, spec: Any, *, quiet: bool) -> tuple[Any, Any]:
    """Equilibrium on ``od`` (and on ``base`` to compare, when given), with a progress bar."""
    from corridors.assignment._from_network import assign_network

    compiling_notice("assignment", "_kernels", "gp_columns")
    with task_bar(disable=quiet or state.quiet) as bar:
        task = bar.add_task("assignment", total=None, msg="")

        def cb(u: Any) -> None:
            bar.update(task, completed=u.done, msg=u.message)

        res = assign_network(net, od, spec=spec, progress=cb, corridor=cg)
        ref = None if base is None else assign_network(net, base, spec=spec, corridor=cg)
    return res, ref


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


_DAYS = {"free_flow_time": "free_flow_days", "base_delay": "base_delay_days", "delay": "delay_days"}


def _rows(labels: dict[str, str], df: Any, cols: list[str]) -> list[dict[str, Any]]:
    """Readable records: place names, TEU a year, days (JSON keeps the ids too)."""
    rows = []
    for r in df[cols].to_dict(orient="records"):
        rec = {"link": labels.get(str(r["link_id"]), str(r["link_id"])), **r}
        for hours, days in _DAYS.items():
            if hours in rec:
                rec[days] = rec.pop(hours) / 24.0
        rows.append(rec)
    return rows


def _report(net: Any, res: Any, ref: Any, top: int) -> dict[str, Any]:
    labels = link_labels(net)
    bt = res.bottlenecks(top=top)
    report: dict[str, Any] = {
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "bottlenecks": _rows(
            labels,
            bt,
            [
                "link_id",
                "link_type",
                "flow_pcu",
                "capacity",
                "volume_capacity",
                "free_flow_time",
                "delay",
            ],
        ),
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
        report["changes_vs_baseline"] = _rows(
            labels,
            div,
            ["link_id", "link_type", "base_flow_pcu", "flow_pcu", "base_delay", "delay"],
        )
    return report


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


def _select_link_rows(res: Any, link: str, net: Any) -> list[dict[str, Any]]:
    from corridors.assignment.select import select_link_od

    return select_link_od(res, link, net=net).to_dict(orient="records")  # type: ignore[no-any-return]


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


def _flows_choice(
    demand: Path | None,
    scenario: str | None,
    demand_factor: float,
    scale_class: list[str],
    scale_od: list[str],
    gap: float,
    top: int,
    out: Path | None,
    json_out: bool,
    *,
    out_format: list[str],
    omx: Path | None,
    select_link: str | None,
) -> None:
    """The choice equilibrium (``--model choice``): render its report."""
    from corridors.assignment.choice import load_parameters
    from corridors.assignment.sue import SUESpec, base_demand, equilibrium

    t0 = time.perf_counter()
    base_net = net = load_net()
    if demand is None:
        od = base_demand(net)
    else:
        from corridors.io.demand import read_demand

        od = read_demand(demand, zones=list(net.nodes.index.astype(str)))
    base = od
    if scenario:
        from corridors.scenarios import apply_scenario

        net, scen_od = apply_scenario(net, scenario, demand=od)
        od = scen_od if scen_od is not None else od
    od = _scaled(net, od, demand_factor, scale_class, scale_od)
    changed = bool(scenario or demand_factor != 1.0 or scale_class or scale_od)
    params = load_parameters()
    spec = SUESpec(target_gap=max(gap, 1e-12))
    compiling_notice("assignment", "_kernels", "dijkstra")
    with task_bar(disable=json_out or state.quiet) as bar:
        task = bar.add_task("equilibrium", total=None, msg="")

        def cb(u: Any) -> None:
            bar.update(task, completed=u.done, msg=u.message)

        res = equilibrium(net, od, params=params, spec=spec, progress=cb)
        ref = equilibrium(base_net, base, params=params, spec=spec) if changed else None
    labels = link_labels(net)
    bt = res.bottlenecks(top=top)
    ms = res.mode_shares(by="mode")
    cs = res.mode_shares(by="corridor")
    report: dict[str, Any] = {
        "model": "choice",
        "parameters": params.provenance.get("run_date", "defaults (not calibrated)"),
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "converged": res.converged,
        "bottlenecks": [
            {"link": labels.get(str(r["link_id"]), str(r["link_id"])), **r}
            for r in bt[
                [
                    "link_id",
                    "link_type",
                    "flow_teu_eq_per_yr",
                    "capacity_teu_eq_per_yr",
                    "volume_capacity",
                    "free_flow_h",
                    "delay_h",
                ]
            ].to_dict(orient="records")
        ],
        "mode_shares": ms[["class", "mode", "flow", "share"]].to_dict(orient="records"),
        "corridor_shares": cs[["class", "corridor", "flow", "share"]].to_dict(orient="records"),
    }
    if ref is not None:
        rm = ref.mode_shares(by="mode")[["class", "mode", "share"]]
        m = rm.merge(ms[["class", "mode", "share"]], on=["class", "mode"], how="outer")
        m = m.fillna(0.0)
        m.columns = ["class", "mode", "base_share", "share"]
        report["mode_shares_vs_base"] = m.to_dict(orient="records")
    report["seconds"] = round(time.perf_counter() - t0, 2)
    if select_link is not None:
        report["select_link"] = _select_link_rows(res, select_link, net)
    if out is not None:
        report["files"] = [str(p) for p in res.write(out, formats=out_format or ["csv"])]
    if omx is not None:
        from corridors.io.omx import write_skims_omx

        report.setdefault("files", []).append(str(write_skims_omx(res, omx)))
    if json_out:
        print_json(report)
        return
    console.print(
        table(
            "Bottlenecks (highest volume/capacity; TEU-equivalent a year, hours)",
            [
                ("link", "left"),
                ("type", "left"),
                ("flow TEU-eq/yr", "right"),
                ("capacity TEU-eq/yr", "right"),
                ("v/c", "right"),
                ("free-flow h", "right"),
                ("delay h", "right"),
            ],
            [
                [
                    r["link"],
                    r["link_type"],
                    fmt(r["flow_teu_eq_per_yr"]),
                    fmt(r["capacity_teu_eq_per_yr"]),
                    fmt(r["volume_capacity"], 2),
                    fmt(r["free_flow_h"], 1),
                    fmt(r["delay_h"], 1),
                ]
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
    if select_link is not None:
        _print_select_link(select_link, report["select_link"])
    note(
        f"choice equilibrium: relative gap {res.relative_gap:.1e} after {res.iterations} "
        f"iteration(s), {report['seconds']} s; parameters {report['parameters']}"
    )
    for f in report.get("files", []):
        note(f"wrote {f}")
