"""Presence over the WebSocket: p, ps, pu, pr, relayed per document.

A document's channel is "<collection>.<key>", as the ShareDB client names
it. Presence is relayed only from and to connections that may view the
document; to anyone else, presence on it behaves as on a missing document.
"""

from channels.db import database_sync_to_async

from collab import ot, reads, store
from collab.broadcast import publish_presence
from collab.presence import checked, identity, transform_presence, within
from collab.protocol import badly_formed, field


class PresenceHandlers:
    def presence_init(self):
        self.presence_keys = set()  # documents whose presence this connection listens to
        self.own_presence = {}  # key -> {presence id: the last message relayed for it}

    def channel_key(self, message):
        channel = field(message, "ch", "channel")
        collection, _, key = channel.partition(".")
        if collection != self.settings["COLLECTION"] or not key:
            raise badly_formed(f"presence channel must be '{self.settings['COLLECTION']}.<document id>'")
        field({"d": key}, "d", "doc_id")
        return channel, key

    async def handle_presence_subscribe(self, message):
        (channel, key), seq = self.channel_key(message), field(message, "seq", "seq")
        if key not in self.presence_keys:
            self.check_room()
            await self.watch(key)
            self.presence_keys.add(key)
        rights = await database_sync_to_async(reads.rights)(self.user, key, self.policy)
        self.remember_rights(key, rights)
        if rights.view:
            await self.request_presence(channel, key)
        return {"a": "ps", "ch": channel, "seq": seq}

    async def handle_presence_unsubscribe(self, message):
        (channel, key), seq = self.channel_key(message), field(message, "seq", "seq")
        await self.leave_presence(key)
        return {"a": "pu", "ch": channel, "seq": seq}

    async def handle_presence_request(self, message):
        channel, key = self.channel_key(message)
        rights = await database_sync_to_async(reads.rights)(self.user, key, self.policy)
        self.remember_rights(key, rights)
        if rights.view:
            await self.request_presence(channel, key)
        return None

    async def request_presence(self, channel, key):
        # Asks the others to send their presence, as ShareDB does on subscribe.
        await publish_presence(key, {"ch": channel, "r": True, "src": self.src})

    async def handle_presence(self, message):
        channel, key = self.channel_key(message)
        presence_id = field(message, "id", "string")
        presence_version = field(message, "pv", "seq")
        value = checked(message.get("p"))
        version = field(message, "v", "version", required=False)
        document, rights = await database_sync_to_async(reads.visible)(self.user, key, self.policy)
        self.remember_rights(key, rights)
        head = document.version if document is not None else 0
        if version is not None and version > head:
            raise badly_formed(f"presence version {version} is newer than the document's version {head}")
        if document is not None and value is not None:
            if version is not None and version < head:
                value = transform_presence(value, await database_sync_to_async(store.ops_between)(document.pk, version, head))
            value = within(value, len(document.content))
        if value is not None:
            value = {**value, "user": identity(self.user)}
        relayed = {
            "a": "p", "ch": channel, "src": self.src, "id": presence_id, "p": value, "pv": presence_version,
            "c": self.settings["COLLECTION"], "d": key, "v": head if version is not None else None,
            "t": ot.URI if value is not None else None,
        }
        if rights.view:
            own = self.own_presence.setdefault(key, {})
            if value is None:
                own.pop(presence_id, None)
            else:
                own[presence_id] = relayed
            await publish_presence(key, relayed)
        # Answered alike whether relayed or not: a hidden document looks missing.
        return relayed

    async def clear_own_presence(self, key):
        """Tell the others this connection's presences on the document are gone."""
        for last in self.own_presence.pop(key, {}).values():
            # At the newest version this connection knows: a client drops presence older than its document.
            version = max(last["v"] or 0, self.next_version.get(key, 0))
            await publish_presence(key, {**last, "p": None, "pv": last["pv"] + 1, "v": version, "t": None})

    async def leave_presence(self, key):
        self.presence_keys.discard(key)
        await self.clear_own_presence(key)
        await self.unwatch_if_idle(key)

    async def presence_leave_all(self):
        for key in list(self.own_presence):
            await self.clear_own_presence(key)

    async def collab_presence(self, event):
        key, message = event["key"], event["message"]
        if event["src"] == self.src or key not in self.presence_keys or not self.may_read(key):
            return
        if message.get("r"):
            await self.send_json({"a": "pr", "ch": message["ch"]})
        else:
            await self.send_json(message)
