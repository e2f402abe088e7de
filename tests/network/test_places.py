"""Place search for pickers: accents, ranking, filters."""

from __future__ import annotations

from corridors.network import Network
from corridors.network.places import search_places


def test_name_prefix_ranks_first_and_accents_do_not_matter(bundled: Network) -> None:
    hits = search_places(bundled, "małasz")  # Małaszewicze, typed with the accent
    assert hits["name"].iloc[0].startswith("Małasz")
    assert search_places(bundled, "MALASZ")["node_id"].iloc[0] == hits["node_id"].iloc[0]
    names = search_places(bundled, "mala")["name"].tolist()  # Malatya, Małaszewicze ...
    assert {"Malatya", "Małaszewicze"} <= set(names)
    starts = [n for n in names if n.lower().replace("ł", "l").startswith("mala")]
    assert names[: len(starts)] == starts  # names that start with the text come first


def test_filters_and_limit(bundled: Network) -> None:
    kz = search_places(bundled, "", country="kz")
    assert len(kz) > 5 and set(kz["country"]) == {"KZ"}
    ports = search_places(bundled, "", kind="seaport", limit=3)
    assert len(ports) == 3 and set(ports["kind"]) == {"seaport"}
    assert search_places(bundled, "atlantis").empty
