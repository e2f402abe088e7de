"""Project files: the shipped ones load; bad ones get what/why/fix errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from corridors.appraisal import load_project, project_from_dict, shipped_projects
from corridors.errors import InvalidSpecError


def _doc(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": "t",
        "scenario": "customs-halved",
        "price_year": 2024,
        "opening_year": 2027,
        "lifetime_years": 20,
        "capital_cost_usd_m": {
            "by_year": {2025: 50, 2026: 50},
            "source": "estimate",
            "method": "M131",
        },
        "operating_cost_usd_m_per_year": {"value": 5, "source": "estimate", "method": "M131"},
        "residual_value_usd_m": {"value": 0, "source": "estimate", "method": "M122"},
    }
    d.update(over)
    return d


def test_shipped_projects_load_with_provenance() -> None:
    names = set(shipped_projects())
    assert {
        "third-railroad",
        "caspian-ferries-x2",
        "customs-halved",
        "zhezkazgan-beyneu-double",
    } <= names
    for n in names:
        p = load_project(n)
        assert p.lifetime_years > 0 and p.modelled_years
        for fig in (
            p.capital_cost,
            p.operating_cost,
            p.residual_value,
            p.discount_rate,
            p.carbon_price,
        ):
            assert fig.source and (fig.source != "estimate" or fig.method.startswith("M"))


def test_defaults_fill_valuation_figures() -> None:
    p = project_from_dict(_doc())
    assert p.discount_rate.value == pytest.approx(0.06)
    assert p.carbon_price.at(2027) == pytest.approx(80 + (130 - 80) * 3 / 6)
    assert p.years == tuple(range(2025, 2047))
    assert p.last_year == 2046


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"lifetime_years": -5}, r"lifetime_years = -5 is below 1.*operate at least one year"),
        ({"lifetime_years": 0}, r"lifetime_years = 0 is below 1"),
        (
            {"scenario": "third-railraod"},
            r"neither a shipped scenario nor a file.*'third-railroad'",
        ),
        (
            {"capital_cost_usd_m": {"by_year": {2024: 10, 2026: 10}, "source": "S950"}},
            r"no figure for year\(s\) \[2025\].*0 for a year without spending",
        ),
        (
            {"capital_cost_usd_m": {"by_year": {2027: 10}, "source": "S950"}},
            r"not before opening_year 2027",
        ),
        (
            {"operating_cost_usd_m_per_year": {"value": float("inf"), "source": "S950"}},
            r"value = inf is not finite",
        ),
        (
            {"operating_cost_usd_m_per_year": {"value": -3, "source": "S950"}},
            r"below 0",
        ),
        ({"residual_value_usd_m": {"value": 3}}, r"residual_value_usd_m has no source"),
        (
            {"residual_value_usd_m": {"value": 3, "source": "S9999"}},
            r"source 'S9999' is not in sources.csv",
        ),
        (
            {"residual_value_usd_m": {"value": 3, "source": "estimate"}},
            r"estimate without a method",
        ),
        ({"modelled_years": [2020]}, r"outside the years of operation 2027–2046"),
        ({"lifetme_years": 3}, r"unknown key 'lifetme_years'.*'lifetime_years'"),
        ({"discount_rate": {"value": 0.9, "source": "estimate", "method": "M126"}}, r"above 0.5"),
        (
            {
                "demand_growth": [
                    {"name": "g", "by_year": {2024: 1}, "rate_per_year": 0.1, "source": "S08"}
                ]
            },
            r"exactly one of by_year or rate_per_year",
        ),
    ],
)
def test_bad_projects_get_clear_errors(over: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidSpecError, match=match) as info:
        project_from_dict(_doc(**over))
    assert "project 't'" in str(info.value)


def test_missing_fields_and_files(tmp_path: Path) -> None:
    d = _doc()
    del d["capital_cost_usd_m"]
    with pytest.raises(InvalidSpecError, match=r"missing field.*capital_cost_usd_m"):
        project_from_dict(d)
    with pytest.raises(InvalidSpecError, match=r"no such file or shipped project.*third-railroad"):
        load_project("third-railrod")
    bad = tmp_path / "p.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(InvalidSpecError, match="cannot be parsed"):
        load_project(bad)


def test_scenario_file_relative_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        yaml.safe_dump({"name": "mine", "changes": [{"op": "scale_demand", "factor": 1.0}]})
    )
    p = tmp_path / "proj.yaml"
    p.write_text(yaml.safe_dump(_doc(scenario="mine.yaml")))
    assert load_project(p).scenario == "mine.yaml"
    p.write_text(yaml.safe_dump(_doc(scenario="missing.yaml")))
    with pytest.raises(InvalidSpecError, match=r"missing\.yaml"):
        load_project(p)
