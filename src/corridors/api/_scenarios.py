"""Saved scenarios: create, list, read, update, delete."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field, model_validator

from corridors._yaml import MAX_DEPTH, load_yaml
from corridors.api import _bridge
from corridors.api._json import json_safe
from corridors.api._state import BASE, ApiState, get_state, shipped_records
from corridors.errors import LimitExceededError, ScenarioError, explain

router = APIRouter(tags=["scenarios"])

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$"
ScenarioName = Annotated[str, Path(pattern=NAME, max_length=100)]


class ScenarioIn(BaseModel):
    """A scenario document, as a JSON object (``body``) or as YAML text (``yaml``)."""

    name: str = Field(pattern=NAME, max_length=100, examples=["middle-corridor-upgrade"])
    description: str = Field("", max_length=2000)
    body: dict[str, Any] | None = Field(None, description="The scenario document (as JSON).")
    yaml: str | None = Field(None, max_length=200_000, description="The scenario as YAML text.")

    @model_validator(mode="after")
    def _one_source(self) -> ScenarioIn:
        if (self.body is None) == (self.yaml is None):
            raise ValueError("give exactly one of 'body' (JSON object) or 'yaml' (text)")
        return self


class ScenarioUpdate(BaseModel):
    description: str | None = Field(None, max_length=2000)
    body: dict[str, Any] | None = None
    yaml: str | None = Field(None, max_length=200_000)

    @model_validator(mode="after")
    def _one_source(self) -> ScenarioUpdate:
        if (self.body is None) == (self.yaml is None):
            raise ValueError("give exactly one of 'body' (JSON object) or 'yaml' (text)")
        return self


def _document(name: str, body: dict[str, Any] | None, text: str | None) -> dict[str, Any]:
    if text is not None:
        doc = load_yaml(text, what=f"scenario {name!r}")
        if not isinstance(doc, dict):
            raise ScenarioError(
                explain(
                    f"Scenario {name!r}: the YAML is a {type(doc).__name__}, not a mapping.",
                    fix="Write the scenario as 'key: value' lines.",
                )
            )
        body = doc
    assert body is not None
    _check_depth(name, body)
    body = json_safe(body)
    body["name"] = name
    base = body.get("base", "bundled")
    if base != "bundled":
        raise ScenarioError(
            explain(
                f"Scenario {name!r}: base {base!r} is not allowed through the API.",
                why="The server only reads its own bundled network, never paths from requests.",
                fix="Leave 'base' out or set it to 'bundled'.",
            )
        )
    inherits = body.get("inherits")
    if inherits is not None and (
        not isinstance(inherits, str)
        or not re.fullmatch(NAME, inherits)
        or inherits.lower().endswith((".yaml", ".yml", ".toml"))
    ):
        raise ScenarioError(
            explain(
                f"Scenario {name!r}: inherits {inherits!r} must name a saved or shipped scenario.",
                why="The server never reads files named in requests.",
                fix="Give a saved or shipped scenario's name, not a file path.",
            )
        )
    return body


def _check_depth(name: str, doc: Any) -> None:
    """Refuse documents nested deeper than the YAML limit (JSON bodies too)."""
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LimitExceededError(
                explain(
                    f"Scenario {name!r} nests deeper than {MAX_DEPTH} levels.",
                    fix="Flatten it; scenarios need only a few levels.",
                ),
                field="body",
                limit=MAX_DEPTH,
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _check(state: ApiState, name: str, body: dict[str, Any]) -> None:
    """Parse and apply the scenario once, so a saved scenario is always usable."""
    _bridge.apply_scenario(state.network, body, name, state.resolver)


@router.get("/scenarios", summary="Saved scenarios (and, with shipped=true, the shipped ones)")
def list_scenarios(
    state: Annotated[ApiState, Depends(get_state)],
    shipped: Annotated[
        bool, Query(description="Also list the scenarios shipped with corridors.")
    ] = False,
) -> list[dict[str, Any]]:
    saved = state.store.list_scenarios()
    return saved + _shipped_not_saved(saved) if shipped else saved


def _shipped_not_saved(saved: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shipped scenarios (name, description, source) not overridden by a saved one."""
    names = {s["name"] for s in saved}
    return [
        {k: v for k, v in rec.items() if k != "body"}
        for name, rec in shipped_records().items()
        if name not in names
    ]


@router.post("/scenarios", status_code=201, summary="Save a new scenario")
def create_scenario(
    sc: ScenarioIn, state: Annotated[ApiState, Depends(get_state)]
) -> dict[str, Any]:
    if sc.name == BASE:
        raise ScenarioError(
            explain("'base' names the unchanged network.", fix="Pick another name.")
        )
    body = _document(sc.name, sc.body, sc.yaml)
    _check(state, sc.name, body)
    return state.store.create_scenario(sc.name, body, sc.description)


@router.get("/scenarios/{name}", summary="One saved (or shipped) scenario")
def get_scenario(
    name: ScenarioName, state: Annotated[ApiState, Depends(get_state)]
) -> dict[str, Any]:
    return state.scenario_record(name)


@router.put("/scenarios/{name}", summary="Replace a saved scenario's document")
def update_scenario(
    name: ScenarioName, sc: ScenarioUpdate, state: Annotated[ApiState, Depends(get_state)]
) -> dict[str, Any]:
    state.store.get_scenario(name)  # 404 first
    body = _document(name, sc.body, sc.yaml)
    _check(state, name, body)
    return state.store.update_scenario(name, body, sc.description)


@router.delete("/scenarios/{name}", status_code=204, summary="Delete a saved scenario")
def delete_scenario(name: ScenarioName, state: Annotated[ApiState, Depends(get_state)]) -> Response:
    state.store.delete_scenario(name)
    return Response(status_code=204)
