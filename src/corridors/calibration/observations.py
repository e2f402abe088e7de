"""Observed counts and times the choice model is calibrated against, with a fit/holdout split.

The table (CSV) has one row per observation:

``obs_id``
    Unique id.
``kind``
    ``count`` (a volume per year through links), ``time`` (door-to-door transit time of a
    market, optionally one corridor) or ``wait`` (hours spent at a crossing, port or ferry).
``split``
    ``fit`` (used by the calibration) or ``holdout`` (only reported).
``links``
    ``count``/``wait``: link ids separated by ``;`` — ``rail-a-b`` means both directions,
    ``rail-a-b:f`` one.
``classes``
    Demand classes counted, ``;``-separated; empty = all classes (counts) or the container
    classes (times).
``unit``
    ``count``: ``TEU``, ``t`` or ``teu_eq`` (per year).
``value``
    ``count``: the observed volume per year.
``origin``, ``destination``, ``alternative``
    ``time``: node ids of the market and the corridor (an alternative of
    :data:`~corridors.assignment.choice.ALTERNATIVES`; empty = all).
``low_h``, ``high_h``
    ``time``/``wait``: the published range in hours.
``weight``
    Optional weight in the objective (default 1).
``label``, ``source``, ``year``, ``note``
    What it is and where it comes from.
``added``
    Optional date the observation was added (``2026-12-02``: after the previous calibration,
    a fresh test of it), reported with the held-back results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors.assignment.choice import ALTERNATIVES
from corridors.errors import DemandError, explain

__all__ = ["OBSERVATIONS_FILE", "Observations", "load_observations"]

OBSERVATIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "observations"
"""The bundled observations (``counts.csv`` and ``times.csv``, see ``OBSERVATIONS.md``)."""

_CORRIDOR_ALT = {
    "northern": "rail_northern",
    "middle": "rail_middle",
    "southern": "rail_southern",
    "direct": "rail_direct",
    "sea": "",
    "": "",
}
_UNIT = {"t/year": "t", "TEU/year": "TEU", "trains/year": "trains"}
_DIRECTION = {"forward": ":f", "reverse": ":r", "both": ""}
_CLASS_GROUP = {
    "all": "",
    "container": "container_std;container_hv",
    "bulk": "grain;dry_bulk;liquid_bulk",
}

KINDS = ("count", "time", "wait")


@dataclass(frozen=True, eq=False)
class Observations:
    """A validated observation table (see the module docs for the columns).

    Attributes
    ----------
    table
        One row per observation, normalised: ``links`` and ``classes`` as tuples.
    name
        Where it came from (file name), recorded with the calibration.
    """

    table: pd.DataFrame
    name: str

    def split(self, which: str) -> pd.DataFrame:
        """Rows of the ``fit`` or ``holdout`` split."""
        return self.table[self.table["split"] == which]

    def __len__(self) -> int:
        return len(self.table)


def _tuple(v: object) -> tuple[str, ...]:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ()
    return tuple(s.strip() for s in str(v).split(";") if s.strip())


_OPTIONAL = (
    "links",
    "classes",
    "unit",
    "value",
    "origin",
    "destination",
    "alternative",
    "low_h",
    "high_h",
    "weight",
    "label",
    "source",
    "year",
    "note",
    "added",
)


def _row_errors(r: Any, where: str) -> list[str]:
    """Problems of one normalised row (see :func:`observations_from_frame`)."""
    kind, split = r.kind, r.split
    errs = []
    if kind not in KINDS:
        errs.append(f"{where}: kind {kind!r} is not one of {KINDS}.")
    if split not in ("fit", "holdout"):
        errs.append(f"{where}: split {split!r} must be fit or holdout.")
    links = _tuple(r.links)
    if kind == "count":
        value, unit = r.value, r.unit
        if not (pd.notna(value) and float(value) > 0):
            errs.append(f"{where}: a count needs a positive value.")
        if str(unit) not in ("TEU", "t", "teu_eq", "trains"):
            errs.append(f"{where}: unit {unit!r} must be TEU, t, teu_eq or trains.")
        if not links:
            errs.append(f"{where}: a count needs links.")
    if kind in ("time", "wait"):
        lo, hi = r.low_h, r.high_h
        if not (pd.notna(lo) and pd.notna(hi) and 0 < float(lo) <= float(hi)):
            errs.append(f"{where}: needs 0 < low_h ≤ high_h.")
    if kind == "time":
        if not (pd.notna(r.origin) and pd.notna(r.destination)):
            errs.append(f"{where}: a time needs origin and destination.")
        alt = r.alternative
        if pd.notna(alt) and str(alt) and str(alt) not in ALTERNATIVES:
            errs.append(f"{where}: alternative {alt!r} is not one of {ALTERNATIVES}.")
    if kind == "wait" and not links:
        errs.append(f"{where}: a wait needs links.")
    return errs


def observations_from_frame(df: pd.DataFrame, *, name: str = "table") -> Observations:
    """Validate and normalise an observation table.

    Raises
    ------
    corridors.errors.DemandError
        For a missing column, an unknown kind, split or alternative, a count without a
        positive value or a time without a range.
    """
    missing = [c for c in ("obs_id", "kind", "split") if c not in df.columns]
    if missing:
        raise DemandError(
            explain(f"{name}: missing column(s) {missing}.", fix="See corridors.calibration.")
        )
    d = df.copy()
    for c in _OPTIONAL:
        if c not in d.columns:
            d[c] = np.nan
    d["kind"] = d["kind"].astype(str).str.strip().str.lower()
    d["split"] = d["split"].astype(str).str.strip().str.lower()
    if d["obs_id"].duplicated().any():
        raise DemandError(
            explain(
                f"{name}: obs_id repeats: "
                f"{sorted(set(d.loc[d['obs_id'].duplicated(), 'obs_id']))[:5]}."
            )
        )
    errs = [
        e
        for r in d.itertuples(index=False)
        for e in _row_errors(r, f"{name}: observation {r.obs_id!r}")
    ]
    if errs:
        raise DemandError(
            explain(
                f"{len(errs)} problem(s) in the observations: " + " ".join(errs[:5]),
                fix="Fix the rows (columns are described in corridors.calibration.observations).",
            )
        )
    d["links"] = d["links"].map(_tuple)
    d["classes"] = d["classes"].map(_tuple)
    d["alternative"] = d["alternative"].astype(object).where(d["alternative"].notna(), "")
    d["alternative"] = d["alternative"].astype(str)
    d["weight"] = pd.to_numeric(d["weight"], errors="coerce").fillna(1.0)
    d["label"] = d["label"].astype(object).where(d["label"].notna(), d["obs_id"]).astype(str)
    d["added"] = d["added"].astype(object).where(d["added"].notna(), "").astype(str)
    return Observations(d.reset_index(drop=True), name)


def observations_from_tables(
    counts: pd.DataFrame, times: pd.DataFrame, *, name: str
) -> Observations:
    """Normalise the bundled ``counts.csv``/``times.csv`` tables (as loaded by
    :func:`corridors.io.observations.load_observations`) into one observation table.

    Counts keep their unit (``trains/year`` counts container TEU ÷ ``teu_per_train``);
    ``direction`` becomes ``:f``/``:r`` on the link ids; class groups ``container``/``bulk``
    expand to their cargo classes; transit times name their corridor's alternative; border
    waits become ``wait`` rows on their link direction.
    """
    rows = []
    for r in counts.to_dict(orient="records"):
        suffix = _DIRECTION.get(str(r.get("direction", "both")), "")
        links = ";".join(f"{e}{suffix}" for e in str(r["elements"]).split(";") if e)
        cls = str(r.get("class", "all"))
        rows.append(
            {
                "obs_id": r["obs_id"],
                "kind": "count",
                "split": r["split"],
                "links": links,
                "classes": _CLASS_GROUP.get(cls, cls),
                "unit": _UNIT.get(str(r["unit"]), str(r["unit"])),
                "value": float(r["value"]),
                "label": r.get("quantity", r["obs_id"]),
                "source": r.get("source", ""),
                "year": r.get("year", ""),
                "note": r.get("note", ""),
                "added": r.get("added", ""),
            }
        )
    for r in times.to_dict(orient="records"):
        cls = str(r.get("class", "container"))
        base = {
            "obs_id": r["obs_id"],
            "split": r["split"],
            "low_h": float(r["low_h"]),
            "high_h": float(r["high_h"]),
            "source": r.get("source", ""),
            "year": r.get("year", ""),
            "note": r.get("note", ""),
            "added": r.get("added", ""),
        }
        if r["kind"] == "transit_time":
            corridor = str(r.get("corridor", ""))
            rows.append(
                {
                    **base,
                    "kind": "time",
                    "origin": r["origin"],
                    "destination": r["destination"],
                    "alternative": _CORRIDOR_ALT.get(corridor, corridor),
                    "classes": _CLASS_GROUP.get(cls, cls) if cls != "all" else "",
                    "label": f"{r['origin']}→{r['destination']} ({corridor or 'any'})",
                }
            )
        else:
            suffix = _DIRECTION.get(str(r.get("direction", "both")), "")
            rows.append(
                {
                    **base,
                    "kind": "wait",
                    "links": ";".join(f"{e}{suffix}" for e in str(r["elements"]).split(";")),
                    "label": f"wait at {r['elements']} ({r.get('direction', '')})",
                }
            )
    return observations_from_frame(pd.DataFrame(rows), name=name)


def load_observations(path: str | Path | None = None) -> Observations:
    """Read the observations: a folder with ``counts.csv`` and ``times.csv`` (default the
    bundled ``data/observations``, validated by :mod:`corridors.io.observations`) or one flat
    CSV in this module's format.

    Raises
    ------
    corridors.errors.DemandError
        When a flat file is missing or invalid.
    corridors.io.observations.ObservationError
        When the folder's tables are invalid.
    """
    p = OBSERVATIONS_FILE if path is None else Path(path)
    if p.is_dir():
        from corridors.io.observations import load_observations as _load

        obs = _load(None if path is None else p)
        return observations_from_tables(
            obs.counts, obs.times, name="data/observations" if path is None else p.name
        )
    if not p.exists():
        raise DemandError(
            explain(
                f"No observation file at {p}.",
                fix="Give a folder with counts.csv and times.csv, or a flat CSV "
                "(columns in corridors.calibration.observations).",
            )
        )
    return observations_from_frame(pd.read_csv(p, comment="#"), name=p.name)
