"""Hostile routing options: unknown country codes, non-finite limits, top < 1."""

from __future__ import annotations

import pytest

from corridors.errors import InvalidSpecError
from corridors.network import Network
from corridors.routing import pareto_routes
from corridors.routing.spec import RouteSpec


def test_country_typo_is_an_error_with_suggestion() -> None:
    with pytest.raises(InvalidSpecError, match=r"'RX'.*Did you mean 'RU'"):
        RouteSpec(avoid_countries="RX")
    assert RouteSpec(avoid_countries="ru,by").avoid_countries == ("BY", "RU")


@pytest.mark.parametrize(
    "kw",
    [{"max_days": float("inf")}, {"max_days": float("nan")}, {"max_transshipments": -1}],
)
def test_non_finite_limits_refused(kw: dict) -> None:
    with pytest.raises(InvalidSpecError):
        RouteSpec(**kw)


def test_top_below_one_refused(bundled: Network) -> None:
    with pytest.raises(InvalidSpecError, match="at least 1"):
        pareto_routes(bundled, "Xian", "Duisburg", max_options=-1)
    with pytest.raises(InvalidSpecError, match="RX"):
        pareto_routes(bundled, "Xian", "Duisburg", avoid_countries="RX")
