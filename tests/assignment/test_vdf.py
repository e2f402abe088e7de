from __future__ import annotations

import numpy as np
import pytest

from corridors.assignment import VDF, link_times
from corridors.assignment.vdf import QUEUE_X_MAX, vdf_integral, vdf_slope, vdf_time

CASES = [
    (0, 2.0, 10.0, 0.15, 4.0),
    (0, 1.0, 5.0, 1.0, 1.0),
    (1, 2.0, 10.0, 4.0, 0.0),
    (2, 3.0, 10.0, 5.0, 1.0),
    (2, 3.0, 10.0, 2.0, 2.0),
    (2, 3.0, 10.0, 2.0, 1.5),
]


def test_vdf_accepts_names() -> None:
    assert VDF("queue") is VDF.QUEUE
    assert VDF("BPR") is VDF.BPR
    assert VDF(1) is VDF.CONICAL


def test_bpr_at_capacity() -> None:
    t = link_times([10.0], vdf=[0], free_flow_time=[2.0], capacity=[10.0], alpha=[0.15], beta=[4.0])
    assert t[0] == pytest.approx(2.3)


def test_conical_equals_free_flow_at_zero_and_doubles_at_capacity() -> None:
    t = link_times(
        [0.0, 10.0],
        vdf=[1, 1],
        free_flow_time=[2.0, 2.0],
        capacity=[10.0, 10.0],
        alpha=[4.0, 4.0],
        beta=[0.0, 0.0],
    )
    assert t[0] == pytest.approx(2.0)
    assert t[1] == pytest.approx(4.0)


def test_queue_is_mm1_below_threshold_and_linear_above() -> None:
    t0, cap, alpha = 2.0, 20.0, 1.0
    x = np.array([0.0, 0.5, 0.9, QUEUE_X_MAX, 1.0, 1.5])
    t = link_times(x * cap, vdf=2, free_flow_time=t0, capacity=cap, alpha=alpha, beta=1.0)
    np.testing.assert_allclose(t[:4], t0 + alpha * x[:4] / (1 - x[:4]))
    slope = (t[5] - t[4]) / (0.5 * cap)
    assert slope == pytest.approx(vdf_slope(2, t0, cap, alpha, 1.0, QUEUE_X_MAX * cap))
    assert np.isfinite(t).all()
    assert (np.diff(t) > 0).all()


@pytest.mark.parametrize(("kind", "t0", "cap", "alpha", "beta"), CASES)
def test_slope_matches_finite_difference(
    kind: int, t0: float, cap: float, alpha: float, beta: float
) -> None:
    for v in (0.5, 3.0, 8.0, 12.0):
        h = 1e-6
        fd = (
            vdf_time(kind, t0, cap, alpha, beta, v + h)
            - vdf_time(kind, t0, cap, alpha, beta, v - h)
        ) / (2 * h)
        assert vdf_slope(kind, t0, cap, alpha, beta, v) == pytest.approx(fd, rel=1e-5)


@pytest.mark.parametrize(("kind", "t0", "cap", "alpha", "beta"), CASES)
def test_integral_matches_quadrature(
    kind: int, t0: float, cap: float, alpha: float, beta: float
) -> None:
    for v in (0.0, 4.0, 9.0, 13.0):
        s = np.linspace(0.0, v, 20001)
        ts = np.array([vdf_time(kind, t0, cap, alpha, beta, x) for x in s])
        ref = np.trapezoid(ts, s) if hasattr(np, "trapezoid") else np.trapz(ts, s)
        assert vdf_integral(kind, t0, cap, alpha, beta, v) == pytest.approx(ref, rel=1e-5, abs=1e-9)
