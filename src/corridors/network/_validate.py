"""Reading and validating network tables; every problem is gathered, none stops the check.

Each problem is one line naming the file, the line in the file, the element and the fix.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from corridors.network._protocol import Tables
from corridors.network._schema import TABLES, UNIT_SUFFIXES, TableSpec
from corridors.network._validate_rows import (
    ISO2,
    KINDS,
    check_crossings,
    check_parameter_names,
    check_parameters,
    check_passages,
    check_rates,
    check_transfers,
    negatives,
    where_in,
)
from corridors.network.enums import Mode

_SUSPECT_UNITLESS = (
    "length",
    "distance",
    "speed",
    "capacity",
    "dwell",
    "tariff",
    "cost",
    "time",
    "handling",
    "co2",
    "lat",
    "lon",
)


def read_tables(folder: Path) -> tuple[Tables, list[str]]:
    """Read the six network CSV files of ``folder``.

    Parameters
    ----------
    folder
        Network folder.

    Returns
    -------
    tables, problems
        Tables by file stem (``"nodes"``…) and the problems met while reading.
    """
    tables: Tables = {}
    problems: list[str] = []
    for spec in TABLES:
        stem = spec.file.removesuffix(".csv")
        path = folder / spec.file
        if not path.is_file() and spec.optional_file:
            tables[stem] = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.columns})
            for col in spec.numeric:
                tables[stem][col] = tables[stem][col].astype(float)
            continue
        if not path.is_file():
            problems.append(
                f"{spec.file}: file is missing from {folder}. Add it with the columns "
                f"{', '.join(spec.required)} (see docs/data-model.md)."
            )
            tables[stem] = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.columns})
            continue
        try:
            df = pd.read_csv(
                path, dtype=str, keep_default_na=False, skipinitialspace=True, comment=None
            )
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            problems.append(
                f"{spec.file}: cannot be parsed as CSV ({str(exc).strip()}). Check quoting and "
                "the number of commas per line."
            )
            tables[stem] = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.columns})
            continue
        df.columns = [c.strip() for c in df.columns]
        problems += _check_columns(spec, df)
        for col in spec.columns:
            if col not in df.columns:
                df[col] = ""
        df = df.apply(lambda s: s.str.strip()) if len(df) else df
        problems += _parse_numbers(spec, df)
        tables[stem] = df
    # Optional per-element capacities (network/_capacity.py).
    from corridors.network._capacity import read_capacities

    tables["capacities"], cap_problems = read_capacities(folder)
    return tables, problems + cap_problems


def _check_columns(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    problems = []
    missing = [c for c in spec.required if c not in df.columns]
    if missing:
        problems.append(
            f"{spec.file}: required column(s) {', '.join(missing)} missing. Add them "
            "(see docs/data-model.md)."
        )
    known = set(spec.columns)
    for col in df.columns:
        if col in known:
            continue
        low = col.lower()
        if any(low.startswith(s) for s in _SUSPECT_UNITLESS) and not low.endswith(UNIT_SUFFIXES):
            problems.append(
                f"{spec.file}: column {col!r} has no unit. Rename it with its unit, e.g. "
                f"{col}_km, {col}_h or {col}_usd_per_teu, as listed in docs/data-model.md."
            )
    return problems


# Largest physically sensible value of node and link figures (crossings, transfers and
# parameters have their own ranges below). Anything above is a typo or an overflow.
UPPER_BOUNDS: dict[str, dict[str, float]] = {
    "nodes.csv": {
        "handling_h": 8760.0,  # a year
        "handling_usd_per_teu": 1e5,
        "handling_usd_per_t": 1e4,
    },
    "links.csv": {
        "length_km": 40_075.0,  # the equator
        "speed_kmh": 1200.0,  # faster than any freighter
        "capacity_teu_per_day": 1e7,
        "sailings_per_week": 1000.0,
    },
}
"""File → column → largest accepted value (in the column's unit)."""


def _parse_numbers(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    problems = []
    for col in spec.numeric:
        raw = df[col].replace("", np.nan)
        num = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & num.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(
                f"{where_in(spec, df, int(i))}: {col} = {df.at[int(i), col]!r} is not a number. "
                "Write a plain number in the unit the column name gives (no units or commas)."
            )
        if col in spec.required:
            for i in np.flatnonzero(raw.isna().to_numpy()):
                problems.append(
                    f"{where_in(spec, df, int(i))}: required {col} is empty. Give the figure "
                    "(with its source); an empty value would be read as unknown or zero."
                )
        df[col] = num.astype(float)
    return problems


def _check_ranges(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    """Node and link figures beyond :data:`UPPER_BOUNDS` (infinite ones: ``_check_finite``)."""
    problems = []
    for col, hi in UPPER_BOUNDS.get(spec.file, {}).items():
        if col not in df.columns:
            continue
        arr = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            over = np.isfinite(arr) & (np.abs(arr) > hi)
        for i in np.flatnonzero(over):
            problems.append(
                f"{where_in(spec, df, int(i))}: {col} = {arr[i]:g} is beyond the physical "
                f"range (at most {hi:g}). Check the unit and the number of digits."
            )
    return problems


def validate_tables(t: Tables) -> list[str]:
    """Check network tables against the data model.

    Parameters
    ----------
    t
        Tables as returned by :func:`read_tables`.

    Returns
    -------
    list of str
        Every problem found, each with file, line and fix; empty when the network is valid.
    """
    from corridors.network import _schema as schema

    problems: list[str] = []
    for spec in (schema.NODES, schema.LINKS):
        problems += _check_ranges(spec, t[spec.file.removesuffix(".csv")])
    source_ids = set(t["sources"]["source_id"])
    problems += _check_unique(schema.SOURCES, t["sources"])
    problems += _check_unique(schema.NODES, t["nodes"])
    problems += _check_unique(schema.LINKS, t["links"])
    problems += _check_nodes(t["nodes"])
    if "capacities" in t:  # optional per-element capacities (network/_capacity.py)
        from corridors.network._capacity import validate_capacities

        problems += validate_capacities(t["capacities"], t["links"], t["nodes"], source_ids)
    problems += _check_links(t["links"], t["nodes"])
    for spec in (schema.NODES, schema.LINKS):
        problems += _check_group_provenance(spec, t[spec.file.removesuffix(".csv")], source_ids)
    for spec in (
        schema.CROSSINGS,
        schema.TRANSFERS,
        schema.PARAMETERS,
        schema.RATES,
        schema.PASSAGES,
    ):
        if spec.file.removesuffix(".csv") in t:
            problems += _check_row_provenance(spec, t[spec.file.removesuffix(".csv")], source_ids)
    for spec in schema.TABLES:
        if spec.file.removesuffix(".csv") in t:
            problems += _check_finite(spec, t[spec.file.removesuffix(".csv")])
    problems += _check_coords_provenance(t["nodes"], source_ids)
    problems += check_crossings(t["crossings"], t["links"], t["nodes"])
    problems += check_transfers(t["transfers"], t["nodes"], t["links"])
    problems += check_parameters(t["parameters"], t["links"])
    problems += check_parameter_names(t["parameters"], t["links"], t["nodes"])
    if "rates" in t:
        problems += check_rates(t["rates"], t["links"])
    if "passages" in t:
        problems += check_passages(t["passages"], t["links"])
    problems += _check_connected(t["nodes"], t["links"])
    return problems


def _check_unique(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    if not spec.key or spec.key not in df.columns:
        return []
    problems = []
    dup = df[spec.key].duplicated(keep="first")
    for i in np.flatnonzero(dup.to_numpy()):
        first = int(np.flatnonzero((df[spec.key] == df.at[int(i), spec.key]).to_numpy())[0]) + 2
        problems.append(
            f"{where_in(spec, df, int(i))}: duplicate {spec.key}, first used on line {first}. "
            "Give each row its own id."
        )
    for i in np.flatnonzero((df[spec.key] == "").to_numpy()):
        problems.append(f"{spec.file} line {int(i) + 2}: empty {spec.key}. Give the row an id.")
    return problems


def _check_nodes(nodes: pd.DataFrame) -> list[str]:
    from corridors.network._schema import NODES

    problems = []
    for i, row in nodes.iterrows():
        where = where_in(NODES, nodes, int(i))
        if row["country"] not in ISO2:
            problems.append(
                f"{where}: unknown country code {row['country']!r}. Use an ISO 3166-1 alpha-2 "
                "code such as KZ, CN, AZ."
            )
        if row["kind"] not in KINDS:
            problems.append(
                f"{where}: unknown kind {row['kind']!r}. Use one of {', '.join(sorted(KINDS))}."
            )
        lat, lon = row["lat_deg"], row["lon_deg"]
        if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
            problems.append(
                f"{where}: coordinates ({lat}, {lon}) are outside the globe. Give latitude in "
                "[-90, 90] and longitude in [-180, 180] degrees."
            )
        problems += negatives(
            where, row, ("handling_h", "handling_usd_per_teu", "handling_usd_per_t")
        )
    return problems


def _check_links(links: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    from corridors.network._schema import LINKS

    problems = []
    node_ids = set(nodes["node_id"])
    for i, row in links.iterrows():
        where = where_in(LINKS, links, int(i))
        for end in ("from_node", "to_node"):
            if row[end] not in node_ids:
                problems.append(
                    f"{where}: {end} {row[end]!r} is not a node. Add it to nodes.csv or fix the id."
                )
        if row["from_node"] == row["to_node"]:
            problems.append(f"{where}: link starts and ends at {row['from_node']!r}. Remove it.")
        problems += _mode_problems(where, row)
        if not row["length_km"] > 0:
            problems.append(
                f"{where}: length_km must be positive, got {row['length_km']}. Give the route "
                "length in km."
            )
        problems += negatives(
            where, row, ("speed_kmh", "capacity_teu_per_day", "sailings_per_week")
        )
        if row["speed_kmh"] == 0:
            problems.append(f"{where}: speed_kmh is 0. Give a positive speed or leave it empty.")
        if row["bidirectional"] not in ("", "true", "false", "True", "False", "1", "0"):
            problems.append(f"{where}: bidirectional must be true or false.")
    return problems


def _or(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def _mode_problems(where: str, row: pd.Series) -> list[str]:
    """Problems of a link's mode: unknown, gauge (gauged modes only), sailings (scheduled)."""
    mode, gauge = row["mode"], row["gauge_mm"]
    if mode not in Mode:
        return [
            f"{where}: unknown mode {mode!r}. Use one of {', '.join(m.value for m in Mode)}, "
            "or add the mode with corridors.network.register_mode()."
        ]
    spec = Mode(mode).spec
    gauges = _or([str(g) for g in spec.gauges_mm])
    out = []
    if spec.gauges_mm and np.isnan(gauge):
        out.append(f"{where}: {mode} link without gauge_mm. Give {gauges}.")
    elif spec.gauges_mm and int(gauge) not in spec.gauges_mm:
        out.append(f"{where}: gauge_mm {gauge:g} is not a known gauge. Use {gauges}.")
    elif not spec.gauges_mm and not np.isnan(gauge):
        gauged = _or([m.value for m in Mode if m.spec.gauges_mm])
        out.append(
            f"{where}: gauge_mm given on a {mode} link. Only {gauged} links have a gauge; "
            "leave it empty."
        )
    if spec.scheduled and row["sailings_per_week"] == 0:
        out.append(
            f"{where}: sailings_per_week is 0, so no ship ever leaves. Give the frequency or "
            "remove the link."
        )
    return out


def _provenance_problem(
    where: str, what: str, source: str, year: str, note: str, source_ids: set[str]
) -> str | None:
    if source == "":
        return (
            f"{where}: {what} has no source. Give a source_id from sources.csv and a year, "
            "or 'estimate' with a note on the method."
        )
    if source == "estimate":
        if note == "":
            return f"{where}: {what} is an estimate without a method. Say how it was made in note."
        return None
    unknown = [s for s in source.replace(",", ";").split(";") if s.strip() not in source_ids]
    if unknown:
        return (
            f"{where}: {what} cites unknown source(s) {', '.join(unknown)}. Add them to "
            "sources.csv or fix the id."
        )
    if year == "":
        return f"{where}: {what} cites {source} but gives no year. Add the year of the figure."
    return None


def _check_group_provenance(spec: TableSpec, df: pd.DataFrame, source_ids: set[str]) -> list[str]:
    problems = []
    for group, cols in spec.groups.items():
        src, year, note = (f"{group}_source", f"{group}_year", f"{group}_note")
        has_value = df[list(cols)].notna().any(axis=1).to_numpy()
        for i in np.flatnonzero(has_value):
            p = _provenance_problem(
                where_in(spec, df, int(i)),
                "/".join(cols),
                df.at[int(i), src],
                df.at[int(i), year],
                df.at[int(i), note],
                source_ids,
            )
            if p:
                problems.append(p)
    return problems


def _check_row_provenance(spec: TableSpec, df: pd.DataFrame, source_ids: set[str]) -> list[str]:
    problems = []
    for i in range(len(df)):
        p = _provenance_problem(
            where_in(spec, df, i),
            "the row's figures",
            df.at[i, "source"],
            df.at[i, "year"],
            df.at[i, "note"],
            source_ids,
        )
        if p:
            problems.append(p)
    return problems


def _check_coords_provenance(nodes: pd.DataFrame, source_ids: set[str]) -> list[str]:
    from corridors.network._schema import NODES

    problems = []
    for i in range(len(nodes)):
        src = nodes.at[i, "coord_source"]
        if src == "UNLOCODE":
            continue
        p = _provenance_problem(
            where_in(NODES, nodes, i),
            "the coordinates",
            src,
            "n.d.",
            nodes.at[i, "coord_note"],
            source_ids,
        )
        if p:
            problems.append(p)
    return problems


def _components(n: int, u: np.ndarray, v: np.ndarray) -> tuple[int, np.ndarray]:
    """Connected components of an undirected graph (union-find); labels numbered in order of
    each component's lowest vertex."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    labels = np.empty(n, dtype=np.int64)
    number: dict[int, int] = {}
    for x in range(n):
        labels[x] = number.setdefault(root(x), len(number))
    return len(number), labels


def _check_connected(nodes: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    ids = list(nodes["node_id"])
    if not ids:
        return ["nodes.csv: the network has no nodes. Add at least two nodes and a link."]
    index = {n: k for k, n in enumerate(ids)}
    ok = links["from_node"].isin(index) & links["to_node"].isin(index)
    u = links.loc[ok, "from_node"].map(index).to_numpy(dtype=np.int64)
    v = links.loc[ok, "to_node"].map(index).to_numpy(dtype=np.int64)
    n = len(ids)
    count, labels = _components(n, u, v)
    if count <= 1:
        return []
    main = np.bincount(labels).argmax()
    problems = []
    for comp in range(count):
        if comp == main:
            continue
        members = [ids[k] for k in np.flatnonzero(labels == comp)]
        shown = ", ".join(members[:8]) + (" ..." if len(members) > 8 else "")
        problems.append(
            f"nodes.csv: {len(members)} node(s) form an island not connected to the rest of the "
            f"network: {shown}. Add a link joining them or remove them."
        )
    return problems


def _check_finite(spec: TableSpec, df: pd.DataFrame) -> list[str]:
    """Every number must be finite (``inf`` parses as a number but is no figure)."""
    problems = []
    for col in spec.numeric:
        if col not in df.columns:
            continue
        vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero(np.isinf(vals)):
            problems.append(
                f"{where_in(spec, df, int(i))}: {col} is infinite. Give a finite number in the "
                "unit the column name gives."
            )
    return problems
