"""Command-line adapter: ``corridors ...``.

Each sub-command lives in its own ``_<name>.py`` module that registers itself on :data:`app`.
The CLI only parses arguments, calls the library and draws results and progress with rich.
Errors from :mod:`corridors.errors` are printed as one clear message with exit code 2.
"""

from __future__ import annotations

import sys

# Sub-command modules register themselves on import.
from corridors.cli import _network  # noqa: F401  (registration)
from corridors.cli._app import app, console_err
from corridors.errors import CorridorsError

__all__ = ["app", "main"]


def _load_optional_commands() -> None:
    import importlib

    for name in ("_route", "_flows", "_scenarios", "_serve"):
        try:
            importlib.import_module(f"corridors.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"corridors.cli.{name}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; known corridors errors become one message and exit code 2.

    Usage errors (unknown option, missing argument) are reported by typer itself with exit
    code 2, never as a traceback.
    """
    _load_optional_commands()
    try:
        app(args=argv, standalone_mode=True)
    except CorridorsError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
