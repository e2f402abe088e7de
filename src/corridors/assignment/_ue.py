"""The user-equilibrium problem as arrays, and the bookkeeping every algorithm shares.

:func:`prepare` checks the demand classes against the graph and turns them into capacity
units and time-equivalent fixed costs (see :mod:`corridors.assignment.algorithms` for the
formulation); the rest records iterations, measures the relative gap, warns and builds the
:class:`~corridors.assignment.results.AssignmentResult`.
"""

from __future__ import annotations

import time as _time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt

from corridors._progress import Progress, ProgressCallback
from corridors.assignment._aon import AonWorkspace, aon_load
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.results import AssignmentResult, BushState, IterationRecord, PathSets
from corridors.assignment.spec import AssignmentSpec, DemandClass
from corridors.assignment.vdf import beckmann, link_times_into
from corridors.errors import ConvergenceWarning, DemandError, InvalidSpecError, explain

F64 = npt.NDArray[np.float64]


@dataclass
class UEProblem:
    """The demand classes of one assignment as arrays on its graph (see :func:`prepare`)."""

    graph: AssignmentGraph
    classes: tuple[DemandClass, ...]
    offset: F64  # (C, L) time-equivalent fixed cost, inf where the class may not go
    demand: F64  # (C, Z, Z) in capacity units
    no_through: npt.NDArray[np.bool_]
    _aon_ws: AonWorkspace | None = field(default=None, repr=False, compare=False)

    @property
    def vdf_args(self) -> tuple[npt.NDArray[np.int8], F64, F64, F64, F64]:
        """The graph's volume-delay arrays: codes, free-flow time, capacity, alpha, beta."""
        g = self.graph
        return g.vdf, g.free_flow_time, g.capacity, g.alpha, g.beta

    def times(self, flow: F64, out: F64 | None = None) -> F64:
        """Link times at total link volumes ``flow`` (into ``out`` when given)."""
        out = np.empty_like(flow) if out is None else out
        link_times_into(*self.vdf_args, flow, out)
        return out

    def objective(self, flow: F64, flow_c: F64) -> float:
        """The Beckmann objective at class flows ``flow_c`` (totals ``flow``)."""
        lin = dot_nonzero(flow_c, self.offset)
        return float(beckmann(*self.vdf_args, flow)) + lin

    def aon(self, time: F64) -> tuple[F64, float, float]:
        """All-or-nothing loading at link ``time``: class flows, SPTT, unrouted demand."""
        ws = self.aon_workspace()
        out = np.zeros((len(self.classes), self.graph.n_links))
        sptt = lost = 0.0
        for c in range(len(self.classes)):
            s, lo = aon_load(ws, time, self.offset[c], self.no_through, self.demand[c], out[c])
            sptt += s
            lost += lo
        return out, sptt, lost

    def aon_workspace(self) -> AonWorkspace:
        """Scratch of :meth:`aon`, built on first use and whenever numba's thread count changes."""
        ws = self._aon_ws
        if ws is None or ws.threads != numba.get_num_threads():
            ws = self._aon_ws = AonWorkspace(*self.graph.csr)
        return ws


def dot_nonzero(x: F64, c: F64) -> float:
    """Sum of x × c over cells where x ≠ 0 (c may be inf where x is 0: forbidden links)."""
    nz = x != 0.0
    return float(np.sum(x[nz] * c[nz]))


def prepare(graph: AssignmentGraph, demand: Sequence[DemandClass]) -> UEProblem:
    classes = tuple(demand)
    if not classes:
        raise InvalidSpecError(explain("No demand classes given.", fix="Pass ≥ 1 DemandClass."))
    names = [c.name for c in classes]
    if len(set(names)) != len(names):
        raise InvalidSpecError(explain(f"Demand class names repeat: {names}."))
    z, n_l = graph.n_zones, graph.n_links
    offset = np.zeros((len(classes), n_l))
    dem = np.zeros((len(classes), z, z))
    for i, cls in enumerate(classes):
        if cls.matrix.shape != (z, z):
            raise DemandError(
                explain(
                    f"Demand class {cls.name!r} has a {cls.matrix.shape} matrix but the graph "
                    f"has {z} zones.",
                    fix=f"Give a {z} × {z} matrix ordered like the graph's zones.",
                )
            )
        for name in ("fixed_cost", "link_mask"):
            arr = getattr(cls, name)
            if arr is not None and arr.shape != (n_l,):
                raise InvalidSpecError(
                    explain(f"Demand class {cls.name!r}: {name} needs {n_l} values (one a link).")
                )
        fixed = graph.fixed_cost if cls.fixed_cost is None else cls.fixed_cost
        offset[i] = fixed / cls.value_of_time
        if cls.link_mask is not None:
            offset[i, ~cls.link_mask] = np.inf
        dem[i] = cls.matrix * cls.pce
    return UEProblem(graph, classes, offset, dem, graph.no_through())


