"""The nested-logit loading on a fixed route set and its averaging (the SUE inner loop).

:class:`LogitModel` maps path flows to link flows, link times (volume-delay functions), path
costs and the nested-logit path probabilities (route within alternative within nest within
market); :func:`average` moves the path flows towards the logit loading with the
self-regulated averaging step of Liu, He and He (2009) until the relative gap reaches
:attr:`SUESpec.target_gap`. :class:`WarmStart` starts the averaging from another problem's
route shares.
"""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from corridors._progress import Progress, ProgressCallback
from corridors.assignment._sue_problem import ChoiceProblem
from corridors.assignment.choice import (
    ALT_NEST,
    ALTERNATIVES,
    CARGO_GROUPS,
    NEST_NAMES,
    ChoiceParameters,
    load_parameters,
)
from corridors.assignment.vdf import link_times_into, priority_factors
from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.assignment._sue_result import ChoiceResult

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SUESpec:
    """Stopping rule of the equilibrium. Validated when built.

    Parameters
    ----------
    target_gap
        Stop at this relative gap (share of demand the choice would still move; default 1e-6).
    max_iterations
        Averaging iterations per route set (default 3000); hitting it warns.
    column_rounds
        Times routes are regenerated at equilibrium times (default 2).
    averaging
        ``"sra"`` (self-regulated averaging, default) or ``"msa"`` (step ``1/k``, for
        comparison).
    """

    target_gap: float = 1e-6
    max_iterations: int = 3000
    column_rounds: int = 2
    averaging: str = "sra"

    def __post_init__(self) -> None:
        if self.averaging not in ("sra", "msa"):
            raise InvalidSpecError(
                explain(f"averaging={self.averaging!r} is not known.", fix="Use 'sra' or 'msa'.")
            )
        if not (isinstance(self.target_gap, int | float) and 0 < self.target_gap < 1):
            raise InvalidSpecError(
                explain(f"target_gap={self.target_gap!r} must be in (0, 1).", fix="Use 1e-6.")
            )
        for n in ("max_iterations", "column_rounds"):
            v = getattr(self, n)
            if not isinstance(v, int) or v < (1 if n == "max_iterations" else 0):
                raise InvalidSpecError(explain(f"{n}={v!r} must be a non-negative integer."))


@dataclass(frozen=True, eq=False)
class Groups:
    """The nesting of the paths as contiguous groups.

    ``ma``: market-alternatives (start path, group of each path, alternative, market);
    ``mn``: market-nests (start market-alternative, group of each, nest); ``mk``: markets
    (start market-nest, group of each market-nest).
    """

    ma_start: I64
    ma_of_path: I64
    ma_alt: I64
    ma_mkt: I64
    mn_start: I64
    mn_of_ma: I64
    mn_nest: I64
    mk_start: I64
    mk_of_mn: I64


def groups(problem: ChoiceProblem) -> Groups:
    """The groups of ``problem``'s paths (sorted by market, nest, alternative)."""
    pm, pa = problem.path_mkt, problem.path_alt
    new_ma = np.r_[True, (pm[1:] != pm[:-1]) | (pa[1:] != pa[:-1])]
    ma_start = np.flatnonzero(new_ma)
    ma_of_path = np.cumsum(new_ma) - 1
    ma_alt = pa[ma_start]
    ma_mkt = pm[ma_start]
    ma_nest = ALT_NEST[ma_alt]
    new_mn = np.r_[True, (ma_mkt[1:] != ma_mkt[:-1]) | (ma_nest[1:] != ma_nest[:-1])]
    mn_start = np.flatnonzero(new_mn)
    mn_of_ma = np.cumsum(new_mn) - 1
    mn_mkt = ma_mkt[mn_start]
    new_mk = np.r_[True, mn_mkt[1:] != mn_mkt[:-1]]
    return Groups(
        ma_start,
        ma_of_path,
        ma_alt,
        ma_mkt,
        mn_start,
        mn_of_ma,
        ma_nest[mn_start],
        np.flatnonzero(new_mk),
        np.cumsum(new_mk) - 1,
    )


def softmax_groups(s: F64, start: I64, of: I64) -> tuple[F64, F64]:
    """Within-group probabilities and log-sum of ``s`` (groups contiguous)."""
    m = np.maximum.reduceat(s, start)
    e = np.exp(s - m[of])
    tot = np.add.reduceat(e, start)
    return e / tot[of], m + np.log(tot)


