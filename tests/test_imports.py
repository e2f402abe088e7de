"""Importing corridors is light and silent; sub-modules resolve lazily as attributes."""

from __future__ import annotations

import subprocess
import sys

import corridors


def test_submodules_resolve_as_attributes() -> None:
    assert corridors.routing.pareto_routes is not None
    assert corridors.assignment.assign is not None
    assert corridors.Network is corridors.network.Network
    assert callable(corridors.load_network)
    assert {"routing", "Network", "scenarios"} <= set(dir(corridors))


def test_import_and_help_do_not_load_the_heavy_stack() -> None:
    code = (
        "import sys, corridors, corridors.cli\n"
        "heavy = [m for m in ('pandas', 'numba', 'scipy', 'matplotlib', 'pyarrow') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_numba_cache_is_in_the_user_cache_dir() -> None:
    import os
    from pathlib import Path

    cache = Path(os.environ["NUMBA_CACHE_DIR"])
    src = Path(corridors.__file__).parent
    assert src not in cache.parents and cache != src
