"""The appraisal panel in headless Chromium: shipped projects listed, a background job
submitted and polled, the decision figures shown as the API computed them. Screenshot in
test-artifacts/web/appraisal.png.

Runs like the other browser tests (Debian's /usr/bin/chromium, headless, ``--no-sandbox``;
flags in tests/web/conftest.py): ``pytest -m browser tests/web``.
"""

from __future__ import annotations

import json

import pytest

from corridors.appraisal import shipped_projects
from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECT = "customs-halved"
QUICK = {"modelled_years": [2026], "demand_range": None, "target_gap": 1e-4}
"""Narrowed on the way to the server (one modelled year, no demand sensitivity), so the real
appraisal runs in seconds; the page's own request is otherwise unchanged."""


def _fmt(x: float, digits: int = 0) -> str:
    """The page's number format (``toLocaleString("en-US")`` with fixed digits)."""
    return f"{x:,.{digits}f}"


def test_appraisal_panel_runs_a_shipped_project(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sent: list[dict[str, object]] = []

    def narrow(route, request) -> None:  # type: ignore[no-untyped-def]
        body = json.loads(request.post_data or "{}")
        sent.append(dict(body))
        route.continue_(post_data=json.dumps(body | QUICK))

    page.route("**/api/appraisals", narrow)
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_selector("#project option", state="attached", timeout=30_000)
    offered = page.eval_on_selector_all("#project option", "os => os.map(o => o.value)")
    assert set(offered) == set(shipped_projects())

    page.select_option("#project", PROJECT)
    page.click("#appraise-form button[type=submit]")
    page.wait_for_function(
        "/^(done$|error)/.test(document.querySelector('#appraise-status').textContent)",
        timeout=600_000,
    )
    status = page.locator("#appraise-status").inner_text()
    assert status == "done", status
    assert sent == [{"project": PROJECT, "switching_runs": 0}]

    # the figures shown are the job's result, formatted
    jobs = page.evaluate("fetch('/api/jobs?limit=5').then(r => r.json())")
    job = next(j for j in jobs if j["kind"] == "appraisal" and j["status"] == "done")
    result = page.evaluate(f"fetch('/api/jobs/{job['id']}/result').then(r => r.json())")
    s = result["summary"]
    shown = dict(
        zip(
            page.eval_on_selector_all("#appraise-result th", "ts => ts.map(t => t.textContent)"),
            page.eval_on_selector_all("#appraise-result td", "ts => ts.map(t => t.textContent)"),
            strict=True,
        )
    )
    assert shown["NPV"] == f"{_fmt(s['npv_usd_m'])} USD m"
    assert shown["BCR"] == ("–" if s["bcr"] is None else _fmt(s["bcr"], 2))
    assert shown["Costs (PV)"] == f"{_fmt(s['pv_costs_usd_m'])} USD m"
    caption = page.locator("#appraise-result caption").inner_text()
    assert result["project"]["name"] in caption and "%" in caption
    assert page.external_requests == []
    page.locator("#appraise-panel").screenshot(path=str(ARTIFACTS / "appraisal.png"))
