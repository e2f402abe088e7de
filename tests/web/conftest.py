"""A live server on 127.0.0.1 (uvicorn in a thread) and headless system Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._services import need

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("CORRIDORS_TEST_ARTIFACTS", "test-artifacts")) / "web"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, bundled) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    from corridors.api import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}"
    app = create_app(database_url=url, network=bundled)
    app.state.corridors.store.create_scenario(
        "slow-borders",
        {
            "name": "slow-borders",
            "changes": [
                {
                    "op": "change_crossings",
                    "countries": ["KZ"],
                    "multiply": {"dwell_h": 3, "dwell_p90_h": 3},
                }
            ],
        },
        "Kazakh border dwell tripled",
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < end, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    need(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    # The tests drive the page with evaluated JavaScript, which the page's CSP forbids;
    # test_csp.py checks the page itself under its CSP.
    ctx = browser.new_context(viewport={"width": 1366, "height": 800}, bypass_csp=True)
    pg = ctx.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]

    def _watch(req) -> None:  # type: ignore[no-untyped-def]
        if not req.url.startswith(live_server) and not req.url.startswith("data:"):
            pg.external_requests.append(req.url)  # type: ignore[attr-defined]

    pg.on("request", _watch)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield pg
    ctx.close()
