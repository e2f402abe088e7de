"""Reading and validating network tables; every problem is gathered, none stops the check.

Each problem is one line naming the file, the line in the file, the element and the fix.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from corridors._iso3166 import ALPHA2
from corridors.errors import InvalidSpecError
from corridors.network._schema import (
    CLASS_REQUIRED,
    GLOBAL_PARAMETERS,
    PARAMETER_RANGES,
    PORTS,
    TABLES,
    UNIT_SUFFIXES,
    TableSpec,
)
from corridors.network.enums import GAUGES_MM, CargoClass, Mode, NodeKind, Operation, TransferKind

Tables = dict[str, pd.DataFrame]

_ISO2 = frozenset(ALPHA2)
_MODES = {m.value for m in Mode}
_KINDS = {k.value for k in NodeKind}
_TRANSFER_KINDS = {k.value for k in TransferKind}
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


def _where(spec: TableSpec, df: pd.DataFrame, i: int) -> str:
    line = i + 2  # header is line 1
    if spec.key and spec.key in df.columns:
        return f"{spec.file} line {line} ({spec.key} {df.at[i, spec.key]!r})"
    return f"{spec.file} line {line}"


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
                f"{_where(spec, df, int(i))}: {col} = {df.at[int(i), col]!r} is not a number. "
                "Write a plain number in the unit the column name gives (no units or commas)."
            )
        if col in spec.required:
            for i in np.flatnonzero(raw.isna().to_numpy()):
                problems.append(
                    f"{_where(spec, df, int(i))}: required {col} is empty. Give the figure "
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
                f"{_where(spec, df, int(i))}: {col} = {arr[i]:g} is beyond the physical "
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
    problems += _check_crossings(t["crossings"], t["links"], t["nodes"])
    problems += _check_transfers(t["transfers"], t["nodes"], t["links"])
    problems += _check_parameters(t["parameters"], t["links"])
    problems += _check_parameter_names(t["parameters"], t["links"], t["nodes"])
    if "rates" in t:
        problems += _check_rates(t["rates"], t["links"])
    if "passages" in t:
        problems += _check_passages(t["passages"], t["links"])
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
            f"{_where(spec, df, int(i))}: duplicate {spec.key}, first used on line {first}. "
            "Give each row its own id."
        )
    for i in np.flatnonzero((df[spec.key] == "").to_numpy()):
        problems.append(f"{spec.file} line {int(i) + 2}: empty {spec.key}. Give the row an id.")
    return problems


def _check_nodes(nodes: pd.DataFrame) -> list[str]:
    from corridors.network._schema import NODES

    problems = []
    for i, row in nodes.iterrows():
        where = _where(NODES, nodes, int(i))
        if row["country"] not in _ISO2:
            problems.append(
                f"{where}: unknown country code {row['country']!r}. Use an ISO 3166-1 alpha-2 "
                "code such as KZ, CN, AZ."
            )
        if row["kind"] not in _KINDS:
            problems.append(
                f"{where}: unknown kind {row['kind']!r}. Use one of {', '.join(sorted(_KINDS))}."
            )
        lat, lon = row["lat_deg"], row["lon_deg"]
        if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
            problems.append(
                f"{where}: coordinates ({lat}, {lon}) are outside the globe. Give latitude in "
                "[-90, 90] and longitude in [-180, 180] degrees."
            )
        for col in ("handling_h", "handling_usd_per_teu", "handling_usd_per_t"):
            if row[col] < 0:
                problems.append(f"{where}: {col} is negative ({row[col]}). Use a value >= 0.")
    return problems


def _check_links(links: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:  # noqa: C901 (a flat list of row checks)
    from corridors.network._schema import LINKS

    problems = []
    node_ids = set(nodes["node_id"])
    for i, row in links.iterrows():
        where = _where(LINKS, links, int(i))
        for end in ("from_node", "to_node"):
            if row[end] not in node_ids:
                problems.append(
                    f"{where}: {end} {row[end]!r} is not a node. Add it to nodes.csv or fix the id."
                )
        if row["from_node"] == row["to_node"]:
            problems.append(f"{where}: link starts and ends at {row['from_node']!r}. Remove it.")
        mode = row["mode"]
        if mode not in _MODES:
            problems.append(
                f"{where}: unknown mode {mode!r}. Use one of {', '.join(sorted(_MODES))}."
            )
        gauge = row["gauge_mm"]
        if mode == "rail":
            if np.isnan(gauge):
                problems.append(f"{where}: rail link without gauge_mm. Give 1435, 1520 or 1668.")
            elif int(gauge) not in GAUGES_MM:
                problems.append(
                    f"{where}: gauge_mm {gauge:g} is not a known gauge. Use 1435, 1520 or 1668."
                )
        elif not np.isnan(gauge):
            problems.append(
                f"{where}: gauge_mm given on a {mode} link. Only rail links have a gauge; "
                "leave it empty."
            )
        if not row["length_km"] > 0:
            problems.append(
                f"{where}: length_km must be positive, got {row['length_km']}. Give the route "
                "length in km."
            )
        for col in ("speed_kmh", "capacity_teu_per_day", "sailings_per_week"):
            if row[col] < 0:
                problems.append(f"{where}: {col} is negative ({row[col]:g}). Use a value >= 0.")
        if row["speed_kmh"] == 0:
            problems.append(f"{where}: speed_kmh is 0. Give a positive speed or leave it empty.")
        if mode in ("ferry", "sea") and row["sailings_per_week"] == 0:
            problems.append(
                f"{where}: sailings_per_week is 0, so no ship ever leaves. Give the frequency or "
                "remove the link."
            )
        if row["bidirectional"] not in ("", "true", "false", "True", "False", "1", "0"):
            problems.append(f"{where}: bidirectional must be true or false.")
    return problems


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
                _where(spec, df, int(i)),
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
            _where(spec, df, i),
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
            _where(NODES, nodes, i),
            "the coordinates",
            src,
            "n.d.",
            nodes.at[i, "coord_note"],
            source_ids,
        )
        if p:
            problems.append(p)
    return problems


def _check_crossings(cross: pd.DataFrame, links: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    from corridors.network._schema import CROSSINGS, LINKS

    problems = []
    country = dict(zip(nodes["node_id"], nodes["country"], strict=False))
    link_ids = set(links["link_id"])
    seen: dict[tuple[str, str], int] = {}
    for i, row in cross.iterrows():
        where = _where(CROSSINGS, cross, int(i))
        if row["link_id"] not in link_ids:
            problems.append(f"{where}: link_id {row['link_id']!r} is not in links.csv. Fix the id.")
        if row["direction"] not in ("forward", "reverse"):
            problems.append(f"{where}: direction must be 'forward' or 'reverse'.")
        key = (row["link_id"], row["direction"])
        if key in seen:
            problems.append(
                f"{where}: second row for {key}; first on line {seen[key]}. Merge them."
            )
        seen[key] = int(i) + 2
        for col in ("dwell_h", "dwell_p90_h", "cost_usd_per_teu", "cost_usd_per_t"):
            if row[col] < 0:
                problems.append(f"{where}: {col} is negative ({row[col]:g}). Use a value >= 0.")
        problems += _above(where, row, _CROSSING_MAX)
        if row["dwell_p90_h"] < row["dwell_h"]:
            problems.append(f"{where}: dwell_p90_h is below the median dwell_h. Swap or fix them.")
    for i, row in links.iterrows():
        a, b = country.get(row["from_node"]), country.get(row["to_node"])
        if a is None or b is None or a == b:
            continue
        dirs = ["forward"]
        if str(row["bidirectional"]).lower() not in ("false", "0"):
            dirs.append("reverse")
        for d in dirs:
            if (row["link_id"], d) not in seen:
                problems.append(
                    f"{_where(LINKS, links, int(i))}: crosses the {a}-{b} border but crossings.csv "
                    f"has no {d} row for it. Add its dwell_h with a source."
                )
    return problems


def _check_transfers(tr: pd.DataFrame, nodes: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    from corridors.network._schema import TRANSFERS

    problems = []
    node_ids = set(nodes["node_id"])
    for i, row in tr.iterrows():
        where = _where(TRANSFERS, tr, int(i))
        if row["node_id"] != "*" and row["node_id"] not in node_ids:
            problems.append(f"{where}: node_id {row['node_id']!r} is not a node. Fix the id.")
        if row["kind"] not in _TRANSFER_KINDS:
            problems.append(f"{where}: kind must be gauge_change or mode_change.")
        if row["kind"] == "gauge_change" and row["node_id"] == "*":
            problems.append(f"{where}: a gauge change needs a facility; name its node, not '*'.")
        for col in ("port_a", "port_b"):
            if row[col] not in PORTS:
                problems.append(
                    f"{where}: {col} {row[col]!r} is not a port. Use one of {', '.join(PORTS)}."
                )
        if row["port_a"] in PORTS and row["port_b"] in PORTS:
            try:
                Operation.transfer(row["port_a"], row["port_b"])
            except InvalidSpecError:
                problems.append(
                    f"{where}: no terminal operation moves cargo between {row['port_a']} and "
                    f"{row['port_b']}. Transfers are gauge changes, rail-ship, ship-ship, "
                    "road-rail, road-ship or road-air."
                )
        for col in ("time_container_h", "cost_usd_per_teu", "time_bulk_h", "cost_usd_per_t"):
            if row[col] < 0:
                problems.append(f"{where}: {col} is negative ({row[col]:g}). Use a value >= 0.")
        problems += _above(where, row, _TRANSFER_MAX)
    return problems


# Physical upper bounds of crossing and transfer figures (a month of dwell; 10,000 USD a box).
_CROSSING_MAX = {
    "dwell_h": 720.0,
    "dwell_p90_h": 1440.0,
    "cost_usd_per_teu": 1e4,
    "cost_usd_per_t": 1e3,
}
_TRANSFER_MAX = {
    "time_container_h": 720.0,
    "time_bulk_h": 720.0,
    "cost_usd_per_teu": 1e4,
    "cost_usd_per_t": 1e3,
}


def _above(where: str, row: pd.Series, limits: dict[str, float]) -> list[str]:
    return [
        f"{where}: {col} = {row[col]:g} is above its physical range (<= {hi:g}). Check the unit."
        for col, hi in limits.items()
        if np.isfinite(row[col]) and row[col] > hi
    ]


def _check_parameters(par: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    from corridors.network._schema import PARAMETERS

    problems = []
    have = defaultdict(set)
    for i, row in par.iterrows():
        have[row["scope"]].add(row["parameter"])
        if np.isnan(row["value"]):
            problems.append(f"{_where(PARAMETERS, par, int(i))}: value is empty. Give a number.")
        elif row["value"] < 0:
            problems.append(
                f"{_where(PARAMETERS, par, int(i))}: {row['scope']} {row['parameter']} is "
                f"negative ({row['value']:g}). Use a value >= 0."
            )
    for cls in sorted(set(links["link_class"])):
        missing = [p for p in CLASS_REQUIRED if p not in have[f"class:{cls}"]]
        if missing:
            problems.append(
                f"parameters.csv: link class {cls!r} (used in links.csv) lacks "
                f"{', '.join(missing)}. Add rows with scope 'class:{cls}'."
            )
    missing = [p for p in GLOBAL_PARAMETERS if p not in have["global"]]
    if missing:
        problems.append(f"parameters.csv: global parameter(s) {', '.join(missing)} missing.")
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
                f"{_where(spec, df, int(i))}: {col} is infinite. Give a finite number in the "
                "unit the column name gives."
            )
    return problems


_SCOPE_HELP = "'global', 'class:<link_class>', 'kind:<node kind>', 'op:<operation>', " + (
    "'country:<ISO2>' or 'cargo:<cargo class>'"
)


def _check_parameter_names(
    par: pd.DataFrame, links: pd.DataFrame, nodes: pd.DataFrame
) -> list[str]:
    """Known scopes and parameter names, values in physical range (``PARAMETER_RANGES``)."""
    from corridors.network._schema import PARAMETERS

    targets = {
        "class": set(links["link_class"]),
        "kind": _KINDS,
        "op": {o.value for o in Operation},
        "country": _ISO2,
        "cargo": {c.value for c in CargoClass},
    }
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in par.iterrows():
        where = _where(PARAMETERS, par, int(i))
        scope, name, value = str(row["scope"]), str(row["parameter"]), row["value"]
        family, _, target = scope.partition(":")
        family = "global" if scope == "global" else family
        if family not in PARAMETER_RANGES or (family != "global" and not target):
            problems.append(f"{where}: unknown scope {scope!r}. Use {_SCOPE_HELP}.")
            continue
        # A parameter set may cover link classes a network does not use (tiny networks,
        # scenarios that add links later): only the other families must name known ids.
        if family not in ("global", "class") and target not in targets[family]:
            hint = ", ".join(sorted(targets[family])[:12])
            problems.append(
                f"{where}: scope {scope!r} names no known {family} ({hint}...). Fix the id or "
                "remove the row."
            )
        ranges = PARAMETER_RANGES[family]
        if name not in ranges:
            problems.append(
                f"{where}: {name!r} is not a parameter of {family} scopes. Use one of "
                f"{', '.join(sorted(ranges))} (docs/data-model.md)."
            )
            continue
        lo, hi = ranges[name]
        if np.isfinite(value) and not lo <= value <= hi:
            problems.append(
                f"{where}: {scope} {name} = {value:g} is outside its physical range "
                f"[{lo:g}, {hi:g}]. Check the unit and the figure."
            )
        key = (scope, name)
        if key in seen:
            problems.append(f"{where}: second row for {scope} {name}; first on line {seen[key]}.")
        seen[key] = int(i) + 2
    return problems


def _is_date(value: object) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def _check_passages(passages: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Dated closures of passages: a passage some link uses, ISO dates, from before to."""
    from corridors.network._schema import PASSAGES

    problems = []
    # passages of links, plus the named sea passages (a scenario may close every link via one)
    vias = {v for v in links["via"] if v} | {"Suez", "Cape", "Bosporus", "Panama", "Malacca"}
    for i, row in passages.iterrows():
        where = _where(PASSAGES, passages, int(i))
        if row["passage"] not in vias:
            problems.append(
                f"{where}: passage {row['passage']!r} is the via of no link. Use one of "
                f"{', '.join(sorted(vias))}."
            )
        if not _is_date(row["closed_from"]):
            problems.append(f"{where}: closed_from {row['closed_from']!r} is not YYYY-MM-DD.")
        to = row["closed_to"]
        if to and not _is_date(to):
            problems.append(f"{where}: closed_to {to!r} is not YYYY-MM-DD (or leave it empty).")
        elif to and _is_date(row["closed_from"]) and str(to) < str(row["closed_from"]):
            problems.append(f"{where}: closed_to is before closed_from. Swap or fix them.")
    return problems


