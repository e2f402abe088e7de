from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from corridors.network import Network, load_network
from tests.tiny import CATALOGUE, write_network


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
