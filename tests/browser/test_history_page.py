"""The history page in a real browser: the slider shows text_at of each version; restoring reaches another browser live."""

from playwright.sync_api import expect

from tests.browser.pages import wait_for_text, wait_until, wait_until_sent


def texts_at(site, key):
    """{version: text} as collab.api.text_at gives them, read in a process of its own."""
    output = site.manage_shell(
        "import json; from collab import api; from documents.models import Document; "
        f"d = Document.objects.get(key={key!r}); print(json.dumps({{v: api.text_at(d, version=v) for v in range(1, d.version + 1)}}))"
    )
    return {int(version): text for version, text in __import__("json").loads(output.strip().splitlines()[-1]).items()}


def test_the_slider_shows_each_version_and_restore_reaches_others(site, two_people):
    alice_page, bob_page, key = two_people()
    for word in ("one ", "two ", "three "):
        alice_page.keyboard.type(word)
        wait_until_sent(alice_page)
    wait_for_text(bob_page, "one two three ")
    expected = texts_at(site, key)
    history = alice_page.context.new_page()
    history.goto(f"{site.base}/d/{key}/history/")
    slider = history.locator("#version")
    for version in sorted({1, 2, len(expected) // 2, len(expected)}):
        slider.fill(str(version))  # moves the range input and fires its input event
        wait_until(history, "document.body.dataset.shownVersion", str(version))
        assert history.locator("#history-text").inner_text() == expected[version]
    slider.fill("2")
    wait_until(history, "document.body.dataset.shownVersion", "2")
    history.click("#restore")
    history.wait_for_url(f"{site.base}/d/{key}/")
    wait_for_text(bob_page, expected[2])
    assert site.document(key)[0] == expected[2]
    expect(history.locator("#connection-status")).to_have_attribute("data-state", "connected")
