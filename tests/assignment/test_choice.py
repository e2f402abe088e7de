"""The nested logit against analytic cases, and the choice parameters' validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corridors.assignment.choice import (
    ChoiceParameters,
    load_parameters,
    nested_logit,
    nested_logit_elasticity,
    route_alternative,
)
from corridors.errors import InvalidSpecError


def test_binary_logit_closed_form() -> None:
    for du in (-3.0, -0.5, 0.0, 1.2):
        p = nested_logit([du, 0.0], [0, 1], [1.0, 1.0])
        assert p[0] == pytest.approx(1.0 / (1.0 + math.exp(-du)), rel=1e-12)
        assert p.sum() == pytest.approx(1.0)


def test_mnl_when_all_nest_scales_are_one() -> None:
    u = np.array([0.3, -1.0, 0.8, 0.1])
    p = nested_logit(u, [0, 0, 1, 1], [1.0, 1.0])
    assert p == pytest.approx(np.exp(u) / np.exp(u).sum(), rel=1e-12)


def test_nested_logit_by_hand() -> None:
    # two nests: {a, b} with theta 0.5, {c} alone
    u = np.array([0.0, -0.4, -0.2])
    th = 0.5
    incl_ab = th * math.log(math.exp(u[0] / th) + math.exp(u[1] / th))
    p_ab = math.exp(incl_ab) / (math.exp(incl_ab) + math.exp(u[2]))
    p_a = p_ab * math.exp(u[0] / th) / (math.exp(u[0] / th) + math.exp(u[1] / th))
    p = nested_logit(u, [0, 0, 1], [th, 1.0])
    assert p[0] == pytest.approx(p_a, rel=1e-12)
    assert p[2] == pytest.approx(1 - p_ab, rel=1e-12)


def test_unavailable_alternatives_get_nothing() -> None:
    p = nested_logit([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf]], [0, 0, 1], [0.5, 1])
    assert p[0, 1] == 0.0 and p[0].sum() == pytest.approx(1.0)
    assert (p[1] == 0).all()


@pytest.mark.parametrize("theta", [1.0, 0.6, 0.3])
def test_elasticities_match_finite_differences(theta: float) -> None:
    lam = 1.7
    cost = np.array([1000.0, 1300.0, 900.0, 2500.0])
    asc = np.array([0.0, 0.2, -0.5, 0.1])
    nest = np.array([0, 0, 1, 1])
    th = np.array([theta, theta])

    def probs(c: np.ndarray) -> np.ndarray:
        return nested_logit(asc - lam * np.log(c), nest, th)

    p = probs(cost)
    analytic = nested_logit_elasticity(p, nest, th, -lam)
    h = 1e-6
    for j in range(4):
        up, dn = cost.copy(), cost.copy()
        up[j] *= math.exp(h)
        dn[j] *= math.exp(-h)
        num = (np.log(probs(up)) - np.log(probs(dn))) / (2 * h)
        assert num == pytest.approx(analytic[:, j], rel=1e-5, abs=1e-8)
    # a small alternative's direct elasticity in a plain logit is about -lambda
    if theta == 1.0:
        assert analytic[3, 3] == pytest.approx(-lam * (1 - p[3]))


def test_parameters_validate_and_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidSpecError, match="nest_scale"):
        ChoiceParameters(nest_scale={"rail": 0.0})
    with pytest.raises(InvalidSpecError, match="Unknown alternative"):
        ChoiceParameters(asc={"rail_arctic": 1.0})
    with pytest.raises(InvalidSpecError, match="route_scale"):
        ChoiceParameters(cost_scale=5.0, route_scale=6.0)
    p = ChoiceParameters(asc={"rail_middle": -0.7}, vot_scale=3.0, provenance={"x": 1})
    q = load_parameters(p.save(tmp_path / "p.json"))
    assert q.asc_of("rail_middle") == -0.7 and q.vot_scale == 3.0
    v = p.vector()
    assert p.with_vector(v).vector() == pytest.approx(v)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidSpecError, match="Cannot read"):
        load_parameters(bad)


def test_a_caspian_ferry_to_iran_is_middle_and_the_kti_railway_southern() -> None:
    # Kuryk-Anzali: Kazakh rail to the port, the Caspian ferry, Iranian rail to Tehran
    ferry = {"rail": 1_850.0, "ferry": 700.0}
    assert route_alternative(ferry, {"KZ", "IR"}, caspian_ferry=True) == "rail_middle"
    # Aktau-Turkmenbashi and on by Turkmen and Iranian rail: still a Caspian crossing
    assert route_alternative(ferry, {"KZ", "TM", "IR"}, caspian_ferry=True) == "rail_middle"
    # Kazakhstan-Turkmenistan-Iran railway (Bolashak-Serhetyaka, Etrek-Incheh Borun)
    kti = {"rail": 4_900.0}
    assert route_alternative(kti, {"KZ", "TM", "IR", "TR"}, caspian_ferry=False) == (
        "rail_southern"
    )
    assert route_alternative(kti, {"CN", "KZ"}, caspian_ferry=False) == "rail_direct"
    assert route_alternative(kti, {"KZ", "RU", "IR"}, caspian_ferry=True) == "rail_northern"
    suez = route_alternative(
        {"rail": 100.0, "sea": 50.0}, {"IR"}, caspian_ferry=False, passages={"Suez"}
    )
    assert suez == "sea_suez"
