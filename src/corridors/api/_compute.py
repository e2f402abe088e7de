"""CPU-bound handlers run in a bounded thread pool with admission control.

The event loop only parses requests and writes responses; routing, Monte Carlo and GeoJSON
building run on ``compute_threads`` threads. At most ``max_waiting`` requests wait for a
thread: the next one is refused at once with 429 and ``Retry-After`` (instead of queueing
without bound until clients time out and connections drop).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from corridors.errors import LimitExceededError, explain

T = TypeVar("T")


class Compute:
    """An admission-controlled pool for CPU-bound work.

    Parameters
    ----------
    threads
        Work running at once.
    max_waiting
        Work allowed to wait for a thread; more is refused (429).
    retry_after_s
        Seconds suggested to refused clients.
    """

    def __init__(self, threads: int, max_waiting: int, retry_after_s: int) -> None:
        self.threads = max(1, int(threads))
        self.max_waiting = max(0, int(max_waiting))
        self.retry_after_s = retry_after_s
        self._limiter: anyio.CapacityLimiter | None = None
        self.in_flight = 0
        self.refused = 0

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(*args)`` on a compute thread, or raise 429 when too many wait."""
        if self._limiter is None:  # created inside the event loop
            self._limiter = anyio.CapacityLimiter(self.threads)
        if self.in_flight >= self.threads + self.max_waiting:
            self.refused += 1
            err = LimitExceededError(
                explain(
                    f"The server is busy: {self.in_flight} requests are computing or waiting "
                    f"(limit {self.threads + self.max_waiting}).",
                    fix=f"Retry after {self.retry_after_s} s, or run more workers "
                    "(corridors serve --workers N).",
                ),
                field="concurrency",
                limit=self.threads + self.max_waiting,
                status=429,
            )
            err.retry_after_s = self.retry_after_s  # type: ignore[attr-defined]
            raise err
        self.in_flight += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self.in_flight -= 1
