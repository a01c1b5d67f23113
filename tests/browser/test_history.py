"""Undo and redo take back only the user's own changes, mapped through everyone else's."""

from tests.browser.pages import editor_text, wait_for_text, wait_until_sent

UNDO, REDO = "Control+z", "Control+y"


def settled(site, key, pages, expected):
    """Every page shows `expected`, nothing is waiting, and the database has it."""
    for page in pages:
        wait_for_text(page, expected)
        wait_until_sent(page)
    assert site.document(key)[0] == expected


def test_undo_and_redo_touch_only_your_own_changes(site, two_people):
    alice_page, bob_page, key = two_people()
    both = (alice_page, bob_page)
    alice_page.keyboard.type("alpha ")
    wait_for_text(bob_page, "alpha ")
    bob_page.keyboard.press("Control+End")
    bob_page.keyboard.type("bravo ")
    wait_for_text(alice_page, "alpha bravo ")
    alice_page.keyboard.press("Control+End")
    alice_page.keyboard.type("charlie")
    settled(site, key, both, "alpha bravo charlie")

    alice_page.keyboard.press(UNDO)
    assert editor_text(alice_page) == "alpha bravo "
    settled(site, key, both, "alpha bravo ")
    # Bob writes while Alice is undoing: her next undo still takes back only her own text.
    bob_page.keyboard.press("Control+Home")
    bob_page.keyboard.type("delta ")
    wait_for_text(alice_page, "delta alpha bravo ")
    alice_page.keyboard.press(UNDO)
    assert editor_text(alice_page) == "delta bravo "
    alice_page.keyboard.press(UNDO)  # nothing of hers is left to undo: Bob's text stays
    assert editor_text(alice_page) == "delta bravo "
    settled(site, key, both, "delta bravo ")

    alice_page.keyboard.press(REDO)
    alice_page.keyboard.press(REDO)
    assert editor_text(alice_page) == "delta alpha bravo charlie"
    settled(site, key, both, "delta alpha bravo charlie")
    # And Bob's undo takes back only his.
    bob_page.keyboard.press(UNDO)
    assert editor_text(bob_page) == "alpha bravo charlie"
    settled(site, key, both, "alpha bravo charlie")
