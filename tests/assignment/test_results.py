from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors.assignment import AssignmentSpec, DemandClass, assign, write_results
from corridors.errors import InvalidSpecError, UnknownPlaceError
from tests.assignment.networks import border_queue, diamond, od, one_class, tntp


def _border_result() -> object:
    g = border_queue()
    return assign(g, one_class(od(2, {(0, 1): 20.0, (1, 0): 0.0}), name="teu"))


def test_link_table_columns_and_delay() -> None:
    r = _border_result()
    df = r.link_table()  # type: ignore[attr-defined]
    for col in ("link_id", "flow_pcu", "flow_teu", "volume_capacity", "time", "delay", "cost_teu"):
        assert col in df.columns
    np.testing.assert_allclose(df["delay"], df["time"] - df["free_flow_time"])
    assert (df["delay"] >= 0).all()


def test_bottlenecks_rank_by_volume_capacity_and_filter_by_type() -> None:
    r = _border_result()
    top = r.bottlenecks(top=1, link_types=["border"])  # type: ignore[attr-defined]
    assert top["link_type"].tolist() == ["border"]
    allb = r.bottlenecks(top=10)  # type: ignore[attr-defined]
    assert allb["volume_capacity"].is_monotonic_decreasing


def test_skims_along_cheapest_route() -> None:
    g = diamond()
    c = DemandClass(
        "teu",
        od(2, {(0, 1): 1.0}),
        value_of_time=2.0,
        fixed_cost=np.array([1.0, 0.0, 0.0, 0.0, 0.0]),
    )
    r = assign(g, [c], spec=AssignmentSpec(algorithm="aon"))
    s = r.skims("teu")
    # route 0→2→1: time 1 + 1 (times at flow: BPR 0.15 x^4, v/c=1 → 1.15 each)
    assert s["time"][0, 1] == pytest.approx(2.3)
    assert s["cost"][0, 1] == pytest.approx(1.0 + 2.0 * 2.3)
    assert s["distance"][0, 1] == pytest.approx(2.0)
    tab = r.skim_table("teu")
    assert tab[["origin", "destination"]].values.tolist() == [[1, 2]]


def test_select_link_on_siouxfalls_sums_to_link_flow() -> None:
    case = tntp("SiouxFalls")
    r = assign(case.graph, [case.demand()], spec=AssignmentSpec(target_gap=1e-8))
    link = int(case.graph.link_ids[np.argmax(r.link_flow)])
    sl = r.select_link(link)
    assert sl["flow"].sum() == pytest.approx(r.link_flow.max(), rel=1e-9)
    assert ((sl["share"] > 0) & (sl["share"] <= 1 + 1e-9)).all()


def test_select_link_needs_paths_and_known_links() -> None:
    r = assign(diamond(), one_class(od(2, {(0, 1): 1.0})), spec=AssignmentSpec(algorithm="aon"))
    with pytest.raises(InvalidSpecError, match="algorithm='gp'"):
        r.select_link(0)
    r2 = assign(diamond(), one_class(od(2, {(0, 1): 1.0})))
    with pytest.raises(UnknownPlaceError):
        r2.select_link(99)
    with pytest.raises(UnknownPlaceError, match="No demand class"):
        r2.skims("grain")


def test_write_results_all_formats(tmp_path: Path) -> None:
    r = _border_result()
    files = write_results(r, tmp_path / "out")  # type: ignore[arg-type]
    names = sorted(p.name for p in files)
    assert "links.parquet" in names and "links.csv" in names and "links.geojson" in names
    links = pd.read_parquet(tmp_path / "out" / "links.parquet")
    assert len(links) == 4
    gj = json.loads((tmp_path / "out" / "links.geojson").read_text())
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 4
    hist = pd.read_csv(tmp_path / "out" / "gap_history.csv")
    assert {"iteration", "relative_gap", "objective"} <= set(hist.columns)
    with pytest.raises(InvalidSpecError, match="format"):
        write_results(r, tmp_path / "x", formats=["xlsx"])  # type: ignore[arg-type]
