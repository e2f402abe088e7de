"""Serving with uvicorn: timeouts for slow clients, one lock per database, several workers,
admission control by expected wait, and workers that are warm before their first request.

``corridors serve`` calls :func:`serve`. Settings travel to worker processes in the
``CORRIDORS_SERVE_CONFIG`` environment variable (JSON), read by :func:`app_from_env`.

Every worker (and the single-process server) is prepared by :func:`prepare_app`: one route
query per cargo kind fills the numba caches and the per-network lookups (cargo graphs, GeoJSON
coordinates and shapes) before the first client is served, then the heap built so far is moved
out of the garbage collector's sight (:func:`gc.freeze`: the ~240,000 objects of the network's
tables are never scanned again by full collections during requests). The app is wrapped in
:class:`Admission`, which answers 503 with ``Retry-After`` at once when a compute request would
wait longer than :data:`ADMISSION_BUDGET_S` (measured as requests in flight × the measured
time between completions), so accepted requests keep a bounded latency under overload.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from corridors.api._settings import ServerSettings

log = logging.getLogger(__name__)

ENV = "CORRIDORS_SERVE_CONFIG"
HEADER_TIMEOUT_S = 10.0
"""A request's line and headers must arrive within this many seconds."""
KEEP_ALIVE_S = 5
MAX_HEADER_BYTES = 64 * 1024
ADMISSION_BUDGET_S = 0.05
"""Longest expected wait (s) a compute request is admitted with; refused (503) above it.

The estimate (requests in flight × time between completions) runs below the real wait on a
busy machine; 0.05 s kept the p99 of admitted uncached route requests at 64 clients under
200 ms in ``benchmarks/results/api_admission_*.md`` where 0.15 s did not."""
MAX_ADMISSION_BUDGET_S = 60.0
"""Largest admission budget ``corridors serve --admission-budget`` accepts (s)."""
ADMISSION_ENV = "CORRIDORS_ADMISSION_BUDGET_S"
"""Environment variable overriding :data:`ADMISSION_BUDGET_S` in every worker (0: no
admission control)."""
ADMITTED_PATHS = ("/api/route", "/api/compare", "/api/reliability")
"""Path prefixes under admission control (the CPU-bound GET endpoints)."""
RETRY_AFTER_S = 1
WARM_PAIRS = (("Xian", "Duisburg"), ("Almaty", "Baku"))
"""Route queries run once per worker before serving (a missing place is skipped)."""


