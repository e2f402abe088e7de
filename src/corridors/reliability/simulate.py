"""Monte Carlo transit-time distributions for an itinerary (door-to-door days).

Each step of an :class:`~corridors.routing.Itinerary` becomes a random time:

* **running time** of consecutive links of one link class: lognormal with mean equal to the
  routed running time and the class's ``run_time_cv`` (one draw per run of a class, so a slow
  train stays slow along its leg);
* **border dwell**: lognormal through the link's published or estimated median and P90
  (``crossings.csv`` ``dwell_h`` / ``dwell_p90_h``); a dwell with median 0 but a P90 is
  exponential with that P90;
* **terminal handling, gauge changes and transshipments**: lognormal with mean equal to the
  routed time and ``handling_cv``;
* **ferry and sea waiting**: without a departure time, arrival is uniform within the headway;
  with one, the next sailing follows the timetable (``sailing_days`` or a regular headway).
  Each sailing is cancelled with the class's ``sailing_cancel_prob`` (monthly figure for the
  departure month when given; Caspian January 0.32 from B19).

The figures live in ``corridors/data/reliability.csv`` (see ``RELIABILITY.md`` beside it).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors._random import Seed, rng_from_seed
from corridors.errors import InvalidSpecError, LimitExceededError, explain
from corridors.reliability._kernel import (
    EV_CONST,
    EV_EXP,
    EV_LOGNORMAL,
    EV_SAILING,
    EV_SCALED,
    simulate_events,
)
from corridors.reliability._params import ReliabilityParameters, load_reliability_parameters

if TYPE_CHECKING:
    from corridors.network.model import Network
    from corridors.routing.itinerary import Itinerary

__all__ = [
    "MAX_SAMPLES",
    "EventTable",
    "ReliabilityResult",
    "compile_events",
    "simulate_itinerary",
]

MAX_SAMPLES = 10_000_000
"""Most Monte Carlo shipments per call (8 bytes each: 80 MB of samples)."""

log = logging.getLogger(__name__)
Z90 = 1.2815515655446004  # standard normal 90th percentile


@dataclass(frozen=True)
class EventTable:
    """An itinerary compiled for the kernel: one row per random or fixed time.

    Attributes
    ----------
    kind, a, b, c
        Event codes and parameters (see :mod:`corridors.reliability._kernel`).
    labels
        What each event is, e.g. ``"run rail_kz"`` or ``"dwell rail-dostyk:f"``.
    """

    kind: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    labels: tuple[str, ...]


def _lognormal_sigma(cv: float) -> float:
    return math.sqrt(math.log1p(cv * cv)) if cv > 0 else 0.0


def _dwell_event(step: Mapping[str, Any]) -> tuple[int, float, float, int, str] | None:
    """The border dwell of a link step: lognormal through its median and P90, constant
    without a spread, exponential with only a P90; ``None`` without a dwell."""
    dwell, p90 = float(step["border_dwell_h"]), float(step["border_dwell_p90_h"])
    label = f"dwell {step['id']}"
    if dwell > 0 and p90 > dwell:
        return (EV_LOGNORMAL, dwell, math.log(p90 / dwell) / Z90, 0, label)
    if dwell > 0:
        return (EV_CONST, dwell, 0.0, 0, label)
    if p90 > 0:
        return (EV_EXP, p90 / math.log(10.0), 0.0, 0, label)
    return None


def compile_events(
    itinerary: Itinerary,
    parameters: ReliabilityParameters,
    *,
    departure: dt.date | None = None,
) -> EventTable:
    """Turn the itinerary's steps into kernel events (see module docstring)."""
    rows: list[tuple[int, float, float, int, str]] = []
    run_h, run_cls = 0.0, ""

    def flush() -> None:
        nonlocal run_h, run_cls
        if run_h > 0:
            s = _lognormal_sigma(parameters.get(run_cls, "run_time_cv"))
            rows.append((EV_SCALED if s > 0 else EV_CONST, run_h, s, 0, f"run {run_cls}"))
        run_h, run_cls = 0.0, ""

    handling_s = _lognormal_sigma(parameters.get("", "handling_cv"))
    for step in itinerary.steps:
        hours = float(step["hours"])
        if step["kind"] != "link":
            flush()
            if hours > 0:
                kind = EV_SCALED if handling_s > 0 else EV_CONST
                rows.append((kind, hours, handling_s, 0, f"{step['kind']} {step['node']}"))
            continue
        cls = str(step["link_class"])
        if float(step["headway_h"]) > 0:
            flush()
            p = parameters.cancel_prob(cls, departure)
            rows.append(
                (
                    EV_SAILING,
                    float(step["headway_h"]),
                    p,
                    int(step["sailing_mask"]),
                    f"sailing {step['id']}",
                )
            )
        if cls != run_cls:
            flush()
            run_cls = cls
        dwell = float(step["border_dwell_h"])
        run_h += max(hours - dwell, 0.0)
        event = _dwell_event(step)
        if event is not None:
            rows.append(event)
    flush()
    if not rows:
        rows.append((EV_CONST, 0.0, 0.0, 0, "nothing"))
    kinds, a, b, c, labels = zip(*rows, strict=True)
    return EventTable(
        kind=np.asarray(kinds, dtype=np.int64),
        a=np.asarray(a, dtype=np.float64),
        b=np.asarray(b, dtype=np.float64),
        c=np.asarray(c, dtype=np.int64),
        labels=tuple(labels),
    )


