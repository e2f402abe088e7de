"""Per-element, per-direction capacities (``capacities.csv``, optional in a network folder).

One row gives the capacity of one element in one direction:

- ``element_type = link``: ``element_id`` is a ``link_id``; ``direction`` is ``forward``,
  ``reverse`` or ``both``.
- ``element_type = transfer``: ``element_id`` is a node; ``direction`` names the two ports,
  ``rail1435>rail1520`` (from > to), or ``both`` with ``ports = rail1435|rail1520``. Gauge
  changes (``gauge_change``) and port berths (``mode_change`` rail <-> ferry/sea) are transfers.

``capacity_teu_per_day`` is the element's throughput when all of it carries containers and
``capacity_t_per_day`` when all of it carries bulk. The compiled graph holds one capacity per
arc in TEU-equivalent per day (bulk tonnes load it at :data:`BULK_TEU_EQ_PER_T`):

- ``shared = true`` (train paths, berths used by both): the TEU figure (or the tonne figure
  x :data:`BULK_TEU_EQ_PER_T` when only that is given);
- ``shared = false`` (separate container and bulk facilities, e.g. container cranes and a
  grain terminal): the TEU figure plus the tonne figure x :data:`BULK_TEU_EQ_PER_T`.

A row replaces the link's ``capacity_teu_per_day`` (links.csv or class default) in that
direction; elements without a row keep it. Transfers without a row stay uncongested. Congested
transfers queue like border links (``vdf`` 2, service time one train of ``teu_per_train``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.network.enums import ARC_GAUGE, ARC_MODE, PORTS, VDF

if TYPE_CHECKING:
    from corridors.network._arcs import ArcBlock
    from corridors.network._protocol import NetworkTables

__all__ = [
    "BULK_TEU_EQ_PER_T",
    "BULK_T_PER_TRAIN",
    "CAPACITY_COLUMNS",
    "TEU_PER_TRAIN",
    "link_capacities",
    "read_capacities",
    "transfer_capacities",
    "validate_capacities",
]

TEU_PER_TRAIN = 86.0
"""Net load of one container train path, TEU: the 43-FEU block train of B20 (S58c), the
``global teu_per_train`` of the bundled parameters.csv. Line capacities count train paths x this."""

BULK_T_PER_TRAIN = 3700.0
"""Net load of one bulk train on the same path, tonnes: ~55 wagons x ~67 t net per wagon
(KTZ loading figures, method M150 in SOURCES.md)."""

BULK_TEU_EQ_PER_T = TEU_PER_TRAIN / BULK_T_PER_TRAIN
"""TEU-equivalent of one tonne of bulk on shared capacity: one bulk train takes one path whatever
it carries, so 86 TEU ≙ 3,700 t (M150; was 114/3,900, which counted a bulk path as 2,942 t).
The only definition: ``corridors.assignment._from_network.BULK_PCE_TEU_PER_T``,
``tools/build_capacities.py`` and the bulk ``pce_teu_per_unit`` of ``data/model/classes.csv``
(checked by tests/network/test_capacity.py) use it."""

FILE = "capacities.csv"
REQUIRED = ("element_type", "element_id", "direction", "source")
OPTIONAL = (
    "ports",
    "trains_per_day",
    "net_load_teu_per_train",
    "net_load_t_per_train",
    "capacity_teu_per_day",
    "capacity_t_per_day",
    "shared",
    "year",
    "method",
    "note",
)
NUMERIC = (
    "trains_per_day",
    "net_load_teu_per_train",
    "net_load_t_per_train",
    "capacity_teu_per_day",
    "capacity_t_per_day",
)
CAPACITY_COLUMNS = REQUIRED + OPTIONAL


def empty_capacities() -> pd.DataFrame:
    """An empty capacities table with all columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CAPACITY_COLUMNS})


