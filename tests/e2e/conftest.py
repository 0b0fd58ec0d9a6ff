"""End-to-end fixtures: the app on waitress in a background thread, and Debian's Chromium via Playwright.

The live server uses the same test database as the rest of the suite (the
`app` fixture empties it afterwards). Chromium is the system one: Playwright
cannot download browsers here. Without it the tests skip, unless
REVIEWQ_REQUIRE_E2E=1 makes that a failure (CI).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(os.environ.get("REVIEWQ_E2E_SHOTS", "/tmp/reviewq-e2e"))


def _need_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("REVIEWQ_REQUIRE_E2E") == "1":
            pytest.fail(f"end-to-end tests required but {reason}")
        pytest.skip(reason)


@pytest.fixture
def live_server(app, session):
    """Base URL of the app served by waitress on a free port for this test."""
    from waitress.server import create_server
    server = create_server(app, host="127.0.0.1", port=0, threads=4, clear_untrusted_proxy_headers=True)
    thread = threading.Thread(target=server.run, name="reviewq-live-server", daemon=True)
    thread.start()
    # The test's own session must not hold SQLite's write lock while the server works.
    session.commit()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def new_page(browser):
    """new_page(**context_options) -> a Page in a fresh context (own cookies)."""
    contexts = []

    def _new(**options):
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(30000)  # generous: CI shares two cores
        contexts.append(ctx)
        return ctx.new_page()
    yield _new
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
