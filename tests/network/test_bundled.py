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
    for c in ("KZ", "RU", "BY", "UZ", "TM", "AZ", "GE"):
        assert by_country[c] == {1520.0}, c
    for c in ("CN", "DE", "PL", "TR", "IR"):
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


def test_third_china_kazakhstan_railroad_not_in_base(bundled: Network) -> None:
    names = " ".join(bundled.tables["nodes"]["name"]).lower()
    assert "bakhty" not in names and "tacheng" not in names
