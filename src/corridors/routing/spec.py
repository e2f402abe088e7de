"""The validated, frozen description of a consignment and its routing constraints."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from corridors.errors import ContradictoryOptionsError, InvalidSpecError, explain
from corridors.network.enums import Cargo, CargoClass, Mode, Unit

__all__ = ["Consignment", "RouteSpec"]

OBJECTIVES = ("days", "cost", "co2", "generalized")


@dataclass(frozen=True)
class Consignment:
    """What is shipped: containers in TEU or bulk in tonnes.

    Parameters
    ----------
    cargo
        ``"container"`` or ``"bulk"`` (grain and other bulk, counted in tonnes).
    teu
        Number of 20-ft boxes (TEU; containers only).
    tonnes
        Tonnes (bulk only).
    commodity
        Free label, e.g. ``"wheat"``.
    feu
        Number of 40-ft boxes (containers only; priced as sold per FEU, not as two TEU).
    cargo_class
        Demand class (:class:`~corridors.network.enums.CargoClass`): wagon type and value of
        time; default ``container_std`` for containers and ``grain`` for bulk. A class also
        sets the cargo type (``cargo_class="dry_bulk"`` is bulk).

    Examples
    --------
    >>> Consignment(cargo="container", teu=80).units
    80.0
    >>> Consignment(cargo="bulk", tonnes=5000, commodity="wheat").unit_name
    't'
    >>> Consignment(feu=40).unit_name, Consignment(feu=40).units
    ('FEU', 40.0)
    """

    cargo: Cargo = None  # type: ignore[assignment]  # resolved in __post_init__
    teu: float | None = None
    tonnes: float | None = None
    commodity: str = ""
    feu: float | None = None
    cargo_class: CargoClass | None = None

    def __post_init__(self) -> None:
        if self.cargo_class is not None:
            cc = CargoClass(self.cargo_class)
            object.__setattr__(self, "cargo_class", cc)
            if self.cargo is not None and Cargo(self.cargo) is not cc.cargo:
                raise ContradictoryOptionsError(
                    explain(
                        f"Cargo class {cc.value!r} is {cc.cargo.value} cargo, not {self.cargo}.",
                        fix="Give the cargo class alone, or a matching cargo type.",
                    )
                )
            object.__setattr__(self, "cargo", cc.cargo)
        object.__setattr__(self, "cargo", Cargo(self.cargo or Cargo.CONTAINER))
        if self.cargo_class is None:
            default = CargoClass.GRAIN if self.cargo is Cargo.BULK else CargoClass.CONTAINER_STD
            object.__setattr__(self, "cargo_class", default)
        if self.feu is not None:
            if self.cargo is not Cargo.CONTAINER or self.teu is not None or self.tonnes is not None:
                raise ContradictoryOptionsError(
                    explain(
                        "A consignment in FEU was also given in TEU or tonnes, or as bulk.",
                        fix="Give one quantity: --feu or --teu for containers, --tonnes for bulk.",
                    )
                )
            if not self.feu > 0:
                raise InvalidSpecError(f"feu must be positive, got {self.feu}.")
            return
        if self.cargo is Cargo.CONTAINER:
            if self.tonnes is not None:
                raise ContradictoryOptionsError(
                    explain(
                        "A container consignment was given in tonnes.",
                        fix="Give --teu for containers, or --cargo grain/bulk with --tonnes.",
                    )
                )
            if self.teu is None:
                object.__setattr__(self, "teu", 1.0)
            if not self.teu > 0:  # type: ignore[operator]
                raise InvalidSpecError(f"teu must be positive, got {self.teu}.")
        else:
            if self.teu is not None:
                raise ContradictoryOptionsError(
                    explain(
                        "A bulk consignment was given in TEU.",
                        fix="Give --tonnes for bulk cargo, or --cargo container with --teu.",
                    )
                )
            if self.tonnes is None:
                object.__setattr__(self, "tonnes", 1.0)
            if not self.tonnes > 0:  # type: ignore[operator]
                raise InvalidSpecError(f"tonnes must be positive, got {self.tonnes}.")

    @property
    def unit(self) -> Unit:
        """The unit the consignment is counted and priced in."""
        if self.feu is not None:
            return Unit.FEU
        return Unit.TEU if self.cargo is Cargo.CONTAINER else Unit.TONNE

    @property
    def units(self) -> float:
        """Quantity in the consignment's unit (TEU, FEU or t)."""
        if self.feu is not None:
            return float(self.feu)
        return float(self.teu if self.cargo is Cargo.CONTAINER else self.tonnes)  # type: ignore[arg-type]

    @property
    def unit_name(self) -> str:
        """``TEU``, ``FEU`` or ``t``."""
        return self.unit.label


