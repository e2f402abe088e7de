"""Degraded storage, on SQLite and PostgreSQL: database down → 503 with Retry-After, a
read-only database served read-only (or refused with a clear message), one server per
database, and jobs whose writes fail marked failed once the database is back."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corridors.api import create_app
from corridors.api._settings import ServerSettings
from corridors.errors import JobError, ServiceUnavailableError
from corridors.network import Network
from corridors.storage import Store
from corridors.storage._store import _make_engine

DOC = {"name": "x", "changes": [{"op": "scale_demand", "factor": 2}]}


def _unreachable(url: str, tmp_path: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'gone' / 'nowhere.sqlite'}"  # the disk went away
    import socket

    with socket.socket() as s:  # a port nobody listens on: the server is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/corridors_test"


def _read_only_url(url: str) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///file:{url.split('///', 1)[1]}?mode=ro&uri=true"
    return url + "?options=-c%20default_transaction_read_only%3Don"


def test_database_down_is_503_then_recovers(
    make_client: Callable[[str], TestClient], database_url: str, tmp_path: Path
) -> None:
    client = make_client(database_url)
    store = client.app.state.corridors.store  # type: ignore[attr-defined]
    assert client.post("/api/scenarios", json={"name": "x", "body": DOC}).status_code == 201
    healthy = store.engine
    store.engine = _make_engine(_unreachable(database_url, tmp_path))
    store._session.configure(bind=store.engine)
    try:
        for r in (
            client.get("/api/scenarios"),
            client.post("/api/scenarios", json={"name": "y", "body": DOC}),
            client.post("/api/jobs", json={"kind": "assignment", "scenario": "x"}),
        ):
            assert r.status_code == 503, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert int(r.headers["retry-after"]) > 0
            assert r.json()["code"] == "database_unavailable"
            assert "bug" not in r.text
        # routing on the base network needs no database and keeps working
        q = {"origin": "Almaty", "destination": "Baku", "top": 2}
        assert client.get("/api/route", params=q).status_code == 200
    finally:
        store.engine.dispose()
        store.engine = healthy
        store._session.configure(bind=healthy)
    assert [s["name"] for s in client.get("/api/scenarios").json()] == ["x"]


def test_database_turned_read_only_is_503(
    make_client: Callable[[str], TestClient], database_url: str
) -> None:
    client = make_client(database_url)
    store = client.app.state.corridors.store  # type: ignore[attr-defined]
    healthy = store.engine
    store.engine = _make_engine(database_url, read_only=True)
    store._session.configure(bind=store.engine)
    try:
        r = client.post("/api/scenarios", json={"name": "y", "body": DOC})
        assert r.status_code == 503 and r.json()["code"] == "database_read_only", r.text
        assert client.get("/api/scenarios").status_code == 200
    finally:
        store.engine.dispose()
        store.engine = healthy
        store._session.configure(bind=healthy)


def test_read_only_mode_serves_a_read_only_database(bundled: Network, database_url: str) -> None:
    writer = Store(database_url)
    writer.create_scenario("saved", DOC)
    writer.close()
    settings = ServerSettings(read_only=True)
    with TestClient(
        create_app(database_url=_read_only_url(database_url), network=bundled, settings=settings)
    ) as c:
        assert [s["name"] for s in c.get("/api/scenarios").json()] == ["saved"]
        q = {"origin": "Almaty", "destination": "Baku", "top": 2, "scenario": "saved"}
        assert c.get("/api/route", params=q).status_code == 200
        r = c.post("/api/scenarios", json={"name": "y", "body": DOC})
        assert r.status_code == 403 and r.json()["code"] == "read_only"
        r = c.post("/api/jobs", json={"kind": "assignment"})
        assert r.status_code == 403


def test_read_only_database_without_read_only_mode_is_a_clear_error(
    bundled: Network, database_url: str
) -> None:
    Store(database_url).close()  # migrated
    with pytest.raises(ServiceUnavailableError, match=r"read-only.*--read-only"):
        create_app(database_url=_read_only_url(database_url), network=bundled)


def test_serve_on_read_only_database_exits_with_a_message(database_url: str) -> None:
    Store(database_url).close()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from corridors.cli import main; main()",
            "serve",
            "--port",
            "1",
            "--database",
            _read_only_url(database_url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 5, out.stderr  # EXIT_UNAVAILABLE: the database cannot serve
    assert "read-only" in out.stderr and "Traceback" not in out.stderr


def test_one_server_per_database(bundled: Network, database_url: str) -> None:
    first = create_app(database_url=database_url, network=bundled)
    with pytest.raises(JobError, match="Another corridors server") as e:
        create_app(database_url=database_url, network=bundled)
    assert e.value.http_status == 409
    with TestClient(first):
        pass  # shutting the first server down releases the lock
    second = create_app(database_url=database_url, network=bundled)
    second.state.corridors.store.close()


def test_job_whose_writes_fail_is_marked_failed_when_storage_returns(
    make_client: Callable[[str], TestClient], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    client = make_client(database_url)
    state = client.app.state.corridors  # type: ignore[attr-defined]
    store = state.store
    down = {"on": True}
    real_progress, real_fail = store.job_progress, store.fail_job

    def progress(*a, **k):  # type: ignore[no-untyped-def]
        if down["on"]:
            raise OperationalError("UPDATE jobs", {}, Exception("server closed the connection"))
        return real_progress(*a, **k)

    def fail(*a, **k):  # type: ignore[no-untyped-def]
        if down["on"]:
            raise OperationalError("UPDATE jobs", {}, Exception("server closed the connection"))
        return real_fail(*a, **k)

    monkeypatch.setattr(store, "job_progress", progress)
    monkeypatch.setattr(store, "fail_job", fail)
    job = client.post("/api/jobs", json={"kind": "sweep", "pairs": [["Almaty", "Baku"]]}).json()
    end = time.monotonic() + 30
    while job["id"] not in state._orphans and time.monotonic() < end:
        time.sleep(0.05)
    assert job["id"] in state._orphans  # its failure could not be written yet
    assert client.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
    down["on"] = False  # the database is back
    while time.monotonic() < end:
        rec = client.get(f"/api/jobs/{job['id']}").json()
        if rec["status"] == "failed":
            break
        time.sleep(0.1)
    assert rec["status"] == "failed" and "database failed" in rec["error"]
    assert job["id"] not in state._orphans
