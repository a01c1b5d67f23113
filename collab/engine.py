"""Process-wide services: committing submissions in order, and publishing.

Like ShareDB's backend.js: consumers hand it submissions; one committer
per process applies them in arrival order (so a document's ops never race
within the process), commits them in groups, then publishes each committed
op to everyone subscribed, in commit order.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, transaction

from collab.broadcast import publish_op
from collab.conf import collab_settings, permission_policy
from collab.errors import CollabError
from collab.store import Heads, writes_together
from collab.submit import SubmitRequest
from collab.watcher import watcher

logger = logging.getLogger(__name__)


class GroupCommitter:
    """Commits the submissions waiting at one moment in one transaction.

    One committer per process and event loop: submissions are applied in
    the order they arrived (a refused one changes nothing; see commit_batch
    for the rest), and the batch costs one commit, one fsync. Under light
    load a batch is one submission; under heavy load the cost of
    durability is shared. Publishing follows in commit order.

    The database work runs in a thread of the committer's own, whoever
    started it: a thread borrowed from the first caller (Channels'
    thread-sensitive executor, or a view's async_to_sync) would be gone
    once that caller returned.
    """

    def __init__(self):
        self.loop = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="collab-committer")
        self.heads = Heads()  # used in the executor's thread only

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
            committing = self.loop.run_in_executor(self.executor, commit_batch, [request for request, _ in batch])
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
        """Publish the committed ops, each document's in commit order, then answer each submitter."""
        committed = {}
        for (request, _), result in zip(batch, results, strict=True):
            if not isinstance(result, BaseException) and result.committed is not None:
                committed.setdefault(request.submission.key, []).append((result.committed, request.submission.watching))
        if watcher.process_local():
            for key, rows in committed.items():
                await publish_in_order(key, rows)
        else:
            # Through Redis each publish is a round trip: documents go side by side, each in order.
            await asyncio.gather(*(publish_in_order(key, rows) for key, rows in committed.items()))
        # The ops are committed whatever became of their publishing: every submitter is answered.
        for (request, future), result in zip(batch, results, strict=True):
            if future.done():  # the submitter went away (its socket closed) meanwhile
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


def commit_batch(requests):
    """Outcomes (or the exceptions raised) of the requests, all committed together.

    A submission writes only at its very end (store.commit), so one refused
    on the way has written nothing and needs no savepoint: the batch goes in
    one transaction with no per-submission overhead, and its writes are
    sent together (store.writes_together). Anything else going wrong (a
    document moved by another process, an op log out of step, a database
    error) rolls the batch back, and each submission is then run alone,
    to find whose it was.
    """
    close_old_connections()  # as database_sync_to_async does around each call
    try:
        return commit_together(requests)
    except Exception:
        for request in requests:
            request.forget()  # the heads remembered what was rolled back
        return [commit_alone(request) for request in requests]


def commit_together(requests):
    results = []
    with transaction.atomic(), writes_together():
        for request in requests:
            try:
                results.append(request.run())
            except CollabError as refusal:
                results.append(refusal)
    return results


def commit_alone(request):
    try:
        with transaction.atomic():
            return request.run()
    except Exception as error:
        return error


async def publish_in_order(key, rows):
    """Publish one document's committed ops in order; a failure (the channel layer unreachable) is logged,
    and the rest of them are not sent: subscribers fill the gap from the database on the next op."""
    try:
        for row, submitter_watching in rows:
            await publish_committed(key, row, submitter_watching)
    except Exception:
        logger.exception("collab: could not publish the ops committed to %r", key)


async def publish_committed(key, row, submitter_watching=False):
    # With a layer that reaches only this process, an op nobody else here has open goes nowhere.
    if not (watcher.process_local() and watcher.others_watching(key, submitter_watching) == 0):
        await publish_op(key, row)
    watcher.note_published(key, row.version)


committer = GroupCommitter()


async def submit(submission, policy=None):
    """Commit the submission (or find it committed before) and publish it; returns the Outcome."""
    request = SubmitRequest(submission, policy or permission_policy(), collab_settings(), committer.heads)
    return await committer.submit(request)
