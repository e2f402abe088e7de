"""Check a scenario and report every problem at once (not only the first).

:func:`~corridors.scenarios.load_scenario` and :func:`~corridors.scenarios.apply_scenario`
stop at the first error, which is right for running a scenario; a person editing one wants the
whole list. Each change is checked on its own (fields), then the well-formed ones are applied
on the base network together (the applier gathers every reference and validity problem).
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors._yaml import load_yaml
from corridors.errors import CorridorsError, ScenarioError, explain
from corridors.scenarios.model import (
    Scenario,
    _check_change,
    _from_dict,
    _resolve_ref,
)

if TYPE_CHECKING:
    from corridors.network.model import Network

__all__ = ["scenario_problems"]


def _read(ref: str) -> tuple[Path | None, Any, list[str]]:
    try:
        path = _resolve_ref(ref, None)
    except CorridorsError as exc:
        return None, None, [str(exc)]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path, None, [f"{path}: not UTF-8 text. Save the scenario as a UTF-8 YAML file."]
    except OSError as exc:
        return path, None, [f"{path}: cannot be read ({exc.strerror})."]
    try:
        doc = (
            tomllib.loads(text)
            if path.suffix == ".toml"
            else load_yaml(text, what=f"scenario file {path.name}")  # alias-free, size-limited
        )
    except tomllib.TOMLDecodeError as exc:
        return path, None, [f"{path}: not valid TOML ({exc})."]
    except CorridorsError as exc:
        return path, None, [f"{path}: {exc}"]
    if not isinstance(doc, dict):
        return (
            path,
            None,
            [
                explain(
                    f"{path}: a scenario is a mapping with 'name' and 'changes', "
                    f"not a {type(doc).__name__}.",
                    fix="See docs/scenarios.md for the format.",
                )
            ],
        )
    return path, doc, []


def scenario_problems(
    ref: str | Path, *, network: Network | None = None
) -> tuple[Scenario | None, list[str]]:
    """Every problem of a scenario file or shipped name.

    Parameters
    ----------
    ref
        Scenario file (YAML/TOML) or shipped name.
    network
        Base network to apply it to (default: the scenario's own base).

    Returns
    -------
    scenario, problems
        The parsed scenario (``None`` when it cannot be parsed) and one line per problem
        (empty when the scenario applies cleanly).
    """
    path, doc, problems = _read(str(ref))
    if doc is None:
        return None, problems
    name = str(doc.get("name") or (path.stem if path else "scenario"))
    raw = doc.get("changes") or []
    if not isinstance(raw, list):
        return None, [f"Scenario {name!r}: 'changes' must be a list of changes."]
    good = []
    for i, change in enumerate(raw):
        try:
            good.append(_check_change(name, i, change))
        except CorridorsError as exc:
            problems.append(str(exc))
    try:
        scenario = _from_dict({**doc, "changes": []}, name=name, path=path, seen=())
    except CorridorsError as exc:
        return None, [*problems, str(exc)]
    scenario = dataclasses.replace(scenario, changes=(*scenario.changes, *good))
    problems += _apply_each(scenario, network)
    return scenario, problems


def _apply_each(scenario: Scenario, network: Network | None) -> list[str]:
    """Apply the well-formed changes together; the applier itself gathers every reference and
    network problem, one line each."""
    from corridors.scenarios.apply import apply_scenario, base_network

    try:
        net = network if network is not None else base_network(scenario)
    except CorridorsError as exc:
        return [f"Scenario {scenario.name!r}: its base network cannot be loaded: {exc}"]
    try:
        apply_scenario(net, scenario)
    except ScenarioError as exc:
        head, *items = str(exc).split("\n  - ")
        return [f"{head.strip()} {item.strip()}" for item in items] if items else [head]
    return []
