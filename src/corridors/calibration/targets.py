"""What the model says about each observation: modelled counts, times and waits; the table.

:class:`Predictor` compiles an observation table against a route set's graph once (link
selections, class weights, time queries) so that an objective evaluation costs one pass over
arrays and one batch of shortest paths; :func:`predict` is the one-call form.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment.sue import (
    ChoiceProblem,
    ChoiceResult,
    ProbeRoutes,
    expected_corridor_times,
    probe_routes,
)
from corridors.calibration.observations import Observations
from corridors.errors import DemandError, explain

__all__ = [
    "POINT_TOLERANCE",
    "Predictor",
    "added_date",
    "band",
    "geh",
    "observation_cells",
    "observation_table",
    "predict",
]

F64 = npt.NDArray[np.float64]

POINT_TOLERANCE = 0.10
"""A time or wait published as one figure (low = high) is a target of ±10 % around it."""


def geh(modelled: npt.ArrayLike, observed: npt.ArrayLike) -> F64:
    """GEH statistic ``sqrt(2 (M − O)² / (M + O))`` on hourly equivalents of annual volumes.

    The counts are per year; GEH was defined for hourly traffic counts, so both are divided
    by 8,760 h first (in the count's own unit).

    >>> geh([8760 * 110], [8760 * 100]).round(3).tolist()
    [0.976]
    """
    m = np.asarray(modelled, float) / 8760.0
    o = np.asarray(observed, float) / 8760.0
    s = np.where(m + o > 0, m + o, 1.0)
    return np.sqrt(2.0 * (m - o) ** 2 / s)


def band(low: float, high: float) -> tuple[float, float]:
    """Target range of a time or wait: the published range, or ±10 % around a single figure.

    >>> band(24.0, 24.0)
    (21.6, 26.400000000000002)
    """
    if math.isfinite(low) and math.isfinite(high) and high - low <= 1e-9 * max(high, 1.0):
        return low * (1 - POINT_TOLERANCE), high * (1 + POINT_TOLERANCE)
    return low, high


def _link_selector(ids: npt.NDArray[np.str_], links: Sequence[str]) -> npt.NDArray[np.int64]:
    hit = np.zeros(ids.shape[0], np.bool_)
    for lid in links:
        if lid.endswith((":f", ":r")):
            hit |= ids == lid
        else:
            hit |= (ids == f"{lid}:f") | (ids == f"{lid}:r")
    return np.flatnonzero(hit)


def _count_weights(problem: ChoiceProblem, classes: Sequence[str], unit: str) -> F64:
    """Per class of the problem: factor from the class's flow unit to the count's unit."""
    t_per_teu = float(problem.net.parameter("global", "t_per_teu", default=10.0))
    teu_per_train = float(problem.net.parameter("global", "teu_per_train", default=86.0))
    w = np.zeros(len(problem.class_names))
    for i, p in enumerate(problem.profiles):
        if p.name not in classes:
            continue
        if unit == "t":
            w[i] = t_per_teu if p.unit == "TEU" else 1.0
        elif unit == "teu_eq":
            w[i] = p.pce_teu_per_unit
        elif unit == "trains" and p.unit == "TEU":
            w[i] = 1.0 / teu_per_train
        elif unit == "TEU" and p.unit == "TEU":
            w[i] = 1.0
    return w


@dataclass(frozen=True, eq=False)
class Predictor:
    """An observation table compiled against a route set's graph (see :meth:`build`).

    Attributes
    ----------
    observations
        The table.
    count_rows, count_links, count_weights
        Row positions of the counts, their link indices and per-class unit factors.
    wait_rows, wait_links
        Row positions of the waits and their link indices.
    time_rows, time_queries
        Row positions of the times and their
        :func:`~corridors.assignment.sue.expected_corridor_times` queries (origin,
        destination, alternative, the classes the observation names: the container classes
        by default).
    run_h
        Running hours of every graph link (a wait is time beyond it).
    probes
        Per route set (problem) seen: the route sets of the time queries' places that are
        not markets, generated at the first equilibrium evaluated on it and kept while it
        is, as the markets' routes are kept during a fit round.
    """

    observations: Observations
    count_rows: tuple[int, ...]
    count_links: tuple[npt.NDArray[np.int64], ...]
    count_weights: tuple[F64, ...]
    wait_rows: tuple[int, ...]
    wait_links: tuple[npt.NDArray[np.int64], ...]
    time_rows: tuple[int, ...]
    time_queries: tuple[tuple[str, str, str, tuple[str, ...]], ...]
    run_h: F64
    probes: weakref.WeakKeyDictionary[ChoiceProblem, ProbeRoutes] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )

    @classmethod
    def build(cls, problem: ChoiceProblem, obs: Observations) -> Predictor:
        """Compile ``obs`` for ``problem``'s graph (the same for every route set of it).

        Raises
        ------
        corridors.errors.DemandError
            When an observation names links, classes or places the model does not have.
        """
        names = problem.class_names
        ids = np.asarray(problem.corridor.graph.link_ids).astype(str)
        zones = set(problem.corridor.zones)
        teu_classes = [p.name for p in problem.profiles if p.unit == "TEU"]
        rows: dict[str, list[int]] = {"count": [], "wait": [], "time": []}
        c_links, c_w, w_links, queries = [], [], [], []
        for i, r in enumerate(obs.table.itertuples(index=False)):
            rows[r.kind].append(i)
            if r.kind == "time":
                for z in (r.origin, r.destination):
                    if str(z) not in zones:
                        raise DemandError(
                            explain(f"Observation {r.obs_id!r}: unknown place {z!r}.")
                        )
                cls_ = [c for c in (r.classes or teu_classes or names) if c in names]
                cls_ = cls_ or list(r.classes) or list(names)
                queries.append((str(r.origin), str(r.destination), str(r.alternative), tuple(cls_)))
                continue
            idx = _link_selector(ids, r.links)
            if idx.size == 0:
                raise DemandError(
                    explain(
                        f"Observation {r.obs_id!r}: none of the links {list(r.links)} is in "
                        "the network.",
                        fix="Use link ids of links.csv (with :f/:r for one direction).",
                    )
                )
            if r.kind == "wait":
                w_links.append(idx)
                continue
            classes = [c for c in r.classes if c in names] if r.classes else list(names)
            if r.classes and not classes:
                raise DemandError(
                    explain(
                        f"Observation {r.obs_id!r} counts classes {list(r.classes)} the demand "
                        f"does not have ({list(names)}).",
                    )
                )
            c_links.append(idx)
            c_w.append(_count_weights(problem, classes, str(r.unit)))
        run_h = problem.net.links["run_time_h"].reindex(ids).to_numpy(float)
        return cls(
            obs,
            tuple(rows["count"]),
            tuple(c_links),
            tuple(c_w),
            tuple(rows["wait"]),
            tuple(w_links),
            tuple(rows["time"]),
            tuple(queries),
            np.nan_to_num(run_h),
        )

    def modelled(self, result: ChoiceResult) -> F64:
        """Modelled value of every observation (row order of the table).

        Counts: the flow summed over the listed link directions, in the count's unit
        (tonnes: containers × ``t_per_teu``; trains: container TEU ÷ ``teu_per_train``).
        Waits: hours on the element beyond running time (dwell, queue, sailing wait),
        flow-weighted over the listed links and over all classes (``result.link_time``: when
        queues serve containers first, decision 0005, the mean of the two groups' waits, as
        the observed all-traffic figures are). Times: the mean door-to-door hours of the
        shipments choosing the corridor at the equilibrium — its routes' hours weighted by
        the route logit within the corridor, the classes (a ``container`` time: standard and
        high-value) by their volume in it
        (:func:`~corridors.assignment.sue.expected_corridor_times`).
        """
        pr = result.problem
        out = np.full(len(self.observations), np.nan)
        if self.count_rows:
            ci = pr.mkt_cls[pr.path_mkt]
            per_class = np.stack(
                [
                    pr.incidence.T @ np.where(ci == k, result.path_flow, 0.0)
                    for k in range(len(pr.class_names))
                ]
            )
            for i, idx, w in zip(
                self.count_rows, self.count_links, self.count_weights, strict=True
            ):
                out[i] = float(w @ per_class[:, idx].sum(axis=1))
        for i, idx in zip(self.wait_rows, self.wait_links, strict=True):
            lt = result.link_time[idx] - self.run_h[idx]
            w = result.link_flow[idx]
            out[i] = float(np.average(lt, weights=w)) if w.sum() > 0 else float(lt.max())
        if self.time_rows:
            pr = result.problem
            probes = self.probes.get(pr)
            if probes is None:
                probes = self.probes[pr] = probe_routes(result, self.time_queries)
            hours = expected_corridor_times(result, self.time_queries, probes=probes)
            for i, (h, _) in zip(self.time_rows, hours, strict=True):
                out[i] = h
        return out

    def observed(self) -> F64:
        """Observed value of every row: the count, or the range midpoint for times/waits."""
        t = self.observations.table
        mid = 0.5 * (t["low_h"].astype(float) + t["high_h"].astype(float))
        out = np.where(t["kind"] == "count", t["value"].astype(float), mid)
        return np.asarray(out, dtype=np.float64)


def predict(result: ChoiceResult, obs: Observations) -> pd.DataFrame:
    """Modelled value of every observation at an equilibrium (see :meth:`Predictor.modelled`).

    Returns
    -------
    pandas.DataFrame
        The observation table with ``modelled`` and ``observed`` (the count, or the range
        midpoint for times and waits).

    Raises
    ------
    corridors.errors.DemandError
        When an observation names links, classes or places the model does not have.
    """
    pred = Predictor.build(result.problem, obs)
    df = obs.table.copy()
    df["modelled"] = pred.modelled(result)
    df["observed"] = pred.observed()
    return df


_COLUMNS = (
    "obs_id",
    "split",
    "kind",
    "label",
    "unit",
    "observed",
    "low_h",
    "high_h",
    "target_low_h",
    "target_high_h",
    "modelled",
    "ratio",
    "geh",
    "within_ratio",
    "within",
    "added",
    "source",
)


def observation_table(pred: pd.DataFrame) -> pd.DataFrame:
    """Observed vs modelled with ``ratio``, ``geh`` (counts) and ``within``.

    ``within``: counts GEH < 10 or ratio within ±25 %; times and waits inside the target
    range (:func:`band`). ``within_ratio``: counts within ±25 % only.
    """
    t = pred.copy()
    t["ratio"] = t["modelled"] / t["observed"]
    is_count = t["kind"] == "count"
    t["geh"] = np.where(is_count, geh(t["modelled"], t["observed"]), np.nan)
    bands = [band(lo, hi) for lo, hi in zip(t["low_h"], t["high_h"], strict=True)]
    t["target_low_h"] = [b[0] for b in bands]
    t["target_high_h"] = [b[1] for b in bands]
    inside = (t["modelled"] >= t["target_low_h"]) & (t["modelled"] <= t["target_high_h"])
    t["within_ratio"] = np.where(is_count, (t["ratio"] - 1).abs() <= 0.25, inside).astype(bool)
    t["within"] = np.where(is_count, (t["geh"] < 10) | t["within_ratio"], inside).astype(bool)
    return t[[c for c in _COLUMNS if c in t.columns]]


def added_date(row: Any) -> str:
    """The ``added`` date of one :func:`observation_table` row, ``""`` when it has none."""
    v = str(getattr(row, "added", "") or "")
    return "" if v in ("", "nan") else v


def observation_cells(row: Any) -> tuple[str, str, str]:
    """Observed, modelled and GEH text of one :func:`observation_table` row.

    Counts in their unit with the GEH; times and waits in days, the published range beside
    the modelled value, and no GEH.
    """
    if row.kind == "count":
        return f"{row.observed:,.0f} {row.unit}", f"{row.modelled:,.0f}", f"{row.geh:.1f}"
    return f"{row.low_h / 24:.1f}–{row.high_h / 24:.1f} d", f"{row.modelled / 24:.1f} d", ""
