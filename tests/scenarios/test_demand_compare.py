"""Demand changes, the third railroad in the assignment, compare and its CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corridors.assignment.demand import ODMatrices
from corridors.errors import ScenarioError
from corridors.network import Network
from corridors.scenarios import apply_scenario
from corridors.scenarios.compare import compare_scenarios


def _od() -> ODMatrices:
    return ODMatrices(
        ("KZAAU", "AZALA", "kz-ayagoz"),
        {"containers": np.ones((3, 3)), "grain": 2 * np.ones((3, 3))},
    )


def test_scale_demand_by_class_and_od(bundled: Network) -> None:
    d = _od()
    doc = {
        "name": "t",
        "changes": [
            {
                "op": "scale_demand",
                "factor": 3,
                "classes": ["grain"],
                "origins": ["Aktau"],
                "destinations": ["AZALA"],
            },
        ],
    }
    _, out = apply_scenario(bundled, doc, demand=d)
    assert out is not None
    assert out.matrices["grain"][0, 1] == 6.0
    assert out.matrices["grain"].sum() == 2 * 9 + 4
    np.testing.assert_array_equal(out.matrices["containers"], d.matrices["containers"])
    np.testing.assert_array_equal(d.matrices["grain"], 2 * np.ones((3, 3)))  # input untouched
    _, all26 = apply_scenario(bundled, "demand-x2.6", demand=d)
    assert all26 is not None and all26.matrices["containers"].sum() == pytest.approx(9 * 2.6)


def test_scale_demand_rejects_unknown_class_and_zone(bundled: Network) -> None:
    for extra, match in (
        ({"classes": ["oil"]}, "unknown demand class"),
        ({"origins": ["Atlantis"]}, "unknown demand zone"),
    ):
        doc = {"name": "t", "changes": [{"op": "scale_demand", "factor": 2, **extra}]}
        with pytest.raises(ScenarioError, match=match):
            apply_scenario(bundled, doc, demand=_od())


@pytest.fixture(scope="module")
def comparison(bundled: Network):  # type: ignore[no-untyped-def]
    return compare_scenarios(
        bundled,
        ["third-railroad", "red-sea-closed", "kz-transit-tariff"],
        pairs=[("Xi'an", "Duisburg")],
    )


def test_third_railroad_lowers_cn_kz_crossing_utilization(comparison) -> None:  # type: ignore[no-untyped-def]
    tot = comparison.totals.set_index("scenario")
    assert tot.at["third-railroad", "cn_kz_utilization"] < tot.at["base", "cn_kz_utilization"]
    assert tot.at["third-railroad", "cn_kz_capacity_teu"] > tot.at["base", "cn_kz_capacity_teu"]
    assert "rail-tacheng-bakhty:f" in set(comparison.crossings["link_id"])


def test_red_sea_closure_moves_flows_off_suez(bundled: Network, comparison) -> None:  # type: ignore[no-untyped-def]
    # The route options listed for Xi'an-Duisburg lose their Suez lanes ...
    r = comparison.routes
    assert (r.loc[r["scenario"] == "base", "corridor"] == "Sea via Suez").any()
    assert not (r.loc[r["scenario"] == "red-sea-closed", "corridor"] == "Sea via Suez").any()
    s = comparison.shifts()
    assert (s.loc[s["corridor"] == "Sea via Suez", "red-sea-closed"] == 0).all()
    # ... and an assignment whose demand rides through Suez moves it off Suez at a higher system
    # cost. (Containers from Bandar Abbas to Rotterdam go by sea via Suez; bulk classes do not
    # use the deep-sea container lanes, data/model/classes.csv.)
    od = ODMatrices(
        ("IRSRP", "NLRTM"),
        {"container_std": np.array([[0.0, 5000.0], [0.0, 0.0]])},
    )
    c = compare_scenarios(
        bundled, ["red-sea-closed"], pairs=[("Bandar Abbas", "Rotterdam")], demand=od
    )
    suez = c.shifts().set_index(["class", "corridor"]).xs("Sea via Suez", level="corridor")
    assert (suez["base"] > 0).any()
    assert (suez["red-sea-closed"] == 0).all()
    tot = c.totals.set_index("scenario")
    assert tot.at["red-sea-closed", "system_cost_usd"] > tot.at["base", "system_cost_usd"]


def _share(comparison, scenario: str, cls: str, mode: str) -> float:  # type: ignore[no-untyped-def]
    m = comparison.modes
    hit = m[(m["scenario"] == scenario) & (m["class"] == cls) & (m["mode"] == mode)]
    return float(hit["share"].sum())


def test_red_sea_closure_moves_containers_to_land(comparison) -> None:  # type: ignore[no-untyped-def]
    for cls in ("container_std", "container_hv"):
        assert _share(comparison, "red-sea-closed", cls, "rail") > _share(
            comparison, "base", cls, "rail"
        )
        assert _share(comparison, "red-sea-closed", cls, "sea") < _share(
            comparison, "base", cls, "sea"
        )
    ms = comparison.mode_shares()
    assert "Δ red-sea-closed" in ms.columns and (ms["base"] >= 0).all()


def test_third_railroad_decongests_and_attracts(comparison) -> None:  # type: ignore[no-untyped-def]
    cr = comparison.crossings

    def flow(scen: str, link: str) -> float:
        hit = cr[(cr["scenario"] == scen) & (cr["link_id"] == link)]
        return float(hit["flow_teu"].sum())

    for link in ("rail-alashankou-dostyk:f", "rail-horgos-altynkol:f"):
        assert flow("third-railroad", link) < flow("base", link)
    assert flow("third-railroad", "rail-tacheng-bakhty:f") > 0
    cnkz = comparison.totals.set_index("scenario")["cn_kz_flow_teu"]
    assert cnkz["third-railroad"] > cnkz["base"]  # the corridor attracts volume


def test_transit_tariff_diverts_to_kazakh_rail(comparison) -> None:  # type: ignore[no-untyped-def]
    s = comparison.shifts().set_index(["class", "corridor"])
    north = s.xs("Northern (via Russia)", level="corridor")
    assert (north["Δ kz-transit-tariff"] > 0).any()
    assert _share(comparison, "kz-transit-tariff", "container_std", "rail") > _share(
        comparison, "base", "container_std", "rail"
    )


def test_chart_is_written(comparison, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from corridors.scenarios.chart import plot_comparison

    assert plot_comparison(comparison, tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_compare_and_validate(tmp_path: Path) -> None:
    from corridors.cli import app

    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            "compare",
            "bundled",
            "third-railroad",
            "--pairs",
            "Almaty:Aktau",
            "--chart",
            str(tmp_path / "c.svg"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "CN–KZ crossings utilization" in out.output and "Almaty → Aktau" in out.output
    assert (tmp_path / "c.svg").stat().st_size > 1000
    ok = runner.invoke(app, ["scenario", "validate", "third-railroad"])
    assert ok.exit_code == 0 and "ok" in ok.output
    rel = runner.invoke(
        app,
        [
            "reliability",
            "Almaty",
            "Aktau",
            "--n",
            "2000",
            "--seed",
            "1",
            "--deadline",
            "20",
            "--json",
        ],
    )
    assert rel.exit_code == 0, rel.output
    assert '"p90_days"' in rel.output
