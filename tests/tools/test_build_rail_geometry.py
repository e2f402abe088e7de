"""The OSM rail-geometry build tool (tools/build_rail_geometry.py) on tiny synthetic graphs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "build_rail_geometry.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_rail_geometry", TOOL)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_rail_geometry"] = mod
    spec.loader.exec_module(mod)
    return mod


def _chain(lons: list[float], lat: float = 45.0, start: int = 0) -> tuple[list, list]:
    """A straight line of vertices along a parallel, as scgraph adjacency dicts."""
    adj: list[dict[int, float]] = []
    for k in range(len(lons)):
        nb = {}
        if k > 0:
            nb[start + k - 1] = 1.0
        if k < len(lons) - 1:
            nb[start + k + 1] = 1.0
        adj.append(nb)
    return adj, [[lat, lon] for lon in lons]


def _graph(tool: ModuleType):  # type: ignore[no-untyped-def]
    # A: 60.0-60.5; B starts 0.8 km further (stitched between pieces); C starts ~16 km after B's
    # dead end (stitched across a break); D lies ~120 km away (never stitched).
    pieces = [
        [60.0, 60.1, 60.2, 60.3, 60.4, 60.5],
        [60.51, 60.6, 60.7, 60.8, 60.9, 61.0],
        [61.2, 61.3, 61.4, 61.5],
        [63.0, 63.1],
    ]
    adj, pos = [], []
    for lons in pieces:
        a, p = _chain(lons, start=len(pos))
        adj += a
        pos += p
    return tool.RailGraph(adj, pos)


def test_stitches_small_gaps_and_breaks_only(tool: ModuleType) -> None:
    g = _graph(tool)
    assert g.n_pieces == (4, 2)  # A+B+C joined, D left alone
    whys = sorted(s["why"] for s in g.stitches)
    assert whys == [
        "dead end joined across a break in the line",
        "pieces within stitch tolerance",
    ]
    assert all(s["gap_km"] <= tool.DEAD_END_KM for s in g.stitches)


def test_measures_along_the_stitched_line_and_never_below_great_circle(tool: ModuleType) -> None:
    g = _graph(tool)
    a, b = (45.0, 60.0), (45.0, 61.5)
    m = g.measure(a, b)
    assert m is not None
    gc = float(tool.gc_km(*a, *b))
    assert gc <= m["km"] <= gc * 1.001  # a straight line: the path is the great circle
    assert 15.0 < m["stitched_km"] < 17.5  # the ~16 km break bridged (plus the 0.8 km gap)
    assert m["coords"][0] == [60.0, 45.0] and m["coords"][-1] == [61.5, 45.0]
    assert g.measure(a, (45.0, 63.1)) is None  # D is out of reach: no invented link
    assert g.measure(a, (50.0, 60.0)) is None  # nothing within the snapping radius


def test_simplify_keeps_ends_and_drops_close_vertices(tool: ModuleType) -> None:
    line = [[60.0, 45.0], [60.001, 45.0], [60.05, 45.0], [60.051, 45.0], [60.1, 45.0]]
    out = tool.simplify(line, tol_km=1.0)
    assert out[0] == [60.0, 45.0] and out[-1] == [60.1, 45.0]
    assert len(out) == 3


def test_curvature_factor_is_the_median_over_published_lines(tool: ModuleType) -> None:
    def rec(src: str, km: float, osm: float, gc: float) -> tuple:
        row = {"length_source": src, "length_km": str(km), "link_id": f"l{km}"}
        return (row, {"km": osm}, gc, {})

    measured = [
        rec("S1", 105.0, 100.0, 90.0),
        rec("S2", 220.0, 200.0, 180.0),
        rec("S3", 102.0, 100.0, 90.0),
        rec("estimate", 500.0, 100.0, 90.0),  # estimates do not count
        rec("S4", 400.0, 100.0, 50.0),  # a refused detour (2 x great circle) does not count
    ]
    factor, n = tool.curvature_factor(measured)
    assert n == 3
    assert factor == pytest.approx(np.median([1.05, 1.10, 1.02]))
