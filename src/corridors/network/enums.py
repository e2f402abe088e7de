"""Enumerations of the data model that accept strings (``Mode("rail")``, ``Mode("RAIL")``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from corridors.errors import InvalidSpecError, explain

__all__ = ["Cargo", "CargoClass", "Mode", "NodeKind", "TransferKind", "Wagon"]


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


class Wagon(_StrEnum):
    """Rail wagon type a cargo class travels in (bulk tariffs and CO2 load factors differ by it)."""

    FLAT = "flat"
    """Container flat wagon (platform) carrying TEU/FEU."""
    HOPPER = "hopper"
    """Covered hopper for grain."""
    GONDOLA = "gondola"
    """Open wagon for coal, ore, metals and bagged fertiliser."""
    TANK = "tank"
    """Tank wagon for liquid bulk (oil products, chemicals)."""


class CargoClass(_StrEnum):
    """Demand class: what is shipped, in which unit, how it is handled.

    The one table that maps a demand class to its cargo type (and so the network columns it
    uses: ``*_teu`` for containers, ``*_t`` for bulk), its counting unit and its wagon type.

    Examples
    --------
    >>> CargoClass("grain").cargo, CargoClass("grain").unit, CargoClass("grain").wagon
    (<Cargo.BULK: 'bulk'>, 't', <Wagon.HOPPER: 'hopper'>)
    >>> CargoClass("container_hv").unit
    'TEU'
    """

    CONTAINER_STD = "container_std"
    """Standard containers (TEU): consumer goods, parts, most China-Europe block-train cargo."""
    CONTAINER_HV = "container_hv"
    """Time-sensitive, high-value containers (TEU): electronics, e-commerce, automotive."""
    GRAIN = "grain"
    """Grain and oilseeds (t) in covered hoppers."""
    DRY_BULK = "dry_bulk"
    """Other dry bulk (t): coal, ore, metals, fertiliser, in open wagons."""
    LIQUID_BULK = "liquid_bulk"
    """Liquid bulk (t) in tank wagons: oil products, chemicals."""

    @property
    def cargo(self) -> Cargo:
        """Cargo type (handling and network columns) of this class."""
        return Cargo.CONTAINER if self.value.startswith("container") else Cargo.BULK

    @property
    def unit(self) -> str:
        """Counting unit of demand in this class: ``"TEU"`` or ``"t"``."""
        return "TEU" if self.cargo is Cargo.CONTAINER else "t"

    @property
    def wagon(self) -> Wagon:
        """Rail wagon type used by this class."""
        return _CLASS_WAGON[self]


_CLASS_WAGON = {
    CargoClass.CONTAINER_STD: Wagon.FLAT,
    CargoClass.CONTAINER_HV: Wagon.FLAT,
    CargoClass.GRAIN: Wagon.HOPPER,
    CargoClass.DRY_BULK: Wagon.GONDOLA,
    CargoClass.LIQUID_BULK: Wagon.TANK,
}


class TransferKind(_StrEnum):
    """Kind of transfer between two ports at a node."""

    GAUGE_CHANGE = "gauge_change"
    MODE_CHANGE = "mode_change"


GAUGES_MM = (1435, 1520, 1668)
"""Track gauges (mm) the data model knows: standard, Russian broad, Iberian broad."""
