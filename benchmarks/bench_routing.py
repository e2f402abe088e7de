"""Benchmark: route-query latency, corridors vs scipy and networkx (issue #3, item 5).

Run in the project environment::

    .venv/bin/python benchmarks/bench_routing.py            # full run, a few minutes
    .venv/bin/python benchmarks/bench_routing.py --quick    # smaller sample, under a minute

Results go to ``benchmarks/results/routing.json`` and ``routing.md``.

Two parts, in one process:

1. The bundled network (``load_network()``, container graph): per-query latency (p50, p95)
   over a seeded sample of random origin-destination node pairs, for ``route(objective="days")``
   and ``pareto_routes`` end to end and for their numba kernels (``dijkstra``,
   ``pareto_search``) alone. Peers (scipy ``csgraph.dijkstra``, networkx) run on the same CSR
   arrays, weight ``time_h + 0.5 * headway_h``. Parallel arcs are merged to their minimum for the
   peers (scipy and a networkx ``DiGraph`` keep one arc per vertex pair), and corridors' kernel
   is timed on that plain graph too with ``n_access=0`` so all three compute the same distances
   (checked). scipy has no early exit at a target, so corridors is timed both with its early
   exit and for the full tree (``target=-1``); scipy with ``limit`` set to the known distance
   (an oracle no real query has) is shown as scipy's best case.
2. A seeded synthetic road-like grid (4-neighbour, both directions, random weights in [1, 10)),
   about 1 million arcs at the largest size: corridors ``dijkstra`` (``n_access=0``, all arcs
   allowed) vs scipy, and networkx on a few queries only.

Timing: ``time.perf_counter_ns`` around each single query, after warm-up queries (numba
compilation or cache load is excluded and reported separately). One core, one process.

The classes follow the asv layout (``params``, ``setup``, ``time_*``); ``main()`` runs them
with per-query timing and writes the results file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra as sp_dijkstra

from corridors.network import load_network
from corridors.routing import pareto_routes, route
from corridors.routing._kernels import dijkstra, pareto_search
from corridors.routing.search import MAX_LABELS

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 20240503
SINGLE_TARGET_MS = 1.0
PARETO_TARGET_MS = 20.0

Query = Callable[[int, int], Any]


# --------------------------------------------------------------------------------------------
# helpers


def od_pairs(n: int, k: int, seed: int) -> np.ndarray:
    """``k`` seeded random (origin, destination) pairs of distinct vertices in ``0..n-1``."""
    rng = np.random.default_rng(seed)
    o = rng.integers(0, n, size=k)
    d = (o + rng.integers(1, n, size=k)) % n  # never equal to o
    return np.stack([o, d], axis=1).astype(np.int64)


def time_queries(fn: Query, pairs: np.ndarray, repeat: int = 1) -> np.ndarray:
    """Nanoseconds of each ``fn(o, d)`` call, ``repeat`` passes over ``pairs``, pooled."""
    out = np.empty(len(pairs) * repeat, np.int64)
    k = 0
    for _ in range(repeat):
        for o, d in pairs:
            o, d = int(o), int(d)
            t0 = time.perf_counter_ns()
            fn(o, d)
            out[k] = time.perf_counter_ns() - t0
            k += 1
    return out


def stats(ns: np.ndarray) -> dict[str, float]:
    """Latency summary in milliseconds."""
    ms = ns / 1e6
    return {
        "n": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "mean_ms": float(ms.mean()),
        "min_ms": float(ms.min()),
        "max_ms": float(ms.max()),
    }


def plain_arcs(
    indptr: np.ndarray, head: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays with parallel arcs merged to their minimum weight (sorted by tail, head)."""
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    order = np.lexsort((weight, head, tail))
    t, h, w = tail[order], head[order], weight[order]
    keep = np.ones(len(t), bool)
    keep[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])  # first of a run is the minimum
    t, h, w = t[keep], h[keep], w[keep]
    ip = np.zeros(n + 1, np.int64)
    np.add.at(ip, t + 1, 1)
    return np.cumsum(ip), h.astype(np.int64), w.astype(np.float64)


def scipy_csr(indptr: np.ndarray, head: np.ndarray, weight: np.ndarray) -> sp.csr_array:
    n = len(indptr) - 1
    return sp.csr_array(
        (weight, head.astype(np.int32), indptr.astype(np.int32)), shape=(n, n), copy=True
    )


