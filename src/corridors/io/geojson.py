"""GeoJSON export of networks and itineraries (WGS84, RFC 7946)."""

from __future__ import annotations

import json
import math
import os
import tempfile
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
    coords = []
    for n in node_ids:
        lon, lat = float(nodes.at[n, "lon_deg"]), float(nodes.at[n, "lat_deg"])
        if coords and abs(lon - coords[-1][0]) > 180:  # keep lines continuous across 180°
            lon += 360 if lon < coords[-1][0] else -360
        coords.append([round(lon, 5), round(lat, 5)])
    return coords


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
    for row in net.tables["links"].to_dict("records"):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": _line(net, [row["from_node"], row["to_node"]]),
                },
                "properties": {"feature": "link", **{k: _clean(v) for k, v in row.items()}},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def itineraries_to_geojson(net: Network, itineraries: list[Itinerary]) -> dict[str, Any]:
    """One LineString feature per itinerary leg, with the itinerary's figures."""
    features = []
    for rank, it in enumerate(itineraries, start=1):
        for k, leg in enumerate(it.legs):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": _line(net, leg.nodes)},
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
    """Write GeoJSON atomically (a crash never leaves a half-written file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    Path(tmp).replace(path)
    return path
