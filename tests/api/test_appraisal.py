"""Appraisals as background jobs: submit, progress, result; bad projects are 422."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_jobs import wait


def test_appraisal_job_runs_a_shipped_project(sqlite_client: TestClient) -> None:
    projects = sqlite_client.get("/api/projects").json()
    assert {p["name"] for p in projects} >= {"third-railroad", "customs-halved"}
    body = {
        "project": "customs-halved",
        "modelled_years": [2026],
        "demand_range": None,
        "switching_runs": 0,
        "target_gap": 1e-4,
    }
    r = sqlite_client.post("/api/appraisals", json=body)
    assert r.status_code == 202, r.text
    job = wait(sqlite_client, r.json()["id"], timeout_s=120)
    assert job["status"] == "done", job
    assert job["kind"] == "appraisal"
    assert job["progress"]["done"] == job["progress"]["total"] == 1
    res = sqlite_client.get(f"/api/jobs/{job['id']}/result").json()
    s = res["summary"]
    assert abs(s["npv_usd_m"] - (s["pv_benefits_usd_m"] - s["pv_costs_usd_m"])) < 1e-6
    assert res["years"][0]["shipper_surplus_usd"] > 0
    assert {"factor", "case", "npv_usd_m"} <= set(res["sensitivity"][0])


def test_bad_appraisals_are_rejected_before_queueing(sqlite_client: TestClient) -> None:
    r = sqlite_client.post("/api/appraisals", json={"project": "third-railraod"})
    assert r.status_code == 422 and "third-railroad" in r.text
    doc = {"name": "x", "scenario": "customs-halved", "lifetime_years": -1}
    r = sqlite_client.post("/api/appraisals", json={"document": doc})
    assert r.status_code == 422 and "lifetime_years = -1" in r.text
    r = sqlite_client.post("/api/appraisals", json={})
    assert r.status_code == 422


def test_web_page_has_the_appraisal_panel(sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/").text
    assert 'id="appraise-form"' in page and "/static/appraise.js" in page
    js = sqlite_client.get("/static/appraise.js")
    assert js.status_code == 200 and "/api/appraisals" in js.text
