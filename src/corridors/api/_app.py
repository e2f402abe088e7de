"""The FastAPI app factory and error mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from corridors.api._docs import add_offline_docs
from corridors.api._guard import Guard
from corridors.api._problems import add_error_handlers, patch_openapi
from corridors.api._settings import ServerSettings
from corridors.api._state import ApiState
from corridors.network.model import Network, load_network
from corridors.storage import Store

log = logging.getLogger(__name__)


def create_app(
    *,
    database_url: str | None = None,
    network: Network | None = None,
    job_workers: int = 2,
    settings: ServerSettings | None = None,
) -> FastAPI:
    """Build the corridors REST API and web map.

    Parameters
    ----------
    database_url
        SQLAlchemy URL of the store (``None``: SQLite file in the user's data directory;
        ``postgresql://…`` for PostgreSQL). Migrated to the newest schema on startup, and
        jobs a dead process left running are marked failed.
    network
        The base network (default: the bundled one).
    job_workers
        Threads that run background jobs.
    settings
        Limits, access control and pools (default :class:`ServerSettings`: loopback hosts,
        no token, 1 MB bodies, 32 active jobs, 2 compute threads).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    corridors.errors.ServiceUnavailableError
        When the database cannot be opened (down, or read-only without ``read_only``).
    corridors.errors.JobError
        (409) When another server holds the database's lock (``settings.lease``).
    """
    from corridors.api import _appraise, _jobs, _network, _route, _scenarios, _select

    cfg = settings or ServerSettings()
    net = network if network is not None else load_network()
    store = Store(database_url, read_only=cfg.read_only)
    if cfg.lease and not cfg.read_only:
        try:
            store.acquire_lease()
        except Exception:
            store.close()
            raise

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.corridors.shutdown()
        store.close()

    app = FastAPI(
        title="corridors",
        summary="Routes, flows, scenarios and reliability on the Eurasian freight corridors.",
        version=_version(),
        lifespan=lifespan,
        docs_url=None,  # served offline by _docs.add_offline_docs
        redoc_url=None,
    )
    app.state.corridors = ApiState(network=net, store=store, job_workers=job_workers, settings=cfg)
    for module in (_route, _network, _scenarios, _jobs, _appraise, _select):
        app.include_router(module.router, prefix="/api")
    add_error_handlers(app)
    patch_openapi(app)
    _add_web(app)
    add_offline_docs(app)
    app.add_middleware(Guard, settings=cfg)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corridors")
    except PackageNotFoundError:
        return "0"


def _add_web(app: FastAPI) -> None:
    web = resources.files("corridors") / "web"
    static = web / "static"
    if not static.is_dir():  # pragma: no cover - partial installs
        return
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return FileResponse(str(web / "index.html"), media_type="text/html")

    @app.get("/map", include_in_schema=False)
    async def map_redirect() -> Response:
        return RedirectResponse("/")
