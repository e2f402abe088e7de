"""Choose a route option by rank and simulate it."""

from __future__ import annotations

import pytest

from corridors.errors import ContradictoryOptionsError
from corridors.network import Network
from corridors.reliability import simulate_itinerary
from corridors.reliability.option import simulate_option
from corridors.routing import pareto_routes


def test_rank_picks_the_option_and_matches_a_direct_simulation(bundled: Network) -> None:
    opts = pareto_routes(bundled, "Almaty", "Baku", teu=2)
    assert len(opts.options) >= 2
    it, res = simulate_option(bundled, opts, 2, n=2000, seed=7)
    assert it is opts.options[1]
    direct = simulate_itinerary(bundled, opts.options[1], n=2000, seed=7)
    assert res.p50_days == direct.p50_days and res.p90_days == direct.p90_days


@pytest.mark.parametrize("rank", [0, 99])
def test_rank_out_of_range_says_how_many(bundled: Network, rank: int) -> None:
    opts = pareto_routes(bundled, "Almaty", "Baku", teu=2)
    with pytest.raises(ContradictoryOptionsError, match=f"between 1 and {len(opts.options)}"):
        simulate_option(bundled, opts, rank, n=200)
