"""Shared rendering for the CLI: readable link names, numbers without ``nan`` or ``1e+06``."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LinkLabels", "fmt", "link_labels", "place_name", "table"]


class LinkLabels(dict[str, str]):
    """Readable names of assignment links; unknown ids fall back to a parsed or raw form.

    ``rail-alashankou-dostyk:f`` → ``Alashankou → Dostyk (rail)``;
    ``transfer:CNURM:rail1435>road`` → ``Urumqi: transfer rail 1435 mm → road``.
    """

    def __init__(self, items: dict[str, str], names: dict[str, str]) -> None:
        super().__init__(items)
        self.names = names

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        kind, _, rest = key.partition(":")
        node, _, ports = rest.partition(":")
        a, sep, b = ports.partition(">")
        if kind in ("transfer", "gauge_change", "handling") and sep:
            what = kind.replace("_", " ")
            return f"{self.names.get(node, node)}: {what} {_port(a)} → {_port(b)}"
        return key if default is None else default


def _port(port: str) -> str:
    if port.startswith("rail") and port[4:].isdigit():
        return f"rail {port[4:]} mm"
    return "terminal" if port == "access" else port


def link_labels(net: Any) -> LinkLabels:
    """``link_id`` and directed ``link_id_dir`` → ``"Alashankou → Dostyk (rail)"``."""
    names = dict(zip(net.nodes.index.astype(str), net.nodes["name"].astype(str), strict=True))
    out: dict[str, str] = {}
    links = net.links
    for lid, lid_dir, a, b, mode in zip(
        links["link_id"],
        links["link_id_dir"],
        links["from_node"],
        links["to_node"],
        links["mode"],
        strict=True,
    ):
        label = f"{names.get(a, a)} → {names.get(b, b)} ({mode})"
        out[str(lid_dir)] = label
        out.setdefault(str(lid), label)
    return LinkLabels(out, names)


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
