"""The shared vocabulary (network.enums): mode codes, ports, arc kinds, cargo columns, VDF."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import corridors.assignment
from corridors.assignment._from_network import corridor_graph
from corridors.errors import InvalidSpecError
from corridors.network import Mode, Network
from corridors.network._csr import ARC_ACCESS, ARC_GAUGE, ARC_LINK, ARC_MODE, MODE_CODES
from corridors.network.enums import (
    GAUGES_MM,
    PORTS,
    VDF,
    VDF_ALPHA_DEFAULT,
    VDF_BETA_DEFAULT,
    ArcKind,
    Cargo,
)


def test_mode_codes_round_trip_and_are_distinct() -> None:
    codes = [m.code for m in Mode]
    assert sorted(codes) == list(range(len(Mode)))
    for m in Mode:
        assert Mode.from_code(m.code) is m
        assert Mode.from_code(np.int8(m.code)) is m  # as read back from a compiled array
    assert {m.value: m.code for m in Mode} == MODE_CODES
    assert Mode.codes(["RAIL", "ferry", "Sea"]).tolist() == [
        Mode.RAIL.code,
        Mode.FERRY.code,
        Mode.SEA.code,
    ]


@pytest.mark.parametrize("bad", [-1, len(Mode), 1.5, True])
def test_unknown_mode_code_raises(bad: object) -> None:
    with pytest.raises(InvalidSpecError, match="not a mode code"):
        Mode.from_code(bad)  # type: ignore[arg-type]


def test_unknown_mode_name_raises_instead_of_becoming_rail() -> None:
    with pytest.raises(InvalidSpecError, match="barge"):
        Mode.codes(["rail", "barge"])


def test_compiled_graph_stores_mode_codes(tiny: Callable[[str], Network]) -> None:
    net = tiny("ferry_only_link")
    g = net.graph("container")
    links = g.kind == ARC_LINK
    modes = net.links["mode"].to_numpy()[g.link[links]]
    assert g.mode[links].tolist() == Mode.codes(modes).tolist()
    assert {Mode.from_code(c) for c in g.mode[links]} == {Mode.RAIL, Mode.FERRY}
    assert (g.mode[~links] == -1).all()


def test_corridor_graph_excluded_modes_by_name(tiny: Callable[[str], Network]) -> None:
    net = tiny("parallel_links")
    link_type = corridor_graph(net).graph.link_type
    road, rail = link_type == "road", link_type == "rail"
    assert road.any() and rail.any()
    cg = corridor_graph(net, excluded_modes={"container": ("road",), "bulk": ()})
    assert not cg.mask["container"][road].any() and cg.mask["container"][rail].all()
    assert cg.mask["bulk"][road].all()
    with pytest.raises(InvalidSpecError, match="airship"):
        corridor_graph(net, excluded_modes={"container": ("airship",)})


def test_ports_come_from_gauges_and_modes(tiny: Callable[[str], Network]) -> None:
    assert PORTS[: len(GAUGES_MM)] == tuple(f"rail{g}" for g in GAUGES_MM)
    assert set(PORTS[len(GAUGES_MM) :]) == {m.value for m in Mode} - {"rail"}
    ports = set(tiny("gauge_break").links["port"]) | set(tiny("ferry_only_link").links["port"])
    assert ports == {"rail1435", "rail1520", "ferry"}
    assert ports <= set(PORTS)


def test_arc_kinds_label_the_assignment_graph(tiny: Callable[[str], Network]) -> None:
    assert [int(k) for k in ArcKind] == [ARC_LINK, ARC_GAUGE, ARC_MODE, ARC_ACCESS]
    types = set(corridor_graph(tiny("gauge_break")).graph.link_type)
    # links by mode (or "border"), other arcs by their kind's label
    assert {"gauge_change", "handling", "border", "rail"} <= types
    assert types <= {k.label for k in ArcKind} | {m.value for m in Mode} | {"border"}


@pytest.mark.parametrize("cargo", list(Cargo))
def test_cargo_columns_name_real_columns(cargo: Cargo, tiny: Callable[[str], Network]) -> None:
    net = tiny("gauge_break")
    cols = cargo.columns
    assert {cols.tariff, cols.border_cost} <= set(net.links.columns)
    assert {cols.transfer_time, cols.transfer_cost} <= set(net.tables["transfers"].columns)
    assert cols.handling_cost in net.tables["nodes"].columns
    unit = "t" if cargo is Cargo.BULK else "teu"
    assert cols.tariff.endswith(unit) and cols.handling_cost.endswith(unit)


def test_vdf_owns_its_parameter_checks() -> None:
    kinds = [VDF.BPR, VDF.CONICAL, VDF.QUEUE]
    VDF.check_parameters(kinds, alpha=[0.15, 4.0, 0.5], beta=[4.0, 0.0, 1.0])
    with pytest.raises(InvalidSpecError, match="conical"):
        VDF.check_parameters(kinds, alpha=[0.15, 1.0, 0.5], beta=[4.0, 4.0, 1.0])
    with pytest.raises(InvalidSpecError, match="queue"):
        VDF.check_parameters(kinds, alpha=[0.15, 4.0, 0.5], beta=[0.5, 4.0, 0.9])
    assert (VDF_ALPHA_DEFAULT, VDF_BETA_DEFAULT) == (0.15, 4.0)
    assert VDF("queue") is VDF.QUEUE and corridors.assignment.VDF is VDF


def test_every_port_has_a_mode_and_unknown_ports_raise() -> None:
    assert [Mode.of_port(p).value for p in PORTS] == ["rail"] * len(GAUGES_MM) + [
        m.value for m in Mode if m is not Mode.RAIL
    ]
    for bad in ("rail1000", "barge", "access"):
        with pytest.raises(InvalidSpecError, match="not a port"):
            Mode.of_port(bad)
