"""Choose one route option and simulate it: the reliability request of the CLI, API and web.

Examples
--------
>>> from corridors.network import load_network
>>> from corridors.routing import pareto_routes
>>> net = load_network()
>>> opts = pareto_routes(net, "Almaty", "Baku", teu=2)
>>> it, res = simulate_option(net, opts, 1, n=500, seed=1)
>>> it is opts.options[0], res.p50_days <= res.p90_days
(True, True)
>>> simulate_option(net, opts, 99, n=500)
Traceback (most recent call last):
...
corridors.errors.ContradictoryOptionsError: Option 99 asked, but there are ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridors.errors import ContradictoryOptionsError, explain

if TYPE_CHECKING:
    from corridors.network.model import Network
    from corridors.reliability.simulate import ReliabilityResult
    from corridors.routing.itinerary import Itinerary
    from corridors.routing.search import RouteOptions

__all__ = ["simulate_option"]


def simulate_option(
    network: Network, options: RouteOptions, rank: int, **simulation: Any
) -> tuple[Itinerary, ReliabilityResult]:
    """The option of rank ``rank`` (1 = best) and its Monte Carlo door-to-door days.

    Parameters
    ----------
    network
        The network the options were found on.
    options
        From :func:`corridors.routing.pareto_routes` (or
        :func:`corridors.routing.request.route_options`).
    rank
        1-based rank of the option.
    **simulation
        Passed to :func:`corridors.reliability.simulate_itinerary` (``n``, ``seed``,
        ``departure``, ``deadline_days``).

    Raises
    ------
    corridors.errors.ContradictoryOptionsError
        When there are fewer than ``rank`` options (the message says how many there are).
    """
    from corridors.reliability.simulate import simulate_itinerary

    count = len(options.options)
    if not 1 <= rank <= count:
        raise ContradictoryOptionsError(
            explain(
                f"Option {rank} asked, but there are {count}.",
                fix=f"Use an option between 1 and {count}.",
            )
        )
    it = options.options[rank - 1]
    return it, simulate_itinerary(network, it, **simulation)
