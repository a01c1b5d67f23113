"""ASGI entry point: HTTP through Django, WebSockets through the collab consumers."""

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()
if settings.DEBUG:
    # daphne serves no static files itself; in development the site does.
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from collab.guard import FloodGuard  # noqa: E402
from collab.routing import websocket_urlpatterns  # noqa: E402
from collab.transport import patch_daphne  # noqa: E402

patch_daphne()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": FloodGuard(AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)
