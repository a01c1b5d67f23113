"""Messages to every connection that has a document open: ops, presence, rights changes.

One channel-layer group per document carries all three, so a connection
joins one group per document whether it follows the ops, the presence or
both. Each consumer decides what it may pass on to its client.
"""

import asyncio
import hashlib

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from collab import connection_ids
from collab.conf import collab_settings
from collab.protocol import encode, op_message

_server_loop = None


class Event(dict):
    """A group message. The in-memory layer deep-copies each message for each receiver;
    ours hold strings and numbers that nobody changes, so a shallow copy is as safe."""

    def __deepcopy__(self, memo):
        return Event(self)


def document_group(key):
    # Group names are limited to 100 ASCII characters; keys may be 128.
    return "collab.doc." + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()


def serving_on(loop):
    """Remember the event loop the consumers run on, for sends from synchronous code."""
    global _server_loop
    _server_loop = loop


def serving_loop():
    """The event loop the consumers run on, in the server process; None elsewhere."""
    return _server_loop


def op_event(key, row):
    """A committed op as its group receives it: encoded once, with the masked src others see.

    `src` (the real one) lets the submitting connection recognise its own op; `access` (the
    document's id and access revision it was committed under, when known) tells a connection whose
    rights were read on another row of the key, or at an older revision, to read them again first.
    """
    text = encode(op_message(collab_settings()["COLLECTION"], key, row, connection_ids.mask(row.src)))
    return Event(type="collab.op", key=key, v=row.version, src=row.src, text=text, access=row.access)


async def publish_op(key, row):
    await get_channel_layer().group_send(document_group(key), op_event(key, row))


async def publish_ops(key_rows):
    """Publish committed ops, [(key, row)] in commit order, through a layer that sends them all in one
    round trip (collab.redis_layer)."""
    await get_channel_layer().group_send_many([(document_group(key), op_event(key, row)) for key, row in key_rows])


def publish_op_now(key, row):
    """publish_op through collab's in-memory layer, whose group_send never waits."""
    get_channel_layer().group_send_now(document_group(key), op_event(key, row))


async def publish_presence(key, message):
    """Relay a presence message (or a request for presence, {"ch", "r": True}) from the connection `message["src"]`."""
    src = message["src"]
    event = Event(type="collab.presence", key=key, src=src, message={**message, "src": connection_ids.mask(src)})
    await get_channel_layer().group_send(document_group(key), event)


async def publish_access(key, revision=None):
    """Rights on the document may have changed: each connection re-checks its own.

    With `revision` (the document's access_revision), connections that read
    their rights at that revision already know them.
    """
    await get_channel_layer().group_send(document_group(key), Event(type="collab.access", key=key, revision=revision))


def from_sync(function, *args):
    """Run one of the publish_* coroutines from synchronous code, in whatever thread.

    In the server process it is handed to the consumers' event loop (an
    in-memory channel layer belongs to that loop) without waiting; elsewhere
    (a management command, a worker) it runs to completion here.
    """
    loop = _server_loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(function(*args))
        else:
            asyncio.run_coroutine_threadsafe(function(*args), loop)
        return
    async_to_sync(function)(*args)
