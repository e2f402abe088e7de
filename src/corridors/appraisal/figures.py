"""Numbers with their provenance (:class:`Figure`) and demand growth paths (:class:`GrowthPath`).

The building blocks of a :class:`~corridors.appraisal.project.Project`: every amount, rate and
price of an appraisal is a :class:`Figure` carrying its source (or ``estimate`` with the
method), as a single value or a year → value path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Figure", "GrowthPath"]


@dataclass(frozen=True)
class Figure:
    """A number (or a year → number path) with its provenance.

    Attributes
    ----------
    value
        The number, for a single figure (``nan`` for a path).
    by_year
        Year → number, for a path (empty for a single figure).
    source
        Source id (``S..`` in ``sources.csv``) or ``"estimate"``.
    method
        How an estimate was made (``M..`` in ``SOURCES.md``); empty for sourced figures.
    note
        Free text.
    """

    value: float = float("nan")
    by_year: Mapping[int, float] = field(default_factory=dict)
    source: str = ""
    method: str = ""
    note: str = ""

    def at(self, year: int | float) -> float:
        """The value in ``year``: linear between the given years, constant outside them."""
        if not self.by_year:
            return self.value
        ys = sorted(self.by_year)
        return float(np.interp(year, ys, [self.by_year[y] for y in ys]))

    def scaled(self, factor: float) -> Figure:
        """A copy with every number multiplied by ``factor``."""
        return Figure(
            self.value * factor,
            {y: v * factor for y, v in self.by_year.items()},
            self.source,
            self.method,
            self.note,
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = (
            {"by_year": dict(self.by_year)} if self.by_year else {"value": self.value}
        )
        d["source"] = self.source
        if self.method:
            d["method"] = self.method
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class GrowthPath:
    """Demand growth for some classes and OD markets.

    The factor (relative to the base year of the demand) is ``by_year`` interpolated linearly
    and held after its last year, or ``(1 + rate_per_year) ** (year − from_year)``. Several
    paths that match one market multiply.

    Attributes
    ----------
    name
        Label.
    classes
        Demand classes (empty = all).
    origins, destinations
        Country codes or zone ids (empty = all).
    factor
        A :class:`Figure` holding ``by_year`` factors, or ``value`` = yearly rate when
        ``compound`` is true.
    compound
        Whether ``factor.value`` is a yearly growth rate.
    from_year
        Year the compound rate starts from.
    """

    name: str
    factor: Figure
    classes: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    compound: bool = False
    from_year: int = 2024

    def at(self, year: int | float) -> float:
        """Growth factor in ``year``."""
        if self.compound:
            return float((1.0 + self.factor.value) ** max(0.0, float(year) - self.from_year))
        return self.factor.at(year)
