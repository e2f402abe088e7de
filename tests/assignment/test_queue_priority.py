"""Containers before bulk in queues (method M171, decision 0005): Cobham's non-preemptive
priority on one queue, and the choice equilibrium on the tiny single-track-or-twin network
where container block trains and bulk trains share a border line counted in train paths."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from corridors.assignment.choice import CARGO_GROUPS, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import ChoiceResult, SUESpec, build_problem, congested_graph, solve
from corridors.assignment.vdf import QUEUE_X_MAX, link_times, priority_factors
from corridors.network import Network, load_network
from corridors.network._capacity import CAPACITY_COLUMNS
from tests.tiny import single_track_or_twin, write_network

SPEC = SUESpec(target_gap=1e-6, column_rounds=2, max_iterations=5000)
TEU_PER_DAY = 12 * 86  # the single track's 12 train paths of 86 TEU


def test_cobham_waits_of_two_priority_classes() -> None:
    # M/M/1, service 1 h: rho 0.8 of which 0.3 high priority; FCFS wait W = rho/(1-rho) = 4 h
    w = float(link_times([0.8], vdf=[2], free_flow_time=[0.0], capacity=[1.0],
                         alpha=[1.0], beta=[1.0])[0])  # fmt: skip
    assert w == pytest.approx(4.0)
    fh, fl = priority_factors([0.8], [0.3], [1.0])
    # Cobham (1954), exponential service: W_k = W0 / ((1 - s_{k-1})(1 - s_k)), W0 = rho x 1 h
    assert w * fh[0] == pytest.approx(0.8 / (1.0 - 0.3))
    assert w * fl[0] == pytest.approx(0.8 / ((1.0 - 0.3) * (1.0 - 0.8)))
    assert fh[0] < 1.0 < fl[0]


@pytest.mark.parametrize(
    ("x", "xh"), [(0.5, 0.1), (0.8, 0.3), (0.94, 0.9), (1.1, 0.4), (2.0, 1.5), (0.6, 0.0)]
)
def test_priority_conserves_the_flow_weighted_mean_wait(x: float, xh: float) -> None:
    fh, fl = priority_factors([x], [xh], [1.0])
    # Kleinrock's conservation law: the flow-weighted mean of the two waits is the FCFS wait,
    # also above QUEUE_X_MAX where the queue continues as a straight line
    assert (xh * fh[0] + (x - xh) * fl[0]) / x == pytest.approx(1.0, rel=1e-12)
    assert np.isfinite(fl[0]) and fl[0] <= 1.0 / (1.0 - QUEUE_X_MAX)


def test_one_class_alone_or_no_flow_waits_as_first_come_first_served() -> None:
    fh, fl = priority_factors([0.0, 0.7, 0.7], [0.0, 0.7, 0.0], [1.0, 1.0, 1.0])
    assert fh[1] == pytest.approx(1.0) and fl[2] == pytest.approx(1.0)
    assert fl[0] == pytest.approx(1.0)


def _solve(net: Network, teu: float, tonnes: float) -> ChoiceResult:
    z = list(net.nodes.index)
    a, b = z.index("A"), z.index("B")
    mats = {c: np.zeros((len(z), len(z))) for c in ("container_std", "grain")}
    mats["container_std"][a, b] = teu
    mats["grain"][a, b] = tonnes
    p = ChoiceParameters()
    return solve(build_problem(net, ODMatrices(tuple(z), mats), params=p), p, spec=SPEC)


def _paths(lid: str, trains: float) -> dict[str, object]:
    """A capacities.csv row: ``trains`` train paths of 86 TEU a day each way."""
    row: dict[str, object] = dict.fromkeys(CAPACITY_COLUMNS, "")
    row.update(element_type="link", element_id=lid, direction="both", shared="true")
    row.update(source="estimate", method="test", trains_per_day=trains)
    row.update(net_load_teu_per_train=86, capacity_teu_per_day=86 * trains)
    return row


def _network(folder: Path, priority: int) -> Network:
    """single_track_or_twin with 12 train paths a day on the border line A-B (a queue)."""
    path = write_network(single_track_or_twin(), folder)
    with (path / "capacities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(CAPACITY_COLUMNS))
        w.writeheader()
        w.writerow(_paths("line-a-b", 12))
    with (path / "parameters.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"global,queue_priority,{priority},estimate,,test fixture\n")
    return load_network(path)


def test_containers_keep_a_short_wait_while_bulk_diverts(tmp_path: Path) -> None:
    # 0.9 x the single track's paths as container trains, 1.2 x as grain trains (3,700 t per
    # 86-TEU path): the two ways share them, the single track near its paths
    teu = 0.9 * TEU_PER_DAY * 365
    tonnes = 1.2 * TEU_PER_DAY * 365 / 0.02324
    fcfs = _solve(_network(tmp_path / "fcfs", 0), teu, tonnes)
    prio = _solve(_network(tmp_path / "prio", 1), teu, tonnes)
    for r in (fcfs, prio):
        assert r.converged and r.relative_gap <= 1e-6
    ids = np.asarray(prio.graph.link_ids).astype(str)
    i = int(np.flatnonzero(ids == "line-a-b:f")[0])
    t0 = float(np.asarray(prio.graph.free_flow_time)[i])
    wait = {g: float(prio.link_time_of(g)[i]) - t0 for g in CARGO_GROUPS}
    fcfs_wait = float(fcfs.link_time[i]) - t0
    # containers are served first: a short wait; bulk waits longer than without priority
    assert wait["container"] < 0.5 * wait["bulk"]
    assert wait["container"] < fcfs_wait
    # the link's own mean (links.csv time_h) is the flow-weighted mean of the groups' waits
    lt = prio.link_table().set_index("link_id")
    xc = lt.loc["line-a-b:f", "flow_container_std_TEU_per_yr"]
    xb = lt.loc["line-a-b:f", "flow_grain_t_per_yr"] * 0.02324
    mean = (xc * lt.loc["line-a-b:f", "delay_container_h"]
            + xb * lt.loc["line-a-b:f", "delay_bulk_h"]) / (xc + xb)  # fmt: skip
    assert mean == pytest.approx(lt.loc["line-a-b:f", "delay_h"], rel=1e-9)
    # bulk takes the detour: more grain via M, fewer containers there, than without priority
    j = int(np.flatnonzero(ids == "line-a-m:f")[0])
    via_m = {
        name: {"container": r.class_link_flow("container_std")[j],
               "bulk": r.class_link_flow("grain")[j]}
        for name, r in (("fcfs", fcfs), ("prio", prio))
    }  # fmt: skip
    assert via_m["prio"]["bulk"] > via_m["fcfs"]["bulk"] * 1.05
    assert via_m["prio"]["container"] < via_m["fcfs"]["container"]


def test_congested_routing_adds_the_cargo_groups_own_wait(tmp_path: Path) -> None:
    net = _network(tmp_path / "prio", 1)
    res = _solve(net, 0.9 * TEU_PER_DAY * 365, 1.2 * TEU_PER_DAY * 365 / 0.02324)
    gc = congested_graph(net, res, "container")
    gb = congested_graph(net, res, "bulk")
    assert float(np.sum(gb.time_h)) > float(np.sum(gc.time_h))
