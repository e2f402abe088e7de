"""One cost model: the time, money and CO2 of every arc for a cargo class, unit and date.

Graph compilation (:func:`corridors.network._csr.compile_graph`), routing, itineraries,
assignment and reliability all take their figures from :class:`CostModel`, so a new cost term
is added in one place: a :class:`CostTerm` given to ``CostModel(terms=...)`` (or, for a
built-in term, :meth:`CostModel.arc_figures`) plus its data. Routing, itineraries (cost
breakdowns) and assignment take the cost model as it is given.

How freight is priced (see docs/data-model.md, "Costs and CO2"):

- **Tariffs as sold.** A link class is priced per TEU, per FEU or per tonne. A class with a
  published FEU rate (``tariff_usd_per_feu_km``) uses it for 40-ft boxes; otherwise an FEU
  costs the TEU rate divided by ``teu_price_share_of_feu`` (a 40-ft box is not two 20-ft
  boxes). Bulk by rail is priced by wagon type: ``tariff_<wagon>_usd_per_t_km`` where
  published, else the class TEU rate per tonne times ``tariff_share_<wagon>``.
- **All-in through tariffs.** A class with ``tariff_all_in = 1`` sells a through rate that
  already includes transit and border fees between its railways: a border link of such a class
  whose two end nodes both lie inside all-in networks adds no border fee (no stacking).
- **Rates by period.** Link classes with a series in ``rates.csv`` (sea and air index levels)
  are priced from the last reading on or before the departure date (the latest reading without
  a date), per km of the shortest lane between the same two ports, so a Cape diversion costs
  what the trade costs, not more per km.
- **Carbon price.** ``carbon_price_usd_per_t`` (USD per t CO2e, default 0) times the
  well-to-wheel CO2 is a cost term of its own.

How CO2 is counted (ISO 14083:2023 / GLEC Framework v3): per tonne-km, well-to-wheel (WTW) and
tank-to-wheel (TTW) separately. Rail is traction-weighted per country: the electrified share of
the network runs at ``rail_electric_kwh_per_tkm`` × the country's grid intensity (WTW; TTW 0),
the rest at the diesel factors. Other modes use their class's ``co2_wtw_g_per_tkm`` and
``co2_ttw_g_per_tkm`` (vessel type and load factor are in the GLEC defaults chosen per class).
Terminals add hub emissions (``hub_co2e_kg_per_teu`` / ``_per_t``) per lift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.errors import InvalidSpecError, explain
from corridors.network.cost_terms import ArcContext, CostTerm, arc_context, term_values
from corridors.network.enums import (
    ARC_ACCESS,
    ARC_GAUGE,
    ARC_LINK,
    ARC_MODE,
    Cargo,
    CargoClass,
    CargoColumns,
    Mode,
    Operation,
    Unit,
    Wagon,
)

if TYPE_CHECKING:
    import pandas as pd

    from corridors.network._protocol import ArcStructure, NetworkTables

__all__ = [
    "COST_PARTS",
    "FACTOR_SET",
    "ArcContext",
    "ArcFigures",
    "CostModel",
    "CostTerm",
    "rate_reading",
]

FACTOR_SET = "GLEC Framework v3 / ISO 14083:2023 default factors (bundled, see SOURCES.md M90)"
"""Name of the CO2 factor set reported with every itinerary."""

COST_PARTS = ("freight", "border", "transfer", "handling", "carbon")
"""Built-in cost terms, in the order itineraries break costs down (a model's own
:class:`CostTerm` s follow them: :attr:`CostModel.parts`)."""


@dataclass(frozen=True, eq=False)
class ArcFigures:
    """Per-arc figures for one unit of cargo (one TEU, FEU or tonne).

    Attributes
    ----------
    time_h
        Fixed hours (running + border dwell, transfer, handling); sailing waits are added by
        the routing kernels from ``headway_h``.
    cost_usd
        Sum of the cost terms, USD per unit.
    co2_wtw_kg, co2_ttw_kg
        Well-to-wheel and tank-to-wheel kg CO2e per unit (hub emissions included in both).
    cost_parts
        The cost terms (:attr:`CostModel.parts`), USD per unit each.
    unit
        The unit the figures are for.
    """

    time_h: np.ndarray
    cost_usd: np.ndarray
    co2_wtw_kg: np.ndarray
    co2_ttw_kg: np.ndarray
    cost_parts: dict[str, np.ndarray]
    unit: Unit


def rate_reading(
    net: NetworkTables, link_class: str, when: dt.date | dt.datetime | None
) -> dict[str, Any] | None:
    """The ``rates.csv`` reading that prices ``link_class`` at ``when``.

    The last reading on or before the date (no look-ahead: a shipper booking on a day sees the
    index published before it); before the first reading, the first; without a date, the
    latest. ``None`` when the class has no series.
    """
    import pandas as pd  # here, not at import: cached route queries never read rates

    rates = net.tables.get("rates")
    if rates is None or len(rates) == 0:
        return None
    rows = rates[rates["link_class"] == link_class]
    if len(rows) == 0:
        return None
    rows = rows.assign(_d=pd.to_datetime(rows["date"])).sort_values("_d")
    if when is not None:
        ts = pd.Timestamp(when)
        before = rows[rows["_d"] <= ts]
        rows = before if len(before) else rows.iloc[:1]
    r = rows.iloc[-1]
    return {k: r[k] for k in rates.columns}


@dataclass(frozen=True)
class CostModel:
    """Turns the network tables into per-arc time, cost and CO2 (see module docstring).

    Parameters
    ----------
    carbon_price_usd_per_t
        USD per tonne CO2e (well-to-wheel) added to every arc's cost; ``None`` takes the
        network's ``carbon_price_usd_per_t`` parameter (0 when absent).
    terms
        Cost terms of their own (:class:`CostTerm`), added after the built-in ones.

    Examples
    --------
    >>> from corridors.network import load_network
    >>> net = load_network()
    >>> cm = CostModel()
    >>> cm.value_of_time(net, CargoClass.CONTAINER_STD, Unit.FEU) == 2 * cm.value_of_time(
    ...     net, CargoClass.CONTAINER_STD, Unit.TEU)
    True
    """

    carbon_price_usd_per_t: float | None = None
    factor_set: str = field(default=FACTOR_SET)
    terms: tuple[CostTerm, ...] = ()

    def __post_init__(self) -> None:
        names = [t.name for t in self.terms]
        clash = sorted({n for n in names if n in COST_PARTS or names.count(n) > 1})
        if clash:
            raise InvalidSpecError(
                explain(
                    f"Cost term name(s) {', '.join(clash)} repeat a built-in or another term.",
                    fix="Give every term of CostModel(terms=...) a name of its own "
                    f"(built-in: {', '.join(COST_PARTS)}).",
                )
            )
        c = self.carbon_price_usd_per_t
        if c is not None and not (np.isfinite(c) and 0 <= c <= 2000):
            raise InvalidSpecError(
                explain(
                    f"carbon_price_usd_per_t = {c} is outside [0, 2000] USD per t CO2e.",
                    fix="Give a carbon price in USD per tonne, e.g. 100 (EU ETS 2024: ~65-90).",
                )
            )

    def priced_at(self, carbon_price_usd_per_t: float | None) -> CostModel:
        """This model with its carbon price replaced (the model itself for ``None``).

        Examples
        --------
        >>> cm = CostModel()
        >>> cm.priced_at(None) is cm, cm.priced_at(80.0).carbon_price_usd_per_t
        (True, 80.0)
        """
        if carbon_price_usd_per_t is None:
            return self
        return replace(self, carbon_price_usd_per_t=carbon_price_usd_per_t)

    @classmethod
    def coerce(cls, value: object, *, argument: str = "cost_model") -> CostModel:
        """``value`` checked as a cost model: the standard ``CostModel()`` for ``None``.

        The one check of every ``cost_model=`` option (routing, assignment, the choice
        equilibrium, flows).

        Raises
        ------
        corridors.errors.InvalidSpecError
            When ``value`` is neither ``None`` nor a :class:`CostModel`.

        Examples
        --------
        >>> CostModel.coerce(None) == CostModel(), CostModel.coerce(CostModel(80.0))
        (True, CostModel(carbon_price_usd_per_t=80.0, ...))
        >>> CostModel.coerce(80.0)
        Traceback (most recent call last):
        corridors.errors.InvalidSpecError: cost_model=80.0 is a float, not a CostModel. ...
        """
        if value is None:
            return cls()
        if isinstance(value, CostModel):
            return value
        raise InvalidSpecError(
            explain(
                f"{argument}={value!r} is a {type(value).__name__}, not a CostModel.",
                fix="Pass corridors.network.costs.CostModel(...) (e.g. "
                "CostModel(carbon_price_usd_per_t=100.0)), or leave it out for the standard "
                "model.",
            )
        )

    @property
    def parts(self) -> tuple[str, ...]:
        """Names of the cost terms: :data:`COST_PARTS`, then the model's own terms."""
        return COST_PARTS + tuple(t.name for t in self.terms)

    # -- scalar lookups ---------------------------------------------------------------------
    def carbon_price(self, net: NetworkTables) -> float:
        """USD per t CO2e in use."""
        if self.carbon_price_usd_per_t is not None:
            return float(self.carbon_price_usd_per_t)
        return net.parameter("global", "carbon_price_usd_per_t", default=0.0)

    def value_of_time(self, net: NetworkTables, cargo_class: CargoClass, unit: Unit) -> float:
        """USD per unit-hour for a cargo class (``cargo:<class>`` row, else the global one).

        An FEU carries twice the cargo value of a TEU, so its value of time is twice as high.
        """
        name = unit.cargo.columns.value_of_time
        v = net.parameter(f"cargo:{cargo_class.value}", name, default=-1.0)
        if v < 0:
            v = net.parameter("global", name)
        return v * (2.0 if unit is Unit.FEU else 1.0)

    def generalized_cost(self, cost_usd: Any, hours: Any, vot_usd_per_h: float) -> Any:
        """The one generalized-cost formula: USD (incl. carbon) + value of time × hours."""
        return cost_usd + vot_usd_per_h * hours

    def expected_wait_h(self, headway_h: Any) -> Any:
        """Sailing wait without a timetable: half the headway (hours). With a departure date
        the routing kernels wait for the actual next sailing instead."""
        return 0.5 * headway_h

    def tonnes_per_unit(self, net: NetworkTables, unit: Unit) -> float:
        """Cargo tonnes per unit for CO2 (``t_per_teu`` per TEU; an FEU twice that)."""
        if unit is Unit.TONNE:
            return 1.0
        return net.parameter("global", "t_per_teu") * unit.teu

    # -- per-link figures -------------------------------------------------------------------
    def link_rates_usd_per_km(
        self,
        net: NetworkTables,
        links: pd.DataFrame,
        unit: Unit,
        cargo_class: CargoClass,
        when: dt.date | dt.datetime | None = None,
    ) -> np.ndarray:
        """Tariff per km of every row of ``links`` for one unit (NaN = not sold here)."""
        share = net.parameter("global", "teu_price_share_of_feu", default=0.5)
        t_per_teu = net.parameter("global", "t_per_teu")
        out = np.full(len(links), np.nan)
        for cls, idx in links.groupby("link_class").indices.items():
            rows = links.iloc[idx]
            rate = self._class_rate(net, str(cls), rows, unit, cargo_class, when, share, t_per_teu)
            out[idx] = rate
        return out

    def _class_rate(
        self,
        net: NetworkTables,
        cls: str,
        rows: pd.DataFrame,
        unit: Unit,
        cargo_class: CargoClass,
        when: dt.date | dt.datetime | None,
        share: float,
        t_per_teu: float,
    ) -> float:
        scope = f"class:{cls}"

        def par(name: str) -> float:
            return net.parameter(scope, name, default=np.nan)

        reading = rate_reading(net, cls, when)
        if reading is not None:
            feu = float(reading["rate_usd_per_feu"]) / float(reading["reference_km"])
            per_t = float(reading["rate_usd_per_t"]) / float(reading["reference_km"])
            if unit is Unit.FEU and np.isfinite(feu):
                return feu
            if unit is Unit.TEU and np.isfinite(feu):
                return feu * share
            if unit is Unit.TEU and np.isfinite(per_t):
                return per_t * t_per_teu
            if unit is Unit.FEU and np.isfinite(per_t):
                return per_t * 2 * t_per_teu
            if unit is Unit.TONNE and np.isfinite(per_t):
                return per_t
        teu, feu = par("tariff_usd_per_teu_km"), par("tariff_usd_per_feu_km")
        if unit is Unit.TEU:
            return teu if np.isfinite(teu) else feu * share
        if unit is Unit.FEU:
            return feu if np.isfinite(feu) else teu / share
        wagon = cargo_class.wagon
        rail = all(Mode(m).spec.family == "rail" for m in set(rows["mode"]))  # wagon tariffs
        if rail and wagon is not Wagon.FLAT:
            own = par(f"tariff_{wagon.value}_usd_per_t_km")
            if np.isfinite(own):
                return own
            ratio = net.parameter("global", f"tariff_share_{wagon.value}", default=np.nan)
            if np.isfinite(ratio) and np.isfinite(teu):
                return teu / t_per_teu * ratio
        return par("tariff_usd_per_t_km")

    def priced_km(self, net: NetworkTables, links: pd.DataFrame) -> np.ndarray:
        """Km a link is priced on: its length, or for classes priced from an index series the
        shortest lane of the class between the same two ports (a Cape diversion costs the
        trade's price, not more per km)."""
        km: np.ndarray = links["length_km"].to_numpy(float).copy()
        rates = net.tables.get("rates")
        if rates is None or len(rates) == 0:
            return km
        indexed = set(rates["link_class"])
        pair: list[tuple[str, str, str]] = [
            (str(c), *sorted((str(a), str(b))))  # type: ignore[misc]
            for c, a, b in zip(
                links["link_class"], links["from_node"], links["to_node"], strict=True
            )
        ]
        shortest: dict[tuple[str, str, str], float] = {}
        for p, k in zip(pair, km, strict=True):
            if p[0] in indexed:
                shortest[p] = min(shortest.get(p, np.inf), float(k))
        for i, p in enumerate(pair):
            if p in shortest:
                km[i] = shortest[p]
        return km

    def border_fee_waived(self, net: NetworkTables, links: pd.DataFrame) -> np.ndarray:
        """True where a border link lies inside all-in through-tariff networks (no stacking)."""
        all_in = {
            c
            for c in set(links["link_class"])
            if net.parameter(f"class:{c}", "tariff_all_in", default=0.0) >= 0.5
        }
        waived = np.zeros(len(links), dtype=bool)
        if not all_in:
            return waived
        raw = net.tables["links"]
        touching: dict[str, set[str]] = {}
        for lid, a, b, c in zip(
            raw["link_id"], raw["from_node"], raw["to_node"], raw["link_class"], strict=True
        ):
            if c in all_in:
                touching.setdefault(a, set()).add(lid)
                touching.setdefault(b, set()).add(lid)
        for i, (lid, a, b, c, border) in enumerate(
            zip(
                links["link_id"],
                links["from_node"],
                links["to_node"],
                links["link_class"],
                links["is_border"],
                strict=True,
            )
        ):
            if border and c in all_in:
                waived[i] = bool(touching.get(a, set()) - {lid}) and bool(
                    touching.get(b, set()) - {lid}
                )
        return waived

    def link_co2_g_per_tkm(
        self, net: NetworkTables, links: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        """Well-to-wheel and tank-to-wheel g CO2e per tonne-km of every row of ``links``.

        Rail: electrified share ``e`` of the country's network at ``rail_electric_kwh_per_tkm``
        × grid g/kWh (TTW 0), the rest at the diesel factors; a border link averages its two
        countries. Other modes: the class's WTW/TTW factors (``co2_g_per_tkm`` if absent).
        """
        n = len(links)
        wtw, ttw = np.full(n, np.nan), np.full(n, np.nan)
        d_ttw = net.parameter("global", "rail_diesel_ttw_g_per_tkm", default=np.nan)
        d_wtw = net.parameter("global", "rail_diesel_wtw_g_per_tkm", default=np.nan)
        kwh = net.parameter("global", "rail_electric_kwh_per_tkm", default=np.nan)

        def rail_country(c: str, fallback: float) -> tuple[float, float]:
            e = net.parameter(f"country:{c}", "rail_electric_share", default=np.nan)
            grid = net.parameter(f"country:{c}", "grid_g_per_kwh", default=np.nan)
            if not (np.isfinite(e) and np.isfinite(grid) and np.isfinite(d_wtw)):
                return fallback, fallback
            return (1 - e) * d_wtw + e * kwh * grid, (1 - e) * d_ttw

        rail_family = {m.value for m in Mode if m.spec.family == "rail"}
        for i, (mode, cls, ca, cb, legacy) in enumerate(
            zip(
                links["mode"],
                links["link_class"],
                links["from_country"],
                links["to_country"],
                links["co2_g_per_tkm"].to_numpy(float),
                strict=True,
            )
        ):
            if mode in rail_family:
                a, b = rail_country(str(ca), legacy), rail_country(str(cb), legacy)
                wtw[i], ttw[i] = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            else:
                w = net.parameter(f"class:{cls}", "co2_wtw_g_per_tkm", default=legacy)
                t = net.parameter(f"class:{cls}", "co2_ttw_g_per_tkm", default=w)
                wtw[i], ttw[i] = w, t
        return wtw, ttw

    # -- per-arc figures --------------------------------------------------------------------
    def arc_figures(
        self,
        net: NetworkTables,
        g: ArcStructure,
        *,
        unit: Unit | str,
        cargo_class: CargoClass | str | None = None,
        when: dt.date | dt.datetime | None = None,
    ) -> ArcFigures:
        """Time, cost terms and CO2 of every arc of ``g`` for one ``unit`` of cargo.

        Parameters
        ----------
        net
            The network the graph was compiled from.
        g
            A compiled graph (or the skeleton :func:`compile_graph` builds).
        unit
            ``"teu"``, ``"feu"`` or ``"t"``.
        cargo_class
            Demand class (wagon type and value of time); default standard containers or grain.
        when
            Departure date for rates by period (``rates.csv``); ``None`` = latest reading.
        """
        unit = Unit(unit)
        cargo_class = _default_class(unit) if cargo_class is None else CargoClass(cargo_class)
        if cargo_class.cargo is not unit.cargo:
            raise InvalidSpecError(
                explain(
                    f"Cargo class {cargo_class.value!r} is counted in {cargo_class.unit}, not "
                    f"{unit.label}.",
                    fix="Give containers in TEU or FEU and bulk classes in tonnes.",
                )
            )
        cols = unit.cargo.columns
        share = net.parameter("global", "teu_price_share_of_feu", default=0.5)
        box = 1.0 / share if unit is Unit.FEU else 1.0  # per-lift charges for a 40-ft box
        hub = net.parameter("global", cols.hub_co2, default=0.0) * (unit.teu or 1.0)  # t: 1
        m = len(g.kind)
        time_h, co2_w, co2_t = np.zeros(m), np.zeros(m), np.zeros(m)
        parts = {p: np.zeros(m) for p in COST_PARTS}

        sel = np.flatnonzero(g.kind == ARC_LINK)
        if len(sel):
            self._links(net, g.link[sel], sel, unit, cargo_class, when, time_h, co2_w, co2_t, parts)

        # Transfers (gauge and mode changes).
        sel = np.flatnonzero((g.kind == ARC_GAUGE) | (g.kind == ARC_MODE))
        if len(sel):
            tr = net.tables["transfers"].reset_index(drop=True).iloc[g.transfer[sel]]
            time_h[sel] = tr[cols.transfer_time].to_numpy(float)
            cost = tr[cols.transfer_cost].to_numpy(float)
            gauge = g.kind[sel] == ARC_GAUGE  # priced per consignment (C24): a box is a box
            parts["transfer"][sel] = np.where(gauge, cost, cost * box)
            co2_w[sel] += hub
            co2_t[sel] += hub

        # Access: terminal handling where a consignment starts or ends, by operation.
        sel = np.flatnonzero(g.kind == ARC_ACCESS)
        if len(sel):
            h, c, hubs = self._access(net, g, sel, cols, box, hub)
            time_h[sel], parts["handling"][sel] = h, c
            co2_w[sel] += hubs
            co2_t[sel] += hubs

        parts["carbon"] = co2_w * self.carbon_price(net) / 1000.0
        if self.terms:
            ctx = arc_context(net, g, unit, cargo_class, when, time_h, co2_w)
            parts |= {t.name: term_values(t, ctx) for t in self.terms}
        cost_usd = sum(parts[p] for p in self.parts)
        return ArcFigures(
            time_h=time_h,
            cost_usd=np.asarray(cost_usd, dtype=float),
            co2_wtw_kg=co2_w,
            co2_ttw_kg=co2_t,
            cost_parts=parts,
            unit=unit,
        )

    def _links(
        self,
        net: NetworkTables,
        rows: np.ndarray,
        sel: np.ndarray,
        unit: Unit,
        cargo_class: CargoClass,
        when: dt.date | dt.datetime | None,
        time_h: np.ndarray,
        co2_w: np.ndarray,
        co2_t: np.ndarray,
        parts: dict[str, np.ndarray],
    ) -> None:
        """Fill the link arcs ``sel`` (link rows ``rows``): freight, border fees, running time
        plus border dwell, CO2 (in place)."""
        lk = net.links.reset_index(drop=True).iloc[rows]
        rate = self.link_rates_usd_per_km(net, lk, unit, cargo_class, when)
        parts["freight"][sel] = rate * self.priced_km(net, lk)
        fee = lk[unit.cargo.columns.border_cost].to_numpy(float)
        parts["border"][sel] = np.where(self.border_fee_waived(net, lk), 0.0, fee)
        time_h[sel] = (lk["run_time_h"] + lk["border_dwell_h"]).to_numpy(float)
        km, t_unit = lk["length_km"].to_numpy(float), self.tonnes_per_unit(net, unit)
        co2_w[sel] = lk["co2_wtw_g_per_tkm"].to_numpy(float) * km * t_unit / 1000.0
        co2_t[sel] = lk["co2_ttw_g_per_tkm"].to_numpy(float) * km * t_unit / 1000.0

    def _access(
        self,
        net: NetworkTables,
        g: ArcStructure,
        sel: np.ndarray,
        cols: CargoColumns,
        box: float,
        hub: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        nodes = net.tables["nodes"]
        port_vertex = np.where(g.tail[sel] >= len(nodes), g.tail[sel], g.head[sel])
        node_idx = g.vertex_node[port_vertex]
        ports = g.vertex_port[port_vertex]
        cost_col = cols.handling_cost
        own_h = nodes["handling_h"].to_numpy(float)[node_idx]
        own_c = nodes[cost_col].to_numpy(float)[node_idx]
        kinds = nodes["kind"].to_numpy()[node_idx]
        h, c, hubs = np.zeros(len(sel)), np.zeros(len(sel)), np.zeros(len(sel))
        for i, (port, kind) in enumerate(zip(ports, kinds, strict=True)):
            op = Operation.access(str(port))
            for arr, name, own in ((h, "handling_h", own_h), (c, cost_col, own_c)):
                val = own[i]
                if not np.isfinite(val):
                    val = net.parameter(f"op:{op.value}", name, default=np.nan)
                if not np.isfinite(val):
                    val = net.parameter(f"kind:{kind}", name, default=0.0)
                arr[i] = val
            hubs[i] = 0.0 if op is Operation.ROAD_TERMINAL else hub
        return h, c * box, hubs


def _default_class(unit: Unit) -> CargoClass:
    return CargoClass.GRAIN if unit.cargo is Cargo.BULK else CargoClass.CONTAINER_STD


def default_unit(cargo: Cargo) -> Unit:
    """The unit a cargo type's compiled graph is figured in (TEU or t)."""
    return Unit.TONNE if cargo is Cargo.BULK else Unit.TEU
