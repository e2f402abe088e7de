"""Route generation of the choice equilibrium: probes, classification and per-class arc costs.

The routes of :mod:`corridors.assignment.sue` come from shortest-path probes on the merged
corridor graph under masks (free choice; no sea; the Northern, Middle or Southern corridor
only; no Russia; sea via Suez or via the Cape; road or air preferred), each at the class's
generalized cost. A route found is classified into an alternative of
:data:`~corridors.assignment.choice.ALTERNATIVES` by the modes, sea passages and countries it
uses (:func:`~corridors.assignment.choice.route_alternative`, the rule routing's corridor
names share). The Southern probe bans the Caspian ferries: the Southern corridor is the
Kazakhstan–Turkmenistan–Iran railway into Iran, a ferry route to Iran is a Middle one, and a
rail route that stops short of Iran (Turkmenistan, Afghanistan) is regional (``rail_direct``).
Routes far dearer than their alternative's best (:data:`DETOUR_LIMIT`) or alternatives far
dearer than the market's best (:data:`MARKET_LIMIT`) are dropped, and so are deep-sea round
trips (:func:`sea_round_trip`: out through Suez to a Chinese hub and back).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from corridors.assignment import _kernels as kern
from corridors.assignment._from_network import CorridorGraph
from corridors.assignment.choice import (
    ALTERNATIVES,
    CARGO_GROUPS,
    CASPIAN_FERRY,
    route_alternative,
)
from corridors.assignment.classes import ClassProfile
from corridors.network.enums import Mode

if TYPE_CHECKING:
    from corridors.assignment._graph import AssignmentGraph
    from corridors.network.model import Network

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

ALT_INDEX = {a: i for i, a in enumerate(ALTERNATIVES)}
_RU, _AZ, _TM, _CASPIAN, _SUEZ, _CAPE = 1, 2, 4, 8, 16, 32
DETOUR_LIMIT = 2.0
"""A generated route is dropped when it costs more than this multiple of its alternative's best
(the route level's scale makes such a route carry nothing anyway)."""
CROSSING_PENALTY = 3.0
"""Route diversity: the corridor probes run a second time with the border crossings, ferries
and ports their first routes used costing this many times more, so every corridor offers its
next-best crossing (Dostyk or Altynkol or Bakhty, Aktau or Kuryk) to the route choice."""
_DIVERSIFY = ("free", "land", "northern", "middle", "southern")
MARKET_LIMIT = 10.0
"""An alternative is dropped when its best route costs more than this multiple of the market's
best (kept otherwise, so that small cost changes do not make alternatives appear or vanish)."""


def arc_attributes(net: Network, cg: CorridorGraph) -> dict[str, Any]:
    """Per merged arc: what route generation and classification need to know.

    ``mode``, ``via`` (sea passage), ``caspian`` (a Caspian ferry), ``ca``/``cb`` (country of
    tail and head), ``length`` (km), ``is_link`` (a physical link, not a transfer),
    ``code`` (the mode's code in the live mode table; ``no_mode`` for transfers and
    handling), ``mode_code`` (name → code) and ``flags`` (bits for
    Russia/Belarus, Azerbaijan/Georgia, Turkmenistan/Iran, Caspian, Suez, Cape).
    """
    g = cg.graph
    links = net.links
    ids = np.asarray(g.link_ids).astype(str)
    is_link = np.isin(ids, links.index.astype(str))
    lk = links.reindex(ids)
    node_country = net.nodes["country"].astype(str).to_dict()
    mode = np.where(is_link, lk["mode"].fillna("").to_numpy(str), "")
    via = np.where(is_link, lk["via"].fillna("").astype(str).to_numpy(), "")
    lclass = np.where(is_link, lk["link_class"].fillna("").astype(str).to_numpy(), "")
    labels = np.asarray(g.node_ids).astype(str)
    tail_node = np.array([lab.split(":")[0] for lab in labels])[g.from_node]
    head_node = np.array([lab.split(":")[0] for lab in labels])[g.to_node]
    ca = np.array([node_country.get(n, "") for n in tail_node])
    cb = np.array([node_country.get(n, "") for n in head_node])
    length = np.nan_to_num(np.asarray(g.length, float))
    mode_code = {m.value: m.code for m in Mode}  # read now: modes may be registered later
    no_mode = max(mode_code.values()) + 1
    code = np.full(mode.shape[0], no_mode, np.int64)
    for m, k in mode_code.items():
        code[mode == m] = k
    flags = np.zeros(mode.shape[0], np.int64)
    for bit, cs in ((_RU, {"RU", "BY"}), (_AZ, {"AZ", "GE"}), (_TM, {"TM", "IR"})):
        flags[np.isin(ca, list(cs)) | np.isin(cb, list(cs))] |= bit
    flags[lclass == CASPIAN_FERRY] |= _CASPIAN
    flags[(mode == "sea") & (via == "Suez")] |= _SUEZ
    flags[(mode == "sea") & (via == "Cape")] |= _CAPE
    return {
        "mode": mode,
        "via": via,
        "caspian": lclass == CASPIAN_FERRY,
        "ca": ca,
        "cb": cb,
        "length": length,
        "is_link": is_link,
        "code": code,
        "mode_code": mode_code,
        "no_mode": no_mode,
        "flags": flags,
    }


def classify(arcs: npt.NDArray[np.int64], attr: Mapping[str, Any]) -> str:
    """Alternative of a route (merged arcs), by
    :func:`~corridors.assignment.choice.route_alternative`: the rule routing's corridor names
    use too (a Caspian ferry route to Iran is ``rail_middle``, rail to Turkmenistan without
    Iran ``rail_direct``)."""
    if not arcs.size:
        return "rail_direct"
    code_name = {k: m for m, k in attr["mode_code"].items()}
    km = np.bincount(
        attr["code"][arcs], weights=attr["length"][arcs], minlength=attr["no_mode"] + 1
    )
    countries = set(np.unique(np.concatenate((attr["ca"][arcs], attr["cb"][arcs])))) - {""}
    sea = attr["mode"][arcs] == "sea"
    return route_alternative(
        {code_name[k]: float(v) for k, v in enumerate(km) if v > 0 and k in code_name},
        {str(c) for c in countries},
        caspian_ferry=bool(attr["caspian"][arcs].any()),
        passages={str(v) for v in attr["via"][arcs][sea] if v},
    )


def probe_masks(attr: Mapping[str, Any]) -> list[tuple[str, F64]]:
    """Route-generation probes: name and per-arc weight factor (inf = banned)."""
    mode, ca, cb = attr["mode"], attr["ca"], attr["cb"]
    n = mode.shape[0]

    def touches(cs: set[str]) -> npt.NDArray[np.bool_]:
        return np.isin(ca, list(cs)) | np.isin(cb, list(cs))

    ones = np.ones(n)
    sea = mode == "sea"
    air = mode == "air"
    surface = [m.value for m in Mode if m not in (Mode.SEA, Mode.AIR)]  # registered ones too
    linehaul = np.isin(mode, surface)
    out: list[tuple[str, F64]] = [("free", ones.copy())]
    no_sea = np.where(sea | air, np.inf, 1.0)
    out.append(("land", no_sea))
    out.append(
        ("northern", np.where(touches({"AZ", "GE", "TM", "IR"}) | attr["caspian"], np.inf, no_sea))
    )
    out.append(("middle", np.where(touches({"RU", "BY", "TM", "IR"}), np.inf, no_sea)))
    out.append(
        ("southern", np.where(touches({"RU", "BY", "AZ", "GE"}) | attr["caspian"], np.inf, no_sea))
    )
    out.append(("no_russia", np.where(touches({"RU", "BY"}), np.inf, no_sea)))
    push_sea = np.where(linehaul, 50.0, 1.0) * np.where(air, np.inf, 1.0)
    out.append(("suez", np.where(sea & (attr["via"] == "Cape"), np.inf, push_sea)))
    out.append(("cape", np.where(sea & (attr["via"] == "Suez"), np.inf, push_sea)))
    out.append(("road", np.where(mode == "road", 1.0, np.where(air, np.inf, 20.0))))
    out.append(
        ("air", np.where(air, 1.0, np.where(sea | (linehaul & (mode != "road")), 50.0, 1.0)))
    )
    return out


_COST_CACHE: weakref.WeakKeyDictionary[CorridorGraph, dict[str, F64]] = weakref.WeakKeyDictionary()
"""Per merged graph (while it lives): each class's arc costs."""


def _class_cost(net: Network, cg: CorridorGraph, prof: ClassProfile) -> F64:
    """USD per unit of the class on every merged arc, from the graph's cost model
    (``cg.cost_model``) with the class's own wagon type and tariffs (the cargo's figures for
    other class names)."""
    from corridors.network.costs import default_unit
    from corridors.network.enums import Cargo, CargoClass

    cached = _COST_CACHE.setdefault(cg, {})
    if prof.name in cached:
        return cached[prof.name]
    cost = cg.cargo_cost[prof.cargo]
    if prof.name in {c.value for c in CargoClass}:
        cargo = Cargo(prof.cargo)
        g = net.graph(cargo)
        fig = cg.cost_model.arc_figures(net, g, unit=default_unit(cargo), cargo_class=prof.name)
        amap = cg.arc_of[prof.cargo]
        cost = cost.copy()
        ok = amap >= 0
        cost[amap[ok]] = np.asarray(fig.cost_usd, float)[ok]
    cached[prof.name] = cost
    return cost


def class_arrays(
    cg: CorridorGraph, prof: ClassProfile, attr: Mapping[str, Any], net: Network | None = None
) -> tuple[F64, F64, npt.NDArray[np.bool_]]:
    """Per merged arc for one class: cost (USD per unit), hours, and whether it may use it.

    With ``net`` the cost is the class's own (:func:`_class_cost`), else the cargo's.
    """
    cost = cg.cargo_cost[prof.cargo] if net is None else _class_cost(net, cg, prof)
    t = cg.cargo_time[prof.cargo]
    ok = np.isfinite(cost) & np.isfinite(t)
    ok &= ~(attr["is_link"] & ~np.isin(attr["mode"], list(prof.modes)))
    if not prof.deep_sea:
        ok &= (attr["flags"] & (_SUEZ | _CAPE)) == 0
    return np.nan_to_num(cost), np.nan_to_num(t), ok


def class_weights(
    net: Network,
    cg: CorridorGraph,
    prof: ClassProfile,
    attr: Mapping[str, Any],
    link_time: F64,
    vot_scale: float,
) -> tuple[F64, F64]:
    """Generalized cost of every merged arc for one class at ``link_time`` (USD per unit).

    ``cost + value of time × (class hours − free-flow hours + link_time)``, at least 1e-9,
    ``inf`` on arcs the class may not use. Also returns the class's own hours per arc.
    """
    cost, tc, ok = class_arrays(cg, prof, attr, net)
    t0 = np.asarray(cg.graph.free_flow_time, float)
    vot = prof.value_of_time * vot_scale
    gc = np.where(ok, np.maximum(cost + vot * (tc - t0 + link_time), 1e-9), np.inf)
    return gc, tc


class ShortestPaths:
    """Dijkstra trees on the merged graph, with the work arrays allocated once."""

    def __init__(self, g: AssignmentGraph) -> None:
        nv = g.n_nodes
        self.graph = g
        self.csr = g.csr
        self.no_through = g.no_through()
        self.dist = np.empty(nv)
        self.pred = np.empty(nv, np.int64)
        self.order = np.empty(nv, np.int64)
        self.done = np.empty(nv, np.bool_)
        self.heap_keys = np.empty(g.n_links + nv + 1)
        self.heap_vals = np.empty(g.n_links + nv + 1, np.int64)
        self.buf = np.empty(nv + 1, np.int64)
        self.from_node = np.asarray(g.from_node, np.int64)

    def tree(self, weight: F64, origin: int) -> F64:
        """Shortest-path tree from ``origin`` under ``weight``; the distances (inf: no path)."""
        indptr, heads, lidx = self.csr
        kern.dijkstra(
            indptr,
            heads,
            lidx,
            weight,
            self.no_through,
            self.graph.n_zones,
            origin,
            self.dist,
            self.pred,
            self.order,
            self.done,
            self.heap_keys,
            self.heap_vals,
        )
        return self.dist

    def path(self, origin: int, destination: int) -> I64:
        """Links of the last tree's path ``origin → destination``, in travel order."""
        k = kern._trace(destination, origin, self.pred, self.from_node, self.buf)
        return self.buf[:k][::-1].copy()


def sea_round_trip(arcs: npt.NDArray[np.int64], attr: Mapping[str, Any]) -> bool:
    """Whether a route sails two deep-sea lanes (via Suez or the Cape).

    Every such lane joins East Asia or the Gulf to Europe or the Mediterranean, so a route on
    two of them passes the canal (or the Cape) twice: out and back through a Chinese hub,
    e.g. Istanbul→Shanghai→Poti (32,000 km, ~58 days) for boxes bound for Turkmenbashi. No
    shipper buys that; the sea-preferring probes find it only because it minimises land
    kilometres, and the sea alternatives' constant (0 against the rail corridors' negative
    ones) then gave it most of a regional market. Such routes are not generated.
    """
    return int(np.count_nonzero(attr["flags"][arcs] & (_SUEZ | _CAPE))) >= 2


class _Found:
    """Routes found per (market, alternative) with their costs, and each market's best."""

    def __init__(self, attr: Mapping[str, Any]) -> None:
        self.attr = attr
        self.routes: dict[tuple[int, int], dict[tuple[int, ...], float]] = {}
        self.best: dict[int, float] = {}
        self.alt_of: dict[tuple[int, ...], int] = {}

    def add(self, market: int, arcs: I64, cost: float) -> None:
        """Record route ``arcs`` of ``market`` costing ``cost`` (USD per unit), unless it is a
        deep-sea round trip (:func:`sea_round_trip`)."""
        if sea_round_trip(arcs, self.attr):
            return
        path = tuple(arcs.tolist())
        alt = self.alt_of.get(path)
        if alt is None:
            alt = self.alt_of[path] = ALT_INDEX[classify(arcs, self.attr)]
        self.best[market] = min(self.best.get(market, np.inf), cost)
        self.routes.setdefault((market, alt), {})[path] = cost

    def kept(self) -> dict[tuple[int, int], set[tuple[int, ...]]]:
        """The routes within the detour limit of alternatives within the market limit."""
        out: dict[tuple[int, int], set[tuple[int, ...]]] = {}
        for (m, a), paths in self.routes.items():
            alt_best = min(paths.values())
            if alt_best > MARKET_LIMIT * self.best[m]:
                continue
            out[(m, a)] = {p for p, c in paths.items() if c <= DETOUR_LIMIT * alt_best}
        return out


def _probe(
    paths: ShortestPaths,
    found: _Found,
    gc: F64,
    weight: F64,
    origin: int,
    markets: I64,
    mkt_d: I64,
    border: npt.NDArray[np.bool_] | None,
) -> None:
    """Routes of one probe from ``origin`` to the destinations of ``markets``.

    With ``border`` (a mask of crossing links) the probe runs a second time with the
    crossings its first routes used made :data:`CROSSING_PENALTY` times dearer. Routes are
    recorded at their true generalized cost ``gc``, not the probe's weight.
    """
    used = np.zeros(weight.shape[0], np.bool_)
    for rep in range(1 if border is None else 2):
        if rep == 1:  # the same probe with the crossings just used made dearer
            if not used.any():
                break
            weight = weight * np.where(used, CROSSING_PENALTY, 1.0)
        dist = paths.tree(weight, origin)
        for m in markets:
            d = int(mkt_d[m])
            if not np.isfinite(dist[d]):
                continue
            arr = paths.path(origin, d)
            if border is not None and rep == 0:
                used[arr[border[arr]]] = True
            found.add(int(m), arr, float(gc[arr].sum()))


def generate_routes(
    net: Network,
    cg: CorridorGraph,
    attr: Mapping[str, Any],
    profiles: Sequence[ClassProfile],
    markets: tuple[I64, I64, I64],
    link_time: F64,
    vot_scale: float,
) -> dict[tuple[int, int], set[tuple[int, ...]]]:
    """Routes per (market, alternative) from the probes at ``link_time`` (hours per link, or
    ``groups × links``: each class probes at its cargo group's hours, see
    :data:`~corridors.assignment.choice.CARGO_GROUPS`).

    ``markets`` is ``(class index, origin zone, destination zone)`` per market; the result
    maps ``(market, alternative index)`` to routes as tuples of merged-graph links.
    """
    g = cg.graph
    paths = ShortestPaths(g)
    masks = probe_masks(attr)
    found = _Found(attr)
    border = np.asarray(g.link_type).astype(str) == "border"
    mkt_cls, mkt_o, mkt_d = markets
    for ci, prof in enumerate(profiles):
        lt = link_time if link_time.ndim == 1 else link_time[CARGO_GROUPS.index(prof.cargo)]
        gc, _ = class_weights(net, cg, prof, attr, lt, vot_scale)
        sel = np.flatnonzero(mkt_cls == ci)
        for o in np.unique(mkt_o[sel]):
            mk = sel[mkt_o[sel] == o]
            for name, factor in masks:
                diversify = border if name in _DIVERSIFY else None
                _probe(paths, found, gc, gc * factor, int(o), mk, mkt_d, diversify)
    return found.kept()
