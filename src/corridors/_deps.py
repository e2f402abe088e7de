"""Optional-dependency checks that fail at call time with one sentence."""

from __future__ import annotations

import importlib
from types import ModuleType

from corridors.errors import MissingDependencyError, explain


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import an optional module or raise :class:`MissingDependencyError`.

    Parameters
    ----------
    module
        Importable module name, e.g. ``"dask.distributed"``.
    extra
        The corridors extra that installs it, e.g. ``"dask"``.
    purpose
        What the caller wanted to do, for the message.

    Returns
    -------
    types.ModuleType
        The imported module.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            explain(
                f"{purpose} needs the optional package '{module}', which is not installed.",
                fix=f"Install it with: pip install 'corridors[{extra}]'.",
            )
        ) from exc
