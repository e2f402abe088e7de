"""/docs and /redoc render in headless Chromium with every non-loopback request blocked,
and make no such request at all."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def _offline_page(browser):  # type: ignore[no-untyped-def]
    """A page that records every request and aborts any to a non-loopback host."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    seen: list[str] = []
    external: list[str] = []

    def handle(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        seen.append(url)
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK:
            route.continue_()
        else:
            external.append(url)
            route.abort()

    ctx.route("**/*", handle)
    page.on("request", lambda r: seen.append(r.url))
    return ctx, page, seen, external


def test_swagger_ui_offline(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page, seen, external = _offline_page(browser)
    try:
        page.goto(live_server + "/docs")
        page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/route" in p for p in paths)
        page.screenshot(path=str(ARTIFACTS / "docs-swagger.png"))
        hosts = {urlsplit(u).hostname for u in seen if urlsplit(u).scheme in ("http", "https")}
        assert hosts <= LOOPBACK, hosts
        assert external == []
        assert any(u.endswith("/openapi.json") for u in seen)
    finally:
        ctx.close()


def test_redoc_offline(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page, seen, external = _offline_page(browser)
    try:
        page.goto(live_server + "/redoc")
        heading = page.locator("h2", has_text="Pareto route options").first
        heading.wait_for(timeout=30_000)  # the operation's section rendered from the schema
        page.screenshot(path=str(ARTIFACTS / "docs-redoc.png"))
        hosts = {urlsplit(u).hostname for u in seen if urlsplit(u).scheme in ("http", "https")}
        assert hosts <= LOOPBACK, hosts
        assert external == []
        fonts = page.evaluate(
            "[...document.styleSheets].flatMap(s => { try { return [...s.cssRules] }"
            " catch (e) { return [] } }).filter(r => r instanceof CSSFontFaceRule)"
            ".map(r => r.cssText)"
        )
        assert not any("http" in f and "127.0.0.1" not in f for f in fonts), fonts
    finally:
        ctx.close()
