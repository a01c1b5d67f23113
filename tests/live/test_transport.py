"""What reaches daphne's WebSocket layer before the consumer: sizes, encodings, and others' sockets."""

import re
import urllib.request

import pytest

from tests.support.live import wait_until
from tests.support.rawsocket import TEXT, Closed, RawWebSocket


def connect(site, username):
    ws = RawWebSocket(site.ws_url, origin=site.base, cookie=site.login(username))
    assert ws.receive_json()["a"] == "init"
    return ws


def test_a_message_over_daphnes_limit_gets_a_1009_close_not_a_dropped_connection(site, user):
    ws = connect(site, user())
    ws.send_text('{"a": "pp", "x": "' + "€" * 800_000 + '"}')  # 2.4 MB, over daphne's 2 MiB
    with pytest.raises(Closed) as closed:
        ws.receive()
    assert closed.value.code == 1009


def test_text_that_is_not_utf8_gets_a_1007_close(site, user):
    ws = connect(site, user())
    ws.send_frame(TEXT, b'{"a": "pp", "x": "\xff"}')
    with pytest.raises(Closed) as closed:
        ws.receive()
    assert closed.value.code == 1007


def test_a_lone_surrogate_in_someones_presence_closes_nobodys_socket(site, user, clients, key):
    name = user()
    clients.share(["owner"], name, key, text="hello")
    clients("presenceSubscribe", name="owner", id=key)
    mallory = connect(site, name)
    reply = mallory.request('{"a": "p", "ch": "documents.' + key + '", "id": "x", "pv": 0, "p": {"start": 0, "end": 0, "n": "\\ud800"}}')
    assert reply["error"]["code"] == "ERR_MESSAGE_BADLY_FORMED"
    assert mallory.request({"a": "pp"}) == {"a": "pp"}
    assert clients("state", name="owner", id=key)["data"] == "hello"
    assert clients("errors", name="owner") == []
    clients("submitAndWait", name="owner", id=key, op=[5, "!"])  # the owner's socket still works
    assert site.document(key)[0] == "hello!"


def open_connections(site):
    text = urllib.request.urlopen(site.base + "/metrics").read().decode()
    return float(re.search(r"^collab_connections (\S+)", text, re.M).group(1))


def test_a_client_over_its_rate_gets_errors_then_a_1008_close(site, user):
    before = open_connections(site)
    ws = connect(site, user())
    for _ in range(500):  # the default burst is 400 messages
        ws.send_json({"a": "pp"})
    codes = []
    with pytest.raises(Closed) as closed:
        while True:
            codes.append(ws.receive_json().get("error", {}).get("code"))
    assert closed.value.code == 1008
    assert 400 <= codes.count(None) < 450 and set(codes) == {None, "ERR_RATE_LIMITED"}  # a few refill meanwhile
    # Found in review: the server never told the application of the close it made, so the connection
    # was counted (and its quota, presence and groups kept) until daphne killed it 10 s later.
    ws.sock.close()
    wait_until(lambda: open_connections(site) == before, timeout=5)
