from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from corridors.network import Network, load_network
from tests.tiny import CATALOGUE, write_network

# In-process CLI calls must not switch the session's routing kernel to interpreted mode
# (the one-shot mode is tested in subprocesses: tests/cli/test_speed_modes.py).
os.environ.setdefault("CORRIDORS_JIT", "1")


@pytest.fixture(scope="session")
def bundled() -> Network:
    """The bundled Eurasian network (loaded once per test session)."""
    return load_network()


@pytest.fixture
def tiny(tmp_path: Path) -> Callable[[str], Network]:
    """Load a named network from the tiny catalogue (tests/tiny.py)."""

    def _load(name: str) -> Network:
        return load_network(write_network(CATALOGUE[name](), tmp_path / name), name=name)

    return _load
