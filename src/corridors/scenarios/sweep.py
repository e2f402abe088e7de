"""Scenario sweeps on Dask: a grid or sample of scenario parameters, one row per run.

A sweep file (YAML)::

    name: caspian-demand
    base: bundled
    scenario: third-railroad          # optional scenario applied under every run
    grid:                             # every combination
      demand: [1.0, 2.0, 3.0]
      caspian_capacity: [1, 2]
      customs_dwell: [1.0, 0.5]
    # or sample: {n: 20, seed: 1, ranges: {demand: [1.0, 3.0]}}

Each *knob* turns into scenario changes (:data:`KNOBS`). Each run applies them and runs the
equilibrium assignment; one failing run becomes a row with its ``error`` and the others go on.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import signal
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridors.assignment.sue import WarmStart

from corridors._deps import require
from corridors._progress import Progress, ProgressCallback, no_progress
from corridors._random import rng_from_seed
from corridors._yaml import load_yaml
from corridors.errors import (
    CorridorsError,
    InvalidSpecError,
    LimitExceededError,
    ScenarioError,
    explain,
)
from corridors.scenarios._shipped import shipped_sweeps

__all__ = [
    "KNOBS",
    "MAX_RUNS",
    "SweepInterrupted",
    "SweepSpec",
    "base_start",
    "failed_runs",
    "load_sweep",
    "run_one",
    "run_sweep",
    "shipped_sweeps",
]

MAX_RUNS = 10_000
"""Most runs in one sweep (each run is a full equilibrium assignment, seconds of CPU)."""

log = logging.getLogger(__name__)

KNOBS: dict[str, Callable[[float], list[dict[str, Any]]]] = {
    "demand": lambda v: [{"op": "scale_demand", "factor": v}],
    "caspian_capacity": lambda v: [
        {
            "op": "change_links",
            "link_class": "ferry_caspian",
            "multiply": {"capacity_teu_per_day": v, "sailings_per_week": v},
        }
    ],
    "customs_dwell": lambda v: [
        {
            "op": "change_crossings",
            "countries": ["KZ"],
            "multiply": {"dwell_h": v, "dwell_p90_h": v},
        }
    ],
    "kz_tariff": lambda v: [
        {
            "op": "multiply_parameter",
            "scope": "class:rail_kz",
            "parameter": "tariff_usd_per_teu_km",
            "factor": v,
        }
    ],
    "fail": lambda v: [{"op": "remove_link", "link_id": "no-such-link"}] if v else [],
}
"""Sweep knob → scenario changes for a value (``fail`` makes a run fail on purpose)."""


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the runs to do, each a mapping knob → value.

    Attributes
    ----------
    name
        Label of the sweep.
    runs
        One mapping per run.
    scenario
        Optional scenario (file or shipped name) applied under every run.
    base
        ``"bundled"`` or a network folder.
    """

    name: str
    runs: tuple[Mapping[str, float], ...]
    scenario: str | None = None
    base: str = "bundled"
    max_iterations: int = 200
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.runs:
            _check_run_count(self.name, len(self.runs), "runs")
        if not isinstance(self.max_iterations, int) or not 1 <= self.max_iterations <= 100_000:
            raise InvalidSpecError(
                explain(
                    f"Sweep {self.name!r}: max_iterations = {self.max_iterations!r}.",
                    fix="Give a whole number between 1 and 100000.",
                )
            )
        if not self.runs:
            raise InvalidSpecError(
                explain(f"Sweep {self.name!r} has no runs.", fix="Give a 'grid' or a 'sample'.")
            )
        for run in self.runs:
            for k in run:
                if k not in KNOBS:
                    raise InvalidSpecError(
                        explain(
                            f"Sweep {self.name!r}: unknown knob {k!r}.",
                            fix="Knobs: " + ", ".join(KNOBS) + ".",
                        )
                    )
                v = run[k]
                if isinstance(v, bool) or not isinstance(v, int | float) or not _finite_pos(v, k):
                    raise InvalidSpecError(
                        explain(
                            f"Sweep {self.name!r}: knob {k} = {v!r} is not a finite number "
                            + ("(0 or 1)." if k == "fail" else "> 0."),
                            why="Knob values multiply demand, capacities, dwell or tariffs.",
                            fix="Give plain positive numbers, e.g. 1.5.",
                        )
                    )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, name: str = "sweep") -> SweepSpec:
        """Build the runs from ``grid`` (all combinations) or ``sample`` (uniform draws)."""
        if not isinstance(doc, Mapping):
            raise InvalidSpecError(
                explain(
                    f"Sweep {name!r}: the file holds a {type(doc).__name__}, not a mapping.",
                    fix="Write 'name:', then 'grid:' or 'sample:' (see docs/scenarios.md).",
                )
            )
        name = str(doc.get("name", name))
        if "grid" in doc:
            if not isinstance(doc["grid"], Mapping) or not doc["grid"]:
                raise InvalidSpecError(
                    explain(
                        f"Sweep {name!r}: 'grid' must map knobs to lists of values.",
                        fix="e.g. grid: {demand: [1.0, 2.0]}.",
                    )
                )
            grid = {k: list(v) if isinstance(v, list) else [v] for k, v in doc["grid"].items()}
            _check_run_count(name, math.prod(len(v) for v in grid.values()), "grid")
            runs = tuple(
                dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())
            )
        elif "sample" in doc:
            s = doc["sample"]
            try:
                seed = s.get("seed", 0)
                n = s["n"]
                if isinstance(n, bool) or not isinstance(n, int):
                    raise TypeError("n")
                ranges = {k: (float(lo), float(hi)) for k, (lo, hi) in s["ranges"].items()}
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                raise InvalidSpecError(
                    explain(
                        f"Sweep {name!r}: 'sample' is malformed ({type(exc).__name__}: {exc}).",
                        fix="Write sample: {n: 20, seed: 1, ranges: {demand: [1.0, 3.0]}}.",
                    )
                ) from exc
            _check_run_count(name, n, "sample.n")
            rng = rng_from_seed(seed)
            runs = tuple(
                {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in ranges.items()} for _ in range(n)
            )
        else:
            raise InvalidSpecError(explain(f"Sweep {name!r} has neither 'grid' nor 'sample'."))
        return cls(
            name=name,
            runs=runs,
            scenario=doc.get("scenario"),
            base=str(doc.get("base", "bundled")),
            max_iterations=int(doc.get("max_iterations", 200)),
        )


