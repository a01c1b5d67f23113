"""Committed ops whose publishing failed (the channel layer unreachable), sent again until it takes them.

A subscriber that receives an op newer than the one it expects fills the
gap from the database and drops what it already has, so only each
document's newest such op is kept, and sent again every RETRY_SECONDS by
one task per event loop until a send succeeds or a newer op of the
document is published. Without it, people in other processes viewing a
document that got no further op stayed where they were. (Through the
in-memory layer the watcher does this, from the database.)
"""

import asyncio
import logging

logger = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


class Unpublished:
    def __init__(self, publish):
        self.publish = publish  # a coroutine function sending [(document key, row)]
        self.newest = {}  # document key -> the newest row committed here whose publishing failed
        self.task = None

    def failed(self, key_rows):
        for key, row in key_rows:
            known = self.newest.get(key)
            if known is None or known.version < row.version:
                self.newest[key] = row
        if self.newest and (self.task is None or self.task.done()):
            self.task = asyncio.get_running_loop().create_task(self.retry())

    def published(self, key, version):
        """An op of the document at `version` reached the layer: its subscribers fill any gap before it."""
        known = self.newest.get(key)
        if known is not None and known.version <= version:
            del self.newest[key]

    async def retry(self):
        retries = 0
        while True:
            await asyncio.sleep(RETRY_SECONDS)
            pending = list(self.newest.items())
            if not pending:  # newer ops were published meanwhile
                return
            try:
                await self.publish(pending)
            except Exception as error:
                retries += 1
                # One warning for an outage, not one a second.
                (logger.warning if retries == 1 else logger.debug)(
                    "collab: still cannot publish the newest ops of %d documents (%s): retrying every %s s",
                    len(pending), error, RETRY_SECONDS)
                continue
            for key, row in pending:
                self.published(key, row.version)
            if retries:
                logger.warning("collab: published again the newest ops of %d documents", len(pending))
