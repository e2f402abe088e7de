"""The CLI adapter on good input: commands, global options, readable output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.network import bundled_network_path
from tests.cli.conftest import Run


def test_route_json(run: Run) -> None:
    code, out, _ = run("route", "Xian", "Duisburg", "--teu", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["origin"] == "cn-xian-port" and data["options"]


def test_route_table_uses_place_names_and_days(run: Run) -> None:
    code, out, _ = run("route", "Almaty", "Istanbul", "--teu", "2", "--top", "3")
    assert code == 0
    assert "Almaty -> Istanbul" in out and "days" in out and "KZALA" not in out


def test_validate_exit_codes(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("network", "validate", bundled_network_path())
    assert code == 0 and "valid" in out
    code, _, err = run("network", "validate", tmp_path)
    assert code == 1 and "nodes.csv: file is missing" in err


def test_summary_json(run: Run) -> None:
    code, out, _ = run("network", "summary", "--json")
    data = json.loads(out)
    assert code == 0 and data["nodes"] > 100 and set(data["rail_km_by_gauge"]) == {"1435", "1520"}


def test_version_and_short_help(run: Run) -> None:
    from corridors import __version__

    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"corridors {__version__}"
    code, out, _ = run("route", "-h")
    assert code == 0 and "--scenario" in out and "--depart" in out
    code, out, _ = run("-h")
    assert code == 0 and "Exit codes" in out and "4 no route" in out


def test_every_option_has_help() -> None:
    import typer.main

    from corridors.cli import app

    def walk(cmd: object, path: str) -> list[str]:
        missing = []
        for p in getattr(cmd, "params", []):
            if getattr(p, "param_type_name", "") == "option" and not getattr(p, "help", None):
                missing.append(f"{path} {p.opts[0]}")
        for name, sub in getattr(cmd, "commands", {}).items():
            missing += walk(sub, f"{path} {name}")
        return missing

    assert walk(typer.main.get_command(app), "corridors") == []


def test_quiet_drops_notes(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "n.geojson"
    code, _, err = run("network", "export", "--geojson", target)
    assert code == 0 and "wrote" in err
    code, _, err = run("-q", "network", "export", "--geojson", target)
    assert code == 0 and err == ""


def test_scenario_list_and_shipped_names(run: Run) -> None:
    from corridors.scenarios import shipped_scenarios

    code, out, _ = run("scenario", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and {r["name"] for r in rows} == set(shipped_scenarios())
    assert all(r["description"] for r in rows)
    code, out, _ = run("scenario", "validate", "third-railroad")
    assert code == 0 and out.startswith("ok: scenario 'third-railroad'")


def test_route_with_scenario_changes_the_answer(run: Run) -> None:
    args = ("route", "Aktau", "Baku", "--json", "--top", "1")
    _, base, _ = run(*args)
    code, scen, _ = run(*args, "--scenario", "caspian-x2")
    assert code == 0
    assert json.loads(scen)["options"][0]["days"] < json.loads(base)["options"][0]["days"]


def test_reliability_in_tonnes_of_grain(run: Run) -> None:
    code, out, _ = run(
        "reliability",
        "Kostanay",
        "Baku",
        "--tonnes",
        "500",
        "--cargo",
        "grain",
        "--n",
        "2000",
        "--seed",
        "1",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["p50_days"] > 0 and data["p95_days"] >= data["p50_days"]


def test_shipped_sweep_name_is_accepted() -> None:
    from corridors.scenarios.sweep import load_sweep

    assert len(load_sweep("demand-ferries-customs").runs) == 12


def test_export_to_stdout_with_dash(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("network", "export", "--geojson", "-")
    assert code == 0 and json.loads(out)["type"] == "FeatureCollection"
    assert not (tmp_path / "-").exists()
    code, out, _ = run("-q", "route", "Almaty", "Baku", "--geojson", "-", "--top", "1")
    assert code == 0 and json.loads(out)["type"] == "FeatureCollection"  # GeoJSON only


def test_route_in_feu_with_a_departure_date(run: Run) -> None:
    code, out, _ = run(
        "route", "Shanghai", "Rotterdam", "--feu", "1", "--depart", "2024-03-01",
        "--no", "rail", "--no", "road", "--no", "air", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["unit"] == "FEU"
    best = data["options"][0]
    assert best["via"] == ["Cape"] and best["co2_ttw_kg"] < best["co2_wtw_kg"]
    assert "14083" in best["co2_factor_set"]


def test_feu_and_teu_together_is_one_input_error(run: Run) -> None:
    from corridors.cli._app import EXIT_INPUT

    code, _, err = run("route", "Xian", "Duisburg", "--feu", "1", "--teu", "2")
    assert code == EXIT_INPUT and "FEU" in err


def test_network_report(run: Run, tmp_path: Path) -> None:
    from corridors.cli._app import EXIT_INPUT, EXIT_USAGE

    chart = tmp_path / "quality.png"
    code, out, _ = run("network", "report", "--by", "country", "--json", "--chart", chart)
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert code == 0
    data = json.loads(out)
    assert {r["country"] for r in data["rows"]} >= {"KZ", "CN", "-"}
    assert data["total"]["figures"] == data["total"]["sourced"] + data["total"]["estimated"]
    code, _, _ = run("network", "report", "--by", "planet")
    assert code in (EXIT_USAGE, EXIT_INPUT)


def test_link_labels_read_as_places() -> None:
    from corridors.cli._render import link_labels
    from corridors.network import load_network

    labels = link_labels(load_network())
    assert labels.get("rail-alashankou-dostyk:f") == "Alashankou → Dostyk (rail)"
    assert labels.get("transfer:CNURM:rail1435>road") == "Urumqi: transfer rail 1435 mm → road"
