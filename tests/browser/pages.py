"""What the browser tests do with pages of the live site: open the editor, read it, wait on it, share a document."""

import re
import time

from playwright.sync_api import expect


def open_editor(page, site, key):
    page.goto(f"{site.base}/d/{key}/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    return page.locator(".cm-content")


def editor_text(page):
    return page.evaluate("window.collab.view.state.doc.toString()")


def wait_until(page, expression, expected, timeout=10):
    """Poll from here: wait_for_function would need eval, which the page's CSP forbids."""
    deadline = time.monotonic() + timeout
    while (value := page.evaluate(expression)) != expected:
        assert time.monotonic() < deadline, f"{expression} is {value!r}, not {expected!r}"
        page.wait_for_timeout(50)


def wait_for(page, check, what, timeout=10):
    """Poll a condition of the test's own, letting Playwright deliver the page's events meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(50)


def user_name(page):
    return page.evaluate("JSON.parse(document.getElementById('editor-config').textContent).userName")


def wait_for_text(page, expected):
    wait_until(page, "window.collab.view.state.doc.toString()", expected)


def wait_until_sent(page):
    wait_until(page, "window.collab.doc.hasWritePending()", False)


def new_shared_document(site, page, other, role="editor"):
    """Create a document from the list page and give `other` a role on it; its key."""
    page.goto(site.base + "/")
    page.fill("input[name=title]", "Shared notes")
    page.click("form.new-document button")
    page.wait_for_url(re.compile(r"/d/[A-Za-z0-9]+/$"))
    key = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{site.base}/d/{key}/share/")
    page.fill("input[name=person]", other)
    page.select_option("select[name=role]", role)
    page.click("text=Add person")
    expect(page.locator("li", has_text=other)).to_be_visible()
    return key


def share_page(owner_page, site, key):
    """The owner's sharing page for `key`, in a new tab of the owner's browser (their editor stays open)."""
    page = owner_page.context.new_page()
    page.goto(f"{site.base}/d/{key}/share/")
    return page


def set_role(owner_page, site, key, username, role):
    """Give `username` a role on `key`, as its owner does on the sharing page."""
    page = share_page(owner_page, site, key)
    page.fill("input[name=person]", username)
    page.select_option("select[name=role]", role)
    page.click("text=Add person")
    expect(page.locator("li", has_text=username)).to_contain_text(role.capitalize())
    page.close()


def remove_person(owner_page, site, key, username):
    page = share_page(owner_page, site, key)
    page.locator("li", has_text=username).get_by_role("button", name="Remove").click()
    expect(page.locator("li", has_text=username)).to_have_count(0)
    page.close()
