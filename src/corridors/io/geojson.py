"""GeoJSON export of networks and itineraries (WGS84, RFC 7946)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridors.network.model import Network
    from corridors.routing.itinerary import Itinerary

__all__ = ["itineraries_to_geojson", "network_to_geojson", "write_geojson"]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _coords(net: Network) -> dict[str, tuple[float, float]]:
    """Node id → (lon, lat) rounded to 5 decimals (~1 m), built once per network (the
    network is immutable)."""
    got = net._cache.get("geojson_coords")
    if got is None:
        nodes = net.nodes
        got = {
            str(n): (round(float(lon), 5), round(float(lat), 5))
            for n, lon, lat in zip(
                nodes.index,
                nodes["lon_deg"].to_numpy(float),
                nodes["lat_deg"].to_numpy(float),
                strict=True,
            )
        }
        net._cache["geojson_coords"] = got
    return got  # type: ignore[return-value]


def _line(net: Network, node_ids: list[str]) -> list[list[float]]:
    coords = _coords(net)
    return [list(coords[n]) for n in node_ids]


def _shapes(net: Network) -> dict[str, list[list[float]]]:
    got = net._cache.get("geojson_shapes")
    if got is None:
        geo = net.tables.get("geometry")
        got = (
            {}
            if geo is None or not len(geo)
            else {
                lid: [[round(float(x), 5), round(float(y), 5)] for x, y in line]
                for lid, line in zip(geo["link_id"], geo["coordinates"], strict=True)
            }
        )
        net._cache["geojson_shapes"] = got
    return got  # type: ignore[return-value]


def _continuous(coords: list[list[float]]) -> list[list[float]]:
    """Unwrap longitudes so lines stay continuous across the antimeridian (the coordinates
    come rounded to 5 decimals from the per-network caches)."""
    out: list[list[float]] = []
    prev = None
    for lon, lat in coords:
        if prev is not None and not -180 <= lon - prev <= 180:
            while lon - prev > 180:
                lon -= 360
            while lon - prev < -180:
                lon += 360
            lon = round(lon, 5)
        out.append([lon, lat])
        prev = lon
    return out


def _link_line(
    net: Network, shapes: dict[str, list[list[float]]], link_id: str, a: str, b: str
) -> list[list[float]]:
    """Drawn shape of a link from ``a`` to ``b`` (its stored shape, else a straight line)."""
    shape = shapes.get(link_id)
    if shape is None:
        return _line(net, [a, b])
    start = _coords(net)[a]
    forward = abs(shape[0][0] - start[0]) + abs(shape[0][1] - start[1]) <= abs(
        shape[-1][0] - start[0]
    ) + abs(shape[-1][1] - start[1])
    return shape if forward else shape[::-1]  # not copied: _continuous builds new lists


def network_to_geojson(net: Network) -> dict[str, Any]:
    """Nodes as Point features and physical links as LineString features.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection; properties carry the table columns.
    """
    features: list[dict[str, Any]] = []
    for row in net.tables["nodes"].to_dict("records"):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon_deg"], row["lat_deg"]]},
                "properties": {"feature": "node", **{k: _clean(v) for k, v in row.items()}},
            }
        )
    shapes = _shapes(net)
    for row in net.tables["links"].to_dict("records"):
        line = _link_line(net, shapes, row["link_id"], row["from_node"], row["to_node"])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": _continuous(line)},
                "properties": {"feature": "link", **{k: _clean(v) for k, v in row.items()}},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def itineraries_to_geojson(net: Network, itineraries: list[Itinerary]) -> dict[str, Any]:
    """One LineString feature per itinerary leg, with the itinerary's figures."""
    features = []
    shapes = _shapes(net)
    for rank, it in enumerate(itineraries, start=1):
        for k, leg in enumerate(it.legs):
            line: list[list[float]] = []
            for directed, a, b in zip(leg.links, leg.nodes, leg.nodes[1:], strict=False):
                part = _link_line(net, shapes, directed.rsplit(":", 1)[0], a, b)
                line.extend(part if not line else part[1:])
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": _continuous(line)},
                    "properties": {
                        "option": rank,
                        "leg": k,
                        "corridor": it.corridor,
                        "mode": leg.mode,
                        "port": leg.port,
                        "days": round(it.days, 2),
                        "cost_usd": round(it.cost_usd, 2),
                        "co2_kg": round(it.co2_kg, 1),
                        "tags": it.tags,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(data: dict[str, Any], path: str | Path) -> Path:
    """Write GeoJSON safely: ``-`` is stdout, a device is written in place, a file atomically.

    See :func:`corridors.io._output.write_output`; the target's folder must exist.
    """
    from corridors.io._output import write_output

    write_output(path, lambda fh: json.dump(data, fh, ensure_ascii=False))
    return Path(path)
