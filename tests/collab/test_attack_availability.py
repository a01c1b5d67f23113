"""Attacks on availability: no input breaks a connection, least of all someone else's; limits hold."""

import json

import pytest
from asgiref.sync import sync_to_async

from tests.collab.messages import URI, create, op, stored
from tests.collab.wsclient import RawClient

pytestmark = pytest.mark.django_db(transaction=True)


async def still_answers(client):
    assert await client.request({"a": "pp"}) == {"a": "pp"}


@pytest.mark.parametrize("text", [
    '{"a": "pp", "x": "\\ud800"}',
    '{"a": "f", "c": "documents", "d": "\\udfff"}',
    '{"a": "f", "c": "\\ud800documents", "d": "secret"}',
    '{"a": "hs", "id": "\\ud800"}',
    '{"a": "op", "c": "documents", "d": "secret", "v": 1, "seq": 1, "op": ["\\ud83d"]}',
    '{"a": "p", "ch": "documents.secret", "id": "\\ud800", "pv": 0, "p": {"start": 0, "end": 0}}',
    '{"a": "p", "ch": "documents.secret", "id": "c", "pv": 0, "p": {"start": 0, "end": 0, "\\ud800": 1}}',
    '{"\\ud800": 1, "a": "pp"}',
])
async def test_lone_surrogates_are_refused_anywhere_and_reach_nobody(text, connect, cast):
    owner = await connect(cast["owner"])
    await owner.request({"a": "s", "c": "documents", "d": "secret"})
    await owner.request({"a": "ps", "ch": "documents.secret", "seq": 1})
    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "ps", "ch": "documents.secret", "seq": 1})
    await owner.receive()  # the viewer asked for presence
    reply = await viewer.request(text)
    assert reply["error"]["code"] == "ERR_MESSAGE_BADLY_FORMED"
    json.dumps(reply, ensure_ascii=False).encode()  # the reply itself is valid Unicode
    assert await owner.nothing_more()
    await still_answers(viewer)
    await still_answers(owner)


@pytest.mark.parametrize(("text", "says"), [
    ('{"a": 1e400}', "a number too large for JSON"),
    ('{"a": "pp", "x": -1e400}', "a number too large for JSON"),
    ('{"a": []}', "'a' must be the action"),
    ('{"a": {}}', "'a' must be the action"),
    ('{"a": null}', "'a' must be the action"),
])
async def test_numbers_and_shapes_get_a_clear_error_in_valid_json(text, says, connect, cast):
    client = await connect(cast["viewer"])
    reply = await client.request(text)
    assert says in reply["error"]["message"]
    await still_answers(client)


async def test_a_timestamp_past_year_9999_means_now(connect, cast):
    client = await connect(cast["viewer"])
    reply = await client.request({"a": "nt", "id": 1, "c": "documents", "d": "secret", "ts": 2**53 - 1})
    assert (reply["v"], reply["data"]) == (1, "the secret text")


async def test_a_message_over_the_byte_limit_is_refused_and_then_closed_with_1009(connect, cast, settings):
    settings.COLLAB = {"LIMIT_STRIKES": 3}
    client = await connect(cast["editor"])
    paste = op(client, "secret", 1, 1, op=["€" * 400_000])  # 400,000 characters, 1.2 MB
    reply = await client.request(paste)
    assert reply["error"]["code"] == "ERR_MESSAGE_TOO_LARGE" and reply["seq"] == 1
    await still_answers(client)
    for _ in range(3):
        await client.send(paste)
    assert await client.close_code() == 1009
    assert (await stored("secret"))[:2] == ("the secret text", 1)


async def test_a_document_cannot_grow_past_its_limit_and_stays_readable(connect, cast, settings):
    settings.COLLAB = {"MAX_DOCUMENT_BYTES": 1000}
    client = await connect(cast["editor"])
    assert (await client.request(op(client, "secret", 1, 1, op=["x" * 900])))["v"] == 1
    reply = await client.request(op(client, "secret", 2, 2, op=["\n" * 60]))  # 60 characters, 120 bytes as JSON
    assert reply["error"]["code"] == "ERR_DOC_TOO_LARGE"
    assert (await client.request({"a": "f", "c": "documents", "d": "secret"}))["data"]["v"] == 2
    assert (await client.request(op(client, "secret", 2, 3, create={"type": URI, "data": "y" * 1001})))["error"]["code"] in (
        "ERR_DOC_TOO_LARGE",)


async def test_a_bulk_reply_too_large_for_one_message_comes_in_parts(connect, make_user, settings):
    settings.COLLAB = {"MAX_MESSAGE_BYTES": 200_000, "MAX_DOCUMENT_BYTES": 120_000}
    client = await connect(await sync_to_async(make_user)())
    for seq, key in enumerate(("one", "two", "three"), start=1):
        await create(client, key, key[0] * 110_000, seq=seq)
    await client.send({"a": "bf", "c": "documents", "b": ["one", "two", "three"]})
    parts = [await client.receive() for _ in range(3)]
    assert [sorted(part["data"]) for part in parts] == [["one"], ["two"], ["three"]]
    assert all(len(json.dumps(part).encode()) <= 200_000 for part in parts)


