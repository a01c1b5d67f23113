"""The floor under our server in the benchmarks: daphne and Channels alone.

The same daphne with collab's fixes (collab.transport) and the same site
for HTTP, but on the WebSocket a bare Channels consumer that answers a
ShareDB client from nothing: a handshake, a snapshot of an empty text for
any fetch or subscribe, an ack for any op. It reads its messages as ours
does (collab.dispatching's loop, and no thread round trip per message as
Channels' own dispatch makes). No session, user, database, rights,
protocol checks or handshake gate, and nothing kept (a fetch after ops still
gets the empty text, so replay.js's `matches_trace` is false against it):
what a connection and an op cost before any of our work, for
`connections.py` and `load.py` to set ours against.

    daphne benchmarks.stack_floor:application
"""

import json

from django.core.asgi import get_asgi_application

http = get_asgi_application()  # sets Django up first

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from collab import ot, protocol  # noqa: E402
from collab.asgi import freeze_start_up_objects  # noqa: E402
from collab.consumers import CollabConsumer  # noqa: E402
from collab.transport import patch_daphne  # noqa: E402

EMPTY_TEXT = {"v": 1, "type": ot.URI, "data": ""}
CONNECTION_ID = "floor"  # every client is given it; an op sent without a src is its connection's


class CannedReplies(AsyncWebsocketConsumer):
    # Channels' plumbing as ours has it: the same loop over the socket and the layer, the same dispatch.
    __call__, inboxes, dispatch = CollabConsumer.__call__, CollabConsumer.inboxes, CollabConsumer.dispatch
    EVENTS = {name: handler for name, handler in CollabConsumer.EVENTS.items() if name.startswith("websocket.")}

    async def receive(self, text_data=None, bytes_data=None):
        message = json.loads(text_data)
        action = message.get("a")
        if action == "hs":
            reply = {"a": "hs", **protocol.PROTOCOL, "id": CONNECTION_ID, "type": protocol.DEFAULT_TYPE_URI}
        elif action in ("f", "s"):
            reply = {"a": action, "c": message["c"], "d": message["d"], "data": EMPTY_TEXT}
        elif action == "op":
            reply = {"a": "op", "c": message["c"], "d": message["d"], "v": message["v"], "src": message.get("src") or CONNECTION_ID,
                     "seq": message["seq"]}
        else:
            return
        await self.send(text_data=json.dumps(reply))


patch_daphne()
application = ProtocolTypeRouter({"http": http, "websocket": URLRouter([path("ws/collab/", CannedReplies.as_asgi())])})
freeze_start_up_objects()
