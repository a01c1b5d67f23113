"""What the server would refuse for its size is never sent, and the status line says why the
editor is not connected."""

from playwright.sync_api import expect

from tests.browser.pages import editor_text, wait_until, wait_until_sent


def test_a_paste_over_the_size_limit_is_refused_in_the_page_and_never_sent(site, two_people):
    alice_page, bob_page, key = two_people()
    sent = []
    # Frames of sockets opened from now on: her editor's, once it has reconnected.
    alice_page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    alice_page.evaluate("window.collab.connection.socket.reconnect()")
    expect(alice_page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    alice_page.locator(".cm-content").click()
    alice_page.keyboard.type("small")
    wait_until_sent(alice_page)
    version = site.document(key)[1]
    limit = alice_page.evaluate("JSON.parse(document.getElementById('editor-config').textContent).maxDocumentBytes")

    pasted = "PASTED " + "x" * limit
    alice_page.keyboard.insert_text(pasted)
    expect(alice_page.locator("#editor-message")).to_contain_text("over the limit")
    assert editor_text(alice_page) == "small"
    expect(alice_page.locator(".cm-content")).not_to_contain_text("PASTED")
    assert not alice_page.evaluate("window.collab.doc.hasWritePending()")
    # Editing goes on as before, and only that reaches the server.
    alice_page.keyboard.type("!")
    wait_until_sent(alice_page)
    assert site.document(key)[:2] == ("small!", version + 1)
    assert editor_text(bob_page) in ("small", "small!")
    frames = [frame for frame in sent if isinstance(frame, str)]
    assert any('"a":"op"' in frame for frame in frames)  # the socket was watched: the "!" went
    assert not any("PASTED" in frame for frame in frames)


def record_states(page):
    """From now on, every state the status line shows is kept in window.statesSeen."""
    page.evaluate("""() => {
        const status = document.getElementById('connection-status');
        window.statesSeen = [];
        new MutationObserver(() => window.statesSeen.push(status.dataset.state + ' ' + status.textContent))
            .observe(status, {attributes: true, childList: true, characterData: true, subtree: true});
    }""")


def passes_through(page, state):
    """Wait until the status line has shown `state` and is connected again; what it said then."""
    wait_until(page, f"window.statesSeen.some((seen) => seen.startsWith('{state} '))", True, timeout=15)
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected", timeout=15_000)
    said = page.evaluate(f"window.statesSeen.find((seen) => seen.startsWith('{state} '))")
    page.evaluate("window.statesSeen = []")
    return said


def test_the_status_says_why_the_editor_is_not_connected(site, signed_in, user):
    name = user()
    page = signed_in(name)
    page.goto(site.base + "/")
    page.fill("input[name=title]", "Limits")
    page.click("form.new-document button")
    page.wait_for_selector("body[data-ready=true]")
    key = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
    record_states(page)

    # Far more messages a second than the server allows: refused, then closed with 1008.
    page.evaluate("for (let i = 0; i < 1000; i++) window.collab.connection.send({a: 'pp'})")
    assert "too many" in passes_through(page, "rate-limited")
    expect(page.locator("#editor-message")).to_contain_text("too many")

    # A message past what daphne takes at all: closed with 1009.
    page.evaluate("window.collab.connection.socket.send(JSON.stringify({a: 'pp', pad: 'x'.repeat(3 * 1024 * 1024)}))")
    assert "too large" in passes_through(page, "too-large")

    # Signed out: the handshake is refused (403), which the browser reports as a failed attempt.
    page.context.clear_cookies()
    page.evaluate("window.collab.connection.socket.reconnect()")
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "refused")
    expect(page.locator("#connection-status")).to_contain_text("signed out")
    assert site.document(key)[0] == ""
