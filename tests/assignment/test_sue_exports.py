"""Select-link, geo files and OMX skims of the choice equilibrium (issue 12, item 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from corridors.assignment.choice import ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.select import select_link_od, select_link_tables
from corridors.assignment.sue import ChoiceResult, SUESpec, build_problem, solve
from corridors.errors import UnknownPlaceError
from corridors.network import Network


def _two_way(net: Network) -> ChoiceResult:
    """A→D and D→A containers plus A→D grain on ``two_corridors``: three markets, two units."""
    z = list(net.nodes.index)
    a, d = z.index("A"), z.index("D")
    box = np.zeros((len(z), len(z)))
    box[a, d], box[d, a] = 25_000.0, 8_000.0
    grain = np.zeros_like(box)
    grain[a, d] = 300_000.0
    p = ChoiceParameters(asc={"rail_southern": -0.2})
    od = ODMatrices(tuple(z), {"container_std": box, "grain": grain})
    return solve(build_problem(net, od, params=p), p, spec=SUESpec(target_gap=1e-8))


def test_select_link_sums_to_the_link_flow_per_class(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_corridors")
    r = _two_way(net)
    lt = r.link_table().set_index("link_id")
    sl = select_link_od(r, "a-r", net=net)  # both directions of the physical link
    assert set(sl["unit"]) == {"TEU", "t"}
    assert (sl["flow_per_year"].diff().dropna() <= 0).all()  # largest first
    for cls, unit in (("container_std", "TEU"), ("grain", "t")):
        col = f"flow_{cls}_{unit}_per_yr"
        rows = sl[sl["class"] == cls]
        both = lt.loc["a-r:f", col] + lt.loc["a-r:r", col]
        assert rows["flow_per_year"].sum() == pytest.approx(both, rel=1e-9)
        assert both > 0
    # one direction only: the westbound (D→A) market does not use a-r:f
    fwd = select_link_od(r, "a-r:f", net=net)
    assert set(zip(fwd["origin"], fwd["destination"], strict=True)) == {("A", "D")}
    box = fwd[fwd["class"] == "container_std"].iloc[0]
    assert box["flow_per_year"] == pytest.approx(lt.loc["a-r:f", "flow_container_std_TEU_per_yr"])
    assert box["share"] == pytest.approx(box["flow_per_year"] / 25_000.0)
    assert 0 < box["share"] < 1  # the Southern corridor takes the rest
    assert box["origin_name"] == net.nodes.at["A", "name"]
    # every used physical link is listed
    tables = select_link_tables(r, net=net)
    assert set(tables) == {"a-r", "r-d", "a-t", "t-d"}
    with pytest.raises(UnknownPlaceError, match="Did you mean a-r"):
        select_link_od(r, "a-rr", net=net)


def test_geo_files_and_omx_skims_read_back(tiny: Callable[[str], Network], tmp_path: Path) -> None:
    net = tiny("two_corridors")
    r = _two_way(net)
    lt = r.link_table().set_index("link_id")
    files = r.write(tmp_path, formats=["csv", "geojson"])
    assert {p.name for p in files} >= {"links.csv", "skims.csv", "shares.csv", "links.geojson"}
    fc = json.loads((tmp_path / "links.geojson").read_text())
    props = {
        (f["properties"]["link_id"], f["properties"]["direction"]): f["properties"]
        for f in fc["features"]
    }
    assert len(props) == 8  # four links, both directions
    ar = props[("a-r", "f")]
    assert ar["flow_teu_equiv"] == pytest.approx(lt.loc["a-r:f", "flow_teu_eq_per_yr"])
    assert ar["flow_grain_t_per_yr"] == pytest.approx(lt.loc["a-r:f", "flow_grain_t_per_yr"])
    assert ar["utilization"] == pytest.approx(lt.loc["a-r:f", "volume_capacity"])
    assert ar["delay_h"] == pytest.approx(lt.loc["a-r:f", "delay_h"]) and ar["delay_h"] > 0
    assert props[("r-d", "f")]["capacity_teu_equiv"] is None  # no capacity there
    assert fc["features"][0]["geometry"]["type"] == "LineString"

    pytest.importorskip("openmatrix")
    from corridors.io.omx import read_skims_omx, write_skims_omx

    zones, cores = read_skims_omx(write_skims_omx(r, tmp_path / "skims.omx"))
    assert zones == list(net.nodes.index.astype(str))
    assert set(cores) == {
        f"{c}_{m}" for c in ("container_std", "grain") for m in ("time", "cost", "distance")
    }
    st = r.skim_table().set_index(["class", "origin", "destination"])
    a, d = zones.index("A"), zones.index("D")
    for cls, o, dd in (("container_std", a, d), ("container_std", d, a), ("grain", a, d)):
        row = st.loc[(cls, zones[o], zones[dd])]
        assert cores[f"{cls}_time"][o, dd] == pytest.approx(row["time_h"])
        assert cores[f"{cls}_cost"][o, dd] == pytest.approx(row["cost_usd"])
        assert cores[f"{cls}_distance"][o, dd] == pytest.approx(row["distance_km"])
    assert np.isnan(cores["grain_time"][d, a])  # no grain D→A: no skim
    # the expected time lies between the two corridors' times
    sh = r.share_table()
    t = sh[(sh["class"] == "container_std") & (sh["origin"] == "A")]["time_h"]
    assert t.min() < cores["container_std_time"][a, d] < t.max()


def test_gpkg_and_parquet_read_back(tiny: Callable[[str], Network], tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    net = tiny("two_corridors")
    r = _two_way(net)
    files = r.write(tmp_path, formats=["parquet", "gpkg"])
    assert (tmp_path / "links.parquet") in files and (tmp_path / "links.gpkg") in files
    back = pd.read_parquet(tmp_path / "links.parquet")
    assert back["flow_teu_eq_per_yr"].to_numpy() == pytest.approx(r.link_flow)
    gdf = gpd.read_file(tmp_path / "links.gpkg", layer="links")
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 8
    tot = gdf.groupby("link_id")["flow_container_std_TEU_per_yr"].sum()
    lt = r.link_table()
    lt["pid"] = lt["link_id"].str.rsplit(":", n=1).str[0]
    expect = lt.groupby("pid")["flow_container_std_TEU_per_yr"].sum()
    assert tot.to_dict() == pytest.approx(expect[tot.index].to_dict())
    assert len(r.to_geodataframe()) == 8


def test_bundled_select_link_matches_the_crossing_flow(bundled: Network) -> None:
    from corridors.assignment.sue import base_demand, equilibrium

    r = equilibrium(bundled, base_demand(bundled), spec=SUESpec(target_gap=1e-4))
    lt = r.link_table()
    lt = lt[lt["link_id"].str.startswith("rail-alashankou-dostyk")]
    sl = select_link_od(r, "rail-alashankou-dostyk", net=bundled)
    assert not sl.empty and (sl["share"] <= 1 + 1e-9).all()
    for p in r.problem.profiles:
        got = sl.loc[sl["class"] == p.name, "flow_per_year"].sum()
        want = lt[f"flow_{p.name}_{p.unit}_per_yr"].sum()
        assert got == pytest.approx(want, rel=1e-9, abs=1e-6), p.name
    assert sl["flow_per_year"].sum() > 0
