"""What the model says about an observation: a modelled transit time is the corridor's mean."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from corridors.assignment.choice import ALTERNATIVES, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import build_problem, solve
from corridors.calibration import Predictor, observations_from_frame, predict
from corridors.network import Network

NORTH = ALTERNATIVES.index("rail_northern")


def _time_rows() -> pd.DataFrame:
    base: dict[str, object] = {"kind": "time", "split": "fit", "alternative": "rail_northern"}
    rows: list[dict[str, object]] = [
        # no classes: a container time, over the standard and the high-value containers
        {"obs_id": "boxes", "origin": "A", "destination": "D", "low_h": 24.0, "high_h": 48.0},
        {"obs_id": "std", "origin": "A", "destination": "D", "classes": "container_std"}
        | {"low_h": 24.0, "high_h": 48.0},
        # the reverse direction has no demand: the routes a market there would get
        {"obs_id": "back", "origin": "D", "destination": "A", "low_h": 24.0, "high_h": 48.0},
    ]
    return pd.DataFrame([base | r for r in rows])


def test_a_modelled_time_is_the_volume_weighted_route_logit_mean(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_crossings")
    z = list(net.nodes.index)
    mats = {}
    for cls, teu in (("container_std", 1_000.0), ("container_hv", 400.0)):
        mats[cls] = np.zeros((len(z), len(z)))
        mats[cls][z.index("A"), z.index("D")] = teu
    p = ChoiceParameters()
    r = solve(build_problem(net, ODMatrices(tuple(z), mats), params=p), p)
    pr = r.problem
    mu = p.route_scale
    names = np.asarray(pr.class_names)[pr.mkt_cls[pr.path_mkt]]
    mean, volume = {}, {}
    for cls in ("container_std", "container_hv"):
        sel = (names == cls) & (pr.path_alt == NORTH)
        g = r.path_gc[sel]
        mean[cls] = float((g ** (-mu) / np.sum(g ** (-mu))) @ r.path_time[sel])
        volume[cls] = float(r.path_flow[sel].sum())
    boxes = sum(volume[c] * mean[c] for c in mean) / sum(volume.values())
    pred = Predictor.build(pr, observations_from_frame(_time_rows()))
    t = predict(r, pred.observations).set_index("obs_id")
    assert t.loc["boxes", "modelled"] == pytest.approx(boxes, rel=1e-12)
    assert t.loc["std", "modelled"] == pytest.approx(mean["container_std"], rel=1e-12)
    # the best route (30 h) is not what the corridor's shipments take on average
    assert 31.0 < t.loc["boxes", "modelled"] < t.loc["std", "modelled"] < 64.0
    # the network is symmetric and the classes' Northern volumes are those of A->D, so the
    # probe routes of D->A give the same mean
    assert t.loc["back", "modelled"] == pytest.approx(boxes, rel=1e-9)
    # the route sets of pairs without demand are made once per route set and kept
    pred.modelled(r)
    assert len(pred.probes) == 1
    kept = pred.probes[pr]
    pred.modelled(r)
    assert pred.probes[pr] is kept and kept.problem is not None
