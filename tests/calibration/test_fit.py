"""Calibration recovers known parameters on a tiny network; observation tables are checked."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors.assignment.choice import ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.assignment.sue import build_problem, solve
from corridors.calibration import (
    calibrate,
    calibration_markdown,
    geh,
    observations_from_frame,
    plot_calibration,
    predict,
)
from corridors.errors import DemandError
from corridors.network import Network


def _problem(net: Network, teu: float = 25_000.0):  # type: ignore[no-untyped-def]
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("D")] = teu
    od = ODMatrices(tuple(z), {"container_std": m})
    return build_problem(net, od, params=ChoiceParameters())


def _synthetic(net: Network, truth: ChoiceParameters) -> pd.DataFrame:
    """Observations produced by the model itself at the true parameters."""
    pr = _problem(net)
    r = solve(pr, truth)
    lt = r.link_table().set_index("link_id")
    north = float(lt.loc["a-r:f", "flow_teu_eq_per_yr"])
    south = float(lt.loc["a-t:f", "flow_teu_eq_per_yr"])
    # hours at the border beyond running: dwell plus queue
    wait = float(lt.loc["a-r:f", "time_h"]) - float(net.links.loc["a-r:f", "run_time_h"])
    rows = [
        {
            "obs_id": "n",
            "kind": "count",
            "split": "fit",
            "links": "a-r",
            "unit": "TEU",
            "value": north,
        },
        {
            "obs_id": "s",
            "kind": "count",
            "split": "holdout",
            "links": "a-t",
            "unit": "TEU",
            "value": south,
        },
        {
            "obs_id": "w",
            "kind": "wait",
            "split": "fit",
            "links": "a-r:f",
            "low_h": wait * 0.9999,
            "high_h": wait * 1.0001,
        },
        {
            "obs_id": "t",
            "kind": "time",
            "split": "holdout",
            "origin": "A",
            "destination": "D",
            "alternative": "rail_northern",
            "low_h": 1.0,
            "high_h": 500.0,
        },
    ]
    return pd.DataFrame(rows)


def test_calibration_recovers_known_parameters(
    tiny: Callable[[str], Network], tmp_path: Path
) -> None:
    net = tiny("two_corridors")
    truth = ChoiceParameters(asc={"rail_southern": -0.4}, queue_scale=2.0)
    obs = observations_from_frame(_synthetic(net, truth), name="synthetic")
    free = ("asc_rail_southern", "log_queue_scale")
    cal = calibrate(_problem(net), obs, free=free, prior_weight=1e-8)
    x = cal.params.vector(free)
    assert x[0] == pytest.approx(-0.4, abs=0.02)
    assert x[1] == pytest.approx(math.log(2.0), abs=0.02)
    assert cal.objective < 1e-6 < cal.objective_start
    t = cal.table.set_index("obs_id")
    # the held-back count was not fitted but is reproduced by the recovered parameters
    assert t.loc["s", "ratio"] == pytest.approx(1.0, abs=0.01)
    assert t.loc["s", "split"] == "holdout" and bool(t.loc["t", "within"])
    assert cal.params.provenance["observations"] == "synthetic"
    assert cal.params.provenance["n_fit"] == 2
    png = plot_calibration(cal, tmp_path / "cal.png")
    assert png.stat().st_size > 10_000
    md = calibration_markdown(cal)
    assert "| n | fit | count |" in md and "holdout" in md


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
