"""Scenarios: named, human-editable changes to a base network and its demand.

Read one with :func:`load_scenario` (YAML/TOML file or shipped name), apply it with
:func:`apply_scenario`; the base network is never modified. Names load on first use (PEP 562),
so listing the shipped scenarios and sweeps imports neither pandas nor the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridors._lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from corridors.scenarios._shipped import shipped_scenarios
    from corridors.scenarios.apply import apply_scenario, base_network, scenario_network
    from corridors.scenarios.model import (
        OPS,
        Change,
        Scenario,
        load_scenario,
        scenario_from_dict,
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

_WHERE = {
    "apply_scenario": "apply",
    "base_network": "apply",
    "scenario_network": "apply",
    "OPS": "model",
    "Change": "model",
    "Scenario": "model",
    "load_scenario": "model",
    "scenario_from_dict": "model",
    "shipped_scenarios": "_shipped",
}


__getattr__, __dir__ = lazy_names("corridors.scenarios", _WHERE, __all__, globals())
