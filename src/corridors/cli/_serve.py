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
    network: Annotated[Path | None, typer.Option("--network", "-n")] = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web map at http://HOST:PORT/."""
    try:
        import uvicorn

        from corridors.api import create_app
    except ImportError as exc:
        from corridors.errors import MissingDependencyError

        raise MissingDependencyError(
            f"'corridors serve' needs the api extra ({exc.name} is missing): "
            "pip install 'corridors[api]'."
        ) from exc
    from corridors.network import load_network

    application = create_app(database_url=database, network=load_network(network))
    console_err.print(f"corridors: map at http://{host}:{port}/  API docs at /docs")
    uvicorn.run(application, host=host, port=port, log_level="info")
