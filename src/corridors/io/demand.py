"""Read origin-destination demand from CSV, Parquet and OpenMatrix (OMX) files.

The bundled base-year demand (2024 by default, 2021 kept) is loaded and validated with
:func:`load_demand`; :func:`validate_demand_table` checks any table in the same format
(provenance on every row, see ``data/demand/DEMAND.md``).

CSV and Parquet files hold a *long* table, one row per OD cell and class::

    origin,destination,class,value,unit
    CNXIA,DEHAM,containers,52000,TEU/year

OMX files hold one matrix per class (the OMX *cores*); zone labels come from the file's first
mapping (or ``1…n`` without one). Reading OMX needs the ``omx`` extra
(``pip install 'corridors[omx]'``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors._deps import require
from corridors.assignment.demand import ODMatrices
from corridors.errors import DataFileError, DemandError, explain

__all__ = [
    "DEFAULT_DEMAND_YEAR",
    "DEMAND_YEARS",
    "bundled_demand_path",
    "load_demand",
    "read_demand",
    "read_demand_csv",
    "read_demand_omx",
    "read_demand_parquet",
    "read_demand_table",
    "validate_demand_table",
    "write_demand_omx",
]


def _check_exists(p: Path) -> None:
    if not p.is_file():
        raise DataFileError(
            explain(f"Demand file {str(p)!r} does not exist.", fix="Check the path.")
        )


def read_demand_csv(path: str | Path, *, zones: Sequence[str] | None = None) -> ODMatrices:
    """Read a long OD table from CSV (``origin, destination, class, value[, unit]``).

    Parameters
    ----------
    path
        The CSV file; lines starting with ``#`` are comments.
    zones
        The network's zones, to check labels against and order the matrices by; default the
        zones found in the file, sorted.

    Returns
    -------
    ODMatrices
        One matrix per class.

    Raises
    ------
    corridors.errors.DataFileError
        When the file is missing or unreadable.
    corridors.errors.DemandError
        For missing columns, unknown zones, repeated cells, negative or non-numeric values.
    """
    p = Path(path)
    _check_exists(p)
    try:
        df = pd.read_csv(p, comment="#", dtype={"origin": str, "destination": str})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataFileError(explain(f"Cannot parse {p.name} as CSV: {exc}.")) from exc
    return ODMatrices.from_long(df, zones=zones, source=p.name)


def read_demand_parquet(path: str | Path, *, zones: Sequence[str] | None = None) -> ODMatrices:
    """Read a long OD table from Parquet; same columns and checks as :func:`read_demand_csv`."""
    p = Path(path)
    _check_exists(p)
    require("pyarrow", extra="parquet", purpose="Reading a Parquet demand file")
    try:
        df = pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise DataFileError(explain(f"Cannot read {p.name} as Parquet: {exc}.")) from exc
    return ODMatrices.from_long(df, zones=zones, source=p.name)


def _omx() -> Any:
    from corridors._deps import require

    return require("openmatrix", extra="omx", purpose="Reading OpenMatrix demand")


def read_demand_omx(
    path: str | Path,
    *,
    zones: Sequence[str] | None = None,
    mapping: str | None = None,
    classes: Sequence[str] | None = None,
) -> ODMatrices:
    """Read OD matrices from an OpenMatrix file: one class per core.

    Parameters
    ----------
    path
        The ``.omx`` file.
    zones
        The network's zones. The file's zone labels (from ``mapping``) must all be among them;
        matrices are re-ordered (and padded with zeros) to this order. Default: the file's
        own labels.
    mapping
        Name of the OMX mapping holding zone labels; default the first one.
    classes
        Cores to read; default all.

    Raises
    ------
    corridors.errors.MissingDependencyError
        Without the ``omx`` extra.
    corridors.errors.DemandError
        For a non-square core, unknown zones, NaN or negative cells.
    """
    omx = _omx()
    p = Path(path)
    _check_exists(p)
    try:
        handle = omx.open_file(str(p), "r")
    except Exception as exc:  # PyTables raises HDF5ExtError, OSError… for a non-HDF5 file
        raise DataFileError(
            explain(
                f"{p.name} is not a readable OpenMatrix (HDF5) file ({type(exc).__name__}).",
                fix="Give an .omx file written by OpenMatrix, or the demand as CSV.",
            )
        ) from exc
    with handle as f:
        names = list(f.list_matrices())
        wanted = names if classes is None else list(classes)
        missing = [c for c in wanted if c not in names]
        if missing:
            raise DemandError(explain(f"{p.name}: no core(s) {missing}; it has {names}."))
        shape = tuple(int(x) for x in f.shape())
        if len(shape) != 2 or shape[0] != shape[1]:
            raise DemandError(explain(f"{p.name}: matrices of shape {shape} are not square."))
        labels = _omx_labels(f, mapping, shape[0], p)
        mats = {c: np.array(f[c]) for c in wanted}
    if zones is None:
        return ODMatrices(tuple(labels), mats)
    return _in_zones(labels, mats, zones, p)


def _omx_labels(f: Any, mapping: str | None, n: int, p: Path) -> list[str]:
    """Zone labels of an open OMX file: from ``mapping`` (default its first), else 1 … n."""
    maps = list(f.list_mappings())
    if mapping is not None and mapping not in maps:
        raise DemandError(explain(f"{p.name}: no mapping {mapping!r}; it has {maps}."))
    m_name = mapping or (maps[0] if maps else None)
    if m_name is None:
        return [str(i) for i in range(1, n + 1)]
    labels = [""] * n
    for key, i in f.mapping(m_name).items():
        labels[int(i)] = str(key.decode() if isinstance(key, bytes) else key)
    return labels


def _in_zones(
    labels: list[str], mats: Mapping[str, Any], zones: Sequence[str], p: Path
) -> ODMatrices:
    """Matrices over file ``labels`` re-ordered (and padded with zeros) to ``zones``."""
    zl = [str(z) for z in zones]
    pos = {z: i for i, z in enumerate(zl)}
    unknown = [z for z in labels if z not in pos]
    if unknown:
        raise DemandError(
            explain(
                f"{p.name}: {len(unknown)} zone(s) of the file are not network zones: "
                f"{unknown[:5]}.",
                fix="Use the network's zone labels in the OMX mapping.",
            )
        )
    idx = np.array([pos[z] for z in labels])
    out = {}
    for c, m in mats.items():
        full = np.zeros((len(zl), len(zl)))
        full[np.ix_(idx, idx)] = m
        out[c] = full
    return ODMatrices(tuple(zl), out)


def write_demand_omx(od: ODMatrices, path: str | Path, *, mapping: str = "zones") -> Path:
    """Write OD matrices to an OpenMatrix file (one core per class, zone labels as mapping).

    Integer zone labels become a standard integer mapping; other labels are stored as a
    byte-string lookup array of the same name, which :func:`read_demand_omx` reads back.
    """
    omx = _omx()
    p = Path(path)
    with omx.open_file(str(p), "w") as f:
        for c, m in od.matrices.items():
            f[c] = np.asarray(m)
        if all(z.isdigit() for z in od.zones):
            f.create_mapping(mapping, [int(z) for z in od.zones])
        else:  # OMX's create_mapping is integer-only; the spec allows any 1-D lookup array
            if "lookup" not in f.root:
                f.create_group(f.root, "lookup")
            f.create_array(f.root.lookup, mapping, obj=np.array(od.zones, dtype="S"))
    return p


def read_demand(path: str | Path, *, zones: Sequence[str] | None = None) -> ODMatrices:
    """Read demand from ``.csv``, ``.parquet``/``.pq`` or ``.omx`` by file suffix.

    Raises
    ------
    corridors.errors.DataFileError
        For another suffix.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return read_demand_csv(p, zones=zones)
    if suffix in (".parquet", ".pq"):
        return read_demand_parquet(p, zones=zones)
    if suffix == ".omx":
        return read_demand_omx(p, zones=zones)
    raise DataFileError(
        explain(
            f"Cannot tell the format of {p.name!r} from its suffix.",
            fix="Use .csv, .parquet or .omx.",
        )
    )


