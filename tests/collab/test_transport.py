"""autobahn's debug log arguments are formatted only when a line is written, and then exactly as before."""

import pprint

from autobahn import util
from autobahn.twisted import websocket as twisted_websocket
from autobahn.websocket import protocol

from collab.transport import Formatted, patch_daphne


def test_an_argument_is_formatted_only_when_the_line_is_written():
    calls = []

    def costly(value, suffix=""):
        calls.append(value)
        return f"<{value}{suffix}>"

    argument = Formatted(costly, 7, suffix="!")
    assert calls == []
    assert "{:>6}|{}".format(argument, argument) == "  <7!>|<7!>"
    assert str(argument) == repr(argument) == "<7!>"


def test_autobahns_log_arguments_read_as_before():
    patch_daphne()
    for module in (protocol, twisted_websocket):
        assert isinstance(module.hltype(test_autobahns_log_arguments_read_as_before), Formatted)
        assert format(module.hltype(util.hl)) == util.hltype(util.hl)
        assert format(module.hlval(42, color="blue")) == util.hlval(42, color="blue")
    options = [("openHandshakeTimeout", 5, "WebSocketFactory")]
    assert isinstance(protocol.pformat(options), Formatted) and format(protocol.pformat(options)) == pprint.pformat(options)
    timings = protocol.Timings()
    timings.track("onOpen")
    assert str(timings) == pprint.pformat(timings._timings) and "onOpen" in str(timings)  # found in review: __str__ must give text


class FakeTransport:
    """The parts of Twisted's TCP transport the direct send reads: its buffers and writeSomeData."""

    def __init__(self, accepts):
        self.accepts, self.sent, self.buffered = accepts, [], []
        self.connected, self._writeDisconnected, self._tempDataLen, self.dataBuffer, self.offset = True, False, 0, b"", 0

    def writeSomeData(self, data):
        taken = self.accepts.pop(0)
        if isinstance(taken, Exception):
            return taken
        self.sent.append(bytes(data[:taken]))
        return taken

    def write(self, data):
        self.buffered.append(data)
        self._tempDataLen += len(data)


def test_a_message_goes_out_at_once_when_nothing_waits_and_keeps_its_order_when_something_does():
    from twisted.internet.main import CONNECTION_LOST

    from collab.transport import send_at_once_when_idle

    transport = FakeTransport(accepts=[5, 3, CONNECTION_LOST])
    send_at_once_when_idle(transport)
    transport.write(b"hello")
    assert (transport.sent, transport.buffered) == ([b"hello"], [])
    transport.write(b"partial")  # the socket takes 3 bytes: the rest waits in Twisted's buffer
    assert (transport.sent[-1], transport.buffered) == (b"par", [b"tial"])
    transport.write(b"after")  # something waits: this goes behind it, not around it
    assert transport.buffered == [b"tial", b"after"] and len(transport.sent) == 2
    transport._tempDataLen = 0
    transport.buffered.clear()
    transport.write(b"lost")  # a failed send is left for Twisted to find and report
    assert transport.buffered == [b"lost"]


def test_daphne_runs_with_the_small_queue_and_the_small_frame_unmasking():
    from daphne import server

    from collab import connection_memory, unmasking

    patch_daphne()
    assert server.Server.create_application is connection_memory.create_application
    assert protocol.create_xor_masker is unmasking.create_xor_masker
