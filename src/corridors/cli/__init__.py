"""Command-line adapter: ``corridors ...``.

Each sub-command lives in its own ``_<name>.py`` module that registers itself on :data:`app`.
The CLI only parses arguments, calls the library and draws results and progress with rich.
Errors from :mod:`corridors.errors` are printed as one clear message with exit code 2.
"""

from __future__ import annotations

import sys

# Sub-command modules register themselves on import (their heavy imports are lazy).
from corridors.cli import _appraise, _calibrate, _flows, _network, _route, _scenarios, _serve  # noqa: F401  # noqa: F401
from corridors.cli._app import app, console_err
from corridors.errors import CorridorsError

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; known corridors errors become one message and exit code 2.

    Usage errors (unknown option, missing argument) are reported by typer itself with exit
    code 2, never as a traceback.
    """
    try:
        app(args=argv, standalone_mode=True)
    except CorridorsError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
