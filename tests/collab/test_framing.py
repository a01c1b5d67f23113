"""A plain message leaves daphne byte for byte as autobahn frames it, and is read from a client exactly as
autobahn reads it, whatever else arrives around it and however the bytes are cut; anything else still
goes through autobahn."""

import pytest
from autobahn.websocket.protocol import PayloadExceededError
from daphne import server, ws_protocol
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.connection_memory import ApplicationQueue
from collab.transport import patch_daphne

SIZES = st.integers(0, 300) | st.sampled_from([125, 126, 127, 0xFFFF, 0x10000, 70_000])


class Transport:
    def __init__(self):
        self.written, self.ended = [], None

    def write(self, data):
        self.written.append(bytes(data))

    def loseConnection(self):
        self.ended = self.ended or "lost"

    def abortConnection(self):
        self.ended = self.ended or "aborted"

    def pauseProducing(self):
        pass

    def unregisterProducer(self):
        pass

    def getPeer(self):
        return None

    def getHost(self):
        return None


def received(protocol):
    """What the protocol handed its application, in order (daphne's input queue, as collab makes it)."""
    return protocol.application_queue.items[protocol.application_queue.head:]


def open_protocol(reference=False, **options):
    """One of daphne's WebSocket connections (as collab patches them), as after its handshake, writing to a
    list; the reference reads every frame through autobahn."""
    patch_daphne()
    factory = server.WebSocketFactory(object(), server="test")
    factory.setProtocolOptions(**{"maxMessagePayloadSize": 2_097_152, **options})
    if reference:
        factory.protocol = type("ThroughAutobahn", (factory.protocol,), {"processData": ws_protocol.WebSocketProtocol.processData})
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(Transport())
    protocol.state, protocol.client_addr, protocol.websocket_version = protocol.STATE_OPEN, None, 13
    protocol.inside_message, protocol.current_frame, protocol.application_queue = False, None, ApplicationQueue()
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


def client_frame(fin, rsv, opcode, payload, masked, mask, length_form):
    """A frame as a client might send it, well formed or not."""
    length = len(payload)
    if length_form == "16-bit" or (length_form == "fewest" and 126 <= length <= 0xFFFF):
        length_bytes = [126, *length.to_bytes(2, "big")]
    elif length_form == "64-bit" or (length_form == "fewest" and length > 0xFFFF):
        length_bytes = [127, *length.to_bytes(8, "big")]
    else:
        length_bytes = [length]
    header = bytes([(0x80 if fin else 0) | rsv << 4 | opcode, length_bytes[0] | (0x80 if masked else 0), *length_bytes[1:]])
    if not masked:
        return header + payload
    return header + mask + bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))


PAYLOADS = st.text(max_size=40).map(str.encode) | st.integers(120, 300).map(lambda n: "é".encode() * n) | st.binary(max_size=300)
PLAIN = st.tuples(st.just(True), st.just(0), st.sampled_from([1, 2]))
ODD = st.tuples(st.booleans(), st.sampled_from([0, 0, 0, 1, 4, 7]),
                st.sampled_from([0, 1, 2, 1, 2, 8, 9, 10, 3, 11, 15]))  # fragments, control frames, reserved bits and opcodes
FRAMES = st.lists(st.tuples(PLAIN | ODD, PAYLOADS, st.booleans() | st.just(True), st.binary(min_size=4, max_size=4),
                            st.sampled_from(["fewest", "fewest", "16-bit", "64-bit"])), max_size=8)


@settings(max_examples=400, deadline=None)
@given(FRAMES, st.lists(st.integers(1, 400), max_size=6), st.sampled_from([{}, {"maxMessagePayloadSize": 200}, {"maxFramePayloadSize": 100}]))
def test_a_client_is_read_exactly_as_autobahn_reads_it_whatever_it_sends_and_however_it_is_cut(frames, cuts, limits):
    data = b"".join(client_frame(*header, payload, masked, mask, form) for header, payload, masked, mask, form in frames)
    edges = [0, *sorted(cut for cut in cuts if cut < len(data)), len(data)]
    ours, theirs = open_protocol(**limits), open_protocol(reference=True, **limits)
    for protocol in (ours, theirs):
        for start, end in zip(edges, edges[1:]):
            if protocol.state != protocol.STATE_CLOSED:
                protocol.dataReceived(data[start:end])
    assert received(ours) == received(theirs)
    assert (ours.transport.written, ours.transport.ended) == (theirs.transport.written, theirs.transport.ended)  # closes, pongs
    assert (ours.state, ours.data, ours.failedByMe) == (theirs.state, theirs.data, theirs.failedByMe)
    assert vars(ours.trafficStats) == vars(theirs.trafficStats)


