"""One PostgreSQL and one Redis for the scale-out tests, and sites served from them."""

import pytest

from tests.support.daphne import DaphneServer, manage, site_env
from tests.support.live import LiveSite
from tests.support.services import postgres_server, redis_server

SECRET = {"SECRET_KEY": "scale-out-tests-only-" + "s" * 40}  # one key, so a session works on every server


class PostgresSite(LiveSite):
    def __init__(self, base, database_url, env):
        super().__init__(base, None, env)
        self.database_url = database_url

    def query(self, sql, *params):
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            cursor = connection.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def services():
    """(DATABASE_URL, the environment of a site on PostgreSQL + Redis), migrated."""
    with postgres_server() as database_url, redis_server() as redis_url:
        env = site_env(database_url, REDIS_URL=redis_url, **SECRET)
        manage(env, "migrate", "--noinput")
        yield database_url, env


@pytest.fixture
def servers(services):
    """Start n daphne processes on the shared PostgreSQL and Redis: [(DaphneServer, PostgresSite)]."""
    database_url, env = services
    started = []

    def start(count):
        for _ in range(count):
            server = DaphneServer(env).start()
            started.append((server, PostgresSite(server.base, database_url, env)))
        return started

    yield start
    for server, _ in started:
        server.stop()
