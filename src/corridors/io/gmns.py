"""GMNS (General Modeling Network Specification) import and export: ``node.csv``, ``link.csv``
and ``config.csv``.

Export writes the GMNS tables with the GMNS field names (``node_id``, ``x_coord``/``y_coord`` in
WGS84 degrees, ``from_node_id``/``to_node_id``, ``directed``, ``geometry`` as WKT, ``dir_flag``,
``length`` in km, ``facility_type``, ``free_speed`` in km/h, ``allowed_uses``) plus the corridors
columns GMNS has no field for (``country``, ``mode``, ``gauge_mm``, provenance …) as extra
fields, which GMNS allows. ``capacity`` is left empty: GMNS counts passenger-car equivalents per
hour per lane, corridors TEU per day (kept as ``capacity_teu_per_day``). The corridors tables
with no GMNS counterpart (``crossings.csv``, ``transfers.csv``, ``parameters.csv``,
``sources.csv`` and any other table of the data model) are written beside them, so
:func:`read_gmns` gets the same network back.

Import reads a GMNS folder. GMNS alone lacks what routing needs: a node's ``country`` and a
link's ``mode`` (or an ``allowed_uses`` naming a mode of the mode table: rail, road, ferry,
sea, air or one added with :func:`corridors.network.register_mode`) are required extra
fields, and the folder must hold ``parameters.csv`` (tariffs, speeds and CO2 by link class)
and ``sources.csv``; ``crossings.csv`` and ``transfers.csv`` are optional. Figures GMNS does
not source are cited to a source row ``gmns`` describing the imported files.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.errors import DataFileError, explain

if TYPE_CHECKING:
    from corridors.network.model import Network

__all__ = ["GMNS_VERSION", "read_gmns", "write_gmns"]

GMNS_VERSION = 0.96
"""The GMNS version the export declares in ``config.csv``."""

MILE_KM = 1.609344


def _side_tables() -> tuple[str, ...]:
    """The corridors tables GMNS has no place for (every table but nodes and links)."""
    from corridors.network._schema import TABLES

    return tuple(t.file for t in TABLES if t.file not in ("nodes.csv", "links.csv"))


NODE_MAP = {"node_id": "node_id", "name": "name", "lon_deg": "x_coord", "lat_deg": "y_coord"}
LINK_MAP = {"link_id": "link_id", "from_node": "from_node_id", "to_node": "to_node_id"}


def _wkt(coords: list[list[float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in coords) + ")"


def _parse_wkt(text: str) -> list[list[float]] | None:
    m = re.fullmatch(r"\s*LINESTRING\s*\((.*)\)\s*", str(text), flags=re.IGNORECASE)
    if not m:
        return None
    pts = []
    for pair in m.group(1).split(","):
        x, y = pair.split()[:2]
        pts.append([float(x), float(y)])
    return pts


def _gmns_nodes(nodes: pd.DataFrame) -> pd.DataFrame:
    """The GMNS ``node`` table: GMNS columns first, the corridors columns after them."""
    node = nodes.rename(columns=NODE_MAP)
    node.insert(4, "node_type", nodes["kind"])
    node = node.drop(columns=["kind"])
    cols = ["node_id", "name", "x_coord", "y_coord", "node_type"]
    return node[cols + [c for c in node.columns if c not in cols]]


def _gmns_links(net: Network, links: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The GMNS ``link`` table (WKT geometry of the drawn shape, or a straight line with
    ``dir_flag`` 0), the corridors columns after the GMNS ones."""
    from corridors.io.geojson import _link_line, _shapes

    shapes = _shapes(net)
    geoms, flags = [], []
    for r in links.itertuples():
        geoms.append(_wkt(_link_line(net, shapes, r.link_id, r.from_node, r.to_node)))
        flags.append(1 if r.link_id in shapes else 0)
    bidir = links["bidirectional"].astype(str).str.lower().isin(("true", "1", "yes", ""))
    link = links.rename(columns=LINK_MAP)
    names = nodes.set_index("node_id")["name"]
    gmns = pd.DataFrame(
        {
            "link_id": links["link_id"],
            "name": links["from_node"].map(names) + " – " + links["to_node"].map(names),
            "from_node_id": links["from_node"],
            "to_node_id": links["to_node"],
            "directed": ~bidir,
            "geometry": geoms,
            "dir_flag": flags,
            "length": links["length_km"],
            "facility_type": links["link_class"],
            "free_speed": links["speed_kmh"],
            "allowed_uses": links["mode"],
        }
    )
    extra = link.drop(columns=[c for c in link.columns if c in gmns.columns])
    return pd.concat([gmns, extra.reset_index(drop=True)], axis=1)


