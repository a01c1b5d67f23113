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

from collab.guard import session_cookie


def session_and_user(session_key):
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return session, get_user(SimpleNamespace(session=session))


class SessionUserMiddleware:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        session, user = await database_sync_to_async(session_and_user)(session_cookie(scope))
        # Added to the connection's own scope, not a copy of it: a copy is kept for the connection's life.
        scope["session"], scope["user"] = session, user
        return await self.application(scope, receive, send)
