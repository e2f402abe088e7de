"""Issue #15 scoreboard: one row per performance goal, read from ``benchmarks/results/*.json``.

Runs nothing: it reads the result files the benchmarks wrote (as they are: rerun it after
rerunning a benchmark) and writes ``benchmarks/results/SUMMARY.md`` with, per goal, the
measured value, the peer's value in the same run, their ratio, the goal, met or the distance
to it, the load average of the run, its date and the command that reproduces it. A goal whose
result file is missing is listed as "not measured".

Usage::

    .venv/bin/python benchmarks/summary.py
"""

from __future__ import annotations

import datetime as _dt
import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
Row = dict[str, str]


def _load(name: str) -> Any:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _load_txt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, list | tuple):
        return "/".join(f"{float(v):.1f}" for v in x)
    if isinstance(x, float):
        return f"{x:.1f}"
    return str(x)


def _mtime(name: str) -> str:
    """The result file's modification time (for files that record no date)."""
    t = (RESULTS / f"{name}.json").stat().st_mtime
    return _dt.datetime.fromtimestamp(t, _dt.UTC).strftime("%Y-%m-%dT%H:%M") + " (file)"


def _ratio_goal(value: float, goal: float, *, higher_is_better: bool) -> str:
    """'met' or the factor still missing."""
    if higher_is_better:
        return "met" if value >= goal else f"distance: needs {goal / value:.2f}× more"
    return "met" if value <= goal else f"distance: {value / goal:.2f}× over"


def _row(goal: str, measured: str, peer: str, ratio: str, target: str, status: str,
         load: str, date: str, command: str) -> Row:  # fmt: skip
    return {
        "goal": goal,
        "measured": measured,
        "peer": peer,
        "ratio": ratio,
        "target": target,
        "status": status,
        "load": load,
        "date": date,
        "command": command,
    }


def _missing(goal: str, target: str, command: str) -> Row:
    return _row(goal, "not measured", "", "", target, "no result file", "", "", command)


def _program(r: dict[str, Any]) -> float:
    """Program CPU median of an equilibrium.json row (corridors: imports + read + solve)."""
    if "read_solve_cpu_s" in r:
        return float(r["import_cpu_s"]["median"] + r["read_solve_cpu_s"]["median"])
    return float(r["cpu_s"]["median"])


def equilibrium_rows() -> list[Row]:
    cmd = "python benchmarks/bench_equilibrium.py"
    doc = _load("equilibrium")
    goals = [(gap, mult) for gap in (1e-6, 1e-12) for mult in (1.0, 2.0)]
    if doc is None:
        return [_missing(f"equilibrium vs tap-b {g:.0e} {m:g}×", "≤ 0.5× tap-b", cmd)
                for g, m in goals]  # fmt: skip
    rows = doc["rows"]
    nets = {r["network"]: r for r in rows}
    # Chicago-Sketch-sized: the largest network measured (Winnipeg: 2,836 links vs 2,950)
    sizes = {"Winnipeg": 2836, "Barcelona": 2522, "Anaheim": 914, "SiouxFalls": 76}
    net = max(nets, key=lambda n: sizes.get(n, 0))
    out = []
    for gap, mult in goals:
        cell = [r for r in rows if (r["network"], r["demand"], r["target_gap"]) == (net, mult, gap)]
        tb = next((r for r in cell if r["solver"] == "tap-b"), None)
        cor = [r for r in cell if r["solver"].startswith("corridors")]
        goal = f"equilibrium to {gap:.0e}, {mult:g}× demand, vs tap-b ({net})"
        if tb is None or not cor:
            out.append(_missing(goal, "≤ 0.5× tap-b CPU", cmd))
            continue
        best = min(cor, key=_program)
        ratio = _program(best) / _program(tb)
        loaded = best.get("solve_warm_cpu_s", {}).get("median")
        out.append(
            _row(
                goal,
                f"{_program(best):.2f} s CPU ({best['solver']}; solve with kernels loaded "
                f"{loaded:.2f} s = {loaded / _program(tb):.2f}×)",
                f"tap-b {_program(tb):.2f} s",
                f"{ratio:.2f}×",
                "≤ 0.5× tap-b (program CPU, one thread)",
                _ratio_goal(ratio, 0.5, higher_is_better=False),
                _load_txt(best.get("load_avg_1min")),
                doc["meta"]["date"][:16],
                cmd,
            )
        )
    return out


