"""channels_redis's pub/sub layer, able to send a batch of group messages in one round trip.

The stock layer publishes each group message under its shard's lock and
waits for Redis's answer before the next, so the ops one batch committed
went out one round trip after another, and their submitters, answered
once their ops are published, waited for all of them. group_send_many
pipelines them: one round trip per shard, in order.
"""

import asyncio

from channels_redis.pubsub import RedisPubSubChannelLayer as StockRedisPubSubChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError


class RedisPubSubChannelLayer(StockRedisPubSubChannelLayer):
    async def group_send_many(self, messages):
        """Send each (group, message), in the order given, in one round trip per Redis shard.

        A connection found broken (Redis restarted since the last send) is replaced and the
        shard's messages are sent once more: some may then arrive twice, which consumers of
        ops drop by version. The shards are sent to side by side; one that still fails does not
        hold back the others: their messages are sent, then its error is raised.
        """
        layer = self._get_layer()
        by_shard = {}
        for group, message in messages:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append((channel, self.serialize(message)))
        # Side by side: a shard that is down costs the batch its own time-out, not the sum of all.
        outcomes = await asyncio.gather(*(publish_to_shard(shard, published) for shard, published in by_shard.items()),
                                        return_exceptions=True)
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        for failure in failures:
            if isinstance(failure, asyncio.CancelledError):  # shutting down: not a failure to report
                raise failure
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise BaseExceptionGroup("publishing to several Redis shards failed", failures)  # an ExceptionGroup if all are Exceptions


async def publish_to_shard(shard, published):
    async with shard._lock:  # as the stock publish holds it
        shard._ensure_redis()
        try:
            await publish_all(shard._redis, published)
        except RedisConnectionError:  # the broken connection has left the pool
            await publish_all(shard._redis, published)


async def publish_all(redis, published):
    async with redis.pipeline(transaction=False) as pipeline:
        for channel, data in published:
            pipeline.publish(channel, data)
        await pipeline.execute()