def _check_rates(rates: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Dated rate series: known link class, ISO date, one positive rate, positive reference."""
    from corridors.network._schema import RATES

    problems = []
    classes = set(links["link_class"])
    series_class: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for i, row in rates.iterrows():
        where = _where(RATES, rates, int(i))
        if not row["series"]:
            problems.append(f"{where}: series is empty. Name the index series.")
        if row["link_class"] not in classes:
            problems.append(
                f"{where}: link_class {row['link_class']!r} is used by no link. Fix the class."
            )
        first = series_class.setdefault(row["series"], row["link_class"])
        if first != row["link_class"]:
            problems.append(
                f"{where}: series {row['series']!r} is for {first!r} above; one series prices "
                "one link class."
            )
        if not _is_date(row["date"]):
            problems.append(f"{where}: date {row['date']!r} is not YYYY-MM-DD.")
        feu, t = row["rate_usd_per_feu"], row["rate_usd_per_t"]
        if np.isnan(feu) == np.isnan(t):
            problems.append(
                f"{where}: give exactly one of rate_usd_per_feu (containers) or rate_usd_per_t."
            )
        for col, val, hi in (("rate_usd_per_feu", feu, 1e5), ("rate_usd_per_t", t, 1e5)):
            if not np.isnan(val) and not 0 < val <= hi:
                problems.append(f"{where}: {col} = {val:g} is outside (0, {hi:g}].")
        if not row["reference_km"] > 0:
            problems.append(
                f"{where}: reference_km must be the positive length of the lane the index measures."
            )
        key = (row["series"], row["date"])
        if key in seen:
            problems.append(f"{where}: second reading for {key}; first on line {seen[key]}.")
        seen[key] = int(i) + 2
    return problems
