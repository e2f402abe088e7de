"""Benchmark: bounded Pareto search on synthetic networks 10× and 100× the bundled graph.

Issue #15, item 3. The bundled container graph has 281 vertices and 756 arcs. Here: seeded
grids of about 10× and 100× that size (54 × 54 and 170 × 170 vertices, both directions),
with three anti-correlated arc criteria (time, cost, CO2: fast arcs are dear and dirty), which
makes Pareto sets large. ``pareto_search`` runs per OD pair in four modes, interleaved:

* ``exact`` — no lower bounds, ``eps = 0`` (the behaviour before this issue);
* ``exact_bounds`` — lower bounds from three backward single-criterion Dijkstra searches
  (timed with the query), ``eps = 0``: still the exact set;
* ``eps_1pct`` / ``eps_5pct`` — bounds and ``eps = 0.01`` / ``0.05``: every exact Pareto route
  has a returned route within 1 % / 5 % in each criterion (tested in
  ``tests/routing/test_kernels.py``).

A label cap (``--max-labels``) stops runaway queries; a query that hits it is reported. CPU ms
per query (p50, p95), labels created, Pareto-set size; load average.

Usage: ``.venv/bin/python benchmarks/bench_pareto.py [--pairs 30]`` → ``results/pareto.{md,json}``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from corridors.routing._kernels import pareto_bounded, pareto_search

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 20261202


def grid3(side: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid CSR and a (3, arcs) criteria array: time, cost, CO2 (anti-correlated)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side, dtype=np.int64).reshape(side, side)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    tail = np.concatenate([right[0], right[1], down[0], down[1]])
    head = np.concatenate([right[1], right[0], down[1], down[0]])
    order = np.lexsort((head, tail))
    tail, head = tail[order], head[order]
    m = len(head)
    t = rng.uniform(1.0, 10.0, m)
    c = 11.0 - t + rng.uniform(0.0, 2.0, m)
    e = 0.5 * c + rng.uniform(0.0, 3.0, m)
    indptr = np.zeros(side * side + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=side * side), out=indptr[1:])
    return indptr, head, np.stack([t, c, e])


def query(indptr, head, w, ok, o, d, eps, bounds, max_labels):  # type: ignore[no-untyped-def]
    """One query; returns (options, labels or -1 at the cap, ε guaranteed, labels dropped)."""
    m = len(head)
    n = len(indptr) - 1
    args = (w[0], w[1], w[2], np.zeros(m), np.zeros(m, np.int64), np.zeros(m, np.int8), ok, 0)
    if not bounds:  # the search as it was: no bounds, no seed routes, nothing when capped
        z = np.zeros(n)
        labels, _p, _a, n_lab = pareto_search(
            indptr, head, *args, o, d, -1.0, -1, np.inf, eps, max_labels, z, z, z
        )
        return len(labels), n_lab, (np.inf if n_lab < 0 else eps), 0
    res = pareto_bounded(indptr, head, *args, o, d, -1.0, -1, np.inf, eps, max_labels)
    assert res is not None
    labels, _p, _a, rep = res
    return len(labels), (-1 if rep.capped else rep.labels), rep.eps_bound, rep.dropped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=int, default=30)
    ap.add_argument("--max-labels", type=int, default=20_000)
    ap.add_argument("--sides", nargs="+", type=int, default=[54, 170])
    a = ap.parse_args()
    modes = {
        "exact": (0.0, False),
        "exact_bounds": (0.0, True),
        "eps_1pct": (0.01, True),
        "eps_5pct": (0.05, True),
        "eps_10pct": (0.10, True),
    }
    out = []
    load0 = os.getloadavg()[0]
    for side in a.sides:
        ip, hd, w = grid3(side, SEED + side)
        n = len(ip) - 1
        ok = np.ones(len(hd), np.bool_)
        rng = np.random.default_rng(SEED)
        pairs = rng.integers(0, n, (a.pairs, 2))
        query(ip, hd, w, ok, 0, 1, 0.0, True, 1000)  # numba cache load
        query(ip, hd, w, ok, 0, 1, 0.0, False, 1000)
        res: dict[str, dict[str, list[float]]] = {
            k: {"ms": [], "labels": [], "front": [], "capped": [], "eps": [], "dropped": []}
            for k in modes
        }
        for o, d in pairs:
            if o == d:
                continue
            for name, (eps, bounds) in modes.items():
                c = time.process_time()
                front, n_lab, eps_b, drop = query(
                    ip, hd, w, ok, int(o), int(d), eps, bounds, a.max_labels
                )
                res[name]["ms"].append(1e3 * (time.process_time() - c))
                res[name]["eps"].append(eps_b)
                res[name]["dropped"].append(float(drop))
                res[name]["labels"].append(float(n_lab))
                res[name]["front"].append(float(front))
                res[name]["capped"].append(float(n_lab < 0))
        for name, r in res.items():
            ms = np.array(r["ms"])
            out.append(
                {
                    "side": side,
                    "vertices": n,
                    "arcs": len(hd),
                    "x_bundled_vertices": n / 281,
                    "mode": name,
                    "p50_ms": float(np.percentile(ms, 50)),
                    "p95_ms": float(np.percentile(ms, 95)),
                    "max_ms": float(ms.max()),
                    "median_labels": float(np.median(r["labels"])),
                    "median_front": float(np.median(r["front"])),
                    "capped_queries": int(sum(r["capped"])),
                    "eps_bound_median": float(np.median(r["eps"])),
                    "eps_bound_max": float(np.max(r["eps"])),
                    "median_dropped": float(np.median(r["dropped"])),
                    "p95_ratio_to_goal_50ms": float(np.percentile(ms, 95)) / 50.0,
                    "queries": len(ms),
                }
            )
            print(json.dumps(out[-1]), flush=True)
    load1 = os.getloadavg()[0]
    meta = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_avg_1min": [load0, load1],
        "max_labels": a.max_labels,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pareto.json").write_text(json.dumps({"meta": meta, "rows": out}, indent=1))
    lines = [
        "# Bounded Pareto search on synthetic grids 10× and 100× the bundled graph (CPU ms)",
        "",
        f"{meta['date']} · {meta['machine']} · load {load0:.1f}/{load1:.1f} (1-min, "
        f"before/after; shared machine) · label cap {a.max_labels:,}",
        "",
        "| arcs | × bundled (vertices) | mode | p50 ms | p95 ms | max ms | median labels "
        "| median options | capped | ε guaranteed (median / max) | p95 ÷ 50 ms goal |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out:
        lines.append(
            f"| {r['arcs']:,} | {r['x_bundled_vertices']:.0f} | {r['mode']} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r['median_labels']:.0f} "
            f"| {r['median_front']:.0f} | {r['capped_queries']}/{r['queries']} "
            f"| {r['eps_bound_median']:.3g} / {r['eps_bound_max']:.3g} "
            f"| {r['p95_ratio_to_goal_50ms']:.2f} |"
        )
    lines += [
        "",
        "`exact`: the search as it was (no bounds, no seed routes): a capped query returns "
        "nothing and guarantees nothing (ε = inf). The other modes run "
        "`corridors.routing._kernels.pareto_bounded` (what `pareto_routes` runs): lower bounds "
        "and the fastest/cheapest/greenest routes from three backward Dijkstra searches (timed "
        "with the query), those routes labelled first, the ε bound against found routes, and "
        "the label cap. When the cap is hit the non-dominated routes found so far are "
        "returned, and `ε guaranteed` is computed from the labels left queued: every "
        "Pareto-optimal route has a returned route within a factor 1 + ε in time, cost and "
        "CO2 (= the ε asked for when not capped).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_pareto.py --max-labels {a.max_labels}`",
    ]
    (RESULTS / "pareto.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
