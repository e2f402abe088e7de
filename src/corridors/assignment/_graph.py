"""The array graph that every assignment algorithm runs on.

:class:`AssignmentGraph` knows nothing about corridors, countries or ports: it is a directed
graph of ``n_nodes`` nodes and ``n_links`` links given as NumPy arrays, the first ``n_zones``
nodes being the zones (centroids) of the demand matrix. TNTP networks and the corridor network
(:mod:`corridors.assignment._from_network`) are both converted to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from corridors.assignment.vdf import VDF
from corridors.errors import InvalidSpecError, explain
from corridors.network.enums import VDF_ALPHA_DEFAULT, VDF_BETA_DEFAULT

__all__ = ["AssignmentGraph"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


def _f64(name: str, values: Any, n: int, *, positive: bool = False) -> FloatArray:
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.shape != (n,):
        raise InvalidSpecError(
            explain(
                f"AssignmentGraph.{name} has shape {arr.shape}, expected ({n},).",
                fix="Give one value per link.",
            )
        )
    bad = ~np.isfinite(arr) | (arr <= 0 if positive else arr < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        need = "positive" if positive else "non-negative"
        raise InvalidSpecError(
            explain(
                f"AssignmentGraph.{name}[{i}] is {arr[i]!r}; {bad.sum()} value(s) are not "
                f"finite and {need}.",
                why="Volume-delay functions need finite link attributes.",
                fix=f"Fix the link data so every {name} is finite and {need}.",
            )
        )
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class AssignmentGraph:
    """A directed graph of links with volume-delay functions, ready for assignment.

    Nodes are numbered ``0 … n_nodes-1``; the first ``n_zones`` nodes are the zones (origins
    and destinations of demand). Build it with keyword arguments; arrays are copied,
    validated and made read-only.

    Parameters
    ----------
    from_node, to_node
        Tail and head node of each link (0-based, ``int32``).
    n_nodes
        Number of nodes.
    n_zones
        Number of zones; zone ``i`` is node ``i``.
    free_flow_time
        Link time at zero flow, in the network's time unit (hours for the corridor network,
        minutes for most TNTP networks).
    capacity
        Link capacity in flow units per assignment period (same unit as demand × pce).
    vdf
        Volume-delay function kind per link (:class:`~corridors.assignment.vdf.VDF` codes).
    alpha, beta
        Volume-delay parameters per link (see :mod:`corridors.assignment.vdf`).
    length
        Link length (km for the corridor network; TNTP's own unit otherwise).
    fixed_cost
        Flow-independent cost per unit of flow (e.g. tariff, USD), default zero. Demand classes
        may override it.
    zone_through
        Whether a zone node may be passed through by routes that neither start nor end there
        (TNTP's ``FIRST THRU NODE`` rule is ``False``). Default ``False``.
    link_ids
        Optional external link labels (default ``0 … n_links-1``).
    node_ids
        Optional external node labels (default ``1 … n_nodes``).
    link_type
        Optional category per link (``"rail"``, ``"border"``, ``"port"``, ``"ferry"``, …) used
        by the bottleneck report.
    node_xy
        Optional ``(n_nodes, 2)`` longitude/latitude in degrees, for GeoJSON output.

    Examples
    --------
    >>> g = AssignmentGraph(from_node=[0, 1], to_node=[1, 0], n_nodes=2, n_zones=2,
    ...                     free_flow_time=[1.0, 1.0], capacity=[10.0, 10.0])
    >>> g.n_links
    2
    """

    from_node: IntArray
    to_node: IntArray
    n_nodes: int
    n_zones: int
    free_flow_time: FloatArray
    capacity: FloatArray
    vdf: npt.NDArray[np.int8] = field(default=None)  # type: ignore[arg-type]
    alpha: FloatArray = field(default=None)  # type: ignore[arg-type]
    beta: FloatArray = field(default=None)  # type: ignore[arg-type]
    length: FloatArray = field(default=None)  # type: ignore[arg-type]
    fixed_cost: FloatArray = field(default=None)  # type: ignore[arg-type]
    zone_through: bool = False
    link_ids: npt.NDArray[Any] = field(default=None)  # type: ignore[arg-type]
    node_ids: npt.NDArray[Any] = field(default=None)  # type: ignore[arg-type]
    link_type: npt.NDArray[np.str_] = field(default=None)  # type: ignore[arg-type]
    node_xy: FloatArray | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        frm = np.ascontiguousarray(self.from_node, dtype=np.int64)
        to = np.ascontiguousarray(self.to_node, dtype=np.int64)
        self._check_topology(frm, to)
        n = frm.shape[0]
        set_(self, "from_node", frm.astype(np.int32))
        set_(self, "to_node", to.astype(np.int32))
        self._set_link_figures(n)
        self._set_labels(n)
        if self.node_xy is not None:
            xy = np.asarray(self.node_xy, dtype=np.float64)
            if xy.shape != (self.n_nodes, 2):
                raise InvalidSpecError(explain("node_xy must have shape (n_nodes, 2)."))
            set_(self, "node_xy", xy)
        order = np.argsort(self.from_node, kind="stable").astype(np.int32)
        indptr = np.zeros(self.n_nodes + 1, np.int64)
        np.cumsum(np.bincount(self.from_node, minlength=self.n_nodes), out=indptr[1:])
        set_(self, "_csr", (indptr, self.to_node[order].copy(), order))
        rorder = np.argsort(self.to_node, kind="stable").astype(np.int32)
        rptr = np.zeros(self.n_nodes + 1, np.int64)
        np.cumsum(np.bincount(self.to_node, minlength=self.n_nodes), out=rptr[1:])
        set_(self, "_rcsr", (rptr, rorder))

    def _check_topology(self, frm: npt.NDArray[np.int64], to: npt.NDArray[np.int64]) -> None:
        """Link ends are 1-D, equal in length, valid node indices and never a loop; the
        zones are the first nodes."""
        n = frm.shape[0]
        if frm.ndim != 1 or to.shape != frm.shape:
            raise InvalidSpecError(
                explain("from_node and to_node must be 1-D arrays of equal length.")
            )
        if self.n_zones < 0 or self.n_zones > self.n_nodes:
            raise InvalidSpecError(
                explain(
                    f"n_zones={self.n_zones} is outside 0…n_nodes ({self.n_nodes}).",
                    fix="Number the zones as the first nodes of the graph.",
                )
            )
        for name, arr in (("from_node", frm), ("to_node", to)):
            if n and (arr.min() < 0 or arr.max() >= self.n_nodes):
                raise InvalidSpecError(
                    explain(
                        f"{name} holds node indices outside 0…{self.n_nodes - 1}.",
                        fix="Renumber nodes 0-based and pass the right n_nodes.",
                    )
                )
        if n and (frm == to).any():
            i = int(np.flatnonzero(frm == to)[0])
            raise InvalidSpecError(
                explain(f"Link {i} is a loop ({frm[i]} → {to[i]}).", fix="Drop loop links.")
            )

    def _set_link_figures(self, n: int) -> None:
        """Per-link times, capacities, VDF codes and parameters, lengths and fixed costs as
        checked float arrays of ``n`` values (defaults where not given)."""
        set_ = object.__setattr__
        set_(self, "free_flow_time", _f64("free_flow_time", self.free_flow_time, n))
        set_(self, "capacity", _f64("capacity", self.capacity, n, positive=True))
        vdf = np.zeros(n, np.int8) if self.vdf is None else np.asarray(self.vdf, dtype=np.int8)
        if vdf.shape != (n,) or not np.isin(vdf, [int(v) for v in VDF]).all():
            raise InvalidSpecError(
                explain(
                    "AssignmentGraph.vdf must hold one code per link from "
                    f"{[f'{v.value}={v.name}' for v in VDF]}."
                )
            )
        vdf.setflags(write=False)
        set_(self, "vdf", vdf)
        defaults = {
            "alpha": VDF_ALPHA_DEFAULT,
            "beta": VDF_BETA_DEFAULT,
            "length": 0.0,
            "fixed_cost": 0.0,
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            set_(self, name, _f64(name, np.full(n, default) if value is None else value, n))
        VDF.check_parameters(self.vdf, self.alpha, self.beta)

    def _set_labels(self, n: int) -> None:
        """Link ids, node ids and link types (defaults: 0…, 1…, ``"link"``), checked."""
        set_ = object.__setattr__
        ids = np.arange(n) if self.link_ids is None else np.asarray(self.link_ids)
        nids = (
            np.arange(1, self.n_nodes + 1) if self.node_ids is None else np.asarray(self.node_ids)
        )
        ltype = np.full(n, "link") if self.link_type is None else np.asarray(self.link_type)
        for name, labels, size in (
            ("link_ids", ids, n),
            ("node_ids", nids, self.n_nodes),
            ("link_type", ltype, n),
        ):
            if labels.shape != (size,):
                raise InvalidSpecError(explain(f"AssignmentGraph.{name} needs {size} entries."))
        set_(self, "link_ids", ids)
        set_(self, "node_ids", nids)
        set_(self, "link_type", ltype.astype(str))

    @property
    def n_links(self) -> int:
        """Number of links."""
        return int(self.from_node.shape[0])

    @property
    def csr(self) -> tuple[npt.NDArray[np.int64], IntArray, IntArray]:
        """Forward star: ``(indptr, head node, link index)`` sorted by tail node."""
        return self._csr  # type: ignore[attr-defined, no-any-return]

    @property
    def reverse_csr(self) -> tuple[npt.NDArray[np.int64], IntArray]:
        """Backward star: ``(indptr, link index)`` sorted by head node."""
        return self._rcsr  # type: ignore[attr-defined, no-any-return]

    def no_through(self) -> BoolArray:
        """Per node: whether routes may not pass through it (zones unless ``zone_through``)."""
        out = np.zeros(self.n_nodes, np.bool_)
        if not self.zone_through:
            out[: self.n_zones] = True
        return out

    def link_index(self, ids: Sequence[Any] | Any) -> npt.NDArray[np.int64]:
        """Positions of links given by their ``link_ids`` label.

        Raises
        ------
        corridors.errors.UnknownPlaceError
            When a label is not a link of the graph.
        """
        from corridors.errors import UnknownPlaceError

        wanted = np.atleast_1d(np.asarray(ids, dtype=self.link_ids.dtype))
        pos = {v: i for i, v in enumerate(self.link_ids.tolist())}
        out = []
        for w in wanted.tolist():
            if w not in pos:
                raise UnknownPlaceError(
                    explain(f"Link {w!r} is not in the graph.", fix="Use a value of link_ids.")
                )
            out.append(pos[w])
        return np.asarray(out, dtype=np.int64)
