"""Benchmark: single-source shortest paths on a 1-million-arc graph, corridors vs scipy.

Issue #15, item 2. A seeded 500 × 500 grid (998,000 arcs, weights uniform in [1, 10)), in
row-major vertex order (neighbours close in memory), int32 indices. Timed in one process,
interleaved query by query so all sides see the same load, CPU time per query
(``time.process_time``):

* ``scipy_full`` — ``scipy.sparse.csgraph.dijkstra`` (Fibonacci heap), full tree;
* ``corridors_alloc_full`` — ``corridors.routing._kernels.dijkstra``, which allocates its
  arrays per query, full tree;
* ``corridors_ws_heap_full`` / ``corridors_ws_bucket_full`` — ``DijkstraWorkspace``: scratch
  reused across queries, binary heap or bucket queue (Dial), full tree;

All heap searches run the one shared kernel, ``corridors._kernels.dijkstra_core`` (binary
heap with lazy deletion), that assignment uses too.
* ``*_p2p`` — point-to-point queries to a target ~50 hops away (early exit), where the
  per-query allocation of the old kernel dominates.

The memory-bandwidth floor is the time to stream the bytes a full tree must touch at least
once (CSR offsets and heads as int32, weights as float64, the arc mask, distances and
predecessors written) at the copy bandwidth measured here with NumPy. Distances are checked
bit for bit against scipy.

Usage: ``.venv/bin/python benchmarks/bench_dijkstra.py [--queries 30]``; writes
``benchmarks/results/dijkstra.{md,json}``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra as sp_dijkstra

from corridors.routing._kernels import DijkstraWorkspace, bucket_plan, dijkstra

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 20261202


def grid(side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    idx = np.arange(side * side, dtype=np.int64).reshape(side, side)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    tail = np.concatenate([right[0], right[1], down[0], down[1]])
    head = np.concatenate([right[1], right[0], down[1], down[0]])
    w = rng.uniform(1.0, 10.0, size=len(tail))
    order = np.lexsort((head, tail))  # row-major CSR, heads sorted within a row
    tail, head, w = tail[order], head[order], w[order]
    indptr = np.zeros(side * side + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=side * side), out=indptr[1:])
    return indptr, head, w


def copy_bandwidth() -> float:
    """Bytes per second moved (read + write) by a large NumPy copy (best of 5)."""
    a = np.ones(32_000_000)  # 256 MB
    b = np.empty_like(a)
    best = np.inf
    for _ in range(5):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--side", type=int, default=500)
    ap.add_argument("--queries", type=int, default=30)
    a = ap.parse_args()
    ip, hd, w = grid(a.side)
    n, m = len(ip) - 1, len(hd)
    ip32, hd32 = ip.astype(np.int32), hd.astype(np.int32)
    ok = np.ones(m, np.bool_)
    csr = sp.csr_array((w, hd32, ip32), shape=(n, n))
    ws = DijkstraWorkspace(n)
    ws_p2p = DijkstraWorkspace(n)  # its own scratch: resets only what its last query touched
    plan = bucket_plan(w, ok)
    rng = np.random.default_rng(SEED)
    src = rng.integers(0, n, a.queries)
    tgt = np.clip(src + 25 * a.side + 25, 0, n - 1)  # ~50 hops away
    # warm-up (numba cache load) and correctness
    dijkstra(ip, hd, w, ok, 0, 0, -1)
    worst = 0.0
    for s in src[:3]:
        ref = sp_dijkstra(csr, directed=True, indices=int(s))
        for p in ((0.0, 0), plan):
            d, _ = ws.run(ip32, hd32, w, ok, 0, int(s), -1, p)
            worst = max(worst, float(np.max(np.abs(d - ref))))
    sides = {
        "scipy_full": lambda s, t: sp_dijkstra(csr, directed=True, indices=s),
        "corridors_alloc_full": lambda s, t: dijkstra(ip, hd, w, ok, 0, s, -1),
        "corridors_ws_heap_full": lambda s, t: ws.run(ip32, hd32, w, ok, 0, s, -1),
        "corridors_ws_bucket_full": lambda s, t: ws.run(ip32, hd32, w, ok, 0, s, -1, plan),
        "corridors_alloc_p2p": lambda s, t: dijkstra(ip, hd, w, ok, 0, s, t),
        "corridors_ws_bucket_p2p": lambda s, t: ws_p2p.run(ip32, hd32, w, ok, 0, s, t, plan),
    }
    times: dict[str, list[float]] = {k: [] for k in sides}
    load0 = os.getloadavg()[0]
    for s, t in zip(src, tgt, strict=True):
        for name, fn in sides.items():
            c = time.process_time()
            fn(int(s), int(t))
            times[name].append(1e3 * (time.process_time() - c))
    load1 = os.getloadavg()[0]
    bw = copy_bandwidth()
    touched = 4 * (n + 1) + 4 * m + 8 * m + m + 8 * n + 4 * n
    floor_ms = 1e3 * touched / bw
    stats = {k: {"min_ms": min(v), "median_ms": statistics.median(v)} for k, v in times.items()}
    sci = stats["scipy_full"]["median_ms"]
    for v in stats.values():
        v["speedup_vs_scipy_median"] = sci / v["median_ms"]
        v["over_floor_median"] = v["median_ms"] / floor_ms
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "scipy": scipy.__version__,
        "graph": f"{a.side}x{a.side} grid, {n} vertices, {m} arcs",
        "queries": a.queries,
        "load_avg_1min": [load0, load1],
        "copy_bandwidth_GBps": bw / 1e9,
        "floor_bytes": touched,
        "floor_ms": floor_ms,
        "max_abs_diff_vs_scipy": worst,
        "bucket_plan": list(plan),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dijkstra.json").write_text(json.dumps({"meta": meta, "stats": stats}, indent=1))
    lines = [
        "# Dijkstra on a 1 M-arc grid: corridors vs scipy (same run, CPU ms per query)",
        "",
        f"{meta['date']} · {meta['machine']} · Python {meta['python']} · scipy "
        f"{meta['scipy']} · {meta['graph']} · {a.queries} queries · load "
        f"{load0:.1f}/{load1:.1f} (1-min, before/after; shared machine)",
        "",
        f"Memory-bandwidth floor: {touched / 1e6:.1f} MB touched at {bw / 1e9:.1f} GB/s "
        f"(NumPy copy) = {floor_ms:.2f} ms. Largest distance difference from scipy: {worst}.",
        "",
        "| query | min ms | median ms | × faster than scipy (median) | × floor (median) |",
        "|---|---|---|---|---|",
    ]
    for k, v in stats.items():
        lines.append(
            f"| {k} | {v['min_ms']:.2f} | {v['median_ms']:.2f} "
            f"| {v['speedup_vs_scipy_median']:.2f} | {v['over_floor_median']:.1f} |"
        )
    lines.append("")
    lines.append("Command: `.venv/bin/python benchmarks/bench_dijkstra.py`")
    (RESULTS / "dijkstra.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
