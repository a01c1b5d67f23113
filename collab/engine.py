"""Process-wide services: committing submissions in order, and publishing.

Like ShareDB's backend.js: consumers hand it submissions; one committer
per process applies them in arrival order (so a document's ops never race
within the process), commits them in groups, then publishes each committed
op to everyone subscribed, in commit order.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from channels.layers import get_channel_layer
from django.db import close_old_connections, transaction

from collab import broadcast, metrics
from collab.broadcast import publish_op, publish_op_now, publish_ops, serving_loop
from collab.conf import collab_settings, permission_policy
from collab.errors import CollabError
from collab.republishing import Unpublished
from collab.store import Heads, writes_together
from collab.submit import SubmitRequest
from collab.watcher import watcher

logger = logging.getLogger(__name__)
PUBLISH_FAILED = "collab: could not publish the ops committed to %r"


class GroupCommitter:
    """Commits the submissions waiting at one moment in one transaction.

    One committer per process: submissions are applied in the order they
    arrived (a refused one changes nothing; see commit_batch for the rest),
    and the batch costs one commit, one fsync. Under light load a batch is
    one submission; under heavy load the cost of durability is shared.
    Publishing follows in commit order.

    The database work runs in a thread of the committer's own, whoever
    started it: a thread borrowed from the first caller (Channels'
    thread-sensitive executor, or a view's async_to_sync) would be gone
    once that caller returned. Each event loop that submits has its own
    line of batches (CommitLine).
    """

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="collab-committer")
        self.heads = Heads()  # used in the executor's thread only
        self.lines = {}  # event loop -> its CommitLine

    async def submit(self, request):
        return await self.line(asyncio.get_running_loop()).submit(request)

    def line(self, loop):
        line = self.lines.get(loop)
        if line is None:
            for closed in [other for other in list(self.lines) if other.is_closed()]:  # list(): other loops' threads add too
                self.lines.pop(closed, None)
            line = self.lines[loop] = CommitLine(loop, self.executor)
        return line


class CommitLine:
    """One event loop's submissions, committed a batch at a time, without a task of its own.

    A submission arriving while no batch is in the database starts one at
    once; the database thread hands the outcome back to the loop in one
    call, which starts the next batch (so it is in the database while
    this one is published) and answers the submitters: two turns of the
    event loop per op fewer than a task reading a queue and awaiting the
    thread.

    Through Redis, publishing may fall behind committing; the backlog is
    bounded by the submitters waiting, one op each per connection.
    """

    def __init__(self, loop, executor):
        self.loop, self.executor = loop, executor
        self.waiting = []  # (request, future) not yet in the database
        self.waiting_since = None  # when the first of them came
        self.committing = False
        self.settling = None  # the task publishing earlier batches, while one is at work
        self.unpublished = Unpublished(publish_again, tell_again)  # what a failed publish left for later

    async def submit(self, request):
        future = self.loop.create_future()
        if not self.waiting:
            self.waiting_since = time.perf_counter()
        self.waiting.append((request, future))
        if not self.committing:
            self.start()
        return await future

    def start(self):
        batch, self.waiting, self.committing = self.waiting, [], True
        try:
            self.executor.submit(self.commit, batch, time.perf_counter() - self.waiting_since)
        except RuntimeError as error:  # the executor shut down (the interpreter is exiting)
            self.committing = False
            answer(batch, [error] * len(batch))

    def commit(self, batch, waited):
        """In the database thread; `waited`: how long the batch's first submission waited for it."""
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            results = commit_batch([request for request, _ in batch])
        except BaseException as error:  # the batch's commit itself failed: nothing in it was stored
            results = [error] * len(batch)
        try:
            metrics.commit_wait_seconds.observe(waited)
            metrics.commit_batch_seconds.observe(time.perf_counter() - started)
            metrics.commit_batch_cpu_seconds.inc(time.thread_time() - cpu)
            metrics.commit_batch_submissions.observe(len(batch))
        finally:  # whatever the metrics do, the submitters are answered
            self.loop.call_soon_threadsafe(self.committed, batch, results)

    def committed(self, batch, results):
        self.committing = False
        if self.waiting:
            self.start()
        rows = committed_rows(batch, results)
        if self.settling is None and publishes_at_once():
            # collab's in-memory layer takes a group message at once: publish and answer now.
            for key, key_rows in rows.items():
                publish_now_in_order(key, key_rows)
            answer(batch, results)
        else:
            # Through Redis each publish is a round trip: in a task, after the batches before.
            self.settling = self.loop.create_task(self.settle(self.settling, rows, batch, results))

    async def settle(self, before, rows, batch, results):
        try:
            if before is not None:
                await asyncio.wait([before])  # its outcome, whatever it was, is its own submitters'
            if sends_many():
                await publish_together(rows, self.unpublished)
            else:  # documents side by side, each in order
                await asyncio.gather(*(publish_in_order(key, key_rows, self.unpublished) for key, key_rows in rows.items()))
        finally:
            answer(batch, results)
            if self.settling is asyncio.current_task():
                self.settling = None


def committed_rows(batch, results):
    """{document key: [(row committed, whether its submitter has the document open)]}, in commit order."""
    rows = {}
    for (request, _), result in zip(batch, results, strict=True):
        if not isinstance(result, BaseException) and result.committed is not None:
            rows.setdefault(request.submission.key, []).append((result.committed, request.submission.watching))
    return rows


def answer(batch, results):
    """The ops are committed whatever became of their publishing: every submitter is answered."""
    for (_, future), result in zip(batch, results, strict=True):
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


async def publish_in_order(key, rows, unpublished):
    """Publish one document's committed ops in order; on a failure (the channel layer unreachable),
    logged, the rest are not sent: its newest op is sent again later (collab.republishing), and
    subscribers fill the gap from the database."""
    try:
        for row, submitter_watching in rows:
            await publish_committed(key, row, submitter_watching)
    except Exception:
        logger.exception(PUBLISH_FAILED, key)
        unpublished.failed([(key, rows[-1][0])])
        return
    unpublished.published(key, rows[-1][0])


async def publish_together(rows, unpublished):
    """All the batch's ops, in order, in one round trip (collab.redis_layer). On a failure, logged,
    none of them count as published: each document's newest op is sent again later."""
    try:
        await publish_ops([(key, row) for key, key_rows in rows.items() for row, watching in key_rows if goes_to_group(key, watching)])
    except Exception:
        logger.exception(PUBLISH_FAILED, list(rows))
        unpublished.failed([(key, key_rows[-1][0]) for key, key_rows in rows.items()])
        return
    for key, key_rows in rows.items():
        unpublished.published(key, key_rows[-1][0])
        for row, _ in key_rows:
            watcher.note_published(key, row.version)


async def tell_again(key):
    await broadcast.publish_access(key)


async def publish_again(key_rows):
    """Send [(document key, row)] again, as settle does: all at once where the layer can."""
    if sends_many():
        await publish_ops(key_rows)
    else:
        for key, row in key_rows:
            await publish_op(key, row)


def sends_many():
    """Whether the channel layer sends a batch of messages in one round trip (collab.redis_layer)."""
    return hasattr(get_channel_layer(), "group_send_many")


def publishes_at_once():
    """Whether the channel layer is collab's in-memory one, which takes a group message without waiting
    (Channels' own in-memory layer reaches only this process too, but must be awaited)."""
    return hasattr(get_channel_layer(), "group_send_now")


def publish_now_in_order(key, rows):
    """publish_in_order through collab's in-memory layer, which needs no waiting."""
    try:
        for row, submitter_watching in rows:
            if goes_to_group(key, submitter_watching):
                publish_op_now(key, row)
            watcher.note_published(key, row.version)
    except Exception:
        logger.exception(PUBLISH_FAILED, key)


async def publish_from_python(key, row):
    """Publish an op that Python code committed (collab.api), once its transaction has. A failure is
    logged, not raised (the op is committed); in the server process the op is sent again as the
    committer's are, elsewhere (a command, a worker) editors get it with the document's next op."""
    try:
        await publish_committed(key, row)
    except Exception:
        logger.exception(PUBLISH_FAILED, key)
        unpublished = unpublished_here()
        if unpublished is not None:
            unpublished.failed([(key, row)])


def unpublished_here():
    """What the server's event loop sends again, when running on it; None on another loop
    (async_to_sync's in a command or a worker), which ends with its call."""
    loop = asyncio.get_running_loop()
    return committer.line(loop).unpublished if loop is serving_loop() else None


async def publish_committed(key, row, submitter_watching=False):
    if goes_to_group(key, submitter_watching):
        await publish_op(key, row)
    watcher.note_published(key, row.version)


def goes_to_group(key, submitter_watching):
    # With a layer that reaches only this process, an op nobody else here has open goes nowhere.
    return not (watcher.process_local() and watcher.others_watching(key, submitter_watching) == 0)


committer = GroupCommitter()


async def submit(submission, policy=None):
    """Commit the submission (or find it committed before) and publish it; returns the Outcome."""
    request = SubmitRequest(submission, policy or permission_policy(), collab_settings(), committer.heads)
    return await committer.submit(request)
