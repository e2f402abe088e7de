"""Benchmark: corridors vs AequilibraE on TNTP networks, time to relative gap 1e-4 and 1e-6.

Run in the benchmark environment (AequilibraE is not a corridors dependency)::

    benchmarks/setup_bench_env.sh            # once: creates .venv-bench
    .venv-bench/bin/python benchmarks/bench_assignment.py [--repeat 3] [--networks ...]

Results go to ``benchmarks/results/assignment.json`` and ``assignment.md``.

Both libraries run in the same process on the same TNTP data, with the same relative-gap
definition, ``(TSTT - SPTT) / TSTT`` (AequilibraE's ``rgap``; corridors' ``relative_gap``).
Each side uses its best algorithm: corridors' gradient projection (``gp``), AequilibraE's
bi-conjugate Frank-Wolfe (``bfw``); corridors' ``bfw`` is timed too for reference. Times are
wall-clock seconds of the assignment call only (graph building and data loading excluded on
both sides), the median of ``--repeat`` runs after one warm-up run (which also pays numba's
compilation or cache load; its time is reported separately). AequilibraE uses all cores
(its default), corridors one. AequilibraE's tqdm progress bars are switched off
(``AEQ_SHOW_PROGRESS=FALSE``) and its logger set to WARNING so neither is timed.

The classes follow the asv layout (``params``, ``setup``, ``time_*``) so the file can be
driven by asv too; ``main()`` runs everything in one process and writes the results file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import platform
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from corridors.assignment import AssignmentSpec, assign
from corridors.errors import ConvergenceWarning
from corridors.io.tntp import TNTPCase, read_tntp

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DATA_DIRS = [REPO / "tests" / "data" / "tntp", REPO.parent / "shared" / "data" / "tntp"]
NETWORKS = ["SiouxFalls", "Anaheim", "Barcelona"]
GAPS = [1e-4, 1e-6]

# Fair to AequilibraE: no tqdm progress bars and no DEBUG logging inside its timed loop.
os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")


def load_case(name: str) -> TNTPCase:
    """The TNTP case ``name`` from the repo's test data or ``../shared/data/tntp``."""
    for d in DATA_DIRS:
        if (d / name / f"{name}_net.tntp").exists():
            return read_tntp(d / name)
    raise FileNotFoundError(f"TNTP case {name} not found in {DATA_DIRS}")


def flow_deviation(flow: np.ndarray, best: np.ndarray | None) -> dict[str, float]:
    """Max and mean absolute deviation from best-known flows, relative to flow."""
    if best is None:
        return {}
    dev = np.abs(flow - best)
    return {
        "max_abs_dev": float(dev.max()),
        "max_abs_dev_over_max_flow": float(dev.max() / max(best.max(), 1e-12)),
        "mean_abs_dev_over_mean_flow": float(dev.mean() / max(best.mean(), 1e-12)),
    }


# --------------------------------------------------------------------------------------------
# corridors


def run_corridors(case: TNTPCase, algorithm: str, gap: float) -> dict[str, Any]:
    """One corridors assignment; returns seconds, iterations, reached gap, flows."""
    spec = AssignmentSpec(algorithm=algorithm, target_gap=gap, max_iterations=20000)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = assign(case.graph, [case.demand()], spec=spec)
    sec = time.perf_counter() - t
    return {
        "seconds": sec,
        "iterations": r.iterations,
        "gap": r.relative_gap,
        "converged": r.converged,
        "flow": r.link_flow,
    }


# --------------------------------------------------------------------------------------------
# AequilibraE


