"""The socket's user comes from the session cookie, checked as Django checks it."""

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import HASH_SESSION_KEY

from collab.auth import SessionUserMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


async def who(cookie):
    seen = {}

    async def application(scope, receive, send):
        seen["user"], seen["session"] = scope["user"], scope["session"]
        await receive()
        await send({"type": "websocket.accept"})

    communicator = WebsocketCommunicator(SessionUserMiddleware(application), "/ws/collab/",
                                         headers=[(b"cookie", cookie.encode())] if cookie else [])
    await communicator.connect()
    await communicator.disconnect()
    return seen


async def test_a_signed_in_session_gives_its_user_and_anything_else_anonymous(async_client, make_user, settings):
    from asgiref.sync import sync_to_async

    user = await sync_to_async(make_user)()
    await async_client.aforce_login(user)
    session_key = async_client.cookies[settings.SESSION_COOKIE_NAME].value
    seen = await who(f"{settings.SESSION_COOKIE_NAME}={session_key}")
    assert seen["user"] == user and seen["session"].session_key == session_key
    assert not (await who(None))["user"].is_authenticated
    assert not (await who(f"{settings.SESSION_COOKIE_NAME}=forged"))["user"].is_authenticated


async def test_a_session_whose_password_hash_no_longer_matches_is_anonymous(async_client, make_user, settings):
    from asgiref.sync import sync_to_async
    from django.contrib.sessions.backends.db import SessionStore

    user = await sync_to_async(make_user)()
    await async_client.aforce_login(user)
    session_key = async_client.cookies[settings.SESSION_COOKIE_NAME].value

    @sync_to_async
    def tamper():
        session = SessionStore(session_key)
        session[HASH_SESSION_KEY] = "not-the-hash"
        session.save()

    await tamper()
    assert not (await who(f"{settings.SESSION_COOKIE_NAME}={session_key}"))["user"].is_authenticated
