"""Fast one-shot commands: interpreted routing kernel, pandas-free cached network, same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

QUERY = ["route", "Xi'an", "Istanbul", "--eps", "0", "--depart", "2026-12-01", "--json"]


def _cli(args: list[str], cache: Path, jit: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache))
    env.pop("CORRIDORS_JIT", None)
    if jit is not None:
        env["CORRIDORS_JIT"] = jit
    return subprocess.run(
        [sys.executable, "-m", "corridors", *args], capture_output=True, text=True, env=env
    )


@pytest.mark.slow
def test_interpreted_and_compiled_kernels_give_identical_options(tmp_path: Path) -> None:
    auto = _cli(["-v", *QUERY], tmp_path, None)  # first run: fills the network cache
    assert auto.returncode == 0, auto.stderr
    assert "routing kernel interpreted" in auto.stderr
    assert "compiling kernels" not in auto.stderr
    again = _cli(["-v", *QUERY], tmp_path, None)  # from the pandas-free cache
    compiled = _cli(QUERY, tmp_path, "1")
    assert compiled.returncode == 0, compiled.stderr
    assert json.loads(auto.stdout) == json.loads(again.stdout) == json.loads(compiled.stdout)
    assert len(json.loads(auto.stdout)["options"]) >= 5


def test_cached_route_imports_neither_pandas_nor_numba(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from corridors.cli import main\n"
        "try:\n"
        "    main(['route', 'Almaty', 'Baku', '--json'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('HEAVY', [m for m in ('pandas', 'numba', 'scipy') if m in sys.modules])\n"
    )
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(tmp_path))
    env.pop("CORRIDORS_JIT", None)
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert "HEAVY []" in second.stdout
