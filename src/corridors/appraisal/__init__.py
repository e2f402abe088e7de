"""Appraisal: what a project buys — cost–benefit, revenue and emissions of a scenario over time.

A :class:`Project` (YAML beside the scenarios, ``data/projects``) is a scenario plus money and
time. :func:`appraise` runs the choice equilibrium without and with it in a few modelled years
on grown demand, values the benefits by who gets them (shippers, operators by country, the
climate) and returns NPV, BCR, IRR, payback year, a sensitivity table with a tornado chart and
the switching value of demand.
"""

from __future__ import annotations

from corridors.appraisal.appraise import Appraisal, appraise, demand_in_year, evaluate, run_year
from corridors.appraisal.benefits import (
    YearBenefits,
    alternative_costs,
    logsum_surplus,
    rule_of_half,
    year_benefits,
)
from corridors.appraisal.money import bcr, discount_factors, irr, npv, payback_year
from corridors.appraisal.project import (
    Figure,
    GrowthPath,
    Project,
    load_project,
    project_from_dict,
    shipped_projects,
)

__all__ = [
    "Appraisal",
    "Figure",
    "GrowthPath",
    "Project",
    "YearBenefits",
    "alternative_costs",
    "appraise",
    "bcr",
    "demand_in_year",
    "discount_factors",
    "evaluate",
    "irr",
    "load_project",
    "logsum_surplus",
    "npv",
    "payback_year",
    "project_from_dict",
    "rule_of_half",
    "run_year",
    "shipped_projects",
    "year_benefits",
]
