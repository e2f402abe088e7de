"""Write the drawn shape of every sea and Black Sea lane to ``link_geometry.geojson``.

Usage:  python tools/build_link_geometry.py

The lengths in links.csv come from tools/build_sea_lanes.py (method M6); this script reuses its
lane list and searoute settings (same passages restricted, same Caspian/Volga-Don check) and
keeps only the path's coordinates, simplified to at most ~200 points a lane, so that maps draw
ships at sea instead of straight across the continent. Links without a shape are drawn as a
straight line between their end nodes. Shapes of other links already in the file (the rail paths
of tools/build_rail_geometry.py) are kept.
"""

import csv
import json
import sys
from importlib.metadata import version
from pathlib import Path

import searoute as sr

sys.path.insert(0, str(Path(__file__).parent))
from build_sea_lanes import LANES, NET, in_caspian_or_volga


def main() -> None:
    nodes = {r["node_id"]: r for r in csv.DictReader((Path(NET) / "nodes.csv").open())}
    features = []
    for link_id, a, b, _cls, via, restrictions, _sailings in LANES:
        o = [float(nodes[a]["lon_deg"]), float(nodes[a]["lat_deg"])]
        d = [float(nodes[b]["lon_deg"]), float(nodes[b]["lat_deg"])]
        kw = {"units": "km"}
        if restrictions:
            kw["restrictions"] = ["northwest", *restrictions]
        coords = sr.searoute(o, d, **kw)["geometry"]["coordinates"]
        assert not any(in_caspian_or_volga(x, y) for x, y in coords), link_id
        step = max(1, len(coords) // 200)
        line = [o, *coords[1:-1:step], d]
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[round(x, 3), round(y, 3)] for x, y in line],
                },
                "properties": {
                    "link_id": link_id,
                    "via": via,
                    "method": f"searoute {version('searoute')} path (M6)",
                },
            }
        )
    out = Path(NET) / "link_geometry.geojson"
    # Keep the other tools' shapes (rail paths of build_rail_geometry.py) and the metadata.
    old = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    ours = {f["properties"]["link_id"] for f in features}
    others = [f for f in old.get("features", []) if f["properties"]["link_id"] not in ours]
    data = {"type": "FeatureCollection", "features": others + features}
    if "metadata" in old:
        data = {
            "type": "FeatureCollection",
            "metadata": old["metadata"],
            "features": data["features"],
        }
    out.write_text(json.dumps(data), encoding="utf-8")
    print(f"wrote {len(features)} lane shapes to {out}")


if __name__ == "__main__":
    main()
