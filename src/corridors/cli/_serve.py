"""``corridors serve``: the REST API and the web map (needs the ``api`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridors.cli._app import EXIT_INPUT, EXIT_UNAVAILABLE, app, error, load_net, note


def _redact(url: str) -> str:
    """The database URL without its password, for messages."""
    import re

    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


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
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web map at http://HOST:PORT/."""
    from corridors._deps import require

    uvicorn = require("uvicorn", extra="api", purpose="'corridors serve'")
    require("fastapi", extra="api", purpose="'corridors serve'")
    require("sqlalchemy", extra="api", purpose="'corridors serve'")
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from corridors.api import create_app

    net = load_net(network)
    try:
        application = create_app(database_url=database, network=net)
    except ArgumentError as exc:
        error(
            f"--database {_redact(database or '')!r} is not a database URL ({exc}). "
            "Write e.g. postgresql://user@host:5432/corridors or sqlite:///path/corridors.db."
        )
        raise typer.Exit(EXIT_INPUT) from None
    except SQLAlchemyError as exc:
        where = _redact(database) if database else "the default SQLite database"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        error(
            f"Cannot use the database {where}: {reason}. The server needs its database to "
            "store scenarios and jobs. Start the database (or fix the URL, user, password and "
            "permissions) and try again; without --database an SQLite file is used."
        )
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    note(f"corridors: map at http://{host}:{port}/  API docs at /docs")
    uvicorn.run(application, host=host, port=port, log_level="info")
