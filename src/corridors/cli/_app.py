"""The typer application object and shared console helpers."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(
    name="corridors",
    help="Plan freight on the Eurasian corridors centred on Kazakhstan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(width=None if sys.stdout.isatty() else 160)
console_err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def print_json(data: Any) -> None:
    """Write machine output to stdout as JSON (no rich markup)."""
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))
