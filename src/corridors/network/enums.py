"""Enumerations of the data model that accept strings (``Mode("rail")``, ``Mode("RAIL")``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from corridors.errors import InvalidSpecError, explain

__all__ = [
    "Cargo",
    "CargoClass",
    "Mode",
    "NodeKind",
    "Operation",
    "TransferKind",
    "Unit",
    "Wagon",
]


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


class Unit(_StrEnum):
    """Unit freight is sold and counted in: a 20-ft box, a 40-ft box or a tonne.

    A 40-ft box is not priced as two 20-ft boxes (see ``teu_price_share_of_feu``).

    Examples
    --------
    >>> Unit("feu").teu, Unit("TEU").teu, Unit("t").cargo
    (2.0, 1.0, <Cargo.BULK: 'bulk'>)
    """

    TEU = "teu"
    FEU = "feu"
    TONNE = "t"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("tonne", "tonnes", "ton"):
            return cls.TONNE
        return super()._missing_(value)

    @property
    def cargo(self) -> Cargo:
        """Cargo type counted in this unit."""
        return Cargo.BULK if self is Unit.TONNE else Cargo.CONTAINER

    @property
    def teu(self) -> float:
        """TEU per unit (0 for tonnes)."""
        return {Unit.TEU: 1.0, Unit.FEU: 2.0, Unit.TONNE: 0.0}[self]

    @property
    def label(self) -> str:
        """Display label: ``TEU``, ``FEU`` or ``t``."""
        return "t" if self is Unit.TONNE else self.value.upper()


class Operation(_StrEnum):
    """What happens to a consignment at a terminal (ISO 14083 hub operation categories).

    Transfers between two ports of a node are ``gauge_change``, ``rail_ship``, ``ship_ship``,
    ``road_rail``, ``road_ship`` or ``road_air``; a train passing a station on one gauge is
    ``rail_through`` (no handling). Starting or ending a journey is an *access* operation named
    after the port the consignment is loaded on: ``rail_terminal``, ``sea_terminal``,
    ``ferry_terminal``, ``road_terminal``, ``air_terminal``. Handling time, cost and hub
    emissions are looked up by operation (``op:<operation>`` rows of ``parameters.csv`` for
    access operations; ``transfers.csv`` rows for transfers).
    """

    RAIL_THROUGH = "rail_through"
    GAUGE_CHANGE = "gauge_change"
    RAIL_SHIP = "rail_ship"
    SHIP_SHIP = "ship_ship"
    ROAD_RAIL = "road_rail"
    ROAD_SHIP = "road_ship"
    ROAD_AIR = "road_air"
    RAIL_TERMINAL = "rail_terminal"
    SEA_TERMINAL = "sea_terminal"
    FERRY_TERMINAL = "ferry_terminal"
    ROAD_TERMINAL = "road_terminal"
    AIR_TERMINAL = "air_terminal"

    @property
    def code(self) -> int:
        """Small integer code stored in compiled-graph arrays."""
        return list(Operation).index(self)

    @classmethod
    def access(cls, port: str) -> Operation:
        """Access (first/last-mile) operation for a consignment loaded on ``port``."""
        return cls(f"{_port_family(port)}_terminal")

    @classmethod
    def transfer(cls, port_a: str, port_b: str) -> Operation:
        """Operation of a transfer between two ports of one node."""
        fam = {_port_family(port_a), _port_family(port_b)}
        ship = {"sea", "ferry"}
        if fam == {"rail"}:
            return cls.GAUGE_CHANGE if port_a != port_b else cls.RAIL_THROUGH
        if fam <= ship:
            return cls.SHIP_SHIP
        if "rail" in fam and fam & ship:
            return cls.RAIL_SHIP
        if fam == {"road", "rail"}:
            return cls.ROAD_RAIL
        if "road" in fam and fam & ship:
            return cls.ROAD_SHIP
        if fam == {"road", "air"}:
            return cls.ROAD_AIR
        raise InvalidSpecError(
            explain(
                f"No terminal operation moves cargo between ports {port_a!r} and {port_b!r}.",
                fix="Use ports rail1435/rail1520/rail1668, road, ferry, sea or air.",
            )
        )


def _port_family(port: str) -> str:
    return "rail" if port.startswith("rail") else port


GAUGES_MM = (1435, 1520, 1668)
"""Track gauges (mm) the data model knows: standard, Russian broad, Iberian broad."""


ARC_LINK, ARC_GAUGE, ARC_MODE, ARC_ACCESS = 0, 1, 2, 3
"""Kinds of compiled-graph arcs: a link, a gauge change, a mode change, terminal access."""
