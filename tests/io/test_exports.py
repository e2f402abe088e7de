"""GeoDataFrames, GeoPackage/GeoParquet/CSV files, GMNS round trips, skims to OMX and NetworkX,
on tiny networks and the bundled one."""

from __future__ import annotations

import builtins
import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors.errors import DataFileError, MissingDependencyError, NetworkValidationError
from corridors.io.geo import write_features
from corridors.io.geojson import network_to_geojson
from corridors.io.gmns import read_gmns, write_gmns
from corridors.network import Network
from corridors.routing import pareto_routes
from tests.tiny import CATALOGUE, write_network

gpd = pytest.importorskip("geopandas")

TABLES = ("nodes", "links", "crossings", "transfers", "parameters", "rates", "passages")


def _same_tables(a: Network, b: Network) -> None:
    for k in TABLES:
        if k not in a.tables:
            continue
        x, y = a.tables[k].reset_index(drop=True), b.tables[k].reset_index(drop=True)
        pd.testing.assert_frame_equal(x[sorted(x.columns)], y[sorted(y.columns)], check_dtype=False)


# -- GeoDataFrames -------------------------------------------------------------------------------
def test_network_geodataframes(bundled: Network) -> None:
    links = bundled.to_geodataframe()
    nodes = bundled.to_geodataframe("nodes")
    assert str(links.crs) == "EPSG:4326" and str(nodes.crs) == "EPSG:4326"
    assert len(links) == len(bundled.tables["links"]) and len(nodes) == len(bundled.tables["nodes"])
    assert set(links.geom_type) == {"LineString"} and set(nodes.geom_type) == {"Point"}
    ala = nodes.set_index("node_id").loc["KZALA"]
    assert ala.geometry.x == pytest.approx(bundled.nodes.at["KZALA", "lon_deg"])
    # links with a drawn shape keep it (sea lanes have many vertices)
    shaped = set(bundled.tables["geometry"]["link_id"])
    n_pts = links.set_index("link_id").geometry.map(lambda g: len(g.coords))
    lengths = {
        i: len(c)
        for i, c in zip(
            bundled.tables["geometry"]["link_id"],
            bundled.tables["geometry"]["coordinates"],
            strict=True,
        )
    }
    assert all(n_pts[i] == lengths[i] for i in shaped)
    assert max(lengths.values()) > 2  # sea lanes at least are more than chords
    with pytest.raises(Exception, match="links' or 'nodes"):
        bundled.to_geodataframe("edges")


def test_route_options_geodataframe(bundled: Network) -> None:
    opts = pareto_routes(bundled, "Almaty", "Baku", teu=2, avoid_modes=["air"])
    gdf = opts.to_geodataframe(bundled)
    assert set(gdf["option"]) == set(range(1, len(opts.options) + 1))
    legs = sum(len(it.legs) for it in opts.options)
    assert len(gdf) == legs
    first = gdf[gdf["option"] == 1]
    assert first["days"].iloc[0] == pytest.approx(opts.options[0].days, abs=0.01)
    # the first leg starts at Almaty
    x0, y0 = first.geometry.iloc[0].coords[0]
    assert (x0, y0) == pytest.approx(
        (bundled.nodes.at[opts.origin, "lon_deg"], bundled.nodes.at[opts.origin, "lat_deg"]),
        abs=1e-4,
    )


def test_flows_geodataframe(bundled: Network) -> None:
    from corridors.assignment import AssignmentSpec, assign_network, baseline_demand

    res = assign_network(bundled, baseline_demand(bundled), spec=AssignmentSpec(target_gap=1e-3))
    gdf = res.to_geodataframe(bundled)
    lt = res.link_table().set_index("link_id")
    row = gdf[(gdf["link_id"] == "rail-alashankou-dostyk") & (gdf["direction"] == "f")].iloc[0]
    assert row["flow_teu_equiv"] == pytest.approx(lt.at["rail-alashankou-dostyk:f", "flow_pcu"])
    assert row["flow_containers"] == pytest.approx(
        lt.at["rail-alashankou-dostyk:f", "flow_containers"]
    )
    assert row["name"] == "Alashankou → Dostyk"
    assert set(gdf["link_type"]) <= {"rail", "road", "sea", "ferry", "air", "border"}
    plain = res.to_geodataframe()  # every graph link, straight lines
    assert len(plain) == res.graph.n_links


