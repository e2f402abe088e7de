"""Demand-class profiles: unit, value of time, capacity equivalent and allowed modes per class.

Read from ``data/model/classes.csv`` (one row per :class:`~corridors.network.enums.CargoClass`,
every figure with its source or estimation method M50 in ``data/SOURCES.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from corridors.errors import DemandError, InvalidSpecError, explain
from corridors.network.enums import Mode

__all__ = ["CLASSES_FILE", "LEGACY_CLASSES", "ClassProfile", "class_profile", "load_class_profiles"]

CLASSES_FILE = Path(__file__).resolve().parents[1] / "data" / "model" / "classes.csv"
"""The bundled class profiles."""

LEGACY_CLASSES: Mapping[str, str] = {"containers": "container_std", "grain": "grain"}
"""Class names of the 2021 baseline demand → the profile they use."""

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class ClassProfile:
    """How one demand class is valued and where it may go.

    Attributes
    ----------
    name
        Demand class (e.g. ``"container_hv"``).
    unit
        ``"TEU"`` or ``"t"``.
    cargo
        Network cargo type whose tariffs and transfers apply: ``"container"`` or ``"bulk"``.
    value_usd_per_unit
        Cargo value, USD per TEU or per tonne.
    cost_of_capital_per_yr
        Fraction of value per year.
    deterioration_per_day
        Fraction of value lost per day in transit (perishability, obsolescence).
    pce_teu_per_unit
        Line and terminal capacity one unit takes, in TEU-equivalent.
    modes
        Modes the class may use.
    deep_sea
        Whether the class may use the deep-sea lanes via Suez or the Cape (container liner
        services in the network; bulk classes have no bulk-carrier lanes there).
    """

    name: str
    unit: str
    cargo: str
    value_usd_per_unit: float
    cost_of_capital_per_yr: float
    deterioration_per_day: float
    pce_teu_per_unit: float
    modes: tuple[str, ...]
    deep_sea: bool = True

    @property
    def value_of_time(self) -> float:
        """USD per unit-hour: value × (cost of capital / 8,760 h + deterioration / 24 h)."""
        return self.value_usd_per_unit * (
            self.cost_of_capital_per_yr / HOURS_PER_YEAR + self.deterioration_per_day / 24.0
        )


def load_class_profiles(path: str | Path | None = None) -> dict[str, ClassProfile]:
    """Class name → :class:`ClassProfile` from ``classes.csv`` (default the bundled file).

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a missing column, a non-positive value or an unknown mode.
    """
    p = CLASSES_FILE if path is None else Path(path)
    df = pd.read_csv(p, comment="#")
    need = [
        "class",
        "unit",
        "value_usd_per_unit",
        "cost_of_capital_per_yr",
        "deterioration_per_day",
        "pce_teu_per_unit",
        "modes",
    ]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InvalidSpecError(
            explain(f"{p.name}: missing column(s) {missing}.", fix=f"Give columns {need}.")
        )
    out = {}
    for r in df.itertuples(index=False):
        modes = tuple(m.strip() for m in str(r.modes).split(";") if m.strip())
        bad = set(modes) - {m.value for m in Mode}
        if bad or not modes:
            raise InvalidSpecError(
                explain(
                    f"{p.name}: class {r[0]!r} has unknown modes {sorted(bad) or modes}.",
                    fix="Use modes of the mode table separated by ';': "
                    + ";".join(m.value for m in Mode)
                    + " (or register the mode first: corridors.network.register_mode).",
                )
            )
        vals = [r.value_usd_per_unit, r.cost_of_capital_per_yr, r.pce_teu_per_unit]
        if not all(float(v) > 0 for v in vals) or float(r.deterioration_per_day) < 0:
            raise InvalidSpecError(
                explain(
                    f"{p.name}: class {r[0]!r} needs positive value, cost of capital and pce "
                    "and a non-negative deterioration.",
                )
            )
        unit = str(r.unit)
        out[str(r[0])] = ClassProfile(
            name=str(r[0]),
            unit=unit,
            cargo="container" if unit == "TEU" else "bulk",
            value_usd_per_unit=float(r.value_usd_per_unit),
            cost_of_capital_per_yr=float(r.cost_of_capital_per_yr),
            deterioration_per_day=float(r.deterioration_per_day),
            pce_teu_per_unit=float(r.pce_teu_per_unit),
            modes=modes,
            deep_sea=str(getattr(r, "deep_sea", "yes")).strip().lower() in ("yes", "true", "1"),
        )
    return out


def class_profile(name: str, profiles: Mapping[str, ClassProfile]) -> ClassProfile:
    """The profile of demand class ``name`` (2021 names ``containers``/``grain`` accepted).

    Raises
    ------
    corridors.errors.DemandError
        For a class without a profile.
    """
    key = name if name in profiles else LEGACY_CLASSES.get(name, name)
    if key not in profiles:
        raise DemandError(
            explain(
                f"Demand class {name!r} has no profile (value of time, unit, modes).",
                fix=f"Use one of {sorted(profiles)} or add a row to data/model/classes.csv.",
            )
        )
    p = profiles[key]
    return p if key == name else ClassProfile(**{**p.__dict__, "name": name})
