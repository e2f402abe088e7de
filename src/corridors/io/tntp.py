"""Read the TNTP traffic-assignment test format (Transportation Networks for Research).

A TNTP case is three text files: ``*_net.tntp`` (links with BPR parameters), ``*_trips.tntp``
(the OD matrix) and optionally ``*_flow.tntp`` (best-known equilibrium link flows). Nodes are
numbered from 1 with the zones first; zones below ``<FIRST THRU NODE>`` may not be passed
through. See github.com/bstabler/TransportationNetworks for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.spec import DemandClass
from corridors.errors import DataFileError, explain

__all__ = ["TNTPCase", "read_tntp", "read_tntp_flows", "read_tntp_network", "read_tntp_trips"]

_META = re.compile(r"^\s*<([^>]+)>\s*(.*?)\s*$")
_PAIR = re.compile(r"(\d+)\s*:\s*([-+0-9.eE]+)")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataFileError(
            explain(
                f"Cannot read TNTP file {str(path)!r}: {exc.strerror}.",
                fix="Check the path; a TNTP case has *_net.tntp and *_trips.tntp files.",
            )
        ) from exc


def _split_meta(text: str, path: Path) -> tuple[dict[str, str], list[str]]:
    meta: dict[str, str] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _META.match(line)
        if not m:
            continue
        key = m.group(1).strip().upper()
        if key == "END OF METADATA":
            return meta, lines[i + 1 :]
        meta[key] = m.group(2)
    raise DataFileError(
        explain(
            f"{path.name}: no <END OF METADATA> line.",
            why="TNTP files start with a metadata block that ends with that line.",
            fix="Check that this is a TNTP file.",
        )
    )


def _meta_int(meta: dict[str, str], key: str, path: Path) -> int:
    try:
        return int(float(meta[key].split()[0]))
    except (KeyError, IndexError, ValueError):
        raise DataFileError(
            explain(f"{path.name}: metadata <{key}> is missing or not a number.")
        ) from None


def _meta_float(meta: dict[str, str], key: str, path: Path) -> float:
    """A non-negative number from the metadata; 0 when the key is absent."""
    if key not in meta:
        return 0.0
    try:
        v = float(meta[key].split()[0])
    except (IndexError, ValueError):
        v = float("nan")
    if not (np.isfinite(v) and v >= 0):
        raise DataFileError(
            explain(
                f"{path.name}: metadata <{key}> is {meta[key]!r}, not a number ≥ 0.",
                why="Generalized cost = time + toll factor × toll + distance factor × length.",
                fix=f"Write e.g. '<{key}> 0.1' or drop the line (factor 0).",
            )
        )
    return v


def _link_rows(body: list[str], p: Path) -> npt.NDArray[np.float64]:
    """The link lines after the metadata as a ``rows × 10`` array (init, term, capacity,
    length, free-flow time, b, power, speed, toll, type; missing trailing fields 0)."""
    rows = []
    for k, line in enumerate(body):
        s = line.strip().rstrip(";").strip()
        if not s or s.startswith("~"):
            continue
        parts = s.replace(";", " ").split()
        try:
            rows.append([float(x) for x in parts[:10]])
        except ValueError:
            raise DataFileError(
                explain(f"{p.name}: line {k + 1} after the metadata is not numeric: {s[:60]!r}.")
            ) from None
        if len(parts) < 7:
            raise DataFileError(
                explain(
                    f"{p.name}: line {k + 1} has {len(parts)} fields, "
                    "expected at least 7 (init … power)."
                )
            )
    arr = np.zeros((len(rows), 10))
    for i, r in enumerate(rows):
        arr[i, : len(r)] = r
    return arr


def read_tntp_network(path: str | Path) -> AssignmentGraph:
    """Read a ``*_net.tntp`` file into an :class:`AssignmentGraph` (BPR links).

    Parameters
    ----------
    path
        The network file.

    Returns
    -------
    AssignmentGraph
        Nodes renumbered from 0 (``node_ids`` keeps TNTP's numbers), ``free_flow_time`` in the
        file's time unit, ``capacity`` in its flow unit, ``fixed_cost`` =
        ``<TOLL FACTOR>`` × toll + ``<DISTANCE FACTOR>`` × length (time units; each factor 0
        when the file does not give it, as in TNTP's convention), ``link_type`` = TNTP link
        type; zones are not through nodes unless ``<FIRST THRU NODE>`` is 1.

    Raises
    ------
    corridors.errors.DataFileError
        For a missing file, missing metadata or a malformed row.

    Notes
    -----
    Links with capacity ≤ 0 and ``b = 0`` (constant time, used by some cases for connectors)
    get capacity 1, which changes nothing since their time does not depend on flow.
    """
    p = Path(path)
    meta, body = _split_meta(_read_text(p), p)
    n_nodes = _meta_int(meta, "NUMBER OF NODES", p)
    n_zones = _meta_int(meta, "NUMBER OF ZONES", p)
    n_links = _meta_int(meta, "NUMBER OF LINKS", p)
    first_thru = _meta_int(meta, "FIRST THRU NODE", p) if "FIRST THRU NODE" in meta else 1
    toll_factor = _meta_float(meta, "TOLL FACTOR", p)
    distance_factor = _meta_float(meta, "DISTANCE FACTOR", p)
    arr = _link_rows(body, p)
    if arr.shape[0] != n_links:
        raise DataFileError(
            explain(
                f"{p.name}: metadata says {n_links} links but {arr.shape[0]} rows were read.",
                fix="Check for truncated or extra lines.",
            )
        )
    cap = arr[:, 2].copy()
    flat = (cap <= 0) & (arr[:, 5] == 0)
    cap[flat] = 1.0
    if first_thru not in (1, n_zones + 1):
        raise DataFileError(
            explain(
                f"{p.name}: <FIRST THRU NODE> {first_thru} is neither 1 nor zones + 1.",
                why="corridors supports zones that are all through nodes or none.",
            )
        )
    return AssignmentGraph(
        from_node=arr[:, 0].astype(np.int32) - 1,
        to_node=arr[:, 1].astype(np.int32) - 1,
        n_nodes=n_nodes,
        n_zones=n_zones,
        free_flow_time=arr[:, 4],
        capacity=cap,
        vdf=np.zeros(n_links, np.int8),
        alpha=arr[:, 5],
        beta=arr[:, 6],
        length=arr[:, 3],
        fixed_cost=toll_factor * arr[:, 8] + distance_factor * arr[:, 3],
        zone_through=first_thru == 1,
        link_ids=np.arange(1, n_links + 1),
        node_ids=np.arange(1, n_nodes + 1),
        link_type=arr[:, 9].astype(np.int64).astype(str),
    )


def read_tntp_trips(path: str | Path) -> npt.NDArray[np.float64]:
    """Read a ``*_trips.tntp`` OD matrix (zones × zones, the file's flow unit).

    Raises
    ------
    corridors.errors.DataFileError
        When a zone number exceeds ``<NUMBER OF ZONES>`` or the total differs from
        ``<TOTAL OD FLOW>`` by more than 0.1 %.
    """
    p = Path(path)
    meta, body = _split_meta(_read_text(p), p)
    nz = _meta_int(meta, "NUMBER OF ZONES", p)
    m = np.zeros((nz, nz))
    origin = -1
    for line in body:
        s = line.strip()
        if not s or s.startswith("~"):
            continue
        if s.lower().startswith("origin"):
            origin = int(s.split()[1]) - 1
            continue
        for d, v in _PAIR.findall(s):
            j = int(d) - 1
            if not (0 <= origin < nz and 0 <= j < nz):
                raise DataFileError(
                    explain(f"{p.name}: OD pair ({origin + 1}, {j + 1}) is outside 1…{nz}.")
                )
            m[origin, j] += float(v)
    if "TOTAL OD FLOW" in meta:
        total = float(meta["TOTAL OD FLOW"].split()[0])
        if total > 0 and abs(m.sum() - total) > 1e-3 * total:
            raise DataFileError(
                explain(
                    f"{p.name}: cells sum to {m.sum():g}, metadata says {total:g}.",
                    fix="The file may be truncated.",
                )
            )
    return m


def read_tntp_flows(path: str | Path) -> pd.DataFrame:
    """Read a ``*_flow.tntp`` best-known solution: columns ``from``, ``to``, ``volume``, ``cost``.

    Node numbers are TNTP's (from 1).
    """
    p = Path(path)
    try:
        df = pd.read_csv(
            p,
            sep=r"\s+",
            skiprows=1,
            header=None,
            usecols=[0, 1, 2, 3],
            names=["from", "to", "volume", "cost"],
            engine="python",
        )
    except (OSError, ValueError) as exc:
        raise DataFileError(explain(f"Cannot read TNTP flow file {str(p)!r}: {exc}.")) from exc
    return df


@dataclass(frozen=True, eq=False)
class TNTPCase:
    """A TNTP case: graph, OD matrix and, when present, best-known flows per link.

    Attributes
    ----------
    name
        Case name (e.g. ``"SiouxFalls"``).
    graph
        The network.
    trips
        OD matrix, zones × zones.
    best_flow
        Best-known equilibrium flow per graph link (``None`` without a flow file).
    """

    name: str
    graph: AssignmentGraph
    trips: npt.NDArray[np.float64]
    best_flow: npt.NDArray[np.float64] | None

    def demand(self, name: str = "vehicles") -> DemandClass:
        """The OD matrix as one demand class (cost = time)."""
        return DemandClass(name, self.trips)


def read_tntp(folder: str | Path, name: str | None = None) -> TNTPCase:
    """Read a TNTP case from a folder holding ``<name>_net.tntp`` and ``<name>_trips.tntp``.

    Parameters
    ----------
    folder
        The case folder.
    name
        Case name; default the folder's name.

    Returns
    -------
    TNTPCase
        Graph, trips and best-known flows aligned to the graph's links.

    Raises
    ------
    corridors.errors.DataFileError
        When files are missing or the flow file does not match the links.

    Examples
    --------
    Sioux Falls as shipped in the repository's test data (path relative to the repository):

    >>> case = read_tntp("tests/data/tntp/SiouxFalls")
    >>> case.graph.n_links, float(case.trips.sum())
    (76, 360600.0)
    """
    f = Path(folder)
    name = f.name if name is None else name
    graph = read_tntp_network(f / f"{name}_net.tntp")
    trips = read_tntp_trips(f / f"{name}_trips.tntp")
    if trips.shape[0] != graph.n_zones:
        raise DataFileError(
            explain(f"{name}: trips have {trips.shape[0]} zones, the network {graph.n_zones}.")
        )
    flow_file = f / f"{name}_flow.tntp"
    best = None
    if flow_file.exists():
        fl = read_tntp_flows(flow_file)
        same_order = len(fl) == graph.n_links and bool(
            (fl["from"].to_numpy() == graph.from_node + 1).all()
            and (fl["to"].to_numpy() == graph.to_node + 1).all()
        )
        if same_order:
            best = fl["volume"].to_numpy(dtype=np.float64)
        else:
            key = pd.MultiIndex.from_arrays([graph.from_node + 1, graph.to_node + 1])
            aligned = fl.groupby(["from", "to"])["volume"].mean().reindex(key)
            if aligned.isna().any() or len(fl) != graph.n_links:
                raise DataFileError(
                    explain(
                        f"{flow_file.name} does not list exactly the network's links.",
                        why="Best-known flows are compared link by link.",
                    )
                )
            best = aligned.to_numpy(dtype=np.float64)
    return TNTPCase(name=name, graph=graph, trips=trips, best_flow=best)