def write_gmns(net: Network, folder: str | Path) -> list[Path]:
    """Write ``net`` as a GMNS network folder (``node.csv``, ``link.csv``, ``config.csv``) with
    the corridors side tables beside them.

    Parameters
    ----------
    net
        The network.
    folder
        Output folder (created).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    raw = {k: v.copy() for k, v in net.tables.items()}
    node = _gmns_nodes(raw["nodes"])
    link = _gmns_links(net, raw["links"], raw["nodes"])
    config = pd.DataFrame(
        [
            {
                "dataset_name": net.name,
                "short_length": "m",
                "long_length": "km",
                "speed": "km/h",
                "crs": "EPSG:4326",
                "geometry_field_format": "WKT",
                "currency": "USD",
                "version_number": GMNS_VERSION,
                "id_type": "string",
            }
        ]
    )
    written = []
    for name, df in (("node", node), ("link", link), ("config", config)):
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
        written.append(path)
    for file in _side_tables():
        stem = file.removesuffix(".csv")
        if stem in raw:
            raw[stem].to_csv(out / file, index=False)
            written.append(out / file)
    return written


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(explain(f"{path}: cannot be read as CSV ({exc}).")) from exc


def _require(df: pd.DataFrame, cols: tuple[str, ...], path: Path, why: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataFileError(
            explain(
                f"{path.name} has no column(s) {', '.join(missing)}.",
                why=why,
                fix=f"Add {', '.join(missing)} to {path.name}.",
            )
        )


def read_gmns(folder: str | Path, *, name: str | None = None) -> Network:
    """Read a GMNS network folder into a validated :class:`~corridors.network.Network`.

    Parameters
    ----------
    folder
        Holds ``node.csv`` and ``link.csv`` (GMNS), optionally ``config.csv`` (``long_length``
        ``km`` or ``mi``; default km), and the corridors side tables (see the module text).
    name
        Network label (default: ``dataset_name`` of ``config.csv``, else the folder name).

    Raises
    ------
    corridors.errors.DataFileError
        For a missing file or a missing field, with what to add.
    corridors.errors.NetworkValidationError
        With every problem of the resulting tables.
    """
    from corridors.network.model import load_network

    src = Path(folder)
    for f in ("node.csv", "link.csv", "parameters.csv", "sources.csv"):
        if not (src / f).is_file():
            why = (
                "GMNS has no tariffs, speeds or CO2 by link class, which routing needs."
                if f in ("parameters.csv", "sources.csv")
                else "It is a required GMNS table."
            )
            raise DataFileError(
                explain(
                    f"{src}: {f} is missing.",
                    why=why,
                    fix=f"Add {f} (see docs/data-model.md for the corridors tables).",
                )
            )
    config = _read(src / "config.csv") if (src / "config.csv").is_file() else pd.DataFrame()
    unit = str(config["long_length"].iloc[0]).strip().lower() if "long_length" in config else "km"
    if unit not in ("km", "mi", "kilometers", "miles", "kilometer", "mile", ""):
        raise DataFileError(
            explain(f"config.csv long_length {unit!r} is not km or mi.", fix="Use km or mi.")
        )
    factor = MILE_KM if unit.startswith("mi") else 1.0
    label = name or (str(config["dataset_name"].iloc[0]) if "dataset_name" in config else src.name)

    nodes = _nodes_from_gmns(src)
    links, shapes = _links_from_gmns(src, factor)
    sources = _sources_with_gmns(_read(src / "sources.csv"), nodes, links, label)

    with tempfile.TemporaryDirectory(prefix="corridors-gmns-") as tmp:
        t = Path(tmp)
        nodes.to_csv(t / "nodes.csv", index=False)
        links.to_csv(t / "links.csv", index=False)
        sources.to_csv(t / "sources.csv", index=False)
        for f in _side_tables():
            if f != "sources.csv" and (src / f).is_file():
                shutil.copyfile(src / f, t / f)
        _empty_side_tables(t)
        if shapes:
            fc = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": pts},
                        "properties": {"link_id": lid},
                    }
                    for lid, pts in shapes
                ],
            }
            (t / "link_geometry.geojson").write_text(json.dumps(fc), encoding="utf-8")
        return load_network(t, name=label)


def _nodes_from_gmns(src: Path) -> pd.DataFrame:
    node = _read(src / "node.csv")
    _require(node, ("node_id", "x_coord", "y_coord"), src / "node.csv", "GMNS requires them.")
    _require(node, ("country",), src / "node.csv", "Routing avoids countries and names borders.")
    nodes = node.rename(columns={v: k for k, v in NODE_MAP.items()})
    if "kind" not in nodes.columns:
        nodes["kind"] = node["node_type"] if "node_type" in node.columns else "city"
    nodes = nodes.drop(columns=[c for c in ("node_type",) if c in nodes.columns])
    if "name" not in nodes.columns:
        nodes["name"] = nodes["node_id"]
    nodes["name"] = nodes["name"].where(nodes["name"] != "", nodes["node_id"])
    if "coord_source" not in nodes.columns:
        nodes["coord_source"] = "gmns"
    return nodes


GMNS_ONLY = (
    "geometry", "dir_flag", "length", "facility_type", "free_speed", "allowed_uses",
    "directed", "name", "geometry_id", "parent_link_id", "grade", "capacity", "lanes",
    "bike_facility", "ped_facility", "parking", "toll", "jurisdiction", "row_width",
)  # fmt: skip
"""GMNS link fields that have a corridors column (mapped) or none (dropped)."""


def _links_from_gmns(
    src: Path, factor: float
) -> tuple[pd.DataFrame, list[tuple[str, list[list[float]]]]]:
    link = _read(src / "link.csv")
    _require(
        link, ("link_id", "from_node_id", "to_node_id"), src / "link.csv", "GMNS requires them."
    )
    links = link.rename(columns={v: k for k, v in LINK_MAP.items()})
    if "mode" not in links.columns:
        links["mode"] = _modes(links)
    if "length_km" not in links.columns:
        _require(link, ("length",), src / "link.csv", "Routing needs each link's length.")
        links["length_km"] = ["" if v == "" else repr(float(v) * factor) for v in links["length"]]
    if "link_class" not in links.columns:
        fac = links["facility_type"] if "facility_type" in links.columns else links["mode"]
        links["link_class"] = fac.where(fac != "", links["mode"])
    if "length_source" not in links.columns:
        links["length_source"] = "gmns"
        links["length_year"] = "n.d."
    if "bidirectional" not in links.columns and "directed" in links.columns:
        directed = links["directed"].str.lower().isin(("true", "1", "yes"))
        links["bidirectional"] = np.where(directed, "false", "true")
    if "speed_kmh" not in links.columns and "free_speed" in links.columns:
        links["speed_kmh"] = links["free_speed"]
        links["speed_source"] = np.where(links["free_speed"] != "", "gmns", "")
        links["speed_year"] = np.where(links["free_speed"] != "", "n.d.", "")
    shapes = _shapes_from_gmns(links)
    return links.drop(columns=[c for c in GMNS_ONLY if c in links.columns]), shapes


def _modes(links: pd.DataFrame) -> pd.Series:
    """Each link's mode from ``allowed_uses``, read as ``Mode(...)`` reads it (the live table)."""
    from corridors.network.modes import Mode

    uses = links.get("allowed_uses", pd.Series("", index=links.index)).astype(str)
    bad = sorted({u for u in uses if u not in Mode})
    if bad:
        known = ", ".join(m.value for m in Mode)
        raise DataFileError(
            explain(
                "link.csv has no 'mode' column and 'allowed_uses' is not a mode on every row "
                f"(e.g. {bad[0][:40]!r}).",
                why=f"The known modes are {known}.",
                fix="Add a 'mode' column with one of them, or register the mode first "
                "(corridors.network.register_mode).",
            )
        )
    return uses.map(lambda u: Mode(u).value)


