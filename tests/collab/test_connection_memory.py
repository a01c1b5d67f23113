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


async def test_a_second_reader_at_once_is_refused_not_left_waiting_forever():
    queue = ApplicationQueue()
    first = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="one reader at a time"):
        await queue.get()
    queue.put_nowait("for the first")
    assert await first == "for the first"


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
