"""Route options (``GET /api/route``), scenario comparison and itinerary reliability."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from corridors.api._json import json_safe
from corridors.api._state import BASE, ApiState, get_state
from corridors.errors import CorridorsError
from corridors.io.geojson import itineraries_to_geojson
from corridors.network.model import Network
from corridors.network.modes import Mode
from corridors.routing.request import route_options, search_summary
from corridors.routing.search import RouteOptions

router = APIRouter(tags=["routing"])

try:  # optional: the api extra installs it
    import orjson as _orjson

    _ORJSON_OPTS = _orjson.OPT_SERIALIZE_NUMPY | _orjson.OPT_NON_STR_KEYS
except ImportError:  # pragma: no cover - the standard encoder does the same, slower
    _orjson = None  # type: ignore[assignment]
    _ORJSON_OPTS = 0

MAX_API_SAMPLES = 200_000
"""Most Monte Carlo shipments per API request (the library allows more)."""

COUNTRIES = r"^\s*([A-Za-z]{2}\s*(,\s*[A-Za-z]{2}\s*)*)?$"


class CargoParam(StrEnum):
    container = "container"
    bulk = "bulk"
    grain = "grain"
    container_std = "container_std"
    container_hv = "container_hv"
    dry_bulk = "dry_bulk"
    liquid_bulk = "liquid_bulk"


def mode_names(values: list[str] | None) -> list[str]:
    """Modes of the ``no`` query parameter, checked against the live mode table.

    A mode added with :func:`corridors.network.register_mode` is accepted like a built-in one
    (names in any case and aliases, as ``Mode(...)``).

    Raises
    ------
    fastapi.exceptions.RequestValidationError
        (422, field ``no``) for a value that is no mode, naming the known modes.
    """
    out, bad = [], []
    for v in values or ():
        if v in Mode:
            out.append(Mode(v).value)
        else:
            bad.append(v)
    if bad:
        known = ", ".join(m.value for m in Mode)
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "no"),
                    "msg": f"{v[:40]!r} is not a mode; known modes: {known}",
                    "type": "enum",
                }
                for v in bad
            ]
        )
    return out


class RouteQuery:
    """The inputs of ``corridors route``, as query parameters."""

    def __init__(
        self,
        origin: Annotated[
            str, Query(min_length=1, max_length=200, description="Node id or place name.")
        ],
        destination: Annotated[
            str, Query(min_length=1, max_length=200, description="Node id or place name.")
        ],
        teu: Annotated[float | None, Query(gt=0, le=1e6, description="Containers (TEU).")] = None,
        feu: Annotated[
            float | None, Query(gt=0, le=5e5, description="Containers (FEU, priced per FEU).")
        ] = None,
        carbon_price: Annotated[
            float | None, Query(ge=0, le=2000, description="USD per t CO2e (well-to-wheel).")
        ] = None,
        tonnes: Annotated[
            float | None, Query(gt=0, le=1e8, description="Bulk cargo (tonnes).")
        ] = None,
        cargo: Annotated[
            CargoParam, Query(description="container, bulk/grain, or a cargo class.")
        ] = (CargoParam.container),
        avoid: Annotated[
            str,
            Query(max_length=200, pattern=COUNTRIES, description="Countries to avoid: RU,BY."),
        ] = "",
        no: Annotated[
            list[str] | None,
            Query(
                max_length=50,
                description="Modes to avoid: rail, road, ferry, sea, air or a mode the server "
                "registered (corridors.network.register_mode).",
            ),
        ] = None,
        depart: Annotated[dt.date | None, Query(description="Departure date.")] = None,
        max_days: Annotated[float | None, Query(gt=0, le=365)] = None,
        max_transshipments: Annotated[int | None, Query(ge=0, le=20)] = None,
        top: Annotated[int, Query(ge=1, le=50, description="Best N options.")] = 12,
        eps: Annotated[
            float, Query(ge=0, le=1, description="Merge options within this relative margin.")
        ] = 0.02,
    ) -> None:
        self.origin, self.destination = origin, destination
        self.teu, self.tonnes, self.cargo = teu, tonnes, cargo.value
        self.feu, self.carbon_price = feu, carbon_price
        self.avoid, self.no, self.depart = avoid, mode_names(no), depart
        self.max_days, self.max_transshipments = max_days, max_transshipments
        self.top, self.eps = top, eps

    def run(self, net: Network, *, congested: bool = False) -> RouteOptions:
        """The options on ``net`` (cargo and quantity rules: :mod:`corridors.routing.request`)."""
        return route_options(
            net,
            self.origin,
            self.destination,
            cargo=self.cargo,
            teu=self.teu,
            feu=self.feu,
            tonnes=self.tonnes,
            congested=congested,
            carbon_price_usd_per_t=self.carbon_price,
            avoid_countries=self.avoid.replace(" ", "").upper(),
            avoid_modes=self.no,
            departure=self.depart,
            max_days=self.max_days,
            max_transshipments=self.max_transshipments,
            eps=self.eps,
            max_options=self.top,
        )[1]


async def route_query(**kwargs: Any) -> RouteQuery:
    """The query parameters as a :class:`RouteQuery` (async: no thread hop per request)."""
    return RouteQuery(**kwargs)


route_query.__signature__ = inspect.signature(RouteQuery)  # type: ignore[attr-defined]


def _options_payload(net: Network, opts: RouteOptions, scenario: str) -> dict[str, Any]:
    d = opts.to_dict()
    nodes = net.nodes
    d["scenario"] = scenario
    d["origin_name"] = str(nodes.at[opts.origin, "name"])
    d["destination_name"] = str(nodes.at[opts.destination, "name"])
    d["geojson"] = itineraries_to_geojson(net, opts.options)
    d["search"] = search_summary(
        opts.search,
        name=net.node_name,
        exact_hint="eps=0",
        narrow_hint="max_days, max_transshipments, no=<mode>",
    )
    return d


def _default(value: Any) -> Any:
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> bytes:
    """Strict JSON, compact: NaN and infinities become null (never ``NaN``/``Infinity``).

    orjson when installed (``api`` extra; about 7x faster on route answers), else one pass of
    the standard C encoder; only a document with a non-finite number then takes the slower
    copy through :func:`json_safe`."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, option=_ORJSON_OPTS, default=_default)
        except TypeError:  # e.g. a key type orjson does not take
            pass
    try:
        text = json.dumps(value, allow_nan=False, separators=(",", ":"), default=_default)
    except (ValueError, TypeError):
        text = json.dumps(json_safe(value), allow_nan=False, separators=(",", ":"))
    return text.encode()


