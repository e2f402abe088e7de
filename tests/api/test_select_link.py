"""Shipped scenarios offered by the API, flows on drawn link shapes, and select-link."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from corridors.api import create_app
from corridors.network import Network, bundled_network_path
from corridors.scenarios import shipped_scenarios
from tests.api.test_jobs import wait


@pytest.fixture(scope="module")
def assigned(bundled: Network, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A fresh app (empty store) with one finished base assignment."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sl') / 'c.sqlite'}"
    with TestClient(create_app(database_url=url, network=bundled)) as c:
        r = c.post("/api/jobs", json={"kind": "assignment", "max_iterations": 20})
        assert r.status_code == 202, r.text
        assert wait(c, r.json()["id"], timeout_s=180)["status"] == "done"
        yield c


def test_fresh_install_lists_shipped_scenarios(assigned: TestClient) -> None:
    assert assigned.get("/api/scenarios").json() == []  # nothing saved
    listed = assigned.get("/api/scenarios", params={"shipped": True}).json()
    assert {s["name"] for s in listed} == set(shipped_scenarios())
    assert all(s["source"] == "shipped" and s["description"] for s in listed)
    # a shipped scenario is usable by name wherever a scenario is accepted
    r = assigned.get(
        "/api/compare",
        params={"origin": "Almaty", "destination": "Baku", "teu": 2, "scenario": "caspian-x2"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["scenario"]["options"]
    one = assigned.get("/api/scenarios/caspian-x2").json()
    assert one["source"] == "shipped" and one["body"]["changes"][0]["op"] == "change_links"
    # saving one under the same name overrides the shipped one in the list
    body = {"changes": [{"op": "scale_demand", "factor": 3}]}
    assert assigned.post("/api/scenarios", json={"name": "caspian-x2", "body": body}).is_success
    listed = assigned.get("/api/scenarios", params={"shipped": True}).json()
    assert [s.get("source", "saved") for s in listed if s["name"] == "caspian-x2"] == ["saved"]
    assigned.delete("/api/scenarios/caspian-x2")


def test_flows_follow_drawn_link_shapes(assigned: TestClient) -> None:
    shapes = json.loads((bundled_network_path() / "link_geometry.geojson").read_text())
    drawn = {f["properties"]["link_id"]: f["geometry"]["coordinates"] for f in shapes["features"]}
    feats = assigned.get("/api/flows").json()["features"]
    shaped = [f for f in feats if f["properties"]["link_id"].rsplit(":", 1)[0] in drawn]
    assert shaped, "no flow feature of a link with a drawn shape"
    for f in shaped:
        shape = drawn[f["properties"]["link_id"].rsplit(":", 1)[0]]
        assert len(f["geometry"]["coordinates"]) == len(shape)
    assert max(len(f["geometry"]["coordinates"]) for f in shaped) > 2
    plain = [f for f in feats if f["properties"]["link_id"].rsplit(":", 1)[0] not in drawn]
    assert all(len(f["geometry"]["coordinates"]) == 2 for f in plain)


def test_select_link_pairs_add_up_to_the_link_flow(assigned: TestClient) -> None:
    link = "rail-alashankou-dostyk"
    r = assigned.get("/api/select-link", params={"link": link, "top": 1000})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["link_id"] == link and out["total_pairs"] >= len(out["pairs"]) > 0
    # the choice equilibrium's path flows through the link add up, class by class (in the
    # class's unit: TEU or t), to the link's flow in both directions
    feats = [
        f["properties"]
        for f in assigned.get("/api/flows").json()["features"]
        if f["properties"]["link_id"] == link
    ]
    assert {f["direction"] for f in feats} <= {"f", "r"} and feats
    for cls, total in out["class_totals"].items():
        link_flow = sum(f[f"flow_{cls}_{total['unit']}_per_yr"] for f in feats)
        assert total["flow_per_year"] == pytest.approx(link_flow, rel=1e-6)
    assert len(out["class_totals"]) >= 2  # containers and bulk both cross at Dostyk
    p = out["pairs"][0]
    assert p["origin_name"] and p["destination_name"] and 0 < p["share"] <= 1
    assert p["unit"] in ("TEU", "t")
    flows_desc = [q["flow_per_year"] for q in out["pairs"]]
    assert flows_desc == sorted(flows_desc, reverse=True)
    # directed id works too; top limits rows
    r2 = assigned.get("/api/select-link", params={"link": f"{link}:f", "top": 1}).json()
    assert r2["link_id"] == link and len(r2["pairs"]) == 1


def test_select_link_errors(assigned: TestClient) -> None:
    r = assigned.get("/api/select-link", params={"link": "rail-atlantis"})
    assert r.status_code == 404 and "rail-atlantis" in r.json()["detail"]
    assert assigned.get("/api/select-link", params={"link": "a b"}).status_code == 422
    feats = [f["properties"] for f in assigned.get("/api/flows").json()["features"]]
    idle = sorted(
        {f["link_id"] for f in feats} - {f["link_id"] for f in feats if f["flow_teu_equiv"] > 0}
    )
    assert idle, "every link carries flow"
    none = assigned.get("/api/select-link", params={"link": idle[0]})
    assert none.status_code == 200 and none.json()["pairs"] == []  # a link nobody uses
    nojob = assigned.get(
        "/api/select-link", params={"link": "rail-alashankou-dostyk", "scenario": "red-sea-closed"}
    )
    assert nojob.status_code == 404 and "assignment" in nojob.json()["detail"]


def test_reliability_of_a_grain_option(assigned: TestClient) -> None:
    """What the page's histogram asks for grain in tonnes."""
    r = assigned.get(
        "/api/reliability",
        params={"origin": "Kostanay", "destination": "Oslo", "cargo": "grain", "tonnes": 5000,
                "option": 1, "n": 2000, "depart": "2026-12-01"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    rel = r.json()
    assert sum(rel["histogram"]["counts"]) == 2000
    assert rel["p50_days"] <= rel["p90_days"] <= rel["p95_days"]


def test_select_link_on_an_older_result_says_to_rerun(assigned: TestClient) -> None:
    store = assigned.app.state.corridors.store  # type: ignore[attr-defined]
    job = store.create_job("assignment", {"kind": "assignment", "scenario": "customs-halved"})
    store.start_job(job["id"])
    store.finish_job(job["id"], {"kind": "assignment", "scenario": "customs-halved",
                                 "flows": {"type": "FeatureCollection", "features": []},
                                 "bottlenecks": []})  # fmt: skip
    r = assigned.get(
        "/api/select-link", params={"link": "rail-alashankou-dostyk", "scenario": "customs-halved"}
    )
    assert r.status_code >= 400 and "Run it again" in r.json()["detail"]