def berlin_row() -> Row:
    cmd = (
        "python benchmarks/bench_equilibrium.py --networks BerlinCenter --multipliers 1 "
        "--gaps 1e-4 1e-6 --repeat 1 --out equilibrium_berlin"
    )
    doc = _load("equilibrium_berlin")
    goal = "Berlin-Center to 1e-6"
    if doc is None:
        return _missing(goal, "≤ 60 s CPU and ≤ 2 GB", cmd)
    cell = [r for r in doc["rows"] if r["target_gap"] == 1e-6]
    tb = next(r for r in cell if r["solver"] == "tap-b")
    best = min((r for r in cell if r["solver"] != "tap-b"), key=_program)
    t = _program(best)
    mem = best.get("peak_rss_mb")
    mem_txt = "memory not measured" if mem is None else f"peak memory {mem:,.0f} MB"
    tb_mem = tb.get("peak_rss_mb")
    if t > 60:
        verdict = f"distance: {t / 60:.2f}× over"
    elif mem is None:
        verdict = "met (time; memory not measured)"
    elif mem <= 2048:
        verdict = "met"
    else:
        verdict = f"time met; memory {mem / 2048:.2f}× over"
    return _row(
        goal,
        f"{t:.1f} s CPU ({best['solver']}, gap {best['recomputed_gap']:.1e}); {mem_txt}",
        f"tap-b {_program(tb):.1f} s"
        + ("" if tb_mem is None else f", peak memory {tb_mem:,.0f} MB"),
        f"{t / _program(tb):.2f}×",
        "≤ 60 s CPU, ≤ 2 GB",
        verdict,
        _load_txt(best.get("load_avg_1min")),
        doc["meta"]["date"][:16],
        cmd,
    )


def objective_row() -> Row:
    cmd = "python benchmarks/bench_equilibrium.py (Barcelona, 1e-12)"
    doc = _load("equilibrium")
    goal = "TNTP best-known objective to 1e-12 relative"
    if doc is None:
        return _missing(goal, "|obj − best| / best ≤ 1e-12", cmd)
    tight = [
        r
        for r in doc["rows"]
        if r.get("objective_rel_to_best") is not None and r["target_gap"] == 1e-12
    ]
    cands = [r for r in tight if r["solver"].startswith("corridors")]
    tb = [r for r in tight if r["solver"] == "tap-b"]
    if not cands:
        return _missing(goal, "|obj − best| / best ≤ 1e-12", cmd)
    worst = max(cands, key=lambda r: abs(r["objective_rel_to_best"]))
    v = abs(worst["objective_rel_to_best"])
    peer = f"tap-b {abs(tb[0]['objective_rel_to_best']):.1e}" if tb else ""
    return _row(
        goal,
        f"{v:.1e} (worst of {', '.join(sorted({r['solver'] for r in cands}))}; {worst['network']})",
        peer,
        "",
        "≤ 1e-12",
        "met" if v <= 1e-12 else f"distance: {v / 1e-12:.1f}× over",
        _load_txt(worst.get("load_avg_1min")),
        doc["meta"]["date"][:16],
        cmd,
    )


def multiclass_row() -> Row:
    cmd = "python benchmarks/bench_multiclass.py"
    doc = _load("multiclass")
    goal = "multi-class: same speed per class"
    if doc is None:
        return _missing(goal, "CPU/K ≤ CPU(1 class)", cmd)
    rows = [r for r in doc["rows"] if r["classes"] > 1]
    worst = max(rows, key=lambda r: r["per_class_ratio_to_single"])
    per = ", ".join(
        f"{r['network']} {r['algorithm']} K={r['classes']}: {r['per_class_ratio_to_single']:.2f}"
        for r in rows
    )
    v = worst["per_class_ratio_to_single"]
    return _row(
        goal,
        f"worst per-class ratio {v:.2f} ({per})",
        "the single-class solve, same run",
        f"{v:.2f}",
        "≤ 1.0 (CPU per class vs one class)",
        _ratio_goal(v, 1.0, higher_is_better=False),
        _load_txt(worst["load_avg_1min"]),
        doc["meta"]["date"][:16],
        cmd,
    )


