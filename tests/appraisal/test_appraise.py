"""The appraisal over time: hand-checked cash flows, demand growth, and a shipped project end to
end from Python (the CLI and REST tests run it too)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from corridors.appraisal import (
    YearBenefits,
    appraise,
    demand_in_year,
    evaluate,
    load_project,
    project_from_dict,
)
from corridors.assignment.sue import SUESpec
from corridors.network import Network

FAST = SUESpec(target_gap=1e-4, column_rounds=0, max_iterations=500)


def _yb(year: int, surplus_usd: float, co2_t: float = 0.0, revenue: float = 0.0) -> YearBenefits:
    empty = pd.DataFrame()
    totals = {
        "shipper_surplus_usd": surplus_usd,
        "reliability_usd": 0.0,
        "revenue_change_usd": revenue,
        "co2_change_t": co2_t,
    }
    return YearBenefits(year, 1.0, totals, empty, empty, empty, empty, empty)


def _project(**over: Any) -> Any:
    doc: dict[str, Any] = {
        "name": "hand",
        "scenario": "customs-halved",
        "price_year": 2024,
        "opening_year": 2025,
        "lifetime_years": 2,
        "capital_cost_usd_m": {"by_year": {2024: 100}, "source": "estimate", "method": "M131"},
        "operating_cost_usd_m_per_year": {"value": 0, "source": "estimate", "method": "M131"},
        "residual_value_usd_m": {"value": 0, "source": "estimate", "method": "M122"},
        "modelled_years": [2025],
        "discount_rate": {"value": 0.10, "source": "estimate", "method": "M126"},
    }
    doc.update(over)
    return project_from_dict(doc)


def test_evaluate_matches_the_hand_computed_two_year_case() -> None:
    # capital 100 in 2024, 60 a year of surplus in 2025 and 2026, 10 %
    cash, s = evaluate(_project(), {2025: _yb(2025, 60e6)}, discount_rate=0.10)
    assert cash["year"].tolist() == [2024, 2025, 2026]
    assert cash["benefits"].tolist() == pytest.approx([0, 60, 60])
    assert s["npv_usd_m"] == pytest.approx(-100 + 60 / 1.1 + 60 / 1.21)
    assert s["bcr"] == pytest.approx((60 / 1.1 + 60 / 1.21) / 100)
    assert s["irr"] == pytest.approx(0.130662, abs=1e-6)
    assert s["payback_year"] == 2026


def test_costs_residual_carbon_and_interpolation() -> None:
    p = _project(
        lifetime_years=4,
        modelled_years=[2025, 2027],
        operating_cost_usd_m_per_year={"value": 5, "source": "estimate", "method": "M121"},
        residual_value_usd_m={"value": 40, "source": "estimate", "method": "M122"},
        carbon_price_usd_per_t={
            "by_year": {2025: 100, 2028: 100},
            "source": "estimate",
            "method": "M125",
        },
        operator_margin={"value": 0.5, "source": "estimate", "method": "M127"},
    )
    runs = {2025: _yb(2025, 10e6, co2_t=-1000, revenue=4e6), 2027: _yb(2027, 30e6, co2_t=-3000)}
    cash, s = evaluate(p, runs, discount_rate=0.0)
    c = cash.set_index("year")
    # surplus interpolated 10 -> 20 -> 30 and held in 2028
    assert c["shipper_surplus"].tolist() == pytest.approx([0, 10, 20, 30, 30])
    assert c.loc[2026, "co2"] == pytest.approx(2000 * 100 / 1e6)
    assert c.loc[2025, "producer_surplus"] == pytest.approx(2.0)
    assert c.loc[2026, "producer_surplus"] == pytest.approx(1.0)
    assert c["operating"].tolist() == [0, 5, 5, 5, 5]
    assert c.loc[2028, "residual"] == 40
    # at 0 % the NPV is the plain sum
    assert s["npv_usd_m"] == pytest.approx(float(c["benefits"].sum() - c["costs"].sum()))
    _, s2 = evaluate(p, runs, discount_rate=0.0, carbon_factor=2.0, capex_factor=1.5)
    co2_total = float(c["co2"].sum())
    assert s2["npv_usd_m"] == pytest.approx(s["npv_usd_m"] + co2_total - 50)


def test_demand_grows_by_class_and_market(bundled: Network) -> None:
    from corridors.assignment.sue import base_demand

    p = load_project("third-railroad")
    od = base_demand(bundled)
    d = demand_in_year(p, bundled, od, 2030, factor=1.1)
    zones = list(od.zones)
    country = bundled.nodes["country"].reindex(zones).to_numpy()
    cn = country == "CN"
    az = np.isin(country, ["AZ", "GE", "TR"])
    bg = 1.02**6 * 1.1
    m0, m1 = od.matrices["container_std"], d.matrices["container_std"]
    blk = np.ix_(cn, az)
    assert m0[blk].sum() > 0
    assert m1[blk].sum() == pytest.approx(m0[blk].sum() * bg * 2.6)
    rest = ~np.outer(cn, az)
    assert m1[rest].sum() == pytest.approx(m0[rest].sum() * bg)
    assert d.matrices["grain"].sum() == pytest.approx(od.matrices["grain"].sum() * bg)


def test_shipped_project_appraises_end_to_end(tmp_path: Path) -> None:
    a = appraise(
        "customs-halved",
        modelled_years=[2026],
        demand_range=(),
        switching_runs=0,
        sue=FAST,
    )
    s = a.summary
    assert s["npv_usd_m"] == pytest.approx(s["pv_benefits_usd_m"] - s["pv_costs_usd_m"])
    yt = a.year_table().iloc[0]
    # halving border dwell saves shippers time and cuts the P90-P50 spread
    assert yt["shipper_surplus_usd"] > 0 and yt["reliability_usd"] > 0
    assert yt["time_part_usd"] > 0
    cash = a.cashflows.set_index("year")
    assert cash.loc[2025, "benefits"] == 0 and cash.loc[2025, "capital"] == 110
    assert (cash.loc[2026:, "benefits"] != 0).all()
    sens = a.sensitivity.set_index(["factor", "case"])
    assert sens.loc[("capital cost", "high"), "npv_usd_m"] < s["npv_usd_m"]
    assert (
        sens.loc[("discount rate", "low"), "npv_usd_m"]
        > sens.loc[("discount rate", "high"), "npv_usd_m"]
    )
    assert not a.switching["found"]
    files = a.write(tmp_path)
    for name in ("tornado.png", "cashflows.png"):
        png = tmp_path / name
        assert png in files and png.stat().st_size > 10_000
    doc = json.loads((tmp_path / "appraisal.json").read_text())
    assert doc["summary"]["npv_usd_m"] == pytest.approx(s["npv_usd_m"])
    json.dumps(a.to_dict(), allow_nan=False)
    rev = pd.read_csv(tmp_path / "revenue_by_country.csv")
    assert {"country", "revenue_change_usd", "transit_change_usd"} <= set(rev.columns)


@pytest.mark.slow
def test_sensitivity_runs_on_dask() -> None:
    pytest.importorskip("dask.distributed")
    a = appraise(
        "customs-halved",
        modelled_years=[2026],
        demand_range=(0.8, 1.2),
        switching_runs=0,
        sue=FAST,
        executor="dask",
        workers=1,
        processes=False,
    )
    assert set(a.runs) == {1.0, 0.8, 1.2}
    npv = a.switching["npv_at"]
    assert npv[0.8] < npv[1.0] < npv[1.2]


def test_a_project_that_changes_nothing_buys_nothing(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "noop.yaml").write_text(
        yaml.safe_dump({"name": "noop", "changes": [{"op": "scale_demand", "factor": 1.0}]})
    )
    doc = {
        "name": "noop",
        "scenario": "noop.yaml",
        "price_year": 2024,
        "opening_year": 2026,
        "lifetime_years": 10,
        "capital_cost_usd_m": {"by_year": {2025: 10}, "source": "estimate", "method": "M131"},
        "operating_cost_usd_m_per_year": {"value": 1, "source": "estimate", "method": "M131"},
        "residual_value_usd_m": {"value": 0, "source": "estimate", "method": "M122"},
        "modelled_years": [2026],
    }
    p = tmp_path / "noop-project.yaml"
    p.write_text(yaml.safe_dump(doc))
    a = appraise(load_project(p), demand_range=(), switching_runs=0, sue=FAST)
    t = a.year_table().iloc[0]
    for k in ("shipper_surplus_usd", "reliability_usd", "revenue_change_usd", "co2_change_t"):
        assert t[k] == 0.0, k
    assert a.summary["pv_benefits_usd_m"] == 0.0
    assert a.summary["npv_usd_m"] == pytest.approx(-a.summary["pv_costs_usd_m"])
