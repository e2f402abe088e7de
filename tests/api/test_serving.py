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
