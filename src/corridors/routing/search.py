"""Route search: the Pareto set of itineraries and the single best one for a weighting."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridors.errors import ContradictoryOptionsError, InvalidSpecError, NoRouteError, explain
from corridors.network._csr import CompiledGraph
from corridors.network.costs import ArcFigures, CostModel
from corridors.network.enums import Cargo, CargoClass, Mode
from corridors.network.model import Network
from corridors.routing._arcs import (
    arc_figures,
    arc_mask,
    arc_weights,
    hour_of_week,
)
from corridors.routing._arcs import closed_passages as closed_passages
from corridors.routing._arcs import warm_figures as warm_figures
from corridors.routing._kernels import (
    DijkstraWorkspace,
    ParetoReport,
    bucket_plan,
    pareto_bounded,
)
from corridors.routing.itinerary import Itinerary, arcs_from_labels, build_itinerary
from corridors.routing.spec import OBJECTIVES, Consignment, RouteSpec

__all__ = ["RouteOptions", "pareto_routes", "route"]

log = logging.getLogger(__name__)
MAX_LABELS = 10_000
"""Label cap of a Pareto search: the bundled network needs at most ~530 (measured on 264
queries); a search cut here returns what it found and says so (``RouteOptions.search``)."""


@dataclass(frozen=True)
class RouteOptions:
    """The ranked Pareto set of itineraries for one query.

    Attributes
    ----------
    options
        Itineraries ranked by generalized cost (tariff + value of time × time), each tagged
        ``fastest``, ``cheapest`` and/or ``greenest`` where it is.
    origin, destination
        Node ids.
    consignment, spec
        The query.
    search
        How the search ended (:class:`~corridors.routing._kernels.ParetoReport`): labels,
        whether the label cap cut it and what it dropped, the ε guaranteed.
    """

    origin: str
    destination: str
    consignment: Consignment
    spec: RouteSpec
    options: list[Itinerary]
    search: ParetoReport | None = None

    @property
    def fastest(self) -> Itinerary:
        return min(self.options, key=lambda i: i.days)

    @property
    def cheapest(self) -> Itinerary:
        return min(self.options, key=lambda i: i.cost_usd)

    @property
    def greenest(self) -> Itinerary:
        return min(self.options, key=lambda i: i.co2_kg)

    def by_corridor(self) -> dict[str, Itinerary]:
        """Best-ranked option per corridor."""
        out: dict[str, Itinerary] = {}
        for it in self.options:
            out.setdefault(it.corridor, it)
        return out

    def to_geodataframe(self, net: Network) -> Any:
        """One row per leg of each option (``option`` = rank) with its line, as a GeoDataFrame.

        Parameters
        ----------
        net
            The network searched (for the links' shapes).

        Raises
        ------
        corridors.errors.MissingDependencyError
            Without the ``geo`` extra (``pip install 'corridors[geo]'``).
        """
        from corridors.io.geo import route_options_to_geodataframe

        return route_options_to_geodataframe(net, self.options)

    def __repr__(self) -> str:
        head = (
            f"<RouteOptions {self.origin} → {self.destination}, "
            f"{self.consignment.units:g} {self.consignment.unit_name}: "
            f"{len(self.options)} option(s)"
        )
        if not self.options:
            return head + ">"
        f, c = self.fastest, self.cheapest
        return (
            f"{head}; fastest {f.days:.1f} d ({f.corridor}), "
            f"cheapest ${c.cost_usd:,.0f} ({c.corridor})>"
        )

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{k}</td><td>{html.escape(it.corridor)}</td><td>{it.days:.1f}</td>"
            f"<td>{it.cost_usd:,.0f}</td><td>{it.co2_kg / 1000:,.2f}</td>"
            f"<td>{it.border_crossings}</td><td>{html.escape(', '.join(it.tags))}</td></tr>"
            for k, it in enumerate(self.options, start=1)
        )
        return (
            f"<b>{html.escape(self.origin)} → {html.escape(self.destination)}</b>, "
            f"{self.consignment.units:g} {html.escape(self.consignment.unit_name)}"
            "<table><tr><th>#</th><th>corridor</th><th>days</th><th>USD</th><th>t CO2</th>"
            f"<th>borders</th><th>tags</th></tr>{rows}</table>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.consignment.cargo.value,
            "cargo_class": str(self.consignment.cargo_class),
            "quantity": self.consignment.units,
            "unit": self.consignment.unit_name,
            "options": [it.to_dict() for it in self.options],
        }


def _consignment(
    cargo: Cargo | CargoClass | str,
    teu: float | None,
    tonnes: float | None,
    commodity: str,
    feu: float | None = None,
    cargo_class: CargoClass | str | None = None,
) -> Consignment:
    """A consignment from routing options; ``cargo`` may also name a cargo class."""
    if cargo_class is None and isinstance(cargo, str) and not isinstance(cargo, Cargo):
        key = cargo.strip().lower().replace("-", "_")
        if key in {c.value for c in CargoClass}:
            cargo_class = CargoClass(key)
    if cargo_class is not None:
        return Consignment(
            teu=teu,
            tonnes=tonnes,
            feu=feu,
            commodity=commodity,
            cargo_class=CargoClass(cargo_class),
        )
    return Consignment(cargo=Cargo(cargo), teu=teu, tonnes=tonnes, feu=feu, commodity=commodity)


def _no_route(net: Network, o: str, d: str, spec: RouteSpec, cargo: Cargo) -> NoRouteError:
    limits = []
    if spec.avoid_countries:
        limits.append("avoiding " + ", ".join(spec.avoid_countries))
    if spec.avoid_modes:
        limits.append("without " + ", ".join(str(m) for m in spec.avoid_modes))
    if spec.max_transshipments is not None:
        limits.append(f"with at most {spec.max_transshipments} transshipments")
    if spec.max_days is not None:
        limits.append(f"within {spec.max_days:g} days")
    why = (
        ("under the constraints " + "; ".join(limits))
        if limits
        else f"in network {net.name!r} for {cargo.value} cargo"
    )
    return NoRouteError(
        explain(
            f"No route from {net.node_name(o)} ({o}) to {net.node_name(d)} ({d}) {why}.",
            fix="Relax a constraint (fewer avoided countries or modes, more days) or pick other "
            "places."
            if limits
            else "Check that both places are linked for this cargo type.",
        )
    )


def pareto_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: Cargo | str = Cargo.CONTAINER,
    teu: float | None = None,
    tonnes: float | None = None,
    commodity: str = "",
    avoid_countries: Iterable[str] | str = (),
    avoid_modes: Iterable[Mode | str] | str = (),
    max_transshipments: int | None = None,
    max_days: float | None = None,
    departure: dt.date | dt.datetime | str | None = None,
    eps: float = 0.0,
    max_options: int | None = None,
    feu: float | None = None,
    cargo_class: CargoClass | str | None = None,
    carbon_price_usd_per_t: float | None = None,
    graph: CompiledGraph | None = None,
    cost_model: CostModel | None = None,
) -> RouteOptions:
    """Pareto-optimal itineraries over (days, USD, kg CO2) for a consignment.

    Parameters
    ----------
    network
        The network to route on.
    origin, destination
        Node ids or place names (case-insensitive; typos get a "did you mean").
    cargo
        ``"container"`` (give ``teu`` or ``feu``) or ``"bulk"``/``"grain"`` (give ``tonnes``),
        or a cargo class (``"container_hv"``, ``"dry_bulk"``, ``"liquid_bulk"``...).
    teu, tonnes
        Quantity; defaults to 1 TEU or 1 t.
    commodity
        Free label carried into the result.
    avoid_countries
        ISO alpha-2 codes the route must not touch.
    avoid_modes
        Modes not to use (``"ferry"``, ``"air"``…).
    max_transshipments
        Most gauge or mode changes allowed.
    max_days
        Longest door-to-door time allowed (days).
    departure
        Departure date (ISO string or date): ferry waits then follow sailing days.
    eps
        Relative dominance tolerance; 0 returns the exact Pareto set.
    max_options
        Keep only the best-ranked options (None = all).
    feu
        Quantity in 40-ft boxes, priced per FEU as sold (instead of ``teu``).
    cargo_class
        Demand class (wagon type for bulk tariffs, value of time); see ``CargoClass``.
    carbon_price_usd_per_t
        USD per t CO2e (well-to-wheel) added to costs; ``None`` = the network's parameter.
    graph
        The cargo's compiled graph to search instead of ``network.graph(cargo)``, e.g. with
        equilibrium waits added (:func:`corridors.routing.congested.congested_routes`).
    cost_model
        The cost model pricing the arcs (e.g. with cost terms of its own); a
        ``carbon_price_usd_per_t`` given as well replaces the model's.

    Returns
    -------
    RouteOptions
        Ranked by generalized cost; fastest, cheapest and greenest tagged. With a departure
        date, sea and air legs are priced from the index level of that date (``rates.csv``).

    Raises
    ------
    UnknownPlaceError
        If a place is not in the network.
    ContradictoryOptionsError
        If the options cannot hold together (e.g. avoiding the origin's country).
    NoRouteError
        If no itinerary satisfies the constraints.

    Notes
    -----
    Multi-criteria label setting (Martins 1984) on the port-level CSR graph: labels carry
    arrival time, cost and CO2 (and transshipment count when limited); a label is discarded
    when another at its vertex, or at the destination, is no worse on every criterion. Waiting
    for sailings depends on the arrival time, which keeps FIFO, so label setting stays exact.

    References
    ----------
    .. [1] E. Q. V. Martins, "On a multicriteria shortest path problem", European Journal of
       Operational Research 16 (1984) 236-245.

    Examples
    --------
    >>> from corridors.network import load_network
    >>> opts = pareto_routes(load_network(), "Xi'an", "Duisburg", teu=40)
    >>> opts.fastest.days < 20
    True
    """
    consignment = _consignment(cargo, teu, tonnes, commodity, feu, cargo_class)
    cost_model = CostModel.coerce(cost_model).priced_at(carbon_price_usd_per_t)
    spec = RouteSpec(
        avoid_countries=tuple(_split(avoid_countries)),
        avoid_modes=tuple(Mode(m) for m in _split(avoid_modes)),
        max_transshipments=max_transshipments,
        max_days=max_days,
        departure=departure,  # type: ignore[arg-type]  # normalised in __post_init__
        eps=eps,
    )
    if max_options is not None and max_options < 1:
        raise InvalidSpecError("max_options must be at least 1.")
    q = _query(network, origin, destination, consignment, spec, cost_model, graph)
    how = hour_of_week(spec.departure)
    pred, arc, labels, report = _pareto_labels(network, q, how)
    its = [
        build_itinerary(
            network, q.g, arcs_from_labels(pred, arc, int(k)), consignment, how, figures=q.fig
        )
        for k in labels
    ]
    its = _rank(network, its, consignment, cost_model)
    if max_options is not None:
        its = its[:max_options]
    return RouteOptions(
        origin=q.o,
        destination=q.d,
        consignment=consignment,
        spec=spec,
        options=its,
        search=report,
    )


@dataclass(frozen=True, eq=False)
class _Query:
    """A checked query: its end nodes, the graph searched, per-arc figures and arc mask."""

    o: str
    d: str
    consignment: Consignment
    spec: RouteSpec
    g: CompiledGraph
    fig: ArcFigures
    ok: np.ndarray
    src: int
    dst: int

    def no_route(self, network: Network) -> NoRouteError:
        """The error for a query without a route (naming its constraints)."""
        return _no_route(network, self.o, self.d, self.spec, self.consignment.cargo)


def _query(
    network: Network,
    origin: str,
    destination: str,
    consignment: Consignment,
    spec: RouteSpec,
    cost_model: CostModel,
    graph: CompiledGraph | None = None,
) -> _Query:
    """Resolve the places, and take the graph (``graph`` or the cargo's), figures and mask."""
    o, d = network.find_place(origin), network.find_place(destination)
    if o == d:
        raise ContradictoryOptionsError(
            explain(
                f"Origin and destination are the same place ({o}).",
                fix="Pick two different places.",
            )
        )
    g = network.graph(consignment.cargo) if graph is None else graph
    fig = arc_figures(network, g, consignment, spec.departure, cost_model)
    ok = arc_mask(network, g, spec, (o, d))
    src, dst = network.node_position(o), network.node_position(d)
    return _Query(o, d, consignment, spec, g, fig, ok, src, dst)


def _pareto_labels(
    network: Network, q: _Query, how: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, ParetoReport]:
    """Bounded label setting for ``q`` departing at hour of week ``how`` (-1: none): the
    label predecessors and arcs, the destination's Pareto labels and the search report."""
    g, fig, spec = q.g, q.fig, q.spec
    res = pareto_bounded(
        g.indptr, g.head, g.time_h, fig.cost_usd, fig.co2_wtw_kg, g.headway_h, g.sailing_mask,
        g.kind, q.ok, g.n_nodes, q.src, q.dst, how,
        -1 if spec.max_transshipments is None else spec.max_transshipments,
        np.inf if spec.max_days is None else spec.max_days * 24.0,
        spec.eps, MAX_LABELS, g.node_ids[g.vertex_node],
    )  # fmt: skip
    if res is None:
        raise q.no_route(network)
    labels, pred, arc, report = res
    if report.capped:
        log.warning("label limit %d reached: %s", MAX_LABELS, report)
    if len(labels) == 0:
        raise q.no_route(network)
    return pred, arc, labels, report


def _split(value: Iterable[Any] | str | None) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return list(value)


def _rank(
    net: Network,
    its: list[Itinerary],
    consignment: Consignment,
    cost_model: CostModel | None = None,
) -> list[Itinerary]:
    cm = CostModel() if cost_model is None else cost_model
    vot = cm.value_of_time(net, consignment.cargo_class, consignment.unit)  # type: ignore[arg-type]
    its = sorted(
        its,
        key=lambda i: cm.generalized_cost(i.cost_usd, i.days * 24.0, vot * consignment.units),
    )
    tags = {
        "fastest": min(its, key=lambda i: (i.days, i.cost_usd)),
        "cheapest": min(its, key=lambda i: (i.cost_usd, i.days)),
        "greenest": min(its, key=lambda i: (i.co2_kg, i.days)),
    }
    for it in its:
        it.tags.extend(t for t, best in tags.items() if best is it)
    return its


def route(
    network: Network,
    origin: str,
    destination: str,
    *,
    objective: str = "generalized",
    cargo: Cargo | str = Cargo.CONTAINER,
    teu: float | None = None,
    tonnes: float | None = None,
    avoid_countries: Iterable[str] | str = (),
    avoid_modes: Iterable[Mode | str] | str = (),
    feu: float | None = None,
    cargo_class: CargoClass | str | None = None,
    carbon_price_usd_per_t: float | None = None,
    departure: dt.date | dt.datetime | str | None = None,
    cost_model: CostModel | None = None,
) -> Itinerary:
    """The single best itinerary for one objective (fast Dijkstra, no timetable).

    Parameters
    ----------
    network
        The network to route on.
    origin, destination
        Node ids or place names.
    objective
        ``"days"``, ``"cost"`` (USD), ``"co2"`` (kg) or ``"generalized"`` (USD + value of time
        × hours, with the network's ``value_of_time_*`` parameter).
    cargo, teu, tonnes, avoid_countries, avoid_modes, feu, cargo_class, carbon_price_usd_per_t
        As in :func:`pareto_routes`.
    cost_model
        As in :func:`pareto_routes`.
    departure
        Date whose sea/air index level prices the route (no timetable waits are modelled here).

    Returns
    -------
    Itinerary

    Raises
    ------
    UnknownPlaceError, ContradictoryOptionsError, NoRouteError
        As in :func:`pareto_routes`.

    Notes
    -----
    Sailing waits are taken as half the headway (no departure date): the generalized-cost
    graph is static, which is what makes plain Dijkstra exact here.
    """
    if objective not in OBJECTIVES:
        raise InvalidSpecError(
            explain(
                f"Unknown objective {objective!r}.",
                fix="Use one of: " + ", ".join(OBJECTIVES) + ".",
            )
        )
    consignment = _consignment(cargo, teu, tonnes, "", feu, cargo_class)
    cost_model = CostModel.coerce(cost_model).priced_at(carbon_price_usd_per_t)
    spec = RouteSpec(
        avoid_countries=tuple(_split(avoid_countries)),
        avoid_modes=tuple(Mode(m) for m in _split(avoid_modes)),
        departure=departure,  # type: ignore[arg-type]  # normalised in __post_init__
    )
    q = _query(network, origin, destination, consignment, spec, cost_model)
    g = q.g
    weight = arc_weights(
        network, g, objective, figures=q.fig, consignment=consignment, cost_model=cost_model
    )
    ws = _workspace(len(g.indptr) - 1)
    dist, pred = ws.run(
        g.indptr, g.head, weight, q.ok, g.n_nodes, q.src, q.dst, bucket_plan(weight, q.ok)
    )
    if not np.isfinite(dist[q.dst]):
        raise q.no_route(network)
    arcs = []
    v = q.dst
    while v != q.src:
        e = int(pred[v])
        arcs.append(e)
        v = int(g.tail[e])
    it = build_itinerary(network, g, arcs[::-1], consignment, -1.0, figures=q.fig)
    it.tags.append(objective)
    return it


_LOCAL = threading.local()


def _workspace(n: int) -> DijkstraWorkspace:
    """This thread's reusable Dijkstra scratch arrays for graphs of ``n`` vertices."""
    cache: dict[int, DijkstraWorkspace] = _LOCAL.__dict__.setdefault("ws", {})
    ws = cache.get(n)
    if ws is None:
        ws = cache[n] = DijkstraWorkspace(n)
    return ws
