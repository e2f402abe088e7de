"""``njit`` that can leave chosen kernel modules interpreted (plain Python, no numba import).

A one-shot command on a small network answers faster with the kernel's own Python code
(~10-20 ms for a Pareto query on the bundled network) than by importing numba and loading
compiled kernels (~0.5 s CPU), let alone compiling them on a first run (~6 s CPU). The code is
the same function either way, so results are identical (tested). Library users and long jobs
keep compiled kernels: nothing is interpreted unless :func:`interpret` names the module before
it is imported, or ``CORRIDORS_JIT=0`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, overload

__all__ = ["compiled", "interpret", "interpreted", "njit"]

_INTERPRETED: set[str] = set()
_PLAIN: dict[Callable[..., Any], dict[str, Any]] = {}  # interpreted kernel -> its njit options
_TWINS: dict[Callable[..., Any], Any] = {}  # interpreted kernel -> compiled twin
_WITH = {
    "corridors._kernels": "corridors.routing._kernels",
    "corridors.routing._pareto": "corridors.routing._kernels",
}
"""Modules interpreted whenever another is: the shared kernels the routing kernel calls."""
F = TypeVar("F", bound=Callable[..., Any])


def interpret(*modules: str) -> None:
    """Run the kernels of these modules (e.g. ``"corridors.routing._kernels"``) as plain Python.

    Takes effect only for modules not imported yet.
    """
    _INTERPRETED.update(modules)


def interpreted(module: str) -> bool:
    """Whether kernels defined in ``module`` run as plain Python."""
    return (
        module in _INTERPRETED
        or _WITH.get(module, "") in _INTERPRETED
        or os.environ.get("CORRIDORS_JIT", "") == "0"
    )


def compiled(fn: F) -> F:
    """``fn`` as a numba dispatcher, even when its module runs interpreted.

    For compiled kernels that call a shared kernel (numba cannot call plain Python): the
    identity when ``fn`` is compiled already; else ``fn``'s code compiled with the options
    it was declared with, the interpreted kernels it calls swapped for compiled twins.
    """
    opts = _PLAIN.get(fn)
    if opts is None:
        return fn
    twin = _TWINS.get(fn)
    if twin is None:
        import types

        import numba

        env = dict(fn.__globals__)
        for name in fn.__code__.co_names:  # the globals it calls (no mutual recursion here)
            value = env.get(name)
            if isinstance(value, types.FunctionType) and value is not fn and value in _PLAIN:
                env[name] = compiled(value)
        clone = types.FunctionType(fn.__code__, env, fn.__name__, fn.__defaults__)
        clone.__kwdefaults__ = fn.__kwdefaults__
        twin = _TWINS[fn] = numba.njit(**{k: v for k, v in opts.items() if k != "cache"})(clone)
    return twin  # type: ignore[no-any-return]


@overload
def njit(fn: F, /) -> F: ...
@overload
def njit(**kwargs: Any) -> Callable[[F], F]: ...
def njit(*args: Any, **kwargs: Any) -> Any:
    """Like :func:`numba.njit` (bare or with options), or the function itself when interpreted.

    An interpreted function gets ``py_func`` pointing to itself, as numba's dispatchers have.
    """

    def decorate(fn: Callable[..., Any]) -> Any:
        if interpreted(fn.__module__):
            fn.py_func = fn  # type: ignore[attr-defined]
            _PLAIN[fn] = kwargs
            return fn
        import numba

        return numba.njit(**kwargs)(fn)

    if len(args) == 1 and callable(args[0]) and not kwargs:
        return decorate(args[0])
    if args:
        raise TypeError("corridors._jit.njit takes keyword options only (no signatures)")
    return decorate