def route_shares(
    problem: ChoiceProblem, path_gc: F64, route_scale: float, grp: Groups | None = None
) -> tuple[F64, F64]:
    """The route level of the choice: each path's probability within its market-alternative.

    The logit of scale ``μ`` (``route_scale``) over ``−ln g_r`` (``path_gc``: USD per unit)
    inside every (market, alternative) group, as the equilibrium loads it; also returns each
    group's log-sum (``−μ ln G_a``). ``grp``: the problem's :func:`groups` if already built.
    """
    gr = groups(problem) if grp is None else grp
    return softmax_groups(
        -route_scale * np.log(np.maximum(path_gc, 1e-9)), gr.ma_start, gr.ma_of_path
    )


def alternative_log_costs(problem: ChoiceProblem, path_gc: F64, route_scale: float) -> F64:
    """Composite log-cost ``ln G`` of every market's alternatives from its routes' costs.

    The route level's log-sum: ``ln G_a = −(1/μ) ln Σ_routes exp(−μ ln g_r)`` over the routes of
    alternative ``a`` (``path_gc``: USD per unit; ``μ``: ``route_scale``). Returns a
    ``markets × alternatives`` array, ``inf`` where a market has no route of an alternative.
    """
    gr = groups(problem)
    _, ls = route_shares(problem, path_gc, route_scale, gr)
    out = np.full((problem.mkt_demand.shape[0], len(ALTERNATIVES)), np.inf)
    out[gr.ma_mkt, gr.ma_alt] = -ls / route_scale
    return out