def networkx_graph(indptr: np.ndarray, head: np.ndarray, weight: np.ndarray) -> nx.DiGraph:
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n), np.diff(indptr))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(tail.tolist(), head.tolist(), weight.tolist(), strict=True))
    return g


def rss_bytes() -> int:
    """Resident set size of this process (Linux), 0 when unknown."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def nbytes(*arrays: np.ndarray) -> int:
    return int(sum(a.nbytes for a in arrays))


def grid_graph(side: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded ``side × side`` 4-neighbour grid, both directions, weights uniform in [1, 10)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side, dtype=np.int64).reshape(side, side)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    tail = np.concatenate([right[0], right[1], down[0], down[1]])
    head = np.concatenate([right[1], right[0], down[1], down[0]])
    weight = rng.uniform(1.0, 10.0, size=len(tail))
    order = np.argsort(tail, kind="stable")
    tail, head, weight = tail[order], head[order], weight[order]
    indptr = np.zeros(side * side + 1, np.int64)
    np.add.at(indptr, tail + 1, 1)
    return np.cumsum(indptr), head, weight


# --------------------------------------------------------------------------------------------
# asv-style classes


class BundledRouting:
    """Route-query latency on the bundled network; the parameter is the OD sample size."""

    params = ([200],)
    param_names = ("n_pairs",)
    timeout = 300

    def setup(self, n_pairs: int) -> None:
        t0 = time.perf_counter()
        self.net = net = load_network()
        g = self.g = net.graph("container")
        self.load_s = time.perf_counter() - t0
        self.ids = [str(x) for x in net.nodes.index]
        self.pairs = od_pairs(g.n_nodes, n_pairs, SEED)
        self.weight = g.time_h + 0.5 * g.headway_h
        self.ok = np.ones(g.n_arcs, np.bool_)
        ip, hd, w = plain_arcs(g.indptr, g.head, self.weight)
        self.plain = (ip, hd, w, np.ones(len(hd), np.bool_))
        self.csr = scipy_csr(ip, hd, w)
        self.nxg = networkx_graph(ip, hd, w)
        t0 = time.perf_counter()
        for name, fn in self.queries().items():
            if name != "networkx_target":
                fn(0, 1)  # compile or load numba's cache; first pandas lookups
        self.warmup_s = time.perf_counter() - t0

    def queries(self) -> dict[str, Query]:
        """Every timed query, by name, as ``fn(origin_vertex, destination_vertex)``."""
        g, ids, w, ok = self.g, self.ids, self.weight, self.ok
        ip, hd, pw, pok = self.plain
        n = g.n_nodes
        zn = np.zeros(len(g.indptr) - 1)  # no lower bounds: the kernel alone, as before

        def pareto_kernel(o: int, d: int) -> Any:
            return pareto_search(
                g.indptr, g.head, g.time_h, g.cost_usd, g.co2_kg, g.headway_h, g.sailing_mask,
                g.kind, ok, n, o, d, -1.0, -1, np.inf, 0.0, MAX_LABELS, zn, zn, zn,
            )  # fmt: skip

        return {
            "route_days": lambda o, d: route(self.net, ids[o], ids[d], objective="days"),
            "dijkstra_kernel": lambda o, d: dijkstra(g.indptr, g.head, w, ok, n, o, d),
            "pareto_routes": lambda o, d: pareto_routes(self.net, ids[o], ids[d]),
            "pareto_kernel": pareto_kernel,
            "plain_target": lambda o, d: dijkstra(ip, hd, pw, pok, 0, o, d),
            "plain_full": lambda o, d: dijkstra(ip, hd, pw, pok, 0, o, -1),
            "scipy_full": lambda o, d: sp_dijkstra(self.csr, directed=True, indices=o),
            "networkx_target": lambda o, d: nx.dijkstra_path_length(self.nxg, o, d),
            "networkx_full": lambda o, d: nx.single_source_dijkstra_path_length(self.nxg, o),
        }

    def _run(self, name: str) -> None:
        fn = self.queries()[name]
        for o, d in self.pairs:
            fn(int(o), int(d))

    def time_route_days(self, n_pairs: int) -> None:
        self._run("route_days")

    def time_dijkstra_kernel(self, n_pairs: int) -> None:
        self._run("dijkstra_kernel")

    def time_pareto_routes(self, n_pairs: int) -> None:
        self._run("pareto_routes")

    def time_pareto_kernel(self, n_pairs: int) -> None:
        self._run("pareto_kernel")

    def time_scipy_full(self, n_pairs: int) -> None:
        self._run("scipy_full")

    def time_networkx_target(self, n_pairs: int) -> None:
        self._run("networkx_target")

    def check(self) -> dict[str, float]:
        """Largest distance disagreement between corridors, scipy and networkx (plain graph)."""
        ip, hd, pw, pok = self.plain
        worst = {"scipy_vs_corridors": 0.0, "networkx_vs_corridors": 0.0}
        for o, d in self.pairs:
            o, d = int(o), int(d)
            ours = dijkstra(ip, hd, pw, pok, 0, o, -1)[0]
            theirs = sp_dijkstra(self.csr, directed=True, indices=o)
            worst["scipy_vs_corridors"] = max(
                worst["scipy_vs_corridors"], float(np.nanmax(np.abs(ours - theirs)))
            )
            try:
                nxd = nx.dijkstra_path_length(self.nxg, o, d)
            except nx.NetworkXNoPath:
                nxd = np.inf
            diff = 0.0 if nxd == ours[d] else abs(nxd - ours[d])
            worst["networkx_vs_corridors"] = max(worst["networkx_vs_corridors"], float(diff))
        return worst


class SyntheticGrid:
    """Single-criterion queries on a seeded grid; the parameter is the grid side."""

    params = ([200, 500],)
    param_names = ("side",)
    timeout = 600

    def setup(self, side: int, n_pairs: int = 20) -> None:
        t0 = time.perf_counter()
        self.indptr, self.head, self.weight = grid_graph(side, SEED)
        self.ok = np.ones(len(self.head), np.bool_)
        self.csr = scipy_csr(self.indptr, self.head, self.weight)
        self.build_s = time.perf_counter() - t0
        self.pairs = od_pairs(len(self.indptr) - 1, n_pairs, SEED + side)
        self.nxg: nx.DiGraph | None = None
        t0 = time.perf_counter()
        dijkstra(self.indptr, self.head, self.weight, self.ok, 0, 0, 1)  # compile / cache
        self.warmup_s = time.perf_counter() - t0

    def networkx(self) -> nx.DiGraph:
        if self.nxg is None:
            self.nxg = networkx_graph(self.indptr, self.head, self.weight)
        return self.nxg

    def queries(self) -> dict[str, Query]:
        ip, hd, w, ok = self.indptr, self.head, self.weight, self.ok

        def scipy_limit(o: int, d: int) -> Any:
            # oracle: the known distance as limit (scipy's best case; no real query has it)
            lim = dijkstra(ip, hd, w, ok, 0, o, d)[0][d] * (1 + 1e-9)
            t0 = time.perf_counter_ns()
            sp_dijkstra(self.csr, directed=True, indices=o, limit=lim)
            return time.perf_counter_ns() - t0

        return {
            "corridors_target": lambda o, d: dijkstra(ip, hd, w, ok, 0, o, d),
            "corridors_full": lambda o, d: dijkstra(ip, hd, w, ok, 0, o, -1),
            "scipy_full": lambda o, d: sp_dijkstra(self.csr, directed=True, indices=o),
            "scipy_limit_oracle": scipy_limit,
            "networkx_target": lambda o, d: nx.dijkstra_path_length(self.networkx(), o, d),
        }

    def _run(self, name: str, pairs: np.ndarray | None = None) -> None:
        fn = self.queries()[name]
        for o, d in self.pairs if pairs is None else pairs:
            fn(int(o), int(d))

    def time_corridors_target(self, side: int) -> None:
        self._run("corridors_target")

    def time_corridors_full(self, side: int) -> None:
        self._run("corridors_full")

    def time_scipy_full(self, side: int) -> None:
        self._run("scipy_full")

    def time_networkx_target(self, side: int) -> None:
        self._run("networkx_target", self.pairs[:3])


# --------------------------------------------------------------------------------------------
# main


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "python": platform.python_version(),
        "loadavg_1_5_15": list(os.getloadavg()),
        **{p: metadata.version(p) for p in ("numpy", "scipy", "networkx", "numba", "corridors")},
    }


def run_bundled(n_pairs: int, repeat: int) -> dict[str, Any]:
    b = BundledRouting()
    b.setup(n_pairs)
    g = b.g
    lat: dict[str, dict[str, float]] = {}
    for name, fn in b.queries().items():
        lat[name] = stats(time_queries(fn, b.pairs, repeat))
        print(f"bundled {name:18s} p50 {lat[name]['p50_ms']:.4f} ms", flush=True)
    n_opts = [len(pareto_routes(b.net, b.ids[o], b.ids[d]).options) for o, d in b.pairs]
    ratios = {
        "scipy_full / corridors_plain_full": lat["scipy_full"]["p50_ms"]
        / lat["plain_full"]["p50_ms"],
        "scipy_full / corridors_plain_target": lat["scipy_full"]["p50_ms"]
        / lat["plain_target"]["p50_ms"],
        "networkx_target / corridors_plain_target": lat["networkx_target"]["p50_ms"]
        / lat["plain_target"]["p50_ms"],
        "networkx_full / corridors_plain_full": lat["networkx_full"]["p50_ms"]
        / lat["plain_full"]["p50_ms"],
    }
    return {
        "graph": {
            "nodes": g.n_nodes,
            "vertices": g.n_vertices,
            "arcs": g.n_arcs,
            "plain_arcs": len(b.plain[1]),
            "csr_bytes_kernel_arrays": nbytes(g.indptr, g.head, b.weight, b.ok),
        },
        "n_pairs": n_pairs,
        "repeat": repeat,
        "load_network_and_compile_s": b.load_s,
        "warmup_s": b.warmup_s,
        "pareto_options_per_query": {
            "mean": float(np.mean(n_opts)),
            "max": int(np.max(n_opts)),
        },
        "latency": lat,
        "ratios_p50": ratios,
        "max_distance_diff": b.check(),
    }


def run_grid(side: int, n_pairs: int, nx_queries: int) -> dict[str, Any]:
    s = SyntheticGrid()
    s.setup(side, n_pairs)
    q = s.queries()
    lat: dict[str, dict[str, float]] = {}
    raw: dict[str, np.ndarray] = {}
    for name in ("corridors_target", "corridors_full", "scipy_full"):
        raw[name] = time_queries(q[name], s.pairs)
        lat[name] = stats(raw[name])
        print(f"grid {side} {name:18s} p50 {lat[name]['p50_ms']:.2f} ms", flush=True)
    lat["scipy_limit_oracle"] = stats(
        np.array([q["scipy_limit_oracle"](int(o), int(d)) for o, d in s.pairs])
    )
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    s.networkx()
    nx_build_s = time.perf_counter() - t0
    nx_rss = rss_bytes() - rss0
    raw["networkx_target"] = time_queries(q["networkx_target"], s.pairs[:nx_queries])
    lat["networkx_target"] = stats(raw["networkx_target"])
    # networkx ran on the first nx_queries pairs only: compare on those same pairs
    nx_ratio = float(
        np.median(raw["networkx_target"]) / np.median(raw["corridors_target"][:nx_queries])
    )
    print(f"grid {side} networkx_target p50 {lat['networkx_target']['p50_ms']:.0f} ms", flush=True)
    # same answers? (not timed)
    worst = 0.0
    for o in s.pairs[:5, 0]:
        ours = dijkstra(s.indptr, s.head, s.weight, s.ok, 0, int(o), -1)[0]
        worst = max(worst, float(np.abs(ours - sp_dijkstra(s.csr, indices=int(o))).max()))
    n = len(s.indptr) - 1
    c = lat["corridors_target"]["p50_ms"]
    f = lat["corridors_full"]["p50_ms"]
    return {
        "side": side,
        "nodes": n,
        "arcs": len(s.head),
        "n_pairs": n_pairs,
        "networkx_queries": nx_queries,
        "build_s": s.build_s,
        "warmup_s": s.warmup_s,
        "networkx_build_s": nx_build_s,
        "memory_bytes": {
            "corridors_csr": nbytes(s.indptr, s.head, s.weight, s.ok),
            "scipy_csr": nbytes(s.csr.indptr, s.csr.indices, s.csr.data),
            "networkx_rss_delta_approx": nx_rss,
        },
        "latency": lat,
        "ratios_p50": {
            "scipy_full / corridors_full": lat["scipy_full"]["p50_ms"] / f,
            "scipy_full / corridors_target": lat["scipy_full"]["p50_ms"] / c,
            "scipy_limit_oracle / corridors_target": lat["scipy_limit_oracle"]["p50_ms"] / c,
            "networkx_target / corridors_target (same pairs)": nx_ratio,
        },
        "max_distance_diff_scipy_vs_corridors": worst,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sample and grid (< 1 minute)")
    ap.add_argument("--out", type=Path, default=RESULTS / "routing.json")
    args = ap.parse_args()
    if args.quick:
        cfg = {"n_pairs": 50, "repeat": 1, "sides": [200], "grid_pairs": 5, "nx_queries": 2}
    else:
        cfg = {"n_pairs": 200, "repeat": 5, "sides": [250, 500], "grid_pairs": 50, "nx_queries": 5}
    t0 = time.perf_counter()
    bundled = run_bundled(cfg["n_pairs"], cfg["repeat"])
    grids = [run_grid(s, cfg["grid_pairs"], cfg["nx_queries"]) for s in cfg["sides"]]
    cmd = "" if not args.quick else " --quick"
    doc = {
        "benchmark": "route-query latency, corridors vs scipy and networkx",
        "command": f".venv/bin/python benchmarks/bench_routing.py{cmd}",
        "machine": machine(),
        "config": cfg,
        "seed": SEED,
        "targets_ms": {"single_criterion": SINGLE_TARGET_MS, "pareto": PARETO_TARGET_MS},
        "timing": "perf_counter_ns around each query after warm-up; p50/p95 over all queries",
        "bundled": bundled,
        "synthetic_grid": grids,
        "total_s": time.perf_counter() - t0,
        "loadavg_at_end": list(os.getloadavg()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2))
    args.out.with_suffix(".md").write_text(markdown(doc))
    print(f"wrote {args.out} and .md in {doc['total_s']:.0f} s", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# report

LABELS = {
    "route_days": "`route(objective='days')` end to end",
    "dijkstra_kernel": "`dijkstra` kernel (route's graph, early exit)",
    "pareto_routes": "`pareto_routes` end to end",
    "pareto_kernel": "`pareto_search` kernel",
    "plain_target": "corridors `dijkstra`, plain graph, early exit",
    "plain_full": "corridors `dijkstra`, plain graph, full tree",
    "scipy_full": "scipy `csgraph.dijkstra(indices=o)` (full tree)",
    "networkx_target": "networkx `dijkstra_path_length` (early exit)",
    "networkx_full": "networkx `single_source_dijkstra_path_length`",
    "corridors_target": "corridors `dijkstra`, early exit",
    "corridors_full": "corridors `dijkstra`, full tree",
    "scipy_limit_oracle": "scipy `dijkstra(limit=d(o,t))` (oracle limit)",
}


def _load(v: list[float]) -> str:
    return "/".join(f"{x:.1f}" for x in v)


def _verdict(p50: float, p95: float, target: float) -> str:
    if p95 < target:
        return f"met (p95 < {target:g} ms)"
    if p50 < target:
        return f"met at p50 only (p95 {p95:.2f} ms)"
    return f"**missed** (p50 {p50:.2f} ms > {target:g} ms)"


def markdown(doc: dict[str, Any]) -> str:
    m, b = doc["machine"], doc["bundled"]
    gi, opts = b["graph"], b["pareto_options_per_query"]
    lines = [
        "# Routing benchmark: query latency",
        "",
        f"Date {m['date']}; {m['cpu']} ({m['cpus_usable']} of {m['cpus']} cores usable), "
        f"{m['platform']}; Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, "
        f"networkx {m['networkx']}, numba {m['numba']}, corridors {m['corridors']}.",
        f"Command: `{doc['command']}` (seed {doc['seed']}; total {doc['total_s']:.0f} s).",
        f"Timing: {doc['timing']}. One process, one core. Load average (1, 5, 15 min) at start "
        f"{_load(m['loadavg_1_5_15'])}, at end {_load(doc['loadavg_at_end'])}: above 0 means "
        "other work shared the machine and inflates the times.",
        "",
        "## Bundled network",
        "",
        f"Container graph: {gi['nodes']} nodes, {gi['vertices']} vertices, {gi['arcs']} arcs "
        f"({gi['plain_arcs']} after merging parallel arcs for the peers); kernel arrays "
        f"{gi['csr_bytes_kernel_arrays'] / 1024:.1f} KiB. {b['n_pairs']} seeded random OD node "
        f"pairs, {b['repeat']} pass(es) over them. Loading the network and compiling the graph "
        f"took {b['load_network_and_compile_s']:.2f} s; warm-up (numba cache load) "
        f"{b['warmup_s']:.2f} s, both excluded. Pareto sets: {opts['mean']:.1f} options per "
        f"query on average, {opts['max']} at most.",
        "",
        "| query | p50 ms | p95 ms | mean ms | target |",
        "|---|---:|---:|---:|---|",
    ]
    targets = {
        "route_days": SINGLE_TARGET_MS,
        "dijkstra_kernel": SINGLE_TARGET_MS,
        "pareto_routes": PARETO_TARGET_MS,
        "pareto_kernel": PARETO_TARGET_MS,
    }
    for name, s in b["latency"].items():
        t = targets.get(name)
        verdict = "" if t is None else _verdict(s["p50_ms"], s["p95_ms"], t)
        lines.append(
            f"| {LABELS[name]} | {s['p50_ms']:.4f} | {s['p95_ms']:.4f} | {s['mean_ms']:.4f} "
            f"| {verdict} |"
        )
    lines += [
        "",
        "Peer ratios (p50, peer time / corridors time; > 1 means corridors is faster):",
        "",
    ]
    lines += [f"- {k}: {v:.1f}×" for k, v in b["ratios_p50"].items()]
    lines += [
        "",
        "Largest distance difference on the plain graph: "
        + ", ".join(f"{k} {v:.1e}" for k, v in b["max_distance_diff"].items())
        + ".",
        "",
        "## Synthetic grid",
        "",
        "Seeded 4-neighbour grid, arcs both ways, weights uniform in [1, 10); corridors "
        "`dijkstra(n_access=0)`, all arcs allowed. Memory: corridors' kernel arrays (indptr, "
        "head int64, weight float64, arc_ok bool) vs scipy's CSR (int32 indices); networkx "
        "as the process RSS growth while building its DiGraph (approximate).",
        "",
        "| nodes | arcs | queries | query | p50 ms | p95 ms | mean ms |",
        "|---:|---:|---:|---|---:|---:|---:|",
    ]
    for gr in doc["synthetic_grid"]:
        for name, s in gr["latency"].items():
            lines.append(
                f"| {gr['nodes']:,} | {gr['arcs']:,} | {s['n']} | {LABELS[name]} "
                f"| {s['p50_ms']:.2f} | {s['p95_ms']:.2f} | {s['mean_ms']:.2f} |"
            )
    lines += ["", "| nodes | arcs | ratios (p50) | memory MiB (corridors / scipy / networkx) |"]
    lines += ["|---:|---:|---|---|"]
    for gr in doc["synthetic_grid"]:
        mem = gr["memory_bytes"]
        r = "; ".join(f"{k} {v:.2f}×" for k, v in gr["ratios_p50"].items())
        lines.append(
            f"| {gr['nodes']:,} | {gr['arcs']:,} | {r} | {mem['corridors_csr'] / 2**20:.1f} / "
            f"{mem['scipy_csr'] / 2**20:.1f} / ~{mem['networkx_rss_delta_approx'] / 2**20:.0f} |"
        )
    lines += [""]
    for gr in doc["synthetic_grid"]:
        lines.append(
            f"- {gr['nodes']:,} nodes: grid build {gr['build_s']:.2f} s, numba warm-up "
            f"{gr['warmup_s']:.2f} s (kernel already loaded by the bundled part), networkx "
            f"graph build {gr['networkx_build_s']:.1f} s (excluded); networkx timed on "
            f"{gr['networkx_queries']} queries only (the first pairs); largest "
            f"distance difference scipy vs corridors "
            f"{gr['max_distance_diff_scipy_vs_corridors']:.1e}."
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