# -- bundled, provenance-carrying demand tables ---------------------------------------------

DEMAND_YEARS = {2021: "baseline.csv", 2024: "base-2024.csv"}
"""Base years bundled in ``corridors/data/demand`` and their files."""

DEFAULT_DEMAND_YEAR = 2024
"""The base year :func:`load_demand` returns by default."""

LEGACY_CLASSES = {"containers": "container_std"}
"""Class names of the 2021 table mapped to :class:`~corridors.network.enums.CargoClass`."""

_REQUIRED = ("origin", "destination", "class", "value", "unit", "source", "year")
_FIGURE_ID = re.compile(r"^[A-RT-Z]\d{2}[a-z]?$")  # row ids of shared/data/figures (e.g. V42)
_MAX_SHOWN = 8


def bundled_demand_path(year: int = DEFAULT_DEMAND_YEAR) -> Path:
    """Path of the bundled demand table of a base year.

    Raises
    ------
    corridors.errors.DemandError
        For a year without a bundled table.
    """
    if year not in DEMAND_YEARS:
        raise DemandError(
            explain(
                f"No bundled demand for year {year!r}.",
                fix=f"Use one of {sorted(DEMAND_YEARS)} or pass path=.",
            )
        )
    return Path(str(resources.files("corridors") / "data" / "demand" / DEMAND_YEARS[year]))


