"""The socket's user comes from the session cookie, checked as Django checks it."""

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import given, settings
from hypothesis import strategies as st
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


def stores_agree(session_key):
    """(what Django's database store reads for the key, what ours reads): the data, and the key kept."""
    from django.contrib.sessions.backends.db import SessionStore

    from collab.auth import QuickSessionStore

    theirs, ours = SessionStore(session_key), QuickSessionStore(session_key)
    return (dict(theirs.items()), theirs.session_key), (dict(ours.items()), ours.session_key)


def test_the_quick_store_reads_what_djangos_database_store_reads(client, make_user, settings):
    """Signed and salted as Django's own store (the salt names the class); tampered with: nothing;
    expired, unknown or malformed: nothing, and no key kept."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(make_user())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    theirs, ours = stores_agree(key)
    assert theirs == ours and ours[0]["_auth_user_id"] and ours[1] == key
    row = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(session_data=row.session_data[:-2] + "xx")  # a forged signature
    theirs, ours = stores_agree(key)
    assert theirs == ours and ours[0] == {}
    Session.objects.filter(session_key=key).update(session_data=row.session_data, expire_date=timezone.now())  # expired
    assert stores_agree(key) == (({}, None), ({}, None))
    for other in (None, "", "short", "x" * 40, "' OR 1=1 --"):
        assert stores_agree(other) == (({}, None), ({}, None))


NEAR_MISSES = {
    "itself": lambda key: key, "upper": str.upper, "one more": lambda key: key + "a", "one less": lambda key: key[:-1],
    "padded": lambda key: f" {key}", "wildcard": lambda key: key[:-1] + "%", "quoted": lambda key: key + "' OR '1'='1",
}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(NEAR_MISSES)) | st.text(max_size=60))
def test_any_cookie_value_reads_the_same_in_both_stores(django_db_blocker, cookie):
    """Against a stored session: the key itself, keys a character off it, and anything else."""
    from django.contrib.sessions.backends.db import SessionStore

    with django_db_blocker.unblock():
        stored = SessionStore()
        stored["_auth_user_id"] = "1"
        stored.create()
        key = NEAR_MISSES[cookie](stored.session_key) if cookie in NEAR_MISSES else cookie.replace("\x00", "")
        theirs, ours = stores_agree(key)
        stored.delete()
    assert theirs == ours
    assert (ours[0] != {}) == (key == stored.session_key)


def test_the_quick_store_stands_in_only_for_djangos_database_store(settings):
    from django.contrib.sessions.backends import cache, cached_db, signed_cookies

    from collab.auth import QuickSessionStore, session_store_class

    assert session_store_class() is QuickSessionStore
    for engine in (cached_db, cache, signed_cookies):
        settings.SESSION_ENGINE = engine.__name__
        assert session_store_class() is engine.SessionStore


async def test_two_people_signed_in_through_the_login_page_each_get_their_own_user_on_the_socket(make_user, settings):
    """The site signs in through collab.backends.QuickModelBackend: each session reads back its own user, and
    a session signed in through a backend no longer listed reads back nobody, as Django's get_user decides."""
    from asgiref.sync import sync_to_async
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import AsyncClient

    assert settings.AUTHENTICATION_BACKENDS == ["collab.backends.QuickModelBackend"]
    people = [await sync_to_async(make_user)() for _ in range(2)]
    cookies = []
    for person in people:
        browser = AsyncClient()
        response = await browser.post("/accounts/login/", {"username": person.username, "password": "pw-for-tests-only"})
        assert response.status_code == 302
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}")
    assert [(await who(cookie))["user"] for cookie in cookies] == people

    @sync_to_async
    def signed_in_through_model_backend(cookie):
        session = SessionStore(cookie.split("=", 1)[1])
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session.save()

    await signed_in_through_model_backend(cookies[0])
    assert not (await who(cookies[0]))["user"].is_authenticated
    assert (await who(cookies[1]))["user"] == people[1]
