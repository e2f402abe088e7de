"""``GET /api/route``: the ``search`` object says if the Pareto search was capped or approximate."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_route_reports_an_uncapped_search(sqlite_client: TestClient) -> None:
    q = {"origin": "Xi'an", "destination": "Duisburg", "teu": 1}
    s = sqlite_client.get("/api/route", params={**q, "eps": 0.03}).json()["search"]
    assert s["capped"] is False and s["dropped"] == 0 and s["dropped_at"] == []
    assert s["eps"] == s["eps_bound"] == 0.03 and s["labels"] > 1 and not s["exact"]
    assert "3.0%" in s["note"]
    s = sqlite_client.get("/api/route", params={**q, "eps": 0}).json()["search"]
    assert s["exact"] is True and s["note"] is None and s["eps_bound"] == 0.0


def test_route_reports_a_capped_search(
    sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.routing.search as search

    monkeypatch.setattr(search, "MAX_LABELS", 20)
    q = {"origin": "Xi'an", "destination": "Rotterdam", "teu": 3, "eps": 0}
    r = sqlite_client.get("/api/route", params=q)
    assert r.status_code == 200, r.text
    d = r.json()
    s = d["search"]
    assert d["options"] and s["capped"] is True and s["max_labels"] == 20 and s["dropped"] > 0
    assert s["dropped_at"] and sum(x["labels"] for x in s["dropped_at"]) <= s["dropped"]
    assert s["eps_bound"] is None or s["eps_bound"] >= 0.0
    assert s["note"].startswith("Search capped at 20 labels")
