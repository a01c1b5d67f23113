from collab import layers


async def test_expired_entries_are_looked_for_at_most_once_a_second(monkeypatch):
    layer = layers.InMemoryChannelLayer(group_expiry=10**9)
    scans = []
    monkeypatch.setattr(layers.StockInMemoryChannelLayer, "_clean_expired", lambda self: scans.append(1))
    await layer.group_add("doc", "consumer.one")
    for _ in range(50):
        await layer.group_send("doc", {"type": "collab.op"})
    assert len(scans) == 1
    assert (await layer.receive("consumer.one"))["type"] == "collab.op"


async def test_messages_still_reach_every_member():
    count = 3
    layer = layers.InMemoryChannelLayer(group_expiry=10**9)
    for index in range(count):
        await layer.group_add("doc", f"consumer.{index}")
    await layer.group_send("doc", {"type": "collab.op", "v": 7})
    assert [(await layer.receive(f"consumer.{index}"))["v"] for index in range(count)] == [7] * count
