"""The documentation site builds with ``mkdocs build --strict`` and loads nothing from the web;
its generated pages list every CLI command and scenario operation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL_ASSET = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_pages_built(site: Path) -> None:
    for page in (
        "index", "getting-started", "data-model", "scenario-format", "sweep-format", "cli",
        "python-api", "exports", "web-api", "examples", "benchmarks",
    ):  # fmt: skip
        assert (site / f"{page}.html").is_file(), page


def test_no_external_assets(site: Path) -> None:
    for f in list(site.rglob("*.html")) + list(site.rglob("*.css")):
        text = f.read_text(encoding="utf-8", errors="replace")
        assert not EXTERNAL_ASSET.search(text), (f, EXTERNAL_ASSET.search(text))
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), f
        assert "@import url(http" not in text, f


def test_generated_reference_pages_are_complete(site: Path) -> None:
    import typer

    from corridors.cli import app
    from corridors.scenarios import OPS

    def names(cmd, path):  # type: ignore[no-untyped-def]
        if hasattr(cmd, "commands"):
            for n, c in cmd.commands.items():
                yield from names(c, [*path, n])
        else:
            yield " ".join(path)

    cli = (site / "cli.html").read_text(encoding="utf-8")
    for name in names(typer.main.get_command(app), ["corridors"]):
        assert f"<code>{name}</code>" in cli, name
    ops = (site / "scenario-format.html").read_text(encoding="utf-8")
    for op in OPS:
        assert f"<code>{op}</code>" in ops, op
    api = (site / "python-api.html").read_text(encoding="utf-8")
    assert "def corridors.routing.pareto_routes(" in api
    bench = (site / "benchmarks.html").read_text(encoding="utf-8")
    assert "routing.md" in bench and "Load average" in bench
