"""Benchmark: time to converge the base year's mode/corridor/route choice equilibrium.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_baseyear.py [--repeat 5]``

Times, on the bundled network and base-year demand, with the calibrated parameters:

* ``build``: markets and first route sets (shortest-path probes at free-flow times);
* ``solve (sra)``: the equilibrium to relative gap 1e-6 with self-regulated averaging and
  route regeneration (the default);
* peers in the same run: the same solve with plain MSA steps (``1/k``), capped at 3,000
  iterations, and the fixed-demand user equilibrium of the overland network (gradient
  projection to relative gap 1e-6, ``assign_network``) on the 2021 overland demand, which
  has no mode choice (a reference for scale, not the same problem).

One warm-up run first (numba compilation or cache load); then ``--repeat`` runs, min and
median reported, with the 1-minute load average before and after (the machine is shared).
Writes ``benchmarks/results/baseyear.md`` and ``baseyear.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

from corridors.assignment import AssignmentSpec, assign_network, baseline_demand
from corridors.assignment.choice import load_parameters
from corridors.assignment.sue import SUESpec, base_demand, build_problem, solve
from corridors.errors import ConvergenceWarning
from corridors.network import load_network

RESULTS = Path(__file__).resolve().parent / "results"


def _time(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    net = load_network()
    od = base_demand(net)
    od_ue = baseline_demand(net)  # the fixed-demand UE runs on the 2021 overland classes
    params = load_parameters()
    load_before = os.getloadavg()[0]
    cases: dict[str, Any] = {
        "build": lambda: build_problem(net, od, params=params),
    }
    rows: dict[str, list[float]] = {k: [] for k in ("build", "solve_sra", "solve_msa", "ue_gp")}
    info: dict[str, Any] = {}
    for k in range(args.repeat + 1):
        sec, pr = _time(cases["build"])
        s_sra, r = _time(lambda pr=pr: solve(pr, params, spec=SUESpec(target_gap=1e-6)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            s_msa, rm = _time(
                lambda pr=pr: solve(
                    pr, params, spec=SUESpec(target_gap=1e-6, averaging="msa", max_iterations=3000)
                )
            )
        s_ue, ru = _time(lambda: assign_network(net, od_ue, spec=AssignmentSpec(target_gap=1e-6)))
        if k == 0:
            info["warmup_s"] = sec + s_sra
            continue
        rows["build"].append(sec)
        rows["solve_sra"].append(s_sra)
        rows["solve_msa"].append(s_msa)
        rows["ue_gp"].append(s_ue)
        info["sra"] = {
            "iterations": r.iterations,
            "gap": r.relative_gap,
            "converged": r.converged,
            "paths": r.problem.n_paths,
            "markets": len(r.problem.mkt_demand),
        }
        info["msa"] = {
            "iterations": rm.iterations,
            "gap": rm.relative_gap,
            "converged": rm.converged,
        }
        info["ue"] = {"iterations": ru.iterations, "gap": ru.relative_gap}
    load_after = os.getloadavg()[0]
    summary = {
        k: {"min_s": min(v), "median_s": statistics.median(v), "runs": len(v)}
        for k, v in rows.items()
    }
    total = [b + s for b, s in zip(rows["build"], rows["solve_sra"], strict=True)]
    summary["build_plus_solve"] = {
        "min_s": min(total),
        "median_s": statistics.median(total),
        "runs": len(total),
    }
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "parameters": dict(params.provenance),
        "demand_classes": list(od.classes),
        "command": "PYTHONPATH=src .venv/bin/python benchmarks/bench_baseyear.py "
        f"--repeat {args.repeat}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "baseyear.json").write_text(
        json.dumps({"meta": meta, "summary": summary, "info": info}, indent=2, default=str)
    )
    lines = [
        "# Base-year equilibrium benchmark",
        "",
        f"Date {meta['date']}; machine {meta['machine']}; 1-min load average "
        f"{meta['load_average_1min'][0]} before, {meta['load_average_1min'][1]} after "
        "(2 cores shared with other users).",
        f"Demand classes {meta['demand_classes']}; {info['sra']['markets']} markets, "
        f"{info['sra']['paths']} routes after regeneration. Parameters: "
        f"{meta['parameters'].get('run_date', meta['parameters'])}.",
        f"Command: `{meta['command']}`. One warm-up run ({info['warmup_s']:.1f} s, includes "
        "numba cache load), then the repeats.",
        "",
        "| step | min s | median s | iterations | final relative gap |",
        "|---|---:|---:|---:|---:|",
        f"| build route sets | {summary['build']['min_s']:.3f} | "
        f"{summary['build']['median_s']:.3f} | | |",
        f"| choice equilibrium, SRA (default) | {summary['solve_sra']['min_s']:.3f} | "
        f"{summary['solve_sra']['median_s']:.3f} | {info['sra']['iterations']} | "
        f"{info['sra']['gap']:.1e} |",
        f"| **time to converge the base year (build + SRA)** | "
        f"**{summary['build_plus_solve']['min_s']:.3f}** | "
        f"**{summary['build_plus_solve']['median_s']:.3f}** | | |",
        f"| peer: same, plain MSA (cap 3,000 it.) | {summary['solve_msa']['min_s']:.3f} | "
        f"{summary['solve_msa']['median_s']:.3f} | {info['msa']['iterations']} | "
        f"{info['msa']['gap']:.1e} |",
        f"| peer: fixed-demand UE, gradient projection | {summary['ue_gp']['min_s']:.3f} | "
        f"{summary['ue_gp']['median_s']:.3f} | {info['ue']['iterations']} | "
        f"{info['ue']['gap']:.1e} |",
        "",
        "Goal (issue 9): ≤ 10 s to relative gap 1e-6 on this 2-core machine. The choice gap is",
        "the share of TEU-equivalent demand the logit would still move at the current times;",
        "the UE gap is (TSTT − SPTT)/TSTT; they are different measures of different problems.",
    ]
    (RESULTS / "baseyear.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
