"""Select-link: which origin–destination pairs use a link or border crossing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from corridors.api import _bridge
from corridors.api._jobs import _latest_assignment
from corridors.api._state import BASE, ApiState, get_state
from corridors.errors import JobError, UnknownPlaceError, explain

router = APIRouter(tags=["flows"])

LinkId = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_.:\-]+$",
        description="A link_id of links.csv (both directions count), e.g. rail-alashankou-dostyk.",
    ),
]


@router.get("/select-link", summary="Which OD pairs use a link (from the latest assignment)")
def select_link(
    link: LinkId,
    state: Annotated[ApiState, Depends(get_state)],
    scenario: Annotated[str, Query(min_length=1, max_length=100)] = BASE,
    top: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """OD pairs whose choice-equilibrium routes cross ``link``: class, unit (TEU or t), origin
    and destination (id and name), flow per year through the link and share of the pair's
    demand; the largest ``top`` (at most the 100 kept per link), ``total_pairs`` and each
    class's total flow through the link (``class_totals``). 404 until an assignment of the
    scenario has finished (``POST /api/jobs``)."""
    res = _latest_assignment(state, scenario)
    if "select_link" not in res:
        raise JobError(
            explain(
                f"The latest assignment of scenario {scenario!r} was run by an older version "
                "that did not keep route flows.",
                fix='Run it again: POST /api/jobs {"kind": "assignment", "scenario": "..."}.',
            )
        )
    table: dict[str, Any] = res["select_link"] or {}
    key = link.rsplit(":", 1)[0] if link.endswith((":f", ":r")) else link
    net = state.network_for(scenario)
    if key not in table and key not in set(net.tables["links"]["link_id"]):
        raise UnknownPlaceError(
            explain(
                f"Unknown link {link!r}.",
                fix="Use a link_id from GET /api/links (properties.link_id).",
            )
        )
    pairs, total, totals = _bridge.expand_select_link(table.get(key, []), net, top)
    out = {"link_id": key, "scenario": scenario, "pairs": pairs, "total_pairs": total}
    if totals is not None:
        out["class_totals"] = totals
    return out
