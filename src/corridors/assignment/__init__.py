"""Equilibrium freight assignment: who goes where when links, borders and ports congest.

Build an :class:`AssignmentGraph` (or read one with :func:`corridors.io.tntp.read_tntp`), give
one :class:`DemandClass` per commodity and call :func:`assign` with an :class:`AssignmentSpec`.

>>> import numpy as np
>>> from corridors.assignment import AssignmentGraph, AssignmentSpec, DemandClass, assign
>>> g = AssignmentGraph(from_node=[0, 1], to_node=[1, 0], n_nodes=2, n_zones=2,
...                     free_flow_time=[1.0, 1.0], capacity=[10.0, 10.0])
>>> r = assign(g, [DemandClass("teu", np.array([[0, 5.0], [0, 0]]))],
...            spec=AssignmentSpec(algorithm="aon"))
>>> r.link_flow.tolist()
[5.0, 0.0]
"""

from __future__ import annotations

from corridors.assignment._from_network import (
    CLASS_CARGO,
    OVERLAND_ONLY,
    assign_network,
    baseline_demand,
    corridor_graph,
)
from corridors.assignment._graph import AssignmentGraph
from corridors.assignment.algorithms import assign
from corridors.assignment.results import AssignmentResult, IterationRecord, write_results
from corridors.assignment.spec import Algorithm, AssignmentSpec, DemandClass
from corridors.assignment.vdf import VDF, link_times

__all__ = [
    "CLASS_CARGO",
    "OVERLAND_ONLY",
    "VDF",
    "Algorithm",
    "AssignmentGraph",
    "AssignmentResult",
    "AssignmentSpec",
    "DemandClass",
    "IterationRecord",
    "assign",
    "assign_network",
    "baseline_demand",
    "corridor_graph",
    "link_times",
    "write_results",
]
