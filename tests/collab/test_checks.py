"""Each system check fires on the misconfiguration it names, and the site passes them all."""

from django.core import checks

from collab.checks import check_channel_layer, check_collab_settings, check_websocket_route, routes_to_collab


def ids(errors):
    return [error.id for error in errors]


def test_the_site_passes_every_check():
    assert [message for message in checks.run_checks() if message.level >= checks.WARNING] == []


def test_bad_collab_settings_are_reported(settings):
    settings.COLLAB = {"ANONYMOUS": "yes", "PERMISSION_POLICY": "nowhere.Policy", "ROUTES": "x"}
    assert ids(check_collab_settings(None)) == ["collab.E002", "collab.E003", "collab.E004"]
    settings.COLLAB = {"DISPLAY_NAME": "nowhere.name"}
    assert ids(check_collab_settings(None)) == ["collab.E004"]
    settings.COLLAB = ["not", "a", "dict"]
    assert ids(check_collab_settings(None)) == ["collab.E001"]


def test_a_missing_channel_layer_is_reported(settings):
    settings.CHANNEL_LAYERS = {}
    assert ids(check_channel_layer(None)) == ["collab.E005"]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "nowhere.Layer"}}
    assert ids(check_channel_layer(None)) == ["collab.E005"]


def test_the_stock_in_memory_layer_is_reported_for_its_expiry_and_capacity(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    assert ids(check_channel_layer(None)) == ["collab.W001", "collab.W002"]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                           "CONFIG": {"group_expiry": 10**9, "capacity": 10**5}}}
    assert check_channel_layer(None) == []
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "collab.layers.InMemoryChannelLayer"}}
    assert check_channel_layer(None) == []


def test_an_asgi_application_without_the_websocket_route_is_reported(settings):
    settings.ASGI_APPLICATION = "tests.collab.asgi_variants.http_only"
    assert ids(check_websocket_route(None)) == ["collab.E006"]
    settings.ASGI_APPLICATION = None
    assert ids(check_websocket_route(None)) == ["collab.E006"]
    settings.ASGI_APPLICATION = "tests.collab.asgi_variants.missing"
    assert ids(check_websocket_route(None)) == ["collab.E007"]
    settings.ASGI_APPLICATION = "tests.collab.asgi_variants.own_routing"
    assert check_websocket_route(None) == []


def test_the_route_is_found_through_any_middleware():
    from tests.collab import asgi_variants

    assert routes_to_collab(asgi_variants.own_routing)
    assert not routes_to_collab(asgi_variants.http_only)


def test_daphne_after_staticfiles_is_reported_by_daphne(settings):
    apps = [app for app in settings.INSTALLED_APPS if app != "daphne"]
    settings.INSTALLED_APPS = [*apps, "daphne"]
    assert "daphne.E001" in ids(checks.run_checks())
