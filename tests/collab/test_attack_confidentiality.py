"""Attacks on confidentiality: every read and every delivery is authorised, for each user.

Each test plays the attacker against the `cast` fixture: a private document
"secret" with an owner, an editor, a viewer and a stranger.
"""

import pytest
from asgiref.sync import sync_to_async

from documents.models import Document, DocumentAccess, Role, Visibility
from tests.collab.messages import URI, create, op

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "the secret text"


async def owner_subscribed(connect, cast):
    owner = await connect(cast["owner"])
    await owner.request({"a": "s", "c": "documents", "d": "secret"})
    return owner


async def test_a_stranger_replaying_a_committed_src_and_seq_learns_nothing(connect, cast):
    owner = await owner_subscribed(connect, cast)
    await owner.request(op(owner, "secret", 1, 2, op=["more "]))
    stranger = await connect(cast["stranger"])
    for body in ({"op": ["zz"]}, {"create": {"type": URI, "data": ""}}, {"del": True}):
        # The owner's real id and seq: the worst case, as if it had leaked.
        await stranger.send({"a": "op", "c": "documents", "d": "secret", "v": 0, "src": owner.id, "seq": 2, **body})
        reply = await stranger.receive()
        assert "error" in reply and SECRET not in str(reply) and "more" not in str(reply), reply
        assert await stranger.nothing_more()
    # Under its own id, too.
    reply = await stranger.request(op(stranger, "secret", 0, 1, op=["zz"]))
    assert reply["error"]["code"] == "ERR_DOC_DOES_NOT_EXIST"
    assert await stranger.nothing_more()


async def test_a_private_document_reads_exactly_like_a_missing_one(connect, cast):
    stranger = await connect(cast["stranger"])

    async def answers(key):
        replies = []
        for request in ({"a": "f"}, {"a": "s"}, {"a": "f", "v": 0}, {"a": "f", "v": 1}, {"a": "nf", "id": 1, "v": 0},
                        {"a": "nf", "id": 2, "v": 1}, {"a": "nt", "id": 3, "ts": 2**52}, {"a": "u"}):
            reply = await stranger.request({"c": "documents", "d": key, **request})
            replies.append({name: value for name, value in reply.items() if name != "d"})
            if "error" in reply:
                replies[-1]["error"] = {"code": reply["error"]["code"], "message": reply["error"]["message"].replace(key, "KEY")}
        bulk = await stranger.request({"a": "bf", "c": "documents", "b": [key]})
        replies.append(bulk["data"][key])
        return replies

    assert await answers("secret") == await answers("never-made")


async def test_a_stranger_subscribed_before_the_create_receives_nothing(connect, make_user):
    owner_user, stranger_user = await sync_to_async(make_user)(), await sync_to_async(make_user)()
    stranger = await connect(stranger_user)
    assert (await stranger.request({"a": "s", "c": "documents", "d": "soon"}))["data"] == {"v": 0, "type": None}
    assert (await stranger.request({"a": "ps", "ch": "documents.soon", "seq": 1}))["a"] == "ps"
    owner = await connect(owner_user)
    await create(owner, "soon", "private from the start")
    await owner.request(op(owner, "soon", 1, 2, op=["and edited"]))
    await owner.request({"a": "p", "ch": "documents.soon", "id": "c", "pv": 0, "p": {"start": 0, "end": 0}, "v": 2})
    assert await stranger.nothing_more()
    # Shared later, it gets everything it missed, in order, from the create on.
    await sync_to_async(lambda: Document.objects.get(key="soon").access.create(user=stranger_user, role=Role.VIEWER))()
    received = [await stranger.receive() for _ in range(3)]
    assert [(m["a"], m.get("v")) for m in received[:2]] == [("op", 0), ("op", 1)]
    assert received[0]["create"]["data"] == "private from the start"
    assert received[2] == {"a": "rights", "c": "documents", "d": "soon", "view": True, "edit": False}


async def test_a_reader_whose_role_is_removed_gets_an_error_and_nothing_more(connect, cast):
    owner = await owner_subscribed(connect, cast)
    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})
    await viewer.request({"a": "ps", "ch": "documents.secret", "seq": 1})
    await sync_to_async(DocumentAccess.objects.filter(user=cast["viewer"]).delete)()
    error = await viewer.receive()
    assert error == {"a": "op", "c": "documents", "d": "secret", "error": {
        "code": "ERR_SNAPSHOT_READS_REJECTED", "message": "document 'secret' may no longer be viewed by you"}}
    await owner.request(op(owner, "secret", 1, 2, op=["new "]))
    await owner.request({"a": "p", "ch": "documents.secret", "id": "c", "pv": 0, "p": {"start": 0, "end": 0}, "v": 2})
    assert await viewer.nothing_more()
    # And re-subscribing reads as a missing document.
    assert (await viewer.request({"a": "s", "c": "documents", "d": "secret"}))["data"] == {"v": 0, "type": None}


async def test_making_a_document_private_cuts_off_link_readers(connect, cast, make_user):
    passerby = await sync_to_async(make_user)()

    @sync_to_async
    def set_visibility(value):
        document = Document.objects.get(key="secret")
        document.visibility = value
        document.save()

    await set_visibility(Visibility.LINK_VIEW)
    reader = await connect(passerby)
    assert (await reader.request({"a": "s", "c": "documents", "d": "secret"}))["data"]["data"] == SECRET
    await set_visibility(Visibility.PRIVATE)
    assert (await reader.receive())["error"]["code"] == "ERR_SNAPSHOT_READS_REJECTED"
    owner = await owner_subscribed(connect, cast)
    await owner.request(op(owner, "secret", 1, 2, op=["x"]))
    assert await reader.nothing_more()


