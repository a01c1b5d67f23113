"""collab's in-memory layer: the stock layer's behaviour (checked against it), at a cost per message, not per connection."""

import asyncio
import random

import pytest
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as StockLayer

from collab import layers


@pytest.mark.parametrize("seed", range(20))
async def test_the_same_messages_reach_the_same_channels_in_the_same_order_as_with_the_stock_layer(seed):
    rng = random.Random(seed)
    ours, stock = layers.InMemoryChannelLayer(capacity=5), StockLayer(capacity=5, group_expiry=10**9)
    channels, groups = [f"consumer.{n}" for n in range(6)], [f"doc.{n}" for n in range(3)]
    waiting = {channel: 0 for channel in channels}  # what the stock layer holds, so receive never blocks
    for step in range(300):
        action, channel, group = rng.random(), rng.choice(channels), rng.choice(groups)
        message = {"type": "collab.op", "step": step}
        outcomes = []
        for layer in (ours, stock):
            try:
                if action < 0.15:
                    await layer.group_add(group, channel)
                elif action < 0.2:
                    await layer.group_discard(group, channel)
                elif action < 0.45:
                    await layer.send(channel, message)
                elif action < 0.7:
                    await layer.group_send(group, message)
                elif waiting[channel]:
                    outcomes.append(await layer.receive(channel))
            except ChannelFull:
                outcomes.append("full")
        assert outcomes[:1] == outcomes[1:], f"seed {seed}, step {step}"
        waiting = {name: len(stock.channels[name]._queue) if name in stock.channels else 0 for name in channels}
    assert {name: len(queue.messages) for name, queue in ours.channels.items() if queue.messages} == \
           {name: len(queue._queue) for name, queue in stock.channels.items() if len(queue._queue)}


async def test_an_idle_receiver_holds_no_queue_and_a_drained_channel_is_forgotten():
    layer = layers.InMemoryChannelLayer()
    receiving = asyncio.ensure_future(layer.receive("consumer.one"))
    await asyncio.sleep(0)
    assert isinstance(layer.channels["consumer.one"], layers.Channel)
    await layer.send("consumer.one", {"type": "collab.op"})
    assert (await receiving)["type"] == "collab.op"
    assert layer.channels == {}


async def test_a_receiver_cancelled_after_being_woken_leaves_the_message_to_the_next():
    layer = layers.InMemoryChannelLayer()
    first = asyncio.ensure_future(layer.receive("consumer.one"))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(layer.receive("consumer.one"))
    await asyncio.sleep(0)
    await layer.send("consumer.one", {"type": "collab.op", "v": 1})
    first.cancel()  # woken, not yet run
    assert (await asyncio.wait_for(second, 1))["v"] == 1  # fails, not hangs, if the wake-up is lost
    with pytest.raises(asyncio.CancelledError):
        await first
    assert layer.channels == {}


async def test_a_cancelled_idle_receiver_is_forgotten():
    layer = layers.InMemoryChannelLayer()
    receiving = asyncio.ensure_future(layer.receive("consumer.one"))
    await asyncio.sleep(0)
    receiving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await receiving
    assert layer.channels == {}


async def test_each_receiver_gets_its_own_copy():
    layer = layers.InMemoryChannelLayer()
    for name in ("consumer.one", "consumer.two"):
        await layer.group_add("doc", name)
    await layer.group_send("doc", {"type": "collab.op", "ops": [1]})
    (await layer.receive("consumer.one"))["ops"].append(2)
    assert (await layer.receive("consumer.two"))["ops"] == [1]


async def test_a_full_channel_refuses_a_send_and_is_skipped_by_a_group_send():
    layer = layers.InMemoryChannelLayer(capacity=1)
    await layer.group_add("doc", "consumer.full")
    await layer.group_add("doc", "consumer.free")
    await layer.send("consumer.full", {"type": "first"})
    with pytest.raises(ChannelFull):
        await layer.send("consumer.full", {"type": "second"})
    await layer.group_send("doc", {"type": "collab.op"})
    assert (await layer.receive("consumer.free"))["type"] == "collab.op"
    assert (await layer.receive("consumer.full"))["type"] == "first"


