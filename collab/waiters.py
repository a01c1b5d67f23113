"""Readers waiting in turn for an item, as asyncio.Queue keeps its getters (used by the layer's
channels and daphne's per-connection input queue, collab.connection_memory)."""

import asyncio


class Waiters(list):
    """The futures of the readers waiting, oldest first."""

    __slots__ = ()

    def wake_one(self):
        while self:
            waiter = self.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    async def wait(self, has_item):
        """Until woken by wake_one. A reader cancelled after it was woken, before it ran, passes the
        wake-up on to the next one if `has_item()`: the item it was woken for is still there."""
        waiter = asyncio.get_running_loop().create_future()
        self.append(waiter)
        try:
            await waiter
        except BaseException:
            self.forget(waiter, has_item)
            raise

    def forget(self, waiter, has_item):
        """Withdraw a waiter; one woken already passes its wake-up on if `has_item()`."""
        if waiter in self:
            self.remove(waiter)
        elif waiter.done() and has_item():
            self.wake_one()
