"""System checks for the COLLAB settings, run by `manage.py check` and at start-up."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from collab.conf import DEFAULTS


@register()
def check_collab_settings(app_configs, **kwargs):
    errors = []
    configured = getattr(settings, "COLLAB", {})
    if not isinstance(configured, dict):
        return [Error("COLLAB must be a dict.", id="collab.E001")]
    for key in sorted(set(configured) - set(DEFAULTS)):
        errors.append(Error(f"COLLAB has an unknown key {key!r}.", hint=f"Known keys: {', '.join(DEFAULTS)}.", id="collab.E002"))
    if configured.get("ANONYMOUS", None) not in (None, "view", "edit"):
        errors.append(Error("COLLAB['ANONYMOUS'] must be None, 'view' or 'edit'.", id="collab.E003"))
    policy = configured.get("PERMISSION_POLICY", DEFAULTS["PERMISSION_POLICY"])
    try:
        import_string(policy)
    except ImportError as error:
        errors.append(Error(f"COLLAB['PERMISSION_POLICY'] {policy!r} cannot be imported: {error}", id="collab.E004"))
    if not getattr(settings, "CHANNEL_LAYERS", None):
        errors.append(Error("CHANNEL_LAYERS is not set: the real-time server needs a channel layer.",
                            hint="For one process: {'default': {'BACKEND': 'channels.layers.InMemoryChannelLayer'}}.",
                            id="collab.E005"))
    return errors
