"""ASGI entry point of the site: collab's application, as any host project uses it."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from collab.asgi import application  # noqa: E402,F401