def per_iteration_rows() -> list[Row]:
    cmd = "python benchmarks/bench_per_iteration.py --aequilibrae-python ../venv-aeq/bin/python"
    doc = _load("per_iteration")
    if doc is None:
        return [_missing("per iteration at 1 M links vs AequilibraE", "≥ 1.5×", cmd)]
    out = []
    for r in doc["rows"]:
        both = r["threads"] > 1
        key = "wall" if both else "cpu"
        ratio = r[f"aequilibrae_over_corridors_{key}"]
        c = r[f"corridors_{key}_per_iter_s"]["median"]
        e = r[f"aequilibrae_{key}_per_iter_s"]["median"]
        goal_txt = "≥ 1.5× AequilibraE" if r["links"] > 900_000 else "(scale point)"
        out.append(
            _row(
                f"per BFW iteration, {r['links']:,} links, {r['threads']} thread(s) ({key} s)",
                f"{c:.3f} s",
                f"AequilibraE {e:.3f} s",
                f"{ratio:.2f}× faster" if ratio >= 1 else f"{1 / ratio:.2f}× slower",
                goal_txt,
                _ratio_goal(ratio, 1.5, higher_is_better=True) if r["links"] > 900_000 else "",
                _load_txt(r["load_avg_1min"]),
                doc["meta"]["date"][:16],
                cmd,
            )
        )
    return out


def aequilibrae_rows() -> list[Row]:
    cmd = "python benchmarks/bench_aequilibrae.py --aequilibrae-python ../venv-aeq/bin/python"
    doc = _load("aequilibrae")
    if doc is None:
        return [_missing("BFW vs AequilibraE BFW (like for like)", "faster", cmd)]
    out = []
    rows = doc["rows"]
    for gap in sorted({r["target_gap"] for r in rows}, reverse=True):
        ratios, best_ratios = [], []
        for net in dict.fromkeys(r["network"] for r in rows):
            by = {r["solver"]: r for r in rows if (r["network"], r["target_gap"]) == (net, gap)}
            c, e = by.get("corridors-bfw"), by.get("aequilibrae-bfw")
            if c and e:
                ratios.append((net, e["solve_cpu_s"]["median"] / c["solve_cpu_s"]["median"]))
            cor = [by[s] for s in ("corridors-auto", "corridors-bush") if s in by]
            if cor and e:
                b = min(x["program_cpu_s"]["median"] for x in cor)
                best_ratios.append((net, e["program_cpu_s"]["median"] / b))
        load = _load_txt(rows[0].get("load_avg_1min"))
        if ratios:
            out.append(
                _row(
                    f"BFW vs AequilibraE BFW to {gap:.0e} (like for like, solve CPU)",
                    ", ".join(f"{n} {x:.1f}×" for n, x in ratios),
                    "AequilibraE BFW, same run",
                    f"median {statistics.median(x for _, x in ratios):.1f}× faster",
                    "(no numeric goal; issue 15 item 7)",
                    "reported",
                    load,
                    doc["meta"]["date"][:16],
                    cmd,
                )
            )
        if best_ratios:
            out.append(
                _row(
                    f"best vs AequilibraE to {gap:.0e} (program CPU)",
                    ", ".join(f"{n} {x:.1f}×" for n, x in best_ratios),
                    "AequilibraE BFW, same run",
                    f"median {statistics.median(x for _, x in best_ratios):.1f}× faster",
                    "(no numeric goal; issue 15 item 7)",
                    "reported",
                    load,
                    doc["meta"]["date"][:16],
                    cmd,
                )
            )
    return out


def dijkstra_row() -> Row:
    cmd = "python benchmarks/bench_dijkstra.py"
    doc = _load("dijkstra")
    goal = "full-tree Dijkstra, 1 M arcs, vs scipy"
    if doc is None:
        return _missing(goal, "≥ 1.5× scipy", cmd)
    st = doc["stats"]
    full = {k: v for k, v in st.items() if k.startswith("corridors") and k.endswith("_full")}
    name, best = max(full.items(), key=lambda kv: kv[1]["speedup_vs_scipy_median"])
    sp = best["speedup_vs_scipy_median"]
    m = doc["meta"]
    return _row(
        goal,
        f"{best['median_ms']:.1f} ms ({name}); {best['over_floor_median']:.1f}× the "
        f"memory-bandwidth floor of {m['floor_ms']:.1f} ms",
        f"scipy {st['scipy_full']['median_ms']:.1f} ms",
        f"{sp:.2f}×",
        "≥ 1.5× scipy; ratio to floor reported",
        _ratio_goal(sp, 1.5, higher_is_better=True),
        _load_txt(m.get("load_avg_1min")),
        str(m["date"])[:16],
        cmd,
    )


