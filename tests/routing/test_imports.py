"""``import corridors.routing`` is light: names and sub-modules load on first use."""

from __future__ import annotations

import subprocess
import sys


def test_import_routing_loads_no_numba_and_names_resolve() -> None:
    code = (
        "import sys, corridors.routing as r\n"
        "heavy = ('numba', 'pandas', 'corridors.routing.search')\n"
        "light = not any(m in sys.modules for m in heavy)\n"
        "names = [r.RouteSpec.__name__, r.search.__name__, r.pareto_routes.__name__]\n"
        "print(light, *names)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["True", "RouteSpec", "corridors.routing.search", "pareto_routes"]
