from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabConfig(AppConfig):
    name = "collab"
    verbose_name = _("Real-time collaboration")

    def ready(self):
        from collab import access, checks  # noqa: F401  (connects the signal receivers, registers the system checks)
