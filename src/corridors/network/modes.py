"""Transport modes: the one table that defines them, and :func:`register_mode` to add one.

A mode is a row of the mode table (:class:`ModeSpec`): its name, its integer code in compiled
graphs, its ports (graph layers: one per rail gauge, else one), the terminal operations its
transfers and handling use, whether its links sail to a timetable, the cargo it carries and
its aliases. Speeds, tariffs and CO2 factors are data: the ``class:<link_class>`` rows of
``parameters.csv`` that every link class needs. Every layer reads modes from here: graph compilation
(ports, which cargo may use a link), validation (gauges, sailings), the cost model (wagon
tariffs and traction-weighted CO2 for gauged modes; terminal operations), routing and
assignment (codes in ``CompiledGraph.mode``). Adding a mode is one :func:`register_mode`
call plus data (links of that mode, their link class's parameters, transfer rows).

:class:`Mode` values are strings (``Mode("rail") == "rail"``) that know their code and spec;
``Mode("RAIL")``, ``Mode("inland waterway")`` and registered aliases work, anything else
raises :class:`~corridors.errors.InvalidSpecError` (never a silent default).

Examples
--------
>>> Mode("ferry").code, Mode.from_code(4)
(2, <Mode.AIR: 'air'>)
>>> Mode.RAIL.spec.ports
('rail1435', 'rail1520', 'rail1668')
>>> [m.value for m in Mode]
['rail', 'road', 'ferry', 'sea', 'air']
>>> Mode("airship")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
corridors.errors.InvalidSpecError: 'airship' is not a valid mode. Use one of: rail, road, ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, overload

import numpy as np
import numpy.typing as npt

from corridors.errors import InvalidSpecError, explain

__all__ = [
    "FAMILIES",
    "GAUGES_MM",
    "PORTS",
    "Mode",
    "ModeSpec",
    "register_mode",
    "unregister_mode",
]

GAUGES_MM = (1435, 1520, 1668)
"""Track gauges (mm) the data model knows: standard, Russian broad, Iberian broad."""

FAMILIES = ("rail", "road", "ship", "air")
"""Terminal families: which :class:`~corridors.network.enums.Operation` a transfer between two
modes is (``rail_ship``, ``road_rail``, ``ship_ship`` …) follows from their families."""

TERMINALS = ("rail_terminal", "road_terminal", "ferry_terminal", "sea_terminal", "air_terminal")
"""Access (start/end) operations a mode's handling can be looked up under (``op:<name>``)."""

_NAME = re.compile(r"^[a-z][a-z_]*[a-z]$")
_MAX_CODE = 126  # codes are stored as int8 in compiled graphs; -1 means "no mode"


@dataclass(frozen=True)
class ModeSpec:
    """One row of the mode table.

    Parameters
    ----------
    name
        Lower-case name used in ``links.csv`` (``mode`` column), e.g. ``"inland_waterway"``.
    family
        Terminal family, one of :data:`FAMILIES`: decides the transfer operations (a barge is
        ``"ship"``: barge↔rail is ``rail_ship``).
    terminal
        Access operation (one of :data:`TERMINALS`) whose ``op:<terminal>`` parameters price
        handling where a consignment starts or ends on this mode; default from the family
        (``ship`` → ``sea_terminal``).
    gauges_mm
        Track gauges: a gauged mode has one port per gauge (``rail1520``) and links need
        ``gauge_mm``; otherwise the mode has one port named like it.
    scheduled
        Links run to a timetable: they need ``sailings_per_week`` > 0 and add waits.
    cargos
        Cargo types (``"container"``, ``"bulk"``) the mode may carry.
    aliases
        Other names accepted by ``Mode(...)``.
    """

    name: str
    family: str
    terminal: str = ""
    gauges_mm: tuple[int, ...] = ()
    scheduled: bool = False
    cargos: tuple[str, ...] = ("container", "bulk")
    aliases: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.terminal:
            default = "sea_terminal" if self.family == "ship" else f"{self.family}_terminal"
            object.__setattr__(self, "terminal", default)
        problems = _spec_problems(self)
        if problems:
            raise InvalidSpecError(
                explain(
                    f"Mode {self.name!r} cannot be defined: " + "; ".join(problems) + ".",
                    fix="Correct the ModeSpec fields (see corridors.network.modes.ModeSpec).",
                )
            )

    @property
    def ports(self) -> tuple[str, ...]:
        """Ports (graph layers) of the mode: ``rail1435``… for a gauged mode, else its name."""
        if self.gauges_mm:
            return tuple(f"{self.name}{g}" for g in self.gauges_mm)
        return (self.name,)

    def carries(self, cargo: str) -> bool:
        """Whether the mode may carry ``cargo`` (``"container"`` or ``"bulk"``)."""
        return str(cargo) in self.cargos


