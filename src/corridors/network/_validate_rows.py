"""Row checks of the network tables (links' neighbours: crossings, transfers, parameters,
rates, passages) for :func:`corridors.network._validate.validate_tables`.

Each check returns every problem it finds, one line each naming file, line and fix.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from corridors._iso3166 import ALPHA2
from corridors.errors import InvalidSpecError
from corridors.network._schema import CLASS_REQUIRED, GLOBAL_PARAMETERS, PARAMETER_RANGES, TableSpec
from corridors.network.enums import PORTS, CargoClass, NodeKind, Operation, TransferKind

ISO2 = frozenset(ALPHA2)
KINDS = {k.value for k in NodeKind}
_TRANSFER_KINDS = {k.value for k in TransferKind}


def where_in(spec: TableSpec, df: pd.DataFrame, i: int) -> str:
    line = i + 2  # header is line 1
    if spec.key and spec.key in df.columns:
        return f"{spec.file} line {line} ({spec.key} {df.at[i, spec.key]!r})"
    return f"{spec.file} line {line}"


def negatives(where: str, row: pd.Series, cols: tuple[str, ...]) -> list[str]:
    """One problem per column of ``row`` holding a negative number."""
    return [
        f"{where}: {col} is negative ({row[col]:g}). Use a value >= 0."
        for col in cols
        if row[col] < 0
    ]


def check_crossings(cross: pd.DataFrame, links: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    from corridors.network._schema import CROSSINGS, LINKS

    problems = []
    country = dict(zip(nodes["node_id"], nodes["country"], strict=False))
    link_ids = set(links["link_id"])
    seen: dict[tuple[str, str], int] = {}
    for i, row in cross.iterrows():
        where = where_in(CROSSINGS, cross, int(i))
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
        problems += negatives(where, row, tuple(_CROSSING_MAX))
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
                    f"{where_in(LINKS, links, int(i))}: crosses the {a}-{b} border but "
                    f"crossings.csv has no {d} row for it. Add its dwell_h with a source."
                )
    return problems


def check_transfers(tr: pd.DataFrame, nodes: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    from corridors.network._schema import TRANSFERS

    problems = []
    node_ids = set(nodes["node_id"])
    for i, row in tr.iterrows():
        where = where_in(TRANSFERS, tr, int(i))
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
        problems += negatives(where, row, tuple(_TRANSFER_MAX))
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


def check_parameters(par: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    from corridors.network._schema import PARAMETERS

    problems = []
    have = defaultdict(set)
    for i, row in par.iterrows():
        have[row["scope"]].add(row["parameter"])
        if np.isnan(row["value"]):
            problems.append(f"{where_in(PARAMETERS, par, int(i))}: value is empty. Give a number.")
        elif row["value"] < 0:
            problems.append(
                f"{where_in(PARAMETERS, par, int(i))}: {row['scope']} {row['parameter']} is "
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


_SCOPE_HELP = "'global', 'class:<link_class>', 'kind:<node kind>', 'op:<operation>', " + (
    "'country:<ISO2>' or 'cargo:<cargo class>'"
)


def check_parameter_names(par: pd.DataFrame, links: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    """Known scopes and parameter names, values in physical range (``PARAMETER_RANGES``)."""
    from corridors.network._schema import PARAMETERS

    targets = {
        "class": set(links["link_class"]),
        "kind": KINDS,
        "op": {o.value for o in Operation},
        "country": ISO2,
        "cargo": {c.value for c in CargoClass},
    }
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in par.iterrows():
        where = where_in(PARAMETERS, par, int(i))
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


def check_passages(passages: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Dated closures of passages: a passage some link uses, ISO dates, from before to."""
    from corridors.network._schema import PASSAGES

    problems = []
    # passages of links, plus the named sea passages (a scenario may close every link via one)
    vias = {v for v in links["via"] if v} | {"Suez", "Cape", "Bosporus", "Panama", "Malacca"}
    for i, row in passages.iterrows():
        where = where_in(PASSAGES, passages, int(i))
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


def check_rates(rates: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Dated rate series: known link class, ISO date, one positive rate, positive reference."""
    from corridors.network._schema import RATES

    problems = []
    classes = set(links["link_class"])
    series_class: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for i, row in rates.iterrows():
        where = where_in(RATES, rates, int(i))
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
