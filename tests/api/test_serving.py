"""The uvicorn protocol corridors serves with: a half-sent request head is cut off."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from corridors.network import Network


def test_slow_request_head_is_closed(
    bundled: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from corridors.api import _serving, create_app

    monkeypatch.setattr(_serving, "HEADER_TIMEOUT_S", 0.5)
    app = create_app(database_url=f"sqlite:///{tmp_path / 's.sqlite'}", network=bundled)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    opts = _serving.uvicorn_options()
    opts.pop("timeout_worker_healthcheck")
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **opts)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started and time.monotonic() < end:
        time.sleep(0.05)
    try:
        # a complete request is answered, and the connection then kept alive
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(b"GET /api/nodes?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert c.recv(12).startswith(b"HTTP/1.1 200")
        # a head that never completes is closed after the deadline
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(b"GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            # closed by the server (recv returns b""); without the deadline recv would wait
            # for our 10 s socket timeout and raise
            assert c.recv(100) == b""
    finally:
        server.should_exit = True
        thread.join(10)


def _call(app: object, path: str) -> tuple[int, dict[str, str], bytes]:
    """Drive an ASGI app with one GET request; returns status, headers and body."""
    import asyncio

    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg: dict[str, object]) -> None:
        sent.append(msg)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}  # type: ignore[attr-defined]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    return int(start["status"]), headers, body  # type: ignore[call-overload]


def test_admission_refuses_with_503_and_retry_after_when_the_wait_is_too_long() -> None:
    import json

    from corridors.api._serving import Admission

    async def ok(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    adm = Admission(ok, budget_s=0.1, retry_after_s=3)
    assert _call(adm, "/api/route")[0] == 200
    # 40 requests in flight at 5 ms between completions: a new one would wait 0.2 s > 0.1 s
    adm.in_flight, adm.service_s = 40, 0.005
    status, headers, body = _call(adm, "/api/route")
    assert status == 503
    assert headers["retry-after"] == "3"
    problem = json.loads(body)
    assert problem["code"] == "server_busy" and "--workers" in problem["message"]
    assert adm.refused == 1
    # paths outside admission control and short waits pass
    assert _call(adm, "/api/nodes")[0] == 200
    adm.in_flight = 10  # 10 x 5 ms = 0.05 s
    assert _call(adm, "/api/route")[0] == 200


def test_admission_measures_time_between_completions() -> None:
    import asyncio

    from corridors.api._serving import Admission

    async def slow(scope: object, receive: object, send: object) -> None:
        await asyncio.sleep(0.02)
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    adm = Admission(slow, budget_s=10)
    for _ in range(15):
        _call(adm, "/api/route")
    assert 0.015 < adm.service_s < 0.2
    assert adm.in_flight == 0


def test_warm_up_runs_route_queries_on_the_bundled_network(
    bundled: Network, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from corridors.api import _serving, create_app

    app = create_app(database_url=f"sqlite:///{tmp_path / 'w.sqlite'}", network=bundled)
    with TestClient(app):  # runs the lifespan: the store and its lock are closed after
        assert _serving.warm_up(app) == 4
        assert "geojson_shapes" in bundled._cache
