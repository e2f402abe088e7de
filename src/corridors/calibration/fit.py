"""Fit the choice model's free parameters to the fit observations; report fit and holdout.

Procedure
---------
1. **Route set.** The problem's route set is first extended at the start parameters'
   equilibrium (``route_rounds`` ≥ 1: two column-generation rounds), so that the fit sees the
   routes the model uses when it runs.
2. **Fit.** ``J`` (:mod:`corridors.calibration.objective`) is minimised over the free
   parameters by :func:`scipy.optimize.least_squares` (trust-region reflective within the
   hard bounds, forward-difference Jacobian with step 1e-3, parameters scaled by the
   Jacobian's columns). Every evaluation is an equilibrium solved to relative gap 1e-6 on the
   fixed route set, warm-started from the equilibrium at the current iterate (the Jacobian's
   columns) or the last one (trial steps), so most take a few averaging iterations.
3. **Route rounds.** Routes the fitted equilibrium makes attractive join the route set and the
   fit restarts from the fitted values (``route_rounds`` − 1 more times).
4. **Report.** The final parameters are evaluated as the model runs them
   (:func:`~corridors.assignment.sue.equilibrium`: routes built at them and regenerated,
   gap 1e-6): the observed-vs-modelled table of every observation, fit and
   holdout, and the elements above capacity without observed congestion.
"""

from __future__ import annotations

import time as _time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors._progress import Progress, ProgressCallback, no_progress
from corridors.assignment.choice import ChoiceParameters, provenance
from corridors.assignment.sue import ChoiceProblem, ChoiceResult, SUESpec, build_problem, solve
from corridors.calibration.objective import (
    DEFAULT_FREE,
    Objective,
    ObjectiveSpec,
    bounds_of,
    check_free,
    observations_fit,
)
from corridors.calibration.observations import Observations
from corridors.calibration.targets import Predictor, observation_table, predict
from corridors.errors import ConvergenceWarning

__all__ = ["CalibrationResult", "accept", "calibrate", "evaluate"]

F64 = npt.NDArray[np.float64]

FD_STEP = 1e-3
"""Absolute finite-difference step on the free parameters (constants and log scales)."""

FIT_SPEC = SUESpec(target_gap=1e-6, max_iterations=3000, column_rounds=0)
"""Equilibrium of one objective evaluation: fixed route set, gap 1e-6."""

REPORT_SPEC = SUESpec(target_gap=1e-6, max_iterations=3000, column_rounds=2)
"""Equilibrium the result is reported at: routes regenerated, as the model runs."""


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Outcome of :func:`calibrate` or :func:`evaluate`.

    Attributes
    ----------
    params, start
        The calibrated (with provenance) and the starting parameters.
    free
        Names of the fitted parameters.
    objective, objective_start
        ``J`` at the reported equilibrium and at the start (on the fit route set).
    parts
        The terms of ``J`` at the reported equilibrium (counts, times, congestion, prior)
        and the holdout rows' observation term.
    evaluations
        Equilibria solved.
    result
        The equilibrium at the calibrated parameters (routes regenerated).
    table
        Every observation with ``modelled``, ``observed``, ``ratio``, ``geh`` (counts) and
        ``within`` (counts: GEH < 10 or ratio within ±25 %; times: inside the range).
    over_capacity
        Elements without observed congestion whose v/c exceeds 1.
    seconds
        Wall time.
    """

    params: ChoiceParameters
    start: ChoiceParameters
    free: tuple[str, ...]
    objective: float
    objective_start: float
    parts: dict[str, float]
    evaluations: int
    result: ChoiceResult
    table: pd.DataFrame
    over_capacity: pd.DataFrame
    seconds: float
    history: tuple[float, ...] = field(default=())

    def summary(self) -> pd.DataFrame:
        """Per split and kind: number of observations and share within target."""
        t = self.table
        g = t.groupby(["split", "kind"]).agg(
            n=("obs_id", "size"),
            within=("within", "mean"),
            within_ratio=("within_ratio", "mean"),
        )
        return g.reset_index()

    def parameter_table(self) -> pd.DataFrame:
        """Start and calibrated value of each free parameter, its bounds and whether the
        optimum sits on a bound (the data push beyond what the bounds allow)."""
        lo = np.array([bounds_of(f)[0] for f in self.free])
        hi = np.array([bounds_of(f)[1] for f in self.free])
        x = self.params.vector(self.free)
        return pd.DataFrame(
            {
                "parameter": list(self.free),
                "start": self.start.vector(self.free),
                "calibrated": x,
                "lower": lo,
                "upper": hi,
                "at_bound": (np.abs(x - lo) < 1e-3 * (hi - lo))
                | (np.abs(x - hi) < 1e-3 * (hi - lo)),
            }
        )


class _Evaluator:
    """Solves the equilibrium at a parameter vector (warm-started) and returns residuals."""

    def __init__(
        self,
        problem: ChoiceProblem,
        objective: Objective,
        start: ChoiceParameters,
        free: tuple[str, ...],
        report: Callable[[int, float], None],
    ) -> None:
        self.problem, self.objective, self.start, self.free = problem, objective, start, free
        self.report = report
        self.n = 0
        self.last: ChoiceResult | None = None
        self.cache: dict[bytes, tuple[F64, ChoiceResult]] = {}

    def solve(self, x: F64, warm: ChoiceResult | None) -> ChoiceResult:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return solve(
                self.problem, self.start.with_vector(x, self.free), spec=FIT_SPEC, warm=warm
            )

    def __call__(self, x: F64, warm: ChoiceResult | None = None) -> F64:
        key = np.asarray(x, float).tobytes()
        if key in self.cache:
            return self.cache[key][0]
        res = self.solve(x, warm or self.last)
        r = self.objective.residuals(res, x)
        self.n += 1
        self.cache[key] = (r, res)
        if warm is None:
            self.last = res
            self.report(self.n, float(r @ r))
        return r

    def jacobian(self, x: F64) -> F64:
        f = self(x)
        base = self.cache[np.asarray(x, float).tobytes()][1]
        cols = []
        for k in range(x.shape[0]):
            xk = np.array(x, float)
            xk[k] += FD_STEP if xk[k] + FD_STEP <= bounds_of(self.free[k])[1] else -FD_STEP
            cols.append((self(xk, warm=base) - f) / (xk[k] - x[k]))
        return np.column_stack(cols)

    def new_problem(self, problem: ChoiceProblem) -> None:
        self.problem, self.last = problem, None
        self.cache.clear()


def _regenerate(problem: ChoiceProblem, params: ChoiceParameters) -> ChoiceProblem:
    """The route set extended at ``params``' equilibrium (two column-generation rounds)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return solve(problem, params, spec=SUESpec(target_gap=1e-4, column_rounds=2)).problem


