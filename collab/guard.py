"""Outermost on the WebSocket route: refuses clients recently closed for flooding, before any database work.

A client closed with 1008 for going over its limits that reconnects at
once would otherwise cost a session and a user lookup per attempt. Its
session cookie (or, without one, its address) is barred for
COLLAB["LIMIT_BAN_SECONDS"], twice that if it does it again, and so on up to
an hour; attempts meanwhile are refused at the
handshake (HTTP 403) after a wait of one to three seconds, so a client
retrying in a loop makes an attempt every two seconds or so, each costing
the server next to nothing, and many connections of one flooder come
back spread out rather than all at once.
Floods of new connections from many addresses belong to the proxy in
front (docs/deploy.md: nginx limit_req).
"""

import asyncio
import random
import time

from asgiref.sync import markcoroutinefunction
from django.conf import settings

MAX_BARRED = 100_000  # past this, the oldest bars are forgotten first
REFUSAL_DELAY_SECONDS = (1.0, 3.0)  # uniformly in between
LONGEST_BAR_SECONDS = 3600


class Bars:
    """Keys barred until a time; each new bar of a key lasts twice the last (up to an hour)."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.until, self.last = clock, {}, {}

    def bar(self, key, seconds):
        now = self.clock()
        seconds = self.next_length(key, seconds, now)
        if len(self.until) >= MAX_BARRED:
            oldest = next(iter(self.until))
            del self.until[oldest]
            self.last.pop(oldest, None)
        self.until.pop(key, None)
        self.until[key], self.last[key] = now + seconds, (now, seconds)

    def next_length(self, key, seconds, now):
        # A repeat within an hour of the last bar's end doubles it; after that, the slate is clean.
        barred_at, length = self.last.get(key, (None, None))
        if barred_at is not None and now - (barred_at + length) < LONGEST_BAR_SECONDS:
            return min(length * 2, LONGEST_BAR_SECONDS)
        return seconds

    def barred(self, key):
        until = self.until.get(key)
        if until is None:
            return False
        if until <= self.clock():
            del self.until[key]
            return False
        return True


bars = Bars()


def session_cookie(scope):
    """The value of the session cookie the client sent, or None.

    Read by hand: the stdlib's cookie parser was a tenth of the cost of a
    connection in a reconnect storm, and a session id needs no unquoting.
    """
    wanted, found = settings.SESSION_COOKIE_NAME + "=", None
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for pair in value.decode("latin-1").split(";"):
                pair = pair.strip()
                if pair.startswith(wanted):
                    found = pair[len(wanted):].strip('"')  # the last one, as django.http.parse_cookie keeps it
    return found


def client_key(scope):
    """The session cookie if the client sent one, else its address."""
    session = session_cookie(scope)
    if session is not None:
        return "session:" + session
    client = scope.get("client") or ("?",)
    return f"address:{client[0]}"


class FloodGuard:
    def __init__(self, application):
        self.application = application

    # A plain function returning the coroutine, marked so that servers and asgiref see ASGI 3, not 2.
    @markcoroutinefunction
    def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and bars.barred(client_key(scope)):
            return self.refuse(receive, send)
        # The application's own coroutine, not one awaiting it: no frame kept for the connection's life.
        return self.application(scope, receive, send)

    @staticmethod
    async def refuse(receive, send):
        await receive()  # websocket.connect
        await asyncio.sleep(random.uniform(*REFUSAL_DELAY_SECONDS))
        await send({"type": "websocket.close", "code": 1008})  # before accept: refused with 403
