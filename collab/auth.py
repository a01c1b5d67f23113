"""Who is on the socket: the signed-in user of the session cookie, read once when it connects.

Channels' AuthMiddlewareStack does the same but wraps every message the
socket sends, to save a session the socket never writes: a cost on each
op and each broadcast. This reads the session and the user once, through
django.contrib.auth.get_user (the session's auth hash checked, key
fallbacks included), and leaves `send` alone.
"""

from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from collab.guard import session_cookie


class QuickSessionStore(db.SessionStore):
    """Django's database session store, with its row read by one plain query.

    Building the ORM's query was half of a handshake's session and user
    lookup, the largest part of a reconnect storm. Same row, same
    conditions (the key, not expired), same database (the router's), and
    Django's own decode() after it. Used only where SESSION_ENGINE is
    Django's database store itself, whose model is its own Session.
    """

    @property
    def key_salt(self):
        return "django.contrib.sessions." + db.SessionStore.__qualname__  # signed as Django's own store signs

    def _get_session_from_db(self):
        row = None
        if self.session_key is not None:
            connection = connections[router.db_for_read(self.model)]
            meta, quote = self.model._meta, connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(meta.get_field('session_data').column)} FROM {quote(meta.db_table)} "
                    f"WHERE {quote(meta.get_field('session_key').column)} = %s AND {quote(meta.get_field('expire_date').column)} > %s",
                    [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
                )
                row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: a missing or expired session is no session
            return None
        return SimpleNamespace(session_data=row[0])


def session_store_class():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return QuickSessionStore if store is db.SessionStore else store


def session_and_user(session_key):
    session = session_store_class()(session_key)
    return session, get_user(SimpleNamespace(session=session))


class SessionUserMiddleware:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        session, user = await database_sync_to_async(session_and_user)(session_cookie(scope))
        # Added to the connection's own scope, not a copy of it: a copy is kept for the connection's life.
        scope["session"], scope["user"] = session, user
        return await self.application(scope, receive, send)
