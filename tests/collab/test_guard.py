"""The flood guard's bars, on a clock the test moves, and its place in front of the consumer."""

import pytest
from channels.testing import WebsocketCommunicator

from collab.guard import LONGEST_BAR_SECONDS, Bars, FloodGuard, bars, client_key


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_bar_lasts_its_time_and_each_repeat_twice_the_last():
    clock = Clock()
    barred = Bars(clock)
    barred.bar("k", 10)
    assert barred.barred("k")
    clock.now += 10
    assert not barred.barred("k")
    barred.bar("k", 10)
    clock.now += 19
    assert barred.barred("k")
    clock.now += 1
    assert not barred.barred("k")
    for _ in range(20):
        barred.bar("k", 10)
        clock.now += LONGEST_BAR_SECONDS
    assert barred.last["k"][1] == LONGEST_BAR_SECONDS
    clock.now += 2 * LONGEST_BAR_SECONDS  # a quiet hour after the last one: a clean slate
    barred.bar("k", 10)
    assert barred.last["k"][1] == 10


def test_clients_are_told_apart_by_session_cookie_or_else_address(settings):
    with_cookie = {"headers": [(b"cookie", f"csrftoken=x; {settings.SESSION_COOKIE_NAME}=abc".encode())], "client": ("10.0.0.1", 1)}
    assert client_key(with_cookie) == "session:abc"
    assert client_key({"headers": [], "client": ("10.0.0.2", 5)}) == "address:10.0.0.2"


@pytest.mark.django_db(transaction=True)
async def test_a_barred_client_is_refused_at_the_handshake_before_anything_runs(settings, monkeypatch):
    monkeypatch.setattr("collab.guard.REFUSAL_DELAY_SECONDS", (0, 0))
    reached = []

    async def application(scope, receive, send):
        reached.append(scope)
        await receive()
        await send({"type": "websocket.accept"})

    bars.bar("address:10.9.9.9", 60)
    try:
        communicator = WebsocketCommunicator(FloodGuard(application), "/ws/collab/")
        communicator.scope["client"] = ("10.9.9.9", 1)
        connected, code = await communicator.connect()
        assert (connected, code) == (False, 1008) and reached == []
        other = WebsocketCommunicator(FloodGuard(application), "/ws/collab/")
        other.scope["client"] = ("10.9.9.8", 1)
        assert (await other.connect())[0] and len(reached) == 1
    finally:
        bars.until.clear()
        bars.last.clear()


def test_the_session_cookie_is_found_among_others(settings):
    from collab.guard import session_cookie

    name = settings.SESSION_COOKIE_NAME
    headers = lambda value: {"headers": [(b"host", b"x"), (b"cookie", value.encode())]}  # noqa: E731
    assert session_cookie(headers(f"csrftoken=a; {name}=abc123; theme=dark")) == "abc123"
    assert session_cookie(headers(f'{name}="quoted"')) == "quoted"
    assert session_cookie(headers(f"x{name}=no; other=1")) is None
    assert session_cookie({"headers": []}) is None


def test_a_repeated_session_cookie_means_the_session_djangos_pages_see():
    """Found in review: the socket took the first of two session cookies, Django's pages the last,
    so a socket could act as another session than the page that opened it."""
    from django.conf import settings
    from django.http.cookie import parse_cookie

    from collab.guard import session_cookie

    name = settings.SESSION_COOKIE_NAME
    value = f"{name}=first; theme=dark; {name}=second"
    assert session_cookie({"headers": [(b"cookie", value.encode())]}) == parse_cookie(value)[name] == "second"


def test_the_websocket_application_alone_is_asgi_3_to_servers():
    """Found in review: the guard's plain __call__ made uvicorn serve it as ASGI 2 when it is the top application."""
    import uvicorn

    from collab.asgi import websocket_application

    config = uvicorn.Config(websocket_application())
    config.load()
    assert config.interface == "asgi3"
