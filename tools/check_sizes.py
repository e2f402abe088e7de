"""Check the size rule over ``src/corridors``: no module over 600 lines, no function over 80.

A module counts all its lines. A function counts from its ``def`` line to its last line, minus
the lines of its docstring (numba kernels included; a nested function counts inside its parent
and on its own). Measured with the ``ast`` module, so decorators and comments above ``def`` do
not count.

Usage::

    python tools/check_sizes.py [ROOT] [--max-module 600] [--max-function 80]

Prints one line per offender (``path:line: kind name: N lines (limit L)``) and exits 1 when
there is any, 0 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from ``def`` to its end, minus its docstring's lines."""
    total = (node.end_lineno or node.lineno) - node.lineno + 1
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        doc = body[0]
        total -= (doc.end_lineno or doc.lineno) - doc.lineno + 1
    return total


def offenders(
    root: Path, *, max_module: int = MAX_MODULE_LINES, max_function: int = MAX_FUNCTION_LINES
) -> Iterator[str]:
    """Every breach of the size rule under ``root``, one line each, in path order."""
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > max_module:
            yield f"{path}:1: module: {n} lines (limit {max_module})"
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = function_lines(node)
                if size > max_function:
                    yield (
                        f"{path}:{node.lineno}: function {node.name}: {size} lines "
                        f"(limit {max_function})"
                    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = Path(__file__).resolve().parents[1] / "src" / "corridors"
    parser.add_argument("root", nargs="?", type=Path, default=default_root)
    parser.add_argument("--max-module", type=int, default=MAX_MODULE_LINES)
    parser.add_argument("--max-function", type=int, default=MAX_FUNCTION_LINES)
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"{args.root}: no such folder; give the package folder to check.", file=sys.stderr)
        return 2
    found = list(offenders(args.root, max_module=args.max_module, max_function=args.max_function))
    for line in found:
        print(line)
    print(f"{len(found)} offender(s) of the size rule under {args.root}.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
