"""The consumer's loop over its two sources: every message dispatched once, each source in order, one at a time."""

import asyncio
import functools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab import layers
from collab.connection_memory import ApplicationQueue
from collab.dispatching import dispatch_as_they_come


class Source:
    """One of the consumer's sources, over a real inbox: daphne's input queue (ApplicationQueue) or a channel
    of the in-memory layer. Messages arrive when the test says; it notes a read made while its last message
    is being dispatched, and the readers started."""

    def __init__(self, name, kind="queue"):
        self.name, self.reads_during_dispatch, self.dispatching, self.waits = name, 0, False, 0
        if kind == "queue":
            self.inbox = self.queue = ApplicationQueue()
            self.put, self.get, self.unwrap = self.queue.put_nowait, self.queue.get, lambda message: message
        else:  # the layer carries dicts
            self.layer, channel = layers.InMemoryChannelLayer(), f"consumer.{name}"
            self.inbox = self.layer.inbox(channel)
            self.put = lambda message: self.layer._put(channel, {"m": message})
            self.get, self.unwrap = functools.partial(self.layer.receive, channel), lambda message: message and message["m"]

    async def receive(self):
        self.note_read()
        self.waits += 1
        return self.unwrap(await self.get())

    def take(self):
        self.note_read()
        return self.unwrap(self.inbox.take())

    def notify(self, future):
        self.inbox.notify(future)

    def forget(self, future):
        self.inbox.forget(future)

    def note_read(self):
        if self.dispatching:
            self.reads_during_dispatch += 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 3)), max_size=40), st.integers(0, 2**32), st.sampled_from(["", "a", "b", "ab"]),
       st.sampled_from(["queue", "channel"]))
def test_every_message_is_dispatched_once_each_source_in_order(arrivals, seed, as_inboxes, kind):
    async def run():
        shuffle = random.Random(seed)
        sources = {"a": Source("a"), "b": Source("b", kind)}
        dispatched = []

        async def dispatch(message):
            source = sources[message[0]]
            source.dispatching = True
            for _ in range(shuffle.randint(0, 2)):  # a handler that awaits, as ours do
                await asyncio.sleep(0)
            dispatched.append(message)
            source.dispatching = False

        inboxes = [sources[name] if name in as_inboxes else None for name in "ab"]
        loop_task = asyncio.ensure_future(dispatch_as_they_come([sources["a"].receive, sources["b"].receive], dispatch, inboxes))
        sent = []
        for index, (name, pause) in enumerate(arrivals):
            sources[name].put((name, index))
            sent.append((name, index))
            for _ in range(pause):
                await asyncio.sleep(0)
        while len(dispatched) < len(sent):
            await asyncio.sleep(0)
        loop_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop_task
        for name in "ab":
            assert [m for m in dispatched if m[0] == name] == [m for m in sent if m[0] == name]
            assert sources[name].reads_during_dispatch == 0
        assert sorted(dispatched) == sorted(sent)

    asyncio.run(run())


async def test_an_exception_from_dispatch_ends_the_loop_and_stops_reading():
    source = Source("a")
    reads = asyncio.Queue()

    async def receive():
        reads.put_nowait(1)
        return await source.queue.get()

    async def dispatch(message):
        raise LookupError(message)

    source.put("boom")
    with pytest.raises(LookupError, match="boom"):
        await dispatch_as_they_come([receive], dispatch)
    await asyncio.sleep(0)
    source.put("left alone")
    await asyncio.sleep(0)
    assert reads.qsize() == 1 and source.queue.qsize() == 1  # the one read, and nothing taken after


async def test_messages_already_waiting_are_taken_without_waiting_and_neither_source_starves():
    sources = {name: Source(name) for name in "ab"}
    for index in range(3):
        for name in "ab":
            sources[name].put((name, index))
    dispatched = []

    async def dispatch(message):
        dispatched.append(message)
        if len(dispatched) == 6:
            raise LookupError("done")

    with pytest.raises(LookupError):
        await dispatch_as_they_come([sources["a"].receive, sources["b"].receive], dispatch, [sources["a"], sources["b"]])
    assert dispatched == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]  # in turn, though "a" always had more
    assert sources["a"].waits == sources["b"].waits == 0  # no reader was started: each message was there


