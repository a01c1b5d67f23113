"""A few handshakes at a time: the next waits until one is accepted or refused, and a failure frees its place."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from collab.handshakes import HandshakeGate


class Held:
    """An application that accepts (or refuses, or fails) only when told, recording who got in."""

    def __init__(self):
        self.started, self.go = [], {}

    async def __call__(self, scope, receive, send):
        name = scope["path"].strip("/")
        self.started.append(name)
        self.go[name] = asyncio.Event()
        await receive()  # websocket.connect
        await self.go[name].wait()
        if name.startswith("fail"):
            raise RuntimeError("the connect handler failed")
        await send({"type": "websocket.close" if name.startswith("refuse") else "websocket.accept"})
        while (await receive())["type"] != "websocket.disconnect":
            await send({"type": "websocket.send", "text": "echo"})


async def opened(application, name, timeout=10):
    communicator = WebsocketCommunicator(application, f"/{name}/")
    task = asyncio.ensure_future(communicator.connect(timeout=timeout))
    await asyncio.sleep(0.05)
    return communicator, task


@pytest.fixture
def two_at_once(settings):
    # Each test runs in an event loop of its own, so it gets a gate of its own, of this size.
    settings.COLLAB = {"HANDSHAKES_AT_ONCE": 2}


async def test_a_third_handshake_waits_until_one_of_two_is_accepted(two_at_once):
    held = Held()
    gate = HandshakeGate(held)
    first, first_connect = await opened(gate, "a")
    second, second_connect = await opened(gate, "b")
    third, third_connect = await opened(gate, "c")
    assert held.started == ["a", "b"]
    held.go["a"].set()
    assert (await first_connect)[0] is True
    await asyncio.sleep(0.05)
    assert held.started == ["a", "b", "c"]
    # Once accepted, a connection's messages never wait at the gate.
    await first.send_to(text_data="hello")
    assert await first.receive_from() == "echo"
    held.go["b"].set()
    held.go["c"].set()
    assert (await second_connect)[0] and (await third_connect)[0]
    for communicator in (first, second, third):
        await communicator.disconnect()


async def test_a_refused_or_failed_handshake_frees_its_place(two_at_once):
    held = Held()
    gate = HandshakeGate(held)
    refused, refused_connect = await opened(gate, "refuse")
    # The communicator reports the application's exception only once its wait is over.
    failed, failed_connect = await opened(gate, "fail", timeout=0.5)
    waiting, waiting_connect = await opened(gate, "c")
    assert held.started == ["refuse", "fail"]
    held.go["refuse"].set()
    assert (await refused_connect)[0] is False
    held.go["fail"].set()
    with pytest.raises(RuntimeError):
        await failed_connect
    await asyncio.sleep(0.05)
    assert held.started == ["refuse", "fail", "c"]
    fourth, fourth_connect = await opened(gate, "d")
    assert held.started[-1] == "d", "the failed one's place was given back"
    for name in ("c", "d"):
        held.go[name].set()
    assert (await waiting_connect)[0] and (await fourth_connect)[0]
    await waiting.disconnect()
    await fourth.disconnect()


async def test_http_passes_while_every_place_is_taken(two_at_once):
    held = Held()
    gate = HandshakeGate(held)
    waiting = [await opened(gate, name) for name in ("a", "b", "c")]
    assert held.started == ["a", "b"]  # full: "c" waits
    seen = []

    async def application(scope, receive, send):
        seen.append(scope["type"])

    await asyncio.wait_for(HandshakeGate(application)({"type": "http"}, None, None), 1)
    assert seen == ["http"]
    for name in ("a", "b", "c"):
        await asyncio.sleep(0.05)
        held.go[name].set()
    for communicator, connecting in waiting:
        assert (await connecting)[0]
        await communicator.disconnect()
