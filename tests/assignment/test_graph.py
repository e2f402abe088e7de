from __future__ import annotations

import numpy as np
import pytest

from corridors.assignment import AssignmentGraph
from corridors.errors import InvalidSpecError, UnknownPlaceError
from tests.assignment.networks import diamond


def test_csr_lists_every_link_once_by_tail() -> None:
    g = diamond()
    indptr, heads, lidx = g.csr
    assert sorted(lidx.tolist()) == list(range(g.n_links))
    for u in range(g.n_nodes):
        for k in range(indptr[u], indptr[u + 1]):
            assert g.from_node[lidx[k]] == u
            assert heads[k] == g.to_node[lidx[k]]


def test_arrays_are_read_only() -> None:
    g = diamond()
    with pytest.raises(ValueError, match="read-only"):
        g.capacity[0] = 3.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"capacity": [1.0, 0.0]}, "capacity"),
        ({"free_flow_time": [1.0, np.nan]}, "free_flow_time"),
        ({"to_node": [1, 5]}, "outside"),
        ({"to_node": [1, 1]}, "loop"),
        ({"vdf": [0, 7]}, "vdf"),
        ({"vdf": [1, 1], "alpha": [0.5, 4.0]}, "conical"),
        ({"vdf": [2, 2], "beta": [0.5, 1.0]}, "queue"),
        ({"n_zones": 3}, "n_zones"),
    ],
)
def test_invalid_graphs_name_the_field(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {
        "from_node": [0, 1],
        "to_node": [1, 0],
        "n_nodes": 2,
        "n_zones": 2,
        "free_flow_time": [1.0, 1.0],
        "capacity": [1.0, 1.0],
    }
    base.update(kwargs)
    with pytest.raises(InvalidSpecError, match=match):
        AssignmentGraph(**base)  # type: ignore[arg-type]


def test_link_index_by_label() -> None:
    g = AssignmentGraph(
        from_node=[0, 1],
        to_node=[1, 0],
        n_nodes=2,
        n_zones=2,
        free_flow_time=[1.0, 1.0],
        capacity=[1.0, 1.0],
        link_ids=["ab", "ba"],
    )
    assert g.link_index(["ba"]).tolist() == [1]
    with pytest.raises(UnknownPlaceError, match="'xx'"):
        g.link_index("xx")