class _AequilibraeCase:
    def __init__(self, case: TNTPCase) -> None:
        import pandas as pd
        from aequilibrae.matrix import AequilibraeMatrix
        from aequilibrae.paths import Graph

        g = case.graph
        nz = g.n_zones
        net = pd.DataFrame(
            {
                "link_id": np.arange(1, g.n_links + 1),
                "a_node": g.from_node.astype(np.int64) + 1,
                "b_node": g.to_node.astype(np.int64) + 1,
                "direction": np.ones(g.n_links, np.int8),
                "free_flow_time": g.free_flow_time,
                "capacity": g.capacity,
                "alpha": g.alpha,
                "beta": g.beta,
            }
        )
        graph = Graph()
        graph.network = net
        graph.prepare_graph(np.arange(1, nz + 1, dtype=np.int64))
        graph.set_graph("free_flow_time")
        graph.set_skimming(["free_flow_time"])
        graph.set_blocked_centroid_flows(not g.zone_through)
        self.graph = graph
        mat = AequilibraeMatrix()
        mat.create_empty(zones=nz, matrix_names=["matrix"], memory_only=True)
        mat.index[:] = np.arange(1, nz + 1)
        mat.matrices[:, :, 0] = case.trips
        mat.computational_view(["matrix"])
        self.matrix = mat
        self.n_links = g.n_links

    def run(self, algorithm: str, gap: float, max_iter: int) -> dict[str, Any]:
        from aequilibrae.paths import TrafficAssignment, TrafficClass

        tc = TrafficClass("car", self.graph, self.matrix)
        assig = TrafficAssignment()
        assig.set_classes([tc])
        assig.set_vdf("BPR")
        assig.set_vdf_parameters({"alpha": "alpha", "beta": "beta"})
        assig.set_capacity_field("capacity")
        assig.set_time_field("free_flow_time")
        assig.set_algorithm(algorithm)
        assig.set_cores(os.cpu_count() or 1)
        assig.max_iter = max_iter
        assig.rgap_target = gap
        t = time.perf_counter()
        assig.execute()
        sec = time.perf_counter() - t
        res = assig.results()
        flow = np.zeros(self.n_links)
        ids = res.index.to_numpy(dtype=np.int64)
        flow[ids - 1] = res["matrix_ab"].to_numpy()
        a = assig.assignment
        return {
            "seconds": sec,
            "iterations": int(a.iter),
            "gap": float(a.rgap),
            "converged": bool(a.rgap <= gap),
            "flow": flow,
        }


# --------------------------------------------------------------------------------------------
# asv-style classes


class TimeCorridors:
    """corridors gradient projection, time to gap."""

    params = (NETWORKS[:2], GAPS)
    param_names = ("network", "gap")
    timeout = 600

    def setup(self, network: str, gap: float) -> None:
        self.case = load_case(network)
        run_corridors(self.case, "gp", 1e-2)  # compile / load numba cache

    def time_gp(self, network: str, gap: float) -> None:
        run_corridors(self.case, "gp", gap)


class TimeAequilibrae:
    """AequilibraE bi-conjugate Frank-Wolfe, time to gap."""

    params = (NETWORKS[:2], GAPS)
    param_names = ("network", "gap")
    timeout = 1800

    def setup(self, network: str, gap: float) -> None:
        self.case = _AequilibraeCase(load_case(network))

    def time_bfw(self, network: str, gap: float) -> None:
        self.case.run("bfw", gap, 20000)


# --------------------------------------------------------------------------------------------


