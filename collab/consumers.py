"""One WebSocket per browser, speaking ShareDB's protocol for many documents.

The consumer parses, authorises and delegates: submits go to the engine,
reads to collab.reads. Per-connection state lives on the instance: the
connection id (ShareDB's `src`, issued to this user), its rate limits, and
for each open document the next version its client expects and the rights
it last read, checked on every delivery and re-read when they change.
"""

import asyncio
import functools
import logging

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from collab import broadcast, connection_ids, metrics, protocol, reads, store
from collab.access import NOTHING
from collab.conf import collab_settings, permission_policy
from collab.connection_memory import ApplicationQueue
from collab.dispatching import dispatch_as_they_come
from collab.document_handlers import DocumentHandlers
from collab.errors import CollabError, ErrorCode
from collab.guard import bars, client_key
from collab.limits import LimitExceeded, Quotas
from collab.presence_handlers import PresenceHandlers
from collab.protocol import badly_formed
from collab.watcher import watcher

logger = logging.getLogger(__name__)
# One line per refusal (rights or limits), as key=value pairs for log search.
refusals = logging.getLogger("collab.refusals")
REFUSALS = {ErrorCode.OP_SUBMIT_REJECTED, ErrorCode.SNAPSHOT_READS_REJECTED, ErrorCode.RATE_LIMITED,
            ErrorCode.LIMIT_EXCEEDED, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.DOC_TOO_LARGE}

# Rates and connections of everyone connected to this process, per user (anonymous visitors: per address).
quotas = Quotas()


