"""Route generation of the choice equilibrium: no deep-sea round trips."""

from __future__ import annotations

import numpy as np

import corridors.assignment.sue as sue
from corridors.assignment._sue_routes import _CAPE, _SUEZ, arc_attributes, sea_round_trip
from corridors.assignment.choice import ALTERNATIVES, ChoiceParameters
from corridors.assignment.demand import ODMatrices
from corridors.network import Network


def test_two_deep_sea_lanes_make_a_round_trip() -> None:
    attr = {"flags": np.array([0, _SUEZ, _SUEZ, _CAPE, 0], np.int64)}
    assert not sea_round_trip(np.array([0, 1, 4]), attr)  # one canal passage
    assert sea_round_trip(np.array([0, 1, 2]), attr)  # out through Suez and back
    assert sea_round_trip(np.array([1, 3]), attr)  # out by Suez, back round the Cape
    assert not sea_round_trip(np.array([], np.int64), attr)


def test_istanbul_turkmenbashi_boxes_are_not_offered_a_voyage_via_shanghai(
    bundled: Network,
) -> None:
    # Before: Istanbul->Shanghai->Poti (Suez twice, 32,000 km) was the market's sea_suez route
    # and carried 93 % of it against the Middle Corridor's 2,900 km.
    z = list(bundled.nodes.index.astype(str))
    m = np.zeros((len(z), len(z)))
    m[z.index("TRIST"), z.index("TMKRW")] = 670.0
    m[z.index("CNSGH"), z.index("NLRTM")] = 1_000.0  # a real Suez market keeps its sea route
    p = ChoiceParameters()
    pr = sue.build_problem(bundled, ODMatrices(tuple(z), {"container_std": m}), params=p)
    attr = arc_attributes(bundled, pr.corridor)
    for path in range(pr.n_paths):
        assert not sea_round_trip(pr.incidence[path].indices, attr)
    alts = {(z[pr.mkt_o[pr.path_mkt[k]]], ALTERNATIVES[pr.path_alt[k]]) for k in range(pr.n_paths)}
    assert ("TRIST", "rail_middle") in alts
    assert ("CNSGH", "sea_suez") in alts
    assert ("TRIST", "sea_suez") not in alts
