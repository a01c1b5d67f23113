"""A few WebSocket handshakes at a time, so a reconnect storm does not starve the people already typing.

After a restart every open editor reconnects at once. Each handshake
costs a session and a user lookup in the database thread and a burst of
work on the event loop; let thousands in together and the event loop's
turns grow to seconds, and so does every keystroke's round trip. Past
this gate a connection is set up in turn, COLLAB["HANDSHAKES_AT_ONCE"]
at a time (from its first byte of ASGI work until it is accepted or
refused); the others wait, costing nothing but their socket, and an
established connection never passes through it again.
"""

import asyncio
import weakref

from collab.conf import collab_settings

_gates = weakref.WeakKeyDictionary()  # event loop -> its semaphore


def gate_of(loop):
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(collab_settings()["HANDSHAKES_AT_ONCE"])
    return gate


class Turn:
    """One connection's turn past the gate, given to its application as `send`: it ends when the
    connection is accepted or refused (or its application returns), letting the next one in."""

    __slots__ = ("gate", "send")

    def __init__(self, gate, send):
        self.gate, self.send = gate, send

    def end(self):
        if self.gate is not None:
            self.gate.release()
            self.gate = None

    async def __call__(self, message):
        if self.gate is not None and message["type"] in ("websocket.accept", "websocket.close"):
            self.end()
        await self.send(message)


class HandshakeGate:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        gate = gate_of(asyncio.get_running_loop())
        await gate.acquire()
        turn = Turn(gate, send)  # a small object, not closures: it lives as long as the connection
        try:
            return await self.application(scope, receive, turn)
        finally:
            turn.end()