def clock() -> tuple[float, float]:
    """Wall and CPU clock readings (seconds)."""
    return _time.perf_counter(), _time.process_time()


def record(
    it: int, gap: float, obj: float, step: float, t_start: tuple[float, float]
) -> IterationRecord:
    """The record of iteration ``it``, timed from ``t_start`` (a :func:`clock` reading)."""
    return IterationRecord(
        iteration=it,
        relative_gap=gap,
        objective=obj,
        step=step,
        seconds=_time.perf_counter() - t_start[0],
        cpu_seconds=_time.process_time() - t_start[1],
    )


class IterationLog:
    """One run's iteration records, progress reports and stopping test (each algorithm's loop).

    Seconds in the records count from the log's creation (the start of the run).
    """

    def __init__(self, spec: AssignmentSpec, progress: ProgressCallback) -> None:
        self.spec = spec
        self.progress = progress
        self.t_start = clock()
        self.history: list[IterationRecord] = []
        self.converged = False

    def record(self, it: int, gap: float, obj: float, step: float) -> None:
        """Keep iteration ``it``: its relative gap, objective and step."""
        self.history.append(record(it, gap, obj, step, self.t_start))

    def report(self, it: int, gap: float) -> bool:
        """Report iteration ``it``'s gap; whether it reaches the target (the run converged)."""
        self.progress(Progress("assignment", it, self.spec.max_iterations, f"gap {gap:.3e}"))
        self.converged = gap <= self.spec.target_gap
        return self.converged


def warn_lost(prob: UEProblem, lost: float) -> None:
    """Warn (at the caller of ``assign``) when ``lost`` capacity units have no route."""
    if lost > 0:
        warnings.warn(
            explain(
                f"{lost:g} capacity units of demand have no route and stay unassigned.",
                why="Their destination cannot be reached with the links their class may use.",
                fix="Check zone connectivity and the class link masks.",
            ),
            ConvergenceWarning,
            stacklevel=3,
        )


def relative_gap(tstt: float, sptt: float) -> float:
    """``(TSTT − SPTT) / TSTT``, at least 0 (0 without any cost)."""
    return max((tstt - sptt) / tstt, 0.0) if tstt > 0 else 0.0


def warn_unconverged(spec: AssignmentSpec, history: list[IterationRecord]) -> None:
    """Warn (at the caller of ``assign``) that the target gap was not reached."""
    last = history[-1].relative_gap if history else np.nan
    warnings.warn(
        explain(
            f"Assignment stopped after {spec.max_iterations} iterations at relative gap "
            f"{last:.3e}, above the target {spec.target_gap:.1e}.",
            why="Flows are not yet at equilibrium to the requested precision.",
            fix="Raise max_iterations, relax target_gap or use algorithm='gp'.",
        ),
        ConvergenceWarning,
        stacklevel=4,
    )


def make_result(
    prob: UEProblem,
    spec: AssignmentSpec,
    flow_c: F64,
    history: list[IterationRecord],
    converged: bool,
    lost: float,
    paths: PathSets | None,
    bushes: BushState | None = None,
) -> AssignmentResult:
    """The result of a run (``flow_c``: class flows in capacity units, graph link order)."""
    return AssignmentResult(
        graph=prob.graph,
        classes=prob.classes,
        spec=spec,
        class_flow_pcu=flow_c,
        offset=prob.offset,
        history=tuple(history),
        converged=converged,
        unrouted_pcu=lost,
        paths=paths,
        bushes=bushes,
    )
