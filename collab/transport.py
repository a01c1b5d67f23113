"""How daphne's WebSocket protocol reads from and ends connections: fixes applied at start-up.

- Backpressure: daphne reads every frame a client sends and queues it for
  the application without bound, so one client flooding its socket costs
  the server memory and the reactor's time before any limit can refuse it.
  Past QUEUE_LIMIT waiting messages, reading from that socket pauses until
  the application has caught up: TCP slows the sender, not everyone else.
- The application closes a connection that goes over its limits with 1008
  or 1009 (autobahn refuses both from applications), and nothing more is
  read from it.
- autobahn drops the TCP connection when a client sends a frame that is not
  valid UTF-8 or a message over daphne's size limit: the client sees no
  close code, and a ShareDB client reconnects and sends the same message
  again, forever. RFC 6455 (7.1.7) recommends a close frame first; with it
  the client learns 1007 (invalid data) or 1009 (too big), which the
  editor can show.
- A message sent to a socket that is already closing (the client went
  away while a broadcast was on its way) raised inside the application,
  which logged a traceback; there is no one to deliver it to, so it is
  dropped.
- Twisted buffers every write until the reactor's next turn, which costs
  two epoll calls and a turn per message sent. When nothing is waiting in
  the buffer, a message is sent at once; what the socket does not take is
  buffered as before (and a failed send is left for Twisted to report).
- After the upgrade, the HTTP channel that read the handshake stays
  registered as the socket's producer, keeping the request and its headers
  (about 4 KiB) for the connection's life; it has nothing left to produce,
  so it is let go.
- What each open connection holds is trimmed (collab.connection_memory).
- Small frames are unmasked without autobahn's per-frame CFFI set-up (collab.unmasking).
- A plain message is sent and read as one frame handled in one step (collab.framing).
- autobahn formats the arguments of its debug log lines (coloured names
  and values) before it knows the line is dropped: a tenth of the event
  loop's time when ops fan out to many sockets. They are formatted only
  when a line is written now.

daphne imports the ASGI application before it builds its WebSocket
factory, so calling this from the application's module is early enough.
"""

import pprint

from collab import connection_memory, framing, unmasking

QUEUE_LIMIT = 64  # messages read but not yet handled, per connection
RESUME_CHECK_SECONDS = 0.005
LIMIT_CLOSE_CODES = {1008, 1009}


class Formatted:
    """A log argument formatted when the line is written, not when it is logged."""

    __slots__ = ("function", "args", "kwargs")

    def __init__(self, function, *args, **kwargs):
        self.function, self.args, self.kwargs = function, args, kwargs

    def __format__(self, spec):
        return format(self.function(*self.args, **self.kwargs), spec)

    def __str__(self):
        return self.__format__("")

    __repr__ = __str__


def format_autobahn_logs_lazily():
    from autobahn import util
    from autobahn.twisted import websocket as twisted_websocket
    from autobahn.websocket import protocol

    for module in (protocol, twisted_websocket):
        module.hltype = lambda *args, **kwargs: Formatted(util.hltype, *args, **kwargs)
        module.hlval = lambda *args, **kwargs: Formatted(util.hlval, *args, **kwargs)
    # Every connection logged its ~40 options through pformat (6 % of the loop in a reconnect storm).
    protocol.pformat = lambda *args, **kwargs: Formatted(pprint.pformat, *args, **kwargs)
    protocol.Timings.__str__ = lambda timings: pprint.pformat(timings._timings)  # a str, as __str__ must return


def send_at_once_when_idle(transport):
    buffered_write = transport.write

    def write(data):
        idle = not transport._tempDataLen and transport.offset == len(transport.dataBuffer)
        if idle and transport.connected and not transport._writeDisconnected:
            sent = transport.writeSomeData(data)
            if isinstance(sent, int) and sent > 0:
                data = data[sent:]
        if data:
            buffered_write(data)

    transport.write = write


def patch_daphne():
    try:
        import daphne
        from daphne import server, ws_protocol
        from twisted.internet import reactor, tcp
    except ImportError:  # another ASGI server: its own rules apply
        return
    if getattr(server.WebSocketFactory, "patched_by_collab", False):
        return
    format_autobahn_logs_lazily()
    from autobahn.websocket import protocol

    protocol.create_xor_masker = unmasking.create_xor_masker

    class WebSocketProtocol(ws_protocol.WebSocketProtocol):
        reading_paused = False

        def connectionMade(self):
            super().connectionMade()
            if isinstance(self.transport, tcp.Connection):  # plain TCP: TLS has buffers and producers of its own
                send_at_once_when_idle(self.transport)
                if self.transport.producer is not None:
                    self.transport.unregisterProducer()
            self.send_queue = connection_memory.SendQueue()

        def onOpen(self):
            super().onOpen()
            connection_memory.shed_handshake(self)

        def processData(self):
            if framing.reads_plainly(self) and framing.read_plainly(self):
                return len(self.data) > 0
            return super().processData()

        def onMessage(self, payload, isBinary):
            super().onMessage(payload, isBinary)
            if not self.reading_paused and self.application_queue.qsize() >= QUEUE_LIMIT:
                self.reading_paused = True
                self.transport.pauseProducing()
                reactor.callLater(RESUME_CHECK_SECONDS, self.resume_when_caught_up)

        def resume_when_caught_up(self):
            if self.muted or self.state == self.STATE_CLOSED:
                return
            if self.application_queue.qsize() > QUEUE_LIMIT // 2:
                reactor.callLater(RESUME_CHECK_SECONDS, self.resume_when_caught_up)
                return
            self.reading_paused = False
            self.transport.resumeProducing()

        def serverSend(self, content, binary=False):
            if self.state in (self.STATE_CLOSING, self.STATE_CLOSED):
                return
            payload = content if binary else content.encode()
            if framing.sends_plainly(self, len(payload)):
                framing.send_plainly(self, payload, binary)
            else:
                super().serverSend(content, binary)

        def serverClose(self, code=None):
            if code not in LIMIT_CLOSE_CODES:
                super().serverClose(code)
                return
            # autobahn lets applications close with 1000 or 3000-4999 only (it raised, and
            # daphne closed with 1011); 1008 and 1009 are the codes RFC 6455 names for this.
            self.muted = True
            self.transport.pauseProducing()
            self.sendCloseFrame(code=code, isReply=False)

        def onClose(self, wasClean, code, reason):
            # Muted (by serverClose below) or not, the application must learn that the socket closed:
            # daphne told a muted one nothing, and killed it 10 s later without its disconnect
            # (quotas, presence, groups held meanwhile).
            self.muted = False
            super().onClose(wasClean, code, reason)

    class WebSocketFactory(server.WebSocketFactory):
        patched_by_collab = True
        protocol = WebSocketProtocol

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(failByDrop=False)

    server.WebSocketFactory = WebSocketFactory
    if daphne.__version__.startswith("4.2."):  # the version whose create_application ours follows
        server.Server.create_application = connection_memory.create_application
