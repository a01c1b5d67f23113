"""collab.redis_layer: a batch of group messages in one pipelined round trip, received in order by
our layer and by channels_redis's own (another process may run either)."""

import asyncio

from channels_redis.pubsub import RedisPubSubChannelLayer as StockRedisPubSubChannelLayer
from channels_redis.pubsub import RedisSingleShardConnection

from collab.redis_layer import RedisPubSubChannelLayer


async def test_a_batch_of_group_messages_arrives_in_order_at_every_member_without_one_publish_each(services, monkeypatch):
    hosts = [services[1]["REDIS_URL"]]
    ours, stock = RedisPubSubChannelLayer(hosts=hosts), StockRedisPubSubChannelLayer(hosts=hosts)  # two processes, as it were
    try:
        here, there = await ours.new_channel(), await stock.new_channel()
        await ours.group_add("doc-1", here)
        for group in ("doc-1", "doc-2"):
            await stock.group_add(group, there)

        async def one_publish_each(*args):
            raise AssertionError("a round trip per message")

        monkeypatch.setattr(RedisSingleShardConnection, "publish", one_publish_each)
        await ours.group_send_many([("doc-1", {"type": "op", "n": 1}), ("doc-2", {"type": "op", "n": 2}), ("doc-1", {"type": "op", "n": 3})])
        assert [(await asyncio.wait_for(ours.receive(here), 5))["n"] for _ in range(2)] == [1, 3]
        assert [(await asyncio.wait_for(stock.receive(there), 5))["n"] for _ in range(3)] == [1, 2, 3]
    finally:
        await ours.flush()
        await stock.flush()
