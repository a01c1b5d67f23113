"""Playwright driving Debian's Chromium (headless) against the live site."""

from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.browser.pages import new_shared_document, open_editor

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Without these, Chromium keeps calling hosts this machine cannot reach.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


# Module scope: Playwright's sync API keeps an event loop running while it is open,
# and the asyncio tests that follow need the thread's loop free.
@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def signed_in(request, chromium, site):
    """A page signed in as the named user, in a browser context of its own."""
    pages, page_errors = [], []

    def open_page(username):
        context = chromium.new_context(viewport={"width": 1100, "height": 700})
        # An uncaught exception in any of its pages fails the test.
        context.on("weberror", lambda error: page_errors.append(f"{username}: {error.error}"))
        cookies = SimpleCookie(site.login(username).replace("; ", ";"))
        context.add_cookies([{"name": name, "value": morsel.value, "url": site.base} for name, morsel in cookies.items()])
        context.set_default_timeout(10_000)
        page = context.new_page()
        pages.append((username, page))
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, (username, page) in enumerate(pages):
            # Every tab still open in that person's browser: tests open and close some.
            for number, tab in enumerate(page.context.pages):
                tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}-{username}-{number}.png"))
    for _, page in pages:
        page.context.close()
    assert not page_errors, page_errors


@pytest.fixture
def two_people(site, signed_in, user):
    """(Alice's page, Bob's page, key): her new document open in both browsers, both editors focused."""
    def open_both(role="editor"):
        alice, bob = user(), user()
        alice_page, bob_page = signed_in(alice), signed_in(bob)
        key = new_shared_document(site, alice_page, bob, role)
        open_editor(alice_page, site, key).click()
        open_editor(bob_page, site, key).click()
        return alice_page, bob_page, key
    return open_both
