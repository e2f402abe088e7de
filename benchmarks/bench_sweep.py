"""Benchmark: a scenario sweep on a local Dask cluster with 1 and 2 workers (speed-up).

    .venv/bin/python benchmarks/bench_sweep.py [--runs 8]

Each run applies a demand × customs-dwell point to the bundled network and runs the
equilibrium assignment (see ``corridors.scenarios.sweep``). Workers are processes with one
thread each. Results go to ``benchmarks/results/sweep.json`` and ``sweep.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import ClassVar

import numpy as np

from corridors.scenarios.sweep import SweepSpec, run_sweep

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
    demand = np.linspace(1.0, 3.0, max(runs // 2, 1)).round(3).tolist()
    return SweepSpec.from_dict(
        {"name": "bench", "grid": {"demand": demand, "customs_dwell": [1.0, 0.5]}}
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=16)
    args = ap.parse_args()
    s = spec(args.runs)
    run_sweep(SweepSpec.from_dict({"name": "warm", "grid": {"demand": [1.0]}}), workers=1)
    out = {"runs": len(s.runs), "cpus": os.cpu_count(), "load_avg": os.getloadavg()}
    for w in (1, 2):
        t = time.perf_counter()
        table = run_sweep(s, workers=w)
        out[f"seconds_{w}_workers"] = time.perf_counter() - t
        out[f"failed_{w}_workers"] = int((table["error"] != "").sum())
    out["speedup"] = out["seconds_1_workers"] / out["seconds_2_workers"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sweep.json").write_text(json.dumps(out, indent=2))
    md = (
        f"# Sweep on a local Dask cluster\n\n{out['runs']} runs (demand x customs dwell, "
        "assignment on the bundled network), process workers with one thread.\n\n"
        "| workers | seconds |\n|---:|---:|\n"
        f"| 1 | {out['seconds_1_workers']:.1f} |\n| 2 | {out['seconds_2_workers']:.1f} |\n\n"
        f"Speed-up 1 → 2 workers: **{out['speedup']:.2f}x** on {out['cpus']} CPUs "
        f"(load average {out['load_avg'][0]:.1f}; cluster start-up included).\n"
    )
    (RESULTS / "sweep.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
