"""Per-app state: the base network, the store, scenario networks and the job pool.

Everything lives on ``app.state``; nothing here touches process-global settings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import yaml
from fastapi import Request

from corridors.api import _bridge
from corridors.errors import CorridorsError
from corridors.network.model import Network
from corridors.storage import Store

BASE = "base"
"""Name that means "no scenario" wherever a scenario name is accepted."""


@dataclass
class ApiState:
    network: Network
    store: Store
    job_workers: int = 2
    _executor: ThreadPoolExecutor | None = None
    _nets: OrderedDict[tuple[str, str], Network] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, fn: Callable[..., object], /, *args: object) -> None:
        """Run ``fn(*args)`` in the job pool (started on first use, again after a shutdown)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.job_workers, thread_name_prefix="corridors-job"
                )
            self._executor.submit(fn, *args)

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are marked failed when a server next opens the store."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    def network_for(self, scenario: str | None) -> Network:
        """The base network, or the network of a saved scenario (cached by update time)."""
        if not scenario or scenario == BASE:
            return self.network
        sc = self.scenario_record(scenario)
        key = (sc["name"], str(sc["updated_at"]))
        with self._lock:
            if key in self._nets:
                self._nets.move_to_end(key)
                return self._nets[key]
        net = _bridge.apply_scenario(self.network, sc["body"], sc["name"])
        with self._lock:
            self._nets[key] = net
            while len(self._nets) > 8:
                self._nets.popitem(last=False)
        return net

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


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.corridors
    return state
