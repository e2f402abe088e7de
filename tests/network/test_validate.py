"""Each validation error on a small broken fixture, all reported in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridors.errors import NetworkValidationError
from corridors.network import load_network, validate_network
from tests.tiny import crossing, gauge_break, link, node, two_nodes, write_network


def _problems(tables: dict, tmp_path: Path) -> list[str]:
    return validate_network(write_network(tables, tmp_path / "net"))


def test_catalogue_networks_are_valid(tmp_path: Path) -> None:
    from tests.tiny import CATALOGUE

    for name, build in CATALOGUE.items():
        problems = validate_network(write_network(build(), tmp_path / name))
        assert (problems == []) == (name != "disconnected"), (name, problems)


def test_link_to_unknown_node(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"].append(link("a-x", "A", "XX", 100))
    (p,) = _problems(t, tmp_path)
    assert "links.csv line 3" in p and "'XX' is not a node" in p and "nodes.csv" in p


def test_duplicate_ids(tmp_path: Path) -> None:
    t = two_nodes()
    t["nodes"].append(node("A", lon=70))
    t["links"].append(link("a-b", "A", "B", 600))
    problems = _problems(t, tmp_path)
    assert any("nodes.csv line 4" in p and "duplicate node_id" in p for p in problems)
    assert any("links.csv line 3" in p and "duplicate link_id" in p for p in problems)


@pytest.mark.parametrize("km", [0, -5])
def test_non_positive_distance(tmp_path: Path, km: float) -> None:
    t = two_nodes()
    t["links"][0]["length_km"] = km
    (p,) = _problems(t, tmp_path)
    assert "length_km must be positive" in p and "line 2" in p


def test_gauge_on_non_rail_link_and_rail_without_gauge(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"].append(link("road", "A", "B", 550, mode="road", gauge=None, gauge_mm=1520))
    t["links"].append(link("rail2", "A", "B", 560, gauge=None))
    t["links"][-1]["gauge_mm"] = ""
    problems = _problems(t, tmp_path)
    assert any("gauge_mm given on a road link" in p for p in problems)
    assert any("rail link without gauge_mm" in p for p in problems)


def test_unknown_country_and_kind(tmp_path: Path) -> None:
    t = two_nodes()
    t["nodes"][0]["country"] = "XK1"
    t["nodes"][1]["kind"] = "spaceport"
    problems = _problems(t, tmp_path)
    assert any("unknown country code 'XK1'" in p for p in problems)
    assert any("unknown kind 'spaceport'" in p for p in problems)


def test_missing_units_and_missing_columns(tmp_path: Path) -> None:
    folder = write_network(two_nodes(), tmp_path / "net")
    text = (folder / "links.csv").read_text().replace("length_km", "length", 1)
    (folder / "links.csv").write_text(text)
    problems = validate_network(folder)
    assert any("column 'length' has no unit" in p for p in problems)
    assert any("required column(s) length_km missing" in p for p in problems)


def test_disconnected_island(tmp_path: Path) -> None:
    from tests.tiny import disconnected

    (p,) = _problems(disconnected(), tmp_path)
    assert "island" in p and "C, D" in p


def test_negative_capacity_and_missing_source(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"][0]["capacity_teu_per_day"] = -10
    t["links"][0]["capacity_source"] = "estimate"
    t["links"][0]["capacity_note"] = "x"
    t["links"][0]["length_source"] = ""
    problems = _problems(t, tmp_path)
    assert any("capacity_teu_per_day is negative" in p for p in problems)
    assert any("length_km has no source" in p for p in problems)


def test_cited_source_must_exist_and_have_year(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"][0]["length_source"] = "S999"
    t["links"].append(link("b-a2", "B", "A", 510, length_source="T1"))
    problems = _problems(t, tmp_path)
    assert any("unknown source(s) S999" in p for p in problems)
    assert any("cites T1 but gives no year" in p for p in problems)


def test_border_link_needs_crossings(tmp_path: Path) -> None:
    t = gauge_break()
    t["crossings"] = [crossing("cn-line", "forward", 30)]
    (p,) = _problems(t, tmp_path)
    assert "crosses the CN-KZ border" in p and "no reverse row" in p


def test_all_problems_in_one_run_and_load_raises(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"][0]["length_km"] = -1
    t["nodes"][0]["country"] = "ZZ"
    t["links"].append(link("x", "A", "NOPE", 5))
    folder = write_network(t, tmp_path / "net")
    with pytest.raises(NetworkValidationError) as info:
        load_network(folder)
    assert len(info.value.problems) >= 3
    assert "3 problem(s)" in str(info.value) or "problem(s)" in str(info.value)


def test_malformed_csv_and_missing_folder(tmp_path: Path) -> None:
    folder = write_network(two_nodes(), tmp_path / "net")
    (folder / "nodes.csv").write_text('node_id,name\n"A,unterminated\n')
    problems = validate_network(folder)
    assert problems and any("nodes.csv" in p for p in problems)
    assert "no such folder" in validate_network(tmp_path / "nowhere")[0]


def test_non_numeric_figure(tmp_path: Path) -> None:
    t = two_nodes()
    t["links"][0]["length_km"] = "500 km"
    problems = _problems(t, tmp_path)
    assert any("length_km = '500 km' is not a number" in p for p in problems)
