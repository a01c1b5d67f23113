"""The scale-out path: two daphne processes on one PostgreSQL, ops fanned out through Redis.

Clients on either server edit one document at once; the processes race
for each version (the loser retries) and each forwards the other's ops.
"""

import random

import pytest

from tests.support.daphne import running_daphne, site_env
from tests.support.live import LiveSite, ShareDBClients
from tests.support.services import postgres_server, redis_server

SECRET = {"SECRET_KEY": "scale-out-tests-only-" + "s" * 40}  # one key, so a session works on both


class PostgresSite(LiveSite):
    def query(self, sql, *params):
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()


@pytest.fixture(scope="module")
def two_servers():
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {"REDIS_URL": redis_url, **SECRET}
        with running_daphne(database_url, **env) as first, running_daphne(database_url, **env) as second:
            sites = []
            for base in (first, second):
                site = PostgresSite(base, None, site_env(database_url, **env))
                site.database_url = database_url
                sites.append(site)
            yield sites


def test_clients_on_two_servers_converge(two_servers):
    first, second = two_servers
    first.create_user("scale")
    clients = ShareDBClients(first)
    try:
        names = ["a1", "a2", "b1", "b2"]
        server_of = {}
        for name in names:
            site = first if name.startswith("a") else second
            server_of[clients.open(name, "scale", site=site)["id"]] = site
        clients("create", name="a1", id="scaled", text="shared 🌍")
        for name in names:
            clients("subscribe", name=name, id="scaled")
        rng = random.Random(2026)
        for _ in range(60):
            clients.edit_at_random(rng, rng.choice(names), "scaled")
        clients.assert_converged(first, names, "scaled")
        assert {server_of[row[2]] for row in first.operations("scaled")} == {first, second}  # both servers committed
        errors = {name: clients("errors", name=name) for name in names}
        assert not any(errors.values()), errors
    finally:
        clients.close()
