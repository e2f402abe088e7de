"""The bundled Eurasian network: valid, connected, geographically plausible, sourced."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.network import Network, bundled_network_path, great_circle_km, validate_network
from corridors.routing._kernels import dijkstra

# Places the network must hold (issue #2), looked up by name as a user would type them.
REQUIRED_PLACES = [
    "Xi'an",
    "Chongqing",
    "Chengdu",
    "Yiwu",
    "Lianyungang",
    "Qingdao",
    "Jinan",
    "Urumqi",
    "Shanghai",
    "Alashankou",
    "Dostyk",
    "Khorgos",
    "Altynkol",
    "Almaty",
    "Astana",
    "Karaganda",
    "Kostanay",
    "Aktobe",
    "Shymkent",
    "Beyneu",
    "Zhanaozen",
    "Aktau",
    "Kuryk",
    "Moscow",
    "Brest",
    "Malaszewicze",
    "Duisburg",
    "Hamburg",
    "Rotterdam",
    "Kouvola",
    "Helsinki",
    "Oslo",
    "Baku",
    "Alat",
    "Tbilisi",
    "Poti",
    "Batumi",
    "Kars",
    "Istanbul",
    "Mersin",
    "Constanta",
    "Serhetyaka",
    "Ashgabat",
    "Turkmenbashi",
    "Gorgan",
    "Tehran",
    "Bandar Abbas",
    "Tashkent",
    "Termez",
    "Hairatan",
    # issue #10 coverage
    "Saksaulskaya",
    "Shalkar",
    "Kungrad",
    "Tejen",
    "Serhetabat",
    "Torghundi",
    "Imamnazar",
    "Aqina",
    "Amirabad",
    "Anzali",
    "Zabaikalsk",
    "Manzhouli",
    "Erenhot",
    "Naushki",
    "Ulaanbaatar",
    "Kaliningrad",
    "Kuznica",
    "Bruzgi",
    "Gdynia",
    "Swinoujscie",
    "Rostock",
    "Trelleborg",
    "Ystad",
    "Karlskrona",
    "Drammen",
    "Larvik",
    "Bergen",
]


def test_bundled_network_is_valid() -> None:
    assert validate_network(bundled_network_path()) == []


@pytest.mark.parametrize("place", REQUIRED_PLACES)
def test_required_place_present(bundled: Network, place: str) -> None:
    assert bundled.find_place(place) in bundled.nodes.index


def _reachable(net: Network, cargo: str, source: str) -> set[str]:
    g = net.graph(cargo)
    src = int(net.nodes.index.get_loc(source))
    ok = np.ones(g.n_arcs, dtype=np.bool_)
    found = set()
    for target in range(g.n_nodes):  # access vertices are only entered as the target
        if target == src:
            continue
        dist, _ = dijkstra(g.indptr, g.head, g.time_h, ok, g.n_nodes, src, target)
        if np.isfinite(dist[target]):
            found.add(str(g.node_ids[target]))
    return found | {source}


def test_every_node_reachable_for_containers(bundled: Network) -> None:
    almaty = bundled.find_place("Almaty")
    assert _reachable(bundled, "container", almaty) == set(bundled.nodes.index)


def test_every_surface_node_reachable_for_grain(bundled: Network) -> None:
    # Bulk grain does not fly; every other place must be reachable from the grain belt.
    kostanay = bundled.find_place("Kostanay")
    surface = set(bundled.nodes.index[bundled.nodes["kind"] != "airport"])
    assert surface <= _reachable(bundled, "bulk", kostanay)


# Upper bounds of length / great-circle: rail and road lines bend around terrain (published
# lines in the network reach 1.8, e.g. Ankara-Istanbul); sea lanes round continents (Shanghai-
# Rotterdam via the Cape is ~2.9 x the great circle).
MAX_RATIO = {"rail": 2.0, "road": 2.0, "ferry": 1.6, "sea": 3.2, "air": 1.2}


def test_lengths_within_great_circle_bounds(bundled: Network) -> None:
    links = bundled.tables["links"]
    nodes = bundled.nodes
    a, b = nodes.loc[links["from_node"]], nodes.loc[links["to_node"]]
    gc = great_circle_km(
        a["lat_deg"].to_numpy(),
        a["lon_deg"].to_numpy(),
        b["lat_deg"].to_numpy(),
        b["lon_deg"].to_numpy(),
    )
    ratio = links["length_km"].to_numpy() / gc
    too_short = links.loc[ratio < 0.999, "link_id"].tolist()
    assert too_short == [], f"links shorter than the great circle: {too_short}"
    limit = links["mode"].map(MAX_RATIO).to_numpy()
    too_long = links.loc[ratio > limit, "link_id"].tolist()
    assert too_long == [], f"links absurdly longer than the great circle: {too_long}"


def test_gauges_by_country(bundled: Network) -> None:
    links = bundled.links
    rail = links[(links["mode"] == "rail") & ~links["is_border"]]
    by_country = rail.groupby("from_country")["gauge_mm"].agg(set)
    for c in ("KZ", "RU", "BY", "UZ", "TM", "AZ", "GE", "MN"):
        assert by_country[c] == {1520.0}, c
    for c in ("CN", "DE", "PL", "TR", "IR", "SE", "NO"):
        assert by_country[c] == {1435.0}, c


def test_gauge_change_at_the_china_kazakhstan_border(bundled: Network) -> None:
    tr = bundled.tables["transfers"]
    gauge_nodes = set(tr.loc[tr["kind"] == "gauge_change", "node_id"])
    for place in ("Dostyk", "Altynkol"):
        assert bundled.find_place(place) in gauge_nodes


def test_every_cited_source_is_listed_and_most_lengths_published(bundled: Network) -> None:
    t = bundled.tables
    cited: set[str] = set()
    for table, cols in (
        ("links", ["length_source", "speed_source", "capacity_source", "sailings_source"]),
        ("crossings", ["source"]),
        ("transfers", ["source"]),
        ("parameters", ["source"]),
    ):
        for col in cols:
            for cell in t[table][col]:
                cited.update(s.strip() for s in str(cell).replace(",", ";").split(";"))
    cited -= {"", "estimate"}
    assert cited <= set(t["sources"]["source_id"])
    share_estimated = (t["links"]["length_source"] == "estimate").mean()
    assert share_estimated < 0.75  # most lengths are published figures


def _rail_length_shares(net: Network) -> dict[str, float]:
    """Shares of rail link lengths that are OSM-measured, otherwise published, or estimates."""
    rail = net.tables["links"][net.tables["links"]["mode"] == "rail"]
    src = rail["length_source"]
    return {
        "measured": float((src == OSM_SOURCE).mean()),
        "published": float(((src != OSM_SOURCE) & (src != "estimate")).mean()),
        "estimate": float((src == "estimate").mean()),
    }


OSM_SOURCE = "S230"  # OSM via scgraph_data (tools/build_rail_geometry.py, method M20)


def test_rail_lengths_mostly_measured_on_osm(bundled: Network) -> None:
    # Issue #10: measured wherever the OSM graph covers a line; estimates below 20 %.
    shares = _rail_length_shares(bundled)
    assert shares["estimate"] < 0.20, shares
    assert shares["measured"] > 0.5, shares
    src = bundled.tables["sources"].set_index("source_id")
    assert "OpenStreetMap" in src.at[OSM_SOURCE, "title"]
    assert "ODbL" in src.at[OSM_SOURCE, "title"]
    rail = bundled.tables["links"][bundled.tables["links"]["length_source"] == OSM_SOURCE]
    assert rail["length_note"].str.startswith("OSM via scgraph_data").all()


def test_measured_rail_links_have_matching_shapes(bundled: Network) -> None:
    # Each OSM-measured link is drawn along its measured path: the drawn polyline is as long
    # as the link (within the 1-km simplification and the ~5 % curvature correction of method
    # M20) and starts at the link's from-node.
    links = bundled.tables["links"].set_index("link_id")
    geom = bundled.tables["geometry"].set_index("link_id")["coordinates"]
    measured = links.index[links["length_source"] == OSM_SOURCE]
    assert set(measured) <= set(geom.index)
    for lid in measured:
        xy = np.asarray(geom[lid], dtype=float)
        drawn = great_circle_km(xy[:-1, 1], xy[:-1, 0], xy[1:, 1], xy[1:, 0]).sum()
        assert drawn == pytest.approx(links.at[lid, "length_km"], rel=0.12, abs=2.0), lid
        assert drawn <= links.at[lid, "length_km"] + 0.5, lid
        a = bundled.nodes.loc[links.at[lid, "from_node"]]
        assert xy[0].tolist() == pytest.approx([a["lon_deg"], a["lat_deg"]], abs=1e-3), lid


def _rail_km(net: Network, a: str, b: str) -> float:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra as sp_dijkstra

    rail = net.tables["links"][net.tables["links"]["mode"] == "rail"]
    idx = {n: k for k, n in enumerate(net.nodes.index)}
    u, v = rail["from_node"].map(idx).to_numpy(), rail["to_node"].map(idx).to_numpy()
    m = coo_matrix((rail["length_km"].to_numpy(), (u, v)), shape=(len(idx), len(idx)))
    return float(sp_dijkstra(m.tocsr(), directed=False, indices=idx[a])[idx[b]])


@pytest.mark.parametrize(
    ("a", "b", "published_km", "rel"),
    [
        # D01 KTZ schedule distance Altynkol-Aktau port 3,128 km (S40, 2024)
        ("Altynkol", "Aktau", 3128, 0.05),
        # D15 broad-gauge stretch Dostyk-Brest 5,430 km (S95b, 2019)
        ("Dostyk", "Brest", 5430, 0.05),
        # D31 Turkmen section of the KTI line ~700 km, border to border (S67/S68, 2014)
        ("Serhetyaka", "Etrek", 700, 0.10),
        # Trans-Kazakhstan line Petropavlovsk-Astana-Karaganda-Moyynty-Shu 1,514 km (S241, L)
        ("Petropavlovsk", "Shu", 1514, 0.05),
        # KTZ: Bandar Abbas-Astana by rail ~4,300 km via Turkmenistan and Uzbekistan (S239, 2023);
        # a rounded figure, and the Iranian sections keep published lengths that OSM measures up
        # to 10 % shorter (Bafq-Bandar Abbas): 8 %
        ("Bandar Abbas", "Astana", 4300, 0.08),
    ],
)
def test_rail_distances_match_published_routes(
    bundled: Network, a: str, b: str, published_km: float, rel: float
) -> None:
    km = _rail_km(bundled, bundled.find_place(a), bundled.find_place(b))
    assert km == pytest.approx(published_km, rel=rel)


def test_third_china_kazakhstan_railroad_not_in_base(bundled: Network) -> None:
    names = " ".join(bundled.tables["nodes"]["name"]).lower()
    assert "bakhty" not in names and "tacheng" not in names


def test_pavlodar_reaches_china_via_semey(bundled: Network) -> None:
    """Pavlodar's traffic runs via the Aksu-Konechnaya line to Semey since 2001, ~600 km shorter
    than via Astana (S1025, M151); Astana's own China route stays Karaganda-Moyynty."""
    pav, ast, dos = (bundled.find_place(p) for p in ("Pavlodar", "Astana", "Dostyk"))
    via_semey = _rail_km(bundled, pav, dos)
    via_astana = _rail_km(bundled, pav, ast) + _rail_km(bundled, ast, dos)
    assert via_astana - via_semey > 400
    assert _rail_km(bundled, ast, dos) < _rail_km(bundled, ast, pav) + via_semey
