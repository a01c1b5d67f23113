"""A consumer's messages from its socket and from the channel layer, dispatched one at a time as they come.

Channels' await_many_dispatch does this with asyncio.wait, which builds
sets, a waiter and callbacks on every task for every message: about 40 µs
a message on this machine, against 15 µs here, and every keystroke is
two such messages (the op in, its broadcast back) or more. As there, a
source is read again only once its last message was dispatched, so a
busy consumer leaves the rest in its queues (where daphne's backpressure
sees them).
"""

import asyncio


async def dispatch_as_they_come(receivers, dispatch):
    loop = asyncio.get_running_loop()
    waker = None

    def wake(_task):
        if waker is not None and not waker.done():
            waker.set_result(None)

    def read(receiver):
        task = loop.create_task(receiver())
        task.add_done_callback(wake)
        return task

    tasks = [read(receiver) for receiver in receivers]
    try:
        while True:
            ready = [index for index, task in enumerate(tasks) if task.done()]
            if not ready:
                waker = loop.create_future()
                await waker
                waker = None
                continue
            for index in ready:
                message = tasks[index].result()
                await dispatch(message)
                tasks[index] = read(receivers[index])
    finally:
        for task in tasks:
            task.cancel()
