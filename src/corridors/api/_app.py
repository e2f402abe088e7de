"""The FastAPI app factory and error mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridors.api._docs import add_offline_docs
from corridors.api._state import ApiState
from corridors.errors import CorridorsError
from corridors.network.model import Network, load_network
from corridors.storage import Store

log = logging.getLogger(__name__)


def create_app(
    *, database_url: str | None = None, network: Network | None = None, job_workers: int = 2
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

    Returns
    -------
    fastapi.FastAPI
    """
    from corridors.api import _jobs, _network, _route, _scenarios, _select

    net = network if network is not None else load_network()
    store = Store(database_url)

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
    app.state.corridors = ApiState(network=net, store=store, job_workers=job_workers)
    for module in (_route, _network, _scenarios, _jobs, _select):
        app.include_router(module.router, prefix="/api")
    _add_error_handlers(app)
    _add_web(app)
    add_offline_docs(app)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corridors")
    except PackageNotFoundError:
        return "0"


def _error(status: int, kind: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": kind, "detail": detail, **extra})


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CorridorsError)
    async def corridors_error(_request: Request, exc: CorridorsError) -> JSONResponse:
        return _error(exc.http_status, type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path"))
            problems.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
        detail = "Invalid request: " + "; ".join(problems) + "."
        return _error(422, "ValidationError", detail, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "HTTPError", str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        log.exception("unexpected error", exc_info=exc)
        return _error(500, type(exc).__name__, "Internal error; this is a bug, please report it.")


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
