"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser builds cannot be downloaded here (never run ``playwright install``); the tests
use ``/usr/bin/chromium`` from Debian and are skipped when it is not installed.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Short enough that a missing element fails the test quickly, long enough for a slow CI machine.
TIMEOUT_MS = 10_000


# Package scope rather than session: one browser for all the browser tests, closed (and its event loop
# with it) before the rest of the suite runs.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (as root: apt-get install chromium)")
    # Playwright's sync API keeps an asyncio event loop running on the test thread while the browser is
    # open, and Django then refuses every ORM call from that thread (fixtures, the flush after each
    # test). Allowed only while that loop runs: the variable must not reach other tests' subprocesses,
    # and `check --deploy` rejects it.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # launch() gives the browser a fresh temporary profile (--user-data-dir) and removes it on close;
        # it refuses a --user-data-dir of our own.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page in its own context (no cookies from other tests).

    Fails the test on a JavaScript error or a console error, which is also how a stylesheet or script
    that did not load shows up.
    """
    # Dutch is the site's source language; Chromium would otherwise send its own en-US Accept-Language.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []

    def console(message):
        source = message.location.get("url", "")
        # Browsers ask for /favicon.ico on their own; the site has none, which no visitor notices.
        if message.type == "error" and not source.endswith("/favicon.ico"):
            errors.append(f"on {page.url}: {message.text} ({source})")

    page.on("pageerror", lambda error: errors.append(f"on {page.url}: {error}"))
    page.on("console", console)
    yield page
    context.close()
    if errors:
        pytest.fail("errors in the browser:\n" + "\n".join(errors))


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's base URL, with the Leiden demo data (and so its search index) in its database."""
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url
