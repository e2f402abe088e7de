"""Mode and corridor choice: the alternatives, their nests, the nested logit and its parameters.

A shipper moving one class of cargo between two zones (a *market*) chooses among
alternatives grouped in nests:

=========  ========================================================================
nest       alternatives
=========  ========================================================================
``sea``    ``sea_suez``, ``sea_cape``, ``sea_other`` (short-sea or a lane without canal)
``rail``   ``rail_northern`` (via Russia/Belarus), ``rail_middle`` (Trans-Caspian),
           ``rail_southern`` (Turkmenistan–Iran, into Iran), ``rail_direct`` (regional:
           China–Kazakhstan and Central Asia, Turkmenistan and Afghanistan included)
``road``   ``road``
``air``    ``air``
=========  ========================================================================

Each alternative holds one or more routes (e.g. the Northern corridor via Dostyk or via
Altynkol). The utility of an alternative is ``asc_a − λ · ln G_a`` where ``G_a`` is the
composite generalized cost of its routes in USD per unit,
``ln G_a = −(1/μ) ln Σ_routes exp(−μ ln G_route)``, and ``G_route = tariffs + value of time ×
congested hours``. Log-cost utilities make the model scale-free across markets of very
different length (Almaty–Urumqi and Xi'an–Duisburg share one ``λ``), and ``λ`` is then the
direct elasticity of an alternative's volume to its own cost when its share is small.

Choice probabilities follow the nested logit (McFadden 1978; Ben-Akiva and Lerman 1985, ch. 10):
``P(a) = P(a | n) · P(n)`` with ``P(a | n) = exp(V_a/θ_n) / Σ_{b∈n} exp(V_b/θ_n)`` and
``P(n) = exp(I_n) / Σ_m exp(I_m)``, ``I_n = θ_n ln Σ_{b∈n} exp(V_b/θ_n)``; ``0 < θ_n ≤ 1``
(``θ = 1`` for every nest is the multinomial logit). Consistency with utility maximisation
across the three levels needs ``μ ≥ λ / θ_n``.

References
----------
.. [1] McFadden, D. (1978). Modelling the choice of residential location. In Karlqvist et al.
   (eds.), Spatial Interaction Theory and Planning Models, 75–96. North-Holland.
.. [2] Ben-Akiva, M., Lerman, S. R. (1985). Discrete Choice Analysis. MIT Press.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corridors.errors import InvalidSpecError, explain
from corridors.network.corridor_rule import CASPIAN_FERRY, CORRIDOR_LABELS, route_alternative

__all__ = [
    "ALTERNATIVES",
    "CALIBRATION_FILE",
    "CASPIAN_FERRY",
    "NESTS",
    "TIME_GROUPS",
    "ChoiceParameters",
    "load_parameters",
    "nested_logit",
    "nested_logit_elasticity",
    "route_alternative",
]

F64 = npt.NDArray[np.float64]

NESTS: Mapping[str, tuple[str, ...]] = {
    "sea": ("sea_suez", "sea_cape", "sea_other"),
    "rail": ("rail_northern", "rail_middle", "rail_southern", "rail_direct"),
    "road": ("road",),
    "air": ("air",),
}
"""Nest → its alternatives."""

ALTERNATIVES: tuple[str, ...] = tuple(a for alts in NESTS.values() for a in alts)
"""Every alternative, nest by nest."""

CARGO_GROUPS: tuple[str, ...] = ("container", "bulk")
"""Cargo groups (a class's ``ClassProfile.cargo``, from ``classes.csv``) that may carry their
own constants (``asc["rail_southern@bulk"]``). Also the queue priority order: with
``global,queue_priority`` on, queues (border crossings, ports, ferries)
serve the first group (container block trains on scheduled paths) before the second
(unscheduled bulk trains); see :func:`~corridors.assignment.vdf.priority_factors`."""

NEST_OF: Mapping[str, str] = {a: n for n, alts in NESTS.items() for a in alts}
"""Alternative → its nest (its mode group)."""

NEST_NAMES: tuple[str, ...] = tuple(NESTS)
"""The nests, in the order of :data:`NESTS`."""

ALT_NEST: npt.NDArray[np.int64] = np.array(
    [NEST_NAMES.index(NEST_OF[a]) for a in ALTERNATIVES], np.int64
)
"""Per alternative (in :data:`ALTERNATIVES` order): the position of its nest in
:data:`NEST_NAMES`."""

LABELS: Mapping[str, str] = CORRIDOR_LABELS
"""Alternative → the corridor name used in tables."""


CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "data" / "model" / "calibration.json"
"""The calibrated parameters the model loads by default (written by ``corridors calibrate``)."""

FREE_PARAMETERS: tuple[str, ...] = (
    "asc_rail_direct",
    "asc_rail_northern",
    "asc_rail_middle",
    "asc_rail_southern",
    "asc_rail_direct@bulk",
    "asc_rail_northern@bulk",
    "asc_rail_middle@bulk",
    "asc_rail_southern@bulk",
    "log_vot_scale",
    "log_queue_scale",
)
"""The parameters calibration fits: rail corridor constants for all classes plus a bulk-only
increment (bulk and containers weigh corridors differently: sanctions, wagon fleets, port
equipment). The sea alternatives are the reference (constant 0); road
and air keep constant 0 because no observation counts them (a fitted air constant would be
free to absorb any container volume the counts do not want on rail). Calibration adds the
running-time factors of :data:`TIME_GROUPS` (``log_time_<group>``)."""

TIME_GROUPS: Mapping[str, tuple[str, ...]] = {
    "cn": ("rail_cn",),
    "kz": ("rail_kz",),
    "ru": ("rail_ru", "rail_eu1520"),
    "eu": ("rail_eu",),
    "caucasus": ("rail_caucasus", "rail_tr"),
    "south": ("rail_tm", "rail_uz", "rail_ir"),
    "caspian": ("ferry_caspian",),
}
"""Region → the ``link_class`` values whose free-flow time one factor scales
(``ChoiceParameters.time_factor``). Rail: only line links (not crossings, ports or
terminals, whose time is a dwell plus a queue); the factor is the ratio of the commercial
time of trains on that region's lines (stops, crew and locomotive changes, marshalling,
waiting for paths) to the running time at the network's line speeds. Caspian ferries: the
whole free-flow time of the ferry link (sailing plus the wait for a sailing; the queue on
top of it has its own scale)."""


@dataclass(frozen=True)
class ChoiceParameters:
    """Parameters of the mode/corridor/route choice model. Validated when built.

    Parameters
    ----------
    cost_scale
        ``λ``: utility per unit of log generalized cost (dimensionless; default 1.5, so the
        direct cost elasticity of a small alternative is about −1.5 in a plain logit).
    route_scale
        ``μ``: scale of the route choice inside an alternative (default 25: a route 10 %
        dearer than its sibling carries ``e^-2.4`` ≈ 9 % as much).
    nest_scale
        Nest → ``θ`` in (0, 1] (default 0.5 for sea and rail, 1 for road and air).
    asc
        Alternative → constant (utility units; default 0). Alternatives not named get 0. A
        key ``"<alternative>@bulk"`` (or ``@container``) adds a constant for that cargo
        group's classes only.
    vot_scale
        Factor on every class's value of time (default 1).
    queue_scale
        Factor on the queue parameter ``alpha`` of border, port and ferry queues (default 1).
    time_factor
        Region of :data:`TIME_GROUPS` → factor on the running time of its rail lines
        (default 1 for every region).
    provenance
        Where the values come from (run date, objective, observation set) when calibrated.

    Raises
    ------
    corridors.errors.InvalidSpecError
        For non-positive scales, a nest scale outside (0, 1], ``μ < λ/θ`` or an unknown
        alternative or nest.

    Examples
    --------
    >>> p = ChoiceParameters(asc={"rail_northern": -1.0})
    >>> p.asc_of("rail_northern"), p.asc_of("sea_suez")
    (-1.0, 0.0)
    >>> ChoiceParameters(nest_scale={"rail": 1.5})
    Traceback (most recent call last):
    ...
    corridors.errors.InvalidSpecError: nest_scale['rail']=1.5 must be in (0, 1]. ...
    """

    cost_scale: float = 1.5
    route_scale: float = 25.0
    nest_scale: Mapping[str, float] = field(
        default_factory=lambda: {"sea": 0.5, "rail": 0.5, "road": 1.0, "air": 1.0}
    )
    asc: Mapping[str, float] = field(default_factory=dict)
    vot_scale: float = 1.0
    queue_scale: float = 1.0
    time_factor: Mapping[str, float] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("cost_scale", "route_scale", "vot_scale", "queue_scale"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise InvalidSpecError(
                    explain(
                        f"{name}={v!r} must be a positive number.",
                        fix=f"Use e.g. {name}=1.",
                    )
                )
        ns = {"sea": 0.5, "rail": 0.5, "road": 1.0, "air": 1.0}
        for k, v in dict(self.nest_scale).items():
            if k not in NESTS:
                raise InvalidSpecError(
                    explain(f"Unknown nest {k!r} in nest_scale.", fix=f"Use one of {list(NESTS)}.")
                )
            if not (isinstance(v, int | float) and 0 < v <= 1):
                raise InvalidSpecError(
                    explain(
                        f"nest_scale[{k!r}]={v!r} must be in (0, 1].",
                        why="A nest scale above 1 contradicts random utility maximisation.",
                        fix="Use 1 for no nesting, smaller for closer substitutes.",
                    )
                )
            ns[k] = float(v)
        for k, v in dict(self.asc).items():
            alt, _, group = k.partition("@")
            if alt not in ALTERNATIVES or group not in ("", *CARGO_GROUPS):
                raise InvalidSpecError(
                    explain(
                        f"Unknown alternative {k!r} in asc.",
                        fix=f"Use one of {ALTERNATIVES}, optionally with @container or @bulk.",
                    )
                )
            if not math.isfinite(v):
                raise InvalidSpecError(explain(f"asc[{k!r}]={v!r} must be finite."))
        if self.route_scale < self.cost_scale / min(ns.values()) - 1e-9:
            raise InvalidSpecError(
                explain(
                    f"route_scale={self.route_scale} is below cost_scale / nest scale = "
                    f"{self.cost_scale / min(ns.values()):g}.",
                    why="Routes inside an alternative must be closer substitutes than "
                    "alternatives inside a nest.",
                    fix="Raise route_scale or lower cost_scale.",
                )
            )
        for k, v in dict(self.time_factor).items():
            if k not in TIME_GROUPS or not (isinstance(v, int | float) and 0 < v < 100):
                raise InvalidSpecError(
                    explain(
                        f"time_factor[{k!r}]={v!r}: the region must be one of "
                        f"{list(TIME_GROUPS)} and the factor a positive number.",
                        fix="Use e.g. time_factor={'kz': 1.1}.",
                    )
                )
        object.__setattr__(
            self, "time_factor", {k: float(v) for k, v in dict(self.time_factor).items()}
        )
        object.__setattr__(self, "nest_scale", ns)
        object.__setattr__(self, "asc", {k: float(v) for k, v in dict(self.asc).items()})

    def asc_of(self, alternative: str, group: str | None = None) -> float:
        """Constant of one alternative (0 when not set); with ``group`` (``"container"`` or
        ``"bulk"``) plus that cargo group's own constant ``"<alternative>@<group>"``."""
        extra = self.asc.get(f"{alternative}@{group}", 0.0) if group else 0.0
        return float(self.asc.get(alternative, 0.0) + extra)

    # -- the calibration's view: a vector of free parameters ------------------------------
    def vector(self, names: tuple[str, ...] = FREE_PARAMETERS) -> F64:
        """The free parameters as a vector (log scales for the two factors)."""
        out = []
        for n in names:
            if n.startswith("asc_"):
                out.append(self.asc_of(n[4:]))
            elif n == "log_vot_scale":
                out.append(math.log(self.vot_scale))
            elif n == "log_queue_scale":
                out.append(math.log(self.queue_scale))
            elif n == "log_cost_scale":
                out.append(math.log(self.cost_scale))
            elif n.startswith("log_time_") and n[9:] in TIME_GROUPS:
                out.append(math.log(self.time_factor.get(n[9:], 1.0)))
            else:
                raise InvalidSpecError(explain(f"Unknown free parameter {n!r}."))
        return np.array(out)

    def with_vector(
        self, x: npt.ArrayLike, names: tuple[str, ...] = FREE_PARAMETERS
    ) -> ChoiceParameters:
        """A copy with the free parameters set from ``x`` (see :meth:`vector`)."""
        asc = dict(self.asc)
        tf = dict(self.time_factor)
        kw: dict[str, Any] = {}
        scales = {"log_vot_scale": "vot_scale", "log_queue_scale": "queue_scale"}
        scales["log_cost_scale"] = "cost_scale"
        for n, v in zip(names, np.asarray(x, dtype=float), strict=True):
            if n.startswith("asc_"):
                asc[n[4:]] = float(v)
            elif n in scales:
                kw[scales[n]] = float(math.exp(v))
            elif n.startswith("log_time_") and n[9:] in TIME_GROUPS:
                tf[n[9:]] = float(math.exp(v))
            else:
                raise InvalidSpecError(explain(f"Unknown free parameter {n!r}."))
        return replace(self, asc=asc, time_factor=tf, **kw)

    def link_time_factors(self, link_class: npt.ArrayLike, queue: npt.ArrayLike) -> F64:
        """Factor on each link's free-flow time: ``time_factor`` of the link's region for
        rail line links and Caspian ferries, 1 for rail queue elements (``queue`` true:
        crossings, ports, terminals) and everything else.

        >>> p = ChoiceParameters(time_factor={"kz": 1.2})
        >>> p.link_time_factors(["rail_kz", "rail_kz", "sea_container"], [False, True, False])
        array([1.2, 1. , 1. ])
        """
        cls = np.asarray(link_class, dtype=object)
        out = np.ones(cls.shape[0])
        if not self.time_factor:
            return out
        line = ~np.asarray(queue, dtype=bool)
        for group, f in self.time_factor.items():
            classes = TIME_GROUPS[group]
            sel = np.isin(cls, classes)
            if not all(c.startswith("ferry_") for c in classes):
                sel &= line
            out[sel] = f
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see :func:`load_parameters`)."""
        return {
            "cost_scale": self.cost_scale,
            "route_scale": self.route_scale,
            "nest_scale": dict(self.nest_scale),
            "asc": dict(self.asc),
            "vot_scale": self.vot_scale,
            "queue_scale": self.queue_scale,
            "time_factor": dict(self.time_factor),
            "provenance": dict(self.provenance),
        }

    def save(self, path: str | Path) -> Path:
        """Write the parameters as JSON."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return p


