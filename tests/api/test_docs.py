"""The API docs pages are served offline: every asset they name comes from this server."""

from __future__ import annotations

import re

import pytest

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_name_only_local_assets(sqlite_client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = sqlite_client.get(path)
    assert r.status_code == 200
    html = r.text
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html)
    assert len(assets) >= (3 if path == "/docs" else 2)  # js (+ css) + favicon
    for a in assets:
        got = sqlite_client.get(a)
        assert got.status_code == 200, a
        assert len(got.content) > 500, a
    assert "/openapi.json" in html


def test_swagger_ui_has_no_online_validator(sqlite_client) -> None:  # type: ignore[no-untyped-def]
    html = sqlite_client.get("/docs").text
    assert '"validatorUrl": null' in html


def test_vendored_licences_ship(sqlite_client) -> None:  # type: ignore[no-untyped-def]
    for lic, words in (
        ("swagger-ui/LICENSE", "apache license"),
        ("swagger-ui/NOTICE", "smartbear"),
        ("redoc/LICENSE", "mit license"),
    ):
        r = sqlite_client.get(f"/static/vendor/{lic}")
        assert r.status_code == 200, lic
        assert words in r.text.lower(), lic
