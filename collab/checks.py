"""System checks for a site using collab, run by `manage.py check` and at start-up.

A misconfiguration that would only show as an editor stuck on
"connecting" is reported here, with an id and what to do.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from collab.conf import DEFAULTS

# What the in-memory layer needs to carry a long editing session.
MIN_GROUP_EXPIRY_SECONDS = 7 * 86400
MIN_CAPACITY = 10_000


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
    for name in ("PERMISSION_POLICY", "DISPLAY_NAME"):
        path = configured.get(name, DEFAULTS[name])
        if path is None:
            continue
        try:
            import_string(path)
        except ImportError as error:
            errors.append(Error(f"COLLAB[{name!r}] {path!r} cannot be imported: {error}", id="collab.E004"))
    return errors


@register()
def check_channel_layer(app_configs, **kwargs):
    layers = getattr(settings, "CHANNEL_LAYERS", None) or {}
    if "default" not in layers:
        return [Error("CHANNEL_LAYERS has no 'default' layer: the real-time server needs one.",
                      hint="For one process: {'default': {'BACKEND': 'collab.layers.InMemoryChannelLayer'}}; "
                           "for several, channels_redis (see docs/deploy.md).",
                      id="collab.E005")]
    layer = layers["default"]
    try:
        backend = import_string(layer.get("BACKEND", ""))
    except ImportError as error:
        return [Error(f"CHANNEL_LAYERS['default']['BACKEND'] cannot be imported: {error}", id="collab.E005")]
    from channels.layers import InMemoryChannelLayer

    if not issubclass(backend, InMemoryChannelLayer):
        return []
    config = {**getattr(backend, "DEFAULT_CONFIG", {}), **layer.get("CONFIG", {})}
    warnings = []
    if config.get("group_expiry", 86400) < MIN_GROUP_EXPIRY_SECONDS:
        warnings.append(Warning(
            "The in-memory channel layer drops group members after group_expiry seconds (one day by default): "
            "editors open longer stop receiving others' edits.",
            hint="Use 'collab.layers.InMemoryChannelLayer', whose memberships last as long as the socket.",
            id="collab.W001"))
    if config.get("capacity", 100) < MIN_CAPACITY:
        warnings.append(Warning(
            "The in-memory channel layer's capacity (100 messages per consumer by default) silently drops ops "
            "for a busy document.",
            hint="Use 'collab.layers.InMemoryChannelLayer' (capacity 100,000), or set CONFIG['capacity'].",
            id="collab.W002"))
    return warnings


@register()
def check_websocket_route(app_configs, **kwargs):
    path = getattr(settings, "ASGI_APPLICATION", None)
    hint = 'In your asgi.py: `from collab.asgi import application`, and ASGI_APPLICATION = "yourproject.asgi.application".'
    if not path:
        return [Error("ASGI_APPLICATION is not set: nothing serves collab's WebSocket.", hint=hint, id="collab.E006")]
    try:
        application = import_string(path)
    except Exception as error:  # an asgi.py that fails to import fails for any reason
        return [Error(f"ASGI_APPLICATION {path!r} cannot be imported: {error}", hint=hint, id="collab.E007")]
    if not routes_to_collab(application):
        return [Error(
            f"ASGI_APPLICATION {path!r} does not route WebSockets to collab: every upgrade would fail and the "
            "editor would wait on 'connecting' for ever.", hint=hint, id="collab.E006")]
    return []


def routes_to_collab(application, depth=0):
    """Whether the ASGI application, through its routers and middleware, reaches CollabConsumer."""
    from collab.consumers import CollabConsumer

    consumer = getattr(application, "consumer_class", None)
    if isinstance(consumer, type) and issubclass(consumer, CollabConsumer):
        return True
    if depth > 20:
        return False
    inner = []
    mapping = getattr(application, "application_mapping", None)  # ProtocolTypeRouter
    if isinstance(mapping, dict):
        inner.append(mapping.get("websocket"))
    inner += [getattr(application, name, None) for name in ("application", "inner", "app", "callback")]
    inner += [getattr(route, "callback", None) for route in getattr(application, "routes", None) or ()]  # URLRouter
    return any(routes_to_collab(part, depth + 1) for part in inner if part is not None)
