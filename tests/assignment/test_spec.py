from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from corridors.assignment import Algorithm, AssignmentSpec, DemandClass
from corridors.errors import DemandError, InvalidSpecError


def test_algorithm_accepts_names_and_aliases() -> None:
    assert AssignmentSpec(algorithm="BFW").algorithm is Algorithm.BFW
    assert Algorithm("frank-wolfe") is Algorithm.FW
    assert Algorithm("gradient_projection") is Algorithm.GP


def test_spec_is_frozen() -> None:
    spec = AssignmentSpec()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.target_gap = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"algorithm": "dijkstra"}, "Unknown assignment algorithm"),
        ({"target_gap": 0.0}, "target_gap"),
        ({"target_gap": 2.0}, "target_gap"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"inner_passes": 0}, "inner_passes"),
        ({"line_search_tolerance": 0.5}, "line_search_tolerance"),
    ],
)
def test_invalid_spec(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidSpecError, match=match):
        AssignmentSpec(**kwargs)  # type: ignore[arg-type]


def test_demand_class_zeroes_diagonal_and_freezes() -> None:
    from corridors.errors import CorridorsWarning

    with pytest.warns(CorridorsWarning, match=r"2 intrazonal cell\(s\) totalling 7 "):
        c = DemandClass("teu", np.array([[3.0, 1.0], [2.0, 4.0]]))
    assert c.total == 3.0
    with pytest.raises(ValueError, match="read-only"):
        c.matrix[0, 1] = 9.0


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        (np.zeros((2, 3)), "shape"),
        (np.array([[0.0, -1.0], [0.0, 0.0]]), "negative"),
        (np.array([[0.0, np.nan], [0.0, 0.0]]), "NaN"),
    ],
)
def test_bad_demand_matrix(matrix: np.ndarray, match: str) -> None:
    with pytest.raises(DemandError, match=match):
        DemandClass("teu", matrix)


def test_bad_class_parameters() -> None:
    with pytest.raises(InvalidSpecError, match="value_of_time"):
        DemandClass("teu", np.zeros((2, 2)), value_of_time=0.0)
    with pytest.raises(InvalidSpecError, match="fixed_cost"):
        DemandClass("teu", np.zeros((2, 2)), fixed_cost=np.array([-1.0]))
