"""Fixtures for the API tests: an app per database (SQLite file, and PostgreSQL when given)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

import warnings

with warnings.catch_warnings():
    # starlette>=1 nags that httpx should become httpx2 at import; not our code to change
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from corridors.api import create_app
from corridors.network import Network
from tests._services import need

PG_ENV = "CORRIDORS_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(PG_ENV, "")
    need(bool(url), f"{PG_ENV} is not set")
    return url


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from corridors.storage import normalize_database_url

    eng = create_engine(normalize_database_url(url))
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or the test PostgreSQL database wiped."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corridors.sqlite'}"
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture
def make_client(bundled: Network) -> Iterator[Callable[[str], TestClient]]:
    """Build clients (apps) on a database URL; closes them at the end."""
    clients: list[TestClient] = []

    def _make(url: str) -> TestClient:
        c = TestClient(create_app(database_url=url, network=bundled))
        c.__enter__()
        clients.append(c)
        return c

    yield _make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[[str], TestClient], database_url: str) -> TestClient:
    return make_client(database_url)


@pytest.fixture(scope="module")
def sqlite_client(
    bundled: Network, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One app on SQLite shared by a module (read-only endpoint tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'c.sqlite'}"
    with TestClient(create_app(database_url=url, network=bundled)) as c:
        yield c
