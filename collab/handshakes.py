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


class HandshakeGate:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        gate = gate_of(asyncio.get_running_loop())
        await gate.acquire()
        held = True

        def let_next_in():
            nonlocal held
            if held:
                held = False
                gate.release()

        async def send_and_open_gate(message):
            if message["type"] in ("websocket.accept", "websocket.close"):
                let_next_in()
            await send(message)

        try:
            return await self.application(scope, receive, send_and_open_gate)
        finally:
            let_next_in()
