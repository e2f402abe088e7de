"""Observed counts and times for calibrating and validating the flows model.

Two tables in ``corridors/data/observations`` (see ``OBSERVATIONS.md`` there):

- ``counts.csv``: volumes through network elements (border crossings, ferry lines, port
  berths) per year, in their published unit (``t/year``, ``TEU/year``, ``trains/year``);
- ``times.csv``: published transit times between two nodes and waiting times at elements, as
  ranges (``low``-``high``, in ``days`` or ``h``).

Every row has a ``split``: ``fit`` (used by the calibration) or ``holdout`` (reported
separately), fixed by the deterministic rule of :func:`holdout_split`, which the loader checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors.errors import DataFileError, explain
from corridors.network.enums import Cargo, CargoClass

__all__ = [
    "COUNT_UNITS",
    "TIME_UNITS",
    "ObservationError",
    "Observations",
    "bundled_observations_path",
    "holdout_split",
    "load_observations",
    "validate_observations",
]

COUNT_UNITS = ("t/year", "TEU/year", "trains/year")
TIME_UNITS = ("days", "h")
CLASSES = ("all", *(c.value for c in Cargo), *(c.value for c in CargoClass))
"""Classes an observation may be of: ``all``, a cargo or a cargo class."""
DIRECTIONS = ("forward", "reverse", "both")
SPLITS = ("fit", "holdout")

_COUNT_COLS = (
    "obs_id",
    "quantity",
    "element_type",
    "elements",
    "direction",
    "class",
    "value",
    "unit",
    "year",
    "source",
    "method",
    "used_in_demand",
    "split",
    "note",
)
_TIME_COLS = (
    "obs_id",
    "kind",
    "corridor",
    "origin",
    "destination",
    "elements",
    "direction",
    "class",
    "low",
    "high",
    "unit",
    "year",
    "source",
    "method",
    "split",
    "note",
)


class ObservationError(DataFileError):
    """An observations table is invalid (every problem is listed)."""


def bundled_observations_path() -> Path:
    """Folder of the bundled observations."""
    return Path(str(resources.files("corridors") / "data" / "observations"))


def holdout_split(obs_ids: Sequence[str], kinds: Sequence[str]) -> list[str]:
    """The split the rule gives each observation.

    Rule: within each kind (``count``, ``transit_time``, ``border_wait``), order the
    observations by the SHA-256 digest of their ``obs_id``; the 1st, 4th, 7th … are
    ``holdout``, the others ``fit``. About a third of each kind is held out, and which ones
    depends only on the ids, not on the values or on how well a model fits them.

    Examples
    --------
    >>> holdout_split(["a", "b", "c"], ["count"] * 3).count("holdout")
    1
    """
    out = ["fit"] * len(obs_ids)
    by_kind: dict[str, list[int]] = {}
    for i, k in enumerate(kinds):
        by_kind.setdefault(k, []).append(i)
    for idx in by_kind.values():
        order = sorted(idx, key=lambda i: hashlib.sha256(obs_ids[i].encode()).hexdigest())
        for rank, i in enumerate(order):
            if rank % 3 == 0:
                out[i] = "holdout"
    return out


@dataclass(frozen=True)
class Observations:
    """Observed counts and times, validated.

    Attributes
    ----------
    counts
        One row per count (see module docstring); ``value`` float.
    times
        One row per time range; ``low``/``high`` floats and ``low_h``/``high_h`` in hours.
    """

    counts: pd.DataFrame
    times: pd.DataFrame

    def split(self, which: str) -> Observations:
        """Only the ``fit`` or the ``holdout`` rows."""
        if which not in SPLITS:
            raise ObservationError(explain(f"Unknown split {which!r}.", fix="Use fit or holdout."))
        return Observations(
            self.counts[self.counts["split"] == which].reset_index(drop=True),
            self.times[self.times["split"] == which].reset_index(drop=True),
        )


def _reference() -> tuple[set[str], set[str], set[str]]:
    from corridors.network.model import bundled_network_path

    folder = bundled_network_path()
    nodes = pd.read_csv(folder / "nodes.csv", dtype=str, usecols=["node_id"])["node_id"]
    links = pd.read_csv(folder / "links.csv", dtype=str, usecols=["link_id"])["link_id"]
    src = pd.read_csv(folder / "sources.csv", dtype=str, usecols=["source_id"])["source_id"]
    return set(nodes), set(links), set(src)


def _num(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _common(
    r: dict[str, object], where: str, nodes: set[str], links: set[str], sources: set[str]
) -> list[str]:
    """Checks shared by counts and times: elements, direction, class, provenance, split."""
    p: list[str] = []
    et = str(r.get("element_type", "link") or "link")
    elements = [e.strip() for e in str(r.get("elements", "")).split(";") if e.strip()]
    known = links if et == "link" else nodes
    bad = [e for e in elements if e not in known]
    if bad:
        p.append(
            f"{where}: element(s) {bad} are not {et}s of the network. Use ids of "
            f"{'links.csv' if et == 'link' else 'nodes.csv'}."
        )
    if elements and str(r.get("direction", "")) not in DIRECTIONS:
        p.append(f"{where}: direction {r.get('direction')!r} must be one of {list(DIRECTIONS)}.")
    if str(r.get("class", "")) not in CLASSES:
        p.append(f"{where}: class {r.get('class')!r} must be one of {list(CLASSES)}.")
    src = str(r.get("source", "")).strip()
    if not src or src == "estimate":
        p.append(f"{where}: an observation needs a published source id from sources.csv.")
    else:
        unknown = [s for s in src.split(";") if s.strip() not in sources]
        if unknown:
            p.append(f"{where}: unknown source id(s) {unknown}. Add them to sources.csv.")
    if not str(r.get("year", "")).strip().isdigit():
        p.append(f"{where}: year {r.get('year')!r} is not a year. Give the figure's year.")
    if str(r.get("split", "")) not in SPLITS:
        p.append(f"{where}: split {r.get('split')!r} must be fit or holdout.")
    return p


def validate_observations(
    counts: pd.DataFrame,
    times: pd.DataFrame,
    *,
    nodes: Sequence[str] | None = None,
    links: Sequence[str] | None = None,
    source_ids: Sequence[str] | None = None,
) -> list[str]:
    """Every problem of the two tables (empty when valid).

    Checks: required columns; unique ``obs_id``; known links/nodes and sources; a finite
    positive value (count) or ``0 < low <= high`` (time) in an allowed unit; ``split`` equal to
    :func:`holdout_split`.
    """
    n0, l0, s0 = _reference() if None in (nodes, links, source_ids) else (set(), set(), set())
    nodes_s = set(nodes) if nodes is not None else n0
    links_s = set(links) if links is not None else l0
    src_s = set(source_ids) if source_ids is not None else s0
    problems: list[str] = []
    for name, df, cols in (("counts.csv", counts, _COUNT_COLS), ("times.csv", times, _TIME_COLS)):
        missing = [c for c in cols if c not in df.columns and c != "note"]
        if missing:
            problems.append(f"{name}: missing column(s) {missing}. See OBSERVATIONS.md.")
    if problems:
        return problems
    ids = list(counts["obs_id"]) + list(times["obs_id"])
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        problems.append(f"observations: obs_id(s) {dup} repeat. Give each observation one id.")
    problems += _count_problems(counts, nodes_s, links_s, src_s)
    problems += _time_problems(times, nodes_s, links_s, src_s)
    problems += _split_problems(counts, times)
    return problems


def _count_problems(
    counts: pd.DataFrame, nodes_s: set[str], links_s: set[str], src_s: set[str]
) -> list[str]:
    """Problems of ``counts.csv``: the common fields, then value, unit and used_in_demand."""

    def row(r: dict[str, Any], where: str) -> list[str]:
        out = []
        v = _num(r["value"])
        if not (np.isfinite(v) and v > 0):
            out.append(f"{where}: value {r['value']!r} must be a finite number > 0.")
        if r["unit"] not in COUNT_UNITS:
            out.append(f"{where}: unit {r['unit']!r} must be one of {list(COUNT_UNITS)}.")
        if r["used_in_demand"] not in ("yes", "no"):
            out.append(f"{where}: used_in_demand must be yes or no.")
        return out

    return _row_problems(counts, "counts.csv", row, nodes_s, links_s, src_s)


def _time_problems(
    times: pd.DataFrame, nodes_s: set[str], links_s: set[str], src_s: set[str]
) -> list[str]:
    """Problems of ``times.csv``: the common fields, then the range, unit, kind and ends."""

    def row(r: dict[str, Any], where: str) -> list[str]:
        out = []
        lo, hi = _num(r["low"]), _num(r["high"])
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
            out.append(f"{where}: low {r['low']!r} and high {r['high']!r} need 0 < low <= high.")
        if r["unit"] not in TIME_UNITS:
            out.append(f"{where}: unit {r['unit']!r} must be one of {list(TIME_UNITS)}.")
        if r["kind"] == "transit_time":
            for end in ("origin", "destination"):
                if str(r[end]) not in nodes_s:
                    out.append(f"{where}: {end} {r[end]!r} is not a node of the network.")
        elif r["kind"] != "border_wait":
            out.append(f"{where}: kind {r['kind']!r} must be transit_time or border_wait.")
        return out

    return _row_problems(times, "times.csv", row, nodes_s, links_s, src_s)


def _row_problems(
    table: pd.DataFrame,
    file: str,
    row: Callable[[dict[str, Any], str], list[str]],
    nodes_s: set[str],
    links_s: set[str],
    src_s: set[str],
) -> list[str]:
    """Every row's problems: the fields all observations share, then the table's own (``row``)."""
    problems: list[str] = []
    for i, r in enumerate(table.to_dict("records")):
        where = f"{file} line {i + 2} ({r['obs_id']})"
        problems += _common(r, where, nodes_s, links_s, src_s)
        problems += row(r, where)
    return problems


def _split_problems(counts: pd.DataFrame, times: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    rows = list(counts["obs_id"]) + list(times["obs_id"])
    kinds = ["count"] * len(counts) + list(times["kind"])
    given = list(counts["split"]) + list(times["split"])
    for oid, want, got in zip(rows, holdout_split(rows, kinds), given, strict=True):
        if got in SPLITS and got != want:
            problems.append(
                f"observations: {oid} is marked {got!r} but the split rule gives {want!r}. "
                "The split is not chosen by hand: write what holdout_split() returns."
            )
    return problems


def load_observations(
    path: str | Path | None = None,
    *,
    nodes: Sequence[str] | None = None,
    links: Sequence[str] | None = None,
    source_ids: Sequence[str] | None = None,
) -> Observations:
    """Read and validate the observed counts and times.

    Parameters
    ----------
    path
        Folder holding ``counts.csv`` and ``times.csv``; default the bundled observations.
    nodes, links, source_ids
        Known ids for validation; default the bundled network's.

    Raises
    ------
    ObservationError
        Listing every problem (file, line, observation id, fix).

    Examples
    --------
    >>> obs = load_observations()
    >>> set(obs.counts["split"]) == {"fit", "holdout"}
    True
    """
    folder = bundled_observations_path() if path is None else Path(path)
    frames = []
    for name in ("counts.csv", "times.csv"):
        p = folder / name
        if not p.is_file():
            raise ObservationError(
                explain(
                    f"{p} does not exist.", fix="Give the folder with counts.csv and times.csv."
                )
            )
        try:
            frames.append(pd.read_csv(p, dtype=str, keep_default_na=False))
        except (ValueError, pd.errors.ParserError) as exc:
            raise ObservationError(explain(f"Cannot parse {p.name} as CSV: {exc}.")) from exc
    counts, times = frames
    problems = validate_observations(counts, times, nodes=nodes, links=links, source_ids=source_ids)
    if problems:
        raise ObservationError(
            explain(
                f"{len(problems)} problem(s) in the observations: " + " | ".join(problems[:8]),
                fix="Correct the rows named (see corridors/data/observations/OBSERVATIONS.md).",
            )
        )
    counts["value"] = counts["value"].astype(float)
    for c in ("low", "high"):
        times[c] = times[c].astype(float)
        times[f"{c}_h"] = np.where(times["unit"] == "days", times[c] * 24.0, times[c])
    return Observations(counts, times)
