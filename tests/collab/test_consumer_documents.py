"""Fetch, subscribe, submit and snapshots through the consumer, one action at a time."""

import pytest
from asgiref.sync import sync_to_async

from documents.models import Document, Operation, Role, Visibility
from tests.collab.messages import URI, create, grant, insert_at, op, stored

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def alice(make_user):
    return await sync_to_async(make_user)(username="alice")


@pytest.fixture
async def bob(make_user):
    return await sync_to_async(make_user)(username="bob")


async def test_fetch_of_a_missing_document(connect, alice):
    client = await connect(alice)
    reply = await client.request({"a": "f", "c": "documents", "d": "nothing-here"})
    # As ShareDB sends it: no data while the document does not exist.
    assert reply == {"a": "f", "c": "documents", "d": "nothing-here", "data": {"v": 0, "type": None}}


async def test_create_then_fetch(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "héllo 🌍")
    reply = await client.request({"a": "f", "c": "documents", "d": "doc1"})
    assert reply["data"] == {"v": 1, "type": URI, "data": "héllo 🌍"}
    content, version, rows = await stored("doc1")
    assert (content, version) == ("héllo 🌍", 1)
    assert rows == [(0, "create", {"type": URI, "data": "héllo 🌍"}, client.id, 1)]
    document = await sync_to_async(Document.objects.get)(key="doc1")
    assert document.created_by_id == alice.pk


@pytest.mark.parametrize("create", [{"type": ["x"]}, {"type": "json0"}, {"type": URI, "data": 5}, {"type": URI, "data": "\ud800"}])
async def test_a_bad_create_is_refused_clearly(connect, alice, create):
    client = await connect(alice)
    reply = await client.request(op(client, "doc1", None, 1, create=create))
    assert reply["error"]["code"] in ("ERR_DOC_TYPE_NOT_RECOGNIZED", "ERR_OT_OP_BADLY_FORMED", "ERR_MESSAGE_BADLY_FORMED"), reply
    assert not await sync_to_async(Document.objects.filter(key="doc1").exists)()


async def test_a_second_create_is_refused_and_a_resent_one_acknowledged(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "a", seq=1)
    await create(client, "doc1", "a", seq=1)  # the same src/seq: acknowledged again
    other = await connect(alice)
    reply = await other.request(op(other, "doc1", 0, 1, create={"type": URI, "data": "b"}))
    assert reply["error"]["code"] == "ERR_DOC_ALREADY_CREATED"
    assert (await stored("doc1"))[1] == 1


async def test_subscriber_receives_each_op_once_in_order(connect, alice, bob):
    writer, reader = await connect(alice), await connect(bob)
    await create(writer, "doc1", "", seq=1)
    await sync_to_async(Document.objects.filter(key="doc1").update)(visibility=Visibility.LINK_VIEW)
    assert (await reader.request({"a": "s", "c": "documents", "d": "doc1"}))["data"]["v"] == 1
    for seq, text in enumerate("abc", start=2):
        ack = await writer.request(op(writer, "doc1", seq - 1, seq, op=insert_at(seq - 2, text)))
        assert ack["v"] == seq - 1
    received = [await reader.receive() for _ in range(3)]
    # The reader sees the writer's connection id masked, the same for each op.
    assert [(m["v"], m["op"]) for m in received] == [(1, ["a"]), (2, [1, "b"]), (3, [2, "c"])]
    assert len({m["src"] for m in received}) == 1 and writer.id not in str(received)
    assert await reader.nothing_more()
    assert await writer.nothing_more()  # the writer gets acks, never its own ops


async def test_a_stale_op_is_transformed_and_the_missed_ops_come_before_the_ack(connect, alice, bob):
    first, second = await connect(alice), await connect(alice)
    await create(first, "doc1", "ab", seq=1)
    await first.request(op(first, "doc1", 1, 2, op=[1, "X"]))
    await second.send(op(second, "doc1", 1, 1, op=[2, "Y"]))
    missed = await second.receive()
    assert (missed["v"], missed["op"]) == (1, [1, "X"]) and missed["src"] != first.id
    assert (await second.receive())["v"] == 2  # the ack
    content, version, rows = await stored("doc1")
    assert (content, version) == ("aXbY", 3)
    assert rows[-1] == (2, "edit", [3, "Y"], second.id, 1)