def _bundled_reference() -> tuple[set[str], set[str]]:
    """Node ids and source ids of the bundled network (read directly: no validation)."""
    from corridors.network.model import bundled_network_path

    folder = bundled_network_path()
    nodes = pd.read_csv(folder / "nodes.csv", dtype=str, usecols=["node_id"])
    sources = pd.read_csv(folder / "sources.csv", dtype=str, usecols=["source_id"])
    return set(nodes["node_id"].str.strip()), set(sources["source_id"].str.strip())


def validate_demand_table(
    df: pd.DataFrame,
    *,
    nodes: Sequence[str] | None = None,
    source_ids: Sequence[str] | None = None,
    name: str = "demand table",
) -> list[str]:
    """Every problem of a long demand table with provenance (empty list when valid).

    Checks: the columns ``origin, destination, class, value, unit, source, year`` exist; the
    class is a :class:`~corridors.network.enums.CargoClass` value and the unit is its unit per
    year (``TEU/year`` or ``t/year``); the value is a finite number ≥ 0; origin and destination
    are known nodes and differ; the source is ``estimate`` with a method (``method`` or ``note``
    column) or ids of ``sources.csv`` (or figure ids like ``V42``) with a year.

    Parameters
    ----------
    df
        The table as read (strings are fine).
    nodes
        Known node ids; default the bundled network's.
    source_ids
        Known source ids; default the bundled network's ``sources.csv``.
    name
        File name for messages.

    Returns
    -------
    list of str
        One line per problem naming the line (header = line 1), the field and the fix.
    """
    from corridors.network.enums import CargoClass

    bn, bs = _bundled_reference() if nodes is None or source_ids is None else (set(), set())
    known_nodes = bn if nodes is None else set(nodes)
    known_src = bs if source_ids is None else set(source_ids)
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        return [
            f"{name}: missing column(s) {missing}; it has {list(df.columns)}. A demand table "
            f"needs {', '.join(_REQUIRED)} (and method or note for estimates)."
        ]
    units = {c.value: f"{c.unit}/year" for c in CargoClass}
    problems: list[str] = []
    has_method = "method" in df.columns
    has_note = "note" in df.columns
    for i, r in enumerate(df.to_dict("records")):
        where = f"{name} line {i + 2}"
        cls = str(r["class"]).strip()
        if cls not in units:
            problems.append(
                f"{where}: class {cls!r} is not a cargo class. Use one of {sorted(units)}."
            )
        elif str(r["unit"]).strip() != units[cls]:
            problems.append(
                f"{where}: unit {r['unit']!r} does not match class {cls!r}. Write {units[cls]!r}."
            )
        try:
            v = float(r["value"])
        except (TypeError, ValueError):
            v = float("nan")
        if not np.isfinite(v) or v < 0:
            problems.append(
                f"{where}: value {r['value']!r} is not a finite number >= 0. Write the annual "
                "volume as a plain number in the unit column's unit."
            )
        for end in ("origin", "destination"):
            node = str(r[end]).strip()
            if node not in known_nodes:
                problems.append(
                    f"{where}: {end} {node!r} is not a node of the network. Use a node id of "
                    "nodes.csv (the nearest existing node, saying so in note)."
                )
        if str(r["origin"]).strip() == str(r["destination"]).strip():
            problems.append(f"{where}: origin equals destination. Drop the row.")
        problems += _source_problems(r, where, known_src, has_method, has_note)
    return problems


