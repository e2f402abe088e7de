"""``corridors appraise``: cost–benefit appraisal of a project (NPV, BCR, IRR, sensitivity)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridors.cli import _options as opt
from corridors.cli._app import app, console, console_err, drawn_progress, print_json


def _range(text: str, what: str) -> tuple[float, float]:
    from corridors.errors import InvalidSpecError, explain

    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise InvalidSpecError(
            explain(f"--{what} {text!r} is not LOW,HIGH.", fix=f"Write e.g. --{what} 0.8,1.2.")
        ) from None
    return lo, hi


def _years(text: str | None) -> list[int] | None:
    from corridors.errors import InvalidSpecError, explain

    if not text:
        return None
    try:
        return [int(y) for y in text.split(",")]
    except ValueError:
        raise InvalidSpecError(
            explain(f"--years {text!r} is not a list of years.", fix="Write e.g. 2027,2035.")
        ) from None


@app.command("appraise")
def appraise_cmd(
    project: Annotated[str, typer.Argument(help="Project file (YAML) or shipped project name.")],
    discount_rate: Annotated[
        float | None, typer.Option(help="Real discount rate, e.g. 0.06 (default: the project's).")
    ] = None,
    demand_range: Annotated[
        str, typer.Option(help="Demand factors of the sensitivity, LOW,HIGH ('' skips).")
    ] = "0.8,1.2",
    carbon_range: Annotated[str, typer.Option(help="Carbon price factors, LOW,HIGH.")] = "0.5,2",
    switching_runs: Annotated[
        int, typer.Option(help="Extra demand runs to pin the switching value (0: interpolate).")
    ] = 2,
    years: Annotated[
        str | None, typer.Option(help="Modelled years, e.g. 2027,2035 (default: the project's).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write tables, JSON and charts (tornado, cash flows) here.")
    ] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run the modelled years on Dask.")] = False,
    scheduler: opt.Scheduler = None,
    workers: opt.Workers = 2,
    gap: Annotated[float, typer.Option(help="Relative gap of each equilibrium.")] = 1e-6,
    top: Annotated[int, typer.Option(help="Rows of the distribution tables.")] = 8,
    as_json: opt.JsonOpt = False,
) -> None:
    """Appraise PROJECT: benefits by who gets them, NPV, BCR, IRR, payback, sensitivity.

    Each modelled year runs the choice equilibrium without and with the project; the demand
    sensitivity reruns them. With --out DIR writes cashflows.csv, sensitivity.csv, years.csv,
    revenue_by_country.csv, co2_by_country.csv, co2_by_corridor.csv, crossings.csv,
    appraisal.json, tornado.png and cashflows.png.
    """
    from corridors.appraisal import appraise, load_project
    from corridors.assignment.sue import SUESpec

    if out is not None:  # the charts need matplotlib: say so before the computation, not after
        from corridors._deps import require

        require("matplotlib", extra="plots", purpose="Writing the appraisal charts (--out)")
    proj = load_project(project)
    modelled = _years(years)
    dr = _range(demand_range, "demand-range") if demand_range else ()
    with drawn_progress("appraise", disable=as_json, counted=True) as tick:
        a = appraise(
            proj,
            discount_rate=discount_rate,
            demand_range=dr,  # type: ignore[arg-type]
            carbon_range=_range(carbon_range, "carbon-range"),
            switching_runs=switching_runs,
            modelled_years=modelled,
            sue=SUESpec(target_gap=gap, column_rounds=0),
            executor="dask" if (dask or scheduler) else "serial",
            scheduler=scheduler,
            workers=workers,
            progress=tick,
        )
    files = [str(p) for p in a.write(out)] if out is not None else []
    if as_json:
        print_json({**a.to_dict(top=top), "files": files})
        return
    _render(a, top)
    for f in files:
        console.print(f"wrote {f}")


def _fmt(v: Any, col: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if v != v:
            return "–"
        if col in ("irr", "discount_rate") or col.endswith("share"):
            return f"{v:.1%}"
        if col.lower() == "bcr":
            return f"{v:.2f}"
        if col == "value":
            return f"{v:g}"
        return f"{v:,.1f}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def _table(title: str, rows: list[dict[str, Any]], cols: list[str] | None = None) -> None:
    from rich.table import Table

    if not rows:
        return
    cols = cols or list(rows[0])
    t = Table(title=title)
    for c in cols:
        t.add_column(
            c,
            justify="left"
            if c in ("factor", "case", "country", "corridor", "link_id", "link_type", "class")
            else "right",
        )
    for r in rows:
        t.add_row(*[_fmt(r.get(c), c) for c in cols])
    console.print(t)


def _render(a: Any, top: int) -> None:
    """All the appraisal tables: decision figures, who gets what, years, sensitivity, who pays."""
    _render_summary(a)
    _render_years(a)
    _render_distribution(a, top)


def _render_summary(a: Any) -> None:
    s = a.summary
    p = a.project
    console.print(
        f"[bold]{p.name}[/]: scenario {p.scenario}, opening {p.opening_year}, "
        f"{p.lifetime_years} years, prices {p.price_year} USD, discount rate "
        f"{s['discount_rate']:.1%}; modelled years {', '.join(map(str, p.modelled_years))}"
    )
    _table(
        "Decision figures (USD million, present values at the price year)",
        [
            {
                "NPV": s["npv_usd_m"],
                "BCR": s["bcr"],
                "IRR": _fmt(s["irr"], "irr"),
                "payback": s["payback_year"] or "never",
                "PV benefits": s["pv_benefits_usd_m"],
                "PV costs": s["pv_costs_usd_m"],
            }
        ],
    )
    _table(
        "Present value by who gets it (USD million)",
        [
            {"item": k, "pv_usd_m": s[f"pv_{k}_usd_m"]}
            for k in (
                "shipper_surplus",
                "reliability",
                "producer_surplus",
                "co2",
                "capital",
                "operating",
                "residual",
            )
        ],
    )


def _render_years(a: Any) -> None:
    yt = a.year_table()
    _table(
        "Modelled years (USD million per year; CO2 t per year, negative = saved)",
        [
            {
                "year": int(r["year"]),
                "shipper surplus": r["shipper_surplus_usd"] / 1e6,
                "rule of a half": r["rule_of_half_usd"] / 1e6,
                "of which time": r["time_part_usd"] / 1e6,
                "reliability": r["reliability_usd"] / 1e6,
                "revenue change": r["revenue_change_usd"] / 1e6,
                "CO2 change t": r["co2_change_t"],
                "TEU-eq h saved at crossings": r["crossing_hours_saved"],
            }
            for r in yt.to_dict(orient="records")
        ],
    )
    _table("Sensitivity (NPV USD million)", a.sensitivity.to_dict(orient="records"))
    sw = a.switching
    if sw.get("found"):
        where = (
            f"between runs at ×{sw['bracket'][0]:g} and ×{sw['bracket'][1]:g}"
            if sw.get("within_runs")
            else "extrapolated beyond the runs"
        )
        console.print(
            f"switching value: NPV = 0 at demand × {sw['demand_factor']:.3f} "
            f"({sw['method']}; {where})"
        )
    else:
        console.print(f"switching value: not found ({sw.get('method')})")


def _render_distribution(a: Any, top: int) -> None:
    d = a.distribution()
    last = max(a.central)
    rev = d["revenue_by_country"].head(top).copy()
    for c in rev.columns[1:]:
        rev[c] = rev[c] / 1e6
    _table(
        f"Operator revenue by country, {last} (USD million per year)", rev.to_dict(orient="records")
    )
    _table(f"CO2 by corridor, {last} (t per year)", d["co2_by_corridor"].to_dict(orient="records"))
    cr = d["crossings"].head(top)
    _table(
        f"Crossings, {last}: congestion relief (largest changes)",
        cr.to_dict(orient="records"),
        [
            "link_id",
            "flow_teu_eq_per_yr_base",
            "flow_teu_eq_per_yr_project",
            "delay_h_base",
            "delay_h_project",
            "teu_eq_hours_saved",
        ],
    )
    warns = [w for yb in a.central.values() for w in yb.extra.get("warnings", [])]
    if warns:
        console_err.print(f"[yellow]warning:[/] {warns[0]}")
