"""Benchmark: corridors against AequilibraE and tap-b on the TNTP networks, same run.

Issue #15, items 1 and 7. Every solve is its own process on one thread, interleaved
(corridors, AequilibraE, tap-b, corridors, …) so that all see the same machine load:

* **AequilibraE** (PyPI, in a separate virtual environment, never a corridors dependency) runs
  ``benchmarks/_aeq_child.py`` with the interpreter given by ``--aequilibrae-python`` (default:
  ``$CORRIDORS_AEQ_PYTHON``, else ``venv-aeq/bin/python`` beside the repository). Its best
  settings on a shared 2-core machine: bi-conjugate Frank-Wolfe, ``set_cores(1)``,
  ``OMP_NUM_THREADS=1``, ``OMP_WAIT_POLICY=passive`` (busy-waiting OpenMP threads inflated
  earlier runs 3-10×), no progress bars, logger at WARNING. It solves the arrays corridors read
  from the same TNTP files (written to an ``.npz``), so both sides solve the same problem.
* **tap-b** (Algorithm B in C) is built from ``../shared/peers/tap-b`` in the same run
  (``bench_equilibrium.build_tapb``).
* **corridors** runs ``read_tntp`` + ``assign`` with ``NUMBA_NUM_THREADS=1``: ``bfw`` (like for
  like against AequilibraE's BFW), ``auto`` (the default: gradient projection at these gaps)
  and ``bush`` (Algorithm B).

Every side's relative gap ``(TSTT − SPTT) / TSTT`` and Beckmann objective are recomputed from
the link flows it returned by one function (``bench_equilibrium.evaluate``). CPU seconds:
``solve`` = the assignment call only (AequilibraE: ``execute()``; corridors: the same solve
repeated in its process once the kernels are loaded; tap-b: not separable, its whole process);
``program`` = imports + reading/building + solve inside the process. Min and median of the
interleaved repeats, 1-minute load average before/after each cell. Writes
``results/aequilibrae.{md,json}`` and ``results/aequilibrae_convergence.png`` (relative gap
against CPU seconds in the solver, log scale, one panel per network).

Usage::

    python -m venv ../venv-aeq && ../venv-aeq/bin/pip install aequilibrae   # once
    .venv/bin/python benchmarks/bench_aequilibrae.py --aequilibrae-python ../venv-aeq/bin/python
    .venv/bin/python benchmarks/bench_aequilibrae.py --networks SiouxFalls --repeat 1  # quick
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_equilibrium import (  # noqa: E402
    CHILD,
    REPO,
    RESULTS,
    TNTP,
    build_tapb,
    child_cpu,
    run_tapb,
    summarize,
)

AEQ_CHILD = HERE / "_aeq_child.py"
# Best-known Beckmann objectives stated in the TNTP READMEs (TransportationNetworks collection).
# SiouxFalls' README states 42.31335287107440 in its own units (flows in hundreds): × 1e5 here.
BEST_OBJECTIVE = {
    "Barcelona": 1265654.92203176,
    "Winnipeg": 827911.494629963,
    "SiouxFalls": 42.31335287107440e5,
}
NETWORKS = ["SiouxFalls", "Anaheim", "Barcelona", "Winnipeg", "Chicago-Sketch"]
ONE_THREAD = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive"}


def default_aeq_python() -> str | None:
    """``$CORRIDORS_AEQ_PYTHON``, else a ``venv-aeq`` next to the repository or its parents."""
    env = os.environ.get("CORRIDORS_AEQ_PYTHON")
    if env:
        return env
    for p in [REPO, *REPO.parents]:
        cand = p / "venv-aeq" / "bin" / "python"
        if cand.exists():
            return str(cand)
    return None


def write_case(name: str, path: Path) -> Any:
    """Read the TNTP case with corridors and write the arrays AequilibraE will solve."""
    from corridors.io.tntp import read_tntp

    case = read_tntp(TNTP / name)
    g = case.graph
    # AequilibraE refuses β < 1; TNTP gives β = 0 on links with α = 0 (a constant time), where
    # any β gives the same times: 1 there.
    beta = np.where(g.alpha == 0, np.maximum(g.beta, 1.0), g.beta)
    np.savez(
        path,
        from_node=g.from_node,
        to_node=g.to_node,
        free_flow_time=g.free_flow_time,
        capacity=g.capacity,
        alpha=g.alpha,
        beta=beta,
        trips=case.trips,
        n_zones=g.n_zones,
        zone_through=g.zone_through,
    )
    return case


def evaluate_flows(case: Any, flow: np.ndarray) -> dict[str, float]:
    """The one check applied to every solver's returned link flows.

    ``gap`` = (TSTT − SPTT) / TSTT, signed (negative only for flows that are not a feasible
    assignment of the demand); ``objective`` = Beckmann; ``conservation_error`` = largest
    violation of flow conservation at a node (zones: production − attraction) as a share of
    the total demand.
    """
    from corridors.assignment import DemandClass
    from corridors.assignment.algorithms import _prepare

    g = case.graph
    prob = _prepare(g, [DemandClass("v", case.trips)])
    t = prob.times(flow)
    tstt = float(np.dot(flow, t))
    _, sptt, _ = prob.aon(t)
    net = np.zeros(g.n_nodes)
    np.add.at(net, g.from_node, flow)
    np.add.at(net, g.to_node, -flow)
    net[: g.n_zones] -= case.trips.sum(axis=1) - case.trips.sum(axis=0)
    return {
        "gap": (tstt - sptt) / tstt,
        "objective": prob.objective(flow, flow[None, :]),
        "conservation_error": float(np.abs(net).max() / case.trips.sum()),
    }


def run_aeq(aeq_py: str, npz: Path, gap: float, max_iter: int, tmp: Path) -> dict[str, Any]:
    out = tmp / "aeq_flow.npy"
    env = dict(os.environ, AEQ_SHOW_PROGRESS="FALSE", **ONE_THREAD)
    env.pop("PYTHONPATH", None)  # AequilibraE's venv only; corridors is not imported there
    cmd = [aeq_py, str(AEQ_CHILD), str(npz), "bfw", str(gap), str(max_iter), str(out)]
    cpu, proc = child_cpu(cmd, env=env)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["cpu"] = cpu
    info["flow"] = np.load(out)
    info["history"] = [h for h in info["history"] if np.isfinite(h[1])]
    return info


def run_cor(name: str, algo: str, gap: float, max_iter: int, tmp: Path) -> dict[str, Any]:
    out = tmp / f"{name}_{algo}.npy"
    env = dict(os.environ, **ONE_THREAD)
    env["PYTHONPATH"] = str(REPO / "src")
    child = CHILD.replace("max_iterations=5000", f"max_iterations={max_iter}")
    # the convergence curve of the repeated solve (kernels loaded), like AequilibraE's, whose
    # compiled modules are loaded at import
    second = "    assign(case.graph, [DemandClass"
    assert (
        child.count(second) == 1 and child.count("[h.cpu_seconds, h.relative_gap] for h in r.") == 1
    )
    child = child.replace(second, "    r2 = assign(case.graph, [DemandClass").replace(
        "for h in r.history]", "for h in r2.history]"
    )
    cmd = [sys.executable, "-c", child, str(TNTP / name), algo, str(gap), "1.0", str(out)]
    cpu, proc = child_cpu(cmd, env=env)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["cpu"] = cpu
    info["solve_cpu"] = info["solve_warm_cpu"]
    info["flow"] = np.load(out)
    return info


def _row(name: str, gap: float, solver: str, rs: list[dict[str, Any]], case: Any) -> dict[str, Any]:
    ev = evaluate_flows(case, rs[-1]["flow"])
    best = BEST_OBJECTIVE.get(name)
    row: dict[str, Any] = {
        "network": name,
        "links": int(case.graph.n_links),
        "zones": int(case.graph.n_zones),
        "target_gap": gap,
        "solver": solver,
        "process_cpu_s": summarize([r["cpu"] for r in rs]),
        "iterations": rs[-1]["iterations"],
        "recomputed_gap": ev["gap"],
        "conservation_error": ev["conservation_error"],
        "reached": ev["gap"] <= gap * 1.05 and ev["conservation_error"] < 1e-6,
        "objective": ev["objective"],
        "objective_rel_to_best": (ev["objective"] - best) / best if best else None,
        "history": rs[-1].get("history", []),
    }
    if solver == "tap-b":
        row["program_cpu_s"] = row["process_cpu_s"]
        row["solve_cpu_s"] = row["process_cpu_s"]
    else:
        row["program_cpu_s"] = summarize([r["import_cpu"] + r["read_solve_cpu"] for r in rs])
        row["solve_cpu_s"] = summarize([r["solve_cpu"] for r in rs])
    row["solve_cpu_per_iteration_s"] = row["solve_cpu_s"]["median"] / max(row["iterations"], 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--aequilibrae-python", default=default_aeq_python())
    ap.add_argument("--networks", nargs="+", default=NETWORKS)
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-6])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--max-iter", type=int, default=20000, help="cap for the BFW runs")
    ap.add_argument("--out", default="aequilibrae")
    ap.add_argument(
        "--merge",
        nargs="+",
        help="combine the JSON results of earlier runs (e.g. one per network) into --out",
    )
    a = ap.parse_args()
    if a.merge:
        merge(a.merge, a.out)
        return
    if not a.aequilibrae_python or not Path(a.aequilibrae_python).exists():
        sys.exit(
            "AequilibraE's interpreter not found: pass --aequilibrae-python PATH (a venv with "
            "`pip install aequilibrae`) or set CORRIDORS_AEQ_PYTHON."
        )
    sys.path.insert(0, str(REPO / "src"))
    aeq_version = subprocess.run(
        [
            a.aequilibrae_python,
            "-c",
            "import importlib.metadata as m; print(m.version('aequilibrae'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench_aeq_"))
    tap = build_tapb(tmp)
    run_dir = tmp / "run"
    (run_dir / "net").mkdir(parents=True)
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for name in a.networks:
        if not (TNTP / name / f"{name}_net.tntp").exists():
            skipped.append(name)
            print(f"{name}: not in {TNTP}, skipped", flush=True)
            continue
        for f in ("net", "trips"):
            shutil.copy(TNTP / name / f"{name}_{f}.tntp", run_dir / "net")
        rows += run_network(name, a, tap, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    if not rows:
        return
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "aequilibrae_version": aeq_version,
        "skipped_networks": skipped,
        "command": "python benchmarks/bench_aequilibrae.py " + " ".join(sys.argv[1:]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{a.out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    write_markdown(RESULTS / f"{a.out}.md", meta, rows)
    plot(RESULTS / f"{a.out}_convergence.png", rows)


def run_network(name: str, a: argparse.Namespace, tap: Path, tmp: Path) -> list[dict[str, Any]]:
    """Every solver at every target gap on one network, repeats interleaved."""
    npz = tmp / f"{name}.npz"
    case = write_case(name, npz)
    for al in ("bfw", "auto", "bush"):  # warm-ups: numba cache and .pyc files on both sides
        run_cor(name, al, 1e-2, a.max_iter, tmp)
    run_aeq(a.aequilibrae_python, npz, 1e-2, a.max_iter, tmp)
    rows = []
    for gap in a.gaps:
        load0 = os.getloadavg()[0]
        runs: dict[str, list[dict[str, Any]]] = {
            "corridors-bfw": [],
            "aequilibrae-bfw": [],
            "corridors-auto": [],
            "corridors-bush": [],
            "tap-b": [],
        }
        for _ in range(a.repeat):
            runs["corridors-bfw"].append(run_cor(name, "bfw", gap, a.max_iter, tmp))
            runs["aequilibrae-bfw"].append(run_aeq(a.aequilibrae_python, npz, gap, a.max_iter, tmp))
            for al in ("auto", "bush"):
                runs[f"corridors-{al}"].append(run_cor(name, al, gap, a.max_iter, tmp))
            runs["tap-b"].append(run_tapb(tap, tmp / "run", name, 1.0, gap))
        load1 = os.getloadavg()[0]
        for solver, rs in runs.items():
            row = _row(name, gap, solver, rs, case)
            row["load_avg_1min"] = [load0, load1]
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "history"}), flush=True)
    return rows


def merge(files: list[str], out: str) -> None:
    """Combine the JSON results of earlier runs (e.g. one per network) into ``out``."""
    docs = [json.loads(Path(f).read_text()) for f in files]
    meta = dict(docs[0]["meta"])
    meta["command"] = "; ".join(d["meta"]["command"] for d in docs)
    meta["date"] = " … ".join(sorted({d["meta"]["date"] for d in docs}))
    meta["skipped_networks"] = sorted({n for d in docs for n in d["meta"]["skipped_networks"]})
    rows = [r for d in docs for r in d["rows"]]
    for r in rows:  # best-known objectives added since a part was run
        best = BEST_OBJECTIVE.get(r["network"])
        r["objective_rel_to_best"] = (r["objective"] - best) / best if best else None
    (RESULTS / f"{out}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    write_markdown(RESULTS / f"{out}.md", meta, rows)
    plot(RESULTS / f"{out}_convergence.png", rows)


def _cell(r: dict[str, Any] | None, key: str = "solve_cpu_s") -> str:
    if r is None:
        return ""
    mark = "" if r["reached"] else " (not reached)"
    if r.get("conservation_error", 0.0) >= 1e-6:
        mark = f" (flows not conserved: {r['conservation_error']:.1e} of demand)"
    return f"{r[key]['median']:.3f}{mark}"


def write_markdown(path: Path, meta: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    by = {(r["network"], r["target_gap"], r["solver"]): r for r in rows}
    cells = sorted({(r["network"], r["target_gap"]) for r in rows}, key=lambda k: (k[0], -k[1]))
    lines = [
        "# Equilibrium: corridors vs AequilibraE vs tap-b (same run, CPU seconds, one thread)",
        "",
        f"{meta['date']} · {meta['machine']} · Python {meta['python']} · AequilibraE "
        f"{meta['aequilibrae_version']} (own venv, `set_cores(1)`, `OMP_WAIT_POLICY=passive`) · "
        f"`{meta['command']}`",
        "",
        "`solve` = CPU of the assignment call (AequilibraE `execute()`; corridors the solve "
        "repeated once its kernels are loaded; tap-b its whole process, file reading included, "
        "which it does not separate). `program` = imports + reading + solve in the process. "
        "Medians of interleaved repeats. Gaps (TSTT−SPTT)/TSTT are recomputed from each side's "
        "returned flows with one function (`evaluate_flows`), which also checks flow "
        "conservation at every node; `(not reached)` = the recomputed gap is above the "
        "target (AequilibraE stops on its own gap estimate; tap-b prints 6-decimal flows).",
        "",
        "## Like for like: bi-conjugate Frank-Wolfe",
        "",
        "| network | target | corridors BFW solve s (iter) | AequilibraE BFW solve s (iter) "
        "| AequilibraE ÷ corridors (solve) | per-iteration ms corridors / AequilibraE "
        "| recomputed gaps cor / AeqE | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for net, gap in cells:
        c, e = by.get((net, gap, "corridors-bfw")), by.get((net, gap, "aequilibrae-bfw"))
        if c is None or e is None:
            continue
        lines.append(
            f"| {net} | {gap:.0e} | {_cell(c)} ({c['iterations']}) | {_cell(e)} ({e['iterations']})"
            f" | {e['solve_cpu_s']['median'] / c['solve_cpu_s']['median']:.2f} "
            f"| {1e3 * c['solve_cpu_per_iteration_s']:.2f} / "
            f"{1e3 * e['solve_cpu_per_iteration_s']:.2f} "
            f"| {c['recomputed_gap']:.1e} / {e['recomputed_gap']:.1e} "
            f"| {c['load_avg_1min'][0]:.1f}/{c['load_avg_1min'][1]:.1f} |"
        )
    lines += [
        "",
        "## Best against best (program CPU = what a user pays for one solve)",
        "",
        "| network | target | solver | program min | program median | solve median | iter "
        "| × tap-b (program) | × AequilibraE (program) | recomputed gap "
        "| objective − best (rel.) | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for net, gap in cells:
        tb = by.get((net, gap, "tap-b"))
        ae = by.get((net, gap, "aequilibrae-bfw"))
        for solver in ("corridors-auto", "corridors-bush", "tap-b", "aequilibrae-bfw"):
            r = by.get((net, gap, solver))
            if r is None:
                continue
            med = r["program_cpu_s"]["median"]
            xt = f"{med / tb['program_cpu_s']['median']:.2f}" if tb else ""
            xa = f"{med / ae['program_cpu_s']['median']:.3f}" if ae else ""
            obj = r["objective_rel_to_best"]
            lines.append(
                f"| {net} | {gap:.0e} | {solver} | {r['program_cpu_s']['min']:.3f} "
                f"| {_cell(r, 'program_cpu_s')} | {r['solve_cpu_s']['median']:.3f} "
                f"| {r['iterations']} | {xt} | {xa} | {r['recomputed_gap']:.1e} "
                f"| {'' if obj is None else f'{obj:.1e}'} "
                f"| {r['load_avg_1min'][0]:.1f}/{r['load_avg_1min'][1]:.1f} |"
            )
    lines += _notes(meta, rows)
    path.write_text("\n".join(lines) + "\n")


def _notes(meta: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    bad = [r for r in rows if r.get("conservation_error", 0.0) >= 1e-6]
    if bad:
        lines += [
            "",
            "Flows not conserved: "
            + "; ".join(
                f"{r['solver']} on {r['network']} at {r['target_gap']:.0e} "
                f"(largest node imbalance {r['conservation_error']:.1e} of the demand; its own "
                "gap said converged)"
                for r in bad
            )
            + ". The returned link flows put traffic on a link into a node with no way out, "
            "so the recomputed gap and objective of these rows are not meaningful; their CPU "
            "times are reported as measured. (Seen with AequilibraE 1.7.2 on Barcelona, with "
            "and without `remove_dead_ends`.)",
        ]
    if meta["skipped_networks"]:
        lines += ["", f"Not in the data folder, skipped: {', '.join(meta['skipped_networks'])}."]
    return lines


def plot(path: Path, rows: list[dict[str, Any]]) -> None:
    """Relative gap against CPU seconds, log-log, one panel per network (tightest target)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nets = list(dict.fromkeys(r["network"] for r in rows))
    fig, axes = plt.subplots(1, len(nets), figsize=(4.2 * len(nets), 4), squeeze=False)
    for ax, net in zip(axes[0], nets, strict=True):
        tight = min(r["target_gap"] for r in rows if r["network"] == net)
        for r in rows:
            if r["network"] != net or r["target_gap"] != tight or not r["history"]:
                continue
            t, g = zip(*r["history"], strict=True)
            ax.loglog(np.maximum(t, 1e-4), np.maximum(g, 1e-16), label=r["solver"], lw=1.2)
        ax.set_title(f"{net} (to {tight:.0e})")
        ax.set_xlabel("CPU seconds in the solver")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("relative gap (solver's own, per iteration)")
    fig.suptitle(
        "CPU in the solve, one thread (corridors: kernels loaded; AequilibraE: after import; "
        "tap-b: its own clock)",
        fontsize=9,
    )
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    t0 = time.time()
    main()
    print(f"done in {time.time() - t0:.0f} s wall")
