"""Noticing what other processes committed to the documents open in this one.

With Redis, every process publishes to every other. The in-memory channel
layer reaches only its own process, so a management command, a worker or
`manage.py shell` editing a document (or changing who may see it) would go
unseen by the editors connected here. The watcher polls the heads of the
documents open in this process (on SQLite only when the file changed) and
publishes what it finds: ops nobody here has published yet, and rights
that may have changed. Consumers drop anything they already have.
"""

import asyncio
import logging
from collections import Counter

from channels.layers import InMemoryChannelLayer, get_channel_layer

from collab import broadcast, store
from collab.conf import collab_settings

logger = logging.getLogger(__name__)


class Watcher:
    def __init__(self):
        self.open = Counter()  # document key -> connections here that have it open
        self.seen = {}  # document key -> (version, access revision) last seen in the database
        self.published = {}  # document key -> the version after the last op published here
        self.loop = self.task = None
        self.data_version = None

    def wanted(self):
        return collab_settings()["WATCH_INTERVAL"] is not None and self.process_local()

    @staticmethod
    def process_local():
        """Whether the channel layer reaches only this process (the in-memory one)."""
        return isinstance(get_channel_layer(), InMemoryChannelLayer)

    def others_watching(self, key, one_of_them_is_excluded):
        """How many connections of this process have the document open, less one if asked."""
        return self.open.get(key, 0) - (1 if one_of_them_is_excluded else 0)

    def track(self, key):
        self.open[key] += 1
        loop = asyncio.get_running_loop()
        if self.loop is not loop and self.wanted():
            self.loop, self.data_version = loop, None
            self.task = loop.create_task(self.run())

    def untrack(self, key):
        self.open[key] -= 1
        if self.open[key] <= 0:
            for table in (self.open, self.seen, self.published):
                table.pop(key, None)

    def note_published(self, key, version):
        if key in self.open:
            self.published[key] = max(self.published.get(key, 0), version + 1)

    async def run(self):
        from collab.engine import committer  # the committer's thread: its connection sees others' commits

        interval = collab_settings()["WATCH_INTERVAL"]
        while True:
            await asyncio.sleep(interval)
            keys = list(self.open)
            if not keys:
                continue
            try:
                self.data_version, heads = await self.loop.run_in_executor(committer.executor, store.heads_if_changed, keys, self.data_version)
                if heads is not None:
                    await self.publish_changes(keys, heads)
            except Exception:
                logger.exception("collab: the watcher could not read the documents' heads")

    async def publish_changes(self, keys, heads):
        for key in keys:
            head, last = heads.get(key), self.seen.get(key)
            if head is None:
                if last is not None:  # deleted elsewhere
                    self.seen.pop(key)
                    await broadcast.publish_access(key)
                continue
            version, revision = head
            self.seen[key] = head
            if last is None or last[1] != revision:
                await broadcast.publish_access(key, revision)
            # First seen: only the newest op, from which each connection fills its own gap.
            published = max(self.published.get(key, 0), last[0] if last else version - 1)
            if version > published:
                from collab.engine import committer

                for row in await self.loop.run_in_executor(committer.executor, store.ops_for_key, key, published, version):
                    await broadcast.publish_op(key, row)
                self.note_published(key, version - 1)


watcher = Watcher()
