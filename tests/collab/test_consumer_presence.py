"""Presence relayed per channel, transformed to the current version, cleared on leaving."""

import pytest
from asgiref.sync import sync_to_async

from documents.models import Document, Visibility

pytestmark = pytest.mark.django_db(transaction=True)
URI = "http://sharejs.org/types/text-unicode"
CHANNEL = "documents.doc1"


@pytest.fixture
async def two_clients(connect, make_user):
    alice = await sync_to_async(make_user)(username="alice", first_name="Alice", last_name="A")
    bob = await sync_to_async(make_user)(username="bob")
    first, second = await connect(alice), await connect(bob)
    await first.request({"a": "op", "c": "documents", "d": "doc1", "src": first.id, "seq": 1, "create": {"type": URI, "data": "hello"}})
    await sync_to_async(Document.objects.filter(key="doc1").update)(visibility=Visibility.LINK_EDIT)
    for client, seq in ((first, 1), (second, 1)):
        assert await client.request({"a": "ps", "ch": CHANNEL, "seq": seq}) == {"a": "ps", "ch": CHANNEL, "seq": seq}
    assert await first.receive() == {"a": "pr", "ch": CHANNEL}  # the second asked the others for theirs
    return first, second


def presence(value, pv, v):
    return {"a": "p", "ch": CHANNEL, "id": "caret-1", "p": value, "pv": pv, "c": "documents", "d": "doc1", "v": v, "t": URI}


async def test_presence_reaches_the_others_with_the_server_known_name(two_clients):
    first, second = two_clients
    ack = await first.request(presence({"start": 1, "end": 3, "user": {"name": "Mallory"}}, 0, 1))
    relayed = await second.receive()
    assert relayed == {**ack, "src": relayed["src"]}
    assert relayed["p"] == {"start": 1, "end": 3, "user": {"id": relayed["p"]["user"]["id"], "name": "Alice A"}}
    assert ack["src"] == first.id and relayed["src"] != first.id  # others see a masked id
    assert await first.nothing_more()


async def test_stale_presence_is_transformed_to_the_current_version(two_clients):
    first, second = two_clients
    await second.request({"a": "op", "c": "documents", "d": "doc1", "v": 1, "src": second.id, "seq": 1, "op": ["ab"]})
    await first.request(presence({"start": 1, "end": 3}, 0, 1))
    relayed = await second.receive()
    assert (relayed["v"], relayed["p"]["start"], relayed["p"]["end"]) == (2, 3, 5)


async def test_presence_is_cleared_on_unsubscribe_and_disconnect(two_clients):
    first, second = two_clients
    await first.request(presence({"start": 0, "end": 0}, 4, 1))
    relayed_src = (await second.receive())["src"]
    await first.request({"a": "pu", "ch": CHANNEL, "seq": 2})
    gone = await second.receive()
    assert (gone["id"], gone["p"], gone["pv"], gone["src"]) == ("caret-1", None, 5, relayed_src)
    await second.request(presence({"start": 2, "end": 2}, 0, 1))
    await second.close()
    assert await first.nothing_more()  # first unsubscribed, so hears nothing


async def test_disconnect_clears_presence(two_clients):
    first, second = two_clients
    await first.request(presence({"start": 0, "end": 1}, 0, 1))
    await second.receive()
    await first.close()
    assert (await second.receive())["p"] is None


async def test_presence_needs_view_permission(connect, make_user):
    owner = await connect(await sync_to_async(make_user)())
    await owner.request({"a": "op", "c": "documents", "d": "doc1", "src": owner.id, "seq": 1, "create": {"type": URI, "data": ""}})
    assert await owner.request({"a": "ps", "ch": CHANNEL, "seq": 1}) == {"a": "ps", "ch": CHANNEL, "seq": 1}
    stranger = await connect(await sync_to_async(make_user)())
    # To the stranger the private document looks missing: subscribing works, nothing is relayed either way.
    assert await stranger.request({"a": "ps", "ch": CHANNEL, "seq": 1}) == {"a": "ps", "ch": CHANNEL, "seq": 1}
    assert (await stranger.request(presence({"start": 0, "end": 0}, 0, 0)))["p"]["start"] == 0
    await stranger.send({"a": "pr", "ch": CHANNEL})
    assert await owner.nothing_more()
    await owner.request(presence({"start": 0, "end": 0}, 0, 1))
    assert await stranger.nothing_more()
