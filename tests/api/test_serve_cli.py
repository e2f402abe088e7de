"""``corridors serve`` options: a warning and a made-up token beyond loopback, read-only mode."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from corridors.cli import app


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from corridors.api import _serving

    seen: dict[str, Any] = {}
    monkeypatch.setattr(_serving, "serve", lambda **kw: seen.update(kw))
    return seen


def test_beyond_loopback_warns_and_requires_a_token(captured: dict[str, Any]) -> None:
    out = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert out.exit_code == 0, out.output
    assert "warning" in out.output and "0.0.0.0" in out.output
    token = captured["settings"].token
    assert token and len(token) >= 24 and token in out.output
    assert captured["settings"].allowed_hosts == ("*",)


def test_loopback_needs_no_token_and_checks_hosts(captured: dict[str, Any]) -> None:
    out = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert out.exit_code == 0, out.output
    s = captured["settings"]
    assert s.token is None and "warning" not in out.output
    assert "localhost" in s.allowed_hosts and "*" not in s.allowed_hosts
    assert captured["workers"] == 2


def test_read_only_and_explicit_token(captured: dict[str, Any]) -> None:
    out = CliRunner().invoke(
        app, ["serve", "--read-only", "--token", "abc", "--allow-host", "maps.example.org"]
    )
    assert out.exit_code == 0, out.output
    s = captured["settings"]
    assert s.read_only and s.token == "abc" and s.allowed_hosts == ("maps.example.org",)
