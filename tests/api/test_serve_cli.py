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


def test_admission_budget_option(captured: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from corridors.api._serving import ADMISSION_BUDGET_S, MAX_ADMISSION_BUDGET_S

    monkeypatch.delenv("CORRIDORS_ADMISSION_BUDGET_S", raising=False)
    out = CliRunner().invoke(app, ["serve"])
    assert out.exit_code == 0 and captured["settings"].admission_budget_s is None
    out = CliRunner().invoke(app, ["serve", "--admission-budget", "0.2"])
    assert out.exit_code == 0, out.output
    assert captured["settings"].admission_budget_s == 0.2
    monkeypatch.setenv("CORRIDORS_ADMISSION_BUDGET_S", "0")  # the variable feeds the option
    out = CliRunner().invoke(app, ["serve"])
    assert out.exit_code == 0 and captured["settings"].admission_budget_s == 0.0
    monkeypatch.delenv("CORRIDORS_ADMISSION_BUDGET_S")
    for bad in ("-1", "nan", "inf", "61", "soon"):
        captured.clear()
        out = CliRunner().invoke(app, ["serve", "--admission-budget", bad])
        assert out.exit_code == 2, (bad, out.output)
        assert "--admission-budget" in out.output and "Traceback" not in out.output
        assert not captured  # the server never started
    help_text = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "--admission-budget" in help_text and "503" in help_text
    assert f"0 to {MAX_ADMISSION_BUDGET_S:g}" in help_text
    assert f"Default {ADMISSION_BUDGET_S:g}." in help_text


def test_prepare_app_applies_and_checks_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from corridors.api import _serving
    from corridors.errors import InvalidSpecError

    monkeypatch.setattr(_serving, "warm_up", lambda app: 0)
    monkeypatch.setattr(_serving.gc, "freeze", lambda: None)
    inner = object()
    wrapped = _serving.prepare_app(inner, budget_s=0.3)
    assert isinstance(wrapped, _serving.Admission) and wrapped.budget_s == 0.3
    assert _serving.prepare_app(inner, budget_s=0.0) is inner  # 0: no admission control
    monkeypatch.setenv(_serving.ADMISSION_ENV, "0.7")
    assert _serving.prepare_app(inner).budget_s == 0.7  # type: ignore[attr-defined]
    monkeypatch.setenv(_serving.ADMISSION_ENV, "lots")
    with pytest.raises(InvalidSpecError, match="CORRIDORS_ADMISSION_BUDGET_S"):
        _serving.prepare_app(inner)
    with pytest.raises(InvalidSpecError, match="from 0 to 60"):
        _serving.prepare_app(inner, budget_s=-0.1)