def load_parameters(path: str | Path | None = None) -> ChoiceParameters:
    """The calibrated parameters (default :data:`CALIBRATION_FILE`), else the defaults.

    Raises
    ------
    corridors.errors.InvalidSpecError
        When the file is not valid JSON or holds invalid values.
    """
    p = CALIBRATION_FILE if path is None else Path(path)
    if path is None and not p.exists():
        return ChoiceParameters(provenance={"source": "defaults (not calibrated)"})
    try:
        d = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidSpecError(
            explain(
                f"Cannot read choice parameters from {p}: {exc}.",
                fix="Re-run `corridors calibrate` or give a valid JSON file.",
            )
        ) from None
    keys = {"cost_scale", "route_scale", "nest_scale", "asc", "vot_scale", "queue_scale"}
    keys.add("time_factor")
    kw = {k: v for k, v in d.items() if k in keys}
    return ChoiceParameters(**kw, provenance=d.get("provenance", {"file": str(p)}))


def provenance(objective: float, observations: str, **extra: Any) -> dict[str, Any]:
    """Provenance record of a calibration run (UTC date, objective value, observation set)."""
    return {
        "run_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "objective": float(objective),
        "observations": observations,
        **extra,
    }


def nested_logit(
    utility: npt.ArrayLike,
    nest: npt.ArrayLike,
    nest_scale: npt.ArrayLike,
) -> F64:
    """Nested-logit probabilities of alternatives (last axis) in one or many markets.

    Parameters
    ----------
    utility
        ``(..., A)`` systematic utilities; ``-inf`` marks an unavailable alternative.
    nest
        ``(A,)`` nest index of each alternative.
    nest_scale
        ``(N,)`` nest scales ``θ`` in (0, 1].

    Returns
    -------
    numpy.ndarray
        ``(..., A)`` probabilities summing to 1 over available alternatives (all zero in a
        market with none available).

    Examples
    --------
    Two alternatives in separate nests are a binary logit:

    >>> nested_logit([0.0, -1.0], [0, 1], [1.0, 1.0]).round(4).tolist()
    [0.7311, 0.2689]
    """
    u = np.asarray(utility, dtype=float)
    nest_i = np.asarray(nest, dtype=np.int64)
    theta = np.asarray(nest_scale, dtype=float)
    if u.shape[-1] != nest_i.shape[0]:
        raise InvalidSpecError(explain("utility and nest disagree on the number of alternatives."))
    if (theta <= 0).any() or (theta > 1).any():
        raise InvalidSpecError(explain("Nest scales must be in (0, 1]."))
    n_nests = int(theta.shape[0])
    cond = np.zeros_like(u)
    incl = np.full((*u.shape[:-1], n_nests), -np.inf)
    for k in range(n_nests):
        idx = np.flatnonzero(nest_i == k)
        if idx.size == 0:
            continue
        s = u[..., idx] / theta[k]
        m = np.max(s, axis=-1, keepdims=True)
        ok = np.isfinite(m)
        e = np.where(ok, np.exp(s - np.where(ok, m, 0.0)), 0.0)
        tot = e.sum(axis=-1, keepdims=True)
        cond[..., idx] = np.where(tot > 0, e / np.where(tot > 0, tot, 1.0), 0.0)
        with np.errstate(divide="ignore"):
            incl[..., k] = np.where(
                ok[..., 0],
                theta[k] * (m[..., 0] + np.log(np.where(tot > 0, tot, 1.0)[..., 0])),
                -np.inf,
            )
    m = np.max(incl, axis=-1, keepdims=True)
    ok = np.isfinite(m)
    e = np.where(ok, np.exp(incl - np.where(ok, m, 0.0)), 0.0)
    tot = e.sum(axis=-1, keepdims=True)
    p_nest = np.where(tot > 0, e / np.where(tot > 0, tot, 1.0), 0.0)
    return cond * p_nest[..., nest_i]


