"""Origin-destination demand per commodity class, with zone labels and units."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.errors import DemandError, explain

__all__ = ["ODMatrices"]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ODMatrices:
    """Demand matrices, one per commodity class, over one ordered list of zones.

    Parameters
    ----------
    zones
        Zone labels (e.g. node ids ``"CNXIA"``); row/column ``i`` of every matrix is
        ``zones[i]``.
    matrices
        Class name → ``len(zones)`` square array of demand per period (e.g. TEU/year).
    units
        Class name → unit string (e.g. ``"TEU/year"``, ``"t/year"``); optional.

    Raises
    ------
    corridors.errors.DemandError
        For repeated zones, a matrix of the wrong shape, or NaN/negative cells.

    Examples
    --------
    >>> od = ODMatrices(("A", "B"), {"containers": [[0, 5], [1, 0]]})
    >>> od.scaled(2.0).total("containers")
    12.0
    """

    zones: tuple[str, ...]
    matrices: Mapping[str, F64]
    units: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        zones = tuple(str(z) for z in self.zones)
        if len(set(zones)) != len(zones):
            dup = sorted({z for z in zones if zones.count(z) > 1})
            raise DemandError(explain(f"Zones repeat: {dup[:5]}.", fix="List each zone once."))
        n = len(zones)
        mats: dict[str, F64] = {}
        for name, m in self.matrices.items():
            a = np.array(m, dtype=np.float64)
            if a.shape != (n, n):
                raise DemandError(
                    explain(
                        f"Demand class {name!r} has shape {a.shape}, expected ({n}, {n}).",
                        why="Every matrix has one row and one column per zone.",
                        fix="Check the zone list and the matrix file.",
                    )
                )
            if not np.isfinite(a).all() or (a < 0).any():
                raise DemandError(
                    explain(
                        f"Demand class {name!r} has NaN, infinite or negative cells.",
                        fix="Demand is a non-negative volume; use 0 for none.",
                    )
                )
            a.setflags(write=False)
            mats[str(name)] = a
        object.__setattr__(self, "zones", zones)
        object.__setattr__(self, "matrices", mats)
        object.__setattr__(self, "units", dict(self.units or {}))

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, in order."""
        return tuple(self.matrices)

    def total(self, name: str) -> float:
        """Total demand of one class."""
        return float(self.matrices[name].sum())

    def index(self, zone: str) -> int:
        """Position of a zone.

        Raises
        ------
        corridors.errors.DemandError
            For an unknown zone, suggesting close matches.
        """
        try:
            return self.zones.index(zone)
        except ValueError:
            close = difflib.get_close_matches(zone, self.zones, n=3)
            raise DemandError(
                explain(
                    f"Unknown zone {zone!r}.",
                    fix=f"Did you mean {close}?" if close else "Use a zone of the matrix.",
                )
            ) from None

    def scaled(
        self,
        factor: float = 1.0,
        *,
        classes: Mapping[str, float] | None = None,
        pairs: Sequence[tuple[Sequence[str], Sequence[str], float]] = (),
        pair_classes: Sequence[str] | None = None,
    ) -> ODMatrices:
        """A copy with demand multiplied.

        Parameters
        ----------
        factor
            Applies to every cell of every class.
        classes
            Class name → extra factor for that class.
        pairs
            ``(origin zones, destination zones, factor)`` triples: extra factors for blocks of
            cells (e.g. China → Kazakhstan × 2.6).
        pair_classes
            Classes the ``pairs`` factors apply to; default all.

        Raises
        ------
        corridors.errors.DemandError
            For unknown classes or zones, or a negative factor.
        """
        classes = dict(classes or {})
        for name, f in [("*", factor), *classes.items()]:
            if not (np.isfinite(f) and f >= 0):
                raise DemandError(explain(f"Scale factor {f!r} for {name!r} must be ≥ 0."))
        unknown = (set(classes) | set(pair_classes or ())) - set(self.matrices)
        if unknown:
            raise DemandError(
                explain(
                    f"Unknown demand class(es) {sorted(unknown)}.",
                    fix=f"Use one of {list(self.matrices)}.",
                )
            )
        for k, (orgs, dsts, f) in enumerate(pairs, start=1):
            if not (np.isfinite(f) and f >= 0):
                raise DemandError(explain(f"Scale factor {f!r} of block #{k} must be ≥ 0."))
            if len(orgs) == 0 or len(dsts) == 0:
                side = "origins" if len(orgs) == 0 else "destinations"
                raise DemandError(
                    explain(
                        f"Demand block #{k} (factor {f:g}) selects no {side}.",
                        why="A pattern that matches no zone would silently leave demand unchanged.",
                        fix="Check the country code or zone names (e.g. CN:KZ=2.6).",
                    )
                )
        out = {}
        for name, m in self.matrices.items():
            a = m * factor * classes.get(name, 1.0)
            for orgs, dsts, f in pairs:
                if pair_classes is not None and name not in pair_classes:
                    continue
                oi = [self.index(z) for z in orgs]
                di = [self.index(z) for z in dsts]
                a[np.ix_(oi, di)] *= f
            out[name] = a
        return ODMatrices(self.zones, out, self.units)

    def to_long(self) -> pd.DataFrame:
        """Non-zero cells as a long table ``origin, destination, class, value, unit``."""
        frames = []
        z = np.asarray(self.zones, dtype=object)
        units = self.units or {}
        for name, m in self.matrices.items():
            o, d = np.nonzero(m)
            frames.append(
                pd.DataFrame(
                    {
                        "origin": z[o],
                        "destination": z[d],
                        "class": name,
                        "value": m[o, d],
                        "unit": units.get(name, ""),
                    }
                )
            )
        cols = ["origin", "destination", "class", "value", "unit"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)

    @classmethod
    def from_long(
        cls, df: pd.DataFrame, *, zones: Sequence[str] | None = None, source: str = "table"
    ) -> ODMatrices:
        """Build from a long table with columns ``origin, destination, class, value``.

        Parameters
        ----------
        df
            The table; an optional ``unit`` column gives each class's unit.
        zones
            The zone list (e.g. the network's zones); default the zones in the table, sorted.
        source
            Name of the file, for messages.

        Raises
        ------
        corridors.errors.DemandError
            For missing columns, unknown zones, repeated cells, NaN or negative values.
        """
        d = _checked_long(df, source)
        zl = (
            sorted(set(d["origin"]) | set(d["destination"]))
            if zones is None
            else [str(z) for z in zones]
        )
        pos = {z: i for i, z in enumerate(zl)}
        _check_zones(d, zl, pos, source)
        n = len(zl)
        mats: dict[str, Any] = {}
        units: dict[str, str] = {}
        for name, g in d.groupby("class", sort=False):
            m = np.zeros((n, n))
            m[g["origin"].map(pos).to_numpy(), g["destination"].map(pos).to_numpy()] = g["value"]
            mats[str(name)] = m
            unit = _class_unit(g, str(name), source)
            if unit:
                units[str(name)] = unit
        return cls(tuple(zl), mats, units)


