"""Committed ops and changes of rights whose publishing failed (the channel layer unreachable), sent again
until others got them.

A subscriber that receives an op newer than the one it expects fills the
gap from the database and drops what it already has, so only each
document's newest such op is kept, and sent again every RETRY_SECONDS by
one task per event loop. Redis takes messages as soon as it is back, but
another process's subscription comes back on its own schedule
(channels_redis tries about every second), so the newest op is sent
SENDS_ONCE_BACK times once the layer takes it; an op of the document
published meanwhile takes its place. Without it, people in other
processes viewing a document that got no further op stayed where they
were. A change of rights whose message failed is told again the same way:
ops carry their access revision, but presence does not. (Through the
in-memory layer the watcher does both, from the database.)
"""

import asyncio
import logging

logger = logging.getLogger(__name__)
RETRY_SECONDS = 1.0
SENDS_ONCE_BACK = 5


class Unpublished:
    def __init__(self, publish, tell):
        self.publish = publish  # a coroutine function sending [(document key, row)]
        self.tell = tell  # a coroutine function telling a document's connections its rights may have changed
        self.newest = {}  # document key -> [its newest row committed here, sends left once the layer takes them]
        self.untold = {}  # document key -> sends left of the message that its rights changed
        self.task = None

    def failed(self, key_rows):
        for key, row in key_rows:
            known = self.newest.get(key)
            if known is None or known[0].version <= row.version:
                self.newest[key] = [row, SENDS_ONCE_BACK]
            else:
                known[1] = SENDS_ONCE_BACK
        self.start()

    def rights_failed(self, key):
        """The message that the document's rights changed did not reach the layer."""
        self.untold[key] = SENDS_ONCE_BACK
        self.start()

    def start(self):
        if (self.newest or self.untold) and (self.task is None or self.task.done()):
            self.task = asyncio.get_running_loop().create_task(self.retry())

    def published(self, key, row):
        """An op of the document reached the layer: if one of it is being sent again, this one is now."""
        known = self.newest.get(key)
        if known is not None and known[0].version <= row.version:
            known[0] = row

    async def retry(self):
        retries = 0
        while True:
            await asyncio.sleep(RETRY_SECONDS)
            pending, untold = [(key, entry[0]) for key, entry in self.newest.items()], list(self.untold)
            if not pending and not untold:
                return
            try:
                if pending:
                    await self.publish(pending)
                for key in untold:
                    await self.tell(key)
            except Exception as error:
                retries += 1
                for entry in self.newest.values():
                    entry[1] = SENDS_ONCE_BACK
                self.untold = dict.fromkeys(self.untold, SENDS_ONCE_BACK)
                # One warning for an outage, not one a second.
                (logger.warning if retries == 1 else logger.debug)(
                    "collab: still cannot publish the newest ops of %d documents and %d changes of rights (%s): retrying every %s s",
                    len(pending), len(untold), error, RETRY_SECONDS)
                continue
            if retries:
                logger.warning("collab: published again the newest ops of %d documents and %d changes of rights", len(pending), len(untold))
                retries = 0
            for key in untold:
                self.untold[key] -= 1
                if self.untold[key] <= 0:
                    del self.untold[key]
            for key, row in pending:
                entry = self.newest.get(key)
                if entry is not None and entry[0] is row:
                    entry[1] -= 1
                    if entry[1] <= 0:
                        del self.newest[key]