async def test_expired_messages_are_looked_for_at_most_once_a_second_and_take_their_channel_out_of_groups(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(layers.time, "monotonic", lambda: clock[0])
    layer = layers.InMemoryChannelLayer(expiry=-1)  # every message has expired on arrival
    await layer.group_add("doc", "consumer.behind")
    await layer.group_add("other", "consumer.idle")  # no message: nothing expires
    await layer.group_send("doc", {"type": "collab.op"})  # the first look, before the message is in
    clock[0] += 0.5
    await layer.group_send("doc", {"type": "collab.op"})
    assert "consumer.behind" in layer.groups["doc"], "looked again within the second"
    clock[0] += 0.6
    await layer.group_send("other", {"type": "collab.op"})
    assert "consumer.behind" not in layer.groups["doc"] and "consumer.behind" not in layer.channels
    assert "consumer.idle" in layer.groups["other"]


async def test_a_message_that_copies_itself_is_copied_its_own_way():
    from collab.broadcast import Event

    layer = layers.InMemoryChannelLayer()
    for name in ("consumer.one", "consumer.two"):
        await layer.group_add("doc", name)
    event = Event(type="collab.op", text="[1]", shared=["never changed"])
    await layer.group_send("doc", event)
    one, two = await layer.receive("consumer.one"), await layer.receive("consumer.two")
    assert one == two == event and one is not two and one is not event and type(one) is Event
    # Its own way is shallow: a deep copy would have copied what it holds.
    assert one["shared"] is two["shared"] is event["shared"]


async def test_a_woken_receiver_whose_channel_was_dropped_meanwhile_still_gets_the_next_message():
    """Found in review: another receiver took the message first and dropped the idle channel,
    leaving the woken one waiting on a channel nobody sent to any more."""
    layer = layers.InMemoryChannelLayer()
    first = asyncio.ensure_future(layer.receive("consumer.one"))
    await asyncio.sleep(0)
    await layer.send("consumer.one", {"type": "m1"})  # wakes the first receiver, which has not run yet
    assert (await layer.receive("consumer.one"))["type"] == "m1"  # a second one takes the message
    await asyncio.sleep(0)
    await layer.send("consumer.one", {"type": "m2"})
    assert (await asyncio.wait_for(first, 1))["type"] == "m2"
    assert layer.channels == {}


async def test_a_capacity_of_zero_means_no_limit_as_in_the_stock_layer():
    layer = layers.InMemoryChannelLayer(capacity=0)
    for _ in range(3):
        await layer.send("consumer.one", {"type": "collab.op"})
    assert len(layer.channels["consumer.one"].messages) == 3


@pytest.mark.parametrize("name", ["", "bad name", "x" * 101, 7, "toolong!" * 20])
async def test_a_bad_channel_name_is_refused_wherever_it_comes_in_as_by_the_stock_layer(name):
    ours, stock = layers.InMemoryChannelLayer(), StockLayer()
    await ours.send("good.1", {"type": "x"})  # a known channel does not let every other name past
    for layer in (ours, stock):
        with pytest.raises(TypeError):
            await layer.send(name, {"type": "x"})
        with pytest.raises(TypeError):
            await layer.group_add("doc.1", name)
        with pytest.raises(TypeError):
            await asyncio.wait_for(layer.receive(name), 1)
    with pytest.raises(TypeError):
        ours.inbox(name)
    assert set(ours.channels) == {"good.1"}


async def test_an_inbox_takes_what_receive_would_and_waits_for_nothing():
    layer = layers.InMemoryChannelLayer()
    inbox = layer.inbox("consumer.1")
    assert inbox.take() is None and "consumer.1" not in layer.channels  # nothing made for asking
    await layer.group_add("doc.1", "consumer.1")
    for step in range(3):
        await layer.group_send("doc.1", {"type": "collab.op", "step": step})
    assert inbox.take() == {"type": "collab.op", "step": 0}
    assert await layer.receive("consumer.1") == {"type": "collab.op", "step": 1}
    assert inbox.take() == {"type": "collab.op", "step": 2}
    assert inbox.take() is None and "consumer.1" not in layer.channels  # an empty channel is let go