@dataclass
class LogitModel:
    """Path flows → link flows → link times → nested-logit path probabilities.

    The arrays of one :class:`ChoiceProblem` under one set of parameters, per path (cost,
    time adjustment, value of time, TEU-equivalent per unit, market demand) and per link
    (the volume-delay functions); build with :meth:`make`.
    """

    problem: ChoiceProblem
    params: ChoiceParameters
    grp: Groups
    vdf: tuple[npt.NDArray[np.int8], F64, F64, F64, F64]
    cost: F64
    adj: F64
    vot: F64
    pce: F64
    demand: F64
    lam: float
    mu: float
    theta: F64
    asc: F64
    inc_t: sp.csr_matrix
    time_factor: F64
    ma_group: npt.NDArray[np.int64]
    path_group: npt.NDArray[np.int64]
    group_mask: F64 | None

    @classmethod
    def make(
        cls,
        problem: ChoiceProblem,
        params: ChoiceParameters,
        cost_factor: F64 | None = None,
        time_factor: F64 | None = None,
    ) -> LogitModel:
        """The model of ``problem``; ``cost_factor``/``time_factor`` scale each path's."""
        g = problem.corridor.graph
        alpha = np.asarray(g.alpha, float).copy()
        alpha[np.asarray(g.vdf) == 2] *= params.queue_scale
        lcls = problem.net.links["link_class"].reindex(np.asarray(g.link_ids).astype(str))
        tf = params.link_time_factors(lcls.to_numpy(object), np.asarray(g.vdf) == 2)
        vdf = (
            np.asarray(g.vdf, np.int8),
            np.asarray(g.free_flow_time, float) * tf,  # calibrated running-time factors
            np.asarray(g.capacity, float),
            alpha,
            np.asarray(g.beta, float),
        )
        pc = problem.mkt_cls[problem.path_mkt]
        vot = np.array([p.value_of_time for p in problem.profiles])[pc] * params.vot_scale
        pce = problem.class_pce[pc]
        cost = problem.path_cost * (1.0 if cost_factor is None else cost_factor)
        grp = groups(problem)
        cls_group = np.array([CARGO_GROUPS.index(p.cargo) for p in problem.profiles], np.int64)
        path_group = cls_group[problem.mkt_cls[problem.path_mkt]]
        on = problem.net.parameter("global", "queue_priority", default=1.0) != 0.0
        mixed = on and np.unique(path_group).size > 1 and bool(np.any(vdf[0] == 2))
        gmask = (path_group[:, None] == np.arange(len(CARGO_GROUPS))).astype(float)
        return cls(
            problem=problem,
            params=params,
            grp=grp,
            vdf=vdf,
            cost=cost,
            adj=problem.path_time_adj,
            vot=vot,
            pce=pce,
            demand=problem.mkt_demand[problem.path_mkt],
            lam=params.cost_scale,
            mu=params.route_scale,
            theta=np.array([params.nest_scale[n] for n in NEST_NAMES]),
            asc=np.array([[params.asc_of(a, g) for a in ALTERNATIVES] for g in CARGO_GROUPS]),
            inc_t=problem.incidence.T.tocsr(),
            time_factor=np.ones(problem.n_paths) if time_factor is None else time_factor,
            ma_group=cls_group[problem.mkt_cls[grp.ma_mkt]],
            path_group=path_group,
            group_mask=gmask if mixed else None,
        )

    def link_flow(self, h: F64) -> F64:
        """TEU-equivalent per year on each link from path flows ``h`` (units/yr)."""
        return np.asarray(self.inc_t @ (h * self.pce), float)

    def link_time(self, x: F64) -> F64:
        """Hours per link at link flows ``x`` (the volume-delay functions; first come, first
        served: the flow-weighted mean over the cargo groups)."""
        out = np.empty_like(x)
        link_times_into(*self.vdf, x, out)
        return out

    def times(self, h: F64) -> tuple[F64, F64, F64]:
        """Link flows, mean link hours and link hours per cargo group at path flows ``h``.

        With queue priority (``global,queue_priority`` = 1 and both cargo groups present)
        every queue link's wait splits by :func:`~corridors.assignment.vdf.priority_factors`
        between the groups of :data:`~corridors.assignment.choice.CARGO_GROUPS` (the first
        served first), from each group's link flow; other links and the fixed dwell (the
        free-flow time) are the same for both. Returns ``(x, t, tg)``: TEU-equivalent per
        year, the flow-weighted mean hours (= the first-come-first-served hours, by
        conservation) and a ``groups × links`` array (``t`` itself without priority).
        """
        if self.group_mask is None:
            x = self.link_flow(h)
            t = self.link_time(x)
            return x, t, t
        xg = np.asarray(self.inc_t @ (self.group_mask * (h * self.pce)[:, None]), float)
        x = xg.sum(axis=1)
        t = self.link_time(x)
        return x, t, self.group_time(t, x, xg[:, 0])

    def group_time(self, t: F64, x: F64, x_high: F64) -> F64:
        """Link hours per cargo group (``groups × links``) from the mean hours ``t``, all
        flow ``x`` and the first group's flow ``x_high`` (TEU-equivalent per year)."""
        kind, t0, cap = self.vdf[0], self.vdf[1], self.vdf[2]
        q = np.flatnonzero(kind == 2)
        out = np.tile(t, (len(CARGO_GROUPS), 1))
        f_h, f_l = priority_factors(x[q], x_high[q], cap[q])
        wait = t[q] - t0[q]
        out[0, q] = t0[q] + wait * f_h
        out[1:, q] = t0[q] + wait * f_l
        return out

    def path_time(self, t: F64) -> F64:
        """Hours per path (the class's own times included) at link times ``t``: one per link,
        or one row per cargo group (``groups × links``; each path takes its group's)."""
        if t.ndim == 1:
            tp = np.asarray(self.problem.incidence @ t, float)
        else:
            tg = np.asarray(self.problem.incidence @ t.T, float)
            tp = tg[np.arange(tg.shape[0]), self.path_group]
        return (tp + self.adj) * self.time_factor

    def probabilities(self, t: F64) -> tuple[F64, F64, F64]:
        """Path probability within its market, path time and path generalized cost at link
        hours ``t`` (per link, or ``groups × links`` as :meth:`times` gives them)."""
        gr = self.grp
        tp = self.path_time(t)
        gc = np.maximum(self.cost + self.vot * tp, 1e-9)
        p_route, ls = route_shares(self.problem, gc, self.mu, gr)
        l_alt = -ls / self.mu
        v = self.asc[self.ma_group, gr.ma_alt] - self.lam * l_alt
        th = self.theta[ALT_NEST[gr.ma_alt]]
        p_alt, ls2 = softmax_groups(v / th, gr.mn_start, gr.mn_of_ma)
        incl = self.theta[gr.mn_nest] * ls2
        p_nest, _ = softmax_groups(incl, gr.mk_start, gr.mk_of_mn)
        p = p_route * p_alt[gr.ma_of_path] * p_nest[gr.mn_of_ma[gr.ma_of_path]]
        return p, tp, gc

    def load(self, h: F64) -> tuple[F64, F64, F64, F64]:
        """The logit loading at path flows ``h``: path flows, link flows, mean link hours and
        path hours (each path at its cargo group's link hours)."""
        x, t, tg = self.times(h)
        p, tp, _ = self.probabilities(tg)
        return self.demand * p, x, t, tp


