"""Whole-command timings of the CLI: wall and CPU (children included), cold and warm.

Each command runs as a fresh process (``python -m corridors …``), as a user runs it. CPU is
user + system time of the finished child (``resource.getrusage(RUSAGE_CHILDREN)`` deltas, so a
command's own subprocesses count too); wall is the elapsed time around it. *Cold* runs start with
empty caches (a new ``CORRIDORS_CACHE_DIR`` and ``NUMBA_CACHE_DIR`` each time: kernels compile,
the network is validated and compiled); *warm* runs reuse one cache filled by a warm-up run.

The peer is the same commands on another source tree (``--baseline-src``, e.g. the main branch
before this change), in the same run, interleaved A B A B so machine drift hits both.

    python benchmarks/bench_cli.py                         # this tree only
    git archive <commit> src | tar -x -C /tmp/baseline       # the peer, e.g. main before this
    python benchmarks/bench_cli.py --baseline-src /tmp/baseline/src --baseline-label "main <commit>"

Writes ``benchmarks/results/cli.md`` (and ``cli.json``) with min and median of the repeats and
the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

ROUTE = ["route", "Almaty", "Duisburg", "--teu", "2"]
COMPARE = ["compare", "bundled", "caspian-x2", "--pairs", "Almaty:Baku"]
SWEEP = ["sweep", "demand-ferries-customs", "--workers", "2", "--out", "{work}/sweep.csv"]
# (name, argv after `python`, kind, goal seconds, goal on "cpu" or "wall")
CASES = [
    ("import corridors", ["-c", "import corridors"], "warm", 0.3, "cpu"),
    ("corridors --help", ["-m", "corridors", "--help"], "warm", 0.3, "wall"),
    ("usage error (route Almaty)", ["-m", "corridors", "route", "Almaty"], "warm", 0.3, "wall"),
    ("corridors route --help", ["-m", "corridors", "route", "--help"], "warm", 0.3, "wall"),
    (
        "usage error (bad value: --teu lots)",
        ["-m", "corridors", *ROUTE[:3], "--teu", "lots"],
        "warm",
        0.3,
        "wall",
    ),
    ("corridors route, warm", ["-m", "corridors", *ROUTE], "warm", 0.5, "cpu"),
    ("corridors route, first run (cold caches)", ["-m", "corridors", *ROUTE], "cold", 5.0, "cpu"),
    ("corridors sweep --list", ["-m", "corridors", "sweep", "--list"], "warm", 0.3, "wall"),
    (
        "corridors sweep --list, first run (cold caches)",
        ["-m", "corridors", "sweep", "--list"],
        "cold",
        5.0,
        "cpu",
    ),
    ("corridors compare (1 scenario), warm", ["-m", "corridors", *COMPARE], "warm", None, "cpu"),
    (
        "corridors compare (1 scenario), first run (cold caches)",
        ["-m", "corridors", *COMPARE],
        "cold",
        None,
        "cpu",
    ),
    ("corridors sweep (shipped, 12 runs), warm", ["-m", "corridors", *SWEEP], "warm", None, "cpu"),
    (
        "corridors sweep (shipped, 12 runs), first run (cold caches)",
        ["-m", "corridors", *SWEEP],
        "cold",
        None,
        "cpu",
    ),
]
"""Goal ``None``: the issues state none for the command; the row is measured, not judged."""


def _once(argv: list[str], env: dict[str, str], work: Path) -> tuple[float, float, int]:
    argv = [a.replace("{work}", str(work)) for a in argv]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _env(src: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env["CORRIDORS_CACHE_DIR"] = str(cache / "corridors")
    env["NUMBA_CACHE_DIR"] = str(cache / "numba")  # both trees: never the source tree
    env.pop("NUMBA_DISABLE_JIT", None)
    return env


def run(trees: dict[str, Path], repeats: int, only: str = "") -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    work = Path(tempfile.mkdtemp(prefix="corridors-bench-cli-"))
    try:
        warm = {label: work / f"warm-{label}" for label in trees}
        for name, argv, kind, goal, on in CASES:
            if only and only not in name:
                continue
            if kind == "warm":  # fill the warm caches with what this command needs (untimed)
                for label, src in trees.items():
                    _once(argv, _env(src, warm[label]), work)
            samples: dict[str, list[tuple[float, float, int]]] = {k: [] for k in trees}
            for r in range(repeats):
                for label, src in trees.items():
                    cache = warm[label] if kind == "warm" else work / f"cold-{label}-{r}"
                    samples[label].append(_once(argv, _env(src, cache), work))
                    if kind == "cold":
                        shutil.rmtree(cache, ignore_errors=True)
            for label in trees:
                walls = [s[0] for s in samples[label]]
                cpus = [s[1] for s in samples[label]]
                med = statistics.median(cpus if on == "cpu" else walls)
                rows.append(
                    {
                        "case": name,
                        "tree": label,
                        "repeats": repeats,
                        "wall_min": min(walls),
                        "wall_median": statistics.median(walls),
                        "cpu_min": min(cpus),
                        "cpu_median": statistics.median(cpus),
                        "exit_codes": sorted({s[2] for s in samples[label]}),
                        "goal": "none stated" if goal is None else f"≤ {goal:g} s {on}",
                        "met": None if goal is None else med <= goal,
                    }
                )
                print(
                    f"{name:45s} {label:9s} wall {min(walls):6.2f}/{statistics.median(walls):6.2f}"
                    f"  cpu {min(cpus):6.2f}/{statistics.median(cpus):6.2f}",
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def write(rows: list[dict[str, object]], meta: dict[str, object], out: Path) -> None:
    lines = [
        "# CLI command timings (whole process, cold and warm)",
        "",
        f"Run {meta['date']} on {meta['machine']} ({meta['cpus']} CPUs), Python {meta['python']}; "
        f"load average before {meta['load_before']}, after {meta['load_after']}. "
        f"{meta['repeats']} repeats per case, trees run interleaved. "
        "Seconds; CPU = user + system of the process and its children. "
        "Cold = empty corridors and numba caches each run (kernels compile).",
        "",
        f"Command: `{meta['command']}`",
        "",
        "| case | tree | wall min | wall median | CPU min | CPU median | goal | met (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['tree']} | {r['wall_min']:.2f} | {r['wall_median']:.2f} | "
            f"{r['cpu_min']:.2f} | {r['cpu_median']:.2f} | {r['goal']} | "
            f"{'—' if r['met'] is None else 'yes' if r['met'] else 'no'} |"
        )
    lines += [
        "",
        "Trees: " + "; ".join(f"`{k}` = {v}" for k, v in meta["trees"].items()),  # type: ignore[attr-defined]
        f"Baseline: {meta['baseline_label']}" if meta.get("baseline_label") else "",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="runs per case and tree")
    ap.add_argument("--baseline-src", type=Path, help="source tree of the peer (e.g. main)")
    ap.add_argument("--baseline-label", default="", help="what the baseline is (report)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "cli.md")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = ap.parse_args()
    trees = {"this": SRC}
    if args.baseline_src:
        trees = {"baseline": args.baseline_src.resolve(), "this": SRC}
    meta: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": platform.machine() + " " + platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "repeats": args.repeats,
        "command": "python benchmarks/bench_cli.py " + " ".join(a for a in sys.argv[1:]),
        "trees": {k: str(v) for k, v in trees.items()},
        "baseline_label": args.baseline_label,
    }
    rows = run(trees, args.repeats, args.only)
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(rows, meta, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