def read_capacities(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read ``capacities.csv`` of a network folder (an empty table when there is none).

    Returns
    -------
    table, problems
        Numbers parsed (NaN when empty); problems met while reading.
    """
    path = folder / FILE
    if not path.is_file():
        return empty_capacities(), []
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        return empty_capacities(), [
            f"{FILE}: cannot be parsed as CSV ({str(exc).strip()}). Check quoting and commas."
        ]
    df.columns = [c.strip() for c in df.columns]
    problems = []
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        problems.append(
            f"{FILE}: required column(s) {', '.join(missing)} missing. Add them (see "
            "docs/data-model.md, capacities)."
        )
    for col in CAPACITY_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    df = df.apply(lambda s: s.str.strip()) if len(df) else df
    for col in NUMERIC:
        raw = df[col].replace("", np.nan)
        num = pd.to_numeric(raw, errors="coerce")
        for i in np.flatnonzero((raw.notna() & num.isna()).to_numpy()):
            problems.append(
                f"{FILE} line {i + 2}: {col} = {df.at[int(i), col]!r} is not a number. Write a "
                "plain number in the unit the column name gives."
            )
        df[col] = num.astype(float)
    return df, problems


def _directions(row: pd.Series) -> list[str]:
    """Directions a row stands for: link ``forward``/``reverse``; transfer ``a>b``."""
    d = str(row["direction"])
    if row["element_type"] == "link":
        return ["forward", "reverse"] if d == "both" else [d]
    if d == "both":
        a, _, b = str(row["ports"]).partition("|")
        return [f"{a}>{b}", f"{b}>{a}"]
    return [d]


def teu_equivalent(row: pd.Series) -> float:
    """Compiled capacity of a row in TEU-equivalent per day (see module docstring)."""
    teu, t = float(row["capacity_teu_per_day"]), float(row["capacity_t_per_day"])
    shared = str(row["shared"]).lower() not in ("false", "0", "no")
    if np.isnan(teu):
        return t * BULK_TEU_EQ_PER_T
    if shared or np.isnan(t):
        return teu
    return teu + t * BULK_TEU_EQ_PER_T


def validate_capacities(
    cap: pd.DataFrame,
    links: pd.DataFrame,
    nodes: pd.DataFrame,
    source_ids: set[str],
) -> list[str]:
    """Check the capacities table against the links, nodes and sources.

    Returns one line per problem: unknown element or direction, a non-finite or non-positive
    capacity, figures that disagree (``trains_per_day x net load``), a missing source.
    """
    problems: list[str] = []
    link_bidir = {
        str(r["link_id"]): str(r.get("bidirectional", "")).lower() not in ("false", "0")
        for _, r in links.iterrows()
    }
    node_ids = set(nodes["node_id"])
    seen: set[tuple[str, str, str]] = set()
    for i, r in cap.iterrows():
        where = f"{FILE} line {int(i) + 2} ({r['element_type']} {r['element_id']!r})"
        found, known = _element_problems(where, r, link_bidir, node_ids)
        problems += found
        if not known:
            continue  # an unknown element's figures cannot be checked
        for dd in _directions(r):
            key = (str(r["element_type"]), str(r["element_id"]), dd)
            if key in seen:
                problems.append(f"{where}: direction {dd} given twice. Keep one row.")
            seen.add(key)
        problems += _figure_problems(where, r)
        problems += _source_problems(where, r, source_ids)
    return problems


def _element_problems(
    where: str, r: pd.Series, link_bidir: dict[str, bool], node_ids: set[str]
) -> tuple[list[str], bool]:
    """Unknown element, direction or ports of a row (a one-way link's reverse row too), and
    whether the element is known (its figures can then be checked)."""
    et, eid, d = str(r["element_type"]), str(r["element_id"]), str(r["direction"])
    if et == "link":
        if eid not in link_bidir:
            return [f"{where}: link_id {eid!r} is not in links.csv. Fix the id."], False
        if d not in ("forward", "reverse", "both"):
            return [f"{where}: direction {d!r} must be forward, reverse or both."], False
        if d in ("reverse", "both") and not link_bidir[eid]:
            return [f"{where}: the link is one-way; use direction forward."], True
        return [], True
    if et != "transfer":
        return [f"{where}: element_type {et!r} must be link or transfer."], False
    if eid not in node_ids:
        return [f"{where}: node {eid!r} is not in nodes.csv. Fix the id."], False
    pairs = [str(r["ports"]).partition("|")[::2]] if d == "both" else [d.partition(">")[::2]]
    bad = [p for pa in pairs for p in pa if p not in PORTS]
    if bad:
        return [
            f"{where}: ports {bad} unknown. Write direction as 'rail1435>rail1520' or "
            f"'both' with ports 'rail1435|rail1520' (ports: {', '.join(PORTS)})."
        ], False
    return [], True


def _figure_problems(where: str, r: pd.Series) -> list[str]:
    """Missing or non-positive capacities; trains x load that disagrees with the capacity."""
    problems = []
    teu, t = r["capacity_teu_per_day"], r["capacity_t_per_day"]
    if np.isnan(teu) and np.isnan(t):
        problems.append(
            f"{where}: no capacity. Give capacity_teu_per_day and/or capacity_t_per_day."
        )
    for col, v in (("capacity_teu_per_day", teu), ("capacity_t_per_day", t)):
        if not np.isnan(v) and not (np.isfinite(v) and v > 0):
            problems.append(f"{where}: {col} = {v} must be a finite number > 0.")
    trains = r["trains_per_day"]
    for col, load in (
        ("capacity_teu_per_day", r["net_load_teu_per_train"]),
        ("capacity_t_per_day", r["net_load_t_per_train"]),
    ):
        v = r[col]
        given = not (np.isnan(trains) or np.isnan(load) or np.isnan(v))
        if given and abs(trains * load - v) > 0.01 * max(v, 1.0):
            problems.append(
                f"{where}: {col} = {v:g} differs from trains_per_day x net load = "
                f"{trains * load:g}. Make them agree."
            )
    return problems


def _source_problems(where: str, r: pd.Series, source_ids: set[str]) -> list[str]:
    """A capacity without a source, an estimate without a method, unknown sources, no year."""
    src, year = str(r["source"]), str(r["year"])
    note = f"{r['method']} {r['note']}".strip()
    if src == "":
        return [
            f"{where}: the capacity has no source. Give a source_id from sources.csv and "
            "a year, or 'estimate' with a method."
        ]
    if src == "estimate":
        return [] if note else [f"{where}: an estimate without a method. Name it in method."]
    unknown = [s for s in src.replace(",", ";").split(";") if s.strip() not in source_ids]
    if unknown:
        return [
            f"{where}: cites unknown source(s) {', '.join(unknown)}. Add them to "
            "sources.csv or fix the id."
        ]
    if year == "":
        return [f"{where}: cites {src} but gives no year. Add the year."]
    return []


def _table(net: NetworkTables) -> pd.DataFrame:
    return net.tables.get("capacities", empty_capacities())


def link_capacities(net: NetworkTables) -> dict[tuple[str, str], float]:
    """``(link_id, forward|reverse)`` -> capacity in TEU-equivalent per day, from the table."""
    out: dict[tuple[str, str], float] = {}
    cap = _table(net)
    for _, r in cap[cap["element_type"] == "link"].iterrows():
        v = teu_equivalent(r)
        for d in _directions(r):
            out[(str(r["element_id"]), d)] = v
    return out


def transfer_capacities(net: NetworkTables) -> dict[tuple[str, str, str], float]:
    """``(node_id, from_port, to_port)`` -> capacity in TEU-equivalent per day."""
    out: dict[tuple[str, str, str], float] = {}
    cap = _table(net)
    for _, r in cap[cap["element_type"] == "transfer"].iterrows():
        v = teu_equivalent(r)
        for d in _directions(r):
            a, _, b = d.partition(">")
            out[(str(r["element_id"]), a, b)] = v
    return out


def apply_link_capacities(net: NetworkTables, links: pd.DataFrame) -> None:
    """Replace ``capacity_teu_per_day`` of directed links that have a row (in place)."""
    caps = link_capacities(net)
    if not caps:
        links["capacity_from_table"] = False
        return
    key = list(zip(links["link_id"], links["direction"], strict=True))
    new = np.array([caps.get(k, np.nan) for k in key], dtype=float)
    hit = ~np.isnan(new)
    links.loc[hit, "capacity_teu_per_day"] = new[hit]
    links["capacity_from_table"] = hit


def apply_transfer_capacities(
    net: NetworkTables,
    arcs: ArcBlock,
    vertex_node: np.ndarray,
    vertex_port: np.ndarray,
) -> ArcBlock:
    """``arcs`` with transfer arcs that have a table row given their capacity and a queue.

    The queue is that of border links: ``vdf`` 2, service time one train of ``teu_per_train``
    (``vdf_alpha = 24 h x teu_per_train / capacity``, ``vdf_beta = 1``).
    """
    caps = transfer_capacities(net)
    if not caps:
        return arcs
    node_ids = np.asarray(net.nodes.index, dtype=object)
    tpt = net.parameter("global", "teu_per_train", default=86.0)
    cap, vdf = arcs.capacity_teu_per_day.copy(), arcs.vdf.copy()
    alpha, beta = arcs.vdf_alpha.copy(), arcs.vdf_beta.copy()
    for a in np.flatnonzero((arcs.kind == ARC_GAUGE) | (arcs.kind == ARC_MODE)):
        t, h = int(arcs.tail[a]), int(arcs.head[a])
        c = caps.get((str(node_ids[vertex_node[t]]), str(vertex_port[t]), str(vertex_port[h])))
        if c is not None and np.isfinite(c) and c > 0:
            cap[a], vdf[a], alpha[a], beta[a] = c, float(VDF.QUEUE), 24.0 * tpt / c, 1.0
    return replace(arcs, capacity_teu_per_day=cap, vdf=vdf, vdf_alpha=alpha, vdf_beta=beta)


def scale_link_capacities(
    cap: pd.DataFrame, link_ids: set[str], *, factor: float | None = None, drop: bool = False
) -> pd.DataFrame:
    """Scenario support: multiply (or drop, when a figure is set) the rows of some links."""
    sel = (cap["element_type"] == "link") & cap["element_id"].isin(link_ids)
    if drop:
        return cap[~sel].reset_index(drop=True)
    out = cap.copy()
    if factor is not None:
        for col in ("capacity_teu_per_day", "capacity_t_per_day", "trains_per_day"):
            out.loc[sel, col] = out.loc[sel, col].astype(float) * factor
    return out


def drop_missing_elements(
    cap: pd.DataFrame, links: pd.DataFrame, nodes: pd.DataFrame
) -> pd.DataFrame:
    """Scenario support: rows whose link or node was removed go too."""
    keep = ((cap["element_type"] == "link") & cap["element_id"].isin(set(links["link_id"]))) | (
        (cap["element_type"] == "transfer") & cap["element_id"].isin(set(nodes["node_id"]))
    )
    return cap[keep].reset_index(drop=True)
