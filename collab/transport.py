"""How daphne's WebSocket protocol ends connections: two fixes, applied at start-up.

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

daphne imports the ASGI application before it builds its WebSocket
factory, so calling this from the application's module is early enough.
"""


def patch_daphne():
    try:
        from daphne import server, ws_protocol
    except ImportError:  # another ASGI server: its own rules apply
        return
    if getattr(server.WebSocketFactory, "patched_by_collab", False):
        return

    class WebSocketProtocol(ws_protocol.WebSocketProtocol):
        def serverSend(self, content, binary=False):
            if self.state in (self.STATE_CLOSING, self.STATE_CLOSED):
                return
            super().serverSend(content, binary)

    class WebSocketFactory(server.WebSocketFactory):
        patched_by_collab = True
        protocol = WebSocketProtocol

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(failByDrop=False)

    server.WebSocketFactory = WebSocketFactory
