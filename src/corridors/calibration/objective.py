"""The calibration objective: counts, times, a congestion penalty and a prior.

Objective
---------
``J(x) = J_counts + J_times + J_congestion + J_prior``, a sum of squared residuals
(minimised by :func:`scipy.optimize.least_squares`, see :mod:`corridors.calibration.fit`):

``J_counts = Σ_i w_i ln²((M_i + 0.1 O_i) / (1.1 O_i))``
    over the fit counts; ``M``/``O`` modelled/observed volume (the 0.1 O floor keeps a zero
    model count finite: it costs ln²(11) ≈ 5.7).
``J_times = τ Σ_j w_j d_j²``
    over the fit times and waits; ``d`` is the log distance of the modelled value from the
    published range (0 inside, ``ln(M/low)`` below, ``ln(M/high)`` above; a single figure
    is ±10 %; no route at all costs 3², the same as a factor e³ ≈ 20). ``τ =``
    :data:`TIME_WEIGHT` (10): a time 10 % outside its range costs 0.09, as much as a count
    35 % over — without it the log distances of times (a few per cent) would weigh nothing
    against the counts.
``J_congestion = κ Σ_e max(0, v/c_e − 0.95)²``
    over every capacity-limited element (link direction) where **no** congestion is
    observed (all but the links of the wait observations), with ``κ =``
    :data:`CONGESTION_WEIGHT`. The hinge sits at 0.95 so that the soft penalty leaves the
    elements at or below capacity; an element at v/c 1.35 costs 16, as much as four counts
    off by a factor 7.
``J_prior = Σ_k ((x_k − m_k) / s_k)²``
    a Gaussian prior on every free parameter (:func:`prior`): the corridor constants and
    the value-of-time and queue scales are centred on the previous calibration (the
    stored parameters, or the start), the running-time factors on 1 (the network's line
    speeds), each with a stated standard deviation. It keeps parameters no observation
    pins down where they were, and turns a large move (the rejected refit moved the
    Southern container constant by 3.8) into a cost the data must pay for.

Every free parameter also has hard bounds (:data:`BOUNDS`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment.choice import ALTERNATIVES, FREE_PARAMETERS, TIME_GROUPS, ChoiceParameters
from corridors.assignment.sue import ChoiceResult
from corridors.calibration.observations import Observations
from corridors.calibration.targets import Predictor, band
from corridors.errors import DemandError, explain

__all__ = [
    "BOUNDS",
    "CONGESTION_WEIGHT",
    "DEFAULT_FREE",
    "TIME_WEIGHT",
    "Objective",
    "ObjectiveSpec",
    "prior",
]

F64 = npt.NDArray[np.float64]

COUNT_FLOOR = 0.1
"""Counts compare ``ln((M + 0.1 O) / (1.1 O))``."""

TIME_WEIGHT = 10.0
"""``τ``: weight of the squared log distance of a time or wait from its published range."""

CONGESTION_WEIGHT = 100.0
"""``κ`` of the congestion penalty (per element, on the squared excess of v/c over 0.95)."""

VC_HINGE = 0.95
"""Utilisation above which an element without observed congestion is penalised."""

NO_ROUTE = 3.0
"""Residual of a time with no route (a factor e³ ≈ 20 off)."""

TIME_PARAMETERS: tuple[str, ...] = tuple(f"log_time_{g}" for g in TIME_GROUPS)
"""One running-time factor per region of :data:`~corridors.assignment.choice.TIME_GROUPS`."""

DEFAULT_FREE: tuple[str, ...] = FREE_PARAMETERS + TIME_PARAMETERS
"""What ``corridors calibrate`` fits: 8 corridor constants, the value-of-time and queue
scales and 7 time factors (6 rail regions, the Caspian ferries). ``log_cost_scale`` (λ)
may be added; the nest and route scales are fixed (see ``docs/calibration.md``)."""

BOUNDS: dict[str, tuple[float, float]] = {
    "log_vot_scale": (0.0, math.log(30.0)),
    "log_queue_scale": (math.log(0.1), math.log(10.0)),
    "log_cost_scale": (math.log(0.5), math.log(4.0)),
    **{p: (math.log(0.7), math.log(1.6)) for p in TIME_PARAMETERS},
}
"""Hard bounds: values of time at least the inventory cost of M50 and at most 30 times it;
queue parameters within a factor 10 of the M/M/1 train-service figure; λ between 0.5 and 4;
commercial running times (and Caspian ferry times) between 0.7 and 1.6 times the
network's. Corridor constants: ±6 (:data:`ASC_BOUND`)."""

