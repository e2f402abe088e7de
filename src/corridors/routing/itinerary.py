"""Itineraries: legs with door-to-door days, cost, CO2, borders, gauge changes and corridor."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.network._csr import ARC_ACCESS, ARC_GAUGE, ARC_LINK, ARC_MODE
from corridors.network.corridor_rule import CASPIAN_FERRY, CORRIDOR_LABELS, route_alternative
from corridors.network.costs import FACTOR_SET
from corridors.network.enums import Operation
from corridors.routing._kernels import wait_hours

if TYPE_CHECKING:
    from corridors.network._csr import CompiledGraph
    from corridors.network.costs import ArcFigures
    from corridors.network.model import Network
    from corridors.routing.spec import Consignment

__all__ = ["Itinerary", "Leg", "corridor_of"]


@dataclass(frozen=True)
class Leg:
    """A run on one mode and port between two transfers.

    Attributes
    ----------
    mode, port
        Mode and port (``rail1520`` …) of the leg.
    nodes
        Node ids passed, first to last.
    links
        Directed link ids (``<link_id>:f`` / ``:r``).
    distance_km, running_h, border_dwell_h, wait_h
        Length, running time, border dwell and sailing wait of the leg.
    cost_usd, co2_kg
        For the whole consignment; ``co2_kg`` is well-to-wheel (WTW).
    co2_wtw_kg, co2_ttw_kg
        Well-to-wheel and tank-to-wheel kg CO2e of the leg (ISO 14083 / GLEC v3).
    """

    mode: str
    port: str
    nodes: list[str]
    links: list[str]
    distance_km: float
    running_h: float
    border_dwell_h: float
    wait_h: float
    cost_usd: float
    co2_kg: float
    co2_wtw_kg: float = 0.0
    co2_ttw_kg: float = 0.0


@dataclass(frozen=True)
class Itinerary:
    """One route option for a consignment, door to door.

    Times are hours in the breakdown and days in ``days``; cost in USD and CO2 in kg for the
    whole consignment (``quantity`` units of ``unit``). ``co2_kg`` is well-to-wheel; the
    tank-to-wheel figure, hub (terminal) emissions and the factor set are reported beside it.
    """

    origin: str
    destination: str
    corridor: str
    days: float
    cost_usd: float
    co2_kg: float
    distance_km: float
    countries: list[str]
    border_crossings: int
    gauge_changes: int
    transshipments: int
    legs: list[Leg]
    time_breakdown_h: dict[str, float]
    cost_breakdown_usd: dict[str, float]
    quantity: float
    unit: str
    via: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    """Every arc in travel order: ``kind`` (``link``, ``gauge_change``, ``transshipment``,
    ``handling``), ``operation`` (terminal operation of transfers and handling, e.g.
    ``rail_ship``), ``id`` (directed link id, else ``""``), ``node`` (where a transfer or
    handling happens), ``hours`` (fixed time incl. border dwell), ``border_dwell_h``,
    ``border_dwell_p90_h``, ``wait_h`` (sailing wait as computed), ``headway_h``,
    ``sailing_mask`` and ``link_class``. Reliability simulation draws on these."""
    co2_wtw_kg: float = 0.0
    """Well-to-wheel kg CO2e (equals ``co2_kg``)."""
    co2_ttw_kg: float = 0.0
    """Tank-to-wheel kg CO2e (direct emissions of the vehicles; electric traction is 0)."""
    co2_hub_kg: float = 0.0
    """Terminal (hub) emissions, included in both figures above."""
    co2_factor_set: str = FACTOR_SET
    """Name of the emission-factor set used."""

    @property
    def modes(self) -> list[str]:
        out: list[str] = []
        for leg in self.legs:
            if not out or out[-1] != leg.mode:
                out.append(leg.mode)
        return out

    def summary(self) -> str:
        """One line, e.g. ``Middle Corridor (Trans-Caspian): 19.2 days, $6,900, 1.2 t CO2``."""
        return (
            f"{self.corridor}: {self.days:.1f} days, ${self.cost_usd:,.0f}, "
            f"{self.co2_kg / 1000:.2f} t CO2"
        )

    def __repr__(self) -> str:
        return (
            f"<Itinerary {self.origin} → {self.destination}, {self.summary()}, "
            f"{len(self.legs)} leg(s), {self.border_crossings} border crossing(s)>"
        )

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(leg.mode)}</td><td>{html.escape(leg.nodes[0])} → "
            f"{html.escape(leg.nodes[-1])}</td><td>{leg.distance_km:,.0f}</td>"
            f"<td>{(leg.running_h + leg.border_dwell_h + leg.wait_h) / 24:.1f}</td>"
            f"<td>{leg.cost_usd:,.0f}</td></tr>"
            for leg in self.legs
        )
        return (
            f"<b>{html.escape(self.summary())}</b> ({self.quantity:g} "
            f"{html.escape(self.unit)})<table><tr><th>mode</th><th>from → to</th><th>km</th>"
            f"<th>days on leg</th><th>USD</th></tr>{rows}</table>"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        d: dict[str, Any] = _plain(self)
        d["modes"] = self.modes
        return d


_LEAF = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies (leaves here are immutable): same
    result, several times faster on itineraries with many steps."""
    if isinstance(value, _LEAF):
        return value
    if isinstance(value, list):
        return [v if isinstance(v, _LEAF) else _plain(v) for v in value]
    if isinstance(value, dict):
        return {k: v if isinstance(v, _LEAF) else _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in fields(value):
            v = getattr(value, f.name)
            out[f.name] = v if isinstance(v, _LEAF) else _plain(v)
        return out
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return copy.deepcopy(value)


_STEP_KIND = {
    ARC_LINK: "link",
    ARC_GAUGE: "gauge_change",
    ARC_MODE: "transshipment",
    ARC_ACCESS: "handling",
}


def corridor_of(
    net: Network,
    countries: list[str],
    km_by_mode: dict[str, float],
    link_classes: set[str],
    via: list[str],
) -> str:
    """Name the corridor of a route from the countries, modes and link classes it uses.

    The corridor is the choice model's alternative
    (:func:`corridors.network.corridor_rule.route_alternative`, one rule for both) named by
    :data:`~corridors.network.corridor_rule.CORRIDOR_LABELS`, except: a sea route is
    ``Sea via <passage>`` (Suez, Cape, else its first passage; ``Sea`` without one), and a
    regional rail route (``rail_direct``) is ``China-Kazakhstan`` when it runs in those two
    countries only, ``China-Central Asia`` when it goes on from China beyond Kazakhstan (to
    Uzbekistan, Turkmenistan, Afghanistan), else ``Regional``. A Caspian ferry route to Iran
    is the Middle Corridor; ``Southern (Turkmenistan-Iran)`` is the railway into Iran.
    """
    alt = route_alternative(
        km_by_mode, countries, caspian_ferry=CASPIAN_FERRY in link_classes, passages=via
    )
    if alt.startswith("sea_"):
        passage = {"sea_suez": "Suez", "sea_cape": "Cape"}.get(alt) or next(iter(via), "")
        return f"Sea via {passage}" if passage else "Sea"
    if alt == "rail_direct":
        cs = set(countries)
        if "CN" not in cs or len(cs) < 2:
            return "Regional"
        return "China-Kazakhstan" if cs <= {"CN", "KZ"} else "China-Central Asia"
    return CORRIDOR_LABELS[alt]


def build_itinerary(
    net: Network,
    g: CompiledGraph,
    arcs: list[int],
    consignment: Consignment,
    start_hour_of_week: float,
    *,
    figures: ArcFigures | None = None,
) -> Itinerary:
    """Turn a list of arcs (origin access → destination access) into an :class:`Itinerary`.

    ``figures`` are the per-arc costs and CO2 the search used (default: per unit of the
    consignment from :class:`~corridors.network.costs.CostModel`); times are the graph's.
    Costs are broken down by the cost model's terms (:data:`corridors.network.costs.COST_PARTS`
    and any term of its own).
    """
    if figures is None:
        from corridors.network.costs import CostModel

        figures = CostModel().arc_figures(net, g, unit=consignment.unit)
    walk = _Walk(net, g, figures, consignment.units, start_hour_of_week)
    for e in arcs:
        walk.arc(e)
    return walk.itinerary(net, arcs, consignment)


_TIME_PARTS = (
    "running",
    "border_dwell",
    "gauge_change",
    "transshipment",
    "handling",
    "sailing_wait",
)


class _Walk:
    """An itinerary added up arc by arc: hours, money, CO2, legs, countries and steps.

    Time is the graph's own (callers may add equilibrium waits to it); money and CO2 are the
    cost model's ``figures`` per unit, times the consignment's ``q`` units.
    """

    def __init__(
        self, net: Network, g: CompiledGraph, figures: ArcFigures, q: float, start_how: float
    ) -> None:
        self.g, self.links, self.q, self.start_how = g, net.link_records, q, start_how
        self.f_time, self.f_cost, self.f_co2 = g.time_h, figures.cost_usd, figures.co2_wtw_kg
        self.f_ttw, self.parts = figures.co2_ttw_kg, figures.cost_parts
        self.t = 0.0
        self.tb = dict.fromkeys(_TIME_PARTS, 0.0)
        self.cb = dict.fromkeys(self.parts, 0.0)  # the model's terms, its own ones too
        self.co2_total = self.ttw_total = self.hub_total = 0.0
        self.legs: list[Leg] = []
        self.cur: dict[str, Any] | None = None
        self.countries: list[str] = []
        self.borders = self.gauges = self.transfers = 0
        self.km_by_mode: dict[str, float] = {}
        self.classes: set[str] = set()
        self.via: list[str] = []
        self.steps: list[dict[str, Any]] = []

    def arc(self, e: int) -> None:
        """Add arc ``e``: its sailing wait, hours, money and CO2, its step, and its kind's."""
        g, q = self.g, self.q
        kind = int(g.kind[e])
        wait = 0.0
        if g.headway_h[e] > 0:
            how = -1.0 if self.start_how < 0 else self.start_how + self.t
            wait = float(wait_hours(g.headway_h[e], int(g.sailing_mask[e]), how))
        self.t += wait + float(self.f_time[e])
        self.co2_total += float(self.f_co2[e]) * q
        self.ttw_total += float(self.f_ttw[e]) * q
        for p in self.cb:
            self.cb[p] += float(self.parts[p][e]) * q
        step = self._step(e, kind, wait)
        self.steps.append(step)
        if kind == ARC_LINK:
            self._link(e, step, wait)
        elif kind in (ARC_GAUGE, ARC_MODE):
            self.transfers += 1
            self.gauges += kind == ARC_GAUGE
            self.tb["gauge_change" if kind == ARC_GAUGE else "transshipment"] += float(
                self.f_time[e]
            )
            self.hub_total += float(self.f_co2[e]) * q
        elif kind == ARC_ACCESS:
            self.tb["handling"] += float(self.f_time[e])
            self.hub_total += float(self.f_co2[e]) * q

    def _step(self, e: int, kind: int, wait: float) -> dict[str, Any]:
        """The step record of arc ``e`` (see ``Itinerary.steps``); links fill in the rest."""
        g = self.g
        op = int(g.op[e]) if len(g.op) else -1
        return {
            "kind": _STEP_KIND[kind],
            "operation": list(Operation)[op].value if op >= 0 else "",
            "id": "",
            "hours": float(self.f_time[e]),
            "wait_h": wait,
            "headway_h": float(g.headway_h[e]),
            "sailing_mask": int(g.sailing_mask[e]),
            "node": str(g.node_ids[g.vertex_node[g.tail[e]]]),
            "border_dwell_h": 0.0,
            "border_dwell_p90_h": 0.0,
            "link_class": "",
        }

    def _link(self, e: int, step: dict[str, Any], wait: float) -> None:
        """What a link arc adds: its row's dwell, class, km, countries, passage and leg."""
        row = self.links[int(self.g.link[e])]
        dwell = float(row["border_dwell_h"])
        step.update(
            id=str(row["link_id_dir"]),
            border_dwell_h=dwell,
            border_dwell_p90_h=float(row["border_dwell_p90_h"]),
            link_class=str(row["link_class"]),
        )
        self.tb["running"] += float(self.f_time[e]) - dwell
        self.tb["border_dwell"] += dwell
        self.tb["sailing_wait"] += wait
        self.borders += int(row["is_border"])
        km = self.km_by_mode
        km[row["mode"]] = km.get(row["mode"], 0.0) + float(row["length_km"])
        self.classes.add(str(row["link_class"]))
        if row["via"]:
            self.via.append(str(row["via"]))
        for c in (row["from_country"], row["to_country"]):
            if not self.countries or self.countries[-1] != c:
                self.countries.append(c)
        self._leg(e, row, dwell, wait)

    def _leg(self, e: int, row: Mapping[str, Any], dwell: float, wait: float) -> None:
        """Extend the current leg by link arc ``e``, or start a new one on a new port."""
        cur = self.cur
        if cur is None or cur["port"] != row["port"]:
            if cur is not None:
                self.legs.append(Leg(**cur))
            cur = self.cur = {
                "mode": row["mode"],
                "port": row["port"],
                "nodes": [row["from_node"]],
                "links": [],
                "distance_km": 0.0,
                "running_h": 0.0,
                "border_dwell_h": 0.0,
                "wait_h": 0.0,
                "cost_usd": 0.0,
                "co2_kg": 0.0,
                "co2_wtw_kg": 0.0,
                "co2_ttw_kg": 0.0,
            }
        q = self.q
        cur["nodes"].append(row["to_node"])
        cur["links"].append(str(row["link_id_dir"]))
        cur["distance_km"] += float(row["length_km"])
        cur["running_h"] += float(self.f_time[e]) - dwell
        cur["border_dwell_h"] += dwell
        cur["wait_h"] += wait
        cur["cost_usd"] += float(self.f_cost[e]) * q
        cur["co2_kg"] += float(self.f_co2[e]) * q
        cur["co2_wtw_kg"] += float(self.f_co2[e]) * q
        cur["co2_ttw_kg"] += float(self.f_ttw[e]) * q

    def itinerary(self, net: Network, arcs: list[int], consignment: Consignment) -> Itinerary:
        """The :class:`Itinerary` of the arcs walked (``arcs``, in travel order)."""
        g = self.g
        if self.cur is not None:
            self.legs.append(Leg(**self.cur))
            self.cur = None
        return Itinerary(
            origin=str(g.node_ids[g.vertex_node[g.tail[arcs[0]]]]),
            destination=str(g.node_ids[g.vertex_node[g.head[arcs[-1]]]]),
            corridor=corridor_of(net, self.countries, self.km_by_mode, self.classes, self.via),
            days=self.t / 24.0,
            cost_usd=float(sum(self.cb.values())),
            co2_kg=self.co2_total,
            distance_km=float(sum(self.km_by_mode.values())),
            countries=self.countries,
            border_crossings=self.borders,
            gauge_changes=int(self.gauges),
            transshipments=self.transfers,
            legs=self.legs,
            time_breakdown_h={k: round(v, 3) for k, v in self.tb.items()},
            cost_breakdown_usd={k: round(v, 2) for k, v in self.cb.items()},
            quantity=self.q,
            unit=consignment.unit_name,
            via=sorted(set(self.via)),
            steps=self.steps,
            co2_wtw_kg=self.co2_total,
            co2_ttw_kg=self.ttw_total,
            co2_hub_kg=self.hub_total,
        )


def arcs_from_labels(lab_pred: np.ndarray, lab_arc: np.ndarray, label: int) -> list[int]:
    """Arcs from the origin to ``label``, in travel order."""
    out = []
    k = int(label)
    while lab_pred[k] >= 0:
        out.append(int(lab_arc[k]))
        k = int(lab_pred[k])
    return out[::-1]
