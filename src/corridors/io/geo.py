"""Geo tables of networks, route options and flows: GeoDataFrames and GeoJSON, GeoPackage,
GeoParquet or CSV files (WGS84, lon/lat degrees).

GeoDataFrames need the ``geo`` extra (``pip install 'corridors[geo]'``: geopandas and
pyogrio), imported only when called; GeoJSON and CSV files are written without it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:  # the assignment result stays Any: typing it drags the numba kernels into
    # the strict type check of the network/routing packages, which call in here
    from corridors.network.model import Network
    from corridors.routing.itinerary import Itinerary

__all__ = [
    "FORMATS",
    "flows_to_geodataframe",
    "flows_to_geojson",
    "geodataframe",
    "network_to_geodataframe",
    "route_options_to_geodataframe",
    "write_features",
]

Format = Literal["geojson", "gpkg", "parquet", "csv"]
FORMATS: tuple[str, ...] = ("geojson", "gpkg", "parquet", "csv")
"""File formats of :func:`write_features` (and the CLI's ``--format``)."""

SUFFIX = {"geojson": ".geojson", "gpkg": ".gpkg", "parquet": ".parquet", "csv": ".csv"}


def _geopandas() -> Any:
    from corridors._deps import require

    return require("geopandas", extra="geo", purpose="GeoDataFrames and GeoPackage/GeoParquet")


def geodataframe(fc: dict[str, Any]) -> Any:
    """A GeoDataFrame (EPSG:4326) from a GeoJSON FeatureCollection; properties become columns.

    Raises
    ------
    corridors.errors.MissingDependencyError
        Without the ``geo`` extra.
    """
    gpd = _geopandas()
    feats = fc.get("features", [])
    if not feats:
        return gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    return gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")


def network_to_geodataframe(net: Network, *, layer: Literal["links", "nodes"] = "links") -> Any:
    """Links (LineStrings on their drawn shapes) or nodes (Points) with their table columns."""
    from corridors.io.geojson import network_to_geojson

    if layer not in ("links", "nodes"):
        raise InvalidSpecError(explain(f"Unknown layer {layer!r}.", fix="Use 'links' or 'nodes'."))
    fc = _layer(network_to_geojson(net), layer[:-1])
    return geodataframe(fc)


def route_options_to_geodataframe(net: Network, itineraries: list[Itinerary]) -> Any:
    """One row per leg of each option: ``option`` (rank), ``leg``, corridor, mode, days, cost_usd,
    co2_kg and the leg's line."""
    from corridors.io.geojson import itineraries_to_geojson

    return geodataframe(itineraries_to_geojson(net, itineraries))


def flows_to_geojson(net: Network, result: Any) -> dict[str, Any]:
    """Physical links of a corridor assignment with flow, capacity, utilization and delay.

    Lines follow the links' drawn shapes (``link_geometry.geojson``), else straight lines.
    Flows are per year: ``flow_teu_equiv`` (all classes in TEU-equivalent) and per class in
    the class's unit: ``flow_<class>`` (TEU for containers, t for grain) for a corridor
    assignment, ``flow_<class>_<unit>_per_yr`` and ``flow_t_per_yr`` (tonnes, all classes)
    for a choice equilibrium; ``capacity_teu_equiv`` per year (empty where uncongested),
    ``utilization`` (volume/capacity), ``delay_h`` per unit.

    Parameters
    ----------
    net
        The network assigned.
    result
        An :class:`~corridors.assignment.results.AssignmentResult` of the corridor network or
        a :class:`~corridors.assignment.sue.ChoiceResult` (anything whose ``link_table()``
        has the columns of one of them).
    """
    from corridors.assignment._from_network import UNCONGESTED
    from corridors.io.geojson import _continuous, _link_line, _shapes

    df = _flow_frame(result.link_table())
    nodes = net.nodes
    shapes = _shapes(net)
    class_cols = [c for c in df.columns if c.startswith("flow_") and c != "flow_pcu"]
    feats = []
    for r in df.to_dict("records"):
        a, b = str(r["from_node"]).split(":")[0], str(r["to_node"]).split(":")[0]
        if r["link_type"] in ("handling", "gauge_change", "transfer") or a == b:
            continue
        if a not in nodes.index or b not in nodes.index:
            continue
        cap = float(r["capacity"])
        limited = cap < UNCONGESTED
        directed = str(r["link_id"])
        props: dict[str, Any] = {
            "link_id": directed.rsplit(":", 1)[0],
            "direction": directed.rsplit(":", 1)[1] if ":" in directed else "",
            "name": f"{nodes.at[a, 'name']} → {nodes.at[b, 'name']}",
            "link_type": r["link_type"],
            "flow_teu_equiv": float(r["flow_pcu"]),
            **{c: float(r[c]) for c in class_cols},
            "capacity_teu_equiv": cap if limited else None,
            "utilization": float(r["volume_capacity"]) if limited else None,
            "delay_h": float(r["delay"]),
        }
        line = _link_line(net, shapes, props["link_id"], a, b)
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": _continuous(line)},
                "properties": {k: _finite(v) for k, v in props.items()},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


_CHOICE_COLUMNS = {
    "flow_teu_eq_per_yr": "flow_pcu",
    "capacity_teu_eq_per_yr": "capacity",
    "delay_h": "delay",
}


def _flow_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A choice equilibrium's link table in the columns of the corridor assignment's."""
    if "flow_pcu" in df.columns:
        return df
    out = df.rename(columns=_CHOICE_COLUMNS)
    out["capacity"] = out["capacity"].fillna(float("inf"))
    return out


def flows_to_geodataframe(net: Network, result: Any) -> Any:
    """:func:`flows_to_geojson` as a GeoDataFrame."""
    return geodataframe(flows_to_geojson(net, result))


def _finite(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _layer(fc: dict[str, Any], feature: str) -> dict[str, Any]:
    feats = [f for f in fc["features"] if f["properties"].get("feature") == feature]
    for f in feats:
        f["properties"] = {k: v for k, v in f["properties"].items() if k != "feature"}
    return {"type": "FeatureCollection", "features": feats}


def _wkt(geom: dict[str, Any]) -> str:
    if geom["type"] == "Point":
        x, y = geom["coordinates"]
        return f"POINT ({x} {y})"
    pts = ", ".join(f"{x} {y}" for x, y in geom["coordinates"])
    return f"LINESTRING ({pts})"


def _csv_frame(fc: dict[str, Any]) -> pd.DataFrame:
    rows = [{**f["properties"], "geometry_wkt": _wkt(f["geometry"])} for f in fc["features"]]
    return pd.DataFrame(rows)


def write_features(
    fc: dict[str, Any],
    path: str | Path,
    *,
    format: Format | str | None = None,
    layer: str = "features",
) -> Path:
    """Write a FeatureCollection as GeoJSON, GeoPackage, GeoParquet or CSV.

    Parameters
    ----------
    fc
        A GeoJSON FeatureCollection (lon/lat degrees).
    path
        Output file (its folder is created).
    format
        ``geojson``, ``gpkg`` (layer ``layer``; other layers of the file are kept),
        ``parquet`` (GeoParquet) or ``csv`` (properties plus a ``geometry_wkt`` column);
        default from the suffix of ``path``.
    layer
        GeoPackage layer name.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown format.
    corridors.errors.MissingDependencyError
        For ``gpkg``/``parquet`` without the ``geo`` extra.
    """
    p = Path(path)
    fmt = (format or p.suffix.lstrip(".").lower() or "geojson").lower()
    fmt = {"json": "geojson", "pq": "parquet", "geoparquet": "parquet"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise InvalidSpecError(
            explain(f"Unknown output format {fmt!r}.", fix=f"Use one of {', '.join(FORMATS)}.")
        )
    from corridors.io._output import write_output

    if str(path) != "-":
        p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "geojson":  # '-' is stdout; never renamed over a device; the usual umask
        write_output(path, lambda fh: json.dump(fc, fh, ensure_ascii=False))
    elif fmt == "csv":
        write_output(path, lambda fh: _csv_frame(fc).to_csv(fh, index=False))
    else:
        gdf = geodataframe(fc)
        if fmt == "gpkg":
            gdf.to_file(p, layer=layer, driver="GPKG")
        else:
            gdf.to_parquet(p, index=False)
    return p