def test_the_consumer_reads_collabs_own_sources_as_inboxes_and_no_others():
    from channels.layers import InMemoryChannelLayer as StockLayer

    from collab.consumers import CollabConsumer

    consumer, queue = CollabConsumer(), ApplicationQueue()
    consumer.channel_layer, consumer.channel_name = layers.InMemoryChannelLayer(), "consumer.1"
    queue.put_nowait({"type": "websocket.connect"})
    socket, channel = consumer.inboxes(queue.get)
    assert socket is queue and socket.take() == {"type": "websocket.connect"} and socket.take() is None and channel.take() is None
    asyncio.run(consumer.channel_layer.send("consumer.1", {"type": "collab.op"}))
    assert channel.take() == {"type": "collab.op"}

    async def someone_elses_receive():  # uvicorn's, say
        return {}

    consumer.channel_layer = StockLayer()  # or Redis
    assert consumer.inboxes(someone_elses_receive) == [None, None]


async def test_a_message_for_a_source_whose_reader_is_waiting_is_not_held_back_by_the_others_backlog():
    """Found in review: the layer's reader task is already waiting when the op's own broadcast arrives on it;
    handlers that never wait (pp, refusals, a closing socket) let neither it nor anyone else run until the
    whole socket backlog was dispatched."""
    socket, layer = Source("socket"), Source("layer", "channel")
    for index in range(50):
        socket.put(("socket", index))
    dispatched, others_ran = [], []

    async def other_connection():
        while True:
            others_ran.append(len(dispatched))
            await asyncio.sleep(0)

    async def dispatch(message):
        dispatched.append(message)
        if message == ("socket", 1):
            layer.put(("layer", 0))  # e.g. a group_send this handler made to its own group
        if len(dispatched) == 51:
            raise LookupError("done")

    other = asyncio.ensure_future(other_connection())
    await asyncio.sleep(0)
    with pytest.raises(LookupError):
        await dispatch_as_they_come([socket.receive, layer.receive], dispatch, [socket, layer])
    other.cancel()
    assert dispatched.index(("layer", 0)) <= 10, f"dispatched {dispatched.index(('layer', 0))}th"
    assert len(set(others_ran)) > 5, f"the rest of the loop ran only at {sorted(set(others_ran))} messages"


@pytest.mark.parametrize("kind", ["queue", "channel"])
async def test_an_idle_consumer_is_woken_by_its_inboxes_without_a_reader_task_and_leaves_no_waiter_behind(kind):
    socket, layer = Source("socket"), Source("layer", kind)
    dispatched = []

    async def dispatch(message):
        dispatched.append(message)

    loop_task = asyncio.ensure_future(dispatch_as_they_come([socket.receive, layer.receive], dispatch, [socket, layer]))
    tasks_when_idle = None
    for index in range(20):
        await asyncio.sleep(0)
        tasks_when_idle = tasks_when_idle or len(asyncio.all_tasks())
        (socket if index % 3 else layer).put(index)
        await asyncio.sleep(0)
        assert dispatched[-1] == index  # woken and dispatched within one turn
        assert len(asyncio.all_tasks()) == tasks_when_idle  # no reader task was started
    await asyncio.sleep(0)
    waiting = [len(socket.queue.waiters), len(layer.queue.waiters) if kind == "queue" else len(layer.layer.channels["consumer.layer"].receivers)]
    assert waiting == [1, 1]  # the one idle consumer's waker in each, not one per wake-up
    loop_task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop_task
    assert socket.queue.waiters == [] and (layer.queue.waiters == [] if kind == "queue" else "consumer.layer" not in layer.layer.channels)
    assert socket.waits == layer.waits == 0


@pytest.mark.parametrize("kind", ["queue", "channel"])
async def test_a_consumer_cancelled_after_its_wake_up_passes_the_message_on_to_the_next_reader(kind):
    source = Source("a", kind)

    async def dispatch(message):
        raise AssertionError("the cancelled consumer must not dispatch")

    consumer = asyncio.ensure_future(dispatch_as_they_come([source.receive], dispatch, [source]))
    await asyncio.sleep(0)
    other_reader = asyncio.ensure_future(source.receive())
    await asyncio.sleep(0)
    source.put("only message")  # wakes the consumer, the first waiting
    consumer.cancel()  # before it runs
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert await asyncio.wait_for(other_reader, 1) == "only message"
