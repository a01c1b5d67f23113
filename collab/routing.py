"""WebSocket routes for the site's asgi.py: websocket_urlpatterns."""

from django.urls import path

from collab.conf import collab_settings
from collab.consumers import CollabConsumer

websocket_urlpatterns = [
    path(collab_settings()["ROUTE"], CollabConsumer.as_asgi()),
]
