"""The server's word on rights: an edit refused is undone and the page stays equal to the
database; a lost right to edit makes the editor read-only and says so, and back; a lost
right to view says the document is gone."""

import json
import re

from playwright.sync_api import expect

from tests.browser.pages import (
    editor_text,
    new_shared_document,
    open_editor,
    remove_person,
    set_role,
    user_name,
    wait_for,
    wait_for_text,
    wait_until_sent,
)


def hold_rights_messages(page):
    """Route the page's WebSocket through the test, keeping back the server's `rights` messages
    until release() is called. Returns (held messages, release)."""
    held, route_state = [], {"holding": True, "socket": None}

    def route(ws):
        server = ws.connect_to_server()
        route_state["socket"] = ws
        ws.on_message(server.send)

        def from_server(message):
            if route_state["holding"] and json.loads(message).get("a") == "rights":
                held.append(message)
            else:
                ws.send(message)
        server.on_message(from_server)

    def release():
        route_state["holding"] = False
        for message in held:
            route_state["socket"].send(message)

    page.route_web_socket(re.compile(r"/ws/collab/"), route)
    return held, release


def test_a_role_lowered_to_viewer_undoes_the_edits_refused_then_makes_the_editor_read_only(site, signed_in, user):
    alice, bob = user(), user()
    alice_page, bob_page = signed_in(alice), signed_in(bob)
    key = new_shared_document(site, alice_page, bob, "editor")
    held, release = hold_rights_messages(bob_page)
    open_editor(bob_page, site, key).click()
    bob_page.keyboard.type("Bob was here")
    wait_until_sent(bob_page)

    set_role(alice_page, site, key, bob, "viewer")
    wait_for(bob_page, lambda: held, "the server to say Bob's rights changed")

    # Not told yet, Bob deletes and types: the server refuses both, the page undoes them.
    bob_page.keyboard.press("End")
    bob_page.keyboard.press("Backspace")
    bob_page.keyboard.type("!!")
    wait_until_sent(bob_page)
    wait_for_text(bob_page, "Bob was here")
    assert site.document(key)[0] == "Bob was here"
    expect(bob_page.locator("#editor-message")).to_contain_text("undone")

    release()
    note = bob_page.locator("#read-only-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("no longer edit")
    expect(bob_page.locator(".cm-content")).to_have_attribute("contenteditable", "false")
    bob_page.locator(".cm-content").click()
    bob_page.keyboard.press("Backspace")
    bob_page.keyboard.type("more")
    assert editor_text(bob_page) == "Bob was here" == site.document(key)[0]

    # Made an editor again: editable, the note gone, and his typing arrives.
    set_role(alice_page, site, key, bob, "editor")
    expect(bob_page.locator(".cm-content")).to_have_attribute("contenteditable", "true")
    expect(note).to_be_hidden()
    bob_page.locator(".cm-content").click()
    bob_page.keyboard.press("Control+End")
    bob_page.keyboard.type(" again")
    wait_until_sent(bob_page)
    assert site.document(key)[0] == "Bob was here again"


def test_a_reader_who_loses_access_is_told_the_document_is_no_longer_available(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.keyboard.type("secret plans")
    wait_for_text(bob_page, "secret plans")
    remove_person(alice_page, site, key, user_name(bob_page))
    note = bob_page.locator("#read-only-note")
    expect(note).to_contain_text("no longer available")
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "refused")
    expect(bob_page.locator(".cm-content")).to_have_attribute("contenteditable", "false")
    # Nothing more reaches Bob.
    alice_page.keyboard.type(", revised")
    wait_until_sent(alice_page)
    assert site.document(key)[0] == "secret plans, revised"
    assert editor_text(bob_page) == "secret plans"
