"""A plain message leaves daphne byte for byte as autobahn frames it; anything else still goes through autobahn."""

import pytest
from autobahn.websocket.protocol import PayloadExceededError
from daphne import server, ws_protocol
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.transport import patch_daphne

SIZES = st.integers(0, 300) | st.sampled_from([125, 126, 127, 0xFFFF, 0x10000, 70_000])


class Transport:
    def __init__(self):
        self.written = []

    def write(self, data):
        self.written.append(bytes(data))

    def getPeer(self):
        return None

    def getHost(self):
        return None


def open_protocol(**options):
    """One of daphne's WebSocket connections, as after its handshake, writing to a list."""
    patch_daphne()
    factory = server.WebSocketFactory(object(), server="test")
    factory.setProtocolOptions(maxMessagePayloadSize=2_097_152, **options)
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(Transport())
    protocol.state, protocol.client_addr = protocol.STATE_OPEN, None
    return protocol


def send_through_autobahn(protocol, content, binary):
    ws_protocol.WebSocketProtocol.serverSend(protocol, content, binary)


@settings(max_examples=300)
@given(st.booleans(), SIZES, st.data())
def test_a_plain_message_is_framed_and_counted_exactly_as_autobahn_does(binary, size, data):
    piece = data.draw(st.binary(min_size=1, max_size=8) if binary else st.text(min_size=1, max_size=8))
    content = (piece * (size // len(piece) + 1))[:size]  # any length, up to past the 16-bit one
    ours, theirs = open_protocol(), open_protocol()
    ours.serverSend(content, binary)
    send_through_autobahn(theirs, content, binary)
    assert b"".join(ours.transport.written) == b"".join(theirs.transport.written)
    assert vars(ours.trafficStats) == vars(theirs.trafficStats)


def test_the_plain_path_does_not_go_through_autobahns_framing(monkeypatch):
    protocol = open_protocol()
    monkeypatch.setattr(type(protocol), "sendFrame", lambda *args, **kwargs: pytest.fail("went through sendFrame"))
    protocol.serverSend('{"a":"op"}')
    assert protocol.transport.written == [b'\x81\x0a{"a":"op"}']


def test_what_is_not_plain_still_goes_through_autobahn():
    too_large = open_protocol()
    too_large.maxMessagePayloadSize = 4
    with pytest.raises(PayloadExceededError):  # autobahn's refusal, as before
        too_large.serverSend("12345")

    fragmented = open_protocol(autoFragmentSize=4)
    fragmented.serverSend("123456789")
    assert len(fragmented.transport.written) == 3  # three frames of at most 4 bytes

    queued = open_protocol()
    queued.send_queue.append((b"earlier", True))  # a synchronous send still waiting: nothing may overtake it
    queued.serverSend("later")
    assert queued.transport.written == [b"earlier"] and [data[-5:] for data, _ in queued.send_queue] == [b"later"]
