"""Two people in two browsers co-edit one document in the real editor."""

from playwright.sync_api import expect

from tests.browser.pages import editor_text, user_name, wait_for_text, wait_until, wait_until_sent


def test_two_people_type_concurrently_and_converge(site, two_people):
    alice_page, bob_page, key = two_people()
    for _ in range(3):
        alice_page.keyboard.type("alice ", delay=15)
        bob_page.keyboard.type("bob ", delay=15)
    wait_until_sent(alice_page)
    wait_until_sent(bob_page)
    wait_for_text(alice_page, editor_text(bob_page))
    final = editor_text(alice_page)
    assert final == editor_text(bob_page)
    assert final.count("alice ") == 3 and final.count("bob ") == 3
    assert site.document(key)[0] == final


def test_a_remote_caret_shows_the_other_persons_name(site, two_people):
    alice_page, bob_page, key = two_people()
    alice = user_name(alice_page)
    alice_page.keyboard.type("hello")
    expect(bob_page.locator(".remote-caret-name", has_text=alice)).to_be_visible()
    expect(bob_page.locator("#present li", has_text=alice)).to_be_visible()
    alice_page.context.close()
    expect(bob_page.locator(".remote-caret-name", has_text=alice)).to_have_count(0)


def test_edits_made_offline_arrive_when_back(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.context.set_offline(True)
    alice_page.evaluate("window.collab.connection.socket.close()")
    alice_page.keyboard.type("written offline")
    expect(alice_page.locator("#connection-status")).to_contain_text("waiting")
    assert "written offline" not in editor_text(bob_page)
    alice_page.context.set_offline(False)
    alice_page.evaluate("window.collab.connection.socket.reconnect()")
    wait_for_text(bob_page, "written offline")
    expect(alice_page.locator("#connection-status")).to_have_text("connected")
    assert site.document(key)[0] == "written offline"


def test_emoji_land_in_the_right_place(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.keyboard.type("ab")
    alice_page.keyboard.press("ArrowLeft")
    alice_page.keyboard.type("😀🌍")
    alice_page.keyboard.press("End")
    alice_page.keyboard.type("c")
    wait_for_text(bob_page, "a😀🌍bc")
    assert site.document(key)[0] == "a😀🌍bc"


def test_a_viewer_cannot_change_the_text(site, two_people):
    alice_page, viewer_page, key = two_people(role="viewer")
    alice_page.keyboard.type("mine")
    expect(viewer_page.locator("#read-only-note")).to_be_visible()
    wait_for_text(viewer_page, "mine")
    viewer_page.keyboard.type("not allowed")
    assert editor_text(viewer_page) == "mine"
    assert site.document(key)[0] == "mine"


def test_ime_composition_sends_only_the_committed_text(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.keyboard.type("ab")
    wait_for_text(bob_page, "ab")
    ime = alice_page.context.new_cdp_session(alice_page)
    for partial in ("n", "に", "にほ", "にほん"):
        ime.send("Input.imeSetComposition", {"text": partial, "selectionStart": len(partial), "selectionEnd": len(partial)})
        alice_page.wait_for_timeout(100)
    assert editor_text(alice_page) == "abにほん"  # composing, shown locally
    assert editor_text(bob_page) == "ab"  # nothing half-composed went out
    assert not alice_page.evaluate("window.collab.doc.hasWritePending()")
    # Bob types while Alice composes: held back on her page until she commits, then merged.
    bob_page.keyboard.press("ControlOrMeta+Home")
    bob_page.keyboard.type("Z")
    wait_until(alice_page, "window.collab.doc.data", "Zab")
    ime.send("Input.insertText", {"text": "日本"})
    wait_for_text(bob_page, "Zab日本")
    wait_for_text(alice_page, "Zab日本")
    alice_page.keyboard.type("!")
    wait_for_text(bob_page, "Zab日本!")
    assert site.document(key)[0] == "Zab日本!"


def test_a_70000_character_paste_works(site, two_people):
    alice_page, bob_page, key = two_people()
    pasted = ("Lorem ipsum 😀 dolor sit amet, 中文 consectetur.\n" * 1500)[:70_000]
    alice_page.keyboard.insert_text(pasted)
    wait_until(bob_page, "window.collab.view.state.doc.length", len(pasted.encode("utf-16-le")) // 2, timeout=20)
    assert editor_text(bob_page) == pasted
    wait_until_sent(alice_page)
    assert site.document(key)[0] == pasted


def test_remote_edits_keep_the_local_caret_where_it_was(site, two_people):
    alice_page, bob_page, key = two_people()
    bob_page.keyboard.type("hello world")
    wait_for_text(alice_page, "hello world")
    for _ in range(len(" world")):
        bob_page.keyboard.press("ArrowLeft")
    alice_page.keyboard.press("ControlOrMeta+Home")
    alice_page.keyboard.type("😀 ")
    wait_for_text(bob_page, "😀 hello world")
    bob_page.keyboard.type(",")
    wait_for_text(alice_page, "😀 hello, world")
    assert site.document(key)[0] == "😀 hello, world"
