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

    async def receive(self):
        if self.dispatching:
            self.reads_during_dispatch += 1
        return await self.queue.get()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 3)), max_size=40), st.integers(0, 2**32))
def test_every_message_is_dispatched_once_each_source_in_order(arrivals, seed):
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

        loop_task = asyncio.ensure_future(dispatch_as_they_come([sources["a"].receive, sources["b"].receive], dispatch))
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
