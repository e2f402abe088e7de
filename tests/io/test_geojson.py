"""GeoJSON export: sea legs follow searoute's lanes, lines are continuous, files are valid."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from corridors.cli import main
from corridors.io.geojson import itineraries_to_geojson, network_to_geojson
from corridors.network import Network
from corridors.routing import pareto_routes


def test_sea_leg_is_drawn_at_sea(bundled: Network) -> None:
    opts = pareto_routes(bundled, "Shanghai", "Rotterdam", avoid_modes=["rail", "air"])
    gj = itineraries_to_geojson(bundled, opts.options[:1])
    sea = [f for f in gj["features"] if f["properties"]["mode"] == "sea"]
    assert sea
    coords = sea[0]["geometry"]["coordinates"]
    assert len(coords) > 20  # a lane, not a straight line across Eurasia
    # passes south of Asia: somewhere near the Indian Ocean / Red Sea latitudes
    assert min(lat for _, lat in coords) < 15
    # never inside the Caspian basin
    assert not any(46 < lon < 55 and 36 < lat < 47.5 for lon, lat in coords)
    # continuous: no jump of more than 180 degrees of longitude between points
    assert all(abs(b[0] - a[0]) < 180 for a, b in itertools.pairwise(coords))


def test_network_export_cli(tmp_path: Path, bundled: Network) -> None:
    out = tmp_path / "net.geojson"
    with pytest.raises(SystemExit) as done:
        main(["network", "export", "--geojson", str(out)])
    assert done.value.code == 0
    data = json.loads(out.read_text())
    kinds = [f["properties"]["feature"] for f in data["features"]]
    assert kinds.count("node") == len(bundled.nodes)
    assert kinds.count("link") == len(bundled.tables["links"])
    assert network_to_geojson(bundled)["type"] == "FeatureCollection"
