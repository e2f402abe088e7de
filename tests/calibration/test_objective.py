"""The calibration objective: congestion penalty, prior, time weight; the acceptance rule."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from corridors.assignment.choice import ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import build_problem, solve
from corridors.calibration import ObjectiveSpec, Predictor, evaluate, observations_from_frame
from corridors.calibration.fit import accept
from corridors.calibration.objective import Objective, prior
from corridors.errors import DemandError
from corridors.network import Network


def _solved(net: Network, teu: float, south: float = 0.0):  # type: ignore[no-untyped-def]
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    pr = build_problem(net, ODMatrices(tuple(z), {"container_std": m}), params=ChoiceParameters())
    return pr, solve(pr, ChoiceParameters(asc={"rail_southern": south}))


def _obs(wait_link: str | None) -> pd.DataFrame:
    rows = [{"obs_id": "n", "kind": "count", "split": "fit", "links": "a-r", "unit": "TEU"}]
    rows[0]["value"] = 10_000
    if wait_link:
        rows.append(
            {"obs_id": "w", "kind": "wait", "split": "fit", "links": wait_link}
            | {"low_h": 5.0, "high_h": 50.0}
        )
    return pd.DataFrame(rows)


def _objective(res, frame: pd.DataFrame, **spec: float) -> Objective:  # type: ignore[no-untyped-def]
    g = res.problem.corridor.graph
    return Objective.build(
        Predictor.build(res.problem, observations_from_frame(frame)),
        free=("asc_rail_southern",),
        centre=ChoiceParameters(),
        spec=ObjectiveSpec(**spec),
        capacity=np.asarray(g.capacity, float),
        link_ids=g.link_ids,
    )


def test_congestion_penalty_spares_elements_with_observed_waits(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_corridors")
    # 80,000 TEU a year against a 100 TEU/day border, the Southern corridor made unattractive:
    # the Northern border runs above capacity
    _, res = _solved(net, 80_000.0, south=-6.0)
    lt = res.link_table().set_index("link_id")
    vc = float(lt.loc["a-r:f", "volume_capacity"])
    assert vc > 1.0
    x = np.zeros(1)
    penalised = _objective(res, _obs(None))
    parts = penalised.parts(res, x)
    assert parts["congestion"] == pytest.approx(100.0 * (vc - 0.95) ** 2, rel=1e-9)
    assert list(penalised.over_capacity(res, res.problem.corridor.graph.link_ids)["link_id"]) == [
        "a-r:f"
    ]
    # a wait observed on the element says congestion is real there: no penalty
    allowed = _objective(res, _obs("a-r:f"))
    assert allowed.parts(res, x)["congestion"] == 0.0
    assert _objective(res, _obs(None), congestion_weight=0.0).parts(res, x)["congestion"] == 0.0


def test_times_weigh_ten_times_their_squared_log_distance(
    tiny: Callable[[str], Network],
) -> None:
    net = tiny("two_corridors")
    _, res = _solved(net, 10_000.0)
    wait = float(res.link_table().set_index("link_id").loc["a-r:f", "time_h"]) - 8.0
    frame = pd.DataFrame(
        [
            {"obs_id": "w", "kind": "wait", "split": "fit", "links": "a-r:f"}
            | {"low_h": wait * 1.2, "high_h": wait * 1.5}
        ]
    )
    r = _objective(res, frame).observation_residuals(np.array([wait]))
    assert r[0] ** 2 == pytest.approx(10.0 * math.log(1 / 1.2) ** 2)


def test_prior_centres_on_previous_values_and_time_factors_on_one() -> None:
    start = ChoiceParameters(asc={"rail_northern": -2.0}, vot_scale=2.0)
    m, s = prior(("asc_rail_northern", "log_vot_scale", "log_time_kz"), start)
    assert m.tolist() == pytest.approx([-2.0, math.log(2.0), 0.0])
    assert s.tolist() == [1.0, 0.5, 0.25]
    with pytest.raises(DemandError, match="prior_weight"):
        ObjectiveSpec(prior_weight=-1.0)


def test_accept_rejects_a_refit_that_does_not_lower_j(tiny: Callable[[str], Network]) -> None:
    net = tiny("two_corridors")
    pr, res = _solved(net, 10_000.0)
    frame = _obs(None)
    frame["value"] = float(res.link_table().set_index("link_id").loc["a-r:f", "flow_teu_eq_per_yr"])
    obs = observations_from_frame(frame)
    good = evaluate(pr, obs, ChoiceParameters(), free=("asc_rail_southern",))
    worse = evaluate(
        pr, obs, ChoiceParameters(asc={"rail_southern": 2.0}), free=("asc_rail_southern",)
    )
    assert good.objective < worse.objective
    ok, why = accept(worse, good)
    assert not ok and "not below" in why
    ok, _ = accept(good, worse)
    assert ok
