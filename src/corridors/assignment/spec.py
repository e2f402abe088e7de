"""Frozen, validated settings of an assignment: the algorithm and the demand classes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from corridors.errors import DemandError, InvalidSpecError, explain

__all__ = ["AUTO_BUSH_GAP", "Algorithm", "AssignmentSpec", "DemandClass"]

AUTO_BUSH_GAP = 1e-9
"""``algorithm="auto"`` runs the bush algorithm for target gaps at or below this value."""


class Algorithm(enum.Enum):
    """Assignment algorithm; accepts its value or name in any case (``Algorithm("BFW")``)."""

    AON = "aon"
    """All-or-nothing at free-flow costs (no congestion)."""
    MSA = "msa"
    """Method of successive averages (step 1/k)."""
    FW = "fw"
    """Frank-Wolfe with exact line search."""
    CFW = "cfw"
    """Conjugate Frank-Wolfe (Mitradjieva & Lindberg, 2013)."""
    BFW = "bfw"
    """Bi-conjugate Frank-Wolfe (Mitradjieva & Lindberg, 2013)."""
    GP = "gp"
    """Path-based gradient projection (Jayakrishnan et al., 1994)."""
    BUSH = "bush"
    """Bush-based Algorithm B (Dial, 2006): origin-based flows; warm-startable."""
    AUTO = "auto"
    """The default: ``bush`` for a warm start or a target gap ≤ 1e-9, else ``gp``
    (measured; docs/developer/decisions/0002)."""

    @classmethod
    def _missing_(cls, value: object) -> Algorithm | None:
        if isinstance(value, str):
            v = value.strip().lower().replace("-", "_")
            aliases = {
                "frank_wolfe": "fw",
                "conjugate_frank_wolfe": "cfw",
                "biconjugate_frank_wolfe": "bfw",
                "gradient_projection": "gp",
                "algorithm_b": "bush",
                "b": "bush",
                "all_or_nothing": "aon",
            }
            v = aliases.get(v, v)
            for m in cls:
                if m.value == v:
                    return m
        return None

    @property
    def is_frank_wolfe(self) -> bool:
        """Whether the algorithm is of the Frank-Wolfe family (monotone objective)."""
        return self in (Algorithm.FW, Algorithm.CFW, Algorithm.BFW)


@dataclass(frozen=True, slots=True)
class AssignmentSpec:
    """How to run an equilibrium assignment. Validated when built.

    Parameters
    ----------
    algorithm
        :class:`Algorithm` or its name: ``"aon"``, ``"msa"``, ``"fw"``, ``"cfw"``, ``"bfw"``,
        ``"gp"``, ``"bush"`` or ``"auto"`` (default: ``bush`` when ``assign`` gets a
        ``warm_start`` or ``target_gap`` ≤ :data:`AUTO_BUSH_GAP`, else ``gp``, as measured
        in ``benchmarks/results/equilibrium.md``; see
        ``docs/developer/decisions/0004-bush-based-assignment.md``).
    target_gap
        Stop when the relative gap ``(TSTT - SPTT) / TSTT`` falls to this value
        (dimensionless, default ``1e-6``).
    max_iterations
        Iteration cap (default 500). Hitting it without reaching ``target_gap`` emits a
        :class:`~corridors.errors.ConvergenceWarning`.
    inner_passes
        Gradient projection: equilibration sweeps over the path sets per shortest-path
        round; bush: flow-shift passes per bush per iteration (default 6).
    line_search_tolerance
        Frank-Wolfe family: bracket width of the bisection line search on the step (default
        ``1e-10``).

    Examples
    --------
    >>> AssignmentSpec(algorithm="BFW", target_gap=1e-4).algorithm
    <Algorithm.BFW: 'bfw'>
    >>> AssignmentSpec(target_gap=0)
    Traceback (most recent call last):
    ...
    corridors.errors.InvalidSpecError: target_gap=0 must be a positive number. ...
    """

    algorithm: Algorithm | str = Algorithm.AUTO
    target_gap: float = 1e-6
    max_iterations: int = 500
    inner_passes: int = 6
    line_search_tolerance: float = 1e-10

    def __post_init__(self) -> None:
        try:
            algo = Algorithm(self.algorithm)
        except ValueError:
            raise InvalidSpecError(
                explain(
                    f"Unknown assignment algorithm {self.algorithm!r}.",
                    fix=f"Use one of {[a.value for a in Algorithm]}.",
                )
            ) from None
        object.__setattr__(self, "algorithm", algo)
        if not (isinstance(self.target_gap, int | float) and 0 < self.target_gap < 1):
            raise InvalidSpecError(
                explain(
                    f"target_gap={self.target_gap!r} must be a positive number.",
                    why="The relative gap is a fraction between 0 and 1.",
                    fix="Use e.g. 1e-4 for planning or 1e-6 for tight comparisons.",
                )
            )
        for name in ("max_iterations", "inner_passes"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise InvalidSpecError(explain(f"{name}={v!r} must be an integer ≥ 1."))
        if not 0 < self.line_search_tolerance < 1e-2:
            raise InvalidSpecError(
                explain(
                    f"line_search_tolerance={self.line_search_tolerance!r} is out of range.",
                    fix="Use a value in (0, 0.01), e.g. 1e-10.",
                )
            )


@dataclass(frozen=True, eq=False)
class DemandClass:
    """One class of demand (commodity / vehicle type) with its own costs and allowed links.

    The generalized cost of one unit of the class on a link is
    ``fixed_cost + value_of_time × time``; routes minimise its sum. The class loads link
    capacity with ``pce`` capacity units per unit of demand.

    Parameters
    ----------
    name
        Class name, e.g. ``"containers"``.
    matrix
        Demand, zones × zones, in demand units per assignment period (e.g. TEU/year); the
        diagonal is ignored.
    value_of_time
        Cost units per time unit (e.g. USD per TEU-hour); default 1 (cost = time).
    pce
        Capacity units per demand unit (e.g. TEU-equivalent per tonne); default 1.
    fixed_cost
        Per-link flow-independent cost in cost units per demand unit; default the graph's
        ``fixed_cost``.
    link_mask
        Per-link booleans: which links the class may use; default all.

    Raises
    ------
    corridors.errors.DemandError
        When the matrix is not square, not finite or negative.
    """

    name: str
    matrix: npt.NDArray[np.float64]
    value_of_time: float = 1.0
    pce: float = 1.0
    fixed_cost: npt.NDArray[np.float64] | None = None
    link_mask: npt.NDArray[np.bool_] | None = None

    def __post_init__(self) -> None:
        m = np.array(self.matrix, dtype=np.float64)
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            raise DemandError(
                explain(
                    f"Demand class {self.name!r} has a matrix of shape {m.shape}.",
                    why="A demand matrix is square: one row and one column per zone.",
                    fix="Give a zones × zones array.",
                )
            )
        if not np.isfinite(m).all():
            raise DemandError(
                explain(
                    f"Demand class {self.name!r} has NaN or infinite cells.",
                    fix="Replace missing cells with 0.",
                )
            )
        if (m < 0).any():
            i, j = (int(x) for x in np.argwhere(m < 0)[0])
            raise DemandError(
                explain(
                    f"Demand class {self.name!r} has {(m < 0).sum()} negative cell(s), e.g. "
                    f"[{i}, {j}] = {m[i, j]}.",
                    why="Demand is a volume and cannot be negative.",
                    fix="Fix the matrix; use 0 for no demand.",
                )
            )
        intra = float(np.trace(m))
        if intra > 0:
            import warnings

            from corridors.errors import CorridorsWarning

            warnings.warn(
                f"Demand class {self.name!r}: {int((np.diag(m) > 0).sum())} intrazonal cell(s) "
                f"totalling {intra:g} ({intra / max(float(m.sum()), 1e-300):.1%} of the class) "
                "are not assigned: a trip within one zone uses no link. Remove them from the "
                "matrix to silence this warning.",
                CorridorsWarning,
                stacklevel=2,
            )
        np.fill_diagonal(m, 0.0)
        m.setflags(write=False)
        object.__setattr__(self, "matrix", m)
        for name in ("value_of_time", "pce"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise InvalidSpecError(
                    explain(f"Demand class {self.name!r}: {name}={v!r} must be positive.")
                )
        for name, dt in (("fixed_cost", np.float64), ("link_mask", np.bool_)):
            v = getattr(self, name)
            if v is not None:
                arr: npt.NDArray[Any] = np.array(v, dtype=dt)
                if arr.ndim != 1:
                    raise InvalidSpecError(explain(f"{name} must be one value per link."))
                if dt is np.float64 and (~np.isfinite(arr) | (arr < 0)).any():
                    raise InvalidSpecError(
                        explain(f"Demand class {self.name!r}: fixed_cost must be finite, ≥ 0.")
                    )
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)

    @property
    def total(self) -> float:
        """Total demand of the class, in demand units."""
        return float(self.matrix.sum())
