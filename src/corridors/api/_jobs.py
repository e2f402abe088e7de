"""Background jobs: submit, poll status and progress, fetch the result; flows by scenario.

Jobs run in the app's thread pool. Progress comes from the library's ``Progress`` callbacks
and is written to the job record (at most a few times a second). The result and the 'done'
state are written in one transaction; an exception marks the job failed with its message."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from corridors._progress import Progress
from corridors.api import _bridge
from corridors.api._json import json_safe
from corridors.api._state import BASE, ApiState, client_key, get_state
from corridors.errors import CorridorsError, JobError, explain
from corridors.routing import pareto_routes

log = logging.getLogger(__name__)
router = APIRouter(tags=["jobs"])

SCENARIO = Field(BASE, min_length=1, max_length=100, description="Scenario name or 'base'.")
PLACE = Annotated[str, Field(min_length=1, max_length=200)]


class SweepJob(BaseModel):
    """Route many origin-destination pairs in the base network and in scenarios."""

    kind: Literal["sweep"]
    pairs: list[tuple[PLACE, PLACE]] = Field(min_length=1, max_length=100)
    scenarios: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=lambda: [BASE], min_length=1, max_length=10
    )
    teu: float = Field(1.0, gt=0, le=1e6)
    top: int = Field(3, ge=1, le=20)


class AssignmentJob(BaseModel):
    """Equilibrium assignment of the corridor demand on a scenario's network."""

    kind: Literal["assignment"]
    scenario: str = SCENARIO
    max_iterations: int = Field(50, ge=1, le=1000)
    demand_scale: float = Field(1.0, gt=0, le=100)


JobIn = Annotated[SweepJob | AssignmentJob, Field(discriminator="kind")]
JobId = Annotated[str, Path(min_length=1, max_length=64)]


class _Reporter:
    """A Progress callback that writes to the job record, throttled."""

    def __init__(self, state: ApiState, job_id: str, every_s: float = 0.2) -> None:
        self.state, self.job_id, self.every_s = state, job_id, every_s
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, update: Progress, /) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.every_s and update.done != update.total:
                return
            self._last = now
        msg = f"{update.task}: {update.message}" if update.message else update.task
        self.state.store.job_progress(self.job_id, update.done, update.total, msg)


def _run_sweep(state: ApiState, job: SweepJob, progress: _Reporter) -> dict[str, Any]:
    total = len(job.pairs) * len(job.scenarios)
    rows: list[dict[str, Any]] = []
    done = 0
    for name in job.scenarios:
        net = state.network_for(name)
        for o, d in job.pairs:
            row: dict[str, Any] = {"scenario": name, "origin": o, "destination": d}
            try:
                opts = pareto_routes(net, o, d, teu=job.teu, max_options=job.top, eps=0.02)
                row["options"] = [
                    {k: it.to_dict()[k] for k in ("corridor", "days", "cost_usd", "co2_kg")}
                    for it in opts.options
                ]
            except CorridorsError as exc:
                row["options"], row["error"] = [], str(exc)
            rows.append(row)
            done += 1
            progress(Progress("sweep", done, total, f"{o} -> {d} ({name})"))
    return {"kind": "sweep", "rows": rows}


def _run_assignment(state: ApiState, job: AssignmentJob, progress: _Reporter) -> dict[str, Any]:
    body = None if job.scenario == BASE else state.scenario_record(job.scenario)["body"]
    out = _bridge.run_assignment(
        state.network,
        body,
        max_iterations=job.max_iterations,
        demand_scale=job.demand_scale,
        progress=progress,
        resolver=state.resolver,
    )
    return {"kind": "assignment", "scenario": job.scenario, **out}


def _execute(state: ApiState, job_id: str, job: SweepJob | AssignmentJob) -> None:
    def work(reporter: _Reporter) -> dict[str, Any]:
        if isinstance(job, SweepJob):
            return _run_sweep(state, job, reporter)
        return _run_assignment(state, job, reporter)

    run_recorded(state, job_id, work)


