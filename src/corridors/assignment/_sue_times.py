"""Transit time of a corridor at an equilibrium: what a shipment choosing the corridor takes.

A corridor (an alternative of :data:`~corridors.assignment.choice.ALTERNATIVES`) holds a few
routes per market; at the equilibrium the route logit of scale ``μ`` splits the corridor's
shipments over them. :func:`expected_corridor_times` reports the mean door-to-door hours of
those shipments: the route times weighted by the model's own within-corridor route
probabilities (:func:`~corridors.assignment._sue_logit.route_shares`), and across demand
classes by each class's volume in the corridor. Unlike the corridor's single best route
(:func:`~corridors.assignment.sue.corridor_times`), it moves continuously with costs: two
near-tied routes share the corridor's shipments instead of one of them taking all.

Places that are not a market of the problem get the route set a market there would get
(:func:`probe_routes`): the same probes (:func:`~corridors.assignment._sue_routes.
generate_routes`) at free-flow times, as :func:`~corridors.assignment.sue.build_problem`
runs them, and at the equilibrium times, as column generation does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from corridors.assignment._from_network import CorridorGraph
from corridors.assignment._sue_logit import LogitModel, route_shares
from corridors.assignment._sue_problem import ChoiceProblem, assemble
from corridors.assignment._sue_result import ChoiceResult
from corridors.assignment._sue_routes import ALT_INDEX, arc_attributes, generate_routes
from corridors.assignment.choice import ALTERNATIVES
from corridors.assignment.classes import class_profile, load_class_profiles
from corridors.errors import InvalidSpecError, explain

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

TimeQuery = tuple[str, str, str, tuple[str, ...]]
"""``(origin, destination, alternative, classes)``: node ids, an alternative (``""`` = any)
and the demand classes whose shipments are averaged."""


@dataclass(frozen=True, eq=False)
class ProbeRoutes:
    """Route sets of (class, origin, destination) triples that are not markets of a problem.

    Attributes
    ----------
    corridor
        The merged graph the routes are on.
    problem
        A problem on it whose markets are the triples (unit demand); ``None`` without any.
    index
        ``(class, origin, destination) → market`` of ``problem``.
    """

    corridor: CorridorGraph
    problem: ChoiceProblem | None
    index: Mapping[tuple[str, str, str], int]

    def covers(self, problem: ChoiceProblem, triples: Sequence[tuple[str, str, str]]) -> bool:
        """Whether these routes are on ``problem``'s graph and hold every triple."""
        return self.corridor is problem.corridor and all(t in self.index for t in triples)


def probe_routes(
    result: ChoiceResult, queries: Sequence[tuple[str, str, str, str | Sequence[str]]]
) -> ProbeRoutes:
    """The routes the model would give the places of ``queries`` that are not its markets.

    For every ``(class, origin, destination)`` of a query none of whose classes is a market
    between its places (:func:`unmatched`), the probes of route generation run at free-flow
    times (as :func:`~corridors.assignment.sue.build_problem` runs them) and at ``result``'s
    equilibrium times (as column generation does), with its value-of-time scale, and the two
    route sets are joined under the detour and market limits of
    :mod:`~corridors.assignment._sue_routes`.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown place or alternative, or a query without classes.
    """
    pr = result.problem
    cg = pr.corridor
    triples = unmatched(pr, [time_query(pr, q) for q in queries])
    if not triples:
        return ProbeRoutes(cg, None, {})
    zones = {z: i for i, z in enumerate(cg.zones)}
    classes = list(dict.fromkeys(c for c, _, _ in triples))
    own = {p.name: p for p in pr.profiles}
    every = load_class_profiles()
    profs = tuple(own.get(c) or class_profile(c, every) for c in classes)
    markets = (
        np.array([classes.index(c) for c, _, _ in triples], np.int64),
        np.array([zones[o] for _, o, _ in triples], np.int64),
        np.array([zones[d] for _, _, d in triples], np.int64),
    )
    attr = arc_attributes(pr.net, cg)
    found: dict[tuple[int, int], set[tuple[int, ...]]] = {}
    t0 = np.asarray(cg.graph.free_flow_time, float)
    for times in (t0, result.group_times):
        new = generate_routes(pr.net, cg, attr, profs, markets, times, result.params.vot_scale)
        for k, v in new.items():
            found.setdefault(k, set()).update(v)
    dem = np.ones(len(triples))
    problem = assemble(pr.net, cg, pr.demand, profs, markets, dem, attr, found)
    return ProbeRoutes(cg, problem, {t: i for i, t in enumerate(triples)})


