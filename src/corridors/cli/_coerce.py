"""Convert plain option values (str, int, float, bool, Path, list[str]) without pydantic.

typer 0.2x converts every parameter through a pydantic ``TypeAdapter``: importing pydantic
and building the adapters costs ~0.13 s CPU on every call, usage errors included (the
``--verbose`` count alone triggers it). :func:`install` gives typer a plain-Python converter
for the simple types corridors uses, with the same checks (numbers, ``min``/``max``) and
messages of the same form; anything else (enums, dates, files, path checks, parsers) still
goes to typer's own converter. Older typer versions (no pydantic layer), and any typer whose
private hook is missing or shaped differently, are left alone: typer's converter then gives the
same errors, only slower (``tests/cli/test_coerce.py`` checks both paths). ``pyproject.toml``
pins typer to the range this was tested with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

__all__ = ["install"]

_LEAVES: dict[Any, str] = {str: "str", int: "int", float: "float", bool: "bool", Path: "path"}
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def _leaf(annotation: Any, info: Any) -> str | None:
    """The simple kind of ``annotation`` (``None``: leave it to typer)."""
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    kind = _LEAVES.get(annotation)
    if kind == "path":
        plain = (
            not getattr(info, "exists", False)
            and getattr(info, "file_okay", True)
            and getattr(info, "dir_okay", True)
            and not getattr(info, "writable", False)
            and not getattr(info, "resolve_path", False)
            and not getattr(info, "allow_dash", False)
            and getattr(info, "path_type", None) is None
        )
        return kind if plain else None
    if kind in ("int", "float") and getattr(info, "clamp", False):
        return None
    return kind


def _convert(kind: str, value: Any, info: Any) -> Any:
    """One value of ``kind``; ``ValueError`` with the message for the user."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if kind == "str":
        return str(value)
    if kind == "path":
        return value if isinstance(value, Path) else Path(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError("Input should be a valid boolean, unable to interpret input")
    return _number(kind, value, info)


def _number(kind: str, value: Any, info: Any) -> int | float:
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise ValueError(
                    "Input should be a valid integer, unable to parse string as an integer"
                ) from None
    elif not isinstance(value, float):
        try:
            value = float(str(value).strip()) if not isinstance(value, int) else float(value)
        except ValueError:
            raise ValueError(
                "Input should be a valid number, unable to parse string as a number"
            ) from None
    lo, hi = getattr(info, "min", None), getattr(info, "max", None)
    if lo is not None and value < lo:
        raise ValueError(f"Input should be greater than or equal to {lo}")
    if hi is not None and value > hi:
        raise ValueError(f"Input should be less than or equal to {hi}")
    return value  # type: ignore[no-any-return]


def install() -> None:
    """Route typer's conversion of simple parameters through :func:`_convert` (idempotent)."""
    try:
        from typer import _coercion, core
        from typer._click.exceptions import BadParameter
    except ImportError:  # older typer: converts through click, no pydantic
        return
    original: Any = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None or getattr(original, "corridors_plain", False):
        return
    if not callable(getattr(base, "_coerce_value", None)):  # another layout: leave typer alone
        return

    @dataclass(frozen=True)
    class Plain(base):  # type: ignore[misc,valid-type]
        kind: str = "str"
        many: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    items = value if isinstance(value, list | tuple) else [value]
                    return [_convert(self.kind, v, self.parameter_info) for v in items]
                return _convert(self.kind, value, self.parameter_info)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    def build(descriptor: Any) -> Any:
        ann, info = descriptor.annotation, descriptor.parameter_info
        many = get_origin(ann) is list
        args = get_args(ann) if many else ()
        kind = None
        if descriptor.file_annotation is None and (not many or len(args) == 1):
            kind = _leaf(args[0] if many else ann, info)
        if kind is None:
            return original(descriptor)
        try:
            return Plain(parameter_info=info, annotation=ann, kind=kind, many=many)
        except TypeError:  # RuntimeParam's fields changed: typer's own converter
            return original(descriptor)

    build.corridors_plain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build  # type: ignore[attr-defined]
