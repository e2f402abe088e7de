"""Sweeps on a local Dask cluster (threads, so no process warnings)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors.errors import InvalidSpecError
from corridors.scenarios.sweep import SweepSpec, load_sweep, run_sweep


def test_sweep_returns_every_run_and_survives_a_failure(tmp_path: Path) -> None:
    spec = SweepSpec.from_dict({"name": "t", "grid": {"demand": [1.0, 2.0], "fail": [0, 1]}})
    seen = []
    table = run_sweep(
        spec, workers=2, processes=False, out=tmp_path / "s.parquet", progress=seen.append
    )
    assert list(table["run"]) == [0, 1, 2, 3]
    failed = table[table["error"] != ""]
    assert list(failed["run"]) == [1, 3]
    assert failed["error"].str.contains("no-such-link").all()
    ok = table[table["error"] == ""]
    assert ok["system_cost_usd"].notna().all()
    cost = ok.set_index("knob_demand")["system_cost_usd"]
    assert cost[2.0] > cost[1.0]
    assert len(seen) == 4 and seen[-1].done == 4
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), table)


def test_sample_and_file(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nsample: {n: 5, seed: 3, ranges: {demand: [1.0, 3.0]}}\n")
    spec = load_sweep(f)
    assert len(spec.runs) == 5
    assert all(1.0 <= r["demand"] <= 3.0 for r in spec.runs)
    assert load_sweep(f).runs == spec.runs  # seeded


@pytest.mark.parametrize("doc", [{"grid": {"colour": [1]}}, {"name": "x"}])
def test_bad_sweeps(doc: dict[str, object]) -> None:
    with pytest.raises(InvalidSpecError):
        SweepSpec.from_dict(doc)


def test_shipped_sweep_file_parses() -> None:
    from corridors.scenarios.sweep import load_sweep

    path = Path(__file__).parents[2] / "src/corridors/data/sweeps/demand-ferries-customs.yaml"
    spec = load_sweep(path)
    assert spec.name == "demand-ferries-customs"


def test_ctrl_c_keeps_the_finished_runs(tmp_path: Path) -> None:
    from corridors.scenarios.sweep import SweepInterrupted

    spec = SweepSpec.from_dict({"name": "t", "grid": {"demand": [1.0, 1.5, 2.0, 2.5]}})

    def ctrl_c_after_two(u: object) -> None:
        if getattr(u, "done", 0) >= 2:
            raise KeyboardInterrupt

    out = tmp_path / "s.csv"
    with pytest.raises(SweepInterrupted) as stop:
        run_sweep(spec, workers=1, processes=False, out=out, progress=ctrl_c_after_two)
    assert stop.value.table is not None and len(stop.value.table) == 2
    kept = pd.read_csv(out)
    assert len(kept) == 2 and kept["system_cost_usd"].notna().all()
    assert isinstance(stop.value, KeyboardInterrupt)  # callers that only know Ctrl-C still stop


def test_sweep_on_an_existing_scheduler_matches_the_serial_warm_started_runs() -> None:
    from dask.distributed import LocalCluster

    from corridors.scenarios.sweep import base_start, run_one

    spec = SweepSpec.from_dict({"name": "t", "grid": {"demand": [1.0, 2.0]}})
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        table = run_sweep(spec, scheduler=cluster.scheduler_address)
        assert len(cluster.scheduler.workers) == 2  # the user's cluster is left running
    start = base_start(spec)
    serial = [run_one(i, k, spec, start) for i, k in enumerate(spec.runs)]
    assert (table["error"] == "").all()
    np.testing.assert_allclose(
        table["system_cost_usd"], [r["system_cost_usd"] for r in serial], rtol=1e-9
    )
