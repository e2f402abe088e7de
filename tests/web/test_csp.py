"""The map page works under its own Content-Security-Policy (nothing blocked, nothing external)."""

from __future__ import annotations

import time


def test_page_runs_under_its_csp(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1366, "height": 800})  # CSP enforced
    page = ctx.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    resp = page.goto(live_server + "/")
    assert resp is not None
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    markers = page.locator("path.leaflet-interactive")
    end = time.monotonic() + 30
    while markers.count() < 100 and time.monotonic() < end:
        time.sleep(0.2)
    assert markers.count() > 100  # the map drew its nodes: scripts and data loaded
    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == []
    ctx.close()
