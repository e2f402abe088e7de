"""Freight flows as one service: demand scaled, the equilibrium on it, and the report tables.

The CLI (``corridors flows``), the REST API (assignment jobs, ``/api/flows``,
``/api/bottlenecks``, ``/api/select-link``) and the web map all call this module, so the
demand rules (scaling by class and by country pair), the model run (the calibrated choice
equilibrium by default, or the user equilibrium of the corridor network) and the tables people
read (bottlenecks, mode and corridor shares, changes against the unchanged base) exist once.

Examples
--------
>>> from corridors.network import load_network
>>> net = load_network()
>>> run = run_flows(net, target_gap=1e-4)
>>> run.model, run.reference is None
('choice', True)
>>> rows = bottleneck_records(run.network, run.result, top=3)
>>> len(rows) <= 3 and all(r["utilization"] is not None for r in rows)
True
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors._progress import ProgressCallback
    from corridors.assignment.demand import ODMatrices
    from corridors.network.costs import CostModel
    from corridors.network.model import Network

__all__ = [
    "MODELS",
    "UE_ALGORITHMS",
    "FlowRun",
    "bottleneck_records",
    "country_pair_zones",
    "flows_report",
    "link_labels",
    "run_flows",
    "scale_demand",
]

MODELS = ("choice", "ue")
"""``choice``: mode, corridor and route choice in equilibrium (2024 base year, calibrated);
``ue``: fixed 2021 overland demand, user-equilibrium routes on the corridor network."""

UE_ALGORITHMS = ("gp", "bfw", "cfw", "fw", "msa", "aon")
"""Algorithms of the ``ue`` model (:class:`~corridors.assignment.AssignmentSpec`)."""

CountryPair = tuple[str, str, float]


def country_pair_zones(
    network: Network, demand: ODMatrices, pairs: Sequence[CountryPair]
) -> list[tuple[list[str], list[str], float]]:
    """Demand zones of ``(origin country, destination country, factor)`` triples.

    Countries are ISO alpha-2 codes (any case); ``*`` means every zone.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a code that matches no demand zone (with the closest country name and the codes
        that have zones).
    """
    country = dict(zip(network.nodes.index.astype(str), network.nodes["country"], strict=True))
    zones = list(demand.zones)
    return [
        (_zones_of(a, zones, country), _zones_of(b or "*", zones, country), f) for a, b, f in pairs
    ]


def _zones_of(code: str, zones: list[str], country: dict[str, str]) -> list[str]:
    code = code.strip()
    if code == "*":
        return list(zones)
    hit = [z for z in zones if country.get(z) == code.upper()]
    if hit:
        return hit
    from corridors._iso3166 import ALPHA2

    present = sorted({country[z] for z in zones if z in country})
    by_name = [c for c, name in ALPHA2.items() if name.lower().startswith(code.lower())]
    hint = f" Did you mean {by_name[0]} ({ALPHA2[by_name[0]]})?" if by_name else ""
    raise InvalidSpecError(
        explain(
            f"Country {code!r} matches no demand zone.",
            why="Countries are ISO alpha-2 codes, and only countries with demand zones count.",
            fix=f"{hint} Countries with zones: {', '.join(present)}; '*' means all.".strip(),
        )
    )


def scale_demand(
    network: Network,
    demand: ODMatrices,
    *,
    factor: float = 1.0,
    classes: Mapping[str, float] | None = None,
    country_pairs: Sequence[CountryPair] = (),
) -> ODMatrices:
    """Demand multiplied: all of it, per class, and container cells per country pair.

    Parameters
    ----------
    network
        The network whose nodes give each zone's country.
    demand
        The demand to scale (not changed).
    factor
        Applies to every cell of every class.
    classes
        Class name → extra factor (e.g. ``{"grain": 0.5}``).
    country_pairs
        ``(origin ISO code, destination ISO code or "*", factor)``: extra factors on the
        container classes' cells between those countries (e.g. ``("CN", "KZ", 2.6)``).

    Returns
    -------
    ODMatrices
        ``demand`` itself when nothing changes, else a scaled copy.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For a country with no demand zone.
    corridors.errors.DemandError
        For an unknown class or a negative factor.
    """
    if factor == 1.0 and not classes and not country_pairs:
        return demand
    return demand.scaled(
        factor,
        classes=dict(classes or {}),
        pairs=country_pair_zones(network, demand, country_pairs),
        pair_classes=[c for c in demand.classes if c.startswith("container")],
    )


@dataclass(frozen=True)
class FlowRun:
    """One flows run: the model's result on the (scenario) network and scaled demand.

    Attributes
    ----------
    model
        ``"choice"`` or ``"ue"`` (see :data:`MODELS`).
    network
        The network assigned (the scenario applied).
    result
        A :class:`~corridors.assignment.sue.ChoiceResult` (``choice``) or an
        :class:`~corridors.assignment.results.AssignmentResult` (``ue``).
    reference
        The same model on the unchanged demand (and, for ``choice``, the unchanged network),
        when the run changed either; else ``None``.
    seconds
        Wall time of the run, s.
    parameters
        The choice model's parameter provenance (run date, or "defaults (not calibrated)").
    """

    model: str
    network: Network
    result: Any
    reference: Any
    seconds: float
    parameters: str = ""


def run_flows(
    network: Network,
    *,
    model: str = "choice",
    demand: ODMatrices | str | Path | None = None,
    scenario: Any = None,
    factor: float = 1.0,
    classes: Mapping[str, float] | None = None,
    country_pairs: Sequence[CountryPair] = (),
    target_gap: float = 1e-6,
    max_iterations: int | None = None,
    algorithm: str = "gp",
    progress: ProgressCallback | None = None,
    cost_model: CostModel | None = None,
) -> FlowRun:
    """Equilibrium flows of the base (or given) demand, after a scenario and demand scaling.

    Parameters
    ----------
    network
        The base network.
    model
        ``"choice"`` (default) or ``"ue"``, see :data:`MODELS`.
    demand
        Demand matrices or a demand file (``.csv``/``.parquet``/``.omx``); default the
        model's base demand.
    scenario
        A shipped scenario name, a file or a :class:`~corridors.scenarios.Scenario`: its
        network and demand changes apply first.
    factor, classes, country_pairs
        Demand scaling, as :func:`scale_demand`.
    target_gap
        Relative gap to stop at.
    max_iterations
        Most iterations (default: the model's).
    algorithm
        The ``ue`` model's algorithm (:data:`UE_ALGORITHMS`).
    progress
        Called with :class:`~corridors._progress.Progress` updates of the main run.
    cost_model
        The cost model pricing every route of both models and of the reference (default
        ``CostModel()``): e.g. ``CostModel(carbon_price_usd_per_t=100.0)`` or cost terms of
        one's own.

    Returns
    -------
    FlowRun
        With ``reference`` when the scenario (choice model) or the scaling changed anything.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown model or algorithm, a bad scaling, or a ``cost_model`` that is not a
        :class:`~corridors.network.costs.CostModel`.
    """
    from corridors.network.costs import CostModel

    if model not in MODELS:
        raise InvalidSpecError(explain(f"Unknown flows model {model!r}.", fix="Use choice or ue."))
    t0 = time.perf_counter()
    req = _Request(
        network, demand, scenario, {"factor": factor, "classes": classes,
        "country_pairs": country_pairs}, target_gap, max_iterations, progress,
        CostModel.coerce(cost_model),
    )  # fmt: skip
    if model == "choice":
        res, ref, net, provenance = _choice(req)
    else:
        res, ref, net = _ue(req, algorithm)
        provenance = ""
    return FlowRun(model, net, res, ref, round(time.perf_counter() - t0, 2), provenance)


@dataclass(frozen=True)
class _Request:
    """What :func:`run_flows` was asked, for the model functions."""

    network: Network
    demand: ODMatrices | str | Path | None
    scenario: Any
    scaling: dict[str, Any]
    target_gap: float
    max_iterations: int | None
    progress: ProgressCallback | None
    cost_model: CostModel


def _given(scenario: Any) -> bool:
    return scenario is not None and not (isinstance(scenario, str) and not scenario)


def _with_scenario(network: Network, scenario: Any, demand: ODMatrices) -> tuple[Network, Any]:
    """The network and demand after ``scenario`` (both unchanged without one)."""
    if not _given(scenario):
        return network, demand
    from corridors.scenarios import apply_scenario

    net, changed = apply_scenario(network, scenario, demand=demand)
    return net, changed if changed is not None else demand


def _read_demand(demand: ODMatrices | str | Path, zones: list[str]) -> ODMatrices:
    if isinstance(demand, str | Path):
        from corridors.io.demand import read_demand

        return read_demand(demand, zones=zones)
    return demand


def _choice(req: _Request) -> tuple[Any, Any, Network, str]:
    from corridors.assignment.choice import load_parameters
    from corridors.assignment.sue import SUESpec, base_demand, equilibrium

    network = req.network
    zones = list(network.nodes.index.astype(str))
    base = base_demand(network) if req.demand is None else _read_demand(req.demand, zones)
    net, before = _with_scenario(network, req.scenario, base)
    od = scale_demand(net, before, **req.scaling)
    params = load_parameters()
    spec = SUESpec(target_gap=max(req.target_gap, 1e-12))
    if req.max_iterations is not None:
        spec = SUESpec(target_gap=spec.target_gap, max_iterations=req.max_iterations)
    cm = req.cost_model
    res = equilibrium(net, od, params=params, spec=spec, progress=req.progress, cost_model=cm)
    changed = _given(req.scenario) or od is not before
    ref = equilibrium(network, base, params=params, spec=spec, cost_model=cm) if changed else None
    return res, ref, net, str(params.provenance.get("run_date", "defaults (not calibrated)"))


def _ue(req: _Request, algorithm: str) -> tuple[Any, Any, Network]:
    from corridors.assignment import AssignmentSpec
    from corridors.assignment._from_network import assign_network, baseline_demand, corridor_graph

    if algorithm not in UE_ALGORITHMS:
        raise InvalidSpecError(
            explain(f"Unknown algorithm {algorithm!r}.", fix=f"Use one of {UE_ALGORITHMS}.")
        )
    network, demand = req.network, req.demand
    cg = corridor_graph(network, cost_model=req.cost_model)
    od = baseline_demand(network) if demand is None else _read_demand(demand, list(cg.zones))
    net, od = _with_scenario(network, req.scenario, od)
    cg = cg if net is network else corridor_graph(net, cost_model=req.cost_model)
    base = od
    od = scale_demand(net, od, **req.scaling)
    spec = AssignmentSpec(
        algorithm=algorithm, target_gap=req.target_gap, max_iterations=req.max_iterations or 2000
    )
    res = assign_network(net, od, spec=spec, progress=req.progress, corridor=cg)
    ref = None if od is base else assign_network(net, base, spec=spec, corridor=cg)
    return res, ref, net


class LinkLabels(dict[str, str]):
    """Readable names of assignment links; unknown ids fall back to a parsed or raw form.

    ``rail-alashankou-dostyk:f`` → ``Alashankou → Dostyk (rail)``;
    ``transfer:CNURM:rail1435>road`` → ``Urumqi: transfer rail 1435 mm → road``.
    """

    def __init__(self, items: dict[str, str], names: dict[str, str]) -> None:
        super().__init__(items)
        self.names = names

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        kind, _, rest = key.partition(":")
        node, _, ports = rest.partition(":")
        a, sep, b = ports.partition(">")
        if kind in ("transfer", "gauge_change", "handling") and sep:
            what = kind.replace("_", " ")
            return f"{self.names.get(node, node)}: {what} {_port(a)} → {_port(b)}"
        return key if default is None else default


def _port(port: str) -> str:
    if port.startswith("rail") and port[4:].isdigit():
        return f"rail {port[4:]} mm"
    return "terminal" if port == "access" else port


def link_labels(net: Any) -> LinkLabels:
    """``link_id`` and directed ``link_id_dir`` → ``"Alashankou → Dostyk (rail)"``."""
    names = dict(zip(net.nodes.index.astype(str), net.nodes["name"].astype(str), strict=True))
    out: dict[str, str] = {}
    links = net.links
    for lid, lid_dir, a, b, mode in zip(
        links["link_id"],
        links["link_id_dir"],
        links["from_node"],
        links["to_node"],
        links["mode"],
        strict=True,
    ):
        label = f"{names.get(a, a)} → {names.get(b, b)} ({mode})"
        out[str(lid_dir)] = label
        out.setdefault(str(lid), label)
    return LinkLabels(out, names)


def bottleneck_records(network: Network, result: Any, *, top: int = 20) -> list[dict[str, Any]]:
    """The most utilized capacity-limited physical links, as :func:`flows_to_geojson`
    properties (``link_id``, ``direction``, ``name``, ``link_type``, ``flow_teu_equiv``,
    flows per class, ``capacity_teu_equiv``, ``utilization``, ``delay_h``), highest first.

    Links without a capacity (the library's uncongested ones) and without flow are left out.
    """
    from corridors.io.geo import flows_to_geojson

    props = [f["properties"] for f in flows_to_geojson(network, result)["features"]]
    rows = [p for p in props if p["utilization"] is not None and (p["flow_teu_equiv"] or 0) > 0]
    rows.sort(key=lambda p: -float(p["utilization"]))
    return rows[:top]


def flows_report(run: FlowRun, *, top: int = 15) -> dict[str, Any]:
    """The tables of a flows run, as JSON-ready records with readable link names.

    ``choice``: ``bottlenecks`` (TEU-equivalent a year, hours), ``mode_shares``,
    ``corridor_shares`` and, with a reference, ``mode_shares_vs_base``. ``ue``:
    ``bottlenecks`` (flow and capacity in TEU-equivalent a year, times in days) and, with a
    reference, ``changes_vs_baseline`` (largest flow changes). Both: ``iterations``,
    ``relative_gap``, ``seconds``.
    """
    labels = link_labels(run.network)
    if run.model == "choice":
        return _choice_report(run, labels, top)
    return _ue_report(run, labels, top)


def _named(labels: Mapping[str, str], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"link": labels.get(str(r["link_id"]), str(r["link_id"])), **r} for r in records]


_CHOICE_BOTTLENECK = [
    "link_id",
    "link_type",
    "flow_teu_eq_per_yr",
    "capacity_teu_eq_per_yr",
    "volume_capacity",
    "free_flow_h",
    "delay_h",
]


def _choice_report(run: FlowRun, labels: Mapping[str, str], top: int) -> dict[str, Any]:
    res = run.result
    ms, cs = res.mode_shares(by="mode"), res.mode_shares(by="corridor")
    report: dict[str, Any] = {
        "model": "choice",
        "parameters": run.parameters,
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "converged": res.converged,
        "bottlenecks": _named(
            labels, res.bottlenecks(top=top)[_CHOICE_BOTTLENECK].to_dict(orient="records")
        ),
        "mode_shares": ms[["class", "mode", "flow", "share"]].to_dict(orient="records"),
        "corridor_shares": cs[["class", "corridor", "flow", "share"]].to_dict(orient="records"),
    }
    if run.reference is not None:
        rm = run.reference.mode_shares(by="mode")[["class", "mode", "share"]]
        m = rm.merge(ms[["class", "mode", "share"]], on=["class", "mode"], how="outer")
        m = m.fillna(0.0)
        m.columns = ["class", "mode", "base_share", "share"]
        report["mode_shares_vs_base"] = m.to_dict(orient="records")
    report["seconds"] = run.seconds
    return report


_DAYS = {"free_flow_time": "free_flow_days", "base_delay": "base_delay_days", "delay": "delay_days"}
_UE_BOTTLENECK = [
    "link_id",
    "link_type",
    "flow_pcu",
    "capacity",
    "volume_capacity",
    "free_flow_time",
    "delay",
]


def _in_days(labels: Mapping[str, str], df: Any, cols: list[str]) -> list[dict[str, Any]]:
    """Readable records: place names, times in days (the ids kept)."""
    rows = []
    for rec in _named(labels, df[cols].to_dict(orient="records")):
        for hours, days in _DAYS.items():
            if hours in rec:
                rec[days] = rec.pop(hours) / 24.0
        rows.append(rec)
    return rows


def _ue_report(run: FlowRun, labels: Mapping[str, str], top: int) -> dict[str, Any]:
    res, ref = run.result, run.reference
    report: dict[str, Any] = {
        "iterations": res.iterations,
        "relative_gap": res.relative_gap,
        "bottlenecks": _in_days(labels, res.bottlenecks(top=top), _UE_BOTTLENECK),
    }
    if ref is not None:
        lt, lr = res.link_table(), ref.link_table()
        lt["base_flow_pcu"] = lr["flow_pcu"]
        lt["base_delay"] = lr["delay"]
        lt["flow_change"] = lt["flow_pcu"] - lt["base_flow_pcu"]
        div = (
            lt[lt["link_type"] != "handling"]
            .reindex(lt["flow_change"].abs().sort_values(ascending=False).index)
            .head(top)
        )
        report["changes_vs_baseline"] = _in_days(
            labels,
            div,
            ["link_id", "link_type", "base_flow_pcu", "flow_pcu", "base_delay", "delay"],
        )
    report["seconds"] = run.seconds
    return report
