"""One WebSocket per browser, speaking ShareDB's protocol for many documents.

The consumer parses, authorises and delegates: submits go to the engine,
reads to collab.reads. Per-connection state lives on the instance: the
connection id (ShareDB's `src`), and for each subscribed document the next
version its client expects, so every op reaches it once and in order.
"""

import logging
import secrets

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from collab import engine, protocol, reads, store
from collab.conf import collab_settings, permission_policy
from collab.errors import CollabError, ErrorCode
from collab.presence_handlers import PresenceHandlers
from collab.protocol import badly_formed, field
from collab.submit import Submission

logger = logging.getLogger(__name__)


class CollabConsumer(PresenceHandlers, AsyncWebsocketConsumer):
    HANDLERS = {
        "hs": "handle_handshake",
        "f": "handle_fetch",
        "s": "handle_subscribe",
        "u": "handle_unsubscribe",
        "bf": "handle_bulk",
        "bs": "handle_bulk",
        "bu": "handle_bulk",
        "op": "handle_op",
        "nf": "handle_snapshot",
        "nt": "handle_snapshot",
        "pp": "handle_ping",
        "qf": "handle_query",
        "qs": "handle_query",
        "qu": "handle_query",
        "p": "handle_presence",
        "ps": "handle_presence_subscribe",
        "pu": "handle_presence_unsubscribe",
        "pr": "handle_presence_request",
    }

    async def connect(self):
        self.user = self.scope["user"]
        self.settings = collab_settings()
        self.policy = permission_policy()
        if not self.policy.allows_connection(self.user):
            await self.close()  # before accept: the handshake is refused with 403
            return
        self.src = secrets.token_hex(16)
        self.subscribed = set()  # document keys
        self.next_version = {}  # document key -> the version of the next op its client lacks
        self.presence_init()
        await self.accept()
        await self.send_json({"a": "init", **protocol.PROTOCOL, "id": self.src, "type": protocol.DEFAULT_TYPE_URI})

    async def disconnect(self, code):
        if not hasattr(self, "subscribed"):
            return
        for key in self.subscribed:
            await self.channel_layer.group_discard(engine.document_group(key), self.channel_name)
        await self.presence_leave_all()

    async def dispatch(self, message):
        # Channels' dispatch first closes stale database connections in a thread,
        # a round trip for every keystroke and every broadcast. Every database
        # call here goes through database_sync_to_async, which does that itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_json(self, message):
        await self.send(text_data=protocol.encode(message))

    async def receive(self, text_data=None, bytes_data=None):
        message = None
        try:
            message = protocol.decode(text_data, self.settings["MAX_MESSAGE_CHARS"])
            handler = self.HANDLERS.get(message.get("a"))
            if handler is None:
                raise badly_formed(f"unknown action {str(message.get('a'))[:20]!r}")
            reply = await getattr(self, handler)(message)
        except CollabError as error:
            reply = {**(message or {}), "error": error.as_wire()}
        except Exception:
            logger.exception("collab: unexpected error handling %r", message and message.get("a"))
            reply = {**(message or {}), "error": {"code": ErrorCode.UNKNOWN_ERROR, "message": "internal server error"}}
        if reply is not None:
            await self.send_json(reply)

    # Requests

    async def handle_handshake(self, message):
        adopted = protocol.client_id(message.get("id"))
        if adopted:
            # A reconnecting client keeps its id, so ops it resends keep their src.
            self.src = adopted
        return {"a": "hs", **protocol.PROTOCOL, "id": self.src, "type": protocol.DEFAULT_TYPE_URI}

    async def handle_ping(self, message):
        return {"a": "pp"}

    async def handle_query(self, message):
        raise CollabError(ErrorCode.QUERIES_NOT_SUPPORTED, "queries are not supported by this server yet")

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
        if subscribe:
            # Join before reading, so no op committed in between is missed.
            await self.channel_layer.group_add(engine.document_group(key), self.channel_name)
        try:
            snapshot, rows, head = await database_sync_to_async(reads.fetch)(self.user, key, version, self.policy)
        except CollabError:
            if subscribe and key not in self.subscribed:
                await self.channel_layer.group_discard(engine.document_group(key), self.channel_name)
            raise
        await self.send_rows(key, rows)
        self.next_version[key] = head
        if subscribe:
            self.subscribed.add(key)
        reply = {"a": message["a"], "c": message["c"], "d": key}
        if snapshot is not None:
            reply["data"] = snapshot
        return reply

    async def unsubscribe(self, key):
        if key in self.subscribed:
            self.subscribed.discard(key)
            await self.channel_layer.group_discard(engine.document_group(key), self.channel_name)

    async def handle_bulk(self, message):
        action = message["a"][1]
        self.check_collection(message)
        wanted = message.get("b")
        if isinstance(wanted, list) and all(isinstance(key, str) for key in wanted):
            versions = dict.fromkeys(wanted)
        elif isinstance(wanted, dict):
            versions = wanted
        else:
            raise badly_formed("'b' must be a list of ids or an object of id: version")
        for key, version in versions.items():
            field({"d": key, "v": version}, "d", "doc_id")
            field({"v": version}, "v", "version", required=False)
        if action == "u":
            for key in versions:
                await self.unsubscribe(key)
            return {"a": "bu", "c": message["c"], "b": wanted}
        data, failed = {}, False
        for key, version in versions.items():
            try:
                reply = await self.read({"a": action, "c": message["c"]}, key, version, subscribe=action == "s")
                data[key] = reply.get("data")
            except CollabError as error:
                data[key], failed = {"error": error.as_wire()}, True
        if isinstance(wanted, dict) and not failed:
            return {"a": message["a"], "c": message["c"], "b": wanted}
        if isinstance(wanted, dict):
            # Per-document errors need the data form; the others get their current snapshot.
            for key, value in data.items():
                if value is None:
                    data[key] = (await database_sync_to_async(reads.fetch)(self.user, key, None, self.policy))[0]
        return {"a": message["a"], "c": message["c"], "data": data}

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
        src = message.get("src") or self.src
        if protocol.client_id(src) is None:
            raise badly_formed("'src' must be a connection id")
        kinds = [name for name in ("op", "create", "del") if message.get(name) is not None]
        if len(kinds) != 1:
            raise CollabError(ErrorCode.OT_OP_NOT_PROVIDED, "an op message needs exactly one of 'op', 'create' or 'del'")
        if "create" in kinds and not isinstance(message["create"], dict):
            raise badly_formed("'create' must be an object {type, data}")
        submission = Submission(
            key=key, version=field(message, "v", "version", required="create" not in kinds), src=src, seq=seq,
            user=self.user, op=message.get("op"), create=message.get("create"), delete=message.get("del") is True,
        )
        if "del" in kinds and not submission.delete:
            raise badly_formed("'del' must be true")
        outcome = await engine.submit(submission)
        # Before the ack: the ops it was transformed over that this client has not seen.
        await self.send_rows(key, outcome.missed)
        self.next_version[key] = max(self.next_version.get(key, 0), outcome.version + 1)
        return {"a": "op", "c": message["c"], "d": key, "src": src, "seq": seq, "v": outcome.version}

    async def send_rows(self, key, rows):
        """Send the ops this client lacks; an op it has been sent before is never sent again."""
        collection = self.settings["COLLECTION"]
        sent_before = self.next_version.get(key, 0)
        for row in rows:
            if row[0] >= sent_before:
                await self.send_json(protocol.op_message(collection, key, row))
                self.next_version[key] = row[0] + 1

    # Channel layer events

    async def collab_op(self, event):
        """A committed op: forward it in version order, once, filling any gap from the database."""
        key, message = event["key"], event["message"]
        expected = self.next_version.get(key, 0)
        if key not in self.subscribed or message["v"] < expected:
            return
        if message["v"] > expected:
            await self.send_rows(key, await database_sync_to_async(store.ops_for_key)(key, expected, message["v"]))
        await self.send_json(message)
        self.next_version[key] = message["v"] + 1