def pareto_row() -> Row:
    cmd = "python benchmarks/bench_pareto.py"
    doc = _load("pareto")
    goal = "Pareto search p95 on a 100× network"
    if doc is None:
        return _missing(goal, "p95 ≤ 50 ms with a stated approximation", cmd)
    big = max(r["x_bundled_vertices"] for r in doc["rows"])
    rows = [r for r in doc["rows"] if r["x_bundled_vertices"] == big]
    exact = next((r for r in rows if r["mode"] == "exact"), None)
    # Only modes that answer count: the unbounded search returns nothing when capped.
    useful = [r for r in rows if r["median_front"] > 0 and r["eps_bound_median"] < float("inf")]
    if not useful:
        return _missing(goal, "p95 ≤ 50 ms with a stated approximation", cmd)
    best = next((r for r in useful if r["mode"] == "exact_bounds"), useful[0])
    cap = doc["meta"].get("max_labels", "?")
    return _row(
        f"{goal} ({big:.0f}× vertices)",
        f"p95 {best['p95_ms']:.1f} ms ({best['mode']}, the library default; median "
        f"{best['median_front']:.0f} options; label cap {cap} reached in "
        f"{best['capped_queries']}/{best['queries']} queries, guaranteed ε median "
        f"{best['eps_bound_median']:.2f}, max {best['eps_bound_max']:.2f}); other modes "
        + ", ".join(f"{r['mode']} {r['p95_ms']:.1f} ms" for r in useful if r is not best),
        (
            f"unbounded search {exact['p95_ms']:.1f} ms, returns nothing in "
            f"{exact['capped_queries']}/{exact['queries']}"
            if exact
            else ""
        ),
        "",
        "p95 ≤ 50 ms with a stated approximation",
        _ratio_goal(best["p95_ms"], 50.0, higher_is_better=False)
        + " (time; the guaranteed ε is loose)",
        _load_txt(doc["meta"].get("load_avg_1min")),
        str(doc["meta"]["date"])[:16],
        cmd,
    )


def cli_rows() -> list[Row]:
    cmd = "python benchmarks/bench_cli.py"
    doc = _load("cli")
    wanted = [
        ("corridors route, warm", "warm CLI route"),
        ("corridors route, first run (cold caches)", "first CLI route (cold caches)"),
        ("import corridors", "import corridors"),
    ]
    if doc is None:
        return [_missing(label, "", cmd) for _, label in wanted]
    out = []
    for case, label in wanted:
        this = next((r for r in doc["rows"] if r["case"] == case and r["tree"] == "this"), None)
        base = next((r for r in doc["rows"] if r["case"] == case and r["tree"] != "this"), None)
        if this is None:
            out.append(_missing(label, "", cmd))
            continue
        limit = float(str(this["goal"]).split("≤")[1].split("s")[0])
        v = this["cpu_median"]
        out.append(
            _row(
                label,
                f"{v:.2f} s CPU (wall {this['wall_median']:.2f} s)",
                f"before: {base['cpu_median']:.2f} s" if base else "",
                f"{base['cpu_median'] / v:.1f}× less" if base else "",
                str(this["goal"]),
                "met" if this["met"] else f"distance: {v / limit:.2f}× over",
                str(doc["meta"].get("load_before", "")).split(" ")[0],
                str(doc["meta"]["date"])[:16],
                str(doc["meta"].get("command", cmd)),
            )
        )
    return out


def service_row() -> Row:
    cmd = "python benchmarks/bench_api_load.py --requests 2000 --seconds 30"
    doc = _load("api_load")
    goal = "service: uncached route requests at 64 clients, 2 workers"
    if doc is None:
        return _missing(goal, "≥ 500 req/s and p99 < 200 ms", cmd)
    r = next(
        (
            r
            for r in doc["rows"]
            if r["mix"] == "unique" and r["clients"] == 64 and r["config"] == "2 workers + cache"
        ),
        None,
    )
    if r is None:
        return _missing(goal, "≥ 500 req/s and p99 < 200 ms", cmd)
    ok_rps = r.get("ok_rps", r["rps"])
    p99 = r.get("p99_ok_ms", r["p99_ms"])
    refused = r.get("refused_503", 0) + r.get("refused_429", 0)
    peer = next(
        (
            x
            for x in doc["rows"]
            if x["mix"] == "unique" and x["clients"] == 64 and x["config"].startswith("1 worker")
        ),
        None,
    )
    peer_rps = peer.get("ok_rps", peer["rps"]) if peer else float("nan")
    peer_p99 = peer.get("p99_ok_ms", peer["p99_ms"]) if peer else float("nan")
    return _row(
        goal,
        f"{ok_rps:.0f} answered req/s, p99 {p99:.0f} ms (all answers {r['p99_ms']:.0f} ms), "
        f"{refused} refused with Retry-After, {r['dropped']} dropped",
        f"1 worker, no cache: {peer_rps:.0f} req/s, p99 {peer_p99:.0f} ms" if peer else "",
        f"{ok_rps / peer_rps:.1f}× req/s" if peer else "",
        "≥ 500 req/s, p99 < 200 ms",
        _service_status(ok_rps, p99),
        f"{r.get('load_before', float('nan')):.1f}",
        str(doc.get("started", ""))[:16],
        str(doc.get("command", cmd)),
    )