def _spec_problems(s: ModeSpec) -> list[str]:
    out = []
    if not _NAME.match(s.name):
        out.append("the name must be lower-case letters and underscores, e.g. 'inland_waterway'")
    if s.family not in FAMILIES:
        out.append(f"family {s.family!r} is not one of {', '.join(FAMILIES)}")
    if s.terminal not in TERMINALS:
        out.append(f"terminal {s.terminal!r} is not one of {', '.join(TERMINALS)}")
    if not s.cargos or not set(s.cargos) <= {"container", "bulk"}:
        out.append("cargos must name 'container' and/or 'bulk'")
    if any(int(g) <= 0 for g in s.gauges_mm):
        out.append("gauges must be positive millimetres")
    return out


class _ModeType(type):
    """Lets the :class:`Mode` class be iterated, sized and searched like an enum."""

    def __iter__(cls) -> Iterator[Mode]:
        return iter(sorted(_BY_NAME.values(), key=lambda m: m.code))

    def __len__(cls) -> int:
        return len(_BY_NAME)

    def __contains__(cls, value: object) -> bool:
        return isinstance(value, str) and _key(value) in _LOOKUP


class Mode(str, metaclass=_ModeType):
    """Transport mode of a link: a string with a :attr:`code` and a :attr:`spec`.

    The built-in modes are ``Mode.RAIL``, ``ROAD``, ``FERRY``, ``SEA`` and ``AIR``; others are
    added with :func:`register_mode`. ``Mode(value)`` accepts a mode, its name in any case
    (spaces and hyphens read as underscores) or an alias, and raises
    :class:`~corridors.errors.InvalidSpecError` for anything else.

    Examples
    --------
    >>> Mode("Sea") is Mode.SEA, Mode.SEA == "sea", str(Mode.SEA)
    (True, True, 'sea')
    >>> Mode.codes(["rail", "sea"]).tolist()
    [0, 3]
    >>> Mode.of_port("rail1520"), Mode.of_port("ferry")
    (<Mode.RAIL: 'rail'>, <Mode.FERRY: 'ferry'>)
    """

    RAIL: ClassVar[Mode]
    ROAD: ClassVar[Mode]
    FERRY: ClassVar[Mode]
    SEA: ClassVar[Mode]
    AIR: ClassVar[Mode]

    _spec: ModeSpec
    _code: int

    def __new__(cls, value: object) -> Mode:
        if isinstance(value, Mode):
            return value
        if isinstance(value, str):
            found = _LOOKUP.get(_key(value))
            if found is not None:
                return found
        raise InvalidSpecError(
            explain(
                f"{value!r} is not a valid mode.",
                fix="Use one of: "
                + ", ".join(m.value for m in Mode)
                + "; or add one with corridors.network.register_mode().",
            )
        )

    @classmethod
    def _make(cls, spec: ModeSpec, code: int) -> Mode:
        obj = str.__new__(cls, spec.name)
        obj._spec, obj._code = spec, code
        return obj

    @property
    def value(self) -> str:
        """The mode's name as a plain string (as in ``links.csv``)."""
        return str.__str__(self)

    @property
    def name(self) -> str:
        """Upper-case member name (``"RAIL"``), as an enum member's."""
        return self.value.upper()

    @property
    def code(self) -> int:
        """Small integer code stored in compiled-graph arrays (rail 0, road 1, ferry 2, …)."""
        return self._code

    @property
    def spec(self) -> ModeSpec:
        """The mode's row of the mode table."""
        return self._spec

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"<Mode.{self.name}: {self.value!r}>"

    def __reduce__(self) -> tuple[object, tuple[ModeSpec]]:
        return (_restore, (self._spec,))  # a worker process re-registers a user's mode

    @classmethod
    def from_code(cls, code: int) -> Mode:
        """The mode with integer ``code``.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a code that is no mode's.
        """
        found = None
        if not isinstance(code, bool) and float(code) == int(code):
            found = _BY_CODE.get(int(code))
        if found is None:
            raise InvalidSpecError(
                explain(
                    f"{code!r} is not a mode code.",
                    fix="Use one of: " + ", ".join(f"{m.code}={m.value}" for m in cls) + ".",
                )
            )
        return found

    @classmethod
    def codes(cls, values: Iterable[str]) -> npt.NDArray[np.int64]:
        """Integer codes of mode names (one per value; case-insensitive like ``Mode(value)``).

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a value that is no mode (never a silent default).
        """
        return np.asarray([cls(v).code for v in values], dtype=np.int64)

    @classmethod
    def of_port(cls, port: str) -> Mode:
        """The mode of a port (:data:`PORTS`): ``"rail1520"`` → rail, ``"ferry"`` → ferry.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a name that is no port.
        """
        found = _BY_PORT.get(str(port))
        if found is None:
            raise InvalidSpecError(
                explain(f"{port!r} is not a port.", fix="Use one of: " + ", ".join(PORTS) + ".")
            )
        return found


