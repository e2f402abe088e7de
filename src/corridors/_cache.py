"""The user cache directory (compiled networks, numba's compiled kernels).

Never the source tree or site-packages: ``$CORRIDORS_CACHE_DIR`` when set, otherwise the
platform's user cache dir (``~/.cache/corridors`` on Linux, via platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["user_cache_dir"]


def user_cache_dir() -> Path:
    """Folder for corridors' caches (not created here)."""
    env = os.environ.get("CORRIDORS_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("corridors", appauthor=False)


def kernels_compiled(package: str, module: str, *functions: str) -> bool:
    """Whether numba's cache already holds these jitted functions of ``package/module.py``.

    Used only to say "compiling kernels (first run only)" before a first, slow call; a wrong
    answer costs a status line, never a result.
    """
    root = os.environ.get("NUMBA_CACHE_DIR")
    if not root:
        return True
    base = Path(root)
    return all(any(base.glob(f"{package}_*/{module}.{f}-*.nbi")) for f in functions)
