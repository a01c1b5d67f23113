"""What daphne keeps for each open WebSocket, made smaller (applied at start-up by collab.transport).

An idle subscribed connection cost about 29 KiB of the server's memory
(benchmarks/connections.py); a reconnect storm brings thousands of them
at once. Three parts of it were never used again after the handshake, or
never used at all:

- daphne's input queue is an asyncio.Queue: four deques and an Event,
  about 3 KiB, for a queue with one writer (the protocol) and, in
  practice, one reader (the application). ApplicationQueue does that job
  in a list.
- autobahn keeps the parsed handshake (request headers twice over, the raw
  request and response, the extensions offered) on the protocol for the
  connection's life. It is let go once the connection is open; daphne's
  access log needs only the path.
- autobahn's queue for chopped and synchronous sends, which daphne never
  makes, is a deque of 760 bytes; an empty list is 56.
"""

import asyncio
from functools import partial

from collab.waiters import Waiters

HANDSHAKE_ONLY = (
    "http_headers", "http_request_data", "http_response_data", "http_status_line", "http_request_uri",
    "http_request_path", "http_request_params", "http_request_host", "websocket_extensions", "clean_headers",
)


class ApplicationQueue:
    """The messages a protocol hands its application, first in first out, to readers in turn, as
    asyncio.Queue hands them; also an inbox (collab.dispatching) for collab's consumer. A large HTTP
    body arrives as thousands of chunks at once: items are taken by index, not shifted."""

    __slots__ = ("items", "head", "waiters")

    def __init__(self):
        self.items, self.head, self.waiters = [], 0, Waiters()

    def qsize(self):
        return len(self.items) - self.head

    def put_nowait(self, item):
        self.items.append(item)
        self.waiters.wake_one()

    async def get(self):
        while not self.qsize():
            await self.waiters.wait(self.qsize)
        return self.take()

    def notify(self, future):
        self.waiters.append(future)

    def forget(self, future):
        self.waiters.forget(future, self.qsize)

    def take(self):
        """The next item, or None when there is none (an ASGI message is never None)."""
        if not self.qsize():
            return None
        item, self.items[self.head] = self.items[self.head], None
        self.head += 1
        if self.head == len(self.items):
            self.items.clear()
            self.head = 0
        return item


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
