"""Network elements: nodes (with search) and links, as JSON and GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from corridors.api._json import json_safe
from corridors.api._state import BASE, ApiState, get_state
from corridors.errors import UnknownPlaceError, explain
from corridors.io.geojson import network_to_geojson

router = APIRouter(tags=["network"])

Scenario = Annotated[
    str, Query(min_length=1, max_length=200, description="Saved scenario name, or 'base'.")
]
NODE_COLS = ("node_id", "name", "country", "kind", "lat_deg", "lon_deg")


@router.get("/nodes", summary="Nodes, optionally filtered by a search text (autocomplete)")
def nodes(
    state: Annotated[ApiState, Depends(get_state)],
    q: Annotated[str, Query(max_length=100, description="Text in id, name or alias.")] = "",
    kind: Annotated[str | None, Query(max_length=40)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
    scenario: Scenario = BASE,
) -> list[dict[str, Any]]:
    """Each node with id, name, country, kind, lat/lon; name matches rank first."""
    from corridors.network.places import search_places

    tab = search_places(state.network_for(scenario), q, kind=kind, country=country, limit=limit)
    rows = tab.to_dict("records")
    out = [{c: r.get(c) for c in NODE_COLS} | {"id": r["node_id"]} for r in rows]
    return json_safe(out)  # type: ignore[no-any-return]


@router.get("/nodes/{node_id}", summary="One node with all its columns")
def node(
    node_id: Annotated[str, Path(max_length=200)],
    state: Annotated[ApiState, Depends(get_state)],
    scenario: Scenario = BASE,
) -> dict[str, Any]:
    net = state.network_for(scenario)
    if node_id not in net.nodes.index:
        raise UnknownPlaceError(
            explain(
                f"No node with id {node_id!r}.",
                fix="Search with GET /api/nodes?q=<name> to find the id.",
            )
        )
    row = net.tables["nodes"].set_index("node_id", drop=False).loc[node_id].to_dict()
    return json_safe(row)  # type: ignore[no-any-return]


@router.get("/links", summary="Links as GeoJSON LineStrings")
def links(
    state: Annotated[ApiState, Depends(get_state)],
    mode: Annotated[str | None, Query(max_length=20)] = None,
    scenario: Scenario = BASE,
) -> dict[str, Any]:
    """A FeatureCollection of the physical links (table columns as properties)."""
    gj = network_to_geojson(state.network_for(scenario))
    feats = [f for f in gj["features"] if f["properties"]["feature"] == "link"]
    if mode:
        feats = [f for f in feats if f["properties"].get("mode") == mode]
    return json_safe({"type": "FeatureCollection", "features": feats})  # type: ignore[no-any-return]


@router.get("/network", summary="Whole network as GeoJSON (nodes and links)")
def network(
    state: Annotated[ApiState, Depends(get_state)], scenario: Scenario = BASE
) -> dict[str, Any]:
    net = state.network_for(scenario)
    gj = network_to_geojson(net)
    gj["name"] = net.name
    return json_safe(gj)  # type: ignore[no-any-return]
