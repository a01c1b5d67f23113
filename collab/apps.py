from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabConfig(AppConfig):
    name = "collab"
    verbose_name = _("Real-time collaboration")

    def ready(self):
        from collab import checks, receivers  # noqa: F401  (registers the system checks, connects the receivers)