async def test_a_resent_op_is_acknowledged_and_not_applied_twice(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "", seq=1)
    message = op(client, "doc1", 1, 2, op=["x"])
    assert (await client.request(message))["v"] == 1
    assert (await client.request(message))["v"] == 1
    assert (await stored("doc1"))[:2] == ("x", 2)


async def test_an_invalid_op_leaves_the_document_and_connection_intact(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "abc", seq=1)
    for seq, bad in enumerate([[10, "x"], [{"d": "zz"}], [True], [1, 1, "x"], ["a", "b"], "x", {"d": 1}], start=2):
        reply = await client.request(op(client, "doc1", 1, seq, op=bad))
        assert reply["error"]["code"] in ("ERR_OT_OP_BADLY_FORMED", "ERR_MESSAGE_BADLY_FORMED"), reply
    assert (await stored("doc1"))[:2] == ("abc", 1)
    assert (await client.request(op(client, "doc1", 1, 20, op=[3, "d"])))["v"] == 1


async def test_an_op_newer_than_the_document_is_refused(connect, alice):
    client = await connect(alice)
    await create(client, "doc1")
    reply = await client.request(op(client, "doc1", 5, 2, op=["x"]))
    assert reply["error"]["code"] == "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT"


async def test_a_viewer_cannot_edit_and_a_stranger_cannot_read(connect, alice, bob):
    owner = await connect(alice)
    await create(owner, "doc1", "secret")
    stranger = await connect(bob)
    reply = await stranger.request({"a": "f", "c": "documents", "d": "doc1"})
    assert reply["data"] == {"v": 0, "type": None}  # a private document looks missing
    await grant("doc1", bob, Role.VIEWER)
    assert (await stranger.request({"a": "f", "c": "documents", "d": "doc1"}))["data"]["data"] == "secret"
    reply = await stranger.request(op(stranger, "doc1", 1, 1, op=["x"]))
    assert reply["error"]["code"] == "ERR_OP_SUBMIT_REJECTED"
    assert (await stored("doc1"))[:2] == ("secret", 1)


async def test_only_an_owner_deletes(connect, alice, bob):
    owner, editor = await connect(alice), await connect(bob)
    await create(owner, "doc1", "text")
    await grant("doc1", bob, Role.EDITOR)
    assert (await editor.request(op(editor, "doc1", 1, 1, **{"del": True})))["error"]["code"] == "ERR_OP_SUBMIT_REJECTED"
    assert (await owner.request(op(owner, "doc1", 1, 2, **{"del": True})))["v"] == 1
    assert (await owner.request({"a": "f", "c": "documents", "d": "doc1"}))["data"] == {"v": 2, "type": None}
    assert (await editor.request(op(editor, "doc1", 2, 2, op=["x"])))["error"]["code"] == "ERR_DOC_DOES_NOT_EXIST"


async def test_snapshots_at_every_version_and_by_time(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "")
    for seq, text in enumerate("xyz", start=2):
        await client.request(op(client, "doc1", seq - 1, seq, op=insert_at(seq - 2, text)))
    expected = [None, "", "x", "xy", "xyz"]
    for version, data in enumerate(expected):
        reply = await client.request({"a": "nf", "id": version + 1, "c": "documents", "d": "doc1", "v": version})
        assert (reply["a"], reply["id"], reply["v"], reply.get("data", "absent")) == ("nf", version + 1, version, "absent" if data is None else data)
    latest = await client.request({"a": "nf", "id": 9, "c": "documents", "d": "doc1", "v": None})
    assert (latest["v"], latest["data"]) == (4, "xyz")
    too_new = await client.request({"a": "nf", "id": 10, "c": "documents", "d": "doc1", "v": 5})
    assert too_new["error"]["code"] == "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT"
    times = await sync_to_async(lambda: list(Operation.objects.order_by("version").values_list("created_at", flat=True)))()
    middle = int(times[2].timestamp() * 1000)
    reply = await client.request({"a": "nt", "id": 11, "c": "documents", "d": "doc1", "ts": middle})
    assert reply["v"] >= 3 and reply.get("data") == expected[reply["v"]]
    assert (await client.request({"a": "nt", "id": 12, "c": "documents", "d": "doc1", "ts": 0}))["v"] == 0


async def test_fetch_and_subscribe_from_a_version_send_the_missing_ops(connect, alice):
    client = await connect(alice)
    await create(client, "doc1", "")
    for seq in range(2, 5):
        await client.request(op(client, "doc1", seq - 1, seq, op=["x"]))
    reader = await connect(alice)
    await reader.send({"a": "s", "c": "documents", "d": "doc1", "v": 2})
    received = [await reader.receive() for _ in range(3)]
    assert [m.get("v") for m in received] == [2, 3, None]
    assert received[2] == {"a": "s", "c": "documents", "d": "doc1"}


