"""How people are named to each other: in presence, on the pages, in the editor.

COLLAB["DISPLAY_NAME"] is a dotted path to a function user -> str; by
default the full name if the user model has one, else the username field,
else str(user). Any user model works, email-only ones included.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from collab.conf import collab_settings

ANONYMOUS_NAME = "Anonymous"


def default_display_name(user):
    full_name = getattr(user, "get_full_name", None)
    name = full_name() if callable(full_name) else ""
    if not name and hasattr(user, "get_username"):
        name = user.get_username()
    return name or str(user)


@lru_cache(maxsize=None)
def _naming():
    path = collab_settings()["DISPLAY_NAME"]
    return import_string(path) if path else default_display_name


def display_name(user):
    if user is None or not user.is_authenticated:
        return ANONYMOUS_NAME
    return str(_naming()(user))


@receiver(setting_changed)
def _clear(*, setting, **kwargs):
    if setting == "COLLAB":
        _naming.cache_clear()
