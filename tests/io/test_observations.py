"""Observed counts and times: bundled tables, the fit/holdout rule, and validation errors."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from corridors.io.observations import (
    ObservationError,
    bundled_observations_path,
    holdout_split,
    load_observations,
)


def test_bundled_observations_load_with_a_third_held_out() -> None:
    obs = load_observations()
    assert len(obs.counts) >= 10 and len(obs.times) >= 10
    kinds = ["count"] * len(obs.counts) + list(obs.times["kind"])
    splits = list(obs.counts["split"]) + list(obs.times["split"])
    for kind in set(kinds):
        got = Counter(s for k, s in zip(kinds, splits, strict=True) if k == kind)
        n = sum(got.values())
        assert got["holdout"] == (n + 2) // 3  # every third by the rule
    fit, hold = obs.split("fit"), obs.split("holdout")
    assert len(fit.counts) + len(hold.counts) == len(obs.counts)
    assert set(hold.times["split"]) == {"holdout"}
    day = obs.times[obs.times["unit"] == "days"].iloc[0]
    assert day["low_h"] == day["low"] * 24


def test_published_ranges_the_issue_names_are_there() -> None:
    t = load_observations().times.set_index("obs_id")
    assert (t.at["time-xian-duisburg", "low"], t.at["time-xian-duisburg", "high"]) == (12, 14)
    for oid in ("time-xian-baku", "time-xian-istanbul", "time-astana-istanbul-south"):
        assert oid in t.index
    wait = t.loc["wait-dostyk-west"]
    assert 36 <= wait["low_h"] <= wait["high_h"] <= 96  # the 1.5-4 days of the issue


def test_split_rule_depends_only_on_ids() -> None:
    ids = [f"obs-{i}" for i in range(12)]
    a = holdout_split(ids, ["count"] * 12)
    b = holdout_split(list(reversed(ids)), ["count"] * 12)
    assert a == list(reversed(b)) and a.count("holdout") == 4


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "obs"
    shutil.copytree(bundled_observations_path(), folder)
    return folder


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("counts", "elements", "rail-nowhere", "are not links of the network"),
        ("counts", "value", "-4", "must be a finite number > 0"),
        ("counts", "value", "inf", "must be a finite number > 0"),
        ("counts", "unit", "wagons/day", "unit 'wagons/day' must be one of"),
        ("counts", "source", "", "needs a published source id"),
        ("counts", "source", "S999", "unknown source id(s) ['S999']"),
        ("counts", "direction", "up", "direction 'up' must be one of"),
        ("counts", "obs_id", "time-xian-duisburg", "repeat"),
        ("times", "low", "20", "need 0 < low <= high"),
        ("times", "origin", "XXX", "origin 'XXX' is not a node"),
        ("times", "unit", "weeks", "unit 'weeks' must be one of"),
        ("times", "kind", "guess", "kind 'guess' must be transit_time or border_wait"),
    ],
)
def test_each_validation_error(
    tmp_path: Path, table: str, column: str, value: str, message: str
) -> None:
    folder = _copy(tmp_path)
    p = folder / f"{table}.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[0, column] = value
    df.to_csv(p, index=False)
    with pytest.raises(ObservationError) as exc:
        load_observations(folder)
    assert message in str(exc.value)
    if message != "repeat":
        assert f"{table}.csv line 2" in str(exc.value)


def test_hand_edited_split_is_rejected(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    p = folder / "counts.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[0, "split"] = "holdout" if df.loc[0, "split"] == "fit" else "fit"
    df.to_csv(p, index=False)
    with pytest.raises(ObservationError, match="split rule gives"):
        load_observations(folder)


def test_missing_file_says_what_to_give(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "times.csv").unlink()
    with pytest.raises(ObservationError, match=r"times.csv does not exist"):
        load_observations(folder)
