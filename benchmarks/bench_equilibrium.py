"""Benchmark: corridors' equilibrium solvers against tap-b (Algorithm B in C), same run.

Issue #15, item 1 and 7. For each TNTP network, demand multiplier and target gap, both
solvers run as separate processes on one thread, repeatedly, interleaved (corridors, tap-b,
corridors, tap-b, …) so that both see the same machine load:

* **tap-b** is built from source (``../shared/peers/tap-b``, ``make serial``) into a temporary
  directory in the same run; it is given its best settings (serial build, Beckmann objective
  not computed per iteration) and the same gap target. Its own gap is (TSTT − SPTT) / SPTT.
* **corridors** runs ``read_tntp`` + ``assign`` in a fresh Python process with one numba
  thread, after a warm-up run that fills the numba cache.

Measured: CPU seconds (user + sys) of the child process from ``getrusage`` for tap-b (the
whole program, file reading included); for corridors, inside its process, the imports, the
part from reading the files to the returned flows (numba cache loading included) and the
same solve repeated in that process once the compiled
kernels are loaded ("solve (loaded)"; tap-b's figure always includes reading). Every
side's relative gap ``(TSTT − SPTT) / TSTT`` and Beckmann
objective are recomputed here from the flows it returned (tap-b prints flows with 6
decimals, which bounds how small its recomputed gap can be). Min and median of the repeats,
and the 1-minute load average before and after each cell.

Usage::

    .venv/bin/python benchmarks/bench_equilibrium.py               # full table (~15 min)
    .venv/bin/python benchmarks/bench_equilibrium.py --quick       # Winnipeg 1×, 2 repeats
    .venv/bin/python benchmarks/bench_equilibrium.py --networks BerlinCenter --gaps 1e-4 1e-6

Writes ``benchmarks/results/equilibrium.{md,json}`` and the convergence plot
``equilibrium_convergence.png`` (gap against CPU seconds).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
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
SHARED = next(
    (p / "shared" for p in REPO.parents if (p / "shared" / "data" / "tntp").is_dir()),
    REPO.parent / "shared",
)
TNTP = SHARED / "data" / "tntp"
TAPB_SRC = SHARED / "peers" / "tap-b"
# Best-known Beckmann objectives stated in the TNTP READMEs (TransportationNetworks repo).
BEST_OBJECTIVE = {("Barcelona", 1.0): 1265654.92203176}

CHILD = r"""
import json, sys, time, warnings
t0 = time.process_time()
import numpy as np
from corridors.assignment import AssignmentSpec, DemandClass, assign
from corridors.io.tntp import read_tntp
t_import = time.process_time() - t0
folder, algo, out = sys.argv[1], sys.argv[2], sys.argv[5]
gap, mult = float(sys.argv[3]), float(sys.argv[4])
t1 = time.process_time()
case = read_tntp(folder)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    r = assign(case.graph, [DemandClass("v", case.trips * mult)],
               spec=AssignmentSpec(algorithm=algo, target_gap=gap, max_iterations=5000))
t_solve = time.process_time() - t1
t2 = time.process_time()
with warnings.catch_warnings():  # the same solve again: compiled kernels already loaded
    warnings.simplefilter("ignore")
    assign(case.graph, [DemandClass("v", case.trips * mult)],
           spec=AssignmentSpec(algorithm=algo, target_gap=gap, max_iterations=5000))
t_warm = time.process_time() - t2
np.save(out, r.link_flow)
print(json.dumps({"import_cpu": t_import, "read_solve_cpu": t_solve, "solve_warm_cpu": t_warm,
                  "iterations": r.iterations,
                  "own_gap": r.relative_gap,
                  "history": [[h.cpu_seconds, h.relative_gap] for h in r.history]}))
"""


def build_tapb(workdir: Path) -> Path:
    """Copy tap-b's source into ``workdir`` and build its serial binary; returns its path."""
    dst = workdir / "tap-b"
    shutil.copytree(TAPB_SRC, dst)
    subprocess.run(["make", "-C", str(dst), "serial"], check=True, capture_output=True)
    return dst / "bin" / "tap"