class CollabConsumer(DocumentHandlers, PresenceHandlers, AsyncWebsocketConsumer):
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
    # Message types and their handlers: never a method named by whoever sent the message.
    EVENTS = {"collab.op": "collab_op", "collab.presence": "collab_presence", "collab.access": "collab_access",
              "websocket.connect": "websocket_connect", "websocket.receive": "websocket_receive",
              "websocket.disconnect": "websocket_disconnect"}

    async def __call__(self, scope, receive, send):
        """Channels' AsyncConsumer.__call__, with a cheaper loop over the two sources (collab.dispatching)."""
        self.scope, self.base_send = scope, send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
        try:
            await dispatch_as_they_come([receive, self.channel_receive], self.dispatch, self.inboxes(receive))
        except StopConsumer:
            pass

    def inboxes(self, receive):
        """The sources read without a task (collab.dispatching), where they are collab's own:
        daphne's input queue (collab.connection_memory) and the in-memory layer."""
        queue = getattr(receive, "__self__", None)
        inbox = getattr(self.channel_layer, "inbox", None)
        return [queue if isinstance(queue, ApplicationQueue) else None, inbox(self.channel_name) if inbox is not None else None]

    async def connect(self):
        self.user = self.scope["user"]
        self.settings = collab_settings()
        self.policy = permission_policy()
        self.counted = None
        if not self.policy.allows_connection(self.user):
            await self.close()  # before accept: the handshake is refused with 403
            return
        session = self.scope.get("session")
        self.owner = connection_ids.owner_of(self.user, getattr(session, "session_key", None))
        self.src = connection_ids.issue(self.owner)
        self.closing = False
        self.watching = set()  # documents whose group this connection is in
        self.rights = {}  # document key -> Rights last read
        self.documents_init()
        self.presence_init()
        broadcast.serving_on(asyncio.get_running_loop())
        await self.accept()
        if not await self.count_connection():
            return
        await self.send_json({"a": "init", **protocol.PROTOCOL, "id": self.src, "type": protocol.DEFAULT_TYPE_URI})

    async def count_connection(self):
        client = self.scope.get("client") or ("?",)
        holder = self.owner if self.user.is_authenticated else f"anonymous@{client[0]}"
        try:
            self.limits = quotas.open(holder, self.settings)
        except LimitExceeded as refusal:
            self.closing = True
            if refusal.code == ErrorCode.RATE_LIMITED:  # struck out: the next attempts stop at the guard
                bars.bar(client_key(self.scope), self.settings["LIMIT_BAN_SECONDS"])
            await self.send_json({"error": refusal.as_wire()})
            await self.close(code=1008)
            return False
        self.counted = holder
        metrics.connections.inc()
        return True

    async def disconnect(self, code):
        if self.counted is None:
            return
        quotas.close(self.counted)
        self.counted = None
        metrics.connections.dec()
        metrics.subscriptions.dec(len(self.subscribed))
        await self.presence_leave_all()
        for key in self.watching:
            watcher.untrack(key)
            await self.channel_layer.group_discard(broadcast.document_group(key), self.channel_name)

    async def dispatch(self, message):
        # Channels' dispatch first closes stale database connections in a thread,
        # a round trip for every keystroke and every broadcast. Every database
        # call here goes through database_sync_to_async, which does that itself.
        handler = self.EVENTS.get(message["type"])
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await getattr(self, handler)(message)

    async def send_json(self, message):
        text = protocol.encode(message)
        if len(text) * 4 > self.settings["MAX_MESSAGE_BYTES"] and len(text.encode()) > self.settings["MAX_MESSAGE_BYTES"]:
            # The transport would refuse it and close the socket: say so instead.
            logger.error("collab: a %r reply of %d characters is over MAX_MESSAGE_BYTES", message.get("a"), len(text))
            text = protocol.encode({**protocol.echo(message, 0), "error": {
                "code": ErrorCode.MESSAGE_TOO_LARGE, "message": "the reply is too large to send"}})
        await self.send(text_data=text)

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        message = None
        try:
            self.limits.message()
            message = protocol.parse(text_data, self.settings["MAX_MESSAGE_BYTES"])
            protocol.check(message)
            handler = self.HANDLERS.get(message["a"])
            if handler is None:
                raise badly_formed(f"unknown action {message['a'][:20]!r}")
            reply = await getattr(self, handler)(message)
        except LimitExceeded as error:
            reply = self.error_reply(message or error.request, error)
            metrics.limit_refusals.labels(error.code).inc()
            if not self.limits.strike():
                logger.warning("collab: closing a connection of %s that kept going over its limits (%s)", self.owner, error.code)
                bars.bar(client_key(self.scope), self.settings["LIMIT_BAN_SECONDS"])
                await self.send_json(reply)
                self.closing = True
                await self.close(code=error.close_code)
                return
        except CollabError as error:
            reply = self.error_reply(message, error)
        except Exception:
            logger.exception("collab: unexpected error handling %r", protocol.echo(message, 0).get("a"))
            reply = self.error_reply(message, CollabError(ErrorCode.UNKNOWN_ERROR, "internal server error"))
        if reply is not None:
            await self.send_json(reply)

    def error_reply(self, message, error):
        reply = {**protocol.echo(message, self.settings["MAX_BULK_DOCUMENTS"]), "error": error.as_wire()}
        metrics.errors.labels(error.code).inc()
        if error.code in REFUSALS:
            refusals.info("refused code=%s owner=%s action=%s document=%s", error.code, self.owner, reply.get("a"), reply.get("d"))
        return reply

    # Requests

    async def handle_handshake(self, message):
        requested = message.get("id")
        if requested is not None and connection_ids.held_by(requested, self.owner):
            # A reconnecting client keeps its id, so ops it resends keep their src.
            self.src = requested
        return {"a": "hs", **protocol.PROTOCOL, "id": self.src, "type": protocol.DEFAULT_TYPE_URI}

    async def handle_ping(self, message):
        return {"a": "pp"}

    async def handle_query(self, message):
        raise CollabError(ErrorCode.QUERIES_NOT_SUPPORTED, "queries are not supported by this server yet")

    # Groups and subscriptions

    def check_room(self):
        limit = self.settings["MAX_SUBSCRIPTIONS"]
        if len(self.subscribed) + len(self.presence_keys) >= limit:
            raise LimitExceeded(ErrorCode.LIMIT_EXCEEDED, f"a connection may follow at most {limit} documents and presence channels")

    async def watch(self, key):
        if key not in self.watching:
            self.watching.add(key)
            watcher.track(key)
            await self.channel_layer.group_add(broadcast.document_group(key), self.channel_name)

    async def unwatch_if_idle(self, key):
        if key in self.watching and key not in self.subscribed and key not in self.presence_keys:
            self.watching.discard(key)
            watcher.untrack(key)
            await self.channel_layer.group_discard(broadcast.document_group(key), self.channel_name)

    # Rights, checked on every delivery

    def rights_of(self, key):
        return self.rights.get(key, NOTHING)

    def may_read(self, key):
        return self.rights_of(key).view

    def remember_rights(self, key, rights):
        self.rights[key] = rights

    async def refresh_rights(self, key):
        rights = await database_sync_to_async(reads.rights)(self.user, key, self.policy)
        old = self.rights_of(key)
        self.rights[key] = rights
        if old.view and not rights.view:
            await self.lose(key, deleted=not rights.exists)
        elif rights.view and not old.view and key in self.subscribed and old.exists:
            # Given access again: everything it missed, in order.
            start = self.next_version.get(key, 0)
            await self.send_rows(key, await database_sync_to_async(store.ops_for_key)(key, start, None))
        if old.exists and (old.view, old.edit) != (rights.view, rights.edit) and key in self.watching:
            await self.send_json({"a": "rights", "c": self.settings["COLLECTION"], "d": key, "view": rights.view, "edit": rights.edit})

    async def lose(self, key, deleted):
        """The reader may no longer see the document: an error on its subscription, and nothing more."""
        if key in self.subscribed:
            code, reason = (ErrorCode.DOC_WAS_DELETED, "was deleted") if deleted else (ErrorCode.SNAPSHOT_READS_REJECTED, "may no longer be viewed by you")
            self.subscribed.discard(key)
            metrics.subscriptions.dec()
            await self.send_json({"a": "op", "c": self.settings["COLLECTION"], "d": key,
                                  "error": {"code": code, "message": f"document {key!r} {reason}"}})
        if key in self.presence_keys:
            self.presence_keys.discard(key)
            await self.clear_own_presence(key)
        await self.unwatch_if_idle(key)

    async def collab_access(self, event):
        """Rights on an open document may have changed: re-read them, unless already read at that revision."""
        key = event["key"]
        if key not in self.watching:
            return
        known = self.rights_of(key)
        if event.get("revision") is not None and known.exists and known.revision == event["revision"]:
            return
        await self.refresh_rights(key)
