"""Tiny assignment graphs, each named for the edge case it exercises, plus invariant oracles."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from corridors.assignment import AssignmentGraph, AssignmentResult, DemandClass
from corridors.io.tntp import TNTPCase, read_tntp

TNTP = Path(__file__).resolve().parents[1] / "data" / "tntp"


def tntp(name: str) -> TNTPCase:
    """A TNTP case copied into tests/data/tntp (see its README for provenance)."""
    return read_tntp(TNTP / name)


def two_nodes() -> AssignmentGraph:
    """One link each way between two zones."""
    return AssignmentGraph(
        from_node=[0, 1],
        to_node=[1, 0],
        n_nodes=2,
        n_zones=2,
        free_flow_time=[1.0, 1.0],
        capacity=[10.0, 10.0],
    )


def parallel_links() -> AssignmentGraph:
    """Two zones joined by two parallel links with linear (beta=1) BPR delay.

    With demand q from 0 to 1, t1 = 1 (1 + v1/5) and t2 = 2 (1 + v2/5); equilibrium with both
    used: v1 = (5 + 2 q) / 3.
    """
    return AssignmentGraph(
        from_node=[0, 0],
        to_node=[1, 1],
        n_nodes=2,
        n_zones=2,
        free_flow_time=[1.0, 2.0],
        capacity=[5.0, 5.0],
        alpha=[1.0, 1.0],
        beta=[1.0, 1.0],
        length=[10.0, 30.0],
    )


def diamond() -> AssignmentGraph:
    """Zones 0 and 1; through nodes 2 and 3. Routes 0→2→1 (cost 2) and 0→3→1 (cost 4).

    Link 4 (1→0) lets flow return. Hand-checked AON: all of 0→1 on links 0 and 1.
    """
    return AssignmentGraph(
        from_node=[0, 2, 0, 3, 1],
        to_node=[2, 1, 3, 1, 0],
        n_nodes=4,
        n_zones=2,
        free_flow_time=[1.0, 1.0, 2.0, 2.0, 5.0],
        capacity=[1.0, 1.0, 1.0, 1.0, 1.0],
        length=[1.0, 1.0, 1.0, 1.0, 1.0],
    )


def centroid_shortcut() -> AssignmentGraph:
    """Zones 0, 1, 2 in a row: 0→1→2 costs 2 through zone 1, the detour 0→3→2 costs 10.

    Zone 1 is not a through node, so 0→2 must take the detour.
    """
    return AssignmentGraph(
        from_node=[0, 1, 0, 3],
        to_node=[1, 2, 3, 2],
        n_nodes=4,
        n_zones=3,
        free_flow_time=[1.0, 1.0, 5.0, 5.0],
        capacity=[1.0] * 4,
    )


def disconnected() -> AssignmentGraph:
    """Zone 2 has no links at all."""
    return AssignmentGraph(
        from_node=[0, 1],
        to_node=[1, 0],
        n_nodes=3,
        n_zones=3,
        free_flow_time=[1.0, 1.0],
        capacity=[1.0, 1.0],
    )


def border_queue() -> AssignmentGraph:
    """Two routes between zones: a fast line through a queueing border crossing, or a slow line.

    Nodes 0, 1 zones; 2, 3 the two sides of the border. Links: 0→2 (1 h), 2→3 border (queue,
    dwell 2 h, alpha 4 h, capacity 10/day), 3→1 (1 h), 0→1 slow line (20 h, flat).
    """
    return AssignmentGraph(
        from_node=[0, 2, 3, 0],
        to_node=[2, 3, 1, 1],
        n_nodes=4,
        n_zones=2,
        free_flow_time=[1.0, 2.0, 1.0, 20.0],
        capacity=[1e6, 10.0, 1e6, 1e6],
        vdf=[0, 2, 0, 0],
        alpha=[0.0, 4.0, 0.0, 0.0],
        beta=[4.0, 1.0, 4.0, 4.0],
        link_type=["rail", "border", "rail", "rail"],
        length=[100.0, 1.0, 100.0, 900.0],
        node_xy=[[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [2.0, 0.0]],
    )


def od(n: int, cells: dict[tuple[int, int], float]) -> np.ndarray:
    """A dense n × n matrix from a dict of cells."""
    m = np.zeros((n, n))
    for (i, j), v in cells.items():
        m[i, j] = v
    return m


# -- oracles ----------------------------------------------------------------------------------


def assert_conservation(result: AssignmentResult, *, rtol: float = 1e-9) -> None:
    """Per class: inflow − outflow at every node equals (attracted − produced) demand."""
    g = result.graph
    for i, c in enumerate(result.classes):
        f = result.class_flow_pcu[i]
        net = np.bincount(g.to_node, f, g.n_nodes) - np.bincount(g.from_node, f, g.n_nodes)
        dem = np.zeros(g.n_nodes)
        m = c.matrix * c.pce
        dem[: g.n_zones] = m.sum(axis=0) - m.sum(axis=1)
        scale = max(m.sum(), 1.0)
        np.testing.assert_allclose(net, dem, atol=rtol * scale)


def one_class(matrix: np.ndarray, name: str = "cargo") -> list[DemandClass]:
    """A single cost-equals-time class."""
    return [DemandClass(name, matrix)]
