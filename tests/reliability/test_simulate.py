"""Monte Carlo transit times: analytic twins, determinism, parameters, pictures."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, stats

from corridors.errors import InvalidSpecError
from corridors.network import Network, bundled_network_path
from corridors.reliability import (
    ReliabilityParameters,
    compile_events,
    load_reliability_parameters,
    reliability_csv_path,
    simulate_itinerary,
)
from corridors.routing import pareto_routes, route

N = 200_000
Z90 = stats.norm.ppf(0.9)
# A simulated share below a point has binomial sampling error sqrt(q(1-q)/N); we allow 4 of
# them (two-sided significance ~6e-5 per check).
K_SE = 4.0

QUIET = ReliabilityParameters({("global", "run_time_cv"): 0.0, ("global", "handling_cv"): 0.0})


def _share_ok(samples: np.ndarray, x: float, q: float) -> None:
    share = float(np.mean(samples <= x))
    assert abs(share - q) <= K_SE * math.sqrt(q * (1 - q) / samples.size), (share, q)


def test_lognormal_dwell_gives_back_its_p50_p90(tiny: Callable[[str], Network]) -> None:
    """One border with dwell P50 30 h / P90 60 h, everything else fixed."""
    net = tiny("gauge_break")
    it = route(net, "CNX", "KZA", objective="days")
    fixed_h = it.days * 24 - 30.0  # the routed time adds the median dwell
    r = simulate_itinerary(net, it, n=N, seed=7, parameters=QUIET)
    days = r.samples_days
    _share_ok(days, (fixed_h + 30.0) / 24, 0.5)
    _share_ok(days, (fixed_h + 60.0) / 24, 0.9)
    sigma = math.log(2.0) / Z90
    _share_ok(days, (fixed_h + 30.0 * math.exp(sigma * stats.norm.ppf(0.95))) / 24, 0.95)
    # quantile error: SE = sqrt(q(1-q)/N) / density; 4 SE at the median of LN(30 h, sigma)
    dens = 1 / (30.0 * sigma * math.sqrt(2 * math.pi))
    assert r.p50_days * 24 == pytest.approx(fixed_h + 30, abs=K_SE * 0.5 / math.sqrt(N) / dens)


def _ferry_cdf(x: float, c: float, h: float, p: float, med: float, sigma: float) -> float:
    """P(c + (U + K) h + LN(med, sigma) <= x), U uniform(0,1), K geometric (cancellations)."""
    ln = stats.lognorm(s=sigma, scale=med)
    total = 0.0
    for k in range(60):
        w = (1 - p) * p**k
        if w < 1e-12:
            break
        val, _ = integrate.quad(lambda u, k=k: ln.cdf(x - c - (k + u) * h), 0.0, 1.0)
        total += w * val
    return total


def test_ferry_wait_with_cancellations_matches_convolution(
    tiny: Callable[[str], Network],
) -> None:
    """Uniform wait over the headway + geometric cancellations + lognormal dwell."""
    net = tiny("ferry_only_link")
    it = route(net, "W", "E", objective="days")
    p = 0.3
    params = QUIET.with_values({("class:ferry", "sailing_cancel_prob"): p})
    r = simulate_itinerary(net, it, n=N, seed=11, parameters=params)
    h = 84.0  # 2 sailings a week
    c = it.days * 24 - 10.0 - h / 2  # routed time = fixed + median dwell + half headway
    sigma = math.log(2.0) / Z90
    for q in (0.5, 0.9, 0.95):
        x = optimize.brentq(lambda x, q=q: _ferry_cdf(x, c, h, p, 10.0, sigma) - q, c, c + 3000)
        _share_ok(r.samples_days, x / 24, q)
    mean_h = c + h / 2 + h * p / (1 - p) + 10.0 * math.exp(sigma**2 / 2)
    assert r.mean_days * 24 == pytest.approx(mean_h, rel=0.01)


def test_timetable_wait_with_departure_is_the_routed_wait(
    tiny: Callable[[str], Network],
) -> None:
    """With a departure, the sailing wait follows the timetable exactly (no cancellations)."""
    net = tiny("ferry_only_link")
    when = "2025-03-04T08:00"
    it = pareto_routes(net, "W", "E", departure=when).fastest
    r = simulate_itinerary(net, it, n=50_000, seed=3, departure=when, parameters=QUIET)
    # the only randomness after the sailing is the dwell LN(10 h): median = routed time
    _share_ok(r.samples_days, it.days, 0.5)


def test_same_seed_same_samples_and_seed_matters(bundled: Network) -> None:
    it = route(bundled, "Xi'an", "Istanbul", objective="days")
    a = simulate_itinerary(bundled, it, n=5_000, seed=42)
    b = simulate_itinerary(bundled, it, n=5_000, seed=np.random.default_rng(42))
    c = simulate_itinerary(bundled, it, n=5_000, seed=43)
    np.testing.assert_array_equal(a.samples_days, b.samples_days)
    assert not np.array_equal(a.samples_days, c.samples_days)


def test_percentiles_deadline_and_histogram(bundled: Network, tmp_path: Path) -> None:
    it = route(bundled, "Xi'an", "Duisburg", objective="days")
    r = simulate_itinerary(
        bundled, it, n=20_000, seed=1, deadline_days=it.days + 2, departure="2025-01-15"
    )
    assert r.p50_days <= r.p90_days <= r.p95_days
    assert r.prob_by_deadline == pytest.approx(r.prob_within(it.days + 2))
    assert 0 < r.prob_by_deadline < 1
    assert r.to_dict()["n"] == 20_000
    out = r.plot_histogram(tmp_path / "h.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
    svg = r.plot_histogram(tmp_path / "h.svg")
    assert svg.read_text().lstrip().startswith("<?xml")


def test_caspian_winter_is_less_reliable_than_summer(bundled: Network) -> None:
    opts = pareto_routes(bundled, "Aktau", "Baku")
    it = next(o for o in opts.options if any("ferry" in s["link_class"] for s in o.steps))
    jan = simulate_itinerary(bundled, it, n=20_000, seed=5, departure="2025-01-10")
    jul = simulate_itinerary(bundled, it, n=20_000, seed=5, departure="2025-07-10")
    assert jan.mean_days > jul.mean_days


def test_events_merge_a_class_run_and_keep_dwells(bundled: Network) -> None:
    it = route(bundled, "Xi'an", "Duisburg", objective="days")
    ev = compile_events(it, load_reliability_parameters())
    runs = [lab for lab in ev.labels if lab.startswith("run ")]
    assert runs
    assert any(lab.startswith("dwell ") for lab in ev.labels)
    # consecutive runs of one class are merged
    assert all(a != b for a, b in itertools.pairwise(runs))


@pytest.mark.parametrize("bad", [{"n": 0}, {"deadline_days": -1.0}, {"departure": "soon"}])
def test_bad_arguments_are_rejected(bundled: Network, bad: dict[str, object]) -> None:
    it = route(bundled, "Almaty", "Aktau", objective="days")
    with pytest.raises(InvalidSpecError):
        simulate_itinerary(bundled, it, **bad)  # type: ignore[arg-type]


def test_reliability_csv_is_sourced() -> None:
    table = pd.read_csv(reliability_csv_path(), dtype=str, keep_default_na=False)
    known = set(pd.read_csv(bundled_network_path() / "sources.csv")["source_id"])
    for _, row in table.iterrows():
        assert row["source"] == "estimate" or row["source"] in known, row.to_dict()
        assert row["source"] != "estimate" or row["note"], row.to_dict()
        assert row["source"] == "estimate" or row["year"], row.to_dict()
    p = load_reliability_parameters()
    months = [
        p.values[("class:ferry_caspian", f"sailing_cancel_prob_{m}")]
        for m in (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        )
    ]
    assert months[0] == pytest.approx(10 / 31, abs=0.01)  # B19: 10 storm days in January
    assert p.get("ferry_caspian", "sailing_cancel_prob") == pytest.approx(np.mean(months), abs=0.01)
