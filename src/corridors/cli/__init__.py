"""Command-line adapter: ``corridors ...``.

Each sub-command lives in its own ``_<name>.py`` module that registers itself on :data:`app`.
The CLI only parses arguments, calls the library and draws results and progress with rich.
Every failure is one what/why/fix message on stderr and a documented exit code (see
:data:`corridors.cli._app.EPILOG`); never a traceback (``-v`` shows one for internal errors).
"""

from __future__ import annotations

import sys
from typing import NoReturn

# Sub-command modules register themselves on import (their heavy imports are lazy).
from corridors.cli import _appraise, _calibrate, _flows, _network, _route, _scenarios, _serve  # noqa: F401
from corridors.cli._app import app
from corridors.cli._errors import run

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code (0 ok; see ``corridors --help`` for the others)."""
    sys.exit(run(app, argv))