def _as_date(value: dt.date | dt.datetime | str | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidSpecError(
            explain(
                f"Departure {value!r} is not a date.",
                fix="Write it as YYYY-MM-DD, e.g. 2026-12-01.",
            )
        ) from exc


@dataclass(frozen=True)
class RouteSpec:
    """Constraints and preferences of a routing query, validated when built.

    Parameters
    ----------
    avoid_countries
        ISO alpha-2 codes the route must not touch (e.g. ``("RU", "BY")``).
    avoid_modes
        Modes the route must not use (e.g. ``("ferry",)``).
    max_transshipments
        Most transfers (gauge or mode changes) allowed; ``None`` = no limit.
    max_days
        Longest door-to-door time allowed (days); ``None`` = no limit.
    departure
        Departure date; with it, ferry and sailing waits follow the timetable.
    eps
        Approximation of the Pareto set (0 = exact). With ``eps > 0`` the search drops a
        partial route once a found route is within ``1 + eps`` of its most optimistic
        completion (lower bounds from single-criterion searches), so every exact Pareto route
        has a returned route at most ``1 + eps`` times it in days, cost and CO2 (guaranteed;
        e.g. 0.01 = within 1 %). Larger ``eps`` = fewer labels and options, faster queries.
    """

    avoid_countries: tuple[str, ...] = ()
    avoid_modes: tuple[Mode, ...] = ()
    max_transshipments: int | None = None
    max_days: float | None = None
    departure: dt.datetime | None = None
    eps: float = 0.0
    extra: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        countries = tuple(sorted({c.strip().upper() for c in _iter(self.avoid_countries) if c}))
        for c in countries:
            if len(c) != 2 or not c.isalpha() or c not in _iso2():
                raise InvalidSpecError(
                    explain(
                        f"avoid_countries has {c!r}, which is not an ISO 3166-1 alpha-2 "
                        "country code.",
                        why="An unknown code would avoid nothing and the route could cross the "
                        "country meant.",
                        fix=_suggest_country(c),
                    )
                )
        object.__setattr__(self, "avoid_countries", countries)
        modes = tuple(sorted({Mode(m) for m in _iter(self.avoid_modes)}, key=str))
        if set(modes) >= set(Mode):
            raise ContradictoryOptionsError(
                explain(
                    "Every mode is avoided, so no route can exist.", fix="Allow at least one mode."
                )
            )
        object.__setattr__(self, "avoid_modes", modes)
        if self.max_transshipments is not None and (
            isinstance(self.max_transshipments, bool)
            or not isinstance(self.max_transshipments, int)
            or self.max_transshipments < 0
        ):
            raise InvalidSpecError(
                f"max_transshipments must be a whole number >= 0, got {self.max_transshipments!r}."
            )
        if self.max_days is not None and not 0 < self.max_days < float("inf"):
            raise InvalidSpecError(f"max_days must be a finite number > 0, got {self.max_days}.")
        if not 0 <= self.eps < 1:
            raise InvalidSpecError(f"eps must be in [0, 1), got {self.eps}.")
        object.__setattr__(self, "departure", _as_date(self.departure))


# Countries of the corridors (suggested first when a code is mistyped).
_CORRIDOR_COUNTRIES = (
    "RU", "KZ", "CN", "BY", "PL", "DE", "AZ", "GE", "TR", "IR", "TM", "UZ", "KG", "MN", "LT",
    "LV", "UA", "AM", "AF", "NL", "BE", "FR", "IT", "EG", "IN", "PK", "RO", "BG", "HU", "SK", "CZ",
)  # fmt: skip


@functools.cache
def _iso2() -> frozenset[str]:
    from corridors._iso3166 import ALPHA2

    return frozenset(ALPHA2)


def _rank(code: str) -> int:
    return _CORRIDOR_COUNTRIES.index(code) if code in _CORRIDOR_COUNTRIES else 99


def _suggest_country(code: str) -> str:
    """``Did you mean 'RU'?`` for a mistyped alpha-2 code (one letter off, corridor first)."""
    iso = _iso2()
    near = [
        c
        for c in sorted(iso, key=lambda x: (_rank(x), x))
        if len(code) == 2 and sum(a != b for a, b in zip(c, code, strict=True)) == 1
    ]
    if near:
        return "Did you mean " + " or ".join(repr(c) for c in near[:4]) + "?"
    return "Use ISO 3166-1 alpha-2 codes such as RU, BY, IR."


def _iter(value: Iterable[str] | str | None) -> Iterable[str]:
    if value is None:
        return ()
    if isinstance(value, str):
        return list(value.replace(";", ",").split(","))
    return value
