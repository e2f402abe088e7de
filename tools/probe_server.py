"""Probe a running corridors server on 127.0.0.1 with hostile requests (issue 13).

Sends the alias-bomb scenario (``tests/data/hostile/alias_bomb.yaml``) three times, a 50 MB
body, and a request head that never completes; prints each answer and how long it took.

Run: ``python tools/probe_server.py PORT`` against ``corridors serve --port PORT``.
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import httpx

BOMB = Path(__file__).resolve().parents[1] / "tests" / "data" / "hostile" / "alias_bomb.yaml"


def main(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    bomb = BOMB.read_text(encoding="utf-8")
    with httpx.Client(timeout=60) as c:
        for _ in range(3):
            t = time.perf_counter()
            r = c.post(base + "/api/scenarios", json={"name": "bomb", "yaml": bomb})
            ms = (time.perf_counter() - t) * 1e3
            print(f"alias bomb ({len(bomb)} bytes): {r.status_code} {r.json()['code']} {ms:.1f} ms")
        t = time.perf_counter()
        r = c.post(
            base + "/api/scenarios",
            content=b"{" + b" " * 50_000_000 + b"}",
            headers={"content-type": "application/json"},
        )
        ms = (time.perf_counter() - t) * 1e3
        body = r.json()
        print(f"50 MB body: {r.status_code} {body['code']} limit {body['limit']} {ms:.0f} ms")
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        t = time.perf_counter()
        data = s.recv(100)
        print(
            f"half-sent head: closed by the server after {time.perf_counter() - t:.1f} s {data!r}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]))