def test_missing_geopandas_gives_the_install_hint(
    bundled: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = builtins.__import__

    def no_geopandas(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "geopandas" or name.startswith("geopandas."):
            raise ImportError("No module named 'geopandas'")
        return real(name, *args, **kwargs)

    monkeypatch.delitem(__import__("sys").modules, "geopandas", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_geopandas)
    with pytest.raises(MissingDependencyError, match=r"pip install 'corridors\[geo\]'"):
        bundled.to_geodataframe()


# -- files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet", "csv"])
def test_write_features_formats(bundled: Network, tmp_path: Path, fmt: str) -> None:
    fc = network_to_geojson(bundled)
    links = {
        "type": "FeatureCollection",
        "features": [f for f in fc["features"] if f["properties"]["feature"] == "link"],
    }
    path = write_features(links, tmp_path / f"links.{fmt}", layer="links")
    if fmt == "csv":
        back = pd.read_csv(path)
        assert back["geometry_wkt"].str.startswith("LINESTRING (").all()
        back = gpd.GeoDataFrame(back, geometry=gpd.GeoSeries.from_wkt(back["geometry_wkt"]))
    elif fmt == "parquet":
        back = gpd.read_parquet(path)
    else:
        back = gpd.read_file(path)
    assert len(back) == len(links["features"])
    got = back.set_index("link_id").loc["rail-alashankou-dostyk"]
    assert got["length_km"] == pytest.approx(
        bundled.tables["links"].set_index("link_id").at["rail-alashankou-dostyk", "length_km"]
    )
    assert got.geometry.geom_type == "LineString"


def test_write_features_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="Unknown output format 'shp'"):
        write_features({"type": "FeatureCollection", "features": []}, tmp_path / "x.shp")


# -- GMNS ----------------------------------------------------------------------------------------
LOADABLE = sorted(n for n in CATALOGUE if n != "disconnected")  # that one fails validation


@pytest.mark.parametrize("name", LOADABLE)
def test_gmns_round_trip_tiny(tiny, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    net = tiny(name)
    write_gmns(net, tmp_path / "g")
    _same_tables(net, read_gmns(tmp_path / "g"))


def test_gmns_round_trip_bundled(bundled: Network, tmp_path: Path) -> None:
    files = {p.name for p in write_gmns(bundled, tmp_path)}
    assert {"node.csv", "link.csv", "config.csv"} <= files
    back = read_gmns(tmp_path)
    _same_tables(bundled, back)
    assert back.name == "bundled"
    a = dict(
        zip(
            bundled.tables["geometry"]["link_id"],
            bundled.tables["geometry"]["coordinates"],
            strict=True,
        )
    )
    b = dict(
        zip(back.tables["geometry"]["link_id"], back.tables["geometry"]["coordinates"], strict=True)
    )
    assert a.keys() == b.keys()
    for k in a:
        assert np.allclose(a[k], b[k], atol=1e-6)
    # and it routes the same
    x = pareto_routes(bundled, "Almaty", "Baku", teu=2)
    y = pareto_routes(back, "Almaty", "Baku", teu=2)
    assert [o.days for o in x.options] == pytest.approx([o.days for o in y.options])


def test_gmns_fields_follow_the_spec(bundled: Network, tmp_path: Path) -> None:
    write_gmns(bundled, tmp_path)
    with (tmp_path / "node.csv").open() as fh:
        node_cols = next(csv.reader(fh))
    with (tmp_path / "link.csv").open() as fh:
        link_cols = next(csv.reader(fh))
    assert node_cols[:5] == ["node_id", "name", "x_coord", "y_coord", "node_type"]
    assert link_cols[:5] == ["link_id", "name", "from_node_id", "to_node_id", "directed"]
    link = pd.read_csv(tmp_path / "link.csv")
    assert set(link["dir_flag"]) <= {0, 1}
    assert link["geometry"].str.startswith("LINESTRING (").all()
    assert (link["length"] == link["length_km"]).all()
    config = pd.read_csv(tmp_path / "config.csv")
    assert config.loc[0, "long_length"] == "km" and config.loc[0, "crs"] == "EPSG:4326"


def test_gmns_import_of_a_plain_gmns_folder(tmp_path: Path) -> None:
    """A GMNS network from elsewhere: lengths in miles, modes in allowed_uses, corridors side
    tables only for tariffs and sources."""
    (tmp_path / "node.csv").write_text(
        "node_id,name,x_coord,y_coord,node_type,country\n"
        "1,Alpha,60.0,45.0,city,KZ\n2,Beta,62.0,45.0,city,KZ\n3,Gamma,64.0,45.0,city,KZ\n"
    )
    head = "link_id,from_node_id,to_node_id,directed,length,allowed_uses,facility_type"
    rows = "10,1,2,false,100,rail,rail{}\n11,2,3,true,50,rail,rail{}\n"
    (tmp_path / "link.csv").write_text(head + "\n" + rows.format("", ""))
    (tmp_path / "config.csv").write_text("dataset_name,long_length\nplain,mi\n")
    tiny = write_network(CATALOGUE["parallel_links"](), tmp_path / "t")
    for f in ("parameters.csv", "sources.csv"):
        shutil.copyfile(tiny / f, tmp_path / f)
    with pytest.raises(NetworkValidationError, match="rail link without gauge_mm"):
        read_gmns(tmp_path)  # corridors' own checks apply to imported networks
    (tmp_path / "link.csv").write_text(head + ",gauge_mm\n" + rows.format(",1520", ",1520"))
    net = read_gmns(tmp_path)
    assert net.name == "plain"
    links = net.tables["links"].set_index("link_id")
    assert links.at["10", "length_km"] == pytest.approx(160.9344)
    assert links.at["10", "mode"] == "rail" and links.at["11", "bidirectional"] == "false"
    assert "gmns" in set(net.tables["sources"]["source_id"])
    best = pareto_routes(net, "Alpha", "Gamma", teu=1).options[0]
    assert best.distance_km == pytest.approx(1.609344 * 150)


def test_gmns_import_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"node\.csv is missing"):
        read_gmns(tmp_path)
    tiny = write_network(CATALOGUE["two_nodes"](), tmp_path / "t")
    for f in ("parameters.csv", "sources.csv"):
        shutil.copyfile(tiny / f, tmp_path / f)
    (tmp_path / "node.csv").write_text("node_id,x_coord,y_coord\n1,60,45\n2,61,45\n")
    (tmp_path / "link.csv").write_text("link_id,from_node_id,to_node_id,length\n1,1,2,10\n")
    with pytest.raises(DataFileError, match="no column\\(s\\) country"):
        read_gmns(tmp_path)


# -- skims to OMX and NetworkX -------------------------------------------------------------------
def test_skims_to_omx_round_trip(bundled: Network, tmp_path: Path) -> None:
    pytest.importorskip("openmatrix")
    from corridors.assignment import AssignmentSpec, assign_network, baseline_demand
    from corridors.io.omx import read_skims_omx, write_skims_omx

    res = assign_network(bundled, baseline_demand(bundled), spec=AssignmentSpec(target_gap=1e-3))
    zones, cores = read_skims_omx(write_skims_omx(res, tmp_path / "skims.omx"))
    assert zones == list(bundled.nodes.index)
    assert set(cores) == {
        f"{c}_{m}" for c in ("containers", "grain") for m in ("time", "cost", "distance")
    }
    for c in ("containers", "grain"):
        for m, arr in res.skims(c).items():
            assert np.array_equal(cores[f"{c}_{m}"], arr, equal_nan=True)
    # a pair with demand has a finite skim equal to the long table's
    st = res.skim_table("containers").iloc[0]
    i, j = zones.index(st["origin"]), zones.index(st["destination"])
    assert cores["containers_time"][i, j] == pytest.approx(st["time"])


def test_to_networkx(bundled: Network, tiny) -> None:  # type: ignore[no-untyped-def]
    nx = pytest.importorskip("networkx")
    g = bundled.to_networkx()
    assert g.number_of_nodes() == len(bundled.tables["nodes"])
    assert g.number_of_edges() == len(bundled.links)
    assert g.nodes["KZALA"]["country"] == "KZ"
    ferry = next(r for r in bundled.link_records if r["mode"] == "ferry")
    e = g.edges[ferry["from_node"], ferry["to_node"], ferry["link_id_dir"]]
    assert e["mode"] == "ferry" and e["length_km"] == ferry["length_km"]
    assert sum(d["is_border"] for *_, d in g.edges(data=True)) == int(
        bundled.links["is_border"].sum()
    )
    assert nx.is_weakly_connected(g)
    t = tiny("parallel_links").to_networkx()
    # shortest A->B by km is the direct road (330 km) against rail via M (400 km)
    path = nx.shortest_path(nx.DiGraph(t), "A", "B", weight="length_km")
    assert path == ["A", "B"]
    g3 = tiny("three_countries").to_networkx()
    assert {d["link_id"] for _, _, d in g3.out_edges("A", data=True)} == {"a-r", "a-t"}
