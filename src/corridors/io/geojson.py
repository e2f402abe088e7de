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


def _line(net: Network, node_ids: list[str]) -> list[list[float]]:
    nodes = net.nodes
    coords: list[list[float]] = []
    for n in node_ids:
        coords.append([float(nodes.at[n, "lon_deg"]), float(nodes.at[n, "lat_deg"])])
    return coords


def _shapes(net: Network) -> dict[str, list[list[float]]]:
    geo = net.tables.get("geometry")
    if geo is None or not len(geo):
        return {}
    return dict(zip(geo["link_id"], geo["coordinates"], strict=True))


def _continuous(coords: list[list[float]]) -> list[list[float]]:
    """Round and unwrap longitudes so lines stay continuous across the antimeridian."""
    out: list[list[float]] = []
    for lon, lat in coords:
        if out:
            while lon - out[-1][0] > 180:
                lon -= 360
            while lon - out[-1][0] < -180:
                lon += 360
        out.append([round(lon, 5), round(lat, 5)])
    return out


def _link_line(
    net: Network, shapes: dict[str, list[list[float]]], link_id: str, a: str, b: str
) -> list[list[float]]:
    """Drawn shape of a link from ``a`` to ``b`` (its stored shape, else a straight line)."""
    shape = shapes.get(link_id)
    if shape is None:
        return _line(net, [a, b])
    start = net.nodes.loc[a, ["lon_deg", "lat_deg"]].to_numpy(float)
    forward = abs(shape[0][0] - start[0]) + abs(shape[0][1] - start[1]) <= abs(
        shape[-1][0] - start[0]
    ) + abs(shape[-1][1] - start[1])
    return [list(map(float, c)) for c in (shape if forward else shape[::-1])]


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
