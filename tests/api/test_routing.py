"""Route options, comparison, reliability and network endpoints."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

XIAN_DUISBURG = {"origin": "Xian", "destination": "Duisburg", "teu": 40}


def test_route_matches_library(sqlite_client: TestClient, bundled) -> None:  # type: ignore[no-untyped-def]
    from corridors.routing import pareto_routes

    r = sqlite_client.get("/api/route", params=XIAN_DUISBURG)
    assert r.status_code == 200, r.text
    body = r.json()
    lib = pareto_routes(bundled, "Xian", "Duisburg", teu=40, eps=0.02, max_options=12)
    assert [o["corridor"] for o in body["options"]] == [it.corridor for it in lib.options]
    assert body["options"][0]["days"] == lib.options[0].days
    assert body["geojson"]["type"] == "FeatureCollection"
    assert {f["properties"]["option"] for f in body["geojson"]["features"]} == set(
        range(1, len(lib.options) + 1)
    )
    assert body["origin"] == "cn-xian-port"
    assert body["scenario"] == "base"


def test_route_all_cli_options(sqlite_client: TestClient) -> None:
    r = sqlite_client.get(
        "/api/route",
        params={
            "origin": "Almaty",
            "destination": "Istanbul",
            "tonnes": 500,
            "cargo": "grain",
            "avoid": "RU,by",
            "no": ["air", "sea"],
            "depart": "2025-03-03",
            "max_days": 60,
            "max_transshipments": 6,
            "top": 3,
            "eps": 0.05,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"] != "TEU"
    assert 1 <= len(body["options"]) <= 3
    for o in body["options"]:
        assert "RU" not in o["countries"] and "BY" not in o["countries"]
        assert not {"air", "sea"} & set(o["modes"])


def test_unknown_place_is_404_with_suggestion(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/api/route", params={"origin": "Aktu", "destination": "Baku"})
    assert r.status_code == 404
    assert r.json()["error"] == "UnknownPlaceError"
    assert "Aktau" in r.json()["detail"]


def test_contradictions_are_422(sqlite_client: TestClient) -> None:
    same = sqlite_client.get("/api/route", params={"origin": "Baku", "destination": "Baku"})
    assert same.status_code == 422 and "same place" in same.json()["detail"]
    avoid = sqlite_client.get(
        "/api/route", params={"origin": "Almaty", "destination": "Baku", "avoid": "KZ"}
    )
    assert avoid.status_code == 422 and "KZ" in avoid.json()["detail"]
    both = sqlite_client.get(
        "/api/route", params={"origin": "Almaty", "destination": "Baku", "teu": 1, "tonnes": 1}
    )
    assert both.status_code == 422


def test_no_route_is_422(sqlite_client: TestClient) -> None:
    r = sqlite_client.get(
        "/api/route", params={"origin": "Xian", "destination": "Duisburg", "max_days": 1}
    )
    assert r.status_code == 422
    assert r.json()["error"] == "NoRouteError"


def test_validation_errors_name_the_field(sqlite_client: TestClient) -> None:
    cases = {
        "teu": ({"teu": -1}, "teu"),
        "missing origin": ({"origin": None}, "origin"),
        "mode": ({"no": "boat"}, "no"),
        "avoid": ({"avoid": "Russia"}, "avoid"),
        "date": ({"depart": "tomorrow"}, "depart"),
        "top": ({"top": 0}, "top"),
    }
    for label, (change, field) in cases.items():
        params = {**XIAN_DUISBURG, **change}
        params = {k: v for k, v in params.items() if v is not None}
        r = sqlite_client.get("/api/route", params=params)
        assert r.status_code == 422, label
        assert field in r.json()["detail"], (label, r.json())
        assert r.json()["detail"].startswith("Invalid request:")


def test_reliability(sqlite_client: TestClient) -> None:
    r = sqlite_client.get(
        "/api/reliability", params={**XIAN_DUISBURG, "n": 2000, "seed": 1, "deadline_days": 40}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["p50_days"] <= body["p90_days"] <= body["p95_days"]
    assert sum(body["histogram"]["counts"]) == 2000
    assert 0 <= body["prob_by_deadline"] <= 1
    again = sqlite_client.get(
        "/api/reliability", params={**XIAN_DUISBURG, "n": 2000, "seed": 1, "deadline_days": 40}
    )
    assert again.json()["p90_days"] == body["p90_days"]
    bad = sqlite_client.get("/api/reliability", params={**XIAN_DUISBURG, "option": 50})
    assert bad.status_code == 422


def test_nodes_search_and_detail(sqlite_client: TestClient, bundled) -> None:  # type: ignore[no-untyped-def]
    all_nodes = sqlite_client.get("/api/nodes").json()
    assert len(all_nodes) == len(bundled.nodes)
    hits = sqlite_client.get("/api/nodes", params={"q": "aktau", "limit": 5}).json()
    assert hits[0]["id"] == "KZAAU"
    assert {"id", "name", "country", "kind", "lat_deg", "lon_deg"} <= set(hits[0])
    kz = sqlite_client.get("/api/nodes", params={"country": "kz"}).json()
    assert kz and all(n["country"] == "KZ" for n in kz)
    one = sqlite_client.get("/api/nodes/KZAAU")
    assert one.status_code == 200 and one.json()["name"].startswith("Aktau")
    assert sqlite_client.get("/api/nodes/NOPE").status_code == 404


def test_links_and_network_geojson(sqlite_client: TestClient, bundled) -> None:  # type: ignore[no-untyped-def]
    links = sqlite_client.get("/api/links").json()
    assert links["type"] == "FeatureCollection"
    assert len(links["features"]) == len(bundled.tables["links"])
    assert all(f["geometry"]["type"] == "LineString" for f in links["features"])
    ferry = sqlite_client.get("/api/links", params={"mode": "ferry"}).json()["features"]
    assert ferry and all(f["properties"]["mode"] == "ferry" for f in ferry)
    net = sqlite_client.get("/api/network").json()
    kinds = {f["properties"]["feature"] for f in net["features"]}
    assert kinds == {"node", "link"}


def test_openapi_and_docs(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/openapi.json").json()
    for path in (
        "/api/route",
        "/api/compare",
        "/api/reliability",
        "/api/nodes",
        "/api/links",
        "/api/scenarios",
        "/api/jobs",
        "/api/flows",
        "/api/bottlenecks",
    ):
        assert path in spec["paths"], path
    assert sqlite_client.get("/docs").status_code == 200


def test_unknown_scenario_is_404(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/api/route", params={**XIAN_DUISBURG, "scenario": "nope"})
    assert r.status_code == 404
    assert "No saved scenario" in r.json()["detail"]


def test_route_in_feu_with_carbon_price(sqlite_client: TestClient) -> None:
    base = {"origin": "Xian", "destination": "Duisburg", "feu": 2, "no": ["air", "sea"]}
    r = sqlite_client.get("/api/route", params=base)
    priced = sqlite_client.get("/api/route", params={**base, "carbon_price": 100})
    assert r.status_code == 200 and priced.status_code == 200, priced.text
    a, b = r.json(), priced.json()
    assert a["unit"] == "FEU" and a["quantity"] == 2
    first = b["options"][0]
    assert first["cost_breakdown_usd"]["carbon"] > 0
    assert first["cost_breakdown_usd"]["carbon"] == pytest.approx(
        100 * first["co2_wtw_kg"] / 1000, rel=1e-3
    )
    bad = sqlite_client.get("/api/route", params={**base, "teu": 1})
    assert bad.status_code in (400, 422)