@pytest.mark.parametrize("odd", [
    (True, 1, 1, b"hi", True, "fewest"),  # a reserved bit, no extension
    (True, 4, 2, b"hi", True, "fewest"),
    (False, 0, 1, b"hi", True, "fewest"),  # a first fragment
    (True, 0, 0, b"hi", True, "fewest"),  # a continuation with nothing to continue
    (True, 0, 1, b"hi", False, "fewest"),  # unmasked
    (True, 0, 1, b"hi", True, "16-bit"),  # a length not in its fewest bytes
    (True, 0, 1, b"x" * 200, True, "64-bit"),
    (True, 0, 1, b"\xff\xfe", True, "fewest"),  # not UTF-8
    (True, 0, 1, "é".encode()[:1], True, "fewest"),  # ends inside a character
    (True, 0, 1, b"x" * 300, True, "fewest"),  # over the message limit
    (True, 0, 9, b"ping", True, "fewest"),
    (True, 0, 8, b"\x03\xe8", True, "fewest"),
    (True, 0, 3, b"hi", True, "fewest"),  # a reserved opcode
])
def test_each_odd_frame_is_answered_as_autobahn_answers_it(odd):
    fin, rsv, opcode, payload, masked, form = odd
    data = client_frame(fin, rsv, opcode, payload, masked, b"abcd", form) + client_frame(True, 0, 1, b"after", True, b"wxyz", "fewest")
    ours, theirs = open_protocol(maxMessagePayloadSize=200), open_protocol(reference=True, maxMessagePayloadSize=200)
    for protocol in (ours, theirs):
        protocol.dataReceived(data)
    assert received(ours) == received(theirs)
    assert (ours.transport.written, ours.state, ours.data) == (theirs.transport.written, theirs.state, theirs.data)


def test_keystrokes_are_read_without_autobahns_frame_hooks(monkeypatch):
    protocol = open_protocol()
    monkeypatch.setattr(type(protocol), "onFrameBegin", lambda *args: pytest.fail("went through autobahn's frame hooks"))
    keystrokes = [client_frame(True, 0, 1, f'{{"a":"op","seq":{n}}}'.encode(), True, b"abcd", "fewest") for n in range(3)]
    protocol.dataReceived(b"".join(keystrokes))
    assert [message["text"] for message in received(protocol)] == [f'{{"a":"op","seq":{n}}}' for n in range(3)]


# Found in review: each fails when the guard it names in collab.framing is taken out.

def test_a_data_frame_resets_the_auto_ping_timeout_as_in_autobahn():
    results = []
    for reference in (False, True):
        protocol = open_protocol(reference=reference, autoPingTimeout=30)
        protocol._sendAutoPing()  # daphne's check_timeouts does this; a client that answers with data, not a pong
        assert protocol.autoPingTimeoutCall is not None
        protocol.dataReceived(client_frame(True, 0, 1, b"{}", True, b"abcd", "fewest"))
        results.append((protocol.autoPingTimeoutCall, protocol.autoPingPending, len(received(protocol))))
    assert results[0] == results[1] == (None, None, 1)


def test_a_control_frames_payload_cut_after_its_header_is_never_read_as_a_frame():
    smuggled = client_frame(True, 0, 1, b"smuggled", True, b"wxyz", "fewest")
    mask = b"abcd"
    ping = client_frame(True, 0, 9, bytes(b ^ mask[i % 4] for i, b in enumerate(smuggled)), True, mask, "fewest")
    ours, theirs = open_protocol(), open_protocol(reference=True)
    for protocol in (ours, theirs):
        protocol.dataReceived(ping[:6])
        protocol.dataReceived(ping[6:])
    assert received(ours) == received(theirs) == []
    assert ours.transport.written == theirs.transport.written  # the pong, echoing the ping's payload


def test_frames_after_the_server_began_to_close_are_read_and_counted_as_autobahn_does():
    data = b"".join(client_frame(True, 0, 1, b"m%d" % n, True, b"abcd", "fewest") for n in range(3))
    ours, theirs = open_protocol(), open_protocol(reference=True)
    for protocol in (ours, theirs):
        on_message = protocol.onMessage

        def close_after_first(payload, binary, protocol=protocol, on_message=on_message):
            on_message(payload, binary)
            if protocol.state == protocol.STATE_OPEN:
                protocol.serverClose()  # the application closes; the rest of the buffer is still read
        protocol.onMessage = close_after_first
        protocol.dataReceived(data)
    assert received(ours) == received(theirs) and len(received(ours)) == 3
    assert vars(ours.trafficStats) == vars(theirs.trafficStats)
