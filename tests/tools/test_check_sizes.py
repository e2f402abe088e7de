"""The size-rule checker (tools/check_sizes.py) on small synthetic packages."""

from __future__ import annotations

import ast
import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_sizes.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_sizes", TOOL)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _function(body_lines: int, doc_lines: int) -> str:
    doc = ['    """Doc.'] + ["    more"] * (doc_lines - 2) + ['    """'] if doc_lines else []
    return "\n".join(["def f():", *doc, *["    x = 1"] * body_lines]) + "\n"


@pytest.mark.parametrize(("body", "doc"), [(5, 0), (5, 4), (79, 30)])
def test_function_lines_count_def_to_end_minus_docstring(
    tool: ModuleType, body: int, doc: int
) -> None:
    node = ast.parse(_function(body, doc)).body[0]
    assert tool.function_lines(node) == body + 1  # the def line and the body


def test_offenders_and_exit_code(tool: ModuleType, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "ok.py").write_text(_function(79, 40))  # 80 lines without its docstring: allowed
    assert tool.main([str(pkg)]) == 0
    (pkg / "long_function.py").write_text(_function(80, 0))  # 81 lines
    (pkg / "long_module.py").write_text("x = 1\n" * 601)
    nested = (
        textwrap.dedent(
            """
        class C:
            def method(self):
        """
        )
        + "\n".join(["        y = 2"] * 81)
        + "\n"
    )
    (pkg / "nested.py").write_text(nested)
    found = list(tool.offenders(pkg))
    assert any("long_function.py:1: function f: 81 lines" in f for f in found), found
    assert any("long_module.py:1: module: 601 lines" in f for f in found), found
    assert any("function method: 82 lines" in f for f in found), found
    assert not any("ok.py" in f for f in found)
    assert tool.main([str(pkg)]) == 1
    assert tool.main([str(tmp_path / "missing")]) == 2