async def test_bulk_subscribe_fetch_and_unsubscribe(connect, alice):
    client = await connect(alice)
    await create(client, "one", "1", seq=1)
    await create(client, "two", "2", seq=2)
    reply = await client.request({"a": "bs", "c": "documents", "b": ["one", "two", "three"]})
    assert reply["data"] == {
        "one": {"v": 1, "type": URI, "data": "1"}, "two": {"v": 1, "type": URI, "data": "2"},
        "three": {"v": 0, "type": None},
    }
    await client.request(op(client, "one", 1, 3, op=["a"]))
    reader = await connect(alice)
    await reader.send({"a": "bs", "c": "documents", "b": {"one": 1, "two": 1}})
    assert (await reader.receive())["op"] == ["a"]
    assert await reader.receive() == {"a": "bs", "c": "documents", "b": {"one": 1, "two": 1}}
    assert await reader.request({"a": "bu", "c": "documents", "b": ["one", "two"]}) == {"a": "bu", "c": "documents", "b": ["one", "two"]}
    await client.request(op(client, "one", 2, 4, op=["b"]))
    assert await reader.nothing_more()


async def test_bulk_reports_errors_per_document(connect, alice, bob):
    owner = await connect(alice)
    await create(owner, "mine", "m", seq=1)
    await create(owner, "open", "o", seq=2)
    await sync_to_async(Document.objects.filter(key="open").update)(visibility=Visibility.LINK_VIEW)
    other = await connect(bob)
    reply = await other.request({"a": "bf", "c": "documents", "b": {"mine": 1, "open": 1}})
    # "mine" is private: to bob it is a missing document, so version 1 is in its future.
    assert reply["data"]["mine"]["error"]["code"] == "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT"
    assert reply["data"]["open"] == {"v": 1, "type": URI, "data": "o"}


async def test_a_gap_is_filled_from_the_database(connect, alice):
    from channels.layers import get_channel_layer

    from collab.broadcast import document_group

    client = await connect(alice)
    await create(client, "doc1", "")
    reader = await connect(alice)
    await reader.request({"a": "s", "c": "documents", "d": "doc1"})
    # Commit two ops straight to the database, then publish only the second.
    await client.request(op(client, "doc1", 1, 2, op=["a"]))
    await client.request(op(client, "doc1", 2, 3, op=["b"]))
    assert [(await reader.receive())["v"] for _ in range(2)] == [1, 2]
    await sync_to_async(Operation.objects.create)(
        document=await sync_to_async(Document.objects.get)(key="doc1"), version=3, kind="edit", op=["c"], src="s", seq=1)
    await sync_to_async(Operation.objects.create)(
        document=await sync_to_async(Document.objects.get)(key="doc1"), version=4, kind="edit", op=["d"], src="s", seq=2)
    from collab.broadcast import op_event
    from collab.store import OpRow

    await get_channel_layer().group_send(document_group("doc1"), op_event("doc1", OpRow(4, "edit", ["d"], "s", 2)))
    assert [(await reader.receive())["op"] for _ in range(2)] == [["c"], ["d"]]
    await get_channel_layer().group_send(document_group("doc1"), op_event("doc1", OpRow(3, "edit", ["c"], "s", 1)))
    assert await reader.nothing_more()


async def test_an_op_nobody_else_here_has_open_is_not_published(connect, alice, bob, monkeypatch):
    from collab import engine

    published = []
    real_publish = engine.publish_op_now  # the in-memory layer's

    def recording(key, row):
        published.append(row.version)
        real_publish(key, row)

    monkeypatch.setattr(engine, "publish_op_now", recording)
    writer = await connect(alice)
    await create(writer, "doc1", "")
    await writer.request({"a": "s", "c": "documents", "d": "doc1"})
    await writer.request(op(writer, "doc1", 1, 2, op=["a"]))
    assert published == []  # only the writer has it open, and it gets its ack
    await sync_to_async(Document.objects.filter(key="doc1").update)(visibility=Visibility.LINK_VIEW)
    reader = await connect(bob)
    await reader.request({"a": "s", "c": "documents", "d": "doc1"})
    await writer.request(op(writer, "doc1", 2, 3, op=["b"]))
    assert published == [2] and (await reader.receive())["op"] == ["b"]
