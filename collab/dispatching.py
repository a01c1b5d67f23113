"""A consumer's messages from its socket and from the channel layer, dispatched one at a time as they come.

Channels' await_many_dispatch does this with asyncio.wait, which builds
sets, a waiter and callbacks on every task for every message: about 40 µs
a message on this machine, against 15 µs here, and every keystroke is
two such messages (the op in, its broadcast back) or more. As there, a
source is read again only once its last message was dispatched, so a
busy consumer leaves the rest in its queues (where daphne's backpressure
sees them).

collab's own sources (daphne's input queue, the in-memory layer) are
inboxes: a waiting message is taken at once, and an idle consumer is woken
by the next one directly. Other sources (uvicorn's, Redis) are read by a
task each, which costs a task and three turns of the event loop a message.
"""

import asyncio

TURN_EVERY = 8  # messages dispatched in a row before the event loop gets a turn


async def dispatch_as_they_come(receivers, dispatch, inboxes=None):
    """Dispatch each source's messages in order, one at a time.

    `inboxes[i]`, where not None, stands for `receivers[i]`: its take()
    returns the next message or None when none is waiting (a message is
    never None), notify(future) has the next message that arrives set the
    future's result, and forget(future) withdraws it (passing the wake-up
    on if the future was woken and a message waits: a reader cancelled
    after its wake-up must not swallow it).

    The sources are tried in turn, from the one after the last
    dispatched, and the event loop gets a turn after every few messages
    taken in a row: a backlog of messages whose handlers never wait
    (pings, refusals) must hold back neither the other source nor
    everyone else's connections."""
    loop = asyncio.get_running_loop()
    inboxes = inboxes or [None] * len(receivers)
    waker = None

    def wake(_task):
        if waker is not None and not waker.done():
            waker.set_result(None)

    def read(receiver):
        task = loop.create_task(receiver())
        task.add_done_callback(wake)
        return task

    def next_message(index):
        inbox = inboxes[index]
        if inbox is not None:
            return inbox.take()
        task = tasks[index]
        if task is None:
            tasks[index] = read(receivers[index])
            return None
        if not task.done():
            return None
        tasks[index] = None
        return task.result()

    count, first, in_a_row = len(receivers), 0, 0
    tasks = [None] * count
    waiting_on = [inbox for inbox in inboxes if inbox is not None]
    try:
        while True:
            for offset in range(count):
                index = (first + offset) % count
                message = next_message(index)
                if message is not None:
                    break
            else:
                waker = loop.create_future()
                for inbox in waiting_on:
                    inbox.notify(waker)
                try:
                    await waker
                finally:
                    for inbox in waiting_on:
                        inbox.forget(waker)
                waker, in_a_row = None, 0
                continue
            first = (index + 1) % count
            await dispatch(message)
            in_a_row += 1
            if in_a_row == TURN_EVERY:
                in_a_row = 0
                await asyncio.sleep(0)
    finally:
        for task in tasks:
            if task is not None:
                task.cancel()
