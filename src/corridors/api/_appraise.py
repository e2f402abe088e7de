"""Appraisals as background jobs: ``POST /api/appraisals`` runs a shipped project (or one sent
in the body) through :func:`corridors.appraisal.appraise`; poll ``GET /api/jobs/{id}`` for
progress and fetch ``GET /api/jobs/{id}/result``. ``GET /api/projects`` lists the shipped
projects."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, model_validator

from corridors.api._jobs import run_recorded
from corridors.api._state import ApiState, client_key, get_state
from corridors.errors import InvalidSpecError, explain

router = APIRouter(tags=["appraisal"])


class AppraisalJob(BaseModel):
    """A project appraisal: a shipped project by name, or a project document."""

    project: str | None = Field(None, min_length=1, max_length=100, description="Shipped name.")
    document: dict[str, Any] | None = Field(None, description="A project mapping (YAML as JSON).")
    discount_rate: float | None = Field(None, ge=0, le=0.5)
    demand_range: tuple[float, float] | None = Field((0.8, 1.2), description="null skips it.")
    switching_runs: int = Field(1, ge=0, le=4)
    modelled_years: list[int] | None = Field(None, min_length=1, max_length=4)
    target_gap: float = Field(1e-6, ge=1e-9, le=1e-2, description="Equilibrium relative gap.")

    @model_validator(mode="after")
    def _one_source(self) -> AppraisalJob:
        if (self.project is None) == (self.document is None):
            raise ValueError("give exactly one of 'project' (a shipped name) or 'document'")
        if self.demand_range is not None and min(self.demand_range) <= 0:
            raise ValueError("demand_range factors must be positive")
        return self


def _project(job: AppraisalJob) -> Any:
    from corridors.appraisal import load_project, project_from_dict, shipped_projects

    if job.project is not None:
        if job.project not in shipped_projects():
            raise InvalidSpecError(
                explain(
                    f"Unknown project {job.project!r}.",
                    fix=f"Use one of {sorted(shipped_projects())} or send a 'document'.",
                )
            )
        return load_project(job.project)
    return project_from_dict(job.document or {})


def _execute(state: ApiState, job_id: str, job: AppraisalJob, project: Any) -> None:
    from corridors.appraisal import appraise
    from corridors.assignment.sue import SUESpec

    def work(progress: Any) -> dict[str, Any]:
        a = appraise(
            project,
            discount_rate=job.discount_rate,
            demand_range=tuple(job.demand_range) if job.demand_range else (),  # type: ignore[arg-type]
            switching_runs=job.switching_runs,
            modelled_years=job.modelled_years,
            sue=SUESpec(target_gap=job.target_gap, column_rounds=0),
            progress=progress,
        )
        return {"kind": "appraisal", **a.to_dict()}

    run_recorded(state, job_id, work)


@router.post("/appraisals", status_code=202, summary="Submit a project appraisal (background job)")
def submit_appraisal(
    job: AppraisalJob, request: Request, state: Annotated[ApiState, Depends(get_state)]
) -> dict[str, Any]:
    """Validates the project first (422 with what/why/fix), then returns the job record; poll
    ``GET /api/jobs/{id}`` and fetch ``GET /api/jobs/{id}/result``.

    Refused with 429 (and ``Retry-After``) when the server or the client already has its limit
    of queued and running jobs."""
    client = client_key(request)
    state.admit_job(client)
    project = _project(job)
    rec = state.store.create_job("appraisal", job.model_dump(mode="json"))
    state.submit(_execute, state, rec["id"], job, project, job_id=rec["id"], client=client)
    return rec


@router.get("/projects", summary="Shipped projects that can be appraised")
def list_projects() -> list[dict[str, Any]]:
    from corridors.appraisal import load_project, shipped_projects

    out = []
    for name in shipped_projects():
        p = load_project(name)
        out.append(
            {
                "name": p.name,
                "description": p.description,
                "scenario": p.scenario,
                "opening_year": p.opening_year,
                "lifetime_years": p.lifetime_years,
                "capital_cost_usd_m": sum(p.capital_cost.by_year.values()),
            }
        )
    return out
