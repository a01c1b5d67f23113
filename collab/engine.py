"""Process-wide services: per-document serialisation of submits, and publishing.

Like ShareDB's backend.js: consumers hand it submissions; it runs each one
under its document's lock, then publishes the committed op to everyone
subscribed, in commit order.
"""

import asyncio
import hashlib

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from collab.conf import collab_settings, permission_policy
from collab.protocol import op_message
from collab.submit import SubmitRequest


def document_group(key):
    # Group names are limited to 100 ASCII characters; keys may be 128.
    return "collab.doc." + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()


def presence_group(channel):
    return "collab.presence." + hashlib.blake2s(channel.encode(), digest_size=16).hexdigest()


class DocumentLocks:
    """One asyncio.Lock per document key, dropped when nobody holds or waits for it."""

    def __init__(self):
        self._locks = {}

    def __call__(self, key):
        return _Held(self, key)


class _Held:
    def __init__(self, locks, key):
        self.locks, self.key = locks, key

    async def __aenter__(self):
        entry = self.locks._locks.get(self.key)
        if entry is None:
            entry = self.locks._locks[self.key] = [asyncio.Lock(), 0]
        entry[1] += 1
        self.entry = entry
        await entry[0].acquire()

    async def __aexit__(self, *exc):
        self.entry[0].release()
        self.entry[1] -= 1
        if self.entry[1] == 0:
            del self.locks._locks[self.key]


locks = DocumentLocks()


async def submit(submission):
    """Commit the submission (or find it committed before) and publish it; returns the Outcome."""
    settings = collab_settings()
    request = SubmitRequest(submission, permission_policy(), settings["MAX_SUBMIT_RETRIES"])
    async with locks(submission.key):
        outcome = await database_sync_to_async(request.run)()
        if outcome.committed is not None:
            # Still under the lock, so this process publishes in commit order.
            message = op_message(settings["COLLECTION"], submission.key, outcome.committed)
            await get_channel_layer().group_send(
                document_group(submission.key), {"type": "collab.op", "key": submission.key, "message": message},
            )
    return outcome