@dataclass(frozen=True)
class ReliabilityResult:
    """Simulated door-to-door transit times of one itinerary.

    Attributes
    ----------
    samples_days
        One door-to-door time (days) per simulated shipment.
    p50_days, p90_days, p95_days, mean_days
        Percentiles and mean of the samples.
    deadline_days
        The deadline asked for, if any.
    prob_by_deadline
        Share of shipments arriving within ``deadline_days`` (``None`` without a deadline).
    planned_days
        The itinerary's own (routed) days, for comparison.
    label
        The itinerary's summary line.
    """

    samples_days: np.ndarray = field(repr=False)
    p50_days: float
    p90_days: float
    p95_days: float
    mean_days: float
    deadline_days: float | None
    prob_by_deadline: float | None
    planned_days: float
    label: str = ""

    @property
    def n(self) -> int:
        return int(self.samples_days.shape[0])

    def prob_within(self, days: float) -> float:
        """Share of shipments arriving within ``days``."""
        return float(np.mean(self.samples_days <= days))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no samples)."""
        return {
            "label": self.label,
            "n": self.n,
            "planned_days": round(self.planned_days, 3),
            "mean_days": round(self.mean_days, 3),
            "p50_days": round(self.p50_days, 3),
            "p90_days": round(self.p90_days, 3),
            "p95_days": round(self.p95_days, 3),
            "deadline_days": self.deadline_days,
            "prob_by_deadline": self.prob_by_deadline,
        }

    def plot_histogram(self, path: str | Path, *, bins: int = 80) -> Path:
        """Write a histogram of door-to-door days with P50/P90/P95 and the deadline (PNG/SVG).

        Parameters
        ----------
        path
            Output file; the extension (``.png``, ``.svg``, ``.pdf``) picks the format.
        bins
            Number of histogram bins.
        """
        from corridors._deps import require

        require("matplotlib", extra="plots", purpose="Drawing a histogram")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 4.5), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        hi = float(np.quantile(self.samples_days, 0.999))
        ax.hist(
            self.samples_days,
            bins=bins,
            range=(float(self.samples_days.min()), hi),
            color="#4c78a8",
            alpha=0.85,
            density=True,
        )
        for q, v, col in (
            ("P50", self.p50_days, "#222222"),
            ("P90", self.p90_days, "#e45756"),
            ("P95", self.p95_days, "#b279a2"),
        ):
            ax.axvline(v, color=col, lw=1.5, ls="--", label=f"{q} {v:.1f} d")
        ax.axvline(
            self.planned_days, color="#54a24b", lw=1.5, label=f"planned {self.planned_days:.1f} d"
        )
        if self.deadline_days is not None and self.prob_by_deadline is not None:
            ax.axvline(
                self.deadline_days,
                color="#f58518",
                lw=2,
                label=f"deadline {self.deadline_days:g} d: {self.prob_by_deadline:.0%} on time",
            )
        ax.set_xlabel("door-to-door transit time (days)")
        ax.set_ylabel("share of shipments per day")
        ax.set_title(f"{self.label}\n{self.n:,} simulated shipments", fontsize=10)
        ax.legend(fontsize=8)
        fig.tight_layout()
        out = Path(path)
        fig.savefig(out)
        return out


def _as_datetime(value: dt.date | dt.datetime | str | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidSpecError(
                explain(f"Departure {value!r} is not an ISO date.", fix="Write e.g. 2025-01-15.")
            ) from exc
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value


def _sample_count(n: Any) -> int:
    """``n`` as a whole number of shipments in 1 … :data:`MAX_SAMPLES`."""
    if isinstance(n, float) and float(n).is_integer():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise InvalidSpecError(explain(f"n = {n!r} is not a whole number of shipments."))
    if n < 1:
        raise InvalidSpecError(explain(f"n = {n} shipments.", fix="Simulate at least one."))
    if n > MAX_SAMPLES:
        raise LimitExceededError(
            explain(
                f"n = {n:,} shipments is above the limit of {MAX_SAMPLES:,}.",
                why="Each sample takes 8 bytes; more would exhaust memory without changing "
                "the percentiles.",
                fix=f"Use n <= {MAX_SAMPLES:,} (100,000 gives P95 to about 0.1 day).",
            ),
            field="n",
            limit=MAX_SAMPLES,
        )
    return int(n)


def simulate_itinerary(
    network: Network,
    itinerary: Itinerary,
    *,
    n: int = 100_000,
    seed: Seed = None,
    departure: dt.date | dt.datetime | str | None = None,
    deadline_days: float | None = None,
    parameters: ReliabilityParameters | None = None,
) -> ReliabilityResult:
    """Monte Carlo door-to-door transit time (days) of an itinerary.

    Parameters
    ----------
    network
        The network the itinerary was routed on (named in the result; the itinerary's steps
        carry every figure the simulation needs).
    itinerary
        From :func:`corridors.routing.pareto_routes` or :func:`corridors.routing.route`.
    n
        Number of simulated shipments.
    seed
        ``int``, ``numpy.random.Generator`` or ``None``; one seed always gives one result.
    departure
        Departure date/time: sailings then follow their timetables and cancellation odds are
        those of the departure month. Without it, arrival at a sailing is uniform over the
        headway and cancellation odds are annual.
    deadline_days
        Report the share of shipments arriving within this many days.
    parameters
        Reliability figures; default: the bundled ``reliability.csv``.

    Returns
    -------
    ReliabilityResult

    Raises
    ------
    InvalidSpecError
        For ``n < 1``, a negative deadline or a malformed departure.

    Notes
    -----
    The events and their distributions are described in the module docstring. Border dwell is
    lognormal with the median and P90 of ``crossings.csv`` (σ = ln(P90/P50) / 1.2816), so the
    simulated mean exceeds the routed time, which adds medians.

    Examples
    --------
    >>> from corridors.network import load_network
    >>> from corridors.routing import route
    >>> net = load_network()
    >>> it = route(net, "Xi'an", "Duisburg", objective="days")
    >>> r = simulate_itinerary(net, it, n=20_000, seed=1, deadline_days=30)
    >>> r.p50_days <= r.p90_days <= r.p95_days
    True
    """
    n = _sample_count(n)
    if deadline_days is not None and not (0 <= deadline_days < float("inf")):
        raise InvalidSpecError(
            explain(
                f"Deadline {deadline_days} days is not a finite number >= 0.",
                fix="Give the deadline in days, e.g. 30.",
            )
        )
    when = _as_datetime(departure)
    params = parameters if parameters is not None else load_reliability_parameters()
    events = compile_events(itinerary, params, departure=when)
    how = -1.0 if when is None else when.weekday() * 24.0 + when.hour + when.minute / 60.0
    base = np.uint64(int(rng_from_seed(seed).integers(0, 2**63)))
    hours = simulate_events(events.kind, events.a, events.b, events.c, int(n), base, how)
    days = hours / 24.0
    p50, p90, p95 = (float(v) for v in np.quantile(days, [0.5, 0.9, 0.95]))
    prob = None if deadline_days is None else float(np.mean(days <= deadline_days))
    log.debug("simulated %d shipments of %s on %s", n, itinerary.summary(), network.name)
    return ReliabilityResult(
        samples_days=days,
        p50_days=p50,
        p90_days=p90,
        p95_days=p95,
        mean_days=float(days.mean()),
        deadline_days=deadline_days,
        prob_by_deadline=prob,
        planned_days=float(itinerary.days),
        label=f"{itinerary.origin} → {itinerary.destination}, {itinerary.summary()}",
    )