async def test_a_flooding_connection_is_refused_then_closed_and_others_are_untouched(connect, cast, settings):
    settings.COLLAB = {"MESSAGES_PER_SECOND": 1, "MESSAGE_BURST": 10, "LIMIT_STRIKES": 5}
    flooder, bystander = await connect(cast["viewer"]), await connect(cast["editor"])
    replies = [await flooder.request({"a": "pp"}) for _ in range(10)]
    assert replies == [{"a": "pp"}] * 10
    refused = await flooder.request({"a": "pp"})
    assert refused["error"]["code"] == "ERR_RATE_LIMITED"
    for _ in range(10):
        await flooder.send({"a": "pp"})
    assert await flooder.close_code() == 1008
    await still_answers(bystander)


async def test_ops_have_their_own_rate(connect, cast, settings):
    settings.COLLAB = {"OPS_PER_SECOND": 1, "OPS_BURST": 2}
    client = await connect(cast["editor"])
    assert (await client.request(op(client, "secret", 1, 1, op=["a"])))["v"] == 1
    assert (await client.request(op(client, "secret", 2, 2, op=["b"])))["v"] == 2
    assert (await client.request(op(client, "secret", 3, 3, op=["c"])))["error"]["code"] == "ERR_RATE_LIMITED"
    assert (await stored("secret"))[1] == 3


async def test_bulk_requests_and_subscriptions_are_bounded(connect, cast, settings):
    settings.COLLAB = {"MAX_BULK_DOCUMENTS": 5, "MAX_SUBSCRIPTIONS": 3}
    client = await connect(cast["viewer"])
    reply = await client.request({"a": "bs", "c": "documents", "b": [f"d{n}" for n in range(6)]})
    assert reply["error"]["code"] == "ERR_LIMIT_EXCEEDED" and "b" not in reply
    for n in range(3):
        assert "error" not in await client.request({"a": "s", "c": "documents", "d": f"d{n}"})
    assert (await client.request({"a": "s", "c": "documents", "d": "d3"}))["error"]["code"] == "ERR_LIMIT_EXCEEDED"
    assert (await client.request({"a": "ps", "ch": "documents.d4", "seq": 1}))["error"]["code"] == "ERR_LIMIT_EXCEEDED"
    await client.request({"a": "u", "c": "documents", "d": "d0"})
    assert "error" not in await client.request({"a": "s", "c": "documents", "d": "d3"})


async def test_connections_per_user_are_bounded_and_other_users_unaffected(connect, cast, settings):
    settings.COLLAB = {"MAX_CONNECTIONS_PER_USER": 2}
    await connect(cast["viewer"])
    await connect(cast["viewer"])
    extra = RawClient(cast["viewer"])
    assert await extra.communicator.connect()
    refusal = await extra.receive()
    assert refusal["error"]["code"] == "ERR_LIMIT_EXCEEDED"
    assert await extra.close_code() == 1008
    await still_answers(await connect(cast["editor"]))


@pytest.mark.parametrize(("value", "says"), [
    ({"start": -1, "end": 0}, "'start' must be a non-negative integer"),
    ({"start": 0, "end": "1"}, "'end' must be a non-negative integer"),
    ({"start": 0, "end": 1.5}, "'end' must be a non-negative integer"),
    ({"start": 0}, "'end' must be a non-negative integer"),
    ({"start": 0, "end": 16}, "outside the document"),
    ([0, 1], "'p' must be an object"),
])
async def test_presence_values_are_checked(value, says, connect, cast):
    client = await connect(cast["viewer"])
    reply = await client.request({"a": "p", "ch": "documents.secret", "id": "c", "pv": 0, "p": value, "v": 1})
    assert says in reply["error"]["message"]


async def test_presence_keeps_only_the_fields_the_server_can_bound(connect, cast):
    owner, viewer = await connect(cast["owner"]), await connect(cast["viewer"])
    await owner.request({"a": "ps", "ch": "documents.secret", "seq": 1})
    value = {"start": 15, "end": 0, "colour": "x" * 100_000, "user": {"name": "Owner, honestly"}}
    await viewer.request({"a": "p", "ch": "documents.secret", "id": "c", "pv": 0, "p": value, "v": 1})
    relayed = await owner.receive()
    assert relayed["p"] == {"start": 15, "end": 0, "user": {"id": str(cast["viewer"].pk), "name": "viewer"}}


async def test_more_connections_buy_no_more_rate_and_a_struck_out_user_must_wait(connect, cast, settings):
    settings.COLLAB = {"MESSAGES_PER_SECOND": 1, "MESSAGE_BURST": 4, "LIMIT_STRIKES": 2}
    first, second = await connect(cast["viewer"]), await connect(cast["viewer"])
    assert [await client.request({"a": "pp"}) for client in (first, second, first, second)] == [{"a": "pp"}] * 4
    assert (await second.request({"a": "pp"}))["error"]["code"] == "ERR_RATE_LIMITED"
    await first.send({"a": "pp"})
    await first.send({"a": "pp"})
    assert await first.close_code() == 1008
    late = RawClient(cast["viewer"])
    assert await late.communicator.connect()
    assert (await late.receive())["error"]["code"] == "ERR_RATE_LIMITED"
    assert await late.close_code() == 1008
    await still_answers(await connect(cast["editor"]))