def child_cpu(cmd: list[str], **kw: Any) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; returns the child's user + sys CPU seconds and the completed process.

    The child is reaped with ``os.wait4`` so its own resource usage is read; its peak
    resident memory (MB) is stored on the returned process as ``peak_rss_mb``.
    """
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, text=True, **kw)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        proc = subprocess.CompletedProcess(cmd, p.returncode, fo.read(), fe.read())
    cpu = usage.ru_utime + usage.ru_stime
    proc.peak_rss_mb = usage.ru_maxrss / 1024.0  # type: ignore[attr-defined]
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")
    return cpu, proc


def run_tapb(tap: Path, run_dir: Path, name: str, mult: float, gap: float) -> dict[str, Any]:
    params = run_dir / f"{name}.txt"
    flows = run_dir / f"{name}_flows.txt"
    params.write_text(
        f"<NETWORK FILE> {name}_net.tntp\n<TRIPS FILE> {name}_trips.tntp\n"
        f"<CONVERGENCE GAP> {gap}\n<MAX RUN TIME> 600\n<DEMAND MULTIPLIER> {mult}\n"
        f"<FLOWS FILE> {flows}\n<OMIT BECKMANN> TRUE\n"
    )
    cpu, proc = child_cpu([str(tap), str(params)], cwd=run_dir)
    hist = [
        (float(t), float(g))
        for g, t in re.findall(r"gap ([0-9.eE+-]+),.*?time ([0-9.]+)", proc.stdout)
    ]
    vols = [float(v) for v in re.findall(r"^\(\d+,\d+\) ([0-9.eE+-]+)", flows.read_text(), re.M)]
    return {
        "cpu": cpu,
        "peak_rss_mb": proc.peak_rss_mb,  # type: ignore[attr-defined]
        "flow": np.array(vols),
        "iterations": len(hist),
        "history": hist,
    }


def run_corridors(name: str, algo: str, mult: float, gap: float, tmp: Path) -> dict[str, Any]:
    out = tmp / f"{name}_{algo}.npy"
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = str(REPO / "src")
    cmd = [sys.executable, "-c", CHILD, str(TNTP / name), algo, str(gap), str(mult), str(out)]
    cpu, proc = child_cpu(cmd, env=env)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["cpu"] = cpu
    info["peak_rss_mb"] = proc.peak_rss_mb  # type: ignore[attr-defined]
    info["flow"] = np.load(out)
    return info


def evaluate(case: Any, mult: float, flow: np.ndarray) -> dict[str, float]:
    """Relative gap (TSTT − SPTT) / TSTT and Beckmann objective recomputed from link flows."""
    from corridors.assignment import DemandClass
    from corridors.assignment.algorithms import _gap, _prepare

    prob = _prepare(case.graph, [DemandClass("v", case.trips * mult)])
    t = prob.times(flow)
    tstt = float(np.dot(flow, t))
    _, sptt, _ = prob.aon(t)
    obj = prob.objective(flow, flow[None, :])
    return {"gap": _gap(tstt, sptt), "objective": obj}


def summarize(xs: list[float]) -> dict[str, float]:
    return {"min": min(xs), "median": statistics.median(xs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--networks", nargs="+", default=["Winnipeg", "Anaheim", "Barcelona"])
    ap.add_argument("--multipliers", nargs="+", type=float, default=[1.0, 2.0])
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-6, 1e-12])
    ap.add_argument("--algorithms", nargs="+", default=["bush", "gp"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="Winnipeg 1×, gaps 1e-6/1e-12, 2 runs")
    ap.add_argument("--out", default="equilibrium")
    ap.add_argument(
        "--from-log",
        help="rebuild the tables from the JSON rows a (partial) run printed, without running",
    )
    a = ap.parse_args()
    if a.from_log:
        rows = [json.loads(x) for x in Path(a.from_log).read_text().splitlines() if x[:1] == "{"]
        meta = {
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
            "python": platform.python_version(),
            "command": "python benchmarks/bench_equilibrium.py "
            + " ".join(sys.argv[1:])
            + " (rows of a partial run; no convergence plot)",
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
        write_markdown(RESULTS / f"{a.out}.md", meta, rows)
        return
    if a.quick:
        a.networks, a.multipliers, a.gaps, a.repeat = ["Winnipeg"], [1.0], [1e-6, 1e-12], 2
    sys.path.insert(0, str(REPO / "src"))
    from corridors.io.tntp import read_tntp

    tmp = Path(tempfile.mkdtemp(prefix="bench_eq_"))
    tap = build_tapb(tmp)
    run_dir = tmp / "run"
    (run_dir / "net").mkdir(parents=True)
    rows: list[dict[str, Any]] = []
    curves: dict[str, Any] = {}
    for name in a.networks:
        for f in ("net", "trips"):
            shutil.copy(TNTP / name / f"{name}_{f}.tntp", run_dir / "net")
        case = read_tntp(TNTP / name)
        for algo in a.algorithms:  # warm-up: fills the numba cache for this build
            run_corridors(name, algo, 1.0, 1e-2, tmp)
        for mult in a.multipliers:
            for gap in a.gaps:
                load0 = os.getloadavg()[0]
                runs: dict[str, list[dict[str, Any]]] = {"tap-b": []}
                runs.update({f"corridors-{al}": [] for al in a.algorithms})
                for _ in range(a.repeat):
                    for al in a.algorithms:
                        runs[f"corridors-{al}"].append(run_corridors(name, al, mult, gap, tmp))
                    runs["tap-b"].append(run_tapb(tap, run_dir, name, mult, gap))
                load1 = os.getloadavg()[0]
                tapb_med = statistics.median(r["cpu"] for r in runs["tap-b"])
                for solver, rs in runs.items():
                    ev = evaluate(case, mult, rs[-1]["flow"])
                    best = BEST_OBJECTIVE.get((name, mult))
                    row = {
                        "network": name,
                        "demand": mult,
                        "target_gap": gap,
                        "solver": solver,
                        "cpu_s": summarize([r["cpu"] for r in rs]),
                        "iterations": rs[-1]["iterations"],
                        "recomputed_gap": ev["gap"],
                        "objective": ev["objective"],
                        "objective_rel_to_best": (ev["objective"] - best) / best if best else None,
                        "process_cpu_ratio_to_tapb_median": statistics.median(r["cpu"] for r in rs)
                        / tapb_med,
                        "load_avg_1min": [load0, load1],
                        "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                    }
                    if solver != "tap-b":
                        row["read_solve_cpu_s"] = summarize([r["read_solve_cpu"] for r in rs])
                        row["import_cpu_s"] = summarize([r["import_cpu"] for r in rs])
                        row["solve_warm_cpu_s"] = summarize([r["solve_warm_cpu"] for r in rs])
                        row["warm_ratio_to_tapb_median"] = (
                            row["solve_warm_cpu_s"]["median"] / tapb_med
                        )
                    rows.append(row)
                    print(json.dumps(row), flush=True)
                    curves[f"{name} ×{mult:g} {solver}"] = rs[-1]["history"]
    shutil.rmtree(tmp, ignore_errors=True)
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "command": "python benchmarks/bench_equilibrium.py " + " ".join(sys.argv[1:]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    write_markdown(RESULTS / f"{a.out}.md", meta, rows)
    plot(RESULTS / f"{a.out}_convergence.png", curves)


def _program_cpu(r: dict[str, Any], key: str) -> float:
    """CPU of one solve as a program: tap-b's process; corridors' imports + read + solve."""
    if "read_solve_cpu_s" not in r:
        return float(r["cpu_s"][key])
    return float(r["import_cpu_s"][key] + r["read_solve_cpu_s"][key])


def write_markdown(path: Path, meta: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    lines = [
        "# Equilibrium: corridors vs tap-b (same run, CPU seconds, one thread)",
        "",
        f"{meta['date']} · {meta['machine']} · Python {meta['python']} · `{meta['command']}`",
        "",
        "`program` = CPU of one solve as a program: tap-b's whole process (user + sys, file "
        "reading included); corridors' imports + reading the files + solve, measured inside "
        "its process (numba cache loading included; interpreter start-up, ~0.05 s, not; "
        "min/median are sums of the parts' min/median). `solve (loaded)` = the same corridors "
        "solve repeated in that process. Ratios use medians. Gaps (TSTT−SPTT)/TSTT are "
        "recomputed here from each side's returned flows (tap-b writes them with 6 decimals, "
        "which limits its recomputed gap near 1e-12). Load = 1-min load average before/after "
        "the cell (shared machine). Peak memory = the largest resident set (``wait4`` "
        "``ru_maxrss``) of the solver's process over the repeats.",
        "",
        "| network | demand | target | solver | program min | program median "
        "| solve (loaded) median | × tap-b (program) | × tap-b (solve loaded) | iter "
        "| recomputed gap | objective − best (rel.) | peak memory MB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    tapb = {
        (r["network"], r["demand"], r["target_gap"]): r["cpu_s"]["median"]
        for r in rows
        if r["solver"] == "tap-b"
    }
    for r in rows:
        ref = tapb.get((r["network"], r["demand"], r["target_gap"]), float("nan"))
        prog_med = _program_cpu(r, "median")
        sw = r.get("solve_warm_cpu_s")
        sw_txt = "" if sw is None else f"{sw['median']:.2f}"
        wr_txt = "" if sw is None else f"{sw['median'] / ref:.2f}"
        obj = r["objective_rel_to_best"]
        mem = f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else ""
        lines.append(
            f"| {r['network']} | {r['demand']:g}× | {r['target_gap']:.0e} | {r['solver']} "
            f"| {_program_cpu(r, 'min'):.2f} | {prog_med:.2f} | {sw_txt} "
            f"| {prog_med / ref:.2f} | {wr_txt} | {r['iterations']} "
            f"| {r['recomputed_gap']:.1e} | {'' if obj is None else f'{obj:.1e}'} "
            f"| {mem} "
            f"| {r['load_avg_1min'][0]:.1f}/{r['load_avg_1min'][1]:.1f} |"
        )
    path.write_text("\n".join(lines) + "\n")


def plot(path: Path, curves: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for label, hist in curves.items():
        if not hist:
            continue
        t, g = zip(*hist, strict=True)
        ax.semilogy(np.maximum(t, 1e-3), np.maximum(g, 1e-16), label=label, lw=1.2)
    ax.set_xlabel("CPU seconds in the solver (tap-b: its own clock)")
    ax.set_ylabel("relative gap (each solver's own definition)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    t0 = time.time()
    main()
    print(f"done in {time.time() - t0:.0f} s wall")
