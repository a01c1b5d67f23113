"""Others' carets: their names readable where they are, and nobody shown as here while the
server cannot be reached."""

from playwright.sync_api import expect

from tests.browser.pages import user_name, wait_for, wait_for_text


def boxes(page):
    """The remote caret's, its name tag's and the scroller's boxes, measured at one moment:
    every move of the caret makes new elements."""
    return page.evaluate("""() => {
        const caret = document.querySelector('.remote-caret');
        const box = (element) => element.getBoundingClientRect().toJSON();
        return {caret: box(caret), tag: box(caret.querySelector('.remote-caret-name')),
                scroller: box(document.querySelector('.cm-scroller'))};
    }""")


def box_within(inner, outer):
    return (inner["x"] >= outer["x"] and inner["y"] >= outer["y"]
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


def test_a_name_tag_on_the_first_line_is_fully_visible(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.keyboard.type("hello")
    tag = bob_page.locator(".remote-caret-name", has_text=user_name(alice_page))
    expect(tag).to_be_visible()
    bob_page.locator(".remote-caret").hover()  # shown however long the measuring takes
    expect(tag).to_be_visible()
    measured = boxes(bob_page)
    assert box_within(measured["tag"], measured["scroller"]), measured
    # Not over the text it names either: on the first line the tag hangs below the caret.
    assert measured["tag"]["y"] >= measured["caret"]["y"] + measured["caret"]["height"] - 1, measured


def test_a_name_tag_fades_so_it_does_not_keep_hiding_the_line_above(site, two_people):
    alice_page, bob_page, key = two_people()
    alice_page.keyboard.type("one\ntwo\nthree")
    wait_for_text(bob_page, "one\ntwo\nthree")
    tag = bob_page.locator(".remote-caret-name", has_text=user_name(alice_page))
    expect(tag).to_be_visible()

    def on_the_third_line():  # Alice's caret comes after her text, as presence: on a busy machine, later
        measured = boxes(bob_page)
        return measured if measured["caret"]["y"] >= measured["scroller"]["y"] + 2 * measured["caret"]["height"] else None

    wait_for(bob_page, on_the_third_line, "Alice's caret on the third line")
    measured = on_the_third_line()
    assert measured["tag"]["y"] + measured["tag"]["height"] <= measured["caret"]["y"] + 1, measured  # above the caret's line
    expect(tag).to_be_hidden(timeout=10_000)  # a few seconds after Alice stopped
    bob_page.locator(".remote-caret").hover()
    expect(tag).to_be_visible()
    bob_page.mouse.move(0, 0)
    expect(tag).to_be_hidden()
    alice_page.keyboard.type("!")  # moving again shows it again
    expect(tag).to_be_visible()


def test_others_are_cleared_while_the_server_cannot_be_reached(site, two_people):
    alice_page, bob_page, key = two_people()
    alice = user_name(alice_page)
    alice_page.keyboard.type("here")
    expect(bob_page.locator(".remote-caret")).to_have_count(1)
    expect(bob_page.locator("#present li", has_text=alice)).to_be_visible()

    bob_page.context.set_offline(True)
    bob_page.evaluate("window.collab.connection.socket.reconnect()")  # the open socket does not notice by itself
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "offline")
    expect(bob_page.locator(".remote-caret")).to_have_count(0)
    expect(bob_page.locator("#present li")).to_have_count(1)
    expect(bob_page.locator("#present li")).to_contain_text("(you)")

    bob_page.context.set_offline(False)
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "connected", timeout=15_000)
    expect(bob_page.locator(".remote-caret")).to_have_count(1)
    expect(bob_page.locator("#present li", has_text=alice)).to_be_visible()
    # And Alice sees Bob again: his caret was sent again on reconnecting.
    expect(alice_page.locator(".remote-caret")).to_have_count(1)
