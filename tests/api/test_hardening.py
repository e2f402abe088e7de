"""Limits, access control, problem+json and safe resolution of the API (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corridors.api import create_app
from corridors.api._settings import ServerSettings
from corridors.network import Network
from tests.hostile import hostile

PROBLEM_KEYS = {"type", "title", "status", "code", "message", "field", "limit", "error_id"}


@pytest.fixture
def app_client(bundled: Network, tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    clients: list[TestClient] = []

    def make(settings: ServerSettings | None = None, name: str = "c.sqlite") -> TestClient:
        url = f"sqlite:///{tmp_path / name}"
        c = TestClient(create_app(database_url=url, network=bundled, settings=settings))
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _problem(r, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status and body["code"] == code
    return body  # type: ignore[no-any-return]


def test_alias_bomb_refused(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    r = c.post(
        "/api/scenarios", json={"name": "bomb", "yaml": hostile("alias_bomb.yaml").read_text()}
    )
    body = _problem(r, 422, "scenario")
    assert "alias" in body["message"]
    assert c.get("/api/scenarios").json() == []


def test_body_limit_413_with_field_and_limit(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client(ServerSettings(max_body_bytes=10_000))
    big = {"name": "big", "body": {"changes": [{"op": "scale_demand", "factor": 1}] * 2000}}
    body = _problem(c.post("/api/scenarios", json=big), 413, "body_too_large")
    assert body["field"] == "body" and body["limit"] == 10_000 and "10,000 bytes" in body["message"]
    # a chunked body (no Content-Length) is counted as it arrives
    data = json.dumps(big).encode()
    r = c.post(
        "/api/scenarios",
        content=iter([data[i : i + 4096] for i in range(0, len(data), 4096)]),
        headers={"content-type": "application/json"},
    )
    _problem(r, 413, "body_too_large")


def test_deep_json_body_refused(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    deep: object = 1
    for _ in range(60):
        deep = [deep]
    r = c.post("/api/scenarios", json={"name": "deep", "body": {"changes": deep}})
    body = _problem(r, 422, "limit_exceeded")
    assert body["limit"] == 32


def test_validation_problem_names_field_and_limit(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    body = _problem(
        c.get("/api/reliability", params={"origin": "Almaty", "destination": "Baku", "n": 10**9}),
        422,
        "invalid_request",
    )
    assert body["field"] == "n" and body["limit"] == 200_000
    body = _problem(
        c.get("/api/route", params={"origin": "Almaty", "destination": "Baku", "top": -1}),
        422,
        "invalid_request",
    )
    assert body["field"] == "top" and body["limit"] == 1
    body = _problem(
        c.get("/api/route", params={"origin": "Almaty", "destination": "Baku", "avoid": "RX"}),
        422,
        "invalid_spec",
    )
    assert "Did you mean 'RU'" in body["message"]


def test_strict_json_everywhere(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    r = c.get("/api/route", params={"origin": "Almaty", "destination": "Baku", "top": 3})
    assert r.status_code == 200
    json.loads(r.text, parse_constant=lambda x: pytest.fail(f"non-JSON constant {x}"))


def test_inherits_never_reads_files(app_client, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.yaml").write_text("topsecret: 1\nchanges: []\n")
    (tmp_path / "red-sea-closed.yaml").write_text("name: evil\nchanges: []\n")
    monkeypatch.chdir(tmp_path)
    c = app_client()
    for ref in ("secret", "secret.yaml", "../secret.yaml"):
        r = c.post("/api/scenarios", json={"name": "x", "body": {"inherits": ref, "changes": []}})
        assert r.status_code == 422, r.text
        assert "topsecret" not in r.text and str(tmp_path) not in r.text
    # a shipped name resolves to the shipped scenario, never to the CWD file
    r = c.post("/api/scenarios", json={"name": "child", "body": {"inherits": "red-sea-closed"}})
    assert r.status_code == 201, r.text
    q = {"origin": "Xian", "destination": "Rotterdam", "scenario": "child", "top": 20}
    assert "Suez" not in c.get("/api/route", params=q).text
    # and a saved scenario can be inherited by name
    r = c.post("/api/scenarios", json={"name": "grandchild", "body": {"inherits": "child"}})
    assert r.status_code == 201, r.text


def test_host_allow_list(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    body = _problem(
        c.get("/api/nodes", headers={"host": "evil.example:8000"}), 400, "host_not_allowed"
    )
    assert body["field"] == "Host"
    assert c.get("/api/nodes?limit=1", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert c.get("/api/nodes?limit=1", headers={"host": "localhost"}).status_code == 200


def test_token_required_for_writes(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client(ServerSettings(token="s3cret"))
    doc = {"name": "t", "body": {"changes": []}}
    body = _problem(c.post("/api/scenarios", json=doc), 401, "unauthorized")
    assert body["field"] == "Authorization"
    bad = c.post("/api/scenarios", json=doc, headers={"authorization": "Bearer nope"})
    _problem(bad, 401, "unauthorized")
    ok = c.post("/api/scenarios", json=doc, headers={"authorization": "Bearer s3cret"})
    assert ok.status_code == 201
    assert c.get("/api/scenarios").status_code == 200  # reads need no token


def test_security_headers_on_page_and_api(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    for path in ("/", "/api/nodes?limit=1", "/api/nodes/nowhere"):
        h = c.get(path).headers
        assert h["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "default-src 'self'" in h["content-security-policy"]
        assert h["x-frame-options"] == "DENY"


def test_job_limits_429(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client(ServerSettings(max_active_jobs=50, max_jobs_per_client=1))
    state = c.app.state.corridors  # type: ignore[attr-defined]
    state._active["held"] = "ip:testclient"  # one job of this client is running
    job = {"kind": "sweep", "pairs": [["Almaty", "Baku"]]}
    body = _problem(c.post("/api/jobs", json=job), 429, "too_many_requests")
    assert body["field"] == "jobs_per_client" and body["limit"] == 1
    state._active.clear()
    state.settings = ServerSettings(max_active_jobs=1)
    state._active["other"] = "ip:elsewhere"
    r = c.post("/api/jobs", json=job)
    body = _problem(r, 429, "too_many_requests")
    assert body["field"] == "jobs" and int(r.headers["retry-after"]) > 0


def test_compute_admission_429(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    compute = c.app.state.corridors.compute  # type: ignore[attr-defined]
    compute.in_flight = compute.threads + compute.max_waiting  # the pool is full
    r = c.get("/api/route", params={"origin": "Almaty", "destination": "Baku"})
    body = _problem(r, 429, "too_many_requests")
    assert body["field"] == "concurrency" and "retry-after" in r.headers
    compute.in_flight = 0
    assert (
        c.get("/api/route", params={"origin": "Almaty", "destination": "Baku"}).status_code == 200
    )


def test_internal_errors_have_an_id_and_no_trace(app_client, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from corridors.api import _route

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail at /srv/corridors/x.py")

    c = TestClient(c_app := app_client().app, raise_server_exceptions=False)  # type: ignore[attr-defined]
    monkeypatch.setattr(_route, "_options_payload", boom)
    r = c.get("/api/route", params={"origin": "Almaty", "destination": "Baku", "teu": 3})
    body = _problem(r, 500, "internal_error")
    assert body["error_id"] and body["error_id"] in body["message"]
    assert "secret" not in r.text and "Traceback" not in r.text and "/srv" not in r.text
    assert any(body["error_id"] in rec.getMessage() for rec in caplog.records)
    assert c_app is not None


def test_failed_job_record_has_no_trace(app_client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from corridors.api import _jobs

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail at /srv/corridors/x.py")

    monkeypatch.setattr(_jobs, "_run_sweep", boom)
    c = app_client()
    job = c.post("/api/jobs", json={"kind": "sweep", "pairs": [["Almaty", "Baku"]]}).json()
    for _ in range(100):
        rec = c.get(f"/api/jobs/{job['id']}").json()
        if rec["status"] == "failed":
            break
        time.sleep(0.05)
    assert rec["status"] == "failed"
    assert "Internal error" in rec["error"] and "secret" not in rec["error"]
    assert "Traceback" not in rec["error"]


def test_openapi_documents_problems(app_client) -> None:  # type: ignore[no-untyped-def]
    spec = app_client().get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    op = spec["paths"]["/api/scenarios"]["post"]
    for status in ("413", "422", "429", "503"):
        assert "application/problem+json" in op["responses"][status]["content"]
    assert "Retry-After" in op["responses"]["429"]["headers"]


def test_route_cache_keys_on_every_parameter(app_client) -> None:  # type: ignore[no-untyped-def]
    c = app_client()
    q = {"origin": "Xian", "destination": "Duisburg", "teu": 40, "top": 3}
    a = c.get("/api/route", params=q).json()
    b = c.get("/api/route", params={**q, "carbon_price": 500}).json()
    again = c.get("/api/route", params=q).json()
    assert a == again  # served from the cache, identical
    assert [o["cost_usd"] for o in a["options"]] != [o["cost_usd"] for o in b["options"]]
