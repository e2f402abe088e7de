"""What an assignment returns: link flows, delays, gap history, skims, bottlenecks, select-link."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment import _kernels as kern
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.spec import AssignmentSpec, DemandClass
from corridors.assignment.vdf import link_times_into
from corridors.errors import InvalidSpecError, UnknownPlaceError, explain
from corridors.io._output import write_tables

__all__ = ["AssignmentResult", "BushState", "IterationRecord", "PathSets", "write_results"]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class IterationRecord:
    """One iteration of an assignment.

    Attributes
    ----------
    iteration
        1-based iteration number (0 for all-or-nothing).
    relative_gap
        ``(TSTT - SPTT) / TSTT`` at the flows entering the iteration (dimensionless).
    objective
        Beckmann objective at those flows (time-equivalent units × capacity units).
    step
        Frank-Wolfe family: step length taken; ``nan`` for gradient projection.
    seconds
        Wall time since the start of the assignment (informational).
    cpu_seconds
        CPU time of the process since the start of the assignment (for convergence plots on
        a shared machine).
    """

    iteration: int
    relative_gap: float
    objective: float
    step: float
    seconds: float
    cpu_seconds: float = float("nan")


@dataclass(frozen=True, eq=False)
class PathSets:
    """Path flows of a path-based assignment (capacity units), as linked lists per OD."""

    od_cls: npt.NDArray[np.int32]
    od_o: npt.NDArray[np.int32]
    od_d: npt.NDArray[np.int32]
    od_head: npt.NDArray[np.int32]
    p_links: npt.NDArray[np.int32]
    p_start: npt.NDArray[np.int64]
    p_len: npt.NDArray[np.int32]
    p_flow: F64
    p_next: npt.NDArray[np.int32]

    def paths(self, od: int) -> list[tuple[npt.NDArray[np.int32], float]]:
        """Links and flow of each path of OD pair number ``od``."""
        out = []
        p = int(self.od_head[od])
        while p >= 0:
            s = int(self.p_start[p])
            out.append((self.p_links[s : s + int(self.p_len[p])].copy(), float(self.p_flow[p])))
            p = int(self.p_next[p])
        return out


@dataclass(frozen=True, eq=False)
class BushState:
    """Origin-based flows of a bush-based assignment (capacity units), one bush per row.

    Attributes
    ----------
    b_cls, b_org
        Class index and origin zone of each bush.
    inb
        ``(bushes, links)``: whether the link belongs to the bush.
    x
        ``(bushes, links)``: flow from the bush's origin on each link.
    """

    b_cls: npt.NDArray[np.int32]
    b_org: npt.NDArray[np.int32]
    inb: npt.NDArray[np.bool_]
    x: F64


class GapHistory:
    """Convergence of a result that keeps one record (with ``relative_gap``) per iteration in
    ``history``: shared by :class:`AssignmentResult` and the choice equilibrium's result."""

    __slots__ = ()
    history: tuple[Any, ...]

    @property
    def relative_gap(self) -> float:
        """Relative gap of the final flows (``nan`` without iterations: all-or-nothing)."""
        return float(self.history[-1].relative_gap) if self.history else float("nan")

    @property
    def iterations(self) -> int:
        """Number of iterations run."""
        return len(self.history)


