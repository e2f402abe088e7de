"""Per-app state: the base network, the store, scenario networks and the job pool.

Everything lives on ``app.state``; nothing here touches process-global settings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from fastapi import Request

from corridors.api import _bridge
from corridors.network.model import Network
from corridors.storage import Store

BASE = "base"
"""Name that means "no scenario" wherever a scenario name is accepted."""


@dataclass
class ApiState:
    network: Network
    store: Store
    executor: ThreadPoolExecutor
    _nets: OrderedDict[tuple[str, str], Network] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def network_for(self, scenario: str | None) -> Network:
        """The base network, or the network of a saved scenario (cached by update time)."""
        if not scenario or scenario == BASE:
            return self.network
        sc = self.store.get_scenario(scenario)
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


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.corridors
    return state
