"""ASGI applications a site might point ASGI_APPLICATION at, for the system checks' tests."""

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path

from collab.consumers import CollabConsumer

http_only = ProtocolTypeRouter({"http": get_asgi_application()})

# A site routing the consumer itself, under its own middleware.
own_routing = ProtocolTypeRouter({
    "http": get_asgi_application(),
    "websocket": AuthMiddlewareStack(URLRouter([path("live/", CollabConsumer.as_asgi())])),
})
