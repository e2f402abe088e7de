"""Enumerations of the data model that accept strings (``Mode("rail")``, ``Mode("RAIL")``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from corridors.errors import InvalidSpecError, explain
from corridors.network.modes import GAUGES_MM, PORTS, Mode, ModeSpec, register_mode

__all__ = [
    "GAUGES_MM",
    "PORTS",
    "VDF",
    "ArcKind",
    "Cargo",
    "CargoClass",
    "CargoColumns",
    "Mode",
    "ModeSpec",
    "NodeKind",
    "Operation",
    "TransferKind",
    "Unit",
    "Wagon",
    "register_mode",
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


class NodeKind(_StrEnum):
    """Kind of place a node is."""

    CITY = "city"
    RAIL_TERMINAL = "rail_terminal"
    BORDER_CROSSING = "border_crossing"
    SEAPORT = "seaport"
    DRY_PORT = "dry_port"
    AIRPORT = "airport"


class Cargo(_StrEnum):
    """Cargo type: containers (counted in TEU) or bulk (counted in tonnes, e.g. grain).

    Examples
    --------
    >>> Cargo("grain").columns.tariff, Cargo.CONTAINER.columns.transfer_time
    ('tariff_usd_per_t', 'time_container_h')
    """

    CONTAINER = "container"
    BULK = "bulk"

    @property
    def columns(self) -> CargoColumns:
        """Names of the table columns that hold this cargo type's figures."""
        return _CARGO_COLUMNS[self]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        aliases = {"containers": "container", "teu": "container", "grain": "bulk", "wheat": "bulk"}
        if isinstance(value, str) and value.strip().lower() in aliases:
            return cls(aliases[value.strip().lower()])
        return super()._missing_(value)


@dataclass(frozen=True)
class CargoColumns:
    """Names of the columns that hold one cargo type's figures (the one place they are chosen).

    Attributes
    ----------
    tariff
        Link tariff per unit, in the resolved (directed) link table.
    border_cost
        Border fee per unit, in the resolved link table.
    transfer_time, transfer_cost
        Hours and USD per unit of a gauge or mode change, in ``transfers.csv``.
    handling_cost
        Terminal handling USD per unit, in ``nodes.csv`` and ``parameters.csv``.
    value_of_time, hub_co2
        ``parameters.csv`` names of USD per unit-hour and of hub kg CO2e per unit and lift.
    """

    tariff: str
    border_cost: str
    transfer_time: str
    transfer_cost: str
    handling_cost: str
    value_of_time: str
    hub_co2: str


_CARGO_COLUMNS = {
    Cargo.CONTAINER: CargoColumns(
        tariff="tariff_usd_per_teu",
        border_cost="border_cost_usd_per_teu",
        transfer_time="time_container_h",
        transfer_cost="cost_usd_per_teu",
        handling_cost="handling_usd_per_teu",
        value_of_time="value_of_time_usd_per_teu_h",
        hub_co2="hub_co2e_kg_per_teu",
    ),
    Cargo.BULK: CargoColumns(
        tariff="tariff_usd_per_t",
        border_cost="border_cost_usd_per_t",
        transfer_time="time_bulk_h",
        transfer_cost="cost_usd_per_t",
        handling_cost="handling_usd_per_t",
        value_of_time="value_of_time_usd_per_t_h",
        hub_co2="hub_co2e_kg_per_t",
    ),
}


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
        """Access (first/last-mile) operation for a consignment loaded on ``port`` (the
        :attr:`~corridors.network.modes.ModeSpec.terminal` of its mode)."""
        return cls(Mode.of_port(port).spec.terminal)

    @classmethod
    def transfer(cls, port_a: str, port_b: str) -> Operation:
        """Operation of a transfer between two ports of one node (from their modes'
        :attr:`~corridors.network.modes.ModeSpec.family`).

        Examples
        --------
        >>> Operation.transfer("rail1435", "rail1520"), Operation.transfer("road", "ferry")
        (<Operation.GAUGE_CHANGE: 'gauge_change'>, <Operation.ROAD_SHIP: 'road_ship'>)
        """
        fam = frozenset((Mode.of_port(port_a).spec.family, Mode.of_port(port_b).spec.family))
        if fam == {"rail"}:
            return cls.GAUGE_CHANGE if port_a != port_b else cls.RAIL_THROUGH
        op = _TRANSFER_OPS.get(fam)
        if op is None:
            raise InvalidSpecError(
                explain(
                    f"No terminal operation moves cargo between ports {port_a!r} and {port_b!r}.",
                    why="Transfers exist between ship, rail and road, and road and air.",
                    fix="Use a rail, road or ship port on one side (ports: "
                    + ", ".join(PORTS)
                    + ").",
                )
            )
        return cls(op)


