"""collab.redis_layer: a batch of group messages in one pipelined round trip, received in order by
our layer and by channels_redis's own (another process may run either)."""

import asyncio
import contextlib

import pytest

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


async def test_with_two_redis_shards_each_message_goes_where_channels_redis_would_send_it(services):
    """Found in review: with one Redis, a message sent to the wrong shard (or none) went unseen. Here the
    sender is fresh (no connection opened by a subscription first) and the receiver is the stock class."""
    from tests.support.services import redis_server

    with redis_server() as second:
        hosts = [services[1]["REDIS_URL"], second]
        ours, stock = RedisPubSubChannelLayer(hosts=hosts), StockRedisPubSubChannelLayer(hosts=hosts)
        try:
            there = await stock.new_channel()
            groups = [f"doc-{index}" for index in range(12)]
            for group in groups:
                await stock.group_add(group, there)
            shards = {stock._get_layer()._get_shard(stock._get_layer()._get_group_channel_name(group)) for group in groups}
            assert len(shards) == 2  # the groups fall on both
            await ours.group_send_many([(group, {"type": "op", "group": group, "n": n}) for n in (1, 2) for group in groups])
            received = [await asyncio.wait_for(stock.receive(there), 5) for _ in range(2 * len(groups))]
            assert sorted((message["group"], message["n"]) for message in received) == sorted((group, n) for n in (1, 2) for group in groups)
            for group in groups:
                assert [message["n"] for message in received if message["group"] == group] == [1, 2]
        finally:
            await ours.flush()
            await stock.flush()


async def test_a_batch_after_redis_restarted_is_sent_on_a_new_connection():
    """Found in review: the first batch after a Redis restart failed on the pooled connection and was lost
    (one round trip per op lost only the first op)."""
    from tests.support.daphne import free_port
    from tests.support.services import redis_server

    port = free_port()
    with redis_server(port) as url:
        ours = RedisPubSubChannelLayer(hosts=[url])
        await ours.group_send_many([("doc-1", {"type": "op", "n": 1})])  # its connection is pooled
    try:
        with redis_server(port):  # restarted: the pooled connection is broken
            stock = StockRedisPubSubChannelLayer(hosts=[url])
            there = await stock.new_channel()
            await stock.group_add("doc-1", there)
            await ours.group_send_many([("doc-1", {"type": "op", "n": 2})])
            assert (await asyncio.wait_for(stock.receive(there), 5))["n"] == 2
            await stock.flush()
    finally:
        await ours.flush()


async def test_a_redis_shard_that_is_down_does_not_hold_back_the_other_shards_messages(services):
    """A shard failing even after its retry used to skip every shard after it in the batch."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from tests.support.services import redis_server

    with contextlib.ExitStack() as second:
        hosts = [services[1]["REDIS_URL"], second.enter_context(redis_server())]
        stock = StockRedisPubSubChannelLayer(hosts=hosts)
        layer = stock._get_layer()
        on_second = {f"doc-{index}": layer._shards.index(layer._get_shard(layer._get_group_channel_name(f"doc-{index}"))) == 1
                     for index in range(12)}
        down = [group for group, second_one in on_second.items() if second_one]
        live = [group for group, second_one in on_second.items() if not second_one]
        assert down and live
        there = await stock.new_channel()
        for group in live:
            await stock.group_add(group, there)
        second.close()  # the second Redis goes down
        ours = RedisPubSubChannelLayer(hosts=hosts)
        try:
            with pytest.raises(RedisConnectionError):  # the batch's first message is for the shard that is down
                await ours.group_send_many([(group, {"type": "op", "group": group}) for group in down + live])
            received = [await asyncio.wait_for(stock.receive(there), 5) for _ in live]
            assert sorted(message["group"] for message in received) == sorted(live)
        finally:
            await ours.flush()
            await stock.flush()


async def test_when_several_redis_shards_are_down_each_ones_error_is_raised():
    from redis.exceptions import ConnectionError as RedisConnectionError

    from tests.support.services import redis_server

    with contextlib.ExitStack() as redis:
        hosts = [redis.enter_context(redis_server()), redis.enter_context(redis_server())]
    ours = RedisPubSubChannelLayer(hosts=hosts)  # both gone
    try:
        with pytest.raises(ExceptionGroup) as raised:
            await ours.group_send_many([(f"doc-{index}", {"type": "op"}) for index in range(12)])
        assert len(raised.value.exceptions) == 2
        assert all(isinstance(error, RedisConnectionError) for error in raised.value.exceptions)
    finally:
        await ours.flush()
