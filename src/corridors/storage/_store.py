"""The :class:`Store`: saved scenarios, job records and job results in one database."""

from __future__ import annotations

import datetime as dt
import logging
import os
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
    ServiceUnavailableError,
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
        server process may use a database at a time (see :meth:`acquire_lease`).
    read_only
        Open the database read-only: no migration, no recovery, every write refused by the
        database itself. The schema must already be at the newest revision.

    Raises
    ------
    corridors.errors.ServiceUnavailableError
        When the database cannot be reached, or is read-only and ``read_only`` is False;
        the message names the database (without password) and the fix.
    """

    def __init__(
        self, url: str | None = None, *, recover: bool = True, read_only: bool = False
    ) -> None:
        from sqlalchemy.exc import DBAPIError

        self.url = normalize_database_url(url or default_database_url())
        self.read_only = read_only
        self.engine = _make_engine(self.url, read_only=read_only)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._lease: Any = None
        try:
            if read_only:
                self._check_at_head()
                return
            self.upgrade()
            if recover:
                n = self.fail_interrupted_jobs()
                if n:
                    log.warning("marked %d interrupted job(s) as failed", n)
        except DBAPIError as exc:
            self.engine.dispose()
            raise _unavailable(self.url, exc, opening=True) from None

    def _check_at_head(self) -> None:
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option(
            "script_location", str(resources.files("corridors.storage") / "alembic")
        )
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current != head:
            raise ServiceUnavailableError(
                explain(
                    f"The database {_safe_url(self.url)} is at schema revision {current!r}, "
                    f"not the newest ({head}), and it was opened read-only.",
                    fix="Open it once without --read-only to migrate it.",
                )
            )

    # -- one server per database -------------------------------------------------------
    def acquire_lease(self) -> None:
        """Take this database's server lock, held until :meth:`close` (or process death).

        SQLite: an exclusive ``flock`` on ``<file>.server.lock``; PostgreSQL: a session
        advisory lock. Both vanish with the process, so a killed server never blocks the
        next one.

        Raises
        ------
        corridors.errors.JobError
            (HTTP 409) when another server holds the lock.
        """
        if self._lease is not None or self.url in ("sqlite://", "sqlite:///:memory:"):
            return
        if self.url.startswith("sqlite"):
            self._lease = _file_lease(self.url)
            return
        from sqlalchemy import text

        conn = self.engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LEASE_KEY}).scalar()
        conn.commit()
        if not got:
            conn.close()
            raise _busy(self.url, "a PostgreSQL advisory lock")
        self._lease = conn

    def release_lease(self) -> None:
        """Give the server lock back (done by :meth:`close`)."""
        lease, self._lease = self._lease, None
        if lease is None:
            return
        try:
            lease.close()
        except Exception:  # the connection may already be gone with the database
            log.debug("releasing the server lock failed", exc_info=True)

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
        """Release the server lock and the database connections."""
        self.release_lease()
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
    err.http_status = 404
    return err


_LEASE_KEY = 0x636F7272  # "corr": the advisory lock id of a corridors server


class _FileLease:
    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def close(self) -> None:
        self.fh.close()  # closing the descriptor drops the flock


def _file_lease(url: str) -> _FileLease | None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock
        log.warning("no server lock on this platform: do not run two servers on one database")
        return None
    path = Path(url.split("///", 1)[1].split("?", 1)[0] + ".server.lock")
    fh = path.open("a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise _busy(url, f"the lock file {path.name}") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"{os.getpid()}\n")
    fh.flush()
    return _FileLease(fh)


def _busy(url: str, what: str) -> JobError:
    err = JobError(
        explain(
            f"Another corridors server is serving the database {_safe_url(url)} (it holds {what}).",
            why="Two servers on one database would mark each other's jobs failed and "
            "overwrite their states.",
            fix="Stop the other server, or give this one its own database (--database), or "
            "serve it with --read-only.",
        )
    )
    err.http_status = 409
    return err


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL we can parse: say nothing more
        return "(database)"


def _unavailable(url: str, exc: BaseException, *, opening: bool) -> ServiceUnavailableError:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
    if "readonly" in text.lower() or "read-only" in text.lower():
        return ServiceUnavailableError(
            explain(
                f"The database {_safe_url(url)} is read-only ({text}).",
                fix="Serve it with --read-only, or make it writable.",
            )
        )
    return ServiceUnavailableError(
        explain(
            f"Cannot use the database {_safe_url(url)}: {text}.",
            fix="Start the database or check the --database URL."
            if opening
            else "Try again when it is back.",
        )
    )


def _make_engine(url: str, *, read_only: bool = False) -> Engine:
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError(
                "PostgreSQL needs psycopg: pip install 'corridors[postgres]'."
            ) from exc
        args: dict[str, Any] = {"connect_timeout": 5}
        if read_only:
            args["options"] = "-c default_transaction_read_only=on"
        return create_engine(url, pool_pre_ping=True, connect_args=args)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    if memory:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    elif read_only and "uri=true" not in url:
        path = url.split("///", 1)[1]
        engine = create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={"check_same_thread": False, "timeout": 30},
        )
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory and not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine
