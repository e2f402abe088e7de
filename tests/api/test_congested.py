"""``GET /api/route?congested=true``: routing on the base-year equilibrium times."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_congested_route_adds_equilibrium_waits(sqlite_client: TestClient) -> None:
    q = {"origin": "Urumqi", "destination": "Almaty", "teu": 2, "no": ["sea", "air"], "top": 50}
    free = sqlite_client.get("/api/route", params=q)
    cong = sqlite_client.get("/api/route", params={**q, "congested": "true"})
    assert free.status_code == 200 and cong.status_code == 200, cong.text
    f_opts, c_opts = free.json()["options"], cong.json()["options"]
    assert all("congested" in o["tags"] for o in c_opts)
    assert all("congested" not in o["tags"] for o in f_opts)
    for o in c_opts:
        wait = o["time_breakdown_h"]["congestion_wait"]
        assert wait >= 0
    # waits only add time: over the whole Pareto set, congested is never faster
    assert min(o["days"] for o in c_opts) >= min(o["days"] for o in f_opts) - 1e-9


def test_congested_route_takes_a_cargo_class(sqlite_client: TestClient) -> None:
    q = {"origin": "Urumqi", "destination": "Almaty", "teu": 2, "no": ["sea", "air"]}
    r = sqlite_client.get("/api/route", params={**q, "congested": "true", "cargo": "container_hv"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["cargo"] == "container" and d["cargo_class"] == "container_hv"
    assert d["options"] and all("congested" in o["tags"] for o in d["options"])
    r = sqlite_client.get("/api/route", params={**q, "congested": "true", "cargo": "dry_bulk"})
    assert r.status_code == 400 or r.status_code == 422, r.text  # TEU for bulk: a contradiction
    assert "TEU" in r.text or "teu" in r.text
