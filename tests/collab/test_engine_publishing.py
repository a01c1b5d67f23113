"""The committer answers every submitter whose op it committed, whatever becomes of publishing it."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from collab import engine, republishing
from collab.submit import Submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def author(make_user, make_document):
    """A user, with documents "d" and "e" of theirs."""
    user = make_user()
    for key in ("d", "e"):
        make_document(key=key, content="", created_by=user)
    return user


def op(key, seq, user):
    """The committer's answer to an op of `user`'s inserting "x" into the document."""
    return engine.submit(Submission(key=key, version=None, src="s", seq=seq, user=user, op=["x"]))


async def until_a_batch_settles():
    """Until this loop's committer has a committed batch waiting for its publishing."""
    while getattr(engine.committer.lines.get(asyncio.get_running_loop()), "settling", None) is None:
        await asyncio.sleep(0.001)


def through_redis(monkeypatch):
    """The engine as it publishes through a layer that reaches other processes and must be awaited."""
    monkeypatch.setattr(engine.watcher, "process_local", staticmethod(lambda: False))
    monkeypatch.setattr(engine, "publishes_at_once", lambda: False)


@pytest.mark.parametrize("process_local", [True, False], ids=["in-memory layer", "Redis"])
async def test_a_failed_publish_is_logged_and_the_committer_goes_on(author, monkeypatch, caplog, process_local):
    """Found in review: a publish raising (Redis gone for a moment) ended the committer's task,
    leaving that batch's submitters and every later one without an answer."""
    published = []

    def publish_op_now(key, row):
        published.append(key)
        if len(published) == 1:
            raise ConnectionError("the channel layer went away")

    async def publish_op(key, row):
        publish_op_now(key, row)

    monkeypatch.setattr(engine, "publish_op", publish_op)
    monkeypatch.setattr(engine, "publish_op_now", publish_op_now)
    monkeypatch.setattr(engine.watcher, "process_local", staticmethod(lambda: process_local))
    monkeypatch.setattr(engine, "publishes_at_once", lambda: process_local)
    monkeypatch.setattr(engine.watcher, "others_watching", lambda key, excluded: 1)  # someone else has it open
    first = await asyncio.wait_for(op("d", 1, author), 5)
    second = await asyncio.wait_for(op("e", 2, author), 5)
    assert (first.version, second.version) == (1, 1) and published == ["d", "e"]
    assert "could not publish the ops committed to 'd'" in caplog.text


async def test_through_redis_batches_are_published_in_commit_order_while_the_next_is_committed(author, monkeypatch):
    """A publish that waits (a Redis round trip) holds back the later batches' publishing and answers,
    never their commits: the next batch is in the database meanwhile."""
    from documents.models import Document

    published, release = [], asyncio.Event()

    async def publish_op(key, row):
        if key == "d":
            await release.wait()
        published.append(key)

    monkeypatch.setattr(engine, "publish_op", publish_op)
    through_redis(monkeypatch)
    first = asyncio.ensure_future(op("d", 1, author))
    await until_a_batch_settles()  # "d" committed, its publish waiting
    second = asyncio.ensure_future(op("e", 2, author))
    for _ in range(2000):
        if (await sync_to_async(Document.objects.get)(key="e")).version == 2:
            break
        await asyncio.sleep(0.001)
    assert (await sync_to_async(Document.objects.get)(key="e")).version == 2  # committed while "d" is being published
    await asyncio.sleep(0.05)
    assert published == [] and not first.done() and not second.done()
    release.set()
    assert ((await asyncio.wait_for(first, 5)).version, (await asyncio.wait_for(second, 5)).version) == (1, 1)
    assert published == ["d", "e"]
    assert engine.committer.lines[asyncio.get_running_loop()].settling is None


