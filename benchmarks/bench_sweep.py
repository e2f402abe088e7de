"""Benchmark: a scenario sweep, plain serial loop against 2 Dask workers, on the same runs.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 100] [--repeats 3]

Each run applies a demand × customs-dwell point to the bundled network and runs the choice
equilibrium warm-started from the base (see ``corridors.scenarios.sweep``). Three ways, each
repeated, same runs, same process:

- ``serial``: :func:`~corridors.scenarios.sweep.run_one` in a loop in this process, with the
  base solved once (network and kernels already loaded after the first repeat);
- ``local_2``: :func:`~corridors.scenarios.sweep.run_sweep` with ``workers=2`` (process
  workers, one thread each), cluster start-up and per-worker loading included;
- ``scheduler_2``: ``run_sweep(scheduler=ADDRESS)`` on an already running 2-worker cluster,
  as users with a cluster run it.

Results (min and median wall seconds, load average before and after) go to
``benchmarks/results/sweep.json`` and ``sweep.md``. The machine may be shared: read the load
average beside the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from corridors.scenarios.sweep import SweepSpec, _warm_worker, base_start, run_one, run_sweep

RESULTS = Path(__file__).resolve().parent / "results"


class TimeSweep:
    """asv-style: wall time of the sweep by number of workers."""

    params: ClassVar[list[int]] = [1, 2]
    param_names: ClassVar[list[str]] = ["workers"]
    timeout = 600

    def setup(self, workers: int) -> None:
        self.spec = spec(16)

    def time_sweep(self, workers: int) -> None:
        run_sweep(self.spec, workers=workers)


def spec(runs: int) -> SweepSpec:
    demand = np.linspace(1.0, 3.0, max(runs // 2, 1)).round(4).tolist()
    return SweepSpec.from_dict(
        {"name": "bench", "grid": {"demand": demand, "customs_dwell": [1.0, 0.5]}}
    )


def serial(s: SweepSpec) -> list[dict[str, Any]]:
    """The plain loop: load once, solve the base once, every run warm-started from it."""
    _warm_worker(s.base, s.scenario, 1)
    start = base_start(s)
    return [run_one(i, k, s, start) for i, k in enumerate(s.runs)]


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from dask.distributed import LocalCluster

    s = spec(args.runs)
    out: dict[str, Any] = {
        "runs": len(s.runs),
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "load_avg_before": os.getloadavg(),
    }
    secs: dict[str, list[float]] = {"serial": [], "local_2": [], "scheduler_2": []}
    failed: dict[str, int] = {}
    per_run: dict[str, list[float]] = {k: [] for k in secs}
    ref: list[float] = []
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        for r in range(args.repeats):  # interleaved: each way sees the same machine load
            t, rows = _time(lambda: serial(s))
            secs["serial"].append(t)
            failed["serial"] = sum(bool(x["error"]) for x in rows)
            per_run["serial"] += [float(x["seconds"]) for x in rows]
            ref = [float(x.get("system_cost_usd", np.nan)) for x in rows]
            for key, kw in (
                ("local_2", {"workers": 2}),
                ("scheduler_2", {"scheduler": cluster.scheduler_address}),
            ):
                t, table = _time(lambda kw=kw: run_sweep(s, **kw))  # type: ignore[misc]
                secs[key].append(t)
                failed[key] = int((table["error"] != "").sum())
                per_run[key] += table["seconds"].astype(float).tolist()
                dev = np.nanmax(np.abs(table["system_cost_usd"].to_numpy() / ref - 1))
                out[f"max_rel_diff_{key}_vs_serial"] = float(dev)
            print(f"repeat {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in secs.items()))
    out["load_avg_after"] = os.getloadavg()
    for k, v in secs.items():
        out[k] = {
            "seconds": v,
            "min": min(v),
            "median": statistics.median(v),
            "run_seconds_median": statistics.median(per_run[k]),
        }
    out["failed"] = failed
    for k in ("local_2", "scheduler_2"):
        out[f"speedup_{k}"] = {
            "min": out["serial"]["min"] / out[k]["min"],
            "median": out["serial"]["median"] / out[k]["median"],
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sweep.json").write_text(json.dumps(out, indent=2))
    la, lb = out["load_avg_before"], out["load_avg_after"]
    rows = "\n".join(
        f"| {k} | {out[k]['min']:.1f} | {out[k]['median']:.1f} | "
        + (
            "1.00"
            if k == "serial"
            else f"{out[f'speedup_{k}']['min']:.2f} / {out[f'speedup_{k}']['median']:.2f}"
        )
        + f" | {failed[k]} | {out[k]['run_seconds_median']:.2f} |"
        for k in secs
    )
    md = (
        f"# Sweep: serial loop against 2 Dask workers\n\n{out['runs']} runs (demand x customs "
        "dwell on the bundled network, choice equilibrium warm-started from the base), "
        f"{args.repeats} interleaved repeats, wall seconds.\n\n"
        "| way | min s | median s | speed-up vs serial (min / median) | failed runs "
        "| median s per run |\n"
        f"|---|---:|---:|---:|---:|---:|\n{rows}\n\n"
        "`serial`: run_one in a loop in this process (base solved once). `local_2`: run_sweep "
        "with 2 process workers, cluster start-up and per-worker loading included. "
        "`scheduler_2`: run_sweep against an already running 2-worker cluster's address.\n\n"
        f"{out['cpus']} CPUs, load average before {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f}, "
        f"after {lb[0]:.2f} / {lb[1]:.2f} / {lb[2]:.2f} (shared machine). Largest relative "
        "difference in system cost against the serial runs: "
        f"{out['max_rel_diff_local_2_vs_serial']:.1e} (local), "
        f"{out['max_rel_diff_scheduler_2_vs_serial']:.1e} (scheduler).\n\n"
        f"Reproduce: `python benchmarks/bench_sweep.py --runs {args.runs} "
        f"--repeats {args.repeats}`\n"
    )
    (RESULTS / "sweep.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
