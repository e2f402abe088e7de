"""Enumerations of the data model that accept strings (``Mode("rail")``, ``Mode("RAIL")``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from corridors.errors import InvalidSpecError, explain

__all__ = ["Cargo", "Mode", "NodeKind", "TransferKind"]


class _StrEnum(StrEnum):
    """A string enum that is case-insensitive and says what it accepts."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            for member in cls:
                if member.value == key:
                    return member
        raise InvalidSpecError(
            explain(
                f"{value!r} is not a valid {cls.__name__.lower()}.",
                fix="Use one of: " + ", ".join(m.value for m in cls) + ".",
            )
        )

    def __str__(self) -> str:
        return str(self.value)


class Mode(_StrEnum):
    """Transport mode of a link."""

    RAIL = "rail"
    ROAD = "road"
    FERRY = "ferry"
    SEA = "sea"
    AIR = "air"


class NodeKind(_StrEnum):
    """Kind of place a node is."""

    CITY = "city"
    RAIL_TERMINAL = "rail_terminal"
    BORDER_CROSSING = "border_crossing"
    SEAPORT = "seaport"
    DRY_PORT = "dry_port"
    AIRPORT = "airport"


class Cargo(_StrEnum):
    """Cargo type: containers (counted in TEU) or bulk (counted in tonnes, e.g. grain)."""

    CONTAINER = "container"
    BULK = "bulk"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        aliases = {"containers": "container", "teu": "container", "grain": "bulk", "wheat": "bulk"}
        if isinstance(value, str) and value.strip().lower() in aliases:
            return cls(aliases[value.strip().lower()])
        return super()._missing_(value)


class TransferKind(_StrEnum):
    """Kind of transfer between two ports at a node."""

    GAUGE_CHANGE = "gauge_change"
    MODE_CHANGE = "mode_change"


GAUGES_MM = (1435, 1520, 1668)
"""Track gauges (mm) the data model knows: standard, Russian broad, Iberian broad."""
