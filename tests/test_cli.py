"""The CLI adapter: exit codes and messages for good and bad input (no tracebacks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_route_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "route", "Xian", "Duisburg", "--teu", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["origin"] == "cn-xian-port" and data["options"]


def test_unknown_place_is_one_message_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "route", "Xian", "Duisbrug")
    assert code == 2
    assert "Did you mean Duisburg (DEDUI)?" in err and "Traceback" not in err


def test_usage_error_is_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "route", "Xian", "Duisburg", "--bogus")
    assert code == 2
    assert "No such option" in err and "Traceback" not in err


def test_impossible_constraint(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "route", "Almaty", "Baku", "--avoid", "KZ")
    assert code == 2 and "which the query avoids" in err


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from corridors.network import bundled_network_path

    code, out, _ = _run(capsys, "network", "validate", str(bundled_network_path()))
    assert code == 0 and "valid" in out
    code, _, err = _run(capsys, "network", "validate", str(tmp_path))
    assert code == 1 and "nodes.csv: file is missing" in err


def test_summary_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "network", "summary", "--json")
    data = json.loads(out)
    assert code == 0 and data["nodes"] > 100 and set(data["rail_km_by_gauge"]) == {"1435", "1520"}


def test_route_in_feu_with_a_departure_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "route", "Shanghai", "Rotterdam", "--feu", "1", "--depart", "2024-03-01",
        "--no", "rail", "--no", "road", "--no", "air", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["unit"] == "FEU"
    best = data["options"][0]
    assert best["via"] == ["Cape"] and best["co2_ttw_kg"] < best["co2_wtw_kg"]
    assert "14083" in best["co2_factor_set"]


def test_feu_and_teu_together_is_one_message_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "route", "Xian", "Duisburg", "--feu", "1", "--teu", "2")
    assert code == 2
    assert "FEU" in err and "Traceback" not in err


def test_network_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "quality.png"
    code, out, _ = _run(
        capsys, "network", "report", "--by", "country", "--json", "--chart", str(chart)
    )
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert code == 0
    data = json.loads(out)
    assert {r["country"] for r in data["rows"]} >= {"KZ", "CN", "-"}
    assert data["total"]["figures"] == data["total"]["sourced"] + data["total"]["estimated"]
    code, _, err = _run(capsys, "network", "report", "--by", "planet")
    assert code == 2 and "Traceback" not in err
