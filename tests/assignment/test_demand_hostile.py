"""Hostile demand files: non-finite values, wrong or mixed units, intrazonal cells, empty
blocks; each an error or a warning, never a silent change."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.assignment._from_network import check_demand_units
from corridors.assignment.demand import ODMatrices
from corridors.errors import CorridorsWarning, DemandError
from corridors.io.demand import read_demand_csv
from tests.hostile import hostile


def test_infinite_value_refused() -> None:
    with pytest.raises(DemandError, match="infinite"):
        read_demand_csv(hostile("demand_inf.csv"))


def test_mixed_units_refused() -> None:
    with pytest.raises(DemandError, match="mixes units"):
        read_demand_csv(hostile("demand_mixed_units.csv"))


def test_wrong_unit_refused_for_its_cargo() -> None:
    od = read_demand_csv(hostile("demand_wrong_unit.csv"))
    with pytest.raises(DemandError, match=r"'t/year'.*assigned in TEU/year"):
        check_demand_units(od, {"containers": "container"})
    ok = read_demand_csv(hostile("demand_intrazonal.csv"))
    check_demand_units(ok, {"containers": "container"})  # TEU/year passes


def test_intrazonal_demand_is_reported() -> None:
    from corridors.assignment.spec import DemandClass

    od = read_demand_csv(hostile("demand_intrazonal.csv"))
    with pytest.warns(CorridorsWarning, match=r"1 intrazonal cell\(s\) totalling 70"):
        DemandClass("containers", od.matrices["containers"])


def test_pattern_matching_nothing_is_an_error() -> None:
    od = ODMatrices(("A", "B"), {"containers": np.array([[0.0, 5.0], [1.0, 0.0]])})
    with pytest.raises(DemandError, match="selects no origins"):
        od.scaled(pairs=[([], ["B"], 2.0)])
    with pytest.raises(DemandError, match="must be ≥ 0"):
        od.scaled(pairs=[(["A"], ["B"], float("nan"))])
    assert od.scaled(pairs=[(["A"], ["B"], 2.0)]).total("containers") == 11.0
