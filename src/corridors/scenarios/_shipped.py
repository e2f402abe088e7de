"""Where the shipped example scenarios and sweeps live (no heavy imports: listing them is fast)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(folder: str) -> dict[str, Path]:
    path = Path(str(resources.files("corridors") / "data" / folder))
    return {p.stem: p for p in sorted(path.glob("*.yaml"))}


def shipped_scenarios() -> dict[str, Path]:
    """The example scenarios shipped with corridors, by name.

    Examples
    --------
    >>> "third-railroad" in shipped_scenarios()
    True
    """
    return _shipped("scenarios")


def shipped_sweeps() -> dict[str, Path]:
    """The example sweeps shipped with corridors, by name.

    Examples
    --------
    >>> len(shipped_sweeps()) >= 1
    True
    """
    return _shipped("sweeps")
