"""Helpers for tests that need a service (PostgreSQL, Chromium)."""

from __future__ import annotations

import os

import pytest


def need(condition: bool, why: str) -> None:
    """Skip when a service is absent locally; fail under CI (``CI=true``)."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why} (required when CI=true; run scripts/services.sh)")
    pytest.skip(why)
