"""``corridors serve``: the REST API and the web map (needs the ``api`` extra)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from corridors.cli import _options as opt
from corridors.cli._app import app, console_err, finite

_Host = Annotated[str, typer.Option(help="Interface to listen on.")]
_Port = Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)]
_Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="CORRIDORS_DATABASE_URL",
        help="SQLAlchemy URL (postgresql://user@host/db); default: SQLite in the data dir.",
    ),
]
_Token = Annotated[
    str | None,
    typer.Option(
        envvar="CORRIDORS_API_TOKEN",
        help="Bearer token required for writes. Made up and printed when the server "
        "listens beyond loopback without one.",
    ),
]
_ReadOnly = Annotated[
    bool,
    typer.Option("--read-only", help="Serve a read-only database; refuse every write."),
]
_AllowHost = Annotated[
    list[str],
    typer.Option(
        help="Host header name to accept (repeatable; DNS-rebinding defence). Default: "
        "loopback names, plus any name when --host is not loopback.",
    ),
]
_Workers = Annotated[
    int, typer.Option(help="Worker processes (one per core for throughput).", min=1, max=64)
]
_MaxBodyBytes = Annotated[
    int, typer.Option(help="Largest request body accepted.", min=1024, max=100_000_000)
]
_MaxJobs = Annotated[int, typer.Option(help="Jobs queued or running at once.", min=1, max=10_000)]
_AccessLog = Annotated[
    bool, typer.Option(help="Log every request (costs throughput; errors are always logged).")
]
_CacheEntries = Annotated[
    int, typer.Option(help="Route responses cached per worker (0: no cache).", min=0)
]

_AdmissionBudget = Annotated[
    float | None,
    typer.Option(
        "--admission-budget",
        envvar="CORRIDORS_ADMISSION_BUDGET_S",
        min=0.0,
        max=60.0,  # corridors.api._serving.MAX_ADMISSION_BUDGET_S (not imported: keeps -h fast)
        callback=finite,
        metavar="SECONDS",
        help="Longest expected wait, in seconds (0 to 60), a route, compare or reliability "
        "request is admitted with; above it the answer is 503 with Retry-After at once, so "
        "admitted requests keep a bounded latency under overload. 0 turns admission control "
        "off. Default 0.05.",
    ),
]


@app.command("serve")
def serve_cmd(
    host: _Host = "127.0.0.1",
    port: _Port = 8000,
    database: _Database = None,
    network: opt.NetworkOpt = None,
    token: _Token = None,
    read_only: _ReadOnly = False,
    allow_host: _AllowHost = [],  # noqa: B006 - typer needs a literal default
    workers: _Workers = 1,
    max_body_bytes: _MaxBodyBytes = 1_000_000,
    max_jobs: _MaxJobs = 32,
    access_log: _AccessLog = False,
    cache_entries: _CacheEntries = 2048,
    admission_budget: _AdmissionBudget = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web map at http://HOST:PORT/."""
    serve = _serving()
    from corridors.api._settings import LOOPBACK_HOSTS, ServerSettings, is_loopback

    exposed = not is_loopback(host)
    if exposed:
        token = _exposed_warning(host, token, read_only=read_only)
    hosts = tuple(allow_host) or (("*",) if exposed else (*LOOPBACK_HOSTS, host))
    settings = ServerSettings(
        max_body_bytes=max_body_bytes, max_active_jobs=max_jobs, cache_entries=cache_entries,
        token=token, allowed_hosts=hosts, read_only=read_only,
        admission_budget_s=admission_budget,
    )  # fmt: skip

    def ready() -> None:
        console_err.print(
            f"corridors: map at http://{host}:{port}/  API docs at /docs"
            + ("  (read-only)" if read_only else ""),
            highlight=False,
        )

    from sqlalchemy.exc import ArgumentError

    from corridors.errors import InvalidSpecError, explain

    try:
        serve(
            host=host,
            port=port,
            database=database,
            network=str(network) if network is not None else None,
            settings=settings,
            workers=workers,
            access_log=access_log,
            on_ready=ready,
        )
    except ArgumentError as exc:  # an unparseable URL: the user's input, not a bug
        raise InvalidSpecError(
            explain(
                f"--database is not a database URL ({exc}).",
                fix="Write e.g. postgresql://user@host:5432/corridors or sqlite:///path/db.sqlite.",
            )
        ) from None


def _serving() -> Any:
    """``corridors.api._serving.serve``, or the install hint when the api extra is missing."""
    try:
        import uvicorn  # noqa: F401

        from corridors.api._serving import serve
    except ImportError as exc:
        from corridors.errors import MissingDependencyError

        raise MissingDependencyError(
            f"'corridors serve' needs the api extra ({exc.name} is missing): "
            "pip install 'corridors[api]'."
        ) from exc
    return serve


def _exposed_warning(host: str, token: str | None, *, read_only: bool) -> str | None:
    """Warn that HOST is beyond this machine; make up (and print) a write token if none."""
    import secrets

    console_err.print(
        f"[bold yellow]warning:[/] listening on {host}, beyond this machine: anyone who "
        "can reach the port can read the data. Writes need the API token; put a TLS proxy "
        "in front for use over a network.",
        highlight=False,
    )
    if token is None and not read_only:
        token = secrets.token_urlsafe(24)
        console_err.print(
            f"API token for writes (Authorization: Bearer …): {token}", highlight=False
        )
    return token
