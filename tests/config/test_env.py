import pytest

from config import env


def test_boolean_words():
    assert env.boolean({"DEBUG": "Yes"}, "DEBUG", default=False) is True
    assert env.boolean({"DEBUG": "0"}, "DEBUG", default=True) is False
    assert env.boolean({}, "DEBUG", default=True) is True


def test_boolean_refuses_other_words():
    with pytest.raises(env.EnvError, match=r"^DEBUG='maybe' is not a boolean"):
        env.boolean({"DEBUG": "maybe"}, "DEBUG", default=False)


def test_word_list_splits_and_trims():
    assert env.word_list({"ALLOWED_HOSTS": " a.com, b.com ,,"}, "ALLOWED_HOSTS", []) == ["a.com", "b.com"]
    assert env.word_list({}, "ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_origins_need_a_scheme():
    assert env.origins({"CSRF_TRUSTED_ORIGINS": "https://x.org"}, "CSRF_TRUSTED_ORIGINS") == ["https://x.org"]
    with pytest.raises(env.EnvError, match="CSRF_TRUSTED_ORIGINS: 'x.org' must start with http"):
        env.origins({"CSRF_TRUSTED_ORIGINS": "x.org"}, "CSRF_TRUSTED_ORIGINS")


def test_secret_key_is_generated_only_in_debug_and_kept_across_restarts(tmp_path):
    key_file = tmp_path / ".dev-secret-key"
    assert env.secret_key({"SECRET_KEY": "k" * 50}, debug=False, dev_key_file=key_file) == "k" * 50
    assert not key_file.exists()
    generated = env.secret_key({}, debug=True, dev_key_file=key_file)
    assert len(generated) > 50 and generated == env.secret_key({}, debug=True, dev_key_file=key_file)
    assert key_file.stat().st_mode & 0o077 == 0
    with pytest.raises(env.EnvError, match="^SECRET_KEY is not set"):
        env.secret_key({}, debug=False, dev_key_file=key_file)


def test_database_defaults_to_sqlite_in_wal_mode(tmp_path):
    config = env.database({}, tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_reads_postgres_urls(tmp_path):
    config = env.database({"DATABASE_URL": "postgres://u:p@db.local:5433/collab"}, tmp_path / "x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.local", 5433, "collab", "u")


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/db", "sqlite://"])
def test_database_refuses_bad_urls(url, tmp_path):
    with pytest.raises(env.EnvError, match=r"^DATABASE_URL="):
        env.database({"DATABASE_URL": url}, tmp_path / "x")


def test_channel_layer_is_in_memory_without_redis():
    from collab.layers import InMemoryChannelLayer

    layer = env.channel_layer({})
    assert layer == {"BACKEND": "collab.layers.InMemoryChannelLayer"}
    assert InMemoryChannelLayer().capacity >= 10_000 and InMemoryChannelLayer().group_expiry >= 365 * 86400


def test_channel_layer_uses_redis_url():
    layer = env.channel_layer({"REDIS_URL": "redis://127.0.0.1:6390/0"})
    assert layer["BACKEND"] == "collab.redis_layer.RedisPubSubChannelLayer"  # channels_redis's, sending a batch in one round trip
    assert layer["CONFIG"]["hosts"] == ["redis://127.0.0.1:6390/0"]
    with pytest.raises(env.EnvError, match="^REDIS_URL='http://x' is not a Redis URL"):
        env.channel_layer({"REDIS_URL": "http://x"})