@dataclass(frozen=True)
class SUERecord:
    """One averaging iteration: route-set round, iteration, relative gap, step, seconds."""

    round: int
    iteration: int
    relative_gap: float
    step: float
    seconds: float


def average(
    model: LogitModel,
    h: F64 | None,
    spec: SUESpec,
    progress: ProgressCallback,
    rnd: int,
    t_start: float,
    history: list[SUERecord],
) -> tuple[F64, bool]:
    """Average path flows towards the logit loading until ``spec.target_gap`` is reached.

    Starts from ``h`` (the free-flow logit loading when ``None``) and appends one
    :class:`SUERecord` per iteration of route-set round ``rnd`` to ``history`` (seconds
    since ``t_start``). Returns the path flows and whether the target gap was reached.
    """
    dem_pcu = model.problem.demand_teu_eq
    total = dem_pcu if dem_pcu > 0 else 1.0
    if h is None:
        h = model.load(np.zeros(model.problem.n_paths))[0]
    eta = 1.0
    prev = np.inf
    gamma_up, gamma_down = 1.5, 0.2
    for it in range(1, spec.max_iterations + 1):
        y = model.load(h)[0]
        r = y - h
        gap = float(np.sum(model.pce * np.abs(r))) / total
        if gap <= spec.target_gap:
            history.append(SUERecord(rnd, it, gap, 0.0, _time.perf_counter() - t_start))
            progress(Progress("equilibrium", it, spec.max_iterations, f"gap {gap:.2e}"))
            return h, True
        # self-regulated averaging (Liu et al. 2009): shrink the step when the residual grows
        eta = eta + (gamma_up if gap >= prev else gamma_down)
        step = 1.0 / eta if spec.averaging == "sra" else 1.0 / (it + 1)
        history.append(SUERecord(rnd, it, gap, step, _time.perf_counter() - t_start))
        if it % 25 == 0:
            progress(Progress("equilibrium", it, spec.max_iterations, f"gap {gap:.2e}"))
        prev = gap
        h = h + step * r
    return h, False


def route_keys(
    problem: ChoiceProblem,
) -> list[tuple[str, str, str, int, tuple[int, ...]]]:
    """Per path: class name, origin and destination zone, alternative, links."""
    z, names = problem.corridor.zones, problem.class_names
    m = problem.path_mkt
    cls, o, d = problem.mkt_cls[m], problem.mkt_o[m], problem.mkt_d[m]
    return [
        (names[int(cls[i])], str(z[int(o[i])]), str(z[int(d[i])]), int(problem.path_alt[i]), k)
        for i, k in enumerate(problem.path_keys)
    ]


@dataclass(frozen=True, eq=False)
class WarmStart:
    """Route shares of a solved problem, to start another problem's averaging from them.

    Compact and picklable (no network): a sweep broadcasts the base's once to every worker.
    A route is identified by its market (class name, origin and destination zone), its
    alternative and its links; a market's matched routes get its new demand in the base's
    proportions. Build with :meth:`from_result`.

    Attributes
    ----------
    shares
        ``(class, origin, destination, alternative, links) → share`` of the market's demand.
    """

    shares: Mapping[tuple[str, str, str, int, tuple[int, ...]], float]

    @classmethod
    def from_result(cls, result: ChoiceResult) -> WarmStart:
        """The route shares of ``result`` (routes carrying a positive share only)."""
        pr = result.problem
        dem = pr.mkt_demand[pr.path_mkt]
        share = np.divide(result.path_flow, dem, out=np.zeros_like(dem), where=dem > 0)
        keys = route_keys(pr)
        return cls({keys[i]: float(share[i]) for i in np.flatnonzero(share > 0)})

    def path_flow(self, problem: ChoiceProblem, params: ChoiceParameters | None = None) -> F64:
        """Starting path flows on ``problem`` (units/yr); free-flow logit where unmatched."""
        params = load_parameters() if params is None else params
        h = LogitModel.make(problem, params).load(np.zeros(problem.n_paths))[0]
        got = np.array([self.shares.get(k, 0.0) for k in route_keys(problem)], float)
        if not got.size:
            return np.asarray(h, float)
        tot = np.bincount(problem.path_mkt, weights=got, minlength=problem.mkt_demand.shape[0])
        t_p = tot[problem.path_mkt]
        ok = t_p > 0
        h[ok] = problem.mkt_demand[problem.path_mkt][ok] * got[ok] / t_p[ok]
        return np.asarray(h, float)
