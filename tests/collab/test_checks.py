from collab.checks import check_collab_settings


def ids(settings_errors):
    return [error.id for error in settings_errors]


def test_the_default_settings_pass():
    assert check_collab_settings(None) == []


def test_bad_collab_settings_are_reported(settings):
    settings.COLLAB = {"ANONYMOUS": "yes", "PERMISSION_POLICY": "nowhere.Policy", "ROUTES": "x"}
    assert ids(check_collab_settings(None)) == ["collab.E002", "collab.E003", "collab.E004"]
    settings.COLLAB = ["not", "a", "dict"]
    assert ids(check_collab_settings(None)) == ["collab.E001"]


def test_a_missing_channel_layer_is_reported(settings):
    settings.CHANNEL_LAYERS = {}
    assert ids(check_collab_settings(None)) == ["collab.E005"]