def test_submitters_on_two_event_loops_at_once_are_each_answered_on_their_own(author):
    """An async caller in another thread (an async task of a worker, say) has a loop of its own."""
    import threading

    answers, start = {}, threading.Barrier(2)

    def submitter(key):
        async def run():
            start.wait()
            versions = []
            for seq in range(20):
                outcome = await op(key, seq + 1, author)
                versions.append(outcome.version)
            return versions

        answers[key] = asyncio.run(run())

    threads = [threading.Thread(target=submitter, args=(key,)) for key in ("d", "e")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == {"d": list(range(1, 21)), "e": list(range(1, 21))}


async def test_submissions_that_come_while_a_batch_is_in_the_database_go_together_in_the_next(make_user, make_document, monkeypatch):
    user = await sync_to_async(make_user)()
    for index in range(10):
        await sync_to_async(make_document)(key=f"k{index}", content="", created_by=user)
    sizes, real_commit_batch = [], engine.commit_batch

    def recording(requests):
        sizes.append(len(requests))
        return real_commit_batch(requests)

    monkeypatch.setattr(engine, "commit_batch", recording)
    outcomes = await asyncio.wait_for(asyncio.gather(*(
        op(f"k{index}", index + 1, user) for index in range(10))), 10)
    assert [outcome.version for outcome in outcomes] == [1] * 10
    assert sizes == [1, 9]  # the first alone, at once; the rest, which came meanwhile, in one batch


async def test_ops_are_published_through_channels_own_in_memory_layer_too(settings, author, monkeypatch):
    """Found in review: Channels' in-memory layer reaches only this process, as collab's does, but has no
    group_send_now; the engine took the at-once path for it, and every publish failed (logged)."""
    from channels.layers import get_channel_layer

    from collab.broadcast import document_group

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                           "CONFIG": {"capacity": 100_000, "group_expiry": 10**9}}}
    layer = get_channel_layer()
    assert type(layer).__module__ == "channels.layers"
    other = await layer.new_channel()
    await layer.group_add(document_group("d"), other)
    monkeypatch.setattr(engine.watcher, "others_watching", lambda key, excluded: 1)
    await asyncio.wait_for(op("d", 1, author), 5)
    assert (await asyncio.wait_for(layer.receive(other), 2))["type"] == "collab.op"


async def test_a_settle_that_ends_badly_does_not_leave_later_submitters_unanswered(author, monkeypatch):
    """Found in review: through Redis each settle awaited the one before, so one ending in an exception
    publish_in_order does not catch (a CancelledError from the layer) ended every later one before its answers."""
    release, published = asyncio.Event(), []

    async def publish_op(key, row):
        if key == "d":
            await release.wait()
            raise asyncio.CancelledError()  # not an Exception: publish_in_order lets it through
        published.append(key)

    monkeypatch.setattr(engine, "publish_op", publish_op)
    through_redis(monkeypatch)
    first = asyncio.ensure_future(op("d", 1, author))
    await until_a_batch_settles()
    second = asyncio.ensure_future(op("e", 2, author))
    await asyncio.sleep(0.2)
    release.set()
    assert (await asyncio.wait_for(first, 2)).version == 1  # committed: answered, whatever became of its publishing
    assert (await asyncio.wait_for(second, 2)).version == 1 and published == ["e"]  # and the later batch published


def test_a_batch_the_database_thread_cannot_take_is_answered_with_the_error():
    """An executor shut down (the interpreter exiting) answers the batch's submitters, and leaves the line free."""

    class ShutDown:
        def submit(self, *args):
            raise RuntimeError("cannot schedule new futures after shutdown")

    loop = asyncio.new_event_loop()
    try:
        line = engine.CommitLine(loop, ShutDown())
        with pytest.raises(RuntimeError):
            loop.run_until_complete(line.submit("a request"))
        assert not line.committing and line.waiting == []
    finally:
        loop.close()


async def test_through_a_layer_that_sends_many_at_once_each_batch_is_one_send(make_user, make_document, monkeypatch, caplog):
    """collab.redis_layer pipelines a batch's ops: one call for the batch, each document's ops in commit
    order; a failed call is logged and its submitters are answered all the same."""
    from collab import broadcast

    user = await sync_to_async(make_user)()
    for index in range(4):
        await sync_to_async(make_document)(key=f"k{index}", content="", created_by=user)
    sends = []

    class Layer:
        async def group_send_many(self, messages):
            sends.append([(group, message["key"], message["v"]) for group, message in messages])
            if len(sends) == 3:
                raise ConnectionError("Redis went away")

    monkeypatch.setattr(engine, "get_channel_layer", Layer)
    monkeypatch.setattr(broadcast, "get_channel_layer", Layer)
    through_redis(monkeypatch)
    first = asyncio.ensure_future(op("k0", 1, user))
    await asyncio.sleep(0)  # in the database: the next ones wait for it, and go together
    rest = [op(key, seq, user) for seq, key in enumerate(["k1", "k2", "k1"], 2)]
    outcomes = await asyncio.wait_for(asyncio.gather(first, *rest), 10)
    assert [outcome.version for outcome in outcomes] == [1, 1, 1, 2]
    group = broadcast.document_group
    assert sends == [[(group("k0"), "k0", 1)], [(group("k1"), "k1", 1), (group("k1"), "k1", 2), (group("k2"), "k2", 1)]]
    assert (await asyncio.wait_for(op("k3", 9, user), 5)).version == 1  # the third send fails: answered, logged
    assert "could not publish the ops committed to ['k3']" in caplog.text


