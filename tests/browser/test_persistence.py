"""Edits not yet acknowledged outlive the page: sent once when the document is opened again,
even after the tab was closed while offline."""

import json
import re

from playwright.sync_api import expect

from tests.browser.pages import editor_text, open_editor, wait_for, wait_for_text, wait_until, wait_until_sent


def edits(site, key):
    """The document's edit operations in the log, as (src, seq)."""
    return [(src, seq) for _, kind, src, seq in site.operations(key) if kind == "edit"]


def go_offline(page):
    page.context.set_offline(True)
    page.evaluate("window.collab.connection.socket.reconnect()")  # the open socket does not notice by itself
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "offline")


def own_document(site, signed_in, user):
    """A signed-in page with a new document of its user's open in the editor; (page, key)."""
    page = signed_in(user())
    page.goto(site.base + "/")
    page.fill("input[name=title]", "Notes")
    page.click("form.new-document button")
    page.wait_for_url(re.compile(r"/d/[A-Za-z0-9]+/$"))
    key = page.url.rstrip("/").rsplit("/", 1)[1]
    page.wait_for_selector("body[data-ready=true]")
    return page, key


def reopen(page, site, key):
    """Close the page and open the document again in a new tab of the same browser."""
    context = page.context
    page.close()
    again = context.new_page()
    open_editor(again, site, key)
    return again


def test_edits_made_offline_are_sent_once_after_the_closed_tab_is_opened_again(site, signed_in, user):
    page, key = own_document(site, signed_in, user)
    page.locator(".cm-content").click()
    page.keyboard.type("online. ")
    wait_until_sent(page)
    before = edits(site, key)

    go_offline(page)
    page.keyboard.type("Written offline.")
    expect(page.locator("#connection-status")).to_contain_text("1 edit waiting")
    context = page.context
    page.close()
    context.set_offline(False)
    assert site.document(key)[0] == "online. "

    again = context.new_page()
    open_editor(again, site, key)
    wait_for_text(again, "online. Written offline.")
    expect(again.locator("#connection-status")).to_have_text("connected")
    assert site.document(key)[0] == "online. Written offline."
    after = edits(site, key)
    assert after[:len(before)] == before and len(after) == len(before) + 1
    # Opened once more, nothing is sent again.
    third = reopen(again, site, key)
    assert editor_text(third) == "online. Written offline."
    assert edits(site, key) == after


def drop_acknowledgements(page):
    """Route the page's WebSocket through the test, dropping the server's acks of the page's ops."""
    def route(ws):
        server = ws.connect_to_server()
        ws.on_message(server.send)

        def from_server(message):
            data = json.loads(message)
            if not (data.get("a") == "op" and "seq" in data and not {"op", "create", "del"} & data.keys()):
                ws.send(message)
        server.on_message(from_server)
    page.route_web_socket(re.compile(r"/ws/collab/"), route)


def test_an_edit_committed_but_never_acknowledged_is_applied_once_after_a_reload(site, signed_in, user):
    page, key = own_document(site, signed_in, user)
    context = page.context
    page.close()
    page = context.new_page()
    drop_acknowledgements(page)
    open_editor(page, site, key).click()
    page.keyboard.type("c")
    wait_for(page, lambda: site.document(key)[0] == "c", "the server to commit the edit")
    page.keyboard.type("ommitted, then more")  # queued behind the unacknowledged op
    expect(page.locator("#connection-status")).to_contain_text("2 edits waiting")

    again = reopen(page, site, key)
    wait_for_text(again, "committed, then more")
    wait_until(again, "document.getElementById('connection-status').textContent", "connected")
    assert site.document(key)[0] == "committed, then more"
    log = edits(site, key)
    assert len(log) == 2 and len(set(log)) == 2


def test_two_tabs_closed_offline_each_send_their_edits_once(site, signed_in, user):
    first, key = own_document(site, signed_in, user)
    first.locator(".cm-content").click()
    first.keyboard.type("[start]")
    wait_until_sent(first)
    second = first.context.new_page()
    open_editor(second, site, key).click()
    second.keyboard.press("Control+End")
    for page, text in ((first, " first tab"), (second, " second tab")):
        go_offline(page)
        page.keyboard.type(text)
    context = first.context
    first.close()
    second.close()
    context.set_offline(False)

    again = context.new_page()
    open_editor(again, site, key)
    wait_until(again, "window.collab.view.state.doc.length", len("[start] first tab second tab"))
    text = editor_text(again)
    assert text.startswith("[start]") and text.count(" first tab") == 1 and text.count(" second tab") == 1
    wait_until(again, "document.getElementById('connection-status').textContent", "connected")
    assert site.document(key)[0] == text
    log = edits(site, key)
    assert len(set(log)) == len(log)
