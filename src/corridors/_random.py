"""One helper that turns every accepted ``seed`` into a NumPy Generator."""

from __future__ import annotations

import numpy as np

Seed = int | np.random.Generator | None


def rng_from_seed(seed: Seed) -> np.random.Generator:
    """Normalise a seed.

    Parameters
    ----------
    seed
        ``None`` (fresh entropy), an ``int`` or an existing ``numpy.random.Generator``
        (returned as is).

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, int | np.integer):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, not {type(seed).__name__}")
