"""Bounded load test of ``GET /api/route`` on 127.0.0.1: requests per second and p95 latency.

Starts the API with uvicorn in this process (temporary SQLite), warms it, then sends a fixed
number of route requests from a few client threads over a seeded list of OD pairs, and writes
``benchmarks/results/api_load.md``. Loopback only, bounded by ``--requests`` and ``--seconds``.

Run: ``.venv/bin/python benchmarks/bench_api_load.py [--requests 300] [--concurrency 4]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import httpx
import uvicorn

from corridors.api import create_app

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
OUT = Path(__file__).resolve().parent / "results" / "api_load.md"


class RouteLoad:
    """asv-style: parametrised by concurrency, seeded, bounded by a timeout."""

    params: ClassVar[list[int]] = [1, 4]
    seed = 0
    timeout = 120.0

    def __init__(self, requests: int = 300) -> None:
        self.requests = requests

    def setup(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        db = Path(tempfile.mkdtemp(prefix="corridors-bench-")) / "bench.sqlite"
        app = create_app(database_url=f"sqlite:///{db}")
        cfg = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/api/route"

    def teardown(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def time_routes(self, concurrency: int) -> dict[str, float]:
        rng = random.Random(self.seed)
        pairs = [tuple(rng.sample(PLACES, 2)) for _ in range(self.requests)]
        with httpx.Client(timeout=30) as c:  # warm-up: compile and cache both cargo graphs
            c.get(self.url, params={"origin": "Xian", "destination": "Duisburg"})
        lat: list[float] = []
        codes: dict[int, int] = {}
        deadline = time.perf_counter() + self.timeout

        def one(pair: tuple[str, str], client: httpx.Client) -> None:
            if time.perf_counter() > deadline:
                return
            t = time.perf_counter()
            r = client.get(self.url, params={"origin": pair[0], "destination": pair[1], "teu": 40})
            lat.append(time.perf_counter() - t)
            codes[r.status_code] = codes.get(r.status_code, 0) + 1

        t0 = time.perf_counter()
        with httpx.Client(timeout=30) as client, ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda p: one(p, client), pairs))
        wall = time.perf_counter() - t0
        lat.sort()
        return {
            "concurrency": concurrency,
            "requests": len(lat),
            "rps": len(lat) / wall,
            "p50_ms": 1000 * statistics.median(lat),
            "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
            "max_ms": 1000 * lat[-1],
            "errors_5xx": sum(n for code, n in codes.items() if code >= 500),
            "ok": codes.get(200, 0),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, nargs="*", default=RouteLoad.params)
    args = ap.parse_args()
    bench = RouteLoad(args.requests)
    bench.setup()
    try:
        rows = [bench.time_routes(c) for c in args.concurrency]
    finally:
        bench.teardown()
    lines = [
        "# API load: `GET /api/route` on 127.0.0.1",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"{platform.machine()} · uvicorn, 1 process · bundled network · seeded random OD pairs "
        f"from {len(PLACES)} places, 40 TEU, default options (top 12, eps 0.02).",
        "",
        "| client threads | requests | 200 OK | 5xx | req/s | p50 ms | p95 ms | max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['concurrency']} | {r['requests']} | {r['ok']} | {r['errors_5xx']} | "
            f"{r['rps']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} |"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
