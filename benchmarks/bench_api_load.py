"""Bounded load test of ``GET /api/route`` on 127.0.0.1: req/s, p50/p95/p99, dropped connections.

Starts ``corridors serve`` as a subprocess per server configuration (temporary SQLite,
loopback only), warms it, then drives it with a minimal asyncio HTTP/1.1 keep-alive client
(one connection per simulated client; cheap, so the client steals little of the 2 cores) at
1, 4, 16 and 64 concurrent clients. Each level is bounded by ``--requests`` and ``--seconds``.

Two query mixes:

* ``repeat``: seeded random OD pairs among 15 places at 40 TEU (at most 210 distinct
  queries, so after warm-up most answers come from the route cache; a realistic web-map mix);
* ``unique``: the same pairs with a distinct TEU quantity per request, near 40 TEU (every
  request is a cache miss: routing, GeoJSON and JSON are computed each time).

Server configurations (peers in the same run): ``2 workers + cache`` (what ``corridors serve
--workers 2`` does) and ``1 worker, no cache`` (the single-process server without the cache).
A dropped connection is one that was reset or closed before a full response arrived; 429 and
503 answers (admission control) are counted separately, and a refused client waits the
``Retry-After`` it was given before its next request, as a well-behaved client does. Latency
percentiles are given over all answers and over the 200 answers alone; req/s counts 200s.
The load average is recorded before and after each configuration.
Results: ``benchmarks/results/api_load.{md,json}``.

Run: ``python benchmarks/bench_api_load.py [--requests 2000] [--seconds 40]``
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

PLACES = [
    "Xian",
    "Duisburg",
    "Almaty",
    "Baku",
    "Istanbul",
    "Tashkent",
    "Aktau",
    "Lianyungang",
    "Moscow",
    "Warsaw",
    "Urumqi",
    "Tbilisi",
    "Chongqing",
    "Minsk",
    "Astana",
]
LEVELS = (1, 4, 16, 64)
CONFIGS = {
    "2 workers + cache": ["--workers", "2"],
    "1 worker, no cache": ["--workers", "1", "--cache-entries", "0"],
    # peers for admission control, same run: none, and a tighter budget
    "2 workers, no admission": ["--workers", "2"],
    "2 workers, budget 0.15 s": ["--workers", "2"],
}
CONFIG_ENV = {
    "2 workers, no admission": {"CORRIDORS_ADMISSION_BUDGET_S": "0"},
    "2 workers, budget 0.15 s": {"CORRIDORS_ADMISSION_BUDGET_S": "0.15"},
}
RESULTS = Path(__file__).resolve().parent / "results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(
    args: list[str], port: int, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    db = Path(tempfile.mkdtemp(prefix="corridors-bench-")) / "bench.sqlite"
    cmd = [
        sys.executable,
        "-c",
        "from corridors.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database",
        f"sqlite:///{db}",
        *args,
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else "died"
                raise RuntimeError(err) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 120 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _paths(mix: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        o, d = rng.sample(PLACES, 2)
        # unique: a distinct quantity per request near 40 TEU (same work, never a cache hit)
        teu = 40 if mix == "repeat" else round(40 + 10 * seed + 0.001 * (k + 1), 3)
        q = urllib.parse.urlencode({"origin": o, "destination": d, "teu": teu})
        out.append(f"/api/route?{q}")
    return out


async def _one(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, port: int
) -> tuple[int, float]:
    """One request; returns the status and the Retry-After seconds (0 when absent)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    retry = 0.0
    for line in head.split(b"\r\n"):
        low = line.lower()
        if low.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        elif low.startswith(b"retry-after:"):
            retry = float(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status, retry


async def _level(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, object]:
    queue = list(reversed(paths))
    lat: list[float] = []
    lat_ok: list[float] = []
    codes: dict[int, int] = {}
    dropped = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal dropped
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue and time.perf_counter() < deadline:
                path = queue.pop()
                t = time.perf_counter()
                try:
                    status, retry = await _one(reader, writer, path, port)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    dropped += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                lat.append(time.perf_counter() - t)
                codes[status] = codes.get(status, 0) + 1
                if status == 200:
                    lat_ok.append(lat[-1])
                elif status in (429, 503) and retry > 0:
                    await asyncio.sleep(min(retry, max(0.0, deadline - time.perf_counter())))
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()
    lat_ok.sort()

    def q(p: float, xs: list[float] = lat) -> float:
        return 1000 * xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")

    return {
        "clients": clients,
        "requests": len(lat),
        "ok": codes.get(200, 0),
        "refused_429": codes.get(429, 0),
        "refused_503": codes.get(503, 0),
        "other": sum(n for c, n in codes.items() if c not in (200, 429, 503)),
        "dropped": dropped,
        "rps": len(lat) / wall,
        "ok_rps": codes.get(200, 0) / wall,
        "p99_ok_ms": q(0.99, lat_ok),
        "p50_ms": 1000 * statistics.median(lat) if lat else float("nan"),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
        "max_ms": 1000 * lat[-1] if lat else float("nan"),
        "wall_s": wall,
    }


def run(
    requests: int,
    seconds: float,
    configs: list[str],
    mixes: list[str],
    levels: tuple[int, ...] = LEVELS,
) -> list[dict]:
    rows = []
    for name in configs:
        port = _free_port()
        load0 = os.getloadavg()
        proc = _start(CONFIGS[name], port, CONFIG_ENV.get(name))
        try:
            # warm-up: numba caches, both cargo graphs, every worker (several connections)
            asyncio.run(_level(port, _paths("repeat", 64, 99), 8, 120))
            for mix in mixes:
                for level, clients in enumerate(levels):
                    paths = _paths(mix, requests, seed=1 + level)
                    r = asyncio.run(_level(port, paths, clients, seconds))
                    r |= {"config": name, "mix": mix, "load_before": os.getloadavg()[0]}
                    rows.append(r)
                    print(json.dumps(r), flush=True)
        finally:
            _stop(proc)
        for r in rows:
            if r["config"] == name:
                r["load_config_start"] = load0[0]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000, help="per level (bound)")
    ap.add_argument("--seconds", type=float, default=40.0, help="per level (bound)")
    ap.add_argument("--config", nargs="*", default=list(CONFIGS)[:2], choices=list(CONFIGS))
    ap.add_argument("--levels", nargs="*", type=int, default=list(LEVELS))
    ap.add_argument("--out", default="api_load", help="results file name (no suffix)")
    ap.add_argument("--mix", nargs="*", default=["repeat", "unique"])
    args = ap.parse_args()
    started = dt.datetime.now(dt.UTC)
    rows = run(args.requests, args.seconds, args.config, args.mix, tuple(args.levels))
    lines = [
        "# API load: `GET /api/route` on 127.0.0.1",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"{platform.machine()} · {os.cpu_count()} cores (shared with other work: see load "
        "average) · bundled network · asyncio keep-alive client, one connection per client · "
        f"bounds: {args.requests} requests or {args.seconds:g} s per level.",
        "",
        "Command: `python benchmarks/bench_api_load.py " + " ".join(sys.argv[1:]) + "`",
        "",
        "| server | mix | clients | requests | 200 | 429 | 503 | other | dropped | 200/s | "
        "p50 ms | p95 ms | p99 ms | p99 of 200s ms | max ms | load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['mix']} | {r['clients']} | {r['requests']} | {r['ok']} | "
            f"{r['refused_429']} | {r['refused_503']} | {r['other']} | {r['dropped']} | "
            f"{r['ok_rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['p99_ok_ms']:.1f} | {r['max_ms']:.0f} | "
            f"{r['load_before']:.2f} |"
        )
    lines += [
        "",
        "`repeat`: ≤ 210 distinct queries (cache hits after the first of each); `unique`: "
        "every request a new query (no cache hit). 503 = admission control (expected wait "
        "above the budget, default 0.05 s; the client then waits its Retry-After). "
        "Goal (issue 15 item 5): "
        "≥ 500 req/s on 2 cores and p99 < 200 ms at 64 clients, 0 dropped connections.",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / f"{args.out}.json").write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "command": "python benchmarks/bench_api_load.py " + " ".join(sys.argv[1:]),
                "rows": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