def _service_status(ok_rps: float, p99_ms: float) -> str:
    miss = []
    if ok_rps < 500:
        miss.append(f"req/s needs {500 / ok_rps:.1f}× more")
    if p99_ms >= 200:
        miss.append(f"p99 {p99_ms / 200:.1f}× over")
    return (
        "met"
        if not miss
        else "distance: " + "; ".join(miss) + ("" if p99_ms >= 200 else " (p99 met)")
    )


def admission_rows() -> list[Row]:
    """Uncached 64-client rows of the admission-control comparison runs (same run each)."""
    out = []
    for name in ("api_admission_a", "api_admission_b"):
        doc = _load(name)
        if doc is None:
            continue
        for r in doc["rows"]:
            if r["clients"] != 64:
                continue
            refused = r.get("refused_503", 0) + r.get("refused_429", 0)
            out.append(
                _row(
                    f"service, admission peer: {r['config']} (uncached, 64 clients)",
                    f"{r['ok_rps']:.0f} answered req/s, p99 of 200s {r['p99_ok_ms']:.0f} ms, "
                    f"{refused} refused",
                    "other rows of the same run",
                    "",
                    "≥ 500 req/s, p99 < 200 ms",
                    _service_status(r["ok_rps"], r["p99_ok_ms"]),
                    f"{r.get('load_before', float('nan')):.1f}",
                    str(doc.get("started", ""))[:16],
                    str(doc.get("command", "")),
                )
            )
    return out


def sweep_row() -> Row:
    cmd = "python benchmarks/bench_sweep.py --runs 100 --repeats 3"
    doc = _load("sweep")
    goal = "sweep of 100 warm-started runs on 2 workers vs serial"
    if doc is None:
        return _missing(goal, "≥ 1.8× faster", cmd)
    s = doc["speedup_scheduler_2"]["median"]
    lo = doc["speedup_local_2"]["median"]
    return _row(
        goal,
        f"existing scheduler {doc['scheduler_2']['median']:.1f} s ({s:.2f}×); fresh local "
        f"cluster {doc['local_2']['median']:.1f} s ({lo:.2f}×)",
        f"serial loop {doc['serial']['median']:.1f} s",
        f"{s:.2f}× / {lo:.2f}×",
        "≥ 1.8×",
        _ratio_goal(max(s, lo), 1.8, higher_is_better=True),
        _load_txt(doc.get("load_avg_before", [None])[0]),
        _mtime("sweep"),
        cmd,
    )


SECTIONS: list[tuple[str, Callable[[], Row | list[Row]]]] = [
    ("1 equilibrium", equilibrium_rows),
    ("1 equilibrium", berlin_row),
    ("1 equilibrium", objective_row),
    ("1 equilibrium", multiclass_row),
    ("1 equilibrium", per_iteration_rows),
    ("7 fair peers", aequilibrae_rows),
    ("2 shortest paths", dijkstra_row),
    ("3 Pareto", pareto_row),
    ("4 command", cli_rows),
    ("5 service", service_row),
    ("5 service", admission_rows),
    ("6 scale-out", sweep_row),
]


def main() -> None:
    rows: list[tuple[str, Row]] = []
    for item, fn in SECTIONS:
        try:
            got = fn()
        except (KeyError, StopIteration, TypeError, ValueError, ZeroDivisionError) as exc:
            got = _row(fn.__name__, f"result file unreadable: {exc!r}", "", "", "", "", "", "", "")
        for r in got if isinstance(got, list) else [got]:
            rows.append((item, r))
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Issue 15: performance goals, measured",
        "",
        f"Written {now} by `python benchmarks/summary.py` from `benchmarks/results/*.json` "
        "(each row's own run: date and load average, 1-minute, of a 2-core machine shared with "
        "other work). Ratios use medians; CPU seconds on one thread unless stated.",
        "",
        "| item | goal | measured | peer (same run) | ratio | target | met / distance | load "
        "| date | reproduce |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for item, r in rows:
        cells = [item] + [r[k] for k in ("goal", "measured", "peer", "ratio", "target", "status")]
        cells += [r["load"], r["date"], f"`{r['command']}`" if r["command"] else ""]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    (RESULTS / "SUMMARY.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
