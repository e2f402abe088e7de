"""The Store: Alembic migrations, URLs, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from corridors.storage import Store, default_database_url, normalize_database_url


def test_migrates_to_head_and_is_idempotent(database_url: str) -> None:
    store = Store(database_url)
    store.upgrade()  # again: nothing to do
    insp = inspect(store.engine)
    assert {"scenarios", "jobs", "job_results", "alembic_version"} <= set(insp.get_table_names())
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    store.downgrade("base")
    assert "scenarios" not in inspect(store.engine).get_table_names()
    store.upgrade()
    store.close()


def test_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = default_database_url()
    assert url.startswith("sqlite:///") and url.endswith("corridors.sqlite")


def test_memory_store() -> None:
    store = Store("sqlite://")
    assert store.create_scenario("a", {"k": 1})["body"] == {"k": 1}
    assert store.list_scenarios()[0]["name"] == "a"
    store.close()