ASC_BOUND = 6.0
"""Hard bound on every corridor constant (utility units)."""

PRIOR_SD: dict[str, float] = {
    "asc": 1.0,
    "log_vot_scale": 0.5,
    "log_queue_scale": 0.7,
    "log_cost_scale": 0.3,
    "log_time": 0.25,
}
"""Prior standard deviations: a constant moves by one utility unit (a factor e^(1/λ) ≈ 2 in
cost) for one unit of J; the scales by a factor e^0.5 ≈ 1.6 (value of time) or e^0.7 ≈ 2
(queues); λ by ±30 %; running-time factors by ±25 %."""


def bounds_of(name: str) -> tuple[float, float]:
    """Hard bounds of one free parameter."""
    return BOUNDS.get(name, (-ASC_BOUND, ASC_BOUND))


def check_free(free: Sequence[str]) -> tuple[str, ...]:
    """Validate free parameter names.

    Raises
    ------
    corridors.errors.DemandError
        For a name that is not a corridor constant, a log scale or a running-time factor.
    """
    known = set(DEFAULT_FREE) | {"log_cost_scale"}
    for f in free:
        alt = f[4:].partition("@")[0]
        if not (f in known or (f.startswith("asc_") and alt in ALTERNATIVES)):
            raise DemandError(
                explain(
                    f"Unknown free parameter {f!r}.",
                    fix=f"Use asc_<alternative>[@bulk], or one of {sorted(known)}.",
                )
            )
    return tuple(free)


def prior(free: Sequence[str], centre: ChoiceParameters) -> tuple[F64, F64]:
    """Prior means and standard deviations of the free parameters.

    Constants and the vot/queue/cost scales: centred on ``centre`` (the previous
    calibration); running-time factors: on 1 (log 0).

    >>> m, s = prior(("asc_rail_middle", "log_time_kz"), ChoiceParameters(asc={"rail_middle": -2}))
    >>> m.tolist(), s.tolist()
    ([-2.0, 0.0], [1.0, 0.25])
    """
    x = centre.vector(tuple(free))
    means, sds = [], []
    for name, v in zip(free, x, strict=True):
        if name.startswith("log_time_"):
            means.append(0.0)
            sds.append(PRIOR_SD["log_time"])
        else:
            means.append(float(v))
            sds.append(PRIOR_SD["asc" if name.startswith("asc_") else name])
    return np.array(means), np.array(sds)


@dataclass(frozen=True)
class ObjectiveSpec:
    """The weights of the objective (module docs).

    Parameters
    ----------
    prior_weight
        Multiplies ``J_prior`` (1 = the stated standard deviations; 0 = no prior).
    congestion_weight
        ``κ`` (0 switches the congestion penalty off).
    time_weight
        ``τ``, the weight of times and waits relative to counts.
    congested
        Link ids (``rail-a-b`` both directions, or ``:f``/``:r``) where congestion is
        observed and allowed; default: the links of the wait observations.
    """

    prior_weight: float = 1.0
    congestion_weight: float = CONGESTION_WEIGHT
    congested: tuple[str, ...] | None = None
    time_weight: float = TIME_WEIGHT

    def __post_init__(self) -> None:
        for k in ("prior_weight", "congestion_weight", "time_weight"):
            v = getattr(self, k)
            if not (math.isfinite(v) and v >= 0):
                raise DemandError(explain(f"{k}={v!r} must be a number ≥ 0."))


