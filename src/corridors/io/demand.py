"""Read origin-destination demand from CSV, Parquet and OpenMatrix (OMX) files.

CSV and Parquet files hold a *long* table, one row per OD cell and class::

    origin,destination,class,value,unit
    CNXIA,DEHAM,containers,52000,TEU/year

OMX files hold one matrix per class (the OMX *cores*); zone labels come from the file's first
mapping (or ``1…n`` without one). Reading OMX needs the ``omx`` extra
(``pip install 'corridors[omx]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors._deps import require
from corridors.assignment.demand import ODMatrices
from corridors.errors import DataFileError, DemandError, explain

__all__ = [
    "read_demand",
    "read_demand_csv",
    "read_demand_omx",
    "read_demand_parquet",
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
        maps = list(f.list_mappings())
        if mapping is not None and mapping not in maps:
            raise DemandError(explain(f"{p.name}: no mapping {mapping!r}; it has {maps}."))
        m_name = mapping or (maps[0] if maps else None)
        if m_name is None:
            labels = [str(i) for i in range(1, shape[0] + 1)]
        else:
            mp = f.mapping(m_name)
            labels = [""] * shape[0]
            for key, i in mp.items():
                labels[int(i)] = str(key.decode() if isinstance(key, bytes) else key)
        mats = {c: np.array(f[c]) for c in wanted}
    if zones is None:
        return ODMatrices(tuple(labels), mats)
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