def _shapes_from_gmns(links: pd.DataFrame) -> list[tuple[str, list[list[float]]]]:
    """Drawn shapes (with a known direction: ``dir_flag`` 1 or -1) from WKT geometry."""
    if "geometry" not in links.columns:
        return []
    flags = links.get("dir_flag", pd.Series("0", index=links.index))
    shapes = []
    for lid, wkt, flag in zip(links["link_id"], links["geometry"], flags, strict=True):
        pts = _parse_wkt(wkt)
        if pts and len(pts) >= 2 and str(flag).strip() in ("1", "-1"):
            shapes.append((lid, pts if str(flag).strip() == "1" else pts[::-1]))
    return shapes


def _sources_with_gmns(
    sources: pd.DataFrame, nodes: pd.DataFrame, links: pd.DataFrame, label: str
) -> pd.DataFrame:
    """``sources`` plus a ``gmns`` row when any figure cites the imported files."""
    cites = [nodes["coord_source"]] + [
        links[c] for c in ("length_source", "speed_source") if c in links.columns
    ]
    if not any((col == "gmns").any() for col in cites):
        return sources
    if "gmns" in set(sources.get("source_id", [])):
        return sources
    row = {
        "source_id": "gmns",
        "title": f"GMNS network {label}",
        "publisher": "imported",
        "date": "n.d.",
        "url": "",
        "gave": "node coordinates, link lengths and speeds of the GMNS files",
    }
    return pd.concat([sources, pd.DataFrame([row])], ignore_index=True)


def _empty_side_tables(folder: Path) -> None:
    """Header-only crossings/transfers tables where the GMNS folder has none."""
    from corridors.network._schema import CROSSINGS, TRANSFERS

    for spec in (CROSSINGS, TRANSFERS):
        path = folder / spec.file
        if not path.is_file():
            path.write_text(",".join(spec.columns) + "\n", encoding="utf-8")
