"""Read the site's configuration from environment variables.

Pure functions over a mapping, so they are tested without touching
os.environ. Every refusal is an EnvError whose message names the variable
and says what to do; settings.py turns it into one line and stops.
"""

import secrets

import dj_database_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class EnvError(Exception):
    """A variable has a value the site cannot start with."""


def boolean(env, name, default):
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def word_list(env, name, default):
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [word.strip() for word in raw.split(",") if word.strip()]


def origins(env, name):
    values = word_list(env, name, [])
    for origin in values:
        if not origin.startswith(("http://", "https://")):
            raise EnvError(f"{name}: {origin!r} must start with http:// or https://, e.g. https://docs.example.com.")
    return values


def secret_key(env, debug, dev_key_file):
    key = env.get("SECRET_KEY", "")
    if key:
        return key
    if debug:
        # Kept in a file (not in git): connection ids and sessions are signed with it, and a
        # key that changed at each restart would refuse the edits browsers resend after it.
        if not dev_key_file.exists():
            dev_key_file.write_text("dev-only-" + secrets.token_urlsafe(40))
            dev_key_file.chmod(0o600)
        return dev_key_file.read_text().strip()
    raise EnvError("SECRET_KEY is not set: set it to a long random string, or set DEBUG=1 for development.")


def database(env, default_sqlite_path):
    url = env.get("DATABASE_URL") or f"sqlite:///{default_sqlite_path}"
    try:
        # Persistent connections: every database_sync_to_async call would otherwise
        # open a new connection (and rerun the SQLite pragmas) on the submit path.
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise EnvError(f"DATABASE_URL={url!r} is not a database URL ({error}): use sqlite:///path or postgres://user:pass@host/db.") from None
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        if config.get("NAME") in (None, "", ":memory:"):
            raise EnvError(f"DATABASE_URL={url!r} names no SQLite file: use sqlite:////absolute/path.db.")
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer commits; IMMEDIATE takes the
            # write lock at BEGIN so concurrent writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif not engine.endswith("postgresql"):
        raise EnvError(f"DATABASE_URL={url!r}: only sqlite:// and postgres:// databases are supported.")
    return config


def channel_layer(env):
    url = env.get("REDIS_URL", "")
    if not url:
        return {"BACKEND": "collab.layers.InMemoryChannelLayer"}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise EnvError(f"REDIS_URL={url!r} is not a Redis URL: use redis://host:6379/0.")
    return {
        "BACKEND": "collab.redis_layer.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [url]},
    }
