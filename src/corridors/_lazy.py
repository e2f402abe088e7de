"""Packages whose names load on first use (PEP 562), so importing them stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_names(
    package: str, where: Mapping[str, str], public: Iterable[str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's dotted name, e.g. ``"corridors.routing"``.
    where : Mapping[str, str]
        Public name → the sub-module (relative to ``package``) that defines it.
    public : Iterable[str]
        The package's ``__all__``.
    namespace : dict
        The package's ``globals()``: a loaded name is stored there, so it loads once.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``: a public name, or a sub-module such as
        ``corridors.routing.search``, is imported when first touched.

    Examples
    --------
    >>> ns: dict = {}
    >>> get, _ = lazy_names("corridors", {"explain": "errors"}, ["explain"], ns)
    >>> get("explain").__module__, "explain" in ns
    ('corridors.errors', True)
    """
    names = sorted(public)

    def getattr_(name: str) -> Any:
        module = where.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f"{package}.{module}"), name)
            namespace[name] = value
            return value
        if not name.startswith("__"):
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*namespace, *names})

    return getattr_, dir_
