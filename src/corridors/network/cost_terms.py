"""Cost terms of one's own: the :class:`CostTerm` protocol and what a term sees of the arcs.

A term is given to ``CostModel(terms=...)`` (:mod:`corridors.network.costs`), which adds its
USD per unit to every arc's cost and keeps it as a cost part of its own; see
``docs/developer/cost-term.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from corridors.errors import InvalidSpecError, explain
from corridors.network.enums import ARC_LINK, CargoClass, Unit

if TYPE_CHECKING:
    from corridors.network._protocol import ArcStructure, NetworkTables

__all__ = ["ArcContext", "CostTerm", "arc_context", "term_values"]


@dataclass(frozen=True, eq=False)
class ArcContext:
    """What a :class:`CostTerm` sees: the arcs, the unit and the figures computed so far.

    Attributes
    ----------
    net, arcs
        The network and the compiled graph (or skeleton) being figured.
    unit, cargo_class, when
        One unit of which cargo class, priced at which date.
    link_class, mode
        Per arc: the link class and mode name of link arcs, ``""`` for other arcs.
    length_km
        Per arc: link length (0 for other arcs).
    time_h, co2_wtw_kg
        Per arc: fixed hours and well-to-wheel kg CO2e per unit.
    """

    net: NetworkTables
    arcs: ArcStructure
    unit: Unit
    cargo_class: CargoClass
    when: dt.date | dt.datetime | None
    link_class: np.ndarray
    mode: np.ndarray
    length_km: np.ndarray
    time_h: np.ndarray
    co2_wtw_kg: np.ndarray


class CostTerm(Protocol):
    """A cost term of its own: USD per unit of cargo on every arc.

    Any object with a ``name`` (the key in ``cost_breakdown_usd``, not one of
    :data:`COST_PARTS`) and a call returning one USD figure per arc; give it to
    ``CostModel(terms=(...))``. Make it a frozen dataclass so the model stays hashable and its
    figures cache by value. See ``docs/developer/cost-term.md``.
    """

    @property
    def name(self) -> str: ...

    def __call__(self, ctx: ArcContext) -> np.ndarray: ...


def arc_context(
    net: NetworkTables,
    g: ArcStructure,
    unit: Unit,
    cargo_class: CargoClass,
    when: dt.date | dt.datetime | None,
    time_h: np.ndarray,
    co2_w: np.ndarray,
) -> ArcContext:
    """The :class:`ArcContext` of a graph's arcs for the model's own cost terms."""
    is_link = g.kind == ARC_LINK
    row = np.where(is_link, g.link, 0)
    links = net.links
    per_arc = {
        c: np.where(is_link, links[c].to_numpy()[row], default)
        for c, default in (("link_class", ""), ("mode", ""), ("length_km", 0.0))
    }
    return ArcContext(
        net=net,
        arcs=g,
        unit=unit,
        cargo_class=cargo_class,
        when=when,
        link_class=per_arc["link_class"].astype(str),
        mode=per_arc["mode"].astype(str),
        length_km=per_arc["length_km"].astype(float),
        time_h=time_h,
        co2_wtw_kg=co2_w,
    )


def term_values(term: CostTerm, ctx: ArcContext) -> np.ndarray:
    """A term's USD per arc, checked: one finite number per arc."""
    values = np.asarray(term(ctx), dtype=float)
    if values.shape != ctx.time_h.shape or not np.isfinite(values).all():
        raise InvalidSpecError(
            explain(
                f"Cost term {term.name!r} gave {values.shape} values (or non-finite ones) for "
                f"{len(ctx.time_h)} arcs.",
                fix="Return one finite USD figure per arc (0 where the term does not apply).",
            )
        )
    return values
