"""What a route query sees of each arc: open or masked, its figures, its static weight.

The per-arc inputs of :func:`corridors.routing.pareto_routes` and
:func:`corridors.routing.route`: the mask of arcs a query may use (closed passages on the
departure date, avoided modes and countries), the cost model's per-unit figures (cached on the
network) and the static weight of a single objective.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from corridors.errors import ContradictoryOptionsError, explain
from corridors.network._csr import ARC_LINK, CompiledGraph
from corridors.network.costs import ArcFigures, CostModel
from corridors.network.enums import Cargo, CargoClass, Mode
from corridors.network.model import Network
from corridors.routing.spec import Consignment, RouteSpec

__all__ = [
    "arc_figures",
    "arc_mask",
    "arc_weights",
    "closed_passages",
    "hour_of_week",
    "warm_figures",
]


def closed_passages(net: Network, when: dt.date | dt.datetime | None) -> list[str]:
    """Passages (link ``via``) closed on ``when`` by ``passages.csv``; none without a date."""
    if when is None:  # before touching the tables: an undated query needs none of them
        return []
    table = net.tables.get("passages")
    if table is None or len(table) == 0:
        return []
    day = (when.date() if isinstance(when, dt.datetime) else when).isoformat()
    return sorted(
        {
            str(r.passage)
            for r in table.itertuples()
            if str(r.closed_from) <= day and (not r.closed_to or day <= str(r.closed_to))
        }
    )


def arc_mask(net: Network, g: CompiledGraph, spec: RouteSpec, ends: tuple[str, str]) -> np.ndarray:
    """Per arc of ``g``: whether the query may use it (``ends``: origin and destination ids).

    Raises
    ------
    corridors.errors.ContradictoryOptionsError
        When an end lies in a country the query avoids.
    """
    ok = np.ones(g.n_arcs, dtype=np.bool_)
    closed = closed_passages(net, spec.departure)
    if closed:
        via = net.links["via"].to_numpy(dtype=object)
        is_link = g.kind == ARC_LINK
        link_via = np.where(is_link, via[np.where(is_link, g.link, 0)], "")
        ok &= ~np.isin(link_via, closed)
    if spec.avoid_modes:
        bad_modes = [Mode(m).code for m in spec.avoid_modes]
        ok &= ~((g.kind == ARC_LINK) & np.isin(g.mode, bad_modes))
    if spec.avoid_countries:
        codes = {c: k for k, c in enumerate(g.countries)}
        for end in ends:
            c = net.node_country(end)
            if c in spec.avoid_countries:
                raise ContradictoryOptionsError(
                    explain(
                        f"{net.node_name(end)} ({end}) is in {c}, which the query avoids.",
                        fix=f"Remove {c} from the countries to avoid, or pick another place.",
                    )
                )
        bad = [codes[c] for c in spec.avoid_countries if c in codes]
        if bad:
            ok &= ~(np.isin(g.country_a, bad) | np.isin(g.country_b, bad))
    return ok


def hour_of_week(departure: dt.datetime | None) -> float:
    """Hours since Monday 00:00 of ``departure`` (-1 without one: no timetable)."""
    if departure is None:
        return -1.0
    return departure.weekday() * 24.0 + departure.hour + departure.minute / 60.0


def arc_figures(
    network: Network,
    g: CompiledGraph,
    consignment: Consignment,
    departure: dt.datetime | None = None,
    cost_model: CostModel | None = None,
) -> ArcFigures:
    """Per-arc figures for one unit of ``consignment`` (cached per unit, class, date, model)."""
    cm = CostModel() if cost_model is None else cost_model
    day = None if departure is None else departure.date()
    if g is not network.graph(g.cargo):  # a caller's own graph (e.g. with equilibrium waits)
        return cm.arc_figures(
            network, g, unit=consignment.unit, cargo_class=consignment.cargo_class, when=day
        )
    key = f"figures:{g.cargo.value}:{consignment.unit.value}:{consignment.cargo_class}:{day}:{cm}"
    if key not in network._cache:
        network._cache[key] = cm.arc_figures(
            network, g, unit=consignment.unit, cargo_class=consignment.cargo_class, when=day
        )
    return network._cache[key]  # type: ignore[return-value]


def warm_figures(network: Network) -> None:
    """Compute the per-arc figures of the default query of every cargo class and unit (no
    departure date, default cost model) into ``network``'s cache, e.g. before it is stored."""
    for cls in CargoClass:
        if cls.cargo is Cargo.CONTAINER:
            ones = [Consignment(cargo_class=cls, teu=1.0), Consignment(cargo_class=cls, feu=1.0)]
        else:
            ones = [Consignment(cargo_class=cls, tonnes=1.0)]
        for c in ones:
            arc_figures(network, network.graph(cls.cargo), c)


def arc_weights(
    net: Network,
    g: CompiledGraph,
    objective: str,
    *,
    figures: ArcFigures | None = None,
    consignment: Consignment | None = None,
    cost_model: CostModel | None = None,
) -> np.ndarray:
    """Static per-arc weight for an objective (sailing wait = half the headway)."""
    cm = CostModel() if cost_model is None else cost_model
    time_h = g.time_h
    cost = g.cost_usd if figures is None else figures.cost_usd
    co2 = g.co2_kg if figures is None else figures.co2_wtw_kg
    hours: np.ndarray = time_h + cm.expected_wait_h(g.headway_h)
    if objective == "days":
        return hours
    if objective == "cost":
        return cost.copy()
    if objective == "co2":
        return co2.copy()
    c = consignment or Consignment(cargo=g.cargo)
    vot = cm.value_of_time(net, c.cargo_class, c.unit)  # type: ignore[arg-type]
    return np.asarray(cm.generalized_cost(cost, hours, vot), dtype=float)
