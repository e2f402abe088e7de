"""NPV, BCR, IRR and payback against hand-computed cases."""

from __future__ import annotations

import math

import pytest

from corridors.appraisal import bcr, discount_factors, irr, npv, payback_year
from corridors.errors import InvalidSpecError


def test_npv_of_a_two_year_project_by_hand() -> None:
    # -100 now, +60 in each of the next two years at 10 %: -100 + 54.545 + 49.587
    assert npv([-100, 60, 60], [2024, 2025, 2026], 0.10, 2024) == pytest.approx(
        -100 + 60 / 1.1 + 60 / 1.21, abs=1e-12
    )
    # discounting to a later base year compounds the earlier flows
    assert npv([-100, 60, 60], [2024, 2025, 2026], 0.10, 2025) == pytest.approx(
        -110 + 60 + 60 / 1.1, abs=1e-12
    )


def test_irr_solves_the_quadratic() -> None:
    # 60 x^2 + 60 x - 100 = 0 with x = 1 / (1 + r)
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / 120
    assert irr([-100, 60, 60], [2024, 2025, 2026]) == pytest.approx(1 / x - 1, abs=1e-10)
    # a perpetuity-like flow: -100 then 10 a year for 200 years: IRR -> 10 %
    assert irr([-100] + [10] * 200, list(range(201))) == pytest.approx(0.10, abs=1e-6)
    # the NPV at the IRR is zero
    r = irr([-50, -50, 30, 40, 50], [0, 1, 2, 3, 4])
    assert npv([-50, -50, 30, 40, 50], [0, 1, 2, 3, 4], r, 0) == pytest.approx(0, abs=1e-8)


def test_irr_is_nan_without_a_sign_change() -> None:
    assert math.isnan(irr([10, 20], [0, 1]))
    assert math.isnan(irr([-10, -20], [0, 1]))


def test_bcr_and_payback() -> None:
    assert bcr(150.0, 100.0) == 1.5
    assert math.isnan(bcr(10.0, 0.0))
    # cumulative discounted: -100, -45.45, +4.13 -> pays back in 2026
    assert payback_year([-100, 60, 60], [2024, 2025, 2026], 0.10, 2024) == 2026
    assert payback_year([-100, 10, 10], [2024, 2025, 2026], 0.10, 2024) is None
    assert payback_year([5, 1], [2024, 2025], 0.10, 2024) == 2024


def test_bad_discount_rate_is_explained() -> None:
    with pytest.raises(InvalidSpecError, match="fraction"):
        discount_factors([2024], 6.0, 2024)
    with pytest.raises(InvalidSpecError):
        npv([1.0], [2024], float("nan"), 2024)
