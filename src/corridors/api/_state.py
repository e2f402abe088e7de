"""Per-app state: the base network, the store, scenario networks, the pools and the limits.

Everything lives on ``app.state``; nothing here touches process-global settings."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import yaml
from fastapi import Request

from corridors.api import _bridge
from corridors.api._compute import Compute
from corridors.api._settings import ServerSettings
from corridors.errors import CorridorsError, LimitExceededError, explain
from corridors.network.model import Network
from corridors.storage import Store

log = logging.getLogger(__name__)

BASE = "base"
"""Name that means "no scenario" wherever a scenario name is accepted."""


@dataclass
class ApiState:
    network: Network
    store: Store
    job_workers: int = 2
    settings: ServerSettings = field(default_factory=ServerSettings)
    _executor: ThreadPoolExecutor | None = None
    _nets: OrderedDict[tuple[str, str], Network] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _active: dict[str, str] = field(default_factory=dict)  # job id -> client
    _orphans: dict[str, str] = field(default_factory=dict)  # job id -> error to record
    _retry: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _cache: OrderedDict[tuple[Any, ...], bytes] = field(default_factory=OrderedDict)
    compute: Compute = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.compute = Compute(s.compute_threads, s.max_waiting, s.retry_after_s)

    # -- background jobs -------------------------------------------------------------------
    def admit_job(self, client: str) -> None:
        """Refuse (429) a job over the server's or the client's limit of active jobs."""
        s = self.settings
        with self._lock:
            active = len(self._active)
            mine = sum(1 for c in self._active.values() if c == client)
        if active >= s.max_active_jobs:
            raise _busy(
                f"{active} jobs are queued or running (limit {s.max_active_jobs}).",
                "jobs",
                s.max_active_jobs,
                s.retry_after_s,
            )
        if mine >= s.max_jobs_per_client:
            raise _busy(
                f"You have {mine} jobs queued or running (limit {s.max_jobs_per_client} per "
                "client).",
                "jobs_per_client",
                s.max_jobs_per_client,
                s.retry_after_s,
            )

    def submit(
        self, fn: Callable[..., object], /, *args: object, job_id: str = "", client: str = ""
    ) -> None:
        """Run ``fn(*args)`` in the job pool (started on first use, again after a shutdown)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.job_workers, thread_name_prefix="corridors-job"
                )
            if job_id:
                self._active[job_id] = client
            self._executor.submit(self._tracked, job_id, fn, *args)

    def _tracked(self, job_id: str, fn: Callable[..., object], *args: object) -> None:
        try:
            fn(*args)
        finally:
            with self._lock:
                self._active.pop(job_id, None)

    def record_failure_later(self, job_id: str, error: str) -> None:
        """The store could not take a job's failure: retry until it can (no job stays
        'running' forever once the database is back)."""
        with self._lock:
            self._orphans[job_id] = error
            if self._retry is None or not self._retry.is_alive():
                self._retry = threading.Thread(
                    target=self._retry_loop, name="corridors-job-retry", daemon=True
                )
                self._retry.start()

    def _retry_loop(self, every_s: float = 2.0) -> None:
        while not self._stop.wait(every_s):
            with self._lock:
                pending = dict(self._orphans)
            for job_id, error in pending.items():
                try:
                    self.store.fail_job(job_id, error)
                except Exception:  # still down; try again later
                    continue
                log.warning("job %s marked failed now that the database is back", job_id)
                with self._lock:
                    self._orphans.pop(job_id, None)
            with self._lock:
                if not self._orphans:
                    self._retry = None
                    return

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are marked failed when a server next opens the store."""
        self._stop.set()
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    # -- networks and responses ------------------------------------------------------------
    def network_for(self, scenario: str | None) -> Network:
        """The base network, or the network of a saved scenario (cached by update time)."""
        return self.network_and_key(scenario)[0]

    def network_and_key(self, scenario: str | None) -> tuple[Network, tuple[str, str]]:
        """The network of a scenario and its version key ``(name, updated_at)``."""
        if not scenario or scenario == BASE:
            return self.network, (BASE, "")
        sc = self.scenario_record(scenario)
        key = (sc["name"], str(sc["updated_at"]))
        with self._lock:
            if key in self._nets:
                self._nets.move_to_end(key)
                return self._nets[key], key
        net = _bridge.apply_scenario(self.network, sc["body"], sc["name"], self.resolver)
        with self._lock:
            self._nets[key] = net
            while len(self._nets) > 8:
                self._nets.popitem(last=False)
        return net, key

    def resolver(self, ref: str, _depth: int = 0) -> Any:
        """``inherits`` on the server: a saved scenario, else a shipped one; never a file."""
        from corridors.errors import ScenarioError
        from corridors.scenarios.model import MAX_INHERITS, scenario_from_dict, shipped_resolver

        try:
            sc = self.store.get_scenario(ref)
        except ScenarioError:
            return shipped_resolver(ref)
        if _depth >= MAX_INHERITS:
            raise ScenarioError(
                explain(
                    f"inherits {ref!r} goes deeper than {MAX_INHERITS} scenarios (or in a cycle).",
                    fix="Break the chain of 'inherits'.",
                )
            )
        return scenario_from_dict(
            sc["body"], name=sc["name"], resolver=lambda r: self.resolver(r, _depth + 1)
        )

    def cache_get(self, key: tuple[Any, ...]) -> bytes | None:
        """A cached response body, or None."""
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def cached(self, key: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
        """A response body from the cache, or built and kept (LRU of ``cache_entries``)."""
        n = self.settings.cache_entries
        if n <= 0:
            return build()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        body = build()
        with self._lock:
            self._cache[key] = body
            while len(self._cache) > n:
                self._cache.popitem(last=False)
        return body

    def scenario_record(self, name: str) -> dict[str, Any]:
        """A saved scenario, else a shipped one of that name (a saved name wins)."""
        try:
            return self.store.get_scenario(name)
        except CorridorsError:
            shipped = shipped_records().get(name)
            if shipped is None:
                raise
            return shipped


def shipped_records() -> dict[str, dict[str, Any]]:
    """The example scenarios shipped with corridors, as scenario records (``source``
    ``"shipped"``; read-only: saving one under the same name overrides it)."""
    from corridors.scenarios import shipped_scenarios

    out: dict[str, dict[str, Any]] = {}
    for name, path in shipped_scenarios().items():
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        body["name"] = name
        out[name] = {
            "name": name,
            "description": str(body.get("description", "")),
            "body": body,
            "created_at": None,
            "updated_at": f"shipped:{path.stat().st_mtime_ns}",
            "source": "shipped",
        }
    return out


def _busy(what: str, field_: str, limit: int, retry_after_s: int) -> LimitExceededError:
    err = LimitExceededError(
        explain(what, fix=f"Wait for a job to finish (retry after {retry_after_s} s)."),
        field=field_,
        limit=limit,
        status=429,
    )
    err.retry_after_s = retry_after_s  # type: ignore[attr-defined]
    return err


async def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.corridors
    return state


def client_key(request: Request) -> str:
    """Who a request is from, for per-client limits: its token, else its address."""
    auth = request.headers.get("authorization", "")
    if auth:
        return "token:" + auth[-16:]
    return "ip:" + (request.client.host if request.client else "?")
