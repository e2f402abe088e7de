"""The web page's planner features in headless Chromium: shipped scenarios, tonnes of grain,
departure dates, the reliability histogram, select-link on flows drawn on link shapes, and a
Pareto chart whose labels do not overprint one another. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import pytest

from corridors.scenarios import shipped_scenarios
from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _open(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def _route(page, origin: str, destination: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.corridorsState.results = []")
    page.locator("#compare").evaluate("el => el.innerHTML = ''")
    page.locator("#origin").fill(origin)
    page.locator("#destination").fill(destination)
    page.click("#go")
    page.wait_for_selector("#compare button.opt", timeout=30_000)


def test_shipped_scenarios_are_offered(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, live_server)
    values = page.eval_on_selector_all("#scenario option", "os => os.map(o => o.value)")
    assert set(shipped_scenarios()) <= set(values)
    assert "slow-borders" in values  # the saved one too, in its own group
    groups = page.eval_on_selector_all("#scenario optgroup", "gs => gs.map(g => g.label)")
    assert groups == ["saved", "shipped with corridors"]
    page.select_option("#scenario", "caspian-x2")
    _route(page, "Almaty", "Baku")
    page.wait_for_selector("#compare .col[data-scenario='caspian-x2'] button.opt", timeout=30_000)
    assert page.locator("#compare .col").count() == 2
    assert page.external_requests == []


def test_grain_in_tonnes_and_departure_date(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, live_server)
    page.select_option("#cargo", "grain")
    assert page.locator("#quantity-unit").inner_text() == "tonnes"
    assert page.locator("#quantity").input_value() == "5000"
    _route(page, "Kostanay", "Oslo")
    res = page.evaluate("window.corridorsState.results[0]")
    assert res["unit"] == "t" and res["quantity"] == 5000 and res["cargo"] == "bulk"
    assert "5,000 t grain" in page.locator("#compare .consignment").inner_text()
    page.screenshot(path=str(ARTIFACTS / "grain.png"))

    page.select_option("#cargo", "container")
    assert page.locator("#quantity-unit").inner_text() == "TEU"
    days = {}
    for date in ("2026-12-01", "2026-12-03"):
        page.locator("#depart").fill(date)
        _route(page, "Almaty", "Baku")
        assert page.evaluate("window.corridorsState.query.get('depart')") == date
        assert f"departing {date}" in page.locator("#compare .consignment").inner_text()
        days[date] = page.evaluate(
            "Math.min(...window.corridorsState.results[0].options.map(o => o.days))"
        )
    # the Caspian ferries sail on set days: the departure date changes the door-to-door time
    assert days["2026-12-01"] != pytest.approx(days["2026-12-03"], abs=0.01)
    assert page.external_requests == []


def test_reliability_histogram_of_the_chosen_option(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, live_server)
    _route(page, "Almaty", "Istanbul")
    assert page.locator("#reliability-panel").is_hidden()
    page.locator("#compare button.opt").nth(1).click()
    page.wait_for_selector("#reliability rect.bar", timeout=60_000)
    rel = page.evaluate("window.corridorsState.reliability")
    assert rel["option"] == 2 and rel["n"] == 5000
    assert sum(rel["histogram"]["counts"]) == 5000
    assert page.locator("#reliability rect.bar").count() == len(rel["histogram"]["counts"])
    assert rel["p50_days"] <= rel["p90_days"]
    x50, x90 = (
        float(page.locator("#reliability line.mark").nth(i).get_attribute("x1")) for i in (0, 1)
    )
    assert x50 <= x90
    text = page.locator("#reliability-status").inner_text()
    assert f"P50 {rel['p50_days']:.1f} d" in text and f"P90 {rel['p90_days']:.1f} d" in text
    corridor = page.evaluate("window.corridorsState.results[0].options[1].corridor")
    assert corridor in page.locator("#reliability-title").inner_text()
    page.locator("#reliability-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "reliability.png"))
    assert page.external_requests == []


def test_pareto_labels_do_not_overprint(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, live_server)
    page.select_option("#cargo", "grain")
    _route(page, "Kostanay", "Oslo")  # six-figure costs: the longest y labels
    boxes = page.eval_on_selector_all(
        "#pareto text",
        "ts => ts.map(t => { const r = t.getBoundingClientRect();"
        " return [t.textContent, r.left, r.top, r.right, r.bottom] })",
    )
    assert len(boxes) == 6  # two axis titles, four tick values
    for i, (a, *ra) in enumerate(boxes):
        for b, *rb in boxes[i + 1 :]:
            apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
            assert apart, f"{a!r} overprints {b!r}"
    svg = page.locator("#pareto").bounding_box()
    for _, left, top, right, bottom in boxes:
        assert svg["x"] - 1 <= left and right <= svg["x"] + svg["width"] + 1
        assert svg["y"] - 1 <= top and bottom <= svg["y"] + svg["height"] + 1


def test_flows_on_link_shapes_and_select_link(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, live_server)
    page.select_option("#scenario", "base")
    page.click("#flows-btn")
    page.wait_for_selector("#bottlenecks li", timeout=180_000)
    # links with a drawn shape (link_geometry.geojson) are drawn on it, not as a chord
    npts = page.evaluate(
        """() => Object.entries(window.corridorsState.flowLayers)
             .filter(([id]) => id.startsWith('sea-shanghai-rotterdam-suez'))
             .map(([, l]) => l.getLatLngs().length)"""
    )
    assert npts and min(npts) > 2
    link = "rail-alashankou-dostyk"
    pt = page.evaluate(
        """(link) => { const s = window.corridorsState, m = window.corridorsMap;
             const l = s.flowLayers[link + ':f'] || s.flowLayers[link + ':r'];
             m.fitBounds(l.getBounds(), { maxZoom: 10, animate: false });
             const ll = l.getLatLngs(); const a = ll[0], b = ll[ll.length - 1];
             const p = m.latLngToContainerPoint([(a.lat + b.lat) / 2, (a.lng + b.lng) / 2]);
             const box = m.getContainer().getBoundingClientRect();
             return [box.left + p.x, box.top + p.y]; }""",
        link,
    )
    page.mouse.click(pt[0], pt[1])  # a real click on the crossing's line
    page.wait_for_selector("#select-link ol.od-pairs li", timeout=30_000)
    shown = page.evaluate("window.corridorsState.selectLink")
    assert shown["link_id"] == link and shown["total_pairs"] >= len(shown["pairs"]) > 0
    items = page.locator("#select-link ol.od-pairs li")
    assert items.count() == len(shown["pairs"])
    first = shown["pairs"][0]
    assert items.first.inner_text().startswith(
        f"{first['origin_name']} → {first['destination_name']}"
    )
    assert f"{first['unit']}/year" in items.first.inner_text()
    # the bottleneck list offers the same from the keyboard
    top = page.locator(f"#bottlenecks button[data-link]:not([data-link='{link}'])").first
    page.evaluate("window.corridorsState.selectLink = null")
    top.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(id) => (window.corridorsState.selectLink || {}).link_id === id",
        arg=top.get_attribute("data-link"),
        timeout=30_000,
    )
    assert page.locator("#select-link ol.od-pairs li").count() >= 1
    page.locator("#select-link").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "select-link.png"))
    assert page.external_requests == []


def test_a_capped_search_shows_a_note(page, live_server: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import corridors.routing.search as search

    _open(page, live_server)
    _route(page, "Chongqing", "Hamburg")
    assert page.locator("#compare .search-note").count() == 0  # an uncapped search: no note
    monkeypatch.setattr(search, "MAX_LABELS", 20)  # the live server runs in this process
    _route(page, "Chengdu", "Hamburg")
    res = page.evaluate("window.corridorsState.results[0]")
    assert res["search"]["capped"] is True and res["search"]["max_labels"] == 20
    text = page.locator("#compare .search-note").inner_text()
    assert text.startswith("Search capped at 20 labels") and "partial routes dropped" in text
    assert page.locator("#compare button.opt").count() >= 1  # the routes it found are shown
    assert page.external_requests == []
