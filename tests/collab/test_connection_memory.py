"""daphne's input queue, made small, still hands over every message once and in order, cancelled readers included."""

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.connection_memory import ApplicationQueue, SendQueue

# A program: put a message, read one, or start a read and cancel it while it waits.
steps = st.lists(st.sampled_from(["put", "get", "cancelled get"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_every_message_is_read_once_in_order_whatever_readers_are_cancelled(program):
    async def run():
        queue, put, read = ApplicationQueue(), 0, []
        for step in program:
            if step == "put":
                queue.put_nowait(put)
                put += 1
            elif queue.qsize():  # a read that would not wait
                read.append(await queue.get())
            elif step == "get":
                reader = asyncio.ensure_future(queue.get())
                await asyncio.sleep(0)
                queue.put_nowait(put)
                put += 1
                read.append(await reader)
            else:
                reader = asyncio.ensure_future(queue.get())
                await asyncio.sleep(0)
                reader.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await reader
        while queue.qsize():
            read.append(await queue.get())
        assert read == list(range(put))

    asyncio.run(run())


async def test_a_message_put_between_the_wake_up_and_a_cancel_is_kept():
    queue = ApplicationQueue()
    reader = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("kept")
    reader.cancel()  # woken, but cancelled before it ran
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert queue.qsize() == 1 and await queue.get() == "kept"


async def test_readers_at_once_are_served_in_the_order_they_came_as_asyncio_queue_serves_them():
    """Found in review: a second reader was refused; a host's HTTP app may read beside a disconnect listener."""
    queue = ApplicationQueue()
    first, second = asyncio.ensure_future(queue.get()), asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("one")
    queue.put_nowait("two")
    assert await asyncio.wait_for(asyncio.gather(first, second), 1) == ["one", "two"]


async def test_a_wake_up_a_cancelled_reader_did_not_use_goes_to_the_next_reader():
    queue = ApplicationQueue()
    first, second = asyncio.ensure_future(queue.get()), asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("for whoever reads")  # wakes the first
    first.cancel()  # before it ran
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await asyncio.wait_for(second, 1) == "for whoever reads"


async def test_a_large_body_is_read_whole_in_order_and_the_queue_is_left_empty():
    queue = ApplicationQueue()
    for chunk in range(10_000):  # daphne puts a whole HTTP body at once, in 8 KiB chunks
        queue.put_nowait(chunk)
    assert [await queue.get() for _ in range(10_000)] == list(range(10_000))
    assert queue.qsize() == 0 and queue.items == []  # nothing kept of what was read


def test_the_send_queue_is_first_in_first_out_as_autobahn_reads_it():
    queue = SendQueue()
    queue.append((b"a", False))
    queue.append((b"b", True))
    assert len(queue) == 2 and queue.popleft() == (b"a", False) and queue.popleft() == (b"b", True) and len(queue) == 0


async def test_a_reader_may_start_as_soon_as_the_one_before_is_cancelled():
    queue = ApplicationQueue()
    first = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    second = asyncio.ensure_future(queue.get())  # runs before the cancelled reader does
    first.cancel()
    await asyncio.sleep(0)
    with pytest.raises(asyncio.CancelledError):
        await first
    queue.put_nowait("for the second")  # the cancelled reader's clean-up left the second one's wait alone
    assert await asyncio.wait_for(second, 1) == "for the second"
