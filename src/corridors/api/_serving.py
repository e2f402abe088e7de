"""Serving with uvicorn: timeouts for slow clients, one lock per database, several workers.

``corridors serve`` calls :func:`serve`. Settings travel to worker processes in the
``CORRIDORS_SERVE_CONFIG`` environment variable (JSON), read by :func:`app_from_env`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from corridors.api._settings import ServerSettings

log = logging.getLogger(__name__)

ENV = "CORRIDORS_SERVE_CONFIG"
HEADER_TIMEOUT_S = 10.0
"""A request's line and headers must arrive within this many seconds."""
KEEP_ALIVE_S = 5
MAX_HEADER_BYTES = 64 * 1024


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head.

    uvicorn times out idle keep-alive connections but not a client that sends a request
    head byte by byte; this closes such a connection after :data:`HEADER_TIMEOUT_S`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _nodelay(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
        self._head_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            log.info("closing a connection whose request head did not arrive in time")
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
            self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
        super().connection_lost(exc)


def _nodelay(transport: asyncio.BaseTransport) -> None:
    """Disable Nagle's algorithm on the connection.

    asyncio sets TCP_NODELAY only on sockets whose ``proto`` is IPPROTO_TCP; the listening
    socket uvicorn makes for several workers has proto 0, so its connections kept Nagle on:
    the response body waited for the ACK of the headers, which the client delays by ~40 ms.
    """
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # not a TCP socket after all
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def uvicorn_options() -> dict[str, Any]:
    """The uvicorn settings every corridors server uses (timeouts and size limits)."""
    return {
        "http": BoundedH11Protocol,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "backlog": 2048,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
        # a worker loading the network and compiling kernels holds the GIL for seconds; the
        # supervisor's default 5 s health check would kill it again and again
        "timeout_worker_healthcheck": 120,
    }


def app_from_env() -> Any:
    """The app of a worker process (uvicorn ``factory=True`` target)."""
    from corridors.api._app import create_app
    from corridors.network import load_network

    cfg = json.loads(os.environ[ENV])
    settings = ServerSettings(
        **{**cfg["settings"], "allowed_hosts": tuple(cfg["settings"]["allowed_hosts"])}
    )
    return create_app(
        database_url=cfg["database"],
        network=load_network(cfg["network"]),
        settings=settings,
    )


def serve(
    *,
    host: str,
    port: int,
    database: str | None,
    network: str | None,
    settings: ServerSettings,
    workers: int = 1,
    log_level: str = "info",
    access_log: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run the server until interrupted (several worker processes when ``workers > 1``).

    With several workers the parent takes the database's lock and the workers share it;
    each worker has its own compute pool, job pool and response cache.
    """
    import uvicorn

    from corridors.api._app import create_app
    from corridors.network import load_network
    from corridors.storage import Store

    if workers <= 1:
        app = create_app(database_url=database, network=load_network(network), settings=settings)
        if on_ready is not None:
            on_ready()
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level=log_level,
            access_log=access_log,
            **uvicorn_options(),
        )
        return
    holder = None
    if settings.lease and not settings.read_only:
        holder = Store(database)  # migrates once and recovers jobs, then holds the lock
        holder.acquire_lease()
    if on_ready is not None:
        on_ready()
    try:
        worker_settings = dataclasses.replace(settings, lease=False)
        os.environ[ENV] = json.dumps(
            {
                "database": database,
                "network": network,
                "settings": dataclasses.asdict(worker_settings),
            }
        )
        uvicorn.run(
            "corridors.api._serving:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=access_log,
            **uvicorn_options(),
        )
    finally:
        if holder is not None:
            holder.close()
