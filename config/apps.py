from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The deployable site as an app: its templates (the login page) and the demo command; not in the wheel."""

    name = "config"
    verbose_name = "Site"
