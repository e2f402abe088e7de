"""The compiled-network cache: keyed by content, rebuilt on change or corruption."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corridors.network import bundled_network_path, load_network
from corridors.network._cache import load_network_cached, network_digest


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    dst = tmp_path / "net"
    shutil.copytree(bundled_network_path(), dst)
    return dst


def test_cached_network_equals_a_fresh_load(folder: Path, tmp_path: Path) -> None:
    first = load_network_cached(folder)
    entries = sorted(p.name for p in (tmp_path / "cache" / "networks").iterdir())
    assert len(entries) == 2 and entries[0].endswith(".lite.pickle")
    again = load_network_cached(folder)  # from the cache: tables load on first access
    assert type(again).__name__ == "_CachedNetwork"
    assert again.node_name("KZAAU") == "Aktau (port)" and "_tables" not in again.__dict__
    fresh = load_network(folder)
    for name, table in fresh.tables.items():
        assert again.tables[name].equals(table), name
    g, h = again.graph("container"), fresh.graph("container")
    assert (g.indptr == h.indptr).all() and (g.cost_usd == h.cost_usd).all()
    assert again.find_place("aktau") == first.find_place("aktau") == "KZAAU"
    assert again.nodes.equals(fresh.nodes) and again.links.equals(fresh.links)


def test_edited_data_gets_a_new_key(folder: Path) -> None:
    before = network_digest(folder)
    nodes = folder / "nodes.csv"
    nodes.write_text(nodes.read_text().replace("Aktau", "Aqtau", 1))
    assert network_digest(folder) != before
    assert load_network_cached(folder).find_place("Aqtau") == "KZAAU"


def test_corrupt_entry_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    load_network_cached(folder)
    (entry,) = (tmp_path / "cache" / "networks").glob("*.lite.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_network_cached(folder).find_place("Baku") == "az-baku"
    assert entry.read_bytes()[:1] == b"\x80"  # rewritten


def test_unwritable_cache_only_costs_speed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", "/proc/corridors-cache")
    assert load_network_cached(folder).find_place("Baku") == "az-baku"
