"""Documents over the WebSocket: f, s, u, the bulk bf, bs, bu, op, nf, nt, and delivering ops.

Each subscriber gets each op once, in version order, and only while it
may view the document: the consumer remembers the next version its client
lacks and the rights it last read, drops what is older, fills a gap from
the database, and re-reads the rights when told they may have changed.
"""

from channels.db import database_sync_to_async

from collab import connection_ids, engine, metrics, protocol, reads, store
from collab.errors import CollabError, ErrorCode
from collab.protocol import badly_formed, field
from collab.submit import Submission

# Room in a reply for everything around the snapshots it carries.
ENVELOPE_BYTES = 64 * 1024


class DocumentHandlers:
    def documents_init(self):
        self.subscribed = set()  # document keys
        self.next_version = {}  # document key -> the version of the next op its client lacks

    def check_collection(self, message):
        collection = field(message, "c", "collection")
        if collection != self.settings["COLLECTION"]:
            raise badly_formed(f"unknown collection {collection[:40]!r}: use {self.settings['COLLECTION']!r}")

    def document_key(self, message):
        self.check_collection(message)
        return field(message, "d", "doc_id")

    async def handle_fetch(self, message):
        key = self.document_key(message)
        return await self.read(message, key, field(message, "v", "version", required=False), subscribe=False)

    async def handle_subscribe(self, message):
        key = self.document_key(message)
        return await self.read(message, key, field(message, "v", "version", required=False), subscribe=True)

    async def handle_unsubscribe(self, message):
        key = self.document_key(message)
        await self.unsubscribe(key)
        return {"a": "u", "c": message["c"], "d": key}

    async def read(self, message, key, version, subscribe):
        """Send the ops since `version` (or answer with the snapshot) and maybe subscribe; the reply."""
        if subscribe and key not in self.subscribed:
            self.check_room()
            # Join before reading, so no op committed in between is missed.
            await self.watch(key)
        try:
            result = await database_sync_to_async(reads.fetch)(self.user, key, version, self.policy)
        except CollabError:
            if subscribe and key not in self.subscribed:
                await self.unwatch_if_idle(key)
            raise
        self.remember_rights(key, result.rights)
        await self.send_rows(key, result.rows)
        self.next_version[key] = result.head
        if subscribe and key not in self.subscribed:
            self.subscribed.add(key)
            metrics.subscriptions.inc()
        reply = {"a": message["a"], "c": message["c"], "d": key}
        if result.snapshot is not None:
            reply["data"] = result.snapshot
        return reply

    async def unsubscribe(self, key):
        if key in self.subscribed:
            self.subscribed.discard(key)
            metrics.subscriptions.dec()
            await self.unwatch_if_idle(key)

    async def handle_bulk(self, message):
        action = message["a"][1]
        self.check_collection(message)
        versions = protocol.bulk_ids(message, self.settings["MAX_BULK_DOCUMENTS"])
        wanted, collection = message["b"], message["c"]
        if action == "u":
            for key in versions:
                await self.unsubscribe(key)
            return {"a": "bu", "c": collection, "b": wanted}
        data, failed = {}, False
        for key, version in versions.items():
            try:
                reply = await self.read({"a": action, "c": collection}, key, version, subscribe=action == "s")
                data[key] = reply.get("data")
            except CollabError as error:
                data[key], failed = {"error": error.as_wire()}, True
        if isinstance(wanted, dict) and not failed:
            return {"a": message["a"], "c": collection, "b": wanted}
        if isinstance(wanted, dict):
            # Per-document errors need the data form; the others get their current snapshot.
            for key, value in data.items():
                if value is None:
                    data[key] = (await database_sync_to_async(reads.fetch)(self.user, key, None, self.policy)).snapshot
        return await self.send_in_parts({"a": message["a"], "c": collection}, data)

    async def send_in_parts(self, envelope, data):
        """A bulk reply too large for one message goes as several, each with some of the documents; returns the last."""
        limit, part, size = self.settings["MAX_MESSAGE_BYTES"] - ENVELOPE_BYTES, {}, 0
        for key, value in data.items():
            value_size = len(protocol.encode(value).encode())
            if part and size + value_size > limit:
                await self.send_json({**envelope, "data": part})
                part, size = {}, 0
            part[key], size = value, size + value_size
        return {**envelope, "data": part}

    async def handle_snapshot(self, message):
        key = self.document_key(message)
        request_id = field(message, "id", "seq")
        version = field(message, "v", "version", required=False) if message["a"] == "nf" else None
        timestamp = field(message, "ts", "timestamp", required=False) if message["a"] == "nt" else None
        snapshot = await database_sync_to_async(reads.snapshot)(self.user, key, version, timestamp, self.policy)
        return {"a": message["a"], "id": request_id, **snapshot}

    async def handle_op(self, message):
        key = self.document_key(message)
        seq = field(message, "seq", "seq")
        src = message.get("src")
        if src is None:
            src = self.src
        elif src != self.src and not connection_ids.held_by(src, self.owner):
            raise badly_formed("'src' must be a connection id issued to you")
        kinds = [name for name in ("op", "create", "del") if message.get(name) is not None]
        if len(kinds) != 1:
            raise CollabError(ErrorCode.OT_OP_NOT_PROVIDED, "an op message needs exactly one of 'op', 'create' or 'del'")
        if "create" in kinds and not isinstance(message["create"], dict):
            raise badly_formed("'create' must be an object {type, data}")
        if "del" in kinds and message["del"] is not True:
            raise badly_formed("'del' must be true")
        self.limits.op()
        submission = Submission(
            key=key, version=field(message, "v", "version", required="create" not in kinds), src=src, seq=seq,
            user=self.user, op=message.get("op"), create=message.get("create"), delete="del" in kinds, watching=key in self.watching,
        )
        with metrics.submit_seconds.time():
            outcome = await engine.submit(submission)
        # Before the ack: the ops it was transformed over that this client has not seen.
        await self.send_rows(key, outcome.missed)
        self.next_version[key] = max(self.next_version.get(key, 0), outcome.version + 1)
        return {"a": "op", "c": message["c"], "d": key, "src": src, "seq": seq, "v": outcome.version}

    def shown_src(self, src):
        """A connection sees its own id on its own ops, a masked one on everyone else's."""
        return src if src == self.src else connection_ids.mask(src)

    async def send_rows(self, key, rows):
        """Send the ops this client lacks; an op it has been sent before is never sent again."""
        collection = self.settings["COLLECTION"]
        for row in rows:
            if row.version >= self.next_version.get(key, 0):
                await self.send_json(protocol.op_message(collection, key, row, self.shown_src(row.src)))
                self.next_version[key] = row.version + 1

    async def collab_op(self, event):
        """A committed op: forward it in version order, once, filling any gap from the database."""
        key, version = event["key"], event["v"]
        if key not in self.subscribed or version < self.next_version.get(key, 0):
            return
        known, access = self.rights_of(key), event.get("access")
        if not known.exists or (access is not None and (access[0] != known.document_id or access[1] > known.revision)):
            # Subscribed while it did not exist, or the op was committed on another row of the key or under
            # rights changed since these were read (the message saying so may have been lost: Redis down).
            await self.refresh_rights(key)
        if not self.may_read(key) or version < self.next_version.get(key, 0):
            return
        if version > self.next_version.get(key, 0):
            await self.send_rows(key, await database_sync_to_async(store.ops_for_key)(key, self.next_version.get(key, 0), version))
        if event["src"] == self.src:  # its own op, shown to it with its own id
            await self.send_json({**protocol.decode_text(event["text"]), "src": self.src})
        else:
            await self.send(text_data=event["text"])
        self.next_version[key] = version + 1
