"""``corridors serve``: the REST API and the web map (needs the ``api`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridors.cli._app import app, console_err


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            envvar="CORRIDORS_DATABASE_URL",
            help="SQLAlchemy URL (postgresql://user@host/db); default: SQLite in the data dir.",
        ),
    ] = None,
    network: Annotated[
        Path | None, typer.Option("--network", "-n", help="Network folder (default: bundled).")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CORRIDORS_API_TOKEN",
            help="Bearer token required for writes. Made up and printed when the server "
            "listens beyond loopback without one.",
        ),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="Serve a read-only database; refuse every write."),
    ] = False,
    allow_host: Annotated[
        list[str],
        typer.Option(
            help="Host header name to accept (repeatable; DNS-rebinding defence). Default: "
            "loopback names, plus any name when --host is not loopback.",
        ),
    ] = [],  # noqa: B006 - typer needs a literal default
    workers: Annotated[
        int, typer.Option(help="Worker processes (one per core for throughput).", min=1, max=64)
    ] = 1,
    max_body_bytes: Annotated[
        int, typer.Option(help="Largest request body accepted.", min=1024, max=100_000_000)
    ] = 1_000_000,
    max_jobs: Annotated[
        int, typer.Option(help="Jobs queued or running at once.", min=1, max=10_000)
    ] = 32,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (costs throughput; errors are always logged).")
    ] = False,
    cache_entries: Annotated[
        int, typer.Option(help="Route responses cached per worker (0: no cache).", min=0)
    ] = 2048,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web map at http://HOST:PORT/."""
    try:
        import uvicorn  # noqa: F401

        from corridors.api._serving import serve
        from corridors.api._settings import LOOPBACK_HOSTS, ServerSettings, is_loopback
    except ImportError as exc:
        from corridors.errors import MissingDependencyError

        raise MissingDependencyError(
            f"'corridors serve' needs the api extra ({exc.name} is missing): "
            "pip install 'corridors[api]'."
        ) from exc
    import secrets

    exposed = not is_loopback(host)
    if exposed:
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
    hosts = tuple(allow_host) or (("*",) if exposed else (*LOOPBACK_HOSTS, host))
    settings = ServerSettings(
        max_body_bytes=max_body_bytes,
        max_active_jobs=max_jobs,
        token=token,
        allowed_hosts=hosts,
        read_only=read_only,
        cache_entries=cache_entries,
    )

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
