"""Attacks on integrity: a connection id belongs to its user, and nobody can drop another's edit."""

import pytest
from asgiref.sync import sync_to_async

from collab import connection_ids
from documents.models import Operation
from tests.collab.messages import op, stored

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_borrowed_id_is_not_adopted_and_a_borrowed_src_is_refused(connect, cast):
    editor = await connect(cast["editor"])
    owner = await connect(cast["owner"])
    # The owner's real id, as if it had leaked: the handshake keeps the editor's own.
    assert (await editor.request({"a": "hs", "id": owner.id, "protocol": 1, "protocolMinor": 2}))["id"] == editor.id
    forged = {"a": "op", "c": "documents", "d": "secret", "v": 1, "src": owner.id, "seq": 2, "op": ["evil "]}
    reply = await editor.request(forged)
    assert reply["error"] == {"code": "ERR_MESSAGE_BADLY_FORMED", "message": "'src' must be a connection id issued to you"}
    # The owner's real op with that (src, seq) is applied, not taken for a resend.
    assert (await owner.request(op(owner, "secret", 1, 2, op=["mine "])))["v"] == 1
    assert (await stored("secret"))[:2] == ("mine the secret text", 2)


async def test_an_id_of_the_same_user_is_adopted_so_resent_ops_are_recognised(connect, cast):
    first = await connect(cast["editor"])
    assert (await first.request(op(first, "secret", 1, 1, op=["once "])))["v"] == 1
    await first.close()
    again = await connect(cast["editor"])
    assert (await again.request({"a": "hs", "id": first.id}))["id"] == first.id
    again.id = first.id
    assert (await again.request(op(again, "secret", 1, 1, op=["once "])))["v"] == 1  # acknowledged, not applied twice
    assert (await stored("secret"))[:2] == ("once the secret text", 2)


async def test_another_users_resend_is_never_taken_for_a_committed_op(connect, cast):
    """Even if ids were forged, (src, seq) matches only the author's own op."""
    owner = await connect(cast["owner"])
    assert (await owner.request(op(owner, "secret", 1, 7, op=["A"])))["v"] == 1
    editor = await connect(cast["editor"])
    stolen = connection_ids.issue(connection_ids.owner_of(cast["editor"]))
    # Rows committed by the owner under that id would still not match the editor's op.
    await sync_to_async(Operation.objects.filter(version=1).update)(src=stolen)
    await editor.send({"a": "op", "c": "documents", "d": "secret", "v": 1, "src": stolen, "seq": 7, "op": ["B"]})
    missed, ack = await editor.receive(), await editor.receive()
    assert (missed["op"], ack["v"]) == (["A"], 2)
    assert (await stored("secret"))[0] == "BAthe secret text"
