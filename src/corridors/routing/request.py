"""One route request as the adapters take it: cargo and quantity rules, scenario, congestion.

The CLI (``corridors route``, ``reliability``), the REST API (``/api/route``, ``/api/compare``,
``/api/reliability``) and the web map pass what a person typed; this module decides what it
means, once:

- a quantity in tonnes with the default cargo means bulk (``--tonnes 5000`` alone is grain);
- a bulk cargo without a quantity is 1 t, containers without one 1 TEU
  (:class:`~corridors.routing.spec.Consignment`); TEU or FEU for bulk, or tonnes for
  containers, are contradictions;
- ``congested`` routes on the equilibrium waits of the base year or of the scenario
  (:func:`corridors.routing.congested.congested_routes`), otherwise on free-flow figures.

Examples
--------
>>> from corridors.network import load_network
>>> net, opts = route_options(load_network(), "Kostanay", "Oslo", tonnes=5000)
>>> opts.consignment.unit_name, opts.consignment.cargo.value
('t', 'bulk')
>>> cargo_for(None, tonnes=None), cargo_for(None, tonnes=2.0), cargo_for("grain", tonnes=None)
('container', 'bulk', 'grain')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from corridors.errors import InvalidSpecError, explain
from corridors.network.enums import Cargo, CargoClass

if TYPE_CHECKING:
    from collections.abc import Callable

    from corridors.network.model import Network
    from corridors.routing._kernels import ParetoReport
    from corridors.routing.search import RouteOptions

__all__ = ["cargo_for", "cargo_type", "route_options", "search_note", "search_summary"]

DEFAULT_CARGO = "container"


def cargo_for(cargo: str | None, *, tonnes: float | None) -> str:
    """The cargo a request means: as given, else bulk for a quantity in tonnes, else containers.

    ``"container"`` given together with tonnes counts as not given (the CLI's and the web
    form's default), so ``--tonnes 5000`` alone is bulk.
    """
    if cargo is None or (cargo == DEFAULT_CARGO and tonnes is not None):
        return "bulk" if tonnes is not None else DEFAULT_CARGO
    return cargo


def cargo_type(cargo: Cargo | CargoClass | str) -> Cargo:
    """The cargo type (network columns) of a cargo type, alias or cargo class.

    Examples
    --------
    >>> cargo_type("container_hv"), cargo_type("grain"), cargo_type("liquid-bulk")
    (<Cargo.CONTAINER: 'container'>, <Cargo.BULK: 'bulk'>, <Cargo.BULK: 'bulk'>)

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a name that is neither a cargo type nor a cargo class.
    """
    if isinstance(cargo, CargoClass):
        return cargo.cargo
    if isinstance(cargo, Cargo):
        return cargo
    key = str(cargo).strip().lower().replace("-", "_").replace(" ", "_")
    if key in {c.value for c in CargoClass}:
        return CargoClass(key).cargo
    try:
        return Cargo(key)
    except InvalidSpecError:
        names = [c.value for c in Cargo] + ["grain"] + [c.value for c in CargoClass]
        raise InvalidSpecError(
            explain(
                f"{cargo!r} is not a cargo type or cargo class.",
                fix="Use one of: " + ", ".join(dict.fromkeys(names)) + ".",
            )
        ) from None


def search_summary(
    report: ParetoReport | None, *, name: Callable[[str], str] = str, **hints: str
) -> dict[str, Any] | None:
    """How a route search ended, as plain JSON-ready values (``None`` without a report).

    Parameters
    ----------
    report
        ``RouteOptions.search``.
    name
        Turns a node id into the place name shown in ``dropped_at``.
    **hints
        ``exact_hint``, ``narrow_hint`` for the note (:func:`search_note`).

    Returns
    -------
    dict or None
        ``labels``, ``max_labels``, ``capped``, ``dropped`` (partial routes left unexpanded),
        ``dropped_at`` (``[{"place", "labels"}]``, at most five), ``eps`` (asked),
        ``eps_bound`` (guaranteed: every Pareto-optimal route has a returned route within
        ``1 + eps_bound`` in days, cost and CO2; ``None`` when nothing is guaranteed),
        ``exact`` (the exact Pareto set) and ``note`` (one sentence, or ``None`` when exact).
    """
    if report is None:
        return None
    name = _lenient(name)
    bound = report.eps_bound if math.isfinite(report.eps_bound) else None
    return {
        "labels": int(report.labels),
        "max_labels": int(report.max_labels),
        "capped": bool(report.capped),
        "dropped": int(report.dropped),
        "dropped_at": [{"place": p, "labels": k} for p, k in _by_place(report, name)],
        "eps": float(report.eps),
        "eps_bound": bound,
        "exact": not report.capped and report.eps == 0.0,
        "note": search_note(report, name=name, **hints),
    }


def search_note(
    report: ParetoReport | None,
    *,
    name: Callable[[str], str] = str,
    exact_hint: str = "eps 0",
    narrow_hint: str = "a maximum of days or transshipments, or modes to avoid",
) -> str | None:
    """One sentence on a capped or approximate search (``None`` for the exact Pareto set).

    Says what was dropped and where, the ε guaranteed, and how to get an exact answer;
    ``exact_hint`` and ``narrow_hint`` name the adapter's options for that (CLI flags, query
    parameters).
    """
    if report is None or (not report.capped and report.eps == 0.0):
        return None
    name = _lenient(name)
    if not report.capped:
        return (
            f"Approximate Pareto set: every Pareto-optimal route is within "
            f"{report.eps:.1%} (days, cost, CO2) of an option found; {exact_hint} gives "
            "the exact set."
        )
    where = ", ".join(f"{p} {k:,}" for p, k in _by_place(report, name))
    if math.isfinite(report.eps_bound):
        bound = (
            f"every Pareto-optimal route is within {report.eps_bound:.1%} "
            "(days, cost, CO2) of an option found"
        )
    else:
        bound = "no bound holds on what was missed"
    return (
        f"Search capped at {report.max_labels:,} labels: {report.dropped:,} partial routes "
        f"dropped{f' (most at {where})' if where else ''}; {bound}. For an exact answer, "
        f"narrow the query ({narrow_hint}) with {exact_hint}."
    )


def _by_place(report: ParetoReport, name: Callable[[str], str]) -> list[tuple[str, int]]:
    """``report.dropped_at`` summed per place (a port has several vertices), most first."""
    out: dict[str, int] = {}
    for v, k in report.dropped_at:
        out[name(v)] = out.get(name(v), 0) + int(k)
    return sorted(out.items(), key=lambda pk: -pk[1])


def _lenient(name: Callable[[str], str]) -> Callable[[str], str]:
    """``name``, falling back to the id itself for a vertex it does not know."""

    def lookup(v: str) -> str:
        try:
            return name(v)
        except (KeyError, IndexError):
            return v

    return lookup


def route_options(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str | None = None,
    teu: float | None = None,
    feu: float | None = None,
    tonnes: float | None = None,
    scenario: Any = None,
    congested: bool = False,
    **options: Any,
) -> tuple[Network, RouteOptions]:
    """Pareto route options for a request, and the network they were found on.

    Parameters
    ----------
    network
        The base network (or a scenario's, with ``scenario=None``).
    origin, destination
        Place names or node ids.
    cargo
        ``container``, ``bulk``/``grain`` or a cargo class; default from the quantity
        (:func:`cargo_for`).
    teu, feu, tonnes
        The quantity (one of them; default 1 unit).
    scenario
        A shipped scenario name, a file or a :class:`~corridors.scenarios.Scenario` to apply
        first (with ``congested``: whose equilibrium waits to add).
    congested
        Add the equilibrium waits (crossings, ports, ferries) of the base-year demand, or of
        the scenario's network and demand.
    **options
        Passed to :func:`~corridors.routing.pareto_routes` (``avoid_countries``,
        ``departure``, ``max_days``, ``eps``, ``max_options`` ...).

    Returns
    -------
    tuple of (Network, RouteOptions)
        The network the options are on (scenario applied) and the options.

    Raises
    ------
    corridors.errors.ContradictoryOptionsError
        For a quantity that does not fit the cargo (TEU for bulk, tonnes for containers,
        two quantities).
    """
    kind = cargo_for(cargo, tonnes=tonnes)
    if congested:
        from corridors.routing.congested import congested_routes, equilibrium_for

        net = equilibrium_for(network, scenario)[0]
        opts = congested_routes(
            network,
            origin,
            destination,
            scenario=scenario,
            cargo=kind,
            teu=teu,
            feu=feu,
            tonnes=tonnes,
            **options,
        )
        return net, opts
    from corridors.routing import pareto_routes  # the public name (tests may stand in for it)

    net = network
    if scenario is not None and scenario != "":
        from corridors.scenarios import apply_scenario

        net = apply_scenario(network, scenario)[0]
    opts = pareto_routes(
        net, origin, destination, cargo=kind, teu=teu, feu=feu, tonnes=tonnes, **options
    )
    return net, opts
