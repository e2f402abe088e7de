"""Scenarios: named, human-editable changes to a base network and its demand.

Read one with :func:`load_scenario` (YAML/TOML file or shipped name), apply it with
:func:`apply_scenario`; the base network is never modified. Names load on first use (PEP 562),
so listing the shipped scenarios and sweeps imports neither pandas nor the network.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """Load a public name, or a sub-module (``corridors.scenarios.sweep``), on first access."""
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"corridors.scenarios.{module}"), name)
        globals()[name] = value
        return value
    if not name.startswith("__"):
        try:
            return importlib.import_module(f"corridors.scenarios.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"corridors.scenarios.{name}":
                raise
    raise AttributeError(f"module 'corridors.scenarios' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