@dataclass(frozen=True, eq=False)
class AssignmentResult(GapHistory):
    """Result of :func:`corridors.assignment.assign`.

    Attributes
    ----------
    graph
        The graph assigned on.
    classes
        The demand classes, in order.
    spec
        The settings used.
    class_flow_pcu
        ``(classes, links)`` flow of each class in capacity units (``pce`` × demand units).
    offset
        ``(classes, links)`` time-equivalent fixed cost (``fixed_cost / value_of_time``;
        ``inf`` where the class may not go).
    history
        One :class:`IterationRecord` per iteration.
    converged
        Whether the target gap was reached.
    unrouted_pcu
        Demand (capacity units) that had no route.
    paths
        Path sets (gradient projection only), for select-link analysis.
    bushes
        Origin-based bush flows (bush algorithm only), for select-link analysis and as a
        warm start (``assign(..., warm_start=result)``).
    """

    graph: AssignmentGraph
    classes: tuple[DemandClass, ...]
    spec: AssignmentSpec
    class_flow_pcu: F64
    offset: F64
    history: tuple[IterationRecord, ...]
    converged: bool
    unrouted_pcu: float
    paths: PathSets | None = None
    bushes: BushState | None = None

    @property
    def class_names(self) -> tuple[str, ...]:
        """Demand class names, in order."""
        return tuple(c.name for c in self.classes)

    # -- link results -----------------------------------------------------------------------
    @property
    def link_flow(self) -> F64:
        """Total link volume in capacity units (sum over classes of pce × flow)."""
        return self.class_flow_pcu.sum(axis=0)  # type: ignore[no-any-return]

    def class_flow(self, name: str) -> F64:
        """Link flow of one class in its demand units."""
        i = self._class_index(name)
        return self.class_flow_pcu[i] / self.classes[i].pce  # type: ignore[no-any-return]

    @property
    def link_time(self) -> F64:
        """Link time at the final flows (graph time unit)."""
        g = self.graph
        out = np.empty(g.n_links)
        link_times_into(g.vdf, g.free_flow_time, g.capacity, g.alpha, g.beta, self.link_flow, out)
        return out

    @property
    def volume_capacity(self) -> F64:
        """Volume over capacity per link (dimensionless)."""
        return self.link_flow / self.graph.capacity

    def gap_table(self) -> pd.DataFrame:
        """The iteration history as a table."""
        return pd.DataFrame(
            [_rec(r) for r in self.history], columns=list(IterationRecord.__slots__)
        )

    def link_table(self) -> pd.DataFrame:
        """One row per link: flows per class, volume/capacity, times, delays and costs.

        Columns: ``link_id``, ``from_node``, ``to_node``, ``link_type``, ``length``,
        ``capacity``, ``flow_pcu`` (total volume), ``flow_<class>`` (demand units),
        ``volume_capacity``, ``free_flow_time``, ``time``, ``delay`` (time − free-flow time)
        and ``cost_<class>`` (fixed cost + value of time × time per demand unit).
        """
        g = self.graph
        t = self.link_time
        df = pd.DataFrame(
            {
                "link_id": g.link_ids,
                "from_node": g.node_ids[g.from_node],
                "to_node": g.node_ids[g.to_node],
                "link_type": g.link_type,
                "length": g.length,
                "capacity": g.capacity,
                "flow_pcu": self.link_flow,
            }
        )
        for c in self.classes:
            df[f"flow_{c.name}"] = self.class_flow(c.name)
        df["volume_capacity"] = self.volume_capacity
        df["free_flow_time"] = g.free_flow_time
        df["time"] = t
        df["delay"] = t - g.free_flow_time
        for i, c in enumerate(self.classes):
            cost = c.value_of_time * (self.offset[i] + t)
            df[f"cost_{c.name}"] = np.where(np.isfinite(cost), cost, np.nan)
        return df

    # -- skims ------------------------------------------------------------------------------
    def skims(self, name: str) -> dict[str, F64]:
        """Zone-to-zone time, cost and distance of one class along its cheapest routes.

        Routes are the shortest in the class's generalized cost at the final link times
        (at equilibrium every used route costs the same). ``inf``/``nan`` where unreachable.

        Returns
        -------
        dict
            ``{"time", "cost", "distance"}``, each ``zones × zones``: graph time unit, cost
            units per demand unit (``value_of_time × time + fixed``), graph length unit.
        """
        i = self._class_index(name)
        c = self.classes[i]
        g = self.graph
        indptr, heads, lidx = g.csr
        t = self.link_time
        attrs = np.vstack([t, g.length])
        gc, acc = kern.skims(
            indptr, heads, lidx, g.from_node, t + self.offset[i], g.no_through(), g.n_zones, attrs
        )
        return {"time": acc[0], "cost": gc * c.value_of_time, "distance": acc[1]}

    def skim_table(self, name: str) -> pd.DataFrame:
        """Skims of one class as a long table over OD pairs with demand."""
        s = self.skims(name)
        c = self.classes[self._class_index(name)]
        o, d = np.nonzero(c.matrix > 0)
        z = self.graph.node_ids
        return pd.DataFrame(
            {
                "class": name,
                "origin": z[o],
                "destination": z[d],
                "demand": c.matrix[o, d],
                "time": s["time"][o, d],
                "cost": s["cost"][o, d],
                "distance": s["distance"][o, d],
            }
        )

    # -- reports ----------------------------------------------------------------------------
    def bottlenecks(
        self, *, top: int = 10, link_types: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The most saturated links, highest volume/capacity first.

        Parameters
        ----------
        top
            Number of rows.
        link_types
            Keep only these ``link_type`` values (e.g. ``("border", "port", "ferry")``).

        Returns
        -------
        pandas.DataFrame
            Rows of :meth:`link_table` with flow, sorted by ``volume_capacity``.
        """
        df = self.link_table()
        df = df[df["flow_pcu"] > 0]
        if link_types is not None:
            df = df[df["link_type"].isin(list(link_types))]
        return df.sort_values("volume_capacity", ascending=False).head(top).reset_index(drop=True)

    def select_link(self, links: Sequence[Any] | Any) -> pd.DataFrame:
        """Which OD pairs use the given links (by ``link_ids`` label), and how much.

        Parameters
        ----------
        links
            One link label or several; a route counts once if it uses any of them.

        Returns
        -------
        pandas.DataFrame
            ``class``, ``origin``, ``destination``, ``flow`` (demand units through the
            links) and ``share`` (of the OD pair's demand), largest flow first.

        Raises
        ------
        corridors.errors.InvalidSpecError
            For results without path sets (only gradient projection keeps them).
        corridors.errors.UnknownPlaceError
            For a label that is not a link.
        """
        idx = self.graph.link_index(links)
        sel = np.zeros(self.graph.n_links, np.bool_)
        sel[idx] = True
        if self.bushes is not None:
            od_cls, od_o, od_d, od_flow = self._bush_select(sel)
        elif self.paths is not None:
            p = self.paths
            od_flow = kern.path_link_od_flow(
                p.od_head, p.p_links, p.p_start, p.p_len, p.p_flow, p.p_next, sel
            )
            od_cls, od_o, od_d = p.od_cls, p.od_o, p.od_d
        else:
            raise InvalidSpecError(
                explain(
                    f"Select-link analysis needs route or origin flows, which algorithm "
                    f"{self.spec.algorithm!s} does not keep.",
                    fix="Run the assignment with AssignmentSpec(algorithm='gp') or 'bush'.",
                )
            )
        keep = od_flow > 0
        cls = od_cls[keep]
        pce = np.array([c.pce for c in self.classes])[cls]
        dem = np.array(
            [
                self.classes[c].matrix[o, d]
                for c, o, d in zip(cls, od_o[keep], od_d[keep], strict=True)
            ]
        )
        flow = od_flow[keep] / pce
        z = self.graph.node_ids
        df = pd.DataFrame(
            {
                "class": [self.classes[c].name for c in cls],
                "origin": z[od_o[keep]],
                "destination": z[od_d[keep]],
                "flow": flow,
                "share": flow / np.where(dem > 0, dem, 1.0),
            }
        )
        return df.sort_values("flow", ascending=False).reset_index(drop=True)

    # -- exports and display ------------------------------------------------------------------
    def to_geodataframe(self, net: Any = None) -> Any:
        """Link results as a GeoDataFrame (EPSG:4326).

        Parameters
        ----------
        net
            The corridor network assigned: physical links on their drawn shapes, with place
            names and flows per class (see :func:`corridors.io.geo.flows_to_geojson`).
            ``None``: every link of the graph as a straight line from ``graph.node_xy`` with the
            columns of :meth:`link_table`.

        Raises
        ------
        corridors.errors.MissingDependencyError
            Without the ``geo`` extra (``pip install 'corridors[geo]'``).
        """
        from corridors.io.geo import flows_to_geojson, geodataframe

        fc = links_geojson(self) if net is None else flows_to_geojson(net, self)
        return geodataframe(fc)

    def __repr__(self) -> str:
        state = "converged" if self.converged else "not converged"
        algo = getattr(self.spec.algorithm, "value", self.spec.algorithm)
        return (
            f"<AssignmentResult {algo}: {len(self.classes)} class(es) "
            f"({', '.join(c.name for c in self.classes)}), {self.graph.n_links} links, "
            f"{self.iterations} iteration(s), relative gap {self.relative_gap:.2g}, {state}>"
        )

    def _repr_html_(self) -> str:
        import html

        bt = self.bottlenecks(top=5)
        rows = "".join(
            f"<tr><td>{html.escape(str(r.link_id))}</td><td>{html.escape(str(r.link_type))}</td>"
            f"<td>{r.flow_pcu:,.0f}</td><td>{r.volume_capacity:.0%}</td></tr>"
            for r in bt.itertuples()
        )
        return (
            f"<b>{html.escape(repr(self)[1:-1])}</b><br>most saturated links:"
            "<table><tr><th>link</th><th>type</th><th>flow</th><th>volume/capacity</th></tr>"
            f"{rows}</table>"
        )

    def _bush_select(self, sel: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[Any], ...]:
        from corridors.assignment import _bush

        b = self.bushes
        assert b is not None
        g = self.graph
        indptr, heads, lidx = g.csr
        rptr, rlinks = g.reverse_csr
        share = _bush.bush_select_share(
            b.b_cls, b.b_org, b.inb, b.x, indptr, heads, lidx, rptr, rlinks,
            g.from_node, g.to_node, g.n_zones, sel,
        )  # fmt: skip
        pce_dem = np.stack([c.matrix * c.pce for c in self.classes])
        rows = pce_dem[b.b_cls, b.b_org] * share  # (bushes, zones) capacity units
        bi, d = np.nonzero(rows > 0)
        return b.b_cls[bi], b.b_org[bi], d, rows[bi, d]

    def _class_index(self, name: str) -> int:
        for i, c in enumerate(self.classes):
            if c.name == name:
                return i
        raise UnknownPlaceError(
            explain(
                f"No demand class {name!r}.", fix=f"Use one of {[c.name for c in self.classes]}."
            )
        )


def _rec(r: IterationRecord) -> dict[str, float]:
    return {k: getattr(r, k) for k in IterationRecord.__slots__}


def links_geojson(result: AssignmentResult, table: pd.DataFrame | None = None) -> dict[str, Any]:
    """Link table as a GeoJSON FeatureCollection of straight lines (needs ``graph.node_xy``).

    Raises
    ------
    corridors.errors.InvalidSpecError
        When the graph has no node coordinates.
    """
    g = result.graph
    if g.node_xy is None:
        raise InvalidSpecError(
            explain(
                "GeoJSON output needs node coordinates.",
                fix="Build the AssignmentGraph with node_xy, or write Parquet/CSV only.",
            )
        )
    df = result.link_table() if table is None else table
    feats = []
    for i, row in enumerate(df.to_dict(orient="records")):
        a, b = int(g.from_node[i]), int(g.to_node[i])
        props = {
            k: (
                None
                if isinstance(v, float) and not np.isfinite(v)
                else (v.item() if hasattr(v, "item") else v)
            )
            for k, v in row.items()
        }
        feats.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [g.node_xy[a].tolist(), g.node_xy[b].tolist()],
                },
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def write_results(
    result: AssignmentResult,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("parquet", "csv", "geojson"),
    bottleneck_rows: int = 20,
) -> list[Path]:
    """Write link table, skims, bottlenecks and gap history to ``out_dir``.

    Parameters
    ----------
    result
        An assignment result.
    out_dir
        Folder, created if needed.
    formats
        Any of ``"parquet"``, ``"csv"``, ``"geojson"`` (links only; skipped without node
        coordinates).
    bottleneck_rows
        Rows of the bottleneck table.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bad = set(formats) - {"parquet", "csv", "geojson"}
    if bad:
        raise InvalidSpecError(
            explain(f"Unknown output format(s) {sorted(bad)}.", fix="Use parquet, csv or geojson.")
        )
    tables = {
        "links": result.link_table(),
        "skims": pd.concat([result.skim_table(c.name) for c in result.classes], ignore_index=True),
        "bottlenecks": result.bottlenecks(top=bottleneck_rows),
        "gap_history": result.gap_table(),
    }
    written = write_tables(tables, out, formats)
    if "geojson" in formats and result.graph.node_xy is not None:
        written.append(out / "links.geojson")
        written[-1].write_text(json.dumps(links_geojson(result, tables["links"])))
    return written
