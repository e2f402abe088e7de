"""Benchmark: equilibrium CPU per demand class, several classes against one (issue #15, item 1).

Goal: multi-class (several commodities with their own costs and link masks) at the same speed
per class. On TNTP networks, the trips are split into K equal classes (K = 1, 2, 4), each with
its own seeded per-link fixed cost (a toll up to 10 % of the link's free-flow time) and its own
link mask (a seeded 2 % of the links that touch no zone closed to it, each only if an
alternative path remains); K = 1 is the plain
single-class problem. Each is solved to the same relative gap by ``gp`` (the default at these
gaps) and ``bush``, in this process on one numba thread, after a warm-up solve, repeats
interleaved across K. Reported: CPU seconds of the solve (min, median), iterations, the
reached gap, per-class CPU = CPU / K and its ratio to the single-class CPU (≤ 1: goal met),
warnings raised (e.g. demand lost to a mask), load average before/after.

Usage::

    .venv/bin/python benchmarks/bench_multiclass.py                  # Winnipeg, Barcelona
    .venv/bin/python benchmarks/bench_multiclass.py --networks Anaheim --repeat 2

Writes ``results/multiclass.{md,json}``.
"""

from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"  # before numba is imported: one thread, like the peers

import argparse
import datetime as _dt
import json
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

from bench_equilibrium import TNTP  # noqa: E402


def classes(case: Any, k: int, seed: int) -> list[Any]:
    """K demand classes splitting the trips, each with its own tolls and closed links.

    A link is closed to a class only if its tail still reaches its head without it (and
    without passing through a zone), so every OD pair keeps a route: no demand is lost."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    from corridors.assignment import DemandClass

    if k == 1:
        return [DemandClass("all", case.trips)]
    g = case.graph
    rng = np.random.default_rng(seed)
    touches_zone = (g.from_node < g.n_zones) | (g.to_node < g.n_zones)
    candidates = np.flatnonzero(~touches_zone)
    out = []
    for c in range(k):
        toll = rng.uniform(0.0, 0.1, g.n_links) * g.free_flow_time
        open_ = ~touches_zone.copy()
        wanted = min(candidates.size, max(1, int(0.02 * g.n_links)))
        for link in rng.permutation(candidates):
            if int((~open_[candidates]).sum()) >= wanted:
                break
            open_[link] = False
            adj = csr_matrix(
                (np.ones(int(open_.sum())), (g.from_node[open_], g.to_node[open_])),
                shape=(g.n_nodes, g.n_nodes),
            )
            if g.to_node[link] not in breadth_first_order(adj, int(g.from_node[link]))[0]:
                open_[link] = True  # it was needed: keep it open
        mask = open_ | touches_zone
        out.append(DemandClass(f"c{c}", case.trips / k, fixed_cost=toll, link_mask=mask))
    return out


def solve(case: Any, demand: list[Any], algo: str, gap: float) -> dict[str, Any]:
    from corridors.assignment import AssignmentSpec, assign

    t = time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = assign(
            case.graph,
            demand,
            spec=AssignmentSpec(algorithm=algo, target_gap=gap, max_iterations=5000),
        )
    cpu = time.process_time() - t
    return {
        "cpu": cpu,
        "iterations": r.iterations,
        "gap": float(r.relative_gap),
        "converged": bool(r.converged),
        "warnings": sorted({str(w.message)[:120] for w in caught}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--networks", nargs="+", default=["Winnipeg", "Barcelona"])
    ap.add_argument("--classes", nargs="+", type=int, default=[1, 2, 4])
    ap.add_argument("--algorithms", nargs="+", default=["gp", "bush"])
    ap.add_argument("--gap", type=float, default=1e-6)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", default="multiclass")
    a = ap.parse_args()
    from corridors.io.tntp import read_tntp

    rows: list[dict[str, Any]] = []
    for name in a.networks:
        case = read_tntp(TNTP / name)
        demands = {k: classes(case, k, a.seed) for k in a.classes}
        for algo in a.algorithms:
            solve(case, demands[max(a.classes)], algo, 1e-2)  # warm-up: kernels loaded
            load0 = os.getloadavg()[0]
            runs: dict[int, list[dict[str, Any]]] = {k: [] for k in a.classes}
            for _ in range(a.repeat):
                for k in a.classes:
                    runs[k].append(solve(case, demands[k], algo, a.gap))
            load1 = os.getloadavg()[0]
            single = statistics.median(r["cpu"] for r in runs[min(a.classes)])
            for k, rs in runs.items():
                med = statistics.median(r["cpu"] for r in rs)
                row = {
                    "network": name,
                    "links": int(case.graph.n_links),
                    "algorithm": algo,
                    "classes": k,
                    "target_gap": a.gap,
                    "cpu_s": {"min": min(r["cpu"] for r in rs), "median": med},
                    "cpu_per_class_s": med / k,
                    "per_class_ratio_to_single": med / k / single,
                    "iterations": rs[-1]["iterations"],
                    "gap": rs[-1]["gap"],
                    "converged": rs[-1]["converged"],
                    "warnings": rs[-1]["warnings"],
                    "load_avg_1min": [load0, load1],
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "goal": "CPU per class with K classes <= CPU of the single-class problem",
        "command": "python benchmarks/bench_multiclass.py " + " ".join(sys.argv[1:]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    lines = [
        "# Multi-class equilibrium: CPU per class (one numba thread)",
        "",
        f"{meta['date']} · {meta['machine']} · Python {meta['python']} · `{meta['command']}`",
        "",
        "K classes split the trips, each with its own tolls (≤ 10 % of free-flow time) and 2 % "
        "of the non-zone links closed; K = 1 is the plain problem. Solve CPU (kernels loaded), "
        "median of interleaved repeats. Per-class ratio = (CPU / K) / CPU(K = 1): ≤ 1 meets "
        "the goal (same speed per class).",
        "",
        "| network | algorithm | classes | CPU min s | CPU median s | per class s "
        "| per-class ratio | iter | gap | load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['algorithm']} | {r['classes']} | {r['cpu_s']['min']:.3f} "
            f"| {r['cpu_s']['median']:.3f} | {r['cpu_per_class_s']:.3f} "
            f"| {r['per_class_ratio_to_single']:.2f} | {r['iterations']} | {r['gap']:.1e} "
            f"| {r['load_avg_1min'][0]:.1f}/{r['load_avg_1min'][1]:.1f} |"
        )
    (RESULTS / f"{a.out}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
