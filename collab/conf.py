"""The COLLAB settings dict, merged over these defaults and read through collab_settings()."""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

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
    # Largest message accepted, in characters (a 70,000-character paste fits easily).
    "MAX_MESSAGE_CHARS": 1_000_000,
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
