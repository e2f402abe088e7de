"""Transit-time reliability: Monte Carlo door-to-door distributions of an itinerary.

>>> from corridors.reliability import simulate_itinerary
"""

from __future__ import annotations

from corridors.reliability._params import (
    ReliabilityParameters,
    load_reliability_parameters,
    reliability_csv_path,
)
from corridors.reliability.simulate import (
    EventTable,
    ReliabilityResult,
    compile_events,
    simulate_itinerary,
)

__all__ = [
    "EventTable",
    "ReliabilityParameters",
    "ReliabilityResult",
    "compile_events",
    "load_reliability_parameters",
    "reliability_csv_path",
    "simulate_itinerary",
]