class Admission:
    """ASGI middleware refusing compute requests whose expected wait exceeds a budget.

    The expected wait of a new request is the number of admitted requests still in flight
    times the time between completions while the worker is busy (an exponentially weighted
    mean: the service time with one compute thread, service time / threads with several).
    Above ``budget_s`` the request is answered at once with 503 ``server_busy`` and
    ``Retry-After``; other paths pass through untouched.

    Parameters
    ----------
    app
        The ASGI app.
    budget_s
        Longest expected wait admitted, in seconds.
    retry_after_s
        Seconds suggested in ``Retry-After``.
    prefixes
        Path prefixes under control.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        budget_s: float = ADMISSION_BUDGET_S,
        retry_after_s: int = RETRY_AFTER_S,
        prefixes: tuple[str, ...] = ADMITTED_PATHS,
    ) -> None:
        self.app = app
        self.budget_s = budget_s
        self.retry_after_s = retry_after_s
        self.prefixes = prefixes
        self.in_flight = 0
        self.refused = 0
        self.service_s = 0.003  # first guess; replaced by measurements within a few requests
        self._mark = 0.0

    def expected_wait_s(self) -> float:
        """Expected wait of a request admitted now, in seconds."""
        return self.in_flight * self.service_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        wait = self.expected_wait_s()
        if self.in_flight and wait > self.budget_s:
            self.refused += 1
            await self._refuse(wait)(scope, receive, send)
            return
        if self.in_flight == 0:
            self._mark = time.perf_counter()
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            now = time.perf_counter()
            gap = min(now - self._mark, 1.0)  # one very slow request must not lock others out
            self._mark = now
            self.service_s += 0.2 * (gap - self.service_s)

    def _refuse(self, wait: float) -> ASGIApp:
        from corridors.api._problems import problem_response

        return problem_response(
            503,
            "server_busy",
            f"The server is busy: {self.in_flight} requests are in progress and a new one "
            f"would wait about {wait:.2f} s (limit {self.budget_s:.2f} s). Retry after "
            f"{self.retry_after_s} s, or run more workers (corridors serve --workers N).",
            field="concurrency",
            limit=self.budget_s,
            headers={"Retry-After": str(self.retry_after_s)},
        )


def prepare_app(app: Any, *, budget_s: float | None = None) -> Any:
    """Warm a freshly built app (kernels, per-network lookups), freeze its heap for the
    garbage collector and wrap it in :class:`Admission`.

    ``budget_s`` defaults to ``$CORRIDORS_ADMISSION_BUDGET_S``, else
    :data:`ADMISSION_BUDGET_S`; 0 returns the app without admission control."""
    budget_s = admission_budget(budget_s)
    warm_up(app)
    gc.collect()
    gc.freeze()
    return Admission(app, budget_s=budget_s) if budget_s > 0 else app


def admission_budget(budget_s: float | str | None = None) -> float:
    """The admission budget (s): ``budget_s``, else ``$CORRIDORS_ADMISSION_BUDGET_S``, else
    :data:`ADMISSION_BUDGET_S`, checked to be a finite number from 0 to
    :data:`MAX_ADMISSION_BUDGET_S`.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For anything else, naming where the value came from.
    """
    from corridors.errors import InvalidSpecError, explain

    where = "the admission budget"
    if budget_s is None:
        budget_s = os.environ.get(ADMISSION_ENV) or ADMISSION_BUDGET_S
        where = f"${ADMISSION_ENV}"
    try:
        value = float(budget_s)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= MAX_ADMISSION_BUDGET_S:  # also refuses NaN
        raise InvalidSpecError(
            explain(
                f"{where} is {budget_s!r}, not a number of seconds from 0 to "
                f"{MAX_ADMISSION_BUDGET_S:g}.",
                fix="Give e.g. 0.05 (the default), or 0 to turn admission control off.",
            )
        )
    return value


def warm_up(app: Any) -> int:
    """Run the first route queries of a worker before it accepts connections.

    Compiles or loads the routing kernels and builds the lazily cached lookups of the base
    network (cargo graphs, GeoJSON coordinates and shapes) that a first request would
    otherwise pay for. Returns the number of queries that ran; a query whose places are not
    in the network is skipped.
    """
    from corridors.api._route import CargoParam, RouteQuery, _options_payload, dumps
    from corridors.errors import CorridorsError

    net = app.state.corridors.network
    done = 0
    kinds = ((CargoParam.container, 40.0, None), (CargoParam.bulk, None, 1000.0))
    for cargo, teu, tonnes in kinds:
        for origin, destination in WARM_PAIRS:
            q = RouteQuery(
                origin=origin, destination=destination, cargo=cargo, teu=teu, tonnes=tonnes
            )
            try:
                dumps(_options_payload(net, q.run(net), "base"))
            except CorridorsError as exc:  # e.g. a custom network without these places
                log.debug("warm-up query %s-%s skipped: %s", origin, destination, exc)
                continue
            done += 1
    return done


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
    app = create_app(
        database_url=cfg["database"],
        network=load_network(cfg["network"]),
        settings=settings,
    )
    return prepare_app(app, budget_s=settings.admission_budget_s)


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
        app = prepare_app(
            create_app(database_url=database, network=load_network(network), settings=settings),
            budget_s=settings.admission_budget_s,
        )
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
