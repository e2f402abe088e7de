"""One AequilibraE traffic assignment, run by ``bench_aequilibrae.py`` in AequilibraE's own venv.

Not a corridors module and never imported by it: the parent benchmark starts this file with the
interpreter given by ``--aequilibrae-python`` (a separate virtual environment holding
AequilibraE from PyPI; corridors is not installed there and not imported here). Input is an
``.npz`` written by the parent from corridors' reading of the same TNTP files (so both sides
solve the same arrays); output is the link flows (``.npy``) and one JSON line on stdout.

Usage (by the parent)::

    python _aeq_child.py CASE.npz ALGORITHM TARGET_GAP MAX_ITER OUT.npy [CORES]

CPU seconds are ``time.process_time`` of this process (one thread: ``set_cores(1)``,
``OMP_NUM_THREADS=1`` and ``OMP_WAIT_POLICY=passive`` set by the parent; CORES, default 1,
for the per-iteration benchmark); AequilibraE's
per-iteration convergence clock is switched from wall to process CPU so that its curve is on
the same axis as the other solvers'.
"""

from __future__ import annotations

import time

T0 = time.process_time()

import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402

os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from aequilibrae.matrix import AequilibraeMatrix  # noqa: E402
from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass  # noqa: E402
from aequilibrae.paths import linear_approximation as _la  # noqa: E402

# Per-iteration times in CPU seconds (the module only uses time.perf_counter for its report,
# once at the start and once per iteration); the wall clock is kept beside them.
WALL: list[float] = []


def _cpu_clock() -> float:
    WALL.append(time.perf_counter())
    return time.process_time()


_la.time = types.SimpleNamespace(perf_counter=_cpu_clock)  # type: ignore[attr-defined]
logging.getLogger("aequilibrae").setLevel(logging.WARNING)
T_IMPORT = time.process_time() - T0


def main() -> None:
    case_path, algorithm, gap, max_iter, out = sys.argv[1:6]
    cores = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    t1 = time.process_time()
    d = np.load(case_path)
    n_links = int(d["from_node"].size)
    nz = int(d["n_zones"])
    net = pd.DataFrame(
        {
            "link_id": np.arange(1, n_links + 1),
            "a_node": d["from_node"].astype(np.int64) + 1,
            "b_node": d["to_node"].astype(np.int64) + 1,
            "direction": np.ones(n_links, np.int8),
            "free_flow_time": d["free_flow_time"],
            "capacity": d["capacity"],
            "alpha": d["alpha"],
            "beta": d["beta"],
        }
    )
    graph = Graph()
    graph.network = net
    graph.prepare_graph(np.arange(1, nz + 1, dtype=np.int64))
    graph.set_graph("free_flow_time")
    graph.set_blocked_centroid_flows(not bool(d["zone_through"]))
    mat = AequilibraeMatrix()
    mat.create_empty(zones=nz, matrix_names=["matrix"], memory_only=True)
    mat.index[:] = np.arange(1, nz + 1)
    mat.matrices[:, :, 0] = d["trips"]
    mat.computational_view(["matrix"])
    tc = TrafficClass("car", graph, mat)
    assig = TrafficAssignment()
    assig.set_classes([tc])
    assig.set_vdf("BPR")
    assig.set_vdf_parameters({"alpha": "alpha", "beta": "beta"})
    assig.set_capacity_field("capacity")
    assig.set_time_field("free_flow_time")
    assig.set_algorithm(algorithm)
    assig.set_cores(cores)
    assig.max_iter = int(max_iter)
    assig.rgap_target = float(gap)
    t_build = time.process_time() - t1
    t2 = time.process_time()
    assig.execute()
    t_solve = time.process_time() - t2
    res = assig.results()
    flow = np.zeros(n_links)
    flow[res.index.to_numpy(dtype=np.int64) - 1] = res["matrix_ab"].to_numpy()
    np.save(out, flow)
    a = assig.assignment
    rep = a.convergence_report
    print(
        json.dumps(
            {
                "import_cpu": T_IMPORT,
                "build_cpu": t_build,
                "solve_cpu": t_solve,
                "read_solve_cpu": t_build + t_solve,
                "iterations": int(a.iter),
                "own_gap": float(a.rgap),
                "wall_history": [w - WALL[0] for w in WALL[1:]],
                "history": [
                    [float(t), float(g)] for t, g in zip(rep["time"], rep["rgap"], strict=True)
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
