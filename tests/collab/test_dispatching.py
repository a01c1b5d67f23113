"""The consumer's loop over its two sources: every message dispatched once, each source in order, one at a time."""

import asyncio
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.dispatching import dispatch_as_they_come


class Source:
    """A receiver whose messages arrive when the test says; it notes a read made while its last message is being dispatched."""

    def __init__(self, name):
        self.name, self.queue, self.reads_during_dispatch, self.dispatching = name, asyncio.Queue(), 0, False
        self.waits = 0

    async def receive(self):
        self.note_read()
        self.waits += 1
        return await self.queue.get()

    def take(self):
        self.note_read()
        return None if self.queue.empty() else self.queue.get_nowait()

    def note_read(self):
        if self.dispatching:
            self.reads_during_dispatch += 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 3)), max_size=40), st.integers(0, 2**32), st.sampled_from(["", "a", "b", "ab"]))
def test_every_message_is_dispatched_once_each_source_in_order(arrivals, seed, with_takers):
    async def run():
        shuffle = random.Random(seed)
        sources = {name: Source(name) for name in "ab"}
        dispatched = []

        async def dispatch(message):
            source = sources[message[0]]
            source.dispatching = True
            for _ in range(shuffle.randint(0, 2)):  # a handler that awaits, as ours do
                await asyncio.sleep(0)
            dispatched.append(message)
            source.dispatching = False

        takers = [sources[name].take if name in with_takers else None for name in "ab"]
        loop_task = asyncio.ensure_future(dispatch_as_they_come([sources["a"].receive, sources["b"].receive], dispatch, takers))
        sent = []
        for index, (name, pause) in enumerate(arrivals):
            sources[name].queue.put_nowait((name, index))
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

    source.queue.put_nowait("boom")
    with pytest.raises(LookupError, match="boom"):
        await dispatch_as_they_come([receive], dispatch)
    await asyncio.sleep(0)
    source.queue.put_nowait("left alone")
    await asyncio.sleep(0)
    assert reads.qsize() == 1 and source.queue.qsize() == 1  # the one read, and nothing taken after


async def test_messages_already_waiting_are_taken_without_waiting_and_neither_source_starves():
    sources = {name: Source(name) for name in "ab"}
    for index in range(3):
        for name in "ab":
            sources[name].queue.put_nowait((name, index))
    dispatched = []

    async def dispatch(message):
        dispatched.append(message)
        if len(dispatched) == 6:
            raise LookupError("done")

    with pytest.raises(LookupError):
        await dispatch_as_they_come([sources["a"].receive, sources["b"].receive], dispatch, [sources["a"].take, sources["b"].take])
    assert dispatched == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]  # in turn, though "a" always had more
    assert sources["a"].waits == sources["b"].waits == 0  # no reader was started: each message was there


def test_the_consumer_takes_without_waiting_from_collabs_own_sources_only():
    from channels.layers import InMemoryChannelLayer as StockLayer

    from collab import layers
    from collab.connection_memory import ApplicationQueue
    from collab.consumers import CollabConsumer

    consumer, queue = CollabConsumer(), ApplicationQueue()
    consumer.channel_layer, consumer.channel_name = layers.InMemoryChannelLayer(), "consumer.1"
    queue.put_nowait({"type": "websocket.connect"})
    take_socket, take_channel = consumer.takers(queue.get)
    assert take_socket() == {"type": "websocket.connect"} and take_socket() is None and take_channel() is None

    async def someone_elses_receive():  # uvicorn's, say
        return {}

    consumer.channel_layer = StockLayer()  # or Redis
    assert consumer.takers(someone_elses_receive) == [None, None]


async def test_a_message_for_a_source_whose_reader_is_waiting_is_not_held_back_by_the_others_backlog():
    """Found in review: the layer's reader task is already waiting when the op's own broadcast arrives on it;
    handlers that never wait (pp, refusals, a closing socket) let neither it nor anyone else run until the
    whole socket backlog was dispatched."""
    socket, layer = Source("socket"), Source("layer")
    for index in range(50):
        socket.queue.put_nowait(("socket", index))
    dispatched, others_ran = [], []

    async def other_connection():
        while True:
            others_ran.append(len(dispatched))
            await asyncio.sleep(0)

    async def dispatch(message):
        dispatched.append(message)
        if message == ("socket", 1):
            layer.queue.put_nowait(("layer", 0))  # e.g. a group_send this handler made to its own group
        if len(dispatched) == 51:
            raise LookupError("done")

    other = asyncio.ensure_future(other_connection())
    await asyncio.sleep(0)
    with pytest.raises(LookupError):
        await dispatch_as_they_come([socket.receive, layer.receive], dispatch, [socket.take, layer.take])
    other.cancel()
    assert dispatched.index(("layer", 0)) <= 10, f"dispatched {dispatched.index(('layer', 0))}th"
    assert len(set(others_ran)) > 5, f"the rest of the loop ran only at {sorted(set(others_ran))} messages"
