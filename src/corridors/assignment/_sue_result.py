"""The result of the choice equilibrium: path and link flows, times, shares, skims and files."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment._from_network import UNCONGESTED
from corridors.assignment._sue_logit import SUERecord
from corridors.assignment._sue_problem import ChoiceProblem
from corridors.assignment.choice import (
    ALTERNATIVES,
    CARGO_GROUPS,
    LABELS,
    NEST_OF,
    ChoiceParameters,
)
from corridors.assignment.results import GapHistory
from corridors.errors import InvalidSpecError, explain

if TYPE_CHECKING:
    from corridors.assignment._graph import AssignmentGraph
    from corridors.network.model import Network

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ChoiceResult(GapHistory):
    """Equilibrium of the mode/corridor/route choice: path and link flows, times, shares.

    Attributes
    ----------
    problem, params
        What was solved, with which parameters.
    path_flow
        Demand units per year on each path.
    link_flow
        TEU-equivalent per year on each link of ``problem.corridor.graph``.
    link_time
        Hours per link at ``link_flow``.
    path_time, path_gc
        Hours and generalized cost (USD per unit) of each path.
    history
        One :class:`SUERecord` per averaging iteration.
    converged
        Whether the final route set reached the target gap.
    group_link_time
        Hours per link for each cargo group of
        :data:`~corridors.assignment.choice.CARGO_GROUPS` (``groups × links``) when queues
        serve containers first (``global,queue_priority``); ``None`` when every group has
        ``link_time`` (no priority, or one group only). ``link_time`` is their
        flow-weighted mean.
    """

    problem: ChoiceProblem
    params: ChoiceParameters
    path_flow: F64
    link_flow: F64
    link_time: F64
    path_time: F64
    path_gc: F64
    history: tuple[SUERecord, ...]
    converged: bool
    group_link_time: F64 | None = None

    @property
    def group_times(self) -> F64:
        """Hours per link for each cargo group (``groups × links``, in
        :data:`~corridors.assignment.choice.CARGO_GROUPS` order)."""
        if self.group_link_time is not None:
            return self.group_link_time
        return np.tile(self.link_time, (len(CARGO_GROUPS), 1))

    def link_time_of(self, cargo: str) -> F64:
        """Hours per link that shipments of one cargo group (``"container"``/``"bulk"``, a
        class's ``ClassProfile.cargo``) meet at the equilibrium.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a group that is not one of ``CARGO_GROUPS``.
        """
        if cargo not in CARGO_GROUPS:
            raise InvalidSpecError(
                explain(f"Unknown cargo group {cargo!r}.", fix=f"Use one of {CARGO_GROUPS}.")
            )
        if self.group_link_time is None:
            return self.link_time
        return np.asarray(self.group_link_time[CARGO_GROUPS.index(cargo)], float)

    @property
    def graph(self) -> AssignmentGraph:
        """The merged corridor graph the flows are on (zones first, as ``corridor.zones``)."""
        return self.problem.corridor.graph

    @property
    def class_names(self) -> tuple[str, ...]:
        """Demand classes, in demand order."""
        return self.problem.class_names

    @property
    def t_per_teu(self) -> float:
        """Tonnes of cargo in a TEU (the network's ``t_per_teu``)."""
        return float(self.problem.net.parameter("global", "t_per_teu"))

    def select_link(self, links: Sequence[Any] | Any) -> pd.DataFrame:
        """Which markets (class and OD pair) route flow over the given links, and how much.

        The same contract as :meth:`AssignmentResult.select_link`, from the equilibrium path
        flows: a path counts once if it uses any of the links.

        Parameters
        ----------
        links
            One label of ``graph.link_ids`` or several (e.g. ``"a-r:f"``).

        Returns
        -------
        pandas.DataFrame
            ``class``, ``unit`` (the class's demand unit), ``origin``, ``destination``,
            ``flow`` (demand units per year through the links) and ``share`` (of the
            market's demand, 0–1), largest flow first. Empty when nothing uses the links.

        Raises
        ------
        corridors.errors.UnknownPlaceError
            For a label that is not a link.
        """
        pr = self.problem
        sel = np.zeros(self.graph.n_links, np.float64)
        sel[self.graph.link_index(links)] = 1.0
        uses = np.asarray(pr.incidence @ sel).ravel() > 0
        per_mkt = np.bincount(
            pr.path_mkt, weights=np.where(uses, self.path_flow, 0.0), minlength=pr.mkt_o.shape[0]
        )
        m = np.flatnonzero(per_mkt > 0)
        z = np.asarray(pr.corridor.zones)
        dem = pr.mkt_demand[m]
        df = pd.DataFrame(
            {
                "class": np.asarray(pr.class_names)[pr.mkt_cls[m]],
                "unit": np.asarray([p.unit for p in pr.profiles])[pr.mkt_cls[m]],
                "origin": z[pr.mkt_o[m]],
                "destination": z[pr.mkt_d[m]],
                "flow": per_mkt[m],
                "share": per_mkt[m] / np.where(dem > 0, dem, 1.0),
            }
        )
        return df.sort_values("flow", ascending=False).reset_index(drop=True)

    def skims(self, name: str) -> dict[str, F64]:
        """Zone-to-zone skims of one class from the choice: expected over its alternatives.

        Flow-weighted means of :meth:`skim_table` (what the class's shippers experience at
        equilibrium), as ``zones × zones`` matrices in ``corridor.zones`` order; ``nan`` for
        pairs without demand of the class.

        Returns
        -------
        dict
            ``{"time", "cost", "distance"}``: hours, USD per demand unit, km.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For a class that is not in the demand.
        """
        if name not in self.class_names:
            raise InvalidSpecError(
                explain(
                    f"Unknown demand class {name!r}.",
                    fix=f"Use one of {', '.join(self.class_names)}.",
                )
            )
        st = self.skim_table()
        st = st[st["class"] == name]
        zi = {z: i for i, z in enumerate(self.problem.corridor.zones)}
        o = st["origin"].map(zi).to_numpy(np.int64)
        d = st["destination"].map(zi).to_numpy(np.int64)
        n = len(zi)
        out = {}
        for measure, col in (("time", "time_h"), ("cost", "cost_usd"), ("distance", "distance_km")):
            mat = np.full((n, n), np.nan)
            mat[o, d] = st[col].to_numpy(float)
            out[measure] = mat
        return out

    def to_geodataframe(self, net: Network | None = None) -> Any:
        """Physical links with flows per class, v/c and delay as a GeoDataFrame (EPSG:4326).

        See :func:`corridors.io.geo.flows_to_geojson`; ``net`` defaults to the network solved.

        Raises
        ------
        corridors.errors.MissingDependencyError
            Without the ``geo`` extra (``pip install 'corridors[geo]'``).
        """
        from corridors.io.geo import flows_to_geodataframe

        return flows_to_geodataframe(self.problem.net if net is None else net, self)

    @property
    def tonnes_per_unit(self) -> F64:
        """Tonnes of cargo in one demand unit of each class, in demand order.

        ``t_per_teu`` (the network's parameter) for classes counted in TEU, 1 for classes
        counted in tonnes: multiply a class's flow (its unit per year) by it for tonnes.
        """
        tpu = self.t_per_teu
        return np.array([tpu if p.unit == "TEU" else 1.0 for p in self.problem.profiles])

    def _tonnes_per_unit(self) -> F64:
        """Old private spelling of :attr:`tonnes_per_unit`, kept for callers not yet moved."""
        return self.tonnes_per_unit

    def class_link_flow(self, name: str) -> F64:
        """Link flow of one class in its unit per year."""
        ci = self.problem.class_names.index(name)
        sel = self.problem.mkt_cls[self.problem.path_mkt] == ci
        return np.asarray(self.problem.incidence.T @ np.where(sel, self.path_flow, 0.0), float)

    def link_table(self) -> pd.DataFrame:
        """One row per link: flows per class (own unit), tonnes, v/c, times and delay.

        Columns ``link_id, from_node, to_node, link_type, length_km,
        capacity_teu_eq_per_yr, flow_teu_eq_per_yr, flow_<class>_<unit>_per_yr,
        flow_t_per_yr, volume_capacity, free_flow_h, time_h, delay_h, delay_container_h,
        delay_bulk_h``: ``time_h``/``delay_h`` are the flow-weighted mean over all classes,
        ``delay_<group>_h`` what each cargo group waits when queues serve containers first.
        """
        g = self.problem.corridor.graph
        cap = np.asarray(g.capacity, float)
        limited = cap < UNCONGESTED  # links without a capacity carry the UNCONGESTED sentinel
        df = pd.DataFrame(
            {
                "link_id": g.link_ids,
                "from_node": np.asarray(g.node_ids)[g.from_node],
                "to_node": np.asarray(g.node_ids)[g.to_node],
                "link_type": g.link_type,
                "length_km": g.length,
                "capacity_teu_eq_per_yr": np.where(limited, cap, np.nan),
                "flow_teu_eq_per_yr": self.link_flow,
            }
        )
        tonnes = np.zeros(g.n_links)
        for p, tpu in zip(self.problem.profiles, self.tonnes_per_unit, strict=True):
            f = self.class_link_flow(p.name)
            df[f"flow_{p.name}_{p.unit}_per_yr"] = f
            tonnes += f * tpu
        df["flow_t_per_yr"] = tonnes
        df["volume_capacity"] = np.where(limited, self.link_flow / cap, np.nan)
        df["free_flow_h"] = g.free_flow_time
        df["time_h"] = self.link_time
        df["delay_h"] = self.link_time - np.asarray(g.free_flow_time)
        for grp in CARGO_GROUPS:  # queues serve containers first (global,queue_priority)
            df[f"delay_{grp}_h"] = self.link_time_of(grp) - np.asarray(g.free_flow_time)
        return df

    def share_table(self) -> pd.DataFrame:
        """Corridor and mode shares per market.

        Columns ``class, unit, origin, destination, demand, mode, alternative, corridor,
        share, flow, time_h, cost_usd, generalized_cost_usd, distance_km`` (time, cost and
        distance flow-weighted over the alternative's routes, per unit).
        """
        pr = self.problem
        key = pr.path_mkt * len(ALTERNATIVES) + pr.path_alt
        df = pd.DataFrame(
            {
                "key": key,
                "mkt": pr.path_mkt,
                "alt": pr.path_alt,
                "flow": self.path_flow,
                "w_time": self.path_flow * self.path_time,
                "w_cost": self.path_flow * pr.path_cost,
                "w_gc": self.path_flow * self.path_gc,
                "w_km": self.path_flow * pr.path_length,
                "min_gc": self.path_gc,
            }
        )
        agg = df.groupby(["mkt", "alt"], sort=True).agg(
            flow=("flow", "sum"),
            w_time=("w_time", "sum"),
            w_cost=("w_cost", "sum"),
            w_gc=("w_gc", "sum"),
            w_km=("w_km", "sum"),
        )
        agg = agg.reset_index()
        m = agg["mkt"].to_numpy()
        z = np.asarray(pr.corridor.zones)
        dem = pr.mkt_demand[m]
        fl = agg["flow"].to_numpy()
        safe = np.where(fl > 0, fl, np.nan)
        alt = np.asarray(ALTERNATIVES)[agg["alt"].to_numpy()]
        return pd.DataFrame(
            {
                "class": np.asarray(pr.class_names)[pr.mkt_cls[m]],
                "unit": np.asarray([p.unit for p in pr.profiles])[pr.mkt_cls[m]],
                "origin": z[pr.mkt_o[m]],
                "destination": z[pr.mkt_d[m]],
                "demand": dem,
                "mode": [NEST_OF[a] for a in alt],
                "alternative": alt,
                "corridor": [LABELS[a] for a in alt],
                "share": fl / dem,
                "flow": fl,
                "time_h": agg["w_time"].to_numpy() / safe,
                "cost_usd": agg["w_cost"].to_numpy() / safe,
                "generalized_cost_usd": agg["w_gc"].to_numpy() / safe,
                "distance_km": agg["w_km"].to_numpy() / safe,
            }
        )

    def skim_table(self) -> pd.DataFrame:
        """Per class and OD: expected time (h), cost (USD/unit), distance (km), demand."""
        s = self.share_table()
        s = s.assign(
            wt=s["flow"] * s["time_h"].fillna(0),
            wc=s["flow"] * s["cost_usd"].fillna(0),
            wg=s["flow"] * s["generalized_cost_usd"].fillna(0),
            wd=s["flow"] * s["distance_km"].fillna(0),
        )
        g = s.groupby(["class", "unit", "origin", "destination"], sort=False).agg(
            demand=("demand", "first"),
            flow=("flow", "sum"),
            wt=("wt", "sum"),
            wc=("wc", "sum"),
            wg=("wg", "sum"),
            wd=("wd", "sum"),
        )
        f = g["flow"].where(g["flow"] > 0)
        return pd.DataFrame(
            {
                "demand": g["demand"],
                "time_h": g["wt"] / f,
                "cost_usd": g["wc"] / f,
                "generalized_cost_usd": g["wg"] / f,
                "distance_km": g["wd"] / f,
            }
        ).reset_index()

    def mode_shares(self, *, by: str = "corridor") -> pd.DataFrame:
        """Volume and share of each corridor (or mode) per class over all markets.

        Parameters
        ----------
        by
            ``"corridor"`` (alternatives) or ``"mode"`` (nests).

        Returns
        -------
        pandas.DataFrame
            ``class, unit, <by>, flow, tonnes, share`` (share of the class's demand).
        """
        if by not in ("corridor", "mode"):
            raise InvalidSpecError(explain(f"by={by!r}.", fix="Use 'corridor' or 'mode'."))
        s = self.share_table()
        col = "alternative" if by == "corridor" else "mode"
        g = s.groupby(["class", "unit", col], sort=False)["flow"].sum().reset_index()
        tot = g.groupby("class")["flow"].transform("sum")
        g["share"] = g["flow"] / tot
        tpu = dict(zip(self.problem.class_names, self.tonnes_per_unit, strict=True))
        g["tonnes"] = g["flow"] * g["class"].map(tpu)
        if by == "corridor":
            g["corridor"] = g["alternative"].map(LABELS)
        return g

    def alternative_volume(
        self, *, unit: str = "t", classes: Sequence[str] | None = None
    ) -> pd.Series:
        """Total volume per alternative over all classes (or ``classes``), in tonnes
        (``"t"``) or TEU-equivalent (``"teu_eq"``)."""
        pr = self.problem
        pc = pr.mkt_cls[pr.path_mkt]
        if unit == "t":
            w = self.tonnes_per_unit[pc]
        elif unit == "teu_eq":
            w = pr.class_pce[pc]
        else:
            raise InvalidSpecError(explain(f"unit={unit!r}.", fix="Use 't' or 'teu_eq'."))
        if classes is not None:
            keep = np.isin(np.asarray(pr.class_names)[pc], list(classes))
            w = np.where(keep, w, 0.0)
        v = np.bincount(pr.path_alt, weights=self.path_flow * w, minlength=len(ALTERNATIVES))
        return pd.Series(v, index=list(ALTERNATIVES))

    def gap_table(self) -> pd.DataFrame:
        return pd.DataFrame([dataclasses.asdict(r) for r in self.history])

    def bottlenecks(self, *, top: int = 10) -> pd.DataFrame:
        """The most loaded capacity-limited links, highest volume/capacity first."""
        lt = self.link_table()
        lt = lt[lt["flow_teu_eq_per_yr"] > 0].dropna(subset=["volume_capacity"])
        return lt.sort_values("volume_capacity", ascending=False).head(top).reset_index(drop=True)

    def write(self, out_dir: str | Path, *, formats: Sequence[str] = ("csv",)) -> list[Path]:
        """Write the result's tables and link flows to ``out_dir`` (created).

        Parameters
        ----------
        out_dir
            The folder.
        formats
            Any of ``"csv"`` and ``"parquet"`` (tables ``links``, ``skims``, ``shares``,
            ``mode_shares``, ``bottlenecks``, ``gap_history``), ``"geojson"`` and ``"gpkg"``
            (``links``: physical links on their drawn shapes with flows per class, see
            :func:`corridors.io.geo.flows_to_geojson`; gpkg needs the ``geo`` extra, Parquet
            the ``parquet`` extra). Default CSV.

        Returns
        -------
        list of pathlib.Path
            The files written.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For an unknown format.
        """
        wanted = [str(f).lower() for f in formats]
        bad = sorted(set(wanted) - {"csv", "parquet", "geojson", "gpkg"})
        if bad:
            raise InvalidSpecError(
                explain(
                    f"Unknown output format(s) {', '.join(bad)}.",
                    fix="Use csv, parquet, geojson or gpkg.",
                )
            )
        from corridors.io._output import write_tables

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        corridors = self.mode_shares(by="corridor")
        modes = self.mode_shares(by="mode")[["class", "mode", "share"]]
        tables = {
            "links": self.link_table(),
            "skims": self.skim_table(),
            "shares": self.share_table(),
            "mode_shares": corridors.merge(
                modes.rename(columns={"share": "mode_share"}),
                how="left",
                left_on=["class", corridors["alternative"].map(NEST_OF)],
                right_on=["class", "mode"],
            ),
            "bottlenecks": self.bottlenecks(top=20),
            "gap_history": self.gap_table(),
        }
        written = write_tables(tables, out, wanted)
        geo = [f for f in ("geojson", "gpkg") if f in wanted]
        if geo:
            from corridors.io.geo import flows_to_geojson, write_features

            fc = flows_to_geojson(self.problem.net, self)
            for fmt in geo:
                written.append(write_features(fc, out / f"links.{fmt}", format=fmt, layer="links"))
        return written
