"""Channels' in-memory layer, rebuilt for one long-running server process with many sockets.

The stock layer costs in proportion to the connections, not the work:
it scans every channel and group for expired entries on every send and
receive, gives each channel a full asyncio.Queue (about 3 KiB, a fifth
of an idle connection's memory), builds a throwaway Queue on every send
and receive, and starts one task per member for each group message.
Here a channel is a deque of messages and the receivers waiting on it,
made when first used and dropped when empty; a group message is put in
each member's deque in one pass; the expiry scan runs at most once a
second. The semantics are the stock layer's: per-channel capacity
(ChannelFull), expiry (an expired message also takes its channel out of
its groups), each message deep-copied per receiver.

Its defaults suit an editor: consumers leave their groups when their
socket closes, so memberships need not expire (the stock one day would
silently cut off a long editing session), and a busy document's burst of
ops must not overflow a consumer's queue (the stock 100 messages).
"""

import time
from collections import deque
from copy import deepcopy

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer

from collab.waiters import Waiters

CLEAN_INTERVAL_SECONDS = 1.0


class Channel:
    """The messages waiting on one channel, as (expires at, message), and the receivers waiting for them.

    An idle connection's channel has one receiver and no message: the deque
    (most of a kilobyte even when empty) is made for the first message.
    """

    __slots__ = ("messages", "receivers")

    def __init__(self):
        self.messages, self.receivers = None, Waiters()


class ChannelInbox:
    __slots__ = ("layer", "channel")

    def __init__(self, layer, channel):
        layer.require_valid_channel_name(channel)  # once: take() is on every message and every wake-up
        self.layer, self.channel = layer, channel

    def take(self):
        return self.layer.take(self.channel)

    def notify(self, future):
        self.layer._channel(self.channel).receivers.append(future)

    def forget(self, future):
        queue = self.layer.channels.get(self.channel)
        if queue is not None:  # kept while the future was in it
            queue.receivers.forget(future, lambda: bool(queue.messages))
            self.layer._forget_if_idle(self.channel, queue)


def copy_of(message):
    # A message that says how it is copied (collab.broadcast.Event) is spared deepcopy's memo and bookkeeping.
    own_copy = getattr(message, "__deepcopy__", None)
    return own_copy({}) if own_copy is not None else deepcopy(message)


class InMemoryChannelLayer(StockInMemoryChannelLayer):
    DEFAULT_CONFIG = {"capacity": 100_000, "group_expiry": 10 * 365 * 86400}
    _cleaned_at = 0.0

    def __init__(self, **config):
        super().__init__(**{**self.DEFAULT_CONFIG, **config})

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        self._put(channel, message)

    def _put(self, channel, message):
        queue = self._channel(channel)
        if queue.messages is None:
            queue.messages = deque()
        if 0 < self.get_capacity(channel) <= len(queue.messages):  # as asyncio.Queue: 0 means no limit
            raise ChannelFull(channel)
        queue.messages.append((time.time() + self.expiry, copy_of(message)))
        queue.receivers.wake_one()

    def _channel(self, channel):
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = Channel()
        return queue

    def _forget_if_idle(self, channel, queue):
        if not queue.messages and not queue.receivers and self.channels.get(channel) is queue:
            del self.channels[channel]

    async def receive(self, channel):
        self.require_valid_channel_name(channel)
        while True:
            message = self.take(channel)
            if message is not None:
                return message
            # Looked up again after each wait: a woken receiver's channel may have been dropped
            # meanwhile (another receiver took the message, or it expired), and a new one made.
            queue = self._channel(channel)
            try:
                await queue.receivers.wait(lambda: bool(queue.messages))
            except BaseException:
                self._forget_if_idle(channel, queue)
                raise

    def inbox(self, channel):
        """The channel as an inbox (collab.dispatching): its consumer waits without a task."""
        return ChannelInbox(self, channel)

    def take(self, channel):
        """The channel's next message, or None when none is waiting (a message is a dict, never None).
        The name must have been checked (receive, inbox)."""
        queue = self.channels.get(channel)
        if queue is None:
            return None
        self._clean_expired()
        if not queue.messages:
            return None
        _, message = queue.messages.popleft()
        self._forget_if_idle(channel, queue)
        return message

    async def group_send(self, group, message):
        self.group_send_now(group, message)

    def group_send_now(self, group, message):
        """group_send, which never waits: callable from synchronous code on the layer's event loop."""
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            try:
                self._put(channel, message)
            except ChannelFull:
                pass

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_INTERVAL_SECONDS:
            return
        self._cleaned_at = now
        wall_clock = time.time()
        for channel, queue in list(self.channels.items()):
            while queue.messages and queue.messages[0][0] < wall_clock:
                queue.messages.popleft()
                self._remove_from_groups(channel)
            if not queue.messages and not queue.receivers:
                self.channels.pop(channel, None)
        oldest_member = int(wall_clock) - self.group_expiry
        for members in self.groups.values():
            for name, joined_at in list(members.items()):
                if joined_at and joined_at < oldest_member:
                    members.pop(name, None)
