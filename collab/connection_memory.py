"""What daphne keeps for each open WebSocket, made smaller (applied at start-up by collab.transport).

An idle subscribed connection cost about 29 KiB of the server's memory
(benchmarks/connections.py); a reconnect storm brings thousands of them
at once. Three parts of it were never used again after the handshake, or
never used at all:

- daphne's input queue is an asyncio.Queue: four deques and an Event,
  about 3 KiB, for a queue with one reader (the application) and one
  writer (the protocol). ApplicationQueue does that job in a list.
- autobahn keeps the parsed handshake (request headers twice over, the raw
  request and response, the extensions offered) on the protocol for the
  connection's life. It is let go once the connection is open; daphne's
  access log needs only the path.
- autobahn's queue for chopped and synchronous sends, which daphne never
  makes, is a deque of 760 bytes; an empty list is 56.
"""

import asyncio
from functools import partial

HANDSHAKE_ONLY = (
    "http_headers", "http_request_data", "http_response_data", "http_status_line", "http_request_uri",
    "http_request_path", "http_request_params", "http_request_host", "websocket_extensions", "clean_headers",
)


class ApplicationQueue:
    """The messages a protocol hands its application, read by one task at a time (as Channels does).

    A reader cancelled while waiting leaves the queue as it was: nothing is lost,
    and the next reader may start at once.
    """

    __slots__ = ("items", "waiter")

    def __init__(self):
        self.items, self.waiter = [], None

    def qsize(self):
        return len(self.items)

    def put_nowait(self, item):
        self.items.append(item)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def get(self):
        while not self.items:
            if self.waiter is not None and not self.waiter.done():
                raise RuntimeError("ApplicationQueue has one reader at a time")
            waiter = self.waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                if self.waiter is waiter:  # not yet taken over by a reader that came after a cancelled one
                    self.waiter = None
        return self.items.pop(0)  # a few items at most: reading pauses past collab.transport.QUEUE_LIMIT


class SendQueue(list):
    """autobahn's send queue (append, popleft, len) as a list."""

    __slots__ = ()

    def popleft(self):
        return self.pop(0)


class OpenedRequest:
    """What daphne still reads of the handshake request once the connection is open."""

    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path


def shed_handshake(protocol):
    for name in HANDSHAKE_ONLY:
        setattr(protocol, name, None)  # not deleted: the instance dict keeps its shape
    protocol.request = OpenedRequest(protocol.request.path)


def create_application(server, protocol, scope):
    """daphne's Server.create_application (4.2), with an ApplicationQueue for its asyncio.Queue."""
    assert "application_instance" not in server.connections[protocol]
    input_queue = ApplicationQueue()
    scope.setdefault("asgi", {"version": "3.0"})
    application_instance = server.application(scope=scope, receive=input_queue.get, send=partial(server.handle_reply, protocol))
    if protocol not in server.connections:
        return None
    server.connections[protocol]["application_instance"] = asyncio.ensure_future(application_instance, loop=asyncio.get_event_loop())
    return input_queue