def calibrate(
    problem: ChoiceProblem,
    observations: Observations,
    *,
    start: ChoiceParameters | None = None,
    free: Sequence[str] = DEFAULT_FREE,
    objective: ObjectiveSpec | None = None,
    max_evaluations: int = 800,
    progress: ProgressCallback | None = None,
    route_rounds: int = 1,
) -> CalibrationResult:
    """Fit ``free`` parameters to the ``fit`` split of ``observations`` (module docs).

    Parameters
    ----------
    problem
        The route set (from :func:`~corridors.assignment.sue.build_problem`).
    observations
        Counts, times and waits with a fit/holdout split.
    start
        Starting parameters, also the centre of the prior (default
        :class:`ChoiceParameters` defaults; ``corridors calibrate`` starts from the stored
        calibration).
    free
        Parameters to fit (default :data:`~corridors.calibration.objective.DEFAULT_FREE`).
    objective
        Weights of the prior and the congestion penalty (default :class:`ObjectiveSpec`).
    max_evaluations
        Cap on objective evaluations per route round (equilibria, Jacobian columns included).
    progress
        Called after every trial step with the evaluations so far and ``J``.
    route_rounds
        Route-set extensions: before the fit (≥ 1) and between refits (≥ 2); 0 keeps the
        given route set.

    Raises
    ------
    corridors.errors.DemandError
        When there are no fit observations, they name unknown links or places, or a free
        parameter is unknown.
    """
    from scipy.optimize import least_squares

    t0 = _time.perf_counter()
    progress = no_progress if progress is None else progress
    start = ChoiceParameters() if start is None else start
    free = check_free(free)
    observations_fit(observations)
    if route_rounds > 0:
        progress(Progress("route set", 0, None, "column generation at the start"))
        problem = _regenerate(problem, start)
    g = problem.corridor.graph
    obj = Objective.build(
        Predictor.build(problem, observations),
        free=free,
        centre=start,
        spec=objective,
        capacity=np.asarray(g.capacity, float),
        link_ids=g.link_ids,
    )
    history: list[float] = []

    def report(n: int, j: float) -> None:
        history.append(j)
        msg = f"J {j:.4g} (best {min(history):.4g})"
        progress(Progress("calibration", n, max_evaluations * max(route_rounds, 1), msg))

    ev = _Evaluator(problem, obj, start, free, report)
    lo = np.array([bounds_of(f)[0] for f in free])
    hi = np.array([bounds_of(f)[1] for f in free])
    x0 = np.clip(start.vector(free), lo + 1e-6 * (hi - lo), hi - 1e-6 * (hi - lo))
    f0 = ev(x0)
    x = x0
    stops: list[str] = []
    for rnd in range(max(route_rounds, 1)):
        if rnd > 0:
            progress(Progress("route set", rnd, route_rounds, "column generation at the fit"))
            ev.new_problem(_regenerate(ev.problem, start.with_vector(x, free)))
        sol = least_squares(
            ev, x, jac=ev.jacobian, bounds=(lo, hi), method="trf", x_scale="jac",
            max_nfev=max(max_evaluations // (len(free) + 1), 2), xtol=1e-5, ftol=1e-6,
        )  # fmt: skip
        x = sol.x
        stops.append(f"round {rnd + 1}: {sol.nfev} steps, {sol.message}")
    return _finish(ev, observations, start, free, x, float(f0 @ f0), t0, history, stops)


def _finish(
    ev: _Evaluator,
    observations: Observations,
    start: ChoiceParameters,
    free: tuple[str, ...],
    x: F64,
    j0: float,
    t0: float,
    history: list[float],
    stops: list[str],
) -> CalibrationResult:
    params = start.with_vector(x, free)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # as the model runs it (corridors.assignment.sue.equilibrium): fresh routes at params
        fresh = build_problem(ev.problem.net, ev.problem.demand, params=params)
        final = solve(fresh, params, spec=REPORT_SPEC)
    obj = ev.objective
    parts = obj.parts(final, x)
    j = sum(v for k, v in parts.items() if k != "holdout")
    prov = provenance(
        j,
        observations.name,
        n_fit=len(observations.split("fit")),
        n_holdout=len(observations.split("holdout")),
        free=list(free),
        objective_parts=parts,
        prior_weight=obj.spec.prior_weight,
        congestion_weight=obj.spec.congestion_weight,
        time_weight=obj.spec.time_weight,
        evaluations=ev.n,
        optimizer=stops,
        routes=final.problem.n_paths,
        relative_gap=final.relative_gap,
    )
    params = ChoiceParameters(**{**params.to_dict(), "provenance": prov})
    return CalibrationResult(
        params=params,
        start=start,
        free=free,
        objective=j,
        objective_start=j0,
        parts=parts,
        evaluations=ev.n,
        result=final,
        table=observation_table(predict(final, observations)),
        over_capacity=obj.over_capacity(final, final.problem.corridor.graph.link_ids),
        seconds=_time.perf_counter() - t0,
        history=tuple(history),
    )


def evaluate(
    problem: ChoiceProblem,
    observations: Observations,
    params: ChoiceParameters,
    *,
    spec: SUESpec | None = None,
    objective: ObjectiveSpec | None = None,
    free: Sequence[str] | None = None,
    centre: ChoiceParameters | None = None,
) -> CalibrationResult:
    """Report ``params`` against the observations without fitting (e.g. the stored calibration).

    The equilibrium regenerates routes (``spec`` default: gap 1e-6, 2 rounds), as the model
    does when it runs; ``objective`` is the fit split's ``J`` with the congestion term and the
    prior around ``centre`` (default ``params``: prior term 0).
    """
    t0 = _time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = solve(problem, params, spec=spec or REPORT_SPEC)
    free_t = check_free(free or params.provenance.get("free", DEFAULT_FREE))
    g = res.problem.corridor.graph
    obj = Objective.build(
        Predictor.build(res.problem, observations),
        free=free_t,
        centre=centre or params,
        spec=objective,
        capacity=np.asarray(g.capacity, float),
        link_ids=g.link_ids,
    )
    x = params.vector(free_t)
    parts = obj.parts(res, x)
    j = sum(v for k, v in parts.items() if k != "holdout")
    return CalibrationResult(
        params=params,
        start=params,
        free=free_t,
        objective=j,
        objective_start=j,
        parts=parts,
        evaluations=1,
        result=res,
        table=observation_table(predict(res, observations)),
        over_capacity=obj.over_capacity(res, g.link_ids),
        seconds=_time.perf_counter() - t0,
    )


ACCEPT_TIME_FACTOR = 2.0
"""A refit is rejected when a fit time or wait lies more than this factor outside its range."""

ACCEPT_MAX_VC = 1.2
"""A refit is rejected when an element without observed congestion exceeds this v/c."""


def accept(refit: CalibrationResult, stored: CalibrationResult) -> tuple[bool, str]:
    """Whether a refit replaces the stored parameters, by a rule on the fit data only.

    The refit is accepted when (1) its ``J`` (fit observations, congestion and prior around
    the stored values; the stored parameters' prior term is 0) is below the stored
    parameters' ``J`` on the same network and observations, (2) no fit time or wait lies
    more than :data:`ACCEPT_TIME_FACTOR` outside its range and (3) no element without
    observed congestion exceeds v/c :data:`ACCEPT_MAX_VC`. Held-back observations play no
    part: they stay a test.
    """
    t = refit.table
    timed = t[(t["split"] == "fit") & (t["kind"] != "count")]
    m = timed["modelled"].to_numpy(float)
    far = timed[
        ~np.isfinite(m)
        | (m > ACCEPT_TIME_FACTOR * timed["target_high_h"].to_numpy(float))
        | (m < timed["target_low_h"].to_numpy(float) / ACCEPT_TIME_FACTOR)
    ]
    vc = refit.over_capacity
    if refit.objective >= stored.objective:
        return False, f"J {refit.objective:.4g} is not below the stored {stored.objective:.4g}"
    if len(far):
        return False, f"fit times far outside their ranges: {list(far['obs_id'])}"
    if len(vc) and float(vc["volume_capacity"].max()) > ACCEPT_MAX_VC:
        return False, f"v/c above {ACCEPT_MAX_VC}: {list(vc['link_id'][:5])}"
    return True, f"J {refit.objective:.4g} < stored {stored.objective:.4g}; checks passed"
