"""Debian's headless Chromium, driven by Playwright, against one dev stack for the whole folder.

The browser is /usr/bin/chromium from the distribution (scripts/install-browser.sh installs it);
Playwright's own browser downloads are never used. One stack serves every test here: a stack
is process-wide, so it is package-scoped and stopped before tests/devstack starts its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from chalicelib.devstack.stack import DevStack

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# The pictures the docs show; the tests that take them keep them current.
DOC_SCREENSHOTS = REPO / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Every wait is bounded: long enough for a slow CI machine, never a fixed sleep.
WAIT_MS = 10_000

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    home = tmp_path_factory.mktemp("browser-stack")
    with DevStack(port=0, outbox=home / "outbox", state_dir=home / "state") as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (as root) first")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab (own session storage) in UTC and US English, so dates read the same anywhere.

    An uncaught error in the page's scripts fails the test that caused it.
    """
    context = browser.new_context(viewport=DESKTOP, timezone_id="UTC", locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"the page's scripts threw: {errors}"


@pytest.fixture
def page_in_timezone(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """Makes a fresh browser (own context: own local and session storage) whose clock is in
    the IANA zone given, otherwise like `page`. Each call is a new browser; a second tab of
    the same one is `page.context.new_page()`. An uncaught page error fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make(timezone_id: str) -> Page:
        context = browser.new_context(viewport=DESKTOP, timezone_id=timezone_id, locale="en-US")
        context.set_default_timeout(WAIT_MS)
        context.on("page", lambda tab: tab.on("pageerror", lambda error: errors.append(str(error))))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"the page's scripts threw: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go; CI keeps the folder as an artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def doc_screenshots() -> Path:
    """Where the screenshots the documentation shows go (docs/screenshots)."""
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return DOC_SCREENSHOTS
