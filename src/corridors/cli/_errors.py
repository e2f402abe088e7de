"""Turn every way a command can end into one message and an exit code (no tracebacks)."""

from __future__ import annotations

import errno
import sys
import traceback
from typing import Any

import typer

from corridors.cli import _app
from corridors.cli._app import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_MISSING_EXTRA,
    EXIT_NO_ROUTE,
    EXIT_UNAVAILABLE,
    error,
)
from corridors.errors import CorridorsError, MissingDependencyError, NoRouteError

try:  # typer >= 0.2x vendors click; older typer uses click itself
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as _cx  # type: ignore[no-redef]

__all__ = ["exit_code_for", "run"]

_EXITS = (getattr(_cx, "Exit", typer.Exit), typer.Exit)
_ABORTS = (getattr(_cx, "Abort", typer.Abort), typer.Abort)


def exit_code_for(exc: CorridorsError) -> int:
    """The documented exit code of a corridors error."""
    if isinstance(exc, NoRouteError):
        return EXIT_NO_ROUTE
    if isinstance(exc, MissingDependencyError):
        return EXIT_MISSING_EXTRA
    if getattr(exc, "http_status", 400) == 503:  # service unavailable (database, scheduler)
        return EXIT_UNAVAILABLE
    return EXIT_INPUT


def _os_message(exc: OSError) -> str:
    name = f" {exc.filename}" if exc.filename else ""
    reasons = {
        errno.ENOENT: ("does not exist", "Check the path."),
        errno.EACCES: ("is not accessible (permission denied)", "Pick a path you may use."),
        errno.EPERM: ("is not accessible (operation not permitted)", "Pick a path you may use."),
        errno.EISDIR: ("is a folder, not a file", "Give a file name."),
        errno.ENOTDIR: ("has a part that is not a folder", "Check the path."),
        errno.EROFS: ("is on a read-only file system", "Pick a writable place."),
        errno.ENOSPC: ("cannot be written: the disk is full", "Free space or pick another disk."),
    }
    what, fix = reasons.get(exc.errno or 0, (exc.strerror or "cannot be used", "Check the path."))
    return f"Path{name} {what}. {fix}"


def run(app: Any, argv: list[str] | None = None) -> int:
    """Run the typer ``app`` on ``argv`` and return the exit code; print errors on stderr."""
    import typer.main

    try:
        command = typer.main.get_command(app)
        result = command.main(args=argv, prog_name="corridors", standalone_mode=False)
        code = int(result) if isinstance(result, int) else 0
        return _interrupted() if code == EXIT_INTERRUPTED else code
    except _EXITS as exc:
        code = int(exc.exit_code)
        return _interrupted() if code == EXIT_INTERRUPTED else code
    except _ABORTS:  # end of input while reading a prompt
        return _interrupted()
    except KeyboardInterrupt:
        return _interrupted()
    except _cx.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except CorridorsError as exc:
        error(str(exc))
        return exit_code_for(exc)
    except UnicodeDecodeError as exc:
        error(
            f"A file is not UTF-8 text (byte {exc.start} is {exc.object[exc.start :][:1]!r}). "
            "Give a UTF-8 text file (CSV/YAML saved as UTF-8), not a binary or other encoding."
        )
        return EXIT_INPUT
    except OSError as exc:
        error(_os_message(exc))
        return EXIT_INPUT
    except MemoryError:
        error("Out of memory. Ask for less work (fewer samples, runs or rows).")
        return EXIT_INPUT
    except Exception as exc:
        if _app.state.verbosity > 0:
            traceback.print_exc()
        error(
            f"Internal error ({type(exc).__name__}: {exc}). This is a bug in corridors: "
            "rerun with -v for the traceback and report it."
        )
        return EXIT_INTERNAL


def _interrupted() -> int:
    if not _app.state.interrupt_reported:
        sys.stderr.write("\ninterrupted\n")
    return EXIT_INTERRUPTED
