"""Project files: a scenario plus money and time (capital and running costs, opening year,
lifetime, residual value), the demand growth it is appraised under and the valuation figures.

A project is a YAML mapping beside the scenarios (``data/projects/*.yaml``)::

    name: third-railroad
    scenario: third-railroad         # shipped scenario name or a file (relative to this file)
    price_year: 2024                 # every USD figure is in prices of this year
    opening_year: 2027
    lifetime_years: 30               # years of operation appraised
    capital_cost_usd_m:              # USD million by year
      by_year: {2024: 300, 2025: 450, 2026: 450}
      source: estimate
      method: M120
    operating_cost_usd_m_per_year: {value: 14, source: estimate, method: M121}
    residual_value_usd_m: {value: 400, source: estimate, method: M122}
    modelled_years: [2027, 2035]
    demand_growth:
      - name: background
        rate_per_year: 0.02
        from_year: 2024
        source: estimate
        method: M123

Every figure carries ``source`` (a source id of ``sources.csv``) or ``source: estimate`` with a
``method`` (an ``M..`` of ``SOURCES.md``). Figures a project does not give (discount rate,
carbon price path, operator margin, reliability ratio, cost overrun) come from
``data/projects/defaults.yaml``. Everything is checked when the project is built; each problem
is one :class:`~corridors.errors.InvalidSpecError` naming the file, the field and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corridors.appraisal._project_checks import (
    DEFAULTS_FILE,
    Checker,
    check_capital_years,
    check_fields,
    check_scenario,
    growth_path,
    modelled_years,
    projects_dir,
    suggest,
    valuation,
)
from corridors.appraisal.figures import Figure, GrowthPath
from corridors.errors import InvalidSpecError, explain

__all__ = [
    "Figure",
    "GrowthPath",
    "Project",
    "load_project",
    "project_from_dict",
    "shipped_projects",
]


@dataclass(frozen=True)
class Project:
    """A validated project (see the module docstring for the file format).

    Attributes
    ----------
    name, description
        Label and purpose.
    scenario
        Shipped scenario name or path of the scenario file the project builds.
    price_year
        Year of the prices of every USD figure; also the year discounting refers to.
    opening_year, lifetime_years
        First year of operation and number of years of operation appraised.
    capital_cost
        USD million by year (``Figure.by_year``).
    operating_cost
        USD million per year of operation (``Figure.value``).
    residual_value
        USD million, credited in the last appraised year.
    modelled_years
        Years the equilibrium is run in (base and project); other years are interpolated.
    growth
        Demand growth paths.
    discount_rate, carbon_price, operator_margin, reliability_ratio, cost_overrun
        Valuation figures (:class:`Figure`; carbon price in USD per t CO2e by year).
    path
        File the project was read from.
    """

    name: str
    scenario: str
    price_year: int
    opening_year: int
    lifetime_years: int
    capital_cost: Figure
    operating_cost: Figure
    residual_value: Figure
    modelled_years: tuple[int, ...]
    growth: tuple[GrowthPath, ...] = ()
    discount_rate: Figure = field(default_factory=lambda: Figure(0.06, source="estimate"))
    carbon_price: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    operator_margin: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    reliability_ratio: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    cost_overrun: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    description: str = ""
    path: Path | None = None

    @property
    def last_year(self) -> int:
        """Last appraised year of operation."""
        return self.opening_year + self.lifetime_years - 1

    @property
    def years(self) -> tuple[int, ...]:
        """Every year with a cash flow: first capital year to the last year of operation."""
        first = min([*self.capital_cost.by_year, self.opening_year])
        return tuple(range(first, self.last_year + 1))

    def growth_factors(self, year: int | float) -> list[tuple[GrowthPath, float]]:
        """Each growth path with its factor in ``year``."""
        return [(g, g.at(year)) for g in self.growth]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (figures with their provenance)."""
        return {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario,
            "price_year": self.price_year,
            "opening_year": self.opening_year,
            "lifetime_years": self.lifetime_years,
            "capital_cost_usd_m": self.capital_cost.to_dict(),
            "operating_cost_usd_m_per_year": self.operating_cost.to_dict(),
            "residual_value_usd_m": self.residual_value.to_dict(),
            "modelled_years": list(self.modelled_years),
            "demand_growth": [
                {
                    "name": g.name,
                    "classes": list(g.classes),
                    "origins": list(g.origins),
                    "destinations": list(g.destinations),
                    **(
                        {"rate_per_year": g.factor.value, "from_year": g.from_year}
                        if g.compound
                        else {"by_year": dict(g.factor.by_year)}
                    ),
                    "source": g.factor.source,
                    "method": g.factor.method,
                }
                for g in self.growth
            ],
            "discount_rate": self.discount_rate.to_dict(),
            "carbon_price_usd_per_t": self.carbon_price.to_dict(),
            "operator_margin": self.operator_margin.to_dict(),
            "reliability_ratio": self.reliability_ratio.to_dict(),
            "cost_overrun": self.cost_overrun.to_dict(),
        }


