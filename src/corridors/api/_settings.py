"""Server limits and access settings, with the values every refusal states."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an interface to bind, or a Host header's name) is loopback-only."""
    h = host.strip().strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerSettings:
    """Limits, access control and pools of one API server.

    Attributes
    ----------
    max_body_bytes
        Largest request body (413 above it).
    max_active_jobs
        Jobs queued or running at once in this server (429 above it).
    max_jobs_per_client
        Jobs queued or running at once per client address or token (429 above it).
    compute_threads
        Threads that run CPU-bound handlers (routing, reliability, GeoJSON building).
    max_waiting
        Requests allowed to wait for a compute thread; more are refused with 429 and
        ``Retry-After`` so the event loop and the waiting requests stay responsive.
    retry_after_s
        Seconds suggested in ``Retry-After`` of 429 and 503 answers.
    token
        Bearer token required for writes (POST/PUT/DELETE); ``None``: writes need no token
        (only sensible on loopback; ``corridors serve`` makes one up otherwise).
    allowed_hosts
        Host header names accepted (DNS-rebinding defence); ``("*",)`` accepts any.
    read_only
        Refuse every write (403) and open the database read-only.
    cache_entries
        Route responses kept (by network version and query); 0 disables the cache.
    lease
        Hold the database's server lock (one server per database).
    body_timeout_s
        Longest wait for each part of a request body (408 after it).
    admission_budget_s
        Longest expected wait (s) a route, compare or reliability request is admitted with
        (503 with ``Retry-After`` above it; 0: no admission control); ``None``:
        ``$CORRIDORS_ADMISSION_BUDGET_S``, else
        :data:`corridors.api._serving.ADMISSION_BUDGET_S`. Applied by ``corridors serve``.
    """

    max_body_bytes: int = 1_000_000
    max_active_jobs: int = 32
    max_jobs_per_client: int = 4
    compute_threads: int = 1
    max_waiting: int = 256
    retry_after_s: int = 2
    token: str | None = None
    allowed_hosts: tuple[str, ...] = field(
        default=(*LOOPBACK_HOSTS, "testserver")  # testserver: Starlette's TestClient
    )
    read_only: bool = False
    cache_entries: int = 2048
    lease: bool = True
    body_timeout_s: float = 30.0
    admission_budget_s: float | None = None

    def host_allowed(self, host_header: str) -> bool:
        if "*" in self.allowed_hosts:
            return True
        name = host_header.strip().lower()
        if name.startswith("["):  # [::1]:8000
            name = name[: name.find("]") + 1]
        elif name.count(":") == 1:
            name = name.split(":", 1)[0]
        return name in {h.lower() for h in self.allowed_hosts}
