"""The choice-model commands: flows --out tables, route --congested, calibrate, elasticities."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corridors.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_flows_out_writes_links_skims_and_shares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "flows", "--out", str(tmp_path), "--json", "--gap", "1e-5")
    assert code == 0
    rep = json.loads(out)
    assert rep["model"] == "choice" and rep["converged"]
    links = pd.read_csv(tmp_path / "links.csv")
    for col in ("flow_t_per_yr", "volume_capacity", "delay_h", "flow_teu_eq_per_yr"):
        assert col in links.columns
    assert any(c.startswith("flow_") and c.endswith("_TEU_per_yr") for c in links.columns)
    skims = pd.read_csv(tmp_path / "skims.csv")
    assert {"class", "origin", "destination", "time_h", "cost_usd", "distance_km"} <= set(
        skims.columns
    )
    assert (skims["time_h"] > 0).all()
    shares = pd.read_csv(tmp_path / "shares.csv")
    per_market = shares.groupby(["class", "origin", "destination"])["share"].sum()
    assert per_market.to_numpy() == pytest.approx(1.0, abs=1e-4)
    assert {"mode", "corridor"} <= set(shares.columns)


def test_flows_rejects_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "flows", "--model", "gravity")
    assert code == 2 and "--model" in err


def test_route_congested_reports_the_wait(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "route",
        "Urumqi",
        "Almaty",
        "--teu",
        "2",
        "--congested",
        "--no",
        "sea",
        "--no",
        "air",
        "--json",
    )
    assert code == 0
    opts = json.loads(out)["options"]
    assert all("congested" in o["tags"] for o in opts)
    assert all(o["time_breakdown_h"]["congestion_wait"] >= 0 for o in opts)
    base_wait = max(o["time_breakdown_h"]["congestion_wait"] for o in opts)
    code, out, _ = _run(
        capsys,
        "route",
        "Urumqi",
        "Almaty",
        "--teu",
        "2",
        "--congested",
        "--scenario",
        "demand-x2.6",
        "--no",
        "sea",
        "--no",
        "air",
        "--json",
    )
    assert code == 0
    more = json.loads(out)["options"]
    assert max(o["time_breakdown_h"]["congestion_wait"] for o in more) > base_wait


def test_calibrate_reports_fit_and_holdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    obs = tmp_path / "obs.csv"
    pd.DataFrame(
        [
            {
                "obs_id": "dostyk",
                "kind": "count",
                "split": "fit",
                "links": "rail-alashankou-dostyk",
                "unit": "TEU",
                "value": 300000,
            },
            {
                "obs_id": "altynkol",
                "kind": "count",
                "split": "holdout",
                "links": "rail-horgos-altynkol",
                "unit": "TEU",
                "value": 250000,
            },
            {
                "obs_id": "xd",
                "kind": "time",
                "split": "fit",
                "origin": "cn-xian-port",
                "destination": "DEDUI",
                "alternative": "rail_northern",
                "low_h": 288,
                "high_h": 336,
            },
        ]
    ).to_csv(obs, index=False)
    code, out, _ = _run(
        capsys,
        "calibrate",
        "--observations",
        str(obs),
        "--max-evaluations",
        "3",
        "--route-rounds",
        "0",
        "--free",
        "asc_rail_northern,log_time_kz",
        "--out",
        str(tmp_path / "cal"),
        "--json",
    )
    assert code == 0, out
    rep = json.loads(out)
    assert {r["split"] for r in rep["summary"]} == {"fit", "holdout"}
    assert (tmp_path / "cal" / "scatter.png").stat().st_size > 10_000
    t = pd.read_csv(tmp_path / "cal" / "table.csv")
    assert {"observed", "modelled", "ratio", "geh", "within"} <= set(t.columns)


def test_flows_carbon_price_moves_high_value_containers_off_air(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from corridors.assignment.sue import base_demand
    from corridors.network import load_network

    long = base_demand(load_network()).to_long()
    path = tmp_path / "hv.csv"
    long[long["class"] == "container_hv"].to_csv(path, index=False)  # the market that flies

    def air_share(*extra: str) -> float:
        argv = ("flows", "--demand", str(path), "--json", "--gap", "1e-4", *extra)
        code, out, err = _run(capsys, *argv)
        assert code == 0, err
        rows = json.loads(out)["mode_shares"]
        return sum(r["share"] for r in rows if r["mode"] == "air")

    assert air_share("--carbon-price", "200") < 0.9 * air_share()
    code, _, err = _run(capsys, "flows", "--carbon-price", "-5")
    assert code == 2 and "--carbon-price" in err
