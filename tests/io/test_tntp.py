from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corridors.errors import DataFileError
from corridors.io.tntp import read_tntp, read_tntp_flows, read_tntp_network, read_tntp_trips

DATA = Path(__file__).resolve().parents[1] / "data" / "tntp"


def test_siouxfalls_dimensions() -> None:
    case = read_tntp(DATA / "SiouxFalls")
    g = case.graph
    assert (g.n_nodes, g.n_zones, g.n_links) == (24, 24, 76)
    assert g.zone_through  # FIRST THRU NODE = 1
    assert case.trips.sum() == pytest.approx(360600.0)
    assert case.best_flow is not None and case.best_flow.shape == (76,)
    # first link 1 → 2, capacity 25900.2, free-flow time 6
    assert (g.from_node[0], g.to_node[0]) == (0, 1)
    assert g.capacity[0] == pytest.approx(25900.20064)
    assert g.free_flow_time[0] == 6.0
    assert g.alpha[0] == 0.15 and g.beta[0] == 4.0


def test_anaheim_zones_are_not_through_nodes() -> None:
    case = read_tntp(DATA / "Anaheim")
    g = case.graph
    assert (g.n_nodes, g.n_zones, g.n_links) == (416, 38, 914)
    assert not g.zone_through
    assert g.no_through()[:38].all() and not g.no_through()[38:].any()
    assert case.trips.sum() == pytest.approx(104694.4, rel=1e-6)


def test_flows_file() -> None:
    df = read_tntp_flows(DATA / "SiouxFalls" / "SiouxFalls_flow.tntp")
    assert list(df.columns) == ["from", "to", "volume", "cost"]
    assert len(df) == 76


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text)
    return p


NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 2
<END OF METADATA>
~ init term cap len fft b power speed toll type ;
1 3 10 1 1 0.15 4 0 0 1 ;
3 2 10 1 1 0.15 4 0 0 1 ;
"""


def test_small_network_and_trips(tmp_path: Path) -> None:
    g = read_tntp_network(_write(tmp_path, "x_net.tntp", NET))
    assert g.n_links == 2 and not g.zone_through
    trips = read_tntp_trips(
        _write(
            tmp_path,
            "x_trips.tntp",
            "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 5\n<END OF METADATA>\nOrigin 1\n 2 : 5.0;\n",
        )
    )
    np.testing.assert_array_equal(trips, [[0, 5], [0, 0]])


def test_toll_and_distance_factors_enter_the_fixed_cost(tmp_path: Path) -> None:
    tolled = NET.replace("1 3 10 1 1 0.15 4 0 0 1", "1 3 10 2.5 1 0.15 4 0 4 1")
    plain = read_tntp_network(_write(tmp_path, "p_net.tntp", tolled))
    np.testing.assert_array_equal(plain.fixed_cost, [0.0, 0.0])  # no factors: time only
    meta = "<TOLL FACTOR> 0.5\n<DISTANCE FACTOR> 0.2\n"
    g = read_tntp_network(_write(tmp_path, "f_net.tntp", meta + tolled))
    np.testing.assert_allclose(g.fixed_cost, [0.5 * 4 + 0.2 * 2.5, 0.2 * 1.0])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("no metadata\n", "END OF METADATA"),
        ("<TOLL FACTOR> cheap\n" + NET, "TOLL FACTOR"),
        (NET.replace("<NUMBER OF LINKS> 2", "<NUMBER OF LINKS> 3"), "3 links"),
        (NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> x"), "NUMBER OF NODES"),
        (NET.replace("1 3 10", "1 3 abc"), "not numeric"),
    ],
)
def test_malformed_network(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(DataFileError, match=match):
        read_tntp_network(_write(tmp_path, "bad_net.tntp", text))


def test_trips_total_mismatch_and_bad_zone(tmp_path: Path) -> None:
    head = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 9\n<END OF METADATA>\n"
    with pytest.raises(DataFileError, match="metadata says 9"):
        read_tntp_trips(_write(tmp_path, "a_trips.tntp", head + "Origin 1\n 2 : 5.0;\n"))
    with pytest.raises(DataFileError, match="outside"):
        read_tntp_trips(_write(tmp_path, "b_trips.tntp", head + "Origin 1\n 7 : 9.0;\n"))


def test_missing_file() -> None:
    with pytest.raises(DataFileError, match="Cannot read"):
        read_tntp(DATA / "Nowhere")