_TRANSFER_OPS = {
    frozenset({"ship"}): "ship_ship",
    frozenset({"rail", "ship"}): "rail_ship",
    frozenset({"road", "rail"}): "road_rail",
    frozenset({"road", "ship"}): "road_ship",
    frozenset({"road", "air"}): "road_air",
}
"""Transfer operation by the terminal families of its two modes (rail-rail: gauge change)."""


class ArcKind(IntEnum):
    """Kind of a compiled-graph arc (``CompiledGraph.kind``) and its label in outputs.

    Examples
    --------
    >>> ArcKind(1), ArcKind.ACCESS.label
    (<ArcKind.GAUGE: 1>, 'handling')
    """

    LINK = 0
    """A link of the network (its mode in ``CompiledGraph.mode``)."""
    GAUGE = 1
    """A gauge change between two rail ports of one node."""
    MODE = 2
    """A mode change (transfer) between two ports of one node."""
    ACCESS = 3
    """Terminal access: handling between a node's access vertex and one of its ports."""

    @property
    def label(self) -> str:
        """Label of arcs of this kind in assignment outputs (``link_type``; links: their mode)."""
        return _ARC_LABEL[self]


_ARC_LABEL = {
    ArcKind.LINK: "link",
    ArcKind.GAUGE: "gauge_change",
    ArcKind.MODE: "transfer",
    ArcKind.ACCESS: "handling",
}

ARC_LINK, ARC_GAUGE, ARC_MODE, ARC_ACCESS = (int(k) for k in ArcKind)
"""Plain-int :class:`ArcKind` codes, for the numba kernels and array comparisons."""


class VDF(IntEnum):
    """Volume-delay function kind (the ``vdf`` code of links and arcs); accepts names too.

    The functions themselves are in :mod:`corridors.assignment.vdf`.

    Examples
    --------
    >>> VDF("queue"), VDF(0)
    (<VDF.QUEUE: 2>, <VDF.BPR: 0>)
    """

    BPR = 0
    CONICAL = 1
    QUEUE = 2

    @classmethod
    def _missing_(cls, value: object) -> VDF | None:
        if isinstance(value, str):
            try:
                return cls[value.strip().upper()]
            except KeyError:
                return None
        return None

    @staticmethod
    def check_parameters(kind: npt.ArrayLike, alpha: npt.ArrayLike, beta: npt.ArrayLike) -> None:
        """Check per-link parameters against their function kind.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a conical function with ``alpha ≤ 1`` or a queue with ``beta < 1``.
        """
        kinds = np.asarray(kind)
        if (np.asarray(alpha, dtype=float)[kinds == VDF.CONICAL] <= 1.0).any():
            raise InvalidSpecError(
                explain(
                    "A conical volume-delay function has alpha ≤ 1.",
                    why="Spiess's conical function needs alpha > 1 (beta is derived from it).",
                    fix="Use alpha > 1, e.g. 4, for conical links.",
                )
            )
        if (np.asarray(beta, dtype=float)[kinds == VDF.QUEUE] < 1.0).any():
            raise InvalidSpecError(
                explain(
                    "A queue volume-delay function has beta < 1.",
                    why="Its delay would rise infinitely fast at zero flow.",
                    fix="Use beta ≥ 1 (beta = 1 is the M/M/1 queue).",
                )
            )


VDF_ALPHA_DEFAULT = 0.15
"""Volume-delay ``alpha`` where a link and its class give none (BPR's classic 0.15)."""
VDF_BETA_DEFAULT = 4.0
"""Volume-delay ``beta`` where a link and its class give none (BPR's classic 4)."""
