"""The consumer's handshake, message checks and error replies."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from tests.collab.wsclient import RawClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def user(make_user):
    return await sync_to_async(make_user)()


async def test_connect_sends_the_legacy_init_and_hs_keeps_the_id(connect, user):
    client = await connect(user)
    assert client.init == {"a": "init", "protocol": 1, "protocolMinor": 2, "id": client.id, "type": "http://sharejs.org/types/JSONv0"}
    reply = await client.request({"a": "hs", "id": None, "protocol": 1, "protocolMinor": 2})
    assert reply == {**client.init, "a": "hs"}


async def test_hs_adopts_the_id_of_a_reconnecting_client(connect, user):
    earlier = await connect(user)
    client = await connect(user)
    assert (await client.request({"a": "hs", "id": earlier.id, "protocol": 1, "protocolMinor": 2}))["id"] == earlier.id
    # An id that was not issued to this user is ignored.
    assert (await client.request({"a": "hs", "id": "x" * 32, "protocol": 1}))["id"] == earlier.id


async def test_anonymous_connections_are_refused_by_default():
    client = RawClient(AnonymousUser())
    assert not await client.connect()


async def test_anonymous_connections_allowed_by_setting(settings):
    settings.COLLAB = {"ANONYMOUS": "view"}
    client = RawClient(AnonymousUser())
    assert await client.connect()
    await client.close()


BAD_MESSAGES = [
    ("not json", "message is not valid JSON"),
    ('{"a": "f", "c": "documents", "d": "x", "v": NaN}', "message is not valid JSON: unexpected character"),
    ('{"a": "pp", "x": Infinity}', "message is not valid JSON: unexpected character"),
    ('{"a": "f", "c": "documents", "d": "x", "v": 123456789012345678901234567890}', "'v' must be a non-negative integer"),
    ('{"a": "pp", "x": 1e400}', "a number too large for JSON"),
    ('{"a": "pp", "x": ' + "[" * 5000 + "]" * 5000 + "}", "nests too deeply"),
    ('{"a": "pp", "x": ' + "[" * 40 + "]" * 40 + "}", "nests deeper than 32"),
    ('[1, 2]', "a message must be a JSON object"),
    ('{"a": "zz"}', "unknown action 'zz'"),
    ('{"a": "__init__"}', "unknown action"),
    ('{"a": "f", "c": "documents", "d": "bad id!"}', "'d' must be 1 to 128 letters"),
    ('{"a": "f", "c": "documents", "d": 5}', "'d' must be 1 to 128 letters"),
    ('{"a": "f", "c": "other", "d": "x"}', "unknown collection 'other'"),
    ('{"a": "f", "d": "x"}', "'c' is missing"),
    ('{"a": "f", "c": "documents", "d": "x", "v": -1}', "'v' must be a non-negative integer"),
    ('{"a": "f", "c": "documents", "d": "x", "v": true}', "'v' must be a non-negative integer"),
    ('{"a": "f", "c": "documents", "d": "x", "v": 1.5}', "'v' must be a non-negative integer"),
    ('{"a": "op", "c": "documents", "d": "x", "v": 0, "seq": "1", "op": []}', "'seq' must be a non-negative integer"),
    ('{"a": "bs", "c": "documents", "b": "x"}', "'b' must be a list of ids"),
    ('{"a": "bs", "c": "documents", "b": [[1]]}', "'b' must be a list of ids"),
    ('{"a": "bs", "c": "documents", "b": {"x": "1"}}', "'v' must be a non-negative integer"),
    ('{"a": "p", "ch": "elsewhere", "id": "p1", "pv": 0, "p": null}', "presence channel must be 'documents.<document id>'"),
]


@pytest.mark.parametrize(("text", "message"), BAD_MESSAGES)
async def test_bad_messages_get_an_error_and_the_connection_stays(text, message, connect, user):
    client = await connect(user)
    reply = await client.request(text)
    assert reply["error"]["code"] == "ERR_MESSAGE_BADLY_FORMED"
    assert message in reply["error"]["message"]
    assert await client.request({"a": "pp"}) == {"a": "pp"}


async def test_an_error_reply_echoes_the_well_formed_routing_fields_only(connect, user):
    client = await connect(user)
    request = {"a": "f", "c": "documents", "d": "bad id!", "extra": [1]}
    reply = await client.request(request)
    assert reply == {"a": "f", "c": "documents", "error": {"code": "ERR_MESSAGE_BADLY_FORMED", "message": reply["error"]["message"]}}


async def test_queries_answer_a_clear_error(connect, user):
    client = await connect(user)
    for action in ("qf", "qs", "qu"):
        reply = await client.request({"a": action, "id": 1, "c": "documents", "q": {}})
        assert reply["error"]["code"] == "ERR_QUERIES_NOT_SUPPORTED"