def json_response(body: bytes) -> Response:
    return Response(body, media_type="application/json")


Scenario = Annotated[
    str, Query(min_length=1, max_length=200, description="Saved scenario name, or 'base'.")
]
OK = {200: {"description": "Successful Response", "content": {"application/json": {}}}}


Handler = Callable[..., Awaitable[Response]]
Query_ = Annotated[RouteQuery, Depends(route_query)]
State = Annotated[ApiState, Depends(get_state)]
Congested = Annotated[
    bool,
    Query(
        description="Add the equilibrium waits (crossings, ports, ferries) of the base-year "
        "demand (or the scenario's) on this network (first call per network takes seconds)."
    ),
]


def _get_json(path: str, summary: str) -> Callable[[Handler], Handler]:
    """``GET path`` answering pre-encoded JSON bytes (documented as JSON in OpenAPI)."""
    return router.get(path, summary=summary, response_class=Response, responses=OK)  # type: ignore[arg-type]


@_get_json("/route", "Pareto route options (days, USD, CO2) between two places")
async def route(
    q: Query_,
    state: State,
    request: Request,
    scenario: Scenario = BASE,
    congested: Congested = False,
) -> Response:
    """Ranked Pareto options, each with corridor, legs, breakdowns and a GeoJSON geometry."""
    net, version = await _network(state, scenario)
    # every query parameter is part of the key, including ones added later
    key = ("route", version, tuple(sorted(request.query_params.multi_items())))
    hit = state.cache_get(key)  # on the event loop: a dict lookup, no thread hop
    if hit is not None:
        return json_response(hit)

    def build() -> bytes:
        return state.cached(
            key, lambda: dumps(_options_payload(net, q.run(net, congested=congested), scenario))
        )

    return json_response(await state.compute.run(build))


async def _network(state: ApiState, scenario: str) -> tuple[Network, tuple[str, str]]:
    if scenario == BASE:
        return state.network, (BASE, "")
    # reads the store and may apply the scenario (CPU): off the event loop
    return await state.compute.run(state.network_and_key, scenario)


@_get_json("/compare", "Route options in the base network and in a scenario")
async def compare(
    scenario: Scenario,
    q: Query_,
    state: State,
    base: Scenario = BASE,
    congested: Congested = False,
) -> Response:
    """Both option sets side by side, plus the change of the fastest and cheapest option."""

    def build() -> bytes:
        out: dict[str, Any] = {}
        for label, name in (("base", base), ("scenario", scenario)):
            try:
                net = state.network_for(name)
                out[label] = _options_payload(net, q.run(net, congested=congested), name)
            except CorridorsError as exc:
                if exc.http_status not in (409, 422):  # unknown place etc. concern the query
                    raise
                out[label] = {"scenario": name, "options": [], "error": str(exc)}
        out["delta"] = _delta(out["base"], out["scenario"])
        return dumps(out)

    return json_response(await state.compute.run(build))


def _delta(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    def best(d: dict[str, Any], key: str) -> float | None:
        vals = [o[key] for o in d.get("options", []) if o.get(key) is not None]
        return min(vals) if vals else None

    delta: dict[str, Any] = {}
    for key in ("days", "cost_usd", "co2_kg"):
        x, y = best(a, key), best(b, key)
        delta[f"best_{key}"] = None if x is None or y is None else y - x
    return delta


@_get_json("/reliability", "Monte Carlo door-to-door days of one route option")
async def reliability(
    q: Query_,
    state: State,
    option: Annotated[int, Query(ge=1, le=50, description="Rank of the option (1 = best).")] = 1,
    n: Annotated[
        int, Query(ge=100, le=MAX_API_SAMPLES, description="Simulated shipments.")
    ] = 20_000,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
    deadline_days: Annotated[float | None, Query(gt=0, le=365)] = None,
    scenario: Scenario = BASE,
) -> Response:
    """P50/P90/P95 and on-time share of the chosen option, with a histogram of days."""

    def build() -> bytes:
        import numpy as np

        from corridors.reliability.option import simulate_option

        net = state.network_for(scenario)
        it, res = simulate_option(
            net, q.run(net), option, n=n, seed=seed, departure=q.depart, deadline_days=deadline_days
        )
        counts, edges = np.histogram(res.samples_days, bins=30)
        out = res.to_dict() | {
            "scenario": scenario,
            "option": option,
            "corridor": it.corridor,
            "histogram": {"counts": counts.tolist(), "edges_days": edges.round(3).tolist()},
        }
        return dumps(out)

    return json_response(await state.compute.run(build))
