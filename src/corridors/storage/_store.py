"""The :class:`Store`: saved scenarios, job records and job results in one database."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from corridors.errors import (
    JobError,
    JobNotReadyError,
    MissingDependencyError,
    ScenarioError,
    explain,
)
from corridors.storage._schema import JobResultRow, JobRow, ScenarioRow

__all__ = ["JOB_STATES", "Store", "default_database_url", "normalize_database_url"]

log = logging.getLogger(__name__)

JOB_STATES = ("queued", "running", "done", "failed")
"""Job states; ``done`` and ``failed`` are final."""

INTERRUPTED = "Interrupted: the server stopped while the job was running. Submit it again."


def default_database_url() -> str:
    """SQLite file ``corridors.sqlite`` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("corridors", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'corridors.sqlite'}"


def normalize_database_url(url: str) -> str:
    """Map ``postgres://``/``postgresql://`` to the psycopg 3 driver; leave others alone."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite drops the zone; we only ever store UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def _scenario_dict(row: ScenarioRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "body": row.body,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


def _job_dict(row: JobRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "params": row.params,
        "status": row.status,
        "progress": {
            "done": row.progress_done,
            "total": row.progress_total,
            "fraction": (
                min(1.0, row.progress_done / row.progress_total) if row.progress_total else None
            ),
            "message": row.message,
        },
        "error": row.error,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


class Store:
    """Saved scenarios, background jobs and their results, in SQLite or PostgreSQL.

    Opening a store migrates its schema to the newest Alembic revision and marks jobs that
    a dead process left ``queued`` or ``running`` as ``failed``.

    Parameters
    ----------
    url
        SQLAlchemy URL; ``None`` is a SQLite file in the user's data directory.
        ``postgresql://user@host:port/db`` uses psycopg 3. ``sqlite://`` is in memory.
    recover
        Mark jobs left running by a previous process as failed (default True). Only one
        server process may use a database at a time.
    """

    def __init__(self, url: str | None = None, *, recover: bool = True) -> None:
        self.url = normalize_database_url(url or default_database_url())
        self.engine = _make_engine(self.url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.upgrade()
        if recover:
            n = self.fail_interrupted_jobs()
            if n:
                log.warning("marked %d interrupted job(s) as failed", n)

    # -- schema ------------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema up with Alembic (default: to the newest revision)."""
        self._migrate("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        """Migrate the schema down with Alembic (``"base"`` drops every table)."""
        self._migrate("downgrade", revision)

    def _migrate(self, direction: str, revision: str) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        where = resources.files("corridors.storage") / "alembic"
        cfg.set_main_option("script_location", str(where))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- scenarios ---------------------------------------------------------------------
    def list_scenarios(self) -> list[dict[str, Any]]:
        with self._session() as s:
            rows = s.scalars(select(ScenarioRow).order_by(ScenarioRow.name)).all()
            return [_scenario_dict(r) for r in rows]

    def get_scenario(self, name: str) -> dict[str, Any]:
        with self._session() as s:
            row = s.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is None:
                raise _no_scenario(name)
            return _scenario_dict(row)

    def create_scenario(
        self, name: str, body: dict[str, Any], description: str = ""
    ) -> dict[str, Any]:
        now = _now()
        row = ScenarioRow(
            name=name, description=description, body=body, created_at=now, updated_at=now
        )
        try:
            with self._session.begin() as s:
                s.add(row)
        except IntegrityError as exc:
            raise ScenarioError(
                explain(
                    f"A scenario named {name!r} already exists.",
                    fix="Pick another name, or update it with PUT /api/scenarios/{name}.",
                )
            ) from exc
        return self.get_scenario(name)

    def update_scenario(
        self, name: str, body: dict[str, Any], description: str | None = None
    ) -> dict[str, Any]:
        with self._session.begin() as s:
            row = s.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is None:
                raise _no_scenario(name)
            row.body = body
            if description is not None:
                row.description = description
            row.updated_at = _now()
        return self.get_scenario(name)

    def delete_scenario(self, name: str) -> None:
        with self._session.begin() as s:
            res = s.execute(delete(ScenarioRow).where(ScenarioRow.name == name))
            if res.rowcount == 0:  # type: ignore[attr-defined]
                raise _no_scenario(name)

    # -- jobs --------------------------------------------------------------------------
    def create_job(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        now = _now()
        job_id = uuid.uuid4().hex
        with self._session.begin() as s:
            s.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    params=params,
                    status="queued",
                    progress_done=0.0,
                    progress_total=None,
                    message="",
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get_job(job_id)

    def get_job(self, job_id: str) -> dict[str, Any]:
        with self._session() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise JobError(
                    explain(
                        f"No job with id {job_id!r}.",
                        fix="List jobs with GET /api/jobs; ids are 32 hex digits.",
                    )
                )
            return _job_dict(row)

    def list_jobs(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._session() as s:
            rows = s.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)).all()
            return [_job_dict(r) for r in rows]

    def start_job(self, job_id: str) -> None:
        self._set_job(job_id, status="running")

    def job_progress(
        self, job_id: str, done: float, total: float | None, message: str = ""
    ) -> None:
        self._set_job(job_id, progress_done=done, progress_total=total, message=message[:500])

    def finish_job(self, job_id: str, result: dict[str, Any]) -> None:
        """Store the result and mark the job done, in one transaction."""
        with self._session.begin() as s:
            s.add(JobResultRow(job_id=job_id, data=result))
            s.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(status="done", updated_at=_now(), message="done")
            )

    def fail_job(self, job_id: str, error: str) -> None:
        self._set_job(job_id, status="failed", error=error[:4000])

    def job_result(self, job_id: str) -> dict[str, Any]:
        job = self.get_job(job_id)
        if job["status"] != "done":
            raise JobNotReadyError(
                explain(
                    f"Job {job_id} is {job['status']}, so it has no result.",
                    fix=(
                        "Poll GET /api/jobs/{id} until status is 'done'."
                        if job["status"] in ("queued", "running")
                        else f"It failed: {job['error']}"
                    ),
                )
            )
        with self._session() as s:
            row = s.get(JobResultRow, job_id)
            assert row is not None  # written in the same transaction as 'done'
            return row.data

    def fail_interrupted_jobs(self) -> int:
        """Mark jobs left ``queued``/``running`` (by a dead process) as failed."""
        with self._session.begin() as s:
            res = s.execute(
                update(JobRow)
                .where(JobRow.status.in_(("queued", "running")))
                .values(status="failed", error=INTERRUPTED, updated_at=_now())
            )
            return int(res.rowcount)  # type: ignore[attr-defined]

    def _set_job(self, job_id: str, **values: Any) -> None:
        with self._session.begin() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(updated_at=_now(), **values))

    def session(self) -> Session:
        """A new ORM session (for tests and tools)."""
        return self._session()


def _no_scenario(name: str) -> ScenarioError:
    err = ScenarioError(
        explain(f"No saved scenario named {name!r}.", fix="List them with GET /api/scenarios.")
    )
    err.http_status = 404  # type: ignore[misc]
    return err


def _make_engine(url: str) -> Engine:
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError(
                "PostgreSQL needs psycopg: pip install 'corridors[postgres]'."
            ) from exc
        return create_engine(url, pool_pre_ping=True)
    if url in ("sqlite://", "sqlite:///:memory:"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine
