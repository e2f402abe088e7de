"""CLI tests run ``main()`` in-process; the compiled-network cache goes to a temporary dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from corridors.cli import main


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("CORRIDORS_JIT", "1")  # see tests/conftest.py


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("route", "Xian", ...)`` → (exit code, stdout, stderr); asserts no traceback."""

    def _run(*argv: str | Path) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as done:
            main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in err + out
        return int(done.value.code or 0), out, err

    return _run
