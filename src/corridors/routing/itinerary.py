"""Itineraries: legs with door-to-door days, cost, CO2, borders, gauge changes and corridor."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.network._csr import ARC_ACCESS, ARC_GAUGE, ARC_LINK, ARC_MODE
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

    Rules, first match wins: any air leg → ``Air``; sea for more than half the distance →
    ``Sea via <passage>``; Russia or Belarus → ``Northern (via Russia)``; a Caspian ferry,
    Azerbaijan or Georgia → ``Middle Corridor (Trans-Caspian)``; Turkmenistan or Iran →
    ``Southern (Turkmenistan-Iran)``; China and Kazakhstan → ``China-Kazakhstan``; else
    ``Regional``.
    """
    total = sum(km_by_mode.values()) or 1.0
    cs = set(countries)
    if km_by_mode.get("air", 0) > 0:
        return "Air"
    if km_by_mode.get("sea", 0) > 0.5 * total:
        passage = next((v for v in via if v), "")
        return f"Sea via {passage}" if passage else "Sea"
    if cs & {"RU", "BY"}:
        return "Northern (via Russia)"
    if any("caspian" in c for c in link_classes) or cs & {"AZ", "GE"}:
        return "Middle Corridor (Trans-Caspian)"
    if cs & {"TM", "IR"}:
        return "Southern (Turkmenistan-Iran)"
    if {"CN", "KZ"} <= cs:
        return "China-Kazakhstan"
    return "Regional"


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
    # time is the graph's own (callers may add equilibrium waits to it); money and CO2 are the
    # cost model's for the consignment's unit, class and date
    f_time, f_cost, f_co2 = g.time_h, figures.cost_usd, figures.co2_wtw_kg
    f_ttw, parts = figures.co2_ttw_kg, figures.cost_parts
    links = net.link_records
    q = consignment.units
    t = 0.0
    tb = {
        "running": 0.0,
        "border_dwell": 0.0,
        "gauge_change": 0.0,
        "transshipment": 0.0,
        "handling": 0.0,
        "sailing_wait": 0.0,
    }
    cb = dict.fromkeys(parts, 0.0)
    ttw_total = hub_total = 0.0
    legs: list[Leg] = []
    cur: dict[str, Any] | None = None
    countries: list[str] = []
    borders = gauges = transfers = 0
    km_by_mode: dict[str, float] = {}
    classes: set[str] = set()
    via: list[str] = []
    co2_total = 0.0
    steps: list[dict[str, Any]] = []
    for e in arcs:
        kind = int(g.kind[e])
        wait = 0.0
        if g.headway_h[e] > 0:
            how = -1.0 if start_hour_of_week < 0 else start_hour_of_week + t
            wait = float(wait_hours(g.headway_h[e], int(g.sailing_mask[e]), how))
        t += wait + float(f_time[e])
        co2_total += float(f_co2[e]) * q
        ttw_total += float(f_ttw[e]) * q
        for p in cb:
            cb[p] += float(parts[p][e]) * q
        op = int(g.op[e]) if len(g.op) else -1
        step = {
            "kind": _STEP_KIND[kind],
            "operation": list(Operation)[op].value if op >= 0 else "",
            "id": "",
            "hours": float(f_time[e]),
            "wait_h": wait,
            "headway_h": float(g.headway_h[e]),
            "sailing_mask": int(g.sailing_mask[e]),
            "node": str(g.node_ids[g.vertex_node[g.tail[e]]]),
            "border_dwell_h": 0.0,
            "border_dwell_p90_h": 0.0,
            "link_class": "",
        }
        steps.append(step)
        if kind == ARC_LINK:
            row = links[int(g.link[e])]
            dwell = float(row["border_dwell_h"])
            step.update(
                id=str(row["link_id_dir"]),
                border_dwell_h=dwell,
                border_dwell_p90_h=float(row["border_dwell_p90_h"]),
                link_class=str(row["link_class"]),
            )
            tb["running"] += float(f_time[e]) - dwell
            tb["border_dwell"] += dwell
            tb["sailing_wait"] += wait
            borders += int(row["is_border"])
            km_by_mode[row["mode"]] = km_by_mode.get(row["mode"], 0.0) + float(row["length_km"])
            classes.add(str(row["link_class"]))
            if row["via"]:
                via.append(str(row["via"]))
            for c in (row["from_country"], row["to_country"]):
                if not countries or countries[-1] != c:
                    countries.append(c)
            if cur is None or cur["port"] != row["port"]:
                if cur is not None:
                    legs.append(Leg(**cur))
                cur = {
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
            cur["nodes"].append(row["to_node"])
            cur["links"].append(str(row["link_id_dir"]))
            cur["distance_km"] += float(row["length_km"])
            cur["running_h"] += float(f_time[e]) - dwell
            cur["border_dwell_h"] += dwell
            cur["wait_h"] += wait
            cur["cost_usd"] += float(f_cost[e]) * q
            cur["co2_kg"] += float(f_co2[e]) * q
            cur["co2_wtw_kg"] += float(f_co2[e]) * q
            cur["co2_ttw_kg"] += float(f_ttw[e]) * q
        elif kind in (ARC_GAUGE, ARC_MODE):
            transfers += 1
            gauges += kind == ARC_GAUGE
            tb["gauge_change" if kind == ARC_GAUGE else "transshipment"] += float(f_time[e])
            hub_total += float(f_co2[e]) * q
        elif kind == ARC_ACCESS:
            tb["handling"] += float(f_time[e])
            hub_total += float(f_co2[e]) * q
    if cur is not None:
        legs.append(Leg(**cur))
    origin = str(g.node_ids[g.vertex_node[g.tail[arcs[0]]]])
    dest = str(g.node_ids[g.vertex_node[g.head[arcs[-1]]]])
    cost = float(sum(cb.values()))
    return Itinerary(
        origin=origin,
        destination=dest,
        corridor=corridor_of(net, countries, km_by_mode, classes, via),
        days=t / 24.0,
        cost_usd=cost,
        co2_kg=co2_total,
        distance_km=float(sum(km_by_mode.values())),
        countries=countries,
        border_crossings=borders,
        gauge_changes=int(gauges),
        transshipments=transfers,
        legs=legs,
        time_breakdown_h={k: round(v, 3) for k, v in tb.items()},
        cost_breakdown_usd={k: round(v, 2) for k, v in cb.items()},
        quantity=q,
        unit=consignment.unit_name,
        via=sorted(set(via)),
        steps=steps,
        co2_wtw_kg=co2_total,
        co2_ttw_kg=ttw_total,
        co2_hub_kg=hub_total,
    )


def arcs_from_labels(lab_pred: np.ndarray, lab_arc: np.ndarray, label: int) -> list[int]:
    """Arcs from the origin to ``label``, in travel order."""
    out = []
    k = int(label)
    while lab_pred[k] >= 0:
        out.append(int(lab_arc[k]))
        k = int(lab_pred[k])
    return out[::-1]
