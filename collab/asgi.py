"""The ASGI application of a site using collab: Django for HTTP, collab's WebSocket beside it.

A site's asgi.py is three lines:

    import os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yourproject.settings")
    from collab.asgi import application

or, to add WebSocket routes of its own or wrap its HTTP application,
`application = collab_application(http=..., websocket_routes=[...])`.
"""

import gc

from django.core.asgi import get_asgi_application


def websocket_application(routes=()):
    """collab's WebSocket route (and any others), behind the flood guard, Origin checks, a few handshakes at a time, and the session's user."""
    from channels.routing import URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    from collab.auth import SessionUserMiddleware
    from collab.guard import FloodGuard
    from collab.handshakes import HandshakeGate
    from collab.routing import websocket_urlpatterns

    return FloodGuard(AllowedHostsOriginValidator(HandshakeGate(SessionUserMiddleware(URLRouter([*websocket_urlpatterns, *routes])))))


def collab_application(http=None, websocket_routes=()):
    # Django is set up (by get_asgi_application) before anything imports models.
    http = http or get_asgi_application()
    from channels.routing import ProtocolTypeRouter

    from collab.transport import patch_daphne

    patch_daphne()
    application = ProtocolTypeRouter({"http": http, "websocket": websocket_application(websocket_routes)})
    freeze_start_up_objects()
    return application


def freeze_start_up_objects():
    """Take what start-up built (modules, settings, URLconfs: most objects in the process) out of the
    cyclic garbage collector's sight: they are never garbage, and each full collection walked them all,
    holding up every connection (31 ms for the site's start-up objects on this 2-core machine);
    after the freeze it walks only what came later."""
    gc.collect()
    gc.freeze()


_application = None


def __getattr__(name):
    # `from collab.asgi import application` builds it then, once settings are known.
    global _application
    if name != "application":
        raise AttributeError(name)
    if _application is None:
        _application = collab_application()
    return _application