async def test_deleting_a_document_ends_its_subscriptions(connect, cast):
    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})
    await sync_to_async(Document.objects.filter(key="secret").delete)()
    assert (await viewer.receive())["error"]["code"] == "ERR_DOC_WAS_DELETED"
    assert await viewer.nothing_more()


async def test_an_editor_lowered_to_viewer_is_told_and_its_next_op_refused(connect, cast):
    editor = await connect(cast["editor"])
    await editor.request({"a": "s", "c": "documents", "d": "secret"})
    await sync_to_async(DocumentAccess.objects.filter(user=cast["editor"]).update_or_create)(
        user=cast["editor"], document=await sync_to_async(Document.objects.get)(key="secret"), defaults={"role": Role.VIEWER})
    assert await editor.receive() == {"a": "rights", "c": "documents", "d": "secret", "view": True, "edit": False}
    reply = await editor.request(op(editor, "secret", 1, 1, op=["x"]))
    assert reply["error"]["code"] == "ERR_OP_SUBMIT_REJECTED"
    assert (await sync_to_async(Document.objects.get)(key="secret")).content == SECRET


async def test_others_see_masked_connection_ids_that_cannot_be_adopted(connect, cast):
    owner = await owner_subscribed(connect, cast)
    editor = await connect(cast["editor"])
    await editor.request({"a": "s", "c": "documents", "d": "secret"})
    await owner.request(op(owner, "secret", 1, 2, op=["x"]))
    seen = (await editor.receive())["src"]
    assert seen != owner.id
    assert (await editor.request({"a": "hs", "id": seen}))["id"] == editor.id


async def test_a_role_removed_by_another_process_takes_effect_within_a_second(connect, cast):
    """Another process's signals reach nobody here (in-memory layer): its commit is noticed instead."""
    import threading

    from django.db import connection

    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})

    def elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_access WHERE user_id = %s", [cast["viewer"].pk])
            cursor.execute("UPDATE documents_document SET access_revision = access_revision + 1 WHERE key = 'secret'")
        connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert (await viewer.receive(timeout=1.5))["error"]["code"] == "ERR_SNAPSHOT_READS_REJECTED"


async def test_a_reader_whose_removal_was_never_announced_gets_no_op_committed_after_it(connect, cast, monkeypatch):
    """The message telling connections to re-read their rights can be lost (Redis down when the role was
    removed): the reader kept the rights it had read, and got every op after Redis was back. An op
    carries the access revision it was committed under; an older one read here is read again."""
    from collab import broadcast

    owner = await owner_subscribed(connect, cast)
    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})

    async def lost(key, revision=None):
        pass

    monkeypatch.setattr(broadcast, "publish_access", lost)
    await sync_to_async(DocumentAccess.objects.filter(user=cast["viewer"]).delete)()
    assert await viewer.nothing_more()  # nobody told it
    await owner.request(op(owner, "secret", 1, 2, op=["new "]))
    assert (await viewer.receive())["error"]["code"] == "ERR_SNAPSHOT_READS_REJECTED"
    assert await viewer.nothing_more()  # and not the op


async def test_a_key_deleted_unannounced_and_created_again_by_a_stranger_shows_the_old_reader_nothing(connect, cast, monkeypatch):
    """Found in review: a new row under the key starts its access revision again from 0, below the one
    the old reader had read, so an op of the stranger's private document passed for one it may see."""
    from collab import broadcast

    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})

    async def lost(key, revision=None):
        pass

    monkeypatch.setattr(broadcast, "publish_access", lost)
    await sync_to_async(Document.objects.filter(key="secret").delete)()
    stranger = await connect(cast["stranger"])
    await create(stranger, "secret", "mine")
    for version in range(1, 6):  # past the version the viewer expects next
        await stranger.request(op(stranger, "secret", version, version + 1, op=[f"s{version} "]))
    assert (await viewer.receive())["error"]["code"] == "ERR_SNAPSHOT_READS_REJECTED"
    assert await viewer.nothing_more()


async def test_a_removal_whose_message_failed_reaches_the_reader_without_any_op(connect, cast, monkeypatch, settings):
    """Ops carry their access revision, presence does not: with nobody typing, the reader kept seeing
    the others' carets. The message is sent again, as a failed op is."""
    from collab import broadcast, republishing

    settings.COLLAB = {"WATCH_INTERVAL": None}  # as with Redis: no watcher to notice it

    owner = await owner_subscribed(connect, cast)
    viewer = await connect(cast["viewer"])
    await viewer.request({"a": "s", "c": "documents", "d": "secret"})
    await viewer.request({"a": "ps", "ch": "documents.secret", "seq": 1})
    real, calls = broadcast.publish_access, []

    async def down_once(key, revision=None):
        calls.append(key)
        if len(calls) == 1:
            raise ConnectionError("Redis went away")
        await real(key, revision)

    monkeypatch.setattr(broadcast, "publish_access", down_once)
    monkeypatch.setattr(republishing, "RETRY_SECONDS", 0.05)
    await sync_to_async(DocumentAccess.objects.filter(user=cast["viewer"]).delete)()
    assert (await viewer.receive(timeout=3))["error"]["code"] == "ERR_SNAPSHOT_READS_REJECTED"
    await owner.request({"a": "p", "ch": "documents.secret", "id": "c", "pv": 0, "p": {"start": 0, "end": 0}, "v": 1})
    assert await viewer.nothing_more()