def project_from_dict(
    doc: Mapping[str, Any], *, name: str | None = None, path: Path | None = None
) -> Project:
    """Build and validate a :class:`Project` from a parsed document.

    Parameters
    ----------
    doc
        The mapping (see the module docstring).
    name
        Name when the document has none.
    path
        File the document came from (a scenario path is relative to it).

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown key, a missing or non-finite figure, a figure without source or method,
        a non-positive lifetime, capital cost years that do not cover construction up to the
        opening, modelled years outside the operating years, or an unknown scenario.

    Examples
    --------
    >>> project_from_dict({"name": "x", "scenario": "customs-halved", "lifetime_years": -5})
    Traceback (most recent call last):
    ...
    corridors.errors.InvalidSpecError: project 'x': lifetime_years = -5 is below 1. ...
    """
    if not isinstance(doc, Mapping):
        raise InvalidSpecError(explain(f"A project must be a mapping, not {type(doc).__name__}."))
    pname = str(doc.get("name") or name or (path.stem if path else "project"))
    ck = Checker(f"project {pname!r}" + (f" ({path})" if path else ""))
    check_fields(ck, doc)
    scen = str(doc["scenario"])
    check_scenario(ck, scen, scenario_ref(scen, path))
    price_year = ck.year("price_year", doc["price_year"])
    opening = ck.year("opening_year", doc["opening_year"])
    lifetime = int(doc["lifetime_years"])
    if lifetime > 100:
        raise ck.fail(
            f"lifetime_years = {lifetime} is above 100.", fix="Appraise at most 100 years."
        )
    capex = ck.figure("capital_cost_usd_m", doc["capital_cost_usd_m"], by_year=True)
    check_capital_years(ck, capex, opening)
    opex = ck.figure("operating_cost_usd_m_per_year", doc["operating_cost_usd_m_per_year"])
    resid = ck.figure("residual_value_usd_m", doc["residual_value_usd_m"])
    modelled = modelled_years(ck, doc.get("modelled_years") or [opening], opening, lifetime)
    growth = tuple(growth_path(ck, i, g) for i, g in enumerate(doc.get("demand_growth") or []))
    val = valuation(ck, doc)
    return Project(
        name=pname,
        description=str(doc.get("description") or ""),
        scenario=scen,
        price_year=price_year,
        opening_year=opening,
        lifetime_years=lifetime,
        capital_cost=capex,
        operating_cost=opex,
        residual_value=resid,
        modelled_years=modelled,
        growth=growth,
        discount_rate=val["discount_rate"],
        carbon_price=val["carbon_price_usd_per_t"],
        operator_margin=val["operator_margin"],
        reliability_ratio=val["reliability_ratio"],
        cost_overrun=val["cost_overrun"],
        path=path,
    )


def scenario_ref(scenario: str, path: Path | None) -> str:
    """A shipped scenario name as is; a file name (with a suffix or a folder) relative to the
    project file."""
    looks_like_file = Path(scenario).suffix in (".yaml", ".yml", ".toml") or "/" in scenario
    if looks_like_file and path is not None and not Path(scenario).is_absolute():
        return str((path.parent / scenario).resolve())
    return scenario


def shipped_projects() -> dict[str, Path]:
    """The worked projects shipped with corridors, by name."""
    return {p.stem: p for p in sorted(projects_dir().glob("*.yaml")) if p.name != DEFAULTS_FILE}


def load_project(path: str | Path) -> Project:
    """Read a project file (YAML) or a shipped project by name, validated.

    Raises
    ------
    corridors.errors.InvalidSpecError
        When the file is missing, cannot be parsed or is invalid (see
        :func:`project_from_dict`).
    """
    p = Path(path)
    if not p.is_file():
        shipped = shipped_projects()
        if str(path) in shipped:
            p = shipped[str(path)]
        else:
            raise InvalidSpecError(
                explain(
                    f"Project {str(path)!r}: no such file or shipped project.",
                    fix=suggest(str(path), list(shipped)),
                )
            )
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidSpecError(explain(f"{p}: cannot be parsed as YAML ({exc}).")) from None
    return project_from_dict(doc or {}, name=p.stem, path=p)