def _median_run(fn: Any, repeat: int) -> tuple[dict[str, Any], float]:
    warm = time.perf_counter()
    fn()
    warm_s = time.perf_counter() - warm
    runs = [fn() for _ in range(max(repeat, 1))]
    out = dict(runs[-1])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
    return out, warm_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", nargs="*", default=NETWORKS)
    ap.add_argument("--gaps", nargs="*", type=float, default=GAPS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--aeq-max-iter", type=int, default=5000)
    ap.add_argument("--out", type=Path, default=RESULTS / "assignment.json")
    args = ap.parse_args()
    logging.getLogger("aequilibrae").setLevel(logging.WARNING)
    try:
        import importlib.metadata as md

        import aequilibrae  # noqa: F401

        logging.getLogger("aequilibrae").setLevel(logging.WARNING)
        aeq_version: str | None = md.version("aequilibrae")
        aeq_error = None
    except Exception as exc:
        aeq_version, aeq_error = None, f"{type(exc).__name__}: {exc}"
    rows: list[dict[str, Any]] = []
    for name in args.networks:
        case = load_case(name)
        aeq = _AequilibraeCase(case) if aeq_version else None
        for gap in args.gaps:
            row: dict[str, Any] = {
                "network": name,
                "target_gap": gap,
                "links": case.graph.n_links,
                "zones": case.graph.n_zones,
            }
            for algo in ("gp", "bfw"):
                if algo == "bfw" and gap < 1e-5:
                    continue  # Frank-Wolfe family does not reach 1e-6 in reasonable time
                res, warm = _median_run(
                    lambda a=algo, g=gap, c=case: run_corridors(c, a, g), args.repeat
                )
                flow = res.pop("flow")
                row[f"corridors_{algo}"] = {
                    **res,
                    "warmup_seconds": warm,
                    **flow_deviation(flow, case.best_flow),
                }
                if algo == "gp":
                    cor_flow = flow
            if aeq is not None:
                try:
                    res, warm = _median_run(
                        lambda g=gap, e=aeq: e.run("bfw", g, args.aeq_max_iter), args.repeat
                    )
                    flow = res.pop("flow")
                    row["aequilibrae_bfw"] = {
                        **res,
                        "warmup_seconds": warm,
                        **flow_deviation(flow, case.best_flow),
                        "max_abs_diff_vs_corridors": float(np.abs(flow - cor_flow).max()),
                    }
                    if res["converged"]:
                        row["speedup_vs_aequilibrae"] = (
                            res["seconds"] / row["corridors_gp"]["seconds"]
                        )
                    else:
                        row["speedup_vs_aequilibrae"] = None
                        row["note"] = (
                            f"AequilibraE stopped at {args.aeq_max_iter} iterations "
                            f"with gap {res['gap']:.2e} above the target; the ratio "
                            "is a lower bound: "
                            f"{res['seconds'] / row['corridors_gp']['seconds']:.1f}"
                        )
                except Exception as exc:
                    row["aequilibrae_error"] = f"{type(exc).__name__}: {exc}"
            rows.append(row)
            print(json.dumps(_brief(row)), flush=True)
    doc = {
        "benchmark": "time to relative gap, corridors vs AequilibraE",
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "aequilibrae_version": aeq_version,
        "aequilibrae_error": aeq_error,
        "gap_definition": "(TSTT - SPTT) / TSTT",
        "timing": f"median of {args.repeat} runs after a warm-up run; assignment call only",
        "command": ".venv-bench/bin/python benchmarks/bench_assignment.py",
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, default=float))
    args.out.with_suffix(".md").write_text(_markdown(doc))


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    out = {"network": row["network"], "gap": row["target_gap"]}
    for k in ("corridors_gp", "corridors_bfw", "aequilibrae_bfw"):
        if k in row:
            out[k] = (round(row[k]["seconds"], 4), row[k]["iterations"], f"{row[k]['gap']:.1e}")
    out["speedup"] = row.get("speedup_vs_aequilibrae")
    return out


def _markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Assignment benchmark: corridors vs AequilibraE",
        "",
        f"Date {doc['date']}; machine {doc['machine']}; AequilibraE "
        f"{doc['aequilibrae_version'] or 'NOT AVAILABLE: ' + str(doc['aequilibrae_error'])}.",
        f"Relative gap {doc['gap_definition']}. Timing: {doc['timing']}.",
        f"Command: `{doc['command']}`.",
        "",
        "| network | target gap | corridors gp s (iter) | corridors bfw s (iter) | "
        "AequilibraE bfw s (iter, gap) | speed-up | gp max dev / max flow | "
        "gp mean dev / mean flow |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in doc["results"]:
        gp = r["corridors_gp"]
        bfw = r.get("corridors_bfw")
        ae = r.get("aequilibrae_bfw")
        sp = r.get("speedup_vs_aequilibrae")
        bfw_s = "" if bfw is None else f"{bfw['seconds']:.4f} ({bfw['iterations']})"
        ae_s = "n/a" if ae is None else f"{ae['seconds']:.3f} ({ae['iterations']}, {ae['gap']:.1e})"
        sp_s = "n/a" if sp is None else f"{sp:.1f}x"
        lines.append(
            f"| {r['network']} | {r['target_gap']:.0e} | {gp['seconds']:.4f} ({gp['iterations']}) "
            f"| {bfw_s} | {ae_s} | {sp_s} "
            f"| {gp.get('max_abs_dev_over_max_flow', float('nan')):.2e} "
            f"| {gp.get('mean_abs_dev_over_mean_flow', float('nan')):.2e} |"
        )
        if "note" in r:
            lines.append(f"|  | note: {r['note']} |||||||")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
