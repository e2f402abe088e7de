"""Background job lifecycle, progress, results and recovery after a crash."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from corridors.storage import Store

SWEEP = {"kind": "sweep", "pairs": [["Xian", "Duisburg"], ["Almaty", "Baku"]], "top": 2}


def wait(client: TestClient, job_id: str, timeout_s: float = 60) -> dict[str, Any]:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s}s")


def test_sweep_lifecycle(client: TestClient) -> None:
    r = client.post("/api/jobs", json=SWEEP)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done")
    assert len(job["id"]) == 32
    done = wait(client, job["id"])
    assert done["status"] == "done", done
    assert done["progress"]["done"] == done["progress"]["total"] == 2
    assert done["progress"]["fraction"] == 1.0
    result = client.get(f"/api/jobs/{job['id']}/result")
    assert result.status_code == 200
    rows = result.json()["rows"]
    assert [(x["origin"], x["destination"]) for x in rows] == [
        ("Xian", "Duisburg"),
        ("Almaty", "Baku"),
    ]
    assert all(1 <= len(x["options"]) <= 2 for x in rows)
    assert job["id"] in [j["id"] for j in client.get("/api/jobs").json()]


def test_job_errors(client: TestClient) -> None:
    assert client.get("/api/jobs/" + "0" * 32).status_code == 404
    assert client.get("/api/jobs/" + "0" * 32 + "/result").status_code == 404
    bad_place = client.post("/api/jobs", json={**SWEEP, "pairs": [["Xian", "Atlantis"]]})
    assert bad_place.status_code == 404 and "Atlantis" in bad_place.json()["detail"]
    bad_kind = client.post("/api/jobs", json={"kind": "dance"})
    assert bad_kind.status_code == 422
    no_scen = client.post("/api/jobs", json={**SWEEP, "scenarios": ["nope"]})
    assert no_scen.status_code == 404
    flows = client.get("/api/flows")
    assert flows.status_code == 404 and "assignment" in flows.json()["detail"]
    assert client.get("/api/bottlenecks").status_code == 404


def test_assignment_job_gives_flows_and_bottlenecks(client: TestClient) -> None:
    r = client.post("/api/jobs", json={"kind": "assignment", "max_iterations": 20})
    assert r.status_code == 202
    job = wait(client, r.json()["id"], timeout_s=120)
    assert job["status"] == "done", job
    assert job["progress"]["done"] > 0
    flows = client.get("/api/flows").json()
    assert flows["type"] == "FeatureCollection" and flows["features"]
    used = [f for f in flows["features"] if f["properties"]["flow_teu_equiv"] > 0]
    assert used and all(f["geometry"]["type"] == "LineString" for f in used)
    bn = client.get("/api/bottlenecks", params={"top": 5}).json()
    assert 1 <= len(bn) <= 5
    utils = [b["utilization"] for b in bn]
    assert utils == sorted(utils, reverse=True)
    assert client.get(f"/api/jobs/{job['id']}/result").json()["model"] == "choice"
    # another scenario has no assignment yet
    client.post(
        "/api/scenarios",
        json={"name": "x2", "body": {"changes": [{"op": "scale_demand", "factor": 2}]}},
    )
    assert client.get("/api/flows", params={"scenario": "x2"}).status_code == 404
    r2 = client.post(
        "/api/jobs", json={"kind": "assignment", "scenario": "x2", "max_iterations": 20}
    )
    assert wait(client, r2.json()["id"], timeout_s=120)["status"] == "done"
    bn2 = client.get("/api/bottlenecks", params={"top": 1, "scenario": "x2"}).json()
    assert bn2[0]["utilization"] > utils[0]  # twice the demand loads the worst link more


def test_failed_job_has_message_and_no_result(
    make_client: Callable[[str], TestClient], database_url: str
) -> None:
    store = Store(database_url)
    job = store.create_job("sweep", {})
    store.start_job(job["id"])
    store.fail_job(job["id"], "boom: the demand file is malformed")
    store.close()
    client = make_client(database_url)
    rec = client.get(f"/api/jobs/{job['id']}").json()
    assert rec["status"] == "failed" and "boom" in rec["error"]
    res = client.get(f"/api/jobs/{job['id']}/result")
    assert res.status_code == 409 and "failed" in res.json()["detail"]


def test_interrupted_jobs_marked_failed_on_restart(
    make_client: Callable[[str], TestClient], database_url: str
) -> None:
    # A process that dies mid-job leaves 'running' and no result behind.
    store = Store(database_url)
    job = store.create_job("sweep", {"pairs": []})
    store.start_job(job["id"])
    store.job_progress(job["id"], 1, 4, "halfway")
    queued = store.create_job("sweep", {"pairs": []})
    store.create_scenario("saved-before-crash", {"x": 1})
    store.close()

    client = make_client(database_url)
    for jid in (job["id"], queued["id"]):
        rec = client.get(f"/api/jobs/{jid}").json()
        assert rec["status"] == "failed"
        assert "Interrupted" in rec["error"]
        assert client.get(f"/api/jobs/{jid}/result").status_code == 409
    assert client.get("/api/scenarios/saved-before-crash").status_code == 200


def test_result_written_with_done_in_one_transaction(database_url: str) -> None:
    store = Store(database_url)
    job = store.create_job("sweep", {})
    store.start_job(job["id"])
    store.create_job("sweep", {})
    # A result that cannot be stored (not JSON) must leave the job 'running', not half 'done'.
    with contextlib.suppress(Exception):
        store.finish_job(job["id"], {"bad": object()})
    assert store.get_job(job["id"])["status"] == "running"
    store.finish_job(job["id"], {"ok": True})
    assert store.get_job(job["id"])["status"] == "done"
    assert store.job_result(job["id"]) == {"ok": True}
    store.close()