def _checked_long(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """A copy of a long OD table with string keys and float values, after checking its columns,
    values (finite, non-negative) and cells (each once)."""
    need = ["origin", "destination", "class", "value"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DemandError(
            explain(
                f"{source}: missing column(s) {missing}; it has {list(df.columns)}.",
                fix="A long OD table needs origin, destination, class, value.",
            )
        )
    d = df.copy()
    d["origin"] = d["origin"].astype(str)
    d["destination"] = d["destination"].astype(str)
    d["class"] = d["class"].astype(str)
    vals = pd.to_numeric(d["value"], errors="coerce")
    bad = vals.isna() | (vals < 0) | ~np.isfinite(vals.fillna(0.0).astype(float))
    if bad.any():
        r = d[bad].iloc[0]
        raise DemandError(
            explain(
                f"{source}: {int(bad.sum())} row(s) have a missing, non-numeric, infinite "
                f"or negative value, e.g. {r['origin']}→{r['destination']} "
                f"({r['class']}) = {r['value']!r}.",
                fix="Demand is a non-negative number.",
            )
        )
    d["value"] = vals.astype(float)
    dup = d.duplicated(["origin", "destination", "class"])
    if dup.any():
        r = d[dup].iloc[0]
        raise DemandError(
            explain(
                f"{source}: OD cell {r['origin']}→{r['destination']} ({r['class']}) "
                "appears more than once.",
                fix="Sum duplicate rows first.",
            )
        )
    return d


def _check_zones(d: pd.DataFrame, zl: list[str], pos: Mapping[str, int], source: str) -> None:
    """Every origin and destination of ``d`` is a zone (a "did you mean" for those that are
    not)."""
    unknown = sorted((set(d["origin"]) | set(d["destination"])) - set(pos))
    if unknown:
        hints = {u: difflib.get_close_matches(u, zl, n=1) for u in unknown[:5]}
        hint = "; ".join(f"{u!r}→{h[0]!r}?" for u, h in hints.items() if h)
        raise DemandError(
            explain(
                f"{source}: {len(unknown)} unknown zone(s): {unknown[:5]}.",
                why="Every origin and destination must be a zone of the network.",
                fix=("Close matches: " + hint) if hint else "Use the network's zones.",
            )
        )


def _class_unit(g: pd.DataFrame, name: str, source: str) -> str:
    """The one unit of class ``name``'s rows (``""`` when none is given)."""
    if "unit" not in g.columns or not g["unit"].notna().any():
        return ""
    found = sorted({str(u).strip() for u in g["unit"].dropna()} - {""})
    if len(found) > 1:
        raise DemandError(
            explain(
                f"{source}: class {name!r} mixes units {found}.",
                why="One matrix holds one unit; mixed rows would be added up.",
                fix="Convert the rows to one unit (e.g. TEU/year).",
            )
        )
    return found[0] if found else ""
