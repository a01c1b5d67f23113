"""Presence over the WebSocket: p, ps, pu, pr, relayed per channel.

A document's channel is "<collection>.<key>", as the ShareDB client names
it; every presence message is authorised as a read of that document.
"""

from channels.db import database_sync_to_async

from collab import reads, store
from collab.engine import presence_group
from collab.presence import identity, transform_presence
from collab.protocol import badly_formed, field


class PresenceHandlers:
    def presence_init(self):
        self.presence_channels = set()  # channels this connection listens to
        self.own_presence = {}  # channel -> {presence id: (last pv, the doc message fields)}

    def channel_document(self, channel):
        collection, _, key = channel.partition(".")
        if collection != self.settings["COLLECTION"] or not key:
            raise badly_formed(f"presence channel must be '{self.settings['COLLECTION']}.<document id>'")
        field({"d": key}, "d", "doc_id")
        return key

    async def authorise_channel(self, channel):
        key = self.channel_document(channel)
        return await database_sync_to_async(reads.readable)(self.user, key, self.policy)

    async def handle_presence_subscribe(self, message):
        channel, seq = field(message, "ch", "channel"), field(message, "seq", "seq")
        await self.authorise_channel(channel)
        if channel not in self.presence_channels:
            self.presence_channels.add(channel)
            await self.channel_layer.group_add(presence_group(channel), self.channel_name)
        # Ask the others to send their presence, as ShareDB does on subscribe.
        await self.publish_presence(channel, {"ch": channel, "r": True, "src": self.src})
        return {"a": "ps", "ch": channel, "seq": seq}

    async def handle_presence_unsubscribe(self, message):
        channel, seq = field(message, "ch", "channel"), field(message, "seq", "seq")
        if channel in self.presence_channels:
            self.presence_channels.discard(channel)
            await self.channel_layer.group_discard(presence_group(channel), self.channel_name)
        await self.clear_own_presence(channel)
        return {"a": "pu", "ch": channel, "seq": seq}

    async def handle_presence_request(self, message):
        channel = field(message, "ch", "channel")
        await self.authorise_channel(channel)
        await self.publish_presence(channel, {"ch": channel, "r": True, "src": self.src})
        return None

    async def handle_presence(self, message):
        channel = field(message, "ch", "channel")
        presence_id = field(message, "id", "string")
        presence_version = field(message, "pv", "seq")
        value = message.get("p")
        if value is not None and not isinstance(value, dict):
            raise badly_formed("'p' must be an object or null")
        document = await self.authorise_channel(channel)
        version = field(message, "v", "version", required=False)
        head = document.version if document is not None else 0
        if version is not None and version < head and value is not None:
            rows = await database_sync_to_async(store.ops_between)(document.pk, version, head)
            value = transform_presence(value, rows)
        if value is not None:
            value = {**value, "user": identity(self.user)}
        relayed = {
            "a": "p", "ch": channel, "src": self.src, "id": presence_id, "p": value, "pv": presence_version,
            "c": message.get("c"), "d": message.get("d"), "v": head if version is not None else None, "t": message.get("t"),
        }
        own = self.own_presence.setdefault(channel, {})
        if value is None:
            own.pop(presence_id, None)
        else:
            own[presence_id] = relayed
        await self.publish_presence(channel, relayed)
        return relayed

    async def clear_own_presence(self, channel):
        """Tell the others this connection's presences on the channel are gone."""
        for last in self.own_presence.pop(channel, {}).values():
            # At the newest version this connection knows: a client drops presence older than its document.
            version = max(last["v"] or 0, self.next_version.get(self.channel_document(channel), 0))
            await self.publish_presence(channel, {**last, "p": None, "pv": last["pv"] + 1, "v": version})

    async def presence_leave_all(self):
        for channel in list(self.own_presence):
            await self.clear_own_presence(channel)
        for channel in self.presence_channels:
            await self.channel_layer.group_discard(presence_group(channel), self.channel_name)

    async def publish_presence(self, channel, message):
        await self.channel_layer.group_send(presence_group(channel), {"type": "collab.presence", "message": message})

    async def collab_presence(self, event):
        message = event["message"]
        if message.get("src") == self.src or message["ch"] not in self.presence_channels:
            return
        if message.get("r"):
            await self.send_json({"a": "pr", "ch": message["ch"]})
        else:
            await self.send_json(message)
