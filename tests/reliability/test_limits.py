"""Monte Carlo sample limit: stated, refused before any allocation."""

from __future__ import annotations

import pytest

from corridors.errors import InvalidSpecError, LimitExceededError
from corridors.network import Network
from corridors.reliability.simulate import MAX_SAMPLES, simulate_itinerary
from corridors.routing import route


def test_sample_limits(bundled: Network) -> None:
    it = route(bundled, "Almaty", "Baku", objective="days")
    with pytest.raises(LimitExceededError, match=f"{MAX_SAMPLES:,}") as e:
        simulate_itinerary(bundled, it, n=10**9)
    assert e.value.field == "n" and e.value.limit == MAX_SAMPLES
    with pytest.raises(InvalidSpecError, match="whole number"):
        simulate_itinerary(bundled, it, n=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidSpecError, match="finite"):
        simulate_itinerary(bundled, it, n=100, deadline_days=float("nan"))
