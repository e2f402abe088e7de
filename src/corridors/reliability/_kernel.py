"""The Monte Carlo kernel: one parallel numba loop over shipments, counter-based RNG.

An itinerary is compiled into a short list of *events*, each adding hours to a shipment's
clock:

``EV_CONST``      ``a`` hours.
``EV_SCALED``     ``a`` × F, F lognormal with mean 1 and log-sd ``b`` (running, handling).
``EV_LOGNORMAL``  median ``a``, log-sd ``b`` (border dwell from its P50/P90).
``EV_EXP``        exponential with mean ``a`` (a dwell whose median is 0 but P90 is not).
``EV_SAILING``    wait for a sailing: headway ``a`` hours, weekday mask ``c``, each sailing
                  cancelled with probability ``b``. Without a departure time the arrival is
                  uniform within the headway; with one, the next sailing follows the timetable
                  from the shipment's own clock.

Random numbers come from a SplitMix64 stream per shipment, seeded by ``hash(seed, i)``, so a
result depends on the seed only, never on the number of threads.
"""

from __future__ import annotations

import os

# numba's default threading layer here is OpenMP (libgomp), whose idle workers spin after
# each parallel loop: measured 0.12 s of CPU burnt per second of idle time between 20 calls
# (none with a passive policy). On a shared machine that steals colleagues' cores, so ask for
# sleeping workers unless the user chose otherwise (read when OpenMP starts, at the first
# parallel call).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
from numba import njit, prange

from corridors import _kernels
from corridors._jit import compiled

wait_hours = compiled(_kernels.wait_hours)

EV_CONST = 0
EV_SCALED = 1
EV_LOGNORMAL = 2
EV_EXP = 3
EV_SAILING = 4

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0
_TWO_PI = 2.0 * np.pi


@njit(inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always")
def _uniform(state: np.uint64) -> tuple[np.uint64, float]:
    """Next state and a uniform in (0, 1)."""
    state = state + _GAMMA
    z = _mix(state)
    return state, (float(z >> _S11) + 0.5) * _INV53


@njit(inline="always")
def _normal_pair(state: np.uint64) -> tuple[np.uint64, float, float]:
    """Box-Muller: two independent standard normals."""
    state, u1 = _uniform(state)
    state, u2 = _uniform(state)
    r = np.sqrt(-2.0 * np.log(u1))
    return state, r * np.cos(_TWO_PI * u2), r * np.sin(_TWO_PI * u2)


@njit(parallel=True, cache=True, fastmath=True, error_model="numpy")
def simulate_events(
    kind: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    n: int,
    seed: np.uint64,
    hour_of_week: float,
) -> np.ndarray:
    """Door-to-door hours of ``n`` shipments through the events (see module docstring)."""
    out = np.empty(n, dtype=np.float64)
    m = kind.shape[0]
    for i in prange(n):
        state = _mix(seed + np.uint64(i) * _GAMMA)
        t = 0.0
        spare = 0.0
        have = False
        for e in range(m):
            k = kind[e]
            if k == EV_CONST:
                t += a[e]
            elif k in (EV_SCALED, EV_LOGNORMAL):
                if have:
                    z = spare
                    have = False
                else:
                    state, z, spare = _normal_pair(state)
                    have = True
                # F = exp(b z - b²/2) has mean 1; exp(b z) has median 1
                t += a[e] * np.exp(b[e] * z - (0.5 * b[e] * b[e] if k == EV_SCALED else 0.0))
            elif k == EV_EXP:
                state, u = _uniform(state)
                t += -a[e] * np.log(u)
            else:  # EV_SAILING
                h = a[e]
                p = b[e]
                if hour_of_week < 0.0:
                    state, u = _uniform(state)
                    w = u * h
                    if p > 0.0:
                        state, u = _uniform(state)
                        w += h * np.floor(np.log(u) / np.log(p))
                else:
                    how = hour_of_week + t
                    w = wait_hours(h, c[e], how)
                    if p > 0.0:
                        for _ in range(10_000):
                            state, u = _uniform(state)
                            if u >= p:
                                break
                            w += 1e-3 + wait_hours(h, c[e], how + w + 1e-3)
                t += w
        out[i] = t
    return out
