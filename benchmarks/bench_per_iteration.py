"""Benchmark: CPU per equilibrium iteration at 100 k, 400 k and 1 M links, against AequilibraE.

Issue #15, item 1 ("per iteration at 1 M links: ≥ 1.5× AequilibraE"). Seeded synthetic grids
(``side × side`` nodes, links both ways between neighbours: 4·side·(side−1) links; BPR
α = 0.15, β = 4; random free-flow times and capacities; ``--zones`` zones on an even lattice,
dense random demand) are solved by both sides with bi-conjugate Frank-Wolfe for a fixed number
of iterations (no convergence test can stop them), each in its own process, interleaved:

* corridors ``assign(..., AssignmentSpec(algorithm="bfw"))`` with ``NUMBA_NUM_THREADS`` = 1 or 2;
* AequilibraE (own venv, ``--aequilibrae-python``, see ``bench_aequilibrae.py``) with
  ``set_cores`` = 1 or 2 and ``OMP_WAIT_POLICY=passive``.

Per-iteration cost = median of the differences between consecutive per-iteration timestamps
each solver records (corridors: ``IterationRecord.cpu_seconds``; AequilibraE: its convergence
report, switched to process CPU), skipping the first two iterations (initial all-or-nothing
and the FW step that starts BFW). CPU seconds of the process (all threads); with 2 threads
the wall seconds per iteration are reported too. Min and median over repeats, load average.

Usage::

    .venv/bin/python benchmarks/bench_per_iteration.py --aequilibrae-python ../venv-aeq/bin/python
    .venv/bin/python benchmarks/bench_per_iteration.py --sizes 100000 --threads 1   # quick

Writes ``results/per_iteration.{md,json}``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
AEQ_CHILD = HERE / "_aeq_child.py"
sys.path.insert(0, str(HERE))

from bench_aequilibrae import default_aeq_python  # noqa: E402

CHILD = r"""
import json, sys, time, warnings
import numpy as np
from corridors.assignment import AssignmentGraph, AssignmentSpec, DemandClass, assign
d = np.load(sys.argv[1])
n_iter, out = int(sys.argv[2]), sys.argv[3]
g = AssignmentGraph(from_node=d["from_node"], to_node=d["to_node"], n_nodes=int(d["n_nodes"]),
                    n_zones=int(d["n_zones"]), free_flow_time=d["free_flow_time"],
                    capacity=d["capacity"], alpha=d["alpha"], beta=d["beta"], zone_through=True)
dem = [DemandClass("v", d["trips"])]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    assign(g, dem, spec=AssignmentSpec(algorithm="bfw", target_gap=1e-12, max_iterations=1))
    w0 = time.perf_counter()
    r = assign(g, dem, spec=AssignmentSpec(algorithm="bfw", target_gap=1e-12,
                                           max_iterations=n_iter))
    wall = time.perf_counter() - w0
print(json.dumps({"cpu": [h.cpu_seconds for h in r.history],
                  "wall": [h.seconds for h in r.history],
                  "gap": [h.relative_gap for h in r.history], "solve_wall": wall}))
"""


def grid_case(side: int, n_zones_side: int, seed: int, path: Path) -> dict[str, int]:
    """Write a seeded grid assignment case; zones are renumbered to the first node ids."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    frm, to = np.concatenate([a, b]), np.concatenate([b, a])
    pos = np.linspace(0, side - 1, n_zones_side).round().astype(int)
    zones = idx[np.ix_(pos, pos)].ravel()
    nz = zones.size
    perm = np.full(side * side, -1)
    perm[zones] = np.arange(nz)
    rest = np.setdiff1d(np.arange(side * side), zones)
    perm[rest] = np.arange(nz, side * side)
    m = frm.size
    trips = rng.uniform(50.0, 150.0, (nz, nz))
    np.fill_diagonal(trips, 0.0)
    np.savez(
        path,
        from_node=perm[frm].astype(np.int32),
        to_node=perm[to].astype(np.int32),
        n_nodes=side * side,
        n_zones=nz,
        free_flow_time=rng.uniform(1.0, 3.0, m),
        capacity=rng.uniform(300.0, 1500.0, m),
        alpha=np.full(m, 0.15),
        beta=np.full(m, 4.0),
        trips=trips,
        zone_through=True,
    )
    return {"links": int(m), "nodes": side * side, "zones": int(nz)}


def _per_iter(ts: list[float]) -> float:
    d = np.diff(np.asarray(ts, float)[1:])  # drop the first record (initial AON + FW step)
    return float(np.median(d)) if d.size else float("nan")


def _run(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:2]} failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def run_corridors(npz: Path, n_iter: int, threads: int) -> dict[str, float]:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_WAIT_POLICY="passive")
    env["PYTHONPATH"] = str(REPO / "src")
    info = _run([sys.executable, "-c", CHILD, str(npz), str(n_iter), "-"], env)
    return {
        "cpu_per_iter": _per_iter(info["cpu"]),
        "wall_per_iter": _per_iter(info["wall"]),
        "iterations": len(info["cpu"]),
    }