_FORMAT_HINT = (
    "A sweep is a YAML mapping with 'name', optional 'base'/'scenario', and either "
    "'grid: {knob: [values]}' or 'sample: {n: N, seed: S, ranges: {knob: [low, high]}}'; "
    "see the shipped example with 'corridors sweep --list'."
)


def _finite_pos(v: float, knob: str) -> bool:
    if knob == "fail":
        return v in (0, 1)
    return math.isfinite(v) and v > 0


def _check_run_count(name: str, n: int, field: str) -> None:
    if n > MAX_RUNS:
        raise LimitExceededError(
            explain(
                f"Sweep {name!r} has {n:,} runs, above the limit of {MAX_RUNS:,}.",
                why="Each run is a full equilibrium assignment (seconds of CPU).",
                fix="Use a coarser grid or a smaller sample.n, or split the sweep.",
            ),
            field=field,
            limit=MAX_RUNS,
        )
    if n < 1:
        raise InvalidSpecError(
            explain(f"Sweep {name!r}: {field} gives {n} runs.", fix="Give at least one run.")
        )


def failed_runs(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a sweep table whose run failed (non-empty ``error``).

    Adapters use it to report failures and exit non-zero; the table itself keeps every run.
    """
    if "error" not in table:
        return table.iloc[0:0]
    return table[table["error"].fillna("").astype(str) != ""]


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep file (YAML) or a shipped sweep by name.

    Raises
    ------
    InvalidSpecError
        When the file is missing, not UTF-8 YAML, or not a sweep (the message shows the format).
    """
    p = Path(path)
    shipped = shipped_sweeps()
    if not p.is_file() and str(path) in shipped:
        p = shipped[str(path)]
    if not p.is_file():
        raise InvalidSpecError(
            explain(
                f"{p}: no such sweep file or shipped sweep.",
                fix="Shipped sweeps: " + ", ".join(shipped) + ".",
            )
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidSpecError(explain(f"{p}: not UTF-8 text.", fix=_FORMAT_HINT)) from exc
    except OSError as exc:
        raise InvalidSpecError(
            explain(f"{p}: cannot be read ({exc.strerror}).", fix="Check the file.")
        ) from exc
    try:
        doc = load_yaml(text, what=f"sweep file {p.name}")  # alias-free, size-limited
    except ScenarioError as exc:
        raise InvalidSpecError(explain(f"{p}: not valid YAML. {exc}", fix=_FORMAT_HINT)) from exc
    try:
        return SweepSpec.from_dict(doc, name=p.stem)  # checks the shape, says what is wrong
    except LimitExceededError:
        raise
    except InvalidSpecError as exc:
        raise InvalidSpecError(explain(f"{p}: {exc}", fix=_FORMAT_HINT)) from exc
    except CorridorsError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidSpecError(
            explain(f"{p}: not a sweep ({type(exc).__name__}: {exc}).", fix=_FORMAT_HINT)
        ) from exc


@functools.lru_cache(maxsize=4)
def _base(base: str) -> tuple[Any, Any]:
    """Base network and baseline demand, loaded once per worker process."""
    from corridors.assignment._from_network import baseline_demand
    from corridors.network.model import load_network

    net = load_network(None if base == "bundled" else base)
    return net, baseline_demand(net)


@functools.lru_cache(maxsize=4)
def _prepared(base: str, scenario: str | None) -> tuple[Any, Any]:
    """The base with the sweep's scenario applied under every run, once per worker process."""
    from corridors.scenarios.apply import apply_scenario
    from corridors.scenarios.model import load_scenario

    net, demand = _base(base)
    if scenario:
        net, dem = apply_scenario(net, load_scenario(scenario), demand=demand)
        demand = dem if dem is not None else demand
    return net, demand


def base_start(spec: SweepSpec) -> WarmStart:
    """Solve the sweep's base (its scenario, no knobs) once: the route shares every run starts
    from (:class:`~corridors.assignment.sue.WarmStart`)."""
    from corridors.assignment.sue import SUESpec, WarmStart, equilibrium

    net, demand = _prepared(spec.base, spec.scenario)
    return WarmStart.from_result(equilibrium(net, demand, spec=SUESpec(target_gap=1e-5)))


_WARMED: set[tuple[str, str | None]] = set()


def _warm_worker(base: str, scenario: str | None, threads: int) -> float:
    """Load the network, the modules and the compiled kernels in this worker; seconds taken.

    Runs once per worker (``client.run``) before the first run, so that no run pays for it.
    Numba's threads are capped at the worker's threads (no oversubscription of shared cores).
    """
    import warnings

    import numba

    from corridors.assignment.sue import SUESpec, equilibrium
    from corridors.errors import ConvergenceWarning

    t0 = time.perf_counter()
    if (base, scenario) in _WARMED:  # a later sweep on the same cluster
        return 0.0
    numba.set_num_threads(max(1, min(threads, int(getattr(numba.config, "NUMBA_NUM_THREADS", 1)))))
    net, demand = _prepared(base, scenario)
    with warnings.catch_warnings():  # one iteration loads every kernel of a run
        warnings.simplefilter("ignore", ConvergenceWarning)
        equilibrium(net, demand, spec=SUESpec(max_iterations=1, column_rounds=1))
    _WARMED.add((base, scenario))
    return time.perf_counter() - t0


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_sweep`; ``table`` holds the runs that finished (also written to
    ``out``), or is ``None`` when none had."""

    def __init__(self, table: pd.DataFrame | None) -> None:
        super().__init__("sweep interrupted")
        self.table = table


def run_one(
    index: int,
    knobs: Mapping[str, float],
    spec: SweepSpec,
    start: WarmStart | None = None,
) -> dict[str, Any]:
    """Run one point of the sweep; never raises (an error becomes the row's ``error``).

    ``start`` (from :func:`base_start`) warm-starts the equilibrium from the base's routes.
    """
    t0 = time.perf_counter()
    row: dict[str, Any] = {"run": index, **{f"knob_{k}": float(v) for k, v in knobs.items()}}
    try:
        from corridors.scenarios.apply import apply_scenario
        from corridors.scenarios.compare import run_scenario
        from corridors.scenarios.model import scenario_from_dict

        net, demand = _prepared(spec.base, spec.scenario)
        changes = [c for k, v in knobs.items() for c in KNOBS[k](float(v))]
        scen = scenario_from_dict({"name": f"{spec.name}-{index}", "changes": changes})
        net, dem = apply_scenario(net, scen, demand=demand)
        out = run_scenario(net, dem if dem is not None else demand, (), scen.name, start=start)
        tot = out["totals"].iloc[0].to_dict()
        tot.pop("scenario", None)
        row.update(tot)
        row["error"] = ""
    except Exception as exc:  # one failing run must not lose the others
        row["error"] = f"{type(exc).__name__}: {exc}"
        log.debug("sweep run %d failed:\n%s", index, traceback.format_exc())
    row["seconds"] = time.perf_counter() - t0
    return row


def _client(
    scheduler: str | None, workers: int, threads_per_worker: int, processes: bool
) -> tuple[Any, Any]:
    """A Dask client of ``scheduler``, or of a new local cluster (also returned, to close)."""
    dd = require("dask.distributed", extra="dask", purpose="Running a sweep on Dask")
    if scheduler:
        return dd.Client(scheduler), None
    # Worker processes start with Ctrl-C ignored (the disposition survives exec): the parent
    # alone handles it, keeps the finished runs and closes the cluster, instead of every worker
    # printing its own KeyboardInterrupt traceback.
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main and processes else None
    try:
        cluster = dd.LocalCluster(
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=processes,
            dashboard_address=":0",  # a free port: None still binds :8787 (distributed 2024+)
        )
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
    return dd.Client(cluster), cluster


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    threads_per_worker: int = 1,
    processes: bool = True,
    progress: ProgressCallback = no_progress,
    out: str | Path | None = None,
) -> pd.DataFrame:
    """Run every point of a sweep on Dask and gather one table (optionally to Parquet).

    Parameters
    ----------
    spec
        The sweep.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); default: start a local
        cluster of ``workers`` workers.
    workers, threads_per_worker, processes
        Local cluster shape (``processes=False`` runs workers as threads, as tests do).
    progress
        Called after each finished run.
    out
        Write the table to this file: Parquet, or CSV for a ``.csv`` name.

    Returns
    -------
    pandas.DataFrame
        One row per run, in run order: ``run``, ``knob_*``, the totals of
        :func:`~corridors.scenarios.compare.run_scenario`, ``error`` (empty when the run
        succeeded) and ``seconds``.

    Notes
    -----
    Each worker first loads the network, the modules and the compiled kernels once
    (``client.run``); the base (the sweep's scenario without knobs) is solved once and its
    route shares are broadcast to every worker, and each run's equilibrium starts from them.
    """
    for label, value in (("workers", workers), ("threads_per_worker", threads_per_worker)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidSpecError(
                explain(f"{label} = {value!r}.", fix=f"Give {label} >= 1 (a whole number).")
            )
    client, cluster = _client(scheduler, workers, threads_per_worker, processes)
    rows: list[dict[str, Any]] = []
    interrupted = False
    try:
        _run_all(client, spec, threads_per_worker, progress, rows)
    except KeyboardInterrupt:  # Ctrl-C: keep (and write) the runs that finished
        interrupted = True
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if not rows:
        if interrupted:
            raise SweepInterrupted(None)
        rows = [{"run": i, "error": "not run"} for i in range(len(spec.runs))]
    table = pd.DataFrame(rows).sort_values("run").reset_index(drop=True)
    if "converged" in table:
        table["converged"] = table["converged"].astype("boolean")
    table["error"] = table["error"].fillna("").astype(str)
    table.attrs["failed"] = len(failed_runs(table))
    table.attrs["interrupted"] = interrupted
    if out is not None:
        _write_table(table, out)
    if interrupted:
        log.warning("sweep interrupted: %d of %d runs finished", len(rows), len(spec.runs))
        raise SweepInterrupted(table)
    return table


def _run_all(
    client: Any,
    spec: SweepSpec,
    threads_per_worker: int,
    progress: ProgressCallback,
    rows: list[dict[str, Any]],
) -> None:
    """Warm the workers, solve and broadcast the base, run every point; append each finished
    run's row to ``rows`` as it comes (so that an interrupt keeps them)."""
    dd = require("dask.distributed", extra="dask", purpose="Running a sweep on Dask")
    # once per worker: network, modules, kernels; then the base solved once and broadcast
    client.run(_warm_worker, spec.base, spec.scenario, threads_per_worker)
    start = None
    try:
        start = client.scatter(
            client.submit(base_start, spec, pure=False).result(), broadcast=True, hash=False
        )
    except Exception as exc:  # the runs go on cold (and report their own errors)
        log.warning("sweep base did not solve, runs start cold: %s", exc)
    futures = [
        client.submit(run_one, i, knobs, spec, start, pure=False)
        for i, knobs in enumerate(spec.runs)
    ]
    for k, fut in enumerate(dd.as_completed(futures), start=1):
        try:
            rows.append(fut.result())
        except Exception as exc:  # a worker died: keep the others
            idx = futures.index(fut)
            rows.append({"run": idx, "error": f"{type(exc).__name__}: {exc}"})
        progress(Progress("sweep", k, len(futures), f"run {rows[-1]['run']}"))


def _write_table(table: pd.DataFrame, out: str | Path) -> None:
    """Write the sweep table: CSV for a ``.csv`` name, Parquet otherwise (``parquet`` extra)."""
    if str(out).lower().endswith(".csv"):
        table.to_csv(out, index=False)
        return
    require("pyarrow", extra="parquet", purpose="Writing the sweep table as Parquet")
    table.to_parquet(out, index=False)


def grid_values(values: Sequence[float]) -> list[float]:
    """Helper for programmatic grids: floats, rounded to 6 digits."""
    return [round(float(v), 6) for v in np.asarray(values, dtype=float)]