def unmatched(problem: ChoiceProblem, queries: Sequence[TimeQuery]) -> list[tuple[str, str, str]]:
    """The ``(class, origin, destination)`` triples of queries none of whose classes is a
    market of ``problem`` between their two places: they need :func:`probe_routes`."""
    names, z = problem.class_names, problem.corridor.zones
    have = {
        (names[int(c)], z[int(o)], z[int(d)])
        for c, o, d in zip(problem.mkt_cls, problem.mkt_o, problem.mkt_d, strict=True)
    }
    out: list[tuple[str, str, str]] = []
    for o, d, _, classes in queries:
        if not any((c, o, d) in have for c in classes):
            out.extend((c, o, d) for c in classes)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Routes:
    """Per path of one problem: market, alternative, class name, hours and probability
    within its corridor (the route logit)."""

    mkt: I64
    alt: I64
    cls: npt.NDArray[np.str_]
    hours: F64
    share: F64

    @classmethod
    def of_result(cls, result: ChoiceResult) -> Routes:
        """The equilibrium's own routes: path hours and route logit at the equilibrium."""
        pr = result.problem
        share, _ = route_shares(pr, result.path_gc, result.params.route_scale)
        names = np.asarray(pr.class_names)[pr.mkt_cls[pr.path_mkt]]
        return cls(pr.path_mkt, pr.path_alt, names, result.path_time, share)

    @classmethod
    def of_probes(cls, result: ChoiceResult, probes: ProbeRoutes) -> Routes:
        """The probe routes at ``result``'s link times and parameters."""
        pr = probes.problem
        if pr is None or pr.n_paths == 0:
            e, i = np.zeros(0), np.zeros(0, np.int64)
            return cls(i, i, np.zeros(0, str), e, e)
        _, hours, gc = LogitModel.make(pr, result.params).probabilities(result.group_times)
        share, _ = route_shares(pr, gc, result.params.route_scale)
        names = np.asarray(pr.class_names)[pr.mkt_cls[pr.path_mkt]]
        return cls(pr.path_mkt, pr.path_alt, names, hours, share)

    def mean_hours(
        self, markets: Mapping[str, int], alt: str, weight: Mapping[str, float]
    ) -> float:
        """Mean hours of the routes of ``alt`` in ``markets`` (class → market).

        Within a class: the routes weighted by their probability within the corridor; across
        classes by ``weight``. ``nan`` without a route (or ``alt=""``).
        """
        if not alt:
            return float("nan")
        in_alt = self.alt == ALT_INDEX[alt]
        num = den = 0.0
        for c, m in markets.items():
            sel = in_alt & (self.mkt == m) & (self.cls == c)
            w = self.share[sel]
            if w.sum() <= 0 or weight.get(c, 0.0) <= 0:
                continue
            num += weight[c] * float(np.average(self.hours[sel], weights=w))
            den += weight[c]
        return num / den if den > 0 else float("nan")


def corridor_mix(result: ChoiceResult, alt: str) -> dict[str, float]:
    """Volume (demand units/yr) of each class in alternative ``alt`` (``""``: all), network-wide."""
    pr = result.problem
    sel = np.ones(pr.n_paths, np.bool_) if not alt else pr.path_alt == ALT_INDEX[alt]
    vol = np.bincount(
        pr.mkt_cls[pr.path_mkt], weights=np.where(sel, result.path_flow, 0.0),
        minlength=len(pr.class_names),
    )  # fmt: skip
    return {n: float(v) for n, v in zip(pr.class_names, vol, strict=True)}


def market_mix(result: ChoiceResult, markets: Mapping[str, int], alt: str) -> dict[str, float]:
    """Volume (demand units/yr) of each class's market (class → market) in ``alt``."""
    pr = result.problem
    sel = np.ones(pr.n_paths, np.bool_) if not alt else pr.path_alt == ALT_INDEX[alt]
    return {c: float(result.path_flow[sel & (pr.path_mkt == m)].sum()) for c, m in markets.items()}


def time_query(pr: ChoiceProblem, q: tuple[str, str, str, str | Sequence[str]]) -> TimeQuery:
    """A query of :func:`expected_corridor_times`, checked, with its classes as a tuple.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown place or alternative, or no class.
    """
    o, d, alt, classes = (str(q[0]), str(q[1]), str(q[2]), q[3])
    cls = (classes,) if isinstance(classes, str) else tuple(str(c) for c in classes)
    zones = set(pr.corridor.zones)
    for place in (o, d):
        if place not in zones:
            raise InvalidSpecError(explain(f"Unknown place {place!r}.", fix="Use node ids."))
    if alt and alt not in ALT_INDEX:
        raise InvalidSpecError(
            explain(
                f"Unknown alternative {alt!r}.", fix=f"Use one of {', '.join(ALTERNATIVES)} or ''."
            )
        )
    if not cls:
        raise InvalidSpecError(
            explain(
                f"The query {o}→{d} names no demand class.", fix="Name one, e.g. container_std."
            )
        )
    return o, d, alt, cls
