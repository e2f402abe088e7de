"""Shared rendering for the CLI: readable link names, numbers without ``nan`` or ``1e+06``."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["fmt", "link_labels", "place_name", "table"]


def link_labels(net: Any) -> Any:
    """Readable link names (:func:`corridors.assignment.flows.link_labels`), loaded on use."""
    from corridors.assignment.flows import link_labels as labels

    return labels(net)


def place_name(net: Any, node_id: str) -> str:
    """The place name of a node id (the id itself when unknown)."""
    try:
        return str(net.node_name(node_id))
    except KeyError:
        return node_id


def fmt(value: Any, digits: int = 0) -> str:
    """A number for people: thousands separators, fixed decimals, ``–`` for missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "–" if math.isnan(v) else ("∞" if v > 0 else "-∞")
    return f"{v:,.{digits}f}"


def table(title: str, columns: list[tuple[str, str]], rows: list[list[str]]) -> Any:
    """A rich table; ``columns`` are (header, "left"|"right")."""
    from rich.table import Table

    t = Table(title=title)
    for header, justify in columns:
        t.add_column(header, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        t.add_row(*r)
    return t
