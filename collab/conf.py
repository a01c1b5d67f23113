"""The COLLAB settings dict, merged over these defaults and read through collab_settings()."""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

MIB = 1024 * 1024

DEFAULTS = {
    # The WebSocket path, under the site root.
    "ROUTE": "ws/collab/",
    # The ShareDB collection name the documents are served under.
    "COLLECTION": "documents",
    # None: anonymous connections are refused. "view" or "edit": anonymous users
    # may view (or edit) documents whose visibility lets anyone with the link do so.
    "ANONYMOUS": None,
    # Dotted path to the class answering can_view / can_edit / can_manage / can_create.
    "PERMISSION_POLICY": "collab.policy.DocumentPolicy",
    # Dotted path to a function user -> name shown to others; None: the full name,
    # else the username field, else str(user).
    "DISPLAY_NAME": None,
    # The largest WebSocket message either way, in UTF-8 bytes. daphne refuses
    # bigger ones itself (--websocket-max-message-size, 1 MiB by default, both
    # ways): run it with at least this, better twice this, so that a client
    # going over gets a clear error instead of a dropped connection.
    "MAX_MESSAGE_BYTES": MIB,
    # The largest document, as the UTF-8 bytes of its text encoded as a JSON
    # string: its snapshot must fit in one message, with room for the envelope.
    "MAX_DOCUMENT_BYTES": MIB - 64 * 1024,
    # Per user (anonymous visitors: per address), over all their connections to
    # one server process: messages a second, and how many may come at once.
    "MESSAGES_PER_SECOND": 100,
    "MESSAGE_BURST": 400,
    # The same for ops.
    "OPS_PER_SECOND": 40,
    "OPS_BURST": 200,
    # Documents one bulk request (bf, bs, bu) may name.
    "MAX_BULK_DOCUMENTS": 200,
    # Documents and presence channels one connection may be subscribed to.
    "MAX_SUBSCRIPTIONS": 500,
    # Open connections per signed-in user (anonymous visitors: per client
    # address), in each server process.
    "MAX_CONNECTIONS_PER_USER": 20,
    # Refusals under the limits above a user may collect (one more back each
    # second) before the connection is closed with 1008 (1009 for sizes), and
    # new ones are refused until one is back.
    "LIMIT_STRIKES": 20,
    # Seconds between looks at the database for what other processes committed
    # (with the in-memory channel layer only; with Redis they publish themselves).
    # None: never look.
    "WATCH_INTERVAL": 0.5,
    # A snapshot of the text is kept every this many versions, so reading any
    # old version replays at most this many ops.
    "MILESTONE_INTERVAL": 500,
    # Seconds a client closed that way is refused at the handshake, by its
    # session (or address, without one), before any database work.
    "LIMIT_BAN_SECONDS": 10,
    # WebSocket connections being set up (session and user read, connect
    # handled) at once in one server process; the others wait their turn, so
    # a reconnect storm does not hold up the people already editing.
    "HANDSHAKES_AT_ONCE": 8,
    # Attempts at committing one op when other processes keep winning the race.
    "MAX_SUBMIT_RETRIES": 10,
}


@lru_cache(maxsize=None)
def collab_settings():
    # Unknown keys are reported by the system check collab.E002.
    return {**DEFAULTS, **getattr(settings, "COLLAB", {})}


@lru_cache(maxsize=None)
def permission_policy():
    return import_string(collab_settings()["PERMISSION_POLICY"])()


@receiver(setting_changed)
def _clear_cache(*, setting, **kwargs):
    if setting == "COLLAB":
        collab_settings.cache_clear()
        permission_policy.cache_clear()
