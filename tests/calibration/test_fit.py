"""Calibration recovers known parameters on a tiny network; observation tables are checked."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors._progress import Progress
from corridors.assignment.choice import ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import build_problem, expected_corridor_times, solve
from corridors.calibration import (
    ObjectiveSpec,
    calibrate,
    calibration_markdown,
    geh,
    observations_from_frame,
    plot_calibration,
    predict,
)
from corridors.errors import DemandError
from corridors.network import Network, load_network
from tests.tiny import CATALOGUE, write_network


def _problem(net: Network, teu: float = 25_000.0):  # type: ignore[no-untyped-def]
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    od = ODMatrices(tuple(z), {"container_std": m})
    return build_problem(net, od, params=ChoiceParameters())


def _southern_network(tmp_path: Path) -> Network:
    """``two_corridors`` with its Turkmen line t-d in the ``south`` running-time region."""
    tables = CATALOGUE["two_corridors"]()
    tables["parameters"] += [
        dict(p, scope="class:rail_tm") for p in tables["parameters"] if p["scope"] == "class:rail"
    ]
    for row in tables["links"]:
        if row["link_id"] == "t-d":
            row["link_class"] = "rail_tm"
    return load_network(write_network(tables, tmp_path / "south"), name="south")


def _synthetic(net: Network, truth: ChoiceParameters) -> pd.DataFrame:
    """Observations produced by the model itself at the true parameters."""
    pr = _problem(net)
    r = solve(pr, truth)
    lt = r.link_table().set_index("link_id")
    north = float(lt.loc["a-r:f", "flow_teu_eq_per_yr"])
    south = float(lt.loc["a-t:f", "flow_teu_eq_per_yr"])
    # hours at the border beyond running: dwell plus queue
    wait = float(lt.loc["a-r:f", "time_h"]) - float(net.links.loc["a-r:f", "run_time_h"])
    ((south_h, _),) = expected_corridor_times(r, [("A", "D", "rail_southern", "container_std")])
    count = {"kind": "count", "unit": "TEU"}
    span = {"low_h": 0.9999, "high_h": 1.0001}
    rows = [
        {"obs_id": "n", **count, "split": "fit", "links": "a-r", "value": north},
        {"obs_id": "s", **count, "split": "holdout", "links": "a-t", "value": south},
        {"obs_id": "w", "kind": "wait", "split": "fit", "links": "a-r:f"}
        | {k: v * wait for k, v in span.items()},
        {"obs_id": "ts", "kind": "time", "split": "fit", "origin": "A", "destination": "D"}
        | {"alternative": "rail_southern"}
        | {k: v * south_h for k, v in span.items()},
        {"obs_id": "t", "kind": "time", "split": "holdout", "origin": "A", "destination": "D"}
        | {"alternative": "rail_northern", "low_h": 1.0, "high_h": 500.0},
    ]
    return pd.DataFrame(rows)


def test_calibration_recovers_known_parameters(tmp_path: Path) -> None:
    net = _southern_network(tmp_path)
    truth = ChoiceParameters(
        asc={"rail_southern": -0.4}, queue_scale=2.0, time_factor={"south": 1.3}
    )
    obs = observations_from_frame(_synthetic(net, truth), name="synthetic")
    free = ("asc_rail_southern", "log_queue_scale", "log_time_south")
    seen: list[Progress] = []
    cal = calibrate(
        _problem(net),
        obs,
        free=free,
        objective=ObjectiveSpec(prior_weight=1e-8),
        progress=seen.append,
    )
    x = cal.params.vector(free)
    assert x[0] == pytest.approx(-0.4, abs=0.02)
    assert x[1] == pytest.approx(math.log(2.0), abs=0.02)
    assert x[2] == pytest.approx(math.log(1.3), abs=0.01)
    assert cal.params.time_factor["south"] == pytest.approx(1.3, rel=0.01)
    assert cal.objective < 1e-6 < cal.objective_start
    assert any(u.task == "calibration" for u in seen)
    t = cal.table.set_index("obs_id")
    # the held-back count was not fitted but is reproduced by the recovered parameters
    assert t.loc["s", "ratio"] == pytest.approx(1.0, abs=0.01)
    assert t.loc["s", "split"] == "holdout" and bool(t.loc["t", "within"])
    assert cal.params.provenance["observations"] == "synthetic"
    assert cal.params.provenance["n_fit"] == 3
    png = plot_calibration(cal, tmp_path / "cal.png")
    assert png.stat().st_size > 10_000
    md = calibration_markdown(cal)
    assert "| n | fit | count |" in md and "holdout" in md and "Done-when" in md


def test_observation_errors_name_the_row(tiny: Callable[[str], Network]) -> None:
    bad = pd.DataFrame(
        [{"obs_id": "x", "kind": "count", "split": "fit", "links": "a-r", "unit": "kg", "value": 5}]
    )
    with pytest.raises(DemandError, match=r"'x'.*unit 'kg'"):
        observations_from_frame(bad)
    with pytest.raises(DemandError, match="split"):
        observations_from_frame(
            pd.DataFrame(
                [
                    {
                        "obs_id": "y",
                        "kind": "wait",
                        "split": "later",
                        "links": "a",
                        "low_h": 1,
                        "high_h": 2,
                    }
                ]
            )
        )
    net = tiny("two_corridors")
    pr = _problem(net)
    r = solve(pr, ChoiceParameters())
    obs = observations_from_frame(
        pd.DataFrame(
            [
                {
                    "obs_id": "z",
                    "kind": "count",
                    "split": "fit",
                    "links": "nowhere",
                    "unit": "TEU",
                    "value": 5,
                }
            ]
        )
    )
    with pytest.raises(DemandError, match="none of the links"):
        predict(r, obs)


def test_geh_known_values() -> None:
    h = 8760.0
    assert geh([h * 100], [h * 100])[0] == 0.0
    assert geh([h * 150], [h * 100])[0] == pytest.approx(math.sqrt(2 * 50**2 / 250))