@dataclass(frozen=True, eq=False)
class Objective:
    """``J`` of :mod:`this module <corridors.calibration.objective>` for one route set's graph.

    Build with :meth:`build`; :meth:`residuals` gives the residual vector of an equilibrium
    at parameter vector ``x`` (its squared sum is ``J``), :meth:`parts` the four terms.
    """

    predictor: Predictor
    fit_mask: npt.NDArray[np.bool_]
    weight: F64
    kind: npt.NDArray[np.str_]
    low: F64
    high: F64
    observed: F64
    capacity: F64
    penalised: npt.NDArray[np.bool_]
    prior_mean: F64
    prior_sd: F64
    spec: ObjectiveSpec

    @classmethod
    def build(
        cls,
        predictor: Predictor,
        *,
        free: Sequence[str],
        centre: ChoiceParameters,
        spec: ObjectiveSpec | None = None,
        capacity: F64,
        link_ids: npt.ArrayLike,
    ) -> Objective:
        """The objective of the ``fit`` rows of ``predictor``'s table (see class docs)."""
        spec = spec or ObjectiveSpec()
        t = predictor.observations.table
        bands = [band(float(lo), float(hi)) for lo, hi in zip(t["low_h"], t["high_h"], strict=True)]
        congested = spec.congested
        if congested is None:
            congested = tuple(lid for links in t.loc[t["kind"] == "wait", "links"] for lid in links)
        ids = np.asarray(link_ids).astype(str)
        allowed = np.zeros(ids.shape[0], np.bool_)
        for lid in congested:
            allowed |= (ids == lid) | np.char.startswith(ids, f"{lid}:")
        cap = np.asarray(capacity, float)
        mean, sd = prior(tuple(free), centre)
        return cls(
            predictor=predictor,
            fit_mask=(t["split"] == "fit").to_numpy(),
            weight=t["weight"].to_numpy(float)
            * np.where(t["kind"] == "count", 1.0, spec.time_weight),
            kind=t["kind"].to_numpy(str),
            low=np.array([b[0] for b in bands]),
            high=np.array([b[1] for b in bands]),
            observed=predictor.observed(),
            capacity=cap,
            penalised=(cap > 0) & (cap < 1e11) & ~allowed,
            prior_mean=mean,
            prior_sd=sd,
            spec=spec,
        )

    def observation_residuals(self, modelled: F64) -> F64:
        """Residual of every observation (fit and holdout rows; the fit uses the fit rows)."""
        m = np.asarray(modelled, float)
        o = self.observed
        w = np.sqrt(self.weight)
        with np.errstate(divide="ignore", invalid="ignore"):
            count = np.log((np.maximum(m, 0.0) + COUNT_FLOOR * o) / ((1.0 + COUNT_FLOOR) * o))
            below = np.log(np.maximum(m, 1e-3) / self.low)
            above = np.log(m / self.high)
        timed = np.where(m < self.low, below, np.where(m > self.high, above, 0.0))
        timed = np.where(np.isfinite(m), timed, NO_ROUTE)
        return w * np.where(self.kind == "count", count, timed)

    def congestion_residuals(self, link_flow: F64) -> F64:
        """``√κ · max(0, v/c − 0.95)`` on every element without observed congestion."""
        vc = np.asarray(link_flow, float)[self.penalised] / self.capacity[self.penalised]
        return math.sqrt(self.spec.congestion_weight) * np.maximum(vc - VC_HINGE, 0.0)

    def prior_residuals(self, x: F64) -> F64:
        """``√ρ (x − m) / s``."""
        return math.sqrt(self.spec.prior_weight) * (np.asarray(x) - self.prior_mean) / self.prior_sd

    def residuals(self, result: ChoiceResult, x: F64) -> F64:
        """The residual vector (fit observations, congestion, prior) at an equilibrium."""
        obs = self.observation_residuals(self.predictor.modelled(result))[self.fit_mask]
        return np.concatenate(
            [obs, self.congestion_residuals(result.link_flow), self.prior_residuals(x)]
        )

    def parts(self, result: ChoiceResult, x: F64) -> dict[str, float]:
        """The four terms of ``J`` (fit rows) and the holdout rows' observation term."""
        r = self.observation_residuals(self.predictor.modelled(result))
        count = self.kind == "count"
        sq = r**2
        return {
            "counts": float(sq[self.fit_mask & count].sum()),
            "times": float(sq[self.fit_mask & ~count].sum()),
            "congestion": float(np.sum(self.congestion_residuals(result.link_flow) ** 2)),
            "prior": float(np.sum(self.prior_residuals(x) ** 2)),
            "holdout": float(sq[~self.fit_mask].sum()),
        }

    def over_capacity(self, result: ChoiceResult, link_ids: npt.ArrayLike) -> pd.DataFrame:
        """Elements without observed congestion whose v/c exceeds 1."""
        ids = np.asarray(link_ids).astype(str)
        vc = np.asarray(result.link_flow, float) / np.where(self.capacity > 0, self.capacity, 1.0)
        sel = self.penalised & (vc > 1.0)
        df = pd.DataFrame({"link_id": ids[sel], "volume_capacity": vc[sel]})
        return df.sort_values("volume_capacity", ascending=False).reset_index(drop=True)


def observations_fit(observations: Observations) -> Observations:
    """The fit rows only.

    Raises
    ------
    corridors.errors.DemandError
        When there are none.
    """
    fit = Observations(observations.split("fit"), observations.name)
    if len(fit) == 0:
        raise DemandError(
            explain("No observations in the fit split.", fix="Mark some rows split=fit.")
        )
    return fit