class FailingLayer:
    """A layer that sends a batch in one call (as collab.redis_layer), failing its first `failures` calls."""

    def __init__(self, failures):
        self.failures, self.sends = failures, []

    async def group_send_many(self, messages):
        self.sends.append([(message["key"], message["v"]) for _, message in messages])
        if len(self.sends) <= self.failures:
            raise ConnectionError("Redis went away")


def through(layer, monkeypatch, retry_seconds):
    from collab import broadcast, republishing

    monkeypatch.setattr(republishing, "RETRY_SECONDS", retry_seconds)
    monkeypatch.setattr(engine, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    through_redis(monkeypatch)


async def until_sent(sends, expected):
    """Until as many sends as expected were made, and a while longer: then there must be no more."""
    async def enough():
        while len(sends) < len(expected):
            await asyncio.sleep(0.01)

    await asyncio.wait_for(enough(), 5)
    await asyncio.sleep(0.3)
    assert sends == expected


ONCE_BACK = republishing.SENDS_ONCE_BACK


async def test_an_op_whose_publish_failed_is_sent_again_until_the_layer_takes_it(author, monkeypatch, caplog):
    """Left alone for several sessions: after a failed publish, people in other processes viewing a
    document that got no further op stayed where they were. Once the layer takes it, it goes a few
    times more: another process's subscription may come back a moment after Redis does."""
    layer = FailingLayer(failures=2)
    through(layer, monkeypatch, retry_seconds=0.05)
    assert (await asyncio.wait_for(op("d", 1, author), 5)).version == 1  # answered whatever the layer did
    await until_sent(layer.sends, [[("d", 1)]] * (2 + ONCE_BACK))  # refused twice, then taken
    assert caplog.text.count("still cannot publish") == 1 and "published again the newest ops of 1 documents" in caplog.text


async def test_only_each_documents_newest_unpublished_op_is_sent_again(author, monkeypatch):
    """Subscribers fill the gap before it from the database: the older ones need not go again."""
    layer = FailingLayer(failures=2)
    through(layer, monkeypatch, retry_seconds=0.1)
    await asyncio.wait_for(op("d", 1, author), 5)
    await asyncio.wait_for(op("d", 2, author), 5)
    await until_sent(layer.sends, [[("d", 1)], [("d", 2)]] + [[("d", 2)]] * ONCE_BACK)


async def test_a_newer_op_published_meanwhile_is_the_one_sent_again(author, monkeypatch):
    layer = FailingLayer(failures=1)
    through(layer, monkeypatch, retry_seconds=0.1)
    await asyncio.wait_for(op("d", 1, author), 5)  # its publish fails
    await asyncio.wait_for(op("d", 2, author), 5)  # published, maybe before another process is back: it goes again
    await until_sent(layer.sends, [[("d", 1)], [("d", 2)]] + [[("d", 2)]] * ONCE_BACK)  # version 1 is fetched by subscribers


async def test_through_a_layer_that_sends_one_at_a_time_a_failed_op_is_sent_again_too(author, monkeypatch):
    sent = []

    async def publish_op(key, row):
        sent.append((key, row.version))
        if len(sent) == 1:
            raise ConnectionError("the channel layer went away")

    monkeypatch.setattr(republishing, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr(engine, "publish_op", publish_op)
    through_redis(monkeypatch)
    assert (await asyncio.wait_for(op("e", 1, author), 5)).version == 1
    await until_sent(sent, [("e", 1)] * (1 + ONCE_BACK))
