"""corridors: plan freight on the Eurasian overland corridors centred on Kazakhstan.

Modules are namespaces: ``corridors.network``, ``corridors.routing``, ``corridors.assignment``,
``corridors.scenarios``, ``corridors.reliability``, ``corridors.io``. Importing corridors runs
nothing and prints nothing; sub-modules (and ``Network``, ``load_network``) load on first use,
so ``import corridors`` and ``corridors --help`` stay fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Network", "__version__", "errors", "load_network", "network"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from corridors import errors, network
    from corridors.network import Network, load_network

_SUBMODULES = frozenset(
    {
        "api",
        "assignment",
        "cli",
        "errors",
        "io",
        "network",
        "reliability",
        "routing",
        "scenarios",
        "storage",
    }
)
_FROM_NETWORK = frozenset({"Network", "load_network"})


def _numba_cache_dir() -> None:
    """Point numba's on-disk cache at the user cache dir (never the source tree or site-packages).

    Must run before numba compiles anything; an explicit ``NUMBA_CACHE_DIR`` wins.
    """
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    from corridors._cache import user_cache_dir

    os.environ["NUMBA_CACHE_DIR"] = str(user_cache_dir() / "numba")
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba imported before corridors: its config is already read
        config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]  # type: ignore[attr-defined]


_numba_cache_dir()


def __getattr__(name: str) -> Any:
    """Load sub-modules and the two top-level names on first access (PEP 562)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"corridors.{name}")
    if name in _FROM_NETWORK:
        return getattr(importlib.import_module("corridors.network"), name)
    raise AttributeError(f"module 'corridors' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_FROM_NETWORK})