def run_recorded(state: ApiState, job_id: str, work: Callable[[_Reporter], dict[str, Any]]) -> None:
    """Run one background job's ``work(progress)`` and record its outcome on the job.

    A corridors error is recorded as its message; anything else is logged server-side with an
    error id, and only that id reaches the client (no stack traces or server paths). When the
    store itself is down, the failure is recorded once it is back.
    """
    store = state.store
    try:
        store.start_job(job_id)
        result = work(_Reporter(state, job_id))
        store.finish_job(job_id, json_safe(result))
        return
    except CorridorsError as exc:
        error = str(exc)
    except Exception as exc:  # a bug or the database: keep the server up, log the trace
        error_id = uuid.uuid4().hex[:12]
        log.error("job %s failed, error %s", job_id, error_id, exc_info=exc)
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            error = f"The database failed while the job ran (error {error_id}); submit it again."
        else:
            error = (
                f"Internal error {error_id}; the server log has the details. Please report it "
                "with this id."
            )
    try:
        store.fail_job(job_id, error)
    except Exception:  # the store is down too: record the failure when it is back
        log.warning("job %s: cannot record its failure yet; retrying", job_id)
        state.record_failure_later(job_id, error)


def _check_inputs(state: ApiState, job: SweepJob | AssignmentJob) -> None:
    """Fail fast (4xx) on unknown scenarios and places, before queueing."""
    names = job.scenarios if isinstance(job, SweepJob) else [job.scenario]
    for name in names:
        if name != BASE:
            state.scenario_record(name)
    if isinstance(job, SweepJob):
        for o, d in job.pairs:
            state.network.find_place(o)
            state.network.find_place(d)


@router.post("/jobs", status_code=202, summary="Submit a background job (sweep or assignment)")
def submit_job(
    job: JobIn, request: Request, state: Annotated[ApiState, Depends(get_state)]
) -> dict[str, Any]:
    """Returns the job record at once; poll ``GET /api/jobs/{id}`` for status and progress.

    Refused with 429 (and ``Retry-After``) when the server already has its limit of queued
    and running jobs, or the client has its own limit."""
    client = client_key(request)
    state.admit_job(client)
    _check_inputs(state, job)
    rec = state.store.create_job(job.kind, job.model_dump(mode="json"))
    state.submit(_execute, state, rec["id"], job, job_id=rec["id"], client=client)
    return rec


@router.get("/jobs", summary="Recent jobs, newest first")
def list_jobs(
    state: Annotated[ApiState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    return state.store.list_jobs(limit)


@router.get("/jobs/{job_id}", summary="A job's status and progress")
def get_job(job_id: JobId, state: Annotated[ApiState, Depends(get_state)]) -> dict[str, Any]:
    return state.store.get_job(job_id)


@router.get("/jobs/{job_id}/result", summary="The result of a finished job")
def job_result(job_id: JobId, state: Annotated[ApiState, Depends(get_state)]) -> dict[str, Any]:
    """404 for an unknown id; 409 while the job is queued or running, or when it failed."""
    return state.store.job_result(job_id)


def _latest_assignment(state: ApiState, scenario: str) -> dict[str, Any]:
    for job in state.store.list_jobs(1000):
        if (
            job["kind"] == "assignment"
            and job["status"] == "done"
            and job["params"].get("scenario") == scenario
        ):
            return state.store.job_result(job["id"])
    raise JobError(
        explain(
            f"No finished assignment for scenario {scenario!r}.",
            fix='Submit one: POST /api/jobs {"kind": "assignment", "scenario": "...".}',
        )
    )


Scenario = Annotated[str, Query(min_length=1, max_length=100)]


@router.get("/flows", summary="Link flows and utilization of the latest assignment")
def flows(state: Annotated[ApiState, Depends(get_state)], scenario: Scenario = BASE) -> Any:
    """GeoJSON of links with flow and utilization (from the newest finished assignment)."""
    res = _latest_assignment(state, scenario)
    return res.get("flows", {"type": "FeatureCollection", "features": []})


@router.get("/bottlenecks", summary="Most utilized links of the latest assignment")
def bottlenecks(
    state: Annotated[ApiState, Depends(get_state)],
    scenario: Scenario = BASE,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[dict[str, Any]]:
    res = _latest_assignment(state, scenario)
    return list(res.get("bottlenecks", []))[:top]
