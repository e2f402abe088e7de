"""The hostile-input fixtures of issue 13 (``tests/data/hostile/``), shared by the tests."""

from __future__ import annotations

from pathlib import Path

HOSTILE = Path(__file__).parent / "data" / "hostile"


def hostile(name: str) -> Path:
    """Path of one fixture."""
    path = HOSTILE / name
    assert path.is_file(), path
    return path
