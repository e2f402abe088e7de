"""Scenario CRUD on SQLite and PostgreSQL, and saved scenarios surviving a restart."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

DOC = {
    "description": "test scenario",
    "changes": [
        {
            "op": "change_crossings",
            "countries": ["KZ"],
            "multiply": {"dwell_h": 2, "dwell_p90_h": 2},
        }
    ],
}
YAML = (
    "description: from yaml\nchanges:\n  - op: change_links\n    mode: ferry\n"
    "    multiply: {speed_kmh: 0.5}\n"
)


def test_crud(client: TestClient) -> None:
    assert client.get("/api/scenarios").json() == []
    r = client.post("/api/scenarios", json={"name": "s1", "description": "one", "body": DOC})
    assert r.status_code == 201, r.text
    assert r.json()["body"]["name"] == "s1"
    r = client.post("/api/scenarios", json={"name": "s2", "yaml": YAML})
    assert r.status_code == 201, r.text
    assert r.json()["body"]["description"] == "from yaml"
    assert [s["name"] for s in client.get("/api/scenarios").json()] == ["s1", "s2"]
    assert client.get("/api/scenarios/s1").json()["description"] == "one"

    dup = client.post("/api/scenarios", json={"name": "s1", "body": DOC})
    assert dup.status_code == 422 and "already exists" in dup.json()["detail"]

    r = client.put("/api/scenarios/s1", json={"body": {**DOC, "description": "changed"}})
    assert r.status_code == 200, r.text
    assert r.json()["body"]["description"] == "changed"
    assert r.json()["updated_at"] >= r.json()["created_at"]

    assert client.delete("/api/scenarios/s1").status_code == 204
    assert client.get("/api/scenarios/s1").status_code == 404
    assert client.delete("/api/scenarios/s1").status_code == 404
    assert client.put("/api/scenarios/s1", json={"body": DOC}).status_code == 404


def test_bad_scenarios_are_4xx(client: TestClient) -> None:
    cases = [
        {"name": "x", "body": DOC, "yaml": YAML},  # both
        {"name": "x"},  # neither
        {"name": "bad name!", "body": DOC},
        {"name": "x", "yaml": "a: [unclosed"},
        {"name": "x", "yaml": "- a list"},
        {"name": "base", "body": DOC},
        {"body": DOC},
        {"name": "x", "body": {**DOC, "base": "/etc"}},
        {"name": "x", "body": {**DOC, "inherits": "../../secret.yaml"}},
    ]
    for case in cases:
        r = client.post("/api/scenarios", json=case)
        assert 400 <= r.status_code < 500, (case, r.text)
        assert r.json()["detail"], case
    assert client.get("/api/scenarios").json() == []


def test_scenarios_survive_restart(
    make_client: Callable[[str], TestClient], database_url: str
) -> None:
    first = make_client(database_url)
    for k in range(3):
        r = first.post(
            "/api/scenarios", json={"name": f"keep{k}", "body": {**DOC, "description": f"d{k}"}}
        )
        assert r.status_code == 201
    first.__exit__(None, None, None)  # shut the server down
    second = make_client(database_url)
    saved = second.get("/api/scenarios").json()
    assert [s["name"] for s in saved] == ["keep0", "keep1", "keep2"]
    assert [s["body"]["description"] for s in saved] == ["d0", "d1", "d2"]


def test_route_and_compare_on_scenario(client: TestClient) -> None:
    assert client.post("/api/scenarios", json={"name": "slow", "body": DOC}).status_code == 201
    q = {"origin": "Almaty", "destination": "Baku", "teu": 10, "top": 3}
    base = client.get("/api/route", params=q).json()
    scen = client.get("/api/route", params={**q, "scenario": "slow"})
    assert scen.status_code == 200, scen.text
    assert scen.json()["scenario"] == "slow"
    cmp = client.get("/api/compare", params={**q, "scenario": "slow"})
    assert cmp.status_code == 200, cmp.text
    body = cmp.json()
    assert body["base"]["options"] == base["options"]
    assert body["scenario"]["options"] == scen.json()["options"]
    assert body["delta"]["best_days"] >= 0  # slower borders never help
    assert client.get("/api/nodes", params={"scenario": "slow", "q": "baku"}).status_code == 200
    assert client.get("/api/compare", params={**q, "scenario": "nope"}).status_code == 404


def test_invalid_scenario_changes_rejected(client: TestClient) -> None:
    bad = {"changes": [{"op": "close_link", "link_id": "x"}]}
    r = client.post("/api/scenarios", json={"name": "bad", "body": bad})
    assert r.status_code == 422 and "close_links" in r.json()["detail"]
    assert client.get("/api/scenarios/bad").status_code == 404