def nested_logit_elasticity(
    prob: npt.ArrayLike, nest: npt.ArrayLike, nest_scale: npt.ArrayLike, beta: float
) -> F64:
    """Analytic point elasticities ``∂ ln P_i / ∂ ln x_j`` of a nested logit with
    ``V_j = … + beta · ln x_j`` (one market).

    Parameters
    ----------
    prob
        ``(A,)`` choice probabilities.
    nest, nest_scale
        As in :func:`nested_logit`.
    beta
        Coefficient of the log attribute (``-λ`` for log cost).

    Returns
    -------
    numpy.ndarray
        ``(A, A)``: row ``i`` (responding alternative), column ``j`` (attribute changed).
        Direct: ``beta[(1 − P_j) + (1/θ − 1)(1 − P_{j|n})]``; same nest:
        ``−beta[P_j + (1/θ − 1) P_{j|n}]``; other nest: ``−beta P_j``.
    """
    p = np.asarray(prob, dtype=float)
    nest_i = np.asarray(nest, dtype=np.int64)
    theta = np.asarray(nest_scale, dtype=float)[nest_i]
    p_nest = np.array([p[nest_i == nest_i[j]].sum() for j in range(len(p))])
    p_cond = np.where(p_nest > 0, p / np.where(p_nest > 0, p_nest, 1.0), 0.0)
    a = len(p)
    out = np.empty((a, a))
    for i in range(a):
        for j in range(a):
            if i == j:
                out[i, j] = beta * ((1 - p[j]) + (1 / theta[j] - 1) * (1 - p_cond[j]))
            elif nest_i[i] == nest_i[j]:
                out[i, j] = -beta * (p[j] + (1 / theta[j] - 1) * p_cond[j])
            else:
                out[i, j] = -beta * p[j]
    return out
