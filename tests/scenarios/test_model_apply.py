"""Scenario parsing, every rejection path, inheritance, provenance, and an untouched base."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from corridors.errors import ScenarioError
from corridors.network import Network
from corridors.scenarios import (
    apply_scenario,
    load_scenario,
    scenario_from_dict,
    shipped_scenarios,
)


def _doc(*changes: dict[str, object], **top: object) -> dict[str, object]:
    return {"name": "t", **top, "changes": list(changes)}


def test_every_shipped_scenario_parses_and_applies(bundled: Network) -> None:
    assert {
        "third-railroad",
        "caspian-x2",
        "customs-halved",
        "kz-transit-tariff",
        "red-sea-closed",
        "demand-x2.6",
    } <= set(shipped_scenarios())
    for name in shipped_scenarios():
        net, _ = apply_scenario(bundled, name)
        assert net.name == load_scenario(name).name
        assert not net.validate()


def test_applying_leaves_the_base_untouched(bundled: Network) -> None:
    before = {k: v.copy(deep=True) for k, v in bundled.tables.items()}
    for name in shipped_scenarios():
        apply_scenario(bundled, name)
    for k, v in before.items():
        pd.testing.assert_frame_equal(bundled.tables[k], v)


def test_toml_and_inheritance(tmp_path: Path, bundled: Network) -> None:
    (tmp_path / "child.toml").write_text(
        'name = "child"\ninherits = "red-sea-closed"\n'
        '[[changes]]\nop = "scale_demand"\nfactor = 2\n'
    )
    s = load_scenario(tmp_path / "child.toml")
    assert s.parents == ("red-sea-closed",)
    assert [c.op for c in s.changes] == ["close_links", "scale_demand"]
    net, _ = apply_scenario(bundled, s)
    assert "Suez" not in set(net.tables["links"]["via"])


def test_inheritance_cycle_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"name": "a", "inherits": "b.yaml"}))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"name": "b", "inherits": "a.yaml"}))
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        (_doc({"op": "close_link", "link_id": "x"}), "Did you mean 'close_links'"),
        (_doc({"link_id": "x"}), "has no 'op'"),
        (_doc({"op": "remove_link"}), "missing field"),
        (_doc({"op": "remove_link", "link_id": "x", "colour": 1}), "unknown field 'colour'"),
        (_doc({"op": "scale_demand", "factor": "two"}), "should be a number"),
        (_doc({"op": "scale_demand", "factor": -1}), "negative"),
        (
            _doc(
                {"op": "change_links", "link_class": "rail_kz", "set": {"capacity_teu_per_day": -5}}
            ),
            "negative",
        ),
        (_doc({"op": "change_links", "link_class": "rail_kz"}), "nothing to change"),
        ({"name": "t", "chnages": []}, "Did you mean 'changes'"),
        ({"name": "t", "changes": {"op": "x"}}, "must be a list"),
        (_doc(inherits="no-such-scenario"), "no such file or shipped scenario"),
    ],
)
def test_parse_rejections(doc: dict[str, object], match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        scenario_from_dict(doc)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"op": "remove_link", "link_id": "ferry-aktau-alta"}, "Did you mean 'ferry-aktau-alat'"),
        ({"op": "remove_node", "node_id": "KZAAX"}, "unknown node 'KZAAX'"),
        ({"op": "close_country", "country": "XX"}, "unknown country 'XX'"),
        ({"op": "close_links", "via": "Suezz"}, "Did you mean 'Suez'"),
        (
            {
                "op": "change_links",
                "link_class": "ferry_caspain",
                "multiply": {"capacity_teu_per_day": 2},
            },
            "Did you mean 'ferry_caspian'",
        ),
        (
            {"op": "change_links", "link_class": "ferry_caspian", "multiply": {"capacity": 2}},
            "unknown link figure",
        ),
        (
            {
                "op": "change_links",
                "link_class": "rail_kz",
                "set": {"speed_kmh": 50},
                "source": "S999",
            },
            "unknown source id",
        ),
        (
            {
                "op": "change_crossings",
                "link_class": "sea_container",
                "mode": "air",
                "multiply": {"dwell_h": 0.5},
            },
            "matches no link",
        ),
        (
            {
                "op": "set_parameter",
                "scope": "class:rail_zz",
                "parameter": "speed_kmh",
                "value": 50,
                "source": "estimate",
            },
            "unknown class",
        ),
        (
            {
                "op": "set_parameter",
                "scope": "class:rail_kz",
                "parameter": "sped_kmh",
                "value": 50,
                "source": "estimate",
            },
            "Did you mean 'speed_kmh'",
        ),
        (
            {"op": "multiply_parameter", "scope": "galaxy", "parameter": "x", "factor": 2},
            "not 'global'",
        ),
        (
            {
                "op": "add_link",
                "link_id": "rail-aktogay-ayagoz",
                "from_node": "KZAAU",
                "to_node": "AZALA",
                "mode": "rail",
                "link_class": "rail_kz",
                "length_km": 5,
                "length_source": "estimate",
            },
            "already exists",
        ),
        (
            {
                "op": "add_node",
                "node_id": "n",
                "name": "n",
                "country": "KZ",
                "kind": "city",
                "lat_deg": 1,
                "lon_deg": 2,
                "coord_source": "estimate",
                "altitude_m": 3,
            },
            "no column",
        ),
    ],
)
def test_apply_rejections_name_the_scenario_and_change(
    bundled: Network, change: dict[str, object], match: str
) -> None:
    with pytest.raises(ScenarioError, match=match) as info:
        apply_scenario(bundled, _doc(change))
    assert "Scenario 't'" in str(info.value)
    assert "change #1" in str(info.value)


def test_invalid_resulting_network_is_wrapped(bundled: Network) -> None:
    bad_link = {
        "op": "add_link",
        "link_id": "rail-new",
        "from_node": "KZAAU",
        "to_node": "nowhere",
        "mode": "rail",
        "gauge_mm": 1520,
        "link_class": "rail_kz",
        "length_km": 10,
        "length_source": "estimate",
    }
    with pytest.raises(ScenarioError, match="makes the network invalid") as info:
        apply_scenario(bundled, _doc(bad_link))
    assert "nowhere" in str(info.value)


def test_all_problems_are_reported_together(bundled: Network) -> None:
    with pytest.raises(ScenarioError) as info:
        apply_scenario(
            bundled,
            _doc({"op": "remove_link", "link_id": "x1"}, {"op": "remove_node", "node_id": "x2"}),
        )
    assert "x1" in str(info.value) and "x2" in str(info.value)


def test_changes_keep_provenance(bundled: Network) -> None:
    net, _ = apply_scenario(bundled, "caspian-x2")
    old = bundled.tables["links"].set_index("link_id")
    new = net.tables["links"].set_index("link_id")
    lid = "ferry-aktau-alat"
    assert new.at[lid, "capacity_teu_per_day"] == 2 * old.at[lid, "capacity_teu_per_day"]
    assert new.at[lid, "sailings_per_week"] == 2 * old.at[lid, "sailings_per_week"]
    assert new.at[lid, "capacity_source"] == "estimate"
    assert "doubled" in new.at[lid, "capacity_note"]
    # a link relying on the class default capacity gets twice the default
    no_cap = old[(old["link_class"] == "ferry_caspian") & old["capacity_teu_per_day"].isna()]
    for lid in no_cap.index:
        assert new.at[lid, "capacity_teu_per_day"] == 2 * bundled.parameter(
            "class:ferry_caspian", "capacity_teu_per_day"
        )
    net, _ = apply_scenario(bundled, "customs-halved")
    cr = net.tables["crossings"]
    assert cr["note"].str.contains("scenario 'customs-halved'").any()
    third, _ = apply_scenario(bundled, "third-railroad")
    row = third.tables["links"].set_index("link_id").loc["rail-bakhty-ayagoz"]
    assert (row["length_source"], row["length_year"], row["length_km"]) == ("S90", "2024", 272.0)


def test_auto_note_keeps_the_old_source(bundled: Network) -> None:
    net, _ = apply_scenario(
        bundled,
        _doc(
            {
                "op": "multiply_parameter",
                "scope": "class:rail_kz",
                "parameter": "speed_kmh",
                "factor": 1.5,
            }
        ),
    )
    par = net.tables["parameters"]
    row = par[(par["scope"] == "class:rail_kz") & (par["parameter"] == "speed_kmh")].iloc[0]
    assert row["value"] == pytest.approx(69.0)
    assert "was S206 2020" in row["note"]


def test_remove_node_and_close_country(bundled: Network) -> None:
    net, _ = apply_scenario(bundled, _doc({"op": "close_country", "country": "IR"}))
    ir = set(net.tables["nodes"].query("country == 'IR'")["node_id"])
    links = net.tables["links"]
    assert not (links["from_node"].isin(ir) | links["to_node"].isin(ir)).any()
    net, _ = apply_scenario(bundled, _doc({"op": "remove_node", "node_id": "kz-ayagoz"}))
    assert "kz-ayagoz" not in set(net.tables["nodes"]["node_id"])
