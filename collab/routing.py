"""WebSocket routes for the site's asgi.py."""

websocket_urlpatterns = []