def run_aeq(aeq_py: str, npz: Path, n_iter: int, threads: int, tmp: Path) -> dict[str, float]:
    env = dict(os.environ, AEQ_SHOW_PROGRESS="FALSE", OMP_WAIT_POLICY="passive")
    env["OMP_NUM_THREADS"] = str(threads)
    env.pop("PYTHONPATH", None)
    out = tmp / "aeq.npy"
    cmd = [aeq_py, str(AEQ_CHILD), str(npz), "bfw", "1e-12", str(n_iter), str(out), str(threads)]
    info = _run(cmd, env)
    cpu = [h[0] for h in info["history"]]
    wall = info.get("wall_history", cpu)
    return {
        "cpu_per_iter": _per_iter(cpu),
        "wall_per_iter": _per_iter(wall),
        "iterations": int(info["iterations"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--aequilibrae-python", default=default_aeq_python())
    ap.add_argument("--sizes", nargs="+", type=int, default=[100_000, 400_000, 1_000_000])
    ap.add_argument("--zones-side", type=int, default=7, help="zones = this squared")
    ap.add_argument("--iterations", type=int, default=6)
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", default="per_iteration")
    ap.add_argument("--merge", nargs="+", help="combine the JSON of earlier runs into --out")
    a = ap.parse_args()
    if a.merge:
        docs = [json.loads(Path(f).read_text()) for f in a.merge]
        meta = dict(docs[0]["meta"])
        meta["command"] = "; ".join(d["meta"]["command"] for d in docs)
        meta["date"] = " … ".join(sorted({d["meta"]["date"] for d in docs}))
        rows = [r for d in docs for r in d["rows"]]
        (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
        write_markdown(RESULTS / f"{a.out}.md", meta, rows)
        return
    if not a.aequilibrae_python or not Path(a.aequilibrae_python).exists():
        sys.exit("AequilibraE's interpreter not found: pass --aequilibrae-python PATH.")
    tmp = Path(tempfile.mkdtemp(prefix="bench_periter_"))
    rows: list[dict[str, Any]] = []
    for size in a.sizes:
        side = round((1 + (1 + size) ** 0.5) / 2)  # 4·s·(s−1) ≈ size
        npz = tmp / f"grid_{side}.npz"
        shape = grid_case(side, a.zones_side, a.seed, npz)
        for threads in a.threads:
            load0 = os.getloadavg()[0]
            runs: dict[str, list[dict[str, float]]] = {"corridors": [], "aequilibrae": []}
            for _ in range(a.repeat):
                runs["corridors"].append(run_corridors(npz, a.iterations, threads))
                runs["aequilibrae"].append(
                    run_aeq(a.aequilibrae_python, npz, a.iterations, threads, tmp)
                )
            load1 = os.getloadavg()[0]
            row: dict[str, Any] = {"target_links": size, **shape, "threads": threads}
            for side_name, rs in runs.items():
                for k in ("cpu_per_iter", "wall_per_iter"):
                    xs = [r[k] for r in rs]
                    row[f"{side_name}_{k}_s"] = {"min": min(xs), "median": statistics.median(xs)}
                row[f"{side_name}_iterations"] = rs[-1]["iterations"]
            row["aequilibrae_over_corridors_cpu"] = (
                row["aequilibrae_cpu_per_iter_s"]["median"]
                / row["corridors_cpu_per_iter_s"]["median"]
            )
            row["aequilibrae_over_corridors_wall"] = (
                row["aequilibrae_wall_per_iter_s"]["median"]
                / row["corridors_wall_per_iter_s"]["median"]
            )
            row["load_avg_1min"] = [load0, load1]
            rows.append(row)
            print(json.dumps(row), flush=True)
    aeq_version = subprocess.run(
        [
            a.aequilibrae_python,
            "-c",
            "import importlib.metadata as m;print(m.version('aequilibrae'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "aequilibrae_version": aeq_version,
        "zones": a.zones_side**2,
        "iterations": a.iterations,
        "goal": "corridors per iteration >= 1.5x faster than AequilibraE at 1 M links",
        "command": "python benchmarks/bench_per_iteration.py " + " ".join(sys.argv[1:]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    write_markdown(RESULTS / f"{a.out}.md", meta, rows)


def write_markdown(path: Path, meta: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    lines = [
        "# Per-iteration cost: corridors BFW vs AequilibraE BFW on synthetic grids",
        "",
        f"{meta['date']} · {meta['machine']} · Python {meta['python']} · AequilibraE "
        f"{meta['aequilibrae_version']} (own venv, `OMP_WAIT_POLICY=passive`) · "
        f"{meta['zones']} zones, {meta['iterations']} iterations · `{meta['command']}`",
        "",
        "Seconds per BFW iteration (median of consecutive per-iteration timestamps after the "
        "first), median over interleaved repeats (min in brackets). CPU = process CPU, all "
        "threads. Ratio > 1: corridors faster. Goal: ≥ 1.5 at 1 M links.",
        "",
        "| links | zones | threads | corridors CPU s/iter | AequilibraE CPU s/iter "
        "| AeqE ÷ corridors (CPU) | corridors wall | AeqE wall | AeqE ÷ corridors (wall) "
        "| load |",
        "|---:|---:|---:|---|---|---:|---|---|---:|---|",
    ]
    for r in rows:
        c, e = r["corridors_cpu_per_iter_s"], r["aequilibrae_cpu_per_iter_s"]
        cw, ew = r["corridors_wall_per_iter_s"], r["aequilibrae_wall_per_iter_s"]
        lines.append(
            f"| {r['links']:,} | {r['zones']} | {r['threads']} "
            f"| {c['median']:.3f} ({c['min']:.3f}) | {e['median']:.3f} ({e['min']:.3f}) "
            f"| {r['aequilibrae_over_corridors_cpu']:.2f} | {cw['median']:.3f} "
            f"| {ew['median']:.3f} | {r['aequilibrae_over_corridors_wall']:.2f} "
            f"| {r['load_avg_1min'][0]:.1f}/{r['load_avg_1min'][1]:.1f} |"
        )
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    t0 = time.time()
    main()
    print(f"done in {time.time() - t0:.0f} s wall")
