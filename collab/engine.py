"""Process-wide services: committing submissions in order, and publishing.

Like ShareDB's backend.js: consumers hand it submissions; one committer
per process applies them in arrival order (so a document's ops never race
within the process), commits them in groups, then publishes each committed
op to everyone subscribed, in commit order.
"""

import asyncio
import hashlib

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from collab.conf import collab_settings, permission_policy
from collab.protocol import op_message
from collab.submit import SubmitRequest


def document_group(key):
    # Group names are limited to 100 ASCII characters; keys may be 128.
    return "collab.doc." + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()


def presence_group(channel):
    return "collab.presence." + hashlib.blake2s(channel.encode(), digest_size=16).hexdigest()


class GroupCommitter:
    """Commits the submissions waiting at one moment in one transaction.

    One committer per process and event loop: submissions are applied in
    the order they arrived, each in a savepoint of its own (a refused one
    changes nothing), and the batch costs one commit, one fsync. Under
    light load a batch is one submission; under heavy load the cost of
    durability is shared. Publishing follows in commit order.
    """

    def __init__(self):
        self.loop = None

    async def submit(self, request):
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self.loop, self.queue = loop, asyncio.Queue()
            self.task = loop.create_task(self.run())
        future = loop.create_future()
        self.queue.put_nowait((request, future))
        return await future

    async def run(self):
        settled_later = None
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            committing = asyncio.ensure_future(database_sync_to_async(commit_batch)([request for request, _ in batch]))
            if settled_later is not None:
                # The previous batch is published while this one is in the database.
                await self.settle(*settled_later)
            try:
                results = await committing
            except Exception as error:  # the batch's commit itself failed: nothing in it was stored
                results = [error] * len(batch)
            settled_later = (batch, results)
            if self.queue.empty():
                await self.settle(*settled_later)
                settled_later = None

    @staticmethod
    async def settle(batch, results):
        """Publish the committed ops in commit order, then answer each submitter."""
        for (request, future), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
                continue
            if result.committed is not None:
                await publish(request.submission.key, result.committed)
            future.set_result(result)


def commit_batch(requests):
    """Outcomes (or the exceptions raised) of the requests, all committed together."""
    results = []
    with transaction.atomic():
        for request in requests:
            try:
                with transaction.atomic():
                    results.append(request.run())
            except Exception as error:
                results.append(error)
    return results


async def publish(key, row):
    message = op_message(collab_settings()["COLLECTION"], key, row)
    await get_channel_layer().group_send(document_group(key), {"type": "collab.op", "key": key, "message": message})


committer = GroupCommitter()


async def submit(submission):
    """Commit the submission (or find it committed before) and publish it; returns the Outcome."""
    request = SubmitRequest(submission, permission_policy(), collab_settings()["MAX_SUBMIT_RETRIES"])
    return await committer.submit(request)