def _key(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


_BY_NAME: dict[str, Mode] = {}
_BY_CODE: dict[int, Mode] = {}
_BY_PORT: dict[str, Mode] = {}
_LOOKUP: dict[str, Mode] = {}
_BUILTIN: set[str] = set()


def register_mode(spec: ModeSpec) -> Mode:
    """Add a mode to the mode table (process-wide) and return it.

    Registering the same spec again returns the registered mode. The mode gets the next free
    code. Networks loaded afterwards may use it in ``links.csv``; its ports may appear in
    ``transfers.csv`` and ``capacities.csv``.

    Parameters
    ----------
    spec
        The mode's row (see :class:`ModeSpec`).

    Returns
    -------
    Mode

    Raises
    ------
    corridors.errors.InvalidSpecError
        When the name, an alias or a port is taken by another mode, or the table is full.

    Examples
    --------
    >>> barge = register_mode(ModeSpec("inland_waterway", family="ship", aliases=("iww",)))
    >>> barge, Mode("Inland waterway") is barge, Mode("IWW").spec.terminal
    (<Mode.INLAND_WATERWAY: 'inland_waterway'>, True, 'sea_terminal')
    >>> unregister_mode("inland_waterway")
    """
    existing = _BY_NAME.get(spec.name)
    if existing is not None and existing.spec == spec:
        return existing
    taken = [
        k
        for k in (spec.name, *map(_key, spec.aliases), *spec.ports)
        if k in _LOOKUP or k in _BY_PORT
    ]
    code = max(_BY_CODE, default=-1) + 1
    if taken or code > _MAX_CODE:
        raise InvalidSpecError(
            explain(
                f"Mode {spec.name!r} cannot be registered: "
                + (f"{', '.join(taken)} already taken." if taken else "the mode table is full."),
                fix="Pick another name (and aliases), or unregister_mode() the old one first.",
            )
        )
    mode = Mode._make(spec, code)
    _BY_NAME[spec.name] = _BY_CODE[code] = mode
    for k in (spec.name, *map(_key, spec.aliases)):
        _LOOKUP[k] = mode
    for p in spec.ports:
        _BY_PORT[p] = mode
    return mode


def unregister_mode(name: str) -> None:
    """Remove a mode added with :func:`register_mode` (built-in modes stay).

    Graphs compiled while it was registered keep its code; do not mix them with graphs
    compiled after another mode took a code.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a built-in or unknown mode.
    """
    mode = Mode(name)
    if mode.value in _BUILTIN:
        raise InvalidSpecError(
            explain(f"{mode.value!r} is a built-in mode.", fix="Only registered modes go.")
        )
    del _BY_NAME[mode.value], _BY_CODE[mode.code]
    for table in (_BY_PORT, _LOOKUP):
        for k in [k for k, v in table.items() if v is mode]:
            del table[k]


def _restore(spec: ModeSpec) -> Mode:
    return register_mode(spec)


class _Ports(Sequence[str]):
    """The live tuple of ports of every registered mode, in mode-code order."""

    def _all(self) -> tuple[str, ...]:
        return tuple(p for m in Mode for p in m.spec.ports)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[str, ...]: ...
    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        return self._all()[i]

    def __len__(self) -> int:
        return len(_BY_PORT)

    def __contains__(self, value: object) -> bool:
        return value in _BY_PORT

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


PORTS = _Ports()
"""Ports, the layers of the port-level graph: one per rail gauge (``rail1520``), then one per
other :class:`Mode` (``road``, ``ferry``, ``sea``, ``air``, then registered modes).

>>> PORTS
('rail1435', 'rail1520', 'rail1668', 'road', 'ferry', 'sea', 'air')
"""

for _spec in (
    ModeSpec("rail", family="rail", gauges_mm=GAUGES_MM),
    ModeSpec("road", family="road"),
    ModeSpec("ferry", family="ship", terminal="ferry_terminal", scheduled=True),
    ModeSpec("sea", family="ship", scheduled=True),
    ModeSpec("air", family="air", cargos=("container",)),
):
    setattr(Mode, _spec.name.upper(), register_mode(_spec))
    _BUILTIN.add(_spec.name)
