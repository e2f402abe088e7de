"""The network package imports downward only: no cycle, and every module imports on its own.

The import graph counts every import a module makes of another ``corridors.network`` module:
at the top, inside functions and under ``TYPE_CHECKING`` alike (a cycle a type checker sees is
still a cycle of design). Lower layers read a network through the ``NetworkTables`` protocol.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import corridors.network

PACKAGE = "corridors.network"
FOLDER = Path(corridors.network.__file__).parent
MODULES = sorted(f"{PACKAGE}.{p.stem}" for p in FOLDER.glob("*.py") if p.stem != "__init__")


def _imports(module: str) -> set[str]:
    """``corridors.network`` modules that ``module`` imports anywhere in its source."""
    path = FOLDER / (module.rsplit(".", 1)[1] + ".py")
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith(PACKAGE + ".")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:  # from corridors.network import _schema / Network
                for a in node.names:
                    sub = f"{PACKAGE}.{a.name}"
                    out.add(sub if sub in MODULES else PACKAGE)
            elif node.module.startswith(PACKAGE + "."):
                out.add(node.module)
    return out - {module}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` (empty when there is none), by depth-first search."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(v: str) -> list[str]:
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return [*stack[stack.index(w) :], w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        stack.pop()
        return []

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return []


def test_import_graph_of_the_network_package_has_no_cycle() -> None:
    graph = {m: _imports(m) for m in MODULES}
    assert not _cycle(graph), " -> ".join(_cycle(graph))
    # the lower layers do not import the model (they take the NetworkTables protocol)
    for low in ("_arcs", "_capacity", "_csr", "_resolve", "costs", "report", "modes", "enums"):
        assert f"{PACKAGE}.model" not in graph[f"{PACKAGE}.{low}"], low
        assert PACKAGE not in graph[f"{PACKAGE}.{low}"], low  # nor the package front door


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    # One interpreter, the corridors modules dropped before each import: each network module
    # is imported first, so an import that only works after another module loaded would fail.
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for k in [k for k in sys.modules if k == 'corridors' or k.startswith('corridors.')]:\n"
        "        del sys.modules[k]\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