def _source_problems(
    r: dict[str, Any], where: str, known_src: set[str], has_method: bool, has_note: bool
) -> list[str]:
    """Provenance problems of one demand row (see :func:`validate_demand_table`)."""
    problems: list[str] = []
    src = "" if pd.isna(r["source"]) else str(r["source"]).strip()
    year = "" if pd.isna(r["year"]) else str(r["year"]).strip()
    method = str(r["method"]).strip() if has_method and not pd.isna(r["method"]) else ""
    note = str(r["note"]).strip() if has_note and not pd.isna(r["note"]) else ""
    if src == "":
        problems.append(
            f"{where}: no source. Give source ids of sources.csv with a year, or 'estimate' "
            "with the method that made the number."
        )
    elif src == "estimate":
        if not (method or note):
            problems.append(
                f"{where}: an estimate without a method. Name the method (DEMAND.md) in "
                "the method column."
            )
    else:
        bad = [
            t
            for t in (x.strip() for x in src.replace(",", ";").split(";"))
            if t not in known_src and not _FIGURE_ID.match(t)
        ]
        if bad:
            problems.append(
                f"{where}: unknown source id(s) {bad}. Add them to network/sources.csv "
                "or fix the id."
            )
        if year == "" or not year.isdigit():
            problems.append(f"{where}: source {src!r} without a year. Give the figure's year.")
    return problems


def read_demand_table(
    path: str | Path,
    *,
    nodes: Sequence[str] | None = None,
    source_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read and validate a long demand table with provenance (one row per market cell).

    Legacy class names (``containers``) are renamed to cargo classes (``container_std``).

    Raises
    ------
    corridors.errors.DataFileError
        When the file is missing or not CSV.
    corridors.errors.DemandError
        Listing the table's problems (see :func:`validate_demand_table`).
    """
    p = Path(path)
    _check_exists(p)
    try:
        df = pd.read_csv(p, comment="#", dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataFileError(explain(f"Cannot parse {p.name} as CSV: {exc}.")) from exc
    df.columns = [c.strip() for c in df.columns]
    if "class" in df.columns:
        df["class"] = df["class"].str.strip().replace(LEGACY_CLASSES)
    problems = validate_demand_table(df, nodes=nodes, source_ids=source_ids, name=p.name)
    if problems:
        more = f" (and {len(problems) - _MAX_SHOWN} more)" if len(problems) > _MAX_SHOWN else ""
        raise DemandError(
            explain(
                f"{p.name}: {len(problems)} problem(s){more}: " + " | ".join(problems[:_MAX_SHOWN]),
                fix="Correct the rows named; see corridors/data/demand/DEMAND.md for the format.",
            )
        )
    df["value"] = df["value"].astype(float)
    return df


def load_demand(
    *,
    year: int = DEFAULT_DEMAND_YEAR,
    path: str | Path | None = None,
    zones: Sequence[str] | None = None,
    nodes: Sequence[str] | None = None,
    source_ids: Sequence[str] | None = None,
) -> ODMatrices:
    """The base-year demand as matrices per cargo class, validated.

    Rows of one OD cell and class coming from several markets are summed.

    Parameters
    ----------
    year
        Bundled base year (:data:`DEMAND_YEARS`): 2024 (default) or 2021.
    path
        A table in the same format instead of a bundled year.
    zones
        Zone order of the matrices (e.g. the network's node ids); default the zones in the table.
    nodes, source_ids
        Known node and source ids for validation; default the bundled network's.

    Returns
    -------
    ODMatrices
        Classes are :class:`~corridors.network.enums.CargoClass` values, units ``TEU/year`` or
        ``t/year``.

    Raises
    ------
    corridors.errors.DemandError
        For an unknown year or an invalid table.

    Examples
    --------
    >>> od = load_demand()
    >>> sorted(od.classes)
    ['container_hv', 'container_std', 'dry_bulk', 'grain', 'liquid_bulk']
    """
    p = bundled_demand_path(year) if path is None else Path(path)
    if nodes is None and zones is not None:
        nodes = list(zones)
    df = read_demand_table(p, nodes=nodes, source_ids=source_ids)
    cells = df.groupby(["origin", "destination", "class", "unit"], as_index=False, sort=False)[
        "value"
    ].sum()
    return ODMatrices.from_long(cells, zones=zones, source=p.name)
