"""Scenarios: named, human-editable changes to a base network and its demand.

Read one with :func:`load_scenario` (YAML/TOML file or shipped name), apply it with
:func:`apply_scenario`; the base network is never modified.
"""

from __future__ import annotations

from corridors.scenarios.apply import apply_scenario, base_network, scenario_network
from corridors.scenarios.model import (
    OPS,
    Change,
    Scenario,
    load_scenario,
    scenario_from_dict,
    shipped_scenarios,
)

__all__ = [
    "OPS",
    "Change",
    "Scenario",
    "apply_scenario",
    "base_network",
    "load_scenario",
    "scenario_from_dict",
    "scenario_network",
    "shipped_scenarios",
]
